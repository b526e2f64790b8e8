package live

import (
	"context"

	"github.com/aws/aws-sdk-go-v2/credentials/stscreds"
	"github.com/aws/aws-sdk-go-v2/service/ecr"
	"github.com/aws/aws-sdk-go-v2/service/ecrpublic"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/organizations"
	"github.com/aws/aws-sdk-go-v2/service/sts"

	"github.com/ecrguard/ecrguard/estate"
)

// Call is one AWS API operation the collector invokes, with the IAM action
// it needs. docs/PERMISSIONS.md is generated from Calls, and a test proves
// that the table lists exactly the operations of the client interfaces
// below (the only way the collector reaches AWS).
type Call struct {
	// API is "service:Operation", as gaps name their source.
	API string
	// Action is the IAM action the call needs, or "" when none is needed.
	Action string
	// Who says whose permission it is: "scanned" (the identity that reads
	// each account), "caller" (the identity ecrguard starts with, to assume
	// roles) or "organization" (the identity that can read the
	// organization, usually in its management account).
	Who string
	// BestEffort calls (Organizations) read the guardrails over an
	// account. Not having their answer cannot make a result look cleaner:
	// SCPs not read end in a note; RCPs not read end in a gap whose message
	// says the analysis assumes none, so that the report can name the
	// conclusions resting on that.
	BestEffort bool
	// Purpose says what the answer is used for.
	Purpose string
}

// API names, as gaps and logs spell them.
const (
	apiGetCallerIdentity              = "sts:GetCallerIdentity"
	apiAssumeRole                     = "sts:AssumeRole"
	apiGetAccountAuthorizationDetails = "iam:GetAccountAuthorizationDetails"
	apiGetPolicy                      = "iam:GetPolicy"
	apiGetPolicyVersion               = "iam:GetPolicyVersion"
	apiDescribeRepositories           = "ecr:DescribeRepositories"
	apiGetRepositoryPolicy            = "ecr:GetRepositoryPolicy"
	apiListTagsForResource            = "ecr:ListTagsForResource"
	apiGetRegistryPolicy              = "ecr:GetRegistryPolicy"
	apiDescribeRegistry               = "ecr:DescribeRegistry"
	apiGetAccountSetting              = estate.ScopeAPI
	apiDescribeCreationTemplates      = "ecr:DescribeRepositoryCreationTemplates"
	apiPublicDescribeRepositories     = "ecr-public:DescribeRepositories"
	apiPublicGetRepositoryPolicy      = "ecr-public:GetRepositoryPolicy"
	apiDescribeOrganization           = "organizations:DescribeOrganization"
	apiListRoots                      = "organizations:ListRoots"
	apiListParents                    = "organizations:ListParents"
	apiListPoliciesForTarget          = "organizations:ListPoliciesForTarget"
	apiDescribePolicy                 = "organizations:DescribePolicy"
	apiListAccounts                   = "organizations:ListAccounts"
)

// calls is the table: every AWS operation the collector invokes.
var calls = []Call{
	{API: apiGetCallerIdentity, Who: "scanned",
		Purpose: "which account and principal the credentials are (needs no permission)"},
	{API: apiAssumeRole, Action: "sts:AssumeRole", Who: "caller",
		Purpose: "only with --role-arn or --accounts: act as the role ecrguard is given"},
	{API: apiDescribeRepositories, Action: "ecr:DescribeRepositories", Who: "scanned",
		Purpose: "the repositories of each region (paginated), with their settings"},
	{API: apiGetRepositoryPolicy, Action: "ecr:GetRepositoryPolicy", Who: "scanned",
		Purpose: "each repository's policy"},
	{API: apiListTagsForResource, Action: "ecr:ListTagsForResource", Who: "scanned",
		Purpose: "each repository's tags (for ecr:ResourceTag conditions)"},
	{API: apiGetRegistryPolicy, Action: "ecr:GetRegistryPolicy", Who: "scanned",
		Purpose: "each region's registry policy"},
	{API: apiDescribeRegistry, Action: "ecr:DescribeRegistry", Who: "scanned",
		Purpose: "each region's replication configuration"},
	{API: apiGetAccountSetting, Action: "ecr:GetAccountSetting", Who: "scanned",
		Purpose: "REGISTRY_POLICY_SCOPE: which actions the registry policy governs"},
	{API: apiDescribeCreationTemplates, Action: "ecr:DescribeRepositoryCreationTemplates", Who: "scanned",
		Purpose: "each region's repository creation templates (paginated), with the repository policy each gives the repositories ECR creates from it"},
	{API: apiPublicDescribeRepositories, Action: "ecr-public:DescribeRepositories", Who: "scanned",
		Purpose: "the account's ECR Public repositories (us-east-1, paginated)"},
	{API: apiPublicGetRepositoryPolicy, Action: "ecr-public:GetRepositoryPolicy", Who: "scanned",
		Purpose: "each ECR Public repository's policy"},
	{API: apiGetAccountAuthorizationDetails, Action: "iam:GetAccountAuthorizationDetails", Who: "scanned",
		Purpose: "users, groups, roles, their inline and attached policies, boundaries (paginated)"},
	{API: apiGetPolicy, Action: "iam:GetPolicy", Who: "scanned",
		Purpose: "an attached managed policy the authorization details did not include: its default version"},
	{API: apiGetPolicyVersion, Action: "iam:GetPolicyVersion", Who: "scanned",
		Purpose: "that policy's document"},
	{API: apiDescribeOrganization, Action: "organizations:DescribeOrganization", Who: "organization", BestEffort: true,
		Purpose: "whether the account is in an organization, and which is its management account"},
	{API: apiListRoots, Action: "organizations:ListRoots", Who: "organization", BestEffort: true,
		Purpose: "whether service control policies and resource control policies are enabled"},
	{API: apiListParents, Action: "organizations:ListParents", Who: "organization", BestEffort: true,
		Purpose: "the organizational units above the account"},
	{API: apiListPoliciesForTarget, Action: "organizations:ListPoliciesForTarget", Who: "organization", BestEffort: true,
		Purpose: "the SCPs and the RCPs attached to the account, each OU above it and the root"},
	{API: apiDescribePolicy, Action: "organizations:DescribePolicy", Who: "organization", BestEffort: true,
		Purpose: "each SCP's and RCP's document"},
	{API: apiListAccounts, Action: "organizations:ListAccounts", Who: "organization",
		Purpose: "only with --accounts all: the organization's accounts"},
}

