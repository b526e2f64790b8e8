package rules_test

import (
	"context"
	"encoding/json"
	"fmt"
	"reflect"
	"runtime"
	"testing"
	"testing/fstest"

	"github.com/ecrguard/ecrguard/internal/gen"
	"github.com/ecrguard/ecrguard/rules"
	"github.com/ecrguard/ecrguard/source/file"
)

// TestParallelSameFindings checks that spreading the work over cores (the
// exposure queue, the rules, and the principals over forks of the identity
// model) changes nothing in the result: same findings, same order, same
// gaps, whatever GOMAXPROCS is.
func TestParallelSameFindings(t *testing.T) {
	fsys := fstest.MapFS{"iam.json": {Data: gen.AuthorizationDetails(gen.Sizes{Roles: 300, Policies: 120, Users: 40, Groups: 8}, 3)}}
	docs := gen.RepositoryPolicies(30, 4)
	for i, name := range gen.RepositoryNames(60) {
		text := `{"Version":"2012-10-17","Statement":[]}`
		if i < 30 {
			text = string(docs[fmt.Sprintf("repo-%05d", i)])
		}
		out, _ := json.Marshal(map[string]string{"registryId": gen.Owner, "repositoryName": name, "policyText": text})
		fsys["policies/"+name+".json"] = &fstest.MapFile{Data: out}
		tags, _ := json.Marshal(map[string]any{"tags": []map[string]string{{"Key": "team", "Value": fmt.Sprintf("team-%d", i%7)}}})
		fsys[name+".tags.json"] = &fstest.MapFile{Data: tags}
	}
	settings := rules.Settings{TrustedOrgIDs: []string{gen.OrgID}, AuthorizedDelete: []string{"arn:aws:iam::111122223333:role/role-00*"}}
	run := func(procs int) *rules.Result {
		defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(procs))
		est, err := file.Load(context.Background(), fsys, []string{"."}, file.Options{Account: gen.Owner})
		if err != nil {
			t.Fatal(err)
		}
		return rules.Run(est, settings)
	}
	one, four := run(1), run(4)
	if len(one.Findings) < 50 {
		t.Fatalf("only %d findings: the estate no longer exercises the identity rules", len(one.Findings))
	}
	if !reflect.DeepEqual(one.Findings, four.Findings) {
		for i := range min(len(one.Findings), len(four.Findings)) {
			if !reflect.DeepEqual(one.Findings[i], four.Findings[i]) {
				t.Fatalf("finding %d differs:\n1 core:  %+v\n4 cores: %+v", i, one.Findings[i], four.Findings[i])
			}
		}
		t.Fatalf("%d findings on 1 core, %d on 4", len(one.Findings), len(four.Findings))
	}
	if !reflect.DeepEqual(one.Gaps, four.Gaps) {
		t.Errorf("gaps differ: %v vs %v", one.Gaps, four.Gaps)
	}
}
