package rules_test

import (
	"strings"
	"testing"

	"github.com/ecrguard/ecrguard/analysis"
	"github.com/ecrguard/ecrguard/estate"
	"github.com/ecrguard/ecrguard/rules"
)

// ECR003's fix says how to take each principal out of the statements that
// let it in: remove it from a statement whose Principal names it, narrow a
// statement that lets it in otherwise. It once said to remove an
// organization and service:* from a statement of Principal "*", and a
// partner's root from a public statement that does not name it.
func TestECR003SaysHowEachPrincipalGetsIn(t *testing.T) {
	for _, tc := range []struct{ name, policy, want string }{
		{"an organization behind a condition",
			`{"Version":"2012-10-17","Statement":[{"Sid":"OrgPull","Effect":"Allow","Principal":"*","Action":"ecr:BatchGetImage","Condition":{"StringEquals":{"aws:PrincipalOrgID":"o-abc123defg"}}}]}`,
			`otherwise narrow "OrgPull" (line 1) so that it no longer lets in o-abc123defg; then`},
		{"a partner named in one statement and let in by another",
			`{"Version":"2012-10-17","Statement":[{"Sid":"Partner","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::444455556666:root"},"Action":"ecr:PutImage"},{"Sid":"AnyOrg","Effect":"Allow","Principal":"*","Action":"ecr:BatchGetImage","Condition":{"StringEquals":{"aws:PrincipalAccount":"444455556666"}}}]}`,
			`otherwise remove arn:aws:iam::444455556666:root from "Partner" (line 1); narrow "AnyOrg" (line 1) so that it no longer lets in arn:aws:iam::444455556666:root`},
	} {
		doc := mustParse(t, tc.policy, "app.json")
		est := estate.New()
		est.Account("111122223333").Region("us-east-1").Repository("app").SetPolicy(&estate.Policy{Name: "repository policy of app", Doc: doc, Source: doc.Pos})
		var got []string
		for _, f := range rules.Run(est, analysis.Settings{}).Findings {
			if f.RuleID == "ECR003" {
				got = append(got, f.Remediation)
			}
		}
		if !strings.Contains(strings.Join(got, "\n"), tc.want) {
			t.Errorf("%s: no ECR003 fix says %q:\n%s", tc.name, tc.want, strings.Join(got, "\n"))
		}
	}
}
