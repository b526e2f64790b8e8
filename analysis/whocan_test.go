package analysis_test

import (
	"reflect"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/ecrguard/ecrguard/analysis"
	"github.com/ecrguard/ecrguard/estate"
	"github.com/ecrguard/ecrguard/policy"
)

const whoCanOwner = "111122223333"

// whoCanEstate is one account with a reader role, a user in a group the
// inputs do not hold, repository app (its policy read) and web (its policy
// not read), and gaps of the inputs: one of another account, one of a
// registry of another region, and a file that did not parse.
func whoCanEstate(t *testing.T) *estate.Estate {
	t.Helper()
	est := estate.New()
	acct := est.Account(whoCanOwner)
	acct.IAM = &estate.IAM{Source: "iam.json",
		Roles: []*estate.Role{{Identity: estate.Identity{Name: "reader", Path: "/", ARN: "arn:aws:iam::" + whoCanOwner + ":role/reader",
			Inline: []*estate.Policy{parsePolicy(t, "Pull", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["ecr:BatchGetImage","ecr:GetAuthorizationToken"],"Resource":"*"}]}`)}}}},
		Users: []*estate.User{{Identity: estate.Identity{Name: "dev", ARN: "arn:aws:iam::" + whoCanOwner + ":user/dev"}, Groups: []string{"missing"}}},
	}
	region := acct.Region("us-east-1")
	region.Repository("app").SetPolicy(parsePolicy(t, "repository policy of app", `{"Version":"2012-10-17","Statement":[{"Sid":"Partner","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::444455556666:root"},"Action":"ecr:BatchGetImage"}]}`))
	region.Repository("web")
	est.Gaps = append(est.Gaps,
		estate.Gap{Source: "ecr:GetRepositoryPolicy", Account: "999999999999", Resource: "arn:aws:ecr:us-east-1:999999999999:repository/app", Code: "AccessDenied", Message: "denied"},
		estate.Gap{Source: "ecr:GetRegistryPolicy", Account: whoCanOwner, Resource: estate.RegistryARN("eu-west-1", whoCanOwner), Code: "AccessDenied", Message: "denied"},
		estate.Gap{Source: "broken.json", Code: "parse-error", Message: "unexpected end of JSON input"},
	)
	return est
}

// parsePolicy parses text as the policy called name, failing the test when
// it does not parse.
func parsePolicy(t *testing.T, name, text string) *estate.Policy {
	t.Helper()
	doc, err := policy.Parse([]byte(text), name)
	if err != nil {
		t.Fatal(err)
	}
	return &estate.Policy{Name: name, Doc: doc}
}

func gapCodes(gaps []estate.Gap) []string {
	var out []string
	for _, g := range gaps {
		out = append(out, string(g.Code)+" "+g.Resource)
	}
	sort.Strings(out)
	return out
}

// TestWhoCanGapsBearOnTheQuestion: who-can reports the gaps that can change
// its answer (a file that did not parse, the account's IAM inputs, the
// repository asked), not those of another account, repository or registry.
func TestWhoCanGapsBearOnTheQuestion(t *testing.T) {
	a := analysis.Analyze(whoCanEstate(t), analysis.Settings{})
	app, web := "arn:aws:ecr:us-east-1:"+whoCanOwner+":repository/app", "arn:aws:ecr:us-east-1:"+whoCanOwner+":repository/web"
	user := "arn:aws:iam::" + whoCanOwner + ":user/dev"
	reader := "arn:aws:iam::" + whoCanOwner + ":role/reader"
	for _, c := range []struct {
		action, resource string
		want             []string
	}{
		{"ecr:BatchGetImage", app, []string{"group-not-found " + user, "parse-error "}},
		{"ecr:BatchGetImage", web, []string{"group-not-found " + user, "not-in-inputs " + web, "parse-error ", "policy-not-read " + web}},
		{"ecr:GetAuthorizationToken", "*", []string{"group-not-found " + user, "parse-error "}},
	} {
		ans, err := a.WhoCan(c.action, c.resource)
		if err != nil {
			t.Fatal(err)
		}
		if got := gapCodes(ans.Gaps); !reflect.DeepEqual(got, c.want) {
			t.Errorf("%s on %s: gaps\n%q\nwant\n%q", c.action, c.resource, got, c.want)
		}
		if !slices.ContainsFunc(ans.Entries, func(e analysis.WhoCanEntry) bool { return e.Principal == reader }) {
			t.Errorf("%s on %s: entries %+v; the reader role can", c.action, c.resource, ans.Entries)
		}
	}
}

// TestWhoCanHasNoSideEffects: a who-can question gives the same answer and
// gaps asked alone, twice, or after other questions.
func TestWhoCanHasNoSideEffects(t *testing.T) {
	app, web := "arn:aws:ecr:us-east-1:"+whoCanOwner+":repository/app", "arn:aws:ecr:us-east-1:"+whoCanOwner+":repository/web"
	ask := func(a *analysis.Analysis, action, resource string) analysis.WhoCanAnswer {
		t.Helper()
		ans, err := a.WhoCan(action, resource)
		if err != nil {
			t.Fatal(err)
		}
		return ans
	}
	alone := ask(analysis.Analyze(whoCanEstate(t), analysis.Settings{}), "ecr:BatchGetImage", app)
	a := analysis.Analyze(whoCanEstate(t), analysis.Settings{})
	ask(a, "ecr:BatchGetImage", web)
	ask(a, "ecr:GetAuthorizationToken", "*")
	for i := range 2 {
		if got := ask(a, "ecr:BatchGetImage", app); !reflect.DeepEqual(got, alone) {
			t.Errorf("asked after others (%d):\n%+v\nalone:\n%+v", i+1, got, alone)
		}
	}
}

// TestWhoCanSettledScope follows the Amazon ECR User Guide, "Private
// registry permissions": under scope V1 the registry policy governs only
// ReplicateImage, BatchImportUpstreamImage and CreateRepository. A scope
// that could not be read is judged both ways; it is a gap of the answer
// only when the two answers differ.
func TestWhoCanSettledScope(t *testing.T) {
	const region = "us-east-1"
	repoARN := "arn:aws:ecr:us-east-1:" + whoCanOwner + ":repository/app"
	scopeGap := estate.Gap{Source: estate.ScopeAPI, Account: whoCanOwner, Region: region, Resource: estate.RegistryARN(region, whoCanOwner),
		Code: "AccessDeniedException", Message: "registry policy scope not read"}
	for _, tt := range []struct {
		name, registry, action string
		wantGap                bool
	}{
		{"pulls, which only V2 governs", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::444455556666:root"},"Action":"ecr:BatchGetImage","Resource":"*"}]}`, "ecr:BatchGetImage", true},
		{"replication, which both govern", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::444455556666:root"},"Action":"ecr:ReplicateImage","Resource":"*"}]}`, "ecr:BatchGetImage", false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			est := estate.New()
			r := est.Account(whoCanOwner).Region(region)
			r.Repository("app").SetPolicy(nil)
			doc, err := policy.Parse([]byte(tt.registry), "registry.json")
			if err != nil {
				t.Fatal(err)
			}
			r.Registry.SetPolicy(&estate.Policy{Name: "registry policy", Doc: doc, Source: doc.Pos})
			est.AddGap(scopeGap)
			ans, err := analysis.WhoCanSettled(est, analysis.Settings{}, tt.action, repoARN)
			if err != nil {
				t.Fatal(err)
			}
			if r.Registry.Scope != "" {
				t.Errorf("scope %q after the answer, want it unknown as read", r.Registry.Scope)
			}
			var scopeGaps int
			for _, g := range ans.Gaps {
				if g.Source == estate.ScopeAPI {
					scopeGaps++
				}
			}
			if tt.wantGap {
				if scopeGaps != 1 || len(ans.Notes) != 0 || len(ans.Entries) == 0 || ans.Entries[0].Principal != "arn:aws:iam::444455556666:root" {
					t.Errorf("gaps %v, notes %v, entries %v; want the scope gap and V2's answer (the partner)", ans.Gaps, ans.Notes, ans.Entries)
				}
				return
			}
			if scopeGaps != 0 || len(ans.Notes) != 1 {
				t.Errorf("gaps %v, notes %v; want the scope as a note", ans.Gaps, ans.Notes)
			}
		})
	}
}

