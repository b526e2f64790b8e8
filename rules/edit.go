package rules

import (
	"fmt"
	"maps"
	"os"
	"path"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"time"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/ecrguard/ecrguard/analysis"
	"github.com/ecrguard/ecrguard/estate"
	"github.com/ecrguard/ecrguard/internal/linediff"
	"github.com/ecrguard/ecrguard/policy"
)

// Edit is a fix written as an edit of the input file that defines the
// policy (Terraform, CloudFormation): text inserted at one place.
type Edit struct {
	// File is the file as positions name it (policy.Pos.File); Path is
	// where --fix-dir writes the edited file, below its folder (File when
	// it is a relative path inside the current folder).
	File string
	Path string
	// Offset is the byte offset in File where Text goes; Line and Column
	// (from 1; Column in UTF-16 code units, as SARIF counts by default)
	// are the same place.
	Offset       int
	Line, Column int
	Text         string
	// Diff is the edit as a unified diff of File.
	Diff string
}

// Inputs are what a scan read, for proving its fixes as edits of the
// files (Result.ProveEdits).
type Inputs struct {
	// ReadFile reads an input file by the name positions give it.
	ReadFile func(name string) ([]byte, error)
	// Load reads the inputs again, as the scan did (same reader, paths and
	// options), with the files of overlay (by the names positions give
	// them) in place of theirs.
	Load func(overlay map[string][]byte) (*estate.Estate, error)
	// Settings are the scan's.
	Settings analysis.Settings
}

// Splice inserts the statements, written by ins.Render, into src (the
// content of ins.File) at ins.Offset, and returns the edited content and
// the text inserted.
func Splice(src []byte, ins *estate.StatementInsert, stmts []*policy.Statement) ([]byte, string, error) {
	if ins.Offset < 0 || ins.Offset > len(src) {
		return nil, "", fmt.Errorf("the place to insert (byte %d) is outside %s (%d bytes): the file changed since it was read", ins.Offset, ins.File, len(src))
	}
	text, err := ins.Render(stmts)
	if err != nil {
		return nil, "", err
	}
	out := make([]byte, 0, len(src)+len(text))
	out = append(append(append(out, src[:ins.Offset]...), text...), src[ins.Offset:]...)
	return out, text, nil
}

// EditPath is where --fix-dir writes an edited file named name: name
// itself when it is a relative path inside the current folder; otherwise
// name without its volume, leading slashes and ".." elements, so that it
// stays inside the folder.
func EditPath(name string) string {
	p := filepath.ToSlash(filepath.Clean(name))
	if filepath.IsLocal(p) {
		return p
	}
	p = filepath.ToSlash(strings.TrimPrefix(p, filepath.VolumeName(p)))
	var parts []string
	for _, e := range strings.Split(p, "/") {
		if e != "" && e != "." && e != ".." {
			parts = append(parts, e)
		}
	}
	if len(parts) == 0 {
		return "input"
	}
	return path.Join(parts...)
}

// place is the 1-based line and the column in UTF-16 code units of byte
// offset off of src.
func place(src []byte, off int) (line, col int) {
	line, start := 1, 0
	for i := 0; i < off; i++ {
		if src[i] == '\n' {
			line, start = line+1, i+1
		}
	}
	col = 1
	for s := src[start:off]; len(s) > 0; {
		r, size := utf8.DecodeRune(s)
		col += len(utf16.Encode([]rune{r}))
		s = s[size:]
	}
	return line, col
}

// candidate is a fix that can be shown as an edit, with the edit to prove
// (the file it edits is fix.source).
type candidate struct {
	fix  *FixFile
	edit *Edit
}

