package report

import (
	"fmt"
	"io"
	"strings"
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

func (t *tableWriter) line(s string) { t.b.WriteString(strings.TrimRight(s, " ") + "\n") }

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
	t := &tableWriter{width: o.Width, color: o.Color}
	if t.width <= 0 {
		t.width = defaultWidth
	}
	t.width = max(t.width, minWidth)

	// Header: the version, what was scanned, and the counts.
	name := "ecrguard"
	if o.Version != "" {
		name += " " + o.Version
	}
	// The counts that occur, highest severity first. A count ("2 high") is
	// kept on one line by joining it with a private-use rune while wrapping,
	// so that colour can then be applied to whole counts.
	var counts []string
	for _, s := range rules.Severities() {
		if n := v.counts[s]; n > 0 {
			counts = append(counts, fmt.Sprintf("%d%c%s", n, glue, s))
		}
	}
	var header string
	if len(counts) == 0 {
		header = fmt.Sprintf("%s: no findings in %s", name, plural(v.resources, "resource", "resources"))
	} else {
		header = fmt.Sprintf("%s: %s in %s: %s", name, plural(v.total(), "finding", "findings"),
			v.scope(), strings.Join(counts, ", "))
	}
	for i, l := range wrap(header, t.width) {
		if t.color {
			if i == 0 {
				l = t.style(ansiBold, name) + strings.TrimPrefix(l, name)
			}
			for _, s := range rules.Severities() {
				if n := v.counts[s]; n > 0 {
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

	for _, f := range v.active {
		t.finding(f)
	}

	if len(v.suppressed) > 0 && o.ShowSuppressed {
		t.line(t.style(ansiBold, fmt.Sprintf("Suppressed (%d)", len(v.suppressed))))
		t.line("")
		for _, f := range v.suppressed {
			t.finding(f)
		}
	}

	if len(v.notes) > 0 {
		t.line(t.style(ansiBold, "Notes"))
		for _, n := range v.notes {
			text := n.Message
			if n.Source != "" {
				text = n.Source + ": " + text
			}
			t.bullet(text)
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

// bullet writes "  - text" with the text wrapped under itself.
func (t *tableWriter) bullet(text string) {
	for i, l := range wrap(text, t.width-4) {
		if i == 0 {
			t.line("  - " + l)
		} else {
			t.line("    " + l)
		}
	}
}

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

func (t *tableWriter) finding(f rules.Finding) {
	badge := strings.ToUpper(f.Severity.String())
	pad := strings.Repeat(" ", max(8-len(badge), 0))
	titleLines := wrap(f.RuleID+"  "+f.Title, t.width-9)
	for i, l := range titleLines {
		if i == 0 {
			t.line(t.style(severityStyle(f.Severity), badge) + pad + " " + t.style(ansiBold, l))
		} else {
			t.line(strings.Repeat(" ", 9) + t.style(ansiBold, l))
		}
	}
	if f.Suppressed != "" {
		t.field("reason", "suppressed: "+f.Suppressed)
	}
	t.field("resource", resourceText(f))
	if loc := location(f); loc != "" {
		// "ARN (policy line 4)" breaks before the parenthesis only.
		name, where, ok := strings.Cut(loc, " (")
		if !ok {
			t.field("source", loc)
		} else {
			t.fieldParts("source", []string{name, "(" + where}, " ")
		}
	} else {
		t.field("source", "unknown")
	}
	who := make([]string, len(f.Principals))
	for i, p := range f.Principals {
		who[i] = principalText(p)
	}
	if len(who) > maxPrincipals {
		who = append(who[:maxPrincipals], fmt.Sprintf("and %d more", len(who)-maxPrincipals))
	}
	t.fieldParts("who", who, ", ")
	parts, sep := actionParts(f.Actions)
	t.fieldParts("what", parts, sep)
	t.field("when", strings.Join(f.Conditions, "; "))
	if f.Message != "" {
		t.para(f.Message, 2)
	}
	t.field("fix", f.Remediation)
	t.line("")
}

// summary is the closing line: the verdict in one sentence.
func (t *tableWriter) summary(v *view, o Options) {
	var s string
	switch {
	case v.total() == 0 && len(v.gaps) == 0 && v.resources == 0:
		s = "No findings. No repositories or registries were among the inputs."
	case v.total() == 0 && len(v.gaps) == 0:
		s = fmt.Sprintf("No findings: %s assessed, nothing found.", plural(v.resources, "resource", "resources"))
	case v.total() == 0:
		s = "No findings in what could be assessed."
	default:
		s = fmt.Sprintf("%s (%s) in %s.", plural(v.total(), "finding", "findings"), v.countsText(), v.scope())
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
	lines := wrap(s, t.width)
	for _, l := range lines {
		if len(v.gaps) > 0 {
			l = strings.Replace(l, "INCOMPLETE", t.style(ansiRed, "INCOMPLETE"), 1)
		}
		t.line(l)
	}
}
