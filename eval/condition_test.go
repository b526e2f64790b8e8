package eval_test

import (
	"testing"

	"github.com/ecrguard/ecrguard/policy"
)

// IAM User Guide, "IAM JSON policy elements: Condition operators" (String
// condition operators): StringEquals is exact and case-sensitive,
// ...IgnoreCase ignores case, StringLike is case-sensitive and honours '*'
// (any run) and '?' (one character) anywhere; only the Like operators have
// wildcards.
func TestStringOperators(t *testing.T) {
	const k = "aws:PrincipalTag/team"
	runCondCases(t, []condCase{
		{"StringEquals exact", "StringEquals", k, []any{"Platform"}, kv{k: v("Platform")}, true},
		{"StringEquals is case-sensitive", "StringEquals", k, []any{"Platform"}, kv{k: v("platform")}, false},
		{"StringEquals star is literal", "StringEquals", k, []any{"prod-*"}, kv{k: v("prod-1")}, false},
		{"StringEquals star matches a literal star", "StringEquals", k, []any{"prod-*"}, kv{k: v("prod-*")}, true},
		{"StringEquals question mark is literal", "StringEquals", k, []any{"prod-?"}, kv{k: v("prod-1")}, false},
		{"StringEquals empty string", "StringEquals", k, []any{""}, kv{k: v("")}, true},
		{"StringEquals no prefix match", "StringEquals", k, []any{"plat"}, kv{k: v("platform")}, false},
		{"StringNotEquals other value", "StringNotEquals", k, []any{"platform"}, kv{k: v("security")}, true},
		{"StringNotEquals same value", "StringNotEquals", k, []any{"platform"}, kv{k: v("platform")}, false},
		{"StringNotEquals differs in case", "StringNotEquals", k, []any{"platform"}, kv{k: v("Platform")}, true},
		{"StringEqualsIgnoreCase", "StringEqualsIgnoreCase", k, []any{"Platform"}, kv{k: v("PLATFORM")}, true},
		{"StringEqualsIgnoreCase is still exact", "StringEqualsIgnoreCase", k, []any{"Platform"}, kv{k: v("platforms")}, false},
		{"StringEqualsIgnoreCase has no wildcards", "StringEqualsIgnoreCase", k, []any{"p*"}, kv{k: v("PX")}, false},
		{"StringNotEqualsIgnoreCase same but case", "StringNotEqualsIgnoreCase", k, []any{"Platform"}, kv{k: v("pLATFORM")}, false},
		{"StringNotEqualsIgnoreCase other", "StringNotEqualsIgnoreCase", k, []any{"Platform"}, kv{k: v("security")}, true},
		{"StringLike star", "StringLike", k, []any{"prod-*"}, kv{k: v("prod-10")}, true},
		{"StringLike star matches empty", "StringLike", k, []any{"prod-*"}, kv{k: v("prod-")}, true},
		{"StringLike question mark one character", "StringLike", k, []any{"prod-?"}, kv{k: v("prod-1")}, true},
		{"StringLike question mark not two", "StringLike", k, []any{"prod-?"}, kv{k: v("prod-10")}, false},
		{"StringLike question mark not zero", "StringLike", k, []any{"prod-?"}, kv{k: v("prod-")}, false},
		{"StringLike question mark is a character, not a byte", "StringLike", k, []any{"caf?"}, kv{k: v("café")}, true},
		{"StringLike wildcards anywhere", "StringLike", k, []any{"*a?b*"}, kv{k: v("xxaZbyy")}, true},
		{"StringLike is case-sensitive", "StringLike", k, []any{"Prod-*"}, kv{k: v("prod-1")}, false},
		{"StringLike needs a wildcard for a partial match", "StringLike", k, []any{"prod"}, kv{k: v("prod-1")}, false},
		{"StringLike star alone matches the empty string", "StringLike", k, []any{"*"}, kv{k: v("")}, true},
		{"StringNotLike no match", "StringNotLike", k, []any{"prod-*"}, kv{k: v("dev-1")}, true},
		{"StringNotLike match", "StringNotLike", k, []any{"prod-*"}, kv{k: v("prod-1")}, false},
	})
}

