package terraform

import (
	"fmt"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/ext/customdecode"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/function"
)

// A region no provider, --region or configuration names is assumed (it is
// the region ecrguard reports the resources in), and the value that gives
// it (data.aws_region) carries assumedRegion, a cty mark that follows them through every expression,
// local, variable and module input or output. A string built from the
// region keeps the assumed region: every ARN ecrguard gives the stack's
// own resources names it too. A value chosen by the region (an index key,
// a conditional or for filter, the key of lookup, element, …) is unknown,
// taken at its worst, and a note asks for --region: another region would
// choose another value.
type assumedRegion struct{}

// chosenFunc is the function the expressions where a value is chosen are
// wrapped in (markChoices): it gives its first argument, or unknown when
// that carries assumedRegion. Its name cannot be written in a
// configuration.
const chosenFunc = "ecrguard::chosen"

// choiceArgs are the arguments of functions that choose a value by them:
// the key of lookup, the index of element, ….
var choiceArgs = map[string][]int{
	"lookup": {1}, "element": {1}, "slice": {1, 2}, "index": {1}, "contains": {1}, "matchkeys": {2},
}

// comparisons are the operators whose result the region chooses when an
// operand is built from it.
var comparisons = map[*hclsyntax.Operation]bool{
	hclsyntax.OpEqual: true, hclsyntax.OpNotEqual: true, hclsyntax.OpLessThan: true,
	hclsyntax.OpLessThanOrEqual: true, hclsyntax.OpGreaterThan: true, hclsyntax.OpGreaterThanOrEqual: true,
}

// regional marks v as built from an assumed region.
func regional(v cty.Value, assumed bool) cty.Value {
	if assumed {
		return v.Mark(assumedRegion{})
	}
	return v
}

// regionKey returns k, the key of an element of a for_each value whose
// own marks are marks, unmarked, and whether it was built from an assumed
// region: the keys of a map are when the map is.
func regionKey(k cty.Value, marks cty.ValueMarks) (cty.Value, bool) {
	k, own := k.Unmark()
	return k, marks.Has(assumedRegion{}) || own.Has(assumedRegion{})
}

// unmarked strips the marks of v, which only a scan that read an assumed
// region puts.
func (l *loader) unmarked(v cty.Value) cty.Value {
	if !l.regionRead {
		return v
	}
	v, _ = v.UnmarkDeep()
	return v
}

// markChoices wraps, in body, the expressions by which a value is chosen
// in chosenFunc, when the region may be assumed (no --region): the key of
// an index, the condition of a conditional and of a for filter, the
// operands of a comparison, and the choosing arguments of choiceArgs.
func (l *loader) markChoices(node hclsyntax.Node) {
	if l.opts.Region != "" {
		return
	}
	hclsyntax.VisitAll(node, func(n hclsyntax.Node) hcl.Diagnostics {
		switch e := n.(type) {
		case *hclsyntax.IndexExpr:
			e.Key = l.chosen(e.Key)
		case *hclsyntax.ConditionalExpr:
			e.Condition = l.chosen(e.Condition)
		case *hclsyntax.ForExpr:
			e.CondExpr = l.chosen(e.CondExpr)
		case *hclsyntax.BinaryOpExpr:
			if comparisons[e.Op] {
				e.LHS, e.RHS = l.chosen(e.LHS), l.chosen(e.RHS)
			}
		case *hclsyntax.FunctionCallExpr:
			for _, i := range choiceArgs[e.Name] {
				if i < len(e.Args) && !(e.ExpandFinal && i == len(e.Args)-1) {
					e.Args[i] = l.chosen(e.Args[i])
				}
			}
		}
		return nil
	})
}

// chosen wraps e in chosenFunc, with its position and source text; an
// expression that refers to nothing (a literal key) is left as it is.
func (l *loader) chosen(e hclsyntax.Expression) hclsyntax.Expression {
	if e == nil || len(e.Variables()) == 0 {
		return e
	}
	rng := e.Range()
	where := cty.StringVal(rng.Filename + "\x00" + rangePos(rng).String() + "\x00" + l.srcText(rng))
	return &hclsyntax.FunctionCallExpr{
		Name: chosenFunc, Args: []hclsyntax.Expression{e, &hclsyntax.LiteralValueExpr{Val: where, SrcRange: rng}},
		NameRange: rng, OpenParenRange: rng, CloseParenRange: rng,
	}
}

// chosenFunction is chosenFunc.
func (l *loader) chosenFunction() function.Function {
	return function.New(&function.Spec{
		Params: []function.Parameter{
			{Name: "value", Type: cty.DynamicPseudoType, AllowUnknown: true, AllowNull: true, AllowDynamicType: true, AllowMarked: true},
			{Name: "where", Type: cty.String},
		},
		Type: func(args []cty.Value) (cty.Type, error) { return args[0].Type(), nil },
		Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
			v := args[0]
			if !l.regionRead || !regionMarked(v) {
				return v, nil
			}
			where := strings.SplitN(args[1].AsString(), "\x00", 3)
			l.noteChoice(where[0], where[1], where[2])
			return cty.UnknownVal(v.Type()), nil
		},
	})
}

// regionMarked reports whether v holds a value built from an assumed
// region.
func regionMarked(v cty.Value) bool {
	if !v.ContainsMarked() {
		return false
	}
	_, marks := v.UnmarkDeep()
	return marks.Has(assumedRegion{})
}

// noteChoice notes that what the expression text at pos in file chooses
// depends on the assumed region.
func (l *loader) noteChoice(file, pos, text string) {
	l.note(file, fmt.Sprintf("%s: the value chosen by %s depends on the region, which is not known (no --region, and no region on the provider): it is unknown, taken at its worst; give --region to judge the region the configuration deploys to", pos, text))
}

// choosesByFailure wraps f, try or can, which choose by whether an
// expression fails. When one that reads a value built from an assumed
// region fails before the argument try gives (another region might not
// fail), or is the argument of can, the result is unknown, as a value the
// region chooses is. One that succeeds gives its value, and the marks of
// it, as it is.
func (l *loader) choosesByFailure(f function.Function, isTry bool) function.Function {
	byRegion := func(args []cty.Value) bool {
		if !l.regionRead {
			return false
		}
		for i, a := range args {
			c := customdecode.ExpressionClosureFromVal(a)
			if isTry {
				if _, diags := c.Value(); i == len(args)-1 || !diags.HasErrors() {
					return false
				}
			}
			for _, tr := range c.Expression.Variables() {
				if v, diags := tr.TraverseAbs(c.EvalContext); !diags.HasErrors() && regionMarked(v) {
					rng := c.Expression.Range()
					l.noteChoice(rng.Filename, rangePos(rng).String(), l.srcText(rng))
					return true
				}
			}
		}
		return false
	}
	return function.New(&function.Spec{
		Params: f.Params(), VarParam: f.VarParam(), Type: f.ReturnTypeForValues,
		Impl: func(args []cty.Value, t cty.Type) (cty.Value, error) {
			if byRegion(args) {
				return cty.UnknownVal(t), nil
			}
			return f.Call(args)
		},
	})
}
