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
			return nil, &Error{Pos: loc(se.Off), Msg: "invalid JSON: " + se.Msg}
		}
		return nil, &Error{Pos: loc(0), Msg: err.Error()}
	}
	return decodeNode(n, loc)
}

// ParseEmbedded decodes the policy document held, as JSON text, in the JSON
// string literal that starts at byte strOff of outer (the policyText of
// `aws ecr get-repository-policy` output, the PolicyDocument string of
// CloudFormation JSON). Positions are reported in outer's lines and columns.
func ParseEmbedded(outer []byte, strOff int, file string) (*Document, error) {
	text, raw, err := jsonpos.StringWithOffsets(outer, strOff)
	if err != nil {
		return nil, &Error{Pos: FileLocator(outer, file)(strOff), Msg: err.Error()}
	}
	outerLoc := FileLocator(outer, file)
	return ParseWith([]byte(text), func(off int) Pos {
		if off >= len(raw) {
			off = len(raw) - 1
		}
		if off < 0 {
			return outerLoc(strOff)
		}
		return outerLoc(raw[off])
	})
}

// DecodeNode decodes an already parsed JSON value. It exists for readers of
// larger JSON files (such as authorization details) that embed documents.
func DecodeNode(n *jsonpos.Node, loc Locator) (*Document, error) {
	return decodeNode(n, loc)
}

type decoder struct {
	loc      Locator
	problems []Problem
}

func (d *decoder) errorf(off int, format string, args ...any) error {
	return &Error{Pos: d.loc(off), Msg: fmt.Sprintf(format, args...)}
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
	doc, err := d.document(n)
	if err != nil {
		return nil, err
	}
	doc.Problems = d.problems
	return doc, nil
}

