package report

import (
	"bytes"
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"github.com/ecrguard/ecrguard/rules"
)

// The rule listing has a line per rule with its id, severity, scope and
// title, in the catalog's order; its JSON form carries each rule's
// metadata with the frameworks' controls sorted.
func TestWriteRules(t *testing.T) {
	rs := []rules.Rule{
		{ID: "ECR100", Title: "First <rule>", Severity: rules.Critical, Scope: "repository", FiresWhen: "always", Description: "d", Remediation: "r",
			Frameworks: map[string][]string{"CIS": {"5.1.2", "5.1.1"}}},
		{ID: "ECR101", Title: "Second", Severity: rules.Low, Scope: "principal"},
	}
	var b bytes.Buffer
	if err := WriteRulesTable(&b, rs, 0); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(b.String(), "\n")
	if fields := strings.Fields(lines[0]); !slices.Equal(fields, []string{"ID", "SEVERITY", "JUDGES", "TITLE"}) {
		t.Errorf("header %q", lines[0])
	}
	for i, r := range rs {
		want := []string{r.ID, r.Severity.String(), string(r.Scope)}
		if fields := strings.Fields(lines[i+1]); !slices.Equal(fields[:3], want) || !strings.HasSuffix(lines[i+1], "  "+r.Title) {
			t.Errorf("line %q, want %q and the title %q", lines[i+1], want, r.Title)
		}
	}
	if !strings.Contains(b.String(), "docs/rules/<ID>.md") {
		t.Errorf("no pointer to the rules' docs:\n%s", b.String())
	}

	b.Reset()
	if err := WriteRulesJSON(&b, rs); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(b.String(), "First <rule>") {
		t.Errorf("JSON escapes HTML:\n%s", b.String())
	}
	var got []map[string]any
	if err := json.Unmarshal(b.Bytes(), &got); err != nil {
		t.Fatal(err)
	}
	if len(got) != len(rs) {
		t.Fatalf("%d rules, want %d", len(got), len(rs))
	}
	first := got[0]
	for k, want := range map[string]any{
		"id": "ECR100", "title": "First <rule>", "severity": "critical", "scope": "repository", "fires_when": "always",
		"description": "d", "remediation": "r", "help": "docs/rules/ECR100.md",
		"frameworks": map[string]any{"CIS": []any{"5.1.1", "5.1.2"}},
	} {
		if g, _ := json.Marshal(first[k]); string(g) != mustJSON(t, want) {
			t.Errorf("%s = %s, want %s", k, g, mustJSON(t, want))
		}
	}
	if fw, _ := json.Marshal(got[1]["frameworks"]); string(fw) != "{}" {
		t.Errorf("frameworks of a rule with none: %s, want {}", fw)
	}
}

func mustJSON(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
