package rules

import (
	"testing"

	"github.com/ecrguard/ecrguard/exposure"
)

// The command that applies a fix names the resource and the fix's file,
// each quoted for the shell where it needs to be: a repository whose name
// is not known at scan time by the expression that gives it, as everywhere
// (its fix file's name: analysis's TestFixNamesAreTheirOwn).
func TestApplyCommands(t *testing.T) {
	const acct, region = "111122223333", "us-east-1"
	for _, tc := range []struct {
		target exposure.Target
		want   string
	}{
		{exposure.Target{Account: acct, Region: region, Repository: "team/app"},
			"aws ecr set-repository-policy --region us-east-1 --repository-name team/app --policy-text file://fix.json"},
		{exposure.Target{Account: acct, Region: region, Repository: "<aws_ecr_repository.repository.name>"},
			"aws ecr set-repository-policy --region us-east-1 --repository-name '<aws_ecr_repository.repository.name>' --policy-text file://fix.json"},
		{exposure.Target{Account: acct, Region: region, Kind: exposure.Template, Prefix: "<!Ref Prefix>"},
			"aws ecr update-repository-creation-template --region us-east-1 --prefix '<!Ref Prefix>' --repository-policy file://fix.json"},
		{exposure.Target{Account: acct, Region: region, Kind: exposure.Registry},
			"aws ecr put-registry-policy --region us-east-1 --policy-text file://fix.json"},
		{exposure.Target{Account: acct, Region: region, Kind: exposure.Public, Repository: "agent"},
			"aws ecr-public set-repository-policy --region us-east-1 --repository-name agent --policy-text file://fix.json"},
	} {
		if got := applyCommand(tc.target, "fix.json"); got != tc.want {
			t.Errorf("applyCommand(%+v) = %s, want %s", tc.target, got, tc.want)
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
