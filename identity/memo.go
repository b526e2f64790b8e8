package identity

import (
	"sort"
	"strings"

	"github.com/ecrguard/ecrguard/catalog"
	"github.com/ecrguard/ecrguard/eval"
	"github.com/ecrguard/ecrguard/policy"
)

// An account has thousands of principals and hundreds of repositories, but
// few distinct questions: principals share managed policies, and most
// repositories look alike to a given set of statements. The memo below keys
// each question by what its answer can depend on, so that each distinct
// policy set and each distinct repository class is evaluated once:
//
//   - the statements that can apply to the action (identity policies,
//     boundary, SCPs), interned as a signature;
//   - the principal itself only when those statements, or the repository
//     policy, look at who it is (aws:PrincipalArn, tags, variables, a
//     Principal element naming it); otherwise only its type;
//   - for the repository: which of the statements' resource patterns match
//     its ARN, its tags only when a condition looks at resource tags, and
//     its policy only when that policy has statements for the action.

// stmtFacts is what an evaluation of one statement can depend on.
type stmtFacts struct {
	// content is the statement's meaning as canonical text (its Sid left
	// out): two statements with equal content decide alike.
	content string
	// denyAll: an unconditional Deny on every resource.
	denyAll bool
	reads
}

// reads is what of the resource and the principal statements read.
type reads struct {
	// patterns are the Resource/NotResource patterns; nil when the
	// statements apply to every resource.
	patterns []string
	// opaque: the resource match depends on more than the ARN (unknown
	// values, policy variables).
	opaque bool
	// principalKeys are the principal's keys the statements read (lower
	// case); allPrincipal when they depend on the principal in other ways.
	principalKeys []string
	allPrincipal  bool
	// tagKeys are the repository tag names their conditions read (lower
	// case); allTags when they may read any.
	tagKeys []string
	allTags bool
}

// add adds what o reads to r; seenPat holds r's patterns.
func (r *reads) add(o reads, seenPat map[string]bool) {
	r.opaque = r.opaque || o.opaque
	r.allPrincipal = r.allPrincipal || o.allPrincipal
	r.allTags = r.allTags || o.allTags
	r.principalKeys = append(r.principalKeys, o.principalKeys...)
	r.tagKeys = append(r.tagKeys, o.tagKeys...)
	for _, pat := range o.patterns {
		if !seenPat[pat] {
			seenPat[pat] = true
			r.patterns = append(r.patterns, pat)
		}
	}
}

type stmtRef struct {
	pol *eval.Policy
	idx int
}

// relevant is the set of identity-side statements that can apply to one
// action for one principal.
type relevant struct {
	// hasDeny: a Deny statement of the identity policies, boundary or SCPs
	// can apply; scpAllows: every SCP level allows the action with no
	// condition on every resource. Together they decide whether a repository
	// policy's grant can be judged apart from the identity side.
	hasDeny   bool
	scpAllows bool
	// denyAll: an unconditional Deny of the action on every resource: the
	// answer is no, whatever else.
	denyAll bool
	sig     int
	// reads is what the statements read together.
	reads
}

// memoKey identifies a question up to what its answer depends on.
type memoKey struct {
	sig           int
	who           *Principal
	facet         string
	class         principalClass
	serviceLinked bool
	bits          uint64
	repoARN       string
	tags          string
	pol, reg      *eval.Policy
	// resClass is which of pol's and reg's resource patterns match (see
	// resourceClass).
	resClass string
	star     bool
	// region and account are aws:RequestedRegion and aws:ResourceAccount.
	region, account string
	mode            Mode
	action          int
}

type memo struct {
	facts       map[stmtRef]*stmtFacts
	sigs        map[string]int
	rel         map[*Principal]map[int]*relevant
	patternBits map[string][]bool
	answers     map[memoKey]found
	ids         map[*eval.Policy]int
	allow       map[*eval.Policy]catalog.ActionSet
	actions     map[string]*catalog.Action
	// principalAllow caches, per principal, what its identity policies can
	// allow.
	principalAllow map[*Principal]catalog.ActionSet
	vectors        map[vectorKey]vector
	resources      map[resourceKey]found
	policyRepos    map[int][]int
	repoFacts      map[repoFactKey]polFact
	polFactsOf     map[repoFactKey]polFact
	denies         map[denyKey]denyDecision
	variables      map[*eval.Policy]bool
	// off disables the memo (tests compare answers with and without it).
	off bool
	// limit bounds the evaluations of one search (0: eval.DefaultLimit);
	// tests lower it to reach the limit with small policies.
	limit int
}

