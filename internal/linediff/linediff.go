// Package linediff finds the first line where two texts differ, for
// messages that show a difference.
package linediff

import "strings"

// Diff is the first line where two texts differ.
type Diff struct {
	// Line is the line's number, from 1.
	Line int
	// A and B are the line in each text ("" where that text has ended).
	A, B string
	// Before are the lines of the first text before it.
	Before []string
}

// First compares a and b line by line and returns the first line that
// differs; ok is false when every line is the same (the texts may still
// differ in line endings).
func First(a, b string) (d Diff, ok bool) {
	la, lb := strings.Split(a, "\n"), strings.Split(b, "\n")
	for i := 0; i < max(len(la), len(lb)); i++ {
		var x, y string
		if i < len(la) {
			x = la[i]
		}
		if i < len(lb) {
			y = lb[i]
		}
		if x != y {
			return Diff{Line: i + 1, A: x, B: y, Before: la[:i]}, true
		}
	}
	return Diff{}, false
}
