package validate

import (
	"strings"
	"testing"

	"github.com/ecrguard/ecrguard/policy"
)

const repoARN = "arn:aws:ecr:us-east-1:111122223333:repository/app"

func codes(t *testing.T, text string, kind Kind) map[string]int {
	t.Helper()
	doc, err := policy.Parse([]byte(text), "p.json")
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]int{}
	for _, p := range Check(doc, kind, repoARN) {
		out[p.Code]++
	}
	return out
}

// TestDeadElements checks elements that can never grant anything in a
// repository policy. IAM User Guide, "AWS JSON policy elements: Principal"
// (Federated is for web identity and SAML federation, CanonicalUser for
// Amazon S3) and "AWS JSON policy elements: NotResource".
func TestDeadElements(t *testing.T) {
	tests := []struct {
		name, policy, code string
		kind               Kind
		want               int
	}{
		{"federated principal", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Federated":"cognito-identity.amazonaws.com"},"Action":"ecr:BatchGetImage"}]}`, "dead-principal", RepositoryPolicy, 1},
		{"canonical user", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"CanonicalUser":"79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be"},"Action":"ecr:BatchGetImage"}]}`, "dead-principal", RepositoryPolicy, 1},
		{"NotResource excluding the repository", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"ecr:BatchGetImage","NotResource":"arn:aws:ecr:us-east-1:111122223333:repository/*"}]}`, "dead-resource", RepositoryPolicy, 1},
		{"NotResource excluding another repository", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"ecr:BatchGetImage","NotResource":"arn:aws:ecr:us-east-1:111122223333:repository/other"}]}`, "dead-resource", RepositoryPolicy, 0},
		{"Resource naming another repository", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"ecr:BatchGetImage","Resource":"arn:aws:ecr:us-east-1:111122223333:repository/other"}]}`, "dead-resource", RepositoryPolicy, 1},
		// IAM User Guide, "IAM policy elements: Variables and tags": no
		// variable before the fifth colon.
		{"a variable in the account of a Resource", `{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Principal":"*","Action":"ecr:*","Resource":"arn:aws:ecr:us-east-1:${aws:PrincipalAccount}:repository/*"}]}`, "variable-in-arn-prefix", RegistryPolicy, 1},
		{"a variable in the resource part", `{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Principal":"*","Action":"ecr:*","Resource":"arn:aws:ecr:us-east-1:111122223333:repository/${aws:username}/*"}]}`, "variable-in-arn-prefix", RegistryPolicy, 0},
		{"AWS principal", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:root"},"Action":"ecr:BatchGetImage"}]}`, "dead-principal", RepositoryPolicy, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := codes(t, tt.policy, tt.kind)[tt.code]; got != tt.want {
				t.Errorf("%s problems = %d, want %d", tt.code, got, tt.want)
			}
		})
	}
}

// problems validates text as a policy of kind attached to resource.
func problems(t *testing.T, text string, kind Kind, resource string) []Problem {
	t.Helper()
	doc, err := policy.Parse([]byte(text), "p.json")
	if err != nil {
		t.Fatal(err)
	}
	return Check(doc, kind, resource)
}

// withCode returns the problems of one code.
func withCode(ps []Problem, code string) []Problem {
	var out []Problem
	for _, p := range ps {
		if p.Code == code {
			out = append(out, p)
		}
	}
	return out
}

func repoCondition(effect, cond string) string {
	return `{"Version":"2012-10-17","Statement":[{"Effect":"` + effect + `","Principal":"*","Action":"ecr:BatchGetImage","Condition":` + cond + `}]}`
}

func identityCondition(cond string) string {
	return `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*","Condition":` + cond + `}]}`
}

