package terraform

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/hashicorp/hcl/v2/hclsyntax"

	"github.com/ecrguard/ecrguard/policy"
)

// Rendering statements as the text a fix inserts into a Terraform file:
// JSON (a heredoc, a quoted string, a file read with file()), HCL object
// expressions (jsonencode) and statement blocks (aws_iam_policy_document),
// laid out as terraform fmt lays them out.

// checkWritable returns an error when a statement holds a value not known
// until apply, which has no text to write.
func checkWritable(stmts []*policy.Statement) error {
	_, err := policy.Encode(&policy.Document{Statements: stmts}, policy.EncodeOptions{Exact: true})
	return err
}

// statementJSON returns each statement as JSON, in AWS's element order
// (policy.Marshal), indented by unit and with every line after the first
// prefixed by indent; compact writes each on one line.
func statementJSON(stmts []*policy.Statement, indent, unit string, compact bool) ([]string, error) {
	if err := checkWritable(stmts); err != nil {
		return nil, err
	}
	out := make([]string, len(stmts))
	for i, s := range stmts {
		text, err := policy.Marshal(&policy.Document{Statements: []*policy.Statement{s}})
		if err != nil {
			return nil, err
		}
		var doc struct{ Statement []json.RawMessage }
		if err := json.Unmarshal(text, &doc); err != nil || len(doc.Statement) != 1 {
			return nil, fmt.Errorf("encoding statement %s: %v", s.Label(), err)
		}
		var b bytes.Buffer
		if err := json.Compact(&b, doc.Statement[0]); err != nil {
			return nil, err
		}
		if !compact {
			flat := append([]byte(nil), b.Bytes()...)
			b.Reset()
			if err := json.Indent(&b, flat, indent, unit); err != nil {
				return nil, err
			}
		}
		out[i] = b.String()
	}
	return out, nil
}

// templateEscape escapes text for an HCL template (a heredoc or a quoted
// string): "${" and "%{" would start an interpolation or a directive.
func templateEscape(s string) string {
	s = strings.ReplaceAll(s, "${", "$${")
	return strings.ReplaceAll(s, "%{", "%%{")
}

// hclQuote writes s as an HCL quoted string, as Terraform writes a string
// key in an instance address (aws_ecr_repository.x["a$${b}"]): a rune
// that does not print as \uNNNN, or \UNNNNNNNN past U+FFFF.
func hclQuote(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for i := 0; i < len(s); {
		r, n := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == '"' || r == '\\':
			b.WriteByte('\\')
			b.WriteRune(r)
		case r == '\n':
			b.WriteString(`\n`)
		case r == '\r':
			b.WriteString(`\r`)
		case r == '\t':
			b.WriteString(`\t`)
		case (r == '$' || r == '%') && i+1 < len(s) && s[i+1] == '{':
			b.WriteRune(r)
			b.WriteRune(r)
		case r == utf8.RuneError && n == 1:
			b.WriteString(`\ufffd`)
		case !unicode.IsPrint(r) && r <= 0xffff:
			fmt.Fprintf(&b, `\u%04x`, r)
		case !unicode.IsPrint(r):
			fmt.Fprintf(&b, `\U%08x`, r)
		default:
			b.WriteString(s[i : i+n])
		}
		i += n
	}
	b.WriteByte('"')
	return b.String()
}

// hclKey writes an object key: bare when it is an identifier that reads
// as a name there, else quoted ({ for = ... } starts a for expression).
func hclKey(k string) string {
	switch k {
	case "null", "true", "false", "for", "in", "if":
		return hclQuote(k)
	}
	if hclsyntax.ValidIdentifier(k) {
		return k
	}
	return hclQuote(k)
}

func hclList(vs []string) string {
	q := make([]string, len(vs))
	for i, v := range vs {
		q[i] = hclQuote(v)
	}
	return "[" + strings.Join(q, ", ") + "]"
}

// hclLines writes HCL a line at a time and aligns the equals signs of
// consecutive one-line arguments, as terraform fmt does (hclwrite: a line
// that opens a multi-line value, or holds no argument, ends the run).
type hclLines struct {
	lines []hclLine
	depth int
}

type hclLine struct {
	depth int
	key   string // "" for a line that is not a one-line argument
	text  string // the value of an argument, or the whole line
}

func (w *hclLines) attr(key, value string) {
	w.lines = append(w.lines, hclLine{depth: w.depth, key: key, text: value})
}

// open starts a nested object or block: head is "Condition = {" or
// "statement {".
func (w *hclLines) open(head string) {
	w.lines = append(w.lines, hclLine{depth: w.depth, text: head})
	w.depth++
}

func (w *hclLines) close() {
	w.depth--
	w.lines = append(w.lines, hclLine{depth: w.depth, text: "}"})
}

