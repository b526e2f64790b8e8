package terraform

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"slices"
	"sort"
	"strconv"
	"strings"

	tfjson "github.com/hashicorp/terraform-json"

	"github.com/ecrguard/ecrguard/estate"
	"github.com/ecrguard/ecrguard/internal/iacdoc"
	"github.com/ecrguard/ecrguard/internal/jsonpos"
	"github.com/ecrguard/ecrguard/policy"
)

// IsPlanJSON reports whether data is a Terraform plan in JSON
// (`terraform show -json plan.out`): an object with format_version and
// planned_values or resource_changes.
func IsPlanJSON(data []byte) bool {
	data = bytes.TrimSpace(data)
	if len(data) == 0 || data[0] != '{' {
		return false
	}
	var probe struct {
		FormatVersion   *string         `json:"format_version"`
		PlannedValues   json.RawMessage `json:"planned_values"`
		ResourceChanges json.RawMessage `json:"resource_changes"`
	}
	if err := json.Unmarshal(data, &probe); err != nil {
		return false
	}
	return probe.FormatVersion != nil && (probe.PlannedValues != nil || probe.ResourceChanges != nil)
}

// LoadPlan reads a Terraform plan in JSON (`terraform show -json
// plan.out`) from data, read from file. Resources come from planned_values;
// values the plan marks unknown (resource_changes[].change.after_unknown)
// stay unknown. Positions point into the plan file (the resource object,
// and within policies the JSON of each element); each policy's Name is its
// resource's address. Input that is not a plan is an error naming
// file:line:column.
func LoadPlan(data []byte, file string, opts Options) (est *estate.Estate, err error) {
	root, err := jsonpos.Parse(data)
	if err != nil {
		if se, ok := err.(*jsonpos.SyntaxError); ok {
			return nil, &policy.Error{Pos: policy.Pos{File: file, Line: se.Line, Col: se.Col}, Msg: se.Msg}
		}
		return nil, fmt.Errorf("%s: %w", file, err)
	}
	if root.Kind != jsonpos.Object {
		return nil, &policy.Error{Pos: policy.Pos{File: file, Line: 1, Col: 1}, Msg: fmt.Sprintf("expected a Terraform plan (a JSON object), got %s", root.Kind)}
	}
	var plan tfjson.Plan
	if err := json.Unmarshal(data, &plan); err != nil {
		var te *json.UnmarshalTypeError
		if errors.As(err, &te) {
			// The offset is just past the value of the wrong type.
			pos := policy.FileLocator(data, file)(max(0, int(te.Offset)-1))
			return nil, &policy.Error{Pos: pos, Msg: fmt.Sprintf("not a Terraform plan: %s is %s, expected %s", te.Field, te.Value, te.Type)}
		}
		return nil, fmt.Errorf("%s: not a Terraform plan: %w", file, err)
	}
	est = estate.New()
	defer func() {
		if r := recover(); r != nil {
			est.AddGap(estate.Gap{Source: file, Code: estate.GapInternalError, Message: fmt.Sprintf("reading the plan failed: %v", r)})
			err = nil
		}
	}()
	pl := &planLoader{
		data: data, file: file, opts: opts, plan: &plan, est: est,
		noted: map[string]bool{}, refs: map[string]map[string][]string{}, providerKey: map[string]string{}, regionData: map[string][]string{},
	}
	pl.account = opts.Account
	if pl.account == "" {
		pl.account = pl.accountFromState()
	}
	if pl.account == "" {
		pl.account = policy.OwnerAccount
	}
	if plan.Config != nil && plan.Config.RootModule != nil {
		pl.indexConfig(plan.Config.RootModule, "")
	}
	unknown := map[string]any{}
	for _, rc := range plan.ResourceChanges {
		if rc != nil && rc.Change != nil {
			unknown[rc.Address] = rc.Change.AfterUnknown
		}
	}
	pl.values = map[string]*tfjson.StateResource{}
	if plan.PlannedValues != nil {
		pl.indexValues(plan.PlannedValues.RootModule)
	}
	var rs []rsrc
	pv := root.Get("planned_values")
	if pv != nil {
		pl.collect(pv.Get("root_module"), unknown, &rs)
	} else {
		pl.note(file, "the plan has no planned_values; nothing to read")
	}
	b := newBuilder(est, pl.account, func(g estate.Gap) { est.AddGap(g) }, pl.note)
	b.build(rs)
	sortFindings(est)
	return est, nil
}

