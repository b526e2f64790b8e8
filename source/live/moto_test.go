package live_test

// End-to-end tests against moto, the AWS emulator: the real SDK clients
// seed an account and the collector reads it back. They skip when moto is
// not installed, unless ECRGUARD_REQUIRE_MOTO=1 (CI), which fails them.

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials/stscreds"
	"github.com/aws/aws-sdk-go-v2/service/ecr"
	ecrtypes "github.com/aws/aws-sdk-go-v2/service/ecr/types"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/organizations"
	orgtypes "github.com/aws/aws-sdk-go-v2/service/organizations/types"
	"github.com/aws/aws-sdk-go-v2/service/sts"

	"github.com/ecrguard/ecrguard/estate"
	"github.com/ecrguard/ecrguard/source/live"
	"github.com/ecrguard/ecrguard/source/live/livetest"
)

const motoAccount = "123456789012" // moto's default account

// motoUnimplemented are the calls moto 5.2.1 does not implement (it
// answers HTTP 500): each is a gap, as any failed read is.
var motoUnimplemented = map[string]bool{
	"ecr:GetAccountSetting":                   true,
	"ecr:DescribeRepositoryCreationTemplates": true,
	"ecr-public:DescribeRepositories":         true,
}

// moto is the moto server of this test binary. The moto tests run in
// parallel with each other and with the other tests that wait (moto's time
// is most of this package's): each keeps to names of its own (seedMoto's
// prefix, the organization's new member account), so that they can share a
// server with each other and with other runs.
var moto livetest.SharedMoto

func TestMain(m *testing.M) {
	// The parallel tests of this package mostly wait (on moto, on the fake
	// server's latency and time-outs): unless -parallel says otherwise,
	// more of them run at once than the default of one per core, so that
	// the moto tests do not hold back the others.
	flag.Parse()
	parallelSet := false
	flag.Visit(func(f *flag.Flag) { parallelSet = parallelSet || f.Name == "test.parallel" })
	if !parallelSet {
		_ = flag.Set("test.parallel", "8")
	}
	moto.StartFor("TestMotoEndToEnd", "TestMotoOrganization")
	code := m.Run()
	moto.Stop()
	os.Exit(code)
}

