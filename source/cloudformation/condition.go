package cloudformation

import (
	"fmt"
	"sort"
	"strings"
)

// maxCases bounds how many combinations of parameters' AllowedValues a
// condition is evaluated for; beyond it, those parameters are unknown.
const maxCases = 256

// condEnv is what a condition is evaluated under: a value for each
// parameter that can be set at deployment and whose AllowedValues are
// being tried, and the inputs that are not known at scan time.
type condEnv struct {
	values  map[string]string
	unknown map[string]bool
	val     map[string]tri
}

// freeInput is an input of a condition that the scan does not fix: a
// parameter not given (its Default is only what deployment uses when no
// value is passed), or a pseudo parameter derived from a region that was
// not given.
type freeInput struct {
	name   string
	domain []string // AllowedValues; nil: any value
	why    string
}

// condition evaluates a named condition (memoized). A condition is decided
// only when it holds for every value its free inputs can take: a
// parameter that can be set at deployment counts with each of its
// AllowedValues (any value without them), AWS::Region (and what follows
// from it) is unknown unless the region was given, and AWS::AccountId
// unless the account was.
func (t *tmpl) condition(name string, depth int) tri {
	if e := t.env; e != nil {
		// Inside an evaluation: under its assumptions.
		if v, ok := e.val[name]; ok {
			return v
		}
		n := t.conditions.get(name)
		if n == nil || depth > maxResolveDepth {
			return triUnknown
		}
		e.val[name] = triUnknown // a condition that refers to itself is unknown
		v := t.evalCond(n, depth+1)
		e.val[name] = v
		return v
	}
	if v, ok := t.condVal[name]; ok {
		return v
	}
	n := t.conditions.get(name)
	if n == nil {
		t.condVal[name] = triUnknown
		t.condWhy[name] = "the template defines no condition " + name
		return triUnknown
	}
	free := t.freeInputs(n)
	var tried []freeInput
	unknown := map[string]bool{}
	cases := 1
	for _, f := range free {
		if f.domain != nil && cases*len(f.domain) <= maxCases {
			cases *= len(f.domain)
			tried = append(tried, f)
			continue
		}
		unknown[f.name] = true
	}
	saved := t.memo
	out := triUnknown
	for i := 0; i < cases; i++ {
		env := &condEnv{values: map[string]string{}, unknown: unknown, val: map[string]tri{}}
		k := i
		for _, f := range tried {
			env.values[f.name] = f.domain[k%len(f.domain)]
			k /= len(f.domain)
		}
		// Values resolved under assumptions must not leak into the
		// template's values, nor the template's into them.
		t.env, t.memo = env, map[*node]*memoEntry{}
		env.val[name] = triUnknown
		v := t.evalCond(n, depth+1)
		t.env, t.memo = nil, saved
		if v == triUnknown || (i > 0 && v != out) {
			out = triUnknown
			break
		}
		out = v
	}
	t.condVal[name] = out
	if out == triUnknown {
		var whys []string
		for _, f := range free {
			whys = append(whys, f.why)
		}
		if len(whys) == 0 {
			t.condWhy[name] = "its inputs are not known until deployment"
		} else {
			t.condWhy[name] = "it depends on " + strings.Join(whys, " and ")
		}
	}
	return out
}

// whyUnknown says why a condition is not known.
func (t *tmpl) whyUnknown(name string) string {
	if w := t.condWhy[name]; w != "" {
		return "condition " + name + " is not known: " + w
	}
	return "condition " + name + " is not known"
}

// freeInputs lists the inputs of condition n (and of the conditions it
// names) that the scan does not fix, by name.
func (t *tmpl) freeInputs(n *node) []freeInput {
	seen := map[string]bool{}
	var out []freeInput
	add := func(name string) {
		if seen[name] {
			return
		}
		seen[name] = true
		switch name {
		case "AWS::Region", "AWS::Partition", "AWS::URLSuffix":
			if t.opts.Region == "" {
				out = append(out, freeInput{name: name, why: name + ", and no region was given (--region or the config key `region`)"})
			}
			return
		case "AWS::AccountId":
			// Without the account, AWS::AccountId holds the stand-in
			// policy.OwnerAccount, which equals no account a condition
			// names: the stack may deploy to that one.
			if t.opts.Account == "" {
				out = append(out, freeInput{name: name, why: name + ", and no account was given (--account or the config key `account`)"})
			}
			return
		}
		p := t.params[name]
		if p == nil {
			return
		}
		if _, given := t.opts.Parameters[name]; given {
			return
		}
		def, hasDef := p.node.get("Default").str()
		if !hasDef {
			return // unknown anyway
		}
		f := freeInput{name: name}
		typ, _ := p.node.get("Type").str()
		list := strings.HasPrefix(typ, "List<") || typ == "CommaDelimitedList"
		if av := p.node.get("AllowedValues"); av != nil && av.kind == seqNode && !list {
			f.domain = []string{}
			for _, e := range av.elems {
				s, ok := e.str()
				if !ok {
					f.domain = nil
					break
				}
				f.domain = append(f.domain, s)
			}
		}
		if f.domain != nil {
			f.why = fmt.Sprintf("parameter %s (default %s, allowed %s), which can be set at deployment", name, def, strings.Join(f.domain, ", "))
		} else {
			f.why = fmt.Sprintf("parameter %s (default %s), which can be set at deployment", name, def)
		}
		out = append(out, f)
	}
	conds := map[string]bool{}
	var walk func(n *node, depth int)
	walk = func(n *node, depth int) {
		if n == nil || depth > maxResolveDepth {
			return
		}
		switch n.kind {
		case seqNode:
			for _, e := range n.elems {
				walk(e, depth+1)
			}
			return
		case scalarNode:
			return
		}
		if len(n.members) == 1 {
			k, v := n.members[0].key, n.members[0].value
			switch k {
			case "Ref":
				if s, ok := v.str(); ok {
					add(s)
				}
				return
			case "Condition":
				if s, ok := v.str(); ok && !conds[s] {
					conds[s] = true
					walk(t.conditions.get(s), depth+1)
				}
				return
			case "Fn::Sub":
				if sn, vars, ok := subArgs(v); ok {
					for _, p := range splitSub(sn.text) {
						if p.v && vars.get(p.text) == nil {
							add(p.text)
						}
					}
					walk(vars, depth+1)
				}
				return
			}
		}
		for _, m := range n.members {
			walk(m.value, depth+1)
		}
	}
	walk(n, 0)
	sort.SliceStable(out, func(i, j int) bool { return out[i].name < out[j].name })
	return out
}
