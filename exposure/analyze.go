package exposure

import (
	"cmp"
	"iter"
	"maps"
	"runtime"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/ecrguard/ecrguard/catalog"
	"github.com/ecrguard/ecrguard/eval"
	"github.com/ecrguard/ecrguard/policy"
)

// Kind is what a resource policy is attached to.
type Kind uint8

// Target kinds.
const (
	Repository Kind = iota
	Registry
	// Template is a repository creation template: its policy is judged
	// as the policy of the repositories it will create.
	Template
	// Public is an ECR Public repository: its policy governs the
	// ecr-public actions.
	Public
)

func (k Kind) String() string {
	switch k {
	case Registry:
		return "registry"
	case Template:
		return "repository creation template"
	case Public:
		return "public repository"
	}
	return "repository"
}

// Target is one resource policy to judge.
type Target struct {
	Kind Kind
	// ARN is the repository ARN, the registry's
	// arn:aws:ecr:REGION:ACCOUNT:registry, the template's
	// arn:aws:ecr:REGION:ACCOUNT:repository-creation-template/PREFIX, or
	// the public repository's arn:aws:ecr-public::ACCOUNT:repository/NAME.
	ARN     string
	Account string
	Region  string
	// Repository is the repository's name (Kind Repository and Public).
	Repository string
	// Prefix is a template's prefix, "ROOT" for the default template;
	// Claimed are the prefixes of the other templates that take
	// repositories under it (the more specific ones; for ROOT, all): the
	// template creates the repositories under Prefix/ that none of them
	// claims (Kind Template).
	Prefix  string
	Claimed []string
	Policy  *eval.Policy
	// Scope is the registry policy scope, V1 or V2 (Kind Registry).
	Scope string
	// OrgID and OrgPaths are the owner's organization, when known
	// (aws:ResourceOrgID, aws:ResourceOrgPaths).
	OrgID    string
	OrgPaths []string
	// At is the time of the requests judged (aws:CurrentTime); zero is
	// now.
	At time.Time
	// RCPs are the resource control policies over the owner's account, one
	// per level (root first); none for the management account, whose
	// resources RCPs do not govern. Their Deny statements limit every
	// request judged (eval.PolicySet.RCPs).
	RCPs []*eval.Policy
	// Registry is the policy of the registry the repositories are in (Kind
	// Repository and Template), nil when it has none; RegistryScope is its
	// scope, V1 or V2. ECR enforces a V2 registry policy in every ECR
	// request (ECR User Guide, "Private registry permissions in Amazon
	// ECR"): its Deny statements limit every request judged, as the
	// repository policy's own would (eval.PolicySet.Registry). With scope
	// V1 only its Denies of the three actions V1 governs count. Its grants
	// are judged on the registry (Kind Registry), not here.
	Registry      *eval.Policy
	RegistryScope string
}

// Proof is an allowed request that demonstrates an access, and the actions
// it stands for (actions the policy cannot tell apart).
type Proof struct {
	Actions catalog.ActionSet
	Witness *eval.Witness
}

// Access is what one class of principal can do.
type Access struct {
	Actions catalog.ActionSet
	// Principals maps each principal, as the policy names it (a full ARN,
	// arn:aws:iam::ACCOUNT:root for a whole account, service:NAME, an org id
	// or path), to its actions.
	Principals map[string]catalog.ActionSet
	// Proofs prove Actions: one request for each action, made by
	// whichever principal of the record was found first.
	Proofs []Proof
	// byPrincipal proves each principal's actions by a request of the
	// search that found them (ProofsOf): once by an AWS service's, once by
	// another caller's.
	byPrincipal map[string][]Proof
}

func (a *Access) add(principal string, actions catalog.ActionSet, w *eval.Witness) {
	if a.Principals == nil {
		a.Principals = map[string]catalog.ActionSet{}
		a.byPrincipal = map[string][]Proof{}
	}
	a.addProof(principal, Proof{Actions: actions, Witness: w})
	a.Principals[principal] = a.Principals[principal].Union(actions)
	if !actions.Minus(a.Actions).Empty() {
		a.Proofs = append(a.Proofs, Proof{Actions: actions.Minus(a.Actions), Witness: w})
	}
	a.Actions = a.Actions.Union(actions)
}

// addProof records p for principal, for the actions no proof of a caller
// of the same kind (an AWS service, or not) proves yet.
func (a *Access) addProof(principal string, p Proof) {
	service := p.Witness.Request.Principal.Type == eval.Service
	proven := catalog.ActionSet{}
	for _, q := range a.byPrincipal[principal] {
		if (q.Witness.Request.Principal.Type == eval.Service) == service {
			proven = proven.Union(q.Actions)
		}
	}
	if fresh := p.Actions.Minus(proven); !fresh.Empty() {
		a.byPrincipal[principal] = append(a.byPrincipal[principal], Proof{Actions: fresh, Witness: p.Witness})
	}
}

// ProofsOf returns the proofs of what principal can do, each a request of
// the search that found it: for an account's root, a request of any of
// the account's principals the policy does not name (what an AWS service
// can do acting for the account is the service's: service:NAME). Each
// action is proven once by a service's request and once by another
// caller's, where both can.
func (a *Access) ProofsOf(principal string) []Proof {
	if a == nil {
		return nil
	}
	return a.byPrincipal[principal]
}

// PrincipalNames returns the principals sorted.
func (a *Access) PrincipalNames() []string {
	if a == nil {
		return nil
	}
	out := make([]string, 0, len(a.Principals))
	for p := range a.Principals {
		out = append(out, p)
	}
	sort.Strings(out)
	return out
}

// Result is the exposure of one target.
type Result struct {
	Target Target
	// Universe is the set of actions judged: the repository actions, or for
	// a registry policy with scope V1 the three actions V1 enforces.
	Universe catalog.ActionSet
	// Public is what any principal outside the zone, one the policy does not
	// name, can do.
	Public Access
	// Accounts maps each named untrusted account to what its principals (or
	// AWS services acting for it) can do.
	Accounts map[string]*Access
	// Orgs maps each named untrusted organization id or OU path to what its
	// member accounts can do.
	Orgs map[string]*Access
	// Trusted maps each named trusted account other than the owner to what
	// it can do.
	Trusted map[string]*Access
	// Deputies maps each service principal to what it can do when acting
	// for any account or with no source at all (a confused deputy), beyond
	// what is public anyway.
	Deputies map[string]*Access
	// Truncated is set when a search had more combinations than it could
	// try: "not allowed" is then not proven (a coverage gap).
	Truncated bool
	// Unjudged says which outsiders were not judged, because what stands
	// for them is a value the policy names (a coverage gap); "" when all
	// were.
	Unjudged string
	// named is what the policy names, as the analysis read it.
	named *names
	// Opens maps the public actions that are open only in a time window
	// that opens after the scan (aws:CurrentTime) to the moment it opens.
	Opens map[int]time.Time
	// Guardrails are what the Deny statements of the target's RCPs and
	// registry policy do to outsiders' access: what they close that the
	// resource policy alone opens, and what stays open although they
	// mention it (see guardrails).
	Guardrails []Guardrail
}

