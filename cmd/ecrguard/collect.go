package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"

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
	var buf bytes.Buffer
	meta := estate.SnapshotMeta{Version: version, CollectedAt: col.Started, Caller: col.Caller}
	if err := estate.WriteSnapshot(&buf, col.Estate, meta); err != nil {
		return inputError(err)
	}
	if o.output == "" {
		if _, err := stdout.Write(buf.Bytes()); err != nil {
			return inputError(fmt.Errorf("writing the snapshot: %w", err))
		}
	} else if err := writeFileAtomic(o.output, buf.Bytes()); err != nil {
		return inputError(err)
	}
	e := col.Estate
	if !o.aws.quiet {
		repos := 0
		regions := 0
		for _, a := range e.Accounts() {
			for _, r := range a.Regions() {
				regions++
				repos += len(r.Repositories())
			}
		}
		where := "standard output"
		if o.output != "" {
			where = o.output
		}
		fmt.Fprintf(stderr, "ecrguard: read %d account(s), %d region(s), %d repositories as %s; snapshot written to %s\n",
			len(e.Accounts()), regions, repos, col.Caller.ARN, where)
		if len(e.Gaps) > 0 {
			fmt.Fprintf(stderr, "ecrguard: %d things could not be read; the scan of this snapshot is incomplete:\n", len(e.Gaps))
			for _, g := range e.Gaps {
				fmt.Fprintf(stderr, "  %s\n", gapLine(g))
			}
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

// gapLine formats a gap with where it is.
func gapLine(g estate.Gap) string {
	where := g.Account
	if g.Region != "" {
		where += " " + g.Region
	}
	if where != "" {
		where = "[" + where + "] "
	}
	return where + g.String()
}

// writeFileAtomic writes data to a temporary file beside path and renames
// it, so that an interrupted write never leaves half a snapshot.
func writeFileAtomic(path string, data []byte) error {
	dir := filepath.Dir(path)
	f, err := os.CreateTemp(dir, ".ecrguard-snapshot-*")
	if err != nil {
		return fmt.Errorf("writing %s: %w", path, err)
	}
	tmp := f.Name()
	if _, err := f.Write(data); err != nil {
		f.Close()
		os.Remove(tmp)
		return fmt.Errorf("writing %s: %w", path, err)
	}
	if err := f.Close(); err != nil {
		os.Remove(tmp)
		return fmt.Errorf("writing %s: %w", path, err)
	}
	if err := os.Rename(tmp, path); err != nil {
		os.Remove(tmp)
		return fmt.Errorf("writing %s: %w", path, err)
	}
	return nil
}
