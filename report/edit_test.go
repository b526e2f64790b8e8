package report

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/ecrguard/ecrguard/policy"
	"github.com/ecrguard/ecrguard/rules"
)

// A finding whose resource has a proven edit shows the edit: a diff in
// the table (--detail), markdown and HTML, the edit in JSON, and a SARIF
// fix inserting the same text at the same place.
func TestEditShown(t *testing.T) {
	res := editResult()
	diff := res.Fixes[0].Edit.Diff
	out := func(f Format, o Options) string {
		var b strings.Builder
		if err := Write(&b, f, res, o); err != nil {
			t.Fatal(err)
		}
		return b.String()
	}
	if s := out(Table, Options{Detail: true, Width: 120}); !strings.Contains(s, "  edit    --- a/infra/t.yaml\n") || !strings.Contains(s, "+          - Sid: EcrguardDenyOutsideTrustZone\n") {
		t.Errorf("table --detail has no diff:\n%s", s)
	}
	if s := out(Markdown, Options{}); !strings.Contains(s, "```diff\n"+diff+"```\n") {
		t.Errorf("markdown has no diff block:\n%s", s)
	}
	if s := out(HTML, Options{}); !strings.Contains(s, `<pre class="diff">--- a/infra/t.yaml`) {
		t.Error("html has no diff")
	}
	var rep struct {
		Findings []struct {
			Edit struct {
				File, Insert, Diff, Path string
				Line, Column             int
			} `json:"edit"`
		} `json:"findings"`
	}
	if err := json.Unmarshal([]byte(out(JSON, Options{})), &rep); err != nil {
		t.Fatal(err)
	}
	if e := rep.Findings[0].Edit; e.File != "infra/t.yaml" || e.Line != 4 || e.Column != 1 || e.Diff != diff || e.Path != "infra/t.yaml" || !strings.HasPrefix(e.Insert, "          - Sid") {
		t.Errorf("json edit = %+v", e)
	}
	var log struct {
		Runs []struct {
			Results []struct {
				Fixes []struct {
					ArtifactChanges []struct {
						ArtifactLocation struct{ URI string } `json:"artifactLocation"`
						Replacements     []struct {
							DeletedRegion struct {
								StartLine, StartColumn, EndLine, EndColumn int
							} `json:"deletedRegion"`
							InsertedContent struct{ Text string } `json:"insertedContent"`
						} `json:"replacements"`
					} `json:"artifactChanges"`
				} `json:"fixes"`
			} `json:"results"`
		} `json:"runs"`
	}
	if err := json.Unmarshal([]byte(out(SARIF, Options{})), &log); err != nil {
		t.Fatal(err)
	}
	fixes := log.Runs[0].Results[0].Fixes
	if len(fixes) != 1 || len(fixes[0].ArtifactChanges) != 1 || len(fixes[0].ArtifactChanges[0].Replacements) != 1 {
		t.Fatalf("SARIF fixes = %+v", fixes)
	}
	ch := fixes[0].ArtifactChanges[0]
	r := ch.Replacements[0]
	if ch.ArtifactLocation.URI != "infra/t.yaml" || r.DeletedRegion.StartLine != 4 || r.DeletedRegion.StartColumn != 1 || r.DeletedRegion.EndColumn != 1 || r.InsertedContent.Text != res.Fixes[0].Edit.Text {
		t.Errorf("SARIF fix = %+v", ch)
	}
}

// editResult is a finding on a repository whose fix is a proven edit.
func editResult() *rules.Result {
	const arn = "arn:aws:ecr:us-east-1:111122223333:repository/app"
	diff := "--- a/infra/t.yaml\n+++ b/infra/t.yaml\n@@ -3,1 +3,2 @@\n           Action: ecr:BatchGetImage\n+          - Sid: EcrguardDenyOutsideTrustZone\n"
	return &rules.Result{
		Findings: []rules.Finding{{RuleID: "ECR001", Severity: rules.Critical, Title: "Repository is public", Resource: arn,
			Source: policy.Pos{File: "infra/t.yaml", Line: 3, Col: 11}, Principals: []string{"*"}, Actions: []string{"ecr:BatchGetImage"},
			Message: "Anyone can pull.", Remediation: "Proven fix: append the guard."}},
		Fixes: []rules.FixFile{{Resource: arn, Edit: &rules.Edit{File: "infra/t.yaml", Path: "infra/t.yaml", Offset: 80, Line: 4, Column: 1,
			Text: "          - Sid: EcrguardDenyOutsideTrustZone\n", Diff: diff}}},
	}
}

// The Markdown report names an edited file as a code span that holds
// whatever the file's name holds: a backtick in it (a legal file name)
// closed the span and left the rest as Markdown.
func TestEditFileNameIsCodeInMarkdown(t *testing.T) {
	res := editResult()
	res.Fixes[0].Edit.File = "infra/we`ird *name*.yaml"
	var b strings.Builder
	if err := Write(&b, Markdown, res, Options{}); err != nil {
		t.Fatal(err)
	}
	if want := "**Edit** of `` infra/we`ird *name*.yaml ``:"; !strings.Contains(b.String(), want) {
		t.Errorf("markdown has no %s:\n%s", want, b.String())
	}
}
