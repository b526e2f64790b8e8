package conformance

import (
	"bytes"
	"io/fs"
	"os"
	"path/filepath"
	"testing"
)

// TestCopyFollowsShared fails when testdata/conformance differs from
// ../shared/conformance, where the corpus is maintained: the copy must
// follow every update.
func TestCopyFollowsShared(t *testing.T) {
	shared := SharedDir()
	if _, err := os.Stat(shared); err != nil {
		t.Skipf("no shared conformance folder at %s; the copy is authoritative here", shared)
	}
	seen := map[string]bool{}
	err := filepath.WalkDir(shared, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(shared, p)
		seen[rel] = true
		want, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		got, err := os.ReadFile(filepath.Join(Dir(), rel))
		if err != nil {
			t.Errorf("testdata/conformance/%s is missing: copy shared/conformance again", rel)
			return nil
		}
		if !bytes.Equal(got, want) {
			t.Errorf("testdata/conformance/%s differs from shared/conformance: copy it again (never edit cases)", rel)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	_ = filepath.WalkDir(Dir(), func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(Dir(), p)
		if !seen[rel] && rel != "DISPUTED.md" && rel != "PENDING.md" {
			t.Errorf("testdata/conformance/%s is not in shared/conformance: remove it", rel)
		}
		return nil
	})
}
