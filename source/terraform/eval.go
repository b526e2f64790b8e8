package terraform

import (
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"path"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	hcljson "github.com/hashicorp/hcl/v2/json"
	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/convert"
	"github.com/zclconf/go-cty/cty/function"

	"github.com/ecrguard/ecrguard/estate"
	"github.com/ecrguard/ecrguard/policy"
)

// Limits that keep hostile or pathological configurations from exhausting
// time, memory or the stack. Anything cut short is a coverage gap, never a
// guess.
const (
	maxEvalSteps = 200_000
	maxEvalDepth = 120
	maxInstances = 256
	// maxModuleInstances bounds the instances of module calls with count
	// or for_each in one scan, which multiply at every level of nesting.
	maxModuleInstances = 256
	// maxInstanceBlocks bounds the resource and data blocks of those
	// instances and of the modules they call: each is a copy of its
	// module, and 256 copies of a large one are too many to read.
	maxInstanceBlocks = 10_000
	maxValueElements  = 100_000
	// maxValueBytes bounds the string bytes of one named value.
	maxValueBytes = 4 * maxStringLen
)

// loader holds the state of one LoadModule call.
type loader struct {
	fsys    fs.FS
	root    string
	opts    Options
	region  string
	account string
	est     *estate.Estate
	src     map[string][]byte
	// bodies are the module files parsed (parseFile).
	bodies map[string]*hclsyntax.Body
	// textAt says where the text of a file of src starts in its bytes,
	// for those whose text is not their bytes: after a byte-order mark,
	// or -1 when decoded from UTF-16.
	textAt  map[string]int
	funcs   map[string]function.Function
	base    *hcl.EvalContext
	steps   int
	depth   int
	noted   map[string]bool
	gapped  map[string]bool
	modules []*module
	// moduleInstances counts the instances of module calls with count or
	// for_each loaded; instanceBlocks the resource and data blocks of the
	// modules loaded as copies (module.copy).
	moduleInstances int
	instanceBlocks  int
	// rootVars are the root module's variable values from the command line
	// and variable files.
	rootVars map[string]valueSource
	// regionRead: a value was built from an assumed region, so values may
	// carry assumedRegion.
	regionRead bool
}

// readSource reads a configuration or variable file as readText does,
// recording where its text starts in its bytes.
func (l *loader) readSource(name string) ([]byte, error) {
	data, at, err := readTextAt(l.fsys, name)
	if at != 0 {
		l.textAt[name] = at
	}
	return data, err
}

// note records an informational message once.
func (l *loader) note(source, msg string) { addNoteOnce(l.est, l.noted, source, msg) }

// addNoteOnce adds a note to est unless noted says it was added before.
func addNoteOnce(est *estate.Estate, noted map[string]bool, source, msg string) {
	k := source + "\x00" + msg
	if noted[k] {
		return
	}
	noted[k] = true
	est.AddNote(estate.Note{Source: source, Message: msg})
}

// gap records something that could not be assessed, once per position and
// message.
func (l *loader) gap(g estate.Gap) {
	k := g.Pos.String() + "\x00" + g.Source + "\x00" + g.Message
	if l.gapped[k] {
		return
	}
	l.gapped[k] = true
	l.est.AddGap(g)
}

// enter counts one evaluation against the budgets; it reports false when a
// budget is exhausted.
func (l *loader) enter() bool {
	l.steps++
	l.depth++
	if l.steps > maxEvalSteps {
		l.gap(estate.Gap{Source: l.root, Code: estate.GapTooComplex, Message: fmt.Sprintf("the configuration needs more than %d evaluation steps; the rest is read as unknown", maxEvalSteps)})
		return false
	}
	if l.depth > maxEvalDepth {
		l.gap(estate.Gap{Source: l.root, Code: estate.GapTooComplex, Message: fmt.Sprintf("references nest deeper than %d levels; deeper values are read as unknown", maxEvalDepth)})
		return false
	}
	return true
}

func (l *loader) leave() { l.depth-- }

