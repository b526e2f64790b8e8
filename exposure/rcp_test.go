package exposure

import (
	"strings"
	"testing"
	"time"

	"github.com/ecrguard/ecrguard/catalog"
	"github.com/ecrguard/ecrguard/eval"
	"github.com/ecrguard/ecrguard/policy"
)

// analyzeUnder analyzes a repository policy of app under RCPs, one document
// per level.
func analyzeUnder(t *testing.T, src string, zone Zone, rcps ...string) *Result {
	t.Helper()
	doc, err := policy.Parse([]byte(src), "policy.json")
	if err != nil {
		t.Fatal(err)
	}
	var levels []*eval.Policy
	for i, r := range rcps {
		rdoc, err := policy.Parse([]byte(r), "rcp.json")
		if err != nil {
			t.Fatal(err)
		}
		levels = append(levels, eval.Compile("rcp-"+string(rune('a'+i)), rdoc))
	}
	zone.Account = "111122223333"
	return Analyze(Target{Kind: Repository, ARN: "arn:aws:ecr:us-east-1:111122223333:repository/app", Account: "111122223333",
		Region: "us-east-1", Repository: "app", Policy: eval.Compile("repository policy of app", doc), RCPs: levels,
		At: time.Date(2026, 12, 6, 12, 0, 0, 0, time.UTC)}, zone)
}

// rcpDoc writes an RCP: RCPFullAWSAccess and the Deny statements given.
func rcpDoc(denies ...string) string {
	return `{"Version": "2012-10-17", "Statement": [{"Sid": "RCPFullAWSAccess", "Effect": "Allow", "Principal": "*", "Action": "*", "Resource": "*"}` +
		func() string {
			if len(denies) == 0 {
				return ""
			}
			return ", " + strings.Join(denies, ", ")
		}() + `]}`
}

