package exposure

import (
	"strings"
	"testing"
	"time"

	"github.com/ecrguard/ecrguard/catalog"
	"github.com/ecrguard/ecrguard/eval"
	"github.com/ecrguard/ecrguard/internal/testgc"
	"github.com/ecrguard/ecrguard/policy"
)

func init() { testgc.Raise() }

// analyzeDoc judges a repository policy written in a test, owned by
// 111122223333 in us-east-1, at the given time (zero: now).
func analyzeDoc(t *testing.T, src string, zone Zone, at time.Time) *Result {
	t.Helper()
	doc, err := policy.Parse([]byte(src), "policy.json")
	if err != nil {
		t.Fatal(err)
	}
	if zone.Account == "" {
		zone.Account = "111122223333"
	}
	return Analyze(Target{Kind: Repository, ARN: "arn:aws:ecr:us-east-1:111122223333:repository/app", Account: "111122223333",
		Region: "us-east-1", Repository: "app", Policy: eval.Compile("repository policy of app", doc), At: at}, zone)
}

func pullPolicy(statements string) string {
	return `{"Version": "2012-10-17", "Statement": [` + statements + `]}`
}

// allowPull is a policy of one statement: anyone may pull when cond holds.
func allowPull(cond string) string {
	return pullPolicy(`{"Effect": "Allow", "Principal": "*", "Action": "ecr:BatchGetImage", "Condition": ` + cond + `}`)
}

// pullUnless is a policy that lets anyone pull when allow holds (always,
// when allow is ""), and denies every action when deny does.
func pullUnless(allow, deny string) string {
	statement := `{"Effect": "Allow", "Principal": "*", "Action": "ecr:BatchGetImage"`
	if allow != "" {
		statement += `, "Condition": ` + allow
	}
	return pullPolicy(statement + `},
		{"Effect": "Deny", "Principal": "*", "Action": "ecr:*", "Condition": ` + deny + `}`)
}

