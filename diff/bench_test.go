package diff

import (
	"context"
	"testing"
	"testing/fstest"
	"time"

	"github.com/ecrguard/ecrguard/analysis"
	"github.com/ecrguard/ecrguard/estate"
	"github.com/ecrguard/ecrguard/internal/gen"
	"github.com/ecrguard/ecrguard/rules"
	"github.com/ecrguard/ecrguard/source"
)

// generated reads n generated Terraform files (internal/gen: per 10 files,
// 12 repositories with their policies and 3 roles).
func generated(b *testing.B, n int) *estate.Estate {
	b.Helper()
	fsys := fstest.MapFS{}
	for name, data := range gen.TerraformFiles(n, 1) {
		fsys[name] = &fstest.MapFile{Data: data}
	}
	est, err := source.Load(context.Background(), fsys, []string{"."}, source.Options{Account: gen.Owner, Region: "us-east-1"})
	if err != nil {
		b.Fatal(err)
	}
	return est
}

// BenchmarkDiff compares the estate of 1,000 generated Terraform files
// (1,200 repositories, 300 roles: the estate of BenchmarkScanTerraform)
// with itself: both sides' rules and access models, and the comparison.
// scan-ms/op is the rules alone on one side, for scale.
func BenchmarkDiff(b *testing.B) {
	est := generated(b, 1000)
	s := analysis.Settings{Region: "us-east-1", At: time.Date(2026, 6, 30, 12, 0, 0, 0, time.UTC)}
	var scan time.Duration
	grants := 0
	b.ReportAllocs()
	for b.Loop() {
		start := time.Now()
		rules.Run(est, s)
		scan += time.Since(start)
		res := Compare(Assess(est, s), Assess(est, s))
		if len(res.New) != 0 || len(res.Removed) != 0 || len(res.Findings.Gaps) != 0 {
			b.Fatalf("the estate against itself: %d new, %d removed, gaps %v", len(res.New), len(res.Removed), res.Findings.Gaps)
		}
		grants = res.HeadGrants
	}
	b.ReportMetric(float64(scan.Milliseconds())/float64(b.N), "scan-ms/op")
	b.ReportMetric(float64(grants), "grants")
}
