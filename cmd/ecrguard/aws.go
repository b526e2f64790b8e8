package main

import (
	"context"
	"io"
	"log/slog"
	"os"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/spf13/pflag"
	"golang.org/x/term"

	"github.com/ecrguard/ecrguard/estate"
	"github.com/ecrguard/ecrguard/policy"
	"github.com/ecrguard/ecrguard/source/live"
)

// awsOptions are the flags of every command that reads AWS (scan --aws,
// collect).
type awsOptions struct {
	profile     string
	regions     []string
	allRegions  bool
	roleARN     string
	externalID  string
	accounts    []string
	roleName    string
	concurrency int
	callTimeout time.Duration
	// quiet is the root's --quiet (quietFlag), set by the commands.
	quiet   bool
	verbose bool
	// retryer is live.Options.Retryer (nil: the collector's default); it
	// is no flag, tests set it to retry without waiting.
	retryer func() aws.Retryer
}

// awsFlagAnnotation marks the flags addAWSFlags declares, so that scan can
// tell a file scan given AWS flags that they do nothing there.
const awsFlagAnnotation = "ecrguard_aws_flag"

// addAWSFlags declares the AWS flags on fs.
func addAWSFlags(dst *pflag.FlagSet, o *awsOptions) {
	fs := pflag.NewFlagSet("aws", pflag.ContinueOnError)
	fs.StringVar(&o.profile, "profile", "", "the AWS profile to use (default: AWS_PROFILE or the default profile; credentials as the AWS CLI finds them)")
	fs.StringSliceVar(&o.regions, "region", nil, "a region to read (repeatable, or comma-separated; default: the profile's region)")
	fs.BoolVar(&o.allRegions, "all-regions", false, "read every ECR region of the partition (regions not enabled for the account are reported as gaps)")
	fs.StringVar(&o.roleARN, "role-arn", "", "assume this role first and read with its permissions")
	fs.StringVar(&o.externalID, "external-id", "", "the external id for the roles ecrguard assumes")
	fs.StringSliceVar(&o.accounts, "accounts", nil, "organization accounts to read, comma-separated, or 'all' (needs --role-name)")
	fs.StringVar(&o.roleName, "role-name", "", "the role to assume in each account of --accounts")
	fs.IntVar(&o.concurrency, "concurrency", live.DefaultConcurrency, "AWS calls in flight at most")
	fs.DurationVar(&o.callTimeout, "call-timeout", live.DefaultCallTimeout, "time one AWS call may take, retries included, before it is reported as a gap")
	fs.BoolVar(&o.verbose, "verbose", false, "log every AWS call on stderr (no short form: -v is ecrguard --version)")
	fs.VisitAll(func(f *pflag.Flag) { f.Annotations = map[string][]string{awsFlagAnnotation: {"true"}} })
	dst.AddFlagSet(fs)
}

// validate checks the flags against each other.
func (o *awsOptions) validate() error {
	switch {
	case o.quiet && o.verbose:
		return usageError("--quiet and --verbose contradict each other")
	case o.allRegions && len(o.regions) > 0:
		return usageError("--region and --all-regions cannot be combined")
	case len(o.accounts) > 0 && o.roleName == "":
		return usageError("--accounts needs --role-name, the role to assume in each account (such as a read-only role created for ecrguard)")
	case o.roleName != "" && len(o.accounts) == 0:
		return usageError("--role-name is for --accounts; to assume one role, use --role-arn")
	case o.concurrency < 1:
		return usageError("--concurrency %d: expected 1 or more", o.concurrency)
	case o.callTimeout <= 0:
		return usageError("--call-timeout %s: expected a positive duration such as 2m", o.callTimeout)
	}
	for _, r := range o.regions {
		if r == "" || strings.ContainsAny(r, " /:") {
			return usageError("--region %q: expected a region such as us-east-1", r)
		}
	}
	if o.roleARN != "" {
		if a, ok := policy.ParseARN(o.roleARN); !ok || a.Service != "iam" || !strings.HasPrefix(a.Resource, "role/") {
			return usageError("--role-arn %q: expected a role ARN such as arn:aws:iam::111122223333:role/ecrguard-read", o.roleARN)
		}
	}
	for _, a := range o.accounts {
		if a != "all" && !policy.IsAccountID(a) {
			return usageError("--accounts: %q is not a 12-digit account id (or 'all')", a)
		}
		if a == "all" && len(o.accounts) > 1 {
			return usageError("--accounts all lists every account; give it alone")
		}
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
	region := ""
	if len(o.regions) > 0 {
		region = o.regions[0]
	}
	cfg, err := live.LoadConfig(ctx, o.profile, region)
	if err != nil {
		if ctx.Err() != nil {
			return nil, err
		}
		return nil, inputError(err)
	}
	if len(o.regions) == 0 && !o.allRegions && cfg.Region == "" {
		return nil, usageError("no region: give --region (repeatable) or --all-regions, or set a region in the AWS profile or AWS_REGION")
	}
	level := slog.LevelWarn
	switch {
	case o.verbose:
		level = slog.LevelDebug
	case o.quiet:
		level = slog.LevelError
	}
	opts := live.Options{
		Regions: o.regions, AllRegions: o.allRegions, RoleARN: o.roleARN, ExternalID: o.externalID,
		RoleName: o.roleName, Concurrency: o.concurrency, CallTimeout: o.callTimeout,
		// max_attempts in the profile or AWS_MAX_ATTEMPTS, as the AWS CLI
		// honours them; otherwise live.DefaultMaxAttempts.
		MaxAttempts: cfg.RetryMaxAttempts,
		Retryer:     o.retryer,
		Logger:      slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: level})),
	}
	if len(o.accounts) == 1 && o.accounts[0] == "all" {
		opts.AllAccounts = true
	} else {
		opts.Accounts = o.accounts
	}
	var bar *live.ProgressLine
	if !o.quiet && !o.verbose && isTerminal(stderr) {
		bar = &live.ProgressLine{W: stderr}
		opts.Progress = bar.Update
	}
	c, err := live.Run(ctx, cfg, opts)
	bar.Done()
	switch {
	case c == nil && err != nil:
		return nil, inputError(err)
	case err != nil:
		return c, inputError(err)
	}
	return c, nil
}

// isTerminal reports whether w is a terminal (progress is shown only
// there).
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}
