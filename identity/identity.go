// Package identity answers, for the scanned account's own users and roles,
// which ECR actions they can perform on which repositories (docs/semantics.md,
// "Who can"): their identity policies (inline, attached managed, and their
// groups' for users), permissions boundary, the SCPs and each repository's
// policy, combined with AWS's same-account rules.
//
// "Can" means: some request context the principal can produce is allowed.
// Who the principal is (ARN, account, unique id, tags, organization), the
// repository (ARN, region, owner, tags when they were read) and the world
// (the time of the scan) are fixed; everything else (MFA, source IP,
// request tags) is free and searched, with the same evaluator and the same
// search as the exposure analysis.
package identity

import (
	"fmt"
	"runtime"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/ecrguard/ecrguard/catalog"
	"github.com/ecrguard/ecrguard/estate"
	"github.com/ecrguard/ecrguard/eval"
	"github.com/ecrguard/ecrguard/policy"
)

// Kind is what a Principal stands for.
type Kind uint8

// Principal kinds.
const (
	User Kind = iota
	Role
	// Attached stands for any principal a detached identity policy (read
	// from a raw policy file) is attached to.
	Attached
)

// Principal is one identity of the scanned account.
type Principal struct {
	// ARN is the user or role ARN; for Attached, "policy:" and the policy's
	// name.
	ARN           string
	Name          string
	Kind          Kind
	Account       string
	ID            string
	Tags          map[string]string
	Identity      []*eval.Policy
	Boundary      *eval.Policy
	ServiceLinked bool

	caller     eval.Principal
	base       *eval.Context
	sessionKey string // for a role, the key of its sessions in grantees
	// tagsUnknown: the inputs do not give the principal's tags (a policy
	// read with its owner alone, a Terraform value known only at apply):
	// they are unknown, not absent, and the search chooses them.
	tagsUnknown bool
	// alt is, for Attached, the stand-in for the users the policy may be
	// attached to (the principal itself stands for the roles); nil
	// otherwise.
	alt *Principal
}

// principalClass is what of a principal's kind its answers depend on,
// besides its statements: the type of its caller, whether it is a role
// (whose sessions always carry MFA's key) or stands for any holder of a
// policy, and whether its tags are unknown.
type principalClass struct {
	ptype       eval.PrincipalType
	kind        Kind
	tagsUnknown bool
}

func (p *Principal) class() principalClass {
	return principalClass{p.caller.Type, p.Kind, p.tagsUnknown}
}

// Label names the principal in messages: "role/ci-build", "user/alice".
func (p *Principal) Label() string {
	switch p.Kind {
	case User:
		return "user/" + p.Name
	case Role:
		return "role/" + p.Name
	}
	return "any principal with " + p.Name + " attached"
}

// Repository is one repository as the analysis sees it.
type Repository struct {
	Name    string
	ARN     string
	Account string
	Region  string
	// Tags are nil when the repository has none or they are unknown;
	// TagsKnown says which (docs/semantics.md: tags that were not read are
	// unknown, not absent).
	Tags      map[string]string
	TagsKnown bool
	Policy    *eval.Policy

	who      grantees  // whom its policy names
	registry *registry // the registry policy of its region, or nil
	index    int       // place in Model.Repositories, or -1
}

// registry is the registry policy of one region, as the analysis sees it.
type registry struct {
	policy *eval.Policy
	// v1: the registry's scope is V1 (docs/rules): the policy governs
	// only ReplicateImage, BatchImportUpstreamImage and CreateRepository.
	// Otherwise (V2, or unknown) it governs every repository action.
	v1 bool
	// allows, when the scope is unknown, is the policy's Allow statements
	// alone (nil: none): for the actions only V2 governs its grants count
	// and its Denies do not, the readings under which principals can do
	// more (estate.Registry.Scope).
	allows  *eval.Policy
	unknown bool
	who     grantees
}

// v1Actions are the actions a registry policy of scope V1 governs (ECR User
// Guide, "Private registry permissions in Amazon ECR").
var v1Actions = map[string]bool{"ecr:replicateimage": true, "ecr:batchimportupstreamimage": true, "ecr:createrepository": true}

// policyFor returns the registry policy as it takes part in a request for
// action on a repository, or nil: under V1 only for the three V1 actions,
// under V2 for every repository action; with the scope unknown, its Allow
// statements alone for the actions V1 does not govern.
func (g *registry) policyFor(action string, act *catalog.Action) *eval.Policy {
	if g == nil {
		return nil
	}
	v1 := v1Actions[strings.ToLower(action)]
	switch {
	case g.v1 && !v1, !g.v1 && act != nil && !repositoryActions().Has(act.Index):
		return nil
	case g.unknown && !v1:
		return g.allows
	}
	return g.policy
}

