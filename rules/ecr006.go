package rules

var ecr006 = Rule{
	ID:          "ECR006",
	Title:       "Unrestricted delete",
	Severity:    High,
	Scope:       ScopeIdentity,
	FiresWhen:   `a principal that is not authorized for deletes (config authorized.delete) can perform ecr:DeleteRepository or ecr:BatchDeleteImage on a repository, with no ecr:ResourceTag/aws:ResourceTag condition and no MFA condition limiting it`,
	Description: `Deleting images or repositories breaks every deployment that pulls them. IAM-ECR-1 asks that only authorized principals can delete, or that deletes need MFA or a resource tag.`,
	Frameworks:  map[string][]string{"guardrails": []string{"IAM-ECR-1"}},
	Remediation: `Remove the delete actions from the principal, require MFA (Bool aws:MultiFactorAuthPresent true) or a resource tag condition, or list the principal in authorized.delete.`,
}