// Outsiders returns the actions anyone outside the zone can do: public or
// any untrusted account or organization.
func (r *Result) Outsiders() catalog.ActionSet {
	s := r.Public.Actions
	for _, a := range r.Accounts {
		s = s.Union(a.Actions)
	}
	for _, a := range r.Orgs {
		s = s.Union(a.Actions)
	}
	return s
}

// Fresh values stand for what an outsider is and chooses, and that the
// policy does not name.
const (
	freshName    = "ecrguard-outsider"
	freshOrgPath = "/r-ecrg/ou-ecrg-00000000/"
)

// freshServices are names that stand for any AWS service the policy does
// not name: the first in the region of such services that its patterns do
// not set apart is its name (names.chooseServices), and freshService its
// label in results.
var freshServices = []string{"ecrguard-any-service.amazonaws.com", "q7.amazonaws.com", "kjy.lm.amazonaws.com"}

var freshService = freshServices[0]

// freshAccounts are the accounts an outsider the policy does not name may
// be, tried in order: the first that is not trusted and that no account
// the policy names, exactly or by a pattern (7777*), is stands for them
// all. Their leading digits differ, so that one pattern rules out few.
var freshAccounts = []string{"777766665555", "777766665556", "777766665557", "777766665558",
	"135792468024", "246813579135", "390817264512", "513572468091", "624813579302", "981726354019", "024681357913"}

// v1Actions are the only actions a registry policy of scope V1 governs.
var v1Actions = []string{"ecr:ReplicateImage", "ecr:BatchImportUpstreamImage", "ecr:CreateRepository"}

// Analyze judges one target.
func Analyze(t Target, zone Zone) *Result {
	return AnalyzeCached(t, zone, nil)
}

// AnalyzeCached is Analyze with a cache shared by the analyses of one scan
// (nil: none).
func AnalyzeCached(t Target, zone Zone, c *Cache) *Result {
	a := newAnalyzerWith(t, zone, c, nil)
	a.run()
	a.res.named = a.named
	if hasRCPDeny(a.levels) {
		a.guardrails()
	}
	return a.res
}

// analyzeOutsiders judges only what outsiders can do (public, untrusted
// accounts and organizations, services acting for outsiders) and only for
// the actions in only; trusted access is left out. It serves the fix's
// verification: a fix appends Deny statements, which only ever remove
// access, so actions outsiders could not do before need no second look.
func analyzeOutsiders(t Target, zone Zone, only catalog.ActionSet, c *Cache) *Result {
	a := newAnalyzerWith(t, zone, c, nil)
	a.outsidersOnly, a.only = true, only
	a.run()
	return a.res
}

type group struct {
	rep   string
	set   catalog.ActionSet
	stmts map[int]bool
	// rcps holds the Deny statements of the analyzer's levels (the RCPs,
	// then the registry's) whose Action applies to the group's actions, by
	// level and index.
	rcps map[rcpStmt]bool
}

// rcpStmt is the place of a statement among the analyzer's levels (the
// RCPs, then the registry's Denies): its level and its index in that
// level's document.
type rcpStmt struct{ level, index int }

type analyzer struct {
	t    Target
	zone Zone
	cat  *catalog.Catalog
	ps   *eval.PolicySet
	res  *Result
	// levels are the policies whose Deny statements alone count: the RCPs,
	// level by level, then the registry's Denies (registryDenies), if any.
	levels []*eval.Policy
	// facts are what factsKey's inputs alone tell (facts).
	*facts
	// outsidersOnly skips trusted accounts and every group with no action
	// in only (see analyzeOutsiders).
	outsidersOnly bool
	only          catalog.ActionSet
	// contexts caches each caller's base context (its derived keys).
	contexts map[string]*eval.Context
	// world holds the keys the world fixes, once.
	world *eval.Context
	// callers caches the kinds of caller of each account.
	callers map[string][]caller
	// cache is shared by the analyses of one scan, or nil.
	cache *Cache
	// coverage caches covered, per key: IPv4 and IPv6.
	coverage map[string][2]bool
	// regions caches the regions the searches split keys into.
	regions *eval.RegionCache
	// free, outside and outsideNamed are the search spaces' key tests;
	// free reads action, the action searched (space).
	free, outside, outsideNamed func(string) bool
	action                      *catalog.Action
	// inOrg holds what pathsIn returned for each organization;
	// pathsIncomplete is set once one was not complete.
	inOrg           map[string][]string
	pathsIncomplete bool
	// linked holds what the policies read of the keys linked in real
	// requests, and worlds the searches' fixed keys (linkedWorlds).
	linked *keys
	worlds map[int][]map[string]eval.Dimension
}

// pathsIn returns the OU paths to try in org (names.pathsIn), once each.
func (a *analyzer) pathsIn(org string) []string {
	if paths, ok := a.inOrg[org]; ok {
		return paths
	}
	paths, complete := a.facts.pathsInOrg(org, a.zone.OrgPaths)
	if a.inOrg == nil {
		a.inOrg = map[string][]string{}
	}
	a.inOrg[org] = paths
	a.pathsIncomplete = a.pathsIncomplete || !complete
	return paths
}

// facts are what an analyzer works out, before any search, of what
// factsKey holds: the target's policies, kind, scopes, account and region,
// and the zone; the same for every target alike in those (Cache.facts).
// Read-only once made.
type facts struct {
	named        *names
	freshAccount string
	// standInName names the callers that stand for the principals of an
	// account the policy does not name (standInName).
	standInName string
	// bucket stands for a bucket the policy does not name (freshBucket).
	bucket string
	// sourceFields split the fields of every source ARN pattern of the
	// policies: each group's keys share them (a group's patterns are some
	// of these, and its conditions tell apart no more).
	sourceFields *sourceFieldSet
	groups       []group
	// unjudged is the result's Unjudged.
	unjudged string
	// paths keeps what pathsInOrg found, by organization and trusted
	// paths: every analyzer of these facts asks again.
	pathsMu sync.Mutex
	paths   map[string]orgPathsMemo
}

type orgPathsMemo struct {
	paths    []string
	complete bool
}

// pathsInOrg is f.named.pathsIn(org, trusted), once for every analyzer
// that shares f. Callers must not change the paths.
func (f *facts) pathsInOrg(org string, trusted []string) ([]string, bool) {
	w := newKeyWriter()
	defer w.free()
	w.strs(org)
	w.list(trusted)
	f.pathsMu.Lock()
	m, ok := f.paths[string(w.b)]
	f.pathsMu.Unlock()
	if ok {
		return m.paths, m.complete
	}
	paths, complete := f.named.pathsIn(org, trusted)
	f.pathsMu.Lock()
	if f.paths == nil {
		f.paths = map[string]orgPathsMemo{}
	}
	f.paths[string(w.b)] = orgPathsMemo{paths, complete}
	f.pathsMu.Unlock()
	return paths, complete
}