// repositoryActions are the ecr actions on repositories (docs/semantics.md, "Action classes").
var repositoryActions = sync.OnceValue(func() catalog.ActionSet { return catalog.Default().RepositorySet() })

// grantees is whom a resource policy's Principal elements name: a quick
// filter before evaluations.
type grantees struct {
	// named holds the principal ARNs it names; a role session
	// (arn:aws:sts::A:assumed-role/ROLE/SESSION) counts for its role, under
	// sessionKey.
	named map[string]bool
	// everyone: it names everyone, uses NotPrincipal or an unknown value.
	everyone bool
}

// sessionKey keys the sessions of role name in account: a session ARN names
// the role by name, without its path.
func sessionKey(account, role string) string {
	return "session:" + account + ":" + role
}

// names reports whether the policy may name p: by name (see namesByName)
// or as everyone.
func (g *grantees) names(p *Principal) bool {
	return g.everyone || g.namesByName(p)
}

// namesByName reports whether the policy names p by its ARN or, when p is a
// role, one of its sessions (a role's caller picks its session name): its
// answers are then p's own, not its class's.
func (g *grantees) namesByName(p *Principal) bool {
	return g.named[p.ARN] || (p.Kind == Role && g.named[p.sessionKey])
}

// Model is one account's identities and repositories, ready to query.
type Model struct {
	Account string
	// OrgID is the organization of the account (config trusted.org_ids[0]),
	// or "" when unknown.
	OrgID string
	// At is the time of the scan: requests carry it as aws:CurrentTime and
	// aws:EpochTime.
	At           time.Time
	Principals   []*Principal
	Repositories []*Repository
	// Regions are the regions whose repositories are considered; "every
	// repository" is asked about a repository the account does not name in
	// each.
	Regions []string
	SCPs    []*eval.Policy
	// RCPs are the resource control policies over the account's
	// repositories (none for the management account's): their Deny
	// statements limit every request to a repository, the account's own
	// principals' too, service-linked roles excepted (AWS Organizations User
	// Guide, "Resource control policies (RCPs)").
	RCPs []*eval.Policy
	// Gaps and Notes are what Build found the inputs lack for the account
	// (managed policies or groups the authorization details do not hold,
	// embedded copies used instead). They are fixed once the model is
	// built: what a question could not settle comes back with its answer.
	Gaps  []estate.Gap
	Notes []estate.Note

	registries map[string]*registry // by region
	memo       *memo
}

// Fork returns a model of the same account with its own memo, for another
// goroutine: a Model is not safe for concurrent use, its forks are, each on
// one goroutine. Questions change nothing but the memo, so a fork has
// nothing to give back.
func (m *Model) Fork() *Model {
	f := *m
	f.memo = newMemo()
	f.memo.off, f.memo.limit = m.memo.off, m.memo.limit
	return &f
}

// Chunks is how many runs of principals EachChunk splits a model into. It
// is fixed, not the number of cores: which of several valid proofs a
// memoised answer carries depends on the questions asked before it on the
// same memo, so the split must not depend on the machine for a report to be
// the same bytes everywhere.
const Chunks = 4

// EachChunk splits m's principals into Chunks contiguous runs (fewer when
// there are fewer principals) and calls f on each, with the indexes of its
// principals [lo, hi) and a fork of m of its own, from a pool of one
// goroutine per core; it returns when every run is done. f writes only to
// the slots of its own principals.
func (m *Model) EachChunk(f func(fork *Model, lo, hi int)) {
	n := min(Chunks, len(m.Principals))
	chunks := make(chan int)
	var wg sync.WaitGroup
	for range max(1, min(runtime.GOMAXPROCS(0), n)) {
		wg.Go(func() {
			for c := range chunks {
				f(m.Fork(), c*len(m.Principals)/n, (c+1)*len(m.Principals)/n)
			}
		})
	}
	for c := range n {
		chunks <- c
	}
	close(chunks)
	wg.Wait()
}

