package terraform

import (
	"fmt"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/function"
)

// A region no provider, --region or configuration names is assumed (it is
// the region ecrguard reports the resources in), and the values that give
// it (data.aws_region, an ARN or repository URL ecrguard builds) carry
// assumedRegion, a cty mark that follows them through every expression,
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

// unmarked strips the marks of v, which only a scan without a region puts.
func (l *loader) unmarked(v cty.Value) cty.Value {
	if l.opts.Region != "" {
		return v
	}
	v, _ = v.UnmarkDeep()
	return v
}

// markChoices wraps, in body, the expressions by which a value is chosen
// in chosenFunc, when the region may be assumed (no --region): the key of
// an index, the condition of a conditional and of a for filter, and the
// choosing arguments of choiceArgs.
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
	text := "(expression)"
	if data := l.src[rng.Filename]; rng.Start.Byte >= 0 && rng.Start.Byte <= rng.End.Byte && rng.End.Byte <= len(data) {
		text = strings.Join(strings.Fields(string(data[rng.Start.Byte:rng.End.Byte])), " ")
	}
	where := cty.StringVal(rng.Filename + "\x00" + rangePos(rng).String() + "\x00" + text)
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
			if !v.ContainsMarked() {
				return v, nil
			}
			u, marks := v.UnmarkDeep()
			if !marks.Has(assumedRegion{}) {
				return v, nil
			}
			where := strings.SplitN(args[1].AsString(), "\x00", 3)
			l.note(where[0], fmt.Sprintf("%s: the value chosen by %s depends on the region, which is not known (no --region, and no region on the provider): it is unknown, taken at its worst; give --region to judge the region the configuration deploys to", where[1], where[2]))
			return cty.UnknownVal(u.Type()), nil
		},
	})
}
