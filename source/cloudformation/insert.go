package cloudformation

import (
	"bytes"
	"encoding/json"
	"slices"
	"strings"
	"unicode/utf8"

	"go.yaml.in/yaml/v3"

	"github.com/ecrguard/ecrguard/estate"
	"github.com/ecrguard/ecrguard/policy"
)

// statementInsert says where statements can be added to the policy
// written at n, so that a fix is an edit of the template
// (estate.Policy.Insert). It is nil unless n is a mapping of the template
// itself whose Statement is a non-empty list written in the template's
// syntax: a JSON array in a JSON template, a block sequence ("- ...") in a
// YAML one. A policy given as a string (JSON inside YAML), built by an
// intrinsic function (Fn::Sub, Fn::Join), or whose Statement is one
// object, a flow sequence ([...]) or an alias, or holds one, gets none.
func (t *tmpl) statementInsert(n *node) *estate.StatementInsert {
	ins := t.textInsert(n)
	if ins == nil || t.opts.TextAt < 0 {
		return nil
	}
	ins.Offset += t.opts.TextAt
	return ins
}

// textInsert is statementInsert's place in the template's text.
func (t *tmpl) textInsert(n *node) *estate.StatementInsert {
	if n == nil || n.kind != mapNode || n.fromTag {
		return nil
	}
	s := n.get("Statement")
	if s == nil || s.kind != seqNode || s.fromTag || s.alias || len(s.elems) == 0 {
		return nil
	}
	// An alias's position is its anchor's: the place after the last
	// statement is not known.
	if slices.ContainsFunc(s.elems, func(e *node) bool { return e.alias }) {
		return nil
	}
	lines := lineStarts(t.data)
	start, ok := offsetOf(t.data, lines, s.pos)
	if !ok {
		return nil
	}
	last, ok := offsetOf(t.data, lines, s.elems[len(s.elems)-1].pos)
	if !ok {
		return nil
	}
	nl := "\n"
	if bytes.Contains(t.data, []byte("\r\n")) {
		nl = "\r\n"
	}
	if isJSON(t.data) {
		return jsonInsert(t.file, t.data, start, last, nl)
	}
	return yamlInsert(t.file, t.data, lines, start, last, nl)
}

// jsonInsert is the place after the last element (at last) of the JSON
// array that opens at start: statements go there, after a comma, each on
// a line of its own at the last element's indentation when it starts a
// line, or on its line otherwise.
func jsonInsert(file string, data []byte, start, last int, nl string) *estate.StatementInsert {
	if start >= len(data) || data[start] != '[' {
		return nil
	}
	end := closingBracket(data, start)
	if end < 0 {
		return nil
	}
	at := end
	for at > start+1 && isSpace(data[at-1]) {
		at--
	}
	indent, own := lineIndent(data, last)
	return &estate.StatementInsert{File: file, Offset: at, Render: func(stmts []*policy.Statement) (string, error) {
		var b strings.Builder
		for _, s := range stmts {
			text, err := policy.EncodeStatement(s, indent)
			if err != nil {
				return "", err
			}
			if own {
				b.WriteString("," + nl + indent)
				b.WriteString(strings.ReplaceAll(string(text), "\n", nl))
				continue
			}
			var c bytes.Buffer
			if err := json.Compact(&c, text); err != nil {
				return "", err
			}
			b.WriteString(", ")
			b.Write(c.Bytes())
		}
		return b.String(), nil
	}}
}

// yamlInsert is the place after the last item (whose content is at last)
// of the block sequence whose first "-" is at start: statements go there
// as items of their own, block mappings at the items' indentation.
func yamlInsert(file string, data []byte, lines []int, start, last int, nl string) *estate.StatementInsert {
	if start >= len(data) || data[start] != '-' {
		return nil
	}
	dash := start - lines[lineOf(lines, start)]
	end := itemEnd(data, lines, lineOf(lines, last), dash)
	prefix := ""
	if end == len(data) && (end == 0 || data[end-1] != '\n') {
		prefix = nl
	}
	indent := strings.Repeat(" ", dash)
	return &estate.StatementInsert{File: file, Offset: end, Render: func(stmts []*policy.Statement) (string, error) {
		var b strings.Builder
		b.WriteString(prefix)
		for _, s := range stmts {
			text, err := yamlStatement(s)
			if err != nil {
				return "", err
			}
			for i, l := range strings.Split(strings.TrimSuffix(text, "\n"), "\n") {
				if i == 0 {
					b.WriteString(indent + "- " + l + nl)
				} else {
					b.WriteString(indent + "  " + l + nl)
				}
			}
		}
		return b.String(), nil
	}}
}

