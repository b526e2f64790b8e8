package cloudformation

import (
	"fmt"
	"maps"
	"slices"

	"github.com/ecrguard/ecrguard/internal/iacdoc"
	"github.com/ecrguard/ecrguard/policy"
)

// An Fn::If whose condition is not known resolves to an unknown value;
// resolve keeps its branches (tmpl.branches), and a policy document judges
// them at their worst, the rule docs/iac.md states: the statements of both
// branches, except a Deny that only one branch has. That holds for an
// Fn::If around the whole policy (eitherPolicy), around the Statement list,
// around one statement of the list, and inside the elements of an Allow
// statement (Principal, Action, Resource, Condition values, ...), which is
// then judged once for each combination of branches.

// ifBranches are the values of the two branches of an Fn::If whose
// condition is not known: nil for one that is AWS::NoValue.
type ifBranches struct {
	cond string
	vals [2]*iacdoc.Value
}

// choice is the branch taken of the undecided Fn::If at a position. Two
// statements that take different branches of one Fn::If never stand in one
// deployed policy.
type choice struct {
	at     policy.Pos
	cond   string
	branch int
}

// maxVariants bounds the statements one written statement is judged as.
const maxVariants = 64

// variant is one value a value with undecided Fn::Ifs in it takes (nil:
// removed, AWS::NoValue), with the branches that give it.
type variant struct {
	v    *iacdoc.Value
	from []choice
}

// variants returns the values v takes, one for each combination of
// branches of the undecided Fn::Ifs in it; ok is false when there are more
// than maxVariants.
func (t *tmpl) variants(v *iacdoc.Value) ([]variant, bool) {
	if v == nil {
		return []variant{{}}, true
	}
	if br := t.branches[v]; br != nil {
		var out []variant
		for i, b := range br.vals {
			vs, ok := t.variants(b)
			if !ok {
				return nil, false
			}
			for _, x := range vs {
				out = append(out, variant{x.v, append([]choice{{v.Pos, br.cond, i}}, x.from...)})
			}
		}
		return out, len(out) <= maxVariants
	}
	var parts []*iacdoc.Value
	switch v.Kind {
	case iacdoc.Array:
		parts = v.Elems
	case iacdoc.Object:
		for _, m := range v.Members {
			parts = append(parts, m.Value)
		}
	default:
		return []variant{{v: v}}, true
	}
	fixed := make([]bool, len(parts))
	return t.rebuild(v, parts, fixed)
}

// rebuild returns the variants of the array or object v whose elements (or
// member values) are parts, keeping those marked fixed as they are.
func (t *tmpl) rebuild(v *iacdoc.Value, parts []*iacdoc.Value, fixed []bool) ([]variant, bool) {
	combos := []variant{{}} // v holds nothing: the parts are in vals
	vals := [][]*iacdoc.Value{nil}
	changed := false
	for i, p := range parts {
		vs := []variant{{v: p}}
		if !fixed[i] {
			var ok bool
			if vs, ok = t.variants(p); !ok {
				return nil, false
			}
		}
		if len(vs) != 1 || vs[0].v != p {
			changed = true
		}
		var nc []variant
		var nv [][]*iacdoc.Value
		for j, c := range combos {
			for _, x := range vs {
				if contradicts(c.from, x.from) {
					continue
				}
				nc = append(nc, variant{from: append(slices.Clip(c.from), x.from...)})
				nv = append(nv, append(slices.Clip(vals[j]), x.v))
			}
		}
		if len(nc) > maxVariants {
			return nil, false
		}
		combos, vals = nc, nv
	}
	if !changed {
		return []variant{{v: v}}, true
	}
	for j := range combos {
		out := &iacdoc.Value{Kind: v.Kind, Pos: v.Pos, Text: v.Text}
		for i, x := range vals[j] {
			switch {
			case x == nil:
			case v.Kind == iacdoc.Array:
				out.Elems = append(out.Elems, x)
			default:
				m := v.Members[i]
				m.Value = x
				out.Members = append(out.Members, m)
			}
		}
		combos[j].v = out
	}
	return combos, true
}

// contradicts reports whether a and b take different branches of one
// Fn::If (one reached twice, through a reference).
func contradicts(a, b []choice) bool {
	for _, x := range a {
		for _, y := range b {
			if x.at == y.at && x.branch != y.branch {
				return true
			}
		}
	}
	return false
}

