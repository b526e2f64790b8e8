package identity

import (
	"strings"
	"testing"
	"time"

	"github.com/ecrguard/ecrguard/estate"
	"github.com/ecrguard/ecrguard/eval"
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

// TestDetachedPolicyHolders: a detached identity policy (a raw policy file)
// may be attached to any user or role of the account, whose name, unique id
// and tags are not known: a grant to users only (aws:PrincipalType User,
// aws:username present, aws:PrincipalArn user/*, a Resource that reads
// ${aws:username}), to some role, or one a Deny on roles leaves to users,
// holds for some holder (IAM User Guide, "AWS global condition context
// keys": aws:PrincipalType is User for an IAM user, AssumedRole for a role
// session; aws:username is present for IAM users only). It was judged for
// one made-up role alone: nobody could.
func TestDetachedPolicyHolders(t *testing.T) {
	const repoRes = `"Resource":"arn:aws:ecr:*:111122223333:repository/${aws:username}"`
	cases := []struct {
		name, doc string
		want      bool
	}{
		{"user type", identityWith("ecr:*", `{"StringEquals":{"aws:PrincipalType":"User"}}`), true},
		{"user name present", identityWith("ecr:*", `{"Null":{"aws:username":"false"}}`), true},
		{"user ARN", identityWith("ecr:*", `{"ArnLike":{"aws:PrincipalArn":"arn:aws:iam::111122223333:user/*"}}`), true},
		{"named role", identityWith("ecr:*", `{"ArnEquals":{"aws:PrincipalArn":"arn:aws:iam::111122223333:role/ops/deployer"}}`), true},
		{"user id", identityWith("ecr:*", `{"StringLike":{"aws:userid":"AIDAEXAMPLE*"}}`), true},
		{"principal tag", identityWith("ecr:*", `{"StringEquals":{"aws:PrincipalTag/team":"platform"}}`), true},
		{"long-term keys", identityWith("ecr:*", `{"Null":{"aws:MultiFactorAuthPresent":"true"}}`), true},
		{"roles denied", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"ecr:*","Resource":"*"},{"Effect":"Deny","Action":"*","Resource":"*","Condition":{"ArnLike":{"aws:PrincipalArn":"arn:aws:iam::*:role/*"}}}]}`, true},
		{"own repository", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"ecr:*",` + repoRes + `}]}`, true},
		{"role type is no user", identityWith("ecr:*", `{"StringEquals":{"aws:PrincipalType":"User"},"ArnLike":{"aws:PrincipalArn":"arn:aws:iam::*:role/*"}}`), false},
		{"another account", identityWith("ecr:*", `{"StringEquals":{"aws:PrincipalAccount":"444455556666"}}`), false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			for _, off := range []bool{false, true} {
				a := appAccount()
				a.Detached = []*estate.Policy{parsed(t, "identity policy p.json", c.doc)}
				m := Build(a, "", "", propAt)
				m.memo.off = off
				wantDelete(t, m, m.Principals[0], c.want)
			}
		})
	}
}

// TestOwnedPolicyTagsUnknown: a policy read with its owner alone (aws iam
// get-role-policy) says nothing of the owner's tags, which are unknown, not
// absent (docs/semantics.md, "Who can"), as are the tags of a role that
// Terraform knows only at apply: a grant on aws:PrincipalTag holds for
// some tags. A role of the authorization details with the same policy
// and no tags cannot; the two do not share an answer.
func TestOwnedPolicyTagsUnknown(t *testing.T) {
	doc := identityWith("ecr:*", `{"StringEquals":{"aws:PrincipalTag/team":"blue"}}`)
	for _, off := range []bool{false, true} {
		a := appAccount()
		a.IAM = &estate.IAM{Roles: []*estate.Role{{Identity: estate.Identity{Name: "tagless", Path: "/", ARN: roleARN("tagless"), ID: "AROATAGLESS",
			Inline: []*estate.Policy{parsed(t, "inline policy of role/tagless", doc)}}},
			{Identity: estate.Identity{Name: "later", Path: "/", ARN: roleARN("later"), ID: "AROALATER",
				Inline: []*estate.Policy{parsed(t, "inline policy of role/later", doc)}}, TagsUnknown: true}}}
		for _, owner := range []string{roleARN("ci"), userARN("erin")} {
			p := parsed(t, "inline policy of "+owner, doc)
			p.Owner = owner
			a.Detached = append(a.Detached, p)
		}
		m := Build(a, "", "", propAt)
		m.memo.off = off
		for _, q := range []struct {
			who  string
			want bool
		}{{"role/tagless", false}, {"role/ci", true}, {"user/erin", true}, {"role/later", true}, {"role/tagless", false}} {
			wantDelete(t, m, m.principal(t, q.who), q.want)
		}
	}
}

