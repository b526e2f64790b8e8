package exposure

import (
	"strings"
	"testing"

	"github.com/ecrguard/ecrguard/eval"
	"github.com/ecrguard/ecrguard/policy"
)

// unknownOwnerTarget is a repository whose owner the inputs do not name
// (Terraform without --account): its ARN has no account.
func unknownOwnerTarget(t *testing.T, text string) Target {
	t.Helper()
	tg := target(t, text)
	tg.Account = ""
	tg.ARN = "arn:aws:ecr:us-east-1::repository/app"
	return tg
}

const partnerPull = `{"Version":"2012-10-17","Statement":[{"Sid":"PartnerPull","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::444455556666:root"},"Action":"ecr:BatchGetImage"}]}`

// TestUnknownOwnerIsOneAccount follows docs/semantics.md, "The owner account":
// an owner the inputs do not name is one fixed account, so an account the
// policy names by its id is outside it, and the unknown owner makes nothing
// public by itself.
func TestUnknownOwnerIsOneAccount(t *testing.T) {
	r := Analyze(unknownOwnerTarget(t, partnerPull), Zone{})
	if !r.Public.Actions.Empty() {
		t.Errorf("a grant to one partner account is public under an unknown owner: %v", r.Public.Principals)
	}
	acc := r.Accounts["444455556666"]
	if acc == nil || acc.Actions.Empty() {
		t.Fatalf("the partner account is not an outsider of the unknown owner: accounts=%v", r.Accounts)
	}
	if r.Target.Account != "" || r.Target.ARN != "arn:aws:ecr:us-east-1::repository/app" {
		t.Errorf("the result names the target %q/%q, not as given", r.Target.Account, r.Target.ARN)
	}
	// A grant to everyone is still public.
	pub := Analyze(unknownOwnerTarget(t, `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"ecr:BatchGetImage"}]}`), Zone{})
	if pub.Public.Actions.Empty() {
		t.Error("Principal * is not public under an unknown owner")
	}
	// A grant to the owner, whoever it is, is nobody else's.
	own := Analyze(unknownOwnerTarget(t, `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"ecr:*","Condition":{"StringEquals":{"aws:PrincipalAccount":"${aws:ResourceAccount}"}}}]}`), Zone{})
	if !own.Outsiders().Empty() {
		t.Errorf("a grant to the owner's own account is open to outsiders: %v", own.Outsiders())
	}
}