// AWS Organizations User Guide, "Resource control policies (RCPs)": an RCP
// Deny limits every request to the member account's resources, outsiders'
// and AWS services' included; it grants nothing. The analysis stays exact
// under it, and says which RCP statement closed what and which one
// mentions an action that stays open, and why.
func TestRCPExposure(t *testing.T) {
	cat := catalog.Default()
	pull := cat.MatchSet("ecr:BatchGetImage").Union(cat.MatchSet("ecr:GetDownloadUrlForLayer"))
	publicPull := `{"Version": "2012-10-17", "Statement": [{"Sid": "AnyonePulls", "Effect": "Allow", "Principal": "*", "Action": ["ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"]}]}`
	publicAll := `{"Version": "2012-10-17", "Statement": [{"Sid": "AnyoneAll", "Effect": "Allow", "Principal": "*", "Action": "ecr:*"}]}`
	codebuild := `{"Version": "2012-10-17", "Statement": [{"Sid": "CodeBuild", "Effect": "Allow", "Principal": {"Service": "codebuild.amazonaws.com"}, "Action": ["ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"]}]}`
	perimeter := `{"Sid": "EnforceOrgIdentities", "Effect": "Deny", "Principal": "*", "Action": "ecr:*", "Resource": "*",
		"Condition": {"StringNotEqualsIfExists": {"aws:PrincipalOrgID": "o-a1b2c3d4e5"}, "BoolIfExists": {"aws:PrincipalIsAWSService": "false"}}}`
	zone := Zone{OrgIDs: []string{"o-a1b2c3d4e5"}}
	type guard struct {
		class, sid string
		level      int
		closed     bool
		actions    catalog.ActionSet
		why        string // a part of Why
	}
	tests := []struct {
		name     string
		policy   string
		rcps     []string
		public   catalog.ActionSet
		accounts map[string]catalog.ActionSet
		deputies []string
		guards   []guard
	}{
		{name: "RCPFullAWSAccess alone changes nothing", policy: publicPull, rcps: []string{rcpDoc()}, public: pull},
		// The perimeter exempts AWS services, which Principal * lets in too:
		// any service acting for any customer still pulls (a deputy).
		{name: "the identity perimeter closes what is public", policy: publicPull, rcps: []string{rcpDoc(perimeter), rcpDoc()}, deputies: []string{freshService},
			guards: []guard{{class: "public", sid: "EnforceOrgIdentities", level: 0, closed: true, actions: pull}, {class: "service:*", sid: "EnforceOrgIdentities", level: 0, actions: pull, why: "aws:PrincipalIsAWSService: true"}}},
		{name: "a perimeter in the account's level", policy: publicPull, rcps: []string{rcpDoc(), rcpDoc(perimeter)}, deputies: []string{freshService},
			guards: []guard{{class: "public", sid: "EnforceOrgIdentities", level: 1, closed: true, actions: pull}, {class: "service:*", sid: "EnforceOrgIdentities", level: 1, actions: pull, why: "aws:PrincipalIsAWSService: true"}}},
		{name: "an insecure-transport deny closes nothing", policy: publicPull, public: pull,
			rcps:   []string{rcpDoc(`{"Sid": "DenyPlainHttp", "Effect": "Deny", "Principal": "*", "Action": "ecr:*", "Resource": "*", "Condition": {"Bool": {"aws:SecureTransport": "false"}}}`)},
			guards: []guard{{class: "public", sid: "DenyPlainHttp", actions: pull, why: "aws:SecureTransport: true"}}},
		{name: "an RCP closes only the actions it denies", policy: publicAll, public: cat.RepositorySet().Minus(cat.MatchSet("ecr:PutImage")),
			rcps:   []string{rcpDoc(`{"Sid": "NoPush", "Effect": "Deny", "Principal": "*", "Action": "ecr:PutImage", "Resource": "*"}`)},
			guards: []guard{{class: "public", sid: "NoPush", closed: true, actions: cat.MatchSet("ecr:PutImage")}}},
		{name: "an RCP on other repositories", policy: publicPull, public: pull,
			rcps: []string{rcpDoc(`{"Sid": "ProdOnly", "Effect": "Deny", "Principal": "*", "Action": "ecr:*", "Resource": "arn:aws:ecr:*:*:repository/prod-*"}`)}},
		{name: "an account the RCP exempts is not the public", policy: publicPull,
			rcps:     []string{rcpDoc(`{"Sid": "OnlyPartner", "Effect": "Deny", "Principal": "*", "Action": "ecr:*", "Resource": "*", "Condition": {"StringNotEquals": {"aws:PrincipalAccount": ["111122223333", "999988887777"]}}}`)},
			accounts: map[string]catalog.ActionSet{"999988887777": pull},
			guards: []guard{{class: "999988887777", sid: "OnlyPartner", actions: pull, why: "aws:PrincipalAccount: 999988887777"},
				{class: "public", sid: "OnlyPartner", closed: true, actions: pull}}},
		{name: "a network perimeter closes what is public", policy: publicPull,
			rcps:   []string{rcpDoc(`{"Sid": "CorpNetwork", "Effect": "Deny", "Principal": "*", "Action": "ecr:*", "Resource": "*", "Condition": {"NotIpAddress": {"aws:SourceIp": "203.0.113.0/24"}}}`)},
			guards: []guard{{class: "public", sid: "CorpNetwork", closed: true, actions: pull}}},
		{name: "the perimeter exempts a service principal", policy: codebuild, rcps: []string{rcpDoc(perimeter)}, deputies: []string{"codebuild.amazonaws.com"},
			guards: []guard{{class: "service:codebuild.amazonaws.com", sid: "EnforceOrgIdentities", actions: pull, why: "aws:PrincipalIsAWSService: true"}}},
		{name: "a confused-deputy RCP closes a service acting for others", policy: codebuild,
			rcps: []string{rcpDoc(`{"Sid": "EnforceConfusedDeputy", "Effect": "Deny", "Principal": "*", "Action": "ecr:*", "Resource": "*",
				"Condition": {"StringNotEqualsIfExists": {"aws:SourceOrgID": "o-a1b2c3d4e5"}, "Bool": {"aws:PrincipalIsAWSService": "true"}}}`)},
			guards: []guard{{class: "service:codebuild.amazonaws.com", sid: "EnforceConfusedDeputy", closed: true, actions: pull}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := analyzeUnder(t, tt.policy, zone, tt.rcps...)
			if r.Truncated {
				t.Fatal("truncated")
			}
			if got := r.Public.Actions; got != tt.public {
				t.Errorf("public %v, want %v", cat.Names(got), cat.Names(tt.public))
			}
			got := map[string]catalog.ActionSet{}
			for a, acc := range r.Accounts {
				got[a] = acc.Actions
			}
			if len(got) != len(tt.accounts) {
				t.Errorf("accounts %v, want %v", got, tt.accounts)
			}
			for a, want := range tt.accounts {
				if got[a] != want {
					t.Errorf("account %s: %v, want %v", a, cat.Names(got[a]), cat.Names(want))
				}
			}
			var deps []string
			for s := range r.Deputies {
				deps = append(deps, s)
			}
			if strings.Join(deps, ",") != strings.Join(tt.deputies, ",") {
				t.Errorf("deputies %v, want %v", deps, tt.deputies)
			}
			if len(r.Guardrails) != len(tt.guards) {
				t.Fatalf("guardrails %+v, want %+v", r.Guardrails, tt.guards)
			}
			for i, w := range tt.guards {
				g := r.Guardrails[i]
				if g.Class != w.class || g.Statement.Sid != w.sid || g.Level != w.level || g.Closed != w.closed || g.Actions != w.actions || !strings.Contains(g.Why, w.why) {
					t.Errorf("guardrail %d: %s %s level %d closed %v %v %q; want %s %s level %d closed %v %v why ~%q",
						i, g.Class, g.Label(), g.Level, g.Closed, cat.Names(g.Actions), g.Why, w.class, w.sid, w.level, w.closed, cat.Names(w.actions), w.why)
				}
				if g.Closed == (g.Why != "") {
					t.Errorf("guardrail %d: closed %v with why %q", i, g.Closed, g.Why)
				}
			}
		})
	}
}

