package report

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"github.com/ecrguard/ecrguard/catalog"
	"github.com/ecrguard/ecrguard/eval"
)

// matchedJSON is a statement that made a decision, in JSON.
type matchedJSON struct {
	Policy    string `json:"policy"`
	Kind      string `json:"kind"`
	Sid       string `json:"sid,omitempty"`
	Statement int    `json:"statement"`
	Effect    string `json:"effect"`
	File      string `json:"file,omitempty"`
	Line      int    `json:"line,omitempty"`
	Column    int    `json:"column,omitempty"`
}

// matchedOf returns the statements ms in JSON.
func matchedOf(ms []eval.Match) []matchedJSON {
	out := []matchedJSON{}
	for _, m := range ms {
		out = append(out, matchedJSON{
			Policy: m.Policy, Kind: m.Kind.String(), Sid: m.Statement.Sid, Statement: m.Statement.Index + 1,
			Effect: m.Statement.Effect.String(), File: m.Statement.Pos.File, Line: m.Statement.Pos.Line, Column: m.Statement.Pos.Col,
		})
	}
	return out
}

// WriteDecisionJSON writes the decision of `ecrguard simulate` as JSON:
// the decision, whether it is assessed (eval.Decision.Assessed), the
// statements that made it, and the statements it assumed to apply or not
// because they have elements that could not be evaluated, and notes on the
// request (what the inputs leave out).
func WriteDecisionJSON(w io.Writer, d eval.Decision, notes ...string) error {
	type assumption struct {
		matchedJSON
		Unknown []string `json:"unknown"`
		Applied bool     `json:"applied"`
	}
	out := struct {
		Decision    string        `json:"decision"`
		Assessed    bool          `json:"assessed"`
		Matched     []matchedJSON `json:"matched"`
		Reason      string        `json:"reason"`
		Assumptions []assumption  `json:"assumptions,omitempty"`
		Notes       []string      `json:"notes,omitempty"`
	}{Decision: d.Result.String(), Assessed: d.Assessed(), Matched: matchedOf(d.Matched), Reason: d.Reason, Notes: notes}
	for _, a := range d.Assumptions {
		out.Assumptions = append(out.Assumptions, assumption{matchedJSON: matchedOf([]eval.Match{a.Match})[0], Unknown: a.Unknown, Applied: a.Applied})
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(out)
}

// WriteDecisionTable writes the decision of `ecrguard simulate` on r as
// text that fits width columns (0 or less means 80): the decision and its
// reason, the request, ctx (the request's context with the keys AWS adds),
// the statements that decided it, and a note on each assumption. Context
// keys are named as AWS spells them (aws:PrincipalOrgID); written are the
// keys as the user gave them, which name a tag key's tag and a key AWS does
// not define.
func WriteDecisionTable(w io.Writer, r *eval.Request, ctx *eval.Context, d eval.Decision, written []string, width int) error {
	t := &tableWriter{width: fitWidth(width)}
	// "Decision:  ALLOW", the values under one another.
	const indent = 11
	field := func(label, value string) { t.hanging(fmt.Sprintf("%-*s", indent, label), value, indent) }
	decision := strings.ToUpper(d.Result.String())
	switch {
	case !d.Assessed():
		decision += " at worst, not assessed: it rests on the assumptions below"
	case len(d.Assumptions) > 0:
		decision += ", whatever the statements noted below do"
	}
	field("Decision:", decision)
	field("Reason:", d.Reason)
	field("Request:", fmt.Sprintf("%s %s on %s", r.Principal, r.Action, r.Resource))
	if keys := ctx.Keys(); len(keys) > 0 {
		t.line("Context:")
		spelled := map[string]string{}
		for _, k := range written {
			spelled[strings.ToLower(k)] = k
		}
		for _, k := range keys {
			v, _ := ctx.Get(k)
			t.hanging("  ", fmt.Sprintf("%s = %s", keyName(k, spelled[k]), formatValues(v)), 4)
		}
	}
	if len(d.Matched) > 0 {
		t.line("Decided by:")
		var rows [][]string
		for _, m := range matchedOf(d.Matched) {
			where := m.File
			if m.Line > 0 {
				where = fmt.Sprintf("%s:%d:%d", m.File, m.Line, m.Column)
			}
			label := fmt.Sprintf("statement %d", m.Statement)
			if m.Sid != "" {
				label = fmt.Sprintf("%q", m.Sid)
			}
			rows = append(rows, []string{m.Effect, m.Kind, label, where})
		}
		var b strings.Builder
		if err := writeColumns(&b, nil, rows, t.width-2); err != nil {
			return err
		}
		for _, l := range strings.Split(strings.TrimSuffix(b.String(), "\n"), "\n") {
			if l == "" {
				t.line("")
			} else {
				t.line("  " + l)
			}
		}
	}
	for _, a := range d.Assumptions {
		verb := "assumed to apply"
		if !a.Applied {
			verb = "assumed not to apply"
		}
		t.hanging("", fmt.Sprintf("Note: %s is %s because it has unknown elements: %s", a.Match, verb, strings.Join(a.Unknown, "; ")), 2)
	}
	_, err := io.WriteString(w, t.b.String())
	return err
}

// keyName spells a context key (lower-cased in the context) as AWS does:
// aws:PrincipalOrgID, aws:PrincipalTag/ and the tag as written; a key AWS
// does not define as written, or lower-cased when it was not written.
func keyName(lower, written string) string {
	cat := catalog.Default()
	if prefix, tag, ok := strings.Cut(lower, "/"); ok {
		if len(written) == len(lower) && strings.EqualFold(written, lower) {
			tag = written[len(prefix)+1:]
		}
		// The catalog knows ecr:ResourceTag/ only by the name it is asked.
		if prefix == "ecr:resourcetag" {
			return "ecr:ResourceTag/" + tag
		}
		if info, ok := cat.Key(prefix + "/tag-key"); ok {
			if p, _, ok := strings.Cut(info.Name, "/"); ok && strings.EqualFold(p, prefix) {
				return p + "/" + tag
			}
		}
	} else if info, ok := cat.Key(lower); ok && strings.EqualFold(info.Name, lower) {
		return info.Name
	}
	if written != "" {
		return written
	}
	return lower
}

// formatValues writes a context key's values.
func formatValues(v []string) string {
	switch len(v) {
	case 0:
		return "[] (present, no values)"
	case 1:
		return v[0]
	}
	return "[" + strings.Join(v, ", ") + "]"
}
