package file

import (
	"strings"
	"testing"

	"github.com/ecrguard/ecrguard/estate"
)

// TestCreationTemplateShapes reads aws ecr describe-repository-creation-templates
// outputs (ECR API Reference, "DescribeRepositoryCreationTemplates") and
// places each malformed variant.
func TestCreationTemplateShapes(t *testing.T) {
	const policyText = `"{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":\"*\",\"Action\":\"ecr:BatchGetImage\"}]}"`
	acct := Options{Account: "111122223333", Region: "eu-west-1"}
	tests := []struct {
		name  string
		data  string
		opts  Options
		gap   string
		check func(t *testing.T, r *estate.Region)
	}{
		{name: "registry id names the account", data: `{"registryId": "444455556666", "repositoryCreationTemplates": [{"prefix": "ghcr", "appliedFor": ["PULL_THROUGH_CACHE"], "repositoryPolicy": ` + policyText + `}]}`,
			opts: acct, check: func(t *testing.T, _ *estate.Region) {}},
		{name: "no registry id: the account given", data: "{\"repositoryCreationTemplates\": [\n{\"prefix\": \"ROOT\", \"appliedFor\": [\"REPLICATION\", \"REPLICATION\"]}]}",
			opts: acct, check: func(t *testing.T, r *estate.Region) {
				tp := r.Template("ROOT")
				if tp.PolicyState != estate.NoPolicy || strings.Join(tp.AppliedFor, ",") != "REPLICATION" || tp.Source.String() != "t.json:2:1" {
					t.Errorf("template ROOT: state %d, appliedFor %v at %s", tp.PolicyState, tp.AppliedFor, tp.Source)
				}
			}},
		{name: "no registry id and no account", data: `{"repositoryCreationTemplates": []}`, gap: "t.json:1:1: no-account: describe-repository-creation-templates output names no account"},
		{name: "bad registry id", data: `{"registryId": 1, "repositoryCreationTemplates": []}`, gap: "t.json:1:16: invalid-input: registryId: expected a 12-digit account id as a string, got the number 1"},
		{name: "missing prefix", data: "{\"registryId\": \"111122223333\", \"repositoryCreationTemplates\": [\n  {\"appliedFor\": []}]}", gap: "t.json:2:3: invalid-input: repositoryCreationTemplates[0]: missing prefix"},
		{name: "appliedFor of numbers", data: `{"registryId": "111122223333", "repositoryCreationTemplates": [{"prefix": "p", "appliedFor": [1]}]}`,
			gap: "t.json:1:95: invalid-input: repositoryCreationTemplates[0].appliedFor[0]: expected a string (PULL_THROUGH_CACHE, REPLICATION or CREATE_ON_PUSH), got the number 1"},
		{name: "policy as an object", data: `{"registryId": "111122223333", "repositoryCreationTemplates": [{"prefix": "p", "repositoryPolicy": {}}]}`,
			gap: "t.json:1:100: invalid-input: repositoryCreationTemplates[0].repositoryPolicy: expected the policy document as a JSON string, got object"},
		{name: "policy that does not decode", data: `{"registryId": "111122223333", "repositoryCreationTemplates": [{"prefix": "p", "repositoryPolicy": "{\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":\"*\",\"Action\":\"ecr:BatchGetImage\",\"Resourse\":\"*\"}]}"}]}`,
			opts: acct, gap: "(arn:aws:ecr:eu-west-1:111122223333:repository-creation-template/p): parse-error", check: func(t *testing.T, r *estate.Region) {
				if st := r.Template("p").PolicyState; st != estate.Unread {
					t.Errorf("template p: state %d, want unread", st)
				}
			}},
		{name: "truncated", data: `{"registryId": "111122223333", "repositoryCreationTemplates": [], "nextToken": "eyJ0b2tlbiI6IDF9"}`, gap: "t.json:1:67: truncated: describe-repository-creation-templates output is truncated"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := loadMap(t, map[string]string{"t.json": tt.data}, tt.opts)
			if !checkGaps(t, e, "t.json", tt.gap) {
				t.FailNow()
			}
			if tt.check == nil {
				return
			}
			a := e.Lookup("111122223333")
			if tt.name == "registry id names the account" {
				a = e.Lookup("444455556666")
			}
			if a == nil {
				t.Fatalf("accounts %v: none read", e.Accounts())
			}
			tt.check(t, a.Region("eu-west-1"))
		})
	}
}

