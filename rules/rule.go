package rules

import (
	"sort"

	"github.com/ecrguard/ecrguard/analysis"
	"github.com/ecrguard/ecrguard/estate"
	"github.com/ecrguard/ecrguard/identity"
)

// Scope says what a rule judges.
type Scope string

// Rule scopes.
const (
	// ScopeExposure rules judge resource policies: who outside the zone of
	// trust can act (ECR001-ECR005, ECR010, ECR012).
	ScopeExposure Scope = "exposure"
	// ScopeIdentity rules judge the scanned account's own users and roles
	// (ECR006-ECR009).
	ScopeIdentity Scope = "identity"
	// ScopeValidation rules judge whether a policy is valid (ECR011).
	ScopeValidation Scope = "validation"
)

// Rule is one entry of the rule catalog: its metadata and its check.
type Rule struct {
	ID       string
	Title    string
	Severity Severity
	Scope    Scope
	// FiresWhen is the contract sentence of docs/rules.
	FiresWhen string
	// Description explains the risk to a reader of the report.
	Description string
	// Frameworks maps a framework or peer tool to its control ids.
	Frameworks map[string][]string
	// Remediation is the general fix; findings carry the concrete one.
	Remediation string
	// Examples are estates the rule must fire on and must stay quiet on,
	// shown on its page and run by the tests.
	Examples []Example
	// check finds the rule's findings; it gets the rule itself so that
	// findings carry its metadata.
	check func(Rule, *analysis.Analysis) []Finding
	// principal, for identity rules, judges one principal of a model: at
	// most one finding per principal and rule, and the gaps of the
	// questions it asked. Analysis.Run spreads the principals over the
	// cores.
	principal func(r Rule, a *analysis.Analysis, m *identity.Model, p *identity.Principal) (*Finding, []estate.Gap)
}

// HelpURI is the rule's documentation page, relative to the repository root.
func (r Rule) HelpURI() string { return "docs/rules/" + r.ID + ".md" }

// All returns the rule catalog in id order.
func All() []Rule {
	out := []Rule{
		ecr001, ecr002, ecr003, ecr004, ecr005, ecr006,
		ecr007, ecr008, ecr009, ecr010, ecr011, ecr012,
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out
}

// Lookup returns the rule with id.
func Lookup(id string) (Rule, bool) {
	for _, r := range All() {
		if r.ID == id {
			return r, true
		}
	}
	return Rule{}, false
}

// finding starts a finding with the rule's metadata filled in.
func (r Rule) finding() Finding {
	fw := make(map[string][]string, len(r.Frameworks))
	for k, v := range r.Frameworks {
		fw[k] = append([]string(nil), v...)
	}
	return Finding{RuleID: r.ID, Severity: r.Severity, Title: r.Title, Frameworks: fw}
}

// HasCheck reports whether the rule has its check.
func (r Rule) HasCheck() bool { return r.check != nil || r.principal != nil }
