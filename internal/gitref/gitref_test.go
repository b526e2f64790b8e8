package gitref

import (
	"archive/tar"
	"bytes"
	"context"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/ecrguard/ecrguard/internal/gittest"
)

// repo makes a repository in a temporary folder with one commit of files,
// then writes work over the working tree; it skips without git.
func repo(t *testing.T, files, work map[string]string) string {
	t.Helper()
	dir := gittest.Repo(t, files)
	for name, data := range work {
		gittest.Write(t, dir, name, data)
	}
	return dir
}

// Open reads the revision, not the working tree, from the top or a
// subfolder (named from there); a folder new since the revision is empty.
func TestOpen(t *testing.T) {
	dir := repo(t, map[string]string{"infra/app.json": "base", "README": "r"}, map[string]string{"infra/app.json": "head", "new/x.json": "x"})
	ctx := context.Background()
	for _, tc := range []struct{ dir, file, want string }{
		{dir, "infra/app.json", "base"},
		{filepath.Join(dir, "infra"), "app.json", "base"},
	} {
		tree, err := Open(ctx, tc.dir, "main")
		if err != nil {
			t.Fatal(err)
		}
		got, err := fs.ReadFile(tree.FS, tc.file)
		if err != nil || string(got) != tc.want {
			t.Errorf("%s: %q, %v; want %q", tc.file, got, err, tc.want)
		}
		if len(tree.Commit) < 40 {
			t.Errorf("commit %q", tree.Commit)
		}
		tree.Close()
	}
	// A folder new since the revision, and one that was a file then, are
	// empty.
	for _, sub := range []string{"new", "README"} {
		if sub == "README" {
			if err := os.Remove(filepath.Join(dir, sub)); err != nil {
				t.Fatal(err)
			}
			gittest.Write(t, dir, sub+"/x.json", "x")
		}
		tree, err := Open(ctx, filepath.Join(dir, sub), "main")
		if err != nil {
			t.Fatal(err)
		}
		defer tree.Close()
		if entries, err := fs.ReadDir(tree.FS, "."); err != nil || len(entries) != 0 {
			t.Errorf("%s, not a folder at the revision: %v, %v", sub, entries, err)
		}
	}
}

// The errors a caller tells apart: an unknown revision, an option given as
// one, a folder outside any repository.
func TestOpenErrors(t *testing.T) {
	dir := repo(t, map[string]string{"a": "a"}, nil)
	ctx := context.Background()
	for _, ref := range []string{"no-such-branch", "--output=x", "main\nmain"} {
		if _, err := Open(ctx, dir, ref); !errors.Is(err, ErrNoCommit) || !strings.Contains(err.Error(), strconv.Quote(ref)) {
			t.Errorf("%s: %v, want ErrNoCommit naming it", ref, err)
		}
	}
	// Inside .git, git says it is not in a working tree.
	if _, err := Open(ctx, filepath.Join(dir, ".git"), "main"); !errors.Is(err, ErrNotRepo) {
		t.Errorf("in .git: %v, want ErrNotRepo", err)
	}
	plain := t.TempDir()
	t.Setenv("GIT_CEILING_DIRECTORIES", filepath.Dir(plain))
	if _, err := Open(ctx, plain, "main"); !errors.Is(err, ErrNotRepo) {
		t.Errorf("outside a repository: %v, want ErrNotRepo", err)
	}
}

// tarOf builds a tar of entries (a name ending in / is a folder, "->" makes
// a symbolic link).
func tarOf(t testing.TB, entries ...string) []byte {
	var b bytes.Buffer
	w := tar.NewWriter(&b)
	for _, e := range entries {
		h := &tar.Header{Name: e, Mode: 0o644, Typeflag: tar.TypeReg, Size: int64(len(e))}
		switch {
		case strings.HasSuffix(e, "/"):
			h.Typeflag, h.Size = tar.TypeDir, 0
		case strings.Contains(e, "->"):
			name, target, _ := strings.Cut(e, "->")
			h.Name, h.Linkname, h.Typeflag, h.Size = name, target, tar.TypeSymlink, 0
		}
		if err := w.WriteHeader(h); err != nil {
			t.Fatal(err)
		}
		if h.Size > 0 {
			w.Write([]byte(e))
		}
	}
	w.Close()
	return b.Bytes()
}

