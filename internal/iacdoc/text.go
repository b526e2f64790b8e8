package iacdoc

import (
	"sort"
	"strings"
	"unicode/utf8"

	"github.com/ecrguard/ecrguard/internal/jsonpos"
	"github.com/ecrguard/ecrguard/policy"
)

// JSONText assembles the text of a JSON document from the pieces of a
// template: literal source text (whose characters advance the position as
// they are read), substituted values (all placed at the substitution), and
// unknown values. An unknown value inside a JSON string becomes a marker in
// the string, which FromJSON turns into an Unknown value whose description
// is the string with the marker replaced (`arn:aws:iam::${var.account}:root`);
// one outside a string becomes a string holding only the marker, so that
// `"Principal": ${var.p}` still parses and reads as an unknown principal.
type JSONText struct {
	b     strings.Builder
	segs  []segment
	marks markers
	// JSON lexical state after the text so far: inside a string literal,
	// and just after a backslash there.
	inString, escaped bool
	// newlines indexes the text's newlines for Locate, built for nlFor-1
	// bytes of text (nlFor 0: not built; a text without newlines has an
	// empty index, which is built all the same, not built again for each
	// position).
	newlines []int
	nlFor    int
	// between is the first unknown value appended outside a string, if
	// any: it may be any JSON text once known (several array elements, or
	// members), so text after it that does not parse may well parse then.
	between *segment
	// betweenDesc describes it.
	betweenDesc string
}

type segment struct {
	off   int
	pos   policy.Pos
	fixed bool
}

// Literal appends source text s that starts at pos. Positions of later
// characters advance through s: a newline starts the next line.
func (t *JSONText) Literal(s string, pos policy.Pos) {
	t.segs = append(t.segs, segment{off: t.b.Len(), pos: pos})
	t.write(s)
}

// Fixed appends s, a substituted value, placing all of it at pos.
func (t *JSONText) Fixed(s string, pos policy.Pos) {
	t.segs = append(t.segs, segment{off: t.b.Len(), pos: pos, fixed: true})
	t.write(s)
}

// Unknown appends a value not known when the template is read; desc says
// where it comes from ("${var.partner}").
func (t *JSONText) Unknown(desc string, pos policy.Pos) {
	t.segs = append(t.segs, segment{off: t.b.Len(), pos: pos, fixed: true})
	m := t.marks.add(desc)
	if t.inString {
		t.b.WriteString(m)
		return
	}
	if t.between == nil {
		seg := t.segs[len(t.segs)-1]
		t.between, t.betweenDesc = &seg, desc
	}
	t.b.WriteString(`"` + m + `"`)
}

// HasUnknown reports whether any unknown value was appended.
func (t *JSONText) HasUnknown() bool { return len(t.marks.texts) > 0 }

// String returns the text assembled, with markers for unknown values.
func (t *JSONText) String() string { return t.b.String() }

func (t *JSONText) write(s string) {
	t.b.WriteString(s)
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case t.escaped:
			t.escaped = false
		case t.inString && c == '\\':
			t.escaped = true
		case c == '"':
			t.inString = !t.inString
		}
	}
}

// Locate returns the source position of byte off of the text.
func (t *JSONText) Locate(off int) policy.Pos {
	if len(t.segs) == 0 {
		return policy.Pos{}
	}
	i := sort.Search(len(t.segs), func(i int) bool { return t.segs[i].off > off }) - 1
	if i < 0 {
		i = 0
	}
	seg := t.segs[i]
	if seg.fixed {
		return seg.pos
	}
	text := t.b.String()
	if t.nlFor != len(text)+1 {
		t.newlines = t.newlines[:0]
		for i := 0; i < len(text); i++ {
			if text[i] == '\n' {
				t.newlines = append(t.newlines, i)
			}
		}
		t.nlFor = len(text) + 1
	}
	end := max(seg.off, min(off, len(text)))
	// Newlines between the segment's start and off.
	first := sort.SearchInts(t.newlines, seg.off)
	last := sort.SearchInts(t.newlines, end) // newlines before end
	p := seg.pos
	if last == first {
		p.Col += utf8.RuneCountInString(text[seg.off:end])
		return p
	}
	p.Line += last - first
	p.Col = 1 + utf8.RuneCountInString(text[t.newlines[last-1]+1:end])
	return p
}

// Parse parses the assembled text as JSON and converts it to a Value whose
// positions are the template's. A syntax error is a *policy.Error at the
// position of the offending character, or, when an unknown value appended
// outside a string comes before it, an *UnknownError naming that value.
func (t *JSONText) Parse() (*Value, error) {
	text := t.b.String()
	n, err := jsonpos.Parse([]byte(text))
	if err != nil {
		if se, ok := err.(*jsonpos.SyntaxError); ok {
			if t.between != nil && se.Off >= t.between.off {
				return nil, &UnknownError{Pos: t.between.pos, What: "the policy text from " + t.betweenDesc + " on"}
			}
			msg, _ := t.marks.replace(se.Msg)
			return nil, &policy.Error{Pos: t.Locate(se.Off), Msg: "invalid JSON: " + msg}
		}
		return nil, &policy.Error{Pos: t.Locate(0), Msg: err.Error()}
	}
	return FromJSON(n, t.Locate, t), nil
}

// ParseJSON parses data, the whole of file, into a Value.
func ParseJSON(data []byte, file string) (*Value, error) {
	n, err := jsonpos.Parse(data)
	loc := policy.FileLocator(data, file)
	if err != nil {
		if se, ok := err.(*jsonpos.SyntaxError); ok {
			return nil, &policy.Error{Pos: loc(se.Off), Msg: "invalid JSON: " + se.Msg}
		}
		return nil, &policy.Error{Pos: loc(0), Msg: err.Error()}
	}
	return FromJSON(n, loc, nil), nil
}

// ParseEmbedded parses the JSON document held, as text, in the JSON string
// literal at byte strOff of outer (a policy in a Terraform plan, a
// CloudFormation JSON template's PolicyDocument string). Positions are in
// outer's lines and columns.
func ParseEmbedded(outer []byte, strOff int, file string) (*Value, error) {
	outerLoc := policy.FileLocator(outer, file)
	text, raw, err := jsonpos.StringWithOffsets(outer, strOff)
	if err != nil {
		return nil, &policy.Error{Pos: outerLoc(strOff), Msg: err.Error()}
	}
	loc := func(off int) policy.Pos {
		if off >= len(raw) {
			off = len(raw) - 1
		}
		if off < 0 {
			return outerLoc(strOff)
		}
		return outerLoc(raw[off])
	}
	n, err := jsonpos.Parse([]byte(text))
	if err != nil {
		if se, ok := err.(*jsonpos.SyntaxError); ok {
			return nil, &policy.Error{Pos: loc(se.Off), Msg: "invalid JSON: " + se.Msg}
		}
		return nil, &policy.Error{Pos: loc(0), Msg: err.Error()}
	}
	return FromJSON(n, loc, nil), nil
}
