package file

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ecrguard/ecrguard/eval"
)

// TestReadPolicySet: each file goes to its place of the set, named by its
// path and read as ReadDocument reads it (a raw document, an AWS CLI
// output); an empty name leaves its place empty; the first file that does
// not read is the error.
func TestReadPolicySet(t *testing.T) {
	dir := t.TempDir()
	write := func(name, sid string) string {
		p := filepath.Join(dir, name)
		doc := `{"Version": "2012-10-17", "Statement": [{"Sid": "` + sid + `", "Effect": "Allow", "Action": "ecr:*", "Resource": "*"}]}`
		if name == "resource.json" { // as aws ecr get-repository-policy writes it
			doc = `{"registryId": "111122223333", "repositoryName": "app", "policyText": "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Sid\":\"` + sid + `\",\"Effect\":\"Allow\",\"Principal\":\"*\",\"Action\":\"ecr:BatchGetImage\"}]}"}`
		}
		if err := os.WriteFile(p, []byte(doc), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	fs := PolicyFiles{
		Identity: []string{write("id1.json", "Id1"), write("id2.json", "Id2")},
		SCPs:     []string{write("scp.json", "Scp")},
		RCPs:     []string{write("rcp1.json", "Rcp1"), write("rcp2.json", "Rcp2")},
		Resource: write("resource.json", "Res"),
		Boundary: write("boundary.json", "Bound"),
	}
	ps, err := ReadPolicySet(context.Background(), fs)
	if err != nil {
		t.Fatal(err)
	}
	sids := func(pols ...*eval.Policy) string {
		var out []string
		for _, p := range pols {
			if p == nil {
				out = append(out, "-")
				continue
			}
			out = append(out, filepath.Base(p.Name)+":"+p.Doc.Statements[0].Sid)
		}
		return strings.Join(out, " ")
	}
	got := []string{sids(ps.Identity...), sids(ps.SCPs...), sids(ps.RCPs...), sids(ps.Resource, ps.Boundary, ps.Session)}
	want := []string{"id1.json:Id1 id2.json:Id2", "scp.json:Scp", "rcp1.json:Rcp1 rcp2.json:Rcp2", "resource.json:Res boundary.json:Bound -"}
	if strings.Join(got, " | ") != strings.Join(want, " | ") {
		t.Errorf("identity | SCPs | RCPs | resource, boundary, session:\n got %q\nwant %q", got, want)
	}
	if ps, err := ReadPolicySet(context.Background(), PolicyFiles{}); err != nil || ps.Identity != nil || ps.Resource != nil {
		t.Errorf("no files: %+v, %v", ps, err)
	}
	fs.Session = filepath.Join(dir, "missing.json")
	if _, err := ReadPolicySet(context.Background(), fs); err == nil || !strings.Contains(err.Error(), "missing.json") {
		t.Errorf("a missing session policy: %v", err)
	}
	fs.SCPs = append(fs.SCPs, filepath.Join(dir, "nosuch-scp.json"))
	if _, err := ReadPolicySet(context.Background(), fs); err == nil || !strings.Contains(err.Error(), "nosuch-scp.json") {
		t.Errorf("the first file that does not read is the error: %v", err)
	}
}
