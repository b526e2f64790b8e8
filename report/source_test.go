package report

import (
	"strings"
	"testing"

	"github.com/ecrguard/ecrguard/analysis"
	"github.com/ecrguard/ecrguard/estate"
	"github.com/ecrguard/ecrguard/policy"
	"github.com/ecrguard/ecrguard/rules"
)

// TestSourceText checks how a position reads: file:line for a file, and the
// ARN and the line in the policy for a document read from AWS, whose
// position names it by a label (docs/snapshot.md, "Policy sources").
func TestSourceText(t *testing.T) {
	for _, tc := range []struct {
		pos  policy.Pos
		col  bool
		want string
	}{
		{policy.Pos{}, false, ""},
		{policy.Pos{File: "estate/app.json", Line: 4, Col: 5}, false, "estate/app.json:4"},
		{policy.Pos{File: "estate/app.json", Line: 4, Col: 5}, true, "estate/app.json:4:5"},
		{policy.Pos{File: "estate/app.json"}, false, "estate/app.json"},
		{policy.Pos{Line: 4, Col: 5}, false, "line 4"},
		{policy.Pos{File: "arn:aws:ecr:us-east-1:111122223333:repository/app", Line: 4, Col: 5}, false,
			"arn:aws:ecr:us-east-1:111122223333:repository/app (policy line 4)"},
		{policy.Pos{File: "arn:aws:ecr:us-east-1:111122223333:repository/broken", Line: 1, Col: 37}, true,
			"arn:aws:ecr:us-east-1:111122223333:repository/broken (policy line 1, column 37)"},
		{policy.Pos{File: "arn:aws:iam::aws:policy/AmazonEC2ContainerRegistryReadOnly#v3", Line: 1, Col: 1}, false,
			"arn:aws:iam::aws:policy/AmazonEC2ContainerRegistryReadOnly (version v3, policy line 1)"},
		{policy.Pos{File: "arn:aws:iam::111122223333:role/ci#inline/Push", Line: 6, Col: 1}, false,
			"arn:aws:iam::111122223333:role/ci (inline policy Push, line 6)"},
		{policy.Pos{File: "arn:aws:iam::111122223333:role/ci#trust", Line: 3, Col: 1}, false,
			"arn:aws:iam::111122223333:role/ci (trust policy line 3)"},
		{policy.Pos{File: "scp:ou-ab12-11111111", Line: 2, Col: 1}, false, "the SCPs on ou-ab12-11111111 (policy line 2)"},
		{policy.Pos{File: "arn:aws:iam::aws:policy/AmazonEC2ContainerRegistryReadOnly#v3"}, false,
			"arn:aws:iam::aws:policy/AmazonEC2ContainerRegistryReadOnly (version v3)"},
	} {
		if got := sourceText(tc.pos, tc.col); got != tc.want {
			t.Errorf("sourceText(%+v, %v) = %q, want %q", tc.pos, tc.col, got, tc.want)
		}
	}
}

// TestDetachedPolicyText checks that a finding on an identity policy read
// without the principals it is attached to names the policy's file, not
// the stand-in "policy:…", and that the summary counts it as an identity
// policy rather than a resource.
func TestDetachedPolicyText(t *testing.T) {
	r := &rules.Result{Findings: []rules.Finding{{
		RuleID: "ECR006", Severity: rules.High, Title: "Unrestricted delete", Message: "m", Remediation: "fix",
		Resource: "policy:identity policy idp.json", Principals: []string{"policy:identity policy idp.json"},
		Source: policy.Pos{File: "idp.json", Line: 4, Col: 5}, Actions: []string{"ecr:BatchDeleteImage"},
	}}}
	for _, tc := range []struct {
		format Format
		want   []string
	}{
		{Table, []string{
			"ecrguard: 1 problem: 1 high (1 finding)",
			"where     idp.json (an identity policy file; ecrguard does not know what",
			"who       any principal it is attached to",
			"1 problem (1 high) on 1 identity policy, from 1 finding (1 high); 1 identity",
		}},
		{Markdown, []string{
			"on 1 identity policy, from 1 finding (1 high); 1 identity policy assessed.",
			"**Resource:** idp.json (an identity policy file; ecrguard does not know what it is attached to)",
			"**Who:** any principal it is attached to",
		}},
	} {
		var b strings.Builder
		if err := Write(&b, tc.format, r, Options{}); err != nil {
			t.Fatal(err)
		}
		for _, w := range tc.want {
			if !strings.Contains(b.String(), w) {
				t.Errorf("%s report lacks %q:\n%s", tc.format, w, b.String())
			}
		}
		if strings.Contains(b.String(), "policy:identity") || strings.Contains(b.String(), "0 resources") {
			t.Errorf("%s report names the stand-in or counts 0 resources:\n%s", tc.format, b.String())
		}
	}
}

