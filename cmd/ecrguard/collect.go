package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/spf13/cobra"

	"github.com/ecrguard/ecrguard/estate"
	"github.com/ecrguard/ecrguard/rules"
)

type collectOptions struct {
	aws    awsOptions
	output string
	// gapsExitCode is --gaps-exit-code: the exit code when something was
	// not read.
	gapsExitCode int
}

func newCollectCommand(retryer func() aws.Retryer) *cobra.Command {
	o := collectOptions{aws: awsOptions{retryer: retryer}}
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
	addGapsExitCodeFlag(c.Flags(), &o.gapsExitCode)
	return c
}

func runCollect(ctx context.Context, stdout, stderr io.Writer, o *collectOptions) error {
	if ctx == nil {
		ctx = context.Background()
	}
	if err := checkGapsExitCode(o.gapsExitCode); err != nil {
		return err
	}
	col, err := runLive(ctx, &o.aws, stderr)
	if col == nil {
		return err
	}
	interrupted := err
	meta := estate.SnapshotMeta{Version: version, CollectedAt: col.Started, Caller: col.Caller}
	if o.output == "" {
		err = estate.WriteSnapshot(stdout, col.Estate, meta)
	} else {
		err = estate.WriteSnapshotFile(o.output, col.Estate, meta)
	}
	if err != nil {
		return inputError(fmt.Errorf("writing the snapshot: %w", err))
	}
	e := col.Estate
	if !o.aws.quiet {
		accounts, regions, repos := e.Size()
		where := "standard output"
		if o.output != "" {
			where = o.output
		}
		fmt.Fprintf(stderr, "ecrguard: read %d account(s), %d region(s), %d repositories as %s; snapshot written to %s\n",
			accounts, regions, repos, col.Caller.ARN, where)
	}
	// What could not be read is an error of the snapshot: said even with
	// --quiet.
	if len(e.Gaps) > 0 {
		fmt.Fprintf(stderr, "ecrguard: %d things could not be read; the scan of this snapshot is incomplete:\n", len(e.Gaps))
		for _, g := range e.Gaps {
			fmt.Fprintf(stderr, "  %s\n", g.Placed())
		}
	}
	if interrupted != nil {
		return interrupted
	}
	if len(e.Gaps) > 0 && o.gapsExitCode != rules.ExitOK {
		return exitWith(o.gapsExitCode)
	}
	return nil
}
