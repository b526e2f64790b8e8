package source

import (
	"context"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/ecrguard/ecrguard/analysis"
	"github.com/ecrguard/ecrguard/policy"
	"github.com/ecrguard/ecrguard/rules"
)

// Without --account, Terraform and CloudFormation deploy to the owner
// account the inputs do not name: one fixed account (docs/semantics.md,
// "The owner account"), which data.aws_caller_identity and AWS::AccountId
// give as policy.OwnerAccount. testdata/iac builds its own principals and
// ARNs from the deploying account, never from its id, so it must give the
// same findings as deployed to that id: a principal built from the
// deploying account is the owner's, neither an untrusted account nor
// anyone.
func TestIaCWithoutAccount(t *testing.T) {
	fsys := os.DirFS("../testdata/iac")
	for _, form := range []string{"terraform", "cloudformation/template.yaml", "cloudformation/template.json"} {
		t.Run(form, func(t *testing.T) {
			want := findingKeys(scanIaC(t, fsys, form), nil)
			est, err := Load(context.Background(), fsys, []string{form}, Options{Region: iacOptions.Region})
			if err != nil {
				t.Fatal(err)
			}
			if est.Lookup(policy.OwnerAccount) == nil {
				t.Fatalf("no resources of %s", policy.OwnerAccount)
			}
			res := rules.Run(est, analysis.Settings{Region: iacOptions.Region})
			var got []string
			for _, k := range findingKeys(res, nil) {
				got = append(got, strings.ReplaceAll(k, policy.OwnerAccount, iacAccount))
			}
			slices.Sort(got)
			if !slices.Equal(got, want) {
				t.Errorf("without --account:\n%s\nwith it:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
			}
		})
	}
}
