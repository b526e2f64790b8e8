package report

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/ecrguard/ecrguard/estate"
	"github.com/ecrguard/ecrguard/internal/golden"
	"github.com/ecrguard/ecrguard/internal/linediff"
	"github.com/ecrguard/ecrguard/policy"
	"github.com/ecrguard/ecrguard/rules"
)

// goldenCase is one result written in some formats to
// testdata/golden/NAME.EXT. A new estate (the examples/ folder, say) is one
// more line in goldenCases.
type goldenCase struct {
	name    string
	result  func() *rules.Result
	opts    Options
	formats []Format // nil: every format
}

func goldenCases() []goldenCase {
	v := "1.2.3"
	return []goldenCase{
		{name: "sample", result: sampleResult, opts: Options{Version: v}},
		{name: "sample-show-suppressed", result: sampleResult, opts: Options{Version: v, ShowSuppressed: true}},
		{name: "sample-color", result: sampleResult, opts: Options{Version: v, Color: true}, formats: []Format{Table}},
		{name: "sample-width-60", result: sampleResult, opts: Options{Version: v, Width: 60}, formats: []Format{Table}},
		{name: "sample-detail", result: sampleResult, opts: Options{Version: v, Detail: true, ShowSuppressed: true}, formats: []Format{Table}},
		{name: "clean", result: cleanResult, opts: Options{Version: v}},
		{name: "partial", result: partialResult, opts: Options{Version: v}},
	}
}

// extension is the golden file extension of a format.
func extension(f Format) string {
	switch f {
	case Table:
		return "txt"
	case JUnit:
		return "xml"
	case Markdown:
		return "md"
	}
	return string(f)
}

func write(t *testing.T, f Format, r *rules.Result, o Options) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := Write(&buf, f, r, o); err != nil {
		t.Fatalf("Write(%s): %v", f, err)
	}
	return buf.Bytes()
}

// checkGolden compares got with testdata/golden/name (go test -update
// rewrites it).
func checkGolden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", "golden", name)
	if golden.Update() {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./report -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from the output (run go test ./report -update and review the diff):\n%s", path, firstDiff(want, got))
	}
}

func TestGolden(t *testing.T) {
	cases := goldenCases()
	for _, c := range cases {
		formats := c.formats
		if formats == nil {
			formats = Formats()
		}
		for _, f := range formats {
			t.Run(c.name+"/"+string(f), func(t *testing.T) {
				got := write(t, f, c.result(), c.opts)
				if f == HTML && c.name != cases[0].name {
					got = htmlFilled(t, got, write(t, HTML, cases[0].result(), cases[0].opts))
				}
				checkGolden(t, c.name+"."+extension(f), got)
			})
		}
	}
}

// The HTML page is a fixed frame (the head with its styles, the script that
// records errors, the title; the filter script at the end) around the part
// the result fills in, from the <p class="meta"> line to </main>. The first
// golden case's .html file holds the whole page; the others hold only the
// filled-in part, below htmlFilledNote, so the frame is pinned once.
const (
	htmlFilledStart = `<p class="meta">`
	htmlFilledEnd   = "</main>\n"
	htmlFilledNote  = "<!-- Only the part of the page the result fills in: report_test.go checks the frame around it against sample.html. -->\n"
)

// htmlFilled checks that page has the same frame as full (the first golden
// case's page) and returns the part the result fills in, with
// htmlFilledNote before it.
func htmlFilled(t *testing.T, page, full []byte) []byte {
	t.Helper()
	split := func(b []byte) (frame, filled []byte) {
		i := bytes.Index(b, []byte(htmlFilledStart))
		j := bytes.LastIndex(b, []byte(htmlFilledEnd))
		if i < 0 || j < i {
			t.Fatalf("the HTML page has no %q ... %q part:\n%s", htmlFilledStart, htmlFilledEnd, b)
		}
		j += len(htmlFilledEnd)
		return slices.Concat(b[:i], b[j:]), b[i:j]
	}
	frame, filled := split(page)
	if want, _ := split(full); !bytes.Equal(frame, want) {
		t.Errorf("the frame of the HTML page differs from the first golden case's:\n%s", firstDiff(want, frame))
	}
	return slices.Concat([]byte(htmlFilledNote), filled)
}

