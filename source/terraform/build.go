package terraform

import (
	"errors"
	"fmt"
	"maps"
	"slices"
	"sort"
	"strings"

	"github.com/ecrguard/ecrguard/estate"
	"github.com/ecrguard/ecrguard/internal/iacdoc"
	"github.com/ecrguard/ecrguard/policy"
)

// builder fills an estate from resource instances, whichever reader
// produced them.
type builder struct {
	est     *estate.Estate
	account string
	gapf    func(estate.Gap)
	notef   func(source, msg string)

	repoByAddr map[string]*estate.Repository
	repoPolicy map[*estate.Repository]string // address of the policy resource that set it
	publicAddr map[string]*estate.PublicRepository

	iam        *estate.IAM
	roles      map[string]*estate.Role
	users      map[string]*estate.User
	groups     map[string]*estate.Group
	roleAddr   map[string]*estate.Role
	userAddr   map[string]*estate.User
	groupAddr  map[string]*estate.Group
	policyAddr map[string]string // aws_iam_policy address → ARN
	orgPolicy  map[string]rsrc
	// orgNodes are the organization's accounts and OUs the configuration
	// defines, for the OUs above the scanned account.
	orgNodes []rsrc
}

func newBuilder(est *estate.Estate, account string, gapf func(estate.Gap), notef func(string, string)) *builder {
	return &builder{
		est: est, account: account, gapf: gapf, notef: notef,
		repoByAddr: map[string]*estate.Repository{}, repoPolicy: map[*estate.Repository]string{}, publicAddr: map[string]*estate.PublicRepository{},
		roles: map[string]*estate.Role{}, users: map[string]*estate.User{}, groups: map[string]*estate.Group{},
		roleAddr: map[string]*estate.Role{}, userAddr: map[string]*estate.User{}, groupAddr: map[string]*estate.Group{},
		policyAddr: map[string]string{}, orgPolicy: map[string]rsrc{},
	}
}

func (b *builder) region(r rsrc) *estate.Region {
	return b.est.Account(b.account).Region(r.region)
}

func (b *builder) note(pos policy.Pos, msg string) { b.notef(pos.File, pos.String()+": "+msg) }

// reader reads one resource type; attach marks the types that attach to
// another resource, read after every definition.
type reader struct {
	attach bool
	read   func(*builder, rsrc)
}

// readers are the resource types ecrguard reads.
var readers = map[string]reader{
	"aws_ecr_repository":                    {false, (*builder).repository},
	"aws_ecr_repository_creation_template":  {false, (*builder).creationTemplate},
	"aws_ecr_registry_policy":               {false, (*builder).registryPolicy},
	"aws_ecr_replication_configuration":     {false, (*builder).replication},
	"aws_ecr_account_setting":               {false, (*builder).accountSetting},
	"aws_ecrpublic_repository":              {false, (*builder).publicRepository},
	"aws_iam_role":                          {false, (*builder).role},
	"aws_iam_user":                          {false, (*builder).user},
	"aws_iam_group":                         {false, (*builder).group},
	"aws_iam_policy":                        {false, (*builder).managedPolicy},
	"aws_organizations_policy":              {false, (*builder).orgPolicyDef},
	"aws_organizations_account":             {false, (*builder).orgNode},
	"aws_organizations_organizational_unit": {false, (*builder).orgNode},
	"aws_ecr_repository_policy":             {true, (*builder).repositoryPolicy},
	"aws_ecrpublic_repository_policy":       {true, (*builder).publicPolicy},
	"aws_iam_role_policy":                   {true, (*builder).inlinePolicy},
	"aws_iam_user_policy":                   {true, (*builder).inlinePolicy},
	"aws_iam_group_policy":                  {true, (*builder).inlinePolicy},
	"aws_iam_role_policy_attachment":        {true, (*builder).attachment},
	"aws_iam_user_policy_attachment":        {true, (*builder).attachment},
	"aws_iam_group_policy_attachment":       {true, (*builder).attachment},
	"aws_iam_policy_attachment":             {true, (*builder).policyAttachment},
	"aws_iam_user_group_membership":         {true, (*builder).userGroups},
	"aws_iam_group_membership":              {true, (*builder).groupMembers},
	"aws_organizations_policy_attachment":   {true, (*builder).orgAttachment},
}

