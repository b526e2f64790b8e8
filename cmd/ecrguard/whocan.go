package main

import (
	"context"
	"io"

	"github.com/spf13/cobra"

	"github.com/ecrguard/ecrguard/analysis"
	"github.com/ecrguard/ecrguard/report"
	"github.com/ecrguard/ecrguard/rules"
)

type whoCanOptions struct {
	inputOptions
	resource string
	format   string
}

func newWhoCanCommand() *cobra.Command {
	var o whoCanOptions
	c := &cobra.Command{
		Use:   "who-can ACTION [--resource ARN] [PATH...]",
		Short: "List who can perform an ECR action on a repository, and through which policies",
		Long: `who-can lists the principals that can perform ACTION on a repository: the
account's users and roles (from IAM authorization details), through their
identity policies, groups, boundary, the SCPs and the repository policy; and
the principals outside the account that the repository policy lets in ("*"
when the action is public), as the policy names them. The account's root user
is never listed.

A principal can perform an action when some request it can make is allowed:
who it is, the repository (its region, owner and tags) and the time (--at,
default now) are fixed, everything else (MFA, source IP, request tags) is
free. A repository whose tags were not read (no NAME.tags.json) may have any:
a grant that depends on a tag is listed with the tag it needs, marked as
depending on tags that were not read ("unread_tags" in JSON). Each principal comes with the policies that
grant it and the conditions it depends on.

The PATH - reads one input from standard input, as scan does.

Actions without a resource type (ecr:GetAuthorizationToken,
ecr:PutRegistryPolicy) are asked with --resource '*', the default for them.`,
		Example: `  ecrguard who-can ecr:DeleteRepository --resource arn:aws:ecr:us-east-1:111122223333:repository/app exports/
  ecrguard who-can ecr:GetAuthorizationToken exports/iam.json --format json`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(c *cobra.Command, args []string) error {
			o.stdin = c.InOrStdin()
			return runWhoCan(c.Context(), c.OutOrStdout(), diagnostics(c), c.ErrOrStderr(), &o, args[0], args[1:])
		},
	}
	o.inputOptions.addFlags(c, true)
	o.inputOptions.addAtFlag(c)
	c.Flags().StringVar(&o.resource, "resource", "", "the repository ARN (or * for actions without a resource type)")
	c.Flags().StringVar(&o.format, "format", "table", "output format: table or json")
	return c
}

// runWhoCan writes the answer on stdout, warnings and notes on diag, and
// what could not be assessed on stderr.
func runWhoCan(ctx context.Context, stdout, diag, stderr io.Writer, o *whoCanOptions, action string, paths []string) error {
	f, err := report.ParseAnswerFormat(o.format)
	if err != nil {
		return usageError("--format %v", err)
	}
	if action, o.resource, err = analysis.WhoCanQuestion(action, o.resource); err != nil {
		return usageError("%v", err)
	}
	at, cfg, err := o.timeAndConfig(diag, paths)
	if err != nil {
		return err
	}
	if len(paths) == 0 {
		paths = []string{"."}
	}
	est, err := o.readPaths(ctx, paths, cfg)
	if err != nil {
		return err
	}
	s := cfg.Settings()
	s.At = at
	ans, err := analysis.WhoCanSettled(est, s, action, o.resource)
	if err != nil {
		return usageError("%v", err)
	}
	if err := report.WriteWhoCan(stdout, diag, stderr, f, action, o.resource, ans, terminalWidth(stdout)); err != nil {
		return err
	}
	if len(ans.Gaps) > 0 {
		return exitWith(rules.ExitIncomplete)
	}
	return nil
}
