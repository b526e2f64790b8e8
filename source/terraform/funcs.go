package terraform

import (
	"encoding/base64"
	"errors"
	"fmt"
	"io/fs"
	"math/big"
	"path"
	"regexp"
	"strings"
	"unicode/utf8"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/ext/tryfunc"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/convert"
	"github.com/zclconf/go-cty/cty/function"
	"github.com/zclconf/go-cty/cty/function/stdlib"
)

// unknownResultFuncs are functions whose result is not known until apply
// (or depends on the machine running Terraform): they return unknown values
// without a note.
var unknownResultFuncs = []string{"timestamp", "uuid", "plantimestamp", "bcrypt", "uuidv5"}

// maxStringLen bounds the strings functions may build (format widths,
// indent, join of huge lists), so that hostile input cannot exhaust memory.
const maxStringLen = 1 << 20

// functions returns the Terraform functions ecrguard evaluates: the cty
// standard library under Terraform's names, Terraform's own file functions,
// and a few Terraform-specific ones. Others return unknown (see stubs).
func (l *loader) functions() map[string]function.Function {
	f := map[string]function.Function{
		"abs": stdlib.AbsoluteFunc, "ceil": stdlib.CeilFunc, "floor": stdlib.FloorFunc,
		"log": stdlib.LogFunc, "max": stdlib.MaxFunc, "min": stdlib.MinFunc,
		"parseint": stdlib.ParseIntFunc, "pow": stdlib.PowFunc, "signum": stdlib.SignumFunc,

		"chomp": stdlib.ChompFunc, "format": boundedString(stdlib.FormatFunc), "formatlist": stdlib.FormatListFunc,
		"indent": boundedString(stdlib.IndentFunc), "join": boundedString(stdlib.JoinFunc), "lower": stdlib.LowerFunc,
		"regex": stdlib.RegexFunc, "regexall": stdlib.RegexAllFunc, "split": stdlib.SplitFunc,
		"strrev": stdlib.ReverseFunc, "substr": stdlib.SubstrFunc, "title": stdlib.TitleFunc,
		"trim": stdlib.TrimFunc, "trimprefix": stdlib.TrimPrefixFunc, "trimsuffix": stdlib.TrimSuffixFunc,
		"trimspace": stdlib.TrimSpaceFunc, "upper": stdlib.UpperFunc,

		"chunklist": stdlib.ChunklistFunc, "coalesce": stdlib.CoalesceFunc, "coalescelist": stdlib.CoalesceListFunc,
		"compact": stdlib.CompactFunc, "concat": stdlib.ConcatFunc, "contains": stdlib.ContainsFunc,
		"distinct": stdlib.DistinctFunc, "element": stdlib.ElementFunc, "flatten": stdlib.FlattenFunc,
		"keys": stdlib.KeysFunc, "lookup": lookupFunc, "merge": stdlib.MergeFunc,
		"range": stdlib.RangeFunc, "reverse": stdlib.ReverseListFunc, "setintersection": stdlib.SetIntersectionFunc,
		"setsubtract": stdlib.SetSubtractFunc, "setunion": stdlib.SetUnionFunc, "slice": stdlib.SliceFunc,
		"sort": stdlib.SortFunc, "values": stdlib.ValuesFunc, "zipmap": stdlib.ZipmapFunc,

		"jsonencode": stdlib.JSONEncodeFunc, "jsondecode": stdlib.JSONDecodeFunc, "csvdecode": stdlib.CSVDecodeFunc,

		"try": l.choosesByFailure(tryfunc.TryFunc, true), "can": l.choosesByFailure(tryfunc.CanFunc, false),

		"tostring": convertFunc(cty.String), "tonumber": convertFunc(cty.Number), "tobool": convertFunc(cty.Bool),
		"tolist": convertFunc(cty.List(cty.DynamicPseudoType)), "toset": convertFunc(cty.Set(cty.DynamicPseudoType)),
		"tomap": convertFunc(cty.Map(cty.DynamicPseudoType)),

		"length": lengthFunc, "replace": replaceFunc, "index": indexFunc, "one": oneFunc,
		"alltrue": allTrueFunc, "anytrue": anyTrueFunc, "startswith": strPredicate(strings.HasPrefix),
		"endswith": strPredicate(strings.HasSuffix), "strcontains": strPredicate(strings.Contains),
		"base64encode": base64EncodeFunc, "base64decode": base64DecodeFunc,
		"sensitive": identityFunc, "nonsensitive": identityFunc, "basename": pathFunc(path.Base), "dirname": pathFunc(path.Dir),

		"file": l.fileFunc(), "fileexists": l.fileExistsFunc(), "templatefile": l.templateFileFunc(),
	}
	for _, name := range unknownResultFuncs {
		f[name] = unknownFunc
	}
	f[chosenFunc] = l.chosenFunction()
	return f
}

