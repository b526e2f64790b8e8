package rules

var ecr004 = Rule{
	ID:          "ECR004",
	Title:       "Outsiders can change who has access",
	Severity:    Critical,
	Scope:       ScopeExposure,
	FiresWhen:   `a principal outside the trusted zone can perform a permissions-management action: SetRepositoryPolicy or DeleteRepositoryPolicy through the repository policy, or any permissions-management action through the registry policy`,
	Description: `Whoever can rewrite the repository policy can grant themselves (or the world) every other action: this is full control of the repository.`,
	Frameworks:  map[string][]string{"endgame": []string{"ecr-repository"}},
	Remediation: `Remove ecr:SetRepositoryPolicy and ecr:DeleteRepositoryPolicy (and wildcards such as ecr:* or ecr:Set*) from every statement that outsiders match.`,
}
