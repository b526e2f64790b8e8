package live

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strings"
	"sync"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/organizations"
	orgtypes "github.com/aws/aws-sdk-go-v2/service/organizations/types"

	"github.com/ecrguard/ecrguard/estate"
)

// maxOrgDepth bounds the walk up the organization: OUs nest at most five
// deep under the root.
const maxOrgDepth = 8

// orgTarget is one level of the organization above an account: the root,
// an organizational unit or the account itself.
type orgTarget struct{ id, kind string }

// orgPlace is where an account sits in its organization, as far as the
// guardrails over it need: which policy types are enabled, and the levels
// from the root down to the account.
type orgPlace struct {
	org        string
	management bool
	// none, when set, says why no organization policy applies (not in an
	// organization, consolidated billing only).
	none    string
	enabled map[orgtypes.PolicyType]bool
	chain   []orgTarget
}

// guardrails reads the SCPs and the RCPs over account, one estate policy
// per level each, root first (several policies attached at one level are
// one document: for SCPs any of them may allow; a Deny in any denies).
// Only the management account (or a delegated administrator) may read the
// organization. Guardrails that are not known are assumed absent, which
// can show more access than there is, never less: SCPs not read are a
// note, RCPs not read a gap saying the analysis assumes none, which the
// analysis turns into a note naming the findings resting on it. own is
// the Organizations client of the account's own credentials.
func (c *collector) guardrails(ctx context.Context, orgs, own OrganizationsAPI, account string) {
	place, api, err := c.orgPlace(ctx, orgs, own, account)
	if err != nil {
		c.scpsNotRead(api, account, err)
		c.rcpsNotRead(api, account, err)
		return
	}
	if place.none != "" {
		c.note(apiDescribeOrganization, fmt.Sprintf("account %s: %s", account, place.none))
		c.setSCPs(account, nil)
		c.setRCPs(account, nil, place.management)
		return
	}
	var wg sync.WaitGroup
	wg.Go(func() {
		switch {
		case place.management:
			c.note(apiDescribeOrganization, fmt.Sprintf("account %s: the management account of organization %s: SCPs do not apply to it, nor RCPs to its resources", account, place.org))
			c.setSCPs(account, nil)
		case !place.enabled[orgtypes.PolicyTypeServiceControlPolicy]:
			c.note(apiListRoots, fmt.Sprintf("account %s: service control policies are not enabled in organization %s", account, place.org))
			c.setSCPs(account, nil)
		default:
			levels, api, err := c.levels(ctx, orgs, place.chain, orgtypes.PolicyTypeServiceControlPolicy)
			if err != nil {
				c.scpsNotRead(api, account, err)
				return
			}
			c.setSCPs(account, levels)
		}
	})
	wg.Go(func() {
		switch {
		case place.management:
			c.setRCPs(account, nil, true)
		case !place.enabled[orgtypes.PolicyTypeResourceControlPolicy]:
			c.note(apiListRoots, fmt.Sprintf("account %s: resource control policies are not enabled in organization %s", account, place.org))
			c.setRCPs(account, nil, false)
		default:
			levels, api, err := c.levels(ctx, orgs, place.chain, orgtypes.PolicyTypeResourceControlPolicy)
			if err != nil {
				c.rcpsNotRead(api, account, err)
				return
			}
			c.setRCPs(account, levels, false)
		}
	})
	wg.Wait()
}

func (c *collector) setSCPs(account string, levels []*estate.Policy) {
	c.mu.Lock()
	defer c.mu.Unlock()
	a := c.est.Account(account)
	a.SCPs, a.SCPsKnown = levels, true
}

func (c *collector) setRCPs(account string, levels []*estate.Policy, management bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	a := c.est.Account(account)
	a.RCPs, a.RCPsKnown, a.Management = levels, true, management
}

// scpsNotRead notes that the SCPs over account were not read: api failed
// with err.
func (c *collector) scpsNotRead(api, account string, err error) {
	code, msg := classify(err)
	c.note(api, fmt.Sprintf("account %s: service control policies not read (%s: %s); the analysis assumes none restricts the account", account, code, msg))
}

// rcpsNotRead records, as a gap of api, that the RCPs over account were
// not read.
func (c *collector) rcpsNotRead(api, account string, err error) {
	c.gap(api, account, "", "", "resource control policies not read; the analysis assumes no RCP restricts the account's resources", err)
}