// partitionOf is the partition of t: its ARN's, or its region's when the
// ARN, built by an input that names no partition, says aws.
func partitionOf(t Target) string {
	if a, ok := policy.ParseARN(t.ARN); ok && a.Partition != "aws" {
		return a.Partition
	}
	return policy.PartitionOfRegion(t.Region)
}

func newAnalyzer(t Target, zone Zone) *analyzer { return newAnalyzerWith(t, zone, nil, nil) }

// newAnalyzerWith is newAnalyzer with the scan's cache c (nil: none) and
// the facts of t's policies in zone when the caller has them (nil: taken
// from c, or worked out).
func newAnalyzerWith(t Target, zone Zone, c *Cache, f *facts) *analyzer {
	cat := catalog.Default()
	// The owner is one fixed account even when unknown (UnknownOwner),
	// never "": eval takes a resource of no account as every caller's own.
	// The requests are made to the owner's resource; the result names the
	// target as given.
	in := t
	if in.Account == "" {
		in.Account = UnknownOwner
		in.ARN = withAccount(in.ARN, UnknownOwner)
	}
	if zone.Account == "" {
		zone.Account = in.Account
	}
	// The owner's organization is the first trusted one when the target
	// does not say (docs/semantics.md, "Keys fixed by the world").
	if in.OrgID == "" && len(zone.OrgIDs) > 0 {
		in.OrgID = zone.OrgIDs[0]
	}
	registry := registryDenies(t.Registry, t.RegistryScope, cat)
	levels := slices.Clip(t.RCPs)
	if registry != nil {
		levels = append(levels, registry)
	}
	a := &analyzer{
		t: in, zone: zone, cat: cat, levels: levels,
		ps: &eval.PolicySet{Resource: t.Policy, Registry: registry, ResourceAccount: in.Account, CallerAllowsAll: true, RCPs: t.RCPs},
		res: &Result{
			Target:   t,
			Accounts: map[string]*Access{},
			Orgs:     map[string]*Access{},
			Trusted:  map[string]*Access{},
			Deputies: map[string]*Access{},
		},
	}
	switch {
	case t.Kind == Registry && t.Scope == "V1":
		for _, n := range v1Actions {
			a.res.Universe.Add(cat.Lookup(n).Index)
		}
	case t.Kind == Public:
		a.res.Universe = cat.PublicRepositorySet()
	default:
		a.res.Universe = cat.RepositorySet()
	}
	a.cache = c
	var key factsKey
	keyed := false
	if f == nil && c != nil {
		if key, keyed = newFactsKey(t, zone); keyed {
			f = c.factsOf(key)
		}
	}
	if f != nil {
		a.facts = f
		a.res.Unjudged = f.unjudged
		return a
	}
	a.facts = &facts{}
	a.named = collectNames(t.Policy.Doc, rcpDenies(levels)...)
	a.named.splitOrgPatterns(zone.OrgIDs)
	a.named.splitAccountPatterns(zone.Accounts)
	a.standInName = standInName(a.named)
	stmts := append(slices.Clip(t.Policy.Doc.Statements), rcpDenies(levels)...)
	a.bucket = freshBucket(stmts)
	for _, f := range freshAccounts {
		if !zone.TrustsAccount(f) && !a.named.accounts[f] && !a.named.names(f) {
			a.freshAccount = f
			break
		}
	}
	a.sourceFields = &sourceFieldSet{complete: true}
	if testsSourceARN(stmts) {
		// The accounts services act for: each the policy names, the owner
		// and the one that stands for the others.
		accounts := slices.Concat(a.named.accountList(), []string{in.Account})
		if a.freshAccount != "" {
			accounts = append(accounts, a.freshAccount)
		}
		region := cmp.Or(in.Region, "us-east-1")
		world := map[string]string{"aws:resourceaccount": in.Account, "aws:requestedregion": region}
		a.sourceFields = splitSourceFields(eval.Mentions(append([]*eval.Policy{t.Policy}, levels...), nil), accounts, world)
	}
	sourceVariable := sourceVariableGap(stmts)
	partition, session := partitionOf(t), untrustedSession(a.named.sessions, zone)
	// What stands for outsiders the policy does not name must be one the
	// policy does not name: else they are not judged, and a report must
	// say so (a Deny of 7777* once hid a public grant).
	switch {
	case partition != "aws":
		a.res.Unjudged = "the resource is in partition " + partition + ", and ecrguard judges outsiders as principals of the aws partition (arn:aws:…) only: outsiders of its own partition were not judged"
	case a.freshAccount == "":
		a.res.Unjudged = "every account ecrguard tries for an outsider the policy does not name is one it names (by id or pattern), so such outsiders were not judged"
	case a.named.namesOrg(a.named.freshOrg):
		a.res.Unjudged = "organization patterns the policy names match every organization ecrguard tries for outsiders' organizations the policy does not name, so outsiders in such organizations were not judged"
	case a.named.anyService && a.named.serviceVariable != "":
		a.res.Unjudged = "a condition compares a service's name with " + a.named.serviceVariable + ", which reads a policy variable: the AWS services the policy does not name were not split by what it holds, so they were not all judged"
	case !a.named.servicesComplete:
		a.res.Unjudged = "the policy's patterns of service names split the AWS services it does not name into more cases than ecrguard tries, so such services were not all judged"
	case session != "":
		a.res.Unjudged = "the policy names the role session " + session + " and tells its role apart by its ARN (aws:PrincipalArn, or a role of that name in a Principal), which holds the role's path; the session's ARN does not give it, and only a role with no path was judged"
	case a.named.orderedAccount != "":
		a.res.Unjudged = "a condition compares account ids in order (" + a.named.orderedAccount + "): the accounts it lets in were not split by it, so not every account was judged"
	case !a.named.accountsComplete:
		a.res.Unjudged = "the policy's account patterns split the accounts they match into more cases than ecrguard tries, so not every such account was judged"
	case !a.sourceFields.complete:
		a.res.Unjudged = "the policy's patterns of aws:SourceArn split the resources AWS services act for into more cases than ecrguard tries, so such services were not all judged"
	case sourceVariable != "":
		a.res.Unjudged = "a condition compares aws:SourceArn with " + sourceVariable + ", which reads a policy variable ecrguard does not fix for a service's request: the resources AWS services act for were not split by what it holds, so such services were not all judged"
	default:
		a.res.Unjudged = standInNamed(stmts, a.bucket)
	}
	a.groupActions()
	a.unjudged = a.res.Unjudged
	// Facts are shared: the names' lists are made now, not when first read.
	a.named.sortLists()
	if keyed {
		c.setFacts(key, a.facts)
	}
	return a
}