// The answers are exact (docs/semantics.md): each case is a request some
// outsider can make that a sampled search misses, or one no outsider can
// make that a sampled search takes as made.
func TestExactAnswers(t *testing.T) {
	pull := catalog.Default().MatchSet("ecr:BatchGetImage")
	scan := time.Date(2026, 12, 6, 12, 0, 0, 0, time.UTC)
	tests := []struct {
		name   string
		policy string
		zone   Zone
		public bool
		// deputy: a service principal gets in, acting for anyone.
		deputy string
		opens  string
	}{
		// IAM User Guide, "AWS global condition context keys"
		// (aws:username: any IAM user has a name of its account's
		// choosing, not unique across accounts).
		{name: "deny unless the user is called admin", public: true, policy: pullPolicy(
			`{"Effect": "Allow", "Principal": "*", "Action": "ecr:BatchGetImage"},
			 {"Effect": "Deny", "Principal": "*", "Action": "ecr:*", "Condition": {"StringNotEquals": {"aws:username": "admin"}}}`)},
		// IAM User Guide, "IAM identifiers": a user's ARN holds its path
		// (user/ops/bob), aws:username only its name (bob), so the ARN
		// ${aws:username} gives names only the users with no path.
		{name: "a Deny of the users with no path", public: true, policy: pullPolicy(
			`{"Effect": "Allow", "Principal": "*", "Action": "ecr:BatchGetImage", "Condition": {"StringEquals": {"aws:PrincipalType": "User"}}},
			 {"Effect": "Deny", "Principal": "*", "Action": "ecr:*", "Condition": {"ArnLike": {"aws:PrincipalArn": "arn:aws:iam::*:user/${aws:username}"}}}`)},
		{name: "users with a path only", public: true, policy: allowPull(`{"StringEquals": {"aws:PrincipalType": "User"}, "ArnNotLike": {"aws:PrincipalArn": "arn:aws:iam::*:user/${aws:username}"}}`)},
		{name: "a Deny of every user by a pattern that ends in its name", policy: pullPolicy(
			`{"Effect": "Allow", "Principal": "*", "Action": "ecr:BatchGetImage", "Condition": {"StringEquals": {"aws:PrincipalType": "User"}}},
			 {"Effect": "Deny", "Principal": "*", "Action": "ecr:*", "Condition": {"ArnLike": {"aws:PrincipalArn": "arn:aws:iam::*:user/*${aws:username}"}}}`)},
		// The repository named by aws:username (app) denies the users
		// called app, with a path or not; bob gets in.
		{name: "a Deny of the repository a user is named after", public: true, policy: pullPolicy(
			`{"Effect": "Allow", "Principal": "*", "Action": "ecr:BatchGetImage", "Condition": {"StringLike": {"aws:username": ["app", "bob"]}}},
			 {"Effect": "Deny", "Principal": "*", "Action": "ecr:*", "Resource": "arn:aws:ecr:us-east-1:111122223333:repository/${aws:username}"}`)},
		// GetFederationToken: any IAM user of any account can make a
		// federated user session (aws:PrincipalType FederatedUser).
		{name: "federated users only", public: true, policy: allowPull(`{"StringEquals": {"aws:PrincipalType": "FederatedUser"}}`)},
		// IAM User Guide, "IAM policy elements: Variables and tags": the
		// outsider tags its own role to match.
		{name: "a principal tag read only as a variable", public: true, policy: allowPull(`{"StringEquals": {"ecr:ResourceTag/team": "${aws:PrincipalTag/team}"}}`)},
		// Every variable of a value is replaced with the caller's value
		// (IAM User Guide, "IAM policy elements: Variables and tags",
		// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_variables.html):
		// an outsider tagged team=a, env=pp pulls app; one tagged team=us,
		// env=east-1 meets us-east-1; one tagged x=s meets
		// u${x}-ea${x}t-1. Each needs its tags' values at once, once
		// missed.
		{name: "two principal tags in the resource", public: true, policy: pullPolicy(
			`{"Effect": "Allow", "Principal": "*", "Action": "ecr:BatchGetImage", "Resource": "arn:aws:ecr:us-east-1:111122223333:repository/${aws:PrincipalTag/team}${aws:PrincipalTag/env}"}`)},
		{name: "two principal tags in a region", public: true, policy: allowPull(`{"StringEquals": {"aws:RequestedRegion": "${aws:PrincipalTag/team}-${aws:PrincipalTag/env}"}}`)},
		{name: "a principal tag read twice in a region", public: true, policy: allowPull(`{"StringEquals": {"aws:RequestedRegion": "u${aws:PrincipalTag/x}-ea${aws:PrincipalTag/x}t-1"}}`)},
		// StringEqualsIgnoreCase compares the value, variables replaced,
		// ignoring case: an outsider tagged team=us meets "-EAST-1".
		{name: "a principal tag under IgnoreCase", public: true, policy: allowPull(`{"StringEqualsIgnoreCase": {"aws:RequestedRegion": "${aws:PrincipalTag/team}-EAST-1"}}`)},
		{name: "two principal tags under IgnoreCase", public: true, policy: allowPull(`{"StringEqualsIgnoreCase": {"aws:RequestedRegion": "${aws:PrincipalTag/team}-EAST-${aws:PrincipalTag/env}"}}`)},
		{name: "two variables that no split of the name meets", policy: pullPolicy(
			`{"Effect": "Allow", "Principal": "*", "Action": "ecr:BatchGetImage", "Resource": "arn:aws:ecr:us-east-1:111122223333:repository/${aws:PrincipalTag/team}-${aws:username}"}`)},
		// A test on the user's ARN that reads a tag the caller sets: the
		// user app, tagged team=app, meets user/${aws:PrincipalTag/team}
		// and the Resource repository/${aws:username}; a user called ab,
		// tagged team=ab, meets a* and *b. The tag was chosen before the
		// name, from values the name's other tests named, so neither was
		// found (random differential test).
		{name: "a tag in the user's ARN and the user's name in the resource", public: true, policy: pullPolicy(
			`{"Effect": "Allow", "Principal": "*", "Action": "ecr:*", "Resource": "arn:aws:ecr:us-east-1:111122223333:repository/${aws:username}",
			  "Condition": {"ArnLike": {"aws:PrincipalArn": ["arn:aws:iam::444455556666:*", "arn:aws:iam::*:user/${aws:PrincipalTag/team}"]}}}`)},
		{name: "a tag in the user's ARN and two patterns of its name", public: true, policy: pullPolicy(
			`{"Effect": "Allow", "Principal": "*", "Action": "ecr:*", "Condition": {"ArnLike": {"aws:PrincipalArn": "arn:aws:iam::*:user/${aws:PrincipalTag/team}"}, "StringLike": {"aws:username": "a*"}}},
			 {"Effect": "Deny", "Principal": "*", "Action": "ecr:*", "Condition": {"StringNotLike": {"aws:username": "*b"}}}`)},
		{name: "a tag in the user's ARN and a pattern of the tag", public: true, policy: pullPolicy(
			`{"Effect": "Allow", "Principal": "*", "Action": "ecr:*", "Condition": {"ArnLike": {"aws:PrincipalArn": "arn:aws:iam::*:user/${aws:PrincipalTag/team}"}, "StringLike": {"aws:PrincipalTag/team": "a*"}}},
			 {"Effect": "Deny", "Principal": "*", "Action": "ecr:*", "Condition": {"StringNotLike": {"aws:username": "*b"}}}`)},
		{name: "a tag in the user's ARN that the resource's name denies", policy: pullPolicy(
			`{"Effect": "Allow", "Principal": "*", "Action": "ecr:*", "Resource": "arn:aws:ecr:us-east-1:111122223333:repository/${aws:username}",
			  "Condition": {"ArnLike": {"aws:PrincipalArn": "arn:aws:iam::*:user/${aws:PrincipalTag/team}"}}},
			 {"Effect": "Deny", "Principal": "*", "Action": "ecr:*", "Condition": {"StringLike": {"aws:PrincipalTag/team": "*app"}}}`)},
		// A role session name is the caller's choice: "*:alice" matches.
		{name: "a session name pattern", public: true, policy: allowPull(`{"StringLike": {"aws:userid": "*:alice"}}`)},
		// Keys fixed by the world (docs/semantics.md).
		{name: "another resource account", policy: allowPull(`{"StringEquals": {"aws:ResourceAccount": "999988887777"}}`)},
		{name: "the owner's resource account restricts nothing", public: true, policy: allowPull(`{"StringEquals": {"aws:ResourceAccount": "111122223333"}}`)},
		{name: "another region", policy: allowPull(`{"StringEquals": {"aws:RequestedRegion": "eu-west-1"}}`)},
		{name: "the owner's organization, when known", zone: Zone{OrgIDs: []string{"o-a1b2c3d4e5"}}, policy: allowPull(`{"StringEquals": {"aws:ResourceOrgID": "o-9z8y7x6w5v"}}`)},
		{name: "a window that has closed", policy: allowPull(`{"DateLessThan": {"aws:CurrentTime": "2020-01-01T00:00:00Z"}}`)},
		{name: "a window that opens later", public: true, opens: "2027-03-01T00:00:01Z", policy: allowPull(`{"DateGreaterThan": {"aws:CurrentTime": "2027-03-01T00:00:00Z"}}`)},
		{name: "an epoch window that is open", public: true, policy: allowPull(`{"NumericGreaterThan": {"aws:EpochTime": "1700000000"}}`)},
		{name: "TLS only restricts nothing", public: true, policy: allowPull(`{"Bool": {"aws:SecureTransport": "true"}}`)},
		{name: "plain HTTP only grants nothing", policy: allowPull(`{"Bool": {"aws:SecureTransport": "false"}}`)},
		// docs/semantics.md: a key AWS does not define is absent.
		{name: "a misspelled key in an Allow grants nothing", policy: allowPull(`{"StringEquals": {"aws:PrincipleOrgID": "o-a1b2c3d4e5"}}`)},
		{name: "a misspelled key in a Deny denies everyone", policy: pullPolicy(
			`{"Effect": "Allow", "Principal": "*", "Action": "ecr:BatchGetImage"},
			 {"Effect": "Deny", "Principal": "*", "Action": "ecr:*", "Condition": {"StringNotEquals": {"aws:PrincipleOrgID": "o-a1b2c3d4e5"}}}`)},
		// aws:VpcSourceIp alone: the outsider's own VPC.
		{name: "a private range of aws:VpcSourceIp", public: true, policy: allowPull(`{"IpAddress": {"aws:VpcSourceIp": "10.0.0.0/8"}}`)},
		{name: "a specific VPC endpoint", policy: allowPull(`{"StringEquals": {"aws:SourceVpce": "vpce-0123456789abcdef0"}}`)},
		{name: "the VPC of a specific EC2 instance", policy: allowPull(`{"StringEquals": {"aws:Ec2InstanceSourceVpc": "vpc-0123456789abcdef0"}}`)},
		// Services (aws:PrincipalServiceNamesList): a confused deputy.
		{name: "a service names list", deputy: "codebuild.amazonaws.com", policy: allowPull(`{"ForAnyValue:StringEquals": {"aws:PrincipalServiceNamesList": "codebuild.amazonaws.com"}}`)},
		{name: "an address in the gap of two ranges", public: true, policy: pullPolicy(
			`{"Effect": "Allow", "Principal": "*", "Action": "ecr:BatchGetImage", "Condition": {"IpAddress": {"aws:SourceIp": "0.0.0.0/0"}}},
			 {"Effect": "Deny", "Principal": "*", "Action": "ecr:*", "Condition": {"IpAddress": {"aws:SourceIp": ["0.0.0.0/1", "128.0.0.0/2", "192.0.0.0/3"]}}}`)},
		// A string test on a number or a date the caller's session
		// sets cuts the range the other tests leave open.
		{name: "a Deny of one number inside a range", public: true, policy: pullUnless(`{"NumericGreaterThan": {"aws:MultiFactorAuthAge": "10"}, "NumericLessThan": {"aws:MultiFactorAuthAge": "20"}}`,
			`{"StringEquals": {"aws:MultiFactorAuthAge": "15"}}`)},
		{name: "a Deny of one day inside a window", public: true, policy: pullUnless(`{"DateGreaterThan": {"aws:TokenIssueTime": "2026-01-01T00:00:00Z"}, "DateLessThan": {"aws:TokenIssueTime": "2026-01-03T00:00:00Z"}}`,
			`{"StringLike": {"aws:TokenIssueTime": "2026-01-02*"}}`)},
		// aws:MultiFactorAuthAge is present only with credentials MFA
		// validated, where aws:MultiFactorAuthPresent is true (IAM User
		// Guide, "AWS global condition context keys": aws:MultiFactorAuthAge;
		// "Sample policies with MFA conditions"); chosen apart, the first
		// two were public.
		{name: "an MFA age without MFA", policy: allowPull(`{"Bool": {"aws:MultiFactorAuthPresent": "false"}, "NumericLessThan": {"aws:MultiFactorAuthAge": "3600"}}`)},
		{name: "an MFA age where MFA is absent", policy: allowPull(`{"Null": {"aws:MultiFactorAuthPresent": "true", "aws:MultiFactorAuthAge": "false"}}`)},
		{name: "a Deny of no MFA age beside MFA false", policy: pullUnless(`{"Bool": {"aws:MultiFactorAuthPresent": "false"}}`, `{"Null": {"aws:MultiFactorAuthAge": "true"}}`)},
		{name: "an MFA age with MFA", public: true, policy: allowPull(`{"Bool": {"aws:MultiFactorAuthPresent": "true"}, "NumericLessThan": {"aws:MultiFactorAuthAge": "3600"}}`)},
		{name: "no MFA age without MFA", public: true, policy: allowPull(`{"Null": {"aws:MultiFactorAuthPresent": "true", "aws:MultiFactorAuthAge": "true"}}`)},
		{name: "no MFA age where MFA is false", public: true, policy: allowPull(`{"Bool": {"aws:MultiFactorAuthPresent": "false"}, "Null": {"aws:MultiFactorAuthAge": "true"}}`)},
		// aws:SourceIp is absent from a request through a VPC endpoint,
		// and aws:SourceVpc, aws:SourceVpce and aws:VpcSourceIp present
		// only in one (IAM User Guide, "AWS global condition context
		// keys": their Availability); chosen apart, the first four were
		// public.
		{name: "an address and an endpoint", policy: allowPull(`{"Null": {"aws:SourceIp": "false", "aws:SourceVpce": "false"}}`)},
		{name: "an address and an endpoint's address", policy: allowPull(`{"IpAddress": {"aws:SourceIp": "0.0.0.0/0", "aws:VpcSourceIp": "10.0.0.0/8"}}`)},
		{name: "an address and an endpoint's VPC", policy: allowPull(`{"IpAddress": {"aws:SourceIp": "0.0.0.0/0"}, "StringLike": {"aws:SourceVpc": "vpc-*"}}`)},
		{name: "a Deny of requests through no endpoint beside an address", policy: pullUnless(`{"Null": {"aws:SourceIp": "false"}}`, `{"Null": {"aws:SourceVpce": "true"}}`)},
		{name: "an endpoint without an address", public: true, policy: allowPull(`{"Null": {"aws:SourceIp": "true"}, "StringLike": {"aws:SourceVpce": "vpce-*", "aws:SourceVpc": "vpc-*"}}`)},
		{name: "an address without an endpoint", public: true, policy: allowPull(`{"Null": {"aws:SourceIp": "false", "aws:SourceVpce": "true", "aws:VpcSourceIp": "true"}}`)},
		{name: "a Deny of addresses beside an endpoint", public: true, policy: pullUnless(`{"Null": {"aws:SourceVpce": "false"}}`, `{"Null": {"aws:SourceIp": "false"}}`)},
		// aws:TokenIssueTime and aws:MultiFactorAuthPresent come only
		// with temporary credentials: a user's or the root's long-term
		// keys carry neither (IAM User Guide, "AWS global condition
		// context keys"); chosen apart, the first two were public.
		{name: "a token's time without temporary credentials", policy: allowPull(`{"Null": {"aws:TokenIssueTime": "false", "aws:MultiFactorAuthPresent": "true"}}`)},
		{name: "a Deny of no token's time beside no MFA key", policy: pullUnless(`{"Null": {"aws:MultiFactorAuthPresent": "true"}}`, `{"Null": {"aws:TokenIssueTime": "true"}}`)},
		{name: "a token's time with MFA false", public: true, policy: allowPull(`{"Null": {"aws:TokenIssueTime": "false"}, "Bool": {"aws:MultiFactorAuthPresent": "false"}}`)},
		{name: "long-term keys", public: true, policy: allowPull(`{"Null": {"aws:TokenIssueTime": "true", "aws:MultiFactorAuthPresent": "true"}}`)},
		// aws:CalledVia, aws:CalledViaFirst and aws:CalledViaLast are
		// present only when a service uses the principal's credentials,
		// where aws:ViaAWSService is true (IAM User Guide, "AWS global
		// condition context keys"); chosen apart, the first two were
		// public.
		{name: "a service chain on a direct call", policy: allowPull(`{"Bool": {"aws:ViaAWSService": "false"}, "ForAnyValue:StringEquals": {"aws:CalledVia": "cloudformation.amazonaws.com"}}`)},
		{name: "a Deny of calls through no chain beside a direct call", policy: pullUnless(`{"Bool": {"aws:ViaAWSService": "false"}}`, `{"Null": {"aws:CalledViaFirst": "true"}}`)},
		{name: "a service chain through a service", public: true, policy: allowPull(`{"Bool": {"aws:ViaAWSService": "true"}, "StringEquals": {"aws:CalledViaLast": "cloudformation.amazonaws.com"}}`)},
		{name: "a direct call without a chain", public: true, policy: allowPull(`{"Bool": {"aws:ViaAWSService": "false"}, "Null": {"aws:CalledVia": "true"}}`)},
		{name: "the whole of IPv4 denied leaves IPv6", public: true, policy: pullPolicy(
			`{"Effect": "Allow", "Principal": "*", "Action": "ecr:BatchGetImage"},
			 {"Effect": "Deny", "Principal": "*", "Action": "ecr:*", "Condition": {"IpAddress": {"aws:SourceIp": ["0.0.0.0/1", "128.0.0.0/1"]}}}`)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := analyzeDoc(t, tt.policy, tt.zone, scan)
			if r.Truncated {
				t.Fatal("truncated")
			}
			if got := !r.Public.Actions.Intersect(pull).Empty(); got != tt.public {
				t.Fatalf("public = %v, want %v (public actions %v)", got, tt.public, catalog.Default().Names(r.Public.Actions))
			}
			for _, p := range r.Public.Proofs {
				// Every proof replays to Allow through the evaluator.
				ps := &eval.PolicySet{Resource: r.Target.Policy, ResourceAccount: "111122223333", CallerAllowsAll: true}
				if d := eval.Evaluate(ps, &p.Witness.Request); d.Result != eval.Allow {
					t.Errorf("the proof %v replays to %v", p.Witness.Chosen, d.Result)
				}
			}
			if tt.deputy != "" && r.Deputies[tt.deputy] == nil {
				t.Errorf("no deputy %s: %v", tt.deputy, r.Deputies)
			}
			if tt.opens != "" {
				var got time.Time
				for _, at := range r.Opens {
					got = at
				}
				if got.UTC().Format(time.RFC3339) != tt.opens {
					t.Errorf("opens = %v, want %s", got, tt.opens)
				}
			} else if len(r.Opens) > 0 {
				t.Errorf("opens = %v, want none", r.Opens)
			}
		})
	}
}

