package policy

import (
	"strings"
	"testing"
)

// TestMatchers holds each pattern matcher to its cases.
func TestMatchers(t *testing.T) {
	type matchCase struct {
		pattern, s string
		want       bool
	}
	esc := string(Escape)
	for _, m := range []struct {
		name  string
		match func(pattern, s string) bool
		cases []matchCase
	}{
		// IAM User Guide, "IAM JSON policy elements: Action" and "Condition
		// operators" (StringLike): '*' matches any run of characters, '?'
		// exactly one.
		{"Match", Match, []matchCase{
			{"*", "", true},
			{"*", "anything", true},
			{"ecr:Batch?et*", "ecr:BatchGetImage", true},
			{"ecr:Batch?et*", "ecr:BatchetImage", false},
			{"prod-?", "prod-1", true},
			{"prod-?", "prod-10", false},
			{"prod-*", "prod-", true},
			{"a*b*c", "aXXbYYc", true},
			{"a*b*c", "aXXbYY", false},
			{"*.amazonaws.com", "codebuild.amazonaws.com", true},
			{"a?c", "aéc", true},
			{"abc", "ABC", false},
			{"", "", true},
			{"", "x", false},
			{"**", "x", true},
		}},
		// An escaped star or question mark is the character itself.
		{"MatchEscaped", MatchEscaped, []matchCase{
			{"release-bot/" + esc + "*", "release-bot/*", true},
			{"release-bot/" + esc + "*", "release-bot/1.4", false},
			{"a*" + esc + "?", "abc?", true},
		}},
		// IAM User Guide, "Condition operators" (ARN operators): each of
		// the six colon-delimited components is matched separately.
		{"MatchARN", MatchARN, []matchCase{
			{"arn:aws:ecr:*:111122223333:repository/base-*", "arn:aws:ecr:us-east-1:111122223333:repository/base-images", true},
			{"arn:aws:ecr:*:111122223333:repository/base-*", "arn:aws:ecr:us-east-1:444455556666:repository/base-images", false},
			{"arn:aws:iam::*:role/ci-*", "arn:aws:iam::999988887777:role/ci-x", true},
			// A star does not cross a component boundary.
			{"arn:aws:ecr:us-east-1*::repository/x", "arn:aws:ecr:us-east-1:111122223333:repository/x", false},
			{"arn:aws:ecr:us-east-1:111122223333:*", "arn:aws:ecr:us-east-1:111122223333:repository/a/b", true},
			{"arn:aws:ecr:us-east-1:111122223333:repository/App", "arn:aws:ecr:us-east-1:111122223333:repository/app", false},
			{"*", "arn:aws:s3:::x", true},
			{"arn:aws:ecr:us-east-1:111122223333:repository/x", "not-an-arn", false},
		}},
		// IAM User Guide, "IAM JSON policy elements: Action": action names
		// and the service prefix are case-insensitive, and may contain *
		// and ?.
		{"MatchFold", MatchFold, []matchCase{
			{"ECR:batchgetimage", "ecr:BatchGetImage", true},
			{"ecr:Batch*", "ECR:BATCHDELETEIMAGE", true},
			{"ecr:get?uthorizationtoken", "ecr:GetAuthorizationToken", true},
			{"ecr:Put*", "ecr:GetImage", false},
		}},
	} {
		t.Run(m.name, func(t *testing.T) {
			for _, c := range m.cases {
				if got := m.match(c.pattern, c.s); got != c.want {
					t.Errorf("%s(%q, %q) = %v, want %v", m.name, c.pattern, c.s, got, c.want)
				}
			}
		})
	}
}

// Organizations API Reference, "Organization": Id matches ^o-[a-z0-9]{10,32}$.
func TestIsOrgID(t *testing.T) {
	for s, want := range map[string]bool{
		"o-a1b2c3d4e5": true, "o-" + strings.Repeat("z", 32): true,
		"o-a1b2c3d4e": false, "o-" + strings.Repeat("z", 33): false, "o-A1B2C3D4E5": false,
		"O-a1b2c3d4e5": false, "o_a1b2c3d4e5": false, "": false, "o-a1b2c3d4e*": false,
	} {
		if got := IsOrgID(s); got != want {
			t.Errorf("IsOrgID(%q) = %v, want %v", s, got, want)
		}
	}
}