// Build prepares the account for queries. orgID is the organization the
// account's principals belong to (config trusted.org_ids[0]), or "". at is
// the time of the scan; the zero time means now.
func Build(acct *estate.Account, orgID, defaultRegion string, at time.Time) *Model {
	if at.IsZero() {
		at = time.Now()
	}
	m := &Model{Account: acct.ID, OrgID: orgID, At: at, memo: newMemo(), registries: map[string]*registry{}}
	// SCPs do not affect the users and roles of the organization's
	// management account (AWS Organizations User Guide, "Service control
	// policies (SCPs)"); an estate merged from several sources may hold
	// both.
	for _, p := range acct.SCPs {
		if !acct.Management {
			m.SCPs = append(m.SCPs, eval.Compile(p.Name, p.Doc))
		}
	}
	m.RCPs = GoverningRCPs(acct)
	for _, r := range acct.Regions() {
		m.Regions = append(m.Regions, r.Name)
		if r.Registry.PolicyState == estate.HasPolicy && r.Registry.Policy.Doc != nil {
			doc := r.Registry.Policy.Doc
			g := &registry{policy: eval.Compile(r.Registry.Policy.Name, doc), v1: r.Registry.EffectiveScope() == estate.ScopeV1, unknown: r.Registry.Scope == ""}
			if allows := doc.Only(policy.Allow); g.unknown && len(allows) > 0 {
				g.allows = eval.Compile(r.Registry.Policy.Name, &policy.Document{Version: doc.Version, ID: doc.ID, Statements: allows})
			}
			g.who.scan(doc)
			m.registries[r.Name] = g
		}
		for _, repo := range r.Repositories() {
			ir := &Repository{Name: repo.Name, ARN: repo.ARN, Account: repo.Account, Region: repo.Region, TagsKnown: repo.TagsKnown,
				registry: m.registries[repo.Region], index: len(m.Repositories)}
			if repo.TagsKnown && len(repo.Tags) > 0 {
				ir.Tags = repo.Tags
			}
			if repo.PolicyState == estate.HasPolicy {
				ir.Policy = eval.Compile(repo.Policy.Name, repo.Policy.Doc)
				ir.who.scan(repo.Policy.Doc)
			}
			m.Repositories = append(m.Repositories, ir)
		}
	}
	if len(m.Regions) == 0 {
		if defaultRegion == "" {
			defaultRegion = estate.DefaultRegion
		}
		m.Regions = []string{defaultRegion}
	}
	if acct.IAM != nil {
		m.addIAM(acct.IAM)
	}
	for _, p := range acct.Detached {
		if m.addOwned(p) {
			continue
		}
		pr := &Principal{
			ARN: "policy:" + p.Name, Name: p.Name, Kind: Attached, Account: acct.ID,
			Identity: []*eval.Policy{eval.Compile(p.Name, p.Doc)},
		}
		// The policy may be attached to any role or user of the account
		// (or a group of users), with no boundary: a role and a user stand
		// in for them, whose names, ids and tags the search chooses
		// (holderNames).
		pr.caller = eval.Principal{Type: eval.Role, ARN: "arn:aws:iam::" + acct.ID + ":role/" + holderName, Account: acct.ID}
		alt := *pr
		alt.caller = eval.Principal{Type: eval.User, ARN: "arn:aws:iam::" + acct.ID + ":user/" + holderName, Account: acct.ID}
		pr.alt = &alt
		m.Principals = append(m.Principals, pr)
	}
	for _, p := range m.Principals {
		p.base = m.baseContext(p)
		if p.alt != nil {
			p.alt.base = m.baseContext(p.alt)
		}
		if p.Kind == Role {
			p.sessionKey = sessionKey(p.Account, p.Name)
		}
	}
	slices.SortStableFunc(m.Principals, func(a, b *Principal) int { return strings.Compare(a.ARN, b.ARN) })
	return m
}

func (g *grantees) scan(doc *policy.Document) {
	if g.named == nil {
		g.named = map[string]bool{}
	}
	for _, s := range doc.Statements {
		if s.NotPrincipal != nil || s.Principal.IsEveryone() {
			g.everyone = true
		}
		if s.Principal == nil {
			continue
		}
		for _, e := range s.Principal.Entries {
			if e.Value.Unknown {
				g.everyone = true
				continue
			}
			if e.Kind == policy.KindAWS {
				g.named[e.Value.Text] = true
				if sp, err := eval.ParsePrincipal(e.Value.Text); err == nil && sp.Type == eval.AssumedRole {
					g.named[sessionKey(sp.Account, sp.Name())] = true
				}
			}
		}
	}
}

