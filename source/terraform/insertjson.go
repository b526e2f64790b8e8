package terraform

import (
	"bytes"
	"encoding/json"
	"strconv"
	"strings"

	"github.com/ecrguard/ecrguard/estate"
)

// Finding the Statement list in JSON text as a heredoc, a quoted string or
// a file writes it, with the source offsets of its brackets and elements.

// jtext is JSON text as a template or file holds it: b[i] is a byte of the
// text, start[i] and end[i] the source bytes it is written with; an
// opaque byte stands for an interpolation or directive.
type jtext struct {
	b          []byte
	start, end []int
	opaque     []bool
}

func (t *jtext) add(c byte, start, end int, opaque bool) {
	t.b = append(t.b, c)
	t.start = append(t.start, start)
	t.end = append(t.end, end)
	t.opaque = append(t.opaque, opaque)
}

// addRaw adds text written as it is, from source offset base.
func (t *jtext) addRaw(raw []byte, base int) {
	for i, c := range raw {
		t.add(c, base+i, base+i+1, false)
	}
}

func (t *jtext) addOpaque(start, end int) { t.add(0, start, end, true) }

// addTemplate adds the literal text of a template written as raw from
// source offset base: "$${" and "%%{" are "${" and "%{"; in a quoted
// string (quoted), backslash escapes are decoded too. It reports false for
// an escape it does not know.
func (t *jtext) addTemplate(raw []byte, base int, quoted bool) bool {
	for i := 0; i < len(raw); {
		c := raw[i]
		switch {
		case (c == '$' || c == '%') && bytes.HasPrefix(raw[i+1:], []byte{c, '{'}):
			t.add(c, base+i, base+i+2, false)
			i += 2
		case quoted && c == '\\':
			n, text := unescape(raw[i:])
			if n == 0 {
				return false
			}
			for _, d := range []byte(text) {
				t.add(d, base+i, base+i+n, false)
			}
			i += n
		default:
			t.add(c, base+i, base+i+1, false)
			i++
		}
	}
	return true
}

// unescape decodes the HCL escape sequence at the start of raw, returning
// its length in raw (0 for one it does not know) and its text.
func unescape(raw []byte) (int, string) {
	if len(raw) < 2 {
		return 0, ""
	}
	switch raw[1] {
	case 'n':
		return 2, "\n"
	case 'r':
		return 2, "\r"
	case 't':
		return 2, "\t"
	case '"', '\\':
		return 2, string(raw[1])
	case 'u', 'U':
		n := 4
		if raw[1] == 'U' {
			n = 8
		}
		if len(raw) < 2+n {
			return 0, ""
		}
		r, err := strconv.ParseUint(string(raw[2:2+n]), 16, 32)
		if err != nil {
			return 0, ""
		}
		return 2 + n, string(rune(r))
	}
	return 0, ""
}

// insert places statements in the Statement list of the JSON document t
// holds, written in src (the file named file).
func (t *jtext) insert(src []byte, file string, style insertStyle) *estate.StatementInsert {
	sc := &jscan{t: t}
	open, close, elems, ok := sc.statements()
	if !ok {
		return nil
	}
	spot := listSpot{src: src, open: t.start[open], close: t.start[close]}
	for _, e := range elems {
		spot.elems = append(spot.elems, [2]int{t.start[e[0]], t.end[e[1]-1]})
	}
	return spot.insert(file, style)
}

// jscan reads the skeleton of a JSON document: enough to find its
// Statement list. An interpolation (opaque) may stand inside a string, not
// for a value.
type jscan struct {
	t     *jtext
	i     int
	depth int
}

const maxJSONDepth = 64

func (s *jscan) at(c byte) bool {
	return s.i < len(s.t.b) && !s.t.opaque[s.i] && s.t.b[s.i] == c
}

func (s *jscan) ws() {
	if s.i == 0 && bytes.HasPrefix(s.t.b, []byte("\xef\xbb\xbf")) {
		s.i = 3
	}
	for s.i < len(s.t.b) && !s.t.opaque[s.i] && strings.IndexByte(" \t\r\n", s.t.b[s.i]) >= 0 {
		s.i++
	}
}

// statements returns the indexes of the brackets of the top-level object's
// one Statement array and the [start, end) of each of its elements.
func (s *jscan) statements() (open, close int, elems [][2]int, ok bool) {
	s.ws()
	if !s.at('{') {
		return 0, 0, nil, false
	}
	s.i++
	found := false
	for first := true; ; first = false {
		s.ws()
		if s.at('}') && first {
			break
		}
		start := s.i
		if !s.str() {
			return 0, 0, nil, false
		}
		var key string
		if bytes.Contains(s.t.b[start:s.i], []byte{0}) || json.Unmarshal(s.t.b[start:s.i], &key) != nil {
			return 0, 0, nil, false
		}
		s.ws()
		if !s.at(':') {
			return 0, 0, nil, false
		}
		s.i++
		s.ws()
		if key == "Statement" {
			if found || !s.at('[') {
				return 0, 0, nil, false
			}
			found = true
			if open, close, elems, ok = s.array(); !ok {
				return 0, 0, nil, false
			}
		} else if !s.value() {
			return 0, 0, nil, false
		}
		s.ws()
		if s.at(',') {
			s.i++
			continue
		}
		if !s.at('}') {
			return 0, 0, nil, false
		}
		break
	}
	s.i++
	s.ws()
	return open, close, elems, found && s.i == len(s.t.b)
}

// array reads the array at s.i, returning the indexes of its brackets and
// the extent of each element.
func (s *jscan) array() (open, close int, elems [][2]int, ok bool) {
	open = s.i
	s.i++
	s.ws()
	if s.at(']') {
		close = s.i
		s.i++
		return open, close, nil, true
	}
	for {
		start := s.i
		if !s.value() {
			return 0, 0, nil, false
		}
		elems = append(elems, [2]int{start, s.i})
		s.ws()
		switch {
		case s.at(','):
			s.i++
			s.ws()
		case s.at(']'):
			close = s.i
			s.i++
			return open, close, elems, true
		default:
			return 0, 0, nil, false
		}
	}
}

// value skips the value at s.i.
func (s *jscan) value() bool {
	if s.i >= len(s.t.b) || s.t.opaque[s.i] || s.depth >= maxJSONDepth {
		return false
	}
	s.depth++
	defer func() { s.depth-- }()
	switch s.t.b[s.i] {
	case '"':
		return s.str()
	case '[':
		_, _, _, ok := s.array()
		return ok
	case '{':
		s.i++
		s.ws()
		if s.at('}') {
			s.i++
			return true
		}
		for {
			s.ws()
			if !s.str() {
				return false
			}
			s.ws()
			if !s.at(':') {
				return false
			}
			s.i++
			s.ws()
			if !s.value() {
				return false
			}
			s.ws()
			switch {
			case s.at(','):
				s.i++
			case s.at('}'):
				s.i++
				return true
			default:
				return false
			}
		}
	}
	start := s.i
	for s.i < len(s.t.b) && !s.t.opaque[s.i] && strings.IndexByte("abcdefghijklmnopqrstuvwxyz0123456789+-.E", s.t.b[s.i]) >= 0 {
		s.i++
	}
	return s.i > start
}

// str skips the string at s.i.
func (s *jscan) str() bool {
	if !s.at('"') {
		return false
	}
	for s.i++; s.i < len(s.t.b); s.i++ {
		if s.t.opaque[s.i] {
			continue
		}
		switch s.t.b[s.i] {
		case '\\':
			s.i++
		case '"':
			s.i++
			return true
		}
	}
	return false
}