// firstDiff shows the first line where two outputs differ.
func firstDiff(want, got []byte) string {
	if d, ok := linediff.First(string(want), string(got)); ok {
		return fmt.Sprintf("line %d:\n  want: %q\n  got:  %q", d.Line, d.A, d.B)
	}
	return "(same lines; different line endings?)"
}

func TestParseFormat(t *testing.T) {
	for _, f := range Formats() {
		got, err := ParseFormat(strings.ToUpper(string(f)))
		if err != nil || got != f {
			t.Errorf("ParseFormat(%q) = %q, %v", strings.ToUpper(string(f)), got, err)
		}
	}
	_, err := ParseFormat("yaml")
	if err == nil {
		t.Fatal("ParseFormat(yaml): no error")
	}
	for _, f := range Formats() {
		if !strings.Contains(err.Error(), string(f)) {
			t.Errorf("error %q does not list %s", err, f)
		}
	}
	if err := Write(&bytes.Buffer{}, "yaml", sampleResult(), Options{}); err == nil {
		t.Error("Write with an unknown format: no error")
	}
}

// shuffled returns a copy of r with every list in a different order.
func shuffled(r *rules.Result, seed uint64) *rules.Result {
	rng := rand.New(rand.NewPCG(seed, seed+1))
	c := *deepCopy(r)
	rng.Shuffle(len(c.Findings), func(i, j int) { c.Findings[i], c.Findings[j] = c.Findings[j], c.Findings[i] })
	rng.Shuffle(len(c.Gaps), func(i, j int) { c.Gaps[i], c.Gaps[j] = c.Gaps[j], c.Gaps[i] })
	rng.Shuffle(len(c.Notes), func(i, j int) { c.Notes[i], c.Notes[j] = c.Notes[j], c.Notes[i] })
	for i := range c.Findings {
		f := &c.Findings[i]
		for _, l := range []*[]string{&f.Principals, &f.Actions, &f.Conditions} {
			rng.Shuffle(len(*l), func(i, j int) { (*l)[i], (*l)[j] = (*l)[j], (*l)[i] })
		}
	}
	return &c
}

func TestDeterministic(t *testing.T) {
	for _, f := range Formats() {
		for _, show := range []bool{false, true} {
			o := Options{Version: "1.2.3", ShowSuppressed: show}
			first := write(t, f, sampleResult(), o)
			if again := write(t, f, sampleResult(), o); !bytes.Equal(first, again) {
				t.Errorf("%s: two writes of the same result differ:\n%s", f, firstDiff(first, again))
			}
			for seed := range uint64(5) {
				if got := write(t, f, shuffled(sampleResult(), seed), o); !bytes.Equal(first, got) {
					t.Errorf("%s: a shuffled copy (seed %d) gives different bytes:\n%s", f, seed, firstDiff(first, got))
				}
			}
		}
	}
}

// deepCopy copies a result and every list in it.
func deepCopy(r *rules.Result) *rules.Result {
	c := *r
	c.Findings = slices.Clone(r.Findings)
	c.Gaps = slices.Clone(r.Gaps)
	c.Notes = slices.Clone(r.Notes)
	for i := range c.Findings {
		f := &c.Findings[i]
		f.Principals = slices.Clone(f.Principals)
		f.Actions = slices.Clone(f.Actions)
		f.Conditions = slices.Clone(f.Conditions)
		fw := map[string][]string{}
		for k, v := range f.Frameworks {
			fw[k] = slices.Clone(v)
		}
		f.Frameworks = fw
	}
	return &c
}

func TestWriteDoesNotModifyResult(t *testing.T) {
	r := shuffled(sampleResult(), 42)
	before := deepCopy(r)
	for _, f := range Formats() {
		write(t, f, r, Options{ShowSuppressed: true})
	}
	if !reflect.DeepEqual(r, before) {
		t.Error("Write modified the caller's result")
	}
}

func TestNilResult(t *testing.T) {
	for _, f := range Formats() {
		if out := write(t, f, nil, Options{}); len(out) == 0 {
			t.Errorf("%s: no output for a nil result", f)
		}
	}
}

// allowedOverflow reports whether a line longer than the width holds a
// single unbreakable word (after its indent and field label), which the
// table lets overflow rather than break.
func allowedOverflow(line string) bool {
	fields := strings.Fields(line)
	switch len(fields) {
	case 1:
		return true
	case 2:
		return slices.Contains([]string{"resource", "source", "where", "who", "what", "can", "when", "fix", "reason", "-"}, fields[0])
	}
	return false
}

