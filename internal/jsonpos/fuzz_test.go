package jsonpos_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"reflect"
	"testing"
	"unicode/utf8"

	"github.com/ecrguard/ecrguard/internal/jsonpos"
)

// FuzzJSONPos checks jsonpos.Parse against encoding/json, the reference for
// RFC 8259: both accept the same inputs and decode them to the same values.
// The seed corpus is testdata/fuzz/FuzzJSONPos.
//
// Two documented differences are left out of the comparison: encoding/json
// accepts invalid UTF-8 inside strings (jsonpos rejects it so that positions
// stay meaningful), and the two bound nesting at different depths.
func FuzzJSONPos(f *testing.F) {
	f.Add([]byte(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"ecr:*","Resource":"*"}]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		n, err := jsonpos.Parse(data)
		if err != nil {
			var se *jsonpos.SyntaxError
			if !errors.As(err, &se) {
				t.Fatalf("error %v is not a *SyntaxError", err)
			}
			if se.Off < 0 || se.Off > len(data) {
				t.Fatalf("error offset %d outside the input (%d bytes)", se.Off, len(data))
			}
			if l, c := jsonpos.NewLines(data).Position(se.Off); l != se.Line || c != se.Col {
				t.Fatalf("error at %d:%d but its offset %d is %d:%d", se.Line, se.Col, se.Off, l, c)
			}
		}
		if !utf8.Valid(data) || nesting(data) > jsonpos.MaxDepth {
			return
		}
		if valid := json.Valid(data); valid != (err == nil) {
			t.Fatalf("json.Valid = %v, jsonpos.Parse error = %v", valid, err)
		}
		if err != nil {
			return
		}
		dec := json.NewDecoder(bytes.NewReader(data))
		dec.UseNumber()
		var want any
		if err := dec.Decode(&want); err != nil {
			t.Fatalf("encoding/json: %v", err)
		}
		if got := toAny(n); !reflect.DeepEqual(got, want) {
			t.Fatalf("jsonpos decodes %q as %#v, encoding/json as %#v", data, got, want)
		}
		checkOffsets(t, data, n)
	})
}

// nesting returns the deepest nesting of arrays and objects, ignoring
// brackets inside strings.
func nesting(data []byte) int {
	depth, deepest := 0, 0
	inString, escaped := false, false
	for _, c := range data {
		switch {
		case inString:
			switch {
			case escaped:
				escaped = false
			case c == '\\':
				escaped = true
			case c == '"':
				inString = false
			}
		case c == '"':
			inString = true
		case c == '[' || c == '{':
			depth++
			deepest = max(deepest, depth)
		case c == ']' || c == '}':
			depth--
		}
	}
	return deepest
}

// toAny converts a tree to what encoding/json decodes into an interface
// value with UseNumber: the last of duplicate keys wins.
func toAny(n *jsonpos.Node) any {
	switch n.Kind {
	case jsonpos.Object:
		m := map[string]any{}
		for _, mem := range n.Members {
			m[mem.Key] = toAny(mem.Value)
		}
		return m
	case jsonpos.Array:
		out := []any{}
		for _, e := range n.Elems {
			out = append(out, toAny(e))
		}
		return out
	case jsonpos.String:
		return n.Text
	case jsonpos.Number:
		return json.Number(n.Text)
	case jsonpos.Bool:
		return n.Text == "true"
	}
	return nil
}

// checkOffsets verifies that every offset points at the first character of
// its value or key, and that StringWithOffsets agrees with Parse.
func checkOffsets(t *testing.T, data []byte, n *jsonpos.Node) {
	t.Helper()
	first := map[jsonpos.Kind]string{
		jsonpos.Object: "{", jsonpos.Array: "[", jsonpos.String: `"`,
		jsonpos.Bool: "tf", jsonpos.Null: "n", jsonpos.Number: "-0123456789",
	}
	var walk func(n *jsonpos.Node)
	walk = func(n *jsonpos.Node) {
		if n.Off < 0 || n.Off >= len(data) || !bytes.ContainsRune([]byte(first[n.Kind]), rune(data[n.Off])) {
			t.Fatalf("%v at offset %d does not start there", n.Kind, n.Off)
		}
		switch n.Kind {
		case jsonpos.String:
			text, raw, err := jsonpos.StringWithOffsets(data, n.Off)
			if err != nil || text != n.Text {
				t.Fatalf("StringWithOffsets = %q, %v; Parse said %q", text, err, n.Text)
			}
			if len(raw) != len(text)+1 || data[raw[len(raw)-1]] != '"' {
				t.Fatalf("raw offsets %v do not end at the closing quote", raw)
			}
			for i := 1; i < len(raw); i++ {
				if raw[i] < raw[i-1] || raw[i] <= n.Off {
					t.Fatalf("raw offsets %v are not increasing inside the literal", raw)
				}
			}
		case jsonpos.Array:
			for _, e := range n.Elems {
				walk(e)
			}
		case jsonpos.Object:
			for _, m := range n.Members {
				if data[m.KeyOff] != '"' {
					t.Fatalf("key %q offset %d is not at a quote", m.Key, m.KeyOff)
				}
				walk(m.Value)
			}
		}
	}
	walk(n)
}
