package cloudformation

import (
	"strings"
	"testing"
	"time"
)

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

// Every variable of a long Fn::Sub body, and every line of a long block,
// is placed in the template in one pass over the text: placing each from
// the start of the text took a time quadratic in its length (minutes for a
// 3 MB body). Positions stay exact, and a column in a !Sub '...' counts
// from the quote, not from the tag.
func TestLongScalarPositions(t *testing.T) {
	body := strings.Repeat(`"${AWS::AccountId}",`, 10000)
	src := "Resources:\n  R:\n    Type: AWS::ECR::Repository\n    Properties:\n      RepositoryName: r\n      RepositoryPolicyText: !Sub '{\"Statement\": [{\"Effect\": \"Allow\", \"Principal\": \"*\", \"Action\": [" + body + "1]}]}'\n" +
		"  B:\n    Type: AWS::ECR::Repository\n    Properties:\n      RepositoryName: b\n      RepositoryPolicyText: |\n" + strings.Repeat("        \n", 10000) + "        {\"Statement\": [{\"Effect\": \"Allow\", \"Principal\": \"*\", \"Action\": \"ecr:ListImages\"}]}\n"
	start := time.Now()
	est, err := LoadTemplate([]byte(src), "t.yaml", Options{Account: acct})
	if err != nil {
		t.Fatal(err)
	}
	if d := time.Since(start); d > 500*time.Millisecond {
		t.Errorf("read in %v", d)
	}
	// r's Action list ends with a number: a gap there, in column 35 (after
	// "!Sub '") of line 6, after the 10,000 accounts (20 characters each).
	if len(est.Gaps) != 1 || est.Gaps[0].Pos.Line != 6 || est.Gaps[0].Pos.Col != 35+len(`{"Statement": [{"Effect": "Allow", "Principal": "*", "Action": [`)+20*10000 {
		t.Errorf("gaps %v", est.Gaps)
	}
	if s := findRepo(t, est, "b").Policy.Doc.Statements[0]; s.Pos.Line != 10012 || s.Pos.Col != 24 {
		t.Errorf("b: statement at %v, want line 10012, column 24", s.Pos)
	}
}
