package main

import (
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ecrguard/ecrguard/examples"
)

// demoFindings returns the findings of a JSON report as text, with the
// file names made relative to the examples folder ("estate/app.json"),
// which is how the demo names them.
func demoFindings(t *testing.T, out string) string {
	t.Helper()
	var r struct {
		Findings json.RawMessage `json:"findings"`
		Errors   []any           `json:"errors"`
	}
	if err := json.Unmarshal([]byte(out), &r); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	if len(r.Errors) != 0 {
		t.Errorf("errors %v", r.Errors)
	}
	return strings.ReplaceAll(string(r.Findings), "examples/estate/", "estate/")
}

// TestScanExamplesIsTheDemo: scanning the examples folder, or its estate
// folder, gives the demo's findings: the tags files name the demo's
// repositories (not estate/payments), and the examples' configuration is
// found and used.
func TestScanExamplesIsTheDemo(t *testing.T) {
	code, out, stderr := runCLI(t, "demo", "--format", "json")
	if code != 1 {
		t.Fatalf("demo: exit %d\n%s", code, stderr)
	}
	want := demoFindings(t, out)
	if !strings.Contains(want, "ECR006") {
		t.Fatalf("the demo's findings lack ECR006: %s", want)
	}
	t.Chdir(filepath.Join("..", ".."))
	for _, path := range []string{"examples/", "examples/estate/", "examples/estate/payments.json"} {
		t.Run(path, func(t *testing.T) {
			code, out, stderr := runCLI(t, "scan", "--format", "json", path)
			if code != 1 {
				t.Fatalf("exit %d, want 1\n%s", code, stderr)
			}
			got := demoFindings(t, out)
			if path == "examples/estate/payments.json" {
				// One file of the estate with the examples' configuration:
				// the trusted accounts and the account are the config's.
				if !strings.Contains(got, "repository/payments") {
					t.Errorf("findings %s", got)
				}
				return
			}
			if got != want {
				t.Errorf("findings differ from the demo's:\n--- scan %s\n%s\n--- demo\n%s", path, got, want)
			}
		})
	}
}

// TestExamplesConfig: the examples' configuration (examples.LoadConfig) parses, is named as the demo names it,
// and says whom the estate trusts; its suppressions expire as now says.
func TestExamplesConfig(t *testing.T) {
	now := time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC)
	c, err := examples.LoadConfig(now)
	if err != nil {
		t.Fatal(err)
	}
	if c.File != "examples/.ecrguard.yaml" || c.Account != "111122223333" || c.Region != "us-east-1" || len(c.Trusted.Accounts) != 1 || len(c.Suppress) == 0 {
		t.Errorf("config: %+v", c)
	}
	for _, s := range c.Suppress {
		if s.Expired {
			t.Errorf("expired on %s: %+v", now, s)
		}
	}
	later, err := examples.LoadConfig(time.Date(2100, 1, 1, 0, 0, 0, 0, time.UTC))
	if err != nil || !later.Suppress[0].Expired {
		t.Errorf("in 2100 the first suppression (expires 2027-06-30) has not expired: %v", err)
	}
}
