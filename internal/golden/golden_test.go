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

func TestCheck(t *testing.T) {
	path := filepath.Join(t.TempDir(), "c.txt")
	check(t, path, "one\n", true)
	check(t, path, "one\n", false)
	var ft fakeT
	check(&ft, path, "two\n", false)
	if !ft.failed {
		t.Error("Check passed a text that differs from the golden file")
	}
}

// fakeT records a failure instead of failing the test that runs it.
type fakeT struct {
	testing.TB
	failed bool
}

func (f *fakeT) Helper()               {}
func (f *fakeT) Errorf(string, ...any) { f.failed = true }
