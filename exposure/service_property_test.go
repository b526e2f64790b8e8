package exposure

import (
	"encoding/json"
	"fmt"
	"maps"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/ecrguard/ecrguard/catalog"
	"github.com/ecrguard/ecrguard/eval"
	"github.com/ecrguard/ecrguard/policy"
)

// Service requests: the names and patterns of services, the accounts and
// organizations they act for, that the generated policies test.
var (
	propServices    = []string{"codebuild.amazonaws.com", "code-build.amazonaws.com", "x-any.amazonaws.com", "ecs.amazonaws.com", "q7.amazonaws.com", "lambda.amazonaws.com"}
	propServiceVals = map[string][]string{
		"aws:PrincipalServiceName":      {"codebuild.amazonaws.com", "*-build*", "*-any*", "ec*", "*.amazonaws.com", "q*", "lambda.amazonaws.com"},
		"aws:PrincipalServiceNamesList": {"*-build*", "codebuild.amazonaws.com", "*"},
		"aws:SourceAccount":             {"444455556666", "999988887777", "4444*"},
		"aws:SourceArn":                 {"arn:aws:*:*:444455556666:*", "arn:aws:codebuild:*", "arn:aws:lambda:us-east-1:999988887777:function:*"},
		"aws:SourceOrgID":               {"o-a1b2c3d4e5"},
		"aws:PrincipalIsAWSService":     {"true", "false"},
	}
	propServiceConds = []struct{ op, key string }{
		{"StringEquals", "aws:PrincipalServiceName"}, {"StringLike", "aws:PrincipalServiceName"}, {"StringNotLike", "aws:PrincipalServiceName"},
		{"ForAnyValue:StringLike", "aws:PrincipalServiceNamesList"}, {"ForAllValues:StringLike", "aws:PrincipalServiceNamesList"},
		{"StringEquals", "aws:SourceAccount"}, {"StringNotLike", "aws:SourceAccount"}, {"StringLike", "aws:SourceAccount"},
		{"ArnLike", "aws:SourceArn"}, {"ArnNotLike", "aws:SourceArn"},
		{"StringEquals", "aws:SourceOrgID"}, {"StringNotEqualsIfExists", "aws:SourceOrgID"},
		{"Bool", "aws:PrincipalIsAWSService"},
	}
)

// genServicePolicy writes a random repository policy over what services
// are and whom they act for.
func genServicePolicy(r *rand.Rand) string {
	principals := []any{"*", "*", map[string]any{"Service": "codebuild.amazonaws.com"}, map[string]any{"Service": []string{"ecs.amazonaws.com", "q7.amazonaws.com"}}}
	var stmts []map[string]any
	for n := 1 + r.IntN(3); n > 0; n-- {
		st := map[string]any{
			"Effect": []string{"Allow", "Allow", "Deny"}[r.IntN(3)],
			"Action": []string{"ecr:BatchGetImage", "ecr:*"}[r.IntN(2)],
		}
		if r.IntN(8) == 0 && st["Effect"] == "Deny" {
			st["NotPrincipal"] = map[string]any{"Service": "codebuild.amazonaws.com"}
		} else {
			st["Principal"] = principals[r.IntN(len(principals))]
		}
		cond := map[string]map[string]any{}
		for c := r.IntN(3); c > 0; c-- {
			pc := propServiceConds[r.IntN(len(propServiceConds))]
			vals := propServiceVals[pc.key]
			if pc.key == "aws:PrincipalIsAWSService" {
				cond[pc.op] = map[string]any{pc.key: vals[r.IntN(len(vals))]}
				continue
			}
			var vs []string
			for m := 1 + r.IntN(2); m > 0; m-- {
				vs = append(vs, vals[r.IntN(len(vals))])
			}
			if cond[pc.op] == nil {
				cond[pc.op] = map[string]any{}
			}
			cond[pc.op][pc.key] = vs
		}
		if len(cond) > 0 {
			st["Condition"] = cond
		}
		stmts = append(stmts, st)
	}
	b, _ := json.Marshal(map[string]any{"Version": "2012-10-17", "Statement": stmts})
	return string(b)
}

