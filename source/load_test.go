package source

import (
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/ecrguard/ecrguard/analysis"
	"github.com/ecrguard/ecrguard/estate"
	"github.com/ecrguard/ecrguard/internal/golden"
	"github.com/ecrguard/ecrguard/internal/testgc"
	"github.com/ecrguard/ecrguard/policy"
	"github.com/ecrguard/ecrguard/rules"
)

func init() { testgc.Raise() }

// iacAccount is the account of testdata/iac.
const iacAccount = "111122223333"

// iacForms are the forms of testdata/iac's policies that are read as
// infrastructure as code, as roots of ../testdata/iac.
var iacForms = []string{"terraform", "plan/plan.json", "cloudformation/template.yaml", "cloudformation/template.json"}

// iacOptions are the options of the scans of testdata/iac.
var iacOptions = Options{Account: iacAccount, Region: "us-east-1"}

// loadIaC loads roots of ../testdata/iac (or of fsys) with the options of
// its scans.
func loadIaC(t *testing.T, fsys fs.FS, roots ...string) *estate.Estate {
	t.Helper()
	est, err := Load(context.Background(), fsys, roots, iacOptions)
	if err != nil {
		t.Fatal(err)
	}
	return est
}

// scanIaC loads roots of ../testdata/iac (or of fsys) and runs the rules
// on them, as `ecrguard scan` does with no configuration but the account.
func scanIaC(t *testing.T, fsys fs.FS, roots ...string) *rules.Result {
	t.Helper()
	return rules.Run(loadIaC(t, fsys, roots...), analysis.Settings{Region: iacOptions.Region})
}

// rawForm is testdata/iac/raw as AWS CLI outputs: the repository
// policies as raw files named after their repository, the registry policy
// as get-registry-policy output, the identity policies as inline policies
// of their roles in get-account-authorization-details output, the ECR
// Public repository policies as raw files in a folder ecr-public/, the
// repository creation templates as describe-repository-creation-templates
// output, and the RCPs as raw files in a folder rcps/ (one level, over the
// account).
func rawForm(t *testing.T) fstest.MapFS {
	t.Helper()
	const dir = "../testdata/iac/raw"
	fsys := fstest.MapFS{}
	read := func(name string) []byte {
		data, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		return data
	}
	// names lists the policies of a folder of raw/, by file name.
	names := func(sub string) []string {
		paths, err := filepath.Glob(filepath.Join(dir, sub, "*.json"))
		if err != nil || len(paths) == 0 {
			t.Fatalf("no policies in %s/%s (%v)", dir, sub, err)
		}
		for i, p := range paths {
			paths[i] = filepath.Base(p)
		}
		return paths
	}
	for _, name := range names("repositories") {
		// Named after their repository: at the top of the scanned folder,
		// since folders below it are part of a repository's name.
		fsys["raw/"+name] = &fstest.MapFile{Data: read("repositories/" + name)}
	}
	reg, _ := json.Marshal(map[string]string{"registryId": iacAccount, "policyText": string(read("registry.json"))})
	fsys["raw/registry.json"] = &fstest.MapFile{Data: reg}
	var roles []any
	for i, name := range names("identity") {
		role := strings.TrimSuffix(name, ".json")
		roles = append(roles, map[string]any{
			"Path": "/", "RoleName": role, "RoleId": fmt.Sprintf("AROAEXAMPLE%09d", i),
			"Arn":                      "arn:aws:iam::" + iacAccount + ":role/" + role,
			"AssumeRolePolicyDocument": map[string]any{"Version": "2012-10-17", "Statement": []any{}},
			"RolePolicyList":           []any{map[string]any{"PolicyName": role, "PolicyDocument": json.RawMessage(read("identity/" + name))}},
			"AttachedManagedPolicies":  []any{}, "Tags": []any{},
		})
	}
	iam, _ := json.Marshal(map[string]any{"UserDetailList": []any{}, "GroupDetailList": []any{}, "RoleDetailList": roles, "Policies": []any{}, "IsTruncated": false})
	fsys["raw/iam.json"] = &fstest.MapFile{Data: iam}
	for _, name := range names("public-repositories") {
		fsys["raw/ecr-public/"+name] = &fstest.MapFile{Data: read("public-repositories/" + name)}
	}
	var templates []any
	for _, name := range names("creation-templates") {
		templates = append(templates, map[string]any{
			"prefix": strings.TrimSuffix(name, ".json"), "appliedFor": iacTemplateUses,
			"repositoryPolicy": string(read("creation-templates/" + name)), "imageTagMutability": "MUTABLE",
		})
	}
	tpl, _ := json.Marshal(map[string]any{"registryId": iacAccount, "repositoryCreationTemplates": templates})
	fsys["raw/creation-templates.json"] = &fstest.MapFile{Data: tpl}
	for _, name := range names("rcps") {
		fsys["raw/rcps/"+name] = &fstest.MapFile{Data: read("rcps/" + name)}
	}
	return fsys
}

