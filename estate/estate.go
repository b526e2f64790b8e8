// Package estate is what ecrguard read about one or more AWS accounts:
// repositories and their policies and tags, registry policies and their
// scope, IAM users, groups, roles and managed policies, SCPs, and the Gaps:
// what could not be read, and why.
//
// Sources (files, a live account, Terraform, CloudFormation) fill an Estate;
// the analyses read it. Nothing here evaluates a policy.
package estate

import (
	"cmp"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/ecrguard/ecrguard/policy"
)

// DefaultRegion is the region of inputs that name none.
const DefaultRegion = "us-east-1"

// Estate is everything read.
type Estate struct {
	accounts map[string]*Account
	// Gaps are the things that could not be read or evaluated. Any gap makes
	// the scan incomplete (exit code 2).
	Gaps []Gap
	// Notes are informational messages about inputs (a file skipped because
	// it is not ours, a managed policy resolved from the embedded catalog).
	Notes []Note
	// Ignores are the inline ignores written in the inputs read.
	Ignores []Ignore
}

// Ignore is an inline ignore written in an input: a comment
// "# ecrguard:ignore ECR001 reason" in Terraform or YAML, or an entry of a
// CloudFormation resource's Metadata ecrguard ignore list. It covers the
// lines of File between From and To, the statement, block or resource it
// stands on or above, and silences the findings of Rule whose statements
// all lie in lines that it, or other ignores of Rule, cover.
type Ignore struct {
	Rule   string
	Reason string
	// Pos is where the ignore is written.
	Pos      policy.Pos
	File     string
	From, To int
}

// IgnoreDirective is the word that starts an inline ignore comment.
const IgnoreDirective = "ecrguard:ignore"

// ParseIgnoreComment reads a comment's text (without its # or //) as an
// inline ignore, "ecrguard:ignore RULE reason": ok is false when the
// comment is not one. rule or reason is "" when the comment leaves it out
// (the caller reports it).
func ParseIgnoreComment(text string) (rule, reason string, ok bool) {
	rest, found := strings.CutPrefix(strings.TrimSpace(text), IgnoreDirective)
	if !found || (rest != "" && rest[0] != ' ' && rest[0] != '\t') {
		return "", "", false
	}
	fields := strings.Fields(rest)
	if len(fields) == 0 {
		return "", "", true
	}
	reason = strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(rest), fields[0]))
	return fields[0], reason, true
}

// New returns an empty estate.
func New() *Estate { return &Estate{accounts: map[string]*Account{}} }

// byKey returns the values of m in the order of their keys.
func byKey[V any](m map[string]V) []V {
	out := make([]V, 0, len(m))
	for _, k := range slices.Sorted(maps.Keys(m)) {
		out = append(out, m[k])
	}
	return out
}

// entry returns the value of key in *m, making the map when it is nil and
// the value with create when there is none.
func entry[V any](m *map[string]*V, key string, create func() *V) *V {
	if *m == nil {
		*m = map[string]*V{}
	}
	v := (*m)[key]
	if v == nil {
		v = create()
		(*m)[key] = v
	}
	return v
}

// Account returns the account with id, creating it.
func (e *Estate) Account(id string) *Account {
	return entry(&e.accounts, id, func() *Account { return &Account{ID: id, regions: map[string]*Region{}} })
}

// Lookup returns the account with id, or nil.
func (e *Estate) Lookup(id string) *Account { return e.accounts[id] }

// Accounts returns the accounts sorted by id.
func (e *Estate) Accounts() []*Account {
	return byKey(e.accounts)
}

// AddGap records something that could not be read or evaluated.
func (e *Estate) AddGap(g Gap) { e.Gaps = append(e.Gaps, g) }

// AddNote records an informational message.
func (e *Estate) AddNote(n Note) { e.Notes = append(e.Notes, n) }

