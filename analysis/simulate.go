package analysis

import (
	"encoding/json"
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/ecrguard/ecrguard/catalog"
	"github.com/ecrguard/ecrguard/eval"
	"github.com/ecrguard/ecrguard/policy"
)

// Request is one request as a user writes it for simulate: the strings of
// its principal, action and resource, and its context as KEY=VALUE pairs
// (a key given twice is multi-valued) and a JSON object of keys.
type Request struct {
	Principal, Action, Resource string
	// Context are KEY=VALUE pairs.
	Context []string
	// ContextJSON is a JSON object of context keys to a string or a list
	// of strings, read from ContextFile (named in its errors).
	ContextJSON []byte
	ContextFile string
	// At is the request's time, aws:CurrentTime and aws:EpochTime; the
	// zero time means now.
	At time.Time
}

// Simulation is the answer to one simulated request.
type Simulation struct {
	Request  *eval.Request
	Decision eval.Decision
	// Context is the request's context with the keys derived from its
	// principal and resource.
	Context *eval.Context
	// Written are the context keys as the user wrote them, so that an
	// answer names them so.
	Written []string
	// Notes say what the inputs leave out.
	Notes []string
}

// Parse checks the request's principal, action and resource and returns
// it with the action as the catalog spells it. Its errors are the user's
// to fix and name the field ("--action: ...").
func (r Request) Parse() (Request, eval.Principal, error) {
	var missing []string
	for name, v := range map[string]string{"--action": r.Action, "--resource": r.Resource, "--principal": r.Principal} {
		if v == "" {
			missing = append(missing, name)
		}
	}
	if len(missing) > 0 {
		sort.Strings(missing)
		return r, eval.Principal{}, fmt.Errorf("simulate needs %s; see 'ecrguard simulate --help'", strings.Join(missing, ", "))
	}
	p, err := eval.ParsePrincipal(r.Principal)
	if err != nil {
		return r, p, fmt.Errorf("--principal: %w", err)
	}
	if r.Resource != "*" {
		if _, ok := policy.ParseARN(r.Resource); !ok {
			return r, p, fmt.Errorf("--resource %q: expected an ARN such as arn:aws:ecr:us-east-1:111122223333:repository/app, or *", r.Resource)
		}
	}
	if !strings.Contains(r.Action, ":") || policy.HasWildcard(r.Action) {
		return r, p, fmt.Errorf("--action %q: expected one action such as ecr:BatchGetImage (no wildcards)", r.Action)
	}
	act, err := catalog.Default().Check(r.Action)
	if err != nil {
		return r, p, fmt.Errorf("--action: %w", err)
	}
	if act != nil {
		r.Action = act.FullName()
		// A request's resource is what the action acts on: a repository
		// policy does not govern an action without a resource type, which
		// is requested on "*" (as who-can asks it).
		switch {
		case !act.HasResourceType() && r.Resource != "*":
			return r, p, fmt.Errorf("--resource %q: %s has no resource type: its request is on '*'", r.Resource, r.Action)
		case act.HasResourceType() && r.Resource == "*":
			return r, p, fmt.Errorf("--resource '*': %s acts on a %s: give its ARN", r.Action, strings.Join(act.ResourceTypes, " or "))
		}
	}
	for _, kv := range r.Context {
		if k, _, ok := strings.Cut(kv, "="); !ok || k == "" {
			return r, p, fmt.Errorf("--context %q: expected KEY=VALUE", kv)
		}
	}
	return r, p, nil
}

// Simulate evaluates r, which Parse has checked, against ps with the one
// evaluator every analysis uses (eval.Simulate). An error is a context
// file that does not decode.
func Simulate(ps *eval.PolicySet, r Request, p eval.Principal) (*Simulation, error) {
	ctx := eval.NewContext()
	var written []string
	if r.ContextJSON != nil {
		if err := ctx.SetJSON(r.ContextJSON, r.ContextFile); err != nil {
			return nil, err
		}
		var keys map[string]json.RawMessage
		_ = json.Unmarshal(r.ContextJSON, &keys) // SetJSON has read it
		for k := range keys {
			written = append(written, k)
		}
		sort.Strings(written)
	}
	multi := map[string][]string{}
	var order []string
	for _, kv := range r.Context {
		k, v, _ := strings.Cut(kv, "=")
		lk := strings.ToLower(k)
		if _, seen := multi[lk]; !seen {
			order = append(order, k)
		}
		multi[lk] = append(multi[lk], v)
	}
	for _, k := range order {
		ctx.Set(k, multi[strings.ToLower(k)]...)
	}
	written = append(written, order...)
	worldKeys(ctx, r.Resource, r.At)
	p, roleNotes := roleOfSession(ps, ctx, p)
	sessionKeys(ctx, p)

	req := &eval.Request{Principal: p, Action: r.Action, Resource: r.Resource, Context: ctx}
	s := &Simulation{Request: req, Decision: eval.Simulate(ps, req), Context: ctx.Clone(), Written: written,
		Notes: append(roleNotes, simulateNotes(ps, r.Resource, p)...)}
	eval.Derive(s.Context, p)
	eval.DeriveResource(s.Context, ps, r.Resource)
	return s, nil
}

