package diff

import (
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"os"
	"slices"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/ecrguard/ecrguard/analysis"
	"github.com/ecrguard/ecrguard/catalog"
	"github.com/ecrguard/ecrguard/estate"
	"github.com/ecrguard/ecrguard/eval"
	"github.com/ecrguard/ecrguard/rules"
	"github.com/ecrguard/ecrguard/source"
)

const owner = "111122223333"

// at is the time every test judges at.
var at = time.Date(2026, 6, 30, 12, 0, 0, 0, time.UTC)

// load reads files (name → content) as an estate of owner.
func load(t *testing.T, files map[string]string) *estate.Estate {
	t.Helper()
	fsys := fstest.MapFS{}
	for name, data := range files {
		fsys[name] = &fstest.MapFile{Data: []byte(data)}
	}
	est, err := source.Load(context.Background(), fsys, []string{"."}, source.Options{Account: owner, Region: "us-east-1"})
	if err != nil {
		t.Fatal(err)
	}
	return est
}

// side judges files as one side of a comparison.
func side(t *testing.T, files map[string]string) *Side {
	t.Helper()
	return Assess(load(t, files), analysis.Settings{Region: "us-east-1", At: at})
}

// compare compares two sides without gaps.
func compare(t *testing.T, base, head map[string]string) *Result {
	t.Helper()
	res := Compare(side(t, base), side(t, head))
	if len(res.BaseGaps)+len(res.HeadGaps) > 0 {
		t.Fatalf("gaps: base %v, head %v", res.BaseGaps, res.HeadGaps)
	}
	return res
}

// keys returns the keys of grants, as "subject principal action".
func keys(gs []Grant) []string {
	var out []string
	for _, g := range gs {
		out = append(out, g.Subject+" "+g.Principal+" "+g.Action)
	}
	return out
}

// ruleIDs returns the rules of a result's findings.
func ruleIDs(r *Result) []string {
	var out []string
	for _, f := range r.Findings.Findings {
		out = append(out, f.RuleID)
	}
	return out
}

const appARN = "arn:aws:ecr:us-east-1:111122223333:repository/app"

const private = `{"Version":"2012-10-17","Statement":[{"Sid":"Team","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:root"},"Action":"ecr:BatchGetImage"}]}`

const public = `{"Version":"2012-10-17","Statement":[
{"Sid":"Team","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:root"},"Action":"ecr:BatchGetImage"},
{"Sid":"Anyone","Effect":"Allow","Principal":"*","Action":"ecr:BatchGetImage"}]}`

const partner = `{"Version":"2012-10-17","Statement":[
{"Sid":"Team","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:root"},"Action":"ecr:BatchGetImage"},
{"Sid":"Partner","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::444455556666:role/puller"},"Action":"ecr:BatchGetImage"}]}`

// A statement made public: anyone may pull, from line 3 of HEAD, proven;
// ECR001 is new; nothing is removed.
func TestRawMadePublic(t *testing.T) {
	res := compare(t, map[string]string{"app.json": private}, map[string]string{"app.json": public})
	if got, want := keys(res.New), []string{appARN + " * ecr:BatchGetImage"}; !slices.Equal(got, want) {
		t.Fatalf("new %v, want %v", got, want)
	}
	g := res.New[0]
	if g.Class != Anyone || g.Kind != Repository || g.Where().String() != "app.json:3:1" || g.Statements[0].Label != "Anyone" {
		t.Errorf("grant %+v", g)
	}
	if !strings.Contains(g.Proof, "calling ecr:BatchGetImage is allowed") {
		t.Errorf("proof %q", g.Proof)
	}
	if len(res.Removed) != 0 {
		t.Errorf("removed %v", keys(res.Removed))
	}
	if got := ruleIDs(res); !slices.Equal(got, []string{"ECR001"}) {
		t.Errorf("new findings %v, want ECR001", got)
	}
}

// A principal added: the partner's role is new, an untrusted account's.
func TestRawPrincipalAdded(t *testing.T) {
	res := compare(t, map[string]string{"app.json": private}, map[string]string{"app.json": partner})
	if got, want := keys(res.New), []string{appARN + " arn:aws:iam::444455556666:role/puller ecr:BatchGetImage"}; !slices.Equal(got, want) {
		t.Fatalf("new %v, want %v", got, want)
	}
	if res.New[0].Class != Untrusted {
		t.Errorf("class %s", res.New[0].Class)
	}
	if got := ruleIDs(res); !slices.Equal(got, []string{"ECR003"}) {
		t.Errorf("new findings %v, want ECR003", got)
	}
}

// A new grant's proof is its own principal's request, one BASE denies (a
// newcomer's report, and the property test's checkProofs): a service added
// beside a partner that could already pull is new, proven by the service's
// own request, and the partner is not, though CodeBuild acting for it is a
// request BASE denied; anyone where BASE named an account is new, proven by
// another account's request.
func TestNewIsOnlyWhatBaseDenied(t *testing.T) {
	partner := `{"Sid":"Partner","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::444455556666:root"},"Action":["ecr:BatchGetImage","ecr:GetDownloadUrlForLayer"]}`
	for _, tc := range []struct {
		name, base, head string
		want             []string // the new grants; the first's proof is checked
	}{
		{"service beside a partner", partner, partner + `,{"Sid":"AnyServicePull","Effect":"Allow","Principal":{"Service":"codebuild.amazonaws.com"},"Action":"ecr:BatchGetImage"}`,
			[]string{"service:codebuild.amazonaws.com ecr:BatchGetImage"}},
		{"anyone where BASE named an account", `{"Sid":"Push","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::777766665555:root"},"Action":"ecr:PutImage"}`,
			`{"Sid":"All","Effect":"Allow","Principal":"*","Action":"ecr:PutImage"}`,
			[]string{"* ecr:PutImage", "service:* ecr:PutImage"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			policy := func(stmts ...string) string {
				return `{"Version":"2012-10-17","Statement":[` + strings.Join(stmts, ",") + `]}`
			}
			res := compare(t, map[string]string{"app.json": policy(tc.base)}, map[string]string{"app.json": policy(tc.head)})
			var want []string
			for _, w := range tc.want {
				want = append(want, appARN+" "+w)
			}
			if got := keys(res.New); !slices.Equal(got, want) {
				t.Fatalf("new %v, want %v", got, want)
			}
			w := res.New[0].witness
			if (w.Request.Principal.Type == eval.Service) != strings.HasPrefix(tc.want[0], "service:") {
				t.Errorf("the grant is proven by %+v: %q", w.Request.Principal, res.New[0].Proof)
			}
			if req := w.Request; allowed(compileRaw(t, policy(tc.base)), &req) {
				t.Errorf("the grant is proven by a request BASE allows: %q", res.New[0].Proof)
			}
		})
	}
}

