package terraform

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/convert"

	"github.com/ecrguard/ecrguard/internal/iacdoc"
	"github.com/ecrguard/ecrguard/policy"
)

// policyValue evaluates expr, an argument that holds a policy document as a
// JSON string, into a positioned value: jsonencode({...}) keeps the
// positions of the HCL it encodes, a heredoc or string the positions of its
// text, file() and templatefile() the positions in the file they read, and
// a reference to an aws_iam_policy_document the positions of its blocks.
// Values not known until apply are Unknown; a document that is not JSON is
// a *policy.Error. A null argument gives nil.
func (s *scope) policyValue(expr hcl.Expression) (*iacdoc.Value, error) {
	l := s.m.l
	if !l.enter() {
		l.leave()
		return iacdoc.Unk(s.m.exprText(expr), rangePos(expr.Range())), nil
	}
	defer l.leave()
	switch e := expr.(type) {
	case *hclsyntax.ParenthesesExpr:
		return s.policyValue(e.Expression)
	case *hclsyntax.TemplateWrapExpr:
		return s.policyValue(e.Wrapped)
	case *hclsyntax.FunctionCallExpr:
		switch {
		case e.Name == "jsonencode" && len(e.Args) == 1 && !e.ExpandFinal:
			return s.structure(e.Args[0]), nil
		case e.Name == "file" && len(e.Args) == 1 && !e.ExpandFinal:
			p, ok := asString(s.eval(e.Args[0]))
			if !ok {
				return iacdoc.Unk(s.m.exprText(expr), rangePos(expr.Range())), nil
			}
			name, data, err := l.readFile(p)
			if err != nil {
				l.note(expr.Range().Filename, fmt.Sprintf("%s: %s: %v; the policy is read as unknown", rangePos(expr.Range()), s.m.exprText(expr), err))
				return iacdoc.Unk(s.m.exprText(expr), rangePos(expr.Range())), nil
			}
			return iacdoc.ParseJSON(data, name)
		case e.Name == "templatefile" && len(e.Args) == 2 && !e.ExpandFinal:
			return s.templateFilePolicy(e)
		}
	case *hclsyntax.TemplateExpr:
		t := &iacdoc.JSONText{}
		src := s.m.l.src[e.SrcRange.Filename]
		quoted := e.SrcRange.Start.Byte < len(src) && src[e.SrcRange.Start.Byte] == '"'
		s.templateText(t, e, quoted, func(x hclsyntax.Expression) (cty.Value, string) {
			return s.eval(x), partDesc(s.m.srcText(x.Range()))
		})
		return t.Parse()
	case *hclsyntax.ConditionalExpr:
		if x, ok := s.branch(e); ok {
			return s.policyValue(x)
		}
	case *hclsyntax.RelativeTraversalExpr:
		// data.aws_iam_policy_document.p[each.key].json: the document of
		// the instance the key names, with its positions; and so
		// module.doc[each.key].json, the output of the module instance.
		if tr, ok := s.keyedTraversal(e); ok {
			if in := s.policyDocRef(tr); in != nil {
				return in.policyDocument()
			}
			if x, sc, _, ok := s.follow(tr); ok && x != nil {
				return sc.policyValue(x)
			}
		}
	case *hclsyntax.ScopeTraversalExpr:
		if in := s.policyDocRef(e.Traversal); in != nil {
			return in.policyDocument()
		}
		if x, sc, text, ok := s.follow(e.Traversal); ok {
			if x != nil {
				return sc.policyValue(x)
			}
			t := &iacdoc.JSONText{}
			t.Fixed(text.text, text.pos)
			return t.Parse()
		}
	}
	v := s.eval(expr)
	pos := rangePos(expr.Range())
	switch {
	case !v.IsKnown():
		return iacdoc.Unk(s.m.exprText(expr), pos), nil
	case v.IsNull():
		return nil, nil
	}
	str, err := convert.Convert(v, cty.String)
	if err != nil || !str.IsKnown() {
		return nil, &policy.Error{Pos: pos, Msg: fmt.Sprintf("expected a policy document as a JSON string, got %s", v.Type().FriendlyName())}
	}
	t := &iacdoc.JSONText{}
	t.Fixed(str.AsString(), pos)
	return t.Parse()
}

