package file

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/ecrguard/ecrguard/estate"
	"github.com/ecrguard/ecrguard/internal/conformance"
	"github.com/ecrguard/ecrguard/internal/golden"
	"github.com/ecrguard/ecrguard/internal/jsonpos"
	"github.com/ecrguard/ecrguard/policy"
)

// TestGolden loads fixtures of every shape and compares the estate, gaps and
// notes with testdata/golden/NAME.txt (go test -update rewrites them).
func TestGolden(t *testing.T) {
	acct := Options{Account: "111122223333"}
	tests := []struct {
		name  string
		roots []string
		opts  Options
	}{
		// Good files load; the malformed ones beside them are gaps with
		// file:line:col; IaC, hidden and non-JSON files are skipped with notes.
		{"mixed", []string{"mixed"}, acct},
		// Raw repository and identity policies need an account.
		{"mixed-no-account", []string{"mixed/app.json", "mixed/ci-push.json", "mixed/scps"}, Options{}},
		{"ecr-outputs", []string{"ecr"}, acct},
		{"ecr-outputs-other-region", []string{"ecr/get-repository-policy.json", "ecr/account-setting.json"}, Options{Account: "111122223333", Region: "eu-west-1"}},
		{"authorization-details", []string{"iam/authorization-details.json"}, Options{}},
		{"urlencoded", []string{"iam/urlencoded.json"}, Options{}},
		{"missing-policies", []string{"iam/missing-policies.json"}, Options{}},
		{"truncated", []string{"iam/truncated.json"}, Options{}},
		{"organizations", []string{"orgs"}, acct},
		{"organizations-no-account", []string{"orgs/describe-policy-scp.json"}, Options{}},
		// scps/ and rcps/ folders: numbered folders are levels from the
		// root down; the documents of a level are one policy; an SCP
		// level with no Allow gets FullAWSAccess, with a note.
		{"levels", []string{"levels"}, acct},
		// Folders laid out two ways, a folder that is not a level, and
		// documents of one level whose Versions read variables apart.
		{"levels-bad", []string{"levels-bad"}, acct},
		{"templates", []string{"templates"}, Options{Account: "111122223333", Region: "eu-west-1"}},
		{"public", []string{"public"}, acct},
		{"other-readers", []string{"iac"}, acct},
		// A root that is not JSON is named in its note.
		{"non-json-roots", []string{"mixed/main.tf", "mixed/README.md"}, acct},
		// Overlapping roots read each file once.
		{"overlap", []string{"ecr", "ecr/get-repository-policy.json"}, acct},
	}
	fsys := os.DirFS("testdata")
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e, err := Load(context.Background(), fsys, tt.roots, tt.opts)
			if err != nil {
				t.Fatal(err)
			}
			got := dump(e)
			// Twice: the output must not depend on anything but the input.
			e2, _ := Load(context.Background(), fsys, tt.roots, tt.opts)
			if again := dump(e2); again != got {
				t.Fatalf("two loads differ:\n%s\n---\n%s", got, again)
			}
			golden.Check(t, filepath.Join("testdata", "golden", tt.name+".txt"), got)
		})
	}
}

