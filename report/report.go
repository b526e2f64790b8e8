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
// A result filtered by a selection (rules.Result.Select: --severity,
// --rule, --skip-rule) says so in every format: the JSON summary's
// "filter", a SARIF notification and run property, a line in the table,
// Markdown and HTML summaries and in the JUnit coverage suite's output.
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
	"maps"
	"slices"
	"strings"

	"github.com/ecrguard/ecrguard/analysis"
	"github.com/ecrguard/ecrguard/estate"
	"github.com/ecrguard/ecrguard/policy"
	"github.com/ecrguard/ecrguard/rules"
)

// Format names an output format.
type Format string

// The output formats.
const (
	// Table is the default terminal report.
	Table Format = "table"
	// JSON is the machine-readable report (schema_version 1), documented in
	// docs/report-json.md.
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
	// Detail makes the table show, for every problem, each finding's proof
	// and full fix; without it the table is compact: one short block per
	// problem. The other formats ignore it.
	Detail bool
	// Trust is the zone of trust the findings were judged against; the
	// HTML report shows it in its header. The other formats ignore it.
	Trust Trust
}

// Trust describes the zone of trust: the account that owns the inputs and
// the accounts and organizations trusted besides it.
type Trust struct {
	Account string
	// Settings holds the trusted accounts and organizations.
	analysis.Settings
}

// Write writes r to w in format f. It does not modify r.
func Write(w io.Writer, f Format, r *rules.Result, o Options) error {
	if r == nil {
		r = &rules.Result{}
	}
	if write := writers[f]; write != nil {
		return write(w, prepare(r), o)
	}
	_, err := ParseFormat(string(f))
	return err
}

// writers are the writers of each format.
var writers = map[Format]func(io.Writer, *view, Options) error{
	Table:    writeTable,
	JSON:     writeJSON,
	SARIF:    writeSARIF,
	JUnit:    writeJUnit,
	Markdown: writeMarkdown,
	HTML:     writeHTML,
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
	// assessed breaks resources down by kind.
	assessed analysis.ResourceCounts
	// notRun are the rules that judged nothing (rules.Result.NotRun).
	notRun []string
	// detached counts the identity policies, read without the principals
	// they are attached to, that active findings are about.
	detached int
	// counts are the unsuppressed findings per severity.
	counts map[rules.Severity]int
	// entries are the active findings grouped into problems.
	entries []Entry
	// suppressedEntries are the suppressed findings grouped into problems,
	// numbered after entries.
	suppressedEntries []Entry
	// filter is the selection the findings went through (nil: none).
	filter *rules.Filter
	// edits are the proven edits of input files that fix a resource, by
	// the resource's ARN (rules.FixFile.Edit).
	edits map[string]*rules.Edit
}

// filterText is the sentence every format prints when a selection left
// findings out of the report ("" when none was applied), so that a filtered
// report is never read as a whole scan.
func (v *view) filterText() string {
	if v.filter == nil {
		return ""
	}
	return capitalize(v.filter.Summary()) + " (not reported, not counted in the exit code)."
}

// prepare copies r, sorts every list (findings' own lists included) and
// splits suppressed findings from active ones.
func prepare(r *rules.Result) *view {
	// sortFindings sorts each finding's lists, then the findings in a total
	// order (Result.Sort leaves ties in input order), so that the output
	// does not depend on the input order.
	c := rules.Result{
		Findings:  sortFindings(r.Findings),
		Gaps:      slices.Clone(r.Gaps),
		Notes:     slices.Clone(r.Notes),
		Resources: r.Resources,
		Assessed:  r.Assessed,
	}
	slices.SortFunc(c.Gaps, func(a, b estate.Gap) int { return cmp.Or(a.Compare(b), cmp.Compare(gapKey(a), gapKey(b))) })
	c.Sort()

	v := &view{gaps: c.Gaps, notes: c.Notes, resources: c.Resources, assessed: c.Assessed, notRun: r.NotRun, counts: c.Counts(), filter: r.Filter, edits: map[string]*rules.Edit{}}
	for _, f := range r.Fixes {
		if f.Edit != nil {
			v.edits[f.Resource] = f.Edit
		}
	}
	detached := map[string]bool{}
	for _, f := range c.Findings {
		if _, ok := rules.DetachedPolicy(f.Resource); ok && f.Suppressed == "" {
			detached[f.Resource] = true
		}
		if f.Suppressed != "" {
			v.suppressed = append(v.suppressed, f)
		} else {
			v.active = append(v.active, f)
		}
	}
	v.entries = Group(v.active)
	v.suppressedEntries = Group(v.suppressed)
	for i := range v.suppressedEntries {
		v.suppressedEntries[i].ID += len(v.entries)
	}
	for _, es := range [][]Entry{v.entries, v.suppressedEntries} {
		for i := range es {
			if es[i].Resource != "" {
				es[i].Edit = v.edits[es[i].Resource]
			}
		}
	}
	v.detached = len(detached)
	return v
}