// keyedTraversal returns the reference that e, a reference with a key
// computed in s (data.aws_iam_policy_document.p[each.key].json), makes
// with the key's value, when it is known.
func (s *scope) keyedTraversal(e *hclsyntax.RelativeTraversalExpr) (hcl.Traversal, bool) {
	ix, ok := e.Source.(*hclsyntax.IndexExpr)
	if !ok {
		return nil, false
	}
	coll, ok := ix.Collection.(*hclsyntax.ScopeTraversalExpr)
	if !ok {
		return nil, false
	}
	k := s.eval(ix.Key)
	if !k.IsWhollyKnown() || k.IsNull() {
		return nil, false
	}
	return append(append(slices.Clip(coll.Traversal), hcl.TraverseIndex{Key: k}), e.Traversal...), true
}

func knownBool(v cty.Value) (bool, bool) {
	if !v.IsKnown() || v.IsNull() {
		return false, false
	}
	b, err := convert.Convert(v, cty.Bool)
	if err != nil || !b.IsKnown() || b.IsNull() {
		return false, false
	}
	return b.True(), true
}

// templateText appends a template's parts to t: literal text with its
// source positions, known interpolations at theirs, unknown ones as
// markers described by desc. A quoted template's literals are written
// with backslash escapes.
func (s *scope) templateText(t *iacdoc.JSONText, e *hclsyntax.TemplateExpr, quoted bool, eval func(hclsyntax.Expression) (cty.Value, string)) {
	for _, part := range e.Parts {
		pos := rangePos(part.Range())
		if lit, ok := part.(*hclsyntax.LiteralValueExpr); ok && lit.Val.Type() == cty.String && !lit.Val.IsNull() {
			s.literalText(t, lit.Val.AsString(), part.Range(), quoted)
			continue
		}
		v, desc := eval(part)
		if str, ok := asString(v); ok {
			t.Fixed(str, pos)
			continue
		}
		if v.IsKnown() && v.IsNull() {
			continue
		}
		t.Unknown(desc, pos)
	}
}

// partDesc describes a template's part that is not a literal, written as
// src: an interpolation as ${src}, a directive (%{ for }, %{ if }) as it
// is written.
func partDesc(src string) string {
	if strings.HasPrefix(src, "%{") {
		return src
	}
	return "${" + src + "}"
}

// literalText appends a literal part of a template. A flush heredoc
// (<<-) strips the indentation its lines have in the source: each line is
// placed at its own source line and column. So do strip markers (~), which
// take whitespace out of the text but not out of the part's range: one
// after a directive or interpolation the rest of its line (the newline
// too), one before it the whitespace before it (newlines too), which
// leaves the first lines. Escapes ("$${", "%%{", and in a quoted string
// "\"" and the like) are longer than the text they write: what follows
// one is placed at its own column (literalRuns).
func (s *scope) literalText(t *iacdoc.JSONText, text string, r hcl.Range, quoted bool) {
	pos := rangePos(r)
	src := s.m.l.src[r.Filename]
	if src == nil || r.Start.Byte < 0 || r.End.Byte > len(src) || r.Start.Byte > r.End.Byte {
		t.Literal(text, pos)
		return
	}
	raw := string(src[r.Start.Byte:r.End.Byte])
	if raw == text {
		t.Literal(text, pos)
		return
	}
	// In .tf.json, HCL places a string's template in its decoded text,
	// not in the JSON that writes it.
	inJSON := strings.HasSuffix(r.Filename, ".json")
	if !inJSON && literalRuns(t, raw, text, pos, quoted) {
		return
	}
	rawLines, lines := strings.Split(raw, "\n"), strings.Split(text, "\n")
	if len(rawLines) > len(lines) && strings.TrimSpace(rawLines[0]) == "" && !strings.HasPrefix(text, rawLines[0]+"\n") {
		rawLines = rawLines[1:]
		pos = policy.Pos{File: pos.File, Line: pos.Line + 1, Col: 1}
	}
	if len(rawLines) < len(lines) {
		t.Literal(text, pos)
		return
	}
	for k, line := range lines {
		p := pos
		if k > 0 {
			p = policy.Pos{File: pos.File, Line: pos.Line + k, Col: 1}
		}
		rawLine := rawLines[k]
		lead := len(rawLine) - len(strings.TrimLeft(rawLine, " \t"))
		litLead := len(line) - len(strings.TrimLeft(line, " \t"))
		if lead > litLead {
			p.Col += lead - litLead
			rawLine = rawLine[lead-litLead:]
		}
		if k < len(lines)-1 {
			line += "\n"
			rawLine += "\n"
		}
		if inJSON || !literalRuns(t, rawLine, line, p, quoted) {
			t.Literal(line, p)
		}
	}
}

