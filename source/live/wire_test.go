package live_test

// These tests drive the real SDK clients against livetest.Server, which
// answers in AWS's documented wire formats: ECR, ECR Public and
// Organizations in JSON 1.1 with X-Amz-Target (AWS "JSON protocol"), IAM and
// STS in the query protocol with XML answers.

import (
	"bytes"
	"context"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/ecrguard/ecrguard/estate"
	"github.com/ecrguard/ecrguard/source/live"
	"github.com/ecrguard/ecrguard/source/live/livetest"
)

// fastOptions retries without waiting (standard mode, no delay: adaptive
// mode would sleep for seconds after a throttle) so that "throttled
// forever" ends in milliseconds.
func fastOptions(regions ...string) live.Options {
	return live.Options{Regions: regions, Concurrency: 4, MaxAttempts: 3, Retryer: livetest.Retryer, CallTimeout: time.Minute}
}

func collect(t *testing.T, srv *livetest.Server, opts live.Options) *live.Collection {
	t.Helper()
	cfg := livetest.Config(t, srv.URL, "us-east-1")
	c, err := live.Run(context.Background(), cfg, opts)
	if err != nil {
		t.Fatalf("collect: %v", err)
	}
	return c
}

func gapsOf(e *estate.Estate, api string) []estate.Gap {
	var out []estate.Gap
	for _, g := range e.Gaps {
		if api == "" || g.Source == api {
			out = append(out, g)
		}
	}
	return out
}

// oneGap fails the test unless the call api left exactly one gap, with
// the Region, Resource and Code of want where want sets them and a message
// that holds want.Message; it returns the gap.
func oneGap(t *testing.T, e *estate.Estate, api string, want estate.Gap) estate.Gap {
	t.Helper()
	g := gapsOf(e, api)
	if len(g) != 1 || want.Region != "" && g[0].Region != want.Region || want.Resource != "" && g[0].Resource != want.Resource ||
		want.Code != "" && g[0].Code != want.Code || !strings.Contains(g[0].Message, want.Message) {
		t.Fatalf("gaps = %v", g)
	}
	return g[0]
}

func repo(t *testing.T, e *estate.Estate, region, name string) *estate.Repository {
	t.Helper()
	for _, r := range e.Lookup(livetest.SampleAccount).Region(region).Repositories() {
		if r.Name == name {
			return r
		}
	}
	t.Fatalf("repository %s/%s not collected", region, name)
	return nil
}

