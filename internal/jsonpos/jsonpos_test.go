package jsonpos_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/ecrguard/ecrguard/internal/jsonpos"
)

// RFC 8259 (The JavaScript Object Notation Data Interchange Format): what is
// and is not JSON. Every rejection names the line and column (in characters)
// where the problem is, and what was expected there.
func TestSyntaxErrors(t *testing.T) {
	tests := []struct {
		name      string
		in        string
		line, col int
		msg       string
	}{
		{"empty input", "", 1, 1, "unexpected end of input, expected a value"},
		{"only white space", " \n\t", 2, 2, "unexpected end of input, expected a value"},
		{"unterminated object", "{", 1, 1, "unterminated object: expected '}'"},
		{"unterminated array", "[1, 2", 1, 1, "unterminated array: expected ']'"},
		{"missing colon", `{"a" 1}`, 1, 6, `after object key "a", expected ':'`},
		{"trailing comma in array", "[1,]", 1, 4, `unexpected ']', expected a value`},
		{"trailing comma in object", `{"a":1,}`, 1, 8, "expected a quoted key"},
		{"unquoted key", `{a:1}`, 1, 2, "expected a quoted key"},
		{"single-quoted string", `['a']`, 1, 2, "expected a value"},
		{"missing comma in array", "[1 2]", 1, 4, "expected ',' or ']'"},
		{"missing comma in object", `{"a":1 "b":2}`, 1, 8, "expected ',' or '}'"},
		{"unterminated string", `"abc`, 1, 1, "unterminated string"},
		{"backslash at end", `"abc\`, 1, 1, "unterminated string"},
		{"invalid literal", "tru", 1, 1, `invalid literal, expected "true"`},
		{"capitalised literal", "True", 1, 1, "expected a value"},
		{"null misspelt", "nul", 1, 1, `expected "null"`},
		{"leading zero", "01", 1, 1, "leading zero"},
		{"negative leading zero", "-01", 1, 2, "leading zero"},
		{"bare minus", "-", 1, 2, "expected a digit"},
		{"dot without digits", "1.", 1, 3, "expected a digit after '.'"},
		{"leading dot", ".5", 1, 1, "expected a value"},
		{"exponent without digits", "1e", 1, 3, "expected a digit in the exponent"},
		{"exponent sign without digits", "1e+", 1, 4, "expected a digit in the exponent"},
		{"plus sign", "+1", 1, 1, "expected a value"},
		{"invalid escape", `"\x"`, 1, 2, `invalid escape sequence \x`},
		{"short unicode escape", `"\u12"`, 1, 4, "expected 4 hex digits"},
		{"non-hex unicode escape", `"\u12g4"`, 1, 4, "expected 4 hex digits"},
		{"raw newline in string", "\"a\nb\"", 1, 3, "control character"},
		{"raw tab in string", "\"a\tb\"", 1, 3, "control character"},
		{"text after the value", `{"a":1} x`, 1, 9, "after the top-level value"},
		{"two values", `1 2`, 1, 3, "after the top-level value"},
		{"error on a later line", "{\n  \"a\": ,\n}", 2, 8, "expected a value"},
		{"columns count characters, not bytes", `{"é€": x}`, 1, 8, "expected a value"},
		{"CRLF line ends", "{\r\n\"a\":\r\n}", 3, 1, "expected a value"},
		{"invalid UTF-8 in a string", "\"a\xffb\"", 1, 3, "invalid UTF-8 in string"},
		{"invalid UTF-8 outside a string", "[\xff]", 1, 2, "byte 0xff"},
		{"byte order mark", "\ufeff{}", 1, 1, "expected a value"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := jsonpos.Parse([]byte(tt.in))
			var se *jsonpos.SyntaxError
			if !errors.As(err, &se) {
				t.Fatalf("Parse(%q) error = %v, want a *SyntaxError", tt.in, err)
			}
			if se.Line != tt.line || se.Col != tt.col {
				t.Errorf("Parse(%q) at %d:%d, want %d:%d (%s)", tt.in, se.Line, se.Col, tt.line, tt.col, se.Msg)
			}
			if !strings.Contains(se.Msg, tt.msg) {
				t.Errorf("Parse(%q) message %q, want it to contain %q", tt.in, se.Msg, tt.msg)
			}
			if want := fmt.Sprintf("%d:%d: %s", tt.line, tt.col, se.Msg); err.Error() != want {
				t.Errorf("Error() = %q, want %q", err.Error(), want)
			}
			// The position is also given as a byte offset that agrees with
			// the line and column.
			l, c := jsonpos.NewLines([]byte(tt.in)).Position(se.Off)
			if l != se.Line || c != se.Col {
				t.Errorf("offset %d is at %d:%d, error says %d:%d", se.Off, l, c, se.Line, se.Col)
			}
		})
	}
}

// RFC 8259 section 2: insignificant white space is allowed around any token;
// every JSON value may be the top-level value.
func TestValidDocuments(t *testing.T) {
	tests := []string{
		`{}`, `[]`, `""`, `0`, `-0`, `1.5e-3`, `1E+2`, `true`, `false`, `null`,
		" \t\r\n{ \"a\" : [ 1 , 2 ] } \n",
		`{"a":{"b":{"c":[[],[{}]]}}}`,
		`"\" \\ \/ \b \f \n \r \t \u0041"`,
		"\"\x7f\"", // DEL is not a control character in JSON
		`{"":""}`,
	}
	for _, in := range tests {
		t.Run(in, func(t *testing.T) {
			if _, err := jsonpos.Parse([]byte(in)); err != nil {
				t.Errorf("Parse(%q) = %v, want no error", in, err)
			}
			if !json.Valid([]byte(in)) {
				t.Fatalf("test bug: encoding/json rejects %q", in)
			}
		})
	}
}

// Nesting is bounded so that hostile input cannot exhaust the stack; the
// bound is MaxDepth levels below the top-level value.
func TestNestingLimit(t *testing.T) {
	nest := func(n int, open, close string) []byte {
		return []byte(strings.Repeat(open, n) + strings.Repeat(close, n))
	}
	tests := []struct {
		name    string
		in      []byte
		wantErr bool
	}{
		{"arrays at the limit", nest(jsonpos.MaxDepth+1, "[", "]"), false},
		{"arrays one past the limit", nest(jsonpos.MaxDepth+2, "[", "]"), true},
		{"objects one past the limit", []byte(strings.Repeat(`{"a":`, jsonpos.MaxDepth+1) + "1" + strings.Repeat("}", jsonpos.MaxDepth+1)), true},
		{"very deep input fails without exhausting the stack", nest(1_000_000, "[", "]"), true},
		{"very deep unterminated input", []byte(strings.Repeat("[", 1_000_000)), true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := jsonpos.Parse(tt.in)
			if (err != nil) != tt.wantErr {
				t.Fatalf("Parse: err = %v, wantErr %v", err, tt.wantErr)
			}
			if err != nil && !strings.Contains(err.Error(), "nesting deeper than 512 levels") {
				t.Errorf("error %q does not name the nesting limit", err)
			}
		})
	}
}

// RFC 8259 section 7: characters outside the Basic Multilingual Plane are
// escaped as a UTF-16 surrogate pair. A lone or mismatched surrogate is
// accepted and decoded as U+FFFD, as encoding/json does; the test uses
// encoding/json as the reference.
func TestStringDecoding(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want string
	}{
		{"plain", `"abc"`, "abc"},
		{"UTF-8 passes through", `"café 😀"`, "café 😀"},
		{"short escapes", `"\"\\\/\b\f\n\r\t"`, "\"\\/\b\f\n\r\t"},
		{"BMP escape", `"\u00e9\u20AC"`, "é€"},
		{"surrogate pair", `"\ud83d\ude00"`, "😀"},
		{"upper-case surrogate pair", `"\uD83D\uDE00"`, "😀"},
		{"lone high surrogate", `"\ud83d"`, "\uFFFD"},
		{"lone high surrogate then text", `"\ud83dx"`, "\uFFFDx"},
		{"high surrogate then non-surrogate escape", `"\ud83d\u0041"`, "\uFFFDA"},
		{"two high surrogates", `"\ud83d\ud83d\ude00"`, "\uFFFD😀"},
		{"lone low surrogate", `"\ude00"`, "\uFFFD"},
		{"escaped NUL", `"a\u0000b"`, "a\x00b"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			n, err := jsonpos.Parse([]byte(tt.in))
			if err != nil {
				t.Fatal(err)
			}
			if n.Kind != jsonpos.String || n.Text != tt.want {
				t.Errorf("Parse(%s) = %v %q, want string %q", tt.in, n.Kind, n.Text, tt.want)
			}
			var ref string
			if err := json.Unmarshal([]byte(tt.in), &ref); err != nil {
				t.Fatal(err)
			}
			if ref != n.Text {
				t.Errorf("encoding/json decodes %s as %q, jsonpos as %q", tt.in, ref, n.Text)
			}
		})
	}
}

// The tree keeps every object member in document order, duplicates
// included, with the offsets of keys and values; Get returns the last
// duplicate, the one encoding/json keeps.
func TestTreeAndOffsets(t *testing.T) {
	in := []byte("{\"a\": [1, true, null],\n \"b\": \"x\", \"a\": -2.5e1}")
	n, err := jsonpos.Parse(in)
	if err != nil {
		t.Fatal(err)
	}
	if n.Kind != jsonpos.Object || n.Off != 0 || len(n.Members) != 3 {
		t.Fatalf("root = %+v", n)
	}
	tests := []struct {
		key            string
		keyOff, valOff int
		kind           jsonpos.Kind
		text           string
	}{
		{"a", 1, 6, jsonpos.Array, ""},
		{"b", 24, 29, jsonpos.String, "x"},
		{"a", 34, 39, jsonpos.Number, "-2.5e1"},
	}
	for i, tt := range tests {
		t.Run(tt.key, func(t *testing.T) {
			m := n.Members[i]
			if m.Key != tt.key || m.KeyOff != tt.keyOff || m.Value.Off != tt.valOff || m.Value.Kind != tt.kind || m.Value.Text != tt.text {
				t.Errorf("member %d = {%q %d %d %v %q}, want %+v", i, m.Key, m.KeyOff, m.Value.Off, m.Value.Kind, m.Value.Text, tt)
			}
			if in[m.KeyOff] != '"' {
				t.Errorf("key offset %d does not point at the key's quote", m.KeyOff)
			}
		})
	}
	arr := n.Members[0].Value
	if len(arr.Elems) != 3 || arr.Elems[0].Text != "1" || arr.Elems[1].Kind != jsonpos.Bool || arr.Elems[1].Text != "true" || arr.Elems[2].Kind != jsonpos.Null || arr.Elems[2].Off != 16 {
		t.Errorf("array = %+v", arr.Elems)
	}
	if got := n.Get("a"); got == nil || got.Text != "-2.5e1" {
		t.Errorf("Get(a) = %+v, want the last duplicate", got)
	}
	if n.Get("missing") != nil || arr.Get("a") != nil {
		t.Error("Get on a missing key or a non-object must be nil")
	}
	var nilNode *jsonpos.Node
	if nilNode.Get("a") != nil {
		t.Error("Get on a nil node must be nil")
	}
}

func TestKindString(t *testing.T) {
	tests := []struct {
		k    jsonpos.Kind
		want string
	}{
		{jsonpos.Null, "null"}, {jsonpos.Bool, "boolean"}, {jsonpos.Number, "number"},
		{jsonpos.String, "string"}, {jsonpos.Array, "array"}, {jsonpos.Object, "object"},
		{jsonpos.Kind(99), "unknown"},
	}
	for _, tt := range tests {
		t.Run(tt.want, func(t *testing.T) {
			if got := tt.k.String(); got != tt.want {
				t.Errorf("Kind(%d).String() = %q, want %q", tt.k, got, tt.want)
			}
		})
	}
}

// Lines: 1-based lines, columns in characters; offsets outside the input
// are clamped.
func TestLinesPosition(t *testing.T) {
	data := []byte("ab\nçd\n\nx")
	tests := []struct {
		off, line, col int
	}{
		{-5, 1, 1}, {0, 1, 1}, {1, 1, 2}, {2, 1, 3}, {3, 2, 1},
		{5, 2, 2}, // after the two-byte ç
		{7, 3, 1}, {8, 4, 1}, {9, 4, 2}, {100, 4, 2},
	}
	lines := jsonpos.NewLines(data)
	for _, tt := range tests {
		l, c := lines.Position(tt.off)
		if l != tt.line || c != tt.col {
			t.Errorf("Position(%d) = %d:%d, want %d:%d", tt.off, l, c, tt.line, tt.col)
		}
	}
}

// StringWithOffsets maps every byte of a decoded string literal back to the
// source character that produced it, so that a document held in a JSON
// string (the policyText of `aws ecr get-repository-policy`) can report
// positions in the outer file.
func TestStringWithOffsets(t *testing.T) {
	//                     0123456789...
	outer := []byte(`{"p": "a\nb\u00e9\ud83d\ude00c\"", "q": 1}`)
	off := strings.Index(string(outer), `"a`)
	text, raw, err := jsonpos.StringWithOffsets(outer, off)
	if err != nil {
		t.Fatal(err)
	}
	if want := "a\nbé😀c\""; text != want {
		t.Fatalf("text = %q, want %q", text, want)
	}
	if len(raw) != len(text)+1 {
		t.Fatalf("len(raw) = %d, want len(text)+1 = %d", len(raw), len(text)+1)
	}
	// Source offsets relative to the opening quote, byte by byte of text:
	// a, \n (2 source bytes), b, é (2 bytes from one 6-byte escape),
	// 😀 (4 bytes from a 12-byte pair), c, \" and the closing quote.
	want := []int{1, 2, 4, 5, 5, 11, 11, 11, 11, 23, 24, 26}
	for i := range want {
		if raw[i]-off != want[i] {
			t.Errorf("raw[%d] = off+%d, want off+%d (text byte %q)", i, raw[i]-off, want[i], text[min(i, len(text)-1)])
		}
	}
	if outer[raw[len(raw)-1]] != '"' {
		t.Error("the last entry must point at the closing quote")
	}

	errTests := []struct {
		name string
		data string
		off  int
		msg  string
	}{
		{"not at a quote", `{"p": 1}`, 0, "expected a string literal at offset 0"},
		{"offset past the end", `"a"`, 3, "expected a string literal"},
		{"negative offset", `"a"`, -1, "expected a string literal"},
		{"invalid literal", `"a\qb"`, 0, `1:3: invalid escape sequence \q`},
		{"unterminated literal", `"abc`, 0, "1:1: unterminated string"},
	}
	for _, tt := range errTests {
		t.Run(tt.name, func(t *testing.T) {
			_, _, err := jsonpos.StringWithOffsets([]byte(tt.data), tt.off)
			if err == nil || !strings.Contains(err.Error(), tt.msg) {
				t.Errorf("err = %v, want it to contain %q", err, tt.msg)
			}
		})
	}
}

// The same offsets for lone surrogates, which decode to U+FFFD (3 bytes).
func TestStringWithOffsetsLoneSurrogates(t *testing.T) {
	tests := []struct {
		lit  string
		want []int // relative to the opening quote
	}{
		{`"\ud83dx"`, []int{1, 1, 1, 7, 8}},
		{`"\ud83d\u0041"`, []int{1, 1, 1, 7, 13}},
		{`"\ude00"`, []int{1, 1, 1, 7}},
	}
	for _, tt := range tests {
		t.Run(tt.lit, func(t *testing.T) {
			text, raw, err := jsonpos.StringWithOffsets([]byte(tt.lit), 0)
			if err != nil {
				t.Fatal(err)
			}
			n, _ := jsonpos.Parse([]byte(tt.lit))
			if text != n.Text {
				t.Errorf("text %q differs from Parse's %q", text, n.Text)
			}
			if len(raw) != len(tt.want) {
				t.Fatalf("raw = %v, want %v", raw, tt.want)
			}
			for i := range raw {
				if raw[i] != tt.want[i] {
					t.Errorf("raw = %v, want %v", raw, tt.want)
					break
				}
			}
		})
	}
}

// Columns count characters on lines with and without non-ASCII text, and a
// long single line (a minified policy) answers at once.
func TestLinesColumns(t *testing.T) {
	data := []byte("{\"a\": 1,\n \"é\": \"x\", \"b\": 2}\n" + strings.Repeat(" ", 100000) + "x")
	l := jsonpos.NewLines(data)
	tests := []struct {
		off, line, col int
	}{
		{0, 1, 1}, {5, 1, 6}, {9, 2, 1},
		{strings.IndexByte(string(data), 'x'), 2, 8}, // after é (two bytes, one character)
		{len(data) - 1, 3, 100001},
	}
	for _, tt := range tests {
		if line, col := l.Position(tt.off); line != tt.line || col != tt.col {
			t.Errorf("Position(%d) = %d:%d, want %d:%d", tt.off, line, col, tt.line, tt.col)
		}
	}
}
