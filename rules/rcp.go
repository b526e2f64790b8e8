package rules

import (
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/ecrguard/ecrguard/analysis"
	"github.com/ecrguard/ecrguard/catalog"
	"github.com/ecrguard/ecrguard/estate"
	"github.com/ecrguard/ecrguard/exposure"
)

// guardrailNotes says, for every resource policy, what each Deny statement
// of an RCP or of the registry's policy closes that the policy alone opens
// to outsiders (docs/semantics.md, "Resource control policies": a report
// names the RCP statement that closed a hole). The finding that hole would raise
// does not fire; the note shows the guardrail working.
func guardrailNotes(a *analysis.Analysis) []estate.Note {
	var out []estate.Note
	for _, x := range a.Exposure {
		for _, g := range x.Guardrails {
			if !g.Closed {
				continue
			}
			// The note's source names the resource; readers name an RCP
			// "RCP ID (NAME)" where they know it is one.
			label := g.Label()
			switch {
			case g.Registry:
				label = "statement " + label
			case !strings.HasPrefix(label, "RCP "):
				label = "resource control policy " + label
			}
			out = append(out, estate.Note{Source: x.Target.ARN, Message: fmt.Sprintf(
				"%s denies %s %s, which the resource's policy alone allows: no finding",
				label, className(g.Class), describeActions(g.Actions, x.Universe))})
		}
	}
	return out
}

// className names a guardrail's class of outsider in messages.
func className(class string) string {
	switch {
	case class == exposure.PublicClass:
		return "anyone outside the zone of trust"
	case class == "service:*":
		return "any AWS service acting for any account"
	case strings.HasPrefix(class, "service:"):
		return "the service " + strings.TrimPrefix(class, "service:") + " acting for any account"
	case strings.HasPrefix(class, "o-") || class == exposure.OwnerOrgLabel:
		return orgName(class)
	}
	return "the account " + class
}

// rcpHoles says which Deny statements of the RCPs or the registry's policy
// mention actions for the class of outsider a finding is about but leave
// them open, and why (the request that proves the access does not meet
// their condition); "" when none.
func rcpHoles(x *analysis.ExposureItem, class string, actions catalog.ActionSet) string {
	var parts []string
	for _, g := range x.Holes(class, actions) {
		what := "resource control policy statement"
		if g.Registry {
			what = "statement"
		}
		parts = append(parts, fmt.Sprintf(" The %s %s mentions %s but does not close it: %s.",
			what, g.Label(), describeActions(g.Actions.Intersect(actions), x.Universe), g.Why))
	}
	return strings.Join(parts, "")
}

// rcpHolesOutsiders is rcpHoles over every outsider class a finding may
// name at once: the public, the untrusted accounts and organizations.
func rcpHolesOutsiders(x *analysis.ExposureItem, actions catalog.ActionSet) string {
	classes := []string{exposure.PublicClass}
	for _, m := range []map[string]*exposure.Access{x.Accounts, x.Orgs} {
		classes = append(classes, slices.Sorted(maps.Keys(m))...)
	}
	var out []string
	seen := map[string]bool{}
	for _, c := range classes {
		if h := rcpHoles(x, c, actions); h != "" && !seen[h] {
			seen[h] = true
			out = append(out, h)
		}
	}
	return strings.Join(out, "")
}

// unknownRCPNotes names, for each account whose RCPs are not known because
// Organizations could not be read (a gap whose source is an organizations:
// API), the conclusions that assume no RCP: the repositories and registries
// outsiders can reach. RCPs only take access away, so what is not exposed
// stays so whatever they say.
func unknownRCPNotes(a *analysis.Analysis) []estate.Note {
	var out []estate.Note
	for _, acct := range a.Estate.Accounts() {
		if acct.RCPsKnown || acct.Management || !orgsUnread(a.Estate.Gaps, acct.ID) {
			continue
		}
		var exposed []string
		for _, x := range a.Exposure {
			if x.Target.Account == acct.ID && (!x.Outsiders().Empty() || len(x.Deputies) > 0) {
				exposed = append(exposed, x.Target.ARN)
			}
		}
		if len(exposed) == 0 {
			continue
		}
		slices.Sort(exposed)
		out = append(out, estate.Note{Source: accountName(acct.ID), Message: fmt.Sprintf(
			"the resource control policies over this account were not read (AWS Organizations could not be read): the exposure found on %s assumes no RCP, and an RCP Deny may close some of it",
			strings.Join(exposed, ", "))})
	}
	return out
}

// orgsUnread reports whether a gap says Organizations could not be read for
// the account (or for every account).
func orgsUnread(gaps []estate.Gap, account string) bool {
	for _, g := range gaps {
		if strings.HasPrefix(g.Source, "organizations:") && (g.Account == "" || g.Account == account) {
			return true
		}
	}
	return false
}
