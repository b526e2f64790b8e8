package cloudformation

import (
	"cmp"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/ecrguard/ecrguard/catalog"
	"github.com/ecrguard/ecrguard/estate"
	"github.com/ecrguard/ecrguard/internal/iacdoc"
	"github.com/ecrguard/ecrguard/policy"
)

// strVal resolves a property to a string: known is false (and text
// describes it) when it is not known until deployment; set is false when
// the property is absent.
type strVal struct {
	text  string
	known bool
	set   bool
	pos   policy.Pos
}

func (t *tmpl) str(n *node) strVal {
	if n == nil {
		return strVal{}
	}
	v, rm := t.resolve(n, 0)
	if rm {
		return strVal{}
	}
	out := strVal{set: true, pos: n.pos, text: v.Text}
	switch v.Kind {
	case iacdoc.String, iacdoc.Number, iacdoc.Bool:
		out.known = true
	case iacdoc.Null:
		out.set = false
	case iacdoc.Unknown:
	default:
		out.text = "(not a string)"
	}
	return out
}

// strs resolves a list of strings; a list not known as a whole is one
// unknown element.
func (t *tmpl) strs(n *node) []strVal {
	if n == nil {
		return nil
	}
	v, rm := t.resolve(n, 0)
	if rm {
		return nil
	}
	switch v.Kind {
	case iacdoc.Unknown:
		return []strVal{{text: v.Text, set: true, pos: v.Pos}}
	case iacdoc.Array:
		var out []strVal
		for _, e := range v.Elems {
			switch e.Kind {
			case iacdoc.String, iacdoc.Number:
				out = append(out, strVal{text: e.Text, known: true, set: true, pos: e.Pos})
			case iacdoc.Unknown:
				out = append(out, strVal{text: e.Text, set: true, pos: e.Pos})
			}
		}
		return out
	}
	return nil
}

// tags reads a Tags list ([{Key, Value}]); known is false when any part is
// not known.
func (t *tmpl) tags(n *node) (map[string]string, bool) {
	out := map[string]string{}
	if n == nil {
		return out, true
	}
	v, _ := t.resolve(n, 0)
	if v == nil || v.Kind != iacdoc.Array {
		return nil, v != nil && v.Kind == iacdoc.Null
	}
	for _, e := range v.Elems {
		k, val := e.Get("Key"), e.Get("Value")
		if k == nil || val == nil || k.Kind != iacdoc.String || (val.Kind != iacdoc.String && val.Kind != iacdoc.Number && val.Kind != iacdoc.Bool) {
			return nil, false
		}
		out[k.Text] = val.Text
	}
	return out, true
}

// active says whether a resource is created: its Condition is true, or not
// known (then it is read as created, the worst case, with a note; a
// service control policy, which only takes away, is then not applied).
func (t *tmpl) active(r *resource) bool {
	if r.cond == "" {
		return true
	}
	switch t.condition(r.cond, 0) {
	case triFalse:
		t.note(r.pos, fmt.Sprintf("%s is not created (condition %s is false)", r.id, r.cond))
		return false
	case triUnknown:
		if r.typ == "AWS::Organizations::Policy" {
			t.note(r.pos, fmt.Sprintf("whether %s is created is not known (%s); it is not applied, the worst case", r.id, t.whyUnknown(r.cond)))
			return false
		}
		t.note(r.pos, fmt.Sprintf("whether %s is created is not known (%s); it is judged as created, the worst case", r.id, t.whyUnknown(r.cond)))
	}
	return true
}

// builder state for one template.
type cfnBuilder struct {
	t      *tmpl
	region *estate.Region
	iam    *estate.IAM
	roles  map[string]*estate.Role
	users  map[string]*estate.User
	groups map[string]*estate.Group
}

// reader reads one resource type; attach marks the types that attach to
// another resource, read after every definition.
type reader struct {
	attach bool
	read   func(*cfnBuilder, *resource)
}

