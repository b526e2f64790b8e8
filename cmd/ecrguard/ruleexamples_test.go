package main

import (
	"encoding/json"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/ecrguard/ecrguard/rules"
)

// TestRuleExamplesAsFiles scans every example of docs/rules as a user
// would: its policies saved as the files and AWS CLI outputs scan reads
// (app.json, app.tags.json, registry-policy.json, creation-templates.json,
// tools.public-policy.json, scps/, iam.json), its settings as
// .ecrguard.yaml. The rule fires or stays quiet, and the other rules the
// page names fire, as rules' TestExamples finds on the estate it builds.
func TestRuleExamplesAsFiles(t *testing.T) {
	for _, r := range rules.All() {
		for _, x := range r.Examples {
			t.Run(r.ID+"/"+x.About, func(t *testing.T) {
				dir := t.TempDir()
				writeExample(t, dir, x)
				code, out, stderr := runCLI(t, "scan", "--format", "json", "--fail-on", "none", dir)
				var rep struct {
					Findings []struct {
						RuleID string `json:"rule_id"`
					}
					Errors []struct{ Code string }
				}
				if err := json.Unmarshal([]byte(out), &rep); err != nil {
					t.Fatalf("exit %d: %v\n%s", code, err, stderr)
				}
				fired := map[string]bool{}
				for _, f := range rep.Findings {
					fired[f.RuleID] = true
				}
				want := slices.Clone(x.Others)
				if x.Fires {
					want = append(want, r.ID)
				}
				slices.Sort(want)
				if got := slices.Sorted(maps.Keys(fired)); !slices.Equal(got, want) {
					t.Errorf("rules that fire: %v, the page says %v\n%s", got, want, out)
				}
				// An example whose policy does not parse shows that; its
				// repository's policy is then not read. Nothing else may
				// be left unassessed.
				parse := slices.ContainsFunc(rep.Errors, func(e struct{ Code string }) bool { return e.Code == "parse-error" })
				for _, e := range rep.Errors {
					if !parse || e.Code != "parse-error" && e.Code != "policy-not-read" {
						t.Errorf("gap %s:\n%s", e.Code, out)
					}
				}
			})
		}
	}
}

// writeExample saves x in dir as the files a scan of the example's
// account reads: a string as it is, another value as JSON.
func writeExample(t *testing.T, dir string, x rules.Example) {
	t.Helper()
	acct := rules.ExampleAccount
	repo := rules.ExampleRepository
	files := map[string]any{
		repo + ".tags.json": `{"tags": []}`,
		repo + ".json": "An error occurred (RepositoryPolicyNotFoundException) when calling the GetRepositoryPolicy operation: " +
			"Repository policy does not exist for the repository with name '" + repo + "' in the registry with id '" + acct + "'\n",
		"registry-policy.json":                                x.RegistryPolicy,
		rules.ExamplePublicRepository + ".public-policy.json": x.PublicRepositoryPolicy,
		filepath.Join("scps", "scp.json"):                     x.SCP,
	}
	if x.RepositoryPolicy != "" {
		files[repo+".json"] = x.RepositoryPolicy
	}
	if x.RegistryScope != "" {
		files["registry-policy-scope.json"] = map[string]string{"name": "REGISTRY_POLICY_SCOPE", "value": x.RegistryScope}
	}
	if x.TemplatePolicy != "" {
		files["creation-templates.json"] = map[string]any{"registryId": acct, "repositoryCreationTemplates": []any{
			map[string]any{"prefix": rules.ExampleTemplatePrefix, "appliedFor": []string{"PULL_THROUGH_CACHE"}, "repositoryPolicy": x.TemplatePolicy}}}
	}
	if x.IdentityPolicy != "" || x.Boundary != "" {
		files["iam.json"] = exampleAuthorizationDetails(x)
	}
	s := x.Settings
	files[".ecrguard.yaml"] = map[string]any{
		"account": acct, "region": rules.ExampleRegion,
		"trusted": map[string][]string{"accounts": s.TrustedAccounts, "org_ids": s.TrustedOrgIDs, "org_paths": s.TrustedOrgPaths},
		"authorized": map[string][]string{"delete": s.AuthorizedDelete, "auth_token": s.AuthorizedAuthToken,
			"policy_management": s.AuthorizedPolicyManagement, "write": s.AuthorizedWrite},
	}
	for name, v := range files {
		text, ok := v.(string)
		if !ok {
			data, err := json.Marshal(v)
			if err != nil {
				t.Fatal(err)
			}
			text = string(data)
		}
		if text == "" {
			continue
		}
		path := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// exampleAuthorizationDetails is the get-account-authorization-details
// output of the example's identity: its identity policy inline, its
// boundary a managed policy of the account.
func exampleAuthorizationDetails(x rules.Example) any {
	kind, name, _ := strings.Cut(x.Holder(), "/")
	p := map[string]any{"Path": "/", "Arn": "arn:aws:iam::" + rules.ExampleAccount + ":" + x.Holder(), "AttachedManagedPolicies": []any{}}
	inline := []any{}
	if x.IdentityPolicy != "" {
		inline = append(inline, map[string]any{"PolicyName": "inline", "PolicyDocument": json.RawMessage(x.IdentityPolicy)})
	}
	managed := []any{}
	if x.Boundary != "" {
		arn := "arn:aws:iam::" + rules.ExampleAccount + ":policy/boundary"
		p["PermissionsBoundary"] = map[string]string{"PermissionsBoundaryType": "Policy", "PermissionsBoundaryArn": arn}
		managed = append(managed, map[string]any{"PolicyName": "boundary", "PolicyId": "ANPABOUNDARY", "Arn": arn, "Path": "/",
			"DefaultVersionId": "v1", "PolicyVersionList": []any{map[string]any{"Document": json.RawMessage(x.Boundary), "VersionId": "v1", "IsDefaultVersion": true}}})
	}
	users, roles := []any{}, []any{}
	if kind == "user" {
		p["UserName"], p["UserId"], p["UserPolicyList"], p["GroupList"] = name, "AIDAEXAMPLE", inline, []any{}
		users = append(users, p)
	} else {
		p["RoleName"], p["RoleId"], p["RolePolicyList"] = name, "AROAEXAMPLE", inline
		roles = append(roles, p)
	}
	return map[string]any{"UserDetailList": users, "GroupDetailList": []any{}, "RoleDetailList": roles, "Policies": managed, "IsTruncated": false}
}
