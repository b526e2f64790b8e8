package terraform

import (
	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"

	"github.com/ecrguard/ecrguard/estate"
	"github.com/ecrguard/ecrguard/internal/iacdoc"
	"github.com/ecrguard/ecrguard/policy"
)

// object is a resource instance, or one of its nested blocks, as the estate
// builder reads it: from a module's HCL (hclObject) or from a plan's values
// (planObject).
type object interface {
	// str returns a string argument.
	str(name string) sval
	// strs returns a list of strings; a list not known as a whole is one
	// unknown element.
	strs(name string) []sval
	// strMap returns a map of strings; known is false when it is not known.
	strMap(name string) (m map[string]string, known bool)
	// doc returns a policy argument: nil when absent or null.
	doc(name string) (*iacdoc.Value, error)
	// insert returns where statements can be added to the policy argument
	// in the file that writes it; nil when that cannot be said exactly.
	insert(name string) *estate.StatementInsert
	// blocks returns nested blocks; known is false when they are not known.
	blocks(name string) ([]object, bool)
	// pos is where the object is written; attrPos where an argument is (or
	// pos when it is not written).
	pos() policy.Pos
	attrPos(name string) policy.Pos
	// ref returns the address of the resource instance an argument refers
	// to ("aws_ecr_repository.app"), or "".
	ref(name string) string
}

// sval is one string value.
type sval struct {
	text string
	// known is false for a value not known until apply; text then says
	// where it comes from.
	known bool
	// set is false for an argument that is absent or null.
	set bool
	pos policy.Pos
}

// rsrc is one resource instance.
type rsrc struct {
	addr   string
	typ    string // "aws_ecr_repository"; data sources are not built
	region string
	obj    object
}

// hclObject reads a resource instance or block written in HCL.
type hclObject struct {
	b    block
	inst *instance // set for a resource instance: its computed attributes count
}

func (o hclObject) body() *hclsyntax.Body { return o.b.b.Body }

func (o hclObject) value(name string) (cty.Value, hcl.Expression) {
	a := o.body().Attributes[name]
	if o.inst != nil {
		if a != nil {
			return o.inst.attr(name), a.Expr
		}
		for _, c := range computedAttrs(o.inst.r) {
			if c == name {
				return o.inst.attr(name), nil
			}
		}
	}
	if a == nil {
		return cty.NullVal(cty.DynamicPseudoType), nil
	}
	return o.b.sc.eval(a.Expr), a.Expr
}

func (o hclObject) str(name string) sval {
	v, e := o.value(name)
	out := sval{pos: o.attrPos(name)}
	switch {
	case v.IsKnown() && v.IsNull():
		return out
	case !v.IsKnown():
		out.set = true
		if e != nil {
			out.text = o.b.sc.m.exprText(e)
		} else {
			out.text = name + " (computed)"
		}
		return out
	}
	s, ok := asString(v)
	return out.setTo(name, s, ok)
}

// setTo returns out for an argument that is set: to text when it is a
// string (ok), else described as not a string.
func (out sval) setTo(name, text string, ok bool) sval {
	out.set = true
	if ok {
		out.text, out.known = text, true
	} else {
		out.text = name + " (not a string)"
	}
	return out
}

func (o hclObject) strs(name string) []sval {
	a := o.body().Attributes[name]
	if a == nil {
		return nil
	}
	vals, err := o.b.sc.stringSet(a.Expr, false, "", true)
	if err != nil {
		return []sval{{text: o.b.sc.m.exprText(a.Expr), set: true, pos: rangePos(a.Expr.Range())}}
	}
	out := make([]sval, 0, len(vals))
	for _, v := range vals {
		out = append(out, sval{text: v.Text, known: v.Kind == iacdoc.String, set: true, pos: v.Pos})
	}
	return out
}

func (o hclObject) strMap(name string) (map[string]string, bool) {
	v, _ := o.value(name)
	return stringMap(v)
}

func (o hclObject) doc(name string) (*iacdoc.Value, error) {
	a := o.body().Attributes[name]
	if a == nil {
		return nil, nil
	}
	return o.b.sc.policyValue(a.Expr)
}

func (o hclObject) insert(name string) *estate.StatementInsert {
	a := o.body().Attributes[name]
	if a == nil {
		return nil
	}
	return o.b.sc.statementInsert(a.Expr, 0)
}

func (o hclObject) blocks(name string) ([]object, bool) {
	bl, known := o.b.sc.blocks(o.body(), name)
	out := make([]object, len(bl))
	for i, b := range bl {
		out[i] = hclObject{b: b}
	}
	return out, known
}

func (o hclObject) pos() policy.Pos { return rangePos(o.b.b.TypeRange) }

func (o hclObject) attrPos(name string) policy.Pos {
	if a := o.body().Attributes[name]; a != nil {
		return rangePos(a.NameRange)
	}
	return o.pos()
}

func (o hclObject) ref(name string) string {
	a := o.body().Attributes[name]
	if a == nil {
		return ""
	}
	e := a.Expr
	for {
		switch x := e.(type) {
		case *hclsyntax.TemplateWrapExpr:
			e = x.Wrapped
			continue
		case *hclsyntax.ParenthesesExpr:
			e = x.Expression
			continue
		}
		break
	}
	st, ok := e.(*hclsyntax.ScopeTraversalExpr)
	if !ok {
		return ""
	}
	tr := st.Traversal
	root := tr.RootName()
	switch root {
	case "var", "local", "data", "module", "count", "each", "path", "terraform", "self":
		return ""
	}
	rn, ok := attrName(tr, 1)
	if !ok {
		return ""
	}
	in, _ := o.b.sc.instanceRef(root+"."+rn, tr, 2)
	if in == nil {
		if r := o.b.sc.m.resources[root+"."+rn]; r != nil {
			if insts := r.instances(); len(insts) == 1 {
				return insts[0].addr
			}
		}
		return ""
	}
	return in.addr
}
