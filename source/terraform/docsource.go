package terraform

import (
	"fmt"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"

	"github.com/ecrguard/ecrguard/internal/iacdoc"
	"github.com/ecrguard/ecrguard/policy"
)

// The aws_iam_policy_document data source, implemented after the AWS
// provider's documentation and source (internal/service/iam,
// policy_document_data_source.go and policy_model.go):
//
//   - statements of source_policy_documents are merged in order (their Sids
//     must be unique across them), then the data source's own statement
//     blocks, then each of override_policy_documents; a statement whose Sid
//     an earlier statement has replaces it in place, others are appended;
//   - the Version is the greatest seen (default 2012-10-17), the Id the last
//     non-empty one;
//   - effect defaults to Allow; actions, resources and identifiers are sets;
//   - a single principals block of type "*" with identifiers ["*"] (or
//     several such, which the set makes one) renders as "Principal": "*";
//     other blocks render as an object keyed by type,
//     blocks of the same type sharing one list;
//   - condition blocks with the same test and variable share one list of
//     values (their values are ORed, not ANDed);
//   - &{ is rewritten to ${ in resources, not_resources, identifiers and
//     condition values (an error in version 2008-10-17);
//   - two statement blocks with the same non-empty sid are an error.

// policyDocument renders the data source instance as a positioned policy
// document (memoized).
func (in *instance) policyDocument() (*iacdoc.Value, error) {
	if in.docDone {
		return in.doc, in.docErr
	}
	if in.docBusy {
		return iacdoc.Unk(in.addr+".json (refers to itself)", rangePos(in.r.block.DefRange())), nil
	}
	in.docBusy = true
	in.doc, in.docErr = in.renderPolicyDocument()
	in.docBusy, in.docDone = false, true
	return in.doc, in.docErr
}

// mdoc is a document being merged.
type mdoc struct {
	version    string
	versionPos policy.Pos
	versionUnk *iacdoc.Value
	id         *iacdoc.Value
	stmts      []*iacdoc.Value
}

func stmtSid(st *iacdoc.Value) (string, bool) {
	sv := st.Get("Sid")
	switch {
	case sv == nil:
		return "", true
	case sv.Kind == iacdoc.String:
		return sv.Text, true
	}
	return "", false
}

// merge is the provider's IAMPolicyDoc.Merge.
func (d *mdoc) merge(n *mdoc) {
	if n.id != nil && (n.id.Kind != iacdoc.String || n.id.Text != "") {
		d.id = n.id
	}
	if n.versionUnk != nil {
		d.versionUnk = n.versionUnk
	} else if n.version > d.version {
		d.version, d.versionPos = n.version, n.versionPos
	}
	for _, ns := range n.stmts {
		sid, _ := stmtSid(ns)
		if sid == "" {
			d.stmts = append(d.stmts, ns)
			continue
		}
		seen := false
		for i, es := range d.stmts {
			if esid, _ := stmtSid(es); esid == sid {
				d.stmts[i] = ns
				seen = true
				break
			}
		}
		if !seen {
			d.stmts = append(d.stmts, ns)
		}
	}
}

// value is the merged document.
func (d *mdoc) value(pos policy.Pos) *iacdoc.Value {
	v := &iacdoc.Value{Kind: iacdoc.Object, Pos: pos}
	switch {
	case d.versionUnk != nil:
		v.Members = append(v.Members, iacdoc.Member{Key: "Version", KeyPos: d.versionUnk.Pos, Value: d.versionUnk})
	case d.version != "":
		v.Members = append(v.Members, iacdoc.Member{Key: "Version", KeyPos: d.versionPos, Value: iacdoc.Str(d.version, d.versionPos)})
	}
	if d.id != nil {
		v.Members = append(v.Members, iacdoc.Member{Key: "Id", KeyPos: d.id.Pos, Value: d.id})
	}
	if len(d.stmts) > 0 {
		v.Members = append(v.Members, iacdoc.Member{Key: "Statement", KeyPos: pos, Value: &iacdoc.Value{Kind: iacdoc.Array, Pos: pos, Elems: d.stmts}})
	}
	return v
}

