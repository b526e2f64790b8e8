package iacdoc

import (
	"errors"
	"fmt"
	"regexp"
	"sort"
	"strings"

	"github.com/ecrguard/ecrguard/internal/jsonpos"
	"github.com/ecrguard/ecrguard/policy"
)

// UnknownError says that a policy document cannot be read because a part
// that decides its meaning (the whole document, its Statement list, a
// statement, or an element name) is not known until deployment.
type UnknownError struct {
	Pos policy.Pos
	// What names the unknown part and where it comes from.
	What string
}

func (e *UnknownError) Error() string {
	if s := e.Pos.String(); s != "" {
		return s + ": " + e.What + " is not known until deployment"
	}
	return e.What + " is not known until deployment"
}

// Issue is something a reader should tell the user about a document that
// was nevertheless read: an unknown Effect read as Allow, say.
type Issue struct {
	Pos     policy.Pos
	Message string
}

// Document decodes v as a policy document with policy's strict decoder.
// Unknown values become policy.Values with Unknown set and Text describing
// them; an unknown principal becomes {"AWS": <unknown>}; an unknown Effect is
// read as Allow (the worst case) and reported as an Issue; an unknown
// Version is read as 2012-10-17. A document whose structure is not known
// is an *UnknownError; one AWS would reject is a *policy.Error.
func Document(v *Value) (*policy.Document, []Issue, error) {
	b := &builder{}
	n, err := b.document(v)
	if err != nil {
		return nil, nil, err
	}
	doc, err := policy.DecodeNode(n, func(off int) policy.Pos {
		if off >= 0 && off < len(b.pos) {
			return b.pos[off]
		}
		return policy.Pos{}
	})
	if err != nil {
		var pe *policy.Error
		if errors.As(err, &pe) {
			msg, _ := b.marks.replace(pe.Msg)
			out := &policy.Error{Pos: pe.Pos, Msg: msg}
			for _, p := range pe.Problems {
				p.Message, _ = b.marks.replace(p.Message)
				out.Problems = append(out.Problems, p)
			}
			return nil, nil, out
		}
		return nil, nil, err
	}
	b.resolve(doc)
	return doc, b.issues, nil
}

// Read decodes the policy value v that a reader gave, with the error err
// it gave: err when reading failed, no document and no error when there is
// no policy (v is nil), else Document(v).
func Read(v *Value, err error) (*policy.Document, []Issue, error) {
	if err != nil {
		return nil, nil, err
	}
	if v == nil {
		return nil, nil, nil
	}
	return Document(v)
}

type builder struct {
	pos    []policy.Pos
	marks  markers
	issues []Issue
}

func (b *builder) at(p policy.Pos) int {
	b.pos = append(b.pos, p)
	return len(b.pos) - 1
}

func (b *builder) unknownString(v *Value) *jsonpos.Node {
	return &jsonpos.Node{Kind: jsonpos.String, Off: b.at(v.Pos), Text: b.marks.add(v.Text)}
}

// generic converts v with no knowledge of its role: unknowns become marked
// strings.
func (b *builder) generic(v *Value) *jsonpos.Node {
	n := &jsonpos.Node{Off: b.at(v.Pos), Text: v.Text}
	switch v.Kind {
	case Null:
		n.Kind = jsonpos.Null
	case Bool:
		n.Kind = jsonpos.Bool
	case Number:
		n.Kind = jsonpos.Number
	case String:
		n.Kind = jsonpos.String
	case Unknown:
		n.Kind, n.Text = jsonpos.String, b.marks.add(v.Text)
	case Array:
		n.Kind = jsonpos.Array
		n.Elems = make([]*jsonpos.Node, len(v.Elems))
		for i, e := range v.Elems {
			n.Elems[i] = b.generic(e)
		}
	case Object:
		n.Kind = jsonpos.Object
		for _, m := range v.Members {
			key := m.Key
			if desc, ok := keyDesc(key); ok {
				key = b.marks.add(desc)
			}
			n.Members = append(n.Members, jsonpos.Member{Key: key, KeyOff: b.at(m.KeyPos), Value: b.generic(m.Value)})
		}
	}
	return n
}

