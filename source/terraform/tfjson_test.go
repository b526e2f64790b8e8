package terraform

import (
	"errors"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/ecrguard/ecrguard/estate"
	"github.com/ecrguard/ecrguard/internal/iacdoc/iacdoctest"
	"github.com/ecrguard/ecrguard/policy"
)

// cdkJSON is a configuration as CDK for Terraform writes it (cdk.tf.json):
// blocks as JSON objects, nested blocks as lists of objects, references as
// "${...}" strings, "//" properties for metadata.
const cdkJSON = `{
  "//": {"metadata": {"backend": "local", "stackName": "registry"}},
  "provider": {
    "aws": [
      {"region": "eu-west-1"},
      {"alias": "use1", "region": "us-east-1"}
    ]
  },
  "variable": {
    "partner": {"type": "string", "default": "444455556666"},
    "readers": {"type": "list(string)", "default": ["${not.a.template}"]}
  },
  "locals": {"name": "payments"},
  "data": {
    "aws_iam_policy_document": {
      "read": {
        "statement": [
          {
            "sid": "Partner",
            "actions": ["ecr:BatchGetImage"],
            "principals": [{"type": "AWS", "identifiers": ["arn:aws:iam::${var.partner}:root"]}]
          },
          {
            "sid": "Org",
            "actions": ["ecr:GetDownloadUrlForLayer"],
            "principals": [{"type": "AWS", "identifiers": ["*"]}],
            "condition": [{"test": "StringEquals", "variable": "aws:PrincipalOrgID", "values": ["o-abcdefghij"]}]
          }
        ]
      }
    }
  },
  "resource": {
    "aws_ecr_repository": {
      "repo": {
        "//": {"metadata": {"path": "registry/repo"}},
        "name": "${local.name}",
        "image_scanning_configuration": {"scan_on_push": true}
      },
      "east": {"provider": "aws.use1", "name": "east"}
    },
    "aws_ecr_repository_policy": {
      "repo": {
        "repository": "${aws_ecr_repository.repo.name}",
        "policy": "${data.aws_iam_policy_document.read.json}"
      },
      "east": {
        "provider": "aws.use1",
        "repository": "${aws_ecr_repository.east.name}",
        "policy": "${jsonencode({Version = \"2012-10-17\", Statement = [{Effect = \"Allow\", Principal = \"*\", Action = \"ecr:*\"}]})}"
      }
    }
  }
}
`

func TestTerraformJSON(t *testing.T) {
	est := load(t, map[string]string{"cdk.tf.json": cdkJSON}, Options{Account: acct})
	if len(est.Gaps) != 0 {
		t.Fatalf("gaps %v", est.Gaps)
	}
	r := findRepo(t, est, acct, "payments")
	if r.Source.String() != "cdk.tf.json:35:15" {
		t.Errorf("repository defined at %s, want the line of its label", r.Source)
	}
	if r.Policy == nil || len(r.Policy.Doc.Statements) != 2 {
		t.Fatalf("policy %+v", r.Policy)
	}
	s := r.Policy.Doc.Statements[0]
	if s.Sid != "Partner" || s.Pos.String() != "cdk.tf.json:18:11" {
		t.Errorf("statement %q at %s, want Partner at cdk.tf.json:18:11", s.Sid, s.Pos)
	}
	if p := iacdoctest.Principals(s); len(p) != 1 || p[0].Text != "arn:aws:iam::444455556666:root" || p[0].Unknown {
		t.Errorf("principals %+v", p)
	}
	if c := r.Policy.Doc.Statements[1].Conditions; len(c) != 1 || c[0].Key != "aws:PrincipalOrgID" || c[0].Values[0].Text != "o-abcdefghij" {
		t.Errorf("conditions %+v", c)
	}
	// The aliased provider's region, and jsonencode() in a template.
	east := findRepoIn(t, est, "us-east-1", "east")
	if east.Policy == nil || len(east.Policy.Doc.Statements) != 1 || !east.Policy.Doc.Statements[0].Principal.IsEveryone() {
		t.Fatalf("east policy %+v", east.Policy)
	}
	if pos := east.Policy.Doc.Statements[0].Pos; pos.File != "cdk.tf.json" || pos.Line != 50 {
		t.Errorf("east statement at %s, want cdk.tf.json:50", pos)
	}
}

// findRepoIn finds a repository of account acct in a region.
func findRepoIn(t *testing.T, est *estate.Estate, region, name string) *estate.Repository {
	t.Helper()
	for _, repo := range est.Lookup(acct).Region(region).Repositories() {
		if repo.Name == name {
			return repo
		}
	}
	t.Fatalf("no repository %s in %s", name, region)
	return nil
}

