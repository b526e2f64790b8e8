package main

import (
	"context"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/ecrguard/ecrguard/internal/golden"
	"github.com/ecrguard/ecrguard/rules"
)

// Every proven fix ecrguard writes for the examples and the IaC test
// inputs, put in place of the policy it fixes, rescans with no finding on
// its resource of its own (the analytics repository's fix once kept an
// Allow with NotPrincipal and rescanned as ECR011) and none that says
// outsiders still get in. What may stay is what the fix does not touch: a
// statement that allows "*" behind a condition is ECR002's whatever else
// the policy says. The edits of Terraform and CloudFormation files are the
// files --fix-dir writes; a raw or AWS CLI input gets the fixed policy JSON
// in place of the one it holds. Each form is scanned on its own (the
// whole of testdata/iac would merge the forms' like-named repositories); a
// Terraform plan's fix is a command for AWS, as a plan is generated, not
// edited.
func TestFixesRescanClean(t *testing.T) {
	for _, tc := range []struct {
		name    string
		paths   []string
		opts    inputOptions
		minimum int
		// edits is how many of them are edits of a file, at least.
		edits int
	}{
		{"examples", []string{"../../examples/estate"}, inputOptions{configFile: "../../examples/.ecrguard.yaml"}, 6, 0},
		{"raw", []string{"../../testdata/iac/raw"}, inputOptions{account: "111122223333"}, 7, 0},
		{"terraform", []string{"../../testdata/iac/terraform"}, inputOptions{account: "111122223333"}, 7, 7},
		{"cloudformation yaml", []string{"../../testdata/iac/cloudformation/template.yaml"}, inputOptions{account: "111122223333"}, 6, 6},
		{"cloudformation json", []string{"../../testdata/iac/cloudformation/template.json"}, inputOptions{account: "111122223333"}, 6, 6},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ctx := context.Background()
			o := tc.opts
			_, cfg, err := o.timeAndConfig(io.Discard, tc.paths)
			if err != nil {
				t.Fatal(err)
			}
			est, err := o.readPaths(ctx, tc.paths, cfg)
			if err != nil {
				t.Fatal(err)
			}
			s := cfg.Settings()
			res := rules.Run(est, s)
			in := o.inputs(ctx, tc.paths, cfg, s)
			res.ProveEdits(in)
			dir := t.TempDir()
			if err := res.WriteFixes(dir); err != nil {
				t.Fatal(err)
			}
			written, edits := 0, 0
			for _, f := range res.Fixes {
				var file string
				var fixed []byte
				switch {
				case f.Edit != nil:
					file = f.Edit.File
					edits++
					if fixed, err = os.ReadFile(filepath.Join(dir, filepath.FromSlash(f.Edit.Path))); err != nil {
						t.Fatal(err)
					}
				case f.InFile():
					t.Logf("%s: no edit: %s", f.Resource, f.NoEdit)
					continue
				default:
					file = sourceOf(t, res, f.Resource)
					if !rawOrCLI(file) {
						// A policy a template holds as a string, or one
						// Terraform builds with templatefile().
						t.Logf("%s: %s is not a raw policy or AWS CLI output; its fix is not an edit", f.Resource, file)
						continue
					}
					orig, err := os.ReadFile(file)
					if err != nil {
						t.Fatal(err)
					}
					written, _ := os.ReadFile(filepath.Join(dir, f.Name))
					if string(written) != string(f.JSON) {
						t.Errorf("%s: --fix-dir wrote %s other than the fix", f.Resource, f.Name)
					}
					fixed = withPolicy(t, orig, f.Resource, f.JSON)
				}
				written++
				e, err := in.Load(map[string][]byte{file: fixed})
				if err != nil {
					t.Fatal(err)
				}
				before := map[string]bool{}
				for _, g := range res.Findings {
					before[g.Fingerprint()] = true
				}
				after := rules.Run(e, s)
				for _, g := range after.Findings {
					if g.Resource == f.Resource && (!before[g.Fingerprint()] || outsidersIn[g.RuleID]) {
						t.Errorf("%s fixed in %s rescans with %s: %s", f.Resource, file, g.RuleID, g.Message)
					}
				}
			}
			if written < tc.minimum || edits < tc.edits {
				t.Errorf("%d fixes written, %d of them edits; want at least %d and %d", written, edits, tc.minimum, tc.edits)
			}
		})
	}
}

