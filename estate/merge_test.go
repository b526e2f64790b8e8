package estate

import (
	"fmt"
	"strings"
	"testing"

	"github.com/ecrguard/ecrguard/policy"
)

const mergeAccount = "111122223333"

// repoInput is an estate of one input that says what it knows of
// repository app: state, the policy text (for HasPolicy) and the file.
func repoInput(t *testing.T, state PolicyState, text, file string) *Estate {
	t.Helper()
	e := New()
	r := e.Account(mergeAccount).Region("").Repository("app")
	r.Source = policy.Pos{File: file, Line: 1, Col: 1}
	switch state {
	case HasPolicy:
		doc, err := policy.ParseWith([]byte(text), TextLocator([]byte(text), policy.Pos{File: file, Line: 2, Col: 1}))
		if err != nil {
			t.Fatal(err)
		}
		r.SetPolicy(&Policy{Name: "repository policy of app", Doc: doc, Source: doc.Pos})
	case NoPolicy:
		r.SetPolicy(nil)
	}
	return e
}

const (
	publicPolicy = `{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": "*", "Action": "ecr:BatchGetImage"}]}`
	// The same document, written otherwise.
	publicPolicy2 = `{"Statement": {"Action": ["ecr:BatchGetImage"],
	   "Principal": "*", "Effect": "Allow"}, "Version": "2012-10-17"}`
	partnerPolicy = `{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::444455556666:root"}, "Action": "ecr:BatchGetImage"}]}`
	// Two lists of values, each a set to IAM, in one order and the other:
	// an aws_iam_policy_document and its plan's JSON, whose provider
	// writes its sets in an order of its own.
	listsPolicy = `{"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
	   "Principal": {"AWS": ["arn:aws:iam::111122223333:root", "arn:aws:iam::444455556666:root"]},
	   "Action": ["ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"],
	   "Condition": {"StringEquals": {"aws:PrincipalOrgID": ["o-a", "o-b"]}}}]}`
	listsPolicy2 = `{"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
	   "Principal": {"AWS": ["arn:aws:iam::444455556666:root", "arn:aws:iam::111122223333:root"]},
	   "Action": ["ecr:GetDownloadUrlForLayer", "ecr:BatchGetImage"],
	   "Condition": {"StringEquals": {"aws:PrincipalOrgID": ["o-b", "o-a"]}}}]}`
)

