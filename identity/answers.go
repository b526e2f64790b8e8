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
	// Gaps say which nil proofs are not proven noes: a search behind them
	// stopped at its limit. They depend on the question alone.
	Gaps []estate.Gap
}

// vector is the answers to one action over the model's repositories, as
// the memo keeps them.
type vector struct {
	every found
	repos []found
}

// answers turns a vector into the principal's Answers with their gaps.
func (v vector) answers(p *Principal, action string, repos []*Repository) Answers {
	res := Answers{Every: v.every.w, Repos: make([]*eval.Witness, len(v.repos))}
	res.Gaps = gapsOf(v.every, p, action, everyRepository)
	var cut []string
	for i, f := range v.repos {
		res.Repos[i] = f.w
		if f.w == nil && f.cut {
			cut = append(cut, repos[i].ARN)
		}
	}
	switch {
	case len(cut) == 1:
		res.Gaps = append(res.Gaps, limitGap(p, action, cut[0]))
	case len(cut) > 3:
		res.Gaps = append(res.Gaps, limitGap(p, action, fmt.Sprintf("%d repositories (%s, …)", len(cut), strings.Join(cut[:3], ", "))))
	case len(cut) > 1:
		res.Gaps = append(res.Gaps, limitGap(p, action, fmt.Sprintf("%d repositories (%s)", len(cut), strings.Join(cut, ", "))))
	}
	return res
}

// Answer asks the action for p on every repository at once. It gives the
// same answers as Can and CanEvery, with far fewer evaluations, by judging
// the two sides of AWS's same-account logic apart where that logic allows
// it: within one account a request is allowed when the identity side
// allows it or the repository policy grants it, so when no Deny statement
// and no conditional SCP ties the two sides together, each side is
// evaluated once per class and the answers are combined.
func (m *Model) Answer(p *Principal, action string, mode Mode) Answers {
	v := m.answer(p, action, mode)
	if p.alt != nil {
		alt := m.answer(p.alt, action, mode)
		v.every = either(v.every, alt.every)
		for i := range v.repos {
			v.repos[i] = either(v.repos[i], alt.repos[i])
		}
	}
	return v.answers(p, action, m.Repositories)
}

func (m *Model) answer(p *Principal, action string, mode Mode) vector {
	res := vector{repos: make([]found, len(m.Repositories))}
	act := m.action(action)
	if act == nil || m.memo.off {
		res.every = m.canEvery(p, action, mode)
		for i, r := range m.Repositories {
			res.repos[i] = m.can(p, action, r, mode)
		}
		return res
	}
	rel := m.relevantFor(p, act)
	if rel.denyAll {
		return res
	}
	if m.identityAllows(p).Has(act.Index) {
		vec := m.identityVector(p, act, rel, mode)
		res.every = vec.every
		copy(res.repos, vec.repos)
	}
	if m.registryGoverns(act) {
		// A registry policy governs every repository, a fresh one too: the
		// identity side alone does not answer "every repository".
		res.every = m.canEvery(p, action, mode)
	}
	for _, ri := range m.policyRepos(act) {
		repo := m.Repositories[ri]
		decided, denied := m.repoDenyDecided(p, repo, act, mode)
		if denied {
			res.repos[ri] = found{} // an explicit Deny whatever the request
			continue
		}
		if !rel.hasDeny && rel.scpAllows && (decided || !m.repoPolicyDenies(repo, act)) {
			if res.repos[ri].w == nil && m.may(p, action, repo) {
				res.repos[ri] = either(res.repos[ri], m.resourceSide(p, act, repo, mode))
			}
			continue
		}
		// A Deny or a conditional SCP ties the sides: judge them together.
		res.repos[ri] = m.ask(p, action, repo, repo.Region, mode)
	}
	return res
}

// vectorKey identifies the identity side's answers over all repositories.
type vectorKey struct {
	sig           int
	who           *Principal
	facet         string
	class         principalClass
	serviceLinked bool
	mode          Mode
	action        int
}