// tagged returns a copy of statement s that also comes from the branches
// from.
func (t *tmpl) tagged(s *iacdoc.Value, from ...choice) *iacdoc.Value {
	if len(from) == 0 {
		return s
	}
	c := *s
	t.origin[&c] = append(slices.Clip(t.origin[s]), from...)
	return &c
}

// exclusive reports whether statements a and b come from different
// branches of one Fn::If.
func (t *tmpl) exclusive(a, b *iacdoc.Value) bool {
	return contradicts(t.origin[a], t.origin[b])
}

// worstCase returns policy document v with the undecided Fn::Ifs of its
// Statement element judged at their worst (see above); v itself when it
// has none, or when its statements are not known (the decoder then says
// which part is not).
func (t *tmpl) worstCase(v *iacdoc.Value) *iacdoc.Value {
	if v == nil || v.Kind != iacdoc.Object || len(t.branches) == 0 {
		return v
	}
	for i := len(v.Members) - 1; i >= 0; i-- {
		m := v.Members[i]
		if m.Key != "Statement" {
			continue
		}
		stmts, ok := t.listStatements(m.Value)
		if !ok {
			return v
		}
		was := []*iacdoc.Value{m.Value}
		if m.Value.Kind == iacdoc.Array {
			was = m.Value.Elems
		}
		if t.branches[m.Value] == nil && slices.Equal(was, stmts) {
			return v
		}
		out := *v
		out.Members = slices.Clone(v.Members)
		out.Members[i].Value = &iacdoc.Value{Kind: iacdoc.Array, Pos: m.Value.Pos, Elems: stmts}
		return &out
	}
	return v
}

// listStatements returns the statements a Statement element v stands for,
// judged at their worst; ok is false when v is not a list or a statement
// or its statements are not known.
func (t *tmpl) listStatements(v *iacdoc.Value) (stmts []*iacdoc.Value, ok bool) {
	if br := t.branches[v]; br != nil {
		var lists [2][]*iacdoc.Value
		for i, b := range br.vals {
			if b == nil {
				continue
			}
			if lists[i], ok = t.listStatements(b); !ok {
				return nil, false
			}
		}
		return t.eitherStatements(v.Pos, br.cond, "the Statement list is", lists), true
	}
	switch v.Kind {
	case iacdoc.Array:
		for _, e := range v.Elems {
			stmts = append(stmts, t.elemStatements(e)...)
		}
		return stmts, true
	case iacdoc.Object:
		return t.elemStatements(v), true
	}
	return nil, false
}

// elemStatements returns the statements an element of the Statement list
// stands for, judged at their worst. An element that is not a statement is
// left for the decoder to report.
func (t *tmpl) elemStatements(e *iacdoc.Value) []*iacdoc.Value {
	if br := t.branches[e]; br != nil {
		var lists [2][]*iacdoc.Value
		for i, b := range br.vals {
			if b != nil {
				lists[i] = t.elemStatements(b)
			}
		}
		return t.eitherStatements(e.Pos, br.cond, "this statement is", lists)
	}
	if e.Kind != iacdoc.Object {
		return []*iacdoc.Value{e}
	}
	return t.statementVariants(e)
}

// statementVariants returns the statements statement s is judged as. An
// Allow (or a statement whose Effect is not known, which is read as Allow)
// is judged once for each combination of branches of the undecided Fn::Ifs
// in its elements: what either branch grants. A Deny is kept as written:
// the evaluator does not apply a Deny where a value is not known, which is
// the worst case of both branches too. Sid and Effect are not split: a Sid
// says nothing of access, and an unknown Effect is read as Allow.
func (t *tmpl) statementVariants(s *iacdoc.Value) []*iacdoc.Value {
	if e := s.Get("Effect"); isDeny(e) {
		return []*iacdoc.Value{s}
	}
	parts := make([]*iacdoc.Value, len(s.Members))
	fixed := make([]bool, len(s.Members))
	for i, m := range s.Members {
		parts[i], fixed[i] = m.Value, m.Key == "Sid" || m.Key == "Effect"
	}
	vs, ok := t.rebuild(s, parts, fixed)
	if !ok {
		t.holdNote(s.Pos, fmt.Sprintf("a statement has more than %d combinations of the branches of !If whose conditions are not known; its values that depend on them are taken at their worst", maxVariants))
		return []*iacdoc.Value{s}
	}
	out := make([]*iacdoc.Value, 0, len(vs))
	// One note for each condition: at its first !If, with how many more.
	ifs := map[string]map[policy.Pos]bool{}
	for _, x := range vs {
		out = append(out, t.tagged(x.v, x.from...))
		for _, c := range x.from {
			if ifs[c.cond] == nil {
				ifs[c.cond] = map[policy.Pos]bool{}
			}
			ifs[c.cond][c.at] = true
		}
	}
	for _, cond := range slices.Sorted(maps.Keys(ifs)) {
		at := ifs[cond]
		first := slices.MinFunc(slices.Collect(maps.Keys(at)), policy.Pos.Compare)
		more := ""
		if len(at) > 1 {
			more = fmt.Sprintf(" (and %d more !If on %s in it)", len(at)-1, cond)
		}
		t.holdNote(first, fmt.Sprintf("!If [%s, ...]: %s; the statement is judged once with each branch%s, the worst case", cond, t.whyUnknown(cond), more))
	}
	return out
}

