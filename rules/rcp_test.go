package rules_test

import (
	"strings"
	"testing"

	"github.com/ecrguard/ecrguard/analysis"
	"github.com/ecrguard/ecrguard/estate"
	"github.com/ecrguard/ecrguard/rules"
)

const (
	rcpPublicPull = `{"Version":"2012-10-17","Statement":[{"Sid":"AnyonePulls","Effect":"Allow","Principal":"*","Action":["ecr:BatchGetImage","ecr:GetDownloadUrlForLayer"]}]}`
	rcpPerimeter  = `{"Version":"2012-10-17","Statement":[
		{"Sid":"RCPFullAWSAccess","Effect":"Allow","Principal":"*","Action":"*","Resource":"*"},
		{"Sid":"EnforceOrgIdentities","Effect":"Deny","Principal":"*","Action":"ecr:*","Resource":"*",
		 "Condition":{"StringNotEqualsIfExists":{"aws:PrincipalOrgID":"o-a1b2c3d4e5"},"BoolIfExists":{"aws:PrincipalIsAWSService":"false"}}},
		{"Sid":"EnforceConfusedDeputy","Effect":"Deny","Principal":"*","Action":"ecr:*","Resource":"*",
		 "Condition":{"StringNotEqualsIfExists":{"aws:SourceOrgID":"o-a1b2c3d4e5"},"Bool":{"aws:PrincipalIsAWSService":"true"}}}]}`
	rcpPlainHTTP = `{"Version":"2012-10-17","Statement":[
		{"Sid":"RCPFullAWSAccess","Effect":"Allow","Principal":"*","Action":"*","Resource":"*"},
		{"Sid":"DenyPlainHttp","Effect":"Deny","Principal":"*","Action":"ecr:*","Resource":"*","Condition":{"Bool":{"aws:SecureTransport":"false"}}}]}`
)

// rcpEstate is one account with a repository app under the RCPs given.
func rcpEstate(t *testing.T, management bool, repoPolicy string, rcps ...string) *estate.Estate {
	t.Helper()
	est := estate.New()
	acct := est.Account("111122223333")
	acct.Management = management
	for _, src := range rcps {
		doc := mustParse(t, src, "rcp.json")
		acct.RCPs = append(acct.RCPs, &estate.Policy{Name: "rcp.json", Doc: doc})
	}
	acct.RCPsKnown = true
	doc := mustParse(t, repoPolicy, "app.json")
	acct.Region("us-east-1").Repository("app").SetPolicy(&estate.Policy{Name: "repository policy of app", Doc: doc})
	return est
}

// docs/semantics.md, "Resource control policies (RCPs)": an RCP Deny closes what the
// repository policy opens, and the report names the RCP statement that
// closed it; an RCP that leaves a hole is named in the finding. AWS
// Organizations User Guide, "Resource control policies (RCPs)": RCPs do
// not affect resources in the management account.
func TestRCPFindingsAndNotes(t *testing.T) {
	s := analysis.Settings{TrustedOrgIDs: []string{"o-a1b2c3d4e5"}}
	t.Run("closed", func(t *testing.T) {
		res := rules.Run(rcpEstate(t, false, rcpPublicPull, rcpPerimeter), s)
		if f := findingsOf(res, "ECR001"); len(f) != 0 {
			t.Errorf("ECR001 fired under the perimeter: %v", f[0].Message)
		}
		// What the perimeter exempts (AWS services) the confused-deputy
		// statement denies.
		if f := findingsOf(res, "ECR010"); len(f) != 0 {
			t.Errorf("ECR010 fired under the confused-deputy statement: %v", f[0].Message)
		}
		all := notes(res)
		for _, want := range []string{
			"resource control policy rcp.json, EnforceOrgIdentities (statement #2) denies anyone outside the zone of trust pull",
		} {
			if !strings.Contains(all, want) {
				t.Errorf("no note %q; notes:\n%s", want, all)
			}
		}
	})
	t.Run("ECR002 says the RCP, not the condition, keeps outsiders out", func(t *testing.T) {
		res := rules.Run(rcpEstate(t, false, `{"Version":"2012-10-17","Statement":[{"Sid":"TlsOnly","Effect":"Allow","Principal":"*","Action":"ecr:BatchGetImage","Condition":{"Bool":{"aws:SecureTransport":"true"}}}]}`, rcpPerimeter), s)
		f := findingsOf(res, "ECR002")
		if len(f) != 1 || !strings.Contains(f[0].Message, "only the organization's resource control policies keep outsiders out") {
			t.Errorf("ECR002 findings %+v", f)
		}
	})
	t.Run("a hole", func(t *testing.T) {
		res := rules.Run(rcpEstate(t, false, rcpPublicPull, rcpPlainHTTP), s)
		f := findingsOf(res, "ECR001")
		if len(f) != 1 {
			t.Fatalf("ECR001 fired %d times", len(f))
		}
		want := "The resource control policy statement rcp.json, DenyPlainHttp (statement #2) mentions pull (BatchGetImage, GetDownloadUrlForLayer) but does not close it: its condition Bool aws:SecureTransport false does not hold for the outsider's request (aws:SecureTransport: true)."
		if !strings.Contains(f[0].Message, want) {
			t.Errorf("message %q\nwant it to contain %q", f[0].Message, want)
		}
	})
	t.Run("management account", func(t *testing.T) {
		res := rules.Run(rcpEstate(t, true, rcpPublicPull, rcpPerimeter), s)
		if f := findingsOf(res, "ECR001"); len(f) != 1 {
			t.Errorf("ECR001 fired %d times for the management account's repository, which RCPs do not govern", len(f))
		}
	})
	t.Run("an Allow in a custom RCP", func(t *testing.T) {
		res := rules.Run(rcpEstate(t, false, rcpPublicPull, `{"Version":"2012-10-17","Statement":[{"Sid":"AllowEcr","Effect":"Allow","Principal":"*","Action":"ecr:*","Resource":"*"}]}`), s)
		f := findingsOf(res, "ECR011")
		if len(f) != 1 || f[0].Resource != "arn:aws:organizations::111122223333:rcp" || !strings.Contains(f[0].Message, "AllowEcr is an Allow in a resource control policy") {
			t.Errorf("ECR011 findings %+v", f)
		}
		if len(findingsOf(res, "ECR001")) != 1 {
			t.Error("an RCP's Allow closed or changed what is public")
		}
	})
}

