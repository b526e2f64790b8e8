package identity

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/ecrguard/ecrguard/estate"
	"github.com/ecrguard/ecrguard/eval"
	"github.com/ecrguard/ecrguard/internal/testgc"
	"github.com/ecrguard/ecrguard/policy"
)

func init() { testgc.Raise() }

const (
	owner   = "111122223333"
	orgMine = "o-a1b2c3d4e5"
)

// who is a user or role of a fixture.
type who struct {
	name     string
	path     string // role path, "/" when empty
	inline   []string
	boundary string
	tags     map[string]string
	linked   bool // a service-linked role
	noID     bool // a role whose unique id the inputs do not give (Terraform)
	// groups are a user's groups; attached are ARNs of managed policies
	// (a name alone is one of fixture.managed).
	groups, attached []string
}

// groupSpec is a group of a fixture.
type groupSpec struct {
	name     string
	inline   []string
	attached []string
}

// repoSpec is a repository of a fixture.
type repoSpec struct {
	name, region string // region "" is us-east-1
	policy       string // "" is none
	tags         map[string]string
	tagsKnown    bool
}

// fixture is an account: its users, roles, SCPs, repositories and registry
// policy.
type fixture struct {
	users, roles []who
	scps         []string
	// rcps are the RCP levels over the account; management makes it the
	// organization's management account, whose resources RCPs do not
	// govern.
	rcps       []string
	management bool
	repos      []repoSpec
	// registry is the registry policy of registryRegion (default us-east-1),
	// of scope scope ("" unknown, which means V2).
	registry, registryRegion, scope string
	// regions are more regions of the account, with no repository.
	regions []string
	orgID   string
	at      time.Time
	groups  []groupSpec
	// managed are the account's managed policies by name.
	managed map[string]string
}

func parsed(t *testing.T, name, src string) *estate.Policy {
	t.Helper()
	d, err := policy.Parse([]byte(src), name)
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return &estate.Policy{Name: name, Doc: d}
}

func (f fixture) build(t *testing.T) *Model {
	t.Helper()
	e := estate.New()
	a := e.Account(owner)
	iam := &estate.IAM{}
	inline := func(label string, srcs []string) []*estate.Policy {
		var out []*estate.Policy
		for i, s := range srcs {
			out = append(out, parsed(t, fmt.Sprintf("inline policy %d of %s", i, label), s))
		}
		return out
	}
	boundary := func(name, src string) string {
		if src == "" {
			return ""
		}
		arn := "arn:aws:iam::" + owner + ":policy/boundary-" + name
		iam.Policies = append(iam.Policies, &estate.ManagedPolicy{Name: "boundary-" + name, ARN: arn, VersionID: "v1", Default: parsed(t, arn, src)})
		return arn
	}
	for name, src := range f.managed {
		arn := managedARN(name)
		iam.Policies = append(iam.Policies, &estate.ManagedPolicy{Name: name, ARN: arn, VersionID: "v1", Default: parsed(t, arn, src)})
	}
	attached := func(names []string) []string {
		var out []string
		for _, n := range names {
			if !strings.HasPrefix(n, "arn:") {
				n = managedARN(n)
			}
			out = append(out, n)
		}
		return out
	}
	for _, g := range f.groups {
		iam.Groups = append(iam.Groups, &estate.Group{Identity: estate.Identity{Name: g.name, ARN: "arn:aws:iam::" + owner + ":group/" + g.name,
			Inline: inline("group/"+g.name, g.inline), Attached: attached(g.attached)}})
	}
	for _, u := range f.users {
		iam.Users = append(iam.Users, &estate.User{
			Identity: estate.Identity{Name: u.name, ARN: "arn:aws:iam::" + owner + ":user/" + u.name, ID: "AIDA" + strings.ToUpper(u.name),
				Inline: inline("user/"+u.name, u.inline), Attached: attached(u.attached)},
			Boundary: boundary(u.name, u.boundary), Tags: u.tags, Groups: u.groups})
	}
	for _, r := range f.roles {
		path := r.path
		if path == "" {
			path = "/"
		}
		id := "AROA" + strings.ToUpper(r.name)
		if r.noID {
			id = ""
		}
		iam.Roles = append(iam.Roles, &estate.Role{
			Identity: estate.Identity{Name: r.name, Path: path, ARN: "arn:aws:iam::" + owner + ":role" + path + r.name, ID: id,
				Inline: inline("role/"+r.name, r.inline), Attached: attached(r.attached)},
			Boundary: boundary(r.name, r.boundary), Tags: r.tags, ServiceLinked: r.linked})
	}
	a.IAM = iam
	for i, s := range f.scps {
		a.SCPs = append(a.SCPs, parsed(t, fmt.Sprintf("scp-%d", i), s))
	}
	a.SCPsKnown = len(f.scps) > 0
	for i, s := range f.rcps {
		a.AddRCPLevel(parsed(t, fmt.Sprintf("rcp-%d", i), s))
	}
	a.Management = f.management
	for _, r := range f.repos {
		repo := a.Region(r.region).Repository(r.name)
		if r.policy != "" {
			repo.SetPolicy(parsed(t, "repository policy of "+r.name, r.policy))
		} else {
			repo.SetPolicy(nil)
		}
		repo.Tags, repo.TagsKnown = r.tags, r.tagsKnown
	}
	if f.registry != "" {
		reg := &a.Region(f.registryRegion).Registry
		reg.SetPolicy(parsed(t, "registry policy", f.registry))
		reg.Scope = f.scope
	}
	for _, r := range f.regions {
		a.Region(r)
	}
	return Build(a, f.orgID, "", f.at)
}

// question is one Can question and its answer.
type question struct {
	who    string // "role/NAME" or "user/NAME"
	action string
	repo   string // "REGION/NAME", "NAME" (us-east-1), or "" for "*"
	mode   Mode
	want   bool
}

func (m *Model) principal(t *testing.T, label string) *Principal {
	t.Helper()
	for _, p := range m.Principals {
		if p.Label() == label {
			return p
		}
	}
	t.Fatalf("no principal %s", label)
	return nil
}

func (m *Model) repository(t *testing.T, spec string) *Repository {
	t.Helper()
	if spec == "" {
		return nil
	}
	region, name, ok := strings.Cut(spec, "/")
	if !ok {
		region, name = estate.DefaultRegion, spec
	}
	arn := estate.RepositoryARN(region, owner, name)
	if r := m.Repository(arn); r != nil {
		return r
	}
	return m.Transient(arn)
}

