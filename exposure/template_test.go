package exposure

import (
	"strings"
	"testing"

	"github.com/ecrguard/ecrguard/catalog"
	"github.com/ecrguard/ecrguard/eval"
	"github.com/ecrguard/ecrguard/policy"
)

// TestTemplateIsItsRepositories holds the judgement of a creation
// template to the judgements of the repositories it creates: what is
// public on any repository it creates is public on the template, and every
// proof is a request to a repository it creates (ECR User Guide, "Private
// repository creation templates": a prefix of prod applies to the
// repositories beginning with prod/; ROOT to those no other template
// matches).
func TestTemplateIsItsRepositories(t *testing.T) {
	const base = "arn:aws:ecr:us-east-1:111122223333:repository/"
	names := []string{"team-a/x", "team-a/public-x", "team-a/x-public", "team-a/internal/x", "team-a/internal/x-public",
		"team-b/x", "team-b/x-public", "x", "x-public", "public-x"}
	policies := []string{
		pullPolicy(`{"Effect": "Allow", "Principal": "*", "Action": "ecr:BatchGetImage"}`),
		pullPolicy(`{"Effect": "Allow", "Principal": "*", "Action": "ecr:BatchGetImage", "Resource": "` + base + `team-a/public-*"}`),
		pullPolicy(`{"Effect": "Allow", "Principal": "*", "Action": "ecr:*", "Resource": "` + base + `*-public"}`),
		pullPolicy(`{"Effect": "Allow", "Principal": "*", "Action": "ecr:*", "NotResource": "` + base + `team-a/*"}`),
		pullPolicy(`{"Effect": "Allow", "Principal": "*", "Action": "ecr:*"},
			{"Effect": "Deny", "Principal": "*", "Action": "ecr:Put*", "Resource": "` + base + `*/x*"}`),
		pullPolicy(`{"Effect": "Allow", "Principal": {"AWS": "444455556666"}, "Action": "ecr:BatchGetImage", "Resource": "` + base + `team-b/*"}`),
	}
	templates := []struct {
		prefix  string
		claimed []string
	}{
		{"team-a", nil},
		{"team-a", []string{"team-a/internal"}},
		{RootPrefix, []string{"team-a", "team-b"}},
		{RootPrefix, nil},
	}
	zone := Zone{Account: "111122223333"}
	for _, src := range policies {
		doc, err := policy.Parse([]byte(src), "p.json")
		if err != nil {
			t.Fatal(err)
		}
		pol := eval.Compile("p", doc)
		for _, tpl := range templates {
			creates := func(name string) bool {
				if tpl.prefix != RootPrefix && !strings.HasPrefix(name, tpl.prefix+"/") {
					return false
				}
				for _, c := range tpl.claimed {
					if strings.HasPrefix(name, c+"/") {
						return false
					}
				}
				return true
			}
			got := Analyze(Target{Kind: Template, ARN: "arn:aws:ecr:us-east-1:111122223333:repository-creation-template/" + tpl.prefix,
				Account: "111122223333", Region: "us-east-1", Prefix: tpl.prefix, Claimed: tpl.claimed, Policy: pol}, zone)
			var want catalog.ActionSet
			for _, n := range names {
				if !creates(n) {
					continue
				}
				r := Analyze(Target{Kind: Repository, ARN: base + n, Account: "111122223333", Region: "us-east-1", Repository: n, Policy: pol}, zone)
				want = want.Union(r.Outsiders())
			}
			if missing := want.Minus(got.Outsiders()); !missing.Empty() {
				t.Errorf("%s, template %s %v: repositories it creates are open to outsiders for %v, the template says %v",
					src, tpl.prefix, tpl.claimed, catalog.Default().Names(missing), catalog.Default().Names(got.Outsiders()))
			}
			for _, acc := range append([]*Access{&got.Public}, mapValues(got.Accounts)...) {
				for _, p := range acc.Proofs {
					name := strings.TrimPrefix(p.Witness.Request.Resource, base)
					if !creates(name) {
						t.Errorf("%s, template %s %v: a proof asks about %s, which the template does not create", src, tpl.prefix, tpl.claimed, name)
					}
				}
			}
		}
	}
}

func mapValues(m map[string]*Access) []*Access {
	var out []*Access
	for _, v := range m {
		out = append(out, v)
	}
	return out
}