// entryCounts are the problems per severity.
func (v *view) entryCounts() map[rules.Severity]int {
	out := map[rules.Severity]int{}
	for _, e := range v.entries {
		out[e.Severity]++
	}
	return out
}

// problemsText reads "3 critical, 7 high, 4 medium", counting problems.
func (v *view) problemsText() string { return severityText(v.entryCounts()) }

// subject names what an entry is about, in the singular and plural:
// repositories, registries, templates' resources or principals.
func subject(e Entry) (one, many string) {
	r := e.Resource
	switch {
	case isDetached(r):
		return "identity policy", "identity policies"
	case e.Kind != ByStatement, strings.HasPrefix(r, "arn:aws:iam::"):
		return "principal", "principals"
	case strings.HasPrefix(r, "arn:") && strings.Contains(r, ":ecr-public:"):
		return "public repository", "public repositories"
	case strings.HasPrefix(r, "arn:") && strings.Contains(r, ":repository-creation-template/"):
		return "creation template", "creation templates"
	case strings.HasPrefix(r, "arn:") && strings.Contains(r, ":repository/"):
		return "repository", "repositories"
	case strings.HasPrefix(r, "arn:") && strings.HasSuffix(r, ":registry"):
		return "registry", "registries"
	}
	return "other resource", "other resources"
}

func isDetached(resource string) bool {
	_, ok := rules.DetachedPolicy(resource)
	return ok
}

// subjectsText says what the problems are about: "7 repositories, 1
// registry and 6 principals", counting each resource or principal once.
func (v *view) subjectsText() string {
	type noun struct{ one, many string }
	seen := map[string]bool{}
	counts := map[noun]int{}
	var order []noun
	for _, e := range v.entries {
		one, many := subject(e)
		n := noun{one, many}
		names := []string{e.Resource}
		if e.Kind != ByStatement {
			names = e.Principals
		}
		for _, name := range names {
			if seen[one+"\x00"+name] {
				continue
			}
			seen[one+"\x00"+name] = true
			if counts[n] == 0 {
				order = append(order, n)
			}
			counts[n]++
		}
	}
	slices.SortStableFunc(order, func(a, b noun) int { return cmp.Compare(nounOrder(a.one), nounOrder(b.one)) })
	var parts []string
	for _, n := range order {
		parts = append(parts, plural(counts[n], n.one, n.many))
	}
	switch len(parts) {
	case 0:
		return ""
	case 1:
		return parts[0]
	}
	return strings.Join(parts[:len(parts)-1], ", ") + " and " + parts[len(parts)-1]
}

func nounOrder(one string) int {
	return slices.Index([]string{"repository", "registry", "creation template", "public repository", "other resource", "identity policy", "principal"}, one)
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
	for _, k := range slices.Sorted(maps.Keys(f.Frameworks)) {
		b.WriteString(k + "\x02" + strings.Join(f.Frameworks[k], "\x01") + "\x00")
	}
	return b.String()
}

func gapKey(g estate.Gap) string {
	return strings.Join([]string{g.String(), g.Source, g.Pos.String(), g.Account, g.Region, g.Resource, string(g.Code), g.Message}, "\x00")
}

// total is the number of unsuppressed findings.
func (v *view) total() int { return len(v.active) }

// countsText reads "1 critical, 2 high, 1 medium", counting findings.
func (v *view) countsText() string { return severityText(v.counts) }

// severityText reads counts as "1 critical, 2 high, 1 medium", naming only
// the severities that occur, highest first.
func severityText(counts map[rules.Severity]int) string {
	var parts []string
	for _, s := range rules.Severities() {
		if n := counts[s]; n > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", n, s))
		}
	}
	return strings.Join(parts, ", ")
}

// Outcome says in one line how many findings r reports (unsuppressed) and
// how many inputs it could not assess: what stderr says of a report
// written to a file.
func Outcome(r *rules.Result) string {
	s := plural(len(r.Active()), "finding", "findings")
	if n := len(r.Gaps); n > 0 {
		s += "; INCOMPLETE: " + plural(n, "input", "inputs") + " not assessed (see the report)"
	}
	return s
}

// plural returns "1 finding" or "2 findings".
func plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return fmt.Sprintf("%d %s", n, many)
}

// resourceText names what a finding is about, for a person: its resource,
// or an identity policy read without the principals it is attached to as
// such (a raw identity policy file by its file).
func resourceText(f rules.Finding) string {
	name, ok := rules.DetachedPolicy(f.Resource)
	if !ok {
		return ownerShown(f.Resource)
	}
	if rest, ok := strings.CutPrefix(name, "identity policy "); ok && f.Source.File != "" && strings.HasSuffix(f.Source.File, rest) {
		return f.Source.File + " (an identity policy file; ecrguard does not know what it is attached to)"
	}
	return name + " (ecrguard does not know what it is attached to)"
}

// principalText names a finding's principal for a person.
func principalText(p string) string {
	switch _, detached := rules.DetachedPolicy(p); {
	case p == "*":
		return "* (anyone)"
	case detached:
		return "any principal it is attached to"
	}
	return ownerShown(p)
}

