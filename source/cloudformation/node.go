package cloudformation

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"

	"go.yaml.in/yaml/v3"

	"github.com/ecrguard/ecrguard/estate"
	"github.com/ecrguard/ecrguard/internal/jsonpos"
	"github.com/ecrguard/ecrguard/internal/textenc"
	"github.com/ecrguard/ecrguard/policy"
)

// maxNodes bounds the size of a template after YAML aliases are expanded,
// so that "billion laughs" input cannot exhaust memory.
const maxNodes = 250_000

type nodeKind uint8

const (
	scalarNode nodeKind = iota
	seqNode
	mapNode
)

type scalarType uint8

const (
	strScalar scalarType = iota
	numScalar
	boolScalar
	nullScalar
)

// node is one value of a template, YAML or JSON, with its position. A YAML
// short-form tag (!Ref x) is read as its long form ({"Ref": x}).
type node struct {
	kind    nodeKind
	typ     scalarType
	text    string
	pos     policy.Pos
	elems   []*node
	members []member
	// fromTag marks a mapping that came from a short-form tag.
	fromTag bool
	// alias marks a node written as a YAML alias (*name): its position is
	// its anchor's, elsewhere in the template.
	alias bool
	// loc maps a byte offset of a scalar's text to its source position
	// (nil: every byte is at pos).
	loc func(off int) policy.Pos
	// jsonOff is the offset of a JSON string literal in the template (-1
	// for YAML), for exact positions of documents held in strings.
	jsonOff int
}

type member struct {
	key    string
	keyPos policy.Pos
	value  *node
}

// dupKey is a key written twice in one mapping. CloudFormation rejects such
// a template; ecrguard reports it where it stands (see checkDuplicates).
type dupKey struct {
	in    *node // the mapping
	key   string
	pos   policy.Pos // the later key
	first policy.Pos // the earlier one
}

// get returns the value of key, or nil.
func (n *node) get(key string) *node {
	if n == nil || n.kind != mapNode {
		return nil
	}
	for i := len(n.members) - 1; i >= 0; i-- {
		if n.members[i].key == key {
			return n.members[i].value
		}
	}
	return nil
}

// str returns a plain scalar's text.
func (n *node) str() (string, bool) {
	if n == nil || n.kind != scalarNode || n.typ == nullScalar {
		return "", false
	}
	return n.text, true
}

// isJSON reports whether data looks like a JSON template.
func isJSON(data []byte) bool {
	d := bytes.TrimLeft(data, " \t\r\n\ufeff")
	return len(d) > 0 && d[0] == '{'
}

// parseJSON reads a JSON template; dups are the keys written twice in one
// object (all members are kept, in order).
// parseTemplate parses a template written in JSON or YAML.
func parseTemplate(data []byte, file string) (root *node, dups []dupKey, ignores []estate.Ignore, err error) {
	if isJSON(data) {
		root, dups, err = parseJSON(data, file)
		return root, dups, nil, err
	}
	return parseYAML(data, file)
}

func parseJSON(data []byte, file string) (root *node, dups []dupKey, err error) {
	n, err := jsonpos.Parse(data)
	if err != nil {
		var se *jsonpos.SyntaxError
		if errors.As(err, &se) {
			return nil, nil, &policy.Error{Pos: policy.Pos{File: file, Line: se.Line, Col: se.Col}, Msg: se.Msg}
		}
		return nil, nil, fmt.Errorf("%s: %w", file, err)
	}
	loc := policy.FileLocator(data, file)
	var conv func(j *jsonpos.Node) *node
	conv = func(j *jsonpos.Node) *node {
		out := &node{pos: loc(j.Off), text: j.Text, jsonOff: -1}
		switch j.Kind {
		case jsonpos.Null:
			out.typ = nullScalar
		case jsonpos.Bool:
			out.typ = boolScalar
		case jsonpos.Number:
			out.typ = numScalar
		case jsonpos.String:
			out.jsonOff = j.Off
			out.loc = stringLoc(data, j.Off, loc)
		case jsonpos.Array:
			out.kind = seqNode
			for _, e := range j.Elems {
				out.elems = append(out.elems, conv(e))
			}
		case jsonpos.Object:
			out.kind = mapNode
			seen := map[string]policy.Pos{}
			for _, m := range j.Members {
				kp := loc(m.KeyOff)
				if first, dup := seen[m.Key]; dup {
					dups = append(dups, dupKey{in: out, key: m.Key, pos: kp, first: first})
				}
				seen[m.Key] = kp
				out.members = append(out.members, member{key: m.Key, keyPos: kp, value: conv(m.Value)})
			}
		}
		return out
	}
	return conv(n), dups, nil
}

