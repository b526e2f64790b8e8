package terraform

import (
	"errors"
	"fmt"
	"os"
	"slices"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/ecrguard/ecrguard/estate"
	"github.com/ecrguard/ecrguard/internal/iacdoc"
	"github.com/ecrguard/ecrguard/internal/iacdoc/iacdoctest"
	"github.com/ecrguard/ecrguard/internal/testgc"
	"github.com/ecrguard/ecrguard/policy"
)

func init() { testgc.Raise() }

const acct = "111122223333"

// mapFS is a file system of files, by name.
func mapFS(files map[string]string) fstest.MapFS {
	fsys := fstest.MapFS{}
	for name, src := range files {
		fsys[name] = &fstest.MapFile{Data: []byte(src)}
	}
	return fsys
}

// load reads a one-directory module given as file name → contents.
func load(t *testing.T, files map[string]string, opts Options) *estate.Estate {
	t.Helper()
	est, err := LoadModule(mapFS(files), ".", opts)
	if err != nil {
		t.Fatal(err)
	}
	return est
}

func findRepo(t *testing.T, est *estate.Estate, account, name string) *estate.Repository {
	t.Helper()
	a := est.Lookup(account)
	if a == nil {
		t.Fatalf("no account %q", account)
	}
	for _, r := range a.Regions() {
		for _, repo := range r.Repositories() {
			if repo.Name == name {
				return repo
			}
		}
	}
	var names []string
	for _, r := range a.Regions() {
		for _, repo := range r.Repositories() {
			names = append(names, r.Name+"/"+repo.Name)
		}
	}
	t.Fatalf("no repository %q (have %v)", name, names)
	return nil
}

func hasGap(est *estate.Estate, code estate.GapCode, substr string) bool {
	for _, g := range est.Gaps {
		if g.Code == code && strings.Contains(g.Message, substr) {
			return true
		}
	}
	return false
}

func hasNote(est *estate.Estate, substr string) bool {
	for _, n := range est.Notes {
		if strings.Contains(n.Message, substr) {
			return true
		}
	}
	return false
}

const repoTF = `
resource "aws_ecr_repository" "app" {
  name = "app"
}
`

// Unknown values stay unknown, with a Text that says where they come from;
// the evaluator takes them at their worst (Unknown is not safe). A
// principal ARN whose account alone is unknown names one account: the ARN
// with the expression standing for the account (AccountUnknown).
func TestUnknownValues(t *testing.T) {
	tests := []struct {
		name   string
		policy string
		want   string // the unknown principal's Text
	}{
		{"variable without default", `data.aws_iam_policy_document.p.json`, "var.partner"},
		{"interpolation in jsonencode", `jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = { AWS = "arn:aws:iam::${var.partner}:root" }
      Action    = "ecr:BatchGetImage"
    }]
  })`, "arn:aws:iam::<var.partner>:root"},
		{"interpolation in a heredoc string", `<<EOF
{"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
  "Principal": {"AWS": "arn:aws:iam::${var.partner}:root"}, "Action": "ecr:BatchGetImage"}]}
EOF`, "arn:aws:iam::<var.partner>:root"},
		{"interpolation as a whole JSON value", `<<EOF
{"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
  "Principal": ${jsonencode(var.principal)}, "Action": "ecr:BatchGetImage"}]}
EOF`, "${jsonencode(var.principal)}"},
		// The partition is known (aws): the account alone is unknown, as
		// without it. (The ARN was taken as anyone.)
		{"interpolation in jsonencode with the partition", `jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Principal = { AWS = "arn:${data.aws_partition.current.partition}:iam::${var.partner}:root" }, Action = "ecr:BatchGetImage" }]
  })`, "arn:aws:iam::<var.partner>:root"},
		{"caller identity without an account", `jsonencode({
    Version = "2012-10-17"
    Statement = [{ Effect = "Allow", Principal = { AWS = data.aws_caller_identity.me.arn }, Action = "ecr:BatchGetImage" }]
  })`, "data.aws_caller_identity.me.arn"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			est := load(t, map[string]string{"main.tf": repoTF + `
variable "partner" { type = string }
variable "principal" {}
data "aws_caller_identity" "me" {}
data "aws_partition" "current" {}
data "aws_iam_policy_document" "p" {
  statement {
    actions = ["ecr:BatchGetImage"]
    principals {
      type        = "AWS"
      identifiers = [var.partner]
    }
  }
}
resource "aws_ecr_repository_policy" "app" {
  repository = aws_ecr_repository.app.name
  policy     = ` + tc.policy + `
}
`}, Options{Account: acct})
			r := findRepo(t, est, acct, "app")
			if r.PolicyState != estate.HasPolicy {
				t.Fatalf("policy state %d, gaps %v", r.PolicyState, est.Gaps)
			}
			ps := iacdoctest.Principals(r.Policy.Doc.Statements[0])
			oneAccount := strings.Contains(tc.want, "<")
			if len(ps) != 1 || ps[0].Unknown == oneAccount || ps[0].AccountUnknown != oneAccount || ps[0].Text != tc.want {
				t.Errorf("principal %+v, want %q (an unknown account: %v)", ps, tc.want, oneAccount)
			}
			if !ps[0].Pos.IsValid() {
				t.Errorf("unknown principal has no position")
			}
		})
	}
}

// A policy that is wholly unknown is a gap, and the repository's policy is
// Unread: never "no policy".
func TestWhollyUnknownPolicy(t *testing.T) {
	for _, tc := range []struct{ name, expr string }{
		{"variable", "var.policy"},
		{"unsupported function", `sha256("x")`},
		{"statement list", `jsonencode({ Version = "2012-10-17", Statement = var.statements })`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			est := load(t, map[string]string{"main.tf": repoTF + `
variable "policy" {}
variable "statements" {}
resource "aws_ecr_repository_policy" "app" {
  repository = aws_ecr_repository.app.name
  policy     = ` + tc.expr + `
}
`}, Options{Account: acct})
			r := findRepo(t, est, acct, "app")
			if r.PolicyState != estate.Unread || r.Policy != nil {
				t.Errorf("policy state %d, want Unread", r.PolicyState)
			}
			if !hasGap(est, estate.GapUnknownUntilApply, "aws_ecr_repository_policy.app is not known until apply") {
				t.Errorf("no gap for the unknown policy: %v", est.Gaps)
			}
			for _, g := range est.Gaps {
				if g.Code == estate.GapUnknownUntilApply && (g.Resource != "arn:aws:ecr:us-east-1:111122223333:repository/app" || g.Pos.Line != 10) {
					t.Errorf("gap %+v: want the repository ARN and line 10 (the policy argument)", g)
				}
			}
		})
	}
}

func TestInvalidPolicyIsAGap(t *testing.T) {
	est := load(t, map[string]string{"main.tf": repoTF + `
resource "aws_ecr_repository_policy" "app" {
  repository = aws_ecr_repository.app.name
  policy     = <<EOF
{"Version": "2012-10-17",
 "Statement": [{"Effect": "Allow", "Principal": "*", "Action": "ecr:*",}]}
EOF
}
`}, Options{Account: acct})
	r := findRepo(t, est, acct, "app")
	if r.PolicyState != estate.Unread {
		t.Errorf("state %d, want Unread", r.PolicyState)
	}
	if len(est.Gaps) != 1 || est.Gaps[0].Code != estate.GapParseError || est.Gaps[0].Pos.Line != 10 {
		t.Errorf("gaps %v, want one parse error on line 10", est.Gaps)
	}
	// docs/rules: ECR011 names each problem of the policy.
	if len(est.Gaps) == 1 && (len(est.Gaps[0].Problems) != 1 || est.Gaps[0].Problems[0].Pos.Line != 10) {
		t.Errorf("problems %v, want the syntax error on line 10", est.Gaps[0].Problems)
	}
}