// build reads every instance: definitions first, then what attaches to
// them. A type that would set a policy but is not read is a gap (unread).
func (b *builder) build(rs []rsrc) {
	sort.SliceStable(rs, func(i, j int) bool { return rs[i].addr < rs[j].addr })
	for _, attach := range []bool{false, true} {
		for _, r := range rs {
			if rd, ok := readers[r.typ]; ok && rd.attach == attach {
				rd.read(b, r)
			}
		}
	}
	b.unread(rs)
	if b.iam != nil {
		b.iam.Sort()
	}
}

func (b *builder) orgPolicyDef(r rsrc) { b.orgPolicy[r.addr] = r }
func (b *builder) orgNode(r rsrc)      { b.orgNodes = append(b.orgNodes, r) }

// awsccPolicies are the prefixes of the AWS Cloud Control provider's
// resource types that set policies ecrguard judges (a repository's, the
// registry's, an IAM identity's, an organization's), which it does not read.
var awsccPolicies = []string{"awscc_ecr_", "awscc_iam_", "awscc_organizations_policy"}

// unread reports, once per resource block, a type that would set a policy
// ecrguard judges but is not one it reads: a slip of one it reads (at most
// two edits, Terraform's own "did you mean"), which terraform validate
// refuses, or an AWS Cloud Control (awscc) resource of ECR, IAM or an
// organization's policies. Either way a scan must not say "no findings"
// for what it sets.
func (b *builder) unread(rs []rsrc) {
	types := slices.Sorted(maps.Keys(readers))
	seen := map[policy.Pos]bool{}
	for _, r := range rs {
		if _, ok := readers[r.typ]; ok {
			continue
		}
		var code estate.GapCode
		var msg string
		switch {
		case slices.ContainsFunc(awsccPolicies, func(p string) bool { return strings.HasPrefix(r.typ, p) }):
			code, msg = estate.GapUnsupported, fmt.Sprintf("ecrguard does not read the AWS Cloud Control provider's %s; what this block sets is not assessed (the aws provider's resources are read)", r.typ)
		case strings.HasPrefix(r.typ, "aws_"):
			hint := NameSuggestion(r.typ, types)
			if hint == "" {
				continue
			}
			code, msg = estate.GapInvalidInput, fmt.Sprintf("the AWS provider defines no resource type %q (terraform validate refuses it), so this block is not assessed%s", r.typ, hint)
		default:
			continue
		}
		pos := r.obj.pos()
		if seen[pos] {
			continue
		}
		seen[pos] = true
		b.gapf(estate.Gap{Source: pos.File, Pos: pos, Account: b.account, Region: r.region, Code: code, Message: msg})
	}
}

// problemsAt returns the problems of a document that does not decode, placed
// at where when the document gave them no position.
func problemsAt(pe *policy.Error, where policy.Pos) []policy.Problem {
	ps := append([]policy.Problem(nil), pe.All()...)
	for i := range ps {
		if !ps[i].Pos.IsValid() {
			ps[i].Pos = where
		}
	}
	return ps
}

// document reads a policy argument. A document not known until apply, or
// one that does not parse, is a gap (and nil).
func (b *builder) document(r rsrc, attr, name, resource string) (*estate.Policy, bool) {
	where := r.obj.attrPos(attr)
	gap := func(code estate.GapCode, msg string, pos policy.Pos, problems ...policy.Problem) {
		if !pos.IsValid() {
			pos = where
		}
		b.gapf(estate.Gap{Source: pos.File, Pos: pos, Account: b.account, Region: r.region, Resource: resource, Code: code, Message: msg, Problems: problems})
	}
	doc, issues, err := iacdoc.Read(r.obj.doc(attr))
	if err == nil && doc == nil {
		return nil, true
	}
	var ue *iacdoc.UnknownError
	var pe *policy.Error
	switch {
	case errors.As(err, &ue):
		gap(estate.GapUnknownUntilApply, fmt.Sprintf("%s of %s is not known until apply (unknown: %s); it is not assessed", attr, r.addr, ue.What), ue.Pos)
		return nil, false
	case errors.As(err, &pe):
		// ECR011 names each of the document's problems.
		gap(estate.GapParseError, fmt.Sprintf("%s of %s is not a valid policy document: %s", attr, r.addr, pe.Msg), pe.Pos, problemsAt(pe, where)...)
		return nil, false
	case err != nil:
		gap(estate.GapParseError, fmt.Sprintf("%s of %s: %v", attr, r.addr, err), where)
		return nil, false
	}
	for _, is := range issues {
		b.note(is.Pos, fmt.Sprintf("%s of %s: %s", attr, r.addr, is.Message))
	}
	src := doc.Pos
	if !src.IsValid() {
		src = where
	}
	return &estate.Policy{Name: name, Doc: doc, Source: src}, true
}

