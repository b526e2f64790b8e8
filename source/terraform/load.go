// Package terraform reads Terraform into an estate: a plan's JSON
// (`terraform show -json plan.out`) or a module's .tf files, evaluated
// without Terraform. Repositories, their policies, the registry policy,
// replication, creation templates, IAM roles, users, groups and policies
// and service control policies become an estate.Estate whose every policy
// element carries the file and line it was written at.
//
// A value Terraform knows only after apply (a variable without a value, a
// computed attribute) stays unknown: a policy element becomes a
// policy.Value with Unknown set (the evaluator takes it at its worst), and a
// whole policy that is unknown is a coverage gap, never "no policy".
// docs/iac.md describes what is read and the limits.
package terraform

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"path"
	"slices"
	"sort"
	"strings"

	"github.com/agext/levenshtein"
	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"

	"github.com/ecrguard/ecrguard/estate"
	"github.com/ecrguard/ecrguard/internal/textenc"
	"github.com/ecrguard/ecrguard/policy"
)

// Options say what the configuration's context is.
type Options struct {
	// Account is the AWS account the configuration deploys to. When empty
	// (and the provider's allowed_account_ids or a plan's state do not name
	// it), it is the owner account the inputs do not name,
	// policy.OwnerAccount: data.aws_caller_identity and the ARNs built from
	// the account hold it, and the estate holds the resources under it.
	Account string
	// Region is the region of resources whose provider names none (default
	// us-east-1).
	Region string
	// Vars are -var values: strings for string variables, HCL expressions
	// for the others, as on Terraform's command line.
	Vars map[string]string
	// VarFiles are .tfvars files read after terraform.tfvars and
	// *.auto.tfvars, as -var-file: paths in the file system given to
	// LoadModule (a path not found there is looked up relative to the
	// module's directory).
	VarFiles []string
	// Workspace is the value of terraform.workspace (terraform workspace
	// select); when empty, terraform.workspace is unknown.
	Workspace string
}

// LoadModule reads the Terraform module in directory dir of fsys (its .tf
// files; child modules with a local source are read too) into an estate. A
// file that does not parse is an error naming file:line:column; everything
// else that cannot be read or evaluated is an estate.Gap or an
// estate.Note.
func LoadModule(fsys fs.FS, dir string, opts Options) (est *estate.Estate, err error) {
	dir = path.Clean(dir)
	est = estate.New()
	l := &loader{
		fsys: fsys, root: dir, opts: opts, region: defaultRegion(opts), account: opts.Account,
		est: est, src: map[string][]byte{}, bodies: map[string]*hclsyntax.Body{}, textAt: map[string]int{}, noted: map[string]bool{}, gapped: map[string]bool{},
	}
	defer func() {
		// A last resort: a panic in a library on hostile input becomes a
		// gap, never a crash.
		if r := recover(); r != nil {
			est.AddGap(estate.Gap{Source: dir, Code: estate.GapInternalError, Message: fmt.Sprintf("reading the module failed: %v", r)})
			err = nil
		}
	}()
	l.funcs = l.functions()
	l.base = &hcl.EvalContext{Functions: l.funcs}
	vars, err := l.rootVarSources()
	if err != nil {
		return nil, err
	}
	l.rootVars = vars
	root, err := l.loadModule(dir, "", nil, nil, keyedInstance{}, 0)
	if err != nil {
		return nil, err
	}
	l.modules = append(l.modules, root)
	if l.account == "" {
		l.account = l.accountFromProvider(root)
	}
	if l.account == "" {
		l.account = policy.OwnerAccount
	}
	for _, name := range slices.Sorted(maps.Keys(l.opts.Vars)) {
		if root.vars[name] == nil {
			l.note(dir, fmt.Sprintf("-var %s: the module declares no such variable", name))
		}
	}
	// Load child modules (breadth first), then read every resource.
	for i := 0; i < len(l.modules); i++ {
		m := l.modules[i]
		for _, name := range slices.Sorted(maps.Keys(m.calls)) {
			m.children(name)
		}
	}
	var rs []rsrc
	for _, m := range l.modules {
		for _, r := range m.order {
			if r.data {
				continue
			}
			for _, in := range r.instances() {
				rs = append(rs, rsrc{addr: in.addr, typ: r.typ, region: in.region(), obj: hclObject{b: block{b: r.block, sc: in.sc}, inst: in}})
			}
		}
	}
	b := newBuilder(est, l.account, l.gap, l.note)
	b.build(rs)
	sortFindings(est)
	return est, nil
}

