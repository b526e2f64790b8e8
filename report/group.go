package report

import (
	"cmp"
	"maps"
	"slices"

	"github.com/ecrguard/ecrguard/policy"
	"github.com/ecrguard/ecrguard/rules"
)

// EntryKind says what an entry gathers findings by.
type EntryKind string

// Entry kinds.
const (
	// ByStatement gathers the findings of one statement of one resource
	// policy (a repository, a registry, a template's resource): the rules
	// that statement breaks, ECR001 and ECR002 together, say.
	ByStatement EntryKind = "statement"
	// ByPrincipal gathers the identity findings of one principal: every
	// identity rule it breaks.
	ByPrincipal EntryKind = "principal"
	// ByRule gathers the principals that break one identity rule and no
	// other, when there are more than ManyPrincipals of them: an account
	// of 3,000 roles that can log in is one entry, not 3,000.
	ByRule EntryKind = "rule"
)

// ManyPrincipals is how many principals breaking a single identity rule (and
// no other) are listed as entries of their own; more are gathered into one
// ByRule entry.
const ManyPrincipals = 5

// Entry is one problem: the findings that one fix addresses, reported
// once. The table, Markdown and HTML reports show entries; the JSON report
// keeps one finding per rule, resource and principal set and ties each to
// its entry by ID.
type Entry struct {
	// ID numbers the entries of a report from 1, in report order.
	ID int
	// Kind says what the entry gathers findings by.
	Kind EntryKind
	// Severity is the highest severity of its findings.
	Severity rules.Severity
	// Rules are the rule ids the entry breaks, highest severity first,
	// then by id.
	Rules []string
	// Title is the lead finding's title: the rule that says most.
	Title string
	// Resource is where the problem is: the repository, registry or
	// template resource for ByStatement, the principal's ARN for
	// ByPrincipal, and "" for ByRule (its principals say who).
	Resource string
	// Source is the statement or policy that causes it, as the lead finding
	// cites it.
	Source policy.Pos
	// Principals, Actions, Conditions and Assumes are the unions of the
	// findings' (rules.Finding), each sorted: who gets in or holds the
	// access ("*" for anyone; ConditionalAnyone for a wildcard Principal
	// behind conditions, when nobody is proven to be anyone), what they can
	// do (the proven findings' actions; a wildcard Principal's statement's
	// grant only when no finding proves any), the conditions it depends
	// on, and what it takes at its worst.
	Principals, Actions, Conditions, Assumes []string
	// Proof is the lead finding's message: who can do what, and the
	// request ecrguard evaluated to prove it.
	Proof string
	// Fix is the lead finding's remediation.
	Fix string
	// Edit is the proven edit of the input file that fixes the resource
	// (a Terraform or CloudFormation policy), shown as a diff; nil when
	// there is none.
	Edit *rules.Edit
	// Suppressed is the suppression reason when every finding of the entry
	// is suppressed (entries do not mix suppressed and active findings
	// when the writers group them apart).
	Suppressed string
	// Findings are the findings the entry stands for, in Result.Sort
	// order; the first is the lead.
	Findings []rules.Finding
}

// Group gathers findings into entries: exposure and validation findings by
// resource, then by statement; identity findings by principal; and the
// principals that break only one identity rule, when there are more than
// ManyPrincipals of them, into one entry for that rule. Entries are ordered
// by severity (highest first), then the lead rule, resource and source,
// and numbered from 1. The result is the same whatever the order of
// findings, which Group does not modify.
func Group(findings []rules.Finding) []Entry {
	fs := sortFindings(findings)

	type key struct {
		kind     EntryKind
		resource string
		source   policy.Pos
	}
	// A statement is where the exposure findings of a resource policy point
	// (its start); several share a line in a policy written on one line
	// (as AWS CLI outputs hold them), told apart by column. A validation
	// finding points inside a statement: it joins the statement that
	// starts last before it on its line, or stands for its line.
	type line struct {
		resource string
		pos      policy.Pos
	}
	starts := map[line][]int{}
	for _, f := range fs {
		if r, ok := rules.Lookup(f.RuleID); ok && r.Scope == rules.ScopeExposure {
			l := line{f.Resource, policy.Pos{File: f.Source.File, Line: f.Source.Line}}
			starts[l] = append(starts[l], f.Source.Col)
		}
	}
	statement := func(f rules.Finding) policy.Pos {
		l := line{f.Resource, policy.Pos{File: f.Source.File, Line: f.Source.Line}}
		col := 0
		for _, c := range starts[l] {
			if c <= f.Source.Col && c > col {
				col = c
			}
		}
		return policy.Pos{File: f.Source.File, Line: f.Source.Line, Col: col}
	}
	var order []key
	byKey := map[key][]rules.Finding{}
	for _, f := range fs {
		k := key{kind: ByStatement, resource: f.Resource, source: statement(f)}
		if r, ok := rules.Lookup(f.RuleID); ok && r.Scope == rules.ScopeIdentity {
			k = key{kind: ByPrincipal, resource: f.Resource}
		}
		if _, ok := byKey[k]; !ok {
			order = append(order, k)
		}
		byKey[k] = append(byKey[k], f)
	}

	// Principals breaking one identity rule and no other, per rule.
	single := map[string][]key{}
	for _, k := range order {
		if k.kind != ByPrincipal {
			continue
		}
		if ids := ruleIDs(byKey[k]); len(ids) == 1 {
			single[ids[0]] = append(single[ids[0]], k)
		}
	}
	merged := map[key]bool{}
	var entries []Entry
	for _, id := range slices.Sorted(maps.Keys(single)) {
		ks := single[id]
		if len(ks) <= ManyPrincipals {
			continue
		}
		var group []rules.Finding
		for _, k := range ks {
			merged[k] = true
			group = append(group, byKey[k]...)
		}
		entries = append(entries, newEntry(ByRule, group))
	}
	for _, k := range order {
		if !merged[k] {
			entries = append(entries, newEntry(k.kind, byKey[k]))
		}
	}

	slices.SortStableFunc(entries, func(a, b Entry) int {
		return cmp.Or(
			-cmp.Compare(a.Severity, b.Severity),
			cmp.Compare(a.Rules[0], b.Rules[0]),
			cmp.Compare(kindOrder(a.Kind), kindOrder(b.Kind)),
			cmp.Compare(a.Resource, b.Resource),
			a.Source.Compare(b.Source),
			cmp.Compare(findingKey(a.Findings[0]), findingKey(b.Findings[0])),
		)
	})
	for i := range entries {
		entries[i].ID = i + 1
	}
	return entries
}

