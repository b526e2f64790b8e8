// Package eval evaluates IAM policies the way AWS does: a request (principal,
// action, resource, context) against identity policies, a resource policy, a
// permissions boundary, service control policies and a session policy.
//
// The logic follows the IAM User Guide, "Policy evaluation logic" and
// "Cross-account policy evaluation logic": an explicit Deny anywhere wins;
// every SCP level, the boundary and the session policy must allow; within
// one account an identity policy or the resource policy may allow (a
// resource-policy grant that names an IAM user or a role session directly is
// not limited by the boundary); across accounts both the caller's identity
// policies and the resource policy must allow.
//
// Values that are unknown when the policy is read, and condition operators
// IAM does not define, resolve to the worst case: an Allow statement applies,
// a Deny statement does not. Every such resolution is listed in the
// Decision's Assumptions.
package eval

import (
	"fmt"
	"strings"

	"github.com/ecrguard/ecrguard/catalog"
	"github.com/ecrguard/ecrguard/policy"
)

// Kind is the role a policy plays in an evaluation.
type Kind uint8

// Policy kinds.
const (
	KindIdentity Kind = iota
	KindResource
	KindBoundary
	KindSCP
	KindSession
	// KindRCP is a resource control policy: only its Deny statements count
	// (RCPFullAWSAccess allows everything at every level, and a custom RCP
	// may hold no Allow: AWS Organizations User Guide, "RCP syntax").
	KindRCP
)

func (k Kind) String() string {
	return [...]string{"identity", "resource", "boundary", "scp", "session", "rcp"}[k]
}

// resourceLike reports whether statements of the kind carry a Principal
// element and apply to the requested resource when they have no Resource
// element: resource policies and RCPs.
func (k Kind) resourceLike() bool { return k == KindResource || k == KindRCP }

// PolicySet is every policy that governs a request.
type PolicySet struct {
	// Identity holds the caller's identity policies (for a user, its groups'
	// too).
	Identity []*Policy
	// Resource is the resource-based policy of the requested resource.
	Resource *Policy
	// Registry is a second resource-based policy of the same owner: the
	// registry policy of the repository's registry, where the registry's
	// scope covers the action (docs/rules). It is judged with Resource
	// as one: either may grant, a Deny in either denies (IAM User Guide,
	// "Policy evaluation logic").
	Registry *Policy
	// ResourceAccount owns the resource; when empty it is read from the
	// request's resource ARN.
	ResourceAccount string
	Boundary        *Policy
	// SCPs are the service control policies over the caller's account, one
	// per level of the organization hierarchy: each must allow, except for
	// a service-linked role, which SCPs do not restrict.
	SCPs []*Policy
	// RCPs are the resource control policies over the resource's account,
	// one per level of the organization hierarchy (root first). A Deny
	// statement of any level that matches a request to the resource denies
	// it, whoever makes it, except a service-linked role (a request for
	// "*", an action without a resource type, is to no resource of the
	// account's and is not governed); their Allow statements
	// neither grant nor are required (AWS Organizations User Guide,
	// "Resource control policies (RCPs)"). Leave them out for a resource of
	// the management account, which RCPs do not govern.
	RCPs    []*Policy
	Session *Policy
	// CallerAllowsAll stands for a caller whose own account's policies are
	// outside the analysis and under the caller's control (an outsider):
	// its identity side allows whatever it asks.
	CallerAllowsAll bool
}

// Request is one API request.
type Request struct {
	Principal Principal
	// Action is "service:Name".
	Action string
	// Resource is an ARN, or "*" for actions without a resource type.
	Resource string
	Context  *Context
}

// Result is the outcome of an evaluation.
type Result uint8

// Results.
const (
	ImplicitDeny Result = iota
	Allow
	ExplicitDeny
)

func (r Result) String() string {
	return [...]string{"implicit-deny", "allow", "explicit-deny"}[r]
}

// Match is a statement that took part in a decision.
type Match struct {
	Policy    string
	Kind      Kind
	Statement *policy.Statement
}

