package identity

import (
	"fmt"
	"strings"

	"github.com/ecrguard/ecrguard/catalog"
	"github.com/ecrguard/ecrguard/estate"
	"github.com/ecrguard/ecrguard/eval"
	"github.com/ecrguard/ecrguard/policy"
)

// Answers are one principal's answers for one action over the model's
// repositories.
type Answers struct {
	// Every proves the action on every repository of the account (a
	// repository it does not name, in each region, tags absent), or is nil.
	Every *eval.Witness
	// Repos has one proof (or nil) per Model.Repositories entry.
	Repos []*eval.Witness
}

// Answer asks the action for p on every repository at once. It gives the
// same answers as Can and CanEvery, with far fewer evaluations, by judging
// the two sides of AWS's same-account logic apart where that logic allows
// it: within one account a request is allowed when the identity side
// allows it or the repository policy grants it, so when no Deny statement
// and no conditional SCP ties the two sides together, each side is
// evaluated once per class and the answers are combined.
func (m *Model) Answer(p *Principal, action string, mode Mode) Answers {
	res := Answers{Repos: make([]*eval.Witness, len(m.Repositories))}
	act := m.action(action)
	if act == nil || m.memo.off {
		res.Every = m.CanEvery(p, action, mode)
		for i, r := range m.Repositories {
			res.Repos[i] = m.Can(p, action, r, mode)
		}
		return res
	}
	rel := m.relevantFor(p, act)
	if rel.denyAll {
		return res
	}
	if m.identityAllows(p).Has(act.Index) {
		vec := m.identityVector(p, act, rel, mode)
		res.Every = vec.Every
		copy(res.Repos, vec.Repos)
	}
	for _, ri := range m.policyRepos(act) {
		repo := m.Repositories[ri]
		decided, denied := m.repoDenyDecided(p, repo, act, mode)
		if denied {
			res.Repos[ri] = nil // an explicit Deny whatever the request
			continue
		}
		if !rel.hasDeny && rel.scpAllows && (decided || !m.repoPolicyDenies(repo, act)) {
			if res.Repos[ri] == nil && m.may(p, action, repo) {
				res.Repos[ri] = m.resourceSide(p, act, repo, mode)
			}
			continue
		}
		// A Deny or a conditional SCP ties the sides: judge them together.
		res.Repos[ri] = m.ask(p, action, repo.ARN, repo, mode)
	}
	return res
}

// vectorKey identifies the identity side's answers over all repositories.
type vectorKey struct {
	sig           int
	who           *Principal
	facet         string
	ptype         eval.PrincipalType
	serviceLinked bool
	mode          Mode
	action        int
}

// identityVector answers the identity side (identity policies, boundary,
// SCPs; the repositories' policies left out) for every repository, once per
// class of principal.
func (m *Model) identityVector(p *Principal, act *catalog.Action, rel *relevant, mode Mode) Answers {
	k := vectorKey{sig: rel.sig, ptype: p.caller.Type, serviceLinked: p.ServiceLinked, mode: mode, action: act.Index}
	switch {
	case rel.allPrincipal:
		k.who = p
	case len(rel.principalKeys) > 0:
		k.facet = m.facet(p, rel.principalKeys)
	}
	if v, ok := m.memo.vectors[k]; ok {
		return v
	}
	v := Answers{Repos: make([]*eval.Witness, len(m.Repositories))}
	if rel.opaque || len(rel.patterns) > 64 {
		for i, r := range m.Repositories {
			v.Repos[i] = m.askIdentity(p, act, r, mode)
		}
	} else {
		// Repositories alike to these statements (same matching patterns,
		// same tags read) get one evaluation.
		bits := make([]uint64, len(m.Repositories))
		for pi, pat := range rel.patterns {
			for ri, hit := range m.patternTable(pat) {
				if hit {
					bits[ri] |= 1 << uint(pi)
				}
			}
		}
		type group struct {
			bits uint64
			tags string
		}
		seen := map[group]*eval.Witness{}
		for ri, r := range m.Repositories {
			g := group{bits: bits[ri]}
			g.tags = tagsKey(r, mode, rel.allTags, rel.tagKeys)
			w, ok := seen[g]
			if !ok {
				w = m.askIdentity(p, act, r, mode)
				seen[g] = w
			}
			v.Repos[ri] = w
		}
	}
	v.Every = m.everyIdentity(p, act, mode)
	m.memo.vectors[k] = v
	return v
}

// askIdentity answers the identity side for one repository, its policy left
// out.
func (m *Model) askIdentity(p *Principal, act *catalog.Action, repo *Repository, mode Mode) *eval.Witness {
	bare := *repo
	bare.Policy = nil
	k := m.key(p, act, &bare, mode)
	if w, ok := m.memo.answers[k]; ok {
		return w
	}
	w := m.search(p, act.FullName(), repo.ARN, &bare, mode)
	m.memo.answers[k] = w
	return w
}