func TestCollectSampleAccount(t *testing.T) {
	srv := livetest.NewServer(t, livetest.SampleGuardrails())
	c := collect(t, srv, fastOptions("us-east-1", "eu-west-1"))
	e := c.Estate
	if c.Caller.ARN != "arn:aws:iam::111122223333:user/auditor" || c.Caller.Account != livetest.SampleAccount {
		t.Errorf("caller = %+v", c.Caller)
	}
	// The one gap: the malformed policy, naming the repository.
	gaps := gapsOf(e, "")
	if len(gaps) != 1 || gaps[0].Source != "ecr:GetRepositoryPolicy" || gaps[0].Code != estate.GapParseError ||
		gaps[0].Resource != "arn:aws:ecr:us-east-1:111122223333:repository/broken" || gaps[0].Region != "us-east-1" {
		t.Fatalf("gaps = %v", gaps)
	}
	if !strings.Contains(gaps[0].Message, "repository/broken:1:") {
		t.Errorf("parse gap does not point into the policy: %s", gaps[0].Message)
	}
	// Pagination: 4 repositories in pages of 2, then an empty page.
	names := []string{}
	for _, r := range e.Lookup(livetest.SampleAccount).Region("us-east-1").Repositories() {
		names = append(names, r.Name)
	}
	if strings.Join(names, ",") != "app,broken,svc,team/tools" {
		t.Errorf("us-east-1 repositories = %v", names)
	}
	if n := srv.Calls()["ecr:DescribeRepositories"]; n != 4 { // 3 pages in us-east-1, 1 in eu-west-1
		t.Errorf("DescribeRepositories called %d times, want 4", n)
	}
	app := repo(t, e, "us-east-1", "app")
	if app.PolicyState != estate.HasPolicy || app.Policy.Text != livetest.PublicPullPolicy || !app.TagsKnown || app.Tags["env"] != "prod" || !app.InInventory {
		t.Errorf("app = %+v", app)
	}
	if p := app.Policy.Doc.Statements[0].Pos; p.File != app.ARN || p.Line != 4 {
		t.Errorf("statement position = %v, want %s:4:…", p, app.ARN)
	}
	if svc := repo(t, e, "us-east-1", "svc"); svc.PolicyState != estate.NoPolicy {
		t.Errorf("svc (RepositoryPolicyNotFoundException) = %v, want NoPolicy", svc.PolicyState)
	}
	if b := repo(t, e, "us-east-1", "broken"); b.PolicyState != estate.Unread || b.Policy != nil {
		t.Errorf("broken = %v, want Unread", b.PolicyState)
	}
	reg := e.Lookup(livetest.SampleAccount).Region("us-east-1").Registry
	if reg.PolicyState != estate.HasPolicy || reg.Scope != estate.ScopeV1 || len(reg.Replication) != 1 || reg.Replication[0].Account != livetest.SampleMember {
		t.Errorf("registry = %+v", reg)
	}
	if eu := e.Lookup(livetest.SampleAccount).Region("eu-west-1").Registry; eu.PolicyState != estate.NoPolicy || eu.Scope != estate.ScopeV2 {
		t.Errorf("eu-west-1 registry = %+v", eu)
	}
	a := e.Lookup(livetest.SampleAccount)
	if len(a.Public) != 2 || a.Public[0].Name != "pub-none" || a.Public[0].PolicyState != estate.NoPolicy || a.Public[1].PolicyState != estate.HasPolicy {
		t.Errorf("public = %+v", a.Public)
	}

	// IAM: URL-encoded documents decoded, across pages.
	if a.IAM == nil || len(a.IAM.Users) != 2 || len(a.IAM.Groups) != 1 || len(a.IAM.Roles) != 2 {
		t.Fatalf("iam = %+v", a.IAM)
	}
	alice := a.IAM.Users[0]
	if alice.Name != "alice" || len(alice.Inline) != 1 || alice.Inline[0].Text != livetest.InlinePolicy || alice.Groups[0] != "devs" ||
		alice.Boundary != "arn:aws:iam::111122223333:policy/boundary" || alice.Tags["team"] != "core" {
		t.Errorf("alice = %+v (inline %q)", alice, alice.Inline[0].Text)
	}
	if sid := alice.Inline[0].Doc.Statements[0].Sid; sid != "Pull+Push 100% sûr" {
		t.Errorf("decoded Sid = %q", sid)
	}
	var svcLinked bool
	for _, r := range a.IAM.Roles {
		if r.Name == "ci" && (r.Trust == nil || len(r.Inline) != 1) {
			t.Errorf("ci = %+v", r)
		}
		svcLinked = svcLinked || r.ServiceLinked
	}
	if !svcLinked {
		t.Error("the service-linked role is not marked")
	}
	want := map[string]string{
		"arn:aws:iam::111122223333:policy/boundary":                   "v3",
		"arn:aws:iam::111122223333:policy/hidden":                     "v2", // iam:GetPolicy + GetPolicyVersion
		"arn:aws:iam::aws:policy/AmazonEC2ContainerRegistryReadOnly":  "v1",
		"arn:aws:iam::aws:policy/AmazonEC2ContainerRegistryPowerUser": "", // embedded catalog
	}
	for _, p := range a.IAM.Policies {
		v, ok := want[p.ARN]
		if !ok {
			t.Errorf("unexpected managed policy %s (unattached AWS managed policies are left out)", p.ARN)
			continue
		}
		if p.Default == nil || v != "" && p.VersionID != v {
			t.Errorf("%s: version %s, default %v", p.ARN, p.VersionID, p.Default)
		}
		delete(want, p.ARN)
	}
	if len(want) > 0 {
		t.Errorf("managed policies missing: %v", want)
	}
	notes := ""
	for _, n := range e.Notes {
		notes += n.Source + ": " + n.Message + "\n"
	}
	for _, s := range []string{"policy/hidden was attached but not in the authorization details; fetched version v2",
		"AmazonEC2ContainerRegistryPowerUser was attached but neither in the authorization details nor readable (NoSuchEntity); used ecrguard's embedded copy",
		"credentials are arn:aws:iam::111122223333:user/auditor in account 111122223333"} {
		if !strings.Contains(notes, s) {
			t.Errorf("notes lack %q:\n%s", s, notes)
		}
	}

	// SCPs: root, OU (two policies in one document), account.
	if !a.SCPsKnown || len(a.SCPs) != 3 {
		t.Fatalf("scps: known %v, %d levels", a.SCPsKnown, len(a.SCPs))
	}
	if ou := a.SCPs[1]; len(ou.Doc.Statements) != 2 || ou.Doc.Statements[1].Sid != "NoDelete" || !strings.Contains(ou.Name, "FullAWSAccess, DenyDelete") {
		t.Errorf("OU level = %s %+v", ou.Name, ou.Doc)
	}
	// RCPs likewise (ListPoliciesForTarget with the RESOURCE_CONTROL_POLICY
	// filter): root, OU (RCPFullAWSAccess and the custom Deny), account.
	if !a.RCPsKnown || len(a.RCPs) != 3 || a.Management {
		t.Fatalf("rcps: known %v, %d levels, management %v", a.RCPsKnown, len(a.RCPs), a.Management)
	}
	if ou := a.RCPs[1]; len(ou.Doc.Statements) != 2 || ou.Doc.Statements[1].Sid != "EnforceOrgIdentities" ||
		ou.Name != "RCPs on organizational unit ou-root-prod (RCPFullAWSAccess, OrgOnly)" || ou.Source.File != "rcp:ou-root-prod" {
		t.Errorf("OU level = %s at %v: %+v", ou.Name, ou.Source, ou.Doc)
	}
	if root := a.RCPs[0]; root.Name != "RCP RCPFullAWSAccess on root r-root" || root.Text != livetest.RCPFullAWSAccess {
		t.Errorf("root level = %s %q", root.Name, root.Text)
	}

	// Creation templates, across pages: ROOT without a policy, team-a with
	// one (docs: ECR API Reference, DescribeRepositoryCreationTemplates).
	ts := a.Region("us-east-1").Templates()
	if len(ts) != 2 || ts[0].Prefix != "ROOT" || ts[0].PolicyState != estate.NoPolicy || ts[0].AppliedFor[0] != estate.ForPullThroughCache {
		t.Fatalf("templates = %+v", ts)
	}
	team := ts[1]
	if team.Prefix != "team-a" || team.ARN != "arn:aws:ecr:us-east-1:111122223333:repository-creation-template/team-a" ||
		!slices.Equal(team.AppliedFor, []string{estate.ForCreateOnPush, estate.ForReplication}) ||
		team.PolicyState != estate.HasPolicy || team.Policy.Doc.Statements[0].Sid != "TemplatePull" || team.Policy.Source.File != team.ARN {
		t.Errorf("team-a = %+v", team)
	}
	if n := srv.Calls()["ecr:DescribeRepositoryCreationTemplates"]; n != 3 { // 2 pages in us-east-1, 1 in eu-west-1
		t.Errorf("DescribeRepositoryCreationTemplates called %d times, want 3", n)
	}
	if n := len(a.Region("eu-west-1").Templates()); n != 0 {
		t.Errorf("eu-west-1 has %d templates", n)
	}
}

