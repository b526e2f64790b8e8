package terraform

import (
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"
	"unicode"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/ecrguard/ecrguard/estate"
	"github.com/ecrguard/ecrguard/internal/golden"
	"github.com/ecrguard/ecrguard/internal/iacdoc"
	"github.com/ecrguard/ecrguard/policy"
)

// appFromDocument is the repository policy of app, as the JSON of the
// document data.aws_iam_policy_document.app.
const appFromDocument = `
resource "aws_ecr_repository_policy" "app" {
  repository = "app"
  policy     = data.aws_iam_policy_document.app.json
}
`

// guardStatements are two Deny statements of the kind exposure.ProposeFix
// appends: one for every principal outside an organization and the
// owner's roles, naming the owner with the ${aws:ResourceAccount}
// variable (which a template must escape), one for requests without a
// principal account.
func guardStatements() []*policy.Statement {
	cond := func(op, key string, vals ...string) policy.Condition {
		c := policy.Condition{Operator: op, Op: policy.ParseOperator(op), Key: key}
		for _, v := range vals {
			c.Values = append(c.Values, policy.Value{Text: v})
		}
		return c
	}
	return []*policy.Statement{
		{
			Sid: "EcrguardDenyOutsideTrustZone", Effect: policy.Deny, Principal: &policy.Principal{Wildcard: true},
			Action: []policy.Value{{Text: "ecr:*"}},
			Conditions: []policy.Condition{
				cond("StringNotEquals", "aws:PrincipalOrgID", "o-a1b2c3d4e5"),
				cond("ArnNotLike", "aws:PrincipalArn", "arn:aws:iam::${aws:ResourceAccount}:role/ci-*", "arn:aws:iam::444455556666:root"),
			},
		},
		{
			Sid: "EcrguardDenyNoPrincipalAccount", Effect: policy.Deny, Principal: &policy.Principal{Wildcard: true},
			Action:     []policy.Value{{Text: "ecr:BatchGetImage"}, {Text: "ecr:GetDownloadUrlForLayer"}},
			Conditions: []policy.Condition{cond("Null", "aws:PrincipalAccount", "true")},
		},
	}
}

func repoPolicy(name string) func(*estate.Estate) *estate.Policy {
	return func(est *estate.Estate) *estate.Policy {
		return est.Account(acct).Region("us-east-1").Repository(name).Policy
	}
}

func registryPolicy(est *estate.Estate) *estate.Policy {
	return est.Account(acct).Region("us-east-1").Registry.Policy
}

func templatePolicy(prefix string) func(*estate.Estate) *estate.Policy {
	return func(est *estate.Estate) *estate.Policy {
		return est.Account(acct).Region("us-east-1").Template(prefix).Policy
	}
}

func publicPolicy(name string) func(*estate.Estate) *estate.Policy {
	return func(est *estate.Estate) *estate.Policy {
		return est.Account(acct).PublicRepository(name).Policy
	}
}

const partner = `"arn:aws:iam::444455556666:root"`

// insertForm is a module that writes a resource policy in one of the forms
// the reader places statements in.
type insertForm struct {
	name   string
	files  map[string]string
	policy func(*estate.Estate) *estate.Policy
	edited string // the file the statements go into
}