// Merge adds everything of o to e. Repositories, registries and IAM data of
// the same account and region are merged. Where both say the same thing
// about a resource (a snapshot and a CLI export of one policy, a Terraform
// module and its plan) they merge quietly; where they disagree (two
// different policies of one repository, a policy and "no policy") neither
// is dropped silently: a Gap with code GapConflictingInputs names both inputs, and
// the analysis judges the reading that can grant the most (see
// resolvePolicy). A gap or note e holds already is not added again.
func (e *Estate) Merge(o *Estate) {
	for _, oa := range o.Accounts() {
		a := e.Account(oa.ID)
		a.merge(oa, e)
	}
	e.Gaps = appendNew(e.Gaps, o.Gaps, func(g Gap) string { return fmt.Sprintf("%#v", g) })
	e.Notes = appendNew(e.Notes, o.Notes, func(n Note) string { return n.Source + "\x00" + n.Message })
	e.Ignores = append(e.Ignores, o.Ignores...)
}

// appendNew appends to cur the items of in it does not hold already, by
// key: what two inputs both say (two snapshots of one account, collected
// region by region, each with the gap of the ECR Public repositories it
// could not list and the note of who read it) is said once.
func appendNew[T any](cur, in []T, key func(T) string) []T {
	held := make(map[string]bool, len(cur))
	for _, c := range cur {
		held[key(c)] = true
	}
	for _, x := range in {
		if !held[key(x)] {
			cur = append(cur, x)
		}
	}
	return cur
}

// Account is one AWS account.
type Account struct {
	ID      string
	regions map[string]*Region
	// IAM is the account's authorization details, or nil when not read.
	IAM *IAM
	// SCPs are the service control policies over the account, one document
	// per level of the organization hierarchy (each must allow). SCPsKnown
	// is false when they were not read (the analysis then assumes none).
	SCPs      []*Policy
	SCPsKnown bool
	// RCPs are the resource control policies over the account, one
	// document per level of the organization hierarchy (root first, the
	// account last). RCPFullAWSAccess sits at every level and cannot be
	// detached, so only their Deny statements change an answer
	// (docs/semantics.md). RCPsKnown is false when they were not read: the
	// analysis then assumes none, and a note says which conclusions rest
	// on that. Management is true when the account is the organization's
	// management account, whose resources RCPs do not govern.
	RCPs       []*Policy
	RCPsKnown  bool
	Management bool
	// Detached are identity policies read without knowing who they are
	// attached to (a raw policy file): "any principal it is attached to".
	Detached []*Policy
	// Public are the account's ECR Public repositories, when read.
	Public []*PublicRepository
	// publicByName indexes Public by name (PublicRepository).
	publicByName map[string]*PublicRepository
}

// PublicRepository returns the account's ECR Public repository named name,
// creating it. A name is looked up in an index of Public, made again when
// Public was appended to by other means: reading 30,000 repositories
// compared each name with every other (2.6 s).
func (a *Account) PublicRepository(name string) *PublicRepository {
	if a.publicByName == nil || len(a.publicByName) != len(a.Public) {
		a.publicByName = make(map[string]*PublicRepository, len(a.Public))
		for _, p := range slices.Backward(a.Public) {
			a.publicByName[p.Name] = p // the first of a name, as a search finds
		}
	}
	if p, ok := a.publicByName[name]; ok {
		return p
	}
	p := &PublicRepository{Name: name, Account: a.ID, ARN: PublicRepositoryARN(a.ID, name)}
	a.Public = append(a.Public, p)
	a.publicByName[name] = p
	return p
}

// AddSCPLevel records p as the next level of SCPs over the account, and
// that they were read.
func (a *Account) AddSCPLevel(p *Policy) {
	a.SCPs = append(a.SCPs, p)
	a.SCPsKnown = true
}

// AddRCPLevel records p as the next level of RCPs over the account, and
// that they were read.
func (a *Account) AddRCPLevel(p *Policy) {
	a.RCPs = append(a.RCPs, p)
	a.RCPsKnown = true
}

