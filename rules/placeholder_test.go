package rules

import (
	"strings"
	"testing"

	"github.com/ecrguard/ecrguard/exposure"
)

// A repository whose name is not known at scan time is named by the
// expression that gives it, in the fix command as everywhere, and its fix
// file has a name every file system takes.
func TestPlaceholderNames(t *testing.T) {
	for _, tc := range []struct{ repo, file string }{
		{"app", "111122223333-us-east-1-app-policy.json"},
		{"team/app", "111122223333-us-east-1-team-app-policy.json"},
		{"<aws_ecr_repository.repository.name>", "111122223333-us-east-1-aws_ecr_repository.repository.name-policy.json"},
		{"<!Ref Repo02AC86CF>", "111122223333-us-east-1-Ref-Repo02AC86CF-policy.json"},
	} {
		tg := exposure.Target{Account: "111122223333", Region: "us-east-1", Repository: tc.repo}
		if got := fixFileName(tg); got != tc.file {
			t.Errorf("fixFileName(%s) = %s, want %s", tc.repo, got, tc.file)
		}
		if cmd := applyCommand(tg); !strings.Contains(cmd, "--repository-name "+tc.repo+" ") {
			t.Errorf("applyCommand(%s) = %s", tc.repo, cmd)
		}
	}
}