// stringLoc maps offsets of the text of the JSON string literal at off to
// positions in data (computed when first needed).
func stringLoc(data []byte, off int, loc policy.Locator) func(int) policy.Pos {
	var raw []int
	done := false
	return func(i int) policy.Pos {
		if !done {
			done = true
			_, raw, _ = jsonpos.StringWithOffsets(data, off)
		}
		if len(raw) == 0 {
			return loc(off)
		}
		i = max(0, min(i, len(raw)-1))
		return loc(raw[i])
	}
}

var yamlLine = regexp.MustCompile(`^yaml: line (\d+): (.*)$`)

// parseYAML reads a YAML template, its short-form tags included; dups are
// the keys written twice in one mapping (all members are kept, in order).
//
// ignores are the template's "# ecrguard:ignore" comments.
func parseYAML(data []byte, file string) (n *node, dups []dupKey, ignores []estate.Ignore, err error) {
	var doc yaml.Node
	dec := yaml.NewDecoder(bytes.NewReader(data))
	syntaxError := func(err error) error {
		msg := err.Error()
		if m := yamlLine.FindStringSubmatch(msg); m != nil {
			line, _ := strconv.Atoi(m[1])
			line, col := faultLine(data, line, msg)
			return &policy.Error{Pos: policy.Pos{File: file, Line: line, Col: col}, Msg: m[2]}
		}
		if msg == "EOF" {
			return &policy.Error{Pos: policy.Pos{File: file, Line: 1, Col: 1}, Msg: "empty template: expected a mapping with Resources"}
		}
		return fmt.Errorf("%s: %s", file, strings.TrimPrefix(msg, "yaml: "))
	}
	if err := dec.Decode(&doc); err != nil {
		return nil, nil, nil, syntaxError(err)
	}
	// A template is one document: the resources of a second one (after
	// ---) are no part of it, and reading only the first would leave them
	// out without a word. An empty document (a --- that ends the file)
	// holds nothing.
	for {
		var next yaml.Node
		err := dec.Decode(&next)
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, nil, nil, syntaxError(err)
		}
		if len(next.Content) == 0 {
			continue
		}
		if y := next.Content[0]; y.Kind != yaml.ScalarNode || y.Value != "" || y.ShortTag() != "!!null" {
			return nil, nil, nil, &policy.Error{Pos: policy.Pos{File: file, Line: y.Line, Col: y.Column}, Msg: "a second YAML document: a template is one document, so the file is not read as a template (split it into one file per template)"}
		}
	}
	lines := bytes.Split(data, []byte("\n"))
	c := &yamlConv{file: file, lines: lines}
	root := &doc
	if root.Kind == yaml.DocumentNode {
		if len(root.Content) == 0 {
			return nil, nil, nil, &policy.Error{Pos: policy.Pos{File: file, Line: 1, Col: 1}, Msg: "empty template: expected a mapping with Resources"}
		}
		root = root.Content[0]
	}
	out, err := c.conv(root, 0)
	if err != nil {
		return nil, nil, nil, err
	}
	// The document, whose head comment is the file's first comment when a
	// blank line follows it.
	return out, c.dups, yamlIgnores(&doc, lines, file), nil
}

// faultLine returns where the YAML error msg that yaml.v3 placed on line
// lies (textenc.FaultLine), and its column; line and 1 when no shorter part
// of data fails with the same message.
func faultLine(data []byte, line int, msg string) (int, int) {
	l, col, ok := textenc.FaultLine(data, line, func(prefix []byte) bool {
		var doc yaml.Node
		err := yaml.NewDecoder(bytes.NewReader(prefix)).Decode(&doc)
		return err != nil && yamlLine.ReplaceAllString(err.Error(), "$2") == yamlLine.ReplaceAllString(msg, "$2")
	})
	if !ok {
		return line, 1
	}
	return l, col
}

