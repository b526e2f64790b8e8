package main

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"testing/fstest"
	"time"

	"github.com/ecrguard/ecrguard/config"
	"github.com/ecrguard/ecrguard/internal/gen"
	"github.com/ecrguard/ecrguard/rules"
)

// The generated Terraform reads without gaps, every repository with its
// policy, every role with its policies, and gives findings.
func TestGeneratedTerraform(t *testing.T) {
	const n = 3 * gen.FilesPerStack
	fsys := fstest.MapFS{}
	for name, data := range gen.TerraformFiles(n, 1) {
		fsys[name] = &fstest.MapFile{Data: data}
	}
	cfg := &config.Config{Account: gen.Owner, Region: "us-east-1"}
	est, err := readFS(context.Background(), fsys, []string{"."}, cfg)
	if err != nil {
		t.Fatal(err)
	}
	if len(est.Gaps) != 0 {
		t.Fatalf("gaps: %v", est.Gaps)
	}
	a := est.Lookup(gen.Owner)
	if a == nil {
		t.Fatalf("no account %s", gen.Owner)
	}
	repos := a.Region("us-east-1").Repositories()
	// Per stack: main.tf, three IAM files, six files of two repositories.
	if len(repos) != 3*12 {
		t.Errorf("%d repositories, want 36", len(repos))
	}
	for _, r := range repos {
		if r.Policy == nil || len(r.Policy.Doc.Statements) == 0 {
			t.Errorf("%s: no policy", r.Name)
		}
	}
	if a.IAM == nil || len(a.IAM.Roles) != 9 || len(a.IAM.Policies) != 9 {
		t.Fatalf("IAM: %+v", a.IAM)
	}
	res := rules.Run(est, cfg.Settings())
	if len(res.Findings) == 0 || len(res.Gaps) != 0 {
		t.Errorf("%d findings, gaps %v", len(res.Findings), res.Gaps)
	}
}

// BenchmarkScanTerraform scans 1,000 generated Terraform files (100 root
// modules: 1,200 repositories with their policies, 300 roles with an inline
// and an attached managed policy) end to end, from disk: walk, read and
// evaluate the HCL, then run every rule.
func BenchmarkScanTerraform(b *testing.B) {
	dir := b.TempDir()
	for name, data := range gen.TerraformFiles(1000, 1) {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			b.Fatal(err)
		}
		if err := os.WriteFile(p, data, 0o644); err != nil {
			b.Fatal(err)
		}
	}
	cfg := &config.Config{Account: gen.Owner, Region: "us-east-1"}
	ctx := context.Background()
	b.ReportAllocs()
	var load, analyze time.Duration
	for b.Loop() {
		start := time.Now()
		est, err := (&inputOptions{}).readPaths(ctx, []string{dir}, cfg)
		if err != nil {
			b.Fatal(err)
		}
		read := time.Now()
		res := rules.Run(est, cfg.Settings())
		load, analyze = load+read.Sub(start), analyze+time.Since(read)
		if len(res.Gaps) != 0 || len(res.Findings) == 0 {
			b.Fatalf("%d findings, gaps %v", len(res.Findings), res.Gaps)
		}
	}
	b.ReportMetric(float64(load.Milliseconds())/float64(b.N), "load-ms/op")
	b.ReportMetric(float64(analyze.Milliseconds())/float64(b.N), "analyze-ms/op")
}
