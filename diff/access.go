// Package diff answers the question of a pull request: what access does
// HEAD grant that BASE did not? Each side's analysis becomes an access
// model, every grant it proves, one per subject (a repository, registry,
// creation template, ECR Public repository, every repository of an
// account, or an account's actions without a resource), principal and
// action, with the statements that grant it and its proof. Compare keys
// the grants of both sides and judges the rules' findings of HEAD by the
// grants they carry (docs/diff.md).
package diff

import (
	"maps"
	"slices"
	"strings"

	"github.com/ecrguard/ecrguard/analysis"
	"github.com/ecrguard/ecrguard/catalog"
	"github.com/ecrguard/ecrguard/estate"
	"github.com/ecrguard/ecrguard/eval"
	"github.com/ecrguard/ecrguard/exposure"
	"github.com/ecrguard/ecrguard/identity"
	"github.com/ecrguard/ecrguard/policy"
	"github.com/ecrguard/ecrguard/rules"
)

// Kind is what a grant's subject is.
type Kind string

// Subject kinds.
const (
	Repository Kind = "repository"
	Registry   Kind = "registry"
	Template   Kind = "creation template"
	Public     Kind = "public repository"
	// EveryRepository is every repository of an account, one it does not
	// name included (identity.Answers.Every): a principal's grant on it
	// stands for its grants on each repository.
	EveryRepository Kind = "every repository"
	// Account is an account's ECR actions that act on no resource
	// (ecr:GetAuthorizationToken, ecr:PutRegistryPolicy).
	Account Kind = "account"
)

// Class is the kind of principal a grant is to.
type Class string

// Principal classes.
const (
	Anyone       Class = "anyone"
	Untrusted    Class = "untrusted account"
	Trusted      Class = "trusted account"
	Organization Class = "organization"
	Service      Class = "service"
	OwnPrincipal Class = "own principal"
)

// Key identifies a grant on both sides of a comparison: a repository
// renamed in Terraform (its address) or moved to another file keeps its
// ARN, so it keeps its key.
type Key struct {
	Subject, Principal, Action string
}

// Statement is one statement that grants access.
type Statement struct {
	// Policy names the policy (as findings name it), Label the statement
	// (its Sid, or "statement #N").
	Policy, Label string
	Pos           policy.Pos
}

// Grant is one principal's proven access to one subject for one action.
type Grant struct {
	Key
	Kind Kind
	// Account owns the subject.
	Account string
	Class   Class
	// Statements are the statements the proof relied on, Conditions
	// their conditions ("key value"), Proof the proof in words; Explain
	// fills them (only the grants reported need them).
	Statements []Statement
	Conditions []string
	Proof      string
	// Wider is, for a new grant whose key BASE had too, what BASE's grant
	// needed that this one does not (Widening); nil for a key BASE lacked.
	Wider []string

	witness *eval.Witness
	// model and principal are an own principal's, whose witness Explain
	// re-derives as its own (shared answers may cite another principal's
	// identical statements).
	model     *identity.Model
	principal *identity.Principal
}

// Access is the access model of one side: every grant it proves, and the
// gaps of the questions that could not be settled.
type Access struct {
	Grants []Grant
	// Gaps are the searches cut short: a grant may exist that the model
	// does not hold, so "no new access" is not proven where they bear.
	Gaps []estate.Gap
}

// Lookup returns the grant of k, or nil.
func (m *Access) Lookup(k Key) *Grant {
	if i, ok := slices.BinarySearchFunc(m.Grants, k, func(g Grant, k Key) int { return compareKeys(g.Key, k) }); ok {
		return &m.Grants[i]
	}
	return nil
}