type yamlConv struct {
	file  string
	lines [][]byte
	count int
	// dups: a mapping reached through several aliases is converted, and
	// its duplicates recorded, once for each.
	dups []dupKey
}

func (c *yamlConv) pos(y *yaml.Node) policy.Pos {
	return policy.Pos{File: c.file, Line: y.Line, Col: y.Column}
}

func (c *yamlConv) conv(y *yaml.Node, depth int) (*node, error) {
	c.count++
	if c.count > maxNodes || depth > 512 {
		return nil, &policy.Error{Pos: c.pos(y), Msg: "the template is too large or nests too deep (after YAML aliases are expanded)"}
	}
	if y.Kind == yaml.AliasNode {
		if y.Alias == nil {
			return nil, &policy.Error{Pos: c.pos(y), Msg: "unresolved alias"}
		}
		n, err := c.conv(y.Alias, depth+1)
		if n != nil {
			n.alias = true
		}
		return n, err
	}
	var out *node
	switch y.Kind {
	case yaml.ScalarNode:
		out = &node{kind: scalarNode, text: y.Value, pos: c.pos(y), jsonOff: -1}
		switch y.ShortTag() {
		case "!!null":
			out.typ = nullScalar
		case "!!bool":
			out.typ = boolScalar
			out.text = strings.ToLower(y.Value)
		case "!!int", "!!float":
			out.typ = numScalar
			if _, err := strconv.ParseFloat(y.Value, 64); err != nil {
				// 0x1F, 0o17, .inf: YAML numbers JSON cannot write.
				out.typ = strScalar
			}
		}
		out.loc = c.scalarLoc(y)
	case yaml.SequenceNode:
		out = &node{kind: seqNode, pos: c.pos(y), jsonOff: -1}
		for _, e := range y.Content {
			v, err := c.conv(e, depth+1)
			if err != nil {
				return nil, err
			}
			out.elems = append(out.elems, v)
		}
	case yaml.MappingNode:
		out = &node{kind: mapNode, pos: c.pos(y), jsonOff: -1}
		// explicit: the keys written in this mapping (not merged in), for
		// duplicates; an explicit key overrides a merged one wherever the
		// merge key stands.
		explicit := map[string]policy.Pos{}
		for i := 0; i+1 < len(y.Content); i += 2 {
			k, v := y.Content[i], y.Content[i+1]
			if k.Kind == yaml.ScalarNode && k.Value == "<<" && k.ShortTag() == "!!merge" {
				if err := c.merge(out, v, depth); err != nil {
					return nil, err
				}
				continue
			}
			if k.Kind != yaml.ScalarNode {
				return nil, &policy.Error{Pos: c.pos(k), Msg: "a mapping key must be a string"}
			}
			val, err := c.conv(v, depth+1)
			if err != nil {
				return nil, err
			}
			m := member{key: k.Value, keyPos: c.pos(k), value: val}
			first, dup := explicit[k.Value]
			explicit[k.Value] = m.keyPos
			switch {
			case dup:
				c.dups = append(c.dups, dupKey{in: out, key: k.Value, pos: m.keyPos, first: first})
			case out.get(k.Value) != nil:
				// Merged in before: the explicit key wins.
				for j := range out.members {
					if out.members[j].key == k.Value {
						out.members[j] = m
					}
				}
				continue
			}
			out.members = append(out.members, m)
		}
	default:
		return nil, &policy.Error{Pos: c.pos(y), Msg: "unexpected YAML node"}
	}
	if tag := y.Tag; strings.HasPrefix(tag, "!") && !strings.HasPrefix(tag, "!!") && tag != "!" {
		name := tag[1:]
		key := "Fn::" + name
		if name == "Ref" || name == "Condition" {
			key = name
		}
		if name == "GetAtt" && out.kind == scalarNode {
			// !GetAtt Logical.Attribute
			a, b, _ := strings.Cut(out.text, ".")
			out = &node{kind: seqNode, pos: out.pos, jsonOff: -1, elems: []*node{
				{kind: scalarNode, text: a, pos: out.pos, jsonOff: -1}, {kind: scalarNode, text: b, pos: out.pos, jsonOff: -1},
			}}
		}
		return &node{kind: mapNode, pos: c.pos(y), fromTag: true, jsonOff: -1, members: []member{{key: key, keyPos: c.pos(y), value: out}}}, nil
	}
	return out, nil
}

