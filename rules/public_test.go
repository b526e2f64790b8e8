package rules_test

import (
	"strings"
	"testing"

	"github.com/ecrguard/ecrguard/analysis"
	"github.com/ecrguard/ecrguard/estate"
	"github.com/ecrguard/ecrguard/rules"
)

// TestPublicRepositoryUnreadIsAGap checks that an ECR Public repository
// whose policy was not read is a coverage gap naming it, never a quiet
// pass, and that one read with no policy is clean.
func TestPublicRepositoryUnreadIsAGap(t *testing.T) {
	est := estate.New()
	acct := est.Account("111122223333")
	arn := "arn:aws:ecr-public::111122223333:repository/tools"
	acct.Public = append(acct.Public, &estate.PublicRepository{Name: "tools", Account: "111122223333", ARN: arn})
	clean := &estate.PublicRepository{Name: "docs", Account: "111122223333", ARN: "arn:aws:ecr-public::111122223333:repository/docs"}
	clean.SetPolicy(nil)
	acct.Public = append(acct.Public, clean)
	res := rules.Run(est, analysis.Settings{})
	if len(res.Gaps) != 1 || res.Gaps[0].Resource != arn || res.Gaps[0].Code != estate.GapPolicyNotRead ||
		!strings.Contains(res.Gaps[0].Message, "aws ecr-public get-repository-policy --region us-east-1 --repository-name tools") {
		t.Errorf("gaps = %v, want one policy-not-read gap for %s", res.Gaps, arn)
	}
	if len(res.Findings) != 0 {
		t.Errorf("findings = %v, want none", res.Findings)
	}
	// The one read is assessed; the other is a gap, not counted as
	// assessed too (the summary once said "2 resources assessed").
	if res.Assessed.Public != 1 || res.Resources != 1 {
		t.Errorf("assessed %+v of %d resources, want 1 public repository", res.Assessed, res.Resources)
	}
}

// TestNoIdentitiesNoted checks that a scan without IAM authorization
// details says that the identity rules were not run, rather than letting
// "no findings" read as a clean bill for the account's users and roles.
func TestNoIdentitiesNoted(t *testing.T) {
	est := estate.New()
	est.Account("111122223333").Region("us-east-1").Repository("app").SetPolicy(nil)
	res := rules.Run(est, analysis.Settings{})
	if all := notes(res); !strings.Contains(all, "ECR006-ECR009, which judge them, were not run") {
		t.Errorf("no note about the missing identities; notes:\n%s", all)
	}
	// Reports that list rules (JUnit) say they were not run.
	if got := strings.Join(res.NotRun, " "); got != "ECR006 ECR007 ECR008 ECR009" {
		t.Errorf("rules not run %q, want the identity rules", got)
	}
}

// A statement without a Sid is named once in a message: "Statement #1
// (line 1)", not "Statement statement #1" (a newcomer's report).
func TestStatementNamedOnce(t *testing.T) {
	est, _ := exampleEstate(t, rules.Example{
		RepositoryPolicy: `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"ecr:BatchGetImage","Condition":{"StringEquals":{"aws:PrincipalOrgID":"o-a1b2c3d4e5"}}}]}`})
	if f := findingsOf(rules.Run(est, analysis.Settings{}), "ECR002"); len(f) != 1 || !strings.HasPrefix(f[0].Message, "Statement #1 (line 1) of ") {
		t.Errorf(`ECR002 findings %v, want one whose message starts "Statement #1 (line 1) of "`, f)
	}
}
