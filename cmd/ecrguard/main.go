// Command ecrguard finds out who, inside or outside an AWS account, can read,
// replace, delete or re-share each Amazon ECR repository, and how to close
// what should not be open.
//
// This package only wires flags to the library: each command lives in its
// own file, turns flags into options, picks sources and writers, and maps
// results and errors to the documented exit codes (rules.Exit*).
package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"runtime/debug"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/spf13/cobra"

	"github.com/ecrguard/ecrguard/internal/buildinfo"
	"github.com/ecrguard/ecrguard/rules"
)

// version is set at build time with -ldflags "-X main.version=..."; a
// binary installed with `go install ...@vX.Y.Z` takes the module version
// from its build info instead (buildinfo.Read). Reports write it as a semantic
// version: "0.0.0-dev" when it is unknown (report.SemanticVersion).
var version = "dev"

// build is what the build info says of this binary: `ecrguard version`.
var build buildinfo.Info

func init() {
	build = buildinfo.Read(version, debug.ReadBuildInfo)
	version = build.Version
}

// quietFlag is --quiet (-q), a flag of every command.
func quietFlag(c *cobra.Command) bool {
	q, _ := c.Flags().GetBool("quiet")
	return q
}

// diagnostics is where c writes what is not an error (warnings, notes,
// progress, summaries): its stderr, or nowhere with --quiet.
func diagnostics(c *cobra.Command) io.Writer {
	if quietFlag(c) {
		return io.Discard
	}
	return c.ErrOrStderr()
}

// exitError carries a documented exit code out of a command.
type exitError struct {
	code int
	err  error
}

func (e *exitError) Error() string {
	if e.err == nil {
		return fmt.Sprintf("exit status %d", e.code)
	}
	return e.err.Error()
}

func (e *exitError) Unwrap() error { return e.err }

// usageError is a bad flag or argument: exit code 2.
func usageError(format string, args ...any) error {
	return &exitError{code: rules.ExitIncomplete, err: fmt.Errorf(format, args...)}
}

// inputError is an unreadable or invalid input: exit code 2.
func inputError(err error) error {
	return &exitError{code: rules.ExitIncomplete, err: err}
}

// exitWith ends a command with a code and no message.
func exitWith(code int) error { return &exitError{code: code} }

// newRootCommand builds the command line. retryer, when not nil, builds
// the SDK retryers of the commands that read AWS (live.Options.Retryer);
// main passes nil, the collector's default.
func newRootCommand(stdout, stderr io.Writer, retryer func() aws.Retryer) *cobra.Command {
	root := &cobra.Command{
		Use:   "ecrguard",
		Short: "Who can read, replace, delete or re-share your Amazon ECR repositories",
		Long: `ecrguard reads ECR repository policies, the registry policy, repository
creation templates, ECR Public repository policies, IAM identity policies
(users, groups, roles, managed and inline policies, permission boundaries) and
the organization's SCPs and RCPs, from AWS CLI outputs, raw policy files,
Terraform, CloudFormation, snapshots or the live account; evaluates them with
the semantics AWS uses; and reports who inside or outside the account can act
on each repository, and how to close what should not be open.

Start with 'ecrguard demo' to see a report on a bundled example estate.`,
		Version:       version,
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.SetOut(stdout)
	root.SetErr(stderr)
	root.SetVersionTemplate(build.String())
	root.PersistentFlags().BoolP("quiet", "q", false, "print nothing on stderr but errors (and what could not be assessed, which is an error of the result)")
	root.SetFlagErrorFunc(func(c *cobra.Command, err error) error {
		return usageError("%v\nRun '%s --help' for usage.", err, c.CommandPath())
	})
	root.AddCommand(
		newScanCommand(retryer),
		newDiffCommand(),
		newWhoCanCommand(),
		newSimulateCommand(),
		newRulesCommand(),
		newDemoCommand(),
		newCollectCommand(retryer),
		newVersionCommand(),
	)
	return root
}

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

// run executes the command line and returns the exit code.
func run(args []string, stdout, stderr io.Writer) int {
	return execute(newRootCommand(stdout, stderr, nil), args, stderr)
}

// execute runs root with args and returns the exit code.
func execute(root *cobra.Command, args []string, stderr io.Writer) int {
	root.SetArgs(args)
	err := root.Execute()
	if err == nil {
		return rules.ExitOK
	}
	var ee *exitError
	if errors.As(err, &ee) {
		if ee.err != nil {
			fmt.Fprintf(stderr, "ecrguard: %v\n", ee.err)
		}
		return ee.code
	}
	// Cobra's own argument errors (unknown command, wrong arg count).
	fmt.Fprintf(stderr, "ecrguard: %v\n", err)
	return rules.ExitIncomplete
}
