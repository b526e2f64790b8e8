// Package iacdoc turns policy documents written in infrastructure-as-code
// languages (Terraform HCL, CloudFormation YAML and JSON) into
// policy.Documents that keep two things the languages know and plain JSON
// does not: where each element was written, and which values are not known
// until the infrastructure is deployed.
//
// A reader builds a Value tree (objects, arrays, scalars and Unknown leaves,
// each with a position) from its own syntax, and Document decodes it with
// the same strict decoder raw JSON policies go through, so that a policy
// gives the same result whatever language it was written in. JSONText
// assembles a JSON document from template pieces (a heredoc with
// interpolations, a Fn::Sub body) so that unknown interpolations stay
// unknown values inside an otherwise known document.
package iacdoc

import (
	"bytes"
	"encoding/json"
	"strconv"
	"strings"

	"github.com/ecrguard/ecrguard/internal/jsonpos"
	"github.com/ecrguard/ecrguard/policy"
)

// Kind is the type of a Value.
type Kind uint8

// Value kinds: the JSON types (numbered as jsonpos numbers them), and
// Unknown, a value not known when the input is read.
const (
	Null    = Kind(jsonpos.Null)
	Bool    = Kind(jsonpos.Bool)
	Number  = Kind(jsonpos.Number)
	String  = Kind(jsonpos.String)
	Array   = Kind(jsonpos.Array)
	Object  = Kind(jsonpos.Object)
	Unknown = Object + 1
)

// String names the kind the way error messages say it.
func (k Kind) String() string {
	if k == Unknown {
		return "unknown value"
	}
	if k > Unknown {
		return "invalid"
	}
	return jsonpos.Kind(k).String()
}

// Value is one JSON-like value with its position.
type Value struct {
	Kind Kind
	Pos  policy.Pos
	// Text is a String's text, a Number's or Bool's literal, or, for an
	// Unknown, a description of where the value comes from (the expression
	// as written: "var.partner_arn", "!Ref PartnerArn").
	Text    string
	Elems   []*Value
	Members []Member
}

// Member is one key of an Object.
type Member struct {
	Key    string
	KeyPos policy.Pos
	Value  *Value
}

// Str returns a String value.
func Str(s string, pos policy.Pos) *Value { return &Value{Kind: String, Text: s, Pos: pos} }

// Unk returns an Unknown value described by text.
func Unk(text string, pos policy.Pos) *Value { return &Value{Kind: Unknown, Text: text, Pos: pos} }

// Get returns the value of the last member named key, or nil.
func (v *Value) Get(key string) *Value {
	if v == nil || v.Kind != Object {
		return nil
	}
	for i := len(v.Members) - 1; i >= 0; i-- {
		if v.Members[i].Key == key {
			return v.Members[i].Value
		}
	}
	return nil
}

// IsWhollyKnown reports whether v contains no Unknown.
func (v *Value) IsWhollyKnown() bool {
	if v == nil {
		return true
	}
	switch v.Kind {
	case Unknown:
		return false
	case Array:
		for _, e := range v.Elems {
			if !e.IsWhollyKnown() {
				return false
			}
		}
	case Object:
		for _, m := range v.Members {
			if !m.Value.IsWhollyKnown() {
				return false
			}
		}
	}
	return true
}

// FromJSON converts a parsed JSON value, placing it with loc. Strings that
// contain markers of t (see JSONText) become Unknown values; t may be nil.
func FromJSON(n *jsonpos.Node, loc policy.Locator, t *JSONText) *Value {
	v := &Value{Pos: loc(n.Off), Text: n.Text}
	switch n.Kind {
	case jsonpos.Null:
		v.Kind = Null
	case jsonpos.Bool:
		v.Kind = Bool
	case jsonpos.Number:
		v.Kind = Number
	case jsonpos.String:
		v.Kind = String
		if t != nil {
			if desc, ok := t.marks.replace(n.Text); ok {
				v.Kind, v.Text = Unknown, desc
			}
		}
	case jsonpos.Array:
		v.Kind = Array
		v.Elems = make([]*Value, len(n.Elems))
		for i, e := range n.Elems {
			v.Elems[i] = FromJSON(e, loc, t)
		}
	case jsonpos.Object:
		v.Kind = Object
		v.Members = make([]Member, len(n.Members))
		for i, m := range n.Members {
			key := m.Key
			kv := FromJSON(m.Value, loc, t)
			if t != nil {
				if desc, ok := t.marks.replace(key); ok {
					// A key that is not known makes the member's meaning
					// unknown: keep it as an unknown value under a key that
					// says so.
					key = unknownKey(desc)
					kv = Unk(desc, loc(m.KeyOff))
				}
			}
			v.Members[i] = Member{Key: key, KeyPos: loc(m.KeyOff), Value: kv}
		}
	}
	return v
}

