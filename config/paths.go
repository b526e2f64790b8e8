package config

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/ecrguard/ecrguard/analysis"
	"github.com/ecrguard/ecrguard/policy"
)

// Overrides are what a command line says over the configuration file:
// Account and Region, when set, win over the file's.
type Overrides struct {
	Account, Region string
}

// Check checks the overrides' shapes. Its errors name the flags (--account,
// --region).
func (o Overrides) Check() error {
	if o.Account != "" && !policy.IsAccountID(o.Account) {
		return fmt.Errorf("--account %q: expected a 12-digit account id such as 111122223333 (no dashes)", o.Account)
	}
	if o.Region != "" && !ValidRegion(o.Region) {
		return fmt.Errorf("--region %q: expected a region name such as us-east-1", o.Region)
	}
	return nil
}

// apply sets c's account and region where o sets them.
func (o Overrides) apply(c *Config) {
	if o.Account != "" {
		c.Account = o.Account
	}
	if o.Region != "" {
		c.Region = o.Region
	}
}

// ForPaths loads the configuration of a command that reads paths, with the
// overrides checked (before anything is read) and applied: file when it is
// given; else, when paths are one file or folder, the nearest FileName in
// its folder or a folder above it up to the current folder (Nearest); else
// FileName of the current folder, if any.
func ForPaths(file string, paths []string, now time.Time, over Overrides) (*Config, error) {
	if err := over.Check(); err != nil {
		return nil, err
	}
	var c *Config
	var err error
	switch found := Nearest(paths); {
	case file != "":
		c, err = Load(file, now)
	case found != "":
		c, err = Load(found, now)
	default:
		c, err = Default(".", now)
	}
	if err != nil {
		return nil, err
	}
	over.apply(c)
	return c, nil
}

// Nearest returns the configuration file that goes with paths when they
// are one file or folder: the nearest FileName in its folder or a folder
// above it, up to the current folder (only its own folder when it is
// outside the current one), or "". A folder of exports and the
// configuration that says whom they trust travel together (as examples/
// does); several folders could each carry one, and mixing them would be
// guessing, so then none is used and Unused names each.
func Nearest(paths []string) string {
	for _, p := range lookups(paths) {
		if st, err := os.Stat(p); err == nil && st.Mode().IsRegular() {
			return p
		}
	}
	return ""
}

// lookups are the files Nearest looks for, nearest first.
func lookups(paths []string) []string {
	if len(paths) != 1 {
		return nil
	}
	info, err := os.Stat(paths[0])
	if err != nil {
		return nil
	}
	dir := filepath.Clean(paths[0])
	if !info.IsDir() {
		dir = filepath.Dir(dir)
	}
	abs, errA := filepath.Abs(dir)
	cwd, errW := os.Getwd()
	if errA != nil || errW != nil {
		return nil
	}
	rel, err := filepath.Rel(cwd, abs)
	inside := err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator))
	var out []string
	for {
		out = append(out, filepath.Join(dir, FileName))
		if !inside || abs == cwd {
			return out
		}
		abs, dir = filepath.Dir(abs), filepath.Dir(dir)
	}
}

// candidates are the files ForPaths reads without --config, the first
// that exists: Nearest's, then FileName of the current folder.
func candidates(paths []string) []string {
	out := lookups(paths)
	if !slices.Contains(out, FileName) {
		out = append(out, FileName)
	}
	return out
}

// UnusedFile is the configuration file of a scanned folder that a scan
// does not use, and a message that says why.
type UnusedFile struct {
	File    string
	Message string
}

// Unused names the FileName of each folder in paths that is not used, the
// configuration file in use ("" for none).
func Unused(paths []string, used string) []UnusedFile {
	usedInfo, err := os.Stat(used)
	if used == "" || err != nil {
		usedInfo = nil
	}
	inUse := "no configuration file"
	if usedInfo != nil {
		inUse = used
	}
	var out []UnusedFile
	for _, p := range paths {
		c := filepath.Join(p, FileName)
		info, err := os.Stat(c)
		if err != nil || !info.Mode().IsRegular() || usedInfo != nil && os.SameFile(info, usedInfo) {
			continue
		}
		out = append(out, UnusedFile{File: filepath.ToSlash(c), Message: fmt.Sprintf(
			"configuration not used (this scan uses %s): the .ecrguard.yaml of a scanned folder is used only when that folder is the only PATH and --config is not given, since the configurations of several folders could disagree on whom to trust; give it with --config to use it", inUse)})
	}
	return out
}

// Settings turns the configuration into what the analyses and rules need.
func (c *Config) Settings() analysis.Settings {
	return analysis.Settings{
		TrustedAccounts: c.Trusted.Accounts, TrustedOrgIDs: c.Trusted.OrgIDs, TrustedOrgPaths: c.Trusted.OrgPaths,
		AuthorizedDelete: c.Authorized.Delete, AuthorizedAuthToken: c.Authorized.AuthToken,
		AuthorizedPolicyManagement: c.Authorized.PolicyManagement, AuthorizedWrite: c.Authorized.Write,
		Region: c.Region,
	}
}