func (m Match) String() string {
	if m.Kind == KindRCP {
		return "resource control policy " + RCPStatementLabel(m.Policy, m.Statement)
	}
	return fmt.Sprintf("%s policy %s, %s", m.Kind, m.Policy, m.Statement.Label())
}

// RCPStatementLabel names a statement of a resource control policy: the
// policy, the statement's Sid and its position in the document.
func RCPStatementLabel(policyName string, s *policy.Statement) string {
	pos := fmt.Sprintf("statement #%d", s.Index+1)
	if s.Sid != "" {
		return fmt.Sprintf("%s, %s (%s)", policyName, s.Sid, pos)
	}
	return policyName + ", " + pos
}

// Assumption records an unknown element resolved to the worst case.
type Assumption struct {
	Match
	// Unknown lists what was unknown in the statement.
	Unknown []string
	// Applied is how it was resolved: true for Allow statements, false for
	// Deny statements.
	Applied bool
}

// Decision is the outcome of an evaluation and the statements that made it.
type Decision struct {
	Result Result
	// Matched are the Deny statements of an explicit deny, or the Allow
	// statements of an allow.
	Matched []Match
	// Reason explains the result in a sentence.
	Reason      string
	Assumptions []Assumption
}

// Assessed reports whether the decision holds whatever the elements that
// could not be evaluated are. Their worst case lets in all it can, so a
// deny made under it holds; an allow made under it may not.
func (d Decision) Assessed() bool {
	return d.Result != Allow || len(d.Assumptions) == 0
}

// prepared is a request with its lookups done once.
type prepared struct {
	Request
	ctx      *Context
	actIndex int
	actLower string
	resAcct  string
	// terse skips building the Reason of decisions that are not Allow: a
	// search discards them.
	terse bool
	// pessimistic resolves pending statements (ones that read a key a
	// search has not chosen) against the request: an Allow does not apply,
	// a Deny does. By default they resolve in its favour, so the decision
	// bounds every way the open keys can be chosen.
	pessimistic bool
	// sawPending is set when a pending statement was met.
	sawPending bool
	// pend collects the pending statements met, when not nil.
	pend *[]*cstmt
}

// Evaluate decides one request.
func Evaluate(ps *PolicySet, r *Request) Decision {
	pr := prepare(ps, r)
	return evaluate(ps, &pr)
}

func prepare(ps *PolicySet, r *Request) prepared {
	pr := prepared{Request: *r, ctx: r.Context, actIndex: -1, actLower: lowerKey(r.Action)}
	if pr.ctx == nil {
		pr.ctx = NewContext()
	}
	if a := catalog.Default().LookupLower(pr.actLower); a != nil {
		pr.actIndex = a.Index
	}
	pr.resAcct = ps.ResourceAccount
	if pr.resAcct == "" {
		if a, ok := policy.ParseARN(r.Resource); ok {
			pr.resAcct = a.Account
		}
	}
	return pr
}

// polResult is what one policy says about a request: how many statements
// allow and deny (and, of a resource policy's allows, how many name the
// caller directly or its role), and unless the evaluation is terse which.
type polResult struct {
	allows []Match
	grants []grant // parallel to allows, for resource policies
	denies []Match

	nAllow, nDeny, nDirect, nRole int
}

func (p *polResult) add(o polResult) {
	p.allows = append(p.allows, o.allows...)
	p.grants = append(p.grants, o.grants...)
	p.denies = append(p.denies, o.denies...)
	p.nAllow += o.nAllow
	p.nDeny += o.nDeny
	p.nDirect += o.nDirect
	p.nRole += o.nRole
}