// resourcePolicy reads a resource policy argument as document does, with
// where a fix's statements go in the file that writes it.
func (b *builder) resourcePolicy(r rsrc, attr, name, resource string) (*estate.Policy, bool) {
	p, ok := b.document(r, attr, name, resource)
	if p != nil {
		p.Insert = r.obj.insert(attr)
	}
	return p, ok
}

// name returns an entity's name, or when the name is not known until
// apply, the expression that gives it as a placeholder
// (<aws_ecr_repository.app.name>), which no real name can equal.
func (b *builder) name(r rsrc, attr string) string {
	s := r.obj.str(attr)
	if s.known && s.text != "" {
		return s.text
	}
	name := policy.Placeholder(r.addr + "." + attr)
	if s.set && !s.known {
		b.note(s.pos, fmt.Sprintf("the %s of %s (%s) is not known until apply; it is reported as %s", attr, r.addr, s.text, name))
	}
	return name
}

// repository reads aws_ecr_repository.
func (b *builder) repository(r rsrc) {
	name := b.name(r, "name")
	repo := b.region(r).Repository(name)
	b.repoByAddr[r.addr] = repo
	repo.Source = r.obj.pos()
	repo.InInventory = true
	if repo.PolicyState == estate.Unread {
		// The configuration defines the repository; a policy comes only
		// from an aws_ecr_repository_policy.
		repo.SetPolicy(nil)
	}
	repo.ImageTagMutability = "MUTABLE"
	if s := r.obj.str("image_tag_mutability"); s.known {
		repo.ImageTagMutability = s.text
	}
	if bl, _ := r.obj.blocks("image_scanning_configuration"); len(bl) > 0 {
		if s := bl[0].str("scan_on_push"); s.known {
			v := s.text == "true"
			repo.ScanOnPush = &v
		}
	}
	repo.EncryptionType = "AES256"
	if bl, _ := r.obj.blocks("encryption_configuration"); len(bl) > 0 {
		if s := bl[0].str("encryption_type"); s.known {
			repo.EncryptionType = s.text
		}
	}
	b.repoTags(r, repo, "tags_all", "tags")
}

func (b *builder) repoTags(r rsrc, repo *estate.Repository, attrs ...string) {
	for _, attr := range attrs {
		tags, known := r.obj.strMap(attr)
		if !known {
			repo.Tags, repo.TagsKnown = nil, false
			return
		}
		if tags != nil || attr == attrs[len(attrs)-1] {
			if tags == nil {
				tags = map[string]string{}
			}
			repo.Tags, repo.TagsKnown = tags, true
			return
		}
	}
}

func (b *builder) registryPolicy(r rsrc) {
	reg := &b.region(r).Registry
	pol, ok := b.resourcePolicy(r, "policy", r.addr, estate.RegistryARN(r.region, b.account))
	if !ok {
		reg.Policy, reg.PolicyState = nil, estate.Unread
		return
	}
	if pol == nil {
		return
	}
	if reg.PolicyState == estate.HasPolicy {
		b.note(r.obj.pos(), fmt.Sprintf("%s replaces another registry policy of the same registry", r.addr))
	}
	reg.SetPolicy(pol)
}