// allowAll is an identity policy that allows every ECR action.
func allowAll(t *testing.T) *eval.Policy {
	doc, err := policy.Parse([]byte(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"ecr:*","Resource":"*"}]}`), "admin.json")
	if err != nil {
		t.Fatal(err)
	}
	return eval.Compile("admin.json", doc)
}

// simulateFix replays one request against the fix as written (its JSON,
// decoded), the caller's identity policy allowing everything.
func simulateFix(t *testing.T, fix *Fix, principal, action, resource string) eval.Decision {
	t.Helper()
	doc, err := policy.Parse(fix.JSON, "fixed.json")
	if err != nil {
		t.Fatalf("fix does not decode: %v\n%s", err, fix.JSON)
	}
	p, err := eval.ParsePrincipal(principal)
	if err != nil {
		t.Fatal(err)
	}
	ps := &eval.PolicySet{Resource: eval.Compile("fixed.json", doc), Identity: []*eval.Policy{allowAll(t)}}
	return eval.Simulate(ps, &eval.Request{Principal: p, Action: action, Resource: resource})
}

// TestFixUnknownOwner checks the fix of a Terraform repository without an
// account: the guard names the owner as ${aws:ResourceAccount}, so that
// whatever account it is deployed to, that account's admin keeps its
// access and the partner is shut out.
func TestFixUnknownOwner(t *testing.T) {
	r := Analyze(unknownOwnerTarget(t, partnerPull), Zone{})
	fix, err := ProposeFix(r, Zone{})
	if err != nil {
		t.Fatal(err)
	}
	if fix == nil || !fix.Proven() {
		t.Fatalf("want a proven fix, got %+v", fix)
	}
	if !strings.Contains(string(fix.JSON), `"aws:PrincipalAccount": "${aws:ResourceAccount}"`) || strings.Contains(string(fix.JSON), `""`) {
		t.Errorf("the guard does not name the owner as ${aws:ResourceAccount}:\n%s", fix.JSON)
	}
	// "The owner's admin": any account, asking about a repository of its
	// own (the resource ARN's account is the caller's).
	for _, acct := range []string{"111122223333", "210987654321"} {
		res := "arn:aws:ecr:us-east-1:" + acct + ":repository/app"
		for _, who := range []string{"arn:aws:iam::" + acct + ":role/admin", "arn:aws:iam::" + acct + ":root", "arn:aws:iam::" + acct + ":user/ops"} {
			for _, act := range []string{"ecr:BatchGetImage", "ecr:PutImage", "ecr:SetRepositoryPolicy"} {
				if d := simulateFix(t, fix, who, act, res); d.Result != eval.Allow {
					t.Errorf("%s calling %s on its own repository: %v (%s)", who, act, d.Result, d.Reason)
				}
			}
		}
		if d := simulateFix(t, fix, "arn:aws:iam::444455556666:role/puller", "ecr:BatchGetImage", res); d.Result != eval.ExplicitDeny {
			t.Errorf("the untrusted partner still pulls from %s: %v", acct, d.Result)
		}
	}
}

// TestFixSparesKnownOwner checks that a fix is proven for the owner too:
// its root, a role (and its sessions), a user and a federated user lose
// nothing, on every kind of action.
func TestFixSparesKnownOwner(t *testing.T) {
	zone := Zone{Account: "111122223333", OrgIDs: []string{"o-a1b2c3d4e5"}, OrgPaths: []string{"o-a1b2c3d4e5/r-ab12/ou-ab12-11111111/"}}
	for _, text := range []string{
		`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"ecr:*"}]}`,
		`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"codebuild.amazonaws.com"},"Action":"ecr:BatchGetImage"}]}`,
	} {
		tg := target(t, text)
		fix, err := ProposeFix(Analyze(tg, zone), zone)
		if err != nil {
			t.Fatal(err)
		}
		if fix == nil || !fix.Proven() {
			t.Fatalf("want a proven fix, got %+v", fix)
		}
		for _, who := range []string{
			"arn:aws:iam::111122223333:root",
			"arn:aws:iam::111122223333:role/admin",
			"arn:aws:sts::111122223333:assumed-role/admin/alice",
			"arn:aws:iam::111122223333:user/ops",
			"arn:aws:sts::111122223333:federated-user/bob",
		} {
			for _, act := range []string{"ecr:BatchGetImage", "ecr:PutImage", "ecr:DeleteRepository", "ecr:SetRepositoryPolicy"} {
				if d := simulateFix(t, fix, who, act, tg.ARN); d.Result != eval.Allow {
					t.Errorf("%s calling %s: %v (%s)\n%s", who, act, d.Result, d.Reason, fix.JSON)
				}
			}
		}
	}
}

// TestFixThatDeniesOwnerIsUnproven checks that the owner check refuses a
// guard that would deny the owner's own principals: a zone that does not
// hold the repository's owner (a library caller's mistake), and an owner
// the inputs do not name in a policy of Version 2008-10-17, where the
// ${aws:ResourceAccount} the guard needs is literal text.
func TestFixThatDeniesOwnerIsUnproven(t *testing.T) {
	public := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"ecr:BatchGetImage"}]}`
	tests := []struct {
		name string
		tg   Target
		zone Zone
		want []string
	}{
		{"zone of another account", target(t, public), Zone{Account: "999988887777"},
			[]string{`guard "EcrguardDenyOutsideTrustZone" would deny`, "of account 111122223333 calling ecr:"}},
		{"2008 policy, unknown owner", unknownOwnerTarget(t, strings.Replace(public, "2012-10-17", "2008-10-17", 1)), Zone{},
			[]string{`guard "EcrguardDenyOutsideTrustZone" would deny`, "of the owner account", "takes effect only in a policy of Version 2012-10-17; this policy's is 2008-10-17"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fix, err := ProposeFix(Analyze(tt.tg, tt.zone), tt.zone)
			if err != nil {
				t.Fatal(err)
			}
			if fix == nil {
				t.Fatal("no fix proposed")
			}
			if fix.Proven() || fix.Unproven == "" {
				t.Fatalf("a fix that denies the owner is proven:\n%s", fix.JSON)
			}
			for _, w := range tt.want {
				if !strings.Contains(fix.Unproven, w) {
					t.Errorf("reason %q lacks %q", fix.Unproven, w)
				}
			}
			if strings.Contains(fix.Unproven, UnknownOwner) {
				t.Errorf("reason names the stand-in %q: %s", UnknownOwner, fix.Unproven)
			}
		})
	}
}

// TestFixUnknownOwnerRegistry checks the registry policy's fix under an
// unknown owner: the guard's Resource names the owner's repositories as
// arn:aws:ecr:REGION:*:repository/*, which closes what outsiders could do
// and spares the owner. It once named them with ${aws:ResourceAccount} in
// the account, where IAM replaces no variable (IAM User Guide, "IAM policy
// elements: Variables and tags": "You can't use a variable to replace parts
// of the ARN before the fifth colon, such as the service or account"): a
// guard that matched no repository.
func TestFixUnknownOwnerRegistry(t *testing.T) {
	tg := unknownOwnerTarget(t, `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"444455556666"},"Action":["ecr:CreateRepository","ecr:ReplicateImage","ecr:BatchGetImage"],"Resource":"*"}]}`)
	tg.Kind, tg.ARN, tg.Repository = Registry, "arn:aws:ecr:us-east-1::registry", ""
	fix, err := ProposeFix(Analyze(tg, Zone{}), Zone{})
	if err != nil {
		t.Fatal(err)
	}
	if fix == nil || !fix.Proven() {
		t.Fatalf("want a proven fix, got %+v", fix)
	}
	if !strings.Contains(string(fix.JSON), `"Resource": "arn:aws:ecr:us-east-1:*:repository/*"`) {
		t.Errorf("the guard's Resource does not name the owner's repositories:\n%s", fix.JSON)
	}
	res := "arn:aws:ecr:us-east-1:111122223333:repository/app"
	if d := simulateFix(t, fix, "arn:aws:iam::111122223333:role/admin", "ecr:BatchGetImage", res); d.Result != eval.Allow {
		t.Errorf("the owner's admin: %v (%s)", d.Result, d.Reason)
	}
	if d := simulateFix(t, fix, "arn:aws:iam::444455556666:role/puller", "ecr:BatchGetImage", res); d.Result != eval.ExplicitDeny {
		t.Errorf("the untrusted partner: %v (%s)", d.Result, d.Reason)
	}
}
