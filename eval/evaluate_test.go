package eval_test

import (
	"strings"
	"testing"

	"github.com/ecrguard/ecrguard/eval"
)

// Policies used across the evaluation-logic tables.
const (
	allowECR  = `{"Version": "2012-10-17", "Statement": [{"Sid": "AllowECR", "Effect": "Allow", "Action": "ecr:*", "Resource": "*"}]}`
	allowAll  = `{"Version": "2012-10-17", "Statement": [{"Sid": "FullAWSAccess", "Effect": "Allow", "Action": "*", "Resource": "*"}]}`
	allowPull = `{"Version": "2012-10-17", "Statement": [{"Sid": "AllowPull", "Effect": "Allow", "Action": ["ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer", "ecr:BatchCheckLayerAvailability"], "Resource": "*"}]}`
	denyPull  = `{"Version": "2012-10-17", "Statement": [{"Sid": "DenyPull", "Effect": "Deny", "Action": "ecr:BatchGetImage", "Resource": "*"}]}`

	partnerRole    = "arn:aws:iam::444455556666:role/deployer"
	partnerUser    = "arn:aws:iam::444455556666:user/bob"
	partnerRoot    = "arn:aws:iam::444455556666:root"
	partnerSession = "arn:aws:sts::444455556666:assumed-role/deployer/audit-app"
	ciSession      = "arn:aws:sts::111122223333:assumed-role/ci/build-42"
	fedUser        = "arn:aws:sts::111122223333:federated-user/carol"
)

// repoPolicy writes a repository policy (statements without Resource, as
// ECR repository policies are) from statement bodies.
func repoPolicy(statements ...string) string {
	return `{"Version": "2012-10-17", "Statement": [` + strings.Join(statements, ", ") + `]}`
}

// grant is a repository-policy statement with the given effect, principal
// element (`"Principal": ...` or `"NotPrincipal": ...`) and action.
func grant(effect, principal, action string) string {
	return `{"Sid": "` + effect + `Stmt", "Effect": "` + effect + `", ` + principal + `, "Action": "` + action + `"}`
}

// evalCase is one request against a policy set.
type evalCase struct {
	name      string
	identity  []string
	resource  string
	registry  string
	boundary  string
	session   string
	scps      []string
	rcps      []string
	principal string
	// sessionName is the session a Role principal chose; "" leaves it open.
	sessionName string
	action      string // default ecr:BatchGetImage
	target      string // default the app repository
	ctx         kv
	want        eval.Result
}

func runEvalCases(t *testing.T, tests []evalCase) {
	t.Helper()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ps := &eval.PolicySet{
				Identity: compileAll(t, "identity", tt.identity),
				Resource: maybe(t, "resource", tt.resource),
				Registry: maybe(t, "registry", tt.registry),
				Boundary: maybe(t, "boundary", tt.boundary),
				Session:  maybe(t, "session", tt.session),
				SCPs:     compileAll(t, "scp", tt.scps),
				RCPs:     compileAll(t, "rcp", tt.rcps),
			}
			action, target := tt.action, tt.target
			if action == "" {
				action = "ecr:BatchGetImage"
			}
			if target == "" {
				target = repoApp
			}
			caller := principal(t, tt.principal)
			caller.Session = tt.sessionName
			d := eval.Evaluate(ps, &eval.Request{Principal: caller, Action: action, Resource: target, Context: tt.ctx.context()})
			if d.Result != tt.want {
				t.Errorf("%s %s on %s = %v (%s), want %v", tt.principal, action, target, d.Result, d.Reason, tt.want)
			}
			switch d.Result {
			case eval.ExplicitDeny:
				if len(d.Matched) == 0 {
					t.Error("an explicit deny names no Deny statement")
				}
				for _, m := range d.Matched {
					if m.Statement == nil || m.Statement.Effect.String() != "Deny" {
						t.Errorf("explicit deny lists %v", m)
					}
				}
			case eval.ImplicitDeny:
				if len(d.Matched) != 0 {
					t.Errorf("an implicit deny lists statements: %v", d.Matched)
				}
			}
			if d.Reason == "" {
				t.Error("decision without a reason")
			}
		})
	}
}

// IAM User Guide, "Policy evaluation logic" and "How AWS enforcement code
// logic evaluates requests to allow or deny access": an explicit Deny in
// any policy (identity-based, resource-based, permissions boundary, SCP,
// session policy) overrides every Allow; Deny statements never grant.
func TestExplicitDeny(t *testing.T) {
	denyPullToAll := repoPolicy(grant("Deny", `"Principal": "*"`, "ecr:BatchGetImage"))
	runEvalCases(t, []evalCase{
		{name: "identity deny beats identity allow", identity: []string{`{"Version": "2012-10-17", "Statement": [
			{"Effect": "Allow", "Action": "ecr:*", "Resource": "*"},
			{"Effect": "Deny", "Action": "ecr:BatchGetImage", "Resource": "*"}]}`}, principal: roleCI, want: eval.ExplicitDeny},
		{name: "deny in another identity policy", identity: []string{allowECR, denyPull}, principal: roleCI, want: eval.ExplicitDeny},
		{name: "resource policy deny beats identity allow", identity: []string{allowECR}, resource: denyPullToAll, principal: roleCI, want: eval.ExplicitDeny},
		{name: "resource policy deny beats resource allow", resource: repoPolicy(grant("Allow", `"Principal": {"AWS": "`+userDev+`"}`, "ecr:*"), grant("Deny", `"Principal": "*"`, "ecr:BatchGetImage")), principal: userDev, want: eval.ExplicitDeny},
		{name: "boundary deny", identity: []string{allowECR}, boundary: `{"Version": "2012-10-17", "Statement": [
			{"Effect": "Allow", "Action": "*", "Resource": "*"}, {"Effect": "Deny", "Action": "ecr:BatchGetImage", "Resource": "*"}]}`, principal: roleCI, want: eval.ExplicitDeny},
		{name: "SCP deny", identity: []string{allowECR}, scps: []string{allowAll, denyPull}, principal: roleCI, want: eval.ExplicitDeny},
		{name: "SCP deny in a level that also allows", identity: []string{allowECR}, scps: []string{`{"Version": "2012-10-17", "Statement": [
			{"Effect": "Allow", "Action": "*", "Resource": "*"}, {"Effect": "Deny", "Action": "ecr:Batch*", "Resource": "*"}]}`}, principal: roleCI, want: eval.ExplicitDeny},
		{name: "session policy deny", identity: []string{allowECR}, session: `{"Version": "2012-10-17", "Statement": [
			{"Effect": "Allow", "Action": "*", "Resource": "*"}, {"Effect": "Deny", "Action": "ecr:BatchGetImage", "Resource": "*"}]}`, principal: ciSession, want: eval.ExplicitDeny},
		{name: "resource policy deny beats a grant to the caller directly", resource: repoPolicy(grant("Allow", `"Principal": {"AWS": "`+userDev+`"}`, "ecr:*"), grant("Deny", `"Principal": {"AWS": "`+userDev+`"}`, "ecr:BatchGetImage")), principal: userDev, want: eval.ExplicitDeny},
		{name: "deny in the caller's account, cross-account", identity: []string{allowECR, denyPull}, resource: repoPolicy(grant("Allow", `"Principal": {"AWS": "`+partnerRoot+`"}`, "ecr:*")), principal: partnerRole, want: eval.ExplicitDeny},
		{name: "deny for the root user", resource: denyPullToAll, principal: "arn:aws:iam::111122223333:root", want: eval.ExplicitDeny},
		{name: "deny for another action does not apply", identity: []string{allowECR, denyPull}, principal: roleCI, action: "ecr:PutImage", want: eval.Allow},
		{name: "deny statements alone grant nothing", identity: []string{denyPull}, principal: roleCI, action: "ecr:PutImage", want: eval.ImplicitDeny},
		{name: "no policy at all", principal: roleCI, want: eval.ImplicitDeny},
	})
}

