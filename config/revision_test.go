package config

import (
	"context"
	"os"
	"path/filepath"
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
	if got := c.ChangedSince(ctx, "main", nil); got != "" {
		t.Errorf("unchanged: %q", got)
	}
	gittest.Write(t, dir, ".ecrguard.yaml", "account: \"111122223333\"\ntrusted:\n  accounts: [\"444455556666\"]\n")
	if got := c.ChangedSince(ctx, "main", nil); !strings.Contains(got, ".ecrguard.yaml differs from main's") {
		t.Errorf("changed: %q", got)
	}
	gittest.Write(t, dir, "other.yaml", "account: \"111122223333\"\n")
	if got := (&Config{File: "other.yaml"}).ChangedSince(ctx, "main", nil); !strings.Contains(got, "other.yaml is not in main") {
		t.Errorf("new: %q", got)
	}
	if got := (&Config{}).ChangedSince(ctx, "main", nil); got != "" {
		t.Errorf("no file: %q", got)
	}
}

// ChangedSince with the PATHs the configuration was looked for along
// (without --config): a branch that deletes the configuration its PATHs
// had at the revision is judged without it, or with one further up, and
// says so, naming the file gone and the one used.
func TestChangedSinceDeleted(t *testing.T) {
	dir := gittest.Repo(t, map[string]string{
		".ecrguard.yaml":       "account: \"111122223333\"\n",
		"infra/.ecrguard.yaml": "account: \"111122223333\"\ntrusted:\n  accounts: []\n",
		"infra/app.json":       "{}",
		"other/app.json":       "{}",
	})
	t.Chdir(dir)
	ctx := context.Background()
	load := func(paths ...string) *Config {
		t.Helper()
		c, err := ForPaths("", paths, now, Overrides{})
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	// Nothing deleted: the same files.
	for _, paths := range [][]string{{"infra"}, {"other"}, {"infra", "other"}} {
		if got := load(paths...).ChangedSince(ctx, "main", paths); got != "" {
			t.Errorf("%v unchanged: %q", paths, got)
		}
	}
	// infra/.ecrguard.yaml deleted: infra/ is judged with the one above.
	if err := os.Remove(filepath.Join(dir, "infra", FileName)); err != nil {
		t.Fatal(err)
	}
	c := load("infra")
	if got := c.ChangedSince(ctx, "main", []string{"infra"}); !strings.Contains(got, "the configuration infra/.ecrguard.yaml of main is not in the working tree: both sides are judged with .ecrguard.yaml instead") {
		t.Errorf("nearer one deleted: %q", got)
	}
	// --config names the file: where the PATHs would look does not matter.
	if got := c.ChangedSince(ctx, "main", nil); got != "" {
		t.Errorf("--config: %q", got)
	}
	// Both deleted: judged without a configuration.
	if err := os.Remove(filepath.Join(dir, FileName)); err != nil {
		t.Fatal(err)
	}
	for _, paths := range [][]string{{"infra"}, {"other"}, {"infra", "other"}} {
		want := "the configuration .ecrguard.yaml of main is not in the working tree: both sides are judged without one"
		if paths[0] == "infra" && len(paths) == 1 {
			want = "the configuration infra/.ecrguard.yaml of main is not in the working tree: both sides are judged without one"
		}
		if got := load(paths...).ChangedSince(ctx, "main", paths); !strings.Contains(got, want) {
			t.Errorf("%v, all deleted: %q, want %q", paths, got, want)
		}
	}
}
