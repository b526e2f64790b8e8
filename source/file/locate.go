package file

import (
	"sort"

	"github.com/ecrguard/ecrguard/internal/jsonpos"
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

// embedded decodes the policy document held as JSON text in the JSON string
// literal at byte strOff of the file, with positions in the file: what
// policy.ParseEmbedded does, with the file's shared line index. When
// urlEncoded is set, the text is first URL-decoded (url.QueryUnescape's
// rules), as the IAM API returns documents.
func embedded(data []byte, strOff int, loc policy.Locator, urlEncoded bool) (*policy.Document, error) {
	text, raw, err := jsonpos.StringWithOffsets(data, strOff)
	if err != nil {
		return nil, &policy.Error{Pos: loc(strOff), Msg: err.Error()}
	}
	body := []byte(text)
	if urlEncoded {
		var bad int
		body, raw, bad = queryUnescape(text, raw)
		if bad >= 0 {
			return nil, &policy.Error{Pos: loc(raw[bad]), Msg: "invalid URL encoding: expected %XX with two hexadecimal digits"}
		}
	}
	inner := func(off int) policy.Pos {
		off = max(0, min(off, len(raw)-1))
		return loc(raw[off])
	}
	n, err := jsonpos.Parse(body)
	if err != nil {
		if se, ok := err.(*jsonpos.SyntaxError); ok {
			return nil, &policy.Error{Pos: inner(se.Off), Msg: "invalid JSON in the embedded policy document: " + se.Msg}
		}
		return nil, &policy.Error{Pos: loc(strOff), Msg: err.Error()}
	}
	return policy.DecodeNode(n, inner)
}

// queryUnescape decodes s as url.QueryUnescape does ('+' is a space, %XX a
// byte) and carries the source offsets along: raw has an entry per byte of s
// plus one; the result has one per byte of the output plus one. On an
// invalid escape it returns the index in s (bad >= 0) of the '%'.
func queryUnescape(s string, raw []int) (out []byte, outRaw []int, bad int) {
	out = make([]byte, 0, len(s))
	outRaw = make([]int, 0, len(s)+1)
	for i := 0; i < len(s); {
		switch c := s[i]; c {
		case '%':
			if i+2 >= len(s) || !isHex(s[i+1]) || !isHex(s[i+2]) {
				return nil, raw, i
			}
			out = append(out, unhex(s[i+1])<<4|unhex(s[i+2]))
			outRaw = append(outRaw, raw[i])
			i += 3
		case '+':
			out = append(out, ' ')
			outRaw = append(outRaw, raw[i])
			i++
		default:
			out = append(out, c)
			outRaw = append(outRaw, raw[i])
			i++
		}
	}
	outRaw = append(outRaw, raw[len(s)])
	return out, outRaw, -1
}

func isHex(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}

func unhex(c byte) byte {
	switch {
	case '0' <= c && c <= '9':
		return c - '0'
	case 'a' <= c && c <= 'f':
		return c - 'a' + 10
	}
	return c - 'A' + 10
}