// AWS Organizations User Guide, "Resource control policies (RCPs)": an RCP
// limits the account's own principals' requests to its repositories too,
// and outsiders' through the repository policy; service-linked roles are
// not governed, nor are the management account's resources. who-can
// answers under them exactly.
func TestWhoCanUnderRCPs(t *testing.T) {
	pull := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"ecr:BatchGetImage","Resource":"*"}]}`
	build := func(management bool) *estate.Estate {
		est := estate.New()
		acct := est.Account(whoCanOwner)
		acct.Management = management
		acct.IAM = &estate.IAM{Source: "iam.json", Roles: []*estate.Role{
			{Identity: estate.Identity{Name: "reader", Path: "/", ARN: "arn:aws:iam::" + whoCanOwner + ":role/reader", Inline: []*estate.Policy{parsePolicy(t, "Pull", pull)}}},
			{Identity: estate.Identity{Name: "admin", Path: "/", ARN: "arn:aws:iam::" + whoCanOwner + ":role/admin", Inline: []*estate.Policy{parsePolicy(t, "Pull", pull)}}},
			{Identity: estate.Identity{Name: "AWSServiceRoleForECRReplication", Path: "/aws-service-role/replication.ecr.amazonaws.com/",
				ARN: "arn:aws:iam::" + whoCanOwner + ":role/aws-service-role/replication.ecr.amazonaws.com/AWSServiceRoleForECRReplication", Inline: []*estate.Policy{parsePolicy(t, "Pull", pull)}},
				ServiceLinked: true},
		}}
		acct.RCPs = []*estate.Policy{parsePolicy(t, "rcp.json", `{"Version":"2012-10-17","Statement":[
			{"Sid":"RCPFullAWSAccess","Effect":"Allow","Principal":"*","Action":"*","Resource":"*"},
			{"Sid":"OnlyAdminPulls","Effect":"Deny","Principal":"*","Action":"ecr:BatchGetImage","Resource":"*","Condition":{"ArnNotEquals":{"aws:PrincipalArn":"arn:aws:iam::`+whoCanOwner+`:role/admin"}}}]}`)}
		acct.RCPsKnown = true
		acct.Region("us-east-1").Repository("app").SetPolicy(parsePolicy(t, "repository policy of app", `{"Version":"2012-10-17","Statement":[{"Sid":"Partner","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::444455556666:root"},"Action":"ecr:BatchGetImage"}]}`))
		return est
	}
	app := "arn:aws:ecr:us-east-1:" + whoCanOwner + ":repository/app"
	slr := "arn:aws:iam::" + whoCanOwner + ":role/aws-service-role/replication.ecr.amazonaws.com/AWSServiceRoleForECRReplication"
	for _, c := range []struct {
		management bool
		action     string
		resource   string
		want       []string
	}{
		{false, "ecr:BatchGetImage", app, []string{"arn:aws:iam::" + whoCanOwner + ":role/admin", slr}},
		{true, "ecr:BatchGetImage", app, []string{"arn:aws:iam::" + whoCanOwner + ":role/admin", slr, "arn:aws:iam::" + whoCanOwner + ":role/reader", "arn:aws:iam::444455556666:root"}},
	} {
		a := analysis.Analyze(build(c.management), analysis.Settings{})
		ans, err := a.WhoCan(c.action, c.resource)
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, e := range ans.Entries {
			got = append(got, e.Principal)
		}
		if !reflect.DeepEqual(got, c.want) {
			t.Errorf("management %v: %s on %s\n got %q\nwant %q", c.management, c.action, c.resource, got, c.want)
		}
	}
}

// TestWhoCanQuestion: the action is checked against the catalog and
// spelled as it spells it; "" is "*" for an action without a resource
// type and an error for one with.
func TestWhoCanQuestion(t *testing.T) {
	const repo = "arn:aws:ecr:us-east-1:111122223333:repository/app"
	for _, tt := range []struct {
		action, resource       string
		wantAction, wantResult string
		wantErr                string
	}{
		{"ECR:deleterepository", repo, "ecr:DeleteRepository", repo, ""},
		{"ecr:GetAuthorizationToken", "", "ecr:GetAuthorizationToken", "*", ""},
		{"ecr:GetAuthorizationToken", repo, "ecr:GetAuthorizationToken", repo, ""},
		{"ecr:DeleteRepository", "", "", "", "ecr:DeleteRepository acts on repositories: give --resource"},
		{"s3:GetObject", repo, "", "", `unknown action "s3:GetObject": expected an ECR action`},
		{"ecr:DeleteRepositry", repo, "", "", "ecr:DeleteRepository"},
	} {
		action, resource, err := analysis.WhoCanQuestion(tt.action, tt.resource)
		switch {
		case tt.wantErr != "":
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("%s %q: error %v, want %q", tt.action, tt.resource, err, tt.wantErr)
			}
		case err != nil || action != tt.wantAction || resource != tt.wantResult:
			t.Errorf("%s %q: %s %q %v, want %s %q", tt.action, tt.resource, action, resource, err, tt.wantAction, tt.wantResult)
		}
	}
}

// TestWhoCanRegistryAndRepositoryPolicies: the registry policy and a
// repository's policy are judged as one for an outsider: either may grant,
// a Deny in either denies (a V2 registry policy is enforced in every ECR
// request: ECR User Guide, "Private registry permissions in Amazon ECR").
func TestWhoCanRegistryAndRepositoryPolicies(t *testing.T) {
	const partner, other = "arn:aws:iam::444455556666:root", "arn:aws:iam::777766665555:root"
	grant := func(who string) string {
		return `{"Effect":"Allow","Principal":{"AWS":"` + who + `"},"Action":"ecr:BatchGetImage","Resource":"arn:aws:ecr:us-east-1:` + whoCanOwner + `:repository/*"}`
	}
	deny := func(who string) string {
		return `{"Effect":"Deny","Principal":{"AWS":"` + who + `"},"Action":"ecr:*","Resource":"*"}`
	}
	app := "arn:aws:ecr:us-east-1:" + whoCanOwner + ":repository/app"
	for _, c := range []struct {
		name, registry, repository string
		want                       []string
	}{
		{"the registry grants, the repository denies", grant(partner), deny(partner), nil},
		{"the repository grants, the registry denies", deny(other), grant(other), nil},
		{"each grants one, denies none", grant(partner), grant(other), []string{partner, other}},
	} {
		est := estate.New()
		region := est.Account(whoCanOwner).Region("us-east-1")
		region.Registry.SetPolicy(parsePolicy(t, "registry policy", `{"Version":"2012-10-17","Statement":[`+c.registry+`]}`))
		region.Registry.Scope = estate.ScopeV2
		region.Repository("app").SetPolicy(parsePolicy(t, "repository policy of app", `{"Version":"2012-10-17","Statement":[`+c.repository+`]}`))
		ans, err := analysis.Analyze(est, analysis.Settings{}).WhoCan("ecr:BatchGetImage", app)
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, e := range ans.Entries {
			got = append(got, e.Principal)
		}
		slices.Sort(got)
		want := slices.Sorted(slices.Values(c.want))
		if !slices.Equal(got, want) {
			t.Errorf("%s: got %q, want %q", c.name, got, want)
		}
	}
}