// seedMoto creates, with the SDK, an account to scan. Names start with
// prefix so that tests sharing one moto server (ECRGUARD_MOTO_URL) do not
// see each other's resources.
func seedMoto(t *testing.T, cfg aws.Config, prefix string) {
	t.Helper()
	ctx := context.Background()
	must := func(what string, err error) {
		t.Helper()
		if err != nil {
			t.Fatalf("seeding moto: %s: %v", what, err)
		}
	}
	for region, repos := range map[string][]string{"us-east-1": {"app", "plain"}, "eu-west-1": {"eu"}} {
		c := ecr.NewFromConfig(cfg, func(o *ecr.Options) { o.Region = region })
		for _, r := range repos {
			name := prefix + "/" + r
			out, err := c.CreateRepository(ctx, &ecr.CreateRepositoryInput{RepositoryName: aws.String(name)})
			must("CreateRepository "+name, err)
			if r == "app" {
				_, err = c.SetRepositoryPolicy(ctx, &ecr.SetRepositoryPolicyInput{RepositoryName: aws.String(name), PolicyText: aws.String(livetest.PublicPullPolicy)})
				must("SetRepositoryPolicy", err)
				_, err = c.TagResource(ctx, &ecr.TagResourceInput{ResourceArn: out.Repository.RepositoryArn,
					Tags: []ecrtypes.Tag{{Key: aws.String("team"), Value: aws.String("core")}}})
				must("TagResource", err)
			}
		}
		if region == "us-east-1" {
			_, err := c.PutRegistryPolicy(ctx, &ecr.PutRegistryPolicyInput{PolicyText: aws.String(strings.ReplaceAll(livetest.RegistryPolicy, "111122223333", motoAccount))})
			must("PutRegistryPolicy", err)
		}
	}
	ic := iam.NewFromConfig(cfg)
	user, group, role := prefix+"-alice", prefix+"-devs", prefix+"-ci"
	_, err := ic.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String(user)})
	must("CreateUser", err)
	_, err = ic.PutUserPolicy(ctx, &iam.PutUserPolicyInput{UserName: aws.String(user), PolicyName: aws.String("pull-push"), PolicyDocument: aws.String(livetest.InlinePolicy)})
	must("PutUserPolicy", err)
	bp, err := ic.CreatePolicy(ctx, &iam.CreatePolicyInput{PolicyName: aws.String(prefix + "-boundary"), PolicyDocument: aws.String(livetest.BoundaryDoc)})
	must("CreatePolicy", err)
	_, err = ic.AttachUserPolicy(ctx, &iam.AttachUserPolicyInput{UserName: aws.String(user), PolicyArn: bp.Policy.Arn})
	must("AttachUserPolicy", err)
	_, err = ic.AttachUserPolicy(ctx, &iam.AttachUserPolicyInput{UserName: aws.String(user), PolicyArn: aws.String("arn:aws:iam::aws:policy/AmazonEC2ContainerRegistryReadOnly")})
	must("AttachUserPolicy (AWS managed)", err)
	_, err = ic.CreateGroup(ctx, &iam.CreateGroupInput{GroupName: aws.String(group)})
	must("CreateGroup", err)
	_, err = ic.PutGroupPolicy(ctx, &iam.PutGroupPolicyInput{GroupName: aws.String(group), PolicyName: aws.String("all-ecr"), PolicyDocument: aws.String(livetest.AllECRPolicy)})
	must("PutGroupPolicy", err)
	_, err = ic.AddUserToGroup(ctx, &iam.AddUserToGroupInput{GroupName: aws.String(group), UserName: aws.String(user)})
	must("AddUserToGroup", err)
	_, err = ic.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String(role), AssumeRolePolicyDocument: aws.String(livetest.TrustEC2),
		PermissionsBoundary: bp.Policy.Arn})
	must("CreateRole", err)
	_, err = ic.PutRolePolicy(ctx, &iam.PutRolePolicyInput{RoleName: aws.String(role), PolicyName: aws.String("push"), PolicyDocument: aws.String(livetest.InlinePolicy)})
	must("PutRolePolicy", err)
}

