package diff

import (
	"context"
	"testing"
	"testing/fstest"
	"time"

	"github.com/ecrguard/ecrguard/analysis"
	"github.com/ecrguard/ecrguard/source"
)

const owner = "111122223333"

// at is the time every test judges at.
var at = time.Date(2026, 6, 30, 12, 0, 0, 0, time.UTC)

// side loads files (name → content) as one side of a comparison.
func side(t *testing.T, files map[string]string) *Side {
	t.Helper()
	fsys := fstest.MapFS{}
	for name, data := range files {
		fsys[name] = &fstest.MapFile{Data: []byte(data)}
	}
	est, err := source.Load(context.Background(), fsys, []string{"."}, source.Options{Account: owner, Region: "us-east-1"})
	if err != nil {
		t.Fatal(err)
	}
	return Assess(est, analysis.Settings{Region: "us-east-1", At: at})
}

// keys returns the keys of grants, as "subject principal action".
func keys(gs []Grant) []string {
	var out []string
	for _, g := range gs {
		out = append(out, g.Subject+" "+g.Principal+" "+g.Action)
	}
	return out
}

const private = `{"Version":"2012-10-17","Statement":[{"Sid":"Team","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:root"},"Action":"ecr:BatchGetImage"}]}`

const public = `{"Version":"2012-10-17","Statement":[
{"Sid":"Team","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:root"},"Action":"ecr:BatchGetImage"},
{"Sid":"Anyone","Effect":"Allow","Principal":"*","Action":"ecr:BatchGetImage"}]}`

func TestRawMadePublic(t *testing.T) {
	res := Compare(side(t, map[string]string{"app.json": private}), side(t, map[string]string{"app.json": public}))
	for _, g := range res.New {
		t.Logf("%s %s %s %s %v %s", g.Subject, g.Principal, g.Action, g.Class, g.Statements, g.Proof)
	}
	t.Log(res.Findings.Findings, res.Findings.Gaps)
}