// TestSnapshotEquivalence: what the live path collects and what a snapshot
// of it reads back are the same estate.
func TestSnapshotEquivalence(t *testing.T) {
	srv := livetest.NewServer(t, livetest.SampleGuardrails())
	c := collect(t, srv, fastOptions("us-east-1", "eu-west-1"))
	var buf bytes.Buffer
	meta := estate.SnapshotMeta{Version: "test", CollectedAt: c.Started, Caller: c.Caller}
	if err := estate.WriteSnapshot(&buf, c.Estate, meta); err != nil {
		t.Fatal(err)
	}
	back, gotMeta, err := estate.ReadSnapshot(buf.Bytes(), "snap.json")
	if err != nil {
		t.Fatal(err)
	}
	if d := estate.Diff(c.Estate, back); d != "" {
		t.Fatalf("snapshot changed the estate:\n%s", d)
	}
	if gotMeta.Caller != c.Caller || !gotMeta.CollectedAt.Equal(c.Started.Truncate(time.Second)) {
		t.Errorf("meta = %+v", gotMeta)
	}
	// Documents parse to the same positions, so findings point to the
	// same lines either way.
	live := repo(t, c.Estate, "us-east-1", "app").Policy.Doc.Statements[0]
	snap := back.Lookup(livetest.SampleAccount).Region("us-east-1").Repository("app").Policy.Doc.Statements[0]
	if live.Pos != snap.Pos || live.Action[1].Pos != snap.Action[1].Pos {
		t.Errorf("positions differ: %v/%v vs %v/%v", live.Pos, live.Action[1].Pos, snap.Pos, snap.Action[1].Pos)
	}
	if !reflect.DeepEqual(back.Gaps, c.Estate.Gaps) {
		t.Errorf("gaps: %v vs %v", back.Gaps, c.Estate.Gaps)
	}
}

