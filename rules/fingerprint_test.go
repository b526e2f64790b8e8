package rules

import (
	"testing"

	"github.com/ecrguard/ecrguard/policy"
)

// A fingerprint is what users write in .ecrguardignore: it must not move
// with the line, the wording or the order of lists, and must move with who
// can do what under which condition.
func TestFingerprint(t *testing.T) {
	f := Finding{
		RuleID: "ECR001", Resource: "arn:aws:ecr:us-east-1:111122223333:repository/app",
		Source: policy.Pos{File: "main.tf", Line: 12}, Message: "m",
		Principals: []string{"*"}, Actions: []string{"ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"},
	}
	fp := f.Fingerprint()
	if len(fp) != FingerprintLen {
		t.Fatalf("fingerprint %q", fp)
	}
	// The recipe is a contract (.ecrguardignore files hold these): this
	// value changes only with SARIF's ecrguardFinding/v2 key.
	if fp != "882770f2ed1f6121" {
		t.Errorf("fingerprint %s changed", fp)
	}
	same := f
	same.Source.Line, same.Message, same.Severity = 40, "other words", High
	same.Actions = []string{"ecr:GetDownloadUrlForLayer", "ecr:BatchGetImage"}
	if same.Fingerprint() != fp {
		t.Error("fingerprint moves with the line, message, severity or order")
	}
	for name, g := range map[string]Finding{
		"rule":      {RuleID: "ECR002", Resource: f.Resource, Principals: f.Principals, Actions: f.Actions},
		"condition": {RuleID: f.RuleID, Resource: f.Resource, Principals: f.Principals, Actions: f.Actions, Conditions: []string{"aws:SourceVpc vpc-1"}},
		"principal": {RuleID: f.RuleID, Resource: f.Resource, Principals: []string{"arn:aws:iam::444455556666:root"}, Actions: f.Actions},
		// Fields are length-prefixed: moving a value between lists is a change.
		"lists": {RuleID: f.RuleID, Resource: f.Resource, Actions: append([]string{"*"}, f.Actions...)},
	} {
		if g.Fingerprint() == fp {
			t.Errorf("fingerprint ignores the %s", name)
		}
	}
}
