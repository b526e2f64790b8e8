package estate

import (
	"fmt"
	"maps"
	"slices"
	"sort"
)

// IAM is one account's identities and policies, as `aws iam
// get-account-authorization-details` describes them.
type IAM struct {
	Users    []*User
	Groups   []*Group
	Roles    []*Role
	Policies []*ManagedPolicy
	// Source is the file (or API) the data came from.
	Source string
}

// Identity is what IAM users, groups and roles share: their names and the
// identity policies attached to them.
type Identity struct {
	Name string
	ARN  string
	ID   string
	Path string
	// Inline are the inline policies.
	Inline []*Policy
	// Attached are the ARNs of attached managed policies.
	Attached []string
}

// User is an IAM user.
type User struct {
	Identity
	// Groups are the names of the groups the user belongs to.
	Groups []string
	// Boundary is the ARN of the permissions boundary, or "".
	Boundary string
	Tags     map[string]string
	// TagsUnknown: the inputs do not say which tags the user has (a
	// Terraform value known only at apply); Tags are then nil.
	TagsUnknown bool
}

// Group is an IAM group.
type Group struct {
	Identity
}

// Role is an IAM role.
type Role struct {
	Identity
	Boundary string
	Tags     map[string]string
	// TagsUnknown: as User.TagsUnknown.
	TagsUnknown bool
	// Trust is the role's trust policy (AssumeRolePolicyDocument).
	Trust *Policy
	// ServiceLinked marks roles under /aws-service-role/, which SCPs do not
	// restrict.
	ServiceLinked bool
}

// ManagedPolicy is a managed policy with its default (operative) version.
type ManagedPolicy struct {
	Name      string
	ARN       string
	ID        string
	VersionID string
	// Default is the default version's document.
	Default *Policy
}

// IdentityPolicies calls f with every identity policy: each user's, group's
// and role's inline policies, with the ARN of their owner, then each
// managed policy's default version, with the policy's ARN (nil when not
// read).
func (m *IAM) IdentityPolicies(f func(owner string, p *Policy)) {
	for _, u := range m.Users {
		for _, p := range u.Inline {
			f(u.ARN, p)
		}
	}
	for _, g := range m.Groups {
		for _, p := range g.Inline {
			f(g.ARN, p)
		}
	}
	for _, r := range m.Roles {
		for _, p := range r.Inline {
			f(r.ARN, p)
		}
	}
	for _, mp := range m.Policies {
		f(mp.ARN, mp.Default)
	}
}

// Group returns the group named name, or nil.
func (m *IAM) Group(name string) *Group {
	for _, g := range m.Groups {
		if g.Name == name {
			return g
		}
	}
	return nil
}

// Policy returns the managed policy with arn, or nil.
func (m *IAM) Policy(arn string) *ManagedPolicy {
	for _, p := range m.Policies {
		if p.ARN == arn {
			return p
		}
	}
	return nil
}

// Index returns lookup maps for groups and policies, for callers that look
// up many.
func (m *IAM) Index() (groups map[string]*Group, policies map[string]*ManagedPolicy) {
	groups = make(map[string]*Group, len(m.Groups))
	for _, g := range m.Groups {
		groups[g.Name] = g
	}
	policies = make(map[string]*ManagedPolicy, len(m.Policies))
	for _, p := range m.Policies {
		policies[p.ARN] = p
	}
	return groups, policies
}

// merge adds o, the IAM of account read by another input, to m. A user,
// group, role or managed policy both describe (one ARN: two snapshots of
// one account, collected region by region) is one entity, judged once as
// m describes it; when o describes it otherwise, a conflicting-inputs gap
// in e says the other description is not judged, as for two inputs of one
// repository's policy.
func (m *IAM) merge(o *IAM, e *Estate, account string) {
	m.Users = mergeEntities(m.Users, o.Users, func(u *User) string { return u.ARN }, sameUser, e, account, o.Source, "user")
	m.Groups = mergeEntities(m.Groups, o.Groups, func(g *Group) string { return g.ARN }, sameGroup, e, account, o.Source, "group")
	m.Roles = mergeEntities(m.Roles, o.Roles, func(r *Role) string { return r.ARN }, sameRole, e, account, o.Source, "role")
	m.Policies = mergeEntities(m.Policies, o.Policies, func(p *ManagedPolicy) string { return p.ARN }, sameManaged, e, account, o.Source, "managed policy")
	m.Sort()
}