// TestWhoCanDetachedPolicy checks that who-can's table names the holders of
// a detached identity policy in words; its JSON keeps the principal as the
// analysis names it.
func TestWhoCanDetachedPolicy(t *testing.T) {
	entries := []analysis.WhoCanEntry{{Principal: "policy:identity policy idp.json", Via: []string{"identity policy idp.json"}}}
	var b strings.Builder
	if err := WriteWhoCanTable(&b, "ecr:BatchDeleteImage", "arn:aws:ecr:us-east-1:111122223333:repository/app", entries, false, 0); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(b.String(), "whoever identity policy idp.json is attached to") || strings.Contains(b.String(), "policy:") {
		t.Errorf("who-can table:\n%s", b.String())
	}
	b.Reset()
	if err := WriteWhoCanJSON(&b, "ecr:BatchDeleteImage", "arn:aws:ecr:us-east-1:111122223333:repository/app", entries); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(b.String(), `"arn": "policy:identity policy idp.json"`) {
		t.Errorf("who-can JSON:\n%s", b.String())
	}
}

// TestMarkdownSourceOfAWSDocument checks that Markdown sets the ARN of a
// document read from AWS as code and where in it as prose.
func TestMarkdownSourceOfAWSDocument(t *testing.T) {
	r := &rules.Result{Findings: []rules.Finding{{
		RuleID: "ECR001", Severity: rules.Critical, Title: "Repository is public", Message: "m",
		Resource: "arn:aws:ecr:us-east-1:111122223333:repository/app", Principals: []string{"*"},
		Source: policy.Pos{File: "arn:aws:ecr:us-east-1:111122223333:repository/app", Line: 4, Col: 5},
	}}}
	var b strings.Builder
	if err := Write(&b, Markdown, r, Options{}); err != nil {
		t.Fatal(err)
	}
	if want := "**Source:** `arn:aws:ecr:us-east-1:111122223333:repository/app` (policy line 4)"; !strings.Contains(b.String(), want) {
		t.Errorf("Markdown lacks %q:\n%s", want, b.String())
	}
}

// TestNoteTextNamesItsSourceOnce: a note whose message starts with a
// position in its source file ("main.tf:14:1: …") is shown without the
// file again in front; other notes are shown as "SOURCE: message".
func TestNoteTextNamesItsSourceOnce(t *testing.T) {
	for _, c := range []struct {
		n    estate.Note
		want string
	}{
		{estate.Note{Source: "infra/main.tf", Message: "infra/main.tf:14:1: var.x has no value"}, "infra/main.tf:14:1: var.x has no value"},
		{estate.Note{Source: "infra", Message: "skipped 2 files"}, "infra: skipped 2 files"},
		{estate.Note{Message: "no source"}, "no source"},
	} {
		if got := noteText(c.n); got != c.want {
			t.Errorf("noteText(%+v) = %q, want %q", c.n, got, c.want)
		}
	}
}

// TestUnknownOwnerIsNamed: an ARN of the owner account when the inputs do
// not say which account that is (Terraform without --account) reads
// "<owner account>", as the report's note calls it, not an empty field;
// other ARNs are shown as they are.
func TestUnknownOwnerIsNamed(t *testing.T) {
	if got := resourceText(rules.Finding{Resource: "arn:aws:ecr:us-east-1::repository/app"}); got != "arn:aws:ecr:us-east-1:<owner account>:repository/app" {
		t.Errorf("resourceText = %q", got)
	}
	for p, want := range map[string]string{
		"arn:aws:iam:::role/ci":             "arn:aws:iam::<owner account>:role/ci",
		"arn:aws:iam::111122223333:role/ci": "arn:aws:iam::111122223333:role/ci",
		"service:codebuild.amazonaws.com":   "service:codebuild.amazonaws.com",
		"arn:aws:s3:::bucket":               "arn:aws:s3:::bucket",
	} {
		if got := principalText(p); got != want {
			t.Errorf("principalText(%q) = %q, want %q", p, got, want)
		}
	}
}
