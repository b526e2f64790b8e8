package exposure

import (
	"iter"
	"slices"
	"strings"

	"github.com/ecrguard/ecrguard/eval"
	"github.com/ecrguard/ecrguard/policy"
)

// The owner's organization when the inputs do not name it (Target.OrgID ""
// and no trusted.org_ids): in the spirit of UnknownOwner, the world's
// aws:ResourceOrgID is either absent (the owner is in no organization) or
// one fixed organization, ownerOrg, that the inputs do not name, or one the
// statements name, for the owner (aws:ResourceOrgID, aws:ResourceOrgPaths)
// or for a caller (aws:PrincipalOrgID, aws:PrincipalOrgPaths and the
// source's): the owner may be in it, in an OU of its own, taken at its
// worst. Every caller may be a member of
// it: a named account's callers, a service's source account, and an
// account the policy does not name, which is then reported as a member of
// the owner's organization (Result.Orgs), not as the public. Nothing trusts
// an organization nobody named. docs/semantics.md, "Keys fixed by the
// world".
const (
	ownerOrg     = "o-ecrgowner00"
	ownerOrgPath = "/r-ecrg/" + ownerOU
	// ownerOU is the OU that stands for the owner's own.
	ownerOU = "ou-ecrg-owner000/"
)

// OwnerOrg reports whether org is the organization id that stands for the
// owner's organization when the inputs do not say which it is; reports
// call it "the owner's organization".
func OwnerOrg(org string) bool { return org == ownerOrg }

// OwnerOrgPath reports whether path is an OU path in the organization that
// stands for the owner's.
func OwnerOrgPath(path string) bool { return strings.HasPrefix(path, ownerOrg+"/") }

// OwnerOrgLabel is how a result names the owner's organization when the
// inputs do not say which it is (a key of Result.Orgs, a principal of its
// access), as policy.OwnerAccount names the owner account: never the id
// that stands for it.
const OwnerOrgLabel = "the owner's organization"

// worldOrg is one way the world may set the owner's organization: its id
// and the owner's OU path, or id "" for none.
type worldOrg struct{ id, path string }

// label is how a result names the members of w's organization.
func (w worldOrg) label() string {
	if w.id == ownerOrg {
		return OwnerOrgLabel
	}
	return w.id
}

// assignments are the world's keys as w sets them.
func (w worldOrg) assignments() eval.Option {
	if w.id == "" {
		return eval.Option{{Key: "aws:ResourceOrgID", Absent: true}, {Key: "aws:ResourceOrgPaths", Absent: true}}
	}
	return eval.Option{{Key: "aws:ResourceOrgID", Values: []string{w.id}}, {Key: "aws:ResourceOrgPaths", Values: []string{w.path}}}
}

// memberPaths are the OU paths to try for another account in w's
// organization: the owner's own OU and one elsewhere in it.
func (w worldOrg) memberPaths() []string {
	return eval.Dedupe([]string{w.path, w.id + freshOrgPath})
}

// worldOrgs returns the ways the world may set the owner's organization
// for a group whose statements are stmts, or nil when it is fixed (known)
// or the statements do not read it (as a key, or as a ${…} variable).
func (a *analyzer) worldOrgs(stmts []*policy.Statement) []worldOrg {
	if a.t.OrgID != "" || !readsResourceOrg(stmts) {
		return nil
	}
	out := []worldOrg{{}, {ownerOrg, ownerOrg + ownerOrgPath}}
	seen := map[worldOrg]bool{}
	add := func(w worldOrg) {
		if w.id != "" && !seen[w] {
			seen[w] = true
			out = append(out, w)
		}
	}
	orgs := []string{ownerOrg}
	var paths []string
	for _, st := range stmts {
		for _, c := range st.Conditions {
			for _, text := range conditionTexts(c) {
				// The owner may be in an organization or OU the statements
				// name for the owner or for a caller (the organization an
				// "our organization only" grant names is most likely the
				// owner's): its members are then in the owner's.
				sp, n := c.Op.Spellings(text)
				for _, t := range sp[:n] {
					switch strings.ToLower(c.Key) {
					case "aws:resourceorgid", "aws:principalorgid", "aws:sourceorgid":
						if o := orgInstance(t); o != "" && o != ownerOrg {
							add(worldOrg{o, o + ownerOrgPath})
							orgs = append(orgs, o)
						}
					case "aws:resourceorgpaths", "aws:principalorgpaths", "aws:sourceorgpaths":
						w := pathWorld(t)
						add(w)
						// A pattern that reaches below its OU holds an owner
						// further down too, with members of its organization
						// outside the owner's OU (the OU the pattern names).
						if strings.HasSuffix(t, "*") {
							add(worldOrg{w.id, w.path + ownerOU})
						}
						paths = append(paths, t)
					}
				}
			}
		}
	}
	// An organization one condition names may hold the OU a path pattern
	// of another names: the owner is in both at once.
	for _, p := range paths {
		orgPattern, rest, _ := strings.Cut(p, "/")
		for _, o := range orgs {
			if policy.MatchFold(orgPattern, o) {
				add(pathIn(o, rest))
			}
		}
	}
	slices.SortFunc(out[2:], func(x, y worldOrg) int { return strings.Compare(x.id+x.path, y.id+y.path) })
	return out
}