// literalRuns appends text, which raw writes from pos (with "$${" and
// "%%{", and backslash escapes when quoted), in runs: each stretch of text
// written as it is, and the escape that ends it, at the source position
// of its first byte. It reports false, appending nothing, when raw does
// not begin with text.
func literalRuns(t *iacdoc.JSONText, raw, text string, pos policy.Pos, quoted bool) bool {
	d := &jtext{}
	if !d.addTemplate([]byte(raw), 0, quoted) || !strings.HasPrefix(string(d.b), text) {
		return false
	}
	at, done := pos, 0 // at is the position of raw[done]
	from := 0
	for i := 1; i <= len(text); i++ {
		// Byte i goes on when it is of the same escape as byte i-1, or
		// follows it in raw and byte i-1 is written as it is.
		if i < len(text) && (d.start[i] == d.start[i-1] || d.start[i] == d.end[i-1] && d.end[i-1]-d.start[i-1] == 1) {
			continue
		}
		at, done = advance(at, raw[done:d.start[from]]), d.start[from]
		t.Literal(text[from:i], at)
		from = i
	}
	return true
}

// advance returns the position after text written from p.
func advance(p policy.Pos, text string) policy.Pos {
	for _, r := range text {
		if r == '\n' {
			p.Line, p.Col = p.Line+1, 1
		} else {
			p.Col++
		}
	}
	return p
}

// templateFilePolicy reads templatefile(path, vars) keeping unknown
// variables as unknown values inside the document.
func (s *scope) templateFilePolicy(e *hclsyntax.FunctionCallExpr) (*iacdoc.Value, error) {
	l := s.m.l
	pos := rangePos(e.Range())
	p, ok := asString(s.eval(e.Args[0]))
	if !ok {
		return iacdoc.Unk(s.m.exprText(e), pos), nil
	}
	tmpl, err := l.parseTemplateFile(p)
	if err != nil {
		l.note(e.Range().Filename, fmt.Sprintf("%s: %s: %v; the policy is read as unknown", pos, s.m.exprText(e), err))
		return iacdoc.Unk(s.m.exprText(e), pos), nil
	}
	vars := s.evalMarked(e.Args[1])
	if !vars.IsKnown() {
		return iacdoc.Unk(s.m.exprText(e), pos), nil
	}
	ctx, err := l.templateContext(vars)
	if err != nil {
		return nil, &policy.Error{Pos: pos, Msg: err.Error()}
	}
	// Say where each template variable comes from in the caller.
	origin := map[string]string{}
	if oc, ok := e.Args[1].(*hclsyntax.ObjectConsExpr); ok {
		for _, item := range oc.Items {
			if k := hcl.ExprAsKeyword(item.KeyExpr); k != "" {
				origin[k] = s.m.exprText(item.ValueExpr)
			} else if kv, diags := item.KeyExpr.Value(nil); !diags.HasErrors() && kv.Type() == cty.String && kv.IsKnown() && !kv.IsNull() {
				origin[kv.AsString()] = s.m.exprText(item.ValueExpr)
			}
		}
	}
	t := &iacdoc.JSONText{}
	eval := func(x hclsyntax.Expression) (cty.Value, string) {
		desc := partDesc(s.m.srcText(x.Range()))
		for _, tr := range x.Variables() {
			if o, ok := origin[tr.RootName()]; ok {
				desc += " (" + tr.RootName() + " = " + o + ")"
				break
			}
		}
		if !l.enter() {
			l.leave()
			return cty.DynamicVal, desc
		}
		defer l.leave()
		v, diags := x.Value(ctx)
		if diags.HasErrors() {
			return cty.DynamicVal, desc
		}
		v, _ = v.UnmarkDeep()
		return v, desc
	}
	switch te := tmpl.(type) {
	case *hclsyntax.TemplateExpr:
		s.templateText(t, te, false, eval)
	case *hclsyntax.TemplateWrapExpr:
		s.templateText(t, &hclsyntax.TemplateExpr{Parts: []hclsyntax.Expression{te.Wrapped}, SrcRange: te.SrcRange}, false, eval)
	default:
		v, desc := eval(tmpl)
		if str, ok := asString(v); ok {
			t.Fixed(str, rangePos(tmpl.Range()))
		} else {
			t.Unknown(desc, rangePos(tmpl.Range()))
		}
	}
	return t.Parse()
}

