package identity

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/ecrguard/ecrguard/estate"
	"github.com/ecrguard/ecrguard/eval"
)

// whoCanCase is a small account and one who-can question about it: the
// principals that can perform action on repo, and what else the answer
// carries.
type whoCanCase struct {
	name   string
	f      fixture
	action string
	repo   string // as in question: "REGION/NAME", "NAME", or "" for "*"
	want   []string
	// unread maps a principal of want to the repository tags its proof
	// assumes because they were not read ("|"-joined; absent: none).
	unread map[string]string
	// gaps are the codes of the gaps of the model and of the answer; notes,
	// fragments of the model's notes.
	gaps, notes []string
}

// runWhoCan answers each case with WhoCan and checks the principals, that
// every proof replays, the unread tags, the gaps and notes, and that the
// model without its memo gives the same principals.
func runWhoCan(t *testing.T, cases []whoCanCase) {
	t.Helper()
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			m := c.f.build(t)
			grants, answerGaps := m.WhoCan(c.action, m.repository(t, c.repo))
			var got []string
			for _, g := range grants {
				got = append(got, g.Principal.Label())
				if e := m.Explain(g.Principal, g.Witness); e.Decision.Result != eval.Allow {
					t.Errorf("the proof for %s does not replay: %s", g.Principal.Label(), e.Decision.Reason)
				}
				if tags := strings.Join(UnreadTags(g.Witness), "|"); tags != c.unread[g.Principal.Label()] {
					t.Errorf("%s: unread tags %q, want %q", g.Principal.Label(), tags, c.unread[g.Principal.Label()])
				}
			}
			if !slices.Equal(got, c.want) {
				t.Errorf("who can %s on %q: %v, want %v", c.action, c.repo, got, c.want)
			}
			var codes []string
			gaps := slices.Concat(m.Gaps, answerGaps)
			for _, g := range gaps {
				codes = append(codes, string(g.Code))
			}
			if !slices.Equal(codes, c.gaps) {
				t.Errorf("gaps %v, want %v (%v)", codes, c.gaps, gaps)
			}
			for _, n := range c.notes {
				if !slices.ContainsFunc(m.Notes, func(x estate.Note) bool { return strings.Contains(x.Message, n) }) {
					t.Errorf("no note says %q: %v", n, m.Notes)
				}
			}
			off := c.f.build(t)
			off.memo.off = true
			var offGot []string
			offGrants, _ := off.WhoCan(c.action, off.repository(t, c.repo))
			for _, g := range offGrants {
				offGot = append(offGot, g.Principal.Label())
			}
			if !slices.Equal(offGot, got) {
				t.Errorf("without the memo: %v, with it: %v", offGot, got)
			}
		})
	}
}

func policyOf(statements ...string) string {
	return `{"Version":"2012-10-17","Statement":[` + strings.Join(statements, ",") + `]}`
}

const (
	allowPush   = `{"Effect":"Allow","Action":["ecr:PutImage","ecr:InitiateLayerUpload","ecr:UploadLayerPart","ecr:CompleteLayerUpload"],"Resource":"*"}`
	allowAllECR = `{"Effect":"Allow","Action":"ecr:*","Resource":"*"}`
)