// bounded returns v, the value of what (local.x, var.x, an output or a
// resource attribute), written at rng; or, when v holds more than
// maxValueElements elements or maxValueBytes bytes of strings, unknown and
// a gap. Values share their parts, so a few lines of locals that each
// repeat the previous one ten times build a value of billions of elements
// cheaply, but nothing can walk it: the bound stops it where it is named.
func (l *loader) bounded(v cty.Value, what string, rng hcl.Range) cty.Value {
	elems, bytes := maxValueElements, maxValueBytes
	if measure(v, &elems, &bytes) {
		return v
	}
	l.gap(estate.Gap{Source: rng.Filename, Pos: rangePos(rng), Code: estate.GapTooComplex, Message: fmt.Sprintf("the value of %s is too large to evaluate (more than %d elements or %d bytes of strings); it is read as unknown", what, maxValueElements, maxValueBytes)})
	return cty.DynamicVal
}

// measure counts v's elements and string bytes against the budgets; it
// reports false, having stopped early, when one is exhausted.
func measure(v cty.Value, elems, bytes *int) bool {
	if *elems--; *elems < 0 {
		return false
	}
	v, _ = v.Unmark()
	if !v.IsKnown() || v.IsNull() {
		return true
	}
	t := v.Type()
	switch {
	case t == cty.String:
		*bytes -= len(v.AsString())
		return *bytes >= 0
	case t.IsListType() || t.IsSetType() || t.IsTupleType() || t.IsMapType() || t.IsObjectType():
		for it := v.ElementIterator(); it.Next(); {
			_, e := it.Element()
			if !measure(e, elems, bytes) {
				return false
			}
		}
	}
	return true
}

// scope is where an expression is evaluated: a module, and within it
// perhaps a resource instance (count.index, each.key) and iterators of
// dynamic blocks.
type scope struct {
	m    *module
	inst *instance
	// call is the module instance whose call arguments the scope (in its
	// parent) evaluates.
	call *module
	iter map[string]cty.Value
}

// instance returns the count or for_each instance the scope is in: its
// resource instance's, or the module instance whose call arguments it
// evaluates.
func (s *scope) instance() (expansion, keyedInstance) {
	switch {
	case s.inst != nil:
		return s.inst.r.mode, keyedInstance{s.inst.key, s.inst.each, s.inst.regionKey}
	case s.call != nil && s.call.call != nil:
		return s.call.call.mode, s.call.inst
	}
	return expandNone, keyedInstance{}
}

// with returns a child scope with one more iterator.
func (s *scope) with(name string, v cty.Value) *scope {
	it := make(map[string]cty.Value, len(s.iter)+1)
	for k, x := range s.iter {
		it[k] = x
	}
	it[name] = v
	return &scope{m: s.m, inst: s.inst, call: s.call, iter: it}
}

// eval evaluates expr. Whatever cannot be evaluated (an error, an
// unsupported function, a budget exhausted) is unknown.
func (s *scope) eval(expr hcl.Expression) cty.Value {
	v, _ := s.evalMarked(expr).UnmarkDeep()
	return v
}

// evalMarked is eval keeping the marks of the value (assumedRegion), for
// the values that names give (locals, variables, outputs, attributes):
// an expression that reads one must know what it was built from.
func (s *scope) evalMarked(expr hcl.Expression) (v cty.Value) {
	if expr == nil {
		return cty.NullVal(cty.DynamicPseudoType)
	}
	l := s.m.l
	if !l.enter() {
		l.leave()
		return cty.DynamicVal
	}
	defer l.leave()
	defer func() {
		if r := recover(); r != nil {
			rng := expr.Range()
			l.gap(estate.Gap{Source: rng.Filename, Pos: rangePos(rng), Code: estate.GapInternalError, Message: fmt.Sprintf("evaluating %s failed (%v); read as unknown", s.m.exprText(expr), r)})
			v = cty.DynamicVal
		}
	}()
	if !s.m.l.tractable(expr) {
		return cty.DynamicVal
	}
	ctx := s.context(expr)
	v, diags := expr.Value(ctx)
	if diags.HasErrors() {
		for _, d := range diags {
			if d.Severity == hcl.DiagError {
				where := rangePos(expr.Range())
				if d.Subject != nil {
					where = rangePos(*d.Subject)
				}
				// HCL's details end with a full stop, some with two.
				l.note(where.File, fmt.Sprintf("%s: %s: %s; the value is read as unknown", where, d.Summary, strings.TrimRight(d.Detail, ".")))
				break
			}
		}
		return cty.DynamicVal
	}
	if v == cty.NilVal {
		return cty.DynamicVal
	}
	return v
}