// TestCreationTemplateMerge: one template given by two inputs merges as a
// repository does: the same policy quietly (their appliedFor joined), a
// different one as a conflict.
func TestCreationTemplateMerge(t *testing.T) {
	out := func(policy, applied string) string {
		return `{"registryId": "111122223333", "repositoryCreationTemplates": [{"prefix": "hub", "appliedFor": ["` + applied + `"], "repositoryPolicy": "` + policy + `"}]}`
	}
	const a = `{\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":\"*\",\"Action\":\"ecr:BatchGetImage\"}]}`
	const b = `{\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":{\"AWS\":\"444455556666\"},\"Action\":\"ecr:BatchGetImage\"}]}`
	e := loadMap(t, map[string]string{"a.json": out(a, "PULL_THROUGH_CACHE"), "b.json": out(a, "CREATE_ON_PUSH")}, Options{})
	tp := e.Lookup("111122223333").Region("").Template("hub")
	if len(e.Gaps) != 0 || strings.Join(tp.AppliedFor, ",") != "CREATE_ON_PUSH,PULL_THROUGH_CACHE" || tp.Source.File != "a.json" {
		t.Errorf("same policy: gaps %v, appliedFor %v, source %s", e.Gaps, tp.AppliedFor, tp.Source)
	}
	e = loadMap(t, map[string]string{"a.json": out(a, "PULL_THROUGH_CACHE"), "b.json": out(b, "PULL_THROUGH_CACHE")}, Options{})
	if len(e.Gaps) != 1 || e.Gaps[0].Code != estate.GapConflictingInputs || !strings.Contains(e.Gaps[0].Message, "repository creation template hub") {
		t.Errorf("different policies: gaps %v, want one conflict", e.Gaps)
	}
}

