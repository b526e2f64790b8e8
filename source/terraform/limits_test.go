package terraform

import (
	"strings"
	"testing"
	"testing/fstest"

	"github.com/ecrguard/ecrguard/estate"
)

// gapWith returns the first gap whose message contains s, or nil.
func gapWith(est *estate.Estate, s string) *estate.Gap {
	for i, g := range est.Gaps {
		if strings.Contains(g.Message, s) {
			return &est.Gaps[i]
		}
	}
	return nil
}

func TestTerraformJSONIsAGap(t *testing.T) {
	files := map[string]string{
		"main.tf":        `resource "aws_ecr_repository" "app" { name = "app" }`,
		"policy.tf.json": `{"resource": {"aws_ecr_repository_policy": {"app": {"repository": "app", "policy": "{}"}}}}`,
	}
	est := load(t, files, Options{Account: acct})
	g := gapWith(est, ".tf.json")
	if g == nil {
		t.Fatalf("no gap for policy.tf.json; gaps %v, notes %v", est.Gaps, est.Notes)
	}
	if g.Pos.String() != "policy.tf.json:1:1" || g.Code != CodeUnsupported {
		t.Errorf("gap %v: want at policy.tf.json:1:1, code %s", g, CodeUnsupported)
	}
	for _, n := range est.Notes {
		if strings.Contains(n.Message, ".tf.json") {
			t.Errorf("note %q beside the gap", n.Message)
		}
	}

	fsys := fstest.MapFS{"only/main.tf.json": {Data: []byte(`{}`)}}
	if got := FindModules(fsys, []string{"."}); len(got) != 1 || got[0] != "only" {
		t.Errorf("FindModules = %v, want [only]", got)
	}
}

func TestJSONVariableFiles(t *testing.T) {
	files := map[string]string{
		"main.tf": `
variable "a" { default = "x" }
variable "b" { default = "x" }
variable "c" { default = "x" }
resource "aws_ecr_repository" "a" { name = var.a }
resource "aws_ecr_repository" "b" { name = var.b }
resource "aws_ecr_repository" "c" { name = var.c }
`,
		"terraform.tfvars":          `a = "overridden"`,
		"terraform.tfvars.json":     `{"a": "from-tfvars-json", "b": "overridden"}`,
		"z.auto.tfvars.json":        `{"b": "from-auto-json"}`,
		"literal.auto.tfvars.json":  `{"c": "lit-${var.a}"}`,
		"ignored/other.tfvars.json": `{"a": "no"}`,
	}
	est := load(t, files, Options{Account: acct})
	for _, n := range []string{"from-tfvars-json", "from-auto-json", "lit-${var.a}"} {
		findRepo(t, est, acct, n)
	}
}

func TestOtherVariableFilesAreUnknown(t *testing.T) {
	files := map[string]string{
		"main.tf": `
variable "reader" { default = "arn:aws:iam::111122223333:root" }
variable "kept" { default = "kept" }
variable "cli" { default = "x" }
resource "aws_ecr_repository" "k" { name = var.kept }
resource "aws_ecr_repository" "c" { name = var.cli }
resource "aws_ecr_repository_policy" "k" {
  repository = "kept"
  policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Principal = { AWS = var.reader }, Action = "ecr:BatchGetImage" }]
  })
}
`,
		"prod.tfvars":       `reader = "*"` + "\n" + `cli = "no"`,
		"stage.tfvars.json": `{"reader": "*"}`,
	}
	est := load(t, files, Options{Account: acct, Vars: map[string]string{"cli": "from-cli"}})
	findRepo(t, est, acct, "from-cli")
	repo := findRepo(t, est, acct, "kept")
	if repo.Policy == nil || len(repo.Policy.Doc.Statements) != 1 {
		t.Fatalf("policy %+v", repo.Policy)
	}
	ps := principals(repo.Policy.Doc.Statements[0])
	if len(ps) != 1 || !ps[0].Unknown || !strings.Contains(ps[0].Text, "var.reader") {
		t.Errorf("principal %+v, want unknown var.reader", ps)
	}
	for _, f := range []string{"prod.tfvars", "stage.tfvars.json"} {
		found := false
		for _, n := range est.Notes {
			if n.Source == f && strings.Contains(n.Message, "-var-file") && strings.Contains(n.Message, "(reader") {
				found = true
			}
		}
		if !found {
			t.Errorf("no note names %s; notes %v", f, est.Notes)
		}
	}
	// Named with -var-file, the file is read; stage.tfvars.json, not
	// named, still makes var.reader unknown.
	est = load(t, files, Options{Account: acct, VarFiles: []string{"prod.tfvars"}})
	findRepo(t, est, acct, "no")
	repo = findRepo(t, est, acct, "kept")
	if ps := principals(repo.Policy.Doc.Statements[0]); len(ps) != 1 || !ps[0].Unknown {
		t.Errorf("with -var-file prod.tfvars: principal %+v, want unknown", ps)
	}
}