type planLoader struct {
	data    []byte
	file    string
	opts    Options
	plan    *tfjson.Plan
	est     *estate.Estate
	account string
	noted   map[string]bool
	// refs maps a resource address (without instance key) to the
	// references of each of its arguments, from the configuration.
	refs map[string]map[string][]string
	// providerKey maps a resource address to its provider configuration.
	providerKey map[string]string
	// regionData maps a provider configuration key to the addresses of
	// the data.aws_region sources read through it.
	regionData map[string][]string
	// instances lists the instances of each resource address.
	instances map[string][]string
	// values are the planned resources, by address.
	values map[string]*tfjson.StateResource
}

// note records an informational message once.
func (pl *planLoader) note(source, msg string) { addNoteOnce(pl.est, pl.noted, source, msg) }

func (pl *planLoader) loc(off int) policy.Pos {
	return policy.FileLocator(pl.data, pl.file)(off)
}

// accountFromState finds the account in the plan's prior state
// (data.aws_caller_identity, read at plan time).
func (pl *planLoader) accountFromState() string {
	ids := pl.stateData("account_id", func(r *tfjson.StateResource) bool { return r.Type == "aws_caller_identity" })
	if len(ids) == 0 {
		return ""
	}
	return ids[0]
}

// regionFromState finds the region of provider configuration key in the
// plan's prior state: the one the data.aws_region sources read through it
// at plan time name, when they agree.
func (pl *planLoader) regionFromState(key string) string {
	addrs := pl.regionData[key]
	of := func(r *tfjson.StateResource) bool {
		return slices.ContainsFunc(addrs, func(a string) bool { return r.Address == a || strings.HasPrefix(r.Address, a+"[") })
	}
	regions := pl.stateData("region", of)
	if len(regions) == 0 {
		regions = pl.stateData("name", of) // AWS provider before 6.0
	}
	if len(regions) == 0 || slices.ContainsFunc(regions, func(r string) bool { return r != regions[0] }) {
		return ""
	}
	return regions[0]
}

// stateData returns the string attribute attr of the data sources of the
// plan's prior state that match, in the order of the state.
func (pl *planLoader) stateData(attr string, match func(*tfjson.StateResource) bool) []string {
	ps := pl.plan.PriorState
	if ps == nil || ps.Values == nil {
		return nil
	}
	var out []string
	var walk func(m *tfjson.StateModule)
	walk = func(m *tfjson.StateModule) {
		if m == nil {
			return
		}
		for _, r := range m.Resources {
			if r == nil || r.Mode != tfjson.DataResourceMode || !match(r) {
				continue
			}
			if s, ok := r.AttributeValues[attr].(string); ok && s != "" {
				out = append(out, s)
			}
		}
		for _, c := range m.ChildModules {
			walk(c)
		}
	}
	walk(ps.Values.RootModule)
	return out
}

func (pl *planLoader) indexConfig(m *tfjson.ConfigModule, prefix string) {
	for _, r := range m.Resources {
		if r != nil && r.Mode == tfjson.DataResourceMode && r.Type == "aws_region" {
			pl.regionData[r.ProviderConfigKey] = append(pl.regionData[r.ProviderConfigKey], prefix+r.Address)
		}
		if r == nil || r.Mode != tfjson.ManagedResourceMode {
			continue
		}
		addr := prefix + r.Address
		refs := map[string][]string{}
		for attr, e := range r.Expressions {
			if e != nil && e.ExpressionData != nil {
				refs[attr] = e.References
			}
		}
		pl.refs[addr] = refs
		pl.providerKey[addr] = r.ProviderConfigKey
	}
	for _, name := range slices.Sorted(maps.Keys(m.ModuleCalls)) {
		if c := m.ModuleCalls[name]; c != nil && c.Module != nil {
			pl.indexConfig(c.Module, prefix+"module."+name+".")
		}
	}
}

func (pl *planLoader) indexValues(m *tfjson.StateModule) {
	if m == nil {
		return
	}
	for _, r := range m.Resources {
		if r != nil {
			pl.values[r.Address] = r
		}
	}
	for _, c := range m.ChildModules {
		pl.indexValues(c)
	}
}

// region returns the region of a resource's provider configuration, when
// the plan's configuration says it, or the data.aws_region sources read
// through it at plan time do (a region from AWS_REGION, say).
func (pl *planLoader) region(addr string) string {
	base := addr
	if i := strings.IndexByte(base, '['); i >= 0 {
		base = base[:i]
	}
	key := pl.providerKey[base]
	if pl.plan.Config != nil {
		if key == "" {
			key = "aws"
		}
		// Keys of child modules look like "module.x:aws".
		for _, k := range []string{key, key[strings.LastIndexByte(key, ':')+1:]} {
			if pc := pl.plan.Config.ProviderConfigs[k]; pc != nil {
				if e := pc.Expressions["region"]; e != nil && e.ExpressionData != nil {
					if s, ok := e.ConstantValue.(string); ok && s != "" {
						return s
					}
					if len(e.References) > 0 && strings.HasPrefix(e.References[0], "var.") {
						if v := pl.plan.Variables[strings.TrimPrefix(e.References[0], "var.")]; v != nil {
							if s, ok := v.Value.(string); ok && s != "" {
								return s
							}
						}
					}
				}
				if r := pl.regionFromState(k); r != "" {
					return r
				}
				break
			}
		}
	}
	return defaultRegion(pl.opts)
}