// tractable rejects expressions whose evaluation could blow up: for
// expressions nested three deep can build billions of elements.
func (l *loader) tractable(expr hcl.Expression) bool {
	node, ok := expr.(hclsyntax.Node)
	if !ok {
		return true
	}
	w := &forDepth{}
	hclsyntax.Walk(node, w)
	if w.max >= 3 {
		rng := expr.Range()
		l.note(rng.Filename, fmt.Sprintf("%s: for expressions nested three or more deep are not evaluated; the value is read as unknown", rangePos(rng)))
		return false
	}
	return true
}

// forDepth measures how deep for expressions nest.
type forDepth struct{ cur, max int }

func (w *forDepth) Enter(n hclsyntax.Node) hcl.Diagnostics {
	if _, ok := n.(*hclsyntax.ForExpr); ok {
		w.cur++
		w.max = max(w.max, w.cur)
	}
	return nil
}

func (w *forDepth) Exit(n hclsyntax.Node) hcl.Diagnostics {
	if _, ok := n.(*hclsyntax.ForExpr); ok {
		w.cur--
	}
	return nil
}

// needs collects what an expression refers to.
type needs struct {
	vars   map[string]bool
	locals map[string]bool
	// res maps a resource key to the attributes needed (nil: all).
	res    map[string]map[string]bool
	resAll map[string]bool
	mods   map[string]map[string]bool
	modAll map[string]bool
}

// addNames adds to set the name tr reads (var.NAME, local.NAME), or every
// name of all when tr does not say which (var[each.key]).
func addNames[T any](set map[string]bool, tr hcl.Traversal, all map[string]T) {
	if name, ok := attrName(tr, 1); ok {
		set[name] = true
		return
	}
	for name := range all {
		set[name] = true
	}
}

func attrName(tr hcl.Traversal, i int) (string, bool) {
	if i >= len(tr) {
		return "", false
	}
	switch st := tr[i].(type) {
	case hcl.TraverseAttr:
		return st.Name, true
	case hcl.TraverseIndex:
		if st.Key.Type() == cty.String && st.Key.IsKnown() && !st.Key.IsNull() {
			return st.Key.AsString(), true
		}
	}
	return "", false
}

