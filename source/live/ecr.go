package live

import (
	"context"
	"fmt"
	"sort"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecr"
	ecrtypes "github.com/aws/aws-sdk-go-v2/service/ecr/types"
	"github.com/aws/aws-sdk-go-v2/service/ecrpublic"

	"github.com/ecrguard/ecrguard/estate"
)

// AWS error codes that mean "there is none" rather than a failure.
const (
	codeRepositoryPolicyNotFound = "RepositoryPolicyNotFoundException"
	codeRegistryPolicyNotFound   = "RegistryPolicyNotFoundException"
	codeRepositoryNotFound       = "RepositoryNotFoundException"
)

// repoResult is what was read about one repository; results are written to
// the estate together when the region is done, so that a repository deleted
// during the scan can be left out.
type repoResult struct {
	name, arn   string
	inventory   ecrtypes.Repository
	policy      *estate.Policy
	policyState estate.PolicyState
	tags        map[string]string
	tagsKnown   bool
	// goneP and goneT: a call answered that the repository no longer
	// exists (two fields, because the two calls run at once).
	goneP, goneT bool
}

// region reads one region's registry and repositories.
func (c *collector) region(ctx context.Context, cl ECRAPI, account, region string) {
	registryARN := estate.RegistryARN(region, account)
	c.mu.Lock()
	c.est.Account(account).Region(region)
	c.mu.Unlock()

	repos, err := c.describeRepositories(ctx, cl, account, region)
	if err != nil {
		if c.opts.AllRegions && notEnabled(region, err) {
			// --all-regions asks every region, enabled or not; one the
			// account has not enabled holds nothing anyone can use, so it
			// cannot change an answer.
			c.note(apiDescribeRepositories, fmt.Sprintf("region %s is not enabled for account %s (it answered %s): an account has no repositories it or anyone else can use in a region it has not enabled, so there is nothing to assess there", region, account, errorCode(err)))
			return
		}
		if regionLevel(err) {
			why := "region not read"
			if optInRegions[region] {
				why = "region not read (it is an opt-in region: is it enabled for this account?)"
			}
			c.gap(apiDescribeRepositories, account, region, registryARN, why, err)
			return
		}
		why := "repositories not listed"
		if len(repos) > 0 {
			why = fmt.Sprintf("repositories listed only in part (%d read before the error)", len(repos))
		}
		c.gap(apiDescribeRepositories, account, region, registryARN, why, err)
	}
	c.progress(func(p *Progress) { p.Repositories += len(repos) })

	var registry estate.Registry
	var templates []*estate.CreationTemplate
	var wg sync.WaitGroup
	wg.Go(func() { templates = c.templates(ctx, cl, account, region) })
	wg.Go(func() { c.registryPolicy(ctx, cl, account, region, &registry) })
	wg.Go(func() { c.replication(ctx, cl, account, region, &registry) })
	wg.Go(func() { c.scope(ctx, cl, account, region, &registry) })
	for _, r := range repos {
		var inner sync.WaitGroup
		inner.Go(func() { c.repositoryPolicy(ctx, cl, account, region, r) })
		inner.Go(func() { c.repositoryTags(ctx, cl, account, region, r) })
		wg.Go(func() {
			inner.Wait()
			c.progress(func(p *Progress) { p.RepositoriesDone++ })
		})
	}
	wg.Wait()

	c.mu.Lock()
	defer c.mu.Unlock()
	reg := c.est.Account(account).Region(region)
	reg.Registry = registry
	for _, t := range templates {
		rt := reg.Template(t.Prefix)
		rt.AppliedFor, rt.PolicySlot = t.AppliedFor, t.PolicySlot
	}
	for _, r := range repos {
		if r.goneP || r.goneT {
			c.est.AddNote(estate.Note{Source: apiGetRepositoryPolicy, Message: fmt.Sprintf("%s was deleted during the scan; left out", r.arn)})
			continue
		}
		repo := reg.Repository(r.name)
		if r.arn != "" {
			repo.ARN = r.arn
		}
		repo.Policy, repo.PolicyState = r.policy, r.policyState
		repo.Tags, repo.TagsKnown = r.tags, r.tagsKnown
		repo.InInventory = true
		repo.ImageTagMutability = string(r.inventory.ImageTagMutability)
		if sc := r.inventory.ImageScanningConfiguration; sc != nil {
			scan := sc.ScanOnPush
			repo.ScanOnPush = &scan
		}
		if ec := r.inventory.EncryptionConfiguration; ec != nil {
			repo.EncryptionType = string(ec.EncryptionType)
		}
		if t := r.inventory.CreatedAt; t != nil {
			repo.CreatedAt = t.UTC().Format(time.RFC3339)
		}
	}
}

