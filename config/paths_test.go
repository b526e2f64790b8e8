package config

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestOverridesCheck(t *testing.T) {
	for _, o := range []Overrides{{}, {Account: "111122223333"}, {Region: "eu-west-1"}, {Account: "011122223333", Region: "us-gov-west-1"}} {
		if err := o.Check(); err != nil {
			t.Errorf("%+v: %v", o, err)
		}
	}
	for o, want := range map[Overrides]string{
		{Account: "1111-2222-3333"}: `--account "1111-2222-3333": expected a 12-digit account id`,
		{Account: "11112222333"}:    `--account "11112222333"`,
		{Region: "us east 1"}:       `--region "us east 1": expected a region name`,
	} {
		if err := o.Check(); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%+v: %v, want %q", o, err, want)
		}
	}
}

// TestForPathsOverrides: the overrides win over the file's account and
// region, leave them when empty, and are checked before any file is read.
func TestForPathsOverrides(t *testing.T) {
	file := filepath.Join(t.TempDir(), "c.yaml")
	if err := os.WriteFile(file, []byte("account: \"111122223333\"\nregion: eu-west-1\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	for _, tt := range []struct {
		over                 Overrides
		wantAcct, wantRegion string
	}{
		{Overrides{}, "111122223333", "eu-west-1"},
		{Overrides{Account: "444455556666"}, "444455556666", "eu-west-1"},
		{Overrides{Region: "ap-south-1"}, "111122223333", "ap-south-1"},
	} {
		c, err := ForPaths(file, nil, now, tt.over)
		if err != nil || c.Account != tt.wantAcct || c.Region != tt.wantRegion {
			t.Errorf("%+v: %+v, %v", tt.over, c, err)
		}
	}
	missing := filepath.Join(t.TempDir(), "missing.yaml")
	if _, err := ForPaths(missing, nil, now, Overrides{Account: "12"}); err == nil || !strings.Contains(err.Error(), "--account") {
		t.Errorf("a bad override with a missing file: %v, want the override's error", err)
	}
	if _, err := ForPaths(missing, nil, now, Overrides{}); err == nil || !strings.Contains(err.Error(), "missing.yaml") {
		t.Errorf("a missing file: %v", err)
	}
}