// fromDocValue reads a parsed source or override document.
func fromDocValue(v *iacdoc.Value) (*mdoc, error) {
	if v.Kind == iacdoc.Unknown {
		return nil, &iacdoc.UnknownError{Pos: v.Pos, What: "a merged policy document (" + v.Text + ")"}
	}
	if v.Kind != iacdoc.Object {
		return nil, &policy.Error{Pos: v.Pos, Msg: "merged policy document: expected an object, got " + v.Kind.String()}
	}
	d := &mdoc{}
	if ver := providerGet(v, "Version"); ver != nil {
		switch ver.Kind {
		case iacdoc.String:
			d.version, d.versionPos = ver.Text, ver.Pos
		case iacdoc.Unknown:
			d.versionUnk = ver
		}
	}
	d.id = providerGet(v, "Id")
	switch st := providerGet(v, "Statement"); {
	case st == nil:
	case st.Kind == iacdoc.Array:
		d.stmts = append(d.stmts, st.Elems...)
	case st.Kind == iacdoc.Object:
		d.stmts = append(d.stmts, st)
	case st.Kind == iacdoc.Unknown:
		return nil, &iacdoc.UnknownError{Pos: st.Pos, What: "the Statement list of a merged policy document (" + st.Text + ")"}
	default:
		return nil, &policy.Error{Pos: st.Pos, Msg: "Statement: expected an array of statements, got " + st.Kind.String()}
	}
	for i, s := range d.stmts {
		if s.Kind == iacdoc.Unknown {
			return nil, &iacdoc.UnknownError{Pos: s.Pos, What: "a statement of a merged policy document (" + s.Text + ")"}
		}
		d.stmts[i] = providerStatement(s)
	}
	return d, nil
}

// providerGet returns the value of v's member that encoding/json reads
// into the field name (providerMember).
func providerGet(v *iacdoc.Value, name string) *iacdoc.Value {
	if m := providerMember(v, name); m != nil {
		return m.Value
	}
	return nil
}

// providerMember returns the member of v that encoding/json reads into the
// field name: the last whose key is name in any letter case.
func providerMember(v *iacdoc.Value, name string) *iacdoc.Member {
	if v == nil || v.Kind != iacdoc.Object {
		return nil
	}
	for i := len(v.Members) - 1; i >= 0; i-- {
		if strings.EqualFold(v.Members[i].Key, name) {
			return &v.Members[i]
		}
	}
	return nil
}

// providerStatement is a statement of a merged document as the provider
// deploys it: read with encoding/json into its statement type and written
// back (policy_model.go), which
//
//   - matches element names in any letter case (the last one wins) and
//     drops the other elements;
//   - reads a Principal or NotPrincipal string, whatever it says, as "*",
//     writes {"*": "*"} as "*", and drops an empty one;
//   - keeps string and boolean condition values (a boolean as its text) and
//     drops the others (a number, null), and with them an operator or a
//     Condition left empty.
//
// A value the provider rejects is kept for the decoder to report, and so
// is the statement when an element name is not known.
func providerStatement(st *iacdoc.Value) *iacdoc.Value {
	if st.Kind != iacdoc.Object {
		return st
	}
	for _, m := range st.Members {
		if strings.HasPrefix(m.Key, iacdoc.UnknownKey("")) {
			return st
		}
	}
	out := &iacdoc.Value{Kind: iacdoc.Object, Pos: st.Pos}
	for _, name := range []string{"Sid", "Effect", "Action", "NotAction", "Resource", "NotResource", "Principal", "NotPrincipal", "Condition"} {
		m := providerMember(st, name)
		if m == nil || m.Value.Kind == iacdoc.Null && name != "Principal" && name != "NotPrincipal" {
			continue
		}
		v := m.Value
		switch name {
		case "Principal", "NotPrincipal":
			v = providerPrincipal(v)
		case "Condition":
			v = providerCondition(v)
		}
		if v != nil {
			out.Members = append(out.Members, iacdoc.Member{Key: name, KeyPos: m.KeyPos, Value: v})
		}
	}
	return out
}

// providerPrincipal is iamPolicyStatementPrincipalSet's reading and
// writing of p; nil when it is dropped.
func providerPrincipal(p *iacdoc.Value) *iacdoc.Value {
	switch {
	case p.Kind == iacdoc.String:
		return iacdoc.Str("*", p.Pos)
	case p.Kind != iacdoc.Object:
		return p
	case len(p.Members) == 0:
		return nil
	case len(p.Members) == 1 && p.Members[0].Key == "*":
		ids := p.Members[0].Value
		if ids.Kind == iacdoc.Array && len(ids.Elems) == 1 {
			ids = ids.Elems[0]
		}
		if ids.Kind == iacdoc.String && ids.Text == "*" {
			return iacdoc.Str("*", p.Pos)
		}
	}
	return p
}