// describeRepositories lists the region's repositories, page by page; on an
// error it returns those read so far.
func (c *collector) describeRepositories(ctx context.Context, cl ECRAPI, account, region string) ([]*repoResult, error) {
	var out []*repoResult
	seen := names{}
	seenTokens := tokens{}
	p := ecr.NewDescribeRepositoriesPaginator(cl, &ecr.DescribeRepositoriesInput{MaxResults: aws.Int32(1000)})
	for p.HasMorePages() {
		page, err := call(ctx, c, apiDescribeRepositories, func(ctx context.Context) (*ecr.DescribeRepositoriesOutput, error) { return p.NextPage(ctx) })
		if err != nil {
			return out, err
		}
		out = appendRepos(out, seen, page.Repositories, account, region)
		if err := seenTokens.check(page.NextToken); err != nil {
			return out, err
		}
	}
	return out, nil
}

func appendRepos(out []*repoResult, seen names, page []ecrtypes.Repository, account, region string) []*repoResult {
	for _, r := range page {
		name := aws.ToString(r.RepositoryName)
		if !seen.first(name) {
			continue
		}
		arn := aws.ToString(r.RepositoryArn)
		if arn == "" {
			arn = estate.RepositoryARN(region, account, name)
		}
		out = append(out, &repoResult{name: name, arn: arn, inventory: r})
	}
	return out
}

func (c *collector) repositoryPolicy(ctx context.Context, cl ECRAPI, account, region string, r *repoResult) {
	out, err := call(ctx, c, apiGetRepositoryPolicy, func(ctx context.Context) (*ecr.GetRepositoryPolicyOutput, error) {
		return cl.GetRepositoryPolicy(ctx, &ecr.GetRepositoryPolicyInput{RepositoryName: aws.String(r.name), RegistryId: aws.String(account)})
	})
	switch {
	case err == nil && aws.ToString(out.PolicyText) == "":
		r.policyState = estate.NoPolicy
	case err == nil:
		p, err := parsePolicy("repository policy of "+r.name, r.arn, aws.ToString(out.PolicyText))
		if err != nil {
			c.gap(apiGetRepositoryPolicy, account, region, r.arn, "", err)
			return
		}
		r.policy, r.policyState = p, estate.HasPolicy
	case notFound(err, codeRepositoryPolicyNotFound):
		r.policyState = estate.NoPolicy
	case notFound(err, codeRepositoryNotFound):
		r.goneP = true
	default:
		c.gap(apiGetRepositoryPolicy, account, region, r.arn, "policy not read", err)
	}
}

func (c *collector) repositoryTags(ctx context.Context, cl ECRAPI, account, region string, r *repoResult) {
	out, err := call(ctx, c, apiListTagsForResource, func(ctx context.Context) (*ecr.ListTagsForResourceOutput, error) {
		return cl.ListTagsForResource(ctx, &ecr.ListTagsForResourceInput{ResourceArn: aws.String(r.arn)})
	})
	switch {
	case err == nil:
		r.tags, r.tagsKnown = map[string]string{}, true
		for _, t := range out.Tags {
			r.tags[aws.ToString(t.Key)] = aws.ToString(t.Value)
		}
	case notFound(err, codeRepositoryNotFound):
		r.goneT = true
	default:
		c.gap(apiListTagsForResource, account, region, r.arn, "tags not read (conditions on resource tags are judged without them)", err)
	}
}