// IAM User Guide, "IAM JSON policy elements: Condition operators" (Numeric
// condition operators): a key compared with "an integer or decimal value";
// a value that is not a number matches nothing.
func TestNumericOperators(t *testing.T) {
	const k = "aws:MultiFactorAuthAge"
	runCondCases(t, []condCase{
		{"NumericEquals integer", "NumericEquals", k, []any{"10"}, kv{k: v("10")}, true},
		{"NumericEquals integer and decimal", "NumericEquals", k, []any{"10"}, kv{k: v("10.0")}, true},
		{"NumericEquals decimals", "NumericEquals", k, []any{"1.5"}, kv{k: v("1.50")}, true},
		{"NumericEquals negative", "NumericEquals", k, []any{"-3"}, kv{k: v("-3")}, true},
		{"NumericEquals JSON number in the policy", "NumericEquals", k, []any{10}, kv{k: v("10")}, true},
		{"NumericEquals different", "NumericEquals", k, []any{"10"}, kv{k: v("11")}, false},
		{"NumericNotEquals different", "NumericNotEquals", k, []any{"10"}, kv{k: v("11")}, true},
		{"NumericNotEquals equal", "NumericNotEquals", k, []any{"10"}, kv{k: v("10.00")}, false},
		{"NumericLessThan less", "NumericLessThan", k, []any{"3600"}, kv{k: v("600")}, true},
		{"NumericLessThan equal", "NumericLessThan", k, []any{"3600"}, kv{k: v("3600")}, false},
		{"NumericLessThan greater", "NumericLessThan", k, []any{"3600"}, kv{k: v("7200")}, false},
		{"NumericLessThan decimal", "NumericLessThan", k, []any{"0.5"}, kv{k: v("0.25")}, true},
		{"NumericLessThanEquals equal", "NumericLessThanEquals", k, []any{"3600"}, kv{k: v("3600")}, true},
		{"NumericLessThanEquals just over", "NumericLessThanEquals", k, []any{"3600"}, kv{k: v("3600.5")}, false},
		{"NumericGreaterThan greater", "NumericGreaterThan", k, []any{"10"}, kv{k: v("10.01")}, true},
		{"NumericGreaterThan equal", "NumericGreaterThan", k, []any{"10"}, kv{k: v("10")}, false},
		{"NumericGreaterThan negative", "NumericGreaterThan", k, []any{"-1"}, kv{k: v("0")}, true},
		{"NumericGreaterThanEquals equal", "NumericGreaterThanEquals", k, []any{"10"}, kv{k: v("10")}, true},
		{"NumericGreaterThanEquals less", "NumericGreaterThanEquals", k, []any{"10"}, kv{k: v("9.99")}, false},
		// Invalid numbers never match.
		{"request value not a number", "NumericEquals", k, []any{"10"}, kv{k: v("ten")}, false},
		{"policy value not a number", "NumericEquals", k, []any{"ten"}, kv{k: v("10")}, false},
		{"both not numbers", "NumericEquals", k, []any{"ten"}, kv{k: v("ten")}, false},
		{"NaN is not equal to anything", "NumericEquals", k, []any{"10"}, kv{k: v("NaN")}, false},
		{"NaN is not less than or equal", "NumericLessThanEquals", k, []any{"10"}, kv{k: v("NaN")}, false},
		{"NaN is not greater than or equal", "NumericGreaterThanEquals", k, []any{"NaN"}, kv{k: v("10")}, false},
		{"Inf is not a number", "NumericGreaterThan", k, []any{"10"}, kv{k: v("Inf")}, false},
		{"hexadecimal is not a number", "NumericEquals", k, []any{"0x1p4"}, kv{k: v("16")}, false},
		{"digit separators are not a number", "NumericEquals", k, []any{"1_000"}, kv{k: v("1000")}, false},
	})
}

// IAM User Guide, "IAM JSON policy elements: Condition operators" (Date
// condition operators): W3C ISO 8601 dates and date-times, or epoch
// seconds; values compare as instants, so forms may be mixed.
func TestDateOperators(t *testing.T) {
	const k = "aws:CurrentTime"
	const newYear = "2026-01-01T00:00:00Z"
	runCondCases(t, []condCase{
		{"DateEquals same instant", "DateEquals", k, []any{newYear}, kv{k: v(newYear)}, true},
		{"DateEquals other zone, same instant", "DateEquals", k, []any{newYear}, kv{k: v("2026-01-01T01:00:00+01:00")}, true},
		{"DateEquals negative zone offset", "DateEquals", k, []any{"2025-12-31T19:00:00-05:00"}, kv{k: v(newYear)}, true},
		{"DateEquals fractional seconds", "DateEquals", k, []any{"2026-01-01T00:00:00.000Z"}, kv{k: v(newYear)}, true},
		{"DateEquals hours and minutes form", "DateEquals", k, []any{"2026-01-01T00:00Z"}, kv{k: v(newYear)}, true},
		{"DateEquals date only is midnight UTC", "DateEquals", k, []any{"2026-01-01"}, kv{k: v(newYear)}, true},
		{"DateEquals epoch policy, ISO request", "DateEquals", k, []any{"1767225600"}, kv{k: v(newYear)}, true},
		{"DateEquals ISO policy, epoch request", "DateEquals", "aws:EpochTime", []any{newYear}, kv{"aws:EpochTime": v("1767225600")}, true},
		{"DateEquals one second apart", "DateEquals", k, []any{newYear}, kv{k: v("2026-01-01T00:00:01Z")}, false},
		{"DateNotEquals different", "DateNotEquals", k, []any{newYear}, kv{k: v("2026-01-02T00:00:00Z")}, true},
		{"DateNotEquals same instant", "DateNotEquals", k, []any{newYear}, kv{k: v("1767225600")}, false},
		{"DateLessThan earlier", "DateLessThan", k, []any{newYear}, kv{k: v("2025-12-31T23:59:59Z")}, true},
		{"DateLessThan equal", "DateLessThan", k, []any{newYear}, kv{k: v(newYear)}, false},
		{"DateLessThan epoch expired", "DateLessThan", "aws:EpochTime", []any{"1767225600"}, kv{"aws:EpochTime": v("1795428000")}, false},
		{"DateLessThanEquals equal", "DateLessThanEquals", k, []any{newYear}, kv{k: v(newYear)}, true},
		{"DateLessThanEquals later", "DateLessThanEquals", k, []any{newYear}, kv{k: v("2026-01-01T00:00:00.001Z")}, false},
		{"DateGreaterThan later", "DateGreaterThan", k, []any{newYear}, kv{k: v("2026-11-23T10:00:00Z")}, true},
		{"DateGreaterThan equal", "DateGreaterThan", k, []any{newYear}, kv{k: v(newYear)}, false},
		{"DateGreaterThan date-only policy", "DateGreaterThan", k, []any{"2026-01-01"}, kv{k: v("2026-01-01T00:00:01Z")}, true},
		{"DateGreaterThanEquals equal", "DateGreaterThanEquals", k, []any{newYear}, kv{k: v(newYear)}, true},
		{"DateGreaterThanEquals earlier", "DateGreaterThanEquals", k, []any{newYear}, kv{k: v("2025-12-31T23:59:59Z")}, false},
		{"invalid request date never matches", "DateLessThan", k, []any{newYear}, kv{k: v("yesterday")}, false},
		{"invalid policy date never matches", "DateGreaterThan", k, []any{"next year"}, kv{k: v(newYear)}, false},
		{"wildcards are not permitted in dates", "DateEquals", k, []any{"2026-01-01T*"}, kv{k: v(newYear)}, false},
	})
}

