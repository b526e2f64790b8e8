package policy

import (
	"fmt"
	"strings"

	"github.com/ecrguard/ecrguard/internal/jsonpos"
)

// Locator maps a byte offset of the text being decoded to a position in the
// file the user knows.
type Locator func(off int) Pos

// FileLocator locates offsets of data, a whole file named file.
func FileLocator(data []byte, file string) Locator {
	lines := jsonpos.NewLines(data)
	return func(off int) Pos {
		l, c := lines.Position(off)
		return Pos{File: file, Line: l, Col: c}
	}
}

// FixedLocator puts every element at pos: for documents built from another
// language (HCL, YAML) whose finer positions are not known.
func FixedLocator(pos Pos) Locator {
	return func(int) Pos { return pos }
}

// Parse decodes data, a policy document read from file.
func Parse(data []byte, file string) (*Document, error) {
	return ParseWith(data, FileLocator(data, file))
}

// ParseWith decodes data and places elements with loc.
func ParseWith(data []byte, loc Locator) (*Document, error) {
	n, err := jsonpos.Parse(data)
	if err != nil {
		if se, ok := err.(*jsonpos.SyntaxError); ok {
			return nil, newError(loc(se.Off), CodeInvalidJSON, "invalid JSON: "+se.Msg)
		}
		return nil, newError(loc(0), CodeInvalidJSON, err.Error())
	}
	return decodeNode(n, loc)
}

// DecodeNode decodes an already parsed JSON value. It exists for readers of
// larger JSON files (such as authorization details) that embed documents.
func DecodeNode(n *jsonpos.Node, loc Locator) (*Document, error) {
	return decodeNode(n, loc)
}

type decoder struct {
	loc      Locator
	problems []Problem
	// errs are the problems that make the document one AWS rejects. The
	// decoder records each and goes on, so that every one is named.
	errs []Problem
}

// fail records a problem that makes the document invalid.
func (d *decoder) fail(off int, code, format string, args ...any) {
	d.errs = append(d.errs, Problem{Pos: d.loc(off), Code: code, Message: fmt.Sprintf(format, args...)})
}

func (d *decoder) problem(off int, code, format string, args ...any) {
	d.problems = append(d.problems, Problem{Pos: d.loc(off), Code: code, Message: fmt.Sprintf(format, args...)})
}

// members returns an object's members with duplicate keys reduced to the last
// one (as AWS's and encoding/json's readers do), recording each duplicate.
func (d *decoder) members(n *jsonpos.Node, what string) []jsonpos.Member {
	last := make(map[string]int, len(n.Members))
	for i, m := range n.Members {
		if j, dup := last[m.Key]; dup {
			d.problem(m.KeyOff, "duplicate-key", "%s has the key %q twice (also at %s); only the last one takes effect", what, m.Key, d.loc(n.Members[j].KeyOff))
		}
		last[m.Key] = i
	}
	out := make([]jsonpos.Member, 0, len(last))
	for i, m := range n.Members {
		if last[m.Key] == i {
			out = append(out, m)
		}
	}
	return out
}

func decodeNode(n *jsonpos.Node, loc Locator) (*Document, error) {
	d := &decoder{loc: loc}
	doc := d.document(n)
	if len(d.errs) > 0 {
		return nil, &Error{Pos: d.errs[0].Pos, Msg: d.errs[0].Message, Problems: d.errs}
	}
	doc.Problems = d.problems
	return doc, nil
}

func (d *decoder) document(n *jsonpos.Node) *Document {
	doc := &Document{Pos: d.loc(n.Off)}
	if n.Kind != jsonpos.Object {
		d.fail(n.Off, CodeInvalidValue, "policy document: expected an object, got %s", n.Kind)
		return doc
	}
	var stmts *jsonpos.Node
	for _, m := range d.members(n, "the policy document") {
		switch m.Key {
		case "Version":
			switch {
			case m.Value.Kind != jsonpos.String:
				d.fail(m.Value.Off, CodeUnknownVersion, "Version: expected the string %q, got %s", Version2012, m.Value.Kind)
			case m.Value.Text != Version2012 && m.Value.Text != Version2008:
				d.fail(m.Value.Off, CodeUnknownVersion, "Version: expected %q or %q, got %q", Version2012, Version2008, m.Value.Text)
			default:
				doc.Version = m.Value.Text
			}
		case "Id":
			if m.Value.Kind != jsonpos.String {
				d.fail(m.Value.Off, CodeInvalidValue, "Id: expected a string, got %s", m.Value.Kind)
				continue
			}
			doc.ID = m.Value.Text
		case "Statement":
			stmts = m.Value
		default:
			d.fail(m.KeyOff, CodeUnknownElement, "policy document: unknown element %q%s; expected Version, Id or Statement", m.Key, suggest(m.Key, "Version", "Id", "Statement"))
		}
	}
	if stmts == nil {
		d.fail(n.Off, CodeMissingElement, "policy document: missing the Statement element")
		return doc
	}
	switch stmts.Kind {
	case jsonpos.Object:
		if s := d.statement(stmts, 0); s != nil {
			doc.Statements = []*Statement{s}
		}
	case jsonpos.Array:
		doc.Statements = make([]*Statement, 0, len(stmts.Elems))
		for i, e := range stmts.Elems {
			if s := d.statement(e, i); s != nil {
				doc.Statements = append(doc.Statements, s)
			}
		}
	default:
		d.fail(stmts.Off, CodeInvalidValue, "Statement: expected an array of statements or one statement object, got %s", stmts.Kind)
	}
	seen := map[string]*Statement{}
	for _, s := range doc.Statements {
		if s.Sid == "" {
			continue
		}
		if prev, dup := seen[s.Sid]; dup {
			d.problems = append(d.problems, Problem{Pos: s.Pos, Code: "duplicate-sid", Message: fmt.Sprintf("Sid %q is used by two statements (also at %s); statement ids must be unique", s.Sid, prev.Pos)})
		}
		seen[s.Sid] = s
	}
	return doc
}

