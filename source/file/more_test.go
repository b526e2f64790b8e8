package file

import (
	"context"
	"encoding/json"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/ecrguard/ecrguard/estate"
	"github.com/ecrguard/ecrguard/internal/conformance"
	"github.com/ecrguard/ecrguard/internal/jsonpos"
	"github.com/ecrguard/ecrguard/policy"
)

// TestConformanceAuthorizationDetails reads the authorization_details of
// every identity case of the conformance corpus (exactly CLI output): no
// gaps, every identity kept, every attachment resolved.
func TestConformanceAuthorizationDetails(t *testing.T) {
	conformance.Run(t, "identity", func(t *testing.T, f conformance.File) {
		var c conformance.IdentityCase
		if err := conformance.Decode(f, &c); err != nil {
			t.Fatal(err)
		}
		var lists struct {
			UserDetailList, GroupDetailList, RoleDetailList, Policies []json.RawMessage
		}
		if err := json.Unmarshal(c.AuthorizationDetails, &lists); err != nil {
			t.Fatal(err)
		}
		fsys := fstest.MapFS{"authz.json": {Data: c.AuthorizationDetails}}
		e, err := Load(context.Background(), fsys, []string{"authz.json"}, Options{})
		if err != nil {
			t.Fatal(err)
		}
		for _, g := range e.Gaps {
			t.Errorf("gap: %s", g)
		}
		a := e.Lookup(c.Account)
		if a == nil || a.IAM == nil {
			t.Fatalf("account %s has no IAM; accounts %v", c.Account, e.Accounts())
		}
		m := a.IAM
		if len(m.Users) != len(lists.UserDetailList) || len(m.Groups) != len(lists.GroupDetailList) || len(m.Roles) != len(lists.RoleDetailList) {
			t.Errorf("read %d users, %d groups, %d roles; the file has %d, %d, %d",
				len(m.Users), len(m.Groups), len(m.Roles), len(lists.UserDetailList), len(lists.GroupDetailList), len(lists.RoleDetailList))
		}
		_, policies := m.Index()
		check := func(who string, arns ...string) {
			for _, arn := range arns {
				if arn == "" {
					continue
				}
				if p := policies[arn]; p == nil || p.Default == nil || p.Default.Doc == nil {
					t.Errorf("%s: managed policy %s not resolved", who, arn)
				}
			}
		}
		for _, u := range m.Users {
			check(u.ARN, append(u.Attached, u.Boundary)...)
		}
		for _, g := range m.Groups {
			check(g.ARN, g.Attached...)
		}
		for _, r := range m.Roles {
			check(r.ARN, append(r.Attached, r.Boundary)...)
			if r.Trust == nil {
				t.Errorf("%s: no trust policy", r.ARN)
			}
		}
	})
}

// TestEmbeddedLineIndex: embedded documents decoded with the reader's shared
// line index are placed where the file's own locator places them.
func TestEmbeddedLineIndex(t *testing.T) {
	for _, name := range []string{"ecr/get-repository-policy.json", "ecr/get-registry-policy.json", "ecr/broken-policytext.json", "orgs/describe-policy-scp.json"} {
		data, err := os.ReadFile(filepath.Join("testdata", name))
		if err != nil {
			t.Fatal(err)
		}
		root, err := jsonpos.Parse(data)
		if err != nil {
			t.Fatal(err)
		}
		str := root.Get("policyText")
		if str == nil {
			str = root.Get("Policy").Get("Content")
		}
		want, wantErr := policy.ParseEmbedded(data, str.Off, policy.FileLocator(data, name), false)
		got, gotErr := policy.ParseEmbedded(data, str.Off, newLineIndex(data).locator(name), false)
		if (wantErr == nil) != (gotErr == nil) {
			t.Fatalf("%s: errors differ: %v / %v", name, gotErr, wantErr)
		}
		if wantErr != nil {
			if g, w := gotErr.(*policy.Error).Pos, wantErr.(*policy.Error).Pos; g != w {
				t.Errorf("%s: error at %s, FileLocator says %s", name, g, w)
			}
			continue
		}
		for i, s := range want.Statements {
			g := got.Statements[i]
			if g.Pos != s.Pos || len(g.Action) != len(s.Action) || g.Action[0].Pos != s.Action[0].Pos {
				t.Errorf("%s: statement %d at %s/%s, FileLocator says %s/%s", name, i, g.Pos, g.Action[0].Pos, s.Pos, s.Action[0].Pos)
			}
		}
	}
}

// TestLineIndex compares the line index with jsonpos.Lines on text mixing
// ASCII, multi-byte characters and newlines.
func TestLineIndex(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	pieces := []string{"a", "b", " ", "\n", "é", "€", "𝄞", "\"", "\r\n"}
	for n := 0; n < 50; n++ {
		var b strings.Builder
		size := r.IntN(2000)
		for b.Len() < size {
			b.WriteString(pieces[r.IntN(len(pieces))])
		}
		data := []byte(b.String())
		want := jsonpos.NewLines(data)
		got := newLineIndex(data)
		for off := 0; off <= len(data); off++ {
			if off < len(data) && isContinuation(data[off]) {
				continue // offsets are where tokens start, never inside a character
			}
			wl, wc := want.Position(off)
			gl, gc := got.position(off)
			if wl != gl || wc != gc {
				t.Fatalf("offset %d of %q: %d:%d, jsonpos says %d:%d", off, data, gl, gc, wl, wc)
			}
		}
	}
}

