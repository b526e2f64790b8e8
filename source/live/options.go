package live

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"strings"

	"github.com/ecrguard/ecrguard/policy"
)

// Validate checks the options against each other and each value's shape,
// before anything is read. Its errors name the command line's flags
// (--region, --accounts, ...), the options' one front end; a zero
// Concurrency or CallTimeout is an error here (withDefaults fills them
// for library callers that skip Validate).
func (o Options) Validate() error {
	several := len(o.Accounts) > 0 || o.AllAccounts
	switch {
	case o.AllRegions && len(o.Regions) > 0:
		return fmt.Errorf("--region and --all-regions cannot be combined")
	case several && o.RoleName == "":
		return fmt.Errorf("--accounts needs --role-name, the role to assume in each account (such as a read-only role created for ecrguard)")
	case o.RoleName != "" && !several:
		return fmt.Errorf("--role-name is for --accounts; to assume one role, use --role-arn")
	case o.Concurrency < 1:
		return fmt.Errorf("--concurrency %d: expected 1 or more", o.Concurrency)
	case o.CallTimeout <= 0:
		return fmt.Errorf("--call-timeout %s: expected a positive duration such as 2m", o.CallTimeout)
	}
	for _, r := range o.Regions {
		if r == "" || strings.ContainsAny(r, " /:") {
			return fmt.Errorf("--region %q: expected a region such as us-east-1", r)
		}
	}
	if o.RoleARN != "" {
		if a, ok := policy.ParseARN(o.RoleARN); !ok || a.Service != "iam" || !strings.HasPrefix(a.Resource, "role/") {
			return fmt.Errorf("--role-arn %q: expected a role ARN such as arn:aws:iam::111122223333:role/ecrguard-read", o.RoleARN)
		}
	}
	for _, a := range o.Accounts {
		if a != AllAccountsWord && !policy.IsAccountID(a) {
			return fmt.Errorf("--accounts: %q is not a 12-digit account id (or 'all')", a)
		}
		if a == AllAccountsWord {
			return fmt.Errorf("--accounts all lists every account; give it alone")
		}
	}
	return nil
}

// AllAccountsWord is the one word of an account list that means every
// account of the organization (Options.AllAccounts).
const AllAccountsWord = "all"

// SetAccounts sets Accounts and AllAccounts from a list as a user gives
// it: account ids, or AllAccountsWord alone. AllAccountsWord among ids
// stays in Accounts, where Validate rejects it.
func (o *Options) SetAccounts(list []string) {
	if len(list) == 1 && list[0] == AllAccountsWord {
		o.AllAccounts, o.Accounts = true, nil
		return
	}
	o.AllAccounts, o.Accounts = false, list
}

// RunProfile is Run with the AWS configuration loaded as the AWS CLI would
// (LoadConfig): from profile ("" for AWS_PROFILE or the default one), in
// the first of opts.Regions or else the profile's region. When
// opts.MaxAttempts is 0, the profile's max_attempts (or AWS_MAX_ATTEMPTS)
// bounds the attempts, as the AWS CLI honours them, else
// DefaultMaxAttempts.
func RunProfile(ctx context.Context, profile string, opts Options) (*Collection, error) {
	region := ""
	if len(opts.Regions) > 0 {
		region = opts.Regions[0]
	}
	cfg, err := LoadConfig(ctx, profile, region)
	if err != nil {
		return nil, err
	}
	if opts.MaxAttempts == 0 {
		opts.MaxAttempts = cfg.RetryMaxAttempts
	}
	return Run(ctx, cfg, opts)
}

// Console is where a person watches a collection: W (stderr), whether it
// is a terminal, and how much they asked to see.
type Console struct {
	W        io.Writer
	Terminal bool
	// Quiet shows errors only; Verbose logs every AWS call. A progress
	// line is drawn on a terminal when neither is set.
	Quiet, Verbose bool
}

// Attach sets opts.Logger and, when the console shows one, opts.Progress;
// it returns the progress line, to be cleared (Done) when the collection
// ends, or nil.
func (c Console) Attach(opts *Options) *ProgressLine {
	level := slog.LevelWarn
	switch {
	case c.Verbose:
		level = slog.LevelDebug
	case c.Quiet:
		level = slog.LevelError
	}
	opts.Logger = slog.New(slog.NewTextHandler(c.W, &slog.HandlerOptions{Level: level}))
	if c.Quiet || c.Verbose || !c.Terminal {
		return nil
	}
	bar := &ProgressLine{W: c.W}
	opts.Progress = bar.Update
	return bar
}