func (mm *memo) allowActions(p *eval.Policy) catalog.ActionSet {
	if s, ok := mm.allow[p]; ok {
		return s
	}
	s := p.AllowActions()
	mm.allow[p] = s
	return s
}

// worldVariables reports whether a policy has a policy variable that names
// a key the world fixes (${aws:RequestedRegion}, …) anywhere values are
// resolved (Resource, NotResource, condition values).
func (mm *memo) worldVariables(p *eval.Policy) bool {
	if v, ok := mm.variables[p]; ok {
		return v
	}
	has := false
	check := func(text string) {
		for _, name := range variableNames(text) {
			has = has || worldKeys[name]
		}
	}
	if p.Doc.VariablesEnabled() {
		for i := 0; i < p.Statements() && !has; i++ {
			st := p.StatementAt(i)
			for _, vs := range [][]policy.Value{st.Resource, st.NotResource} {
				for _, v := range vs {
					check(v.Text)
				}
			}
			for _, c := range st.Conditions {
				for _, v := range c.Values {
					check(v.Text)
				}
			}
		}
	}
	mm.variables[p] = has
	return has
}

func newMemo() *memo {
	return &memo{
		facts: map[stmtRef]*stmtFacts{}, sigs: map[string]int{}, rel: map[*Principal]map[int]*relevant{},
		patternBits: map[string][]bool{}, answers: map[memoKey]found{},
		ids: map[*eval.Policy]int{}, allow: map[*eval.Policy]catalog.ActionSet{}, actions: map[string]*catalog.Action{},
		principalAllow: map[*Principal]catalog.ActionSet{},
		vectors:        map[vectorKey]vector{}, resources: map[resourceKey]found{}, policyRepos: map[int][]int{},
		repoFacts: map[repoFactKey]polFact{}, polFactsOf: map[repoFactKey]polFact{}, denies: map[denyKey]denyDecision{},
		variables: map[*eval.Policy]bool{},
	}
}

var principalKeys = map[string]bool{"aws:principalarn": true, "aws:userid": true, "aws:username": true}

func factsOf(s *policy.Statement, vars bool) *stmtFacts {
	f := &stmtFacts{}
	res := s.Resource
	if s.NotResource != nil {
		res = s.NotResource
	}
	star := false
	for _, r := range res {
		switch {
		case r.Unknown:
			f.opaque, f.allPrincipal = true, true
		case vars && strings.Contains(r.Text, "${"):
			f.opaque = true
			f.readVariables(r.Text)
		case r.Text == "*" && s.NotResource == nil:
			star = true
		default:
			f.patterns = append(f.patterns, r.Text)
		}
	}
	if star {
		f.patterns = nil
	}
	if res == nil {
		f.opaque = true // no Resource: invalid in an identity policy, judged per request
	}
	for _, c := range s.Conditions {
		k := strings.ToLower(c.Key)
		switch {
		case principalKeys[k] || strings.HasPrefix(k, "aws:principaltag/"):
			f.principalKeys = append(f.principalKeys, k)
		case isResourceTag(k):
			f.tagKeys = append(f.tagKeys, k[strings.IndexByte(k, '/')+1:])
		}
		for _, v := range c.Values {
			switch {
			case v.Unknown:
				f.allPrincipal, f.allTags = true, true
			case vars && strings.Contains(v.Text, "${"):
				f.readVariables(v.Text)
			}
		}
	}
	return f
}

// readVariables records what the policy variables of a value read.
func (f *stmtFacts) readVariables(text string) {
	for _, name := range variableNames(text) {
		switch {
		case name == "*" || name == "?" || name == "$":
		case principalKeys[name] || strings.HasPrefix(name, "aws:principal"):
			f.principalKeys = append(f.principalKeys, name)
		case isResourceTag(name):
			f.tagKeys = append(f.tagKeys, name[strings.IndexByte(name, '/')+1:])
		default:
			// A request key (chosen in the search) or something unusual:
			// do not share the answer.
			f.allPrincipal, f.allTags = true, true
		}
	}
}

// variableNames returns the keys the policy variables of a value name,
// lower-cased, defaults dropped (${aws:PrincipalTag/team, 'x'} names
// aws:principaltag/team; ${*} names "*").
func variableNames(text string) []string {
	var out []string
	for {
		i := strings.Index(text, "${")
		if i < 0 {
			return out
		}
		j := strings.IndexByte(text[i:], '}')
		if j < 0 {
			return out
		}
		name := strings.ToLower(strings.TrimSpace(text[i+2 : i+j]))
		if k := strings.IndexByte(name, ','); k >= 0 {
			name = strings.TrimSpace(name[:k])
		}
		out = append(out, name)
		text = text[i+j+1:]
	}
}