// orgPlace reads where account sits in its organization, or returns the
// API that failed and its error.
func (c *collector) orgPlace(ctx context.Context, orgs, own OrganizationsAPI, account string) (*orgPlace, string, error) {
	if orgs == nil {
		return nil, apiDescribeOrganization, errors.New("no Organizations client")
	}
	do, err := c.describeOrganization(ctx, orgs)
	switch {
	case notFound(err, "AWSOrganizationsNotInUseException") && own != nil && own != orgs:
		// The starting credentials' account is in no organization; the
		// account read through a role may be in one, which they cannot read.
		odo, err := call(ctx, c, apiDescribeOrganization, func(ctx context.Context) (*organizations.DescribeOrganizationOutput, error) {
			return own.DescribeOrganization(ctx, &organizations.DescribeOrganizationInput{})
		})
		switch {
		case notFound(err, "AWSOrganizationsNotInUseException"):
			return &orgPlace{none: "not in an organization: no SCP or RCP applies"}, "", nil
		case err != nil:
			return nil, apiDescribeOrganization, err
		case odo.Organization != nil && odo.Organization.FeatureSet != "" && odo.Organization.FeatureSet != orgtypes.OrganizationFeatureSetAll:
			return &orgPlace{none: fmt.Sprintf("organization %s has only consolidated billing: no SCP or RCP applies", aws.ToString(odo.Organization.Id))}, "", nil
		case odo.Organization != nil && aws.ToString(odo.Organization.MasterAccountId) == account:
			return &orgPlace{org: aws.ToString(odo.Organization.Id), management: true}, "", nil
		}
		return nil, apiDescribeOrganization, &missingError{fmt.Sprintf("account %s is in organization %s, and the starting credentials' account is in none, so they cannot read it",
			account, aws.ToString(odo.Organization.Id))}
	case notFound(err, "AWSOrganizationsNotInUseException"):
		return &orgPlace{none: "not in an organization: no SCP or RCP applies"}, "", nil
	case err != nil:
		return nil, apiDescribeOrganization, err
	case do.Organization == nil:
		return nil, apiDescribeOrganization, &missingError{"organizations:DescribeOrganization answered no organization"}
	}
	org := do.Organization
	place := &orgPlace{org: aws.ToString(org.Id), management: aws.ToString(org.MasterAccountId) == account, enabled: map[orgtypes.PolicyType]bool{}}
	if org.FeatureSet != "" && org.FeatureSet != orgtypes.OrganizationFeatureSetAll {
		place.none = fmt.Sprintf("organization %s has only consolidated billing: no SCP or RCP applies", place.org)
		return place, "", nil
	}
	if place.management {
		return place, "", nil
	}
	root, err := c.root(ctx, orgs)
	if err != nil {
		return nil, apiListRoots, err
	}
	for _, pt := range root.PolicyTypes {
		if pt.Status == orgtypes.PolicyTypeStatusEnabled {
			place.enabled[pt.Type] = true
		}
	}
	if !place.enabled[orgtypes.PolicyTypeServiceControlPolicy] && !place.enabled[orgtypes.PolicyTypeResourceControlPolicy] {
		return place, "", nil
	}
	if place.chain, err = c.chain(ctx, orgs, account); err != nil {
		return nil, apiListParents, err
	}
	return place, "", nil
}

// describeOrganization asks once per run: every account is read with the
// same Organizations client.
func (c *collector) describeOrganization(ctx context.Context, orgs OrganizationsAPI) (*organizations.DescribeOrganizationOutput, error) {
	return once(c, "describe-organization", func() (*organizations.DescribeOrganizationOutput, error) {
		return call(ctx, c, apiDescribeOrganization, func(ctx context.Context) (*organizations.DescribeOrganizationOutput, error) {
			return orgs.DescribeOrganization(ctx, &organizations.DescribeOrganizationInput{})
		})
	})
}

// root reads the organization's root once per run.
func (c *collector) root(ctx context.Context, orgs OrganizationsAPI) (orgtypes.Root, error) {
	return once(c, "root", func() (orgtypes.Root, error) {
		roots, err := orgPages(ctx, c, apiListRoots, organizations.NewListRootsPaginator(orgs, &organizations.ListRootsInput{}),
			func(page *organizations.ListRootsOutput) (*string, []orgtypes.Root) {
				return page.NextToken, page.Roots
			})
		if err != nil {
			return orgtypes.Root{}, err
		}
		if len(roots) == 0 {
			return orgtypes.Root{}, &missingError{"organizations:ListRoots answered no root"}
		}
		return roots[0], nil
	})
}