func TestFaults(t *testing.T) {
	t.Parallel() // beside the moto tests: one case waits out a timeout
	tests := []struct {
		name   string
		faults []livetest.Fault
		opts   func(*live.Options)
		check  func(t *testing.T, e *estate.Estate, srv *livetest.Server)
	}{
		{
			name:   "AccessDenied in one region only",
			faults: []livetest.Fault{{API: "ecr:DescribeRepositories", Region: "eu-west-1", Code: "AccessDeniedException", Message: "User is not authorized to perform: ecr:DescribeRepositories"}},
			check: func(t *testing.T, e *estate.Estate, _ *livetest.Server) {
				oneGap(t, e, "ecr:DescribeRepositories", estate.Gap{Region: "eu-west-1", Code: "AccessDeniedException", Resource: "arn:aws:ecr:eu-west-1:111122223333:registry"})
				if n := len(e.Lookup(livetest.SampleAccount).Region("eu-west-1").Repositories()); n != 0 {
					t.Errorf("eu-west-1 has %d repositories", n)
				}
				// The other region is whole, and eu-west-1's registry was still read.
				if n := len(e.Lookup(livetest.SampleAccount).Region("us-east-1").Repositories()); n != 4 {
					t.Errorf("us-east-1 has %d repositories, want 4", n)
				}
				if st := e.Lookup(livetest.SampleAccount).Region("eu-west-1").Registry.PolicyState; st != estate.NoPolicy {
					t.Errorf("eu-west-1 registry policy state = %v", st)
				}
			},
		},
		{
			name:   "throttling that succeeds after retries",
			faults: []livetest.Fault{{API: "ecr:GetRepositoryPolicy", Resource: "app", Code: "ThrottlingException", Message: "Rate exceeded", Times: 2}},
			check: func(t *testing.T, e *estate.Estate, srv *livetest.Server) {
				if g := gapsOf(e, "ecr:GetRepositoryPolicy"); len(g) != 1 { // only "broken"
					t.Errorf("gaps = %v", g)
				}
				if st := repo(t, e, "us-east-1", "app").PolicyState; st != estate.HasPolicy {
					t.Errorf("app = %v", st)
				}
				if n := srv.Calls()["ecr:GetRepositoryPolicy"]; n != 5+2 {
					t.Errorf("GetRepositoryPolicy called %d times, want 7 (5 repositories, 2 retries); calls %v", n, srv.Calls())
				}
			},
		},
		{
			name:   "throttling beyond retries",
			faults: []livetest.Fault{{API: "ecr:GetRepositoryPolicy", Resource: "app", Code: "ThrottlingException", Message: "Rate exceeded"}},
			check: func(t *testing.T, e *estate.Estate, _ *livetest.Server) {
				var found bool
				for _, g := range gapsOf(e, "ecr:GetRepositoryPolicy") {
					if g.Resource == "arn:aws:ecr:us-east-1:111122223333:repository/app" {
						found = true
						if g.Code != "ThrottlingException" || !strings.Contains(g.Message, "3 attempts") {
							t.Errorf("gap = %v", g)
						}
					}
				}
				if !found {
					t.Fatal("no gap for app")
				}
				if st := repo(t, e, "us-east-1", "app").PolicyState; st != estate.Unread {
					t.Errorf("app = %v, want Unread", st)
				}
				if st := repo(t, e, "us-east-1", "team/tools").PolicyState; st != estate.HasPolicy {
					t.Errorf("team/tools = %v: other repositories must not suffer", st)
				}
			},
		},
		{
			name:   "a call that times out",
			faults: []livetest.Fault{{API: "ecr:ListTagsForResource", Resource: "svc", Delay: 10 * time.Second}},
			opts:   func(o *live.Options) { o.CallTimeout = 300 * time.Millisecond },
			check: func(t *testing.T, e *estate.Estate, _ *livetest.Server) {
				g := gapsOf(e, "ecr:ListTagsForResource")
				if len(g) != 1 || g[0].Code != estate.GapTimeout || !strings.HasSuffix(g[0].Resource, "repository/svc") {
					t.Fatalf("gaps = %v", g)
				}
				if svc := repo(t, e, "us-east-1", "svc"); svc.TagsKnown || svc.PolicyState != estate.NoPolicy {
					t.Errorf("svc = %+v", svc)
				}
			},
		},
		{
			name:   "a region that is not enabled",
			faults: []livetest.Fault{{Region: "ap-east-1", Code: "UnrecognizedClientException", Message: "The security token included in the request is invalid."}},
			opts:   func(o *live.Options) { o.Regions = append(o.Regions, "ap-east-1") },
			check: func(t *testing.T, e *estate.Estate, srv *livetest.Server) {
				var inRegion []estate.Gap
				for _, g := range e.Gaps {
					if g.Region == "ap-east-1" {
						inRegion = append(inRegion, g)
					}
				}
				if len(inRegion) != 1 || inRegion[0].Code != "UnrecognizedClientException" || !strings.Contains(inRegion[0].Message, "opt-in region") {
					t.Fatalf("gaps in ap-east-1 = %v (want exactly one)", inRegion)
				}
				if len(e.Lookup(livetest.SampleAccount).Region("us-east-1").Repositories()) != 4 {
					t.Error("us-east-1 lost repositories")
				}
			},
		},
		{
			// --all-regions asks every region: an opt-in region the account
			// has not enabled holds nothing anyone can use, a note; the same
			// answer from a region every account has is still a gap.
			name: "regions not enabled, under --all-regions",
			faults: []livetest.Fault{
				{Region: "ap-east-1", Code: "UnrecognizedClientException", Message: "The security token included in the request is invalid."},
				{Region: "me-south-1", Code: "UnrecognizedClientException", Message: "The security token included in the request is invalid."},
				{Region: "us-west-2", Code: "UnrecognizedClientException", Message: "The security token included in the request is invalid."},
			},
			opts: func(o *live.Options) { o.Regions, o.AllRegions = nil, true },
			check: func(t *testing.T, e *estate.Estate, _ *livetest.Server) {
				byRegion := map[string][]string{}
				for _, g := range e.Gaps {
					byRegion[g.Region] = append(byRegion[g.Region], string(g.Code))
				}
				if len(byRegion["ap-east-1"]) != 0 || len(byRegion["me-south-1"]) != 0 {
					t.Errorf("gaps in regions not enabled: %v", byRegion)
				}
				if got := byRegion["us-west-2"]; len(got) != 1 || got[0] != "UnrecognizedClientException" {
					t.Errorf("gaps in us-west-2 = %v, want one UnrecognizedClientException", got)
				}
				var notes []string
				for _, n := range e.Notes {
					if strings.Contains(n.Message, "is not enabled for account") {
						notes = append(notes, n.Message)
					}
				}
				slices.Sort(notes)
				if len(notes) != 2 || !strings.HasPrefix(notes[0], "region ap-east-1 is not enabled for account "+livetest.SampleAccount+" (it answered UnrecognizedClientException)") ||
					!strings.HasPrefix(notes[1], "region me-south-1 ") {
					t.Errorf("notes on regions not enabled = %q", notes)
				}
				if len(e.Lookup(livetest.SampleAccount).Region("us-east-1").Repositories()) != 4 {
					t.Error("us-east-1 lost repositories")
				}
			},
		},
		{
			name:   "GetAccountSetting answers 500",
			faults: []livetest.Fault{{API: "ecr:GetAccountSetting", Region: "us-east-1", Code: "InternalFailure", Status: 500}},
			check: func(t *testing.T, e *estate.Estate, _ *livetest.Server) {
				oneGap(t, e, "ecr:GetAccountSetting", estate.Gap{Code: "InternalFailure", Message: "judged under both V1 and V2"})
				if s := e.Lookup(livetest.SampleAccount).Region("us-east-1").Registry.Scope; s != "" {
					t.Errorf("scope = %q, want unknown", s)
				}
			},
		},
		{
			name:   "repository listing fails on the second page",
			faults: []livetest.Fault{{API: "ecr:DescribeRepositories", Region: "us-east-1", Page: 2, Code: "AccessDeniedException"}},
			check: func(t *testing.T, e *estate.Estate, _ *livetest.Server) {
				oneGap(t, e, "ecr:DescribeRepositories", estate.Gap{Message: "only in part (2 read"})
				if n := len(e.Lookup(livetest.SampleAccount).Region("us-east-1").Repositories()); n != 2 {
					t.Errorf("%d repositories kept, want the 2 of the first page", n)
				}
				if st := repo(t, e, "us-east-1", "app").PolicyState; st != estate.HasPolicy {
					t.Errorf("app = %v", st)
				}
			},
		},
		{
			name:   "IAM fails on the second page",
			faults: []livetest.Fault{{API: "iam:GetAccountAuthorizationDetails", Page: 2, Code: "Throttling"}},
			check: func(t *testing.T, e *estate.Estate, _ *livetest.Server) {
				oneGap(t, e, "iam:GetAccountAuthorizationDetails", estate.Gap{Code: "Throttling", Message: "only in part"})
				if iam := e.Lookup(livetest.SampleAccount).IAM; iam == nil || len(iam.Users) != 2 {
					t.Errorf("first page lost: %+v", iam)
				}
			},
		},
		{
			name:   "IAM refused",
			faults: []livetest.Fault{{API: "iam:GetAccountAuthorizationDetails", Code: "AccessDenied"}},
			check: func(t *testing.T, e *estate.Estate, _ *livetest.Server) {
				oneGap(t, e, "iam:GetAccountAuthorizationDetails", estate.Gap{Code: "AccessDenied", Resource: "arn:aws:iam::111122223333:root"})
				if e.Lookup(livetest.SampleAccount).IAM != nil {
					t.Error("IAM must stay unread")
				}
			},
		},
		{
			name: "an attached policy that cannot be read anywhere",
			faults: []livetest.Fault{{API: "iam:GetPolicy", Resource: "arn:aws:iam::111122223333:policy/hidden", Code: "AccessDenied"},
				{API: "iam:GetPolicy", Resource: "arn:aws:iam::aws:policy/AmazonEC2ContainerRegistryPowerUser", Code: "AccessDenied"}},
			check: func(t *testing.T, e *estate.Estate, _ *livetest.Server) {
				// hidden is nowhere else: a gap. PowerUser is in the catalog: a note.
				oneGap(t, e, "iam:GetPolicy", estate.Gap{Resource: "arn:aws:iam::111122223333:policy/hidden", Code: "AccessDenied"})
			},
		},
		{
			// SCPs not read are a note; RCPs not read a gap of the call
			// that failed, saying the analysis assumes none (docs/scan-your-account.md).
			name:   "Organizations refused: SCPs a note, RCPs a gap",
			faults: []livetest.Fault{{API: "organizations:ListParents", Code: "AccessDeniedException"}},
			check: func(t *testing.T, e *estate.Estate, _ *livetest.Server) {
				a := e.Lookup(livetest.SampleAccount)
				if a.SCPsKnown || len(a.SCPs) != 0 || a.RCPsKnown || len(a.RCPs) != 0 || a.Management {
					t.Errorf("SCPs known %v with %d levels, RCPs known %v with %d levels, management %v", a.SCPsKnown, len(a.SCPs), a.RCPsKnown, len(a.RCPs), a.Management)
				}
				var noted bool
				for _, n := range e.Notes {
					noted = noted || n.Source == "organizations:ListParents" && strings.Contains(n.Message, "AccessDeniedException")
				}
				if !noted {
					t.Errorf("no note: %v", e.Notes)
				}
				g := gapsOf(e, "organizations:ListParents")
				if len(g) != 1 || g[0].Account != livetest.SampleAccount || g[0].Code != "AccessDeniedException" ||
					!strings.Contains(g[0].Message, "assumes no RCP") || len(e.Gaps) != 2 { // and "broken"
					t.Errorf("gaps = %v", e.Gaps)
				}
			},
		},
		{
			name:   "an RCP that cannot be read leaves the SCPs read",
			faults: []livetest.Fault{{API: "organizations:DescribePolicy", Resource: "p-orgonly", Code: "AccessDeniedException"}},
			check: func(t *testing.T, e *estate.Estate, _ *livetest.Server) {
				a := e.Lookup(livetest.SampleAccount)
				if !a.SCPsKnown || len(a.SCPs) != 3 || a.RCPsKnown {
					t.Errorf("SCPs known %v with %d levels, RCPs known %v", a.SCPsKnown, len(a.SCPs), a.RCPsKnown)
				}
				if g := gapsOf(e, "organizations:DescribePolicy"); len(g) != 1 || !strings.Contains(g[0].Message, "resource control policies not read") {
					t.Errorf("gaps = %v", e.Gaps)
				}
			},
		},
		{
			name:   "RCP throttling that succeeds after retries",
			faults: []livetest.Fault{{API: "organizations:ListPoliciesForTarget", Resource: "ou-root-prod", Code: "TooManyRequestsException", Times: 2}},
			check: func(t *testing.T, e *estate.Estate, _ *livetest.Server) {
				a := e.Lookup(livetest.SampleAccount)
				if !a.RCPsKnown || len(a.RCPs) != 3 || !a.SCPsKnown || len(a.SCPs) != 3 || len(e.Gaps) != 1 {
					t.Errorf("RCPs known %v with %d levels, SCPs known %v with %d; gaps %v", a.RCPsKnown, len(a.RCPs), a.SCPsKnown, len(a.SCPs), e.Gaps)
				}
			},
		},
		{
			name:   "creation templates refused in one region",
			faults: []livetest.Fault{{API: "ecr:DescribeRepositoryCreationTemplates", Region: "us-east-1", Code: "AccessDeniedException"}},
			check: func(t *testing.T, e *estate.Estate, _ *livetest.Server) {
				oneGap(t, e, "ecr:DescribeRepositoryCreationTemplates", estate.Gap{Region: "us-east-1", Resource: "arn:aws:ecr:us-east-1:111122223333:registry",
					Message: "repository creation templates not read"})
				if n := len(e.Lookup(livetest.SampleAccount).Region("us-east-1").Templates()); n != 0 {
					t.Errorf("%d templates", n)
				}
			},
		},
		{
			name:   "creation templates: the second page refused",
			faults: []livetest.Fault{{API: "ecr:DescribeRepositoryCreationTemplates", Page: 2, Code: "ThrottlingException"}},
			check: func(t *testing.T, e *estate.Estate, _ *livetest.Server) {
				oneGap(t, e, "ecr:DescribeRepositoryCreationTemplates", estate.Gap{Code: "ThrottlingException", Message: "read only in part (1 read before the error)"})
				if ts := e.Lookup(livetest.SampleAccount).Region("us-east-1").Templates(); len(ts) != 1 || ts[0].Prefix != "ROOT" {
					t.Errorf("templates = %+v", ts)
				}
			},
		},
		{
			name:   "creation templates throttled, then answered",
			faults: []livetest.Fault{{API: "ecr:DescribeRepositoryCreationTemplates", Code: "ThrottlingException", Times: 2}},
			check: func(t *testing.T, e *estate.Estate, _ *livetest.Server) {
				if g := gapsOf(e, "ecr:DescribeRepositoryCreationTemplates"); len(g) != 0 {
					t.Fatalf("gaps = %v", g)
				}
				if n := len(e.Lookup(livetest.SampleAccount).Region("us-east-1").Templates()); n != 2 {
					t.Errorf("%d templates, want 2", n)
				}
			},
		},
		{
			name:   "ECR Public refused",
			faults: []livetest.Fault{{API: "ecr-public:GetRepositoryPolicy", Resource: "pub-tools", Code: "AccessDeniedException"}},
			check: func(t *testing.T, e *estate.Estate, _ *livetest.Server) {
				oneGap(t, e, "ecr-public:GetRepositoryPolicy", estate.Gap{Resource: "arn:aws:ecr-public::111122223333:repository/pub-tools", Region: "us-east-1"})
				for _, p := range e.Lookup(livetest.SampleAccount).Public {
					if p.Name == "pub-tools" && p.PolicyState != estate.Unread {
						t.Errorf("pub-tools policy state = %v, want unread", p.PolicyState)
					}
				}
			},
		},
		{
			name: "credentials in an error message are not echoed",
			faults: []livetest.Fault{{API: "ecr:GetRegistryPolicy", Region: "us-east-1", Code: "AccessDeniedException",
				Message: "denied: key " + livetest.HomeAccessKey + " secret " + livetest.HomeSecretKey + " token " + livetest.HomeSessionToken +
					" Signature=0123abcd X-Amz-Security-Token=abc ASIAZZZZZZZZZZZZZZZZ"}},
			check: func(t *testing.T, e *estate.Estate, _ *livetest.Server) {
				g := oneGap(t, e, "ecr:GetRegistryPolicy", estate.Gap{})
				for _, secret := range []string{livetest.HomeAccessKey, livetest.HomeSecretKey, livetest.HomeSessionToken, "0123abcd", "=abc", "ZZZZZZZZ"} {
					if strings.Contains(g.Message, secret) {
						t.Errorf("gap message echoes %q: %s", secret, g.Message)
					}
				}
				if !strings.Contains(g.Message, "[REDACTED]") {
					t.Errorf("message = %s", g.Message)
				}
			},
		},
	}
	for _, tt := range tests {
		// The cases run one after another: under a per-call timeout of
		// 300 ms, a dozen collections at once on a busy machine could time
		// out calls the case does not delay.
		t.Run(tt.name, func(t *testing.T) {
			srv := livetest.NewServer(t, livetest.SampleGuardrails())
			for _, f := range tt.faults {
				srv.AddFault(f)
			}
			opts := fastOptions("us-east-1", "eu-west-1")
			if tt.opts != nil {
				tt.opts(&opts)
			}
			c := collect(t, srv, opts)
			tt.check(t, c.Estate, srv)
		})
	}
}

