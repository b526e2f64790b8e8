package diff

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/ecrguard/ecrguard/eval"
	"github.com/ecrguard/ecrguard/policy"
)

// poolStatements are the statements the property test builds policies
// from: Allows for an untrusted account, anyone and an organization under
// conditions on its tags, endpoint and organization, and Denies that
// condition them.
var poolStatements = []string{
	`{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::444455556666:root"},"Action":"ecr:BatchGetImage","Condition":{"StringEquals":{"aws:PrincipalTag/team":"x"}}}`,
	`{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::444455556666:root"},"Action":"ecr:BatchGetImage","Condition":{"StringEquals":{"aws:PrincipalTag/team":"y"}}}`,
	`{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::444455556666:root"},"Action":"ecr:*"}`,
	`{"Effect":"Allow","Principal":"*","Action":"ecr:BatchGetImage","Condition":{"StringEquals":{"aws:PrincipalAccount":"444455556666"}}}`,
	`{"Effect":"Deny","Principal":"*","Action":"ecr:*","Condition":{"StringNotEquals":{"aws:SourceVpce":"vpce-1"}}}`,
	`{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::444455556666:root"},"Action":["ecr:BatchGetImage","ecr:PutImage"],"Condition":{"StringEquals":{"aws:SourceVpce":"vpce-1"}}}`,
	`{"Effect":"Deny","Principal":{"AWS":"arn:aws:iam::444455556666:root"},"Action":"ecr:PutImage"}`,
	`{"Effect":"Allow","Principal":"*","Action":"ecr:BatchGetImage","Condition":{"StringEquals":{"aws:PrincipalOrgID":"o-abc123defg"}}}`,
	`{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::777766665555:role/r"},"Action":"ecr:PutImage","Condition":{"StringLike":{"aws:PrincipalTag/team":"*"}}}`,
	`{"Effect":"Deny","Principal":{"AWS":"444455556666"},"Action":"ecr:BatchGetImage","Condition":{"StringEquals":{"aws:PrincipalTag/team":"y"}}}`,
	`{"Effect":"Allow","Principal":{"Service":"codebuild.amazonaws.com"},"Action":"ecr:BatchGetImage"}`,
	`{"Effect":"Allow","Principal":{"Service":"codebuild.amazonaws.com"},"Action":"ecr:PutImage","Condition":{"StringEquals":{"aws:SourceAccount":"444455556666"}}}`,
	`{"Effect":"Deny","Principal":{"Service":"CodeBuild.amazonaws.com"},"Action":"ecr:BatchGetImage"}`,
	`{"Effect":"Allow","Action":"ecr:PutImage"}`,
}

// policyOf is the policy of the pool statements whose bits are set in
// mask (at least one).
func policyOf(mask int) string {
	var stmts []string
	for i, s := range poolStatements {
		if mask&(1<<i) != 0 {
			stmts = append(stmts, s)
		}
	}
	return `{"Version":"2012-10-17","Statement":[` + strings.Join(stmts, ",") + `]}`
}

// TestNewAccessProperty pits diff against the evaluator: for random pairs
// of policies of one repository, every request of an outsider (an account
// of either side's statements, with or without the tag, endpoint and
// organization the conditions read) that HEAD's policy allows and BASE's
// does not must show as a new grant of its action to a principal that
// includes the caller ("*", its account, itself or its organization). A
// "no new access" that hides one is the worst answer diff can give. And
// the other way: every new grant's proof is a request its principal makes
// (checkProofs).
func TestNewAccessProperty(t *testing.T) {
	rng := rand.New(rand.NewPCG(12, 2026))
	full := 1 << len(poolStatements)
	pairs := 150
	if testing.Short() {
		pairs = 30
	}
	checked := 0
	for range pairs {
		checked += checkNewAccess(t, 1+rng.IntN(full-1), 1+rng.IntN(full-1))
	}
	if checked == 0 {
		t.Fatal("no request HEAD allows and BASE denies: the test checked nothing")
	}
	t.Logf("%d pairs, %d requests new in HEAD checked", pairs, checked)
}

