package rules

var ecr005 = Rule{
	ID:          "ECR005",
	Title:       "Registry policy shares with outsiders",
	Severity:    High,
	Scope:       ScopeExposure,
	FiresWhen:   `the registry policy grants ReplicateImage, CreateRepository, BatchImportUpstreamImage or any other action to a principal outside the trusted zone`,
	Description: `The registry policy applies to every repository in the registry (with scope V2, to every ECR action), so a grant there shares far more than one repository.`,
	Frameworks:  map[string][]string{"endgame": []string{"ecr-registry"}},
	Remediation: `Limit the registry policy to trusted accounts, or remove it with aws ecr delete-registry-policy.`,
}