// worldKeys adds to ctx, unless it gives them, the keys every request
// carries (eval.DeriveWorld), at the time at (or now) and in the region of
// the resource's ARN when it names one.
func worldKeys(ctx *eval.Context, resource string, at time.Time) {
	if at.IsZero() {
		at = time.Now()
	}
	eval.DeriveWorld(ctx, at)
	if a, ok := policy.ParseARN(resource); ok && a.Region != "" && !ctx.Has("aws:RequestedRegion") {
		ctx.Set("aws:RequestedRegion", a.Region)
	}
}

// sessionKeys adds to ctx, unless it gives it, aws:MultiFactorAuthPresent
// of a caller with temporary credentials (a role's session, a federated
// user): they always carry it, true when MFA authenticated them and false
// otherwise; only long-term keys leave it out (IAM User Guide, "AWS global
// condition context keys", aws:MultiFactorAuthPresent). It is false unless
// aws:MultiFactorAuthAge, present only after MFA, is given.
func sessionKeys(ctx *eval.Context, p eval.Principal) {
	switch p.Type {
	case eval.Role, eval.AssumedRole, eval.FederatedUser:
	default:
		return
	}
	if ctx.Has("aws:MultiFactorAuthPresent") {
		return
	}
	mfa := "false"
	if ctx.Has("aws:MultiFactorAuthAge") {
		mfa = "true"
	}
	ctx.Set("aws:MultiFactorAuthPresent", mfa)
}

// roleOfSession returns p, when it is an assumed-role session, with its
// role's ARN, path included, and notes of how it was found. A session ARN
// (arn:aws:sts::ACCOUNT:assumed-role/ROLE/SESSION) names its role but not
// the role's path, which its aws:PrincipalArn and the Principal elements
// naming the role hold (IAM User Guide, "IAM identifiers"). A role's name
// is unique in its account whatever its path, so the role is the one
// --context aws:PrincipalArn gives, or else the one a Principal element of
// the policies names; with neither, its path is taken to be /.
func roleOfSession(ps *eval.PolicySet, ctx *eval.Context, p eval.Principal) (eval.Principal, []string) {
	if p.Type != eval.AssumedRole {
		return p, nil
	}
	if vs, ok := ctx.Get("aws:PrincipalArn"); ok && len(vs) == 1 && pathless(vs[0]) == p.RoleARN {
		p.RoleARN = vs[0]
		return p, nil
	}
	var named []string
	readsARN := false
	for _, st := range statements(ps) {
		for _, c := range st.Conditions {
			readsARN = readsARN || strings.EqualFold(c.Key, "aws:PrincipalArn")
		}
		for _, el := range []*policy.Principal{st.Principal, st.NotPrincipal} {
			if el == nil {
				continue
			}
			for _, e := range el.Entries {
				v := e.Value
				if e.Kind == policy.KindAWS && !v.Unknown && !policy.HasWildcard(v.Text) && pathless(v.Text) == p.RoleARN && !slices.Contains(named, v.Text) {
					named = append(named, v.Text)
				}
			}
		}
	}
	const give = "give --context aws:PrincipalArn=ROLE-ARN to name the role"
	switch {
	case len(named) == 1 && named[0] != p.RoleARN:
		p.RoleARN = named[0]
		return p, []string{fmt.Sprintf("the session's role is taken to be %s, as the policies name it (a session ARN does not carry its role's path); %s otherwise", p.RoleARN, give)}
	case len(named) > 1:
		return p, []string{fmt.Sprintf("the policies name %d roles of the session's role's name (%s), and a session ARN does not carry its role's path: the role is taken to be %s; %s", len(named), strings.Join(named, ", "), p.RoleARN, give)}
	case len(named) == 0 && readsARN:
		return p, []string{fmt.Sprintf("a condition reads aws:PrincipalArn, and a session ARN does not carry its role's path: the role is taken to be %s, with none; %s if it has one", p.RoleARN, give)}
	}
	return p, nil
}

// statements lists the statements of every policy of ps.
func statements(ps *eval.PolicySet) []*policy.Statement {
	var out []*policy.Statement
	for _, pol := range ps.Policies() {
		if pol != nil && pol.Doc != nil {
			out = append(out, pol.Doc.Statements...)
		}
	}
	return out
}

// pathless is the ARN of a role without its path (arn:aws:iam::A:role/NAME),
// or "" when arn names no role.
func pathless(arn string) string {
	a, ok := policy.ParseARN(arn)
	if !ok || a.Service != "iam" || !strings.HasPrefix(a.Resource, "role/") {
		return ""
	}
	a.Resource = "role/" + a.Resource[strings.LastIndexByte(a.Resource, '/')+1:]
	return a.String()
}

// simulateNotes are what the request's inputs leave out: a cross-account
// request needs the caller's own identity policies to allow it too, and
// with none given none allows it.
func simulateNotes(ps *eval.PolicySet, resource string, p eval.Principal) []string {
	res, ok := policy.ParseARN(resource)
	if !ok || res.Account == "" || p.Account == "" || res.Account == p.Account || len(ps.Identity) > 0 {
		return nil
	}
	switch p.Type {
	case eval.User, eval.Role, eval.AssumedRole, eval.FederatedUser:
	default:
		return nil
	}
	return []string{fmt.Sprintf("cross-account request (%s in account %s, the resource in account %s) and no --identity-policy: "+
		"the caller's own identity policies must allow it too, and none was given, so no identity policy allows it; "+
		"give the caller's policies with --identity-policy to judge both sides", p, p.Account, res.Account)}
}
