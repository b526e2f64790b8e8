package live

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"regexp"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecr"
	ecrtypes "github.com/aws/aws-sdk-go-v2/service/ecr/types"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"
	"github.com/aws/aws-sdk-go-v2/service/organizations"
	orgtypes "github.com/aws/aws-sdk-go-v2/service/organizations/types"

	"github.com/ecrguard/ecrguard/catalog"
	"github.com/ecrguard/ecrguard/estate"
	"github.com/ecrguard/ecrguard/internal/golden"
	"github.com/ecrguard/ecrguard/policy"
)

func run(t *testing.T, f *fake, opts Options) *Collection {
	t.Helper()
	if opts.Regions == nil && !opts.AllRegions {
		opts.Regions = []string{"us-east-1"}
	}
	c, err := RunWith(context.Background(), f.clients(), opts, nil)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// interfaceAPIs lists "service:Method" for every method of the client
// interfaces: everything the collector can possibly call.
func interfaceAPIs() map[string]bool {
	out := map[string]bool{}
	for service, v := range map[string]any{
		"sts": (*STSAPI)(nil), "iam": (*IAMAPI)(nil), "ecr": (*ECRAPI)(nil), "ecr-public": (*ECRPublicAPI)(nil), "organizations": (*OrganizationsAPI)(nil),
	} {
		typ := reflect.TypeOf(v).Elem()
		for i := range typ.NumMethod() {
			out[service+":"+typ.Method(i).Name] = true
		}
	}
	return out
}

func tableAPIs() map[string]bool {
	out := map[string]bool{}
	for _, c := range Calls() {
		out[c.API] = true
	}
	return out
}

// TestCallsTableIsComplete: the table lists exactly the operations of the
// client interfaces, and the collector invokes every one of them.
func TestCallsTableIsComplete(t *testing.T) {
	if got, want := slices.Sorted(maps.Keys(interfaceAPIs())), slices.Sorted(maps.Keys(tableAPIs())); !reflect.DeepEqual(got, want) {
		t.Fatalf("client interfaces and the table differ:\ninterfaces %v\ntable      %v", got, want)
	}
	for _, c := range Calls() {
		if c.Action != "" && c.Action != c.API && c.API != apiAssumeRole {
			t.Errorf("%s needs %s: the action name differs from the API; say why in calls.go", c.API, c.Action)
		}
		if c.Who != "scanned" && c.Who != "caller" && c.Who != "organization" {
			t.Errorf("%s: Who %q", c.API, c.Who)
		}
	}
	// Invoke everything: one account (with a policy to fetch), then all
	// accounts of the organization.
	f := newFake()
	run(t, f, Options{})
	run(t, f, Options{AllAccounts: true, RoleName: "reader"})
	invoked := map[string]bool{}
	for api := range f.calls {
		invoked[api] = true
	}
	if got, want := slices.Sorted(maps.Keys(invoked)), slices.Sorted(maps.Keys(tableAPIs())); !reflect.DeepEqual(got, want) {
		t.Errorf("invoked and table differ:\ninvoked %v\ntable   %v", got, want)
	}
}

func TestPermissionsDoc(t *testing.T) {
	path := filepath.Join("..", "..", "docs", "PERMISSIONS.md")
	got := PermissionsDoc()
	if golden.Update() {
		golden.Write(t, path, []byte(got))
	}
	if want := golden.Read(t, path); want != got {
		t.Errorf("%s is out of date with calls.go: run go test ./source/live -run TestPermissionsDoc -update", path)
	}
	// The policies in it are valid, and name only real ECR actions.
	for _, doc := range []string{ReadPolicy(), CallerPolicy()} {
		d, err := policy.Parse([]byte(doc), "PERMISSIONS.md")
		if err != nil {
			t.Fatal(err)
		}
		for _, s := range d.Statements {
			for _, a := range s.Action {
				if strings.HasPrefix(a.Text, "ecr") && catalog.Default().Lookup(a.Text) == nil {
					t.Errorf("%s is not an action of the catalog", a.Text)
				}
			}
		}
	}
	// Every action of the table is in one of the policies.
	all := ReadPolicy() + CallerPolicy()
	for _, c := range Calls() {
		if c.Action != "" && !strings.Contains(all, `"`+c.Action+`"`) {
			t.Errorf("%s is in no policy", c.Action)
		}
	}
}

func TestPaginationEdges(t *testing.T) {
	f := newFake()
	pages := map[string]*ecr.DescribeRepositoriesOutput{
		"":   {Repositories: []ecrtypes.Repository{{RepositoryName: aws.String("a")}, {RepositoryName: aws.String("b")}}, NextToken: aws.String("t1")},
		"t1": {NextToken: aws.String("t2")}, // an empty page in the middle
		"t2": {Repositories: []ecrtypes.Repository{{RepositoryName: aws.String("b")}, {RepositoryName: aws.String("c")}}, NextToken: aws.String("t3")},
		"t3": {}, // an empty last page
	}
	f.on[apiDescribeRepositories] = func(in any) (any, error) {
		return pages[aws.ToString(in.(*ecr.DescribeRepositoriesInput).NextToken)], nil
	}
	c := run(t, f, Options{})
	var names []string
	for _, r := range c.Estate.Lookup("111122223333").Region("us-east-1").Repositories() {
		names = append(names, r.Name)
	}
	if strings.Join(names, ",") != "a,b,c" || f.calls[apiDescribeRepositories] != 4 || len(c.Estate.Gaps) != 0 {
		t.Errorf("repositories %v after %d calls, gaps %v", names, f.calls[apiDescribeRepositories], c.Estate.Gaps)
	}

	// A token that repeats ends the listing instead of looping.
	g := newFake()
	g.on[apiDescribeRepositories] = func(any) (any, error) {
		return &ecr.DescribeRepositoriesOutput{Repositories: []ecrtypes.Repository{{RepositoryName: aws.String("a")}}, NextToken: aws.String("same")}, nil
	}
	gc := run(t, g, Options{})
	if n := g.calls[apiDescribeRepositories]; n != 2 {
		t.Errorf("repeating token: %d calls, want 2", n)
	}
	if gaps := gc.Estate.Gaps; len(gaps) != 1 || gaps[0].Code != estate.GapPaginationLoop || len(gc.Estate.Lookup("111122223333").Region("us-east-1").Repositories()) != 1 {
		t.Errorf("repeating token: gaps %v", gaps)
	}

	// IAM pages.
	h := newFake()
	h.on[apiGetAccountAuthorizationDetails] = func(in any) (any, error) {
		if aws.ToString(in.(*iam.GetAccountAuthorizationDetailsInput).Marker) == "" {
			return &iam.GetAccountAuthorizationDetailsOutput{IsTruncated: true, Marker: aws.String("m"),
				UserDetailList: []iamtypes.UserDetail{{UserName: aws.String("u1"), Arn: aws.String("arn:aws:iam::111122223333:user/u1")}}}, nil
		}
		return &iam.GetAccountAuthorizationDetailsOutput{RoleDetailList: []iamtypes.RoleDetail{{RoleName: aws.String("r1"), Arn: aws.String("arn:aws:iam::111122223333:role/r1")}}}, nil
	}
	ci := run(t, h, Options{}).Estate.Lookup("111122223333").IAM
	if len(ci.Users) != 1 || len(ci.Roles) != 1 {
		t.Errorf("iam = %+v", ci)
	}
}

// ECR Public's listing is paged as ECR's is (ECR Public API Reference,
// DescribeRepositories: nextToken): a repository a later page lists again
// is one repository, its policy read once.
func TestPublicPagesDeduplicated(t *testing.T) {
	f := newFake()
	pages := []any{publicPage(aws.String("t1"), "a", "b"), publicPage(nil, "b", "c")}
	f.on[apiPublicDescribeRepositories] = func(any) (any, error) { // asked one after another
		page := pages[0]
		pages = pages[1:]
		return page, nil
	}
	c := run(t, f, Options{})
	var names []string
	for _, r := range c.Estate.Lookup("111122223333").Public {
		names = append(names, r.Name)
	}
	if strings.Join(names, ",") != "a,b,c" || f.calls[apiPublicGetRepositoryPolicy] != 3 || len(c.Estate.Gaps) != 0 {
		t.Errorf("public repositories %v, %d policies read, gaps %v", names, f.calls[apiPublicGetRepositoryPolicy], c.Estate.Gaps)
	}
}

// A listing whose every page hands out a new token never ends by itself
// (the SDK's paginators follow any token): it stops after maxPages pages
// with a gap, keeping what it listed, whatever the API.
func TestPaginationNeverEnds(t *testing.T) {
	next := func(n int) *string { return aws.String(fmt.Sprintf("t%d", n)) }
	for _, tc := range []struct {
		api    string
		answer func(n int) any
		kept   func(*Collection) int
	}{
		{apiDescribeRepositories, func(n int) any {
			return &ecr.DescribeRepositoriesOutput{Repositories: []ecrtypes.Repository{{RepositoryName: aws.String("a")}}, NextToken: next(n)}
		}, func(c *Collection) int {
			return len(c.Estate.Lookup("111122223333").Region("us-east-1").Repositories())
		}},
		{apiPublicDescribeRepositories, func(n int) any { return publicPage(next(n), "a") }, func(c *Collection) int { return len(c.Estate.Lookup("111122223333").Public) }},
		{apiDescribeCreationTemplates, func(n int) any {
			return &ecr.DescribeRepositoryCreationTemplatesOutput{RepositoryCreationTemplates: []ecrtypes.RepositoryCreationTemplate{{Prefix: aws.String("a")}}, NextToken: next(n)}
		}, func(c *Collection) int { return len(c.Estate.Lookup("111122223333").Region("us-east-1").Templates()) }},
		{apiGetAccountAuthorizationDetails, func(n int) any {
			return &iam.GetAccountAuthorizationDetailsOutput{IsTruncated: true, Marker: next(n),
				UserDetailList: []iamtypes.UserDetail{{UserName: aws.String("a"), Arn: aws.String("arn:aws:iam::111122223333:user/a")}}}
		}, func(c *Collection) int { return len(c.Estate.Lookup("111122223333").IAM.Users) }},
	} {
		t.Run(tc.api, func(t *testing.T) {
			f := newFake()
			asked := 0 // the pages are asked for one after another
			f.on[tc.api] = func(any) (any, error) {
				if asked++; asked > maxPages+5 {
					return nil, errors.New("the listing does not end")
				}
				return tc.answer(asked), nil
			}
			c := run(t, f, Options{})
			var gaps []estate.Gap
			for _, g := range c.Estate.Gaps {
				if g.Source == tc.api {
					gaps = append(gaps, g)
				}
			}
			if n := f.calls[tc.api]; n != maxPages || len(gaps) != 1 || gaps[0].Code != estate.GapPaginationLoop ||
				!strings.Contains(gaps[0].Message, fmt.Sprintf("%d pages", maxPages)) || tc.kept(c) == 0 {
				t.Errorf("%d calls, gaps %v, %d kept", n, gaps, tc.kept(c))
			}
		})
	}
}

// IAM's pagination is IsTruncated, with Marker present only when it is
// true (IAM API Reference, GetAccountAuthorizationDetails: "When IsTruncated
// is true, this element is present"; "We recommend that you check
// IsTruncated after every call"). The SDK's paginator follows Marker alone,
// so an answer whose two fields disagree must not end the listing silently
// (items lost) nor make it run forever.
func TestIAMTruncation(t *testing.T) {
	user := func(name string) []iamtypes.UserDetail {
		return []iamtypes.UserDetail{{UserName: aws.String(name), Arn: aws.String("arn:aws:iam::111122223333:user/" + name)}}
	}
	for _, tc := range []struct {
		name  string
		first *iam.GetAccountAuthorizationDetailsOutput
		users int
		calls int
		gap   bool
	}{
		// Truncated, but no marker to go on with: the rest is not read.
		{"truncated without a marker", &iam.GetAccountAuthorizationDetailsOutput{IsTruncated: true, UserDetailList: user("u1")}, 1, 1, true},
		// Not truncated: the last page, whatever Marker says.
		{"a marker on the last page", &iam.GetAccountAuthorizationDetailsOutput{Marker: aws.String("m"), UserDetailList: user("u1")}, 1, 1, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := newFake()
			asked := 0 // the pages are asked for one after another
			f.on[apiGetAccountAuthorizationDetails] = func(in any) (any, error) {
				if asked++; asked > 5 {
					return nil, errors.New("the listing does not end")
				}
				if aws.ToString(in.(*iam.GetAccountAuthorizationDetailsInput).Marker) == "" {
					return tc.first, nil
				}
				// What a further call would read: the same marker again.
				return &iam.GetAccountAuthorizationDetailsOutput{Marker: aws.String("m"), UserDetailList: user("u2")}, nil
			}
			c := run(t, f, Options{})
			gaps := c.Estate.Gaps
			if n := f.calls[apiGetAccountAuthorizationDetails]; n != tc.calls || len(c.Estate.Lookup("111122223333").IAM.Users) != tc.users ||
				tc.gap != (len(gaps) == 1 && gaps[0].Source == apiGetAccountAuthorizationDetails && strings.Contains(gaps[0].Message, "only in part")) ||
				!tc.gap && len(gaps) != 0 {
				t.Errorf("%d calls, users %+v, gaps %v", n, c.Estate.Lookup("111122223333").IAM.Users, gaps)
			}
		})
	}
}