// unknownKeyPrefix marks an object key whose name is not known.
const unknownKeyPrefix = "\u27e6unknown key\u27e7 "

func unknownKey(desc string) string { return unknownKeyPrefix + desc }

// UnknownKey returns the key a reader uses for an object member whose name
// is not known (desc says where it comes from).
func UnknownKey(desc string) string { return unknownKey(desc) }

// keyDesc reports whether key stands for an unknown name, and what.
func keyDesc(key string) (string, bool) { return strings.CutPrefix(key, unknownKeyPrefix) }

// markers stand for unknown values inside strings while text is parsed or
// decoded: "\u27e6unknown#N\u27e7". They are printable so that error
// messages quoting them can be translated back.
const (
	markerOpen  = "\u27e6unknown#"
	markerClose = "\u27e7"
)

// markers numbers the descriptions of unknown values.
type markers struct {
	texts []string
}

func (m *markers) add(desc string) string {
	m.texts = append(m.texts, desc)
	return markerOpen + strconv.Itoa(len(m.texts)-1) + markerClose
}

// replace returns text with every marker replaced by its description, and
// whether there was one.
func (m *markers) replace(text string) (string, bool) {
	if m == nil || !strings.Contains(text, markerOpen) {
		return text, false
	}
	var b strings.Builder
	rest := text
	found := false
	for {
		i := strings.Index(rest, markerOpen)
		if i < 0 {
			b.WriteString(rest)
			break
		}
		j := strings.Index(rest[i:], markerClose)
		if j < 0 {
			b.WriteString(rest)
			break
		}
		n, err := strconv.Atoi(rest[i+len(markerOpen) : i+j])
		if err != nil || n < 0 || n >= len(m.texts) {
			b.WriteString(rest[:i+j+len(markerClose)])
			rest = rest[i+j+len(markerClose):]
			continue
		}
		found = true
		b.WriteString(rest[:i])
		b.WriteString(m.texts[n])
		rest = rest[i+j+len(markerClose):]
	}
	return b.String(), found
}

// JSON writes v as compact JSON, objects in member order. Unknown values
// are written as strings of their description (callers render only wholly
// known values).
func (v *Value) JSON() string {
	var b strings.Builder
	v.writeJSON(&b)
	return b.String()
}

func (v *Value) writeJSON(b *strings.Builder) {
	switch v.Kind {
	case Null:
		b.WriteString("null")
	case Bool, Number:
		b.WriteString(v.Text)
	case String, Unknown:
		writeJSONString(b, v.Text)
	case Array:
		b.WriteByte('[')
		for i, e := range v.Elems {
			if i > 0 {
				b.WriteByte(',')
			}
			e.writeJSON(b)
		}
		b.WriteByte(']')
	case Object:
		b.WriteByte('{')
		for i, m := range v.Members {
			if i > 0 {
				b.WriteByte(',')
			}
			writeJSONString(b, m.Key)
			b.WriteByte(':')
			m.Value.writeJSON(b)
		}
		b.WriteByte('}')
	}
}

// writeJSONString writes s as a JSON string, escaped as encoding/json
// escapes it but for <, > and &, which a policy's text keeps as they are.
func writeJSONString(b *strings.Builder, s string) {
	var buf bytes.Buffer
	e := json.NewEncoder(&buf)
	e.SetEscapeHTML(false)
	_ = e.Encode(s) // a string always encodes
	b.Write(bytes.TrimSuffix(buf.Bytes(), []byte("\n")))
}