// Outsiders the policy names, each once missed.
//   - Values in capitals under the IgnoreCase operators name what their
//     lower-case spelling does (IAM User Guide, "IAM JSON policy elements:
//     Condition operators": StringEqualsIgnoreCase is exact matching,
//     ignoring case), and organization ids and ARNs' prefixes are lower
//     case: an Allow for everyone behind a Deny "unless O-ABC123DEFG" read
//     as closed to all.
//   - An account pattern beside accounts named exactly: 4444* had two
//     instances, both denied.
//   - An OU under an organization pattern: no outsider picks its OU's id
//     (Organizations API Reference, OrganizationalUnit: ou- and the
//     root's id), so */ou-ab12-34567890/* names the members of one OU in
//     an organization the policy does not name; it was never tried. Nor
//     was one that a second path pattern must match too (o-*/r-ab12/*):
//     each pattern had a path of its own.
func TestNamedOutsidersReported(t *testing.T) {
	pull := catalog.Default().Lookup("ecr:BatchGetImage").Index
	for _, tc := range []struct{ name, policy, org, account string }{
		{"a Deny unless an organization in capitals", pullPolicy(`{"Effect": "Allow", "Principal": "*", "Action": "ecr:BatchGetImage"},
			{"Effect": "Deny", "Principal": "*", "Action": "*", "Condition": {"StringNotEqualsIgnoreCase": {"aws:PrincipalOrgID": "O-ABC123DEFG"}}}`), "o-abc123defg", ""},
		{"an Allow of an organization in capitals", allowPull(`{"StringEqualsIgnoreCase": {"aws:PrincipalOrgID": "O-ABC123DEFG"}}`), "o-abc123defg", ""},
		{"a Deny unless a role ARN in capitals", pullPolicy(`{"Effect": "Allow", "Principal": "*", "Action": "ecr:BatchGetImage"},
			{"Effect": "Deny", "Principal": "*", "Action": "*", "Condition": {"StringNotEqualsIgnoreCase": {"aws:PrincipalArn": "ARN:AWS:IAM::999988887777:ROLE/X"}}}`), "", "999988887777"},
		{"an account pattern beside denied accounts", pullPolicy(`{"Effect": "Allow", "Principal": "*", "Action": "ecr:BatchGetImage", "Condition": {"StringLike": {"aws:PrincipalAccount": "4444*"}}},
			{"Effect": "Deny", "Principal": "*", "Action": "ecr:*", "Condition": {"StringEquals": {"aws:PrincipalAccount": ["444400000000", "444477777777"]}}}`), "", "4444*"},
		{"an OU in any organization", allowPull(`{"ForAnyValue:StringLike": {"aws:PrincipalOrgPaths": "*/ou-ab12-34567890/*"}}`), "*/ou-ab12-34567890/*", ""},
		{"an OU under a root two patterns name", allowPull(`{"ForAllValues:StringLike": {"aws:PrincipalOrgPaths": "o-*/r-ab12/*"}, "ForAnyValue:StringLike": {"aws:PrincipalOrgPaths": "*/ou-ab12-34567890/*"}}`), "*/ou-ab12-34567890/*", ""},
		{"an OU under an organization pattern", allowPull(`{"ForAnyValue:StringLike": {"aws:PrincipalOrgPaths": "o-a1*/r-ab12/ou-ab12-34567890/*"}}`), "o-a1*/r-ab12/ou-ab12-34567890/*", ""},
		{"an OU past a leading *", allowPull(`{"ForAnyValue:StringLike": {"aws:PrincipalOrgPaths": "*ou-ab12-34567890/*"}}`), "*ou-ab12-34567890/*", ""},
		// Every OU is denied, and the made-up OU with it: the members
		// directly under the root are not.
		{"an organization whose OUs are denied", pullPolicy(`{"Effect": "Allow", "Principal": "*", "Action": "ecr:BatchGetImage", "Condition": {"StringEquals": {"aws:PrincipalOrgID": "o-a1b2c3d4e5"}}},
			{"Effect": "Deny", "Principal": "*", "Action": "ecr:*", "Condition": {"ForAnyValue:StringLike": {"aws:PrincipalOrgPaths": "*/ou-*"}}}`), "o-a1b2c3d4e5", ""},
	} {
		r := analyzeDoc(t, tc.policy, Zone{Account: "111122223333"}, time.Time{})
		var got *Access
		if tc.org != "" {
			got = r.Orgs[tc.org]
		} else {
			got = r.Accounts[tc.account]
		}
		if got == nil || !got.Actions.Has(pull) || r.Public.Actions.Has(pull) {
			t.Errorf("%s: want pull for %s%s alone, got orgs %v, accounts %v, public %v", tc.name, tc.org, tc.account,
				r.Orgs, r.Accounts, catalog.Default().Names(r.Public.Actions))
		}
	}
	// A trusted OU splits the paths a pattern names: ou-ab12-11111111* is
	// also ou-ab12-111111112, which is not trusted.
	r := analyzeDoc(t, allowPull(`{"ForAnyValue:StringLike": {"aws:PrincipalOrgPaths": "o-a1b2c3d4e5/r-ab12/ou-ab12-11111111*"}}`),
		Zone{Account: "111122223333", OrgPaths: []string{"o-a1b2c3d4e5/r-ab12/ou-ab12-11111111/"}}, time.Time{})
	if len(r.Orgs) == 0 {
		t.Errorf("an OU pattern beside a trusted OU it matches: nothing reported")
	}
	// The organizations of a pattern are named by the pattern alone, never
	// by an id ecrguard made up for them (o-a1xxxxxxxx once had a finding
	// of its own).
	r = analyzeDoc(t, allowPull(`{"StringLike": {"aws:PrincipalOrgID": "o-a1*"}}`), Zone{Account: "111122223333"}, time.Time{})
	for label := range r.Orgs {
		if label != "o-a1*" {
			t.Errorf("an organization pattern: reported as %s", label)
		}
	}
}

