package rules

var ecr009 = Rule{
	ID:          "ECR009",
	Title:       "Broad ECR write access",
	Severity:    Medium,
	Scope:       ScopeIdentity,
	FiresWhen:   `an identity can perform write or permissions-management ECR actions on every repository without being in config authorized.write; IAM users with ECR write are named separately`,
	Description: `A principal that can push to, delete from or re-configure every repository can replace any image the cluster runs (CIS EKS 5.1.2).`,
	Frameworks:  map[string][]string{"cis-eks-1.2.0": []string{"5.1.2"}, "kubescape": []string{"C-0222"}},
	Remediation: `Scope write access to the repositories the principal needs (Resource arn:aws:ecr:REGION:ACCOUNT:repository/NAME), prefer roles over IAM users, or list the principal in authorized.write.`,
}
