package report

import (
	"github.com/ecrguard/ecrguard/catalog"
	"github.com/ecrguard/ecrguard/estate"
	"github.com/ecrguard/ecrguard/policy"
	"github.com/ecrguard/ecrguard/rules"
)

// Results the golden files are written from. They are built by hand to
// cover what a report must show: findings of several rules and severities,
// a severity override, a suppressed finding, a finding without a source,
// long ARNs and action lists, gaps of every kind, and notes.

const (
	acct   = "111122223333"
	region = "us-east-1"
)

func repoARN(name string) string { return estate.RepositoryARN(region, acct, name) }

// finding starts a finding with the rule's catalog metadata, as the rules
// package does.
func finding(id string) rules.Finding {
	r, _ := rules.Lookup(id)
	fw := map[string][]string{}
	for k, v := range r.Frameworks {
		fw[k] = append([]string(nil), v...)
	}
	return rules.Finding{RuleID: r.ID, Severity: r.Severity, Title: r.Title, Frameworks: fw}
}

// repositoryActions lists every repository action (what "ecr:*" grants in a
// repository policy).
func repositoryActions() []string {
	var out []string
	for _, a := range catalog.Default().RepositoryActions() {
		out = append(out, a.FullName())
	}
	return out
}

func sampleResult() *rules.Result {
	pull := []string{"ecr:BatchCheckLayerAvailability", "ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"}
	push := []string{"ecr:CompleteLayerUpload", "ecr:InitiateLayerUpload", "ecr:PutImage", "ecr:UploadLayerPart"}

	public := finding("ECR001")
	public.Message = `Anyone with an AWS account can pull and push images of app: statement "PublicReadWrite" allows Principal "*" with no condition that restricts who can call.`
	public.Resource = repoARN("app")
	public.Source = policy.Pos{File: "policies/app.json", Line: 5, Col: 5}
	public.Principals = []string{"*"}
	public.Actions = append(append([]string{}, pull...), push...)
	public.Remediation = `Replace Principal "*" in statement "PublicReadWrite" with the accounts that pull from app, or add "Condition": {"StringEquals": {"aws:PrincipalOrgID": "o-abc123defg"}}; then apply it with ` + "`aws ecr set-repository-policy --repository-name app --policy-text file://app-policy.json`" + `.`

	reshare := finding("ECR004")
	reshare.Message = `Account 999988887777 can call SetRepositoryPolicy and DeleteRepositoryPolicy on shared/base, so it can grant itself or anyone else any access.`
	reshare.Resource = repoARN("shared/base")
	reshare.Source = policy.Pos{File: "policies/shared/base.json", Line: 18, Col: 5}
	reshare.Principals = []string{"arn:aws:iam::999988887777:root"}
	reshare.Actions = []string{"ecr:DeleteRepositoryPolicy", "ecr:SetRepositoryPolicy"}
	reshare.Remediation = `Remove ecr:SetRepositoryPolicy and ecr:DeleteRepositoryPolicy from statement "VendorAdmin"; grant account 999988887777 only the pull actions it needs.`

	untrusted := finding("ECR003")
	untrusted.Message = `Account 999988887777 is not in the trusted zone and can perform every repository action on shared/base (statement "VendorAdmin" allows ecr:*).`
	untrusted.Resource = repoARN("shared/base")
	untrusted.Source = policy.Pos{File: "policies/shared/base.json", Line: 18, Col: 5}
	untrusted.Principals = []string{"arn:aws:iam::999988887777:root"}
	untrusted.Actions = repositoryActions()
	untrusted.Remediation = `Add 999988887777 to trusted.accounts if it is yours; otherwise replace "ecr:*" in statement "VendorAdmin" with the pull actions.`

	registry := finding("ECR005")
	registry.Message = `The registry policy lets account 777766665555 replicate images into this registry and create repositories in it (registry policy scope V2: it applies to every repository).`
	registry.Resource = estate.RegistryARN(region, acct)
	registry.Source = policy.Pos{File: "registry-policy.json", Line: 7, Col: 7}
	registry.Principals = []string{"arn:aws:iam::777766665555:root"}
	registry.Actions = []string{"ecr:CreateRepository", "ecr:ReplicateImage"}
	registry.Remediation = `Remove account 777766665555 from statement "ReplicationFromPartner" of the registry policy, or add it to trusted.accounts.`

	deleter := finding("ECR006")
	deleter.Message = `Role ci-deployer can delete repositories and images in every repository without MFA or a resource-tag condition (managed policy EcrPowerUser, statement "All").`
	deleter.Resource = "arn:aws:iam::111122223333:role/ci-deployer"
	deleter.Source = policy.Pos{File: "iam/authorization-details.json", Line: 212, Col: 13}
	deleter.Principals = []string{"arn:aws:iam::111122223333:role/ci-deployer"}
	deleter.Actions = []string{"ecr:DeleteRepository", "ecr:BatchDeleteImage"}
	deleter.Remediation = `Remove the delete actions from role ci-deployer, or add a condition on aws:MultiFactorAuthPresent, or list the role in authorized.delete.`

	invalid := finding("ECR011")
	invalid.Message = `Unknown action "ecr:BatchGetImages" in statement "PublicReadWrite": no ECR action has that name (did you mean ecr:BatchGetImage?). The statement grants nothing through this entry.`
	invalid.Resource = repoARN("app")
	invalid.Source = policy.Pos{File: "policies/app.json", Line: 9, Col: 9}
	invalid.Actions = []string{"ecr:BatchGetImages"}
	invalid.Remediation = `Replace "ecr:BatchGetImages" with "ecr:BatchGetImage".`

	longName := "platform/observability/very-long-team-name/collector-sidecar-image"
	network := finding("ECR002")
	network.Message = `Statement "VpcOnly" allows Principal "*" behind a condition: aws:SourceVpce restricts access to callers coming through VPC endpoint vpce-0a1b2c3d4e5f67890, so the repository is network-restricted, not public.`
	network.Resource = repoARN(longName)
	network.Source = policy.Pos{File: "policies/" + longName + ".json", Line: 4, Col: 5}
	network.Principals = []string{"*"}
	network.Actions = pull
	network.Conditions = []string{"aws:SourceVpce vpce-0a1b2c3d4e5f67890"}
	network.Remediation = `Nothing to do if the endpoint is yours; to silence this finding, suppress ECR002 for this repository with a reason.`

	login := finding("ECR007")
	login.Message = `Seven principals of account 111122223333 can call ecr:GetAuthorizationToken and log in to the registry, none of them listed in authorized.auth_token.`
	login.Resource = estate.RegistryARN(region, acct)
	login.Source = policy.Pos{File: "iam/authorization-details.json", Line: 40, Col: 9}
	login.Principals = []string{
		"arn:aws:iam::111122223333:user/alice",
		"arn:aws:iam::111122223333:user/bob",
		"arn:aws:iam::111122223333:role/ci-deployer",
		"arn:aws:iam::111122223333:role/ci-builder",
		"arn:aws:iam::111122223333:role/data-science-notebook",
		"arn:aws:iam::111122223333:role/ops-breakglass",
		"arn:aws:iam::111122223333:group/developers",
	}
	login.Actions = []string{"ecr:GetAuthorizationToken"}
	login.Remediation = `List the principals that should log in under authorized.auth_token (ARN patterns such as arn:aws:iam::111122223333:role/ci-*), and remove ecr:GetAuthorizationToken from the others.`

	// A finding read from the live API has no file: its source is unknown.
	// Its severity is a config override (ECR010: low).
	deputy := finding("ECR010")
	deputy.Severity = rules.Low
	deputy.Message = `Service principal codebuild.amazonaws.com can pull from builder-cache with no aws:SourceAccount, aws:SourceArn or aws:SourceOrgID condition: any CodeBuild project, in any account, can use it (confused deputy).`
	deputy.Resource = repoARN("builder-cache")
	deputy.Principals = []string{"service:codebuild.amazonaws.com"}
	deputy.Actions = pull
	deputy.Remediation = `Add "Condition": {"StringEquals": {"aws:SourceAccount": "111122223333"}} to the statement that names codebuild.amazonaws.com.`

	writers := finding("ECR009")
	writers.Message = `User deploy-bot can push to, delete from and change the policy of every repository of the account (inline policy ecr-admin, Resource "*").`
	writers.Resource = "arn:aws:iam::111122223333:user/deploy-bot"
	writers.Source = policy.Pos{File: "iam/authorization-details.json", Line: 97, Col: 17}
	writers.Principals = []string{"arn:aws:iam::111122223333:user/deploy-bot"}
	writers.Actions = append(append([]string{"ecr:BatchDeleteImage", "ecr:DeleteLifecyclePolicy", "ecr:DeleteRepository", "ecr:DeleteRepositoryPolicy", "ecr:PutLifecyclePolicy", "ecr:SetRepositoryPolicy", "ecr:TagResource"}, push...), "ecr:PutImageTagMutability")
	writers.Remediation = `Scope the write actions of user deploy-bot to the repositories it deploys (Resource arn:aws:ecr:us-east-1:111122223333:repository/NAME), prefer a role, or list it in authorized.write.`

	suppressed := finding("ECR002")
	suppressed.Message = `Statement "OrgPull" allows Principal "*" behind a condition: aws:PrincipalOrgID restricts access to organization o-abc123defg.`
	suppressed.Resource = repoARN("public-base-images")
	suppressed.Source = policy.Pos{File: "policies/public-base-images.json", Line: 6, Col: 5}
	suppressed.Principals = []string{"*"}
	suppressed.Actions = pull
	suppressed.Conditions = []string{"aws:PrincipalOrgID o-abc123defg"}
	suppressed.Remediation = `Nothing to do: access is limited to your organization.`
	suppressed.Suppressed = "published base images (expires 2027-06-30)"

	return &rules.Result{
		Findings: []rules.Finding{
			public, reshare, untrusted, registry, deleter, invalid, network, login, deputy, writers, suppressed,
		},
		Gaps: []estate.Gap{
			{
				Source: "policies/broken.json", Pos: policy.Pos{File: "policies/broken.json", Line: 3, Col: 14},
				Code: estate.GapParseError, Message: `Statement[0].Principal: expected "*", an object or a string, got number`,
			},
			{
				Source: "ecr:GetRepositoryPolicy", Account: acct, Region: "eu-west-1",
				Resource: estate.RepositoryARN("eu-west-1", acct, "payments"), Code: "AccessDeniedException",
				Message: "not authorized to perform ecr:GetRepositoryPolicy on this repository; its policy was not read",
			},
			{
				Source: "policies/app.json", Pos: policy.Pos{File: "policies/app.json", Line: 22, Col: 11},
				Resource: repoARN("app"), Code: estate.GapUnknownOperator,
				Message: `condition operator "StringEqualsIgnoreCaseIfExist" is not known; the condition was taken at its worst for each rule`,
			},
		},
		Notes: []estate.Note{
			{Source: "README.md", Message: "skipped: not a policy, AWS CLI output or snapshot"},
			{Source: "iam/authorization-details.json", Message: "managed policy arn:aws:iam::aws:policy/AmazonEC2ContainerRegistryReadOnly resolved from the embedded catalog"},
		},
		Resources: 7,
	}
}

// cleanResult is a scan that found nothing and assessed everything.
func cleanResult() *rules.Result { return &rules.Result{Resources: 4} }

// partialResult found nothing in what it could read, but could not read
// everything: it must not read like a clean result.
func partialResult() *rules.Result {
	return &rules.Result{
		Gaps: []estate.Gap{{
			Source: "ecr:GetRegistryPolicy", Account: acct, Region: region,
			Resource: estate.RegistryARN(region, acct), Code: "ThrottlingException",
			Message: "rate exceeded after 5 retries; the registry policy was not read",
		}},
		Resources: 3,
	}
}
