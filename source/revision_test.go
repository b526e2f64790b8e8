package source_test

import (
	"context"
	"errors"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ecrguard/ecrguard/estate"
	"github.com/ecrguard/ecrguard/internal/gitref"
	"github.com/ecrguard/ecrguard/internal/gittest"
	"github.com/ecrguard/ecrguard/source"
)

// TestLoadRevision: a revision's files are named as in the work tree (from
// a subfolder too); a path the revision lacks holds nothing, with a note;
// an unknown revision is gitref.ErrNoCommit.
func TestLoadRevision(t *testing.T) {
	public := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"ecr:BatchGetImage"}]}`
	repo := gittest.Repo(t, map[string]string{"infra/app.json": public})
	gittest.Write(t, repo, "infra/added/web.json", public)

	dir := filepath.Join(repo, "infra")
	est, err := source.LoadRevision(context.Background(), dir, "HEAD", []string{".", "added"}, source.Options{Account: "111122223333"})
	if err != nil {
		t.Fatal(err)
	}
	repos := est.Lookup("111122223333").Region("us-east-1").Repositories()
	if len(repos) != 1 || repos[0].Name != "app" || repos[0].Policy == nil || repos[0].Policy.Source.File != "app.json" {
		t.Fatalf("repositories at HEAD: %+v", repos)
	}
	var notes []string
	for _, n := range est.Notes {
		notes = append(notes, n.Message)
	}
	if !strings.Contains(strings.Join(notes, "\n"), "not in the revision, so BASE holds nothing of it: added") {
		t.Errorf("notes %q, want one for the path the revision lacks", notes)
	}
	if len(est.Gaps) != 0 {
		t.Errorf("gaps %v", est.Gaps)
	}
	if _, err := source.LoadRevision(context.Background(), dir, "no-such-branch", []string{"."}, source.Options{}); !errors.Is(err, gitref.ErrNoCommit) {
		t.Errorf("unknown revision: %v, want gitref.ErrNoCommit", err)
	}
}

// TestLoadRevisionSubmodule: a submodule at the revision is not read (its
// commit is another repository's), and a note says so: a diff reports
// what HEAD's checked-out submodule grants as new, and the reviewer must
// know why.
func TestLoadRevisionSubmodule(t *testing.T) {
	repo := gittest.Repo(t, map[string]string{"app.json": "{}"})
	git := gittest.Git(t, repo)
	git("update-index", "--add", "--cacheinfo", "160000,0123456789abcdef0123456789abcdef01234567,vendor")
	git("commit", "-q", "-m", "submodule")
	est, err := source.LoadRevision(context.Background(), repo, "HEAD", []string{"."}, source.Options{Account: "111122223333"})
	if err != nil {
		t.Fatal(err)
	}
	var notes []string
	for _, n := range est.Notes {
		notes = append(notes, n.Message)
	}
	if !strings.Contains(strings.Join(notes, "\n"), "submodules at the revision are not read") || !strings.Contains(strings.Join(notes, "\n"), ": vendor") {
		t.Errorf("notes %q, want one naming the submodule vendor", notes)
	}
}

// TestLoadRevisionStaysInsideItsPaths: a Terraform module that reads
// ../modules, outside the path scanned, is not read at the revision, as
// LoadPaths does not read it in the work tree: BASE and HEAD are judged
// alike (BASE once read it, and a diff reported its access as removed).
func TestLoadRevisionStaysInsideItsPaths(t *testing.T) {
	repo := gittest.Repo(t, map[string]string{
		"infra/main.tf":        "module \"app\" {\n  source = \"../modules/repo\"\n}\n",
		"modules/repo/main.tf": `resource "aws_ecr_repository" "r" { name = "app" }`,
	})
	for _, load := range []func() (*estate.Estate, error){
		func() (*estate.Estate, error) {
			return source.LoadRevision(context.Background(), repo, "HEAD", []string{"infra"}, source.Options{Account: "111122223333"})
		},
		func() (*estate.Estate, error) {
			t.Chdir(repo)
			return source.LoadPaths(context.Background(), []string{"infra"}, source.Options{Account: "111122223333"})
		},
	} {
		est, err := load()
		if err != nil {
			t.Fatal(err)
		}
		// The gap says why, and what to scan instead.
		if len(est.Gaps) != 1 || est.Gaps[0].Code != estate.GapReadError || !strings.Contains(est.Gaps[0].Message, "modules/repo: outside the folders given to scan; to read it, scan a folder that holds it too") {
			t.Errorf("gaps %v, want one: the module outside infra is not read", est.Gaps)
		}
	}
}