// providerCondition is iamPolicyStatementConditionSet's reading and
// writing of c; nil when it is dropped.
func providerCondition(c *iacdoc.Value) *iacdoc.Value {
	if c.Kind != iacdoc.Object {
		return c
	}
	out := &iacdoc.Value{Kind: iacdoc.Object, Pos: c.Pos}
	for _, op := range c.Members {
		if op.Value.Kind != iacdoc.Object {
			return c // the provider rejects it
		}
		keys := &iacdoc.Value{Kind: iacdoc.Object, Pos: op.Value.Pos}
		for _, k := range op.Value.Members {
			v := k.Value
			switch v.Kind {
			case iacdoc.Bool:
				v = iacdoc.Str(v.Text, v.Pos)
			case iacdoc.Number, iacdoc.Null, iacdoc.Object:
				continue
			}
			keys.Members = append(keys.Members, iacdoc.Member{Key: k.Key, KeyPos: k.KeyPos, Value: v})
		}
		if len(keys.Members) > 0 {
			out.Members = append(out.Members, iacdoc.Member{Key: op.Key, KeyPos: op.KeyPos, Value: keys})
		}
	}
	if len(out.Members) == 0 {
		return nil
	}
	return out
}

func (in *instance) renderPolicyDocument() (*iacdoc.Value, error) {
	body := in.r.block.Body
	sc := in.sc
	pos := rangePos(in.r.block.DefRange())
	merged := &mdoc{}
	docsOf := func(attr string) ([]*mdoc, error) {
		a := body.Attributes[attr]
		if a == nil {
			return nil, nil
		}
		var vals []*iacdoc.Value
		if tc, ok := a.Expr.(*hclsyntax.TupleConsExpr); ok {
			for _, x := range tc.Exprs {
				v, err := sc.policyValue(x)
				if err != nil {
					return nil, err
				}
				if v != nil {
					vals = append(vals, v)
				}
			}
		} else {
			lv := sc.eval(a.Expr)
			switch {
			case lv.IsNull():
			case !lv.IsWhollyKnown():
				return nil, &iacdoc.UnknownError{Pos: rangePos(a.Expr.Range()), What: attr + " (" + in.r.m.exprText(a.Expr) + ")"}
			case lv.CanIterateElements():
				for it := lv.ElementIterator(); it.Next(); {
					_, e := it.Element()
					str, ok := asString(e)
					if !ok {
						continue
					}
					t := &iacdoc.JSONText{}
					t.Fixed(str, rangePos(a.Expr.Range()))
					v, err := t.Parse()
					if err != nil {
						return nil, err
					}
					vals = append(vals, v)
				}
			}
		}
		var out []*mdoc
		for _, v := range vals {
			d, err := fromDocValue(v)
			if err != nil {
				return nil, err
			}
			out = append(out, d)
		}
		return out, nil
	}
	sources, err := docsOf("source_policy_documents")
	if err != nil {
		return nil, err
	}
	overrides, err := docsOf("override_policy_documents")
	if err != nil {
		return nil, err
	}
	// The outcome of a merge depends on every Sid: one not known makes the
	// document unknown.
	if len(sources)+len(overrides) > 0 {
		for _, d := range append(append([]*mdoc{}, sources...), overrides...) {
			for _, s := range d.stmts {
				if _, ok := stmtSid(s); !ok {
					return nil, &iacdoc.UnknownError{Pos: s.Pos, What: "the Sid of a merged statement"}
				}
			}
		}
	}
	sids := map[string]bool{}
	for i, d := range sources {
		for _, s := range d.stmts {
			if sid, _ := stmtSid(s); sid != "" {
				if sids[sid] {
					return nil, &policy.Error{Pos: s.Pos, Msg: fmt.Sprintf("duplicate Sid %q in source_policy_documents (document %d); the provider rejects it", sid, i)}
				}
				sids[sid] = true
			}
		}
		merged.merge(d)
	}
	cur, err := in.currentDocument()
	if err != nil {
		return nil, err
	}
	if len(sources)+len(overrides) > 0 {
		for _, s := range cur.stmts {
			if _, ok := stmtSid(s); !ok {
				return nil, &iacdoc.UnknownError{Pos: s.Pos, What: "the Sid of a merged statement"}
			}
		}
	}
	merged.merge(cur)
	for _, d := range overrides {
		merged.merge(d)
	}
	return merged.value(pos), nil
}

