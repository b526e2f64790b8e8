package analysis

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/ecrguard/ecrguard/exposure"
)

// The account and region of a fix file's name come from the inputs too (a
// Terraform provider's region): whatever they say, the name is one file in
// --fix-dir's folder.
func TestFixFileNameStaysInFolder(t *testing.T) {
	for _, tg := range []exposure.Target{
		{Account: "111122223333", Region: "/../../../../tmp/escaped", Repository: "app"},
		{Account: `..\..\x`, Region: "us-east-1", Kind: exposure.Registry},
		{Account: "111122223333", Region: "../..", Prefix: "../x", Kind: exposure.Template},
	} {
		if name := fixFileName(tg); !filepath.IsLocal(name) || strings.ContainsAny(name, `/\`) {
			t.Errorf("fixFileName(%+v) = %s, not one file in the folder", tg, name)
		}
	}
}

// Every item's fix has a file of its own, and none a scan of the folder
// reads as another kind of policy: a repository app.public and an ECR
// Public repository us-east-1-app both made
// 111122223333-us-east-1-app.public-policy.json, and repositories team/app
// and team-app both …-team-app-policy.json, one fix overwriting the other.
// A repository whose name is not known at scan time is named by the
// expression that gives it, in characters every file system takes.
func TestFixNamesAreTheirOwn(t *testing.T) {
	repo := func(name string) exposure.Target {
		return exposure.Target{Account: "111122223333", Region: "us-east-1", Repository: name}
	}
	a := &Analysis{}
	for _, tg := range []exposure.Target{
		repo("app.public"), repo("team/app"), repo("team-app"), repo("cache.registry"), repo("x.registry-policy"),
		repo("<aws_ecr_repository.repository.name>"), repo("<!Ref Repo02AC86CF>"),
		{Account: "111122223333", Region: "us-east-1", Kind: exposure.Template, Prefix: "base.public"},
		{Account: "111122223333", Region: "us-east-1", Kind: exposure.Registry},
	} {
		a.Exposure = append(a.Exposure, &ExposureItem{Result: &exposure.Result{Target: tg}})
	}
	a.Public = []*ExposureItem{{Result: &exposure.Result{Target: exposure.Target{Account: "111122223333", Region: "us-east-1", Kind: exposure.Public, Repository: "us-east-1-app"}}}}
	a.nameFixes()
	var got []string
	for _, x := range append(a.Exposure, a.Public...) {
		got = append(got, x.FixName)
	}
	want := []string{
		"111122223333-us-east-1-app.public-2-policy.json",
		"111122223333-us-east-1-team-app-policy.json",
		"111122223333-us-east-1-team-app-2-policy.json",
		"111122223333-us-east-1-cache.registry-2-policy.json",
		"111122223333-us-east-1-x.registry-policy-policy.json",
		"111122223333-us-east-1-aws_ecr_repository.repository.name-policy.json",
		"111122223333-us-east-1-Ref-Repo02AC86CF-policy.json",
		"template-111122223333-us-east-1-base.public-2-policy.json",
		"111122223333-us-east-1.registry-policy.json",
		"111122223333-us-east-1-app.public-policy.json",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("fix names:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}
