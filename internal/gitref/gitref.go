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
	"strconv"
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
	// Submodules are the submodules of the folder at the revision, which
	// are not read: their commits are other repositories', and git
	// archive writes each as an empty folder.
	Submodules []string
	dir        string
}

// Close removes the temporary copy.
func (t *Tree) Close() error { return os.RemoveAll(t.dir) }

// Errors a caller may tell apart.
var (
	ErrNoGit    = errors.New("git is not installed (or not on PATH): --git reads the revision with it")
	ErrNotRepo  = errors.New("the current folder is not in a git repository")
	ErrNoCommit = errors.New("unknown revision")
)

// git runs git in dir with stdin as its standard input (none when empty)
// and writes its standard output to stdout.
func git(ctx context.Context, dir, stdin string, stdout io.Writer, args ...string) error {
	cmd := exec.CommandContext(ctx, "git", args...)
	cmd.Dir = dir
	if stdin != "" {
		cmd.Stdin = strings.NewReader(stdin)
	}
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

// object is what git cat-file --batch(-check) says of one object name: its
// id, type and size, or found false when the name names nothing.
type object struct {
	id, kind string
	size     int
	found    bool
}

// parseObject reads the line cat-file prints for an object name: "<id>
// <type> <size>", or "<name> missing" (or "ambiguous").
func parseObject(line string) object {
	f := strings.Fields(line)
	if len(f) != 3 || strings.HasSuffix(line, " missing") {
		return object{}
	}
	size, err := strconv.Atoi(f[2])
	if err != nil {
		return object{}
	}
	return object{id: f[0], kind: f[1], size: size, found: true}
}

// lookUp resolves the object names (one per line of git cat-file
// --batch-check, run in dir) in one git process.
func lookUp(ctx context.Context, dir string, names ...string) ([]object, error) {
	var out bytes.Buffer
	if err := git(ctx, dir, strings.Join(names, "\n")+"\n", &out, "cat-file", "--batch-check"); err != nil {
		return nil, err
	}
	lines := strings.Split(strings.TrimSuffix(out.String(), "\n"), "\n")
	if len(lines) != len(names) {
		return nil, fmt.Errorf("git cat-file --batch-check: %d lines for %d names", len(lines), len(names))
	}
	objs := make([]object, len(names))
	for i, line := range lines {
		objs[i] = parseObject(line)
	}
	return objs, nil
}

// Open reads dir (the current folder) at revision ref. A folder that did
// not exist at the revision is empty. It runs git three times: where the
// folder sits in its repository, what the revision and the folder in it
// are, and an archive of the folder.
func Open(ctx context.Context, dir, ref string) (*Tree, error) {
	if _, err := exec.LookPath("git"); err != nil {
		return nil, ErrNoGit
	}
	var where bytes.Buffer
	err := git(ctx, dir, "", &where, "rev-parse", "--is-inside-work-tree", "--show-toplevel", "--show-prefix")
	inside, rest, _ := strings.Cut(where.String(), "\n")
	if err != nil || inside != "true" {
		return nil, fmt.Errorf("%w (%s)", ErrNotRepo, dir)
	}
	// git archive, run in a subfolder, archives only that subfolder of the
	// tree it is given: it runs at the top, given the folder's path there.
	top, prefix, _ := strings.Cut(rest, "\n")
	prefix = strings.TrimSuffix(strings.TrimSpace(prefix), "/")
	if strings.HasPrefix(ref, "-") || strings.ContainsAny(ref, "\n\x00") {
		return nil, fmt.Errorf("%w %q: a revision does not start with '-' or hold a line break", ErrNoCommit, ref)
	}
	objs, err := lookUp(ctx, top, ref+"^{commit}", ref+"^{commit}:"+prefix)
	if err != nil {
		return nil, err
	}
	if !objs[0].found {
		return nil, fmt.Errorf("%w %q: expected a branch, tag or commit of this repository (git rev-parse --verify %s)", ErrNoCommit, ref, ref)
	}
	tmp, err := os.MkdirTemp("", "ecrguard-git-")
	if err != nil {
		return nil, err
	}
	t := &Tree{FS: os.DirFS(tmp), Commit: objs[0].id, dir: tmp}
	if !objs[1].found || objs[1].kind != "tree" {
		return t, nil // the folder did not exist at the revision
	}
	var archive bytes.Buffer
	if err := git(ctx, top, "", &archive, "archive", "--format=tar", objs[1].id); err != nil {
		t.Close()
		return nil, err
	}
	if err := t.unpack(&archive); err != nil {
		t.Close()
		return nil, fmt.Errorf("reading %s at %s: %w", ref, t.Commit, err)
	}
	return t, nil
}

// unpack writes the tar's folders and regular files into t's folder, lists
// its symbolic links as skipped and its empty folders as submodules (git
// holds no empty folder).
func (t *Tree) unpack(r io.Reader) error {
	tr := tar.NewReader(r)
	var dirs []string
	filled := map[string]bool{}
	for {
		h, err := tr.Next()
		if err == io.EOF {
			for _, d := range dirs {
				if !filled[d] {
					t.Submodules = append(t.Submodules, d)
				}
			}
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
		filled[path.Dir(name)] = true
		switch h.Typeflag {
		case tar.TypeDir:
			dirs = append(dirs, name)
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
	if strings.ContainsAny(ref+path, "\n\x00") {
		return nil, false, fmt.Errorf("%w %q: a revision and a path do not hold a line break", ErrNoCommit, ref)
	}
	// One git process: cat-file --batch prints "<id> <type> <size>" and
	// the content, or "<name> missing".
	var out bytes.Buffer
	name := ref + ":./" + filepath.ToSlash(path)
	if err := git(ctx, dir, name+"\n", &out, "cat-file", "--batch"); err != nil {
		return nil, false, err
	}
	header, content, _ := bytes.Cut(out.Bytes(), []byte("\n"))
	obj := parseObject(string(header))
	switch {
	case !obj.found:
		return nil, false, nil
	case obj.size > len(content):
		return nil, false, fmt.Errorf("git cat-file --batch: unexpected output %q", header)
	case obj.kind != "blob":
		return nil, false, fmt.Errorf("%s at %s is a %s, not a file", path, ref, obj.kind)
	}
	return content[:obj.size], true, nil
}
