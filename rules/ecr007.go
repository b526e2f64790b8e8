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
	principal:   checkECR007,
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
	f := identityFindingOn(r, m, p, ac, "can get login tokens for", "the registry", fmt.Sprintf("Grant ecr:GetAuthorizationToken only to principals that pull or push (or limit it with aws:PrincipalOrgPaths), and remove it from %s if it needs none; if %s should log in, add it (or a pattern) to authorized.auth_token (IAM-ECR-2).", p.Label(), p.ARN))
	return &f, nil
}