// An account whose RCPs could not be read says which conclusions assume
// none.
func TestUnknownRCPsNoted(t *testing.T) {
	est := rcpEstate(t, false, rcpPublicPull)
	est.Account("111122223333").RCPsKnown = false
	est.Gaps = append(est.Gaps, estate.Gap{Source: "organizations:ListPoliciesForTarget", Account: "111122223333", Code: "AccessDeniedException", Message: "not authorized"})
	if all := notes(rules.Run(est, analysis.Settings{})); !strings.Contains(all, "the exposure found on arn:aws:ecr:us-east-1:111122223333:repository/app assumes no RCP") {
		t.Errorf("no note naming the conclusions that assume no RCP; notes:\n%s", all)
	}
}

// The registry policy's Deny statements are guardrails too: a V2 registry
// policy is enforced in every ECR request (ECR User Guide, "Private
// registry permissions in Amazon ECR"). The report names the statement that
// closed a hole, and ECR002 says who keeps outsiders out.
func TestRegistryGuardrails(t *testing.T) {
	x := rules.Example{
		RepositoryPolicy: `{"Version":"2012-10-17","Statement":[{"Sid":"TlsOnly","Effect":"Allow","Principal":"*","Action":"ecr:BatchGetImage","Condition":{"Bool":{"aws:SecureTransport":"true"}}}]}`,
		RegistryPolicy:   `{"Version":"2012-10-17","Statement":[{"Sid":"OnlyOrg","Effect":"Deny","Principal":"*","Action":"ecr:*","Resource":"*","Condition":{"StringNotEquals":{"aws:PrincipalOrgID":"o-a1b2c3d4e5"}}}]}`,
		RegistryScope:    "V2",
		Settings:         analysis.Settings{TrustedOrgIDs: []string{"o-a1b2c3d4e5"}},
	}
	est, _ := exampleEstate(t, x)
	res := rules.Run(est, x.Settings)
	if f := findingsOf(res, "ECR001"); len(f) != 0 {
		t.Errorf("ECR001 fired under the registry's Deny: %v", f[0].Message)
	}
	if f := findingsOf(res, "ECR002"); len(f) != 1 || !strings.Contains(f[0].Message, "only the registry policy's Deny statements keep outsiders out") {
		t.Errorf("ECR002 findings %+v", f)
	}
	all := notes(res)
	if want := "statement OnlyOrg of the registry policy (registry-policy.json:1) denies anyone outside the zone of trust pull"; !strings.Contains(all, want) {
		t.Errorf("no note %q; notes:\n%s", want, all)
	}
	// Its scope not given, the Deny counts for the three actions V1
	// governs only: the pull is public, and a note says why.
	const scopeNote = "the registry policy scope is not known from the inputs"
	if strings.Contains(all, scopeNote) {
		t.Errorf("a note says the scope is not known, but it is V2: %q", all)
	}
	x.RegistryScope = ""
	est, _ = exampleEstate(t, x)
	res = rules.Run(est, x.Settings)
	if len(findingsOf(res, "ECR001")) != 1 || !strings.Contains(notes(res), scopeNote) {
		t.Errorf("scope not given: ECR001 %d, notes %v", len(findingsOf(res, "ECR001")), res.Notes)
	}
}