// context builds the evaluation context for expr: only what it refers to.
func (s *scope) context(expr hcl.Expression) *hcl.EvalContext {
	m := s.m
	n := needs{vars: map[string]bool{}, locals: map[string]bool{}, res: map[string]map[string]bool{}, resAll: map[string]bool{}, mods: map[string]map[string]bool{}, modAll: map[string]bool{}}
	vars := map[string]cty.Value{}
	needRes := func(key string, tr hcl.Traversal, attrAt int) {
		r := m.resources[key]
		if r == nil {
			return
		}
		i := attrAt
		if r.keyed() {
			i++ // skip the instance key
		}
		a, ok := attrName(tr, i)
		if !ok {
			n.resAll[key] = true
			return
		}
		if n.res[key] == nil {
			n.res[key] = map[string]bool{}
		}
		n.res[key][a] = true
	}
	for _, tr := range expr.Variables() {
		root := tr.RootName()
		if v, ok := s.iter[root]; ok {
			vars[root] = v
			continue
		}
		switch root {
		case "var":
			addNames(n.vars, tr, m.vars)
		case "local":
			addNames(n.locals, tr, m.locals)
		case "path":
			mod := relPath(m.l.root, m.dir)
			vars["path"] = cty.ObjectVal(map[string]cty.Value{
				"module": cty.StringVal(mod), "root": cty.StringVal("."), "cwd": cty.StringVal("."),
			})
		case "terraform":
			ws := cty.UnknownVal(cty.String)
			if m.l.opts.Workspace != "" {
				ws = cty.StringVal(m.l.opts.Workspace)
			} else {
				rg := tr.SourceRange()
				m.l.note(rg.Filename, fmt.Sprintf("%s: terraform.workspace is not known (no --workspace): every value built from it is unknown, taken at its worst", rangePos(rg)))
			}
			vars["terraform"] = cty.ObjectVal(map[string]cty.Value{"workspace": ws})
		case "count":
			idx := cty.UnknownVal(cty.Number)
			if mode, k := s.instance(); mode == expandCount && k.key != cty.NilVal {
				idx = k.key
			}
			vars["count"] = cty.ObjectVal(map[string]cty.Value{"index": idx})
		case "each":
			key, val := cty.DynamicVal, cty.DynamicVal
			if mode, k := s.instance(); mode == expandForEach && k.key != cty.NilVal {
				key, val = regional(k.key, k.regionKey), k.each
			}
			vars["each"] = cty.ObjectVal(map[string]cty.Value{"key": key, "value": val})
		case "self":
			vars["self"] = cty.DynamicVal
		case "data":
			typ, ok1 := attrName(tr, 1)
			name, ok2 := attrName(tr, 2)
			if !ok1 || !ok2 {
				continue
			}
			needRes("data."+typ+"."+name, tr, 3)
		case "module":
			call, ok := attrName(tr, 1)
			if !ok {
				continue
			}
			at := 2
			if m.callKeyed(call) {
				at++ // skip the instance key
			}
			if out, ok := attrName(tr, at); ok {
				if n.mods[call] == nil {
					n.mods[call] = map[string]bool{}
				}
				n.mods[call][out] = true
			} else {
				n.modAll[call] = true
			}
		default:
			name, ok := attrName(tr, 1)
			if !ok {
				continue
			}
			needRes(root+"."+name, tr, 2)
		}
	}
	// What the expression refers to is evaluated in the order of its
	// names, not a map's: evaluating it may load module instances, and
	// which of them the bound leaves out must not change from run to run.
	if len(n.vars) > 0 {
		obj := map[string]cty.Value{}
		for _, name := range slices.Sorted(maps.Keys(n.vars)) {
			obj[name] = m.varValue(name)
		}
		vars["var"] = cty.ObjectVal(obj)
	}
	if len(n.locals) > 0 {
		obj := map[string]cty.Value{}
		for _, name := range slices.Sorted(maps.Keys(n.locals)) {
			obj[name] = m.localValue(name)
		}
		vars["local"] = cty.ObjectVal(obj)
	}
	// Resources, grouped by type (and under "data" for data sources).
	keys := map[string]bool{}
	for k := range n.res {
		keys[k] = true
	}
	for k := range n.resAll {
		keys[k] = true
	}
	managed := map[string]map[string]cty.Value{}
	data := map[string]map[string]cty.Value{}
	for _, k := range slices.Sorted(maps.Keys(keys)) {
		r := m.resources[k]
		var attrs map[string]bool
		if !n.resAll[k] {
			attrs = n.res[k]
		}
		group := managed
		if r.data {
			group = data
		}
		if group[r.typ] == nil {
			group[r.typ] = map[string]cty.Value{}
		}
		group[r.typ][r.name] = r.value(attrs)
	}
	for typ, byName := range managed {
		if _, clash := vars[typ]; !clash {
			vars[typ] = cty.ObjectVal(byName)
		}
	}
	if len(data) > 0 {
		obj := map[string]cty.Value{}
		for typ, byName := range data {
			obj[typ] = cty.ObjectVal(byName)
		}
		vars["data"] = cty.ObjectVal(obj)
	}
	if len(n.mods) > 0 || len(n.modAll) > 0 {
		obj := map[string]cty.Value{}
		for _, call := range slices.Sorted(maps.Keys(n.mods)) {
			outs := n.mods[call]
			if n.modAll[call] {
				outs = nil
			}
			obj[call] = m.moduleValue(call, outs)
		}
		for _, call := range slices.Sorted(maps.Keys(n.modAll)) {
			obj[call] = m.moduleValue(call, nil)
		}
		vars["module"] = cty.ObjectVal(obj)
	}
	// What is referred to but not defined is unknown, not an error: the
	// rest of the expression may still be known.
	for _, tr := range expr.Variables() {
		root := tr.RootName()
		if _, ok := vars[root]; ok {
			continue
		}
		switch root {
		case "data", "module":
			if _, ok := vars[root]; !ok {
				vars[root] = cty.DynamicVal
			}
		default:
			vars[root] = cty.DynamicVal
		}
	}
	ctx := m.l.base.NewChild()
	ctx.Variables = vars
	if stubs := m.l.stubs(expr); len(stubs) > 0 {
		ctx.Functions = stubs
	}
	return ctx
}

// relPath returns target relative to base (both slash-separated, clean).
func relPath(base, target string) string {
	base, target = path.Clean(base), path.Clean(target)
	if base == target {
		return "."
	}
	if base == "." {
		return target
	}
	if strings.HasPrefix(target, base+"/") {
		return target[len(base)+1:]
	}
	up := strings.Count(base, "/") + 1
	return path.Join(strings.Repeat("../", up), target)
}

