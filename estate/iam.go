package estate

import "sort"

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

func (m *IAM) merge(o *IAM) {
	m.Users = append(m.Users, o.Users...)
	m.Groups = append(m.Groups, o.Groups...)
	m.Roles = append(m.Roles, o.Roles...)
	m.Policies = append(m.Policies, o.Policies...)
	m.Sort()
}

// Sort orders every list by ARN, so that output is deterministic whatever
// order the input had.
func (m *IAM) Sort() {
	sort.SliceStable(m.Users, func(i, j int) bool { return m.Users[i].ARN < m.Users[j].ARN })
	sort.SliceStable(m.Groups, func(i, j int) bool { return m.Groups[i].ARN < m.Groups[j].ARN })
	sort.SliceStable(m.Roles, func(i, j int) bool { return m.Roles[i].ARN < m.Roles[j].ARN })
	sort.SliceStable(m.Policies, func(i, j int) bool { return m.Policies[i].ARN < m.Policies[j].ARN })
}
