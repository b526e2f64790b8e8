package rules

import (
	"os"
	"regexp"
	"strings"
	"testing"
)

func TestParseSelection(t *testing.T) {
	s, err := ParseSelection(" high,critical,high ", "ecr003, ECR001", "")
	if err != nil {
		t.Fatal(err)
	}
	if got := s.String(); got != "severity critical,high; rules ECR001,ECR003" {
		t.Errorf("String() = %q", got)
	}
	if s, err := ParseSelection("", "", ""); err != nil || !s.IsZero() {
		t.Errorf("empty flags: %+v, %v; want the zero selection", s, err)
	}
	for _, tt := range []struct{ severity, rule, skip, want string }{
		{"hgh", "", "", `--severity: unknown severity "hgh"`},
		{"", "ECR01", "", `--rule: unknown rule "ECR01" (did you mean "ECR001"?)`},
		{"", "", "ECR0011", `--skip-rule: unknown rule "ECR0011" (did you mean "ECR001"?)`},
		{"", "", "nothing", `--skip-rule: unknown rule "NOTHING"; expected one of ECR001 to`},
		{"", "ECR001", "ECR002", "--rule and --skip-rule cannot be combined"},
	} {
		_, err := ParseSelection(tt.severity, tt.rule, tt.skip)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("ParseSelection(%q, %q, %q) = %v, want an error with %q", tt.severity, tt.rule, tt.skip, err, tt.want)
		}
	}
}

func TestResultSelect(t *testing.T) {
	findings := func() []Finding {
		return []Finding{
			{RuleID: "ECR001", Severity: Critical},
			{RuleID: "ECR003", Severity: High},
			{RuleID: "ECR005", Severity: Medium, Suppressed: "accepted"},
		}
	}
	tests := []struct {
		name      string
		sel       Selection
		wantRules string
		removed   int
	}{
		{"severity", Selection{Severities: []Severity{High, Medium}}, "ECR003,ECR005", 1},
		{"rules", Selection{Rules: []string{"ECR001"}}, "ECR001", 2},
		{"skip", Selection{Skip: []string{"ECR001", "ECR005"}}, "ECR003", 2},
		{"severity and rules", Selection{Severities: []Severity{Critical}, Rules: []string{"ECR003"}}, "", 3},
	}
	for _, tt := range tests {
		r := &Result{Findings: findings()}
		r.Select(tt.sel)
		var ids []string
		for _, f := range r.Findings {
			ids = append(ids, f.RuleID)
		}
		if got := strings.Join(ids, ","); got != tt.wantRules {
			t.Errorf("%s: kept %q, want %q", tt.name, got, tt.wantRules)
		}
		if r.Filter == nil || r.Filter.Removed != tt.removed {
			t.Errorf("%s: Filter = %+v, want %d removed", tt.name, r.Filter, tt.removed)
		}
	}
	// The exit code sees only what is kept: a critical finding left out
	// does not fail --fail-on critical.
	r := &Result{Findings: findings()}
	r.Select(Selection{Severities: []Severity{High}})
	if code := r.ExitCode(Critical, false); code != ExitOK {
		t.Errorf("exit code after filtering out the critical finding = %d, want %d", code, ExitOK)
	}
	// Fixes follow the findings kept: --fix-dir writes no fix for a
	// resource whose findings were all left out.
	r = &Result{
		Findings: []Finding{{RuleID: "ECR001", Severity: Critical, Resource: "repo/a"}, {RuleID: "ECR010", Severity: Medium, Resource: "repo/b"}},
		Fixes:    []FixFile{{Resource: "repo/a", Name: "a.json"}, {Resource: "repo/b", Name: "b.json"}},
	}
	r.Select(Selection{Rules: []string{"ECR010"}})
	if len(r.Fixes) != 1 || r.Fixes[0].Resource != "repo/b" {
		t.Errorf("fixes after --rule ECR010: %+v, want only repo/b's", r.Fixes)
	}
	// The zero selection changes nothing and records no filter.
	r = &Result{Findings: findings()}
	r.Select(Selection{})
	if len(r.Findings) != 3 || r.Filter != nil {
		t.Errorf("zero selection: %d findings, filter %+v", len(r.Findings), r.Filter)
	}
	if got := (&Filter{Selection: Selection{Skip: []string{"ECR005"}}, Removed: 1}).Summary(); got != "filtered (skipped rules ECR005): 1 finding left out" {
		t.Errorf("Summary() = %q", got)
	}
}

// Every problem the validator reports has a fix of its own: the table
// shows only the fix, and "Fix the element named in the message" sent the
// reader to a message it does not show. The codes are read from the
// validator's source, so that a new one without a fix fails here.
func TestECR011FixPerProblem(t *testing.T) {
	entries, err := os.ReadDir("../validate")
	if err != nil {
		t.Fatal(err)
	}
	add := regexp.MustCompile(`c\.add\([^,]*, "([a-z-]+)"`)
	codes := map[string]bool{}
	for _, e := range entries {
		if !strings.HasSuffix(e.Name(), ".go") || strings.HasSuffix(e.Name(), "_test.go") {
			continue
		}
		src, err := os.ReadFile("../validate/" + e.Name())
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range add.FindAllStringSubmatch(string(src), -1) {
			codes[m[1]] = true
		}
	}
	if len(codes) < 10 {
		t.Fatalf("found %d problem codes in ../validate: the pattern no longer reads its c.add calls", len(codes))
	}
	generic := remediationFor("")
	for code := range codes {
		if remediationFor(code) == generic {
			t.Errorf("problem %q has no fix of its own", code)
		}
	}
}