// collect gathers the managed resources of a planned_values module.
func (pl *planLoader) collect(m *jsonpos.Node, unknown map[string]any, out *[]rsrc) {
	if m == nil || m.Kind != jsonpos.Object {
		return
	}
	if pl.instances == nil {
		pl.instances = map[string][]string{}
	}
	if rs := m.Get("resources"); rs != nil && rs.Kind == jsonpos.Array {
		for _, rn := range rs.Elems {
			if rn.Kind != jsonpos.Object {
				continue
			}
			addr, typ, mode := str(rn.Get("address")), str(rn.Get("type")), str(rn.Get("mode"))
			if mode != "managed" || addr == "" {
				continue
			}
			base := addr
			if i := strings.IndexByte(base, '['); i >= 0 {
				base = base[:i]
			}
			pl.instances[base] = append(pl.instances[base], addr)
			vals := rn.Get("values")
			var vm map[string]any
			if sr := pl.values[addr]; sr != nil {
				vm = sr.AttributeValues
			}
			obj := &planObject{pl: pl, addr: addr, base: base, node: rn, vals: vals, values: vm, unknown: asMap(unknown[addr])}
			*out = append(*out, rsrc{addr: addr, typ: typ, region: pl.region(addr), obj: obj})
		}
	}
	if cms := m.Get("child_modules"); cms != nil && cms.Kind == jsonpos.Array {
		for _, c := range cms.Elems {
			pl.collect(c, unknown, out)
		}
	}
}

func str(n *jsonpos.Node) string {
	if n == nil || n.Kind != jsonpos.String {
		return ""
	}
	return n.Text
}

func asMap(v any) map[string]any {
	m, _ := v.(map[string]any)
	return m
}

// planObject reads a resource instance (or nested block) of a plan.
type planObject struct {
	pl      *planLoader
	addr    string
	base    string // address without instance key
	node    *jsonpos.Node
	vals    *jsonpos.Node // the values object (or the block object)
	values  map[string]any
	unknown map[string]any
	// nested is set for a nested block.
	nested bool
}

// isUnknown reports whether an argument is not known until apply. An
// unknown argument the configuration does not set is one the provider
// computes (aws_iam_role's managed_policy_arns reflects attachments made by
// other resources, a generated name): it reads as absent.
func (o *planObject) isUnknown(name string) bool {
	b, _ := o.unknown[name].(bool)
	return b && o.configured(name)
}

// configured reports whether the configuration sets an argument of a
// resource (nested blocks are taken as set).
func (o *planObject) configured(name string) bool {
	if o.nested || o.pl.plan.Config == nil {
		return true
	}
	refs, ok := o.pl.refs[o.base]
	if !ok {
		return true
	}
	_, set := refs[name]
	return set
}

// desc describes an unknown argument: its address, and the references
// of the configuration it is computed from, so that a reader of the report
// knows which value to look at.
func (o *planObject) desc(name string) string {
	s := o.addr + "." + name + " (known after apply"
	if !o.nested {
		// References list a.b.c and its prefixes a.b: name the longest.
		refs := o.pl.refs[o.base][name]
		var from []string
		for _, r := range refs {
			covered := false
			for _, q := range refs {
				if q != r && strings.HasPrefix(q, r+".") {
					covered = true
				}
			}
			if !covered && !slices.Contains(from, r) {
				from = append(from, r)
			}
		}
		if len(from) > 0 {
			sort.Strings(from)
			s += ", computed from " + strings.Join(from, ", ")
		}
	}
	return s + ")"
}

func scalar(v any) (string, bool) {
	switch x := v.(type) {
	case string:
		return x, true
	case bool:
		return strconv.FormatBool(x), true
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64), true
	case json.Number:
		return x.String(), true
	}
	return "", false
}

func (o *planObject) str(name string) sval {
	out := sval{pos: o.attrPos(name)}
	if b, _ := o.unknown[name].(bool); b && !o.configured(name) {
		return out
	}
	if o.isUnknown(name) {
		out.set, out.text = true, o.desc(name)
		return out
	}
	v, ok := o.values[name]
	if !ok || v == nil {
		return out
	}
	s, ok := scalar(v)
	return out.setTo(name, s, ok)
}

