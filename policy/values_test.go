package policy_test

import (
	"net/netip"
	"testing"
	"time"

	"github.com/ecrguard/ecrguard/policy"
)

// IAM User Guide, "IAM JSON policy elements: Condition operators" (Date
// condition operators): date/time values use one of the W3C implementations
// of ISO 8601 (https://www.w3.org/TR/NOTE-datetime: YYYY-MM-DD,
// YYYY-MM-DDThh:mmTZD, YYYY-MM-DDThh:mm:ssTZD, YYYY-MM-DDThh:mm:ss.sTZD) or
// epoch (UNIX) time in seconds.
func TestParseDate(t *testing.T) {
	newYear := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	checkParse(t, "ParseDate", policy.ParseDate, time.Time.Equal, []parseCase[time.Time]{
		{"2026-01-01T00:00:00Z", newYear, true},
		{"2026-01-01T00:00:00.000Z", newYear, true},
		{"2026-01-01T00:00:00.5Z", newYear.Add(500 * time.Millisecond), true},
		{"2026-01-01T01:00:00+01:00", newYear, true},
		{"2025-12-31T19:00:00-05:00", newYear, true},
		{"2026-01-01T00:00Z", newYear, true},
		{"2026-01-01T05:30+05:30", newYear, true},
		{"2026-01-01", newYear, true},
		{"1767225600", newYear, true},
		{"0", time.Unix(0, 0).UTC(), true},
		{" 2026-01-01T00:00:00Z ", newYear, true},
		{"", time.Time{}, false},
		{"yesterday", time.Time{}, false},
		{"2026-13-01", time.Time{}, false},
		{"2026-02-30", time.Time{}, false},
		{"2026-01-01 00:00:00Z", time.Time{}, false},
		{"01/01/2026", time.Time{}, false},
		{"1767225600.5", time.Time{}, false},
	})
}

// IAM User Guide, "IAM JSON policy elements: Condition operators" (Numeric
// condition operators compare "a key to an integer or decimal value"). NaN,
// infinities, hexadecimal and digit separators are none of those, and a
// value that is not a number must match nothing.
func TestParseNumber(t *testing.T) {
	checkParse(t, "ParseNumber", policy.ParseNumber, func(got, want float64) bool { return got == want }, []parseCase[float64]{
		{"10", 10, true},
		{"-3", -3, true},
		{"0", 0, true},
		{"3600.5", 3600.5, true},
		{"-0.25", -0.25, true},
		{"007", 7, true},
		{" 42 ", 42, true},
		{"", 0, false},
		{"ten", 0, false},
		{"10 seconds", 0, false},
		{"NaN", 0, false},
		{"nan", 0, false},
		{"Inf", 0, false},
		{"+Inf", 0, false},
		{"-Infinity", 0, false},
		{"infinity", 0, false},
		{"0x10", 0, false},
		{"0x1p-2", 0, false},
		{"1_000", 0, false},
		{"1e400", 0, false},
	})
}

// IAM User Guide, "IAM JSON policy elements: Condition operators" (IP
// address condition operators): standard CIDR, IPv4 or IPv6; an address
// without a routing prefix means /32. IPv4-mapped IPv6 forms (RFC 4291
// section 2.5.5.2) are read as the IPv4 range they map.
func TestParseCIDR(t *testing.T) {
	checkParse(t, "ParseCIDR", policy.ParseCIDR, func(got netip.Prefix, want string) bool { return got == netip.MustParsePrefix(want) }, []parseCase[string]{
		{"203.0.113.0/24", "203.0.113.0/24", true},
		{"203.0.113.77/24", "203.0.113.0/24", true},
		{"203.0.113.5", "203.0.113.5/32", true},
		{"0.0.0.0/0", "0.0.0.0/0", true},
		{"2001:DB8:1234:5678::/64", "2001:db8:1234:5678::/64", true},
		{"2001:db8::1", "2001:db8::1/128", true},
		{"::/0", "::/0", true},
		{"::ffff:203.0.113.0/120", "203.0.113.0/24", true},
		{"::ffff:203.0.113.5", "203.0.113.5/32", true},
		{"::ffff:0.0.0.0/96", "0.0.0.0/0", true},
		{" 203.0.113.0/24 ", "203.0.113.0/24", true},
		{"203.0.113.0/33", "", false},
		{"300.1.1.1", "", false},
		{"203.0.113", "", false},
		{"", "", false},
		{"*", "", false},
		{"example.com", "", false},
	})
}

