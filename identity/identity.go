// Package identity answers, for the scanned account's own users and roles,
// which ECR actions they can perform on which repositories (SPEC section 3,
// "Who can"): their identity policies (inline, attached managed, and their
// groups' for users), permissions boundary, the SCPs and each repository's
// policy, combined with AWS's same-account rules.
//
// "Can" means: some request context the principal can produce is allowed.
// Who the principal is (ARN, account, unique id, tags, organization) and
// the repository (ARN, tags) are fixed; everything else (MFA, source IP,
// time, request tags) is free and searched, with the same evaluator and the
// same search as the exposure analysis.
package identity

import (
	"fmt"
	"sort"
	"strings"

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

	caller eval.Principal
	base   *eval.Context
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
	// Tags are nil when the repository has none or they are unknown.
	Tags   map[string]string
	Policy *eval.Policy

	named    map[string]bool // principal ARNs its policy names
	everyone bool            // its policy names everyone or uses NotPrincipal
	index    int             // place in Model.Repositories, or -1
}

// Model is one account's identities and repositories, ready to query.
type Model struct {
	Account      string
	OrgID        string
	Principals   []*Principal
	Repositories []*Repository
	// Regions are the regions whose repositories are considered; "every
	// repository" is asked about a repository the account does not name in
	// each.
	Regions []string
	SCPs    []*eval.Policy
	Gaps    []estate.Gap
	Notes   []estate.Note

	memo *memo
}

// Fork returns a model of the same account with its own memo, for another
// goroutine: a Model is not safe for concurrent use, its forks are, each on
// one goroutine. Searches record gaps on the fork; Join takes them back.
func (m *Model) Fork() *Model {
	f := *m
	f.Gaps, f.Notes = nil, nil
	f.memo = newMemo()
	f.memo.off = m.memo.off
	return &f
}

// Join takes back the gaps and notes a fork recorded.
func (m *Model) Join(f *Model) {
	m.Gaps = append(m.Gaps, f.Gaps...)
	m.Notes = append(m.Notes, f.Notes...)
}

