package live

import (
	"context"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecr"
	ecrtypes "github.com/aws/aws-sdk-go-v2/service/ecr/types"
	"github.com/aws/aws-sdk-go-v2/service/ecrpublic"
	ecrpubtypes "github.com/aws/aws-sdk-go-v2/service/ecrpublic/types"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"
	"github.com/aws/aws-sdk-go-v2/service/organizations"
	orgtypes "github.com/aws/aws-sdk-go-v2/service/organizations/types"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	ststypes "github.com/aws/aws-sdk-go-v2/service/sts/types"
	"github.com/aws/smithy-go"
)

// publicPage is a page of ECR Public's DescribeRepositories listing the
// repositories named, with next as its token.
func publicPage(next *string, names ...string) *ecrpublic.DescribeRepositoriesOutput {
	page := &ecrpublic.DescribeRepositoriesOutput{NextToken: next}
	for _, n := range names {
		page.Repositories = append(page.Repositories, ecrpubtypes.Repository{RepositoryName: aws.String(n)})
	}
	return page
}

// fake is an in-process fake of the client interfaces: a small account
// whose every answer a test can replace (on) and whose calls it records.
type fake struct {
	account string
	*fakeState
}

// fakeState is shared by a fake and the fakes of the accounts reached
// through it.
type fakeState struct {
	mu          sync.Mutex
	calls       map[string]int
	inflight    int
	maxInflight int
	delay       time.Duration
	// on replaces an answer: key "api" or "api|resource"; the function
	// gets the input and returns the output or an error. Set it before
	// the run.
	on map[string]func(in any) (any, error)
}

func newFake() *fake {
	return &fake{account: "111122223333", fakeState: &fakeState{calls: map[string]int{}, on: map[string]func(any) (any, error){}}}
}

func apiErr(code, msg string) error { return &smithy.GenericAPIError{Code: code, Message: msg} }

// do records a call and runs the override or the default answer.
func do[T any](ctx context.Context, f *fake, api, resource string, in any, def func() (T, error)) (T, error) {
	f.mu.Lock()
	f.calls[api]++
	f.inflight++
	if f.inflight > f.maxInflight {
		f.maxInflight = f.inflight
	}
	h := f.on[api+"|"+resource]
	if h == nil {
		h = f.on[api]
	}
	delay := f.delay
	f.mu.Unlock()
	defer func() {
		f.mu.Lock()
		f.inflight--
		f.mu.Unlock()
	}()
	var zero T
	if delay > 0 {
		select {
		case <-time.After(delay):
		case <-ctx.Done():
			return zero, ctx.Err()
		}
	}
	if err := ctx.Err(); err != nil {
		return zero, err
	}
	if h != nil {
		out, err := h(in)
		if err != nil {
			return zero, err
		}
		return out.(T), nil
	}
	return def()
}

func (f *fake) clients() *Clients {
	c := &Clients{STS: fakeSTS{f}, IAM: fakeIAM{f}, Organizations: fakeOrgs{f}, ECRPublic: fakePublic{f}}
	c.ECR = func(region string) ECRAPI { return fakeECR{f, region} }
	c.AssumeRole = func(roleARN, externalID string) *Clients {
		g := &fake{account: roleARN[len("arn:aws:iam::") : len("arn:aws:iam::")+12], fakeState: f.fakeState}
		g.mu.Lock()
		g.calls[apiAssumeRole]++
		g.mu.Unlock()
		return g.clients()
	}
	return c
}

type fakeSTS struct{ f *fake }

func (s fakeSTS) GetCallerIdentity(ctx context.Context, in *sts.GetCallerIdentityInput, _ ...func(*sts.Options)) (*sts.GetCallerIdentityOutput, error) {
	return do(ctx, s.f, apiGetCallerIdentity, "", in, func() (*sts.GetCallerIdentityOutput, error) {
		return &sts.GetCallerIdentityOutput{Account: aws.String(s.f.account), Arn: aws.String("arn:aws:iam::" + s.f.account + ":user/tester")}, nil
	})
}

func (s fakeSTS) AssumeRole(ctx context.Context, in *sts.AssumeRoleInput, _ ...func(*sts.Options)) (*sts.AssumeRoleOutput, error) {
	return do(ctx, s.f, apiAssumeRole, aws.ToString(in.RoleArn), in, func() (*sts.AssumeRoleOutput, error) {
		return &sts.AssumeRoleOutput{Credentials: &ststypes.Credentials{}}, nil
	})
}

type fakeECR struct {
	f      *fake
	region string
}

func (e fakeECR) DescribeRepositories(ctx context.Context, in *ecr.DescribeRepositoriesInput, _ ...func(*ecr.Options)) (*ecr.DescribeRepositoriesOutput, error) {
	return do(ctx, e.f, apiDescribeRepositories, e.region, in, func() (*ecr.DescribeRepositoriesOutput, error) {
		return &ecr.DescribeRepositoriesOutput{Repositories: []ecrtypes.Repository{{RepositoryName: aws.String("app")}}}, nil
	})
}