// text returns the lines, the first without indentation (it follows text
// already on its line), the others indented by indent and two spaces a
// level.
func (w *hclLines) text(indent string) string {
	width := make([]int, len(w.lines))
	for i := 0; i < len(w.lines); {
		if w.lines[i].key == "" {
			i++
			continue
		}
		j, widest := i, 0
		for ; j < len(w.lines) && w.lines[j].key != ""; j++ {
			widest = max(widest, utf8.RuneCountInString(w.lines[j].key))
		}
		for k := i; k < j; k++ {
			width[k] = widest
		}
		i = j
	}
	var b strings.Builder
	for i, l := range w.lines {
		if i > 0 {
			b.WriteString("\n" + indent + strings.Repeat("  ", l.depth))
		}
		if l.key == "" {
			b.WriteString(l.text)
			continue
		}
		b.WriteString(l.key + strings.Repeat(" ", width[i]-utf8.RuneCountInString(l.key)) + " = " + l.text)
	}
	return b.String()
}

// statementObjects returns each statement as an HCL object expression for
// jsonencode: the members of its JSON form (policy.Marshal), in order.
func statementObjects(stmts []*policy.Statement, indent string) ([]string, error) {
	texts, err := statementJSON(stmts, "", "", true)
	if err != nil {
		return nil, err
	}
	out := make([]string, len(texts))
	for i, t := range texts {
		w := &hclLines{}
		dec := json.NewDecoder(strings.NewReader(t))
		if err := w.jsonObject(dec, "{"); err != nil {
			return nil, fmt.Errorf("writing statement %s as HCL: %w", stmts[i].Label(), err)
		}
		out[i] = w.text(indent)
	}
	return out, nil
}

// jsonObject writes the JSON object dec is at as an HCL object whose first
// line is head. Members are strings, lists of strings or objects: what
// policy.Marshal writes.
func (w *hclLines) jsonObject(dec *json.Decoder, head string) error {
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		return fmt.Errorf("expected an object")
	}
	w.open(head)
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return err
		}
		key, _ := tok.(string)
		if !dec.More() {
			return io.ErrUnexpectedEOF
		}
		var raw json.RawMessage
		if err := dec.Decode(&raw); err != nil {
			return err
		}
		var s string
		var list []string
		switch {
		case json.Unmarshal(raw, &s) == nil:
			w.attr(hclKey(key), hclQuote(s))
		case json.Unmarshal(raw, &list) == nil:
			w.attr(hclKey(key), hclList(list))
		default:
			if err := w.jsonObject(json.NewDecoder(bytes.NewReader(raw)), hclKey(key)+" = {"); err != nil {
				return err
			}
		}
	}
	if _, err := dec.Token(); err != nil {
		return err
	}
	w.close()
	return nil
}

// statementBlocks returns each statement as a statement block of an
// aws_iam_policy_document. A policy variable is written "$${aws:X}", which
// HCL reads as "${aws:X}" and the data source passes on as it is (its
// documentation's "&{aws:X}" is the other spelling, refused in documents of
// Version 2008-10-17). The data source turns &{ into ${ in resources,
// identifiers and condition values, and writes no literal &{: a statement
// that holds one cannot be written.
func statementBlocks(stmts []*policy.Statement, indent string) ([]string, error) {
	if err := checkWritable(stmts); err != nil {
		return nil, err
	}
	out := make([]string, len(stmts))
	for i, s := range stmts {
		w := &hclLines{}
		w.open("statement {")
		if s.Sid != "" {
			w.attr("sid", hclQuote(s.Sid))
		}
		w.attr("effect", hclQuote(s.Effect.String()))
		w.principals("principals", s.Principal)
		w.principals("not_principals", s.NotPrincipal)
		for _, l := range []struct {
			attr string
			vs   []policy.Value
		}{{"actions", s.Action}, {"not_actions", s.NotAction}, {"resources", s.Resource}, {"not_resources", s.NotResource}} {
			if l.vs != nil {
				w.attr(l.attr, hclList(texts(l.vs)))
			}
		}
		for _, c := range s.Conditions {
			w.open("condition {")
			w.attr("test", hclQuote(c.Operator))
			w.attr("variable", hclQuote(c.Key))
			w.attr("values", hclList(texts(c.Values)))
			w.close()
		}
		w.close()
		text := w.text(indent)
		if strings.Contains(text, "&{") {
			return nil, fmt.Errorf("statement %s holds \"&{\", which aws_iam_policy_document reads as \"${\"", s.Label())
		}
		out[i] = text
	}
	return out, nil
}

// principals writes a Principal or NotPrincipal as principals blocks, one
// a kind in the order the kinds first appear; "*" is type "*" with
// identifiers ["*"], which the data source writes as "*".
func (w *hclLines) principals(typ string, p *policy.Principal) {
	if p == nil {
		return
	}
	if p.Wildcard {
		w.open(typ + " {")
		w.attr("type", hclQuote("*"))
		w.attr("identifiers", hclList([]string{"*"}))
		w.close()
		return
	}
	var kinds []string
	byKind := map[string][]string{}
	for _, e := range p.Entries {
		if _, ok := byKind[e.Kind]; !ok {
			kinds = append(kinds, e.Kind)
		}
		byKind[e.Kind] = append(byKind[e.Kind], e.Value.Text)
	}
	for _, k := range kinds {
		w.open(typ + " {")
		w.attr("type", hclQuote(k))
		w.attr("identifiers", hclList(byKind[k]))
		w.close()
	}
}

func texts(vs []policy.Value) []string {
	out := make([]string, len(vs))
	for i, v := range vs {
		out[i] = v.Text
	}
	return out
}