func TestTableWidth(t *testing.T) {
	for _, width := range []int{0, 40, 60, 80, 100, 132} {
		for _, r := range []*rules.Result{sampleResult(), cleanResult(), partialResult()} {
			for _, detail := range []bool{false, true} {
				checkWidth(t, write(t, Table, r, Options{Version: "1.2.3", Width: width, ShowSuppressed: true, Detail: detail}), width)
			}
		}
	}
}

// checkWidth fails when a line of out is wider than width (0: 80), unless
// it holds a single word too long to break, or ends in spaces.
func checkWidth(t *testing.T, out []byte, width int) {
	t.Helper()
	limit := width
	if limit == 0 {
		limit = 80
	}
	for i, line := range strings.Split(string(out), "\n") {
		if n := utf8.RuneCountInString(line); n > limit && !allowedOverflow(line) {
			t.Errorf("width %d: line %d has %d columns: %q", width, i+1, n, line)
		}
		if strings.HasSuffix(line, " ") {
			t.Errorf("width %d: line %d has trailing spaces: %q", width, i+1, line)
		}
	}
}

func TestTableColorOnlyWhenAsked(t *testing.T) {
	plain := write(t, Table, sampleResult(), Options{})
	if bytes.Contains(plain, []byte("\x1b[")) {
		t.Error("table without Color contains ANSI escapes")
	}
	colored := write(t, Table, sampleResult(), Options{Color: true})
	if !bytes.Contains(colored, []byte("\x1b[")) {
		t.Error("table with Color contains no ANSI escapes")
	}
	if got := stripANSI(string(colored)); got != string(plain) {
		t.Errorf("colour changes the text, not only its style:\n%s", firstDiff(plain, []byte(got)))
	}
	for _, f := range []Format{JSON, SARIF, JUnit, Markdown} {
		if bytes.Contains(write(t, f, sampleResult(), Options{Color: true}), []byte("\x1b[")) {
			t.Errorf("%s contains ANSI escapes", f)
		}
	}
}