// iacTemplateUses is what the creation templates of testdata/iac are
// applied for, in every form (raw/creation-templates holds only their
// policies).
var iacTemplateUses = []string{estate.ForPullThroughCache}

// findingKey is what must be the same whatever the form: the rule, the
// resource, the principals and the actions.
func findingKey(f rules.Finding) string {
	return fmt.Sprintf("%s %s principals=%s actions=%s", f.RuleID, f.Resource, strings.Join(f.Principals, ","), strings.Join(f.Actions, ","))
}

func findingKeys(res *rules.Result, skip func(rules.Finding) bool) []string {
	var out []string
	for _, f := range res.Findings {
		if skip == nil || !skip(f) {
			out = append(out, findingKey(f))
		}
	}
	slices.Sort(out)
	return out
}

// iacOnly are the resources only the IaC forms have (raw JSON cannot say
// "not known until apply"); TestIaCUnknownIsNotSafe judges them.
func iacOnly(f rules.Finding) bool {
	return strings.HasSuffix(f.Resource, ":repository/unknown-principal")
}

// The policies of testdata/iac in Terraform (.tf and plan) and
// CloudFormation (YAML and JSON) give the same findings as their raw JSON
// form: same rules, resources, principals and actions. Every rule fires.
func TestIaCFindings(t *testing.T) {
	raw := scanIaC(t, rawForm(t), "raw")
	if len(raw.Gaps) != 0 {
		t.Fatalf("raw form: gaps %v", raw.Gaps)
	}
	want := findingKeys(raw, nil)
	fired := map[string]bool{}
	for _, f := range raw.Findings {
		fired[f.RuleID] = true
	}
	for _, r := range rules.All() {
		if !fired[r.ID] {
			t.Errorf("raw form: %s does not fire; testdata/iac should exercise every rule", r.ID)
		}
	}
	fsys := os.DirFS("../testdata/iac")
	for _, form := range iacForms {
		t.Run(form, func(t *testing.T) {
			res := scanIaC(t, fsys, form)
			got := findingKeys(res, iacOnly)
			if !slices.Equal(got, want) {
				t.Errorf("findings differ from the raw form's\n--- %s\n%s\n--- raw\n%s", form, strings.Join(got, "\n"), strings.Join(want, "\n"))
			}
			for _, f := range res.Findings {
				if dir := strings.SplitN(f.Source.File, "/", 2)[0]; !strings.HasPrefix(form, dir) || f.Source.Line == 0 {
					t.Errorf("%s on %s: source %q, want a line of %s", f.RuleID, f.Resource, f.Source, form)
				}
			}
		})
	}
}