// accountFromProvider returns the account a provider's allowed_account_ids
// names, when it names exactly one.
func (l *loader) accountFromProvider(root *module) string {
	p := root.providers["aws"]
	if p == nil {
		return ""
	}
	a := p.block.Body.Attributes["allowed_account_ids"]
	if a == nil {
		return ""
	}
	v := (&scope{m: root}).eval(a.Expr)
	if !v.IsWhollyKnown() || v.IsNull() || !v.CanIterateElements() || v.LengthInt() != 1 {
		return ""
	}
	it := v.ElementIterator()
	it.Next()
	_, e := it.Element()
	s, _ := asString(e)
	return s
}

// sortFindings orders gaps and notes, so that output is deterministic.
func sortFindings(est *estate.Estate) {
	sort.SliceStable(est.Gaps, func(i, j int) bool {
		a, b := est.Gaps[i], est.Gaps[j]
		if a.Pos.File != b.Pos.File {
			return a.Pos.File < b.Pos.File
		}
		if a.Pos.Line != b.Pos.Line {
			return a.Pos.Line < b.Pos.Line
		}
		return a.Message < b.Message
	})
	sort.SliceStable(est.Notes, func(i, j int) bool {
		a, b := est.Notes[i], est.Notes[j]
		if a.Source != b.Source {
			return a.Source < b.Source
		}
		return a.Message < b.Message
	})
}

// FindModules lists, sorted, the directories under roots (paths in fsys)
// that hold .tf (or .tf.json) files and that no other listed directory
// calls as a local child module: the root modules to pass to LoadModule. .terraform
// directories (downloaded modules and providers) and hidden directories
// are skipped.
func FindModules(fsys fs.FS, roots []string) []string {
	var dirs []string
	for _, root := range roots {
		root = path.Clean(root)
		_ = fs.WalkDir(fsys, root, func(p string, d fs.DirEntry, err error) error {
			if err != nil {
				return nil
			}
			if d.IsDir() {
				if p != root && (d.Name() == ".terraform" || strings.HasPrefix(d.Name(), ".")) {
					return fs.SkipDir
				}
				return nil
			}
			if isConfigFile(d.Name()) {
				dirs = append(dirs, path.Dir(p))
			}
			return nil
		})
	}
	return RootModules(fsys, dirs)
}

// RootModules lists, sorted and without repeats, the directories of dirs
// (paths in fsys of directories that hold .tf files, as a walk that has
// already found them gives them) that no other directory of dirs calls as
// a local child module: the root modules to pass to LoadModule. A module
// called by another is read as that module's child, with the values its
// caller passes.
func RootModules(fsys fs.FS, dirs []string) []string {
	set := map[string]bool{}
	for _, d := range dirs {
		set[path.Clean(d)] = true
	}
	called := map[string]bool{}
	for dir := range set {
		for _, src := range localModuleSources(fsys, dir) {
			child := path.Join(dir, src)
			if child != dir {
				called[child] = true
			}
		}
	}
	var out []string
	for dir := range set {
		if !called[dir] {
			out = append(out, dir)
		}
	}
	sort.Strings(out)
	return out
}

// localModuleSources returns the local sources of a directory's module
// calls (files that do not parse are skipped: LoadModule reports them).
func localModuleSources(fsys fs.FS, dir string) []string {
	var out []string
	_ = eachBlock(fsys, dir, "module", func(b *hclsyntax.Block) {
		if a := b.Body.Attributes["source"]; a != nil {
			if v, diags := a.Expr.Value(nil); !diags.HasErrors() && v.IsKnown() && !v.IsNull() && v.Type().FriendlyName() == "string" {
				s := v.AsString()
				if strings.HasPrefix(s, "./") || strings.HasPrefix(s, "../") {
					out = append(out, s)
				}
			}
		}
	})
	return out
}