// TestUnknownConditionKeys follows the IAM User Guide, "AWS global
// condition context keys" (the global keys, the tag keys that take any tag
// name, key names are case-insensitive) and "IAM JSON policy elements:
// Condition operators" (a key absent from the request makes the condition
// false, a negated operator or ...IfExists true, ForAllValues true and
// ForAnyValue false), and the Service Authorization Reference, "Condition
// keys for Amazon Elastic Container Registry" (the ecr keys).
func TestUnknownConditionKeys(t *testing.T) {
	tests := []struct {
		name, policy string
		kind         Kind
		// want are substrings of the one message; none means no problem.
		want []string
	}{
		{"misspelled global key", repoCondition("Allow", `{"StringEquals":{"aws:PrincipleOrgID":"o-a1b2c3d4e5"}}`), RepositoryPolicy,
			[]string{`"aws:PrincipleOrgID"`, "did you mean aws:PrincipalOrgID?", "absent from every ECR request", "always false"}},
		{"misspelled key under a negated operator", repoCondition("Deny", `{"StringNotEquals":{"aws:PrincipleOrgID":"o-a1b2c3d4e5"}}`), RepositoryPolicy,
			[]string{"did you mean aws:PrincipalOrgID?", "negated condition is always true"}},
		{"IfExists", repoCondition("Allow", `{"StringEqualsIfExists":{"aws:SourceAcount":"111122223333"}}`), RepositoryPolicy,
			[]string{"did you mean aws:SourceAccount?", "IfExists condition is always true"}},
		{"ForAllValues", repoCondition("Allow", `{"ForAllValues:StringEquals":{"aws:TagKey":"team"}}`), RepositoryPolicy,
			[]string{"did you mean aws:TagKeys?", "ForAllValues condition is always true"}},
		{"ForAnyValue negated", repoCondition("Allow", `{"ForAnyValue:StringNotEquals":{"aws:PrincipalOrgPath":"o-a1b2c3d4e5/*"}}`), RepositoryPolicy,
			[]string{"did you mean aws:PrincipalOrgPaths?", "ForAnyValue condition is always false"}},
		{"misspelled tag family keeps the tag", repoCondition("Allow", `{"StringEquals":{"aws:PrincipleTag/team":"ci"}}`), RepositoryPolicy,
			[]string{"did you mean aws:PrincipalTag/team?"}},
		{"misspelled ecr key", repoCondition("Allow", `{"StringEquals":{"ecr:ResourceTags/team":"ci"}}`), RepositoryPolicy,
			[]string{"not a key of the ecr service", "did you mean ecr:ResourceTag/team?"}},
		{"another service's key in a repository policy", repoCondition("Allow", `{"StringLike":{"s3:prefix":"home/"}}`), RepositoryPolicy,
			[]string{`"s3:prefix"`, "not a global condition key and not a key of the ecr service", "absent from every ECR request"}},
		{"global key without its prefix", repoCondition("Allow", `{"StringEquals":{"PrincipalOrgID":"o-a1b2c3d4e5"}}`), RepositoryPolicy,
			[]string{"did you mean aws:PrincipalOrgID?", "absent from every ECR request"}},
		{"another service's key in a registry policy", repoCondition("Allow", `{"StringEquals":{"sts:ExternalId":"x"}}`), RegistryPolicy,
			[]string{`"sts:ExternalId"`}},
		{"global key, other case", repoCondition("Allow", `{"StringEquals":{"AWS:principalorgid":"o-a1b2c3d4e5"}}`), RepositoryPolicy, nil},
		{"global tag key with any tag", repoCondition("Allow", `{"StringEquals":{"aws:PrincipalTag/cost-center":"12"}}`), RepositoryPolicy, nil},
		{"request tag", repoCondition("Allow", `{"StringEquals":{"aws:RequestTag/team":"ci"}}`), RepositoryPolicy, nil},
		{"ecr resource tag", repoCondition("Allow", `{"StringEquals":{"ecr:ResourceTag/team":"ci"}}`), RepositoryPolicy, nil},
		{"ecr account setting", repoCondition("Allow", `{"StringEquals":{"ecr:AccountSetting":"BASIC_SCAN_TYPE_VERSION"}}`), RepositoryPolicy, nil},
		{"cross-service global key", repoCondition("Allow", `{"ArnEquals":{"ec2:SourceInstanceArn":"arn:aws:ec2:us-east-1:111122223333:instance/i-1"}}`), RepositoryPolicy, nil},
		{"tag family without a tag", repoCondition("Allow", `{"StringEquals":{"aws:PrincipalTag":"ci"}}`), RepositoryPolicy,
			[]string{`"aws:PrincipalTag"`}},
		{"another service's key in an identity policy", identityCondition(`{"StringLike":{"s3:prefix":"home/"}}`), IdentityPolicy, nil},
		{"sts key in an SCP", identityCondition(`{"StringEquals":{"sts:ExternalId":"x"}}`), SCP, nil},
		{"misspelled global key in an identity policy", identityCondition(`{"Bool":{"aws:MultiFactorAuthPresnt":"true"}}`), IdentityPolicy,
			[]string{"did you mean aws:MultiFactorAuthPresent?", "absent from every request"}},
		{"unknown ecr key in a boundary", identityCondition(`{"StringEquals":{"ecr:RepositoryName":"app"}}`), BoundaryPolicy,
			[]string{`"ecr:RepositoryName"`, "not a key of the ecr service"}},
		{"Null on an unknown key", identityCondition(`{"Null":{"aws:SourceIpp":"true"}}`), SCP,
			[]string{"did you mean aws:SourceIp?", `true for the value "true"`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := withCode(problems(t, tt.policy, tt.kind, repoARN), "unknown-condition-key")
			if len(tt.want) == 0 {
				if len(got) != 0 {
					t.Fatalf("problems = %v, want none", got)
				}
				return
			}
			if len(got) != 1 {
				t.Fatalf("problems = %v, want one", got)
			}
			for _, w := range tt.want {
				if !strings.Contains(got[0].Message, w) {
					t.Errorf("message %q does not say %q", got[0].Message, w)
				}
			}
			if got[0].Pos.Line != 1 || got[0].Pos.Col == 0 {
				t.Errorf("position %v, want the key's", got[0].Pos)
			}
		})
	}
}

