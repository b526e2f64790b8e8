package rules_test

import (
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"testing"

	"github.com/ecrguard/ecrguard/analysis"
	"github.com/ecrguard/ecrguard/catalog"
	"github.com/ecrguard/ecrguard/estate"
	"github.com/ecrguard/ecrguard/exposure"
	"github.com/ecrguard/ecrguard/internal/conformance"
	"github.com/ecrguard/ecrguard/policy"
	"github.com/ecrguard/ecrguard/rules"
)

// caseSettings reads the config section of a case into rules settings.
func caseSettings(t *testing.T, raw json.RawMessage) analysis.Settings {
	t.Helper()
	var c struct {
		Trusted struct {
			Accounts []string `json:"accounts"`
			OrgIDs   []string `json:"org_ids"`
			OrgPaths []string `json:"org_paths"`
		} `json:"trusted"`
		Authorized struct {
			Delete           []string `json:"delete"`
			AuthToken        []string `json:"auth_token"`
			PolicyManagement []string `json:"policy_management"`
			Write            []string `json:"write"`
		} `json:"authorized"`
	}
	dec := json.NewDecoder(strings.NewReader(string(raw)))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&c); err != nil {
		t.Fatalf("config: %v", err)
	}
	return analysis.Settings{
		TrustedAccounts: c.Trusted.Accounts, TrustedOrgIDs: c.Trusted.OrgIDs, TrustedOrgPaths: c.Trusted.OrgPaths,
		AuthorizedDelete: c.Authorized.Delete, AuthorizedAuthToken: c.Authorized.AuthToken,
		AuthorizedPolicyManagement: c.Authorized.PolicyManagement, AuthorizedWrite: c.Authorized.Write,
	}
}

// expand applies the corpus's action patterns (in order; "-" removes)
// against the catalog's repository actions.
func expand(patterns []string) []string {
	cat := catalog.Default()
	repo := cat.RepositorySet()
	var s catalog.ActionSet
	for _, p := range patterns {
		if rest, ok := strings.CutPrefix(p, "-"); ok {
			s = s.Minus(cat.MatchSet(rest))
			continue
		}
		s = s.Union(cat.MatchSet(p).Intersect(repo))
	}
	return cat.Names(s.Intersect(repo))
}

var exposureRules = map[string]bool{"ECR001": true, "ECR002": true, "ECR003": true, "ECR004": true, "ECR005": true, "ECR010": true, "ECR011": true}

// exposureCase reads an exposure case into an estate of its one
// repository or registry policy, and returns the case, the estate and the
// ARN of the repository or registry.
func exposureCase(t *testing.T, f conformance.File) (conformance.ExposureCase, *estate.Estate, string) {
	t.Helper()
	var c conformance.ExposureCase
	if err := conformance.Decode(f, &c); err != nil {
		t.Fatal(err)
	}
	est := estate.New()
	acct := est.Account(c.Account)
	// The account is a member account under the case's RCPs, one document
	// per level (testdata/conformance/README.md, "rcps").
	for i, raw := range c.RCPs {
		doc, err := policy.Parse(raw, f.Path)
		if err != nil {
			t.Fatal(err)
		}
		acct.RCPs = append(acct.RCPs, &estate.Policy{Name: fmt.Sprintf("rcp level %d", i+1), Doc: doc})
	}
	acct.RCPsKnown = c.RCPs != nil
	region := acct.Region(c.Region)
	if c.Repository != nil {
		doc, err := policy.Parse(c.RepositoryPolicy, f.Path)
		if err != nil {
			t.Fatal(err)
		}
		repo := region.Repository(*c.Repository)
		repo.SetPolicy(&estate.Policy{Name: "repository policy of " + *c.Repository, Doc: doc})
		return c, est, repo.ARN
	}
	doc, err := policy.Parse(c.RegistryPolicy, f.Path)
	if err != nil {
		t.Fatal(err)
	}
	region.Registry.SetPolicy(&estate.Policy{Name: "registry policy", Doc: doc})
	return c, est, estate.RegistryARN(c.Region, c.Account)
}

