package livetest

// IDs of the sample accounts.
const (
	SampleAccount    = "111122223333"
	SampleMember     = "444455556666"
	SampleManagement = "999988887777"
)

// Documents of the sample accounts.
const (
	PublicPullPolicy = `{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Sid": "AnyonePulls",
      "Effect": "Allow",
      "Principal": "*",
      "Action": ["ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"]
    }
  ]
}`
	OrgPushPolicy  = `{"Version":"2012-10-17","Statement":[{"Sid":"OrgPush","Effect":"Allow","Principal":{"AWS":"*"},"Action":["ecr:PutImage","ecr:InitiateLayerUpload"],"Condition":{"StringEquals":{"aws:PrincipalOrgID":"o-abc123defg"}}}]}`
	RegistryPolicy = `{"Version":"2012-10-17","Statement":[{"Sid":"Replicate","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::444455556666:root"},"Action":["ecr:CreateRepository","ecr:ReplicateImage"],"Resource":"arn:aws:ecr:us-east-1:111122223333:repository/*"}]}`
	// MalformedPolicy is what a corrupted policyText would look like.
	MalformedPolicy = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"ecr:*"}`
	// InlinePolicy has characters IAM's URL encoding must round-trip: '+',
	// spaces, '%', '&', '/' and non-ASCII text.
	InlinePolicy  = `{"Version":"2012-10-17","Statement":[{"Sid":"Pull+Push 100% sûr","Effect":"Allow","Action":["ecr:BatchGetImage","ecr:PutImage"],"Resource":"arn:aws:ecr:*:111122223333:repository/a&b/*"}]}`
	AllECRPolicy  = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"ecr:*","Resource":"*"}]}`
	BoundaryDoc   = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["ecr:Describe*","ecr:BatchGetImage"],"Resource":"*"}]}`
	TrustEC2      = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}]}`
	FullAWSAccess = `{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Effect": "Allow",
      "Action": "*",
      "Resource": "*"
    }
  ]
}`
	// RCPFullAWSAccess is the AWS managed RCP attached to every root, OU
	// and account once RCPs are enabled (Organizations User Guide,
	// "Resource control policies (RCPs)": it cannot be detached).
	RCPFullAWSAccess = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"*","Resource":"*"}]}`
	// DenyOutsideOrgRCP denies requests to ECR from principals outside the
	// organization, but not AWS services (Organizations User Guide, "RCP
	// examples").
	DenyOutsideOrgRCP = `{"Version":"2012-10-17","Statement":[{"Sid":"EnforceOrgIdentities","Effect":"Deny","Principal":"*","Action":"ecr:*","Resource":"*","Condition":{"StringNotEqualsIfExists":{"aws:PrincipalOrgID":"o-abc123defg"},"BoolIfExists":{"aws:PrincipalIsAWSService":"false"}}}]}`
	// TeamTemplatePolicy is a creation template's repository policy that
	// lets anyone pull.
	TeamTemplatePolicy = `{"Version":"2012-10-17","Statement":[{"Sid":"TemplatePull","Effect":"Allow","Principal":"*","Action":["ecr:BatchGetImage","ecr:GetDownloadUrlForLayer"]}]}`
	DenyDeleteSCP      = `{"Version":"2012-10-17","Statement":[{"Sid":"NoDelete","Effect":"Deny","Action":["ecr:DeleteRepository","ecr:BatchDeleteImage"],"Resource":"*"}]}`
)

// Sample returns a rich fake account: two regions, paginated inventory,
// policies of every kind (one malformed), tags, a registry policy with
// replication, ECR Public, IAM across pages (URL-encoded documents, a
// managed policy only GetPolicy serves, an AWS managed policy only the
// embedded catalog knows) and SCPs and RCPs at three levels of an
// organization (the RCPs only RCPFullAWSAccess, which changes no answer).
func Sample() *Account {
	return &Account{
		ID:        SampleAccount,
		CallerARN: "arn:aws:iam::111122223333:user/auditor",
		Regions: map[string]*Region{
			"us-east-1": {
				Repos: []Repo{
					{Name: "app", Policy: PublicPullPolicy, Tags: map[string]string{"team": "core", "env": "prod"}},
					{Name: "broken", Policy: MalformedPolicy},
					{Name: "svc"},
					{Name: "team/tools", Policy: OrgPushPolicy, Tags: map[string]string{"team": "tools"}},
				},
				RegistryPolicy: RegistryPolicy,
				Scope:          "V1",
				Replication:    []Destination{{Account: SampleMember, Region: "eu-west-1"}},
				PageSize:       2,
				EmptyLastPage:  true,
			},
			"eu-west-1": {
				Repos: []Repo{{Name: "eu-app", Policy: OrgPushPolicy}},
			},
		},
		Public: []Repo{{Name: "pub-tools", Policy: PublicPullPolicy}, {Name: "pub-none"}},
		IAM: IAM{
			PageSize: 2,
			Users: []User{
				{Name: "alice", Inline: map[string]string{"pull push": InlinePolicy},
					Attached: []string{"arn:aws:iam::aws:policy/AmazonEC2ContainerRegistryReadOnly", "arn:aws:iam::111122223333:policy/hidden"},
					Groups:   []string{"devs"}, Boundary: "arn:aws:iam::111122223333:policy/boundary", Tags: map[string]string{"team": "core"}},
				{Name: "bob", Attached: []string{"arn:aws:iam::aws:policy/AmazonEC2ContainerRegistryPowerUser"}},
			},
			Groups: []Group{{Name: "devs", Inline: map[string]string{"all-ecr": AllECRPolicy}}},
			Roles: []Role{
				{Name: "ci", Trust: TrustEC2, Inline: map[string]string{"push": InlinePolicy}, Boundary: "arn:aws:iam::111122223333:policy/boundary"},
				{Name: "AWSServiceRoleForECRReplication", Path: "/aws-service-role/replication.ecr.amazonaws.com/", Trust: TrustEC2},
			},
			Policies: []ManagedPolicy{
				{Name: "boundary", ARN: "arn:aws:iam::111122223333:policy/boundary", Version: "v3", Document: BoundaryDoc, Attachments: 0},
				{Name: "AmazonEC2ContainerRegistryReadOnly", ARN: "arn:aws:iam::aws:policy/AmazonEC2ContainerRegistryReadOnly", Version: "v1",
					Document: `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["ecr:GetAuthorizationToken","ecr:BatchGetImage"],"Resource":"*"}]}`, Attachments: 1},
				{Name: "AWSUnattached", ARN: "arn:aws:iam::aws:policy/AWSUnattached", Document: AllECRPolicy, Attachments: 0},
			},
			Hidden: []ManagedPolicy{
				{Name: "hidden", ARN: "arn:aws:iam::111122223333:policy/hidden", Version: "v2", Document: AllECRPolicy},
			},
		},
		Org: &Org{
			ID: "o-abc123defg", ManagementID: SampleManagement, SCPEnabled: true, RCPEnabled: true, RootID: "r-root",
			OUs: []string{"ou-root-prod"},
			AttachedSCPs: map[string][]SCP{
				"r-root":         {{ID: "p-FullAWSAccess", Name: "FullAWSAccess", Content: FullAWSAccess}},
				"ou-root-prod":   {{ID: "p-FullAWSAccess", Name: "FullAWSAccess", Content: FullAWSAccess}, {ID: "p-nodelete", Name: "DenyDelete", Content: DenyDeleteSCP}},
				SampleAccount:    {{ID: "p-FullAWSAccess", Name: "FullAWSAccess", Content: FullAWSAccess}},
				SampleMember:     {{ID: "p-FullAWSAccess", Name: "FullAWSAccess", Content: FullAWSAccess}},
				SampleManagement: {{ID: "p-FullAWSAccess", Name: "FullAWSAccess", Content: FullAWSAccess}},
			},
			AttachedRCPs: map[string][]SCP{
				"r-root":         {{ID: "p-RCPFullAWSAccess", Name: "RCPFullAWSAccess", Content: RCPFullAWSAccess}},
				"ou-root-prod":   {{ID: "p-RCPFullAWSAccess", Name: "RCPFullAWSAccess", Content: RCPFullAWSAccess}},
				SampleAccount:    {{ID: "p-RCPFullAWSAccess", Name: "RCPFullAWSAccess", Content: RCPFullAWSAccess}},
				SampleMember:     {{ID: "p-RCPFullAWSAccess", Name: "RCPFullAWSAccess", Content: RCPFullAWSAccess}},
				SampleManagement: {{ID: "p-RCPFullAWSAccess", Name: "RCPFullAWSAccess", Content: RCPFullAWSAccess}},
			},
			MemberAccounts:  []string{SampleAccount, SampleMember},
			SuspendedMember: []string{"777777777777"},
		},
	}
}

// SampleMemberAccount is a second, small account of the same organization.
func SampleMemberAccount() *Account {
	return &Account{
		ID: SampleMember,
		Regions: map[string]*Region{
			"us-east-1": {Repos: []Repo{{Name: "mirror", Policy: PublicPullPolicy}}},
		},
		IAM: IAM{Roles: []Role{{Name: "ecrguard-reader", Trust: TrustEC2}}},
	}
}

// SampleGuardrails is Sample with what changes answers beyond it: a custom
// RCP at the OU (OrgOnly, which closes the public repository app to
// principals outside the organization) and, in us-east-1, repository
// creation templates across pages (ROOT without a policy, team-a with one
// that lets anyone pull).
func SampleGuardrails() *Account {
	a := Sample()
	a.Org.AttachedRCPs["ou-root-prod"] = append(a.Org.AttachedRCPs["ou-root-prod"], SCP{ID: "p-orgonly", Name: "OrgOnly", Content: DenyOutsideOrgRCP})
	us := a.Regions["us-east-1"]
	us.Templates = []Template{
		{Prefix: "ROOT", AppliedFor: []string{"PULL_THROUGH_CACHE"}},
		{Prefix: "team-a", AppliedFor: []string{"REPLICATION", "CREATE_ON_PUSH"}, Policy: TeamTemplatePolicy},
	}
	us.TemplatePageSize = 1
	return a
}
