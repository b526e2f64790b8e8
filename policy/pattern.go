package policy

import "strings"

// Match reports whether s matches the IAM wildcard pattern: '*' matches any
// run of characters (including none), '?' exactly one character, and nothing
// else is special. Matching is case-sensitive.
func Match(pattern, s string) bool { return match(pattern, s, false) }

// Escape is the byte that, in a pattern given to MatchEscaped, makes the
// byte after it literal. Policy variables such as ${*} produce literal
// wildcard characters that way.
const Escape = '\x00'

// MatchEscaped is Match for a pattern in which Escape marks the next byte as
// literal.
func MatchEscaped(pattern, s string) bool { return match(pattern, s, true) }

func match(pattern, s string, esc bool) bool {
	// Iterative matcher with single-star backtracking: O(len(p)*len(s)) in the
	// worst case, no recursion, no allocation.
	p := 0
	i := 0
	star := -1
	mark := 0
	for i < len(s) {
		if p < len(pattern) {
			c := pattern[p]
			switch {
			case esc && c == Escape && p+1 < len(pattern):
				if pattern[p+1] == s[i] {
					p += 2
					i++
					continue
				}
			case c == '*':
				star = p
				mark = i
				p++
				continue
			case c == '?':
				// '?' is one character, not one byte.
				i += runeLen(s[i:])
				p++
				continue
			case c == s[i]:
				p++
				i++
				continue
			}
		}
		if star < 0 {
			return false
		}
		p = star + 1
		mark += runeLen(s[mark:])
		i = mark
	}
	for p < len(pattern) && pattern[p] == '*' {
		p++
	}
	return p == len(pattern)
}

func runeLen(s string) int {
	if s == "" {
		return 0
	}
	c := s[0]
	switch {
	case c < 0x80:
		return 1
	case c&0xE0 == 0xC0:
		return min(2, len(s))
	case c&0xF0 == 0xE0:
		return min(3, len(s))
	case c&0xF8 == 0xF0:
		return min(4, len(s))
	}
	return 1
}

// MatchFold is Match ignoring letter case, as action names are matched.
func MatchFold(pattern, s string) bool {
	return Match(strings.ToLower(pattern), strings.ToLower(s))
}

// MatchARN matches an ARN against an ARN pattern the way the Resource element
// and the Arn condition operators do: each of the six colon-delimited
// components is matched separately, with wildcards confined to their
// component; the sixth component (the resource) takes the rest, colons and
// slashes included. "*" matches everything. A pattern that is not an ARN is
// matched against the whole string.
func MatchARN(pattern, arn string) bool { return matchARN(pattern, arn, false) }

// MatchARNEscaped is MatchARN for a pattern with Escape marks.
func MatchARNEscaped(pattern, arn string) bool { return matchARN(pattern, arn, true) }

// ARNPattern is an ARN pattern split once, for matching many ARNs.
type ARNPattern struct {
	raw   string
	parts [6]string
	split bool
	esc   bool
}

// CompileARN splits an ARN pattern for MatchARN's matching.
func CompileARN(pattern string) ARNPattern { return compileARN(pattern, false) }

func compileARN(pattern string, esc bool) ARNPattern {
	p := ARNPattern{raw: pattern, esc: esc}
	p.split = pattern != "*" && splitARN(pattern, &p.parts)
	return p
}

// Match is MatchARN(pattern, arn) for the compiled pattern.
func (p *ARNPattern) Match(arn string) bool {
	if p.raw == "*" {
		return true
	}
	if !p.split {
		return match(p.raw, arn, p.esc)
	}
	var ap [6]string
	if !splitARN(arn, &ap) {
		return false
	}
	for k := 0; k < 6; k++ {
		if !match(p.parts[k], ap[k], p.esc) {
			return false
		}
	}
	return true
}

func matchARN(pattern, arn string, esc bool) bool {
	p := compileARN(pattern, esc)
	return p.Match(arn)
}

func splitARN(s string, out *[6]string) bool {
	for k := 0; k < 5; k++ {
		i := strings.IndexByte(s, ':')
		if i < 0 {
			return false
		}
		out[k] = s[:i]
		s = s[i+1:]
	}
	out[5] = s
	return true
}

// ARN is a parsed Amazon Resource Name.
type ARN struct {
	Partition string
	Service   string
	Region    string
	Account   string
	Resource  string
}

// ParseARN splits an ARN into its components.
func ParseARN(s string) (ARN, bool) {
	var parts [6]string
	if !splitARN(s, &parts) || parts[0] != "arn" || parts[1] == "" || parts[2] == "" {
		return ARN{}, false
	}
	return ARN{Partition: parts[1], Service: parts[2], Region: parts[3], Account: parts[4], Resource: parts[5]}, true
}

// regionPrefixes name the partition of a region by its name's prefix; the
// first match wins (us-isob- before us-iso-).
var regionPrefixes = []struct{ prefix, partition string }{
	{"cn-", "aws-cn"},
	{"us-gov-", "aws-us-gov"},
	{"eusc-", "aws-eusc"},
	{"us-isob-", "aws-iso-b"},
	{"us-isof-", "aws-iso-f"},
	{"eu-isoe-", "aws-iso-e"},
	{"us-iso-", "aws-iso"},
}

// PartitionOfRegion is the partition a region belongs to, by its name:
// "aws" unless it starts as the regions of another partition do (cn-,
// us-gov-, ...).
func PartitionOfRegion(region string) string {
	for _, p := range regionPrefixes {
		if strings.HasPrefix(region, p.prefix) {
			return p.partition
		}
	}
	return "aws"
}

func (a ARN) String() string {
	return "arn:" + a.Partition + ":" + a.Service + ":" + a.Region + ":" + a.Account + ":" + a.Resource
}

// IsAccountID reports whether s is a 12-digit AWS account id.
func IsAccountID(s string) bool {
	if len(s) != 12 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// IsOrgID reports whether s is an organization id that can exist: o-
// followed by 10 to 32 lower-case letters or digits (Organizations API
// Reference, "Organization": Id, pattern ^o-[a-z0-9]{10,32}$).
func IsOrgID(s string) bool {
	if len(s) < 12 || len(s) > 34 || !strings.HasPrefix(s, "o-") {
		return false
	}
	for i := 2; i < len(s); i++ {
		if c := s[i]; (c < 'a' || c > 'z') && (c < '0' || c > '9') {
			return false
		}
	}
	return true
}

// ResourcePart returns where the resource part of an ARN pattern starts:
// after its fifth colon, not counting colons inside policy variables
// (${aws:PrincipalAccount}); len(s) when it has fewer.
func ResourcePart(s string) int {
	colons := 0
	for i := 0; i < len(s); i++ {
		switch {
		case strings.HasPrefix(s[i:], "${"):
			if j := strings.IndexByte(s[i:], '}'); j >= 0 {
				i += j
			}
		case s[i] == ':':
			if colons++; colons == 5 {
				return i + 1
			}
		}
	}
	return len(s)
}
