package rules_test

import (
	"testing"

	"github.com/ecrguard/ecrguard/estate"
	"github.com/ecrguard/ecrguard/rules"
)

func TestExitCodeWithGaps(t *testing.T) {
	gap := []estate.Gap{{Source: "a.json", Code: estate.GapParseError, Message: "invalid JSON"}}
	high := []rules.Finding{{RuleID: "ECR001", Severity: rules.High}}
	low := []rules.Finding{{RuleID: "ECR010", Severity: rules.Low}}
	tests := []struct {
		name     string
		res      rules.Result
		none     bool
		gapsCode int
		want     int
	}{
		{"clean", rules.Result{}, false, 2, rules.ExitOK},
		{"gaps win over findings by default", rules.Result{Findings: high, Gaps: gap}, false, 2, rules.ExitIncomplete},
		{"gaps alone", rules.Result{Gaps: gap}, false, 2, rules.ExitIncomplete},
		{"another code for gaps", rules.Result{Findings: high, Gaps: gap}, false, 3, 3},
		{"gaps ignored, findings fail", rules.Result{Findings: high, Gaps: gap}, false, 0, rules.ExitFindings},
		{"gaps ignored, findings below --fail-on", rules.Result{Findings: low, Gaps: gap}, false, 0, rules.ExitOK},
		{"gaps ignored, --fail-on none", rules.Result{Findings: high, Gaps: gap}, true, 0, rules.ExitOK},
		{"no gaps, the gaps code does not apply", rules.Result{Findings: high}, false, 3, rules.ExitFindings},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.res.ExitCodeWithGaps(rules.High, tt.none, tt.gapsCode); got != tt.want {
				t.Errorf("ExitCodeWithGaps = %d, want %d", got, tt.want)
			}
		})
	}
	if got := (&rules.Result{Gaps: gap}).ExitCode(rules.High, true); got != rules.ExitIncomplete {
		t.Errorf("ExitCode with gaps and --fail-on none = %d, want %d", got, rules.ExitIncomplete)
	}
}