// IAM User Guide, "IAM JSON policy elements: Condition operators" (Boolean
// condition operators): a key compared with "true" or "false". The
// documentation writes the values in lower case and also as JSON literals;
// the engine compares them without regard to case (no AWS page says a
// capitalised "True" differs).
func TestBoolOperator(t *testing.T) {
	const k = "aws:SecureTransport"
	runCondCases(t, []condCase{
		{"true matches true", "Bool", k, []any{"true"}, kv{k: v("true")}, true},
		{"true does not match false", "Bool", k, []any{"true"}, kv{k: v("false")}, false},
		{"false matches false", "Bool", k, []any{"false"}, kv{k: v("false")}, true},
		{"JSON literal true", "Bool", k, []any{true}, kv{k: v("true")}, true},
		{"JSON literal false", "Bool", k, []any{false}, kv{k: v("true")}, false},
		{"capitalised policy value", "Bool", k, []any{"True"}, kv{k: v("true")}, true},
		{"capitalised request value", "Bool", k, []any{"true"}, kv{k: v("TRUE")}, true},
		{"not a boolean never matches", "Bool", k, []any{"yes"}, kv{k: v("yes")}, false},
		{"absent key", "Bool", k, []any{"false"}, kv{}, false},
	})
}

// IAM User Guide, "IAM JSON policy elements: Condition operators" (Binary
// condition operators): BinaryEquals compares the key's bytes with the
// base-64 encoded value in the policy. As in the conformance corpus, a
// binary request value is written base-64 encoded.
func TestBinaryEqualsOperator(t *testing.T) {
	const k = "key"
	runCondCases(t, []condCase{
		{"same bytes", "BinaryEquals", k, []any{"QmluYXJ5VmFsdWVJbkJhc2U2NA=="}, kv{k: v("QmluYXJ5VmFsdWVJbkJhc2U2NA==")}, true},
		{"other bytes", "BinaryEquals", k, []any{"QmluYXJ5VmFsdWVJbkJhc2U2NA=="}, kv{k: v("QmluYXJ5")}, false},
		{"one of several values", "BinaryEquals", k, []any{"AAEC", "AwQF"}, kv{k: v("AwQF")}, true},
		{"invalid base-64 in the policy", "BinaryEquals", k, []any{"not base64!"}, kv{k: v("not base64!")}, false},
		{"absent key", "BinaryEquals", k, []any{"AAEC"}, kv{}, false},
	})
}

