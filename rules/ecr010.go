package rules

var ecr010 = Rule{
	ID:          "ECR010",
	Title:       "Service principal without source condition",
	Severity:    Medium,
	Scope:       ScopeExposure,
	FiresWhen:   `a resource policy grants a service principal access with no aws:SourceAccount / aws:SourceArn / aws:SourceOrgID condition (confused deputy)`,
	Description: `An AWS service acting for any customer can be made to use the repository: the confused-deputy problem.`,
	Frameworks:  map[string][]string{"aws": []string{"confused-deputy"}},
	Remediation: `Add StringEquals aws:SourceAccount (and ArnLike aws:SourceArn) naming the account and resource the service acts for.`,
}