// ProveEdits turns every fix whose policy says where statements go in its
// file (estate.Policy.Insert) into an Edit of that file, and proves it: the
// inputs are read again with the edited files (in.Load) and the rules run
// again, and the edit is kept only when the file reads with no new coverage
// gap, outsiders can no longer do anything to the resource, and no finding
// on the resource is new (by fingerprint). A fix that fails gets no Edit
// and says why (FixFile.NoEdit). The edits are proven together, one
// reading of the inputs for all, as --fix-dir writes them; when some fail,
// each of those is proven alone, those that fail alone are dropped (or,
// when each holds alone, the last of them), and the rest are proven
// together again.
//
// The findings on each resource say how its fix is shown: as the edit, or
// why there is none.
func (r *Result) ProveEdits(in Inputs) {
	if in.Settings.At.IsZero() {
		in.Settings.At = time.Now()
	}
	var cands []*candidate
	for i := range r.Fixes {
		f := &r.Fixes[i]
		if f.insert == nil || f.NoEdit != "" {
			continue
		}
		c, err := newCandidate(f, in)
		if err != nil {
			f.NoEdit = err.Error()
			continue
		}
		cands = append(cands, c)
	}
	for set := cands; len(set) > 0; {
		failed := r.prove(set, in)
		if len(failed) == 0 || len(set) == 1 {
			break
		}
		// Those that fail alone go; when each passes alone, the edits
		// that fail only together do not hold together: the last gives
		// way. The rest are proven together again.
		var drop []*candidate
		for _, c := range failed {
			if len(r.prove([]*candidate{c}, in)) > 0 {
				drop = append(drop, c)
			}
		}
		if len(drop) == 0 {
			c := failed[len(failed)-1]
			c.fix.Edit, c.fix.NoEdit = nil, "its edit and the other edits of "+c.fix.insert.File+" do not hold together (scanned again with all of them, the file fails), though each holds alone"
			drop = []*candidate{c}
		}
		set = slices.DeleteFunc(slices.Clone(set), func(c *candidate) bool { return slices.Contains(drop, c) })
	}
	for i := range r.Fixes {
		r.describeEdit(&r.Fixes[i])
	}
}

// newCandidate builds f's edit against the file as it is now.
func newCandidate(f *FixFile, in Inputs) (*candidate, error) {
	ins := f.insert
	src, err := in.ReadFile(ins.File)
	if err != nil {
		return nil, fmt.Errorf("ecrguard could not read %s again to edit it: %v", ins.File, err)
	}
	edited, text, err := Splice(src, ins, f.added)
	if err != nil {
		return nil, fmt.Errorf("ecrguard could not write the statements into %s: %v", ins.File, err)
	}
	f.source = src
	line, col := place(src, ins.Offset)
	edit := &Edit{File: ins.File, Path: EditPath(ins.File), Offset: ins.Offset, Line: line, Column: col, Text: text,
		Diff: linediff.Unified(ins.File, string(src), string(edited), 3)}
	return &candidate{fix: f, edit: edit}, nil
}

// prove reads the inputs with every candidate's edit applied, runs the
// rules, and returns the candidates that fail, their fix without Edit and
// NoEdit saying why; the others' fixes get their Edit.
func (r *Result) prove(cands []*candidate, in Inputs) []*candidate {
	overlay, err := overlayOf(cands)
	var a *analysis.Analysis
	var after *Result
	if err == nil {
		var e *estate.Estate
		if e, err = in.Load(overlay); err == nil {
			a = analysis.Analyze(e, in.Settings)
			after = Check(a)
		}
	}
	var failed []*candidate
	for _, c := range cands {
		why := ""
		if err != nil {
			why = fmt.Sprintf("the inputs could not be read again with the edit: %v", err)
		} else {
			why = r.verdict(c.fix, a, after)
		}
		if why == "" {
			c.fix.Edit, c.fix.NoEdit = c.edit, ""
			continue
		}
		c.fix.Edit, c.fix.NoEdit = nil, "ecrguard scanned the edited "+c.fix.insert.File+" again: "+why
		failed = append(failed, c)
	}
	return failed
}

// overlayOf applies the candidates' insertions to their files, the last
// place of a file first. Policies that share their text (a local or a
// file() two resources read, a resource with count or for_each) share
// their place: the same text inserted there is inserted once.
func overlayOf(cands []*candidate) (map[string][]byte, error) {
	byFile := map[string][]*candidate{}
	for _, c := range cands {
		byFile[c.fix.insert.File] = append(byFile[c.fix.insert.File], c)
	}
	out := map[string][]byte{}
	for file, cs := range byFile {
		sort.SliceStable(cs, func(i, j int) bool { return cs[i].fix.insert.Offset > cs[j].fix.insert.Offset })
		data := cs[0].fix.source
		inserted := map[int][]string{}
		for _, c := range cs {
			ins := c.fix.insert
			text, err := ins.Render(c.fix.added)
			if err != nil {
				return nil, err
			}
			if slices.Contains(inserted[ins.Offset], text) {
				continue
			}
			inserted[ins.Offset] = append(inserted[ins.Offset], text)
			if data, _, err = Splice(data, ins, c.fix.added); err != nil {
				return nil, err
			}
		}
		out[file] = data
	}
	return out, nil
}