// identityVector answers the identity side (identity policies, boundary,
// SCPs; the repositories' policies left out) for every repository, once per
// class of principal.
func (m *Model) identityVector(p *Principal, act *catalog.Action, rel *relevant, mode Mode) vector {
	k := vectorKey{sig: rel.sig, class: p.class(), serviceLinked: p.ServiceLinked, mode: mode, action: act.Index}
	switch {
	case rel.allPrincipal:
		k.who = p
	case len(rel.principalKeys) > 0:
		k.facet = m.facet(p, rel.principalKeys)
	}
	if v, ok := m.memo.vectors[k]; ok {
		return v
	}
	v := vector{repos: make([]found, len(m.Repositories))}
	if rel.opaque || len(rel.patterns) > 64 {
		for i, r := range m.Repositories {
			v.repos[i] = m.askIdentity(p, act, r, mode)
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
			bits            uint64
			tags            string
			region, account string
		}
		seen := map[group]found{}
		for ri, r := range m.Repositories {
			g := group{bits: bits[ri], region: r.Region, account: r.Account}
			g.tags = tagsKey(r, mode, rel.allTags, rel.tagKeys)
			f, ok := seen[g]
			if !ok {
				f = m.askIdentity(p, act, r, mode)
				seen[g] = f
			}
			v.repos[ri] = f
		}
	}
	v.every = m.everyIdentity(p, act, mode)
	m.memo.vectors[k] = v
	return v
}

// askIdentity answers the identity side for one repository, its policy left
// out.
func (m *Model) askIdentity(p *Principal, act *catalog.Action, repo *Repository, mode Mode) found {
	bare := *repo
	bare.Policy, bare.registry = nil, nil
	k := m.key(p, act, &bare, repo.Region, mode)
	if f, ok := m.memo.answers[k]; ok {
		return f
	}
	f := m.search(p, act.FullName(), &bare, repo.Region, mode)
	m.memo.answers[k] = f
	return f
}

func (m *Model) everyIdentity(p *Principal, act *catalog.Action, mode Mode) found {
	return m.inEveryRegion(func(r string) found { return m.askIdentity(p, act, m.fresh(r), mode) })
}

// registryGoverns reports whether some region's registry policy has
// statements for the action and its scope covers it.
func (m *Model) registryGoverns(act *catalog.Action) bool {
	for _, g := range m.registries {
		if p := g.policyFor(act.FullName(), act); p != nil && m.memo.polFacts(p, act).relevant {
			return true
		}
	}
	return false
}

// policyRepos lists the repositories whose policy, or the registry policy
// that governs them, has statements for the action.
func (m *Model) policyRepos(act *catalog.Action) []int {
	if list, ok := m.memo.policyRepos[act.Index]; ok {
		return list
	}
	var list []int
	for i, r := range m.Repositories {
		if m.repoPolicyFacts(r, act).relevant {
			list = append(list, i)
		}
	}
	m.memo.policyRepos[act.Index] = list
	return list
}

// repoPolicyDenies reports whether the repository's resource policies have
// a Deny statement for the action.
func (m *Model) repoPolicyDenies(repo *Repository, act *catalog.Action) bool {
	own, reg := m.resourcePolicies(repo, act.FullName(), act)
	for _, pol := range []*eval.Policy{own, reg} {
		if pol == nil {
			continue
		}
		for i := 0; i < pol.Statements(); i++ {
			if pol.StatementActions(i).Has(act.Index) && pol.StatementAt(i).Effect == policy.Deny {
				return true
			}
		}
	}
	return false
}

// denyKey identifies whether a repository's resource policies' Deny
// statements apply to a principal (see repoDenyDecided).
type denyKey struct {
	pol, reg        *eval.Policy
	action          int
	mode            Mode
	class           principalClass
	who             string
	facet           string
	region, account string
	tags            string
	resClass        string // see resourceClass
}

type denyDecision struct{ decided, denied bool }

