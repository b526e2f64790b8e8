package identity

import (
	"testing"
	"time"

	"github.com/ecrguard/ecrguard/estate"
)

// TestOwnedDetachedPolicies: a detached identity policy whose owner is
// known (aws iam get-role-policy, get-user-policy) is its owner's: added to
// the role the authorization details describe, or a principal of its own;
// one without an owner stands for whoever it is attached to.
func TestOwnedDetachedPolicies(t *testing.T) {
	const doc = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"ecr:DeleteRepository","Resource":"*"}]}`
	a := estate.New().Account("111122223333")
	a.IAM = &estate.IAM{Roles: []*estate.Role{{Identity: estate.Identity{Name: "ci", Path: "/", ARN: "arn:aws:iam::111122223333:role/ci"}}}}
	owned := func(name, owner string) *estate.Policy {
		p := parsed(t, name, doc)
		p.Owner = owner
		return p
	}
	a.Detached = []*estate.Policy{
		owned("inline policy Del of role/ci", "arn:aws:iam::111122223333:role/ci"),
		owned("inline policy Del of user/erin", "arn:aws:iam::111122223333:user/erin"),
		owned("identity policy del.json", ""),
	}
	m := Build(a, "", "", time.Time{})
	got := map[string]string{}
	for _, p := range m.Principals {
		got[p.ARN] = p.Label()
		if len(p.Identity) != 1 {
			t.Errorf("%s: %d identity policies, want 1", p.ARN, len(p.Identity))
		}
	}
	want := map[string]string{
		"arn:aws:iam::111122223333:role/ci":   "role/ci",
		"arn:aws:iam::111122223333:user/erin": "user/erin",
		"policy:identity policy del.json":     "any principal with identity policy del.json attached",
	}
	if len(got) != len(want) || len(m.Principals) != len(want) {
		t.Fatalf("principals %v, want %v", got, want)
	}
	for arn, label := range want {
		if got[arn] != label {
			t.Errorf("%s: label %q, want %q", arn, got[arn], label)
		}
	}
}