func (b *builder) replication(r rsrc) {
	reg := &b.region(r).Registry
	confs, known := r.obj.blocks("replication_configuration")
	if !known {
		b.gapf(estate.Gap{Source: r.obj.pos().File, Pos: r.obj.pos(), Account: b.account, Region: r.region, Code: estate.GapUnknownUntilApply, Message: fmt.Sprintf("the replication rules of %s are not known until apply", r.addr)})
		return
	}
	for _, c := range confs {
		rules, known := c.blocks("rule")
		if !known {
			b.gapf(estate.Gap{Source: c.pos().File, Pos: c.pos(), Account: b.account, Region: r.region, Code: estate.GapUnknownUntilApply, Message: fmt.Sprintf("the replication rules of %s are not known until apply", r.addr)})
			continue
		}
		for _, rule := range rules {
			dests, _ := rule.blocks("destination")
			for _, d := range dests {
				acct, region := d.str("registry_id"), d.str("region")
				rd := estate.ReplicationDestination{Account: acct.text, Region: region.text}
				if !acct.known {
					// Not a 12-digit account: analyses treat it as outside
					// every trusted zone, the worst case.
					rd.Account = "${" + acct.text + "}"
					b.note(d.pos(), fmt.Sprintf("the destination account of %s (%s) is not known until apply; it is read as an untrusted account", r.addr, acct.text))
				}
				if !region.known {
					rd.Region = "${" + region.text + "}"
				}
				reg.Replication = append(reg.Replication, rd)
			}
		}
	}
}

// accountSetting reads REGISTRY_POLICY_SCOPE. A value other than V1 or V2
// fails at apply (the ECR API Reference, PutAccountSetting), so the scope
// stays as it was: unknown, with a gap.
func (b *builder) accountSetting(r rsrc) {
	name, val := r.obj.str("name"), r.obj.str("value")
	if !name.known || name.text != "REGISTRY_POLICY_SCOPE" || !val.known {
		return
	}
	if val.text != estate.ScopeV1 && val.text != estate.ScopeV2 {
		b.gapf(estate.Gap{Source: val.pos.File, Pos: val.pos, Account: b.account, Region: r.region, Code: estate.GapInvalidInput,
			Message: fmt.Sprintf("%s: value: expected %q or %q for REGISTRY_POLICY_SCOPE, got %q (apply fails, and the scope stays as it was, which the inputs do not say)", r.addr, estate.ScopeV1, estate.ScopeV2, val.text)})
		return
	}
	b.region(r).Registry.Scope = val.text
}

func (b *builder) iamData() *estate.IAM {
	if b.iam == nil {
		a := b.est.Account(b.account)
		if a.IAM == nil {
			a.IAM = &estate.IAM{}
		}
		b.iam = a.IAM
	}
	return b.iam
}

// iamPath returns an entity's path ("/" by default).
func (b *builder) iamPath(r rsrc) string {
	p := r.obj.str("path")
	switch {
	case p.known && p.text != "":
		return p.text
	case p.set && !p.known:
		b.note(p.pos, fmt.Sprintf("the path of %s (%s) is not known until apply; read as /", r.addr, p.text))
	}
	return "/"
}

func (b *builder) role(r rsrc) {
	name, path := b.name(r, "name"), b.iamPath(r)
	role := &estate.Role{Identity: estate.Identity{Name: name, Path: path, ARN: iamARN(b.account, "role", path, name)}}
	role.ServiceLinked = strings.HasPrefix(path, "/aws-service-role/")
	tags, known := iamTags(r)
	role.Tags, role.TagsUnknown = tags, !known
	if t, ok := b.document(r, "assume_role_policy", "trust policy of "+r.addr, role.ARN); ok && t != nil {
		role.Trust = t
	}
	inl, known := r.obj.blocks("inline_policy")
	if !known {
		b.gapf(estate.Gap{Source: r.obj.pos().File, Pos: r.obj.pos(), Account: b.account, Resource: role.ARN, Code: estate.GapUnknownUntilApply, Message: fmt.Sprintf("the inline policies of %s are not known until apply", r.addr)})
	}
	for _, ip := range inl {
		pn := ip.str("name")
		sub := rsrc{addr: r.addr, typ: r.typ, region: r.region, obj: ip}
		label := pn.text
		if !pn.known {
			label = "(" + pn.text + ")"
		}
		if !pn.set {
			// An empty inline_policy block means "no inline policies".
			if v, _ := ip.doc("policy"); v == nil {
				continue
			}
		}
		if p, ok := b.document(sub, "policy", "inline policy "+label+" of "+r.addr, role.ARN); ok && p != nil {
			role.Inline = append(role.Inline, p)
		}
	}
	for _, a := range r.obj.strs("managed_policy_arns") {
		if arn, ok := b.policyARN(r, a, ""); ok {
			role.Attached = append(role.Attached, arn)
		}
	}
	role.Boundary = b.boundary(r, role.ARN)
	b.addRole(r.addr, role)
}

