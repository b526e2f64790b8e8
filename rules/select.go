package rules

import (
	"fmt"
	"slices"
	"strings"

	"github.com/ecrguard/ecrguard/catalog"
)

// Selection chooses the findings a report shows: --severity, --rule and
// --skip-rule on the command line. The zero Selection keeps everything.
//
// A finding is kept when its severity is one of Severities (or Severities
// is empty), its rule is one of Rules (or Rules is empty), and its rule is
// not one of Skip (ParseSelection gives Rules or Skip, never both). Severities are judged after the config's severity
// overrides, as the report shows them. Findings that are not kept are
// removed from the result, so they count neither in the report nor in the
// exit code; the result records the selection (Result.Filter) so that
// every report says that it was filtered.
type Selection struct {
	// Severities are the severities kept, highest first, without repeats.
	Severities []Severity
	// Rules are the rule ids kept, sorted.
	Rules []string
	// Skip are the rule ids removed, sorted.
	Skip []string
}

// Filter describes a selection applied to a result: what was kept and how
// many findings (suppressed ones included) were left out.
type Filter struct {
	Selection
	// Removed counts the findings the selection left out.
	Removed int
}

// ParseSelection reads the comma-separated lists of --severity, --rule and
// --skip-rule. Rule ids are checked against the catalog (with a "did you
// mean" for a typo). --rule and --skip-rule together are an error: --rule
// already names every rule kept, so --skip-rule could only contradict it or
// change nothing.
func ParseSelection(severities, ruleIDs, skip string) (Selection, error) {
	var s Selection
	for _, name := range splitList(severities) {
		sev, err := ParseSeverity(name)
		if err != nil {
			return Selection{}, fmt.Errorf("--severity: %v", err)
		}
		if !slices.Contains(s.Severities, sev) {
			s.Severities = append(s.Severities, sev)
		}
	}
	slices.SortFunc(s.Severities, func(a, b Severity) int { return int(b) - int(a) })
	var err error
	if s.Rules, err = parseRuleIDs("--rule", ruleIDs); err != nil {
		return Selection{}, err
	}
	if s.Skip, err = parseRuleIDs("--skip-rule", skip); err != nil {
		return Selection{}, err
	}
	if len(s.Rules) > 0 && len(s.Skip) > 0 {
		return Selection{}, fmt.Errorf("--rule and --skip-rule cannot be combined: --rule names every rule reported, so skipping others changes nothing (give --rule without the rules to skip)")
	}
	return s, nil
}

// splitList splits a comma-separated list, dropping blanks.
func splitList(s string) []string {
	var out []string
	for _, e := range strings.Split(s, ",") {
		if e = strings.TrimSpace(e); e != "" {
			out = append(out, e)
		}
	}
	return out
}

// parseRuleIDs reads a list of rule ids (any case), sorted and without
// repeats.
func parseRuleIDs(flag, list string) ([]string, error) {
	var ids []string
	for _, id := range splitList(list) {
		id = strings.ToUpper(id)
		if err := CheckRuleID(id); err != nil {
			return nil, fmt.Errorf("%s: %v", flag, err)
		}
		if !slices.Contains(ids, id) {
			ids = append(ids, id)
		}
	}
	slices.Sort(ids)
	return ids, nil
}

// CheckRuleID returns an error naming the nearest rule id when id is not a
// rule of the catalog.
func CheckRuleID(id string) error {
	if _, ok := Lookup(id); ok {
		return nil
	}
	all := All()
	ids := make([]string, len(all))
	for i, r := range all {
		ids[i] = r.ID
	}
	hint := ""
	if best := catalog.Nearest(id, ids); best != "" {
		hint = fmt.Sprintf(" (did you mean %q?)", best)
	}
	return fmt.Errorf("unknown rule %q%s; expected one of %s to %s ('ecrguard rules' lists them)", id, hint, all[0].ID, all[len(all)-1].ID)
}

// IsZero reports whether s keeps every finding.
func (s Selection) IsZero() bool {
	return len(s.Severities) == 0 && len(s.Rules) == 0 && len(s.Skip) == 0
}

// Keeps reports whether s keeps f.
func (s Selection) Keeps(f Finding) bool {
	if len(s.Severities) > 0 && !slices.Contains(s.Severities, f.Severity) {
		return false
	}
	if len(s.Rules) > 0 && !slices.Contains(s.Rules, f.RuleID) {
		return false
	}
	return !slices.Contains(s.Skip, f.RuleID)
}

// String reads "severity critical,high; rules ECR001; skipped rules
// ECR005", the selection as reports name it.
func (s Selection) String() string {
	var parts []string
	if len(s.Severities) > 0 {
		names := make([]string, len(s.Severities))
		for i, sev := range s.Severities {
			names[i] = sev.String()
		}
		parts = append(parts, "severity "+strings.Join(names, ","))
	}
	if len(s.Rules) > 0 {
		parts = append(parts, "rules "+strings.Join(s.Rules, ","))
	}
	if len(s.Skip) > 0 {
		parts = append(parts, "skipped rules "+strings.Join(s.Skip, ","))
	}
	return strings.Join(parts, "; ")
}

// Select removes from r the findings s does not keep, and the fixes of
// resources none of the kept findings is on (--fix-dir writes what the
// report shows), and records the selection in r.Filter. A zero selection
// leaves r as it is (Filter nil).
func (r *Result) Select(s Selection) {
	if s.IsZero() {
		return
	}
	kept := r.Findings[:0:0]
	on := map[string]bool{}
	for _, f := range r.Findings {
		if s.Keeps(f) {
			kept = append(kept, f)
			on[f.Resource] = true
		}
	}
	r.Filter = &Filter{Selection: s, Removed: len(r.Findings) - len(kept)}
	r.Findings = kept
	r.Fixes = slices.DeleteFunc(r.Fixes, func(x FixFile) bool { return !on[x.Resource] })
}

// Summary reads "filtered: severity high; 3 findings left out", the line
// every report prints when a selection was applied.
func (f *Filter) Summary() string {
	n := "findings"
	if f.Removed == 1 {
		n = "finding"
	}
	return fmt.Sprintf("filtered (%s): %d %s left out", f.Selection, f.Removed, n)
}
