package eval

import (
	"strings"

	"github.com/ecrguard/ecrguard/catalog"
	"github.com/ecrguard/ecrguard/policy"
)

// Policy is a policy document compiled for evaluation. Compile once,
// evaluate many times; a Policy is safe for concurrent use.
type Policy struct {
	// Name identifies the policy in decisions ("inline:PullApp",
	// "arn:aws:iam::aws:policy/...", "repository policy of app").
	Name  string
	Doc   *policy.Document
	stmts []*cstmt
	// fixed holds, for a copy a search made for one request, what each
	// statement's Action, Resource and Principal elements say of it (they
	// do not change while the search chooses keys); nil elsewhere.
	fixed []fixedMatch
	// conds remembers, in such a copy, each statement's conditions while
	// the keys they read keep their values.
	conds []condMemo
}

type condMemo struct {
	t     tri
	valid bool
}

// fixedMatch is what a statement's Action, Resource and Principal say of
// one request.
type fixedMatch struct {
	t tri
	g grant
}

// cstmt is a compiled statement.
type cstmt struct {
	src    *policy.Statement
	effect policy.Effect

	notAction  bool
	actSet     catalog.ActionSet // catalog actions the Action/NotAction list matches
	actPats    []string          // lower-cased patterns, for actions outside the catalog
	actUnknown bool

	resAbsent   bool
	notResource bool
	res         []tmpl
	resVars     bool // a Resource value reads a policy variable

	principal    *cprincipal
	notPrincipal bool

	conds []ccond

	// unknowns describes what is unknown in the statement, for Assumptions.
	unknowns []string
}

// Compile prepares doc for evaluation under a name used in decisions.
func Compile(name string, doc *policy.Document) *Policy {
	p := &Policy{Name: name, Doc: doc}
	vars := doc.VariablesEnabled()
	for _, s := range doc.Statements {
		p.stmts = append(p.stmts, compileStatement(s, vars))
	}
	return p
}

// Extend returns p with doc's statements from index len(p's statements)
// on compiled and appended: doc is p's document with statements added at
// its end (the statements before keep p's compilation).
func Extend(p *Policy, name string, doc *policy.Document) *Policy {
	vars := doc.VariablesEnabled()
	if vars != p.Doc.VariablesEnabled() || len(doc.Statements) < len(p.stmts) {
		return Compile(name, doc)
	}
	q := &Policy{Name: name, Doc: doc, stmts: append([]*cstmt(nil), p.stmts...)}
	for _, s := range doc.Statements[len(p.stmts):] {
		q.stmts = append(q.stmts, compileStatement(s, vars))
	}
	return q
}

// compileStatement compiles one statement; vars says whether its document
// enables policy variables.
func compileStatement(s *policy.Statement, vars bool) *cstmt {
	cat := catalog.Default()
	{
		cs := &cstmt{src: s, effect: s.Effect}
		acts := s.Action
		if s.NotAction != nil {
			acts, cs.notAction = s.NotAction, true
		}
		for _, a := range acts {
			if a.Unknown {
				cs.actUnknown = true
				cs.unknowns = append(cs.unknowns, "action "+a.Text)
				continue
			}
			cs.actSet = cs.actSet.Union(cat.MatchSet(a.Text))
			cs.actPats = append(cs.actPats, strings.ToLower(a.Text))
		}
		res := s.Resource
		if s.NotResource != nil {
			res, cs.notResource = s.NotResource, true
		}
		cs.resAbsent = res == nil
		for _, r := range res {
			t := resourceTmpl(r, vars)
			cs.resVars = cs.resVars || len(t.vars) > 0
			if t.unknown {
				cs.unknowns = append(cs.unknowns, "resource "+r.Text)
			}
			cs.res = append(cs.res, t)
		}
		switch {
		case s.Principal != nil:
			cs.principal = compilePrincipal(s.Principal)
		case s.NotPrincipal != nil:
			cs.principal = compilePrincipal(s.NotPrincipal)
			cs.notPrincipal = true
		}
		if cs.principal != nil && cs.principal.unknown {
			pr := s.Principal
			if pr == nil {
				pr = s.NotPrincipal
			}
			for _, e := range pr.Entries {
				if e.Value.Unknown {
					// Text says where the value comes from (var.partner_arn).
					cs.unknowns = append(cs.unknowns, "principal "+e.Kind+" "+e.Value.Text)
				}
			}
		}
		for i := range s.Conditions {
			c := &s.Conditions[i]
			cc := compileCondition(c, vars)
			if !c.Op.Known {
				cs.unknowns = append(cs.unknowns, "condition operator "+c.Operator)
			}
			for _, v := range c.Values {
				if v.Unknown {
					cs.unknowns = append(cs.unknowns, "condition value "+c.Key+" = "+v.Text)
				}
			}
			cs.conds = append(cs.conds, cc)
		}
		return cs
	}
}