func TestLoadPaths(t *testing.T) {
	dir := t.TempDir()
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(os.MkdirAll(filepath.Join(dir, "scan", "alice"), 0o755))
	must(os.WriteFile(filepath.Join(dir, "scan", "alice", "tools.tags.json"), []byte(`{"tags": [{"Key": "a", "Value": "b"}]}`), 0o644))
	must(os.WriteFile(filepath.Join(dir, "scan", "bad.json"), []byte("{\n  oops\n}"), 0o644))
	must(os.WriteFile(filepath.Join(dir, "single.json"), []byte(`{"Version": "2012-10-17", "Statement": []}`), 0o644))
	root := filepath.Join(dir, "scan")
	e, err := LoadPaths(context.Background(), []string{root, filepath.Join(dir, "single.json")}, Options{Account: "111122223333"})
	must(err)
	repo := e.Lookup("111122223333").Region("").Repository("alice/tools")
	if !repo.TagsKnown || repo.Tags["a"] != "b" {
		t.Errorf("tags of alice/tools not read: %+v", repo)
	}
	if len(e.Gaps) != 1 || e.Gaps[0].Pos.File != filepath.ToSlash(filepath.Join(root, "bad.json")) || e.Gaps[0].Pos.Line != 2 || e.Gaps[0].Pos.Col != 3 {
		t.Errorf("gaps = %v, want one at %s/bad.json:2:3", e.Gaps, root)
	}
	if d := e.Lookup("111122223333").Detached; len(d) != 1 || d[0].Source.File != filepath.ToSlash(filepath.Join(dir, "single.json")) {
		t.Errorf("detached = %+v", d)
	}
	// A missing path is a gap named as typed; the other paths are read.
	nope := filepath.Join(dir, "nope")
	e, err = LoadPaths(context.Background(), []string{nope, filepath.Join(dir, "single.json")}, Options{Account: "111122223333"})
	must(err)
	if g := gapsOf(e, filepath.ToSlash(nope)); len(g) != 1 || !strings.Contains(g[0], "read-error") || !strings.Contains(g[0], "no such file or folder") {
		t.Errorf("gaps of a missing path = %q (all: %v)", g, e.Gaps)
	}
	if d := e.Lookup("111122223333").Detached; len(d) != 1 {
		t.Errorf("the path after a missing one was not read: detached = %+v", d)
	}
}

// TestPagesAndDuplicates: paginated authorization details are read as one
// (a group on page 2, a page truncated but followed by the last one), and
// a second definition of the same thing is a gap, never a silent override.
func TestPagesAndDuplicates(t *testing.T) {
	page1 := `{"UserDetailList": [{"UserName": "u", "Arn": "arn:aws:iam::111122223333:user/u", "GroupList": ["g"], "AttachedManagedPolicies": [{"PolicyName": "P", "PolicyArn": "arn:aws:iam::111122223333:policy/P"}]}], "IsTruncated": true, "Marker": "x"}`
	page2 := `{"GroupDetailList": [{"GroupName": "g", "Arn": "arn:aws:iam::111122223333:group/g"}], "Policies": [{"PolicyName": "P", "Arn": "arn:aws:iam::111122223333:policy/P", "DefaultVersionId": "v1", "PolicyVersionList": [{"VersionId": "v1", "IsDefaultVersion": true, "Document": {"Version": "2012-10-17", "Statement": []}}]}], "IsTruncated": false}`
	policyText := `{"registryId": "111122223333", "repositoryName": "app", "policyText": "{\"Statement\": []}"}`
	fsys := fstest.MapFS{
		"authz/page1.json":      {Data: []byte(page1)},
		"authz/page2.json":      {Data: []byte(page2)},
		"policies/app.json":     {Data: []byte(policyText)},
		"policies/raw/app.json": {Data: []byte(`{"Statement": [{"Effect": "Allow", "Principal": "*", "Action": "ecr:*"}]}`)},
	}
	e, err := Load(context.Background(), fsys, []string{"."}, Options{Account: "111122223333"})
	if err != nil {
		t.Fatal(err)
	}
	var gaps []string
	for _, g := range e.Gaps {
		gaps = append(gaps, g.String())
	}
	if len(gaps) != 1 || !strings.Contains(gaps[0], "policies/raw/app.json:1:1 ") || !strings.Contains(gaps[0], string(estate.GapConflictingInputs)) || !strings.Contains(gaps[0], "the analysis judges the policy at policies/app.json:1:72 and not the other") {
		t.Errorf("gaps = %q, want one conflict for policies/raw/app.json", gaps)
	}
	m := e.Lookup("111122223333").IAM
	if len(m.Users) != 1 || len(m.Groups) != 1 || len(m.Policies) != 1 || m.Source != "authz/page1.json, authz/page2.json" {
		t.Errorf("IAM = %+v", m)
	}
	if repo := e.Lookup("111122223333").Region("").Repository("app"); repo.Policy.Source.File != "policies/app.json" {
		t.Errorf("repository policy from %s, want the first read", repo.Policy.Source)
	}
	_ = estate.DefaultRegion
}
