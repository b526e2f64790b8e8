package report

import (
	"encoding/json"
	"io"

	"github.com/ecrguard/ecrguard/estate"
	"github.com/ecrguard/ecrguard/policy"
	"github.com/ecrguard/ecrguard/rules"
)

// SchemaVersion is the version of the JSON report's schema
// (docs/report-json.md). Keys may be added within a version; none is
// removed or renamed.
const SchemaVersion = 1

// The JSON report's shape. Field order is output order; every list is
// non-nil so that it is written as [] rather than null.
type jsonReport struct {
	SchemaVersion int           `json:"schema_version"`
	Tool          jsonTool      `json:"tool"`
	Findings      []jsonFinding `json:"findings"`
	Summary       jsonSummary   `json:"summary"`
	Errors        []jsonGap     `json:"errors"`
	Notes         []jsonNote    `json:"notes"`
	Suppressed    []jsonFinding `json:"suppressed"`
}

type jsonTool struct {
	Name    string `json:"name"`
	Version string `json:"version"`
}

type jsonFinding struct {
	RuleID      string              `json:"rule_id"`
	Severity    string              `json:"severity"`
	Title       string              `json:"title"`
	Message     string              `json:"message"`
	Resource    string              `json:"resource"`
	Source      jsonSource          `json:"source"`
	Principals  []string            `json:"principals"`
	Actions     []string            `json:"actions"`
	Conditions  []string            `json:"conditions"`
	Frameworks  map[string][]string `json:"frameworks"`
	Remediation string              `json:"remediation"`
	// Fingerprint identifies the finding across scans: the line to write
	// in .ecrguardignore to accept it as it is.
	Fingerprint string `json:"fingerprint"`
	// Group is the number of the problem (the report entry) the finding
	// belongs to: findings with the same group are one problem.
	Group int `json:"group"`
	// Reason is set only on suppressed findings.
	Reason *string `json:"suppressed_reason,omitempty"`
	// Edit is the proven edit of the input file that fixes the finding's
	// resource, present only for a Terraform or CloudFormation policy.
	Edit *jsonEdit `json:"edit,omitempty"`
}

// jsonEdit is a finding's edit (docs/report-json.md): where it inserts,
// and what.
type jsonEdit struct {
	jsonSource
	Insert string `json:"insert"`
	Diff   string `json:"diff"`
	// Path is where --fix-dir writes the edited file, below its folder.
	Path string `json:"path"`
}

// newJSONEdit is e in the JSON report, nil for none.
func newJSONEdit(e *rules.Edit) *jsonEdit {
	if e == nil {
		return nil
	}
	return &jsonEdit{jsonSource: jsonSource{File: e.File, Line: e.Line, Column: e.Column}, Insert: e.Text, Diff: e.Diff, Path: e.Path}
}

// jsonSource is a place in a file: a finding's or a statement's source, a
// gap's position, where an edit inserts.
type jsonSource struct {
	File   string `json:"file"`
	Line   int    `json:"line"`
	Column int    `json:"column"`
}

// jsonSourceOf is p in the JSON outputs: an unknown line or column is 0.
func jsonSourceOf(p policy.Pos) jsonSource {
	return jsonSource{File: p.File, Line: max(p.Line, 0), Column: max(p.Col, 0)}
}

type jsonSummary struct {
	Resources int `json:"resources"`
	// Templates and PublicRepositories count the creation templates and
	// ECR Public repositories among Resources, when there are any.
	Templates          int            `json:"templates,omitempty"`
	PublicRepositories int            `json:"public_repositories,omitempty"`
	Findings           jsonSeverities `json:"findings"`
	Suppressed         int            `json:"suppressed"`
	// Problems counts the groups of the unsuppressed findings.
	Problems int `json:"problems"`
	// Filter is the selection of --severity, --rule and --skip-rule,
	// present only when one was applied.
	Filter *jsonFilter `json:"filter,omitempty"`
}

// jsonFilter is summary.filter: what a selection kept and how many findings
// it left out (docs/report-json.md).
type jsonFilter struct {
	Severities []string `json:"severities"`
	Rules      []string `json:"rules"`
	SkipRules  []string `json:"skip_rules"`
	LeftOut    int      `json:"left_out"`
}

