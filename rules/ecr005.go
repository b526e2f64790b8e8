package rules

import (
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/ecrguard/ecrguard/analysis"
	"github.com/ecrguard/ecrguard/catalog"
	"github.com/ecrguard/ecrguard/exposure"
	"github.com/ecrguard/ecrguard/policy"
)

var ecr005 = Rule{
	ID:          "ECR005",
	Title:       "Registry policy shares with outsiders",
	Severity:    High,
	Scope:       ScopeExposure,
	FiresWhen:   `the registry policy grants ReplicateImage, CreateRepository, BatchImportUpstreamImage or any other action to a principal outside the trusted zone`,
	Description: `The registry policy applies to every repository in the registry (with scope V2, to every ECR action), so a grant there shares far more than one repository.`,
	Frameworks:  map[string][]string{"endgame": []string{"ecr-registry"}},
	Remediation: `Limit the registry policy to trusted accounts, or remove it with aws ecr delete-registry-policy.`,
	Examples: []Example{
		{About: `the registry policy lets an untrusted account replicate into the registry`, Fires: true, Others: []string{"ECR003"},
			RegistryPolicy: `{"Version":"2012-10-17","Statement":[{"Sid":"Replication","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::444455556666:root"},"Action":["ecr:CreateRepository","ecr:ReplicateImage"],"Resource":"arn:aws:ecr:us-east-1:111122223333:repository/*"}]}`},
		{About: `the registry policy lets every account pull from every repository`, Fires: true, Others: []string{"ECR001"},
			RegistryPolicy: `{"Version":"2012-10-17","Statement":[{"Sid":"Everyone","Effect":"Allow","Principal":"*","Action":"ecr:BatchGetImage","Resource":"arn:aws:ecr:us-east-1:111122223333:repository/*"}]}`},
		{About: `replication from an account in trusted.accounts`,
			RegistryPolicy: `{"Version":"2012-10-17","Statement":[{"Sid":"Replication","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::444455556666:root"},"Action":["ecr:CreateRepository","ecr:ReplicateImage"],"Resource":"arn:aws:ecr:us-east-1:111122223333:repository/*"}]}`,
			Settings:       analysis.Settings{TrustedAccounts: []string{"444455556666"}}},
		{About: `a repository policy that shares with an untrusted account is ECR003's, not a registry grant`, Others: []string{"ECR003"},
			RepositoryPolicy: `{"Version":"2012-10-17","Statement":[{"Sid":"Partner","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::444455556666:root"},"Action":"ecr:BatchGetImage"}]}`},
	},
	check: checkECR005,
}

func checkECR005(r Rule, a *analysis.Analysis) []Finding {
	var out []Finding
	for _, x := range a.Exposure {
		if x.Target.Kind != exposure.Registry {
			continue
		}
		acts := x.Outsiders()
		if acts.Empty() {
			continue
		}
		var who []string
		var proofs []exposure.Proof
		if !x.Public.Actions.Empty() {
			who = append(who, "*")
			proofs = append(proofs, x.Public.Proofs...)
		}
		for _, k := range slices.Sorted(maps.Keys(x.Accounts)) {
			who = append(who, x.Accounts[k].PrincipalNames()...)
			proofs = append(proofs, x.Accounts[k].Proofs...)
		}
		for _, k := range slices.Sorted(maps.Keys(x.Orgs)) {
			who = append(who, k)
			proofs = append(proofs, x.Orgs[k].Proofs...)
		}
		f, stmts := outsiderFinding(r, x, who, proofs, acts)
		scope := "With registry policy scope V2 (the default, and what ecrguard assumes when the scope is unknown) the grant applies to " + grantedRepositories(stmts) + " and every ECR action it names."
		if x.Target.Scope == "V1" {
			scope = "With registry policy scope V1 only ReplicateImage, BatchImportUpstreamImage and CreateRepository are governed by it."
		}
		f.Message = fmt.Sprintf("The registry policy in %s shares %s with principals outside the zone of trust (%s) through %s. %s",
			x.Target.Region, describeActions(acts, catalog.ActionSet{}), strings.Join(f.Principals, ", "), labels(stmts), scope)
		f.Message += rcpHolesOutsiders(x, acts)
		f.Remediation = fmt.Sprintf("Limit %s to trusted accounts (or add them to trusted.accounts if they are partners), then %s; or remove the registry policy with `aws ecr delete-registry-policy --region %s`.",
			labels(stmts), applyPhrase(x, "it"), x.Target.Region)
		f.Remediation += provenFix(x)
		out = append(out, f)
	}
	return out
}

// grantedRepositories names the repositories registry policy statements
// grant on: every repository of the registry, or those their Resource
// elements match.
func grantedRepositories(stmts []*policy.Statement) string {
	var pats []string
	for _, st := range stmts {
		if st.NotResource != nil {
			return "every repository of the registry but those its NotResource names"
		}
		for _, v := range st.Resource {
			if v.Text == "*" || strings.HasSuffix(v.Text, ":repository/*") {
				return "every repository of the registry"
			}
			if !slices.Contains(pats, v.Text) {
				pats = append(pats, v.Text)
			}
		}
	}
	if len(pats) == 0 {
		return "every repository of the registry"
	}
	verb := " matches"
	if len(pats) > 1 {
		verb = " match"
	}
	return "the repositories that " + joinAnd(pats) + verb
}