// A policy large enough to be judged group by group in parallel
// (parallelStatements) is judged under its RCPs as a small one is.
func TestRCPExposureLargePolicy(t *testing.T) {
	cat := catalog.Default()
	var stmts []string
	var acts []string
	for i, a := range cat.Names(cat.RepositorySet()) {
		acts = append(acts, a)
		stmts = append(stmts, `{"Sid": "S`+string(rune('A'+i%26))+string(rune('a'+i/26))+`", "Effect": "Allow", "Principal": "*", "Action": "`+a+`"}`)
	}
	for len(stmts) < parallelStatements+2 {
		stmts = append(stmts, `{"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111122223333:root"}, "Action": "`+acts[len(stmts)%len(acts)]+`"}`)
	}
	src := `{"Version": "2012-10-17", "Statement": [` + strings.Join(stmts, ", ") + `]}`
	rcp := rcpDoc(`{"Sid": "NoPush", "Effect": "Deny", "Principal": "*", "Action": ["ecr:PutImage", "ecr:InitiateLayerUpload"], "Resource": "*"}`)
	r := analyzeUnder(t, src, Zone{}, rcp)
	want := cat.RepositorySet().Minus(cat.MatchSet("ecr:PutImage")).Minus(cat.MatchSet("ecr:InitiateLayerUpload"))
	if r.Public.Actions != want {
		t.Errorf("public %v, want %v", cat.Names(r.Public.Actions), cat.Names(want))
	}
	if len(r.Guardrails) != 1 || !r.Guardrails[0].Closed || r.Guardrails[0].Actions != cat.MatchSet("ecr:PutImage").Union(cat.MatchSet("ecr:InitiateLayerUpload")) {
		t.Errorf("guardrails %+v", r.Guardrails)
	}
}

