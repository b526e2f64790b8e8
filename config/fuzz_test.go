package config

import (
	"errors"
	"strings"
	"testing"

	"github.com/ecrguard/ecrguard/policy"
	"github.com/ecrguard/ecrguard/rules"
)

// FuzzParse: no input panics; every error is a *policy.Error that names the file;
// a config that parses applies without panicking.
func FuzzParse(f *testing.F) {
	f.Add([]byte("account: \"111122223333\"\nregion: us-east-1\n"))
	f.Add([]byte(`{"authorized": {"delete": ["arn:aws:iam::111122223333:role/x"]}}`))
	f.Add([]byte("suppress:\n  - rule: ECR002\n    resource: '*'\n    reason: r\n    expires: 2020-01-01\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		c, err := Parse(data, "f.yaml", now)
		if err != nil {
			var ce *policy.Error
			if !errors.As(err, &ce) {
				t.Fatalf("error %T is not a *policy.Error: %v", err, err)
			}
			for _, line := range strings.Split(err.Error(), "\n") {
				if !strings.HasPrefix(line, "f.yaml") {
					t.Fatalf("error line does not name the file: %q", line)
				}
			}
			return
		}
		for _, w := range c.Warnings {
			if !strings.HasPrefix(w, "f.yaml:") {
				t.Fatalf("warning does not name the file: %q", w)
			}
		}
		c.Apply(&rules.Result{Findings: []rules.Finding{{RuleID: "ECR001", Resource: "arn:aws:ecr:us-east-1:111122223333:repository/app"}}})
	})
}