// Two inputs about one repository: the same thing merges quietly; a
// disagreement is a conflict gap naming both, and the analysis keeps the
// reading that can grant more (a policy over none) or the first read.
func TestMergeRepositoryPolicy(t *testing.T) {
	type in struct {
		state PolicyState
		text  string
	}
	cases := []struct {
		name      string
		a, b      in
		wantState PolicyState
		wantFile  string // the kept policy's file, for HasPolicy
		wantGap   []string
	}{
		{"unread then policy", in{Unread, ""}, in{HasPolicy, publicPolicy}, HasPolicy, "b.json", nil},
		{"policy then unread", in{HasPolicy, publicPolicy}, in{Unread, ""}, HasPolicy, "a.json", nil},
		{"same policy, other text", in{HasPolicy, publicPolicy}, in{HasPolicy, publicPolicy2}, HasPolicy, "a.json", nil},
		{"same policy, lists in other orders", in{HasPolicy, listsPolicy}, in{HasPolicy, listsPolicy2}, HasPolicy, "a.json", nil},
		{"both none", in{NoPolicy, ""}, in{NoPolicy, ""}, NoPolicy, "", nil},
		{"policy then none", in{HasPolicy, publicPolicy}, in{NoPolicy, ""}, HasPolicy, "a.json",
			[]string{"b.json:1:1 (arn:aws:ecr:us-east-1:111122223333:repository/app): conflicting-inputs: ", "no policy (b.json:1:1), but the policy at a.json:2:1", "judges the policy at a.json:2:1"}},
		{"none then policy", in{NoPolicy, ""}, in{HasPolicy, publicPolicy}, HasPolicy, "b.json",
			[]string{"a.json:1:1 (", "no policy (a.json:1:1), but the policy at b.json:2:1", "judges the policy at b.json:2:1"}},
		{"different policies", in{HasPolicy, publicPolicy}, in{HasPolicy, partnerPolicy}, HasPolicy, "a.json",
			[]string{"b.json:2:1 (", "the policy at b.json:2:1, but the policy at a.json:2:1", "judges the policy at a.json:2:1 and not the other"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			e := repoInput(t, c.a.state, c.a.text, "a.json")
			e.Merge(repoInput(t, c.b.state, c.b.text, "b.json"))
			r := e.Lookup(mergeAccount).Region("").Repository("app")
			if r.PolicyState != c.wantState {
				t.Errorf("state %d, want %d", r.PolicyState, c.wantState)
			}
			if c.wantState == HasPolicy && r.Policy.Source.File != c.wantFile {
				t.Errorf("kept the policy of %s, want %s", r.Policy.Source, c.wantFile)
			}
			if c.wantGap == nil {
				if len(e.Gaps) != 0 {
					t.Errorf("gaps %v, want none", e.Gaps)
				}
				return
			}
			if len(e.Gaps) != 1 {
				t.Fatalf("gaps %v, want one conflict", e.Gaps)
			}
			g := e.Gaps[0]
			if g.Code != GapConflictingInputs || g.Account != mergeAccount || g.Region != DefaultRegion || !g.Pos.IsValid() || g.Source != g.Pos.File {
				t.Errorf("gap %+v", g)
			}
			for _, w := range c.wantGap {
				if !strings.Contains(g.String(), w) {
					t.Errorf("gap %q lacks %q", g, w)
				}
			}
		})
	}
}

// The registry policy and scope, and tags, merge by the same rules.
func TestMergeRegistryAndTags(t *testing.T) {
	e := New()
	reg := &e.Account(mergeAccount).Region("").Registry
	reg.SetPolicy(nil)
	reg.Scope = ScopeV1
	repo := e.Account(mergeAccount).Region("").Repository("app")
	repo.Tags, repo.TagsKnown = map[string]string{"team": "a"}, true

	o := repoInput(t, Unread, "", "b.json")
	doc, err := policy.Parse([]byte(publicPolicy), "registry.json")
	if err != nil {
		t.Fatal(err)
	}
	oreg := &o.Account(mergeAccount).Region("").Registry
	oreg.SetPolicy(&Policy{Name: "registry policy", Doc: doc, Source: doc.Pos})
	oreg.Scope = ScopeV2
	orepo := o.Account(mergeAccount).Region("").Repository("app")
	orepo.Tags, orepo.TagsKnown = map[string]string{"team": "b"}, true

	e.Merge(o)
	if reg.PolicyState != HasPolicy || reg.Scope != ScopeV2 || repo.Tags["team"] != "a" {
		t.Errorf("registry %+v, tags %v: want the policy, V2 and the first tags", reg, repo.Tags)
	}
	var got []string
	for _, g := range e.Gaps {
		if g.Code != GapConflictingInputs {
			t.Errorf("gap %v, want %s", g, GapConflictingInputs)
		}
		got = append(got, g.String())
	}
	all := strings.Join(got, "\n")
	for _, w := range []string{"the registry policy of 111122223333 in us-east-1", "REGISTRY_POLICY_SCOPE", "tags of repository app"} {
		if !strings.Contains(all, w) {
			t.Errorf("gaps\n%s\nlack %q", all, w)
		}
	}
	if len(got) != 3 {
		t.Errorf("%d gaps, want 3", len(got))
	}

	// The same again is quiet.
	n := len(e.Gaps)
	same := New()
	sreg := &same.Account(mergeAccount).Region("").Registry
	sreg.SetPolicy(&Policy{Doc: doc, Source: doc.Pos})
	sreg.Scope = ScopeV2
	srepo := same.Account(mergeAccount).Region("").Repository("app")
	srepo.Tags, srepo.TagsKnown = map[string]string{"team": "a"}, true
	e.Merge(same)
	if len(e.Gaps) != n {
		t.Errorf("merging the same again added gaps: %v", e.Gaps[n:])
	}
}