// matchAction reports whether the statement's Action/NotAction applies to
// the request's action.
func (s *cstmt) matchAction(r *prepared) tri {
	var hit tri
	if r.actIndex >= 0 {
		hit = of(s.actSet.Has(r.actIndex))
	} else {
		hit = no
		for _, p := range s.actPats {
			if policy.Match(p, r.actLower) {
				hit = yes
				break
			}
		}
	}
	if s.actUnknown && hit == no {
		hit = maybe
	}
	if s.notAction {
		return not(hit)
	}
	return hit
}

// matchResource reports whether Resource/NotResource applies. A statement
// without either applies to the resource its (resource-based) policy is
// attached to; in an identity policy AWS requires one, so it is unknown.
func (s *cstmt) matchResource(r *prepared, resourcePolicy bool) tri {
	if s.resAbsent {
		if resourcePolicy {
			return yes
		}
		return maybe
	}
	hit := no
	for i := range s.res {
		t := &s.res[i]
		if t.unknown {
			hit = or(hit, maybe)
			continue
		}
		if r.ctx.anyOpen(t.vars) {
			hit = or(hit, pending)
			continue
		}
		if t.matchARN(r.ctx, r.Resource) {
			hit = yes
			break
		}
	}
	if s.notResource {
		return not(hit)
	}
	return hit
}

// grant says how a resource-policy statement names the caller; the
// same-account rules of the evaluation logic depend on it.
type grant uint8

const (
	grantNone grant = iota
	// grantAccount: the caller's account is named; access is delegated to
	// the account's identity policies.
	grantAccount
	// grantRole: the caller's role is named; limited by the role's
	// permissions boundary and session policy.
	grantRole
	// grantDirect: the caller itself (user, role session, root, service) is
	// named, or everyone is (a NotPrincipal Allow names everyone else).
	grantDirect
)

// cprincipal is a compiled Principal or NotPrincipal element.
type cprincipal struct {
	everyone bool
	// accounts holds bare account ids, which name the account in the
	// caller's partition; roots holds the "partition:account" of root
	// ARNs, which name the account in that partition only.
	accounts  map[string]bool
	roots     map[string]bool
	arns      map[string]bool
	services  map[string]bool
	federated map[string]bool
	// sessions maps the role ARN of each listed session (as sessionRole
	// keys it) to the session names listed.
	sessions map[string]map[string]bool
	unknown  bool
}

func compilePrincipal(p *policy.Principal) *cprincipal {
	c := &cprincipal{everyone: p.Wildcard}
	// The sets are only read once compiled, and most elements name one or
	// two kinds of principal (or "*"): a set is made when it gets a member.
	add := func(set *map[string]bool, v string) {
		if *set == nil {
			*set = map[string]bool{}
		}
		(*set)[v] = true
	}
	for _, e := range p.Entries {
		v := e.Value
		if v.Unknown {
			c.unknown = true
			continue
		}
		switch e.Kind {
		case policy.KindAWS:
			switch {
			case v.Text == "*":
				c.everyone = true
			case policy.IsAccountID(v.Text):
				add(&c.accounts, v.Text)
			default:
				if a, ok := policy.ParseARN(v.Text); ok && a.Service == "iam" && a.Resource == "root" {
					add(&c.roots, a.Partition+":"+a.Account)
					continue
				}
				add(&c.arns, v.Text)
				if sp, err := ParsePrincipal(v.Text); err == nil && sp.Type == AssumedRole {
					if c.sessions == nil {
						c.sessions = map[string]map[string]bool{}
					}
					names := c.sessions[sp.RoleARN]
					add(&names, v.Text[strings.LastIndexByte(v.Text, '/')+1:])
					c.sessions[sp.RoleARN] = names
				}
			}
		case policy.KindService:
			add(&c.services, strings.ToLower(v.Text))
		case policy.KindFederated:
			add(&c.federated, v.Text)
		}
	}
	return c
}