// templates reads the region's repository creation templates, page by
// page, with the repository policy each gives the repositories ECR creates
// from it. On an error it returns those read so far (their policies read),
// and a gap says the list is incomplete.
func (c *collector) templates(ctx context.Context, cl ECRAPI, account, region string) []*estate.CreationTemplate {
	var out []*estate.CreationTemplate
	seen := names{}
	seenTokens := tokens{}
	p := ecr.NewDescribeRepositoryCreationTemplatesPaginator(cl, &ecr.DescribeRepositoryCreationTemplatesInput{})
	for p.HasMorePages() {
		page, err := call(ctx, c, apiDescribeCreationTemplates, func(ctx context.Context) (*ecr.DescribeRepositoryCreationTemplatesOutput, error) {
			return p.NextPage(ctx)
		})
		if err == nil {
			for _, t := range page.RepositoryCreationTemplates {
				if seen.first(aws.ToString(t.Prefix)) {
					out = append(out, c.template(account, region, t))
				}
			}
			err = seenTokens.check(page.NextToken)
		}
		if err != nil {
			why := "repository creation templates not read"
			if len(out) > 0 {
				why = fmt.Sprintf("repository creation templates read only in part (%d read before the error)", len(out))
			}
			c.gap(apiDescribeCreationTemplates, account, region, estate.RegistryARN(region, account), why, err)
			break
		}
	}
	return out
}

// template makes one template of an answer; its policy comes with it (an
// empty repositoryPolicy: the template gives none).
func (c *collector) template(account, region string, t ecrtypes.RepositoryCreationTemplate) *estate.CreationTemplate {
	prefix := aws.ToString(t.Prefix)
	out := &estate.CreationTemplate{Prefix: prefix, Account: account, Region: region, ARN: estate.TemplateARN(region, account, prefix)}
	for _, a := range t.AppliedFor {
		out.AppliedFor = append(out.AppliedFor, string(a))
	}
	sort.Strings(out.AppliedFor)
	text := aws.ToString(t.RepositoryPolicy)
	if text == "" {
		out.SetPolicy(nil)
		return out
	}
	p, err := parsePolicy("repository policy of creation template "+prefix, out.ARN, text)
	if err != nil {
		c.gap(apiDescribeCreationTemplates, account, region, out.ARN, "", err)
		return out
	}
	out.SetPolicy(p)
	return out
}

func (c *collector) registryPolicy(ctx context.Context, cl ECRAPI, account, region string, reg *estate.Registry) {
	arn := estate.RegistryARN(region, account)
	out, err := call(ctx, c, apiGetRegistryPolicy, func(ctx context.Context) (*ecr.GetRegistryPolicyOutput, error) {
		return cl.GetRegistryPolicy(ctx, &ecr.GetRegistryPolicyInput{})
	})
	switch {
	case err == nil && aws.ToString(out.PolicyText) == "":
		reg.SetPolicy(nil)
	case err == nil:
		p, err := parsePolicy("registry policy of "+account+" in "+region, arn, aws.ToString(out.PolicyText))
		if err != nil {
			c.gap(apiGetRegistryPolicy, account, region, arn, "", err)
			return
		}
		reg.SetPolicy(p)
	case notFound(err, codeRegistryPolicyNotFound):
		reg.SetPolicy(nil)
	default:
		c.gap(apiGetRegistryPolicy, account, region, arn, "registry policy not read", err)
	}
}

func (c *collector) replication(ctx context.Context, cl ECRAPI, account, region string, reg *estate.Registry) {
	out, err := call(ctx, c, apiDescribeRegistry, func(ctx context.Context) (*ecr.DescribeRegistryOutput, error) {
		return cl.DescribeRegistry(ctx, &ecr.DescribeRegistryInput{})
	})
	if err != nil {
		c.gap(apiDescribeRegistry, account, region, estate.RegistryARN(region, account), "replication configuration not read", err)
		return
	}
	if rc := out.ReplicationConfiguration; rc != nil {
		for _, rule := range rc.Rules {
			for _, d := range rule.Destinations {
				reg.Replication = append(reg.Replication, estate.ReplicationDestination{Account: aws.ToString(d.RegistryId), Region: aws.ToString(d.Region)})
			}
		}
	}
}

