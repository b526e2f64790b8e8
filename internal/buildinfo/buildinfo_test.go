package buildinfo

import (
	"runtime/debug"
	"testing"
)

// fakeBuild returns a debug.ReadBuildInfo that reports a module version
// and VCS settings (key, value pairs).
func fakeBuild(module string, ok bool, settings ...string) func() (*debug.BuildInfo, bool) {
	return func() (*debug.BuildInfo, bool) {
		bi := &debug.BuildInfo{GoVersion: "go1.26.8", Main: debug.Module{Path: "github.com/ecrguard/ecrguard", Version: module}}
		for i := 0; i+1 < len(settings); i += 2 {
			bi.Settings = append(bi.Settings, debug.BuildSetting{Key: settings[i], Value: settings[i+1]})
		}
		return bi, ok
	}
}

func TestRead(t *testing.T) {
	const rev = "0123456789abcdef0123456789abcdef01234567"
	vcs := []string{"vcs", "git", "vcs.revision", rev, "vcs.time", "2026-12-06T09:44:00Z", "vcs.modified", "true"}
	tests := []struct {
		name       string
		set        string
		info       func() (*debug.BuildInfo, bool)
		want       string
		wantCommit string
		dirty      bool
	}{
		{"ldflags win", "1.4.0", fakeBuild("v1.3.0", true), "1.4.0", "", false},
		{"go install @tag", "dev", fakeBuild("v1.3.0", true), "v1.3.0", "", false},
		{"go install @commit", "dev", fakeBuild("v0.0.0-20261206094400-abcdef012345", true), "v0.0.0-20261206094400-abcdef012345", "", false},
		{"stamped in a checkout", "dev", fakeBuild("v1.3.1-0.20261206094400-0123456789ab+dirty", true, vcs...), "v1.3.1-0.20261206094400-0123456789ab+dirty", rev, true},
		{"unstamped checkout", "dev", fakeBuild("(devel)", true, vcs...), "v0.0.0-20261206094400-0123456789ab", rev, true},
		{"clean checkout", "dev", fakeBuild("(devel)", true, "vcs.revision", rev, "vcs.time", "2026-12-06T09:44:00Z", "vcs.modified", "false"), "v0.0.0-20261206094400-0123456789ab", rev, false},
		{"no VCS", "dev", fakeBuild("(devel)", true), "dev", "", false},
		{"no build info", "dev", fakeBuild("v1.3.0", false), "dev", "", false},
	}
	for _, tt := range tests {
		b := Read(tt.set, tt.info)
		if b.Version != tt.want || b.Commit != tt.wantCommit || b.Dirty != tt.dirty {
			t.Errorf("%s: Read = %+v, want version %q, commit %q, dirty %v", tt.name, b, tt.want, tt.wantCommit, tt.dirty)
		}
	}
	if b := Read("dev", fakeBuild("v1.3.0", true)); b.Go != "go1.26.8" {
		t.Errorf("Go = %q, want the build info's go1.26.8", b.Go)
	}
}

func TestString(t *testing.T) {
	b := Read("dev", fakeBuild("v1.3.0", true, "vcs.revision", "0123456789abcdef", "vcs.modified", "true"))
	want := "ecrguard v1.3.0\ncommit:   0123456789abcdef\ndirty:    true\ngo:       go1.26.8\n"
	if got := b.String(); got != want {
		t.Errorf("String() =\n%s\nwant\n%s", got, want)
	}
	b = Read("dev", fakeBuild("v1.3.0", true))
	want = "ecrguard v1.3.0\ncommit:   unknown (built outside a git checkout, or with -buildvcs=false)\ngo:       go1.26.8\n"
	if got := b.String(); got != want {
		t.Errorf("String() without VCS =\n%s\nwant\n%s", got, want)
	}
}