// addIAM turns authorization details into principals, compiling every
// managed policy once.
func (m *Model) addIAM(iam *estate.IAM) {
	groups, policies := iam.Index()
	compiled := map[string]*eval.Policy{}
	missing := map[string]bool{}
	resolve := func(arn, usedBy string) *eval.Policy {
		if p, ok := compiled[arn]; ok {
			return p
		}
		if mp := policies[arn]; mp != nil && mp.Default != nil && mp.Default.Doc != nil {
			p := eval.Compile(arn, mp.Default.Doc)
			compiled[arn] = p
			return p
		}
		if mp, ok, err := estate.AWSManagedPolicy(arn, policy.Pos{}); ok && err == nil {
			p := eval.Compile(arn, mp.Default.Doc)
			compiled[arn] = p
			m.Notes = append(m.Notes, estate.Note{Source: iam.Source, Message: fmt.Sprintf("the AWS managed policy %s (attached to %s) is not in the authorization details; ecrguard used its embedded copy of version %s", arn, usedBy, mp.VersionID)})
			return p
		}
		if !missing[arn] {
			missing[arn] = true
			m.Gaps = append(m.Gaps, estate.Gap{Source: iam.Source, Account: m.Account, Resource: arn, Code: estate.GapPolicyNotFound,
				Message: fmt.Sprintf("the managed policy %s, attached to %s, is not in the authorization details, so what it grants is not assessed", arn, usedBy)})
		}
		compiled[arn] = nil
		return nil
	}
	inline := func(ps []*estate.Policy) []*eval.Policy {
		var out []*eval.Policy
		for _, p := range ps {
			if p != nil && p.Doc != nil {
				out = append(out, eval.Compile(p.Name, p.Doc))
			}
		}
		return out
	}
	attach := func(arns []string, usedBy string) []*eval.Policy {
		var out []*eval.Policy
		for _, arn := range arns {
			if p := resolve(arn, usedBy); p != nil {
				out = append(out, p)
			}
		}
		return out
	}
	for _, u := range iam.Users {
		label := "user/" + u.Name
		p := &Principal{ARN: u.ARN, Name: u.Name, Kind: User, Account: m.Account, ID: u.ID, Tags: u.Tags, tagsUnknown: u.TagsUnknown}
		p.Identity = append(inline(u.Inline), attach(u.Attached, label)...)
		for _, gn := range u.Groups {
			g := groups[gn]
			if g == nil {
				m.Gaps = append(m.Gaps, estate.Gap{Source: iam.Source, Account: m.Account, Resource: u.ARN, Code: estate.GapGroupNotFound,
					Message: fmt.Sprintf("%s is in group %s, which is not in the authorization details, so the group's policies are not assessed", label, gn)})
				continue
			}
			p.Identity = append(p.Identity, inline(g.Inline)...)
			p.Identity = append(p.Identity, attach(g.Attached, "group/"+g.Name)...)
		}
		if u.Boundary != "" {
			p.Boundary = resolve(u.Boundary, label+" as its permissions boundary")
		}
		p.caller = eval.Principal{Type: eval.User, ARN: u.ARN, Account: m.Account}
		m.Principals = append(m.Principals, p)
	}
	for _, r := range iam.Roles {
		label := "role/" + r.Name
		p := &Principal{ARN: r.ARN, Name: r.Name, Kind: Role, Account: m.Account, ID: r.ID, Tags: r.Tags, ServiceLinked: r.ServiceLinked,
			tagsUnknown: r.TagsUnknown || sessionTags(r.Trust)}
		p.Identity = append(inline(r.Inline), attach(r.Attached, label)...)
		if r.Boundary != "" {
			p.Boundary = resolve(r.Boundary, label+" as its permissions boundary")
		}
		p.caller = eval.Principal{Type: eval.Role, ARN: r.ARN, Account: m.Account}
		m.Principals = append(m.Principals, p)
	}
}

// sessionTags reports whether a role's trust policy lets its sessions be
// tagged (an Allow statement for sts:TagSession): the caller of AssumeRole
// then passes session tags, which override the role's tags of the same key
// (IAM User Guide, "Pass session tags in AWS STS": the role's trust policy
// must allow sts:TagSession), so the role's aws:PrincipalTag values are the
// caller's to pick.
func sessionTags(trust *estate.Policy) bool {
	if trust == nil || trust.Doc == nil {
		return false
	}
	pol := eval.Compile(trust.Name, trust.Doc)
	for i := 0; i < pol.Statements(); i++ {
		if pol.StatementAt(i).Effect == policy.Allow && pol.ActionApplies(i, "sts:TagSession") {
			return true
		}
	}
	return false
}

// unknownRoleID and unknownUserID stand for the unique id of a role or a
// user the inputs do not give (Terraform, CloudFormation).
const (
	unknownRoleID = "AROAECRGUARDUNKNOWNID"
	unknownUserID = "AIDAECRGUARDUNKNOWNID"
)