func (b *builder) addRole(addr string, role *estate.Role) {
	iam := b.iamData()
	if prev := b.roles[role.Name]; prev != nil && addr != "" {
		b.notef("", fmt.Sprintf("two resources define role %s; %s is used", role.Name, addr))
	}
	register(&iam.Roles, b.roles, b.roleAddr, role.Name, addr, role)
}

// register adds x to list, to byName under name and, for a resource (addr
// not ""), to byAddr under addr.
func register[T any](list *[]*T, byName, byAddr map[string]*T, name, addr string, x *T) {
	*list = append(*list, x)
	byName[name] = x
	if addr != "" {
		byAddr[addr] = x
	}
}

// boundary reads permissions_boundary. An unknown boundary is read as none,
// the worst case (a boundary only takes permissions away).
func (b *builder) boundary(r rsrc, resource string) string {
	s := r.obj.str("permissions_boundary")
	if !s.set {
		return ""
	}
	if arn, ok := b.policyARN(r, s, "permissions_boundary"); ok {
		return arn
	}
	b.note(s.pos, fmt.Sprintf("the permissions boundary of %s (%s) is not known until apply; it is read as absent, the worst case", r.addr, s.text))
	return ""
}

// policyARN returns a managed policy ARN argument: as written, or through a
// reference to an aws_iam_policy of the configuration. A value that stays
// unknown is a gap.
func (b *builder) policyARN(r rsrc, s sval, attr string) (string, bool) {
	if s.known {
		return s.text, true
	}
	if attr != "" {
		if addr := r.obj.ref(attr); addr != "" {
			if arn, ok := b.policyAddr[addr]; ok {
				return arn, true
			}
		}
	}
	if attr == "permissions_boundary" {
		return "", false
	}
	b.gapf(estate.Gap{Source: s.pos.File, Pos: s.pos, Account: b.account, Code: estate.GapUnknownUntilApply, Message: fmt.Sprintf("a managed policy attached by %s (%s) is not known until apply; what it grants is not assessed", r.addr, s.text)})
	return "", false
}

// iamTags returns a role's or user's tags: tags_all (the provider's
// default_tags with its own), else tags; known is false when they are not
// known until apply.
func iamTags(r rsrc) (tags map[string]string, known bool) {
	for _, attr := range []string{"tags_all", "tags"} {
		tags, ok := r.obj.strMap(attr)
		if !ok {
			return nil, false
		}
		if tags != nil {
			return tags, true
		}
	}
	return nil, true
}

func (b *builder) user(r rsrc) {
	name, path := b.name(r, "name"), b.iamPath(r)
	u := &estate.User{Identity: estate.Identity{Name: name, Path: path, ARN: iamARN(b.account, "user", path, name)}}
	tags, known := iamTags(r)
	u.Tags, u.TagsUnknown = tags, !known
	u.Boundary = b.boundary(r, u.ARN)
	register(&b.iamData().Users, b.users, b.userAddr, name, r.addr, u)
}

func (b *builder) group(r rsrc) {
	name, path := b.name(r, "name"), b.iamPath(r)
	g := &estate.Group{Identity: estate.Identity{Name: name, Path: path, ARN: iamARN(b.account, "group", path, name)}}
	register(&b.iamData().Groups, b.groups, b.groupAddr, name, r.addr, g)
}

func (b *builder) managedPolicy(r rsrc) {
	name, path := b.name(r, "name"), b.iamPath(r)
	arn := iamARN(b.account, "policy", path, name)
	b.policyAddr[r.addr] = arn
	p, ok := b.document(r, "policy", arn, arn)
	if !ok || p == nil {
		return
	}
	p.Name = arn + " (" + r.addr + ")"
	iam := b.iamData()
	iam.Policies = append(iam.Policies, &estate.ManagedPolicy{Name: name, ARN: arn, Default: p, VersionID: "v1"})
}

// principalOf finds the role, user or group an attachment names (by name
// or by reference), creating one the configuration does not define.
type principalKind uint8

const (
	kindRole principalKind = iota
	kindUser
	kindGroup
)

func kindOf(typ string) (principalKind, string) {
	switch {
	case strings.HasPrefix(typ, "aws_iam_user"):
		return kindUser, "user"
	case strings.HasPrefix(typ, "aws_iam_group"):
		return kindGroup, "group"
	}
	return kindRole, "role"
}

