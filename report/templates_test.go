package report

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/ecrguard/ecrguard/analysis"
	"github.com/ecrguard/ecrguard/estate"
	"github.com/ecrguard/ecrguard/policy"
	"github.com/ecrguard/ecrguard/rules"
)

// templateAndPublicResult is a scan of one private repository with no
// policy, a creation template whose policy lets everyone pull, and an ECR
// Public repository anyone may push to.
func templateAndPublicResult(t *testing.T) *rules.Result {
	t.Helper()
	parse := func(text string) *estate.Policy {
		doc, err := policy.Parse([]byte(text), "p.json")
		if err != nil {
			t.Fatal(err)
		}
		return &estate.Policy{Name: "p.json", Doc: doc, Source: doc.Pos}
	}
	est := estate.New()
	owner := est.Account(acct)
	region := owner.Region("us-east-1")
	region.Repository("app").SetPolicy(nil)
	tpl := region.Template("team-a")
	tpl.AppliedFor = []string{estate.ForPullThroughCache}
	tpl.SetPolicy(parse(`{"Version":"2012-10-17","Statement":[{"Sid":"Pull","Effect":"Allow","Principal":"*","Action":"ecr:BatchGetImage"}]}`))
	pub := &estate.PublicRepository{Name: "tools", Account: acct, ARN: "arn:aws:ecr-public::" + acct + ":repository/tools"}
	pub.SetPolicy(parse(`{"Version":"2012-10-17","Statement":[{"Sid":"Push","Effect":"Allow","Principal":"*","Action":"ecr-public:PutImage"}]}`))
	owner.Public = []*estate.PublicRepository{pub}
	return rules.Run(est, analysis.Settings{})
}

// TestTemplatesAndPublicRepositories checks that creation templates and
// ECR Public repositories appear in every report as repositories do: their
// findings under their ARNs, named for what they are, and counted in the
// summary by kind.
func TestTemplatesAndPublicRepositories(t *testing.T) {
	res := templateAndPublicResult(t)
	tplARN := estate.TemplateARN("us-east-1", acct, "team-a")
	pubARN := "arn:aws:ecr-public::" + acct + ":repository/tools"
	counts := "3 resources (1 repository, 1 creation template, 1 public repository)"
	for _, f := range []Format{Table, Markdown, HTML} {
		out := string(write(t, f, res, Options{Version: "1.2.3", Width: 200}))
		for _, want := range []string{tplARN, pubARN, counts, "1 creation template and 1 public repository"} {
			if !strings.Contains(out, want) {
				t.Errorf("%s report does not say %q:\n%s", f, want, out)
			}
		}
	}
	html := string(write(t, HTML, res, Options{}))
	// The coverage section counts them by kind too (it said "3 repositories
	// and registries assessed").
	for _, want := range []string{`data-row="` + tplARN + `"`, `>template team-a<small>template`, `>public tools<small>public`,
		"<p>" + counts + " assessed.</p>"} {
		if !strings.Contains(html, want) {
			t.Errorf("the HTML access map has no %s", want)
		}
	}
	var rep struct {
		Findings []struct {
			RuleID   string `json:"rule_id"`
			Resource string `json:"resource"`
		} `json:"findings"`
		Summary map[string]any `json:"summary"`
	}
	if err := json.Unmarshal(write(t, JSON, res, Options{}), &rep); err != nil {
		t.Fatal(err)
	}
	if rep.Summary["resources"] != 3.0 || rep.Summary["templates"] != 1.0 || rep.Summary["public_repositories"] != 1.0 {
		t.Errorf("JSON summary %v", rep.Summary)
	}
	got := map[string]string{}
	for _, f := range rep.Findings {
		got[f.RuleID+" "+f.Resource] = f.Resource
	}
	for _, want := range []string{"ECR001 " + tplARN, "ECR012 " + pubARN} {
		if _, ok := got[want]; !ok {
			t.Errorf("JSON findings %v lack %s", got, want)
		}
	}
	sarif := string(write(t, SARIF, res, Options{Version: "1.2.3"}))
	if !strings.Contains(sarif, `"ruleId": "ECR012"`) || !strings.Contains(sarif, pubARN) {
		t.Errorf("SARIF has no ECR012 result on %s", pubARN)
	}
}

// TestSummaryWithoutTemplatesUnchanged checks that a scan with neither
// templates nor ECR Public repositories counts its resources as before.
func TestSummaryWithoutTemplatesUnchanged(t *testing.T) {
	est := estate.New()
	est.Account(acct).Region("us-east-1").Repository("app").SetPolicy(nil)
	out := string(write(t, Table, rules.Run(est, analysis.Settings{}), Options{}))
	if !strings.Contains(out, "1 resource assessed") || strings.Contains(out, "creation template") {
		t.Errorf("table:\n%s", out)
	}
	js := string(write(t, JSON, rules.Run(est, analysis.Settings{}), Options{}))
	if strings.Contains(js, `"templates"`) || strings.Contains(js, `"public_repositories"`) {
		t.Errorf("JSON names kinds it has none of:\n%s", js)
	}
}
