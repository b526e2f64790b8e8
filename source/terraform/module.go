package terraform

import (
	"errors"
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/ext/typeexpr"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"

	"github.com/ecrguard/ecrguard/estate"
	"github.com/ecrguard/ecrguard/policy"
)

// maxModuleDepth bounds nested child modules (and catches a module that
// calls itself).
const maxModuleDepth = 16

// module is one Terraform module: the .tf files of one directory.
type module struct {
	l      *loader
	dir    string
	prefix string // address prefix: "" or "module.a.module.b."
	parent *module
	call   *moduleCall // the parent's call of this module, nil for the root
	// inst is this module's instance of a call with count or for_each
	// (count.index, each.key and each.value in the call's arguments).
	inst keyedInstance
	// copy: the module is read once per instance of a call with count or
	// for_each, this module's or one above it.
	copy  bool
	depth int

	vars      map[string]*variable
	locals    map[string]*local
	resources map[string]*resource // "aws_ecr_repository.app", "data.aws_iam_policy_document.x"
	order     []*resource          // in address order
	calls     map[string]*moduleCall
	outputs   map[string]*hclsyntax.Attribute
	providers map[string]*provider // "aws" or "aws.alias"
}

type variable struct {
	name  string
	block *hclsyntax.Block
	def   *hclsyntax.Attribute
	typ   cty.Type
	value lazy
	// from says where the value came from, for positions of policies held
	// in variables.
	from valueSource
}

// valueSource is an expression that gave a variable its value, and the
// scope to evaluate it in.
type valueSource struct {
	expr hcl.Expression
	sc   *scope
	// text is a command-line value (-var), which has no expression.
	text string
	pos  policy.Pos
	// unknownFrom is a variable file Terraform reads only with -var-file
	// that sets the variable: its value is unknown.
	unknownFrom string
}

type local struct {
	attr  *hclsyntax.Attribute
	value lazy
}

// lazy is a value computed on first use and then kept. A value that needs
// itself (a cycle) reads as unknown while it is being computed.
type lazy struct {
	state evalState
	val   cty.Value
}

type evalState uint8

const (
	unevaluated evalState = iota
	evaluating
	evaluated
)

// get returns the value, computing it the first time.
func (z *lazy) get(compute func() cty.Value) cty.Value {
	switch z.state {
	case evaluating:
		return cty.DynamicVal
	case evaluated:
		return z.val
	}
	z.state = evaluating
	z.val = compute()
	z.state = evaluated
	return z.val
}

type moduleCall struct {
	name   string
	block  *hclsyntax.Block
	source string
	// mode is the call's count or for_each; children are its instances
	// (one without either, and one with an unknown key standing for all
	// when unknownKeys).
	mode        expansion
	unknownKeys bool
	// cut: not every instance was read (past the bounds, or the folder
	// could not be read; a gap says so), so module.NAME is not known.
	cut      bool
	children []*module
	loaded   bool
	// providers maps the child's provider names to the parent's.
	providers map[string]string
}

type provider struct {
	name      string // "aws" or "aws.west"
	block     *hclsyntax.Block
	region    string
	regionSet bool
	defTags   map[string]string
	tagsKnown bool
	resolved  bool
}

