package report

import (
	_ "embed"
	"fmt"
	"html/template"
	"io"
	"slices"
	"strings"

	"github.com/ecrguard/ecrguard/rules"
)

// The HTML report is one self-contained page: styles and script inline, no
// network (its Content-Security-Policy forbids any), written with
// html/template so that every name from the inputs is escaped.

//go:embed html.tmpl
var htmlSource string

var htmlTemplate = template.Must(template.New("report").Funcs(template.FuncMap{
	"join":     strings.Join,
	"codeText": codeText,
	"sev":      func(s rules.Severity) string { return s.String() },
	"entryIDs": entryIDs,
	"cellText": cellText,
}).Parse(htmlSource))

// htmlPage is what the template renders.
type htmlPage struct {
	Version    string
	Trust      []string
	Assessed   string
	Summary    string
	Counts     []htmlCount
	Incomplete string
	Gaps       []htmlGap
	Notes      []string
	Map        accessMap
	Rules      []string
	Severities []string
	Entries    []htmlEntry
	Suppressed []htmlEntry
	// Hidden counts suppressed findings not listed.
	Hidden int

	// MapEmpty is what the access map says when it has no rows, and
	// NoFindings what the findings section says when it has no entries.
	MapEmpty, NoFindings string
}

type htmlCount struct {
	Severity string
	N        int
}

type htmlGap struct{ Where, What, Code, Message string }

type htmlEntry struct {
	Anchor     string
	ID         int
	Severity   string
	Rules      []string
	Title      string
	Where      string
	WhereTitle string
	Source     string
	Who        []string
	WhoMore    int
	What       string
	Actions    string
	Conditions []string
	Assumes    []string
	Proof      string
	Fix        string
	// Diff is the edit of the input file that fixes the resource.
	Diff       string
	Suppressed string
	Frameworks []string
	// Search is what the text filter matches besides the entry's text:
	// the full resource name and every principal, lowercased.
	Search string
}

func writeHTML(w io.Writer, v *view, o Options) error {
	entries := v.entries
	p := htmlPage{
		Version:  o.Version,
		Trust:    trustText(o.Trust),
		Assessed: v.resourcesText(),
		Map:      buildAccessMap(entries),
	}
	if p.Version == "" {
		p.Version = "dev"
	}
	problems := v.entryCounts()
	for _, s := range rules.Severities() {
		if n := problems[s]; n > 0 {
			p.Counts = append(p.Counts, htmlCount{s.String(), n})
		}
		p.Severities = append(p.Severities, s.String())
	}
	switch {
	case v.total() == 0 && len(v.gaps) == 0 && v.resources == 0:
		p.Summary = "No findings. No repositories or registries were among the inputs."
	case v.total() == 0 && len(v.gaps) == 0:
		p.Summary = fmt.Sprintf("No findings: %s assessed.", v.resourcesText())
	case v.total() == 0:
		p.Summary = fmt.Sprintf("No findings in what could be assessed (%s).", v.resourcesText())
	default:
		p.Summary = fmt.Sprintf("%s (%s) on %s, from %s (%s); %s assessed.",
			plural(len(entries), "problem", "problems"), v.problemsText(), v.subjectsText(),
			plural(v.total(), "finding", "findings"), v.countsText(), v.scope())
	}
	if f := v.filterText(); f != "" {
		p.Summary += " " + f
	}
	if n := len(v.gaps); n > 0 {
		p.Incomplete = fmt.Sprintf("INCOMPLETE: %s could not be assessed. This report covers only what could be read and evaluated; "+
			"what the gaps hide may be open.", plural(n, "input", "inputs"))
	}
	p.MapEmpty, p.NoFindings = emptyTexts(v)
	for _, g := range v.gaps {
		what := g.Resource
		if what == "" {
			what = gapScope(g)
		}
		p.Gaps = append(p.Gaps, htmlGap{Where: gapWhere(g), What: what, Code: string(g.Code), Message: g.Message})
	}
	for _, n := range v.notes {
		p.Notes = append(p.Notes, noteText(n))
	}
	for _, e := range entries {
		p.Entries = append(p.Entries, newHTMLEntry("e", e))
		for _, id := range e.Rules {
			if !slices.Contains(p.Rules, id) {
				p.Rules = append(p.Rules, id)
			}
		}
	}
	slices.Sort(p.Rules)
	if o.ShowSuppressed {
		for _, e := range v.suppressedEntries {
			p.Suppressed = append(p.Suppressed, newHTMLEntry("s", e))
		}
	} else {
		p.Hidden = len(v.suppressed)
	}
	return htmlTemplate.Execute(w, p)
}

