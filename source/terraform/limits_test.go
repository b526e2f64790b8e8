package terraform

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/ecrguard/ecrguard/estate"
	"github.com/ecrguard/ecrguard/internal/iacdoc/iacdoctest"
	"github.com/ecrguard/ecrguard/policy"
)

// gapWith returns the first gap whose message contains s, or nil.
func gapWith(est *estate.Estate, s string) *estate.Gap {
	for i, g := range est.Gaps {
		if strings.Contains(g.Message, s) {
			return &est.Gaps[i]
		}
	}
	return nil
}

func TestJSONVariableFiles(t *testing.T) {
	files := map[string]string{
		"main.tf": `
variable "a" { default = "x" }
variable "b" { default = "x" }
variable "c" { default = "x" }
resource "aws_ecr_repository" "a" { name = var.a }
resource "aws_ecr_repository" "b" { name = var.b }
resource "aws_ecr_repository" "c" { name = var.c }
`,
		"terraform.tfvars":          `a = "overridden"`,
		"terraform.tfvars.json":     `{"a": "from-tfvars-json", "b": "overridden"}`,
		"z.auto.tfvars.json":        `{"b": "from-auto-json"}`,
		"literal.auto.tfvars.json":  `{"c": "lit-${var.a}"}`,
		"ignored/other.tfvars.json": `{"a": "no"}`,
	}
	est := load(t, files, Options{Account: acct})
	for _, n := range []string{"from-tfvars-json", "from-auto-json", "lit-${var.a}"} {
		findRepo(t, est, acct, n)
	}
}

func TestOtherVariableFilesAreUnknown(t *testing.T) {
	files := map[string]string{
		"main.tf": `
variable "reader" { default = "arn:aws:iam::111122223333:root" }
variable "kept" { default = "kept" }
variable "cli" { default = "x" }
resource "aws_ecr_repository" "k" { name = var.kept }
resource "aws_ecr_repository" "c" { name = var.cli }
resource "aws_ecr_repository_policy" "k" {
  repository = "kept"
  policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Principal = { AWS = var.reader }, Action = "ecr:BatchGetImage" }]
  })
}
`,
		"prod.tfvars":       `reader = "*"` + "\n" + `cli = "no"`,
		"stage.tfvars.json": `{"reader": "*"}`,
	}
	est := load(t, files, Options{Account: acct, Vars: map[string]string{"cli": "from-cli"}})
	findRepo(t, est, acct, "from-cli")
	repo := findRepo(t, est, acct, "kept")
	if repo.Policy == nil || len(repo.Policy.Doc.Statements) != 1 {
		t.Fatalf("policy %+v", repo.Policy)
	}
	ps := iacdoctest.Principals(repo.Policy.Doc.Statements[0])
	if len(ps) != 1 || !ps[0].Unknown || !strings.Contains(ps[0].Text, "var.reader") {
		t.Errorf("principal %+v, want unknown var.reader", ps)
	}
	for _, f := range []string{"prod.tfvars", "stage.tfvars.json"} {
		found := false
		for _, n := range est.Notes {
			if n.Source == f && strings.Contains(n.Message, "-var-file") && strings.Contains(n.Message, "(reader") {
				found = true
			}
		}
		if !found {
			t.Errorf("no note names %s; notes %v", f, est.Notes)
		}
	}
	// Named with -var-file, the file is read and its value taken;
	// stage.tfvars.json, not named, belongs to another deployment: noted,
	// not read.
	est = load(t, files, Options{Account: acct, VarFiles: []string{"prod.tfvars"}})
	findRepo(t, est, acct, "no")
	repo = findRepo(t, est, acct, "kept")
	if ps := iacdoctest.Principals(repo.Policy.Doc.Statements[0]); len(ps) != 1 || ps[0].Unknown || ps[0].Text != "*" {
		t.Errorf("with -var-file prod.tfvars: principal %+v, want prod.tfvars' \"*\"", ps)
	}
	noted := false
	for _, n := range est.Notes {
		if n.Source == "stage.tfvars.json" && strings.Contains(n.Message, "not read") {
			noted = true
		}
	}
	if !noted {
		t.Errorf("stage.tfvars.json is not noted as not read; notes %v", est.Notes)
	}
	// A -var-file that is not in the scanned folders is an error that
	// says where ecrguard looks, not a bare "file does not exist".
	if _, err := LoadModule(mapFS(files), ".", Options{Account: acct, VarFiles: []string{"/elsewhere/prod.tfvars"}}); err == nil || !strings.Contains(err.Error(), "no such variable file in the scanned folders") {
		t.Errorf("error %v, want one saying the variable file is not in the scanned folders", err)
	}
}

