package analysis

import (
	"cmp"
	"fmt"
	"maps"
	"reflect"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/ecrguard/ecrguard/catalog"
	"github.com/ecrguard/ecrguard/estate"
	"github.com/ecrguard/ecrguard/eval"
	"github.com/ecrguard/ecrguard/exposure"
	"github.com/ecrguard/ecrguard/identity"
	"github.com/ecrguard/ecrguard/policy"
)

// WhoCanEntry is one principal that can perform an action.
type WhoCanEntry struct {
	// Principal is an ARN, "*" for anyone, arn:aws:iam::ACCOUNT:root for an
	// external account, service:NAME, or an org id or path.
	Principal string
	// Via names the policies that grant it.
	Via []string
	// Conditions are the conditions of the granting statements.
	Conditions []string
	// UnreadTags are the repository tags the grant depends on that were not
	// read, as the proof assumed them ("ecr:ResourceTag/team = platform"):
	// the grant holds only if the repository has them (docs/semantics.md,
	// "Who can": tags that were not read are unknown, not absent).
	UnreadTags []string
}

// WhoCanQuestion checks a question as a user asks it of who-can: action
// must be an ECR action and is returned as the catalog spells it;
// resource "" means "*" for an action without a resource type, and is an
// error for one with. Its errors are the user's to fix.
func WhoCanQuestion(action, resource string) (string, string, error) {
	act, err := catalog.Default().Check(action)
	if err != nil {
		return action, resource, err
	}
	if act == nil {
		return action, resource, fmt.Errorf("unknown action %q: expected an ECR action such as ecr:DeleteRepository", action)
	}
	action = act.FullName()
	if resource == "" {
		if act.HasResourceType() {
			return action, resource, fmt.Errorf("%s acts on repositories: give --resource arn:aws:ecr:REGION:ACCOUNT:repository/NAME", action)
		}
		resource = "*"
	}
	return action, resource, nil
}

// WhoCan lists who can perform action on resource (a repository ARN, or "*"
// for actions without a resource type): the scanned accounts' users and roles
// (docs/semantics.md, "Who can"), plus "*" when the action is public and the
// external principals a repository policy lets in, as the policy names them.
// The account root is never listed. It asks this one question, changes
// nothing, and answers with the gaps that bear on it: the same inputs and
// question give the same answer and gaps whatever was asked before.
func (a *Analysis) WhoCan(action, resource string) (WhoCanAnswer, error) {
	act := catalog.Default().Lookup(action)
	if act == nil {
		if s := catalog.Default().Suggest(action); s != "" {
			return WhoCanAnswer{}, fmt.Errorf("unknown action %q (did you mean %s?)", action, s)
		}
		return WhoCanAnswer{}, fmt.Errorf("unknown action %q: expected an ECR action such as ecr:BatchGetImage", action)
	}
	account := ""
	if resource != "*" {
		arn, ok := policy.ParseARN(resource)
		if !ok {
			return WhoCanAnswer{}, fmt.Errorf("resource %q: expected a repository ARN such as arn:aws:ecr:us-east-1:111122223333:repository/app, or *", resource)
		}
		if !act.HasResourceType() {
			return WhoCanAnswer{}, fmt.Errorf("%s has no resource type: ask with --resource '*'", action)
		}
		account = arn.Account
	} else if act.HasResourceType() {
		return WhoCanAnswer{}, fmt.Errorf("%s acts on repositories: give --resource with a repository ARN", action)
	}
	var out []WhoCanEntry
	gaps := a.gapsBearingOn(account, resource)
	for _, m := range a.Identities {
		if account != "" && m.Account != account {
			continue
		}
		gaps = append(gaps, m.Gaps...)
		var repo *identity.Repository
		if resource != "*" {
			repo = m.Repository(resource)
			if repo == nil {
				// A repository the inputs do not describe: its policy and
				// tags are unknown, so the answer is the identity side's.
				repo = m.Transient(resource)
			}
		}
		grants, searchGaps := m.WhoCan(action, repo)
		gaps = append(gaps, searchGaps...)
		for _, g := range grants {
			e := entryOf(g.Principal.ARN, []*eval.Witness{m.Explain(g.Principal, g.Witness)})
			e.UnreadTags = identity.UnreadTags(g.Witness)
			out = append(out, e)
		}
	}
	for _, x := range slices.Concat(a.Exposure, a.Public) {
		if !x.Universe.Has(act.Index) {
			continue
		}
		res := x.Result
		switch {
		case x.Target.ARN == resource:
		case x.Target.Kind == exposure.Registry && resource != "*" && x.Target.Account == account && x.Target.Region == regionOf(resource):
			// The registry policy governs the repository too (docs/rules/ECR005.md):
			// judge it for this repository, under the repository policy's
			// Deny statements.
			t := x.Target
			t.Kind, t.ARN, t.Repository = exposure.Repository, resource, repositoryName(resource)
			t.Policy = a.withRepositoryDenies(t.Policy, resource)
			res = exposure.Analyze(t, x.Zone)
		default:
			continue
		}
		if res.Public.Actions.Has(act.Index) {
			out = append(out, entryOf("*", witnessesFor(res.Public.Proofs, act.Index)))
		}
		for _, bucket := range []map[string]*exposure.Access{res.Trusted, res.Accounts, res.Orgs, res.Deputies} {
			for _, k := range slices.Sorted(maps.Keys(bucket)) {
				acc := bucket[k]
				for _, name := range acc.PrincipalNames() {
					if acc.Principals[name].Has(act.Index) {
						out = append(out, entryOf(name, witnessesFor(acc.Proofs, act.Index)))
					}
				}
			}
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Principal < out[j].Principal })
	gaps = append(DistinctGaps(gaps), a.whoCanGaps(account, resource)...)
	return WhoCanAnswer{Entries: dedupeEntries(out), Gaps: gaps}, nil
}

