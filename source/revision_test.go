package source_test

import (
	"context"
	"errors"
	"path/filepath"
	"strings"
	"testing"

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
