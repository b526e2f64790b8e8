package rules

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/ecrguard/ecrguard/analysis"
	"github.com/ecrguard/ecrguard/estate"
	"github.com/ecrguard/ecrguard/policy"
	"github.com/ecrguard/ecrguard/source/cloudformation"
	"github.com/ecrguard/ecrguard/source/terraform"
)

// twoRepos is a template of two public repositories: ProveEdits edits
// both policies in the one file.
var twoRepos = "Resources:\n" + publicRepoYAML("App", "app") + publicRepoYAML("Web", "web")

// publicRepoYAML is a CloudFormation repository resource whose policy lets
// anyone pull.
func publicRepoYAML(id, name string) string {
	return `  ` + id + `:
    Type: AWS::ECR::Repository
    Properties:
      RepositoryName: ` + name + `
      RepositoryPolicyText:
        Statement:
          - Sid: PublicPull
            Effect: Allow
            Principal: "*"
            Action: ecr:BatchGetImage
`
}

const (
	tmplName = "infra/repos.yaml"
	appARN   = "arn:aws:ecr:us-east-1:111122223333:repository/app"
	webARN   = "arn:aws:ecr:us-east-1:111122223333:repository/web"
)

// scanTemplate scans src as tmplName and proves its fixes as edits, after
// tamper changes what the template's reader said (nil: nothing).
func scanTemplate(t *testing.T, src string, tamper func(*estate.Estate)) *Result {
	t.Helper()
	load := func(overlay map[string][]byte) (*estate.Estate, error) {
		data := []byte(src)
		if o, ok := overlay[tmplName]; ok {
			data = o
		}
		return cloudformation.LoadTemplate(data, tmplName, cloudformation.Options{Account: "111122223333"})
	}
	est, err := load(nil)
	if err != nil {
		t.Fatal(err)
	}
	if tamper != nil {
		tamper(est)
	}
	s := analysis.Settings{}
	res := Run(est, s)
	res.ProveEdits(Inputs{
		ReadFile: func(name string) ([]byte, error) {
			if name != tmplName {
				return nil, errors.New("no such file")
			}
			return []byte(src), nil
		},
		Load: load, Settings: s,
	})
	return res
}

func fixOf(t *testing.T, res *Result, arn string) *FixFile {
	t.Helper()
	for i := range res.Fixes {
		if res.Fixes[i].Resource == arn {
			return &res.Fixes[i]
		}
	}
	t.Fatalf("no fix for %s", arn)
	return nil
}

// breakRender makes the Insert of repository name write text that is not
// YAML of a statement.
func breakRender(name, text string) func(*estate.Estate) {
	return func(e *estate.Estate) {
		for _, r := range e.Lookup("111122223333").Region("us-east-1").Repositories() {
			if r.Name == name {
				r.Policy.Insert.Render = func([]*policy.Statement) (string, error) { return text, nil }
			}
		}
	}
}

// addToRender makes the Insert of repository name write extra after the
// fix's statements.
func addToRender(name, extra string) func(*estate.Estate) {
	return func(e *estate.Estate) {
		for _, r := range e.Lookup("111122223333").Region("us-east-1").Repositories() {
			if r.Name == name {
				orig := r.Policy.Insert.Render
				r.Policy.Insert.Render = func(stmts []*policy.Statement) (string, error) {
					text, err := orig(stmts)
					return text + extra, err
				}
			}
		}
	}
}