// IAM User Guide, "Policy evaluation logic" (AWS Organizations SCPs: if no
// SCP statement allows the action the decision is deny) and AWS
// Organizations User Guide, "SCP evaluation": every level of the hierarchy
// (here, every SCP document) must allow; SCPs grant nothing by themselves
// and apply to the root user of a member account too.
func TestSCPLevels(t *testing.T) {
	runEvalCases(t, []evalCase{
		{name: "no SCP", identity: []string{allowECR}, principal: roleCI, want: eval.Allow},
		{name: "one level allows", identity: []string{allowECR}, scps: []string{allowAll}, principal: roleCI, want: eval.Allow},
		{name: "every level allows", identity: []string{allowECR}, scps: []string{allowAll, allowECR, allowPull}, principal: roleCI, want: eval.Allow},
		{name: "the last level does not allow", identity: []string{allowECR}, scps: []string{allowAll, allowPull}, principal: roleCI, action: "ecr:PutImage", want: eval.ImplicitDeny},
		{name: "the first level does not allow", identity: []string{allowECR}, scps: []string{allowPull, allowAll}, principal: roleCI, action: "ecr:PutImage", want: eval.ImplicitDeny},
		{name: "an SCP grants nothing", scps: []string{allowAll}, principal: roleCI, want: eval.ImplicitDeny},
		{name: "an SCP allowing with NotAction", identity: []string{allowECR}, scps: []string{`{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "NotAction": "iam:*", "Resource": "*"}}`}, principal: roleCI, want: eval.Allow},
		{name: "an SCP limits the root user", scps: []string{`{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "s3:*", "Resource": "*"}}`}, principal: "arn:aws:iam::111122223333:root", want: eval.ImplicitDeny},
		{name: "an SCP limits a grant by the resource policy", scps: []string{allowPull}, resource: repoPolicy(grant("Allow", `"Principal": {"AWS": "`+userDev+`"}`, "ecr:*")), principal: userDev, action: "ecr:PutImage", want: eval.ImplicitDeny},
		{name: "the caller's SCPs limit a cross-account request", identity: []string{allowECR}, scps: []string{allowPull}, resource: repoPolicy(grant("Allow", `"Principal": {"AWS": "`+partnerRole+`"}`, "ecr:*")), principal: partnerRole, action: "ecr:PutImage", want: eval.ImplicitDeny},
		// AWS Organizations User Guide, "Service control policies (SCPs)",
		// tasks and entities not restricted by SCPs: actions performed by
		// service-linked roles (who-can exempts them too).
		{name: "an SCP does not limit a service-linked role", identity: []string{allowECR}, scps: []string{allowAll, denyPull},
			principal: "arn:aws:iam::111122223333:role/aws-service-role/replication.ecr.amazonaws.com/AWSServiceRoleForECRReplication", want: eval.Allow},
		{name: "nor one that allows less", identity: []string{allowECR}, scps: []string{allowPull},
			principal: "arn:aws:iam::111122223333:role/aws-service-role/replication.ecr.amazonaws.com/AWSServiceRoleForECRReplication", action: "ecr:PutImage", want: eval.Allow},
	})
}