func (d *decoder) document(n *jsonpos.Node) (*Document, error) {
	if n.Kind != jsonpos.Object {
		return nil, d.errorf(n.Off, "policy document: expected an object, got %s", n.Kind)
	}
	doc := &Document{Pos: d.loc(n.Off)}
	var stmts *jsonpos.Node
	for _, m := range d.members(n, "the policy document") {
		switch m.Key {
		case "Version":
			if m.Value.Kind != jsonpos.String {
				return nil, d.errorf(m.Value.Off, "Version: expected the string %q, got %s", Version2012, m.Value.Kind)
			}
			if m.Value.Text != Version2012 && m.Value.Text != Version2008 {
				return nil, d.errorf(m.Value.Off, "Version: expected %q or %q, got %q", Version2012, Version2008, m.Value.Text)
			}
			doc.Version = m.Value.Text
		case "Id":
			if m.Value.Kind != jsonpos.String {
				return nil, d.errorf(m.Value.Off, "Id: expected a string, got %s", m.Value.Kind)
			}
			doc.ID = m.Value.Text
		case "Statement":
			stmts = m.Value
		default:
			return nil, d.errorf(m.KeyOff, "policy document: unknown element %q%s; expected Version, Id or Statement", m.Key, suggest(m.Key, "Version", "Id", "Statement"))
		}
	}
	if stmts == nil {
		return nil, d.errorf(n.Off, "policy document: missing the Statement element")
	}
	switch stmts.Kind {
	case jsonpos.Object:
		s, err := d.statement(stmts, 0)
		if err != nil {
			return nil, err
		}
		doc.Statements = []*Statement{s}
	case jsonpos.Array:
		doc.Statements = make([]*Statement, 0, len(stmts.Elems))
		for i, e := range stmts.Elems {
			s, err := d.statement(e, i)
			if err != nil {
				return nil, err
			}
			doc.Statements = append(doc.Statements, s)
		}
	default:
		return nil, d.errorf(stmts.Off, "Statement: expected an array of statements or one statement object, got %s", stmts.Kind)
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
	return doc, nil
}

var statementKeys = []string{"Sid", "Effect", "Principal", "NotPrincipal", "Action", "NotAction", "Resource", "NotResource", "Condition"}

func (d *decoder) statement(n *jsonpos.Node, index int) (*Statement, error) {
	if n.Kind != jsonpos.Object {
		return nil, d.errorf(n.Off, "Statement[%d]: expected an object, got %s", index, n.Kind)
	}
	s := &Statement{Pos: d.loc(n.Off), Index: index}
	haveEffect := false
	var err error
	for _, m := range d.members(n, fmt.Sprintf("Statement[%d]", index)) {
		v := m.Value
		switch m.Key {
		case "Sid":
			if v.Kind != jsonpos.String {
				return nil, d.errorf(v.Off, "Sid: expected a string, got %s", v.Kind)
			}
			s.Sid = v.Text
		case "Effect":
			if v.Kind != jsonpos.String || (v.Text != "Allow" && v.Text != "Deny") {
				got := v.Kind.String()
				if v.Kind == jsonpos.String {
					got = fmt.Sprintf("%q", v.Text)
				}
				return nil, d.errorf(v.Off, "Effect: expected \"Allow\" or \"Deny\" (case-sensitive), got %s", got)
			}
			haveEffect = true
			if v.Text == "Deny" {
				s.Effect = Deny
			}
		case "Principal":
			if s.Principal, err = d.principal(v, "Principal"); err != nil {
				return nil, err
			}
		case "NotPrincipal":
			if s.NotPrincipal, err = d.principal(v, "NotPrincipal"); err != nil {
				return nil, err
			}
		case "Action":
			if s.Action, err = d.stringList(v, "Action", false); err != nil {
				return nil, err
			}
		case "NotAction":
			if s.NotAction, err = d.stringList(v, "NotAction", false); err != nil {
				return nil, err
			}
		case "Resource":
			if s.Resource, err = d.stringList(v, "Resource", false); err != nil {
				return nil, err
			}
		case "NotResource":
			if s.NotResource, err = d.stringList(v, "NotResource", false); err != nil {
				return nil, err
			}
		case "Condition":
			if s.Conditions, err = d.conditions(v); err != nil {
				return nil, err
			}
		default:
			return nil, d.errorf(m.KeyOff, "Statement[%d]: unknown element %q%s; expected one of %s", index, m.Key, suggest(m.Key, statementKeys...), strings.Join(statementKeys, ", "))
		}
	}
	switch {
	case !haveEffect:
		return nil, d.errorf(n.Off, "Statement[%d]: missing the Effect element (\"Allow\" or \"Deny\")", index)
	case s.Action == nil && s.NotAction == nil:
		return nil, d.errorf(n.Off, "Statement[%d]: missing Action or NotAction", index)
	case s.Action != nil && s.NotAction != nil:
		return nil, d.errorf(n.Off, "Statement[%d]: has both Action and NotAction; use one", index)
	case s.Resource != nil && s.NotResource != nil:
		return nil, d.errorf(n.Off, "Statement[%d]: has both Resource and NotResource; use one", index)
	case s.Principal != nil && s.NotPrincipal != nil:
		return nil, d.errorf(n.Off, "Statement[%d]: has both Principal and NotPrincipal; use one", index)
	}
	return s, nil
}

// stringList decodes the string-or-list form of Action, Resource and the
// principal values. Numbers are accepted where AWS accepts them (account ids
// in principals) when allowNumbers is set.
func (d *decoder) stringList(n *jsonpos.Node, what string, allowNumbers bool) ([]Value, error) {
	one := func(e *jsonpos.Node) (Value, error) {
		switch {
		case e.Kind == jsonpos.String:
			return Value{Text: e.Text, Pos: d.loc(e.Off)}, nil
		case e.Kind == jsonpos.Number && allowNumbers:
			d.problem(e.Off, "numeric-principal", "%s: the account id %s is written as a number; write it as a string so that leading zeros survive", what, e.Text)
			return Value{Text: e.Text, Pos: d.loc(e.Off)}, nil
		}
		return Value{}, d.errorf(e.Off, "%s: expected a string or an array of strings, got %s", what, e.Kind)
	}
	if n.Kind == jsonpos.Array {
		out := make([]Value, 0, len(n.Elems))
		for _, e := range n.Elems {
			v, err := one(e)
			if err != nil {
				return nil, err
			}
			out = append(out, v)
		}
		if len(out) == 0 {
			d.problem(n.Off, "empty-list", "%s is an empty list: it matches nothing", what)
		}
		return out, nil
	}
	v, err := one(n)
	if err != nil {
		return nil, err
	}
	return []Value{v}, nil
}

var principalKinds = []string{KindAWS, KindService, KindFederated, KindCanonicalUser}

func (d *decoder) principal(n *jsonpos.Node, what string) (*Principal, error) {
	p := &Principal{Pos: d.loc(n.Off)}
	switch n.Kind {
	case jsonpos.String:
		if n.Text != "*" {
			return nil, d.errorf(n.Off, "%s: expected \"*\" or an object such as {\"AWS\": \"arn:aws:iam::111122223333:root\"}, got the string %q", what, n.Text)
		}
		p.Wildcard = true
		return p, nil
	case jsonpos.Object:
	default:
		return nil, d.errorf(n.Off, "%s: expected \"*\" or an object of principal kinds, got %s", what, n.Kind)
	}
	for _, m := range d.members(n, what) {
		kind := ""
		for _, k := range principalKinds {
			if m.Key == k {
				kind = k
			}
		}
		if kind == "" {
			return nil, d.errorf(m.KeyOff, "%s: unknown principal kind %q%s; expected AWS, Service, Federated or CanonicalUser", what, m.Key, suggest(m.Key, principalKinds...))
		}
		vals, err := d.stringList(m.Value, what+"."+kind, kind == KindAWS)
		if err != nil {
			return nil, err
		}
		for _, v := range vals {
			p.Entries = append(p.Entries, PrincipalEntry{Kind: kind, Value: v})
		}
	}
	if len(p.Entries) == 0 {
		d.problem(n.Off, "empty-principal", "%s names no principal: the statement matches nobody", what)
	}
	return p, nil
}

func (d *decoder) conditions(n *jsonpos.Node) ([]Condition, error) {
	if n.Kind != jsonpos.Object {
		return nil, d.errorf(n.Off, "Condition: expected an object of operators, got %s", n.Kind)
	}
	var out []Condition
	for _, om := range d.members(n, "Condition") {
		if om.Value.Kind != jsonpos.Object {
			return nil, d.errorf(om.Value.Off, "Condition.%s: expected an object of condition keys, got %s", om.Key, om.Value.Kind)
		}
		op := ParseOperator(om.Key)
		keys := d.members(om.Value, "Condition."+om.Key)
		if len(keys) == 0 {
			d.problem(om.KeyOff, "empty-condition", "Condition.%s has no condition keys", om.Key)
		}
		for _, km := range keys {
			vals, err := d.conditionValues(km.Value, "Condition."+om.Key+"."+km.Key)
			if err != nil {
				return nil, err
			}
			out = append(out, Condition{
				Operator: om.Key, Op: op, OpPos: d.loc(om.KeyOff),
				Key: km.Key, Pos: d.loc(km.KeyOff), Values: vals,
			})
		}
	}
	return out, nil
}

func (d *decoder) conditionValues(n *jsonpos.Node, what string) ([]Value, error) {
	one := func(e *jsonpos.Node) (Value, error) {
		switch e.Kind {
		case jsonpos.String, jsonpos.Number, jsonpos.Bool:
			return Value{Text: e.Text, Pos: d.loc(e.Off)}, nil
		}
		return Value{}, d.errorf(e.Off, "%s: expected a string, number or boolean, or an array of them, got %s", what, e.Kind)
	}
	if n.Kind == jsonpos.Array {
		out := make([]Value, 0, len(n.Elems))
		for _, e := range n.Elems {
			v, err := one(e)
			if err != nil {
				return nil, err
			}
			out = append(out, v)
		}
		if len(out) == 0 {
			d.problem(n.Off, "empty-list", "%s is an empty list: no value can match it", what)
		}
		return out, nil
	}
	v, err := one(n)
	if err != nil {
		return nil, err
	}
	return []Value{v}, nil
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