// Build prepares the account for queries. orgID is the organization the
// account's principals belong to (config trusted.org_ids[0]), or "".
func Build(acct *estate.Account, orgID, defaultRegion string) *Model {
	m := &Model{Account: acct.ID, OrgID: orgID, memo: newMemo()}
	for _, p := range acct.SCPs {
		m.SCPs = append(m.SCPs, eval.Compile(p.Name, p.Doc))
	}
	for _, r := range acct.Regions() {
		m.Regions = append(m.Regions, r.Name)
		for _, repo := range r.Repositories() {
			ir := &Repository{Name: repo.Name, ARN: repo.ARN, Account: repo.Account, Region: repo.Region, named: map[string]bool{}, index: len(m.Repositories)}
			if repo.TagsKnown && len(repo.Tags) > 0 {
				ir.Tags = repo.Tags
			}
			if repo.PolicyState == estate.HasPolicy {
				ir.Policy = eval.Compile(repo.Policy.Name, repo.Policy.Doc)
				ir.scanPrincipals(repo.Policy.Doc)
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
		pr := &Principal{
			ARN: "policy:" + p.Name, Name: p.Name, Kind: Attached, Account: acct.ID,
			Identity: []*eval.Policy{eval.Compile(p.Name, p.Doc)},
		}
		// A role stands in for whoever the policy is attached to: it has no
		// user name and no boundary.
		pr.caller = eval.Principal{Type: eval.Role, ARN: "arn:aws:iam::" + acct.ID + ":role/ecrguard-holder-of-policy", Account: acct.ID}
		m.Principals = append(m.Principals, pr)
	}
	for _, p := range m.Principals {
		p.base = m.baseContext(p)
	}
	sort.SliceStable(m.Principals, func(i, j int) bool { return m.Principals[i].ARN < m.Principals[j].ARN })
	return m
}

func (r *Repository) scanPrincipals(doc *policy.Document) {
	for _, s := range doc.Statements {
		if s.NotPrincipal != nil || s.Principal.IsEveryone() {
			r.everyone = true
		}
		if s.Principal == nil {
			continue
		}
		for _, e := range s.Principal.Entries {
			if e.Value.Unknown {
				r.everyone = true
				continue
			}
			if e.Kind == policy.KindAWS {
				r.named[e.Value.Text] = true
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
		if mp, ok := catalog.Default().ManagedPolicy(arn); ok {
			if doc, err := policy.Parse(mp.Document, "catalog:"+mp.Name); err == nil {
				p := eval.Compile(arn, doc)
				compiled[arn] = p
				m.Notes = append(m.Notes, estate.Note{Source: iam.Source, Message: fmt.Sprintf("the AWS managed policy %s (attached to %s) is not in the authorization details; ecrguard used its embedded copy of version %s", arn, usedBy, mp.VersionID)})
				return p
			}
		}
		if !missing[arn] {
			missing[arn] = true
			m.Gaps = append(m.Gaps, estate.Gap{Source: iam.Source, Account: m.Account, Resource: arn, Code: "policy-not-found",
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
		p := &Principal{ARN: u.ARN, Name: u.Name, Kind: User, Account: m.Account, ID: u.ID, Tags: u.Tags}
		p.Identity = append(inline(u.Inline), attach(u.Attached, label)...)
		for _, gn := range u.Groups {
			g := groups[gn]
			if g == nil {
				m.Gaps = append(m.Gaps, estate.Gap{Source: iam.Source, Account: m.Account, Resource: u.ARN, Code: "group-not-found",
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
		p := &Principal{ARN: r.ARN, Name: r.Name, Kind: Role, Account: m.Account, ID: r.ID, Tags: r.Tags, ServiceLinked: r.ServiceLinked}
		p.Identity = append(inline(r.Inline), attach(r.Attached, label)...)
		if r.Boundary != "" {
			p.Boundary = resolve(r.Boundary, label+" as its permissions boundary")
		}
		p.caller = eval.Principal{Type: eval.Role, ARN: r.ARN, Account: m.Account}
		m.Principals = append(m.Principals, p)
	}
}

// baseContext holds the keys fixed by who the principal is.
func (m *Model) baseContext(p *Principal) *eval.Context {
	ctx := eval.NewContext()
	switch p.Kind {
	case User:
		if p.ID != "" {
			ctx.Set("aws:userid", p.ID)
		}
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

// fixedKeys are decided by the principal or the repository, never searched.
func fixedKey(lower string) bool {
	switch lower {
	case "aws:principalarn", "aws:principalaccount", "aws:principalorgid", "aws:principalorgpaths",
		"aws:userid", "aws:username", "aws:principaltype", "aws:principalisawsservice",
		"aws:principalservicename", "aws:principalservicenameslist",
		"aws:sourceaccount", "aws:sourcearn", "aws:sourceowner", "aws:sourceorgid", "aws:sourceorgpaths",
		"aws:resourceaccount":
		return true
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
	// NoMFA: without MFA (aws:MultiFactorAuthPresent absent or false,
	// aws:MultiFactorAuthAge absent) and with the repository's tags absent,
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

// Can asks whether p can perform action on repo (nil: resource "*" for
// actions without a resource type) and returns the proof, or nil.
func (m *Model) Can(p *Principal, action string, repo *Repository, mode Mode) *eval.Witness {
	resource := "*"
	if repo != nil {
		resource = repo.ARN
	}
	return m.ask(p, action, resource, repo, mode)
}

// CanEvery asks whether p can perform action on every repository of the
// account: on a repository the account does not name, in each region, with
// tags absent (a write that depends on a resource tag is not "every
// repository"; one that needs MFA is, so MFA stays free).
func (m *Model) CanEvery(p *Principal, action string, mode Mode) *eval.Witness {
	var w *eval.Witness
	for _, r := range m.Regions {
		arn := estate.RepositoryARN(r, m.Account, eval.FreshValue)
		w = m.ask(p, action, arn, &Repository{ARN: arn, Account: m.Account, Region: r, index: -1}, mode)
		if w == nil {
			return nil
		}
	}
	return w
}

func (m *Model) ask(p *Principal, action, resource string, repo *Repository, mode Mode) *eval.Witness {
	if !m.may(p, action, repo) {
		return nil
	}
	act := m.action(action)
	if act == nil || m.memo.off {
		return m.search(p, action, resource, repo, mode)
	}
	k := m.key(p, act, repo, mode)
	if w, ok := m.memo.answers[k]; ok {
		return w
	}
	w := m.search(p, action, resource, repo, mode)
	m.memo.answers[k] = w
	return w
}

// search evaluates one question with the search over free keys.
func (m *Model) search(p *Principal, action, resource string, repo *Repository, mode Mode) *eval.Witness {
	ps := &eval.PolicySet{Identity: p.Identity, Boundary: p.Boundary, ResourceAccount: m.Account}
	if !p.ServiceLinked {
		ps.SCPs = m.SCPs
	}
	if repo != nil && repo.Policy != nil {
		ps.Resource = repo.Policy
	}
	return m.searchSet(p, action, resource, repo, mode, ps)
}

// may is a quick test: can any policy possibly allow the action? Without an
// identity Allow for it, only a repository policy naming the principal (or
// everyone) can grant it in its own account.
func (m *Model) may(p *Principal, action string, repo *Repository) bool {
	act := m.action(action)
	if act == nil {
		for _, pol := range p.Identity {
			if pol.MayAllow(action) {
				return true
			}
		}
		return repo != nil && repo.Policy != nil && (repo.everyone || repo.named[p.ARN]) && repo.Policy.MayAllow(action)
	}
	if m.identityAllows(p).Has(act.Index) {
		return true
	}
	if repo == nil || repo.Policy == nil {
		return false
	}
	return (repo.everyone || repo.named[p.ARN]) && m.memo.allowActions(repo.Policy).Has(act.Index)
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
// (nil: resource "*"), with their proofs, in ARN order.
func (m *Model) WhoCan(action string, repo *Repository) []Grant {
	var out []Grant
	for _, p := range m.Principals {
		if w := m.Can(p, action, repo, Free); w != nil {
			out = append(out, Grant{Principal: p, Witness: w})
		}
	}
	return out
}

// Transient returns a repository the inputs do not describe (no policy, no
// tags), for questions about it.
func (m *Model) Transient(arn string) *Repository {
	a, _ := policy.ParseARN(arn)
	return &Repository{Name: strings.TrimPrefix(a.Resource, "repository/"), ARN: arn, Account: a.Account, Region: a.Region, named: map[string]bool{}, index: -1}
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
