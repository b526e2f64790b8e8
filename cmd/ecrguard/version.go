package main

import (
	"fmt"

	"github.com/spf13/cobra"
)

func newVersionCommand() *cobra.Command {
	return &cobra.Command{
		Use:   "version",
		Short: "Print the version, commit and Go version ecrguard was built with",
		Long: `version prints what the binary's build info says: the release tag or Go
pseudo-version (or "dev"), the git commit, whether the checkout had
uncommitted changes ("dirty"), and the Go version. 'ecrguard --version' and
'ecrguard -v' print the same.`,
		Example: `  ecrguard version
  ecrguard --version`,
		Args: cobra.NoArgs,
		RunE: func(c *cobra.Command, _ []string) error {
			_, err := fmt.Fprint(c.OutOrStdout(), build.String())
			return err
		},
	}
}