// --at moves the moment the world fixes: a window open at one time is
// closed at another.
func TestAt(t *testing.T) {
	src := allowPull(`{"DateLessThan": {"aws:CurrentTime": "2027-01-01T00:00:00Z"}}`)
	pull := catalog.Default().MatchSet("ecr:BatchGetImage")
	if r := analyzeDoc(t, src, Zone{}, time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC)); r.Public.Actions.Intersect(pull).Empty() {
		t.Error("before the window closes, pull is public")
	}
	if r := analyzeDoc(t, src, Zone{}, time.Date(2027, 6, 1, 0, 0, 0, 0, time.UTC)); !r.Public.Actions.Empty() {
		t.Error("after the window closes, nothing is public")
	}
}

// A role's caller picks one session name for every statement (IAM User
// Guide, "AWS JSON policy elements: Principal", role session principals;
// "AWS global condition context keys", aws:userid ends in the session
// name): a Deny of one session of a granted role leaves its other sessions
// in; one session granted and denied leaves none.
func TestRoleSessionsPickOneName(t *testing.T) {
	const role = "arn:aws:iam::444455556666:role/R"
	session := func(name string) string { return "arn:aws:sts::444455556666:assumed-role/R/" + name }
	statement := func(effect, principal, condition string) string {
		return `{"Effect": "` + effect + `", "Principal": {"AWS": "` + principal + `"}, "Action": "ecr:BatchGetImage"` + condition + `}`
	}
	pull := catalog.Default().Lookup("ecr:BatchGetImage").Index
	for _, tc := range []struct {
		name, policy string
		want         bool
	}{
		{"the role granted, one session denied", pullPolicy(statement("Allow", role, "") + "," + statement("Deny", session("s"), "")), true},
		{"the role granted and denied", pullPolicy(statement("Allow", session("s"), "") + "," + statement("Deny", role, "")), false},
		{"one session granted and denied", pullPolicy(statement("Allow", session("s"), "") + "," + statement("Deny", session("s"), "")), false},
		{"one session granted, another denied", pullPolicy(statement("Allow", session("s"), "") + "," + statement("Deny", session("t"), "")), true},
		{"one session granted, its aws:userid denied", pullPolicy(statement("Allow", session("s"), "") + "," +
			statement("Deny", role, `, "Condition": {"StringLike": {"aws:userid": "*:s"}}`)), false},
		// The names not listed are still picked by region: ci-x-prod
		// matches both patterns.
		{"a session listed, another's name meets two patterns", pullPolicy(statement("Allow", role, `, "Condition": {"StringLike": {"aws:userid": "*:ci-*"}}`) + "," +
			`{"Effect": "Deny", "Principal": "*", "Action": "ecr:BatchGetImage", "Condition": {"StringNotLike": {"aws:userid": "*-prod"}}},` +
			statement("Allow", session("deploy"), `, "Condition": {"Bool": {"aws:SecureTransport": "false"}}`)), true},
		{"a session listed, another's name is in a pattern but not its prefix", pullPolicy(statement("Allow", role, `, "Condition": {"StringLike": {"aws:userid": "*:ci-*"}}`) + "," +
			statement("Deny", role, `, "Condition": {"StringLike": {"aws:userid": "*:ci-"}}`) + "," + statement("Deny", session("deploy"), "")), true},
		// A session's name has no colon (AWS STS API Reference,
		// AssumeRole, RoleSessionName): "x:deploy" is no session's.
		// An account named only in aws:userid (a federated user's
		// ACCOUNT:NAME) is named too.
		{"a federated user named in aws:userid alone", pullPolicy(`{"Effect": "Allow", "Principal": "*", "Action": "ecr:BatchGetImage", "Condition": {"StringEquals": {"aws:userid": "444455556666:Ka"}}}`), true},
		{"one session granted by aws:userid and denied", pullPolicy(statement("Allow", role, `, "Condition": {"StringLike": {"aws:userid": "*:deploy"}}`) + "," +
			statement("Deny", session("deploy"), "")), false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res := analyzeDoc(t, tc.policy, Zone{}, time.Time{})
			acc := res.Accounts["444455556666"]
			if got := acc != nil && acc.Actions.Has(pull); got != tc.want {
				t.Errorf("444455556666 can pull: %v, want %v", got, tc.want)
			}
		})
	}
}

