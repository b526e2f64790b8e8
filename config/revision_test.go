package config

import (
	"context"
	"strings"
	"testing"

	"github.com/ecrguard/ecrguard/internal/gittest"
)

// ChangedSince: a configuration the revision holds alike says nothing; one
// changed or new since the revision says so, naming the file and the
// revision.
func TestChangedSince(t *testing.T) {
	dir := gittest.Repo(t, map[string]string{".ecrguard.yaml": "account: \"111122223333\"\n"})
	t.Chdir(dir)
	ctx := context.Background()
	c := &Config{File: ".ecrguard.yaml"}
	if got := c.ChangedSince(ctx, "main"); got != "" {
		t.Errorf("unchanged: %q", got)
	}
	gittest.Write(t, dir, ".ecrguard.yaml", "account: \"111122223333\"\ntrusted:\n  accounts: [\"444455556666\"]\n")
	if got := c.ChangedSince(ctx, "main"); !strings.Contains(got, ".ecrguard.yaml differs from main's") {
		t.Errorf("changed: %q", got)
	}
	gittest.Write(t, dir, "other.yaml", "account: \"111122223333\"\n")
	if got := (&Config{File: "other.yaml"}).ChangedSince(ctx, "main"); !strings.Contains(got, "other.yaml is not in main") {
		t.Errorf("new: %q", got)
	}
	if got := (&Config{}).ChangedSince(ctx, "main"); got != "" {
		t.Errorf("no file: %q", got)
	}
}