// A module written in both syntaxes reads the same: .tf and .tf.json
// files of one folder are one module, and a .tf.json module is called
// like any other.
func TestTerraformJSONMixed(t *testing.T) {
	est := load(t, map[string]string{
		"main.tf": `
module "repos" {
  source  = "./modules/repo"
  name    = "app"
  readers = ["arn:aws:iam::444455556666:root"]
}
`,
		"modules/repo/variables.tf.json": `{"variable": {"name": {"type": "string"}, "readers": {"type": "list(string)"}}}`,
		"modules/repo/main.tf.json": `{
  "resource": {
    "aws_ecr_repository": {"this": {"name": "${var.name}"}},
    "aws_ecr_repository_policy": {"this": {
      "repository": "${aws_ecr_repository.this.name}",
      "policy": "${data.aws_iam_policy_document.read.json}"
    }}
  },
  "data": {"aws_iam_policy_document": {"read": {
    "dynamic": {"statement": {
      "for_each": "${var.readers}",
      "content": {
        "actions": ["ecr:BatchGetImage"],
        "principals": {"type": "AWS", "identifiers": ["${statement.value}"]}
      }
    }}
  }}}
}`,
	}, Options{Account: acct})
	if len(est.Gaps) != 0 {
		t.Fatalf("gaps %v", est.Gaps)
	}
	r := findRepo(t, est, acct, "app")
	if r.Policy == nil || len(r.Policy.Doc.Statements) != 1 {
		t.Fatalf("policy %+v", r.Policy)
	}
	s := r.Policy.Doc.Statements[0]
	if p := iacdoctest.Principals(s); len(p) != 1 || p[0].Text != "arn:aws:iam::444455556666:root" {
		t.Errorf("principals %+v", p)
	}
	if s.Pos.File != "modules/repo/main.tf.json" || s.Pos.Line != 12 {
		t.Errorf("statement at %s, want modules/repo/main.tf.json:12", s.Pos)
	}
	fsys := fstest.MapFS{"only/main.tf.json": {Data: []byte(`{}`)}}
	if got := FindModules(fsys, []string{"."}); len(got) != 1 || got[0] != "only" {
		t.Errorf("FindModules = %v, want [only]", got)
	}
}

func TestTerraformJSONErrors(t *testing.T) {
	for _, tc := range []struct{ name, src, want string }{
		{"syntax", "{\n  \"resource\": {,}\n}", "x.tf.json:2:"},
		{"template", `{"locals": {"a": "${var.}"}}`, "x.tf.json:1:"},
		{"type", `{"variable": {"a": {"type": "list("}}}`, "x.tf.json:1:"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := LoadModule(fstest.MapFS{"x.tf.json": {Data: []byte(tc.src)}}, ".", Options{Account: acct})
			var pe *policy.Error
			if err == nil || !strings.HasPrefix(err.Error(), tc.want) || !errors.As(err, &pe) {
				t.Errorf("err = %v, want a *policy.Error at %s", err, tc.want)
			}
		})
	}
}

// terraform.workspace is what `terraform workspace select` chose: unknown
// unless Options.Workspace names it.
func TestWorkspace(t *testing.T) {
	files := map[string]string{"main.tf": `
resource "aws_ecr_repository" "app" { name = "app-${terraform.workspace}" }
resource "aws_ecr_repository_policy" "app" {
  repository = aws_ecr_repository.app.name
  policy = jsonencode({ Version = "2012-10-17", Statement = [{
    Effect = "Allow", Action = "ecr:BatchGetImage",
    Principal = { AWS = terraform.workspace == "prod" ? "arn:aws:iam::444455556666:root" : "*" }
  }] })
}
`}
	est := load(t, files, Options{Account: acct, Workspace: "prod"})
	r := findRepo(t, est, acct, "app-prod")
	if p := iacdoctest.Principals(r.Policy.Doc.Statements[0]); len(p) != 1 || p[0].Text != "arn:aws:iam::444455556666:root" {
		t.Errorf("principals %+v", p)
	}
	if hasNote(est, "terraform.workspace") {
		t.Errorf("notes %v", est.Notes)
	}

	est = load(t, files, Options{Account: acct})
	if !hasNote(est, "terraform.workspace is not known (no --workspace)") {
		t.Errorf("notes %v", est.Notes)
	}
	for _, a := range est.Accounts() {
		for _, reg := range a.Regions() {
			for _, repo := range reg.Repositories() {
				if repo.Name == "app-default" {
					t.Errorf("repository %s: the workspace was taken as default", repo.Name)
				}
				if repo.Policy != nil {
					if p := iacdoctest.Principals(repo.Policy.Doc.Statements[0]); len(p) != 1 || !p[0].Unknown {
						t.Errorf("principal %+v, want unknown", p)
					}
				}
			}
		}
	}
}

func TestCheckVars(t *testing.T) {
	fsys := fstest.MapFS{
		"a/main.tf":           {Data: []byte(`variable "partner_account" {}`)},
		"b/variables.tf.json": {Data: []byte(`{"variable": {"region_name": {}}}`)},
		"broken/main.tf":      {Data: []byte(`variable "x" {`)},
	}
	vars := map[string]string{"partner_account": "1", "region_name": "x"}
	if err := CheckVars(fsys, []string{"a", "b"}, vars); err != nil {
		t.Errorf("declared in one of the modules: %v", err)
	}
	err := CheckVars(fsys, []string{"a"}, map[string]string{"partner_acount": "1", "zzz": "2"})
	want := `--var partner_acount: the root module a does not declare it; did you mean "partner_account"?` + "\n" +
		`--var zzz: the root module a does not declare it`
	if err == nil || err.Error() != want {
		t.Errorf("err = %v, want %s", err, want)
	}
	if err := CheckVars(fsys, []string{"a", "broken"}, map[string]string{"x": "1"}); err != nil {
		t.Errorf("a module that does not parse: %v (LoadModule reports it)", err)
	}
	if err := CheckVars(fsys, nil, map[string]string{"x": "1"}); err == nil || !strings.Contains(err.Error(), "no Terraform module among the inputs declares it") {
		t.Errorf("no module: %v", err)
	}
}
