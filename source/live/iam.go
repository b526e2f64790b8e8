package live

import (
	"context"
	"fmt"
	"net/url"
	"sort"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"

	"github.com/ecrguard/ecrguard/estate"
	"github.com/ecrguard/ecrguard/policy"
)

// decodeIAMDocument undoes the URL encoding IAM applies to policy documents
// in its answers ("Policies returned by this operation are URL-encoded
// compliant with RFC 3986", GetAccountAuthorizationDetails in the IAM API
// Reference). The AWS CLI decodes them with Python's unquote, which leaves
// '+' alone; url.PathUnescape does the same (QueryUnescape would turn a
// literal '+' into a space), as does policy.ParseEmbedded for files.
func decodeIAMDocument(s string) (string, error) {
	out, err := url.PathUnescape(s)
	if err != nil {
		return "", fmt.Errorf("the document is not valid URL-encoded text: %w", err)
	}
	return out, nil
}

// iamReader collects one account's authorization details.
type iamReader struct {
	c        *collector
	cl       IAMAPI
	account  string
	out      *estate.IAM
	returned map[string]bool // managed policy ARNs the details included
}

// iam reads users, groups, roles and managed policies, then fetches every
// attached managed policy the answer did not include.
func (c *collector) iam(ctx context.Context, cl IAMAPI, account, partition string) {
	r := &iamReader{c: c, cl: cl, account: account, out: &estate.IAM{Source: apiGetAccountAuthorizationDetails}, returned: map[string]bool{}}
	read := 0
	var unattachedAWS int
	seenTokens := tokens{}
	p := iam.NewGetAccountAuthorizationDetailsPaginator(cl, &iam.GetAccountAuthorizationDetailsInput{})
	for p.HasMorePages() {
		page, err := call(ctx, c, apiGetAccountAuthorizationDetails, func(ctx context.Context) (*iam.GetAccountAuthorizationDetailsOutput, error) {
			return p.NextPage(ctx)
		})
		if err != nil {
			why := "IAM users, groups, roles and policies not read"
			if read > 0 {
				why = fmt.Sprintf("IAM authorization details read only in part (%d pages before the error)", read)
			}
			c.gap(apiGetAccountAuthorizationDetails, account, "", "arn:"+partition+":iam::"+account+":root", why, err)
			if read == 0 {
				return
			}
			break
		}
		read++
		for _, u := range page.UserDetailList {
			r.user(u)
		}
		for _, g := range page.GroupDetailList {
			r.group(g)
		}
		for _, ro := range page.RoleDetailList {
			r.role(ro)
		}
		for _, mp := range page.Policies {
			arn := aws.ToString(mp.Arn)
			if isAWSManaged(arn) && aws.ToInt32(mp.AttachmentCount) == 0 && aws.ToInt32(mp.PermissionsBoundaryUsageCount) == 0 {
				unattachedAWS++
				continue
			}
			r.managed(mp)
		}
		// IsTruncated says whether there is more; Marker, only when it is
		// true, where to go on. The paginator follows Marker alone.
		if !page.IsTruncated {
			break
		}
		err = seenTokens.check(page.Marker)
		if err == nil && aws.ToString(page.Marker) == "" {
			err = &missingError{"the answer is truncated but holds no Marker to read the rest with"}
		}
		if err != nil {
			c.gap(apiGetAccountAuthorizationDetails, account, "", "arn:"+partition+":iam::"+account+":root",
				fmt.Sprintf("IAM authorization details read only in part (%d pages)", read), err)
			break
		}
	}
	if unattachedAWS > 0 {
		c.note(apiGetAccountAuthorizationDetails, fmt.Sprintf("account %s: %d AWS managed policies attached to nothing were left out", account, unattachedAWS))
	}
	r.resolveAttached(ctx)
	r.out.Sort()
	c.mu.Lock()
	c.est.Account(account).IAM = r.out
	c.mu.Unlock()
}

func isAWSManaged(arn string) bool { return strings.Contains(arn, ":iam::aws:policy/") }

// inline reads the inline policies of an entity.
func (r *iamReader) inline(owner string, list []iamtypes.PolicyDetail) []*estate.Policy {
	var out []*estate.Policy
	kind := owner[strings.LastIndex(owner, ":")+1:]
	for _, d := range list {
		name := aws.ToString(d.PolicyName)
		p := r.document(fmt.Sprintf("inline policy %s of %s", name, entityLabel(kind)), owner+"#inline/"+name, owner, aws.ToString(d.PolicyDocument))
		if p != nil {
			out = append(out, p)
		}
	}
	return out
}