// outsidersIn are the rules that fire only when principals outside the
// zone of trust can act on the resource.
var outsidersIn = map[string]bool{"ECR001": true, "ECR003": true, "ECR004": true, "ECR005": true, "ECR010": true, "ECR012": true}

// rawOrCLI reports whether file is a raw policy or an AWS CLI output, the
// inputs whose fix is the policy JSON.
func rawOrCLI(file string) bool {
	data, err := os.ReadFile(file)
	if err != nil || filepath.Ext(file) != ".json" {
		return false
	}
	var doc map[string]any
	if json.Unmarshal(data, &doc) != nil {
		return false
	}
	_, template := doc["Resources"]
	return !template
}

// sourceOf is the file of the findings on resource.
func sourceOf(t *testing.T, res *rules.Result, resource string) string {
	t.Helper()
	for _, f := range res.Findings {
		if f.Resource == resource && f.Source.File != "" {
			return f.Source.File
		}
	}
	t.Fatalf("no finding on %s names its file", resource)
	return ""
}

// withPolicy is the input file orig with the policy of resource replaced
// by policy: the whole file for a raw policy, the policyText (or a
// creation template's repositoryPolicy) of an AWS CLI output.
func withPolicy(t *testing.T, orig []byte, resource string, policy []byte) []byte {
	t.Helper()
	var doc map[string]any
	if err := json.Unmarshal(orig, &doc); err != nil {
		t.Fatal(err)
	}
	if _, raw := doc["Statement"]; raw {
		return policy
	}
	if _, ok := doc["policyText"]; ok {
		doc["policyText"] = string(policy)
	} else {
		prefix := resource[strings.LastIndex(resource, "/")+1:]
		templates, _ := doc["repositoryCreationTemplates"].([]any)
		for _, tp := range templates {
			if m, ok := tp.(map[string]any); ok && m["prefix"] == prefix {
				m["repositoryPolicy"] = string(policy)
			}
		}
	}
	out, err := json.Marshal(doc)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// A CloudFormation template's fixes are edits of the template in its own
// syntax, YAML or JSON, shown as unified diffs (golden files); the JSON
// report carries each with its place, and SARIF as a fix that inserts the
// same text there.
func TestCloudFormationEditsGolden(t *testing.T) {
	for _, ext := range []string{"yaml", "json"} {
		t.Run(ext, func(t *testing.T) {
			file := "../../testdata/iac/cloudformation/template." + ext
			args := []string{"scan", "--account", "111122223333", "--fail-on", "none", "--format", "json", file}
			code, out, errOut := runCLI(t, args...)
			if code != 0 {
				t.Fatalf("exit %d: %s", code, errOut)
			}
			var rep struct {
				Findings []struct {
					Resource string `json:"resource"`
					Edit     *struct {
						File   string `json:"file"`
						Line   int    `json:"line"`
						Column int    `json:"column"`
						Insert string `json:"insert"`
						Diff   string `json:"diff"`
					} `json:"edit"`
				} `json:"findings"`
			}
			if err := json.Unmarshal([]byte(out), &rep); err != nil {
				t.Fatal(err)
			}
			byResource := map[string]string{}
			for _, f := range rep.Findings {
				if f.Edit == nil {
					continue
				}
				if f.Edit.File != file || f.Edit.Line < 1 || f.Edit.Column < 1 || !strings.Contains(f.Edit.Diff, "EcrguardDenyOutsideTrustZone") {
					t.Errorf("%s: edit %+v", f.Resource, f.Edit)
				}
				byResource[f.Resource] = "# " + f.Resource + "\n" + f.Edit.Diff
			}
			var all []string
			for _, d := range byResource {
				all = append(all, d)
			}
			slices.Sort(all)
			golden.Check(t, filepath.Join("testdata", "golden", "cfn-edits-"+ext+".diff"), strings.Join(all, "\n"))

			args[len(args)-2] = "sarif"
			_, sarifOut, _ := runCLI(t, args...)
			if n := strings.Count(sarifOut, `"insertedContent"`); n < len(byResource) {
				t.Errorf("SARIF has %d inserted contents for %d edits", n, len(byResource))
			}
		})
	}
}