// The RCP of testdata/iac, attached to the account in every form, is one
// level over the account, its statement at its line in the form; it
// closes the partner account's pull of repository partner, which that
// repository's policy alone allows: no finding, and a note names the RCP
// statement (docs/semantics.md, "Resource control policies"; Organizations
// User Guide, "RCP evaluation": a Deny at any level denies the request).
// The creation template is applied for what every form says.
func TestIaCGuardrail(t *testing.T) {
	const partner = "arn:aws:ecr:us-east-1:" + iacAccount + ":repository/partner"
	forms := []struct {
		form string
		fsys fs.FS
		// stmt is where the RCP statement is.
		stmt string
	}{
		{"raw", rawForm(t), "raw/rcps/ecr-perimeter.json:4:5"},
		{"terraform", os.DirFS("../testdata/iac"), "terraform/organizations.tf:6:3"},
		{"plan/plan.json", os.DirFS("../testdata/iac"), "plan/plan.json:458:84"},
		{"cloudformation/template.yaml", os.DirFS("../testdata/iac"), "cloudformation/template.yaml:289:13"},
		{"cloudformation/template.json", os.DirFS("../testdata/iac"), "cloudformation/template.json:421:13"},
	}
	for _, tc := range forms {
		t.Run(tc.form, func(t *testing.T) {
			est := loadIaC(t, tc.fsys, tc.form)
			a := est.Account(iacAccount)
			if !a.RCPsKnown || len(a.RCPs) != 1 || len(a.RCPs[0].Doc.Statements) != 1 {
				t.Fatalf("RCP levels %+v (known %v), want one of one statement", a.RCPs, a.RCPsKnown)
			}
			st := a.RCPs[0].Doc.Statements[0]
			if st.Sid != "PartnerOwnAccountOnly" || st.Pos.String() != tc.stmt {
				t.Errorf("RCP statement %q at %s, want PartnerOwnAccountOnly at %s", st.Sid, st.Pos, tc.stmt)
			}
			if tp := a.Region(iacOptions.Region).Template("cache"); !slices.Equal(tp.AppliedFor, iacTemplateUses) {
				t.Errorf("creation template cache applied for %v, want %v", tp.AppliedFor, iacTemplateUses)
			}
			res := rules.Run(est, analysis.Settings{Region: iacOptions.Region})
			for _, f := range res.Findings {
				if f.Resource == partner {
					t.Errorf("%s on partner, which the RCP closes: %s", f.RuleID, f.Message)
				}
			}
			want := a.RCPs[0].Name + ", PartnerOwnAccountOnly (statement #1) denies the account 999988887777 pull (3 actions)"
			var notes []string
			for _, n := range res.Notes {
				if n.Source == partner {
					notes = append(notes, n.Message)
				}
			}
			if len(notes) != 1 || !strings.Contains(notes[0], want) {
				t.Errorf("notes on partner %q, want one saying %q", notes, want)
			}
		})
	}
}

