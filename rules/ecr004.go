package rules

import (
	"fmt"
	"strings"

	"github.com/ecrguard/ecrguard/analysis"
	"github.com/ecrguard/ecrguard/catalog"
)

var ecr004 = Rule{
	ID:          "ECR004",
	Title:       "Outsiders can change who has access",
	Severity:    Critical,
	Scope:       ScopeExposure,
	FiresWhen:   `a principal outside the trusted zone can perform a permissions-management action: SetRepositoryPolicy or DeleteRepositoryPolicy through the repository policy, or any permissions-management action through the registry policy`,
	Description: `Whoever can rewrite the repository policy can grant themselves (or the world) every other action: this is full control of the repository.`,
	Frameworks:  map[string][]string{"endgame": []string{"ecr-repository"}},
	Remediation: `Remove ecr:SetRepositoryPolicy and ecr:DeleteRepositoryPolicy (and wildcards such as ecr:* or ecr:Set*) from every statement that outsiders match.`,
	Examples: []Example{
		{About: `an untrusted account may set the repository policy`, Fires: true, Others: []string{"ECR003"},
			RepositoryPolicy: `{"Version":"2012-10-17","Statement":[{"Sid":"Partner","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::444455556666:root"},"Action":["ecr:BatchGetImage","ecr:SetRepositoryPolicy"]}]}`},
		{About: `Principal "*" with ecr:* includes the policy actions`, Fires: true, Others: []string{"ECR001"},
			RepositoryPolicy: `{"Version":"2012-10-17","Statement":[{"Sid":"All","Effect":"Allow","Principal":"*","Action":"ecr:*"}]}`},
		{About: `a registry policy that grants an untrusted account ecr:* includes PutRegistryPolicy`, Fires: true, Others: []string{"ECR003", "ECR005"},
			RegistryPolicy: `{"Version":"2012-10-17","Statement":[{"Sid":"Partner","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::444455556666:root"},"Action":"ecr:*","Resource":"*"}]}`},
		{About: `a creation template that lets an untrusted account set the policy of every repository it creates`, Fires: true, Others: []string{"ECR003"},
			TemplatePolicy: `{"Version":"2012-10-17","Statement":[{"Sid":"Partner","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::444455556666:root"},"Action":"ecr:SetRepositoryPolicy"}]}`},
		{About: `Principal "*" with ecr:* and a Deny of the policy actions for everyone`, Others: []string{"ECR001"},
			RepositoryPolicy: `{"Version":"2012-10-17","Statement":[{"Sid":"All","Effect":"Allow","Principal":"*","Action":"ecr:*"},{"Sid":"NoPolicyChanges","Effect":"Deny","Principal":"*","Action":["ecr:SetRepositoryPolicy","ecr:DeleteRepositoryPolicy"]}]}`},
		{About: `an untrusted account that may only pull`, Others: []string{"ECR003"},
			RepositoryPolicy: `{"Version":"2012-10-17","Statement":[{"Sid":"Partner","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::444455556666:root"},"Action":"ecr:BatchGetImage"}]}`},
		{About: `a trusted account may set the policy`,
			RepositoryPolicy: `{"Version":"2012-10-17","Statement":[{"Sid":"Platform","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::444455556666:root"},"Action":"ecr:SetRepositoryPolicy"}]}`,
			Settings:         analysis.Settings{TrustedAccounts: []string{"444455556666"}}},
	},
	check: checkECR004,
}

func checkECR004(r Rule, a *analysis.Analysis) []Finding {
	pm := catalog.Default().ClassSet(catalog.ClassPermissionsManagement)
	var out []Finding
	for _, x := range a.Exposure {
		g := grantsOf(x.Result, pm, x.Orgs)
		if g.acts.Empty() {
			continue
		}
		f, stmts := outsiderFinding(r, x, g.who, g.proofs, g.acts)
		f.Message = fmt.Sprintf("Principals outside the zone of trust (%s) can change who has access to %s: they can perform %s, and so grant themselves or anyone every other action.%s",
			strings.Join(f.Principals, ", "), targetName(x), strings.Join(f.Actions, " and "), proofText(&f, g.proofs, g.acts, g.accounts...))
		f.Message += rcpHolesOutsiders(x, g.acts)
		them := "them"
		if len(f.Actions) == 1 {
			them = "it"
		}
		f.Remediation = fmt.Sprintf("Remove %s (and wildcards that cover %s, such as ecr:* or ecr:*Policy) from %s, and %s.",
			strings.Join(f.Actions, " and "), them, labels(stmts), applyPhrase(x, "the policy"))
		f.Remediation += provenFix(x)
		out = append(out, f)
	}
	return out
}