// stubs returns, for each function expr calls that ecrguard does not
// implement, a function that returns an unknown value; each is noted.
func (l *loader) stubs(expr hcl.Expression) map[string]function.Function {
	node, ok := expr.(hclsyntax.Node)
	if !ok {
		return nil
	}
	var out map[string]function.Function
	hclsyntax.VisitAll(node, func(n hclsyntax.Node) hcl.Diagnostics {
		fc, ok := n.(*hclsyntax.FunctionCallExpr)
		if !ok {
			return nil
		}
		if _, known := l.funcs[fc.Name]; known {
			return nil
		}
		if out == nil {
			out = map[string]function.Function{}
		}
		out[fc.Name] = unknownFunc
		l.note(fc.NameRange.Filename, fmt.Sprintf("%s: ecrguard does not evaluate the function %s(); its result is read as unknown", rangePos(fc.NameRange), fc.Name))
		return nil
	})
	return out
}

var unknownFunc = function.New(&function.Spec{
	VarParam: &function.Parameter{Name: "args", Type: cty.DynamicPseudoType, AllowUnknown: true, AllowNull: true, AllowDynamicType: true},
	Type:     function.StaticReturnType(cty.DynamicPseudoType),
	Impl: func([]cty.Value, cty.Type) (cty.Value, error) {
		return cty.DynamicVal, nil
	},
})

var identityFunc = function.New(&function.Spec{
	Params: []function.Parameter{{Name: "value", Type: cty.DynamicPseudoType, AllowUnknown: true, AllowNull: true, AllowDynamicType: true}},
	Type:   func(args []cty.Value) (cty.Type, error) { return args[0].Type(), nil },
	Impl:   func(args []cty.Value, _ cty.Type) (cty.Value, error) { return args[0], nil },
})

// boundedString refuses results longer than maxStringLen.
func boundedString(f function.Function) function.Function {
	spec := &function.Spec{
		Params:   f.Params(),
		VarParam: f.VarParam(),
		Type: func(args []cty.Value) (cty.Type, error) {
			return f.ReturnTypeForValues(args)
		},
		Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
			for _, a := range args {
				if a.IsKnown() && !a.IsNull() && a.Type() == cty.String {
					if strings.Count(a.AsString(), "%") > 0 && hugeWidth.MatchString(a.AsString()) {
						return cty.NilVal, errors.New("format width too large")
					}
				}
			}
			v, err := f.Call(args)
			if err != nil {
				return cty.NilVal, err
			}
			if v.IsKnown() && !v.IsNull() && v.Type() == cty.String && len(v.AsString()) > maxStringLen {
				return cty.NilVal, errors.New("result too long")
			}
			return v, nil
		},
	}
	return function.New(spec)
}

var hugeWidth = regexp.MustCompile(`%[-+# 0]*[0-9]{6,}|\.[0-9]{6,}`)

func convertFunc(t cty.Type) function.Function {
	return function.New(&function.Spec{
		Params: []function.Parameter{{Name: "v", Type: cty.DynamicPseudoType, AllowNull: true, AllowDynamicType: true}},
		Type: func(args []cty.Value) (cty.Type, error) {
			if t.IsPrimitiveType() {
				return t, nil
			}
			c, err := convert.Convert(args[0], t)
			if err != nil {
				return cty.NilType, err
			}
			return c.Type(), nil
		},
		Impl: func(args []cty.Value, rt cty.Type) (cty.Value, error) {
			return convert.Convert(args[0], rt)
		},
	})
}