// hasAccount says whether the element names p's account: by a bare account
// id, or by a root ARN of p's partition. Each account is scoped to one
// partition (IAM User Guide, "Identify AWS resources with Amazon Resource
// Names"): arn:aws-cn:iam::444455556666:root is not the aws account
// 444455556666.
func (c *cprincipal) hasAccount(p Principal) bool {
	if c.accounts[p.Account] {
		return true
	}
	if len(c.roots) == 0 {
		return false
	}
	partition := "aws"
	if rest, ok := strings.CutPrefix(p.ARN, "arn:"); ok {
		if i := strings.IndexByte(rest, ':'); i > 0 {
			partition = rest[:i]
		}
	}
	return c.roots[partition+":"+p.Account]
}

// matches says whether a Principal element names p, and how.
func (c *cprincipal) matches(p Principal) (tri, grant) {
	// Everyone names the caller itself, a role's session too: a grant to
	// "*" is not limited by the role's permissions boundary or session
	// policy (IAM User Guide, "AWS JSON policy elements: Principal": they
	// "do not limit permissions granted using the aws:PrincipalArn
	// condition key with a wildcard(*) in the Principal element"; "Policy
	// evaluation logic": a grant "directly to the IAM user or the session
	// principal" is not limited by them).
	if c.everyone {
		return yes, grantDirect
	}
	switch p.Type {
	case Service:
		if c.services[strings.ToLower(p.Service)] {
			return yes, grantDirect
		}
	case Root:
		if c.hasAccount(p) {
			return yes, grantDirect
		}
	case User, FederatedUser:
		if c.arns[p.ARN] {
			return yes, grantDirect
		}
		if c.hasAccount(p) {
			return yes, grantAccount
		}
	case Role:
		// A Role caller is some session of the role, whose name it
		// chooses: a listed session of the role names it directly (IAM
		// User Guide, "AWS JSON policy elements: Principal", role session
		// principals).
		if p.Session != "" && c.listsSession(p) {
			return yes, grantDirect
		}
		if c.arns[p.ARN] {
			return yes, grantRole
		}
		if p.Session == "" && c.listsSession(p) {
			return yes, grantDirect
		}
		if c.hasAccount(p) {
			return yes, grantAccount
		}
	case AssumedRole:
		if c.arns[p.ARN] {
			return yes, grantDirect
		}
		if c.arns[p.RoleARN] {
			return yes, grantRole
		}
		if c.hasAccount(p) {
			return yes, grantAccount
		}
	}
	if c.unknown {
		return maybe, grantDirect
	}
	return no, grantNone
}

// listsSession says whether the element lists the session of Role caller p
// (any of its role's sessions when p.Session is empty).
func (c *cprincipal) listsSession(p Principal) bool {
	if len(c.sessions) == 0 {
		return false
	}
	names := c.sessions[sessionRole(p.ARN)]
	return names != nil && (p.Session == "" || names[p.Session])
}

// sessionRole returns the role ARN as a session ARN names it: a session
// ARN (arn:aws:sts::A:assumed-role/NAME/SESSION) carries the role's name
// but not its path, so a role arn:aws:iam::A:role/PATH/NAME is keyed as
// arn:aws:iam::A:role/NAME.
func sessionRole(roleARN string) string {
	i := strings.Index(roleARN, ":role/")
	if i < 0 {
		return roleARN
	}
	j := strings.LastIndexByte(roleARN, '/')
	return roleARN[:i+len(":role/")] + roleARN[j+1:]
}

// exempt says whether a NotPrincipal element exempts p. IAM User Guide,
// "AWS JSON policy elements: NotPrincipal": an account ARN exempts only the
// account principal; a user is exempt only when the user and its account are
// listed; a role session only when the session, its role and its account are.
func (c *cprincipal) exempt(p Principal) tri {
	if c.everyone {
		return yes
	}
	var r bool
	switch p.Type {
	case Service:
		r = c.services[strings.ToLower(p.Service)]
	case Root:
		r = c.hasAccount(p)
	case User, FederatedUser:
		r = c.arns[p.ARN] && c.hasAccount(p)
	case Role:
		// A role's caller picks its session name, so it can be the listed
		// session when one is.
		r = c.listsSession(p) && c.arns[p.ARN] && c.hasAccount(p)
	case AssumedRole:
		r = c.arns[p.ARN] && c.arns[p.RoleARN] && c.hasAccount(p)
	}
	if !r && c.unknown {
		return maybe
	}
	return of(r)
}
