package rules

import (
	"fmt"

	"github.com/ecrguard/ecrguard/analysis"
	"github.com/ecrguard/ecrguard/estate"
	"github.com/ecrguard/ecrguard/identity"
)

var ecr006 = Rule{
	ID:          "ECR006",
	Title:       "Unrestricted delete",
	Severity:    High,
	Scope:       ScopeIdentity,
	FiresWhen:   `a principal that is not authorized for deletes (config authorized.delete) can perform ecr:DeleteRepository or ecr:BatchDeleteImage on a repository, with no ecr:ResourceTag/aws:ResourceTag condition and no MFA condition limiting it`,
	Description: `Deleting images or repositories breaks every deployment that pulls them. IAM-ECR-1 asks that only authorized principals can delete, or that deletes need MFA or a resource tag.`,
	Frameworks:  map[string][]string{"guardrails": []string{"IAM-ECR-1"}},
	Remediation: `Remove the delete actions from the principal, require MFA (Bool aws:MultiFactorAuthPresent true) or a resource tag condition, or list the principal in authorized.delete.`,
	Examples: []Example{
		{About: `a role may delete images in every repository`, Fires: true, Others: []string{"ECR009"},
			IdentityPolicy: `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"ecr:BatchDeleteImage","Resource":"arn:aws:ecr:*:111122223333:repository/*"}]}`},
		{About: `a wildcard action (ecr:Delete*) reaches DeleteRepository`, Fires: true, Others: []string{"ECR008", "ECR009"},
			IdentityPolicy: `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"ecr:Delete*","Resource":"*"}]}`},
		{About: `deletes that need MFA`, Others: []string{"ECR009"},
			IdentityPolicy: `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["ecr:BatchDeleteImage","ecr:DeleteRepository"],"Resource":"*","Condition":{"Bool":{"aws:MultiFactorAuthPresent":"true"}}}]}`},
		{About: `deletes limited to repositories with a resource tag`,
			IdentityPolicy: `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["ecr:BatchDeleteImage","ecr:DeleteRepository"],"Resource":"*","Condition":{"StringEquals":{"ecr:ResourceTag/env":"sandbox"}}}]}`},
		{About: `a role listed in authorized.delete`, Others: []string{"ECR007", "ECR008", "ECR009"},
			IdentityPolicy: `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"ecr:*","Resource":"*"}]}`,
			Settings:       analysis.Settings{AuthorizedDelete: []string{"arn:aws:iam::111122223333:role/dev"}}},
		{About: `a permissions boundary that allows only pulls takes the identity policy's deletes away`, Others: []string{"ECR007"},
			IdentityPolicy: `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"ecr:*","Resource":"*"}]}`,
			Boundary:       `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["ecr:GetAuthorizationToken","ecr:BatchGetImage","ecr:GetDownloadUrlForLayer"],"Resource":"*"}]}`},
		{About: `an SCP that denies deletes beats the identity policy`, Others: []string{"ECR007", "ECR008", "ECR009"},
			IdentityPolicy: `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"ecr:*","Resource":"*"}]}`,
			SCP:            `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"},{"Effect":"Deny","Action":["ecr:BatchDeleteImage","ecr:DeleteRepository"],"Resource":"*"}]}`},
	},
	principal: checkECR006,
}

func checkECR006(r Rule, a *analysis.Analysis, m *identity.Model, p *identity.Principal) (*Finding, []estate.Gap) {
	if authorized(a.Settings.AuthorizedDelete, p.ARN) {
		return nil, nil
	}
	ac, gaps := repositoryQuestions(m, p, []string{"ecr:BatchDeleteImage", "ecr:DeleteRepository"}, identity.NoMFA)
	if ac == nil {
		return nil, gaps
	}
	f := identityFinding(r, m, p, ac,
		"can delete, without MFA and without a resource-tag condition, in",
		fmt.Sprintf("Remove the delete actions from %s, or narrow the granting statements with \"Bool\": {\"aws:MultiFactorAuthPresent\": \"true\"} or an ecr:ResourceTag condition (IAM-ECR-1); if %s should delete, add %s to authorized.delete in .ecrguard.yaml.", principalLabel(p), whoARN(p), itsARN(p)))
	return &f, gaps
}
