package file

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"testing/fstest"
)

// Options.Other is offered every file once the way its doc says: files that
// are not JSON first, then JSON files before they are read, then plans and
// templates with their content. A file it declines is noted or read; a
// file it takes is neither read nor noted.
func TestOther(t *testing.T) {
	raw := `{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": "*", "Action": "ecr:BatchGetImage"}]}`
	fsys := fstest.MapFS{
		"iac/main.tf":                         {Data: []byte(`resource "aws_ecr_repository" "app" {}`)},
		"iac/prod.tfvars":                     {Data: []byte(`x = 1`)},
		"iac/stack.yaml":                      {Data: []byte("Resources: {}\n")},
		"iac/k8s.yml":                         {Data: []byte("kind: Pod\n")},
		"iac/main.tf.json":                    {Data: []byte(`{"resource": {}}`)},
		"iac/plan.json":                       {Data: []byte(`{"format_version": "1.2", "planned_values": {}}`)},
		"iac/template.json":                   {Data: []byte(`{"AWSTemplateFormatVersion": "2010-09-09", "Resources": {}}`)},
		"iac/app.json":                        {Data: []byte(raw)},
		"iac/policies/used-by-terraform.json": {Data: []byte(raw)},
		"iac/.terraform/x.tf":                 {Data: []byte(``)},
		"iac/README.md":                       {Data: []byte(`# hi`)},
		"iac/sub/terraform.tf":                {Data: []byte(``)},
	}
	var offered []string
	jsonSeen := false
	other := func(f OtherFile) bool {
		offered = append(offered, fmt.Sprintf("%s %d %d", f.Name, f.Kind, len(f.Data)))
		if f.Path != f.Name || f.FS == nil {
			t.Errorf("%s: path %q, FS %v", f.Name, f.Path, f.FS)
		}
		switch f.Kind {
		case NotJSON:
			if jsonSeen {
				t.Errorf("%s offered after a JSON file", f.Name)
			}
			return !strings.HasSuffix(f.Name, ".yml") && !strings.HasSuffix(f.Name, ".md")
		case JSON:
			jsonSeen = true
			return f.Name == "iac/policies/used-by-terraform.json"
		}
		return true
	}
	// The second root overlaps the first: each file is offered once.
	e, err := Load(context.Background(), fsys, []string{"iac", "iac/stack.yaml", "iac/plan.json"}, Options{Account: "111122223333", Other: other})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{
		// Every file that is not JSON, as the walk finds it.
		"iac/README.md 0 0",
		"iac/k8s.yml 0 0",
		"iac/main.tf 0 0",
		"iac/main.tf.json 0 0",
		"iac/prod.tfvars 0 0",
		"iac/stack.yaml 0 0",
		"iac/sub/terraform.tf 0 0",
		// Then each JSON file before it is read, and again with its
		// content when it is a plan or a template.
		"iac/app.json 1 0",
		"iac/plan.json 1 0",
		"iac/plan.json 2 47",
		"iac/policies/used-by-terraform.json 1 0",
		"iac/template.json 1 0",
		"iac/template.json 3 59",
	}
	if !slices.Equal(offered, want) {
		t.Errorf("offered\n%s\nwant\n%s", strings.Join(offered, "\n"), strings.Join(want, "\n"))
	}
	if got := len(e.Lookup("111122223333").Region("").Repositories()); got != 1 {
		t.Errorf("%d repositories, want app only", got)
	}
	var notes []string
	for _, n := range e.Notes {
		notes = append(notes, n.Source+": "+n.Message)
	}
	wantNotes := []string{
		// Terraform's downloads are not read, and a note says so.
		"iac/.terraform: skipped: .terraform holds Terraform's downloaded modules and providers",
		"iac: skipped 2 file(s) that are not inputs ecrguard reads (README.md, k8s.yml)",
	}
	if len(notes) != len(wantNotes) {
		t.Fatalf("notes %q, want %q", notes, wantNotes)
	}
	for i, w := range wantNotes {
		if !strings.HasPrefix(notes[i], w) {
			t.Errorf("note %q, want one starting %q", notes[i], w)
		}
	}
}

// Hidden files and folders are inputs like any other; version control
// folders are skipped quietly, tools' folders with a note, and the config
// file is not an input.
func TestHidden(t *testing.T) {
	raw := `{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": "*", "Action": "ecr:BatchGetImage"}]}`
	fsys := fstest.MapFS{
		"scan/.ecr/app.json":           {Data: []byte(raw)},
		"scan/.hidden.json":            {Data: []byte(raw)},
		"scan/.git/objects/x.json":     {Data: []byte(raw)},
		"scan/.ecrguard.yaml":          {Data: []byte("account: \"111122223333\"\n")},
		"scan/node_modules/p/pkg.json": {Data: []byte(raw)},
		"scan/.vscode/settings.json":   {Data: []byte(raw)},
	}
	e, err := Load(context.Background(), fsys, []string{"scan"}, Options{Account: "111122223333"})
	if err != nil {
		t.Fatal(err)
	}
	var repos []string
	for _, r := range e.Lookup("111122223333").Region("").Repositories() {
		repos = append(repos, r.Name+" "+r.Policy.Source.File)
	}
	if want := []string{".hidden scan/.hidden.json", "app scan/.ecr/app.json"}; !slices.Equal(repos, want) {
		t.Errorf("repositories %q, want %q", repos, want)
	}
	var notes []string
	for _, n := range e.Notes {
		notes = append(notes, n.Source)
	}
	if want := []string{"scan/.vscode", "scan/node_modules"}; !slices.Equal(notes, want) {
		t.Errorf("notes on %q, want %q (%v)", notes, want, e.Notes)
	}
	if len(e.Gaps) != 0 {
		t.Errorf("gaps %v", e.Gaps)
	}
}
