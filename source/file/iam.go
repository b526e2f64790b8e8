package file

import (
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/ecrguard/ecrguard/estate"
	"github.com/ecrguard/ecrguard/internal/jsonpos"
	"github.com/ecrguard/ecrguard/policy"
)

// iamAccount collects one account's authorization details over the files
// (pages) that hold them, and what they refer to, for the checks that can
// only run once every file is read.
type iamAccount struct {
	iam      *estate.IAM
	files    []string
	complete bool // some page says it is the last (no IsTruncated true, Marker or NextToken)
	// truncatedAt is the first page marker read, and truncatedBy what it
	// says ("IsTruncated is true", "it has a NextToken").
	truncatedAt policy.Pos
	truncatedBy string

	users, roles map[string]bool
	groups       map[string]*estate.Group // by ARN
	groupByName  map[string]*estate.Group
	policies     map[string]*estate.ManagedPolicy
	// broken are managed policies present in a file but unreadable (already
	// a Gap), so that their attachments are not reported again.
	broken map[string]bool
	// refs are the attachments (and boundaries) of each managed policy ARN;
	// members the groups users say they are in.
	refs    map[string][]ref
	members map[string][]ref
}

// ref is one reference to a managed policy or a group.
type ref struct {
	who  string // "role/ci-build", "boundary of user/erin"
	file string
	pos  policy.Pos
}

func (l *Reader) iamAccount(id string) *iamAccount {
	a := l.iam[id]
	if a == nil {
		// The files' IAM is merged into the estate's when every file is
		// read (finishIAM), as a snapshot's is: an identity both describe
		// is then one, whichever was read first.
		l.est.Account(id)
		a = &iamAccount{
			iam:   &estate.IAM{},
			users: map[string]bool{}, roles: map[string]bool{},
			groups: map[string]*estate.Group{}, groupByName: map[string]*estate.Group{},
			policies: map[string]*estate.ManagedPolicy{}, broken: map[string]bool{},
			refs: map[string][]ref{}, members: map[string][]ref{},
		}
		l.iam[id] = a
	}
	return a
}

// details reads one authorization-details file.
type details struct {
	l  *Reader
	in *input
	// accounts are the accounts the file's identities belong to.
	accounts map[string]bool
}

// authorizationDetails reads the output of aws iam
// get-account-authorization-details (one page, or all of them).
func (l *Reader) authorizationDetails(in *input) {
	d := &details{l: l, in: in, accounts: map[string]bool{}}
	lists := map[string][]*jsonpos.Node{}
	top := in.objectAt(in.root, "")
	for _, key := range []string{"UserDetailList", "GroupDetailList", "RoleDetailList", "Policies"} {
		lists[key] = top.array(key, false)
		if top.err != nil {
			l.gapFor(in, estate.GapInvalidInput, top.err, "", "", "")
			top.err = nil
		}
	}
	top.boolean("IsTruncated")
	if top.err != nil {
		l.gapFor(in, estate.GapInvalidInput, top.err, "", "", "")
		top.err = nil
	}
	marker, truncated := pageMarker(in.root)
	for i, e := range lists["UserDetailList"] {
		d.user(i, e)
	}
	for i, e := range lists["GroupDetailList"] {
		d.group(i, e)
	}
	for i, e := range lists["RoleDetailList"] {
		d.role(i, e)
	}
	var awsManaged []*estate.ManagedPolicy
	for i, e := range lists["Policies"] {
		if mp, account := d.managed(i, e); mp != nil && account == "aws" {
			awsManaged = append(awsManaged, mp)
		}
	}
	if len(d.accounts) == 0 {
		if l.opts.Account == "" {
			l.gap(estate.Gap{Source: in.name, Pos: in.pos(in.root.Off), Code: estate.GapNoAccount,
				Message: "authorization details with no user, group, role or customer managed policy name no account: " + needAccount})
			return
		}
		d.accounts[l.opts.Account] = true
	}
	for _, id := range slices.Sorted(maps.Keys(d.accounts)) {
		a := l.iamAccount(id)
		a.files = append(a.files, in.name)
		if !truncated {
			a.complete = true
		} else if !a.truncatedAt.IsValid() {
			a.truncatedAt, a.truncatedBy = in.pos(marker.KeyOff), describeMarker(marker)
		}
		for _, mp := range awsManaged {
			if _, dup := a.policies[mp.ARN]; dup {
				continue
			}
			a.policies[mp.ARN] = mp
			a.iam.Policies = append(a.iam.Policies, mp)
		}
	}
}