// TestPublicShapes reads ECR Public's outputs (ECR Public API Reference,
// "DescribeRepositories" and "GetRepositoryPolicy") and places each
// malformed variant.
func TestPublicShapes(t *testing.T) {
	const noPolicy = "An error occurred (RepositoryPolicyNotFoundException) when calling the GetRepositoryPolicy operation: Repository policy does not exist for the repository with name 'tools' in the registry with id '111122223333'"
	const policyOut = `{"registryId": "111122223333", "repositoryName": "tools", "policyText": "{\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":\"*\",\"Action\":\"ecr-public:PutImage\"}]}"}`
	tests := []struct {
		name, file, data string
		opts             Options
		gap              string
		// state is the policy state of public repository tools of
		// 111122223333 (when gap is "").
		state estate.PolicyState
	}{
		{name: "describe-repositories by URI", file: "r.json", data: `{"repositories": [{"registryId": "111122223333", "repositoryName": "tools", "repositoryUri": "public.ecr.aws/a1b2c3d4/tools"}]}`, state: estate.Unread},
		{name: "ARN of another repository", file: "r.json", data: `{"repositories": [{"repositoryArn": "arn:aws:ecr-public::111122223333:repository/web", "repositoryName": "tools"}]}`,
			gap: `r.json:1:37: invalid-input: repositories[0].repositoryArn: names repository "web", but repositoryName is "tools"`},
		{name: "ARN and registry id disagree", file: "r.json", data: `{"repositories": [{"repositoryArn": "arn:aws:ecr-public::111122223333:repository/tools", "registryId": "444455556666", "repositoryName": "tools"}]}`,
			gap: "repositoryArn: names account 111122223333, but registryId is 444455556666"},
		{name: "URI without an account", file: "r.json", data: `{"repositories": [{"repositoryName": "tools", "repositoryUri": "public.ecr.aws/a1b2c3d4/tools"}]}`,
			gap: "r.json:1:19: invalid-input: repositories[0]: names no account"},
		{name: "policy output by file name", file: "tools.public-policy.json", data: policyOut, state: estate.HasPolicy},
		{name: "policy output in a folder ecr-public", file: "ecr-public/x.json", data: policyOut, state: estate.HasPolicy},
		{name: "policy output without a repository", file: "tools.public-policy.json", data: `{"registryId": "111122223333", "policyText": "{}"}`,
			gap: "tools.public-policy.json:1:1: invalid-input: aws ecr-public get-repository-policy output (tools.public-policy.json holds ECR Public policies by its name): the top-level object: missing repositoryName"},
		{name: "policy that does not decode", file: "tools.public-policy.json", data: `{"registryId": "111122223333", "repositoryName": "tools", "policyText": "{\"Statement\": 1}"}`,
			gap: "(arn:aws:ecr-public::111122223333:repository/tools): parse-error"},
		{name: "no policy", file: "ecr-public/tools.json", data: noPolicy, state: estate.NoPolicy},
		{name: "no policy, the repository named by the file", file: "tools.public-policy.json", data: "An error occurred (RepositoryPolicyNotFoundException) when calling the GetRepositoryPolicy operation: Repository policy does not exist",
			opts: Options{Account: "111122223333"}, state: estate.NoPolicy},
		{name: "no policy and no account", file: "tools.public-policy.json", data: "An error occurred (RepositoryPolicyNotFoundException) when calling the GetRepositoryPolicy operation: no policy",
			gap: `tools.public-policy.json:1:1: no-account: the AWS CLI's answer that ECR Public repository "tools" has no policy names no account`},
		{name: "access denied names the public repository", file: "ecr-public/tools.json", data: "An error occurred (AccessDeniedException) when calling the GetRepositoryPolicy operation: not authorized for the repository with name 'tools' in the registry with id '111122223333'",
			gap: "(arn:aws:ecr-public::111122223333:repository/tools): AccessDeniedException"},
		{name: "raw policy", file: "ecr-public/tools.json", data: `{"Statement":[{"Effect":"Allow","Principal":"*","Action":"ecr-public:PutImage"}]}`, opts: Options{Account: "111122223333"}, state: estate.HasPolicy},
		{name: "raw policy without an account", file: "tools.public-policy.json", data: `{"Statement":[{"Effect":"Allow","Principal":"*","Action":"ecr-public:PutImage"}]}`,
			gap: `tools.public-policy.json:1:1: no-account: raw policy of ECR Public repository "tools" names no account`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := loadMap(t, map[string]string{tt.file: tt.data}, tt.opts)
			if !checkGaps(t, e, tt.file, tt.gap) || tt.gap != "" {
				return
			}
			a := e.Lookup("111122223333")
			if a == nil || len(a.Public) != 1 || a.Public[0].Name != "tools" || a.Public[0].PolicyState != tt.state {
				t.Fatalf("public repositories %+v, want tools in state %d", a, tt.state)
			}
			if p := a.Public[0]; p.ARN != "arn:aws:ecr-public::111122223333:repository/tools" || !p.Source.IsValid() {
				t.Errorf("tools: ARN %s, source %s", p.ARN, p.Source)
			}
			if len(a.Regions()) != 0 {
				t.Errorf("a private registry was read too: %v", a.Regions())
			}
		})
	}
}

// TestPublicMerge: an ECR Public repository given by several inputs
// merges as a private one does, and a raw policy named by its file takes
// the name another input knows the repository by.
func TestPublicMerge(t *testing.T) {
	const list = `{"repositories": [{"repositoryArn": "arn:aws:ecr-public::111122223333:repository/tools", "repositoryName": "tools"}]}`
	const allow = `{"Statement":[{"Effect":"Allow","Principal":"*","Action":"ecr-public:PutImage"}]}`
	const noPolicy = "An error occurred (RepositoryPolicyNotFoundException) when calling the GetRepositoryPolicy operation: Repository policy does not exist for the repository with name 'tools' in the registry with id '111122223333'"
	acct := Options{Account: "111122223333"}
	e := loadMap(t, map[string]string{"list.json": list, "exports/tools.public-policy.json": allow}, acct)
	a := e.Lookup("111122223333")
	if len(e.Gaps) != 0 || len(a.Public) != 1 || a.Public[0].PolicyState != estate.HasPolicy || a.Public[0].Source.File != "list.json" {
		t.Fatalf("gaps %v, public %+v: want tools, listed, with the policy of exports/tools.public-policy.json", e.Gaps, a.Public)
	}
	e = loadMap(t, map[string]string{"a.public-policy.json": noPolicy, "ecr-public/tools.json": allow, "list.json": list}, acct)
	a = e.Lookup("111122223333")
	if len(a.Public) != 1 || len(e.Gaps) != 1 || e.Gaps[0].Code != estate.GapConflictingInputs || a.Public[0].PolicyState != estate.HasPolicy {
		t.Errorf("no policy against a policy: gaps %v, public %+v: want one conflict, the policy judged", e.Gaps, a.Public)
	}
}

