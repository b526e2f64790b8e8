package main

import (
	"context"
	"io"

	"github.com/spf13/pflag"

	"github.com/ecrguard/ecrguard/estate"
	"github.com/ecrguard/ecrguard/source/live"
)

// awsOptions are the flags of every command that reads AWS (scan --aws,
// collect).
type awsOptions struct {
	profile string
	// opts holds the flags that are live.Options as they are, and
	// Retryer (no flag: tests set it to retry without waiting); accounts
	// is --accounts (live.Options.SetAccounts).
	opts     live.Options
	accounts []string
	// quiet is the root's --quiet (quietFlag), set by the commands.
	quiet   bool
	verbose bool
}

// awsFlagAnnotation marks the flags addAWSFlags declares, so that scan can
// tell a file scan given AWS flags that they do nothing there.
const awsFlagAnnotation = "ecrguard_aws_flag"

// addAWSFlags declares the AWS flags on fs.
func addAWSFlags(dst *pflag.FlagSet, o *awsOptions) {
	fs := pflag.NewFlagSet("aws", pflag.ContinueOnError)
	fs.StringVar(&o.profile, "profile", "", "the AWS profile to use (default: AWS_PROFILE or the default profile; credentials as the AWS CLI finds them)")
	fs.StringSliceVar(&o.opts.Regions, "region", nil, "a region to read (repeatable, or comma-separated; default: the profile's region)")
	fs.BoolVar(&o.opts.AllRegions, "all-regions", false, "read every ECR region of the partition (an opt-in region not enabled for the account is a note; another that does not answer is a gap)")
	fs.StringVar(&o.opts.RoleARN, "role-arn", "", "assume this role first and read with its permissions")
	fs.StringVar(&o.opts.ExternalID, "external-id", "", "the external id for the roles ecrguard assumes")
	fs.StringSliceVar(&o.accounts, "accounts", nil, "organization accounts to read, comma-separated, or 'all' (needs --role-name)")
	fs.StringVar(&o.opts.RoleName, "role-name", "", "the role to assume in each account of --accounts")
	fs.IntVar(&o.opts.Concurrency, "concurrency", live.DefaultConcurrency, "AWS calls in flight at most")
	fs.DurationVar(&o.opts.CallTimeout, "call-timeout", live.DefaultCallTimeout, "time one AWS call may take, retries included, before it is reported as a gap")
	fs.BoolVar(&o.verbose, "verbose", false, "log every AWS call on stderr (no short form: -v is ecrguard --version)")
	fs.VisitAll(func(f *pflag.Flag) { f.Annotations = map[string][]string{awsFlagAnnotation: {"true"}} })
	dst.AddFlagSet(fs)
}

// validate checks the flags against each other (live.Options.Validate).
func (o *awsOptions) validate() error {
	if o.quiet && o.verbose {
		return usageError("--quiet and --verbose contradict each other")
	}
	o.opts.SetAccounts(o.accounts)
	if err := o.opts.Validate(); err != nil {
		return usageError("%v", err)
	}
	return nil
}

// collectLive reads AWS as the flags say and returns the estate, for
// 'scan --aws'. Gaps are in the estate; the error is for nothing read, or
// an interruption (then the estate holds what was read). Errors carry
// their exit code (usageError, inputError).
func collectLive(ctx context.Context, o *awsOptions, stderr io.Writer) (*estate.Estate, error) {
	c, err := runLive(ctx, o, stderr)
	if c == nil {
		return nil, err
	}
	return c.Estate, err
}

// runLive is collectLive that also returns who read the estate, and when.
func runLive(ctx context.Context, o *awsOptions, stderr io.Writer) (*live.Collection, error) {
	if err := o.validate(); err != nil {
		return nil, err
	}
	opts := o.opts
	bar := live.Console{W: stderr, Terminal: terminal(stderr).IsTerminal, Quiet: o.quiet, Verbose: o.verbose}.Attach(&opts)
	c, err := live.RunProfile(ctx, o.profile, opts)
	bar.Done()
	if err != nil {
		return c, inputError(err)
	}
	return c, nil
}
