package main

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"time"

	"github.com/spf13/cobra"

	"github.com/ecrguard/ecrguard/config"
	"github.com/ecrguard/ecrguard/diff"
	"github.com/ecrguard/ecrguard/estate"
	"github.com/ecrguard/ecrguard/internal/gitref"
	"github.com/ecrguard/ecrguard/report"
	"github.com/ecrguard/ecrguard/rules"
	"github.com/ecrguard/ecrguard/source"
)

type diffOptions struct {
	inputOptions
	outputOptions
	// git is --git: BASE is the PATHs at this revision, HEAD the working
	// tree.
	git        string
	ignoreFile string
}

func newDiffCommand() *cobra.Command {
	o := diffOptions{}
	c := &cobra.Command{
		Use:   "diff BASE HEAD | diff --git REF [PATH...]",
		Short: "Show the access a change grants that was not granted before",
		Long: `diff answers the question of a pull request: what can anyone do after the
change (HEAD) that they could not do before it (BASE)? BASE and HEAD are
inputs of any kind scan reads (folders, files, Terraform, CloudFormation,
plans, ecrguard snapshots). With --git REF, BASE is the PATHs (default: the
current folder) as they were at the git revision REF and HEAD is the working
tree: ecrguard diff --git origin/main in a pull request's checkout.

Both sides are judged with the same settings (--config, --account,
--region, --var, --parameter...). Each side's access is every grant ecrguard
proves: per resource (repository, registry, creation template, ECR Public
repository, every repository of an account), principal ("*" for anyone, an
account, an organization, service:NAME acting for someone, or a user or role
of the account) and action. A grant is the same on both sides when its
resource ARN, principal and action are, and HEAD's proof meets every
condition BASE's had to: a repository renamed in Terraform (its address) or
moved to another file is the same repository; a condition removed or
widened, and a variable whose value changes, change what HEAD grants.

The report lists each new grant with the statement and line in HEAD that
grants it and its proof, the removed grants as information, and the rules'
findings that are new: a finding of HEAD that carries a new grant, or that
BASE had nothing like (see docs/diff.md). --fail-on, --severity, --rule,
--skip-rule and the suppressions (the config, inline ecrguard:ignore and
.ecrguardignore) apply to the new findings as in scan.

Something either side could not assess is a gap: new access may hide
behind it, so it is reported and exits 2 (--gaps-exit-code changes that).

` + selectionHelp + `

Exit codes: 0 no new finding at or above --fail-on; 1 new findings at or
above it; 2 usage or input error, or something not assessed on either side.`,
		Example: `  # In a pull request: what does this branch open that main did not?
  ecrguard diff --git origin/main --account 111122223333 infra/

  # Two folders, plans or snapshots
  ecrguard diff --account 111122223333 before/ after/
  ecrguard diff monday.snapshot.json today.snapshot.json

  # A pull-request comment, failing on new critical findings only
  ecrguard diff --git origin/main --format markdown --fail-on critical . > comment.md`,
		RunE: func(c *cobra.Command, args []string) error {
			o.stdin = c.InOrStdin()
			return runDiff(contextOrBackground(c.Context()), c.OutOrStdout(), diagnostics(c), &o, args)
		},
	}
	o.inputOptions.addFlags(c, true)
	o.inputOptions.addAtFlag(c)
	o.outputOptions.addFlags(c, false)
	f := c.Flags()
	f.Lookup("format").Usage = "report format: table, json, sarif or markdown"
	f.StringVar(&o.git, "git", "", "compare the PATHs (default .) at this git revision (BASE) with the working tree (HEAD)")
	f.StringVar(&o.ignoreFile, "ignore-file", "", "accepted findings, one 'FINGERPRINT reason' a line (default: the .ecrguardignore of each HEAD folder)")
	return c
}

