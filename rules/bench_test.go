package rules_test

import (
	"fmt"
	"sort"
	"testing"

	"github.com/ecrguard/ecrguard/analysis"
	"github.com/ecrguard/ecrguard/estate"
	"github.com/ecrguard/ecrguard/internal/gen"
	"github.com/ecrguard/ecrguard/policy"
	"github.com/ecrguard/ecrguard/rules"
)

// BenchmarkScanRepositories analyses 10,000 generated repository policies
// (the README's performance targets: under 1 s on 2 cores), the exposure rules included.
func BenchmarkScanRepositories(b *testing.B) {
	docs := gen.RepositoryPolicies(10000, 1)
	names := make([]string, 0, len(docs))
	for n := range docs {
		names = append(names, n)
	}
	sort.Strings(names)
	parsed := make(map[string]*policy.Document, len(docs))
	for _, n := range names {
		d, err := policy.Parse(docs[n], n+".json")
		if err != nil {
			b.Fatal(err)
		}
		parsed[n] = d
	}
	settings := analysis.Settings{TrustedOrgIDs: []string{gen.OrgID}}
	b.ResetTimer()
	for b.Loop() {
		est := estate.New()
		region := est.Account(gen.Owner).Region("us-east-1")
		for _, n := range names {
			region.Repository(n).SetPolicy(&estate.Policy{Name: "repository policy of " + n, Doc: parsed[n]})
		}
		res := rules.Run(est, settings)
		if len(res.Findings) == 0 {
			b.Fatal("no findings")
		}
	}
	b.ReportMetric(float64(len(docs)), "policies/op")
}

func ExampleRun() {
	fmt.Println(len(rules.All()))
	// Output: 12
}