// merge applies a YAML merge key (<<: *anchor): members the mapping does not
// already have are added.
func (c *yamlConv) merge(out *node, v *yaml.Node, depth int) error {
	var srcs []*yaml.Node
	if v.Kind == yaml.SequenceNode {
		srcs = v.Content
	} else {
		srcs = []*yaml.Node{v}
	}
	for _, s := range srcs {
		m, err := c.conv(s, depth+1)
		if err != nil {
			return err
		}
		if m.kind != mapNode {
			return &policy.Error{Pos: c.pos(v), Msg: "a merge key needs a mapping"}
		}
		for _, mm := range m.members {
			if out.get(mm.key) == nil {
				out.members = append(out.members, mm)
			}
		}
	}
	return nil
}

// scalarLoc maps offsets of a scalar's text to source positions: exactly
// for a plain or quoted scalar on one line and for a literal block (|), by
// line for other multi-line scalars. A short-form tag (!Sub '...') is
// before the scalar's text: yaml.v3 places the node at the tag.
func (c *yamlConv) scalarLoc(y *yaml.Node) func(int) policy.Pos {
	base := c.pos(y)
	text := y.Value
	if strings.HasPrefix(y.Tag, "!") && !strings.HasPrefix(y.Tag, "!!") && base.Line-1 < len(c.lines) {
		line := c.lines[base.Line-1]
		if i := base.Col - 1; i < len(line) && line[i] == '!' {
			for i < len(line) && line[i] != ' ' && line[i] != '\t' {
				i++
			}
			for i < len(line) && (line[i] == ' ' || line[i] == '\t') {
				i++
			}
			if i < len(line) {
				base.Col = len([]rune(string(line[:i]))) + 1
			}
		}
	}
	cur := &cursor{text: text}
	switch {
	case y.Style&yaml.LiteralStyle != 0:
		// Content starts on the line after the indicator, at the block's
		// indentation.
		indent := 0
		if y.Line < len(c.lines) {
			l := c.lines[y.Line] // the next line (lines are 0-based)
			indent = len(l) - len(bytes.TrimLeft(l, " "))
		}
		return func(off int) policy.Pos {
			line, col, _ := cur.at(off)
			return policy.Pos{File: base.File, Line: base.Line + 1 + line, Col: indent + 1 + col}
		}
	case y.Style&yaml.FoldedStyle != 0:
		return func(int) policy.Pos { return policy.Pos{File: base.File, Line: base.Line + 1, Col: base.Col} }
	}
	quote := 0
	if y.Style&(yaml.SingleQuotedStyle|yaml.DoubleQuotedStyle) != 0 {
		quote = 1
	}
	return func(off int) policy.Pos {
		line, _, runes := cur.at(off)
		if line == 0 {
			return policy.Pos{File: base.File, Line: base.Line, Col: base.Col + quote + runes}
		}
		return policy.Pos{File: base.File, Line: base.Line + line, Col: base.Col}
	}
}

// cursor finds the line of a byte offset of text, and its column in bytes
// and in characters, going on from the offset asked before: the parts of a
// scalar are placed in order, so that placing them all is one pass over
// its text (not one pass each, which took minutes for a long Fn::Sub).
type cursor struct {
	text                  string
	off, line, col, runes int
}

func (c *cursor) at(off int) (line, col, runes int) {
	off = max(0, min(off, len(c.text)))
	if off < c.off {
		*c = cursor{text: c.text}
	}
	for c.off < off {
		if c.text[c.off] == '\n' {
			c.off++
			c.line, c.col, c.runes = c.line+1, 0, 0
			continue
		}
		_, size := utf8.DecodeRuneInString(c.text[c.off:])
		if c.off+size > off {
			size = 1 // inside a character: count its bytes as []rune does
		}
		c.off += size
		c.col += size
		c.runes++
	}
	return c.line, c.col, c.runes
}