var statementKeys = []string{"Sid", "Effect", "Principal", "NotPrincipal", "Action", "NotAction", "Resource", "NotResource", "Condition"}

func (d *decoder) statement(n *jsonpos.Node, index int) *Statement {
	if n.Kind != jsonpos.Object {
		d.fail(n.Off, CodeInvalidValue, "Statement[%d]: expected an object, got %s", index, n.Kind)
		return nil
	}
	s := &Statement{Pos: d.loc(n.Off), Index: index}
	// has records the elements present, valid or not, so that an invalid
	// Action is not reported a second time as a missing one.
	has := map[string]bool{}
	for _, m := range d.members(n, fmt.Sprintf("Statement[%d]", index)) {
		v := m.Value
		has[m.Key] = true
		switch m.Key {
		case "Sid":
			if v.Kind != jsonpos.String {
				d.fail(v.Off, CodeInvalidValue, "Sid: expected a string, got %s", v.Kind)
				continue
			}
			s.Sid = v.Text
		case "Effect":
			if v.Kind != jsonpos.String || (v.Text != "Allow" && v.Text != "Deny") {
				got := v.Kind.String()
				if v.Kind == jsonpos.String {
					got = fmt.Sprintf("%q", v.Text)
				}
				d.fail(v.Off, CodeInvalidEffect, "Effect: expected \"Allow\" or \"Deny\" (case-sensitive), got %s", got)
				continue
			}
			if v.Text == "Deny" {
				s.Effect = Deny
			}
		case "Principal":
			s.Principal = d.principal(v, "Principal")
		case "NotPrincipal":
			s.NotPrincipal = d.principal(v, "NotPrincipal")
		case "Action":
			s.Action = d.stringList(v, "Action", false)
		case "NotAction":
			s.NotAction = d.stringList(v, "NotAction", false)
		case "Resource":
			s.Resource = d.stringList(v, "Resource", false)
		case "NotResource":
			s.NotResource = d.stringList(v, "NotResource", false)
		case "Condition":
			s.Conditions = d.conditions(v)
		default:
			d.fail(m.KeyOff, CodeUnknownElement, "Statement[%d]: unknown element %q%s; expected one of %s", index, m.Key, suggest(m.Key, statementKeys...), strings.Join(statementKeys, ", "))
		}
	}
	if !has["Effect"] {
		d.fail(n.Off, CodeMissingElement, "Statement[%d]: missing the Effect element (\"Allow\" or \"Deny\")", index)
	}
	if !has["Action"] && !has["NotAction"] {
		d.fail(n.Off, CodeMissingElement, "Statement[%d]: missing Action or NotAction", index)
	}
	for _, pair := range [][2]string{{"Action", "NotAction"}, {"Resource", "NotResource"}, {"Principal", "NotPrincipal"}} {
		if has[pair[0]] && has[pair[1]] {
			d.fail(n.Off, CodeInvalidValue, "Statement[%d]: has both %s and %s; use one", index, pair[0], pair[1])
		}
	}
	return s
}