// TestSessionTags: a role whose trust policy allows sts:TagSession has
// sessions whose caller passes session tags, which override the role's own
// (IAM User Guide, "Pass session tags in AWS STS"): a grant on
// aws:PrincipalTag/team = blue holds for a role tagged red. Without
// sts:TagSession the role's tags are its sessions' tags.
func TestSessionTags(t *testing.T) {
	doc := identityWith("ecr:*", `{"StringEquals":{"aws:PrincipalTag/team":"blue"}}`)
	trust := func(actions string) *estate.Policy {
		return parsed(t, "trust", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:root"},"Action":`+actions+`}]}`)
	}
	role := func(name string, tr *estate.Policy) *estate.Role {
		return &estate.Role{Identity: estate.Identity{Name: name, Path: "/", ARN: roleARN(name), ID: "AROA" + strings.ToUpper(name),
			Inline: []*estate.Policy{parsed(t, "inline policy of role/"+name, doc)}}, Tags: map[string]string{"team": "red"}, Trust: tr}
	}
	for _, off := range []bool{false, true} {
		a := appAccount()
		a.IAM = &estate.IAM{Roles: []*estate.Role{
			role("plain", trust(`"sts:AssumeRole"`)), role("abac", trust(`["sts:AssumeRole","sts:TagSession"]`)),
			role("star", trust(`"sts:*"`)), role("untrusted", nil),
		}}
		m := Build(a, "", "", propAt)
		m.memo.off = off
		for _, who := range []string{"role/plain", "role/abac", "role/star", "role/untrusted"} {
			wantDelete(t, m, m.principal(t, who), who == "role/abac" || who == "role/star")
		}
	}
}

// TestUserUnknownID: an IAM user's requests always carry aws:userid, its
// unique id (IAM User Guide, "AWS global condition context keys"), even
// when the inputs do not give it (Terraform, a policy read with its owner
// alone): ecrguard makes one up, as for a role, so a grant on aws:userid
// present or like AIDA* holds, and one on another user's literal id does
// not. The key was left absent: nobody could.
func TestUserUnknownID(t *testing.T) {
	for _, c := range []struct {
		cond string
		want bool
	}{
		{`{"Null":{"aws:userid":"false"}}`, true},
		{`{"StringLike":{"aws:userid":"AIDA*"}}`, true},
		{`{"StringEquals":{"aws:userid":"AIDAOTHERUSER"}}`, false},
	} {
		for _, off := range []bool{false, true} {
			a := appAccount()
			a.IAM = &estate.IAM{Users: []*estate.User{{Identity: estate.Identity{Name: "tf", Path: "/", ARN: userARN("tf"),
				Inline: []*estate.Policy{parsed(t, "inline policy of user/tf", identityWith("ecr:*", c.cond))}}}}}
			owned := parsed(t, "inline policy of user/erin", identityWith("ecr:*", c.cond))
			owned.Owner = userARN("erin")
			a.Detached = []*estate.Policy{owned}
			m := Build(a, "", "", propAt)
			m.memo.off = off
			for _, who := range []string{"user/tf", "user/erin"} {
				wantDelete(t, m, m.principal(t, who), c.want)
			}
		}
	}
}

// appAccount is an account with one repository, app, in us-east-1, with no
// policy.
func appAccount() *estate.Account {
	a := estate.New().Account(owner)
	a.Region("us-east-1").Repository("app").SetPolicy(nil)
	return a
}

// wantDelete checks that Can and Answer say want of whether p can delete
// the model's first repository, with the memo on and off (m.memo.off, set
// by the caller), and that a proof replays.
func wantDelete(t *testing.T, m *Model, p *Principal, want bool) {
	t.Helper()
	w, _ := m.Can(p, "ecr:DeleteRepository", m.Repositories[0], Free)
	if (w != nil) != want {
		t.Errorf("%s (memo off %v): can = %v, want %v", p.Label(), m.memo.off, w != nil, want)
	}
	if got := m.Answer(p, "ecr:DeleteRepository", Free).Repos[0] != nil; got != want {
		t.Errorf("%s (memo off %v): Answer says %v, want %v", p.Label(), m.memo.off, got, want)
	}
	if w != nil {
		if e := m.Explain(p, w); e.Decision.Result != eval.Allow {
			t.Errorf("%s: the proof does not replay: %s", p.Label(), e.Decision.Reason)
		}
	}
}