// readers are the resource types ecrguard reads.
var readers = map[string]reader{
	"AWS::ECR::Repository":                 {false, (*cfnBuilder).repository},
	"AWS::CloudFormation::Stack":           {false, (*cfnBuilder).nestedStack},
	"AWS::Serverless::Application":         {false, (*cfnBuilder).nestedStack},
	"AWS::ECR::RegistryPolicy":             {false, (*cfnBuilder).registryPolicy},
	"AWS::ECR::ReplicationConfiguration":   {false, (*cfnBuilder).replication},
	"AWS::ECR::RepositoryCreationTemplate": {false, (*cfnBuilder).creationTemplate},
	"AWS::ECR::PublicRepository":           {false, (*cfnBuilder).publicRepository},
	"AWS::IAM::Role":                       {false, (*cfnBuilder).role},
	"AWS::IAM::User":                       {false, (*cfnBuilder).user},
	"AWS::IAM::Group":                      {false, (*cfnBuilder).group},
	"AWS::IAM::ManagedPolicy":              {true, (*cfnBuilder).managedPolicy},
	"AWS::IAM::Policy":                     {true, (*cfnBuilder).policy},
	"AWS::IAM::UserToGroupAddition":        {true, (*cfnBuilder).userToGroup},
	"AWS::IAM::RolePolicy":                 {true, (*cfnBuilder).singlePolicy},
	"AWS::IAM::UserPolicy":                 {true, (*cfnBuilder).singlePolicy},
	"AWS::IAM::GroupPolicy":                {true, (*cfnBuilder).singlePolicy},
	"AWS::Organizations::Policy":           {true, (*cfnBuilder).orgPolicy},
}

// build reads the resources that are created: definitions first, then
// what attaches to them. A type that misses one ecrguard reads by a letter
// or two is a gap.
func (t *tmpl) build() {
	b := &cfnBuilder{t: t, region: t.est.Account(t.account).Region(t.region),
		roles: map[string]*estate.Role{}, users: map[string]*estate.User{}, groups: map[string]*estate.Group{}}
	var active []*resource
	for _, r := range t.order {
		if t.active(r) {
			active = append(active, r)
		}
	}
	for _, attach := range []bool{false, true} {
		for _, r := range active {
			if rd, ok := readers[r.typ]; ok && rd.attach == attach {
				rd.read(b, r)
			}
		}
	}
	t.misspelt()
	if b.iam != nil {
		b.iam.Sort()
	}
}

// misspelt reports each resource whose type CloudFormation does not
// define but is a slip of one ecrguard reads (at most two edits, or
// another letter case): CloudFormation refuses the template, and what the
// resource was meant to hold is not assessed.
func (t *tmpl) misspelt() {
	types := slices.Sorted(maps.Keys(readers))
	for _, r := range t.order {
		if _, ok := readers[r.typ]; ok {
			continue
		}
		if near := catalog.Nearest(r.typ, types); near != "" {
			t.gap(r.pos, "", estate.GapInvalidInput, fmt.Sprintf("%s is of type %q, which CloudFormation does not define (it refuses the template), so it is not assessed; did you mean %q?", r.id, r.typ, near))
		}
	}
}

func (b *cfnBuilder) iamData() *estate.IAM {
	if b.iam == nil {
		a := b.t.est.Account(b.t.account)
		if a.IAM == nil {
			a.IAM = &estate.IAM{}
		}
		b.iam = a.IAM
	}
	return b.iam
}

// name returns a resource's name property, or a placeholder for the name
// CloudFormation generates or that is not known (see nameOf).
func (b *cfnBuilder) name(r *resource, prop string) string {
	n := r.props.get(prop)
	name, known := b.t.nameOf(r, prop)
	switch {
	case n == nil:
		b.t.note(r.pos, fmt.Sprintf("%s has no %s: CloudFormation generates one; it is reported as %s", r.id, prop, name))
	case !known:
		b.t.note(n.pos, fmt.Sprintf("the %s of %s is not known until deployment; it is reported as %s", prop, r.id, name))
	}
	return name
}

