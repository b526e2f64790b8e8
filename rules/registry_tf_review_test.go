package rules_test

import (
	"context"
	"testing"
	"testing/fstest"

	"github.com/ecrguard/ecrguard/analysis"
	"github.com/ecrguard/ecrguard/rules"
	"github.com/ecrguard/ecrguard/source"
)

// TestTerraformScopeUnknownUntilApply: REGISTRY_POLICY_SCOPE set from a
// variable is not known until apply; the registry is then judged as V2
// only, without a gap. Under V1 the repository is public.
func TestTerraformScopeUnknownUntilApply(t *testing.T) {
	const tf = `
variable "scope" {}
resource "aws_ecr_account_setting" "scope" {
  name  = "REGISTRY_POLICY_SCOPE"
  value = var.scope
}
resource "aws_ecr_repository" "app" { name = "app" }
resource "aws_ecr_repository_policy" "app" {
  repository = aws_ecr_repository.app.name
  policy = jsonencode({Version = "2012-10-17", Statement = [{Sid = "Everyone", Effect = "Allow", Principal = "*", Action = "ecr:BatchGetImage"}]})
}
resource "aws_ecr_registry_policy" "r" {
  policy = jsonencode({Version = "2012-10-17", Statement = [{Sid = "OnlyOrg", Effect = "Deny", Principal = "*", Action = "ecr:*", Resource = "*",
    Condition = {StringNotEquals = {"aws:PrincipalOrgID" = "o-a1b2c3d4e5"}}}]})
}
`
	est, err := source.Load(context.Background(), fstest.MapFS{"main.tf": &fstest.MapFile{Data: []byte(tf)}}, []string{"."},
		source.Options{Account: "111122223333", Region: "us-east-1"})
	if err != nil {
		t.Fatal(err)
	}
	res := rules.Run(est, analysis.Settings{TrustedOrgIDs: []string{"o-a1b2c3d4e5"}})
	var got []string
	public := false
	for _, f := range res.Findings {
		got = append(got, f.RuleID+" "+f.Resource)
		if f.RuleID == "ECR001" {
			public = true
		}
	}
	var gaps []string
	for _, g := range res.Gaps {
		gaps = append(gaps, g.Message)
	}
	if !public && len(gaps) == 0 {
		t.Errorf("findings %q, no gap: the scope is not known until apply, and under V1 app is public", got)
	}
}
