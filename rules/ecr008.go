package rules

var ecr008 = Rule{
	ID:          "ECR008",
	Title:       "Who can expose repositories",
	Severity:    High,
	Scope:       ScopeIdentity,
	FiresWhen:   `a principal not in config authorized.policy_management can perform SetRepositoryPolicy, DeleteRepositoryPolicy, PutRegistryPolicy or DeleteRegistryPolicy`,
	Description: `These actions decide who else can use the registry; Endgame uses them to expose repositories to the world.`,
	Frameworks:  map[string][]string{"endgame": []string{"ecr-repository", "ecr-registry"}},
	Remediation: `Remove the policy-management actions from the principal, or list it in authorized.policy_management.`,
}
