package config

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ecrguard/ecrguard/estate"
	"github.com/ecrguard/ecrguard/policy"
	"github.com/ecrguard/ecrguard/rules"
)

func ignoreFinding() rules.Finding {
	return rules.Finding{
		RuleID: "ECR001", Resource: "arn:aws:ecr:us-east-1:111122223333:repository/app",
		Source:     policy.Pos{File: "infra/main.tf", Line: 12, Col: 7},
		Principals: []string{"*"}, Actions: []string{"ecr:BatchGetImage"},
	}
}

func TestParseIgnoreFile(t *testing.T) {
	fp := ignoreFinding().Fingerprint()
	got, err := ParseIgnoreFile([]byte("# accepted findings\n\n"+fp+"  public base images, reviewed 2026-11\n"), ".ecrguardignore")
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 || got[0].Fingerprint != fp || got[0].Reason != "public base images, reviewed 2026-11" || got[0].Pos.String() != ".ecrguardignore:3:1" {
		t.Errorf("got %+v", got)
	}
}

// Every bad line is an error naming file:line.
func TestParseIgnoreFileErrors(t *testing.T) {
	_, err := ParseIgnoreFile([]byte("0123456789abcdef\nECR001 app\n0123456789abcdef reason\n"), "x/.ecrguardignore")
	want := []string{
		"x/.ecrguardignore:1:1: the ignore of 0123456789abcdef has no reason",
		"x/.ecrguardignore:2:1: \"ECR001\" is not a finding's fingerprint",
	}
	if err == nil {
		t.Fatal("no error")
	}
	lines := strings.Split(err.Error(), "\n")
	if len(lines) != len(want) {
		t.Fatalf("got %q", lines)
	}
	for i, w := range want {
		if !strings.HasPrefix(lines[i], w) {
			t.Errorf("line %d: got %q, want %q…", i, lines[i], w)
		}
	}
}

func TestInlineIgnoresErrors(t *testing.T) {
	pos := func(line int) policy.Pos { return policy.Pos{File: "main.tf", Line: line, Col: 1} }
	_, err := InlineIgnores([]estate.Ignore{
		{Rule: "ECR001", Pos: pos(9)},
		{Rule: "ECR01", Reason: "r", Pos: pos(3)},
		{Pos: pos(5)},
	})
	if err == nil {
		t.Fatal("no error")
	}
	got := strings.Split(err.Error(), "\n")
	want := []string{
		`main.tf:3:1: ecrguard:ignore: unknown rule "ECR01"`,
		"main.tf:5:1: ecrguard:ignore names no rule",
		"main.tf:9:1: ecrguard:ignore ECR001 has no reason",
	}
	for i, w := range want {
		if i >= len(got) || !strings.HasPrefix(got[i], w) {
			t.Errorf("got %q, want %q…", got, w)
		}
	}
}

