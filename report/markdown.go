package report

import (
	"fmt"
	"io"
	"strings"
	"unicode"

	"github.com/ecrguard/ecrguard/rules"
)

// mdInlineActions is how many actions a finding lists inline before the
// Markdown report summarizes them and folds the full list away.
const mdInlineActions = 6

func writeMarkdown(w io.Writer, v *view, o Options) error {
	var b strings.Builder
	b.WriteString("## ecrguard report\n\n")

	if n := len(v.gaps); n > 0 {
		fmt.Fprintf(&b, "> **INCOMPLETE: %s could not be assessed.** This report covers only what was read; "+
			"see [Not assessed](#not-assessed). Fix the inputs and scan again before relying on it.\n\n",
			plural(n, "input", "inputs"))
	}

	switch {
	case v.total() == 0 && len(v.gaps) == 0 && v.resources == 0:
		b.WriteString("**No findings.** No repositories or registries were among the inputs.\n\n")
	case v.total() == 0 && len(v.gaps) == 0:
		fmt.Fprintf(&b, "**No findings.** Every input was assessed (%s).\n\n", v.resourcesText())
	case v.total() == 0:
		fmt.Fprintf(&b, "**No findings in what could be assessed** (%s).\n\n", v.resourcesText())
	default:
		fmt.Fprintf(&b, "**%s** (%s) on %s, from %s (%s); %s assessed.\n\n",
			plural(len(v.entries), "problem", "problems"), v.problemsText(), mdEscape(v.subjectsText()),
			plural(v.total(), "finding", "findings"), v.countsText(), v.scope())
	}
	if f := v.filterText(); f != "" {
		fmt.Fprintf(&b, "**%s**\n\n", mdEscape(f))
	}
	if n := len(v.suppressed); n > 0 {
		if o.ShowSuppressed {
			fmt.Fprintf(&b, "%s listed under [Suppressed](#suppressed).\n\n", plural(n, "suppressed finding is", "suppressed findings are"))
		} else {
			fmt.Fprintf(&b, "%s not shown.\n\n", plural(n, "suppressed finding", "suppressed findings"))
		}
	}

	problems := v.entryCounts()
	b.WriteString("| Severity | Problems | Findings |\n| --- | ---: | ---: |\n")
	for _, s := range rules.Severities() {
		fmt.Fprintf(&b, "| %s | %d | %d |\n", capitalize(s.String()), problems[s], v.counts[s])
	}
	fmt.Fprintf(&b, "| **Total** | **%d** | **%d** |\n", len(v.entries), v.total())
	if len(v.gaps) > 0 {
		fmt.Fprintf(&b, "| **Not assessed** | | **%d** |\n", len(v.gaps))
	}
	b.WriteString("\n")

	if len(v.gaps) > 0 {
		b.WriteString("### Not assessed\n\n")
		b.WriteString("These inputs could not be read or fully evaluated, so they may hide findings: this report covers only what could be read and evaluated.\n\n")
		for _, g := range v.gaps {
			b.WriteString("- ")
			var parts []string
			if where := gapWhere(g); where != "" {
				parts = append(parts, mdCode(where))
			}
			var what string
			if g.Resource != "" {
				what = mdCode(g.Resource)
			} else if scope := gapScope(g); scope != "" {
				what = mdEscape(scope)
			}
			switch {
			case what != "" && len(parts) > 0:
				parts = append(parts, "("+what+")")
			case what != "":
				parts = append(parts, what)
			}
			if len(parts) > 0 {
				b.WriteString(strings.Join(parts, " ") + ": ")
			}
			if g.Code != "" {
				b.WriteString("**" + mdEscape(string(g.Code)) + ":** ")
			}
			b.WriteString(mdText(g.Message) + "\n")
		}
		b.WriteString("\n")
	}

	for _, s := range rules.Severities() {
		var group []Entry
		for _, e := range v.entries {
			if e.Severity == s {
				group = append(group, e)
			}
		}
		if len(group) == 0 {
			continue
		}
		fmt.Fprintf(&b, "### %s (%s)\n\n", capitalize(s.String()), plural(len(group), "problem", "problems"))
		for _, e := range group {
			mdEntry(&b, e)
		}
	}

	if o.ShowSuppressed && len(v.suppressed) > 0 {
		fmt.Fprintf(&b, "### Suppressed (%d)\n\n", len(v.suppressed))
		for _, e := range v.suppressedEntries {
			mdEntry(&b, e)
		}
	}

	if len(v.notes) > 0 {
		b.WriteString("### Notes\n\n")
		for _, n := range v.notes {
			b.WriteString("- ")
			if s := noteSource(n); s != "" {
				b.WriteString(mdCode(s) + ": ")
			}
			b.WriteString(mdText(n.Message) + "\n")
		}
		b.WriteString("\n")
	}

	footer := "ecrguard"
	if o.Version != "" {
		footer += " " + o.Version
	}
	fmt.Fprintf(&b, "<sub>%s · [rules](%s)</sub>\n", mdEscape(footer), docsBase+"docs/rules/")
	_, err := io.WriteString(w, b.String())
	return err
}