// baseContext holds the keys fixed by who the principal is.
func (m *Model) baseContext(p *Principal) *eval.Context {
	ctx := eval.NewContext()
	switch p.Kind {
	case User:
		// An IAM user's requests always carry its unique id.
		id := p.ID
		if id == "" {
			id = unknownUserID
		}
		ctx.Set("aws:userid", id)
	case Role:
		if p.ID != "" {
			ctx.Set("aws:userid", p.ID+":"+eval.FreshValue)
		}
	}
	for k, v := range p.Tags {
		ctx.Set("aws:PrincipalTag/"+k, v)
	}
	if m.OrgID != "" {
		ctx.Set("aws:PrincipalOrgID", m.OrgID)
	}
	eval.Derive(ctx, p.caller)
	return ctx
}

// fixedKey reports the keys decided by the principal, the repository or the
// world (docs/semantics.md, "Keys fixed by the world"), never searched.
// aws:ResourceOrgID and aws:PrincipalOrgID are fixed only when the
// organization is known; unknown, they are left to the search, which tries
// every value they can take (absent included): an unknown value taken at
// its worst. aws:ResourceOrgPaths and aws:PrincipalOrgPaths are never fixed
// outright: the account's place in its organization is not known, so the
// search tries the paths inside it (see worldDimensions), or any.
func (m *Model) fixedKey(lower string) bool {
	switch lower {
	case "aws:principalarn", "aws:principalaccount",
		"aws:userid", "aws:username", "aws:principaltype", "aws:principalisawsservice",
		"aws:principalservicename", "aws:principalservicenameslist",
		"aws:sourceaccount", "aws:sourcearn", "aws:sourceowner", "aws:sourceorgid", "aws:sourceorgpaths",
		"aws:resourceaccount", "aws:requestedregion", "aws:currenttime", "aws:epochtime", "aws:securetransport":
		return true
	case "aws:resourceorgid", "aws:principalorgid":
		return m.OrgID != ""
	}
	return strings.HasPrefix(lower, "aws:principaltag/") || isResourceTag(lower)
}

func isResourceTag(lower string) bool {
	return strings.HasPrefix(lower, "ecr:resourcetag/") || strings.HasPrefix(lower, "aws:resourcetag/")
}

// Mode says how a question is asked.
type Mode uint8

// Modes.
const (
	// Free: MFA and everything else the principal chooses are free; the
	// repository's real tags apply (who-can).
	Free Mode = iota
	// NoMFA: without MFA (aws:MultiFactorAuthPresent absent or false, false
	// for a role's sessions; aws:MultiFactorAuthAge absent) and with the repository's tags absent,
	// so that only unconditional access counts (ECR006: an MFA or tag
	// condition is the sanctioned narrowing of IAM-ECR-1).
	NoMFA
)

var noMFA = map[string]eval.Dimension{
	"aws:multifactorauthpresent": {
		{{Key: "aws:MultiFactorAuthPresent", Absent: true}},
		{{Key: "aws:MultiFactorAuthPresent", Values: []string{"false"}}},
	},
	"aws:multifactorauthage": {{{Key: "aws:MultiFactorAuthAge", Absent: true}}},
}

// A role acts through its sessions, whose temporary credentials always
// carry aws:MultiFactorAuthPresent, true or false; only long-term keys (a
// user's) leave it out (IAM User Guide, "AWS global condition context
// keys"). A user may call with either.
var (
	roleMFA = map[string]eval.Dimension{"aws:multifactorauthpresent": {
		{{Key: "aws:MultiFactorAuthPresent", Values: []string{"false"}}},
		{{Key: "aws:MultiFactorAuthPresent", Values: []string{"true"}}},
	}}
	userMFA = map[string]eval.Dimension{"aws:multifactorauthpresent": append(
		noMFA["aws:multifactorauthpresent"][:1:1], roleMFA["aws:multifactorauthpresent"]...)}
	roleNoMFA = map[string]eval.Dimension{
		"aws:multifactorauthpresent": {{{Key: "aws:MultiFactorAuthPresent", Values: []string{"false"}}}},
		"aws:multifactorauthage":     noMFA["aws:multifactorauthage"],
	}
)

// mfaOptions returns the options of the MFA keys of p's requests in mode.
func mfaOptions(p *Principal, mode Mode) map[string]eval.Dimension {
	switch {
	case p.caller.Type == eval.Role && mode == NoMFA:
		return roleNoMFA
	case p.caller.Type == eval.Role:
		return roleMFA
	case mode == NoMFA:
		return noMFA
	}
	return userMFA
}