func kindOrder(k EntryKind) int {
	switch k {
	case ByStatement:
		return 0
	case ByPrincipal:
		return 1
	}
	return 2
}

// sortFindings returns a copy of findings, their own lists sorted, in
// Result.Sort order made total (ties broken by every field), so that the
// order does not depend on the input's.
func sortFindings(findings []rules.Finding) []rules.Finding {
	// Each finding's key is made once, not at every comparison (30,000
	// findings made 900,000 keys).
	type keyed struct {
		key string
		f   rules.Finding
	}
	ks := make([]keyed, len(findings))
	for i, f := range findings {
		f.Principals = sortedCopy(f.Principals)
		f.Actions = sortedCopy(f.Actions)
		f.Conditions = sortedCopy(f.Conditions)
		fw := make(map[string][]string, len(f.Frameworks))
		for k, ids := range f.Frameworks {
			fw[k] = sortedCopy(ids)
		}
		f.Frameworks = fw
		ks[i] = keyed{findingKey(f), f}
	}
	slices.SortFunc(ks, func(a, b keyed) int { return cmp.Compare(a.key, b.key) })
	c := rules.Result{Findings: make([]rules.Finding, len(ks))}
	for i, k := range ks {
		c.Findings[i] = k.f
	}
	c.Sort()
	return c.Findings
}

// ruleIDs lists the distinct rule ids of findings in the order they occur.
func ruleIDs(fs []rules.Finding) []string {
	var ids []string
	for _, f := range fs {
		if !slices.Contains(ids, f.RuleID) {
			ids = append(ids, f.RuleID)
		}
	}
	return ids
}

// newEntry builds an entry from findings in Result.Sort order (highest
// severity first), the first being the lead.
// ConditionalAnyone stands in an entry's principals for the Principal "*"
// of a statement behind conditions (rules.ConditionalAnyone).
const ConditionalAnyone = "* (anyone its conditions let in)"

func newEntry(kind EntryKind, fs []rules.Finding) Entry {
	lead := fs[0]
	e := Entry{
		Kind:     kind,
		Severity: lead.Severity,
		Rules:    ruleIDs(fs),
		Title:    lead.Title,
		Resource: lead.Resource,
		Source:   lead.Source,
		Proof:    lead.Message,
		Fix:      lead.Remediation,
		Findings: fs,
	}
	if kind == ByRule {
		e.Resource = ""
	}
	var principals, actions, others, conditions, assumes []string
	suppressed := true
	anyone, conditional := false, false
	for _, f := range fs {
		for _, p := range f.Principals {
			switch {
			case p != "*":
				principals = append(principals, p)
			case rules.ConditionalAnyone(f):
				conditional = true
			default:
				anyone = true
			}
		}
		if len(f.Principals) > 0 && !rules.ConditionalAnyone(f) {
			actions = append(actions, f.Actions...)
		} else {
			// ECR002's are what its statement grants, some of which the
			// policy may take back (a Deny): they say what can be done
			// only when no finding proves who can do what.
			others = append(others, f.Actions...)
		}
		conditions = append(conditions, f.Conditions...)
		assumes = append(assumes, f.Assumes...)
		if f.Suppressed == "" {
			suppressed = false
		}
	}
	switch {
	case anyone:
		principals = append(principals, "*")
	case conditional:
		principals = append(principals, ConditionalAnyone)
	}
	if len(actions) == 0 {
		actions = others
	}
	e.Principals = sortedSet(principals)
	e.Actions = sortedSet(actions)
	e.Conditions = sortedSet(conditions)
	e.Assumes = sortedSet(assumes)
	if suppressed {
		e.Suppressed = lead.Suppressed
	}
	return e
}

func sortedSet(s []string) []string {
	out := sortedCopy(s)
	return slices.Compact(out)
}