// Calls returns the table of AWS operations the collector invokes.
func Calls() []Call { return append([]Call(nil), calls...) }

func knownAPI(api string) bool {
	for _, c := range calls {
		if c.API == api {
			return true
		}
	}
	return false
}

// The client interfaces: exactly the SDK methods the collector calls, so
// that tests can serve them and the permission table can be proved
// complete. *sts.Client, *iam.Client, *ecr.Client, *ecrpublic.Client and
// *organizations.Client satisfy them.

// STSAPI is the part of the STS client the collector uses.
type STSAPI interface {
	GetCallerIdentity(ctx context.Context, in *sts.GetCallerIdentityInput, optFns ...func(*sts.Options)) (*sts.GetCallerIdentityOutput, error)
	stscreds.AssumeRoleAPIClient
}

// IAMAPI is the part of the IAM client the collector uses.
type IAMAPI interface {
	iam.GetAccountAuthorizationDetailsAPIClient
	GetPolicy(ctx context.Context, in *iam.GetPolicyInput, optFns ...func(*iam.Options)) (*iam.GetPolicyOutput, error)
	GetPolicyVersion(ctx context.Context, in *iam.GetPolicyVersionInput, optFns ...func(*iam.Options)) (*iam.GetPolicyVersionOutput, error)
}

// ECRAPI is the part of a regional ECR client the collector uses.
type ECRAPI interface {
	ecr.DescribeRepositoriesAPIClient
	ecr.DescribeRepositoryCreationTemplatesAPIClient
	GetRepositoryPolicy(ctx context.Context, in *ecr.GetRepositoryPolicyInput, optFns ...func(*ecr.Options)) (*ecr.GetRepositoryPolicyOutput, error)
	ListTagsForResource(ctx context.Context, in *ecr.ListTagsForResourceInput, optFns ...func(*ecr.Options)) (*ecr.ListTagsForResourceOutput, error)
	GetRegistryPolicy(ctx context.Context, in *ecr.GetRegistryPolicyInput, optFns ...func(*ecr.Options)) (*ecr.GetRegistryPolicyOutput, error)
	DescribeRegistry(ctx context.Context, in *ecr.DescribeRegistryInput, optFns ...func(*ecr.Options)) (*ecr.DescribeRegistryOutput, error)
	GetAccountSetting(ctx context.Context, in *ecr.GetAccountSettingInput, optFns ...func(*ecr.Options)) (*ecr.GetAccountSettingOutput, error)
}

// ECRPublicAPI is the part of the ECR Public client the collector uses.
type ECRPublicAPI interface {
	ecrpublic.DescribeRepositoriesAPIClient
	GetRepositoryPolicy(ctx context.Context, in *ecrpublic.GetRepositoryPolicyInput, optFns ...func(*ecrpublic.Options)) (*ecrpublic.GetRepositoryPolicyOutput, error)
}

// OrganizationsAPI is the part of the Organizations client the collector
// uses.
type OrganizationsAPI interface {
	DescribeOrganization(ctx context.Context, in *organizations.DescribeOrganizationInput, optFns ...func(*organizations.Options)) (*organizations.DescribeOrganizationOutput, error)
	organizations.ListRootsAPIClient
	organizations.ListParentsAPIClient
	organizations.ListPoliciesForTargetAPIClient
	DescribePolicy(ctx context.Context, in *organizations.DescribePolicyInput, optFns ...func(*organizations.Options)) (*organizations.DescribePolicyOutput, error)
	organizations.ListAccountsAPIClient
}

// Compile-time proof that the SDK clients serve the interfaces.
var (
	_ STSAPI           = (*sts.Client)(nil)
	_ IAMAPI           = (*iam.Client)(nil)
	_ ECRAPI           = (*ecr.Client)(nil)
	_ ECRPublicAPI     = (*ecrpublic.Client)(nil)
	_ OrganizationsAPI = (*organizations.Client)(nil)
)