// A proven edit: the fix's statements at the policy's place, a diff, no
// command, and findings that say so; --fix-dir writes the file with both
// edits at its path.
func TestProveEdits(t *testing.T) {
	res := scanTemplate(t, twoRepos, nil)
	for _, arn := range []string{appARN, webARN} {
		f := fixOf(t, res, arn)
		if f.Edit == nil || f.NoEdit != "" || f.Command != "" || !f.InFile() {
			t.Fatalf("%s: Edit %+v, NoEdit %q, Command %q", arn, f.Edit, f.NoEdit, f.Command)
		}
		if f.Edit.Path != tmplName || !strings.Contains(f.Edit.Diff, "+          - Sid: EcrguardDenyOutsideTrustZone\n") {
			t.Errorf("%s: edit %+v", arn, f.Edit)
		}
	}
	if f := fixOf(t, res, appARN); f.Edit.Line != 12 || f.Edit.Column != 1 {
		t.Errorf("app's edit at %d:%d, want 12:1", f.Edit.Line, f.Edit.Column)
	}
	for _, g := range res.Findings {
		if g.RuleID == "ECR001" && (!strings.Contains(g.Remediation, "The fix is an edit of infra/repos.yaml") || strings.Contains(g.Remediation, "set-repository-policy")) {
			t.Errorf("%s: remediation %q", g.Resource, g.Remediation)
		}
	}
	dir := t.TempDir()
	if err := res.WriteFixes(dir); err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile(filepath.Join(dir, "infra", "repos.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(string(got), "EcrguardDenyOutsideTrustZone"); n != 2 {
		t.Errorf("--fix-dir wrote %d guards, want 2:\n%s", n, got)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 1 {
		t.Errorf("--fix-dir wrote %d entries, want only infra/", len(entries))
	}
}

// An edit that breaks the file or leaves outsiders in is not offered, and
// says why; the other edit of the same file still is (proven alone).
func TestProveEditsFailing(t *testing.T) {
	for _, tc := range []struct {
		name   string
		tamper func(*estate.Estate)
		want   string
	}{
		{"a file that no longer reads", breakRender("app", "  ][: not yaml\n"), "ecrguard scanned the edited infra/repos.yaml again"},
		{"outsiders still in", breakRender("app", ""), "outsiders can still perform"},
		{"an outsider's statement", breakRender("app", "          - Sid: Extra\n            Effect: Allow\n            Principal: {AWS: arn:aws:iam::999988887777:root}\n            Action: ecr:BatchGetImage\n"), "outsiders can still perform"},
		{"a finding of its own", addToRender("app", "          - Sid: Extra\n            Effect: Allow\n            Principal: '*'\n            Action: ecr:PutImage\n            Condition: {StringEquals: {aws:PrincipalAccount: '111122223333'}}\n"), "it raises ECR002"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res := scanTemplate(t, twoRepos, tc.tamper)
			app := fixOf(t, res, appARN)
			if app.Edit != nil || !strings.Contains(app.NoEdit, tc.want) {
				t.Errorf("app: Edit %+v, NoEdit %q; want none, and %q", app.Edit, app.NoEdit, tc.want)
			}
			if web := fixOf(t, res, webARN); web.Edit == nil {
				t.Errorf("web: no edit: %s", web.NoEdit)
			}
			for _, g := range res.Findings {
				if g.Resource == appARN && g.RuleID == "ECR001" && !strings.Contains(g.Remediation, "ecrguard offers no edit of infra/repos.yaml") {
					t.Errorf("remediation %q", g.Remediation)
				}
			}
		})
	}
}

// Splice refuses a place outside the file; EditPath keeps --fix-dir's
// files inside it; place counts columns as SARIF does.
func TestSpliceAndPaths(t *testing.T) {
	ins := &estate.StatementInsert{File: "f", Offset: 10, Render: func([]*policy.Statement) (string, error) { return "x", nil }}
	if _, _, err := Splice([]byte("short"), ins, nil); err == nil {
		t.Error("Splice past the end: no error")
	}
	ins.Offset = 2
	if out, text, err := Splice([]byte("abcd"), ins, nil); err != nil || string(out) != "abxcd" || text != "x" {
		t.Errorf("Splice = %q, %q, %v", out, text, err)
	}
	for in, want := range map[string]string{
		"infra/main.yaml": "infra/main.yaml", "./infra/../t.json": "t.json",
		"../infra/t.yaml": "infra/t.yaml", "/src/infra/t.yaml": "src/infra/t.yaml", "..": "input",
	} {
		if got := EditPath(in); got != want {
			t.Errorf("EditPath(%q) = %q, want %q", in, got, want)
		}
	}
	if l, c := place([]byte("ab\n€𝄞x"), 3+3+4); l != 2 || c != 4 {
		t.Errorf("place = %d:%d, want 2:4 (€ one UTF-16 unit, 𝄞 two)", l, c)
	}
}

// ECR002 judges a statement alone, so it stays on a fixed policy; it then
// says that the policy's Deny statements (the fix's guards) keep outsiders
// out, not resource control policies the inputs do not have.
func TestECR002AfterTheFix(t *testing.T) {
	est := estate.New()
	repo := est.Account("111122223333").Region("us-east-1").Repository("app")
	doc, err := policy.Parse([]byte(`{"Version":"2012-10-17","Statement":[
		{"Sid":"TlsOnly","Effect":"Allow","Principal":"*","Action":"ecr:BatchGetImage","Condition":{"Bool":{"aws:SecureTransport":"true"}}},
		{"Sid":"EcrguardDenyOutsideTrustZone","Effect":"Deny","Principal":"*","Action":"ecr:*","Condition":{"StringNotEquals":{"aws:PrincipalAccount":"111122223333"},"BoolIfExists":{"aws:PrincipalIsAWSService":"false"}}}]}`), "app.json")
	if err != nil {
		t.Fatal(err)
	}
	repo.SetPolicy(&estate.Policy{Name: "app", Doc: doc, Source: doc.Pos})
	res := Run(est, analysis.Settings{})
	n := 0
	for _, f := range res.Findings {
		switch f.RuleID {
		case "ECR002":
			n++
			if !strings.Contains(f.Message, "only the policy's Deny statements") || strings.Contains(f.Message, "see the notes") {
				t.Errorf("ECR002 says %q", f.Message)
			}
		case "ECR001", "ECR003":
			t.Errorf("the guard leaves %s: %s", f.RuleID, f.Message)
		}
	}
	if n != 1 {
		t.Errorf("%d ECR002 findings, want 1", n)
	}
}

// sharedTF is a module whose two repositories read one policy file (with
// for_each): both fixes insert the same statements at the same place.
var sharedTF = map[string]string{
	"main.tf": `resource "aws_ecr_repository" "r" {
  for_each = toset(["app", "web"])
  name     = each.key
}

resource "aws_ecr_repository_policy" "r" {
  for_each   = aws_ecr_repository.r
  repository = each.value.name
  policy     = file("${path.module}/pull.json")
}
`,
	"pull.json": `{
  "Version": "2012-10-17",
  "Statement": [
    {"Sid": "PublicPull", "Effect": "Allow", "Principal": "*", "Action": "ecr:BatchGetImage"}
  ]
}
`,
}

// Policies that share their text (a file() or a local two resources read,
// count, for_each) share their edit: it is inserted once, proven once for
// both, offered to both, and --fix-dir writes the statements once. Before,
// the second fix was refused ("do not hold together"), though the one
// edit closes both.
func TestProveEditsSharedText(t *testing.T) {
	load := func(overlay map[string][]byte) (*estate.Estate, error) {
		fsys := fstest.MapFS{}
		for name, data := range sharedTF {
			fsys[name] = &fstest.MapFile{Data: []byte(data)}
		}
		for name, data := range overlay {
			fsys[name] = &fstest.MapFile{Data: data}
		}
		return terraform.LoadModule(fsys, ".", terraform.Options{Account: "111122223333"})
	}
	est, err := load(nil)
	if err != nil {
		t.Fatal(err)
	}
	s := analysis.Settings{}
	res := Run(est, s)
	res.ProveEdits(Inputs{
		ReadFile: func(name string) ([]byte, error) {
			data, ok := sharedTF[name]
			if !ok {
				return nil, errors.New("no such file")
			}
			return []byte(data), nil
		},
		Load: load, Settings: s,
	})
	for _, arn := range []string{appARN, webARN} {
		if f := fixOf(t, res, arn); f.Edit == nil || f.Edit.File != "pull.json" {
			t.Errorf("%s: Edit %+v, NoEdit %q", arn, f.Edit, f.NoEdit)
		}
	}
	dir := t.TempDir()
	if err := res.WriteFixes(dir); err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile(filepath.Join(dir, "pull.json"))
	if err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(string(got), "EcrguardDenyOutsideTrustZone"); n != 1 {
		t.Errorf("--fix-dir wrote %d guards, want 1:\n%s", n, got)
	}
}

// Two input files whose edits --fix-dir would write to one path (a file
// named from outside the current folder and one inside it) are an error,
// not one edit silently lost.
func TestWriteFixesPathCollision(t *testing.T) {
	render := func([]*policy.Statement) (string, error) { return "x", nil }
	fix := func(file string) FixFile {
		return FixFile{Resource: file, Edit: &Edit{File: file, Path: EditPath(file)},
			insert: &estate.StatementInsert{File: file, Offset: 1, Render: render}, source: []byte("ab")}
	}
	res := &Result{Fixes: []FixFile{fix("../infra/main.tf"), fix("infra/main.tf")}}
	err := res.WriteFixes(t.TempDir())
	if err == nil || !strings.Contains(err.Error(), "../infra/main.tf and infra/main.tf would both be written to") {
		t.Errorf("WriteFixes: %v", err)
	}
	one := &Result{Fixes: []FixFile{fix("infra/main.tf")}}
	dir := t.TempDir()
	if err := one.WriteFixes(dir); err != nil {
		t.Fatal(err)
	}
	if got, _ := os.ReadFile(filepath.Join(dir, "infra", "main.tf")); string(got) != "axb" {
		t.Errorf("wrote %q, want axb", got)
	}
}
