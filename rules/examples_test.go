package rules_test

import (
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/ecrguard/ecrguard/analysis"
	"github.com/ecrguard/ecrguard/config"
	"github.com/ecrguard/ecrguard/estate"
	"github.com/ecrguard/ecrguard/policy"
	"github.com/ecrguard/ecrguard/rules"
)

// TestExamples runs every rule's examples through Run, as a scan runs the
// estate it read, and checks that the rule fires on the ones marked Fires
// and stays quiet on the others. Each rule has at least one of each.
func TestExamples(t *testing.T) {
	for _, r := range rules.All() {
		var fires, quiet int
		for _, x := range r.Examples {
			if x.Fires {
				fires++
			} else {
				quiet++
			}
			t.Run(r.ID+"/"+x.About, func(t *testing.T) {
				est, parseGaps := exampleEstate(t, x)
				res := rules.Run(est, x.Settings)
				fired, others := false, map[string]bool{}
				var all []string
				for _, f := range res.Findings {
					all = append(all, f.RuleID+": "+f.Message)
					// A message may start with an action or key: it keeps
					// its case (ecr:GetAuthorizationToken, not Ecr:…).
					if prefix, _, _ := strings.Cut(f.Message, ":"); slices.Contains([]string{"Ecr", "Ecr-public", "Aws"}, prefix) {
						t.Errorf("%s: message %q starts with a name whose case was changed", f.RuleID, f.Message)
					}
					if f.RuleID == r.ID {
						fired = true
					} else {
						others[f.RuleID] = true
					}
				}
				if fired != x.Fires {
					t.Errorf("%s fired: %v, want %v; findings:\n%s", r.ID, fired, x.Fires, strings.Join(all, "\n"))
				}
				// The page says which other rules fire: it must be so.
				if got := slices.Sorted(maps.Keys(others)); !slices.Equal(got, x.Others) {
					t.Errorf("other rules that fire: %v, the example says %v; findings:\n%s", got, x.Others, strings.Join(all, "\n"))
				}
				// An example proves something only if everything in it
				// was assessed: the one gap allowed is the policy that
				// does not parse, which is what such an example shows.
				for _, g := range res.Gaps {
					if g.Code != "parse-error" || parseGaps == 0 {
						t.Errorf("gap: %s", g)
					}
				}
				checkSettingsYAML(t, r, x)
			})
		}
		if fires == 0 || quiet == 0 {
			t.Errorf("%s has %d examples that fire and %d that stay quiet, want at least one of each", r.ID, fires, quiet)
		}
	}
}

// exampleEstate builds the estate an example describes. A policy that does
// not parse becomes a gap with its problems, as the file source records it;
// parseGaps counts them.
func exampleEstate(t *testing.T, x rules.Example) (est *estate.Estate, parseGaps int) {
	t.Helper()
	est = estate.New()
	acct := est.Account(rules.ExampleAccount)
	region := acct.Region(rules.ExampleRegion)
	repo := region.Repository(rules.ExampleRepository)
	repo.TagsKnown = true
	parse := func(name, text, resource string) *estate.Policy {
		doc, err := policy.Parse([]byte(text), name)
		if err != nil {
			g := estate.Gap{Source: name, Account: rules.ExampleAccount, Region: rules.ExampleRegion, Resource: resource,
				Code: "parse-error", Message: err.Error(), Problems: policy.ProblemsOf(err)}
			var pe *policy.Error
			if errors.As(err, &pe) {
				g.Pos, g.Message = pe.Pos, pe.Msg
			}
			est.AddGap(g)
			parseGaps++
			return nil
		}
		return &estate.Policy{Name: name, Doc: doc, Source: doc.Pos}
	}
	switch {
	case x.RepositoryPolicy == "":
		repo.SetPolicy(nil)
	default:
		if p := parse("repository-policy.json", x.RepositoryPolicy, repo.ARN); p != nil {
			repo.SetPolicy(p)
		}
	}
	if x.RegistryPolicy != "" {
		if p := parse("registry-policy.json", x.RegistryPolicy, estate.RegistryARN(rules.ExampleRegion, rules.ExampleAccount)); p != nil {
			region.Registry.SetPolicy(p)
		}
		region.Registry.Scope = x.RegistryScope
	}
	if x.TemplatePolicy != "" {
		tpl := region.Template(rules.ExampleTemplatePrefix)
		tpl.AppliedFor = []string{estate.ForPullThroughCache}
		if p := parse("template-policy.json", x.TemplatePolicy, tpl.ARN); p != nil {
			tpl.SetPolicy(p)
		}
	}
	if x.PublicRepositoryPolicy != "" {
		pub := &estate.PublicRepository{Name: rules.ExamplePublicRepository, Account: rules.ExampleAccount,
			ARN: "arn:aws:ecr-public::" + rules.ExampleAccount + ":repository/" + rules.ExamplePublicRepository}
		if p := parse("public-repository-policy.json", x.PublicRepositoryPolicy, pub.ARN); p != nil {
			pub.SetPolicy(p)
		}
		acct.Public = append(acct.Public, pub)
	}
	if x.SCP != "" {
		if p := parse("scp.json", x.SCP, ""); p != nil {
			acct.SCPs = append(acct.SCPs, p)
			acct.SCPsKnown = true
		}
	}
	if x.IdentityPolicy == "" && x.Boundary == "" {
		return est, parseGaps
	}
	kind, name, _ := strings.Cut(x.Holder(), "/")
	arn := "arn:aws:iam::" + rules.ExampleAccount + ":" + kind + "/" + name
	var inline []*estate.Policy
	if x.IdentityPolicy != "" {
		if p := parse("identity-policy.json", x.IdentityPolicy, arn); p != nil {
			inline = append(inline, p)
		}
	}
	iam := &estate.IAM{Source: "iam-authorization-details.json"}
	var boundary string
	if x.Boundary != "" {
		boundary = "arn:aws:iam::" + rules.ExampleAccount + ":policy/boundary"
		if p := parse("boundary.json", x.Boundary, boundary); p != nil {
			iam.Policies = append(iam.Policies, &estate.ManagedPolicy{Name: "boundary", ARN: boundary, VersionID: "v1", Default: p})
		}
	}
	switch kind {
	case "user":
		iam.Users = append(iam.Users, &estate.User{Identity: estate.Identity{Name: name, ARN: arn, ID: "AIDAEXAMPLE", Path: "/", Inline: inline}, Boundary: boundary})
	case "role":
		iam.Roles = append(iam.Roles, &estate.Role{Identity: estate.Identity{Name: name, ARN: arn, ID: "AROAEXAMPLE", Path: "/", Inline: inline}, Boundary: boundary})
	default:
		t.Fatalf("identity %q: want role/NAME or user/NAME", x.Holder())
	}
	acct.IAM = iam
	return est, parseGaps
}

