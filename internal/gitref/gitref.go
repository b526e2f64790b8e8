// Package gitref reads the current folder as it was at a git revision, with
// the git binary, for ecrguard diff --git: `git archive` of the folder's
// tree at the revision, unpacked into a temporary folder.
package gitref

import (
	"archive/tar"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"strings"
)

// Tree is the current folder at a revision.
type Tree struct {
	// FS holds the folder's files at the revision, named as in the
	// working tree's current folder.
	FS fs.FS
	// Commit is the revision's commit id.
	Commit string
	// Skipped are the symbolic links of the folder at the revision, which
	// are not followed (their target may lie outside the revision).
	Skipped []string
	dir     string
}

// Close removes the temporary copy.
func (t *Tree) Close() error { return os.RemoveAll(t.dir) }

// Errors a caller may tell apart.
var (
	ErrNoGit    = errors.New("git is not installed (or not on PATH): --git reads the revision with it")
	ErrNotRepo  = errors.New("the current folder is not in a git repository")
	ErrNoCommit = errors.New("unknown revision")
)

// git runs git in dir and returns its standard output.
func git(ctx context.Context, dir string, stdout io.Writer, args ...string) error {
	cmd := exec.CommandContext(ctx, "git", args...)
	cmd.Dir = dir
	var stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = stdout, &stderr
	if err := cmd.Run(); err != nil {
		msg := strings.TrimSpace(stderr.String())
		if msg == "" {
			msg = err.Error()
		}
		return fmt.Errorf("git %s: %s", strings.Join(args, " "), msg)
	}
	return nil
}

// output runs git in dir and returns its output, trimmed.
func output(ctx context.Context, dir string, args ...string) (string, error) {
	var b bytes.Buffer
	err := git(ctx, dir, &b, args...)
	return strings.TrimSpace(b.String()), err
}

// Open reads dir (the current folder) at revision ref. A folder that did
// not exist at the revision is empty.
func Open(ctx context.Context, dir, ref string) (*Tree, error) {
	if _, err := exec.LookPath("git"); err != nil {
		return nil, ErrNoGit
	}
	if _, err := output(ctx, dir, "rev-parse", "--is-inside-work-tree"); err != nil {
		return nil, fmt.Errorf("%w (%s)", ErrNotRepo, dir)
	}
	if strings.HasPrefix(ref, "-") {
		return nil, fmt.Errorf("%w %q: a revision does not start with '-'", ErrNoCommit, ref)
	}
	commit, err := output(ctx, dir, "rev-parse", "--verify", "--quiet", "--end-of-options", ref+"^{commit}")
	if err != nil || commit == "" {
		return nil, fmt.Errorf("%w %q: expected a branch, tag or commit of this repository (git rev-parse --verify %s)", ErrNoCommit, ref, ref)
	}
	prefix, err := output(ctx, dir, "rev-parse", "--show-prefix")
	if err != nil {
		return nil, err
	}
	// git archive, run in a subfolder, archives only that subfolder of the
	// tree it is given: run it at the top.
	top, err := output(ctx, dir, "rev-parse", "--show-toplevel")
	if err != nil {
		return nil, err
	}
	tmp, err := os.MkdirTemp("", "ecrguard-git-")
	if err != nil {
		return nil, err
	}
	t := &Tree{FS: os.DirFS(tmp), Commit: commit, dir: tmp}
	treeish := commit + ":" + strings.TrimSuffix(prefix, "/")
	if err := git(ctx, top, io.Discard, "cat-file", "-e", treeish); err != nil {
		return t, nil // the folder did not exist at the revision
	}
	var archive bytes.Buffer
	if err := git(ctx, top, &archive, "archive", "--format=tar", treeish); err != nil {
		t.Close()
		return nil, err
	}
	if err := t.unpack(&archive); err != nil {
		t.Close()
		return nil, fmt.Errorf("reading %s at %s: %w", ref, commit, err)
	}
	return t, nil
}

// unpack writes the tar's folders and regular files into t's folder and
// lists its symbolic links as skipped.
func (t *Tree) unpack(r io.Reader) error {
	tr := tar.NewReader(r)
	for {
		h, err := tr.Next()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
		name := path.Clean(h.Name)
		if !fs.ValidPath(name) {
			return fmt.Errorf("unexpected path %q in the archive", h.Name)
		}
		dest := filepath.Join(t.dir, filepath.FromSlash(name))
		switch h.Typeflag {
		case tar.TypeDir:
			if err := os.MkdirAll(dest, 0o755); err != nil {
				return err
			}
		case tar.TypeReg:
			if err := os.MkdirAll(filepath.Dir(dest), 0o755); err != nil {
				return err
			}
			data, err := io.ReadAll(tr)
			if err != nil {
				return err
			}
			if err := os.WriteFile(dest, data, 0o644); err != nil {
				return err
			}
		case tar.TypeSymlink:
			t.Skipped = append(t.Skipped, name)
		}
	}
}

// Show returns the content of the file path (relative to dir, or
// absolute) at revision ref, and whether the revision has it.
func Show(ctx context.Context, dir, ref, path string) ([]byte, bool, error) {
	if _, err := exec.LookPath("git"); err != nil {
		return nil, false, ErrNoGit
	}
	if filepath.IsAbs(path) {
		rel, err := filepath.Rel(dir, path)
		if err != nil {
			return nil, false, err
		}
		path = rel
	}
	object := ref + ":./" + filepath.ToSlash(path)
	if err := git(ctx, dir, io.Discard, "cat-file", "-e", "--end-of-options", object); err != nil {
		return nil, false, nil
	}
	var b bytes.Buffer
	if err := git(ctx, dir, &b, "cat-file", "blob", "--end-of-options", object); err != nil {
		return nil, false, err
	}
	return b.Bytes(), true, nil
}
