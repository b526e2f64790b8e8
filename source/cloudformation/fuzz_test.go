package cloudformation

import (
	"os"
	"strings"
	"testing"
	"time"
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