// varValue returns the value of input variable name: from -var, var files
// and terraform.tfvars (root module), the calling module block (child
// modules), or the default; unknown when there is none.
func (m *module) varValue(name string) cty.Value {
	v := m.vars[name]
	if v == nil {
		m.l.note(m.dir, fmt.Sprintf("var.%s is not declared in %s; read as unknown", name, m.dir))
		return cty.DynamicVal
	}
	return v.value.get(func() cty.Value {
		return m.l.bounded(m.computeVar(v), "var."+v.name, v.block.TypeRange)
	})
}

func (m *module) computeVar(v *variable) cty.Value {
	conv := func(val cty.Value) cty.Value {
		if v.typ == cty.DynamicPseudoType || val.IsNull() {
			return val
		}
		c, err := convert.Convert(val, v.typ)
		if err != nil {
			m.l.note(v.block.TypeRange.Filename, fmt.Sprintf("%s: the value of var.%s does not convert to its type: %v; read as unknown", rangePos(v.block.TypeRange), v.name, err))
			return cty.UnknownVal(v.typ)
		}
		return c
	}
	if m.call != nil {
		if a := m.call.block.Body.Attributes[v.name]; a != nil {
			sc := &scope{m: m.parent, call: m}
			v.from = valueSource{expr: a.Expr, sc: sc}
			return conv(sc.evalMarked(a.Expr))
		}
	} else if src, ok := m.l.rootVars[v.name]; ok {
		if src.unknownFrom != "" {
			// rootVarSources noted the file.
			return cty.UnknownVal(v.typ)
		}
		v.from = src
		if src.expr == nil {
			return m.cliVar(v, src.text)
		}
		sc := src.sc
		if sc == nil {
			sc = &scope{m: m}
			v.from.sc = sc
		}
		return conv(sc.evalMarked(src.expr))
	}
	if v.def != nil {
		sc := &scope{m: m}
		v.from = valueSource{expr: v.def.Expr, sc: sc}
		return conv(sc.evalMarked(v.def.Expr))
	}
	m.l.note(v.block.TypeRange.Filename, fmt.Sprintf("%s: var.%s has no value (no default, -var or .tfvars); it is unknown, and every policy element that uses it is taken at its worst", rangePos(v.block.TypeRange), v.name))
	return cty.UnknownVal(v.typ)
}

// cliVar reads a -var value: a string for string (and untyped) variables,
// an HCL expression for the others, as Terraform does.
func (m *module) cliVar(v *variable, text string) cty.Value {
	if v.typ == cty.DynamicPseudoType || v.typ == cty.String {
		return cty.StringVal(text)
	}
	if v.typ.IsPrimitiveType() {
		c, err := convert.Convert(cty.StringVal(text), v.typ)
		if err != nil {
			m.l.note("-var", fmt.Sprintf("-var %s=%q: %v; read as unknown", v.name, text, err))
			return cty.UnknownVal(v.typ)
		}
		return c
	}
	if err := checkSource([]byte(text), "-var "+v.name, syntaxHCL); err != nil {
		m.l.note("-var", fmt.Sprintf("-var %s: %v; read as unknown", v.name, err))
		return cty.UnknownVal(v.typ)
	}
	expr, diags := hclsyntax.ParseExpression([]byte(text), "-var "+v.name, hcl.InitialPos)
	if diags.HasErrors() {
		m.l.note("-var", fmt.Sprintf("-var %s: %s; read as unknown", v.name, diagError(diags)))
		return cty.UnknownVal(v.typ)
	}
	val, diags := expr.Value(nil)
	if diags.HasErrors() {
		return cty.UnknownVal(v.typ)
	}
	c, err := convert.Convert(val, v.typ)
	if err != nil {
		return cty.UnknownVal(v.typ)
	}
	return c
}

func (m *module) localValue(name string) cty.Value {
	lv := m.locals[name]
	if lv == nil {
		m.l.note(m.dir, fmt.Sprintf("local.%s is not defined in %s; read as unknown", name, m.dir))
		return cty.DynamicVal
	}
	return lv.value.get(func() cty.Value {
		return m.l.bounded((&scope{m: m}).evalMarked(lv.attr.Expr), "local."+name, lv.attr.NameRange)
	})
}