// lookupFunc is Terraform's lookup, whose default is optional (omitting it
// is deprecated: lookup(m, k) is m[k];
// https://opentofu.org/docs/language/functions/lookup/).
var lookupFunc = function.New(&function.Spec{
	Params: stdlib.LookupFunc.Params()[:2], VarParam: &stdlib.LookupFunc.Params()[2],
	Type: func(args []cty.Value) (cty.Type, error) {
		if len(args) != 2 {
			return stdlib.LookupFunc.ReturnTypeForValues(args)
		}
		v, err := indexOf(args)
		if err != nil {
			return cty.NilType, err
		}
		return v.Type(), nil
	},
	Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
		if len(args) != 2 {
			return stdlib.LookupFunc.Call(args)
		}
		return indexOf(args)
	},
})

// indexOf is args[0][args[1]].
func indexOf(args []cty.Value) (cty.Value, error) {
	v, diags := hcl.Index(args[0], args[1], nil)
	if diags.HasErrors() {
		return cty.NilVal, diagError(diags)
	}
	return v, nil
}

// lengthFunc is Terraform's length: of a string (in characters) or a
// collection.
// The length of a collection keeps the marks of the collection, not of its
// elements: a list of ARNs built from an assumed region has as many in any
// region (see assumedRegion).
var lengthFunc = function.New(&function.Spec{
	Params: []function.Parameter{{Name: "value", Type: cty.DynamicPseudoType, AllowDynamicType: true, AllowMarked: true}},
	Type:   function.StaticReturnType(cty.Number),
	Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
		v, marks := args[0].Unmark()
		switch {
		case v.Type() == cty.String:
			return cty.NumberIntVal(int64(utf8.RuneCountInString(v.AsString()))).WithMarks(marks), nil
		case v.Type().IsCollectionType() || v.Type().IsTupleType() || v.Type().IsObjectType():
			return cty.NumberIntVal(int64(v.LengthInt())).WithMarks(marks), nil
		}
		return cty.NilVal, fmt.Errorf("argument must be a string, a collection type, or a structural type")
	},
})

// replaceFunc is Terraform's replace: a substring, or a regular expression
// written /like this/.
var replaceFunc = function.New(&function.Spec{
	Params: []function.Parameter{{Name: "str", Type: cty.String}, {Name: "substr", Type: cty.String}, {Name: "replace", Type: cty.String}},
	Type:   function.StaticReturnType(cty.String),
	Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
		s, sub, rep := args[0].AsString(), args[1].AsString(), args[2].AsString()
		if len(sub) > 1 && sub[0] == '/' && sub[len(sub)-1] == '/' {
			re, err := regexp.Compile(sub[1 : len(sub)-1])
			if err != nil {
				return cty.NilVal, err
			}
			out := re.ReplaceAllString(s, rep)
			if len(out) > maxStringLen {
				return cty.NilVal, errors.New("result too long")
			}
			return cty.StringVal(out), nil
		}
		if sub != "" && len(rep) > len(sub) && int64(strings.Count(s, sub))*int64(len(rep)) > maxStringLen {
			return cty.NilVal, errors.New("result too long")
		}
		return cty.StringVal(strings.ReplaceAll(s, sub, rep)), nil
	},
})

// indexFunc is Terraform's index(list, value).
var indexFunc = function.New(&function.Spec{
	Params: []function.Parameter{{Name: "list", Type: cty.DynamicPseudoType}, {Name: "value", Type: cty.DynamicPseudoType}},
	Type:   function.StaticReturnType(cty.Number),
	Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
		l := args[0]
		if !(l.Type().IsListType() || l.Type().IsTupleType()) {
			return cty.NilVal, errors.New("argument must be a list or tuple")
		}
		if !l.IsWhollyKnown() {
			return cty.UnknownVal(cty.Number), nil
		}
		i := 0
		for it := l.ElementIterator(); it.Next(); i++ {
			_, e := it.Element()
			eq, err := stdlib.Equal(e, args[1])
			if err != nil {
				continue
			}
			if !eq.IsKnown() {
				return cty.UnknownVal(cty.Number), nil
			}
			if eq.True() {
				return cty.NumberIntVal(int64(i)), nil
			}
		}
		return cty.NilVal, errors.New("item not found")
	},
})

