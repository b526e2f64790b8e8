package cloudformation

import (
	"os"
	"strings"
	"testing"
	"time"

	"github.com/ecrguard/ecrguard/estate"
	"github.com/ecrguard/ecrguard/policy"
)

// FuzzLoadTemplate feeds a YAML or JSON template to LoadTemplate: it must
// return an estate or an error, never panic (a recovered panic fails here
// too) and never hang.
//
//	go test -run='^$' -fuzz=FuzzLoadTemplate -fuzztime=5m ./source/cloudformation/
func FuzzLoadTemplate(f *testing.F) {
	for _, s := range []string{"../../testdata/iac/cloudformation/template.yaml", "../../testdata/iac/cloudformation/template.json"} {
		data, err := os.ReadFile(s)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	for _, s := range []string{
		// Inline ignores: comments, and Metadata of good and bad shapes.
		"Resources:\n  # ecrguard:ignore ECR005 r\n  R:\n    Type: AWS::ECR::Repository # ecrguard:ignore\n    Metadata: {ecrguard: {ignore: [{rule: ECR001, reason: x}, {rule: [1]}]}}\n    Properties:\n      Tags:\n        # ecrguard:ignore ECR002 y\n        - {Key: a, Value: b}\n",
		"Resources:\n  R:\n    Type: AWS::ECR::Repository\n    Metadata: {ecrguard: [1]}\n",
		"Resources:\n  R:\n    Type: AWS::ECR::Repository\n    Properties:\n      RepositoryPolicyText: !Sub |\n        {\"Version\": \"2012-10-17\", \"Statement\": [{\"Effect\": \"Allow\", \"Principal\": {\"AWS\": \"${A}\"}, \"Action\": \"ecr:*\"}]}\n",
		"Conditions:\n  C: !Or [!Condition C, !Not [!Equals [a, !Ref P]]]\nResources:\n  R: {Type: AWS::IAM::Role, Condition: C, Properties: {RoleName: !If [C, a, !Ref AWS::NoValue]}}\n",
		"Mappings: {M: {a: {b: [1, 2]}}}\nResources:\n  R: {Type: AWS::ECR::Repository, Properties: {RepositoryName: !Select [0, !FindInMap [M, a, b]]}}\n",
		"x: &a {Type: AWS::IAM::User}\nResources:\n  U:\n    <<: *a\n    Properties: {Groups: [!GetAtt G.Arn]}\n",
		`{"Resources": {"P": {"Type": "AWS::IAM::ManagedPolicy", "Properties": {"PolicyDocument": {"Fn::Sub": ["{\"Statement\": ${S}}", {"S": "[]"}]}}}}}`,
		// An RCP, a creation template and an ECR Public repository.
		"Parameters: {T: {Type: String}}\nResources:\n  P:\n    Type: AWS::Organizations::Policy\n    Properties: {Type: !Ref T, TargetIds: [r-ab12], Content: {Statement: [{Effect: Deny, Principal: '*', Action: 'ecr:*', Resource: '*'}]}}\n  C:\n    Type: AWS::ECR::RepositoryCreationTemplate\n    Properties: {Prefix: !Ref T, AppliedFor: [REPLICATION, !Ref T], RepositoryPolicy: '{\"Statement\": []}'}\n  R:\n    Type: AWS::ECR::PublicRepository\n    Properties: {RepositoryPolicyText: !Sub '{\"Statement\": [{\"Effect\": \"Allow\", \"Principal\": \"${T}\", \"Action\": \"ecr-public:*\"}]}'}\n",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		start := time.Now()
		_, err := LoadTemplate(data, "t.yaml", Options{Account: acct})
		if d := time.Since(start); d > 10*time.Second {
			t.Fatalf("LoadTemplate took %s", d)
		}
		if err != nil && strings.Contains(err.Error(), "reading the template failed") {
			t.Fatalf("recovered panic: %v", err)
		}
	})
}

// FuzzParseParameters feeds a parameters file to ParseParameters: values
// or an error, never a panic.
func FuzzParseParameters(f *testing.F) {
	for _, s := range []string{`[{"ParameterKey": "A", "ParameterValue": "b"}]`, `["A=b"]`, `{"Parameters": {"A": "b"}}`, "A=b C=d\n# x\n"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		ps, err := ParseParameters(data, "p.json")
		if err != nil && !strings.HasPrefix(err.Error(), "p.json:") {
			t.Errorf("error without a position: %v", err)
		}
		if _, empty := ps[""]; empty {
			t.Errorf("a parameter without a name from %q", data)
		}
	})
}

// FuzzStatementInsert reads a template and, for every resource policy
// with an Insert, writes a statement there: the place is inside the
// template, and the edited template reads back with the statement added
// to that policy, never a panic. Seeds are in testdata/fuzz.
//
//	go test -run='^$' -fuzz=FuzzStatementInsert -fuzztime=30s ./source/cloudformation/
func FuzzStatementInsert(f *testing.F) {
	f.Add([]byte("Resources:\n  R:\n    Type: AWS::ECR::Repository\n    Properties:\n      RepositoryPolicyText:\n        Statement:\n          - Sid: P\n            Effect: Allow\n            Principal: '*'\n            Action: ecr:BatchGetImage\n"))
	f.Add([]byte(`{"Resources": {"R": {"Type": "AWS::ECR::Repository", "Properties": {"RepositoryPolicyText": {"Statement": [{"Sid": "P", "Effect": "Allow", "Principal": "*", "Action": "ecr:BatchGetImage"}]}}}}}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		name := "t.yaml"
		est, err := LoadTemplate(data, name, Options{Account: acct})
		if err != nil || est.Lookup(acct) == nil {
			return
		}
		for _, get := range []func(*estate.Estate) *estate.Policy{repoPolicy, registryPolicy, publicPolicy} {
			p := get(est)
			if p == nil || p.Insert == nil {
				continue
			}
			if p.Insert.Offset < 0 || p.Insert.Offset > len(data) {
				t.Fatalf("Insert.Offset %d outside the %d bytes", p.Insert.Offset, len(data))
			}
			text, err := p.Insert.Render([]*policy.Statement{guard})
			if err != nil {
				t.Fatal(err)
			}
			edited := string(data[:p.Insert.Offset]) + text + string(data[p.Insert.Offset:])
			again, err := LoadTemplate([]byte(edited), name, Options{Account: acct})
			if err != nil {
				t.Fatalf("the edited template does not read: %v\n%s", err, edited)
			}
			if q := get(again); q == nil || len(q.Doc.Statements) != len(p.Doc.Statements)+1 {
				t.Fatalf("the statement was not added to the policy:\n%s", edited)
			}
		}
	})
}
