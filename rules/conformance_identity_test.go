package rules_test

import (
	"context"
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/ecrguard/ecrguard/analysis"
	"github.com/ecrguard/ecrguard/estate"
	"github.com/ecrguard/ecrguard/internal/conformance"
	"github.com/ecrguard/ecrguard/policy"
	"github.com/ecrguard/ecrguard/rules"
	"github.com/ecrguard/ecrguard/source/file"
)

var identityRules = map[string]bool{"ECR006": true, "ECR007": true, "ECR008": true, "ECR009": true}

// TestConformanceIdentity runs every case of testdata/conformance/identity:
// the case's inputs are written as the AWS CLI outputs they are and read by
// the file source `ecrguard scan` uses; who-can queries and rules
// ECR006-ECR009 are compared.
func TestConformanceIdentity(t *testing.T) {
	conformance.Run(t, "identity", func(t *testing.T, f conformance.File) {
		var c conformance.IdentityCase
		if err := conformance.Decode(f, &c); err != nil {
			t.Fatal(err)
		}
		fsys := fstest.MapFS{
			"iam-authorization-details.json": {Data: c.AuthorizationDetails},
		}
		for name, pol := range c.RepositoryPolicies {
			out, _ := json.Marshal(map[string]string{"registryId": c.Account, "repositoryName": name, "policyText": string(pol)})
			fsys["policies/"+strings.ReplaceAll(name, "/", "_")+".json"] = &fstest.MapFile{Data: out}
		}
		for name, tags := range c.RepositoryTags {
			fsys[name+".tags.json"] = &fstest.MapFile{Data: tags}
		}
		if len(c.RegistryPolicy) > 0 {
			// As `aws ecr get-registry-policy` prints it; no
			// REGISTRY_POLICY_SCOPE is given, so the scope is unknown (V2).
			out, _ := json.Marshal(map[string]string{"registryId": c.Account, "policyText": string(c.RegistryPolicy)})
			fsys["registry-policy.json"] = &fstest.MapFile{Data: out}
		}
		for i, scp := range c.SCPs {
			fsys[fmt.Sprintf("scps/%d.json", i)] = &fstest.MapFile{Data: scp}
		}
		est, err := file.Load(context.Background(), fsys, []string{"."}, file.Options{Account: c.Account, Region: "us-east-1"})
		if err != nil {
			t.Fatal(err)
		}
		region := est.Account(c.Account).Region("us-east-1")
		for _, q := range c.Expect.WhoCan {
			if a, ok := policy.ParseARN(q.Resource); ok {
				region.Repository(strings.TrimPrefix(a.Resource, "repository/"))
			}
		}
		// The case format: a known repository missing from
		// repository_policies has no policy.
		for _, repo := range region.Repositories() {
			if repo.PolicyState == estate.Unread {
				repo.SetPolicy(nil)
			}
		}

		a := analysis.Analyze(est, caseSettings(t, c.Config))
		for _, q := range c.Expect.WhoCan {
			ans, err := a.WhoCan(q.Action, q.Resource)
			if err != nil {
				t.Fatalf("who-can %s %s: %v", q.Action, q.Resource, err)
			}
			var got []string
			for _, e := range ans.Entries {
				got = append(got, e.Principal)
			}
			want := append([]string(nil), q.Principals...)
			sort.Strings(got)
			sort.Strings(want)
			if !equal(got, want) {
				t.Errorf("who-can %s on %s\n got %v\nwant %v\ncase: %s", q.Action, q.Resource, got, want, c.About)
			}
		}
		res := rules.Check(a)
		if len(res.Gaps) > 0 {
			t.Errorf("unexpected gaps: %v", res.Gaps)
		}
		got := map[string][]string{}
		for _, fd := range res.Findings {
			if identityRules[fd.RuleID] {
				got[fd.RuleID] = append(got[fd.RuleID], fd.Principals...)
			} else {
				t.Errorf("unexpected exposure finding %s: %s", fd.RuleID, fd.Message)
			}
		}
		for k := range got {
			sort.Strings(got[k])
		}
		want := map[string][]string{}
		for k, v := range c.Expect.Rules {
			w := append([]string(nil), v...)
			sort.Strings(w)
			want[k] = w
		}
		if !equalMaps(got, want) {
			t.Errorf("rules\n got %v\nwant %v\ncase: %s", got, want, c.About)
		}
	})
}
