package eval_test

import (
	"strings"
	"testing"

	"github.com/ecrguard/ecrguard/eval"
)

// RCP documents used by the tables below. rcpFullAccess is RCPFullAWSAccess,
// which AWS attaches to every root, OU and account (AWS Organizations User
// Guide, "RCP syntax").
const (
	rcpFullAccess = `{"Version": "2012-10-17", "Statement": [{"Sid": "RCPFullAWSAccess", "Effect": "Allow", "Principal": "*", "Action": "*", "Resource": "*"}]}`
	rcpDenyPull   = `{"Version": "2012-10-17", "Statement": [
		{"Sid": "RCPFullAWSAccess", "Effect": "Allow", "Principal": "*", "Action": "*", "Resource": "*"},
		{"Sid": "NoPull", "Effect": "Deny", "Principal": "*", "Action": "ecr:BatchGetImage", "Resource": "*"}]}`
	// rcpPerimeter is the identity perimeter of the AWS data perimeter
	// examples (AWS KMS Developer Guide, "Resource control policies in AWS
	// KMS"), for ECR.
	rcpPerimeter = `{"Version": "2012-10-17", "Statement": [
		{"Sid": "RCPFullAWSAccess", "Effect": "Allow", "Principal": "*", "Action": "*", "Resource": "*"},
		{"Sid": "EnforceOrgIdentities", "Effect": "Deny", "Principal": "*", "Action": "ecr:*", "Resource": "*",
		 "Condition": {"StringNotEqualsIfExists": {"aws:PrincipalOrgID": "o-a1b2c3d4e5"}, "BoolIfExists": {"aws:PrincipalIsAWSService": "false"}}}]}`
	// rcpAllowOnly is a custom RCP with an Allow: AWS rejects it, and in
	// any case an RCP grants nothing.
	rcpAllowOnly = `{"Version": "2012-10-17", "Statement": [{"Sid": "AllowEveryone", "Effect": "Allow", "Principal": "*", "Action": "ecr:*", "Resource": "*"}]}`
)