// untrustedSession returns the first of sessions (role session ARNs) of an
// account outside the zone, "" when none is.
func untrustedSession(sessions []string, zone Zone) string {
	for _, s := range sessions {
		if !zone.TrustsAccount(accountOf(s)) {
			return s
		}
	}
	return ""
}

// testsSourceARN reports whether a condition of stmts tests aws:SourceArn.
func testsSourceARN(stmts []*policy.Statement) bool {
	for _, st := range stmts {
		for _, c := range st.Conditions {
			if strings.EqualFold(c.Key, "aws:SourceArn") {
				return true
			}
		}
	}
	return false
}

// groupActions partitions the universe by which statements' Action elements
// apply, the policy's and the Deny statements of the RCPs and the registry
// policy: actions in one group are indistinguishable to them.
func (a *analyzer) groupActions() {
	p := a.t.Policy
	n := p.Statements()
	sets := make([]catalog.ActionSet, n)
	for s := range sets {
		sets[s] = p.StatementActions(s)
	}
	var places []rcpStmt
	for l, rp := range a.levels {
		for si := range rp.Statements() {
			if rp.StatementAt(si).Effect == policy.Deny {
				places = append(places, rcpStmt{l, si})
				sets = append(sets, rp.StatementActions(si))
			}
		}
	}
	readsTags := false
	for _, st := range append(slices.Clip(p.Doc.Statements), rcpDenies(a.levels)...) {
		readsTags = readsTags || slices.ContainsFunc(st.Conditions, func(c policy.Condition) bool { return catalog.RequestTagKey(eval.LowerKey(c.Key)) })
	}
	bySig := map[string]int{}
	// One byte per statement, and one for the keys of tags the action's
	// requests carry when a statement reads them (tagsCarried): those
	// actions are apart from the rest.
	sig := make([]byte, len(sets)+1)
	a.res.Universe.Each(func(i int) {
		some := false
		for s := range sets {
			sig[s] = '0'
			if sets[s].Has(i) {
				sig[s] = '1'
				some = some || s < n
			}
		}
		if !some {
			return // no statement of the policy mentions it: nobody gets it
		}
		sig[len(sets)] = '0'
		if readsTags {
			sig[len(sets)] += byte(tagsCarried(a.cat.Actions[i].FullName()))
		}
		if gi, ok := bySig[string(sig)]; ok {
			a.groups[gi].set.Add(i)
			return
		}
		g := group{rep: a.cat.Actions[i].FullName(), stmts: map[int]bool{}, rcps: map[rcpStmt]bool{}}
		for s := range sets {
			switch {
			case sig[s] != '1':
			case s < n:
				g.stmts[s] = true
			default:
				g.rcps[places[s-n]] = true
			}
		}
		g.set.Add(i)
		bySig[string(sig)] = len(a.groups)
		a.groups = append(a.groups, g)
	})
}

// resources returns the resources to ask about for a group.
func (a *analyzer) resources(g group) []string {
	switch a.t.Kind {
	case Repository, Public:
		return []string{a.t.ARN}
	case Template:
		return a.createdRepositories(g)
	}
	// A registry policy governs every repository of the registry: ask about
	// a repository the policy does not name, and about one instance of every
	// repository pattern it names.
	out := []string{"arn:aws:ecr:" + a.t.Region + ":" + a.t.Account + ":repository/" + eval.FreshValue}
	seen := map[string]bool{out[0]: true}
	for _, s := range a.groupStatements(g) {
		for _, r := range append(append([]policy.Value(nil), s.Resource...), s.NotResource...) {
			if r.Unknown || !strings.Contains(r.Text, ":repository/") {
				continue
			}
			inst := instance(ownerResolved(r.Text, a.t.Account))
			if arn, ok := policy.ParseARN(inst); ok {
				arn.Region, arn.Account = a.t.Region, a.t.Account
				inst = arn.String()
			}
			if !seen[inst] {
				seen[inst] = true
				out = append(out, inst)
			}
		}
	}
	sort.Strings(out[1:])
	return out
}

// createdRepositories returns the repositories to ask about for a
// template's group: one under its prefix that the policy does not name,
// and one for each way the group's Resource elements can treat the names
// the template creates (names under the prefix that no other template
// claims; for ROOT, names under no other template's prefix).
func (a *analyzer) createdRepositories(g group) []string {
	base := "arn:aws:ecr:" + a.t.Region + ":" + a.t.Account + ":repository/"
	within, fresh := "?*", eval.FreshValue
	if a.t.Prefix != RootPrefix {
		within, fresh = a.t.Prefix+"/?*", a.t.Prefix+"/"+eval.FreshValue
	}
	var claimed []string
	for _, c := range a.t.Claimed {
		claimed = append(claimed, c+"/*")
	}
	var named []string
	// The RCPs' Deny statements split the names too (a Deny with
	// NotResource team-a/public-* leaves those open).
	for _, s := range a.groupStatements(g) {
		for _, r := range append(append([]policy.Value(nil), s.Resource...), s.NotResource...) {
			if r.Unknown || strings.Contains(r.Text, "${") {
				continue
			}
			if _, name, ok := strings.Cut(ownerResolved(r.Text, a.t.Account), ":repository/"); ok {
				named = append(named, name)
			}
		}
	}
	sort.Strings(named)
	names, complete := a.cache.instances(within, claimed, named)
	if !complete {
		a.res.Truncated = true
	}
	var out []string
	seen := map[string]bool{}
	for _, n := range append([]string{fresh}, names...) {
		if n == fresh && slices.ContainsFunc(a.t.Claimed, func(c string) bool { return strings.HasPrefix(fresh, c+"/") }) {
			continue
		}
		if !seen[n] {
			seen[n] = true
			out = append(out, base+n)
		}
	}
	return out
}

// RootPrefix is the prefix of the default repository creation template.
const RootPrefix = "ROOT"

// kindKeys are the keys kinds of caller carry or set differently.
var kindKeys = []string{"aws:PrincipalArn", "aws:username", "aws:userid", "aws:PrincipalType", "aws:MultiFactorAuthPresent", "aws:MultiFactorAuthAge"}