// TestLevels checks the SCP and RCP levels of scps/ and rcps/ folders
// (README, "Scan your files"): numbered folders are levels by their number, root first.
// TestOrgFoldersInAnyCase: a folder SCPs/ or RCPs/ is the folder of raw SCPs
// or RCPs as scps/ and rcps/ are: read otherwise, an SCP that allows
// everything was an identity policy granting everything to whoever it is
// attached to, and an RCP's Deny a phantom repository's policy.
func TestOrgFoldersInAnyCase(t *testing.T) {
	e := loadMap(t, map[string]string{
		"SCPs/1-Root/full.json": `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}`,
		"RCPs/perimeter.json":   `{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Principal":"*","Action":"ecr:*","Resource":"*"}]}`,
	}, Options{Account: "111122223333"})
	a := e.Lookup("111122223333")
	if len(e.Gaps) != 0 || len(a.SCPs) != 1 || len(a.RCPs) != 1 || len(a.Detached) != 0 || len(a.Regions()) != 0 {
		t.Errorf("gaps %v, SCPs %v, RCPs %v, identity policies %v, regions %v: want one SCP level and one RCP level", e.Gaps, a.SCPs, a.RCPs, a.Detached, a.Regions())
	}
}

func TestLevels(t *testing.T) {
	const deny = `{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"ecr:PutImage","Resource":"*"}]}`
	const rcp = `{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Principal":"*","Action":"ecr:*","Resource":"*"}]}`
	e := loadMap(t, map[string]string{
		"org/scps/10-account/a.json": deny, "org/scps/2-ou-prod/b.json": deny, "org/scps/1-root/c.json": deny,
		"org/rcps/1-root/r.json": rcp, "org/rcps/1-root/s.json": rcp,
	}, Options{Account: "111122223333"})
	if len(e.Gaps) != 0 {
		t.Fatalf("gaps %v", e.Gaps)
	}
	a := e.Lookup("111122223333")
	var got []string
	for _, p := range a.SCPs {
		got = append(got, p.Source.File)
	}
	if strings.Join(got, " ") != "org/scps/1-root/c.json org/scps/2-ou-prod/b.json org/scps/10-account/a.json" {
		t.Errorf("SCP levels in order %v, want root first, by number", got)
	}
	if !a.RCPsKnown || len(a.RCPs) != 1 || len(a.RCPs[0].Doc.Statements) != 2 || !strings.Contains(a.RCPs[0].Name, "(r.json, s.json)") {
		t.Errorf("RCPs %+v: want one level of both documents", a.RCPs)
	}
	// RCPFullAWSAccess is implied by the analysis: the reader adds nothing.
	for _, s := range a.RCPs[0].Doc.Statements {
		if s.Effect != 1 {
			t.Errorf("RCP statement %s is not the Deny read", s.Label())
		}
	}
	if len(e.Notes) != 3 {
		t.Errorf("notes %v, want one FullAWSAccess note per SCP level", e.Notes)
	}
}

func TestLevelNumber(t *testing.T) {
	for dir, want := range map[string]int{"1-root": 1, "02_prod": 2, "3": 3, "10-account": 10, "v1": -1, "1root": -1, "": -1, "1234567-x": -1} {
		n, ok := levelNumber(dir)
		if !ok {
			n = -1
		}
		if n != want {
			t.Errorf("levelNumber(%q) = %d, want %d", dir, n, want)
		}
	}
}