// FuzzUnpack: no archive panics, and nothing is written outside the
// folder. The seed corpus is testdata/fuzz/FuzzUnpack.
func FuzzUnpack(f *testing.F) {
	f.Add(tarOf(f, "a/", "a/b.json", "link->../../etc/passwd"))
	f.Add(tarOf(f, "../escape.json"))
	f.Add([]byte("not a tar"))
	f.Fuzz(func(t *testing.T, data []byte) {
		root := t.TempDir()
		dir := filepath.Join(root, "tree")
		if err := os.Mkdir(dir, 0o755); err != nil {
			t.Fatal(err)
		}
		tr := &Tree{dir: dir}
		_ = tr.unpack(bytes.NewReader(data))
		entries, err := os.ReadDir(root)
		if err != nil || len(entries) != 1 {
			t.Fatalf("written outside the folder: %v %v", entries, err)
		}
	})
}

// Symbolic links are listed, not followed; a path out of the folder is an
// error.
func TestUnpack(t *testing.T) {
	tr := &Tree{dir: t.TempDir()}
	if err := tr.unpack(bytes.NewReader(tarOf(t, "a/", "a/b.json", "link->../x"))); err != nil {
		t.Fatal(err)
	}
	if data, err := os.ReadFile(filepath.Join(tr.dir, "a", "b.json")); err != nil || string(data) != "a/b.json" {
		t.Errorf("a/b.json: %q, %v", data, err)
	}
	if len(tr.Skipped) != 1 || tr.Skipped[0] != "link" {
		t.Errorf("skipped %v", tr.Skipped)
	}
	// A folder with nothing below it is a submodule: git holds no empty
	// folder, and git archive writes a submodule as one.
	sub := &Tree{dir: t.TempDir()}
	if err := sub.unpack(bytes.NewReader(tarOf(t, "a/", "a/b.json", "a/vendor/", "c/", "c/d/", "c/d/e.json"))); err != nil {
		t.Fatal(err)
	}
	if len(sub.Submodules) != 1 || sub.Submodules[0] != "a/vendor" {
		t.Errorf("submodules %v, want [a/vendor]", sub.Submodules)
	}
	if err := (&Tree{dir: t.TempDir()}).unpack(bytes.NewReader(tarOf(t, "../escape.json"))); err == nil {
		t.Error("../escape.json: no error")
	}
}

// Without git on the PATH, Open says so.
func TestOpenNoGit(t *testing.T) {
	t.Setenv("PATH", t.TempDir())
	if _, err := Open(context.Background(), t.TempDir(), "main"); !errors.Is(err, ErrNoGit) {
		t.Errorf("%v, want ErrNoGit", err)
	}
}

// Show reads one file at the revision, relative to a subfolder or
// absolute, and says when the revision lacks it.
func TestShow(t *testing.T) {
	dir := repo(t, map[string]string{"infra/.ecrguard.yaml": "account: base"}, map[string]string{"infra/.ecrguard.yaml": "account: head", "infra/new.yaml": "x"})
	ctx := context.Background()
	sub := filepath.Join(dir, "infra")
	for _, path := range []string{".ecrguard.yaml", filepath.Join(sub, ".ecrguard.yaml")} {
		got, ok, err := Show(ctx, sub, "main", path)
		if err != nil || !ok || string(got) != "account: base" {
			t.Errorf("Show(%s) = %q, %v, %v; want the revision's", path, got, ok, err)
		}
	}
	if _, ok, err := Show(ctx, sub, "main", "new.yaml"); ok || err != nil {
		t.Errorf("a file new since the revision: ok %v, err %v", ok, err)
	}
	// A folder is not a file; an empty file is one.
	if _, ok, err := Show(ctx, dir, "main", "infra"); ok || err == nil || !strings.Contains(err.Error(), "not a file") {
		t.Errorf("a folder: ok %v, err %v; want an error", ok, err)
	}
	empty := repo(t, map[string]string{"e.yaml": ""}, nil)
	if got, ok, err := Show(ctx, empty, "main", "e.yaml"); !ok || err != nil || len(got) != 0 {
		t.Errorf("an empty file: %q, %v, %v", got, ok, err)
	}
}