// ask answers q through Can, through Answer (for the model's own
// repositories) and without the memo, and fails when they differ.
func ask(t *testing.T, f fixture, q question) {
	t.Helper()
	m := f.build(t)
	p, repo := m.principal(t, q.who), m.repository(t, q.repo)
	w, _ := m.Can(p, q.action, repo, q.mode)
	if got := w != nil; got != q.want {
		reason := ""
		if w != nil {
			reason = w.Decision.Reason
		}
		t.Fatalf("%s %s on %q (mode %d) = %v, want %v %s", q.who, q.action, q.repo, q.mode, got, q.want, reason)
	}
	if w != nil {
		// Every proof replays: the evaluator allows its request.
		if e := m.Explain(p, w); e.Decision.Result != eval.Allow {
			t.Fatalf("the proof does not replay: %v", e.Decision.Reason)
		}
	}
	if repo != nil && repo.index >= 0 {
		if got := m.Answer(p, q.action, q.mode).Repos[repo.index] != nil; got != q.want {
			t.Fatalf("Answer says %v, Can says %v", got, q.want)
		}
	}
	off := f.build(t)
	off.memo.off = true
	if got, _ := off.Can(off.principal(t, q.who), q.action, off.repository(t, q.repo), q.mode); (got != nil) != q.want {
		t.Fatalf("without the memo: %v, with it: %v", got, q.want)
	}
}

type canCase struct {
	name string
	f    fixture
	qs   []question
}

func runCanCases(t *testing.T, cases []canCase) {
	t.Helper()
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			for _, q := range c.qs {
				ask(t, c.f, q)
			}
		})
	}
}

// Policies used by the tables.
const (
	allowECR   = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"ecr:*","Resource":"*"}]}`
	allowPull  = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["ecr:BatchGetImage","ecr:GetDownloadUrlForLayer"],"Resource":"*"}]}`
	allowAll   = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}`
	allowLogin = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"ecr:GetAuthorizationToken","Resource":"*"}]}`
)

func repoGrant(principal, action string) string {
	return `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"` + principal + `"},"Action":"` + action + `"}]}`
}

func identityWith(action, condition string) string {
	return `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"` + action + `","Resource":"*","Condition":` + condition + `}]}`
}

func roleARN(name string) string    { return "arn:aws:iam::" + owner + ":role/" + name }
func managedARN(name string) string { return "arn:aws:iam::" + owner + ":policy/" + name }
func userARN(name string) string    { return "arn:aws:iam::" + owner + ":user/" + name }

// IAM User Guide, "Permissions boundaries for IAM entities": the effective
// permissions are the intersection of the identity policies and the
// boundary; a same-account resource-based policy that names an IAM user
// is not limited by the user's boundary, one that names a role is.
func TestCanBoundary(t *testing.T) {
	app := []repoSpec{{name: "app", policy: repoGrant(userARN("dev"), "ecr:PutImage")}, {name: "web", policy: repoGrant(roleARN("ci"), "ecr:PutImage")}}
	f := fixture{
		users: []who{{name: "dev", boundary: allowPull}},
		roles: []who{{name: "ci", inline: []string{allowECR}, boundary: allowPull}, {name: "free"}},
		repos: app,
	}
	runCanCases(t, []canCase{
		{"inside both", f, []question{{who: "role/ci", action: "ecr:BatchGetImage", repo: "app", want: true}}},
		{"outside the boundary", f, []question{{who: "role/ci", action: "ecr:DeleteRepository", repo: "app"}}},
		{"repository policy names the user: not limited", f, []question{{who: "user/dev", action: "ecr:PutImage", repo: "app", want: true}}},
		{"repository policy names the role: limited", f, []question{{who: "role/ci", action: "ecr:PutImage", repo: "web"}}},
		{"repository policy names another principal", f, []question{{who: "user/dev", action: "ecr:PutImage", repo: "web"}}},
		{"no policy at all", f, []question{{who: "role/free", action: "ecr:BatchGetImage", repo: "app"}}},
	})
	g := f
	g.roles = []who{{name: "ci"}}
	runCanCases(t, []canCase{{"repository policy names a role without boundary", g, []question{{who: "role/ci", action: "ecr:PutImage", repo: "web", want: true}}}})
}

// AWS Organizations User Guide, "Service control policies (SCPs)" and IAM
// User Guide, "Policy evaluation logic": every SCP level must allow, a Deny
// in one denies; SCPs do not restrict service-linked roles.
func TestCanSCP(t *testing.T) {
	denyDelete := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"},{"Effect":"Deny","Action":"ecr:DeleteRepository","Resource":"*"}]}`
	pullOnly := allowPull
	repos := []repoSpec{{name: "app", policy: repoGrant(roleARN("ci"), "ecr:DeleteRepository")}}
	roles := []who{{name: "ci", inline: []string{allowECR}}, {name: "AWSServiceRoleForECR", path: "/aws-service-role/ecr.amazonaws.com/", inline: []string{allowECR}, linked: true}}
	runCanCases(t, []canCase{
		{"SCP deny beats identity and repository allows", fixture{roles: roles, repos: repos, scps: []string{denyDelete}}, []question{
			{who: "role/ci", action: "ecr:DeleteRepository", repo: "app"},
			{who: "role/ci", action: "ecr:PutImage", repo: "app", want: true},
		}},
		{"an SCP that does not allow the action", fixture{roles: roles, repos: repos, scps: []string{allowAll, pullOnly}}, []question{
			{who: "role/ci", action: "ecr:PutImage", repo: "app"},
			{who: "role/ci", action: "ecr:BatchGetImage", repo: "app", want: true},
		}},
		{"service-linked roles are outside SCPs", fixture{roles: roles, repos: repos, scps: []string{denyDelete}}, []question{
			{who: "role/AWSServiceRoleForECR", action: "ecr:DeleteRepository", repo: "app", want: true},
		}},
		{"the management account is outside SCPs", fixture{roles: roles, repos: repos, scps: []string{denyDelete, pullOnly}, management: true}, []question{
			{who: "role/ci", action: "ecr:DeleteRepository", repo: "app", want: true},
			{who: "role/ci", action: "ecr:PutImage", repo: "app", want: true},
		}},
	})
}

