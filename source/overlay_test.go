package source

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"testing/fstest"

	"github.com/ecrguard/ecrguard/estate"
)

// Options.Overlay puts contents in place of input files, by the names
// positions give them, for every reader: a raw policy and a template of a
// file system, and a Terraform module of the operating system named as the
// user typed its path. Files it does not name read as they are.
func TestOverlay(t *testing.T) {
	policy := func(sid string) string {
		return `{"Version":"2012-10-17","Statement":[{"Sid":"` + sid + `","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::444455556666:root"},"Action":"ecr:BatchGetImage"}]}`
	}
	sids := func(e *estate.Estate, repo string) string {
		for _, r := range e.Lookup(iacAccount).Region("us-east-1").Repositories() {
			if r.Name == repo && r.Policy != nil {
				return r.Policy.Doc.Statements[0].Sid
			}
		}
		return ""
	}
	fsys := fstest.MapFS{
		"repositories/app.json": {Data: []byte(policy("Old"))},
		"repositories/web.json": {Data: []byte(policy("Web"))},
		"cfn/t.yaml":            {Data: []byte("Resources:\n  R:\n    Type: AWS::ECR::Repository\n    Properties:\n      RepositoryName: cfn\n      RepositoryPolicyText: {Statement: [{Sid: Old, Effect: Allow, Principal: '*', Action: 'ecr:BatchGetImage'}]}\n")},
	}
	overlay := map[string][]byte{
		"repositories/app.json": []byte(policy("New")),
		"cfn/t.yaml":            []byte("Resources:\n  R:\n    Type: AWS::ECR::Repository\n    Properties:\n      RepositoryName: cfn\n      RepositoryPolicyText: {Statement: [{Sid: New, Effect: Allow, Principal: '*', Action: 'ecr:BatchGetImage'}]}\n"),
	}
	e, err := Load(context.Background(), fsys, []string{"."}, Options{Account: iacAccount, Overlay: overlay})
	if err != nil {
		t.Fatal(err)
	}
	for repo, want := range map[string]string{"repositories/app": "New", "repositories/web": "Web", "cfn": "New"} {
		if got := sids(e, repo); got != want {
			t.Errorf("%s: statement %q, want %q", repo, got, want)
		}
	}

	dir := t.TempDir()
	tf := filepath.Join(dir, "main.tf")
	module := func(sid string) string {
		return "resource \"aws_ecr_repository\" \"r\" {\n  name = \"tf\"\n}\nresource \"aws_ecr_repository_policy\" \"p\" {\n  repository = aws_ecr_repository.r.name\n  policy = jsonencode({Version = \"2012-10-17\", Statement = [{Sid = \"" + sid + "\", Effect = \"Allow\", Principal = \"*\", Action = \"ecr:BatchGetImage\"}]})\n}\n"
	}
	if err := os.WriteFile(tf, []byte(module("Old")), 0o644); err != nil {
		t.Fatal(err)
	}
	e, err = LoadPaths(context.Background(), []string{dir}, Options{Account: iacAccount, Overlay: map[string][]byte{filepath.ToSlash(tf): []byte(module("New"))}})
	if err != nil {
		t.Fatal(err)
	}
	if got := sids(e, "tf"); got != "New" {
		t.Errorf("terraform: statement %q, want New", got)
	}
}