// IAM User Guide, "IAM JSON policy elements: Condition operators" (IP
// address condition operators): IPv4 or IPv6 CIDR; an address without a
// prefix is /32; IPv4 and IPv6 may be mixed in one list. The engine reads
// IPv4-mapped IPv6 addresses (::ffff:a.b.c.d, RFC 4291 section 2.5.5.2) as
// the IPv4 address they carry, on both sides.
func TestIPAddressOperators(t *testing.T) {
	const k = "aws:SourceIp"
	mixed := []any{"203.0.113.0/24", "2001:DB8:1234:5678::/64"}
	runCondCases(t, []condCase{
		{"IPv4 inside the range", "IpAddress", k, []any{"203.0.113.0/24"}, kv{k: v("203.0.113.77")}, true},
		{"IPv4 outside the range", "IpAddress", k, []any{"203.0.113.0/24"}, kv{k: v("198.51.100.1")}, false},
		{"IPv4 range with host bits", "IpAddress", k, []any{"203.0.113.9/24"}, kv{k: v("203.0.113.200")}, true},
		{"single address is /32", "IpAddress", k, []any{"203.0.113.5"}, kv{k: v("203.0.113.5")}, true},
		{"single address is not its neighbour", "IpAddress", k, []any{"203.0.113.5"}, kv{k: v("203.0.113.6")}, false},
		{"IPv6 inside, different spelling", "IpAddress", k, []any{"2001:DB8:1234:5678::/64"}, kv{k: v("2001:db8:1234:5678:0:0:0:17")}, true},
		{"IPv6 outside", "IpAddress", k, []any{"2001:DB8:1234:5678::/64"}, kv{k: v("2001:db8:1234:5679::1")}, false},
		{"IPv6 single address", "IpAddress", k, []any{"2001:db8::1"}, kv{k: v("2001:DB8:0::1")}, true},
		{"mixed list, IPv4 caller", "IpAddress", k, mixed, kv{k: v("203.0.113.1")}, true},
		{"mixed list, IPv6 caller", "IpAddress", k, mixed, kv{k: v("2001:db8:1234:5678::abcd")}, true},
		{"mixed list, outside both", "IpAddress", k, mixed, kv{k: v("2001:db8:ffff::1")}, false},
		{"IPv4 range does not hold IPv6 callers", "IpAddress", k, []any{"0.0.0.0/0"}, kv{k: v("2001:db8::1")}, false},
		{"IPv6 range does not hold IPv4 callers", "IpAddress", k, []any{"::/0"}, kv{k: v("203.0.113.1")}, false},
		{"IPv4-mapped caller in an IPv4 range", "IpAddress", k, []any{"203.0.113.0/24"}, kv{k: v("::ffff:203.0.113.9")}, true},
		{"IPv4-mapped range holds an IPv4 caller", "IpAddress", k, []any{"::ffff:203.0.113.0/120"}, kv{k: v("203.0.113.9")}, true},
		{"invalid range matches nothing", "IpAddress", k, []any{"203.0.113.0/33"}, kv{k: v("203.0.113.1")}, false},
		{"request value not an address", "IpAddress", k, []any{"0.0.0.0/0"}, kv{k: v("localhost")}, false},
		{"NotIpAddress inside", "NotIpAddress", k, []any{"203.0.113.0/24"}, kv{k: v("203.0.113.77")}, false},
		{"NotIpAddress outside", "NotIpAddress", k, []any{"203.0.113.0/24"}, kv{k: v("198.51.100.1")}, true},
		{"NotIpAddress IPv6 caller, IPv4 range", "NotIpAddress", k, []any{"203.0.113.0/24"}, kv{k: v("2001:db8::1")}, true},
		{"NotIpAddress mixed list, inside one", "NotIpAddress", k, mixed, kv{k: v("2001:db8:1234:5678::1")}, false},
	})
}

// IAM User Guide, "IAM JSON policy elements: Condition operators" (Amazon
// Resource Name (ARN) condition operators): case-sensitive; each of the six
// colon-delimited components is matched separately and may hold * and ?;
// ArnEquals and ArnLike behave identically, as do ArnNotEquals and
// ArnNotLike.
func TestARNOperators(t *testing.T) {
	const k = "aws:PrincipalArn"
	const ciBuild = "arn:aws:iam::111122223333:role/ci-build"
	// The documentation's example: StringLike matches, ArnLike does not.
	docPattern := "arn:aws:someservice:*:111122223333:finance/*"
	docValue := "arn:aws:someservice:us-east-2:999999999999:store/abc:111122223333:finance/document.txt"
	var tests []condCase
	for _, op := range []string{"ArnEquals", "ArnLike"} {
		tests = append(tests,
			condCase{op + " exact", op, k, []any{ciBuild}, kv{k: v(ciBuild)}, true},
			condCase{op + " star in the resource", op, k, []any{"arn:aws:iam::111122223333:role/ci-*"}, kv{k: v(ciBuild)}, true},
			condCase{op + " question mark", op, k, []any{"arn:aws:iam::111122223333:role/ci-buil?"}, kv{k: v(ciBuild)}, true},
			condCase{op + " star in the account", op, k, []any{"arn:aws:iam::*:role/ci-build"}, kv{k: v("arn:aws:iam::999988887777:role/ci-build")}, true},
			condCase{op + " star in the region", op, "aws:SourceArn", []any{"arn:aws:ecr:*:111122223333:repository/app"}, kv{"aws:SourceArn": v(repoApp)}, true},
			condCase{op + " is case-sensitive", op, k, []any{"arn:aws:iam::111122223333:role/CI-*"}, kv{k: v(ciBuild)}, false},
			condCase{op + " star stays in its component", op, "aws:SourceArn", []any{docPattern}, kv{"aws:SourceArn": v(docValue)}, false},
			condCase{op + " star alone", op, k, []any{"*"}, kv{k: v(ciBuild)}, true},
			condCase{op + " other account", op, k, []any{"arn:aws:iam::111122223333:role/*"}, kv{k: v("arn:aws:iam::444455556666:role/ci-build")}, false},
			condCase{op + " request value not an ARN", op, k, []any{"arn:*:*:*:*:*"}, kv{k: v("ci-build")}, false},
		)
	}
	for _, op := range []string{"ArnNotEquals", "ArnNotLike"} {
		tests = append(tests,
			condCase{op + " match", op, k, []any{"arn:aws:iam::111122223333:role/ci-*"}, kv{k: v(ciBuild)}, false},
			condCase{op + " no match", op, k, []any{"arn:aws:iam::111122223333:role/ci-*"}, kv{k: v("arn:aws:iam::111122223333:role/admin")}, true},
			condCase{op + " component-wise", op, "aws:SourceArn", []any{docPattern}, kv{"aws:SourceArn": v(docValue)}, true},
		)
	}
	tests = append(tests, condCase{"StringLike crosses components in the same example", "StringLike", "aws:SourceArn", []any{docPattern}, kv{"aws:SourceArn": v(docValue)}, true})
	runCondCases(t, tests)
}

