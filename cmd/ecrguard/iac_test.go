package main

import (
	"context"
	"io/fs"
	"os"
	"strings"
	"testing"

	"github.com/owenrumney/go-sarif/v3/pkg/report/v210/sarif"

	"github.com/ecrguard/ecrguard/config"
	"github.com/ecrguard/ecrguard/report"
	"github.com/ecrguard/ecrguard/rules"
)

// scanIaC scans roots of ../../testdata/iac (or of fsys) as `ecrguard
// scan` does. The routing of IaC files and what their readers find are
// tested in package source; this package tests what the CLI adds.
func scanIaC(t *testing.T, fsys fs.FS, roots ...string) *rules.Result {
	t.Helper()
	cfg := &config.Config{Account: "111122223333", Region: "us-east-1"}
	est, err := readFS(context.Background(), fsys, roots, cfg)
	if err != nil {
		t.Fatal(err)
	}
	return rules.Run(est, cfg.Settings())
}

// SARIF carries an IaC finding's file and line, for code scanning to
// annotate the line.
func TestIaCSARIFLocation(t *testing.T) {
	res := scanIaC(t, os.DirFS("../../testdata/iac"), "terraform")
	var sb strings.Builder
	if err := report.Write(&sb, report.SARIF, res, report.Options{Version: "test"}); err != nil {
		t.Fatal(err)
	}
	log, err := sarif.FromString(sb.String())
	if err != nil {
		t.Fatal(err)
	}
	// The SARIF types point at every value; a missing one reads as zero.
	val := func(p *string) string {
		if p == nil {
			return ""
		}
		return *p
	}
	found := false
	for _, r := range log.Runs[0].Results {
		if val(r.RuleID) != "ECR001" || len(r.Locations) == 0 || len(r.Locations[0].LogicalLocations) == 0 ||
			val(r.Locations[0].LogicalLocations[0].FullyQualifiedName) != "arn:aws:ecr:us-east-1:111122223333:repository/public-app" {
			continue
		}
		found = true
		// The statement object of the jsonencode() policy.
		if pl := r.Locations[0].PhysicalLocation; pl == nil || pl.ArtifactLocation == nil || pl.Region == nil || pl.Region.StartLine == nil ||
			val(pl.ArtifactLocation.URI) != "terraform/policies.tf" || *pl.Region.StartLine != 7 {
			t.Errorf("ECR001 on public-app at %+v, want terraform/policies.tf:7", pl)
		}
	}
	if !found {
		t.Errorf("no ECR001 result for public-app in\n%s", sb.String())
	}
}