// TestServiceExposureProperty holds the analysis to the evaluator for the
// requests AWS services make: every service of a pool, acting for no
// account or for an outsider's account (named by the policy or not, in an
// organization or not), is allowed only what the analysis reports as
// public, for a service it covers (Result.Deputies: by name, by a pattern
// that matches it, or any service), for the account it acts for when the
// policy names it (Result.Accounts), or for its organization
// (Result.Orgs). A Deny of services like the stand-in (*-any*) once hid
// every service acting for an outsider, and an Allow of *-build* the
// services it names.
func TestServiceExposureProperty(t *testing.T) {
	policies := 400
	if testing.Short() {
		policies = 60
	}
	r := rand.New(rand.NewPCG(21, 22))
	at := time.Date(2026, 12, 6, 12, 0, 0, 0, time.UTC)
	checked := 0
	for i := 0; i < policies; i++ {
		src := genServicePolicy(r)
		n, err := checkServiceExposure(src, at)
		if err != nil {
			t.Fatal(err)
		}
		checked += n
	}
	if checked == 0 {
		t.Fatal("no service request was allowed and checked: the property was not tested")
	}
	t.Logf("%d allowed service requests checked against the analysis", checked)
}

// checkServiceExposure analyses src and checks every service request of
// the pools that the evaluator allows; it returns how many it checked.
func checkServiceExposure(src string, at time.Time) (int, error) {
	doc, err := policy.Parse([]byte(src), "generated.json")
	if err != nil {
		return 0, nil
	}
	compiled := eval.Compile("repository policy of app", doc)
	res := Analyze(Target{Kind: Repository, ARN: "arn:aws:ecr:us-east-1:111122223333:repository/app", Account: "111122223333",
		Region: "us-east-1", Repository: "app", Policy: compiled, At: at}, Zone{Account: "111122223333"})
	if res.Truncated {
		return 0, nil
	}
	pull := catalog.Default().Lookup("ecr:BatchGetImage").Index
	checked := 0
	for _, svc := range propServices {
		for _, acct := range []string{"", "123456789012", "444455556666", "999988887777"} {
			for _, org := range []string{"", "o-a1b2c3d4e5", "o-zzzzzzzzzz"} {
				if acct == "" && org != "" {
					continue
				}
				ctx := eval.NewContext()
				if acct != "" {
					ctx.Set("aws:SourceAccount", acct)
					ctx.Set("aws:SourceOwner", acct)
					ctx.Set("aws:SourceArn", "arn:aws:"+strings.TrimSuffix(svc, ".amazonaws.com")+":us-east-1:"+acct+":thing/x")
				}
				if org != "" {
					ctx.Set("aws:SourceOrgID", org)
					ctx.Set("aws:SourceOrgPaths", org+"/r-zzzz/")
				}
				p := eval.Principal{Type: eval.Service, Service: svc}
				eval.Derive(ctx, p)
				ctx.Set("aws:ResourceAccount", "111122223333")
				ctx.Set("aws:RequestedRegion", "us-east-1")
				ctx.Set("aws:CurrentTime", at.UTC().Format(time.RFC3339))
				ctx.Set("aws:EpochTime", fmt.Sprint(at.Unix()))
				ctx.Set("aws:SecureTransport", "true")
				req := &eval.Request{Principal: p, Action: "ecr:BatchGetImage", Resource: "arn:aws:ecr:us-east-1:111122223333:repository/app", Context: ctx}
				ps := &eval.PolicySet{Resource: compiled, ResourceAccount: "111122223333", CallerAllowsAll: true}
				if eval.Evaluate(ps, req).Result != eval.Allow {
					continue
				}
				checked++
				if !serviceCovered(res, src, svc, acct, org).Has(pull) {
					return checked, fmt.Errorf("%s acting for account %q (organization %q) can pull, but the analysis reports it nowhere (deputies %v, accounts %v, orgs %v)\npolicy: %s",
						svc, acct, org, slices.Sorted(maps.Keys(res.Deputies)), slices.Sorted(maps.Keys(res.Accounts)), slices.Sorted(maps.Keys(res.Orgs)), src)
				}
			}
		}
	}
	return checked, nil
}

// serviceCovered is what the analysis reports that covers service svc
// acting for acct in org: what is public, what a deputy that is svc, a
// pattern svc matches or any service can do, what the account can do when
// the policy names it, and what its organization's members can.
func serviceCovered(res *Result, src, svc, acct, org string) catalog.ActionSet {
	open := res.Public.Actions
	for key, acc := range res.Deputies {
		pats := ServicePatterns(key)
		if key == svc || AnyService(key) || len(pats) > 0 && !slices.ContainsFunc(pats, func(p string) bool { return !policy.Match(p, svc) }) {
			open = open.Union(acc.Actions)
		}
	}
	// The pools name 444455556666 by id and by a pattern (4444*), and
	// 999988887777 by id; 123456789012 never.
	if acct != "" && strings.Contains(src, acct[:4]) {
		for label, acc := range res.Accounts {
			if label == acct || policy.Match(label, acct) {
				open = open.Union(acc.Actions)
			}
		}
	}
	if org != "" {
		for label, acc := range res.Orgs {
			if label == org || strings.HasPrefix(label, org+"/") {
				open = open.Union(acc.Actions)
			}
		}
	}
	return open
}
