package terraform

import (
	"fmt"
	"strings"

	"github.com/ecrguard/ecrguard/estate"
)

// Organization policy types that limit ECR access.
const (
	typeSCP = "SERVICE_CONTROL_POLICY"
	typeRCP = "RESOURCE_CONTROL_POLICY"
)

// orgAttachment applies the aws_organizations_policy that r, an
// aws_organizations_policy_attachment, attaches, when it is an SCP or an
// RCP attached to the scanned account, to the organization root or to an
// OU the configuration shows to be above the account (a plan of an
// existing account, above): each such attachment is one level of the
// hierarchy. An SCP level gets AWS's
// default FullAWSAccess beside it, so that only its Deny statements take
// effect; an RCP is kept as written (RCPFullAWSAccess sits at every level,
// so only its Deny statements change an answer). A policy attached to
// another OU, to another account or to a target not known until apply is
// not applied, with a note: both kinds only take access away, so leaving one
// out is the worst case.
func (b *builder) orgAttachment(r rsrc) {
	pid := r.obj.str("policy_id")
	var pr rsrc
	found := false
	if addr := r.obj.ref("policy_id"); addr != "" {
		pr, found = b.orgPolicy[addr]
	}
	if !found {
		b.note(pid.pos, fmt.Sprintf("%s attaches a policy (%s) this configuration does not define; not applied", r.addr, pid.text))
		return
	}
	typ := pr.obj.str("type")
	switch {
	case !typ.set:
		// The provider's default type.
		typ.text = typeSCP
	case !typ.known:
		b.note(r.obj.pos(), fmt.Sprintf("%s attaches %s, whose type (%s) is not known until apply; not applied (an SCP or an RCP only takes access away)", r.addr, pr.addr, typ.text))
		return
	case typ.text != typeSCP && typ.text != typeRCP:
		return
	}
	label := "SCP"
	if typ.text == typeRCP {
		label = "RCP"
	}
	if !b.attachedHere(r) {
		tg := r.obj.str("target_id")
		why := "which is not the scanned account or the organization root"
		switch {
		case strings.HasPrefix(tg.text, "ou-") || strings.Contains(r.obj.ref("target_id"), "aws_organizations_organizational_unit."):
			why = "an organizational unit, which the configuration does not show to be above the scanned account"
		case !tg.known:
			why = "a target not known until apply"
		}
		b.note(tg.pos, fmt.Sprintf("%s attaches %s %s to %s, %s; not applied", r.addr, label, pr.addr, tg.text, why))
		return
	}
	p, ok := b.document(pr, "content", pr.addr+" via "+r.addr, "")
	if !ok || p == nil {
		return
	}
	a := b.est.Account(b.account)
	if typ.text == typeRCP {
		a.AddRCPLevel(p)
		return
	}
	a.AddSCPLevel(estate.WithFullAWSAccess(p, r.obj.pos()))
}

// attachedHere reports whether the attachment r targets the scanned
// account, the organization root or an OU above the account.
func (b *builder) attachedHere(r rsrc) bool {
	tg := r.obj.str("target_id")
	ref := r.obj.ref("target_id")
	above := b.above()
	switch {
	case tg.known && b.account != "" && tg.text == b.account:
		return true
	case tg.known && (strings.HasPrefix(tg.text, "r-") || above[tg.text]):
		return true
	case !tg.known:
		return strings.Contains(ref, "aws_organizations_organization.") || ref != "" && above[ref]
	}
	return false
}

// maxOrgDepth bounds the walk up the organization: AWS allows five levels
// of OUs below the root.
const maxOrgDepth = 8

// above returns the OUs the configuration shows to be above the scanned
// account, by id and by address: the parent_id of the
// aws_organizations_account whose id is the account (known in a plan,
// for an account that exists), its parent_id, and so on. A module names
// no account's id, so there the set is empty.
func (b *builder) above() map[string]bool {
	out := map[string]bool{}
	if b.account == "" {
		return out
	}
	var node *rsrc
	for i, n := range b.orgNodes {
		if id := n.obj.str("id"); n.typ == "aws_organizations_account" && id.known && id.text == b.account {
			node = &b.orgNodes[i]
			break
		}
	}
	for depth := 0; node != nil && depth < maxOrgDepth; depth++ {
		pid, pref := node.obj.str("parent_id"), node.obj.ref("parent_id")
		node = nil
		for i, n := range b.orgNodes {
			id := n.obj.str("id")
			if n.typ != "aws_organizations_organizational_unit" || !(pid.known && id.known && id.text == pid.text || pref != "" && n.addr == pref) {
				continue
			}
			out[n.addr] = true
			if id.known {
				out[id.text] = true
			}
			node = &b.orgNodes[i]
			break
		}
	}
	return out
}
