package report

import (
	"fmt"
	"io"
	"sort"

	"github.com/ecrguard/ecrguard/rules"
)

// WriteRulesTable writes the rule catalog rs as a table that fits width
// columns (0 or less means 80): id, severity, what each judges and its
// title (`ecrguard rules`).
func WriteRulesTable(w io.Writer, rs []rules.Rule, width int) error {
	var rows [][]string
	for _, r := range rs {
		rows = append(rows, []string{r.ID, r.Severity.String(), string(r.Scope), r.Title})
	}
	if err := writeColumns(w, []string{"ID", "SEVERITY", "JUDGES", "TITLE"}, rows, width); err != nil {
		return err
	}
	fmt.Fprintln(w)
	return writeWrapped(w, "Each rule is explained in docs/rules/<ID>.md; 'ecrguard rules --format json' gives the full metadata.", width)
}

// WriteRulesJSON writes the rule catalog rs with all its metadata as JSON
// (`ecrguard rules --format json`).
func WriteRulesJSON(w io.Writer, rs []rules.Rule) error {
	type ruleJSON struct {
		ID          string              `json:"id"`
		Title       string              `json:"title"`
		Severity    string              `json:"severity"`
		Scope       string              `json:"scope"`
		FiresWhen   string              `json:"fires_when"`
		Description string              `json:"description"`
		Frameworks  map[string][]string `json:"frameworks"`
		Remediation string              `json:"remediation"`
		Help        string              `json:"help"`
	}
	var out []ruleJSON
	for _, r := range rs {
		fw := map[string][]string{}
		for k, v := range r.Frameworks {
			vv := append([]string(nil), v...)
			sort.Strings(vv)
			fw[k] = vv
		}
		out = append(out, ruleJSON{
			ID: r.ID, Title: r.Title, Severity: r.Severity.String(), Scope: string(r.Scope),
			FiresWhen: r.FiresWhen, Description: r.Description, Frameworks: fw,
			Remediation: r.Remediation, Help: r.HelpURI(),
		})
	}
	return encodeJSON(w, out)
}