func (b *cfnBuilder) repository(r *resource) {
	t := b.t
	repo := b.region.Repository(b.name(r, "RepositoryName"))
	repo.Source = r.pos
	repo.InInventory = true
	repo.ImageTagMutability = "MUTABLE"
	if s := t.str(r.props.get("ImageTagMutability")); s.known {
		repo.ImageTagMutability = s.text
	}
	if s := t.str(r.props.get("ImageScanningConfiguration").get("ScanOnPush")); s.known {
		v := s.text == "true"
		repo.ScanOnPush = &v
	}
	repo.EncryptionType = "AES256"
	if s := t.str(r.props.get("EncryptionConfiguration").get("EncryptionType")); s.known {
		repo.EncryptionType = s.text
	}
	repo.Tags, repo.TagsKnown = t.tags(r.props.get("Tags"))
	b.setPolicy(&repo.PolicySlot, r, "RepositoryPolicyText", "RepositoryPolicyText of "+r.id, repo.ARN)
}

// nestedStack reports that a nested stack's template is not read: the
// repositories, policies and roles it may create are not assessed.
func (b *cfnBuilder) nestedStack(r *resource) {
	t := b.t
	loc := r.props.get("TemplateURL")
	if r.typ == "AWS::Serverless::Application" {
		loc = r.props.get("Location")
		if loc != nil && loc.kind == mapNode {
			loc = loc.get("ApplicationId")
		}
	}
	from := ""
	if s := t.str(loc); s.known {
		from = " (" + s.text + ")"
	} else if s.set {
		from = " (" + s.text + ", not known until deployment)"
	}
	t.gap(r.pos, "", estate.GapNestedStack, fmt.Sprintf("%s is a nested stack (%s) whose template%s is not read: the repositories, policies and roles it may create are not assessed; scan that template too", r.id, r.typ, from))
}

func (b *cfnBuilder) registryPolicy(r *resource) {
	pol, ok := b.t.document(r, r.props.get("PolicyText"), "PolicyText of "+r.id, estate.RegistryARN(b.t.region, b.t.account))
	reg := &b.region.Registry
	if !ok {
		reg.Policy, reg.PolicyState = nil, estate.Unread
		return
	}
	if pol != nil {
		pol.Insert = b.t.statementInsert(r.props.get("PolicyText"))
		reg.SetPolicy(pol)
	}
}

func (b *cfnBuilder) replication(r *resource) {
	t := b.t
	rules, _ := t.resolve(r.props.get("ReplicationConfiguration").get("Rules"), 0)
	if rules == nil || rules.Kind != iacdoc.Array {
		if rules != nil && rules.Kind == iacdoc.Unknown {
			t.gap(rules.Pos, "", estate.GapUnknownUntilDeploy, fmt.Sprintf("the replication rules of %s are not known until deployment", r.id))
		}
		return
	}
	for _, rule := range rules.Elems {
		dests := rule.Get("Destinations")
		if dests == nil || dests.Kind != iacdoc.Array {
			continue
		}
		for _, d := range dests.Elems {
			acct, region := d.Get("RegistryId"), d.Get("Region")
			rd := estate.ReplicationDestination{}
			if acct != nil {
				rd.Account = acct.Text
				if acct.Kind == iacdoc.Unknown {
					rd.Account = "${" + acct.Text + "}"
					t.note(acct.Pos, fmt.Sprintf("the destination account of %s (%s) is not known until deployment; it is read as an untrusted account", r.id, acct.Text))
				}
			}
			if region != nil {
				rd.Region = region.Text
				if region.Kind == iacdoc.Unknown {
					rd.Region = "${" + region.Text + "}"
				}
			}
			b.region.Registry.Replication = append(b.region.Registry.Replication, rd)
		}
	}
}

