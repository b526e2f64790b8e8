package rules_test

import (
	"context"
	"encoding/json"
	"fmt"
	"runtime"
	"testing"
	"testing/fstest"

	"github.com/ecrguard/ecrguard/analysis"
	"github.com/ecrguard/ecrguard/internal/gen"
	"github.com/ecrguard/ecrguard/rules"
	"github.com/ecrguard/ecrguard/source/file"
)

// identityEstate generates an account of the size the README's performance targets name: 5,000
// roles, 2,000 managed policies, 500 users, and 500 repositories (a fifth of
// them with a policy, all tagged).
func identityFS(b *testing.B) fstest.MapFS {
	b.Helper()
	auth := gen.AuthorizationDetails(gen.Sizes{Roles: 5000, Policies: 2000, Users: 500, Groups: 50}, 1)
	fsys := fstest.MapFS{"iam.json": {Data: auth}}
	docs := gen.RepositoryPolicies(100, 2)
	i := 0
	for _, name := range gen.RepositoryNames(500) {
		if i < 100 {
			doc := docs[fmt.Sprintf("repo-%05d", i)]
			out, _ := json.Marshal(map[string]string{"registryId": gen.Owner, "repositoryName": name, "policyText": string(doc)})
			fsys["policies/"+name+".json"] = &fstest.MapFile{Data: out}
		} else {
			// A repository known to have no policy: an empty Statement list.
			out, _ := json.Marshal(map[string]string{"registryId": gen.Owner, "repositoryName": name, "policyText": `{"Version":"2012-10-17","Statement":[]}`})
			fsys["policies/"+name+".json"] = &fstest.MapFile{Data: out}
		}
		tags, _ := json.Marshal(map[string]any{"tags": []map[string]string{{"Key": "team", "Value": fmt.Sprintf("team-%d", i%50)}}})
		fsys[name+".tags.json"] = &fstest.MapFile{Data: tags}
		i++
	}
	b.ReportMetric(float64(len(auth))/(1<<20), "MB-input")
	return fsys
}

// BenchmarkIdentity reads and fully analyses the account: every rule,
// ECR006-ECR009 over every principal and repository (the README's performance targets: under
// 5 s and 1 GiB).
func BenchmarkIdentity(b *testing.B) {
	fsys := identityFS(b)
	settings := analysis.Settings{TrustedOrgIDs: []string{gen.OrgID}, AuthorizedDelete: []string{"arn:aws:iam::111122223333:role/role-00*"}}
	b.ResetTimer()
	for b.Loop() {
		est, err := file.Load(context.Background(), fsys, []string{"."}, file.Options{Account: gen.Owner})
		if err != nil {
			b.Fatal(err)
		}
		res := rules.Run(est, settings)
		if len(res.Gaps) > 0 {
			b.Fatalf("gaps: %v", res.Gaps[0])
		}
		counts := map[string]int{}
		for _, f := range res.Findings {
			counts[f.RuleID]++
		}
		b.ReportMetric(float64(counts["ECR006"]), "ECR006")
		b.ReportMetric(float64(counts["ECR009"]), "ECR009")
	}
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	b.ReportMetric(float64(m.Sys)/(1<<20), "MB-sys")
}