func TestMultiAccount(t *testing.T) {
	srv := livetest.NewServer(t, livetest.SampleGuardrails(), livetest.SampleMemberAccount())
	opts := fastOptions("us-east-1")
	opts.AllAccounts, opts.RoleName = true, "ecrguard-reader"
	c := collect(t, srv, opts)
	e := c.Estate
	ids := []string{}
	for _, a := range e.Accounts() {
		ids = append(ids, a.ID)
	}
	if strings.Join(ids, ",") != livetest.SampleAccount+","+livetest.SampleMember {
		t.Fatalf("accounts = %v", ids)
	}
	m := e.Lookup(livetest.SampleMember)
	if rs := m.Region("us-east-1").Repositories(); len(rs) != 1 || rs[0].Name != "mirror" || rs[0].PolicyState != estate.HasPolicy {
		t.Errorf("member repositories = %+v", rs)
	}
	// The member's SCPs come from the organization read with the starting
	// credentials: root, OU, account.
	if !m.SCPsKnown || len(m.SCPs) != 3 {
		t.Errorf("member SCPs: known %v, %d levels", m.SCPsKnown, len(m.SCPs))
	}
	if !m.RCPsKnown || len(m.RCPs) != 3 || m.RCPs[1].Doc.Statements[1].Sid != "EnforceOrgIdentities" {
		t.Errorf("member RCPs: known %v, %d levels", m.RCPsKnown, len(m.RCPs))
	}
	// What the two accounts share is read once: the organization, its
	// root, and the policies of the root and the OU; each account's own
	// level is read for itself (2 types × (root, OU, 2 accounts)).
	calls := srv.Calls()
	if calls["organizations:DescribeOrganization"] != 1 || calls["organizations:ListRoots"] != 1 || calls["organizations:ListPoliciesForTarget"] != 8 ||
		calls["organizations:ListParents"] != 3 {
		t.Errorf("Organizations calls = %v", calls)
	}
	if n := srv.Calls()["sts:AssumeRole"]; n != 1 {
		t.Errorf("AssumeRole called %d times, want 1 (the starting account is read with the starting credentials)", n)
	}
	var skipped bool
	for _, n := range e.Notes {
		skipped = skipped || strings.Contains(n.Message, "777777777777 skipped")
	}
	if !skipped {
		t.Error("the suspended account is not noted")
	}
}