// A name a caller picks is never empty: the names outside every pattern
// are still picked when the shortest of them is the empty string (bob has
// no hyphen).
func TestPickedNamesAreNotEmpty(t *testing.T) {
	res := analyzeDoc(t, pullPolicy(
		`{"Effect": "Allow", "Principal": "*", "Action": "ecr:BatchGetImage", "Condition": {"StringEquals": {"aws:PrincipalType": "User"}}},
		 {"Effect": "Deny", "Principal": "*", "Action": "ecr:BatchGetImage", "Condition": {"StringLike": {"aws:username": "*-*"}}}`), Zone{}, time.Time{})
	if !res.Public.Actions.Has(catalog.Default().Lookup("ecr:BatchGetImage").Index) {
		t.Error("any IAM user whose name has no hyphen can pull, but it is not reported public")
	}
	// The patterns name every character ecrguard tries first: the session
	// bob still has none of them.
	res = analyzeDoc(t, pullPolicy(
		`{"Effect": "Allow", "Principal": "*", "Action": "ecr:BatchGetImage", "Condition": {"StringEquals": {"aws:PrincipalType": "AssumedRole"}}},
		 {"Effect": "Deny", "Principal": "*", "Action": "ecr:BatchGetImage", "Condition": {"StringLike": {"aws:userid": ["*:*x*", "*:*z*", "*:*q*", "*:*0*", "*:*_*", "*:*-*", "*:*~*"]}}}`), Zone{}, time.Time{})
	if !res.Public.Actions.Has(catalog.Default().Lookup("ecr:BatchGetImage").Index) {
		t.Error("any role session whose name has none of xzq0_-~ can pull, but it is not reported public")
	}
}