func TestMotoEndToEnd(t *testing.T) {
	t.Parallel()
	url := moto.URL(t)
	cfg := livetest.Config(t, url, "us-east-1")
	prefix := fmt.Sprintf("e2e%d", time.Now().UnixNano()%1e9)
	seedMoto(t, cfg, prefix)

	start := time.Now()
	c, err := live.Run(context.Background(), cfg, live.Options{Regions: []string{"us-east-1", "eu-west-1"},
		MaxAttempts: 2, Retryer: livetest.Retryer, CallTimeout: time.Minute})
	if err != nil {
		t.Fatal(err)
	}
	e := c.Estate
	t.Logf("collected in %s; gaps:", time.Since(start).Round(time.Millisecond))
	for _, g := range e.Gaps {
		t.Logf("  %s", g)
	}
	if c.Caller.Account != motoAccount {
		t.Fatalf("caller = %+v", c.Caller)
	}
	a := e.Lookup(motoAccount)
	byName := map[string]*estate.Repository{}
	for _, region := range []string{"us-east-1", "eu-west-1"} {
		for _, r := range a.Region(region).Repositories() {
			byName[r.Name] = r
		}
	}
	app := byName[prefix+"/app"]
	if app == nil || app.PolicyState != estate.HasPolicy || app.Policy.Doc.Statements[0].Sid != "AnyonePulls" || !app.TagsKnown || app.Tags["team"] != "core" {
		t.Fatalf("app = %+v", app)
	}
	if p := byName[prefix+"/plain"]; p == nil || p.PolicyState != estate.NoPolicy {
		t.Errorf("plain = %+v (RepositoryPolicyNotFoundException is no policy, not a gap)", p)
	}
	if eu := byName[prefix+"/eu"]; eu == nil || eu.Region != "eu-west-1" {
		t.Errorf("eu = %+v", eu)
	}
	if reg := a.Region("us-east-1").Registry; reg.PolicyState != estate.HasPolicy || reg.Policy.Doc.Statements[0].Sid != "Replicate" {
		t.Errorf("registry = %+v", reg)
	}

	// moto does not implement GetAccountSetting (HTTP 500) nor ECR Public:
	// each is a gap, and the scope stays unknown.
	gapsBy := map[string][]estate.Gap{}
	for _, g := range e.Gaps {
		gapsBy[g.Source] = append(gapsBy[g.Source], g)
	}
	if g := gapsBy["ecr:GetAccountSetting"]; len(g) != 2 {
		t.Errorf("GetAccountSetting gaps = %v, want one per region", g)
	}
	if a.Region("us-east-1").Registry.Scope != "" {
		t.Errorf("scope = %q, want unknown", a.Region("us-east-1").Registry.Scope)
	}
	if g := gapsBy["ecr-public:DescribeRepositories"]; len(g) != 1 {
		t.Errorf("ECR Public gaps = %v", g)
	}
	// Nor repository creation templates: a gap per region, and none read
	// (the fake server's tests read them: wire_test.go).
	if g := gapsBy["ecr:DescribeRepositoryCreationTemplates"]; len(g) != 2 {
		t.Errorf("creation template gaps = %v, want one per region", g)
	}
	for src, gs := range gapsBy {
		if !motoUnimplemented[src] {
			t.Errorf("unexpected gaps from %s: %v", src, gs)
		}
	}

	// IAM, with the documents decoded.
	if a.IAM == nil {
		t.Fatal("IAM not read")
	}
	var alice *estate.User
	for _, u := range a.IAM.Users {
		if u.Name == prefix+"-alice" {
			alice = u
		}
	}
	if alice == nil || len(alice.Inline) != 1 || alice.Inline[0].Doc.Statements[0].Sid != "Pull+Push 100% sûr" || len(alice.Attached) != 2 ||
		len(alice.Groups) != 1 {
		t.Fatalf("alice = %+v", alice)
	}
	for _, arn := range alice.Attached {
		if p := a.IAM.Policy(arn); p == nil || p.Default == nil {
			t.Errorf("attached policy %s not resolved", arn)
		}
	}
	var ci *estate.Role
	for _, r := range a.IAM.Roles {
		if r.Name == prefix+"-ci" {
			ci = r
		}
	}
	if ci == nil || ci.Trust == nil || len(ci.Inline) != 1 || !strings.HasSuffix(ci.Boundary, prefix+"-boundary") {
		t.Errorf("ci = %+v", ci)
	}
	// motoserver.py loads AdministratorAccess and IAMFullAccess, which
	// nothing here attaches: the collector leaves them out, and says so.
	for _, name := range []string{"AdministratorAccess", "IAMFullAccess"} {
		if p := a.IAM.Policy("arn:aws:iam::aws:policy/" + name); p != nil {
			t.Errorf("%s kept: the unattached AWS managed policies must be left out", name)
		}
	}
	if !slices.ContainsFunc(e.Notes, func(n estate.Note) bool {
		return strings.Contains(n.Message, "AWS managed policies attached to nothing were left out")
	}) {
		t.Errorf("no note says unattached AWS managed policies were left out: %v", e.Notes)
	}
	// Outside an organization, or as the management account of the one
	// TestMotoOrganization creates (on a shared server it may exist
	// already), no SCP applies, and the collector says which.
	if !a.SCPsKnown || len(a.SCPs) != 0 {
		t.Errorf("SCPs of an account outside an organization or managing one are known to be none: %v %d", a.SCPsKnown, len(a.SCPs))
	}
	if !a.RCPsKnown || len(a.RCPs) != 0 {
		t.Errorf("RCPs of an account outside an organization or managing one are known to be none: %v %d", a.RCPsKnown, len(a.RCPs))
	}
	why := false
	for _, n := range e.Notes {
		m := n.Message
		why = why || strings.HasPrefix(m, "account "+motoAccount+": not in an organization") || strings.HasPrefix(m, "account "+motoAccount+": the management account of organization")
	}
	if !why {
		t.Errorf("no note says why no SCP applies to %s: %v", motoAccount, e.Notes)
	}

	// The snapshot of a moto account reads back the same.
	var buf bytes.Buffer
	if err := estate.WriteSnapshot(&buf, e, estate.SnapshotMeta{Version: "test", CollectedAt: c.Started, Caller: c.Caller}); err != nil {
		t.Fatal(err)
	}
	back, _, err := estate.ReadSnapshot(buf.Bytes(), "moto.json")
	if err != nil {
		t.Fatal(err)
	}
	if d := estate.Diff(e, back); d != "" {
		t.Error(d)
	}
}

