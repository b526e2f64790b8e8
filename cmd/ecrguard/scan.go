package main

import (
	"cmp"
	"context"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/signal"
	"slices"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
	"golang.org/x/term"

	"github.com/ecrguard/ecrguard/analysis"
	"github.com/ecrguard/ecrguard/config"
	"github.com/ecrguard/ecrguard/estate"
	"github.com/ecrguard/ecrguard/report"
	"github.com/ecrguard/ecrguard/rules"
	"github.com/ecrguard/ecrguard/source"
	"github.com/ecrguard/ecrguard/source/live"
)

// inputOptions are the flags every command that reads an estate shares.
type inputOptions struct {
	configFile string
	account    string
	region     string
	// deploy are the flags of the deployment of Terraform and
	// CloudFormation.
	deploy source.Deployment
	// at is --at: the time of the scan, RFC 3339 ("" = now).
	at string
	// stdin is what the PATH "-" reads (the command's standard input).
	stdin io.Reader
}

// atUsage is the help of --at; also names what else it sets the time of.
func atUsage(also string) string {
	return "judge as of this time, RFC 3339 (2026-06-30T12:00:00Z): requests carry it as aws:CurrentTime and aws:EpochTime" + also + " (default: now)"
}

// addAtFlag declares --at.
func (o *inputOptions) addAtFlag(c *cobra.Command) {
	c.Flags().StringVar(&o.at, "at", "", atUsage(", and a suppression whose expires date is before its date no longer suppresses"))
}

// parseAt reads the value of --at: the zero time (now) when it is empty.
func parseAt(at string) (time.Time, error) {
	if at == "" {
		return time.Time{}, nil
	}
	t, err := time.Parse(time.RFC3339, at)
	if err != nil {
		return time.Time{}, usageError("--at %q: expected an RFC 3339 time such as 2026-06-30T12:00:00Z (a date, 'T', a time and a zone: Z or +02:00)", at)
	}
	return t, nil
}

// timeAndConfig reads --at and loads the configuration, what every command
// that reads inputs does first. Suppressions expire as of --at: the whole
// judgement is of that moment.
func (o *inputOptions) timeAndConfig(stderr io.Writer, paths []string) (time.Time, *config.Config, error) {
	at, err := parseAt(o.at)
	if err != nil {
		return time.Time{}, nil, err
	}
	cfg, err := o.loadConfig(stderr, paths, cmp.Or(at, time.Now()))
	return at, cfg, err
}

// addFlags declares --config and --account, and --region unless region is
// false (scan declares a --region of its own that also serves --aws).
func (o *inputOptions) addFlags(c *cobra.Command, region bool) {
	f := c.Flags()
	f.StringVar(&o.configFile, "config", "", "configuration file (default: with one PATH, the nearest .ecrguard.yaml in its folder or above it up to the current folder; else .ecrguard.yaml in the current folder, if any)")
	f.StringVar(&o.account, "account", "", "the account that owns inputs which name none: raw policy files, Terraform and CloudFormation (overrides the config's account)")
	if region {
		f.StringVar(&o.region, "region", "", "the region of inputs that name none (overrides the config's region; default us-east-1)")
	}
	addDeploymentFlags(f, &o.deploy)
}

// loadConfig reads the configuration (config.ForPaths) with --account and
// --region over it, its suppressions expired as of now, and warns of its
// problems on stderr.
func (o *inputOptions) loadConfig(stderr io.Writer, paths []string, now time.Time) (*config.Config, error) {
	cfg, err := config.ForPaths(o.configFile, paths, now, config.Overrides{Account: o.account, Region: o.region})
	if err != nil {
		return nil, inputError(err)
	}
	warn(stderr, cfg.Warnings)
	return cfg, nil
}

// warn writes each warning on stderr.
func warn(stderr io.Writer, warnings []string) {
	for _, w := range warnings {
		fmt.Fprintf(stderr, "ecrguard: warning: %s\n", w)
	}
}

// readPaths reads files and folders given on the command line, and notes
// the configuration files of the folders that this scan does not use.
func (o *inputOptions) readPaths(ctx context.Context, paths []string, cfg *config.Config) (*estate.Estate, error) {
	opts, err := o.deploy.Options(cfg.Account, cfg.Region)
	if err != nil {
		return nil, usageError("%v", err)
	}
	opts.Stdin = o.stdin
	est, err := source.LoadPaths(ctx, paths, opts)
	if err != nil {
		return nil, inputError(err)
	}
	for _, u := range config.Unused(paths, cfg.File) {
		est.AddNote(estate.Note{Source: u.File, Message: u.Message})
	}
	return est, nil
}