// IAM User Guide, "IAM JSON policy elements: Condition operators" (Condition
// operator to check existence of condition keys): Null "true" means the key
// is absent (null), "false" that it is present with a value.
func TestNullOperator(t *testing.T) {
	const k = "aws:TokenIssueTime"
	runCondCases(t, []condCase{
		{"true, key absent", "Null", k, []any{"true"}, kv{}, true},
		{"true, key present", "Null", k, []any{"true"}, kv{k: v("2026-01-01T00:00:00Z")}, false},
		{"false, key present", "Null", k, []any{"false"}, kv{k: v("2026-01-01T00:00:00Z")}, true},
		{"false, key absent", "Null", k, []any{"false"}, kv{}, false},
		{"JSON literal true", "Null", k, []any{true}, kv{}, true},
		{"false, present with an empty string", "Null", k, []any{"false"}, kv{k: v("")}, true},
		// A multivalued key present with no values is the "null data set"
		// (Single-valued vs. multivalued context keys).
		{"true, present with no values", "Null", "aws:TagKeys", []any{"true"}, kv{"aws:TagKeys": v()}, true},
		{"false, present with no values", "Null", "aws:TagKeys", []any{"false"}, kv{"aws:TagKeys": v()}, false},
		{"either value, key absent", "Null", k, []any{"true", "false"}, kv{}, true},
		{"either value, key present", "Null", k, []any{"true", "false"}, kv{k: v("x")}, true},
		{"not a boolean never matches", "Null", k, []any{"absent"}, kv{}, false},
	})
}