// yamlStatement writes a statement as a YAML block mapping in AWS's element
// order, strings that would read as something else quoted.
func yamlStatement(s *policy.Statement) (string, error) {
	text, err := policy.EncodeStatement(s, "")
	if err != nil {
		return "", err
	}
	var doc yaml.Node
	if err := yaml.Unmarshal(text, &doc); err != nil {
		return "", err
	}
	blockStyle(&doc)
	var b bytes.Buffer
	enc := yaml.NewEncoder(&b)
	enc.SetIndent(2)
	if err := enc.Encode(&doc); err != nil {
		return "", err
	}
	if err := enc.Close(); err != nil {
		return "", err
	}
	return b.String(), nil
}

// blockStyle writes n and what it holds in block style, plain where YAML
// reads the value back as the same string.
func blockStyle(n *yaml.Node) {
	n.Style = 0
	for _, c := range n.Content {
		blockStyle(c)
	}
}

// itemEnd is the offset after the last line of the sequence item that
// starts on line (0-based): the lines below it that are indented deeper
// than its dash (at column dash, 0-based) belong to it; blank and comment
// lines belong to it only when a line of it follows them.
func itemEnd(data []byte, lines []int, line, dash int) int {
	end := lineEnd(data, lines, line)
	for l := line + 1; l < len(lines); l++ {
		text := data[lines[l]:lineEnd(data, lines, l)]
		trimmed := bytes.TrimLeft(text, " \t")
		content := bytes.TrimRight(trimmed, "\r\n")
		if len(content) == 0 || content[0] == '#' {
			continue
		}
		if len(text)-len(trimmed) <= dash {
			break
		}
		end = lineEnd(data, lines, l)
	}
	return end
}

// lineEnd is the offset after line l's newline (or the end of data).
func lineEnd(data []byte, lines []int, l int) int {
	if l+1 < len(lines) {
		return lines[l+1]
	}
	return len(data)
}

// lineStarts are the offsets where data's lines start.
func lineStarts(data []byte) []int {
	starts := []int{0}
	for i, c := range data {
		if c == '\n' {
			starts = append(starts, i+1)
		}
	}
	return starts
}

// lineOf is the 0-based line of offset off.
func lineOf(lines []int, off int) int {
	l := 0
	for l+1 < len(lines) && lines[l+1] <= off {
		l++
	}
	return l
}

// offsetOf is the byte offset of pos (1-based line, column in characters)
// in data.
func offsetOf(data []byte, lines []int, pos policy.Pos) (int, bool) {
	if pos.Line < 1 || pos.Line > len(lines) || pos.Col < 1 {
		return 0, false
	}
	off := lines[pos.Line-1]
	for c := 1; c < pos.Col; c++ {
		if off >= len(data) || data[off] == '\n' {
			return 0, false
		}
		_, size := utf8.DecodeRune(data[off:])
		off += size
	}
	return off, true
}

// lineIndent is the blanks before offset off on its line, and whether only
// blanks precede it there.
func lineIndent(data []byte, off int) (string, bool) {
	i := off
	for i > 0 && data[i-1] != '\n' {
		i--
	}
	before := string(data[i:off])
	if strings.Trim(before, " \t") != "" {
		return "", false
	}
	return before, true
}

// closingBracket is the offset of the bracket that closes the JSON array
// or object opening at start, or -1.
func closingBracket(data []byte, start int) int {
	depth := 0
	for i := start; i < len(data); i++ {
		switch data[i] {
		case '"':
			for i++; i < len(data) && data[i] != '"'; i++ {
				if data[i] == '\\' {
					i++
				}
			}
		case '[', '{':
			depth++
		case ']', '}':
			depth--
			if depth == 0 {
				return i
			}
		}
	}
	return -1
}

func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\r' || c == '\n' }