// branch returns the result a conditional gives when its condition is
// known.
func (s *scope) branch(e *hclsyntax.ConditionalExpr) (hclsyntax.Expression, bool) {
	b, ok := knownBool(s.eval(e.Condition))
	if !ok {
		return nil, false
	}
	if b {
		return e.TrueResult, true
	}
	return e.FalseResult, true
}

// structure evaluates expr as a JSON value, keeping the positions of the
// object and tuple constructors it is written with (and following local
// values, variables and outputs to the expressions that define them).
func (s *scope) structure(expr hcl.Expression) *iacdoc.Value {
	l := s.m.l
	pos := rangePos(expr.Range())
	if !l.enter() {
		l.leave()
		return iacdoc.Unk(s.m.exprText(expr), pos)
	}
	defer l.leave()
	switch e := expr.(type) {
	case *hclsyntax.ObjectConsExpr:
		v := &iacdoc.Value{Kind: iacdoc.Object, Pos: pos}
		for _, item := range e.Items {
			kpos := rangePos(item.KeyExpr.Range())
			var key string
			if ke, ok := item.KeyExpr.(*hclsyntax.ObjectConsKeyExpr); ok && !ke.ForceNonLiteral && hcl.ExprAsKeyword(ke.Wrapped) != "" {
				key = hcl.ExprAsKeyword(ke.Wrapped)
			} else {
				kv := s.eval(item.KeyExpr)
				str, ok := asString(kv)
				switch {
				case ok:
					key = str
				case kv.IsKnown():
					// A null or non-string key is an error in Terraform.
					return iacdoc.Unk(s.m.exprText(expr), pos)
				default:
					key = iacdoc.UnknownKey(s.m.exprText(item.KeyExpr))
				}
			}
			v.Members = append(v.Members, iacdoc.Member{Key: key, KeyPos: kpos, Value: s.structure(item.ValueExpr)})
		}
		return v
	case *hclsyntax.TupleConsExpr:
		v := &iacdoc.Value{Kind: iacdoc.Array, Pos: pos}
		for _, x := range e.Exprs {
			v.Elems = append(v.Elems, s.structure(x))
		}
		return v
	case *hclsyntax.ParenthesesExpr:
		return s.structure(e.Expression)
	case *hclsyntax.TemplateWrapExpr:
		return s.structure(e.Wrapped)
	case *hclsyntax.ConditionalExpr:
		if x, ok := s.branch(e); ok {
			return s.structure(x)
		}
	case *hclsyntax.FunctionCallExpr:
		if e.Name == "jsondecode" && len(e.Args) == 1 && !e.ExpandFinal {
			if v, err := s.policyValue(e.Args[0]); err == nil && v != nil {
				return v
			}
		}
	case *hclsyntax.ScopeTraversalExpr:
		if x, sc, _, ok := s.follow(e.Traversal); ok && x != nil {
			return sc.structure(x)
		}
	case *hclsyntax.TemplateExpr:
		// A string with a part not known until apply is described with
		// its known parts written out, so that an ARN whose account
		// alone is unknown reads as one
		// ("arn:${data.aws_partition.current.partition}:iam::${var.partner}:root").
		if v := s.eval(e); !v.IsKnown() {
			var b strings.Builder
			for _, part := range e.Parts {
				if str, ok := asString(s.eval(part)); ok {
					b.WriteString(str)
				} else {
					b.WriteString(partDesc(s.m.srcText(part.Range())))
				}
			}
			return iacdoc.Unk(b.String(), pos)
		}
	}
	return fromCty(s.eval(expr), pos, s.m.exprText(expr), new(int))
}