// A name a caller picks is one AWS allows: a session or federated user name
// has letters, digits and _+=,.@- only, at least two (AWS STS API
// Reference, AssumeRole RoleSessionName, GetFederationToken Name).
func TestPickedNamesAreValid(t *testing.T) {
	pull := catalog.Default().Lookup("ecr:BatchGetImage").Index
	for name, cond := range map[string]string{
		"a federated user named a~b": `{"ArnLike": {"aws:PrincipalArn": "arn:aws:sts::*:federated-user/a~b"}}`,
		"a one-letter session":       `{"StringEquals": {"aws:PrincipalType": "AssumedRole"}, "StringLike": {"aws:userid": "*:?"}}`,
		"a session with a colon":     `{"StringLike": {"aws:userid": "*:*:*"}, "StringEquals": {"aws:PrincipalType": "AssumedRole"}}`,
		"a user name with a slash":   `{"StringLike": {"aws:username": "a/*"}}`,
		"a user name that is empty":  `{"ArnLike": {"aws:PrincipalArn": "arn:aws:iam::*:user/*"}, "StringNotLike": {"aws:username": "?*"}}`,
	} {
		res := analyzeDoc(t, pullPolicy(`{"Effect": "Allow", "Principal": "*", "Action": "ecr:BatchGetImage", "Condition": `+cond+`}`), Zone{}, time.Time{})
		if res.Public.Actions.Has(pull) {
			t.Errorf("%s: reported public, but no such caller exists", name)
		}
	}
}

