package rules_test

import (
	"strings"
	"testing"

	"github.com/ecrguard/ecrguard/analysis"
	"github.com/ecrguard/ecrguard/estate"
	"github.com/ecrguard/ecrguard/rules"
)

// ownerlessEstate holds one repository whose owner the inputs do not name,
// as Terraform without --account reads it (docs/semantics.md, "The owner
// account").
func ownerlessEstate(t *testing.T, text string) *estate.Estate {
	t.Helper()
	doc := mustParse(t, text, "main.tf")
	est := estate.New()
	r := est.Account("").Region("us-east-1").Repository("app")
	r.SetPolicy(&estate.Policy{Name: "repository policy of app", Doc: doc, Source: doc.Pos})
	return est
}

// TestUnknownOwnerReport checks the report on a repository whose owner is
// unknown: a grant to one partner is ECR003 for it, not ECR001; the owner
// is called "the owner account" (never an empty string); and the fix names
// the owner as ${aws:ResourceAccount} in a file named for "owner".
func TestUnknownOwnerReport(t *testing.T) {
	res := rules.Run(ownerlessEstate(t, `{"Version":"2012-10-17","Statement":[{"Sid":"PartnerPull","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::444455556666:root"},"Action":"ecr:BatchGetImage"}]}`), analysis.Settings{})
	var ids []string
	for _, f := range res.Findings {
		ids = append(ids, f.RuleID)
		text := f.Message + " " + f.Remediation
		for _, empty := range []string{"In ,", "through .", "file://-", "DIR/-", `[""]`, "account  ", "from and"} {
			if strings.Contains(text, empty) {
				t.Errorf("%s says %q, an empty name:\n%s", f.RuleID, empty, text)
			}
		}
		if f.RuleID == "ECR003" && !strings.Contains(f.Principals[0], "444455556666") {
			t.Errorf("ECR003 names %v, not the partner", f.Principals)
		}
		if !strings.Contains(text, "the owner account") {
			t.Errorf("%s does not call the owner \"the owner account\":\n%s", f.RuleID, text)
		}
	}
	if strings.Join(ids, ",") != "ECR003" {
		t.Errorf("findings %v, want ECR003 only", ids)
	}
	for _, n := range res.Notes {
		if strings.TrimSpace(n.Source) == "account" || strings.HasSuffix(n.Source, "account ") {
			t.Errorf("note names an empty account: %q", n.Source)
		}
	}
	if len(res.Fixes) != 1 || res.Fixes[0].Name != "owner-us-east-1-app-policy.json" {
		t.Fatalf("fixes %+v, want owner-us-east-1-app-policy.json", res.Fixes)
	}
	if !strings.Contains(string(res.Fixes[0].JSON), "${aws:ResourceAccount}") {
		t.Errorf("the fix does not name the owner as ${aws:ResourceAccount}:\n%s", res.Fixes[0].JSON)
	}
}

// TestFixThatDeniesOwnerNotWritten checks that a fix the owner check
// refuses is not written, and that the report says why: an unknown owner
// in a policy of Version 2008-10-17, where the guard's
// ${aws:ResourceAccount} would be literal text and deny the owner itself.
func TestFixThatDeniesOwnerNotWritten(t *testing.T) {
	res := rules.Run(ownerlessEstate(t, `{"Version":"2008-10-17","Statement":[{"Sid":"Public","Effect":"Allow","Principal":"*","Action":"ecr:BatchGetImage"}]}`), analysis.Settings{})
	if len(res.Fixes) != 0 {
		t.Errorf("a fix that denies the owner was written: %s", res.Fixes[0].JSON)
	}
	found := false
	for _, f := range res.Findings {
		if f.RuleID != "ECR001" {
			continue
		}
		found = true
		for _, w := range []string{"ecrguard wrote no fix", "not proven safe for the owner account", "would deny", "Version 2012-10-17"} {
			if !strings.Contains(f.Remediation, w) {
				t.Errorf("remediation lacks %q:\n%s", w, f.Remediation)
			}
		}
		if strings.Contains(f.Remediation, "Proven fix") || strings.Contains(f.Remediation, "--fix-dir") {
			t.Errorf("remediation offers the refused fix:\n%s", f.Remediation)
		}
	}
	if !found {
		t.Error("Principal * is not ECR001 under an unknown owner")
	}
}

// TestUnknownOwnerOrgReport: with no trusted.org_ids, Principal "*" held to
// the owner's organization (aws:PrincipalOrgID against ${aws:ResourceOrgID})
// is ECR003 for "the owner's organization", never public and never the id
// ecrguard made up for it (docs/semantics.md, "Keys fixed by the world").
func TestUnknownOwnerOrgReport(t *testing.T) {
	res := rules.Run(ownerlessEstate(t, `{"Version":"2012-10-17","Statement":[{"Sid":"AnyPull","Effect":"Allow","Principal":"*","Action":"ecr:BatchGetImage"},`+
		`{"Sid":"SameOrgOnly","Effect":"Deny","Principal":"*","Action":"ecr:*","Condition":{"StringNotEquals":{"aws:PrincipalOrgID":"${aws:ResourceOrgID}"}}}]}`), analysis.Settings{})
	var ids []string
	for _, f := range res.Findings {
		ids = append(ids, f.RuleID)
		text := f.Message + " " + f.Remediation + " " + strings.Join(f.Principals, " ")
		if strings.Contains(text, "ecrgowner") {
			t.Errorf("%s names the made-up organization id:\n%s", f.RuleID, text)
		}
		if f.RuleID == "ECR003" && (!strings.HasPrefix(f.Message, "The owner's organization") || strings.Join(f.Principals, ",") != "the owner's organization") {
			t.Errorf("ECR003 does not name the owner's organization: %v\n%s", f.Principals, f.Message)
		}
	}
	if strings.Join(ids, ",") != "ECR003" {
		t.Errorf("findings %v, want ECR003 only", ids)
	}
}
