package report

import (
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/ecrguard/ecrguard/diff"
	"github.com/ecrguard/ecrguard/estate"
	"github.com/ecrguard/ecrguard/rules"
)

// DiffFormats are the formats of `ecrguard diff`, the default first.
func DiffFormats() []Format { return []Format{Table, JSON, SARIF, Markdown} }

// DiffSchemaVersion is the version of the diff's JSON report
// (docs/diff-json.md). Keys may be added within a version; none is removed
// or renamed.
const DiffSchemaVersion = 1

// WriteDiff writes a comparison (ecrguard diff) in format f: table, json
// (docs/diff-json.md), sarif (the new findings, at their HEAD lines) or
// markdown (a pull-request comment). It does not modify d.
func WriteDiff(w io.Writer, f Format, d *diff.Result, o Options) error {
	v := prepare(d.Findings)
	switch f {
	case Table:
		return writeDiffTable(w, d, v, o)
	case JSON:
		return writeDiffJSON(w, d, v, o)
	case SARIF:
		return writeSARIF(w, v, o)
	case Markdown:
		return writeDiffMarkdown(w, d, v, o)
	}
	return fmt.Errorf("diff writes no %s report: expected table, json, sarif or markdown", f)
}

// diffSummary is the one-line verdict every human format starts with. It
// counts accesses (grant groups: a subject, a principal, the statements
// that grant it) and, for the new ones, their grants (one per action), and
// the new findings a suppression matched: one the branch adds (an inline
// ignore, .ecrguardignore) passes the gate, and the reviewer must see that
// it did.
func diffSummary(d *diff.Result, v *view, o Options) string {
	s := "No new access"
	if len(d.New) > 0 {
		s = fmt.Sprintf("%s (%s)", plural(len(groupGrants(d.New)), "new access", "new accesses"), plural(len(d.New), "grant", "grants"))
	}
	s += fmt.Sprintf(", %s; %s", plural(len(groupGrants(d.Removed)), "removed", "removed"), plural(v.total(), "new finding", "new findings"))
	if v.total() > 0 {
		s += " (" + v.countsText() + ")"
	}
	if n := len(v.suppressed); n > 0 {
		s += "; " + plural(n, "new finding", "new findings") + " suppressed"
		switch {
		case o.ShowSuppressed:
		case n == 1:
			s += " (--show-suppressed lists it)"
		default:
			s += " (--show-suppressed lists them)"
		}
	}
	s += "."
	if n := len(d.BaseGaps) + len(d.HeadGaps); n > 0 {
		s += fmt.Sprintf(" INCOMPLETE: %s not assessed (BASE %d, HEAD %d), so access may be new that is not listed.", plural(n, "input", "inputs"), len(d.BaseGaps), len(d.HeadGaps))
	}
	if f := v.filterText(); f != "" {
		s += " " + f
	}
	return s
}

// grantSubject names a grant's subject for a person.
func grantSubject(g diff.Grant) string {
	switch g.Kind {
	case diff.EveryRepository:
		return "every repository of account " + g.Account
	case diff.Account:
		return "account " + g.Account + " (actions on no resource)"
	}
	name := g.Subject
	if _, after, ok := strings.Cut(g.Subject, ":repository/"); ok {
		name = after
	} else if _, after, ok := strings.Cut(g.Subject, ":repository-creation-template/"); ok {
		name = after
	}
	if strings.HasSuffix(g.Subject, ":registry") {
		return "registry " + g.Subject
	}
	return string(g.Kind) + " " + name
}

// grantWho names a grant's principal with its class.
func grantWho(g diff.Grant) string {
	if g.Principal == "*" {
		return "anyone"
	}
	return g.Principal + " (" + string(g.Class) + ")"
}

// grantWhere names the statements that grant it: "policy, label at file:line".
func grantWhere(g diff.Grant) string {
	return statementsText(g, func(s string) string { return s }, func(s string) string { return s })
}

// statementsText is grantWhere with each part written by text and each
// file:line by pos (Markdown escapes the one and sets the other as code, so
// that a file name holding "@team" mentions no one in a comment).
func statementsText(g diff.Grant, text, pos func(string) string) string {
	var parts []string
	for _, s := range g.Statements {
		p := text(s.Policy + ", " + s.Label)
		if where := sourceText(s.Pos, false); where != "" {
			p += " at " + pos(where)
		}
		parts = append(parts, p)
	}
	return strings.Join(parts, "; ")
}

