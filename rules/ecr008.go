package rules

import (
	"fmt"

	"github.com/ecrguard/ecrguard/analysis"
	"github.com/ecrguard/ecrguard/estate"
	"github.com/ecrguard/ecrguard/identity"
)

var ecr008 = Rule{
	ID:          "ECR008",
	Title:       "Who can expose repositories",
	Severity:    High,
	Scope:       ScopeIdentity,
	FiresWhen:   `a principal not in config authorized.policy_management can perform SetRepositoryPolicy, DeleteRepositoryPolicy, PutRegistryPolicy or DeleteRegistryPolicy`,
	Description: `These actions decide who else can use the registry; Endgame uses them to expose repositories to the world.`,
	Frameworks:  map[string][]string{"endgame": []string{"ecr-repository", "ecr-registry"}},
	Remediation: `Remove the policy-management actions from the principal, or list it in authorized.policy_management.`,
	Examples: []Example{
		{About: `a role may set the policy of one repository`, Fires: true,
			IdentityPolicy: `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"ecr:SetRepositoryPolicy","Resource":"arn:aws:ecr:us-east-1:111122223333:repository/app"}]}`},
		{About: `a user may put the registry policy`, Fires: true, Identity: "user/alice",
			IdentityPolicy: `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"ecr:PutRegistryPolicy","Resource":"*"}]}`},
		{About: `reading a policy is not changing it`,
			IdentityPolicy: `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["ecr:GetRepositoryPolicy","ecr:GetRegistryPolicy"],"Resource":"*"}]}`},
		{About: `a role listed in authorized.policy_management`, Others: []string{"ECR006", "ECR007", "ECR009"},
			IdentityPolicy: `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"ecr:*","Resource":"*"}]}`,
			Settings:       analysis.Settings{AuthorizedPolicyManagement: []string{"arn:aws:iam::111122223333:role/dev"}}},
		{About: `an SCP that denies the policy actions beats the identity policy`, Others: []string{"ECR006", "ECR007", "ECR009"},
			IdentityPolicy: `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"ecr:*","Resource":"*"}]}`,
			SCP:            `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"},{"Effect":"Deny","Action":["ecr:SetRepositoryPolicy","ecr:DeleteRepositoryPolicy","ecr:PutRegistryPolicy","ecr:DeleteRegistryPolicy"],"Resource":"*"}]}`},
	},
	principal: checkECR008,
}

func checkECR008(r Rule, a *analysis.Analysis, m *identity.Model, p *identity.Principal) (*Finding, []estate.Gap) {
	if authorized(a.Settings.AuthorizedPolicyManagement, p.ARN) {
		return nil, nil
	}
	ac, gaps := repositoryQuestions(m, p, []string{"ecr:SetRepositoryPolicy", "ecr:DeleteRepositoryPolicy"}, identity.Free)
	for _, act := range []string{"ecr:PutRegistryPolicy", "ecr:DeleteRegistryPolicy"} {
		w, g := m.Can(p, act, nil, identity.Free)
		gaps = append(gaps, g...)
		if w != nil {
			if ac == nil {
				ac = &access{}
			}
			ac.add(act, "", w)
		}
	}
	if ac == nil {
		return nil, gaps
	}
	f := identityFinding(r, m, p, ac,
		"can change who has access (repository or registry policies) to",
		fmt.Sprintf("Remove ecr:SetRepositoryPolicy, ecr:DeleteRepositoryPolicy, ecr:PutRegistryPolicy and ecr:DeleteRegistryPolicy (and wildcards covering them) from %s; if %s %s access, add %s to authorized.policy_management in .ecrguard.yaml.", principalLabel(p), whoARN(p), manage(p), itsARN(p)))
	return &f, gaps
}