// moduleValue returns what a reference to a module call evaluates to: its
// outputs (only outs, or all when nil), and with count or for_each a tuple
// or an object of its instances' outputs, as Terraform gives them.
func (m *module) moduleValue(call string, outs map[string]bool) cty.Value {
	kids := m.children(call)
	c := m.calls[call]
	if c == nil || c.unknownKeys || c.cut || len(kids) == 0 && c.mode == expandNone {
		return cty.DynamicVal
	}
	return keyedValue(c.mode, kids, func(kid *module) (cty.Value, cty.Value) { return kid.inst.key, kid.outputValues(outs) })
}

// keyedValue is what a reference to a block with count or for_each (mode)
// evaluates to, as Terraform gives it: a tuple (count) or an object
// (for_each) of its instances' values, and without either its one
// instance's value. of returns an instance's key and value.
func keyedValue[T any](mode expansion, insts []T, of func(T) (key, val cty.Value)) cty.Value {
	switch mode {
	case expandCount:
		if len(insts) == 0 {
			return cty.EmptyTupleVal
		}
		vals := make([]cty.Value, len(insts))
		for i, in := range insts {
			_, vals[i] = of(in)
		}
		return cty.TupleVal(vals)
	case expandForEach:
		obj := map[string]cty.Value{}
		for _, in := range insts {
			k, v := of(in)
			obj[k.AsString()] = v
		}
		return cty.ObjectVal(obj)
	}
	_, v := of(insts[0])
	return v
}

// outputValues returns the module's outputs (only outs, or all when nil).
func (m *module) outputValues(outs map[string]bool) cty.Value {
	obj := map[string]cty.Value{}
	for _, name := range slices.Sorted(maps.Keys(m.outputs)) {
		a := m.outputs[name]
		if outs != nil && !outs[name] {
			continue
		}
		obj[name] = m.l.bounded((&scope{m: m}).evalMarked(a.Expr), m.prefix+"output."+name, a.NameRange)
	}
	for name := range outs {
		if _, ok := obj[name]; !ok {
			obj[name] = cty.DynamicVal
		}
	}
	return cty.ObjectVal(obj)
}

// callKeyed reports whether the instances of a module call are addressed
// with a key (count or for_each).
func (m *module) callKeyed(name string) bool {
	m.children(name)
	c := m.calls[name]
	return c != nil && c.mode != expandNone
}

// children loads (once) the instances of the module a call with a local
// source refers to: one, or one per element of its count or for_each.
func (m *module) children(name string) []*module {
	c := m.calls[name]
	if c == nil {
		return nil
	}
	if c.loaded {
		return c.children
	}
	c.loaded = true
	file := c.block.TypeRange.Filename
	where := rangePos(c.block.TypeRange)
	src := c.block.Body.Attributes["source"]
	if src == nil {
		m.l.note(file, fmt.Sprintf("%s: module %q has no source", where, name))
		return nil
	}
	sv, diags := src.Expr.Value(nil)
	if diags.HasErrors() || sv.Type() != cty.String || sv.IsNull() {
		m.l.note(file, fmt.Sprintf("%s: the source of module %q is not a literal string", where, name))
		return nil
	}
	c.source = sv.AsString()
	if !strings.HasPrefix(c.source, "./") && !strings.HasPrefix(c.source, "../") {
		m.l.gap(estate.Gap{Source: file, Pos: where, Code: estate.GapUnsupported, Message: fmt.Sprintf("module %q comes from %q, which is not a local path; its resources are not read and its outputs are unknown", name, c.source)})
		return nil
	}
	if m.depth+1 > maxModuleDepth {
		m.l.gap(estate.Gap{Source: file, Pos: where, Code: estate.GapTooComplex, Message: fmt.Sprintf("module %q nests more than %d modules deep (a module that calls itself?); not read", name, maxModuleDepth)})
		return nil
	}
	c.providers = map[string]string{}
	if a := c.block.Body.Attributes["providers"]; a != nil {
		if oc, ok := a.Expr.(*hclsyntax.ObjectConsExpr); ok {
			for _, item := range oc.Items {
				k, _ := hcl.AbsTraversalForExpr(item.KeyExpr)
				v, _ := hcl.AbsTraversalForExpr(item.ValueExpr)
				if len(k) > 0 && len(v) > 0 {
					c.providers[travName(k)] = travName(v)
				}
			}
		}
	}
	addr := m.prefix + "module." + name
	var keys []keyedInstance
	c.mode, keys, c.unknownKeys, c.cut = expandMeta(&scope{m: m}, c.block, addr)
	dir := path.Join(m.dir, c.source)
	copied := m.copy || c.mode != expandNone
	for _, k := range keys {
		if c.mode != expandNone {
			if m.l.moduleInstances++; m.l.moduleInstances > maxModuleInstances {
				m.l.gap(estate.Gap{Source: file, Pos: where, Code: estate.GapTooComplex, Message: fmt.Sprintf("the count and for_each of the scanned modules make more than %d module instances in all; %s and the instances after it are not read", maxModuleInstances, addr+indexKey(k.key))})
				c.cut = true
				break
			}
		}
		if copied && m.l.instanceBlocks > maxInstanceBlocks {
			m.l.gap(estate.Gap{Source: file, Pos: where, Code: estate.GapTooComplex, Message: fmt.Sprintf("the instances of modules called with count or for_each hold more than %d resource and data blocks in all; %s and the instances after it are not read", maxInstanceBlocks, addr+indexKey(k.key))})
			c.cut = true
			break
		}
		child, err := m.l.loadModule(dir, addr+indexKey(k.key)+".", m, c, k, m.depth+1)
		if err != nil {
			code := estate.GapParseError
			if _, ok := errors.AsType[*fs.PathError](err); ok {
				code = estate.GapReadError // its folder or a file could not be read
			}
			m.l.gap(estate.Gap{Source: file, Pos: where, Code: code, Message: fmt.Sprintf("module %q: %v", name, err)})
			c.cut = true
			return nil
		}
		if child.copy = copied; copied {
			m.l.instanceBlocks += len(child.order)
		}
		c.children = append(c.children, child)
		m.l.modules = append(m.l.modules, child)
	}
	return c.children
}

