package terraform

import (
	"strings"
	"testing"

	"github.com/ecrguard/ecrguard/internal/iacdoc/iacdoctest"
)

// regionReaders is the head of the region tests: a reader per region, the
// one of eu-west-1 an untrusted account.
const regionReaders = `
data "aws_region" "current" {}
locals {
  readers = {
    "us-east-1" = "arn:aws:iam::111122223333:root"
    "eu-west-1" = "arn:aws:iam::999988887777:root"
  }
}
`

// regionPolicy is the repository policy of app granting pull to principal.
func regionPolicy(principal string) string {
	return `resource "aws_ecr_repository_policy" "app" {
  repository = "app"
  policy = jsonencode({Version = "2012-10-17", Statement = [{Effect = "Allow", Principal = {AWS = ` + principal + `}, Action = "ecr:BatchGetImage"}]})
}
`
}

// appReaders returns the principals app's policy grants, unknown ones as
// "?".
func appReaders(t *testing.T, files map[string]string, opts Options) []string {
	t.Helper()
	est := load(t, files, Options{Account: acct, Region: opts.Region})
	r := findRepo(t, est, acct, "app")
	if r.Policy == nil || len(r.Policy.Doc.Statements) != 1 {
		t.Fatalf("app's policy: %+v", r.Policy)
	}
	var out []string
	for _, p := range iacdoctest.Principals(r.Policy.Doc.Statements[0]) {
		if p.Unknown {
			out = append(out, "?")
		} else {
			out = append(out, p.Text)
		}
	}
	if got := hasNote(est, "depends on the region, which is not known (no --region, and no region on the provider)"); got != (opts.Region == "") {
		t.Errorf("the note on the region: %v, want %v (notes %v)", got, opts.Region == "", est.Notes)
	}
	return out
}

