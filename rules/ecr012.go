package rules

import (
	"fmt"
	"strings"
	"sync"

	"github.com/ecrguard/ecrguard/analysis"
	"github.com/ecrguard/ecrguard/catalog"
)

var ecr012 = Rule{
	ID:          "ECR012",
	Title:       "ECR Public repository changeable by outsiders",
	Severity:    Critical,
	Scope:       ScopeExposure,
	FiresWhen:   `an ECR Public repository policy lets a principal outside the trusted zone push, delete or change the policy (ecr-public actions of access level Write or Permissions management)`,
	Description: `Anyone may pull from an ECR Public repository: that is what it is for, and no rule reports it. Whoever can push to it, delete from it or rewrite its policy can replace the images everyone pulls: a supply-chain attack on every user of the image.`,
	Frameworks:  map[string][]string{"endgame": []string{"resource-exposure"}},
	Remediation: `Remove the ecr-public write and policy actions (and wildcards such as ecr-public:*) from every statement that outsiders match, or name only principals of the zone of trust; then apply the policy with aws ecr-public set-repository-policy.`,
	Examples: []Example{
		{About: `Principal "*" may push images`, Fires: true,
			PublicRepositoryPolicy: `{"Version":"2012-10-17","Statement":[{"Sid":"AnyonePush","Effect":"Allow","Principal":"*","Action":["ecr-public:BatchCheckLayerAvailability","ecr-public:PutImage","ecr-public:InitiateLayerUpload","ecr-public:UploadLayerPart","ecr-public:CompleteLayerUpload"]}]}`},
		{About: `an untrusted account may set the repository policy`, Fires: true,
			PublicRepositoryPolicy: `{"Version":"2012-10-17","Statement":[{"Sid":"Partner","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::444455556666:root"},"Action":"ecr-public:SetRepositoryPolicy"}]}`},
		{About: `a condition every caller meets (aws:SecureTransport) restricts nothing`, Fires: true,
			PublicRepositoryPolicy: `{"Version":"2012-10-17","Statement":[{"Sid":"TlsOnly","Effect":"Allow","Principal":"*","Action":"ecr-public:*","Condition":{"Bool":{"aws:SecureTransport":"true"}}}]}`},
		{About: `Principal "*" may only read: pull is public by design`,
			PublicRepositoryPolicy: `{"Version":"2012-10-17","Statement":[{"Sid":"Read","Effect":"Allow","Principal":"*","Action":["ecr-public:BatchCheckLayerAvailability","ecr-public:DescribeImages","ecr-public:DescribeImageTags"]}]}`},
		{About: `a trusted account may push`,
			PublicRepositoryPolicy: `{"Version":"2012-10-17","Statement":[{"Sid":"Platform","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::444455556666:root"},"Action":["ecr-public:PutImage","ecr-public:InitiateLayerUpload","ecr-public:UploadLayerPart","ecr-public:CompleteLayerUpload"]}]}`,
			Settings:               analysis.Settings{TrustedAccounts: []string{"444455556666"}}},
		{About: `Principal "*" with ecr-public:* closed by a Deny for every caller outside the trusted organization`,
			PublicRepositoryPolicy: `{"Version":"2012-10-17","Statement":[{"Sid":"Everyone","Effect":"Allow","Principal":"*","Action":"ecr-public:*"},{"Sid":"OnlyOrg","Effect":"Deny","Principal":"*","Action":"ecr-public:*","Condition":{"StringNotEquals":{"aws:PrincipalOrgID":"o-a1b2c3d4e5"}}}]}`,
			Settings:               analysis.Settings{TrustedOrgIDs: []string{"o-a1b2c3d4e5"}}},
	},
	check: checkECR012,
}

// publicChanges are the ecr-public repository actions that change a
// public repository: access level Write or Permissions management.
var publicChanges = sync.OnceValue(func() catalog.ActionSet {
	cat := catalog.Default()
	var s catalog.ActionSet
	cat.PublicRepositorySet().Each(func(i int) {
		if a := cat.Actions[i]; a.Access == catalog.Write || a.Access == catalog.PermissionsManagement {
			s.Add(i)
		}
	})
	return s
})

func checkECR012(r Rule, a *analysis.Analysis) []Finding {
	changes := publicChanges()
	var out []Finding
	for _, x := range a.Public {
		// Organizations outside the zone, and AWS services acting for any
		// account (a confused deputy pushes for whoever asks).
		g := grantsOf(x.Result, changes, x.Orgs, x.Deputies)
		if g.acts.Empty() {
			continue
		}
		f, stmts := outsiderFinding(r, x, g.who, g.proofs, g.acts)
		f.Message = fmt.Sprintf("Principals outside the zone of trust (%s) can change %s: they can perform %s through %s. Anyone may pull it by design; these actions let outsiders replace or remove what everyone pulls.%s",
			strings.Join(f.Principals, ", "), targetName(x), describeActions(g.acts, catalog.ActionSet{}), labels(stmts), proofText(&f, g.proofs, g.acts, g.accounts...))
		f.Remediation = fmt.Sprintf("Remove %s (and wildcards that cover them, such as ecr-public:*) from %s, or name only principals of the zone of trust; then %s.",
			joinAnd(f.Actions), labels(stmts), applyPhrase(x, "the policy"))
		f.Remediation += provenFix(x)
		out = append(out, f)
	}
	return out
}