// kindSensitive reports whether the group's statements can tell kinds of
// caller apart (user, role session, federated user, root): by a key only
// some kinds carry or set differently, by a variable, or by a principal
// element naming more than accounts.
func (a *analyzer) kindSensitive(g group, mentions []eval.Mention) bool {
	for _, m := range mentions {
		for _, k := range kindKeys {
			if strings.EqualFold(m.Key, k) {
				return true
			}
		}
		if readsVariable(m) {
			return true
		}
	}
	for _, st := range a.groupStatements(g) {
		// NotPrincipal exempts kinds differently (an account ARN only its
		// root), but only for accounts it lists; the owner's callers are
		// not the outsiders judged here.
		if np := st.NotPrincipal; np != nil {
			if np.Wildcard {
				return true
			}
			for _, e := range np.Entries {
				if e.Value.Unknown || e.Kind == policy.KindAWS && accountOf(e.Value.Text) != a.t.Account && e.Value.Text != a.t.Account {
					return true
				}
			}
		}
		for _, r := range append(append([]policy.Value(nil), st.Resource...), st.NotResource...) {
			if strings.Contains(r.Text, "${") {
				return true
			}
		}
		// A Principal that names users or roles names them in their own
		// accounts: those principals are tried as themselves (callersIn),
		// and the kinds of everyone else do not matter to it.
	}
	return false
}

func (a *analyzer) run() {
	var todo []group
	for _, g := range a.groups {
		if a.outsidersOnly && g.set.Intersect(a.only).Empty() {
			continue
		}
		todo = append(todo, g)
	}
	if a.t.Policy.Statements() < parallelStatements || len(todo) < 2 {
		for _, g := range todo {
			a.runGroup(g)
		}
	} else {
		// A large policy: its groups (disjoint sets of actions) are
		// judged apart on every core, each by an analyzer of its own, and
		// merged in group order, so output does not depend on scheduling.
		parts := make([]*Result, len(todo))
		regions := eval.NewRegionCache()
		work := make(chan int)
		var wg sync.WaitGroup
		for range min(len(todo), runtime.GOMAXPROCS(0)) {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := range work {
					b := newAnalyzerWith(a.t, a.zone, a.cache, a.facts)
					b.outsidersOnly, b.only = a.outsidersOnly, a.only
					b.regions = regions
					b.runGroup(todo[i])
					parts[i] = b.res
				}
			}()
		}
		for i := range todo {
			work <- i
		}
		close(work)
		wg.Wait()
		for _, p := range parts {
			a.res.merge(p)
		}
	}
	// A path inside an organization that is let in whole adds nothing:
	// what each of its principals gets (its members, or a service acting
	// for them), the organization's get too.
	for label, acc := range a.res.Orgs {
		org, _, isPath := strings.Cut(label, "/")
		if whole := a.res.Orgs[org]; isPath && whole != nil && coveredBy(acc, label, whole, org) {
			delete(a.res.Orgs, label)
		}
	}
	// An account or organization that only an RCP names (its condition
	// exempts it, say) and that gets nothing the public does not is no
	// grant of the resource policy's: ECR001 covers it. One the RCPs let
	// in where they close the rest keeps its entry.
	if len(a.levels) > 0 {
		own := collectNames(a.t.Policy.Doc)
		for _, m := range []map[string]*Access{a.res.Accounts, a.res.Orgs} {
			for label, acc := range m {
				if !own.holds(label) && acc.Actions.Minus(a.res.Public.Actions).Empty() {
					delete(m, label)
				}
			}
		}
	}
	// What services get only as deputies is the confused-deputy risk;
	// what is public anyway is ECR001's business.
	for s, acc := range a.res.Deputies {
		acc.Actions = acc.Actions.Minus(a.res.Public.Actions)
		if acc.Actions.Empty() {
			delete(a.res.Deputies, s)
		}
	}
}

// parallelStatements is the size from which a policy's groups are judged
// in parallel.
const parallelStatements = 64

// runGroup judges one group of actions.
func (a *analyzer) runGroup(g group) {
	mentions := eval.Mentions(append([]*eval.Policy{a.t.Policy}, a.levels...), func(p *eval.Policy, si int) bool {
		if p == a.t.Policy {
			return g.stmts[si]
		}
		return g.rcps[rcpStmt{slices.Index(a.levels, p), si}]
	})
	k := &keys{mentions: mentions, kinds: a.kindSensitive(g, mentions), worlds: a.worldOrgs(a.groupStatements(g)), bucket: a.bucket, fields: a.sourceFields, paths: a.pathsIn}
	for _, res := range a.resources(g) {
		a.public(g, k, res)
		a.accounts(g, k, res)
		a.orgs(g, k, res)
		a.inOwnerOrg(g, k, res)
		a.services(g, k, res)
	}
	if a.pathsIncomplete {
		a.res.Unjudged = cmp.Or(a.res.Unjudged, "the policy's patterns of OU paths split an organization's accounts into more cases than ecrguard tries, so not every such account was judged")
	}
}

// coveredBy reports whether whole, the record of the organization org,
// holds every action of each principal of acc, the record of its path
// label: label's own for org's own, a service's for the same service's.
func coveredBy(acc *Access, label string, whole *Access, org string) bool {
	for p, actions := range acc.Principals {
		q := p
		if p == label {
			q = org
		}
		if !actions.Minus(whole.Principals[q]).Empty() {
			return false
		}
	}
	return true
}

// merge adds what another result of the same target found.
func (r *Result) merge(o *Result) {
	r.Public.merge(&o.Public)
	for _, pair := range []struct{ to, from map[string]*Access }{
		{r.Accounts, o.Accounts}, {r.Orgs, o.Orgs}, {r.Trusted, o.Trusted}, {r.Deputies, o.Deputies},
	} {
		for _, k := range slices.Sorted(maps.Keys(pair.from)) {
			if pair.to[k] == nil {
				pair.to[k] = &Access{}
			}
			pair.to[k].merge(pair.from[k])
		}
	}
	r.Truncated = r.Truncated || o.Truncated
	r.Unjudged = cmp.Or(r.Unjudged, o.Unjudged)
	for i, t := range o.Opens {
		if r.Opens == nil {
			r.Opens = map[int]time.Time{}
		}
		r.Opens[i] = t
	}
}

// merge adds another access record's principals and proofs.
func (a *Access) merge(o *Access) {
	for _, p := range slices.Sorted(maps.Keys(o.Principals)) {
		if a.Principals == nil {
			a.Principals = map[string]catalog.ActionSet{}
			a.byPrincipal = map[string][]Proof{}
		}
		for _, pr := range o.byPrincipal[p] {
			a.addProof(p, pr)
		}
		a.Principals[p] = a.Principals[p].Union(o.Principals[p])
	}
	for _, pr := range o.Proofs {
		if fresh := pr.Actions.Minus(a.Actions); !fresh.Empty() {
			a.Proofs = append(a.Proofs, Proof{Actions: fresh, Witness: pr.Witness})
			a.Actions = a.Actions.Union(fresh)
		}
	}
	a.Actions = a.Actions.Union(o.Actions)
}