// gapsBearingOn returns the gaps of the inputs and of the resource-policy
// analysis that can bear on who can act on resource (a repository ARN, or
// "*") in account ("" for every account): all but those of another account,
// another repository, or a registry that does not govern the resource.
func (a *Analysis) gapsBearingOn(account, resource string) []estate.Gap {
	var out []estate.Gap
	for _, g := range slices.Concat(a.Estate.Gaps, a.Gaps) {
		if account != "" && g.Account != "" && g.Account != account {
			continue
		}
		arn, ok := policy.ParseARN(g.Resource)
		if ok && arn.Service == "ecr" {
			switch {
			case strings.HasPrefix(arn.Resource, "repository/") && g.Resource != resource:
				continue
			case arn.Resource == "registry" && (resource == "*" || g.Resource != estate.RegistryARN(regionOf(resource), account)):
				continue
			}
		}
		out = append(out, g)
	}
	return out
}

// whoCanGaps says what a who-can answer cannot cover: a repository whose
// policy the inputs do not give (read or known to be absent), and an
// account whose users and roles the inputs do not give.
func (a *Analysis) whoCanGaps(account, resource string) []estate.Gap {
	var gaps []estate.Gap
	if resource != "*" {
		known := false
		if acct := a.Estate.Lookup(account); acct != nil {
			for _, r := range acct.Regions() {
				for _, repo := range r.Repositories() {
					if repo.ARN == resource && repo.PolicyState != estate.Unread {
						known = true
					}
				}
			}
			for _, repo := range acct.Public {
				if repo.ARN == resource && repo.PolicyState != estate.Unread {
					known = true
				}
			}
		}
		if !known {
			gaps = append(gaps, estate.Gap{Source: "who-can", Account: account, Resource: resource, Code: estate.GapNotInInputs,
				Message: "the inputs do not give this repository's policy (or say it has none): who it lets in is unknown"})
		}
	}
	identities := false
	for _, m := range a.Identities {
		if account == "" || m.Account == account {
			identities = true
		}
	}
	if !identities {
		what := "account " + account
		if account == "" {
			what = "any account"
		}
		gaps = append(gaps, estate.Gap{Source: "who-can", Account: account, Resource: resource, Code: estate.GapNoIdentities,
			Message: "the inputs hold no IAM users or roles of " + what + " (aws iam get-account-authorization-details): they were not asked"})
	}
	return gaps
}

// WhoCanAnswer is who-can's answer and what it could not assess.
type WhoCanAnswer struct {
	Entries []WhoCanEntry
	// Gaps say what the answer could not cover (a repository or account
	// the inputs do not describe); an answer with gaps is incomplete.
	Gaps []estate.Gap
	// Notes say what was not known but cannot change the answer
	// (WhoCanSettled).
	Notes []estate.Note
}