// TestMergePublicRepositories: an ECR Public repository read by two inputs
// is one repository, merged as a private one is.
func TestMergePublicRepositories(t *testing.T) {
	doc := func(action string) *policy.Document {
		d, err := policy.Parse([]byte(`{"Statement":[{"Effect":"Allow","Principal":"*","Action":"`+action+`"}]}`), "p.json")
		if err != nil {
			t.Fatal(err)
		}
		return d
	}
	one := func(d *policy.Document) *Estate {
		e := New()
		p := e.Account("111122223333").PublicRepository("tools")
		if d != nil {
			p.SetPolicy(&Policy{Name: "public tools", Doc: d})
		}
		return e
	}
	e := one(nil)
	e.Merge(one(doc("ecr-public:PutImage")))
	e.Merge(one(doc("ecr-public:PutImage")))
	a := e.Lookup("111122223333")
	if len(a.Public) != 1 || a.Public[0].PolicyState != HasPolicy || len(e.Gaps) != 0 {
		t.Fatalf("public %+v, gaps %v: want one repository with its policy, no gap", a.Public, e.Gaps)
	}
	if a.Public[0].ARN != "arn:aws:ecr-public::111122223333:repository/tools" {
		t.Errorf("ARN %s", a.Public[0].ARN)
	}
	e.Merge(one(doc("ecr-public:DeleteRepository")))
	if len(a.Public) != 1 || len(e.Gaps) != 1 || e.Gaps[0].Code != GapConflictingInputs {
		t.Errorf("different policies: public %d, gaps %v; want one conflict", len(a.Public), e.Gaps)
	}
}

// PublicRepository finds a repository by name in its index, which
// follows repositories appended to Public by other means (a live
// collection, a snapshot) and keeps its order: 20,000 are read each once.
func TestPublicRepositoryIndex(t *testing.T) {
	a := New().Account(mergeAccount)
	direct := &PublicRepository{Name: "direct", Account: mergeAccount}
	a.Public = append(a.Public, direct)
	for i := range 20000 {
		a.PublicRepository(fmt.Sprintf("repo-%05d", i))
	}
	a.Public = append(a.Public, &PublicRepository{Name: "late", Account: mergeAccount})
	if a.PublicRepository("direct") != direct || a.PublicRepository("late") != a.Public[20001] || len(a.Public) != 20002 {
		t.Fatalf("the repositories appended directly were not found: %d repositories", len(a.Public))
	}
	for i, p := range a.Public[1:20001] {
		if p.Name != fmt.Sprintf("repo-%05d", i) || a.PublicRepository(p.Name) != p {
			t.Fatalf("repository %d is %s", i, p.Name)
		}
	}
}

// rcpInput is an estate of one input that read RCP levels of the given
// names and texts, in file.
func rcpInput(t *testing.T, file string, levels ...[2]string) *Estate {
	t.Helper()
	e := New()
	a := e.Account(mergeAccount)
	for i, l := range levels {
		doc, err := policy.ParseWith([]byte(l[1]), TextLocator([]byte(l[1]), policy.Pos{File: file, Line: i + 1, Col: 1}))
		if err != nil {
			t.Fatal(err)
		}
		a.RCPs = append(a.RCPs, &Policy{Name: l[0], Doc: doc, Source: doc.Pos})
	}
	a.RCPsKnown = true
	return e
}

