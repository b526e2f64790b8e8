package eval_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/ecrguard/ecrguard/eval"
	"github.com/ecrguard/ecrguard/policy"
)

// Unknown values (a Terraform value known only after apply, an unresolved
// CloudFormation reference) and condition operators IAM does not define
// resolve to the worst case for the question asked: an Allow statement
// applies, a Deny statement does not (docs/exit-codes.md: such a condition
// is a coverage gap, taken at its worst; the package documentation of eval). Each resolution
// is recorded in Decision.Assumptions with what was unknown. A known
// mismatch elsewhere in the statement still decides: no assumption is made
// for a statement that cannot apply anyway.
func TestUnknownValues(t *testing.T) {
	type mark func(doc *policy.Document)
	unknownResource := func(doc *policy.Document) { doc.Statements[0].Resource[0].Unknown = true }
	unknownAction := func(doc *policy.Document) { doc.Statements[0].Action[0].Unknown = true }
	unknownCondValue := func(doc *policy.Document) { doc.Statements[0].Conditions[0].Values[0].Unknown = true }
	unknownPrincipal := func(doc *policy.Document) { doc.Statements[0].Principal.Entries[0].Value.Unknown = true }
	unknownNotPrincipal := func(doc *policy.Document) { doc.Statements[0].NotPrincipal.Entries[0].Value.Unknown = true }
	none := func(*policy.Document) {}

	tests := []struct {
		name      string
		identity  string
		mark      mark
		resource  string
		rmark     mark
		principal string
		action    string
		ctx       kv
		want      eval.Result
		applied   []bool // the Applied flags of the assumptions, in order
		unknown   string // a substring of the first assumption's Unknown list
	}{
		{name: "Allow with an unknown resource applies",
			identity: `{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "ecr:*", "Resource": "${module.repo.arn}"}]}`, mark: unknownResource,
			principal: roleCI, want: eval.Allow, applied: []bool{true}, unknown: "resource ${module.repo.arn}"},
		{name: "Deny with an unknown resource does not apply",
			identity: `{"Version": "2012-10-17", "Statement": [{"Effect": "Deny", "Action": "ecr:*", "Resource": "${module.repo.arn}"}, {"Effect": "Allow", "Action": "ecr:*", "Resource": "*"}]}`, mark: unknownResource,
			principal: roleCI, want: eval.Allow, applied: []bool{false}, unknown: "resource"},
		{name: "Allow with an unknown action applies",
			identity: `{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "var.action", "Resource": "*"}]}`, mark: unknownAction,
			principal: roleCI, want: eval.Allow, applied: []bool{true}, unknown: "action var.action"},
		{name: "Deny with an unknown action does not apply",
			identity: `{"Version": "2012-10-17", "Statement": [{"Effect": "Deny", "Action": "var.action", "Resource": "*"}, {"Effect": "Allow", "Action": "ecr:*", "Resource": "*"}]}`, mark: unknownAction,
			principal: roleCI, want: eval.Allow, applied: []bool{false}},
		{name: "Allow with an unknown condition value applies",
			identity: identityWithCondition(policy.Version2012, `{"StringEquals": {"aws:PrincipalOrgID": "var.org"}}`), mark: unknownCondValue,
			principal: roleCI, ctx: kv{"aws:PrincipalOrgID": v("o-a1b2c3d4e5")}, want: eval.Allow, applied: []bool{true}, unknown: "condition value aws:PrincipalOrgID = var.org"},
		{name: "Allow with an unknown value under a negated operator applies",
			identity: identityWithCondition(policy.Version2012, `{"StringNotEquals": {"aws:PrincipalOrgID": "var.org"}}`), mark: unknownCondValue,
			principal: roleCI, ctx: kv{"aws:PrincipalOrgID": v("o-a1b2c3d4e5")}, want: eval.Allow, applied: []bool{true}},
		{name: "Deny with an unknown condition value does not apply",
			identity: `{"Version": "2012-10-17", "Statement": [{"Effect": "Deny", "Action": "ecr:*", "Resource": "*", "Condition": {"StringNotEquals": {"aws:PrincipalOrgID": "var.org"}}}, {"Effect": "Allow", "Action": "ecr:*", "Resource": "*"}]}`, mark: unknownCondValue,
			principal: roleCI, ctx: kv{"aws:PrincipalOrgID": v("o-a1b2c3d4e5")}, want: eval.Allow, applied: []bool{false}},
		{name: "an unknown value under Null",
			identity: identityWithCondition(policy.Version2012, `{"Null": {"aws:TokenIssueTime": "var.flag"}}`), mark: unknownCondValue,
			principal: roleCI, want: eval.Allow, applied: []bool{true}},
		{name: "a known value matching beside an unknown one needs no assumption",
			identity: identityWithCondition(policy.Version2012, `{"StringEquals": {"aws:PrincipalTag/team": ["var.team", "platform"]}}`), mark: unknownCondValue,
			principal: roleCI, ctx: kv{"aws:PrincipalTag/team": v("platform")}, want: eval.Allow},
		{name: "an unknown value cannot rescue an absent key",
			identity: identityWithCondition(policy.Version2012, `{"StringEquals": {"aws:PrincipalTag/team": "var.team"}}`), mark: unknownCondValue,
			principal: roleCI, want: eval.ImplicitDeny},
		{name: "a known mismatch wins over an unknown value",
			identity: `{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "ecr:PutImage", "Resource": "${module.repo.arn}"}]}`, mark: unknownResource,
			principal: roleCI, want: eval.ImplicitDeny},
		{name: "Allow with an unknown condition operator applies",
			identity: identityWithCondition(policy.Version2012, `{"StringEqualsX": {"aws:PrincipalOrgID": "o-a1b2c3d4e5"}}`), mark: none,
			principal: roleCI, want: eval.Allow, applied: []bool{true}, unknown: "condition operator StringEqualsX"},
		{name: "an unknown operator on an absent key is still unknown",
			identity: identityWithCondition(policy.Version2012, `{"stringequals": {"aws:SomeAbsentKey": "x"}}`), mark: none,
			principal: roleCI, want: eval.Allow, applied: []bool{true}},
		{name: "Deny with an unknown condition operator does not apply",
			identity: `{"Version": "2012-10-17", "Statement": [{"Effect": "Deny", "Action": "ecr:*", "Resource": "*", "Condition": {"NullIfExists": {"aws:TokenIssueTime": "true"}}}, {"Effect": "Allow", "Action": "ecr:*", "Resource": "*"}]}`, mark: none,
			principal: roleCI, want: eval.Allow, applied: []bool{false}, unknown: "condition operator NullIfExists"},
		{name: "the only Allow is unknown and another Deny applies",
			identity: `{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "ecr:*", "Resource": "${x}"}, {"Effect": "Deny", "Action": "ecr:*", "Resource": "*"}]}`, mark: unknownResource,
			principal: roleCI, want: eval.ExplicitDeny, applied: []bool{true}},
		{name: "resource policy Allow to an unknown principal applies",
			resource: repoPolicy(`{"Effect": "Allow", "Principal": {"AWS": "aws_iam_role.ci.arn"}, "Action": "ecr:*"}`), rmark: unknownPrincipal,
			principal: userDev, want: eval.Allow, applied: []bool{true}, unknown: "principal AWS aws_iam_role.ci.arn"},
		{name: "resource policy Deny to an unknown principal does not apply",
			identity: allowECR, mark: none,
			resource: repoPolicy(`{"Effect": "Deny", "Principal": {"AWS": "aws_iam_role.ci.arn"}, "Action": "ecr:*"}`), rmark: unknownPrincipal,
			principal: userDev, want: eval.Allow, applied: []bool{false}},
		{name: "resource policy NotPrincipal Deny with an unknown exemption does not apply",
			identity: allowECR, mark: none,
			resource: repoPolicy(`{"Effect": "Deny", "NotPrincipal": {"AWS": "aws_iam_role.ci.arn"}, "Action": "ecr:*"}`), rmark: unknownNotPrincipal,
			principal: userDev, want: eval.Allow, applied: []bool{false}},
		{name: "a known principal match needs no assumption",
			resource: repoPolicy(`{"Effect": "Allow", "Principal": {"AWS": ["aws_iam_role.ci.arn", "` + userDev + `"]}, "Action": "ecr:*"}`), rmark: unknownPrincipal,
			principal: userDev, want: eval.Allow},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ps := &eval.PolicySet{}
			if tt.identity != "" {
				doc, err := policy.Parse([]byte(tt.identity), "identity.json")
				if err != nil {
					t.Fatal(err)
				}
				tt.mark(doc)
				ps.Identity = []*eval.Policy{eval.Compile("identity", doc)}
			}
			if tt.resource != "" {
				doc, err := policy.Parse([]byte(tt.resource), "resource.json")
				if err != nil {
					t.Fatal(err)
				}
				tt.rmark(doc)
				ps.Resource = eval.Compile("resource", doc)
			}
			action := tt.action
			if action == "" {
				action = "ecr:BatchGetImage"
			}
			d := eval.Evaluate(ps, &eval.Request{Principal: principal(t, tt.principal), Action: action, Resource: repoApp, Context: tt.ctx.context()})
			if d.Result != tt.want {
				t.Errorf("result = %v (%s), want %v", d.Result, d.Reason, tt.want)
			}
			var applied []bool
			for _, a := range d.Assumptions {
				applied = append(applied, a.Applied)
				if a.Statement == nil || a.Policy == "" || len(a.Unknown) == 0 {
					t.Errorf("assumption %+v does not say what was unknown where", a)
				}
				if a.Applied != (a.Statement.Effect == policy.Allow) {
					t.Errorf("assumption %+v: Allow statements apply, Deny statements do not", a)
				}
			}
			if !slices.Equal(applied, tt.applied) {
				t.Errorf("assumptions applied = %v, want %v (%+v)", applied, tt.applied, d.Assumptions)
			}
			if tt.unknown != "" && (len(d.Assumptions) == 0 || !strings.Contains(strings.Join(d.Assumptions[0].Unknown, "; "), tt.unknown)) {
				t.Errorf("assumptions %+v do not mention %q", d.Assumptions, tt.unknown)
			}
			for _, m := range d.Matched {
				if d.Result == eval.Allow && m.Statement.Effect != policy.Allow {
					t.Errorf("an allow lists %v", m)
				}
			}
		})
	}
}