// currentDocument renders the data source's own version, policy_id and
// statement blocks.
func (in *instance) currentDocument() (*mdoc, error) {
	body := in.r.block.Body
	sc := in.sc
	d := &mdoc{version: policy.Version2012, versionPos: rangePos(in.r.block.DefRange())}
	if a := body.Attributes["version"]; a != nil {
		v := sc.eval(a.Expr)
		if s, ok := asString(v); ok {
			d.version, d.versionPos = s, rangePos(a.Expr.Range())
		} else if !v.IsKnown() {
			d.versionUnk = iacdoc.Unk(in.r.m.exprText(a.Expr), rangePos(a.Expr.Range()))
		}
	}
	if a := body.Attributes["policy_id"]; a != nil {
		v := sc.eval(a.Expr)
		if s, ok := asString(v); ok {
			if s != "" {
				d.id = iacdoc.Str(s, rangePos(a.Expr.Range()))
			}
		} else if !v.IsKnown() {
			d.id = iacdoc.Unk(in.r.m.exprText(a.Expr), rangePos(a.Expr.Range()))
		}
	}
	blocks, known := sc.blocks(body, "statement")
	if !known {
		return nil, &iacdoc.UnknownError{Pos: rangePos(in.r.block.DefRange()), What: "the statements of " + in.addr + " (a dynamic block's for_each)"}
	}
	sids := map[string]bool{}
	for _, b := range blocks {
		st, err := in.statementValue(b, d.version, sids)
		if err != nil {
			return nil, err
		}
		d.stmts = append(d.stmts, st)
	}
	return d, nil
}

func (in *instance) statementValue(b block, version string, sids map[string]bool) (*iacdoc.Value, error) {
	m := in.r.m
	body := b.b.Body
	sc := b.sc
	st := &iacdoc.Value{Kind: iacdoc.Object, Pos: rangePos(b.b.TypeRange)}
	add := func(key string, keyPos policy.Pos, v *iacdoc.Value) {
		st.Members = append(st.Members, iacdoc.Member{Key: key, KeyPos: keyPos, Value: v})
	}
	if a := body.Attributes["sid"]; a != nil {
		v := sc.eval(a.Expr)
		if s, ok := asString(v); ok {
			if s != "" {
				if sids[s] {
					return nil, &policy.Error{Pos: rangePos(a.Expr.Range()), Msg: fmt.Sprintf("duplicate sid %q: two statement blocks have it; the provider rejects the document", s)}
				}
				sids[s] = true
				add("Sid", rangePos(a.NameRange), iacdoc.Str(s, rangePos(a.Expr.Range())))
			}
		} else if !v.IsKnown() {
			add("Sid", rangePos(a.NameRange), iacdoc.Unk(m.exprText(a.Expr), rangePos(a.Expr.Range())))
		}
	}
	if a := body.Attributes["effect"]; a != nil {
		v := sc.eval(a.Expr)
		if s, ok := asString(v); ok {
			add("Effect", rangePos(a.NameRange), iacdoc.Str(s, rangePos(a.Expr.Range())))
		} else {
			add("Effect", rangePos(a.NameRange), iacdoc.Unk(m.exprText(a.Expr), rangePos(a.Expr.Range())))
		}
	} else {
		add("Effect", st.Pos, iacdoc.Str("Allow", st.Pos))
	}
	for _, el := range []struct {
		attr, key string
		vars      bool
	}{
		{"actions", "Action", false},
		{"not_actions", "NotAction", false},
		{"resources", "Resource", true},
		{"not_resources", "NotResource", true},
	} {
		a := body.Attributes[el.attr]
		if a == nil {
			continue
		}
		vals, err := sc.stringSet(a.Expr, el.vars, version, true)
		if err != nil {
			return nil, err
		}
		if len(vals) > 0 {
			add(el.key, rangePos(a.NameRange), &iacdoc.Value{Kind: iacdoc.Array, Pos: rangePos(a.Expr.Range()), Elems: vals})
		}
	}
	for _, el := range []struct{ block, key string }{{"principals", "Principal"}, {"not_principals", "NotPrincipal"}} {
		pv, err := in.principalsValue(sc, body, el.block, version)
		if err != nil {
			return nil, err
		}
		if pv != nil {
			add(el.key, pv.Pos, pv)
		}
	}
	cv, err := in.conditionsValue(sc, body, version)
	if err != nil {
		return nil, err
	}
	if cv != nil {
		add("Condition", cv.Pos, cv)
	}
	return st, nil
}