// newJSONFilter is f as JSON lists (empty, never null), nil for no filter.
func newJSONFilter(f *rules.Filter) *jsonFilter {
	if f == nil {
		return nil
	}
	j := &jsonFilter{Severities: []string{}, Rules: nonNil(f.Rules), SkipRules: nonNil(f.Skip), LeftOut: f.Removed}
	for _, s := range f.Severities {
		j.Severities = append(j.Severities, s.String())
	}
	return j
}

type jsonSeverities struct {
	Critical int `json:"critical"`
	High     int `json:"high"`
	Medium   int `json:"medium"`
	Low      int `json:"low"`
	Info     int `json:"info"`
}

type jsonGap struct {
	Source string `json:"source"`
	jsonSource
	Account  string `json:"account"`
	Region   string `json:"region"`
	Resource string `json:"resource"`
	Code     string `json:"code"`
	Message  string `json:"message"`
}

type jsonNote struct {
	Source  string `json:"source"`
	Message string `json:"message"`
}

func writeJSON(w io.Writer, v *view, o Options) error {
	rep := jsonReport{
		SchemaVersion: SchemaVersion,
		Tool:          jsonTool{Name: "ecrguard", Version: o.Version},
		Findings:      make([]jsonFinding, 0, len(v.active)),
		Summary: jsonSummary{
			Resources:          v.resources,
			Templates:          v.assessed.Templates,
			PublicRepositories: v.assessed.Public,
			Findings: jsonSeverities{
				Critical: v.counts[rules.Critical],
				High:     v.counts[rules.High],
				Medium:   v.counts[rules.Medium],
				Low:      v.counts[rules.Low],
				Info:     v.counts[rules.Info],
			},
			Suppressed: len(v.suppressed),
			Problems:   len(v.entries),
			Filter:     newJSONFilter(v.filter),
		},
		Errors:     make([]jsonGap, 0, len(v.gaps)),
		Notes:      make([]jsonNote, 0, len(v.notes)),
		Suppressed: []jsonFinding{},
	}
	groups := groupIDs(v.entries, v.suppressedEntries)
	for _, f := range v.active {
		jf := toJSONFinding(f)
		jf.Group = groups[findingKey(f)]
		jf.Edit = newJSONEdit(v.edits[f.Resource])
		rep.Findings = append(rep.Findings, jf)
	}
	if o.ShowSuppressed {
		for _, f := range v.suppressed {
			jf := toJSONFinding(f)
			jf.Group = groups[findingKey(f)]
			jf.Edit = newJSONEdit(v.edits[f.Resource])
			reason := f.Suppressed
			jf.Reason = &reason
			rep.Suppressed = append(rep.Suppressed, jf)
		}
	}
	for _, g := range v.gaps {
		rep.Errors = append(rep.Errors, toJSONGap(g))
	}
	for _, n := range v.notes {
		rep.Notes = append(rep.Notes, jsonNote(n))
	}
	return encodeJSON(w, rep)
}

// encodeJSON writes v as JSON indented by two spaces, as the JSON outputs
// are written. Messages quote policies ("<", "&" in conditions): they are
// not HTML-escaped, to stay readable.
func encodeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(v)
}

// groupIDs maps every finding of the entries (by findingKey) to its
// entry's ID. Identical findings have the same key and the same entry.
func groupIDs(entries ...[]Entry) map[string]int {
	out := map[string]int{}
	for _, es := range entries {
		for _, e := range es {
			for _, f := range e.Findings {
				out[findingKey(f)] = e.ID
			}
		}
	}
	return out
}

func toJSONFinding(f rules.Finding) jsonFinding {
	fw := make(map[string][]string, len(f.Frameworks))
	for k, ids := range f.Frameworks {
		fw[k] = nonNil(ids)
	}
	return jsonFinding{
		RuleID:      f.RuleID,
		Severity:    f.Severity.String(),
		Title:       f.Title,
		Message:     f.Message,
		Resource:    f.Resource,
		Source:      jsonSourceOf(f.Source),
		Principals:  nonNil(f.Principals),
		Actions:     nonNil(f.Actions),
		Conditions:  nonNil(f.Conditions),
		Frameworks:  fw,
		Remediation: f.Remediation,
		Fingerprint: f.Fingerprint(),
	}
}

func toJSONGap(g estate.Gap) jsonGap {
	return jsonGap{
		Source:     g.Source,
		jsonSource: jsonSourceOf(g.Pos),
		Account:    g.Account,
		Region:     g.Region,
		Resource:   g.Resource,
		Code:       string(g.Code),
		Message:    g.Message,
	}
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}