// repoDenyDecided tells whether the repository policy's Deny statements for
// the action read only what the principal and the repository fix (principal
// and resource keys, no policy variables): then whether they deny does not
// depend on the request, and one evaluation decides it for every request.
// decided is false when a Deny reads something the caller chooses; then
// the sides must be judged together.
func (m *Model) repoDenyDecided(p *Principal, repo *Repository, act *catalog.Action, mode Mode) (decided, denied bool) {
	own, reg := m.resourcePolicies(repo, act.FullName(), act)
	var keys []string
	principalSensitive := false
	var stmts []*policy.Statement
	for _, pol := range []*eval.Policy{own, reg} {
		if pol == nil {
			continue
		}
		for i := 0; i < pol.Statements(); i++ {
			if st := pol.StatementAt(i); st.Effect == policy.Deny && pol.StatementActions(i).Has(act.Index) {
				stmts = append(stmts, st)
			}
		}
	}
	if p.caller.Type == eval.Role && len(eval.ListedSessions([]*eval.Policy{own, reg}, p.ARN)) > 0 {
		// Which session the caller picks decides: judge jointly.
		return false, false
	}
	unread := mode == Free && !repo.TagsKnown
	world, readsTags := false, false
	for _, st := range stmts {
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
			// A role session's aws:userid ends in the name its caller picks.
			if !m.fixedKey(lower) || holderKey(p, lower) || (unread && isResourceTag(lower)) || lower == "aws:userid" && p.Kind == Role {
				return false, false
			}
			for _, v := range c.Values {
				if v.Unknown || strings.Contains(v.Text, "${") {
					return false, false
				}
			}
			switch {
			case isResourceTag(lower):
				readsTags = true
			case worldKeys[lower]:
				world = true
			default:
				keys = append(keys, lower)
			}
		}
	}
	k := denyKey{pol: own, reg: reg, action: act.Index, mode: mode, class: p.class(), facet: m.facet(p, keys), region: repo.Region, account: repo.Account,
		resClass: m.resourceClass(repo, m.repoPolicyFacts(repo, act))}
	if readsTags {
		// The registry policy is shared by every repository of its region:
		// a Deny of it that reads tags decides per set of tags.
		k.tags = tagsKey(repo, mode, true, nil)
	}
	if principalSensitive {
		k.who = p.ARN
	}
	if d, ok := m.memo.denies[k]; ok {
		return d.decided, d.denied
	}
	ctx := m.requestContext(p, repo, repo.Region, mode, world)
	ps := &eval.PolicySet{Resource: own, Registry: reg, ResourceAccount: m.Account, CallerAllowsAll: true}
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

// resourceKey identifies a resource-policy-side question.
type resourceKey struct {
	pol, reg        *eval.Policy
	region, account string
	action          int
	class           principalClass
	who             *Principal
	facet           string
	boundary        *eval.Policy
	tags            string
	mode            Mode
	resClass        string // see resourceClass
}

// resourceSide answers whether the repository's resource policies (its own
// and the registry's) alone grant p the action (with p's boundary, which
// limits grants to roles), once per class of principal.
func (m *Model) resourceSide(p *Principal, act *catalog.Action, repo *Repository, mode Mode) found {
	pf := m.repoPolicyFacts(repo, act)
	own, reg := m.resourcePolicies(repo, act.FullName(), act)
	k := resourceKey{pol: own, reg: reg, region: repo.Region, account: repo.Account, action: act.Index, class: p.class(), mode: mode,
		resClass: m.resourceClass(repo, pf)}
	allPrincipal, pkeys := pf.allPrincipal || m.namedBy(p, repo, own, reg), pf.principalKeys
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
	if f, ok := m.memo.resources[k]; ok {
		return f
	}
	ps := &eval.PolicySet{Resource: own, Registry: reg, ResourceAccount: m.Account}
	if p.caller.Type == eval.Role {
		ps.Boundary = p.Boundary
	}
	f := m.searchSet(p, act.FullName(), repo, repo.Region, mode, ps)
	m.memo.resources[k] = f
	return f
}

// namedBy reports whether one of the repository's resource policies (own,
// reg) names p by name (not as everyone).
func (m *Model) namedBy(p *Principal, repo *Repository, own, reg *eval.Policy) bool {
	return own != nil && repo.who.namesByName(p) || reg != nil && repo.registry.who.namesByName(p)
}

