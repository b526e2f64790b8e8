package linediff

import (
	"slices"
	"testing"
)

func TestFirst(t *testing.T) {
	for _, tc := range []struct {
		name, a, b string
		want       Diff
		ok         bool
	}{
		{"same", "x\ny", "x\ny", Diff{}, false},
		{"a line differs", "x\ny\nz", "x\nq\nz", Diff{Line: 2, A: "y", B: "q", Before: []string{"x"}}, true},
		{"b is longer", "x", "x\ny", Diff{Line: 2, A: "", B: "y", Before: []string{"x"}}, true},
		{"a is longer", "x\ny", "x", Diff{Line: 2, A: "y", B: "", Before: []string{"x"}}, true},
		{"only a final newline", "x\n", "x", Diff{}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d, ok := First(tc.a, tc.b)
			if ok != tc.ok || d.Line != tc.want.Line || d.A != tc.want.A || d.B != tc.want.B || !slices.Equal(d.Before, tc.want.Before) {
				t.Errorf("First = %+v, %v; want %+v, %v", d, ok, tc.want, tc.ok)
			}
		})
	}
}

func TestUnified(t *testing.T) {
	for _, tc := range []struct {
		name, a, b, want string
	}{
		{"same", "x\ny\n", "x\ny\n", ""},
		{"insert in the middle", "1\n2\n3\n4\n5\n6\n7\n8\n", "1\n2\n3\n4\nnew\n5\n6\n7\n8\n",
			"--- a/f\n+++ b/f\n@@ -2,6 +2,7 @@\n 2\n 3\n 4\n+new\n 5\n 6\n 7\n"},
		{"insert at the start", "a\nb\n", "new\na\nb\n", "--- a/f\n+++ b/f\n@@ -1,2 +1,3 @@\n+new\n a\n b\n"},
		{"append to an empty file", "", "x\n", "--- a/f\n+++ b/f\n@@ -0,0 +1,1 @@\n+x\n"},
		{"change a line", "a\nb\nc\n", "a\nB\nc\n", "--- a/f\n+++ b/f\n@@ -1,3 +1,3 @@\n a\n-b\n+B\n c\n"},
		{"delete at the end", "a\nb\n", "a\n", "--- a/f\n+++ b/f\n@@ -1,2 +1,1 @@\n a\n-b\n"},
		// Files without a final newline (a policy.json as many editors
		// save it): the mark lets git apply and patch take the diff.
		{"one line without a newline", `{"S": [1]}`, `{"S": [1, 2]}`,
			"--- a/f\n+++ b/f\n@@ -1,1 +1,1 @@\n-{\"S\": [1]}\n\\ No newline at end of file\n+{\"S\": [1, 2]}\n\\ No newline at end of file\n"},
		{"insert before a last line without a newline", "a\nb", "a\nnew\nb",
			"--- a/f\n+++ b/f\n@@ -1,2 +1,3 @@\n a\n+new\n b\n\\ No newline at end of file\n"},
		{"a line appended after one without a newline", "x", "x\ny",
			"--- a/f\n+++ b/f\n@@ -1,1 +1,2 @@\n-x\n\\ No newline at end of file\n+x\n+y\n\\ No newline at end of file\n"},
		{"a final newline added", "x", "x\n", "--- a/f\n+++ b/f\n@@ -1,1 +1,1 @@\n-x\n\\ No newline at end of file\n+x\n"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := Unified("f", tc.a, tc.b, 3); got != tc.want {
				t.Errorf("Unified =\n%s\nwant\n%s", got, tc.want)
			}
		})
	}
}
