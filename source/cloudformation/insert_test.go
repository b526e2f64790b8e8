package cloudformation

import (
	"strings"
	"testing"

	"github.com/ecrguard/ecrguard/estate"
	"github.com/ecrguard/ecrguard/policy"
)

// guard is a statement a fix adds, with values YAML would read as other
// than strings unless quoted.
var guard = &policy.Statement{
	Sid: "Guard", Effect: policy.Deny, Principal: &policy.Principal{Wildcard: true},
	Action: []policy.Value{{Text: "ecr:*"}},
	Conditions: []policy.Condition{
		{Operator: "StringNotEquals", Key: "aws:PrincipalAccount", Values: []policy.Value{{Text: "111122223333"}, {Text: "444455556666"}}},
		{Operator: "BoolIfExists", Key: "aws:PrincipalIsAWSService", Values: []policy.Value{{Text: "false"}}},
	},
}

// insertAndReload renders guard at the policy's Insert, splices it into
// src, and reads the edited template: the policy must keep its statements
// and end with guard, read back as written.
func insertAndReload(t *testing.T, src, name string, policyOf func(*estate.Estate) *estate.Policy) string {
	t.Helper()
	est, err := LoadTemplate([]byte(src), name, Options{Account: acct})
	if err != nil {
		t.Fatal(err)
	}
	p := policyOf(est)
	if p == nil || p.Insert == nil {
		t.Fatalf("no Insert for the policy (%+v)", p)
	}
	if p.Insert.File != name {
		t.Errorf("Insert.File = %q, want %q", p.Insert.File, name)
	}
	text, err := p.Insert.Render([]*policy.Statement{guard})
	if err != nil {
		t.Fatal(err)
	}
	edited := src[:p.Insert.Offset] + text + src[p.Insert.Offset:]
	again, err := LoadTemplate([]byte(edited), name, Options{Account: acct})
	if err != nil {
		t.Fatalf("the edited template does not read: %v\n%s", err, edited)
	}
	for _, g := range again.Gaps {
		t.Errorf("the edited template has a gap: %s\n%s", g, edited)
	}
	q := policyOf(again)
	if q == nil {
		t.Fatalf("the edited template has no policy:\n%s", edited)
	}
	stmts := q.Doc.Statements
	if len(stmts) != len(p.Doc.Statements)+1 {
		t.Fatalf("the edited policy has %d statements, want %d:\n%s", len(stmts), len(p.Doc.Statements)+1, edited)
	}
	got, err := policy.EncodeStatement(stmts[len(stmts)-1], "")
	if err != nil {
		t.Fatal(err)
	}
	want, _ := policy.EncodeStatement(guard, "")
	if string(got) != string(want) {
		t.Errorf("the added statement reads back as\n%s\nwant\n%s\nin\n%s", got, want, edited)
	}
	return edited
}

func repoPolicy(est *estate.Estate) *estate.Policy {
	for _, r := range est.Lookup(acct).Regions() {
		for _, repo := range r.Repositories() {
			return repo.Policy
		}
	}
	return nil
}

func registryPolicy(est *estate.Estate) *estate.Policy {
	return est.Lookup(acct).Region("us-east-1").Registry.Policy
}

func publicPolicy(est *estate.Estate) *estate.Policy {
	for _, p := range est.Lookup(acct).Public {
		return p.Policy
	}
	return nil
}

// Statements go after the last one of a policy written in the template's
// own syntax, indented as it, each form read back as written.
func TestStatementInsert(t *testing.T) {
	for _, tc := range []struct {
		name, file, src string
		policyOf        func(*estate.Estate) *estate.Policy
		// want is a line the edited template must have.
		want string
	}{
		{"yaml block sequence", "t.yaml", appPolicy(`          - Sid: Pull
            Effect: Allow
            Principal: "*"
            Action:
              - ecr:BatchGetImage

          # the last statement's comment
  Other:
    Type: AWS::SNS::Topic
`), repoPolicy, "          - Sid: Guard\n"},
		{"yaml items at the key's column, no final newline", "t.yml", "Resources:\n  Repo:\n    Type: AWS::ECR::Repository\n    Properties:\n      RepositoryPolicyText:\n        Statement:\n        - Sid: Pull\n          Effect: Allow\n          Principal: {AWS: arn:aws:iam::444455556666:root}\n          Action: ecr:BatchGetImage",
			repoPolicy, "        - Sid: Guard\n"},
		{"yaml with CRLF", "t.yaml", strings.ReplaceAll("Resources:\n  Repo:\n    Type: AWS::ECR::Repository\n    Properties:\n      RepositoryPolicyText:\n        Statement:\n          - Sid: Pull\n            Effect: Allow\n            Principal: '*'\n            Action: ecr:BatchGetImage\n", "\n", "\r\n"),
			repoPolicy, "          - Sid: Guard\r\n"},
		{"yaml registry policy", "t.yaml", `Resources:
  Registry:
    Type: AWS::ECR::RegistryPolicy
    Properties:
      PolicyText:
        Version: "2012-10-17"
        Statement:
          - Sid: Replicate
            Effect: Allow
            Principal: {AWS: arn:aws:iam::444455556666:root}
            Action: [ecr:ReplicateImage]
            Resource: !Sub arn:${AWS::Partition}:ecr:${AWS::Region}:${AWS::AccountId}:repository/*
`, registryPolicy, "          - Sid: Guard\n"},
		{"yaml public repository", "t.yaml", `Resources:
  Agent:
    Type: AWS::ECR::PublicRepository
    Properties:
      RepositoryName: agent
      RepositoryPolicyText:
        Statement:
          - Sid: Push
            Effect: Allow
            Principal: {AWS: arn:aws:iam::444455556666:root}
            Action: ecr-public:PutImage
`, publicPolicy, "          - Sid: Guard\n"},
		{"json, a statement a line", "t.json", `{
  "Resources": {
    "Repo": {
      "Type": "AWS::ECR::Repository",
      "Properties": {
        "RepositoryPolicyText": {
          "Version": "2012-10-17",
          "Statement": [
            {
              "Sid": "Pull",
              "Effect": "Allow",
              "Principal": "*",
              "Action": "ecr:BatchGetImage"
            }
          ]
        }
      }
    }
  }
}
`, repoPolicy, `            {` + "\n" + `              "Sid": "Guard",`},
		{"json, the statements on one line", "t.json", `{"Resources": {"Repo": {"Type": "AWS::ECR::Repository", "Properties": {"RepositoryPolicyText": {"Statement": [{"Sid": "Pull", "Effect": "Allow", "Principal": "*", "Action": "ecr:BatchGetImage"}]}}}}}`,
			repoPolicy, `"Action": "ecr:BatchGetImage"}, {"Sid":"Guard","Effect":"Deny"`},
		{"json with a \"]\" in a string and CRLF", "t.json", strings.ReplaceAll(`{"Resources": {"Repo": {"Type": "AWS::ECR::Repository", "Properties": {"RepositoryPolicyText": {"Statement": [
  {"Sid": "Pull]", "Effect": "Allow", "Principal": "*", "Action": "ecr:BatchGetImage"}
]}}}}}
`, "\n", "\r\n"), repoPolicy, "},\r\n  {\r\n    \"Sid\": \"Guard\""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			edited := insertAndReload(t, tc.src, tc.file, tc.policyOf)
			if !strings.Contains(edited, tc.want) {
				t.Errorf("the edited template has no %q:\n%s", tc.want, edited)
			}
		})
	}
}