func (m *Model) everyIdentity(p *Principal, act *catalog.Action, mode Mode) *eval.Witness {
	var w *eval.Witness
	for _, r := range m.Regions {
		arn := estate.RepositoryARN(r, m.Account, eval.FreshValue)
		if w = m.askIdentity(p, act, &Repository{ARN: arn, Account: m.Account, Region: r, index: -1}, mode); w == nil {
			return nil
		}
	}
	return w
}

// policyRepos lists the repositories whose policy has statements for the
// action.
func (m *Model) policyRepos(act *catalog.Action) []int {
	if list, ok := m.memo.policyRepos[act.Index]; ok {
		return list
	}
	var list []int
	for i, r := range m.Repositories {
		if r.Policy != nil && m.repoPolicyFacts(r, act).relevant {
			list = append(list, i)
		}
	}
	m.memo.policyRepos[act.Index] = list
	return list
}

// repoPolicyDenies reports whether the repository policy has a Deny
// statement for the action.
func (m *Model) repoPolicyDenies(repo *Repository, act *catalog.Action) bool {
	pol := repo.Policy
	for i := 0; i < pol.Statements(); i++ {
		if pol.StatementActions(i).Has(act.Index) && pol.StatementAt(i).Effect.String() == "Deny" {
			return true
		}
	}
	return false
}

// denyKey identifies whether a repository policy's Deny statements apply
// to a principal (see repoDenyDecided).
type denyKey struct {
	pol    *eval.Policy
	action int
	mode   Mode
	ptype  eval.PrincipalType
	who    string
	facet  string
}

type denyDecision struct{ decided, denied bool }

// repoDenyDecided tells whether the repository policy's Deny statements for
// the action read only what the principal and the repository fix (principal
// and resource keys, no policy variables): then whether they deny does not
// depend on the request, and one evaluation decides it for every request.
// decided is false when a Deny reads something the caller chooses; then
// the sides must be judged together.
func (m *Model) repoDenyDecided(p *Principal, repo *Repository, act *catalog.Action, mode Mode) (decided, denied bool) {
	pol := repo.Policy
	var keys []string
	principalSensitive := false
	for i := 0; i < pol.Statements(); i++ {
		st := pol.StatementAt(i)
		if st.Effect != policy.Deny || !pol.StatementActions(i).Has(act.Index) {
			continue
		}
		if st.NotPrincipal != nil || (st.Principal != nil && !st.Principal.IsEveryone()) {
			principalSensitive = true
		}
		for _, vs := range [][]policy.Value{st.Resource, st.NotResource} {
			for _, v := range vs {
				if v.Unknown || strings.Contains(v.Text, "${") {
					return false, false
				}
			}
		}
		for _, c := range st.Conditions {
			lower := strings.ToLower(c.Key)
			if !fixedKey(lower) {
				return false, false
			}
			for _, v := range c.Values {
				if v.Unknown || strings.Contains(v.Text, "${") {
					return false, false
				}
			}
			if !isResourceTag(lower) {
				keys = append(keys, lower)
			}
		}
	}
	k := denyKey{pol: pol, action: act.Index, mode: mode, ptype: p.caller.Type, facet: m.facet(p, keys)}
	if principalSensitive {
		k.who = p.ARN
	}
	if d, ok := m.memo.denies[k]; ok {
		return d.decided, d.denied
	}
	ctx := requestContext(p, repo, mode)
	ps := &eval.PolicySet{Resource: pol, ResourceAccount: m.Account, CallerAllowsAll: true}
	d := eval.Evaluate(ps, &eval.Request{Principal: p.caller, Action: act.FullName(), Resource: repo.ARN, Context: ctx})
	out := denyDecision{decided: true, denied: d.Result == eval.ExplicitDeny}
	for _, a := range d.Assumptions {
		if !a.Applied {
			out = denyDecision{} // a Deny with an unknown value: judge jointly
		}
	}
	m.memo.denies[k] = out
	return out.decided, out.denied
}

// resourceKey identifies a repository-policy-side question.
type resourceKey struct {
	pol      *eval.Policy
	action   int
	ptype    eval.PrincipalType
	who      *Principal
	facet    string
	boundary *eval.Policy
	tags     string
	mode     Mode
}

