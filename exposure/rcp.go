package exposure

import (
	"fmt"
	"maps"
	"slices"
	"sort"
	"strings"

	"github.com/ecrguard/ecrguard/catalog"
	"github.com/ecrguard/ecrguard/eval"
	"github.com/ecrguard/ecrguard/policy"
)

// Guardrail is what one Deny statement of an RCP (AWS Organizations User
// Guide, "Resource control policies (RCPs)") or of the registry's policy
// (Target.Registry) does to one class of outsider's access to the target.
type Guardrail struct {
	// Class is the outsider: "public", an untrusted account as the result
	// names it, an organization or OU label, or a service ("service:NAME",
	// "service:*") acting as a confused deputy.
	Class string
	// Actions are the actions it concerns.
	Actions catalog.ActionSet
	// Policy names the RCP, Level is its level (0 the organization root)
	// and Statement the Deny statement. Registry marks a statement of the
	// registry's policy (its Level is past the RCPs').
	Policy    string
	Level     int
	Statement *policy.Statement
	Registry  bool
	// Closed: the resource policy alone lets the class do Actions, and the
	// statement denies each request that proved it. Otherwise the statement
	// mentions Actions but does not apply to a request that is still
	// allowed; Why says why.
	Closed bool
	Why    string
}

// PublicClass is the Class of a guardrail over what anyone outside the zone
// of trust can do (Result.Public).
const PublicClass = "public"

// DeputyClass is the Class of a guardrail over what a service principal
// (a key of Result.Deputies) can do acting for any account.
func DeputyClass(svc string) string { return serviceName(svc) }

// Holes returns the guardrails that mention some of actions for class but
// leave them open.
func (r *Result) Holes(class string, actions catalog.ActionSet) []Guardrail {
	var out []Guardrail
	for _, g := range r.Guardrails {
		if !g.Closed && g.Class == class && !g.Actions.Intersect(actions).Empty() {
			out = append(out, g)
		}
	}
	return out
}

// Label names the statement: the RCP, its Sid and position; or its Sid (or
// position) and line in the registry policy.
func (g Guardrail) Label() string {
	if g.Registry {
		label := g.Statement.Label() + " of the registry policy"
		switch pos := g.Statement.Pos; {
		case pos.File != "" && pos.IsValid():
			label += fmt.Sprintf(" (%s:%d)", pos.File, pos.Line)
		case pos.IsValid():
			label += fmt.Sprintf(" (line %d)", pos.Line)
		}
		return label
	}
	return eval.RCPStatementLabel(g.Policy, g.Statement)
}

// hasRCPDeny reports whether any RCP holds a Deny statement: only those
// change an answer.
func hasRCPDeny(rcps []*eval.Policy) bool { return len(rcpDenies(rcps)) > 0 }

// rcpDenies returns the RCPs' Deny statements, level by level.
func rcpDenies(rcps []*eval.Policy) []*policy.Statement {
	var out []*policy.Statement
	for _, p := range rcps {
		for si := range p.Statements() {
			if s := p.StatementAt(si); s.Effect == policy.Deny {
				out = append(out, s)
			}
		}
	}
	return out
}

// groupStatements returns the statements that apply to a group's actions:
// the policy's, then the Deny statements of the RCPs and the registry's.
func (a *analyzer) groupStatements(g group) []*policy.Statement {
	var out []*policy.Statement
	for _, si := range slices.Sorted(maps.Keys(g.stmts)) {
		out = append(out, a.t.Policy.StatementAt(si))
	}
	places := slices.SortedFunc(maps.Keys(g.rcps), func(x, y rcpStmt) int {
		if x.level != y.level {
			return x.level - y.level
		}
		return x.index - y.index
	})
	for _, p := range places {
		out = append(out, a.levels[p.level].StatementAt(p.index))
	}
	return out
}

// classes lists a result's outsider classes and their access records.
func (r *Result) classes() map[string]*Access {
	out := map[string]*Access{PublicClass: &r.Public}
	for _, m := range []map[string]*Access{r.Accounts, r.Orgs} {
		for k, acc := range m {
			out[k] = acc
		}
	}
	for s, acc := range r.Deputies {
		out[serviceName(s)] = acc
	}
	return out
}

