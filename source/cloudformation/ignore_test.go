package cloudformation

import (
	"strings"
	"testing"

	"github.com/ecrguard/ecrguard/estate"
	"github.com/ecrguard/ecrguard/policy"
)

// The comments' positions and the lines they cover: a key and its value,
// or a list item (a statement).
func TestYAMLIgnores(t *testing.T) {
	src := `Resources:
  # ecrguard:ignore ECR005 no tags on purpose
  Repo:
    Type: AWS::ECR::Repository
    Properties:
      RepositoryName: app
      RepositoryPolicyText:
        Version: "2012-10-17"
        Statement:
          # ecrguard:ignore ECR001 public base images
          - Sid: Public
            Effect: Allow
            Principal: "*"
            Action: ecr:BatchGetImage
          - Sid: Partner # ecrguard:ignore ECR003 partner, contract 42
            Effect: Allow
            Principal:
              AWS: arn:aws:iam::444455556666:root
            Action: ecr:BatchGetImage
          - Sid: Text
            Effect: Allow
            Principal: "*"
            Action: ecr:BatchGetImage
            Condition: {StringEquals: {"aws:PrincipalOrgID": "# ecrguard:ignore ECR001 a string, not a comment"}}
  Other:
    Type: AWS::ECR::Repository
    Metadata:
      ecrguard:
        ignore:
          - rule: ECR005
            reason: created by another team
    Properties:
      RepositoryName: other
`
	checkIgnores(t, src, []estate.Ignore{
		{Rule: "ECR005", Reason: "no tags on purpose", Pos: policy.Pos{File: "t.yaml", Line: 2, Col: 1}, From: 3, To: 24},
		{Rule: "ECR001", Reason: "public base images", Pos: policy.Pos{File: "t.yaml", Line: 10, Col: 1}, From: 11, To: 14},
		{Rule: "ECR003", Reason: "partner, contract 42", Pos: policy.Pos{File: "t.yaml", Line: 15, Col: 1}, From: 15, To: 15},
		{Rule: "ECR005", Reason: "created by another team", Pos: policy.Pos{File: "t.yaml", Line: 30, Col: 13}, From: 25, To: 33},
	})
}

// A Metadata ecrguard entry of another shape is an error naming where.
func TestMetadataIgnoreErrors(t *testing.T) {
	for _, tc := range []struct{ md, want string }{
		{"ecrguard: yes", "t.yaml:5:17: resource Repo: Metadata ecrguard: expected a mapping with ignore"},
		{"ecrguard: {skip: []}", "t.yaml:5:18: resource Repo: Metadata ecrguard: unknown key \"skip\"; expected ignore"},
		{"ecrguard: {ignore: ECR001}", "t.yaml:5:26: resource Repo: Metadata ecrguard ignore: expected a list of {rule, reason}"},
		{"ecrguard: {ignore: [ECR001]}", "t.yaml:5:27: resource Repo: Metadata ecrguard ignore[0]: expected a mapping with rule and reason"},
		{"ecrguard: {ignore: [{rule: ECR001, why: x}]}", "t.yaml:5:42: resource Repo: Metadata ecrguard ignore[0]: unknown key \"why\"; expected rule and reason"},
	} {
		src := "Resources:\n  Repo:\n    Type: AWS::ECR::Repository\n    Metadata:\n      " + tc.md + "\n"
		_, err := LoadTemplate([]byte(src), "t.yaml", Options{Account: acct})
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: got %v, want %s", tc.md, err, tc.want)
		}
	}
}

// JSON templates have no comments, but Metadata works there too.
func TestMetadataIgnoreJSON(t *testing.T) {
	src := `{"Resources": {"Repo": {"Type": "AWS::ECR::Repository",
  "Metadata": {"ecrguard": {"ignore": [{"rule": "ECR005", "reason": "r"}]}},
  "Properties": {"RepositoryName": "app"}}}}`
	est, err := LoadTemplate([]byte(src), "t.json", Options{Account: acct})
	if err != nil {
		t.Fatal(err)
	}
	if len(est.Ignores) != 1 || est.Ignores[0].Rule != "ECR005" || est.Ignores[0].From != 1 || est.Ignores[0].To != 3 || est.Ignores[0].Pos.Line != 2 {
		t.Errorf("got %+v", est.Ignores)
	}
}

// A comment alone on its line covers the key or list item that starts on
// the next line of code, wherever yaml.v3 attaches it: after a blank line,
// or indented as the item above, it is the foot comment of another node;
// the first of the file, before a blank line, is the document's. Each was
// dropped without a word. One above no key or list item (the end of the
// file) covers its own line, so it is a stale ignore.
func TestYAMLIgnoresFootComments(t *testing.T) {
	src := `# ecrguard:ignore ECR005 the first comment

Resources:
  Repo:
    Type: AWS::ECR::Repository
    Properties:
      RepositoryName: app
      RepositoryPolicyText:
        Statement:
          - Sid: A
            Effect: Allow
            Principal: "*"
            Action: ecr:BatchGetImage
            # ecrguard:ignore ECR001 indented as the item above
          - Sid: B
            Effect: Allow
            Principal: "*"
            Action: ecr:BatchGetImage
          # ecrguard:ignore ECR003 after a blank line

          - Sid: C
            Effect: Allow
            Principal: {AWS: arn:aws:iam::444455556666:root}
            Action: ecr:BatchGetImage
# ecrguard:ignore ECR005 at the end
`
	checkIgnores(t, src, []estate.Ignore{
		{Rule: "ECR005", Reason: "the first comment", Pos: policy.Pos{File: "t.yaml", Line: 1, Col: 1}, From: 3, To: 24},
		{Rule: "ECR001", Reason: "indented as the item above", Pos: policy.Pos{File: "t.yaml", Line: 14, Col: 1}, From: 15, To: 18},
		{Rule: "ECR003", Reason: "after a blank line", Pos: policy.Pos{File: "t.yaml", Line: 19, Col: 1}, From: 21, To: 24},
		{Rule: "ECR005", Reason: "at the end", Pos: policy.Pos{File: "t.yaml", Line: 25, Col: 1}, From: 25, To: 25},
	})
}

// checkIgnores requires the inline ignores of the template src (t.yaml) to
// be want, in order.
func checkIgnores(t *testing.T, src string, want []estate.Ignore) {
	t.Helper()
	est, err := LoadTemplate([]byte(src), "t.yaml", Options{Account: acct})
	if err != nil {
		t.Fatal(err)
	}
	got := est.Ignores
	if len(got) != len(want) {
		t.Fatalf("got %d ignores, want %d: %+v", len(got), len(want), got)
	}
	for i, w := range want {
		w.File = "t.yaml"
		if got[i] != w {
			t.Errorf("ignore %d: got %+v, want %+v", i, got[i], w)
		}
	}
}
