package rules

import (
	"maps"
	"slices"

	"github.com/ecrguard/ecrguard/analysis"
	"github.com/ecrguard/ecrguard/catalog"
	"github.com/ecrguard/ecrguard/exposure"
	"github.com/ecrguard/ecrguard/policy"
)

// outsiderGrants is what the outsiders of one resource policy can do of a
// set of actions (ECR004, ECR012).
type outsiderGrants struct {
	// who are the principals that can, in the order found ("*" for
	// anyone); findings list them sorted, each once.
	who []string
	// proofs are the proofs of those actions.
	proofs []exposure.Proof
	// acts are the actions of the set that outsiders can perform.
	acts catalog.ActionSet
	// accounts are the untrusted accounts the policy names, sorted.
	accounts []string
}

// grantsOf gathers what outsiders of x can do of set: anyone first, then
// each untrusted account, then the members of each of more, every map in
// key order.
func grantsOf(x *exposure.Result, set catalog.ActionSet, more ...map[string]*exposure.Access) outsiderGrants {
	var g outsiderGrants
	g.add(&x.Public, true, set)
	g.accounts = slices.Sorted(maps.Keys(x.Accounts))
	for _, k := range g.accounts {
		g.add(x.Accounts[k], false, set)
	}
	for _, m := range more {
		for _, k := range slices.Sorted(maps.Keys(m)) {
			g.add(m[k], false, set)
		}
	}
	return g
}

// add adds what acc (anyone's when public) can do of set.
func (g *outsiderGrants) add(acc *exposure.Access, public bool, set catalog.ActionSet) {
	got := acc.Actions.Intersect(set)
	if got.Empty() {
		return
	}
	g.acts = g.acts.Union(got)
	if public {
		g.who = append(g.who, "*")
	} else {
		for _, p := range acc.PrincipalNames() {
			if !acc.Principals[p].Intersect(set).Empty() {
				g.who = append(g.who, p)
			}
		}
	}
	for _, p := range acc.Proofs {
		if !p.Actions.Intersect(set).Empty() {
			g.proofs = append(g.proofs, p)
		}
	}
}

// outsiderFinding starts r's finding on x for the principals who that can
// perform acts, shown by proofs: its resource, source, principals, actions
// and conditions. It returns the resource-policy statements that allow
// them, which the message and remediation name.
func outsiderFinding(r Rule, x *analysis.ExposureItem, who []string, proofs []exposure.Proof, acts catalog.ActionSet) (Finding, []*policy.Statement) {
	stmts := resourceStatements(proofs)
	f := r.finding()
	f.Resource = x.Target.ARN
	f.restOn(stmts, x.Policy)
	f.Principals = slices.Compact(slices.Sorted(slices.Values(who)))
	f.Actions = catalog.Default().Names(acts)
	f.Conditions = analysis.Conditions(stmts)
	return f, stmts
}