// grantGroup is the grants of one subject and principal that the same
// statements make under the same conditions (and widen alike): one entry of the table, one
// row of the comment (a statement granting ecr:* is one access, not 60).
type grantGroup struct {
	// first is the group's first grant: its subject, principal,
	// statements, conditions and proof stand for the group's.
	first   diff.Grant
	actions []string
}

// groupGrants groups grants (sorted by subject, principal and action), in
// the order of each group's first grant.
func groupGrants(gs []diff.Grant) []grantGroup {
	index := map[string]int{}
	var out []grantGroup
	for _, g := range gs {
		k := strings.Join(slices.Concat([]string{g.Subject, g.Principal, grantWhere(g)}, g.Conditions, []string{"\x01"}, g.Wider), "\x00")
		if i, ok := index[k]; ok {
			out[i].actions = append(out[i].actions, g.Action)
			continue
		}
		index[k] = len(out)
		out = append(out, grantGroup{first: g, actions: []string{g.Action}})
	}
	return out
}

func writeDiffTable(w io.Writer, d *diff.Result, v *view, o Options) error {
	t := &tableWriter{width: fitWidth(o.Width), color: o.Color}
	name := "ecrguard diff"
	if o.Version != "" {
		name += " " + o.Version
	}
	t.line(t.style(ansiBold, name))
	t.para(diffSummary(d, v, o), 0)
	for _, w := range d.Warnings {
		t.para(t.style(ansiRed, "Warning: ")+w, 0)
	}
	if len(d.New) > 0 {
		t.section("New access", ansiBold)
		for _, gg := range groupGrants(d.New) {
			g := gg.first
			t.bullet(fmt.Sprintf("%s: %s can %s", grantSubject(g), grantWho(g), summarizeActions(gg.actions)))
			if len(gg.actions) > 3 && o.Detail {
				t.para("actions: "+strings.Join(gg.actions, ", "), 4)
			}
			if where := grantWhere(g); where != "" {
				t.para("granted by "+where, 4)
			}
			if len(g.Conditions) > 0 {
				t.para("when "+strings.Join(g.Conditions, "; "), 4)
			}
			if len(g.Wider) > 0 {
				t.para("wider than in BASE, which needed "+strings.Join(g.Wider, "; "), 4)
			}
			if g.Proof != "" {
				t.para("proof: "+g.Proof, 4)
			}
		}
	}
	if len(d.Removed) > 0 {
		t.section("Removed access", ansiBold)
		for _, gg := range groupGrants(d.Removed) {
			t.bullet(fmt.Sprintf("%s: %s, %s", grantSubject(gg.first), grantWho(gg.first), summarizeActions(gg.actions)))
		}
	}
	if len(v.entries) > 0 {
		t.section("New findings", ansiBold)
		for _, e := range v.entries {
			t.entry(e, o.Detail)
		}
	}
	if o.ShowSuppressed && len(v.suppressedEntries) > 0 {
		t.section("Suppressed", ansiBold)
		for _, e := range v.suppressedEntries {
			t.entry(e, o.Detail)
		}
	}
	for _, side := range []struct {
		name string
		gaps []estate.Gap
	}{{"BASE", d.BaseGaps}, {"HEAD", d.HeadGaps}} {
		if len(side.gaps) == 0 {
			continue
		}
		t.section("Not assessed in "+side.name, ansiRed)
		for _, g := range side.gaps {
			t.gap(g)
		}
	}
	_, err := io.WriteString(w, t.b.String())
	return err
}

// section starts a section of the table: a blank line (unless the last
// one is) and its bold title.
func (t *tableWriter) section(title, style string) {
	if !strings.HasSuffix(t.b.String(), "\n\n") {
		t.line("")
	}
	t.line(t.style(style, title))
}

