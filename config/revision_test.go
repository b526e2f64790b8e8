package config

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// ChangedSince: a configuration the revision holds alike says nothing; one
// changed or new since the revision says so, naming the file and the
// revision.
func TestChangedSince(t *testing.T) {
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("git is not installed")
	}
	dir := t.TempDir()
	git := func(args ...string) {
		t.Helper()
		cmd := exec.Command("git", append([]string{"-c", "user.name=t", "-c", "user.email=t@example.com"}, args...)...)
		cmd.Dir = dir
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("git %v: %v\n%s", args, err, out)
		}
	}
	write := func(name, text string) {
		t.Helper()
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	git("init", "-q", "-b", "main")
	write(".ecrguard.yaml", "account: \"111122223333\"\n")
	git("add", ".")
	git("commit", "-q", "-m", "base")
	t.Chdir(dir)
	ctx := context.Background()
	c := &Config{File: ".ecrguard.yaml"}
	if got := c.ChangedSince(ctx, "main"); got != "" {
		t.Errorf("unchanged: %q", got)
	}
	write(".ecrguard.yaml", "account: \"111122223333\"\ntrusted:\n  accounts: [\"444455556666\"]\n")
	if got := c.ChangedSince(ctx, "main"); !strings.Contains(got, ".ecrguard.yaml differs from main's") {
		t.Errorf("changed: %q", got)
	}
	write("other.yaml", "account: \"111122223333\"\n")
	if got := (&Config{File: "other.yaml"}).ChangedSince(ctx, "main"); !strings.Contains(got, "other.yaml is not in main") {
		t.Errorf("new: %q", got)
	}
	if got := (&Config{}).ChangedSince(ctx, "main"); got != "" {
		t.Errorf("no file: %q", got)
	}
}