// Inline ignores match their rule on the lines they cover; fingerprints
// match their finding; the rest warn as stale, and the first match gives
// the reason and its kind.
func TestApplyIgnores(t *testing.T) {
	f := ignoreFinding()
	other := f
	other.RuleID, other.Source.Line = "ECR002", 40
	c := &Config{}
	err := c.AddIgnores("", nil, []estate.Ignore{
		{Rule: "ECR001", Reason: "inline", Pos: policy.Pos{File: "infra/main.tf", Line: 5, Col: 1}, File: "infra/main.tf", From: 6, To: 20},
		{Rule: "ECR002", Reason: "stale inline", Pos: policy.Pos{File: "infra/main.tf", Line: 5, Col: 1}, File: "infra/main.tf", From: 6, To: 20},
	})
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	data := other.Fingerprint() + " accepted\n0123456789abcdef gone\n"
	if err := os.WriteFile(filepath.Join(dir, IgnoreFileName), []byte(data), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := c.AddIgnores("", []string{dir, filepath.Join(dir, "missing")}, nil); err != nil {
		t.Fatal(err)
	}
	res := &rules.Result{Findings: []rules.Finding{f, other}}
	warnings := c.Apply(res)
	for _, g := range res.Findings {
		switch g.RuleID {
		case "ECR001":
			if g.Suppressed != "inline" || !g.SuppressedInSource {
				t.Errorf("ECR001: suppressed %q in source %v", g.Suppressed, g.SuppressedInSource)
			}
		case "ECR002":
			if g.Suppressed != "accepted" || g.SuppressedInSource {
				t.Errorf("ECR002: suppressed %q in source %v", g.Suppressed, g.SuppressedInSource)
			}
		}
	}
	file := filepath.ToSlash(filepath.Join(dir, IgnoreFileName))
	want := []string{
		file + ":2:1: ignore of the finding 0123456789abcdef matches no finding (a stale ignore): remove it",
		"infra/main.tf:5:1: ignore of ECR002 matches no finding (a stale ignore): remove it",
	}
	if strings.Join(warnings, "\n") != strings.Join(want, "\n") {
		t.Errorf("warnings:\n%s\nwant:\n%s", strings.Join(warnings, "\n"), strings.Join(want, "\n"))
	}
}

// Inline ignores of a rule silence a finding only when together they
// cover every statement it rests on: one that covers some leaves it
// active, and warns (not as stale).
func TestApplyInlineIgnoresEveryStatement(t *testing.T) {
	ignore := func(line, to int) estate.Ignore {
		return estate.Ignore{Rule: "ECR001", Reason: "accepted", Pos: policy.Pos{File: "infra/main.tf", Line: line, Col: 1}, File: "infra/main.tf", From: line + 1, To: to}
	}
	for _, tt := range []struct {
		name    string
		ignores []estate.Ignore
		warning string // "" when the finding is suppressed
		// byFingerprint: an .ecrguardignore entry silences the finding
		// too, and the partial ignore needs no warning.
		byFingerprint bool
	}{
		{"one of its statements", []estate.Ignore{ignore(11, 20)},
			"infra/main.tf:11:1: ignore of ECR001 does not silence the finding on arn:aws:ecr:us-east-1:111122223333:repository/app, which also rests on the statement at infra/main.tf:30:7 that no ignore of ECR001 covers:", false},
		{"each of its statements", []estate.Ignore{ignore(11, 20), ignore(29, 35)}, "", false},
		{"the resource", []estate.Ignore{ignore(1, 40)}, "", false},
		{"one of its statements, and its fingerprint", []estate.Ignore{ignore(11, 20)}, "", true},
	} {
		t.Run(tt.name, func(t *testing.T) {
			f := ignoreFinding()
			f.Statements = []policy.Pos{f.Source, {File: "infra/main.tf", Line: 30, Col: 7}}
			c := &Config{}
			if tt.byFingerprint {
				c.Suppress = []Suppression{{Fingerprint: f.Fingerprint(), Reason: "accepted"}}
			}
			if err := c.AddIgnores("", nil, tt.ignores); err != nil {
				t.Fatal(err)
			}
			res := &rules.Result{Findings: []rules.Finding{f}}
			warnings := strings.Join(c.Apply(res), "\n")
			if suppressed := res.Findings[0].Suppressed != ""; suppressed != (tt.warning == "") {
				t.Errorf("suppressed: %v", suppressed)
			}
			if !strings.HasPrefix(warnings, tt.warning) || (warnings == "") != (tt.warning == "") || strings.Contains(warnings, "stale") {
				t.Errorf("warnings:\n%s\nwant:\n%s…", warnings, tt.warning)
			}
		})
	}
}

// --ignore-file must exist.
func TestIgnoreFileMissing(t *testing.T) {
	_, err := IgnoreFiles(filepath.Join(t.TempDir(), "none"), nil)
	if !errors.Is(err, os.ErrNotExist) {
		t.Errorf("got %v", err)
	}
}

// FuzzParseIgnoreFile: no input panics; every error line names the file.
func FuzzParseIgnoreFile(f *testing.F) {
	f.Add([]byte("0123456789abcdef reason\n"))
	f.Add([]byte("# comment\n\nnot-a-fingerprint\n0123456789abcdef\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		s, err := ParseIgnoreFile(data, "f")
		if err != nil {
			for _, line := range strings.Split(err.Error(), "\n") {
				if !strings.HasPrefix(line, "f:") && line != "" {
					t.Fatalf("error line does not name the file: %q", line)
				}
			}
			return
		}
		for _, x := range s {
			if x.Reason == "" || len(x.Fingerprint) != rules.FingerprintLen {
				t.Fatalf("accepted %+v", x)
			}
		}
	})
}
