package terraform

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/ecrguard/ecrguard/internal/iacdoc"
	"github.com/ecrguard/ecrguard/policy"
)

// docOf loads a module whose aws_ecr_repository_policy.app uses
// data.aws_iam_policy_document.doc, and returns the canonical document (or
// the gap's message).
func docOf(t *testing.T, tf string) string {
	t.Helper()
	est := load(t, map[string]string{"main.tf": tf + `
resource "aws_ecr_repository_policy" "app" {
  repository = "app"
  policy     = data.aws_iam_policy_document.doc.json
}
`}, Options{Account: acct})
	r := findRepo(t, est, acct, "app")
	if r.Policy == nil {
		var msgs []string
		for _, g := range est.Gaps {
			msgs = append(msgs, string(g.Code)+": "+g.Message)
		}
		return "GAP " + strings.Join(msgs, "; ")
	}
	return iacdoc.Canonical(r.Policy.Doc)
}

// The aws_iam_policy_document data source, as the AWS provider renders it
// (internal/service/iam/policy_document_data_source.go and
// policy_model.go in hashicorp/terraform-provider-aws).
func TestPolicyDocumentDataSource(t *testing.T) {
	tests := []struct {
		name, tf, want string
	}{
		{"defaults: Allow and 2012-10-17", `
data "aws_iam_policy_document" "doc" {
  statement {
    actions = ["ecr:BatchGetImage", "ecr:BatchGetImage"]
    principals {
      type        = "AWS"
      identifiers = ["111122223333"]
    }
  }
}`, "Version 2012-10-17\nStatement \"\" Allow\n  Principal AWS:[111122223333]\n  Action [ecr:BatchGetImage]\n"},
		{`type "*" with identifiers ["*"] renders as "Principal": "*"`, `
data "aws_iam_policy_document" "doc" {
  statement {
    actions = ["ecr:*"]
    principals {
      type        = "*"
      identifiers = ["*"]
    }
  }
}`, "Version 2012-10-17\nStatement \"\" Allow\n  Principal *\n  Action [ecr:*]\n"},
		{`identical principals blocks of type "*" are one (principals is a set): "Principal": "*"`, `
data "aws_iam_policy_document" "doc" {
  statement {
    actions = ["ecr:*"]
    principals {
      type        = "*"
      identifiers = ["*"]
    }
    principals {
      type        = "*"
      identifiers = ["*", "*"]
    }
  }
}`, "Version 2012-10-17\nStatement \"\" Allow\n  Principal *\n  Action [ecr:*]\n"},
		{"principals blocks of one type share a list", `
data "aws_iam_policy_document" "doc" {
  statement {
    actions = ["ecr:*"]
    principals {
      type        = "AWS"
      identifiers = ["arn:aws:iam::111122223333:root"]
    }
    principals {
      type        = "Service"
      identifiers = ["codebuild.amazonaws.com"]
    }
    principals {
      type        = "AWS"
      identifiers = ["arn:aws:iam::444455556666:root"]
    }
  }
}`, "Version 2012-10-17\nStatement \"\" Allow\n  Principal AWS:[arn:aws:iam::111122223333:root] AWS:[arn:aws:iam::444455556666:root] Service:[codebuild.amazonaws.com]\n  Action [ecr:*]\n"},
		{"condition blocks with the same test and variable OR their values", `
data "aws_iam_policy_document" "doc" {
  statement {
    actions = ["ecr:*"]
    principals {
      type        = "AWS"
      identifiers = ["*"]
    }
    condition {
      test     = "StringEquals"
      variable = "aws:PrincipalAccount"
      values   = ["111122223333"]
    }
    condition {
      test     = "StringEquals"
      variable = "aws:PrincipalAccount"
      values   = ["444455556666"]
    }
    condition {
      test     = "Bool"
      variable = "aws:SecureTransport"
      values   = [true]
    }
  }
}`, "Version 2012-10-17\nStatement \"\" Allow\n  Principal AWS:[*]\n  Action [ecr:*]\n  Condition Bool aws:securetransport [true]\n  Condition StringEquals aws:principalaccount [111122223333 444455556666]\n"},
		{"&{ is the escape for policy variables", `
data "aws_iam_policy_document" "doc" {
  statement {
    actions   = ["ecr:*"]
    resources = ["arn:aws:ecr:*:*:repository/&{aws:username}/*"]
    principals {
      type        = "AWS"
      identifiers = ["*"]
    }
  }
}`, "Version 2012-10-17\nStatement \"\" Allow\n  Principal AWS:[*]\n  Action [ecr:*]\n  Resource [arn:aws:ecr:*:*:repository/${aws:username}/*]\n"},
		{"source documents, then statements, then overrides, merged by Sid", `
data "aws_iam_policy_document" "src" {
  statement {
    sid     = "A"
    actions = ["ecr:ListImages"]
    principals {
      type        = "AWS"
      identifiers = ["*"]
    }
  }
  statement {
    sid     = "B"
    actions = ["ecr:DescribeImages"]
    principals {
      type        = "AWS"
      identifiers = ["*"]
    }
  }
}
data "aws_iam_policy_document" "doc" {
  source_policy_documents = [data.aws_iam_policy_document.src.json]
  override_policy_documents = [jsonencode({
    Version   = "2012-10-17"
    Statement = [
      { Sid = "B", Effect = "Deny", Principal = "*", Action = "ecr:*" },
      { Effect = "Allow", Principal = "*", Action = "ecr:GetAuthorizationToken" },
    ]
  })]
  statement {
    sid     = "A"
    actions = ["ecr:BatchGetImage"]
    principals {
      type        = "AWS"
      identifiers = ["arn:aws:iam::111122223333:root"]
    }
  }
  statement {
    actions = ["ecr:PutImage"]
    principals {
      type        = "AWS"
      identifiers = ["arn:aws:iam::111122223333:root"]
    }
  }
}`, "Version 2012-10-17\n" +
			"Statement \"A\" Allow\n  Principal AWS:[arn:aws:iam::111122223333:root]\n  Action [ecr:BatchGetImage]\n" +
			"Statement \"B\" Deny\n  Principal *\n  Action [ecr:*]\n" +
			"Statement \"\" Allow\n  Principal AWS:[arn:aws:iam::111122223333:root]\n  Action [ecr:PutImage]\n" +
			"Statement \"\" Allow\n  Principal *\n  Action [ecr:GetAuthorizationToken]\n"},
		{"dynamic statement blocks", `
locals {
  grants = { Pull = "ecr:BatchGetImage", Push = "ecr:PutImage" }
}
data "aws_iam_policy_document" "doc" {
  dynamic "statement" {
    for_each = local.grants
    content {
      sid     = statement.key
      actions = [statement.value]
      principals {
        type        = "AWS"
        identifiers = ["arn:aws:iam::111122223333:root"]
      }
    }
  }
}`, "Version 2012-10-17\nStatement \"Pull\" Allow\n  Principal AWS:[arn:aws:iam::111122223333:root]\n  Action [ecr:BatchGetImage]\nStatement \"Push\" Allow\n  Principal AWS:[arn:aws:iam::111122223333:root]\n  Action [ecr:PutImage]\n"},
		{"version and policy_id", `
data "aws_iam_policy_document" "doc" {
  version   = "2008-10-17"
  policy_id = "pid"
  statement {
    effect      = "Deny"
    not_actions = ["ecr:BatchGetImage"]
    not_principals {
      type        = "AWS"
      identifiers = ["arn:aws:iam::111122223333:root"]
    }
  }
}`, "Version 2008-10-17\nId pid\nStatement \"\" Deny\n  NotPrincipal AWS:[arn:aws:iam::111122223333:root]\n  NotAction [ecr:BatchGetImage]\n"},
		{"two statement blocks with one sid are an error", `
data "aws_iam_policy_document" "doc" {
  statement {
    sid     = "Same"
    actions = ["ecr:*"]
  }
  statement {
    sid     = "Same"
    actions = ["ecr:*"]
  }
}`, `GAP parse-error: policy of aws_ecr_repository_policy.app is not a valid policy document: duplicate sid "Same": two statement blocks have it; the provider rejects the document`},
		{"an unknown dynamic for_each makes the document unknown", `
variable "grants" {}
data "aws_iam_policy_document" "doc" {
  dynamic "statement" {
    for_each = var.grants
    content {
      actions = [statement.value]
    }
  }
}`, "GAP unknown-until-apply: policy of aws_ecr_repository_policy.app is not known until apply (unknown: the statements of data.aws_iam_policy_document.doc (a dynamic block's for_each)); it is not assessed"},
		{"unknown identifiers of a * principal", `
variable "who" {}
data "aws_iam_policy_document" "doc" {
  statement {
    actions = ["ecr:*"]
    principals {
      type        = "*"
      identifiers = [var.who]
    }
  }
}`, "Version 2012-10-17\nStatement \"\" Allow\n  Principal AWS:[<unknown var.who>]\n  Action [ecr:*]\n"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := docOf(t, tc.tf); got != tc.want {
				t.Errorf("got\n%s\nwant\n%s", got, tc.want)
			}
		})
	}
}

