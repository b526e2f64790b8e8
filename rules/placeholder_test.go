package rules

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/ecrguard/ecrguard/exposure"
)

// A repository whose name is not known at scan time is named by the
// expression that gives it, in the fix command as everywhere (quoted for
// the shell), and its fix file has a name every file system takes.
func TestPlaceholderNames(t *testing.T) {
	for _, tc := range []struct{ repo, file, arg string }{
		{"app", "111122223333-us-east-1-app-policy.json", "app"},
		{"team/app", "111122223333-us-east-1-team-app-policy.json", "team/app"},
		{"<aws_ecr_repository.repository.name>", "111122223333-us-east-1-aws_ecr_repository.repository.name-policy.json", "'<aws_ecr_repository.repository.name>'"},
		{"<!Ref Repo02AC86CF>", "111122223333-us-east-1-Ref-Repo02AC86CF-policy.json", "'<!Ref Repo02AC86CF>'"},
	} {
		tg := exposure.Target{Account: "111122223333", Region: "us-east-1", Repository: tc.repo}
		if got := fixFileName(tg); got != tc.file {
			t.Errorf("fixFileName(%s) = %s, want %s", tc.repo, got, tc.file)
		}
		if cmd := applyCommand(tg); !strings.Contains(cmd, "--repository-name "+tc.arg+" ") {
			t.Errorf("applyCommand(%s) = %s", tc.repo, cmd)
		}
	}
}

// The account and region of a fix file's name come from the inputs too (a
// Terraform provider's region): whatever they say, the name is one file in
// --fix-dir's folder.
func TestFixFileNameStaysInFolder(t *testing.T) {
	for _, tg := range []exposure.Target{
		{Account: "111122223333", Region: "/../../../../tmp/escaped", Repository: "app"},
		{Account: `..\..\x`, Region: "us-east-1", Kind: exposure.Registry},
		{Account: "111122223333", Region: "../..", Prefix: "../x", Kind: exposure.Template},
	} {
		if name := fixFileName(tg); !filepath.IsLocal(name) || strings.ContainsAny(name, `/\`) {
			t.Errorf("fixFileName(%+v) = %s, not one file in the folder", tg, name)
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