// target is the role, user or group something is attached to.
type target struct {
	role  *estate.Role
	user  *estate.User
	group *estate.Group
}

func (b *builder) target(r rsrc, kind principalKind, attr string, s sval) (target, bool) {
	if !s.known {
		if addr := r.obj.ref(attr); addr != "" {
			switch kind {
			case kindRole:
				if x := b.roleAddr[addr]; x != nil {
					return target{role: x}, true
				}
			case kindUser:
				if x := b.userAddr[addr]; x != nil {
					return target{user: x}, true
				}
			case kindGroup:
				if x := b.groupAddr[addr]; x != nil {
					return target{group: x}, true
				}
			}
		}
		return target{}, false
	}
	name := s.text
	if i := strings.LastIndexByte(name, '/'); strings.HasPrefix(name, "arn:") && i >= 0 {
		name = name[i+1:]
	}
	switch kind {
	case kindRole:
		return target{role: findOrAdd(b, b.roles, "role", name, s.pos, r.addr, func(arn string) *estate.Role {
			x := &estate.Role{Identity: estate.Identity{Name: name, Path: "/", ARN: arn}}
			b.addRole("", x)
			return x
		})}, true
	case kindUser:
		return target{user: findOrAdd(b, b.users, "user", name, s.pos, r.addr, func(arn string) *estate.User {
			x := &estate.User{Identity: estate.Identity{Name: name, Path: "/", ARN: arn}}
			register(&b.iamData().Users, b.users, nil, name, "", x)
			return x
		})}, true
	default:
		return target{group: findOrAdd(b, b.groups, "group", name, s.pos, r.addr, func(arn string) *estate.Group {
			x := &estate.Group{Identity: estate.Identity{Name: name, Path: "/", ARN: arn}}
			register(&b.iamData().Groups, b.groups, nil, name, "", x)
			return x
		})}, true
	}
}

// findOrAdd returns the principal of byName named name, or, for one the
// configuration does not define, the one create makes (with path /) from
// its ARN and adds, noting that only what by gives it is known.
func findOrAdd[T any](b *builder, byName map[string]*T, kind, name string, pos policy.Pos, by string, create func(arn string) *T) *T {
	if x := byName[name]; x != nil {
		return x
	}
	b.note(pos, fmt.Sprintf("%s %s is not defined in this configuration; only what %s gives it is known (its path is taken as /)", kind, name, by))
	return create(iamARN(b.account, kind, "/", name))
}

// detach records an identity policy whose principal is not known: it is
// analysed as "any principal it is attached to".
func (b *builder) detach(r rsrc, p *estate.Policy, who sval) {
	b.note(who.pos, fmt.Sprintf("the principal %s attaches its policy to (%s) is not known until apply; the policy is analysed as attached to an unknown principal", r.addr, who.text))
	a := b.est.Account(b.account)
	a.Detached = append(a.Detached, p)
}

func (b *builder) inlinePolicy(r rsrc) {
	kind, attr := kindOf(r.typ)
	who := r.obj.str(attr)
	pn := r.obj.str("name")
	label := pn.text
	if !pn.known {
		label = r.addr
	}
	p, ok := b.document(r, "policy", "inline policy "+label+" ("+r.addr+")", "")
	if !ok || p == nil {
		return
	}
	t, ok := b.target(r, kind, attr, who)
	if !ok {
		b.detach(r, p, who)
		return
	}
	if inline, _ := t.lists(); inline != nil {
		*inline = append(*inline, p)
	}
}

func (b *builder) attach(t target, arn string) {
	if _, attached := t.lists(); attached != nil {
		*attached = append(*attached, arn)
	}
}

// lists returns the inline policies and the attached policy ARNs of t's
// principal (nil, nil for none).
func (t target) lists() (inline *[]*estate.Policy, attached *[]string) {
	switch {
	case t.role != nil:
		return &t.role.Inline, &t.role.Attached
	case t.user != nil:
		return &t.user.Inline, &t.user.Attached
	case t.group != nil:
		return &t.group.Inline, &t.group.Attached
	}
	return nil, nil
}

