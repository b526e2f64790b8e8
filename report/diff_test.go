package report

import (
	"bytes"
	"cmp"
	"encoding/json"
	"fmt"
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/ecrguard/ecrguard/diff"
	"github.com/ecrguard/ecrguard/estate"
	"github.com/ecrguard/ecrguard/policy"
	"github.com/ecrguard/ecrguard/rules"
)

// sampleDiff is a comparison with new access of two kinds, removed
// access, a new finding and a gap of HEAD.
func sampleDiff() *diff.Result {
	app := "arn:aws:ecr:us-east-1:111122223333:repository/app"
	role := "arn:aws:iam::111122223333:role/ci"
	// One statement grants anyone four actions: one access, four grants.
	var public []diff.Grant
	for _, action := range []string{"ecr:BatchCheckLayerAvailability", "ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer", "ecr:InitiateLayerUpload"} {
		public = append(public, diff.Grant{Key: diff.Key{Subject: app, Principal: "*", Action: action}, Kind: diff.Repository, Account: "111122223333", Class: diff.Anyone,
			Statements: []diff.Statement{{Policy: "repository policy of app", Label: "Anyone", Pos: policy.Pos{File: "infra/app.tf", Line: 12, Col: 7}}},
			Proof:      "any role in an account outside your zone of trust calling " + action + " is allowed"})
	}
	return &diff.Result{
		New: append(public,
			diff.Grant{Key: diff.Key{Subject: diff.EverySubject("111122223333"), Principal: role, Action: "ecr:PutImage"}, Kind: diff.EveryRepository, Account: "111122223333", Class: diff.OwnPrincipal,
				Statements: []diff.Statement{{Policy: "inline policy Push of role/ci", Label: "statement #1", Pos: policy.Pos{File: "infra/iam.tf", Line: 30, Col: 5}}},
				Conditions: []string{"aws:MultiFactorAuthPresent true"},
				Proof:      role + " calling ecr:PutImage is allowed"}),
		Removed: []diff.Grant{
			{Key: diff.Key{Subject: app, Principal: "arn:aws:iam::444455556666:root", Action: "ecr:BatchGetImage"}, Kind: diff.Repository, Account: "111122223333", Class: diff.Untrusted},
		},
		Findings: &rules.Result{Findings: []rules.Finding{{
			RuleID: "ECR001", Severity: rules.Critical, Title: "Repository is public", Message: "Anyone can pull app.",
			Resource: app, Source: policy.Pos{File: "infra/app.tf", Line: 12, Col: 7}, Principals: []string{"*"},
			Actions: []string{"ecr:BatchGetImage"}, Remediation: "Name the accounts that need access.",
		}}},
		HeadGaps:   []estate.Gap{{Source: "infra/web.tf", Pos: policy.Pos{File: "infra/web.tf", Line: 3, Col: 1}, Code: estate.GapPolicyNotRead, Message: "the policy of web was not read"}},
		BaseGrants: 3, HeadGrants: 7,
		Warnings: []string{"the configuration .ecrguard.yaml differs from origin/main's: both sides are judged with the changed one"},
	}
}

func writeDiff(t *testing.T, f Format, d *diff.Result) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := WriteDiff(&b, f, d, Options{Version: "1.2.3", Width: 80}); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// The diff's reports are golden files: the Markdown comment, the table and
// the JSON report.
func TestDiffGolden(t *testing.T) {
	for _, tc := range []struct {
		format Format
		name   string
	}{{Markdown, "diff.md"}, {Table, "diff.txt"}, {JSON, "diff.json"}, {SARIF, "diff.sarif"}} {
		checkGolden(t, tc.name, writeDiff(t, tc.format, sampleDiff()))
	}
}

// The Markdown comment is short: the summary line, one row per new access
// (the grants of a subject and principal that the same statements make)
// and one line per new finding.
func TestDiffMarkdownShort(t *testing.T) {
	d := sampleDiff()
	out := string(writeDiff(t, Markdown, d))
	rows := strings.Count(out, "\n| ") - 2 // the header and its separator
	if want := len(groupGrants(d.New)); rows != want {
		t.Errorf("%d table rows, want %d (one per new access):\n%s", rows, want, out)
	}
	// Sixty more actions granted by the same statement are one row.
	wide := sampleDiff()
	for i := range 60 {
		g := wide.New[0]
		g.Action = fmt.Sprintf("ecr:Action%02d", i)
		wide.New = append(wide.New, g)
	}
	slices.SortFunc(wide.New, func(a, b diff.Grant) int {
		return cmp.Or(cmp.Compare(a.Subject, b.Subject), cmp.Compare(a.Principal, b.Principal), cmp.Compare(a.Action, b.Action))
	})
	wideOut := string(writeDiff(t, Markdown, wide))
	if got := strings.Count(wideOut, "\n| ") - 2; got != rows {
		t.Errorf("%d rows for %d new grants, want %d:\n%s", got, len(wide.New), rows, wideOut)
	}
	// Beyond maxCommentRows accesses, the others are counted.
	many := sampleDiff()
	for i := range 60 {
		g := many.New[0]
		g.Subject = fmt.Sprintf("arn:aws:ecr:us-east-1:111122223333:repository/r%02d", i)
		many.New = append(many.New, g)
	}
	long := string(writeDiff(t, Markdown, many))
	if rows := strings.Count(long, "\n| ") - 2; rows != maxCommentRows || !strings.Contains(long, "… and 12 more new accesses") {
		t.Errorf("%d rows for %d new grants:\n%s", rows, len(many.New), long)
	}
	for _, l := range strings.Split(strings.TrimSpace(string(writeDiff(t, Table, d))), "\n") {
		if len([]rune(l)) > 80 && strings.Contains(strings.TrimSpace(l), " ") {
			t.Errorf("table line wider than 80 columns: %q", l)
		}
	}
}

