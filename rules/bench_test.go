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
	benchScan(b, gen.RepositoryPolicies(10000, 1), func(region *estate.Region, _ *estate.Account, name string, p *estate.Policy) {
		region.Repository(name).SetPolicy(p)
	})
}

// BenchmarkScanPublicRepositories analyses 10,000 generated ECR Public
// repository policies (ECR012), as many as BenchmarkScanRepositories's.
func BenchmarkScanPublicRepositories(b *testing.B) {
	benchScan(b, gen.PublicRepositoryPolicies(10000, 1), func(_ *estate.Region, acct *estate.Account, name string, p *estate.Policy) {
		// Appended, not looked up by name: the scan, not the estate's
		// building, is measured.
		repo := &estate.PublicRepository{Name: name, Account: acct.ID, ARN: estate.PublicRepositoryARN(acct.ID, name)}
		repo.SetPolicy(p)
		acct.Public = append(acct.Public, repo)
	})
}

// BenchmarkScanTemplates analyses 10,000 generated repository creation
// templates, their policies BenchmarkScanRepositories's, and the ROOT
// template, which serves the names none of them takes.
func BenchmarkScanTemplates(b *testing.B) {
	docs := gen.RepositoryPolicies(10000, 1)
	docs[estate.RootPrefix] = docs["repo-00000"]
	benchScan(b, docs, func(region *estate.Region, _ *estate.Account, name string, p *estate.Policy) {
		region.Template(name).SetPolicy(p)
	})
}

// benchScan scans an estate of one account and region where add puts each
// of docs, the exposure rules included.
func benchScan(b *testing.B, docs map[string][]byte, add func(region *estate.Region, acct *estate.Account, name string, p *estate.Policy)) {
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
		acct := est.Account(gen.Owner)
		region := acct.Region("us-east-1")
		for _, n := range names {
			add(region, acct, n, &estate.Policy{Name: "repository policy of " + n, Doc: parsed[n]})
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
