package terraform

import (
	"bytes"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"

	"github.com/ecrguard/ecrguard/estate"
	"github.com/ecrguard/ecrguard/policy"
)

// Where a fix's statements go (estate.Policy.Insert): the end of the
// Statement list of a resource policy written in the module, in the syntax
// it is written in. A policy is placed only when the reader read it from
// one list it can point at:
//
//   - jsonencode({ ... Statement = [ ... ] ... }), written in the argument,
//     or in a local value, variable, output or element of a for_each map
//     (each.value.policy) the argument refers to: HCL object expressions;
//   - a heredoc or a quoted string of JSON: JSON, escaped for the template;
//   - file("policy.json"): JSON in that file;
//   - data.aws_iam_policy_document.X.json: statement blocks before the data
//     source's closing brace, when it merges no other document.
//
// A Statement list built by an expression (concat, a for expression, a
// reference), templatefile(), a plan, a .tf.json file and a file the
// reader decoded from UTF-16 get none.

// maxInsertHops bounds the references followed to find a policy's text.
const maxInsertHops = 16

// insertStyle is the syntax a Statement list is written in.
type insertStyle uint8

const (
	styleHCL     insertStyle = iota // jsonencode: HCL object expressions
	styleJSON                       // a JSON file
	styleHeredoc                    // JSON in a heredoc
	styleQuoted                     // JSON in a quoted string: one line, escaped
)

// resolveInsert finds the expression the reader reads for expr, and the
// scope to read it in: it strips parentheses and template wraps, takes the
// branch of a decidable conditional and follows references (local, var,
// resource attribute, module output, with a key computed or not, and
// each.value), each a hop. It returns nil when the
// hops run out, a conditional cannot be decided or a reference has no
// expression (a -var value); a reference it cannot follow (data.X) is
// returned as written.
func (s *scope) resolveInsert(expr hcl.Expression, hops int) (hcl.Expression, *scope, int) {
	for ; hops <= maxInsertHops; hops++ {
		switch e := expr.(type) {
		case *hclsyntax.ParenthesesExpr:
			expr = e.Expression
		case *hclsyntax.TemplateWrapExpr:
			expr = e.Wrapped
		case *hclsyntax.ConditionalExpr:
			x, ok := s.branch(e)
			if !ok {
				return nil, s, hops
			}
			expr = x
		case *hclsyntax.RelativeTraversalExpr:
			// module.doc[each.key].json: the reference with the key's
			// value, as policyValue reads it.
			tr, ok := s.keyedTraversal(e)
			if !ok {
				return expr, s, hops
			}
			expr = &hclsyntax.ScopeTraversalExpr{Traversal: tr, SrcRange: e.SrcRange}
		case *hclsyntax.ScopeTraversalExpr:
			x, sc, _, ok := s.follow(e.Traversal)
			if !ok {
				return expr, s, hops
			}
			if x == nil {
				return nil, s, hops
			}
			expr, s = x, sc
		default:
			return expr, s, hops
		}
	}
	return nil, s, hops
}

// statementInsert returns where statements can be added to the policy that
// expr, a resource policy argument, gives; nil when it cannot say exactly.
// It follows the reader's own path (policyValue). The place is an offset
// in the file's bytes: after its byte-order mark.
func (s *scope) statementInsert(expr hcl.Expression, hops int) *estate.StatementInsert {
	ins := s.textInsert(expr, hops)
	if ins != nil {
		ins.Offset += s.m.l.textAt[ins.File]
	}
	return ins
}

// textInsert is statementInsert's place, in the file's text.
func (s *scope) textInsert(expr hcl.Expression, hops int) *estate.StatementInsert {
	expr, sc, hops := s.resolveInsert(expr, hops)
	switch e := expr.(type) {
	case *hclsyntax.FunctionCallExpr:
		switch {
		case e.ExpandFinal || len(e.Args) != 1:
		case e.Name == "jsonencode":
			return sc.objectInsert(e.Args[0], hops+1)
		case e.Name == "file":
			return sc.fileInsert(e.Args[0])
		}
	case *hclsyntax.TemplateExpr:
		return sc.templateInsert(e)
	case *hclsyntax.ScopeTraversalExpr:
		if in := sc.policyDocRef(e.Traversal); in != nil {
			return in.blockInsert()
		}
	}
	return nil
}