// Access removed: listed as removed, nothing new, no finding.
func TestRawAccessRemoved(t *testing.T) {
	res := compare(t, map[string]string{"app.json": public}, map[string]string{"app.json": private})
	if len(res.New) != 0 || len(res.Findings.Findings) != 0 {
		t.Fatalf("new %v, findings %v", keys(res.New), ruleIDs(res))
	}
	if got, want := keys(res.Removed), []string{appARN + " * ecr:BatchGetImage"}; !slices.Equal(got, want) {
		t.Errorf("removed %v, want %v", got, want)
	}
}

// A condition removed: a wildcard behind an aws:SourceIp condition lets
// no outsider in as ecrguard judges it (ECR002 names it); without it anyone
// may pull, a new grant, and ECR001 is new.
func TestRawConditionRemoved(t *testing.T) {
	conditional := `{"Version":"2012-10-17","Statement":[{"Sid":"Anyone","Effect":"Allow","Principal":"*","Action":"ecr:BatchGetImage",
"Condition":{"IpAddress":{"aws:SourceIp":"203.0.113.0/24"}}}]}`
	open := `{"Version":"2012-10-17","Statement":[{"Sid":"Anyone","Effect":"Allow","Principal":"*","Action":"ecr:BatchGetImage"}]}`
	res := compare(t, map[string]string{"app.json": conditional}, map[string]string{"app.json": open})
	if got, want := keys(res.New), []string{appARN + " * ecr:BatchGetImage"}; !slices.Equal(got, want) {
		t.Errorf("new %v, want %v", got, want)
	}
	if got := ruleIDs(res); !slices.Equal(got, []string{"ECR001"}) {
		t.Errorf("new findings %v, want ECR001", got)
	}
}

// The same policy is no change; a repository whose policy was not read is
// a gap of its side.
func TestSameAndGaps(t *testing.T) {
	files := map[string]string{"app.json": public}
	res := compare(t, files, files)
	if len(res.New)+len(res.Removed)+len(res.Findings.Findings) != 0 {
		t.Errorf("new %v, removed %v, findings %v", keys(res.New), keys(res.Removed), ruleIDs(res))
	}
	broken := Compare(side(t, files), side(t, map[string]string{"app.json": `{"Version":"2012-10-17","Statement":[`}))
	if len(broken.HeadGaps) == 0 || len(broken.Findings.Gaps) == 0 {
		t.Errorf("a policy that does not parse: no gap (%v)", broken.HeadGaps)
	}
}

const iamBase = `{"UserDetailList":[],"GroupDetailList":[],"Policies":[],"RoleDetailList":[
{"Path":"/","RoleName":"ci","RoleId":"AROACIEXAMPLE","Arn":"arn:aws:iam::111122223333:role/ci",
"AssumeRolePolicyDocument":{"Version":"2012-10-17","Statement":[]},
"RolePolicyList":[{"PolicyName":"Pull","PolicyDocument":{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"ecr:BatchGetImage","Resource":"arn:aws:ecr:us-east-1:111122223333:repository/app"}]}}],
"AttachedManagedPolicies":[],"Tags":[]}]}`

// An own role given PutImage on every repository: one grant on every
// repository (not one per repository), an own principal's.
func TestIdentityWidened(t *testing.T) {
	head := strings.Replace(iamBase, `"Action":"ecr:BatchGetImage","Resource":"arn:aws:ecr:us-east-1:111122223333:repository/app"`,
		`"Action":["ecr:BatchGetImage","ecr:PutImage"],"Resource":"*"`, 1)
	res := compare(t, map[string]string{"app.json": private, "iam.json": iamBase}, map[string]string{"app.json": private, "iam.json": head})
	want := []string{EverySubject(owner) + " arn:aws:iam::111122223333:role/ci ecr:BatchGetImage", EverySubject(owner) + " arn:aws:iam::111122223333:role/ci ecr:PutImage"}
	if got := keys(res.New); !slices.Equal(got, want) {
		t.Fatalf("new %v, want %v", got, want)
	}
	if g := res.New[1]; g.Class != OwnPrincipal || g.Kind != EveryRepository || g.Where().File != "iam.json" {
		t.Errorf("grant %+v", g)
	}
	// Pull on app was granted before: every repository covers it, and it
	// is not removed.
	if len(res.Removed) != 0 {
		t.Errorf("removed %v", keys(res.Removed))
	}
}

const tfMain = `provider "aws" {
  region = "us-east-1"
}

variable "reader" {
  type = string
}

resource "aws_ecr_repository" "app" {
  name = "app"
}

resource "aws_ecr_repository_policy" "app" {
  repository = aws_ecr_repository.app.name
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Sid       = "Read"
      Effect    = "Allow"
      Principal = { AWS = var.reader }
      Action    = "ecr:BatchGetImage"
    }]
  })
}
`

// A variable whose value changes in terraform.tfvars is a different HEAD:
// the new reader is new access, at the statement's line.
func TestTerraformVariableChanged(t *testing.T) {
	base := map[string]string{"main.tf": tfMain, "terraform.tfvars": `reader = "arn:aws:iam::111122223333:root"` + "\n"}
	head := map[string]string{"main.tf": tfMain, "terraform.tfvars": `reader = "*"` + "\n"}
	res := compare(t, base, head)
	if got, want := keys(res.New), []string{appARN + " * ecr:BatchGetImage"}; !slices.Equal(got, want) {
		t.Fatalf("new %v, want %v", got, want)
	}
	if where := res.New[0].Where(); where.File != "main.tf" || where.Line != 17 {
		t.Errorf("granted at %s, want main.tf:17", where)
	}
}

