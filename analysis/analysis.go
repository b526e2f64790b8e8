// Package analysis works out what an estate allows, once, for the rules and
// the questions asked of it: the exposure of every resource policy to
// principals outside the zone of trust, the validation problems of every
// policy, and the identity model of each account, which answers who among
// its users and roles can do what. The analyses change nothing once built:
// a question returns its answer with the gaps that bear on it.
package analysis

import (
	"fmt"
	"runtime"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/ecrguard/ecrguard/estate"
	"github.com/ecrguard/ecrguard/eval"
	"github.com/ecrguard/ecrguard/exposure"
	"github.com/ecrguard/ecrguard/identity"
	"github.com/ecrguard/ecrguard/policy"
	"github.com/ecrguard/ecrguard/validate"
)

// Settings are the parts of the configuration (.ecrguard.yaml) the
// analyses and the rules need: the zone of trust and the authorized sets.
type Settings struct {
	TrustedAccounts []string
	TrustedOrgIDs   []string
	TrustedOrgPaths []string
	// Authorized ARN patterns (IAM wildcards) per action class.
	AuthorizedDelete           []string
	AuthorizedAuthToken        []string
	AuthorizedPolicyManagement []string
	AuthorizedWrite            []string
	// Region is the region of inputs that name none.
	Region string
	// At is the time of the scan (`--at`): requests carry it as
	// aws:CurrentTime and aws:EpochTime. The zero time means now.
	At time.Time
}

// OrgID is the organization the scanned accounts belong to, for the
// identity analysis: the first trusted organization, or "".
func (s Settings) OrgID() string {
	if len(s.TrustedOrgIDs) > 0 {
		return s.TrustedOrgIDs[0]
	}
	return ""
}

// Zone returns the zone of trust of one scanned account.
func (s Settings) Zone(account string) exposure.Zone {
	if account == policy.OwnerAccount {
		account = "" // the owner exposure stands in for (addExposure)
	}
	return exposure.Zone{Account: account, Accounts: s.TrustedAccounts, OrgIDs: s.TrustedOrgIDs, OrgPaths: s.TrustedOrgPaths}
}

// Analysis is an estate and the analyses of it: what the rules judge and
// who-can asks.
type Analysis struct {
	Estate   *estate.Estate
	Settings Settings
	// Exposure holds one result per resource policy of Amazon ECR: each
	// repository, registry and repository creation template with a policy.
	Exposure []*ExposureItem
	// Public holds one result per ECR Public repository with a policy
	// (ECR012 judges it; anyone may pull, by design).
	Public []*ExposureItem
	// Identities holds the identity model of each account with IAM data or
	// detached identity policies.
	Identities []*identity.Model
	// Problems are the invalid or dead policy elements found.
	Problems []ProblemItem
	// Gaps found while analysing (adds to the estate's; the identity
	// models keep their own).
	Gaps []estate.Gap
	// Resources counts the resources assessed: repositories, registries,
	// creation templates and ECR Public repositories.
	Resources int
	// Counts breaks Resources down by kind.
	Counts ResourceCounts
}

// ResourceCounts are the resources assessed, by kind.
type ResourceCounts struct {
	// Repositories are private repositories (every one the inputs name,
	// with a policy or not), Registries the registries with a registry
	// policy, Templates the repository creation templates, Public the ECR
	// Public repositories.
	Repositories, Registries, Templates, Public int
}

// Total is the number of resources of every kind.
func (c ResourceCounts) Total() int { return c.Repositories + c.Registries + c.Templates + c.Public }

// ExposureItem is the exposure of one resource policy and where it came from.
type ExposureItem struct {
	*exposure.Result
	Policy *estate.Policy
	Zone   exposure.Zone
	// Fix is the fix for what outsiders can do, or nil; only a Proven one
	// is written.
	Fix *exposure.Fix
	// FixName is the file --fix-dir writes the fix to: one of its own in
	// the folder, which a scan reads as the kind of policy it fixes.
	FixName string
	// Template is the repository creation template the policy is of
	// (Kind Template), nil otherwise.
	Template *estate.CreationTemplate
	// Alone maps the index of each Allow statement for everyone behind a
	// condition to the exposure of that statement on its own, without the
	// RCPs or the registry policy (ECR002 says what its condition
	// restricts); a one-statement policy's is Result when neither applies.
	Alone map[int]*exposure.Result
}

// wildcardBehindCondition reports whether s allows everyone behind a
// condition (ECR002's statements).
func wildcardBehindCondition(s *policy.Statement) bool {
	return s.Effect == policy.Allow && s.Principal.IsEveryone() && len(s.Conditions) > 0
}