func travName(tr hcl.Traversal) string {
	s := tr.RootName()
	for _, st := range tr[1:] {
		if a, ok := st.(hcl.TraverseAttr); ok {
			s += "." + a.Name
		}
	}
	return s
}

// asString converts a known primitive to its string form.
func asString(v cty.Value) (string, bool) {
	if !v.IsKnown() || v.IsNull() {
		return "", false
	}
	if !v.Type().IsPrimitiveType() {
		return "", false
	}
	s, err := convert.Convert(v, cty.String)
	if err != nil || !s.IsKnown() || s.IsNull() {
		return "", false
	}
	return s.AsString(), true
}

// indexKey formats an instance key for an address: [0] or ["a"].
func indexKey(k cty.Value) string {
	if k == cty.NilVal {
		return ""
	}
	if !k.IsKnown() {
		return "[*]"
	}
	if k.Type() == cty.Number {
		bf := k.AsBigFloat()
		if i, acc := bf.Int64(); acc == 0 {
			return "[" + strconv.FormatInt(i, 10) + "]"
		}
		return "[" + bf.Text('f', -1) + "]"
	}
	if k.Type() == cty.String {
		return "[" + hclQuote(k.AsString()) + "]"
	}
	return "[?]"
}

// rootVarSources gathers the root module's variable values from
// terraform.tfvars, terraform.tfvars.json, *.auto.tfvars and
// *.auto.tfvars.json (in that order, the auto files by name),
// Options.VarFiles and Options.Vars, in Terraform's order of precedence
// (later wins).
//
// Another variable file in the root module's folder (prod.tfvars) is read
// by Terraform only when it is named with -var-file, as it may well be at
// deploy time: every variable it sets is unknown (unless Options.Vars sets
// it), taken at its worst, and a note names the file; unless
// Options.VarFiles names the files of the deployment, when the others are
// only noted.
func (l *loader) rootVarSources() (map[string]valueSource, error) {
	out := map[string]valueSource{}
	entries, err := fs.ReadDir(l.fsys, l.root)
	if err != nil {
		return nil, err
	}
	named := map[string]bool{}
	for _, f := range l.opts.VarFiles {
		named[l.varFilePath(f)] = true
	}
	var files, auto, other []string
	for _, e := range entries {
		n := e.Name()
		if e.IsDir() {
			continue
		}
		p := path.Join(l.root, n)
		switch {
		case n == "terraform.tfvars" || n == "terraform.tfvars.json":
			files = append(files, p)
		case strings.HasSuffix(n, ".auto.tfvars") || strings.HasSuffix(n, ".auto.tfvars.json"):
			auto = append(auto, p)
		case (strings.HasSuffix(n, ".tfvars") || strings.HasSuffix(n, ".tfvars.json")) && !named[p]:
			other = append(other, p)
		}
	}
	sort.Strings(files) // terraform.tfvars before terraform.tfvars.json
	sort.Strings(auto)
	sort.Strings(other)
	if len(l.opts.VarFiles) > 0 {
		// The user named the variable files of this deployment: the others
		// belong to other deployments.
		for _, f := range other {
			l.note(f, "not read: -var-file names the variable files of the deployment scanned, and this is not one of them")
		}
		other = nil
	}
	files = append(files, auto...)
	for _, f := range l.opts.VarFiles {
		files = append(files, l.varFilePath(f))
	}
	for _, f := range files {
		attrs, err := l.readVarFile(f)
		if err != nil {
			return nil, err
		}
		for name, a := range attrs {
			out[name] = valueSource{expr: a.Expr, pos: rangePos(a.Range)}
		}
	}
	for _, f := range other {
		attrs, err := l.readVarFile(f)
		if err != nil {
			var pe *policy.Error
			if !errors.As(err, &pe) {
				pe = &policy.Error{Pos: policy.Pos{File: f, Line: 1, Col: 1}, Msg: err.Error()}
			}
			l.gap(estate.Gap{Source: f, Pos: pe.Pos, Code: estate.GapParseError, Message: fmt.Sprintf("%s; Terraform reads this variable file with -var-file, and the variables it would set are not known", pe.Msg)})
			continue
		}
		var names []string
		for _, name := range slices.Sorted(maps.Keys(attrs)) {
			if _, cli := l.opts.Vars[name]; !cli {
				out[name] = valueSource{unknownFrom: f, pos: rangePos(attrs[name].Range)}
				names = append(names, name)
			}
		}
		if len(names) > 0 {
			l.note(f, fmt.Sprintf("Terraform reads this variable file only when it is named with -var-file; the variables it sets (%s) are read as unknown, and taken at their worst", strings.Join(names, ", ")))
		}
	}
	for _, name := range slices.Sorted(maps.Keys(l.opts.Vars)) {
		out[name] = valueSource{text: l.opts.Vars[name]}
	}
	return out, nil
}