// A user name is the last segment of the user's ARN: a pattern's '?' does
// not match the '/' of the path before it. The user /a/bbb can pull.
func TestUserNameIsTheLastSegment(t *testing.T) {
	res := analyzeDoc(t, pullPolicy(
		`{"Effect": "Allow", "Principal": "*", "Action": "ecr:BatchGetImage", "Condition": {"StringLike": {"aws:username": "?bb*"}, "ArnNotLike": {"aws:PrincipalArn": "arn:aws:iam::*:user/b*b"}}},
		 {"Effect": "Deny", "Principal": "*", "Action": "ecr:BatchGetImage", "Condition": {"StringNotLike": {"aws:username": "b??"}}}`), Zone{}, time.Time{})
	if !res.Public.Actions.Has(catalog.Default().Lookup("ecr:BatchGetImage").Index) {
		t.Error("the IAM user /a/bbb can pull, but it is not reported public")
	}
}

// What stands for an outsider the policy does not name is a value the
// policy does not name. Reviewers' cases (older): a Deny of the accounts
// 7777*, the stand-in's, hid a public grant from scan and diff alike; a
// Deny of the stand-in's role name hid an account's access; a Deny of
// organizations like o-e*, the stand-in's, hid every other organization's
// members; a Deny of the other stand-ins (a made-up unique id, the
// any-service name, the made-up source ARN or OU path) made scan say "no
// findings". The account, name and organization are now chosen away from
// the policy's values; where none is left, or a value matches one of the
// other stand-ins in particular, the result says those outsiders were not
// judged (a coverage gap).
func TestStandInsAreUnnamed(t *testing.T) {
	pull := catalog.Default().Lookup("ecr:BatchGetImage").Index
	// allowDeny judges anyone's pull (when allow holds, if given) beside a
	// Deny of everything when deny holds.
	allowDeny := func(allow, deny string) *Result {
		if allow != "" {
			allow = `, "Condition": ` + allow
		}
		return analyzeDoc(t, pullPolicy(`{"Effect": "Allow", "Principal": "*", "Action": "ecr:BatchGetImage"`+allow+`},
			{"Effect": "Deny", "Principal": "*", "Action": "ecr:*", "Condition": `+deny+`}`), Zone{}, time.Time{})
	}
	quoted := func(prefixes []string, n int) string {
		var out []string
		for _, p := range prefixes {
			out = append(out, `"`+p[:n]+`*"`)
		}
		return strings.Join(out, ",")
	}
	anyOrg := `{"Null": {"aws:PrincipalOrgID": "false"}}`
	for _, tc := range []struct {
		name, allow, deny string
		public            bool   // anyone can pull
		unjudged          string // in the result's Unjudged ("" for none)
	}{
		{"a Deny of accounts like the stand-in's", "", `{"StringLike": {"aws:PrincipalAccount": "7777*"}}`, true, ""},
		{"a Deny of every stand-in account", "", `{"StringLike": {"aws:PrincipalAccount": [` + quoted(freshAccounts, 1) + `]}}`, false, "every account"},
		{"a Deny of organizations like the stand-in's", anyOrg, `{"StringLike": {"aws:PrincipalOrgID": "o-e*"}}`, true, ""},
		{"a Deny of every stand-in organization", anyOrg, `{"StringLike": {"aws:PrincipalOrgID": [` + quoted(freshOrgs, 3) + `]}}`, false, "organization patterns"},
		{"a made-up role id", "", `{"StringLike": {"aws:userid": "AROAECRG*"}}`, false, "made up to stand for every outsider"},
		{"a made-up user id", "", `{"StringLike": {"aws:userid": "AIDAECRG*"}}`, false, "made up to stand for every outsider"},
		{"the any-service name", "", `{"StringEquals": {"aws:PrincipalServiceName": "ecrguard-any-service.amazonaws.com"}}`, true, ""},
		{"a Deny of every any-service name", "", `{"StringLike": {"aws:PrincipalServiceName": [` + quoted(freshServices, 2) + `]}}`, true, ""},
		{"a service name read from a variable", "", `{"StringLike": {"aws:PrincipalServiceName": "${aws:SourceAccount}*"}}`, true, "reads a policy variable"},
		{"a source ARN read from a variable", "", `{"ArnLike": {"aws:SourceArn": "arn:aws:*:*:*:${aws:PrincipalTag/team}"}}`, true, "reads a policy variable"},
		{"the made-up source ARN", "", `{"ArnLike": {"aws:SourceArn": "arn:aws:ecrguard:*"}}`, false, "made up to stand for every outsider"},
		{"the made-up OU path", "", `{"ForAnyValue:StringLike": {"aws:PrincipalOrgPaths": "*/r-ecrg/*"}}`, false, "made up to stand for every outsider"},
		{"a pattern of every role session", "", `{"StringLike": {"aws:userid": "AROA*:*"}}`, false, ""},
		{"a pattern of the role ids with an E", "", `{"StringLike": {"aws:userid": "AROA*E*:*"}}`, false, "made up to stand for every outsider"},
		{"a pattern of the sources in one region", "", `{"ArnLike": {"aws:SourceArn": "arn:aws:*:us-east-1:*"}}`, false, "made up to stand for every outsider"},
		{"a Deny of organizations the stand-in is not in", anyOrg, `{"StringLike": {"aws:PrincipalOrgID": "o-zzz*"}}`, true, ""},
	} {
		res := allowDeny(tc.allow, tc.deny)
		if tc.public && !res.Public.Actions.Has(pull) {
			t.Errorf("%s: anyone else can pull, but it is not reported public", tc.name)
		}
		if tc.unjudged == "" && res.Unjudged != "" || tc.unjudged != "" && !strings.Contains(res.Unjudged, tc.unjudged) {
			t.Errorf("%s: unjudged %q, want %q", tc.name, res.Unjudged, tc.unjudged)
		}
	}
	// A Deny of the stand-in's role name.
	res := analyzeDoc(t, pullPolicy(
		`{"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::444455556666:root"}, "Action": "ecr:BatchGetImage"},
		 {"Effect": "Deny", "Principal": {"AWS": "arn:aws:iam::444455556666:role/ecrguard-outsider"}, "Action": "ecr:*"}`), Zone{}, time.Time{})
	if acc := res.Accounts["444455556666"]; acc == nil || !acc.Actions.Has(pull) {
		t.Error("any principal of 444455556666 but one role can pull, but the account is not reported")
	}
	// A pattern every organization matches leaves none unnamed: no gap.
	res = analyzeDoc(t, allowPull(`{"StringLike": {"aws:PrincipalOrgID": "o-*"}}`), Zone{}, time.Time{})
	if res.Unjudged != "" || !res.Public.Actions.Has(pull) {
		t.Errorf("any organization's member can pull: public %v, unjudged %q", res.Public.Actions.Has(pull), res.Unjudged)
	}
	// Null's values are true and false, not service names.
	res = analyzeDoc(t, allowPull(`{"Null": {"aws:PrincipalServiceName": "false"}}`), Zone{}, time.Time{})
	if _, ok := res.Deputies["false"]; ok {
		t.Error(`Null's "false" is taken for a service name`)
	}
}

