package estate

import (
	"bytes"
	"encoding/json"
	"fmt"

	"github.com/ecrguard/ecrguard/policy"
)

// encodeDocument writes d as canonical policy JSON: the same meaning, every
// list written as a list, values as strings. Snapshots use it for a policy
// whose source kept no text. A value unknown until apply has no JSON form
// and is an error.
func encodeDocument(d *policy.Document) ([]byte, error) {
	var b bytes.Buffer
	w := docWriter{b: &b}
	b.WriteString("{")
	first := true
	field := func(k string) {
		if !first {
			b.WriteString(",")
		}
		first = false
		b.WriteString("\n  ")
		w.str(k)
		b.WriteString(": ")
	}
	if d.Version != "" {
		field("Version")
		w.str(d.Version)
	}
	if d.ID != "" {
		field("Id")
		w.str(d.ID)
	}
	field("Statement")
	b.WriteString("[")
	for i, s := range d.Statements {
		if i > 0 {
			b.WriteString(",")
		}
		b.WriteString("\n    ")
		w.statement(s)
	}
	b.WriteString("\n  ]\n}")
	if w.err != nil {
		return nil, w.err
	}
	return b.Bytes(), nil
}

type docWriter struct {
	b   *bytes.Buffer
	err error
}

func (w *docWriter) str(s string) {
	enc, _ := json.Marshal(s) // a string always marshals
	w.b.Write(enc)
}

func (w *docWriter) values(vs []policy.Value) {
	w.b.WriteString("[")
	for i, v := range vs {
		if i > 0 {
			w.b.WriteString(", ")
		}
		if v.Unknown && w.err == nil {
			w.err = fmt.Errorf("%s: the value %q is not known until apply and cannot be written as JSON", v.Pos, v.Text)
		}
		w.str(v.Text)
	}
	w.b.WriteString("]")
}

func (w *docWriter) statement(s *policy.Statement) {
	w.b.WriteString("{")
	first := true
	field := func(k string) {
		if !first {
			w.b.WriteString(", ")
		}
		first = false
		w.str(k)
		w.b.WriteString(": ")
	}
	if s.Sid != "" {
		field("Sid")
		w.str(s.Sid)
	}
	field("Effect")
	w.str(s.Effect.String())
	for _, p := range []struct {
		name string
		p    *policy.Principal
	}{{"Principal", s.Principal}, {"NotPrincipal", s.NotPrincipal}} {
		if p.p == nil {
			continue
		}
		field(p.name)
		w.principal(p.p)
	}
	for _, l := range []struct {
		name string
		vs   []policy.Value
	}{{"Action", s.Action}, {"NotAction", s.NotAction}, {"Resource", s.Resource}, {"NotResource", s.NotResource}} {
		if l.vs == nil {
			continue
		}
		field(l.name)
		w.values(l.vs)
	}
	if s.Conditions != nil {
		field("Condition")
		w.conditions(s.Conditions)
	}
	w.b.WriteString("}")
}

func (w *docWriter) principal(p *policy.Principal) {
	if p.Wildcard {
		w.str("*")
		return
	}
	kinds, byKind := groupInOrder(p.Entries, func(e policy.PrincipalEntry) string { return e.Kind })
	w.object(kinds, func(k string) {
		var vs []policy.Value
		for _, e := range byKind[k] {
			vs = append(vs, e.Value)
		}
		w.values(vs)
	})
}

func (w *docWriter) conditions(cs []policy.Condition) {
	ops, byOp := groupInOrder(cs, func(c policy.Condition) string { return c.Operator })
	w.object(ops, func(op string) {
		w.b.WriteString("{")
		for j, c := range byOp[op] {
			if j > 0 {
				w.b.WriteString(", ")
			}
			w.str(c.Key)
			w.b.WriteString(": ")
			w.values(c.Values)
		}
		w.b.WriteString("}")
	})
}

// object writes a JSON object with the keys in order, each value by value.
func (w *docWriter) object(keys []string, value func(k string)) {
	w.b.WriteString("{")
	for i, k := range keys {
		if i > 0 {
			w.b.WriteString(", ")
		}
		w.str(k)
		w.b.WriteString(": ")
		value(k)
	}
	w.b.WriteString("}")
}

// groupInOrder groups xs by key, the keys in the order they first appear.
func groupInOrder[T any](xs []T, key func(T) string) ([]string, map[string][]T) {
	var keys []string
	by := map[string][]T{}
	for _, x := range xs {
		k := key(x)
		if _, ok := by[k]; !ok {
			keys = append(keys, k)
		}
		by[k] = append(by[k], x)
	}
	return keys, by
}