// TestConformanceExposure runs every case of testdata/conformance/exposure
// through the analysis `ecrguard scan` uses (analysis.Analyze and the rules).
func TestConformanceExposure(t *testing.T) {
	cat := catalog.Default()
	conformance.Run(t, "exposure", func(t *testing.T, f conformance.File) {
		c, est, arn := exposureCase(t, f)
		a := analysis.Analyze(est, caseSettings(t, c.Config))
		res := rules.Check(a)
		if len(res.Gaps) > 0 {
			t.Errorf("unexpected gaps: %v", res.Gaps)
		}
		if len(a.Exposure) != 1 || a.Exposure[0].Target.ARN != arn {
			t.Fatalf("expected one exposure result for %s, got %d", arn, len(a.Exposure))
		}
		x := a.Exposure[0]
		repoSet := cat.RepositorySet()
		gotPublic := cat.Names(x.Public.Actions.Intersect(repoSet))
		if want := expand(c.Expect.PublicActions); !equal(gotPublic, want) {
			t.Errorf("public actions\n got %v\nwant %v\ncase: %s", gotPublic, want, c.About)
		}
		gotAccounts := map[string][]string{}
		for acct, acc := range x.Accounts {
			if names := cat.Names(acc.Actions.Intersect(repoSet)); len(names) > 0 {
				gotAccounts[acct] = names
			}
		}
		wantAccounts := map[string][]string{}
		for acct, pats := range c.Expect.UntrustedAccounts {
			wantAccounts[acct] = expand(pats)
		}
		if !equalMaps(gotAccounts, wantAccounts) {
			t.Errorf("untrusted accounts\n got %v\nwant %v\ncase: %s", gotAccounts, wantAccounts, c.About)
		}
		fired := map[string]bool{}
		for _, fd := range res.Findings {
			if exposureRules[fd.RuleID] {
				fired[fd.RuleID] = true
			}
		}
		var gotRules []string
		for id := range fired {
			gotRules = append(gotRules, id)
		}
		sort.Strings(gotRules)
		wantRules := append([]string(nil), c.Expect.Rules...)
		sort.Strings(wantRules)
		if !equal(gotRules, wantRules) {
			t.Errorf("rules\n got %v\nwant %v\ncase: %s", gotRules, wantRules, c.About)
			for _, fd := range res.Findings {
				t.Logf("  %s %s", fd.RuleID, fd.Message)
			}
		}
	})
}

func equal(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func equalMaps(a, b map[string][]string) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if !equal(v, b[k]) {
			return false
		}
	}
	return true
}

// TestDisputedRCPPerimeterLeavesServices holds the disputed case
// exposure/rcp-identity-perimeter-closes-public-policy to ecrguard's reading
// (testdata/conformance/DISPUTED.md): the identity-perimeter RCP closes
// everything public, and any AWS service, which it exempts, still pulls for
// any customer (ECR010) besides ECR002.
func TestDisputedRCPPerimeterLeavesServices(t *testing.T) {
	var f conformance.File
	for _, file := range conformance.Files(t, "exposure") {
		if file.Name == "rcp-identity-perimeter-closes-public-policy" {
			f = file
		}
	}
	c, est, _ := exposureCase(t, f)
	a := analysis.Analyze(est, caseSettings(t, c.Config))
	res := rules.Check(a)
	x := a.Exposure[0]
	if !x.Public.Actions.Empty() || len(x.Accounts) != 0 {
		t.Errorf("public %v, accounts %v: want nothing", catalog.Default().Names(x.Public.Actions), x.Accounts)
	}
	fired := map[string]bool{}
	for _, fd := range res.Findings {
		if exposureRules[fd.RuleID] {
			fired[fd.RuleID] = true
		}
	}
	if !fired["ECR002"] || !fired["ECR010"] || len(fired) != 2 {
		t.Errorf("rules %v, want ECR002 and ECR010", fired)
	}
	anyService := false
	for svc, acc := range x.Deputies {
		anyService = anyService || exposure.AnyService(svc) && !acc.Actions.Empty()
	}
	if !anyService {
		t.Errorf("deputies %v: want any AWS service", x.Deputies)
	}
}
