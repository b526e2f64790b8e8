package rules

import (
	"fmt"
	"strings"

	"github.com/ecrguard/ecrguard/analysis"
	"github.com/ecrguard/ecrguard/policy"
)

var ecr011 = Rule{
	ID:          "ECR011",
	Title:       "Invalid or dead policy element",
	Severity:    High,
	Scope:       ScopeValidation,
	FiresWhen:   `a policy does not parse or does not validate: unknown ECR action names, malformed principals, wildcards inside principal ARNs, Allow with NotPrincipal, unknown condition operators, condition keys AWS does not define, principals of another partition, organization ids that cannot exist (^o-[a-z0-9]{10,32}$), ForAllValues on a single-valued key, elements that can never match, an Allow in a custom resource control policy (only RCPFullAWSAccess may allow); a policy that does not parse is named at each of its problems`,
	Description: `An element that does not mean what its author thinks is either a hole or a broken control; IAM rejects some of them outright.`,
	Frameworks:  map[string][]string{"parliament": []string{"policy-validation"}, "access-analyzer": []string{"validate-policy"}},
	Remediation: `Fix the element named in the finding; the message says what was expected.`,
	Examples: []Example{
		{About: `a private ECR action in an ECR Public repository policy is dead`, Fires: true,
			PublicRepositoryPolicy: `{"Version":"2012-10-17","Statement":[{"Sid":"Ci","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:role/ci"},"Action":["ecr:PutImage","ecr-public:PutImage"]}]}`},
		{About: `a Deny whose Resource holds a policy variable in the account, where IAM does not replace it: it denies nothing`, Fires: true,
			RepositoryPolicy: `{"Version":"2012-10-17","Statement":[{"Sid":"Ci","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:role/ci"},"Action":"ecr:PutImage"},{"Sid":"NotElsewhere","Effect":"Deny","Principal":"*","Action":"ecr:*","Resource":"arn:aws:ecr:us-east-1:${aws:PrincipalAccount}:repository/*","Condition":{"StringNotEquals":{"aws:PrincipalAccount":"111122223333"}}}]}`},
		{About: `a misspelled action in a creation template's policy`, Fires: true,
			TemplatePolicy: `{"Version":"2012-10-17","Statement":[{"Sid":"Ci","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:role/ci"},"Action":"ecr:BatchGetImages"}]}`},
		{About: `a misspelled action name (ecr:BatchGetImages)`, Fires: true, Others: []string{"ECR003"},
			RepositoryPolicy: `{"Version":"2012-10-17","Statement":[{"Sid":"Partner","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::444455556666:root"},"Action":["ecr:BatchGetImages","ecr:GetDownloadUrlForLayer"]}]}`},
		{About: `an action with no resource type in a repository policy is dead`, Fires: true,
			RepositoryPolicy: `{"Version":"2012-10-17","Statement":[{"Sid":"Login","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:role/ci"},"Action":["ecr:GetAuthorizationToken","ecr:BatchGetImage"]}]}`},
		{About: `a misspelled element: the policy does not parse, and each problem is named`, Fires: true,
			RepositoryPolicy: `{"Version":"2012-10-17","Statement":[{"Sid":"Partner","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::444455556666:root"},"Actions":"ecr:BatchGetImage"}]}`},
		{About: `ForAllValues on a single-valued key (aws:PrincipalOrgID)`, Fires: true, Others: []string{"ECR001", "ECR002", "ECR003"},
			RepositoryPolicy: `{"Version":"2012-10-17","Statement":[{"Sid":"Org","Effect":"Allow","Principal":"*","Action":"ecr:BatchGetImage","Condition":{"ForAllValues:StringEquals":{"aws:PrincipalOrgID":"o-a1b2c3d4e5"}}}]}`},
		{About: `an organization id that cannot exist`, Fires: true, Others: []string{"ECR002"},
			RepositoryPolicy: `{"Version":"2012-10-17","Statement":[{"Sid":"Org","Effect":"Allow","Principal":"*","Action":"ecr:BatchGetImage","Condition":{"StringEquals":{"aws:PrincipalOrgID":"o-123"}}}]}`},
		{About: `a valid grant to a trusted account`,
			RepositoryPolicy: `{"Version":"2012-10-17","Statement":[{"Sid":"Partner","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::444455556666:root"},"Action":["ecr:BatchGetImage","ecr:GetDownloadUrlForLayer"]}]}`,
			Settings:         analysis.Settings{TrustedAccounts: []string{"444455556666"}}},
		{About: `Action ecr:* and NotAction in a repository policy stay live`,
			RepositoryPolicy: `{"Version":"2012-10-17","Statement":[{"Sid":"Us","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:root"},"Action":"ecr:*"},{"Sid":"NoDeletes","Effect":"Deny","Principal":"*","NotAction":["ecr:BatchGetImage","ecr:GetDownloadUrlForLayer","ecr:PutImage"],"Condition":{"StringNotEquals":{"aws:PrincipalAccount":"111122223333"}}}]}`},
	},
	check: checkECR011,
}

