package main

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/ecrguard/ecrguard/internal/golden"
)

// TestDemoGolden renders the bundled example estate (examples/, what
// 'ecrguard demo' scans) in every report format and compares the bytes with
// testdata/golden/demo.*. Run 'go test ./cmd/ecrguard -run TestDemoGolden
// -update' after an intended change and read the diff.
func TestDemoGolden(t *testing.T) {
	for _, tc := range []struct {
		format, ext string
		flags       []string
	}{
		{"table", "txt", nil}, {"table", "detail.txt", []string{"--detail"}},
		{"json", "json", nil}, {"sarif", "sarif", nil}, {"junit", "xml", nil}, {"markdown", "md", nil},
	} {
		t.Run(tc.ext, func(t *testing.T) {
			args := append([]string{"demo", "--fail-on", "none", "--no-color", "--format", tc.format}, tc.flags...)
			code, out, errOut := runCLI(t, args...)
			if code != 0 {
				t.Fatalf("exit %d: %s", code, errOut)
			}
			// The same input gives the same bytes.
			if _, again, _ := runCLI(t, args...); again != out {
				t.Fatal("two runs over the same input differ")
			}
			checkDemoGolden(t, filepath.Join("testdata", "golden", "demo."+tc.ext), tc.format, out)
		})
	}
}

// checkDemoGolden compares out, the demo in format, with the golden file
// path, or rewrites the file with -update.
func checkDemoGolden(t *testing.T, path, format, out string) {
	t.Helper()
	if golden.Update() {
		golden.Write(t, path, []byte(out))
		return
	}
	if want := golden.Read(t, path); out != want {
		t.Errorf("demo --format %s differs from %s; first difference at line %d (run with -update after an intended change)",
			format, path, firstDiffLine(out, want))
	}
}

func firstDiffLine(a, b string) int {
	al, bl := strings.Split(a, "\n"), strings.Split(b, "\n")
	for i := range min(len(al), len(bl)) {
		if al[i] != bl[i] {
			return i + 1
		}
	}
	return min(len(al), len(bl)) + 1
}
