package file

import (
	"sort"

	"github.com/ecrguard/ecrguard/policy"
)

// lineIndex converts byte offsets of one file into 1-based line and column
// numbers, as jsonpos.Lines does, in O(log n) per position whatever the line
// length. jsonpos.Lines counts the runes from the start of the line on each
// call, which is quadratic on minified files (an SDK's authorization details
// is one 50 MB line).
type lineIndex struct {
	data   []byte
	starts []int
	ascii  bool
	// runes[k] counts the characters in data[:k*chunk] (for non-ASCII data).
	runes []int
}

const chunk = 256

func newLineIndex(data []byte) *lineIndex {
	li := &lineIndex{data: data, starts: []int{0}, ascii: true}
	for i, c := range data {
		switch {
		case c == '\n':
			li.starts = append(li.starts, i+1)
		case c >= 0x80:
			li.ascii = false
		}
	}
	if !li.ascii {
		li.runes = make([]int, len(data)/chunk+1)
		n := 0
		for i, c := range data {
			if i%chunk == 0 {
				li.runes[i/chunk] = n
			}
			if !isContinuation(c) {
				n++
			}
		}
	}
	return li
}

// isContinuation reports whether c continues a UTF-8 sequence. Counting the
// bytes that do not equals utf8.RuneCount on the valid UTF-8 that jsonpos
// accepts, and is safe at any byte boundary.
func isContinuation(c byte) bool { return c&0xC0 == 0x80 }

func (li *lineIndex) runesBefore(off int) int {
	k := off / chunk
	n := li.runes[k]
	for _, c := range li.data[k*chunk : off] {
		if !isContinuation(c) {
			n++
		}
	}
	return n
}

// position returns the 1-based line and column of off.
func (li *lineIndex) position(off int) (line, col int) {
	off = max(0, min(off, len(li.data)))
	i := sort.Search(len(li.starts), func(i int) bool { return li.starts[i] > off }) - 1
	start := li.starts[i]
	if li.ascii {
		return i + 1, off - start + 1
	}
	return i + 1, li.runesBefore(off) - li.runesBefore(start) + 1
}

// locator returns a policy.Locator for offsets of the file named file.
func (li *lineIndex) locator(file string) policy.Locator {
	return func(off int) policy.Pos {
		l, c := li.position(off)
		return policy.Pos{File: file, Line: l, Col: c}
	}
}