// WhoCanSettled is Analyze(e, s).WhoCan(action, resource), with every
// registry policy scope that a gap of the answer says is unknown judged
// under V1 and under V2 as well: when the answers are the same, those gaps
// become notes. The estate is as it was when it returns.
func WhoCanSettled(e *estate.Estate, s Settings, action, resource string) (WhoCanAnswer, error) {
	if s.At.IsZero() {
		s.At = time.Now()
	}
	ans, err := Analyze(e, s).WhoCan(action, resource)
	if err != nil {
		return ans, err
	}
	unknown := e.UnknownScopes(ans.Gaps)
	if len(unknown) == 0 {
		return ans, nil
	}
	type answer struct {
		ans WhoCanAnswer
		err error
	}
	v1, v2 := estate.UnderBothScopes(unknown, func() answer {
		a, err := Analyze(e, s).WhoCan(action, resource)
		return answer{a, err}
	})
	if v1.err != nil || v2.err != nil {
		return ans, cmp.Or(v1.err, v2.err)
	}
	same := reflect.DeepEqual(v1.ans.Entries, v2.ans.Entries)
	gaps, notes := estate.SettleScopeGaps(ans.Gaps, func(estate.Gap) (bool, bool) { return same, true },
		"the answer is", "; the answer differs under V1 and V2, and this one judges the registry policy's grants under V2 and its Deny statements over the repository under V1 (docs/semantics.md, \"The registry policy\")")
	ans.Gaps = gaps
	ans.Notes = append(ans.Notes, notes...)
	return ans, nil
}

// regionOf returns an ARN's region, or "".
// withRepositoryDenies returns the registry policy reg with the Deny
// statements of the repository's own policy appended, when the inputs hold
// one: a Deny in either policy denies (eval.PolicySet.Registry). A
// repository policy whose Version reads policy variables otherwise than
// reg's is left out (an over-report).
func (a *Analysis) withRepositoryDenies(reg *eval.Policy, repository string) *eval.Policy {
	for _, x := range a.Exposure {
		if x.Target.Kind != exposure.Repository || x.Target.ARN != repository || x.Policy == nil || x.Policy.Doc == nil {
			continue
		}
		own := x.Policy.Doc
		denies := own.Only(policy.Deny)
		if len(denies) == 0 || own.VariablesEnabled() != reg.Doc.VariablesEnabled() {
			return reg
		}
		doc := *reg.Doc
		doc.Statements = append(slices.Clip(doc.Statements), denies...)
		return eval.Compile(reg.Name, &doc)
	}
	return reg
}

func regionOf(arn string) string {
	if a, ok := policy.ParseARN(arn); ok {
		return a.Region
	}
	return ""
}

// repositoryName returns the name in a repository ARN.
func repositoryName(arn string) string {
	if _, name, ok := strings.Cut(arn, ":repository/"); ok {
		return name
	}
	return ""
}

func entryOf(principal string, ws []*eval.Witness) WhoCanEntry {
	ms, stmts := Granting(ws)
	return WhoCanEntry{Principal: principal, Via: Via(ms), Conditions: Conditions(stmts)}
}

// dedupeEntries merges the entries of one principal (in is sorted by
// principal) that grant under the same conditions and unread tags: their
// Via lists join. Grants under different conditions stay apart, each a
// way in of its own: joining their conditions would read as needing all
// of them.
func dedupeEntries(in []WhoCanEntry) []WhoCanEntry {
	var out []WhoCanEntry
	first := 0 // the first entry of out with the current principal
	for _, e := range in {
		if len(out) == 0 || out[len(out)-1].Principal != e.Principal {
			first = len(out)
		}
		merged := false
		for i := first; i < len(out); i++ {
			if slices.Equal(out[i].Conditions, e.Conditions) && slices.Equal(out[i].UnreadTags, e.UnreadTags) {
				for _, v := range e.Via {
					if !slices.Contains(out[i].Via, v) {
						out[i].Via = append(out[i].Via, v)
					}
				}
				merged = true
				break
			}
		}
		if !merged {
			out = append(out, e)
		}
	}
	return out
}

// witnessesFor returns the proofs' witnesses that cover action index i.
func witnessesFor(proofs []exposure.Proof, i int) []*eval.Witness {
	var out []*eval.Witness
	for _, p := range proofs {
		if p.Actions.Has(i) {
			out = append(out, p.Witness)
		}
	}
	return out
}
