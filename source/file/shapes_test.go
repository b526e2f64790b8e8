package file

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/ecrguard/ecrguard/estate"
)

// loadMap loads the files of a MapFS from its root.
func loadMap(t *testing.T, files map[string]string, opts Options) *estate.Estate {
	t.Helper()
	fsys := fstest.MapFS{}
	for name, data := range files {
		fsys[name] = &fstest.MapFile{Data: []byte(data)}
	}
	e, err := Load(context.Background(), fsys, []string{"."}, opts)
	if err != nil {
		t.Fatal(err)
	}
	return e
}

// TestCLIErrors reads what the AWS CLI prints when get-repository-policy
// and get-registry-policy fail, saved with 2>&1 (the messages are ECR's, as
// https://docs.aws.amazon.com/AmazonECR/latest/APIReference/API_GetRepositoryPolicy.html
// lists the errors).
func TestCLIErrors(t *testing.T) {
	const (
		noRepoPolicy = "\nAn error occurred (RepositoryPolicyNotFoundException) when calling the GetRepositoryPolicy operation: Repository policy does not exist for the repository with name 'team/app' in the registry with id '111122223333'\n"
		noRegPolicy  = "\nAn error occurred (RegistryPolicyNotFoundException) when calling the GetRegistryPolicy operation: Registry policy does not exist in the registry with id '111122223333'\n"
		denied       = "\naws: [ERROR]: An error occurred (AccessDeniedException) when calling the GetRepositoryPolicy operation: User: arn:aws:iam::111122223333:user/auditor is not authorized to perform: ecr:GetRepositoryPolicy on resource: arn:aws:ecr:us-east-1:111122223333:repository/web because no identity-based policy allows the ecr:GetRepositoryPolicy action\n"
	)
	tests := []struct {
		name  string
		data  string
		opts  Options
		gap   string
		check func(t *testing.T, e *estate.Estate)
	}{
		{name: "repository has no policy", data: noRepoPolicy, check: func(t *testing.T, e *estate.Estate) {
			repo := e.Lookup("111122223333").Region("us-east-1").Repository("team/app")
			if repo.PolicyState != estate.NoPolicy || repo.Source.String() != "policy.json:2:166" {
				t.Errorf("repository team/app: state %d at %s, want no policy at policy.json:2:166", repo.PolicyState, repo.Source)
			}
		}},
		{name: "newer CLI prefix, no registry id", data: "aws: [ERROR]: An error occurred (RepositoryPolicyNotFoundException) when calling the GetRepositoryPolicy operation: Repository policy does not exist for the repository with name 'app'",
			opts: Options{Account: "444455556666", Region: "eu-west-1"}, check: func(t *testing.T, e *estate.Estate) {
				if repo := e.Lookup("444455556666").Region("eu-west-1").Repository("app"); repo.PolicyState != estate.NoPolicy {
					t.Errorf("repository app: state %d, want no policy", repo.PolicyState)
				}
			}},
		{name: "no registry id and no account", data: "An error occurred (RepositoryPolicyNotFoundException) when calling the GetRepositoryPolicy operation: Repository policy does not exist for the repository with name 'app'",
			gap: "no-account"},
		{name: "registry has no policy", data: noRegPolicy, check: func(t *testing.T, e *estate.Estate) {
			if reg := e.Lookup("111122223333").Region("us-east-1").Registry; reg.PolicyState != estate.NoPolicy {
				t.Errorf("registry: state %d, want no policy", reg.PolicyState)
			}
		}},
		{name: "access denied is a gap naming the code and resource", data: denied,
			gap: "(arn:aws:ecr:us-east-1:111122223333:repository/web): AccessDeniedException: the AWS CLI's GetRepositoryPolicy call failed with AccessDeniedException"},
		{name: "throttled after retries", data: "An error occurred (ThrottlingException) when calling the GetRegistryPolicy operation (reached max retries: 4): Rate exceeded",
			opts: Options{Account: "111122223333"}, gap: "ThrottlingException"},
		{name: "other text stays a parse error", data: "Unable to locate credentials. You can configure credentials by running \"aws configure\".\n", gap: "parse-error"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := loadMap(t, map[string]string{"policy.json": tt.data}, tt.opts)
			if !checkGaps(t, e, "policy.json", tt.gap) {
				t.FailNow()
			}
			if tt.check != nil {
				tt.check(t, e)
			}
		})
	}
}