// A repository moved to another file, and its resource address renamed,
// is the same repository: no new access, none removed.
func TestTerraformMovedAndRenamed(t *testing.T) {
	vars := `reader = "*"` + "\n"
	base := map[string]string{"main.tf": tfMain, "terraform.tfvars": vars}
	moved := strings.Replace(tfMain, `resource "aws_ecr_repository_policy" "app" {`, `resource "aws_ecr_repository_policy" "application" {`, 1)
	moved = strings.ReplaceAll(moved, "aws_ecr_repository.app", "aws_ecr_repository.application")
	moved = strings.Replace(moved, `resource "aws_ecr_repository" "app" {`, `resource "aws_ecr_repository" "application" {`, 1)
	i := strings.Index(moved, `resource "aws_ecr_repository_policy"`)
	head := map[string]string{"main.tf": moved[:i], "policy.tf": moved[i:], "terraform.tfvars": vars}
	res := compare(t, base, head)
	if len(res.New)+len(res.Removed)+len(res.Findings.Findings) != 0 {
		t.Errorf("new %v, removed %v, findings %v", keys(res.New), keys(res.Removed), ruleIDs(res))
	}
	if res.HeadGrants == 0 || res.HeadGrants != res.BaseGrants {
		t.Errorf("grants: base %d, head %d", res.BaseGrants, res.HeadGrants)
	}
}

// Two snapshots (the format of ecrguard collect): a repository made
// public between them.
func TestSnapshots(t *testing.T) {
	snap := func(files map[string]string) string {
		var b bytes.Buffer
		meta := estate.SnapshotMeta{Version: "1.2.3", CollectedAt: at, Caller: estate.Caller{Account: owner, ARN: "arn:aws:iam::111122223333:role/audit"}}
		if err := estate.WriteSnapshot(&b, load(t, files), meta); err != nil {
			t.Fatal(err)
		}
		return b.String()
	}
	res := compare(t, map[string]string{"monday.json": snap(map[string]string{"app.json": private})},
		map[string]string{"today.json": snap(map[string]string{"app.json": public})})
	if got, want := keys(res.New), []string{appARN + " * ecr:BatchGetImage"}; !slices.Equal(got, want) {
		t.Fatalf("new %v, want %v", got, want)
	}
	if got := ruleIDs(res); !slices.Equal(got, []string{"ECR001"}) {
		t.Errorf("new findings %v, want ECR001", got)
	}
}

// NewFindings: a finding is new when it carries a new grant (on a
// principal: that principal and action anywhere), or when BASE had no
// finding of its rule and resource covering its principals and actions;
// one without principals or actions by its fingerprint.
func TestNewFindings(t *testing.T) {
	role := "arn:aws:iam::111122223333:role/ci"
	pull := rules.Finding{RuleID: "ECR003", Resource: appARN, Principals: []string{"arn:aws:iam::444455556666:root"}, Actions: []string{"ecr:BatchGetImage"}}
	pullPush := pull
	pullPush.Actions = []string{"ecr:BatchGetImage", "ecr:PutImage"}
	identity := rules.Finding{RuleID: "ECR009", Resource: role, Principals: []string{role}, Actions: []string{"ecr:PutImage"}}
	problem := rules.Finding{RuleID: "ECR011", Resource: appARN, Message: "x", Conditions: []string{"aws:SourceIp 1"}}
	problem2 := problem
	problem2.Conditions = []string{"aws:SourceIp 2"}
	added := []Grant{{Key: Key{Subject: EverySubject(owner), Principal: role, Action: "ecr:PutImage"}}}
	for _, tc := range []struct {
		name       string
		base, head []rules.Finding
		want       int
	}{
		{"same", []rules.Finding{pull}, []rules.Finding{pull}, 0},
		{"fewer actions", []rules.Finding{pullPush}, []rules.Finding{pull}, 0},
		{"more actions, no new grant in the model", []rules.Finding{pull}, []rules.Finding{pullPush}, 1},
		{"a new grant of a principal", []rules.Finding{identity}, []rules.Finding{identity}, 1},
		{"no principals, same fingerprint", []rules.Finding{problem}, []rules.Finding{problem}, 0},
		{"no principals, new fingerprint", []rules.Finding{problem}, []rules.Finding{problem2}, 1},
	} {
		if got := NewFindings(tc.base, tc.head, added); len(got) != tc.want {
			t.Errorf("%s: %d new, want %d", tc.name, len(got), tc.want)
		}
	}
}

// The example estate against itself: every kind of subject and class of
// principal, nothing new, nothing removed, no finding new; and the same
// bytes of grants twice (deterministic proofs and statements).
func TestExamplesAgainstThemselves(t *testing.T) {
	s := analysis.Settings{Region: "us-east-1", At: at, TrustedAccounts: []string{"444455556666"}}
	assess := func() *Side {
		// examples.FS on disk (package examples reaches report, which
		// reaches this package).
		est, err := source.Load(context.Background(), os.DirFS("../examples"), []string{"estate"}, source.Options{Account: owner, Region: "us-east-1"})
		if err != nil {
			t.Fatal(err)
		}
		return Assess(est, s)
	}
	a, b := assess(), assess()
	res := Compare(a, b)
	if len(res.New)+len(res.Removed)+len(res.Findings.Findings) != 0 {
		t.Errorf("new %v, removed %v, findings %v", keys(res.New), keys(res.Removed), ruleIDs(res))
	}
	kinds, classes := map[Kind]bool{}, map[Class]bool{}
	for i := range a.Access.Grants {
		g, h := &a.Access.Grants[i], &b.Access.Grants[i]
		kinds[g.Kind], classes[g.Class] = true, true
		g.Explain()
		h.Explain()
		if g.Key != h.Key || g.Proof != h.Proof || !slices.Equal(g.Statements, h.Statements) {
			t.Fatalf("two runs differ: %+v and %+v", g, h)
		}
	}
	for _, k := range []Kind{Repository, Registry, Template, Public, EveryRepository, Account} {
		if !kinds[k] {
			t.Errorf("no grant on a %s", k)
		}
	}
	for _, c := range []Class{Anyone, Untrusted, Service, OwnPrincipal} {
		if !classes[c] {
			t.Errorf("no grant to a principal of class %s", c)
		}
	}
}

// single is the set of one action.
func single(i int) catalog.ActionSet {
	var s catalog.ActionSet
	s.Add(i)
	return s
}

