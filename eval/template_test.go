package eval_test

import (
	"testing"

	"github.com/ecrguard/ecrguard/eval"
	"github.com/ecrguard/ecrguard/policy"
)

// IAM User Guide, "IAM policy elements: Variables and tags": variables
// (${aws:username}, ${aws:PrincipalTag/key}) are replaced with request
// values in the Resource element and in the values of string and ARN
// conditions; a default is written ${key, 'default'}; ${*}, ${?} and ${$}
// are a literal *, ? and $; a variable with no value matches nothing
// ("Policy variables with no value"); variables exist only in Version
// 2012-10-17, and with an older or no Version they are literal text; they
// cannot be used with Numeric (nor Date, Binary, IP address or Null)
// operators; a multivalued key cannot be a variable ("Single-valued vs.
// multivalued context keys").
func TestPolicyVariablesInConditions(t *testing.T) {
	const tag = "ecr:ResourceTag/team"
	tests := []struct {
		name    string
		version string
		cond    string
		ctx     kv
		want    bool
	}{
		{"principal tag equals resource tag", policy.Version2012, condition("StringEquals", tag, "${aws:PrincipalTag/team}"),
			kv{tag: v("platform"), "aws:PrincipalTag/team": v("platform")}, true},
		{"principal tag differs", policy.Version2012, condition("StringEquals", tag, "${aws:PrincipalTag/team}"),
			kv{tag: v("platform"), "aws:PrincipalTag/team": v("security")}, false},
		{"variable with no value matches nothing", policy.Version2012, condition("StringEquals", tag, "${aws:PrincipalTag/team}"),
			kv{tag: v("")}, false},
		{"variable with no value under StringLike", policy.Version2012, condition("StringLike", tag, "${aws:PrincipalTag/team}*"),
			kv{tag: v("platform")}, false},
		{"variable key names ignore case", policy.Version2012, condition("StringEquals", tag, "${AWS:principaltag/TEAM}"),
			kv{tag: v("platform"), "aws:PrincipalTag/team": v("platform")}, true},
		{"variable inside text", policy.Version2012, condition("StringEquals", "aws:UserAgent", "bot-${aws:username}/1"),
			kv{"aws:UserAgent": v("bot-alice/1"), "aws:username": v("alice")}, true},
		{"two variables", policy.Version2012, condition("StringEquals", "aws:UserAgent", "${aws:username}@${aws:PrincipalAccount}"),
			kv{"aws:UserAgent": v("alice@111122223333"), "aws:username": v("alice"), "aws:PrincipalAccount": v(account)}, true},
		{"default value when the key is absent", policy.Version2012, condition("StringEquals", tag, "${aws:PrincipalTag/team, 'none'}"),
			kv{tag: v("none")}, true},
		{"default value not used when the key is present", policy.Version2012, condition("StringEquals", tag, "${aws:PrincipalTag/team, 'none'}"),
			kv{tag: v("none"), "aws:PrincipalTag/team": v("platform")}, false},
		{"key used when present despite a default", policy.Version2012, condition("StringEquals", tag, "${aws:PrincipalTag/team, 'none'}"),
			kv{tag: v("platform"), "aws:PrincipalTag/team": v("platform")}, true},
		{"${*} is a literal star", policy.Version2012, condition("StringLike", "aws:UserAgent", "release-bot/${*}"),
			kv{"aws:UserAgent": v("release-bot/*")}, true},
		{"${*} is not a wildcard", policy.Version2012, condition("StringLike", "aws:UserAgent", "release-bot/${*}"),
			kv{"aws:UserAgent": v("release-bot/1.4")}, false},
		{"${?} is a literal question mark", policy.Version2012, condition("StringLike", "aws:UserAgent", "why${?}"),
			kv{"aws:UserAgent": v("why?")}, true},
		{"${?} is not a wildcard", policy.Version2012, condition("StringLike", "aws:UserAgent", "why${?}"),
			kv{"aws:UserAgent": v("whyX")}, false},
		{"${$} is a literal dollar", policy.Version2012, condition("StringEquals", "aws:UserAgent", "cost${$}{aws:username}"),
			kv{"aws:UserAgent": v("cost${aws:username}"), "aws:username": v("alice")}, true},
		{"escapes under StringEquals", policy.Version2012, condition("StringEquals", "aws:UserAgent", "a${*}b${?}"),
			kv{"aws:UserAgent": v("a*b?")}, true},
		{"wildcards around a variable stay wildcards", policy.Version2012, condition("StringLike", "aws:UserAgent", "*-${aws:username}-?"),
			kv{"aws:UserAgent": v("ci-alice-7"), "aws:username": v("alice")}, true},
		{"variable in an ARN operator", policy.Version2012, condition("ArnLike", "aws:PrincipalArn", "arn:aws:iam::*:user/${aws:username}"),
			kv{"aws:PrincipalArn": v(userDev), "aws:username": v("alice")}, true},
		{"variable in an ARN operator, other user", policy.Version2012, condition("ArnEquals", "aws:PrincipalArn", "arn:aws:iam::*:user/${aws:username}"),
			kv{"aws:PrincipalArn": v(userDev), "aws:username": v("bob")}, false},
		{"variable in StringEqualsIgnoreCase", policy.Version2012, condition("StringEqualsIgnoreCase", tag, "${aws:PrincipalTag/team}"),
			kv{tag: v("PLATFORM"), "aws:PrincipalTag/team": v("platform")}, true},
		{"multivalued key is not a variable", policy.Version2012, condition("StringEquals", tag, "${aws:TagKeys}"),
			kv{tag: v("team"), "aws:TagKeys": v("team", "env")}, false},
		{"no variables in Numeric operators", policy.Version2012, condition("NumericEquals", "aws:MultiFactorAuthAge", "${aws:EpochTime}"),
			kv{"aws:MultiFactorAuthAge": v("10"), "aws:EpochTime": v("10")}, false},
		{"no variables in Date operators", policy.Version2012, condition("DateEquals", "aws:CurrentTime", "${aws:TokenIssueTime}"),
			kv{"aws:CurrentTime": v("2026-01-01T00:00:00Z"), "aws:TokenIssueTime": v("2026-01-01T00:00:00Z")}, false},
		{"no variables in IP address operators", policy.Version2012, condition("IpAddress", "aws:SourceIp", "${aws:VpcSourceIp}"),
			kv{"aws:SourceIp": v("203.0.113.1"), "aws:VpcSourceIp": v("203.0.113.1")}, false},
		{"Version 2008: a variable is literal text", policy.Version2008, condition("StringEquals", tag, "${aws:PrincipalTag/team}"),
			kv{tag: v("platform"), "aws:PrincipalTag/team": v("platform")}, false},
		{"Version 2008: the literal text matches itself", policy.Version2008, condition("StringEquals", tag, "${aws:PrincipalTag/team}"),
			kv{tag: v("${aws:PrincipalTag/team}"), "aws:PrincipalTag/team": v("platform")}, true},
		{"no Version: a variable is literal text", "", condition("StringEquals", tag, "${aws:PrincipalTag/team}"),
			kv{tag: v("platform"), "aws:PrincipalTag/team": v("platform")}, false},
		{"no Version: ${*} is literal text", "", condition("StringEquals", "aws:UserAgent", "release-bot/${*}"),
			kv{"aws:UserAgent": v("release-bot/${*}")}, true},
		{"malformed variable is literal text", policy.Version2012, condition("StringEquals", "aws:UserAgent", "${not a variable}"),
			kv{"aws:UserAgent": v("${not a variable}")}, true},
		{"unterminated variable is literal text", policy.Version2012, condition("StringEquals", "aws:UserAgent", "x${aws:username"),
			kv{"aws:UserAgent": v("x${aws:username"), "aws:username": v("alice")}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := conditionHolds(t, tt.version, tt.cond, tt.ctx); got != tt.want {
				t.Errorf("Version %q %s with %v = %v, want %v", tt.version, tt.cond, tt.ctx, got, tt.want)
			}
		})
	}
}

