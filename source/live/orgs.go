package live

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/organizations"
	orgtypes "github.com/aws/aws-sdk-go-v2/service/organizations/types"

	"github.com/ecrguard/ecrguard/estate"
)

// maxOrgDepth bounds the walk up the organization: OUs nest at most five
// deep under the root.
const maxOrgDepth = 8

// scps reads the SCPs over account: those attached to the root, to each OU
// above the account and to the account itself, one estate policy per level
// (several SCPs attached at one level are one document: any of them may
// allow, and a Deny in any denies). This is best-effort: only the
// management account (or a delegated administrator) may read the
// organization, and SCPs that are not known are assumed absent, which can
// show more access than there is, never less. Failures are notes.
func (c *collector) scps(ctx context.Context, orgs OrganizationsAPI, account string) {
	levels, why, err := c.readSCPs(ctx, orgs, account)
	c.mu.Lock()
	a := c.est.Account(account)
	c.mu.Unlock()
	switch {
	case err != nil:
		code, msg := classify(err)
		c.note(why, fmt.Sprintf("account %s: service control policies not read (%s: %s); the analysis assumes none restricts the account", account, code, msg))
		return
	case why != "":
		c.note(apiDescribeOrganization, fmt.Sprintf("account %s: %s", account, why))
	}
	c.mu.Lock()
	a.SCPs, a.SCPsKnown = levels, true
	c.mu.Unlock()
}

// readSCPs returns the levels, or why there are none (levels and why both
// empty: none apply), or the API that failed (in why) and its error.
func (c *collector) readSCPs(ctx context.Context, orgs OrganizationsAPI, account string) ([]*estate.Policy, string, error) {
	if orgs == nil {
		return nil, apiDescribeOrganization, errors.New("no Organizations client")
	}
	do, err := call(ctx, c, apiDescribeOrganization, func(ctx context.Context) (*organizations.DescribeOrganizationOutput, error) {
		return orgs.DescribeOrganization(ctx, &organizations.DescribeOrganizationInput{})
	})
	switch {
	case notFound(err, "AWSOrganizationsNotInUseException"):
		return nil, "not in an organization: no SCP applies", nil
	case err != nil:
		return nil, apiDescribeOrganization, err
	case do.Organization == nil:
		return nil, apiDescribeOrganization, &missingError{"organizations:DescribeOrganization answered no organization"}
	}
	org := do.Organization
	if org.FeatureSet != "" && org.FeatureSet != orgtypes.OrganizationFeatureSetAll {
		return nil, fmt.Sprintf("organization %s has only consolidated billing: no SCP applies", aws.ToString(org.Id)), nil
	}
	if aws.ToString(org.MasterAccountId) == account {
		return nil, fmt.Sprintf("the management account of organization %s: SCPs do not apply to it", aws.ToString(org.Id)), nil
	}

	roots, err := orgPages(ctx, c, apiListRoots, organizations.NewListRootsPaginator(orgs, &organizations.ListRootsInput{}),
		func(page *organizations.ListRootsOutput) (*string, []orgtypes.Root) {
			return page.NextToken, page.Roots
		})
	if err != nil {
		return nil, apiListRoots, err
	}
	if len(roots) == 0 {
		return nil, apiListRoots, &missingError{"organizations:ListRoots answered no root"}
	}
	enabled := false
	for _, pt := range roots[0].PolicyTypes {
		if pt.Type == orgtypes.PolicyTypeServiceControlPolicy && pt.Status == orgtypes.PolicyTypeStatusEnabled {
			enabled = true
		}
	}
	if !enabled {
		return nil, fmt.Sprintf("service control policies are not enabled in organization %s", aws.ToString(org.Id)), nil
	}

	// The targets from the account up to the root.
	type target struct{ id, kind string }
	chain := []target{{account, "account"}}
	for id := account; len(chain) <= maxOrgDepth; {
		parents, err := orgPages(ctx, c, apiListParents, organizations.NewListParentsPaginator(orgs, &organizations.ListParentsInput{ChildId: aws.String(id)}),
			func(page *organizations.ListParentsOutput) (*string, []orgtypes.Parent) {
				return page.NextToken, page.Parents
			})
		if err != nil {
			return nil, apiListParents, err
		}
		if len(parents) != 1 {
			return nil, apiListParents, &missingError{fmt.Sprintf("organizations:ListParents answered %d parents of %s, expected 1", len(parents), id)}
		}
		p := parents[0]
		id = aws.ToString(p.Id)
		if p.Type == orgtypes.ParentTypeRoot {
			chain = append(chain, target{id, "root"})
			break
		}
		chain = append(chain, target{id, "organizational unit"})
	}
	if chain[len(chain)-1].kind != "root" {
		return nil, apiListParents, &missingError{fmt.Sprintf("no root within %d levels above account %s", maxOrgDepth, account)}
	}

	var levels []*estate.Policy
	for i := len(chain) - 1; i >= 0; i-- {
		t := chain[i]
		level, api, err := c.scpLevel(ctx, orgs, t.id, t.kind)
		if err != nil {
			return nil, api, err
		}
		levels = append(levels, level)
	}
	return levels, "", nil
}

