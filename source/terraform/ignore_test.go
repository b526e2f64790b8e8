package terraform

import (
	"testing"

	"github.com/ecrguard/ecrguard/estate"
)

// The comment's position, and the lines it covers: the construct on its
// line (after code) or on the next line of code (alone on its line).
func TestInlineIgnores(t *testing.T) {
	src := `resource "aws_ecr_repository" "app" { # ecrguard:ignore ECR005 no tags here
  name = "app"
}

# ecrguard:ignore ECR001 public base images
// a second comment between the ignore and the block
resource "aws_ecr_repository_policy" "app" {
  repository = "app"
  policy = jsonencode({
    Statement = [
      {
        Sid = "Public"
      },
      # ecrguard:ignore ECR003 partner, contract 42
      {
        Sid = "Partner"
        Principal = { AWS = "arn:aws:iam::444455556666:root" }
      },
      { Sid = "Inline" }, // ecrguard:ignore ECR002 one line
    ]
  })
}

resource "aws_ecr_repository_policy" "doc" {
  # ecrguard:ignore ECR004
  policy = <<EOF
{"Statement": []}
EOF
}
# ecrguard:ignoreECR001 not a directive
# ecrguard:ignore
`
	got := load(t, map[string]string{"main.tf": src}, Options{Account: acct}).Ignores
	want := []estate.Ignore{
		{Rule: "ECR005", Reason: "no tags here", From: 1, To: 3},
		{Rule: "ECR001", Reason: "public base images", From: 7, To: 22},
		{Rule: "ECR003", Reason: "partner, contract 42", From: 15, To: 18},
		{Rule: "ECR002", Reason: "one line", From: 19, To: 19},
		{Rule: "ECR004", Reason: "", From: 26, To: 28},
		{Rule: "", Reason: "", From: 31, To: 31},
	}
	lines := []int{1, 5, 14, 19, 25, 31}
	if len(got) != len(want) {
		t.Fatalf("got %d ignores, want %d: %+v", len(got), len(want), got)
	}
	for i, w := range want {
		g := got[i]
		if g.Rule != w.Rule || g.Reason != w.Reason || g.From != w.From || g.To != w.To || g.File != "main.tf" || g.Pos.File != "main.tf" || g.Pos.Line != lines[i] {
			t.Errorf("ignore %d: got %+v, want %+v at line %d", i, g, w, lines[i])
		}
	}
}

// A .tf.json file has no comments: nothing is read from it.
func TestInlineIgnoresJSON(t *testing.T) {
	src := `{"resource": {"aws_ecr_repository": {"app": {"name": "app", "//": "ecrguard:ignore ECR005 x"}}}}`
	if got := load(t, map[string]string{"main.tf.json": src}, Options{Account: acct}).Ignores; len(got) != 0 {
		t.Errorf("got %+v, want none", got)
	}
}
