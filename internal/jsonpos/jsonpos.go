// Package jsonpos parses JSON into a tree that remembers where every value
// and object key starts, so that callers can report problems as
// file:line:column. It accepts exactly RFC 8259 JSON (one value, optional
// surrounding white space) and keeps duplicate object keys, in order, so that
// callers can report them instead of silently keeping the last one as
// encoding/json does.
package jsonpos

import (
	"fmt"
	"sort"
	"strconv"
	"strings"
	"unicode/utf16"
	"unicode/utf8"
)

// Kind is the JSON type of a Node.
type Kind uint8

// The JSON types.
const (
	Null Kind = iota
	Bool
	Number
	String
	Array
	Object
)

// String names the kind the way error messages say it.
func (k Kind) String() string {
	switch k {
	case Null:
		return "null"
	case Bool:
		return "boolean"
	case Number:
		return "number"
	case String:
		return "string"
	case Array:
		return "array"
	case Object:
		return "object"
	}
	return "unknown"
}

// Node is one JSON value.
type Node struct {
	Kind Kind
	// Off is the byte offset of the value's first character.
	Off int
	// Text is the decoded string of a String, the literal of a Number and
	// "true" or "false" for a Bool.
	Text string
	// Elems are an Array's elements.
	Elems []*Node
	// Members are an Object's members in document order, duplicates included.
	Members []Member
}

// Member is one key/value pair of an object.
type Member struct {
	Key    string
	KeyOff int
	Value  *Node
}

// Get returns the value of the last member named key (the one a standard
// decoder would keep), or nil.
func (n *Node) Get(key string) *Node {
	if n == nil || n.Kind != Object {
		return nil
	}
	for i := len(n.Members) - 1; i >= 0; i-- {
		if n.Members[i].Key == key {
			return n.Members[i].Value
		}
	}
	return nil
}

// SyntaxError is a JSON syntax error at a byte offset.
type SyntaxError struct {
	Off  int
	Line int
	Col  int
	Msg  string
}

func (e *SyntaxError) Error() string {
	return fmt.Sprintf("%d:%d: %s", e.Line, e.Col, e.Msg)
}

// MaxDepth bounds nesting so that hostile input cannot exhaust the stack.
const MaxDepth = 512

// Parse parses data as one JSON value.
func Parse(data []byte) (*Node, error) {
	p := parser{data: data}
	p.skipSpace()
	n, err := p.value(0)
	if err != nil {
		return nil, p.wrap(err)
	}
	p.skipSpace()
	if p.pos < len(p.data) {
		return nil, p.wrap(p.errorf(p.pos, "unexpected %s after the top-level value", p.describe(p.pos)))
	}
	return n, nil
}

type parser struct {
	data []byte
	pos  int
}

type offError struct {
	off int
	msg string
}

func (e *offError) Error() string { return e.msg }

func (p *parser) errorf(off int, format string, args ...any) error {
	return &offError{off: off, msg: fmt.Sprintf(format, args...)}
}

func (p *parser) wrap(err error) error {
	oe, ok := err.(*offError)
	if !ok {
		return err
	}
	line, col := NewLines(p.data).Position(oe.off)
	return &SyntaxError{Off: oe.off, Line: line, Col: col, Msg: oe.msg}
}

func (p *parser) describe(off int) string {
	if off >= len(p.data) {
		return "end of input"
	}
	r, _ := utf8.DecodeRune(p.data[off:])
	if r == utf8.RuneError {
		return fmt.Sprintf("byte 0x%02x", p.data[off])
	}
	return strconv.QuoteRune(r)
}

func (p *parser) skipSpace() {
	for p.pos < len(p.data) {
		switch p.data[p.pos] {
		case ' ', '\t', '\n', '\r':
			p.pos++
		default:
			return
		}
	}
}

func (p *parser) value(depth int) (*Node, error) {
	if depth > MaxDepth {
		return nil, p.errorf(p.pos, "nesting deeper than %d levels", MaxDepth)
	}
	if p.pos >= len(p.data) {
		return nil, p.errorf(p.pos, "unexpected end of input, expected a value")
	}
	start := p.pos
	switch c := p.data[p.pos]; {
	case c == '{':
		return p.object(depth)
	case c == '[':
		return p.array(depth)
	case c == '"':
		s, err := p.str()
		if err != nil {
			return nil, err
		}
		return &Node{Kind: String, Off: start, Text: s}, nil
	case c == 't':
		return p.literal("true", Bool)
	case c == 'f':
		return p.literal("false", Bool)
	case c == 'n':
		return p.literal("null", Null)
	case c == '-' || (c >= '0' && c <= '9'):
		return p.number()
	default:
		return nil, p.errorf(start, "unexpected %s, expected a value", p.describe(start))
	}
}

func (p *parser) literal(word string, kind Kind) (*Node, error) {
	start := p.pos
	if !strings.HasPrefix(string(p.data[p.pos:min(len(p.data), p.pos+len(word))]), word) {
		return nil, p.errorf(start, "invalid literal, expected %q", word)
	}
	p.pos += len(word)
	n := &Node{Kind: kind, Off: start}
	if kind == Bool {
		n.Text = word
	}
	return n, nil
}