// IAM User Guide, "Permissions boundaries for IAM entities" and "Policy
// evaluation for requests within a single account": effective permissions
// are the intersection of identity-based policies and the boundary; the
// boundary grants nothing; a same-account resource-based policy that names
// an IAM user or a role session ARN is not limited by the boundary, one that
// names the role ARN (or delegates to the account) is.
func TestPermissionsBoundary(t *testing.T) {
	pushGrant := func(who string) string {
		return repoPolicy(grant("Allow", `"Principal": {"AWS": "`+who+`"}`, "ecr:PutImage"))
	}
	runEvalCases(t, []evalCase{
		{name: "inside both", identity: []string{allowECR}, boundary: allowPull, principal: roleCI, want: eval.Allow},
		{name: "outside the boundary", identity: []string{allowECR}, boundary: allowPull, principal: roleCI, action: "ecr:PutImage", want: eval.ImplicitDeny},
		{name: "the boundary grants nothing", boundary: allowECR, principal: roleCI, want: eval.ImplicitDeny},
		{name: "boundary for a user", identity: []string{allowECR}, boundary: allowPull, principal: userDev, action: "ecr:DeleteRepository", want: eval.ImplicitDeny},
		{name: "boundary with NotAction", identity: []string{allowECR}, boundary: `{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "NotAction": "ecr:Delete*", "Resource": "*"}}`, principal: roleCI, action: "ecr:DeleteRepository", want: eval.ImplicitDeny},
		{name: "resource grant to the user ARN", resource: pushGrant(userDev), boundary: allowPull, principal: userDev, action: "ecr:PutImage", want: eval.Allow},
		{name: "resource grant to the role ARN, role caller", resource: pushGrant(roleCI), boundary: allowPull, principal: roleCI, action: "ecr:PutImage", want: eval.ImplicitDeny},
		{name: "resource grant to the role ARN, session caller", resource: pushGrant(roleCI), boundary: allowPull, principal: ciSession, action: "ecr:PutImage", want: eval.ImplicitDeny},
		{name: "resource grant to the role ARN, within the boundary", resource: pushGrant(roleCI), boundary: allowECR, principal: roleCI, action: "ecr:PutImage", want: eval.Allow},
		{name: "resource grant to the session ARN", resource: pushGrant(ciSession), boundary: allowPull, principal: ciSession, action: "ecr:PutImage", want: eval.Allow},
		// A Role caller stands for its sessions and picks the session name.
		{name: "resource grant to a session ARN, role caller", resource: pushGrant(ciSession), boundary: allowPull, principal: roleCI, action: "ecr:PutImage", want: eval.Allow},
		{name: "resource grant to a session ARN, role with a path", resource: pushGrant(ciSession), principal: "arn:aws:iam::111122223333:role/build/ci", action: "ecr:PutImage", want: eval.Allow},
		{name: "resource grant to another role's session", resource: pushGrant("arn:aws:sts::111122223333:assumed-role/deploy/ci"), principal: roleCI, action: "ecr:PutImage", want: eval.ImplicitDeny},
		// A Role caller that chose its session name is that session alone.
		{name: "resource grant to a session ARN, role caller in that session", resource: pushGrant(ciSession), boundary: allowPull, principal: roleCI, sessionName: "build-42", action: "ecr:PutImage", want: eval.Allow},
		{name: "resource grant to a session ARN, role caller in another session", resource: pushGrant(ciSession), boundary: allowPull, principal: roleCI, sessionName: "other", action: "ecr:PutImage", want: eval.ImplicitDeny},
		{name: "resource deny of a session ARN, role caller in another session", identity: []string{allowECR}, principal: roleCI, sessionName: "other", action: "ecr:PutImage",
			resource: repoPolicy(grant("Deny", `"Principal": {"AWS": "`+ciSession+`"}`, "ecr:PutImage")), want: eval.Allow},
		{name: "resource deny of a session ARN, role caller in that session", identity: []string{allowECR}, principal: roleCI, sessionName: "build-42", action: "ecr:PutImage",
			resource: repoPolicy(grant("Deny", `"Principal": {"AWS": "`+ciSession+`"}`, "ecr:PutImage")), want: eval.ExplicitDeny},
		// "*" names the session making the request: the boundary does not
		// limit it ("AWS JSON policy elements: Principal": boundaries "do
		// not limit permissions granted using the aws:PrincipalArn
		// condition key with a wildcard(*) in the Principal element").
		{name: "resource grant to everyone, role caller", resource: pushGrant("*"), boundary: allowPull, principal: roleCI, action: "ecr:PutImage", want: eval.Allow},
		{name: "resource grant to everyone, session caller", resource: pushGrant("*"), boundary: allowPull, principal: ciSession, action: "ecr:PutImage", want: eval.Allow},
		{name: "resource grant to everyone with aws:PrincipalArn, role caller", boundary: allowPull, principal: roleCI, action: "ecr:PutImage", ctx: kv{"aws:PrincipalArn": v(roleCI)},
			resource: repoPolicy(`{"Effect": "Allow", "Principal": "*", "Action": "ecr:PutImage", "Condition": {"ArnEquals": {"aws:PrincipalArn": "` + roleCI + `"}}}`), want: eval.Allow},
		{name: "resource grant to everyone but another, role caller", resource: repoPolicy(`{"Effect": "Allow", "NotPrincipal": {"AWS": "` + userDev + `"}, "Action": "ecr:PutImage"}`), boundary: allowPull, principal: roleCI, action: "ecr:PutImage", want: eval.Allow},
		{name: "resource grant to the account, identity allows, boundary does not", resource: pushGrant("arn:aws:iam::111122223333:root"), identity: []string{allowECR}, boundary: allowPull, principal: userDev, action: "ecr:PutImage", want: eval.ImplicitDeny},
		{name: "resource grant to the account, within the boundary", resource: pushGrant("arn:aws:iam::111122223333:root"), identity: []string{allowECR}, boundary: allowECR, principal: userDev, action: "ecr:PutImage", want: eval.Allow},
		{name: "cross-account: the boundary limits the caller", identity: []string{allowECR}, boundary: allowPull, resource: pushGrant(partnerRole), principal: partnerRole, action: "ecr:PutImage", want: eval.ImplicitDeny},
	})
}

// IAM User Guide, "Policies and permissions in IAM" (Session policies),
// "Permissions for AssumeRole, AssumeRoleWithSAML, and
// AssumeRoleWithWebIdentity" and "Permissions for GetFederationToken": a
// session's permissions are the intersection of its role's (or federating
// user's) identity-based policies and the session policy, which grants
// nothing itself; a resource-based policy that names the session directly is
// not limited by the session policy.
func TestSessionPolicy(t *testing.T) {
	runEvalCases(t, []evalCase{
		{name: "role session inside both", identity: []string{allowECR}, session: allowPull, principal: ciSession, want: eval.Allow},
		{name: "role session outside the session policy", identity: []string{allowECR}, session: allowPull, principal: ciSession, action: "ecr:PutImage", want: eval.ImplicitDeny},
		{name: "role (any session) outside the session policy", identity: []string{allowECR}, session: allowPull, principal: roleCI, action: "ecr:PutImage", want: eval.ImplicitDeny},
		{name: "the session policy grants nothing", session: allowECR, principal: ciSession, want: eval.ImplicitDeny},
		{name: "resource grant to the session ARN", session: allowPull, resource: repoPolicy(grant("Allow", `"Principal": {"AWS": "`+ciSession+`"}`, "ecr:PutImage")), principal: ciSession, action: "ecr:PutImage", want: eval.Allow},
		{name: "resource grant to the role ARN", session: allowPull, resource: repoPolicy(grant("Allow", `"Principal": {"AWS": "`+roleCI+`"}`, "ecr:PutImage")), principal: ciSession, action: "ecr:PutImage", want: eval.ImplicitDeny},
		{name: "federated user inside both", identity: []string{allowECR}, session: allowPull, principal: fedUser, want: eval.Allow},
		{name: "federated user outside the session policy", identity: []string{allowECR}, session: allowPull, principal: fedUser, action: "ecr:PutImage", want: eval.ImplicitDeny},
		{name: "resource grant to the federated user session", session: allowPull, resource: repoPolicy(grant("Allow", `"Principal": {"AWS": "`+fedUser+`"}`, "ecr:PutImage")), principal: fedUser, action: "ecr:PutImage", want: eval.Allow},
	})
}

