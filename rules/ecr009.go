package rules

import (
	"fmt"
	"sync"

	"github.com/ecrguard/ecrguard/analysis"
	"github.com/ecrguard/ecrguard/catalog"
	"github.com/ecrguard/ecrguard/estate"
	"github.com/ecrguard/ecrguard/identity"
)

var ecr009 = Rule{
	ID:          "ECR009",
	Title:       "Broad ECR write access",
	Severity:    Medium,
	Scope:       ScopeIdentity,
	FiresWhen:   `an identity can perform write or permissions-management ECR actions on every repository without being in config authorized.write; IAM users with ECR write are named separately`,
	Description: `A principal that can push to, delete from or re-configure every repository can replace any image the cluster runs (CIS EKS 5.1.2).`,
	Frameworks:  map[string][]string{"cis-eks-1.2.0": []string{"5.1.2"}, "kubescape": []string{"C-0222"}},
	Remediation: `Scope write access to the repositories the principal needs (Resource arn:aws:ecr:REGION:ACCOUNT:repository/NAME), prefer roles over IAM users, or list the principal in authorized.write.`,
	Examples: []Example{
		{About: `Action ecr:* on every resource`, Fires: true, Others: []string{"ECR006", "ECR007", "ECR008"},
			IdentityPolicy: `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"ecr:*","Resource":"*"}]}`},
		{About: `push to every repository of the account, even behind MFA`, Fires: true,
			IdentityPolicy: `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["ecr:PutImage","ecr:InitiateLayerUpload","ecr:UploadLayerPart","ecr:CompleteLayerUpload"],"Resource":"arn:aws:ecr:*:111122223333:repository/*","Condition":{"Bool":{"aws:MultiFactorAuthPresent":"true"}}}]}`},
		{About: `an IAM user with push on every repository, named as a user`, Fires: true, Identity: "user/alice",
			IdentityPolicy: `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"ecr:PutImage","Resource":"*"}]}`},
		{About: `push to one repository`,
			IdentityPolicy: `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["ecr:PutImage","ecr:InitiateLayerUpload","ecr:UploadLayerPart","ecr:CompleteLayerUpload"],"Resource":"arn:aws:ecr:us-east-1:111122223333:repository/app"}]}`},
		{About: `Action ecr:* limited by a resource tag is not every repository`,
			IdentityPolicy: `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"ecr:*","Resource":"*","Condition":{"StringEquals":{"ecr:ResourceTag/team":"payments"}}}]}`},
		{About: `read access to every repository`,
			IdentityPolicy: `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["ecr:Describe*","ecr:List*","ecr:BatchGetImage","ecr:GetDownloadUrlForLayer"],"Resource":"*"}]}`},
		{About: `a role listed in authorized.write`, Others: []string{"ECR006", "ECR007", "ECR008"},
			IdentityPolicy: `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"ecr:*","Resource":"*"}]}`,
			Settings:       analysis.Settings{AuthorizedWrite: []string{"arn:aws:iam::111122223333:role/dev"}}},
	},
	principal: checkECR009,
}

// writeActions are ECR009's "write": every ecr repository action of access
// level Write or Permissions management, except the three docs/rules
// leaves out.
var writeActions = sync.OnceValue(func() []string {
	var out []string
	for _, act := range catalog.Default().RepositoryActions() {
		switch act.FullName() {
		case "ecr:BatchImportUpstreamImage", "ecr:StartImageScan", "ecr:StartLifecyclePolicyPreview":
			continue
		}
		if act.Access == catalog.Write || act.Access == catalog.PermissionsManagement {
			out = append(out, act.FullName())
		}
	}
	return out
})

func checkECR009(r Rule, a *analysis.Analysis, m *identity.Model, p *identity.Principal) (*Finding, []estate.Gap) {
	if authorized(a.Settings.AuthorizedWrite, p.ARN) {
		return nil, nil
	}
	ac := &access{}
	var gaps []estate.Gap
	for _, act := range writeActions() {
		w, g := m.CanEvery(p, act, identity.Free)
		gaps = append(gaps, g...)
		if w != nil {
			ac.add(act, "", w)
		}
	}
	if ac.actions.Empty() {
		return nil, gaps
	}
	what := "can write to"
	remedy := fmt.Sprintf("scope %s's ECR write access to the repositories it needs (Resource arn:aws:ecr:REGION:%s:repository/NAME), or add %s to authorized.write in .ecrguard.yaml (CIS EKS 5.1.2).", p.Label(), accountOrPlaceholder(m.Account), itsARN(p))
	if p.Kind == identity.Attached {
		remedy = fmt.Sprintf("scope the ECR write access %s grants to the repositories its principals need (Resource arn:aws:ecr:REGION:%s:repository/NAME), or add %s to authorized.write in .ecrguard.yaml (CIS EKS 5.1.2).", detachedName(p), accountOrPlaceholder(m.Account), itsARN(p))
	}
	if p.Kind == identity.User {
		remedy = "Move ECR write access from the IAM user to a role its workload assumes, and " + remedy
	}
	f := identityFinding(r, m, p, ac, what, upperFirst(remedy))
	return &f, gaps
}

// accountOrPlaceholder is an account id for an ARN in prose, or ACCOUNT
// when the inputs do not say which account it is.
func accountOrPlaceholder(id string) string {
	if id == "" {
		return "ACCOUNT"
	}
	return id
}