// editable returns the text of a file the reader read whose offsets are
// those of the file itself: HCL native syntax, not decoded.
func (l *loader) editable(file string) ([]byte, bool) {
	src, ok := l.src[file]
	if !ok || l.textAt[file] < 0 || strings.HasSuffix(file, ".json") {
		return nil, false
	}
	return src, true
}

// objectInsert places statements in the Statement list of the object that
// jsonencode encodes (as structure reads it).
func (s *scope) objectInsert(expr hcl.Expression, hops int) *estate.StatementInsert {
	expr, sc, _ := s.resolveInsert(expr, hops)
	if obj, ok := expr.(*hclsyntax.ObjectConsExpr); ok {
		return sc.tupleInsert(obj)
	}
	return nil
}

// tupleInsert places statements in the tuple an object's Statement key
// holds, when every key of the object is written literally and one is
// Statement.
func (s *scope) tupleInsert(obj *hclsyntax.ObjectConsExpr) *estate.StatementInsert {
	var list hclsyntax.Expression
	for _, item := range obj.Items {
		key, ok := literalKey(item.KeyExpr)
		if !ok {
			return nil
		}
		if key == "Statement" {
			if list != nil {
				return nil
			}
			list = item.ValueExpr
		}
	}
	for {
		p, ok := list.(*hclsyntax.ParenthesesExpr)
		if !ok {
			break
		}
		list = p.Expression
	}
	tc, ok := list.(*hclsyntax.TupleConsExpr)
	if !ok {
		return nil
	}
	r := tc.SrcRange
	src, ok := s.m.l.editable(r.Filename)
	if !ok || r.End.Byte > len(src) || src[r.Start.Byte] != '[' || src[r.End.Byte-1] != ']' {
		return nil
	}
	spot := listSpot{src: src, open: r.Start.Byte, close: r.End.Byte - 1}
	for _, x := range tc.Exprs {
		xr := x.Range()
		spot.elems = append(spot.elems, [2]int{xr.Start.Byte, xr.End.Byte})
	}
	return spot.insert(r.Filename, styleHCL)
}

// literalKey returns an object key written as a name or a string without
// interpolations.
func literalKey(k hclsyntax.Expression) (string, bool) {
	if ke, ok := k.(*hclsyntax.ObjectConsKeyExpr); ok {
		if !ke.ForceNonLiteral {
			if kw := hcl.ExprAsKeyword(ke.Wrapped); kw != "" {
				return kw, true
			}
		}
		k = ke.Wrapped
	}
	if len(k.Variables()) > 0 {
		return "", false
	}
	v, diags := k.Value(nil)
	if diags.HasErrors() {
		return "", false
	}
	return asString(v)
}

// fileInsert places statements in a JSON file that file() reads.
func (s *scope) fileInsert(arg hcl.Expression) *estate.StatementInsert {
	p, ok := asString(s.eval(arg))
	if !ok {
		return nil
	}
	name, data, err := s.m.l.readFile(p)
	if err != nil {
		return nil
	}
	t := &jtext{}
	t.addRaw(data, 0)
	return t.insert(data, name, styleJSON)
}

