package terraform

import (
	"bytes"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	hcljson "github.com/hashicorp/hcl/v2/json"
	"github.com/zclconf/go-cty/cty"
)

// Terraform's JSON configuration syntax (.tf.json, which CDK for Terraform
// writes) is read with HCL's own JSON parser and turned into the native
// syntax tree the rest of this package walks, keeping every position in
// the JSON file. Terraform decides which JSON properties are nested blocks
// from the provider's schema; ecrguard knows the nested blocks of the
// resources it reads (jsonBlockTypes). The interpretation of each value
// follows "JSON Configuration Syntax" in Terraform's documentation: strings
// are string templates ("${var.name}" alone is the variable's value), except
// where Terraform takes an expression written as a string (a variable's
// type, a resource's provider and depends_on, a module's providers) or a
// literal value (a variable's default, a module's source and version).

// jsonBlockTypes are the nested block types of the resources, data sources
// and providers ecrguard reads; a property of one of these names whose
// value is an object or a list of objects is a block.
var jsonBlockTypes = map[string]bool{
	// aws_iam_policy_document
	"statement": true, "principals": true, "not_principals": true, "condition": true,
	// aws_ecr_repository, aws_ecr_repository_creation_template,
	// aws_ecr_replication_configuration, aws_iam_role
	"image_scanning_configuration": true, "encryption_configuration": true,
	"replication_configuration": true, "rule": true, "destination": true, "repository_filter": true,
	"inline_policy": true,
	// provider "aws"
	"default_tags": true, "assume_role": true,
	// every resource
	"lifecycle": true, "provisioner": true, "connection": true, "timeouts": true,
}

// jsonMode says how a JSON string value is read.
type jsonMode uint8

const (
	jsonTemplate jsonMode = iota // a string template
	jsonExpr                     // an expression written as a string
	jsonLiteral                  // a literal value
)

// jsonTopSchema are the top-level blocks of a configuration that describe
// resources and their policies.
var jsonTopSchema = &hcl.BodySchema{Blocks: []hcl.BlockHeaderSchema{
	{Type: "variable", LabelNames: []string{"name"}},
	{Type: "locals"},
	{Type: "resource", LabelNames: []string{"type", "name"}},
	{Type: "data", LabelNames: []string{"type", "name"}},
	{Type: "module", LabelNames: []string{"name"}},
	{Type: "output", LabelNames: []string{"name"}},
	{Type: "provider", LabelNames: []string{"name"}},
}}

// parseJSONConfig reads a .tf.json file into a native syntax body.
func parseJSONConfig(data []byte, file string) (*hclsyntax.Body, error) {
	if err := checkSource(data, file, syntaxJSON); err != nil {
		return nil, err
	}
	f, diags := hcljson.Parse(data, file)
	if diags.HasErrors() {
		return nil, diagError(diags)
	}
	content, _, diags := f.Body.PartialContent(jsonTopSchema)
	if diags.HasErrors() {
		return nil, diagError(diags)
	}
	out := &hclsyntax.Body{Attributes: hclsyntax.Attributes{}, SrcRange: content.MissingItemRange, EndRange: content.MissingItemRange}
	for _, b := range content.Blocks {
		var body *hclsyntax.Body
		var err error
		switch b.Type {
		case "variable":
			body, err = jsonBody(data, b.Body, nil, map[string]jsonMode{"type": jsonExpr, "default": jsonLiteral})
		case "locals", "output":
			body, err = jsonBody(data, b.Body, nil, nil)
		case "module":
			body, err = jsonBody(data, b.Body, nil, map[string]jsonMode{"source": jsonLiteral, "version": jsonLiteral, "providers": jsonExpr})
		default: // resource, data, provider
			body, err = jsonBody(data, b.Body, jsonBlockTypes, map[string]jsonMode{"provider": jsonExpr, "depends_on": jsonExpr, "alias": jsonLiteral})
		}
		if err != nil {
			return nil, err
		}
		out.Blocks = append(out.Blocks, syntaxBlock(data, b, body))
	}
	return out, nil
}