// IAM User Guide, "Policy evaluation for requests within a single account"
// (within one account an Allow in either the identity-based or the
// resource-based policy suffices), "AWS JSON policy elements: Principal"
// (naming an account, as its root ARN or its id, delegates to the account's
// identity policies; "*" is everyone) and ECR User Guide, "Private
// repository policies". A resource-policy statement without a Principal
// names nobody.
func TestSameAccountResourcePolicy(t *testing.T) {
	pull := func(principal string) string {
		return repoPolicy(grant("Allow", principal, "ecr:BatchGetImage"))
	}
	runEvalCases(t, []evalCase{
		{name: "identity policy alone", identity: []string{allowPull}, principal: userDev, want: eval.Allow},
		{name: "resource policy names the user", resource: pull(`"Principal": {"AWS": "` + userDev + `"}`), principal: userDev, want: eval.Allow},
		{name: "resource policy names the user in a list", resource: pull(`"Principal": {"AWS": ["arn:aws:iam::111122223333:user/zed", "` + userDev + `"]}`), principal: userDev, want: eval.Allow},
		{name: "resource policy names another user", resource: pull(`"Principal": {"AWS": "arn:aws:iam::111122223333:user/zed"}`), principal: userDev, want: eval.ImplicitDeny},
		{name: "resource policy names the role", resource: pull(`"Principal": {"AWS": "` + roleCI + `"}`), principal: roleCI, want: eval.Allow},
		{name: "resource policy names the role, session caller", resource: pull(`"Principal": {"AWS": "` + roleCI + `"}`), principal: ciSession, want: eval.Allow},
		{name: "resource policy names the session", resource: pull(`"Principal": {"AWS": "` + ciSession + `"}`), principal: ciSession, want: eval.Allow},
		{name: "resource policy names another session of the role", resource: pull(`"Principal": {"AWS": "arn:aws:sts::111122223333:assumed-role/ci/other"}`), principal: ciSession, want: eval.ImplicitDeny},
		{name: "account root ARN delegates, no identity allow", resource: pull(`"Principal": {"AWS": "arn:aws:iam::111122223333:root"}`), principal: userDev, want: eval.ImplicitDeny},
		{name: "account id delegates, no identity allow", resource: pull(`"Principal": {"AWS": "111122223333"}`), principal: roleCI, want: eval.ImplicitDeny},
		{name: "account delegates, identity allows", resource: pull(`"Principal": {"AWS": "arn:aws:iam::111122223333:root"}`), identity: []string{allowPull}, principal: roleCI, want: eval.Allow},
		{name: "Principal * lets a user in", resource: pull(`"Principal": "*"`), principal: userDev, want: eval.Allow},
		{name: "AWS * lets a role in", resource: pull(`"Principal": {"AWS": "*"}`), principal: roleCI, want: eval.Allow},
		{name: "Principal * with a condition that fails", resource: repoPolicy(`{"Effect": "Allow", "Principal": "*", "Action": "ecr:BatchGetImage", "Condition": {"StringEquals": {"aws:PrincipalOrgID": "o-a1b2c3d4e5"}}}`), principal: userDev, want: eval.ImplicitDeny},
		{name: "Principal * with a condition that holds", resource: repoPolicy(`{"Effect": "Allow", "Principal": "*", "Action": "ecr:BatchGetImage", "Condition": {"StringEquals": {"aws:PrincipalOrgID": "o-a1b2c3d4e5"}}}`), principal: userDev, ctx: kv{"aws:PrincipalOrgID": v("o-a1b2c3d4e5")}, want: eval.Allow},
		{name: "statement without Principal names nobody", resource: repoPolicy(`{"Effect": "Allow", "Action": "ecr:*"}`), principal: userDev, want: eval.ImplicitDeny},
		{name: "Deny without Principal denies nobody", identity: []string{allowPull}, resource: repoPolicy(`{"Effect": "Deny", "Action": "ecr:*"}`), principal: userDev, want: eval.Allow},
		{name: "empty principal object names nobody", resource: pull(`"Principal": {}`), principal: userDev, want: eval.ImplicitDeny},
		{name: "resource policy for another action", resource: repoPolicy(grant("Allow", `"Principal": "*"`, "ecr:PutImage")), principal: userDev, want: eval.ImplicitDeny},
		{name: "resource policy statement for another repository", resource: repoPolicy(`{"Effect": "Allow", "Principal": "*", "Action": "ecr:*", "Resource": "arn:aws:ecr:us-east-1:111122223333:repository/web"}`), principal: userDev, want: eval.ImplicitDeny},
		{name: "principal ARNs are not patterns", resource: pull(`"Principal": {"AWS": "arn:aws:iam::111122223333:user/*"}`), principal: userDev, want: eval.ImplicitDeny},
	})
}

// IAM User Guide, "Cross-account policy evaluation logic": across accounts
// the trusted account's identity-based policies and the trusting account's
// resource-based policy must both allow; a resource policy that names the
// caller's account delegates to that account's identity policies.
func TestCrossAccount(t *testing.T) {
	pull := func(principal string) string {
		return repoPolicy(grant("Allow", principal, "ecr:BatchGetImage"))
	}
	runEvalCases(t, []evalCase{
		{name: "both sides allow", identity: []string{allowPull}, resource: pull(`"Principal": {"AWS": "` + partnerRole + `"}`), principal: partnerRole, want: eval.Allow},
		{name: "resource policy alone", resource: pull(`"Principal": {"AWS": "` + partnerRole + `"}`), principal: partnerRole, want: eval.ImplicitDeny},
		{name: "identity policy alone", identity: []string{allowPull}, principal: partnerRole, want: eval.ImplicitDeny},
		{name: "resource policy names another account", identity: []string{allowPull}, resource: pull(`"Principal": {"AWS": "` + stranger + `"}`), principal: partnerRole, want: eval.ImplicitDeny},
		{name: "account root ARN and identity allow", identity: []string{allowPull}, resource: pull(`"Principal": {"AWS": "` + partnerRoot + `"}`), principal: partnerRole, want: eval.Allow},
		{name: "account id and identity allow", identity: []string{allowPull}, resource: pull(`"Principal": {"AWS": "` + partner + `"}`), principal: partnerUser, want: eval.Allow},
		{name: "account numeric id and identity allow", identity: []string{allowPull}, resource: pull(`"Principal": {"AWS": 444455556666}`), principal: partnerUser, want: eval.Allow},
		{name: "account named, no identity allow", resource: pull(`"Principal": {"AWS": "` + partnerRoot + `"}`), principal: partnerRole, want: eval.ImplicitDeny},
		{name: "Principal * and identity allow", identity: []string{allowPull}, resource: pull(`"Principal": "*"`), principal: partnerRole, want: eval.Allow},
		{name: "Principal *, no identity allow", resource: pull(`"Principal": "*"`), principal: partnerRole, want: eval.ImplicitDeny},
		{name: "session of a named role", identity: []string{allowPull}, resource: pull(`"Principal": {"AWS": "` + partnerRole + `"}`), principal: partnerSession, want: eval.Allow},
		{name: "named session, no identity allow", resource: pull(`"Principal": {"AWS": "` + partnerSession + `"}`), principal: partnerSession, want: eval.ImplicitDeny},
		{name: "the other account's root user", resource: pull(`"Principal": {"AWS": "` + partner + `"}`), principal: partnerRoot, want: eval.Allow},
		{name: "the other account's root user, not named", resource: pull(`"Principal": {"AWS": "` + stranger + `"}`), principal: partnerRoot, want: eval.ImplicitDeny},
		{name: "session policy of the caller limits", identity: []string{allowECR}, session: allowPull, resource: repoPolicy(grant("Allow", `"Principal": {"AWS": "`+partnerRole+`"}`, "ecr:*")), principal: partnerSession, action: "ecr:PutImage", want: eval.ImplicitDeny},
	})
}

