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
		fmt.Fprintf(&b, "**No findings.** Every input was assessed (%s).\n\n", plural(v.resources, "resource", "resources"))
	case v.total() == 0:
		fmt.Fprintf(&b, "**No findings in what could be assessed** (%s).\n\n", plural(v.resources, "resource", "resources"))
	default:
		fmt.Fprintf(&b, "**%s** in %s: %s.\n\n", plural(v.total(), "finding", "findings"),
			v.scope(), v.countsText())
	}
	if n := len(v.suppressed); n > 0 {
		if o.ShowSuppressed {
			fmt.Fprintf(&b, "%s listed under [Suppressed](#suppressed).\n\n", plural(n, "suppressed finding is", "suppressed findings are"))
		} else {
			fmt.Fprintf(&b, "%s not shown.\n\n", plural(n, "suppressed finding", "suppressed findings"))
		}
	}

	b.WriteString("| Severity | Findings |\n| --- | ---: |\n")
	for _, s := range rules.Severities() {
		fmt.Fprintf(&b, "| %s | %d |\n", capitalize(s.String()), v.counts[s])
	}
	fmt.Fprintf(&b, "| **Total** | **%d** |\n", v.total())
	if len(v.gaps) > 0 {
		fmt.Fprintf(&b, "| **Not assessed** | **%d** |\n", len(v.gaps))
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
			b.WriteString(mdEscape(g.Message) + "\n")
		}
		b.WriteString("\n")
	}

	for _, s := range rules.Severities() {
		var group []rules.Finding
		for _, f := range v.active {
			if f.Severity == s {
				group = append(group, f)
			}
		}
		if len(group) == 0 {
			continue
		}
		fmt.Fprintf(&b, "### %s (%d)\n\n", capitalize(s.String()), len(group))
		for _, f := range group {
			mdFinding(&b, f)
		}
	}

	if o.ShowSuppressed && len(v.suppressed) > 0 {
		fmt.Fprintf(&b, "### Suppressed (%d)\n\n", len(v.suppressed))
		for _, f := range v.suppressed {
			mdFinding(&b, f)
		}
	}

	if len(v.notes) > 0 {
		b.WriteString("### Notes\n\n")
		for _, n := range v.notes {
			b.WriteString("- ")
			if n.Source != "" {
				b.WriteString(mdCode(n.Source) + ": ")
			}
			b.WriteString(mdEscape(n.Message) + "\n")
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

func mdFinding(b *strings.Builder, f rules.Finding) {
	fmt.Fprintf(b, "#### %s %s\n\n", f.RuleID, mdEscape(f.Title))
	if f.Message != "" {
		b.WriteString(mdEscape(f.Message) + "\n\n")
	}
	item := func(label, value string) {
		if value != "" {
			fmt.Fprintf(b, "- **%s:** %s\n", label, value)
		}
	}
	if f.Suppressed != "" {
		item("Suppressed", mdEscape(f.Suppressed))
	}
	item("Severity", f.Severity.String())
	if _, detached := rules.DetachedPolicy(f.Resource); detached {
		item("Resource", mdEscape(resourceText(f)))
	} else {
		item("Resource", mdCodeOrEmpty(f.Resource))
	}
	if loc := location(f); loc != "" {
		// "ARN (policy line 4)": the ARN is code, where in it is prose.
		if name, where, ok := strings.Cut(loc, " ("); ok {
			item("Source", mdCode(name)+" "+mdEscape("("+where))
		} else {
			item("Source", mdCode(loc))
		}
	} else {
		item("Source", "unknown")
	}
	who := make([]string, len(f.Principals))
	for i, p := range f.Principals {
		if _, detached := rules.DetachedPolicy(p); detached {
			who[i] = mdEscape(principalText(p))
		} else {
			who[i] = mdCode(p)
		}
	}
	item("Principals", strings.Join(who, ", "))
	if len(f.Actions) <= mdInlineActions {
		item("Actions", mdCodeList(f.Actions))
	} else {
		item("Actions", mdEscape(summarizeActions(f.Actions)))
	}
	item("Conditions", mdCodeList(f.Conditions))
	var fw []string
	for _, s := range frameworkList(f.Frameworks) {
		fw = append(fw, mdEscape(s))
	}
	item("Frameworks", strings.Join(fw, ", "))
	item("Fix", mdEscape(f.Remediation))
	b.WriteString("\n")
	if len(f.Actions) > mdInlineActions {
		fmt.Fprintf(b, "<details><summary>All %d actions</summary>\n\n%s\n\n</details>\n\n", len(f.Actions), mdCodeList(f.Actions))
	}
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