// chain returns the targets from the root down to account.
func (c *collector) chain(ctx context.Context, orgs OrganizationsAPI, account string) ([]orgTarget, error) {
	up := []orgTarget{{account, "account"}}
	for id := account; len(up) <= maxOrgDepth; {
		p, err := c.parent(ctx, orgs, id)
		if err != nil {
			return nil, err
		}
		id = aws.ToString(p.Id)
		if p.Type == orgtypes.ParentTypeRoot {
			up = append(up, orgTarget{id, "root"})
			slices.Reverse(up)
			return up, nil
		}
		up = append(up, orgTarget{id, "organizational unit"})
	}
	return nil, &missingError{fmt.Sprintf("no root within %d levels above account %s", maxOrgDepth, account)}
}

// parent reads the parent of id (an account or an OU); an OU's parent is
// read once per run, however many accounts sit below it.
func (c *collector) parent(ctx context.Context, orgs OrganizationsAPI, id string) (orgtypes.Parent, error) {
	return once(c, "parent "+id, func() (orgtypes.Parent, error) {
		parents, err := orgPages(ctx, c, apiListParents, organizations.NewListParentsPaginator(orgs, &organizations.ListParentsInput{ChildId: aws.String(id)}),
			func(page *organizations.ListParentsOutput) (*string, []orgtypes.Parent) {
				return page.NextToken, page.Parents
			})
		if err != nil {
			return orgtypes.Parent{}, err
		}
		if len(parents) != 1 {
			return orgtypes.Parent{}, &missingError{fmt.Sprintf("organizations:ListParents answered %d parents of %s, expected 1", len(parents), id)}
		}
		return parents[0], nil
	})
}

// levels reads the policies of type attached to each target of chain, one
// document per level; api names the call that failed. The levels of the
// root and the OUs are read once per run, however many accounts share them.
func (c *collector) levels(ctx context.Context, orgs OrganizationsAPI, chain []orgTarget, typ orgtypes.PolicyType) ([]*estate.Policy, string, error) {
	out := make([]*estate.Policy, len(chain))
	apis := make([]string, len(chain))
	errs := make([]error, len(chain))
	var wg sync.WaitGroup
	for i, t := range chain {
		wg.Go(func() {
			type level struct {
				p   *estate.Policy
				api string
			}
			l, err := once(c, "level "+string(typ)+" "+t.id, func() (level, error) {
				p, api, err := c.level(ctx, orgs, t, typ)
				return level{p, api}, err
			})
			out[i], apis[i], errs[i] = l.p, l.api, err
		})
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			return nil, apis[i], err
		}
	}
	return out, "", nil
}

// policyKinds names the organization policy types in messages.
var policyKinds = map[orgtypes.PolicyType]struct{ short, label string }{
	orgtypes.PolicyTypeServiceControlPolicy:  {"SCP", "scp"},
	orgtypes.PolicyTypeResourceControlPolicy: {"RCP", "rcp"},
}