// entityLabel shortens "user/path/alice" to "user/alice", as messages name
// entities.
func entityLabel(resource string) string {
	kind, rest, ok := strings.Cut(resource, "/")
	if !ok {
		return resource
	}
	return kind + "/" + rest[strings.LastIndex(rest, "/")+1:]
}

// document decodes and parses an IAM document; a failure is a gap about
// owner.
func (r *iamReader) document(name, label, owner, encoded string) *estate.Policy {
	text, err := decodeIAMDocument(encoded)
	if err == nil {
		var p *estate.Policy
		if p, err = parsePolicy(name, label, text); err == nil {
			return p
		}
	} else {
		err = &parseError{what: name, err: err}
	}
	r.c.gap(apiGetAccountAuthorizationDetails, r.account, "", owner, "", err)
	return nil
}

func attached(list []iamtypes.AttachedPolicy) []string {
	var out []string
	for _, a := range list {
		out = append(out, aws.ToString(a.PolicyArn))
	}
	sort.Strings(out)
	return out
}

func boundary(b *iamtypes.AttachedPermissionsBoundary) string {
	if b == nil {
		return ""
	}
	return aws.ToString(b.PermissionsBoundaryArn)
}

func tags(list []iamtypes.Tag) map[string]string {
	if len(list) == 0 {
		return nil
	}
	out := make(map[string]string, len(list))
	for _, t := range list {
		out[aws.ToString(t.Key)] = aws.ToString(t.Value)
	}
	return out
}

func (r *iamReader) user(u iamtypes.UserDetail) {
	groups := append([]string(nil), u.GroupList...)
	sort.Strings(groups)
	r.out.Users = append(r.out.Users, &estate.User{
		Identity: r.identity(u.Arn, u.UserName, u.UserId, u.Path, u.UserPolicyList, u.AttachedManagedPolicies),
		Groups:   groups, Boundary: boundary(u.PermissionsBoundary), Tags: tags(u.Tags),
	})
}

func (r *iamReader) group(g iamtypes.GroupDetail) {
	r.out.Groups = append(r.out.Groups, &estate.Group{
		Identity: r.identity(g.Arn, g.GroupName, g.GroupId, g.Path, g.GroupPolicyList, g.AttachedManagedPolicies),
	})
}

// identity is what a user, group or role of the authorization details
// shares.
func (r *iamReader) identity(arn, name, id, path *string, inline []iamtypes.PolicyDetail, attachedTo []iamtypes.AttachedPolicy) estate.Identity {
	a := aws.ToString(arn)
	return estate.Identity{
		Name: aws.ToString(name), ARN: a, ID: aws.ToString(id), Path: aws.ToString(path),
		Inline: r.inline(a, inline), Attached: attached(attachedTo),
	}
}

func (r *iamReader) role(ro iamtypes.RoleDetail) {
	role := &estate.Role{
		Identity: r.identity(ro.Arn, ro.RoleName, ro.RoleId, ro.Path, ro.RolePolicyList, ro.AttachedManagedPolicies),
		Boundary: boundary(ro.PermissionsBoundary), Tags: tags(ro.Tags),
	}
	role.ServiceLinked = strings.HasPrefix(role.Path, "/aws-service-role/")
	arn := role.ARN
	if doc := aws.ToString(ro.AssumeRolePolicyDocument); doc != "" {
		role.Trust = r.document("trust policy of role/"+role.Name, arn+"#trust", arn, doc)
	}
	r.out.Roles = append(r.out.Roles, role)
}

func (r *iamReader) managed(mp iamtypes.ManagedPolicyDetail) {
	arn := aws.ToString(mp.Arn)
	r.returned[arn] = true
	m := &estate.ManagedPolicy{Name: aws.ToString(mp.PolicyName), ARN: arn, ID: aws.ToString(mp.PolicyId), VersionID: aws.ToString(mp.DefaultVersionId)}
	for _, v := range mp.PolicyVersionList {
		if v.IsDefaultVersion || aws.ToString(v.VersionId) == m.VersionID && m.VersionID != "" {
			m.VersionID = aws.ToString(v.VersionId)
			m.Default = r.document(arn, arn+"#"+m.VersionID, arn, aws.ToString(v.Document))
			break
		}
	}
	if m.Default == nil && !r.hasGapFor(arn) {
		r.c.gap(apiGetAccountAuthorizationDetails, r.account, "", arn, "",
			&missingError{fmt.Sprintf("the answer holds no default version document of %s", arn)})
	}
	r.out.Policies = append(r.out.Policies, m)
}