// A value the region chooses (an index key, lookup, a conditional, a for
// filter, element, contains, through a local, a variable, a module input
// or output, each.key) is unknown, taken at its worst, when the region is
// only assumed: deployed in eu-west-1 the repository is readable by
// 999988887777, and judging it as us-east-1's reported nothing. With
// --region it is the region's value. (data.aws_region is the region of the
// provider:
// https://registry.terraform.io/providers/hashicorp/aws/latest/docs/data-sources/region.)
func TestRegionChoiceUnknownWithoutRegion(t *testing.T) {
	const child = `variable "region" {}
variable "readers" {}
output "reader" { value = var.readers[var.region] }
output "region" { value = var.region }
`
	const tplPolicy = `resource "aws_ecr_repository_policy" "app" {
  repository = "app"
  policy     = templatefile("${path.module}/p.json.tpl", { region = data.aws_region.current.name, readers = local.readers })
}
`
	cases := []struct {
		name  string
		files map[string]string
	}{
		{"index", map[string]string{"main.tf": regionReaders + regionPolicy("local.readers[data.aws_region.current.name]")}},
		{"lookup", map[string]string{"main.tf": regionReaders + regionPolicy(`lookup(local.readers, data.aws_region.current.name, "arn:aws:iam::111122223333:root")`)}},
		{"conditional", map[string]string{"main.tf": regionReaders + regionPolicy(`data.aws_region.current.name == "eu-west-1" ? local.readers["eu-west-1"] : local.readers["us-east-1"]`)}},
		{"contains", map[string]string{"main.tf": regionReaders + regionPolicy(`contains(["eu-west-1"], data.aws_region.current.name) ? local.readers["eu-west-1"] : local.readers["us-east-1"]`)}},
		{"startswith", map[string]string{"main.tf": regionReaders + regionPolicy(`startswith(data.aws_region.current.region, "eu-") ? local.readers["eu-west-1"] : local.readers["us-east-1"]`)}},
		{"can", map[string]string{"main.tf": regionReaders + regionPolicy(`can(regex("^eu-", data.aws_region.current.name)) ? local.readers["eu-west-1"] : local.readers["us-east-1"]`)}},
		{"try", map[string]string{"main.tf": regionReaders + regionPolicy(`try(regex("^eu-", data.aws_region.current.name) != "" ? local.readers["eu-west-1"] : "", local.readers["us-east-1"])`)}},
		{"lookup without default", map[string]string{"main.tf": regionReaders + regionPolicy("lookup(local.readers, data.aws_region.current.name)")}},
		{"for filter", map[string]string{"main.tf": regionReaders + regionPolicy("[for r, a in local.readers : a if r == data.aws_region.current.id]")}},
		{"element", map[string]string{"main.tf": regionReaders + regionPolicy("element(values(local.readers), index(keys(local.readers), data.aws_region.current.name))")}},
		{"local", map[string]string{"main.tf": regionReaders + `locals { region = "${data.aws_region.current.name}" }
` + regionPolicy("local.readers[local.region]")}},
		{"module input", map[string]string{
			"main.tf": regionReaders + `module "m" {
  source  = "./m"
  region  = data.aws_region.current.name
  readers = local.readers
}
` + regionPolicy("module.m.reader"),
			"m/main.tf": child,
		}},
		{"module output", map[string]string{
			"main.tf": regionReaders + `module "m" {
  source  = "./m"
  region  = data.aws_region.current.name
  readers = {}
}
` + regionPolicy("local.readers[module.m.region]"),
			"m/main.tf": child,
		}},
		{"for_each key", map[string]string{"main.tf": regionReaders + `resource "aws_ecr_repository_policy" "app" {
  for_each   = toset([data.aws_region.current.name])
  repository = "app"
  policy = jsonencode({Version = "2012-10-17", Statement = [{Effect = "Allow", Principal = {AWS = local.readers[each.key]}, Action = "ecr:BatchGetImage"}]})
}
`}},
		{"policy document", map[string]string{"main.tf": regionReaders + `data "aws_iam_policy_document" "p" {
  statement {
    actions = ["ecr:BatchGetImage"]
    principals {
      type        = "AWS"
      identifiers = [local.readers[data.aws_region.current.name]]
    }
  }
}
resource "aws_ecr_repository_policy" "app" {
  repository = "app"
  policy     = data.aws_iam_policy_document.p.json
}
`}},
		{"dynamic block", map[string]string{"main.tf": regionReaders + `data "aws_iam_policy_document" "p" {
  statement {
    actions = ["ecr:BatchGetImage"]
    dynamic "principals" {
      for_each = [data.aws_region.current.name]
      content {
        type        = "AWS"
        identifiers = [local.readers[principals.value]]
      }
    }
  }
}
resource "aws_ecr_repository_policy" "app" {
  repository = "app"
  policy     = data.aws_iam_policy_document.p.json
}
`}},
		{"templatefile", map[string]string{
			"main.tf":    regionReaders + tplPolicy,
			"p.json.tpl": `{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"AWS": "${readers[region]}"}, "Action": "ecr:BatchGetImage"}]}`,
		}},
		{"template if", map[string]string{
			"main.tf":    regionReaders + tplPolicy,
			"p.json.tpl": `{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"AWS": "%{ if region == "eu-west-1" }${readers["eu-west-1"]}%{ else }${readers["us-east-1"]}%{ endif }"}, "Action": "ecr:BatchGetImage"}]}`,
		}},
		{"templatefile decoded", map[string]string{
			"main.tf": regionReaders + `resource "aws_ecr_repository_policy" "app" {
  repository = "app"
  policy     = jsonencode(jsondecode(templatefile("p.json.tpl", { region = data.aws_region.current.name, readers = local.readers })))
}
`,
			"p.json.tpl": `{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"AWS": "${readers[region]}"}, "Action": "ecr:BatchGetImage"}]}`,
		}},
		{"tf.json", map[string]string{"main.tf.json": `{
  "data": {"aws_region": {"current": {}}},
  "locals": {"readers": {"us-east-1": "arn:aws:iam::111122223333:root", "eu-west-1": "arn:aws:iam::999988887777:root"}},
  "resource": {"aws_ecr_repository_policy": {"app": {
    "repository": "app",
    "policy": "${jsonencode({Version = \"2012-10-17\", Statement = [{Effect = \"Allow\", Principal = {AWS = local.readers[data.aws_region.current.name]}, Action = \"ecr:BatchGetImage\"}]})}"
  }}}
}`}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := appReaders(t, c.files, Options{}); strings.Join(got, ",") != "?" {
				t.Errorf("without a region: %v, want the reader unknown", got)
			}
			for region, want := range map[string]string{"eu-west-1": "arn:aws:iam::999988887777:root", "us-east-1": "arn:aws:iam::111122223333:root"} {
				if got := appReaders(t, c.files, Options{Region: region}); strings.Join(got, ",") != want {
					t.Errorf("--region %s: %v, want %s", region, got, want)
				}
			}
		})
	}
}