// linkedWorlds returns the options of the keys under which p's requests
// are searched, one search each: fixed (mfaOptions), completed by the
// ways a real request sets the keys of each link the statements read
// (eval.LinkedWorlds: aws:MultiFactorAuthAge only with MFA,
// aws:TokenIssueTime only with temporary credentials, which a user's
// long-term keys are not, aws:SourceIp or the VPC endpoint's keys,
// aws:CalledVia* only with aws:ViaAWSService).
func linkedWorlds(fixed map[string]eval.Dimension, mentions []eval.Mention) []map[string]eval.Dimension {
	return eval.LinkedWorlds(fixed, func(lower string) bool { return eval.Reads(mentions, lower) })
}

// holderName names the stand-ins of whoever a detached identity policy is
// attached to.
const holderName = "ecrguard-holder-of-policy"

// eachHolder answers a question about p, which holds for a detached
// identity policy when it holds for one of its stand-ins (a role, a user).
func eachHolder(p *Principal, ask func(*Principal) found) found {
	f := ask(p)
	if f.w == nil && p.alt != nil {
		f = either(f, ask(p.alt))
	}
	return f
}

// holderKey reports the keys of who p is that the inputs do not give, so
// that the search chooses them: the holder of a detached identity policy's
// ARN, name and unique id (see holderNames), and the tags of a principal
// whose tags are not known (a detached policy's holder, a policy read with
// its owner alone, tags known only at apply).
func holderKey(p *Principal, lower string) bool {
	switch {
	case strings.HasPrefix(lower, "aws:principaltag/"):
		return p.Kind == Attached || p.tagsUnknown
	case lower == "aws:principalarn", lower == "aws:username", lower == "aws:userid":
		return p.Kind == Attached
	}
	return false
}

// holderNames are the names the stand-in of a detached identity policy's
// holder picks: the role's or user's name (with its path) and unique id.
func holderNames(p *Principal) []eval.Name {
	prefix, id := "arn:aws:iam::"+p.Account+":role/", "AROA"
	keys := []eval.NameKey{{Key: "aws:PrincipalArn", Prefix: prefix}}
	if p.caller.Type == eval.User {
		prefix, id = "arn:aws:iam::"+p.Account+":user/", "AIDA"
		keys = []eval.NameKey{{Key: "aws:PrincipalArn", Prefix: prefix}, {Key: "aws:username", Base: true}}
	}
	return []eval.Name{{Fresh: holderName, Keys: keys}, {Fresh: "ECRGUARDHOLDER", Keys: []eval.NameKey{{Key: "aws:userid", Prefix: id}}}}
}

// found is the answer to one question: its proof, or nil; cut reports that
// a search behind a nil proof stopped at its limit of request contexts, so
// the no is not proven.
type found struct {
	w   *eval.Witness
	cut bool
}

// either is the answer of a question that holds when one of its parts
// does: the first proof, else a no that is cut when one of the parts was.
func either(a, b found) found {
	if a.w != nil {
		return found{w: a.w}
	}
	if b.w != nil {
		return found{w: b.w}
	}
	return found{cut: a.cut || b.cut}
}

// both is the answer of a question that holds when every part does (b
// after a): the last proof, else a no that is cut only when no part is a
// proven no.
func both(a, b found) found {
	switch {
	case a.w == nil && !a.cut, b.w == nil && !b.cut:
		return found{}
	case a.cut || b.cut:
		return found{cut: true}
	}
	return found{w: b.w}
}

// limitGap is the gap of p's questions on action that stopped at the
// search's limit without a proof: where names what they were about.
func limitGap(p *Principal, action, where string) estate.Gap {
	return estate.Gap{Resource: p.ARN, Code: estate.GapTooManyCombinations,
		Message: fmt.Sprintf("the conditions of %s's policies combine into more request contexts than ecrguard tries for %s on %s", p.Label(), action, where)}
}

// gapsOf returns the gap of an answer whose no is not proven, or nil.
func gapsOf(f found, p *Principal, action, where string) []estate.Gap {
	if f.w != nil || !f.cut {
		return nil
	}
	return []estate.Gap{limitGap(p, action, where)}
}

// everyRepository names the question of CanEvery in gaps.
const everyRepository = "every repository of the account"

