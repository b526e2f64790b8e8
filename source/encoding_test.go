package source

import (
	"io/fs"
	"os"
	"slices"
	"strings"
	"testing"
	"testing/fstest"
	"unicode/utf16"

	"github.com/ecrguard/ecrguard/estate"
	"github.com/ecrguard/ecrguard/policy"
	"github.com/ecrguard/ecrguard/rules"
)

// utf16LE is data as PowerShell's > saves it: UTF-16LE with a byte-order
// mark, and CRLF line ends.
func utf16LE(data []byte) []byte {
	text := strings.ReplaceAll(string(data), "\n", "\r\n")
	out := []byte{0xFF, 0xFE}
	for _, u := range utf16.Encode([]rune(text)) {
		out = append(out, byte(u), byte(u>>8))
	}
	return out
}

// utf8BOM is data after a UTF-8 byte-order mark, as Windows editors save it.
func utf8BOM(data []byte) []byte { return append([]byte{0xEF, 0xBB, 0xBF}, data...) }

// TestEncodings scans the IaC fixtures as Windows tools may save them
// (UTF-16LE with a byte-order mark and CRLF, as PowerShell's `>` writes;
// UTF-8 with a byte-order mark) and wants the UTF-8 scan's findings, at
// the same lines and columns.
func TestEncodings(t *testing.T) {
	keys := func(res *rules.Result) []string {
		var out []string
		for _, f := range res.Findings {
			out = append(out, findingKey(f)+" at "+f.Source.String())
		}
		for _, g := range res.Gaps {
			out = append(out, "gap "+g.String())
		}
		slices.Sort(out)
		return out
	}
	src := os.DirFS("../testdata/iac")
	for _, root := range []string{"terraform", "cloudformation/template.yaml", "cloudformation/template.json", "plan"} {
		want := keys(scanIaC(t, src, root))
		if len(want) == 0 {
			t.Fatalf("%s: no findings to compare", root)
		}
		for name, encode := range map[string]func([]byte) []byte{"UTF-16LE": utf16LE, "UTF-8 with BOM": utf8BOM} {
			fsys := fstest.MapFS{}
			err := fs.WalkDir(src, ".", func(p string, d fs.DirEntry, err error) error {
				if err != nil || d.IsDir() {
					return err
				}
				data, err := fs.ReadFile(src, p)
				if !strings.Contains(p, "/policies/") {
					// Files a module reads with file() are read as
					// Terraform reads them: as they are.
					data = encode(data)
				}
				fsys[p] = &fstest.MapFile{Data: data}
				return err
			})
			if err != nil {
				t.Fatal(err)
			}
			if got := keys(scanIaC(t, fsys, root)); !slices.Equal(got, want) {
				t.Errorf("%s in %s:\n%s\nwant\n%s", root, name, strings.Join(got, "\n"), strings.Join(want, "\n"))
			}
		}
	}
}

// The place a CloudFormation template's fix goes (estate.Policy.Insert)
// is an offset in the file's bytes, which an edit splices: after a UTF-8
// byte-order mark, three bytes on from the offset in the text the reader
// parsed (an edit placed at the text's offset broke the file, failed its
// proof and left the fix without an edit). A template decoded from UTF-16
// gets no place: its text's offsets are not the file's.
func TestTemplateInsertInFileBytes(t *testing.T) {
	guard := &policy.Statement{Sid: "Guard", Effect: policy.Deny, Principal: &policy.Principal{Wildcard: true}, Action: []policy.Value{{Text: "ecr:*"}}}
	templates := map[string]string{
		"t.yaml": `AWSTemplateFormatVersion: "2010-09-09"
Resources:
  Repo:
    Type: AWS::ECR::Repository
    Properties:
      RepositoryPolicyText:
        Statement:
          - Effect: Allow
            Principal: "*"
            Action: ecr:BatchGetImage
      RepositoryName: app
`,
		"t.json": `{"AWSTemplateFormatVersion": "2010-09-09", "Resources": {"Repo": {"Type": "AWS::ECR::Repository", "Properties": {
  "RepositoryName": "app", "RepositoryPolicyText": {"Statement": [{"Effect": "Allow", "Principal": "*", "Action": "ecr:BatchGetImage"}]}}}}}
`,
	}
	policyOf := func(data []byte, name string) (*estate.Policy, []estate.Gap) {
		est := loadIaC(t, fstest.MapFS{name: &fstest.MapFile{Data: data}}, name)
		return est.Account(iacAccount).Region("us-east-1").Repository("app").Policy, est.Gaps
	}
	for name, text := range templates {
		for enc, encode := range map[string]func([]byte) []byte{"UTF-8": func(b []byte) []byte { return b }, "UTF-8 with BOM": utf8BOM, "UTF-16LE": utf16LE} {
			data := encode([]byte(text))
			pol, _ := policyOf(data, name)
			if pol == nil {
				t.Fatalf("%s in %s: no policy", name, enc)
			}
			if enc == "UTF-16LE" {
				if pol.Insert != nil {
					t.Errorf("%s in %s: Insert at byte %d of a file whose text is decoded", name, enc, pol.Insert.Offset)
				}
				continue
			}
			if pol.Insert == nil {
				t.Fatalf("%s in %s: no Insert", name, enc)
			}
			edited, _, err := rules.Splice(data, pol.Insert, []*policy.Statement{guard})
			if err != nil {
				t.Fatal(err)
			}
			after, gaps := policyOf(edited, name)
			if len(gaps) > 0 || after == nil || len(after.Doc.Statements) != 2 || after.Doc.Statements[1].Sid != "Guard" {
				t.Errorf("%s in %s: the edited file reads as %+v, gaps %v\n%s", name, enc, after, gaps, edited)
			}
		}
	}
}