func (ps *PolicySet) check(p *Policy, kind Kind, r *prepared, d *Decision) polResult {
	var out polResult
	if p == nil {
		return out
	}
	resourcePolicy := kind.resourceLike()
	for si, s := range p.stmts {
		if kind == KindRCP && s.effect != policy.Deny {
			// An RCP's Allow neither grants nor is required.
			continue
		}
		var t tri
		var g grant
		if p.fixed != nil {
			t, g = p.fixed[si].t, p.fixed[si].g
		} else {
			t, g = s.matchFixed(ps, r, resourcePolicy)
		}
		if t == no {
			continue
		}
		if s.resVars {
			// A Resource that reads a variable: read it now.
			if t = and(t, s.matchResource(r, resourcePolicy)); t == no {
				continue
			}
		}
		if p.conds != nil {
			// A search's copy remembers each statement's conditions until
			// a key they read changes.
			c := &p.conds[si]
			if !c.valid {
				c.t, c.valid = s.evalConds(r.ctx), true
			}
			t = and(t, c.t)
		} else {
			t = and(t, s.evalConds(r.ctx))
		}
		if t == no {
			continue
		}
		m := Match{Policy: p.Name, Kind: kind, Statement: s.src}
		if t == pending {
			r.sawPending = true
			if r.pend != nil {
				*r.pend = append(*r.pend, s)
			}
			if (s.effect == policy.Allow) == r.pessimistic {
				continue
			}
		}
		if t == maybe {
			d.Assumptions = append(d.Assumptions, Assumption{Match: m, Unknown: s.unknowns, Applied: s.effect == policy.Allow})
			if s.effect == policy.Deny {
				continue
			}
		}
		if s.effect == policy.Deny {
			out.nDeny++
			if !r.terse {
				out.denies = append(out.denies, m)
			}
			continue
		}
		out.nAllow++
		switch g {
		case grantDirect:
			out.nDirect++
		case grantRole:
			out.nRole++
		}
		if !r.terse {
			out.allows = append(out.allows, m)
			out.grants = append(out.grants, g)
		}
	}
	return out
}

// evalConds is the conjunction of the statement's conditions.
func (s *cstmt) evalConds(ctx *Context) tri {
	t := yes
	for i := range s.conds {
		if t = and(t, s.conds[i].eval(ctx)); t == no {
			return no
		}
	}
	return t
}

// matchFixed says what the statement's Action, Resource (unless it reads
// a variable: see check) and, in a resource policy, Principal say of the
// request, and how the Principal names the caller.
func (s *cstmt) matchFixed(ps *PolicySet, r *prepared, resourcePolicy bool) (tri, grant) {
	t := s.matchAction(r)
	if t == no {
		return no, grantNone
	}
	if !s.resVars {
		if t = and(t, s.matchResource(r, resourcePolicy)); t == no {
			return no, grantNone
		}
	}
	g := grantDirect
	if resourcePolicy {
		var pt tri
		pt, g = s.matchPrincipal(ps, r)
		t = and(t, pt)
	}
	return t, g
}

// matchPrincipal says whether a resource-policy statement's Principal or
// NotPrincipal names the caller, and how.
func (s *cstmt) matchPrincipal(ps *PolicySet, r *prepared) (tri, grant) {
	switch {
	case s.principal == nil:
		// A resource-policy statement without Principal is invalid and
		// names nobody.
		return no, grantNone
	case s.notPrincipal:
		ex := s.principal.exempt(r.Principal)
		// A NotPrincipal Deny always denies an IAM user or role that has a
		// permissions boundary, whatever it lists (IAM User Guide, "AWS
		// JSON policy elements: NotPrincipal").
		if s.effect == policy.Deny && ps.Boundary != nil && (r.Principal.Type == User || r.Principal.Type == Role || r.Principal.Type == AssumedRole) {
			ex = no
		}
		return not(ex), grantDirect
	}
	return s.principal.matches(r.Principal)
}

// explain gives d the reason why, followed by the action, unless the
// request is terse (the reason is then never read).
func (r *prepared) explain(d *Decision, why string) {
	if !r.terse {
		d.Reason = why + r.Action
	}
}

