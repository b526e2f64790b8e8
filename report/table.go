package report

import (
	"fmt"
	"io"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/ecrguard/ecrguard/estate"
	"github.com/ecrguard/ecrguard/rules"
)

// Table layout. Every line fits the width except one that holds a single
// word longer than the room left for it (a long ARN): words are never
// broken, so such a word sits alone on its line, after the indent, and
// overflows.
const (
	defaultWidth = 80
	minWidth     = 40
	// fieldIndent is where field values start: two spaces, the label, and
	// padding.
	fieldIndent = 12
	// maxPrincipals is how many principals a finding lists before counting
	// the rest (the JSON report lists them all).
	maxPrincipals = 5
	// glue joins words wrap must keep together; it becomes a space.
	glue = '\uE000'
)

// ANSI styles.
const (
	ansiReset = "\x1b[0m"
	ansiBold  = "\x1b[1m"
	ansiRed   = "\x1b[1;31m"
)

func severityStyle(s rules.Severity) string {
	switch s {
	case rules.Critical:
		return "\x1b[1;97;41m"
	case rules.High:
		return "\x1b[1;31m"
	case rules.Medium:
		return "\x1b[1;33m"
	case rules.Low:
		return "\x1b[1;36m"
	}
	return "\x1b[2m"
}

// tableWriter accumulates the table report's lines.
type tableWriter struct {
	b     strings.Builder
	width int
	color bool
}

func (t *tableWriter) style(code, s string) string {
	if !t.color || s == "" {
		return s
	}
	return code + s + ansiReset
}

func (t *tableWriter) line(s string) {
	t.b.WriteString(strings.TrimRight(strings.ReplaceAll(s, string(glue), " "), " ") + "\n")
}

// para writes text wrapped to the width, every line indented.
func (t *tableWriter) para(text string, indent int) {
	pad := strings.Repeat(" ", indent)
	for _, l := range wrap(text, t.width-indent) {
		t.line(pad + l)
	}
}

// field writes "  label     value", the value wrapped with a hanging indent.
func (t *tableWriter) field(label, value string) {
	if value == "" {
		return
	}
	t.fieldLines(label, wrap(value, t.width-fieldIndent))
}

// fieldParts is field for a list of parts joined by sep, breaking lines only
// between parts (a part longer than a line is word-wrapped).
func (t *tableWriter) fieldParts(label string, parts []string, sep string) {
	if len(parts) == 0 {
		return
	}
	room := t.width - fieldIndent
	var lines []string
	cur := ""
	for i, p := range parts {
		if i < len(parts)-1 {
			p += strings.TrimRight(sep, " ")
		}
		switch {
		case cur == "":
			cur = p
		case utf8.RuneCountInString(cur)+1+utf8.RuneCountInString(p) <= room:
			cur += " " + p
		default:
			lines = append(lines, cur)
			cur = p
		}
	}
	lines = append(lines, cur)
	var wrapped []string
	for _, l := range lines {
		wrapped = append(wrapped, wrap(l, room)...)
	}
	t.fieldLines(label, wrapped)
}

// fieldLines writes the label and the first line, then the other lines
// under the first.
func (t *tableWriter) fieldLines(label string, lines []string) {
	for i, l := range lines {
		if i == 0 {
			t.line(fmt.Sprintf("  %-*s%s", fieldIndent-2, label, l))
		} else {
			t.line(strings.Repeat(" ", fieldIndent) + l)
		}
	}
}

