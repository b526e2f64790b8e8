package iacdoc

import (
	"strings"

	"github.com/ecrguard/ecrguard/internal/jsonpos"
)

// IsCloudFormationJSON reports whether the JSON value n is a
// CloudFormation template: an object with AWSTemplateFormatVersion, or
// with Resources whose entries have a Type starting with AWS::. The file
// reader (which hands such files on) and the CloudFormation reader both
// ask it.
func IsCloudFormationJSON(n *jsonpos.Node) bool {
	if n.Get("AWSTemplateFormatVersion") != nil {
		return true
	}
	rs := n.Get("Resources")
	if rs == nil || rs.Kind != jsonpos.Object {
		return false
	}
	for _, m := range rs.Members {
		if t := m.Value.Get("Type"); t != nil && t.Kind == jsonpos.String && strings.HasPrefix(t.Text, "AWS::") {
			return true
		}
	}
	return false
}