func TestCheckSource(t *testing.T) {
	deep := func(open, close string, n int) string {
		return strings.Repeat(open, n) + strings.Repeat(close, n)
	}
	tests := []struct {
		name string
		src  string
		kind syntax
		want string // the error's position, "" for none
	}{
		{"shallow", "locals { x = " + deep("[", "]", 200) + " }\n", syntaxHCL, ""},
		{"brackets", "locals {\n  x = " + deep("[", "]", 100_000) + "\n}\n", syntaxHCL, "f:2:262"},
		{"parentheses", "locals { x = " + deep("(", ")", 300) + " }", syntaxHCL, "f:1:269"},
		{"in interpolations", `locals { x = "` + deep("${\"", "\"}", 200) + `" }`, syntaxHCL, "f:1:396"},
		{"in a heredoc", "locals {\n  x = <<EOT\n" + deep("${[", "]}", 200) + "\nEOT\n}\n", syntaxHCL, "f:3:383"},
		{"text is not counted", `locals { x = "` + strings.Repeat("[", 1000) + `" } # ` + strings.Repeat("{", 1000) + "\n/* " + strings.Repeat("(", 1000) + " */\n", syntaxHCL, ""},
		{"escapes are text", `locals { x = "\"` + strings.Repeat("$${[", 1000) + `" }`, syntaxHCL, ""},
		{"heredoc text", "locals {\n  x = <<-EOT\n    " + strings.Repeat("]", 1000) + "\n    EOT\n  y = " + deep("[", "]", 300) + "\n}\n", syntaxHCL, "f:5:262"},
		{"json", `{"x": "` + strings.Repeat("${[", 1000) + `", "y": ` + deep("[", "]", 300) + `}`, syntaxJSON, "f:1:3271"},
		{"template", deep("${[", "]}", 200), syntaxTemplate, "f:1:384"},
		{"too large", strings.Repeat("#\n", maxSourceSize/2+1), syntaxHCL, "f:1:1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := checkSource([]byte(tt.src), "f", tt.kind)
			var got string
			if err != nil {
				got = err.(*policy.Error).Pos.String()
			}
			if got != tt.want {
				t.Errorf("checkSource = %v, want an error at %q", err, tt.want)
			}
		})
	}
}

// A file nested too deep to parse is an error at its position, not a
// stack overflow, and finding the root modules skips it.
func TestDeepFile(t *testing.T) {
	fsys := fstest.MapFS{
		"m/main.tf": {Data: []byte("module \"x\" { source = \"./x\" }\nlocals {\n  x = " + strings.Repeat("[", 100_000) + strings.Repeat("]", 100_000) + "\n}\n")},
	}
	if got := FindModules(fsys, []string{"."}); len(got) != 1 || got[0] != "m" {
		t.Errorf("FindModules = %v", got)
	}
	_, err := LoadModule(fsys, "m", Options{Account: acct})
	var pe *policy.Error
	if !errors.As(err, &pe) || pe.Pos.String() != "m/main.tf:3:262" {
		t.Fatalf("LoadModule: %v, want an error at m/main.tf:3:261", err)
	}
}

// bomb is a module of n levels of locals, each a list of ten references to
// the previous: the last holds 10^n elements.
func bomb(n int) string {
	var b strings.Builder
	b.WriteString("locals {\n  l0 = [\"a\", \"a\", \"a\", \"a\", \"a\", \"a\", \"a\", \"a\", \"a\", \"a\"]\n")
	for i := 1; i < n; i++ {
		fmt.Fprintf(&b, "  l%d = [%s]\n", i, strings.TrimSuffix(strings.Repeat(fmt.Sprintf("local.l%d,", i-1), 10), ","))
	}
	fmt.Fprintf(&b, `}
resource "aws_ecr_repository" "app" { name = "app" }
resource "aws_ecr_repository_policy" "app" {
  repository = aws_ecr_repository.app.name
  policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Principal = "*", Action = "ecr:BatchGetImage", Resource = flatten(local.l%d) }]
  })
}
`, n-1)
	return b.String()
}