func writeTable(w io.Writer, v *view, o Options) error {
	t := &tableWriter{width: fitWidth(o.Width), color: o.Color}

	// Header: the version, what was scanned, and the counts.
	name := "ecrguard"
	if o.Version != "" {
		name += " " + o.Version
	}
	// The problems per severity that occur, highest first. A count ("2
	// high") is kept on one line by joining it with a private-use rune while
	// wrapping, so that colour can then be applied to whole counts.
	problems := v.entryCounts()
	var counts []string
	for _, s := range rules.Severities() {
		if n := problems[s]; n > 0 {
			counts = append(counts, fmt.Sprintf("%d%c%s", n, glue, s))
		}
	}
	var header string
	if len(counts) == 0 {
		header = fmt.Sprintf("%s: no findings in %s", name, v.resourcesText())
	} else {
		header = fmt.Sprintf("%s: %s: %s (%s)", name, plural(len(v.entries), "problem", "problems"),
			strings.Join(counts, ", "), plural(v.total(), "finding", "findings"))
	}
	if v.filter != nil {
		header += fmt.Sprintf(" (filtered: %d left out)", v.filter.Removed)
	}
	for i, l := range wrap(header, t.width) {
		if t.color {
			if i == 0 {
				l = t.style(ansiBold, name) + strings.TrimPrefix(l, name)
			}
			for _, s := range rules.Severities() {
				if n := problems[s]; n > 0 {
					c := fmt.Sprintf("%d%c%s", n, glue, s)
					l = strings.Replace(l, c, t.style(severityStyle(s), c), 1)
				}
			}
		}
		t.line(strings.ReplaceAll(l, string(glue), " "))
	}
	if n := len(v.gaps); n > 0 {
		for _, l := range wrap(fmt.Sprintf("INCOMPLETE: %s could not be assessed (see Coverage below)", plural(n, "input", "inputs")), t.width) {
			t.line(t.style(ansiRed, l))
		}
	}
	t.line("")

	for _, e := range v.entries {
		t.entry(e, o.Detail)
	}

	if len(v.suppressed) > 0 && o.ShowSuppressed {
		t.line(t.style(ansiBold, fmt.Sprintf("Suppressed (%d)", len(v.suppressed))))
		t.line("")
		for _, e := range v.suppressedEntries {
			t.entry(e, o.Detail)
		}
	}

	if len(v.notes) > 0 {
		t.line(t.style(ansiBold, "Notes"))
		for _, n := range v.notes {
			t.bullet(noteText(n))
		}
		t.line("")
	}

	t.line(t.style(ansiBold, "Coverage"))
	if n := len(v.gaps); n > 0 {
		for _, l := range wrap(fmt.Sprintf("INCOMPLETE: %s could not be assessed.", plural(n, "input", "inputs")), t.width-2) {
			t.line("  " + t.style(ansiRed, l))
		}
		t.para("They were not (fully) assessed: this report covers only what could be read and evaluated.", 2)
		for _, g := range v.gaps {
			t.gap(g)
		}
	} else {
		t.para("Every input was read and evaluated.", 2)
	}
	t.line("")

	t.summary(v, o)
	_, err := io.WriteString(w, t.b.String())
	return err
}

// hanging writes prefix and text wrapped to the width, the lines after the
// first indented by indent.
func (t *tableWriter) hanging(prefix, text string, indent int) {
	first := utf8.RuneCountInString(prefix)
	lines := wrap(text, t.width-max(first, indent))
	for i, l := range lines {
		if i == 0 {
			t.line(prefix + l)
		} else {
			t.line(strings.Repeat(" ", indent) + l)
		}
	}
}

// bullet writes "  - text" with the text wrapped under itself.
func (t *tableWriter) bullet(text string) { t.hanging("  - ", text, 4) }

// gap writes one coverage gap: where (the file position or API), what (the
// resource, or the account and region), and why.
func (t *tableWriter) gap(g estate.Gap) {
	var head []string
	if where := gapWhere(g); where != "" {
		head = append(head, where)
	}
	if g.Resource != "" {
		head = append(head, g.Resource)
	} else if scope := gapScope(g); scope != "" {
		head = append(head, scope)
	}
	why := g.Message
	if g.Code != "" {
		why = string(g.Code) + ": " + why
	}
	if len(head) == 0 {
		t.bullet(why)
		return
	}
	t.bullet(head[0])
	for _, h := range head[1:] {
		t.para(h, 4)
	}
	t.para(why, 4)
}

