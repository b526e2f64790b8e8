package rules

import (
	"fmt"

	"github.com/ecrguard/ecrguard/analysis"
	"github.com/ecrguard/ecrguard/estate"
	"github.com/ecrguard/ecrguard/identity"
)

var ecr007 = Rule{
	ID:          "ECR007",
	Title:       "Unrestricted registry login",
	Severity:    Medium,
	Scope:       ScopeIdentity,
	FiresWhen:   `a principal that is not authorized for logins (config authorized.auth_token) can call ecr:GetAuthorizationToken`,
	Description: `A registry login token is the first step of every pull and push. IAM-ECR-2 asks that only authorized principals get one.`,
	Frameworks:  map[string][]string{"guardrails": []string{"IAM-ECR-2"}},
	Remediation: `Grant ecr:GetAuthorizationToken only to the principals that need it (or restrict it with aws:PrincipalOrgPaths), or list them in authorized.auth_token.`,
	Examples: []Example{
		{About: `a role may get a registry login token`, Fires: true,
			IdentityPolicy: `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"ecr:GetAuthorizationToken","Resource":"*"}]}`},
		{About: `a wildcard action (ecr:Get*) includes GetAuthorizationToken`, Fires: true,
			IdentityPolicy: `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"ecr:Get*","Resource":"*"}]}`},
		{About: `a role listed in authorized.auth_token`,
			IdentityPolicy: `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"ecr:GetAuthorizationToken","Resource":"*"}]}`,
			Settings:       analysis.Settings{AuthorizedAuthToken: []string{"arn:aws:iam::111122223333:role/*"}}},
		{About: `NotAction that leaves GetAuthorizationToken out`, Others: []string{"ECR006", "ECR008", "ECR009"},
			IdentityPolicy: `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","NotAction":"ecr:GetAuthorizationToken","Resource":"arn:aws:ecr:*:111122223333:repository/*"}]}`},
		{About: `an explicit Deny in the same identity policy`, Others: []string{"ECR006", "ECR008", "ECR009"},
			IdentityPolicy: `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"ecr:*","Resource":"*"},{"Effect":"Deny","Action":"ecr:GetAuthorizationToken","Resource":"*"}]}`},
	},
	principal: checkECR007,
}

func checkECR007(r Rule, a *analysis.Analysis, m *identity.Model, p *identity.Principal) (*Finding, []estate.Gap) {
	if authorized(a.Settings.AuthorizedAuthToken, p.ARN) {
		return nil, nil
	}
	w, gaps := m.Can(p, "ecr:GetAuthorizationToken", nil, identity.Free)
	if w == nil {
		return nil, gaps
	}
	ac := &access{}
	ac.add("ecr:GetAuthorizationToken", "", w)
	f := identityFindingOn(r, m, p, ac, "can get login tokens for", "the registry", fmt.Sprintf("Grant ecr:GetAuthorizationToken only to principals that pull or push (or limit it with aws:PrincipalOrgPaths), and remove it from %s if it needs none; if %s should log in, add %s (or a pattern) to authorized.auth_token (IAM-ECR-2).", principalLabel(p), whoARN(p), itsARN(p)))
	return &f, nil
}
