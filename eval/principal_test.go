package eval_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/ecrguard/ecrguard/eval"
)

// IAM User Guide, "IAM identifiers" (IAM ARNs: users, roles, assumed-role
// sessions arn:aws:sts::ACCOUNT:assumed-role/ROLE/SESSION, federated users,
// the root user) and "AWS JSON policy elements: Principal" (a bare account
// id stands for the account; services are NAME.amazonaws.com).
func TestParsePrincipal(t *testing.T) {
	tests := []struct {
		in      string
		want    eval.Principal
		name    string
		wantErr string
	}{
		{in: userDev, want: eval.Principal{Type: eval.User, ARN: userDev, Account: account}, name: "alice"},
		{in: "arn:aws:iam::111122223333:user/division/alice", want: eval.Principal{Type: eval.User, ARN: "arn:aws:iam::111122223333:user/division/alice", Account: account}, name: "alice"},
		{in: roleCI, want: eval.Principal{Type: eval.Role, ARN: roleCI, Account: account}, name: "ci"},
		{in: ciSession, want: eval.Principal{Type: eval.AssumedRole, ARN: ciSession, Account: account, RoleARN: roleCI}, name: "ci"},
		{in: "arn:aws-cn:sts::111122223333:assumed-role/ci/s", want: eval.Principal{Type: eval.AssumedRole, ARN: "arn:aws-cn:sts::111122223333:assumed-role/ci/s", Account: account, RoleARN: "arn:aws-cn:iam::111122223333:role/ci"}, name: "ci"},
		{in: fedUser, want: eval.Principal{Type: eval.FederatedUser, ARN: fedUser, Account: account}, name: "carol"},
		{in: "arn:aws:iam::111122223333:root", want: eval.Principal{Type: eval.Root, ARN: "arn:aws:iam::111122223333:root", Account: account}, name: "root"},
		{in: account, want: eval.Principal{Type: eval.Root, ARN: "arn:aws:iam::111122223333:root", Account: account}, name: "root"},
		{in: "service:codebuild.amazonaws.com", want: eval.Principal{Type: eval.Service, Service: "codebuild.amazonaws.com"}},
		{in: "ecr.amazonaws.com", want: eval.Principal{Type: eval.Service, Service: "ecr.amazonaws.com"}},
		{in: "service:", wantErr: "expected a service name"},
		{in: "alice", wantErr: "expected an IAM user or role ARN"},
		{in: "arn:aws:iam::1234:user/alice", wantErr: "is not a 12-digit account id"},
		{in: "arn:aws:s3:::bucket", wantErr: "is not a 12-digit account id"},
		{in: "arn:aws:ecr:us-east-1:111122223333:repository/app", wantErr: "expected an iam user/role/root ARN"},
		{in: "arn:aws:iam::111122223333:group/devs", wantErr: "expected an iam user/role/root ARN"},
		{in: "arn:aws:sts::111122223333:assumed-role/ci", wantErr: "assumed-role/ROLE/SESSION"},
		{in: "arn:aws:sts::111122223333:assumed-role//s", wantErr: "assumed-role/ROLE/SESSION"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := eval.ParsePrincipal(tt.in)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) || !strings.Contains(err.Error(), tt.in) {
					t.Fatalf("err = %v, want one naming %q and saying %q", err, tt.in, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got != tt.want {
				t.Errorf("ParsePrincipal(%q) = %+v, want %+v", tt.in, got, tt.want)
			}
			if tt.name != "" && got.Name() != tt.name {
				t.Errorf("Name() = %q, want %q", got.Name(), tt.name)
			}
		})
	}
	if s := (eval.Principal{Type: eval.Service, Service: "x.amazonaws.com"}).String(); s != "service:x.amazonaws.com" {
		t.Errorf("service String() = %q", s)
	}
	if s := (eval.Principal{}).String(); s != "anonymous" {
		t.Errorf("anonymous String() = %q", s)
	}
	if (eval.Principal{}).Name() != "" {
		t.Error("anonymous has no name")
	}
}

