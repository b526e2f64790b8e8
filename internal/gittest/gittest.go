// Package gittest runs git for the tests that need a repository.
package gittest

import (
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// Git returns a function that runs git in dir, as an author named t, with
// no repository above dir found; git failing fails the test. Without git on
// the PATH it skips the test.
func Git(t testing.TB, dir string) func(args ...string) {
	t.Helper()
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("git is not installed")
	}
	return func(args ...string) {
		t.Helper()
		cmd := exec.Command("git", append([]string{"-c", "user.name=t", "-c", "user.email=t@example.com"}, args...)...)
		cmd.Dir = dir
		cmd.Env = append(os.Environ(), "GIT_CEILING_DIRECTORIES="+filepath.Dir(dir))
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("git %v: %v\n%s", args, err, out)
		}
	}
}

// Repo makes a repository in a temporary folder whose branch main holds
// files (by slash-separated name) in one commit, and returns the folder.
// Without git on the PATH it skips the test.
func Repo(t testing.TB, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	git := Git(t, dir)
	for name, text := range files {
		Write(t, dir, name, text)
	}
	git("init", "-q", "-b", "main")
	git("add", ".")
	git("commit", "-q", "-m", "base")
	return dir
}

// Write writes text to the file name (slash-separated) below dir, making
// its folders; an error fails the test.
func Write(t testing.TB, dir, name, text string) {
	t.Helper()
	p := filepath.Join(dir, filepath.FromSlash(name))
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
}
