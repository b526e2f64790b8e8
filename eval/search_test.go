package eval_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/ecrguard/ecrguard/eval"
	"github.com/ecrguard/ecrguard/policy"
)

// searchPolicy allows pull only from the platform team on the documentation
// network (IAM User Guide, "IAM JSON policy elements: Condition operators":
// multiple keys are ANDed).
const searchPolicy = `{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "ecr:BatchGetImage", "Resource": "*",
	"Condition": {"StringEquals": {"aws:PrincipalTag/team": "platform"}, "IpAddress": {"aws:SourceIp": "203.0.113.0/24"}}}}`

func allFree(string) bool { return true }

// Search finds an allowed request when one exists, restores the request's
// context, and its witness replays to Allow; with nothing allowed it says so,
// and a limit that stops it early makes the answer unproven.
func TestSearch(t *testing.T) {
	ps := &eval.PolicySet{Identity: []*eval.Policy{compile(t, "identity", searchPolicy)}}
	denyAll := &eval.PolicySet{Identity: []*eval.Policy{compile(t, "identity", `{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "ecr:BatchGetImage", "Resource": "*", "Condition": {"Bool": {"aws:SecureTransport": "false"}, "StringEquals": {"aws:PrincipalTag/team": ["a", "b", "c"]}, "IpAddress": {"aws:SourceIp": "203.0.113.0/24"}}}}`)}}
	tests := []struct {
		name       string
		ps         *eval.PolicySet
		sp         eval.Space
		found      bool
		truncated  bool
		chosen     []string
		nilContext bool
	}{
		{name: "finds the allowing values", ps: ps, sp: eval.Space{Free: allFree}, found: true,
			chosen: []string{"aws:PrincipalTag/team = platform", "aws:SourceIp = 203.0.113.0"}},
		{name: "keys that are not free keep the request's values", ps: ps, sp: eval.Space{Free: func(k string) bool { return k != "aws:sourceip" }}},
		{name: "a fixed key takes only its options", ps: ps, sp: eval.Space{Free: allFree, Fixed: map[string]eval.Dimension{
			"aws:principaltag/team": {{{Key: "aws:PrincipalTag/team", Values: []string{"security"}}}}}}},
		{name: "nothing allowed", ps: denyAll, sp: eval.Space{Free: func(k string) bool { return k != "aws:securetransport" }}},
		{name: "over the limit, nothing proven", ps: denyAll, sp: eval.Space{Free: allFree, Limit: 2}, truncated: true},
		{name: "nil request context", ps: ps, sp: eval.Space{Free: allFree}, found: true, nilContext: true,
			chosen: []string{"aws:PrincipalTag/team = platform", "aws:SourceIp = 203.0.113.0"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			base := kv{"aws:SourceIp": v("198.51.100.99"), "aws:UserAgent": v("cli"), "aws:SecureTransport": v("true")}.context()
			req := &eval.Request{Principal: principal(t, roleCI), Action: "ecr:BatchGetImage", Resource: repoApp, Context: base}
			if tt.nilContext {
				req.Context = nil
			}
			before := base.Keys()
			res := eval.Search(tt.ps, req, tt.sp)
			if (res.Witness != nil) != tt.found || res.Truncated != tt.truncated {
				t.Fatalf("found=%v truncated=%v (tried %d), want %v %v", res.Witness != nil, res.Truncated, res.Tried, tt.found, tt.truncated)
			}
			if got := base.Keys(); !slices.Equal(got, before) {
				t.Errorf("context keys after the search = %v, want %v", got, before)
			}
			if ip, _ := base.Get("aws:SourceIp"); !slices.Equal(ip, []string{"198.51.100.99"}) {
				t.Errorf("aws:SourceIp after the search = %v", ip)
			}
			if base.Has("aws:PrincipalTag/team") {
				t.Error("a searched key is left in the request's context")
			}
			if res.Witness == nil {
				return
			}
			w := res.Witness
			var chosen []string
			for _, a := range w.Chosen {
				chosen = append(chosen, a.String())
			}
			if !slices.Equal(chosen, tt.chosen) {
				t.Errorf("chosen = %q, want %q", chosen, tt.chosen)
			}
			if w.Decision.Result != eval.Allow || len(w.Decision.Matched) != 1 {
				t.Errorf("witness decision = %+v", w.Decision)
			}
			if d := eval.Evaluate(tt.ps, &w.Request); d.Result != eval.Allow {
				t.Errorf("replaying the witness = %v", d.Result)
			}
			if !tt.nilContext {
				if ua, _ := w.Request.Context.Get("aws:UserAgent"); !slices.Equal(ua, []string{"cli"}) {
					t.Errorf("witness context lost the request's own keys: %v", w.Request.Context.Keys())
				}
			}
		})
	}
}

