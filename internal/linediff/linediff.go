// Package linediff compares texts line by line: the first line where two
// differ, for messages that show a difference, and a unified diff, for
// fixes shown as edits of a file.
package linediff

import (
	"strconv"
	"strings"
)

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

// Unified is the unified diff (diff -u) of a and b, two versions of the
// file name: one hunk from the first line that differs to the last, with
// context lines of the same text around it; "" when the texts are the
// same. A last line without a newline is marked "\ No newline at end of
// file", as diff and git do, so that patch and git apply take the diff.
func Unified(name, a, b string, context int) string {
	la, lb := lines(a), lines(b)
	eolA, eolB := endsLine(a), endsLine(b)
	// A last line without a newline is the same line only as the last of
	// both texts (in the common suffix).
	limA, limB := len(la), len(lb)
	if !eolA {
		limA--
	}
	if !eolB {
		limB--
	}
	pre := 0
	for pre < limA && pre < limB && la[pre] == lb[pre] {
		pre++
	}
	suf := 0
	for eolA == eolB && suf < len(la)-pre && suf < len(lb)-pre && la[len(la)-1-suf] == lb[len(lb)-1-suf] {
		suf++
	}
	if pre+suf == len(la) && pre+suf == len(lb) {
		return ""
	}
	start := max(0, pre-context)
	endA, endB := min(len(la), len(la)-suf+context), min(len(lb), len(lb)-suf+context)
	var s strings.Builder
	s.WriteString("--- a/" + name + "\n+++ b/" + name + "\n")
	s.WriteString("@@ -" + hunkRange(start, endA-start) + " +" + hunkRange(start, endB-start) + " @@\n")
	line := func(prefix string, ls []string, i int, eol bool) {
		s.WriteString(prefix + ls[i] + "\n")
		if i == len(ls)-1 && !eol {
			s.WriteString("\\ No newline at end of file\n")
		}
	}
	for i := start; i < pre; i++ {
		line(" ", la, i, eolA)
	}
	for i := pre; i < len(la)-suf; i++ {
		line("-", la, i, eolA)
	}
	for i := pre; i < len(lb)-suf; i++ {
		line("+", lb, i, eolB)
	}
	for i := len(la) - suf; i < endA; i++ {
		line(" ", la, i, eolA)
	}
	return s.String()
}

// endsLine reports whether s is empty or ends with a newline.
func endsLine(s string) bool { return s == "" || strings.HasSuffix(s, "\n") }

// lines splits a text into its lines, without a final empty one.
func lines(s string) []string {
	if s == "" {
		return nil
	}
	return strings.Split(strings.TrimSuffix(s, "\n"), "\n")
}

// hunkRange is a hunk header's range of count lines from the 0-based
// line start: "start+1,count", or "start,0" for no lines.
func hunkRange(start, count int) string {
	if count == 0 {
		return strconv.Itoa(start) + ",0"
	}
	return strconv.Itoa(start+1) + "," + strconv.Itoa(count)
}