var insertForms = []insertForm{
	{"jsonencode", map[string]string{"main.tf": `resource "aws_ecr_repository" "app" {
  name = "app"
}

resource "aws_ecr_repository_policy" "app" {
  repository = aws_ecr_repository.app.name
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Sid       = "Pull"
        Effect    = "Allow"
        Principal = { AWS = ` + partner + ` }
        Action    = ["ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"]
      }
    ]
  })
}
`}, repoPolicy("app"), "main.tf"},
	// A trailing comma and a comment after the last statement: the
	// guards go on the lines after it, each with its comma.
	{"jsonencode_trailing_comma", map[string]string{"main.tf": `resource "aws_ecr_registry_policy" "r" {
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Sid       = "Replicate"
        Effect    = "Allow"
        Principal = { AWS = ` + partner + ` }
        Action    = ["ecr:ReplicateImage"]
        Resource  = "arn:aws:ecr:us-east-1:111122223333:repository/*"
      }, # the partner replicates into us
    ]
  })
}
`}, registryPolicy, "main.tf"},
	// Written in a local value, the list hugging its statement.
	{"jsonencode_local_hugging", map[string]string{"main.tf": `locals {
  policy = {
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = "*"
      Action    = "ecr:BatchGetImage"
    }]
  }
}

resource "aws_ecr_repository_policy" "app" {
  repository = "app"
  policy     = jsonencode(local.policy)
}
`}, repoPolicy("app"), "main.tf"},
	{"heredoc", map[string]string{"main.tf": `resource "aws_ecr_repository_policy" "app" {
  repository = "app"
  policy     = <<EOF
{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Sid": "Pull",
      "Effect": "Allow",
      "Principal": {"AWS": ` + partner + `},
      "Action": ["ecr:BatchGetImage"]
    }
  ]
}
EOF
}
`}, repoPolicy("app"), "main.tf"},
	// A flush heredoc with four-space JSON hugging its statement, and
	// an interpolation in a string.
	{"heredoc_flush", map[string]string{"main.tf": `resource "aws_ecr_repository" "base" {
  name = "base"
}

resource "aws_ecr_repository_creation_template" "team" {
  prefix      = "team"
  applied_for = ["PULL_THROUGH_CACHE"]
  repository_policy = <<-EOT
    {
        "Version": "2012-10-17",
        "Statement": [{
            "Sid": "Pull",
            "Effect": "Allow",
            "Principal": {"AWS": ` + partner + `},
            "Action": "ecr:BatchGetImage",
            "Condition": {"StringEquals": {"aws:SourceArn": "${aws_ecr_repository.base.arn}"}}
        }]
    }
  EOT
}
`}, templatePolicy("team"), "main.tf"},
	{"quoted", map[string]string{"main.tf": `resource "aws_ecrpublic_repository" "tools" {
  repository_name = "tools"
}

resource "aws_ecrpublic_repository_policy" "tools" {
  repository_name = aws_ecrpublic_repository.tools.repository_name
  policy          = "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Sid\":\"Pull\",\"Effect\":\"Allow\",\"Principal\":\"*\",\"Action\":\"ecr-public:BatchCheckLayerAvailability\"}]}"
}
`}, publicPolicy("tools"), "main.tf"},
	{"policy_document", map[string]string{"main.tf": `data "aws_iam_policy_document" "app" {
  statement {
    sid    = "Pull"
    effect = "Allow"
    principals {
      type        = "AWS"
      identifiers = [` + partner + `]
    }
    actions = ["ecr:BatchGetImage"]
  }
}
` + appFromDocument}, repoPolicy("app"), "main.tf"},
	// An empty list: the statements go on lines of their own.
	{"jsonencode_empty", map[string]string{"main.tf": `resource "aws_ecr_repository_policy" "app" {
  repository = "app"
  policy     = jsonencode({ Version = "2012-10-17", Statement = [] })
}
`}, repoPolicy("app"), "main.tf"},
	// A dynamic statement block comes before the new blocks, in the
	// order the data source reads them.
	{"policy_document_dynamic", map[string]string{"main.tf": `data "aws_iam_policy_document" "app" {
  dynamic "statement" {
    for_each = toset(["ecr:BatchGetImage"])
    content {
      sid     = "Pull"
      actions = [statement.value]
      principals {
        type        = "AWS"
        identifiers = [` + partner + `]
      }
    }
  }
}
` + appFromDocument}, repoPolicy("app"), "main.tf"},
	// A variable's default, in another file.
	{"variable_default", map[string]string{"main.tf": `resource "aws_ecr_repository_policy" "app" {
  repository = "app"
  policy     = var.policy
}
`, "variables.tf": `variable "policy" {
  type    = string
  default = <<EOF
{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": "*", "Action": "ecr:BatchGetImage"}]}
EOF
}
`}, repoPolicy("app"), "variables.tf"},
	// A list on one line, hugging its statement; a file with CRLF line
	// ends.
	{"jsonencode_one_line", map[string]string{"main.tf": strings.ReplaceAll(`resource "aws_ecr_repository_policy" "app" {
  repository = "app"
  policy     = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Allow", Principal = "*", Action = "ecr:BatchGetImage" }] })
}
`, "\n", "\r\n")}, repoPolicy("app"), "main.tf"},
	// each.value.policy of a module called with for_each over a map
	// written in the call: the policy is the map's element, where the
	// statements go (the argument itself holds no text).
	{"for_each_module", map[string]string{"main.tf": `module "repository" {
  source = "./modules/ecr"
  for_each = {
    app = {
      policy = jsonencode({
        Version = "2012-10-17"
        Statement = [
          {
            Sid       = "Pull"
            Effect    = "Allow"
            Principal = { AWS = ` + partner + ` }
            Action    = "ecr:BatchGetImage"
          },
        ]
      })
    }
  }

  name   = each.key
  policy = each.value.policy
}
`, "modules/ecr/main.tf": `variable "name" {}
variable "policy" {}

resource "aws_ecr_repository_policy" "this" {
  repository = var.name
  policy     = var.policy
}
`}, repoPolicy("app"), "main.tf"},
	// each.value["policy"] of a resource's for_each over a variable's
	// default map: the element of the instance's key.
	{"for_each_variable", map[string]string{"main.tf": `variable "repos" {
  default = {
    web = { policy = jsonencode({ Statement = [{ Effect = "Deny", Principal = "*", Action = "ecr:*" }] }) }
    app = {
      "policy" = <<-EOT
        {
          "Version": "2012-10-17",
          "Statement": [
            {
              "Effect": "Allow",
              "Principal": {"AWS": ` + partner + `},
              "Action": "ecr:BatchGetImage"
            }
          ]
        }
      EOT
    }
  }
}

resource "aws_ecr_repository_policy" "this" {
  for_each   = var.repos
  repository = each.key
  policy     = each.value["policy"]
}
`}, repoPolicy("app"), "main.tf"},
	// A file saved with a UTF-8 byte-order mark: the place is in the
	// file's bytes, after the mark (the reader reads the text after it).
	{"jsonencode_byte_order_mark", map[string]string{"main.tf": "\ufeff" + `resource "aws_ecr_repository_policy" "app" {
  repository = "app"
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      { Effect = "Allow", Principal = "*", Action = "ecr:BatchGetImage" },
    ]
  })
}
`}, repoPolicy("app"), "main.tf"},
	// file(): the statements go into the JSON file.
	{"file", map[string]string{"main.tf": `resource "aws_ecr_repository_policy" "app" {
  repository = "app"
  policy     = file("policies/app.json")
}
`, "policies/app.json": `{
    "Version": "2012-10-17",
    "Statement": [
        {
            "Sid": "Pull",
            "Effect": "Allow",
            "Principal": {"AWS": ` + partner + `},
            "Action": "ecr:BatchGetImage"
        }
    ]
}
`}, repoPolicy("app"), "policies/app.json"},
}