// TestOtherPartition follows the IAM User Guide, "Identify AWS resources
// with Amazon Resource Names (ARNs)" (each account is scoped to one
// partition) and "AWS JSON policy elements: Principal".
func TestOtherPartition(t *testing.T) {
	principal := func(p string) string {
		return `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"` + p + `"},"Action":"ecr:BatchGetImage"}]}`
	}
	tests := []struct {
		name, principal, resource string
		kind                      Kind
		want                      int
	}{
		{"aws-cn root in an aws repository", "arn:aws-cn:iam::444455556666:root", repoARN, RepositoryPolicy, 1},
		{"aws-us-gov role in an aws repository", "arn:aws-us-gov:iam::444455556666:role/ci", repoARN, RepositoryPolicy, 1},
		{"aws root in an aws repository", "arn:aws:iam::444455556666:root", repoARN, RepositoryPolicy, 0},
		{"aws root, resource unknown", "arn:aws:iam::444455556666:root", "", RepositoryPolicy, 0},
		{"aws-cn root, resource unknown (aws)", "arn:aws-cn:iam::444455556666:root", "", RepositoryPolicy, 1},
		{"aws-cn root in an aws-cn repository", "arn:aws-cn:iam::444455556666:root", "arn:aws-cn:ecr:cn-north-1:111122223333:repository/app", RepositoryPolicy, 0},
		{"aws root in an aws-cn repository", "arn:aws:iam::444455556666:root", "arn:aws-cn:ecr:cn-north-1:111122223333:repository/app", RepositoryPolicy, 1},
		{"aws-cn session in an aws registry", "arn:aws-cn:sts::444455556666:assumed-role/ci/s", "arn:aws:ecr:us-east-1:111122223333:registry", RegistryPolicy, 1},
		{"bare account id", "444455556666", repoARN, RepositoryPolicy, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := withCode(problems(t, principal(tt.principal), tt.kind, tt.resource), "other-partition")
			if len(got) != tt.want {
				t.Fatalf("problems = %v, want %d", got, tt.want)
			}
			if tt.want > 0 && (!strings.Contains(got[0].Message, tt.principal) || !strings.Contains(got[0].Message, "can never call the")) {
				t.Errorf("message %q does not name the principal and say it is dead", got[0].Message)
			}
		})
	}
}