func TestConcurrencyIsBounded(t *testing.T) {
	t.Parallel() // it waits on its fake's delays, not on the CPU
	f := newFake()
	f.delay = 5 * time.Millisecond
	var repos []ecrtypes.Repository
	for i := range 40 {
		repos = append(repos, ecrtypes.Repository{RepositoryName: aws.String(fmt.Sprintf("r%02d", i))})
	}
	f.on[apiDescribeRepositories] = func(any) (any, error) { return &ecr.DescribeRepositoriesOutput{Repositories: repos}, nil }
	var mu sync.Mutex
	var last Progress
	c := run(t, f, Options{Concurrency: 3, Regions: []string{"us-east-1", "us-west-2"}, Progress: func(p Progress) {
		mu.Lock()
		last = p
		mu.Unlock()
	}})
	if f.maxInflight > 3 || f.maxInflight < 2 {
		t.Errorf("at most %d calls in flight, want 2..3", f.maxInflight)
	}
	if n := len(c.Estate.Lookup("111122223333").Region("us-west-2").Repositories()); n != 40 {
		t.Errorf("%d repositories", n)
	}
	if last.Regions != 2 || last.RegionsDone != 2 || last.Repositories != 80 || last.RepositoriesDone != 80 || last.Accounts != 1 || last.AccountsDone != 1 || last.Calls == 0 {
		t.Errorf("final progress = %+v", last)
	}
}