// A module and its plan scanned together read the RCP attachment twice:
// one level when they agree; when they disagree, a conflicting-inputs gap
// and the module's level (the first read), not both levels, which would
// take away what either alone allows (docs/iac.md, Limits).
func TestIaCModuleAndPlanRCP(t *testing.T) {
	src := os.DirFS("../testdata/iac")
	fsys := fstest.MapFS{}
	err := fs.WalkDir(src, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !(strings.HasPrefix(p, "terraform/") || strings.HasPrefix(p, "plan/")) {
			return err
		}
		data, err := fs.ReadFile(src, p)
		fsys[p] = &fstest.MapFile{Data: data}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	conflicts := func(est *estate.Estate) []string {
		var out []string
		for _, g := range est.Gaps {
			if g.Code == estate.GapConflictingInputs {
				out = append(out, g.String())
			}
		}
		return out
	}
	est := loadIaC(t, fsys, ".")
	if n, c := len(est.Account(iacAccount).RCPs), conflicts(est); n != 1 || len(c) != 0 {
		t.Errorf("agreeing module and plan: %d RCP levels, conflicts %q; want one level and none", n, c)
	}
	// The plan's RCP denies on policy-admin instead of partner.
	plan := string(fsys["plan/plan.json"].Data)
	const from, to = `repository/partner\",\n      \"Principal`, `repository/policy-admin\",\n      \"Principal`
	if strings.Count(plan, from) != 2 {
		t.Fatalf("plan: %d copies of the RCP's Resource, want 2 (planned values and changes)", strings.Count(plan, from))
	}
	fsys["plan/plan.json"] = &fstest.MapFile{Data: []byte(strings.ReplaceAll(plan, from, to))}
	est = loadIaC(t, fsys, ".")
	rcps := est.Account(iacAccount).RCPs
	if c := conflicts(est); len(rcps) != 1 || rcps[0].Source.File != "terraform/organizations.tf" || len(c) != 1 || !strings.Contains(c[0], "inputs disagree about the RCP level aws_organizations_policy.perimeter via aws_organizations_policy_attachment.account") {
		var at []string
		for _, p := range rcps {
			at = append(at, p.Source.String())
		}
		t.Errorf("disagreeing module and plan: RCP levels at %q, conflicts %q; want the module's level and one conflict", at, c)
	}
	res := rules.Run(est, analysis.Settings{Region: iacOptions.Region})
	found := false
	for _, f := range res.Findings {
		found = found || f.RuleID == "ECR004" && strings.HasSuffix(f.Resource, "repository/policy-admin")
	}
	if !found {
		t.Error("no ECR004 on policy-admin: the plan's RCP, which the module does not have, closed it")
	}
}

// Each finding points at the line to change: the statement (or the
// attribute that holds the policy) in the IaC file, as listed in
// testdata/iac/findings/FORM.txt (go test -update rewrites them; review
// the diff against the files).
func TestIaCFindingPositions(t *testing.T) {
	fsys := os.DirFS("../testdata/iac")
	for _, form := range iacForms {
		t.Run(form, func(t *testing.T) {
			res := scanIaC(t, fsys, form)
			type line struct {
				pos  policy.Pos
				text string
			}
			var lines []line
			for _, f := range res.Findings {
				lines = append(lines, line{f.Source, f.RuleID + " " + strings.TrimPrefix(f.Resource, "arn:aws:")})
			}
			for _, g := range res.Gaps {
				lines = append(lines, line{g.Pos, "gap " + string(g.Code)})
			}
			slices.SortFunc(lines, func(a, b line) int {
				return cmp.Or(cmp.Compare(a.pos.File, b.pos.File), cmp.Compare(a.pos.Line, b.pos.Line), cmp.Compare(a.pos.Col, b.pos.Col), cmp.Compare(a.text, b.text))
			})
			var sb strings.Builder
			for _, l := range lines {
				fmt.Fprintf(&sb, "%s %s\n", l.pos, l.text)
			}
			got := sb.String()
			golden.Check(t, filepath.Join("../testdata/iac/findings", strings.NewReplacer("/", "-", ".", "-").Replace(form)+".txt"), got)
		})
	}
}

// Unknown is not safe: a principal not known until deployment is taken
// at its worst (anyone: ECR001), and the finding names the value; in a
// plan, where Terraform marks the whole policy unknown, the repository is a
// coverage gap that names what it is computed from (exit code 2), never "no
// findings".
func TestIaCUnknownIsNotSafe(t *testing.T) {
	fsys := os.DirFS("../testdata/iac")
	const repo = "arn:aws:ecr:us-east-1:111122223333:repository/unknown-principal"
	for _, tc := range []struct {
		form, unknown string
	}{
		{"terraform", "principal AWS var.partner_arn"},
		{"cloudformation/template.yaml", "principal AWS !Ref PartnerArn"},
		{"cloudformation/template.json", "principal AWS !Ref PartnerArn"},
	} {
		t.Run(tc.form, func(t *testing.T) {
			res := scanIaC(t, fsys, tc.form)
			var msgs []string
			for _, f := range res.Findings {
				if f.Resource == repo {
					msgs = append(msgs, f.RuleID+": "+f.Message)
				}
			}
			if len(msgs) != 1 || !strings.HasPrefix(msgs[0], "ECR001: ") || !strings.Contains(msgs[0], "assuming the worst for values unknown at scan time: "+tc.unknown) {
				t.Errorf("findings on unknown-principal: %q, want ECR001 assuming the worst for %q", msgs, tc.unknown)
			}
		})
	}
	t.Run("plan", func(t *testing.T) {
		res := scanIaC(t, fsys, "plan/plan.json")
		for _, f := range res.Findings {
			if f.Resource == repo {
				t.Errorf("finding %s on a repository whose policy is unknown: %s", f.RuleID, f.Message)
			}
		}
		var gaps []string
		for _, g := range res.Gaps {
			if g.Resource == repo {
				gaps = append(gaps, g.String())
			}
		}
		if len(gaps) != 1 || !strings.Contains(gaps[0], "computed from data.aws_iam_policy_document.unknown_principal.json") {
			t.Errorf("gaps on unknown-principal: %q, want one naming the data source it is computed from", gaps)
		}
		if code := res.ExitCode(rules.Critical, false); code != rules.ExitIncomplete {
			t.Errorf("exit code %d, want %d", code, rules.ExitIncomplete)
		}
	})
}

// One walk gives each file to one reader: a folder holding every form
// reads the raw policies, the Terraform module (its child module and
// .tfvars included), the plan and the templates; nothing is read twice,
// and a broken file is a gap at its line while the others still give
// findings.
func TestIaCDispatch(t *testing.T) {
	fsys := fstest.MapFS{}
	add := func(name, data string) { fsys[name] = &fstest.MapFile{Data: []byte(data)} }
	add("raw/web.json", `{"Version": "2012-10-17", "Statement": [{"Sid": "Public", "Effect": "Allow", "Principal": "*", "Action": "ecr:BatchGetImage"}]}`)
	add("tf/main.tf", `
variable "reader" { type = string }
module "repo" {
  source = "./modules/repo"
  name   = "tf-app"
  reader = var.reader
}
`)
	add("tf/terraform.tfvars", `reader = "arn:aws:iam::999988887777:root"`)
	add("tf/prod.tfvars", `reader = "*"`)
	add("tf/modules/repo/main.tf", `
variable "name" { type = string }
variable "reader" { type = string }
resource "aws_ecr_repository" "this" { name = var.name }
resource "aws_ecr_repository_policy" "this" {
  repository = aws_ecr_repository.this.name
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{ Sid = "Reader", Effect = "Allow", Principal = { AWS = var.reader }, Action = "ecr:BatchGetImage" }]
  })
}
`)
	// A JSON policy a module reads with file() is the module's: it is not
	// also a raw policy of a repository called "pull".
	add("tf2/main.tf", `
resource "aws_ecr_repository" "app" { name = "tf2-app" }
resource "aws_ecr_repository_policy" "app" {
  repository = aws_ecr_repository.app.name
  policy     = file("${path.module}/policies/pull.json")
}
`)
	add("tf2/policies/pull.json", `{"Version": "2012-10-17",
  "Statement": [{"Sid": "Public", "Effect": "Allow", "Principal": "*", "Action": "ecr:BatchGetImage"}]}`)
	add("tf2/notes.txt", "not an input")
	add("tf/broken/main.tf", "resource \"aws_ecr_repository\" \"x\" {\n  name = \n}\n")
	add("cfn/stack.yml", `
Resources:
  Repo:
    Type: AWS::ECR::Repository
    Properties:
      RepositoryName: cfn-app
      RepositoryPolicyText:
        Version: "2012-10-17"
        Statement:
          - Sid: Public
            Effect: Allow
            Principal: "*"
            Action: ecr:BatchGetImage
`)
	add("cfn/broken.yaml", "AWSTemplateFormatVersion: 2010-09-09\nResources:\n  A: [\n")
	add("cfn/k8s.yaml", "apiVersion: v1\nkind: Pod\n")
	add("cfn/template.json", `{"Resources": {"R": {"Type": "AWS::ECR::Repository", "Properties": {"RepositoryName": "cfn-json"}}}}`)
	plan, err := os.ReadFile("../testdata/iac/plan/plan.json")
	if err != nil {
		t.Fatal(err)
	}
	fsys["plan/plan.json"] = &fstest.MapFile{Data: plan}

	res := scanIaC(t, fsys, ".", "cfn/stack.yml")
	var got []string
	for _, f := range res.Findings {
		if f.RuleID == "ECR001" || f.RuleID == "ECR003" {
			name := f.Resource[strings.LastIndexAny(f.Resource, ":/")+1:]
			got = append(got, fmt.Sprintf("%s %s %s:%d", f.RuleID, name, f.Source.File, f.Source.Line))
		}
	}
	slices.Sort(got)
	want := []string{
		// The plan's creation template, public for pull.
		"ECR001 cache plan/plan.json:439",
		"ECR001 cfn-app cfn/stack.yml:10",
		"ECR001 invalid plan/plan.json:261",
		"ECR001 public-app plan/plan.json:196",
		"ECR001 secure-transport plan/plan.json:209",
		// The child module's statement: prod.tfvars, which a deployment
		// may name with -var-file, sets its principal, so the principal
		// is unknown and taken at its worst.
		"ECR001 tf-app tf/modules/repo/main.tf:9",
		"ECR001 tf2-app tf2/policies/pull.json:2",
		"ECR001 web raw/web.json:1",
		// No ECR003 on the plan's partner: the plan's RCP, attached to
		// the account, closes it (TestIaCGuardrail).
		"ECR003 policy-admin plan/plan.json:235",
		"ECR003 registry plan/plan.json:298",
	}
	if !slices.Equal(got, want) {
		t.Errorf("findings\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	var gaps []string
	for _, g := range res.Gaps {
		gaps = append(gaps, g.Pos.String()+" "+string(g.Code))
	}
	slices.Sort(gaps)
	wantGaps := []string{
		"cfn/broken.yaml:3:3 parse-error",
		"plan/plan.json:278:9 unknown-until-apply",
		"tf/broken/main.tf:2:10 parse-error",
	}
	if !slices.Equal(gaps, wantGaps) {
		t.Errorf("gaps %q, want %q", gaps, wantGaps)
	}
	notes := map[string]string{}
	for _, n := range res.Notes {
		notes[n.Source] += n.Message
	}
	if !strings.Contains(notes["tf/prod.tfvars"], "only when it is named with -var-file") {
		t.Errorf("no note on tf/prod.tfvars: %q", notes)
	}
	// One note on the folder scanned lists every file skipped in it.
	if !strings.Contains(notes["."], "cfn/k8s.yaml, tf2/notes.txt (not a .json file, Terraform or a CloudFormation template)") {
		t.Errorf("no note on cfn/k8s.yaml and tf2/notes.txt: %q", notes)
	}
	if strings.Contains(notes["."], "pull.json") {
		t.Errorf("notes: %q, want none on tf2/policies/pull.json (a module reads it)", notes)
	}
	for _, f := range res.Findings {
		if strings.HasSuffix(f.Resource, "/pull") {
			t.Errorf("tf2/policies/pull.json read as a raw policy too: %s on %s", f.RuleID, f.Resource)
		}
	}
	// The CloudFormation JSON template is read once, by its reader: a
	// repository with no policy is "no policy", not unread.
	est, err := Load(context.Background(), fsys, []string{"cfn"}, Options{Account: iacAccount})
	if err != nil {
		t.Fatal(err)
	}
	r := est.Lookup(iacAccount).Region("us-east-1").Repository("cfn-json")
	if r.PolicyState != estate.NoPolicy {
		t.Errorf("cfn-json: policy state %d, want NoPolicy", r.PolicyState)
	}
}

// Paths on the command line name Terraform files as the other readers
// name theirs, ".." and all, and file() reads inside the scanned folders.
func TestIaCPaths(t *testing.T) {
	for _, tc := range []struct {
		path string
		want []string
	}{
		{"../testdata/iac/terraform", []string{
			"ECR001 public-app ../testdata/iac/terraform/policies.tf:7",
			"ECR004 policy-admin ../testdata/iac/terraform/policies/policy-admin.json:4",
			"ECR010 service ../testdata/iac/terraform/policies/service.json.tpl:4",
			"ECR005 registry ../testdata/iac/terraform/registry.tf:2",
			"ECR009 ci-admin ../testdata/iac/terraform/iam.tf:15",
		}},
		{"../testdata/iac/cloudformation/template.yaml", []string{
			"ECR001 public-app ../testdata/iac/cloudformation/template.yaml:33",
			"ECR009 ci-admin ../testdata/iac/cloudformation/template.yaml:209",
		}},
		{"../testdata/iac/plan/", []string{
			"ECR001 public-app ../testdata/iac/plan/plan.json:196",
		}},
	} {
		t.Run(tc.path, func(t *testing.T) {
			est, err := LoadPaths(context.Background(), []string{tc.path}, iacOptions)
			if err != nil {
				t.Fatal(err)
			}
			res := rules.Run(est, analysis.Settings{Region: iacOptions.Region})
			have := map[string]bool{}
			for _, f := range res.Findings {
				name := f.Resource[strings.LastIndexAny(f.Resource, ":/")+1:]
				have[fmt.Sprintf("%s %s %s:%d", f.RuleID, name, f.Source.File, f.Source.Line)] = true
			}
			for _, w := range tc.want {
				if !have[w] {
					t.Errorf("no finding %s in %v", w, have)
				}
			}
		})
	}
}

func TestOSNames(t *testing.T) {
	dir := t.TempDir()
	if err := os.MkdirAll(filepath.Join(dir, "infra", "mod"), 0o755); err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{"secret", "infra/mod/p.json"} {
		if err := os.WriteFile(filepath.Join(dir, f), []byte("x"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	root := filepath.ToSlash(filepath.Join(dir, "infra"))
	o := newOSNames([]string{filepath.Join(dir, "infra"), "."})
	for name, ok := range map[string]bool{
		root + "/mod/p.json":        true,
		root + "/mod/../mod/p.json": true,
		root:                        true,
		root + "/../secret":         false,
		path.Dir(root) + "/secret":  false,
		root + "x/secret":           false,
		"load_test.go":              true,
		"../testdata/iac/README.md": false,
	} {
		f, err := o.Open(name)
		if (err == nil) != ok {
			t.Errorf("Open(%q): %v, want allowed %v", name, err, ok)
		}
		if f != nil {
			f.Close()
		}
	}
}

// What Load says about the files it routes: the owner account when
// Terraform names none, variable files outside a root module's folder,
// files no reader wants, and the errors that stop it.
func TestLoadNotesAndErrors(t *testing.T) {
	fsys := fstest.MapFS{
		"tf/main.tf":        {Data: []byte(`resource "aws_ecr_repository" "app" { name = "app" }`)},
		"vars/prod.tfvars":  {Data: []byte(`x = 1`)},
		"vars/prod.auto.sh": {Data: []byte(`echo`)},
		"raw/app.json":      {Data: []byte(`{"Version": "2012-10-17", "Statement": []}`)},
	}
	notesOf := func(e *estate.Estate) []string {
		var out []string
		for _, n := range e.Notes {
			out = append(out, n.Source+": "+n.Message)
		}
		return out
	}
	est, err := Load(context.Background(), fsys, []string{"."}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	notes := notesOf(est)
	want := []string{
		".: skipped 2 file(s) that are not ecrguard inputs: vars/prod.auto.sh (not a .json file, Terraform or a CloudFormation template); vars/prod.tfvars (a Terraform variable file outside the folder of a root module, which Terraform does not read: give it with --var-file)",
		": " + ownerNote,
	}
	if !slices.Equal(notes, want) {
		t.Errorf("notes\n%s\nwant\n%s", strings.Join(notes, "\n"), strings.Join(want, "\n"))
	}
	// The raw policy names no account, and none is given: a gap.
	if len(est.Gaps) != 1 || est.Gaps[0].Source != "raw/app.json" {
		t.Errorf("gaps %v, want one on raw/app.json (no account)", est.Gaps)
	}
	// With the account known, the module's resources are that account's:
	// no owner note.
	est, err = Load(context.Background(), fsys, []string{"tf"}, Options{Account: iacAccount})
	if err != nil {
		t.Fatal(err)
	}
	if notes := notesOf(est); len(notes) != 0 {
		t.Errorf("notes %q, want none", notes)
	}
	if est.Lookup(iacAccount).Region("us-east-1").Repository("app") == nil {
		t.Error("tf/main.tf's repository not read")
	}

	// A root that does not exist is a gap, not the end of the scan.
	missing := filepath.Join(t.TempDir(), "missing")
	for name, load := range map[string]func() (*estate.Estate, error){
		"missing": func() (*estate.Estate, error) {
			return Load(context.Background(), fsys, []string{"missing"}, Options{})
		},
		missing: func() (*estate.Estate, error) { return LoadPaths(context.Background(), []string{missing}, Options{}) },
	} {
		est, err := load()
		if err != nil {
			t.Fatalf("missing root %s: %v, want a gap", name, err)
		}
		if len(est.Gaps) != 1 || est.Gaps[0].Source != filepath.ToSlash(name) || est.Gaps[0].Code != estate.GapReadError {
			t.Errorf("missing root %s: gaps %v, want one read-error", name, est.Gaps)
		}
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := Load(ctx, fsys, []string{"."}, Options{}); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled: %v, want context.Canceled", err)
	}
}

// TestCoverageOfRoots: a PATH given that ecrguard cannot use, and a folder
// with nothing to read, are gaps; the files skipped in a folder are one
// note on it, each with its reason.
func TestCoverageOfRoots(t *testing.T) {
	fsys := fstest.MapFS{
		"empty":                    {Mode: fs.ModeDir | 0o755},
		"docs/README.md":           {Data: []byte("# notes\n")},
		"docs/package.json":        {Data: []byte(`{"name": "x"}`)},
		"notes.txt":                {Data: []byte("hello\n")},
		"package.json":             {Data: []byte(`{"name": "x"}`)},
		"list.json":                {Data: []byte(`[1, 2]`)},
		"k8s.yaml":                 {Data: []byte("apiVersion: v1\nkind: Pod\n")},
		"prod.tfvars":              {Data: []byte("a = 1\n")},
		"policies/app.json":        {Data: []byte(`{"Version": "2012-10-17", "Statement": []}`)},
		"policies/CHANGELOG.md":    {Data: []byte("- one\n")},
		"policies/broken/bad.json": {Data: []byte(`{"Version": `)},
	}
	tests := []struct {
		name  string
		roots []string
		gaps  []string
		notes []string
	}{
		{"non-JSON file named", []string{"notes.txt"},
			[]string{"notes.txt not-an-input: not an input ecrguard reads (not a .json file, Terraform or a CloudFormation template), so nothing in it is assessed"}, nil},
		{"JSON of no known shape named", []string{"package.json"},
			[]string{"package.json not-an-input: not an input ecrguard reads (JSON with none of the shapes ecrguard reads: "}, nil},
		{"JSON array named", []string{"list.json"},
			[]string{"list.json not-an-input: not an input ecrguard reads (JSON whose top-level value is an array"}, nil},
		{"YAML that is no template named", []string{"k8s.yaml"},
			[]string{"k8s.yaml not-an-input: not an input ecrguard reads (not a .json file, Terraform or a CloudFormation template)"}, nil},
		{"variable file named", []string{"prod.tfvars"},
			[]string{"prod.tfvars not-an-input: not an input ecrguard reads (a Terraform variable file outside the folder of a root module, which Terraform does not read: give it with --var-file)"}, nil},
		{"empty folder", []string{"empty"},
			[]string{"empty nothing-to-read: nothing to read: the folder holds no file ecrguard could read (version control folders and the config file are not inputs)"}, nil},
		{"folder of files that are not inputs", []string{"docs"},
			[]string{"docs nothing-to-read: nothing to read: none of its 2 file(s) is an input ecrguard reads (the note on it lists each with its reason)"},
			[]string{"docs: skipped 2 file(s) that are not ecrguard inputs: README.md (not a .json file, Terraform or a CloudFormation template); package.json (JSON with none of the shapes ecrguard reads: "}},
		// A folder with an input, or with a file that is one but does not
		// read (a gap of its own), has something to read.
		{"folder with an input", []string{"policies"},
			[]string{"policies/broken/bad.json parse-error: invalid JSON"},
			[]string{"policies: skipped 1 file(s) that are not ecrguard inputs: CHANGELOG.md (not a .json file, Terraform or a CloudFormation template)"}},
		{"folder with a broken input only", []string{"policies/broken"},
			[]string{"policies/broken/bad.json parse-error: invalid JSON"}, nil},
		// Overlapping roots: the second walk finds nothing new, and the
		// folder is not empty for that.
		{"overlapping roots", []string{"policies", "policies/broken"},
			[]string{"policies/broken/bad.json parse-error: invalid JSON"},
			[]string{"policies: skipped 1 file(s)"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			est, err := Load(context.Background(), fsys, tt.roots, Options{Account: "111122223333"})
			if err != nil {
				t.Fatal(err)
			}
			var gaps, notes []string
			for _, g := range est.Gaps {
				gaps = append(gaps, g.Source+" "+string(g.Code)+": "+g.Message)
			}
			for _, n := range est.Notes {
				notes = append(notes, n.Source+": "+n.Message)
			}
			matchPrefixes(t, "gaps", gaps, tt.gaps)
			matchPrefixes(t, "notes", notes, tt.notes)
		})
	}
}

// matchPrefixes checks that got holds one line starting with each of want,
// in order, and nothing else.
func matchPrefixes(t *testing.T, what string, got, want []string) {
	t.Helper()
	ok := len(got) == len(want)
	for i := 0; ok && i < len(want); i++ {
		ok = strings.HasPrefix(got[i], want[i])
	}
	if !ok {
		t.Errorf("%s\n%s\nwant lines starting with\n%s", what, strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// TestUnreadableTemplateIsAReadError: a YAML file too large to be read as a
// template is a read-error gap, as the file reader's unreadable files are.
func TestUnreadableTemplateIsAReadError(t *testing.T) {
	fsys := fstest.MapFS{"big.yaml": {Data: bytes.Repeat([]byte("a"), maxTemplateSize+1)}}
	est, err := Load(context.Background(), fsys, []string{"."}, Options{Account: "111122223333"})
	if err != nil {
		t.Fatal(err)
	}
	if len(est.Gaps) != 1 || est.Gaps[0].Code != estate.GapReadError || est.Gaps[0].Source != "big.yaml" {
		t.Errorf("gaps %+v, want one read-error on big.yaml", est.Gaps)
	}
}
