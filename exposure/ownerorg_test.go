package exposure

import (
	"maps"
	"slices"
	"testing"

	"github.com/ecrguard/ecrguard/catalog"
	"github.com/ecrguard/ecrguard/eval"
	"github.com/ecrguard/ecrguard/policy"
)

// TestOwnerOrgUnknown: with no trusted.org_ids and no OrgID, the owner's
// organization is none or one the inputs do not name (ownerorg.go), and
// any caller may be in it. IAM User Guide, "AWS global condition context
// keys": aws:ResourceOrgID is the organization of the account that owns
// the resource, and "IAM policy elements: Variables and tags": global keys
// can be used as variables, which is how AWS's data-perimeter policies
// compare aws:PrincipalOrgID with ${aws:ResourceOrgID}. AWS Organizations
// User Guide, "Resource control policy examples" ("Cross-service confused
// deputy protection"): StringNotEqualsIfExists on aws:SourceOrgID, with
// aws:PrincipalIsAWSService true and aws:SourceAccount present.
func TestOwnerOrgUnknown(t *testing.T) {
	cat := catalog.Default()
	get := cat.MatchSet("ecr:BatchGetImage")
	sameOrg := `{"Sid": "SameOrgOnly", "Effect": "Deny", "Principal": "*", "Action": "ecr:*", "Condition": {"StringNotEquals": {"aws:PrincipalOrgID": "${aws:ResourceOrgID}"}}}`
	deputyRCP := rcpDoc(`{"Sid": "EnforceConfusedDeputyProtection", "Effect": "Deny", "Principal": "*", "Action": "ecr:*", "Resource": "*",
		"Condition": {"StringNotEqualsIfExists": {"aws:SourceOrgID": "${aws:ResourceOrgID}"}, "Bool": {"aws:PrincipalIsAWSService": "true"}, "Null": {"aws:SourceAccount": "false"}}}`)
	codebuild := `{"Version": "2012-10-17", "Statement": [{"Sid": "Build", "Effect": "Allow", "Principal": {"Service": "codebuild.amazonaws.com"}, "Action": "ecr:BatchGetImage"}]}`
	tests := []struct {
		name     string
		policy   string
		rcps     []string
		zone     Zone
		public   catalog.ActionSet
		accounts []string
		orgs     []string
		deputies []string
		// sourceOrg: the proof of the owner's organization is a service's,
		// acting for an account of the owner's organization.
		sourceOrg bool
	}{
		{name: "a named account may be in the owner's organization",
			policy:   `{"Version": "2012-10-17", "Statement": [{"Sid": "PartnerPull", "Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::999988887777:root"}, "Action": "ecr:BatchGetImage"}, ` + sameOrg + `]}`,
			accounts: []string{"999988887777"}},
		{name: "the partner, with the owner's organization trusted", zone: Zone{OrgIDs: []string{"o-a1b2c3d4e5"}},
			policy: `{"Version": "2012-10-17", "Statement": [{"Sid": "PartnerPull", "Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::999988887777:root"}, "Action": "ecr:BatchGetImage"}, ` + sameOrg + `]}`},
		{name: "Principal * is the owner's organization, not the public",
			policy: `{"Version": "2012-10-17", "Statement": [{"Sid": "AnyPull", "Effect": "Allow", "Principal": "*", "Action": "ecr:BatchGetImage"}, ` + sameOrg + `]}`,
			orgs:   []string{OwnerOrgLabel}},
		{name: "Principal *, with the owner's organization trusted", zone: Zone{OrgIDs: []string{"o-a1b2c3d4e5"}},
			policy: `{"Version": "2012-10-17", "Statement": [{"Sid": "AnyPull", "Effect": "Allow", "Principal": "*", "Action": "ecr:BatchGetImage"}, ` + sameOrg + `]}`},
		{name: "the owner may be in no organization",
			policy: `{"Version": "2012-10-17", "Statement": [{"Sid": "NoOrg", "Effect": "Allow", "Principal": "*", "Action": "ecr:BatchGetImage", "Condition": {"Null": {"aws:ResourceOrgID": "true"}}}]}`,
			public: get},
		{name: "the owner may be in an organization the policy names",
			policy: `{"Version": "2012-10-17", "Statement": [{"Sid": "ThatOrg", "Effect": "Allow", "Principal": "*", "Action": "ecr:BatchGetImage", "Condition": {"StringEquals": {"aws:ResourceOrgID": "o-9z8y7x6w5v"}}}]}`,
			public: get},
		{name: "the owner may be in an OU the policy names",
			policy: `{"Version": "2012-10-17", "Statement": [{"Sid": "ThatOU", "Effect": "Allow", "Principal": "*", "Action": "ecr:BatchGetImage", "Condition": {"StringLike": {"aws:ResourceOrgPaths": "*/ou-ab12-34567890/*"}}}]}`,
			public: get},
		// Found by the exposure property test: each condition alone names a
		// world, but the owner may be in the named organization and in the
		// named OU at once.
		{name: "the owner may be in the organization one condition names and the OU another names",
			policy: `{"Version": "2012-10-17", "Statement": [{"Sid": "OrgAndOU", "Effect": "Allow", "Principal": "*", "Action": "ecr:BatchGetImage", "Condition": {"StringEquals": {"aws:ResourceOrgID": "o-9z8y7x6w5v"}, "StringLike": {"aws:ResourceOrgPaths": "*/ou-ab12-34567890/*"}}}]}`,
			public: get},
		// Found by the exposure property test once its callers were drawn
		// from the organization the policies name: the organization an
		// "our organization only" grant names is most likely the owner's,
		// and then its members get the grant.
		{name: "the owner may be in the organization a grant names for its callers",
			policy: `{"Version": "2012-10-17", "Statement": [{"Sid": "OurOrg", "Effect": "Allow", "Principal": "*", "Action": "ecr:BatchGetImage", "Condition": {"StringEquals": {"aws:PrincipalOrgID": "o-a1b2c3d4e5"}}}, ` + sameOrg + `]}`,
			orgs:   []string{"o-a1b2c3d4e5"}},
		// Found by a differential hunt: a variable's default is what a
		// caller's request without the key compares with (IAM User Guide,
		// "IAM policy elements: Variables and tags"), so the grant names
		// o-a1b2c3d4e5 as the one above does; that the owner may be in it
		// was not tried, and its members' access went unreported.
		{name: "the owner may be in the organization a variable's default names",
			policy: `{"Version": "2012-10-17", "Statement": [{"Sid": "OurOrg", "Effect": "Allow", "Principal": "*", "Action": "ecr:BatchGetImage", "Condition": {"StringEquals": {"aws:PrincipalOrgID": "${aws:SourceOrgID, 'o-a1b2c3d4e5'}"}}}, ` + sameOrg + `]}`,
			orgs:   []string{"o-a1b2c3d4e5"}},
		// The owner is in an OU of its own: the members of its organization
		// elsewhere in it are not in the owner's OU.
		{name: "members of the owner's organization outside the owner's OU",
			policy: `{"Version": "2012-10-17", "Statement": [{"Sid": "OtherOUs", "Effect": "Allow", "Principal": "*", "Action": "ecr:BatchGetImage", "Condition": {"StringEquals": {"aws:ResourceOrgID": "o-9z8y7x6w5v", "aws:PrincipalOrgID": "${aws:ResourceOrgID}"}, "StringNotLike": {"aws:PrincipalOrgPaths": "${aws:ResourceOrgPaths}*"}}}]}`,
			orgs:   []string{"o-9z8y7x6w5v"}},
		{name: "members of the owner's organization outside the owner's OU, below the path a pattern names",
			policy: `{"Version": "2012-10-17", "Statement": [{"Sid": "OtherOUs", "Effect": "Allow", "Principal": "*", "Action": "ecr:BatchGetImage", "Condition": {"StringLike": {"aws:ResourceOrgPaths": "o-9z8y7x6w5v/*"}, "StringEquals": {"aws:PrincipalOrgID": "${aws:ResourceOrgID}"}, "StringNotLike": {"aws:PrincipalOrgPaths": "${aws:ResourceOrgPaths}*"}}}]}`,
			orgs:   []string{"o-9z8y7x6w5v"}},
		{name: "an RCP lets services act only for the owner's organization",
			policy: codebuild, rcps: []string{deputyRCP},
			// With no source at all the RCP does not apply: a deputy still.
			deputies: []string{"codebuild.amazonaws.com"}, orgs: []string{OwnerOrgLabel}, sourceOrg: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := analyzeUnder(t, tt.policy, tt.zone, tt.rcps...)
			if r.Truncated {
				t.Fatal("truncated")
			}
			if r.Public.Actions != tt.public {
				t.Errorf("public = %v, want %v", cat.Names(r.Public.Actions), cat.Names(tt.public))
			}
			for _, c := range []struct {
				what string
				got  map[string]*Access
				want []string
			}{{"accounts", r.Accounts, tt.accounts}, {"orgs", r.Orgs, tt.orgs}, {"deputies", r.Deputies, tt.deputies}} {
				if got := slices.Sorted(maps.Keys(c.got)); !slices.Equal(got, c.want) {
					t.Errorf("%s = %v, want %v", c.what, got, c.want)
				}
				for k, acc := range c.got {
					if acc.Actions != get {
						t.Errorf("%s[%s] = %v, want ecr:BatchGetImage", c.what, k, cat.Names(acc.Actions))
					}
				}
			}
			// Every proof replays to Allow with the world's keys as it sets
			// them, and one of the owner's organization sets it as its own.
			ps := &eval.PolicySet{Resource: r.Target.Policy, ResourceAccount: "111122223333", CallerAllowsAll: true, RCPs: r.Target.RCPs}
			for _, acc := range append(append(append(mapValues(r.Accounts), mapValues(r.Orgs)...), mapValues(r.Deputies)...), &r.Public) {
				for _, p := range acc.Proofs {
					if d := eval.Evaluate(ps, &p.Witness.Request); d.Result != eval.Allow {
						t.Errorf("proof %v replays to %v", p.Witness.Chosen, d.Result)
					}
				}
			}
			if acc := r.Orgs[OwnerOrgLabel]; acc != nil {
				ctx := acc.Proofs[0].Witness.Request.Context
				key := "aws:PrincipalOrgID"
				if tt.sourceOrg {
					key = "aws:SourceOrgID"
				}
				org, _ := ctx.Get("aws:ResourceOrgID")
				member, _ := ctx.Get(key)
				if len(org) != 1 || !OwnerOrg(org[0]) || !slices.Equal(org, member) {
					t.Errorf("the owner's organization's proof: aws:ResourceOrgID %v, %s %v", org, key, member)
				}
			}
		})
	}
}

// TestOwnerOrgNotRead: a policy that does not read the owner's
// organization is searched as before, with no organization of the owner's.
func TestOwnerOrgNotRead(t *testing.T) {
	doc, err := policy.Parse([]byte(allowPull(`{"StringEquals": {"aws:PrincipalOrgID": "o-a1b2c3d4e5"}}`)), "p.json")
	if err != nil {
		t.Fatal(err)
	}
	a := newAnalyzer(Target{Kind: Repository, ARN: "arn:aws:ecr:us-east-1:111122223333:repository/app", Account: "111122223333",
		Policy: eval.Compile("p", doc)}, Zone{})
	if w := a.worldOrgs(a.groupStatements(a.groups[0])); w != nil {
		t.Errorf("worldOrgs = %v, want none", w)
	}
}