// The search splits each key into regions where every test on it has one
// outcome, so a request that needs a value no policy names literally is
// found: the intersection of two patterns, a value between two numbers, an
// address in a gap between ranges, a set of several values.
// IAM User Guide, "IAM JSON policy elements: Condition operators" and
// "Single-valued vs. multivalued context keys".
func TestSearchRegions(t *testing.T) {
	tests := []struct {
		name   string
		policy string
		found  bool
		want   string // a chosen assignment the witness must hold
	}{
		{"two patterns at once", `[{"Effect": "Allow", "Action": "*", "Resource": "*", "Condition": {"StringLike": {"aws:UserAgent": "a*"}}},
			{"Effect": "Deny", "Action": "*", "Resource": "*", "Condition": {"StringNotLike": {"aws:UserAgent": "*b"}}}]`, true, "aws:UserAgent = ab"},
		{"a pattern but not its sub-pattern", `[{"Effect": "Allow", "Action": "*", "Resource": "*", "Condition": {"StringLike": {"aws:UserAgent": "a*"}}},
			{"Effect": "Deny", "Action": "*", "Resource": "*", "Condition": {"StringLike": {"aws:UserAgent": "ax*"}}}]`, true, ""},
		{"case-insensitive equality and a case-sensitive deny", `[{"Effect": "Allow", "Action": "*", "Resource": "*", "Condition": {"StringEqualsIgnoreCase": {"aws:UserAgent": "Cli"}}},
			{"Effect": "Deny", "Action": "*", "Resource": "*", "Condition": {"StringEquals": {"aws:UserAgent": ["Cli", "cli", "CLI"]}}}]`, true, ""},
		{"a number between two bounds", `[{"Effect": "Allow", "Action": "*", "Resource": "*", "Condition": {"NumericGreaterThan": {"aws:MultiFactorAuthAge": "1"}, "NumericLessThan": {"aws:MultiFactorAuthAge": "1.5"}}}]`, true, "aws:MultiFactorAuthAge = 1.25"},
		{"no number between equal bounds", `[{"Effect": "Allow", "Action": "*", "Resource": "*", "Condition": {"NumericGreaterThan": {"aws:MultiFactorAuthAge": "2"}, "NumericLessThan": {"aws:MultiFactorAuthAge": "2"}}}]`, false, ""},
		{"an address between two ranges", `[{"Effect": "Allow", "Action": "*", "Resource": "*", "Condition": {"IpAddress": {"aws:SourceIp": "10.0.0.0/8"}}},
			{"Effect": "Deny", "Action": "*", "Resource": "*", "Condition": {"IpAddress": {"aws:SourceIp": ["10.0.0.0/9", "10.192.0.0/10"]}}}]`, true, "aws:SourceIp = 10.128.0.0"},
		{"a set that holds two tag keys", `[{"Effect": "Allow", "Action": "*", "Resource": "*", "Condition": {"ForAnyValue:StringEquals": {"aws:TagKeys": "a"}}},
			{"Effect": "Deny", "Action": "*", "Resource": "*", "Condition": {"ForAllValues:StringEquals": {"aws:TagKeys": "a"}}}]`, true, ""},
		{"a date inside a window", `[{"Effect": "Allow", "Action": "*", "Resource": "*", "Condition": {"DateGreaterThan": {"aws:TokenIssueTime": "2026-01-01T00:00:00Z"}, "DateLessThan": {"aws:TokenIssueTime": "2026-01-01T00:00:02Z"}}}]`, true, "aws:TokenIssueTime = 2026-01-01T00:00:01Z"},
		{"a key read only as a variable", `[{"Effect": "Allow", "Action": "*", "Resource": "*", "Condition": {"StringEquals": {"aws:ResourceTag/team": "${aws:PrincipalTag/team}"}}}]`, true, ""},
		{"a variable against a named value", `[{"Effect": "Allow", "Action": "*", "Resource": "*", "Condition": {"StringEquals": {"aws:UserAgent": "team-${aws:PrincipalTag/team}"}}},
			{"Effect": "Deny", "Action": "*", "Resource": "*", "Condition": {"StringNotEquals": {"aws:PrincipalTag/team": "blue"}}}]`, true, "aws:UserAgent = team-blue"},
		{"patterns longer than a machine word", `[{"Effect": "Allow", "Action": "*", "Resource": "*", "Condition": {"StringLike": {"aws:UserAgent": "` + strings.Repeat("ab", 40) + `*"}}},
			{"Effect": "Deny", "Action": "*", "Resource": "*", "Condition": {"StringNotLike": {"aws:UserAgent": "*` + strings.Repeat("ba", 40) + `"}}}]`, true, ""},
		{"a key AWS does not define is absent", `[{"Effect": "Allow", "Action": "*", "Resource": "*", "Condition": {"StringEquals": {"aws:PrincipleOrgID": "o-a1b2c3d4e5"}}}]`, false, ""},
		{"a negated test on an undefined key is true", `[{"Effect": "Allow", "Action": "*", "Resource": "*", "Condition": {"StringNotEquals": {"aws:PrincipleOrgID": "o-a1b2c3d4e5"}}}]`, true, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ps := &eval.PolicySet{Identity: []*eval.Policy{compile(t, "identity", `{"Version": "2012-10-17", "Statement": `+tt.policy+`}`)}}
			ctx := eval.NewContext()
			ctx.Set("aws:PrincipleOrgID", "o-a1b2c3d4e5") // undefined: the search ignores it
			req := &eval.Request{Principal: principal(t, roleCI), Action: "ecr:BatchGetImage", Resource: repoApp, Context: ctx}
			res := eval.Search(ps, req, eval.Space{Free: allFree})
			if res.Truncated {
				t.Fatal("the search was truncated")
			}
			if (res.Witness != nil) != tt.found {
				t.Fatalf("found = %v, want %v", res.Witness != nil, tt.found)
			}
			if res.Witness != nil {
				checkWitness(t, ps, res.Witness, tt.want)
			}
		})
	}
}

