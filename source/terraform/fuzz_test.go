package terraform

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"
	"time"
)

// FuzzLoadModule feeds one .tf file (beside a policy file and a template it
// may read) to LoadModule: it must return an estate or an error, never
// panic (a recovered panic is an internal-error gap, which fails here too)
// and never hang.
//
//	go test -run='^$' -fuzz=FuzzLoadModule -fuzztime=5m ./source/terraform/
func FuzzLoadModule(f *testing.F) {
	seeds, _ := filepath.Glob("../../testdata/iac/terraform/*.tf")
	for _, s := range seeds {
		data, err := os.ReadFile(s)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	for _, s := range []string{
		repoTF,
		// Inline ignores: above a block, after code, in a list, unclosed.
		"# ecrguard:ignore ECR001 r\nresource \"aws_ecr_repository\" \"r\" { # ecrguard:ignore ECR005\n  tags = [{ a = \"${x}\" }, # ecrguard:ignore\n]\n}\n// ecrguard:ignore ECR002 x\n/* ecrguard:ignore ECR003 y */ locals { a = (\n",
		`variable "x" { default = { a = ["b"] } }
locals { y = [for k, v in var.x : "${k}-${v[0]}"] }
resource "aws_ecr_repository" "r" {
  for_each = toset(local.y)
  name     = each.key
}`,
		`resource "aws_ecr_repository_policy" "p" {
  repository = "r"
  policy     = templatefile("t.tpl", { who = var.who })
}
variable "who" {}`,
		`data "aws_iam_policy_document" "d" {
  source_policy_documents = [file("p.json")]
  dynamic "statement" {
    for_each = { a = 1 }
    content {
      sid     = statement.key
      actions = ["ecr:*"]
      condition {
        test     = "StringLike"
        variable = "aws:PrincipalArn"
        values   = ["&{aws:username}"]
      }
    }
  }
}
resource "aws_ecr_registry_policy" "r" { policy = data.aws_iam_policy_document.d.json }`,
		`module "m" {
  source = "./"
}
output "o" { value = module.m.o }`,
		// A module that calls itself twice per level, and reads its
		// instances' outputs: bounded by the module instances' budget.
		`module "m" {
  source = "./"
  count  = 2
  n      = count.index
}
variable "n" { default = 0 }
output "o" { value = [for i in module.m : i.o] }
resource "aws_ecr_repository" "r" {
  for_each = { a = 1 }
  name     = "r-${var.n}-${each.key}"
}`,
		// An RCP on the root, a creation template, ECR Public.
		`resource "aws_organizations_organization" "org" {}
resource "aws_organizations_policy" "p" {
  type    = "RESOURCE_CONTROL_POLICY"
  content = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Deny", Principal = "*", Action = "ecr:*", Resource = "*" }] })
}
resource "aws_organizations_policy_attachment" "a" {
  policy_id = aws_organizations_policy.p.id
  target_id = aws_organizations_organization.org.roots[0].id
}
resource "aws_ecr_repository_creation_template" "t" {
  prefix            = var.prefix
  applied_for       = ["PULL_THROUGH_CACHE", var.use]
  repository_policy = file("p.json")
}
resource "aws_ecrpublic_repository" "r" { repository_name = "tools" }
resource "aws_ecrpublic_repository_policy" "r" {
  repository_name = aws_ecrpublic_repository.r.id
  policy          = file("p.json")
}
variable "prefix" {}
variable "use" {}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		fsys := fstest.MapFS{
			"main.tf": {Data: data},
			"p.json":  {Data: []byte(`{"Version": "2012-10-17", "Statement": [{"Sid": "A", "Effect": "Allow", "Principal": "*", "Action": "ecr:*"}]}`)},
			"t.tpl":   {Data: []byte(`{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"AWS": "${who}"}, "Action": "ecr:*"}]}`)},
		}
		start := time.Now()
		est, err := LoadModule(fsys, ".", Options{Account: acct})
		if d := time.Since(start); d > 10*time.Second {
			t.Fatalf("LoadModule took %s", d)
		}
		if err != nil {
			if !strings.HasPrefix(err.Error(), "main.tf:") && !strings.Contains(err.Error(), ".tf") {
				t.Errorf("error without a position: %v", err)
			}
			return
		}
		for _, g := range est.Gaps {
			if g.Code == "internal-error" {
				t.Fatalf("recovered panic: %s", g.Message)
			}
		}
	})
}

// FuzzLoadPlan feeds plan JSON to LoadPlan.
func FuzzLoadPlan(f *testing.F) {
	data, err := os.ReadFile("../../testdata/iac/plan/plan.json")
	if err != nil {
		f.Fatal(err)
	}
	f.Add(data)
	f.Add([]byte(`{"format_version": "1.2", "planned_values": {"root_module": {"resources": [{"address": "aws_ecr_repository_policy.p", "mode": "managed", "type": "aws_ecr_repository_policy", "name": "p", "values": {"repository": "r", "policy": "{}"}}]}}}`))
	f.Add([]byte(newResourcesPlan))
	f.Fuzz(func(t *testing.T, data []byte) {
		est, err := LoadPlan(data, "plan.json", Options{})
		if err != nil {
			return
		}
		for _, g := range est.Gaps {
			if g.Code == "internal-error" {
				t.Fatalf("recovered panic: %s", g.Message)
			}
		}
	})
}

// FuzzLoadModuleJSON feeds one .tf.json file to LoadModule: an estate or
// an error with a position, never a panic.
//
//	go test -run='^$' -fuzz=FuzzLoadModuleJSON -fuzztime=5m ./source/terraform/
func FuzzLoadModuleJSON(f *testing.F) {
	for _, s := range []string{
		cdkJSON,
		`{"data": {"aws_iam_policy_document": {"d": {"dynamic": {"statement": {"for_each": "${[1]}", "content": [{"actions": ["ecr:*"]}]}}}}}}`,
		`{"variable": {"v": {"type": "map(string)", "default": {"a": "${x}"}}}, "locals": [{"a": "${var.v}"}, {"b": null}]}`,
		`{"module": {"m": {"source": "./", "providers": {"aws": "aws.x"}}}, "provider": {"aws": {"alias": "x", "default_tags": [{"tags": {"a": "b"}}]}}}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		start := time.Now()
		est, err := LoadModule(fstest.MapFS{"main.tf.json": {Data: data}}, ".", Options{Account: acct})
		if d := time.Since(start); d > 10*time.Second {
			t.Fatalf("LoadModule took %s", d)
		}
		if err != nil {
			if !strings.Contains(err.Error(), "main.tf.json") {
				t.Errorf("error without a position: %v", err)
			}
			return
		}
		for _, g := range est.Gaps {
			if g.Code == "internal-error" {
				t.Fatalf("recovered panic: %s", g.Message)
			}
		}
	})
}
