package eval_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/ecrguard/ecrguard/eval"
	"github.com/ecrguard/ecrguard/policy"
)

// benchPolicy loads testdata/bench/NAME.json.
func benchPolicy(tb testing.TB, name string) *eval.Policy {
	tb.Helper()
	file := filepath.Join("testdata", "bench", name+".json")
	data, err := os.ReadFile(file)
	if err != nil {
		tb.Fatal(err)
	}
	doc, err := policy.Parse(data, file)
	if err != nil {
		tb.Fatal(err)
	}
	return eval.Compile(name, doc)
}

// benchSet is a realistic policy set: three identity policies (12
// statements: wildcard actions, ARN patterns, variables, NotAction and
// NotResource, conditions of seven families), a repository policy (5
// statements), a permissions boundary (2) and two SCP levels (4).
func benchSet(tb testing.TB) *eval.PolicySet {
	return &eval.PolicySet{
		Identity: []*eval.Policy{benchPolicy(tb, "identity-developer"), benchPolicy(tb, "identity-admin"), benchPolicy(tb, "identity-readonly")},
		Resource: benchPolicy(tb, "repository"),
		Boundary: benchPolicy(tb, "boundary"),
		SCPs:     []*eval.Policy{benchPolicy(tb, "scp-root"), benchPolicy(tb, "scp-workloads")},
	}
}

// statements counts the statements an IAM caller's request visits: every
// statement of every policy in the set.
func statements(ps *eval.PolicySet) int {
	n := 0
	for _, p := range append(append(append([]*eval.Policy{}, ps.Identity...), ps.SCPs...), ps.Resource, ps.Boundary, ps.Session) {
		if p != nil {
			n += p.Statements()
		}
	}
	return n
}

// benchRequests is a mix of allowed and denied requests, same-account and
// cross-account, with the context keys a real request carries.
func benchRequests(tb testing.TB) []eval.Request {
	common := func(extra kv) *eval.Context {
		c := kv{
			"aws:SourceIp": v("203.0.113.7"), "aws:SecureTransport": v("true"), "aws:RequestedRegion": v("us-east-1"),
			"aws:PrincipalOrgID": v("o-a1b2c3d4e5"), "aws:CurrentTime": v("2026-11-23T10:00:00Z"), "aws:ViaAWSService": v("false"),
			"aws:PrincipalTag/team": v("platform"), "aws:userid": v("AROAEXAMPLEID:build-42"),
		}
		for k, vs := range extra {
			c[k] = vs
		}
		ctx := c.context()
		return ctx
	}
	req := func(p, action, resource string, extra kv) eval.Request {
		pr := principal(tb, p)
		ctx := common(extra)
		eval.Derive(ctx, pr)
		return eval.Request{Principal: pr, Action: action, Resource: resource, Context: ctx}
	}
	const prod = "arn:aws:ecr:us-east-1:111122223333:repository/prod-api"
	return []eval.Request{
		req(roleCI, "ecr:BatchGetImage", repoApp, nil),
		req(ciSession, "ecr:PutImage", "arn:aws:ecr:us-east-1:111122223333:repository/platform-api", nil),
		req(userDev, "ecr:DeleteRepository", prod, kv{"aws:MultiFactorAuthPresent": v("true"), "aws:MultiFactorAuthAge": v("600")}),
		req(roleCI, "ecr:GetAuthorizationToken", "*", nil),
		req(partnerRole, "ecr:BatchGetImage", repoApp, kv{"aws:PrincipalOrgID": v("o-zzzzzzzzzz")}),
		req(roleCI, "ecr:CreateRepository", "arn:aws:ecr:us-east-1:111122223333:repository/platform-new", kv{"aws:TagKeys": v("team", "env"), "aws:RequestTag/team": v("platform")}),
		req(roleCI, "ecr:BatchGetImage", repoApp, kv{"aws:SourceIp": v("192.0.2.10")}),
		req(userDev, "ecr:ListImages", "arn:aws:ecr:us-east-1:111122223333:repository/internal/tools", kv{"aws:SourceVpce": v("vpce-0f00"), "aws:CalledVia": v("cloudformation.amazonaws.com")}),
		req(roleCI, "ecr:SetRepositoryPolicy", repoApp, nil),
		req(userDev, "s3:GetObject", "arn:aws:s3:::artifacts/x", nil),
		req(userDev, "ecr:PutImage", "arn:aws:ecr:us-east-1:111122223333:repository/web", nil),
	}
}

// BenchmarkEvaluate measures the engine on a realistic mix and reports
// statement evaluations per second (the README's performance targets: at least 2 million per
// core; run with -cpu=1).
func BenchmarkEvaluate(b *testing.B) {
	ps := benchSet(b)
	reqs := benchRequests(b)
	stmts := statements(ps)
	results := map[eval.Result]int{}
	for i := range reqs {
		results[eval.Evaluate(ps, &reqs[i]).Result]++
	}
	if results[eval.Allow] == 0 || results[eval.ExplicitDeny] == 0 || results[eval.ImplicitDeny] == 0 {
		b.Fatalf("the mix should allow, deny and explicitly deny: %v", results)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		eval.Evaluate(ps, &reqs[i%len(reqs)])
	}
	b.ReportMetric(float64(stmts*b.N)/b.Elapsed().Seconds(), "stmt-evals/s")
}

// BenchmarkSearch measures a search over four keys the policies test; the
// request is never allowed, so the search must rule out every region.
func BenchmarkSearch(b *testing.B) {
	ps := benchSet(b)
	keep := map[string]bool{"aws:sourceip": true, "aws:principalorgid": true, "aws:multifactorauthpresent": true, "aws:principaltag/role": true}
	sp := eval.Space{Free: func(k string) bool { return keep[k] }}
	pr := principal(b, partnerRole)
	ctx := eval.NewContext()
	eval.Derive(ctx, pr)
	req := &eval.Request{Principal: pr, Action: "ecr:DeleteRepository", Resource: "arn:aws:ecr:us-east-1:111122223333:repository/prod-api", Context: ctx}
	res := eval.Search(ps, req, sp)
	if res.Witness != nil || res.Truncated {
		b.Fatalf("the search should rule out everything: %+v", res)
	}
	tried := res.Tried
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		eval.Search(ps, req, sp)
	}
	b.ReportMetric(float64(tried), "evaluations/op")
}
