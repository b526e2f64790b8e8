package terraform

import (
	"fmt"

	"github.com/ecrguard/ecrguard/estate"
)

// creationTemplate reads aws_ecr_repository_creation_template: the
// template of its prefix in the registry of its region, with its
// applied_for and repository_policy (none when absent: the repositories it
// creates get no policy).
func (b *builder) creationTemplate(r rsrc) {
	t := b.region(r).Template(b.name(r, "prefix"))
	t.Source = r.obj.pos()
	t.AppliedFor = nil
	for _, s := range r.obj.strs("applied_for") {
		if !s.known {
			b.note(s.pos, fmt.Sprintf("a use of %s in applied_for (%s) is not known until apply; the template is reported with the uses that are known", r.addr, s.text))
			continue
		}
		t.AddAppliedFor(s.text)
	}
	pol, ok := b.resourcePolicy(r, "repository_policy", "repository_policy of "+r.addr, t.ARN)
	if !ok {
		t.Policy, t.PolicyState = nil, estate.Unread
		return
	}
	t.SetPolicy(pol)
}

// publicRepository reads aws_ecrpublic_repository. The configuration
// defines the repository: its policy comes only from an
// aws_ecrpublic_repository_policy, so until one is read it has none.
func (b *builder) publicRepository(r rsrc) {
	p := b.est.Account(b.account).PublicRepository(b.name(r, "repository_name"))
	b.publicAddr[r.addr] = p
	p.Source = r.obj.pos()
	if p.PolicyState == estate.Unread {
		p.SetPolicy(nil)
	}
}

// publicPolicy reads aws_ecrpublic_repository_policy, linking it to its
// repository by name or, when the name is not known until apply, by
// reference to an aws_ecrpublic_repository.
func (b *builder) publicPolicy(r rsrc) {
	s := r.obj.str("repository_name")
	var p *estate.PublicRepository
	switch {
	case s.known:
		p = b.est.Account(b.account).PublicRepository(s.text)
	default:
		p = b.publicAddr[r.obj.ref("repository_name")]
		if p == nil {
			p = b.est.Account(b.account).PublicRepository(b.name(r, "repository_name"))
		}
	}
	if !p.Source.IsValid() {
		p.Source = r.obj.pos()
	}
	pol, ok := b.resourcePolicy(r, "policy", "policy of ECR Public repository "+p.Name+" ("+r.addr+")", p.ARN)
	switch {
	case !ok:
		p.Policy, p.PolicyState = nil, estate.Unread
	default:
		p.SetPolicy(pol)
	}
}
