package diff

import (
	"slices"

	"github.com/ecrguard/ecrguard/analysis"
	"github.com/ecrguard/ecrguard/estate"
	"github.com/ecrguard/ecrguard/eval"
	"github.com/ecrguard/ecrguard/rules"
)

// Side is one side of a comparison: the rules' result and the access
// model of one estate, judged with the same settings as the other side.
type Side struct {
	Result *rules.Result
	Access *Access
	// items are the exposure analyses of the side's resource policies.
	items []*analysis.ExposureItem
}

// Assess judges one side: the rules (rules.RunAnalysis) and the access
// model of the same analysis. A registry whose policy scope is unknown is
// judged as V2 (rules.RunAnalysis); the rules settle its gap when the
// findings are the same under V1, but grants may differ where findings do
// not (a trusted account's, an own role's without a rule): when the access
// model under V1 differs, the scope stays a gap of the side.
func Assess(e *estate.Estate, s analysis.Settings) *Side {
	res, a := rules.RunAnalysis(e, s)
	side := &Side{Result: res, Access: Build(a), items: slices.Concat(a.Exposure, a.Public)}
	side.Access.Gaps = append(side.Access.Gaps, scopeGaps(e, s, res.Gaps, side.Access)...)
	return side
}

// scopeGaps are the gaps of the registries whose policy scope is unknown
// and not already a gap of kept, when the access model under V1 (another
// analysis, every unknown scope at V1) grants other than m does.
func scopeGaps(e *estate.Estate, s analysis.Settings, kept []estate.Gap, m *Access) []estate.Gap {
	unknown := e.UnknownScopes(e.Gaps)
	unknown = slices.DeleteFunc(unknown, func(u estate.UnknownScope) bool {
		return slices.ContainsFunc(kept, func(g estate.Gap) bool {
			return g.Source == estate.ScopeAPI && g.Account == u.Account && g.Region == u.Region
		})
	})
	if len(unknown) == 0 {
		return nil
	}
	v1, v2 := estate.UnderBothScopes(unknown, func() *Access { return Build(analysis.Analyze(e, s)) })
	if slices.EqualFunc(v1.Grants, v2.Grants, func(a, b Grant) bool { return a.Key == b.Key }) {
		return nil
	}
	var out []estate.Gap
	for _, u := range unknown {
		g := u.Gap
		g.Message += "; the access differs under V1 and V2, and diff compares the registry policy's grants under V2 and its Deny statements over its repositories under V1"
		out = append(out, g)
	}
	return out
}

// Gaps are what the side could not assess: its inputs' and analyses' gaps
// and its access model's cut searches, sorted, each once.
func (s *Side) Gaps() []estate.Gap {
	return analysis.DistinctGaps(slices.Concat(s.Result.Gaps, s.Access.Gaps))
}

// Result is what HEAD changes.
type Result struct {
	// New are the grants HEAD makes that BASE did not, Removed those BASE
	// made that HEAD does not (information), in key order, explained.
	New, Removed []Grant
	// Findings holds HEAD's findings that are new (see NewFindings), the
	// gaps of both sides and the notes of both (BASE's said of it): suppressions, the selection
	// and the exit code apply to it as to a scan's result.
	Findings *rules.Result
	// BaseGaps and HeadGaps are each side's gaps (both are in Findings.Gaps).
	BaseGaps, HeadGaps []estate.Gap
	// BaseGrants and HeadGrants count each side's grants, one a key: a
	// side's access model, and for HEAD the new grants the search beyond
	// BASE found whose key its access model lacks too (a service acting for
	// an account only BASE named, where HEAD lets in anyone).
	BaseGrants, HeadGrants int
	// Warnings are what a reviewer must know of how the sides were
	// compared (the caller's: a configuration that HEAD changed, say).
	Warnings []string
}

// Compare compares two sides.
func Compare(base, head *Side) *Result {
	res := &Result{BaseGrants: len(base.Access.Grants), HeadGrants: len(head.Access.Grants)}
	res.New = missing(head.Access, base.Access, true)
	beyond, gaps := beyondBase(base, head)
	res.New = addBeyondBase(res.New, beyond)
	for _, g := range res.New {
		if head.Access.Lookup(g.Key) == nil {
			res.HeadGrants++
		}
	}
	res.Removed = missing(base.Access, head.Access, false)
	res.BaseGaps, res.HeadGaps = base.Gaps(), analysis.DistinctGaps(slices.Concat(head.Gaps(), gaps))
	res.Findings = &rules.Result{
		Findings:  NewFindings(base.Result.Findings, head.Result.Findings, res.New),
		Gaps:      analysis.DistinctGaps(slices.Concat(res.HeadGaps, res.BaseGaps)),
		Notes:     notes(base.Result.Notes, head.Result.Notes),
		Resources: head.Result.Resources,
		Assessed:  head.Result.Assessed,
	}
	res.Findings.Sort()
	return res
}

