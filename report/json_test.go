package report

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ecrguard/ecrguard/estate"
	"github.com/ecrguard/ecrguard/policy"
	"github.com/ecrguard/ecrguard/rules"
)

// TestJSONContract decodes the JSON report generically and checks every key
// and type docs/report-json.md fixes (schema_version 1), plus the keys this
// package adds (docs/report-json.md).
func TestJSONContract(t *testing.T) {
	for _, tc := range []struct {
		name   string
		result *rules.Result
	}{
		{"sample", sampleResult()},
		{"clean", cleanResult()},
		{"partial", partialResult()},
		{"empty", &rules.Result{}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out := write(t, JSON, tc.result, Options{Version: "1.2.3"})
			dec := json.NewDecoder(bytes.NewReader(out))
			dec.UseNumber()
			var doc map[string]any
			if err := dec.Decode(&doc); err != nil {
				t.Fatalf("output is not JSON: %v", err)
			}
			c := checker{t: t}

			c.number(doc, "schema_version", 1)
			tool := c.object(doc, "tool")
			c.stringEq(tool, "name", "ecrguard")
			c.stringEq(tool, "version", "1.2.3")

			summary := c.object(doc, "summary")
			c.number(summary, "resources", float64(tc.result.Resources))
			counts := c.object(summary, "findings")
			want := tc.result.Counts()
			total := 0
			for _, s := range rules.Severities() {
				c.number(counts, s.String(), float64(want[s]))
				total += want[s]
			}
			suppressed := len(tc.result.Findings) - total
			c.number(summary, "suppressed", float64(suppressed))

			findings := c.array(doc, "findings")
			if len(findings) != total {
				t.Errorf("findings: %d entries, want %d (unsuppressed only)", len(findings), total)
			}
			for _, f := range findings {
				obj, ok := f.(map[string]any)
				if !ok {
					t.Fatalf("finding is %T, want object", f)
				}
				for _, k := range []string{"rule_id", "severity", "title", "message", "resource", "remediation"} {
					c.str(obj, k)
				}
				if _, err := rules.ParseSeverity(c.str(obj, "severity")); err != nil {
					t.Error(err)
				}
				src := c.object(obj, "source")
				c.str(src, "file")
				c.integer(src, "line")
				for _, k := range []string{"principals", "actions", "conditions"} {
					for _, v := range c.array(obj, k) {
						if _, ok := v.(string); !ok {
							t.Errorf("%s holds %T, want strings", k, v)
						}
					}
				}
				for fw, ids := range c.object(obj, "frameworks") {
					list, ok := ids.([]any)
					if !ok {
						t.Errorf("frameworks[%s] is %T, want a list", fw, ids)
					}
					for _, id := range list {
						if _, ok := id.(string); !ok {
							t.Errorf("frameworks[%s] holds %T, want strings", fw, id)
						}
					}
				}
			}

			errs := c.array(doc, "errors")
			if len(errs) != len(tc.result.Gaps) {
				t.Errorf("errors: %d entries, want %d", len(errs), len(tc.result.Gaps))
			}
			for _, e := range errs {
				obj, ok := e.(map[string]any)
				if !ok {
					t.Fatalf("error is %T, want object", e)
				}
				for _, k := range []string{"source", "file", "account", "region", "resource", "code", "message"} {
					c.str(obj, k)
				}
				c.integer(obj, "line")
				c.integer(obj, "column")
			}
			c.array(doc, "notes")
			c.array(doc, "suppressed")
		})
	}
}

// TestJSONSuppressed checks that suppressed findings are counted, left out
// of findings, and listed with their reason only when asked.
func TestJSONSuppressed(t *testing.T) {
	for _, show := range []bool{false, true} {
		var doc struct {
			Findings []struct {
				Resource string `json:"resource"`
			} `json:"findings"`
			Summary struct {
				Suppressed int `json:"suppressed"`
			} `json:"summary"`
			Suppressed []struct {
				Resource string `json:"resource"`
				Reason   string `json:"suppressed_reason"`
			} `json:"suppressed"`
		}
		if err := json.Unmarshal(write(t, JSON, sampleResult(), Options{ShowSuppressed: show}), &doc); err != nil {
			t.Fatal(err)
		}
		for _, f := range doc.Findings {
			if f.Resource == repoARN("public-base-images") {
				t.Error("a suppressed finding is listed in findings")
			}
		}
		if doc.Summary.Suppressed != 1 {
			t.Errorf("summary.suppressed = %d, want 1", doc.Summary.Suppressed)
		}
		switch {
		case !show && len(doc.Suppressed) != 0:
			t.Errorf("suppressed lists %d findings without ShowSuppressed", len(doc.Suppressed))
		case show && (len(doc.Suppressed) != 1 || doc.Suppressed[0].Reason == ""):
			t.Errorf("suppressed = %+v, want the one finding with its reason", doc.Suppressed)
		}
	}
}

