package main

import (
	"github.com/spf13/cobra"

	"github.com/ecrguard/ecrguard/report"
	"github.com/ecrguard/ecrguard/rules"
)

func newRulesCommand() *cobra.Command {
	var format string
	c := &cobra.Command{
		Use:   "rules [--format table|json]",
		Short: "List the rule catalog",
		Long: `rules lists ecrguard's rules (ECR001-ECR012) with their default severity,
what they judge, and the controls of other tools and frameworks they map to.
Each rule is documented in docs/rules/ID.md.`,
		Example: `  ecrguard rules
  ecrguard rules --format json   # with descriptions, remediation and framework ids`,
		Args: cobra.NoArgs,
		RunE: func(c *cobra.Command, _ []string) error {
			f, err := report.ParseAnswerFormat(format)
			if err != nil {
				return usageError("--format %v", err)
			}
			return report.WriteRules(c.OutOrStdout(), f, rules.All(), terminalWidth(c.OutOrStdout()))
		},
	}
	c.Flags().StringVar(&format, "format", "table", "output format: table or json")
	return c
}