// search asks whether caller c can perform act on res, choosing what it
// may (sp, completed with its names and MFA), and records truncation.
func (a *analyzer) search(c caller, act, res string, named bool, dims []eval.Dimension) *eval.Witness {
	if c.p.Type == eval.Role && c.p.Session == "" {
		if listed := a.listedSessions(c.p.ARN); listed != nil {
			// The policies name sessions of the role: the caller's one
			// session name must meet every statement alike. Each listed
			// name is a caller of its own, whose aws:userid ends in it;
			// the caller picks any other name as before.
			isUserid := func(k eval.NameKey) bool { return k.Key == "aws:userid" }
			others := slices.DeleteFunc(slices.Clone(c.names), func(n eval.Name) bool { return slices.ContainsFunc(n.Keys, isUserid) })
			for _, name := range listed {
				sc := c
				sc.p.Session, sc.names = name, others
				if w := a.search(sc, act, res, named, dims); w != nil {
					return w
				}
			}
			sc := c
			sc.p.Session = eval.Unlisted(freshSession, listed)
			sc.names = slices.Clone(c.names)
			for i, n := range sc.names {
				if slices.ContainsFunc(n.Keys, isUserid) {
					sc.names[i].Fresh, sc.names[i].Except = sc.p.Session, listed
				}
			}
			return a.search(sc, act, res, named, dims)
		}
	}
	key := c.p.String() + "#" + c.p.Session
	ctx := a.contexts[key]
	if ctx == nil {
		ctx = a.cache.callerContext(a, c, key)
		if a.contexts == nil {
			a.contexts = map[string]*eval.Context{}
		}
		a.contexts[key] = ctx
	}
	sp := a.space(act, named, dims, c.names, c.mfa)
	for _, fixed := range a.linkedWorlds(sp.Fixed) {
		sp.Fixed = fixed
		r := eval.Search(a.ps, &eval.Request{Principal: c.p, Action: act, Resource: res, Context: ctx}, sp)
		if r.Truncated {
			a.res.Truncated = true
		}
		if r.Witness != nil {
			return a.personalize(withMFAShown(r.Witness))
		}
	}
	return nil
}

// withMFAShown makes a proof that chose an MFA age or the time of a token
// show the credentials they come with (links), where no statement read
// aws:MultiFactorAuthPresent: MFA true with an age, temporary credentials
// (MFA false) with a token's time alone.
func withMFAShown(w *eval.Witness) *eval.Witness {
	ctx := w.Request.Context
	chosen := func(a eval.Assignment) bool { return strings.EqualFold(a.Key, "aws:MultiFactorAuthPresent") }
	if _, mfa := ctx.Get("aws:MultiFactorAuthPresent"); mfa || slices.ContainsFunc(w.Chosen, chosen) {
		return w
	}
	value := "false"
	if _, age := ctx.Get("aws:MultiFactorAuthAge"); age {
		value = "true"
	} else if _, token := ctx.Get("aws:TokenIssueTime"); !token {
		return w
	}
	nw := *w
	nw.Request.Context = ctx.Layer()
	nw.Request.Context.Set("aws:MultiFactorAuthPresent", value)
	nw.Chosen = append(slices.Clip(w.Chosen), eval.Assignment{Key: "aws:MultiFactorAuthPresent", Values: []string{value}})
	return &nw
}

// listedSessions returns the names of the sessions of role roleARN the
// policies list, or nil.
func (a *analyzer) listedSessions(roleARN string) []string {
	return eval.ListedSessions(append([]*eval.Policy{a.ps.Resource, a.ps.Registry}, a.ps.RCPs...), roleARN)
}

// personalize makes a witness name the caller its chosen names describe:
// the user, role session or federated user whose ARN and unique id the
// proof carries, when the decision stays the same.
func (a *analyzer) personalize(w *eval.Witness) *eval.Witness {
	p := w.Request.Principal
	var arn, uid []string
	for _, c := range w.Chosen {
		switch strings.ToLower(c.Key) {
		case "aws:principalarn":
			arn = c.Values
		case "aws:userid":
			uid = c.Values
		}
	}
	np := p
	switch p.Type {
	case eval.User, eval.FederatedUser:
		if len(arn) == 1 {
			np.ARN = arn[0]
		}
	case eval.Role:
		if len(arn) == 1 {
			np.ARN = arn[0]
		}
		if len(uid) == 1 {
			if _, session, ok := strings.Cut(uid[0], ":"); ok && session != "" {
				if len(arn) != 1 {
					arn = []string{p.ARN}
				}
				role := arn[0][strings.LastIndexByte(arn[0], '/')+1:]
				np = eval.Principal{Type: eval.AssumedRole, Account: p.Account, RoleARN: arn[0],
					ARN: "arn:aws:sts::" + p.Account + ":assumed-role/" + role + "/" + session}
			}
		}
	}
	if np == p {
		return w
	}
	req := w.Request
	req.Principal = np
	d := eval.Evaluate(a.ps, &req)
	if d.Result != eval.Allow {
		return w
	}
	return &eval.Witness{Request: req, Chosen: w.Chosen, Decision: d}
}

// public asks whether a principal the policy does not name, in an account
// outside the zone, can perform the group's actions.
func (a *analyzer) public(g group, k *keys, res string) {
	if g.set.Minus(a.res.Public.Actions).Empty() || a.freshAccount == "" {
		return
	}
	orgs := []eval.Option{noOrg()}
	if fo := a.named.freshOrg; !a.zone.TrustsOrg(fo, []string{fo + freshOrgPath}) && !a.named.orgs[fo] {
		orgs = append(orgs, orgOption(fo, fo+freshOrgPath))
	}
	// The public is outside the owner's organization (see inOwnerOrg).
	orgDim := inWorld(k.worlds, func(worldOrg) []eval.Option { return orgs })
	dims := []eval.Dimension{orgDim}
	for _, c := range a.callersIn(a.freshAccount, false, k.kinds) {
		if w := a.search(c, g.rep, res, false, dims); w != nil {
			a.res.Public.add("*", g.set, w)
			return
		}
	}
	// A time window that opens after the scan is reported as open, with
	// the moment it opens (docs/semantics.md).
	later := a.laterMoments(k)
	if len(later) == 0 {
		return
	}
	for _, c := range a.callersIn(a.freshAccount, false, k.kinds) {
		if w := a.search(c, g.rep, res, false, []eval.Dimension{later, orgDim}); w != nil {
			a.res.Public.add("*", g.set, w)
			at := momentOf(w)
			if a.res.Opens == nil {
				a.res.Opens = map[int]time.Time{}
			}
			g.set.Each(func(i int) { a.res.Opens[i] = at })
			return
		}
	}
}