// A value too large to evaluate is unknown and a gap where it is named;
// what uses it is taken at its worst. (Values share their parts, so nine
// levels cost no more to build than five: only walking them would.)
func TestValueBudget(t *testing.T) {
	for _, n := range []int{5, 9} {
		t.Run(fmt.Sprint(n), func(t *testing.T) {
			est := load(t, map[string]string{"main.tf": bomb(n)}, Options{Account: acct})
			g := gapWith(est, "the value of local.l4 is too large to evaluate")
			if g == nil || g.Pos.String() != "main.tf:6:3" || g.Code != estate.GapTooComplex {
				t.Fatalf("gap %v; gaps %v", g, est.Gaps)
			}
			repo := findRepo(t, est, acct, "app")
			st := repo.Policy.Doc.Statements[0]
			if len(st.Resource) != 1 || !st.Resource[0].Unknown {
				t.Errorf("Resource %+v, want unknown", st.Resource)
			}
		})
	}
	// Four levels (10,000 elements) are within the budget.
	est := load(t, map[string]string{"main.tf": bomb(4)}, Options{Account: acct})
	if len(est.Gaps) != 0 {
		t.Errorf("gaps %v", est.Gaps)
	}
	// Strings that repeat the previous ten times.
	var b strings.Builder
	b.WriteString("locals {\n  s0 = \"aaaaaaaaaa\"\n")
	for i := 1; i < 10; i++ {
		fmt.Fprintf(&b, "  s%d = \"%s\"\n", i, strings.Repeat(fmt.Sprintf("${local.s%d}", i-1), 10))
	}
	b.WriteString("}\nresource \"aws_ecr_repository\" \"r\" { name = local.s9 }\n")
	est = load(t, map[string]string{"main.tf": b.String()}, Options{Account: acct})
	if g := gapWith(est, "the value of local.s6 is too large"); g == nil {
		t.Errorf("no gap for local.s6: %v", est.Gaps)
	}
}

// TestVariableFileEncodings: a terraform.tfvars that Windows PowerShell
// wrote (UTF-16LE with a byte-order mark), or one with a UTF-8 byte-order
// mark, is read as its text, as the module's own files are.
func TestVariableFileEncodings(t *testing.T) {
	utf16le := func(s string) string {
		b := []byte{0xFF, 0xFE}
		for _, r := range s {
			b = append(b, byte(r), byte(r>>8))
		}
		return string(b)
	}
	for name, tfvars := range map[string]string{
		"utf-16le":  utf16le("a = \"from-powershell\"\r\n"),
		"utf-8 bom": "\uFEFFa = \"from-powershell\"\n",
	} {
		t.Run(name, func(t *testing.T) {
			est := load(t, map[string]string{
				"main.tf":          "variable \"a\" { default = \"x\" }\nresource \"aws_ecr_repository\" \"a\" { name = var.a }\n",
				"terraform.tfvars": tfvars,
			}, Options{Account: acct})
			findRepo(t, est, acct, "from-powershell")
		})
	}
}

