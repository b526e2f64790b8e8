package main

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ecrguard/ecrguard/rules"
)

// fakeAWS stands for the AWS CLI in TestReadmeRecipe: it prints what the
// real one prints for an account of two repositories, app (with a policy)
// and team/web (without), and no registry policy. A failed call prints the
// CLI's error line on stderr and exits 254, as the real one does.
const fakeAWS = `#!/bin/sh
fail() { printf '\nAn error occurred (%s) when calling the %s operation: %s\n' "$1" "$2" "$3" >&2; exit 254; }
case "$1 $2" in
"ecr describe-repositories")
  case "$*" in
  *--query*) printf 'app\tteam/web\n' ;;
  *) cat <<'JSON'
{
    "repositories": [
        {"repositoryArn": "arn:aws:ecr:us-east-1:111122223333:repository/app", "registryId": "111122223333", "repositoryName": "app",
         "repositoryUri": "111122223333.dkr.ecr.us-east-1.amazonaws.com/app", "createdAt": "2025-01-10T12:00:00+00:00",
         "imageTagMutability": "IMMUTABLE", "imageScanningConfiguration": {"scanOnPush": true}, "encryptionConfiguration": {"encryptionType": "AES256"}},
        {"repositoryArn": "arn:aws:ecr:us-east-1:111122223333:repository/team/web", "registryId": "111122223333", "repositoryName": "team/web",
         "repositoryUri": "111122223333.dkr.ecr.us-east-1.amazonaws.com/team/web", "createdAt": "2025-01-10T12:00:00+00:00",
         "imageTagMutability": "IMMUTABLE", "imageScanningConfiguration": {"scanOnPush": true}, "encryptionConfiguration": {"encryptionType": "AES256"}}
    ]
}
JSON
  ;;
  esac ;;
"ecr get-repository-policy")
  case "$*" in
  *"--repository-name app"*) cat <<'JSON'
{
    "registryId": "111122223333",
    "repositoryName": "app",
    "policyText": "{\n  \"Version\" : \"2012-10-17\",\n  \"Statement\" : [ {\n    \"Sid\" : \"CiPull\",\n    \"Effect\" : \"Allow\",\n    \"Principal\" : {\n      \"AWS\" : \"arn:aws:iam::111122223333:role/ci\"\n    },\n    \"Action\" : [ \"ecr:BatchGetImage\", \"ecr:GetDownloadUrlForLayer\" ]\n  } ]\n}"
}
JSON
  ;;
  *) fail RepositoryPolicyNotFoundException GetRepositoryPolicy "Repository policy does not exist for the repository with name '$4' in the registry with id '111122223333'" ;;
  esac ;;
"ecr get-registry-policy")
  fail RegistryPolicyNotFoundException GetRegistryPolicy "Registry policy does not exist in the registry with id '111122223333'" ;;
"iam get-account-authorization-details")
  cat <<'JSON'
{
    "UserDetailList": [],
    "GroupDetailList": [],
    "RoleDetailList": [
        {"Path": "/", "RoleName": "ci", "RoleId": "AROAEXAMPLECI", "Arn": "arn:aws:iam::111122223333:role/ci",
         "AssumeRolePolicyDocument": {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"Service": "codebuild.amazonaws.com"}, "Action": "sts:AssumeRole"}]},
         "RolePolicyList": [], "AttachedManagedPolicies": [{"PolicyName": "AmazonEC2ContainerRegistryReadOnly", "PolicyArn": "arn:aws:iam::aws:policy/AmazonEC2ContainerRegistryReadOnly"}],
         "Tags": []}
    ],
    "Policies": []
}
JSON
  ;;
*) echo "fake aws: unexpected call: $*" >&2; exit 252 ;;
esac
`

// TestReadmeRecipe runs the README's export recipe (in "Scan your files")
// with a stand-in for the AWS CLI that prints what the CLI prints, errors
// included, and scans what it wrote: a repository and a registry without a
// policy are read as such, so the scan is complete.
func TestReadmeRecipe(t *testing.T) {
	bash, err := exec.LookPath("bash")
	if err != nil {
		t.Skip("no bash to run the recipe")
	}
	data, err := os.ReadFile(filepath.Join("..", "..", "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	_, after, ok := strings.Cut(string(data), "## Scan your files")
	if !ok {
		t.Fatal(`README.md has no "Scan your files"`)
	}
	_, after, _ = strings.Cut(after, "```\n")
	recipe, _, ok := strings.Cut(after, "```")
	if !ok {
		t.Fatal("the recipe's block does not end")
	}
	// The recipe's last line scans the folder: the test does it in process.
	recipe, scan, ok := strings.Cut(recipe, "cd .. && ecrguard ")
	if !ok || strings.TrimSpace(scan) != "scan exports/" {
		t.Fatalf("the recipe does not end with cd .. && ecrguard scan exports/:\n%s", recipe)
	}
	dir := inTempDir(t)
	bin := filepath.Join(dir, "bin")
	if err := os.Mkdir(bin, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(bin, "aws"), []byte(fakeAWS), 0o755); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(bash, "-c", recipe)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "PATH="+bin+string(os.PathListSeparator)+os.Getenv("PATH"))
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("the recipe failed: %v\n%s", err, out)
	}
	for _, f := range []string{"policy-team_web.json", "registry-policy.json"} {
		b, _ := os.ReadFile(filepath.Join(dir, "exports", f))
		if !strings.Contains(string(b), "NotFoundException") {
			t.Errorf("exports/%s = %q, want the CLI's error", f, b)
		}
	}
	code, out, stderr := runCLI(t, "scan", "--format", "json", "--fail-on", "none", "exports/")
	if code != rules.ExitOK {
		t.Fatalf("exit %d, want 0 (a complete scan)\n%s\n%s", code, out, stderr)
	}
	var r jsonReport
	if err := json.Unmarshal([]byte(out), &r); err != nil {
		t.Fatal(err)
	}
	if len(r.Errors) != 0 {
		t.Errorf("errors %+v, want none", r.Errors)
	}
	// Read as such, not skipped: a file that is no input would be named
	// in a note.
	for _, n := range r.Notes {
		for _, f := range []string{"policy-team_web.json", "registry-policy.json"} {
			if strings.Contains(n.Source+" "+n.Message, f) {
				t.Errorf("note %s: %s; want %s read as an input", n.Source, n.Message, f)
			}
		}
	}
}