// IAM User Guide, "IAM JSON policy elements: Condition operators"
// ("...IfExists condition operators"): IfExists may be added to any
// operator but Null; if the key is absent the condition is true, if it is
// present the base operator decides.
func TestIfExistsOnEveryFamily(t *testing.T) {
	tests := []struct {
		op, key     string
		values      []any
		match, miss string // request values the base operator matches and does not
	}{
		{"StringEqualsIfExists", "aws:RequestTag/env", []any{"dev"}, "dev", "prod"},
		{"StringNotEqualsIfExists", "aws:RequestTag/env", []any{"prod"}, "dev", "prod"},
		{"StringEqualsIgnoreCaseIfExists", "aws:RequestTag/env", []any{"dev"}, "DEV", "prod"},
		{"StringNotEqualsIgnoreCaseIfExists", "aws:RequestTag/env", []any{"dev"}, "prod", "DEV"},
		{"StringLikeIfExists", "aws:RequestTag/env", []any{"d*"}, "dev", "prod"},
		{"StringNotLikeIfExists", "aws:RequestTag/env", []any{"p*"}, "dev", "prod"},
		{"NumericEqualsIfExists", "aws:MultiFactorAuthAge", []any{"60"}, "60", "61"},
		{"NumericNotEqualsIfExists", "aws:MultiFactorAuthAge", []any{"60"}, "61", "60"},
		{"NumericLessThanIfExists", "aws:MultiFactorAuthAge", []any{"3600"}, "600", "7200"},
		{"NumericLessThanEqualsIfExists", "aws:MultiFactorAuthAge", []any{"3600"}, "3600", "3601"},
		{"NumericGreaterThanIfExists", "aws:MultiFactorAuthAge", []any{"10"}, "11", "10"},
		{"NumericGreaterThanEqualsIfExists", "aws:MultiFactorAuthAge", []any{"10"}, "10", "9"},
		{"DateEqualsIfExists", "aws:TokenIssueTime", []any{"2026-01-01"}, "2026-01-01T00:00:00Z", "2026-01-02T00:00:00Z"},
		{"DateNotEqualsIfExists", "aws:TokenIssueTime", []any{"2026-01-01"}, "2026-01-02T00:00:00Z", "2026-01-01T00:00:00Z"},
		{"DateLessThanIfExists", "aws:TokenIssueTime", []any{"2026-01-01T00:00:00Z"}, "2025-06-01T00:00:00Z", "2026-06-01T00:00:00Z"},
		{"DateLessThanEqualsIfExists", "aws:TokenIssueTime", []any{"2026-01-01T00:00:00Z"}, "2026-01-01T00:00:00Z", "2026-06-01T00:00:00Z"},
		{"DateGreaterThanIfExists", "aws:TokenIssueTime", []any{"2026-01-01T00:00:00Z"}, "2026-06-01T00:00:00Z", "2025-06-01T00:00:00Z"},
		{"DateGreaterThanEqualsIfExists", "aws:TokenIssueTime", []any{"2026-01-01T00:00:00Z"}, "2026-01-01T00:00:00Z", "2025-06-01T00:00:00Z"},
		{"BoolIfExists", "aws:MultiFactorAuthPresent", []any{"false"}, "false", "true"},
		{"BinaryEqualsIfExists", "key", []any{"AAEC"}, "AAEC", "AwQF"},
		{"IpAddressIfExists", "aws:SourceIp", []any{"203.0.113.0/24"}, "203.0.113.1", "198.51.100.1"},
		{"NotIpAddressIfExists", "aws:SourceIp", []any{"203.0.113.0/24"}, "198.51.100.1", "203.0.113.1"},
		{"ArnEqualsIfExists", "aws:SourceArn", []any{"arn:aws:ecr:*:111122223333:repository/*"}, repoApp, "arn:aws:ecr:us-east-1:444455556666:repository/app"},
		{"ArnLikeIfExists", "aws:SourceArn", []any{"arn:aws:ecr:*:111122223333:repository/*"}, repoApp, "arn:aws:ecr:us-east-1:444455556666:repository/app"},
		{"ArnNotEqualsIfExists", "aws:SourceArn", []any{"arn:aws:ecr:*:444455556666:*"}, repoApp, "arn:aws:ecr:us-east-1:444455556666:repository/app"},
		{"ArnNotLikeIfExists", "aws:SourceArn", []any{"arn:aws:ecr:*:444455556666:*"}, repoApp, "arn:aws:ecr:us-east-1:444455556666:repository/app"},
	}
	for _, tt := range tests {
		t.Run(tt.op, func(t *testing.T) {
			cond := condition(tt.op, tt.key, tt.values...)
			for _, c := range []struct {
				what string
				ctx  kv
				want bool
			}{
				{"absent key", kv{}, true},
				{"present, base matches", kv{tt.key: v(tt.match)}, true},
				{"present, base does not match", kv{tt.key: v(tt.miss)}, false},
			} {
				if got := conditionHolds(t, policy.Version2012, cond, c.ctx); got != c.want {
					t.Errorf("%s, %s: %v, want %v", cond, c.what, got, c.want)
				}
			}
		})
	}
}

// IAM User Guide, "IAM JSON policy elements: Condition operators"
// (Important: if the key is absent the values do not match and the
// condition is false; if the condition requires that the key is not
// matched, such as StringNotLike or ArnNotLike, it is true).
func TestAbsentKey(t *testing.T) {
	tests := []struct {
		op     string
		values []any
		want   bool
	}{
		{"StringEquals", []any{"x"}, false},
		{"StringNotEquals", []any{"x"}, true},
		{"StringEqualsIgnoreCase", []any{"x"}, false},
		{"StringNotEqualsIgnoreCase", []any{"x"}, true},
		{"StringLike", []any{"*"}, false},
		{"StringNotLike", []any{"*"}, true},
		{"NumericEquals", []any{"1"}, false},
		{"NumericNotEquals", []any{"1"}, true},
		{"NumericLessThan", []any{"1"}, false},
		{"NumericGreaterThanEquals", []any{"1"}, false},
		{"DateEquals", []any{"2026-01-01"}, false},
		{"DateNotEquals", []any{"2026-01-01"}, true},
		{"DateLessThan", []any{"2026-01-01"}, false},
		{"Bool", []any{"false"}, false},
		{"BinaryEquals", []any{"AAEC"}, false},
		{"IpAddress", []any{"0.0.0.0/0"}, false},
		{"NotIpAddress", []any{"203.0.113.0/24"}, true},
		{"ArnEquals", []any{"*"}, false},
		{"ArnLike", []any{"*"}, false},
		{"ArnNotEquals", []any{"arn:aws:iam::*:*"}, true},
		{"ArnNotLike", []any{"arn:aws:iam::*:*"}, true},
	}
	for _, tt := range tests {
		t.Run(tt.op, func(t *testing.T) {
			cond := condition(tt.op, "aws:SomeAbsentKey", tt.values...)
			if got := conditionHolds(t, policy.Version2012, cond, kv{"aws:OtherKey": v("x")}); got != tt.want {
				t.Errorf("%s on an absent key = %v, want %v", cond, got, tt.want)
			}
		})
	}
}