// inline reads a Policies list ([{PolicyName, PolicyDocument}]). The list,
// or one policy of it, may be an Fn::If: a decided one is its branch; for
// a policy in one whose condition is not known, the policy documents of
// both branches are judged as an Fn::If around a policy is (eitherPolicy).
func (b *cfnBuilder) inline(r *resource, arn string) []*estate.Policy {
	t := b.t
	n, _ := t.taken(r.props.get("Policies"))
	if n == nil {
		return nil
	}
	if n.kind != seqNode {
		v, _ := t.resolve(n, 0)
		if v.Kind == iacdoc.Unknown {
			t.gap(n.pos, arn, estate.GapUnknownUntilDeploy, fmt.Sprintf("the inline policies of %s are not known until deployment", r.id))
		}
		return nil
	}
	var out []*estate.Policy
	for _, e := range n.elems {
		e, cond := t.taken(e)
		if e == nil {
			continue
		}
		doc, named := e.get("PolicyDocument"), e
		if cond != "" {
			// [cond, then, else] of the Fn::If e: an Fn::If of their
			// documents (nil for AWS::NoValue), named by the first
			// branch that is a policy.
			arg := e.members[0].value
			docs := []*node{arg.elems[0], nil, nil}
			named = nil
			for i, br := range arg.elems[1:] {
				br, c := t.taken(br)
				if c != "" {
					t.gap(e.pos, arn, estate.GapUnknownUntilDeploy, fmt.Sprintf("an inline policy of %s is not known until deployment (!If [%s, ...] in !If [%s, ...], whose conditions are not known)", r.id, c, cond))
					named = nil
					break
				}
				if br != nil {
					docs[i+1] = br.get("PolicyDocument")
					named = cmp.Or(named, br)
				}
			}
			if named == nil {
				continue
			}
			doc = &node{kind: mapNode, pos: e.pos, jsonOff: -1, members: []member{{key: "Fn::If", keyPos: e.pos, value: &node{kind: seqNode, pos: arg.pos, jsonOff: -1, elems: docs}}}}
		}
		pname := t.str(named.get("PolicyName"))
		label := pname.text
		if !pname.known {
			label = "(" + pname.text + ")"
		}
		if p, ok := t.document(r, doc, "inline policy "+label+" of "+r.id, arn); ok && p != nil {
			out = append(out, p)
		}
	}
	return out
}

// arns reads a list of managed policy ARNs; an unknown one is a gap.
func (b *cfnBuilder) arns(r *resource, prop string) []string {
	var out []string
	for _, s := range b.t.strs(r.props.get(prop)) {
		if !s.known {
			b.t.gap(s.pos, "", estate.GapUnknownUntilDeploy, fmt.Sprintf("a managed policy attached by %s (%s) is not known until deployment; what it grants is not assessed", r.id, s.text))
			continue
		}
		out = append(out, s.text)
	}
	return out
}

// boundary reads PermissionsBoundary: an unknown one is read as none, the
// worst case.
func (b *cfnBuilder) boundary(r *resource) string {
	s := b.t.str(r.props.get("PermissionsBoundary"))
	if s.set && !s.known {
		b.t.note(s.pos, fmt.Sprintf("the permissions boundary of %s (%s) is not known until deployment; it is read as absent, the worst case", r.id, s.text))
		return ""
	}
	return s.text
}

func (b *cfnBuilder) path(r *resource) string {
	p := b.t.pathOf(r)
	if p == "" {
		b.t.note(r.pos, fmt.Sprintf("the Path of %s is not known; read as /", r.id))
		return "/"
	}
	return p
}

func (b *cfnBuilder) role(r *resource) {
	t := b.t
	name, path := b.name(r, "RoleName"), b.path(r)
	role := &estate.Role{Identity: estate.Identity{Name: name, Path: path, ARN: iamARN(t.account, "role", path, name)}}
	role.ServiceLinked = strings.HasPrefix(path, "/aws-service-role/")
	tags, ok := t.tags(r.props.get("Tags"))
	if ok && len(tags) > 0 {
		role.Tags = tags
	}
	role.TagsUnknown = !ok
	if tr, ok := t.document(r, r.props.get("AssumeRolePolicyDocument"), "trust policy of "+r.id, role.ARN); ok && tr != nil {
		role.Trust = tr
	}
	role.Inline = b.inline(r, role.ARN)
	role.Attached = b.arns(r, "ManagedPolicyArns")
	role.Boundary = b.boundary(r)
	register(&b.iamData().Roles, b.roles, name, role)
}