// ECR User Guide, "Private registry permissions in Amazon ECR": under scope
// V2 (the default) the registry policy governs every ECR action on every
// repository of the registry; under V1 only ReplicateImage,
// BatchImportUpstreamImage and CreateRepository. IAM User Guide, "Policy
// evaluation logic": within one account a resource-based grant needs no
// identity policy, and a Deny in any policy denies. docs/rules,
// "Registry policy scope".
func TestCanRegistryPolicy(t *testing.T) {
	grant := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"` + roleARN("scanner") + `"},"Action":["ecr:BatchGetImage","ecr:CreateRepository"],"Resource":"arn:aws:ecr:us-east-1:` + owner + `:repository/*"}]}`
	deny := `{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Principal":"*","Action":"ecr:DeleteRepository","Resource":"*"}]}`
	roles := []who{{name: "scanner"}, {name: "idle"}, {name: "admin", inline: []string{allowECR}}}
	repos := []repoSpec{{name: "app"}, {name: "app", region: "eu-west-1"}}
	v2 := fixture{roles: roles, repos: repos, registry: grant, scope: estate.ScopeV2}
	v1 := fixture{roles: roles, repos: repos, registry: grant, scope: estate.ScopeV1}
	unknown := fixture{roles: roles, repos: repos, registry: grant}
	runCanCases(t, []canCase{
		{"V2 grants the named role", v2, []question{
			{who: "role/scanner", action: "ecr:BatchGetImage", repo: "app", want: true},
			{who: "role/scanner", action: "ecr:BatchGetImage", repo: "not-in-inputs", want: true},
			{who: "role/scanner", action: "ecr:PutImage", repo: "app"},
			{who: "role/idle", action: "ecr:BatchGetImage", repo: "app"},
		}},
		{"the registry policy of another region does not apply", v2, []question{{who: "role/scanner", action: "ecr:BatchGetImage", repo: "eu-west-1/app"}}},
		{"V1 governs only its three actions", v1, []question{
			{who: "role/scanner", action: "ecr:BatchGetImage", repo: "app"},
			{who: "role/scanner", action: "ecr:CreateRepository", repo: "app", want: true},
		}},
		// The scope unknown, what can happen under either counts: its
		// grants as under V2, its Denies as under V1 (estate.Registry.Scope).
		{"scope unknown: the grant counts", unknown, []question{
			{who: "role/scanner", action: "ecr:BatchGetImage", repo: "app", want: true},
			{who: "role/scanner", action: "ecr:CreateRepository", repo: "app", want: true},
		}},
		{"scope unknown: a Deny of an action V1 does not govern does not count", fixture{roles: roles, repos: repos, registry: deny}, []question{
			{who: "role/admin", action: "ecr:DeleteRepository", repo: "app", want: true},
		}},
		{"a registry Deny beats identity allows", fixture{roles: roles, repos: repos, registry: deny, scope: estate.ScopeV2}, []question{
			{who: "role/admin", action: "ecr:DeleteRepository", repo: "app"},
			{who: "role/admin", action: "ecr:DeleteRepository", repo: "eu-west-1/app", want: true},
			{who: "role/admin", action: "ecr:PutImage", repo: "app", want: true},
		}},
		{"a registry Deny under V1 does not govern deletes", fixture{roles: roles, repos: repos, registry: deny, scope: estate.ScopeV1}, []question{
			{who: "role/admin", action: "ecr:DeleteRepository", repo: "app", want: true},
		}},
	})
	// "Every repository" (ECR009) sees the registry grant too.
	one := v2
	one.repos = repos[:1]
	m := one.build(t)
	if w, _ := m.CanEvery(m.principal(t, "role/scanner"), "ecr:BatchGetImage", Free); w == nil {
		t.Error("a V2 registry grant on repository/* in the account's only region is not 'every repository'")
	}
	if m.Answer(m.principal(t, "role/scanner"), "ecr:BatchGetImage", Free).Every == nil {
		t.Error("Answer's Every misses the registry grant")
	}
	// With a second region whose registry grants nothing, it is not.
	m = v2.build(t)
	if w, _ := m.CanEvery(m.principal(t, "role/scanner"), "ecr:BatchGetImage", Free); w != nil || m.Answer(m.principal(t, "role/scanner"), "ecr:BatchGetImage", Free).Every != nil {
		t.Error("a registry grant in us-east-1 counts as 'every repository' of an account in two regions")
	}
}

// IAM User Guide, "AWS JSON policy elements: Principal" (role session
// principals): arn:aws:sts::ACCOUNT:assumed-role/ROLE/SESSION names the
// sessions of ROLE with that name; whoever assumes the role picks the name,
// so the role can act as that session. The session ARN has no role path.
func TestCanRoleSession(t *testing.T) {
	session := "arn:aws:sts::" + owner + ":assumed-role/ci/deploy"
	f := fixture{
		roles: []who{{name: "ci"}, {name: "deploy"}},
		repos: []repoSpec{{name: "app", policy: repoGrant(session, "ecr:PutImage")}, {name: "web"}},
	}
	withPath := fixture{roles: []who{{name: "ci", path: "/build/", boundary: allowPull}}, repos: f.repos}
	runCanCases(t, []canCase{
		{"the role of the session", f, []question{{who: "role/ci", action: "ecr:PutImage", repo: "app", want: true}}},
		{"a role named like the session", f, []question{{who: "role/deploy", action: "ecr:PutImage", repo: "app"}}},
		{"another repository", f, []question{{who: "role/ci", action: "ecr:PutImage", repo: "web"}}},
		// A grant to the session directly is not limited by the boundary.
		{"a role with a path and a boundary", withPath, []question{{who: "role/ci", action: "ecr:PutImage", repo: "app", want: true}}},
	})
	m := f.build(t)
	got, _ := m.WhoCan("ecr:PutImage", m.repository(t, "app"))
	if len(got) != 1 || got[0].Principal.ARN != roleARN("ci") {
		t.Errorf("WhoCan = %v, want role/ci only", got)
	}
}