// AWSOrganizationsNotInUseException says the caller's account is in no
// organization (Organizations API Reference, DescribeOrganization: "This
// operation can be called from any account in the organization"); it says
// nothing of another account read through --accounts, which may be in one
// whose RCPs the starting credentials cannot read: a gap, not "none".
func TestMultiAccountOutsideCallersOrganization(t *testing.T) {
	home, member := livetest.Sample(), livetest.SampleMemberAccount()
	home.Org, member.Org = nil, home.Org // the member is in an organization, the caller in none
	srv := livetest.NewServer(t, home, member)
	opts := fastOptions("us-east-1")
	opts.Accounts, opts.RoleName = []string{livetest.SampleAccount, livetest.SampleMember}, "ecrguard-reader"
	e := collect(t, srv, opts).Estate
	if a := e.Lookup(livetest.SampleAccount); !a.SCPsKnown || !a.RCPsKnown || len(a.RCPs) != 0 {
		t.Errorf("caller's account (in no organization): SCPs known %v, RCPs known %v %v", a.SCPsKnown, a.RCPsKnown, a.RCPs)
	}
	if m := e.Lookup(livetest.SampleMember); m.RCPsKnown || m.SCPsKnown {
		t.Errorf("member in another organization: SCPs known %v, RCPs known %v %v", m.SCPsKnown, m.RCPsKnown, m.RCPs)
	}
	oneGap(t, e, "organizations:DescribeOrganization", estate.Gap{Message: "resource control policies not read"})

	// A member that is in no organization either has none.
	member.Org = nil
	e = collect(t, livetest.NewServer(t, home, member), opts).Estate
	if m := e.Lookup(livetest.SampleMember); !m.RCPsKnown || !m.SCPsKnown || len(e.Gaps) != 1 { // the caller's broken policy
		t.Errorf("member in no organization: SCPs known %v, RCPs known %v, gaps %v", m.SCPsKnown, m.RCPsKnown, e.Gaps)
	}
}