// mdEntry writes one problem: its rules, where, who, what, and each rule's
// proof and fix (an entry of many principals shows its first finding; the
// JSON report lists the others).
func mdEntry(b *strings.Builder, e Entry) {
	title := e.Rules[0] + " " + mdEscape(e.Title)
	switch {
	case e.Kind == ByRule:
		title += ": " + plural(len(e.Principals), "principal", "principals")
	case len(e.Rules) > 1:
		title += " (and " + strings.Join(e.Rules[1:], ", ") + ")"
	}
	fmt.Fprintf(b, "#### %s\n\n", title)
	item := func(label, value string) {
		if value != "" {
			fmt.Fprintf(b, "- **%s:** %s\n", label, value)
		}
	}
	if e.Suppressed != "" {
		item("Suppressed", mdEscape(e.Suppressed))
	}
	item("Severity", e.Severity.String())
	switch {
	case isDetached(e.Resource):
		item("Resource", mdEscape(resourceText(e.Findings[0])))
	case e.Kind == ByStatement:
		item("Resource", mdCodeOrEmpty(e.Resource))
	}
	if e.Kind == ByRule {
		item("Sources", mdCodeList(ruleFiles(e)))
	} else if loc := location(e.Findings[0]); loc != "" {
		// "ARN (policy line 4)": the ARN is code, where in it is prose.
		if name, where, ok := strings.Cut(loc, " ("); ok {
			item("Source", mdCode(name)+" "+mdEscape("("+where))
		} else {
			item("Source", mdCode(loc))
		}
	} else {
		item("Source", "unknown")
	}
	var who []string
	for i, p := range e.Principals {
		if i == maxPrincipals {
			break
		}
		if _, detached := rules.DetachedPolicy(p); detached {
			who = append(who, mdEscape(principalText(p)))
		} else {
			who = append(who, mdCode(p))
		}
	}
	more := ""
	if len(e.Principals) > maxPrincipals {
		more = fmt.Sprintf(" and %d more (in the JSON report)", len(e.Principals)-maxPrincipals)
	}
	if len(who) > 0 {
		item("Who", strings.Join(who, ", ")+more)
	}
	if len(e.Actions) <= mdInlineActions {
		item("Can", mdCodeList(e.Actions))
	} else {
		item("Can", mdEscape(summarizeActions(e.Actions)))
	}
	item("Conditions", mdCodeList(e.Conditions))
	if len(e.Assumes) > 0 {
		item("Assumes", "the worst for "+mdCodeList(e.Assumes)+" (not known at scan time)")
	}
	fws := map[string][]string{}
	for _, f := range e.Findings {
		for k, ids := range f.Frameworks {
			fws[k] = append(fws[k], ids...)
		}
	}
	for k := range fws {
		fws[k] = sortedSet(fws[k])
	}
	var fw []string
	for _, s := range frameworkList(fws) {
		fw = append(fw, mdEscape(s))
	}
	item("Frameworks", strings.Join(fw, ", "))
	b.WriteString("\n")

	shown := e.Findings
	if e.Kind == ByRule {
		shown = shown[:1]
	}
	seen := map[string]bool{}
	for _, f := range shown {
		text := ""
		if !seen[f.RuleID] {
			text = "**" + f.RuleID + " " + mdEscape(f.Title) + ".** "
		}
		seen[f.RuleID] = true
		if f.Message != "" && !seen["\x00"+f.Message] {
			text += mdText(f.Message)
			seen["\x00"+f.Message] = true
		}
		if strings.TrimSpace(text) != "" {
			b.WriteString(strings.TrimSpace(text) + "\n\n")
		}
		if f.Remediation != "" && !seen["\x01"+f.Remediation] {
			b.WriteString("**Fix:** " + mdText(f.Remediation) + "\n\n")
			seen["\x01"+f.Remediation] = true
		}
	}
	if n := len(e.Findings) - len(shown); n > 0 {
		fmt.Fprintf(b, "%s of this rule, one per principal, are in the JSON report.\n\n", plural(n, "more finding", "more findings"))
	}
	if e.Edit != nil {
		b.WriteString("**Edit** of " + mdCode(e.Edit.File) + ":\n\n" + mdFence("diff", e.Edit.Diff) + "\n")
	}
	if len(e.Actions) > mdInlineActions {
		fmt.Fprintf(b, "<details><summary>All %d actions</summary>\n\n%s\n\n</details>\n\n", len(e.Actions), mdCodeList(e.Actions))
	}
}