// FuzzNewAccess is TestNewAccessProperty for the pairs the fuzzer picks
// (two bit masks over poolStatements).
func FuzzNewAccess(f *testing.F) {
	f.Add(uint16(0b10110), uint16(0b100100010))
	f.Add(uint16(0b1100001), uint16(0b11011101))
	f.Fuzz(func(t *testing.T, bm, hm uint16) {
		full := 1 << len(poolStatements)
		checkNewAccess(t, 1+int(bm)%(full-1), 1+int(hm)%(full-1))
	})
}

// checkNewAccess compares the policies of masks bm (BASE) and hm (HEAD)
// and checks every outsider request HEAD allows and BASE denies against
// the new grants; it returns how many it checked.
func checkNewAccess(t *testing.T, bm, hm int) int {
	t.Helper()
	base, head := policyOf(bm), policyOf(hm)
	res := compare(t, map[string]string{"app.json": base}, map[string]string{"app.json": head})
	bp, hp := compileRaw(t, base), compileRaw(t, head)
	checkProofs(t, fmt.Sprintf("BASE %b, HEAD %b", bm, hm), res.New, bp, hp)
	checked := 0
	for _, req := range outsiderRequests(strings.Contains(head, "444455556666")) {
		if allowed(hp, req) && !allowed(bp, req) {
			checked++
			if !newFor(res, req) {
				t.Errorf("BASE %b, HEAD %b: %s may %s under %v in HEAD only, and diff reports no new grant for it; new: %v",
					bm, hm, req.Principal.ARN, req.Action, req.Context, keys(res.New))
			}
		}
	}
	return checked
}

// checkProofs checks that each new grant to an outsider has a proof that
// is a request its principal makes ("*": anyone but a service; an
// account's root: one of the account's principals; service:NAME: that
// service) that HEAD's policy allows; for a grant wider than BASE's
// through a request BASE denies (BeyondBase, DenyLifted), one BASE's
// policy denies. (A key BASE lacked may be new by key alone: an account
// HEAD's policy comes to name, which BASE let in as an organization's.)
func checkProofs(t *testing.T, pair string, grants []Grant, bp, hp *eval.Policy) {
	t.Helper()
	for _, g := range grants {
		if g.Class == OwnPrincipal {
			// A policy without a Principal reads as an identity policy of
			// nobody known ("policy:identity policy app.json"): not an
			// outsider's grant.
			continue
		}
		if g.witness == nil {
			t.Errorf("%s: new grant %s %s has no proof", pair, g.Principal, g.Action)
			continue
		}
		req := g.witness.Request
		req.Action = g.Action
		p := req.Principal
		var ok bool
		switch {
		case g.Principal == "*" || strings.HasPrefix(g.Principal, "o-"):
			ok = p.Type != eval.Service
		case strings.HasPrefix(g.Principal, "service:"):
			ok = p.Type == eval.Service && (g.Principal == "service:*" || "service:"+p.Service == g.Principal)
		case strings.HasSuffix(g.Principal, ":root"):
			ok = p.Type != eval.Service && "arn:aws:iam::"+p.Account+":root" == g.Principal
		default:
			ok = p.ARN == g.Principal
		}
		if !ok {
			t.Errorf("%s: new grant %s %s is proven by a request of another principal, %+v", pair, g.Principal, g.Action, p)
		}
		if !allowed(hp, &req) {
			t.Errorf("%s: new grant %s %s: HEAD denies its proof %+v", pair, g.Principal, g.Action, p)
		}
		if len(g.Wider) > 0 && (g.Wider[0] == BeyondBase || strings.HasPrefix(g.Wider[0], "to escape its Deny")) && allowed(bp, &req) {
			t.Errorf("%s: new grant %s %s (wider: %q): BASE allows its proof %+v too", pair, g.Principal, g.Action, g.Wider, p)
		}
	}
}

func compileRaw(t *testing.T, text string) *eval.Policy {
	t.Helper()
	doc, err := policy.Parse([]byte(text), "p.json")
	if err != nil {
		t.Fatal(err)
	}
	return eval.Compile("p", doc)
}