// TestCLIErrorAgainstPolicy: a file that says "no policy" and another that
// gives one disagree, as two inputs do.
func TestCLIErrorAgainstPolicy(t *testing.T) {
	e := loadMap(t, map[string]string{
		"a.json": "An error occurred (RepositoryPolicyNotFoundException) when calling the GetRepositoryPolicy operation: Repository policy does not exist for the repository with name 'app' in the registry with id '111122223333'",
		"b.json": `{"registryId":"111122223333","repositoryName":"app","policyText":"{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":\"*\",\"Action\":\"ecr:BatchGetImage\"}]}"}`,
	}, Options{})
	if len(e.Gaps) != 1 || e.Gaps[0].Code != estate.GapConflictingInputs {
		t.Fatalf("gaps %v, want one conflict", e.Gaps)
	}
}

// TestRegistryPolicyByName: a raw registry policy is named by its file
// (AWS's replication example, from
// https://docs.aws.amazon.com/AmazonECR/latest/userguide/registry-permissions-create-replication.html),
// and a raw policy that only a registry can use, named otherwise, is noted.
func TestRegistryPolicyByName(t *testing.T) {
	const replication = `{"Version":"2012-10-17","Statement":[{"Sid":"ReplicationAccessCrossAccount","Effect":"Allow",
"Principal":{"AWS":"arn:aws:iam::444455556666:root"},"Action":["ecr:CreateRepository","ecr:ReplicateImage"],
"Resource":"arn:aws:ecr:us-west-2:111122223333:repository/*"}]}`
	acct := Options{Account: "111122223333", Region: "us-west-2"}
	for _, name := range []string{"registry-policy.json", "prod.registry-policy.json", "sub/Registry-Policy.json"} {
		t.Run(name, func(t *testing.T) {
			e := loadMap(t, map[string]string{name: replication}, acct)
			r := e.Lookup("111122223333").Region("us-west-2")
			if r.Registry.PolicyState != estate.HasPolicy || len(r.Repositories()) != 0 {
				t.Errorf("registry policy state %d, repositories %v; want the registry policy and no repository", r.Registry.PolicyState, r.Repositories())
			}
			if len(e.Gaps)+len(e.Notes) != 0 {
				t.Errorf("gaps %v, notes %v", e.Gaps, e.Notes)
			}
		})
	}
	t.Run("as a JSON string", func(t *testing.T) {
		q, _ := json.Marshal(replication)
		e := loadMap(t, map[string]string{"registry-policy.json": string(q)}, acct)
		if st := e.Lookup("111122223333").Region("us-west-2").Registry.PolicyState; st != estate.HasPolicy {
			t.Errorf("registry policy state %d", st)
		}
	})
	t.Run("no account", func(t *testing.T) {
		e := loadMap(t, map[string]string{"registry-policy.json": replication}, Options{})
		if g := gapsOf(e, "registry-policy.json"); len(g) != 1 || !strings.Contains(g[0], "raw registry policy (registry-policy.json) names no account") {
			t.Errorf("gaps %q", g)
		}
	})
	t.Run("other name is noted", func(t *testing.T) {
		e := loadMap(t, map[string]string{"replication.json": replication}, acct)
		if len(e.Notes) != 1 || !strings.Contains(e.Notes[0].Message, `ecr:CreateRepository (ReplicationAccessCrossAccount, at replication.json:2:64) makes sense only in a registry policy: if this is the registry policy, name the file registry-policy.json`) {
			t.Errorf("notes %v", e.Notes)
		}
	})
	t.Run("a repository policy is not noted", func(t *testing.T) {
		e := loadMap(t, map[string]string{"app.json": `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::444455556666:root"},"Action":"ecr:BatchGetImage"}]}`}, acct)
		if len(e.Notes) != 0 {
			t.Errorf("notes %v", e.Notes)
		}
	})
}