// userPrefix is the start of the ARN of each IAM user of account.
const userPrefix = "arn:aws:iam::" + account + ":user/"

// searchAsNamedUser searches for a pull of repoApp under the identity
// policy src by an IAM user of account whose name the search picks: a Name
// that sets the user's ARN and aws:username. free says which other keys it
// may choose.
func searchAsNamedUser(t *testing.T, src string, free func(string) bool) (*eval.PolicySet, eval.SearchResult) {
	t.Helper()
	ctx := eval.NewContext()
	eval.Derive(ctx, principal(t, userPrefix+"x"))
	return searchUser(t, src, repoApp, ctx, free)
}

// searchUser is searchAsNamedUser of resource, with ctx.
func searchUser(t *testing.T, src, resource string, ctx *eval.Context, free func(string) bool) (*eval.PolicySet, eval.SearchResult) {
	t.Helper()
	ps := &eval.PolicySet{Identity: []*eval.Policy{compile(t, "identity", src)}}
	sp := eval.Space{Free: free,
		Names: []eval.Name{{Fresh: "outsider", Keys: []eval.NameKey{{Key: "aws:PrincipalArn", Prefix: userPrefix}, {Key: "aws:username", Base: true}}}}}
	return ps, eval.Search(ps, &eval.Request{Principal: principal(t, userPrefix+"x"), Action: "ecr:BatchGetImage", Resource: resource, Context: ctx}, sp)
}

