package exposure

import (
	"maps"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/ecrguard/ecrguard/catalog"
)

// TestPatternsOverWhoReachOutsiders checks conditions whose values are
// patterns over accounts, organizations, ARNs or network ids: a pattern
// that reaches past the zone of trust lets outsiders in, and the analysis
// must find them (a string matcher, and an analysis that only instantiates
// exact ids, report nothing). IAM User Guide, "IAM JSON policy elements:
// Condition operators" (StringLike, ArnLike: * and ? wildcards), "AWS global
// condition context keys" (aws:PrincipalAccount, aws:PrincipalOrgID,
// aws:SourceVpce), and "IAM policy elements: Variables and tags".
func TestPatternsOverWhoReachOutsiders(t *testing.T) {
	zone := Zone{Account: "111122223333", Accounts: []string{"444455556666"}}
	tests := []struct {
		name, policy string
		public       bool // else: some untrusted account or organization
	}{
		{"account pattern with ?", allowPull(`{"StringLike":{"aws:PrincipalAccount":"9999888877?7"}}`), false},
		{"account pattern in a principal ARN", allowPull(`{"ArnLike":{"aws:PrincipalArn":"arn:aws:iam::99998888*:role/x"}}`), false},
		{"pattern next to a trusted account", allowPull(`{"ArnLike":{"aws:PrincipalArn":"arn:aws:iam::44445555666?:role/x"}}`), false},
		// A pattern of fewer than six parts is matched whole, its "*"
		// taking colons (the account field and all after it): the callers
		// of every account 9999… were let in, and none of them was tried.
		{"principal ARN pattern of fewer parts", allowPull(`{"StringLike":{"aws:PrincipalArn":"arn:aws:iam::9999*"}}`), false},
		{"principal ARN pattern of fewer parts under ArnLike", allowPull(`{"ArnLike":{"aws:PrincipalArn":"arn:aws:iam::9999*"}}`), false},
		// A variable's default is its value in a request without the key
		// (IAM User Guide, "IAM policy elements: Variables and tags"):
		// an outsider's request has no aws:SourceAccount, so the value
		// names 999988887777, which was never tried.
		{"an account as a variable's default", allowPull(`{"StringEquals":{"aws:PrincipalAccount":"${aws:SourceAccount, '999988887777'}"}}`), false},
		{"an organization as a variable's default", allowPull(`{"StringEquals":{"aws:PrincipalOrgID":"${aws:SourceOrgID, 'o-abc123defg'}"}}`), false},
		{"deny unless an account a variable's default names", pullUnless("", `{"StringNotEquals":{"aws:PrincipalAccount":"${aws:SourceAccount, '999988887777'}"}}`), false},
		{"deny unless a principal ARN pattern of fewer parts", pullUnless("", `{"StringNotLike":{"aws:PrincipalArn":"arn:aws:iam::9999*"}}`), false},
		{"organization pattern", allowPull(`{"StringLike":{"aws:PrincipalOrgID":"o-abc*"}}`), false},
		{"any endpoint id", allowPull(`{"StringLike":{"aws:SourceVpce":"vpce-*"}}`), true},
		{"any VPC id", allowPull(`{"StringLike":{"aws:SourceVpc":"vpc-*"}}`), true},
		{"the caller's own account as a variable", allowPull(`{"ArnLike":{"aws:PrincipalArn":"arn:aws:iam::${aws:PrincipalAccount}:role/x"}}`), true},
		{"any account's session named alice", allowPull(`{"StringLike":{"aws:userid":"*:alice"}}`), true},
		{"deny unless a pattern of accounts", pullUnless("", `{"StringNotLike":{"aws:PrincipalAccount":"99998888*"}}`), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := Analyze(target(t, tt.policy), zone)
			if tt.public {
				if r.Public.Actions.Empty() {
					t.Fatalf("not public; accounts %v orgs %v", r.Accounts, r.Orgs)
				}
				return
			}
			if r.Outsiders().Empty() {
				t.Fatalf("no outsider gets in; trusted %v", r.Trusted)
			}
		})
	}
	// A specific user id is nobody an outsider can be.
	if r := Analyze(target(t, allowPull(`{"StringEquals":{"aws:userid":"AIDAEXAMPLEUSERID"}}`)), zone); !r.Public.Actions.Empty() {
		t.Error("a specific aws:userid was judged public")
	}
	// An organization let in whole is one grant, not one per path.
	r0 := Analyze(target(t, allowPull(`{"ForAnyValue:StringLike":{"aws:PrincipalOrgPaths":"o-abc123defg/*"}}`)), zone)
	if len(r0.Orgs) != 1 || r0.Orgs["o-abc123defg"] == nil {
		t.Errorf("organizations = %v, want o-abc123defg alone", r0.Orgs)
	}
	// A specific endpoint id restricts: only who uses that endpoint gets in.
	r := Analyze(target(t, allowPull(`{"StringLike":{"aws:SourceVpce":"vpce-0a1b2c3d*"}}`)), zone)
	if !r.Public.Actions.Empty() {
		t.Error("a specific endpoint pattern was judged public")
	}
}