// stringSet evaluates a list-of-strings argument element by element, so
// each keeps its position and each unknown element its own description.
// With vars, &{ becomes ${ (the provider's escape for policy variables).
func (s *scope) stringSet(expr hcl.Expression, vars bool, version string, dedupe bool) ([]*iacdoc.Value, error) {
	m := s.m
	var out []*iacdoc.Value
	seen := map[string]bool{}
	addStr := func(str string, pos policy.Pos) error {
		if vars {
			if version == policy.Version2008 && strings.Contains(str, "&{") {
				return &policy.Error{Pos: pos, Msg: fmt.Sprintf("found &{ sequence in (%s), which is not supported in document version 2008-10-17", str)}
			}
			str = strings.ReplaceAll(str, "&{", "${")
		}
		if dedupe {
			if seen[str] {
				return nil
			}
			seen[str] = true
		}
		out = append(out, iacdoc.Str(str, pos))
		return nil
	}
	if tc, ok := expr.(*hclsyntax.TupleConsExpr); ok {
		for _, x := range tc.Exprs {
			pos := rangePos(x.Range())
			v := s.eval(x)
			if str, ok := asString(v); ok {
				if err := addStr(str, pos); err != nil {
					return nil, err
				}
				continue
			}
			if v.IsKnown() && !v.IsNull() && v.CanIterateElements() {
				// A list inside the list: Terraform flattens nothing here;
				// the provider rejects it. Read its strings.
				for _, e := range fromCty(v, pos, m.exprText(x), new(int)).Elems {
					if e.Kind == iacdoc.String {
						if err := addStr(e.Text, pos); err != nil {
							return nil, err
						}
					} else if e.Kind == iacdoc.Unknown {
						out = append(out, e)
					}
				}
				continue
			}
			if v.IsKnown() && v.IsNull() {
				continue
			}
			out = append(out, iacdoc.Unk(m.exprText(x), pos))
		}
		return out, nil
	}
	pos := rangePos(expr.Range())
	v := s.eval(expr)
	switch {
	case !v.IsKnown():
		return []*iacdoc.Value{iacdoc.Unk(m.exprText(expr), pos)}, nil
	case v.IsNull():
		return nil, nil
	case v.CanIterateElements() && !v.Type().IsMapType() && !v.Type().IsObjectType():
		i := 0
		for it := v.ElementIterator(); it.Next(); i++ {
			_, e := it.Element()
			if str, ok := asString(e); ok {
				if err := addStr(str, pos); err != nil {
					return nil, err
				}
			} else if !e.IsKnown() {
				out = append(out, iacdoc.Unk(fmt.Sprintf("%s[%d]", m.exprText(expr), i), pos))
			}
		}
		return out, nil
	}
	if str, ok := asString(v); ok {
		return nil, addStr(str, pos)
	}
	return nil, &policy.Error{Pos: pos, Msg: fmt.Sprintf("expected a list of strings, got %s", v.Type().FriendlyName())}
}

