package cloudformation

import (
	"fmt"
	"strings"

	"github.com/ecrguard/ecrguard/estate"
)

// orgPolicy applies an AWS::Organizations::Policy of type
// SERVICE_CONTROL_POLICY or RESOURCE_CONTROL_POLICY whose TargetIds
// include the scanned account or a root (r-...): one level of the
// hierarchy. As in the Terraform reader, an SCP level gets AWS's
// FullAWSAccess assumed attached beside it, so that only its Deny
// statements take effect, and an RCP is kept as written
// (RCPFullAWSAccess sits at every level, so only its Deny statements
// change an answer). A policy on OUs or other accounts only is not applied
// (the worst case: both kinds only take access away).
func (b *cfnBuilder) orgPolicy(r *resource) {
	t := b.t
	typ := t.str(r.props.get("Type"))
	label := ""
	switch {
	case typ.known && typ.text == "SERVICE_CONTROL_POLICY":
		label = "SCP"
	case typ.known && typ.text == "RESOURCE_CONTROL_POLICY":
		label = "RCP"
	case typ.set && !typ.known:
		t.note(typ.pos, fmt.Sprintf("the Type of %s (%s) is not known until deployment; not applied (an SCP or an RCP only takes access away)", r.id, typ.text))
		return
	default:
		return
	}
	applies := false
	for _, s := range t.strs(r.props.get("TargetIds")) {
		if s.known && (strings.HasPrefix(s.text, "r-") || (t.account != "" && s.text == t.account)) {
			applies = true
		}
	}
	if !applies {
		t.note(r.pos, fmt.Sprintf("%s (%s) is not attached to the scanned account or the organization root; not applied (an OU's policies apply only to the accounts below it, which the template does not show)", r.id, label))
		return
	}
	p, ok := t.document(r, r.props.get("Content"), r.id, "")
	if !ok || p == nil {
		return
	}
	a := t.est.Account(t.account)
	if label == "RCP" {
		a.AddRCPLevel(p)
		return
	}
	a.AddSCPLevel(estate.WithFullAWSAccess(p, r.pos))
}
