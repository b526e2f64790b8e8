package file

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ecrguard/ecrguard/policy"
)

// TestReadDocument: the one policy of a file in any shape scan reads, and
// an error that says why for files that hold none, several, or a broken
// one.
func TestReadDocument(t *testing.T) {
	dir := t.TempDir()
	files := map[string]string{
		"raw.json":    `{"Version": "2012-10-17", "Statement": [{"Sid": "Raw", "Effect": "Allow", "Action": "ecr:*", "Resource": "*"}]}`,
		"text.json":   `"{\"Version\":\"2012-10-17\",\"Statement\":[{\"Sid\":\"Text\",\"Effect\":\"Allow\",\"Action\":\"ecr:PutImage\",\"Resource\":\"*\"}]}"`,
		"output.json": `{"registryId": "111122223333", "repositoryName": "app", "policyText": "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Sid\":\"Output\",\"Effect\":\"Allow\",\"Principal\":\"*\",\"Action\":\"ecr:BatchGetImage\"}]}"}`,
		"two.json":    `{"UserDetailList": [], "GroupDetailList": [], "RoleDetailList": [], "Policies": [{"PolicyName": "A", "Arn": "arn:aws:iam::111122223333:policy/A", "DefaultVersionId": "v1", "PolicyVersionList": [{"VersionId": "v1", "IsDefaultVersion": true, "Document": {"Version": "2012-10-17", "Statement": []}}]}, {"PolicyName": "B", "Arn": "arn:aws:iam::111122223333:policy/B", "DefaultVersionId": "v1", "PolicyVersionList": [{"VersionId": "v1", "IsDefaultVersion": true, "Document": {"Version": "2012-10-17", "Statement": []}}]}]}`,
		"other.json":  `{"meeting": "tuesday"}`,
		"broken.json": "{\"Version\": \"2012-10-17\",\n \"Statement\": [{\"Effect\": \"allow\", \"Action\": \"*\", \"Resource\": \"*\"}]}",
	}
	for name, text := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	for name, sid := range map[string]string{"raw.json": "Raw", "text.json": "Text", "output.json": "Output"} {
		doc, err := ReadDocument(context.Background(), filepath.Join(dir, name))
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if len(doc.Statements) != 1 || doc.Statements[0].Sid != sid {
			t.Errorf("%s: statements %+v, want the one of Sid %s", name, doc.Statements, sid)
		}
	}
	for name, want := range map[string]string{
		"two.json":     "holds 2 policy documents",
		"other.json":   "not an input ecrguard reads",
		"missing.json": "no such file or folder",
	} {
		if _, err := ReadDocument(context.Background(), filepath.Join(dir, name)); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: error %v, want one that says %q", name, err, want)
		}
	}
	_, err := ReadDocument(context.Background(), filepath.Join(dir, "broken.json"))
	var pe *policy.Error
	if !errors.As(err, &pe) || pe.Pos.Line != 2 || !strings.Contains(pe.Msg, "Effect") {
		t.Errorf("broken.json: error %v, want a policy.Error on line 2 about Effect", err)
	}
}