func (b *cfnBuilder) user(r *resource) {
	t := b.t
	name, path := b.name(r, "UserName"), b.path(r)
	u := &estate.User{Identity: estate.Identity{Name: name, Path: path, ARN: iamARN(t.account, "user", path, name)}}
	tags, ok := t.tags(r.props.get("Tags"))
	if ok && len(tags) > 0 {
		u.Tags = tags
	}
	u.TagsUnknown = !ok
	u.Inline = b.inline(r, u.ARN)
	u.Attached = b.arns(r, "ManagedPolicyArns")
	u.Boundary = b.boundary(r)
	for _, g := range t.strs(r.props.get("Groups")) {
		if g.known {
			u.Groups = append(u.Groups, g.text)
		} else {
			t.gap(g.pos, u.ARN, estate.GapUnknownUntilDeploy, fmt.Sprintf("a group of %s (%s) is not known until deployment", r.id, g.text))
		}
	}
	register(&b.iamData().Users, b.users, name, u)
}

func (b *cfnBuilder) group(r *resource) {
	t := b.t
	name, path := b.name(r, "GroupName"), b.path(r)
	g := &estate.Group{Identity: estate.Identity{Name: name, Path: path, ARN: iamARN(t.account, "group", path, name)}}
	g.Inline = b.inline(r, g.ARN)
	g.Attached = b.arns(r, "ManagedPolicyArns")
	register(&b.iamData().Groups, b.groups, name, g)
}

// target finds (or, for one the template does not define, creates) the
// role, user or group named s.
func (b *cfnBuilder) target(kind string, s strVal, by string) (*estate.Role, *estate.User, *estate.Group) {
	iam := b.iamData()
	switch kind {
	case "role":
		return findOrAdd(b, b.roles, &iam.Roles, kind, s, by, func(arn string) *estate.Role {
			return &estate.Role{Identity: estate.Identity{Name: s.text, Path: "/", ARN: arn}}
		}), nil, nil
	case "user":
		return nil, findOrAdd(b, b.users, &iam.Users, kind, s, by, func(arn string) *estate.User {
			return &estate.User{Identity: estate.Identity{Name: s.text, Path: "/", ARN: arn}}
		}), nil
	}
	return nil, nil, findOrAdd(b, b.groups, &iam.Groups, kind, s, by, func(arn string) *estate.Group {
		return &estate.Group{Identity: estate.Identity{Name: s.text, Path: "/", ARN: arn}}
	})
}

// findOrAdd returns the principal of byName named s, or makes one (with
// path /) from its ARN, adds it to list and byName, and notes that only
// what by gives it is known.
func findOrAdd[T any](b *cfnBuilder, byName map[string]*T, list *[]*T, kind string, s strVal, by string, create func(arn string) *T) *T {
	name := s.text
	if x := byName[name]; x != nil {
		return x
	}
	x := create(iamARN(b.t.account, kind, "/", name))
	b.t.note(s.pos, fmt.Sprintf("%s %s is not defined in this template; only what %s gives it is known (its path is taken as /)", kind, name, by))
	register(list, byName, name, x)
	return x
}

// register adds x to list and to byName under name.
func register[T any](list *[]*T, byName map[string]*T, name string, x *T) {
	*list = append(*list, x)
	byName[name] = x
}

// attachments applies fn to each role, user and group a policy resource
// names; an unknown name is reported (and the policy, when inline, analysed
// as attached to an unknown principal).
func (b *cfnBuilder) attachments(r *resource, p *estate.Policy, fn func(*estate.Role, *estate.User, *estate.Group)) {
	t := b.t
	detached := false
	for _, l := range []struct{ prop, kind string }{{"Roles", "role"}, {"Users", "user"}, {"Groups", "group"}} {
		for _, s := range t.strs(r.props.get(l.prop)) {
			if !s.known {
				t.note(s.pos, fmt.Sprintf("one of the %s of %s (%s) is not known until deployment", strings.ToLower(l.prop), r.id, s.text))
				if p != nil && !detached {
					b.detach(p)
					detached = true
				}
				continue
			}
			name := s.text
			if i := strings.LastIndexByte(name, '/'); strings.HasPrefix(name, "arn:") && i >= 0 {
				name = name[i+1:]
				s.text = name
			}
			fn(b.target(l.kind, s, r.id))
		}
	}
}

