package policy

import (
	"strings"
	"testing"
)

// IAM User Guide, "IAM JSON policy elements: Action" and "Condition operators"
// (StringLike): '*' matches any run of characters, '?' exactly one.
func TestMatch(t *testing.T) {
	tests := []struct {
		pattern, s string
		want       bool
	}{
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
	}
	for _, tt := range tests {
		if got := Match(tt.pattern, tt.s); got != tt.want {
			t.Errorf("Match(%q, %q) = %v, want %v", tt.pattern, tt.s, got, tt.want)
		}
	}
}

func TestMatchEscaped(t *testing.T) {
	lit := "release-bot/" + string(Escape) + "*"
	if !MatchEscaped(lit, "release-bot/*") {
		t.Error("escaped star should match a literal star")
	}
	if MatchEscaped(lit, "release-bot/1.4") {
		t.Error("escaped star must not act as a wildcard")
	}
	if !MatchEscaped("a*"+string(Escape)+"?", "abc?") {
		t.Error("escaped question mark after a star")
	}
}

// IAM User Guide, "Condition operators" (ARN operators): each of the six
// colon-delimited components is matched separately.
func TestMatchARN(t *testing.T) {
	tests := []struct {
		pattern, arn string
		want         bool
	}{
		{"arn:aws:ecr:*:111122223333:repository/base-*", "arn:aws:ecr:us-east-1:111122223333:repository/base-images", true},
		{"arn:aws:ecr:*:111122223333:repository/base-*", "arn:aws:ecr:us-east-1:444455556666:repository/base-images", false},
		{"arn:aws:iam::*:role/ci-*", "arn:aws:iam::999988887777:role/ci-x", true},
		// A star does not cross a component boundary.
		{"arn:aws:ecr:us-east-1*::repository/x", "arn:aws:ecr:us-east-1:111122223333:repository/x", false},
		{"arn:aws:ecr:us-east-1:111122223333:*", "arn:aws:ecr:us-east-1:111122223333:repository/a/b", true},
		{"arn:aws:ecr:us-east-1:111122223333:repository/App", "arn:aws:ecr:us-east-1:111122223333:repository/app", false},
		{"*", "arn:aws:s3:::x", true},
		{"arn:aws:ecr:us-east-1:111122223333:repository/x", "not-an-arn", false},
	}
	for _, tt := range tests {
		if got := MatchARN(tt.pattern, tt.arn); got != tt.want {
			t.Errorf("MatchARN(%q, %q) = %v, want %v", tt.pattern, tt.arn, got, tt.want)
		}
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