// Asking the actions no statement tells apart once gives the grants asking
// each action gives, on the example estate and a role with wildcards.
func TestActionClassesExact(t *testing.T) {
	cat := catalog.Default()
	var singletons []catalog.ActionSet
	for _, name := range cat.Names(cat.ServiceSet("ecr")) {
		singletons = append(singletons, single(cat.Lookup(name).Index))
	}
	wild := strings.Replace(iamBase, `"Action":"ecr:BatchGetImage","Resource":"arn:aws:ecr:us-east-1:111122223333:repository/app"`,
		`"Action":["ecr:Get*","ecr:Batch*","ecr:Put*"],"Resource":"arn:aws:ecr:*:111122223333:repository/a*"`, 1)
	estates := map[string]*estate.Estate{"wildcards": load(t, map[string]string{"app.json": public, "iam.json": wild})}
	ex, err := source.Load(context.Background(), os.DirFS("../examples"), []string{"estate"}, source.Options{Account: owner, Region: "us-east-1"})
	if err != nil {
		t.Fatal(err)
	}
	estates["examples"] = ex
	for name, est := range estates {
		_, a := rules.RunAnalysis(est, analysis.Settings{Region: "us-east-1", At: at})
		each := &Access{}
		for _, id := range a.Identities {
			each.addIdentity(id, append(sharedActionSets(a, id), singletons...))
		}
		each.finish()
		classes := &Access{}
		for _, id := range a.Identities {
			classes.addIdentity(id, sharedActionSets(a, id))
		}
		classes.finish()
		if got, want := keys(classes.Grants), keys(each.Grants); !slices.Equal(got, want) || len(want) == 0 {
			t.Errorf("%s: %d grants by class, %d action by action", name, len(got), len(want))
		}
	}
}

// A condition widened keeps the grant's key but not its reach: the
// partner's roles tagged team=x could pull, now all of them can; a
// conditional Deny removed lets requests from any VPC endpoint in. Both are
// new access (and ECR003 is new), as is a value added to the condition;
// a condition added narrows, nothing is new. IAM User Guide, "IAM JSON policy elements: Condition".
func TestConditionWidened(t *testing.T) {
	allow := func(cond string) string {
		return `{"Version":"2012-10-17","Statement":[{"Sid":"P","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::444455556666:root"},"Action":"ecr:BatchGetImage"` + cond + `}]}`
	}
	tagged := allow(`,"Condition":{"StringEquals":{"aws:PrincipalTag/team":"x"}}`)
	otherTag := allow(`,"Condition":{"StringEquals":{"aws:PrincipalTag/team":"y"}}`)
	twoTags := allow(`,"Condition":{"StringEquals":{"aws:PrincipalTag/team":["x","y"]}}`)
	open := allow("")
	denied := strings.TrimSuffix(open, "]}") + `,{"Sid":"D","Effect":"Deny","Principal":"*","Action":"ecr:*","Condition":{"StringNotEquals":{"aws:SourceVpce":"vpce-1"}}}]}`
	// A second statement granting the same key under another condition,
	// or under the same one.
	second := func(team string) string {
		return strings.TrimSuffix(tagged, "]}") + `,{"Sid":"Q","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::444455556666:root"},"Action":"ecr:BatchGetImage","Condition":{"StringEquals":{"aws:PrincipalTag/team":"` + team + `"}}}]}`
	}
	partner := []string{appARN + " arn:aws:iam::444455556666:root ecr:BatchGetImage"}
	for _, tc := range []struct {
		name, base, head string
		want             []string
	}{
		{"condition removed", tagged, open, partner},
		{"condition changed", tagged, otherTag, partner},
		{"a value added to a condition", tagged, twoTags, partner},
		{"a value removed from a condition", twoTags, tagged, nil},
		{"conditional Deny removed", denied, open, partner},
		{"condition added", open, tagged, nil},
		{"Deny added", open, denied, nil},
		{"a second statement under another condition", tagged, second("y"), partner},
		{"a second statement under the same condition", tagged, second("x"), nil},
		{"the second statement removed", second("y"), tagged, nil},
	} {
		res := compare(t, map[string]string{"app.json": tc.base}, map[string]string{"app.json": tc.head})
		if got := keys(res.New); !slices.Equal(got, tc.want) {
			t.Errorf("%s: new %v, want %v", tc.name, got, tc.want)
		}
		for _, g := range res.New {
			if len(g.Wider) == 0 {
				t.Errorf("%s: a widened grant does not say what BASE needed", tc.name)
			}
		}
		if len(res.Removed) != 0 {
			t.Errorf("%s: removed %v", tc.name, keys(res.Removed))
		}
		if wantFindings := len(tc.want) > 0; wantFindings != slices.Equal(ruleIDs(res), []string{"ECR003"}) {
			t.Errorf("%s: new findings %v", tc.name, ruleIDs(res))
		}
	}
}

// A registry policy scope that could not be read (ECR User Guide, "Private
// registry permissions": under V1 the registry policy governs only
// replication, pull-through cache imports and CreateRepository). The
// registry policy denies the role ci pulls: under V2 the pull HEAD gives it
// is denied, under V1 it is not. The scope unknown, the Deny is counted as
// under V1 (estate.Registry.Scope), so the pull is new. No rule judges an
// own role's pulls, so the findings are the same either way and the rules
// make the scope a note; diff keeps it a gap, as the access differs.
func TestUnknownScopeGrantsDiffer(t *testing.T) {
	registry := `{"registryId":"111122223333","policyText":"{\"Version\":\"2012-10-17\",\"Statement\":[{\"Sid\":\"NoCIPulls\",\"Effect\":\"Deny\",\"Principal\":{\"AWS\":\"arn:aws:iam::111122223333:role/ci\"},\"Action\":\"ecr:BatchGetImage\",\"Resource\":\"*\"}]}"}`
	noECR := strings.Replace(iamBase, `"Action":"ecr:BatchGetImage"`, `"Action":"s3:GetObject"`, 1)
	assess := func(files map[string]string, unknownScope bool) *Side {
		est := load(t, files)
		if unknownScope {
			est.AddGap(estate.Gap{Source: estate.ScopeAPI, Account: owner, Region: "us-east-1", Resource: estate.RegistryARN("us-east-1", owner),
				Code: "AccessDeniedException", Message: "registry policy scope not read"})
		}
		return Assess(est, analysis.Settings{Region: "us-east-1", At: at})
	}
	base := map[string]string{"app.json": private, "iam.json": noECR, "registry-policy.json": registry}
	head := map[string]string{"app.json": private, "iam.json": iamBase, "registry-policy.json": registry}
	res := Compare(assess(base, true), assess(head, true))
	if got := keys(res.New); len(got) != 1 || got[0] != appARN+" arn:aws:iam::111122223333:role/ci ecr:BatchGetImage" || len(res.Findings.Findings) != 0 {
		t.Fatalf("new %v, findings %v; want ci's pull, no finding", got, ruleIDs(res))
	}
	if len(res.HeadGaps) != 1 || !strings.Contains(res.HeadGaps[0].Message, "the access differs under V1 and V2") {
		t.Errorf("head gaps %v, want the scope's", res.HeadGaps)
	}
	if len(res.BaseGaps) != 0 {
		t.Errorf("base gaps %v: its access is the same under V1 and V2", res.BaseGaps)
	}
	// With the scope known, nothing is a gap.
	if res := Compare(assess(base, false), assess(head, false)); len(res.HeadGaps)+len(res.BaseGaps) != 0 {
		t.Errorf("known scope: gaps %v %v", res.BaseGaps, res.HeadGaps)
	}
}

