package cloudformation

import (
	"fmt"

	"github.com/ecrguard/ecrguard/estate"
)

// creationTemplate reads AWS::ECR::RepositoryCreationTemplate: the
// template of its Prefix in the template's registry, with its AppliedFor
// and RepositoryPolicy (none when absent: the repositories it creates get
// no policy).
func (b *cfnBuilder) creationTemplate(r *resource) {
	t := b.t
	tp := b.region.Template(b.name(r, "Prefix"))
	tp.Source = r.pos
	tp.AppliedFor = nil
	for _, s := range t.strs(r.props.get("AppliedFor")) {
		if !s.known {
			t.note(s.pos, fmt.Sprintf("a use of %s in AppliedFor (%s) is not known until deployment; the template is reported with the uses that are known", r.id, s.text))
			continue
		}
		tp.AddAppliedFor(s.text)
	}
	b.setPolicy(&tp.PolicySlot, r, "RepositoryPolicy", "RepositoryPolicy of "+r.id, tp.ARN)
}

// publicRepository reads AWS::ECR::PublicRepository and its
// RepositoryPolicyText.
func (b *cfnBuilder) publicRepository(r *resource) {
	p := b.t.est.Account(b.t.account).PublicRepository(b.name(r, "RepositoryName"))
	p.Source = r.pos
	b.setPolicy(&p.PolicySlot, r, "RepositoryPolicyText", "RepositoryPolicyText of "+r.id, p.ARN)
}

// setPolicy sets a resource's policy from the property prop of r: none
// when it is absent, unread when it is a gap.
func (b *cfnBuilder) setPolicy(slot *estate.PolicySlot, r *resource, prop, name, arn string) {
	pn := r.props.get(prop)
	if pn == nil {
		slot.SetPolicy(nil)
		return
	}
	pol, ok := b.t.document(r, pn, name, arn)
	if !ok {
		slot.Policy, slot.PolicyState = nil, estate.Unread
		return
	}
	if pol != nil {
		pol.Insert = b.t.statementInsert(pn)
	}
	slot.SetPolicy(pol)
}