// TestImpossibleOrganizationIDs follows the AWS Organizations API
// Reference, "Organization" (Id pattern ^o-[a-z0-9]{10,32}$) and the IAM
// User Guide, "AWS global condition context keys" (aws:PrincipalOrgID,
// aws:PrincipalOrgPaths, aws:ResourceOrgID, aws:SourceOrgID, ... whose path
// values start with the organization id). A value with * or ? is judged as
// a pattern under any operator: only its literal text can be impossible.
func TestImpossibleOrganizationIDs(t *testing.T) {
	tests := []struct {
		name, cond string
		want       int
	}{
		{"too short", `{"StringEquals":{"aws:PrincipalOrgID":"o-abc"}}`, 1},
		{"valid", `{"StringEquals":{"aws:PrincipalOrgID":"o-a1b2c3d4e5"}}`, 0},
		{"upper case", `{"StringEquals":{"aws:PrincipalOrgID":"o-A1B2C3D4E5"}}`, 1},
		{"upper case, ignoring case", `{"StringEqualsIgnoreCase":{"aws:PrincipalOrgID":"O-A1B2C3D4E5"}}`, 0},
		{"too long", `{"StringEquals":{"aws:SourceOrgID":"o-` + strings.Repeat("a", 33) + `"}}`, 1},
		{"no prefix", `{"StringEquals":{"aws:ResourceOrgID":"a1b2c3d4e5"}}`, 1},
		{"key in another case", `{"StringEquals":{"AWS:PRINCIPALORGID":"o-abc"}}`, 1},
		{"one of two values", `{"StringEquals":{"aws:PrincipalOrgID":["o-a1b2c3d4e5","o-x"]}}`, 1},
		{"negated", `{"StringNotEquals":{"aws:PrincipalOrgID":"o-abc"}}`, 1},
		{"pattern", `{"StringLike":{"aws:PrincipalOrgID":"o-*"}}`, 0},
		{"star alone", `{"StringLike":{"aws:PrincipalOrgID":"*"}}`, 0},
		{"prefix pattern", `{"StringLike":{"aws:PrincipalOrgID":"o-abc*"}}`, 0},
		{"pattern too short", `{"StringLike":{"aws:PrincipalOrgID":"o-ab??"}}`, 1},
		{"pattern with a character ids never have", `{"StringLike":{"aws:PrincipalOrgID":"o-ABC*"}}`, 1},
		// conformance: exposure/stringequals-literal-star-is-not-a-wildcard
		{"star under StringEquals", `{"StringEquals":{"aws:PrincipalOrgID":"*"}}`, 0},
		{"literal text of a pattern under StringEquals", `{"StringEquals":{"aws:PrincipalOrgID":"x-*"}}`, 1},
		{"valid path", `{"ForAnyValue:StringLike":{"aws:PrincipalOrgPaths":"o-a1b2c3d4e5/r-ab12/ou-ab12-11111111/*"}}`, 0},
		{"path with an impossible id", `{"ForAnyValue:StringLike":{"aws:PrincipalOrgPaths":"o-abc/r-ab12/*"}}`, 1},
		{"path pattern", `{"ForAnyValue:StringLike":{"aws:SourceOrgPaths":"o-*/r-ab12/*"}}`, 0},
		{"resource path", `{"ForAnyValue:StringEquals":{"aws:ResourceOrgPaths":"o-1/r-ab12/"}}`, 1},
		{"other key", `{"StringEquals":{"aws:PrincipalAccount":"o-abc"}}`, 0},
		{"policy variable", `{"StringEquals":{"aws:PrincipalOrgID":"${aws:ResourceOrgID}"}}`, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := withCode(problems(t, repoCondition("Allow", tt.cond), RepositoryPolicy, repoARN), "impossible-org-id")
			if len(got) != tt.want {
				t.Fatalf("problems = %v, want %d", got, tt.want)
			}
			if tt.want > 0 && !strings.Contains(got[0].Message, "^o-[a-z0-9]{10,32}$") {
				t.Errorf("message %q does not give the pattern", got[0].Message)
			}
		})
	}
}