// parseCase is an input of a parser, whether the parser accepts it, and
// what it should read it as.
type parseCase[W any] struct {
	in   string
	want W
	ok   bool
}

// checkParse runs parse (named name in messages) on each case: it must
// accept exactly the inputs marked ok, reading each as equal to want.
func checkParse[T, W any](t *testing.T, name string, parse func(string) (T, bool), equal func(got T, want W) bool, tests []parseCase[W]) {
	t.Helper()
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, ok := parse(tt.in)
			if ok != tt.ok || ok && !equal(got, tt.want) {
				t.Errorf("%s(%q) = %v, %v; want %v, %v", name, tt.in, got, ok, tt.want, tt.ok)
			}
		})
	}
}

// IAM User Guide, "IAM identifiers" (IAM ARNs:
// arn:partition:service:region:account:resource) and "AWS JSON policy
// elements: Principal" (account ids are 12 digits).
func TestParseARN(t *testing.T) {
	tests := []struct {
		in   string
		want policy.ARN
		ok   bool
	}{
		{"arn:aws:ecr:us-east-1:111122223333:repository/app", policy.ARN{Partition: "aws", Service: "ecr", Region: "us-east-1", Account: "111122223333", Resource: "repository/app"}, true},
		{"arn:aws:iam::111122223333:role/path/ci", policy.ARN{Partition: "aws", Service: "iam", Account: "111122223333", Resource: "role/path/ci"}, true},
		{"arn:aws-cn:s3:::bucket/key:with:colons", policy.ARN{Partition: "aws-cn", Service: "s3", Resource: "bucket/key:with:colons"}, true},
		{"arn:aws:iam::111122223333", policy.ARN{}, false},
		{"arn::iam::111122223333:root", policy.ARN{}, false},
		{"arn:aws:::111122223333:root", policy.ARN{}, false},
		{"ARN:aws:iam::111122223333:root", policy.ARN{}, false},
		{"111122223333", policy.ARN{}, false},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, ok := policy.ParseARN(tt.in)
			if ok != tt.ok || got != tt.want {
				t.Errorf("ParseARN(%q) = %+v, %v; want %+v, %v", tt.in, got, ok, tt.want, tt.ok)
			}
			if ok && got.String() != tt.in {
				t.Errorf("String() = %q, want %q", got.String(), tt.in)
			}
		})
	}
	for in, want := range map[string]bool{"111122223333": true, "11112222333": false, "1111222233334": false, "11112222333x": false, "": false} {
		if got := policy.IsAccountID(in); got != want {
			t.Errorf("IsAccountID(%q) = %v, want %v", in, got, want)
		}
	}
	for in, want := range map[string]bool{"ecr:*": true, "prod-?": true, "arn:aws:ecr:us-east-1:1:repository/x": false, "": false} {
		if got := policy.HasWildcard(in); got != want {
			t.Errorf("HasWildcard(%q) = %v, want %v", in, got, want)
		}
	}
}

// IAM User Guide, "IAM JSON policy elements: Condition operators" (ARN
// condition operators): the documentation's own example, where StringLike
// matches across colons and ArnLike does not.
func TestMatchARNDocumentationExample(t *testing.T) {
	pattern := "arn:aws:someservice:*:111122223333:finance/*"
	value := "arn:aws:someservice:us-east-2:999999999999:store/abc:111122223333:finance/document.txt"
	if !policy.Match(pattern, value) {
		t.Error("StringLike: the first * matches 'us-east-2:999999999999:store/abc:'")
	}
	if policy.MatchARN(pattern, value) {
		t.Error("ArnLike: the first * matches only 'us-east-2'")
	}
	if !policy.MatchARNEscaped("arn:aws:iam::111122223333:user/"+string(policy.Escape)+"*", "arn:aws:iam::111122223333:user/*") ||
		policy.MatchARNEscaped("arn:aws:iam::111122223333:user/"+string(policy.Escape)+"*", "arn:aws:iam::111122223333:user/alice") {
		t.Error("an escaped * in an ARN pattern is a literal asterisk")
	}
}