// A Name is a string the caller picks that sets several keys: an IAM user
// called admin has aws:username admin and the ARN of user/admin, so a Deny
// unless aws:username is admin does not stop an outsider who names its user
// so (IAM User Guide, "AWS global condition context keys": aws:username).
func TestSearchNames(t *testing.T) {
	_, res := searchAsNamedUser(t, `{"Version": "2012-10-17", "Statement": [
		{"Effect": "Allow", "Action": "*", "Resource": "*", "Condition": {"ArnLike": {"aws:PrincipalArn": "arn:aws:iam::*:user/ci/*"}}},
		{"Effect": "Deny", "Action": "*", "Resource": "*", "Condition": {"StringNotEquals": {"aws:username": "admin"}}}]}`,
		func(k string) bool { return !strings.HasPrefix(k, "aws:principal") && k != "aws:username" })
	if res.Witness == nil {
		t.Fatal("no witness: a user named ci/admin gets in")
	}
	arn, _ := res.Witness.Request.Context.Get("aws:PrincipalArn")
	name, _ := res.Witness.Request.Context.Get("aws:username")
	if len(arn) != 1 || !strings.HasPrefix(arn[0], userPrefix) || len(name) != 1 || name[0] != "admin" || !strings.HasSuffix(arn[0], "/admin") {
		t.Errorf("witness names %v / %v", arn, name)
	}
}

// A variable that must equal a key a name sets: the user must be called
// admin (its ARN) and tag itself team=admin for aws:username to match
// ${aws:PrincipalTag/team} (IAM User Guide, "IAM policy elements: Variables
// and tags"). The tag is chosen before the name, so its candidates come
// from what the tests on the name's keys say the name may be. Found by the
// exposure property test.
func TestSearchVariableOfAName(t *testing.T) {
	ps, res := searchAsNamedUser(t, `{"Version": "2012-10-17", "Statement": [
		{"Effect": "Allow", "Action": "*", "Resource": "*", "Condition": {"ArnLike": {"aws:PrincipalArn": "arn:aws:iam::*:user/admin"}, "StringLike": {"aws:username": "${aws:PrincipalTag/team}"}}}]}`,
		func(k string) bool { return !strings.HasPrefix(k, "aws:principalarn") && k != "aws:username" })
	if res.Witness == nil {
		t.Fatal("no witness: a user named admin tagged team=admin gets in")
	}
	if d := eval.Evaluate(ps, &res.Witness.Request); d.Result != eval.Allow {
		t.Errorf("the witness replays to %v", d.Result)
	}
}

// A variable read in a test of a key that is itself read as a variable:
// the tag must equal the user's name, and the Resource must start with the
// tag, so the name is solved through the tag (IAM User Guide, "IAM policy
// elements: Variables and tags"). Found by the search's property test.
func TestSearchVariableThroughAVariable(t *testing.T) {
	ps := &eval.PolicySet{Identity: []*eval.Policy{compile(t, "identity", `{"Version": "2012-10-17", "Statement": [
		{"Effect": "Allow", "Action": "*", "Resource": "arn:aws:ecr:*:*:repository/${aws:PrincipalTag/team}*", "Condition": {"ForAnyValue:StringLike": {"aws:PrincipalTag/team": "${aws:username}"}}}]}`)}}
	p := principal(t, userPrefix+"x")
	ctx := eval.NewContext()
	eval.Derive(ctx, p)
	res := eval.Search(ps, &eval.Request{Principal: p, Action: "ecr:PutImage", Resource: repoApp, Context: ctx}, eval.Space{Free: allFree})
	if res.Witness == nil {
		t.Fatal("no witness: a user named app tagged team=app gets in")
	}
	if d := eval.Evaluate(ps, &res.Witness.Request); d.Result != eval.Allow {
		t.Errorf("the witness replays to %v", d.Result)
	}
}

