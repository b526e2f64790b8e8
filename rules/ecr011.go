package rules

var ecr011 = Rule{
	ID:          "ECR011",
	Title:       "Invalid or dead policy element",
	Severity:    High,
	Scope:       ScopeValidation,
	FiresWhen:   `a policy does not parse or does not validate: unknown ECR action names, malformed principals, wildcards inside principal ARNs, Allow with NotPrincipal, unknown condition operators, ForAllValues on a single-valued key, elements that can never match`,
	Description: `An element that does not mean what its author thinks is either a hole or a broken control; IAM rejects some of them outright.`,
	Frameworks:  map[string][]string{"parliament": []string{"policy-validation"}, "access-analyzer": []string{"validate-policy"}},
	Remediation: `Fix the element named in the finding; the message says what was expected.`,
}