// laterMoments are the moments after the scan at which the statements'
// tests of aws:CurrentTime and aws:EpochTime can change outcome: each
// value they name, a second before and after it, and between each two, in
// time order. Each sets both keys.
func (a *analyzer) laterMoments(k *keys) eval.Dimension {
	now := a.t.At
	if now.IsZero() {
		now = time.Now()
	}
	var ts []time.Time
	for _, m := range k.mentions {
		switch eval.LowerKey(m.Key) {
		case "aws:currenttime", "aws:epochtime":
		default:
			continue
		}
		for _, t := range m.Tests {
			for _, v := range t.Values {
				if tm, ok := policy.ParseDate(v); ok {
					ts = append(ts, tm)
				}
			}
		}
	}
	if len(ts) == 0 {
		return nil
	}
	sort.Slice(ts, func(i, j int) bool { return ts[i].Before(ts[j]) })
	var cands []time.Time
	for i, t := range ts {
		cands = append(cands, t.Add(-time.Second), t, t.Add(time.Second))
		if i+1 < len(ts) {
			cands = append(cands, t.Add(ts[i+1].Sub(t)/2))
		}
	}
	sort.Slice(cands, func(i, j int) bool { return cands[i].Before(cands[j]) })
	var out eval.Dimension
	seen := map[int64]bool{}
	for _, t := range cands {
		t = t.Truncate(time.Second)
		if !t.After(now) || seen[t.Unix()] {
			continue
		}
		seen[t.Unix()] = true
		out = append(out, eval.Option{
			{Key: "aws:CurrentTime", Values: []string{t.UTC().Format(time.RFC3339)}},
			{Key: "aws:EpochTime", Values: []string{strconv.FormatInt(t.Unix(), 10)}},
		})
	}
	return out
}

// momentOf is the aws:CurrentTime a witness carries.
func momentOf(w *eval.Witness) time.Time {
	v, _ := w.Request.Context.Get("aws:CurrentTime")
	if len(v) == 1 {
		if t, ok := policy.ParseDate(v[0]); ok {
			return t
		}
	}
	return time.Time{}
}

// accounts asks, for every account the policy names other than the owner,
// what its principals can do.
func (a *analyzer) accounts(g group, k *keys, res string) {
	// An account the group's statements do not name is, to them, any
	// outsider's: when the public search found nothing for the group, its
	// principals get nothing either, unless the statements read keys on
	// which a named account's callers differ (networks, organizations).
	var inGroup *names
	skipUnnamed := a.freshAccount != "" && g.set.Intersect(a.res.Public.Actions).Empty() && !k.readsNetworkOrOrg()
	if skipUnnamed {
		inGroup = a.groupNames(g)
	}
	for acct, trusted := range a.otherAccounts() {
		if skipUnnamed && !inGroup.accounts[acct] && !inGroup.names(acct) {
			continue
		}
		var orgs []eval.Option
		orgs = append(orgs, noOrg())
		for _, o := range append([]string{a.named.freshOrg}, a.named.orgList()...) {
			for _, path := range a.orgPaths(o) {
				// An untrusted account is, by definition, not in a trusted
				// organization; a trusted one may be anywhere.
				if trusted || !a.zone.TrustsOrg(o, []string{path}) {
					orgs = append(orgs, orgOption(o, path))
				}
			}
		}
		// It may be a member of the owner's organization, when the inputs
		// do not name it (ownerorg.go).
		dims := []eval.Dimension{inWorld(k.worlds, func(w worldOrg) []eval.Option {
			out := slices.Clip(orgs)
			for _, path := range a.unsearchedPaths(w) {
				if trusted || !a.zone.TrustsOrg(w.id, []string{path}) {
					out = append(out, orgOption(w.id, path))
				}
			}
			return out
		})}
		for _, c := range a.callersIn(acct, true, k.kinds) {
			w := a.search(c, g.rep, res, true, dims)
			if w == nil {
				continue
			}
			acc, label := a.accountAccess(acct, trusted)
			name := "arn:aws:iam::" + label + ":root"
			if a.named.arns[c.p.ARN] {
				name = c.p.ARN
			}
			acc.add(name, g.set, w)
		}
	}
}

// groupNames is what the group's statements name.
func (a *analyzer) groupNames(g group) *names {
	return collectNames(&policy.Document{Version: a.t.Policy.Doc.Version}, a.groupStatements(g)...)
}

// orgLabel is how reports name the members of org at path: the path
// pattern that matched; a path the policy does not name stands for the
// organization's other members, named as the organization.
func (a *analyzer) orgLabel(org, path string) string {
	if path == org+freshOrgPath {
		if p, ok := a.named.orgPatternOf[org]; ok {
			return p
		}
		return org
	}
	for _, np := range a.named.pathList() {
		if policy.Match(np, path) {
			return np
		}
	}
	// A path no pattern names: the organization's other members.
	if p, ok := a.named.orgPatternOf[org]; ok {
		return p
	}
	return org
}

// orgs asks, for every organization or OU the policy names that is outside
// the zone, what an account in it that the policy does not name can do.
func (a *analyzer) orgs(g group, k *keys, res string) {
	if a.freshAccount == "" {
		return
	}
	for o, path := range a.outsideOrgPaths() {
		label := a.orgLabel(o, path)
		if acc := a.res.Orgs[label]; acc != nil && g.set.Minus(acc.Actions).Empty() {
			continue
		}
		dims := []eval.Dimension{inWorld(k.worlds, func(worldOrg) []eval.Option { return []eval.Option{orgOption(o, path)} })}
		for _, c := range a.callersIn(a.freshAccount, false, k.kinds) {
			if w := a.search(c, g.rep, res, false, dims); w != nil {
				a.orgAccess(label).add(label, g.set, w)
				break
			}
		}
	}
}

// otherAccounts yields every account the policy names but the owner, and
// whether the zone trusts it; with outsidersOnly, only the untrusted ones.
func (a *analyzer) otherAccounts() iter.Seq2[string, bool] {
	return func(yield func(acct string, trusted bool) bool) {
		for _, acct := range a.named.accountList() {
			if acct == a.t.Account {
				continue
			}
			trusted := a.zone.TrustsAccount(acct)
			if trusted && a.outsidersOnly {
				continue
			}
			if !yield(acct, trusted) {
				return
			}
		}
	}
}

// outsideOrgPaths yields every organization the policy names with each OU
// path to try in it (orgPaths) where an account the policy does not name
// is outside the zone.
func (a *analyzer) outsideOrgPaths() iter.Seq2[string, string] {
	return func(yield func(org, path string) bool) {
		for _, o := range a.named.orgList() {
			for _, path := range a.orgPaths(o) {
				if a.zone.Contains(a.freshAccount, o, []string{path}) {
					continue
				}
				if !yield(o, path) {
					return
				}
			}
		}
		// An OU the policy names under an organization pattern may be in
		// an organization it does not name.
		if fo := a.named.freshOrg; !a.named.orgs[fo] {
			for _, path := range a.pathsIn(fo) {
				if !a.zone.Contains(a.freshAccount, fo, []string{path}) && !yield(fo, path) {
					return
				}
			}
		}
	}
}

