// Package rules holds ecrguard's rule catalog, ECR001 to ECR012
// (docs/rules), one file per rule with its metadata beside its check, and the
// Finding and Result types every report is written from.
package rules

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/ecrguard/ecrguard/analysis"
	"github.com/ecrguard/ecrguard/estate"
	"github.com/ecrguard/ecrguard/policy"
)

// Severity ranks findings.
type Severity uint8

// Severities, lowest first.
const (
	Info Severity = iota
	Low
	Medium
	High
	Critical
)

var severityNames = [...]string{"info", "low", "medium", "high", "critical"}

func (s Severity) String() string {
	if int(s) < len(severityNames) {
		return severityNames[s]
	}
	return fmt.Sprintf("severity(%d)", s)
}

// ParseSeverity reads "critical", "high", "medium", "low" or "info".
func ParseSeverity(s string) (Severity, error) {
	for i, n := range severityNames {
		if strings.EqualFold(s, n) {
			return Severity(i), nil
		}
	}
	return 0, fmt.Errorf("unknown severity %q: expected critical, high, medium, low or info", s)
}

// Severities lists every severity, highest first.
func Severities() []Severity { return []Severity{Critical, High, Medium, Low, Info} }

// Finding is one rule firing on one resource (or principal).
type Finding struct {
	RuleID   string
	Severity Severity
	Title    string
	Message  string
	// Resource is the repository or registry ARN, or the principal's ARN for
	// identity rules.
	Resource string
	// Source is where to look: the file and line of the statement (or the
	// policy) that caused the finding.
	Source policy.Pos
	// Statements are the positions of the statements the finding rests
	// on, each once, Source the first: set by the rules whose findings
	// gather what several statements grant (all but ECR002 and ECR011);
	// where nil, Source is all there is. An inline ignore silences the
	// finding only when every one of them is covered (config.Apply). Not
	// part of the fingerprint, nor of any report.
	Statements []policy.Pos
	// Principals use "*" for public, arn:aws:iam::ACCOUNT:root for a whole
	// account, full ARNs otherwise, service:NAME for service principals, and
	// an org id or org path for an organization.
	Principals []string
	// Actions are concrete catalog names, sorted.
	Actions []string
	// Conditions are the conditions the access depends on, "key value".
	Conditions []string
	// Assumes are the policy elements not known at scan time (a Terraform
	// variable, a CloudFormation parameter) that the finding's proof takes
	// at their worst ("principal AWS var.partner_arn"), sorted; the
	// message says them too. Not part of the fingerprint.
	Assumes []string
	// Frameworks maps a framework to its control ids.
	Frameworks map[string][]string
	// Remediation names the concrete change.
	Remediation string
	// Suppressed is the reason a suppression gave, when one matched: a
	// config suppression, an inline ignore or an .ecrguardignore entry.
	Suppressed string
	// SuppressedInSource is set when the suppression that matched is
	// written in the input itself (an inline ignore).
	SuppressedInSource bool
}

// Fingerprint identifies a finding across scans, for .ecrguardignore: 16
// hex digits of a SHA-256 of the rule, the resource, the principals, the
// actions and the conditions. It leaves out the file and line, which move
// when unrelated lines change, and the message and severity, which are
// wording; a change to who can do what under which condition is a new
// finding with a new fingerprint.
func (f Finding) Fingerprint() string {
	h := sha256.New()
	field := func(s string) {
		// Length-prefixed, so no two lists of fields hash alike.
		fmt.Fprintf(h, "%d:%s;", len(s), s)
	}
	field(f.RuleID)
	field(f.Resource)
	for _, list := range [][]string{f.Principals, f.Actions, f.Conditions} {
		sorted := slices.Sorted(slices.Values(list))
		field(strconv.Itoa(len(sorted)))
		for _, s := range sorted {
			field(s)
		}
	}
	return hex.EncodeToString(h.Sum(nil))[:FingerprintLen]
}

// FingerprintLen is the length of a finding's fingerprint.
const FingerprintLen = 16

// Result is everything a scan produced: findings and coverage gaps.
type Result struct {
	Findings []Finding
	// Gaps are the inputs or policy elements that could not be read or
	// evaluated: any gap means the result is incomplete.
	Gaps []estate.Gap
	// Notes are informational messages about the inputs.
	Notes []estate.Note
	// Resources counts the resources assessed: repositories, registries,
	// creation templates and ECR Public repositories; Assessed breaks it
	// down by kind.
	Resources int
	Assessed  analysis.ResourceCounts
	// Fixes are fixed resource policies that ecrguard proved close what
	// outsiders can do and take nothing from the owner account, in
	// resource order.
	Fixes []FixFile
	// Filter is the selection (--severity, --rule, --skip-rule) the
	// findings went through, nil when none was applied (Result.Select).
	Filter *Filter
	// NotRun are the rules that judged nothing, their inputs absent: the
	// identity rules when no account's users and roles were read.
	NotRun []string
}

