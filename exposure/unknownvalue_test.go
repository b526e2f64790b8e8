package exposure

import (
	"testing"

	"github.com/ecrguard/ecrguard/eval"
)

// standInTarget is target with the first condition value of the first
// statement made a stand-in (policy.Value.StandIn), as the IaC readers read
// a variable without a value under StringEquals aws:PrincipalOrgID.
func standInTarget(t *testing.T, text, placeholder string) Target {
	t.Helper()
	tg := target(t, text)
	doc := tg.Policy.Doc
	for _, s := range doc.Statements {
		for i := range s.Conditions {
			for j := range s.Conditions[i].Values {
				if v := &s.Conditions[i].Values[j]; v.Text == placeholder {
					v.StandIn = true
				}
			}
		}
	}
	tg.Policy = eval.Compile("app", doc)
	return tg
}

// A condition value not known at scan time that names one organization or
// account (docs/iac.md, "Unknown is not safe") lets in that one, an
// organization or account nobody vetted, not the public; where it only
// excludes one, the rest stay public.
func TestStandInNamesOneOutsider(t *testing.T) {
	const acct = "111122223333"
	zone := Zone{Account: acct, OrgIDs: []string{"o-a1b2c3d4e5"}}
	for _, tc := range []struct {
		name, policy string
		public       bool
		org, account string
	}{
		{"StringEquals org", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"ecr:BatchGetImage","Condition":{"StringEquals":{"aws:PrincipalOrgID":"<var.org_id>"}}}]}`,
			false, "<var.org_id>", ""},
		{"StringEqualsIgnoreCase org", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"ecr:BatchGetImage","Condition":{"StringEqualsIgnoreCase":{"aws:PrincipalOrgID":"<var.org_id>"}}}]}`,
			false, "<var.org_id>", ""},
		{"StringEquals account", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"ecr:BatchGetImage","Condition":{"StringEquals":{"aws:PrincipalAccount":"<var.account>"}}}]}`,
			false, "", "<var.account>"},
		{"Deny outside one org", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"ecr:BatchGetImage"},{"Effect":"Deny","Principal":"*","Action":"ecr:*","Condition":{"StringNotEquals":{"aws:PrincipalOrgID":"<var.org_id>"}}}]}`,
			false, "<var.org_id>", ""},
		{"Allow all but one org", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"ecr:BatchGetImage","Condition":{"StringNotEquals":{"aws:PrincipalOrgID":"<var.org_id>"}}}]}`,
			true, "", ""},
		{"Deny one org", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"ecr:BatchGetImage"},{"Effect":"Deny","Principal":"*","Action":"ecr:*","Condition":{"StringEquals":{"aws:PrincipalOrgID":"<var.org_id>"}}}]}`,
			true, "", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			placeholder := tc.org + tc.account
			if placeholder == "" {
				placeholder = "<var.org_id>"
			}
			r := Analyze(standInTarget(t, tc.policy, placeholder), zone)
			if got := !r.Public.Actions.Empty(); got != tc.public {
				t.Errorf("public = %v, want %v (%v)", got, tc.public, r.Public.Principals)
			}
			if tc.org != "" {
				if acc := r.Orgs[tc.org]; acc == nil || acc.Actions.Empty() {
					t.Errorf("organization %s is not let in: orgs %v", tc.org, r.Orgs)
				}
			}
			if tc.account != "" {
				if acc := r.Accounts[tc.account]; acc == nil || acc.Actions.Empty() {
					t.Errorf("account %s is not let in: accounts %v", tc.account, r.Accounts)
				}
			}
		})
	}
}
