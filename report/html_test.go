package report

import (
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/ecrguard/ecrguard/analysis"
	"github.com/ecrguard/ecrguard/policy"
	"github.com/ecrguard/ecrguard/rules"
)

// mapFindings covers every column of the access map: anyone, another
// account, an organization, a service acting for others, and the account's
// own principals through an identity policy; and a finding with no one.
func mapFindings() []rules.Finding {
	pull := []string{"ecr:BatchGetImage"}
	line := 0
	f := func(id, res string, principals, actions []string) rules.Finding {
		x := finding(id)
		x.Resource, x.Principals, x.Actions = res, principals, actions
		line++
		if id == "ECR002" {
			line-- // the statement of ECR001
		}
		x.Source = policy.Pos{File: "p.json", Line: line}
		x.Message, x.Remediation = "proof of "+id, "fix `aws ecr x`"
		return x
	}
	return []rules.Finding{
		f("ECR001", repoARN("app"), []string{"*"}, pull),
		f("ECR002", repoARN("app"), []string{"*"}, pull),
		f("ECR003", repoARN("app"), []string{"arn:aws:iam::999988887777:root"}, []string{"ecr:PutImage", "ecr:DescribeImages"}),
		f("ECR004", repoARN("app"), []string{"arn:aws:iam::999988887777:role/r"}, []string{"ecr:SetRepositoryPolicy"}),
		f("ECR003", repoARN("lib"), []string{"o-abc123defg/r-ab12/ou-ab12-11111111"}, pull),
		f("ECR010", repoARN("lib"), []string{"service:codebuild.amazonaws.com"}, pull),
		f("ECR003", "arn:aws:ecr:us-east-1:111122223333:registry", []string{"arn:aws:iam::999988887777:root"}, []string{"ecr:ReplicateImage"}),
		f("ECR009", "arn:aws:iam::111122223333:role/cleaner", []string{"arn:aws:iam::111122223333:role/cleaner"}, []string{"ecr:BatchDeleteImage"}),
		f("ECR011", repoARN("odd"), nil, nil),
	}
}

// mapped is f of every element of xs.
func mapped[T any](xs []T, f func(T) string) []string {
	out := make([]string, len(xs))
	for i, x := range xs {
		out[i] = f(x)
	}
	return out
}

func TestAccessMap(t *testing.T) {
	m := buildAccessMap(Group(mapFindings()))
	cols := mapped(m.Columns, func(c mapColumn) string { return c.Key })
	if wantCols := []string{"anyone", "account:999988887777", "org:o-abc123defg", "service", "own"}; !slices.Equal(cols, wantCols) {
		t.Fatalf("columns = %q, want %q", cols, wantCols)
	}
	rows := mapped(m.Rows, func(r mapRow) string { return r.Label })
	if wantRows := []string{"app", "lib", "odd", "registry 111122223333 us-east-1", "identity policies of account 111122223333"}; !slices.Equal(rows, wantRows) {
		t.Fatalf("rows = %q, want %q", rows, wantRows)
	}
	// cell reads "classes severity rules" ("" for an empty cell).
	cell := func(row, col int) string {
		c := m.Rows[row].Cells[col]
		if c.Empty() {
			return ""
		}
		return strings.Join(c.Classes, ",") + " " + c.Severity.String() + " " + strings.Join(c.Rules, ",")
	}
	for _, tc := range []struct {
		row, col int
		want     string
	}{
		{0, 0, "pull critical ECR001,ECR002"},
		{0, 1, "push,permissions,other critical ECR003,ECR004"},
		{0, 2, ""},
		{1, 2, "pull high ECR003"},
		{1, 3, "pull medium ECR010"},
		{2, 0, ""},
		{3, 1, "other high ECR003"},
		{4, 4, "delete medium ECR009"},
		{4, 0, ""},
	} {
		if got := cell(tc.row, tc.col); got != tc.want {
			t.Errorf("cell %s × %s = %q, want %q", rows[tc.row], cols[tc.col], got, tc.want)
		}
	}
	if o := m.Rows[2].Other; len(o) != 1 || o[0].Rules != "ECR011" {
		t.Errorf("row odd points at %+v, want its ECR011 entry", o)
	}
}

