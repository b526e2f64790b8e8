package estate

import (
	"bytes"
	"cmp"
	"fmt"
	"maps"
	"slices"

	"github.com/ecrguard/ecrguard/policy"
)

// policyClaim is what one input says about a resource's policy.
type policyClaim struct {
	state PolicyState
	p     *Policy
	// def is where the input defines the resource, for a claim of no
	// policy (which has no position of its own).
	def policy.Pos
}

// where is the claim's position: its policy's, else the resource's.
func (c policyClaim) where() policy.Pos {
	if c.state == HasPolicy && c.p != nil && c.p.Source.IsValid() {
		return c.p.Source
	}
	return c.def
}

func (c policyClaim) String() string {
	at := c.where().String()
	if at == "" {
		at = "an input that names no position"
	}
	if c.state == HasPolicy {
		return "the policy at " + at
	}
	return "no policy (" + at + ")"
}

// samePolicy reports whether two known claims say the same thing: both no
// policy, or policies of the same canonical text (policy.Marshal of
// setOrder: element order, spacing, one-value lists and the order of a
// list's values do not matter; positions do not).
func samePolicy(a, b policyClaim) bool {
	if a.state != b.state {
		return false
	}
	if a.state != HasPolicy || a.p == b.p {
		return true
	}
	if a.p == nil || b.p == nil || a.p.Doc == nil || b.p.Doc == nil {
		return false
	}
	ta, errA := policy.Marshal(setOrder(a.p.Doc))
	tb, errB := policy.Marshal(setOrder(b.p.Doc))
	return errA == nil && errB == nil && bytes.Equal(ta, tb)
}

// SamePolicy reports whether two policies say the same thing, as two
// inputs' policies of one resource are compared when they merge: their
// documents have the same canonical text.
func SamePolicy(a, b *Policy) bool {
	return samePolicy(policyClaim{state: HasPolicy, p: a}, policyClaim{state: HasPolicy, p: b})
}

// setOrder returns a copy of doc whose lists of actions, resources,
// principals and condition values, and whose conditions, are sorted: IAM
// reads each as a set, and a module and its plan write them in different
// orders (the AWS provider writes an aws_iam_policy_document's sets in an
// order of its own).
func setOrder(doc *policy.Document) *policy.Document {
	byText := func(a, b policy.Value) int { return cmp.Compare(a.Text, b.Text) }
	values := func(vs []policy.Value) []policy.Value {
		vs = slices.Clone(vs) // nil (absent) stays nil
		slices.SortStableFunc(vs, byText)
		return vs
	}
	principal := func(p *policy.Principal) *policy.Principal {
		if p == nil {
			return nil
		}
		c := *p
		c.Entries = slices.Clone(p.Entries)
		slices.SortStableFunc(c.Entries, func(a, b policy.PrincipalEntry) int {
			return cmp.Or(cmp.Compare(a.Kind, b.Kind), byText(a.Value, b.Value))
		})
		return &c
	}
	d := *doc
	d.Statements = make([]*policy.Statement, len(doc.Statements))
	for i, s := range doc.Statements {
		c := *s
		c.Action, c.NotAction, c.Resource, c.NotResource = values(s.Action), values(s.NotAction), values(s.Resource), values(s.NotResource)
		c.Principal, c.NotPrincipal = principal(s.Principal), principal(s.NotPrincipal)
		c.Conditions = slices.Clone(s.Conditions)
		for j := range c.Conditions {
			c.Conditions[j].Values = values(c.Conditions[j].Values)
		}
		slices.SortStableFunc(c.Conditions, func(a, b policy.Condition) int {
			return cmp.Or(cmp.Compare(a.Operator, b.Operator), cmp.Compare(a.Key, b.Key))
		})
		d.Statements[i] = &c
	}
	return &d
}