// Instances multiply at every level of nesting: past maxModuleInstances
// in all, the rest are a gap, not read. Calls without count or for_each do
// not count: each is written in a file.
func TestModuleInstancesBounded(t *testing.T) {
	est := load(t, map[string]string{
		"main.tf":   "module \"a\" {\n  source = \"./a\"\n  count = 20\n}\nresource \"aws_ecr_repository\" \"t\" {\n  name = \"t\"\n  tags = { cut = module.a[11].n, none = module.a[19].n }\n}\n",
		"a/main.tf": "module \"b\" {\n  source = \"../b\"\n  count = 20\n}\noutput \"n\" { value = length(module.b) }\n",
		"b/main.tf": repoTF,
	}, Options{Account: acct})
	if !hasGap(est, estate.GapTooComplex, "the count and for_each of the scanned modules make more than 256 module instances in all") {
		t.Errorf("gaps %v", est.Gaps)
	}
	// Some or all of the instances of a[11].b and a[19].b were not read:
	// how many there are is not known.
	if tags := findRepo(t, est, acct, "t").Tags; len(tags) != 0 {
		t.Errorf("tags %v, want none known", tags)
	}
	var calls strings.Builder
	for i := range 300 {
		fmt.Fprintf(&calls, "module \"m%d\" {\n  source = \"./b\"\n}\n", i)
	}
	est = load(t, map[string]string{"main.tf": calls.String(), "b/main.tf": repoTF}, Options{Account: acct})
	if len(est.Gaps) != 0 {
		t.Errorf("300 calls without count or for_each: gaps %v", est.Gaps)
	}
	// A resource's instances past 256 are not read either: how many there
	// are is not known.
	est = load(t, map[string]string{"main.tf": `
data "aws_caller_identity" "c" { count = 300 }
resource "aws_ecr_repository" "t" {
  name = "t"
  tags = { n = length(data.aws_caller_identity.c) }
}
`}, Options{Account: acct})
	if tags := findRepo(t, est, acct, "t").Tags; len(tags) != 0 || !hasGap(est, estate.GapTooComplex, "data.aws_caller_identity.c has a count over 256; only the first 256 instances are read") {
		t.Errorf("tags %v (want none known), gaps %v", tags, est.Gaps)
	}
}

// Which module instances the bound leaves out does not change from one
// scan to the next: the names an expression refers to are evaluated in
// the order of their names, not of a map's iteration. Here the count of
// module.first loads m1 to m8 through the locals a to h: m7 is cut, and
// m8 left out, every time (before, any of them could be).
func TestModuleInstancesBoundIsDeterministic(t *testing.T) {
	var tf strings.Builder
	tf.WriteString("module \"first\" {\n  source = \"./b\"\n  count  = length(concat(local.a, local.b, local.c, local.d, local.e, local.f, local.g, local.h)) > 0 ? 1 : 0\n}\nlocals {\n")
	for i, name := range "abcdefgh" {
		fmt.Fprintf(&tf, "  %c = module.m%d[*].o\n", name, i+1)
	}
	tf.WriteString("}\n")
	for i := range 8 {
		fmt.Fprintf(&tf, "module \"m%d\" {\n  source = \"./b\"\n  count  = 40\n}\n", i+1)
	}
	files := map[string]string{"main.tf": tf.String(), "b/main.tf": "output \"o\" { value = 1 }\n"}
	for range 2 {
		est := load(t, files, Options{Account: acct})
		if !hasGap(est, estate.GapTooComplex, "; module.m7[16] and the instances after it are not read") || !hasGap(est, estate.GapTooComplex, "; module.m8[0] and") {
			t.Fatalf("gaps %v", est.Gaps)
		}
	}
}

// A module instance is a copy of its module: 256 instances of a module of
// a thousand blocks would be a quarter of a million blocks to read, where
// the module alone is a thousand (a 200 kB module called with for_each
// took a minute and gigabytes). Past 10,000 resource and data blocks in
// the instances of calls with count or for_each (and the modules they
// call: here b, of 50 blocks, in each of 256 instances of a), the rest
// are a gap, not read.
func TestModuleInstanceBlocksBounded(t *testing.T) {
	var keys, blocks strings.Builder
	for i := range 256 {
		fmt.Fprintf(&keys, "%q, ", fmt.Sprint("k", i))
	}
	for i := range 50 {
		fmt.Fprintf(&blocks, "data \"aws_partition\" \"p%d\" {}\n", i)
	}
	est := load(t, map[string]string{
		"main.tf":   "module \"a\" {\n  source   = \"./a\"\n  for_each = toset([" + keys.String() + "])\n}\n",
		"a/main.tf": "module \"b\" {\n  source = \"../b\"\n}\n",
		"b/main.tf": blocks.String(),
	}, Options{Account: acct})
	if !hasGap(est, estate.GapTooComplex, "the instances of modules called with count or for_each hold more than 10000 resource and data blocks in all; module.a[\"k") {
		t.Errorf("gaps %v", est.Gaps)
	}
}