// IAM User Guide, "IAM user groups": a user has the permissions of the
// policies attached to its groups (inline and managed). "Managed policies
// and inline policies": both kinds are identity-based policies of the
// principal they are attached to, and "Policy evaluation logic": an
// explicit Deny in any of them overrides every Allow.
func TestWhoCanGroupsAndManagedPolicies(t *testing.T) {
	users := []who{{name: "alice", groups: []string{"devs"}}, {name: "bob"}, {name: "carol", groups: []string{"ops"}}}
	groups := []groupSpec{{name: "devs", inline: []string{policyOf(allowPush)}}, {name: "ops", attached: []string{"ecr-admin"}}}
	managed := map[string]string{
		"ecr-admin": policyOf(allowAllECR),
		"no-delete": policyOf(`{"Effect":"Deny","Action":"ecr:DeleteRepository","Resource":"*"}`),
	}
	f := fixture{users: users, groups: groups, managed: managed, repos: []repoSpec{{name: "app"}}}
	mixed := fixture{managed: managed, repos: []repoSpec{{name: "app"}},
		roles: []who{{name: "ci", inline: []string{allowECR}, attached: []string{"no-delete"}}, {name: "admin", attached: []string{"ecr-admin"}}}}
	runWhoCan(t, []whoCanCase{
		{name: "a group's inline policy", f: f, action: "ecr:PutImage", repo: "app", want: []string{"user/alice", "user/carol"}},
		{name: "a group's managed policy", f: f, action: "ecr:DeleteRepository", repo: "app", want: []string{"user/carol"}},
		{name: "an inline Allow and a managed Deny", f: mixed, action: "ecr:DeleteRepository", repo: "app", want: []string{"role/admin"}},
		{name: "the managed Deny leaves the rest", f: mixed, action: "ecr:PutImage", repo: "app", want: []string{"role/admin", "role/ci"}},
		{name: "a group missing from the inputs is a gap, the user's own policies still count",
			f:      fixture{users: []who{{name: "alice", groups: []string{"gone"}, inline: []string{allowPull}}}, repos: []repoSpec{{name: "app"}}},
			action: "ecr:BatchGetImage", repo: "app", want: []string{"user/alice"}, gaps: []string{"group-not-found"}},
		{name: "a customer managed policy missing from the inputs is a gap",
			f:      fixture{roles: []who{{name: "ci", attached: []string{"gone"}}}, repos: []repoSpec{{name: "app"}}},
			action: "ecr:BatchGetImage", repo: "app", gaps: []string{"policy-not-found"}},
		{name: "an AWS managed policy missing from the inputs is read from the embedded copy",
			f:      fixture{roles: []who{{name: "ci", attached: []string{"arn:aws:iam::aws:policy/AmazonEC2ContainerRegistryReadOnly"}}}, repos: []repoSpec{{name: "app"}}},
			action: "ecr:BatchGetImage", repo: "app", want: []string{"role/ci"}, notes: []string{"AmazonEC2ContainerRegistryReadOnly", "embedded copy"}},
	})
}

// IAM User Guide, "Permissions boundaries for IAM entities": an entity can
// do only what both its identity-based policies and its boundary allow;
// the boundary grants nothing by itself. "Policy evaluation for requests
// within a single account": within the account, either an identity-based
// or the resource-based policy may allow.
func TestWhoCanBoundaryAndResourcePolicy(t *testing.T) {
	pullDelete := policyOf(`{"Effect":"Allow","Action":["ecr:BatchGetImage","ecr:DeleteRepository"],"Resource":"*"}`)
	f := fixture{
		roles: []who{{name: "ci", inline: []string{policyOf(allowPush), allowPull}, boundary: pullDelete}, {name: "free", inline: []string{allowECR}}},
		users: []who{{name: "alice"}},
		repos: []repoSpec{{name: "app", policy: repoGrant(userARN("alice"), "ecr:PutImage")}, {name: "web"}},
	}
	runWhoCan(t, []whoCanCase{
		{name: "allowed by both", f: f, action: "ecr:BatchGetImage", repo: "web", want: []string{"role/ci", "role/free"}},
		{name: "allowed by the identity policy only", f: f, action: "ecr:PutImage", repo: "web", want: []string{"role/free"}},
		{name: "allowed by the boundary only", f: f, action: "ecr:DeleteRepository", repo: "web", want: []string{"role/free"}},
		{name: "a repository policy alone grants a user with no identity policy", f: f, action: "ecr:PutImage", repo: "app", want: []string{"role/free", "user/alice"}},
	})
}

