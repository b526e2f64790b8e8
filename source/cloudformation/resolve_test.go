package cloudformation

import "testing"

// A parameter whose default refers to itself, many times, is resolved once
// (and the cycle is unknown), not exponentially.
func TestRefFanOut(t *testing.T) {
	src := "Parameters:\n  P:\n    Default: [!Ref P, !Ref P, !Ref P]\nResources:\n  R: {Type: AWS::ECR::Repository, Properties: {RepositoryName: !Join [a, !Ref P]}}\n"
	if _, err := LoadTemplate([]byte(src), "t.yaml", Options{}); err != nil {
		t.Fatal(err)
	}
}

// References that share one value many times over cannot build a value of
// exponential size.
func TestSharedValueBlowUp(t *testing.T) {
	src := "Parameters:\n  P0: {Default: [x, y]}\n"
	for i := 1; i < 60; i++ {
		src += "  P" + itoa(i) + ":\n    Default: [!Ref P" + itoa(i-1) + ", !Ref P" + itoa(i-1) + "]\n"
	}
	src += "Resources:\n  R:\n    Type: AWS::ECR::Repository\n    Properties:\n      RepositoryName: r\n      RepositoryPolicyText: {Version: '2012-10-17', Statement: [{Effect: Allow, Principal: {AWS: !Ref P59}, Action: 'ecr:*'}]}\n"
	est, err := LoadTemplate([]byte(src), "t.yaml", Options{})
	if err != nil {
		t.Fatal(err)
	}
	_ = est
}

func itoa(i int) string { return string(rune('0'+i/10)) + string(rune('0'+i%10)) }