// A comparison with the region, written as a value (here a condition
// value), is chosen by the region too.
func TestRegionComparisonValue(t *testing.T) {
	files := map[string]string{"main.tf": regionReaders + `resource "aws_ecr_repository_policy" "app" {
  repository = "app"
  policy = jsonencode({Version = "2012-10-17", Statement = [{Effect = "Allow", Principal = "*", Action = "ecr:BatchGetImage",
    Condition = {Bool = {"aws:SecureTransport" = data.aws_region.current.name != "eu-west-1"}}}]})
}
`}
	for region, want := range map[string]string{"": "?", "eu-west-1": "false", "us-east-1": "true"} {
		est := load(t, files, Options{Account: acct, Region: region})
		c := findRepo(t, est, acct, "app").Policy.Doc.Statements[0].Conditions
		got := "no condition"
		if len(c) == 1 && len(c[0].Values) == 1 {
			got = c[0].Values[0].Text
			if c[0].Values[0].Unknown {
				got = "?"
			}
		}
		if got != want {
			t.Errorf("--region %q: the condition value is %s, want %s", region, got, want)
		}
	}
}

// A string built from the region keeps the assumed region, without a note:
// ecrguard names the stack's resources in it too, and a Deny written with
// such an ARN must keep guarding them (so does a try() of one, which does
// not fail). So does a value chosen by a region
// the provider names.
func TestRegionBuiltStringKeepsAssumedRegion(t *testing.T) {
	est := load(t, map[string]string{"main.tf": regionReaders + `resource "aws_ecr_repository" "app" { name = "app" }
locals { arns = ["arn:aws:ecr:${data.aws_region.current.name}:111122223333:repository/app"] }
resource "aws_ecr_repository_policy" "app" {
  count      = length(local.arns) > 0 ? 1 : 0
  repository = "app"
  policy = jsonencode({Version = "2012-10-17", Statement = [
    {Effect = "Allow", Principal = "*", Action = "ecr:BatchGetImage"},
    {Effect = "Deny", Principal = "*", Action = "ecr:BatchGetImage",
     Resource = ["arn:aws:ecr:${data.aws_region.current.name}:111122223333:repository/app", aws_ecr_repository.app.arn, format("arn:aws:ecr:%s:111122223333:repository/*", upper(data.aws_region.current.id)), try(aws_ecr_repository.app.arn, "*")]},
  ]})
}
`}, Options{Account: acct})
	s := findRepo(t, est, acct, "app").Policy.Doc.Statements[1]
	var got []string
	for _, r := range s.Resource {
		got = append(got, r.Text)
		if r.Unknown {
			t.Errorf("resource %+v is unknown", r)
		}
	}
	if want := "arn:aws:ecr:us-east-1:111122223333:repository/app,arn:aws:ecr:us-east-1:111122223333:repository/app,arn:aws:ecr:US-EAST-1:111122223333:repository/*,arn:aws:ecr:us-east-1:111122223333:repository/app"; strings.Join(got, ",") != want {
		t.Errorf("resources %v, want %s", got, want)
	}
	if hasNote(est, "depends on the region") {
		t.Errorf("a note on the region: %v", est.Notes)
	}

	est = load(t, map[string]string{"main.tf": `provider "aws" { region = "eu-west-1" }
` + regionReaders + regionPolicy("local.readers[data.aws_region.current.name]")}, Options{Account: acct})
	if p := iacdoctest.Principals(findRepo(t, est, acct, "app").Policy.Doc.Statements[0]); len(p) != 1 || p[0].Unknown || p[0].Text != "arn:aws:iam::999988887777:root" {
		t.Errorf("the provider's region: %+v, want 999988887777", p)
	}
	if hasNote(est, "depends on the region") {
		t.Errorf("a note on the region: %v", est.Notes)
	}
}

