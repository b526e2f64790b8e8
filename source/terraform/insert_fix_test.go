package terraform_test

import (
	"slices"
	"testing"
	"testing/fstest"

	"github.com/ecrguard/ecrguard/analysis"
	"github.com/ecrguard/ecrguard/policy"
	"github.com/ecrguard/ecrguard/source/terraform"
)

// The statements exposure.ProposeFix adds to a public repository's policy,
// written where the policy's Insert says in each form, close it: read and
// analysed again, outsiders can do nothing and no fix is proposed. The
// configuration names no account, so the guards name the owner as
// ${aws:ResourceAccount}, which HCL templates must escape.
func TestInsertedFixCloses(t *testing.T) {
	const stmtJSON = `{"Sid": "Public", "Effect": "Allow", "Principal": "*", "Action": ["ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"]}`
	policyTF := func(arg string) string {
		return "resource \"aws_ecr_repository\" \"app\" {\n  name = \"app\"\n}\n\nresource \"aws_ecr_repository_policy\" \"app\" {\n  repository = aws_ecr_repository.app.name\n  policy     = " + arg + "\n}\n"
	}
	settings := analysis.Settings{TrustedOrgIDs: []string{"o-a1b2c3d4e5"}}
	for _, tc := range []struct {
		name   string
		files  map[string]string
		edited string
	}{
		{"jsonencode", map[string]string{"main.tf": policyTF(`jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Sid       = "Public"
        Effect    = "Allow"
        Principal = "*"
        Action    = ["ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"]
      }
    ]
  })`)}, "main.tf"},
		{"heredoc", map[string]string{"main.tf": policyTF("<<-EOF\n    {\n      \"Version\": \"2012-10-17\",\n      \"Statement\": [\n        " + stmtJSON + "\n      ]\n    }\n  EOF")}, "main.tf"},
		{"policy_document", map[string]string{"main.tf": policyTF("data.aws_iam_policy_document.app.json") + `
data "aws_iam_policy_document" "app" {
  statement {
    sid = "Public"
    principals {
      type        = "*"
      identifiers = ["*"]
    }
    actions = ["ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"]
  }
}
`}, "main.tf"},
		{"file", map[string]string{"main.tf": policyTF(`file("app.json")`), "app.json": `{"Version": "2012-10-17", "Statement": [` + stmtJSON + `]}`}, "app.json"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			x := exposureOf(t, tc.files, settings)
			if x.Fix == nil || !x.Fix.Proven() {
				t.Fatalf("no proven fix: %+v", x.Fix)
			}
			var added []*policy.Statement
			for _, s := range x.Fix.Doc.Statements {
				if slices.Contains(x.Fix.Added, s.Sid) {
					added = append(added, s)
				}
			}
			ins := x.Policy.Insert
			if ins == nil || ins.File != tc.edited {
				t.Fatalf("Insert = %+v, want one in %s", ins, tc.edited)
			}
			text, err := ins.Render(added)
			if err != nil {
				t.Fatal(err)
			}
			src := tc.files[tc.edited]
			files := map[string]string{}
			for k, v := range tc.files {
				files[k] = v
			}
			files[tc.edited] = src[:ins.Offset] + text + src[ins.Offset:]
			after := exposureOf(t, files, settings)
			if after.Fix != nil || !after.Outsiders().Empty() {
				t.Errorf("after the edit outsiders can still %v\n%s", after.Outsiders(), files[tc.edited])
			}
		})
	}
}

// exposureOf reads a module and analyses it, returning the exposure of its
// one repository policy; the module must read without a gap.
func exposureOf(t *testing.T, files map[string]string, s analysis.Settings) *analysis.ExposureItem {
	t.Helper()
	fsys := fstest.MapFS{}
	for name, src := range files {
		fsys[name] = &fstest.MapFile{Data: []byte(src)}
	}
	est, err := terraform.LoadModule(fsys, ".", terraform.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(est.Gaps) > 0 {
		t.Fatalf("gaps: %v", est.Gaps)
	}
	a := analysis.Analyze(est, s)
	if len(a.Exposure) != 1 || a.Exposure[0].Policy == nil {
		t.Fatalf("want one repository policy, got %d exposures", len(a.Exposure))
	}
	return a.Exposure[0]
}