// mdText is text from a message or a fix: the commands and names it quotes
// between backticks become code spans, the rest is escaped. Text with an
// unpaired backtick is escaped whole.
func mdText(s string) string {
	parts := strings.Split(s, "`")
	if len(parts)%2 == 0 {
		return mdEscape(s)
	}
	var b strings.Builder
	for i, p := range parts {
		if i%2 == 1 {
			b.WriteString(mdCode(p))
		} else {
			b.WriteString(mdEscape(p))
		}
	}
	return b.String()
}

func capitalize(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

// mdEscape escapes the characters Markdown would read as formatting, and
// line breaks become hard breaks. An
// underscore inside a word (auth_token) cannot start emphasis in GitHub
// Flavored Markdown and is left alone, which keeps the source readable.
func mdEscape(s string) string {
	var b strings.Builder
	rs := []rune(printable(s))
	for i, r := range rs {
		// At the start of a line these would begin a heading, list or rule.
		if (i == 0 || rs[i-1] == '\n') && strings.ContainsRune("#-+=", r) {
			b.WriteByte('\\')
		}
		switch r {
		case '\\', '`', '*', '[', ']', '<', '>', '|', '~':
			b.WriteByte('\\')
		case '_':
			if i == 0 || i == len(rs)-1 || !isWordRune(rs[i-1]) || !isWordRune(rs[i+1]) {
				b.WriteByte('\\')
			}
		case '\n':
			b.WriteString("  \n")
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

func isWordRune(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }

// mdCode writes s as a code span, choosing a fence longer than any run of
// backticks in s.
func mdCode(s string) string {
	s = strings.ReplaceAll(printable(s), "\n", " ")
	fence := "`"
	for strings.Contains(s, fence) {
		fence += "`"
	}
	if strings.HasPrefix(s, "`") || strings.HasSuffix(s, "`") || len(fence) > 1 {
		return fence + " " + s + " " + fence
	}
	return fence + s + fence
}

// mdCellCode is mdCode for a table's cell: GitHub splits a row at every
// pipe not escaped, within code spans too, and drops the backslash of "\|"
// in one.
func mdCellCode(s string) string {
	return strings.ReplaceAll(mdCode(s), "|", `\|`)
}

func mdCodeOrEmpty(s string) string {
	if s == "" {
		return ""
	}
	return mdCode(s)
}

func mdCodeList(items []string) string {
	out := make([]string, len(items))
	for i, s := range items {
		out[i] = mdCode(s)
	}
	return strings.Join(out, ", ")
}

// mdFence is text in a fenced code block of language lang, the fence
// longer than any run of backticks in text.
func mdFence(lang, text string) string {
	fence := "```"
	for strings.Contains(text, fence) {
		fence += "`"
	}
	return fence + lang + "\n" + strings.TrimSuffix(text, "\n") + "\n" + fence + "\n"
}