// analyzeAlone fills x.Alone, with the scan's cache (nil: none). A
// statement is judged without the RCPs: ECR002 says what its own condition
// restricts.
func (x *ExposureItem) analyzeAlone(cache *exposure.Cache) {
	doc := x.Target.Policy.Doc
	for i, s := range doc.Statements {
		if !wildcardBehindCondition(s) {
			continue
		}
		if x.Alone == nil {
			x.Alone = map[int]*exposure.Result{}
		}
		if len(doc.Statements) == 1 && len(x.Target.RCPs) == 0 && x.Target.Registry == nil {
			x.Alone[i] = x.Result
			continue
		}
		alone := *doc
		alone.Statements = []*policy.Statement{s}
		t := x.Target
		t.Policy = eval.Compile(x.Target.Policy.Name, &alone)
		t.RCPs, t.Registry = nil, nil
		x.Alone[i] = exposure.AnalyzeCached(t, x.Zone, cache)
	}
}

// ProblemItem is a validation problem of one policy.
type ProblemItem struct {
	validate.Problem
	// Resource is what the policy governs: a repository or registry ARN, or
	// the identity a policy is attached to.
	Resource string
	Policy   *estate.Policy
}

// Analyze runs the analyses over an estate: exposure of every resource
// policy and validation of every policy.
func Analyze(e *estate.Estate, s Settings) *Analysis {
	if s.At.IsZero() {
		// One moment for the whole scan: every request carries it.
		s.At = time.Now()
	}
	a := &Analysis{Estate: e, Settings: s}
	gapFor := map[string]bool{}
	for _, g := range e.Gaps {
		if g.Resource != "" {
			gapFor[g.Resource] = true
		}
		a.addParseProblems(g)
	}
	for _, acct := range e.Accounts() {
		zone := s.Zone(acct.ID)
		rcps := identity.GoverningRCPs(acct)
		for _, region := range acct.Regions() {
			reg := &region.Registry
			var registry *eval.Policy // its Denies limit every request on its repositories
			if reg.PolicyState == estate.HasPolicy {
				registry = eval.Compile(reg.Policy.Name, reg.Policy.Doc)
			}
			for _, repo := range region.Repositories() {
				a.Counts.Repositories += a.judge(policyOf{
					target: exposure.Target{Kind: exposure.Repository, ARN: repo.ARN, Account: repo.Account, Region: repo.Region, Repository: repo.Name, RCPs: rcps,
						Registry: registry, RegistryScope: reg.DenyScope()},
					slot: &repo.PolicySlot, source: repo.Source,
					unread: fmt.Sprintf("the repository policy of %s was not read, so its exposure is not assessed (give the output of `aws ecr get-repository-policy --repository-name %s`, or scan with --aws or an ecrguard snapshot)", repo.Name, repo.Name),
				}, gapFor, zone)
			}
			a.addTemplates(region, gapFor, zone, rcps, registry)
			if reg.PolicyState == estate.HasPolicy {
				a.Counts.Registries++
				arn := estate.RegistryARN(region.Name, acct.ID)
				a.addExposure(exposure.Target{
					Kind: exposure.Registry, ARN: arn, Account: acct.ID, Region: region.Name,
					Policy: registry, Scope: reg.EffectiveScope(), RCPs: rcps,
				}, reg.Policy, zone)
				a.addProblems(validate.Check(reg.Policy.Doc, validate.RegistryPolicy, arn), arn, reg.Policy)
			}
		}
		a.addPublic(acct, gapFor, zone)
		for _, p := range acct.SCPs {
			a.addProblems(validate.Check(p.Doc, validate.SCP, ""), "arn:aws:organizations::"+acct.ID+":scp", p)
		}
		for _, p := range acct.RCPs {
			a.addProblems(validate.Check(p.Doc, validate.RCP, ""), "arn:aws:organizations::"+acct.ID+":rcp", p)
		}
		for _, p := range acct.Detached {
			a.addProblems(validate.Check(p.Doc, validate.IdentityPolicy, ""), p.Name, p)
		}
		if acct.IAM != nil {
			a.validateIAM(acct.IAM)
		}
		if acct.IAM != nil || len(acct.Detached) > 0 {
			m := identity.Build(acct, s.OrgID(), s.Region, s.At)
			a.Identities = append(a.Identities, m)
		}
	}
	a.Resources = a.Counts.Total()
	a.analyzeExposure()
	return a
}

// policyOf is a resource whose policy is judged as a repository policy: a
// repository, a creation template (for the repositories it will create) or
// an ECR Public repository.
type policyOf struct {
	// target is the exposure target, without its Policy.
	target exposure.Target
	slot   *estate.PolicySlot
	// source is where the resource was defined or described.
	source policy.Pos
	// template is the creation template target stands for, or nil.
	template *estate.CreationTemplate
	// unread is the message of the gap when its policy was not read.
	unread string
}

