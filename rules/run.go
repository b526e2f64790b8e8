package rules

import (
	"slices"
	"sync"
	"time"

	"github.com/ecrguard/ecrguard/analysis"
	"github.com/ecrguard/ecrguard/estate"
	"github.com/ecrguard/ecrguard/identity"
)

// principalFindings runs the per-principal rules over every principal of
// every identity model, a run of principals at a time on its own fork of
// the model (identity.Model.EachChunk); findings keep principal order. It
// returns the findings by rule and the gaps of the questions asked.
func principalFindings(a *analysis.Analysis, rs []Rule) (map[string][]Finding, []estate.Gap) {
	out := map[string][]Finding{}
	var gaps []estate.Gap
	if len(rs) == 0 {
		return out, nil
	}
	for _, m := range a.Identities {
		slots := make([][]*Finding, len(rs))
		gapSlots := make([][][]estate.Gap, len(rs))
		for ri := range slots {
			slots[ri] = make([]*Finding, len(m.Principals))
			gapSlots[ri] = make([][]estate.Gap, len(m.Principals))
		}
		m.EachChunk(func(fork *identity.Model, lo, hi int) {
			for i := lo; i < hi; i++ {
				for ri, r := range rs {
					slots[ri][i], gapSlots[ri][i] = r.principal(r, a, fork, m.Principals[i])
				}
			}
		})
		for ri, r := range rs {
			for i, f := range slots[ri] {
				if f != nil {
					out[r.ID] = append(out[r.ID], *f)
				}
				gaps = append(gaps, gapSlots[ri][i]...)
			}
		}
	}
	return out, gaps
}

// Run analyses the estate and runs every rule. A registry policy scope
// that is not known is judged under both values (settleScopes); the
// estate is as it was when Run returns.
func Run(e *estate.Estate, s analysis.Settings) *Result {
	res, _ := RunAnalysis(e, s)
	return res
}

// RunAnalysis is Run that also returns the analysis the result was judged
// from (under scope V2 where a registry's scope is unknown), for questions
// beyond the rules' (ecrguard diff's access model).
func RunAnalysis(e *estate.Estate, s analysis.Settings) (*Result, *analysis.Analysis) {
	if s.At.IsZero() {
		// One moment for every analysis of the scan.
		s.At = time.Now()
	}
	a := analysis.Analyze(e, s)
	res := Check(a)
	settleScopes(e, s, res)
	return res, a
}

// Check runs every rule over the analysis. It changes nothing in it: the
// same analysis gives the same result every time.
func Check(a *analysis.Analysis) *Result {
	res := &Result{Resources: a.Resources, Assessed: a.Counts}
	// Exposure and validation rules only read the analysis: each runs on
	// its own goroutine. Identity rules share the identity models' memo
	// and run one after another on one more.
	all := All()
	found := make([][]Finding, len(all))
	var wg sync.WaitGroup
	var perPrincipal []Rule
	for i, r := range all {
		switch {
		case r.principal != nil:
			perPrincipal = append(perPrincipal, r)
		case r.check != nil:
			wg.Go(func() { found[i] = r.check(r, a) })
		}
	}
	wg.Wait()
	byRule, searchGaps := principalFindings(a, perPrincipal)
	for i, r := range all {
		res.Findings = append(res.Findings, found[i]...)
		res.Findings = append(res.Findings, byRule[r.ID]...)
	}
	res.Gaps = append(append(res.Gaps, a.Estate.Gaps...), a.Gaps...)
	res.Notes = append(res.Notes, a.Estate.Notes...)
	res.Notes = append(res.Notes, guardrailNotes(a)...)
	res.Notes = append(res.Notes, unknownRCPNotes(a)...)
	res.Notes = append(res.Notes, registryScopeNotes(a)...)
	res.Notes = append(res.Notes, replicationNotes(a)...)
	res.Notes = append(res.Notes, uniqueIDNotes(a)...)
	for _, acct := range a.Estate.Accounts() {
		if acct.IAM == nil && len(acct.Detached) == 0 && hasResources(acct) {
			res.Notes = append(res.Notes, estate.Note{Source: accountName(acct.ID), Message: "no IAM users, groups or roles of this account were among the inputs (aws iam get-account-authorization-details): ECR006-ECR009, which judge them, were not run, and grants a repository policy makes to them are not listed"})
		}
	}
	for _, m := range a.Identities {
		res.Gaps = append(res.Gaps, m.Gaps...)
		res.Notes = append(res.Notes, m.Notes...)
	}
	if len(a.Identities) == 0 {
		for _, r := range all {
			if r.Scope == ScopeIdentity {
				res.NotRun = append(res.NotRun, r.ID)
			}
		}
	}
	// Rules may ask the same question (ECR008 and ECR009 both ask who can
	// set a repository policy everywhere): its gap is said once.
	res.Gaps = append(res.Gaps, analysis.DistinctGaps(searchGaps)...)
	for _, x := range slices.Concat(a.Exposure, a.Public) {
		if x.Fix != nil && x.Fix.Proven() {
			res.Fixes = append(res.Fixes, newFixFile(x))
		}
	}
	res.Sort()
	return res
}

// hasResources reports whether the account has a repository, a registry
// policy, a creation template or an ECR Public repository among the
// inputs.
func hasResources(acct *estate.Account) bool {
	if len(acct.Public) > 0 {
		return true
	}
	for _, r := range acct.Regions() {
		if len(r.Repositories()) > 0 || r.Registry.PolicyState != estate.Unread || len(r.Templates()) > 0 {
			return true
		}
	}
	return false
}