func (p *parser) number() (*Node, error) {
	start := p.pos
	if p.data[p.pos] == '-' {
		p.pos++
	}
	digits := func() int {
		n := 0
		for p.pos < len(p.data) && p.data[p.pos] >= '0' && p.data[p.pos] <= '9' {
			p.pos++
			n++
		}
		return n
	}
	intStart := p.pos
	if digits() == 0 {
		return nil, p.errorf(p.pos, "invalid number, expected a digit")
	}
	if p.data[intStart] == '0' && p.pos-intStart > 1 {
		return nil, p.errorf(intStart, "invalid number: leading zero")
	}
	if p.pos < len(p.data) && p.data[p.pos] == '.' {
		p.pos++
		if digits() == 0 {
			return nil, p.errorf(p.pos, "invalid number, expected a digit after '.'")
		}
	}
	if p.pos < len(p.data) && (p.data[p.pos] == 'e' || p.data[p.pos] == 'E') {
		p.pos++
		if p.pos < len(p.data) && (p.data[p.pos] == '+' || p.data[p.pos] == '-') {
			p.pos++
		}
		if digits() == 0 {
			return nil, p.errorf(p.pos, "invalid number, expected a digit in the exponent")
		}
	}
	return &Node{Kind: Number, Off: start, Text: string(p.data[start:p.pos])}, nil
}

func (p *parser) str() (string, error) {
	start := p.pos
	p.pos++ // opening quote
	// Fast path: no escapes.
	i := p.pos
	for i < len(p.data) {
		c := p.data[i]
		if c == '"' {
			s := p.data[p.pos:i]
			if !utf8.Valid(s) {
				break
			}
			p.pos = i + 1
			return string(s), nil
		}
		if c == '\\' || c < 0x20 {
			break
		}
		i++
	}
	var b strings.Builder
	for {
		if p.pos >= len(p.data) {
			return "", p.errorf(start, "unterminated string")
		}
		c := p.data[p.pos]
		switch {
		case c == '"':
			p.pos++
			return b.String(), nil
		case c < 0x20:
			return "", p.errorf(p.pos, "control character %s in string", p.describe(p.pos))
		case c == '\\':
			if p.pos+1 >= len(p.data) {
				return "", p.errorf(start, "unterminated string")
			}
			esc := p.data[p.pos+1]
			switch i := strings.IndexByte(shortEscapes, esc); {
			case i >= 0:
				b.WriteByte(shortEscaped[i])
				p.pos += 2
			case esc == 'u':
				r, err := p.hex4(p.pos + 2)
				if err != nil {
					return "", err
				}
				p.pos += 6
				if utf16.IsSurrogate(r) {
					if p.pos+1 < len(p.data) && p.data[p.pos] == '\\' && p.data[p.pos+1] == 'u' {
						r2, err := p.hex4(p.pos + 2)
						if err != nil {
							return "", err
						}
						if dec := utf16.DecodeRune(r, r2); dec != utf8.RuneError {
							p.pos += 6
							r = dec
						} else {
							r = utf8.RuneError
						}
					} else {
						r = utf8.RuneError
					}
				}
				b.WriteRune(r)
			default:
				return "", p.errorf(p.pos, "invalid escape sequence \\%c in string", esc)
			}
		default:
			r, size := utf8.DecodeRune(p.data[p.pos:])
			if r == utf8.RuneError && size == 1 {
				return "", p.errorf(p.pos, "invalid UTF-8 in string")
			}
			b.Write(p.data[p.pos : p.pos+size])
			p.pos += size
		}
	}
}

func (p *parser) hex4(off int) (rune, error) {
	if off+4 > len(p.data) {
		return 0, p.errorf(off, "invalid \\u escape: expected 4 hex digits")
	}
	v, err := strconv.ParseUint(string(p.data[off:off+4]), 16, 32)
	if err != nil {
		return 0, p.errorf(off, "invalid \\u escape: expected 4 hex digits")
	}
	return rune(v), nil
}

// The escapes of one character after the backslash (shortEscapes) and the
// bytes they stand for (shortEscaped, in the same order).
const (
	shortEscapes = `"\/bfnrt`
	shortEscaped = "\"\\/\b\f\n\r\t"
)

func (p *parser) array(depth int) (*Node, error) {
	return p.container(Array, ']', func(n *Node) error {
		v, err := p.value(depth + 1)
		if err != nil {
			return err
		}
		n.Elems = append(n.Elems, v)
		return nil
	})
}