// Can asks whether p can perform action on repo (nil: resource "*" for
// actions without a resource type) and returns the proof, or nil. An
// action on "*" is asked in each region of the model (aws:RequestedRegion):
// the principal can call it in any of them, so it can when it can in one.
// The gap says when a nil proof is not a proven no (a search stopped at its
// limit); it depends on the question alone.
func (m *Model) Can(p *Principal, action string, repo *Repository, mode Mode) (*eval.Witness, []estate.Gap) {
	f := eachHolder(p, func(h *Principal) found { return m.can(h, action, repo, mode) })
	where := "*"
	if repo != nil {
		where = repo.ARN
	}
	return f.w, gapsOf(f, p, action, where)
}

func (m *Model) can(p *Principal, action string, repo *Repository, mode Mode) found {
	if repo != nil {
		return m.ask(p, action, repo, repo.Region, mode)
	}
	var out found
	for _, r := range m.Regions {
		if out = either(out, m.ask(p, action, nil, r, mode)); out.w != nil {
			return out
		}
	}
	return out
}

// CanEvery asks whether p can perform action on every repository of the
// account: on a repository the account does not name, in each region, with
// tags absent (a write that depends on a resource tag is not "every
// repository"; one that needs MFA is, so MFA stays free). Its gap is Can's.
func (m *Model) CanEvery(p *Principal, action string, mode Mode) (*eval.Witness, []estate.Gap) {
	f := eachHolder(p, func(h *Principal) found { return m.canEvery(h, action, mode) })
	return f.w, gapsOf(f, p, action, everyRepository)
}

func (m *Model) canEvery(p *Principal, action string, mode Mode) found {
	return m.inEveryRegion(func(r string) found { return m.ask(p, action, m.fresh(r), r, mode) })
}

// inEveryRegion answers a question that holds when it holds in each region
// of the model, asked by ask; it stops at the first proven no.
func (m *Model) inEveryRegion(ask func(region string) found) found {
	var out found
	for i, r := range m.Regions {
		if f := ask(r); i == 0 {
			out = f
		} else {
			out = both(out, f)
		}
		if out.w == nil && !out.cut {
			break
		}
	}
	return out
}

// fresh returns a repository the account does not name, in region: tags
// absent (read, and none), no policy of its own, the region's registry
// policy.
func (m *Model) fresh(region string) *Repository {
	arn := estate.RepositoryARN(region, m.Account, eval.FreshValue)
	return &Repository{ARN: arn, Account: m.Account, Region: region, TagsKnown: true, registry: m.registries[region], index: -1}
}

// ask answers one question on repo (nil: resource "*") in region.
func (m *Model) ask(p *Principal, action string, repo *Repository, region string, mode Mode) found {
	if !m.may(p, action, repo) {
		return found{}
	}
	act := m.action(action)
	if act == nil || m.memo.off {
		return m.search(p, action, repo, region, mode)
	}
	k := m.key(p, act, repo, region, mode)
	if f, ok := m.memo.answers[k]; ok {
		return f
	}
	f := m.search(p, action, repo, region, mode)
	m.memo.answers[k] = f
	return f
}

// search evaluates one question with the search over free keys.
func (m *Model) search(p *Principal, action string, repo *Repository, region string, mode Mode) found {
	ps := m.identitySet(p, repo != nil && repo.Account == m.Account)
	ps.Resource, ps.Registry = m.resourcePolicies(repo, action, m.action(action))
	return m.searchSet(p, action, repo, region, mode, ps)
}

// identitySet is the policy set of p's requests without the resource
// policies: its identity policies, boundary and SCPs, and for a request to
// a repository of the account (ownRepo) the account's RCPs (another
// account's repositories are governed by that account's RCPs, which the
// model does not hold: none is assumed). A service-linked role is
// subject to neither SCPs nor RCPs.
func (m *Model) identitySet(p *Principal, ownRepo bool) *eval.PolicySet {
	ps := &eval.PolicySet{Identity: p.Identity, Boundary: p.Boundary, ResourceAccount: m.Account}
	if !p.ServiceLinked {
		ps.SCPs = m.SCPs
		if ownRepo {
			ps.RCPs = m.RCPs
		}
	}
	return ps
}

// resourcePolicies returns the resource-based policies that govern action
// on repo: its own policy, and the registry policy of its region where the
// registry's scope covers the action (docs/rules/ECR005.md, the
// registry policy scope). Both are the owner's: within the account either may grant, and a
// Deny in either denies.
func (m *Model) resourcePolicies(repo *Repository, action string, act *catalog.Action) (own, reg *eval.Policy) {
	if repo == nil {
		return nil, nil
	}
	return repo.Policy, repo.registry.policyFor(action, act)
}