// Each form of resource policy places the guards at the end of its
// Statement list: rendered, spliced in and read again, the policy is the
// original statements and the guards, with no gap; the edited file is a
// golden file (testdata/insert/NAME.golden) laid out as terraform fmt
// would.
func TestStatementInsert(t *testing.T) {
	for _, tc := range insertForms {
		t.Run(tc.name, func(t *testing.T) {
			est := load(t, tc.files, Options{Account: acct})
			pol := tc.policy(est)
			if pol == nil || pol.Insert == nil {
				t.Fatalf("policy %v: no Insert (gaps %v)", pol, est.Gaps)
			}
			if pol.Insert.File != tc.edited {
				t.Fatalf("Insert.File = %q, want %q", pol.Insert.File, tc.edited)
			}
			edited := splice(t, tc.files[tc.edited], pol.Insert, guardStatements())
			golden.Check(t, filepath.Join("testdata", "insert", tc.name+".golden"), edited)
			files := map[string]string{}
			for k, v := range tc.files {
				files[k] = v
			}
			files[tc.edited] = edited
			checkAppended(t, pol, tc.policy, files, guardStatements())
		})
	}
}

// utf16LE is s in UTF-16LE with a byte-order mark, as PowerShell's >
// saves it.
func utf16LE(s string) string {
	out := []byte{0xFF, 0xFE}
	for _, u := range utf16.Encode([]rune(s)) {
		out = append(out, byte(u), byte(u>>8))
	}
	return string(out)
}

