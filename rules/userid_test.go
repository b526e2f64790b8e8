package rules_test

import (
	"strings"
	"testing"

	"github.com/ecrguard/ecrguard/analysis"
	"github.com/ecrguard/ecrguard/estate"
	"github.com/ecrguard/ecrguard/policy"
	"github.com/ecrguard/ecrguard/rules"
)

// A statement that treats one IAM principal apart by its unique id, whose
// account ecrguard cannot tell, gets a note: no outsider ecrguard judges
// has that id, so its access is not in the report.
func TestUniqueIDNote(t *testing.T) {
	const grant = `{"Version": "2012-10-17", "Statement": [{"Sid": "Partner", "Effect": "Allow", "Principal": "*", "Action": "ecr:BatchGetImage",
		"Condition": {"StringLike": {"aws:userid": "%s"}}}]}`
	for _, tc := range []struct {
		name, value string
		ownRole     bool // the inputs hold the role with that id
		want        bool
	}{
		{"a role's id", "AROAPARTNERROLE12345:*", false, true},
		{"a user's id", "AIDAPARTNERUSER12345", false, true},
		{"one of the inputs' roles", "AROAPARTNERROLE12345:*", true, false},
		{"a pattern over ids", "AROA*:ci", false, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			doc, err := policy.Parse([]byte(strings.Replace(grant, "%s", tc.value, 1)), "app.json")
			if err != nil {
				t.Fatal(err)
			}
			est := estate.New()
			acct := est.Account("111122223333")
			acct.Region("us-east-1").Repository("app").SetPolicy(&estate.Policy{Name: "repository policy of app", Doc: doc})
			if tc.ownRole {
				acct.IAM = &estate.IAM{Roles: []*estate.Role{{Name: "partner", ARN: "arn:aws:iam::111122223333:role/partner", ID: "AROAPARTNERROLE12345"}}}
			}
			var got []string
			for _, n := range rules.Run(est, analysis.Settings{}).Notes {
				if strings.Contains(n.Message, "compares aws:userid with") {
					got = append(got, n.Source+": "+n.Message)
				}
			}
			if (len(got) > 0) != tc.want {
				t.Fatalf("notes %q, want one: %v", got, tc.want)
			}
			if tc.want && (!strings.Contains(got[0], tc.value) || !strings.Contains(got[0], `"Partner" (line 1)`) || !strings.HasPrefix(got[0], "arn:aws:ecr:us-east-1:111122223333:repository/app: ")) {
				t.Errorf("the note does not name the repository, the statement and the id: %s", got[0])
			}
		})
	}
}
