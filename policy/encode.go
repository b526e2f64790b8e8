package policy

import (
	"bytes"
	"encoding/json"
	"fmt"
	"sort"
)

// Marshal encodes doc as indented JSON in AWS's element order (Version, Id,
// Statement; Sid, Effect, Principal, NotPrincipal, Action, NotAction,
// Resource, NotResource, Condition). One-value lists are written as a
// string, as AWS itself returns them. Unknown values are written as their
// description. The output is deterministic.
func Marshal(doc *Document) ([]byte, error) {
	return Encode(doc, EncodeOptions{})
}

// EncodeOptions say how Encode writes a document.
type EncodeOptions struct {
	// Exact writes the document as it is, to be read back the same:
	// every list as a list, principal kinds in their order, an empty
	// Condition kept; a value not known until deployment has no JSON form
	// and is an error.
	Exact bool
}

// Encode encodes doc as Marshal does, or exactly (EncodeOptions.Exact).
func Encode(doc *Document, o EncodeOptions) ([]byte, error) {
	var b bytes.Buffer
	b.WriteString("{\n")
	first := true
	field := func(indent, key string, v any) {
		if !first {
			b.WriteString(",\n")
		}
		first = false
		b.WriteString(indent)
		writeString(&b, key)
		b.WriteString(": ")
		writeIndented(&b, v, indent)
	}
	if doc.Version != "" {
		field("  ", "Version", doc.Version)
	}
	if doc.ID != "" {
		field("  ", "Id", doc.ID)
	}
	if !first {
		b.WriteString(",\n")
	}
	b.WriteString("  \"Statement\": [")
	e := encoder{exact: o.Exact}
	for i, s := range doc.Statements {
		if i > 0 {
			b.WriteString(",")
		}
		b.WriteString("\n    {\n")
		first = true
		for _, kv := range e.statementFields(s) {
			field("      ", kv.key, kv.value)
		}
		b.WriteString("\n    }")
	}
	if e.err != nil {
		return nil, e.err
	}
	if len(doc.Statements) > 0 {
		b.WriteString("\n  ")
	}
	b.WriteString("]\n}\n")
	return b.Bytes(), nil
}

// EncodeStatement encodes one statement as Marshal writes it inside a
// document, its lines after the first indented by indent: what a fix adds
// to a policy written in a file (JSON, or YAML read from it).
func EncodeStatement(s *Statement, indent string) ([]byte, error) {
	var b bytes.Buffer
	e := encoder{}
	fields := orderedObject(e.statementFields(s))
	if e.err != nil {
		return nil, e.err
	}
	writeIndented(&b, fields, indent)
	return b.Bytes(), nil
}

// encoder turns statements into ordered values, and keeps the first
// value that an exact encoding cannot write.
type encoder struct {
	exact bool
	err   error
}

type keyValue struct {
	key   string
	value any
}

func (e *encoder) stringOrList(vs []Value) any {
	if len(vs) == 1 && !e.exact {
		return vs[0].Text
	}
	out := make([]string, len(vs))
	for i, v := range vs {
		if v.Unknown && e.exact && e.err == nil {
			e.err = fmt.Errorf("%s: the value %q is not known until apply and cannot be written as JSON", v.Pos, v.Text)
		}
		out[i] = v.Text
	}
	return out
}

func (e *encoder) principalValue(p *Principal) any {
	if p.Wildcard {
		return "*"
	}
	byKind := map[string][]Value{}
	var kinds []string
	for _, e := range p.Entries {
		if _, ok := byKind[e.Kind]; !ok {
			kinds = append(kinds, e.Kind)
		}
		byKind[e.Kind] = append(byKind[e.Kind], e.Value)
	}
	if !e.exact {
		sort.Strings(kinds)
	}
	out := orderedObject{}
	for _, k := range kinds {
		out = append(out, keyValue{k, e.stringOrList(byKind[k])})
	}
	return out
}