// IAM User Guide, "AWS JSON policy elements: NotPrincipal" (NotPrincipal with
// Deny): everyone but the listed principals is denied. A user is exempt only
// when its account ARN is listed too; an assumed-role session only when the
// session, its role and its account are all listed; listing the account
// alone exempts only the account principal. "Don't use ... NotPrincipal with
// a Deny effect for IAM users or roles that have a permissions boundary
// policy attached": such a statement always denies them, whatever it lists.
// The examples are cross-account, as in the documentation.
func TestNotPrincipalWithDeny(t *testing.T) {
	resource := func(notPrincipal string) string {
		return repoPolicy(
			grant("Allow", `"Principal": {"AWS": "`+partner+`"}`, "ecr:*"),
			grant("Deny", `"NotPrincipal": {"AWS": `+notPrincipal+`}`, "ecr:*"))
	}
	userAndAccount := `["` + partnerUser + `", "` + partnerRoot + `"]`
	sessionRoleAccount := `["` + partnerSession + `", "` + partnerRole + `", "` + partnerRoot + `"]`
	runEvalCases(t, []evalCase{
		{name: "user and its account listed: the user is exempt", identity: []string{allowECR}, resource: resource(userAndAccount), principal: partnerUser, want: eval.Allow},
		{name: "user listed without its account: denied", identity: []string{allowECR}, resource: resource(`"` + partnerUser + `"`), principal: partnerUser, want: eval.ExplicitDeny},
		{name: "user and account listed: another user is denied", identity: []string{allowECR}, resource: resource(userAndAccount), principal: "arn:aws:iam::444455556666:user/eve", want: eval.ExplicitDeny},
		{name: "account listed alone: its users are denied", identity: []string{allowECR}, resource: resource(`"` + partnerRoot + `"`), principal: partnerUser, want: eval.ExplicitDeny},
		{name: "account id listed alone: its roles are denied", identity: []string{allowECR}, resource: resource(`"` + partner + `"`), principal: partnerRole, want: eval.ExplicitDeny},
		{name: "account listed alone: the account principal is exempt", resource: resource(`"` + partnerRoot + `"`), principal: partnerRoot, want: eval.Allow},
		{name: "session, role and account listed: the session is exempt", identity: []string{allowECR}, resource: resource(sessionRoleAccount), principal: partnerSession, want: eval.Allow},
		{name: "session and account listed, not the role: denied", identity: []string{allowECR}, resource: resource(`["` + partnerSession + `", "` + partnerRoot + `"]`), principal: partnerSession, want: eval.ExplicitDeny},
		{name: "session and role listed, not the account: denied", identity: []string{allowECR}, resource: resource(`["` + partnerSession + `", "` + partnerRole + `"]`), principal: partnerSession, want: eval.ExplicitDeny},
		{name: "role and account listed, not the session: denied", identity: []string{allowECR}, resource: resource(`["` + partnerRole + `", "` + partnerRoot + `"]`), principal: partnerSession, want: eval.ExplicitDeny},
		{name: "another session of the listed role: denied", identity: []string{allowECR}, resource: resource(sessionRoleAccount), principal: "arn:aws:sts::444455556666:assumed-role/deployer/other", want: eval.ExplicitDeny},
		{name: "role caller choosing the listed session: exempt", identity: []string{allowECR}, resource: resource(sessionRoleAccount), principal: partnerRole, want: eval.Allow},
		{name: "exempt, but nothing allows", resource: repoPolicy(grant("Deny", `"NotPrincipal": {"AWS": `+userAndAccount+`}`, "ecr:*")), identity: []string{allowECR}, principal: partnerUser, want: eval.ImplicitDeny},
		{name: "exempt principal with a permissions boundary: still denied", identity: []string{allowECR}, boundary: allowECR, resource: resource(userAndAccount), principal: partnerUser, want: eval.ExplicitDeny},
		{name: "exempt session with a permissions boundary: still denied", identity: []string{allowECR}, boundary: allowECR, resource: resource(sessionRoleAccount), principal: partnerSession, want: eval.ExplicitDeny},
		{name: "NotPrincipal deny for another action", identity: []string{allowECR}, resource: repoPolicy(grant("Allow", `"Principal": {"AWS": "`+partner+`"}`, "ecr:*"), grant("Deny", `"NotPrincipal": {"AWS": "`+partnerRoot+`"}`, "ecr:PutImage")), principal: partnerUser, want: eval.Allow},
	})
}

// NotPrincipal in the same account and for services: a service is exempt
// when listed under Service ("AWS JSON policy elements: NotPrincipal"; "AWS
// JSON policy elements: Principal", AWS service principals).
func TestNotPrincipalServices(t *testing.T) {
	resource := func(notPrincipal string) string {
		return repoPolicy(
			grant("Allow", `"Principal": {"Service": "codebuild.amazonaws.com"}`, "ecr:*"),
			grant("Deny", `"NotPrincipal": `+notPrincipal, "ecr:*"))
	}
	runEvalCases(t, []evalCase{
		{name: "service not listed: denied", resource: resource(`{"AWS": "arn:aws:iam::111122223333:root"}`), principal: "service:codebuild.amazonaws.com", want: eval.ExplicitDeny},
		{name: "service listed: exempt", resource: resource(`{"Service": "codebuild.amazonaws.com"}`), principal: "service:codebuild.amazonaws.com", want: eval.Allow},
		{name: "NotPrincipal * exempts everyone", identity: []string{allowECR}, resource: resource(`"*"`), principal: roleCI, want: eval.Allow},
	})
}