// searchSet evaluates one question against a given policy set. It changes
// nothing: a search that stops at its limit says so in its answer.
func (m *Model) searchSet(p *Principal, action string, repo *Repository, region string, mode Mode, ps *eval.PolicySet) found {
	resource := "*"
	if repo != nil {
		resource = repo.ARN
	}
	all := append(append([]*eval.Policy{ps.Resource, ps.Registry, ps.Boundary}, ps.Identity...), ps.SCPs...)
	all = append(all, ps.RCPs...)
	keep := func(pol *eval.Policy, si int) bool { return pol.ActionApplies(si, action) }
	if act := m.action(action); act != nil {
		keep = func(pol *eval.Policy, si int) bool { return pol.StatementActions(si).Has(act.Index) }
	}
	mentions := eval.Mentions(all, keep)
	ctx := m.requestContext(p, repo, region, mode, m.readsWorld(mentions, all))
	// Tags that were not read are unknown, not absent (docs/semantics.md): in
	// mode Free the search chooses them. NoMFA takes them as absent.
	unread := mode == Free && repo != nil && !repo.TagsKnown
	fixed := mfaOptions(p, mode)
	var dims []eval.Dimension
	if m.needsWorldDimensions(mentions, unread) {
		dims = m.worldDimensions(ctx, mentions, unread, repo == nil || repo.Account == m.Account)
	}
	act := m.action(action)
	sp := eval.Space{Fixed: fixed, Dimensions: dims, Limit: m.memo.limit, Free: func(lower string) bool {
		if act != nil && !act.Carries(lower) {
			return false
		}
		if unread && isResourceTag(lower) || holderKey(p, lower) {
			return true
		}
		return !m.fixedKey(lower)
	}}
	if p.Kind == Attached {
		sp.Names = holderNames(p)
	}
	caller := p.caller
	worlds := linkedWorlds(fixed, mentions)
	search := func() found {
		var f found
		for _, w := range worlds {
			sp.Fixed = w
			r := eval.Search(ps, &eval.Request{Principal: caller, Action: action, Resource: resource, Context: ctx}, sp)
			if f = either(f, found{w: r.Witness, cut: r.Truncated && r.Witness == nil}); f.w != nil {
				break
			}
		}
		return f
	}
	if p.Kind != Role {
		return search()
	}
	// A role's caller picks its session name, the same for every
	// statement (IAM User Guide, "AWS global condition context keys":
	// aws:userid is the role's unique id, a colon and the session name).
	// Each session a resource policy lists is a caller of its own; the
	// search picks among the other names (where the id is known).
	// A role whose id the inputs do not give (Terraform, CloudFormation)
	// has one ecrguard makes up: a policy that names a role's id in its
	// source names an unknown value there, whose statements are judged
	// as unknown.
	listed := eval.ListedSessions([]*eval.Policy{ps.Resource, ps.Registry}, caller.ARN)
	id := p.ID
	if id == "" {
		id = unknownRoleID
	}
	var f found
	for _, name := range listed {
		caller.Session = name
		ctx.Set("aws:userid", id+":"+name)
		if f = search(); f.w != nil {
			return f
		}
	}
	fresh := eval.Unlisted(eval.FreshValue, listed)
	if len(listed) > 0 {
		caller.Session = fresh
	}
	ctx.Set("aws:userid", id+":"+fresh)
	sp.Names = []eval.Name{{Fresh: fresh, Keys: []eval.NameKey{{Key: "aws:userid", Prefix: id + ":"}}, Except: listed, Shape: eval.SessionNames}}
	cut := f.cut
	f = search()
	f.cut = f.cut || cut && f.w == nil
	return f
}

// freshOrgPath is a path in the organization that no policy names: the
// account's place in its organization is not known.
const freshOrgPath = "/r-ecrg/ou-ecrg-00000000/"

// needsWorldDimensions reports whether worldDimensions has work: a
// condition on aws:ResourceOrgPaths or aws:PrincipalOrgPaths with the
// organization known, or on a resource tag that was not read.
func (m *Model) needsWorldDimensions(mentions []eval.Mention, unread bool) bool {
	for _, mn := range mentions {
		lower := strings.ToLower(mn.Key)
		if orgPathKeys[lower] && m.OrgID != "" || unread && isResourceTag(lower) {
			return true
		}
	}
	return false
}

// orgPathKeys are the keys of the account's place in its organization.
var orgPathKeys = map[string]bool{"aws:resourceorgpaths": true, "aws:principalorgpaths": true}

