package rules

import (
	"fmt"
	"strings"
	"time"

	"github.com/ecrguard/ecrguard/analysis"
	"github.com/ecrguard/ecrguard/catalog"
	"github.com/ecrguard/ecrguard/exposure"
)

var ecr001 = Rule{
	ID:          "ECR001",
	Title:       "Repository is public",
	Severity:    Critical,
	Scope:       ScopeExposure,
	FiresWhen:   `some principal outside every trusted zone (any account on earth) can perform at least one repository action, for some request context it can produce`,
	Description: `Anyone with an AWS account can use the repository for the actions listed: pull images (and read your software supply chain), push replacements, or worse, depending on the actions.`,
	Frameworks:  map[string][]string{"cloudguard": []string{"D9.AWS.IAM.102"}, "trivy": []string{"AVD-AWS-0032"}, "checkov": []string{"CKV_AWS_32"}, "prowler": []string{"ecr_repositories_not_publicly_accessible"}},
	Remediation: `Replace Principal "*" with the accounts, roles or organization that need access, or add a condition on aws:PrincipalOrgID / aws:PrincipalAccount that must hold, then apply the policy with aws ecr set-repository-policy.`,
	Examples: []Example{
		{About: `Principal "*" with no condition lets every AWS account pull`, Fires: true,
			RepositoryPolicy: `{"Version":"2012-10-17","Statement":[{"Sid":"PublicPull","Effect":"Allow","Principal":"*","Action":["ecr:BatchGetImage","ecr:GetDownloadUrlForLayer"]}]}`},
		{About: `a condition every caller meets (aws:SecureTransport: ECR takes HTTPS only) restricts nothing`, Fires: true, Others: []string{"ECR002"},
			RepositoryPolicy: `{"Version":"2012-10-17","Statement":[{"Sid":"TlsOnly","Effect":"Allow","Principal":{"AWS":"*"},"Action":"ecr:BatchGetImage","Condition":{"Bool":{"aws:SecureTransport":"true"}}}]}`},
		{About: `ForAllValues holds when the key is absent: a caller in no organization has no aws:PrincipalOrgPaths`, Fires: true, Others: []string{"ECR002"},
			RepositoryPolicy: `{"Version":"2012-10-17","Statement":[{"Sid":"OrgPaths","Effect":"Allow","Principal":"*","Action":"ecr:BatchGetImage","Condition":{"ForAllValues:StringLike":{"aws:PrincipalOrgPaths":["o-a1b2c3d4e5/*"]}}}]}`,
			Settings:         analysis.Settings{TrustedOrgIDs: []string{"o-a1b2c3d4e5"}}},
		{About: `Allow with NotPrincipal lets in everyone it does not list`, Fires: true, Others: []string{"ECR003", "ECR011"},
			RepositoryPolicy: `{"Version":"2012-10-17","Statement":[{"Sid":"AllButPartner","Effect":"Allow","NotPrincipal":{"AWS":"arn:aws:iam::444455556666:root"},"Action":"ecr:BatchGetImage"}]}`},
		{About: `a creation template whose policy lets everyone pull: every repository it creates is public from the start`, Fires: true,
			TemplatePolicy: `{"Version":"2012-10-17","Statement":[{"Sid":"PublicPull","Effect":"Allow","Principal":"*","Action":["ecr:BatchGetImage","ecr:GetDownloadUrlForLayer"]}]}`},
		{About: `Principal "*" with aws:PrincipalOrgID naming the trusted organization`, Others: []string{"ECR002"},
			RepositoryPolicy: `{"Version":"2012-10-17","Statement":[{"Sid":"OrgPull","Effect":"Allow","Principal":"*","Action":"ecr:BatchGetImage","Condition":{"StringEquals":{"aws:PrincipalOrgID":"o-a1b2c3d4e5"}}}]}`,
			Settings:         analysis.Settings{TrustedOrgIDs: []string{"o-a1b2c3d4e5"}}},
		{About: `Principal "*" closed by a Deny for every caller outside the trusted organization`,
			RepositoryPolicy: `{"Version":"2012-10-17","Statement":[{"Sid":"Everyone","Effect":"Allow","Principal":"*","Action":"ecr:*"},{"Sid":"OnlyOrg","Effect":"Deny","Principal":"*","Action":"ecr:*","Condition":{"StringNotEquals":{"aws:PrincipalOrgID":"o-a1b2c3d4e5"}}}]}`,
			Settings:         analysis.Settings{TrustedOrgIDs: []string{"o-a1b2c3d4e5"}}},
		{About: `Principal "*" in a registry whose policy denies every caller outside the trusted organization (a V2 registry policy is enforced in every ECR request)`,
			RepositoryPolicy: `{"Version":"2012-10-17","Statement":[{"Sid":"Everyone","Effect":"Allow","Principal":"*","Action":["ecr:BatchGetImage","ecr:GetDownloadUrlForLayer"]}]}`,
			RegistryPolicy:   `{"Version":"2012-10-17","Statement":[{"Sid":"OnlyOrg","Effect":"Deny","Principal":"*","Action":"ecr:*","Resource":"*","Condition":{"StringNotEquals":{"aws:PrincipalOrgID":"o-a1b2c3d4e5"}}}]}`,
			RegistryScope:    "V2",
			Settings:         analysis.Settings{TrustedOrgIDs: []string{"o-a1b2c3d4e5"}}},
		{About: `the same registry policy, its scope not given: it may be V1, under which it governs three actions only, so anyone may pull`, Fires: true,
			RepositoryPolicy: `{"Version":"2012-10-17","Statement":[{"Sid":"Everyone","Effect":"Allow","Principal":"*","Action":["ecr:BatchGetImage","ecr:GetDownloadUrlForLayer"]}]}`,
			RegistryPolicy:   `{"Version":"2012-10-17","Statement":[{"Sid":"OnlyOrg","Effect":"Deny","Principal":"*","Action":"ecr:*","Resource":"*","Condition":{"StringNotEquals":{"aws:PrincipalOrgID":"o-a1b2c3d4e5"}}}]}`,
			Settings:         analysis.Settings{TrustedOrgIDs: []string{"o-a1b2c3d4e5"}}},
		{About: `Principal "*" from one network (aws:SourceIp) is network-restricted, not public`, Others: []string{"ECR002"},
			RepositoryPolicy: `{"Version":"2012-10-17","Statement":[{"Sid":"Office","Effect":"Allow","Principal":"*","Action":"ecr:BatchGetImage","Condition":{"IpAddress":{"aws:SourceIp":"203.0.113.0/24"}}}]}`},
		{About: `an account named in the Principal is not "any account"`, Others: []string{"ECR003"},
			RepositoryPolicy: `{"Version":"2012-10-17","Statement":[{"Sid":"Partner","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::444455556666:root"},"Action":"ecr:BatchGetImage"}]}`},
		{About: `a creation template whose policy names only the organization`, Others: []string{"ECR002"},
			TemplatePolicy: `{"Version":"2012-10-17","Statement":[{"Sid":"OrgPull","Effect":"Allow","Principal":"*","Action":"ecr:BatchGetImage","Condition":{"StringEquals":{"aws:PrincipalOrgID":"o-a1b2c3d4e5"}}}]}`,
			Settings:       analysis.Settings{TrustedOrgIDs: []string{"o-a1b2c3d4e5"}}},
	},
	check: checkECR001,
}