// IAM User Guide, "AWS JSON policy elements: NotPrincipal" (NotPrincipal
// with Allow): the statement allows every principal except those listed,
// anonymous ones included. docs/rules keeps this meaning for a
// statement it also reports as invalid.
func TestNotPrincipalWithAllow(t *testing.T) {
	resource := repoPolicy(grant("Allow", `"NotPrincipal": {"AWS": ["arn:aws:iam::111122223333:user/bob", "arn:aws:iam::111122223333:root"]}`, "ecr:BatchGetImage"))
	runEvalCases(t, []evalCase{
		{name: "a principal not listed is allowed", resource: resource, principal: userDev, want: eval.Allow},
		{name: "a role not listed is allowed", resource: resource, principal: roleCI, want: eval.Allow},
		{name: "the listed user is not allowed by it", resource: resource, principal: "arn:aws:iam::111122223333:user/bob", want: eval.ImplicitDeny},
		{name: "the listed user with its own identity allow", identity: []string{allowPull}, resource: resource, principal: "arn:aws:iam::111122223333:user/bob", want: eval.Allow},
		{name: "an outsider still needs its identity allow", resource: resource, principal: partnerRole, want: eval.ImplicitDeny},
		{name: "an outsider with its identity allow", identity: []string{allowPull}, resource: resource, principal: partnerRole, want: eval.Allow},
		{name: "a service not listed is allowed", resource: resource, principal: "service:codebuild.amazonaws.com", want: eval.Allow},
	})
}

// IAM User Guide, "IAM JSON policy elements: NotAction" and "IAM JSON
// policy elements: NotResource": with Allow, everything except the listed
// actions or resources; with Deny, everything except them is denied.
func TestNotActionNotResource(t *testing.T) {
	allowExceptDelete := `{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "NotAction": ["ecr:Delete*", "ecr:BatchDeleteImage"], "Resource": "*"}}`
	denyExceptPull := `{"Version": "2012-10-17", "Statement": {"Effect": "Deny", "NotAction": "ecr:BatchGetImage", "Resource": "*"}}`
	allowExceptProd := `{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "ecr:*", "NotResource": "arn:aws:ecr:*:111122223333:repository/prod-*"}}`
	denyExceptApp := `{"Version": "2012-10-17", "Statement": {"Effect": "Deny", "Action": "ecr:*", "NotResource": "` + repoApp + `"}}`
	web := "arn:aws:ecr:us-east-1:111122223333:repository/web"
	prod := "arn:aws:ecr:us-east-1:111122223333:repository/prod-api"
	runEvalCases(t, []evalCase{
		{name: "Allow NotAction: an action not listed", identity: []string{allowExceptDelete}, principal: roleCI, action: "ecr:PutImage", want: eval.Allow},
		{name: "Allow NotAction: a listed action", identity: []string{allowExceptDelete}, principal: roleCI, action: "ecr:DeleteRepository", want: eval.ImplicitDeny},
		{name: "Allow NotAction: another service listed", identity: []string{`{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "NotAction": "s3:*", "Resource": "*"}}`}, principal: roleCI, want: eval.Allow},
		{name: "Allow NotAction covers other services too", identity: []string{allowExceptDelete}, principal: roleCI, action: "s3:GetObject", target: "arn:aws:s3:::bucket/key", want: eval.Allow},
		{name: "Deny NotAction: an action not listed is denied", identity: []string{allowECR, denyExceptPull}, principal: roleCI, action: "ecr:PutImage", want: eval.ExplicitDeny},
		{name: "Deny NotAction: the listed action is not denied", identity: []string{allowECR, denyExceptPull}, principal: roleCI, want: eval.Allow},
		{name: "Allow NotResource: another resource", identity: []string{allowExceptProd}, principal: roleCI, want: eval.Allow},
		{name: "Allow NotResource: a listed resource", identity: []string{allowExceptProd}, principal: roleCI, target: prod, want: eval.ImplicitDeny},
		{name: "Allow NotResource: a resource without ARN", identity: []string{allowExceptProd}, principal: roleCI, action: "ecr:GetAuthorizationToken", target: "*", want: eval.Allow},
		{name: "Deny NotResource: the listed resource is not denied", identity: []string{allowECR, denyExceptApp}, principal: roleCI, want: eval.Allow},
		{name: "Deny NotResource: another resource is denied", identity: []string{allowECR, denyExceptApp}, principal: roleCI, target: web, want: eval.ExplicitDeny},
		{name: "NotAction and NotResource together", identity: []string{`{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "NotAction": "ecr:Delete*", "NotResource": "` + web + `"}}`}, principal: roleCI, action: "ecr:PutImage", want: eval.Allow},
		{name: "NotAction and NotResource together, excluded resource", identity: []string{`{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "NotAction": "ecr:Delete*", "NotResource": "` + web + `"}}`}, principal: roleCI, action: "ecr:PutImage", target: web, want: eval.ImplicitDeny},
	})
}

// IAM User Guide, "IAM JSON policy elements: Action" (service prefixes and
// action names are case-insensitive and may use * and ?) and "IAM JSON
// policy elements: Resource" (ARNs, with * and ? inside segments; the
// resource part is case-sensitive).
func TestActionAndResourceMatching(t *testing.T) {
	identity := func(action, resource string) []string {
		return []string{`{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "` + action + `", "Resource": "` + resource + `"}}`}
	}
	runEvalCases(t, []evalCase{
		{name: "action name case", identity: identity("ECR:batchgetimage", "*"), principal: roleCI, want: eval.Allow},
		{name: "request action case", identity: identity("ecr:BatchGetImage", "*"), principal: roleCI, action: "ECR:BATCHGETIMAGE", want: eval.Allow},
		{name: "action wildcards", identity: identity("ecr:Batch?et*", "*"), principal: roleCI, want: eval.Allow},
		{name: "question mark is one character", identity: identity("ecr:Batch?Image", "*"), principal: roleCI, want: eval.ImplicitDeny},
		{name: "service wildcard", identity: identity("ecr:*", "*"), principal: roleCI, want: eval.Allow},
		{name: "star covers every service", identity: identity("*", "*"), principal: roleCI, want: eval.Allow},
		{name: "prefix does not cover other actions", identity: identity("ecr:Get*", "*"), principal: roleCI, want: eval.ImplicitDeny},
		{name: "ecr-public is another service", identity: identity("ecr-public:*", "*"), principal: roleCI, want: eval.ImplicitDeny},
		{name: "action outside the catalog, case-insensitive", identity: identity("S3:get*", "*"), principal: roleCI, action: "s3:GetObject", target: "arn:aws:s3:::bucket/key", want: eval.Allow},
		{name: "action outside the catalog, no match", identity: identity("s3:Put*", "*"), principal: roleCI, action: "s3:GetObject", target: "arn:aws:s3:::bucket/key", want: eval.ImplicitDeny},
		{name: "resource exact", identity: identity("ecr:*", repoApp), principal: roleCI, want: eval.Allow},
		{name: "resource is case-sensitive", identity: identity("ecr:*", "arn:aws:ecr:us-east-1:111122223333:repository/App"), principal: roleCI, want: eval.ImplicitDeny},
		{name: "resource wildcard in the region", identity: identity("ecr:*", "arn:aws:ecr:*:111122223333:repository/app"), principal: roleCI, want: eval.Allow},
		{name: "resource wildcard in the name", identity: identity("ecr:*", "arn:aws:ecr:us-east-1:111122223333:repository/a?p"), principal: roleCI, want: eval.Allow},
		{name: "resource in another account", identity: identity("ecr:*", "arn:aws:ecr:us-east-1:444455556666:repository/app"), principal: roleCI, want: eval.ImplicitDeny},
		{name: "resource name with a path", identity: identity("ecr:*", "arn:aws:ecr:us-east-1:111122223333:repository/alice/*"), principal: roleCI, target: "arn:aws:ecr:us-east-1:111122223333:repository/alice/tools", want: eval.Allow},
		{name: "ARN pattern does not cover resource *", identity: identity("ecr:*", "arn:aws:ecr:*:111122223333:*"), principal: roleCI, action: "ecr:GetAuthorizationToken", target: "*", want: eval.ImplicitDeny},
	})
}