func (p *parser) object(depth int) (*Node, error) {
	return p.container(Object, '}', func(n *Node) error {
		if p.pos >= len(p.data) {
			return p.errorf(n.Off, "unterminated object: expected '}'")
		}
		if p.data[p.pos] != '"' {
			return p.errorf(p.pos, "unexpected %s in object, expected a quoted key", p.describe(p.pos))
		}
		keyOff := p.pos
		key, err := p.str()
		if err != nil {
			return err
		}
		p.skipSpace()
		if p.pos >= len(p.data) || p.data[p.pos] != ':' {
			return p.errorf(p.pos, "unexpected %s after object key %q, expected ':'", p.describe(p.pos), key)
		}
		p.pos++
		p.skipSpace()
		v, err := p.value(depth + 1)
		if err != nil {
			return err
		}
		n.Members = append(n.Members, Member{Key: key, KeyOff: keyOff, Value: v})
		return nil
	})
}

// container reads an array or object (kind) from its opening bracket to
// close; elem reads each element into n, from its first character after
// white space.
func (p *parser) container(kind Kind, close byte, elem func(n *Node) error) (*Node, error) {
	n := &Node{Kind: kind, Off: p.pos}
	p.pos++
	p.skipSpace()
	if p.pos < len(p.data) && p.data[p.pos] == close {
		p.pos++
		return n, nil
	}
	for {
		p.skipSpace()
		if err := elem(n); err != nil {
			return nil, err
		}
		done, err := p.next(n.Off, kind.String(), close)
		if err != nil {
			return nil, err
		}
		if done {
			return n, nil
		}
	}
}

// next reads what follows an element of the array or object (what) that
// opened at off: a comma, or close, which ends it (done).
func (p *parser) next(off int, what string, close byte) (done bool, err error) {
	p.skipSpace()
	if p.pos >= len(p.data) {
		return false, p.errorf(off, "unterminated %s: expected '%c'", what, close)
	}
	switch p.data[p.pos] {
	case ',':
		p.pos++
		return false, nil
	case close:
		p.pos++
		return true, nil
	}
	return false, p.errorf(p.pos, "unexpected %s in %s, expected ',' or '%c'", p.describe(p.pos), what, close)
}

// Lines converts byte offsets of one input into 1-based line and column
// numbers. Columns count characters (runes), as editors do.
type Lines struct {
	data   []byte
	starts []int
	// ascii marks the lines that hold only ASCII: a column there is a byte
	// count, found at once (a minified policy is one long line, and
	// counting its runes for every position would be quadratic).
	ascii []bool
}

// NewLines indexes the line starts of data.
func NewLines(data []byte) *Lines {
	starts := []int{0}
	ascii := []bool{true}
	for i, c := range data {
		switch {
		case c == '\n':
			starts = append(starts, i+1)
			ascii = append(ascii, true)
		case c >= 0x80:
			ascii[len(ascii)-1] = false
		}
	}
	return &Lines{data: data, starts: starts, ascii: ascii}
}

// Position returns the 1-based line and column of offset off.
func (l *Lines) Position(off int) (line, col int) {
	if off < 0 {
		off = 0
	}
	if off > len(l.data) {
		off = len(l.data)
	}
	i := sort.Search(len(l.starts), func(i int) bool { return l.starts[i] > off }) - 1
	if l.ascii[i] {
		return i + 1, off - l.starts[i] + 1
	}
	return i + 1, utf8.RuneCount(l.data[l.starts[i]:off]) + 1
}

// StringWithOffsets decodes the JSON string literal that starts at byte off of
// data and returns its text together with, for every byte of the text, the
// offset in data of the source character that produced it (plus one final
// entry for the closing quote). Callers use it to report positions inside a
// JSON document that is itself held in a JSON string.
func StringWithOffsets(data []byte, off int) (string, []int, error) {
	if off < 0 || off >= len(data) || data[off] != '"' {
		return "", nil, fmt.Errorf("expected a string literal at offset %d", off)
	}
	p := parser{data: data, pos: off}
	// Validate and find the end with the ordinary decoder first.
	text, err := p.str()
	if err != nil {
		return "", nil, p.wrap(err)
	}
	raw := make([]int, 0, len(text)+1)
	i := off + 1
	for i < p.pos-1 {
		c := data[i]
		if c != '\\' {
			_, size := utf8.DecodeRune(data[i:])
			for k := 0; k < size; k++ {
				raw = append(raw, i)
			}
			i += size
			continue
		}
		esc := data[i+1]
		if esc != 'u' {
			raw = append(raw, i)
			i += 2
			continue
		}
		r, _ := p.hex4(i + 2)
		width := 6
		if utf16.IsSurrogate(r) && i+7 < len(data) && data[i+6] == '\\' && data[i+7] == 'u' {
			r2, _ := p.hex4(i + 8)
			if dec := utf16.DecodeRune(r, r2); dec != utf8.RuneError {
				r = dec
				width = 12
			} else {
				r = utf8.RuneError
			}
		} else if utf16.IsSurrogate(r) {
			r = utf8.RuneError
		}
		for k := 0; k < utf8.RuneLen(r); k++ {
			raw = append(raw, i)
		}
		i += width
	}
	raw = append(raw, p.pos-1)
	if len(raw) != len(text)+1 {
		// Cannot happen for input str accepted; keep positions usable anyway.
		for len(raw) < len(text)+1 {
			raw = append(raw, p.pos-1)
		}
		raw = raw[:len(text)+1]
	}
	return text, raw, nil
}
