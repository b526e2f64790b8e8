package rules_test

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/ecrguard/ecrguard/analysis"
	"github.com/ecrguard/ecrguard/estate"
	"github.com/ecrguard/ecrguard/policy"
	"github.com/ecrguard/ecrguard/rules"
)

// TestECR011NamesEveryParseProblem follows docs/rules (ECR011: a policy
// that does not parse or validate is an ECR011 finding at its line as well
// as a coverage gap, and every problem in it is named) and the IAM User
// Guide, "IAM JSON policy element reference" (Version, Effect and the
// element names AWS accepts).
func TestECR011NamesEveryParseProblem(t *testing.T) {
	tests := []struct {
		name, text string
		// want are line:col and a message fragment of each finding.
		want []string
	}{
		{"three problems", "{\n \"Version\": \"2012-10-18\",\n \"Statement\": [{\n  \"Princpal\": \"*\",\n  \"Action\": \"ecr:BatchGetImage\"\n }]\n}",
			[]string{`2:13 Version: expected "2012-10-17" or "2008-10-17", got "2012-10-18"`, `3:16 Statement[0]: missing the Effect element`, `4:3 Statement[0]: unknown element "Princpal"`}},
		{"misspelled Action", `{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": "*", "Actions": "ecr:*"}]}`,
			[]string{`1:79 Statement[0]: unknown element "Actions"`, `1:41 Statement[0]: missing Action or NotAction`}},
		{"invalid JSON", `{"Version": "2012-10-17", "Statement": [}`, []string{`1:41 Invalid JSON`}},
	}
	const arn = "arn:aws:ecr:us-east-1:111122223333:repository/app"
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := policy.Parse([]byte(tt.text), "app.json")
			var pe *policy.Error
			if !errors.As(err, &pe) {
				t.Fatalf("Parse: %v, want a *policy.Error", err)
			}
			est := estate.New()
			est.AddGap(estate.Gap{Source: "app.json", Pos: pe.Pos, Account: "111122223333", Region: "us-east-1", Resource: arn,
				Code: "parse-error", Message: pe.Msg, Problems: policy.ProblemsOf(err)})
			res := rules.Run(est, analysis.Settings{})
			if len(res.Gaps) != 1 || res.Gaps[0].Code != "parse-error" {
				t.Errorf("gaps = %v, want the one parse-error gap (exit code 2)", res.Gaps)
			}
			var got []string
			for _, f := range res.Findings {
				if f.RuleID != "ECR011" {
					continue
				}
				got = append(got, fmt.Sprintf("%d:%d %s", f.Source.Line, f.Source.Col, f.Message))
				if f.Resource != arn || f.Source.File != "app.json" {
					t.Errorf("finding on %s at %s, want %s in app.json", f.Resource, f.Source, arn)
				}
				if !strings.Contains(f.Message, "does not parse") {
					t.Errorf("message %q does not say the policy does not parse", f.Message)
				}
			}
			if len(got) != len(tt.want) {
				t.Fatalf("ECR011 findings\n got %q\nwant %q", got, tt.want)
			}
			for _, w := range tt.want {
				found := false
				for _, g := range got {
					found = found || strings.HasPrefix(g, w)
				}
				if !found {
					t.Errorf("no finding %q among %q", w, got)
				}
			}
		})
	}
}