// Region returns the account's region name, creating it.
func (a *Account) Region(name string) *Region {
	if name == "" {
		name = DefaultRegion
	}
	return entry(&a.regions, name, func() *Region { return &Region{Name: name, Account: a.ID, repos: map[string]*Repository{}} })
}

// Regions returns the account's regions sorted by name.
func (a *Account) Regions() []*Region {
	return byKey(a.regions)
}

func (a *Account) merge(o *Account, e *Estate) {
	for _, or := range o.Regions() {
		r := a.Region(or.Name)
		for _, orepo := range or.Repositories() {
			r.Repository(orepo.Name).merge(orepo, e)
		}
		r.Registry.merge(&or.Registry, r, e)
		for _, ot := range or.Templates() {
			r.Template(ot.Prefix).merge(ot, e)
		}
	}
	if o.IAM != nil {
		if a.IAM == nil {
			a.IAM = o.IAM
		} else {
			a.IAM.merge(o.IAM, e, a.ID)
		}
	}
	if o.SCPsKnown {
		a.SCPs = mergeLevels(a.SCPs, o.SCPs, e, a.ID, "SCP")
		a.SCPsKnown = true
	}
	if o.RCPsKnown {
		a.RCPs = mergeLevels(a.RCPs, o.RCPs, e, a.ID, "RCP")
		a.RCPsKnown = true
	}
	a.Management = a.Management || o.Management
	a.Detached = append(a.Detached, o.Detached...)
	for _, op := range o.Public {
		a.PublicRepository(op.Name).merge(op, e)
	}
}

// Region is one ECR registry: an account's repositories in one region.
type Region struct {
	Name      string
	Account   string
	repos     map[string]*Repository
	templates map[string]*CreationTemplate
	Registry  Registry
}

// Template returns the repository creation template of prefix, creating
// it.
func (r *Region) Template(prefix string) *CreationTemplate {
	return entry(&r.templates, prefix, func() *CreationTemplate {
		return &CreationTemplate{Prefix: prefix, Account: r.Account, Region: r.Name, ARN: TemplateARN(r.Name, r.Account, prefix)}
	})
}

// Templates returns the region's repository creation templates sorted by
// prefix.
func (r *Region) Templates() []*CreationTemplate {
	return byKey(r.templates)
}

// Repository returns the repository named name, creating it.
func (r *Region) Repository(name string) *Repository {
	return entry(&r.repos, name, func() *Repository {
		return &Repository{Name: name, Account: r.Account, Region: r.Name, ARN: RepositoryARN(r.Name, r.Account, name)}
	})
}

// Repositories returns the region's repositories sorted by name.
func (r *Region) Repositories() []*Repository {
	return byKey(r.repos)
}

// RepositoryARN builds a private repository's ARN.
func RepositoryARN(region, account, name string) string {
	return fmt.Sprintf("arn:aws:ecr:%s:%s:repository/%s", region, account, name)
}

// PublicRepositoryARN builds an ECR Public repository's ARN, which names
// no region.
func PublicRepositoryARN(account, name string) string {
	return "arn:aws:ecr-public::" + account + ":repository/" + name
}

// TemplateARN names a repository creation template in reports (the ARN
// AWS gives it: repository-creation-template/PREFIX, ROOT for the default
// template).
func TemplateARN(region, account, prefix string) string {
	return fmt.Sprintf("arn:aws:ecr:%s:%s:repository-creation-template/%s", region, account, prefix)
}

// RegistryARN names a private registry in reports (docs/rules).
func RegistryARN(region, account string) string {
	return fmt.Sprintf("arn:aws:ecr:%s:%s:registry", region, account)
}

