package file

import (
	"context"
	"io/fs"
	"path"
	"testing"
	"testing/fstest"
)

// FuzzLoad feeds one file's bytes to the reader under the names that change
// how it is read (a plain file, a raw SCP or RCP, a tags file, an ECR Public
// policy), with and without an account. Nothing may panic, and every problem must be a gap that names
// its file.
func FuzzLoad(f *testing.F) {
	f.Add([]byte(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"ecr:*"}]}`))
	f.Add([]byte(`{"registryId":"111122223333","repositoryName":"app","policyText":"{\"Statement\":[]}"}`))
	f.Add([]byte(`{"tags":[{"Key":"a","Value":"b"}]}`))
	// What the AWS CLI prints when a repository has no policy, an inline
	// policy of aws iam get-role-policy, and a policy as Windows PowerShell
	// writes it (UTF-16LE with a byte-order mark).
	f.Add([]byte("\nAn error occurred (RepositoryPolicyNotFoundException) when calling the GetRepositoryPolicy operation: Repository policy does not exist for the repository with name 'app' in the registry with id '111122223333'\n"))
	f.Add([]byte(`{"RoleName":"ci","PolicyName":"ecr","PolicyDocument":{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"ecr:*","Resource":"*"}]}}`))
	f.Add([]byte("\xff\xfe{\x00}\x00"))
	// Organization policies, creation templates and ECR Public.
	f.Add([]byte(`{"Policy":{"PolicySummary":{"Id":"p-1","Type":"RESOURCE_CONTROL_POLICY"},"Content":"{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Deny\",\"Principal\":\"*\",\"Action\":\"ecr:*\",\"Resource\":\"*\"}]}"}}`))
	f.Add([]byte(`{"registryId":"111122223333","repositoryCreationTemplates":[{"prefix":"ROOT","appliedFor":["REPLICATION"],"repositoryPolicy":"{\"Statement\":[]}"}],"nextToken":"x"}`))
	f.Add([]byte(`{"repositories":[{"repositoryArn":"arn:aws:ecr-public::111122223333:repository/tools","registryId":"111122223333","repositoryName":"tools","repositoryUri":"public.ecr.aws/a1b2c3d4/tools"}]}`))
	names := []string{"x.json", "scps/x.json", "app.tags.json", "registry-policy.json", "org/rcps/2-ou/x.json", "tools.public-policy.json", "ecr-public/x.json"}
	f.Fuzz(func(t *testing.T, data []byte) {
		for _, name := range names {
			for _, opts := range []Options{{}, {Account: "111122223333", Region: "eu-west-1"}} {
				fsys := fstest.MapFS{name: {Data: data}}
				e, err := Load(context.Background(), fsys, []string{"."}, opts)
				if err != nil {
					t.Fatalf("%s: %v", name, err)
				}
				for _, g := range e.Gaps {
					if g.Source == "" || g.Message == "" {
						t.Fatalf("%s: gap without a source or message: %+v", name, g)
					}
				}
				for _, a := range e.Accounts() {
					for _, r := range a.Regions() {
						for _, repo := range r.Repositories() {
							if repo.PolicyState == 2 && (repo.Policy == nil || repo.Policy.Doc == nil) {
								t.Fatalf("%s: repository %s has a policy state without a document", name, repo.Name)
							}
						}
					}
				}
			}
		}
	})
}

// FuzzTreeRoots: no path panics; a path out of the current folder is an
// error; every root's file system holds what the tree holds at the path.
// The seed corpus is testdata/fuzz/FuzzTreeRoots.
func FuzzTreeRoots(f *testing.F) {
	for _, p := range []string{".", "infra", "infra/app.json", "../x", "/abs", "a/../b", "missing/x.json", ""} {
		f.Add(p)
	}
	tree := fstest.MapFS{"infra/app.json": {Data: []byte("{}")}, "b/c.json": {Data: []byte("{}")}}
	f.Fuzz(func(t *testing.T, p string) {
		roots, err := TreeRoots(tree, []string{p})
		if err != nil {
			return
		}
		if len(roots) != 1 {
			t.Fatalf("%q: %d roots", p, len(roots))
		}
		r := roots[0]
		if !fs.ValidPath(r.Path) || !fs.ValidPath(r.Dir) {
			t.Fatalf("%q: root %q in %q", p, r.Path, r.Dir)
		}
		if _, err := fs.Stat(r.FS, r.Path); err == nil {
			if _, err := fs.Stat(tree, path.Join(r.Dir, r.Path)); err != nil {
				t.Fatalf("%q: %s/%s is in the root, not in the tree", p, r.Dir, r.Path)
			}
		}
	})
}