// entry writes one problem. The compact block (the default) says what
// rules it breaks, where, who, what they can do and the first sentence of
// the fix, in at most two lines; with detail it adds the conditions, each
// finding's proof and every full fix.
func (t *tableWriter) entry(e Entry, detail bool) {
	badge := strings.ToUpper(e.Severity.String())
	pad := strings.Repeat(" ", max(8-len(badge), 0))
	title := e.Rules[0] + "  " + e.Title
	switch {
	case e.Kind == ByRule:
		title += ": " + plural(len(e.Principals), "principal", "principals")
	case len(e.Rules) > 1:
		title += " (and " + strings.Join(e.Rules[1:], ", ") + ")"
	}
	for i, l := range wrap(title, t.width-9) {
		if i == 0 {
			t.line(t.style(severityStyle(e.Severity), badge) + pad + " " + t.style(ansiBold, l))
		} else {
			t.line(strings.Repeat(" ", 9) + t.style(ansiBold, l))
		}
	}
	if e.Suppressed != "" {
		t.field("reason", "suppressed: "+e.Suppressed)
	}
	loc := location(e.Findings[0])
	if loc == "" {
		loc = "source unknown"
	}
	// "ARN (policy line 4)" breaks before the parenthesis only.
	if name, where, ok := strings.Cut(loc, " ("); ok {
		loc = name + " (" + strings.ReplaceAll(where, " ", string(glue))
	}
	switch {
	case e.Kind == ByRule:
		t.fieldParts("where", ruleFiles(e), ", ")
	case e.Kind == ByPrincipal && isDetached(e.Resource):
		// An identity policy read without its principals: named as such.
		t.fieldParts("where", []string{resourceText(e.Findings[0]), loc}, " ")
	case e.Kind == ByStatement && e.Findings[0].Source.File != e.Resource:
		// A policy read from AWS is located at its resource's ARN: said once.
		t.fieldParts("where", []string{resourceText(e.Findings[0]), loc}, " ")
	default:
		t.field("where", loc)
	}
	few := maxPrincipals
	if !detail {
		few = compactPrincipals
	}
	t.fieldParts("who", principalList(e.Principals, few), ", ")
	parts, sep := actionParts(e.Actions)
	if !detail && utf8.RuneCountInString(strings.Join(parts, sep)) > t.width-fieldIndent {
		parts, sep = classParts(e.Actions)
	}
	t.fieldParts("can", parts, sep)
	if len(e.Assumes) > 0 {
		// A value not known at scan time, taken at its worst: who and can
		// are what it could be.
		t.field("assumes", "the worst for "+strings.Join(e.Assumes, "; ")+" (not known at scan time)")
	}
	if !detail {
		t.fieldLines("fix", shorten(wrap(firstSentence(e.Fix), t.width-fieldIndent-2), 2))
		t.line("")
		return
	}
	t.field("when", strings.Join(e.Conditions, "; "))
	// Each finding's proof and fix, the same text said once; an entry of
	// many principals shows its first finding and points to the JSON.
	shown := e.Findings
	if e.Kind == ByRule {
		shown = shown[:1]
	}
	seen := map[string]bool{}
	for _, f := range shown {
		if len(e.Rules) > 1 && !seen[f.RuleID] {
			t.para(f.RuleID+" "+f.Title, 2)
		}
		seen[f.RuleID] = true
		if f.Message != "" && !seen["\x00"+f.Message] {
			t.para(f.Message, 4)
			seen["\x00"+f.Message] = true
		}
		if f.Remediation != "" && !seen["\x01"+f.Remediation] {
			t.fieldLines("  fix", wrap(f.Remediation, t.width-fieldIndent))
			seen["\x01"+f.Remediation] = true
		}
	}
	if n := len(e.Findings) - len(shown); n > 0 {
		t.para(fmt.Sprintf("%s of this rule, one per principal, are in the JSON report.", plural(n, "more finding", "more findings")), 4)
	}
	if e.Edit != nil {
		t.fieldLines("  edit", diffLines(e.Edit))
	}
	t.line("")
}