// AWS Organizations User Guide, "Resource control policies (RCPs)": an RCP
// limits every request to a resource in a member account, whoever makes
// it: external principals, the account's own principals and AWS service
// principals; it grants nothing; service-linked roles are not restricted.
// "RCP syntax": Allow is only supported in RCPFullAWSAccess, which sits at
// every level, so an RCP's Allow is never required.
func TestRCPs(t *testing.T) {
	publicPull := repoPolicy(grant("Allow", `"Principal": "*"`, "ecr:BatchGetImage"))
	partnerPull := repoPolicy(grant("Allow", `"Principal": {"AWS": "`+partnerRoot+`"}`, "ecr:*"))
	codebuild := repoPolicy(grant("Allow", `"Principal": {"Service": "codebuild.amazonaws.com"}`, "ecr:*"))
	slr := "arn:aws:iam::111122223333:role/aws-service-role/replication.ecr.amazonaws.com/AWSServiceRoleForECRReplication"
	runEvalCases(t, []evalCase{
		{name: "RCPFullAWSAccess changes nothing", identity: []string{allowECR}, resource: partnerPull, rcps: []string{rcpFullAccess}, principal: partnerRole, want: eval.Allow},
		{name: "an RCP deny closes a cross-account grant", identity: []string{allowECR}, resource: partnerPull, rcps: []string{rcpDenyPull}, principal: partnerRole, want: eval.ExplicitDeny},
		{name: "an RCP deny in a lower level", identity: []string{allowECR}, resource: partnerPull, rcps: []string{rcpFullAccess, rcpFullAccess, rcpDenyPull}, principal: partnerRole, want: eval.ExplicitDeny},
		{name: "an RCP deny of another action", identity: []string{allowECR}, resource: partnerPull, rcps: []string{rcpDenyPull}, principal: partnerRole, action: "ecr:PutImage", want: eval.Allow},
		{name: "an RCP deny limits the account's own principals", identity: []string{allowECR}, rcps: []string{rcpDenyPull}, principal: roleCI, want: eval.ExplicitDeny},
		{name: "an RCP deny limits the account's root user", rcps: []string{rcpDenyPull}, principal: "arn:aws:iam::111122223333:root", want: eval.ExplicitDeny},
		{name: "an RCP deny limits a public grant", resource: publicPull, rcps: []string{rcpDenyPull}, principal: "arn:aws:iam::999988887777:user/mallory", want: eval.ExplicitDeny},
		{name: "an RCP deny limits AWS service principals", resource: codebuild, rcps: []string{rcpDenyPull}, principal: "service:codebuild.amazonaws.com", want: eval.ExplicitDeny},
		{name: "an action without a resource type is not governed", identity: []string{allowECR}, principal: roleCI, action: "ecr:GetAuthorizationToken", target: "*",
			rcps: []string{`{"Version": "2012-10-17", "Statement": [{"Effect": "Deny", "Principal": "*", "Action": "ecr:*", "Resource": "*"}]}`}, want: eval.Allow},
		{name: "service-linked roles are not governed", identity: []string{allowECR}, rcps: []string{rcpDenyPull}, principal: slr, want: eval.Allow},
		{name: "an RCP without RCPFullAWSAccess is not required to allow", identity: []string{allowECR}, resource: partnerPull,
			rcps: []string{`{"Version": "2012-10-17", "Statement": [{"Effect": "Deny", "Principal": "*", "Action": "ecr:PutImage", "Resource": "*"}]}`}, principal: partnerRole, want: eval.Allow},
		{name: "an RCP Allow grants nothing", rcps: []string{rcpAllowOnly}, principal: partnerRole, want: eval.ImplicitDeny},
		{name: "an RCP Allow grants nothing to services", rcps: []string{rcpAllowOnly}, principal: "service:codebuild.amazonaws.com", want: eval.ImplicitDeny},
		{name: "identity perimeter: outside the organization", identity: []string{allowECR}, resource: partnerPull, rcps: []string{rcpPerimeter}, principal: partnerRole,
			ctx: kv{"aws:PrincipalOrgID": v("o-9z8y7x6w5v")}, want: eval.ExplicitDeny},
		{name: "identity perimeter: in no organization", identity: []string{allowECR}, resource: partnerPull, rcps: []string{rcpPerimeter}, principal: partnerRole,
			ctx: kv{"aws:PrincipalIsAWSService": v("false")}, want: eval.ExplicitDeny},
		{name: "identity perimeter: inside the organization", identity: []string{allowECR}, resource: partnerPull, rcps: []string{rcpPerimeter}, principal: partnerRole,
			ctx: kv{"aws:PrincipalOrgID": v("o-a1b2c3d4e5"), "aws:PrincipalIsAWSService": v("false")}, want: eval.Allow},
		{name: "identity perimeter: a service principal", resource: codebuild, rcps: []string{rcpPerimeter}, principal: "service:codebuild.amazonaws.com",
			ctx: kv{"aws:PrincipalIsAWSService": v("true")}, want: eval.Allow},
		{name: "an RCP deny on another resource", identity: []string{allowECR}, principal: roleCI,
			rcps: []string{`{"Version": "2012-10-17", "Statement": [{"Effect": "Deny", "Principal": "*", "Action": "ecr:*", "Resource": "arn:aws:ecr:*:*:repository/prod-*"}]}`}, want: eval.Allow},
		{name: "an RCP deny with NotResource", identity: []string{allowECR}, principal: roleCI,
			rcps: []string{`{"Version": "2012-10-17", "Statement": [{"Effect": "Deny", "Principal": "*", "Action": "ecr:*", "NotResource": "arn:aws:ecr:*:*:repository/prod-*"}]}`}, want: eval.ExplicitDeny},
	})
}

// The reason of an RCP deny names the policy, the statement's Sid and its
// position, as an SCP's does.
func TestRCPDenyReason(t *testing.T) {
	ps := &eval.PolicySet{
		Identity: compileAll(t, "identity", []string{allowECR}),
		RCPs:     []*eval.Policy{compile(t, "rcp-root", rcpFullAccess), compile(t, "rcp-ou", rcpDenyPull)},
	}
	d := eval.Evaluate(ps, &eval.Request{Principal: principal(t, roleCI), Action: "ecr:BatchGetImage", Resource: repoApp})
	if d.Result != eval.ExplicitDeny {
		t.Fatalf("got %v (%s)", d.Result, d.Reason)
	}
	want := "explicitly denied by resource control policy rcp-ou, NoPull (statement #2)"
	if !strings.HasPrefix(d.Reason, want) {
		t.Errorf("reason %q, want it to start %q", d.Reason, want)
	}
	if len(d.Matched) != 1 || d.Matched[0].Kind != eval.KindRCP || d.Matched[0].Statement.Sid != "NoPull" {
		t.Errorf("matched %v", d.Matched)
	}
}