// worldDimensions returns the options of the keys the world fixes but the
// inputs do not say, each a dimension of the search that sets its keys
// together (chosen when a statement the search keeps reads one of them):
//
//   - aws:ResourceOrgPaths and aws:PrincipalOrgPaths, when the
//     organization is known: one path inside it, each a policy names or a
//     fresh one (its place in the organization is not known); the same
//     path for both where the repository is the account's own, which its
//     principals' account is (IAM User Guide, "AWS global condition
//     context keys": a member account's principals carry its path);
//   - with unread tags, each resource tag the statements read: one
//     dimension per tag name setting ecr:ResourceTag/NAME and
//     aws:ResourceTag/NAME together (they are the same tag).
//
// A value with policy variables that ctx, the request's context, fixes
// (ecr:ResourceTag/team = ${aws:PrincipalTag/team}) is tried as the
// request resolves it (see splitVariables).
func (m *Model) worldDimensions(ctx *eval.Context, mentions []eval.Mention, unread, own bool) []eval.Dimension {
	type tag struct {
		name  string // the tag name as first written
		tests []eval.KeyTest
	}
	tags := map[string]*tag{}
	var order []string
	var paths []eval.Mention
	for _, mn := range mentions {
		lower := strings.ToLower(mn.Key)
		switch {
		case orgPathKeys[lower] && m.OrgID != "":
			paths = append(paths, mn)
		case unread && isResourceTag(lower):
			name := lower[strings.IndexByte(lower, '/')+1:]
			t := tags[name]
			if t == nil {
				t = &tag{name: mn.Key[strings.IndexByte(mn.Key, '/')+1:]}
				tags[name] = t
				order = append(order, name)
			}
			t.tests = append(t.tests, splitVariables(mn.Tests, ctx)...)
		}
	}
	var dims []eval.Dimension
	if own && len(paths) > 0 {
		dims = append(dims, m.orgPathDimension(paths, ctx))
	} else {
		for _, mn := range paths {
			dims = append(dims, m.orgPathDimension([]eval.Mention{mn}, ctx))
		}
	}
	for _, name := range order {
		t := tags[name]
		d := eval.Space{}.KeyOptions([]eval.Mention{{Key: "ecr:ResourceTag/" + t.name, Tests: t.tests}})
		var both eval.Dimension
		for _, opt := range d[0] {
			var o eval.Option
			for _, a := range opt {
				o = append(o, a, eval.Assignment{Key: "aws:ResourceTag/" + t.name, Absent: a.Absent, Values: a.Values})
			}
			both = append(both, o)
		}
		dims = append(dims, both)
	}
	return dims
}

// orgPathDimension returns the options of the org-path keys of mentions,
// which hold one path, set together: each path inside the organization
// their tests set apart, and a fresh one.
func (m *Model) orgPathDimension(mentions []eval.Mention, ctx *eval.Context) eval.Dimension {
	// A test of the organization's prefix keeps the paths inside it apart
	// from those outside, which KeyOptions would otherwise take for them
	// where the tests treat them alike.
	tests := []eval.KeyTest{{Operator: "StringLike", Family: policy.FamilyString.String(), Values: []string{m.OrgID + "/*"}}}
	for _, mn := range mentions {
		tests = append(tests, splitVariables(mn.Tests, ctx)...)
	}
	prefix := strings.ToLower(m.OrgID) + "/"
	var opts eval.Dimension
	all := func(path string) eval.Option {
		var o eval.Option
		for _, mn := range mentions {
			o = append(o, eval.Assignment{Key: mn.Key, Values: []string{path}})
		}
		return o
	}
	d := eval.Space{}.KeyOptions([]eval.Mention{{Key: mentions[0].Key, Tests: tests}})
	for _, opt := range d[0] {
		if a := opt[0]; len(opt) == 1 && !a.Absent && len(a.Values) == 1 && strings.HasPrefix(strings.ToLower(a.Values[0]), prefix) {
			opts = append(opts, all(a.Values[0]))
		}
	}
	return append(opts, all(m.OrgID+freshOrgPath))
}

// splitVariables returns tests that split a key's values where tests do
// as a request with ctx evaluates them: eval.Space.KeyOptions takes the
// values with policy variables literally, and keeps one value of the
// values alike to every test, which may be such a literal a request never
// matches. So each test's values with variables go to a test of their own
// (they are literal text under the policy language of 2008), and resolved
// by ctx to another, apart from its literal values.
func splitVariables(tests []eval.KeyTest, ctx *eval.Context) []eval.KeyTest {
	var out []eval.KeyTest
	for _, kt := range tests {
		var lit, vars, resolved []string
		for _, v := range kt.Values {
			if !strings.Contains(v, "${") {
				lit = append(lit, v)
				continue
			}
			vars = append(vars, v)
			if r, ok := eval.Resolve(v, ctx); ok && r != v {
				resolved = append(resolved, r)
			}
		}
		for _, vals := range [][]string{lit, vars, resolved} {
			if len(vals) > 0 {
				out = append(out, eval.KeyTest{Operator: kt.Operator, Family: kt.Family, Values: vals})
			}
		}
	}
	return out
}