// Organization policy levels read by two inputs: a level both name alike
// (a Terraform module and its plan) is one level, and a conflict gap when
// they disagree (applying both would take away what either alone allows);
// levels of other names are levels of their own, and one input's two
// levels of one name (a policy attached at two levels) stay two.
func TestMergeOrganizationLevels(t *testing.T) {
	const (
		attach     = "aws_organizations_policy.perimeter via aws_organizations_policy_attachment.account"
		denyApp    = `{"Version": "2012-10-17", "Statement": [{"Sid": "D", "Effect": "Deny", "Principal": "*", "Action": "ecr:*", "Resource": "arn:aws:ecr:us-east-1:111122223333:repository/app"}]}`
		denyApp2   = `{"Statement": {"Resource": "arn:aws:ecr:us-east-1:111122223333:repository/app", "Action": ["ecr:*"], "Principal": "*", "Effect": "Deny", "Sid": "D"}, "Version": "2012-10-17"}`
		denyOther  = `{"Version": "2012-10-17", "Statement": [{"Sid": "D", "Effect": "Deny", "Principal": "*", "Action": "ecr:*", "Resource": "arn:aws:ecr:us-east-1:111122223333:repository/other"}]}`
		otherLevel = "RCP rcps/root.json"
	)
	cases := []struct {
		name       string
		a, b       *Estate
		wantLevels []string // the kept levels' files
		wantGap    []string
	}{
		{"same level, same policy", rcpInput(t, "main.tf", [2]string{attach, denyApp}), rcpInput(t, "plan.json", [2]string{attach, denyApp2}),
			[]string{"main.tf"}, nil},
		{"same level, other policy", rcpInput(t, "main.tf", [2]string{attach, denyApp}), rcpInput(t, "plan.json", [2]string{attach, denyOther}),
			[]string{"main.tf"}, []string{"plan.json:1:1: conflicting-inputs: inputs disagree about the RCP level " + attach + ": the policy at plan.json:1:1, but the policy at main.tf:1:1; the analysis judges the policy at main.tf:1:1 and not the other; make the inputs agree (or scan them apart) to assess it"}},
		{"other levels", rcpInput(t, "main.tf", [2]string{attach, denyApp}), rcpInput(t, "root.json", [2]string{otherLevel, denyOther}),
			[]string{"main.tf", "root.json"}, nil},
		{"one input, one name at two levels", New(), rcpInput(t, "p.json", [2]string{otherLevel, denyApp}, [2]string{otherLevel, denyApp}),
			[]string{"p.json", "p.json"}, nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			e := New()
			e.Merge(tc.a)
			e.Merge(tc.b)
			var files, gaps []string
			for _, p := range e.Account(mergeAccount).RCPs {
				files = append(files, p.Source.File)
			}
			for _, g := range e.Gaps {
				gaps = append(gaps, g.String())
			}
			if strings.Join(files, ",") != strings.Join(tc.wantLevels, ",") {
				t.Errorf("levels from %v, want %v", files, tc.wantLevels)
			}
			if strings.Join(gaps, "\n") != strings.Join(tc.wantGap, "\n") {
				t.Errorf("gaps\n%s\nwant\n%s", strings.Join(gaps, "\n"), strings.Join(tc.wantGap, "\n"))
			}
		})
	}
}

// iamInput is an estate of one input that describes user alice, whose
// inline policy is text, group devs, role ci and a managed policy.
func iamInput(t *testing.T, text string) *Estate {
	t.Helper()
	e := New()
	e.Account(mergeAccount).IAM = &IAM{Source: "iam:GetAccountAuthorizationDetails",
		Users: []*User{{Identity: Identity{Name: "alice", ARN: "arn:aws:iam::111122223333:user/alice", Path: "/",
			Inline: []*Policy{livePolicy(t, "inline policy ecr of user/alice", "arn:aws:iam::111122223333:user/alice#inline/ecr", text)}},
			Groups: []string{"devs"}}},
		Groups: []*Group{{Identity: Identity{Name: "devs", ARN: "arn:aws:iam::111122223333:group/devs", Path: "/"}}},
		Roles: []*Role{{Identity: Identity{Name: "ci", ARN: "arn:aws:iam::111122223333:role/ci", Path: "/"},
			Trust: livePolicy(t, "trust policy of role/ci", "arn:aws:iam::111122223333:role/ci#trust", trustPolicy)}},
		Policies: []*ManagedPolicy{{Name: "boundary", ARN: "arn:aws:iam::111122223333:policy/boundary", VersionID: "v1",
			Default: livePolicy(t, "arn:aws:iam::111122223333:policy/boundary", "arn:aws:iam::111122223333:policy/boundary#v1", identityPolicy)}},
	}
	return e
}