// resolvePolicy decides between what e already holds about a resource's
// policy (cur) and what a further input says (in). An input that did not
// read the policy says nothing. Two that say the same thing merge quietly,
// keeping cur. Otherwise they conflict, and the kept claim is the one that
// can grant more:
//
//   - a policy over no policy: a resource policy is what opens a repository
//     or registry to other accounts and to the public, so judging "no
//     policy" could hide exactly what ecrguard looks for;
//   - of two different policies, the one read first (cur), as the file
//     reader does with two files of one policy. Neither is safely the more
//     open one without evaluating them, and a document built from both
//     would be one nobody wrote (its Sids clash, its Versions may differ,
//     the Deny of one would silence the Allow of the other). The conflict
//     Gap says the other was not judged, so the scan is incomplete (exit
//     code 2) until the inputs agree.
func resolvePolicy(cur, in policyClaim) (keep, other policyClaim, conflict bool) {
	switch {
	case in.state == Unread:
		return cur, in, false
	case cur.state == Unread:
		return in, cur, false
	case samePolicy(cur, in):
		return cur, in, false
	case cur.state == NoPolicy && in.state == HasPolicy:
		return in, cur, true
	}
	return cur, in, true
}

// conflictGap is the Gap of a conflict about what: kept is judged, other
// is not.
func conflictGap(account, region, resource, what string, kept, other policyClaim) Gap {
	at := other.where()
	if !at.IsValid() {
		at = kept.where()
	}
	judged := "the analysis judges " + kept.String() + " and not the other"
	if kept.state == HasPolicy && other.state == NoPolicy {
		judged = "the analysis judges " + kept.String() + ", the reading that can open it wider"
	}
	return Gap{Source: at.File, Pos: at, Account: account, Region: region, Resource: resource, Code: GapConflictingInputs,
		Message: fmt.Sprintf("inputs disagree about %s: %s, but %s; %s; make the inputs agree (or scan them apart) to assess it", what, other, kept, judged)}
}

// mergeSlot keeps in s the policy resolvePolicy keeps of s's (defined at
// at) and o's (defined at oAt), and records a conflict as a gap about the
// resource of arn, named what.
func (s *PolicySlot) mergeSlot(at policy.Pos, o PolicySlot, oAt policy.Pos, e *Estate, account, region, arn, what string) {
	keep, other, conflict := resolvePolicy(policyClaim{s.PolicyState, s.Policy, at}, policyClaim{o.PolicyState, o.Policy, oAt})
	if conflict {
		e.AddGap(conflictGap(account, region, arn, what, keep, other))
	}
	s.Policy, s.PolicyState = keep.p, keep.state
}

// keepARN is the ARN of a resource two inputs describe: one an input read
// (from AWS, whose ARNs name the partition: arn:aws-cn:…) over the one
// built from the resource's names (built), which says partition aws. With
// the built one, a statement whose Resource names the real ARN would never
// apply.
func keepARN(cur, in, built string) string {
	if cur == built && in != "" {
		return in
	}
	return cur
}

func (r *Repository) merge(o *Repository, e *Estate) {
	r.ARN = keepARN(r.ARN, o.ARN, RepositoryARN(r.Region, r.Account, r.Name))
	r.mergeSlot(r.Source, o.PolicySlot, o.Source, e, r.Account, r.Region, r.ARN, "the policy of repository "+r.Name)
	switch {
	case !o.TagsKnown:
	case !r.TagsKnown:
		r.Tags, r.TagsKnown = o.Tags, true
	case !maps.Equal(r.Tags, o.Tags):
		// Tags are matched by conditions (aws:ResourceTag): no set of them
		// is the more open one. The first read is kept.
		at := o.Source
		if !at.IsValid() {
			at = r.Source
		}
		e.AddGap(Gap{Source: at.File, Pos: at, Account: r.Account, Region: r.Region, Resource: r.ARN, Code: GapConflictingInputs,
			Message: fmt.Sprintf("inputs disagree about the tags of repository %s: %v (%s), but %v (%s); the analysis uses the first and not the other; make the inputs agree to assess it", r.Name, o.Tags, posOrInput(o.Source), r.Tags, posOrInput(r.Source))})
	}
	if o.InInventory {
		// Inventory settings are reported, not judged: fill what is missing.
		if !r.InInventory {
			r.ImageTagMutability, r.ScanOnPush, r.EncryptionType, r.CreatedAt = o.ImageTagMutability, o.ScanOnPush, o.EncryptionType, o.CreatedAt
		} else {
			fill(&r.ImageTagMutability, o.ImageTagMutability)
			fill(&r.EncryptionType, o.EncryptionType)
			fill(&r.CreatedAt, o.CreatedAt)
			if r.ScanOnPush == nil {
				r.ScanOnPush = o.ScanOnPush
			}
		}
		r.InInventory = true
	}
	if !r.Source.IsValid() || o.Source.IsValid() && r.Source.File == "" {
		r.Source = o.Source
	}
}