// splice inserts stmts into src as ins says.
func splice(t *testing.T, src string, ins *estate.StatementInsert, stmts []*policy.Statement) string {
	t.Helper()
	text, err := ins.Render(stmts)
	if err != nil {
		t.Fatalf("Render: %v", err)
	}
	if ins.Offset < 0 || ins.Offset > len(src) {
		t.Fatalf("Offset %d outside the file (%d bytes)", ins.Offset, len(src))
	}
	return src[:ins.Offset] + text + src[ins.Offset:]
}

// checkAppended reads files and checks that the policy is orig's
// statements followed by added, with no gap.
func checkAppended(t *testing.T, orig *estate.Policy, pick func(*estate.Estate) *estate.Policy, files map[string]string, added []*policy.Statement) {
	t.Helper()
	checkAppendedGaps(t, orig, pick, files, added, 0)
}

// checkAppendedGaps is checkAppended for a module that had gaps before
// the edit: it must have no more after it.
func checkAppendedGaps(t *testing.T, orig *estate.Policy, pick func(*estate.Estate) *estate.Policy, files map[string]string, added []*policy.Statement, gaps int) {
	t.Helper()
	est := load(t, files, Options{Account: acct})
	if len(est.Gaps) > gaps {
		t.Fatalf("gaps after the edit: %v\n%s", est.Gaps, files)
	}
	got := pick(est)
	if got == nil {
		t.Fatal("no policy after the edit")
	}
	want := *orig.Doc
	want.Statements = append(append([]*policy.Statement(nil), orig.Doc.Statements...), added...)
	if g, w := iacdoc.Canonical(got.Doc), iacdoc.Canonical(&want); g != w {
		t.Fatalf("after the edit the policy reads\n%s\nwant\n%s\n%s", g, w, files)
	}
	if got.Insert == nil {
		t.Error("the edited policy has no Insert")
	}
}

// A policy the reader cannot place exactly gets no Insert, never a wrong
// one: a Statement list an expression builds, templatefile(), a data source
// that merges other documents, a plan, JSON syntax, a file decoded from
// UTF-16.
func TestStatementInsertNone(t *testing.T) {
	const stmt = `{ Effect = "Allow", Principal = "*", Action = "ecr:BatchGetImage" }`
	policyTF := func(policy string) string {
		return "resource \"aws_ecr_repository_policy\" \"app\" {\n  repository = \"app\"\n  policy = " + policy + "\n}\n"
	}
	for _, tc := range []struct {
		name  string
		files map[string]string
	}{
		{"concat", map[string]string{"main.tf": policyTF(`jsonencode({ Version = "2012-10-17", Statement = concat([` + stmt + `], []) })`)}},
		{"for", map[string]string{"main.tf": policyTF(`jsonencode({ Version = "2012-10-17", Statement = [for a in ["ecr:BatchGetImage"] : ` + strings.Replace(stmt, `"ecr:BatchGetImage"`, "a", 1) + `] })`)}},
		{"reference", map[string]string{"main.tf": policyTF(`jsonencode({ Version = "2012-10-17", Statement = local.s })`) + "locals {\n  s = [" + stmt + "]\n}\n"}},
		{"merge", map[string]string{"main.tf": policyTF(`jsonencode(merge({ Version = "2012-10-17" }, { Statement = [` + stmt + `] }))`)}},
		{"one statement", map[string]string{"main.tf": policyTF(`jsonencode({ Version = "2012-10-17", Statement = ` + stmt + ` })`)}},
		{"templatefile", map[string]string{"main.tf": policyTF(`templatefile("p.tpl", { a = "ecr:BatchGetImage" })`),
			"p.tpl": `{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": "*", "Action": "${a}"}]}`}},
		{"interpolated list", map[string]string{"main.tf": policyTF("<<EOF\n{\"Version\": \"2012-10-17\", \"Statement\": ${jsonencode([" + stmt + "])}}\nEOF")}},
		{"merged documents", map[string]string{"main.tf": policyTF(`data.aws_iam_policy_document.d.json`) + `data "aws_iam_policy_document" "d" {
  source_policy_documents = [jsonencode({ Version = "2012-10-17", Statement = [` + stmt + `] })]
}
`}},
		{"UTF-16", map[string]string{"main.tf": utf16LE(policyTF(`jsonencode({ Version = "2012-10-17", Statement = [` + stmt + `] })`))}},
		{"JSON syntax", map[string]string{"main.tf.json": `{"resource": {"aws_ecr_repository_policy": {"app": {"repository": "app",
  "policy": "${jsonencode({ Version = \"2012-10-17\", Statement = [{ Effect = \"Allow\", Principal = \"*\", Action = \"ecr:BatchGetImage\" }] })}"}}}}`}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			est := load(t, tc.files, Options{Account: acct})
			pol := repoPolicy("app")(est)
			if pol == nil {
				t.Fatalf("no policy (gaps %v)", est.Gaps)
			}
			if pol.Insert != nil {
				t.Errorf("Insert = %+v, want none", pol.Insert)
			}
		})
	}
	t.Run("plan", func(t *testing.T) {
		est, err := LoadPlan([]byte(`{"format_version": "1.2", "planned_values": {"root_module": {"resources": [{"address": "aws_ecr_repository_policy.p", "mode": "managed", "type": "aws_ecr_repository_policy", "name": "p",
  "values": {"repository": "app", "policy": "{\"Version\": \"2012-10-17\", \"Statement\": [{\"Effect\": \"Allow\", \"Principal\": \"*\", \"Action\": \"ecr:BatchGetImage\"}]}"}}]}}}`), "plan.json", Options{Account: acct})
		if err != nil {
			t.Fatal(err)
		}
		if pol := repoPolicy("app")(est); pol == nil || pol.Insert != nil {
			t.Errorf("policy %+v: want one without Insert", pol)
		}
	})
}