func (e fakeECR) GetRepositoryPolicy(ctx context.Context, in *ecr.GetRepositoryPolicyInput, _ ...func(*ecr.Options)) (*ecr.GetRepositoryPolicyOutput, error) {
	return do(ctx, e.f, apiGetRepositoryPolicy, aws.ToString(in.RepositoryName), in, func() (*ecr.GetRepositoryPolicyOutput, error) {
		return nil, apiErr(codeRepositoryPolicyNotFound, "none")
	})
}

func (e fakeECR) ListTagsForResource(ctx context.Context, in *ecr.ListTagsForResourceInput, _ ...func(*ecr.Options)) (*ecr.ListTagsForResourceOutput, error) {
	return do(ctx, e.f, apiListTagsForResource, aws.ToString(in.ResourceArn), in, func() (*ecr.ListTagsForResourceOutput, error) {
		return &ecr.ListTagsForResourceOutput{}, nil
	})
}

func (e fakeECR) GetRegistryPolicy(ctx context.Context, in *ecr.GetRegistryPolicyInput, _ ...func(*ecr.Options)) (*ecr.GetRegistryPolicyOutput, error) {
	return do(ctx, e.f, apiGetRegistryPolicy, e.region, in, func() (*ecr.GetRegistryPolicyOutput, error) {
		return nil, apiErr(codeRegistryPolicyNotFound, "none")
	})
}

func (e fakeECR) DescribeRegistry(ctx context.Context, in *ecr.DescribeRegistryInput, _ ...func(*ecr.Options)) (*ecr.DescribeRegistryOutput, error) {
	return do(ctx, e.f, apiDescribeRegistry, e.region, in, func() (*ecr.DescribeRegistryOutput, error) {
		return &ecr.DescribeRegistryOutput{}, nil
	})
}

func (e fakeECR) GetAccountSetting(ctx context.Context, in *ecr.GetAccountSettingInput, _ ...func(*ecr.Options)) (*ecr.GetAccountSettingOutput, error) {
	return do(ctx, e.f, apiGetAccountSetting, e.region, in, func() (*ecr.GetAccountSettingOutput, error) {
		return &ecr.GetAccountSettingOutput{Name: in.Name, Value: aws.String("V2")}, nil
	})
}

func (e fakeECR) DescribeRepositoryCreationTemplates(ctx context.Context, in *ecr.DescribeRepositoryCreationTemplatesInput, _ ...func(*ecr.Options)) (*ecr.DescribeRepositoryCreationTemplatesOutput, error) {
	return do(ctx, e.f, apiDescribeCreationTemplates, e.region, in, func() (*ecr.DescribeRepositoryCreationTemplatesOutput, error) {
		return &ecr.DescribeRepositoryCreationTemplatesOutput{}, nil
	})
}

type fakePublic struct{ f *fake }

func (p fakePublic) DescribeRepositories(ctx context.Context, in *ecrpublic.DescribeRepositoriesInput, _ ...func(*ecrpublic.Options)) (*ecrpublic.DescribeRepositoriesOutput, error) {
	return do(ctx, p.f, apiPublicDescribeRepositories, "", in, func() (*ecrpublic.DescribeRepositoriesOutput, error) {
		return &ecrpublic.DescribeRepositoriesOutput{Repositories: []ecrpubtypes.Repository{{RepositoryName: aws.String("pub")}}}, nil
	})
}

func (p fakePublic) GetRepositoryPolicy(ctx context.Context, in *ecrpublic.GetRepositoryPolicyInput, _ ...func(*ecrpublic.Options)) (*ecrpublic.GetRepositoryPolicyOutput, error) {
	return do(ctx, p.f, apiPublicGetRepositoryPolicy, aws.ToString(in.RepositoryName), in, func() (*ecrpublic.GetRepositoryPolicyOutput, error) {
		return nil, apiErr(codeRepositoryPolicyNotFound, "none")
	})
}

type fakeIAM struct{ f *fake }

const fakeDoc = `%7B%22Version%22%3A%222012-10-17%22%2C%22Statement%22%3A%5B%5D%7D` // {"Version":"2012-10-17","Statement":[]}

func (i fakeIAM) GetAccountAuthorizationDetails(ctx context.Context, in *iam.GetAccountAuthorizationDetailsInput, _ ...func(*iam.Options)) (*iam.GetAccountAuthorizationDetailsOutput, error) {
	return do(ctx, i.f, apiGetAccountAuthorizationDetails, "", in, func() (*iam.GetAccountAuthorizationDetailsOutput, error) {
		return &iam.GetAccountAuthorizationDetailsOutput{
			UserDetailList: []iamtypes.UserDetail{{UserName: aws.String("alice"), Arn: aws.String("arn:aws:iam::" + i.f.account + ":user/alice"),
				AttachedManagedPolicies: []iamtypes.AttachedPolicy{{PolicyArn: aws.String("arn:aws:iam::" + i.f.account + ":policy/extra")}}}},
		}, nil
	})
}