// IAM User Guide, "AWS JSON policy elements: Principal" (AWS service
// principals) and "Policy evaluation logic": a service principal gets access
// only from a resource-based policy that names it (or names everyone). SCPs
// are "principal-centric controls" on the IAM users and roles of member
// accounts (AWS Organizations User Guide, "Authorization policies in AWS
// Organizations"), so they do not limit a service principal.
func TestServicePrincipal(t *testing.T) {
	const svc = "service:codebuild.amazonaws.com"
	runEvalCases(t, []evalCase{
		{name: "named service", resource: repoPolicy(grant("Allow", `"Principal": {"Service": "codebuild.amazonaws.com"}`, "ecr:BatchGetImage")), principal: svc, want: eval.Allow},
		{name: "named among several", resource: repoPolicy(grant("Allow", `"Principal": {"Service": ["lambda.amazonaws.com", "codebuild.amazonaws.com"]}`, "ecr:BatchGetImage")), principal: svc, want: eval.Allow},
		{name: "another service named", resource: repoPolicy(grant("Allow", `"Principal": {"Service": "lambda.amazonaws.com"}`, "ecr:BatchGetImage")), principal: svc, want: eval.ImplicitDeny},
		{name: "everyone named", resource: repoPolicy(grant("Allow", `"Principal": "*"`, "ecr:BatchGetImage")), principal: svc, want: eval.Allow},
		{name: "an account named is not the service", resource: repoPolicy(grant("Allow", `"Principal": {"AWS": "111122223333"}`, "ecr:BatchGetImage")), principal: svc, want: eval.ImplicitDeny},
		{name: "no resource policy", principal: svc, want: eval.ImplicitDeny},
		{name: "resource policy deny", resource: repoPolicy(grant("Allow", `"Principal": {"Service": "codebuild.amazonaws.com"}`, "ecr:*"), grant("Deny", `"Principal": "*"`, "ecr:BatchGetImage")), principal: svc, want: eval.ExplicitDeny},
		{name: "SCPs govern IAM principals, not services", scps: []string{allowPull}, resource: repoPolicy(grant("Allow", `"Principal": {"Service": "codebuild.amazonaws.com"}`, "ecr:*")), principal: svc, action: "ecr:PutImage", want: eval.Allow},
		{name: "service name by its bare form", resource: repoPolicy(grant("Allow", `"Principal": {"Service": "codebuild.amazonaws.com"}`, "ecr:BatchGetImage")), principal: "codebuild.amazonaws.com", want: eval.Allow},
	})
}

// IAM User Guide, "How AWS enforcement code logic evaluates requests to
// allow or deny access": requests are implicitly denied "with the exception
// of the AWS account root user, which has full access"; explicit denies
// still apply.
func TestRootUser(t *testing.T) {
	root := "arn:aws:iam::111122223333:root"
	runEvalCases(t, []evalCase{
		{name: "no policies", principal: root, want: eval.Allow},
		{name: "bare account id", principal: account, want: eval.Allow},
		{name: "identity policies are not needed", identity: []string{denyPull}, principal: root, action: "ecr:DeleteRepository", want: eval.Allow},
		{name: "a resource policy that does not name it", resource: repoPolicy(grant("Allow", `"Principal": {"AWS": "`+userDev+`"}`, "ecr:*")), principal: root, want: eval.Allow},
		{name: "explicit deny", identity: []string{denyPull}, principal: root, want: eval.ExplicitDeny},
		{name: "cross-account: named by account", resource: repoPolicy(grant("Allow", `"Principal": {"AWS": "111122223333"}`, "ecr:*")), principal: root, target: "arn:aws:ecr:us-east-1:444455556666:repository/app", want: eval.Allow},
		{name: "cross-account: not named", principal: root, target: "arn:aws:ecr:us-east-1:444455556666:repository/app", want: eval.ImplicitDeny},
	})
}

// Actions without a resource type (ecr:GetAuthorizationToken) are
// requested against "*" (Service Authorization Reference, Amazon ECR: no
// resource type; docs/semantics.md: asked with resource "*"). Such a request
// is made in the caller's own account, where there is no resource policy,
// so the caller's identity policies decide (IAM User Guide, "Policy
// evaluation for requests within a single account").
func TestNoResourceType(t *testing.T) {
	runEvalCases(t, []evalCase{
		{name: "identity allow", identity: []string{allowECR}, principal: roleCI, action: "ecr:GetAuthorizationToken", target: "*", want: eval.Allow},
		{name: "identity allow for a user", identity: []string{allowECR}, principal: userDev, action: "ecr:GetAuthorizationToken", target: "*", want: eval.Allow},
		{name: "no identity allow", identity: []string{allowPull}, principal: roleCI, action: "ecr:GetAuthorizationToken", target: "*", want: eval.ImplicitDeny},
		{name: "boundary still limits", identity: []string{allowECR}, boundary: allowPull, principal: roleCI, action: "ecr:GetAuthorizationToken", target: "*", want: eval.ImplicitDeny},
		{name: "identity deny", identity: []string{allowECR, `{"Version": "2012-10-17", "Statement": {"Effect": "Deny", "Action": "ecr:GetAuthorizationToken", "Resource": "*"}}`}, principal: roleCI, action: "ecr:GetAuthorizationToken", target: "*", want: eval.ExplicitDeny},
		// Amazon ECR User Guide, "Private repository policies in Amazon
		// ECR": "Amazon ECR requires that users have permission to make
		// calls to the ecr:GetAuthorizationToken API through an IAM policy".
		// A repository policy given beside such a request grants nothing
		// (simulate once said ALLOW) and denies nothing.
		{name: "a repository policy does not grant it", resource: repoPolicy(grant("Allow", `"Principal": "*"`, "ecr:*")), principal: userDev, action: "ecr:GetAuthorizationToken", target: "*", want: eval.ImplicitDeny},
		{name: "a repository policy does not deny it", identity: []string{allowECR}, resource: repoPolicy(grant("Deny", `"Principal": "*"`, "ecr:*")), principal: roleCI, action: "ecr:GetAuthorizationToken", target: "*", want: eval.Allow},
	})
}