// Covering returns the grant of the model that includes g's: its own key's;
// for a repository, the principal's grant of the action on every
// repository of its account; for a principal outside the account, the
// grant of its account's root or of anyone on the subject (both let that
// principal in, as far as the resource policy decides). Nil when none.
func (m *Access) Covering(g *Grant) *Grant {
	if c := m.Lookup(g.Key); c != nil {
		return c
	}
	if g.Kind == Repository {
		if c := m.Lookup(Key{Subject: EverySubject(g.Account), Principal: g.Principal, Action: g.Action}); c != nil {
			return c
		}
	}
	if g.Class == OwnPrincipal || g.Class == Service || g.Principal == "*" {
		return nil
	}
	if root := accountRoot(g.Principal); root != "" && root != g.Principal {
		if c := m.Lookup(Key{Subject: g.Subject, Principal: root, Action: g.Action}); c != nil {
			return c
		}
	}
	return m.Lookup(Key{Subject: g.Subject, Principal: "*", Action: g.Action})
}

// accountRoot is the root of the account of an IAM principal's ARN
// ("arn:aws:iam::ACCOUNT:root"), or "" for a principal that is not one.
func accountRoot(principal string) string {
	a, ok := policy.ParseARN(principal)
	if !ok || a.Service != "iam" && a.Service != "sts" || a.Account == "" {
		return ""
	}
	return "arn:" + a.Partition + ":iam::" + a.Account + ":root"
}

// includesPrincipal reports whether b, a principal as findings and grants
// name them, includes p: p itself, or the root of p's account.
func includesPrincipal(b, p string) bool {
	return b == p || b == accountRoot(p)
}

