package rules

import (
	"strings"
	"testing"

	"github.com/ecrguard/ecrguard/exposure"
)

// A repository whose name is not known at scan time is named by the
// expression that gives it in the fix command, quoted for the shell, as
// everywhere (its fix file's name: analysis's TestPlaceholderFixNames).
func TestPlaceholderCommands(t *testing.T) {
	for _, tc := range []struct{ repo, arg string }{
		{"app", "app"},
		{"team/app", "team/app"},
		{"<aws_ecr_repository.repository.name>", "'<aws_ecr_repository.repository.name>'"},
		{"<!Ref Repo02AC86CF>", "'<!Ref Repo02AC86CF>'"},
	} {
		tg := exposure.Target{Account: "111122223333", Region: "us-east-1", Repository: tc.repo}
		if cmd := applyCommand(tg, "fix.json"); !strings.Contains(cmd, "--repository-name "+tc.arg+" ") {
			t.Errorf("applyCommand(%s) = %s", tc.repo, cmd)
		}
	}
}

// ShellQuote leaves plain words alone and single-quotes the rest, so that
// a POSIX shell reads each back as the one word it was.
func TestShellQuote(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"app", "app"},
		{"file://111122223333-us-east-1-team-app-policy.json", "file://111122223333-us-east-1-team-app-policy.json"},
		{"", "''"},
		{"my fixes/app policy.json", "'my fixes/app policy.json'"},
		{"it's", `'it'\''s'`},
		{"$(rm -rf ~)", "'$(rm -rf ~)'"},
		{"a;b|c&d", "'a;b|c&d'"},
		{"*", "'*'"},
		{"<!Ref Repo>", "'<!Ref Repo>'"},
		{"line\nbreak", "'line\nbreak'"},
	} {
		if got := ShellQuote(tc.in); got != tc.want {
			t.Errorf("ShellQuote(%q) = %s, want %s", tc.in, got, tc.want)
		}
	}
}