// AWS Organizations User Guide, "Service control policies (SCPs)": an SCP
// Deny applies to every principal of the account it matches, whatever its
// identity policies allow; here one limited by aws:PrincipalArn (IAM User
// Guide, "AWS global condition context keys"). IAM User Guide, "How AWS
// enforcement code logic evaluates requests to allow or deny access": an
// explicit Deny in an identity policy overrides its Allow.
func TestWhoCanDenies(t *testing.T) {
	scp := policyOf(`{"Effect":"Allow","Action":"*","Resource":"*"}`,
		`{"Effect":"Deny","Action":"ecr:PutImage","Resource":"*","Condition":{"ArnNotLike":{"aws:PrincipalArn":"arn:aws:iam::*:role/deploy-*"}}}`)
	roles := []who{{name: "deploy-api", inline: []string{allowECR}}, {name: "dev", inline: []string{allowECR}}}
	denyApp := policyOf(allowAllECR, `{"Effect":"Deny","Action":"ecr:PutImage","Resource":"arn:aws:ecr:us-east-1:`+owner+`:repository/app"}`)
	repos := []repoSpec{{name: "app"}, {name: "web"}}
	runWhoCan(t, []whoCanCase{
		{name: "an SCP Deny except for deploy roles", f: fixture{roles: roles, repos: repos, scps: []string{scp}}, action: "ecr:PutImage", repo: "app", want: []string{"role/deploy-api"}},
		{name: "the SCP Deny is of one action", f: fixture{roles: roles, repos: repos, scps: []string{scp}}, action: "ecr:BatchGetImage", repo: "app", want: []string{"role/deploy-api", "role/dev"}},
		{name: "an identity Deny on one repository", f: fixture{roles: []who{{name: "ci", inline: []string{denyApp}}}, repos: repos}, action: "ecr:PutImage", repo: "app"},
		{name: "the identity Deny leaves other repositories", f: fixture{roles: []who{{name: "ci", inline: []string{denyApp}}}, repos: repos}, action: "ecr:PutImage", repo: "web", want: []string{"role/ci"}},
	})
}