func (i fakeIAM) GetPolicy(ctx context.Context, in *iam.GetPolicyInput, _ ...func(*iam.Options)) (*iam.GetPolicyOutput, error) {
	return do(ctx, i.f, apiGetPolicy, aws.ToString(in.PolicyArn), in, func() (*iam.GetPolicyOutput, error) {
		return &iam.GetPolicyOutput{Policy: &iamtypes.Policy{Arn: in.PolicyArn, PolicyName: aws.String("extra"), DefaultVersionId: aws.String("v1")}}, nil
	})
}

func (i fakeIAM) GetPolicyVersion(ctx context.Context, in *iam.GetPolicyVersionInput, _ ...func(*iam.Options)) (*iam.GetPolicyVersionOutput, error) {
	return do(ctx, i.f, apiGetPolicyVersion, aws.ToString(in.PolicyArn), in, func() (*iam.GetPolicyVersionOutput, error) {
		return &iam.GetPolicyVersionOutput{PolicyVersion: &iamtypes.PolicyVersion{Document: aws.String(fakeDoc), VersionId: in.VersionId, IsDefaultVersion: true}}, nil
	})
}

type fakeOrgs struct{ f *fake }

func (o fakeOrgs) DescribeOrganization(ctx context.Context, in *organizations.DescribeOrganizationInput, _ ...func(*organizations.Options)) (*organizations.DescribeOrganizationOutput, error) {
	return do(ctx, o.f, apiDescribeOrganization, "", in, func() (*organizations.DescribeOrganizationOutput, error) {
		return &organizations.DescribeOrganizationOutput{Organization: &orgtypes.Organization{Id: aws.String("o-1"), FeatureSet: orgtypes.OrganizationFeatureSetAll,
			MasterAccountId: aws.String("999999999999")}}, nil
	})
}

func (o fakeOrgs) ListRoots(ctx context.Context, in *organizations.ListRootsInput, _ ...func(*organizations.Options)) (*organizations.ListRootsOutput, error) {
	return do(ctx, o.f, apiListRoots, "", in, func() (*organizations.ListRootsOutput, error) {
		return &organizations.ListRootsOutput{Roots: []orgtypes.Root{{Id: aws.String("r-1"), PolicyTypes: []orgtypes.PolicyTypeSummary{
			{Type: orgtypes.PolicyTypeServiceControlPolicy, Status: orgtypes.PolicyTypeStatusEnabled}}}}}, nil
	})
}

func (o fakeOrgs) ListParents(ctx context.Context, in *organizations.ListParentsInput, _ ...func(*organizations.Options)) (*organizations.ListParentsOutput, error) {
	return do(ctx, o.f, apiListParents, aws.ToString(in.ChildId), in, func() (*organizations.ListParentsOutput, error) {
		return &organizations.ListParentsOutput{Parents: []orgtypes.Parent{{Id: aws.String("r-1"), Type: orgtypes.ParentTypeRoot}}}, nil
	})
}

func (o fakeOrgs) ListPoliciesForTarget(ctx context.Context, in *organizations.ListPoliciesForTargetInput, _ ...func(*organizations.Options)) (*organizations.ListPoliciesForTargetOutput, error) {
	return do(ctx, o.f, apiListPoliciesForTarget, aws.ToString(in.TargetId), in, func() (*organizations.ListPoliciesForTargetOutput, error) {
		return &organizations.ListPoliciesForTargetOutput{Policies: []orgtypes.PolicySummary{{Id: aws.String("p-full"), Name: aws.String("FullAWSAccess")}}}, nil
	})
}

func (o fakeOrgs) DescribePolicy(ctx context.Context, in *organizations.DescribePolicyInput, _ ...func(*organizations.Options)) (*organizations.DescribePolicyOutput, error) {
	return do(ctx, o.f, apiDescribePolicy, aws.ToString(in.PolicyId), in, func() (*organizations.DescribePolicyOutput, error) {
		return &organizations.DescribePolicyOutput{Policy: &orgtypes.Policy{Content: aws.String(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}`)}}, nil
	})
}

func (o fakeOrgs) ListAccounts(ctx context.Context, in *organizations.ListAccountsInput, _ ...func(*organizations.Options)) (*organizations.ListAccountsOutput, error) {
	return do(ctx, o.f, apiListAccounts, "", in, func() (*organizations.ListAccountsOutput, error) {
		return &organizations.ListAccountsOutput{Accounts: []orgtypes.Account{{Id: aws.String("111122223333"), State: orgtypes.AccountStateActive},
			{Id: aws.String("222233334444"), State: orgtypes.AccountStateActive}}}, nil
	})
}

var _ = []any{fakeSTS{}, fakeECR{}, fakePublic{}, fakeIAM{}, fakeOrgs{}}
