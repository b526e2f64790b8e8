package main

import (
	"encoding/json"
	"fmt"
	"io"
	"sort"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/ecrguard/ecrguard/rules"
)

func newRulesCommand() *cobra.Command {
	var format string
	c := &cobra.Command{
		Use:   "rules [--format table|json]",
		Short: "List the rule catalog",
		Long: `rules lists ecrguard's rules (ECR001-ECR011) with their default severity,
what they judge, and the controls of other tools and frameworks they map to.
Each rule is documented in docs/rules/ID.md.`,
		Args: cobra.NoArgs,
		RunE: func(c *cobra.Command, _ []string) error {
			switch format {
			case "table":
				return writeRulesTable(c.OutOrStdout())
			case "json":
				return writeRulesJSON(c.OutOrStdout())
			}
			return usageError("--format %q: expected table or json", format)
		},
	}
	c.Flags().StringVar(&format, "format", "table", "output format: table or json")
	return c
}

func writeRulesTable(w io.Writer) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tSEVERITY\tJUDGES\tTITLE")
	for _, r := range rules.All() {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", r.ID, r.Severity, r.Scope, r.Title)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	fmt.Fprintln(w, "\nEach rule is explained in docs/rules/<ID>.md; 'ecrguard rules --format json' gives the full metadata.")
	return nil
}

func writeRulesJSON(w io.Writer) error {
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
	for _, r := range rules.All() {
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
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(out)
}