// IAM User Guide, "AWS JSON policy elements: Principal" (role session
// principals and IAM role principals): a grant to a role session is a
// grant to whoever assumes that role with that session name, which the
// role's caller picks; a grant to the role ARN is to the role. ECR User
// Guide, "Private registry permissions in Amazon ECR": under scope V2 the
// registry policy governs every action on every repository, under V1 only
// ReplicateImage, BatchImportUpstreamImage and CreateRepository.
func TestWhoCanNamedPrincipals(t *testing.T) {
	session := repoGrant("arn:aws:sts::"+owner+":assumed-role/ci/deploy", "ecr:PutImage")
	roles := []who{{name: "ci"}, {name: "deploy"}, {name: "scanner"}}
	registry := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"` + roleARN("scanner") + `"},"Action":"ecr:BatchGetImage","Resource":"arn:aws:ecr:us-east-1:` + owner + `:repository/*"}]}`
	runWhoCan(t, []whoCanCase{
		{name: "a role session: its role", f: fixture{roles: roles, repos: []repoSpec{{name: "app", policy: session}}}, action: "ecr:PutImage", repo: "app", want: []string{"role/ci"}},
		{name: "a role ARN: that role", f: fixture{roles: roles, repos: []repoSpec{{name: "app", policy: repoGrant(roleARN("deploy"), "ecr:PutImage")}}}, action: "ecr:PutImage", repo: "app", want: []string{"role/deploy"}},
		{name: "the registry policy under V2", f: fixture{roles: roles, repos: []repoSpec{{name: "app"}}, registry: registry}, action: "ecr:BatchGetImage", repo: "app", want: []string{"role/scanner"}},
		{name: "the registry policy under V1", f: fixture{roles: roles, repos: []repoSpec{{name: "app"}}, registry: registry, scope: "V1"}, action: "ecr:BatchGetImage", repo: "app"},
	})
}

// Service Authorization Reference for Amazon ECR (ecr:ResourceTag/${TagKey})
// and what `ecrguard who-can --help` promises ("unread_tags" in its JSON):
// a grant that depends on a tag that was not read is listed, with the tag
// it assumes; one that depends on a tag that was read follows it.
func TestWhoCanUnreadTags(t *testing.T) {
	tagged := policyOf(`{"Effect":"Allow","Action":"ecr:PutImage","Resource":"*","Condition":{"StringEquals":{"ecr:ResourceTag/team":"payments"}}}`)
	f := fixture{
		roles: []who{{name: "payments", inline: []string{tagged}}, {name: "admin", inline: []string{allowECR}}},
		repos: []repoSpec{{name: "unread"}, {name: "web", tags: map[string]string{"team": "web"}, tagsKnown: true}, {name: "pay", tags: map[string]string{"team": "payments"}, tagsKnown: true}},
	}
	runWhoCan(t, []whoCanCase{
		{name: "tags not read", f: f, action: "ecr:PutImage", repo: "unread", want: []string{"role/admin", "role/payments"}, unread: map[string]string{"role/payments": "ecr:ResourceTag/team = payments"}},
		{name: "tags read, another team", f: f, action: "ecr:PutImage", repo: "web", want: []string{"role/admin"}},
		{name: "tags read, the team", f: f, action: "ecr:PutImage", repo: "pay", want: []string{"role/admin", "role/payments"}},
	})
}

// IAM User Guide, "IAM JSON policy elements: Condition operators" (date
// condition operators) and "AWS global condition context keys"
// (aws:CurrentTime): requests carry the time of the scan (--at).
func TestWhoCanAt(t *testing.T) {
	until := policyOf(`{"Effect":"Allow","Action":"ecr:PutImage","Resource":"*","Condition":{"DateLessThan":{"aws:CurrentTime":"2026-07-01T00:00:00Z"}}}`)
	from := policyOf(`{"Effect":"Allow","Action":"ecr:PutImage","Resource":"*","Condition":{"DateGreaterThan":{"aws:CurrentTime":"2026-07-01T00:00:00Z"}}}`)
	f := func(at time.Time) fixture {
		return fixture{at: at, roles: []who{{name: "contractor", inline: []string{until}}, {name: "successor", inline: []string{from}}}, repos: []repoSpec{{name: "app"}}}
	}
	runWhoCan(t, []whoCanCase{
		{name: "before the date", f: f(time.Date(2026, 6, 30, 0, 0, 0, 0, time.UTC)), action: "ecr:PutImage", repo: "app", want: []string{"role/contractor"}},
		{name: "after the date", f: f(time.Date(2026, 7, 2, 0, 0, 0, 0, time.UTC)), action: "ecr:PutImage", repo: "app", want: []string{"role/successor"}},
	})
}

// IAM User Guide, "IAM JSON policy elements: NotAction" and "IAM JSON
// policy elements: NotResource": an Allow with NotAction allows every
// action but those listed, on the resources it names; an Allow with
// NotResource allows on every resource but those listed; a Deny with
// NotAction denies every action but those listed.
func TestWhoCanNotActionNotResource(t *testing.T) {
	notDelete := policyOf(`{"Effect":"Allow","NotAction":"ecr:Delete*","Resource":"*"}`)
	notProd := policyOf(`{"Effect":"Allow","Action":"ecr:*","NotResource":"arn:aws:ecr:*:` + owner + `:repository/prod-*"}`)
	onlyPull := policyOf(allowAllECR, `{"Effect":"Deny","NotAction":["ecr:BatchGetImage","ecr:GetDownloadUrlForLayer"],"Resource":"*"}`)
	f := fixture{
		roles: []who{{name: "builder", inline: []string{notDelete}}, {name: "dev", inline: []string{notProd}}, {name: "reader", inline: []string{onlyPull}}},
		repos: []repoSpec{{name: "app"}, {name: "prod-api"}},
	}
	runWhoCan(t, []whoCanCase{
		{name: "NotAction leaves the action in", f: f, action: "ecr:PutImage", repo: "app", want: []string{"role/builder", "role/dev"}},
		{name: "NotAction takes the action out", f: f, action: "ecr:DeleteRepository", repo: "app", want: []string{"role/dev"}},
		{name: "NotResource takes the repository out", f: f, action: "ecr:PutImage", repo: "prod-api", want: []string{"role/builder"}},
		{name: "a Deny with NotAction leaves only what it lists", f: f, action: "ecr:BatchGetImage", repo: "prod-api", want: []string{"role/builder", "role/reader"}},
		// Resource "*" of an action without resource type is not a
		// repository ARN, so NotResource does not keep it out; the Deny
		// with NotAction does.
		{name: "an action without resource type", f: f, action: "ecr:GetAuthorizationToken", want: []string{"role/builder", "role/dev"}},
	})
}
