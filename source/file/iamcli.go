package file

import (
	"fmt"
	"path"
	"strings"

	"github.com/ecrguard/ecrguard/estate"
	"github.com/ecrguard/ecrguard/internal/jsonpos"
	"github.com/ecrguard/ecrguard/policy"
)

// inlineOwners are the owner keys of the outputs of aws iam
// get-role-policy, get-user-policy and get-group-policy, with the kind of
// identity each names.
var inlineOwners = []struct{ key, kind string }{
	{"RoleName", "role"},
	{"UserName", "user"},
	{"GroupName", "group"},
}

// isInlinePolicyOutput matches {"RoleName"|"UserName"|"GroupName",
// "PolicyName", "PolicyDocument"}.
func isInlinePolicyOutput(obj *jsonpos.Node) bool {
	if obj.Get("PolicyName") == nil || obj.Get("PolicyDocument") == nil {
		return false
	}
	for _, o := range inlineOwners {
		if obj.Get(o.key) != nil {
			return true
		}
	}
	return false
}

// isPolicyVersionOutput matches {"PolicyVersion": {"Document": …}}.
func isPolicyVersionOutput(obj *jsonpos.Node) bool {
	v := obj.Get("PolicyVersion")
	return v != nil && v.Kind == jsonpos.Object && v.Get("Document") != nil
}

// ownedPolicy is an identity policy read from an IAM CLI output that
// names its owner, kept until every file is read: authorization details
// that describe the same owner hold it already.
type ownedPolicy struct {
	account string
	// kind and owner name the identity ("role", "ci").
	kind, owner string
	// p is named as the authorization details name an inline policy
	// ("inline policy NAME of role/ci").
	p *estate.Policy
}

// inlinePolicy reads the output of aws iam get-role-policy,
// get-user-policy or get-group-policy: an inline policy of the role, user
// or group it names. The output names no account and no path: the policy
// is "inline policy NAME of role/OWNER", and a role or user is judged by
// it (arn:aws:iam::ACCOUNT:role/OWNER, at the root path) with whatever
// policies of theirs the authorization details give; a group's stands for
// its members ("any principal with … attached").
func (l *Reader) inlinePolicy(in *input) {
	o := in.objectAt(in.root, "")
	kind, owner := "", ""
	for _, k := range inlineOwners {
		if o.get(k.key, false) != nil {
			kind, owner = k.kind, o.str(k.key, true)
			break
		}
	}
	name := o.str("PolicyName", true)
	docNode := o.get("PolicyDocument", true)
	if o.err != nil {
		l.gapFor(in, estate.GapInvalidInput, o.err, l.opts.Account, "", "")
		return
	}
	label := fmt.Sprintf("inline policy %s of %s/%s", name, kind, owner)
	doc := l.accountDocument(in, docNode, "PolicyDocument", label, "aws iam get-"+kind+"-policy")
	if doc == nil {
		return
	}
	p := &estate.Policy{Name: label, Doc: doc, Source: doc.Pos}
	if kind != "group" {
		// The output has no path: the identity is taken at the root path.
		p.Owner = fmt.Sprintf("arn:aws:iam::%s:%s/%s", l.opts.Account, kind, owner)
	}
	l.owned = append(l.owned, ownedPolicy{account: l.opts.Account, kind: kind, owner: owner, p: p})
}