func (e *encoder) statementFields(s *Statement) []keyValue {
	var out []keyValue
	if s.Sid != "" {
		out = append(out, keyValue{"Sid", s.Sid})
	}
	out = append(out, keyValue{"Effect", s.Effect.String()})
	if s.Principal != nil {
		out = append(out, keyValue{"Principal", e.principalValue(s.Principal)})
	}
	if s.NotPrincipal != nil {
		out = append(out, keyValue{"NotPrincipal", e.principalValue(s.NotPrincipal)})
	}
	for _, l := range []struct {
		key string
		vs  []Value
	}{{"Action", s.Action}, {"NotAction", s.NotAction}, {"Resource", s.Resource}, {"NotResource", s.NotResource}} {
		if l.vs != nil {
			out = append(out, keyValue{l.key, e.stringOrList(l.vs)})
		}
	}
	if len(s.Conditions) > 0 || (e.exact && s.Conditions != nil) {
		ops := orderedObject{}
		index := map[string]int{}
		for _, c := range s.Conditions {
			i, ok := index[c.Operator]
			if !ok {
				i = len(ops)
				index[c.Operator] = i
				ops = append(ops, keyValue{c.Operator, orderedObject{}})
			}
			keys := ops[i].value.(orderedObject)
			ops[i].value = append(keys, keyValue{c.Key, e.stringOrList(c.Values)})
		}
		out = append(out, keyValue{"Condition", ops})
	}
	return out
}

// writeString writes s as a JSON string, escaped as encoding/json does.
func writeString(b *bytes.Buffer, s string) {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c >= 0x80 || c == '"' || c == '\\' || c == '<' || c == '>' || c == '&' {
			enc, _ := json.Marshal(s) // a string always encodes
			b.Write(enc)
			return
		}
	}
	b.WriteByte('"')
	b.WriteString(s)
	b.WriteByte('"')
}

// writeIndented writes v (a string, a []string or an orderedObject) as
// json.MarshalIndent(v, indent, "  ") would, without its round trip through
// compact JSON.
func writeIndented(b *bytes.Buffer, v any, indent string) {
	switch v := v.(type) {
	case string:
		writeString(b, v)
	case []string:
		writeIndentedList(b, v, "[", "]", indent, func(e string, _ string) { writeString(b, e) })
	case orderedObject:
		writeIndentedList(b, v, "{", "}", indent, func(kv keyValue, inner string) {
			writeString(b, kv.key)
			b.WriteString(": ")
			writeIndented(b, kv.value, inner)
		})
	default:
		panic(fmt.Sprintf("policy: cannot encode %T", v))
	}
}

// writeIndentedList writes the elements of an array or object between open
// and close, one a line at indent plus two spaces, as json.MarshalIndent
// does; an empty one is open and close alone. write writes an element, given
// the indentation of its line.
func writeIndentedList[E any](b *bytes.Buffer, elems []E, open, close, indent string, write func(e E, inner string)) {
	if len(elems) == 0 {
		b.WriteString(open + close)
		return
	}
	inner := indent + "  "
	b.WriteString(open)
	for i, e := range elems {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString("\n" + inner)
		write(e, inner)
	}
	b.WriteString("\n" + indent + close)
}

// orderedObject is a JSON object that keeps its key order.
type orderedObject []keyValue

// MarshalJSON writes the members in order.
func (o orderedObject) MarshalJSON() ([]byte, error) {
	var b bytes.Buffer
	b.WriteByte('{')
	for i, kv := range o {
		if i > 0 {
			b.WriteByte(',')
		}
		k, _ := json.Marshal(kv.key)
		b.Write(k)
		b.WriteByte(':')
		v, err := json.Marshal(kv.value)
		if err != nil {
			return nil, err
		}
		b.Write(v)
	}
	b.WriteByte('}')
	return b.Bytes(), nil
}