// WithFullAWSAccess returns p, the policies of one SCP level, with AWS's
// FullAWSAccess (Allow * on *) assumed attached beside them, placed at at.
// AWS attaches FullAWSAccess at every level by default; a level read
// without any Allow would otherwise deny every request and hide every
// finding (docs/semantics.md). The sources add it where an input shows a
// level's Deny statements but not its Allow ones, and say so.
func WithFullAWSAccess(p *Policy, at policy.Pos) *Policy {
	doc := *p.Doc
	doc.Statements = append(append([]*policy.Statement{}, p.Doc.Statements...), &policy.Statement{
		Sid: "FullAWSAccess (assumed attached at this level)", Effect: policy.Allow,
		Action: []policy.Value{{Text: "*", Pos: at}}, Resource: []policy.Value{{Text: "*", Pos: at}},
		Pos: at, Index: len(p.Doc.Statements),
	})
	return &Policy{Name: p.Name + " (with FullAWSAccess assumed at its level)", Doc: &doc, Source: p.Source}
}

// PolicyState says what is known about a resource's policy.
type PolicyState uint8

// Policy states.
const (
	// Unread: nobody read it; the analysis must not call the resource clean
	// on the strength of its policy.
	Unread PolicyState = iota
	// NoPolicy: read, and there is none.
	NoPolicy
	// HasPolicy: read; Policy holds it.
	HasPolicy
)

// Repository is one private ECR repository.
type Repository struct {
	Name    string
	Account string
	Region  string
	ARN     string

	PolicySlot

	// Tags are the repository's tags; TagsKnown is false when they were not
	// read (the analyses then treat them as absent, docs/semantics.md).
	Tags      map[string]string
	TagsKnown bool

	// Inventory from describe-repositories, when read.
	InInventory        bool
	ImageTagMutability string
	ScanOnPush         *bool
	EncryptionType     string
	CreatedAt          string

	// Source is where the repository was defined or described.
	Source policy.Pos
}

// PublicRepository is one ECR Public repository. ECR Public has one
// registry per account, served from us-east-1; its policies govern the
// ecr-public actions (anyone may pull a public repository's images).
type PublicRepository struct {
	Name    string
	Account string
	ARN     string

	PolicySlot

	// Source is where the repository was defined or described.
	Source policy.Pos
}

// RootPrefix is the prefix of the default creation template, which
// applies to every repository no other template's prefix matches.
const RootPrefix = "ROOT"

// Creation template uses (appliedFor in the ECR API).
const (
	ForPullThroughCache = "PULL_THROUGH_CACHE"
	ForReplication      = "REPLICATION"
	ForCreateOnPush     = "CREATE_ON_PUSH"
)

// CreationTemplate is a repository creation template: the settings, policy
// included, that ECR gives every repository it creates under Prefix (by
// pull through cache, replication or create on push, as AppliedFor says).
// Its policy becomes each such repository's policy, so the exposure rules
// judge it as one (docs/semantics.md).
type CreationTemplate struct {
	Prefix  string
	Account string
	Region  string
	ARN     string
	// AppliedFor lists the ways of creating a repository the template
	// serves (ForPullThroughCache, ForReplication, ForCreateOnPush).
	AppliedFor []string

	PolicySlot

	// Source is where the template was defined or described.
	Source policy.Pos
}

// AddAppliedFor adds each of uses that AppliedFor does not list yet, and
// keeps AppliedFor sorted.
func (t *CreationTemplate) AddAppliedFor(uses ...string) {
	for _, u := range uses {
		if !slices.Contains(t.AppliedFor, u) {
			t.AppliedFor = append(t.AppliedFor, u)
		}
	}
	slices.Sort(t.AppliedFor)
}

// Registry scope values (aws ecr get-account-setting --name
// REGISTRY_POLICY_SCOPE).
const (
	ScopeV1 = "V1"
	ScopeV2 = "V2"
)

// Registry is a private registry's own settings.
type Registry struct {
	PolicySlot
	// Scope is REGISTRY_POLICY_SCOPE, or "" when unknown: the registry
	// policy's grants are then judged under V2 (EffectiveScope) and its
	// Deny statements, over its repositories, under V1 (DenyScope), the
	// readings under which outsiders can do more.
	Scope string
	// Replication lists replication destinations (account, region), when
	// read.
	Replication []ReplicationDestination
}