// readFS reads roots of a file system (the embedded examples).
func readFS(ctx context.Context, fsys fs.FS, roots []string, cfg *config.Config) (*estate.Estate, error) {
	est, err := source.Load(ctx, fsys, roots, source.Options{Account: cfg.Account, Region: cfg.Region})
	if err != nil {
		return nil, inputError(err)
	}
	return est, nil
}

// outputOptions are the flags of commands that write a report.
type outputOptions struct {
	format string
	output string
	failOn string
	// gapsExitCode is --gaps-exit-code: the exit code of a result with
	// coverage gaps (0: the findings alone decide).
	gapsExitCode   int
	fixDir         string
	showSuppressed bool
	noColor        bool
	detail         bool
	// severity, rule and skipRule are --severity, --rule and --skip-rule.
	severity, rule, skipRule string
}

// selectionHelp explains --severity, --rule and --skip-rule in the help of
// the commands that write a report.
const selectionHelp = `--severity, --rule and --skip-rule choose the findings reported: a finding
is reported when its severity is in --severity (after the config's severity
overrides), its rule is in --rule and not in --skip-rule; a flag not given
keeps everything. --rule and --skip-rule cannot be combined (--rule already
names every rule reported); either combines with --severity. --fail-on then
applies to the findings reported only: a finding left out never changes the
exit code (--severity medium --fail-on high never exits 1). Every format says
that the report was filtered and how many findings were left out (JSON:
summary.filter).`

func (o *outputOptions) addFlags(c *cobra.Command, fix bool) {
	f := c.Flags()
	f.StringVar(&o.format, "format", "table", "report format: table, json, sarif, junit, markdown or html")
	f.StringVarP(&o.output, "output", "o", "", "write the report to this file instead of standard output")
	f.StringVar(&o.failOn, "fail-on", "high", "exit 1 when a finding reported is at or above this severity: critical, high, medium, low or none")
	addGapsExitCodeFlag(f, &o.gapsExitCode, "0 lets the findings and --fail-on alone decide, the report still lists every gap")
	f.BoolVar(&o.showSuppressed, "show-suppressed", false, "also list findings that a suppression silences (the config, an inline ecrguard:ignore or .ecrguardignore), with its reason")
	f.BoolVar(&o.noColor, "no-color", false, "never colour the table, even on a terminal")
	f.BoolVar(&o.detail, "detail", false, "table: show each finding's proof and full fix under its problem (the default is one short block per problem)")
	f.StringVar(&o.severity, "severity", "", "report only findings at these severities, comma-separated: critical, high, medium, low, info (after the config's severity overrides)")
	f.StringVar(&o.rule, "rule", "", "report only findings of these rules, comma-separated rule ids (ECR001,ECR002)")
	f.StringVar(&o.skipRule, "skip-rule", "", "do not report findings of these rules, comma-separated rule ids")
	if fix {
		f.StringVar(&o.fixDir, "fix-dir", "", "write the fixed policy of every repository, registry, creation template and ECR Public repository whose outsider access ecrguard can close, with a proof, into this folder; a Terraform or CloudFormation file whose policies it fixes is written edited, at its path")
	}
}

// checked are the output flags, parsed.
type checked struct {
	format report.Format
	// failOn is --fail-on; none is --fail-on none.
	failOn    rules.Severity
	none      bool
	selection rules.Selection
}

// check validates the output flags before any work is done.
func (o *outputOptions) check() (checked, error) {
	var c checked
	var err error
	if c.format, err = report.ParseFormat(o.format); err != nil {
		return c, usageError("--format: %v", err)
	}
	if err := checkGapsExitCode(o.gapsExitCode); err != nil {
		return c, err
	}
	if c.selection, err = rules.ParseSelection(o.severity, o.rule, o.skipRule); err != nil {
		return c, usageError("%v", err)
	}
	if o.failOn == "none" {
		c.none = true
		return c, nil
	}
	if c.failOn, err = rules.ParseSeverity(o.failOn); err != nil {
		return c, usageError("--fail-on: %v (or none)", err)
	}
	return c, nil
}

