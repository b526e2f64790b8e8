package report

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/ecrguard/ecrguard/catalog"
	"github.com/ecrguard/ecrguard/policy"
)

// classOrder is the order action classes are named in summaries.
func classOrder() []catalog.Class {
	return []catalog.Class{
		catalog.ClassPull, catalog.ClassPush, catalog.ClassDelete,
		catalog.ClassPermissionsManagement, catalog.ClassWrite, catalog.ClassTagging,
		catalog.ClassRead, catalog.ClassList,
	}
}

// namedClass reports whether a class is defined by a fixed list of actions
// (docs/semantics.md, "Action classes"), so that a summary says when only some are granted.
func namedClass(c catalog.Class) bool {
	return c == catalog.ClassPull || c == catalog.ClassPush || c == catalog.ClassDelete
}

// summarizeActions describes a sorted list of action names briefly:
// up to three are listed; more are counted by class ("pull (3 actions) +
// push (4) + ecr:DeleteRepository"), and a list that holds every repository
// action says so ("all 35 repository actions"). Names the catalog does not
// know are counted as "other".
func summarizeActions(actions []string) string {
	parts, sep := actionParts(actions)
	return strings.Join(parts, sep)
}

// actionParts is summarizeActions before joining: the parts and the
// separator to join them with.
func actionParts(actions []string) (parts []string, sep string) {
	if len(actions) <= 3 {
		return actions, ", "
	}
	return classParts(actions)
}

// classParts counts actions by class, as actionParts does for more than
// three: "pull (3 actions)".
func classParts(actions []string) (parts []string, sep string) {
	cat := catalog.Default()
	have := map[string]bool{}
	for _, a := range actions {
		have[strings.ToLower(a)] = true
	}
	rest := actions
	repo := cat.RepositoryActions()
	allRepo := len(repo) > 0
	for _, a := range repo {
		if !have[strings.ToLower(a.FullName())] {
			allRepo = false
			break
		}
	}
	if allRepo {
		parts = append(parts, fmt.Sprintf("all %d repository actions", len(repo)))
		rest = nil
		for _, name := range actions {
			if a := cat.Lookup(name); a == nil || !a.OnRepository() {
				rest = append(rest, name)
			}
		}
	}

	groups := map[catalog.Class][]string{}
	var other []string
	for _, name := range rest {
		if a := cat.Lookup(name); a != nil {
			groups[a.Class()] = append(groups[a.Class()], name)
		} else {
			other = append(other, name)
		}
	}
	unit := " actions"
	if len(parts) > 0 {
		unit = ""
	}
	for _, c := range classOrder() {
		names := groups[c]
		switch {
		case len(names) == 0:
			continue
		case len(names) == 1:
			parts = append(parts, names[0])
			continue
		}
		if n := cat.ClassSet(c).Len(); namedClass(c) && len(names) < n {
			parts = append(parts, fmt.Sprintf("%s (%d of %d%s)", c, len(names), n, unit))
		} else {
			parts = append(parts, fmt.Sprintf("%s (%d%s)", c, len(names), unit))
		}
		unit = ""
	}
	switch {
	case len(other) == 1, len(other) == 2:
		parts = append(parts, other...)
	case len(other) > 2:
		parts = append(parts, fmt.Sprintf("%d other actions", len(other)))
	}
	return parts, " + "
}

// printable makes text from inputs (file names, Sids, values in policies)
// safe to print: control characters (an ANSI escape would drive the
// terminal) and bidirectional overrides (which reorder what is shown) are
// written as visible escapes. Newlines are kept; tabs become spaces.
func printable(s string) string {
	clean := true
	for _, r := range s {
		if r != '\n' && (unicode.IsControl(r) || unicode.Is(unicode.Bidi_Control, r)) || r == utf8.RuneError {
			clean = false
			break
		}
	}
	if clean {
		return s
	}
	var b strings.Builder
	for i, r := range s {
		switch {
		case r == '\n':
			b.WriteRune(r)
		case r == '\t':
			b.WriteByte(' ')
		case r == utf8.RuneError:
			fmt.Fprintf(&b, "\\x%02x", s[i])
		case r < 0x100 && unicode.IsControl(r):
			fmt.Fprintf(&b, "\\x%02x", r)
		case unicode.IsControl(r) || unicode.Is(unicode.Bidi_Control, r):
			fmt.Fprintf(&b, "\\u%04x", r)
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// wrap breaks text into lines of at most width columns (runes), splitting at
// spaces. A word longer than the width (an ARN, say) is never broken: it
// gets a line of its own and overflows; an ARN holding "<owner account>"
// is one word. Text is made printable first.
func wrap(text string, width int) []string {
	if width < 1 {
		width = 1
	}
	// A NUL stands for the owner placeholder's space while the text is
	// split into words: printable leaves none.
	text = strings.ReplaceAll(printable(text), policy.OwnerAccount, strings.ReplaceAll(policy.OwnerAccount, " ", "\x00"))
	lines := wrapWords(text, width)
	for i, l := range lines {
		lines[i] = strings.ReplaceAll(l, "\x00", " ")
	}
	return lines
}

// wrapWords is wrap's splitting of printable text at spaces.
func wrapWords(text string, width int) []string {
	var lines []string
	for _, para := range strings.Split(text, "\n") {
		words := strings.Fields(para)
		if len(words) == 0 {
			lines = append(lines, "")
			continue
		}
		line, n := words[0], utf8.RuneCountInString(words[0])
		for _, w := range words[1:] {
			wn := utf8.RuneCountInString(w)
			if n+1+wn > width {
				lines = append(lines, line)
				line, n = w, wn
				continue
			}
			line += " " + w
			n += 1 + wn
		}
		lines = append(lines, line)
	}
	return lines
}
