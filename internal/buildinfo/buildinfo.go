// Package buildinfo reads what a binary knows of its own build (its
// version, commit and Go version) from runtime/debug's build info.
package buildinfo

import (
	"fmt"
	"runtime"
	"runtime/debug"
	"strings"
	"time"
)

// Info is what a binary knows of its own build: `ecrguard version` and
// `ecrguard --version` print it.
type Info struct {
	// Version is the release tag (v1.3.0) or pseudo-version of the module,
	// or "dev" when neither is known.
	Version string
	// Commit is the git commit built ("" when the build was not made in a
	// git checkout, as with `go install ...@v1.3.0`).
	Commit string
	// Dirty is true when the checkout had uncommitted changes.
	Dirty bool
	// Go is the Go version that built the binary.
	Go string
}

// Read reads info (debug.ReadBuildInfo). The version is, in order:
// set when it is not the default "dev" (-ldflags "-X main.version=..."),
// the main module's version (a tag or pseudo-version, when built with `go
// install ...@VERSION`, or by `go build` in a tagged checkout since Go
// 1.24), a pseudo-version made from the commit and its time (a build in a
// checkout that the go command did not stamp), or "dev".
func Read(set string, info func() (*debug.BuildInfo, bool)) Info {
	b := Info{Version: set, Go: runtime.Version()}
	bi, ok := info()
	if !ok || bi == nil {
		return b
	}
	if bi.GoVersion != "" {
		b.Go = bi.GoVersion
	}
	var commitTime string
	for _, s := range bi.Settings {
		switch s.Key {
		case "vcs.revision":
			b.Commit = s.Value
		case "vcs.time":
			commitTime = s.Value
		case "vcs.modified":
			b.Dirty = s.Value == "true"
		}
	}
	if set != "dev" {
		return b
	}
	if v := bi.Main.Version; v != "" && v != "(devel)" {
		b.Version = v
	} else if pv := pseudoVersion(b.Commit, commitTime); pv != "" {
		b.Version = pv
	}
	return b
}

// pseudoVersion is the Go pseudo-version of a commit with no tag before it,
// v0.0.0-YYYYMMDDHHMMSS-REV12 ("" when the commit or its time is unknown).
func pseudoVersion(commit, commitTime string) string {
	t, err := time.Parse(time.RFC3339, commitTime)
	if len(commit) < 12 || err != nil {
		return ""
	}
	return fmt.Sprintf("v0.0.0-%s-%s", t.UTC().Format("20060102150405"), commit[:12])
}

// String is the text of `ecrguard version`: the version on the first line,
// then the commit, whether the checkout was dirty, and the Go version.
func (b Info) String() string {
	var s strings.Builder
	fmt.Fprintf(&s, "ecrguard %s\n", b.Version)
	commit := b.Commit
	if commit == "" {
		commit = "unknown (built outside a git checkout, or with -buildvcs=false)"
	}
	fmt.Fprintf(&s, "commit:   %s\n", commit)
	if b.Commit != "" {
		fmt.Fprintf(&s, "dirty:    %t\n", b.Dirty)
	}
	fmt.Fprintf(&s, "go:       %s\n", b.Go)
	return s.String()
}