func checkECR001(r Rule, a *analysis.Analysis) []Finding {
	var out []Finding
	for _, x := range a.Exposure {
		pub := x.Public
		if pub.Actions.Empty() {
			continue
		}
		stmts := resourceStatements(pub.Proofs)
		f := r.finding()
		f.Resource = x.Target.ARN
		f.restOn(stmts, x.Policy)
		f.Principals = []string{"*"}
		f.Actions = catalog.Default().Names(pub.Actions)
		f.Conditions = analysis.Conditions(stmts)
		f.Message = fmt.Sprintf("Anyone with an AWS account can perform %s on %s: %s let in principals outside the zone of trust.%s",
			describeActions(pub.Actions, x.Universe), targetName(x), labels(stmts), proofText(&f, pub.Proofs, pub.Actions))
		f.Message += rcpHoles(x, exposure.PublicClass, pub.Actions)
		if opens := opensAt(x.Result); !opens.IsZero() {
			f.Message += fmt.Sprintf(" The access opens on %s, after the time of the scan, in a time window (aws:CurrentTime) the policy sets.", opens.UTC().Format(time.RFC3339))
		} else if len(f.Conditions) > 0 {
			f.Message += " The conditions restrict nothing an outsider cannot satisfy."
		}
		f.Remediation = fmt.Sprintf("In %s, name only the accounts or roles that need access (instead of \"*\" or NotPrincipal), or add a condition that must hold such as %s; then %s.",
			labels(stmts), zoneCondition(x.Zone), applyPhrase(x, "it"))
		f.Remediation += provenFix(x)
		out = append(out, f)
	}
	return out
}

// opensAt is the earliest moment at which public access that is closed at
// the time of the scan opens, or zero.
func opensAt(r *exposure.Result) time.Time {
	var first time.Time
	for _, t := range r.Opens {
		if first.IsZero() || t.Before(first) {
			first = t
		}
	}
	return first
}

// zoneCondition suggests the condition that limits a statement to the zone.
func zoneCondition(z exposure.Zone) string {
	if len(z.OrgIDs) > 0 {
		return fmt.Sprintf(`"StringEquals": {"aws:PrincipalOrgID": %q}`, z.OrgIDs[0])
	}
	accts := append([]string{ownerValue(z.Account)}, z.Accounts...)
	q := make([]string, len(accts))
	for i, a := range accts {
		q[i] = fmt.Sprintf("%q", a)
	}
	return fmt.Sprintf(`"StringEquals": {"aws:PrincipalAccount": [%s]}`, strings.Join(q, ", "))
}
