package rules

import (
	"slices"
	"strings"

	"github.com/ecrguard/ecrguard/analysis"
	"github.com/ecrguard/ecrguard/estate"
	"github.com/ecrguard/ecrguard/policy"
)

// settleScopes judges again under scope V1 the registries whose registry
// policy scope is unknown, each with a gap that says so (the standard
// SecurityAudit policy cannot read it), after res judged them under V2.
// Where V1 and V2 give the same findings the scope cannot change the
// answer: the gap becomes a note. Where they differ it stays a gap and
// says so.
//
// A registry's scope decides only its own region's exposure findings, so
// one more analysis, with every unknown scope at V1, settles each region on
// its own; identity findings may depend on any of them, so they must be
// the same throughout.
func settleScopes(e *estate.Estate, s analysis.Settings, res *Result) {
	unknown := e.UnknownScopes(res.Gaps)
	if len(unknown) == 0 {
		return
	}
	estate.SetScopes(unknown, estate.ScopeV1)
	v1 := Check(analysis.Analyze(e, s))
	estate.SetScopes(unknown, "")
	type where struct{ account, region string }
	same := map[where]bool{}
	identitySame := slices.Equal(findingKeys(res.Findings, isIdentityFinding), findingKeys(v1.Findings, isIdentityFinding))
	for _, u := range unknown {
		inRegion := func(f Finding) bool { return inRegistry(f.Resource, u.Account, u.Region) }
		same[where{u.Account, u.Region}] = identitySame && slices.Equal(findingKeys(res.Findings, inRegion), findingKeys(v1.Findings, inRegion))
	}
	gaps, notes := estate.SettleScopeGaps(res.Gaps, func(g estate.Gap) (bool, bool) {
		settled, ok := same[where{g.Account, g.Region}]
		return settled, ok
	}, "the findings are", "; the findings differ under V1 and V2, and this report shows V2's")
	res.Gaps = gaps
	res.Notes = append(res.Notes, notes...)
}

// isIdentityFinding reports whether f is about a principal rather than a
// resource: a repository, registry, creation template or ECR Public
// repository.
func isIdentityFinding(f Finding) bool {
	a, ok := policy.ParseARN(f.Resource)
	return !ok || a.Service != "ecr" && a.Service != "ecr-public"
}

// inRegistry reports whether arn is the registry or a repository of account
// in region.
func inRegistry(arn, account, region string) bool {
	a, ok := policy.ParseARN(arn)
	return ok && a.Service == "ecr" && a.Region == region && a.Account == account
}

// findingKeys returns what tells findings apart, for those keep selects,
// sorted. The message is left out: ECR005's says which scope it judged.
func findingKeys(fs []Finding, keep func(Finding) bool) []string {
	var keys []string
	for _, f := range fs {
		if !keep(f) {
			continue
		}
		keys = append(keys, strings.Join([]string{f.RuleID, f.Severity.String(), f.Resource, f.Source.String(),
			strings.Join(f.Principals, ","), strings.Join(f.Actions, ","), strings.Join(f.Conditions, ",")}, "|"))
	}
	slices.Sort(keys)
	return keys
}