// A plan knows its region: the policies in it are what Terraform chose in
// the provider's region, and a provider whose region the configuration
// does not name (AWS_REGION) has it in the data.aws_region sources read
// through it, in the prior state. A policy whose Resource names the
// repository in eu-west-1 was read against the repository in us-east-1, a
// dead element (ECR011), and the reader it lets in went unreported.
func TestPlanRegionFromState(t *testing.T) {
	pol := `{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":{\"AWS\":\"arn:aws:iam::999988887777:root\"},\"Action\":\"ecr:BatchGetImage\",\"Resource\":\"arn:aws:ecr:eu-west-1:111122223333:repository/app\"}]}`
	plan := `{"format_version": "1.2",
 "planned_values": {"root_module": {"resources": [
  {"address": "aws_ecr_repository.app", "mode": "managed", "type": "aws_ecr_repository", "name": "app", "values": {"name": "app"}},
  {"address": "aws_ecr_repository_policy.app", "mode": "managed", "type": "aws_ecr_repository_policy", "name": "app", "values": {"repository": "app", "policy": "` + pol + `"}}]}},
 "prior_state": {"format_version": "1.0", "values": {"root_module": {"resources": [
  {"address": "data.aws_region.current", "mode": "data", "type": "aws_region", "name": "current", "values": {"name": "eu-west-1", "id": "eu-west-1"}}]}}},
 "configuration": {"provider_config": {"aws": {"name": "aws"}}, "root_module": {"resources": [
  {"address": "aws_ecr_repository.app", "mode": "managed", "type": "aws_ecr_repository", "name": "app", "provider_config_key": "aws"},
  {"address": "aws_ecr_repository_policy.app", "mode": "managed", "type": "aws_ecr_repository_policy", "name": "app", "provider_config_key": "aws"},
  {"address": "data.aws_region.current", "mode": "data", "type": "aws_region", "name": "current", "provider_config_key": "aws"}]}}}`
	for _, region := range []string{"", "us-east-1"} {
		est, err := LoadPlan([]byte(plan), "plan.json", Options{Account: acct, Region: region})
		if err != nil {
			t.Fatal(err)
		}
		repos := est.Account(acct).Region("eu-west-1").Repositories()
		if len(repos) != 1 || repos[0].Policy == nil || len(est.Account(acct).Region("us-east-1").Repositories()) != 0 {
			t.Errorf("--region %q: the repository is not in eu-west-1 alone: %v", region, repos)
		}
	}
}

// lookup's default is optional in Terraform (omitting it is deprecated:
// https://opentofu.org/docs/language/functions/lookup/): lookup(m, k) is
// m[k], an error when k is missing. It was an error ("Not enough function
// arguments") and its value unknown.
func TestLookupWithoutDefault(t *testing.T) {
	est := load(t, map[string]string{"main.tf": `resource "aws_ecr_repository" "app" {
  name = "app"
  tags = { found = lookup({ a = "x" }, "a"), map = lookup(tomap({ a = "y" }), "a"), missing = lookup({ a = "x" }, "b") }
}
`}, Options{Account: acct})
	if tags := findRepo(t, est, acct, "app").Tags; len(tags) != 0 {
		t.Errorf("tags %v, want none known (missing is an error)", tags)
	}
	if !hasNote(est, `Call to function "lookup" failed: Invalid index`) || hasNote(est, "..") {
		t.Errorf("notes %v, want the missing key's (its detail's full stops dropped before \"; the value is read as unknown\")", est.Notes)
	}
	est = load(t, map[string]string{"main.tf": `resource "aws_ecr_repository" "app" {
  name = "app"
  tags = { found = lookup({ a = "x" }, "a"), map = lookup(tomap({ a = "y" }), "a"), dflt = lookup({ a = "x" }, "b", "z") }
}
`}, Options{Account: acct})
	if tags := findRepo(t, est, acct, "app").Tags; tags["found"] != "x" || tags["map"] != "y" || tags["dflt"] != "z" {
		t.Errorf("tags %v", tags)
	}
}
