// Package live reads an AWS account (or several accounts of an
// organization) through the AWS SDK for Go v2 into an estate: ECR
// repositories with their policies, tags and settings in each region, the
// registry policy, scope, replication and repository creation templates,
// ECR Public repositories, IAM users, groups, roles and policies, and the
// SCPs and RCPs over the account.
//
// What it could not read becomes an estate.Gap that names the API, account,
// region, resource and AWS error code; a resource whose policy was not read
// stays estate.Unread, so no analysis can call it clean. AWS's "there is no
// policy" answers are not gaps. Credentials never appear in gaps, logs or
// errors.
//
// Every AWS operation the collector invokes is listed, with the IAM action
// it needs, in Calls; docs/PERMISSIONS.md is generated from that table.
package live

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/organizations"
	orgtypes "github.com/aws/aws-sdk-go-v2/service/organizations/types"
	"github.com/aws/aws-sdk-go-v2/service/sts"

	"github.com/ecrguard/ecrguard/estate"
	"github.com/ecrguard/ecrguard/policy"
)

// Defaults of Options.
const (
	DefaultConcurrency = 8
	DefaultCallTimeout = 2 * time.Minute
	DefaultMaxAttempts = 8
	DefaultMaxBackoff  = 20 * time.Second
)

// Options say what to read and how.
type Options struct {
	// Regions to read. Empty: the configuration's region (Collect) unless
	// AllRegions is set.
	Regions []string
	// AllRegions reads every ECR region of the caller's partition.
	AllRegions bool
	// RoleARN, when set, is assumed first (ExternalID, when set, is passed
	// with every role ecrguard assumes).
	RoleARN    string
	ExternalID string
	// Accounts lists the organization accounts to read, each through the
	// role RoleName in it; AllAccounts reads every active account of the
	// organization (organizations:ListAccounts). Empty: the caller's
	// account only.
	Accounts    []string
	AllAccounts bool
	RoleName    string
	// Concurrency bounds the AWS calls in flight (DefaultConcurrency).
	Concurrency int
	// CallTimeout bounds one call, retries included (DefaultCallTimeout).
	CallTimeout time.Duration
	// MaxAttempts bounds the attempts of one call, whichever retryer makes
	// them (DefaultMaxAttempts). MaxBackoff bounds the delay between two
	// attempts of the default retryer (DefaultMaxBackoff).
	MaxAttempts int
	MaxBackoff  time.Duration
	// Retryer, when set, builds the retryer of each SDK client instead of
	// the production default: the SDK's adaptive mode without a retry
	// quota, bounded by MaxAttempts and MaxBackoff (see NewClients).
	// MaxAttempts still applies; the delays are the retryer's own. Tests
	// set the standard mode without delays, since adaptive mode's
	// client-side rate limiter sleeps for seconds after a throttle whatever
	// MaxBackoff says.
	Retryer func() aws.Retryer
	// Logger receives diagnostics (nil: none). Messages are redacted.
	Logger *slog.Logger
	// Progress, when set, is called (from one goroutine at a time) whenever
	// the counts change.
	Progress func(Progress)
}

