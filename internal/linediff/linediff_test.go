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