// scpLevel reads the SCPs attached to one target and makes them one
// document. api names the call that failed.
func (c *collector) scpLevel(ctx context.Context, orgs OrganizationsAPI, targetID, kind string) (*estate.Policy, string, error) {
	summaries, err := orgPages(ctx, c, apiListPoliciesForTarget, organizations.NewListPoliciesForTargetPaginator(orgs, &organizations.ListPoliciesForTargetInput{
		TargetId: aws.String(targetID), Filter: orgtypes.PolicyTypeServiceControlPolicy}),
		func(page *organizations.ListPoliciesForTargetOutput) (*string, []orgtypes.PolicySummary) {
			return page.NextToken, page.Policies
		})
	if err != nil {
		return nil, apiListPoliciesForTarget, err
	}
	sort.Slice(summaries, func(i, j int) bool { return aws.ToString(summaries[i].Id) < aws.ToString(summaries[j].Id) })
	type scp struct{ id, name, arn, text string }
	var docs []scp
	for _, s := range summaries {
		id := aws.ToString(s.Id)
		out, err := call(ctx, c, apiDescribePolicy, func(ctx context.Context) (*organizations.DescribePolicyOutput, error) {
			return orgs.DescribePolicy(ctx, &organizations.DescribePolicyInput{PolicyId: aws.String(id)})
		})
		if err != nil {
			return nil, apiDescribePolicy, err
		}
		if out.Policy == nil || aws.ToString(out.Policy.Content) == "" {
			return nil, apiDescribePolicy, &missingError{fmt.Sprintf("organizations:DescribePolicy answered no content for %s", id)}
		}
		arn := aws.ToString(s.Arn)
		if arn == "" {
			arn = id
		}
		docs = append(docs, scp{id: id, name: aws.ToString(s.Name), arn: arn, text: aws.ToString(out.Policy.Content)})
	}
	if len(docs) == 1 {
		d := docs[0]
		p, err := parsePolicy(fmt.Sprintf("SCP %s on %s %s", d.name, kind, targetID), d.arn, d.text)
		return p, apiDescribePolicy, err
	}
	// Zero or several: one document whose statements are all of theirs.
	// With none attached, the level allows nothing.
	var names, stmts []string
	for _, d := range docs {
		names = append(names, d.name)
		ss, err := rawStatements(d.text)
		if err != nil {
			return nil, apiDescribePolicy, &parseError{what: "SCP " + d.name + " (" + d.id + ")", err: err}
		}
		stmts = append(stmts, ss...)
	}
	text := "{\n  \"Version\": \"2012-10-17\",\n  \"Statement\": [" + strings.Join(stmts, ",") + "\n  ]\n}"
	if len(stmts) == 0 {
		text = "{\n  \"Version\": \"2012-10-17\",\n  \"Statement\": []\n}"
	}
	name := fmt.Sprintf("SCPs on %s %s", kind, targetID)
	if len(names) > 0 {
		name += " (" + strings.Join(names, ", ") + ")"
	} else {
		name += " (none attached: nothing is allowed)"
	}
	p, err := parsePolicy(name, "scp:"+targetID, text)
	return p, apiDescribePolicy, err
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