// finish applies the config to the result, writes the report and the
// fixes, and returns the documented exit code.
// Stale ignores are warned about on stderr.
func (o *outputOptions) finish(stdout, stderr io.Writer, res *rules.Result, cfg *config.Config) error {
	c, err := o.check()
	if err != nil {
		return err
	}
	warn(stderr, cfg.Apply(res))
	res.Select(c.selection)
	if err := o.destination(stdout).Write(c.format, res, report.Options{Version: version, ShowSuppressed: o.showSuppressed, Detail: o.detail, Trust: report.Trust{Account: cfg.Account, Settings: cfg.Settings()}}); err != nil {
		return inputError(err)
	}
	if o.fixDir != "" {
		if err := res.WriteFixes(o.fixDir); err != nil {
			return inputError(err)
		}
	}
	if o.output != "" {
		// The report is in a file: say on stderr what the exit code rests
		// on, which the terminal would otherwise not show.
		fmt.Fprintf(stderr, "ecrguard: wrote %s: %s\n", o.output, report.Outcome(res))
	}
	if code := res.ExitCodeWithGaps(c.failOn, c.none, o.gapsExitCode); code != rules.ExitOK {
		return exitWith(code)
	}
	return nil
}

// destination is where the report goes: --output, or stdout in colour
// unless --no-color or NO_COLOR say otherwise.
func (o *outputOptions) destination(stdout io.Writer) report.Destination {
	return report.Destination{Path: o.output, Stdout: stdout, Terminal: terminal(stdout), NoColor: o.noColor || os.Getenv("NO_COLOR") != ""}
}

// terminal says whether w is a terminal, and how wide.
func terminal(w io.Writer) report.Terminal {
	f, ok := w.(*os.File)
	if !ok || !term.IsTerminal(int(f.Fd())) {
		return report.Terminal{}
	}
	cols, _, _ := term.GetSize(int(f.Fd()))
	return report.Terminal{IsTerminal: true, Columns: cols}
}

// terminalWidth is the width answers written to w are laid out to
// (report.Terminal.Width).
func terminalWidth(w io.Writer) int { return terminal(w).Width() }

// addGapsExitCodeFlag declares --gaps-exit-code; what its 0 means is
// the command's (zero).
func addGapsExitCodeFlag(f *pflag.FlagSet, code *int, zero string) {
	f.IntVar(code, "gaps-exit-code", rules.ExitIncomplete, "exit code when something could not be assessed (coverage gaps); "+zero)
}

// checkGapsExitCode checks --gaps-exit-code: an exit status a shell keeps.
func checkGapsExitCode(code int) error {
	if code < 0 || code > 125 {
		return usageError("--gaps-exit-code %d: expected an exit code from 0 to 125 (0: gaps do not change the exit code)", code)
	}
	return nil
}

type scanOptions struct {
	inputOptions
	outputOptions
	// live reads AWS (--aws) instead of files.
	live bool
	// ignoreFile is --ignore-file: the .ecrguardignore to use instead of
	// those of the folders scanned.
	ignoreFile string
	aws        awsOptions
	// awsOnly are the AWS flags given on the command line, which mean
	// nothing without --aws.
	awsOnly []string
}

// scanRegionUsage is the help of scan's --region, which serves both modes.
const scanRegionUsage = `with --aws: a region to read (repeatable, or comma-separated; default: the profile's region); ` +
	`without --aws: the region of inputs that name none (overrides the config's region; default us-east-1)`