func fill(dst *string, v string) {
	if *dst == "" {
		*dst = v
	}
}

func posOrInput(p policy.Pos) string {
	if s := p.String(); s != "" {
		return s
	}
	return "an input that names no position"
}

// merge merges o, the registry of region r in another estate, into g.
func (g *Registry) merge(o *Registry, r *Region, e *Estate) {
	arn := RegistryARN(r.Name, r.Account)
	g.mergeSlot(policy.Pos{}, o.PolicySlot, policy.Pos{}, e, r.Account, r.Name, arn, fmt.Sprintf("the registry policy of %s in %s", r.Account, r.Name))
	switch {
	case o.Scope == "" || o.Scope == g.Scope:
	case g.Scope == "":
		g.Scope = o.Scope
	default:
		// V2 is the reading that can grant more: the registry policy then
		// governs every ECR action, not only replication.
		at, src := policyClaim{state: g.PolicyState, p: g.Policy}.where(), "REGISTRY_POLICY_SCOPE"
		if at.IsValid() {
			src = at.File
		}
		e.AddGap(Gap{Source: src, Pos: at, Account: r.Account, Region: r.Name, Resource: arn, Code: GapConflictingInputs,
			Message: fmt.Sprintf("inputs disagree about REGISTRY_POLICY_SCOPE of %s in %s: %s and %s; the analysis uses %s, under which the registry policy governs every ECR action", r.Account, r.Name, g.Scope, o.Scope, ScopeV2)})
		g.Scope = ScopeV2
	}
	for _, d := range o.Replication {
		if !slices.Contains(g.Replication, d) {
			g.Replication = append(g.Replication, d)
		}
	}
}

// merge merges o, the same ECR Public repository read from another input,
// into p, as two inputs of a private repository merge.
func (p *PublicRepository) merge(o *PublicRepository, e *Estate) {
	p.ARN = keepARN(p.ARN, o.ARN, PublicRepositoryARN(p.Account, p.Name))
	p.mergeSlot(p.Source, o.PolicySlot, o.Source, e, p.Account, "", p.ARN, "the policy of ECR Public repository "+p.Name)
	if !p.Source.IsValid() {
		p.Source = o.Source
	}
}

// mergeLevels adds the organization policy levels (SCPs or RCPs, kind)
// another input read to cur, the levels of acct read before. A level that
// input names as one of cur is named (a Terraform module and its plan
// name an attachment alike) is the same level read twice: saying the same,
// it merges quietly; saying something else, it is a conflict, and the
// level read first is kept, as for two policies of a repository (applying
// both would take away what either alone allows). The input's other
// levels are levels of their own; a policy attached at two levels is two
// levels of one name within one input, and stays so.
func mergeLevels(cur, in []*Policy, e *Estate, acct, kind string) []*Policy {
	before := len(cur)
	for _, p := range in {
		i := slices.IndexFunc(cur[:before], func(c *Policy) bool { return c.Name == p.Name })
		if i < 0 {
			cur = append(cur, p)
			continue
		}
		kept, other := policyClaim{state: HasPolicy, p: cur[i]}, policyClaim{state: HasPolicy, p: p}
		if !samePolicy(kept, other) {
			e.AddGap(conflictGap(acct, "", "", "the "+kind+" level "+p.Name, kept, other))
		}
	}
	return cur
}

func (t *CreationTemplate) merge(o *CreationTemplate, e *Estate) {
	t.ARN = keepARN(t.ARN, o.ARN, TemplateARN(t.Region, t.Account, t.Prefix))
	t.mergeSlot(t.Source, o.PolicySlot, o.Source, e, t.Account, t.Region, t.ARN, "the policy of repository creation template "+t.Prefix)
	t.AddAppliedFor(o.AppliedFor...)
	if !t.Source.IsValid() {
		t.Source = o.Source
	}
}