// object builds an object of the policy language, what (the policy
// document, a statement), whose element names must be known; member builds
// each member's value. Another kind of value is left to the decoder, which
// says what was expected.
func (b *builder) object(v *Value, what string, member func(Member) (*jsonpos.Node, error)) (*jsonpos.Node, error) {
	switch v.Kind {
	case Unknown:
		return nil, &UnknownError{Pos: v.Pos, What: what + " (" + v.Text + ")"}
	case Object:
	default:
		return b.generic(v), nil
	}
	n := &jsonpos.Node{Kind: jsonpos.Object, Off: b.at(v.Pos)}
	for _, m := range v.Members {
		if desc, ok := keyDesc(m.Key); ok {
			return nil, &UnknownError{Pos: m.KeyPos, What: "an element name of " + what + " (" + desc + ")"}
		}
		val, err := member(m)
		if err != nil {
			return nil, err
		}
		n.Members = append(n.Members, jsonpos.Member{Key: m.Key, KeyOff: b.at(m.KeyPos), Value: val})
	}
	return n, nil
}

func (b *builder) document(v *Value) (*jsonpos.Node, error) {
	return b.object(v, "the policy document", func(m Member) (*jsonpos.Node, error) {
		switch {
		case m.Key == "Statement":
			return b.statements(m.Value)
		case m.Key == "Version" && m.Value.Kind == Unknown:
			b.issues = append(b.issues, Issue{Pos: m.Value.Pos, Message: fmt.Sprintf("Version (%s) is not known until deployment; read as %s", m.Value.Text, policy.Version2012)})
			return &jsonpos.Node{Kind: jsonpos.String, Off: b.at(m.Value.Pos), Text: policy.Version2012}, nil
		}
		return b.generic(m.Value), nil
	})
}

func (b *builder) statements(v *Value) (*jsonpos.Node, error) {
	switch v.Kind {
	case Unknown:
		return nil, &UnknownError{Pos: v.Pos, What: "the Statement list (" + v.Text + ")"}
	case Object:
		return b.statement(v)
	case Array:
		n := &jsonpos.Node{Kind: jsonpos.Array, Off: b.at(v.Pos)}
		for _, e := range v.Elems {
			s, err := b.statement(e)
			if err != nil {
				return nil, err
			}
			n.Elems = append(n.Elems, s)
		}
		return n, nil
	}
	return b.generic(v), nil
}

func (b *builder) statement(v *Value) (*jsonpos.Node, error) {
	return b.object(v, "a statement", func(m Member) (*jsonpos.Node, error) {
		switch {
		case m.Key == "Effect" && m.Value.Kind == Unknown:
			b.issues = append(b.issues, Issue{Pos: m.Value.Pos, Message: fmt.Sprintf("Effect (%s) is not known until deployment; read as Allow, the worst case", m.Value.Text)})
			return &jsonpos.Node{Kind: jsonpos.String, Off: b.at(m.Value.Pos), Text: "Allow"}, nil
		case m.Key == "Principal" || m.Key == "NotPrincipal":
			return b.principal(m.Value), nil
		case m.Key == "Condition":
			return b.condition(m.Value), nil
		}
		return b.generic(m.Value), nil
	})
}

// principal keeps an unknown principal (or principal kind) as an unknown AWS
// principal, which the evaluator takes at its worst.
func (b *builder) principal(v *Value) *jsonpos.Node {
	switch v.Kind {
	case Unknown:
		return &jsonpos.Node{Kind: jsonpos.Object, Off: b.at(v.Pos), Members: []jsonpos.Member{
			{Key: policy.KindAWS, KeyOff: b.at(v.Pos), Value: b.unknownString(v)},
		}}
	case Object:
	default:
		return b.generic(v)
	}
	n := &jsonpos.Node{Kind: jsonpos.Object, Off: b.at(v.Pos)}
	for _, m := range v.Members {
		key, val := m.Key, m.Value
		if desc, ok := keyDesc(key); ok {
			key, val = policy.KindAWS, Unk(desc, m.KeyPos)
		}
		n.Members = append(n.Members, jsonpos.Member{Key: key, KeyOff: b.at(m.KeyPos), Value: b.generic(val)})
	}
	return n
}

