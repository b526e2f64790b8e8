package exposure

import (
	"fmt"
	"strings"

	"github.com/ecrguard/ecrguard/eval"
	"github.com/ecrguard/ecrguard/policy"
)

// guardCheckAccount owns the resource in the owner check's evaluations: an
// account no caller has, so that every request is cross-account and the
// caller's side (CallerAllowsAll) allows it; the request is then allowed
// exactly when a guard, turned into an Allow, applies to it. The world's
// aws:ResourceAccount stays the owner's.
const guardCheckAccount = "ecrguard-guard-check"

// ownerDenial is a request of the owner's that a guard of a fix denies.
type ownerDenial struct {
	Witness *eval.Witness
	// Guard is the Sid of the guard that denies it.
	Guard string
}

// ownerDenied searches for a request that the owner's own principals (its
// root, users, role sessions and federated users, in or out of any
// organization, from any network) or AWS services acting for the owner can
// make to t and that one of guards denies. Guards are Deny statements a fix
// appends: Deny statements only take access away, so a fix loses the owner
// nothing it had exactly when no owner request matches a guard. The search
// is exact: it asks whether some request of the owner's is allowed by the
// guards turned into Allow statements. named are the service principals
// the policy names.
func ownerDenied(t Target, zone Zone, doc *policy.Document, guards []*policy.Statement, named []string) (*ownerDenial, bool) {
	flipped := &policy.Document{Version: doc.Version, ID: doc.ID}
	for i, g := range guards {
		s := *g
		s.Effect = policy.Allow
		s.Index = i
		flipped.Statements = append(flipped.Statements, &s)
	}
	tt := t
	tt.Policy = eval.Compile(t.Policy.Name+" (guards)", flipped)
	// What the owner loses is judged without RCPs or the registry's
	// Denies: more requests, so a fix is never wrongly proven harmless.
	tt.RCPs, tt.Registry = nil, nil
	a := newAnalyzer(tt, zone)
	a.ps.ResourceAccount = guardCheckAccount
	owner := a.t.Account

	orgs := a.ownerOrgs()
	truncated := false
	found := func(w *eval.Witness) (*ownerDenial, bool) {
		sid := ""
		for _, m := range w.Decision.Matched {
			if m.Kind == eval.KindResource {
				sid = m.Statement.Sid
				break
			}
		}
		return &ownerDenial{Witness: w, Guard: sid}, true
	}
	// AWS services acting for the owner: any service, and each the policy
	// names (named).
	services := eval.Dedupe(append([]string{freshService}, named...))
	for _, g := range a.groups {
		mentions := eval.Mentions([]*eval.Policy{tt.Policy}, func(_ *eval.Policy, si int) bool { return g.stmts[si] })
		k := &keys{mentions: mentions, bucket: a.bucket, fields: a.sourceFields, paths: a.pathsIn}
		opts := k.sourceOptions(owner, a.named, a.zone, true, true)
		for _, res := range a.resources(g) {
			for _, c := range callers(owner, true, a.standInName) {
				// The owner's principals may well be on the networks the
				// policy names: searched as named callers.
				if w := a.search(c, g.rep, res, true, []eval.Dimension{orgs}); w != nil {
					return found(w)
				}
			}
			for _, svc := range services {
				c := serviceCaller(svc)
				if w := a.search(c, g.rep, res, false, []eval.Dimension{opts}); w != nil {
					return found(w)
				}
			}
		}
		truncated = truncated || a.res.Truncated
	}
	// OU paths split into more cases than were tried: not every one was.
	return nil, !truncated && !a.pathsIncomplete
}

// ownerOrgs are the organizations the owner may be in: the one the target
// names, or when unknown none, one ecrguard makes up, and each trusted one
// (at each trusted path).
func (a *analyzer) ownerOrgs() eval.Dimension {
	if a.t.OrgID != "" {
		paths := a.t.OrgPaths
		if len(paths) == 0 {
			paths = []string{a.t.OrgID + freshOrgPath}
		}
		var out eval.Dimension
		for _, p := range paths {
			out = append(out, orgOption(a.t.OrgID, p))
		}
		return out
	}
	fo := a.named.freshOrg
	out := eval.Dimension{noOrg(), orgOption(fo, fo+freshOrgPath)}
	for _, o := range a.zone.OrgIDs {
		out = append(out, orgOption(o, o+freshOrgPath))
	}
	for _, p := range a.zone.OrgPaths {
		inst := instanceTrim(p)
		if !strings.HasSuffix(inst, "/") {
			inst += "/"
		}
		org, _, _ := strings.Cut(inst, "/")
		out = append(out, orgOption(org, inst))
	}
	return out
}

// describe says, without the stand-in of an unknown owner, which caller of
// the owner's a guard denies.
func (d *ownerDenial) describe(t Target) string {
	p := d.Witness.Request.Principal
	owner := "account " + t.Account
	if t.Account == "" {
		owner = "the owner account"
	}
	var who string
	switch p.Type {
	case eval.Root:
		who = "the root user of " + owner
	case eval.User:
		who = "an IAM user of " + owner
	case eval.Role, eval.AssumedRole:
		who = "a role session of " + owner
	case eval.FederatedUser:
		who = "a federated user of " + owner
	case eval.Service:
		who = "an AWS service acting for " + owner
	default:
		who = "a principal of " + owner
	}
	return fmt.Sprintf("guard %q would deny %s calling %s", d.Guard, who, d.Witness.Request.Action)
}
