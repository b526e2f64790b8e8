package rules

import (
	"fmt"
	"maps"
	"slices"

	"github.com/ecrguard/ecrguard/analysis"
	"github.com/ecrguard/ecrguard/catalog"
	"github.com/ecrguard/ecrguard/exposure"
)

var ecr010 = Rule{
	ID:          "ECR010",
	Title:       "Service principal without source condition",
	Severity:    Medium,
	Scope:       ScopeExposure,
	FiresWhen:   `a resource policy grants a service principal access with no aws:SourceAccount / aws:SourceArn / aws:SourceOrgID condition (confused deputy)`,
	Description: `An AWS service acting for any customer can be made to use the repository: the confused-deputy problem.`,
	Frameworks:  map[string][]string{"aws": []string{"confused-deputy"}},
	Remediation: `Add StringEquals aws:SourceAccount (and ArnLike aws:SourceArn) naming the account and resource the service acts for.`,
	Examples: []Example{
		{About: `a creation template that lets a service act for any account on every repository it creates`, Fires: true,
			TemplatePolicy: `{"Version":"2012-10-17","Statement":[{"Sid":"Lambda","Effect":"Allow","Principal":{"Service":"lambda.amazonaws.com"},"Action":["ecr:BatchGetImage","ecr:GetDownloadUrlForLayer"]}]}`},
		{About: `a service principal with no source condition`, Fires: true,
			RepositoryPolicy: `{"Version":"2012-10-17","Statement":[{"Sid":"Lambda","Effect":"Allow","Principal":{"Service":"lambda.amazonaws.com"},"Action":["ecr:BatchGetImage","ecr:GetDownloadUrlForLayer"]}]}`},
		{About: `Principal "*" reached only by AWS services (aws:PrincipalIsAWSService)`, Fires: true, Others: []string{"ECR002"},
			RepositoryPolicy: `{"Version":"2012-10-17","Statement":[{"Sid":"Services","Effect":"Allow","Principal":"*","Action":"ecr:BatchGetImage","Condition":{"Bool":{"aws:PrincipalIsAWSService":"true"}}}]}`},
		{About: `Principal "*" reached by the services whose names match a pattern (aws:PrincipalServiceName *-build*)`, Fires: true, Others: []string{"ECR002"},
			RepositoryPolicy: `{"Version":"2012-10-17","Statement":[{"Sid":"Builders","Effect":"Allow","Principal":"*","Action":"ecr:BatchGetImage","Condition":{"StringLike":{"aws:PrincipalServiceName":"*-build*"}}}]}`},
		{About: `a service principal acting only for functions of the scanned account (aws:SourceArn)`,
			RepositoryPolicy: `{"Version":"2012-10-17","Statement":[{"Sid":"Lambda","Effect":"Allow","Principal":{"Service":"lambda.amazonaws.com"},"Action":["ecr:BatchGetImage","ecr:GetDownloadUrlForLayer"],"Condition":{"StringLike":{"aws:SourceArn":"arn:aws:lambda:us-east-1:111122223333:function:*"}}}]}`},
		{About: `a source condition naming an untrusted account is ECR003's`, Others: []string{"ECR003"},
			RepositoryPolicy: `{"Version":"2012-10-17","Statement":[{"Sid":"Build","Effect":"Allow","Principal":{"Service":"codebuild.amazonaws.com"},"Action":"ecr:BatchGetImage","Condition":{"StringEquals":{"aws:SourceAccount":"444455556666"}}}]}`},
	},
	check: checkECR010,
}

func checkECR010(r Rule, a *analysis.Analysis) []Finding {
	var out []Finding
	for _, x := range a.Exposure {
		for _, svc := range slices.Sorted(maps.Keys(x.Deputies)) {
			acc := x.Deputies[svc]
			stmts := resourceStatements(acc.Proofs)
			f := r.finding()
			f.Resource = x.Target.ARN
			f.restOn(stmts, x.Policy)
			name := svc
			if exposure.ServicePattern(svc) {
				// Services of several regions of the policy's patterns
				// share the record: some of them, not all, can.
				name = "AWS services whose names match " + svc + " (some or all of them)"
			}
			if exposure.AnyService(svc) {
				name = "any AWS service"
				f.Principals = []string{"service:*"}
			} else {
				f.Principals = []string{"service:" + svc}
			}
			f.Actions = catalog.Default().Names(acc.Actions)
			f.Conditions = analysis.Conditions(stmts)
			f.Message = fmt.Sprintf("%s can perform %s on %s through %s acting for any account, because no aws:SourceAccount, aws:SourceArn or aws:SourceOrgID condition limits whom it acts for (confused deputy).%s",
				name, describeActions(acc.Actions, x.Universe), targetName(x), labels(stmts), proofText(&f, acc.Proofs, acc.Actions, svc))
			f.Message += rcpHoles(x, exposure.DeputyClass(svc), acc.Actions)
			f.Remediation = fmt.Sprintf("Add to %s a condition naming the account the service acts for, such as \"StringEquals\": {\"aws:SourceAccount\": %q} (and ArnLike aws:SourceArn for the resource), then %s.",
				labels(stmts), ownerValue(x.Target.Account), applyPhrase(x, "the policy"))
			f.Remediation += provenFix(x)
			out = append(out, f)
		}
	}
	return out
}