// emptyTexts are what the access map and the findings section say when
// they are empty: nobody has access that breaks a rule, but only of what
// the report covers when a filter left findings out or inputs could not be
// assessed, so that an empty map never reads as a clean estate.
func emptyTexts(v *view) (mapEmpty, noFindings string) {
	mapEmpty, noFindings = "No one outside the zone of trust, and no principal of the account, has access that breaks a rule.", "No findings."
	if v.filter != nil {
		mapEmpty, noFindings = "No finding reported gives anyone access that breaks a rule. "+v.filterText(), "No findings reported. "+v.filterText()
	}
	if n := len(v.gaps); n > 0 {
		more := fmt.Sprintf(" This covers only what could be assessed: %s could not be (see the coverage below).", plural(n, "input", "inputs"))
		mapEmpty, noFindings = mapEmpty+more, noFindings+more
	}
	return mapEmpty, noFindings
}

// trustText describes the zone of trust in a few phrases.
func trustText(t Trust) []string {
	var out []string
	if t.Account != "" {
		out = append(out, "account "+t.Account+" (the owner of the inputs)")
	}
	for _, a := range t.TrustedAccounts {
		out = append(out, "account "+a)
	}
	for _, o := range t.TrustedOrgIDs {
		out = append(out, "organization "+o)
	}
	for _, o := range t.TrustedOrgPaths {
		out = append(out, "organization path "+o)
	}
	return out
}

func newHTMLEntry(prefix string, e Entry) htmlEntry {
	h := htmlEntry{
		Anchor:     fmt.Sprintf("%s%d", prefix, e.ID),
		ID:         e.ID,
		Severity:   e.Severity.String(),
		Rules:      e.Rules,
		Title:      e.Title,
		Where:      e.Resource,
		WhereTitle: e.Resource,
		Source:     location(e.Findings[0]),
		Conditions: e.Conditions,
		Assumes:    e.Assumes,
		Proof:      e.Proof,
		Fix:        e.Fix,
		Suppressed: e.Suppressed,
		Diff:       editDiff(e.Edit),
		Frameworks: frameworkList(e.Findings[0].Frameworks),
	}
	if r := rowFor(e, e.Findings[0]); e.Kind == ByStatement && r.Kind != rowOther {
		h.Where = r.Kind + " " + r.Label
		if r.Kind == rowRegistry || r.Kind == rowTemplate || r.Kind == rowPublic {
			h.Where = r.Label // the label names the kind
		}
	}
	if e.Kind == ByRule {
		h.Where = plural(len(e.Principals), "principal", "principals")
	}
	who := e.Principals
	for i, p := range who {
		if p == "*" {
			who = slices.Clone(who)
			who[i] = "anyone (*)"
		}
	}
	if len(who) > maxPrincipals {
		h.WhoMore = len(who) - maxPrincipals
		who = who[:maxPrincipals]
	}
	h.Who = who
	var classes []string
	for _, a := range e.Actions {
		if c := actionClass(a); !slices.Contains(classes, c) {
			classes = append(classes, c)
		}
	}
	var ordered []string
	for _, c := range mapClasses {
		if slices.Contains(classes, c) {
			ordered = append(ordered, c)
		}
	}
	if len(e.Actions) > 0 {
		h.What = strings.Join(ordered, ", ")
		h.Actions = strings.Join(e.Actions, ", ")
	}
	// The page's text holds the rest.
	h.Search = strings.ToLower(strings.Join(append([]string{e.Resource}, e.Principals...), " "))
	return h
}

// codeText turns text whose commands are in backticks into HTML: the
// commands as code, everything escaped. Text with an unpaired backtick (one
// in a condition value or a Sid, say) is escaped whole, as mdText does:
// which backticks delimit a command cannot be told, and a span would drop
// the backtick from what it quotes.
func codeText(s string) template.HTML {
	parts := strings.Split(s, "`")
	if len(parts)%2 == 0 {
		return template.HTML(template.HTMLEscapeString(s))
	}
	var b strings.Builder
	for i, part := range parts {
		if i%2 == 1 {
			b.WriteString("<code>" + template.HTMLEscapeString(part) + "</code>")
		} else {
			b.WriteString(template.HTMLEscapeString(part))
		}
	}
	return template.HTML(b.String())
}

// entryIDs reads "1 2" for the data attribute of a cell.
func entryIDs(ids []int) string {
	s := make([]string, len(ids))
	for i, id := range ids {
		s[i] = fmt.Sprint(id)
	}
	return strings.Join(s, " ")
}

// cellText is a cell's accessible description: who can do what, how bad.
func cellText(col mapColumn, row mapRow, c mapCell) string {
	return fmt.Sprintf("%s: %s on %s (%s; %s)", col.Title, strings.Join(c.Classes, ", "), row.Label,
		c.Severity, strings.Join(c.Rules, ", "))
}

// editDiff is an edit's diff, "" for none.
func editDiff(e *rules.Edit) string {
	if e == nil {
		return ""
	}
	return e.Diff
}