func TestMultiAccountRoleRefused(t *testing.T) {
	srv := livetest.NewServer(t, livetest.SampleGuardrails(), livetest.SampleMemberAccount())
	srv.AddFault(livetest.Fault{API: "sts:AssumeRole", Account: livetest.SampleMember, Code: "AccessDenied",
		Message: "User: arn:aws:iam::111122223333:user/auditor is not authorized to perform: sts:AssumeRole"})
	opts := fastOptions("us-east-1")
	opts.Accounts, opts.RoleName = []string{livetest.SampleAccount, livetest.SampleMember}, "ecrguard-reader"
	c := collect(t, srv, opts)
	g := gapsOf(c.Estate, "sts:AssumeRole")
	if len(g) != 1 || g[0].Account != livetest.SampleMember || g[0].Code != "AccessDenied" || g[0].Resource != "arn:aws:iam::444455556666:role/ecrguard-reader" {
		t.Fatalf("gaps = %v", g)
	}
	if len(c.Estate.Lookup(livetest.SampleAccount).Region("us-east-1").Repositories()) != 4 {
		t.Error("the account that could be read was not")
	}
}

func TestCallerIdentityRefused(t *testing.T) {
	srv := livetest.NewServer(t, livetest.SampleGuardrails())
	srv.AddFault(livetest.Fault{API: "sts:GetCallerIdentity", Code: "InvalidClientTokenId", Status: 403,
		Message: "The security token " + livetest.HomeSessionToken + " is invalid"})
	cfg := livetest.Config(t, srv.URL, "us-east-1")
	_, err := live.Run(context.Background(), cfg, fastOptions("us-east-1"))
	if err == nil || !strings.Contains(err.Error(), "sts:GetCallerIdentity: InvalidClientTokenId") {
		t.Fatalf("err = %v", err)
	}
	if strings.Contains(err.Error(), livetest.HomeSessionToken) {
		t.Errorf("error echoes the session token: %v", err)
	}
}
