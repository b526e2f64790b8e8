package rules

import (
	"fmt"
	"slices"
	"strings"

	"github.com/ecrguard/ecrguard/analysis"
	"github.com/ecrguard/ecrguard/estate"
	"github.com/ecrguard/ecrguard/policy"
)

// settleScopes judges again under scope V1 and under V2 the registries
// whose registry policy scope is unknown, each with a gap that says so (the
// standard SecurityAudit policy cannot read it), after res judged them with
// the scope unknown. Where V1 and V2 give the same findings the scope
// cannot change the answer: the gap becomes a note. Where they differ it
// stays a gap and says so.
//
// A registry's scope decides only its own region's exposure findings, so
// two more analyses, with every unknown scope at V1 and then at V2, settle
// each region on its own; identity findings may depend on any of them, so they must be
// the same throughout.
func settleScopes(e *estate.Estate, s analysis.Settings, res *Result) {
	unknown := e.UnknownScopes(res.Gaps)
	if len(unknown) == 0 {
		return
	}
	v1, v2 := estate.UnderBothScopes(unknown, func() *Result { return Check(analysis.Analyze(e, s)) })
	type where struct{ account, region string }
	same := map[where]bool{}
	identitySame := slices.Equal(findingKeys(v1.Findings, isIdentityFinding), findingKeys(v2.Findings, isIdentityFinding))
	for _, u := range unknown {
		inRegion := func(f Finding) bool { return inRegistry(f.Resource, u.Account, u.Region) }
		same[where{u.Account, u.Region}] = identitySame && slices.Equal(findingKeys(v1.Findings, inRegion), findingKeys(v2.Findings, inRegion))
	}
	gaps, notes := estate.SettleScopeGaps(res.Gaps, func(g estate.Gap) (bool, bool) {
		settled, ok := same[where{g.Account, g.Region}]
		return settled, ok
	}, "the findings are", "; the findings differ under V1 and V2, and this report judges the registry policy's grants under V2 and its Deny statements over its repositories under V1 (docs/semantics.md, \"The registry policy\")")
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

// registryScopeNotes say, for each registry whose policy holds a Deny
// statement and whose scope the inputs do not give, that its Deny
// statements were counted over its repositories under V1 only
// (estate.Registry.DenyScope) and how to give the scope. A scope that could
// not be read is a gap instead (settleScopes).
func registryScopeNotes(a *analysis.Analysis) []estate.Note {
	var out []estate.Note
	unread := map[string]bool{}
	for _, u := range a.Estate.UnknownScopes(a.Estate.Gaps) {
		unread[u.Account+" "+u.Region] = true
	}
	for _, acct := range a.Estate.Accounts() {
		for _, region := range acct.Regions() {
			reg := &region.Registry
			if reg.Scope != "" || reg.PolicyState != estate.HasPolicy || !hasDeny(reg.Policy.Doc) || unread[acct.ID+" "+region.Name] {
				continue
			}
			out = append(out, estate.Note{Source: estate.RegistryARN(region.Name, acct.ID), Message: "the registry policy scope is not known from the inputs (not given, or known only after apply), so the registry policy's Deny statements were counted over its repositories for ecr:ReplicateImage, ecr:BatchImportUpstreamImage and ecr:CreateRepository only, as under scope V1; under V2 (the default for new registries) they apply to every ECR action and may close more. Give the scope: the output of `aws ecr get-account-setting --name REGISTRY_POLICY_SCOPE`, an aws_ecr_account_setting resource, or scan with --aws"})
		}
	}
	return out
}

// replicationNotes name, for each registry whose replication rules copy
// images to an account outside the zone of trust, those destinations. No
// policy ecrguard reads governs the copies (the destination account's own
// policies do), so no rule judges them; the note makes them visible
// (Amazon ECR User Guide, "Configuring private image replication",
// registry-settings-configure.html).
func replicationNotes(a *analysis.Analysis) []estate.Note {
	var out []estate.Note
	for _, acct := range a.Estate.Accounts() {
		zone := a.Settings.Zone(acct.ID)
		for _, region := range acct.Regions() {
			var dests []string
			for _, d := range region.Registry.Replication {
				if d.Account == acct.ID || zone.TrustsAccount(d.Account) {
					continue
				}
				if s := fmt.Sprintf("account %s in %s", d.Account, d.Region); !slices.Contains(dests, s) {
					dests = append(dests, s)
				}
			}
			if len(dests) == 0 {
				continue
			}
			slices.Sort(dests)
			outside := "outside the zone of trust (not this account, nor in trusted.accounts)"
			if len(zone.OrgIDs) > 0 || len(zone.OrgPaths) > 0 {
				outside = "not this account nor in trusted.accounts (the inputs do not say whether it is in a trusted organization)"
			}
			out = append(out, estate.Note{Source: estate.RegistryARN(region.Name, acct.ID), Message: fmt.Sprintf(
				"the registry's replication rules copy the images of its repositories (those their filters match) to %s, %s: whoever that account's policies let pull can read the copies, which no policy ecrguard read governs. Add a partner account to trusted.accounts, or remove the destination (aws ecr put-replication-configuration)",
				joinAnd(dests), outside)})
		}
	}
	return out
}