func (o *planObject) strs(name string) []sval {
	pos := o.attrPos(name)
	if o.isUnknown(name) {
		return []sval{{text: o.desc(name), set: true, pos: pos}}
	}
	list, _ := o.values[name].([]any)
	unk, _ := o.unknown[name].([]any)
	var out []sval
	for i, e := range list {
		if i < len(unk) {
			if b, _ := unk[i].(bool); b {
				out = append(out, sval{text: fmt.Sprintf("%s[%d] (known after apply)", o.addr+"."+name, i), set: true, pos: pos})
				continue
			}
		}
		if s, ok := scalar(e); ok {
			out = append(out, sval{text: s, known: true, set: true, pos: pos})
		}
	}
	return out
}

func (o *planObject) strMap(name string) (map[string]string, bool) {
	if o.isUnknown(name) {
		return nil, false
	}
	if um, ok := o.unknown[name].(map[string]any); ok {
		for _, u := range um {
			if b, _ := u.(bool); b {
				return nil, false
			}
		}
	}
	v, ok := o.values[name]
	if !ok || v == nil {
		return nil, true
	}
	m, ok := v.(map[string]any)
	if !ok {
		return nil, false
	}
	out := make(map[string]string, len(m))
	for k, e := range m {
		s, ok := scalar(e)
		if !ok {
			return nil, false
		}
		out[k] = s
	}
	return out, true
}

// insert is nil: a plan holds values, not the text they are written in.
func (o *planObject) insert(string) *estate.StatementInsert { return nil }

func (o *planObject) doc(name string) (*iacdoc.Value, error) {
	if o.isUnknown(name) {
		return iacdoc.Unk(o.desc(name), o.attrPos(name)), nil
	}
	n := o.vals.Get(name)
	if n == nil || n.Kind == jsonpos.Null {
		return nil, nil
	}
	if n.Kind != jsonpos.String {
		return nil, &policy.Error{Pos: o.pl.loc(n.Off), Msg: fmt.Sprintf("%s: expected a policy document as a JSON string, got %s", name, n.Kind)}
	}
	if strings.TrimSpace(n.Text) == "" {
		return nil, nil
	}
	return iacdoc.ParseEmbedded(o.pl.data, n.Off, o.pl.file)
}

func (o *planObject) blocks(name string) ([]object, bool) {
	if o.isUnknown(name) {
		return nil, false
	}
	n := o.vals.Get(name)
	if n == nil || n.Kind != jsonpos.Array {
		return nil, true
	}
	list, _ := o.values[name].([]any)
	unk, _ := o.unknown[name].([]any)
	var out []object
	for i, e := range n.Elems {
		if e.Kind != jsonpos.Object || i >= len(list) {
			continue
		}
		vm, _ := list[i].(map[string]any)
		var um map[string]any
		if i < len(unk) {
			if b, _ := unk[i].(bool); b {
				return nil, false
			}
			um = asMap(unk[i])
		}
		out = append(out, &planObject{pl: o.pl, addr: fmt.Sprintf("%s.%s[%d]", o.addr, name, i), base: o.base, node: e, vals: e, values: vm, unknown: um, nested: true})
	}
	return out, true
}

func (o *planObject) pos() policy.Pos { return o.pl.loc(o.node.Off) }

func (o *planObject) attrPos(name string) policy.Pos {
	if o.vals != nil && o.vals.Kind == jsonpos.Object {
		for _, m := range o.vals.Members {
			if m.Key == name {
				return o.pl.loc(m.KeyOff)
			}
		}
	}
	return o.pos()
}

// ref returns the resource instance an argument refers to, from the
// configuration's references: the single instance of the first resource
// named.
func (o *planObject) ref(name string) string {
	refs := o.pl.refs[o.base][name]
	prefix := ""
	if i := strings.LastIndex(o.base, "module."); i >= 0 {
		if j := strings.IndexByte(o.base[i+len("module."):], '.'); j >= 0 {
			prefix = o.base[:i+len("module.")+j+1]
		}
	}
	cands := []string{}
	for _, r := range refs {
		parts := strings.Split(r, ".")
		if len(parts) < 2 {
			continue
		}
		switch parts[0] {
		case "var", "local", "data", "module", "count", "each", "path", "terraform", "self":
			continue
		}
		name := parts[0] + "." + parts[1]
		if i := strings.IndexByte(name, '['); i >= 0 {
			name = name[:i]
		}
		cands = append(cands, prefix+name)
	}
	sort.Strings(cands)
	for _, c := range cands {
		if insts := o.pl.instances[c]; len(insts) == 1 {
			return insts[0]
		}
	}
	return ""
}