// loadModule reads the .tf files of dir.
func (l *loader) loadModule(dir, prefix string, parent *module, call *moduleCall, inst keyedInstance, depth int) (*module, error) {
	m := &module{
		l: l, dir: dir, prefix: prefix, parent: parent, call: call, inst: inst, depth: depth,
		vars: map[string]*variable{}, locals: map[string]*local{},
		resources: map[string]*resource{}, calls: map[string]*moduleCall{},
		outputs: map[string]*hclsyntax.Attribute{}, providers: map[string]*provider{},
	}
	entries, err := fs.ReadDir(l.fsys, dir)
	if err != nil {
		return nil, fmt.Errorf("%s: reading the module: %w", dir, err)
	}
	var names []string
	for _, e := range entries {
		n := e.Name()
		switch {
		case e.IsDir():
		case isConfigFile(n):
			if base := strings.TrimSuffix(strings.TrimSuffix(n, ".json"), ".tf"); strings.HasSuffix(base, "_override") || base == "override" {
				l.note(path.Join(dir, n), "override files are read as ordinary files, not merged into the blocks they override")
			}
			names = append(names, n)
		}
	}
	sort.Strings(names)
	for _, n := range names {
		file := path.Join(dir, n)
		body := l.bodies[file]
		if body == nil {
			data, err := l.readSource(file)
			if err != nil {
				return nil, fmt.Errorf("%s: %w", file, err)
			}
			if body, err = l.parseFile(file, data); err != nil {
				return nil, moduleNotRead(err, dir, file, names)
			}
		}
		for _, b := range body.Blocks {
			if err := m.parseBlock(file, b); err != nil {
				return nil, moduleNotRead(err, dir, file, names)
			}
		}
	}
	sort.Slice(m.order, func(i, j int) bool { return m.order[i].key < m.order[j].key })
	return m, nil
}

// moduleNotRead adds to err, the error of file, that Terraform reads the
// files of a module together: none of the module's files in dir is read
// (a user saw only the broken file named and took main.tf as assessed).
func moduleNotRead(err error, dir, file string, names []string) error {
	others := len(names) - 1
	if others == 0 {
		return err
	}
	what := fmt.Sprintf("; Terraform reads a module's files together, so nothing in %s is assessed (%s beside this one)", dir, plural(others, "file"))
	var pe *policy.Error
	if errors.As(err, &pe) {
		c := *pe
		c.Msg = strings.TrimSuffix(c.Msg, ".") + what
		return &c
	}
	return fmt.Errorf("%w%s", err, what)
}

// plural is "1 thing" or "n things".
func plural(n int, thing string) string {
	if n == 1 {
		return "1 " + thing
	}
	return fmt.Sprintf("%d %ss", n, thing)
}

// diagError turns HCL diagnostics into an error naming file:line:col.
func diagError(diags hcl.Diagnostics) error {
	for _, d := range diags {
		if d.Severity != hcl.DiagError {
			continue
		}
		msg := d.Summary
		if d.Detail != "" {
			msg += ": " + d.Detail
		}
		if d.Subject != nil {
			return &policy.Error{Pos: rangePos(*d.Subject), Msg: msg}
		}
		return fmt.Errorf("%s", msg)
	}
	return nil
}

// parseFile parses a module's file, once: the instances of a module called
// with count or for_each, and the calls of one folder, share its syntax
// (l.bodies), which evaluation does not change, and its inline ignores.
func (l *loader) parseFile(file string, data []byte) (*hclsyntax.Body, error) {
	body, err := parseConfig(data, file)
	if err != nil {
		return nil, err
	}
	if !strings.HasSuffix(file, ".tf.json") {
		l.est.Ignores = append(l.est.Ignores, inlineIgnores(data, file)...)
	}
	l.src[file] = data
	l.markChoices(body)
	var first *hclsyntax.Attribute
	for _, a := range body.Attributes {
		if first == nil || a.NameRange.Start.Byte < first.NameRange.Start.Byte {
			first = a
		}
	}
	if first != nil {
		return nil, &policy.Error{Pos: posOf(first.NameRange.Start, file), Msg: fmt.Sprintf("unexpected argument %q at the top level of a Terraform file; expected blocks such as resource, data, variable, locals", first.Name)}
	}
	l.bodies[file] = body
	return body, nil
}

// parseConfig parses a configuration file: native syntax (.tf) or JSON
// (.tf.json).
func parseConfig(data []byte, file string) (*hclsyntax.Body, error) {
	if strings.HasSuffix(file, ".tf.json") {
		return parseJSONConfig(data, file)
	}
	if err := checkSource(data, file, syntaxHCL); err != nil {
		return nil, err
	}
	f, diags := hclsyntax.ParseConfig(data, file, hcl.InitialPos)
	if diags.HasErrors() {
		return nil, diagError(diags)
	}
	body, ok := f.Body.(*hclsyntax.Body)
	if !ok {
		return nil, fmt.Errorf("%s: expected native HCL syntax", file)
	}
	return body, nil
}

