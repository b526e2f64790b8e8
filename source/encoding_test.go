package source

import (
	"io/fs"
	"os"
	"slices"
	"strings"
	"testing"
	"testing/fstest"
	"unicode/utf16"

	"github.com/ecrguard/ecrguard/rules"
)

// TestEncodings scans the IaC fixtures as Windows tools may save them
// (UTF-16LE with a byte-order mark and CRLF, as PowerShell's `>` writes;
// UTF-8 with a byte-order mark) and wants the UTF-8 scan's findings, at
// the same lines and columns.
func TestEncodings(t *testing.T) {
	utf16LE := func(data []byte) []byte {
		text := strings.ReplaceAll(string(data), "\n", "\r\n")
		out := []byte{0xFF, 0xFE}
		for _, u := range utf16.Encode([]rune(text)) {
			out = append(out, byte(u), byte(u>>8))
		}
		return out
	}
	utf8BOM := func(data []byte) []byte { return append([]byte{0xEF, 0xBB, 0xBF}, data...) }
	keys := func(res *rules.Result) []string {
		var out []string
		for _, f := range res.Findings {
			out = append(out, findingKey(f)+" at "+f.Source.String())
		}
		for _, g := range res.Gaps {
			out = append(out, "gap "+g.String())
		}
		slices.Sort(out)
		return out
	}
	src := os.DirFS("../testdata/iac")
	for _, root := range []string{"terraform", "cloudformation/template.yaml", "cloudformation/template.json", "plan"} {
		want := keys(scanIaC(t, src, root))
		if len(want) == 0 {
			t.Fatalf("%s: no findings to compare", root)
		}
		for name, encode := range map[string]func([]byte) []byte{"UTF-16LE": utf16LE, "UTF-8 with BOM": utf8BOM} {
			fsys := fstest.MapFS{}
			err := fs.WalkDir(src, ".", func(p string, d fs.DirEntry, err error) error {
				if err != nil || d.IsDir() {
					return err
				}
				data, err := fs.ReadFile(src, p)
				if !strings.Contains(p, "/policies/") {
					// Files a module reads with file() are read as
					// Terraform reads them: as they are.
					data = encode(data)
				}
				fsys[p] = &fstest.MapFile{Data: data}
				return err
			})
			if err != nil {
				t.Fatal(err)
			}
			if got := keys(scanIaC(t, fsys, root)); !slices.Equal(got, want) {
				t.Errorf("%s in %s:\n%s\nwant\n%s", root, name, strings.Join(got, "\n"), strings.Join(want, "\n"))
			}
		}
	}
}