// Every key of the diff's JSON report is documented in docs/diff-json.md,
// and the document names no key the report does not write.
func TestDiffJSONDocumented(t *testing.T) {
	doc, err := os.ReadFile("../docs/diff-json.md")
	if err != nil {
		t.Fatal(err)
	}
	var v any
	if err := json.Unmarshal(writeDiff(t, JSON, sampleDiff()), &v); err != nil {
		t.Fatal(err)
	}
	written := map[string]bool{}
	var walk func(prefix string, v any)
	walk = func(prefix string, v any) {
		switch v := v.(type) {
		case map[string]any:
			for k, x := range v {
				// A removed grant has the shape of a new one.
				written[strings.Replace(prefix+k, "removed_access.[].", "new_access.[].", 1)] = true
				walk(strings.Replace(prefix+k+".", "removed_access.[].", "new_access.[].", 1), x)
			}
		case []any:
			for _, x := range v {
				walk(prefix+"[].", x)
			}
		}
	}
	walk("", v)
	// Keys written only in some reports.
	for _, k := range []string{"summary.filter", "suppressed.[].suppressed_reason"} {
		written[k] = true
	}
	documented := map[string]bool{}
	for _, m := range regexp.MustCompile("(?m)^\\| `([a-z_.\\[\\]]+)` \\|").FindAllStringSubmatch(string(doc), -1) {
		documented[m[1]] = true
	}
	for k := range written {
		if !documented[k] && !strings.HasPrefix(k, "findings.[].") && !strings.HasPrefix(k, "suppressed.[].") && !strings.HasPrefix(k, "notes.[].") && !strings.HasPrefix(k, "summary.filter.") {
			t.Errorf("key %s is written but not in docs/diff-json.md", k)
		}
	}
	for k := range documented {
		if !written[k] {
			t.Errorf("docs/diff-json.md names %s, which the report does not write", k)
		}
	}
	if len(documented) < 20 {
		t.Errorf("docs/diff-json.md documents %d keys: its table was not read", len(documented))
	}
}

// The SARIF report holds the new findings, located at their HEAD lines.
func TestDiffSARIF(t *testing.T) {
	var doc struct {
		Runs []struct {
			Results []struct {
				RuleID    string `json:"ruleId"`
				Locations []struct {
					PhysicalLocation struct {
						ArtifactLocation struct{ URI string }    `json:"artifactLocation"`
						Region           struct{ StartLine int } `json:"region"`
					} `json:"physicalLocation"`
				} `json:"locations"`
			} `json:"results"`
		} `json:"runs"`
	}
	if err := json.Unmarshal(writeDiff(t, SARIF, sampleDiff()), &doc); err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, r := range doc.Runs[0].Results {
		loc := r.Locations[0].PhysicalLocation
		got = append(got, fmt.Sprintf("%s %s %d", r.RuleID, loc.ArtifactLocation.URI, loc.Region.StartLine))
	}
	if !slices.Equal(got, []string{"ECR001 infra/app.tf 12"}) {
		t.Errorf("results %v", got)
	}
}

// A format diff does not write is an error.
func TestDiffFormats(t *testing.T) {
	if err := WriteDiff(&bytes.Buffer{}, HTML, sampleDiff(), Options{}); err == nil {
		t.Error("html: no error")
	}
}

// A file name holding "@team" is set as code in the pull-request comment,
// so that it mentions no one.
func TestDiffMarkdownNoMention(t *testing.T) {
	d := sampleDiff()
	d.New[0].Statements[0].Pos.File = "modules/@team/app.tf"
	out := string(writeDiff(t, Markdown, d))
	if !strings.Contains(out, "`modules/@team/app.tf:12`") || strings.Contains(strings.ReplaceAll(out, "`modules/@team/app.tf:12`", ""), "@team") {
		t.Errorf("@team outside code:\n%s", out)
	}
}

// A file name holding "|" stays in its cell of the comment's table: GitHub
// splits a table row at each unescaped pipe, code spans included, and
// drops the cells beyond the header's ("Tables (extension)", GitHub
// Flavored Markdown Spec: "include a pipe in a cell's content by escaping
// it, including inside other inline spans"). The row showed the location
// cut at the pipe.
func TestDiffMarkdownPipeInCell(t *testing.T) {
	d := sampleDiff()
	d.New[0].Statements[0].Pos.File = "infra/a|b.json"
	out := string(writeDiff(t, Markdown, d))
	for line := range strings.SplitSeq(out, "\n") {
		if !strings.HasPrefix(line, "| ") {
			continue
		}
		if cells := len(regexp.MustCompile(`(^|[^\\])\|`).FindAllString(line, -1)); cells != 5 {
			t.Errorf("a row of %d cells, want 4: %s", cells-1, line)
		}
	}
	if !strings.Contains(out, "`infra/a\\|b.json:12`") {
		t.Errorf("the location is not a code span with the pipe escaped:\n%s", out)
	}
}