// stringList decodes the string-or-list form of Action, Resource and the
// principal values. Numbers are accepted where AWS accepts them (account ids
// in principals) when allowNumbers is set.
func (d *decoder) stringList(n *jsonpos.Node, what string, allowNumbers bool) []Value {
	one := func(e *jsonpos.Node) (Value, bool) {
		switch {
		case e.Kind == jsonpos.String:
			return Value{Text: e.Text, Pos: d.loc(e.Off)}, true
		case e.Kind == jsonpos.Number && allowNumbers:
			d.problem(e.Off, "numeric-principal", "%s: the account id %s is written as a number; write it as a string so that leading zeros survive", what, e.Text)
			return Value{Text: e.Text, Pos: d.loc(e.Off)}, true
		}
		d.fail(e.Off, CodeInvalidValue, "%s: expected a string or an array of strings, got %s", what, e.Kind)
		return Value{}, false
	}
	return d.values(n, one, what+" is an empty list: it matches nothing")
}

// values decodes a value or an array of values with one; empty is the
// problem of an empty array.
func (d *decoder) values(n *jsonpos.Node, one func(*jsonpos.Node) (Value, bool), empty string) []Value {
	if n.Kind == jsonpos.Array {
		out := make([]Value, 0, len(n.Elems))
		for _, e := range n.Elems {
			if v, ok := one(e); ok {
				out = append(out, v)
			}
		}
		if len(n.Elems) == 0 {
			d.problem(n.Off, "empty-list", "%s", empty)
		}
		return out
	}
	if v, ok := one(n); ok {
		return []Value{v}
	}
	return nil
}

var principalKinds = []string{KindAWS, KindService, KindFederated, KindCanonicalUser}

func (d *decoder) principal(n *jsonpos.Node, what string) *Principal {
	p := &Principal{Pos: d.loc(n.Off)}
	switch n.Kind {
	case jsonpos.String:
		if n.Text != "*" {
			d.fail(n.Off, CodeInvalidValue, "%s: expected \"*\" or an object such as {\"AWS\": \"arn:aws:iam::111122223333:root\"}, got the string %q", what, n.Text)
			return nil
		}
		p.Wildcard = true
		return p
	case jsonpos.Object:
	default:
		d.fail(n.Off, CodeInvalidValue, "%s: expected \"*\" or an object of principal kinds, got %s", what, n.Kind)
		return nil
	}
	before := len(d.errs)
	for _, m := range d.members(n, what) {
		kind := ""
		for _, k := range principalKinds {
			if m.Key == k {
				kind = k
			}
		}
		if kind == "" {
			d.fail(m.KeyOff, CodeUnknownElement, "%s: unknown principal kind %q%s; expected AWS, Service, Federated or CanonicalUser", what, m.Key, suggest(m.Key, principalKinds...))
			continue
		}
		for _, v := range d.stringList(m.Value, what+"."+kind, kind == KindAWS) {
			p.Entries = append(p.Entries, PrincipalEntry{Kind: kind, Value: v})
		}
	}
	if len(p.Entries) == 0 && len(d.errs) == before {
		d.problem(n.Off, "empty-principal", "%s names no principal: the statement matches nobody", what)
	}
	return p
}

func (d *decoder) conditions(n *jsonpos.Node) []Condition {
	if n.Kind != jsonpos.Object {
		d.fail(n.Off, CodeInvalidValue, "Condition: expected an object of operators, got %s", n.Kind)
		return nil
	}
	var out []Condition
	for _, om := range d.members(n, "Condition") {
		if om.Value.Kind != jsonpos.Object {
			d.fail(om.Value.Off, CodeInvalidValue, "Condition.%s: expected an object of condition keys, got %s", om.Key, om.Value.Kind)
			continue
		}
		op := ParseOperator(om.Key)
		keys := d.members(om.Value, "Condition."+om.Key)
		if len(keys) == 0 {
			d.problem(om.KeyOff, "empty-condition", "Condition.%s has no condition keys", om.Key)
		}
		for _, km := range keys {
			out = append(out, Condition{
				Operator: om.Key, Op: op, OpPos: d.loc(om.KeyOff),
				Key: km.Key, Pos: d.loc(km.KeyOff), Values: d.conditionValues(km.Value, "Condition."+om.Key+"."+km.Key),
			})
		}
	}
	return out
}

func (d *decoder) conditionValues(n *jsonpos.Node, what string) []Value {
	one := func(e *jsonpos.Node) (Value, bool) {
		switch e.Kind {
		case jsonpos.String, jsonpos.Number, jsonpos.Bool:
			return Value{Text: e.Text, Pos: d.loc(e.Off)}, true
		}
		d.fail(e.Off, CodeInvalidValue, "%s: expected a string, number or boolean, or an array of them, got %s", what, e.Kind)
		return Value{}, false
	}
	return d.values(n, one, what+" is an empty list: no value can match it")
}

// suggest returns `, did you mean "X"?` when key differs from a known name
// only in letter case.
func suggest(key string, known ...string) string {
	for _, k := range known {
		if strings.EqualFold(k, key) {
			return fmt.Sprintf(" (did you mean %q? element names are case-sensitive)", k)
		}
	}
	return ""
}