// A user's name may carry a path (user/ops/bob): aws:PrincipalArn holds it,
// aws:username only the last segment (IAM User Guide, "IAM identifiers"),
// so a test that compares the two tells names with a path from names
// without, and a key a variable use solves takes its value from names with
// any path. The search splits the names exactly, or says it did not.
func TestSearchNamesWithPaths(t *testing.T) {
	stmt := func(effect, res, cond string) string {
		return `{"Effect": "` + effect + `", "Action": "*", "Resource": "` + res + `", "Condition": ` + cond + `}`
	}
	allow := `{"Effect": "Allow", "Action": "*", "Resource": "*"}`
	tests := []struct {
		name, policy string
		found        bool
		truncated    bool
		// arn: a pattern the witness's aws:PrincipalArn matches;
		// username: the witness's aws:username.
		arn, username string
	}{
		{name: "a Deny of the users with no path", found: true, arn: userPrefix + "*/*",
			policy: allow + `,` + stmt("Deny", "*", `{"ArnLike": {"aws:PrincipalArn": "arn:aws:iam::*:user/${aws:username}"}}`)},
		{name: "a Deny unless the user has no path", found: true, arn: userPrefix + "outsider",
			policy: allow + `,` + stmt("Deny", "*", `{"ArnNotLike": {"aws:PrincipalArn": "arn:aws:iam::*:user/${aws:username}"}}`)},
		{name: "an Allow of one path", found: true, arn: userPrefix + "ops/*",
			policy: stmt("Allow", "*", `{"ArnLike": {"aws:PrincipalArn": "arn:aws:iam::*:user/ops/${aws:username}"}}`)},
		{name: "a Deny of one path, by pattern", found: true, arn: userPrefix + "*/*",
			policy: allow + `,` + stmt("Deny", "*", `{"StringLike": {"aws:PrincipalArn": "*/ops/${aws:username}"}}`) + `,` +
				stmt("Deny", "*", `{"ArnLike": {"aws:PrincipalArn": "arn:aws:iam::*:user/${aws:username}"}}`)},
		{name: "no path and a path at once", policy: stmt("Allow", "*", `{"ArnLike": {"aws:PrincipalArn": ["arn:aws:iam::*:user/${aws:username}"]}, "StringLike": {"aws:PrincipalArn": "*/*/*"}}`)},
		{name: "aws:username against itself", found: true, policy: stmt("Allow", "*", `{"StringEquals": {"aws:username": "${aws:username}"}}`)},
		// repoApp: a user called app, with a path or not, is denied; bob
		// is not.
		{name: "a Resource that reads aws:username", found: true, username: "bob",
			policy: stmt("Allow", "*", `{"StringLike": {"aws:username": ["app", "bob"]}}`) + `,` +
				`{"Effect": "Deny", "Action": "*", "Resource": "arn:aws:ecr:*:*:repository/${aws:username}"}`},
		{name: "a Resource that reads aws:username, and a path", found: true, username: "app", arn: userPrefix + "*/app",
			policy: stmt("Allow", "arn:aws:ecr:*:*:repository/${aws:username}", `{"ArnNotLike": {"aws:PrincipalArn": "arn:aws:iam::*:user/app"}}`)},
		// The name read at the start of the path: not split exactly.
		{name: "a path that starts with the name", truncated: true,
			policy: stmt("Allow", "*", `{"ArnLike": {"aws:PrincipalArn": "arn:aws:iam::*:user/${aws:username}/*"}}`)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ps, res := searchAsNamedUser(t, `{"Version": "2012-10-17", "Statement": [`+tt.policy+`]}`,
				func(k string) bool { return !strings.HasPrefix(k, "aws:principal") && k != "aws:username" })
			if (res.Witness != nil) != tt.found || res.Truncated != tt.truncated {
				t.Fatalf("found = %v, truncated = %v; want %v, %v", res.Witness != nil, res.Truncated, tt.found, tt.truncated)
			}
			if res.Witness == nil {
				return
			}
			checkWitness(t, ps, res.Witness)
			arn, _ := res.Witness.Request.Context.Get("aws:PrincipalArn")
			name, _ := res.Witness.Request.Context.Get("aws:username")
			if len(arn) != 1 || len(name) != 1 || !strings.HasSuffix(arn[0], "/"+name[0]) ||
				tt.arn != "" && !policy.Match(tt.arn, arn[0]) || tt.username != "" && name[0] != tt.username {
				t.Errorf("witness: aws:PrincipalArn %v, aws:username %v", arn, name)
			}
		})
	}
}