// resourceSide answers whether the repository policy alone grants p the
// action (with p's boundary, which limits grants to roles), once per class
// of principal.
func (m *Model) resourceSide(p *Principal, act *catalog.Action, repo *Repository, mode Mode) *eval.Witness {
	pf := m.repoPolicyFacts(repo, act)
	k := resourceKey{pol: repo.Policy, action: act.Index, ptype: p.caller.Type, mode: mode}
	allPrincipal, pkeys := pf.allPrincipal || repo.named[p.ARN], pf.principalKeys
	allTags, tkeys := pf.allTags, pf.tagKeys
	if p.caller.Type == eval.Role && p.Boundary != nil {
		// The boundary limits grants to roles: what it reads counts too.
		k.boundary = p.Boundary
		rel := m.relevantFor(p, act)
		allPrincipal = allPrincipal || rel.allPrincipal
		pkeys = append(append([]string(nil), pkeys...), rel.principalKeys...)
		allTags = allTags || rel.allTags
		tkeys = append(append([]string(nil), tkeys...), rel.tagKeys...)
	}
	switch {
	case allPrincipal:
		k.who = p
	case len(pkeys) > 0:
		k.facet = m.facet(p, pkeys)
	}
	k.tags = tagsKey(repo, mode, allTags, tkeys)
	if w, ok := m.memo.resources[k]; ok {
		return w
	}
	ps := &eval.PolicySet{Resource: repo.Policy, ResourceAccount: m.Account}
	if p.caller.Type == eval.Role {
		ps.Boundary = p.Boundary
	}
	w := m.searchSet(p, act.FullName(), repo.ARN, repo, mode, ps)
	m.memo.resources[k] = w
	return w
}

// searchSet evaluates one question against a given policy set.
func (m *Model) searchSet(p *Principal, action, resource string, repo *Repository, mode Mode, ps *eval.PolicySet) *eval.Witness {
	ctx := requestContext(p, repo, mode)
	sp := eval.Space{Free: func(l string) bool { return !fixedKey(l) }}
	if mode == NoMFA {
		sp.Fixed = noMFA
	}
	r := eval.Search(ps, &eval.Request{Principal: p.caller, Action: action, Resource: resource, Context: ctx}, sp)
	if r.Truncated && r.Witness == nil {
		m.Gaps = append(m.Gaps, estate.Gap{Resource: p.ARN, Code: "too-many-combinations",
			Message: fmt.Sprintf("the conditions of %s's policies combine into more request contexts than ecrguard tries for %s on %s", p.Label(), action, resource)})
	}
	return r.Witness
}

// requestContext is what p's requests on repo (nil for "*") carry before
// anything is searched: who p is, and in mode Free the repository's tags;
// the repository's account.
func requestContext(p *Principal, repo *Repository, mode Mode) *eval.Context {
	ctx := p.base.Clone()
	if repo == nil {
		return ctx
	}
	if mode == Free {
		for k, v := range repo.Tags {
			ctx.Set("ecr:ResourceTag/"+k, v)
			ctx.Set("aws:ResourceTag/"+k, v)
		}
	}
	ctx.Set("aws:ResourceAccount", repo.Account)
	return ctx
}

// Explain re-derives a proof for p: answers are shared between principals
// whose statements have the same content, so a shared proof may name
// another principal's (identical) inline policy. Explain evaluates the
// proof's request as p, so that the matched statements are p's own. It
// returns w unchanged when w is already p's.
func (m *Model) Explain(p *Principal, w *eval.Witness) *eval.Witness {
	if w == nil || w.Request.Principal == p.caller {
		return w
	}
	ps := &eval.PolicySet{Identity: p.Identity, Boundary: p.Boundary, ResourceAccount: m.Account}
	if !p.ServiceLinked {
		ps.SCPs = m.SCPs
	}
	ctx := p.base.Clone()
	for _, k := range w.Request.Context.Keys() {
		if isResourceTag(k) || k == "aws:resourceaccount" {
			v, _ := w.Request.Context.Get(k)
			ctx.Set(k, v...)
		}
	}
	for _, a := range w.Chosen {
		if a.Absent {
			ctx.Delete(a.Key)
		} else {
			ctx.Set(a.Key, a.Values...)
		}
	}
	req := eval.Request{Principal: p.caller, Action: w.Request.Action, Resource: w.Request.Resource, Context: ctx}
	// The principal's own policies first: when they grant it, the proof
	// does not cite the policy of whichever repository the shared answer
	// happened to be asked about.
	d := eval.Evaluate(ps, &req)
	if r := m.Repository(w.Request.Resource); d.Result != eval.Allow && r != nil && r.Policy != nil {
		ps.Resource = r.Policy
		d = eval.Evaluate(ps, &req)
	}
	if d.Result != eval.Allow {
		// Cannot happen when the statements are equal; keep the shared
		// proof rather than none.
		return w
	}
	return &eval.Witness{Request: req, Chosen: w.Chosen, Decision: d}
}
