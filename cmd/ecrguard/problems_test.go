package main

import (
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/ecrguard/ecrguard/rules"
)

// TestDemoTableSaysWhatJSONSays reads the demo's compact table as a person
// would and compares the problems it states with the JSON report's: the
// same problems (the rules each breaks, its severity, the resource or
// principal it is about and who gets in), none missing, none added. And
// the table stays under 130 lines (120 until issue 11 added to the demo a
// public creation template, an ECR Public repository and an RCP's note,
// blocks of up to eight lines each that the demo is there to show).
func TestDemoTableSaysWhatJSONSays(t *testing.T) {
	_, table, _ := runCLI(t, "demo", "--fail-on", "none", "--no-color")
	_, js, _ := runCLI(t, "demo", "--fail-on", "none", "--format", "json")

	if n := strings.Count(table, "\n"); n >= 130 {
		t.Errorf("the demo table has %d lines, want fewer than 130", n)
	}
	for i, l := range strings.Split(table, "\n") {
		if n := len([]rune(l)); n > 80 {
			t.Errorf("table line %d has %d columns: %q", i+1, n, l)
		}
	}

	fromTable := tableProblems(t, table)
	fromJSON, count := jsonProblems(t, js)
	if len(fromJSON) != count {
		t.Errorf("the JSON has %d distinct problems but summary.problems = %d", len(fromJSON), count)
	}
	if !slices.Equal(fromTable, fromJSON) {
		t.Errorf("the table and the JSON state different problems:\ntable: %q\n json: %q", fromTable, fromJSON)
	}
	if len(fromTable) < 10 {
		t.Errorf("only %d problems read from the table: the parser missed some", len(fromTable))
	}
	if !strings.Contains(table, fmt.Sprintf("%d problems", count)) {
		t.Errorf("the table does not count the %d problems", count)
	}
}

var (
	badge   = regexp.MustCompile(`^(CRITICAL|HIGH|MEDIUM|LOW|INFO)\s+(.*)$`)
	ruleIDs = regexp.MustCompile(`ECR\d{3}`)
)

// problem writes a problem as "severity rules | subject | who".
func problem(severity string, ruleSet []string, subject string, who []string) string {
	slices.Sort(ruleSet)
	slices.Sort(who)
	return fmt.Sprintf("%s %s | %s | %s", strings.ToLower(severity), strings.Join(ruleSet, "+"), subject, strings.Join(who, ", "))
}

// tableProblems parses the compact table's blocks: the title line (badge,
// rules), then fields ("where", "who") whose values continue on lines
// indented to the value column.
func tableProblems(t *testing.T, table string) []string {
	t.Helper()
	var out []string
	for _, block := range strings.Split(table, "\n\n") {
		lines := strings.Split(strings.TrimSpace(block), "\n")
		m := badge.FindStringSubmatch(lines[0])
		if m == nil {
			continue
		}
		title := m[2]
		for len(lines) > 1 && strings.HasPrefix(lines[1], strings.Repeat(" ", 9)) && !strings.HasPrefix(lines[1], "  ") {
			title += " " + strings.TrimSpace(lines[1])
			lines = slices.Delete(lines, 1, 2)
		}
		fields := map[string]string{}
		last := ""
		for _, l := range lines[1:] {
			if strings.HasPrefix(l, strings.Repeat(" ", 12)) && last != "" {
				fields[last] += " " + strings.TrimSpace(l)
				continue
			}
			f := strings.Fields(l)
			last = f[0]
			fields[last] = strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(l), last))
		}
		var who []string
		if fields["who"] != "" {
			for _, p := range strings.Split(fields["who"], ", ") {
				who = append(who, strings.TrimSuffix(p, " (anyone)"))
			}
		}
		subject := strings.Fields(fields["where"])[0]
		if !strings.HasPrefix(subject, "arn:aws:ecr:") && !strings.HasPrefix(subject, "arn:aws:ecr-public:") {
			// An identity problem: it is about its principals.
			subject = strings.Join(who, ", ")
		}
		out = append(out, problem(m[1], ruleIDs.FindAllString(title, -1), subject, who))
	}
	slices.Sort(out)
	return out
}

// jsonProblems groups the JSON report's findings by their group key.
func jsonProblems(t *testing.T, js string) ([]string, int) {
	t.Helper()
	var rep struct {
		Findings []struct {
			RuleID     string   `json:"rule_id"`
			Severity   string   `json:"severity"`
			Resource   string   `json:"resource"`
			Principals []string `json:"principals"`
			Group      int      `json:"group"`
		} `json:"findings"`
		Summary struct {
			Problems int `json:"problems"`
		} `json:"summary"`
	}
	if err := json.Unmarshal([]byte(js), &rep); err != nil {
		t.Fatal(err)
	}
	type group struct {
		severity  string
		rules     []string
		resources []string
		who       []string
		identity  bool
	}
	order := []string{"critical", "high", "medium", "low", "info"}
	groups := map[int]*group{}
	for _, f := range rep.Findings {
		if f.Group < 1 {
			t.Fatalf("finding %s on %s has no group", f.RuleID, f.Resource)
		}
		g := groups[f.Group]
		if g == nil {
			g = &group{severity: f.Severity}
			groups[f.Group] = g
		}
		if slices.Index(order, f.Severity) < slices.Index(order, g.severity) {
			g.severity = f.Severity
		}
		if r, ok := rules.Lookup(f.RuleID); ok && r.Scope == rules.ScopeIdentity {
			g.identity = true
		}
		for _, s := range []*[]string{&g.rules, &g.resources} {
			v := f.RuleID
			if s == &g.resources {
				v = f.Resource
			}
			if !slices.Contains(*s, v) {
				*s = append(*s, v)
			}
		}
		for _, p := range f.Principals {
			if !slices.Contains(g.who, p) {
				g.who = append(g.who, p)
			}
		}
	}
	var out []string
	for id, g := range groups {
		if len(g.resources) != 1 && !g.identity {
			t.Errorf("group %d spans resources %q", id, g.resources)
		}
		slices.Sort(g.who)
		subject := g.resources[0]
		if g.identity {
			subject = strings.Join(g.who, ", ")
		}
		out = append(out, problem(g.severity, g.rules, subject, g.who))
	}
	slices.Sort(out)
	return out, rep.Summary.Problems
}