// guardrails fills the result's Guardrails: the target is analysed again
// without its RCPs and its registry's policy, and each action an outsider
// class gets there but not here is named with the Deny statement (of an RCP
// or the registry's policy) that denies the request that proved it; each
// action a class still gets that such a statement mentions (its Action and
// Resource match) is named with the statement and the conditions the
// proving request does not meet.
func (a *analyzer) guardrails() {
	// The target as given: the analyzer's copy may stand in an owner.
	given := a.res.Target
	given.RCPs, given.Registry = nil, nil
	base := AnalyzeCached(given, a.zone, a.cache)
	type gkey struct {
		class  string
		place  rcpStmt
		closed bool
		why    string
	}
	found := map[gkey]*Guardrail{}
	note := func(k gkey, act int) {
		g := found[k]
		if g == nil {
			g = &Guardrail{Class: k.class, Policy: a.levels[k.place.level].Name, Level: k.place.level,
				Statement: a.levels[k.place.level].StatementAt(k.place.index), Registry: k.place.level == len(a.t.RCPs),
				Closed: k.closed, Why: k.why}
			found[k] = g
		}
		g.Actions.Add(act)
	}
	now := a.res.classes()
	for class, before := range base.classes() {
		var after catalog.ActionSet
		if acc := now[class]; acc != nil {
			after = acc.Actions
		}
		before.Actions.Minus(after).Each(func(i int) {
			if w := proofOf(before, i); w != nil {
				if place, ok := a.deniedBy(w, a.cat.Actions[i].FullName()); ok {
					note(gkey{class: class, place: place, closed: true}, i)
				}
			}
		})
	}
	for class, acc := range now {
		acc.Actions.Each(func(i int) {
			w := proofOf(acc, i)
			if w == nil {
				return
			}
			req := w.Request
			req.Action = a.cat.Actions[i].FullName()
			for l, rp := range a.levels {
				kind := eval.KindRCP
				if l == len(a.t.RCPs) {
					kind = eval.KindResource // the registry's policy
				}
				for si := range rp.Statements() {
					if rp.StatementAt(si).Effect != policy.Deny || !rp.ActionApplies(si, req.Action) {
						continue
					}
					matches, unmet := rp.Unmet(si, kind, &req)
					if matches && len(unmet) > 0 {
						note(gkey{class: class, place: rcpStmt{l, si}, why: unmetWhy(unmet, req.Context)}, i)
					}
				}
			}
		})
	}
	out := make([]Guardrail, 0, len(found))
	for _, g := range found {
		out = append(out, *g)
	}
	sort.Slice(out, func(i, j int) bool {
		x, y := out[i], out[j]
		if x.Class != y.Class {
			return x.Class < y.Class
		}
		if x.Level != y.Level {
			return x.Level < y.Level
		}
		if x.Statement.Index != y.Statement.Index {
			return x.Statement.Index < y.Statement.Index
		}
		if x.Closed != y.Closed {
			return x.Closed
		}
		return x.Why < y.Why
	})
	a.res.Guardrails = out
}

// proofOf returns the request that proved action i for an access record.
func proofOf(acc *Access, i int) *eval.Witness {
	for _, p := range acc.Proofs {
		if p.Actions.Has(i) {
			return p.Witness
		}
	}
	return nil
}

// deniedBy evaluates a witness request for action under the target's RCPs
// and registry policy and returns the first of their statements that
// denies it.
func (a *analyzer) deniedBy(w *eval.Witness, action string) (rcpStmt, bool) {
	req := w.Request
	req.Action = action
	d := eval.Evaluate(a.ps, &req)
	if d.Result != eval.ExplicitDeny {
		return rcpStmt{}, false
	}
	for _, m := range d.Matched {
		if m.Kind != eval.KindRCP && m.Kind != eval.KindResource {
			continue
		}
		for l, rp := range a.levels {
			for si := range rp.Statements() {
				if rp.StatementAt(si) == m.Statement {
					return rcpStmt{l, si}, true
				}
			}
		}
	}
	return rcpStmt{}, false
}

// unmetWhy says which conditions a request does not meet, with the values
// it carries for their keys.
func unmetWhy(unmet []*policy.Condition, ctx *eval.Context) string {
	var parts []string
	for _, c := range unmet {
		var vals []string
		for _, v := range c.Values {
			vals = append(vals, v.Text)
		}
		has := "absent"
		if got, ok := ctx.Get(c.Key); ok {
			has = strings.Join(got, ", ")
			if len(got) == 0 {
				has = "present with no value"
			}
		}
		parts = append(parts, fmt.Sprintf("its condition %s %s %s does not hold for the outsider's request (%s: %s)", c.Operator, c.Key, strings.Join(vals, ", "), c.Key, has))
	}
	return strings.Join(parts, "; ")
}

// registryDenies is what a registry policy adds to the judgement of its
// repositories: its Deny statements (its grants are judged on the
// registry), each cut to the actions V1 governs when the scope is V1, in a
// policy of the same name and Version. nil when none is left.
func registryDenies(p *eval.Policy, scope string, cat *catalog.Catalog) *eval.Policy {
	if p == nil || p.Doc == nil {
		return nil
	}
	var v1 catalog.ActionSet
	for _, n := range v1Actions {
		v1.Add(cat.Lookup(n).Index)
	}
	doc := &policy.Document{Version: p.Doc.Version, ID: p.Doc.ID}
	for si := range p.Statements() {
		s := p.StatementAt(si)
		if s.Effect != policy.Deny {
			continue
		}
		if scope == "V1" {
			acts := p.StatementActions(si).Intersect(v1)
			if acts.Empty() {
				continue
			}
			cut := *s
			cut.Action, cut.NotAction = nil, nil
			// A value not known until apply stays: the Deny may not apply
			// (eval counts it only where it certainly does). With one in a
			// NotAction it applies certainly to no action; in an Action,
			// certainly to the known actions V1 governs.
			var unknown []policy.Value
			for _, v := range append(slices.Clip(s.Action), s.NotAction...) {
				if v.Unknown {
					unknown = append(unknown, v)
				}
			}
			if len(unknown) > 0 {
				var known catalog.ActionSet
				if s.NotAction == nil {
					for _, v := range s.Action {
						if !v.Unknown {
							known = known.Union(cat.MatchSet(v.Text))
						}
					}
				}
				acts = known.Intersect(v1)
				cut.Action = unknown
			}
			acts.Each(func(i int) {
				cut.Action = append(cut.Action, policy.Value{Text: cat.Actions[i].FullName(), Pos: s.Pos})
			})
			s = &cut
		}
		doc.Statements = append(doc.Statements, s)
	}
	if len(doc.Statements) == 0 {
		return nil
	}
	return eval.Compile(p.Name, doc)
}