// level reads the policies of type attached to one target and makes them
// one document. api names the call that failed; on an error the level is
// still returned with api, so that once can keep it.
func (c *collector) level(ctx context.Context, orgs OrganizationsAPI, t orgTarget, typ orgtypes.PolicyType) (*estate.Policy, string, error) {
	kind := policyKinds[typ]
	summaries, err := orgPages(ctx, c, apiListPoliciesForTarget, organizations.NewListPoliciesForTargetPaginator(orgs, &organizations.ListPoliciesForTargetInput{
		TargetId: aws.String(t.id), Filter: typ}),
		func(page *organizations.ListPoliciesForTargetOutput) (*string, []orgtypes.PolicySummary) {
			return page.NextToken, page.Policies
		})
	if err != nil {
		return nil, apiListPoliciesForTarget, err
	}
	sort.Slice(summaries, func(i, j int) bool { return aws.ToString(summaries[i].Id) < aws.ToString(summaries[j].Id) })
	type doc struct{ id, name, arn, text string }
	docs := make([]doc, len(summaries))
	errs := make([]error, len(summaries))
	var wg sync.WaitGroup
	for i, s := range summaries {
		wg.Go(func() {
			id := aws.ToString(s.Id)
			text, err := c.policyContent(ctx, orgs, id)
			arn := aws.ToString(s.Arn)
			if arn == "" {
				arn = id
			}
			docs[i], errs[i] = doc{id: id, name: aws.ToString(s.Name), arn: arn, text: text}, err
		})
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return nil, apiDescribePolicy, err
		}
	}
	if len(docs) == 1 {
		d := docs[0]
		p, err := parsePolicy(fmt.Sprintf("%s %s on %s %s", kind.short, d.name, t.kind, t.id), d.arn, d.text)
		return p, apiDescribePolicy, err
	}
	// Zero or several: one document whose statements are all of theirs.
	// With none attached, an SCP level allows nothing (an RCP level cannot
	// be empty: RCPFullAWSAccess cannot be detached).
	var names, stmts []string
	for _, d := range docs {
		names = append(names, d.name)
		ss, err := rawStatements(d.text)
		if err != nil {
			return nil, apiDescribePolicy, &parseError{what: kind.short + " " + d.name + " (" + d.id + ")", err: err}
		}
		stmts = append(stmts, ss...)
	}
	text := "{\n  \"Version\": \"2012-10-17\",\n  \"Statement\": [" + strings.Join(stmts, ",") + "\n  ]\n}"
	if len(stmts) == 0 {
		text = "{\n  \"Version\": \"2012-10-17\",\n  \"Statement\": []\n}"
	}
	name := fmt.Sprintf("%ss on %s %s", kind.short, t.kind, t.id)
	switch {
	case len(names) > 0:
		name += " (" + strings.Join(names, ", ") + ")"
	case typ == orgtypes.PolicyTypeServiceControlPolicy:
		name += " (none attached: nothing is allowed)"
	default:
		name += " (none attached)"
	}
	p, err := parsePolicy(name, kind.label+":"+t.id, text)
	return p, apiDescribePolicy, err
}

// policyContent reads one organization policy's document, once per run.
func (c *collector) policyContent(ctx context.Context, orgs OrganizationsAPI, id string) (string, error) {
	return once(c, "policy "+id, func() (string, error) {
		out, err := call(ctx, c, apiDescribePolicy, func(ctx context.Context) (*organizations.DescribePolicyOutput, error) {
			return orgs.DescribePolicy(ctx, &organizations.DescribePolicyInput{PolicyId: aws.String(id)})
		})
		if err != nil {
			return "", err
		}
		if out.Policy == nil || aws.ToString(out.Policy.Content) == "" {
			return "", &missingError{fmt.Sprintf("organizations:DescribePolicy answered no content for %s", id)}
		}
		return aws.ToString(out.Policy.Content), nil
	})
}

// rawStatements returns the statements of a policy document as JSON text,
// each on its own lines.
func rawStatements(text string) ([]string, error) {
	var doc map[string]json.RawMessage
	if err := json.Unmarshal([]byte(text), &doc); err != nil {
		return nil, err
	}
	raw, ok := doc["Statement"]
	if !ok {
		return nil, errors.New("no Statement element")
	}
	var list []json.RawMessage
	if len(raw) > 0 && raw[0] == '[' {
		if err := json.Unmarshal(raw, &list); err != nil {
			return nil, err
		}
	} else {
		list = []json.RawMessage{raw}
	}
	out := make([]string, 0, len(list))
	for _, s := range list {
		out = append(out, "\n    "+string(s))
	}
	return out, nil
}

// orgPager is what orgPages uses of the SDK's Organizations paginators.
type orgPager[O any] interface {
	HasMorePages() bool
	NextPage(context.Context, ...func(*organizations.Options)) (*O, error)
}

// orgPages reads every page of an Organizations listing (api) and returns
// the items of all of them; of returns a page's next token and items. A
// token seen twice is an error, as is any failed call.
func orgPages[O, T any](ctx context.Context, c *collector, api string, p orgPager[O], of func(*O) (*string, []T)) ([]T, error) {
	var out []T
	seen := tokens{}
	for p.HasMorePages() {
		page, err := call(ctx, c, api, func(ctx context.Context) (*O, error) { return p.NextPage(ctx) })
		if err != nil {
			return nil, err
		}
		next, items := of(page)
		if err := seen.check(next); err != nil {
			return nil, err
		}
		out = append(out, items...)
	}
	return out, nil
}
