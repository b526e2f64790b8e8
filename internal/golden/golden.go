// Package golden keeps the expected output of tests in files of the
// repository (golden files): Read gives a test the file to compare with, and
// Write rewrites it when the test runs with -update, a flag this package
// gives every test binary that imports it (go test ./report -update).
package golden

import (
	"flag"
	"os"
	"path/filepath"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the golden and generated files the tests compare with; review the diff by eye")

// Update reports whether the test binary runs with -update: tests then
// rewrite their golden files instead of comparing with them.
func Update() bool { return *update }

// Write writes data to the golden file path, making its folder; an error
// fails the test.
func Write(t testing.TB, path string, data []byte) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
}

// Read returns the content of the golden file path. A file that cannot be
// read fails the test, with how to create it.
func Read(t testing.TB, path string) string {
	t.Helper()
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	return string(want)
}

// Check compares got with the golden file path and fails the test, showing
// both, when they differ; with -update it rewrites the file instead.
func Check(t testing.TB, path, got string) {
	t.Helper()
	check(t, path, got, *update)
}

func check(t testing.TB, path, got string, update bool) {
	t.Helper()
	if update {
		Write(t, path, []byte(got))
		return
	}
	if want := Read(t, path); got != want {
		t.Errorf("differs from %s (go test -update rewrites it):\n--- got\n%s\n--- want\n%s", path, got, want)
	}
}