func TestRepositoryDeletedDuringScan(t *testing.T) {
	f := newFake()
	f.on[apiDescribeRepositories] = func(any) (any, error) {
		return &ecr.DescribeRepositoriesOutput{Repositories: []ecrtypes.Repository{{RepositoryName: aws.String("gone")}, {RepositoryName: aws.String("kept")}}}, nil
	}
	f.on[apiGetRepositoryPolicy+"|gone"] = func(any) (any, error) { return nil, apiErr(codeRepositoryNotFound, "gone") }
	c := run(t, f, Options{})
	rs := c.Estate.Lookup("111122223333").Region("us-east-1").Repositories()
	if len(rs) != 1 || rs[0].Name != "kept" || len(c.Estate.Gaps) != 0 {
		t.Errorf("repositories %v, gaps %v", rs, c.Estate.Gaps)
	}
}

func TestSCPCases(t *testing.T) {
	tests := []struct {
		name   string
		setup  func(f *fake)
		known  bool
		levels int
		note   string
	}{
		{"not in an organization", func(f *fake) {
			f.on[apiDescribeOrganization] = func(any) (any, error) { return nil, apiErr("AWSOrganizationsNotInUseException", "no") }
		}, true, 0, "not in an organization"},
		{"management account", func(f *fake) {
			f.on[apiDescribeOrganization] = func(any) (any, error) {
				return &organizations.DescribeOrganizationOutput{Organization: &orgtypes.Organization{Id: aws.String("o-1"), MasterAccountId: aws.String("111122223333")}}, nil
			}
		}, true, 0, "SCPs do not apply to it"},
		{"consolidated billing", func(f *fake) {
			f.on[apiDescribeOrganization] = func(any) (any, error) {
				return &organizations.DescribeOrganizationOutput{Organization: &orgtypes.Organization{Id: aws.String("o-1"), FeatureSet: orgtypes.OrganizationFeatureSetConsolidatedBilling}}, nil
			}
		}, true, 0, "consolidated billing"},
		{"SCPs not enabled", func(f *fake) {
			f.on[apiListRoots] = func(any) (any, error) {
				return &organizations.ListRootsOutput{Roots: []orgtypes.Root{{Id: aws.String("r-1")}}}, nil
			}
		}, true, 0, "not enabled"},
		{"member account", func(*fake) {}, true, 2, ""},
		{"no SCP attached to the account", func(f *fake) {
			f.on[apiListPoliciesForTarget+"|111122223333"] = func(any) (any, error) { return &organizations.ListPoliciesForTargetOutput{}, nil }
		}, true, 2, ""},
		{"DescribePolicy refused", func(f *fake) {
			f.on[apiDescribePolicy] = func(any) (any, error) { return nil, apiErr("AccessDeniedException", "no") }
		}, false, 0, "service control policies not read (AccessDeniedException"},
		{"an SCP that does not parse", func(f *fake) {
			f.on[apiDescribePolicy] = unparsablePolicy
		}, false, 0, "parse-error"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := runSetup(t, tt.setup)
			a := c.Estate.Lookup("111122223333")
			if a.SCPsKnown != tt.known || len(a.SCPs) != tt.levels {
				t.Errorf("known %v, %d levels", a.SCPsKnown, len(a.SCPs))
			}
			checkNote(t, c.Estate, tt.note)
			if len(c.Estate.Gaps) != 0 {
				t.Errorf("SCP trouble must not be a gap: %v", c.Estate.Gaps)
			}
		})
	}
	// With nothing attached at a level, that level allows nothing.
	f := newFake()
	f.on[apiListPoliciesForTarget+"|111122223333"] = func(any) (any, error) { return &organizations.ListPoliciesForTargetOutput{}, nil }
	a := run(t, f, Options{}).Estate.Lookup("111122223333")
	if last := a.SCPs[len(a.SCPs)-1]; len(last.Doc.Statements) != 0 || !strings.Contains(last.Name, "nothing is allowed") {
		t.Errorf("empty level = %s %+v", last.Name, last.Doc)
	}
}