// TestIAMCLIOutputs reads the outputs of aws iam get-role-policy,
// get-user-policy, get-group-policy and get-policy-version, as
// https://docs.aws.amazon.com/cli/latest/reference/iam/get-role-policy.html
// and get-policy-version.html show them (the CLI decodes PolicyDocument and
// Document into objects).
func TestIAMCLIOutputs(t *testing.T) {
	const doc = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"ecr:*","Resource":"*"}]}`
	acct := Options{Account: "111122223333"}
	tests := []struct {
		name, file, data string
		opts             Options
		// detached are the names of the account's identity policies.
		detached []string
		gap      string
		note     string
	}{
		{name: "get-role-policy", file: "ci.json", data: `{"RoleName":"ci","PolicyName":"EcrAll","PolicyDocument":` + doc + `}`, opts: acct,
			detached: []string{"inline policy EcrAll of role/ci"}},
		{name: "get-user-policy", file: "u.json", data: `{"UserName":"erin","PolicyName":"EcrAll","PolicyDocument":` + doc + `}`, opts: acct,
			detached: []string{"inline policy EcrAll of user/erin"}},
		{name: "get-group-policy", file: "g.json", data: `{"GroupName":"devs","PolicyName":"EcrAll","PolicyDocument":` + doc + `}`, opts: acct,
			detached: []string{"inline policy EcrAll of group/devs"}},
		{name: "document as an encoded string", file: "ci.json", data: `{"RoleName":"ci","PolicyName":"EcrAll","PolicyDocument":"%7B%22Version%22%3A%222012-10-17%22%2C%22Statement%22%3A%5B%7B%22Effect%22%3A%22Allow%22%2C%22Action%22%3A%22ecr%3A%2A%22%2C%22Resource%22%3A%22%2A%22%7D%5D%7D"}`, opts: acct,
			detached: []string{"inline policy EcrAll of role/ci"}},
		{name: "no account", file: "ci.json", data: `{"RoleName":"ci","PolicyName":"EcrAll","PolicyDocument":` + doc + `}`,
			gap: "inline policy EcrAll of role/ci (aws iam get-role-policy output) names no account"},
		{name: "bad document", file: "ci.json", data: `{"RoleName":"ci","PolicyName":"EcrAll","PolicyDocument":{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":3}]}}`, opts: acct,
			gap: "parse-error: inline policy EcrAll of role/ci: "},
		{name: "get-policy-version", file: "ECRPush.json", data: `{"PolicyVersion":{"Document":` + doc + `,"VersionId":"v2","IsDefaultVersion":true,"CreateDate":"2025-01-10T12:00:00Z"}}`, opts: acct,
			detached: []string{"managed policy ECRPush (version v2)"}, note: "does not name its policy: read as managed policy ECRPush (version v2), after the file's name"},
		{name: "a version not in force", file: "ECRPush.json", data: `{"PolicyVersion":{"Document":` + doc + `,"VersionId":"v1","IsDefaultVersion":false}}`, opts: acct,
			note: "not the policy's default version (IsDefaultVersion is false): not in force, so not judged"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := loadMap(t, map[string]string{tt.file: tt.data}, tt.opts)
			if !checkGaps(t, e, tt.file, tt.gap) {
				t.FailNow()
			}
			var detached []string
			if a := e.Lookup("111122223333"); a != nil {
				for _, p := range a.Detached {
					detached = append(detached, p.Name)
				}
			}
			if strings.Join(detached, "|") != strings.Join(tt.detached, "|") {
				t.Errorf("identity policies %q, want %q", detached, tt.detached)
			}
			var notes []string
			for _, n := range e.Notes {
				notes = append(notes, n.Message)
			}
			if got := strings.Join(notes, "|"); tt.note != "" && !strings.Contains(got, tt.note) || tt.note == "" && got != "" {
				t.Errorf("notes %q, want %q", notes, tt.note)
			}
		})
	}
}

// TestInlinePolicyInDetails: an inline policy the authorization details
// hold too is theirs, and noted.
func TestInlinePolicyInDetails(t *testing.T) {
	e := loadMap(t, map[string]string{
		"ci.json":      `{"RoleName":"ci","PolicyName":"EcrAll","PolicyDocument":{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"ecr:*","Resource":"*"}]}}`,
		"details.json": `{"RoleDetailList":[{"RoleName":"ci","Arn":"arn:aws:iam::111122223333:role/ci","RolePolicyList":[{"PolicyName":"EcrAll","PolicyDocument":{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"ecr:*","Resource":"*"}]}}]}]}`,
	}, Options{Account: "111122223333"})
	if a := e.Lookup("111122223333"); len(a.Detached) != 0 || len(e.Notes) != 1 || !strings.Contains(e.Notes[0].Message, "inline policy EcrAll of role/ci is also in the authorization details") {
		t.Errorf("identity policies %v, notes %v", a.Detached, e.Notes)
	}
}