// IAM User Guide, "AWS global condition context keys": aws:PrincipalArn
// (for a role session, the role's ARN), aws:PrincipalAccount,
// aws:PrincipalType (Account, User, FederatedUser, AssumedRole),
// aws:username (IAM users only), aws:PrincipalIsAWSService and
// aws:PrincipalServiceName (services). Derive never overwrites a key the
// request already has.
func TestDerive(t *testing.T) {
	tests := []struct {
		principal string
		want      kv
	}{
		{userDev, kv{"aws:principalarn": v(userDev), "aws:principalaccount": v(account), "aws:principaltype": v("User"), "aws:username": v("alice"), "aws:principalisawsservice": v("false")}},
		{roleCI, kv{"aws:principalarn": v(roleCI), "aws:principalaccount": v(account), "aws:principaltype": v("AssumedRole"), "aws:principalisawsservice": v("false")}},
		{ciSession, kv{"aws:principalarn": v(roleCI), "aws:principalaccount": v(account), "aws:principaltype": v("AssumedRole"), "aws:principalisawsservice": v("false")}},
		{fedUser, kv{"aws:principalarn": v(fedUser), "aws:principalaccount": v(account), "aws:principaltype": v("FederatedUser"), "aws:principalisawsservice": v("false")}},
		{account, kv{"aws:principalarn": v("arn:aws:iam::111122223333:root"), "aws:principalaccount": v(account), "aws:principaltype": v("Account"), "aws:principalisawsservice": v("false")}},
		{"service:ecr.amazonaws.com", kv{"aws:principalisawsservice": v("true"), "aws:principalservicename": v("ecr.amazonaws.com"), "aws:principalservicenameslist": v("ecr.amazonaws.com")}},
	}
	for _, tt := range tests {
		t.Run(tt.principal, func(t *testing.T) {
			ctx := eval.NewContext()
			eval.Derive(ctx, principal(t, tt.principal))
			var wantKeys []string
			for k, want := range tt.want {
				wantKeys = append(wantKeys, k)
				if got, ok := ctx.Get(k); !ok || !slices.Equal(got, want) {
					t.Errorf("%s = %v (present %v), want %v", k, got, ok, want)
				}
			}
			slices.Sort(wantKeys)
			if got := ctx.Keys(); !slices.Equal(got, wantKeys) {
				t.Errorf("keys = %v, want %v", got, wantKeys)
			}
		})
	}
	ctx := kv{"AWS:Username": v("someone-else"), "aws:PrincipalType": v()}.context()
	eval.Derive(ctx, principal(t, userDev))
	if got, _ := ctx.Get("aws:username"); !slices.Equal(got, []string{"someone-else"}) {
		t.Errorf("Derive overwrote aws:username: %v", got)
	}
	if got, ok := ctx.Get("aws:PrincipalType"); !ok || len(got) != 0 {
		t.Errorf("Derive overwrote a present-empty key: %v", got)
	}
	anon := eval.NewContext()
	eval.Derive(anon, eval.Principal{})
	if len(anon.Keys()) != 0 {
		t.Errorf("an anonymous caller carries no keys: %v", anon.Keys())
	}
}

// IAM User Guide, "IAM JSON policy elements: Condition" (key names are
// case-insensitive) and "Single-valued vs. multivalued context keys": a key
// is absent, present with values, or present with no values.
func TestContext(t *testing.T) {
	ctx := eval.NewContext()
	ctx.Set("aws:TagKeys")
	ctx.Set("AWS:SourceIp", "203.0.113.1")
	ctx.Set("aws:PrincipalTag/Team", "a", "b")
	tests := []struct {
		key     string
		present bool
		values  []string
	}{
		{"aws:tagkeys", true, []string{}},
		{"aws:sourceip", true, []string{"203.0.113.1"}},
		{"Aws:SourceIP", true, []string{"203.0.113.1"}},
		{"aws:principaltag/team", true, []string{"a", "b"}},
		{"aws:username", false, nil},
	}
	for _, tt := range tests {
		t.Run(tt.key, func(t *testing.T) {
			got, ok := ctx.Get(tt.key)
			if ok != tt.present || ctx.Has(tt.key) != tt.present || !slices.Equal(got, tt.values) {
				t.Errorf("Get(%q) = %v, %v; want %v, %v", tt.key, got, ok, tt.values, tt.present)
			}
			if tt.present && got == nil {
				t.Errorf("a present key returns a nil slice")
			}
		})
	}
	if got := ctx.Keys(); !slices.Equal(got, []string{"aws:principaltag/team", "aws:sourceip", "aws:tagkeys"}) {
		t.Errorf("Keys() = %v", got)
	}
	clone := ctx.Clone()
	ctx.Delete("AWS:SOURCEIP")
	ctx.Set("aws:tagkeys", "x")
	if ctx.Has("aws:SourceIp") {
		t.Error("Delete did not remove the key")
	}
	if got, _ := clone.Get("aws:SourceIp"); !slices.Equal(got, []string{"203.0.113.1"}) {
		t.Error("the clone changed with the original")
	}
	if got, _ := clone.Get("aws:TagKeys"); len(got) != 0 {
		t.Error("the clone changed with the original")
	}
	var zero eval.Context
	zero.Set("k", "v")
	if !zero.Has("k") {
		t.Error("a zero Context accepts Set")
	}
}