// entityAccount checks that arn is an IAM ARN of kind ("user", "role", …)
// and returns its account.
func (d *details) entityAccount(o *object, kind string) (string, string) {
	arn := o.str("Arn", true)
	if o.err != nil {
		return "", ""
	}
	a, ok := policy.ParseARN(arn)
	switch {
	case !ok || a.Service != "iam" || !strings.HasPrefix(a.Resource, kind+"/"):
		o.fail(o.n.Get("Arn").Off, "%s.Arn: expected an IAM %s ARN (arn:aws:iam::ACCOUNT:%s/NAME), got %q", o.what, kind, kind, arn)
	case kind == "policy" && a.Account == "aws":
	case !policy.IsAccountID(a.Account):
		o.fail(o.n.Get("Arn").Off, "%s.Arn: expected a 12-digit account id in %q", o.what, arn)
	default:
		// The file describes this account, even if the entity turns out
		// unreadable.
		d.accounts[a.Account] = true
	}
	return a.Account, arn
}

// inline reads a list of inline policies ({"PolicyName", "PolicyDocument"}).
// A document that does not decode is a Gap and is left out.
func (d *details) inline(o *object, key, owner, account, arn string) []*estate.Policy {
	elems := o.array(key, false)
	var out []*estate.Policy
	for i, e := range elems {
		p := d.in.objectAt(e, fmt.Sprintf("%s.%s[%d]", o.what, key, i))
		name := p.str("PolicyName", true)
		docNode := p.get("PolicyDocument", true)
		if p.err != nil {
			o.take(p)
			return nil
		}
		label := "inline policy " + name + " of " + owner
		doc, err := d.in.document(docNode, "PolicyDocument")
		if err != nil {
			d.l.gapFor(d.in, estate.GapParseError, labelled(label, err), account, "", arn)
			continue
		}
		out = append(out, &estate.Policy{Name: label, Doc: doc, Source: doc.Pos})
	}
	return out
}

// attached reads AttachedManagedPolicies and records each reference.
func (d *details) attached(o *object, who string) ([]string, []ref) {
	elems := o.array("AttachedManagedPolicies", false)
	var arns []string
	var refs []ref
	for i, e := range elems {
		p := d.in.objectAt(e, fmt.Sprintf("%s.AttachedManagedPolicies[%d]", o.what, i))
		arn := p.str("PolicyArn", true)
		if p.err != nil {
			o.take(p)
			return nil, nil
		}
		arns = append(arns, arn)
		refs = append(refs, ref{who: who, file: d.in.name, pos: d.in.pos(e.Get("PolicyArn").Off)})
	}
	return arns, refs
}

// boundary reads PermissionsBoundary.
func (d *details) boundary(o *object, who string) (string, []ref) {
	b := o.sub("PermissionsBoundary", false)
	if b == nil {
		return "", nil
	}
	arn := b.str("PermissionsBoundaryArn", true)
	o.take(b)
	if o.err != nil {
		return "", nil
	}
	return arn, []ref{{who: "boundary of " + who, file: d.in.name, pos: d.in.pos(b.n.Get("PermissionsBoundaryArn").Off)}}
}

// entityGap records an entity that could not be read.
func (d *details) entityGap(o *object, account, arn string) {
	d.l.gapFor(d.in, estate.GapInvalidInput, o.err, account, "", arn)
}

// attachments are the managed policies an entity attaches and its
// permissions boundary, with where the file names each.
type attachments struct {
	arns        []string
	refs, brefs []ref
	boundary    string
}

// attachments reads AttachedManagedPolicies and, when withBoundary,
// PermissionsBoundary.
func (d *details) attachments(o *object, who string, withBoundary bool) attachments {
	var at attachments
	at.arns, at.refs = d.attached(o, who)
	if withBoundary {
		at.boundary, at.brefs = d.boundary(o, who)
	}
	return at
}

