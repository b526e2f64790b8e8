package source

import (
	"bytes"
	"io/fs"

	"github.com/ecrguard/ecrguard/source/file"
)

// overlaid returns names and the roots with the files of overlay (by the
// names users see) in place of theirs; as they are when overlay is empty.
func overlaid(names fs.FS, roots []file.Root, overlay map[string][]byte) (fs.FS, []file.Root) {
	if len(overlay) == 0 {
		return names, roots
	}
	out := make([]file.Root, len(roots))
	for i, r := range roots {
		r.FS = overlayFS{base: r.FS, name: r.NameOf, files: overlay}
		out[i] = r
	}
	return overlayFS{base: names, name: func(p string) string { return p }, files: overlay}, out
}

// overlayFS is base with some files' contents replaced: files maps the
// name users see of a file (name of its path) to its contents.
type overlayFS struct {
	base  fs.FS
	name  func(p string) string
	files map[string][]byte
}

// Open implements fs.FS.
func (o overlayFS) Open(p string) (fs.File, error) {
	data, ok := o.files[o.name(p)]
	if !ok {
		return o.base.Open(p)
	}
	f, err := o.base.Open(p)
	if err != nil {
		return nil, err
	}
	info, err := f.Stat()
	f.Close()
	if err != nil {
		return nil, err
	}
	return &memFile{Reader: bytes.NewReader(data), info: memInfo{FileInfo: info, size: int64(len(data))}}, nil
}

// memFile is a file of an overlay.
type memFile struct {
	*bytes.Reader
	info memInfo
}

func (f *memFile) Stat() (fs.FileInfo, error) { return f.info, nil }
func (f *memFile) Close() error               { return nil }

// memInfo is the original file's information with the overlay's size.
type memInfo struct {
	fs.FileInfo
	size int64
}

func (i memInfo) Size() int64 { return i.size }