// IAM User Guide, "Single-valued vs. multivalued context keys" (set
// operators): ForAllValues is true when every request value matches a policy
// value, and also when the key is absent or has no values; ForAnyValue is
// true when at least one request value matches, and false for an absent key
// or no values. With a negated operator the test applies to each request
// value ("Multivalued context key examples": ForAllValues:StringNotLike).
func TestSetOperators(t *testing.T) {
	const k = "aws:TagKeys"
	tags := []any{"team", "env"}
	runCondCases(t, []condCase{
		{"ForAllValues absent key", "ForAllValues:StringEquals", k, tags, kv{}, true},
		{"ForAllValues empty set", "ForAllValues:StringEquals", k, tags, kv{k: v()}, true},
		{"ForAllValues subset", "ForAllValues:StringEquals", k, tags, kv{k: v("team")}, true},
		{"ForAllValues same set", "ForAllValues:StringEquals", k, tags, kv{k: v("env", "team")}, true},
		{"ForAllValues not a subset", "ForAllValues:StringEquals", k, tags, kv{k: v("team", "owner")}, false},
		{"ForAllValues disjoint", "ForAllValues:StringEquals", k, tags, kv{k: v("owner")}, false},
		{"ForAllValues with wildcards", "ForAllValues:StringLike", k, []any{"Created*"}, kv{k: v("CreatedBy", "CreatedAt")}, true},
		{"ForAnyValue absent key", "ForAnyValue:StringEquals", k, tags, kv{}, false},
		{"ForAnyValue empty set", "ForAnyValue:StringEquals", k, tags, kv{k: v()}, false},
		{"ForAnyValue overlap", "ForAnyValue:StringEquals", k, tags, kv{k: v("owner", "env")}, true},
		{"ForAnyValue disjoint", "ForAnyValue:StringEquals", k, tags, kv{k: v("owner", "cost")}, false},
		{"ForAnyValue case-sensitive", "ForAnyValue:StringEquals", k, tags, kv{k: v("Team")}, false},
		{"ForAnyValue ignoring case", "ForAnyValue:StringEqualsIgnoreCase", k, tags, kv{k: v("Team")}, true},
		// The documentation's ForAllValues:StringNotLike table.
		{"ForAllValues:StringNotLike one matching value", "ForAllValues:StringNotLike", k, []any{"key1*"}, kv{k: v("key1:legal")}, false},
		{"ForAllValues:StringNotLike all matching", "ForAllValues:StringNotLike", k, []any{"key1*"}, kv{k: v("key1:hr", "key1:personnel")}, false},
		{"ForAllValues:StringNotLike none matching", "ForAllValues:StringNotLike", k, []any{"key1*"}, kv{k: v("key2:audit")}, true},
		{"ForAllValues:StringNotLike one of two matching", "ForAllValues:StringNotLike", k, []any{"key1*"}, kv{k: v("key2:audit", "key1:hr")}, false},
		{"ForAllValues:StringNotLike absent key", "ForAllValues:StringNotLike", k, []any{"key1*"}, kv{}, true},
		{"ForAllValues:StringNotEquals empty set", "ForAllValues:StringNotEquals", k, tags, kv{k: v()}, true},
		{"ForAnyValue:StringNotEquals some value outside", "ForAnyValue:StringNotEquals", k, tags, kv{k: v("team", "owner")}, true},
		{"ForAnyValue:StringNotEquals every value inside", "ForAnyValue:StringNotEquals", k, tags, kv{k: v("team", "env")}, false},
		{"ForAnyValue:StringNotEquals absent key", "ForAnyValue:StringNotEquals", k, tags, kv{}, false},
		{"ForAnyValue:StringNotLike", "ForAnyValue:StringNotLike", k, []any{"key1*"}, kv{k: v("key1:a", "key2:b")}, true},
		// A set operator's rule for an absent key stands with IfExists:
		// ForAnyValue is false for a missing key (re:Post thread
		// "ForAnyValue:StringEqualsIfExists behaving unexpectedly" shows AWS
		// denying exactly this).
		{"ForAnyValue:StringEqualsIfExists absent key", "ForAnyValue:StringEqualsIfExists", k, tags, kv{}, false},
		{"ForAllValues:StringEqualsIfExists absent key", "ForAllValues:StringEqualsIfExists", k, tags, kv{}, true},
		{"ForAnyValue:ArnLike", "ForAnyValue:ArnLike", "aws:PrincipalServiceNamesList", []any{"arn:aws:iam::*:role/x"}, kv{"aws:PrincipalServiceNamesList": v("a", "arn:aws:iam::111122223333:role/x")}, true},
		{"ForAllValues:IpAddress", "ForAllValues:IpAddress", "aws:SourceIp", []any{"203.0.113.0/24"}, kv{"aws:SourceIp": v("203.0.113.1", "198.51.100.1")}, false},
	})
}