// A policy ecrguard cannot edit in place gets no Insert: one held as a
// JSON string (in YAML or JSON), built by an intrinsic function, whose
// Statement is one object or a flow sequence, or has no statement.
func TestNoStatementInsert(t *testing.T) {
	for name, policyYAML := range map[string]string{
		"JSON string in YAML":  "|\n        {\"Statement\": [{\"Sid\": \"P\", \"Effect\": \"Allow\", \"Principal\": \"*\", \"Action\": \"ecr:BatchGetImage\"}]}",
		"Fn::Sub":              "!Sub '{\"Statement\": [{\"Sid\": \"P\", \"Effect\": \"Allow\", \"Principal\": \"*\", \"Action\": \"ecr:BatchGetImage\"}]}'",
		"one statement object": "\n        Statement:\n          Sid: P\n          Effect: Allow\n          Principal: '*'\n          Action: ecr:BatchGetImage",
		"flow sequence":        "\n        Statement: [{Sid: P, Effect: Allow, Principal: '*', Action: 'ecr:BatchGetImage'}]",
		"no statement":         "\n        Statement: []",
	} {
		t.Run(name, func(t *testing.T) {
			src := "Resources:\n  Repo:\n    Type: AWS::ECR::Repository\n    Properties:\n      RepositoryPolicyText: " + policyYAML + "\n"
			est, err := LoadTemplate([]byte(src), "t.yaml", Options{Account: acct})
			if err != nil {
				t.Fatal(err)
			}
			if p := repoPolicy(est); p != nil && p.Insert != nil {
				t.Errorf("Insert at %d for\n%s", p.Insert.Offset, src)
			}
		})
	}
}

// A Statement list that holds a YAML alias (its last statement the anchor
// of another policy's) gets no Insert: the alias's position is its
// anchor's, so the statements went into the other policy; the policy that
// defines the anchor keeps its Insert. Nor does a Statement that is itself
// an alias of another policy's list (the anchored list, "&list", gets none
// either).
func TestNoStatementInsertAlias(t *testing.T) {
	const anchored = "Resources:\n  App:\n    Type: AWS::ECR::Repository\n    Properties:\n      RepositoryName: app\n      RepositoryPolicyText:\n        Statement:\n          - &pull\n            Sid: PublicPull\n            Effect: Allow\n            Principal: '*'\n            Action: ecr:BatchGetImage\n"
	for name, web := range map[string]string{
		"an alias as the last statement": "        Statement:\n          - Sid: Team\n            Effect: Allow\n            Principal: {AWS: arn:aws:iam::111122223333:root}\n            Action: ecr:BatchGetImage\n          - *pull\n",
		"the Statement an alias":         "        Statement: *list\n",
	} {
		t.Run(name, func(t *testing.T) {
			src := anchored + "  Web:\n    Type: AWS::ECR::Repository\n    Properties:\n      RepositoryName: web\n      RepositoryPolicyText:\n" + web
			if strings.Contains(web, "*list") {
				src = strings.Replace(src, "        Statement:\n          - &pull", "        Statement: &list\n          - &pull", 1)
			}
			est, err := LoadTemplate([]byte(src), "t.yaml", Options{Account: acct})
			if err != nil {
				t.Fatal(err)
			}
			for _, repo := range est.Lookup(acct).Region("us-east-1").Repositories() {
				switch got := repo.Policy.Insert != nil; {
				case repo.Name == "web" && got:
					t.Errorf("web: Insert at %d, in app's policy", repo.Policy.Insert.Offset)
				case repo.Name == "app" && !got && !strings.Contains(src, "&list"):
					t.Error("app: no Insert")
				}
			}
		})
	}
}
