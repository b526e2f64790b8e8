package rules_test

import (
	"context"
	"encoding/json"
	"fmt"
	"reflect"
	"runtime"
	"testing"
	"testing/fstest"
	"time"

	"github.com/ecrguard/ecrguard/analysis"
	"github.com/ecrguard/ecrguard/estate"
	"github.com/ecrguard/ecrguard/internal/gen"
	"github.com/ecrguard/ecrguard/rules"
	"github.com/ecrguard/ecrguard/source/file"
)

// generatedInputs are the inputs of a generated account: 160 roles, 20
// users, 40 repositories, half with a policy, all with tags.
func generatedInputs() fstest.MapFS {
	fsys := fstest.MapFS{"iam.json": {Data: gen.AuthorizationDetails(gen.Sizes{Roles: 160, Policies: 64, Users: 20, Groups: 8}, 3)}}
	docs := gen.RepositoryPolicies(20, 4)
	for i, name := range gen.RepositoryNames(40) {
		text := `{"Version":"2012-10-17","Statement":[]}`
		if i < 20 {
			text = string(docs[fmt.Sprintf("repo-%05d", i)])
		}
		out, _ := json.Marshal(map[string]string{"registryId": gen.Owner, "repositoryName": name, "policyText": text})
		fsys["policies/"+name+".json"] = &fstest.MapFile{Data: out}
		tags, _ := json.Marshal(map[string]any{"tags": []map[string]string{{"Key": "team", "Value": fmt.Sprintf("team-%d", i%7)}}})
		fsys[name+".tags.json"] = &fstest.MapFile{Data: tags}
	}
	return fsys
}

// generatedSettings trust the generated organization and authorize some
// deletes, at a fixed time.
var generatedSettings = analysis.Settings{TrustedOrgIDs: []string{gen.OrgID}, AuthorizedDelete: []string{"arn:aws:iam::111122223333:role/role-00*"},
	At: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)}

func loadGenerated(t *testing.T, fsys fstest.MapFS) *estate.Estate {
	t.Helper()
	est, err := file.Load(context.Background(), fsys, []string{"."}, file.Options{Account: gen.Owner})
	if err != nil {
		t.Fatal(err)
	}
	return est
}

// TestParallelSameFindings checks that spreading the work over cores (the
// exposure queue, the rules, and the principals over forks of the identity
// model) changes nothing in the result: same findings, same order, same
// gaps, whatever GOMAXPROCS is.
func TestParallelSameFindings(t *testing.T) {
	fsys := generatedInputs()
	run := func(procs int) *rules.Result {
		defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(procs))
		return rules.Run(loadGenerated(t, fsys), generatedSettings)
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

// TestCheckHasNoSideEffects: the rules change nothing in the analysis they
// judge: run twice, after who-can questions, they give what they give on a
// fresh analysis of the same inputs, and who-can's answer is the same
// before and after them.
func TestCheckHasNoSideEffects(t *testing.T) {
	fsys := generatedInputs()
	fresh := rules.Run(loadGenerated(t, fsys), generatedSettings)
	a := analysis.Analyze(loadGenerated(t, fsys), generatedSettings)
	ask := func() []analysis.WhoCanAnswer {
		var out []analysis.WhoCanAnswer
		for _, q := range [][2]string{{"ecr:DeleteRepository", "arn:aws:ecr:us-east-1:" + gen.Owner + ":repository/repo-00001"}, {"ecr:GetAuthorizationToken", "*"}} {
			ans, err := a.WhoCan(q[0], q[1])
			if err != nil {
				t.Fatal(err)
			}
			out = append(out, ans)
		}
		return out
	}
	before := ask()
	for i := range 2 {
		res := rules.Check(a)
		if !reflect.DeepEqual(res.Findings, fresh.Findings) || !reflect.DeepEqual(res.Gaps, fresh.Gaps) || !reflect.DeepEqual(res.Notes, fresh.Notes) {
			t.Fatalf("check %d after who-can differs from a fresh run: %d findings, gaps %v; fresh: %d findings, gaps %v", i+1, len(res.Findings), res.Gaps, len(fresh.Findings), fresh.Gaps)
		}
	}
	if after := ask(); !reflect.DeepEqual(after, before) {
		t.Errorf("who-can after the rules:\n%+v\nbefore:\n%+v", after, before)
	}
}