// Simulate adds the keys the principal always carries, without changing
// the caller's context.
func TestSimulate(t *testing.T) {
	ps := &eval.PolicySet{Identity: []*eval.Policy{compile(t, "identity", identityWithCondition("2012-10-17", `{"StringEquals": {"aws:username": "alice"}}`))}}
	ctx := kv{"aws:SecureTransport": v("true")}.context()
	req := &eval.Request{Principal: principal(t, userDev), Action: "ecr:BatchGetImage", Resource: repoApp, Context: ctx}
	if d := eval.Simulate(ps, req); d.Result != eval.Allow {
		t.Errorf("Simulate = %v (%s), want allow from the derived aws:username", d.Result, d.Reason)
	}
	if d := eval.Evaluate(ps, req); d.Result != eval.ImplicitDeny {
		t.Errorf("Evaluate = %v, want implicit-deny: it derives nothing", d.Result)
	}
	if got := ctx.Keys(); !slices.Equal(got, []string{"aws:securetransport"}) {
		t.Errorf("Simulate changed the request's context: %v", got)
	}
	req.Context = nil
	if d := eval.Simulate(ps, req); d.Result != eval.Allow {
		t.Errorf("Simulate with no context = %v", d.Result)
	}
	// A role's session named by aws:userid is that session alone.
	deny := &eval.PolicySet{
		Identity: []*eval.Policy{compile(t, "identity", allowECR)},
		Resource: compile(t, "resource", repoPolicy(grant("Deny", `"Principal": {"AWS": "`+ciSession+`"}`, "ecr:BatchGetImage"))),
	}
	// Without it, the role is allowed when one of its sessions is.
	if d := eval.Simulate(deny, &eval.Request{Principal: principal(t, roleCI), Action: "ecr:BatchGetImage", Resource: repoApp}); d.Result != eval.Allow {
		t.Errorf("role: Simulate = %v (%s), want allow (a session not named build-42)", d.Result, d.Reason)
	}
	sessionGrant := &eval.PolicySet{Resource: compile(t, "resource", repoPolicy(grant("Allow", `"Principal": {"AWS": "`+ciSession+`"}`, "ecr:BatchGetImage")))}
	if d := eval.Simulate(sessionGrant, &eval.Request{Principal: principal(t, roleCI), Action: "ecr:BatchGetImage", Resource: repoApp}); d.Result != eval.Allow || !strings.HasSuffix(d.Reason, "(as its session build-42)") {
		t.Errorf("role: Simulate = %v (%s), want allow as its session build-42", d.Result, d.Reason)
	}
	for uid, want := range map[string]eval.Result{"AROACI:build-42": eval.ExplicitDeny, "AROACI:other": eval.Allow} {
		req := &eval.Request{Principal: principal(t, roleCI), Action: "ecr:BatchGetImage", Resource: repoApp, Context: kv{"aws:userid": v(uid)}.context()}
		if d := eval.Simulate(deny, req); d.Result != want {
			t.Errorf("session %s: Simulate = %v (%s), want %v", uid, d.Result, d.Reason, want)
		}
	}
	for _, r := range []eval.Result{eval.ImplicitDeny, eval.Allow, eval.ExplicitDeny} {
		if r.String() == "" {
			t.Errorf("Result(%d) has no name", r)
		}
	}
}