// Narrowing a grant is no new access: an account's root to one of its
// roles (the root let every principal of the account in, as far as the
// repository policy decides; IAM User Guide, "AWS JSON policy elements:
// Principal", AWS account principals), anyone to one account. ECR003 on
// the role is no new finding: BASE's ECR003 named its account's root. The
// other way round is new access.
func TestNarrowedPrincipal(t *testing.T) {
	root := strings.Replace(partner, "arn:aws:iam::444455556666:role/puller", "arn:aws:iam::444455556666:root", 1)
	partnerOnly := strings.Replace(public, `"Principal":"*"`, `"Principal":{"AWS":"arn:aws:iam::444455556666:role/puller"}`, 1)
	for _, tc := range []struct {
		name, base, head string
		newAccess        bool
		findings         []string
	}{
		{"root to role", root, partner, false, nil},
		{"anyone to a role", public, partnerOnly, false, []string{"ECR003"}},
		{"role to root", partner, root, true, []string{"ECR003"}},
	} {
		res := compare(t, map[string]string{"app.json": tc.base}, map[string]string{"app.json": tc.head})
		if got := len(res.New) > 0; got != tc.newAccess {
			t.Errorf("%s: new %v", tc.name, keys(res.New))
		}
		if got := ruleIDs(res); !slices.Equal(got, tc.findings) {
			t.Errorf("%s: new findings %v, want %v", tc.name, got, tc.findings)
		}
	}
}

// Widening names what BASE's grant needed: the value its proof chose, or
// the condition whose values HEAD's widened.
func TestWidening(t *testing.T) {
	allow := func(values string) string {
		return `{"Version":"2012-10-17","Statement":[{"Sid":"P","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::444455556666:root"},"Action":"ecr:BatchGetImage","Condition":{"StringEquals":{"aws:PrincipalTag/team":` + values + `}}}]}`
	}
	res := compare(t, map[string]string{"app.json": allow(`"x"`)}, map[string]string{"app.json": allow(`["x","y"]`)})
	if len(res.New) != 1 || !slices.Equal(res.New[0].Wider, []string{"StringEquals aws:PrincipalTag/team x"}) {
		t.Fatalf("new %v, wider %v", keys(res.New), res.New)
	}
	if !slices.Equal(res.New[0].Conditions, []string{"aws:PrincipalTag/team x, y"}) {
		t.Errorf("conditions %v", res.New[0].Conditions)
	}
}

// Requests a Deny of BASE refused and HEAD allows are new although BASE
// granted the same key through others: a Deny narrowed (a second
// exception), a Deny of an RCP lifted. A Deny that cannot be joined with
// HEAD's statements (NotPrincipal) is a gap, never a silent "no new
// access".
func TestDenyLifted(t *testing.T) {
	doc := func(stmts ...string) string {
		return `{"Version":"2012-10-17","Statement":[` + strings.Join(stmts, ",") + `]}`
	}
	teamY := `{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::444455556666:root"},"Action":"ecr:BatchGetImage","Condition":{"StringEquals":{"aws:PrincipalTag/team":"y"}}}`
	all := `{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::444455556666:root"},"Action":"ecr:*"}`
	onlyVpce := `{"Sid":"OnlyVpce","Effect":"Deny","Principal":"*","Action":"ecr:*","Condition":{"StringNotEquals":{"aws:SourceVpce":"vpce-1"}}}`
	partner := []string{appARN + " arn:aws:iam::444455556666:root ecr:BatchGetImage"}

	// BASE lets the partner in through vpce-1 only; HEAD drops the Deny
	// and keeps a grant through vpce-1: team y pulls from anywhere. The
	// proofs of both sides choose vpce-1 (Widening sees nothing).
	throughVpce := `{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::444455556666:root"},"Action":["ecr:BatchGetImage","ecr:PutImage"],"Condition":{"StringEquals":{"aws:SourceVpce":"vpce-1"}}}`
	res := compare(t, map[string]string{"app.json": doc(teamY, all, onlyVpce)}, map[string]string{"app.json": doc(teamY, throughVpce)})
	if got := keys(res.New); !slices.Equal(got, partner) {
		t.Fatalf("new %v, want %v", got, partner)
	}
	if w := res.New[0].Wider; len(w) != 1 || !strings.Contains(w[0], "OnlyVpce") {
		t.Errorf("Wider = %v, want the lifted Deny named", w)
	}

	// The same through an RCP: BASE's denies outside vpce-1, HEAD's RCP is
	// gone.
	rcp := `{"Version":"2012-10-17","Statement":[{"Sid":"RcpVpce","Effect":"Deny","Principal":"*","Action":"ecr:*","Resource":"*","Condition":{"StringNotEquals":{"aws:SourceVpce":"vpce-1"}}}]}`
	res = compare(t, map[string]string{"app.json": doc(teamY, all), "rcps/perimeter.json": rcp}, map[string]string{"app.json": doc(teamY, all)})
	if got := keys(res.New); len(got) == 0 || !slices.Contains(got, partner[0]) {
		t.Fatalf("RCP lifted: new %v, want the partner's pull among them", got)
	}

	// A Deny naming the account by its id alone joins with an Allow naming
	// its root.
	byID := `{"Sid":"NoPush","Effect":"Deny","Principal":{"AWS":"444455556666"},"Action":"ecr:PutImage","Condition":{"StringNotEquals":{"aws:SourceVpce":"vpce-1"}}}`
	teamYPush := strings.Replace(teamY, "ecr:BatchGetImage", "ecr:PutImage", 1)
	res = compare(t, map[string]string{"app.json": doc(all, byID)}, map[string]string{"app.json": doc(throughVpce, teamYPush)})
	if got := keys(res.New); !slices.Contains(got, appARN+" arn:aws:iam::444455556666:root ecr:PutImage") {
		t.Errorf("Deny by account id lifted: new %v, want the partner's push", got)
	}

	// A Deny with NotPrincipal changed: a gap of HEAD.
	notPrincipal := `{"Sid":"NotUs","Effect":"Deny","NotPrincipal":{"AWS":"arn:aws:iam::444455556666:root"},"Action":"ecr:PutImage"}`
	r := Compare(side(t, map[string]string{"app.json": doc(all, notPrincipal)}), side(t, map[string]string{"app.json": doc(all)}))
	if len(r.HeadGaps) != 1 || !strings.Contains(r.HeadGaps[0].Message, "NotUs") {
		t.Errorf("head gaps %v, want one for the NotPrincipal Deny", r.HeadGaps)
	}
}