func (b *builder) attachment(r rsrc) {
	kind, attr := kindOf(r.typ)
	arn, ok := b.policyARN(r, r.obj.str("policy_arn"), "policy_arn")
	if !ok {
		return
	}
	who := r.obj.str(attr)
	t, ok := b.target(r, kind, attr, who)
	if !ok {
		b.gapf(estate.Gap{Source: who.pos.File, Pos: who.pos, Account: b.account, Code: estate.GapUnknownUntilApply, Message: fmt.Sprintf("the %s %s attaches %s to (%s) is not known until apply", attr, r.addr, arn, who.text)})
		return
	}
	b.attach(t, arn)
}

// policyAttachment reads aws_iam_policy_attachment (users, roles, groups).
func (b *builder) policyAttachment(r rsrc) {
	arn, ok := b.policyARN(r, r.obj.str("policy_arn"), "policy_arn")
	if !ok {
		return
	}
	for _, l := range []struct {
		attr string
		kind principalKind
	}{{"users", kindUser}, {"roles", kindRole}, {"groups", kindGroup}} {
		for _, s := range r.obj.strs(l.attr) {
			t, ok := b.target(r, l.kind, "", s)
			if !ok {
				b.gapf(estate.Gap{Source: s.pos.File, Pos: s.pos, Account: b.account, Code: estate.GapUnknownUntilApply, Message: fmt.Sprintf("one of the %s %s attaches %s to (%s) is not known until apply", l.attr, r.addr, arn, s.text)})
				continue
			}
			b.attach(t, arn)
		}
	}
}

func (b *builder) addToGroup(r rsrc, user, group sval, userAttr string) {
	gt, ok := b.target(r, kindGroup, "group", group)
	if !ok {
		b.gapf(estate.Gap{Source: group.pos.File, Pos: group.pos, Account: b.account, Code: estate.GapUnknownUntilApply, Message: fmt.Sprintf("a group of %s (%s) is not known until apply", r.addr, group.text)})
		return
	}
	ut, ok := b.target(r, kindUser, userAttr, user)
	if !ok {
		b.gapf(estate.Gap{Source: user.pos.File, Pos: user.pos, Account: b.account, Code: estate.GapUnknownUntilApply, Message: fmt.Sprintf("a member of %s (%s) is not known until apply", r.addr, user.text)})
		return
	}
	for _, g := range ut.user.Groups {
		if g == gt.group.Name {
			return
		}
	}
	ut.user.Groups = append(ut.user.Groups, gt.group.Name)
}

func (b *builder) userGroups(r rsrc) {
	user := r.obj.str("user")
	for _, g := range r.obj.strs("groups") {
		b.addToGroup(r, user, g, "user")
	}
}

func (b *builder) groupMembers(r rsrc) {
	group := r.obj.str("group")
	for _, u := range r.obj.strs("users") {
		b.addToGroup(r, u, group, "")
	}
}

// repositoryPolicy reads aws_ecr_repository_policy, linking it to its
// repository by name (the repository argument's value) or, when the name is
// not known until apply, by reference to an aws_ecr_repository.
func (b *builder) repositoryPolicy(r rsrc) {
	reg := b.region(r)
	s := r.obj.str("repository")
	var repo *estate.Repository
	switch {
	case s.known:
		repo = reg.Repository(s.text)
		if !repo.Source.IsValid() {
			repo.Source = r.obj.pos()
		}
	default:
		if addr := r.obj.ref("repository"); addr != "" {
			repo = b.repoByAddr[addr]
		}
		if repo == nil {
			repo = reg.Repository(r.addr)
			repo.Source = r.obj.pos()
			b.note(s.pos, fmt.Sprintf("the repository of %s (%s) is not known until apply; its policy is reported on %q", r.addr, s.text, r.addr))
		}
	}
	pol, ok := b.resourcePolicy(r, "policy", r.addr, repo.ARN)
	if prev, dup := b.repoPolicy[repo]; dup {
		b.note(r.obj.pos(), fmt.Sprintf("%s and %s both set the policy of repository %s; %s is read", prev, r.addr, repo.Name, r.addr))
	}
	b.repoPolicy[repo] = r.addr
	switch {
	case !ok:
		repo.Policy, repo.PolicyState = nil, estate.Unread
	case pol == nil:
		repo.SetPolicy(nil)
	default:
		repo.SetPolicy(pol)
	}
}
