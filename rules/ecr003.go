package rules

var ecr003 = Rule{
	ID:          "ECR003",
	Title:       "Access for an untrusted account",
	Severity:    High,
	Scope:       ScopeExposure,
	FiresWhen:   `a named external account (or principal in it), organization or organizational unit that is not in the trusted zone can perform a repository action`,
	Description: `An account outside your zone of trust can use the repository. If that is intended, add it to trusted.accounts in the config; if not, remove the grant.`,
	Frameworks:  map[string][]string{"endgame": []string{"ecr-repository"}, "access-analyzer": []string{"cross-account-access"}},
	Remediation: `Remove the external principal from the policy, or add the account to trusted.accounts (or its organization to trusted.org_ids) if it is a partner you trust.`,
}
