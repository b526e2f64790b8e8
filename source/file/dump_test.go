package file

import (
	"fmt"
	"sort"
	"strings"

	"github.com/ecrguard/ecrguard/estate"
)

// dump writes an estate as stable text for golden files: everything the
// reader sets, in order.
func dump(e *estate.Estate) string {
	var b strings.Builder
	p := func(indent int, format string, args ...any) {
		b.WriteString(strings.Repeat("  ", indent))
		fmt.Fprintf(&b, format, args...)
		b.WriteByte('\n')
	}
	pol := func(x *estate.Policy) string {
		if x == nil {
			return "<nil>"
		}
		return fmt.Sprintf("%q at %s (%d statements)", x.Name, x.Source, len(x.Doc.Statements))
	}
	tags := func(m map[string]string) string {
		keys := make([]string, 0, len(m))
		for k := range m {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		parts := make([]string, len(keys))
		for i, k := range keys {
			parts[i] = k + "=" + m[k]
		}
		return "{" + strings.Join(parts, ", ") + "}"
	}
	states := [...]string{"unread", "no-policy", "has-policy"}
	for _, a := range e.Accounts() {
		p(0, "account %s", a.ID)
		for _, r := range a.Regions() {
			p(1, "region %s", r.Name)
			for _, repo := range r.Repositories() {
				p(2, "repository %s arn=%s source=%s", repo.Name, repo.ARN, repo.Source)
				p(3, "policy %s %s", states[repo.PolicyState], pol(repo.Policy))
				if repo.TagsKnown {
					p(3, "tags %s", tags(repo.Tags))
				}
				if repo.InInventory {
					scan := "unknown"
					if repo.ScanOnPush != nil {
						scan = fmt.Sprint(*repo.ScanOnPush)
					}
					p(3, "inventory mutability=%s scanOnPush=%s encryption=%s created=%s", repo.ImageTagMutability, scan, repo.EncryptionType, repo.CreatedAt)
				}
			}
			reg := r.Registry
			if reg.PolicyState != estate.Unread || reg.Scope != "" {
				p(2, "registry scope=%q policy=%s", reg.Scope, pol(reg.Policy))
			}
			for _, t := range r.Templates() {
				p(2, "template %s arn=%s appliedFor=%v source=%s", t.Prefix, t.ARN, t.AppliedFor, t.Source)
				p(3, "policy %s %s", states[t.PolicyState], pol(t.Policy))
			}
		}
		for _, pr := range a.Public {
			p(1, "public %s arn=%s source=%s", pr.Name, pr.ARN, pr.Source)
			p(2, "policy %s %s", states[pr.PolicyState], pol(pr.Policy))
		}
		if a.SCPsKnown {
			for _, s := range a.SCPs {
				p(1, "scp %s", pol(s))
			}
		}
		if a.RCPsKnown {
			for _, s := range a.RCPs {
				p(1, "rcp %s", pol(s))
			}
		}
		for _, d := range a.Detached {
			p(1, "detached %s", pol(d))
		}
		if m := a.IAM; m != nil {
			p(1, "iam source=%s", m.Source)
			pols := func(ps []*estate.Policy) string {
				names := make([]string, len(ps))
				for i, x := range ps {
					names[i] = pol(x)
				}
				return strings.Join(names, "; ")
			}
			for _, u := range m.Users {
				p(2, "user %s id=%s path=%s groups=%v attached=%v boundary=%q tags=%s", u.ARN, u.ID, u.Path, u.Groups, u.Attached, u.Boundary, tags(u.Tags))
				if len(u.Inline) > 0 {
					p(3, "inline %s", pols(u.Inline))
				}
			}
			for _, g := range m.Groups {
				p(2, "group %s id=%s attached=%v", g.ARN, g.ID, g.Attached)
				if len(g.Inline) > 0 {
					p(3, "inline %s", pols(g.Inline))
				}
			}
			for _, r := range m.Roles {
				p(2, "role %s id=%s path=%s serviceLinked=%v attached=%v boundary=%q tags=%s", r.ARN, r.ID, r.Path, r.ServiceLinked, r.Attached, r.Boundary, tags(r.Tags))
				p(3, "trust %s", pol(r.Trust))
				if len(r.Inline) > 0 {
					p(3, "inline %s", pols(r.Inline))
				}
			}
			for _, mp := range m.Policies {
				p(2, "managed %s version=%s default=%s", mp.ARN, mp.VersionID, pol(mp.Default))
			}
		}
	}
	for _, g := range e.Gaps {
		p(0, "gap %s", g)
	}
	for _, n := range e.Notes {
		p(0, "note %s: %s", n.Source, n.Message)
	}
	return b.String()
}