func (mm *memo) facts1(pol *eval.Policy, i int) *stmtFacts {
	ref := stmtRef{pol, i}
	if f, ok := mm.facts[ref]; ok {
		return f
	}
	st := pol.StatementAt(i)
	f := factsOf(st, pol.Doc.VariablesEnabled())
	bare := *st
	bare.Sid, bare.Index = "", 0
	text, err := policy.Marshal(&policy.Document{Version: pol.Doc.Version, Statements: []*policy.Statement{&bare}})
	if err != nil {
		// Cannot happen for a decoded statement; never share its answers.
		text = []byte(itoa(mm.policyID(pol)) + "#" + itoa(i))
	}
	for _, v := range append(append([]policy.Value(nil), st.Action...), st.NotAction...) {
		if v.Unknown {
			text = append(text, "#unknown"+itoa(mm.policyID(pol))...)
		}
	}
	f.content = string(text)
	f.denyAll = st.Effect == policy.Deny && len(st.Conditions) == 0 && f.patterns == nil && !f.opaque && st.NotResource == nil
	mm.facts[ref] = f
	return f
}

// relevantFor collects the identity-side statements that can apply to the
// action, and interns their set.
func (m *Model) relevantFor(p *Principal, act *catalog.Action) *relevant {
	mm := m.memo
	byAct := mm.rel[p]
	if byAct == nil {
		byAct = map[int]*relevant{}
		mm.rel[p] = byAct
	}
	if r, ok := byAct[act.Index]; ok {
		return r
	}
	r := &relevant{}
	var refs []string
	seenPat := map[string]bool{}
	// addStatements adds the policy's statements for the action (with
	// denyOnly, its Deny statements only).
	addStatements := func(pol *eval.Policy, tag string, denyOnly bool) {
		if pol == nil {
			return
		}
		for i := 0; i < pol.Statements(); i++ {
			if !pol.StatementActions(i).Has(act.Index) {
				continue
			}
			deny := pol.StatementAt(i).Effect == policy.Deny
			if denyOnly && !deny {
				continue
			}
			f := mm.facts1(pol, i)
			if deny {
				r.hasDeny = true
				r.denyAll = r.denyAll || f.denyAll
			}
			refs = append(refs, tag+f.content)
			r.reads.add(f.reads, seenPat)
		}
	}
	add := func(pol *eval.Policy, tag string) { addStatements(pol, tag, false) }
	addDenies := func(pol *eval.Policy, tag string) { addStatements(pol, tag, true) }
	for _, pol := range p.Identity {
		add(pol, "i:")
	}
	if p.Boundary != nil {
		// A boundary with no statement for the action still decides: it
		// denies it implicitly. Its presence is part of the signature.
		refs = append(refs, "B:present")
	}
	add(p.Boundary, "b:")
	r.scpAllows = true
	if !p.ServiceLinked {
		for _, pol := range m.SCPs {
			add(pol, "s:")
			if !allowsUnconditionally(pol, act) {
				r.scpAllows = false
			}
		}
		if catalog.Default().RepositorySet().Has(act.Index) {
			// The RCPs' Deny statements govern every request to a
			// repository: they tie the identity side to the resource side
			// as an identity Deny does (hasDeny). Their Allow statements
			// count for nothing (eval.PolicySet.RCPs).
			for _, pol := range m.RCPs {
				addDenies(pol, "r:")
			}
		}
	}
	sort.Strings(refs)
	sort.Strings(r.patterns)
	r.principalKeys = uniqueSorted(r.principalKeys)
	r.tagKeys = uniqueSorted(r.tagKeys)
	sig := strings.Join(refs, "\n")
	id, ok := mm.sigs[sig]
	if !ok {
		id = len(mm.sigs)
		mm.sigs[sig] = id
	}
	r.sig = id
	byAct[act.Index] = r
	return r
}

// policyID numbers compiled policies, so that two inline policies of the
// same name (of different principals) differ and a managed policy shared by
// many principals is one.
func (mm *memo) policyID(p *eval.Policy) int {
	id, ok := mm.ids[p]
	if !ok {
		id = len(mm.ids) + 1
		mm.ids[p] = id
	}
	return id
}