func posOf(p hcl.Pos, file string) policy.Pos {
	return policy.Pos{File: file, Line: p.Line, Col: p.Column}
}

func rangePos(r hcl.Range) policy.Pos {
	return policy.Pos{File: r.Filename, Line: r.Start.Line, Col: r.Start.Column}
}

func labels(b *hclsyntax.Block, n int) error {
	if len(b.Labels) != n {
		return &policy.Error{Pos: rangePos(b.TypeRange), Msg: fmt.Sprintf("a %s block takes %d label(s), got %d", b.Type, n, len(b.Labels))}
	}
	return nil
}

func (m *module) parseBlock(file string, b *hclsyntax.Block) error {
	switch b.Type {
	case "variable":
		if err := labels(b, 1); err != nil {
			return err
		}
		v := &variable{name: b.Labels[0], block: b, typ: cty.DynamicPseudoType}
		if a := b.Body.Attributes["default"]; a != nil {
			v.def = a
		}
		if a := b.Body.Attributes["type"]; a != nil {
			if t, diags := typeexpr.TypeConstraint(a.Expr); !diags.HasErrors() {
				v.typ = t
			}
		}
		if _, dup := m.vars[v.name]; dup {
			m.l.note(file, fmt.Sprintf("%s: variable %q is declared twice; the first declaration is used", rangePos(b.TypeRange), v.name))
			return nil
		}
		m.vars[v.name] = v
	case "locals":
		for name, a := range b.Body.Attributes {
			if _, dup := m.locals[name]; dup {
				m.l.note(file, fmt.Sprintf("%s: local value %q is defined twice; the first definition is used", rangePos(a.NameRange), name))
				continue
			}
			m.locals[name] = &local{attr: a}
		}
	case "resource", "data":
		if err := labels(b, 2); err != nil {
			return err
		}
		r := &resource{m: m, data: b.Type == "data", typ: b.Labels[0], name: b.Labels[1], block: b}
		r.key = r.typ + "." + r.name
		if r.data {
			r.key = "data." + r.key
		}
		if _, dup := m.resources[r.key]; dup {
			m.l.note(file, fmt.Sprintf("%s: %s is defined twice; the first definition is used", rangePos(b.TypeRange), m.prefix+r.key))
			return nil
		}
		m.resources[r.key] = r
		m.order = append(m.order, r)
	case "module":
		if err := labels(b, 1); err != nil {
			return err
		}
		c := &moduleCall{name: b.Labels[0], block: b}
		if _, dup := m.calls[c.name]; dup {
			m.l.note(file, fmt.Sprintf("%s: module %q is called twice; the first call is used", rangePos(b.TypeRange), c.name))
			return nil
		}
		m.calls[c.name] = c
	case "output":
		if err := labels(b, 1); err != nil {
			return err
		}
		if a := b.Body.Attributes["value"]; a != nil {
			m.outputs[b.Labels[0]] = a
		}
	case "provider":
		if err := labels(b, 1); err != nil {
			return err
		}
		name := b.Labels[0]
		if a := b.Body.Attributes["alias"]; a != nil {
			if kw := hcl.ExprAsKeyword(a.Expr); kw != "" {
				name += "." + kw
			} else if v, diags := a.Expr.Value(nil); !diags.HasErrors() && v.Type() == cty.String && v.IsKnown() && !v.IsNull() {
				name += "." + v.AsString()
			}
		}
		m.providers[name] = &provider{name: name, block: b}
	}
	// terraform, moved, import, check, removed and other blocks do not
	// describe resources or their policies.
	return nil
}

// srcText returns the source text of r, shortened for messages.
func (m *module) srcText(r hcl.Range) string { return m.l.srcText(r) }