// ScopeAPI is the AWS call that reads the registry policy scope
// (GetAccountSetting REGISTRY_POLICY_SCOPE). A Gap with this Source and a
// registry's Account and Region says that registry's scope is unknown.
const ScopeAPI = "ecr:GetAccountSetting"

// UnknownScope is a registry whose policy scope a gap says is unknown.
type UnknownScope struct {
	Account, Region string
	Registry        *Registry
	// Gap is the gap that says so (Source ScopeAPI).
	Gap Gap
}

// UnknownScopes returns the registries of e whose scope is unknown ("")
// and which one of gaps says could not be read, each once.
func (e *Estate) UnknownScopes(gaps []Gap) []UnknownScope {
	var out []UnknownScope
	seen := map[*Registry]bool{}
	for _, g := range gaps {
		if g.Source != ScopeAPI {
			continue
		}
		acct := e.Lookup(g.Account)
		if acct == nil {
			continue
		}
		for _, r := range acct.Regions() {
			if r.Name == g.Region && r.Registry.Scope == "" && !seen[&r.Registry] {
				seen[&r.Registry] = true
				out = append(out, UnknownScope{Account: g.Account, Region: g.Region, Registry: &r.Registry, Gap: g})
			}
		}
	}
	return out
}

// scopeNote is the note that replaces g, a gap of a registry policy scope,
// when judging under V1 and V2 gives the same result: what names it ("the
// findings are", "the answer is").
func scopeNote(g Gap, what string) Note {
	return Note{Source: g.Source, Message: fmt.Sprintf(
		"the registry policy scope of %s %s is not known (%s: %s); judged under both V1 and V2 %s the same, so it cannot change the result",
		g.Account, g.Region, g.Code, g.Message, what)}
}

// SettleScopeGaps sorts gaps after a second judgement under V1 of the
// registries whose registry policy scope is unknown: a gap of such a scope
// (Source ScopeAPI) for which settled says (true, true) the result is the
// same under V1 and V2 becomes its scopeNote (what names the result); one
// it says differs gets differs added to its message; every other gap stays
// as it is.
func SettleScopeGaps(gaps []Gap, settled func(Gap) (same, ok bool), what, differs string) ([]Gap, []Note) {
	var kept []Gap
	var notes []Note
	for _, g := range gaps {
		same, ok := false, false
		if g.Source == ScopeAPI {
			same, ok = settled(g)
		}
		switch {
		case !ok:
			kept = append(kept, g)
		case same:
			notes = append(notes, scopeNote(g, what))
		default:
			g.Message += differs
			kept = append(kept, g)
		}
	}
	return kept, notes
}

// SetScopes sets the scope of each registry of us to scope ("" for
// unknown again).
func SetScopes(us []UnknownScope, scope string) {
	for _, u := range us {
		u.Registry.Scope = scope
	}
}

// EffectiveScope is the scope the analysis judges the registry policy
// under: V2 unless V1 is known.
func (r *Registry) EffectiveScope() string {
	if r.Scope == ScopeV1 {
		return ScopeV1
	}
	return ScopeV2
}

// DenyScope is the scope under which the registry policy's Deny statements
// limit the requests on its repositories: V1 unless V2 is known. V1's
// Denies are V2's cut to three actions, so an unknown scope closes nothing
// it might not.
func (r *Registry) DenyScope() string {
	if r.Scope == ScopeV2 {
		return ScopeV2
	}
	return ScopeV1
}

// UnderBothScopes runs judge with every registry of us at scope V1, then at
// V2, and leaves their scopes unknown again: what the scope could change is
// where the two differ.
func UnderBothScopes[T any](us []UnknownScope, judge func() T) (v1, v2 T) {
	SetScopes(us, ScopeV1)
	v1 = judge()
	SetScopes(us, ScopeV2)
	v2 = judge()
	SetScopes(us, "")
	return v1, v2
}