// diffLines are the lines of an edit's unified diff.
func diffLines(e *rules.Edit) []string {
	return strings.Split(strings.TrimSuffix(e.Diff, "\n"), "\n")
}

// ruleFiles are the files (or policies) the findings of an entry come
// from, each once, in order: a ByRule entry's principals are granted in
// many places.
func ruleFiles(e Entry) []string {
	var files []string
	for _, f := range e.Findings {
		if f.Source.File != "" && !slices.Contains(files, f.Source.File) {
			files = append(files, f.Source.File)
		}
	}
	if len(files) == 0 {
		return []string{"source unknown"}
	}
	return files
}

// compactPrincipals is how many principals the compact table names before
// counting the rest.
const compactPrincipals = 3

// principalList names the first few principals ("*" as "* (anyone)") and
// counts the rest.
func principalList(principals []string, few int) []string {
	who := make([]string, 0, min(len(principals), few)+1)
	for i, p := range principals {
		if i == few {
			who = append(who, fmt.Sprintf("and %d more", len(principals)-few))
			break
		}
		who = append(who, principalText(p))
	}
	return who
}

// firstSentence is text up to the end of its first sentence: a full stop
// followed by a space and a capital letter, outside quotes and code. The
// rest of a fix (how to apply it, the proven fix) is for --detail.
func firstSentence(text string) string {
	quote, code := false, false
	rs := []rune(text)
	for i, r := range rs {
		switch {
		case r == '"' && !code:
			quote = !quote
		case r == '`':
			code = !code
		case r == '.' && !quote && !code && i+2 < len(rs) && rs[i+1] == ' ' && unicode.IsUpper(rs[i+2]):
			return string(rs[:i+1])
		}
	}
	return text
}

// shorten keeps the first n lines, marking a cut with an ellipsis.
func shorten(lines []string, n int) []string {
	if len(lines) <= n {
		return lines
	}
	out := slices.Clone(lines[:n])
	out[n-1] += " …"
	return out
}

// summary is the closing line: the verdict in one sentence.
func (t *tableWriter) summary(v *view, o Options) {
	var s string
	switch {
	case v.total() == 0 && len(v.gaps) == 0 && v.resources == 0:
		s = "No findings. No repositories or registries were among the inputs."
	case v.total() == 0 && len(v.gaps) == 0:
		s = fmt.Sprintf("No findings: %s assessed, nothing found.", v.resourcesText())
	case v.total() == 0:
		s = "No findings in what could be assessed."
	default:
		s = fmt.Sprintf("%s (%s) on %s, from %s (%s); %s assessed.",
			plural(len(v.entries), "problem", "problems"), v.problemsText(), v.subjectsText(),
			plural(v.total(), "finding", "findings"), v.countsText(), v.scope())
		if !o.Detail {
			s += " --detail shows each proof and full fix; --format json lists every finding."
		}
	}
	if n := len(v.suppressed); n > 0 {
		if o.ShowSuppressed {
			s += fmt.Sprintf(" %s listed above.", plural(n, "suppressed finding", "suppressed findings"))
		} else {
			s += fmt.Sprintf(" %s not shown.", plural(n, "suppressed finding", "suppressed findings"))
		}
	}
	if n := len(v.gaps); n > 0 {
		s += fmt.Sprintf(" INCOMPLETE: %s not assessed.", plural(n, "input", "inputs"))
	}
	if f := v.filterText(); f != "" {
		s += " " + f
	}
	lines := wrap(s, t.width)
	for _, l := range lines {
		if len(v.gaps) > 0 {
			l = strings.Replace(l, "INCOMPLETE", t.style(ansiRed, "INCOMPLETE"), 1)
		}
		t.line(l)
	}
}
