package rules_test

import (
	"context"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/ecrguard/ecrguard/analysis"
	"github.com/ecrguard/ecrguard/estate"
	"github.com/ecrguard/ecrguard/rules"
	"github.com/ecrguard/ecrguard/source"
)

// TestUnknownScopeRepositoryPublicUnderV1: a repository policy that lets
// anyone pull, in a registry whose policy denies every ECR action to
// callers outside one organization, and whose scope could not be read.
// Under V2 the registry's Deny closes the pull; under V1 it governs three
// actions only and the pull is public (ECR001). A V2 registry policy's
// Denies are a superset of the same policy's V1 Denies, so for repositories
// V1's findings are the larger: the report shows them (estate.Registry.
// DenyScope), and the gap says the findings differ.
func TestUnknownScopeRepositoryPublicUnderV1(t *testing.T) {
	const account, region = "111122223333", "us-east-1"
	const repoPolicy = `{"Version":"2012-10-17","Statement":[{"Sid":"Everyone","Effect":"Allow","Principal":"*","Action":"ecr:BatchGetImage"}]}`
	const registry = `{"Version":"2012-10-17","Statement":[{"Sid":"OnlyOrg","Effect":"Deny","Principal":"*","Action":"ecr:*","Resource":"*","Condition":{"StringNotEquals":{"aws:PrincipalOrgID":"o-a1b2c3d4e5"}}}]}`
	for _, scope := range []string{"V1", ""} {
		name := scope
		if name == "" {
			name = "unknown"
		}
		t.Run(name, func(t *testing.T) {
			est := estate.New()
			reg := est.Account(account).Region(region)
			doc := mustParse(t, repoPolicy, "app.json")
			reg.Repository("app").SetPolicy(&estate.Policy{Name: "repository policy of app", Doc: doc, Source: doc.Pos})
			rdoc := mustParse(t, registry, "registry.json")
			reg.Registry.SetPolicy(&estate.Policy{Name: "registry policy", Doc: rdoc, Source: rdoc.Pos})
			reg.Registry.Scope = scope
			if scope == "" {
				est.AddGap(estate.Gap{Source: estate.ScopeAPI, Account: account, Region: region, Resource: estate.RegistryARN(region, account),
					Code: "AccessDeniedException", Message: "registry policy scope not read: not authorized"})
			}
			res := rules.Run(est, analysis.Settings{TrustedOrgIDs: []string{"o-a1b2c3d4e5"}})
			public := false
			for _, f := range res.Findings {
				if f.RuleID == "ECR001" && f.Resource == "arn:aws:ecr:us-east-1:111122223333:repository/app" {
					public = true
				}
			}
			var gaps []string
			for _, g := range res.Gaps {
				gaps = append(gaps, g.Message)
			}
			if !public {
				t.Errorf("no ECR001 on app, which is public if the scope is V1 (gaps %q)", gaps)
			}
		})
	}
}

// TestTerraformScopeUnknownUntilApply: REGISTRY_POLICY_SCOPE set from a
// variable is not known until apply. Under V1 the repository is public, so
// it is reported (estate.Registry.DenyScope).
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
	if !public {
		t.Errorf("findings %q, gaps %q: the scope is not known until apply, and under V1 app is public", got, gaps)
	}
}

// TestRegistryGrantNamesItsRepositories: an ECR005 message says which
// repositories the grant covers, those its Resource matches, not every
// repository of the registry.
func TestRegistryGrantNamesItsRepositories(t *testing.T) {
	for _, tc := range []struct{ resource, want string }{
		{"arn:aws:ecr:us-east-1:111122223333:repository/prod-*", "the repositories that arn:aws:ecr:us-east-1:111122223333:repository/prod-* matches"},
		{"*", "every repository of the registry"},
	} {
		est := estate.New()
		reg := est.Account("111122223333").Region("us-east-1")
		doc := mustParse(t, `{"Version":"2012-10-17","Statement":[{"Sid":"Pull","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::999988887777:root"},"Action":"ecr:ReplicateImage","Resource":"`+tc.resource+`"}]}`, "registry.json")
		reg.Registry.SetPolicy(&estate.Policy{Name: "registry policy", Doc: doc, Source: doc.Pos})
		if f, _ := firedOnce(t, rules.Run(est, analysis.Settings{}), "ECR005", true); !strings.Contains(f.Message, "applies to "+tc.want+" and") {
			t.Errorf("Resource %s: ECR005 says %q, want that the grant applies to %s", tc.resource, f.Message, tc.want)
		}
	}
}