// templateInsert places statements in a heredoc or quoted string of JSON.
func (s *scope) templateInsert(e *hclsyntax.TemplateExpr) *estate.StatementInsert {
	r := e.SrcRange
	src, ok := s.m.l.editable(r.Filename)
	if !ok || r.End.Byte > len(src) || r.Start.Byte >= r.End.Byte {
		return nil
	}
	style := styleQuoted
	flush := false
	switch {
	case src[r.Start.Byte] == '"':
	case bytes.HasPrefix(src[r.Start.Byte:], []byte("<<")):
		style = styleHeredoc
		flush = bytes.HasPrefix(src[r.Start.Byte:], []byte("<<-"))
	default:
		return nil
	}
	t := &jtext{}
	for _, part := range e.Parts {
		pr := part.Range()
		lit, isLit := part.(*hclsyntax.LiteralValueExpr)
		if !isLit {
			t.addOpaque(pr.Start.Byte, pr.End.Byte)
			continue
		}
		text, ok := asString(lit.Val)
		if !ok || pr.Start.Byte < r.Start.Byte || pr.End.Byte > r.End.Byte || pr.Start.Byte > pr.End.Byte {
			return nil
		}
		n := len(t.b)
		if !t.addTemplate(src[pr.Start.Byte:pr.End.Byte], pr.Start.Byte, style == styleQuoted) {
			return nil
		}
		// The text must read as the reader read it (a flush heredoc's
		// literals lose their indentation).
		got := string(t.b[n:])
		if flush {
			got, text = withoutBlanks(got), withoutBlanks(text)
		}
		if got != text {
			return nil
		}
	}
	return t.insert(src, r.Filename, style)
}

func withoutBlanks(s string) string {
	return strings.NewReplacer(" ", "", "\t", "").Replace(s)
}

// blockInsert places statement blocks before the closing brace of an
// aws_iam_policy_document that merges no other document (its own
// statements come last, in the order written).
func (in *instance) blockInsert() *estate.StatementInsert {
	b := in.r.block
	// source_json and override_json, which provider versions before 4
	// read, are merged as well.
	for _, attr := range []string{"source_policy_documents", "override_policy_documents", "source_json", "override_json"} {
		if b.Body.Attributes[attr] != nil {
			return nil
		}
	}
	file := b.TypeRange.Filename
	src, ok := in.r.m.l.editable(file)
	end := b.Body.SrcRange.End.Byte - 1
	if !ok || end <= 0 || end >= len(src) || src[end] != '}' {
		return nil
	}
	if !startsLine(src, end) {
		// A block on one line holds no statement block.
		return nil
	}
	indent := lineIndent(src, b.TypeRange.Start.Byte)
	inner := indent + "  "
	// On lines of their own before the closing brace, after a blank line.
	offset := end - len(lineIndent(src, end))
	lead := inner
	if len(b.Body.Attributes)+len(b.Body.Blocks) > 0 {
		lead = "\n" + inner
	}
	sep := "\n\n" + inner
	ends := lineEnds(src)
	return &estate.StatementInsert{File: file, Offset: offset, Render: func(stmts []*policy.Statement) (string, error) {
		blocks, err := statementBlocks(stmts, inner)
		if err != nil {
			return "", err
		}
		return ends(lead + strings.Join(blocks, sep) + "\n"), nil
	}}
}

// listSpot is a Statement list as written in src: the offsets of its
// brackets, and of the first byte of each element and the byte after its
// last.
type listSpot struct {
	src         []byte
	open, close int
	elems       [][2]int
}

// placement is where statements go in a list and how they are laid out:
// lead, then the statements separated by sep, then tail; each statement's
// lines after the first indented by indent (and unit a level, for JSON),
// or on one line (compact).
type placement struct {
	offset          int
	lead, sep, tail string
	indent, unit    string
	compact         bool
}

// insert returns the StatementInsert of the list in file.
func (l listSpot) insert(file string, style insertStyle) *estate.StatementInsert {
	p := l.place(style)
	ends := lineEnds(l.src)
	return &estate.StatementInsert{File: file, Offset: p.offset, Render: func(stmts []*policy.Statement) (string, error) {
		var objs []string
		var err error
		if style == styleHCL {
			objs, err = statementObjects(stmts, p.indent)
		} else {
			objs, err = statementJSON(stmts, p.indent, p.unit, p.compact)
		}
		if err != nil {
			return "", err
		}
		text := ends(p.lead + strings.Join(objs, p.sep) + p.tail)
		switch style {
		case styleHeredoc:
			text = templateEscape(text)
		case styleQuoted:
			q := hclQuote(text)
			text = q[1 : len(q)-1]
		}
		return text, nil
	}}
}