func stripANSI(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == 0x1b && i+1 < len(s) && s[i+1] == '[' {
			j := i + 2
			for j < len(s) && s[j] != 'm' {
				j++
			}
			i = j
			continue
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

// Every format must say a partial result is partial, and a clean result
// clean.
func TestCoverageIsNeverSilent(t *testing.T) {
	for _, f := range []Format{Table, Markdown} {
		out := string(write(t, f, partialResult(), Options{}))
		if !strings.Contains(out, "INCOMPLETE: 1 input could not be assessed") {
			t.Errorf("%s: partial result does not say INCOMPLETE:\n%s", f, out)
		}
		if strings.Contains(out, "No findings.") {
			t.Errorf("%s: partial result reads like a clean one:\n%s", f, out)
		}
		clean := string(write(t, f, cleanResult(), Options{}))
		if !strings.Contains(clean, "No findings") || strings.Contains(clean, "INCOMPLETE") {
			t.Errorf("%s: clean result does not say so plainly:\n%s", f, clean)
		}
	}
	if out := string(write(t, JUnit, partialResult(), Options{})); !strings.Contains(out, `errors="1"`) {
		t.Errorf("junit: partial result has no error:\n%s", out)
	}
	if out := string(write(t, SARIF, partialResult(), Options{})); !strings.Contains(out, `"executionSuccessful": false`) {
		t.Errorf("sarif: partial result is marked successful:\n%s", out)
	}
}

func TestSummarizeActions(t *testing.T) {
	tests := []struct {
		actions []string
		want    string
	}{
		{nil, ""},
		{[]string{"ecr:BatchGetImage"}, "ecr:BatchGetImage"},
		{[]string{"ecr:BatchGetImage", "ecr:PutImage", "ecr:SetRepositoryPolicy"}, "ecr:BatchGetImage, ecr:PutImage, ecr:SetRepositoryPolicy"},
		{
			[]string{"ecr:BatchCheckLayerAvailability", "ecr:BatchGetImage", "ecr:CompleteLayerUpload", "ecr:GetDownloadUrlForLayer", "ecr:InitiateLayerUpload", "ecr:PutImage", "ecr:UploadLayerPart"},
			"pull (3 actions) + push (4)",
		},
		{
			[]string{"ecr:BatchGetImage", "ecr:DeleteRepository", "ecr:GetDownloadUrlForLayer", "ecr:PutImage"},
			"pull (2 of 3 actions) + ecr:PutImage + ecr:DeleteRepository",
		},
		{repositoryActions(), "all 35 repository actions"},
		{append(repositoryActions(), "ecr:GetAuthorizationToken"), "all 35 repository actions + ecr:GetAuthorizationToken"},
		{
			[]string{"ecr:BatchGetImages", "ecr:CreateRepository", "ecr:ListImages", "ecr:PutImages", "ecr:ReplicateImage"},
			"write (2 actions) + ecr:ListImages + ecr:BatchGetImages + ecr:PutImages",
		},
	}
	for _, tt := range tests {
		if got := summarizeActions(tt.actions); got != tt.want {
			t.Errorf("summarizeActions(%v) = %q, want %q", tt.actions, got, tt.want)
		}
	}
}

func TestWrap(t *testing.T) {
	tests := []struct {
		text  string
		width int
		want  []string
	}{
		{"a bb ccc", 4, []string{"a bb", "ccc"}},
		{"short", 80, []string{"short"}},
		{"x arn:aws:ecr:us-east-1:111122223333:repository/long y", 10, []string{"x", "arn:aws:ecr:us-east-1:111122223333:repository/long", "y"}},
		{"one\n\ntwo", 10, []string{"one", "", "two"}},
		// The owner placeholder of an ARN is not split at its space.
		{"where arn:aws:ecr:us-east-1:<owner account>:repository/app", 30, []string{"where", "arn:aws:ecr:us-east-1:<owner account>:repository/app"}},
	}
	for _, tt := range tests {
		if got := wrap(tt.text, tt.width); !slices.Equal(got, tt.want) {
			t.Errorf("wrap(%q, %d) = %q, want %q", tt.text, tt.width, got, tt.want)
		}
	}
}

func TestMarkdownEscape(t *testing.T) {
	tests := []struct{ in, want string }{
		{`Principal "*" and "*"`, `Principal "\*" and "\*"`},
		{"authorized.auth_token", "authorized.auth_token"},
		{"_emphasis_", `\_emphasis\_`},
		{"# not a heading", `\# not a heading`},
		{"- not a list\n+ nor this", "\\- not a list  \n\\+ nor this"},
		{"a <b> [c](d) | e ~f~ `g`", "a \\<b\\> \\[c\\](d) \\| e \\~f\\~ \\`g\\`"},
	}
	for _, tt := range tests {
		if got := mdEscape(tt.in); got != tt.want {
			t.Errorf("mdEscape(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
	if got := mdCode("a`b"); got != "`` a`b ``" {
		t.Errorf("mdCode = %q", got)
	}
}

func TestJUnitWellFormed(t *testing.T) {
	r := sampleResult()
	r.Findings[0].Message += " \x01 ]]> end"
	out := write(t, JUnit, r, Options{ShowSuppressed: true})
	dec := xml.NewDecoder(bytes.NewReader(out))
	for {
		_, err := dec.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("JUnit output is not well-formed XML: %v", err)
		}
	}
	var suites struct {
		Tests  int `xml:"tests,attr"`
		Suites []struct {
			Name  string `xml:"name,attr"`
			Cases []struct {
				Name string `xml:"name,attr"`
			} `xml:"testcase"`
		} `xml:"testsuite"`
	}
	if err := xml.Unmarshal(out, &suites); err != nil {
		t.Fatal(err)
	}
	if len(suites.Suites) != len(rules.All())+1 {
		t.Errorf("%d suites, want one per rule and coverage", len(suites.Suites))
	}
	n := 0
	for _, s := range suites.Suites {
		if len(s.Cases) == 0 {
			t.Errorf("suite %q has no test case", s.Name)
		}
		n += len(s.Cases)
	}
	if n != suites.Tests {
		t.Errorf("tests=%d, but %d test cases", suites.Tests, n)
	}
}

// Text from inputs must not drive the terminal or reorder what is shown.
func TestHostileTextIsEscaped(t *testing.T) {
	r := sampleResult()
	r.Findings[0].Message = "evil \x1b[2J\x1b]0;title\x07 sid \u202egnp.exe"
	r.Findings[0].Resource = "arn:aws:ecr:us-east-1:111122223333:repository/\x1b[31mred"
	r.Gaps[0].Message = "bad \x9b byte \xff"
	for _, f := range []Format{Table, Markdown} {
		out := write(t, f, r, Options{Color: false, Detail: true})
		for _, bad := range []string{"\x1b", "\x07", "\u202e", "\x9b", "\xff"} {
			if bytes.Contains(out, []byte(bad)) {
				t.Errorf("%s: output contains %q", f, bad)
			}
		}
		if !bytes.Contains(out, []byte(`x1b`)) || !bytes.Contains(out, []byte(`u202e`)) {
			t.Errorf("%s: escapes are not shown visibly", f)
		}
	}
	if got := printable("tab\there\nnewline"); got != "tab here\nnewline" {
		t.Errorf("printable = %q", got)
	}
}

// A gap that knows only its region is labelled by its region, never as
// an account.
func TestGapScopeLabel(t *testing.T) {
	r := &rules.Result{Gaps: []estate.Gap{
		{Source: "repos.json", Pos: policy.Pos{File: "repos.json", Line: 1, Col: 9}, Region: "eu-west-1", Code: "truncated", Message: "first page only"},
		{Source: "authz.json", Account: "111122223333", Code: "truncated", Message: "first page only"},
	}}
	for _, f := range []Format{Table, Markdown} {
		out := string(write(t, f, r, Options{}))
		if strings.Contains(out, "account eu-west-1") || !strings.Contains(out, "region eu-west-1") || !strings.Contains(out, "account 111122223333") {
			t.Errorf("%s: gap labels wrong:\n%s", f, out)
		}
	}
}

// TestFilterIsNeverSilent: a result filtered by a selection says so in
// every format, clean or not, so that it is never read as a whole scan.
func TestFilterIsNeverSilent(t *testing.T) {
	r := cleanResult()
	r.Filter = &rules.Filter{Selection: rules.Selection{Severities: []rules.Severity{rules.Critical}, Skip: []string{"ECR005"}}, Removed: 2}
	const line = "Filtered (severity critical; skipped rules ECR005): 2 findings left out"
	for _, f := range Formats() {
		if f == JSON {
			continue // summary.filter, below
		}
		out := string(write(t, f, r, Options{Width: 500}))
		if !strings.Contains(out, line) {
			t.Errorf("%s: a filtered result does not say so:\n%s", f, out)
		}
	}
	var rep struct {
		Summary struct {
			Filter *struct {
				Severities []string `json:"severities"`
				Rules      []string `json:"rules"`
				SkipRules  []string `json:"skip_rules"`
				LeftOut    int      `json:"left_out"`
			} `json:"filter"`
		} `json:"summary"`
	}
	if err := json.Unmarshal(write(t, JSON, r, Options{}), &rep); err != nil {
		t.Fatal(err)
	}
	fl := rep.Summary.Filter
	if fl == nil || !slices.Equal(fl.Severities, []string{"critical"}) || fl.Rules == nil || len(fl.Rules) != 0 ||
		!slices.Equal(fl.SkipRules, []string{"ECR005"}) || fl.LeftOut != 2 {
		t.Errorf("summary.filter = %+v", fl)
	}
	if strings.Contains(string(write(t, JSON, cleanResult(), Options{})), `"filter"`) {
		t.Error("an unfiltered JSON report has summary.filter")
	}
}

// A rule that judged nothing (no IAM users or roles among the inputs for
// the identity rules) is a skipped test case, not a passing one: JUnit
// once reported "ECR008: no findings" beside the note that it had not run.
func TestJUnitRulesNotRun(t *testing.T) {
	r := sampleResult()
	r.NotRun = []string{"ECR008"}
	out := string(write(t, JUnit, r, Options{}))
	if !strings.Contains(out, `<testcase name="ECR008: not run" classname="ecrguard.ECR008">`) || !strings.Contains(out, `<skipped message="not run: no IAM users, groups or roles`) {
		t.Errorf("ECR008 is not a skipped case:\n%s", out)
	}
	if strings.Contains(out, "ECR008: no findings") {
		t.Errorf("ECR008 passes although it did not run:\n%s", out)
	}
}
