package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/ecrguard/ecrguard/estate"
)

// Two inputs that define one repository differently are never a silent
// pass: a raw public policy and a Terraform module whose repository has
// no policy give the finding and a conflict gap; two CloudFormation
// templates likewise. A Terraform module and its plan, which say the same,
// merge quietly.
func TestConflictingInputs(t *testing.T) {
	public := `{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "ecr:BatchGetImage"}]}`
	template := func(policy string) string {
		s := "Resources:\n  Repo:\n    Type: AWS::ECR::Repository\n    Properties:\n      RepositoryName: app\n"
		if policy != "" {
			s += "      RepositoryPolicyText: " + policy + "\n"
		}
		return s
	}
	for _, c := range []struct {
		name string
		fsys fstest.MapFS
		gap  string
	}{
		{"raw and terraform", fstest.MapFS{
			"app.json": {Data: []byte(public)},
			"main.tf":  {Data: []byte("resource \"aws_ecr_repository\" \"app\" {\n  name = \"app\"\n}\n")},
		}, "main.tf:1:1"},
		{"two templates", fstest.MapFS{
			"a.yaml": {Data: []byte(template(public))},
			"b.yaml": {Data: []byte(template(""))},
		}, "b.yaml:2:3"},
	} {
		t.Run(c.name, func(t *testing.T) {
			res := scanIaC(t, c.fsys, ".")
			public := false
			for _, f := range res.Findings {
				public = public || f.RuleID == "ECR001" && strings.HasSuffix(f.Resource, "repository/app")
			}
			if !public {
				t.Errorf("no ECR001 on app: %v", res.Findings)
			}
			if len(res.Gaps) != 1 || res.Gaps[0].Code != estate.GapConflictingInputs || res.Gaps[0].Pos.String() != c.gap {
				t.Errorf("gaps %v, want one %s at %s", res.Gaps, estate.GapConflictingInputs, c.gap)
			}
		})
	}
	t.Run("module and plan", func(t *testing.T) {
		fsys := fstest.MapFS{}
		for _, dir := range []string{"terraform", "terraform/policies", "plan"} {
			files, err := os.ReadDir(filepath.Join("../../testdata/iac", dir))
			if err != nil {
				t.Fatal(err)
			}
			for _, f := range files {
				if f.IsDir() {
					continue
				}
				data, err := os.ReadFile(filepath.Join("../../testdata/iac", dir, f.Name()))
				if err != nil {
					t.Fatal(err)
				}
				fsys[dir+"/"+f.Name()] = &fstest.MapFile{Data: data}
			}
		}
		res := scanIaC(t, fsys, ".")
		planRead := false
		for _, g := range res.Gaps {
			if g.Code == estate.GapConflictingInputs {
				t.Errorf("module and plan conflict: %v", g)
			}
			planRead = planRead || g.Pos.File == "plan/plan.json"
		}
		if !planRead {
			t.Errorf("the plan was not read (no gap of its unknown policy): %v", res.Gaps)
		}
		if len(res.Findings) == 0 {
			t.Error("no findings")
		}
	})
}