func newScanCommand(retryer func() aws.Retryer) *cobra.Command {
	o := scanOptions{aws: awsOptions{opts: live.Options{Retryer: retryer}}}
	c := &cobra.Command{
		Use:   "scan [PATH... | --aws]",
		Short: "Find who outside (and inside) the account can use each ECR repository",
		Long: `scan reads repository policies, the registry policy, IAM authorization details
and SCPs from files and folders (AWS CLI JSON outputs or raw policy documents,
detected by content), or with --aws from the AWS account itself, evaluates
them as AWS would, and reports findings against the rule catalog (ecrguard
rules).

With no PATH and no --aws it scans the current folder. The PATH - reads one
input from standard input, recognised by its content: JSON (any of the JSON
inputs below; a raw repository policy names the repository "stdin") or a
CloudFormation YAML template; positions read <stdin>:LINE:COL. Inputs:
  aws ecr get-repository-policy / get-registry-policy outputs, raw policy
  documents (file name = repository name; --account names the owner),
  describe-repositories, get-account-setting --name REGISTRY_POLICY_SCOPE,
  describe-registry (replication destinations),
  NAME.tags.json (list-tags-for-resource), get-account-authorization-details,
  organizations describe-policy (SCPs and RCPs) or raw ones in folders
  scps/ and rcps/ (numbered folders in them are levels from the root down:
  scps/1-root/, scps/2-ou-prod/), describe-repository-creation-templates,
  ecr-public describe-repositories and get-repository-policy (saved as
  NAME.public-policy.json or in a folder ecr-public/), and ecrguard
  snapshots (written by 'ecrguard collect').
Infrastructure as code, in the same walk:
  Terraform modules (.tf and .tf.json, with variable defaults,
  terraform.tfvars and *.auto.tfvars; local child modules; files read by
  file() and templatefile()), Terraform plans (terraform show -json),
  CloudFormation templates (YAML or JSON). Each finding names the file and
  line to change; a value not known until deployment is taken at its worst
  and named. --var, --var-file and --workspace describe the Terraform
  deployment, --parameter and --parameters-file the CloudFormation one.

With --aws it reads the account with the credentials the AWS CLI would use
(environment, --profile, SSO, instance or container role), after asking
sts:GetCallerIdentity who they are (the report's notes say): in each --region
(repeatable; default the profile's region) or --all-regions, the ECR
repositories with their policies and tags, the registry policy, scope,
replication and repository creation templates; the ECR Public repositories;
IAM users, groups, roles and policies; and, where the credentials may, the
SCPs and RCPs over the account.
--role-arn assumes a role first; --accounts with --role-name reads other
accounts of the organization. It only reads; the permissions it needs are in
docs/PERMISSIONS.md. 'ecrguard collect' writes the same reading to a
snapshot file that 'ecrguard scan FILE' reports on with the same result.
--aws takes no PATH, and --account does not apply to it.

A file that cannot be read is reported (with file, line and column), and so
are a PATH that is not an input, a folder with nothing to read, and an AWS
call that failed (access denied, a region named with --region that is not
enabled, throttling beyond retries, a timeout, a policy that does not parse:
API, account, region, resource and AWS error code); none ever counts as "no
findings". Files of a folder that are not inputs are listed in a note.
Progress is shown on stderr when it is a terminal; --quiet (-q) silences it
and every warning, --verbose logs every AWS call (it has no short form: -v
is 'ecrguard --version').

` + selectionHelp + `

Exit codes: 0 nothing reported at or above --fail-on; 1 findings at or above
it; 2 usage or input error, or something could not be assessed
(--gaps-exit-code N changes the code of the latter; 0 lets findings alone
decide).`,
		Example: `  ecrguard scan policies/
  ecrguard scan --account 111122223333 infra/    # Terraform and CloudFormation
  ecrguard scan --account 111122223333 --var-file prod.tfvars infra/   # as terraform plan -var-file
  ecrguard scan --account 111122223333 --parameters-file params.json cdk.out/   # CloudFormation parameters
  terraform show -json plan.out > plan.json && ecrguard scan plan.json
  ecrguard scan --format sarif --output ecrguard.sarif .
  ecrguard scan --config prod.ecrguard.yaml --fail-on critical exports/
  ecrguard scan --fix-dir fixes/ exports/     # write proven fixes
  ecrguard scan --severity critical,high --skip-rule ECR005 exports/

  # The account of the AWS CLI's credentials, live
  ecrguard scan --aws --region us-east-1
  ecrguard scan --aws --profile prod --region us-east-1 --region eu-west-1
  ecrguard scan --aws --all-regions --accounts all --role-name ecrguard-read

  # Or collect once, scan offline as often as you like
  ecrguard collect --region us-east-1 --output snapshot.json
  ecrguard scan snapshot.json`,
		RunE: func(c *cobra.Command, args []string) error {
			o.awsOnly = nil
			c.Flags().Visit(func(f *pflag.Flag) {
				if f.Name != "region" && f.Annotations[awsFlagAnnotation] != nil {
					o.awsOnly = append(o.awsOnly, "--"+f.Name)
				}
			})
			o.aws.quiet = quietFlag(c)
			o.stdin = c.InOrStdin()
			ctx := c.Context()
			if o.live {
				var stop context.CancelFunc
				ctx, stop = signal.NotifyContext(contextOrBackground(ctx), os.Interrupt)
				defer stop()
			}
			return runScan(ctx, c.OutOrStdout(), diagnostics(c), &o, args)
		},
	}
	o.inputOptions.addFlags(c, false)
	o.inputOptions.addAtFlag(c)
	o.outputOptions.addFlags(c, true)
	c.Flags().StringVar(&o.ignoreFile, "ignore-file", "", "accepted findings, one 'FINGERPRINT reason' a line (default: the .ecrguardignore of each folder scanned; with --aws, of the current folder)")
	c.Flags().BoolVar(&o.live, "aws", false, "read the AWS account instead of files (see the AWS flags; needs AWS credentials)")
	addAWSFlags(c.Flags(), &o.aws)
	c.Flags().VisitAll(func(f *pflag.Flag) {
		if f.Annotations[awsFlagAnnotation] != nil {
			f.Usage = "with --aws: " + f.Usage
		}
	})
	c.Flags().Lookup("region").Usage = scanRegionUsage
	return c
}