func TestRootErrors(t *testing.T) {
	fsys := fstest.MapFS{"a.json": {Data: []byte(`{}`)}}
	// A root that does not exist is a gap; the other roots are read.
	for _, root := range []string{"missing", "missing/x.json"} {
		e, err := Load(context.Background(), fsys, []string{root, "a.json"}, Options{})
		if err != nil {
			t.Fatalf("Load(%q) = %v, want a gap", root, err)
		}
		if g := gapsOf(e, root); len(g) != 1 || !strings.Contains(g[0], "no such file or folder") {
			t.Errorf("Load(%q): gaps %q, want one that says it does not exist", root, g)
		}
		// a.json, named and of no known shape, was read: it is a gap.
		if g := gapsOf(e, "a.json"); len(g) != 1 {
			t.Errorf("Load(%q): a.json was not read (gaps on it %q, want one)", root, g)
		}
	}
	if _, err := Load(context.Background(), fsys, []string{"/abs"}, Options{}); err == nil {
		t.Error("Load of an invalid fs path: no error")
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := Load(ctx, fsys, []string{"."}, Options{}); !errors.Is(err, context.Canceled) {
		t.Errorf("Load with a cancelled context = %v, want context.Canceled", err)
	}
}

// gapAt finds the gap of file and returns it as text.
func gapsOf(e *estate.Estate, file string) []string {
	var out []string
	for _, g := range e.Gaps {
		if g.Source == file {
			out = append(out, g.String())
		}
	}
	return out
}

// checkGaps reports whether file has no gap (want "") or exactly one, which
// contains want; when not, the test fails.
func checkGaps(t *testing.T, e *estate.Estate, file, want string) bool {
	t.Helper()
	gaps := gapsOf(e, file)
	switch {
	case want == "" && len(gaps) > 0:
		t.Errorf("unexpected gaps: %q", gaps)
	case want != "" && (len(gaps) != 1 || !strings.Contains(gaps[0], want)):
		t.Errorf("gaps = %q, want one containing %q", gaps, want)
	default:
		return true
	}
	return false
}

// TestShapes checks each shape's detection and the position and message of
// each malformed variant.
func TestShapes(t *testing.T) {
	tests := []struct {
		name string
		file string
		data string
		opts Options
		// gap is a substring of the file's only gap ("" = no gap); check
		// inspects the estate.
		gap   string
		note  string
		check func(t *testing.T, e *estate.Estate)
	}{
		{
			name: "repository policy",
			file: "app.json",
			data: `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::444455556666:root"},"Action":"ecr:*"}]}`,
			opts: Options{Account: "111122223333", Region: "eu-west-1"},
			check: func(t *testing.T, e *estate.Estate) {
				repo := e.Lookup("111122223333").Region("eu-west-1").Repository("app")
				if repo.PolicyState != estate.HasPolicy || repo.ARN != "arn:aws:ecr:eu-west-1:111122223333:repository/app" {
					t.Errorf("repository = %+v", repo)
				}
			},
		},
		{
			name: "identity policy",
			file: "id.json",
			data: `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"ecr:*","Resource":"*"}]}`,
			opts: Options{Account: "111122223333"},
			check: func(t *testing.T, e *estate.Estate) {
				if d := e.Lookup("111122223333").Detached; len(d) != 1 || d[0].Name != "identity policy id.json" {
					t.Errorf("detached = %+v", d)
				}
			},
		},
		{
			name: "scp folder",
			file: "org/scps/x.json",
			data: `{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"ecr:*","Resource":"*"}]}`,
			opts: Options{Account: "111122223333"},
			check: func(t *testing.T, e *estate.Estate) {
				a := e.Lookup("111122223333")
				if !a.SCPsKnown || len(a.SCPs) != 1 {
					t.Errorf("SCPs = %v %v", a.SCPsKnown, a.SCPs)
				}
			},
		},
		{
			name: "scp with principal",
			file: "scps/x.json",
			data: "{\"Statement\":[{\"Effect\":\"Deny\",\n\"Principal\":\"*\",\"Action\":\"ecr:*\"}]}",
			opts: Options{Account: "111122223333"},
			gap:  `scps/x.json:2:13: parse-error: SCP scps/x.json: Statement[0]: an SCP cannot have Principal or NotPrincipal`,
		},
		{
			// The AWS CLI with --max-items drops IsTruncated and writes
			// NextToken.
			name: "authorization details with NextToken",
			file: "authz.json",
			data: "{\"UserDetailList\": [{\"UserName\": \"u\", \"Arn\": \"arn:aws:iam::111122223333:user/u\"}],\n  \"NextToken\": \"eyJNYXJrZXIiOiBudWxsfQ==\"}",
			gap:  "authz.json:2:3: truncated: authorization details of account 111122223333 are truncated (it has a NextToken; read from authz.json)",
		},
		{
			name: "authorization details with Marker",
			file: "authz.json",
			data: "{\"Policies\": [],\n \"Marker\": \"AAA\"}",
			opts: Options{Account: "111122223333"},
			gap:  "authz.json:2:2: truncated: authorization details of account 111122223333 are truncated (it has a Marker;",
		},
		{
			name: "authorization details, last page",
			file: "authz.json",
			data: `{"UserDetailList": [{"UserName": "u", "Arn": "arn:aws:iam::111122223333:user/u"}], "IsTruncated": false, "Marker": null, "NextToken": ""}`,
		},
		{
			name: "describe-repositories with nextToken",
			file: "repos.json",
			data: "{\"repositories\": [{\"repositoryName\": \"app\", \"repositoryArn\": \"arn:aws:ecr:us-east-1:111122223333:repository/app\"}],\n\"nextToken\": \"abc\"}",
			gap:  "repos.json:2:1: truncated: describe-repositories output is truncated (it has a nextToken): the file holds only the first page",
			check: func(t *testing.T, e *estate.Estate) {
				if r := e.Lookup("111122223333").Region("").Repository("app"); !r.InInventory {
					t.Errorf("the first page was not read: %+v", r)
				}
			},
		},
		{
			name: "describe-repositories with NextToken",
			file: "repos.json",
			data: "{\"repositories\": [],\n\"NextToken\": \"abc\"}",
			gap:  "repos.json:2:1: truncated: describe-repositories output is truncated (it has a NextToken)",
		},
		{
			// aws ecr get-repository-policy --query policyText: the policy
			// as a JSON string, positioned in the file.
			name: "policy as a JSON string",
			file: "app.json",
			data: `"{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":\"*\",\"Action\":\"ecr:*\"}]}"`,
			opts: Options{Account: "111122223333"},
			check: func(t *testing.T, e *estate.Estate) {
				repo := e.Lookup("111122223333").Region("").Repository("app")
				if repo.PolicyState != estate.HasPolicy {
					t.Fatalf("repository = %+v", repo)
				}
				// The statement's '{' is at column 45 (escapes count in the file).
				if p, s := repo.Policy.Source.String(), repo.Policy.Doc.Statements[0].Pos.String(); p != "app.json:1:2" || s != "app.json:1:45" {
					t.Errorf("positions: document %s, statement %s; want app.json:1:2 and app.json:1:45", p, s)
				}
			},
		},
		{
			name: "JSON string that is not a policy",
			file: "x.json",
			data: `"{\"Statement\": 7}"`,
			opts: Options{Account: "111122223333"},
			gap:  "x.json:1:18: parse-error: the file holds a JSON string (as aws ecr get-repository-policy --query policyText writes a policy), but its content is not a policy document: ",
		},
		{
			name: "statement missing",
			file: "p.json",
			data: "{\n  \"Version\": \"2012-10-17\"\n}",
			opts: Options{Account: "111122223333"},
			gap:  "p.json:1:1: parse-error: policy document: missing the Statement element",
		},
		{
			// Element names are case-sensitive: AWS rejects this policy
			// (MalformedPolicyDocument), so it is an invalid policy, as one
			// with a single misspelt element is, not a file of no known
			// shape that only a note mentions.
			name: "policy with element names in lower case",
			file: "app.json",
			data: "{\"version\": \"2012-10-17\",\n \"statement\": [{\"effect\": \"Allow\", \"principal\": \"*\", \"action\": \"ecr:*\"}]}",
			opts: Options{Account: "111122223333"},
			gap:  `app.json:1:2: parse-error: policy document: unknown element "version" (did you mean "Version"?`,
		},
		{
			name: "wrong principal type",
			file: "p.json",
			data: "{\"Version\": \"2012-10-17\", \"Statement\": {\"Effect\": \"Allow\",\n   \"Principal\": 7, \"Action\": \"ecr:*\"}}",
			opts: Options{Account: "111122223333"},
			gap:  `p.json:2:17: parse-error: Principal: expected "*" or an object of principal kinds, got number`,
		},
		{
			name: "syntax error",
			file: "p.json",
			data: "{\n  \"Version\": \"2012-10-17\",\n  \"Statement\": [\n}",
			gap:  "p.json:4:1: parse-error: invalid JSON: unexpected '}', expected a value",
		},
		{
			name: "policyText not a string",
			file: "r.json",
			data: "{\"registryId\": \"111122223333\", \"repositoryName\": \"app\",\n \"policyText\": {}}",
			gap:  "r.json:2:16: invalid-input: policyText: expected the policy document as a JSON string, got object",
		},
		{
			name: "registryId not an account",
			file: "r.json",
			data: `{"registryId": 111122223333, "policyText": "{}"}`,
			gap:  "r.json:1:16: invalid-input: registryId: expected a 12-digit account id as a string, got the number 111122223333",
		},
		{
			name: "broken policyText points into the outer file",
			file: "r.json",
			data: "{\"registryId\": \"111122223333\", \"repositoryName\": \"app\",\n  \"policyText\": \"{\\\"Version\\\":\\\"2012-10-17\\\",\\\"Statement\\\":[{\\\"Effect\\\":\\\"Alow\\\"}]}\"}",
			gap:  `r.json:2:73 (arn:aws:ecr:us-east-1:111122223333:repository/app): parse-error: Effect: expected "Allow" or "Deny" (case-sensitive), got "Alow"`,
		},
		{
			name: "registry policy",
			file: "reg.json",
			data: `{"registryId": "111122223333", "policyText": "{\"Version\":\"2012-10-17\",\"Statement\":[]}"}`,
			check: func(t *testing.T, e *estate.Estate) {
				reg := e.Lookup("111122223333").Region(estate.DefaultRegion).Registry
				if reg.PolicyState != estate.HasPolicy {
					t.Errorf("registry = %+v", reg)
				}
			},
		},
		{
			name: "scope",
			file: "s.json",
			data: `{"name": "REGISTRY_POLICY_SCOPE", "value": "V1"}`,
			opts: Options{Account: "111122223333"},
			check: func(t *testing.T, e *estate.Estate) {
				if s := e.Lookup("111122223333").Region("").Registry.Scope; s != "V1" {
					t.Errorf("scope = %q", s)
				}
			},
		},
		{
			name: "bad scope",
			file: "s.json",
			data: `{"name": "REGISTRY_POLICY_SCOPE", "value": "V3"}`,
			opts: Options{Account: "111122223333"},
			gap:  `s.json:1:44: invalid-input: value: expected "V1" or "V2" for REGISTRY_POLICY_SCOPE, got "V3"`,
		},
		{
			name: "scope without account",
			file: "s.json",
			data: `{"name": "REGISTRY_POLICY_SCOPE", "value": "V2"}`,
			gap:  "no-account: REGISTRY_POLICY_SCOPE setting names no account",
		},
		{
			name: "other account setting",
			file: "s.json",
			data: `{"name": "BASIC_SCAN_TYPE_VERSION", "value": "AWS_NATIVE"}`,
			note: "account setting BASIC_SCAN_TYPE_VERSION is not one ecrguard uses",
		},
		{
			name: "tags by path",
			file: "alice/tools.tags.json",
			data: `{"tags": [{"Key": "team", "Value": "alice"}]}`,
			opts: Options{Account: "111122223333"},
			check: func(t *testing.T, e *estate.Estate) {
				repo := e.Lookup("111122223333").Region("").Repository("alice/tools")
				if !repo.TagsKnown || repo.Tags["team"] != "alice" {
					t.Errorf("repository = %+v", repo)
				}
			},
		},
		{
			name: "empty tags",
			file: "app.tags.json",
			data: `{"tags": []}`,
			opts: Options{Account: "111122223333"},
			check: func(t *testing.T, e *estate.Estate) {
				repo := e.Lookup("111122223333").Region("").Repository("app")
				if !repo.TagsKnown || repo.Tags == nil || len(repo.Tags) != 0 {
					t.Errorf("repository = %+v", repo)
				}
			},
		},
		{
			name: "tags not named NAME.tags.json",
			file: "tags.json",
			data: `{"tags": [{"Key": "team", "Value": "alice"}]}`,
			opts: Options{Account: "111122223333"},
			gap:  "must be in a file named REPOSITORY.tags.json",
		},
		{
			name: "tags of another shape",
			file: "tags.json",
			data: `{"tags": ["a", "b"]}`,
			note: "tags.json (JSON with tags that are not a list",
		},
		{
			name: "malformed tag",
			file: "app.tags.json",
			data: `{"tags": [{"Key": "team", "Value": 3}]}`,
			opts: Options{Account: "111122223333"},
			gap:  "app.tags.json:1:36: invalid-input: tags[0].Value: expected a string, got number",
		},
		{
			name: "describe-repositories without account",
			file: "d.json",
			data: `{"repositories": [{"repositoryName": "app"}]}`,
			gap:  "d.json:1:19: invalid-input: repositories[0]: names no account",
		},
		{
			name: "describe-repositories not an array",
			file: "d.json",
			data: `{"repositories": {}}`,
			gap:  "d.json:1:18: invalid-input: repositories: expected an array, got object",
		},
		{
			name: "describe-repositories region from the ARN",
			file: "d.json",
			data: `{"repositories": [{"repositoryName": "app", "repositoryArn": "arn:aws:ecr:ap-south-1:111122223333:repository/app"}]}`,
			check: func(t *testing.T, e *estate.Estate) {
				repo := e.Lookup("111122223333").Region("ap-south-1").Repository("app")
				if !repo.InInventory || repo.PolicyState != estate.Unread {
					t.Errorf("repository = %+v", repo)
				}
			},
		},
		{
			name: "describe-policy content not a string",
			file: "scp.json",
			data: `{"Policy": {"PolicySummary": {"Type": "SERVICE_CONTROL_POLICY"}, "Content": {}}}`,
			opts: Options{Account: "111122223333"},
			gap:  "scp.json:1:77: invalid-input: Policy.Content: expected the policy document as a JSON string, got object",
		},
		{
			name: "resource control policy",
			file: "rcp.json",
			data: `{"Policy": {"PolicySummary": {"Id": "p-rcp1", "Type": "RESOURCE_CONTROL_POLICY"}, "Content": "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Deny\",\"Principal\":\"*\",\"Action\":\"ecr:*\",\"Resource\":\"*\",\"Condition\":{\"Bool\":{\"aws:SecureTransport\":\"false\"}}}]}"}}`,
			opts: Options{Account: "111122223333"},
			check: func(t *testing.T, e *estate.Estate) {
				a := e.Lookup("111122223333")
				if !a.RCPsKnown || len(a.RCPs) != 1 || a.RCPs[0].Name != "RCP p-rcp1" || len(a.RCPs[0].Doc.Statements) != 1 {
					t.Errorf("RCPs = %v %+v, want RCP p-rcp1 as written", a.RCPsKnown, a.RCPs)
				}
			},
		},
		{
			name: "resource control policy with no account",
			file: "rcp.json",
			data: `{"Policy": {"PolicySummary": {"Type": "RESOURCE_CONTROL_POLICY"}, "Content": "{\"Statement\":[]}"}}`,
			gap:  "rcp.json:1:79: no-account: RCP rcp.json applies to no known account",
		},
		{
			name: "snapshot missing keys",
			file: "snap.json",
			data: `{"ecrguard_snapshot": 1}`,
			gap:  `snap.json:1:1: invalid-input: ecrguard snapshot: snapshot: missing key "ecrguard_version"`,
		},
		{
			name: "snapshot of a newer format",
			file: "snap.json",
			data: `{"ecrguard_snapshot": 3}`,
			gap:  "snap.json:1:23: invalid-input: ecrguard snapshot: snapshot format 3 is newer than this ecrguard reads (2); upgrade ecrguard",
		},
		{
			name: "terraform plan",
			file: "plan.json",
			data: `{"format_version": "1.2", "resource_changes": []}`,
			note: "Terraform plan",
		},
		{
			name: "cloudformation",
			file: "cfn.json",
			data: `{"AWSTemplateFormatVersion": "2010-09-09", "Resources": {}}`,
			note: "CloudFormation template",
		},
		{
			name: "unrelated JSON",
			file: "package.json",
			data: `{"name": "x", "version": "1.0.0"}`,
			note: "package.json (JSON with none of the shapes ecrguard reads",
		},
		{
			name: "authorization details without account",
			file: "a.json",
			data: `{"UserDetailList": [], "IsTruncated": false}`,
			gap:  "no-account: authorization details with no user",
		},
		{
			name: "authorization details with account option",
			file: "a.json",
			data: `{"UserDetailList": [], "IsTruncated": false}`,
			opts: Options{Account: "111122223333"},
			check: func(t *testing.T, e *estate.Estate) {
				if e.Lookup("111122223333").IAM == nil {
					t.Error("IAM not set")
				}
			},
		},
		{
			name: "authorization details list of wrong type",
			file: "a.json",
			data: `{"UserDetailList": {}, "RoleDetailList": []}`,
			opts: Options{Account: "111122223333"},
			gap:  "a.json:1:20: invalid-input: UserDetailList: expected an array, got object",
		},
		{
			name: "user with a bad ARN",
			file: "a.json",
			data: `{"UserDetailList": [{"UserName": "x", "Arn": "arn:aws:iam::1:user/x"}]}`,
			opts: Options{Account: "111122223333"},
			gap:  `a.json:1:46 (arn:aws:iam::1:user/x): invalid-input: UserDetailList[0].Arn: expected a 12-digit account id in "arn:aws:iam::1:user/x"`,
		},
		{
			name: "inline document of wrong type",
			file: "a.json",
			data: `{"RoleDetailList": [{"RoleName": "r", "Arn": "arn:aws:iam::111122223333:role/r", "RolePolicyList": [{"PolicyName": "P", "PolicyDocument": 5}]}]}`,
			gap:  "a.json:1:139 (arn:aws:iam::111122223333:role/r): parse-error: inline policy P of role/r: PolicyDocument: expected a policy document",
		},
		{
			name: "bad URL encoding",
			file: "a.json",
			data: `{"RoleDetailList": [{"RoleName": "r", "Arn": "arn:aws:iam::111122223333:role/r", "RolePolicyList": [{"PolicyName": "P", "PolicyDocument": "%7B%2"}]}]}`,
			gap:  "a.json:1:143 (arn:aws:iam::111122223333:role/r): parse-error: inline policy P of role/r: invalid URL encoding",
		},
		{
			name: "managed policy without default version",
			file: "a.json",
			data: `{"Policies": [{"PolicyName": "P", "Arn": "arn:aws:iam::111122223333:policy/P", "PolicyVersionList": [{"VersionId": "v1", "IsDefaultVersion": false, "Document": {}}]}]}`,
			gap:  "a.json:1:15 (arn:aws:iam::111122223333:policy/P): invalid-input: Policies[0]: no default version of arn:aws:iam::111122223333:policy/P",
		},
		{
			name: "default version chosen by DefaultVersionId",
			file: "a.json",
			data: `{"Policies": [{"PolicyName": "P", "Arn": "arn:aws:iam::111122223333:policy/P", "DefaultVersionId": "v2", "PolicyVersionList": [{"VersionId": "v1", "Document": "%7Bbad"}, {"VersionId": "v2", "Document": {"Statement": []}}]}]}`,
			check: func(t *testing.T, e *estate.Estate) {
				if p := e.Lookup("111122223333").IAM.Policies; len(p) != 1 || p[0].VersionID != "v2" {
					t.Errorf("policies = %+v", p)
				}
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := loadMap(t, map[string]string{tt.file: tt.data}, tt.opts)
			checkGaps(t, e, tt.file, tt.gap)
			if tt.note != "" {
				found := false
				for _, n := range e.Notes {
					found = found || strings.Contains(n.Message, tt.note)
				}
				if !found {
					t.Errorf("notes = %+v, want one containing %q", e.Notes, tt.note)
				}
			}
			if tt.check != nil {
				tt.check(t, e)
			}
		})
	}
}

// TestParseGapNamesEveryProblem follows docs/rules (a policy that does
// not parse is a coverage gap, and every problem in it is named) and the IAM
// User Guide, "IAM JSON policy element reference": the gap of a policy that
// does not decode carries each of its problems, positioned in the file the
// user has, also when the policy is the policyText string of
// `aws ecr get-repository-policy` output or an inline policy of
// authorization details.
func TestParseGapNamesEveryProblem(t *testing.T) {
	tests := []struct {
		name, file, data string
		opts             Options
		want             []string
	}{
		{"raw policy", "p.json", "{\"Version\": \"2012-10-18\",\n \"Statement\": {\"Princpal\": \"*\", \"Action\": \"ecr:*\"}}", Options{Account: "111122223333"},
			[]string{"p.json:1:13 unknown-version", "p.json:2:16 unknown-element", "p.json:2:15 missing-element"}},
		{"policyText", "r.json", "{\"registryId\": \"111122223333\", \"repositoryName\": \"app\",\n  \"policyText\": \"{\\\"Version\\\":\\\"2012-10-17\\\",\\\"Statement\\\":[{\\\"Effect\\\":\\\"Alow\\\"}]}\"}", Options{},
			[]string{"r.json:2:73 invalid-effect", "r.json:2:61 missing-element"}},
		{"scp with principals", "scps/x.json", "{\"Statement\":[{\"Effect\":\"Deny\",\n\"Principal\":\"*\",\"Action\":\"ecr:*\",\"Resource\":\"*\"},\n{\"Effect\":\"Deny\",\"NotPrincipal\":{\"AWS\":\"111122223333\"},\"Action\":\"ecr:*\",\"Resource\":\"*\"}]}", Options{Account: "111122223333"},
			[]string{"scps/x.json:2:13 principal-in-scp", "scps/x.json:3:33 principal-in-scp"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e, err := Load(context.Background(), fstest.MapFS{tt.file: {Data: []byte(tt.data)}}, []string{"."}, tt.opts)
			if err != nil {
				t.Fatal(err)
			}
			if len(e.Gaps) != 1 || e.Gaps[0].Code != estate.GapParseError {
				t.Fatalf("gaps = %v, want one %s", e.Gaps, estate.GapParseError)
			}
			var got []string
			for _, p := range e.Gaps[0].Problems {
				got = append(got, fmt.Sprintf("%s %s", p.Pos, p.Code))
			}
			if strings.Join(got, ", ") != strings.Join(tt.want, ", ") {
				t.Errorf("problems\n got %v\nwant %v", got, tt.want)
			}
		})
	}
}

// TestConformanceAuthorizationDetails reads the authorization_details of
// every identity case of the conformance corpus (exactly CLI output): no
// gaps, every identity kept, every attachment resolved.
func TestConformanceAuthorizationDetails(t *testing.T) {
	conformance.Run(t, "identity", func(t *testing.T, f conformance.File) {
		var c conformance.IdentityCase
		if err := conformance.Decode(f, &c); err != nil {
			t.Fatal(err)
		}
		var lists struct {
			UserDetailList, GroupDetailList, RoleDetailList, Policies []json.RawMessage
		}
		if err := json.Unmarshal(c.AuthorizationDetails, &lists); err != nil {
			t.Fatal(err)
		}
		fsys := fstest.MapFS{"authz.json": {Data: c.AuthorizationDetails}}
		e, err := Load(context.Background(), fsys, []string{"authz.json"}, Options{})
		if err != nil {
			t.Fatal(err)
		}
		for _, g := range e.Gaps {
			t.Errorf("gap: %s", g)
		}
		a := e.Lookup(c.Account)
		if a == nil || a.IAM == nil {
			t.Fatalf("account %s has no IAM; accounts %v", c.Account, e.Accounts())
		}
		m := a.IAM
		if len(m.Users) != len(lists.UserDetailList) || len(m.Groups) != len(lists.GroupDetailList) || len(m.Roles) != len(lists.RoleDetailList) {
			t.Errorf("read %d users, %d groups, %d roles; the file has %d, %d, %d",
				len(m.Users), len(m.Groups), len(m.Roles), len(lists.UserDetailList), len(lists.GroupDetailList), len(lists.RoleDetailList))
		}
		_, policies := m.Index()
		check := func(who string, arns ...string) {
			for _, arn := range arns {
				if arn == "" {
					continue
				}
				if p := policies[arn]; p == nil || p.Default == nil || p.Default.Doc == nil {
					t.Errorf("%s: managed policy %s not resolved", who, arn)
				}
			}
		}
		for _, u := range m.Users {
			check(u.ARN, append(u.Attached, u.Boundary)...)
		}
		for _, g := range m.Groups {
			check(g.ARN, g.Attached...)
		}
		for _, r := range m.Roles {
			check(r.ARN, append(r.Attached, r.Boundary)...)
			if r.Trust == nil {
				t.Errorf("%s: no trust policy", r.ARN)
			}
		}
	})
}

// TestEmbeddedLineIndex: embedded documents decoded with the reader's shared
// line index are placed where the file's own locator places them.
func TestEmbeddedLineIndex(t *testing.T) {
	for _, name := range []string{"ecr/get-repository-policy.json", "ecr/get-registry-policy.json", "ecr/broken-policytext.json", "orgs/describe-policy-scp.json"} {
		data, err := os.ReadFile(filepath.Join("testdata", name))
		if err != nil {
			t.Fatal(err)
		}
		root, err := jsonpos.Parse(data)
		if err != nil {
			t.Fatal(err)
		}
		str := root.Get("policyText")
		if str == nil {
			str = root.Get("Policy").Get("Content")
		}
		want, wantErr := policy.ParseEmbedded(data, str.Off, policy.FileLocator(data, name), false)
		got, gotErr := policy.ParseEmbedded(data, str.Off, newLineIndex(data).locator(name), false)
		if (wantErr == nil) != (gotErr == nil) {
			t.Fatalf("%s: errors differ: %v / %v", name, gotErr, wantErr)
		}
		if wantErr != nil {
			if g, w := gotErr.(*policy.Error).Pos, wantErr.(*policy.Error).Pos; g != w {
				t.Errorf("%s: error at %s, FileLocator says %s", name, g, w)
			}
			continue
		}
		for i, s := range want.Statements {
			g := got.Statements[i]
			if g.Pos != s.Pos || len(g.Action) != len(s.Action) || g.Action[0].Pos != s.Action[0].Pos {
				t.Errorf("%s: statement %d at %s/%s, FileLocator says %s/%s", name, i, g.Pos, g.Action[0].Pos, s.Pos, s.Action[0].Pos)
			}
		}
	}
}

// TestLineIndex compares the line index with jsonpos.Lines on text mixing
// ASCII, multi-byte characters and newlines.
func TestLineIndex(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	pieces := []string{"a", "b", " ", "\n", "é", "€", "𝄞", "\"", "\r\n"}
	for n := 0; n < 50; n++ {
		var b strings.Builder
		size := r.IntN(2000)
		for b.Len() < size {
			b.WriteString(pieces[r.IntN(len(pieces))])
		}
		data := []byte(b.String())
		want := jsonpos.NewLines(data)
		got := newLineIndex(data)
		for off := 0; off <= len(data); off++ {
			if off < len(data) && isContinuation(data[off]) {
				continue // offsets are where tokens start, never inside a character
			}
			wl, wc := want.Position(off)
			gl, gc := got.position(off)
			if wl != gl || wc != gc {
				t.Fatalf("offset %d of %q: %d:%d, jsonpos says %d:%d", off, data, gl, gc, wl, wc)
			}
		}
	}
}

func TestLoadPaths(t *testing.T) {
	dir := t.TempDir()
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(os.MkdirAll(filepath.Join(dir, "scan", "alice"), 0o755))
	must(os.WriteFile(filepath.Join(dir, "scan", "alice", "tools.tags.json"), []byte(`{"tags": [{"Key": "a", "Value": "b"}]}`), 0o644))
	must(os.WriteFile(filepath.Join(dir, "scan", "bad.json"), []byte("{\n  oops\n}"), 0o644))
	must(os.WriteFile(filepath.Join(dir, "single.json"), []byte(`{"Version": "2012-10-17", "Statement": []}`), 0o644))
	root := filepath.Join(dir, "scan")
	e, err := LoadPaths(context.Background(), []string{root, filepath.Join(dir, "single.json")}, Options{Account: "111122223333"})
	must(err)
	repo := e.Lookup("111122223333").Region("").Repository("alice/tools")
	if !repo.TagsKnown || repo.Tags["a"] != "b" {
		t.Errorf("tags of alice/tools not read: %+v", repo)
	}
	if len(e.Gaps) != 1 || e.Gaps[0].Pos.File != filepath.ToSlash(filepath.Join(root, "bad.json")) || e.Gaps[0].Pos.Line != 2 || e.Gaps[0].Pos.Col != 3 {
		t.Errorf("gaps = %v, want one at %s/bad.json:2:3", e.Gaps, root)
	}
	if d := e.Lookup("111122223333").Detached; len(d) != 1 || d[0].Source.File != filepath.ToSlash(filepath.Join(dir, "single.json")) {
		t.Errorf("detached = %+v", d)
	}
	// A missing path is a gap named as typed; the other paths are read.
	nope := filepath.Join(dir, "nope")
	e, err = LoadPaths(context.Background(), []string{nope, filepath.Join(dir, "single.json")}, Options{Account: "111122223333"})
	must(err)
	if g := gapsOf(e, filepath.ToSlash(nope)); len(g) != 1 || !strings.Contains(g[0], "read-error") || !strings.Contains(g[0], "no such file or folder") {
		t.Errorf("gaps of a missing path = %q (all: %v)", g, e.Gaps)
	}
	if d := e.Lookup("111122223333").Detached; len(d) != 1 {
		t.Errorf("the path after a missing one was not read: detached = %+v", d)
	}
}

// TestPagesAndDuplicates: paginated authorization details are read as one
// (a group on page 2, a page truncated but followed by the last one), and
// a second definition of the same thing is a gap, never a silent override.
func TestPagesAndDuplicates(t *testing.T) {
	page1 := `{"UserDetailList": [{"UserName": "u", "Arn": "arn:aws:iam::111122223333:user/u", "GroupList": ["g"], "AttachedManagedPolicies": [{"PolicyName": "P", "PolicyArn": "arn:aws:iam::111122223333:policy/P"}]}], "IsTruncated": true, "Marker": "x"}`
	page2 := `{"GroupDetailList": [{"GroupName": "g", "Arn": "arn:aws:iam::111122223333:group/g"}], "Policies": [{"PolicyName": "P", "Arn": "arn:aws:iam::111122223333:policy/P", "DefaultVersionId": "v1", "PolicyVersionList": [{"VersionId": "v1", "IsDefaultVersion": true, "Document": {"Version": "2012-10-17", "Statement": []}}]}], "IsTruncated": false}`
	policyText := `{"registryId": "111122223333", "repositoryName": "app", "policyText": "{\"Statement\": []}"}`
	fsys := fstest.MapFS{
		"authz/page1.json":      {Data: []byte(page1)},
		"authz/page2.json":      {Data: []byte(page2)},
		"policies/app.json":     {Data: []byte(policyText)},
		"policies/raw/app.json": {Data: []byte(`{"Statement": [{"Effect": "Allow", "Principal": "*", "Action": "ecr:*"}]}`)},
	}
	e, err := Load(context.Background(), fsys, []string{"."}, Options{Account: "111122223333"})
	if err != nil {
		t.Fatal(err)
	}
	var gaps []string
	for _, g := range e.Gaps {
		gaps = append(gaps, g.String())
	}
	if len(gaps) != 1 || !strings.Contains(gaps[0], "policies/raw/app.json:1:1 ") || !strings.Contains(gaps[0], string(estate.GapConflictingInputs)) || !strings.Contains(gaps[0], "the analysis judges the policy at policies/app.json:1:72 and not the other") {
		t.Errorf("gaps = %q, want one conflict for policies/raw/app.json", gaps)
	}
	m := e.Lookup("111122223333").IAM
	if len(m.Users) != 1 || len(m.Groups) != 1 || len(m.Policies) != 1 || m.Source != "authz/page1.json, authz/page2.json" {
		t.Errorf("IAM = %+v", m)
	}
	if repo := e.Lookup("111122223333").Region("").Repository("app"); repo.Policy.Source.File != "policies/app.json" {
		t.Errorf("repository policy from %s, want the first read", repo.Policy.Source)
	}
	_ = estate.DefaultRegion
}