// TestInlinePolicyInDetailsDiffers: an aws iam get-role-policy output whose
// document differs from the one the authorization details give the same
// inline policy is a conflict of two inputs, as two files of one repository
// policy are: the details' copy is judged and the other is not, which the
// gap says (a newer get-role-policy that grants more must not pass unseen).
func TestInlinePolicyInDetailsDiffers(t *testing.T) {
	e := loadMap(t, map[string]string{
		"ci.json":      `{"RoleName":"ci","PolicyName":"EcrAll","PolicyDocument":{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"ecr:*","Resource":"*"}]}}`,
		"details.json": `{"RoleDetailList":[{"RoleName":"ci","Arn":"arn:aws:iam::111122223333:role/ci","RolePolicyList":[{"PolicyName":"EcrAll","PolicyDocument":{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"ecr:BatchGetImage","Resource":"*"}]}}]}]}`,
	}, Options{Account: "111122223333"})
	if a := e.Lookup("111122223333"); len(a.Detached) != 0 || len(e.Notes) != 0 {
		t.Errorf("identity policies %v, notes %v", a.Detached, e.Notes)
	}
	checkGaps(t, e, "ci.json", "ci.json:1:57 (arn:aws:iam::111122223333:role/ci): conflicting-inputs: inputs disagree about inline policy EcrAll of role/ci: the policy at ci.json:1:57, but the policy at details.json:1:137 in the authorization details; the analysis judges the authorization details' and not the other")
}

// TestNamingRule: raw repository policies and tags files name their
// repository by one rule: the path below the scanned folder, or its
// longest tail that another input names.
func TestNamingRule(t *testing.T) {
	const raw = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::444455556666:root"},"Action":"ecr:BatchGetImage"}]}`
	const tags = `{"tags":[{"Key":"team","Value":"payments"}]}`
	cliPolicy := func(name string) string {
		return `{"registryId":"111122223333","repositoryName":"` + name + `","policyText":"{\"Version\":\"2012-10-17\",\"Statement\":[]}"}`
	}
	tests := []struct {
		name  string
		files map[string]string
		// want is each repository with what the named files gave it.
		want []string
	}{
		{"top of the folder", map[string]string{"app.json": raw, "app.tags.json": tags}, []string{"app policy tags"}},
		{"folders are part of the name", map[string]string{"alice/tools.json": raw, "alice/tools.tags.json": tags}, []string{"alice/tools policy tags"}},
		{"a tail another input names", map[string]string{"estate/payments.json": cliPolicy("payments"), "estate/payments.tags.json": tags},
			[]string{"payments policy tags"}},
		{"the longest known tail", map[string]string{"x/alice/tools.tags.json": tags, "a.json": cliPolicy("alice/tools"), "b.json": cliPolicy("tools")},
			[]string{"alice/tools policy tags", "tools policy"}},
		{"raw policies too", map[string]string{"policies/app.json": raw, "inventory.json": `{"repositories":[{"repositoryName":"app","repositoryArn":"arn:aws:ecr:us-east-1:111122223333:repository/app"}]}`},
			[]string{"app policy"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := loadMap(t, tt.files, Options{Account: "111122223333"})
			if len(e.Gaps) != 0 {
				t.Fatalf("gaps %v", e.Gaps)
			}
			var got []string
			for _, r := range e.Lookup("111122223333").Region("us-east-1").Repositories() {
				s := r.Name
				if r.PolicyState == estate.HasPolicy {
					s += " policy"
				}
				if r.TagsKnown {
					s += " tags"
				}
				got = append(got, s)
			}
			if strings.Join(got, "|") != strings.Join(tt.want, "|") {
				t.Errorf("repositories %q, want %q", got, tt.want)
			}
		})
	}
}