// FuzzStatementInsert renders a statement of random strings into each form
// and reads the module again: the policy must be the original statements
// and the new one (when the new one is a valid statement at all), with no
// gap and no parse error: escaping is right in every syntax.
//
//	go test -run='^$' -fuzz=FuzzStatementInsert -fuzztime=30s ./source/terraform/
func FuzzStatementInsert(f *testing.F) {
	f.Add(uint8(0), "Guard", "ecr:*", "", uint8(0), "aws:PrincipalOrgID", "o-a1b2c3d4e5")
	f.Add(uint8(3), "x", "ecr:BatchGetImage", "arn:aws:ecr:us-east-1:${aws:ResourceAccount}:repository/*", uint8(1), "aws:PrincipalArn", "arn:aws:iam::${aws:ResourceAccount}:role/*")
	f.Add(uint8(5), "", "ecr:*", "", uint8(2), "aws:PrincipalTag/team", "%{if x}\"quoted\" \\ back\nslash")
	f.Add(uint8(6), "Sid", "ecr:*", "*", uint8(3), "aws:PrincipalAccount", "true")
	f.Fuzz(func(t *testing.T, form uint8, sid, action, resource string, op uint8, key, value string) {
		for _, s := range []string{sid, action, resource, key, value} {
			if !utf8.ValidString(s) {
				t.Skip("JSON writes invalid UTF-8 as U+FFFD")
			}
		}
		tc := insertForms[int(form)%len(insertForms)]
		operators := []string{"StringNotEquals", "ArnNotLike", "StringLike", "Null", "ForAllValues:StringNotLike"}
		opName := operators[int(op)%len(operators)]
		st := &policy.Statement{
			Sid: "F" + strings.Map(func(r rune) rune {
				if r < 128 && (unicode.IsLetter(r) || unicode.IsDigit(r)) {
					return r
				}
				return -1
			}, sid),
			Effect: policy.Deny, Principal: &policy.Principal{Wildcard: true},
			Action:     []policy.Value{{Text: action}},
			Conditions: []policy.Condition{{Operator: opName, Op: policy.ParseOperator(opName), Key: key, Values: []policy.Value{{Text: value}}}},
		}
		if resource != "" {
			st.Resource = []policy.Value{{Text: resource}}
		}
		est := load(t, tc.files, Options{Account: acct})
		pol := tc.policy(est)
		// Only a statement that is valid in a policy can be read back.
		want := *pol.Doc
		want.Statements = append(append([]*policy.Statement(nil), pol.Doc.Statements...), st)
		text, err := policy.Marshal(&want)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := policy.Parse(text, "want.json"); err != nil {
			t.Skip("not a valid statement:", err)
		}
		if strings.Contains(tc.name, "policy_document") && strings.Contains(strings.Join([]string{action, resource, key, value}, "\x00"), "&{") {
			if _, err := pol.Insert.Render([]*policy.Statement{st}); err == nil {
				t.Fatal("Render wrote &{ into an aws_iam_policy_document")
			}
			return
		}
		files := map[string]string{}
		for k, v := range tc.files {
			files[k] = v
		}
		files[tc.edited] = splice(t, tc.files[tc.edited], pol.Insert, []*policy.Statement{st})
		checkAppended(t, pol, tc.policy, files, []*policy.Statement{st})
	})
}