// varFilePath finds a -var-file path: in the file system, else relative to
// the root module's directory.
func (l *loader) varFilePath(f string) string {
	name := path.Clean(f)
	if _, err := fs.Stat(l.fsys, name); err != nil {
		if alt := path.Join(l.root, f); alt != name {
			if _, err2 := fs.Stat(l.fsys, alt); err2 == nil {
				name = alt
			}
		}
	}
	return name
}

// readVarFile reads the attributes of a variable file: HCL, or JSON when
// its name ends in .json. A JSON file's values are literal, as Terraform
// reads them (a "${...}" in a string is text, not a reference).
func (l *loader) readVarFile(f string) (hcl.Attributes, error) {
	data, err := l.readSource(f)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("%s: no such variable file in the scanned folders or the root module's folder (ecrguard reads a --var-file from there, not from elsewhere on disk: scan a folder that holds it, or copy it next to the module)", f)
	}
	if err != nil {
		return nil, fmt.Errorf("%s: reading the variable file: %w", f, err)
	}
	var hf *hcl.File
	var diags hcl.Diagnostics
	isJSON := strings.HasSuffix(f, ".json")
	kind := syntaxHCL
	if isJSON {
		kind = syntaxJSON
	}
	if err := checkSource(data, f, kind); err != nil {
		return nil, err
	}
	if isJSON {
		hf, diags = hcljson.Parse(data, f)
	} else {
		hf, diags = hclsyntax.ParseConfig(data, f, hcl.InitialPos)
	}
	if diags.HasErrors() {
		return nil, diagError(diags)
	}
	l.src[f] = data
	attrs, diags := hf.Body.JustAttributes()
	if diags.HasErrors() {
		return nil, diagError(diags)
	}
	if isJSON {
		for _, a := range attrs {
			v, diags := a.Expr.Value(nil)
			if diags.HasErrors() {
				return nil, diagError(diags)
			}
			a.Expr = hcl.StaticExpr(v, a.Expr.Range())
		}
	}
	return attrs, nil
}