// What an AWS service can do acting for a named account or organization is
// the service's, not the account root's or the organization's: who-can once
// listed arn:aws:iam::999988887777:root (and o-a1b2c3d4e5) for
// ecr:SetRepositoryPolicy, which only codebuild acting for them can do.
func TestServiceActingForAnAccountIsNotItsRoot(t *testing.T) {
	r := analyzeDoc(t, pullPolicy(`{"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::999988887777:root"}, "Action": "ecr:BatchGetImage"},
		{"Effect": "Allow", "Principal": {"Service": "codebuild.amazonaws.com"}, "Action": "ecr:SetRepositoryPolicy"},
		{"Effect": "Allow", "Principal": "*", "Action": "ecr:BatchGetImage", "Condition": {"StringEquals": {"aws:PrincipalOrgID": "o-a1b2c3d4e5"}}},
		{"Effect": "Allow", "Principal": {"Service": "codebuild.amazonaws.com"}, "Action": "ecr:PutImage", "Condition": {"StringEquals": {"aws:SourceOrgID": "o-a1b2c3d4e5"}}},
		{"Effect": "Allow", "Principal": "*", "Action": "ecr:PutImage", "Condition": {"ForAnyValue:StringLike": {"aws:PrincipalOrgPaths": "o-a1b2c3d4e5/r-ab12/ou-ab12-11111111/*"}}}`), Zone{}, time.Time{})
	cat := catalog.Default()
	// The OU's members push, which the organization's do not (only the
	// service acting for them does): the OU keeps its record.
	var pushes bool
	for label, acc := range r.Orgs {
		pushes = pushes || strings.HasPrefix(label, "o-a1b2c3d4e5/") && acc.Principals[label].Has(cat.Lookup("ecr:PutImage").Index)
	}
	if !pushes {
		t.Errorf("the OU's members' push is not recorded: %v", r.Orgs)
	}
	for _, c := range []struct {
		acc          *Access
		own, special string
	}{
		{r.Accounts["999988887777"], "arn:aws:iam::999988887777:root", "ecr:SetRepositoryPolicy"},
		{r.Orgs["o-a1b2c3d4e5"], "o-a1b2c3d4e5", "ecr:PutImage"},
	} {
		if c.acc == nil {
			t.Fatalf("no access for %s: %v %v", c.own, r.Accounts, r.Orgs)
		}
		own, svc := c.acc.Principals[c.own], c.acc.Principals["service:codebuild.amazonaws.com"]
		if !own.Has(cat.Lookup("ecr:BatchGetImage").Index) || own.Has(cat.Lookup(c.special).Index) || !svc.Has(cat.Lookup(c.special).Index) {
			t.Errorf("%s can %v, the service %v; want pull for the first, %s for the service alone", c.own, cat.Names(own), cat.Names(svc), c.special)
		}
	}
}
