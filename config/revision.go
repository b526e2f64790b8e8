package config

import (
	"bytes"
	"context"
	"fmt"
	"os"

	"github.com/ecrguard/ecrguard/internal/gitref"
)

// ChangedSince says when c's file is not the one at git revision ref (of
// the work tree holding the current folder): new since then, or changed.
// ecrguard diff --git judges both sides with c, so trust a branch grants
// itself (an account added to trusted.accounts, a suppression) would let
// its own access pass the gate; the reviewer must be told. "" when the
// file is the same, or c has no file.
func (c *Config) ChangedSince(ctx context.Context, ref string) string {
	if c.File == "" {
		return ""
	}
	wd, err := os.Getwd()
	if err != nil {
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