// PolicySet.ResourceAccount overrides the owner read from the resource ARN,
// and CallerAllowsAll stands for an outsider whose own identity policies
// allow whatever it asks: only the resource policy then decides, as in the
// cross-account rule of the IAM User Guide, "Cross-account policy
// evaluation logic".
func TestPolicySetOptions(t *testing.T) {
	pull := repoPolicy(grant("Allow", `"Principal": {"AWS": "`+partner+`"}`, "ecr:BatchGetImage"))
	tests := []struct {
		name      string
		ps        eval.PolicySet
		principal string
		target    string
		want      eval.Result
	}{
		{"outsider with CallerAllowsAll, named account", eval.PolicySet{Resource: compile(t, "resource", pull), CallerAllowsAll: true}, partnerRole, repoApp, eval.Allow},
		{"outsider with CallerAllowsAll, not named", eval.PolicySet{Resource: compile(t, "resource", pull), CallerAllowsAll: true}, "arn:aws:iam::999988887777:role/x", repoApp, eval.ImplicitDeny},
		{"outsider without CallerAllowsAll", eval.PolicySet{Resource: compile(t, "resource", pull)}, partnerRole, repoApp, eval.ImplicitDeny},
		{"ResourceAccount makes a resource without owner cross-account", eval.PolicySet{Identity: []*eval.Policy{compile(t, "identity", allowECR)}, ResourceAccount: account}, partnerRole, "*", eval.ImplicitDeny},
		{"ResourceAccount overrides the ARN's account", eval.PolicySet{Identity: []*eval.Policy{compile(t, "identity", allowECR)}, ResourceAccount: partner}, partnerRole, repoApp, eval.Allow},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := eval.Evaluate(&tt.ps, &eval.Request{Principal: principal(t, tt.principal), Action: "ecr:BatchGetImage", Resource: tt.target, Context: eval.NewContext()})
			if d.Result != tt.want {
				t.Errorf("result = %v (%s), want %v", d.Result, d.Reason, tt.want)
			}
		})
	}
}

// IAM User Guide, "Identify AWS resources with Amazon Resource Names
// (ARNs)": each AWS account is scoped to one partition, so
// arn:aws-cn:iam::444455556666:root is not the aws account 444455556666;
// "AWS JSON policy elements: Principal": a bare account id names the
// account (in the caller's partition).
func TestPrincipalPartition(t *testing.T) {
	pull := func(principal string) string {
		return repoPolicy(grant("Allow", `"Principal": {"AWS": "`+principal+`"}`, "ecr:BatchGetImage"))
	}
	runEvalCases(t, []evalCase{
		{name: "root ARN of another partition", identity: []string{allowPull}, resource: pull("arn:aws-cn:iam::444455556666:root"), principal: partnerRole, want: eval.ImplicitDeny},
		{name: "root ARN of another partition, the root user", resource: pull("arn:aws-us-gov:iam::444455556666:root"), principal: partnerRoot, want: eval.ImplicitDeny},
		{name: "root ARN of the caller's partition", identity: []string{allowPull}, resource: pull("arn:aws-cn:iam::444455556666:root"), principal: "arn:aws-cn:iam::444455556666:role/deployer", want: eval.Allow},
		{name: "role ARN of another partition", identity: []string{allowPull}, resource: pull("arn:aws-cn:iam::444455556666:role/deployer"), principal: partnerRole, want: eval.ImplicitDeny},
		{name: "bare account id", identity: []string{allowPull}, resource: pull(partner), principal: partnerRole, want: eval.Allow},
		{name: "root ARN of the aws partition", identity: []string{allowPull}, resource: pull(partnerRoot), principal: partnerSession, want: eval.Allow},
	})
}

// ECR User Guide, "Private registry permissions in Amazon ECR" and IAM User
// Guide, "Policy evaluation logic": the registry policy is a second
// resource-based policy of the repository's owner; within one account
// either resource policy may grant, and a Deny in either denies.
func TestRegistryPolicy(t *testing.T) {
	registryGrant := func(effect, who string) string {
		return `{"Version": "2012-10-17", "Statement": [{"Effect": "` + effect + `", "Principal": {"AWS": "` + who + `"}, "Action": "ecr:BatchGetImage", "Resource": "arn:aws:ecr:us-east-1:111122223333:repository/*"}]}`
	}
	runEvalCases(t, []evalCase{
		{name: "registry policy grants the role", registry: registryGrant("Allow", roleCI), principal: roleCI, want: eval.Allow},
		{name: "registry policy grants another role", registry: registryGrant("Allow", "arn:aws:iam::111122223333:role/other"), principal: roleCI, want: eval.ImplicitDeny},
		{name: "registry policy resource does not match", registry: registryGrant("Allow", roleCI), principal: roleCI, target: "arn:aws:ecr:eu-west-1:111122223333:repository/app", want: eval.ImplicitDeny},
		{name: "registry deny beats identity allow", identity: []string{allowECR}, registry: registryGrant("Deny", roleCI), principal: roleCI, want: eval.ExplicitDeny},
		{name: "repository deny beats registry allow", registry: registryGrant("Allow", roleCI), resource: repoPolicy(grant("Deny", `"Principal": "*"`, "ecr:BatchGetImage")), principal: roleCI, want: eval.ExplicitDeny},
		{name: "registry deny beats repository allow", registry: registryGrant("Deny", roleCI), resource: repoPolicy(grant("Allow", `"Principal": {"AWS": "`+roleCI+`"}`, "ecr:BatchGetImage")), principal: roleCI, want: eval.ExplicitDeny},
		{name: "a registry grant to a role is limited by its boundary", registry: registryGrant("Allow", roleCI), boundary: `{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "ecr:PutImage", "Resource": "*"}]}`, principal: roleCI, want: eval.ImplicitDeny},
	})
}
