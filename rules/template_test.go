package rules_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/ecrguard/ecrguard/analysis"
	"github.com/ecrguard/ecrguard/estate"
	"github.com/ecrguard/ecrguard/rules"
)

// templateEstate is account 111122223333 in us-east-1 with a creation
// template per prefix, each with its policy ("" for none).
func templateEstate(t *testing.T, policies map[string]string) *estate.Estate {
	t.Helper()
	est := estate.New()
	region := est.Account("111122223333").Region("us-east-1")
	for prefix, text := range policies {
		tpl := region.Template(prefix)
		tpl.AppliedFor = []string{estate.ForPullThroughCache, estate.ForReplication}
		if text == "" {
			tpl.SetPolicy(nil)
			continue
		}
		doc := mustParse(t, text, prefix+".json")
		tpl.SetPolicy(&estate.Policy{Name: "repository policy of template " + prefix, Doc: doc, Source: doc.Pos})
	}
	return est
}

// publicPull lets everyone pull the repositories whose ARNs match resource.
func publicPull(resource string) string {
	return `{"Version":"2012-10-17","Statement":[{"Sid":"PublicPull","Effect":"Allow","Principal":"*","Action":"ecr:BatchGetImage","Resource":"` + resource + `"}]}`
}

func findingsOf(res *rules.Result, id string) []rules.Finding {
	var out []rules.Finding
	for _, f := range res.Findings {
		if f.RuleID == id {
			out = append(out, f)
		}
	}
	return out
}

// firedOnce returns the one finding of rule id in res when want is set (and
// fails the test when there is not exactly one), and checks that the rule
// did not fire when want is not set (the finding is then not ok).
func firedOnce(t *testing.T, res *rules.Result, id string, want bool) (f rules.Finding, ok bool) {
	t.Helper()
	got := findingsOf(res, id)
	if !want {
		if len(got) > 0 {
			t.Errorf("%s fired: %v", id, got)
		}
		return f, false
	}
	if len(got) != 1 {
		t.Fatalf("%s fired %d times, want once: %v", id, len(got), res.Findings)
	}
	return got[0], true
}

// TestTemplateJudgedAsRepositoryPolicy checks that a creation template's
// policy is judged as the policy of the repositories it creates, reported
// on the template and saying which repositories those are (ECR User Guide,
// "Repository creation templates": a prefix of prod applies to the
// repositories whose names begin with prod/; ROOT to those no other
// template's prefix matches).
func TestTemplateJudgedAsRepositoryPolicy(t *testing.T) {
	const repo = "arn:aws:ecr:us-east-1:111122223333:repository/"
	for _, tc := range []struct {
		name     string
		policies map[string]string
		// public is the template whose repositories are public, or "".
		public string
	}{
		{"every repository", map[string]string{"team-a": publicPull("*")}, "team-a"},
		{"a pattern under the prefix", map[string]string{"team-a": publicPull(repo + "team-a/public-*")}, "team-a"},
		{"a pattern matching names under the prefix from the end", map[string]string{"team-a": publicPull(repo + "*-public")}, "team-a"},
		{"another prefix's repositories only", map[string]string{"team-a": publicPull(repo + "team-b/*")}, ""},
		{"a more specific template's repositories only",
			map[string]string{"team-a": publicPull(repo + "team-a/internal/*"), "team-a/internal": ""}, ""},
		{"ROOT: names no template claims", map[string]string{"ROOT": publicPull(repo + "*"), "team-a": ""}, "ROOT"},
		{"ROOT: names another template claims", map[string]string{"ROOT": publicPull(repo + "team-a/*"), "team-a": ""}, ""},
		{"no policy", map[string]string{"team-a": ""}, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res := rules.Run(templateEstate(t, tc.policies), analysis.Settings{})
			if len(res.Gaps) > 0 {
				t.Fatalf("gaps: %v", res.Gaps)
			}
			if res.Assessed.Templates != len(tc.policies) {
				t.Errorf("assessed %d templates, want %d", res.Assessed.Templates, len(tc.policies))
			}
			f, ok := firedOnce(t, res, "ECR001", tc.public != "")
			if !ok {
				return
			}
			if want := estate.TemplateARN("us-east-1", "111122223333", tc.public); f.Resource != want {
				t.Errorf("resource = %s, want %s", f.Resource, want)
			}
			created := "repositories created under prefix " + tc.public + "/ by pull through cache and replication"
			if tc.public == estate.RootPrefix {
				created = "repositories created under a name no other template's prefix matches by pull through cache and replication"
			}
			if !strings.Contains(f.Message, "every repository the creation template "+tc.public+" will create ("+created+")") {
				t.Errorf("message does not say which repositories the template creates: %s", f.Message)
			}
			if !strings.Contains(f.Remediation, "aws ecr update-repository-creation-template --region us-east-1 --prefix "+tc.public+" --repository-policy file://") {
				t.Errorf("remediation does not apply the fix to the template: %s", f.Remediation)
			}
		})
	}
}

// TestTemplateUnreadIsAGap checks that a template whose policy was not read
// is a coverage gap naming it, not a clean template.
func TestTemplateUnreadIsAGap(t *testing.T) {
	est := estate.New()
	est.Account("111122223333").Region("us-east-1").Template("team-a")
	res := rules.Run(est, analysis.Settings{})
	arn := estate.TemplateARN("us-east-1", "111122223333", "team-a")
	if len(res.Gaps) != 1 || res.Gaps[0].Resource != arn || res.Gaps[0].Code != estate.GapPolicyNotRead {
		t.Fatalf("gaps = %v, want one policy-not-read gap for %s", res.Gaps, arn)
	}
	if code := res.ExitCode(rules.High, false); code != rules.ExitIncomplete {
		t.Errorf("exit code %d, want %d", code, rules.ExitIncomplete)
	}
}

// TestTemplateFixIsWritten checks that the proven fix of a template's
// policy is written for the template, with the command that applies it.
func TestTemplateFixIsWritten(t *testing.T) {
	res := rules.Run(templateEstate(t, map[string]string{"team-a/ci": publicPull("*")}), analysis.Settings{})
	i := slices.IndexFunc(res.Fixes, func(f rules.FixFile) bool {
		return f.Resource == estate.TemplateARN("us-east-1", "111122223333", "team-a/ci")
	})
	if i < 0 {
		t.Fatalf("no fix for the template: %v", res.Fixes)
	}
	fix := res.Fixes[i]
	if fix.Name != "template-111122223333-us-east-1-team-a-ci-policy.json" ||
		fix.Command != "aws ecr update-repository-creation-template --region us-east-1 --prefix team-a/ci --repository-policy file://"+fix.Name {
		t.Errorf("fix %s applied by %q", fix.Name, fix.Command)
	}
}