// An organization that only an RCP names is no grant of the repository
// policy's: where the RCP does not apply (its Resource is another
// repository) a public repository is ECR001's alone, with no entry for
// that organization. Where the RCP closes the repository to everyone but
// that organization, the organization is what stays open, and keeps its
// entry.
func TestRCPNamesAreNotGrants(t *testing.T) {
	publicPull := `{"Version": "2012-10-17", "Statement": [{"Sid": "AnyonePulls", "Effect": "Allow", "Principal": "*", "Action": ["ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"]}]}`
	deny := func(resource string) string {
		return `{"Sid": "OnlyPartnerOrg", "Effect": "Deny", "Principal": "*", "Action": "ecr:*", "Resource": "` + resource + `",
			"Condition": {"StringNotEqualsIfExists": {"aws:PrincipalOrgID": "o-zzzzzzzzzz"}, "BoolIfExists": {"aws:PrincipalIsAWSService": "false"}}}`
	}
	elsewhere := analyzeUnder(t, publicPull, Zone{}, rcpDoc(deny("arn:aws:ecr:*:*:repository/partner")))
	if elsewhere.Public.Actions.Empty() || len(elsewhere.Orgs) != 0 || len(elsewhere.Accounts) != 0 {
		t.Errorf("an RCP of another repository: public %v, orgs %v, accounts %v", elsewhere.Public.Actions, elsewhere.Orgs, elsewhere.Accounts)
	}
	here := analyzeUnder(t, publicPull, Zone{}, rcpDoc(deny("*")))
	if !here.Public.Actions.Empty() {
		t.Errorf("the RCP closes the repository to the public, yet public %v", here.Public.Actions)
	}
	if acc := here.Orgs["o-zzzzzzzzzz"]; acc == nil || acc.Actions.Empty() {
		t.Errorf("the organization the RCP exempts can still pull, yet orgs %v", here.Orgs)
	}
}

// A creation template is judged for every repository it will create, and
// an RCP's Resource patterns split those names as the template policy's
// own do: an RCP that denies outsiders everything but team-a/public-*
// leaves those repositories public (AWS Organizations User Guide, "RCP
// syntax": NotResource).
func TestTemplateUnderRCPResourcePatterns(t *testing.T) {
	doc, err := policy.Parse([]byte(`{"Version": "2012-10-17", "Statement": [{"Sid": "AnyonePulls", "Effect": "Allow", "Principal": "*", "Action": ["ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"]}]}`), "template.json")
	if err != nil {
		t.Fatal(err)
	}
	rdoc, err := policy.Parse([]byte(rcpDoc(`{"Sid": "OnlyPublicNames", "Effect": "Deny", "Principal": "*", "Action": "ecr:*",
		"NotResource": "arn:aws:ecr:*:*:repository/team-a/public-*", "Condition": {"StringNotEqualsIfExists": {"aws:PrincipalOrgID": "o-a1b2c3d4e5"}}}`)), "rcp.json")
	if err != nil {
		t.Fatal(err)
	}
	res := Analyze(Target{Kind: Template, ARN: "arn:aws:ecr:us-east-1:111122223333:repository-creation-template/team-a",
		Account: "111122223333", Region: "us-east-1", Prefix: "team-a", Policy: eval.Compile("template", doc),
		RCPs: []*eval.Policy{eval.Compile("rcp", rdoc)}, At: time.Date(2026, 12, 6, 12, 0, 0, 0, time.UTC)}, Zone{Account: "111122223333", OrgIDs: []string{"o-a1b2c3d4e5"}})
	if res.Public.Actions.Empty() {
		t.Fatal("team-a/public-* repositories the template creates are public, yet the template's result says nothing is")
	}
}