// pathIn is the world in which the owner is in organization org, at an
// instance of the OU path pattern rest (the part after the organization).
func pathIn(org, rest string) worldOrg {
	path := org + "/" + instanceTrim(rest)
	if !strings.HasSuffix(path, "/") {
		path += "/"
	}
	return worldOrg{org, path}
}

// pathWorld is the owner's organization and OU an aws:ResourceOrgPaths
// value names: an instance of its path, in the organization it names (an
// instance of an organization pattern, or the stand-in when the pattern
// names no organization in particular).
func pathWorld(p string) worldOrg {
	org, rest, _ := strings.Cut(p, "/")
	switch {
	case policy.IsOrgID(org):
	case orgInstance(org) != "":
		org = orgInstance(org)
	default:
		org = ownerOrg
	}
	return pathIn(org, rest)
}

// readsResourceOrg reports whether statements read the owner's
// organization: aws:ResourceOrgID or aws:ResourceOrgPaths as a condition
// key, or as a variable in a condition value or a Resource element.
func readsResourceOrg(stmts []*policy.Statement) bool {
	isKey := func(k string) bool {
		l := strings.ToLower(k)
		return l == "aws:resourceorgid" || l == "aws:resourceorgpaths"
	}
	isVar := func(v policy.Value) bool {
		return strings.Contains(strings.ToLower(v.Text), "${aws:resourceorg")
	}
	for _, st := range stmts {
		for _, c := range st.Conditions {
			if isKey(c.Key) || slices.ContainsFunc(c.Values, isVar) {
				return true
			}
		}
		if slices.ContainsFunc(st.Resource, isVar) || slices.ContainsFunc(st.NotResource, isVar) {
			return true
		}
	}
	return false
}

// inWorld returns, for each way worlds may set the owner's organization,
// the options member gives for it, each with the world's keys; with no
// worlds (the world fixes the organization, or nothing reads it), member's
// options as they are.
func inWorld(worlds []worldOrg, member func(w worldOrg) []eval.Option) eval.Dimension {
	if worlds == nil {
		return member(worldOrg{})
	}
	var out eval.Dimension
	for _, w := range worlds {
		for _, o := range member(w) {
			out = append(out, append(w.assignments(), o...))
		}
	}
	return out
}

// unsearchedPaths are the OU paths to try for a member of the owner's
// organization as w sets it that a search of the organizations the policy
// names does not try already (orgPaths); none when w sets no organization.
func (a *analyzer) unsearchedPaths(w worldOrg) []string {
	if w.id == "" {
		return nil
	}
	paths := w.memberPaths()
	if a.named.orgs[w.id] {
		searched := a.orgPaths(w.id)
		paths = slices.DeleteFunc(paths, func(p string) bool { return slices.Contains(searched, p) })
	}
	return paths
}

// ownerOrgMembers yields each way worlds may set the owner's organization,
// with each OU path to try for an account in it the policy does not name
// that orgs and services do not try already and the zone does not trust.
func (a *analyzer) ownerOrgMembers(worlds []worldOrg) iter.Seq2[worldOrg, string] {
	return func(yield func(w worldOrg, path string) bool) {
		if a.freshAccount == "" {
			return
		}
		for _, w := range worlds {
			for _, path := range a.unsearchedPaths(w) {
				if !a.zone.Contains(a.freshAccount, w.id, []string{path}) && !yield(w, path) {
					return
				}
			}
		}
	}
}

// inOwnerOrg asks what an account the policy does not name can do as a
// member of the owner's organization, where the world may set it to one
// the policy does not name (ownerOrgMembers): what the public cannot do is
// that organization's (Result.Orgs, under OwnerOrgLabel for the stand-in,
// otherwise its id).
func (a *analyzer) inOwnerOrg(g group, k *keys, res string) {
	if g.set.Minus(a.res.Public.Actions).Empty() {
		return
	}
	for world, path := range a.ownerOrgMembers(k.worlds) {
		label := world.label()
		if acc := a.res.Orgs[label]; acc != nil && g.set.Minus(acc.Actions).Empty() {
			continue
		}
		dims := []eval.Dimension{inWorld([]worldOrg{world}, func(worldOrg) []eval.Option { return []eval.Option{orgOption(world.id, path)} })}
		for _, c := range a.callersIn(a.freshAccount, false, k.kinds) {
			if w := a.search(c, g.rep, res, false, dims); w != nil {
				a.orgAccess(label).add(label, g.set, w)
				break
			}
		}
	}
}