// srcText is the source text at r, on one line, cut at 120 characters.
func (l *loader) srcText(r hcl.Range) string {
	data := l.src[r.Filename]
	if data == nil || r.Start.Byte < 0 || r.End.Byte > len(data) || r.Start.Byte > r.End.Byte {
		return "(expression)"
	}
	s := strings.Join(strings.Fields(string(data[r.Start.Byte:r.End.Byte])), " ")
	if len(s) > 120 {
		s = s[:117] + "..."
	}
	return s
}

// exprText is the source text of an expression, with the quotes of a
// template removed: `"arn:aws:iam::${var.a}:root"` reads as
// arn:aws:iam::${var.a}:root.
func (m *module) exprText(e hcl.Expression) string {
	s := m.srcText(e.Range())
	if len(s) >= 2 && s[0] == '"' && s[len(s)-1] == '"' {
		return s[1 : len(s)-1]
	}
	return s
}

// providerFor returns the provider configuration of a resource block (its
// provider meta-argument, or the default aws provider), following the
// module's providers mapping to its parent.
func (m *module) providerFor(b *hclsyntax.Block) *provider {
	name := "aws"
	if b != nil {
		if a := b.Body.Attributes["provider"]; a != nil {
			if tr, diags := hcl.AbsTraversalForExpr(a.Expr); !diags.HasErrors() && len(tr) >= 1 {
				name = tr.RootName()
				if len(tr) >= 2 {
					if at, ok := tr[1].(hcl.TraverseAttr); ok {
						name += "." + at.Name
					}
				}
			}
		}
	}
	return m.provider(name, 0)
}

func (m *module) provider(name string, depth int) *provider {
	if p := m.providers[name]; p != nil {
		m.resolveProvider(p)
		return p
	}
	if m.parent == nil || depth > maxModuleDepth {
		return nil
	}
	parentName := name
	if m.call != nil {
		if pn, ok := m.call.providers[name]; ok {
			parentName = pn
		} else if strings.Contains(name, ".") {
			return nil
		}
	}
	return m.parent.provider(parentName, depth+1)
}

func (m *module) resolveProvider(p *provider) {
	if p.resolved {
		return
	}
	p.resolved = true
	sc := &scope{m: m}
	if a := p.block.Body.Attributes["region"]; a != nil {
		v := sc.eval(a.Expr)
		if v.IsKnown() && !v.IsNull() && v.Type() == cty.String {
			p.region, p.regionSet = v.AsString(), true
		} else {
			m.l.note(p.block.TypeRange.Filename, fmt.Sprintf("%s: the region of provider %s (%s) is not known; resources it manages are read in region %s", rangePos(a.NameRange), p.name, m.exprText(a.Expr), m.l.region))
		}
	}
	p.tagsKnown = true
	for _, db := range p.block.Body.Blocks {
		if db.Type != "default_tags" {
			continue
		}
		if a := db.Body.Attributes["tags"]; a != nil {
			tags, ok := stringMap(sc.eval(a.Expr))
			p.defTags, p.tagsKnown = tags, ok
		}
	}
}

// regionOf is the region a resource block's provider deploys to, and
// whether it is only assumed: neither the provider nor --region names it.
func (m *module) regionOf(b *hclsyntax.Block) (string, bool) {
	if p := m.providerFor(b); p != nil && p.regionSet {
		return p.region, false
	}
	return m.l.region, m.l.opts.Region == ""
}

// stringMap converts a known map or object of strings.
func stringMap(v cty.Value) (map[string]string, bool) {
	if v.IsNull() {
		return nil, true
	}
	if !v.IsWhollyKnown() || !(v.Type().IsMapType() || v.Type().IsObjectType()) {
		return nil, false
	}
	out := map[string]string{}
	for it := v.ElementIterator(); it.Next(); {
		k, e := it.Element()
		s, ok := asString(e)
		if !ok {
			return nil, false
		}
		out[k.AsString()] = s
	}
	return out, true
}

// accountRegion returns the default region of the whole load.
func defaultRegion(opts Options) string {
	if opts.Region != "" {
		return opts.Region
	}
	return estate.DefaultRegion
}