// claim returns the IAM account an entity read from o belongs to, with the
// references of its attachments recorded, or nil when o failed (a gap) or
// seen says the account already has it (a duplicate: the first description
// read is used).
func (d *details) claim(o *object, account, arn string, at attachments, seen func(*iamAccount) bool) *iamAccount {
	if o.err != nil {
		d.entityGap(o, account, arn)
		return nil
	}
	a := d.l.iamAccount(account)
	if seen(a) {
		d.duplicate(o, account, arn)
		return nil
	}
	d.accounts[account] = true
	d.add(a, at)
	return a
}

// add records the references of an entity's attachments.
func (d *details) add(a *iamAccount, at attachments) {
	d.addRefs(a, at.arns, at.refs)
	if at.boundary != "" {
		d.addRefs(a, []string{at.boundary}, at.brefs)
	}
}

// entity is what a user, group or role of the file says about itself.
type entity struct {
	o                            *object
	name, id, path, account, arn string
	who                          string // "user/NAME"
}

// entity reads element i of list (a user, group or role: kind) with its
// KEYName, KEYId, Path and Arn.
func (d *details) entity(e *jsonpos.Node, list string, i int, kind, key string) entity {
	o := d.in.objectAt(e, fmt.Sprintf("%s[%d]", list, i))
	en := entity{o: o, name: o.str(key+"Name", true), id: o.str(key+"Id", false), path: o.str("Path", false)}
	en.account, en.arn = d.entityAccount(o, kind)
	en.who = kind + "/" + en.name
	return en
}

func (d *details) user(i int, e *jsonpos.Node) {
	en := d.entity(e, "UserDetailList", i, "user", "User")
	o, account, arn, who := en.o, en.account, en.arn, en.who
	u := &estate.User{Identity: estate.Identity{Name: en.name, ID: en.id, Path: en.path, ARN: arn, Inline: d.inline(o, "UserPolicyList", who, account, arn)}}
	at := d.attachments(o, who, true)
	u.Attached, u.Boundary = at.arns, at.boundary
	var groups []ref
	for j, g := range o.array("GroupList", false) {
		if g.Kind != jsonpos.String {
			o.fail(g.Off, "%s.GroupList[%d]: expected a group name, got %s", o.what, j, describe(g))
			break
		}
		u.Groups = append(u.Groups, g.Text)
		groups = append(groups, ref{who: who, file: d.in.name, pos: d.in.pos(g.Off)})
	}
	u.Tags = o.tagList("Tags")
	a := d.claim(o, account, arn, at, func(a *iamAccount) bool { return a.users[arn] })
	if a == nil {
		return
	}
	a.users[arn] = true
	a.iam.Users = append(a.iam.Users, u)
	for k, g := range u.Groups {
		a.members[g] = append(a.members[g], groups[k])
	}
}

func (d *details) group(i int, e *jsonpos.Node) {
	en := d.entity(e, "GroupDetailList", i, "group", "Group")
	o, account, arn, who := en.o, en.account, en.arn, en.who
	g := &estate.Group{Identity: estate.Identity{Name: en.name, ID: en.id, Path: en.path, ARN: arn, Inline: d.inline(o, "GroupPolicyList", who, account, arn)}}
	at := d.attachments(o, who, false)
	g.Attached = at.arns
	a := d.claim(o, account, arn, at, func(a *iamAccount) bool { return a.groups[arn] != nil || a.groupByName[g.Name] != nil })
	if a == nil {
		return
	}
	a.groups[arn] = g
	a.groupByName[g.Name] = g
	a.iam.Groups = append(a.iam.Groups, g)
}