// judge judges r's policy: it queues its exposure and validates it. A
// policy that was not read is a gap (unless an input's gap already names
// the resource); a resource with no policy grants outsiders nothing.
func (a *Analysis) judge(r policyOf, gapFor map[string]bool, zone exposure.Zone) (assessed int) {
	t := r.target
	switch r.slot.PolicyState {
	case estate.Unread:
		if !gapFor[t.ARN] {
			a.Gaps = append(a.Gaps, estate.Gap{
				Source: r.source.File, Pos: r.source, Account: t.Account, Region: t.Region,
				Resource: t.ARN, Code: estate.GapPolicyNotRead, Message: r.unread,
			})
		}
		return 0 // a coverage gap, not an assessed resource
	case estate.HasPolicy:
		p := r.slot.Policy
		t.Policy = eval.Compile(p.Name, p.Doc)
		a.addExposure(t, p, zone).Template = r.template
		// A repository's own ARN tells which Resource values are dead, and
		// a template's the names of the repositories it will create.
		kind := validate.RepositoryPolicy
		if t.Kind == exposure.Public {
			kind = validate.PublicRepositoryPolicy
		}
		a.addProblems(validate.Check(p.Doc, kind, t.ARN), t.ARN, p)
	}
	return 1
}

// addTemplates judges the repository creation templates of a region: each
// one's policy is the policy of every repository it will create
// (docs/semantics.md, "Creation templates and ECR Public"), in the region's
// registry, whose policy's Denies limit them (nil: none).
func (a *Analysis) addTemplates(region *estate.Region, gapFor map[string]bool, zone exposure.Zone, rcps []*eval.Policy, registry *eval.Policy) {
	templates := region.Templates()
	for _, tpl := range templates {
		a.Counts.Templates += a.judge(policyOf{
			target: exposure.Target{
				Kind: exposure.Template, ARN: tpl.ARN, Account: tpl.Account, Region: tpl.Region,
				Prefix: tpl.Prefix, Claimed: claimedPrefixes(tpl.Prefix, templates), RCPs: rcps,
				Registry: registry, RegistryScope: region.Registry.DenyScope(),
			},
			slot: &tpl.PolicySlot, source: tpl.Source, template: tpl,
			unread: fmt.Sprintf("the repository policy of the repository creation template %s was not read, so the exposure of the repositories it will create is not assessed (give the output of `aws ecr describe-repository-creation-templates --prefixes %s`, or scan with --aws or an ecrguard snapshot)", tpl.Prefix, tpl.Prefix),
		}, gapFor, zone)
	}
}

// claimedPrefixes are the prefixes of the templates that take, from the
// template of prefix, repositories under it: for ROOT, which serves only
// names no other template's prefix matches, every other one; for another
// prefix, the more specific ones under it. templates are sorted by prefix
// (Region.Templates), so those under prefix are one run of them, found by
// a binary search: a region's templates are not each compared with every
// other.
func claimedPrefixes(prefix string, templates []*estate.CreationTemplate) []string {
	var out []string
	if prefix == estate.RootPrefix {
		for _, t := range templates {
			if t.Prefix != prefix {
				out = append(out, t.Prefix)
			}
		}
		return out
	}
	under := prefix + "/"
	i, _ := slices.BinarySearchFunc(templates, under, func(t *estate.CreationTemplate, s string) int { return strings.Compare(t.Prefix, s) })
	for _, t := range templates[i:] {
		if !strings.HasPrefix(t.Prefix, under) {
			break
		}
		out = append(out, t.Prefix)
	}
	return out
}

// addPublic judges the account's ECR Public repositories: what outsiders
// can do through each one's policy (ECR012). ECR Public is served from
// us-east-1, the region its requests name.
func (a *Analysis) addPublic(acct *estate.Account, gapFor map[string]bool, zone exposure.Zone) {
	for _, repo := range acct.Public {
		arn := repo.ARN
		if arn == "" {
			arn = "arn:aws:ecr-public::" + acct.ID + ":repository/" + repo.Name
		}
		a.Counts.Public += a.judge(policyOf{
			target: exposure.Target{Kind: exposure.Public, ARN: arn, Account: acct.ID, Region: PublicRegion, Repository: repo.Name},
			slot:   &repo.PolicySlot, source: repo.Source,
			unread: fmt.Sprintf("the repository policy of the ECR Public repository %s was not read, so who outside can change it is not assessed (give the output of `aws ecr-public get-repository-policy --region %s --repository-name %s`, or scan with --aws or an ecrguard snapshot)", repo.Name, PublicRegion, repo.Name),
		}, gapFor, zone)
	}
}

// PublicRegion is the region of Amazon ECR Public's API, which every
// request to a public repository names.
const PublicRegion = "us-east-1"

