package estate_test

import (
	"strings"
	"testing"

	"github.com/ecrguard/ecrguard/estate"
	"github.com/ecrguard/ecrguard/policy"
)

func TestAWSManagedPolicy(t *testing.T) {
	const arn = "arn:aws:iam::aws:policy/AmazonEC2ContainerRegistryPowerUser"
	if _, ok, err := estate.AWSManagedPolicy("arn:aws:iam::111122223333:policy/mine", policy.Pos{}); ok || err != nil {
		t.Errorf("a customer managed policy: ok %v, err %v; want not embedded", ok, err)
	}

	// Placed at the reference: every element is there, and no text is kept.
	at := policy.Pos{File: "iam.json", Line: 40, Col: 9}
	mp, ok, err := estate.AWSManagedPolicy(arn, at)
	if !ok || err != nil {
		t.Fatalf("ok %v, err %v", ok, err)
	}
	if mp.ARN != arn || mp.Name != "AmazonEC2ContainerRegistryPowerUser" || mp.VersionID == "" || mp.Default.Name != arn {
		t.Errorf("managed policy %+v", mp)
	}
	if mp.Default.Source != at || mp.Default.Text != "" || len(mp.Default.Doc.Statements) == 0 || mp.Default.Doc.Statements[0].Pos != at {
		t.Errorf("placed at %v: source %v, statement at %v, text kept %v", at, mp.Default.Source, mp.Default.Doc.Statements[0].Pos, mp.Default.Text != "")
	}

	// Placed in its own text, named ARN#VERSION, which is kept.
	mp, _, err = estate.AWSManagedPolicy(arn, policy.Pos{})
	if err != nil {
		t.Fatal(err)
	}
	label := arn + "#" + mp.VersionID
	if mp.Default.Source != (policy.Pos{File: label, Line: 1, Col: 1}) || !strings.Contains(mp.Default.Text, "ecr:") {
		t.Errorf("source %v, text %.40q", mp.Default.Source, mp.Default.Text)
	}
	if p := mp.Default.Doc.Statements[0].Pos; p.File != label || p.Line < 2 {
		t.Errorf("statement at %v, want a line of %s", p, label)
	}
}