// A resource type one or two letters off one ecrguard reads is a gap at
// its block, once however many instances it has: terraform validate
// refuses it ("did you mean", as Terraform's own message says), and a
// scan must not say "no findings" for the policy it was meant to set. So
// is an AWS Cloud Control resource of ECR or IAM, which ecrguard does not
// read. Types that set no policy ecrguard judges are not gaps.
func TestUnreadResourceTypeIsAGap(t *testing.T) {
	est := load(t, map[string]string{"main.tf": repoTF + `
resource "aws_ecr_repositry_policy" "app" {
  count      = 2
  repository = aws_ecr_repository.app.name
  policy     = "{}"
}
resource "aws_iam_rol" "r" {
  name = "r"
}
resource "awscc_ecr_repository" "x" {
  repository_name = "x"
}
resource "aws_s3_bucket" "b" {
  bucket = "b"
}
resource "aws_ecr_lifecycle_policy" "l" {
  repository = aws_ecr_repository.app.name
  policy     = "{}"
}
`}, Options{Account: acct})
	got := iacdoctest.Gaps(t, est, estate.GapInvalidInput, estate.GapUnsupported)
	want := []string{
		`6: the AWS provider defines no resource type "aws_ecr_repositry_policy" (terraform validate refuses it), so this block is not assessed; did you mean "aws_ecr_repository_policy"?`,
		`11: the AWS provider defines no resource type "aws_iam_rol" (terraform validate refuses it), so this block is not assessed; did you mean "aws_iam_role"?`,
		`14: ecrguard does not read the AWS Cloud Control provider's awscc_ecr_repository; what this block sets is not assessed (the aws provider's resources are read)`,
	}
	if !slices.Equal(got, want) {
		t.Errorf("gaps:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// A file that does not parse stops Terraform reading its whole module: the
// error says so, since the other files (main.tf) read as assessed when
// only the broken one was named.
func TestBrokenFileNamesItsModule(t *testing.T) {
	fsys := fstest.MapFS{
		"main.tf":   &fstest.MapFile{Data: []byte(repoTF)},
		"broken.tf": &fstest.MapFile{Data: []byte("resource \"aws_ecr_repository_policy\" \"p\" {\n")},
	}
	_, err := LoadModule(fsys, ".", Options{Account: acct})
	var pe *policy.Error
	if !errors.As(err, &pe) || pe.Pos.File != "broken.tf" || !strings.HasSuffix(pe.Msg, "nesting elsewhere in this file; Terraform reads a module's files together, so nothing in . is assessed (1 file beside this one)") {
		t.Errorf("error %v, want broken.tf's, saying the module is not read", err)
	}
}

func TestUnknownEffectIsAllow(t *testing.T) {
	est := load(t, map[string]string{"main.tf": repoTF + `
variable "effect" {}
resource "aws_ecr_repository_policy" "app" {
  repository = "app"
  policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = var.effect, Principal = "*", Action = "ecr:*" }]
  })
}
`}, Options{Account: acct})
	s := findRepo(t, est, acct, "app").Policy.Doc.Statements[0]
	if s.Effect != policy.Allow {
		t.Errorf("effect %s, want Allow (the worst case)", s.Effect)
	}
	if !hasNote(est, "Effect (var.effect) is not known until deployment; read as Allow") {
		t.Errorf("no note: %v", est.Notes)
	}
}

func TestVariables(t *testing.T) {
	files := map[string]string{
		"main.tf": `
variable "name" { default = "from-default" }
variable "tfvars" { default = "x" }
variable "auto" { default = "x" }
variable "file" { default = "x" }
variable "list" {
  type    = list(string)
  default = []
}
resource "aws_ecr_repository" "a" { name = var.name }
resource "aws_ecr_repository" "b" { name = var.tfvars }
resource "aws_ecr_repository" "c" { name = var.auto }
resource "aws_ecr_repository" "d" { name = var.file }
resource "aws_ecr_repository" "e" { name = join("-", var.list) }
`,
		"terraform.tfvars":    `tfvars = "from-tfvars"` + "\n" + `file = "overridden"`,
		"prod.auto.tfvars":    `auto = "from-auto"`,
		"env/prod.tfvars":     `file = "from-var-file"`,
		"ignored/other.tfvar": `name = "no"`,
	}
	est := load(t, files, Options{Account: acct, Vars: map[string]string{"list": `["x", "y"]`}, VarFiles: []string{"env/prod.tfvars"}})
	for _, n := range []string{"from-default", "from-tfvars", "from-auto", "from-var-file", "x-y"} {
		findRepo(t, est, acct, n)
	}
	est = load(t, files, Options{Account: acct, Vars: map[string]string{"name": "from-cli"}})
	findRepo(t, est, acct, "from-cli")
}

func TestCountAndForEach(t *testing.T) {
	est := load(t, map[string]string{"main.tf": `
locals {
  repos = toset(["api", "web"])
}
resource "aws_ecr_repository" "r" {
  for_each = local.repos
  name     = "team/${each.key}"
}
resource "aws_ecr_repository" "n" {
  count = 2
  name  = "n${count.index}"
}
resource "aws_ecr_repository_policy" "r" {
  for_each   = aws_ecr_repository.r
  repository = each.value.name
  policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Sid = "Pull${each.key}", Effect = "Allow", Principal = "*", Action = "ecr:BatchGetImage" }]
  })
}
resource "aws_ecr_repository_policy" "n1" {
  repository = aws_ecr_repository.n[1].name
  policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Principal = { AWS = aws_ecr_repository.n[0].registry_id }, Action = "ecr:BatchGetImage" }]
  })
}
`}, Options{Account: acct})
	for _, n := range []string{"api", "web"} {
		r := findRepo(t, est, acct, "team/"+n)
		if r.Policy == nil || r.Policy.Doc.Statements[0].Sid != "Pull"+n || r.Policy.Name != `aws_ecr_repository_policy.r["`+n+`"]` {
			t.Errorf("team/%s: %+v", n, r.Policy)
		}
	}
	findRepo(t, est, acct, "n0")
	r := findRepo(t, est, acct, "n1")
	if p := iacdoctest.Principals(r.Policy.Doc.Statements[0]); len(p) != 1 || p[0].Text != acct || p[0].Unknown {
		t.Errorf("principal %+v, want the account (registry_id)", p)
	}
	// A document of a data source with for_each, picked by each.key: its
	// statements keep their lines (they were the reference's, line 8).
	est = load(t, map[string]string{"main.tf": `resource "aws_ecr_repository" "r" {
  for_each = toset(["a"])
  name     = each.key
}
resource "aws_ecr_repository_policy" "r" {
  for_each   = aws_ecr_repository.r
  repository = each.value.name
  policy     = data.aws_iam_policy_document.p[each.key].json
}
data "aws_iam_policy_document" "p" {
  for_each = toset(["a"])
  statement {
    actions = ["ecr:BatchGetImage"]
    principals {
      type        = "AWS"
      identifiers = ["*"]
    }
  }
}
`}, Options{Account: acct})
	if r := findRepo(t, est, acct, "a"); r.Policy == nil || len(r.Policy.Doc.Statements) == 0 || r.Policy.Doc.Statements[0].Pos.Line != 12 {
		t.Errorf("the statement of a's policy: %+v, want it at line 12", r.Policy)
	}
}

func TestChildModules(t *testing.T) {
	est := load(t, map[string]string{
		"main.tf": `
module "repos" {
  source  = "./modules/repo"
  name    = "payments"
  readers = ["arn:aws:iam::444455556666:root"]
}
module "remote" {
  source = "terraform-aws-modules/ecr/aws"
}
resource "aws_ecr_repository_policy" "extra" {
  repository = module.repos.name
  policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Principal = "*", Action = "ecr:BatchGetImage" }]
  })
}
`,
		"modules/repo/main.tf": `
variable "name" {}
variable "readers" { type = list(string) }
resource "aws_ecr_repository" "this" { name = var.name }
data "aws_iam_policy_document" "read" {
  statement {
    actions = ["ecr:BatchGetImage"]
    principals {
      type        = "AWS"
      identifiers = var.readers
    }
  }
}
resource "aws_ecr_repository_policy" "this" {
  repository = aws_ecr_repository.this.name
  policy     = data.aws_iam_policy_document.read.json
}
output "name" { value = aws_ecr_repository.this.name }
`,
	}, Options{Account: acct})
	r := findRepo(t, est, acct, "payments")
	if r.Source.File != "modules/repo/main.tf" {
		t.Errorf("repository defined at %s", r.Source)
	}
	// The later policy (by address) wins, and a note says two set it.
	if r.Policy == nil || r.Policy.Name != "module.repos.aws_ecr_repository_policy.this" {
		t.Fatalf("policy %+v", r.Policy)
	}
	s := r.Policy.Doc.Statements[0]
	if s.Pos.String() != "modules/repo/main.tf:6:3" {
		t.Errorf("statement at %s", s.Pos)
	}
	if p := iacdoctest.Principals(s); len(p) != 1 || p[0].Text != "arn:aws:iam::444455556666:root" {
		t.Errorf("principals %+v", p)
	}
	if !hasNote(est, "both set the policy of repository payments") {
		t.Errorf("notes %v", est.Notes)
	}
	if !hasGap(est, estate.GapUnsupported, `module "remote" comes from "terraform-aws-modules/ecr/aws"`) {
		t.Errorf("gaps %v", est.Gaps)
	}
}

func TestLinking(t *testing.T) {
	est := load(t, map[string]string{"main.tf": `
variable "repo_name" {}
resource "aws_ecr_repository" "unknown" { name = var.repo_name }
resource "aws_ecr_repository_policy" "unknown" {
  repository = aws_ecr_repository.unknown.name
  policy = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Principal = "*", Action = "ecr:*" }] })
}
resource "aws_ecr_repository_policy" "elsewhere" {
  repository = "defined-elsewhere"
  policy = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Principal = "*", Action = "ecr:*" }] })
}
`}, Options{Account: acct})
	// A name not known until apply: the repository is reported under the
	// expression that gives it, and the policy linked to it by reference.
	r := findRepo(t, est, acct, "<aws_ecr_repository.unknown.name>")
	if r.Policy == nil || r.Policy.Name != "aws_ecr_repository_policy.unknown" {
		t.Errorf("policy %+v", r.Policy)
	}
	// A repository the module does not define is created by name.
	r = findRepo(t, est, acct, "defined-elsewhere")
	if r.PolicyState != estate.HasPolicy || r.Source.Line != 8 {
		t.Errorf("defined-elsewhere: %+v", r)
	}
}

func TestProviderRegionsAndAccount(t *testing.T) {
	est := load(t, map[string]string{"main.tf": `
provider "aws" {
  region              = "eu-west-1"
  allowed_account_ids = ["222233334444"]
}
provider "aws" {
  alias  = "west"
  region = "us-west-2"
}
resource "aws_ecr_repository" "a" { name = "a" }
resource "aws_ecr_repository" "b" {
  provider = aws.west
  name     = "b"
}
`}, Options{})
	a := est.Lookup("222233334444")
	if a == nil {
		t.Fatalf("account from allowed_account_ids not used: %v", est.Accounts())
	}
	if got := findRepo(t, est, "222233334444", "a").ARN; got != "arn:aws:ecr:eu-west-1:222233334444:repository/a" {
		t.Errorf("a: %s", got)
	}
	if got := findRepo(t, est, "222233334444", "b").Region; got != "us-west-2" {
		t.Errorf("b in %s", got)
	}
}

// TestCreationTemplateAndRegistry reads aws_ecr_repository_creation_template
// into the template of its prefix (ECR User Guide, "Repository creation
// templates"): its policy, applied_for and position.
func TestCreationTemplateAndRegistry(t *testing.T) {
	est := load(t, map[string]string{"main.tf": `
resource "aws_ecr_repository_creation_template" "prod" {
  prefix      = "prod"
  applied_for = ["PULL_THROUGH_CACHE", "CREATE_ON_PUSH"]
  repository_policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Sid = "Public", Effect = "Allow", Principal = "*", Action = "ecr:BatchGetImage" }]
  })
}
resource "aws_ecr_repository_creation_template" "root" {
  prefix      = "ROOT"
  applied_for = ["REPLICATION"]
}
variable "prefix" {}
resource "aws_ecr_repository_creation_template" "unknown" {
  prefix      = var.prefix
  applied_for = ["PULL_THROUGH_CACHE"]
}
resource "aws_ecr_account_setting" "scope" {
  name  = "REGISTRY_POLICY_SCOPE"
  value = "V1"
}
`}, Options{Account: acct})
	reg := est.Account(acct).Region("us-east-1")
	if len(reg.Repositories()) != 0 {
		t.Errorf("templates read as repositories: %v", reg.Repositories())
	}
	prod := reg.Template("prod")
	if prod.Policy == nil || prod.Policy.Doc.Statements[0].Sid != "Public" || prod.Policy.Doc.Statements[0].Pos.String() != "main.tf:7:18" {
		t.Errorf("template prod policy %+v", prod.Policy)
	}
	if strings.Join(prod.AppliedFor, ",") != "CREATE_ON_PUSH,PULL_THROUGH_CACHE" || prod.Source.String() != "main.tf:2:1" || prod.ARN != "arn:aws:ecr:us-east-1:111122223333:repository-creation-template/prod" {
		t.Errorf("template prod: appliedFor %v at %s, %s", prod.AppliedFor, prod.Source, prod.ARN)
	}
	if root := reg.Template(estate.RootPrefix); root.PolicyState != estate.NoPolicy {
		t.Errorf("ROOT template state %d", root.PolicyState)
	}
	if u := reg.Template("<aws_ecr_repository_creation_template.unknown.prefix>"); !u.Source.IsValid() || !hasNote(est, "the prefix of aws_ecr_repository_creation_template.unknown (var.prefix) is not known until apply") {
		t.Errorf("template of an unknown prefix: %+v, notes %v", u, est.Notes)
	}
	if s := reg.Registry.Scope; s != "V1" {
		t.Errorf("scope %q", s)
	}
	// A scope AWS refuses ("v1", the ECR API Reference, PutAccountSetting:
	// V1 or V2) was taken as it was written, and the registry judged under
	// V2's allows and V1's denies at once.
	est = load(t, map[string]string{"main.tf": `
resource "aws_ecr_account_setting" "scope" {
  name  = "REGISTRY_POLICY_SCOPE"
  value = "v1"
}
`}, Options{Account: acct})
	if s := est.Account(acct).Region("us-east-1").Registry.Scope; s != "" || len(est.Gaps) != 1 || est.Gaps[0].Code != estate.GapInvalidInput || est.Gaps[0].Pos.String() != "main.tf:4:3" {
		t.Errorf("scope %q, gaps %v", s, est.Gaps)
	}
}

// TestPublicRepositories reads aws_ecrpublic_repository and
// aws_ecrpublic_repository_policy, linked by name or by reference: tools
// is the one of the scanned module testdata/iac/terraform.
func TestPublicRepositories(t *testing.T) {
	publicTF, err := os.ReadFile("../../testdata/iac/terraform/public.tf")
	if err != nil {
		t.Fatal(err)
	}
	est := load(t, map[string]string{"public.tf": string(publicTF), "main.tf": `
resource "aws_ecrpublic_repository" "site" {
  repository_name = "site"
}
variable "name" {}
resource "aws_ecrpublic_repository" "later" {
  repository_name = var.name
}
resource "aws_ecrpublic_repository_policy" "later" {
  repository_name = aws_ecrpublic_repository.later.id
  policy          = "{\"Statement\": [{\"Effect\": \"Allow\", \"Principal\": \"*\", \"Action\": \"ecr-public:*\"}]}"
}
`}, Options{Account: acct})
	a := est.Account(acct)
	got := map[string]*estate.PublicRepository{}
	for _, p := range a.Public {
		got[p.Name] = p
	}
	if len(got) != 3 || len(est.Gaps) != 0 {
		t.Fatalf("public repositories %v, gaps %v", got, est.Gaps)
	}
	tools := got["tools"]
	if tools.PolicyState != estate.HasPolicy || tools.Policy.Doc.Statements[0].Pos.String() != "public.tf:13:7" || tools.Source.String() != "public.tf:4:1" || tools.ARN != "arn:aws:ecr-public::111122223333:repository/tools" {
		t.Errorf("tools: %+v", tools)
	}
	if got["site"].PolicyState != estate.NoPolicy {
		t.Errorf("site: state %d, want no policy (defined without one)", got["site"].PolicyState)
	}
	if later := got["<aws_ecrpublic_repository.later.repository_name>"]; later == nil || later.PolicyState != estate.HasPolicy {
		t.Errorf("the repository of an unknown name, linked by reference: %+v", later)
	}
}

func TestIAM(t *testing.T) {
	est := load(t, map[string]string{"main.tf": `
resource "aws_iam_policy" "boundary" {
  name   = "boundary"
  path   = "/limits/"
  policy = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Action = "ecr:*", Resource = "*" }] })
}
resource "aws_iam_role" "ci" {
  name                 = "ci"
  path                 = "/build/"
  assume_role_policy   = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Principal = { Service = "codebuild.amazonaws.com" }, Action = "sts:AssumeRole" }] })
  managed_policy_arns  = ["arn:aws:iam::aws:policy/AmazonEC2ContainerRegistryPowerUser"]
  permissions_boundary = aws_iam_policy.boundary.arn
}
resource "aws_iam_role_policy" "ci" {
  role   = aws_iam_role.ci.id
  name   = "push"
  policy = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Action = "ecr:PutImage", Resource = "*" }] })
}
resource "aws_iam_user" "dev" { name = "dev" }
resource "aws_iam_group" "devs" { name = "devs" }
resource "aws_iam_user_group_membership" "dev" {
  user   = aws_iam_user.dev.name
  groups = [aws_iam_group.devs.name]
}
resource "aws_iam_group_policy" "devs" {
  group  = aws_iam_group.devs.name
  policy = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Action = "ecr:DeleteRepository", Resource = "*" }] })
}
resource "aws_iam_user_policy_attachment" "dev" {
  user       = aws_iam_user.dev.name
  policy_arn = "arn:aws:iam::aws:policy/AmazonEC2ContainerRegistryReadOnly"
}
resource "aws_iam_policy_attachment" "all" {
  name       = "all"
  roles      = [aws_iam_role.ci.name, "existing-role"]
  groups     = [aws_iam_group.devs.name]
  policy_arn = aws_iam_policy.boundary.arn
}
variable "who" {}
resource "aws_iam_user_policy" "unknown" {
  user   = var.who
  policy = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Action = "ecr:*", Resource = "*" }] })
}
`}, Options{Account: acct})
	a := est.Account(acct)
	iam := a.IAM
	groups, policies := iam.Index()
	var ci, existing *estate.Role
	for _, r := range iam.Roles {
		switch r.Name {
		case "ci":
			ci = r
		case "existing-role":
			existing = r
		}
	}
	if ci == nil || existing == nil {
		t.Fatalf("roles %+v", iam.Roles)
	}
	if ci.ARN != "arn:aws:iam::111122223333:role/build/ci" || ci.Boundary != "arn:aws:iam::111122223333:policy/limits/boundary" {
		t.Errorf("ci: %+v", ci)
	}
	if len(ci.Inline) != 1 || len(ci.Attached) != 2 || ci.Trust == nil {
		t.Errorf("ci policies: inline %d attached %v trust %v", len(ci.Inline), ci.Attached, ci.Trust)
	}
	if len(existing.Attached) != 1 || !hasNote(est, "role existing-role is not defined in this configuration") {
		t.Errorf("existing-role %+v", existing)
	}
	if policies["arn:aws:iam::111122223333:policy/limits/boundary"] == nil {
		t.Errorf("managed policy missing: %v", policies)
	}
	devs := groups["devs"]
	if devs == nil || len(devs.Inline) != 1 || len(devs.Attached) != 1 {
		t.Errorf("devs %+v", devs)
	}
	if len(iam.Users) != 1 || len(iam.Users[0].Groups) != 1 || iam.Users[0].Groups[0] != "devs" || len(iam.Users[0].Attached) != 1 {
		t.Errorf("users %+v", iam.Users[0])
	}
	if len(a.Detached) != 1 {
		t.Errorf("a policy attached to an unknown user should be detached: %v", a.Detached)
	}
}

func TestSCPs(t *testing.T) {
	est := load(t, map[string]string{"main.tf": `
resource "aws_organizations_organization" "org" {}
resource "aws_organizations_organizational_unit" "ou" {
  name      = "workloads"
  parent_id = aws_organizations_organization.org.roots[0].id
}
resource "aws_organizations_policy" "deny_delete" {
  name    = "deny-delete"
  content = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Deny", Action = "ecr:DeleteRepository", Resource = "*" }] })
}
resource "aws_organizations_policy_attachment" "root" {
  policy_id = aws_organizations_policy.deny_delete.id
  target_id = aws_organizations_organization.org.roots[0].id
}
resource "aws_organizations_policy_attachment" "ou" {
  policy_id = aws_organizations_policy.deny_delete.id
  target_id = aws_organizations_organizational_unit.ou.id
}
resource "aws_organizations_policy_attachment" "account" {
  policy_id = aws_organizations_policy.deny_delete.id
  target_id = "111122223333"
}
`}, Options{Account: acct})
	a := est.Account(acct)
	if !a.SCPsKnown || len(a.SCPs) != 2 {
		t.Fatalf("SCPs %v (known %v)", a.SCPs, a.SCPsKnown)
	}
	d := a.SCPs[0].Doc
	if len(d.Statements) != 2 || d.Statements[0].Effect != policy.Deny || d.Statements[1].Action[0].Text != "*" {
		t.Errorf("SCP level: %s", iacdoc.Canonical(d))
	}
	if !hasNote(est, "an organizational unit, which the configuration does not show to be above the scanned account; not applied") {
		t.Errorf("notes %v", est.Notes)
	}
	if a.RCPsKnown {
		t.Errorf("RCPs read from a configuration of SCPs only")
	}
}

// TestRCPs: an aws_organizations_policy of type RESOURCE_CONTROL_POLICY
// attached to the account or the root is a level each, as written (only
// its Deny statements matter: Organizations User Guide, "RCP syntax");
// one on another account or of an unknown type is not applied.
func TestRCPs(t *testing.T) {
	est := load(t, map[string]string{"main.tf": `
resource "aws_organizations_organization" "org" {}
resource "aws_organizations_policy" "perimeter" {
  name    = "identity-perimeter"
  type    = "RESOURCE_CONTROL_POLICY"
  content = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Sid       = "EnforceOrgIdentities"
      Effect    = "Deny"
      Principal = "*"
      Action    = "ecr:*"
      Resource  = "*"
      Condition = { StringNotEqualsIfExists = { "aws:PrincipalOrgID" = "o-exampleorgid" }, BoolIfExists = { "aws:PrincipalIsAWSService" = "false" } }
    }]
  })
}
resource "aws_organizations_policy_attachment" "root" {
  policy_id = aws_organizations_policy.perimeter.id
  target_id = aws_organizations_organization.org.roots[0].id
}
resource "aws_organizations_policy_attachment" "account" {
  policy_id = aws_organizations_policy.perimeter.id
  target_id = "111122223333"
}
resource "aws_organizations_policy_attachment" "other" {
  policy_id = aws_organizations_policy.perimeter.id
  target_id = "444455556666"
}
variable "type" {}
resource "aws_organizations_policy" "unknown" {
  name    = "unknown"
  type    = var.type
  content = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Deny", Principal = "*", Action = "ecr:*", Resource = "*" }] })
}
resource "aws_organizations_policy_attachment" "unknown" {
  policy_id = aws_organizations_policy.unknown.id
  target_id = "111122223333"
}
`}, Options{Account: acct})
	a := est.Account(acct)
	if !a.RCPsKnown || len(a.RCPs) != 2 || a.SCPsKnown {
		t.Fatalf("RCPs %v (known %v), SCPs known %v", a.RCPs, a.RCPsKnown, a.SCPsKnown)
	}
	for _, p := range a.RCPs {
		if len(p.Doc.Statements) != 1 || p.Doc.Statements[0].Sid != "EnforceOrgIdentities" || p.Doc.Statements[0].Pos.Line != 8 {
			t.Errorf("RCP level %s: %s at %s", p.Name, iacdoc.Canonical(p.Doc), p.Doc.Statements[0].Pos)
		}
	}
	if !hasNote(est, "attaches RCP aws_organizations_policy.perimeter to 444455556666, which is not the scanned account or the organization root; not applied") {
		t.Errorf("notes %v", est.Notes)
	}
	if !hasNote(est, "whose type (var.type) is not known until apply; not applied") {
		t.Errorf("notes %v", est.Notes)
	}
}

func TestUnsupportedFunctionIsUnknown(t *testing.T) {
	est := load(t, map[string]string{"main.tf": repoTF + `
resource "aws_ecr_repository_policy" "app" {
  repository = "app"
  policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Principal = { AWS = cidrhost("10.0.0.0/8", 1) }, Action = "ecr:*" }]
  })
}
`}, Options{Account: acct})
	p := iacdoctest.Principals(findRepo(t, est, acct, "app").Policy.Doc.Statements[0])
	if len(p) != 1 || !p[0].Unknown || p[0].Text != `cidrhost("10.0.0.0/8", 1)` {
		t.Errorf("principal %+v", p)
	}
	if !hasNote(est, "does not evaluate the function cidrhost()") {
		t.Errorf("notes %v", est.Notes)
	}
}

func TestFunctions(t *testing.T) {
	est := load(t, map[string]string{
		"main.tf": `
locals {
  names = ["a", "b"]
  m     = { x = "y" }
}
resource "aws_ecr_repository" "r1" { name = replace("a-b-c", "/-[a-z]$/", "") }
resource "aws_ecr_repository" "r2" { name = "${length(local.names)}-${one(["x"])}-${index(local.names, "b")}" }
resource "aws_ecr_repository" "r3" { name = tostring(alltrue([true, startswith("abc", "a")])) }
resource "aws_ecr_repository" "r4" { name = fileexists("${path.module}/p.json") ? "exists" : "missing" }
resource "aws_ecr_repository" "r5" { name = try(local.m.nope, "fallback") }
resource "aws_ecr_repository" "r6" { name = jsondecode(file("p.json")).Name }
resource "aws_ecr_repository" "r7" { name = upper(format("%s-%d", lookup(local.m, "x", "z"), 7)) }
resource "aws_ecr_repository" "r8" { name = strcontains("abc", "z") ? "no" : "contains" }
`,
		"p.json": `{"Name": "from-json"}`,
	}, Options{Account: acct})
	for _, n := range []string{"a-b", "2-x-1", "true", "exists", "fallback", "from-json", "Y-7", "contains"} {
		findRepo(t, est, acct, n)
	}
}

func TestParseErrorNamesTheLine(t *testing.T) {
	fsys := fstest.MapFS{"main.tf": &fstest.MapFile{Data: []byte("resource \"aws_ecr_repository\" \"a\" {\n  name = \n}\n")}}
	_, err := LoadModule(fsys, ".", Options{})
	if err == nil || !strings.HasPrefix(err.Error(), "main.tf:2:") {
		t.Errorf("error %v, want one at main.tf:2", err)
	}
	// The position is data, not only text: callers report it as such.
	var pe *policy.Error
	if !errors.As(err, &pe) || pe.Pos.File != "main.tf" || pe.Pos.Line != 2 || pe.Pos.Col == 0 {
		t.Errorf("error %#v, want a *policy.Error at main.tf:2", err)
	}
}

func TestPlanErrorsNameTheLine(t *testing.T) {
	for _, tc := range []struct{ name, src, want string }{
		{"syntax", "{\"format_version\": \"1.2\",\n \"planned_values\": }", "p.json:2:20"},
		{"not an object", "[1]", "p.json:1:1"},
		{"wrong type", "{\"format_version\": \"1.2\",\n \"planned_values\": 3}", "p.json:2:20"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := LoadPlan([]byte(tc.src), "p.json", Options{})
			var pe *policy.Error
			if !errors.As(err, &pe) || pe.Pos.String() != tc.want {
				t.Errorf("error %v, want a *policy.Error at %s", err, tc.want)
			}
		})
	}
}

func TestFindModules(t *testing.T) {
	fsys := fstest.MapFS{
		"envs/prod/main.tf":              {Data: []byte(`module "x" { source = "../../modules/x" }`)},
		"envs/dev/main.tf":               {Data: []byte(``)},
		"modules/x/main.tf":              {Data: []byte(``)},
		"modules/unused/main.tf":         {Data: []byte(``)},
		"envs/prod/.terraform/m/main.tf": {Data: []byte(``)},
		"docs/readme.md":                 {Data: []byte(``)},
	}
	got := strings.Join(FindModules(fsys, []string{"."}), " ")
	if want := "envs/dev envs/prod modules/unused"; got != want {
		t.Errorf("FindModules = %q, want %q", got, want)
	}
	// The directories a walk found, repeats and all.
	got = strings.Join(RootModules(fsys, []string{"modules/x", "envs/prod", "modules/x/", "envs/dev"}), " ")
	if want := "envs/dev envs/prod"; got != want {
		t.Errorf("RootModules = %q, want %q", got, want)
	}
}

func TestIsPlanJSON(t *testing.T) {
	for in, want := range map[string]bool{
		`{"format_version": "1.2", "planned_values": {}}`:   true,
		`{"format_version": "1.2", "resource_changes": []}`: true,
		`{"format_version": "1.0", "values": {}}`:           false,
		`{"Version": "2012-10-17", "Statement": []}`:        false,
		`[1, 2]`:                               false,
		`resource "aws_ecr_repository" "a" {}`: false,
		`{"format_version": "1.2", "planned_values": {}, "x": }`: false,
	} {
		if got := IsPlanJSON([]byte(in)); got != want {
			t.Errorf("IsPlanJSON(%s) = %v, want %v", in, got, want)
		}
	}
}

// An unknown value of a key that names one organization or account, under
// an operator that compares it literally (StringEquals and the like, where
// "*" is a literal character), is one organization or account nobody
// vetted: a stand-in holding the expression's Placeholder, not everyone.
// Under StringLike and the ARN operators (ArnEquals takes wildcards too) an
// unknown value could be "*", and it stays unknown, taken at its worst; so
// does one of a key the caller chooses (a tag), or under an operator IAM
// does not define (IAM User Guide, "IAM JSON policy elements: Condition
// operators"). iacdoc, which reads them for every IaC reader, is tested
// through them: it has no test binary of its own.
func TestConditionStandIns(t *testing.T) {
	standIns := []string{"StringEquals aws:PrincipalOrgID", "StringEqualsIgnoreCase aws:PrincipalOrgID", "StringNotEquals aws:PrincipalOrgID",
		"StringNotEqualsIgnoreCase aws:PrincipalOrgID", "StringEqualsIfExists aws:PrincipalOrgID", "ForAnyValue:StringEquals aws:PrincipalOrgID",
		"StringEquals aws:principalorgid", "StringEquals aws:PrincipalAccount", "StringEquals aws:SourceAccount"}
	unknowns := []string{"StringLike aws:PrincipalOrgID", "StringNotLike aws:PrincipalOrgID", "ForAnyValue:StringLike aws:PrincipalOrgID",
		"StringLike aws:PrincipalAccount", "ArnEquals aws:SourceArn", "ArnLike aws:PrincipalArn", "StringEquals aws:PrincipalArn",
		"StringEquals aws:PrincipalTag/team", "StringEquals aws:PrincipalOrgPaths", "StringEqualz aws:PrincipalOrgID"}
	for _, cond := range append(standIns, unknowns...) {
		op, key, _ := strings.Cut(cond, " ")
		standIn := slices.Contains(standIns, cond)
		t.Run(cond, func(t *testing.T) {
			doc := standInDoc(t, op, key, &iacdoc.Value{Kind: iacdoc.Array, Elems: []*iacdoc.Value{
				iacdoc.Unk("var.org_id", policy.Pos{}), iacdoc.Str("o-a1b2c3d4e5", policy.Pos{}),
			}})
			c := doc.Statements[0].Conditions[0]
			if len(c.Values) != 2 {
				t.Fatalf("values %+v", c.Values)
			}
			got := c.Values[0]
			want := policy.Value{Text: "var.org_id", Unknown: true}
			if standIn {
				want = policy.Value{Text: "<var.org_id>", StandIn: true}
			}
			if got.Text != want.Text || got.Unknown != want.Unknown || got.StandIn != want.StandIn || got.AccountUnknown {
				t.Errorf("unknown value read as %+v, want %+v", got, want)
			}
			if k := c.Values[1]; k.Text != "o-a1b2c3d4e5" || k.Unknown || k.StandIn {
				t.Errorf("known value read as %+v", k)
			}
		})
	}
}

// A wholly unknown list (a variable of type list) is one unknown value: under
// StringEquals it is some specific organizations, not everyone.
func TestConditionStandInList(t *testing.T) {
	doc := standInDoc(t, "StringEquals", "aws:PrincipalOrgID", iacdoc.Unk("var.org_ids", policy.Pos{}))
	vals := doc.Statements[0].Conditions[0].Values
	if len(vals) != 1 || vals[0].Text != "<var.org_ids>" || !vals[0].StandIn || vals[0].Unknown {
		t.Errorf("unknown list read as %+v, want one stand-in <var.org_ids>", vals)
	}
}

// standInDoc reads, as iacdoc does for every reader, a policy whose one
// statement lets anyone pull under the condition op on key with value.
func standInDoc(t *testing.T, op, key string, value *iacdoc.Value) *policy.Document {
	t.Helper()
	obj := func(kv ...any) *iacdoc.Value {
		o := &iacdoc.Value{Kind: iacdoc.Object}
		for i := 0; i < len(kv); i += 2 {
			o.Members = append(o.Members, iacdoc.Member{Key: kv[i].(string), Value: kv[i+1].(*iacdoc.Value)})
		}
		return o
	}
	str := func(s string) *iacdoc.Value { return iacdoc.Str(s, policy.Pos{}) }
	doc, _, err := iacdoc.Document(obj(
		"Version", str("2012-10-17"),
		"Statement", &iacdoc.Value{Kind: iacdoc.Array, Elems: []*iacdoc.Value{obj(
			"Effect", str("Allow"), "Principal", str("*"), "Action", str("ecr:BatchGetImage"),
			"Condition", obj(op, obj(key, value)),
		)}},
	))
	if err != nil {
		t.Fatal(err)
	}
	return doc
}

// A module called with for_each or count is one module per instance, as
// Terraform expands it: each.key, each.value and count.index in the call's
// arguments take each instance's values, the instances' resources are
// addressed module.NAME["key"] and module.NAME[0], and module.NAME is an
// object (for_each) or a tuple (count) of the instances' outputs.
func TestModuleInstances(t *testing.T) {
	child := `
resource "aws_ecr_repository_policy" "this" {
  repository = aws_ecr_repository.this.name
  policy = jsonencode({ Version = "2012-10-17", Statement = [{
    Effect = "Allow", Action = "ecr:BatchGetImage",
    Principal = { AWS = var.public ? "*" : "arn:aws:iam::111122223333:root" } }] })
}
resource "aws_ecr_repository" "this" { name = var.name }
variable "name" { type = string }
variable "public" { type = bool }
output "name" { value = aws_ecr_repository.this.name }
`
	est := load(t, map[string]string{
		"main.tf": `
variable "repositories" {
  default = { web = { public = true }, api = { public = false } }
}
module "ecr" {
  source   = "./modules/ecr"
  for_each = var.repositories
  name     = each.key
  public   = each.value.public
}
module "mirror" {
  source = "./modules/ecr"
  count  = 2
  name   = "mirror-${count.index}"
  public = count.index == 1
}
module "unknown" {
  source   = "./modules/ecr"
  for_each = toset(var.later)
  name     = "later"
  public   = false
}
variable "later" { type = list(string) }
# A policy from one instance's output keeps its place in the module.
module "doc" {
  source   = "./modules/doc"
  for_each = toset(["444455556666"])
  reader   = each.key
}
resource "aws_ecr_repository" "shared" { name = "shared" }
resource "aws_ecr_repository_policy" "shared" {
  repository = aws_ecr_repository.shared.name
  policy     = module.doc["444455556666"].json
}
# Outputs by key and as a whole: the tags name them.
resource "aws_ecr_repository" "tagged" {
  name = "tagged"
  tags = { web = module.ecr["web"].name, second = module.mirror[1].name, all = join(",", sort([for k, v in module.ecr : v.name])) }
}
`,
		"modules/ecr/main.tf": child,
		"modules/doc/main.tf": `
variable "reader" { type = string }
output "json" {
  value = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Principal = { AWS = "arn:aws:iam::${var.reader}:root" }, Action = "ecr:BatchGetImage" }]
  })
}
`,
	}, Options{Account: acct})
	shared := findRepo(t, est, acct, "shared").Policy.Doc.Statements[0]
	if p := iacdoctest.Principals(shared); shared.Pos.String() != "modules/doc/main.tf:6:18" || len(p) != 1 || p[0].Text != "arn:aws:iam::444455556666:root" {
		t.Errorf("statement from module.doc[...].json at %s, principals %+v", shared.Pos, p)
	}
	public := func(name string) bool {
		t.Helper()
		r := findRepo(t, est, acct, name)
		if r.Policy == nil {
			t.Fatalf("%s has no policy", name)
		}
		p := iacdoctest.Principals(r.Policy.Doc.Statements[0])
		return len(p) == 1 && p[0].Text == "*"
	}
	for name, want := range map[string]bool{"web": true, "api": false, "mirror-0": false, "mirror-1": true} {
		if got := public(name); got != want {
			t.Errorf("%s: public = %v, want %v", name, got, want)
		}
	}
	if r := findRepo(t, est, acct, "web"); r.Policy.Name != `module.ecr["web"].aws_ecr_repository_policy.this` {
		t.Errorf("policy of web named %q", r.Policy.Name)
	}
	if r := findRepo(t, est, acct, "mirror-1"); r.Policy.Name != `module.mirror[1].aws_ecr_repository_policy.this` {
		t.Errorf("policy of mirror-1 named %q", r.Policy.Name)
	}
	tags := findRepo(t, est, acct, "tagged").Tags
	if tags["web"] != "web" || tags["second"] != "mirror-1" || tags["all"] != "api,web" {
		t.Errorf("tags from module outputs = %v", tags)
	}
	// Unknown keys: one instance stands for all, and a note says so.
	if !hasNote(est, `the for_each of module.unknown (toset(var.later)) is not known; one instance stands for all`) {
		t.Errorf("notes %v", est.Notes)
	}
	findRepo(t, est, acct, "later")
}

// A for_each Terraform rejects (a list or tuple, a set of numbers, a set
// holding null, null) is not read as if it were a map: it names no
// instances, so one instance with an unknown key stands for all, and a note
// says why. A block with both count and for_each is rejected too: a note
// says so. Before, a list's indexes were taken as keys (repositories "0"
// and "1"), and a set holding null stopped the whole module with a panic.
func TestForEachTerraformRejects(t *testing.T) {
	est := load(t, map[string]string{
		"main.tf": `
variable "list" {
  type    = list(string)
  default = ["c", "d"]
}
module "tuple" {
  source   = "./m"
  for_each = ["a", "b"]
  name     = each.key
}
module "list" {
  source   = "./m"
  for_each = var.list
  name     = "list-${each.key}"
}
module "numbers" {
  source   = "./m"
  for_each = toset([1, 2])
  name     = "numbers-${each.key}"
}
resource "aws_ecr_repository" "nulls" {
  for_each = toset(["e", null])
  name     = "nulls-${each.key}"
}
module "both" {
  source   = "./m"
  count    = 1
  for_each = { f = 1 }
  name     = "both"
}
`,
		"m/main.tf": `variable "name" {}
resource "aws_ecr_repository" "this" { name = var.name }
`,
	}, Options{Account: acct})
	if len(est.Gaps) != 0 {
		t.Errorf("gaps %v", est.Gaps)
	}
	for _, want := range []string{
		`the for_each of module.tuple (["a", "b"]) is a tuple, which Terraform rejects`,
		`the for_each of module.list (var.list) is a list of string, which Terraform rejects`,
		`the for_each of module.numbers (toset([1, 2])) is a set of number, which Terraform rejects`,
		`the for_each of aws_ecr_repository.nulls (toset(["e", null])) holds null, which Terraform rejects`,
		`module.both has both count and for_each, which Terraform rejects; it is read with count`,
	} {
		if !hasNote(est, want) {
			t.Errorf("no note %q in %v", want, est.Notes)
		}
	}
	findRepo(t, est, acct, "both")
	for _, r := range est.Lookup(acct).Regions()[0].Repositories() {
		if r.Name != "both" && !strings.HasPrefix(r.Name, "<") {
			t.Errorf("repository %q, want only unknown names", r.Name)
		}
	}
}

// Terraform needs only a for_each map's keys to be known, not its values
// (a set's elements are its keys: they must all be known): each key is an
// instance, and each.value is as known as the map's value. Before, one
// unknown value made one instance of unknown key stand for all, so the
// repositories' names were lost.
func TestForEachKnownKeysUnknownValues(t *testing.T) {
	est := load(t, map[string]string{
		"main.tf": `
variable "kms" { type = string }
module "ecr" {
  source   = "./m"
  for_each = { web = { kms = var.kms }, api = { kms = var.kms } }
  name     = each.key
  kms      = each.value.kms
}
resource "aws_ecr_repository" "r" {
  for_each = { for k, m in module.ecr : "r-${k}" => m.kms }
  name     = each.key
}
module "set" {
  source   = "./m"
  for_each = toset(["known", var.kms])
  name     = each.key
}
`,
		"m/main.tf": `variable "name" {}
variable "kms" { default = null }
resource "aws_ecr_repository" "this" { name = var.name }
output "kms" { value = var.kms }
`,
	}, Options{Account: acct})
	for _, name := range []string{"web", "api", "r-web", "r-api", "<module.set[*].aws_ecr_repository.this.name>"} {
		findRepo(t, est, acct, name)
	}
}

// Terraform converts count to a number: count = "2", or a -var of an
// untyped variable (a string), makes two instances. Before, a string count
// was not known, and one instance of unknown index stood for all.
func TestCountConvertsToNumber(t *testing.T) {
	est := load(t, map[string]string{
		"main.tf": `
variable "n" {}
module "literal" {
  source = "./m"
  count  = "2"
  name   = "literal-${count.index}"
}
resource "aws_ecr_repository" "var" {
  count = var.n
  name  = "var-${count.index}"
}
`,
		"m/main.tf": `variable "name" {}
resource "aws_ecr_repository" "this" { name = var.name }
`,
	}, Options{Account: acct, Vars: map[string]string{"n": "2"}})
	for _, name := range []string{"literal-0", "literal-1", "var-0", "var-1"} {
		findRepo(t, est, acct, name)
	}
}

// A module called with count or for_each whose folder cannot be read has
// outputs that are not known, as a module called once has: module.NAME is
// unknown, not an empty tuple or object that would drop its principals
// from a policy without a word.
func TestKeyedModuleNotReadIsUnknown(t *testing.T) {
	est := load(t, map[string]string{"main.tf": `
module "each" {
  source   = "./missing"
  for_each = toset(["a"])
}
module "count" {
  source = "./missing"
  count  = 1
}
resource "aws_ecr_repository" "r" { name = "r" }
resource "aws_ecr_repository_policy" "r" {
  repository = aws_ecr_repository.r.name
  policy = jsonencode({ Version = "2012-10-17", Statement = [
    { Effect = "Allow", Action = "ecr:BatchGetImage", Principal = { AWS = [for m in module.each : m.arn] } },
    { Effect = "Allow", Action = "ecr:BatchGetImage", Principal = { AWS = module.count[*].arn } },
  ] })
}
`}, Options{Account: acct})
	for i, s := range findRepo(t, est, acct, "r").Policy.Doc.Statements {
		if p := iacdoctest.Principals(s); len(p) != 1 || !p[0].Unknown {
			t.Errorf("statement %d: principals %+v, want one unknown", i, p)
		}
	}
}

// A policy from a module instance's output picked by a key known only per
// resource instance (module.doc[each.key].json) keeps its place in the
// module, as module.doc["a"].json does: there the finding points, and
// there the fix is written.
func TestModuleOutputByEachKeyKeepsItsPlace(t *testing.T) {
	est := load(t, map[string]string{
		"main.tf": `
module "doc" {
  source   = "./doc"
  for_each = toset(["a"])
  reader   = each.key
}
resource "aws_ecr_repository" "r" {
  for_each = toset(["a"])
  name     = each.key
}
resource "aws_ecr_repository_policy" "r" {
  for_each   = aws_ecr_repository.r
  repository = each.value.name
  policy     = module.doc[each.key].json
}
`,
		"doc/main.tf": `variable "reader" {}
output "json" {
  value = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Principal = { AWS = "arn:aws:iam::444455556666:root" }, Action = "ecr:BatchGetImage", Sid = var.reader }]
  })
}
`,
	}, Options{Account: acct})
	p := findRepo(t, est, acct, "a").Policy
	if s := p.Doc.Statements[0]; s.Pos.String() != "doc/main.tf:5:18" || s.Sid != "a" {
		t.Errorf("statement %q at %s, want a at doc/main.tf:5:18", s.Sid, s.Pos)
	}
	if p.Insert == nil || p.Insert.File != "doc/main.tf" {
		t.Errorf("insert %+v, want one in doc/main.tf", p.Insert)
	}
}

// A strip marker (~) takes the whitespace beside a directive out of the
// text, not out of the source: what follows keeps its own line and column
// (Terraform's "Strip Markers", language/expressions/strings).
func TestStripMarkersKeepPositions(t *testing.T) {
	est := load(t, map[string]string{"main.tf": `variable "accounts" { default = ["444455556666"] }
resource "aws_ecr_repository_policy" "app" {
  repository = "app"
  policy     = <<EOF
{"Version": "2012-10-17", "Statement": [
%{ for a in var.accounts ~}
{"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::${a}:root"}, "Action": "ecr:ListImages"},
%{ endfor ~}
  {"Sid": "Pub", "Effect": "Allow", "Principal": "*",
   "Action": "ecr:BatchGetImage"}
]}
EOF
}
resource "aws_ecr_repository_policy" "flush" {
  repository = "flush"
  policy     = <<-EOF
    {"Version": "2012-10-17", "Statement": [
    %{~ for a in var.accounts ~}
    {"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::${a}:root"}, "Action": "ecr:ListImages"},
    %{~ endfor ~}
    {"Sid": "Pub", "Effect": "Allow", "Principal": "*",
     "Action": "ecr:BatchGetImage"}
    ]}
  EOF
}
`}, Options{Account: acct})
	for _, tc := range []struct{ repo, stmt, action string }{
		{"app", "main.tf:9:3", "main.tf:10:14"},
		{"flush", "main.tf:21:5", "main.tf:22:16"},
	} {
		r := findRepo(t, est, acct, tc.repo)
		if r.Policy == nil || len(r.Policy.Doc.Statements) != 2 {
			t.Fatalf("%s: policy %+v, gaps %v", tc.repo, r.Policy, est.Gaps)
		}
		s := r.Policy.Doc.Statements[1]
		if s.Pos.String() != tc.stmt || s.Action[0].Pos.String() != tc.action {
			t.Errorf("%s: statement at %s, action at %s; want %s and %s", tc.repo, s.Pos, s.Action[0].Pos, tc.stmt, tc.action)
		}
	}
}

// An escape is longer in the source than the text it writes ("$${" for
// "${", "%%{" for "%{", and in a quoted string \" for " and \u0077 for w;
// Terraform's "Escape Sequences", language/expressions/strings): what
// follows it on its line keeps its own column. Each column was one less
// per "$${" before it, and a quoted string's columns ran short by one per
// backslash escape.
func TestEscapesKeepPositions(t *testing.T) {
	const stmts = `[{"Sid": "A", "Effect": "Allow", "Principal": "*", "Action": "ecr:BatchGetImage", "Condition": {"StringLike": {"aws:PrincipalArn": "arn:aws:iam::$${aws:PrincipalAccount}:role/%%{x}"}}}, {"Sid": "B", "Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::444455556666:root"}, "Action": "ecr:BatchGetImage"}]`
	quoted := strings.NewReplacer(`"`, `\"`, "Allow", `Allo\u0077`).Replace(`{"Version": "2012-10-17", "Statement": ` + stmts + `}`)
	est := load(t, map[string]string{"main.tf": `resource "aws_ecr_repository_policy" "heredoc" {
  repository = "heredoc"
  policy     = <<EOF
{"Version": "2012-10-17", "Statement": ` + stmts + `}
EOF
}
resource "aws_ecr_repository_policy" "flush" {
  repository = "flush"
  policy     = <<-EOF
    {"Version": "2012-10-17",
     "Statement": ` + stmts + `}
  EOF
}
resource "aws_ecr_repository_policy" "quoted" {
  repository = "quoted"
  policy     = "` + quoted + `"
}
resource "aws_ecr_repository_policy" "file" {
  repository = "file"
  policy     = templatefile("p.tpl", {})
}
`, "p.tpl": `{"Version": "2012-10-17", "Statement": ` + stmts + `}`}, Options{Account: acct})
	for _, tc := range []struct{ repo, principal string }{
		{"heredoc", "main.tf:4:279"},
		{"flush", "main.tf:11:258"},
		{"quoted", "main.tf:16:347"},
		{"file", "p.tpl:1:279"},
	} {
		r := findRepo(t, est, acct, tc.repo)
		if r.Policy == nil || len(r.Policy.Doc.Statements) != 2 {
			t.Fatalf("%s: policy %+v, gaps %v", tc.repo, r.Policy, est.Gaps)
		}
		if got := r.Policy.Doc.Statements[1].Principal.Entries[0].Value.Pos.String(); got != tc.principal {
			t.Errorf("%s: B's principal at %s, want %s", tc.repo, got, tc.principal)
		}
	}
}

// A directive or interpolation whose value is not known, written between
// JSON values (%{ for } over a variable without a value, say), may give
// any JSON there: the policy text is not known until apply, not invalid.
// A syntax error before it is still one.
func TestUnknownDirectiveIsNotInvalidJSON(t *testing.T) {
	for _, tc := range []struct {
		name, stmts string
		code        estate.GapCode
		want        string
	}{
		{"for over an unknown list", `{"Sid": "Own", "Effect": "Allow", "Principal": {"AWS": "111122223333"}, "Action": "ecr:*"}
%{ for a in var.partners ~}
,{"Effect": "Allow", "Principal": {"AWS": "${a}"}, "Action": "ecr:BatchGetImage"}
%{ endfor ~}`, estate.GapUnknownUntilApply, "%{ for a in var.partners ~}"},
		{"if on an unknown bool", `{"Effect": "Allow", "Principal": "*", "Action": "ecr:BatchGetImage"
%{ if var.restrict }, "Condition": {"StringEquals": {"aws:PrincipalAccount": "111122223333"}}%{ endif }
}`, estate.GapUnknownUntilApply, "%{ if var.restrict }"},
		{"a syntax error before it", `{"Effect": "Allow" "Principal": "*", "Action": "ecr:BatchGetImage"}
%{ for a in var.partners }%{ endfor }`, estate.GapParseError, "invalid JSON"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			est := load(t, map[string]string{"main.tf": `variable "partners" { type = list(string) }
variable "restrict" { type = bool }
resource "aws_ecr_repository_policy" "app" {
  repository = "app"
  policy     = <<EOF
{"Version": "2012-10-17", "Statement": [
` + tc.stmts + `
]}
EOF
}
`}, Options{Account: acct})
			if r := findRepo(t, est, acct, "app"); r.PolicyState != estate.Unread {
				t.Errorf("policy state %d, want Unread", r.PolicyState)
			}
			if !hasGap(est, tc.code, tc.want) {
				t.Errorf("no %s gap naming %q: %v", tc.code, tc.want, est.Gaps)
			}
		})
	}
}

// An instance's string key is written in its address as Terraform writes
// it (terraform plan: "# terraform_data.x["d$${z}"] will be created"), an
// HCL quoted string: "${" and "%{" doubled, a rune that does not print as
// \uNNNN (\UNNNNNNNN past U+FFFF), any other rune as it is. Each want is
// what terraform plan (v1.11.4) printed for the key. Go's quoting
// (strconv.Quote) wrote d${z}, \x01 and \a, so the address named an
// instance Terraform does not have and differed from the same instance's
// address in a plan. Resource address reference:
// https://developer.hashicorp.com/terraform/cli/state/resource-addressing
func TestInstanceKeyAsTerraformWritesIt(t *testing.T) {
	for _, tc := range []struct{ key, want string }{
		{"a\u00e9", `["a` + "\u00e9" + `"]`},
		{`q"b\s`, `["q\"b\\s"]`},
		{"d${z}", `["d$${z}"]`},
		{"p%{y}", `["p%%{y}"]`},
		{"$x", `["$x"]`},
		{"lone$", `["lone$"]`},
		{"tab\tnl\n", `["tab\tnl\n"]`},
		{"ctl\x01\a", `["ctl\u0001\u0007"]`},
		{"ns\u00a0x", `["ns\u00a0x"]`},
		{"zw\u200bx", `["zw\u200bx"]`},
		{"emoji\U0001F600", `["emoji` + "\U0001F600" + `"]`},
		{"tag\U000E0041", `["tag\U000e0041"]`},
		{"", `[""]`},
	} {
		// The address's key reads in HCL as the key itself.
		est := load(t, map[string]string{"main.tf": `resource "aws_ecr_repository_policy" "x" {
  for_each   = toset(` + tc.want + `)
  repository = "app"
  policy     = var.p
}
variable "p" {}
`}, Options{Account: acct})
		if want := `aws_ecr_repository_policy.x` + tc.want + " is not known until apply"; !hasGap(est, estate.GapUnknownUntilApply, want) {
			t.Errorf("key %q: no gap naming %s; gaps %v", tc.key, want, est.Gaps)
		}
	}
}

// The provider's default_tags tag every resource it manages, and a
// resource's own tags take precedence (Terraform AWS provider,
// "default_tags"): a repository's tags and a role's or user's (which
// conditions on ecr:ResourceTag and aws:PrincipalTag read) hold them. They
// were left out, so a role granted ecr:* on aws:PrincipalTag/team =
// platform, the team its provider tags it with, could do nothing. Default
// tags whose value is not known leave the repository's and the role's tags
// unknown.
func TestProviderDefaultTags(t *testing.T) {
	const acct = "111122223333"
	est := load(t, map[string]string{"main.tf": `
variable "later" {
  type = map(string)
}
provider "aws" {
  region = "us-east-1"
  default_tags {
    tags = { team = "platform", env = "prod" }
  }
}
provider "aws" {
  alias  = "unknown"
  region = "us-east-1"
  default_tags {
    tags = var.later
  }
}
resource "aws_ecr_repository" "app" {
  name = "app"
  tags = { env = "dev" }
}
resource "aws_ecr_repository" "bare" {
  name = "bare"
}
resource "aws_ecr_repository" "other" {
  provider = aws.unknown
  name     = "other"
}
resource "aws_iam_role" "ci" {
  name               = "ci"
  assume_role_policy = jsonencode({ Version = "2012-10-17", Statement = [] })
}
resource "aws_iam_user" "erin" {
  name = "erin"
  tags = { team = "data" }
}
resource "aws_iam_role" "later" {
  provider           = aws.unknown
  name               = "later"
  assume_role_policy = jsonencode({ Version = "2012-10-17", Statement = [] })
}
`}, Options{Account: acct})
	for name, want := range map[string]string{"app": "map[env:dev team:platform]", "bare": "map[env:prod team:platform]"} {
		if r := findRepo(t, est, acct, name); !r.TagsKnown || fmt.Sprint(r.Tags) != want {
			t.Errorf("%s: tags %v (known %v), want %s", name, r.Tags, r.TagsKnown, want)
		}
	}
	if r := findRepo(t, est, acct, "other"); r.TagsKnown {
		t.Errorf("other: tags %v known, want unknown", r.Tags)
	}
	iam := est.Lookup(acct).IAM
	for _, r := range iam.Roles {
		switch r.Name {
		case "ci":
			if got := fmt.Sprint(r.Tags); got != "map[env:prod team:platform]" || r.TagsUnknown {
				t.Errorf("role ci: tags %s (unknown %v)", got, r.TagsUnknown)
			}
		case "later":
			if !r.TagsUnknown {
				t.Errorf("role later: tags %v known, want unknown", r.Tags)
			}
		}
	}
	if got := fmt.Sprint(iam.Users[0].Tags); got != "map[env:prod team:data]" {
		t.Errorf("user erin: tags %s", got)
	}
}
