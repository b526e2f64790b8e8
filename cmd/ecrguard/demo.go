package main

import (
	"context"
	"io"
	"time"

	"github.com/spf13/cobra"

	"github.com/ecrguard/ecrguard/examples"
	"github.com/ecrguard/ecrguard/rules"
)

func newDemoCommand() *cobra.Command {
	var o outputOptions
	c := &cobra.Command{
		Use:   "demo [--format table|json|sarif|junit|markdown|html]",
		Short: "Scan the example estate built into ecrguard (no AWS account needed)",
		Long: `demo scans the example estate embedded in the binary (the project's
examples/ folder): twelve repository policies, a registry policy, a repository
creation template, an ECR Public repository, IAM authorization details, an SCP
and an RCP of one account, with the configuration that goes with them. Every
rule fires on it, some repositories are clean, and the RCP closes what one
repository policy opens to an untrusted account.

It exits like scan: 1 because the estate has findings at or above high.`,
		Example: `  ecrguard demo
  ecrguard demo --detail                             # each proof and full fix
  ecrguard demo --format html --output report.html   # open it in a browser
  ecrguard demo --fix-dir fixes/                     # the proven fixed policies`,
		Args: cobra.NoArgs,
		RunE: func(c *cobra.Command, _ []string) error {
			return runDemo(c.Context(), c.OutOrStdout(), diagnostics(c), &o)
		},
	}
	o.addFlags(c, true)
	return c
}

func runDemo(ctx context.Context, stdout, stderr io.Writer, o *outputOptions) error {
	if _, err := o.check(); err != nil {
		return err
	}
	cfg, err := examples.LoadConfig(time.Now())
	if err != nil {
		return inputError(err)
	}
	est, err := readFS(ctx, examples.FS, []string{examples.Root}, cfg)
	if err != nil {
		return err
	}
	return o.finish(stdout, stderr, rules.Run(est, cfg.Settings()), cfg)
}