func evaluate(ps *PolicySet, r *prepared) Decision {
	var d Decision
	iamCaller := r.Principal.Type != Service && r.Principal.Type != Anonymous

	// The SCP levels, and every policy's denies and identity allows.
	var scps []polResult
	var ids, bnd, ses, all polResult
	if iamCaller {
		if !serviceLinked(r.Principal) {
			// SCPs do not restrict service-linked roles (AWS Organizations
			// User Guide, "Service control policies (SCPs)").
			for _, p := range ps.SCPs {
				res := ps.check(p, KindSCP, r, &d)
				scps = append(scps, res)
				all.add(polResult{denies: res.denies, nDeny: res.nDeny})
			}
		}
		for _, p := range ps.Identity {
			ids.add(ps.check(p, KindIdentity, r, &d))
		}
		all.add(polResult{denies: ids.denies, nDeny: ids.nDeny})
		bnd = ps.check(ps.Boundary, KindBoundary, r, &d)
		all.add(polResult{denies: bnd.denies, nDeny: bnd.nDeny})
		ses = ps.check(ps.Session, KindSession, r, &d)
		all.add(polResult{denies: ses.denies, nDeny: ses.nDeny})
	}
	if rcpGoverns(r) {
		for _, p := range ps.RCPs {
			rcp := ps.check(p, KindRCP, r, &d)
			all.add(polResult{denies: rcp.denies, nDeny: rcp.nDeny})
		}
	}
	// A resource policy governs requests on its resource: an action without
	// a resource type (ecr:GetAuthorizationToken, on "*") is one an identity
	// policy must allow (Amazon ECR User Guide, "Private repository
	// policies in Amazon ECR": "Amazon ECR requires that users have
	// permission to make calls to the ecr:GetAuthorizationToken API through
	// an IAM policy").
	var res polResult
	if r.Resource != "*" {
		res = ps.check(ps.Resource, KindResource, r, &d)
		if ps.Registry != nil {
			res.add(ps.check(ps.Registry, KindResource, r, &d))
		}
	}
	all.add(polResult{denies: res.denies, nDeny: res.nDeny})

	if all.nDeny > 0 {
		d.Result = ExplicitDeny
		d.Matched = all.denies
		if !r.terse {
			d.Reason = "explicitly denied by " + all.denies[0].String()
		}
		return d
	}
	for i, s := range scps {
		if s.nAllow == 0 {
			d.Result = ImplicitDeny
			if !r.terse {
				d.Reason = fmt.Sprintf("no statement of service control policy %s allows %s", ps.SCPs[i].Name, r.Action)
			}
			return d
		}
	}

	idAllows := ids.allows
	identityAllows := ids.nAllow > 0 || ps.CallerAllowsAll || r.Principal.Type == Root
	boundaryAllows := ps.Boundary == nil || bnd.nAllow > 0 || r.Principal.Type == Root
	// Session policies limit role sessions and the federated user sessions
	// of GetFederationToken; other callers have none.
	sessionAllows := ps.Session == nil || ses.nAllow > 0 || (r.Principal.Type != Role && r.Principal.Type != AssumedRole && r.Principal.Type != FederatedUser)
	identitySide := identityAllows && boundaryAllows && sessionAllows

	any := res.allows
	var direct, role []Match
	for i, m := range res.allows {
		switch res.grants[i] {
		case grantDirect:
			direct = append(direct, m)
		case grantRole:
			role = append(role, m)
		}
	}

	allow := func(ms ...[]Match) Decision {
		d.Result = Allow
		for _, m := range ms {
			d.Matched = append(d.Matched, m...)
		}
		return d
	}

	if !iamCaller {
		if res.nAllow > 0 {
			d.Reason = "allowed by the resource policy"
			return allow(any)
		}
		d.Reason = "no resource policy statement allows this caller"
		return d
	}

	// A resource that names no owning account ("*" for actions without a
	// resource type, an S3 bucket ARN) is requested in the caller's own
	// account unless the policy set says otherwise: there is no other
	// account whose resource policy must allow.
	sameAccount := r.resAcct == "" || r.resAcct == r.Principal.Account
	if sameAccount {
		switch {
		case res.nDirect > 0:
			d.Reason = "allowed by the resource policy, which names the caller itself or everyone (not limited by a permissions boundary)"
			return allow(direct)
		case res.nRole > 0 && boundaryAllows && sessionAllows:
			d.Reason = "allowed by the resource policy, which names the caller's role"
			return allow(role)
		case identitySide && ids.nAllow > 0:
			d.Reason = "allowed by the caller's identity policies"
			return allow(idAllows)
		case identitySide:
			d.Reason = "allowed: the caller is the account's root user"
			return allow()
		}
		d.Result = ImplicitDeny
		switch {
		case !identityAllows && res.nRole == 0:
			r.explain(&d, "no identity policy or resource policy statement allows ")
		case !boundaryAllows:
			r.explain(&d, "the permissions boundary does not allow ")
		default:
			r.explain(&d, "the session policy does not allow ")
		}
		return d
	}

	// Cross-account: both sides must allow.
	switch {
	case res.nAllow == 0 && !identitySide:
		r.explain(&d, "cross-account: neither the caller's identity policies nor the resource policy allow ")
	case res.nAllow == 0:
		d.Reason = "cross-account: the resource policy does not allow this caller"
	case !identityAllows:
		r.explain(&d, "cross-account: the caller's identity policies do not allow ")
	case !boundaryAllows:
		r.explain(&d, "cross-account: the caller's permissions boundary does not allow ")
	case !sessionAllows:
		r.explain(&d, "cross-account: the caller's session policy does not allow ")
	case ids.nAllow == 0 && r.Principal.Type == Root:
		// No identity policy applies to a root user: its account's side
		// allows by itself.
		d.Reason = "cross-account: allowed by the resource policy; the caller is its account's root user, which needs no identity policy"
		return allow(any)
	default:
		d.Reason = "cross-account: allowed by both the caller's identity policies and the resource policy"
		return allow(idAllows, any)
	}
	d.Result = ImplicitDeny
	return d
}