// syntaxBlock is a JSON block as a native one: its type is placed where its
// body opens (on the line of its last label, or for one of a list of
// blocks, at its own brace).
func syntaxBlock(data []byte, b *hcl.Block, body *hclsyntax.Body) *hclsyntax.Block {
	at := b.DefRange
	if r := at.Start.Byte; r >= 0 && r < len(data) && data[r] == '[' {
		first := hcl.Range{}
		for _, a := range body.Attributes {
			if first.Filename == "" || a.NameRange.Start.Byte < first.Start.Byte {
				first = a.NameRange
			}
		}
		for _, nb := range body.Blocks {
			if first.Filename == "" || nb.TypeRange.Start.Byte < first.Start.Byte {
				first = nb.TypeRange
			}
		}
		if first.Filename != "" {
			at = braceBefore(data, first)
		}
	}
	return &hclsyntax.Block{
		Type: b.Type, Labels: b.Labels, Body: body,
		TypeRange: at, LabelRanges: b.LabelRanges,
		OpenBraceRange: at, CloseBraceRange: at,
	}
}

// braceBefore returns the range of the brace that opens the object whose
// first property starts at r, when only whitespace stands between them.
func braceBefore(data []byte, r hcl.Range) hcl.Range {
	line := r.Start.Line
	for i := r.Start.Byte - 1; i >= 0; i-- {
		switch data[i] {
		case '{':
			col := i - bytes.LastIndexByte(data[:i], '\n')
			p := hcl.Pos{Line: line, Column: col, Byte: i}
			return hcl.Range{Filename: r.Filename, Start: p, End: hcl.Pos{Line: line, Column: col + 1, Byte: i + 1}}
		case '\n':
			line--
		case ' ', '\t', '\r':
		default:
			return r
		}
	}
	return r
}

// jsonBody converts the body of a block: the properties named in blocks
// whose value is an object or a list of objects are nested blocks (a
// "dynamic" property holds dynamic blocks), every other property is an
// argument read as modes says (a string template when it does not say).
func jsonBody(data []byte, body hcl.Body, blocks map[string]bool, modes map[string]jsonMode) (*hclsyntax.Body, error) {
	all, diags := body.JustAttributes()
	if diags.HasErrors() {
		return nil, diagError(diags)
	}
	schema := &hcl.BodySchema{}
	for name, a := range all {
		if name == "dynamic" && blocks != nil {
			schema.Blocks = append(schema.Blocks, hcl.BlockHeaderSchema{Type: "dynamic", LabelNames: []string{"type"}})
		} else if blocks[name] && isJSONBlock(a.Expr) {
			schema.Blocks = append(schema.Blocks, hcl.BlockHeaderSchema{Type: name})
		}
	}
	content, rest, diags := body.PartialContent(schema)
	if diags.HasErrors() {
		return nil, diagError(diags)
	}
	attrs, diags := rest.JustAttributes()
	if diags.HasErrors() {
		return nil, diagError(diags)
	}
	out := &hclsyntax.Body{Attributes: hclsyntax.Attributes{}, SrcRange: body.MissingItemRange(), EndRange: body.MissingItemRange()}
	for name, a := range attrs {
		e, err := jsonExpression(a.Expr, modes[name])
		if err != nil {
			return nil, err
		}
		out.Attributes[name] = &hclsyntax.Attribute{Name: name, Expr: e, SrcRange: a.Range, NameRange: a.NameRange, EqualsRange: a.NameRange}
	}
	for _, b := range content.Blocks {
		var nb *hclsyntax.Body
		var err error
		if b.Type == "dynamic" {
			// for_each and iterator (a name), and the content block: a body
			// of the dynamic block's type.
			nb, err = jsonBody(data, b.Body, nil, map[string]jsonMode{"iterator": jsonExpr})
			if err == nil {
				delete(nb.Attributes, "content")
				var content *hclsyntax.Block
				if content, err = jsonContent(data, b.Body, blocks, modes); content != nil {
					nb.Blocks = append(nb.Blocks, content)
				}
			}
		} else {
			nb, err = jsonBody(data, b.Body, blocks, modes)
		}
		if err != nil {
			return nil, err
		}
		out.Blocks = append(out.Blocks, syntaxBlock(data, b, nb))
	}
	return out, nil
}

// jsonContent converts the content block of a dynamic block, nil when
// it has none.
func jsonContent(data []byte, dyn hcl.Body, blocks map[string]bool, modes map[string]jsonMode) (*hclsyntax.Block, error) {
	c, _, diags := dyn.PartialContent(&hcl.BodySchema{Blocks: []hcl.BlockHeaderSchema{{Type: "content"}}})
	if diags.HasErrors() {
		return nil, diagError(diags)
	}
	if len(c.Blocks) == 0 {
		return nil, nil
	}
	body, err := jsonBody(data, c.Blocks[0].Body, blocks, modes)
	if err != nil {
		return nil, err
	}
	return syntaxBlock(data, c.Blocks[0], body), nil
}