// A Deny of the registry policy removed or narrowed: ECR enforces the
// registry policy (scope V2) in every ECR request (ECR User Guide, "Private
// registry permissions in Amazon ECR"), so the partner's access the
// repository policy grants is new in HEAD. Removed outright under scope V2,
// the grant is new by its key (BASE's exposure of the repository applies
// the registry's Deny); kept for requests through another endpoint, the
// grant is there on both sides and is new because the Deny no longer
// closes the rest.
func TestRegistryDenyLifted(t *testing.T) {
	app := `{"Version":"2012-10-17","Statement":[{"Sid":"Partner","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::444455556666:root"},"Action":"ecr:BatchGetImage"}]}`
	registry := func(condition string) string {
		return `{"registryId":"111122223333","policyText":"{\"Version\":\"2012-10-17\",\"Statement\":[{\"Sid\":\"NoPartner\",\"Effect\":\"Deny\",\"Principal\":{\"AWS\":\"arn:aws:iam::444455556666:root\"},\"Action\":\"ecr:*\",\"Resource\":\"arn:aws:ecr:us-east-1:111122223333:repository/*\"` + condition + `}]}"}`
	}
	want := appARN + " arn:aws:iam::444455556666:root ecr:BatchGetImage"
	for _, tc := range []struct {
		name, condition, scope string
		wider                  bool
	}{
		{"removed", "", "V2", false},
		// Its scope not given, BASE's Deny may govern three actions only
		// (V1): the pull may have been open in BASE, and the search for
		// what the dropped Deny denied finds it.
		{"removed, scope not given", "", "", true},
		{"kept for one endpoint", `,\"Condition\":{\"StringNotEquals\":{\"aws:SourceVpce\":\"vpce-1a2b3c4d\"}}`, "V2", true},
	} {
		base, head := map[string]string{"app.json": app, "registry-policy.json": registry(tc.condition)}, map[string]string{"app.json": app}
		if tc.scope != "" {
			setting := `{"name":"REGISTRY_POLICY_SCOPE","value":"` + tc.scope + `"}`
			base["scope.json"], head["scope.json"] = setting, setting
		}
		res := compare(t, base, head)
		if got := keys(res.New); !slices.Contains(got, want) {
			t.Fatalf("%s: new %v, want %s", tc.name, got, want)
		}
		for _, g := range res.New {
			if g.Key.Subject == appARN && (len(g.Wider) > 0) != tc.wider {
				t.Errorf("%s: Wider = %v, want wider %v", tc.name, g.Wider, tc.wider)
			}
		}
	}
}

// TestRegistryDenyNarrowedTemplate: a registry Deny of the partner that
// spares one VPC endpoint in BASE spares a second one in HEAD. Through the
// second endpoint the partner's pull is new in HEAD, for a repository and
// equally for the repositories a creation template will create (the
// template's exposure counts its registry's Denies too). Widening, which
// compares one proof of each side (both through the first endpoint), sees
// nothing wider: the search for what the lifted Deny denied must run for
// templates as for repositories (registryOf).
func TestRegistryDenyNarrowedTemplate(t *testing.T) {
	const allow = `{\"Version\":\"2012-10-17\",\"Statement\":[{\"Sid\":\"Partner\",\"Effect\":\"Allow\",\"Principal\":{\"AWS\":\"arn:aws:iam::444455556666:root\"},\"Action\":\"ecr:BatchGetImage\"}]}`
	tpl := `{"registryId":"111122223333","repositoryCreationTemplates":[{"prefix":"ROOT","appliedFor":["REPLICATION"],"repositoryPolicy":"` + allow + `"}]}`
	app := `{"Version":"2012-10-17","Statement":[{"Sid":"Partner","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::444455556666:root"},"Action":"ecr:BatchGetImage"}]}`
	registry := func(endpoints string) string {
		return `{"registryId":"111122223333","policyText":"{\"Version\":\"2012-10-17\",\"Statement\":[{\"Sid\":\"NoPartner\",\"Effect\":\"Deny\",\"Principal\":{\"AWS\":\"arn:aws:iam::444455556666:root\"},\"Action\":\"ecr:*\",\"Resource\":\"arn:aws:ecr:us-east-1:111122223333:repository/*\",\"Condition\":{\"StringNotEquals\":{\"aws:SourceVpce\":` + endpoints + `}}}]}"}`
	}
	base := registry(`\"vpce-1a2b3c4d\"`)
	head := registry(`[\"vpce-1a2b3c4d\",\"vpce-5e6f7a8b\"]`)
	for _, tc := range []struct{ name, file, content, subject string }{
		{"repository", "app.json", app, appARN},
		{"creation template", "templates.json", tpl, "arn:aws:ecr:us-east-1:111122223333:repository-creation-template/ROOT"},
	} {
		res := compare(t, map[string]string{tc.file: tc.content, "registry-policy.json": base}, map[string]string{tc.file: tc.content, "registry-policy.json": head})
		found := false
		for _, g := range res.New {
			t.Logf("%s: new %s %s %s wider %v", tc.name, g.Key.Subject, g.Key.Principal, g.Key.Action, g.Wider)
			if g.Key.Subject == tc.subject && g.Key.Principal == "arn:aws:iam::444455556666:root" && g.Key.Action == "ecr:BatchGetImage" {
				found = true
			}
		}
		if !found {
			t.Errorf("%s: new %v, want the partner's pull through vpce-5e6f7a8b new in HEAD", tc.name, keys(res.New))
		}
	}
}