// place decides where the statements go: after the last element, on lines
// of their own indented as it is (after its trailing comma, when it has
// one and nothing else follows on its line); after it on the same line
// when the list hugs its elements ("[{" ... "}, {" ... "}]"); in an empty
// list, on lines of their own.
func (l listSpot) place(style insertStyle) placement {
	src := l.src
	unit := "  "
	if style == styleQuoted {
		if len(l.elems) == 0 {
			return placement{offset: l.open + 1, sep: ",", compact: true}
		}
		return placement{offset: l.elems[len(l.elems)-1][1], lead: ",", sep: ",", compact: true}
	}
	if len(l.elems) == 0 {
		indent := lineIndent(src, l.open)
		inner := indent + unit
		p := placement{offset: l.open + 1, lead: "\n" + inner, sep: ",\n" + inner, indent: inner, unit: unit}
		if !bytes.Contains(src[l.open:l.close], []byte("\n")) {
			p.tail = "\n" + indent
		}
		return p
	}
	last := l.elems[len(l.elems)-1]
	if style != styleHCL {
		unit = jsonUnit(src, last)
	}
	if startsLine(src, last[0]) {
		indent := lineIndent(src, last[0])
		p := placement{offset: last[1], lead: ",\n" + indent, sep: ",\n" + indent, indent: indent, unit: unit}
		if next, ok := afterTrailingComma(src, last[1], l.close, style == styleHCL); ok {
			p.offset, p.lead, p.tail = next, indent, ",\n"
		}
		return p
	}
	single := !bytes.Contains(src[last[0]:last[1]], []byte("\n"))
	return placement{offset: last[1], lead: ", ", sep: ", ", indent: lineIndent(src, last[1]-1), unit: unit, compact: single && style != styleHCL}
}

// lineEnds returns text with the line ends of src: "\r\n" when its first
// line ends so.
func lineEnds(src []byte) func(string) string {
	if nl := bytes.IndexByte(src, '\n'); nl > 0 && src[nl-1] == '\r' {
		return func(text string) string { return strings.ReplaceAll(text, "\n", "\r\n") }
	}
	return func(text string) string { return text }
}

// lineStart returns the offset of the start of the line off is on.
func lineStart(src []byte, off int) int {
	return bytes.LastIndexByte(src[:off], '\n') + 1
}

// lineIndent returns the spaces and tabs that start the line off is on.
func lineIndent(src []byte, off int) string {
	start := lineStart(src, off)
	end := start
	for end < len(src) && (src[end] == ' ' || src[end] == '\t') {
		end++
	}
	return string(src[start:end])
}

// startsLine reports whether only spaces and tabs precede off on its line.
func startsLine(src []byte, off int) bool {
	return len(strings.Trim(string(src[lineStart(src, off):off]), " \t")) == 0
}

// afterTrailingComma returns the start of the line after end, the end of a
// list's last element, when only a comma, blanks and (in HCL) a comment
// follow it on its line, and the list closes on a later line.
func afterTrailingComma(src []byte, end, close int, comments bool) (int, bool) {
	i := end
	skip := func() {
		for i < close && (src[i] == ' ' || src[i] == '\t' || src[i] == '\r') {
			i++
		}
	}
	skip()
	if i >= close || src[i] != ',' {
		return 0, false
	}
	i++
	skip()
	if comments && i < close && (src[i] == '#' || bytes.HasPrefix(src[i:], []byte("//"))) {
		for i < close && src[i] != '\n' {
			i++
		}
	}
	if i >= close || src[i] != '\n' {
		return 0, false
	}
	return i + 1, true
}

// jsonUnit returns the indentation a level adds in a JSON element written
// on several lines (that of its second line beyond its first); two spaces
// otherwise.
func jsonUnit(src []byte, elem [2]int) string {
	nl := bytes.IndexByte(src[elem[0]:elem[1]], '\n')
	if nl < 0 {
		return "  "
	}
	first, second := lineIndent(src, elem[0]), lineIndent(src, elem[0]+nl+1)
	if len(second) > len(first) && strings.HasPrefix(second, first) {
		return second[len(first):]
	}
	return "  "
}