func (d *details) role(i int, e *jsonpos.Node) {
	en := d.entity(e, "RoleDetailList", i, "role", "Role")
	o, account, arn, who := en.o, en.account, en.arn, en.who
	r := &estate.Role{Identity: estate.Identity{Name: en.name, ID: en.id, Path: en.path, ARN: arn}}
	r.ServiceLinked = strings.HasPrefix(r.Path, "/aws-service-role/")
	if t := o.get("AssumeRolePolicyDocument", false); t != nil {
		label := "trust policy of " + who
		if doc, err := d.in.document(t, "AssumeRolePolicyDocument"); err != nil {
			d.l.gapFor(d.in, estate.GapParseError, labelled(label, err), account, "", arn)
		} else {
			r.Trust = &estate.Policy{Name: label, Doc: doc, Source: doc.Pos}
		}
	}
	r.Inline = d.inline(o, "RolePolicyList", who, account, arn)
	at := d.attachments(o, who, true)
	r.Attached, r.Boundary = at.arns, at.boundary
	r.Tags = o.tagList("Tags")
	if a := d.claim(o, account, arn, at, func(a *iamAccount) bool { return a.roles[arn] }); a != nil {
		a.roles[arn] = true
		a.iam.Roles = append(a.iam.Roles, r)
	}
}

// managed reads one managed policy with its default version. It returns the
// policy and its ARN's account ("aws" for AWS managed policies, which the
// caller adds to the file's accounts); customer managed policies are added
// here.
func (d *details) managed(i int, e *jsonpos.Node) (*estate.ManagedPolicy, string) {
	o := d.in.objectAt(e, fmt.Sprintf("Policies[%d]", i))
	mp := &estate.ManagedPolicy{Name: o.str("PolicyName", true), ID: o.str("PolicyId", false)}
	account, arn := d.entityAccount(o, "policy")
	mp.ARN = arn
	defaultID := o.str("DefaultVersionId", false)
	versions := o.array("PolicyVersionList", true)
	if o.err != nil {
		d.entityGap(o, account, arn)
		d.markBroken(account, arn)
		return nil, ""
	}
	// The default version is the one marked IsDefaultVersion (the one
	// DefaultVersionId names when several are marked or none is).
	var def *object
	ids := make([]string, len(versions))
	vos := make([]*object, len(versions))
	for j, v := range versions {
		vo := d.in.objectAt(v, fmt.Sprintf("%s.PolicyVersionList[%d]", o.what, j))
		isDefault, _ := vo.boolean("IsDefaultVersion")
		ids[j], vos[j] = vo.str("VersionId", false), vo
		if vo.err != nil {
			o.take(vo)
			break
		}
		if isDefault && (def == nil || ids[j] == defaultID) {
			def, mp.VersionID = vo, ids[j]
		}
	}
	for j := range vos {
		if def == nil && o.err == nil && defaultID != "" && ids[j] == defaultID {
			def, mp.VersionID = vos[j], ids[j]
		}
	}
	if o.err == nil && def == nil {
		o.fail(e.Off, "%s: no default version of %s in PolicyVersionList (expected one with IsDefaultVersion true)", o.what, arn)
	}
	var docNode *jsonpos.Node
	if o.err == nil {
		docNode = def.get("Document", true)
		o.take(def)
	}
	if o.err != nil {
		d.entityGap(o, account, arn)
		d.markBroken(account, arn)
		return nil, ""
	}
	doc, err := d.in.document(docNode, "Document")
	if err != nil {
		d.l.gapFor(d.in, estate.GapParseError, labelled(fmt.Sprintf("managed policy %s (version %s)", arn, mp.VersionID), err), account, "", arn)
		d.markBroken(account, arn)
		return nil, ""
	}
	mp.Default = &estate.Policy{Name: arn, Doc: doc, Source: doc.Pos}
	if account == "aws" {
		return mp, account
	}
	a := d.l.iamAccount(account)
	if _, dup := a.policies[arn]; dup {
		d.duplicate(o, account, arn)
		return nil, ""
	}
	d.accounts[account] = true
	a.policies[arn] = mp
	a.iam.Policies = append(a.iam.Policies, mp)
	return mp, account
}

// markBroken records a managed policy that is in the file but unreadable.
// AWS managed ones are marked in every account, since their owner is the
// file's.
func (d *details) markBroken(account, arn string) {
	if arn == "" {
		return
	}
	if account != "aws" {
		if policy.IsAccountID(account) {
			d.l.iamAccount(account).broken[arn] = true
		}
		return
	}
	d.l.brokenAWS(arn)
}