// TestMotoOrganization walks the accounts of an organization: the
// management account and a member reached through a role, whose SCPs (root,
// OU, account) are read with the starting credentials.
func TestMotoOrganization(t *testing.T) {
	t.Parallel()
	url := moto.URL(t)
	cfg := livetest.Config(t, url, "us-east-1")
	ctx := context.Background()
	must := func(what string, err error) {
		t.Helper()
		if err != nil {
			t.Fatalf("seeding moto: %s: %v", what, err)
		}
	}
	oc := organizations.NewFromConfig(cfg)
	if _, err := oc.CreateOrganization(ctx, &organizations.CreateOrganizationInput{FeatureSet: orgtypes.OrganizationFeatureSetAll}); err != nil &&
		!strings.Contains(err.Error(), "AlreadyInOrganization") {
		must("CreateOrganization", err)
	}
	created, err := oc.CreateAccount(ctx, &organizations.CreateAccountInput{Email: aws.String("member@example.com"), AccountName: aws.String("member")})
	must("CreateAccount", err)
	member := aws.ToString(created.CreateAccountStatus.AccountId)
	roots, err := oc.ListRoots(ctx, &organizations.ListRootsInput{})
	must("ListRoots", err)
	root := aws.ToString(roots.Roots[0].Id)
	if _, err := oc.EnablePolicyType(ctx, &organizations.EnablePolicyTypeInput{RootId: aws.String(root), PolicyType: orgtypes.PolicyTypeServiceControlPolicy}); err != nil &&
		!strings.Contains(err.Error(), "PolicyTypeAlreadyEnabled") {
		must("EnablePolicyType", err)
	}
	ou, err := oc.CreateOrganizationalUnit(ctx, &organizations.CreateOrganizationalUnitInput{ParentId: aws.String(root), Name: aws.String("prod-" + member)})
	must("CreateOrganizationalUnit", err)
	_, err = oc.MoveAccount(ctx, &organizations.MoveAccountInput{AccountId: aws.String(member), SourceParentId: aws.String(root), DestinationParentId: ou.OrganizationalUnit.Id})
	must("MoveAccount", err)
	// attach creates a policy of typ and attaches it to the OU; what
	// names it in errors.
	attach := func(what, name, description string, typ orgtypes.PolicyType, content string) {
		t.Helper()
		p, err := oc.CreatePolicy(ctx, &organizations.CreatePolicyInput{Name: aws.String(name), Description: aws.String(description),
			Type: typ, Content: aws.String(content)})
		must("CreatePolicy"+what, err)
		_, err = oc.AttachPolicy(ctx, &organizations.AttachPolicyInput{PolicyId: p.Policy.PolicySummary.Id, TargetId: ou.OrganizationalUnit.Id})
		must("AttachPolicy"+what, err)
	}
	attach("", "nodelete-"+member, "no delete", orgtypes.PolicyTypeServiceControlPolicy, livetest.DenyDeleteSCP)
	if _, err := oc.EnablePolicyType(ctx, &organizations.EnablePolicyTypeInput{RootId: aws.String(root), PolicyType: orgtypes.PolicyTypeResourceControlPolicy}); err != nil &&
		!strings.Contains(err.Error(), "PolicyTypeAlreadyEnabled") {
		must("EnablePolicyType RCP", err)
	}
	attach(" RCP", "orgonly-"+member, "org identities only", orgtypes.PolicyTypeResourceControlPolicy, livetest.DenyOutsideOrgRCP)
	// A repository in the member account, created through the role.
	mcfg := cfg.Copy()
	mcfg.Credentials = aws.NewCredentialsCache(stscreds.NewAssumeRoleProvider(sts.NewFromConfig(cfg), "arn:aws:iam::"+member+":role/OrganizationAccountAccessRole"))
	_, err = ecr.NewFromConfig(mcfg).CreateRepository(ctx, &ecr.CreateRepositoryInput{RepositoryName: aws.String("member-repo")})
	must("CreateRepository in the member account", err)

	c, err := live.Run(ctx, cfg, live.Options{Regions: []string{"us-east-1"}, Accounts: []string{motoAccount, member},
		RoleName: "OrganizationAccountAccessRole", MaxAttempts: 2, Retryer: livetest.Retryer})
	if err != nil {
		t.Fatal(err)
	}
	e := c.Estate
	m := e.Lookup(member)
	if m == nil {
		t.Fatalf("member %s not read; gaps %v", member, e.Gaps)
	}
	if rs := m.Region("us-east-1").Repositories(); len(rs) != 1 || rs[0].Name != "member-repo" || rs[0].PolicyState != estate.NoPolicy {
		t.Errorf("member repositories = %+v", rs)
	}
	if !m.SCPsKnown || len(m.SCPs) != 3 {
		t.Fatalf("member SCPs: known %v, %d levels; notes %v", m.SCPsKnown, len(m.SCPs), e.Notes)
	}
	// The level's policies come in policy-id order, and moto's ids are
	// random: look for the SCP's statement rather than at an index.
	ouLevel := m.SCPs[1]
	sids := map[string]bool{}
	for _, s := range ouLevel.Doc.Statements {
		sids[s.Sid] = true
	}
	if len(ouLevel.Doc.Statements) != 2 || !sids["NoDelete"] {
		t.Errorf("OU level = %s: %d statements, sids %v", ouLevel.Name, len(ouLevel.Doc.Statements), sids)
	}
	if mgmt := e.Lookup(motoAccount); !mgmt.SCPsKnown || len(mgmt.SCPs) != 0 {
		t.Errorf("management account: SCPs known %v, %d levels (SCPs do not apply to it)", mgmt.SCPsKnown, len(mgmt.SCPs))
	}
	// RCPs: RCPFullAWSAccess at the root, the OU and the account (moto
	// attaches it to each, as Organizations does), and the custom Deny at
	// the OU. The management account's resources are not governed by RCPs
	// (Organizations User Guide, "Resource control policies (RCPs)").
	if !m.RCPsKnown || len(m.RCPs) != 3 || m.Management {
		t.Fatalf("member RCPs: known %v, %d levels, management %v; gaps %v", m.RCPsKnown, len(m.RCPs), m.Management, e.Gaps)
	}
	rcpSids := map[string]bool{}
	for _, s := range m.RCPs[1].Doc.Statements {
		rcpSids[s.Sid] = true
	}
	if len(m.RCPs[1].Doc.Statements) != 2 || !rcpSids["EnforceOrgIdentities"] || !strings.HasPrefix(m.RCPs[1].Source.File, "rcp:ou-") {
		t.Errorf("OU RCP level = %s: %d statements, sids %v", m.RCPs[1].Name, len(m.RCPs[1].Doc.Statements), rcpSids)
	}
	if mgmt := e.Lookup(motoAccount); !mgmt.Management || !mgmt.RCPsKnown || len(mgmt.RCPs) != 0 {
		t.Errorf("management account: management %v, RCPs known %v, %d levels", mgmt.Management, mgmt.RCPsKnown, len(mgmt.RCPs))
	}
	for _, g := range e.Gaps {
		if !motoUnimplemented[g.Source] {
			t.Errorf("unexpected gap %s", g)
		}
	}
}
