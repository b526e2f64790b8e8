package rules_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/ecrguard/ecrguard/analysis"
	"github.com/ecrguard/ecrguard/estate"
	"github.com/ecrguard/ecrguard/rules"
)

// publicEstate is account 111122223333 with the ECR Public repository
// tools and its policy.
func publicEstate(t *testing.T, text string) *estate.Estate {
	t.Helper()
	est := estate.New()
	repo := &estate.PublicRepository{Name: "tools", Account: "111122223333", ARN: "arn:aws:ecr-public::111122223333:repository/tools"}
	doc := mustParse(t, text, "tools.json")
	repo.SetPolicy(&estate.Policy{Name: "repository policy of public repository tools", Doc: doc, Source: doc.Pos})
	est.Account("111122223333").Public = []*estate.PublicRepository{repo}
	return est
}

// TestECR012 checks who outside the zone of trust can change an ECR
// Public repository. ECR Public User Guide, "Public repository policies":
// anyone can pull from a public repository, and a policy says who else may
// push and what more they can do; "Public repository policy examples"
// grants push with ecr-public:PutImage and the layer upload actions.
func TestECR012(t *testing.T) {
	stmt := func(principal, actions string) string {
		return `{"Version":"2012-10-17","Statement":[{"Sid":"S","Effect":"Allow","Principal":` + principal + `,"Action":` + actions + `}]}`
	}
	for _, tc := range []struct {
		name       string
		policy     string
		settings   analysis.Settings
		principals []string
		actions    []string
	}{
		{name: "public pull only", policy: stmt(`"*"`, `["ecr-public:BatchCheckLayerAvailability","ecr-public:DescribeImages"]`)},
		{name: "Principal * PutImage", policy: stmt(`"*"`, `"ecr-public:PutImage"`),
			principals: []string{"*"}, actions: []string{"ecr-public:PutImage"}},
		{name: "untrusted account SetRepositoryPolicy", policy: stmt(`{"AWS":"444455556666"}`, `"ecr-public:SetRepositoryPolicy"`),
			principals: []string{"arn:aws:iam::444455556666:root"}, actions: []string{"ecr-public:SetRepositoryPolicy"}},
		{name: "trusted account", policy: stmt(`{"AWS":"444455556666"}`, `"ecr-public:*"`),
			settings: analysis.Settings{TrustedAccounts: []string{"444455556666"}}},
		{name: "own role", policy: stmt(`{"AWS":"arn:aws:iam::111122223333:role/ci"}`, `"ecr-public:*"`)},
		{name: "private ECR actions grant nothing on ECR Public", policy: stmt(`"*"`, `"ecr:*"`)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res := rules.Run(publicEstate(t, tc.policy), tc.settings)
			if len(res.Gaps) > 0 {
				t.Fatalf("gaps: %v", res.Gaps)
			}
			f, ok := firedOnce(t, res, "ECR012", tc.principals != nil)
			if !ok {
				return
			}
			if f.Resource != "arn:aws:ecr-public::111122223333:repository/tools" || f.Severity != rules.Critical {
				t.Errorf("resource %s, severity %v", f.Resource, f.Severity)
			}
			if !slices.Equal(f.Principals, tc.principals) || !slices.Equal(f.Actions, tc.actions) {
				t.Errorf("principals %v, actions %v; want %v, %v", f.Principals, f.Actions, tc.principals, tc.actions)
			}
			if !strings.Contains(f.Message, "Proof: ") || !strings.Contains(f.Remediation, "aws ecr-public set-repository-policy --region us-east-1 --repository-name tools --policy-text file://111122223333-tools.public-policy.json") {
				t.Errorf("message %q, remediation %q", f.Message, f.Remediation)
			}
			// The exposure rules of private ECR do not judge it: pull by
			// anyone is ECR Public's purpose.
			for _, o := range res.Findings {
				if o.RuleID != "ECR012" && o.RuleID != "ECR011" {
					t.Errorf("%s fired on the public repository: %s", o.RuleID, o.Message)
				}
			}
		})
	}
}