// sides returns what BASE and HEAD read: with --git, BASE is "" (the
// revision's tree) and HEAD the paths.
func (o *diffOptions) sides(args []string) (base string, head []string, err error) {
	if o.git != "" {
		if len(args) == 0 {
			args = []string{"."}
		}
		if slices.Contains(args, source.Stdin) {
			return "", nil, usageError("--git compares files of the repository; standard input (-) has no revision")
		}
		return "", args, nil
	}
	if len(args) != 2 {
		return "", nil, usageError("diff takes BASE and HEAD (got %d argument(s)); or --git REF [PATH...] to compare the PATHs at a git revision with the working tree.\nRun 'ecrguard diff --help' for usage.", len(args))
	}
	return args[0], args[1:], nil
}

func runDiff(ctx context.Context, stdout, stderr io.Writer, o *diffOptions, args []string) error {
	checked, err := o.check()
	if err != nil {
		return err
	}
	if !slices.Contains(report.DiffFormats(), checked.format) {
		return usageError("--format %s: diff writes table, json, sarif or markdown", checked.format)
	}
	base, head, err := o.sides(args)
	if err != nil {
		return err
	}
	at, cfg, err := o.timeAndConfig(stderr, head)
	if err != nil {
		return err
	}
	baseEst, err := o.readBase(ctx, stderr, base, head, cfg)
	if err != nil {
		return err
	}
	headEst, err := o.readPaths(ctx, head, cfg)
	if err != nil {
		return err
	}
	if err := cfg.AddIgnores(o.ignoreFile, head, headEst.Ignores); err != nil {
		return inputError(err)
	}
	s := cfg.Settings()
	// Both sides are judged at one moment: now, unless --at says.
	s.At = cmp.Or(at, time.Now())
	b, h := diff.Assess(baseEst, s), diff.Assess(headEst, s)
	// Severity overrides and suppressions apply to both sides; stale
	// ignores are HEAD's business.
	cfg.Apply(b.Result)
	warn(stderr, cfg.Apply(h.Result))
	d := diff.Compare(b, h)
	if o.git != "" {
		// Without --config, the configuration was looked for along the
		// PATHs, and the revision's may be another file.
		var lookup []string
		if o.configFile == "" {
			lookup = head
		}
		if w := cfg.ChangedSince(ctx, o.git, lookup); w != "" {
			warn(stderr, []string{w})
			d.Warnings = append(d.Warnings, w)
		}
	}
	d.Findings.Select(checked.selection)
	if err := o.writeDiff(stdout, checked.format, d); err != nil {
		return err
	}
	if code := d.Findings.ExitCodeWithGaps(checked.failOn, checked.none, o.gapsExitCode); code != rules.ExitOK {
		return exitWith(code)
	}
	return nil
}

// readBase reads BASE: the path, or with --git the HEAD paths at the
// revision.
func (o *diffOptions) readBase(ctx context.Context, stderr io.Writer, base string, head []string, cfg *config.Config) (*estate.Estate, error) {
	if o.git == "" {
		return o.readPaths(ctx, []string{base}, cfg)
	}
	wd, err := os.Getwd()
	if err != nil {
		return nil, inputError(err)
	}
	opts, err := o.deploy.Options(cfg.Account, cfg.Region)
	if err != nil {
		return nil, usageError("%v", err)
	}
	est, err := source.LoadRevision(ctx, wd, o.git, head, opts)
	switch {
	case errors.Is(err, gitref.ErrNoCommit), errors.Is(err, gitref.ErrNotRepo), errors.Is(err, gitref.ErrNoGit):
		return nil, usageError("--git: %v", err)
	case err != nil:
		return nil, inputError(fmt.Errorf("--git %w", err))
	}
	return est, nil
}

// writeDiff writes the report to --output or stdout.
func (o *diffOptions) writeDiff(stdout io.Writer, f report.Format, d *diff.Result) error {
	opts := report.Options{Version: version, ShowSuppressed: o.showSuppressed, Detail: o.detail}
	err := o.destination(stdout).WriteWith(opts, func(w io.Writer, opts report.Options) error {
		return report.WriteDiff(w, f, d, opts)
	})
	if err != nil {
		return inputError(err)
	}
	return nil
}