// oneFunc is Terraform's one: the single element of a collection, or null.
var oneFunc = function.New(&function.Spec{
	Params: []function.Parameter{{Name: "list", Type: cty.DynamicPseudoType}},
	Type: func(args []cty.Value) (cty.Type, error) {
		t := args[0].Type()
		switch {
		case t.IsListType() || t.IsSetType():
			return t.ElementType(), nil
		case t.IsTupleType():
			switch len(t.TupleElementTypes()) {
			case 0:
				return cty.DynamicPseudoType, nil
			case 1:
				return t.TupleElementTypes()[0], nil
			}
		}
		return cty.NilType, errors.New("must be a list, set, or tuple value with either zero or one elements")
	},
	Impl: func(args []cty.Value, rt cty.Type) (cty.Value, error) {
		v := args[0]
		switch v.LengthInt() {
		case 0:
			return cty.NullVal(rt), nil
		case 1:
			it := v.ElementIterator()
			it.Next()
			_, e := it.Element()
			return e, nil
		}
		return cty.NilVal, errors.New("must be a list, set, or tuple value with either zero or one elements")
	},
})

func boolsFunc(all bool) function.Function {
	return function.New(&function.Spec{
		Params: []function.Parameter{{Name: "list", Type: cty.List(cty.Bool)}},
		Type:   function.StaticReturnType(cty.Bool),
		Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
			l := args[0]
			if l.IsNull() {
				return cty.NilVal, errors.New("null list")
			}
			unknown := false
			for it := l.ElementIterator(); it.Next(); {
				_, e := it.Element()
				if !e.IsKnown() || e.IsNull() {
					unknown = true
					continue
				}
				if e.True() != all {
					return cty.BoolVal(!all), nil
				}
			}
			if unknown {
				return cty.UnknownVal(cty.Bool), nil
			}
			return cty.BoolVal(all), nil
		},
	})
}

var (
	allTrueFunc = boolsFunc(true)
	anyTrueFunc = boolsFunc(false)
)

func strPredicate(f func(s, x string) bool) function.Function {
	return function.New(&function.Spec{
		Params: []function.Parameter{{Name: "str", Type: cty.String}, {Name: "x", Type: cty.String}},
		Type:   function.StaticReturnType(cty.Bool),
		Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
			return cty.BoolVal(f(args[0].AsString(), args[1].AsString())), nil
		},
	})
}

func pathFunc(f func(string) string) function.Function {
	return function.New(&function.Spec{
		Params: []function.Parameter{{Name: "path", Type: cty.String}},
		Type:   function.StaticReturnType(cty.String),
		Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
			return cty.StringVal(f(args[0].AsString())), nil
		},
	})
}

var base64EncodeFunc = function.New(&function.Spec{
	Params: []function.Parameter{{Name: "str", Type: cty.String}},
	Type:   function.StaticReturnType(cty.String),
	Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
		return cty.StringVal(base64.StdEncoding.EncodeToString([]byte(args[0].AsString()))), nil
	},
})

var base64DecodeFunc = function.New(&function.Spec{
	Params: []function.Parameter{{Name: "str", Type: cty.String}},
	Type:   function.StaticReturnType(cty.String),
	Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
		b, err := base64.StdEncoding.DecodeString(args[0].AsString())
		if err != nil || !utf8.Valid(b) {
			return cty.NilVal, errors.New("not valid base64 of UTF-8 text")
		}
		return cty.StringVal(string(b)), nil
	},
})

// resolvePath turns a path argument of file() or templatefile() into a
// path in the loader's file system. Terraform resolves relative paths from
// the directory it runs in: the root module.
func (l *loader) resolvePath(p string) (string, error) {
	if strings.HasPrefix(p, "/") || strings.HasPrefix(p, "~") || (len(p) > 1 && p[1] == ':') {
		return "", fmt.Errorf("absolute path %q is outside the scanned folder", p)
	}
	name := path.Join(l.root, p)
	// A root that is not a valid fs path ("../infra", "/src/infra") comes
	// from a file system that names files as users see them; that file
	// system keeps reads inside the scanned folders itself.
	if fs.ValidPath(l.root) && !fs.ValidPath(name) {
		return "", fmt.Errorf("path %q is outside the scanned folder", p)
	}
	return name, nil
}