// A value that reads two variables needs both at once: a role session
// tagged team=platform, project=api may pull platform/api under a Resource
// of ${aws:PrincipalTag/team}/${aws:PrincipalTag/project}, and one tagged
// team=us, env=east-1 meets aws:RequestedRegion
// "${aws:PrincipalTag/team}-${aws:PrincipalTag/env}" in us-east-1 (IAM User
// Guide, "IAM policy elements: Variables and tags": every variable of a
// value is replaced with the request's value of its key,
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_variables.html).
// The search once solved one variable only when the others already had
// values, so neither tag was ever given its part. want lists assignments
// the witness must hold; a Deny may leave one way to split the value.
func TestSearchTwoVariables(t *testing.T) {
	const repo = "arn:aws:ecr:us-east-1:111122223333:repository/"
	allow := func(resource, cond string) string {
		if cond != "" {
			cond = `, "Condition": ` + cond
		}
		return `{"Effect": "Allow", "Action": "ecr:BatchGetImage", "Resource": "` + resource + `"` + cond + `}`
	}
	deny := func(cond string) string {
		return `{"Effect": "Deny", "Action": "*", "Resource": "*", "Condition": ` + cond + `}`
	}
	long := strings.Repeat("abcdefgh", 5)
	tests := []struct {
		name, policy, repo string
		found, truncated   bool
		want               []string
	}{
		{name: "two tags in the resource", policy: allow(repo+"${aws:PrincipalTag/team}/${aws:PrincipalTag/project}", ""), repo: "platform/api", found: true,
			want: []string{"aws:principaltag/team = platform", "aws:principaltag/project = api"}},
		{name: "two tags and no separator", policy: allow(repo+"${aws:PrincipalTag/team}${aws:PrincipalTag/env}", ""), repo: "app", found: true},
		{name: "two tags in a condition value", policy: allow("*", `{"StringEquals": {"aws:RequestedRegion": "${aws:PrincipalTag/team}-${aws:PrincipalTag/env}"}}`), repo: "app", found: true},
		{name: "two tags under IgnoreCase", policy: allow("*", `{"StringEqualsIgnoreCase": {"aws:RequestedRegion": "${aws:PrincipalTag/team}-EAST-${aws:PrincipalTag/env}"}}`), repo: "app", found: true,
			want: []string{"aws:principaltag/team = us", "aws:principaltag/env = 1"}},
		{name: "three tags", policy: allow(repo+"${aws:PrincipalTag/a}/${aws:PrincipalTag/b}/${aws:PrincipalTag/c}", ""), repo: "x/y/z", found: true,
			want: []string{"aws:principaltag/a = x", "aws:principaltag/b = y", "aws:principaltag/c = z"}},
		{name: "a tag read twice", policy: allow(repo+"${aws:PrincipalTag/team}/${aws:PrincipalTag/team}", ""), repo: "api/api", found: true,
			want: []string{"aws:principaltag/team = api"}},
		{name: "a tag read twice, different parts", policy: allow(repo+"${aws:PrincipalTag/team}/${aws:PrincipalTag/team}", ""), repo: "api/web"},
		{name: "a tag and a user name", policy: allow(repo+"${aws:PrincipalTag/team}-${aws:username}", ""), repo: "platform-bob", found: true,
			want: []string{"aws:principaltag/team = platform", "aws:username = bob"}},
		{name: "a Deny leaves one split", policy: allow(repo+"${aws:PrincipalTag/team}${aws:PrincipalTag/env}", "") + "," +
			deny(`{"StringNotLike": {"aws:PrincipalTag/team": "??"}}`), repo: "platform", found: true,
			want: []string{"aws:principaltag/team = pl", "aws:principaltag/env = atform"}},
		{name: "a Deny leaves no split", policy: allow(repo+"${aws:PrincipalTag/team}${aws:PrincipalTag/env}", "") + "," +
			deny(`{"StringLike": {"aws:PrincipalTag/team": ["", "a", "ap", "app"]}}`), repo: "app"},
		// Every substring of a long name is a value of the tag: more than
		// the search tries, so "none" is not proven.
		{name: "more values than are tried", policy: allow(repo+"*${aws:PrincipalTag/team}*", "") + "," +
			deny(`{"Null": {"aws:PrincipalTag/team": "false"}}`), repo: long, truncated: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx := eval.NewContext()
			ctx.Set("aws:RequestedRegion", "us-east-1")
			searchAsUser(t, tt.policy, repo+tt.repo, ctx, func(k string) bool { return k != "aws:requestedregion" }, tt.found, tt.truncated, tt.want)
		})
	}
}