// fromCty converts a value, placing every part at pos; unknown parts are
// described as desc (with the index or key that leads to them).
func fromCty(v cty.Value, pos policy.Pos, desc string, budget *int) *iacdoc.Value {
	*budget++
	if *budget > maxValueElements {
		return iacdoc.Unk(desc+" (too large to read)", pos)
	}
	if !v.IsKnown() {
		return iacdoc.Unk(desc, pos)
	}
	if v.IsNull() {
		return &iacdoc.Value{Kind: iacdoc.Null, Pos: pos}
	}
	t := v.Type()
	switch {
	case t == cty.String:
		return iacdoc.Str(v.AsString(), pos)
	case t == cty.Number:
		return &iacdoc.Value{Kind: iacdoc.Number, Pos: pos, Text: renderNumber(v.AsBigFloat())}
	case t == cty.Bool:
		return &iacdoc.Value{Kind: iacdoc.Bool, Pos: pos, Text: strconv.FormatBool(v.True())}
	case t.IsListType() || t.IsSetType() || t.IsTupleType():
		out := &iacdoc.Value{Kind: iacdoc.Array, Pos: pos}
		i := 0
		for it := v.ElementIterator(); it.Next(); i++ {
			_, e := it.Element()
			out.Elems = append(out.Elems, fromCty(e, pos, desc+"["+strconv.Itoa(i)+"]", budget))
		}
		return out
	case t.IsMapType() || t.IsObjectType():
		out := &iacdoc.Value{Kind: iacdoc.Object, Pos: pos}
		for it := v.ElementIterator(); it.Next(); {
			k, e := it.Element()
			key := k.AsString()
			out.Members = append(out.Members, iacdoc.Member{Key: key, KeyPos: pos, Value: fromCty(e, pos, desc+"."+key, budget)})
		}
		return out
	}
	return iacdoc.Unk(desc, pos)
}

// cliText is a -var value, which has no expression.
type cliText struct {
	text string
	pos  policy.Pos
}

// follow resolves a reference to the expression that defines its value:
// local.X, var.X (its default, .tfvars entry or the calling module's
// argument), an attribute written in a resource block, a child module's
// output, or each.value (the element of a for_each map written out). A -var value has no expression: it is returned as text.
func (s *scope) follow(tr hcl.Traversal) (hcl.Expression, *scope, cliText, bool) {
	m := s.m
	root := tr.RootName()
	if _, shadow := s.iter[root]; shadow {
		return nil, nil, cliText{}, false
	}
	name, ok := attrName(tr, 1)
	if !ok {
		return nil, nil, cliText{}, false
	}
	switch root {
	case "local":
		if lv := m.locals[name]; lv != nil && len(tr) == 2 {
			return lv.attr.Expr, &scope{m: m}, cliText{}, true
		}
	case "var":
		v := m.vars[name]
		if v == nil || len(tr) != 2 {
			break
		}
		m.varValue(name)
		switch {
		case v.from.expr != nil && v.from.sc != nil:
			return v.from.expr, v.from.sc, cliText{}, true
		case v.from.expr == nil && v.from.text != "":
			return nil, nil, cliText{text: v.from.text, pos: rangePos(v.block.TypeRange)}, true
		}
	case "module":
		kids, at := m.children(name), 2
		var kid *module
		if m.callKeyed(name) {
			if c := m.calls[name]; !c.unknownKeys && len(tr) > at {
				if st, ok := tr[at].(hcl.TraverseIndex); ok {
					if i := slices.IndexFunc(kids, func(k *module) bool { return sameKey(k.inst.key, st.Key) }); i >= 0 {
						kid = kids[i]
					}
				}
			}
			at++
		} else if len(kids) == 1 {
			kid = kids[0]
		}
		out, ok := attrName(tr, at)
		if kid == nil || !ok || len(tr) != at+1 {
			break
		}
		if a := kid.outputs[out]; a != nil {
			return a.Expr, &scope{m: kid}, cliText{}, true
		}
	case "each":
		if x, sc, ok := s.eachElem(tr); ok {
			return x, sc, cliText{}, true
		}
	case "data", "count", "path", "terraform", "self":
	default:
		in, rest := s.instanceRef(root+"."+name, tr, 2)
		if in == nil || len(rest) != 1 {
			break
		}
		attr, ok := attrName(rest, 0)
		if !ok {
			break
		}
		if a := in.r.block.Body.Attributes[attr]; a != nil && !metaArgs[attr] {
			return a.Expr, in.sc, cliText{}, true
		}
	}
	return nil, nil, cliText{}, false
}