// The diff's JSON report (docs/diff-json.md). Field order is output order;
// every list is non-nil.
type jsonDiff struct {
	SchemaVersion int             `json:"schema_version"`
	Kind          string          `json:"kind"`
	Tool          jsonTool        `json:"tool"`
	Summary       jsonDiffSummary `json:"summary"`
	NewAccess     []jsonGrant     `json:"new_access"`
	Removed       []jsonGrant     `json:"removed_access"`
	Findings      []jsonFinding   `json:"findings"`
	Suppressed    []jsonFinding   `json:"suppressed"`
	Errors        []jsonDiffGap   `json:"errors"`
	Notes         []jsonNote      `json:"notes"`
	Warnings      []string        `json:"warnings"`
}

type jsonDiffSummary struct {
	NewAccess     int            `json:"new_access"`
	RemovedAccess int            `json:"removed_access"`
	BaseGrants    int            `json:"base_grants"`
	HeadGrants    int            `json:"head_grants"`
	Findings      jsonSeverities `json:"findings"`
	Suppressed    int            `json:"suppressed"`
	Complete      bool           `json:"complete"`
	Filter        *jsonFilter    `json:"filter,omitempty"`
}

type jsonGrant struct {
	Subject    string          `json:"subject"`
	Kind       string          `json:"kind"`
	Account    string          `json:"account"`
	Principal  string          `json:"principal"`
	Class      string          `json:"class"`
	Action     string          `json:"action"`
	Statements []jsonStatement `json:"statements"`
	Conditions []string        `json:"conditions"`
	Proof      string          `json:"proof"`
	Wider      []string        `json:"wider"`
}

type jsonStatement struct {
	Policy    string     `json:"policy"`
	Statement string     `json:"statement"`
	Source    jsonSource `json:"source"`
}

type jsonDiffGap struct {
	Side string `json:"side"`
	jsonGap
}

func toJSONGrant(g diff.Grant) jsonGrant {
	out := jsonGrant{
		Subject: g.Subject, Kind: string(g.Kind), Account: g.Account, Principal: g.Principal,
		Class: string(g.Class), Action: g.Action, Statements: []jsonStatement{},
		Conditions: nonNil(g.Conditions), Proof: g.Proof, Wider: nonNil(g.Wider),
	}
	for _, s := range g.Statements {
		out.Statements = append(out.Statements, jsonStatement{Policy: s.Policy, Statement: s.Label,
			Source: jsonSourceOf(s.Pos)})
	}
	return out
}

func writeDiffJSON(w io.Writer, d *diff.Result, v *view, o Options) error {
	rep := jsonDiff{
		SchemaVersion: DiffSchemaVersion,
		Kind:          "ecrguard-diff",
		Tool:          jsonTool{Name: "ecrguard", Version: o.Version},
		Summary: jsonDiffSummary{
			NewAccess: len(d.New), RemovedAccess: len(d.Removed), BaseGrants: d.BaseGrants, HeadGrants: d.HeadGrants,
			Findings: jsonSeverities{
				Critical: v.counts[rules.Critical], High: v.counts[rules.High], Medium: v.counts[rules.Medium],
				Low: v.counts[rules.Low], Info: v.counts[rules.Info],
			},
			Suppressed: len(v.suppressed),
			Complete:   len(d.BaseGaps)+len(d.HeadGaps) == 0,
			Filter:     newJSONFilter(v.filter),
		},
		NewAccess:  []jsonGrant{},
		Removed:    []jsonGrant{},
		Findings:   []jsonFinding{},
		Suppressed: []jsonFinding{},
		Errors:     []jsonDiffGap{},
		Notes:      []jsonNote{},
		Warnings:   append([]string{}, d.Warnings...),
	}
	for _, g := range d.New {
		rep.NewAccess = append(rep.NewAccess, toJSONGrant(g))
	}
	for _, g := range d.Removed {
		rep.Removed = append(rep.Removed, toJSONGrant(g))
	}
	groups := groupIDs(v.entries, v.suppressedEntries)
	for _, f := range v.active {
		jf := toJSONFinding(f)
		jf.Group = groups[findingKey(f)]
		rep.Findings = append(rep.Findings, jf)
	}
	if o.ShowSuppressed {
		for _, f := range v.suppressed {
			jf := toJSONFinding(f)
			jf.Group = groups[findingKey(f)]
			reason := f.Suppressed
			jf.Reason = &reason
			rep.Suppressed = append(rep.Suppressed, jf)
		}
	}
	for _, side := range []struct {
		name string
		gaps []estate.Gap
	}{{"base", d.BaseGaps}, {"head", d.HeadGaps}} {
		for _, g := range side.gaps {
			rep.Errors = append(rep.Errors, jsonDiffGap{Side: side.name, jsonGap: toJSONGap(g)})
		}
	}
	for _, n := range v.notes {
		rep.Notes = append(rep.Notes, jsonNote(n))
	}
	return encodeJSON(w, rep)
}