// jsonObject and jsonList are what HCL's JSON expressions offer to walk
// an object or an array.
type (
	jsonObject interface{ ExprMap() []hcl.KeyValuePair }
	jsonList   interface{ ExprList() []hcl.Expression }
)

// isJSONBlock reports whether a JSON value can be block bodies: an object,
// or a list of objects.
func isJSONBlock(e hcl.Expression) bool {
	if o, ok := e.(jsonObject); ok && o.ExprMap() != nil {
		return true
	}
	l, ok := e.(jsonList)
	if !ok {
		return false
	}
	items := l.ExprList()
	if items == nil {
		return false
	}
	for _, it := range items {
		if o, ok := it.(jsonObject); !ok || o.ExprMap() == nil {
			return false
		}
	}
	return true
}

// jsonExpression converts a JSON value to a native expression with the
// same positions.
func jsonExpression(e hcl.Expression, mode jsonMode) (hclsyntax.Expression, error) {
	r := e.Range()
	if o, ok := e.(jsonObject); ok {
		if kvs := o.ExprMap(); kvs != nil {
			oc := &hclsyntax.ObjectConsExpr{SrcRange: r, OpenRange: r}
			for _, kv := range kvs {
				k, err := jsonKey(kv.Key, mode)
				if err != nil {
					return nil, err
				}
				v, err := jsonExpression(kv.Value, mode)
				if err != nil {
					return nil, err
				}
				oc.Items = append(oc.Items, hclsyntax.ObjectConsItem{KeyExpr: k, ValueExpr: v})
			}
			return oc, nil
		}
	}
	if l, ok := e.(jsonList); ok {
		if items := l.ExprList(); items != nil {
			tc := &hclsyntax.TupleConsExpr{SrcRange: r, OpenRange: r}
			for _, it := range items {
				v, err := jsonExpression(it, mode)
				if err != nil {
					return nil, err
				}
				tc.Exprs = append(tc.Exprs, v)
			}
			return tc, nil
		}
	}
	v, diags := e.Value(nil) // nil: a string as written, not a template
	if diags.HasErrors() {
		return nil, diagError(diags)
	}
	if v.IsNull() || v.Type() != cty.String || mode == jsonLiteral {
		return &hclsyntax.LiteralValueExpr{Val: v, SrcRange: r}, nil
	}
	return jsonString(v.AsString(), r, mode)
}

// jsonKey converts an object key: a template (or in an expression, an
// expression such as a provider name).
func jsonKey(k hcl.Expression, mode jsonMode) (*hclsyntax.ObjectConsKeyExpr, error) {
	v, diags := k.Value(nil)
	if diags.HasErrors() {
		return nil, diagError(diags)
	}
	s := v.AsString()
	if mode == jsonLiteral || mode == jsonTemplate && !strings.Contains(s, "${") {
		return &hclsyntax.ObjectConsKeyExpr{Wrapped: &hclsyntax.LiteralValueExpr{Val: v, SrcRange: k.Range()}}, nil
	}
	e, err := jsonString(s, k.Range(), mode)
	if err != nil {
		return nil, err
	}
	return &hclsyntax.ObjectConsKeyExpr{Wrapped: e}, nil
}

// jsonString parses a JSON string as a template or an expression, placed
// just after its opening quote (escapes the JSON parser removed shift the
// columns after them, as in Terraform's own messages).
func jsonString(s string, r hcl.Range, mode jsonMode) (hclsyntax.Expression, error) {
	start := hcl.Pos{Line: r.Start.Line, Column: r.Start.Column + 1, Byte: r.Start.Byte + 1}
	kind := syntaxTemplate
	if mode == jsonExpr {
		kind = syntaxHCL
	}
	if err := checkSource([]byte(s), r.Filename, kind); err != nil {
		return nil, err
	}
	var e hclsyntax.Expression
	var diags hcl.Diagnostics
	if mode == jsonExpr {
		e, diags = hclsyntax.ParseExpression([]byte(s), r.Filename, start)
	} else {
		e, diags = hclsyntax.ParseTemplate([]byte(s), r.Filename, start)
	}
	if diags.HasErrors() {
		return nil, diagError(diags)
	}
	return e, nil
}