// checkSettingsYAML checks that the .ecrguard.yaml the rule's page shows
// for an example reads, with the config package, as the settings the
// example runs with.
func checkSettingsYAML(t *testing.T, r rules.Rule, x rules.Example) {
	t.Helper()
	page := r.Markdown()
	verdict := "Stays quiet"
	if x.Fires {
		verdict = "Fires"
	}
	_, section, ok := strings.Cut(page, "### "+verdict+": "+strings.ToUpper(x.About[:1])+x.About[1:]+"\n")
	if !ok {
		t.Fatalf("the page of %s does not show the example", r.ID)
	}
	if end := strings.Index(section, "\n### "); end >= 0 {
		section = section[:end]
	}
	var yaml string
	if _, rest, ok := strings.Cut(section, "```yaml\n"); ok {
		yaml, _, _ = strings.Cut(rest, "```")
	}
	cfg, err := config.Parse([]byte(yaml), ".ecrguard.yaml", time.Now())
	if err != nil {
		t.Fatalf("the page's .ecrguard.yaml does not parse: %v\n%s", err, yaml)
	}
	got := analysis.Settings{
		TrustedAccounts: cfg.Trusted.Accounts, TrustedOrgIDs: cfg.Trusted.OrgIDs, TrustedOrgPaths: cfg.Trusted.OrgPaths,
		AuthorizedDelete: cfg.Authorized.Delete, AuthorizedAuthToken: cfg.Authorized.AuthToken,
		AuthorizedPolicyManagement: cfg.Authorized.PolicyManagement, AuthorizedWrite: cfg.Authorized.Write,
	}
	if fmt.Sprintf("%v", got) != fmt.Sprintf("%v", x.Settings) {
		t.Errorf("the page's .ecrguard.yaml reads as %+v, the example runs with %+v:\n%s", got, x.Settings, yaml)
	}
}

// TestSuppressSnippet checks that the suppression each rule's page offers
// works: with NAME as "*", it silences every finding of the rule on one of
// the rule's examples that fire.
func TestSuppressSnippet(t *testing.T) {
	for _, r := range rules.All() {
		_, snippet, _ := strings.Cut(r.Markdown(), "To suppress a finding you accept, add to `.ecrguard.yaml`:\n\n```yaml\n")
		snippet, _, _ = strings.Cut(snippet, "```")
		cfg, err := config.Parse([]byte(strings.ReplaceAll(snippet, "NAME", "*")), ".ecrguard.yaml", time.Now())
		if err != nil {
			t.Fatalf("%s: the page's suppression does not parse: %v\n%s", r.ID, err, snippet)
		}
		silenced := false
		for _, x := range r.Examples {
			if !x.Fires || silenced {
				continue
			}
			est, _ := exampleEstate(t, x)
			res := rules.Run(est, x.Settings)
			cfg.Apply(res)
			silenced = !slices.ContainsFunc(res.Findings, func(f rules.Finding) bool { return f.RuleID == r.ID && f.Suppressed == "" })
		}
		if !silenced {
			t.Errorf("%s: the page's suppression silences the rule's findings on none of its examples:\n%s", r.ID, snippet)
		}
	}
}