func (l *Reader) brokenAWS(arn string) {
	if l.brokenManaged == nil {
		l.brokenManaged = map[string]bool{}
	}
	l.brokenManaged[arn] = true
}

func (d *details) duplicate(o *object, account, arn string) {
	d.l.gap(estate.Gap{Source: d.in.name, Pos: d.in.pos(o.n.Off), Code: estate.GapDuplicate, Account: account, Resource: arn,
		Message: fmt.Sprintf("%s: %s is described twice; the first description read is used", o.what, arn)})
}

func (d *details) addRefs(a *iamAccount, arns []string, refs []ref) {
	for k, arn := range arns {
		a.refs[arn] = append(a.refs[arn], refs[k])
	}
}

// finishIAM runs the checks that need every file read: pages missing,
// groups and managed policies referred to but not described (AWS managed
// policies the catalog embeds are filled in from it, with a Note).
func (l *Reader) finishIAM() {
	for _, id := range slices.Sorted(maps.Keys(l.iam)) {
		a := l.iam[id]
		a.iam.Source = strings.Join(a.files, ", ")
		if len(a.files) > 0 && !a.complete {
			l.gap(estate.Gap{Source: a.truncatedAt.File, Pos: a.truncatedAt, Code: estate.GapTruncated, Account: id,
				Message: fmt.Sprintf("authorization details of account %s are truncated (%s; read from %s): the files hold only the first page(s), and identities and policies on the missing pages were not assessed; give every page, or run aws iam get-account-authorization-details without --max-items", id, a.truncatedBy, strings.Join(a.files, ", "))})
		}
		for _, g := range slices.Sorted(maps.Keys(a.members)) {
			if a.groupByName[g] != nil {
				continue
			}
			refs := a.members[g]
			l.gap(estate.Gap{Source: refs[0].file, Pos: refs[0].pos, Code: estate.GapMissing, Account: id,
				Resource: "arn:aws:iam::" + id + ":group/" + g,
				Message:  fmt.Sprintf("group %s (member: %s) is not described in the authorization details: the permissions it gives its members were not assessed", g, who(refs))})
		}
		for _, arn := range slices.Sorted(maps.Keys(a.refs)) {
			if a.policies[arn] != nil || a.broken[arn] || l.brokenManaged[arn] {
				continue
			}
			refs := a.refs[arn]
			// The elements of an embedded copy are placed at the reference,
			// the only place the user's files show it.
			if mp, ok, err := estate.AWSManagedPolicy(arn, refs[0].pos); ok {
				if err != nil {
					l.gap(estate.Gap{Source: refs[0].file, Pos: refs[0].pos, Code: estate.GapParseError, Account: id, Resource: arn,
						Message: fmt.Sprintf("embedded copy of %s does not decode: %v", arn, err)})
					continue
				}
				a.policies[arn] = mp
				a.iam.Policies = append(a.iam.Policies, mp)
				l.note(refs[0].file, fmt.Sprintf("AWS managed policy %s (attached to %s) is not in the authorization details: used the copy of its default version %s embedded in ecrguard", arn, who(refs), mp.VersionID))
				continue
			}
			l.gap(estate.Gap{Source: refs[0].file, Pos: refs[0].pos, Code: estate.GapMissing, Account: id, Resource: arn,
				Message: fmt.Sprintf("managed policy %s (attached to %s) is not in the authorization details, and is not an AWS managed policy ecrguard embeds: the permissions it gives were not assessed; run aws iam get-account-authorization-details without --filter", arn, who(refs))})
		}
		a.iam.Sort()
		one := estate.New()
		one.Account(id).IAM = a.iam
		l.est.Merge(one)
	}
}

// who lists the referrers for a message.
func who(refs []ref) string {
	names := make([]string, 0, len(refs))
	seen := map[string]bool{}
	for _, r := range refs {
		if !seen[r.who] {
			seen[r.who] = true
			names = append(names, r.who)
		}
	}
	return listSome(names, 3)
}