// rcpGoverns reports whether RCPs govern the request: one to a resource
// (not "*", the resource of actions without a resource type such as
// ecr:GetAuthorizationToken, which is no resource of the account's), by a
// caller other than a service-linked role.
func rcpGoverns(r *prepared) bool {
	return r.Resource != "*" && !serviceLinked(r.Principal)
}

// serviceLinked reports whether p is a service-linked role or one of its
// sessions (role path /aws-service-role/), which RCPs do not govern (AWS
// Organizations User Guide, "Resource control policies (RCPs)", resources
// and entities not restricted by RCPs). A session ARN does not carry the
// role's path: a session is one when its RoleARN does.
func serviceLinked(p Principal) bool {
	const path = ":role/aws-service-role/"
	switch p.Type {
	case Role:
		return strings.Contains(p.ARN, path)
	case AssumedRole:
		return strings.Contains(p.RoleARN, path)
	}
	return false
}

// Simulate is Evaluate after adding to the request's context the keys its
// principal always carries (Derive) and the resource's owner
// (DeriveResource). `ecrguard simulate` answers with it. A Role caller
// whose aws:userid the context gives (ROLEID:SESSION) is that session;
// otherwise it is allowed when one of its sessions is: one the policies
// list by name, or one of another name.
func Simulate(ps *PolicySet, r *Request) Decision {
	if p := r.Principal; p.Type == Role && p.Session == "" {
		var v []string
		if r.Context != nil {
			v, _ = r.Context.Get("aws:userid")
		}
		if len(v) == 1 {
			if i := strings.LastIndexByte(v[0], ':'); i >= 0 && i+1 < len(v[0]) {
				req := *r
				req.Principal.Session = v[0][i+1:]
				return simulate(ps, &req)
			}
		}
		if listed := ListedSessions(ps.Policies(), p.ARN); len(listed) > 0 {
			req := *r
			for _, name := range listed {
				req.Principal.Session = name
				if d := simulate(ps, &req); d.Result == Allow {
					d.Reason += " (as its session " + name + ")"
					return d
				}
			}
			req.Principal.Session = Unlisted(FreshValue, listed)
			return simulate(ps, &req)
		}
	}
	return simulate(ps, r)
}

func simulate(ps *PolicySet, r *Request) Decision {
	req := *r
	if req.Context == nil {
		req.Context = NewContext()
	} else {
		req.Context = req.Context.Clone()
	}
	Derive(req.Context, req.Principal)
	DeriveResource(req.Context, ps, req.Resource)
	return Evaluate(ps, &req)
}