// addExposure queues a target (a public repository's in Public, every
// other in Exposure); analyzeExposure runs the queue.
func (a *Analysis) addExposure(t exposure.Target, p *estate.Policy, zone exposure.Zone) *ExposureItem {
	// The world fixes the owner's organization (when known) and the time.
	t.OrgID, t.At = a.Settings.OrgID(), a.Settings.At
	if t.Account == policy.OwnerAccount {
		// The account the inputs do not name: judged as the owner
		// exposure stands in for (exposure.UnknownOwner), named in
		// findings and fixes as the owner account.
		t.Account = ""
	}
	x := &ExposureItem{Result: &exposure.Result{Target: t}, Policy: p, Zone: zone}
	if t.Kind == exposure.Public {
		// Resource control policies are not applied to ECR Public: it is
		// not among the services the Organizations User Guide lists them
		// as governing, and leaving them out can only report more.
		a.Public = append(a.Public, x)
	} else {
		a.Exposure = append(a.Exposure, x)
	}
	return x
}

// analyzeExposure analyses every queued target, on every core; results keep
// their queue order, so output does not depend on scheduling.
func (a *Analysis) analyzeExposure() {
	work := make(chan *ExposureItem)
	var wg sync.WaitGroup
	cache := exposure.NewCache()
	for range max(1, runtime.GOMAXPROCS(0)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for x := range work {
				x.Result = exposure.AnalyzeCached(x.Target, x.Zone, cache)
				// A fix that cannot be built is no finding's business: the
				// findings stand, with the general remediation.
				x.Fix, _ = exposure.ProposeFixCached(x.Result, x.Zone, cache)
				if x.Target.Kind != exposure.Public {
					// ECR002's question; anyone may pull a public
					// repository anyway.
					x.analyzeAlone(cache)
				}
			}
		}()
	}
	all := slices.Concat(a.Exposure, a.Public)
	for _, x := range all {
		work <- x
	}
	close(work)
	wg.Wait()
	a.nameFixes()
	for _, x := range all {
		gap := func(code estate.GapCode, msg string) {
			t := x.Target
			a.Gaps = append(a.Gaps, estate.Gap{Source: x.Policy.Source.File, Pos: x.Policy.Source, Account: t.Account, Region: t.Region, Resource: t.ARN, Code: code, Message: msg})
		}
		if x.Truncated {
			gap(estate.GapTooManyCombinations, "the policy's conditions combine into more request contexts than ecrguard tries, or in a way its search does not split exactly (docs/semantics.md names them); some actions may be reachable that were not proven")
		}
		if x.Unjudged != "" {
			gap(estate.GapUnsupported, x.Unjudged)
		}
	}
}

func (a *Analysis) addProblems(ps []validate.Problem, resource string, p *estate.Policy) {
	for _, pr := range ps {
		a.Problems = append(a.Problems, ProblemItem{Problem: pr, Resource: resource, Policy: p})
		if pr.Unevaluable {
			a.Gaps = append(a.Gaps, estate.Gap{
				// An unevaluable problem's code is a gap code (estate.GapUnknownOperator).
				Source: pr.Pos.File, Pos: pr.Pos, Resource: resource, Code: estate.GapCode(pr.Code),
				Message: pr.Message,
			})
		}
	}
}

// addParseProblems names each problem of a policy that does not decode
// (docs/rules: such a policy is an ECR011 finding at the line of each
// problem as well as a coverage gap, which g already is).
func (a *Analysis) addParseProblems(g estate.Gap) {
	resource := g.Resource
	if resource == "" {
		resource = g.Source
	}
	for _, p := range g.Problems {
		pos := p.Pos
		if !pos.IsValid() {
			pos = g.Pos
		}
		a.Problems = append(a.Problems, ProblemItem{Resource: resource, Problem: validate.Problem{
			Pos: pos, Code: p.Code, Element: "policy document",
			Message: p.Message + ": the policy does not parse, so AWS rejects it and ecrguard did not assess it",
		}})
	}
}

// validateIAM validates every identity policy, boundary and managed policy
// once.
func (a *Analysis) validateIAM(m *estate.IAM) {
	m.IdentityPolicies(func(resource string, p *estate.Policy) {
		if p != nil && p.Doc != nil {
			a.addProblems(validate.Check(p.Doc, validate.IdentityPolicy, ""), resource, p)
		}
	})
}

// DistinctGaps returns gaps sorted, each once (it sorts gaps in place).
func DistinctGaps(gaps []estate.Gap) []estate.Gap {
	sort.SliceStable(gaps, func(i, j int) bool { return gaps[i].String() < gaps[j].String() })
	return slices.CompactFunc(gaps, func(a, b estate.Gap) bool { return a.String() == b.String() })
}
