package config

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"

	"github.com/ecrguard/ecrguard/internal/gitref"
)

// ChangedSince says when the configuration ecrguard diff --git judges both
// sides with is not the one the git revision ref (of the work tree holding
// the current folder) had: c's file is new since then, or changed; or,
// when c was looked for along lookup (the PATHs, without --config; nil
// when --config named it), ref's tree gives those PATHs another file,
// which the work tree no longer has. Trust a branch grants itself (an
// account added to trusted.accounts, a suppression) would let its own
// access pass the gate, and so would a branch that deletes its
// configuration and falls back on another one or none; the reviewer must
// be told. "" when the configuration is the same.
func (c *Config) ChangedSince(ctx context.Context, ref string, lookup []string) string {
	wd, err := os.Getwd()
	if err != nil {
		return ""
	}
	if w := c.changedFile(ctx, wd, ref); w != "" || lookup == nil {
		return w
	}
	then, err := fileAt(ctx, wd, ref, candidates(lookup))
	switch {
	case err != nil:
		return fmt.Sprintf("the configuration at %s could not be read (%v): both sides are judged with the working tree's", ref, err)
	case then == "" || filepath.Clean(then) == filepath.Clean(c.File):
		return ""
	case c.File == "":
		return fmt.Sprintf("the configuration %s of %s is not in the working tree: both sides are judged without one (no account, trusted accounts or organizations, authorized principals, suppressions or severity overrides); review that change", then, ref)
	}
	return fmt.Sprintf("the configuration %s of %s is not in the working tree: both sides are judged with %s instead, whose trust settings and suppressions are not the same; review that change", then, ref, c.File)
}

// changedFile says when c's file is new or changed since ref.
func (c *Config) changedFile(ctx context.Context, wd, ref string) string {
	if c.File == "" {
		return ""
	}
	now, err := os.ReadFile(c.File)
	if err != nil {
		return ""
	}
	then, ok, err := gitref.Show(ctx, wd, ref, c.File)
	switch {
	case err != nil:
		return fmt.Sprintf("the configuration %s could not be read at %s (%v): both sides are judged with the working tree's", c.File, ref, err)
	case !ok:
		return fmt.Sprintf("the configuration %s is not in %s: both sides are judged with the one this change adds, whose trust settings it chose; review it", c.File, ref)
	case !bytes.Equal(then, now):
		return fmt.Sprintf("the configuration %s differs from %s's: both sides are judged with the changed one, so trust it grants (trusted accounts, organizations, suppressions) hides access it lets in; review that change", c.File, ref)
	}
	return ""
}

// fileAt returns the first of files that revision ref holds, or "".
func fileAt(ctx context.Context, wd, ref string, files []string) (string, error) {
	for _, f := range files {
		_, ok, err := gitref.Show(ctx, wd, ref, f)
		if err != nil || ok {
			return f, err
		}
	}
	return "", nil
}
