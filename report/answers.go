package report

import (
	"fmt"
	"io"

	"github.com/ecrguard/ecrguard/analysis"
	"github.com/ecrguard/ecrguard/rules"
)

// ParseAnswerFormat parses the format of the commands that answer one
// question (who-can, simulate, rules): Table or JSON.
func ParseAnswerFormat(s string) (Format, error) {
	if f := Format(s); f == Table || f == JSON {
		return f, nil
	}
	return "", fmt.Errorf("%q: expected table or json", s)
}

// WriteWhoCan writes ans, the answer to who can perform action on
// resource, to w in format f (ParseAnswerFormat): WriteWhoCanJSON, or
// WriteWhoCanTable laid out to width, incomplete when ans has gaps. Its
// notes are written to diag and its gaps to errs, a line each.
func WriteWhoCan(w, diag, errs io.Writer, f Format, action, resource string, ans analysis.WhoCanAnswer, width int) error {
	for _, n := range ans.Notes {
		fmt.Fprintf(diag, "ecrguard: note: %s\n", n.Message)
	}
	for _, g := range ans.Gaps {
		fmt.Fprintf(errs, "ecrguard: not assessed: %s\n", g)
	}
	if f == JSON {
		return WriteWhoCanJSON(w, action, resource, ans.Entries)
	}
	return WriteWhoCanTable(w, action, resource, ans.Entries, len(ans.Gaps) > 0, width)
}

// WriteSimulation writes the decision of a simulated request to w in
// format f (ParseAnswerFormat): WriteDecisionJSON with its notes, or
// WriteDecisionTable laid out to width. The notes are also written to
// diag, a line each.
func WriteSimulation(w, diag io.Writer, f Format, sim *analysis.Simulation, width int) error {
	for _, n := range sim.Notes {
		fmt.Fprintf(diag, "ecrguard: note: %s\n", n)
	}
	if f == JSON {
		return WriteDecisionJSON(w, sim.Decision, sim.Notes...)
	}
	return WriteDecisionTable(w, sim.Request, sim.Context, sim.Decision, sim.Written, width)
}

// WriteRules writes the rule catalog rs to w in format f
// (ParseAnswerFormat): WriteRulesJSON, or WriteRulesTable laid out to
// width.
func WriteRules(w io.Writer, f Format, rs []rules.Rule, width int) error {
	if f == JSON {
		return WriteRulesJSON(w, rs)
	}
	return WriteRulesTable(w, rs, width)
}