func (b *cfnBuilder) managedPolicy(r *resource) {
	t := b.t
	name, path := b.name(r, "ManagedPolicyName"), b.path(r)
	arn := iamARN(t.account, "policy", path, name)
	p, ok := t.document(r, r.props.get("PolicyDocument"), arn+" ("+r.id+")", arn)
	if ok && p != nil {
		iam := b.iamData()
		iam.Policies = append(iam.Policies, &estate.ManagedPolicy{Name: name, ARN: arn, Default: p, VersionID: "v1"})
	}
	b.attachments(r, nil, func(role *estate.Role, u *estate.User, g *estate.Group) {
		_, attached := policyLists(role, u, g)
		*attached = append(*attached, arn)
	})
}

// detach records p as attached to a principal that is not known until
// deployment.
func (b *cfnBuilder) detach(p *estate.Policy) {
	a := b.t.est.Account(b.t.account)
	a.Detached = append(a.Detached, p)
}

// inlinePolicy reads the PolicyDocument of an inline policy resource (nil
// when there is none or it is a gap), named by its PolicyName or, when that
// is not known, its logical id.
func (b *cfnBuilder) inlinePolicy(r *resource) *estate.Policy {
	t := b.t
	pname := t.str(r.props.get("PolicyName"))
	label := pname.text
	if !pname.known {
		label = r.id
	}
	p, ok := t.document(r, r.props.get("PolicyDocument"), "inline policy "+label+" ("+r.id+")", "")
	if !ok {
		return nil
	}
	return p
}

func (b *cfnBuilder) policy(r *resource) {
	p := b.inlinePolicy(r)
	if p == nil {
		return
	}
	b.attachments(r, p, func(role *estate.Role, u *estate.User, g *estate.Group) {
		inline, _ := policyLists(role, u, g)
		*inline = append(*inline, p)
	})
}

// singlePolicy reads AWS::IAM::RolePolicy, UserPolicy and GroupPolicy.
func (b *cfnBuilder) singlePolicy(r *resource) {
	t := b.t
	kind, prop := "role", "RoleName"
	switch r.typ {
	case "AWS::IAM::UserPolicy":
		kind, prop = "user", "UserName"
	case "AWS::IAM::GroupPolicy":
		kind, prop = "group", "GroupName"
	}
	p := b.inlinePolicy(r)
	if p == nil {
		return
	}
	who := t.str(r.props.get(prop))
	if !who.known {
		t.note(who.pos, fmt.Sprintf("the %s of %s (%s) is not known until deployment; the policy is analysed as attached to an unknown principal", prop, r.id, who.text))
		b.detach(p)
		return
	}
	inline, _ := policyLists(b.target(kind, who, r.id))
	*inline = append(*inline, p)
}

// policyLists returns the inline policies and attached policy ARNs of
// whichever of role, u and g is set (target returns one of them).
func policyLists(role *estate.Role, u *estate.User, g *estate.Group) (*[]*estate.Policy, *[]string) {
	switch {
	case role != nil:
		return &role.Inline, &role.Attached
	case u != nil:
		return &u.Inline, &u.Attached
	}
	return &g.Inline, &g.Attached
}

func (b *cfnBuilder) userToGroup(r *resource) {
	t := b.t
	gs := t.str(r.props.get("GroupName"))
	if !gs.known {
		t.gap(gs.pos, "", estate.GapUnknownUntilDeploy, fmt.Sprintf("the group of %s (%s) is not known until deployment", r.id, gs.text))
		return
	}
	_, _, g := b.target("group", gs, r.id)
	for _, s := range t.strs(r.props.get("Users")) {
		if !s.known {
			t.gap(s.pos, "", estate.GapUnknownUntilDeploy, fmt.Sprintf("a member of %s (%s) is not known until deployment", r.id, s.text))
			continue
		}
		_, u, _ := b.target("user", s, r.id)
		if !contains(u.Groups, g.Name) {
			u.Groups = append(u.Groups, g.Name)
		}
	}
}

func contains(l []string, s string) bool {
	for _, x := range l {
		if x == s {
			return true
		}
	}
	return false
}