// isConfigFile reports whether a file name is that of a Terraform
// configuration file: .tf, or .tf.json (JSON syntax).
func isConfigFile(name string) bool {
	return strings.HasSuffix(name, ".tf") || strings.HasSuffix(name, ".tf.json")
}

// eachBlock calls fn for each block of type typ in the configuration files
// of dir. A file without the word typ holds no such block and is not
// parsed. It returns the first error of reading dir or one of its files or
// parsing it; the files that read are used all the same.
func eachBlock(fsys fs.FS, dir, typ string, fn func(*hclsyntax.Block)) error {
	entries, err := fs.ReadDir(fsys, dir)
	if err != nil {
		return err
	}
	var first error
	for _, e := range entries {
		if e.IsDir() || !isConfigFile(e.Name()) {
			continue
		}
		data, err := readText(fsys, path.Join(dir, e.Name()))
		if err == nil && !bytes.Contains(data, []byte(typ)) {
			// No such block without the word: most files need no parse.
			continue
		}
		var body *hclsyntax.Body
		if err == nil {
			body, err = parseConfig(data, e.Name())
		}
		if err != nil {
			if first == nil {
				first = err
			}
			continue
		}
		for _, b := range body.Blocks {
			if b.Type == typ {
				fn(b)
			}
		}
	}
	return first
}

// CheckVars returns an error for each name of vars (-var values) that no
// root module of dirs declares, with the nearest declared name, as
// Terraform refuses "a variable named X was assigned on the command line,
// but the root module does not declare a variable of that name". A module
// whose files do not parse is taken to declare every name (LoadModule
// reports the parse error).
func CheckVars(fsys fs.FS, dirs []string, vars map[string]string) error {
	declared := map[string]bool{}
	for _, dir := range dirs {
		names, ok := declaredVars(fsys, dir)
		if !ok {
			return nil
		}
		for _, n := range names {
			declared[n] = true
		}
	}
	known := slices.Sorted(maps.Keys(declared))
	var errs []error
	for _, name := range slices.Sorted(maps.Keys(vars)) {
		if declared[name] {
			continue
		}
		where := "no Terraform module among the inputs declares it"
		if len(dirs) == 1 {
			where = "the root module " + dirs[0] + " does not declare it"
		} else if len(dirs) > 1 {
			where = "no root module among the inputs (" + strings.Join(dirs, ", ") + ") declares it"
		}
		errs = append(errs, fmt.Errorf("--var %s: %s%s", name, where, NameSuggestion(name, known)))
	}
	return errors.Join(errs...)
}

// declaredVars lists the variables the .tf and .tf.json files of dir
// declare; ok is false when a file cannot be read or parsed.
func declaredVars(fsys fs.FS, dir string) (names []string, ok bool) {
	err := eachBlock(fsys, dir, "variable", func(b *hclsyntax.Block) {
		if len(b.Labels) == 1 {
			names = append(names, b.Labels[0])
		}
	})
	if err != nil {
		return nil, false
	}
	return names, true
}

// NameSuggestion returns `; did you mean "X"?` for the known name nearest
// to name, when one is as near as Terraform's own suggestions ask (an edit
// distance under 3).
func NameSuggestion(name string, known []string) string {
	best, bestD := "", 3
	for _, k := range known {
		if d := levenshtein.Distance(name, k, nil); d < bestD {
			best, bestD = k, d
		}
	}
	if best == "" {
		return ""
	}
	return fmt.Sprintf("; did you mean %q?", best)
}

// readText reads a file of a module as UTF-8: a byte-order mark or UTF-16
// is decoded (textenc), as when the module is loaded.
func readText(fsys fs.FS, name string) ([]byte, error) {
	data, _, err := readTextAt(fsys, name)
	return data, err
}

// readTextAt is readText, and says where the text starts in the file's
// bytes (textenc.DecodeAt): after a byte-order mark, or -1 when it is
// decoded from UTF-16.
func readTextAt(fsys fs.FS, name string) (data []byte, at int, err error) {
	raw, err := fs.ReadFile(fsys, name)
	if err != nil {
		return nil, 0, err
	}
	return textenc.DecodeAt(raw)
}