// FixFile is a fixed resource policy, ready to apply.
type FixFile struct {
	Resource string
	// Name is the file name the fix is written to (app-policy.json).
	Name string
	JSON []byte
	// Command applies it with the AWS CLI, its arguments quoted for a
	// POSIX shell; "" for a policy a Terraform or CloudFormation file
	// defines, which is fixed in that file (Edit).
	Command string
	// Edit is, for a policy an input file defines (estate.Policy.Insert),
	// the fix as an edit of that file, proven by ProveEdits; nil until
	// then, or when NoEdit says why there is none.
	Edit   *Edit
	NoEdit string
	// insert and added are the place in the file and the statements the
	// fix adds, for ProveEdits.
	insert *estate.StatementInsert
	added  []*policy.Statement
	// source is the file the edit was made to, as ProveEdits read it.
	source []byte
}

// InFile reports whether the fix is one to make in the input file that
// defines the policy (Terraform, CloudFormation) rather than with the AWS
// CLI.
func (f *FixFile) InFile() bool { return f.insert != nil }

// Sort orders findings and gaps deterministically: by severity (highest
// first), rule, resource, source, then message.
func (r *Result) Sort() {
	sort.SliceStable(r.Findings, func(i, j int) bool {
		a, b := r.Findings[i], r.Findings[j]
		switch {
		case a.Severity != b.Severity:
			return a.Severity > b.Severity
		case a.RuleID != b.RuleID:
			return a.RuleID < b.RuleID
		case a.Resource != b.Resource:
			return a.Resource < b.Resource
		case a.Source != b.Source:
			return a.Source.Compare(b.Source) < 0
		}
		return a.Message < b.Message
	})
	sort.SliceStable(r.Fixes, func(i, j int) bool { return r.Fixes[i].Resource < r.Fixes[j].Resource })
	slices.SortStableFunc(r.Gaps, estate.Gap.Compare)
	sort.SliceStable(r.Notes, func(i, j int) bool {
		if r.Notes[i].Source != r.Notes[j].Source {
			return r.Notes[i].Source < r.Notes[j].Source
		}
		return r.Notes[i].Message < r.Notes[j].Message
	})
}

// Counts returns the number of unsuppressed findings per severity.
func (r *Result) Counts() map[Severity]int {
	out := map[Severity]int{}
	for _, f := range r.Findings {
		if f.Suppressed == "" {
			out[f.Severity]++
		}
	}
	return out
}

// Active returns the unsuppressed findings.
func (r *Result) Active() []Finding {
	var out []Finding
	for _, f := range r.Findings {
		if f.Suppressed == "" {
			out = append(out, f)
		}
	}
	return out
}

// Exit codes, documented in docs/exit-codes.md.
const (
	// ExitOK: no finding at or above the --fail-on threshold, everything
	// assessed.
	ExitOK = 0
	// ExitFindings: at least one finding at or above the threshold.
	ExitFindings = 1
	// ExitIncomplete: a usage or input error, or something not assessed (a
	// coverage gap). It wins over ExitFindings: a partial result is never
	// reported as a pass or a plain fail.
	ExitIncomplete = 2
)

// ExitCode maps a result to the documented exit code. failOn is the lowest
// severity that fails; none disables failing on findings.
func (r *Result) ExitCode(failOn Severity, none bool) int {
	return r.ExitCodeWithGaps(failOn, none, ExitIncomplete)
}

// ExitCodeWithGaps is ExitCode with gaps, the code of a result with
// coverage gaps (--gaps-exit-code). A gaps of 0 lets the findings alone
// decide: a result with gaps then exits as one without them.
func (r *Result) ExitCodeWithGaps(failOn Severity, none bool, gaps int) int {
	if len(r.Gaps) > 0 && gaps != ExitOK {
		return gaps
	}
	if none {
		return ExitOK
	}
	for _, f := range r.Findings {
		if f.Suppressed == "" && f.Severity >= failOn {
			return ExitFindings
		}
	}
	return ExitOK
}

// WriteFixes writes the fixes of r into dir, creating it: each fixed
// policy of a raw or AWS CLI input as its FixFile.Name, and each input file
// that proven edits change (ProveEdits), with all of them, at its
// Edit.Path. A fix to make in a file that has no proven edit is not
// written.
func (r *Result) WriteFixes(dir string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	var edits []*candidate
	for i := range r.Fixes {
		f := &r.Fixes[i]
		switch {
		case f.Edit != nil:
			edits = append(edits, &candidate{fix: f})
		case !f.InFile():
			if !filepath.IsLocal(f.Name) {
				return fmt.Errorf("the fix of %s would be written outside %s, as %s", f.Resource, dir, f.Name)
			}
			if err := os.WriteFile(filepath.Join(dir, f.Name), f.JSON, 0o644); err != nil {
				return err
			}
		}
	}
	return writeEdits(dir, edits)
}
