package rules

var ecr007 = Rule{
	ID:          "ECR007",
	Title:       "Unrestricted registry login",
	Severity:    Medium,
	Scope:       ScopeIdentity,
	FiresWhen:   `a principal that is not authorized for logins (config authorized.auth_token) can call ecr:GetAuthorizationToken`,
	Description: `A registry login token is the first step of every pull and push. IAM-ECR-2 asks that only authorized principals get one.`,
	Frameworks:  map[string][]string{"guardrails": []string{"IAM-ECR-2"}},
	Remediation: `Grant ecr:GetAuthorizationToken only to the principals that need it (or restrict it with aws:PrincipalOrgPaths), or list them in authorized.auth_token.`,
}
