package source

import (
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"
)

// osNames is the operating system's files named as users typed them
// ("infra/main.tf", "../infra/main.tf", "/src/infra/main.tf"), so that
// positions in Terraform modules read as the file reader's do. It opens
// only what lies inside the folders given on the command line: a module
// that reads ../../secrets through file() gets nothing.
type osNames struct{ within }

// within is the folders of a file system that a scan may read: what lies
// outside them does not exist to it (a module's ../ reaching out of the
// folders given is not read, at HEAD as at BASE).
type within struct {
	// roots are cleaned slash-separated folders; "." is the whole.
	roots []string
}

// errOutside is why a file outside the folders given cannot be opened: to
// the scan it does not exist (errors.Is(err, fs.ErrNotExist)), and the
// message says why.
var errOutside = outsideError{}

type outsideError struct{}

func (outsideError) Error() string {
	return "outside the folders given to scan; to read it, scan a folder that holds it too (the repository's top folder, say)"
}
func (outsideError) Is(target error) bool { return target == fs.ErrNotExist }

// withinFS is fsys restricted to folders of it.
type withinFS struct {
	within
	fsys fs.FS
}

// Open implements fs.FS.
func (w withinFS) Open(name string) (fs.File, error) {
	if !w.inside(name) {
		return nil, &fs.PathError{Op: "open", Path: name, Err: errOutside}
	}
	return w.fsys.Open(name)
}

// newOSNames returns the file system of the command-line paths: each
// folder, or a file's folder.
func newOSNames(paths []string) osNames {
	return osNames{withinPaths(paths, func(p string) (fs.FileInfo, error) { return os.Stat(filepath.FromSlash(p)) })}
}

// withinPaths is the folders of paths (a file's is its folder), by stat.
func withinPaths(paths []string, stat func(string) (fs.FileInfo, error)) within {
	var w within
	for _, p := range paths {
		dir := path.Clean(filepath.ToSlash(p))
		if info, err := stat(dir); err == nil && !info.IsDir() {
			dir = path.Dir(dir)
		}
		w.roots = append(w.roots, dir)
	}
	return w
}

func (w within) inside(name string) bool {
	name = path.Clean(name)
	for _, r := range w.roots {
		switch {
		case r == ".":
			if fs.ValidPath(name) {
				return true
			}
		case name == r, strings.HasPrefix(name, strings.TrimSuffix(r, "/")+"/"):
			return true
		}
	}
	return false
}

// Open implements fs.FS.
func (o osNames) Open(name string) (fs.File, error) {
	if !o.inside(name) {
		return nil, &fs.PathError{Op: "open", Path: name, Err: errOutside}
	}
	return os.Open(filepath.FromSlash(path.Clean(name)))
}