// IAM User Guide, "IAM policy elements: Variables and tags" (Resource
// element): a variable in the resource part of an ARN (after its fifth
// colon) is replaced with the request's value, one before it is text; a
// Resource with a variable that has no value matches no
// resource; Simulate derives aws:username from an IAM user's ARN ("AWS
// global condition context keys": aws:username is present for IAM users
// only).
func TestPolicyVariablesInResource(t *testing.T) {
	identity := func(version, resource string) string {
		vers := ""
		if version != "" {
			vers = `"Version": "` + version + `", `
		}
		return `{` + vers + `"Statement": {"Effect": "Allow", "Action": "ecr:PutImage", "Resource": "` + resource + `"}}`
	}
	const own = "arn:aws:ecr:us-east-1:111122223333:repository/${aws:username}/*"
	tests := []struct {
		name      string
		version   string
		resource  string
		principal string
		target    string
		ctx       kv
		want      eval.Result
	}{
		{"user's own repository", policy.Version2012, own, userDev, "arn:aws:ecr:us-east-1:111122223333:repository/alice/tools", nil, eval.Allow},
		{"another user's repository", policy.Version2012, own, userDev, "arn:aws:ecr:us-east-1:111122223333:repository/bob/tools", nil, eval.ImplicitDeny},
		{"a role has no user name", policy.Version2012, own, roleCI, "arn:aws:ecr:us-east-1:111122223333:repository/ci/tools", nil, eval.ImplicitDeny},
		{"the variable's value is not a wildcard", policy.Version2012, "arn:aws:ecr:us-east-1:111122223333:repository/${aws:PrincipalTag/team}", roleCI,
			"arn:aws:ecr:us-east-1:111122223333:repository/platform", kv{"aws:PrincipalTag/team": v("plat*")}, eval.ImplicitDeny},
		{"principal tag in the resource", policy.Version2012, "arn:aws:ecr:us-east-1:111122223333:repository/${aws:PrincipalTag/team}-*", roleCI,
			"arn:aws:ecr:us-east-1:111122223333:repository/platform-api", kv{"aws:PrincipalTag/team": v("platform")}, eval.Allow},
		{"default value in the resource", policy.Version2012, "arn:aws:ecr:us-east-1:111122223333:repository/${aws:PrincipalTag/team, 'shared'}/*", roleCI,
			"arn:aws:ecr:us-east-1:111122223333:repository/shared/base", nil, eval.Allow},
		{"Version 2008 keeps the text", policy.Version2008, own, userDev, "arn:aws:ecr:us-east-1:111122223333:repository/alice/tools", nil, eval.ImplicitDeny},
		{"Version 2008 text matches itself", policy.Version2008, own, userDev, "arn:aws:ecr:us-east-1:111122223333:repository/${aws:username}/tools", nil, eval.Allow},
		{"no Version keeps the text", "", own, userDev, "arn:aws:ecr:us-east-1:111122223333:repository/alice/tools", nil, eval.ImplicitDeny},
		// "You can't use a variable to replace parts of the ARN before the
		// fifth colon, such as the service or account": there it is text.
		{"a variable in the account is text", policy.Version2012, "arn:aws:ecr:us-east-1:${aws:PrincipalAccount}:repository/*", userDev,
			"arn:aws:ecr:us-east-1:111122223333:repository/app", nil, eval.ImplicitDeny},
		{"a variable in the region is text", policy.Version2012, "arn:aws:ecr:${aws:RequestedRegion}:111122223333:repository/*", userDev,
			"arn:aws:ecr:us-east-1:111122223333:repository/app", kv{"aws:RequestedRegion": v("us-east-1")}, eval.ImplicitDeny},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ps := &eval.PolicySet{Identity: []*eval.Policy{compile(t, "identity", identity(tt.version, tt.resource))}}
			d := eval.Simulate(ps, &eval.Request{Principal: principal(t, tt.principal), Action: "ecr:PutImage", Resource: tt.target, Context: tt.ctx.context()})
			if d.Result != tt.want {
				t.Errorf("%s for %s on %s = %v (%s), want %v", tt.resource, tt.principal, tt.target, d.Result, d.Reason, tt.want)
			}
		})
	}
}