// resourcePolicies returns the resource policies of est by what they
// govern.
func resourcePolicies(est *estate.Estate) map[string]*estate.Policy {
	out := map[string]*estate.Policy{}
	for _, a := range est.Accounts() {
		for _, r := range a.Regions() {
			for _, repo := range r.Repositories() {
				out["repository "+repo.ARN] = repo.Policy
			}
			for _, tp := range r.Templates() {
				out["template "+tp.ARN] = tp.Policy
			}
			out["registry "+a.ID+" "+r.Name] = r.Registry.Policy
		}
		for _, p := range a.Public {
			out["public "+p.ARN] = p.Policy
		}
	}
	return out
}

// FuzzInsertPlacement feeds a .tf file and a JSON file it may read to the
// reader: every resource policy it gives an Insert must read, once the
// guards are written there, as its statements and the guards. A wrong
// place fails to parse or reads otherwise.
//
//	go test -run='^$' -fuzz=FuzzInsertPlacement -fuzztime=30s ./source/terraform/
func FuzzInsertPlacement(f *testing.F) {
	for _, form := range insertForms {
		src := form.files["main.tf"]
		if form.edited != "main.tf" {
			src = strings.ReplaceAll(src, form.edited, "p.json")
		}
		f.Add([]byte(src), []byte(form.files[form.edited]))
	}
	for _, src := range []string{
		// Comments in and after the list, a block comment after a comma.
		"resource \"aws_ecr_repository_policy\" \"a\" {\n  repository = \"a\"\n  policy = jsonencode({\n    Statement = [ # first\n      { Effect = \"Allow\", Principal = \"*\", Action = \"ecr:*\" }, /* c */\n      // last\n    ]\n  })\n}\n",
		// Interpolations and a directive inside strings; escapes in a quoted string.
		"resource \"aws_ecr_registry_policy\" \"r\" {\n  policy = <<EOF\n{\"Statement\": [{\"Effect\": \"Allow\", \"Principal\": \"*\", \"Action\": \"ecr:%{if true}*%{endif}\", \"Resource\": \"${local.r}\"}]}\nEOF\n}\nlocals {\n  r = \"*\"\n}\n",
		"resource \"aws_ecrpublic_repository_policy\" \"p\" {\n  repository_name = \"p\"\n  policy = \"{\\\"Statement\\\": [ {\\\"Effect\\\": \\\"Allow\\\", \\\"Principal\\\": \\\"*\\\", \\\"Action\\\": \\\"ecr-public:\\u002a\\\"} ] }\"\n}\n",
		// A conditional, a module output, tabs.
		"resource \"aws_ecr_repository_policy\" \"a\" {\n\trepository = \"a\"\n\tpolicy = true ? file(\"p.json\") : \"\"\n}\n",
	} {
		f.Add([]byte(src), []byte(`{"Statement": [ ]}`))
	}
	f.Fuzz(func(t *testing.T, tf, js []byte) {
		files := map[string]string{"main.tf": string(tf), "p.json": string(js)}
		fsys := fstest.MapFS{}
		for name, src := range files {
			fsys[name] = &fstest.MapFile{Data: []byte(src)}
		}
		est, err := LoadModule(fsys, ".", Options{Account: acct})
		if err != nil {
			return
		}
		for key, pol := range resourcePolicies(est) {
			if pol == nil || pol.Insert == nil {
				continue
			}
			edited := map[string]string{}
			for k, v := range files {
				edited[k] = v
			}
			ins := pol.Insert
			edited[ins.File] = splice(t, files[ins.File], ins, guardStatements())
			pick := func(e *estate.Estate) *estate.Policy { return resourcePolicies(e)[key] }
			checkAppendedGaps(t, pol, pick, edited, guardStatements(), len(est.Gaps))
		}
	})
}
