package rules

import (
	"fmt"
	"sort"

	"github.com/ecrguard/ecrguard/catalog"
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
}

// WhoCan lists who can perform action on resource (a repository ARN, or "*"
// for actions without a resource type): the scanned accounts' users and roles
// (SPEC section 3, "Who can"), plus "*" when the action is public and the
// external principals a repository policy lets in, as the policy names them.
// The account root is never listed.
func (a *Analysis) WhoCan(action, resource string) ([]WhoCanEntry, error) {
	act := catalog.Default().Lookup(action)
	if act == nil {
		if s := catalog.Default().Suggest(action); s != "" {
			return nil, fmt.Errorf("unknown action %q (did you mean %s?)", action, s)
		}
		return nil, fmt.Errorf("unknown action %q: expected an ECR action such as ecr:BatchGetImage", action)
	}
	account := ""
	if resource != "*" {
		arn, ok := policy.ParseARN(resource)
		if !ok {
			return nil, fmt.Errorf("resource %q: expected a repository ARN such as arn:aws:ecr:us-east-1:111122223333:repository/app, or *", resource)
		}
		if !act.HasResourceType() {
			return nil, fmt.Errorf("%s has no resource type: ask with --resource '*'", action)
		}
		account = arn.Account
	} else if act.HasResourceType() {
		return nil, fmt.Errorf("%s acts on repositories: give --resource with a repository ARN", action)
	}
	var out []WhoCanEntry
	for _, m := range a.Identities {
		if account != "" && m.Account != account {
			continue
		}
		var repo *identity.Repository
		if resource != "*" {
			repo = m.Repository(resource)
			if repo == nil {
				// A repository the inputs do not describe: no policy, no tags.
				repo = m.Transient(resource)
			}
		}
		for _, g := range m.WhoCan(action, repo) {
			out = append(out, entryOf(g.Principal.ARN, []*eval.Witness{m.Explain(g.Principal, g.Witness)}))
		}
	}
	for _, x := range a.Exposure {
		if x.Target.ARN != resource || !x.Universe.Has(act.Index) {
			continue
		}
		if x.Public.Actions.Has(act.Index) {
			out = append(out, entryOf("*", witnessesFor(x.Public.Proofs, act.Index)))
		}
		for _, bucket := range []map[string]*exposure.Access{x.Trusted, x.Accounts, x.Orgs} {
			for _, k := range sortedKeys(bucket) {
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
	return dedupeEntries(out), nil
}

func entryOf(principal string, ws []*eval.Witness) WhoCanEntry {
	ms, stmts := grantingStatements(ws)
	return WhoCanEntry{Principal: principal, Via: viaPolicies(ms), Conditions: describeConditions(stmts)}
}

func dedupeEntries(in []WhoCanEntry) []WhoCanEntry {
	var out []WhoCanEntry
	for _, e := range in {
		if n := len(out); n > 0 && out[n-1].Principal == e.Principal {
			continue
		}
		out = append(out, e)
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