// maxCommentRows is how many new accesses (grant groups) the pull-request
// comment lists; it counts the others (a comment stays short, and far below the size a
// code host accepts).
const maxCommentRows = 50

// writeDiffMarkdown writes a pull-request comment: the summary line, one
// table row per new access, the new findings in one line each (with
// --show-suppressed, the suppressed ones too, with their reasons), and what
// could not be assessed.
func writeDiffMarkdown(w io.Writer, d *diff.Result, v *view, o Options) error {
	var b strings.Builder
	b.WriteString("## ecrguard diff\n\n")
	fmt.Fprintf(&b, "**%s**\n\n", mdEscape(diffSummary(d, v, o)))
	for _, w := range d.Warnings {
		fmt.Fprintf(&b, "> **Warning:** %s\n\n", mdEscape(w))
	}
	if groups := groupGrants(d.New); len(groups) > 0 {
		b.WriteString("| Resource | Principal | Actions | Granted by |\n| --- | --- | --- | --- |\n")
		for _, gg := range groups[:min(len(groups), maxCommentRows)] {
			g := gg.first
			where := statementsText(g, mdEscape, mdCellCode)
			if len(g.Wider) > 0 {
				where += mdEscape(" (wider: BASE needed " + strings.Join(g.Wider, "; ") + ")")
			}
			fmt.Fprintf(&b, "| %s | %s | %s | %s |\n", mdEscape(grantSubject(g)), mdEscape(grantWho(g)), mdActions(gg.actions), where)
		}
		b.WriteString("\n")
		if n := len(groups) - maxCommentRows; n > 0 {
			fmt.Fprintf(&b, "… and %s (`--format json` lists every grant).\n\n", plural(n, "more new access", "more new accesses"))
		}
	}
	list := func(title string, fs []rules.Finding) {
		if len(fs) == 0 {
			return
		}
		b.WriteString(title + ":\n\n")
		for _, f := range fs {
			where := location(f)
			if where != "" {
				where = " at " + mdCode(where)
			}
			if f.Suppressed != "" {
				where += mdEscape(", suppressed: " + f.Suppressed)
			}
			fmt.Fprintf(&b, "- **%s** %s %s%s\n", strings.ToUpper(f.Severity.String()), f.RuleID, mdEscape(f.Title), where)
		}
		b.WriteString("\n")
	}
	list("New findings", v.active)
	if o.ShowSuppressed {
		list("Suppressed", v.suppressed)
	}
	if n := len(d.BaseGaps) + len(d.HeadGaps); n > 0 {
		b.WriteString("Not assessed:\n\n")
		for _, side := range []struct {
			name string
			gaps []estate.Gap
		}{{"BASE", d.BaseGaps}, {"HEAD", d.HeadGaps}} {
			for _, g := range side.gaps {
				fmt.Fprintf(&b, "- %s: %s\n", side.name, mdEscape(gapLine(g)))
			}
		}
		b.WriteString("\n")
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// mdActions is a comment's actions cell: up to three action names as code,
// more summarised by class.
func mdActions(actions []string) string {
	if len(actions) > 3 {
		return mdEscape(summarizeActions(actions))
	}
	var parts []string
	for _, a := range actions {
		parts = append(parts, mdCode(a))
	}
	return strings.Join(parts, ", ")
}

// gapLine is a gap on one line: where, then why.
func gapLine(g estate.Gap) string {
	why := g.Message
	if g.Code != "" {
		why = string(g.Code) + ": " + why
	}
	if where := gapWhere(g); where != "" {
		return where + ": " + why
	}
	return why
}