func allowed(p *eval.Policy, r *eval.Request) bool {
	ps := &eval.PolicySet{Resource: p, ResourceAccount: owner, CallerAllowsAll: true}
	return eval.Evaluate(ps, r).Result == eval.Allow
}

// outsiderRequests are roles of two outside accounts asking for a pull or
// a push of the repository, with every combination of the team tag, the
// VPC endpoint and the organization the pool's conditions read, and
// CodeBuild asking the same for either account or for none. An
// outsider's endpoint is its own (vpce-2), not the one policies name: a
// network key with a specific value restricts (docs/semantics.md, "Where
// from"), but for an account HEAD's policy names (endpoints).
func outsiderRequests(named bool) []*eval.Request {
	var out []*eval.Request
	for _, acct := range []string{"444455556666", "777766665555"} {
		for _, action := range []string{"ecr:BatchGetImage", "ecr:PutImage"} {
			for _, team := range []string{"x", "y", ""} {
				for _, vpce := range endpoints(acct, named) {
					for _, org := range []string{"o-abc123defg", ""} {
						ctx := eval.NewContext()
						role := "arn:aws:iam::" + acct + ":role/r"
						ctx.Set("aws:PrincipalArn", role)
						ctx.Set("aws:PrincipalAccount", acct)
						ctx.Set("aws:PrincipalType", "AssumedRole")
						ctx.Set("aws:SecureTransport", "true")
						if team != "" {
							ctx.Set("aws:PrincipalTag/team", team)
						}
						if vpce != "" {
							ctx.Set("aws:SourceVpce", vpce)
						}
						if org != "" {
							ctx.Set("aws:PrincipalOrgID", org)
						}
						out = append(out, &eval.Request{
							Principal: eval.Principal{Type: eval.AssumedRole, ARN: "arn:aws:sts::" + acct + ":assumed-role/r/s", Account: acct, RoleARN: role},
							Action:    action, Resource: appARN, Context: ctx,
						})
					}
				}
			}
		}
	}
	// CodeBuild acting for either account, or naming none.
	for _, src := range []string{"444455556666", "777766665555", ""} {
		for _, action := range []string{"ecr:BatchGetImage", "ecr:PutImage"} {
			ctx := eval.NewContext()
			ctx.Set("aws:PrincipalIsAWSService", "true")
			ctx.Set("aws:PrincipalServiceName", "codebuild.amazonaws.com")
			ctx.Set("aws:SecureTransport", "true")
			if src != "" {
				ctx.Set("aws:SourceAccount", src)
			}
			out = append(out, &eval.Request{
				Principal: eval.Principal{Type: eval.Service, Service: "codebuild.amazonaws.com"},
				Action:    action, Resource: appARN, Context: ctx,
			})
		}
	}
	return out
}

// endpoints are the VPC endpoints a caller of acct may call through: its
// own (vpce-2) or none, and for 444455556666 when HEAD's policy names it
// (named), also vpce-1, the one the statements name: ecrguard lets a named
// account's callers choose the network keys (the endpoint may be theirs).
func endpoints(acct string, named bool) []string {
	if acct == "444455556666" && named {
		return []string{"vpce-1", "vpce-2", ""}
	}
	return []string{"vpce-2", ""}
}

// newFor reports whether res holds a new grant of r's action on the
// repository to a principal that includes r's caller (a service's own
// grant for a service).
func newFor(res *Result, r *eval.Request) bool {
	for _, g := range res.New {
		if g.Subject != appARN || g.Action != r.Action {
			continue
		}
		if r.Principal.Type == eval.Service {
			if g.Principal == "service:*" || g.Principal == "service:"+r.Principal.Service {
				return true
			}
			continue
		}
		switch {
		case g.Principal == "*",
			g.Principal == fmt.Sprintf("arn:aws:iam::%s:root", r.Principal.Account),
			g.Principal == r.Principal.RoleARN,
			strings.HasPrefix(g.Principal, "o-"):
			return true
		}
	}
	return false
}
