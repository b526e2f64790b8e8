package terraform

import (
	"strings"
	"testing"
	"testing/fstest"

	"github.com/ecrguard/ecrguard/estate"
)

// gapWith returns the first gap whose message contains s, or nil.
func gapWith(est *estate.Estate, s string) *estate.Gap {
	for i, g := range est.Gaps {
		if strings.Contains(g.Message, s) {
			return &est.Gaps[i]
		}
	}
	return nil
}

func TestTerraformJSONIsAGap(t *testing.T) {
	files := map[string]string{
		"main.tf":        `resource "aws_ecr_repository" "app" { name = "app" }`,
		"policy.tf.json": `{"resource": {"aws_ecr_repository_policy": {"app": {"repository": "app", "policy": "{}"}}}}`,
	}
	est := load(t, files, Options{Account: acct})
	g := gapWith(est, ".tf.json")
	if g == nil {
		t.Fatalf("no gap for policy.tf.json; gaps %v, notes %v", est.Gaps, est.Notes)
	}
	if g.Pos.String() != "policy.tf.json:1:1" || g.Code != CodeUnsupported {
		t.Errorf("gap %v: want at policy.tf.json:1:1, code %s", g, CodeUnsupported)
	}
	for _, n := range est.Notes {
		if strings.Contains(n.Message, ".tf.json") {
			t.Errorf("note %q beside the gap", n.Message)
		}
	}

	fsys := fstest.MapFS{"only/main.tf.json": {Data: []byte(`{}`)}}
	if got := FindModules(fsys, []string{"."}); len(got) != 1 || got[0] != "only" {
		t.Errorf("FindModules = %v, want [only]", got)
	}
}
