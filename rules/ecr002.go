package rules

var ecr002 = Rule{
	ID:          "ECR002",
	Title:       "Wildcard principal behind a condition",
	Severity:    Medium,
	Scope:       ScopeExposure,
	FiresWhen:   `an Allow statement names Principal * or {"AWS": "*"} and has a Condition, whatever the condition does; the message says what the condition really restricts`,
	Description: `A statement that lets in everyone and relies on a condition to narrow it down is one edit away from being public, and many conditions restrict nothing (aws:SecureTransport, IfExists forms, ForAllValues on an absent key).`,
	Frameworks:  map[string][]string{"cloudguard": []string{"D9.AWS.IAM.103"}},
	Remediation: `Name the principals explicitly instead of "*" and keep the condition as a second guard.`,
}