func (o Options) withDefaults() Options {
	if o.Concurrency <= 0 {
		o.Concurrency = DefaultConcurrency
	}
	if o.CallTimeout <= 0 {
		o.CallTimeout = DefaultCallTimeout
	}
	if o.MaxAttempts <= 0 {
		o.MaxAttempts = DefaultMaxAttempts
	}
	if o.MaxBackoff <= 0 {
		o.MaxBackoff = DefaultMaxBackoff
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	return o
}

// Progress is the state of a running collection.
type Progress struct {
	Accounts, AccountsDone int
	Regions, RegionsDone   int
	// Repositories counts the repositories listed so far; RepositoriesDone
	// those whose policy and tags calls have finished.
	Repositories, RepositoriesDone int
	Calls                          int
	// Errors counts the calls that failed (each is a gap or a note).
	Errors int
}

// Collection is what one run read, and who read it.
type Collection struct {
	Estate *estate.Estate
	// Caller is the identity the credentials are (after Options.RoleARN).
	Caller estate.Caller
	// Started is when collection began.
	Started time.Time
}

// Collect reads the account of cfg's credentials (or the accounts of
// opts.Accounts) and returns the estate. Failures to read parts of it are
// gaps in the estate; the error is for failures that leave nothing to
// report (no credentials, sts:GetCallerIdentity refused, bad options) or an
// interruption (the estate then holds what was read).
func Collect(ctx context.Context, cfg aws.Config, opts Options) (*estate.Estate, error) {
	c, err := Run(ctx, cfg, opts)
	if c == nil {
		return nil, err
	}
	return c.Estate, err
}

// Run is Collect that also says who read the estate, and when.
func Run(ctx context.Context, cfg aws.Config, opts Options) (*Collection, error) {
	if len(opts.Regions) == 0 && !opts.AllRegions {
		if cfg.Region == "" {
			return nil, errors.New("no region: give --region (repeatable) or --all-regions, or set a region in the AWS profile or AWS_REGION")
		}
		opts.Regions = []string{cfg.Region}
	}
	rd := NewRedactor()
	return RunWith(ctx, NewClients(cfg, opts, rd), opts, rd)
}

// RunWith is Run with the clients given (tests serve fakes through it). rd
// may be nil.
func RunWith(ctx context.Context, cl *Clients, opts Options, rd *Redactor) (*Collection, error) {
	opts = opts.withDefaults()
	if rd == nil {
		rd = NewRedactor()
	}
	if len(opts.Regions) == 0 && !opts.AllRegions {
		return nil, errors.New("no region to read: give Options.Regions or AllRegions")
	}
	if (len(opts.Accounts) > 0 || opts.AllAccounts) && opts.RoleName == "" {
		return nil, errors.New("reading several accounts needs the name of the role to assume in each (--role-name)")
	}
	c := &collector{opts: opts, log: opts.Logger, rd: rd, sem: make(chan struct{}, opts.Concurrency), est: estate.New()}
	out := &Collection{Estate: c.est, Started: time.Now().UTC()}

	base := cl
	if opts.RoleARN != "" {
		base = cl.AssumeRole(opts.RoleARN, opts.ExternalID)
	}
	who, err := c.callerIdentity(ctx, base)
	if err != nil {
		api := apiGetCallerIdentity
		if opts.RoleARN != "" {
			api = apiAssumeRole + " " + opts.RoleARN + " (or " + apiGetCallerIdentity + ")"
		}
		code, msg := classify(err)
		return nil, fmt.Errorf("%s: %s: %s", api, code, rd.Clean(msg))
	}
	out.Caller = who
	c.note(apiGetCallerIdentity, fmt.Sprintf("credentials are %s in account %s", who.ARN, who.Account))
	partition := partitionOfARN(who.ARN)

	regions := opts.Regions
	if opts.AllRegions {
		regions = Regions(partition)
		if len(regions) == 0 {
			return nil, fmt.Errorf("--all-regions: ecrguard does not know the regions of partition %q; name them with --region", partition)
		}
	}
	regions = dedupe(regions)

	type target struct {
		account string
		clients *Clients
	}
	var targets []target
	if len(opts.Accounts) == 0 && !opts.AllAccounts {
		targets = []target{{who.Account, base}}
	} else {
		ids := dedupe(opts.Accounts)
		if opts.AllAccounts {
			if ids, err = c.listAccounts(ctx, base); err != nil {
				code, msg := classify(err)
				return nil, fmt.Errorf("%s: %s: %s", apiListAccounts, code, rd.Clean(msg))
			}
		}
		for _, id := range ids {
			if id == who.Account {
				// The starting account is read with the starting
				// credentials: the role to assume elsewhere usually does
				// not exist there (an organization's management account
				// has no OrganizationAccountAccessRole).
				targets = append(targets, target{id, base})
				continue
			}
			roleARN := fmt.Sprintf("arn:%s:iam::%s:role/%s", partition, id, strings.TrimPrefix(opts.RoleName, "/"))
			targets = append(targets, target{id, base.AssumeRole(roleARN, opts.ExternalID)})
		}
	}
	c.progress(func(p *Progress) { p.Accounts = len(targets); p.Regions = len(targets) * len(regions) })

	var wg sync.WaitGroup
	for _, t := range targets {
		wg.Go(func() {
			defer c.progress(func(p *Progress) { p.AccountsDone++ })
			cl := t.clients
			if t.clients != base {
				// Check the role first: one gap for an account we cannot
				// enter, instead of one per call.
				got, err := c.callerIdentity(ctx, cl)
				if err != nil {
					roleARN := fmt.Sprintf("arn:%s:iam::%s:role/%s", partition, t.account, strings.TrimPrefix(opts.RoleName, "/"))
					c.gap(apiAssumeRole, t.account, "", roleARN, "account not read", err)
					c.progress(func(p *Progress) { p.RegionsDone += len(regions) })
					return
				}
				c.note(apiGetCallerIdentity, fmt.Sprintf("account %s read as %s", t.account, got.ARN))
				if got.Account != t.account {
					c.gap(apiAssumeRole, t.account, "", got.ARN, "account not read", fmt.Errorf("the role is in account %s, not %s", got.Account, t.account))
					return
				}
			}
			c.account(ctx, cl, base.Organizations, t.account, partition, regions)
		})
	}
	wg.Wait()
	c.est.Normalize()
	if err := ctx.Err(); err != nil {
		return out, fmt.Errorf("collection interrupted: %w", err)
	}
	return out, nil
}

func dedupe(in []string) []string {
	seen := map[string]bool{}
	var out []string
	for _, s := range in {
		s = strings.TrimSpace(s)
		if s != "" && !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	sort.Strings(out)
	return out
}

// collector is one run's state. mu guards est and prog; the estate's maps
// are not safe for concurrent use.
type collector struct {
	opts Options
	log  *slog.Logger
	rd   *Redactor
	sem  chan struct{}

	mu   sync.Mutex
	est  *estate.Estate
	prog Progress
	memo map[string]*memo
}

// memo is the answer of a read that once makes at most once per run.
type memo struct {
	once sync.Once
	v    any
	err  error
}

// once runs f the first time key is asked for in this run and gives every
// caller its answer (error included): what the accounts of an organization
// share (the organization, its root, the OUs and their policies) is read
// once, however many accounts sit below it.
func once[T any](c *collector, key string, f func() (T, error)) (T, error) {
	c.mu.Lock()
	if c.memo == nil {
		c.memo = map[string]*memo{}
	}
	m := c.memo[key]
	if m == nil {
		m = &memo{}
		c.memo[key] = m
	}
	c.mu.Unlock()
	m.once.Do(func() { m.v, m.err = f() })
	v, _ := m.v.(T)
	return v, m.err
}

// call runs one AWS call under the concurrency bound and the per-call
// timeout.
func call[T any](ctx context.Context, c *collector, api string, f func(context.Context) (T, error)) (T, error) {
	var zero T
	if !knownAPI(api) {
		// A call missing from the permission table is a defect; tests catch it.
		return zero, fmt.Errorf("internal error: %s is not in the table of calls (calls.go)", api)
	}
	select {
	case c.sem <- struct{}{}:
	case <-ctx.Done():
		return zero, ctx.Err()
	}
	defer func() { <-c.sem }()
	cctx, cancel := context.WithTimeout(ctx, c.opts.CallTimeout)
	defer cancel()
	start := time.Now()
	out, err := f(cctx)
	if err != nil && ctx.Err() == nil && errors.Is(cctx.Err(), context.DeadlineExceeded) {
		err = &timeoutError{api: api, after: c.opts.CallTimeout.String(), err: err}
	}
	c.progress(func(p *Progress) {
		p.Calls++
		if err != nil {
			p.Errors++
		}
	})
	if err != nil {
		code, msg := classify(err)
		c.log.Debug("aws call failed", "api", api, "code", code, "error", c.rd.Clean(msg), "duration", time.Since(start).Round(time.Millisecond))
	} else {
		c.log.Debug("aws call", "api", api, "duration", time.Since(start).Round(time.Millisecond))
	}
	return out, err
}

// gap records what could not be read. why, when not empty, says what the
// failure means for the scan ("repositories not listed").
func (c *collector) gap(api, account, region, resource, why string, err error) {
	code, msg := classify(err)
	if why != "" {
		msg = why + ": " + msg
	}
	g := estate.Gap{Source: api, Account: account, Region: region, Resource: resource, Code: code, Message: c.rd.Clean(msg)}
	if code == estate.GapParseError {
		// A policy that does not decode: ECR011 names each of its problems.
		for _, p := range policy.ProblemsOf(err) {
			p.Message = c.rd.Clean(p.Message)
			g.Problems = append(g.Problems, p)
		}
	}
	c.log.Info("not assessed", "api", api, "account", account, "region", region, "resource", resource, "code", code, "error", g.Message)
	c.mu.Lock()
	c.est.AddGap(g)
	c.mu.Unlock()
}

func (c *collector) note(source, msg string) {
	msg = c.rd.Clean(msg)
	c.mu.Lock()
	c.est.AddNote(estate.Note{Source: source, Message: msg})
	c.mu.Unlock()
	c.log.Info(msg, "source", source)
}

func (c *collector) progress(f func(*Progress)) {
	c.mu.Lock()
	defer c.mu.Unlock()
	f(&c.prog)
	if c.opts.Progress != nil {
		c.opts.Progress(c.prog)
	}
}

// parseError is a policy document in an AWS answer that does not parse.
type parseError struct {
	what string
	err  error
}

func (e *parseError) Error() string { return fmt.Sprintf("%s does not parse: %v", e.what, e.err) }
func (e *parseError) Unwrap() error { return e.err }

// parsePolicy parses a document AWS returned. label names it in positions
// (docs/snapshot.md, "Policy sources"): the text starts at label:1:1.
func parsePolicy(name, label, text string) (*estate.Policy, error) {
	src := policy.Pos{File: label, Line: 1, Col: 1}
	doc, err := policy.ParseWith([]byte(text), estate.TextLocator([]byte(text), src))
	if err != nil {
		return nil, &parseError{what: name, err: err}
	}
	return &estate.Policy{Name: name, Doc: doc, Source: src, Text: text}, nil
}

func (c *collector) callerIdentity(ctx context.Context, cl *Clients) (estate.Caller, error) {
	out, err := call(ctx, c, apiGetCallerIdentity, func(ctx context.Context) (*sts.GetCallerIdentityOutput, error) {
		return cl.STS.GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	})
	if err != nil {
		return estate.Caller{}, err
	}
	who := estate.Caller{Account: aws.ToString(out.Account), ARN: aws.ToString(out.Arn)}
	if !policy.IsAccountID(who.Account) {
		return who, fmt.Errorf("sts:GetCallerIdentity answered an account id %q that is not 12 digits", who.Account)
	}
	return who, nil
}

// listAccounts lists the organization's active accounts.
func (c *collector) listAccounts(ctx context.Context, cl *Clients) ([]string, error) {
	var ids []string
	seenTokens := tokens{}
	p := organizations.NewListAccountsPaginator(cl.Organizations, &organizations.ListAccountsInput{})
	for p.HasMorePages() {
		page, err := call(ctx, c, apiListAccounts, func(ctx context.Context) (*organizations.ListAccountsOutput, error) { return p.NextPage(ctx) })
		if err == nil {
			err = seenTokens.check(page.NextToken)
		}
		if err != nil {
			return nil, err
		}
		for _, a := range page.Accounts {
			id := aws.ToString(a.Id)
			if a.State != "" && a.State != orgtypes.AccountStateActive || a.State == "" && a.Status != "" && a.Status != orgtypes.AccountStatusActive {
				c.note(apiListAccounts, fmt.Sprintf("account %s skipped: it is not active (%s%s)", id, a.State, a.Status))
				continue
			}
			ids = append(ids, id)
		}
	}
	return dedupe(ids), nil
}

// account reads one account: its regions, ECR Public, IAM, SCPs and RCPs, all at
// once (the semaphore bounds the calls).
func (c *collector) account(ctx context.Context, cl *Clients, orgs OrganizationsAPI, account, partition string, regions []string) {
	c.mu.Lock()
	c.est.Account(account)
	c.mu.Unlock()
	var wg sync.WaitGroup
	for _, r := range regions {
		wg.Go(func() {
			defer c.progress(func(p *Progress) { p.RegionsDone++ })
			c.region(ctx, cl.ECR(r), account, r)
		})
	}
	if partition == "aws" && cl.ECRPublic != nil {
		wg.Go(func() { c.public(ctx, cl.ECRPublic, account) })
	} else {
		c.note(apiPublicDescribeRepositories, fmt.Sprintf("account %s: ECR Public is not read: it exists only in the aws partition, not %s", account, partition))
	}
	wg.Go(func() { c.iam(ctx, cl.IAM, account, partition) })
	wg.Go(func() { c.guardrails(ctx, orgs, cl.Organizations, account) })
	wg.Wait()
}