// orgAccess returns the access record of the members of an organization
// or OU, by the label reports name them by, creating it.
func (a *analyzer) orgAccess(label string) *Access {
	if a.res.Orgs[label] == nil {
		a.res.Orgs[label] = &Access{}
	}
	return a.res.Orgs[label]
}

// services asks what AWS services can do: acting for no account, for an
// account the policy does not name (a confused deputy), or for each named
// account, and for each named organization outside the zone.
func (a *analyzer) services(g group, k *keys, res string) {
	for _, sc := range a.named.serviceCases {
		svc := sc.label
		c := serviceCaller(sc.name)
		// Acting for nobody in particular, or for an account nobody named.
		var anon []eval.Option
		anon = append(anon, eval.Option{
			{Key: "aws:SourceAccount", Absent: true}, {Key: "aws:SourceArn", Absent: true},
			{Key: "aws:SourceOwner", Absent: true}, {Key: "aws:SourceOrgID", Absent: true}, {Key: "aws:SourceOrgPaths", Absent: true},
		})
		if a.freshAccount != "" {
			anon = append(anon, k.sourceOptions(a.freshAccount, a.named, a.zone, false, false)...)
		}
		// What is public anyway is no deputy's (see run).
		if !AnyService(svc) || !g.set.Minus(a.res.Public.Actions).Empty() {
			if w := a.search(c, g.rep, res, false, []eval.Dimension{inWorld(k.worlds, func(worldOrg) []eval.Option { return anon })}); w != nil {
				if a.res.Deputies[svc] == nil {
					a.res.Deputies[svc] = &Access{}
				}
				a.res.Deputies[svc].add(serviceName(svc), g.set, w)
			}
		}
		for acct, trusted := range a.otherAccounts() {
			opts := inWorld(k.worlds, func(w worldOrg) []eval.Option {
				opts := k.sourceOptions(acct, a.named, a.zone, trusted, true)
				if !k.readsSource() {
					return opts
				}
				opts = slices.Clip(opts)
				for _, path := range a.unsearchedPaths(w) {
					if trusted || !a.zone.TrustsOrg(w.id, []string{path}) {
						opts = append(opts, k.orgSourceOptions(acct, w.id, path)...)
					}
				}
				return opts
			})
			w := a.search(c, g.rep, res, false, []eval.Dimension{opts})
			if w == nil {
				continue
			}
			acc, _ := a.accountAccess(acct, trusted)
			acc.add(serviceName(svc), g.set, w)
		}
		// Acting for an account the policy does not name, in a named
		// organization or OU outside the zone.
		if a.freshAccount == "" {
			continue
		}
		for o, path := range a.outsideOrgPaths() {
			opts := inWorld(k.worlds, func(worldOrg) []eval.Option { return k.orgSourceOptions(a.freshAccount, o, path) })
			a.serviceForOrg(c, svc, g, res, opts, a.orgLabel(o, path))
		}
		// Acting for an account the policy does not name, in the owner's
		// organization where the inputs do not name it (ownerorg.go).
		if !k.readsSource() {
			continue
		}
		for w, path := range a.ownerOrgMembers(k.worlds) {
			opts := inWorld([]worldOrg{w}, func(worldOrg) []eval.Option { return k.orgSourceOptions(a.freshAccount, w.id, path) })
			a.serviceForOrg(c, svc, g, res, opts, w.label())
		}
	}
}

// serviceForOrg asks what service caller c (svc as results name it) can do
// acting for an account of an organization or OU, choosing among opts, and
// records it in label's record for the service alone: the organization's
// own principals cannot do it (as for a named account's root).
func (a *analyzer) serviceForOrg(c caller, svc string, g group, res string, opts eval.Dimension, label string) {
	if w := a.search(c, g.rep, res, false, []eval.Dimension{opts}); w != nil {
		a.orgAccess(label).add(serviceName(svc), g.set, w)
	}
}

// accountAccess returns the access record of a named account (in Trusted
// or Accounts), and the label reports name it by: its id, or the pattern it
// stands for.
func (a *analyzer) accountAccess(acct string, trusted bool) (*Access, string) {
	label := a.named.accountLabel(acct)
	bucket := a.res.Accounts
	if trusted {
		bucket = a.res.Trusted
	}
	if bucket[label] == nil {
		bucket[label] = &Access{}
	}
	return bucket[label], label
}

// serviceName is how a report names a service principal: service:NAME,
// service:PATTERN for the services a pattern of the policy names, or
// service:* for any service (the policy names none in particular).
func serviceName(svc string) string {
	if AnyService(svc) {
		return "service:*"
	}
	return "service:" + svc
}

// serviceCaller is the caller that is the service named svc.
func serviceCaller(svc string) caller {
	return caller{p: eval.Principal{Type: eval.Service, Service: svc}}
}

func noOrg() eval.Option {
	return eval.Option{{Key: "aws:PrincipalOrgID", Absent: true}, {Key: "aws:PrincipalOrgPaths", Absent: true}}
}

func orgOption(org, path string) eval.Option {
	return eval.Option{{Key: "aws:PrincipalOrgID", Values: []string{org}}, {Key: "aws:PrincipalOrgPaths", Values: []string{path}}}
}

// orgPaths returns the OU paths to try for a member of org: an instance of
// every named path in it, and a path the policy does not name.
func (a *analyzer) orgPaths(org string) []string {
	return eval.Dedupe(append([]string{org + freshOrgPath}, a.pathsIn(org)...))
}

// callersIn returns the callers to try in an account: every kind of caller
// the policy does not name (with the names it picks), and with named every
// principal the policy names in it.
func (a *analyzer) callersIn(acct string, named, kinds bool) []caller {
	if a.callers == nil {
		a.callers = map[string][]caller{}
	}
	// When the statements cannot tell the kinds of caller apart, one
	// stands for all.
	key := acct
	if !kinds {
		key += "/one"
	}
	out := a.callers[key]
	if out == nil {
		out = a.cache.callersOf(acct, kinds, a.standInName)
		a.callers[key] = out
	}
	// out is shared (a.callers, and the scan's Cache across goroutines):
	// what is appended below goes to a copy.
	out = out[:len(out):len(out)]
	if named {
		for _, arn := range a.named.arnList() {
			if acct != accountOf(arn) {
				continue
			}
			if p, err := eval.ParsePrincipal(arn); err == nil && p.Type != eval.Service {
				out = append(out, namedCaller(p))
			}
		}
	}
	return out
}

func accountOf(arn string) string {
	if a, ok := policy.ParseARN(arn); ok {
		return a.Account
	}
	return ""
}

func instance(p string) string { return eval.Instance(p) }

// instanceTrim is instance for OU paths: a trailing "*" becomes nothing, so
// that "o-x/r-1/ou-1/*" yields the OU itself.
func instanceTrim(p string) string {
	return instance(strings.TrimSuffix(p, "*"))
}