// checker asserts the type of a decoded JSON value.
type checker struct{ t *testing.T }

func (c checker) get(obj map[string]any, key string) any {
	c.t.Helper()
	v, ok := obj[key]
	if !ok {
		c.t.Errorf("key %q missing", key)
	}
	return v
}

func (c checker) object(obj map[string]any, key string) map[string]any {
	c.t.Helper()
	v, ok := c.get(obj, key).(map[string]any)
	if !ok {
		c.t.Errorf("%q is %T, want an object", key, obj[key])
	}
	return v
}

func (c checker) array(obj map[string]any, key string) []any {
	c.t.Helper()
	v, ok := c.get(obj, key).([]any)
	if !ok {
		c.t.Errorf("%q is %T, want an array (never null)", key, obj[key])
	}
	return v
}

func (c checker) str(obj map[string]any, key string) string {
	c.t.Helper()
	v, ok := c.get(obj, key).(string)
	if !ok {
		c.t.Errorf("%q is %T, want a string", key, obj[key])
	}
	return v
}

func (c checker) stringEq(obj map[string]any, key, want string) {
	c.t.Helper()
	if got := c.str(obj, key); got != want {
		c.t.Errorf("%q = %q, want %q", key, got, want)
	}
}

func (c checker) integer(obj map[string]any, key string) int64 {
	c.t.Helper()
	n, ok := c.get(obj, key).(json.Number)
	if !ok {
		c.t.Errorf("%q is %T, want a number", key, obj[key])
		return 0
	}
	i, err := n.Int64()
	if err != nil {
		c.t.Errorf("%q = %s, want an integer", key, n)
	}
	return i
}

func (c checker) number(obj map[string]any, key string, want float64) {
	c.t.Helper()
	if got := c.integer(obj, key); float64(got) != want {
		c.t.Errorf("%q = %d, want %v", key, got, want)
	}
}

// docExampleResult is the result behind the example in docs/report-json.md.
func docExampleResult() *rules.Result {
	f := finding("ECR001")
	f.Message = `Anyone with an AWS account can pull images of app: statement "PublicPull" allows Principal "*" with no condition that restricts who can call.`
	f.Resource = repoARN("app")
	f.Source = policy.Pos{File: "policies/app.json", Line: 5, Col: 5}
	f.Principals = []string{"*"}
	f.Actions = []string{"ecr:BatchCheckLayerAvailability", "ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"}
	f.Remediation = `Replace Principal "*" in statement "PublicPull" with the accounts that pull from app, or add a condition on aws:PrincipalOrgID.`

	s := finding("ECR002")
	s.Message = `Statement "OrgPull" allows Principal "*" behind a condition: aws:PrincipalOrgID restricts access to organization o-abc123defg.`
	s.Resource = repoARN("base")
	s.Source = policy.Pos{File: "policies/base.json", Line: 6, Col: 5}
	s.Principals = []string{"*"}
	s.Actions = []string{"ecr:BatchGetImage"}
	s.Conditions = []string{"aws:PrincipalOrgID o-abc123defg"}
	s.Remediation = `Nothing to do: access is limited to your organization.`
	s.Suppressed = "published base images"

	return &rules.Result{
		Findings: []rules.Finding{f, s},
		Gaps: []estate.Gap{{
			Source: "ecr:GetRepositoryPolicy", Account: acct, Region: "eu-west-1",
			Resource: estate.RepositoryARN("eu-west-1", acct, "payments"), Code: "AccessDeniedException",
			Message: "not authorized to perform ecr:GetRepositoryPolicy; the policy was not read",
		}, {
			Source: "policies/broken.json", Pos: policy.Pos{File: "policies/broken.json", Line: 3, Col: 14},
			Code: estate.GapParseError, Message: `Statement[0].Principal: expected "*", an object or a string, got number`,
		}},
		Notes:     []estate.Note{{Source: "README.md", Message: "skipped: not a policy, AWS CLI output or snapshot"}},
		Resources: 3,
	}
}

// TestJSONDocExample keeps the example in docs/report-json.md true: it must
// be exactly what Write prints for docExampleResult with ShowSuppressed.
func TestJSONDocExample(t *testing.T) {
	doc, err := os.ReadFile(filepath.Join("..", "docs", "report-json.md"))
	if err != nil {
		t.Fatal(err)
	}
	_, rest, ok := strings.Cut(string(doc), "<!-- example -->\n```json\n")
	example, _, ok2 := strings.Cut(rest, "```")
	if !ok || !ok2 {
		t.Fatal("docs/report-json.md has no <!-- example --> json block")
	}
	got := string(write(t, JSON, docExampleResult(), Options{Version: "1.2.3", ShowSuppressed: true}))
	if got != example {
		t.Errorf("the example in docs/report-json.md is not what Write prints; it prints:\n%s", got)
	}
}
