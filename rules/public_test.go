package rules_test

import (
	"strings"
	"testing"

	"github.com/ecrguard/ecrguard/analysis"
	"github.com/ecrguard/ecrguard/estate"
	"github.com/ecrguard/ecrguard/rules"
)

// TestPublicRepositoriesNoted checks that ECR Public repositories, which
// the rule catalog does not judge, are named in the report's notes rather
// than silently left out.
func TestPublicRepositoriesNoted(t *testing.T) {
	est := estate.New()
	acct := est.Account("111122223333")
	acct.Public = append(acct.Public, &estate.PublicRepository{Name: "tools", Account: "111122223333", ARN: "arn:aws:ecr-public::111122223333:repository/tools"})
	res := rules.Run(est, analysis.Settings{})
	for _, n := range res.Notes {
		if strings.Contains(n.Message, "1 ECR Public repositories were read but not judged") {
			return
		}
	}
	t.Errorf("no note about the ECR Public repository; notes: %v", res.Notes)
}

// TestNoIdentitiesNoted checks that a scan without IAM authorization
// details says that the identity rules were not run, rather than letting
// "no findings" read as a clean bill for the account's users and roles.
func TestNoIdentitiesNoted(t *testing.T) {
	est := estate.New()
	est.Account("111122223333").Region("us-east-1").Repository("app").SetPolicy(nil)
	res := rules.Run(est, analysis.Settings{})
	for _, n := range res.Notes {
		if strings.Contains(n.Message, "ECR006-ECR009, which judge them, were not run") {
			return
		}
	}
	t.Errorf("no note about the missing identities; notes: %v", res.Notes)
}