// registryFiles are the files of a registry policy (aws ecr
// get-registry-policy's output) of stmts, with the policy scope.
func registryFiles(scope string, stmts ...string) map[string]string {
	text, _ := json.Marshal(`{"Version":"2012-10-17","Statement":[` + strings.Join(stmts, ",") + `]}`)
	return map[string]string{
		"registry-policy.json": `{"registryId":"111122223333","policyText":` + string(text) + `}`,
		"scope.json":           `{"name":"REGISTRY_POLICY_SCOPE","value":"` + scope + `"}`,
	}
}

// with returns files with more added.
func with(files map[string]string, more map[string]string) map[string]string {
	out := maps.Clone(files)
	maps.Copy(out, more)
	return out
}

// Reviewers' cases of new access that the search beyond BASE missed once
// it settled the key-by-key grants: a Deny HEAD keeps to the letter but in
// a V1 registry policy, which does not govern a push, or in an RCP, which
// does not govern a service-linked role; a service's proof recorded first
// for the account (a registry policy is searched over several resources);
// a change of what bears on the requests besides the policy (the registry
// scope, the prefixes other templates claim); a Deny of a role's session
// lifted where the policy comes to name the role; a Deny of a service
// spelled in another case; a statement without a Principal (which once
// crashed the join); a Deny of an account by its id alone, which names it
// in every partition; BASE naming what the search picks as a stand-in
// outsider, or a network it blocked (these once settled the key-by-key
// grants, and hid them); BASE's conditions joined to
// HEAD's beyond what the search tries. Each must show the partner's grant
// as new, or say what it could not search.
func TestNewAccessBeyondBaseEdges(t *testing.T) {
	partnerPush := `{"Sid":"Partner","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::444455556666:root"},"Action":"ecr:PutImage"}`
	denyPartner := `{"Sid":"NoPartner","Effect":"Deny","Principal":{"AWS":"arn:aws:iam::444455556666:root"},"Action":"ecr:*","Resource":"arn:aws:ecr:us-east-1:111122223333:repository/*"}`
	doc := func(stmts ...string) string {
		return `{"Version":"2012-10-17","Statement":[` + strings.Join(stmts, ",") + `]}`
	}
	tag := func(v string) string {
		return `{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::444455556666:root"},"Action":"ecr:TagResource","Condition":{"ForAnyValue:StringEquals":{"aws:TagKeys":"` + v + `"}}}`
	}
	var tags []string
	for i := range 9 {
		tags = append(tags, tag(fmt.Sprintf("b%d", i)))
	}
	root := "arn:aws:iam::444455556666:root"
	partnerPull := `{"Sid":"A","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::444455556666:root"},"Action":"ecr:BatchGetImage","Resource":"arn:aws:ecr:us-east-1:111122223333:repository/team/*"}`
	ownPull := `{"Sid":"Own","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:root"},"Action":"ecr:BatchGetImage"}`
	tpl := func(prefix, policy string) string {
		text, _ := json.Marshal(policy)
		return `{"prefix":"` + prefix + `","appliedFor":["REPLICATION"],"repositoryPolicy":` + string(text) + `}`
	}
	templates := func(ts ...string) string {
		return `{"registryId":"111122223333","repositoryCreationTemplates":[` + strings.Join(ts, ",") + `]}`
	}
	slr := "arn:aws:iam::444455556666:role/aws-service-role/replication.ecr.amazonaws.com/AWSServiceRoleForECRReplication"
	slrPush := `{"Sid":"B","Effect":"Allow","Principal":{"AWS":"` + slr + `"},"Action":"ecr:PutImage"}`
	denyPush := `{"Effect":"Deny","Principal":"*","Action":"ecr:PutImage","Resource":"*"}`
	anyonePush := `{"Sid":"Anyone","Effect":"Allow","Principal":"*","Action":"ecr:PutImage"}`
	govRole := `{"Sid":"A","Effect":"Allow","Principal":{"AWS":"arn:aws-us-gov:iam::444455556666:role/r"},"Action":"ecr:PutImage"}`
	for _, tc := range []struct {
		name       string
		base, head map[string]string
		want       string // subject and action of the partner's new grant
		gap        bool   // or a gap of HEAD instead
		who        string // the grant's principal, when not the partner's root
	}{
		{"scope V2 to V1 under a kept registry Deny",
			with(registryFiles("V2", denyPartner), map[string]string{"app.json": doc(partnerPush)}),
			with(registryFiles("V1", denyPartner), map[string]string{"app.json": doc(strings.Replace(partnerPush, `"Partner"`, `"Partner2"`, 1))}),
			appARN + " ecr:PutImage", false, ""},
		{"a Deny moved to a V1 registry policy",
			with(registryFiles("V1"), map[string]string{"app.json": doc(partnerPush, denyPartner)}),
			with(registryFiles("V1", denyPartner), map[string]string{"app.json": doc(partnerPush)}),
			appARN + " ecr:PutImage", false, ""},
		{"a service's proof first in the registry",
			registryFiles("V2", `{"Sid":"X","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:root"},"Action":"ecr:PutImage","Resource":"*"}`),
			registryFiles("V2",
				`{"Sid":"CodeBuild","Effect":"Allow","Principal":{"Service":"codebuild.amazonaws.com"},"Action":"ecr:PutImage","Resource":"arn:aws:ecr:us-east-1:111122223333:repository/*","Condition":{"StringEquals":{"aws:SourceAccount":"444455556666"}}}`,
				`{"Sid":"Partner","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::444455556666:root"},"Action":"ecr:PutImage","Resource":"arn:aws:ecr:us-east-1:111122223333:repository/app"}`),
			"arn:aws:ecr:us-east-1:111122223333:registry ecr:PutImage", false, ""},
		{"registry scope V1 to V2, the statement renamed",
			registryFiles("V1", `{"Sid":"P","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::444455556666:root"},"Action":"ecr:*","Resource":"*"}`),
			registryFiles("V2", `{"Sid":"P2","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::444455556666:root"},"Action":"ecr:*","Resource":"*"}`),
			"arn:aws:ecr:us-east-1:111122223333:registry ecr:BatchGetImage", false, ""},
		{"a template that claimed a prefix removed",
			map[string]string{"templates.json": templates(tpl("ROOT", doc(partnerPull)), tpl("team", doc(ownPull)))},
			map[string]string{"templates.json": templates(tpl("ROOT", doc(strings.Replace(partnerPull, `"A"`, `"B"`, 1))))},
			"arn:aws:ecr:us-east-1:111122223333:repository-creation-template/ROOT ecr:BatchGetImage", false, ""},
		{"a Deny moved to an RCP, which does not govern a service-linked role",
			map[string]string{"app.json": doc(strings.Replace(slrPush, `"B"`, `"A"`, 1), denyPush)},
			map[string]string{"app.json": doc(slrPush), "rcps/1-root/perimeter.json": doc(denyPush)},
			appARN + " ecr:PutImage", false, slr},
		{"a Deny of one session lifted, the role named",
			map[string]string{"app.json": doc(partnerPush, `{"Sid":"NoS","Effect":"Deny","Principal":{"AWS":"arn:aws:sts::444455556666:assumed-role/r/s"},"Action":"ecr:PutImage"}`)},
			map[string]string{"app.json": doc(`{"Sid":"B","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::444455556666:role/r"},"Action":"ecr:PutImage"}`)},
			appARN + " ecr:PutImage", false, "arn:aws:sts::444455556666:assumed-role/r/s"},
		{"a Deny of a service spelled in another case lifted",
			map[string]string{"app.json": doc(`{"Effect":"Allow","Principal":{"Service":"codebuild.amazonaws.com"},"Action":"ecr:PutImage"}`, `{"Effect":"Deny","Principal":{"Service":"CodeBuild.amazonaws.com"},"Action":"ecr:PutImage"}`)},
			map[string]string{"app.json": doc(`{"Effect":"Allow","Principal":{"Service":"codebuild.amazonaws.com"},"Action":"ecr:PutImage"}`)},
			appARN + " ecr:PutImage", false, "service:codebuild.amazonaws.com"},
		{"a statement without a Principal beside a lifted Deny",
			map[string]string{"app.json": doc(partnerPush, `{"Effect":"Deny","Principal":{"AWS":"arn:aws:iam::444455556666:role/r"},"Action":"ecr:PutImage"}`)},
			map[string]string{"app.json": doc(partnerPush, `{"Sid":"NP","Effect":"Allow","Action":"ecr:BatchGetImage"}`)},
			appARN + " ecr:PutImage", false, "arn:aws:iam::444455556666:role/r"},
		{"a Deny of an account by its id alone, which IAM reads in every partition, lifted",
			map[string]string{"app.json": doc(govRole, `{"Sid":"D","Effect":"Deny","Principal":{"AWS":"444455556666"},"Action":"ecr:PutImage"}`)},
			map[string]string{"app.json": doc(govRole)},
			appARN + " ecr:PutImage", false, "arn:aws-us-gov:iam::444455556666:role/r"},
		{"BASE names the accounts ecrguard tries as an outsider's",
			map[string]string{"app.json": doc(`{"Effect":"Allow","Principal":{"AWS":["arn:aws:iam::777766665555:root","arn:aws:iam::777766665556:root","arn:aws:iam::777766665557:root","arn:aws:iam::777766665558:root"]},"Action":"ecr:BatchGetImage"}`)},
			map[string]string{"app.json": doc(anyonePush)},
			appARN + " ecr:PutImage", false, "*"},
		{"BASE let in only accounts like 7*",
			map[string]string{"app.json": doc(strings.Replace(anyonePush, `"ecr:PutImage"`, `"ecr:PutImage","Condition":{"StringLike":{"aws:PrincipalAccount":"7*"}}`, 1))},
			map[string]string{"app.json": doc(anyonePush)},
			appARN + " ecr:PutImage", false, "*"},
		{"a Deny of one network removed",
			map[string]string{"app.json": doc(anyonePush, `{"Effect":"Deny","Principal":"*","Action":"ecr:*","Condition":{"IpAddress":{"aws:SourceIp":"198.51.100.0/24"}}}`)},
			map[string]string{"app.json": doc(anyonePush)},
			appARN + " ecr:PutImage", false, "*"},
		{"an Allow from all endpoints but one made unconditional",
			map[string]string{"app.json": doc(strings.Replace(anyonePush, `"ecr:PutImage"`, `"ecr:PutImage","Condition":{"StringNotEquals":{"aws:SourceVpce":"vpce-2"}}`, 1))},
			map[string]string{"app.json": doc(anyonePush)},
			appARN + " ecr:PutImage", false, "*"},
		{"BASE's conditions joined beyond what is tried",
			map[string]string{"app.json": doc(tags...)},
			map[string]string{"app.json": doc(append(slices.Clone(tags[1:]), tag("z"))...)},
			appARN + " ecr:TagResource", true, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res := Compare(side(t, tc.base), side(t, tc.head))
			who := cmp.Or(tc.who, root)
			found := slices.ContainsFunc(res.New, func(g Grant) bool { return g.Principal == who && g.Subject+" "+g.Action == tc.want })
			if !found && !(tc.gap && len(res.HeadGaps) > 0) {
				t.Errorf("no new grant %s to %s, and no gap of HEAD; new %v, gaps %v", tc.want, who, keys(res.New), res.HeadGaps)
			}
		})
	}
}

