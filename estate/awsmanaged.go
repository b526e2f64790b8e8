package estate

import (
	"github.com/ecrguard/ecrguard/catalog"
	"github.com/ecrguard/ecrguard/policy"
)

// AWSManagedPolicy returns the AWS managed policy arn as ecrguard embeds it
// (the default version in the catalog), to stand in for an attached policy
// whose document is not in the inputs; ok is false when arn is not one
// ecrguard embeds. The caller says so in a Note, or records a Gap when ok is
// false or err is not nil (the embedded document does not decode).
//
// A valid at places every element there: the reference in the user's file,
// the only place the files show the policy. Otherwise elements are placed
// in the embedded text, named ARN#VERSION as the IAM API's managed policies
// are (docs/snapshot.md, "Policy sources"), and Text keeps it.
func AWSManagedPolicy(arn string, at policy.Pos) (mp *ManagedPolicy, ok bool, err error) {
	cp, ok := catalog.Default().ManagedPolicy(arn)
	if !ok {
		return nil, false, nil
	}
	p := &Policy{Name: cp.ARN, Source: at}
	loc := policy.FixedLocator(at)
	if !at.IsValid() {
		p.Text = string(cp.Document)
		p.Source = policy.Pos{File: cp.ARN + "#" + cp.VersionID, Line: 1, Col: 1}
		loc = policy.FileLocator(cp.Document, p.Source.File)
	}
	if p.Doc, err = policy.ParseWith(cp.Document, loc); err != nil {
		return nil, true, err
	}
	return &ManagedPolicy{Name: cp.Name, ARN: cp.ARN, VersionID: cp.VersionID, Default: p}, true, nil
}
