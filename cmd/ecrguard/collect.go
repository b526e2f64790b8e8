package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/spf13/cobra"

	"github.com/ecrguard/ecrguard/rules"
	"github.com/ecrguard/ecrguard/source/live"
)

type collectOptions struct {
	aws    awsOptions
	output string
	// gapsExitCode is --gaps-exit-code: the exit code when something was
	// not read.
	gapsExitCode int
}

func newCollectCommand(retryer func() aws.Retryer) *cobra.Command {
	o := collectOptions{aws: awsOptions{opts: live.Options{Retryer: retryer}}}
	c := &cobra.Command{
		Use:   "collect [--output FILE] [AWS flags]",
		Short: "Read an AWS account into a snapshot file, for scanning offline",
		Long: `collect reads ECR repositories, their policies and tags, the registry policy,
scope, replication and repository creation templates, ECR Public repositories,
IAM users, groups, roles and policies, and the SCPs and RCPs over the account,
with the credentials the AWS CLI would use, and writes them to a snapshot: a
versioned JSON file
(docs/snapshot.md) that 'ecrguard scan FILE' analyses offline with the same
result as a live scan.

What could not be read (access denied, a region not enabled, throttling
beyond retries, a timeout) is recorded in the snapshot as a coverage gap
naming the API, region, resource and AWS error code; the snapshot is still
written, and the exit code is 2. The permissions it needs are in
docs/PERMISSIONS.md.

Exit codes: 0 everything read, 2 something not read (gaps; --gaps-exit-code
N changes it, 0 for none), or a usage or input error.`,
		Example: `  # The account of the default profile, in two regions
  ecrguard collect --region us-east-1 --region eu-west-1 --output snapshot.json

  # Every account of the organization, through a read-only role in each
  ecrguard collect --all-regions --accounts all --role-name ecrguard-read -o org.json`,
		Args: cobra.NoArgs,
		RunE: func(c *cobra.Command, _ []string) error {
			ctx, stop := signal.NotifyContext(c.Context(), os.Interrupt)
			defer stop()
			o.aws.quiet = quietFlag(c)
			return runCollect(ctx, c.OutOrStdout(), c.ErrOrStderr(), &o)
		},
	}
	addAWSFlags(c.Flags(), &o.aws)
	c.Flags().StringVarP(&o.output, "output", "o", "", "write the snapshot to FILE (default: standard output)")
	addGapsExitCodeFlag(c.Flags(), &o.gapsExitCode, "0 exits 0 once the snapshot is written, which still records every gap")
	return c
}

func runCollect(ctx context.Context, stdout, stderr io.Writer, o *collectOptions) error {
	if err := checkGapsExitCode(o.gapsExitCode); err != nil {
		return err
	}
	if o.output != "" {
		// Before reading the account, which can take minutes: the
		// snapshot is written beside its name.
		dir := filepath.Dir(o.output)
		if fi, err := os.Stat(dir); err != nil || !fi.IsDir() {
			return inputError(fmt.Errorf("--output %s: the folder %s does not exist", o.output, dir))
		}
	}
	col, err := runLive(contextOrBackground(ctx), &o.aws, stderr)
	if col == nil {
		return err
	}
	interrupted := err
	where, err := col.WriteSnapshot(o.output, stdout, version)
	if err != nil {
		return inputError(fmt.Errorf("writing the snapshot: %w", err))
	}
	col.WriteSummary(stderr, where, o.aws.quiet)
	if interrupted != nil {
		return interrupted
	}
	if len(col.Estate.Gaps) > 0 && o.gapsExitCode != rules.ExitOK {
		return exitWith(o.gapsExitCode)
	}
	return nil
}