func (l *loader) readFile(p string) (string, []byte, error) {
	name, err := l.resolvePath(p)
	if err != nil {
		return "", nil, err
	}
	data, err := fs.ReadFile(l.fsys, name)
	if err != nil {
		return name, nil, err
	}
	if !utf8.Valid(data) {
		return name, nil, fmt.Errorf("%s: contents are not valid UTF-8", name)
	}
	if len(data) > maxStringLen*4 {
		return name, nil, fmt.Errorf("%s: too large", name)
	}
	l.src[name] = data
	return name, data, nil
}

func (l *loader) fileFunc() function.Function {
	return function.New(&function.Spec{
		Params: []function.Parameter{{Name: "path", Type: cty.String}},
		Type:   function.StaticReturnType(cty.String),
		Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
			_, data, err := l.readFile(args[0].AsString())
			if err != nil {
				return cty.NilVal, err
			}
			return cty.StringVal(string(data)), nil
		},
	})
}

func (l *loader) fileExistsFunc() function.Function {
	return function.New(&function.Spec{
		Params: []function.Parameter{{Name: "path", Type: cty.String}},
		Type:   function.StaticReturnType(cty.Bool),
		Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
			name, err := l.resolvePath(args[0].AsString())
			if err != nil {
				return cty.UnknownVal(cty.Bool), nil
			}
			st, err := fs.Stat(l.fsys, name)
			return cty.BoolVal(err == nil && !st.IsDir()), nil
		},
	})
}

// templateFileFunc is Terraform's templatefile: the file is an HCL template
// evaluated with the variables given (and the functions above, except
// templatefile itself).
func (l *loader) templateFileFunc() function.Function {
	return function.New(&function.Spec{
		Params: []function.Parameter{
			{Name: "path", Type: cty.String},
			// The template sees the marks of the variables (assumedRegion),
			// and its result keeps them.
			{Name: "vars", Type: cty.DynamicPseudoType, AllowUnknown: true, AllowMarked: true},
		},
		Type: function.StaticReturnType(cty.String),
		Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
			expr, err := l.parseTemplateFile(args[0].AsString())
			if err != nil {
				return cty.NilVal, err
			}
			vars := args[1]
			if !vars.IsWhollyKnown() {
				return cty.UnknownVal(cty.String), nil
			}
			ctx, err := l.templateContext(vars)
			if err != nil {
				return cty.NilVal, err
			}
			v, diags := expr.Value(ctx)
			if diags.HasErrors() {
				return cty.NilVal, diagError(diags)
			}
			s, err := convert.Convert(v, cty.String)
			if err != nil {
				return cty.NilVal, err
			}
			return s, nil
		},
	})
}

func (l *loader) parseTemplateFile(p string) (hclsyntax.Expression, error) {
	name, data, err := l.readFile(p)
	if err != nil {
		return nil, err
	}
	if err := checkSource(data, name, syntaxTemplate); err != nil {
		return nil, err
	}
	expr, diags := hclsyntax.ParseTemplate(data, name, hcl.InitialPos)
	if diags.HasErrors() {
		return nil, diagError(diags)
	}
	l.markChoices(expr)
	return expr, nil
}

// templateContext is the evaluation context of a template file: its
// variables and the functions, without templatefile (Terraform forbids the
// recursion).
func (l *loader) templateContext(vars cty.Value) (*hcl.EvalContext, error) {
	vars, marks := vars.Unmark()
	if vars.IsNull() || !(vars.Type().IsObjectType() || vars.Type().IsMapType()) {
		return nil, errors.New("the vars argument of templatefile must be an object or a map")
	}
	ctx := &hcl.EvalContext{Variables: map[string]cty.Value{}, Functions: map[string]function.Function{}}
	for it := vars.ElementIterator(); it.Next(); {
		k, v := it.Element()
		if !hclsyntax.ValidIdentifier(k.AsString()) {
			return nil, fmt.Errorf("invalid template variable name %q", k.AsString())
		}
		ctx.Variables[k.AsString()] = v.WithMarks(marks)
	}
	for name, f := range l.funcs {
		if name != "templatefile" {
			ctx.Functions[name] = f
		}
	}
	return ctx, nil
}

// renderNumber writes a cty number the way jsonencode does.
func renderNumber(bf *big.Float) string {
	return bf.Text('f', -1)
}