// Two inputs that describe one account's IAM (two snapshots of the account,
// collected region by region) describe each user, group, role and managed
// policy once: each was listed twice, and its findings reported twice. One
// they describe differently is judged as the first input has it, and a
// conflict gap says so.
func TestMergeIAM(t *testing.T) {
	const otherPolicy = `{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"ecr:BatchGetImage","Resource":"*"}}`
	for _, tc := range []struct {
		name, second string
		conflict     bool
	}{
		{"same", identityPolicy, false},
		{"same, written otherwise", `{"Statement": [{"Resource": "*", "Action": ["ecr:*"], "Effect": "Allow"}], "Version": "2012-10-17"}`, false},
		{"different", otherPolicy, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := iamInput(t, identityPolicy)
			e.Merge(iamInput(t, tc.second))
			m := e.Lookup(mergeAccount).IAM
			if len(m.Users) != 1 || len(m.Groups) != 1 || len(m.Roles) != 1 || len(m.Policies) != 1 {
				t.Fatalf("%d users, %d groups, %d roles, %d policies; want one of each", len(m.Users), len(m.Groups), len(m.Roles), len(m.Policies))
			}
			if got := m.Users[0].Inline[0].Text; got != identityPolicy {
				t.Errorf("alice's inline policy is %s, want the first input's", got)
			}
			switch {
			case !tc.conflict && len(e.Gaps) > 0:
				t.Errorf("gaps %v, want none", e.Gaps)
			case tc.conflict && (len(e.Gaps) != 1 || e.Gaps[0].Code != GapConflictingInputs || e.Gaps[0].Resource != "arn:aws:iam::111122223333:user/alice"):
				t.Errorf("gaps %v, want one conflict about user alice", e.Gaps)
			}
		})
	}
}

// Two inputs that record the same gap or note (two snapshots of one
// account, collected region by region: each could not list the ECR Public
// repositories, each says who read it) record it once: each was reported
// twice, and counted twice among the inputs not assessed.
func TestMergeGapsAndNotesOnce(t *testing.T) {
	input := func(problem string) *Estate {
		e := New()
		e.AddGap(Gap{Source: "ecr-public:DescribeRepositories", Account: mergeAccount, Region: "us-east-1", Code: "AccessDeniedException", Message: "not listed",
			Problems: []policy.Problem{{Code: problem}}})
		e.AddNote(Note{Source: "sts:GetCallerIdentity", Message: "credentials are arn:aws:iam::111122223333:user/auditor"})
		return e
	}
	e := input("a")
	e.Merge(input("a"))
	if len(e.Gaps) != 1 || len(e.Notes) != 1 {
		t.Errorf("%d gaps and %d notes, want one of each: %v %v", len(e.Gaps), len(e.Notes), e.Gaps, e.Notes)
	}
	e.Merge(input("b"))
	if len(e.Gaps) != 2 {
		t.Errorf("a gap with other problems is another gap: %d gaps, want 2", len(e.Gaps))
	}
}

// A registry's replication destinations are merged once: each was added
// twice by every merge (a snapshot read as an input held each destination
// twice), and again for a second input that names it.
func TestMergeReplication(t *testing.T) {
	input := func() *Estate {
		e := New()
		e.Account(mergeAccount).Region("us-east-1").Registry.Replication = []ReplicationDestination{{Account: "444455556666", Region: "eu-west-1"}}
		return e
	}
	e := New()
	e.Merge(input())
	e.Merge(input())
	if got := e.Lookup(mergeAccount).Region("us-east-1").Registry.Replication; len(got) != 1 {
		t.Errorf("replication = %v, want the one destination", got)
	}
}