// IAM User Guide, "Creating a condition with multiple context keys or
// values": several operators and several keys are ANDed; several values of
// one key are ORed; under a negated operator several values are NORed; for
// a multivalued request without a set operator the engine applies the
// positive match to any request value.
func TestMultipleKeysAndValues(t *testing.T) {
	tests := []struct {
		name string
		cond string
		ctx  kv
		want bool
	}{
		{"two keys, both match", `{"StringEquals": {"aws:PrincipalTag/team": "platform", "aws:SourceVpce": "vpce-1a2b3c4d"}}`,
			kv{"aws:PrincipalTag/team": v("platform"), "aws:SourceVpce": v("vpce-1a2b3c4d")}, true},
		{"two keys, one matches", `{"StringEquals": {"aws:PrincipalTag/team": "platform", "aws:SourceVpce": "vpce-1a2b3c4d"}}`,
			kv{"aws:PrincipalTag/team": v("platform"), "aws:SourceVpce": v("vpce-9z8y7x6w")}, false},
		{"two operators, both hold", `{"StringEquals": {"aws:PrincipalTag/team": "platform"}, "Bool": {"aws:SecureTransport": "true"}}`,
			kv{"aws:PrincipalTag/team": v("platform"), "aws:SecureTransport": v("true")}, true},
		{"two operators, one fails", `{"StringEquals": {"aws:PrincipalTag/team": "platform"}, "Bool": {"aws:SecureTransport": "true"}}`,
			kv{"aws:PrincipalTag/team": v("platform"), "aws:SecureTransport": v("false")}, false},
		{"same key under two operators", `{"IpAddress": {"aws:SourceIp": "203.0.113.0/24"}, "NotIpAddress": {"aws:SourceIp": "203.0.113.128/25"}}`,
			kv{"aws:SourceIp": v("203.0.113.5")}, true},
		{"same key under two operators, excluded", `{"IpAddress": {"aws:SourceIp": "203.0.113.0/24"}, "NotIpAddress": {"aws:SourceIp": "203.0.113.128/25"}}`,
			kv{"aws:SourceIp": v("203.0.113.200")}, false},
		{"values ORed, second matches", `{"StringEquals": {"aws:PrincipalTag/team": ["platform", "security"]}}`,
			kv{"aws:PrincipalTag/team": v("security")}, true},
		{"values ORed, none matches", `{"StringEquals": {"aws:PrincipalTag/team": ["platform", "security"]}}`,
			kv{"aws:PrincipalTag/team": v("data")}, false},
		{"negated values NORed, one equal", `{"StringNotEquals": {"aws:PrincipalTag/team": ["platform", "security"]}}`,
			kv{"aws:PrincipalTag/team": v("security")}, false},
		{"negated values NORed, none equal", `{"StringNotEquals": {"aws:PrincipalTag/team": ["platform", "security"]}}`,
			kv{"aws:PrincipalTag/team": v("data")}, true},
		{"negated like values NORed", `{"StringNotLike": {"aws:PrincipalTag/team": ["plat*", "sec*"]}}`,
			kv{"aws:PrincipalTag/team": v("secops")}, false},
		{"NotIpAddress over several ranges", `{"NotIpAddress": {"aws:SourceIp": ["203.0.113.0/24", "198.51.100.0/24"]}}`,
			kv{"aws:SourceIp": v("198.51.100.9")}, false},
		{"positive operator, multivalued request, one value matches", `{"StringEquals": {"aws:TagKeys": "team"}}`,
			kv{"aws:TagKeys": v("env", "team")}, true},
		{"negated operator, multivalued request, one value matches", `{"StringNotEquals": {"aws:TagKeys": "team"}}`,
			kv{"aws:TagKeys": v("env", "team")}, false},
		{"empty operator block holds", `{"StringEquals": {}}`, kv{}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := conditionHolds(t, policy.Version2012, tt.cond, tt.ctx); got != tt.want {
				t.Errorf("%s with %v = %v, want %v", tt.cond, tt.ctx, got, tt.want)
			}
		})
	}
}

// IAM User Guide, "IAM JSON policy elements: Condition" and "IAM policy
// elements: Variables and tags": condition key names are not
// case-sensitive (aws:SourceIP is AWS:SourceIp); values are.
func TestConditionKeyNamesIgnoreCase(t *testing.T) {
	tests := []struct {
		policyKey, contextKey string
	}{
		{"aws:SourceIp", "aws:sourceip"},
		{"AWS:SOURCEIP", "aws:SourceIp"},
		{"aws:sourceip", "Aws:SourceIP"},
	}
	for _, tt := range tests {
		t.Run(tt.policyKey+" "+tt.contextKey, func(t *testing.T) {
			cond := condition("IpAddress", tt.policyKey, "203.0.113.0/24")
			if !conditionHolds(t, policy.Version2012, cond, kv{tt.contextKey: v("203.0.113.5")}) {
				t.Errorf("%s did not find %s", tt.policyKey, tt.contextKey)
			}
			neg := condition("NotIpAddress", tt.policyKey, "203.0.113.0/24")
			if conditionHolds(t, policy.Version2012, neg, kv{tt.contextKey: v("203.0.113.5")}) {
				t.Errorf("NotIpAddress %s treated %s as absent", tt.policyKey, tt.contextKey)
			}
		})
	}
}
