package estate

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/ecrguard/ecrguard/internal/golden"
	"github.com/ecrguard/ecrguard/policy"
)

// livePolicy builds a policy the way the live collector does: text kept,
// parsed at 1:1 of a label.
func livePolicy(t testing.TB, name, label, text string) *Policy {
	t.Helper()
	src := policy.Pos{File: label, Line: 1, Col: 1}
	doc, err := policy.ParseWith([]byte(text), TextLocator([]byte(text), src))
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return &Policy{Name: name, Doc: doc, Source: src, Text: text}
}

const (
	repoPolicy = `{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Sid": "Public",
      "Effect": "Allow",
      "Principal": "*",
      "Action": ["ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"],
      "Condition": {"StringEquals": {"aws:PrincipalOrgID": "o-abc123defg"}}
    }
  ]
}`
	identityPolicy = `{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"ecr:*","Resource":"*"}}`
	trustPolicy    = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}]}`
)

// sampleEstate has one of everything a snapshot records.
func sampleEstate(t testing.TB) *Estate {
	e := sampleEstateV1(t)
	addFormat2(t, e)
	e.Normalize()
	return e
}

// rcpDeny is a custom RCP (Organizations User Guide, "RCP syntax": Deny
// statements only, Principal "*").
const rcpDeny = `{"Version":"2012-10-17","Statement":[{"Sid":"TLS","Effect":"Deny","Principal":"*","Action":"ecr:*","Resource":"*","Condition":{"BoolIfExists":{"aws:SecureTransport":"false"}}}]}`

// addFormat2 adds to e what snapshot format 2 records beyond format 1:
// RCP levels, the management flag, creation templates and the source of
// an ECR Public repository.
func addFormat2(t testing.TB, e *Estate) {
	a := e.Lookup("111122223333")
	a.RCPs = []*Policy{livePolicy(t, "RCP RCPFullAWSAccess on root r-root", "arn:aws:organizations::999988887777:policy/o-abc123defg/resource_control_policy/p-RCPFullAWSAccess",
		`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"*","Resource":"*"}]}`),
		livePolicy(t, "RCPs on account 111122223333 (RCPFullAWSAccess, TLS)", "rcp:111122223333", rcpDeny)}
	a.RCPsKnown = true
	r := a.Region("us-east-1")
	team := r.Template("team-a")
	team.AppliedFor = []string{ForReplication, ForPullThroughCache}
	team.SetPolicy(livePolicy(t, "repository policy of creation template team-a", team.ARN, repoPolicy))
	root := r.Template(RootPrefix)
	root.AppliedFor = []string{ForCreateOnPush}
	root.SetPolicy(nil)
	unread := a.Region("eu-west-1").Template("unread")
	unread.AppliedFor = []string{ForPullThroughCache}
	unread.Source = policy.Pos{File: "main.tf", Line: 12, Col: 3}
	for _, p := range a.Public {
		if p.Name == "tools" {
			p.Source = policy.Pos{File: "public.tf", Line: 4, Col: 1}
		}
	}
	b := e.Lookup("444455556666")
	b.Management, b.RCPsKnown = true, true
}

// sampleEstateV1 is what testdata/snapshot/v1-sample.json, a snapshot of
// format 1, holds.
func sampleEstateV1(t testing.TB) *Estate {
	e := New()
	a := e.Account("111122223333")
	r := a.Region("us-east-1")
	app := r.Repository("app")
	app.SetPolicy(livePolicy(t, "repository policy of app", app.ARN, repoPolicy))
	app.Tags, app.TagsKnown = map[string]string{"team": "core", "env": "prod"}, true
	scan := true
	app.InInventory, app.ImageTagMutability, app.ScanOnPush, app.EncryptionType, app.CreatedAt = true, "IMMUTABLE", &scan, "AES256", "2026-01-02T03:04:05Z"
	none := r.Repository("team/none")
	none.SetPolicy(nil)
	none.TagsKnown = true
	r.Repository("unread") // policy and tags not read
	r.Registry.SetPolicy(livePolicy(t, "registry policy", RegistryARN("us-east-1", a.ID), repoPolicy))
	r.Registry.Scope = ScopeV1
	r.Registry.Replication = []ReplicationDestination{{Account: "444455556666", Region: "eu-west-1"}, {Account: "111122223333", Region: "us-west-2"}}
	w := a.Region("eu-west-1") // read, nothing there, scope unknown
	w.Registry.SetPolicy(nil)

	pub := &PublicRepository{Name: "tools", Account: a.ID, ARN: "arn:aws:ecr-public::111122223333:repository/tools"}
	pub.SetPolicy(livePolicy(t, "repository policy of public tools", pub.ARN, repoPolicy))
	a.Public = []*PublicRepository{pub, {Name: "base", Account: a.ID, ARN: "arn:aws:ecr-public::111122223333:repository/base"}}

	a.IAM = &IAM{
		Source: "iam:GetAccountAuthorizationDetails",
		Users: []*User{{Identity: Identity{Name: "alice", ARN: "arn:aws:iam::111122223333:user/alice", ID: "AIDA1", Path: "/",
			Inline:   []*Policy{livePolicy(t, "inline policy ecr of user/alice", "arn:aws:iam::111122223333:user/alice#inline/ecr", identityPolicy)},
			Attached: []string{"arn:aws:iam::aws:policy/ReadOnlyAccess"}}, Groups: []string{"devs"},
			Boundary: "arn:aws:iam::111122223333:policy/boundary", Tags: map[string]string{"team": "core"}}},
		Groups: []*Group{{Identity: Identity{Name: "devs", ARN: "arn:aws:iam::111122223333:group/devs", ID: "AGPA1", Path: "/",
			Attached: []string{"arn:aws:iam::111122223333:policy/boundary"}}}},
		Roles: []*Role{{Identity: Identity{Name: "ci", ARN: "arn:aws:iam::111122223333:role/ci", ID: "AROA1", Path: "/"},
			Trust: livePolicy(t, "trust policy of role/ci", "arn:aws:iam::111122223333:role/ci#trust", trustPolicy)},
			{Identity: Identity{Name: "AWSServiceRoleForECR", ARN: "arn:aws:iam::111122223333:role/aws-service-role/ecr.amazonaws.com/AWSServiceRoleForECR",
				Path: "/aws-service-role/ecr.amazonaws.com/"}, ServiceLinked: true}},
		Policies: []*ManagedPolicy{{Name: "boundary", ARN: "arn:aws:iam::111122223333:policy/boundary", ID: "ANPA1", VersionID: "v2",
			Default: livePolicy(t, "arn:aws:iam::111122223333:policy/boundary", "arn:aws:iam::111122223333:policy/boundary#v2", identityPolicy)}},
	}
	a.SCPs = []*Policy{livePolicy(t, "SCPs of r-root", "scp:r-root", identityPolicy), livePolicy(t, "SCPs of 111122223333", "scp:111122223333", identityPolicy)}
	a.SCPsKnown = true
	a.Detached = []*Policy{livePolicy(t, "raw.json", "raw.json", identityPolicy)}

	b := e.Account("444455556666")
	b.Region("us-east-1").Registry.Scope = ScopeV2

	e.AddGap(Gap{Source: "ecr:GetRepositoryPolicy", Account: a.ID, Region: "us-east-1", Resource: "arn:aws:ecr:us-east-1:111122223333:repository/unread",
		Code: "AccessDeniedException", Message: "not authorized"})
	e.AddGap(Gap{Source: "policies/x.json", Pos: policy.Pos{File: "policies/x.json", Line: 3, Col: 9}, Code: GapParseError, Message: "bad",
		Problems: []policy.Problem{{Pos: policy.Pos{File: "policies/x.json", Line: 3, Col: 9}, Code: "missing-element", Message: "bad"},
			{Pos: policy.Pos{File: "policies/x.json", Line: 5, Col: 7}, Code: "unknown-element", Message: "worse"}}})
	e.AddNote(Note{Source: "sts:GetCallerIdentity", Message: "account 111122223333 read as arn:aws:iam::111122223333:user/alice"})
	e.Normalize()
	return e
}

var sampleMeta = SnapshotMeta{Version: "1.2.3", CollectedAt: time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC),
	Caller: Caller{Account: "111122223333", ARN: "arn:aws:iam::111122223333:user/alice"}}

func writeSnap(t testing.TB, e *Estate, meta SnapshotMeta) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := WriteSnapshot(&b, e, meta); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func TestSnapshotRoundTrip(t *testing.T) {
	e1 := sampleEstate(t)
	b1 := writeSnap(t, e1, sampleMeta)
	e2, meta, err := ReadSnapshot(b1, "snap.json")
	if err != nil {
		t.Fatal(err)
	}
	if meta != sampleMeta {
		t.Errorf("meta = %+v, want %+v", meta, sampleMeta)
	}
	b2 := writeSnap(t, e2, meta)
	if !bytes.Equal(b1, b2) {
		t.Fatalf("second snapshot differs from the first:\n%s", Diff(e1, e2))
	}
	if d := Diff(e1, e2); d != "" {
		t.Fatal(d)
	}
	if !reflect.DeepEqual(e1.Gaps, e2.Gaps) {
		t.Errorf("gaps differ after the round trip:\n%+v\n%+v", e1.Gaps, e2.Gaps)
	}
	// The documents themselves, positions included, are the same.
	p1, p2 := allPolicies(e1), allPolicies(e2)
	if len(p1) != len(p2) || len(p1) < 9 {
		t.Fatalf("policies: %d and %d", len(p1), len(p2))
	}
	for i := range p1 {
		if !reflect.DeepEqual(p1[i], p2[i]) {
			t.Errorf("policy %q differs after the round trip:\n%+v\n%+v", p1[i].Name, p1[i].Doc, p2[i].Doc)
		}
	}
	// And the rest of the model.
	a1, a2 := e1.Lookup("111122223333"), e2.Lookup("111122223333")
	r1, r2 := a1.Region("us-east-1"), a2.Region("us-east-1")
	for _, name := range []string{"app", "team/none", "unread"} {
		x, y := r1.Repository(name), r2.Repository(name)
		if x.PolicyState != y.PolicyState || x.TagsKnown != y.TagsKnown || x.InInventory != y.InInventory || x.ARN != y.ARN {
			t.Errorf("repository %s: %+v vs %+v", name, x, y)
		}
	}
	if got := r2.Repository("unread").PolicyState; got != Unread {
		t.Errorf("unread repository came back as %v", got)
	}
	if r2.Registry.Scope != ScopeV1 || a2.Region("eu-west-1").Registry.Scope != "" {
		t.Errorf("scopes: %q %q", r2.Registry.Scope, a2.Region("eu-west-1").Registry.Scope)
	}
	if !reflect.DeepEqual(e1.Gaps, e2.Gaps) || !reflect.DeepEqual(e1.Notes, e2.Notes) {
		t.Errorf("gaps or notes differ:\n%v\n%v", e1.Gaps, e2.Gaps)
	}
	// Format 2: RCPs, the management flag, templates, public sources.
	if !a2.RCPsKnown || len(a2.RCPs) != 2 || a2.RCPs[1].Doc.Statements[0].Sid != "TLS" || a2.Management {
		t.Errorf("RCPs: known %v, %d levels, management %v", a2.RCPsKnown, len(a2.RCPs), a2.Management)
	}
	if b := e2.Lookup("444455556666"); !b.Management || !b.RCPsKnown || len(b.RCPs) != 0 {
		t.Errorf("management account: %v %v %d", b.Management, b.RCPsKnown, len(b.RCPs))
	}
	ts := r2.Templates()
	if len(ts) != 2 || ts[0].Prefix != RootPrefix || ts[0].PolicyState != NoPolicy || ts[1].Prefix != "team-a" || ts[1].PolicyState != HasPolicy ||
		!reflect.DeepEqual(ts[1].AppliedFor, []string{ForPullThroughCache, ForReplication}) || ts[1].ARN != TemplateARN("us-east-1", "111122223333", "team-a") {
		t.Errorf("templates = %+v", ts)
	}
	if u := a2.Region("eu-west-1").Templates(); len(u) != 1 || u[0].PolicyState != Unread || u[0].Source != (policy.Pos{File: "main.tf", Line: 12, Col: 3}) {
		t.Errorf("eu-west-1 templates = %+v", u)
	}
	if p := a2.Public[1]; p.Name != "tools" || p.Source.File != "public.tf" {
		t.Errorf("public = %+v", p)
	}
}

// TestSnapshotV1 reads a committed snapshot of format 1 (written before
// RCPs and creation templates): the estate is the same, RCPs are not
// known, and a note says what format 1 lacks.
func TestSnapshotV1(t *testing.T) {
	path := filepath.Join("testdata", "snapshot", "v1-sample.json")
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(data, []byte(`"ecrguard_snapshot": 1,`)) {
		t.Fatalf("%s is not of format 1", path)
	}
	e, meta, err := ReadSnapshot(data, "v1.json")
	if err != nil {
		t.Fatal(err)
	}
	if meta != sampleMeta {
		t.Errorf("meta = %+v", meta)
	}
	want := sampleEstateV1(t)
	want.AddNote(Note{Source: "v1.json", Message: "snapshot format 1 holds no resource control policies nor repository creation templates: the analysis assumes no RCP restricts its accounts, and judges no template (collect again with this ecrguard to read them)"})
	want.Normalize()
	if d := Diff(want, e); d != "" {
		t.Fatal(d)
	}
	for _, a := range e.Accounts() {
		if a.RCPsKnown || a.Management {
			t.Errorf("account %s: RCPs known %v, management %v", a.ID, a.RCPsKnown, a.Management)
		}
	}
	// Keys of format 2 are unknown in format 1: a file is never half
	// understood.
	bad := bytes.Replace(data, []byte(`"detached_policies"`), []byte(`"management": false, "detached_policies"`), 1)
	if _, _, err := ReadSnapshot(bad, "v1.json"); err == nil || !strings.Contains(err.Error(), `unknown key "management"`) {
		t.Errorf("format 2 key in a format 1 snapshot: err = %v", err)
	}
}

// allPolicies lists every policy of e in snapshot order.
func allPolicies(e *Estate) []*Policy {
	var out []*Policy
	for _, a := range e.Accounts() {
		for _, r := range a.Regions() {
			if r.Registry.Policy != nil {
				out = append(out, r.Registry.Policy)
			}
			for _, repo := range r.Repositories() {
				if repo.Policy != nil {
					out = append(out, repo.Policy)
				}
			}
		}
		for _, p := range a.Public {
			if p.Policy != nil {
				out = append(out, p.Policy)
			}
		}
		if a.IAM != nil {
			for _, u := range a.IAM.Users {
				out = append(out, u.Inline...)
			}
			for _, g := range a.IAM.Groups {
				out = append(out, g.Inline...)
			}
			for _, r := range a.IAM.Roles {
				out = append(out, r.Inline...)
				if r.Trust != nil {
					out = append(out, r.Trust)
				}
			}
			for _, p := range a.IAM.Policies {
				if p.Default != nil {
					out = append(out, p.Default)
				}
			}
		}
		for _, r := range a.Regions() {
			for _, t := range r.Templates() {
				if t.Policy != nil {
					out = append(out, t.Policy)
				}
			}
		}
		out = append(out, a.SCPs...)
		out = append(out, a.RCPs...)
		out = append(out, a.Detached...)
	}
	return out
}

func TestSnapshotDeterministic(t *testing.T) {
	e1 := sampleEstate(t)
	e2 := sampleEstate(t)
	// Reverse every list the writer sorts.
	a := e2.Lookup("111122223333")
	rev := func(s any) {
		v := reflect.ValueOf(s).Elem()
		for i, j := 0, v.Len()-1; i < j; i, j = i+1, j-1 {
			x, y := v.Index(i).Interface(), v.Index(j).Interface()
			v.Index(i).Set(reflect.ValueOf(y))
			v.Index(j).Set(reflect.ValueOf(x))
		}
	}
	rev(&a.IAM.Roles)
	rev(&a.Public)
	rev(&e2.Gaps)
	rev(&e2.Notes)
	if b1, b2 := writeSnap(t, e1, sampleMeta), writeSnap(t, e2, sampleMeta); !bytes.Equal(b1, b2) {
		t.Fatalf("order of collection changed the snapshot:\n%s", Diff(e1, e2))
	}
}

// TestSnapshotGolden pins the format (docs/snapshot.md shows this file).
func TestSnapshotGolden(t *testing.T) {
	got := writeSnap(t, sampleEstate(t), sampleMeta)
	path := filepath.Join("testdata", "snapshot", "sample.json")
	if golden.Update() {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./estate -run TestSnapshotGolden -update)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("snapshot differs from %s; if the change is intended, bump SnapshotFormat when readers must notice, update docs/snapshot.md and run with -update", path)
	}
}

func TestSnapshotWithoutText(t *testing.T) {
	text := `{"Statement":{"Effect":"Deny","NotPrincipal":{"AWS":["arn:aws:iam::111122223333:root",123456789012]},"NotAction":"ecr:Get*","Resource":"*",
	  "Condition":{"Bool":{"aws:SecureTransport":false},"StringLike":{"aws:PrincipalArn":["a*","b"]}}}}`
	doc, err := policy.Parse([]byte(text), "raw.json")
	if err != nil {
		t.Fatal(err)
	}
	e := New()
	e.Account("111122223333").Detached = []*Policy{{Name: "raw.json", Doc: doc, Source: policy.Pos{File: "raw.json", Line: 1, Col: 1}}}
	b := writeSnap(t, e, SnapshotMeta{})
	e2, _, err := ReadSnapshot(b, "s.json")
	if err != nil {
		t.Fatalf("%v\n%s", err, b)
	}
	got := e2.Lookup("111122223333").Detached[0].Doc
	s0, s1 := doc.Statements[0], got.Statements[0]
	if s1.Effect != s0.Effect || len(s1.NotPrincipal.Entries) != 2 || s1.NotAction[0].Text != "ecr:Get*" || len(s1.Conditions) != 2 ||
		s1.Conditions[0].Values[0].Text != "false" || s1.Conditions[1].Operator != "StringLike" || len(s1.Conditions[1].Values) != 2 || got.Version != "" {
		t.Errorf("canonical encoding changed the document:\n%+v\n%+v", s0, s1)
	}
	// A value not known until apply cannot be written.
	doc.Statements[0].Resource[0].Unknown = true
	if err := WriteSnapshot(&bytes.Buffer{}, e, SnapshotMeta{}); err == nil || !strings.Contains(err.Error(), "not known until apply") {
		t.Errorf("unknown value: err = %v", err)
	}
}

func TestWriteSnapshotInconsistent(t *testing.T) {
	e := New()
	e.Account("111122223333").Region("us-east-1").Repository("app").PolicyState = HasPolicy
	err := WriteSnapshot(&bytes.Buffer{}, e, SnapshotMeta{})
	if err == nil || !strings.Contains(err.Error(), "repository/app") {
		t.Errorf("err = %v", err)
	}
}

func TestReadSnapshotErrors(t *testing.T) {
	valid := string(writeSnap(t, sampleEstate(t), sampleMeta))
	tests := []struct {
		name, data, want string
	}{
		{"not json", `{"ecrguard_snapshot": 1,`, "x.json:1:1: invalid JSON: unterminated object"},
		{"not an object", `[1]`, "x.json:1:1: snapshot: expected an object, got array"},
		{"no marker", `{"Version": "2012-10-17"}`, `x.json:1:1: not an ecrguard snapshot: no "ecrguard_snapshot" key`},
		{"newer", `{"ecrguard_snapshot": 3}`, "x.json:1:23: snapshot format 3 is newer than this ecrguard reads (2); upgrade ecrguard"},
		{"marker string", `{"ecrguard_snapshot": "2"}`, "x.json:1:23: ecrguard_snapshot: expected a format version from 1 to 2, got the string \"2\""},
		{"marker zero", `{"ecrguard_snapshot": 0}`, "x.json:1:23: ecrguard_snapshot: expected a format version from 1 to 2, got 0"},
		{"no rcps", strings.Replace(valid, `"rcps": {`, `"rcpz": {`, 1), `unknown key "rcpz"`},
		{"rcps known false with levels", strings.Replace(valid, `"rcps": {
        "known": true`, `"rcps": {
        "known": false`, 1), `rcps levels: expected none when known is false, got 2`},
		{"management type", strings.Replace(valid, `"management": false`, `"management": "no"`, 1), `management: expected true or false, got string`},
		{"template prefix", strings.Replace(valid, `"prefix": "team-a"`, `"prefix": ""`, 1), `creation template prefix: expected a prefix such as team-a or ROOT, got an empty string`},
		{"duplicate template", strings.Replace(valid, `"prefix": "team-a"`, `"prefix": "ROOT"`, 1), `creation template "ROOT" of us-east-1 listed twice`},
		{"applied_for type", strings.Replace(valid, `"applied_for": [
                "CREATE_ON_PUSH"
              ]`, `"applied_for": "CREATE_ON_PUSH"`, 1), `applied_for of creation template ROOT: expected a list, got string`},
		{"template state", strings.Replace(valid, `"state": "none"
              }
            },
            {
              "prefix": "team-a"`, `"state": "maybe"
              }
            },
            {
              "prefix": "team-a"`, 1), `x.json:115:26: policy of creation template ROOT state: expected "unread", "none" or "present", got "maybe"`},
		{"unknown key", strings.Replace(valid, `"ecrguard_version"`, `"ecrguard_versio"`, 1), `x.json:3:3: snapshot: unknown key "ecrguard_versio"`},
		{"missing key", strings.Replace(valid, `"notes": [`, `"notez": [`, 1), `unknown key "notez"`},
		{"bad time", strings.Replace(valid, `2026-11-23T10:00:00Z`, `yesterday`, 1), `x.json:4:19: collected_at: expected an RFC 3339 time`},
		{"bad state", strings.Replace(valid, `"state": "unread"`, `"state": "maybe"`, 1), `state: expected "unread", "none" or "present", got "maybe"`},
		{"policy text", strings.Replace(valid, `\"Effect\": \"Allow\"`, `\"Effect\": \"Allow\"]`, 1), `x.json:52:23: registry policy "registry policy": the policy text does not parse: arn:aws:ecr:us-east-1:111122223333:registry:6:24: invalid JSON`},
		{"tags type", strings.Replace(valid, `"env": "prod"`, `"env": 7`, 1), `repository tags env: expected a string, got number`},
		{"duplicate repo", strings.Replace(valid, `"name": "team/none"`, `"name": "app"`, 1), `repository "app" of us-east-1 listed twice`},
		// REGISTRY_POLICY_SCOPE is V1 or V2 (ECR API Reference,
		// "PutAccountSetting"); any other value would be judged under
		// V2's allows and V1's denies at once.
		{"scope lower case", strings.Replace(valid, `"scope": "V1"`, `"scope": "v1"`, 1), `x.json:54:22: registry scope: expected "V1", "V2" or null (unknown), got "v1"`},
		{"scope unknown", strings.Replace(valid, `"scope": "V1"`, `"scope": "V3"`, 1), `registry scope: expected "V1", "V2" or null (unknown), got "V3"`},
		{"scope empty", strings.Replace(valid, `"scope": "V1"`, `"scope": ""`, 1), `registry scope: expected "V1", "V2" or null (unknown), got ""`},
		// An account id is exactly 12 digits (Organizations API
		// Reference, "DescribeAccount"); the ARNs of its resources are
		// built from it.
		{"account id empty", strings.Replace(valid, `"id": "111122223333"`, `"id": ""`, 1), `x.json:11:13: account id: expected 12 digits such as 111122223333, got ""`},
		{"account id letters", strings.Replace(valid, `"id": "111122223333"`, `"id": "prod"`, 1), `account id: expected 12 digits such as 111122223333, got "prod"`},
		{"repository name empty", strings.Replace(valid, `"name": "team/none"`, `"name": ""`, 1), `repository name: expected a repository name such as team/app, got an empty string`},
		{"public repository name empty", strings.Replace(valid, `"name": "base"`, `"name": ""`, 1), `public repository name: expected a repository name such as base, got an empty string`},
		{"role twice", strings.Replace(valid, `"arn": "arn:aws:iam::111122223333:role/aws-service-role/ecr.amazonaws.com/AWSServiceRoleForECR"`, `"arn": "arn:aws:iam::111122223333:role/ci"`, 1), `role "arn:aws:iam::111122223333:role/ci" listed twice`},
		// The analysis judges a resource by its ARN: another resource's
		// would make the statements naming it seem never to apply.
		{"repository arn of another", strings.Replace(valid, `"arn": "arn:aws:ecr:us-east-1:111122223333:repository/app"`, `"arn": "arn:aws:ecr:us-east-1:111122223333:repository/other"`, 1),
			`repository arn: expected arn:aws:ecr:us-east-1:111122223333:repository/app (or its partition's arn:aws-cn:…, arn:aws-us-gov:…), got "arn:aws:ecr:us-east-1:111122223333:repository/other"`},
		{"public repository arn of another account", strings.Replace(valid, `"arn": "arn:aws:ecr-public::111122223333:repository/base"`, `"arn": "arn:aws:ecr-public::444455556666:repository/base"`, 1),
			`public repository arn: expected arn:aws:ecr-public::111122223333:repository/base`},
		{"template arn not an arn", strings.Replace(valid, `"arn": "arn:aws:ecr:us-east-1:111122223333:repository-creation-template/team-a"`, `"arn": "team-a"`, 1),
			`creation template arn: expected arn:aws:ecr:us-east-1:111122223333:repository-creation-template/team-a`},
		{"negative line", strings.Replace(valid, `"line": 3`, `"line": -3`, 1), `gap pos line: expected a whole number ≥ 0, got -3`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, _, err := ReadSnapshot([]byte(tt.data), "x.json")
			if err == nil {
				t.Fatal("no error")
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %q\ndoes not contain %q", err, tt.want)
			}
			// Readers of many files (source/file) keep the position apart.
			var pe *policy.Error
			if !errors.As(err, &pe) || pe.Pos.File != "x.json" || !pe.Pos.IsValid() {
				t.Errorf("error %q is not a *policy.Error with a position in x.json", err)
			}
		})
	}
}

func FuzzReadSnapshot(f *testing.F) {
	f.Add(writeSnap(f, sampleEstate(f), sampleMeta))
	if v1, err := os.ReadFile(filepath.Join("testdata", "snapshot", "v1-sample.json")); err == nil {
		f.Add(v1)
	}
	f.Add([]byte(`{"ecrguard_snapshot":1,"ecrguard_version":"","collected_at":"2026-01-01T00:00:00Z","caller":{"account":"","arn":""},"accounts":[],"gaps":[],"notes":[]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		e, meta, err := ReadSnapshot(data, "fuzz.json")
		if err != nil {
			if !strings.HasPrefix(err.Error(), "fuzz.json:") {
				t.Fatalf("error without a position: %v", err)
			}
			return
		}
		// Whatever reads, writes; and what it writes reads back the same.
		var b1 bytes.Buffer
		if err := WriteSnapshot(&b1, e, meta); err != nil {
			t.Fatalf("read but cannot write: %v", err)
		}
		e2, meta2, err := ReadSnapshot(b1.Bytes(), "again.json")
		if err != nil {
			t.Fatalf("cannot read what was written: %v\n%s", err, b1.Bytes())
		}
		var b2 bytes.Buffer
		if err := WriteSnapshot(&b2, e2, meta2); err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(b1.Bytes(), b2.Bytes()) {
			t.Fatalf("not stable:\n%s", Diff(e, e2))
		}
	})
}