func runScan(ctx context.Context, stdout, stderr io.Writer, o *scanOptions, paths []string) error {
	if _, err := o.check(); err != nil {
		return err
	}
	if err := o.checkMode(paths); err != nil {
		return err
	}
	at, cfg, err := o.timeAndConfig(stderr, paths)
	if err != nil {
		return err
	}
	var est *estate.Estate
	if o.live {
		est, err = collectLive(contextOrBackground(ctx), &o.aws, stderr)
		switch {
		case err != nil && est != nil:
			// An interrupted collection holds only part of the account: no
			// report, rather than one that reads like a finished scan.
			return inputError(fmt.Errorf("%w; no report written, as it would cover only part of the account ('ecrguard collect' keeps what it read)", err))
		case err != nil:
			return err
		}
	} else {
		if len(paths) == 0 {
			paths = []string{"."}
		}
		if est, err = o.readPaths(ctx, paths, cfg); err != nil {
			return err
		}
	}
	ignoreDirs := paths
	if o.live {
		// --aws scans no folder: the current folder's .ecrguardignore
		// goes with it, as its .ecrguard.yaml does.
		ignoreDirs = []string{"."}
	}
	if err := cfg.AddIgnores(o.ignoreFile, ignoreDirs, est.Ignores); err != nil {
		return inputError(err)
	}
	s := cfg.Settings()
	s.At = at
	res := rules.Run(est, s)
	if !o.live {
		res.ProveEdits(o.inputs(ctx, paths, cfg, s))
	}
	return o.finish(stdout, stderr, res, cfg)
}

// inputs are the inputs readPaths read, for proving fixes as edits of
// them: read again with the same options, the edited files in place of
// theirs. Standard input is not read twice.
func (o *inputOptions) inputs(ctx context.Context, paths []string, cfg *config.Config, s analysis.Settings) rules.Inputs {
	load := func(overlay map[string][]byte) (*estate.Estate, error) {
		if slices.Contains(paths, source.Stdin) {
			return nil, fmt.Errorf("standard input (%s) cannot be read a second time", source.Stdin)
		}
		opts, err := o.deploy.Options(cfg.Account, cfg.Region)
		if err != nil {
			return nil, err
		}
		opts.Overlay = overlay
		return source.LoadPaths(ctx, paths, opts)
	}
	return rules.Inputs{ReadFile: os.ReadFile, Load: load, Settings: s}
}

// checkMode checks the flags of one mode (files, or --aws) against the
// other's, before anything is read.
func (o *scanOptions) checkMode(paths []string) error {
	if o.live {
		switch {
		case len(paths) > 0:
			return usageError("--aws reads the AWS account and takes no PATH (got %s); scan files and folders without --aws, or a snapshot written by 'ecrguard collect'", strings.Join(paths, " "))
		case o.account != "":
			return usageError("--account names the owner of raw policy files and does not apply to --aws, which reads the account of the credentials; to read other accounts, use --accounts with --role-name")
		case len(o.deploy.Given()) > 0:
			return usageError("%s: settings of Terraform or CloudFormation, which do not apply to --aws", strings.Join(o.deploy.Given(), ", "))
		}
		return o.aws.validate()
	}
	if len(o.awsOnly) > 0 {
		verb := "applies"
		if len(o.awsOnly) > 1 {
			verb = "apply"
		}
		return usageError("%s only %s to --aws (reading the AWS account); add --aws, or leave it out to scan files", strings.Join(o.awsOnly, ", "), verb)
	}
	switch len(o.aws.opts.Regions) {
	case 0:
	case 1:
		o.region = o.aws.opts.Regions[0]
	default:
		return usageError("--region given %d times: without --aws it is the one region of inputs that name none; several regions are for --aws", len(o.aws.opts.Regions))
	}
	return nil
}

// contextOrBackground is ctx, or the background context when a test calls
// a command function without one.
func contextOrBackground(ctx context.Context) context.Context {
	if ctx == nil {
		return context.Background()
	}
	return ctx
}
