package file

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"testing/fstest"
)

// Options.Other is offered every file that is not the file reader's, once,
// with the content of the JSON ones; a file it declines is noted, a file it
// takes is neither read nor noted.
func TestOther(t *testing.T) {
	raw := `{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": "*", "Action": "ecr:BatchGetImage"}]}`
	fsys := fstest.MapFS{
		"iac/main.tf":          {Data: []byte(`resource "aws_ecr_repository" "app" {}`)},
		"iac/prod.tfvars":      {Data: []byte(`x = 1`)},
		"iac/stack.yaml":       {Data: []byte("Resources: {}\n")},
		"iac/k8s.yml":          {Data: []byte("kind: Pod\n")},
		"iac/main.tf.json":     {Data: []byte(`{"resource": {}}`)},
		"iac/plan.json":        {Data: []byte(`{"format_version": "1.2", "planned_values": {}}`)},
		"iac/template.json":    {Data: []byte(`{"AWSTemplateFormatVersion": "2010-09-09", "Resources": {}}`)},
		"iac/app.json":         {Data: []byte(raw)},
		"iac/.terraform/x.tf":  {Data: []byte(``)},
		"iac/README.md":        {Data: []byte(`# hi`)},
		"iac/sub/terraform.tf": {Data: []byte(``)},
	}
	var offered []string
	other := func(f OtherFile) bool {
		offered = append(offered, fmt.Sprintf("%s %d %d", f.Name, f.Kind, len(f.Data)))
		if f.Path != f.Name || f.FS == nil {
			t.Errorf("%s: path %q, FS %v", f.Name, f.Path, f.FS)
		}
		return !strings.HasSuffix(f.Name, ".yml") && !strings.HasSuffix(f.Name, ".md")
	}
	// The second root overlaps the first: each file is offered once.
	e, err := Load(context.Background(), fsys, []string{"iac", "iac/stack.yaml", "iac/plan.json"}, Options{Account: "111122223333", Other: other})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{
		"iac/README.md 0 0",
		"iac/k8s.yml 0 0",
		"iac/main.tf 0 0",
		"iac/main.tf.json 0 0",
		"iac/plan.json 1 47",
		"iac/prod.tfvars 0 0",
		"iac/stack.yaml 0 0",
		"iac/sub/terraform.tf 0 0",
		"iac/template.json 2 59",
	}
	slices.Sort(offered)
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
	wantNote := "iac: skipped 2 file(s) that are not inputs ecrguard reads (README.md, k8s.yml)"
	if len(notes) != 1 || !strings.HasPrefix(notes[0], wantNote) {
		t.Errorf("notes %q, want one starting %q", notes, wantNote)
	}
}