// A test on a key a name sets (aws:PrincipalArn) whose value reads a key
// the caller chooses besides (ArnLike arn:aws:iam::*:user/${aws:PrincipalTag/team}):
// the user called app, tagged team=app, gets in where something else says
// the name must be app (the Resource repository/${aws:username}), or ab (a*
// and *b). The tag was chosen before the name, from values the name's
// other tests named one by one, and the name then split by the tag alone:
// no pair was found (random differential test of exposure). The name is
// now chosen first, split by what any value of the tag, and each value the
// tag is split by, makes the ARN match, and the tag solved against it.
// Shapes where the name does not fix the tag's value (a run wildcard
// before it) make the search say it is truncated.
func TestSearchTagInANameKey(t *testing.T) {
	const repo = "arn:aws:ecr:us-east-1:111122223333:repository/"
	allow := func(resource, cond string) string {
		return `{"Effect": "Allow", "Action": "ecr:BatchGetImage", "Resource": "` + resource + `", "Condition": ` + cond + `}`
	}
	deny := func(cond string) string {
		return `{"Effect": "Deny", "Action": "*", "Resource": "*", "Condition": ` + cond + `}`
	}
	const inARN = `"ArnLike": {"aws:PrincipalArn": "arn:aws:iam::*:user/${aws:PrincipalTag/team}"}`
	tests := []struct {
		name, policy     string
		found, truncated bool
		want             []string
	}{
		{name: "the name from the resource", policy: allow(repo+"${aws:username}", `{`+inARN+`}`), found: true,
			want: []string{"aws:principaltag/team = app", "aws:username = app"}},
		{name: "the name from two patterns", policy: allow("*", `{`+inARN+`, "StringLike": {"aws:username": "a*"}}`) + "," +
			deny(`{"StringNotLike": {"aws:username": "*b"}}`), found: true},
		{name: "the tag's own pattern", policy: allow("*", `{`+inARN+`, "StringLike": {"aws:PrincipalTag/team": "a*"}}`) + "," +
			deny(`{"StringNotLike": {"aws:username": "*b"}}`), found: true},
		{name: "the name's path", policy: allow("*", `{`+inARN+`, "StringEquals": {"aws:PrincipalTag/team": "ops/bob"}}`), found: true,
			want: []string{"aws:principaltag/team = ops/bob"}},
		{name: "the tag the name needs is denied", policy: allow(repo+"${aws:username}", `{`+inARN+`}`) + "," +
			deny(`{"StringLike": {"aws:PrincipalTag/team": "*app"}}`)},
		{name: "a name that does not fix the tag", policy: allow("*", `{"StringLike": {"aws:PrincipalArn": "*${aws:PrincipalTag/team}"}}`) + "," +
			deny(`{"StringLike": {"aws:PrincipalTag/team": "*"}}`), truncated: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx := eval.NewContext()
			eval.Derive(ctx, principal(t, userPrefix+"x"))
			searchAsUser(t, tt.policy, repo+"app", ctx, func(k string) bool { return strings.HasPrefix(k, "aws:principaltag/") }, tt.found, tt.truncated, tt.want)
		})
	}
}

// searchAsUser searches the requests an IAM user of userPrefix, whose name
// the search picks (aws:PrincipalArn, aws:username), can make of
// ecr:BatchGetImage on resource under policy (statements of an identity
// policy), with ctx and the keys free chooses. It checks that the search
// finds a request or not (found) and says it was cut short or not
// (truncated), that the request replays to Allow, and that it chose each
// of want.
func searchAsUser(t *testing.T, policy, resource string, ctx *eval.Context, free func(string) bool, found, truncated bool, want []string) {
	t.Helper()
	ps, res := searchUser(t, `{"Version": "2012-10-17", "Statement": [`+policy+`]}`, resource, ctx, free)
	if (res.Witness != nil) != found || res.Truncated != truncated {
		t.Fatalf("found=%v truncated=%v (tried %d), want %v %v", res.Witness != nil, res.Truncated, res.Tried, found, truncated)
	}
	if res.Witness != nil {
		checkWitness(t, ps, res.Witness, want...)
	}
}

// checkWitness checks that w replays to Allow under ps and that it chose
// each of want ("" is none), compared in lower case.
func checkWitness(t *testing.T, ps *eval.PolicySet, w *eval.Witness, want ...string) {
	t.Helper()
	if d := eval.Evaluate(ps, &w.Request); d.Result != eval.Allow {
		t.Errorf("the witness replays to %v", d.Result)
	}
	var chosen []string
	for _, a := range w.Chosen {
		chosen = append(chosen, strings.ToLower(a.String()))
	}
	for _, x := range want {
		if x != "" && !slices.Contains(chosen, strings.ToLower(x)) {
			t.Errorf("chosen = %q, want it to hold %q", chosen, x)
		}
	}
}
