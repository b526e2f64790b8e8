package rules

import (
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/ecrguard/ecrguard/analysis"
	"github.com/ecrguard/ecrguard/catalog"
	"github.com/ecrguard/ecrguard/estate"
	"github.com/ecrguard/ecrguard/eval"
	"github.com/ecrguard/ecrguard/identity"
	"github.com/ecrguard/ecrguard/policy"
)

// authorized reports whether arn matches one of the config's ARN patterns
// (IAM wildcards).
func authorized(patterns []string, arn string) bool {
	for _, p := range patterns {
		if p == "*" || policy.MatchARN(p, arn) {
			return true
		}
	}
	return false
}

// access is what one principal can do, found by one identity rule.
type access struct {
	actions catalog.ActionSet
	// repos are the repository names per action, "" standing for every
	// repository (or the resource "*").
	repos     map[string]bool
	every     bool
	witnesses []*eval.Witness
}

func (ac *access) add(action string, repo string, w *eval.Witness) {
	if ac.repos == nil {
		ac.repos = map[string]bool{}
	}
	ac.actions.Add(catalog.Default().Lookup(action).Index)
	if repo == "" {
		ac.every = true
	} else {
		ac.repos[repo] = true
	}
	ac.witnesses = append(ac.witnesses, w)
}

// identityFinding builds the finding of one principal for an identity rule.
func identityFinding(r Rule, m *identity.Model, p *identity.Principal, ac *access, what, remedy string) Finding {
	return identityFindingOn(r, m, p, ac, what, "", remedy)
}

// identityFindingOn is identityFinding with the place named by the caller
// ("" names the repositories of ac).
func identityFindingOn(r Rule, m *identity.Model, p *identity.Principal, ac *access, what, where, remedy string) Finding {
	// Repositories alike to a principal's statements share one witness:
	// explain each distinct witness once (Explain depends on nothing else).
	ws := make([]*eval.Witness, 0, len(ac.witnesses))
	explained := map[*eval.Witness]bool{}
	for _, w := range ac.witnesses {
		if !explained[w] {
			explained[w] = true
			ws = append(ws, m.Explain(p, w))
		}
	}
	ms, stmts := analysis.Granting(ws)
	f := r.finding()
	f.Resource = p.ARN
	f.Principals = []string{p.ARN}
	f.Actions = catalog.Default().Names(ac.actions)
	f.Conditions = analysis.Conditions(stmts)
	f.restOn(stmts, nil)
	if where == "" {
		where = describeRepos(ac)
	}
	who := "The role " + p.Name
	switch p.Kind {
	case identity.User:
		who = "The IAM user " + p.Name
	case identity.Attached:
		who = "Any principal that " + detachedName(p) + " is attached to"
	}
	f.Message = fmt.Sprintf("%s %s %s (%s) through %s.", who, what, where, strings.Join(f.Actions, ", "), joinAnd(analysis.Via(ms)))
	if tags := unreadTags(ac.witnesses); len(tags) > 0 {
		f.Message += " Where a repository's tags were not read, this assumes " + joinAnd(tags) + ": add the output of aws ecr list-tags-for-resource (NAME.tags.json) to know."
	}
	if p.Kind == identity.User {
		f.Message += " IAM users sign in with long-term credentials; CIS EKS 5.1.2 prefers roles for ECR access."
	}
	f.Remediation = remedy
	return f
}

// describeRepos names the repositories of an access.
func describeRepos(ac *access) string {
	if ac.every {
		return "every repository"
	}
	names := slices.Sorted(maps.Keys(ac.repos))
	switch {
	case len(names) > 5:
		return fmt.Sprintf("%d repositories (%s, …)", len(names), strings.Join(names[:5], ", "))
	case len(names) > 1:
		return "repositories " + joinAnd(names)
	case len(names) == 1:
		return "repository " + names[0]
	}
	return "any resource"
}

// repositoryQuestions asks, per principal, an action on every known
// repository and on every repository of the account, in mode, and returns
// what it found (nil for nothing) and the gaps of the answers.
func repositoryQuestions(m *identity.Model, p *identity.Principal, actions []string, mode identity.Mode) (*access, []estate.Gap) {
	ac := &access{}
	var gaps []estate.Gap
	for _, act := range actions {
		ans := m.Answer(p, act, mode)
		gaps = append(gaps, ans.Gaps...)
		if ans.Every != nil {
			ac.add(act, "", ans.Every)
		}
		for i, w := range ans.Repos {
			if w != nil {
				ac.add(act, m.Repositories[i].Name, w)
			}
		}
	}
	if ac.actions.Empty() {
		return nil, gaps
	}
	return ac, gaps
}

// unreadTags lists, once each in order, the repository tags the proofs
// assumed because they were not read.
func unreadTags(ws []*eval.Witness) []string {
	seen := map[string]bool{}
	var out []string
	for _, w := range ws {
		for _, t := range identity.UnreadTags(w) {
			if !seen[t] {
				seen[t] = true
				out = append(out, t)
			}
		}
	}
	return out
}

// detachedPrefix begins the ARN of an identity.Attached principal: it
// stands for whoever a detached identity policy is attached to.
const detachedPrefix = "policy:"

// DetachedPolicy returns, when a finding's resource or principal stands for
// an identity policy read without the principals it is attached to (a raw
// identity policy file, or an IaC policy whose principal is not known), the
// policy's name ("identity policy idp.json"), and true.
func DetachedPolicy(arn string) (string, bool) {
	return strings.CutPrefix(arn, detachedPrefix)
}

// detachedName names a detached identity policy in prose: a raw identity
// policy file as the file ("the identity policy file idp.json"), any other
// by its name.
func detachedName(p *identity.Principal) string {
	if len(p.Identity) > 0 && p.Identity[0].Doc != nil {
		file := p.Identity[0].Doc.Pos.File
		if rest, ok := strings.CutPrefix(p.Name, "identity policy "); ok && file != "" && strings.HasSuffix(file, rest) {
			return "the identity policy file " + file
		}
	}
	return "the " + p.Name
}

// principalLabel names a principal in a fix: role/NAME, user/NAME, or a
// detached policy.
func principalLabel(p *identity.Principal) string {
	if p.Kind == identity.Attached {
		return detachedName(p)
	}
	return p.Label()
}

// whoARN names, in a fix's "if … should", the principal by its ARN, or for
// a detached policy the principals it is attached to.
func whoARN(p *identity.Principal) string {
	if p.Kind == identity.Attached {
		return "the principals it is attached to"
	}
	return p.ARN
}

// itsARN is what to add to an authorized list: the principal ("it"), or
// the ARNs of a detached policy's principals (its own name matches no ARN).
func itsARN(p *identity.Principal) string {
	if p.Kind == identity.Attached {
		return "their ARNs"
	}
	return "it"
}

// manage agrees "manage access" with whoARN.
func manage(p *identity.Principal) string {
	if p.Kind == identity.Attached {
		return "manage"
	}
	return "manages"
}