// TestOrganizationIDsThatCannotExist follows the AWS Organizations API
// Reference, "Organization" (Id pattern ^o-[a-z0-9]{10,32}$): a value that
// no organization id can be names no organization, so no untrusted
// organization (ECR003) is reported for it; a pattern names an instance of
// the ids it matches, unless it matches them all.
func TestOrganizationIDsThatCannotExist(t *testing.T) {
	tests := []struct{ in, want string }{
		{"o-a1b2c3d4e5", "o-a1b2c3d4e5"},
		{"o-abc", ""},
		{"o-A1B2C3D4E5", ""},
		{"o-abc*", "o-abcxxxxxxx"},
		// Every id: no organization in particular (o-xxxxxxxxxx was once
		// reported as an untrusted organization of its own).
		{"o-*", ""},
		{"o-ab??", ""},
		{"x-*", ""},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			if got := orgInstance(tt.in); got != tt.want {
				t.Errorf("orgInstance(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
	zone := Zone{Account: "111122223333"}
	policy := allowPull(`{"StringEquals":{"aws:PrincipalOrgID":"o-abc"}}`)
	if r := Analyze(target(t, policy), zone); len(r.Orgs) != 0 || !r.Public.Actions.Empty() {
		t.Errorf("an impossible organization id: organizations %v, public %v", r.Orgs, !r.Public.Actions.Empty())
	}
}

// An organization id pattern that the trusted organization's id begins
// lets in every longer id (ids have 10 to 32 characters after "o-"): its
// one shortest instance was the trusted organization, and the others went
// unreported. Reports name the pattern, not a made-up id.
func TestOrgPatternBeyondTheTrustedOrg(t *testing.T) {
	pull := catalog.Default().Lookup("ecr:BatchGetImage").Index
	zone := Zone{OrgIDs: []string{"o-abc123defg"}}
	for _, cond := range []string{
		`{"StringLike": {"aws:PrincipalOrgID": "o-abc123defg*"}}`,
		`{"ForAnyValue:StringLike": {"aws:PrincipalOrgPaths": "o-abc123defg*"}}`,
	} {
		res := analyzeDoc(t, allowPull(cond), zone, time.Time{})
		if acc := res.Orgs["o-abc123defg*"]; acc == nil || !acc.Actions.Has(pull) {
			t.Errorf("%s: orgs %v, want o-abc123defg* able to pull", cond, slices.Sorted(maps.Keys(res.Orgs)))
		}
	}
	// The trusted organization alone is not reported.
	res := analyzeDoc(t, allowPull(`{"StringEquals": {"aws:PrincipalOrgID": "o-abc123defg"}}`), zone, time.Time{})
	if len(res.Orgs) != 0 || !res.Public.Actions.Empty() {
		t.Errorf("the trusted organization: orgs %v, public %v", slices.Sorted(maps.Keys(res.Orgs)), res.Public.Actions)
	}
}

// Source ARN patterns that split the resources services act for into more
// cases than are tried are said to leave services unjudged, not dropped in
// silence.
func TestSourcePatternsBeyondTheBound(t *testing.T) {
	var pats []string
	for i := range 40 {
		n := strconv.Itoa(i)
		pats = append(pats, `"arn:aws:svc`+n+`:region`+n+`:*:res`+n+`*"`)
	}
	res := analyzeDoc(t, pullPolicy(`{"Effect": "Allow", "Principal": {"Service": "s3.amazonaws.com"}, "Action": "ecr:BatchGetImage", "Condition": {"ArnLike": {"aws:SourceArn": [`+strings.Join(pats, ", ")+`]}}}`), Zone{}, time.Time{})
	if !strings.Contains(res.Unjudged, "aws:SourceArn") {
		t.Errorf("unjudged %q, want the source ARN patterns named", res.Unjudged)
	}
	// A few patterns are judged.
	res = analyzeDoc(t, pullPolicy(`{"Effect": "Allow", "Principal": {"Service": "s3.amazonaws.com"}, "Action": "ecr:BatchGetImage", "Condition": {"ArnLike": {"aws:SourceArn": [`+strings.Join(pats[:3], ", ")+`]}}}`), Zone{}, time.Time{})
	if res.Unjudged != "" {
		t.Errorf("three patterns: unjudged %q", res.Unjudged)
	}
}

// An account id compared as a number (IAM User Guide, "IAM JSON policy
// elements: Condition operators": numeric condition operators) splits the
// accounts at its value: NumericLessThan aws:PrincipalAccount 200000000000
// let in every account below it, none of which was tried, and the scan
// reported nothing. The accounts are not split so: the result says they
// were not all judged.
func TestAccountsComparedInOrder(t *testing.T) {
	for _, cond := range []string{
		`{"NumericLessThan": {"aws:PrincipalAccount": "200000000000"}}`,
		`{"NumericGreaterThanEquals": {"aws:userid": "200000000000"}}`,
		`{"DateLessThan": {"aws:SourceAccount": "200000000000"}}`,
	} {
		res := analyzeDoc(t, allowPull(cond), Zone{}, time.Time{})
		if !strings.Contains(res.Unjudged, "compares account ids in order") {
			t.Errorf("%s: unjudged %q, want the accounts said not all judged", cond, res.Unjudged)
		}
	}
	// A string comparison of the id is split exactly: no gap.
	if res := analyzeDoc(t, allowPull(`{"StringLike": {"aws:PrincipalAccount": "2*"}}`), Zone{}, time.Time{}); res.Unjudged != "" {
		t.Errorf("a pattern of accounts: unjudged %q", res.Unjudged)
	}
}

// A role session's ARN (arn:aws:sts::A:assumed-role/ROLE/SESSION) does not
// hold its role's path, which aws:PrincipalArn does (IAM User Guide, "IAM
// identifiers"; "AWS global condition context keys", aws:PrincipalArn):
// the session of a role admin under the path /ops/ met the ArnNotLike
// below and could pull, but only a role with no path was judged, and
// nothing was reported. The result says so.
func TestNamedSessionOfARoleWithAPath(t *testing.T) {
	session := `{"Effect": "Allow", "Principal": {"AWS": "arn:aws:sts::444455556666:assumed-role/admin/ops"}, "Action": "ecr:BatchGetImage"`
	res := analyzeDoc(t, pullPolicy(session+`, "Condition": {"ArnNotLike": {"aws:PrincipalArn": "arn:aws:iam::*:role/admin"}}}`), Zone{}, time.Time{})
	if !strings.Contains(res.Unjudged, "role's path") {
		t.Errorf("unjudged %q, want the role's path named", res.Unjudged)
	}
	// A Deny of the role admin (no path) does not deny the sessions of
	// /ops/admin.
	res = analyzeDoc(t, pullPolicy(session+`}, {"Effect": "Deny", "Principal": {"AWS": "arn:aws:iam::444455556666:role/admin"}, "Action": "ecr:*"}`), Zone{}, time.Time{})
	if !strings.Contains(res.Unjudged, "role's path") {
		t.Errorf("a Deny of the role by its ARN: unjudged %q, want the role's path named", res.Unjudged)
	}
	// A session of the owner's account is no outsider.
	own := strings.ReplaceAll(session, "444455556666", "111122223333")
	if res := analyzeDoc(t, pullPolicy(own+`, "Condition": {"ArnNotLike": {"aws:PrincipalArn": "arn:aws:iam::*:role/admin"}}}`), Zone{}, time.Time{}); res.Unjudged != "" {
		t.Errorf("a session of the owner's: unjudged %q", res.Unjudged)
	}
	// Without a test of aws:PrincipalArn the path changes nothing.
	if res := analyzeDoc(t, pullPolicy(session+`}`), Zone{}, time.Time{}); res.Unjudged != "" {
		t.Errorf("a session alone: unjudged %q", res.Unjudged)
	}
}

// Each account is scoped to one partition, and the outsiders ecrguard
// tries are principals of the aws partition (IAM User Guide, "Identify AWS
// resources with Amazon Resource Names (ARNs)": the partition is aws-cn in
// the China Regions, aws-us-gov in AWS GovCloud (US)). A repository of
// another partition, named by its ARN (a live read, a snapshot) or by its
// region alone (a file read with --region cn-north-1), is not judged for
// its own partition's outsiders: a gap says so. Its grant to an account of
// aws-cn was reported as nothing at all.
func TestOtherPartitionIsAGap(t *testing.T) {
	grant := allowPull(`{"Bool":{"aws:SecureTransport":"true"}}`)
	for _, tc := range []struct{ arn, region, partition string }{
		{"arn:aws-cn:ecr:cn-north-1:111122223333:repository/app", "cn-north-1", "aws-cn"},
		{"arn:aws:ecr:us-gov-west-1:111122223333:repository/app", "us-gov-west-1", "aws-us-gov"},
		{"arn:aws:ecr:eu-west-1:111122223333:repository/app", "eu-west-1", ""},
	} {
		tg := target(t, strings.ReplaceAll(grant, `"Principal": "*"`, `"Principal": {"AWS": "arn:aws-cn:iam::444455556666:root"}`))
		tg.ARN, tg.Region = tc.arn, tc.region
		r := Analyze(tg, Zone{Account: "111122223333"})
		if got := strings.Contains(r.Unjudged, "partition "+tc.partition+","); got != (tc.partition != "") {
			t.Errorf("%s: Unjudged = %q, want a gap naming partition %q", tc.arn, r.Unjudged, tc.partition)
		}
	}
}