// polFact is what a repository policy's statements for one action read.
type polFact struct {
	relevant      bool
	allPrincipal  bool
	principalKeys []string
	allTags       bool
	tagKeys       []string
	// patterns are the Resource/NotResource patterns of the statements
	// for the action; opaque when which repositories they match depends on
	// more than the ARN. A registry policy is shared by the repositories of
	// its region, and its statements need not match them all.
	patterns []string
	opaque   bool
}

// repoFactKey identifies a policy's facts for one action: of one resource
// policy (pol), or of a repository's resource policies together (repo).
type repoFactKey struct {
	repo   *Repository
	pol    *eval.Policy
	action int
}

// polFacts tells whether a resource policy has statements for the action
// and what they read of the principal and of resource tags.
func (mm *memo) polFacts(pol *eval.Policy, act *catalog.Action) polFact {
	fk := repoFactKey{pol: pol, action: act.Index}
	if pf, ok := mm.polFactsOf[fk]; ok {
		return pf
	}
	var pf polFact
	for i := 0; i < pol.Statements(); i++ {
		if !pol.StatementActions(i).Has(act.Index) {
			continue
		}
		pf.relevant = true
		f := mm.facts1(pol, i)
		// NotPrincipal exempts by ARN: the answer depends on who asks.
		pf.allPrincipal = pf.allPrincipal || f.allPrincipal || pol.StatementAt(i).NotPrincipal != nil
		pf.principalKeys = append(pf.principalKeys, f.principalKeys...)
		pf.allTags = pf.allTags || f.allTags
		pf.tagKeys = append(pf.tagKeys, f.tagKeys...)
		// A resource policy's statement without Resource applies to the
		// resource it is attached to.
		if st := pol.StatementAt(i); st.Resource != nil || st.NotResource != nil {
			pf.patterns = append(pf.patterns, f.patterns...)
			pf.opaque = pf.opaque || f.opaque
		}
	}
	mm.polFactsOf[fk] = pf
	return pf
}

// repoPolicyFacts tells whether the repository's resource policies (its own
// and the registry policy that governs the action) have statements for the
// action and what they read of the principal and of resource tags.
func (m *Model) repoPolicyFacts(repo *Repository, act *catalog.Action) polFact {
	fk := repoFactKey{repo: repo, action: act.Index}
	if pf, ok := m.memo.repoFacts[fk]; ok {
		return pf
	}
	var pf polFact
	own, reg := m.resourcePolicies(repo, act.FullName(), act)
	for _, pol := range []*eval.Policy{own, reg} {
		if pol == nil {
			continue
		}
		f := m.memo.polFacts(pol, act)
		pf.relevant = pf.relevant || f.relevant
		pf.allPrincipal = pf.allPrincipal || f.allPrincipal
		pf.principalKeys = append(pf.principalKeys, f.principalKeys...)
		pf.allTags = pf.allTags || f.allTags
		pf.tagKeys = append(pf.tagKeys, f.tagKeys...)
		pf.patterns = append(pf.patterns, f.patterns...)
		pf.opaque = pf.opaque || f.opaque
	}
	m.memo.repoFacts[fk] = pf
	return pf
}

// resourceClass renders which of the resource policies' patterns (pf)
// match the repository: repositories of one class look alike to their
// Resource elements. It is the ARN when the match depends on more.
func (m *Model) resourceClass(repo *Repository, pf polFact) string {
	if pf.opaque {
		return repo.ARN
	}
	b := make([]byte, len(pf.patterns))
	for i, pat := range pf.patterns {
		b[i] = '0'
		if m.patternMatches(pat, repo) {
			b[i] = '1'
		}
	}
	return string(b)
}

// patternMatches reports whether pattern matches the repository, from a
// per-pattern table over the model's repositories.
func (m *Model) patternMatches(pattern string, repo *Repository) bool {
	if repo.index < 0 {
		return policy.MatchARN(pattern, repo.ARN)
	}
	return m.patternTable(pattern)[repo.index]
}

// patternTable says, for each repository of the model, whether pattern
// matches its ARN; computed once per pattern.
func (m *Model) patternTable(pattern string) []bool {
	bits := m.memo.patternBits[pattern]
	if bits == nil {
		bits = make([]bool, len(m.Repositories))
		for i, r := range m.Repositories {
			bits[i] = policy.MatchARN(pattern, r.ARN)
		}
		m.memo.patternBits[pattern] = bits
	}
	return bits
}