// TestPublicRepositoryPolicy checks the policy of an ECR Public
// repository: it governs ecr-public actions on the repository (Service
// Authorization Reference, "Actions, resources, and condition keys for
// Amazon Elastic Container Registry Public": PutRegistryCatalogData acts on
// the registry, GetAuthorizationToken on no resource), and its requests
// carry the global keys and ecr-public:ResourceTag/${TagKey}, not the keys
// of private ECR.
func TestPublicRepositoryPolicy(t *testing.T) {
	const pub = "arn:aws:ecr-public::111122223333:repository/tools"
	stmt := func(actions, condition string) string {
		return `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"444455556666"},"Action":` + actions + condition + `}]}`
	}
	tests := []struct {
		name, policy string
		want         map[string]int
	}{
		{"push", stmt(`["ecr-public:PutImage","ecr-public:InitiateLayerUpload"]`, ``), map[string]int{}},
		{"wildcard", stmt(`"ecr-public:*"`, ``), map[string]int{}},
		{"private ECR action", stmt(`["ecr:PutImage","ecr-public:PutImage"]`, ``), map[string]int{"other-ecr-service": 1}},
		{"registry action", stmt(`"ecr-public:PutRegistryCatalogData"`, ``), map[string]int{"dead-action": 1}},
		{"no resource type", stmt(`"ecr-public:GetAuthorizationToken"`, ``), map[string]int{"dead-action": 1}},
		{"typo", stmt(`"ecr-public:PutImages"`, ``), map[string]int{"unknown-action": 1}},
		{"ecr-public tag key", stmt(`"ecr-public:PutImage"`, `,"Condition":{"StringEquals":{"ecr-public:ResourceTag/team":"a","aws:PrincipalOrgID":"o-a1b2c3d4e5"}}`), map[string]int{}},
		{"private ECR key", stmt(`"ecr-public:PutImage"`, `,"Condition":{"StringEquals":{"ecr:ResourceTag/team":"a"}}`), map[string]int{"unknown-condition-key": 1}},
		{"another repository", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"ecr-public:PutImage","Resource":"arn:aws:ecr-public::111122223333:repository/other"}]}`, map[string]int{"dead-resource": 1}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := map[string]int{}
			for _, p := range problems(t, tt.policy, PublicRepositoryPolicy, pub) {
				got[p.Code]++
				if p.Code == "unknown-condition-key" && !strings.Contains(p.Message, "ecr-public service") {
					t.Errorf("message does not name the ecr-public service: %s", p.Message)
				}
			}
			if len(got) != len(tt.want) {
				t.Errorf("problems %v, want %v", got, tt.want)
			}
			for code, n := range tt.want {
				if got[code] != n {
					t.Errorf("problems %v, want %v", got, tt.want)
				}
			}
		})
	}
}

// TestDeadRegistryResource: a registry policy governs requests on its own
// registry's repositories (Amazon ECR User Guide, "Private registry
// permissions in Amazon ECR"), and every ECR action with a resource type
// acts on a repository (Service Authorization Reference, "Actions,
// resources, and condition keys for Amazon Elastic Container Registry"), so
// a statement whose Resource matches no repository of the registry never
// applies: a Deny there closes nothing. It was not reported.
func TestDeadRegistryResource(t *testing.T) {
	const registry = "arn:aws:ecr:us-east-1:111122223333:registry"
	stmt := func(resource string) string {
		return `{"Version":"2012-10-17","Statement":[{"Sid":"DenyOutside","Effect":"Deny","Principal":"*","Action":"ecr:*","Resource":` + resource + `,"Condition":{"StringNotEquals":{"aws:PrincipalAccount":"111122223333"}}}]}`
	}
	tests := []struct {
		name, resource, registry string
		want                     int
	}{
		{"another region's repositories", `"arn:aws:ecr:eu-west-1:111122223333:repository/*"`, registry, 1},
		{"another account's repositories", `"arn:aws:ecr:us-east-1:444455556666:repository/*"`, registry, 1},
		{"the registry itself", `"arn:aws:ecr:us-east-1:111122223333:registry"`, registry, 1},
		{"no name after repository/", `"arn:aws:ecr:us-east-1:111122223333:repository/"`, registry, 1},
		{"one dead and one live value", `["arn:aws:ecr:eu-west-1:111122223333:repository/*","arn:aws:ecr:us-east-1:111122223333:repository/app"]`, registry, 0},
		{"its repositories", `"arn:aws:ecr:us-east-1:111122223333:repository/*"`, registry, 0},
		{"every region", `"arn:aws:ecr:*:111122223333:repository/team-?/*"`, registry, 0},
		{"a wildcard before repository/", `"arn:aws:ecr:us-east-1:111122223333:repo*"`, registry, 0},
		{"every resource", `"*"`, registry, 0},
		{"a variable", `"arn:aws:ecr:us-east-1:111122223333:repository/${aws:username}"`, registry, 0},
		{"the owner not known", `"arn:aws:ecr:us-east-1:111122223333:repository/*"`, "arn:aws:ecr:us-east-1:" + policy.OwnerAccount + ":registry", 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := withCode(problems(t, stmt(tt.resource), RegistryPolicy, tt.registry), "dead-registry-resource"); len(got) != tt.want {
				t.Errorf("dead-registry-resource problems %v, want %d", got, tt.want)
			}
		})
	}
}

// TestDeadTemplateResource: a creation template's repository policy
// becomes the policy of each repository it creates, those under PREFIX/
// (ECR API Reference, "CreateRepositoryCreationTemplate": prefix; ROOT for
// any name), so a statement whose Resource matches none of them never
// applies (docs/semantics.md: a grant limited to team-b/* in the template
// of team-a grants nothing). It was not reported.
func TestDeadTemplateResource(t *testing.T) {
	const template = "arn:aws:ecr:us-east-1:111122223333:repository-creation-template/"
	tests := []struct {
		name, resource, prefix string
		want                   int
	}{
		{"another prefix's repositories", "arn:aws:ecr:us-east-1:111122223333:repository/team-b/*", "team-a", 1},
		{"the prefix without the slash ECR adds", "arn:aws:ecr:us-east-1:111122223333:repository/team-a", "team-a", 1},
		{"another region", "arn:aws:ecr:eu-west-1:111122223333:repository/team-a/*", "team-a", 1},
		{"its repositories", "arn:aws:ecr:us-east-1:111122223333:repository/team-a/*", "team-a", 0},
		{"a pattern that covers them", "arn:aws:ecr:us-east-1:111122223333:repository/team-*", "team-a", 0},
		{"ROOT creates any name", "arn:aws:ecr:us-east-1:111122223333:repository/team-b/*", "ROOT", 0},
		{"a prefix not known until apply", "arn:aws:ecr:us-east-1:111122223333:repository/team-b/*", "${var.prefix}", 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			text := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"444455556666"},"Action":"ecr:BatchGetImage","Resource":"` + tt.resource + `"}]}`
			ps := problems(t, text, RepositoryPolicy, template+tt.prefix)
			if got := withCode(ps, "dead-template-resource"); len(got) != tt.want {
				t.Errorf("dead-template-resource problems %v, want %d", got, tt.want)
			}
			if got := withCode(ps, "dead-resource"); len(got) != 0 {
				t.Errorf("dead-resource problems %v, want none (a template is not the repository)", got)
			}
		})
	}
}