// mergeEntities adds the entities of in to cur, but for those cur holds by
// ARN already (an entity without an ARN is never one of them), which are
// a conflict gap when same says they differ.
func mergeEntities[T any](cur, in []T, arn func(T) string, same func(a, b T) bool, e *Estate, account, source, kind string) []T {
	known := make(map[string]T, len(cur))
	for _, c := range cur {
		known[arn(c)] = c
	}
	for _, x := range in {
		a := arn(x)
		c, dup := known[a]
		switch {
		case a == "" || !dup:
			cur = append(cur, x)
			known[a] = x
		case !same(c, x):
			e.AddGap(Gap{Source: source, Account: account, Resource: a, Code: GapConflictingInputs,
				Message: fmt.Sprintf("inputs disagree about the %s %s (its policies, attachments, groups, boundary or tags); the analysis judges the first description read and not the other; make the inputs agree (or scan them apart) to assess it", kind, a)})
		}
	}
	return cur
}

func sameIdentity(a, b *Identity) bool {
	return a.Name == b.Name && a.Path == b.Path && sameStrings(a.Attached, b.Attached) && samePolicySet(a.Inline, b.Inline)
}

func sameUser(a, b *User) bool {
	return sameIdentity(&a.Identity, &b.Identity) && sameStrings(a.Groups, b.Groups) && a.Boundary == b.Boundary && maps.Equal(a.Tags, b.Tags)
}

func sameGroup(a, b *Group) bool { return sameIdentity(&a.Identity, &b.Identity) }

func sameRole(a, b *Role) bool {
	return sameIdentity(&a.Identity, &b.Identity) && a.Boundary == b.Boundary && maps.Equal(a.Tags, b.Tags) &&
		a.ServiceLinked == b.ServiceLinked && sameOptionalPolicy(a.Trust, b.Trust)
}

func sameManaged(a, b *ManagedPolicy) bool { return sameOptionalPolicy(a.Default, b.Default) }

// sameOptionalPolicy reports whether two policies that may be absent (not
// read) say the same thing.
func sameOptionalPolicy(a, b *Policy) bool {
	if a == nil || b == nil {
		return a == b
	}
	return SamePolicy(a, b)
}

// samePolicySet reports whether two lists of policies say the same things,
// whatever their order and names (each input names an inline policy its
// own way).
func samePolicySet(a, b []*Policy) bool {
	if len(a) != len(b) {
		return false
	}
	used := make([]bool, len(b))
next:
	for _, p := range a {
		for i, q := range b {
			if !used[i] && SamePolicy(p, q) {
				used[i] = true
				continue next
			}
		}
		return false
	}
	return true
}

// sameStrings reports whether two lists hold the same strings, in any
// order.
func sameStrings(a, b []string) bool {
	return slices.Equal(slices.Sorted(slices.Values(a)), slices.Sorted(slices.Values(b)))
}

// Sort orders every list by ARN, so that output is deterministic whatever
// order the input had.
func (m *IAM) Sort() {
	sort.SliceStable(m.Users, func(i, j int) bool { return m.Users[i].ARN < m.Users[j].ARN })
	sort.SliceStable(m.Groups, func(i, j int) bool { return m.Groups[i].ARN < m.Groups[j].ARN })
	sort.SliceStable(m.Roles, func(i, j int) bool { return m.Roles[i].ARN < m.Roles[j].ARN })
	sort.SliceStable(m.Policies, func(i, j int) bool { return m.Policies[i].ARN < m.Policies[j].ARN })
}