// addBeyondBase adds to the new grants those of beyond (beyondBase, each
// with its Wider reason) whose key is not new already, in key order. A
// grant of a key BASE lacked that beyond holds too takes beyond's proof, a
// request BASE denies (its own may be one BASE allowed: anyone's, proven
// by an account BASE named).
func addBeyondBase(news, beyond []Grant) []Grant {
	have := map[Key]int{}
	for i, g := range news {
		have[g.Key] = i
	}
	added := false
	for _, g := range beyond {
		if i, ok := have[g.Key]; ok {
			if n := &news[i]; len(n.Wider) == 0 && n.witness != g.witness {
				n.witness = g.witness
				n.Explain()
			}
			continue
		}
		g.Explain()
		have[g.Key] = len(news)
		news = append(news, g)
		added = true
	}
	if added {
		slices.SortFunc(news, func(a, b Grant) int { return compareKeys(a.Key, b.Key) })
	}
	return news
}

// missing returns the grants of from that to does not cover, explained;
// with wider set, also those that need less than the grant of to that
// covers them (Grant.Widening, kept in Wider).
func missing(from, to *Access, wider bool) []Grant {
	var out []Grant
	// Grants share witnesses (a class of actions, every repository a
	// principal may act on): each pair is judged once.
	widenings := map[[2]*eval.Witness][]string{}
	widening := func(g, c *Grant) []string {
		k := [2]*eval.Witness{g.witness, c.witness}
		w, ok := widenings[k]
		if !ok {
			w = g.Widening(c)
			widenings[k] = w
		}
		return w
	}
	for _, g := range from.Grants {
		c := to.Covering(&g)
		if c != nil && wider {
			g.Wider = widening(&g, c)
		}
		if c == nil || len(g.Wider) > 0 {
			g.Explain()
			out = append(out, g)
		}
	}
	return out
}

// NewFindings returns the findings of head that are new: those that carry
// a new grant (their Resource, one of their Principals and one of their
// Actions; for a finding on a principal, that principal and action on any
// subject); and those that carry none when base had no finding of its rule on its resource
// whose principals and actions include its own (a condition removed turns
// ECR002 into ECR001 on the same grant); one without principals or actions
// is new when its fingerprint is not among base's.
func NewFindings(base, head []rules.Finding, added []Grant) []rules.Finding {
	newKey := map[Key]bool{}
	newPA := map[[2]string]bool{}
	for _, g := range added {
		newKey[g.Key] = true
		newPA[[2]string{g.Principal, g.Action}] = true
	}
	prints := map[string]bool{}
	for _, f := range base {
		prints[f.Fingerprint()] = true
	}
	var out []rules.Finding
	for _, f := range head {
		if len(f.Principals) == 0 || len(f.Actions) == 0 {
			if !prints[f.Fingerprint()] {
				out = append(out, f)
			}
			continue
		}
		if carriesNew(f, newKey, newPA) || !coveredBy(f, base) {
			out = append(out, f)
		}
	}
	return out
}

// carriesNew reports whether f carries a new grant.
func carriesNew(f rules.Finding, newKey map[Key]bool, newPA map[[2]string]bool) bool {
	onPrincipal := slices.Contains(f.Principals, f.Resource)
	for _, p := range f.Principals {
		for _, a := range f.Actions {
			if onPrincipal && newPA[[2]string{p, a}] || newKey[Key{Subject: f.Resource, Principal: p, Action: a}] {
				return true
			}
		}
	}
	return false
}

// coveredBy reports whether base has a finding of f's rule on f's
// resource whose principals (a principal or its account's root) and
// actions include f's.
func coveredBy(f rules.Finding, base []rules.Finding) bool {
	for _, b := range base {
		if b.RuleID == f.RuleID && b.Resource == f.Resource && subset(f.Actions, b.Actions) && principalsIncluded(f.Principals, b.Principals) {
			return true
		}
	}
	return false
}

// principalsIncluded reports whether every principal of a is included in
// one of b (includesPrincipal).
func principalsIncluded(a, b []string) bool {
	for _, p := range a {
		if !slices.ContainsFunc(b, func(q string) bool { return includesPrincipal(q, p) }) {
			return false
		}
	}
	return true
}

// subset reports whether every element of a is in b.
func subset(a, b []string) bool {
	for _, s := range a {
		if !slices.Contains(b, s) {
			return false
		}
	}
	return true
}

// notes are HEAD's notes, then BASE's that HEAD does not have, said of
// BASE.
func notes(base, head []estate.Note) []estate.Note {
	out := slices.Clone(head)
	for _, n := range base {
		if !slices.Contains(head, n) {
			n.Message = "in BASE: " + n.Message
			out = append(out, n)
		}
	}
	return out
}
