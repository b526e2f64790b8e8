package golden

import (
	"path/filepath"
	"testing"
)

func TestWriteThenRead(t *testing.T) {
	path := filepath.Join(t.TempDir(), "a", "b.txt")
	Write(t, path, []byte("want\n"))
	if got := Read(t, path); got != "want\n" {
		t.Errorf("Read = %q, want %q", got, "want\n")
	}
}
