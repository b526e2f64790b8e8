package exposure

import (
	"fmt"
	"strings"
	"testing"
	"time"

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

// The names a template's groups ask about are worked out once per scan
// (Cache.instances): the ROOT template's leave out every other template's
// prefix, and each group, each analysis of the fix, asked again (ROOT among
// 10,000 templates took a minute). The answers are the uncached ones.
func TestTemplateNamesCached(t *testing.T) {
	const base = "arn:aws:ecr:us-east-1:111122223333:repository/"
	doc, err := policy.Parse([]byte(pullPolicy(`{"Effect": "Allow", "Principal": "*", "Action": "ecr:*"},
		{"Effect": "Deny", "Principal": "*", "Action": "ecr:Put*", "Resource": "`+base+`*/x*"}`)), "p.json")
	if err != nil {
		t.Fatal(err)
	}
	var claimed []string
	for i := range 300 {
		claimed = append(claimed, fmt.Sprintf("team-%03d", i))
	}
	zone := Zone{Account: "111122223333"}
	tg := Target{Kind: Template, ARN: "arn:aws:ecr:us-east-1:111122223333:repository-creation-template/ROOT",
		Account: "111122223333", Region: "us-east-1", Prefix: RootPrefix, Claimed: claimed, Policy: eval.Compile("p", doc)}
	c := NewCache()
	got := AnalyzeCached(tg, zone, c)
	if _, err := ProposeFixCached(got, zone, c); err != nil {
		t.Fatal(err)
	}
	n := len(c.created)
	if again := AnalyzeCached(tg, zone, c); len(c.created) != n || n == 0 || n > 2 {
		t.Errorf("%d sets of names kept, %d after a second analysis", n, len(c.created))
	} else if want := Analyze(tg, zone); again.Outsiders() != want.Outsiders() || again.Truncated != want.Truncated {
		t.Errorf("cached: %v (truncated %v), uncached: %v (truncated %v)", again.Outsiders(), again.Truncated, want.Outsiders(), want.Truncated)
	}
}

// Templates whose policies no Resource element tells apart share what
// outsiders can do under their fix, as repositories do: 10,000 templates
// of one policy proved it 10,000 times. The answers are the uncached ones.
func TestTemplateFixesShared(t *testing.T) {
	doc, err := policy.Parse([]byte(pullPolicy(`{"Effect": "Allow", "Principal": "*", "Action": "ecr:*"}`)), "p.json")
	if err != nil {
		t.Fatal(err)
	}
	zone := Zone{Account: "111122223333"}
	c := NewCache()
	first := 0
	for i, tpl := range []struct {
		prefix  string
		claimed []string
	}{{RootPrefix, []string{"team-a", "team-a/b"}}, {"team-a", []string{"team-a/b"}}, {"team-a/b", nil}} {
		tg := Target{Kind: Template, ARN: "arn:aws:ecr:us-east-1:111122223333:repository-creation-template/" + tpl.prefix,
			Account: "111122223333", Region: "us-east-1", Prefix: tpl.prefix, Claimed: tpl.claimed, Policy: eval.Compile("p", doc), At: time.Unix(1700000000, 0)}
		cached, err := ProposeFixCached(AnalyzeCached(tg, zone, c), zone, c)
		if err != nil {
			t.Fatal(err)
		}
		want, err := ProposeFix(Analyze(tg, zone), zone)
		if err != nil {
			t.Fatal(err)
		}
		if cached.After != want.After || cached.Before != want.Before || cached.Unproven != want.Unproven || string(cached.JSON) != string(want.JSON) {
			t.Errorf("template %s: cached fix %+v, uncached %+v", tpl.prefix, cached, want)
		}
		if i == 0 {
			first = len(c.after)
		}
	}
	if len(c.after) != first {
		t.Errorf("%d fixed policies' answers kept, %d for the first template", len(c.after), first)
	}
}