func (r *iamReader) hasGapFor(resource string) bool {
	r.c.mu.Lock()
	defer r.c.mu.Unlock()
	for _, g := range r.c.est.Gaps {
		if g.Resource == resource && g.Account == r.account {
			return true
		}
	}
	return false
}

// missingError is a document the answer should have held.
type missingError struct{ msg string }

func (e *missingError) Error() string { return e.msg }

// resolveAttached fetches every managed policy attached to an entity (or
// used as a boundary) that the details did not include: never a silent
// skip. What cannot be fetched comes from the embedded catalog when it
// holds the policy (a note says so), or else is a gap.
func (r *iamReader) resolveAttached(ctx context.Context) {
	want := map[string]bool{}
	add := func(arns ...string) {
		for _, a := range arns {
			if a != "" && !r.returned[a] {
				want[a] = true
			}
		}
	}
	for _, u := range r.out.Users {
		add(u.Attached...)
		add(u.Boundary)
	}
	for _, g := range r.out.Groups {
		add(g.Attached...)
	}
	for _, ro := range r.out.Roles {
		add(ro.Attached...)
		add(ro.Boundary)
	}
	arns := make([]string, 0, len(want))
	for a := range want {
		arns = append(arns, a)
	}
	sort.Strings(arns)
	for _, arn := range arns {
		m, api, err := r.fetch(ctx, arn)
		if err == nil {
			r.c.note(apiGetPolicyVersion, fmt.Sprintf("%s was attached but not in the authorization details; fetched version %s", arn, m.VersionID))
			r.out.Policies = append(r.out.Policies, m)
			continue
		}
		if mp, ok, perr := estate.AWSManagedPolicy(arn, policy.Pos{}); ok && perr == nil {
			code, _ := classify(err)
			r.c.note(api, fmt.Sprintf("%s was attached but neither in the authorization details nor readable (%s); used ecrguard's embedded copy of version %s",
				arn, code, mp.VersionID))
			r.out.Policies = append(r.out.Policies, mp)
			continue
		}
		r.c.gap(api, r.account, "", arn, "attached managed policy not read: the permissions of the principals it is attached to are not assessed", err)
	}
}

// fetch reads a managed policy's default version with iam:GetPolicy and
// iam:GetPolicyVersion. api names the call that failed.
func (r *iamReader) fetch(ctx context.Context, arn string) (*estate.ManagedPolicy, string, error) {
	gp, err := call(ctx, r.c, apiGetPolicy, func(ctx context.Context) (*iam.GetPolicyOutput, error) {
		return r.cl.GetPolicy(ctx, &iam.GetPolicyInput{PolicyArn: aws.String(arn)})
	})
	if err != nil {
		return nil, apiGetPolicy, err
	}
	if gp.Policy == nil || aws.ToString(gp.Policy.DefaultVersionId) == "" {
		return nil, apiGetPolicy, &missingError{"iam:GetPolicy answered no default version id"}
	}
	vid := aws.ToString(gp.Policy.DefaultVersionId)
	gv, err := call(ctx, r.c, apiGetPolicyVersion, func(ctx context.Context) (*iam.GetPolicyVersionOutput, error) {
		return r.cl.GetPolicyVersion(ctx, &iam.GetPolicyVersionInput{PolicyArn: aws.String(arn), VersionId: aws.String(vid)})
	})
	if err != nil {
		return nil, apiGetPolicyVersion, err
	}
	if gv.PolicyVersion == nil || gv.PolicyVersion.Document == nil {
		return nil, apiGetPolicyVersion, &missingError{"iam:GetPolicyVersion answered no document"}
	}
	text, err := decodeIAMDocument(aws.ToString(gv.PolicyVersion.Document))
	if err != nil {
		return nil, apiGetPolicyVersion, &parseError{what: arn, err: err}
	}
	p, err := parsePolicy(arn, arn+"#"+vid, text)
	if err != nil {
		return nil, apiGetPolicyVersion, err
	}
	return &estate.ManagedPolicy{Name: aws.ToString(gp.Policy.PolicyName), ARN: arn, ID: aws.ToString(gp.Policy.PolicyId), VersionID: vid, Default: p}, "", nil
}