func TestHTMLSelfContained(t *testing.T) {
	r := &rules.Result{Findings: mapFindings(), Resources: 4}
	r.Findings[8].Resource = repoARN(`x"><script>alert(1)</script>`)
	out := string(write(t, HTML, r, Options{Trust: Trust{Account: acct, Settings: analysis.Settings{TrustedOrgIDs: []string{"o-abc123defg"}}}}))
	for _, bad := range []string{"<script>alert(1)", "<link", "src=", "http://", "https://", "@import", "url("} {
		if strings.Contains(out, bad) {
			t.Errorf("the page holds %q: it must be self-contained and escape its inputs", bad)
		}
	}
	for _, want := range []string{
		`Content-Security-Policy" content="default-src 'none'`,
		"Zone of trust:</strong> account 111122223333 (the owner of the inputs); organization o-abc123defg.",
		"@media print",
		`<label for="f-rule">`, `<label for="f-severity">`, `<label for="f-text">`, `<button type="reset"`,
		":focus-visible",
		"fix <code>aws ecr x</code>",
		`id="complete"`,
	} {
		if !strings.Contains(out, want) {
			t.Errorf("the page lacks %q", want)
		}
	}
	// Every entry is on the page once, with its rules for the filter.
	entries := regexp.MustCompile(`<article class="entry entry-(\w+)" id="e(\d+)" data-id="\d+" data-rules="([^"]*)"`).FindAllStringSubmatch(out, -1)
	if len(entries) != len(Group(r.Findings)) {
		t.Fatalf("%d entries on the page, want %d", len(entries), len(Group(r.Findings)))
	}
	if entries[0][1] != "critical" || entries[0][3] != "ECR001 ECR002" {
		t.Errorf("first entry = %q, want the critical ECR001 ECR002 one", entries[0][1:])
	}
}

// TestHTMLUnpairedBacktick checks that a proof quoting a value with a
// backtick in it (a condition value, a Sid) shows it: the text around it
// was cut into a code span at the backtick, which vanished from the page.
func TestHTMLUnpairedBacktick(t *testing.T) {
	f := finding("ECR001")
	f.Message = "calling ecr:BatchGetImage with aws:UserAgent = a`b is allowed."
	f.Remediation = "apply it with `aws ecr set-repository-policy --repository-name app`."
	out := string(write(t, HTML, &rules.Result{Findings: []rules.Finding{f}, Resources: 1}, Options{}))
	for _, want := range []string{
		"aws:UserAgent = a`b is allowed.",
		"apply it with <code>aws ecr set-repository-policy --repository-name app</code>.",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("the page lacks %q", want)
		}
	}
}

// TestHTMLEmptyMap checks that an empty access map and findings section
// say what they cover: with inputs not assessed, or findings a filter left
// out, "no one has access that breaks a rule" alone read as a clean estate.
func TestHTMLEmptyMap(t *testing.T) {
	filtered := &rules.Result{Resources: 3, Filter: &rules.Filter{Selection: rules.Selection{Severities: []rules.Severity{rules.Info}}, Removed: 4}}
	for name, tc := range map[string]struct {
		r    *rules.Result
		want []string
	}{
		"clean": {&rules.Result{Resources: 3}, []string{
			"<p>No one outside the zone of trust, and no principal of the account, has access that breaks a rule.</p>",
			"<p>No findings.</p>"}},
		"gaps": {partialResult(), []string{
			"<p>No one outside the zone of trust, and no principal of the account, has access that breaks a rule. This covers only what could be assessed: 1 input could not be (see the coverage below).</p>",
			"<p>No findings. This covers only what could be assessed: 1 input could not be (see the coverage below).</p>"}},
		"filtered": {filtered, []string{
			"<p>No finding reported gives anyone access that breaks a rule. Filtered (severity info): 4 findings left out (not reported, not counted in the exit code).</p>",
			"<p>No findings reported. Filtered (severity info): 4 findings left out"}},
	} {
		t.Run(name, func(t *testing.T) {
			out := string(write(t, HTML, tc.r, Options{}))
			for _, want := range tc.want {
				if !strings.Contains(out, want) {
					t.Errorf("the page lacks %q", want)
				}
			}
		})
	}
}

func TestHTMLIncomplete(t *testing.T) {
	out := string(write(t, HTML, partialResult(), Options{}))
	banner := regexp.MustCompile(`(?s)<div class="incomplete" id="incomplete" role="alert">INCOMPLETE: 1 input could not be assessed\.`)
	if !banner.MatchString(out) {
		t.Error("a report with gaps does not say prominently, in its header, that it is incomplete")
	}
	if !strings.Contains(out, "rate exceeded after 5 retries") {
		t.Error("the gap itself is not listed")
	}
	if strings.Contains(out, `id="complete"`) {
		t.Error("a report with gaps claims complete coverage")
	}
}
