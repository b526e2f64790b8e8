package file

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"testing/fstest"
)

// A Reader's walks give every file once, in lexical order, whatever its
// kind; Read reads the file reader's own and returns the plans and
// templates, with their content, for their readers.
func TestWalkAndRead(t *testing.T) {
	raw := `{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": "*", "Action": "ecr:BatchGetImage"}]}`
	fsys := fstest.MapFS{
		"iac/main.tf":         {Data: []byte(`resource "aws_ecr_repository" "app" {}`)},
		"iac/stack.yaml":      {Data: []byte("Resources: {}\n")},
		"iac/main.tf.json":    {Data: []byte(`{"resource": {}}`)},
		"iac/plan.json":       {Data: []byte(`{"format_version": "1.2", "planned_values": {}}`)},
		"iac/template.json":   {Data: []byte(`{"AWSTemplateFormatVersion": "2010-09-09", "Resources": {}}`)},
		"iac/app.json":        {Data: []byte(raw)},
		"iac/.terraform/x.tf": {Data: []byte(``)},
		"iac/.ecrguard.yaml":  {Data: []byte(``)},
		"iac/README.md":       {Data: []byte(`# hi`)},
		"iac/sub/a.json":      {Data: []byte(raw)},
	}
	r := NewReader(context.Background(), Options{Account: "111122223333"})
	var walked, read []string
	// The second and third roots overlap the first: their files are not
	// given again.
	for _, root := range FSRoots(fsys, []string{"iac", "iac/stack.yaml", "iac/sub"}) {
		files, err := r.Walk(root)
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range files {
			walked = append(walked, fmt.Sprintf("%s rel=%s json=%v", f.Name, f.Rel, f.JSON()))
			if f.Path != f.Name || f.FS == nil {
				t.Errorf("%s: path %q, FS %v", f.Name, f.Path, f.FS)
			}
			if f.JSON() {
				kind, data := r.Read(f)
				read = append(read, fmt.Sprintf("%s %d %d", f.Name, kind, len(data)))
				// A second Read of a file reads nothing.
				if kind, data := r.Read(f); kind != Input || data != nil {
					t.Errorf("%s read twice: %d %q", f.Name, kind, data)
				}
			}
		}
	}
	wantWalked := []string{
		"iac/README.md rel=README.md json=false",
		"iac/app.json rel=app.json json=true",
		"iac/main.tf rel=main.tf json=false",
		"iac/main.tf.json rel=main.tf.json json=false",
		"iac/plan.json rel=plan.json json=true",
		"iac/stack.yaml rel=stack.yaml json=false",
		"iac/sub/a.json rel=sub/a.json json=true",
		"iac/template.json rel=template.json json=true",
	}
	if !slices.Equal(walked, wantWalked) {
		t.Errorf("walked\n%s\nwant\n%s", strings.Join(walked, "\n"), strings.Join(wantWalked, "\n"))
	}
	wantRead := []string{"iac/app.json 0 0", "iac/plan.json 1 47", "iac/sub/a.json 0 0", "iac/template.json 2 59"}
	if !slices.Equal(read, wantRead) {
		t.Errorf("read %q, want %q", read, wantRead)
	}
	e, err := r.Estate()
	if err != nil {
		t.Fatal(err)
	}
	if got := len(e.Lookup("111122223333").Region("").Repositories()); got != 2 {
		t.Errorf("%d repositories, want app and a", got)
	}
	var notes []string
	for _, n := range e.Notes {
		notes = append(notes, n.Source+": "+n.Message)
	}
	// Terraform's downloads are not walked, and a note says so; the rest
	// is the caller's to note.
	if len(notes) != 1 || !strings.HasPrefix(notes[0], "iac/.terraform: skipped: .terraform holds Terraform's downloaded modules and providers") {
		t.Errorf("notes %q, want one on iac/.terraform", notes)
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
	if want := []string{".ecr/app scan/.ecr/app.json", ".hidden scan/.hidden.json"}; !slices.Equal(repos, want) {
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