// TestHeadGrantsCountsNew: head_grants counts every grant HEAD makes, the
// new ones the search beyond BASE found (service:* acting for an account
// only BASE named, where HEAD lets in anyone) included, one a key as
// base_grants counts BASE's.
func TestHeadGrantsCountsNew(t *testing.T) {
	base := `{"Version":"2012-10-17","Statement":[{"Sid":"X","Effect":"Allow","Principal":{"AWS":["arn:aws:iam::444455556666:root","arn:aws:iam::999988887777:root"]},"Action":["ecr:BatchGetImage","ecr:PutImage"]}]}`
	head := `{"Version":"2012-10-17","Statement":[{"Sid":"X","Effect":"Allow","Principal":{"AWS":"*"},"Action":["ecr:BatchGetImage","ecr:PutImage"]}]}`
	res := compare(t, map[string]string{"app.json": base}, map[string]string{"app.json": head})
	want := []string{
		appARN + " * ecr:BatchGetImage", appARN + " * ecr:PutImage",
		appARN + " service:* ecr:BatchGetImage", appARN + " service:* ecr:PutImage",
	}
	if got := keys(res.New); !slices.Equal(got, want) {
		t.Fatalf("new: %q, want %q", got, want)
	}
	if res.BaseGrants != 4 || res.HeadGrants != 4 {
		t.Errorf("grants: base %d, head %d; want 4 and 4", res.BaseGrants, res.HeadGrants)
	}
}