func (c *collector) scope(ctx context.Context, cl ECRAPI, account, region string, reg *estate.Registry) {
	out, err := call(ctx, c, apiGetAccountSetting, func(ctx context.Context) (*ecr.GetAccountSettingOutput, error) {
		return cl.GetAccountSetting(ctx, &ecr.GetAccountSettingInput{Name: aws.String("REGISTRY_POLICY_SCOPE")})
	})
	if err != nil {
		c.gap(apiGetAccountSetting, account, region, estate.RegistryARN(region, account),
			"registry policy scope not read (judged under both V1 and V2: a gap only if they differ)", err)
		return
	}
	switch v := aws.ToString(out.Value); v {
	case estate.ScopeV1, estate.ScopeV2:
		reg.Scope = v
	default:
		c.gap(apiGetAccountSetting, account, region, estate.RegistryARN(region, account), "",
			fmt.Errorf("REGISTRY_POLICY_SCOPE is %q, expected V1 or V2 (judged under both V1 and V2: a gap only if they differ)", v))
	}
}

// public reads the account's ECR Public repositories and their policies.
func (c *collector) public(ctx context.Context, cl ECRPublicAPI, account string) {
	type pub struct {
		repo    *estate.PublicRepository
		deleted bool
	}
	var repos []*pub
	// A repository a later page lists again is read once, as in
	// describeRepositories.
	seen := names{}
	seenTokens := tokens{}
	p := ecrpublic.NewDescribeRepositoriesPaginator(cl, &ecrpublic.DescribeRepositoriesInput{})
	for p.HasMorePages() {
		page, err := call(ctx, c, apiPublicDescribeRepositories, func(ctx context.Context) (*ecrpublic.DescribeRepositoriesOutput, error) { return p.NextPage(ctx) })
		if err == nil {
			for _, r := range page.Repositories {
				name := aws.ToString(r.RepositoryName)
				if !seen.first(name) {
					continue
				}
				arn := aws.ToString(r.RepositoryArn)
				if arn == "" {
					arn = "arn:aws:ecr-public::" + account + ":repository/" + name
				}
				repos = append(repos, &pub{repo: &estate.PublicRepository{Name: name, Account: account, ARN: arn}})
			}
			err = seenTokens.check(page.NextToken)
		}
		if err != nil {
			why := "ECR Public repositories not listed"
			if len(repos) > 0 {
				why = fmt.Sprintf("ECR Public repositories listed only in part (%d read before the error)", len(repos))
			}
			c.gap(apiPublicDescribeRepositories, account, PublicRegion, "arn:aws:ecr-public::"+account+":registry", why, err)
			break
		}
	}
	var wg sync.WaitGroup
	for _, r := range repos {
		wg.Go(func() {
			out, err := call(ctx, c, apiPublicGetRepositoryPolicy, func(ctx context.Context) (*ecrpublic.GetRepositoryPolicyOutput, error) {
				return cl.GetRepositoryPolicy(ctx, &ecrpublic.GetRepositoryPolicyInput{RepositoryName: aws.String(r.repo.Name), RegistryId: aws.String(account)})
			})
			switch {
			case err == nil && aws.ToString(out.PolicyText) == "":
				r.repo.SetPolicy(nil)
			case err == nil:
				pol, err := parsePolicy("repository policy of public "+r.repo.Name, r.repo.ARN, aws.ToString(out.PolicyText))
				if err != nil {
					c.gap(apiPublicGetRepositoryPolicy, account, PublicRegion, r.repo.ARN, "", err)
					return
				}
				r.repo.SetPolicy(pol)
			case notFound(err, codeRepositoryPolicyNotFound):
				r.repo.SetPolicy(nil)
			case notFound(err, codeRepositoryNotFound):
				r.deleted = true
			default:
				c.gap(apiPublicGetRepositoryPolicy, account, PublicRegion, r.repo.ARN, "policy not read", err)
			}
		})
	}
	wg.Wait()
	c.mu.Lock()
	defer c.mu.Unlock()
	a := c.est.Account(account)
	for _, r := range repos {
		if r.deleted {
			c.est.AddNote(estate.Note{Source: apiPublicGetRepositoryPolicy, Message: fmt.Sprintf("%s was deleted during the scan; left out", r.repo.ARN)})
			continue
		}
		a.Public = append(a.Public, r.repo)
	}
}