// PolicySlot is a resource's policy and what is known of it; repositories
// and registries embed it.
type PolicySlot struct {
	Policy      *Policy
	PolicyState PolicyState
}

// SetPolicy records the resource's policy (nil: it has none).
func (s *PolicySlot) SetPolicy(p *Policy) {
	s.Policy = p
	if p == nil {
		s.PolicyState = NoPolicy
	} else {
		s.PolicyState = HasPolicy
	}
}

// ReplicationDestination is one destination of a replication rule.
type ReplicationDestination struct {
	Account string
	Region  string
}

// Policy is a policy document and where it came from.
type Policy struct {
	// Name identifies the policy in messages: "repository policy of app",
	// "inline policy PullApp of role/ci", a managed policy ARN.
	Name string
	Doc  *policy.Document
	// Source is where the document is (file and line of its start).
	Source policy.Pos
	// Owner is, for a detached identity policy whose owner an input names
	// (aws iam get-role-policy, get-user-policy), the ARN of that role or
	// user ("arn:aws:iam::111122223333:role/ci"); "" otherwise. Snapshots
	// do not carry it: collect reads identities whole, into IAM.
	Owner string
	// Text is the document as read (JSON), when the source kept it.
	// Snapshots store it, so that a policy read back from a snapshot parses
	// to the same Doc, positions included.
	Text string
	// Insert is where statements can be added to the policy in the file
	// that defines it (Terraform, CloudFormation), so that a fix is shown
	// and written as an edit of that file; nil when the reader cannot say
	// (raw and AWS CLI files, snapshots, plans, a policy the file builds
	// from parts).
	Insert *StatementInsert
}

// StatementInsert is a place in an input file where statements can be
// added to a policy's Statement list, and how to write them there.
type StatementInsert struct {
	// File is the file, named as in policy.Pos.File; Offset is the byte
	// offset in it where the text goes.
	File   string
	Offset int
	// Render writes statements as the text to insert at Offset: in the
	// file's syntax (JSON, YAML, HCL), indented as the statements around
	// it, with any separator the list needs.
	Render func(stmts []*policy.Statement) (string, error)
}

// Gap is something that could not be read or evaluated.
type Gap struct {
	// Source is the file or API: "policies/app.json", "ecr:GetRepositoryPolicy".
	Source string
	Pos    policy.Pos
	// Account, Region and Resource say what was not assessed, when known.
	Account  string
	Region   string
	Resource string
	// Code is a short machine-readable reason: an AWS error code
	// (AccessDenied, ThrottlingException) or one of ecrguard's (GapCode).
	Code    GapCode
	Message string
	// Problems are, for a policy that does not decode, each of its problems
	// at its position (policy.Error.Problems): the validation rule names
	// every one, not only the first, which Pos and Message give.
	Problems []policy.Problem
}

// Compare orders gaps as reports list them: by file, then by line and
// column as numbers (line 3 before line 15), then by what String says.
func (g Gap) Compare(o Gap) int {
	where := func(g Gap) policy.Pos {
		p := g.Pos
		if !p.IsValid() {
			p = policy.Pos{File: g.Source}
		} else if p.File == "" {
			p.File = g.Source
		}
		return p
	}
	return cmp.Or(where(g).Compare(where(o)), strings.Compare(g.String(), o.String()))
}

func (g Gap) String() string {
	where := g.Source
	if g.Pos.IsValid() {
		where = g.Pos.String()
	}
	s := where
	if g.Resource != "" {
		s += " (" + g.Resource + ")"
	}
	if s != "" {
		s += ": "
	}
	if g.Code != "" {
		s += string(g.Code) + ": "
	}
	return s + g.Message
}

// Note is an informational message about the inputs.
type Note struct {
	Source  string
	Message string
}