// key builds the memo key of a question on repo (nil: "*") in region.
func (m *Model) key(p *Principal, act *catalog.Action, repo *Repository, region string, mode Mode) memoKey {
	rel := m.relevantFor(p, act)
	k := memoKey{sig: rel.sig, class: p.class(), serviceLinked: p.ServiceLinked, mode: mode, action: act.Index, region: region, account: p.Account}
	allPrincipal, pkeys := rel.allPrincipal, rel.principalKeys
	allTags, tkeys := rel.allTags, rel.tagKeys
	if repo == nil {
		k.star = true
	} else {
		k.account = repo.Account
		if rel.opaque || len(rel.patterns) > 64 {
			k.repoARN = repo.ARN
		} else {
			for i, pat := range rel.patterns {
				if m.patternMatches(pat, repo) {
					k.bits |= 1 << uint(i)
				}
			}
		}
		if own, reg := m.resourcePolicies(repo, act.FullName(), act); own != nil || reg != nil {
			if pf := m.repoPolicyFacts(repo, act); pf.relevant {
				k.pol, k.reg = own, reg
				k.resClass = m.resourceClass(repo, pf)
				if pf.allPrincipal || m.namedBy(p, repo, own, reg) {
					allPrincipal = true
				}
				pkeys = append(pkeys, pf.principalKeys...)
				allTags = allTags || pf.allTags
				tkeys = append(tkeys, pf.tagKeys...)
			}
		}
		k.tags = tagsKey(repo, mode, allTags, tkeys)
	}
	switch {
	case allPrincipal:
		k.who = p
	case len(pkeys) > 0:
		k.facet = m.facet(p, pkeys)
	}
	return k
}

// facet renders the values of the principal's keys that statements read.
func (m *Model) facet(p *Principal, keys []string) string {
	var b strings.Builder
	for _, k := range uniqueSorted(keys) {
		vals, ok := p.base.Get(k)
		b.WriteString(k)
		if ok {
			b.WriteByte('=')
			b.WriteString(strings.Join(vals, "\x01"))
		}
		b.WriteByte(0)
	}
	return b.String()
}

func uniqueSorted(in []string) []string {
	if len(in) < 2 {
		return in
	}
	out := append([]string(nil), in...)
	sort.Strings(out)
	n := 1
	for i := 1; i < len(out); i++ {
		if out[i] != out[n-1] {
			out[n] = out[i]
			n++
		}
	}
	return out[:n]
}

// tagsKey is the part of a memo key that the repository's tags make: in
// mode Free, the tags the statements read (all of them when all), or that
// they were not read; in NoMFA the tags are absent, and nothing.
func tagsKey(repo *Repository, mode Mode, all bool, keys []string) string {
	switch {
	case mode != Free:
		return ""
	case !repo.TagsKnown && (all || len(keys) > 0):
		return "\x00unread"
	case all:
		return canonicalTags(repo.Tags, nil)
	case len(keys) > 0:
		return canonicalTags(repo.Tags, keys)
	}
	return ""
}

// canonicalTags renders the repository's tags that matter: those named in
// only (tag keys are compared case-insensitively), or all of them.
func canonicalTags(tags map[string]string, only []string) string {
	if len(tags) == 0 {
		return ""
	}
	keys := make([]string, 0, len(tags))
	for k := range tags {
		if only != nil && !containsFold(only, k) {
			continue
		}
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var b strings.Builder
	for _, k := range keys {
		b.WriteString(k)
		b.WriteByte(0)
		b.WriteString(tags[k])
		b.WriteByte(0)
	}
	return b.String()
}

func itoa(i int) string {
	if i == 0 {
		return "0"
	}
	var b [20]byte
	n := len(b)
	for i > 0 {
		n--
		b[n] = byte('0' + i%10)
		i /= 10
	}
	return string(b[n:])
}

func containsFold(list []string, s string) bool {
	for _, x := range list {
		if strings.EqualFold(x, s) {
			return true
		}
	}
	return false
}

// allowsUnconditionally reports whether an SCP has an Allow statement for
// the action on every resource with no condition.
func allowsUnconditionally(pol *eval.Policy, act *catalog.Action) bool {
	for i := 0; i < pol.Statements(); i++ {
		s := pol.StatementAt(i)
		if s.Effect != policy.Allow || len(s.Conditions) > 0 || s.NotResource != nil || !pol.StatementActions(i).Has(act.Index) {
			continue
		}
		for _, r := range s.Resource {
			if r.Text == "*" && !r.Unknown {
				return true
			}
		}
	}
	return false
}