// verdict says why f's edit fails, judged on the analysis a of the edited
// inputs and its result after; "" when it holds.
func (r *Result) verdict(f *FixFile, a *analysis.Analysis, after *Result) string {
	if gaps := newGaps(r.Gaps, after.Gaps, f.insert.File); len(gaps) > 0 {
		return "it has a coverage gap the original has not: " + gaps[0].String()
	}
	var x *analysis.ExposureItem
	for _, it := range slices.Concat(a.Exposure, a.Public) {
		if it.Target.ARN == f.Resource {
			x = it
		}
	}
	if x == nil {
		return "the policy of " + f.Resource + " is no longer read"
	}
	open := x.Outsiders()
	for _, d := range x.Deputies {
		open = open.Union(d.Actions)
	}
	if !open.Empty() {
		return "outsiders can still perform " + describeActions(open, x.Universe)
	}
	before := map[string]bool{}
	for _, g := range r.Findings {
		if g.Resource == f.Resource {
			before[g.Fingerprint()] = true
		}
	}
	for _, g := range after.Findings {
		if g.Resource == f.Resource && !before[g.Fingerprint()] {
			return fmt.Sprintf("it raises %s (%s) at %s: %s", g.RuleID, g.Title, g.Source, g.Message)
		}
	}
	return ""
}

// newGaps are the gaps of after in file that before has not, compared by
// code, resource and message (positions move with the edit).
func newGaps(before, after []estate.Gap, file string) []estate.Gap {
	key := func(g estate.Gap) string { return string(g.Code) + "\x00" + g.Resource + "\x00" + g.Message }
	had := map[string]int{}
	for _, g := range before {
		had[key(g)]++
	}
	var out []estate.Gap
	for _, g := range after {
		if g.Source != file && g.Pos.File != file {
			continue
		}
		if had[key(g)] > 0 {
			had[key(g)]--
			continue
		}
		out = append(out, g)
	}
	return out
}

// provenMark starts the sentence of a finding's remediation that tells of
// a proven fix (provenFix); describeEdit adds to the findings that have it.
const provenMark = " Proven fix: append "

// describeEdit tells the findings on f's resource how its fix is shown:
// as its edit, or why there is none.
func (r *Result) describeEdit(f *FixFile) {
	if f.insert == nil {
		return
	}
	var s string
	if f.Edit != nil {
		s = fmt.Sprintf(" The fix is an edit of %s at line %d, shown as a diff; ecrguard scanned the edited file again: it reads, nothing is open to outsiders and no finding is new (`--fix-dir DIR` writes the edited file to DIR/%s).",
			f.Edit.File, f.Edit.Line, f.Edit.Path)
	} else {
		s = fmt.Sprintf(" ecrguard offers no edit of %s: %s; add the statements by hand.", f.insert.File, strings.TrimSuffix(f.NoEdit, "."))
	}
	for i := range r.Findings {
		g := &r.Findings[i]
		if g.Resource == f.Resource && strings.Contains(g.Remediation, provenMark) {
			g.Remediation += s
		}
	}
}

// newFixFile is the FixFile of x's proven fix.
func newFixFile(x *analysis.ExposureItem) FixFile {
	f := FixFile{Resource: x.Target.ARN, Name: x.FixName, JSON: x.Fix.JSON}
	if x.Policy != nil && x.Policy.Insert != nil {
		f.insert = x.Policy.Insert
		stmts := x.Fix.Doc.Statements
		f.added = stmts[len(stmts)-len(x.Fix.Added):]
		return f
	}
	f.Command = applyCommand(x.Target, x.FixName)
	return f
}

// writeEdits writes the files the edits change, each with all its edits,
// read again from the file as the edits saw it.
func writeEdits(dir string, edits []*candidate) error {
	byPath := map[string][]*candidate{}
	var paths []string
	for _, c := range edits {
		p := c.fix.Edit.Path
		if byPath[p] == nil {
			paths = append(paths, p)
		}
		byPath[p] = append(byPath[p], c)
	}
	sort.Strings(paths)
	for _, p := range paths {
		cs := byPath[p]
		overlay, err := overlayOf(cs)
		if err != nil {
			return err
		}
		if len(overlay) > 1 {
			// ../infra/main.tf and infra/main.tf, say: one would be lost.
			files := slices.Sorted(maps.Keys(overlay))
			return fmt.Errorf("the edits of %s and %s would both be written to %s", files[0], files[1], filepath.Join(dir, filepath.FromSlash(p)))
		}
		dst := filepath.Join(dir, filepath.FromSlash(p))
		if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(dst, overlay[cs[0].fix.insert.File], 0o644); err != nil {
			return err
		}
	}
	return nil
}