// may is a quick test: can any policy possibly allow the action? Without an
// identity Allow for it, only a repository or registry policy naming the
// principal (or everyone) can grant it in its own account.
func (m *Model) may(p *Principal, action string, repo *Repository) bool {
	act := m.action(action)
	own, reg := m.resourcePolicies(repo, action, act)
	if act == nil {
		for _, pol := range p.Identity {
			if pol.MayAllow(action) {
				return true
			}
		}
		return own != nil && repo.who.names(p) && own.MayAllow(action) ||
			reg != nil && repo.registry.who.names(p) && reg.MayAllow(action)
	}
	if m.identityAllows(p).Has(act.Index) {
		return true
	}
	return own != nil && repo.who.names(p) && m.memo.allowActions(own).Has(act.Index) ||
		reg != nil && repo.registry.who.names(p) && m.memo.allowActions(reg).Has(act.Index)
}

// identityAllows is the union of what the principal's identity policies
// can allow: a quick filter.
func (m *Model) identityAllows(p *Principal) catalog.ActionSet {
	if s, ok := m.memo.principalAllow[p]; ok {
		return s
	}
	var s catalog.ActionSet
	for _, pol := range p.Identity {
		s = s.Union(m.memo.allowActions(pol))
	}
	m.memo.principalAllow[p] = s
	return s
}

// action looks an action up once per name.
func (m *Model) action(name string) *catalog.Action {
	if a, ok := m.memo.actions[name]; ok {
		return a
	}
	a := catalog.Default().Lookup(name)
	m.memo.actions[name] = a
	return a
}

// Grant is one principal's proven access.
type Grant struct {
	Principal *Principal
	Witness   *eval.Witness
}

// WhoCan lists the account's principals that can perform action on repo
// (nil: resource "*"), with their proofs, in ARN order, and the gaps of the
// principals whose no is not proven (see Can).
func (m *Model) WhoCan(action string, repo *Repository) ([]Grant, []estate.Gap) {
	var out []Grant
	var gaps []estate.Gap
	for _, p := range m.Principals {
		w, g := m.Can(p, action, repo, Free)
		if w != nil {
			out = append(out, Grant{Principal: p, Witness: w})
		}
		gaps = append(gaps, g...)
	}
	return out, gaps
}

// Transient returns a repository the inputs do not describe (no policy,
// tags unknown; the registry policy of its region when the inputs give it),
// for questions about it.
func (m *Model) Transient(arn string) *Repository {
	a, _ := policy.ParseARN(arn)
	r := &Repository{Name: strings.TrimPrefix(a.Resource, "repository/"), ARN: arn, Account: a.Account, Region: a.Region, index: -1}
	if a.Account == m.Account {
		r.registry = m.registries[a.Region]
	}
	return r
}

// Repository returns the repository with ARN arn, or nil.
func (m *Model) Repository(arn string) *Repository {
	for _, r := range m.Repositories {
		if r.ARN == arn {
			return r
		}
	}
	return nil
}

// addOwned adds p, a detached identity policy whose owner is a known role
// or user, to that principal (made when the authorization details do not
// describe it: what else it may do is not known), and reports whether it
// did.
func (m *Model) addOwned(p *estate.Policy) bool {
	a, ok := policy.ParseARN(p.Owner)
	if !ok || a.Service != "iam" {
		return false
	}
	kind, typ, name := Role, eval.Role, strings.TrimPrefix(a.Resource, "role/")
	if rest, isUser := strings.CutPrefix(a.Resource, "user/"); isUser {
		kind, typ, name = User, eval.User, rest
	} else if name == a.Resource {
		return false
	}
	compiled := eval.Compile(p.Name, p.Doc)
	for _, pr := range m.Principals {
		if pr.ARN == p.Owner {
			pr.Identity = append(pr.Identity, compiled)
			return true
		}
	}
	if i := strings.LastIndexByte(name, '/'); i >= 0 {
		name = name[i+1:]
	}
	pr := &Principal{ARN: p.Owner, Name: name, Kind: kind, Account: m.Account, Identity: []*eval.Policy{compiled}, tagsUnknown: true}
	pr.caller = eval.Principal{Type: typ, ARN: p.Owner, Account: m.Account}
	m.Principals = append(m.Principals, pr)
	return true
}

// GoverningRCPs returns the RCPs over acct's resources, compiled, one per
// level: none for the organization's management account (AWS Organizations
// User Guide, "Resource control policies (RCPs)": RCPs do not affect
// resources in the management account).
func GoverningRCPs(acct *estate.Account) []*eval.Policy {
	if acct.Management {
		return nil
	}
	var out []*eval.Policy
	for _, p := range acct.RCPs {
		out = append(out, eval.Compile(p.Name, p.Doc))
	}
	return out
}