// eachElem resolves each.value and the attributes of it that tr names
// (each.value.policy, each.value["policy"]) to the expression written in
// the for_each of the scope's instance, when that is an object constructor
// (in the argument, or in the local value or variable it refers to) whose
// keys are written literally: the element of the instance's key, and its
// attributes in turn.
func (s *scope) eachElem(tr hcl.Traversal) (hcl.Expression, *scope, bool) {
	mode, k := s.instance()
	key, ok := asString(k.key)
	if mode != expandForEach || !ok || tr.RootName() != "each" {
		return nil, nil, false
	}
	if name, ok := attrName(tr, 1); !ok || name != "value" {
		return nil, nil, false
	}
	// for_each is read in the module that holds the block.
	var block *hclsyntax.Block
	var sc *scope
	switch {
	case s.inst != nil:
		block, sc = s.inst.r.block, &scope{m: s.inst.r.m}
	case s.call != nil && s.call.call != nil && s.call.parent != nil:
		block, sc = s.call.call.block, &scope{m: s.call.parent}
	default:
		return nil, nil, false
	}
	fe := block.Body.Attributes["for_each"]
	if fe == nil {
		return nil, nil, false
	}
	var expr hcl.Expression = fe.Expr
	for i := 1; i < len(tr); i++ {
		if i > 1 {
			if key, ok = attrName(tr, i); !ok {
				return nil, nil, false
			}
		}
		var x hcl.Expression
		x, sc, _ = sc.resolveInsert(expr, 0)
		if expr = objectItem(x, key); expr == nil {
			return nil, nil, false
		}
	}
	return expr, sc, true
}

// objectItem returns the value of key in x, an object constructor whose
// keys are all written literally, when exactly one item has that key.
func objectItem(x hcl.Expression, key string) hcl.Expression {
	obj, ok := x.(*hclsyntax.ObjectConsExpr)
	if !ok {
		return nil
	}
	var found hcl.Expression
	for _, item := range obj.Items {
		k, ok := literalKey(item.KeyExpr)
		if !ok {
			return nil
		}
		if k == key {
			if found != nil {
				return nil
			}
			found = item.ValueExpr
		}
	}
	return found
}

// instanceRef finds the resource instance a traversal names (with key at
// tr[at] for count/for_each resources) and returns the remaining steps.
func (s *scope) instanceRef(key string, tr hcl.Traversal, at int) (*instance, hcl.Traversal) {
	r := s.m.resources[key]
	if r == nil {
		return nil, nil
	}
	insts := r.instances()
	if !r.keyed() {
		if at > len(tr) {
			return nil, nil
		}
		return insts[0], tr[at:]
	}
	if at >= len(tr) || r.unknownKeys {
		return nil, nil
	}
	var k cty.Value
	switch st := tr[at].(type) {
	case hcl.TraverseIndex:
		k = st.Key
	default:
		return nil, nil
	}
	for _, in := range insts {
		if sameKey(in.key, k) {
			return in, tr[at+1:]
		}
	}
	return nil, nil
}

// sameKey reports whether an instance's key is the known key k of a
// reference (["a"], [0], or "0" for 0 as Terraform converts).
func sameKey(key, k cty.Value) bool {
	if !key.IsKnown() || !k.IsKnown() || k.IsNull() {
		return false
	}
	ks, ok1 := asString(k)
	is, ok2 := asString(key)
	return ok1 && ok2 && ks == is
}

// policyDocRef returns the aws_iam_policy_document instance whose json (or
// minified_json) tr refers to.
func (s *scope) policyDocRef(tr hcl.Traversal) *instance {
	if tr.RootName() != "data" {
		return nil
	}
	typ, ok1 := attrName(tr, 1)
	name, ok2 := attrName(tr, 2)
	if !ok1 || !ok2 || typ != "aws_iam_policy_document" {
		return nil
	}
	in, rest := s.instanceRef("data."+typ+"."+name, tr, 3)
	if in == nil || len(rest) != 1 {
		return nil
	}
	if attr, ok := attrName(rest, 0); ok && (attr == "json" || attr == "minified_json") {
		return in
	}
	return nil
}