// ownerShown writes the account of an ECR or IAM ARN that belongs to the
// owner account when the inputs do not say which account that is (IaC read
// without --account: "arn:aws:ecr:us-east-1::repository/app") as what it
// is, "<owner account>", as the report's note names it.
func ownerShown(arn string) string {
	a, ok := policy.ParseARN(arn)
	if !ok || a.Account != "" || (a.Service != "ecr" && a.Service != "ecr-public" && a.Service != "iam") {
		return arn
	}
	a.Account = "<owner account>"
	return a.String()
}

// scope says what the findings are in: the resources assessed, and the
// identity policies read without the principals they are attached to
// ("13 resources", "2 identity policies", "3 resources and 1 identity
// policy").
func (v *view) scope() string {
	res := v.resourcesText()
	switch {
	case v.detached == 0:
		return res
	case v.resources == 0:
		return plural(v.detached, "identity policy", "identity policies")
	}
	return res + " and " + plural(v.detached, "identity policy", "identity policies")
}

// resourcesText counts the resources assessed: "13 resources", and when
// creation templates or ECR Public repositories are among them, by kind
// ("13 resources (10 repositories, 1 registry, 1 creation template, 1
// public repository)").
func (v *view) resourcesText() string {
	s := plural(v.resources, "resource", "resources")
	c := v.assessed
	if c.Templates == 0 && c.Public == 0 {
		return s
	}
	var parts []string
	for _, k := range []struct {
		n         int
		one, many string
	}{
		{c.Repositories, "repository", "repositories"},
		{c.Registries, "registry", "registries"},
		{c.Templates, "creation template", "creation templates"},
		{c.Public, "public repository", "public repositories"},
	} {
		if k.n > 0 {
			parts = append(parts, plural(k.n, k.one, k.many))
		}
	}
	return s + " (" + strings.Join(parts, ", ") + ")"
}

// location formats a finding's source for a person (sourceText), or ""
// when unknown.
func location(f rules.Finding) string { return sourceText(f.Source, false) }

// gapWhere formats where a gap is: its position, else its source.
func gapWhere(g estate.Gap) string {
	if g.Pos.File != "" || g.Pos.IsValid() {
		pos := g.Pos
		if pos.File == "" && g.Source != "" {
			pos.File = g.Source
		}
		return sourceText(pos, true)
	}
	return g.Source
}

// sourceText formats a position for a person: file:line (file:line:col
// with col) for a file, and for a policy read from AWS, whose position
// is in a document named by a label (docs/snapshot.md, "Policy sources"),
// the ARN and where in the policy: "ARN (policy line 4)", "ROLE-ARN
// (inline policy NAME, line 4)", "POLICY-ARN (version v3, policy line 1)".
// "" when pos is unknown.
func sourceText(pos policy.Pos, col bool) string {
	line := ""
	if pos.Line > 0 {
		line = fmt.Sprintf("line %d", pos.Line)
		if col && pos.Col > 0 {
			line += fmt.Sprintf(", column %d", pos.Col)
		}
	}
	switch {
	case pos.File == "" && line == "":
		return ""
	case pos.File == "":
		return line
	case isFile(pos.File) && !strings.HasPrefix(pos.File, "scp:"):
		if line == "" {
			return pos.File
		}
		if col && pos.Col > 0 {
			return fmt.Sprintf("%s:%d:%d", pos.File, pos.Line, pos.Col)
		}
		return fmt.Sprintf("%s:%d", pos.File, pos.Line)
	}
	doc, where := "policy", ""
	name, frag, _ := strings.Cut(pos.File, "#")
	switch {
	case strings.HasPrefix(name, "scp:"):
		name = "the SCPs on " + strings.TrimPrefix(name, "scp:")
	case frag == "trust":
		doc = "trust policy"
	case strings.HasPrefix(frag, "inline/"):
		doc, where = "", "inline policy "+strings.TrimPrefix(frag, "inline/")
	case frag != "":
		where = "version " + frag
	}
	if line != "" {
		if doc != "" {
			line = doc + " " + line
		}
		where = strings.TrimPrefix(where+", "+line, ", ")
	}
	if where == "" {
		return name
	}
	return name + " (" + where + ")"
}

// frameworkList formats frameworks as "cloudguard D9.AWS.IAM.102,
// trivy AVD-AWS-0032", frameworks sorted.
func frameworkList(fw map[string][]string) []string {
	var out []string
	for _, k := range slices.Sorted(maps.Keys(fw)) {
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

// noteSource is the source a note is shown with: none when its message
// starts with it already (a position in that file: "main.tf:14:1: …").
func noteSource(n estate.Note) string {
	if n.Source == "" || strings.HasPrefix(n.Message, n.Source+":") {
		return ""
	}
	return n.Source
}

// noteText is a note as one line: its source, then its message.
func noteText(n estate.Note) string {
	if s := noteSource(n); s != "" {
		return s + ": " + n.Message
	}
	return n.Message
}