// policyVersion reads the output of aws iam get-policy-version: one
// version of a managed policy. The output does not name the policy: it is
// named after the file (ECRPush.json is managed policy ECRPush), with a
// note. A version that is not the default one is not in force, and is
// noted and left out.
func (l *Reader) policyVersion(in *input) {
	top := in.objectAt(in.root, "")
	v := top.sub("PolicyVersion", true)
	var docNode *jsonpos.Node
	id := ""
	isDefault, known := false, false
	if v != nil {
		docNode = v.get("Document", true)
		id = v.str("VersionId", false)
		isDefault, known = v.boolean("IsDefaultVersion")
		top.take(v)
	}
	if top.err != nil {
		l.gapFor(in, estate.GapInvalidInput, top.err, l.opts.Account, "", "")
		return
	}
	base := path.Base(in.name)
	policyName := strings.TrimSuffix(base, path.Ext(base))
	label := "managed policy " + policyName
	if id != "" {
		label += " (version " + id + ")"
	}
	if known && !isDefault {
		l.note(in.name, fmt.Sprintf("%s is not the policy's default version (IsDefaultVersion is false): not in force, so not judged", label))
		return
	}
	doc := l.accountDocument(in, docNode, "PolicyVersion.Document", label, "aws iam get-policy-version")
	if doc == nil {
		return
	}
	l.note(in.name, fmt.Sprintf("aws iam get-policy-version output does not name its policy: read as %s, after the file's name, and judged as \"any principal it is attached to\" (authorization details say who that is)", label))
	acct := l.est.Account(l.opts.Account)
	acct.Detached = append(acct.Detached, &estate.Policy{Name: label, Doc: doc, Source: doc.Pos})
}

// accountDocument decodes the policy document of an IAM CLI output (the
// output of command), which the account of Options must place. It returns
// nil after recording a gap when the document does not decode or there is
// no account.
func (l *Reader) accountDocument(in *input, docNode *jsonpos.Node, field, label, command string) *policy.Document {
	doc, err := in.document(docNode, field)
	if err != nil {
		l.gapFor(in, estate.GapParseError, labelled(label, err), l.opts.Account, "", "")
		return nil
	}
	if l.opts.Account == "" {
		l.gap(estate.Gap{Source: in.name, Pos: doc.Pos, Code: estate.GapNoAccount,
			Message: fmt.Sprintf("%s (%s output) names no account: %s", label, command, needAccount)})
		return nil
	}
	return doc
}

// finishOwned files the inline policies read from IAM CLI outputs: each
// is an identity policy of its owner, unless the authorization details
// read describe that owner's inline policy of the same name already. Then
// the details' copy is used: with a note when the two say the same, and
// otherwise with a conflict Gap, as two inputs of one repository policy
// merge (the other copy, which may grant more, is not judged).
func (l *Reader) finishOwned() {
	for _, op := range l.owned {
		acct := l.est.Account(op.account)
		var described *estate.Policy
		if acct.IAM != nil {
			described = describedInline(acct.IAM, op)
		}
		switch {
		case described == nil:
			acct.Detached = append(acct.Detached, op.p)
		case estate.SamePolicy(described, op.p):
			l.note(op.p.Source.File, fmt.Sprintf("%s is also in the authorization details, which are used", op.p.Name))
		default:
			l.gap(estate.Gap{Source: op.p.Source.File, Pos: op.p.Source, Code: estate.GapConflictingInputs, Account: op.account, Resource: op.p.Owner,
				Message: fmt.Sprintf("inputs disagree about %s: the policy at %s, but the policy at %s in the authorization details; the analysis judges the authorization details' and not the other; make the inputs agree (or scan them apart) to assess it", op.p.Name, op.p.Source, described.Source)})
		}
	}
	l.owned = nil
}

// describedInline returns the inline policy of op's name with which m
// describes op's owner, or nil.
func describedInline(m *estate.IAM, op ownedPolicy) *estate.Policy {
	var inline []*estate.Policy
	switch op.kind {
	case "role":
		for _, r := range m.Roles {
			if r.Name == op.owner {
				inline = r.Inline
			}
		}
	case "user":
		for _, u := range m.Users {
			if u.Name == op.owner {
				inline = u.Inline
			}
		}
	case "group":
		if g := m.Group(op.owner); g != nil {
			inline = g.Inline
		}
	}
	for _, p := range inline {
		if p.Name == op.p.Name {
			return p
		}
	}
	return nil
}
