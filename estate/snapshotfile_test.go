package estate

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestWriteSnapshotFile(t *testing.T) {
	e := New()
	e.Account("111122223333").Region("us-east-1").Repository("app").SetPolicy(nil)
	e.Account("111122223333").Region("eu-west-1")
	dir := t.TempDir()
	path := filepath.Join(dir, "snap.json")
	if err := WriteSnapshotFile(path, e, SnapshotMeta{Version: "test"}); err != nil {
		t.Fatal(err)
	}
	back, _, err := ReadSnapshot(mustRead(t, path), path)
	if err != nil {
		t.Fatal(err)
	}
	if a, r, n := back.Size(); a != 1 || r != 2 || n != 1 {
		t.Errorf("read back %d accounts, %d regions, %d repositories", a, r, n)
	}
	// Nothing but the snapshot is left in the folder.
	if ents, _ := os.ReadDir(dir); len(ents) != 1 {
		t.Errorf("folder holds %d files", len(ents))
	}
	err = WriteSnapshotFile(filepath.Join(dir, "missing", "snap.json"), e, SnapshotMeta{})
	if err == nil || !strings.Contains(err.Error(), "writing "+filepath.Join(dir, "missing", "snap.json")) {
		t.Errorf("a folder that does not exist: %v", err)
	}
}

func TestGapPlaced(t *testing.T) {
	g := Gap{Source: "ecr:GetRepositoryPolicy", Account: "111122223333", Region: "us-east-1", Code: "AccessDenied", Message: "denied"}
	if got, want := g.Placed(), "[111122223333 us-east-1] ecr:GetRepositoryPolicy: AccessDenied: denied"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
	if got := (Gap{Source: "a.json", Message: "m"}).Placed(); got != "a.json: m" {
		t.Errorf("got %q", got)
	}
}

func mustRead(t *testing.T, path string) []byte {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return data
}