// Widening returns what b, BASE's grant of g's key, needed that g, HEAD's,
// does not: the context values b's proof had to choose (a condition of an
// Allow to meet, one of a Deny to avoid) that g's did not choose alike
// ("aws:PrincipalTag/team = x"), and the conditions of b's granting
// statements that none of g's narrows (values added to a condition). Nil
// when g needs all b did. A condition removed or changed on an Allow, or a
// conditional Deny removed, keeps the key but widens who may act (where
// aws:PrincipalTag/team = x was needed, any role of the account may now
// pull). The comparison is of one proof each, so it may call a grant wider
// that is not (a condition changed to another of the same reach, or
// narrowed so that the proof chooses another value), and misses a second
// statement granting the key under another condition (for outsiders,
// beyondBase finds it); it never calls the same proof wider.
func (g *Grant) Widening(b *Grant) []string {
	if b.witness == nil {
		return nil
	}
	var out []string
	// A condition named is not named again by the value it made the proof
	// choose.
	named := map[string]bool{}
	head := witnessConditions(g.witness)
	for _, c := range witnessConditions(b.witness) {
		if !slices.ContainsFunc(head, func(h *policy.Condition) bool { return narrows(h, c) }) {
			out = append(out, c.Operator+" "+c.Key+" "+strings.Join(conditionValues(c), ", "))
			named[strings.ToLower(c.Key)] = true
		}
	}
	var chosen []eval.Assignment
	if g.witness != nil {
		chosen = g.witness.Chosen
	}
	for _, c := range b.witness.Chosen {
		if !named[strings.ToLower(c.Key)] && !slices.ContainsFunc(chosen, func(h eval.Assignment) bool { return sameAssignment(h, c) }) {
			out = append(out, c.String())
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// witnessConditions are the conditions of the statements w matched (nil:
// none).
func witnessConditions(w *eval.Witness) []*policy.Condition {
	if w == nil {
		return nil
	}
	var out []*policy.Condition
	_, stmts := analysis.Granting([]*eval.Witness{w})
	for _, s := range stmts {
		for i := range s.Conditions {
			out = append(out, &s.Conditions[i])
		}
	}
	return out
}

// narrows reports whether condition h holds only where b does: the same
// key and operator, with fewer values to match (more to exclude, for a
// negated operator); an operator that orders or tests a value needs the
// same values.
func narrows(h, b *policy.Condition) bool {
	if !strings.EqualFold(h.Key, b.Key) || h.Operator != b.Operator {
		return false
	}
	hv, bv := conditionValues(h), conditionValues(b)
	switch {
	case h.Op.Cmp != policy.CmpEq || h.Op.Family == policy.FamilyBool || h.Op.Family == policy.FamilyNull || !h.Op.Known:
		return slices.Equal(hv, bv)
	case h.Op.Negated:
		return subset(bv, hv)
	}
	return subset(hv, bv)
}

// conditionValues are the values of c as written, sorted.
func conditionValues(c *policy.Condition) []string {
	out := make([]string, len(c.Values))
	for i, v := range c.Values {
		out[i] = v.Text
	}
	slices.Sort(out)
	return out
}

// sameAssignment reports whether two choices of a context key are alike
// (keys are case-insensitive).
func sameAssignment(a, b eval.Assignment) bool {
	return strings.EqualFold(a.Key, b.Key) && a.Absent == b.Absent && slices.Equal(a.Values, b.Values)
}

// EverySubject names every repository of an account as a subject.
func EverySubject(account string) string { return "arn:aws:ecr:*:" + account + ":repository/*" }

// AccountSubject names an account's actions without a resource.
func AccountSubject(account string) string { return "arn:aws:ecr:*:" + account + ":*" }

// Build collects the access model of an analysis: outsiders' grants from
// the exposure of every resource policy, the account's own principals'
// from the identity models, every ECR action asked of every principal
// (repository actions over its repositories and every repository, the
// others on no resource).
func Build(a *analysis.Analysis) *Access {
	m := &Access{}
	for _, x := range slices.Concat(a.Exposure, a.Public) {
		m.addExposure(x.Result)
	}
	for _, id := range a.Identities {
		m.addIdentity(id, sharedActionSets(a, id))
	}
	m.finish()
	return m
}

// kindOf maps an exposure target's kind.
func kindOf(k exposure.Kind) Kind {
	switch k {
	case exposure.Registry:
		return Registry
	case exposure.Template:
		return Template
	case exposure.Public:
		return Public
	}
	return Repository
}

// addExposure adds what outsiders and trusted accounts can do through one
// resource policy.
func (m *Access) addExposure(r *exposure.Result) {
	t := r.Target
	account := t.Account
	if account == "" {
		account = policy.OwnerAccount
	}
	add := func(principal string, class Class, actions catalog.ActionSet, proofs []exposure.Proof) {
		cat := catalog.Default()
		service := strings.HasPrefix(principal, "service:")
		if service {
			// A service acting for the account (or for anyone).
			class = Service
		}
		actions.Each(func(i int) {
			w := witnessFor(proofs, i, service)
			if w == nil {
				// Only an AWS service acting for the account can: that is
				// the service's grant, which it is listed under too.
				return
			}
			m.Grants = append(m.Grants, Grant{
				Key:  Key{Subject: t.ARN, Principal: principal, Action: cat.Actions[i].FullName()},
				Kind: kindOf(t.Kind), Account: account, Class: class, witness: w,
			})
		})
	}
	add("*", Anyone, r.Public.Actions, r.Public.Proofs)
	for _, group := range []struct {
		class Class
		m     map[string]*exposure.Access
	}{{Untrusted, r.Accounts}, {Organization, r.Orgs}, {Service, r.Deputies}, {Trusted, r.Trusted}} {
		for _, k := range slices.Sorted(maps.Keys(group.m)) {
			acc := group.m[k]
			for _, name := range acc.PrincipalNames() {
				add(name, group.class, acc.Principals[name], acc.ProofsOf(name))
			}
		}
	}
}

// witnessFor returns the witness of the first of a principal's proofs that
// covers action i and is a request the principal makes: an AWS service's
// when service is set (the principal is one), else any other caller's.
// Nil when there is none: the account's root, say, that only a service
// acting for the account proves.
func witnessFor(proofs []exposure.Proof, i int, service bool) *eval.Witness {
	for _, p := range proofs {
		if p.Actions.Has(i) && (p.Witness.Request.Principal.Type == eval.Service) == service {
			return p.Witness
		}
	}
	return nil
}

// ecrActions are the ECR actions asked of every principal: those on a
// repository, and those on no resource.
func ecrActions() (repo, none []string) {
	cat := catalog.Default()
	for _, name := range cat.Names(cat.ServiceSet("ecr")) {
		a := cat.Lookup(name)
		switch {
		case a.OnRepository():
			repo = append(repo, name)
		case !a.HasResourceType():
			none = append(none, name)
		}
	}
	return repo, none
}

// addIdentity adds what the account's own principals can do: each
// principal is asked every ECR action, a run of principals at a time on its
// own fork of the model (identity.Model.EachChunk: the proofs do not
// depend on the machine).
func (m *Access) addIdentity(id *identity.Model, shared []catalog.ActionSet) {
	perPrincipal := make([]Access, len(id.Principals))
	repo, none := ecrActions()
	id.EachChunk(func(fork *identity.Model, lo, hi int) {
		for i := lo; i < hi; i++ {
			perPrincipal[i].askPrincipal(id, fork, id.Principals[i], repo, none, shared)
		}
	})
	n := 0
	for _, p := range perPrincipal {
		n += len(p.Grants)
	}
	m.Grants = slices.Grow(m.Grants, n)
	for _, p := range perPrincipal {
		m.Grants = append(m.Grants, p.Grants...)
		m.Gaps = append(m.Gaps, p.Gaps...)
	}
}

// askPrincipal adds p's grants, asked of fork. A principal that can act on
// every repository gets that one grant, which stands for the repositories
// the model names. Actions no statement of p's requests tells apart
// (actionClasses) are asked once: the answer holds for each.
func (m *Access) askPrincipal(id, fork *identity.Model, p *identity.Principal, repo, none []string, shared []catalog.ActionSet) {
	grant := func(subject string, kind Kind, actions []string, w *eval.Witness) {
		for _, action := range actions {
			m.Grants = append(m.Grants, Grant{
				Key:  Key{Subject: subject, Principal: p.ARN, Action: action},
				Kind: kind, Account: id.Account, Class: OwnPrincipal, witness: w, model: id, principal: p,
			})
		}
	}
	sets := slices.Clone(shared)
	for _, pol := range append(slices.Clone(p.Identity), p.Boundary) {
		sets = append(sets, statementSets(pol)...)
	}
	for _, class := range actionClasses(repo, sets) {
		ans := fork.Answer(p, class[0], identity.Free)
		m.Gaps = append(m.Gaps, ans.Gaps...)
		if ans.Every != nil {
			grant(EverySubject(id.Account), EveryRepository, class, ans.Every)
			continue
		}
		for i, w := range ans.Repos {
			if w != nil {
				grant(id.Repositories[i].ARN, Repository, class, w)
			}
		}
	}
	for _, class := range actionClasses(none, sets) {
		w, gaps := fork.Can(p, class[0], nil, identity.Free)
		m.Gaps = append(m.Gaps, gaps...)
		if w != nil {
			grant(AccountSubject(id.Account), Account, class, w)
		}
	}
}

// v1Actions are the actions a registry policy of scope V1 governs (ECR User
// Guide, "Private registry permissions in Amazon ECR"): the registry
// policy tells them from the others whatever its statements say.
var v1Actions = []string{"ecr:ReplicateImage", "ecr:BatchImportUpstreamImage", "ecr:CreateRepository"}

// sharedActionSets are the action sets of the statements every request of
// the account's principals may meet besides their own policies: the SCPs,
// the RCPs, the repository and registry policies, and the actions a V1
// registry policy governs.
func sharedActionSets(a *analysis.Analysis, id *identity.Model) []catalog.ActionSet {
	var v1 catalog.ActionSet
	for _, name := range v1Actions {
		v1.Add(catalog.Default().Lookup(name).Index)
	}
	sets := []catalog.ActionSet{v1}
	for _, pol := range slices.Concat(id.SCPs, id.RCPs) {
		sets = append(sets, statementSets(pol)...)
	}
	for _, r := range id.Repositories {
		sets = append(sets, statementSets(r.Policy)...)
	}
	for _, x := range a.Exposure {
		if x.Target.Kind == exposure.Registry && x.Target.Account == id.Account {
			sets = append(sets, statementSets(x.Target.Policy)...)
		}
	}
	return sets
}

// statementSets are the actions each statement of pol (nil: none) applies to.
func statementSets(pol *eval.Policy) []catalog.ActionSet {
	if pol == nil {
		return nil
	}
	out := make([]catalog.ActionSet, pol.Statements())
	for i := range out {
		out[i] = pol.StatementActions(i)
	}
	return out
}

// actionClasses partitions actions by the statements that apply to them
// (sets): two actions every statement applies to alike are
// indistinguishable to the evaluation (eval.Policy.ActionApplies), so one
// answer serves both. Each class lists its actions in order.
func actionClasses(actions []string, sets []catalog.ActionSet) [][]string {
	cat := catalog.Default()
	byKey := map[string]int{}
	var out [][]string
	sig := make([]byte, len(sets))
	for _, name := range actions {
		i := cat.Lookup(name).Index
		for s := range sets {
			sig[s] = '0'
			if sets[s].Has(i) {
				sig[s] = '1'
			}
		}
		if c, ok := byKey[string(sig)]; ok {
			out[c] = append(out[c], name)
			continue
		}
		byKey[string(sig)] = len(out)
		out = append(out, []string{name})
	}
	return out
}

// finish sorts the grants, keeps one per key (the first found: a
// repository and a registry policy may both prove one) and indexes them.
// Grants are large: an order of indexes is sorted, and the grants are
// copied once, into it.
func (m *Access) finish() {
	order := make([]int32, len(m.Grants))
	for i := range order {
		order[i] = int32(i)
	}
	slices.SortFunc(order, func(a, b int32) int {
		if c := compareKeys(m.Grants[a].Key, m.Grants[b].Key); c != 0 {
			return c
		}
		return int(a) - int(b)
	})
	sorted := make([]Grant, 0, len(order))
	for _, i := range order {
		if n := len(sorted); n > 0 && sorted[n-1].Key == m.Grants[i].Key {
			continue
		}
		sorted = append(sorted, m.Grants[i])
	}
	m.Grants = sorted
	m.Gaps = analysis.DistinctGaps(m.Gaps)
}

// compareKeys orders keys by subject, principal, then action.
func compareKeys(a, b Key) int {
	if c := strings.Compare(a.Subject, b.Subject); c != 0 {
		return c
	}
	if c := strings.Compare(a.Principal, b.Principal); c != 0 {
		return c
	}
	return strings.Compare(a.Action, b.Action)
}

// Explain fills g's statements, conditions and proof from its witness.
func (g *Grant) Explain() {
	w := g.witness
	if g.model != nil {
		w = g.model.Explain(g.principal, w)
	}
	if w == nil {
		return
	}
	ms, stmts := analysis.Granting([]*eval.Witness{w})
	g.Statements = g.Statements[:0]
	for _, mt := range ms {
		g.Statements = append(g.Statements, Statement{Policy: mt.Policy, Label: mt.Statement.Label(), Pos: mt.Statement.Pos})
	}
	g.Conditions = analysis.Conditions(stmts)
	g.Proof = rules.DescribeProof(w, g.Action)
}

// Where is the position of the first granting statement with one.
func (g *Grant) Where() policy.Pos {
	for _, s := range g.Statements {
		if s.Pos.IsValid() {
			return s.Pos
		}
	}
	for _, s := range g.Statements {
		if s.Pos.File != "" {
			return s.Pos
		}
	}
	return policy.Pos{}
}