// principalsValue renders principals or not_principals blocks.
func (in *instance) principalsValue(sc *scope, body *hclsyntax.Body, typ, version string) (*iacdoc.Value, error) {
	m := in.r.m
	bl, known := sc.blocks(body, typ)
	if !known {
		return iacdoc.Unk(typ+" (a dynamic block's for_each)", rangePos(body.SrcRange)), nil
	}
	if len(bl) == 0 {
		return nil, nil
	}
	type entry struct {
		key    string
		keyPos policy.Pos
		vals   []*iacdoc.Value
	}
	var entries []*entry
	byKey := map[string]*entry{}
	first := rangePos(bl[0].b.TypeRange)
	for _, b := range bl {
		bpos := rangePos(b.b.TypeRange)
		key, keyPos := "", bpos
		if a := b.b.Body.Attributes["type"]; a != nil {
			keyPos = rangePos(a.Expr.Range())
			v := b.sc.eval(a.Expr)
			if s, ok := asString(v); ok {
				key = s
			} else {
				key = iacdoc.UnknownKey(m.exprText(a.Expr))
			}
		} else {
			return nil, &policy.Error{Pos: bpos, Msg: typ + ": the type argument is required"}
		}
		var vals []*iacdoc.Value
		if a := b.b.Body.Attributes["identifiers"]; a != nil {
			var err error
			if vals, err = b.sc.stringSet(a.Expr, true, version, true); err != nil {
				return nil, err
			}
		} else {
			return nil, &policy.Error{Pos: bpos, Msg: typ + ": the identifiers argument is required"}
		}
		if len(bl) == 1 && key == "*" && len(vals) == 1 && vals[0].Kind == iacdoc.Unknown {
			// "*" or {"*": [...]}: either way no principal is named.
			return iacdoc.Unk(vals[0].Text, vals[0].Pos), nil
		}
		e := byKey[key]
		if e == nil {
			e = &entry{key: key, keyPos: keyPos}
			byKey[key] = e
			entries = append(entries, e)
		}
		e.vals = append(e.vals, vals...)
	}
	// Blocks that all say type "*" with identifiers ["*"] are one block
	// (the provider's principals are a set), which renders as "*".
	if len(entries) == 1 && entries[0].key == "*" && len(entries[0].vals) > 0 {
		star := true
		for _, x := range entries[0].vals {
			star = star && x.Kind == iacdoc.String && x.Text == "*"
		}
		if star {
			return iacdoc.Str("*", first), nil
		}
	}
	v := &iacdoc.Value{Kind: iacdoc.Object, Pos: first}
	for _, e := range entries {
		pos := e.keyPos
		if len(e.vals) > 0 {
			pos = e.vals[0].Pos
		}
		v.Members = append(v.Members, iacdoc.Member{Key: e.key, KeyPos: e.keyPos, Value: &iacdoc.Value{Kind: iacdoc.Array, Pos: pos, Elems: e.vals}})
	}
	return v, nil
}

// conditionsValue renders condition blocks: test → variable → values.
func (in *instance) conditionsValue(sc *scope, body *hclsyntax.Body, version string) (*iacdoc.Value, error) {
	m := in.r.m
	bl, known := sc.blocks(body, "condition")
	if !known {
		return iacdoc.Unk("condition (a dynamic block's for_each)", rangePos(body.SrcRange)), nil
	}
	if len(bl) == 0 {
		return nil, nil
	}
	out := &iacdoc.Value{Kind: iacdoc.Object, Pos: rangePos(bl[0].b.TypeRange)}
	find := func(v *iacdoc.Value, key string, pos policy.Pos) *iacdoc.Value {
		for _, mb := range v.Members {
			if mb.Key == key {
				return mb.Value
			}
		}
		nv := &iacdoc.Value{Kind: iacdoc.Object, Pos: pos}
		v.Members = append(v.Members, iacdoc.Member{Key: key, KeyPos: pos, Value: nv})
		return nv
	}
	keyOf := func(b block, attr string) (string, policy.Pos, error) {
		a := b.b.Body.Attributes[attr]
		if a == nil {
			return "", rangePos(b.b.TypeRange), &policy.Error{Pos: rangePos(b.b.TypeRange), Msg: "condition: the " + attr + " argument is required"}
		}
		pos := rangePos(a.Expr.Range())
		if s, ok := asString(b.sc.eval(a.Expr)); ok {
			return s, pos, nil
		}
		return iacdoc.UnknownKey(m.exprText(a.Expr)), pos, nil
	}
	for _, b := range bl {
		test, tpos, err := keyOf(b, "test")
		if err != nil {
			return nil, err
		}
		variable, vpos, err := keyOf(b, "variable")
		if err != nil {
			return nil, err
		}
		a := b.b.Body.Attributes["values"]
		if a == nil {
			return nil, &policy.Error{Pos: rangePos(b.b.TypeRange), Msg: "condition: the values argument is required"}
		}
		vals, err := b.sc.stringSet(a.Expr, true, version, false)
		if err != nil {
			return nil, err
		}
		ops := find(out, test, tpos)
		// Test and variable as written: blocks with the same pair share one
		// list of values.
		var list *iacdoc.Value
		for _, mb := range ops.Members {
			if mb.Key == variable {
				list = mb.Value
			}
		}
		if list == nil {
			list = &iacdoc.Value{Kind: iacdoc.Array, Pos: rangePos(a.Expr.Range())}
			ops.Members = append(ops.Members, iacdoc.Member{Key: variable, KeyPos: vpos, Value: list})
		}
		list.Elems = append(list.Elems, vals...)
	}
	return out, nil
}

// renderJSON writes a wholly known value as JSON (the json attribute).
func renderJSON(v *iacdoc.Value) string {
	return v.JSON()
}
