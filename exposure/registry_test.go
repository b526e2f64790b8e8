package exposure

import (
	"testing"

	"github.com/ecrguard/ecrguard/catalog"
	"github.com/ecrguard/ecrguard/eval"
	"github.com/ecrguard/ecrguard/policy"
)

// TestRegistryDenies: the Deny statements of the registry's policy limit
// the requests on its repositories (ECR User Guide, "Private registry
// permissions in Amazon ECR": a V2 registry policy is enforced in all ECR
// requests; V1 governs ecr:ReplicateImage, ecr:BatchImportUpstreamImage and
// ecr:CreateRepository alone). Its grants count on the registry only.
func TestRegistryDenies(t *testing.T) {
	const repo = `{"Version":"2012-10-17","Statement":[{"Sid":"Anyone","Effect":"Allow","Principal":"*","Action":["ecr:BatchGetImage","ecr:ReplicateImage"]}]}`
	const orgOnly = `{"Version":"2012-10-17","Statement":[{"Sid":"OrgOnly","Effect":"Deny","Principal":"*","Action":"ecr:*","Resource":"*",
		"Condition":{"StringNotEquals":{"aws:PrincipalOrgID":"o-a1b2c3d4e5"}}}]}`
	cat := catalog.Default()
	pull, replicate, put := cat.Lookup("ecr:BatchGetImage").Index, cat.Lookup("ecr:ReplicateImage").Index, cat.Lookup("ecr:PutImage").Index
	for _, tc := range []struct {
		name, registry, scope string
		public, org           []int // what anyone, and members of o-a1b2c3d4e5, can do
	}{
		{name: "no registry policy", public: []int{pull, replicate}},
		{name: "V2: the Deny closes the repository to all but the organization", registry: orgOnly, scope: "V2", org: []int{pull, replicate}},
		{name: "V1: the Deny counts for the actions V1 governs", registry: orgOnly, scope: "V1", public: []int{pull}, org: []int{pull, replicate}},
		{name: "a Deny of the registry itself leaves repositories alone", scope: "V2", public: []int{pull, replicate},
			registry: `{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Principal":"*","Action":"ecr:*","Resource":"arn:aws:ecr:us-east-1:111122223333:registry"}]}`},
		{name: "the registry's grants are not the repository's", scope: "V2", public: []int{pull, replicate},
			registry: `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"ecr:*","Resource":"*"}]}`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			target := Target{Kind: Repository, ARN: "arn:aws:ecr:us-east-1:111122223333:repository/app", Account: "111122223333",
				Region: "us-east-1", Repository: "app", Policy: compile(t, repo), RegistryScope: tc.scope}
			if tc.registry != "" {
				target.Registry = compile(t, tc.registry)
			}
			res := Analyze(target, Zone{Account: "111122223333"})
			if got, want := res.Public.Actions, setOf(tc.public); got != want {
				t.Errorf("public %v, want %v", cat.Names(got), cat.Names(want))
			}
			var org catalog.ActionSet
			if acc := res.Orgs["o-a1b2c3d4e5"]; acc != nil {
				org = acc.Actions
			}
			if want := setOf(tc.org); org != want {
				t.Errorf("o-a1b2c3d4e5 %v, want %v", cat.Names(org), cat.Names(want))
			}
			if res.Public.Actions.Has(put) {
				t.Error("PutImage is granted by no one")
			}
			// What the registry's Deny closes is named (a guardrail).
			closed := setOf([]int{pull, replicate}).Minus(res.Public.Actions)
			var named catalog.ActionSet
			for _, g := range res.Guardrails {
				if g.Class == PublicClass && g.Closed && g.Registry && g.Statement.Sid == "OrgOnly" {
					named = named.Union(g.Actions)
				}
			}
			if named != closed {
				t.Errorf("guardrails name %v closed for anyone, want %v", cat.Names(named), cat.Names(closed))
			}
		})
	}
}

func compile(t *testing.T, src string) *eval.Policy {
	t.Helper()
	doc, err := policy.Parse([]byte(src), "policy.json")
	if err != nil {
		t.Fatal(err)
	}
	return eval.Compile("policy.json", doc)
}

func setOf(actions []int) catalog.ActionSet {
	var s catalog.ActionSet
	for _, i := range actions {
		s.Add(i)
	}
	return s
}

// TestRegistryDeniesV1UnknownAction: a Deny of the registry policy whose
// Action (or NotAction) is not known until apply (Terraform) may not apply
// to a request: eval takes such a Deny as not applying (maybe), so under V2
// the repository stays public. Under V1 the statement keeps its unknown
// Action, cut to the three actions V1 governs (registryDenies): naming them
// alone would make the Deny certain and hide the grant.
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
