// Package report writes a scan's rules.Result for people and for machines:
// a terminal table, the JSON report of docs/report-json.md, SARIF 2.1.0 for code
// scanning, JUnit XML for CI test tabs, Markdown for pull-request
// comments and CI summaries, and a self-contained HTML page with an access
// map.
//
// Every writer produces deterministic bytes: the same result gives the same
// output whatever the order of its findings, gaps and notes, and nothing
// depends on the clock, the host or map iteration order. Write never changes
// the caller's result; it sorts a copy.
//
// Every format shows coverage: the gaps of a result (inputs or policy
// elements that could not be assessed) are reported prominently, so that a
// partial result never reads like a clean one.
//
// Suppressed findings (a config suppression matched) are left out of the
// findings and counted separately; with Options.ShowSuppressed the table,
// Markdown, SARIF and JUnit reports also list them, marked as suppressed
// with their reason, and the JSON report lists them under "suppressed".
package report

import (
	"cmp"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/ecrguard/ecrguard/estate"
	"github.com/ecrguard/ecrguard/rules"
)

// Format names an output format.
type Format string

// The output formats.
const (
	// Table is the default terminal report.
	Table Format = "table"
	// JSON is the machine-readable report of docs/report-json.md (schema_version
	// 1), documented in docs/report-json.md.
	JSON Format = "json"
	// SARIF is SARIF 2.1.0, for GitHub code scanning and other SARIF viewers.
	SARIF Format = "sarif"
	// JUnit is JUnit XML, one test suite per rule, for CI test reports.
	JUnit Format = "junit"
	// Markdown is a report for pull-request comments and CI job summaries.
	Markdown Format = "markdown"
	// HTML is one self-contained page for people: the zone of trust and
	// coverage, an access map, filters, and every entry with its proof and
	// fix.
	HTML Format = "html"
)

// Formats lists every format, the default first.
func Formats() []Format { return []Format{Table, JSON, SARIF, JUnit, Markdown, HTML} }

// ParseFormat reads a format name, ignoring case.
func ParseFormat(s string) (Format, error) {
	for _, f := range Formats() {
		if strings.EqualFold(strings.TrimSpace(s), string(f)) {
			return f, nil
		}
	}
	names := make([]string, 0, len(Formats()))
	for _, f := range Formats() {
		names = append(names, string(f))
	}
	return "", fmt.Errorf("unknown report format %q: expected one of %s", s, strings.Join(names, ", "))
}

// Options tune a report.
type Options struct {
	// Version is the ecrguard version named in the report's tool metadata.
	Version string
	// Color enables ANSI colour in the table. The CLI sets it only when
	// standard output is a terminal; the other formats ignore it.
	Color bool
	// Width is the terminal width the table wraps to; 0 (or less) means 80,
	// and widths below 40 are treated as 40. Lines are broken between words
	// only: a word longer than the room left for it (a long ARN or path)
	// gets a line of its own and may overflow. The other formats ignore it.
	Width int
	// ShowSuppressed lists suppressed findings (marked, with their reason)
	// instead of only counting them.
	ShowSuppressed bool
	// Trust is the zone of trust the findings were judged against; the
	// HTML report shows it in its header. The other formats ignore it.
	Trust Trust
}

// Trust describes the zone of trust: the account that owns the inputs and
// the accounts and organizations trusted besides it.
type Trust struct {
	Account  string
	Accounts []string
	OrgIDs   []string
	OrgPaths []string
}

// Write writes r to w in format f. It does not modify r.
func Write(w io.Writer, f Format, r *rules.Result, o Options) error {
	if r == nil {
		r = &rules.Result{}
	}
	v := prepare(r)
	switch f {
	case Table:
		return writeTable(w, v, o)
	case JSON:
		return writeJSON(w, v, o)
	case SARIF:
		return writeSARIF(w, v, o)
	case JUnit:
		return writeJUnit(w, v, o)
	case Markdown:
		return writeMarkdown(w, v, o)
	case HTML:
		return writeHTML(w, v, o)
	}
	_, err := ParseFormat(string(f))
	return err
}

// view is a sorted copy of a result, split the way every writer needs it.
type view struct {
	// active are the unsuppressed findings, in Result.Sort order.
	active []rules.Finding
	// suppressed are the suppressed findings, in Result.Sort order.
	suppressed []rules.Finding
	gaps       []estate.Gap
	notes      []estate.Note
	resources  int
	// counts are the unsuppressed findings per severity.
	counts map[rules.Severity]int
}

