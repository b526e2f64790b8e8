package rules

var ecr001 = Rule{
	ID:          "ECR001",
	Title:       "Repository is public",
	Severity:    Critical,
	Scope:       ScopeExposure,
	FiresWhen:   `some principal outside every trusted zone (any account on earth) can perform at least one repository action, for some request context it can produce`,
	Description: `Anyone with an AWS account can use the repository for the actions listed: pull images (and read your software supply chain), push replacements, or worse, depending on the actions.`,
	Frameworks:  map[string][]string{"cloudguard": []string{"D9.AWS.IAM.102"}, "trivy": []string{"AVD-AWS-0032"}, "checkov": []string{"CKV_AWS_32"}, "prowler": []string{"ecr_repositories_not_publicly_accessible"}},
	Remediation: `Replace Principal "*" with the accounts, roles or organization that need access, or add a condition on aws:PrincipalOrgID / aws:PrincipalAccount that must hold, then apply the policy with aws ecr set-repository-policy.`,
}