// requestContext is what p's requests on repo (nil for "*") in region
// carry before anything is searched: who p is (p's base context), in mode
// Free the repository's tags when they were read, and when world is true
// the keys the world fixes (docs/semantics.md, "Keys fixed by the world"):
// the time of the scan (aws:CurrentTime, aws:EpochTime), the region
// (aws:RequestedRegion), HTTPS (aws:SecureTransport true: ECR takes no
// other), the resource's owner (aws:ResourceAccount; for "*", the caller's
// own registry) and its organization when known. Every
// request carries those (IAM User Guide, "AWS global condition context
// keys"); they are left out when no statement reads them, only to keep the
// proofs, which the memo holds by the thousand, small.
func (m *Model) requestContext(p *Principal, repo *Repository, region string, mode Mode, world bool) *eval.Context {
	ctx := p.base.Clone()
	owner := p.Account
	if repo != nil {
		owner = repo.Account
		if mode == Free {
			for k, v := range repo.Tags {
				ctx.Set("ecr:ResourceTag/"+k, v)
				ctx.Set("aws:ResourceTag/"+k, v)
			}
		}
	}
	if !world {
		return ctx
	}
	ctx.Set("aws:RequestedRegion", region)
	eval.DeriveWorld(ctx, m.At)
	ctx.Set("aws:ResourceAccount", owner)
	if m.OrgID != "" && owner == m.Account {
		ctx.Set("aws:ResourceOrgID", m.OrgID)
	}
	return ctx
}

// readsWorld reports whether the statements can read a key the world
// fixes: a condition on one, or a policy variable naming one.
func (m *Model) readsWorld(mentions []eval.Mention, pols []*eval.Policy) bool {
	for _, mn := range mentions {
		if worldKeys[strings.ToLower(mn.Key)] {
			return true
		}
	}
	for _, pol := range pols {
		if pol != nil && m.memo.worldVariables(pol) {
			return true
		}
	}
	return false
}

// worldKeys are the keys of a proof's request that the repository and the
// world fixed (besides tags), carried over when it is explained.
var worldKeys = map[string]bool{"aws:resourceaccount": true, "aws:requestedregion": true, "aws:resourceorgid": true,
	"aws:currenttime": true, "aws:epochtime": true, "aws:securetransport": true}

// UnreadTags returns the repository tags a proof assumed because they were
// not read (as "ecr:ResourceTag/NAME = VALUE" or "... absent"): the grant
// depends on them. It is empty when the proof depends on no unread tag.
func UnreadTags(w *eval.Witness) []string {
	if w == nil {
		return nil
	}
	var out []string
	for _, a := range w.Chosen {
		if strings.HasPrefix(strings.ToLower(a.Key), "ecr:resourcetag/") {
			out = append(out, a.String())
		}
	}
	return out
}

// Explain re-derives a proof for p: answers are shared between principals
// whose statements have the same content, so a shared proof may name
// another principal's (identical) inline policy. Explain evaluates the
// proof's request as p, so that the matched statements are p's own. It
// returns w unchanged when w is already p's.
func (m *Model) Explain(p *Principal, w *eval.Witness) *eval.Witness {
	if w == nil {
		return w
	}
	if p.alt != nil && w.Request.Principal.Type == p.alt.caller.Type {
		p = p.alt
	}
	caller := p.caller
	caller.Session = w.Request.Principal.Session // a session its policies list
	if w.Request.Principal == caller {
		return w
	}
	owner := ""
	if a, ok := policy.ParseARN(w.Request.Resource); ok {
		owner = a.Account
	}
	ps := m.identitySet(p, owner == m.Account)
	ctx := p.base.Clone()
	for _, k := range w.Request.Context.Keys() {
		if isResourceTag(k) || worldKeys[k] {
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
	req := eval.Request{Principal: caller, Action: w.Request.Action, Resource: w.Request.Resource, Context: ctx}
	// The principal's own policies first: when they grant it, the proof
	// does not cite the policy of whichever repository the shared answer
	// happened to be asked about.
	d := eval.Evaluate(ps, &req)
	if d.Result != eval.Allow && w.Request.Resource != "*" {
		r := m.Repository(w.Request.Resource)
		if r == nil {
			r = m.Transient(w.Request.Resource)
		}
		ps.Resource, ps.Registry = m.resourcePolicies(r, w.Request.Action, m.action(w.Request.Action))
		if ps.Resource != nil || ps.Registry != nil {
			d = eval.Evaluate(ps, &req)
		}
	}
	if d.Result != eval.Allow {
		// Cannot happen when the statements are equal; keep the shared
		// proof rather than none.
		return w
	}
	return &eval.Witness{Request: req, Chosen: w.Chosen, Decision: d}
}