// condition keeps unknown operators and keys as written (the operator then
// is one IAM does not define, which the evaluator takes at its worst).
func (b *builder) condition(v *Value) *jsonpos.Node {
	unknownBlock := func(desc string, p policy.Pos) *jsonpos.Node {
		return &jsonpos.Node{Kind: jsonpos.Object, Off: b.at(p), Members: []jsonpos.Member{
			{Key: b.marks.add(desc), KeyOff: b.at(p), Value: b.unknownString(Unk(desc, p))},
		}}
	}
	switch v.Kind {
	case Unknown:
		return &jsonpos.Node{Kind: jsonpos.Object, Off: b.at(v.Pos), Members: []jsonpos.Member{
			{Key: b.marks.add(v.Text), KeyOff: b.at(v.Pos), Value: unknownBlock(v.Text, v.Pos)},
		}}
	case Object:
	default:
		return b.generic(v)
	}
	n := &jsonpos.Node{Kind: jsonpos.Object, Off: b.at(v.Pos)}
	for _, m := range v.Members {
		key := m.Key
		if desc, ok := keyDesc(key); ok {
			key = b.marks.add(desc)
		}
		var val *jsonpos.Node
		if m.Value.Kind == Unknown {
			val = unknownBlock(m.Value.Text, m.Value.Pos)
		} else {
			val = b.generic(m.Value)
		}
		n.Members = append(n.Members, jsonpos.Member{Key: key, KeyOff: b.at(m.KeyPos), Value: val})
	}
	return n
}

// resolve turns marked strings of the decoded document back into unknown
// values with their descriptions.
func (b *builder) resolve(doc *policy.Document) {
	if len(b.marks.texts) == 0 {
		return
	}
	fix := func(vals []policy.Value) {
		for i := range vals {
			if desc, ok := b.marks.replace(vals[i].Text); ok {
				vals[i].Text, vals[i].Unknown = desc, true
			}
		}
	}
	doc.ID, _ = b.marks.replace(doc.ID)
	for _, s := range doc.Statements {
		s.Sid, _ = b.marks.replace(s.Sid)
		fix(s.Action)
		fix(s.NotAction)
		fix(s.Resource)
		fix(s.NotResource)
		for _, p := range []*policy.Principal{s.Principal, s.NotPrincipal} {
			if p == nil {
				continue
			}
			for i := range p.Entries {
				e := &p.Entries[i]
				if desc, ok := b.marks.replace(e.Value.Text); ok {
					e.Value.Text, e.Value.Unknown = desc, true
					if e.Kind == policy.KindAWS {
						if arn, ok := accountStandIn(desc); ok {
							e.Value.Text, e.Value.Unknown, e.Value.AccountUnknown = arn, false, true
						}
					}
				}
			}
		}
		for i := range s.Conditions {
			c := &s.Conditions[i]
			if desc, ok := b.marks.replace(c.Operator); ok {
				c.Operator = desc
				c.Op = policy.ParseOperator("")
			}
			if desc, ok := b.marks.replace(c.Key); ok {
				c.Key = desc
				// An unknown key may be any key: every value is unknown too.
				for j := range c.Values {
					c.Values[j].Unknown = true
				}
			}
			fix(c.Values)
			if standInOperator(c.Op) && standInKeys[strings.ToLower(c.Key)] {
				for j := range c.Values {
					if v := &c.Values[j]; v.Unknown {
						v.Text, v.Unknown, v.StandIn = policy.Placeholder(v.Text), false, true
					}
				}
			}
		}
	}
	for i := range doc.Problems {
		doc.Problems[i].Message, _ = b.marks.replace(doc.Problems[i].Message)
	}
}