// TestRenderJSONStrings: a string jsonencode renders reads back as the
// same string, with <, > and & as written (policy text keeps them).
func TestRenderJSONStrings(t *testing.T) {
	for _, s := range []string{"", `a"b\c`, "x\n\r\t\x01\x7f", "<&>", "\u2028é", "${x}"} {
		got := renderJSON(iacdoc.Str(s, policy.Pos{}))
		var back string
		if err := json.Unmarshal([]byte(got), &back); err != nil || back != s {
			t.Errorf("%q renders as %s, which reads back as %q (%v)", s, got, back, err)
		}
		if strings.ContainsAny(s, "<&>") && got != `"`+s+`"` {
			t.Errorf("%q renders as %s", s, got)
		}
	}
	// As encoding/json writes them (a finding's fingerprint holds the
	// text): short escapes where JSON has them, \u for the rest of the
	// control characters and for U+2028 and U+2029.
	for s, want := range map[string]string{"\b\f\x01": `"\b\f\u0001"`, "a\u2028b\u2029": `"a\u2028b\u2029"`} {
		if got := renderJSON(iacdoc.Str(s, policy.Pos{})); got != want {
			t.Errorf("%q renders as %s, want %s", s, got, want)
		}
	}
}

// The statements of source_policy_documents and override_policy_documents
// are read by the provider with encoding/json into its own statement type
// and written back (policy_model.go in hashicorp/terraform-provider-aws:
// iamPolicyStatementPrincipalSet and iamPolicyStatementConditionSet
// UnmarshalJSON; checked against the provider v5.100.0): what it drops or
// rewrites is not what is deployed.
func TestPolicyDocumentMergedAsProviderReads(t *testing.T) {
	tests := []struct {
		name, doc, want string
	}{
		{"a principal written as a string is *", `{ Sid = "S", Effect = "Allow", Principal = "arn:aws:iam::444455556666:root", Action = "ecr:BatchGetImage" }`,
			"Statement \"S\" Allow\n  Principal *\n  Action [ecr:BatchGetImage]\n"},
		{`{"*": "*"} is *`, `{ Effect = "Allow", Principal = { "*" = ["*"] }, Action = "ecr:BatchGetImage" }`,
			"Statement \"\" Allow\n  Principal *\n  Action [ecr:BatchGetImage]\n"},
		{"a condition value that is a number or null is dropped", `{ Effect = "Allow", Principal = "*", Action = "ecr:BatchGetImage",
      Condition = {
        StringEquals = { "aws:PrincipalAccount" = 111122223333, "aws:PrincipalOrgID" = null }
        Bool         = { "aws:SecureTransport" = true }
      } }`,
			"Statement \"\" Allow\n  Principal *\n  Action [ecr:BatchGetImage]\n  Condition Bool aws:securetransport [true]\n"},
		{"a condition left with no value is dropped", `{ Effect = "Deny", Principal = "*", Action = "ecr:*",
      Condition = { NumericLessThan = { "aws:MultiFactorAuthAge" = 3600 } } }`,
			"Statement \"\" Deny\n  Principal *\n  Action [ecr:*]\n"},
		{"element names in any letter case, others dropped", `{ sid = "S", EFFECT = "Allow", principal = "*", Action = "ecr:BatchGetImage",
      Conditions = { StringEquals = { "aws:PrincipalAccount" = "111122223333" } } }`,
			"Statement \"S\" Allow\n  Principal *\n  Action [ecr:BatchGetImage]\n"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := docOf(t, `
data "aws_iam_policy_document" "doc" {
  override_policy_documents = [jsonencode({
    Statement = [`+tc.doc+`]
  })]
}`)
			if want := "Version 2012-10-17\n" + tc.want; got != want {
				t.Errorf("got\n%s\nwant\n%s", got, want)
			}
		})
	}
}