// heldNote is a note about the policy document being read, given only when
// the document reads (tmpl.document): a document that is a gap says why.
type heldNote struct {
	pos policy.Pos
	msg string
}

func (t *tmpl) holdNote(pos policy.Pos, msg string) {
	t.held = append(t.held, heldNote{pos, msg})
}

func isDeny(effect *iacdoc.Value) bool {
	return effect != nil && effect.Kind == iacdoc.String && effect.Text == "Deny"
}

// eitherStatements merges the statements of the two branches of an Fn::If
// whose condition cond is not known, the worst case of both: the
// statements of both branches, except a Deny that only one branch has (it
// would take away what the other branch grants). A note at the Fn::If says
// so; subject names what the Fn::If stands for ("the policy is").
func (t *tmpl) eitherStatements(at policy.Pos, cond, subject string, branches [2][]*iacdoc.Value) []*iacdoc.Value {
	var out []*iacdoc.Value
	seen := map[string]bool{}
	dropped := 0
	for i, l := range branches {
		other := branches[1-i]
		for _, s := range l {
			j := withoutSid(s).JSON()
			if seen[j] {
				continue
			}
			both := hasStatement(other, s)
			if isDeny(s.Get("Effect")) && !both {
				dropped++
				continue
			}
			seen[j] = true
			if both {
				out = append(out, s)
			} else {
				out = append(out, t.tagged(s, choice{at, cond, i}))
			}
		}
	}
	msg := fmt.Sprintf("!If [%s, ...]: %s; %s judged with the statements of both branches, the worst case", cond, t.whyUnknown(cond), subject)
	if dropped > 0 {
		msg += fmt.Sprintf(" (%d Deny statement(s) that only one branch has are left out)", dropped)
	}
	t.holdNote(at, msg)
	return out
}

// hasStatement reports whether l has statement s, its Sid aside (a Sid
// says nothing of access).
func hasStatement(l []*iacdoc.Value, s *iacdoc.Value) bool {
	j := withoutSid(s).JSON()
	for _, x := range l {
		if withoutSid(x).JSON() == j {
			return true
		}
	}
	return false
}

func withoutSid(s *iacdoc.Value) *iacdoc.Value {
	if s.Get("Sid") == nil {
		return s
	}
	c := *s
	c.Members = slices.DeleteFunc(slices.Clone(s.Members), func(m iacdoc.Member) bool { return m.Key == "Sid" })
	return &c
}

// exclusiveSids removes from doc, read from v, the duplicate-sid problems
// of statements that come from different branches of one undecided Fn::If:
// they never stand in one deployed policy, and each branch may well name
// its statement the same.
func (t *tmpl) exclusiveSids(v *iacdoc.Value, doc *policy.Document) {
	if len(t.origin) == 0 {
		return
	}
	stmts, _ := statementsOf(v)
	seen := map[string][]*iacdoc.Value{}
	var drop []bool // one per duplicate-sid problem, in the decoder's order
	for _, s := range doc.Statements {
		if s.Sid == "" || s.Index >= len(stmts) {
			continue
		}
		sv := stmts[s.Index]
		if prev := seen[s.Sid]; len(prev) > 0 {
			drop = append(drop, !slices.ContainsFunc(prev, func(p *iacdoc.Value) bool { return !t.exclusive(p, sv) }))
		}
		seen[s.Sid] = append(seen[s.Sid], sv)
	}
	k := 0
	doc.Problems = slices.DeleteFunc(doc.Problems, func(p policy.Problem) bool {
		if p.Code != "duplicate-sid" || k >= len(drop) {
			return false
		}
		k++
		return drop[k-1]
	})
}