// prepare copies r, sorts every list (findings' own lists included) and
// splits suppressed findings from active ones.
func prepare(r *rules.Result) *view {
	c := rules.Result{
		Findings:  make([]rules.Finding, len(r.Findings)),
		Gaps:      slices.Clone(r.Gaps),
		Notes:     slices.Clone(r.Notes),
		Resources: r.Resources,
	}
	for i, f := range r.Findings {
		f.Principals = sortedCopy(f.Principals)
		f.Actions = sortedCopy(f.Actions)
		f.Conditions = sortedCopy(f.Conditions)
		fw := make(map[string][]string, len(f.Frameworks))
		for k, ids := range f.Frameworks {
			fw[k] = sortedCopy(ids)
		}
		f.Frameworks = fw
		c.Findings[i] = f
	}
	// Result.Sort is stable and leaves ties (findings that differ only in
	// principals, say) in input order; a total order first makes the output
	// independent of the input order.
	slices.SortFunc(c.Findings, func(a, b rules.Finding) int { return cmp.Compare(findingKey(a), findingKey(b)) })
	slices.SortFunc(c.Gaps, func(a, b estate.Gap) int { return cmp.Compare(gapKey(a), gapKey(b)) })
	c.Sort()

	v := &view{gaps: c.Gaps, notes: c.Notes, resources: c.Resources, counts: c.Counts()}
	for _, f := range c.Findings {
		if f.Suppressed != "" {
			v.suppressed = append(v.suppressed, f)
		} else {
			v.active = append(v.active, f)
		}
	}
	return v
}

func sortedCopy(s []string) []string {
	out := slices.Clone(s)
	slices.Sort(out)
	return out
}

// findingKey joins every field of a finding, so that sorting by it is a
// total order.
func findingKey(f rules.Finding) string {
	var b strings.Builder
	for _, s := range []string{
		f.RuleID, f.Severity.String(), f.Title, f.Message, f.Resource,
		f.Source.String(), strings.Join(f.Principals, "\x01"), strings.Join(f.Actions, "\x01"),
		strings.Join(f.Conditions, "\x01"), f.Remediation, f.Suppressed,
	} {
		b.WriteString(s)
		b.WriteByte(0)
	}
	for _, k := range sortedKeys(f.Frameworks) {
		b.WriteString(k + "\x02" + strings.Join(f.Frameworks[k], "\x01") + "\x00")
	}
	return b.String()
}

func gapKey(g estate.Gap) string {
	return strings.Join([]string{g.String(), g.Source, g.Pos.String(), g.Account, g.Region, g.Resource, string(g.Code), g.Message}, "\x00")
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// total is the number of unsuppressed findings.
func (v *view) total() int { return len(v.active) }

// countsText reads "1 critical, 2 high, 1 medium", naming only the
// severities that occur, highest first.
func (v *view) countsText() string {
	var parts []string
	for _, s := range rules.Severities() {
		if n := v.counts[s]; n > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", n, s))
		}
	}
	return strings.Join(parts, ", ")
}

// plural returns "1 finding" or "2 findings".
func plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return fmt.Sprintf("%d %s", n, many)
}

// location formats a finding's source as file:line, or "" when unknown.
func location(f rules.Finding) string {
	switch {
	case f.Source.File == "" && f.Source.Line <= 0:
		return ""
	case f.Source.Line <= 0:
		return f.Source.File
	case f.Source.File == "":
		return fmt.Sprintf("line %d", f.Source.Line)
	}
	return fmt.Sprintf("%s:%d", f.Source.File, f.Source.Line)
}

// gapWhere formats where a gap is: its position, else its source.
func gapWhere(g estate.Gap) string {
	if g.Pos.File != "" || g.Pos.IsValid() {
		if g.Pos.File == "" && g.Source != "" {
			return g.Source + ":" + g.Pos.String()
		}
		return g.Pos.String()
	}
	return g.Source
}

// frameworkList formats frameworks as "cloudguard D9.AWS.IAM.102,
// trivy AVD-AWS-0032", frameworks sorted.
func frameworkList(fw map[string][]string) []string {
	var out []string
	for _, k := range sortedKeys(fw) {
		for _, id := range fw[k] {
			out = append(out, k+" "+id)
		}
	}
	return out
}

// gapScope names what a gap without a resource left unassessed: "account
// 111122223333 us-east-1", "account 111122223333", or "region us-east-1"
// when only the region is known.
func gapScope(g estate.Gap) string {
	switch {
	case g.Account != "":
		return strings.TrimSpace("account " + g.Account + " " + g.Region)
	case g.Region != "":
		return "region " + g.Region
	}
	return ""
}
