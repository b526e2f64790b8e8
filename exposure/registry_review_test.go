package exposure

import (
	"testing"

	"github.com/ecrguard/ecrguard/catalog"
	"github.com/ecrguard/ecrguard/eval"
	"github.com/ecrguard/ecrguard/policy"
)

// TestRegistryDeniesV1UnknownAction: a Deny of the registry policy whose
// Action (or NotAction) is not known until apply (Terraform) may not apply
// to a request: eval takes such a Deny as not applying (maybe), so under V2
// the repository stays public. Under V1 the statement must keep its unknown
// Action for the three actions V1 governs; registryDenies replaces it with
// the three names, which makes the Deny certain and hides the grant.
func TestRegistryDeniesV1UnknownAction(t *testing.T) {
	const repo = `{"Version":"2012-10-17","Statement":[{"Sid":"Anyone","Effect":"Allow","Principal":"*","Action":["ecr:BatchGetImage","ecr:ReplicateImage"]}]}`
	cat := catalog.Default()
	replicate := cat.Lookup("ecr:ReplicateImage").Index
	for _, tc := range []struct{ name, registry string }{
		{"Action unknown", `{"Version":"2012-10-17","Statement":[{"Sid":"Deny","Effect":"Deny","Principal":"*","Action":"UNKNOWN","Resource":"*"}]}`},
		{"Action known and unknown", `{"Version":"2012-10-17","Statement":[{"Sid":"Deny","Effect":"Deny","Principal":"*","Action":["ecr:DeleteRepository","UNKNOWN"],"Resource":"*"}]}`},
		{"NotAction unknown", `{"Version":"2012-10-17","Statement":[{"Sid":"Deny","Effect":"Deny","Principal":"*","NotAction":"UNKNOWN","Resource":"*"}]}`},
	} {
		for _, scope := range []string{"V2", "V1"} {
			t.Run(tc.name+" "+scope, func(t *testing.T) {
				reg := compile(t, tc.registry)
				st := reg.Doc.Statements[0]
				for _, vs := range [][]policy.Value{st.Action, st.NotAction} {
					for i := range vs {
						if vs[i].Text == "UNKNOWN" {
							vs[i].Text, vs[i].Unknown = "var.denied_actions", true
						}
					}
				}
				reg = eval.Compile(reg.Name, reg.Doc)
				res := Analyze(Target{Kind: Repository, ARN: "arn:aws:ecr:us-east-1:111122223333:repository/app", Account: "111122223333",
					Region: "us-east-1", Repository: "app", Policy: compile(t, repo), Registry: reg, RegistryScope: scope}, Zone{Account: "111122223333"})
				if !res.Public.Actions.Has(replicate) {
					t.Errorf("public %v: ReplicateImage missing, though the Deny's actions are not known until apply", cat.Names(res.Public.Actions))
				}
			})
		}
	}
}