func checkECR011(r Rule, a *analysis.Analysis) []Finding {
	var out []Finding
	for _, p := range a.Problems {
		f := r.finding()
		f.Resource = p.Resource
		f.Source = p.Pos
		if !f.Source.IsValid() && p.Policy != nil {
			f.Source = p.Policy.Source
		}
		where := ""
		if p.Policy != nil && p.Policy.Name != "" {
			where = " in " + p.Policy.Name
		}
		f.Message = fmt.Sprintf("%s%s.", upperFirst(p.Message), where)
		f.Remediation = remediationFor(p.Code)
		out = append(out, f)
	}
	return out
}

// upperFirst starts a sentence with a capital, unless it starts with a
// name that keeps its case: an action or condition key (ecr:PutImage,
// aws:SourceIp).
func upperFirst(s string) string {
	first, _, _ := strings.Cut(s, " ")
	if s == "" || strings.Contains(first, ":") {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

func remediationFor(code string) string {
	switch code {
	case "unknown-action":
		return "Correct the action name (the message suggests the nearest known one) or remove it; an unknown action grants nothing, so whatever it was meant to allow or deny does not happen."
	case "dead-action":
		return "Remove the element, or move the grant to an identity policy: actions without a resource type (such as ecr:GetAuthorizationToken) must be granted there."
	case "dead-resource":
		return "Make Resource name this repository's ARN (or \"*\"), or move the statement to the policy of the repository it names: a resource policy governs only the resource it is attached to."
	case "dead-registry-resource":
		return "Make Resource name the registry's repositories (arn:aws:ecr:REGION:ACCOUNT:repository/* with the registry's region and account, a pattern of their names, or \"*\"), or move the statement to the registry policy of the region and account it names: a registry policy governs only requests on its own registry's repositories."
	case "dead-template-resource":
		return "Make Resource name the repositories the template creates (arn:aws:ecr:REGION:ACCOUNT:repository/PREFIX/*, or \"*\"), or move the statement to the template of the prefix it names: a template's policy becomes the policy of each repository it creates, which governs only that repository."
	case "dead-principal":
		return "Name the IAM role that the federated identities assume (or an account or user) instead, or remove the principal: this one never calls Amazon ECR."
	case "invalid-condition-value":
		return "Write a value the operator can compare (the message says what it expected); as it is the condition never matches, so an Allow behind it grants nothing and a Deny behind it denies nothing."
	case "malformed-principal", "malformed-action", "malformed-resource":
		return "Correct the value to the form the message names (IAM rejects the policy as it is); until then what it was meant to grant or deny is not assessed."
	case "missing-principal":
		return "Add a Principal element naming who the statement applies to; a resource policy's statement without one matches nobody (IAM rejects it)."
	case "missing-resource":
		return "Add a Resource element (\"*\" or the ARNs the statement is for): IAM rejects an identity policy statement without one."
	case "principal-in-identity-policy":
		return "Remove the Principal element: an identity policy applies to the identity it is attached to, and IAM rejects it with a Principal."
	case "variable-in-old-version":
		return "Set the policy's Version to \"2012-10-17\", which policy variables need, or write the value as text."
	case "other-ecr-service":
		return "Write the action with the prefix of the service the repository belongs to (ecr: for Amazon ECR, ecr-public: for ECR Public), or remove it: an action of the other service grants nothing here."
	case "rcp-allow":
		return "Remove the Allow from the resource control policy, or turn it into a Deny of what must not happen: AWS Organizations accepts an Allow only in RCPFullAWSAccess, which already sits at every level, and an RCP's Allow grants nothing."
	case "allow-notprincipal":
		return "Replace NotPrincipal with a Principal element naming who should have access."
	case "wildcard-principal":
		return "Use Principal \"*\" with an ArnLike aws:PrincipalArn condition for patterns, or list the principals explicitly."
	case "variable-in-arn-prefix":
		return "Write the service, region and account of the ARN as text (or *): IAM replaces a policy variable only in the resource part of an ARN, after its fifth colon."
	case "unknown-operator":
		return "Use a condition operator IAM defines (StringEquals, StringLike, ArnLike, Bool, IpAddress …, with ForAllValues:, ForAnyValue: or IfExists where needed; the message suggests one when the spelling is close); IAM rejects the policy as it is."
	case "forallvalues-single-valued-key":
		return "Drop the ForAllValues prefix for single-valued keys: the plain operator fails when the key is absent."
	case "unknown-condition-key":
		return "Correct the condition key (the message suggests the nearest defined one): a key AWS does not define is absent from every request, so the condition does not restrict what its author meant it to."
	case "other-partition":
		return "Name the principal by its ARN in the repository's partition (arn:aws:iam::ACCOUNT:root for the aws partition), or remove it: an account of another partition cannot call the repository."
	case "impossible-org-id":
		return "Write the organization's real id (aws organizations describe-organization shows it, o- followed by 10 to 32 lower-case letters or digits)."
	case policy.CodeInvalidJSON, policy.CodeUnknownVersion, policy.CodeUnknownElement, policy.CodeMissingElement,
		policy.CodeInvalidEffect, policy.CodeInvalidValue, "invalid-policy", "principal-in-scp":
		return "Correct the policy so that it parses (the message says what was expected where); until then AWS rejects it and nothing in it is assessed."
	case "duplicate-key":
		return "Merge the duplicated keys: only the last one takes effect, the others are silently ignored."
	}
	return "Fix the element named in the message."
}
