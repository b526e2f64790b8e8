package policy

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// TestMarshalRoundTrip encodes every policy of the conformance corpus and
// checks that decoding the output gives the same encoding again and keeps
// every statement's elements.
func TestMarshalRoundTrip(t *testing.T) {
	docs := conformanceDocs(t)
	for _, d := range docs {
		f, doc := d.file, d.doc
		out, err := Marshal(doc)
		if err != nil {
			t.Fatal(err)
		}
		doc2, err := Parse(out, f+"(encoded)")
		if err != nil {
			t.Fatalf("%s: re-decoding the encoding failed: %v\n%s", f, err, out)
		}
		out2, _ := Marshal(doc2)
		if string(out) != string(out2) {
			t.Errorf("%s: encoding is not stable:\n%s\n---\n%s", f, out, out2)
		}
		if len(doc.Statements) != len(doc2.Statements) {
			t.Errorf("%s: statements lost", f)
		}
		for i := range doc.Statements {
			a, b := doc.Statements[i], doc2.Statements[i]
			if len(a.Action) != len(b.Action) || len(a.NotAction) != len(b.NotAction) || len(a.Conditions) != len(b.Conditions) ||
				(a.Principal == nil) != (b.Principal == nil) || a.Effect != b.Effect || a.Sid != b.Sid {
				t.Errorf("%s: statement %d changed", f, i)
			}
		}
	}
	if len(docs) < 100 {
		t.Errorf("only %d documents round-tripped", len(docs))
	}
}

// conformanceDoc is a policy of the conformance corpus and its file.
type conformanceDoc struct {
	file string
	doc  *Document
}

// conformanceDocs parses every policy of the conformance corpus that
// decodes (the corpus also holds policies that must not).
func conformanceDocs(t *testing.T) []conformanceDoc {
	t.Helper()
	files, _ := filepath.Glob(filepath.Join("..", "testdata", "conformance", "*", "*.json"))
	if len(files) == 0 {
		t.Fatal("no conformance files")
	}
	var out []conformanceDoc
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		var raws []json.RawMessage
		collectDocs(data, &raws)
		for _, raw := range raws {
			if doc, err := Parse(raw, f); err == nil {
				out = append(out, conformanceDoc{f, doc})
			}
		}
	}
	return out
}

// collectDocs finds every JSON object with a Statement key.
func collectDocs(data []byte, out *[]json.RawMessage) {
	var v any
	if json.Unmarshal(data, &v) != nil {
		return
	}
	var walk func(v any)
	walk = func(v any) {
		switch x := v.(type) {
		case map[string]any:
			if _, ok := x["Statement"]; ok {
				b, _ := json.Marshal(x)
				*out = append(*out, b)
				return
			}
			for _, e := range x {
				walk(e)
			}
		case []any:
			for _, e := range x {
				walk(e)
			}
		}
	}
	walk(v)
}

func TestMarshalShape(t *testing.T) {
	doc, err := Parse([]byte(`{"Version":"2012-10-17","Statement":{"Effect":"Deny","NotPrincipal":{"AWS":["111122223333","arn:aws:iam::111122223333:role/x"]},"Action":"ecr:*","Condition":{"Bool":{"aws:SecureTransport":false}}}}`), "x.json")
	if err != nil {
		t.Fatal(err)
	}
	out, _ := Marshal(doc)
	compact := strings.Join(strings.Fields(string(out)), "")
	for _, want := range []string{`"Version": "2012-10-17"`, `"Effect": "Deny"`, `"NotPrincipal": {"AWS":["111122223333","arn:aws:iam::111122223333:role/x"]}`, `"Condition": {"Bool":{"aws:SecureTransport":"false"}}`} {
		if !strings.Contains(compact, strings.Join(strings.Fields(want), "")) {
			t.Errorf("encoding lacks %s:\n%s", want, out)
		}
	}
}

// TestWriteIndentedMatchesEncodingJSON checks the hand-written indenter
// against json.MarshalIndent for every element of the conformance corpus
// (and for HTML-sensitive and non-ASCII text), so encodings stay
// byte-identical to what earlier versions wrote.
func TestWriteIndentedMatchesEncodingJSON(t *testing.T) {
	values := []any{"a<b>&c", "é\u2028", []string{}, []string{"x", "<y>"}, orderedObject{},
		orderedObject{{"k", orderedObject{{"in", []string{"1", "2"}}}}, {"s", "v"}}}
	for _, d := range conformanceDocs(t) {
		for _, s := range d.doc.Statements {
			for _, kv := range (&encoder{}).statementFields(s) {
				values = append(values, kv.value)
			}
		}
	}
	for _, indent := range []string{"", "      "} {
		for _, v := range values {
			want, err := json.MarshalIndent(v, indent, "  ")
			if err != nil {
				t.Fatal(err)
			}
			var b bytes.Buffer
			writeIndented(&b, v, indent)
			if b.String() != string(want) {
				t.Errorf("writeIndented(%#v, %q):\n%s\nwant\n%s", v, indent, b.String(), want)
			}
		}
	}
}

// TestEncodeExact: an exact encoding reads back as the same document (one-
// value lists stay lists, principal kinds keep their order, an empty
// Condition stays), where Marshal writes AWS's shorter form; an unknown
// value is an error.
func TestEncodeExact(t *testing.T) {
	src := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":["ecr.amazonaws.com"],"AWS":["arn:aws:iam::111122223333:root"]},"Action":["ecr:BatchGetImage"],"Resource":["*"]}]}`
	doc, err := Parse([]byte(src), "p.json")
	if err != nil {
		t.Fatal(err)
	}
	exact, err := Encode(doc, EncodeOptions{Exact: true})
	if err != nil {
		t.Fatal(err)
	}
	var got, want any
	if err := json.Unmarshal(exact, &got); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal([]byte(src), &want); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("exact encoding\n%s\nreads as %v, want %v", exact, got, want)
	}
	if i, j := bytes.Index(exact, []byte(`"Service"`)), bytes.Index(exact, []byte(`"AWS"`)); i < 0 || j < i {
		t.Errorf("exact encoding reorders the principal kinds:\n%s", exact)
	}
	short, err := Marshal(doc)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(short, []byte(`"Action": "ecr:BatchGetImage"`)) || bytes.Contains(short, []byte(`"Condition"`)) {
		t.Errorf("Marshal is not AWS's short form:\n%s", short)
	}
	doc.Statements[0].Conditions = []Condition{}
	if exact, _ := Encode(doc, EncodeOptions{Exact: true}); !bytes.Contains(exact, []byte(`"Condition": {}`)) {
		t.Errorf("an empty Condition is not kept:\n%s", exact)
	}
	doc.Statements[0].Action[0].Unknown = true
	if _, err := Encode(doc, EncodeOptions{Exact: true}); err == nil {
		t.Error("an unknown value encodes exactly")
	}
}