// docs/semantics.md, "Keys fixed by the world": aws:RequestedRegion is the
// repository's region (for actions without a resource type, each region in
// scope), aws:ResourceAccount its owner (the caller's account for those),
// aws:ResourceOrgID/aws:ResourceOrgPaths the owner's organization,
// aws:CurrentTime/aws:EpochTime the time of the scan. IAM User Guide, "AWS
// global condition context keys"; AWS Organizations User Guide, "SCP
// examples" (deny access based on the requested Region).
func TestCanWorldKeys(t *testing.T) {
	regionSCP := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"},{"Effect":"Deny","NotAction":["iam:*","sts:*"],"Resource":"*","Condition":{"StringNotEquals":{"aws:RequestedRegion":["us-east-1"]}}}]}`
	perimeterSCP := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"},{"Effect":"Deny","Action":"*","Resource":"*","Condition":{"StringNotEquals":{"aws:ResourceAccount":["` + owner + `"]}}}]}`
	role := func(policies ...string) []who { return []who{{name: "ci", inline: policies}} }
	repos := []repoSpec{{name: "app"}, {name: "app", region: "eu-west-1"}}
	jan2026 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	runCanCases(t, []canCase{
		{"aws:RequestedRegion is the repository's region", fixture{roles: role(allowECR, allowLogin), repos: repos, scps: []string{regionSCP}}, []question{
			{who: "role/ci", action: "ecr:DeleteRepository", repo: "app", want: true},
			{who: "role/ci", action: "ecr:DeleteRepository", repo: "eu-west-1/app"},
			{who: "role/ci", action: "ecr:DeleteRepository", repo: "eu-west-1/app", mode: NoMFA},
			// "*": the role can log in to some region of the model.
			{who: "role/ci", action: "ecr:GetAuthorizationToken", want: true},
		}},
		{"aws:RequestedRegion for '*' when no region in scope is allowed", fixture{roles: role(allowLogin), repos: []repoSpec{{name: "app", region: "eu-west-1"}}, scps: []string{regionSCP}}, []question{
			{who: "role/ci", action: "ecr:GetAuthorizationToken"},
		}},
		{"aws:ResourceAccount: the owner, and the caller's account for '*'", fixture{roles: role(allowECR), repos: repos, scps: []string{perimeterSCP}}, []question{
			{who: "role/ci", action: "ecr:GetAuthorizationToken", want: true},
			{who: "role/ci", action: "ecr:PutRegistryPolicy", want: true},
			{who: "role/ci", action: "ecr:BatchGetImage", repo: "app", want: true},
		}},
		{"aws:ResourceAccount naming another account never applies", fixture{roles: role(identityWith("ecr:*", `{"StringEquals":{"aws:ResourceAccount":"444455556666"}}`)), repos: repos}, []question{
			{who: "role/ci", action: "ecr:BatchGetImage", repo: "app"},
			{who: "role/ci", action: "ecr:GetAuthorizationToken"},
		}},
		{"aws:ResourceOrgID known", fixture{orgID: orgMine, roles: role(identityWith("ecr:*", `{"StringEquals":{"aws:ResourceOrgID":"`+orgMine+`"}}`), identityWith("ecr:PutImage", `{"StringEquals":{"aws:ResourceOrgID":"o-9z8y7x6w5v"}}`)), repos: repos}, []question{
			{who: "role/ci", action: "ecr:BatchGetImage", repo: "app", want: true},
		}},
		{"aws:ResourceOrgID of another organization", fixture{orgID: orgMine, roles: role(identityWith("ecr:PutImage", `{"StringEquals":{"aws:ResourceOrgID":"o-9z8y7x6w5v"}}`)), repos: repos}, []question{
			{who: "role/ci", action: "ecr:PutImage", repo: "app"},
		}},
		{"aws:ResourceOrgID unknown is left to the search", fixture{roles: role(identityWith("ecr:PutImage", `{"StringEquals":{"aws:ResourceOrgID":"o-9z8y7x6w5v"}}`)), repos: repos}, []question{
			{who: "role/ci", action: "ecr:PutImage", repo: "app", want: true},
		}},
		{"aws:ResourceOrgPaths inside the known organization", fixture{orgID: orgMine, roles: role(identityWith("ecr:PutImage", `{"ForAnyValue:StringLike":{"aws:ResourceOrgPaths":"`+orgMine+`/*"}}`), identityWith("ecr:DeleteRepository", `{"ForAnyValue:StringLike":{"aws:ResourceOrgPaths":"o-9z8y7x6w5v/*"}}`)), repos: repos}, []question{
			{who: "role/ci", action: "ecr:PutImage", repo: "app", want: true},
			{who: "role/ci", action: "ecr:DeleteRepository", repo: "app"},
		}},
		// IAM User Guide, "AWS global condition context keys": a member
		// account's principals carry aws:PrincipalOrgPaths, their own
		// account's path, the path aws:ResourceOrgPaths holds for its
		// repositories; where in the organization is not known.
		{"aws:PrincipalOrgPaths inside the known organization", fixture{orgID: orgMine, roles: role(identityWith("ecr:PutImage", `{"ForAnyValue:StringLike":{"aws:PrincipalOrgPaths":"`+orgMine+`/r-ab12/ou-ab12-11111111/*"}}`), identityWith("ecr:DeleteRepository", `{"ForAnyValue:StringLike":{"aws:PrincipalOrgPaths":"o-9z8y7x6w5v/*"}}`)), repos: repos,
			scps: []string{`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"},{"Effect":"Deny","Action":"ecr:PutImage","Resource":"*","Condition":{"ForAllValues:StringNotLike":{"aws:PrincipalOrgPaths":"` + orgMine + `/r-ab12/*"}}}]}`}}, []question{
			{who: "role/ci", action: "ecr:PutImage", repo: "app", want: true},
			{who: "role/ci", action: "ecr:DeleteRepository", repo: "app"},
		}},
		{"aws:PrincipalOrgPaths and aws:ResourceOrgPaths are the same account's path", fixture{orgID: orgMine, roles: role(identityWith("ecr:PutImage", `{"ForAnyValue:StringLike":{"aws:PrincipalOrgPaths":"`+orgMine+`/r-ab12/ou-1/*","aws:ResourceOrgPaths":"`+orgMine+`/r-ab12/ou-2/*"}}`)), repos: repos}, []question{
			{who: "role/ci", action: "ecr:PutImage", repo: "app"},
		}},
		// A Deny of another repository reads aws:PrincipalOrgPaths: the
		// path the grant reads is still chosen.
		{"aws:ResourceOrgPaths beside a statement that does not apply", fixture{orgID: orgMine, roles: role(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"ecr:*","Resource":"*","Condition":{"ForAnyValue:StringLike":{"aws:ResourceOrgPaths":"` + orgMine + `/*"}}},{"Effect":"Deny","Action":"ecr:*","Resource":"arn:aws:ecr:*:*:repository/other","Condition":{"ForAnyValue:StringLike":{"aws:PrincipalOrgPaths":"o-9z8y7x6w5v/*"}}}]}`), repos: repos}, []question{
			{who: "role/ci", action: "ecr:PutImage", repo: "app", want: true},
		}},
		{"aws:PrincipalOrgPaths under a policy variable", fixture{orgID: orgMine, roles: role(identityWith("ecr:PutImage", `{"ForAnyValue:StringLike":{"aws:PrincipalOrgPaths":"${aws:PrincipalOrgID}/r-ab12/ou-1/*"}}`)), repos: repos}, []question{
			{who: "role/ci", action: "ecr:PutImage", repo: "app", want: true},
		}},
		// A path outside the organization beside one inside it: a value
		// the tests treat alike stands for neither.
		{"aws:ResourceOrgPaths of the organization beside another's", fixture{orgID: orgMine, roles: role(identityWith("ecr:PutImage", `{"ForAnyValue:StringLike":{"aws:ResourceOrgPaths":["o-9z8y7x6w5v/*","`+orgMine+`/r-ab12/ou-1/*"]}}`)), repos: repos}, []question{
			{who: "role/ci", action: "ecr:PutImage", repo: "app", want: true},
		}},
		// The organization unknown is taken at its worst, as aws:ResourceOrgID
		// is: the account may be in the one a policy names (an SCP's
		// "Deny unless aws:PrincipalOrgID is ours" once hid every grant).
		{"aws:PrincipalOrgPaths with the organization unknown", fixture{roles: role(identityWith("ecr:PutImage", `{"ForAnyValue:StringLike":{"aws:PrincipalOrgPaths":"`+orgMine+`/*"}}`)), repos: repos}, []question{
			{who: "role/ci", action: "ecr:PutImage", repo: "app", want: true},
		}},
		{"aws:PrincipalOrgID with the organization unknown", fixture{roles: role(identityWith("ecr:PutImage", `{"StringEquals":{"aws:PrincipalOrgID":"`+orgMine+`"}}`)), repos: repos}, []question{
			{who: "role/ci", action: "ecr:PutImage", repo: "app", want: true},
		}},
		{"aws:CurrentTime before the window closes", fixture{at: jan2026.Add(-time.Hour), roles: role(identityWith("ecr:*", `{"DateLessThan":{"aws:CurrentTime":"2026-01-01T00:00:00Z"}}`)), repos: repos}, []question{
			{who: "role/ci", action: "ecr:BatchGetImage", repo: "app", want: true},
			{who: "role/ci", action: "ecr:GetAuthorizationToken", want: true},
		}},
		{"aws:CurrentTime after the window closed", fixture{at: jan2026.Add(time.Hour), roles: role(identityWith("ecr:*", `{"DateLessThan":{"aws:CurrentTime":"2026-01-01T00:00:00Z"}}`)), repos: repos}, []question{
			{who: "role/ci", action: "ecr:BatchGetImage", repo: "app"},
			{who: "role/ci", action: "ecr:GetAuthorizationToken"},
		}},
		{"aws:EpochTime is the scan time in seconds", fixture{at: jan2026, roles: role(identityWith("ecr:*", fmt.Sprintf(`{"NumericGreaterThanEquals":{"aws:EpochTime":"%d"}}`, jan2026.Unix()))), repos: repos}, []question{
			{who: "role/ci", action: "ecr:BatchGetImage", repo: "app", want: true},
		}},
		{"aws:EpochTime before the window opens", fixture{at: jan2026, roles: role(identityWith("ecr:*", fmt.Sprintf(`{"NumericGreaterThan":{"aws:EpochTime":"%d"}}`, jan2026.Unix()))), repos: repos}, []question{
			{who: "role/ci", action: "ecr:BatchGetImage", repo: "app"},
		}},
	})
}

// IAM User Guide, "AWS global condition context keys": a role's sessions
// use temporary credentials, which always carry aws:MultiFactorAuthPresent
// (true or false); a user's long-term keys leave it out. docs/semantics.md:
// ECR takes HTTPS only, aws:SecureTransport is true.
func TestCanRequestKeysEveryRequestCarries(t *testing.T) {
	ifMFA := identityWith("ecr:DeleteRepository", `{"BoolIfExists":{"aws:MultiFactorAuthPresent":"true"}}`)
	longTerm := identityWith("ecr:PutImage", `{"Null":{"aws:MultiFactorAuthPresent":"true"}}`)
	plain := identityWith("ecr:BatchGetImage", `{"BoolIfExists":{"aws:SecureTransport":"false"}}`)
	tls := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"ecr:*","Resource":"*"},{"Effect":"Deny","Action":"ecr:*","Resource":"*","Condition":{"BoolIfExists":{"aws:SecureTransport":"false"}}}]}`
	f := fixture{
		roles: []who{{name: "ci", inline: []string{ifMFA, longTerm, plain}}, {name: "tls", inline: []string{tls}}},
		users: []who{{name: "dev", inline: []string{ifMFA, longTerm}}},
		repos: []repoSpec{{name: "app"}},
	}
	runCanCases(t, []canCase{{"MFA and TLS", f, []question{
		{who: "role/ci", action: "ecr:DeleteRepository", repo: "app", want: true},
		{who: "role/ci", action: "ecr:DeleteRepository", repo: "app", mode: NoMFA},
		{who: "role/ci", action: "ecr:PutImage", repo: "app"},
		{who: "user/dev", action: "ecr:DeleteRepository", repo: "app", mode: NoMFA, want: true},
		{who: "user/dev", action: "ecr:PutImage", repo: "app", want: true},
		{who: "role/ci", action: "ecr:BatchGetImage", repo: "app"},
		{who: "role/tls", action: "ecr:BatchGetImage", repo: "app", want: true},
		{who: "role/tls", action: "ecr:GetAuthorizationToken", want: true},
	}}})
}

// aws:MultiFactorAuthAge is present only in a request whose credentials
// MFA validated, where aws:MultiFactorAuthPresent is true (IAM User Guide,
// "AWS global condition context keys"; "Sample policies with MFA
// conditions": "the MultiFactorAuthAge key is never present in the request
// context for long-term credentials"): no request carries the age without
// MFA, so these grants hold for nobody.
func TestCanMFAAgeOnlyWithMFA(t *testing.T) {
	denyNoAge := `{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"*","Resource":"*","Condition":{"Null":{"aws:MultiFactorAuthAge":"true"}}}]}`
	withoutMFA := identityWith("ecr:*", `{"Bool":{"aws:MultiFactorAuthPresent":"false"}}`)
	f := fixture{
		users: []who{
			{name: "alice", inline: []string{identityWith("ecr:*", `{"Bool":{"aws:MultiFactorAuthPresent":"false"},"NumericLessThan":{"aws:MultiFactorAuthAge":"3600"}}`)}},
			{name: "bob", inline: []string{identityWith("ecr:*", `{"Null":{"aws:MultiFactorAuthPresent":"true","aws:MultiFactorAuthAge":"false"}}`)}},
			{name: "carol", inline: []string{withoutMFA, denyNoAge}},
			{name: "dave", inline: []string{identityWith("ecr:*", `{"NumericLessThan":{"aws:MultiFactorAuthAge":"3600"}}`)}},
		},
		roles: []who{{name: "ci", inline: []string{withoutMFA, denyNoAge}}, {name: "admin", inline: []string{allowECR, denyNoAge}}},
		repos: []repoSpec{{name: "app"}},
	}
	runCanCases(t, []canCase{{"MFA age", f, []question{
		{who: "user/alice", action: "ecr:DeleteRepository", repo: "app"},
		{who: "user/bob", action: "ecr:DeleteRepository", repo: "app"},
		{who: "user/carol", action: "ecr:DeleteRepository", repo: "app"},
		{who: "role/ci", action: "ecr:DeleteRepository", repo: "app"},
		{who: "role/ci", action: "ecr:GetAuthorizationToken"},
		{who: "user/dave", action: "ecr:DeleteRepository", repo: "app", want: true},
		{who: "user/dave", action: "ecr:DeleteRepository", repo: "app", mode: NoMFA},
		{who: "role/admin", action: "ecr:DeleteRepository", repo: "app", want: true},
		{who: "role/admin", action: "ecr:DeleteRepository", repo: "app", mode: NoMFA},
	}}})
}

// aws:TokenIssueTime, like aws:MultiFactorAuthPresent, "is included in the
// request context only when the principal uses temporary credentials"
// (IAM User Guide, "AWS global condition context keys"): a user's
// long-term keys (aws:MultiFactorAuthPresent absent) carry neither, so
// these grants hold for nobody; its temporary credentials
// (GetSessionToken) carry both.
func TestCanTokenTimeOnlyTemporary(t *testing.T) {
	longTermToken := identityWith("ecr:*", `{"Null":{"aws:MultiFactorAuthPresent":"true","aws:TokenIssueTime":"false"}}`)
	denyNoToken := `{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"*","Resource":"*","Condition":{"Null":{"aws:TokenIssueTime":"true"}}}]}`
	f := fixture{
		users: []who{
			{name: "alice", inline: []string{longTermToken}},
			{name: "bob", inline: []string{identityWith("ecr:*", `{"Null":{"aws:MultiFactorAuthPresent":"true"}}`), denyNoToken}},
			{name: "carol", inline: []string{identityWith("ecr:*", `{"Null":{"aws:MultiFactorAuthPresent":"false","aws:TokenIssueTime":"false"}}`)}},
		},
		repos: []repoSpec{{name: "app"}},
	}
	runCanCases(t, []canCase{{"token time", f, []question{
		{who: "user/alice", action: "ecr:DeleteRepository", repo: "app"},
		{who: "user/alice", action: "ecr:DeleteRepository", repo: "app", mode: NoMFA},
		{who: "user/bob", action: "ecr:DeleteRepository", repo: "app"},
		{who: "user/carol", action: "ecr:DeleteRepository", repo: "app", want: true},
		{who: "user/carol", action: "ecr:DeleteRepository", repo: "app", mode: NoMFA, want: true},
	}}})
}

// aws:SourceIp "is included in the request context, except when the
// requester uses a VPC endpoint"; aws:SourceVpc, aws:SourceVpce and
// aws:VpcSourceIp only when it does (IAM User Guide, "AWS global condition
// context keys"): a request comes from the internet or through an
// endpoint, never both, so these grants hold for nobody.
func TestCanEndpointOrInternet(t *testing.T) {
	both := identityWith("ecr:*", `{"Null":{"aws:SourceIp":"false","aws:SourceVpce":"false"}}`)
	fromNet := identityWith("ecr:*", `{"IpAddress":{"aws:SourceIp":"203.0.113.0/24"}}`)
	denyNoVpc := `{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"*","Resource":"*","Condition":{"Null":{"aws:SourceVpc":"true"}}}]}`
	f := fixture{
		users: []who{{name: "alice", inline: []string{both}}},
		roles: []who{
			{name: "ci", inline: []string{both}},
			{name: "net", inline: []string{fromNet, denyNoVpc}},
			{name: "web", inline: []string{fromNet}},
			{name: "vpc", inline: []string{identityWith("ecr:*", `{"StringEquals":{"aws:SourceVpce":"vpce-1a2b3c4d"},"Null":{"aws:SourceIp":"true"}}`)}},
		},
		repos: []repoSpec{{name: "app"}},
	}
	runCanCases(t, []canCase{{"endpoint or internet", f, []question{
		{who: "user/alice", action: "ecr:DeleteRepository", repo: "app"},
		{who: "role/ci", action: "ecr:DeleteRepository", repo: "app"},
		{who: "role/ci", action: "ecr:DeleteRepository", repo: "app", mode: NoMFA},
		{who: "role/net", action: "ecr:DeleteRepository", repo: "app"},
		{who: "role/web", action: "ecr:DeleteRepository", repo: "app", want: true},
		{who: "role/vpc", action: "ecr:DeleteRepository", repo: "app", want: true},
	}}})
}

// aws:CalledVia, aws:CalledViaFirst and aws:CalledViaLast are present only
// when a service uses the credentials of an IAM principal, where
// aws:ViaAWSService is true (IAM User Guide, "AWS global condition context
// keys": they are "not present when the principal makes the call
// directly"), so these grants hold for nobody.
func TestCanCalledViaOnlyViaService(t *testing.T) {
	direct := `{"Bool":{"aws:ViaAWSService":"false"}}`
	denyDirect := `{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"*","Resource":"*","Condition":{"Null":{"aws:CalledViaFirst":"true"}}}]}`
	f := fixture{
		users: []who{{name: "alice", inline: []string{identityWith("ecr:*", `{"Bool":{"aws:ViaAWSService":"false"},"Null":{"aws:CalledViaLast":"false"}}`)}}},
		roles: []who{
			{name: "ci", inline: []string{identityWith("ecr:*", direct), denyDirect}},
			{name: "cfn", inline: []string{identityWith("ecr:*", `{"ForAnyValue:StringEquals":{"aws:CalledVia":"cloudformation.amazonaws.com"}}`)}},
		},
		repos: []repoSpec{{name: "app"}},
	}
	runCanCases(t, []canCase{{"called via", f, []question{
		{who: "user/alice", action: "ecr:DeleteRepository", repo: "app"},
		{who: "role/ci", action: "ecr:DeleteRepository", repo: "app"},
		{who: "role/ci", action: "ecr:DeleteRepository", repo: "app", mode: NoMFA},
		{who: "role/cfn", action: "ecr:DeleteRepository", repo: "app", want: true},
	}}})
}

// docs/semantics.md, "Who can": tags that were not read are unknown, not
// absent; a grant that depends on one is listed, marked. ECR006's question
// (NoMFA) takes them as absent. Service Authorization Reference for Amazon
// ECR (ecr:ResourceTag/${TagKey}).
func TestCanUnreadTags(t *testing.T) {
	tagged := identityWith("ecr:DeleteRepository", `{"StringEquals":{"ecr:ResourceTag/team":"platform"}}`)
	untagged := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"ecr:DeleteRepository","Resource":"*"},{"Effect":"Deny","Action":"ecr:DeleteRepository","Resource":"*","Condition":{"StringEquals":{"aws:ResourceTag/protected":"true"}}}]}`
	f := fixture{
		roles: []who{{name: "ci", inline: []string{tagged}}, {name: "ops", inline: []string{untagged}}},
		repos: []repoSpec{
			{name: "unread"},
			{name: "platform", tags: map[string]string{"team": "platform"}, tagsKnown: true},
			{name: "web", tags: map[string]string{"team": "web"}, tagsKnown: true},
			{name: "none", tagsKnown: true},
			{name: "protected", tags: map[string]string{"protected": "true"}, tagsKnown: true},
		},
	}
	// ecr:ResourceTag/team and aws:ResourceTag/team are one tag, chosen
	// together also where only a statement that does not apply reads one.
	other := `{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"ecr:PutImage","Resource":"arn:aws:ecr:*:*:repository/other","Condition":{"StringEquals":{"aws:ResourceTag/team":"x"}}},{"Effect":"Allow","Action":"ecr:PutImage","Resource":"*","Condition":{"StringEquals":{"ecr:ResourceTag/team":"platform"}}}]}`
	f.roles = append(f.roles, who{name: "other", inline: []string{other}})
	runCanCases(t, []canCase{{"tag conditions", f, []question{
		{who: "role/other", action: "ecr:PutImage", repo: "unread", want: true},
		{who: "role/ci", action: "ecr:DeleteRepository", repo: "unread", want: true},
		{who: "role/ci", action: "ecr:DeleteRepository", repo: "not-in-inputs", want: true},
		{who: "role/ci", action: "ecr:DeleteRepository", repo: "platform", want: true},
		{who: "role/ci", action: "ecr:DeleteRepository", repo: "web"},
		{who: "role/ci", action: "ecr:DeleteRepository", repo: "none"},
		{who: "role/ci", action: "ecr:DeleteRepository", repo: "unread", mode: NoMFA},
		{who: "role/ops", action: "ecr:DeleteRepository", repo: "unread", want: true},
		{who: "role/ops", action: "ecr:DeleteRepository", repo: "protected"},
		{who: "role/ops", action: "ecr:DeleteRepository", repo: "none", want: true},
	}}})

	// IAM User Guide, "IAM policy elements: Variables and tags": a tag
	// condition tied to the principal's own tag holds where the repository
	// carries the principal's value.
	team := identityWith("ecr:PutImage", `{"StringEquals":{"ecr:ResourceTag/team":"${aws:PrincipalTag/team}"}}`)
	// The untagged principal's variable matches nothing; the literal
	// beside it still does.
	teamOrWeb := identityWith("ecr:PutImage", `{"StringEquals":{"ecr:ResourceTag/team":["${aws:PrincipalTag/team}","web"]}}`)
	g := fixture{
		roles: []who{{name: "payments", inline: []string{team}, tags: map[string]string{"team": "payments"}}, {name: "untagged", inline: []string{team}},
			{name: "either", inline: []string{teamOrWeb}}},
		repos: []repoSpec{{name: "unread"}, {name: "web", tags: map[string]string{"team": "web"}, tagsKnown: true}},
	}
	runCanCases(t, []canCase{{"a tag condition tied to a principal tag", g, []question{
		{who: "role/payments", action: "ecr:PutImage", repo: "unread", want: true},
		{who: "role/payments", action: "ecr:PutImage", repo: "web"},
		{who: "role/untagged", action: "ecr:PutImage", repo: "unread"},
		{who: "role/either", action: "ecr:PutImage", repo: "unread", want: true},
	}}})
	gm := g.build(t)
	if w, _ := gm.Can(gm.principal(t, "role/payments"), "ecr:PutImage", gm.repository(t, "unread"), Free); strings.Join(UnreadTags(w), "|") != "ecr:ResourceTag/team = payments" {
		t.Errorf("UnreadTags = %q, want the principal's team", UnreadTags(w))
	}

	m := f.build(t)
	for _, c := range []struct {
		repo string
		want []string
	}{
		{"unread", []string{"ecr:ResourceTag/team = platform"}},
		{"platform", nil},
	} {
		grants, _ := m.WhoCan("ecr:DeleteRepository", m.repository(t, c.repo))
		var got []string
		listed := false
		for _, g := range grants {
			if g.Principal.Name == "ci" {
				got, listed = UnreadTags(g.Witness), true
			}
		}
		if !listed {
			t.Errorf("%s: role/ci is not listed; it can delete the repository", c.repo)
		}
		if strings.Join(got, "|") != strings.Join(c.want, "|") {
			t.Errorf("%s: UnreadTags = %q, want %q", c.repo, got, c.want)
		}
	}
}

// A role session's aws:userid is the role's id and a session name its
// caller chooses: a grant to the sessions named ci (or named like *-admin)
// is the role's, and a Deny of one session name does not stop the others.
func TestRoleSessionUserID(t *testing.T) {
	runCanCases(t, []canCase{
		{"session named", fixture{roles: []who{{name: "ci", inline: []string{identityWith("ecr:*", `{"StringLike":{"aws:userid":"AROA*:ci"}}`)}}},
			repos: []repoSpec{{name: "app", tagsKnown: true}}}, []question{
			{who: "role/ci", action: "ecr:PutImage", repo: "app", want: true},
		}},
		{"session like", fixture{roles: []who{{name: "ci", inline: []string{identityWith("ecr:*", `{"StringLike":{"aws:userid":"*:*-admin"}}`)}}},
			repos: []repoSpec{{name: "app", tagsKnown: true}}}, []question{
			{who: "role/ci", action: "ecr:PutImage", repo: "app", want: true},
		}},
		{"another role's id", fixture{roles: []who{{name: "ci", inline: []string{identityWith("ecr:*", `{"StringLike":{"aws:userid":"AROAOTHER:ci"}}`)}}},
			repos: []repoSpec{{name: "app", tagsKnown: true}}}, []question{
			{who: "role/ci", action: "ecr:PutImage", repo: "app", want: false},
		}},
		{"one session denied", fixture{roles: []who{{name: "ci", inline: []string{allowECR,
			`{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"ecr:*","Resource":"*","Condition":{"StringLike":{"aws:userid":"*:ci"}}}]}`}}},
			repos: []repoSpec{{name: "app", tagsKnown: true}}}, []question{
			{who: "role/ci", action: "ecr:PutImage", repo: "app", want: true},
		}},
	})
}

// A role's caller picks one session name for the whole request: a
// repository policy that names one session (arn:aws:sts::A:assumed-role/R/S,
// IAM User Guide, "AWS JSON policy elements: Principal", role session
// principals) grants or denies that session alone, and the session's
// aws:userid ends in the same name ("AWS global condition context keys").
func TestRoleSessionPrincipal(t *testing.T) {
	session := func(name string) string { return "arn:aws:sts::" + owner + ":assumed-role/ci/" + name }
	deny := func(principal string) string {
		return `{"Sid":"DenyOne","Effect":"Deny","Principal":{"AWS":"` + principal + `"},"Action":"ecr:*","Resource":"*"}`
	}
	allow := func(principal string) string {
		return `{"Sid":"AllowOne","Effect":"Allow","Principal":{"AWS":"` + principal + `"},"Action":"ecr:PutImage","Resource":"*"}`
	}
	repoPolicy := func(stmts ...string) []repoSpec {
		return []repoSpec{{name: "app", tagsKnown: true, policy: `{"Version":"2012-10-17","Statement":[` + strings.Join(stmts, ",") + `]}`}}
	}
	ci := func(inline ...string) []who { return []who{{name: "ci", inline: inline}} }
	runCanCases(t, []canCase{
		{"one session denied, the others not", fixture{roles: ci(allowECR), repos: repoPolicy(deny(session("ci")))}, []question{
			{who: "role/ci", action: "ecr:PutImage", repo: "app", want: true},
		}},
		{"every session denied by the role", fixture{roles: ci(allowECR), repos: repoPolicy(deny("arn:aws:iam::" + owner + ":role/ci"))}, []question{
			{who: "role/ci", action: "ecr:PutImage", repo: "app", want: false},
		}},
		{"one session granted", fixture{roles: ci(), repos: repoPolicy(allow(session("deploy")))}, []question{
			{who: "role/ci", action: "ecr:PutImage", repo: "app", want: true},
		}},
		{"one session granted and denied", fixture{roles: ci(), repos: repoPolicy(allow(session("deploy")), deny(session("deploy")))}, []question{
			{who: "role/ci", action: "ecr:PutImage", repo: "app", want: false},
		}},
		{"one session granted, another denied", fixture{roles: ci(), repos: repoPolicy(allow(session("deploy")), deny(session("ci")))}, []question{
			{who: "role/ci", action: "ecr:PutImage", repo: "app", want: true},
		}},
		{"the granted session's userid denied", fixture{roles: ci(
			`{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"ecr:*","Resource":"*","Condition":{"StringLike":{"aws:userid":"*:deploy"}}}]}`),
			repos: repoPolicy(allow(session("deploy")))}, []question{
			{who: "role/ci", action: "ecr:PutImage", repo: "app", want: false},
		}},
		// The names no policy lists are picked by region: ci-x-prod meets
		// both patterns; alpha is the session the tag variable names.
		{"a name meeting two patterns", fixture{roles: ci(identityWith("ecr:*", `{"StringLike":{"aws:userid":"*:ci-*"}}`)),
			repos: repoPolicy(`{"Effect":"Deny","Principal":"*","Action":"ecr:*","Resource":"*","Condition":{"StringNotLike":{"aws:userid":"*-prod"}}}`)}, []question{
			{who: "role/ci", action: "ecr:PutImage", repo: "app", want: true},
		}},
		{"a name meeting two patterns, a session listed", fixture{roles: ci(identityWith("ecr:*", `{"StringLike":{"aws:userid":"*:ci-*"}}`)),
			repos: repoPolicy(`{"Effect":"Deny","Principal":"*","Action":"ecr:*","Resource":"*","Condition":{"StringNotLike":{"aws:userid":"*-prod"}}}`, deny(session("deploy")))}, []question{
			{who: "role/ci", action: "ecr:PutImage", repo: "app", want: true},
		}},
		// Without the role's unique id (Terraform), its sessions' aws:userid
		// still ends in their names.
		{"no id: a listed session's userid", fixture{roles: []who{{name: "ci", noID: true}},
			repos: repoPolicy(allow(session("deploy-1")), `{"Effect":"Deny","Principal":"*","Action":"ecr:*","Resource":"*","Condition":{"StringNotLike":{"aws:userid":"*:deploy-*"}}}`)}, []question{
			{who: "role/ci", action: "ecr:PutImage", repo: "app", want: true},
		}},
		{"no id: a name meeting a pattern", fixture{roles: []who{{name: "ci", noID: true, inline: []string{identityWith("ecr:*", `{"StringLike":{"aws:userid":"*:ci-*"}}`)}}},
			repos: repoPolicy(deny(session("deploy")))}, []question{
			{who: "role/ci", action: "ecr:PutImage", repo: "app", want: true},
		}},
		// A picked name is never empty, and has no colon.
		{"a name outside a pattern", fixture{roles: ci(allowECR, `{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"ecr:*","Resource":"*","Condition":{"StringLike":{"aws:userid":"*-*"}}}]}`),
			repos: []repoSpec{{name: "app", tagsKnown: true}}}, []question{
			{who: "role/ci", action: "ecr:PutImage", repo: "app", want: true},
		}},
		{"one session granted by aws:userid and denied", fixture{roles: ci(),
			repos: repoPolicy(`{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::`+owner+`:role/ci"},"Action":"ecr:PutImage","Resource":"*","Condition":{"StringLike":{"aws:userid":"*:deploy"}}}`, deny(session("deploy")))}, []question{
			{who: "role/ci", action: "ecr:PutImage", repo: "app", want: false},
		}},
		// K (the Kelvin sign) folds to k: the session ka matches.
		{"a case-insensitive name with a letter folding to ASCII", fixture{roles: ci(identityWith("ecr:*", `{"StringEqualsIgnoreCase":{"aws:userid":"AROACI:\u212Aa"}}`)),
			repos: []repoSpec{{name: "app", tagsKnown: true}}}, []question{
			{who: "role/ci", action: "ecr:PutImage", repo: "app", want: true},
		}},
		{"a one-letter session name", fixture{roles: ci(identityWith("ecr:*", `{"StringLike":{"aws:userid":"*:?"}}`)),
			repos: []repoSpec{{name: "app", tagsKnown: true}}}, []question{
			{who: "role/ci", action: "ecr:PutImage", repo: "app", want: false},
		}},
		{"a name a tag gives", fixture{roles: []who{{name: "ci", tags: map[string]string{"team": "alpha"},
			inline: []string{identityWith("ecr:*", `{"StringLike":{"aws:userid":"*:${aws:PrincipalTag/team}"}}`)}}},
			repos: []repoSpec{{name: "app", tagsKnown: true}}}, []question{
			{who: "role/ci", action: "ecr:PutImage", repo: "app", want: true},
		}},
	})
}