// Canonical describes what doc says, positions aside, in a form that is
// equal for two documents that say the same: statements in order, each with
// its effect and sorted principals, actions, resources and conditions.
// Unknown values are written as <unknown TEXT>. Tests use it to check that
// a policy written in IaC reads as its raw JSON form.
func Canonical(doc *policy.Document) string {
	var b strings.Builder
	ver := doc.Version
	if ver == "" {
		ver = policy.Version2008
	}
	fmt.Fprintf(&b, "Version %s\n", ver)
	if doc.ID != "" {
		fmt.Fprintf(&b, "Id %s\n", doc.ID)
	}
	vals := func(vs []policy.Value) string {
		out := make([]string, len(vs))
		for i, v := range vs {
			out[i] = v.Text
			if v.Unknown {
				out[i] = "<unknown " + v.Text + ">"
			}
		}
		sort.Strings(out)
		return "[" + strings.Join(out, " ") + "]"
	}
	prin := func(p *policy.Principal) string {
		if p.Wildcard {
			return "*"
		}
		out := make([]string, len(p.Entries))
		for i, e := range p.Entries {
			out[i] = e.Kind + ":" + vals([]policy.Value{e.Value})
		}
		sort.Strings(out)
		return strings.Join(out, " ")
	}
	for _, s := range doc.Statements {
		fmt.Fprintf(&b, "Statement %q %s\n", s.Sid, s.Effect)
		if s.Principal != nil {
			fmt.Fprintf(&b, "  Principal %s\n", prin(s.Principal))
		}
		if s.NotPrincipal != nil {
			fmt.Fprintf(&b, "  NotPrincipal %s\n", prin(s.NotPrincipal))
		}
		for _, el := range []struct {
			name string
			v    []policy.Value
		}{{"Action", s.Action}, {"NotAction", s.NotAction}, {"Resource", s.Resource}, {"NotResource", s.NotResource}} {
			if el.v != nil {
				fmt.Fprintf(&b, "  %s %s\n", el.name, vals(el.v))
			}
		}
		conds := make([]string, len(s.Conditions))
		for i, c := range s.Conditions {
			conds[i] = fmt.Sprintf("  Condition %s %s %s\n", c.Operator, strings.ToLower(c.Key), vals(c.Values))
		}
		sort.Strings(conds)
		b.WriteString(strings.Join(conds, ""))
	}
	return b.String()
}

// standInKeys are the condition keys whose value names one organization or
// account (IAM User Guide, "AWS global condition context keys"): an unknown
// value of theirs under an exact string operator is one organization or
// account nobody vetted (policy.Value.StandIn), not everyone.
var standInKeys = map[string]bool{
	"aws:principalorgid": true, "aws:principalaccount": true, "aws:sourceaccount": true,
}

// standInOperator reports whether an unknown value of op is one value
// compared literally: the string operators without wildcards, StringEquals,
// StringNotEquals and their IgnoreCase forms, with or without a set
// operator and IfExists ("*" and "?" are literal there: IAM User Guide, "IAM
// JSON policy elements: Condition operators"). StringLike and the ARN
// operators (ArnEquals takes wildcards too) may hold "*", which matches
// every value: their unknown values stay unknown, taken at their worst.
func standInOperator(op policy.Operator) bool {
	return op.Known && op.Family == policy.FamilyString && !op.Like
}

// unknownAccountARN matches a principal ARN written with one interpolation
// in its account field and none elsewhere: Terraform's
// arn:aws:iam::${var.partner}:root, CloudFormation's
// !Sub "arn:aws:iam::${Partner}:root" (as the reader describes it).
var unknownAccountARN = regexp.MustCompile(`^(?:!Sub "|!Sub )?arn:(aws|aws-cn|aws-us-gov):(iam|sts)::\$\{([^{}:*?<>"]+)\}:([^${}*?"]+)"?$`)

// accountStandIn returns the principal an unknown principal desc stands
// for when only its account is not known: the ARN with
// policy.Placeholder in the account field. Such a principal names one
// account (which could be any), not everyone.
func accountStandIn(desc string) (string, bool) {
	m := unknownAccountARN.FindStringSubmatch(desc)
	if m == nil {
		return "", false
	}
	expr := strings.TrimSpace(m[3])
	return "arn:" + m[1] + ":" + m[2] + "::" + policy.Placeholder(expr) + ":" + m[4], true
}