// runSetup collects from a fake that setup prepares, with the default
// options.
func runSetup(t *testing.T, setup func(*fake)) *Collection {
	t.Helper()
	f := newFake()
	setup(f)
	return run(t, f, Options{})
}

// unparsablePolicy answers DescribePolicy with a policy that does not
// parse.
func unparsablePolicy(any) (any, error) {
	return &organizations.DescribePolicyOutput{Policy: &orgtypes.Policy{Content: aws.String(`{"Statement": 1}`)}}, nil
}

// checkNote fails t when want is set and no note of e contains it.
func checkNote(t *testing.T, e *estate.Estate, want string) {
	t.Helper()
	if want == "" {
		return
	}
	var notes []string
	for _, n := range e.Notes {
		notes = append(notes, n.Message)
	}
	if !strings.Contains(strings.Join(notes, "\n"), want) {
		t.Errorf("notes lack %q: %v", want, notes)
	}
}

// rcpsEnabled makes the fake's root enable RCPs (and SCPs when scps), and
// answer for each target an RCP level of RCPFullAWSAccess, with a Deny at
// the account.
func rcpsEnabled(f *fake, scps bool) {
	f.on[apiListRoots] = func(any) (any, error) {
		types := []orgtypes.PolicyTypeSummary{{Type: orgtypes.PolicyTypeResourceControlPolicy, Status: orgtypes.PolicyTypeStatusEnabled}}
		if scps {
			types = append(types, orgtypes.PolicyTypeSummary{Type: orgtypes.PolicyTypeServiceControlPolicy, Status: orgtypes.PolicyTypeStatusEnabled})
		}
		return &organizations.ListRootsOutput{Roots: []orgtypes.Root{{Id: aws.String("r-1"), PolicyTypes: types}}}, nil
	}
	f.on[apiListPoliciesForTarget] = func(in any) (any, error) {
		lin := in.(*organizations.ListPoliciesForTargetInput)
		if lin.Filter == orgtypes.PolicyTypeServiceControlPolicy {
			return &organizations.ListPoliciesForTargetOutput{Policies: []orgtypes.PolicySummary{{Id: aws.String("p-full"), Name: aws.String("FullAWSAccess")}}}, nil
		}
		out := &organizations.ListPoliciesForTargetOutput{Policies: []orgtypes.PolicySummary{{Id: aws.String("p-RCPFullAWSAccess"), Name: aws.String("RCPFullAWSAccess")}}}
		if aws.ToString(lin.TargetId) == "111122223333" {
			out.Policies = append(out.Policies, orgtypes.PolicySummary{Id: aws.String("p-tls"), Name: aws.String("TLSOnly")})
		}
		return out, nil
	}
	f.on[apiDescribePolicy+"|p-RCPFullAWSAccess"] = func(any) (any, error) {
		return &organizations.DescribePolicyOutput{Policy: &orgtypes.Policy{Content: aws.String(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"*","Resource":"*"}]}`)}}, nil
	}
	f.on[apiDescribePolicy+"|p-tls"] = func(any) (any, error) {
		return &organizations.DescribePolicyOutput{Policy: &orgtypes.Policy{Content: aws.String(`{"Version":"2012-10-17","Statement":[{"Sid":"TLS","Effect":"Deny","Principal":"*","Action":"*","Resource":"*","Condition":{"BoolIfExists":{"aws:SecureTransport":"false"}}}]}`)}}, nil
	}
}

// TestRCPCases: the RCPs over an account (Organizations User Guide,
// "Resource control policies (RCPs)": they apply to member accounts'
// resources, not to the management account's).
func TestRCPCases(t *testing.T) {
	tests := []struct {
		name              string
		setup             func(f *fake)
		known, management bool
		levels            int
		gap               string // the Source of the one gap expected
		note              string
	}{
		{"not in an organization", func(f *fake) {
			f.on[apiDescribeOrganization] = func(any) (any, error) { return nil, apiErr("AWSOrganizationsNotInUseException", "no") }
		}, true, false, 0, "", "no SCP or RCP applies"},
		{"management account", func(f *fake) {
			rcpsEnabled(f, true)
			f.on[apiDescribeOrganization] = func(any) (any, error) {
				return &organizations.DescribeOrganizationOutput{Organization: &orgtypes.Organization{Id: aws.String("o-1"), MasterAccountId: aws.String("111122223333")}}, nil
			}
		}, true, true, 0, "", "nor RCPs to its resources"},
		{"RCPs not enabled", func(*fake) {}, true, false, 0, "", "resource control policies are not enabled"},
		{"member account", func(f *fake) { rcpsEnabled(f, true) }, true, false, 2, "", ""},
		{"RCPs enabled, SCPs not", func(f *fake) { rcpsEnabled(f, false) }, true, false, 2, "", "service control policies are not enabled"},
		{"DescribeOrganization refused", func(f *fake) {
			f.on[apiDescribeOrganization] = func(any) (any, error) { return nil, apiErr("AccessDeniedException", "no") }
		}, false, false, 0, apiDescribeOrganization, "service control policies not read (AccessDeniedException"},
		{"ListRoots refused", func(f *fake) {
			f.on[apiListRoots] = func(any) (any, error) { return nil, apiErr("AccessDeniedException", "no") }
		}, false, false, 0, apiListRoots, ""},
		{"an RCP that does not parse", func(f *fake) {
			rcpsEnabled(f, true)
			f.on[apiDescribePolicy+"|p-tls"] = unparsablePolicy
		}, false, false, 0, apiDescribePolicy, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := runSetup(t, tt.setup)
			a := c.Estate.Lookup("111122223333")
			if a.RCPsKnown != tt.known || len(a.RCPs) != tt.levels || a.Management != tt.management {
				t.Errorf("known %v, %d levels, management %v", a.RCPsKnown, len(a.RCPs), a.Management)
			}
			checkNote(t, c.Estate, tt.note)
			switch g := c.Estate.Gaps; {
			case tt.gap == "" && len(g) != 0:
				t.Errorf("gaps = %v", g)
			case tt.gap != "" && (len(g) != 1 || g[0].Source != tt.gap || g[0].Account != "111122223333" || !strings.Contains(g[0].Message, "assumes no RCP")):
				t.Errorf("gaps = %v, want one of %s saying the analysis assumes no RCP", g, tt.gap)
			}
		})
	}
	// The levels: root first, the account's Deny last, each named.
	f := newFake()
	rcpsEnabled(f, true)
	a := run(t, f, Options{}).Estate.Lookup("111122223333")
	if len(a.RCPs) != 2 || a.RCPs[0].Name != "RCP RCPFullAWSAccess on root r-1" ||
		a.RCPs[1].Name != "RCPs on account 111122223333 (RCPFullAWSAccess, TLSOnly)" || a.RCPs[1].Doc.Statements[1].Sid != "TLS" {
		t.Errorf("levels = %s, %s", a.RCPs[0].Name, a.RCPs[1].Name)
	}
}

func TestIAMDocumentProblems(t *testing.T) {
	f := newFake()
	f.on[apiGetAccountAuthorizationDetails] = func(any) (any, error) {
		return &iam.GetAccountAuthorizationDetailsOutput{
			UserDetailList: []iamtypes.UserDetail{{UserName: aws.String("u"), Arn: aws.String("arn:aws:iam::111122223333:user/u"),
				UserPolicyList: []iamtypes.PolicyDetail{{PolicyName: aws.String("bad"), PolicyDocument: aws.String("%zz")},
					{PolicyName: aws.String("good"), PolicyDocument: aws.String(fakeDoc)}}}},
			Policies: []iamtypes.ManagedPolicyDetail{{Arn: aws.String("arn:aws:iam::111122223333:policy/noversion"), DefaultVersionId: aws.String("v9")}},
		}, nil
	}
	c := run(t, f, Options{})
	var codes []string
	for _, g := range c.Estate.Gaps {
		codes = append(codes, string(g.Code)+" "+g.Resource)
	}
	sort.Strings(codes)
	want := []string{"missing-document arn:aws:iam::111122223333:policy/noversion", "parse-error arn:aws:iam::111122223333:user/u"}
	if !reflect.DeepEqual(codes, want) {
		t.Errorf("gaps = %v, want %v", codes, want)
	}
	u := c.Estate.Lookup("111122223333").IAM.Users[0]
	if len(u.Inline) != 1 || u.Inline[0].Name != "inline policy good of user/u" {
		t.Errorf("inline = %+v", u.Inline)
	}
}

func TestDecodeIAMDocument(t *testing.T) {
	for in, want := range map[string]string{
		"%7B%22a%22%3A%22b%20c%2Bd%22%7D": `{"a":"b c+d"}`,
		`{"a":"b+c"}`:                     `{"a":"b+c"}`, // a literal '+' stays, as the AWS CLI's unquote leaves it
		"%C3%BB":                          "û",
	} {
		got, err := decodeIAMDocument(in)
		if err != nil || got != want {
			t.Errorf("decode(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	if _, err := decodeIAMDocument("%zz"); err == nil {
		t.Error("bad escape accepted")
	}
}

func TestCanceled(t *testing.T) {
	f := newFake()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	f.on[apiGetRepositoryPolicy] = func(any) (any, error) {
		cancel() // the user presses ^C while policies are read
		return nil, context.Canceled
	}
	c, err := RunWith(ctx, f.clients(), Options{Regions: []string{"us-east-1"}}, nil)
	if err == nil || !errors.Is(err, context.Canceled) || c == nil {
		t.Fatalf("err = %v", err)
	}
	if len(c.Estate.Gaps) == 0 {
		t.Error("an interrupted scan has no gaps")
	}
	for _, g := range c.Estate.Gaps {
		if g.Code != estate.GapCanceled {
			t.Errorf("gap %v", g)
		}
	}
}

func TestOptionErrors(t *testing.T) {
	f := newFake()
	if _, err := RunWith(context.Background(), f.clients(), Options{}, nil); err == nil || !strings.Contains(err.Error(), "no region") {
		t.Errorf("no region: %v", err)
	}
	if _, err := RunWith(context.Background(), f.clients(), Options{Regions: []string{"us-east-1"}, Accounts: []string{"1"}}, nil); err == nil ||
		!strings.Contains(err.Error(), "--role-name") {
		t.Errorf("no role name: %v", err)
	}
	if _, err := Run(context.Background(), aws.Config{}, Options{}); err == nil || !strings.Contains(err.Error(), "--region") {
		t.Errorf("no region in config: %v", err)
	}
}

func TestAllRegions(t *testing.T) {
	f := newFake()
	c := run(t, f, Options{AllRegions: true})
	if got := len(c.Estate.Lookup("111122223333").Regions()); got != len(ecrRegions["aws"]) {
		t.Errorf("%d regions", got)
	}
}

func TestRedactor(t *testing.T) {
	r := NewRedactor()
	r.Add("wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", "", "tok")
	in := "key AKIAIOSFODNN7EXAMPLE secret wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY Signature=abc123 X-Amz-Security-Token: FQoGZXIvYXdz tok"
	out := r.Clean(in)
	for _, s := range []string{"IOSFODNN7EXAMPLE", "wJalrXUtnFEMI", "abc123", "FQoGZXIvYXdz"} {
		if strings.Contains(out, s) {
			t.Errorf("%q survives: %s", s, out)
		}
	}
	if !strings.Contains(out, "tok") { // secrets shorter than 4 characters are not redacted
		t.Errorf("short secret removed: %s", out)
	}
}

// TestRegionsMatchSDK compares the region table with the SDK's endpoint
// metadata for ECR in the module cache.
func TestRegionsMatchSDK(t *testing.T) {
	out, err := exec.Command("go", "list", "-m", "-f", "{{.Dir}}", "github.com/aws/aws-sdk-go-v2/service/ecr").Output()
	if err != nil {
		t.Skipf("cannot locate the ECR module: %v", err)
	}
	data, err := os.ReadFile(filepath.Join(strings.TrimSpace(string(out)), "internal", "endpoints", "endpoints.go"))
	if err != nil {
		t.Skipf("cannot read the SDK's endpoint metadata: %v", err)
	}
	// Partitions start with `ID: "aws..."`; regions are keys without
	// variants.
	partRe := regexp.MustCompile(`(?m)^\t\tID: "([a-z-]+)",`)
	regionRe := regexp.MustCompile(`(?m)^\t\t\tendpoints\.EndpointKey\{\n\t\t\t\tRegion: "([a-z0-9-]+)",\n\t\t\t\}:`)
	idx := partRe.FindAllStringSubmatchIndex(string(data), -1)
	for i, m := range idx {
		part := string(data[m[2]:m[3]])
		end := len(data)
		if i+1 < len(idx) {
			end = idx[i+1][0]
		}
		var got []string
		for _, r := range regionRe.FindAllStringSubmatch(string(data[m[0]:end]), -1) {
			if r[1] != "" && !strings.HasPrefix(r[1], "dkr-") && !strings.Contains(r[1], "fips") {
				got = append(got, r[1])
			}
		}
		sort.Strings(got)
		if want := Regions(part); !reflect.DeepEqual(got, want) {
			t.Errorf("partition %s: the SDK lists %v, the table %v", part, got, want)
		}
	}
	if len(idx) < 3 {
		t.Errorf("found %d partitions in the SDK's metadata: the parser is stale", len(idx))
	}
}

func TestGapFromErrors(t *testing.T) {
	for _, tt := range []struct {
		err  error
		code estate.GapCode
	}{
		{apiErr("AccessDeniedException", "no"), "AccessDeniedException"},
		{&timeoutError{api: "x", after: "1s", err: context.DeadlineExceeded}, estate.GapTimeout},
		{context.Canceled, estate.GapCanceled},
		{&parseError{what: "p", err: errors.New("bad")}, estate.GapParseError},
		{&missingError{"none"}, estate.GapMissingDocument},
		{errors.New("plain"), estate.GapError},
	} {
		if code, _ := classify(tt.err); code != tt.code {
			t.Errorf("classify(%v) = %s, want %s", tt.err, code, tt.code)
		}
	}
	if !regionLevel(apiErr("UnrecognizedClientException", "")) || regionLevel(apiErr("AccessDeniedException", "")) {
		t.Error("regionLevel")
	}
	_ = estate.Gap{}
}
