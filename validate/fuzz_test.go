package validate

import (
	"testing"

	"github.com/ecrguard/ecrguard/policy"
)

// FuzzCheck holds Check to "no panics on any input": every document the
// decoder accepts validates as every kind of policy, attached to an aws or
// aws-cn repository, an ECR Public repository or to nothing known.
func FuzzCheck(f *testing.F) {
	f.Add([]byte(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws-cn:iam::444455556666:root"},"Action":"ecr:BatchGetImage","Condition":{"StringLike":{"aws:PrincipleOrgID":"o-ab*","aws:PrincipalOrgPaths":"o-*/r-1/*"}}}]}`))
	f.Add([]byte(`{"Statement":{"Effect":"Deny","Action":"*","Resource":"*","Condition":{"ForAnyValue:StringEqualsIgnoreCase":{"aws:PrincipalTag/":"","ecr:ResourceTag/x":"y"}}}}`))
	f.Add([]byte(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":["ecr-public:PutImage","ecr:PutImage","ecr-public:PutRegistryCatalogData"],"Condition":{"StringEquals":{"ecr-public:ResourceTag/team":"a","ecr:ResourceTag/team":"a"}}}]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		doc, err := policy.Parse(data, "f.json")
		if err != nil {
			return
		}
		for _, kind := range []Kind{RepositoryPolicy, RegistryPolicy, IdentityPolicy, BoundaryPolicy, SCP, PublicRepositoryPolicy, RCP} {
			for _, res := range []string{"", repoARN, "arn:aws-cn:ecr:cn-north-1:111122223333:repository/app", "arn:aws:ecr-public::111122223333:repository/tools", "not an arn"} {
				for _, p := range Check(doc, kind, res) {
					if p.Code == "" || p.Message == "" {
						t.Fatalf("problem without code or message: %+v", p)
					}
				}
			}
		}
	})
}
