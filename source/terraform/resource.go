package terraform

import (
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/convert"

	"github.com/ecrguard/ecrguard/estate"
	"github.com/ecrguard/ecrguard/internal/iacdoc"
	"github.com/ecrguard/ecrguard/policy"
)

type expansion uint8

const (
	expandNone expansion = iota
	expandCount
	expandForEach
)

// resource is a resource or data block.
type resource struct {
	m     *module
	data  bool
	typ   string
	name  string
	key   string // "aws_x.y" or "data.aws_x.y"
	block *hclsyntax.Block

	mode     expansion
	expanded bool
	// unknownKeys: count or for_each is not known; one instance with an
	// unknown key stands for all of them.
	unknownKeys bool
	// cut: instances past maxInstances were not read (a gap says so).
	cut   bool
	insts []*instance
}

// instance is one instance of a resource (one element of count/for_each).
type instance struct {
	r    *resource
	key  cty.Value // cty.NilVal without count/for_each
	each cty.Value // each.value
	// regionKey: the key was built from an assumed region.
	regionKey bool
	addr      string
	sc        *scope

	attrs map[string]*lazy
	// doc memoizes an aws_iam_policy_document's rendering.
	doc     *iacdoc.Value
	docErr  error
	docDone bool
	docBusy bool
}

// metaArgs are the meta-arguments of resource blocks, not attributes.
var metaArgs = map[string]bool{"count": true, "for_each": true, "provider": true, "depends_on": true}

// keyed reports whether instances are addressed with a key.
func (r *resource) keyed() bool {
	r.expand()
	return r.mode != expandNone
}

// instances returns the resource's instances, expanding count/for_each.
func (r *resource) instances() []*instance {
	r.expand()
	return r.insts
}

func (r *resource) addr() string { return r.m.prefix + r.key }

func (r *resource) expand() {
	if r.expanded {
		return
	}
	r.expanded = true
	var keys []keyedInstance
	r.mode, keys, r.unknownKeys, r.cut = expandMeta(&scope{m: r.m}, r.block, r.addr())
	for _, k := range keys {
		in := &instance{r: r, key: k.key, each: k.each, regionKey: k.regionKey, attrs: map[string]*lazy{}}
		in.addr = r.addr() + indexKey(k.key)
		in.sc = &scope{m: r.m, inst: in}
		r.insts = append(r.insts, in)
	}
}

// keyedInstance is one instance of a block with count or for_each: its key
// (count.index or each.key; cty.NilVal without either) and each.value.
// regionKey: the key was built from an assumed region (see assumedRegion).
type keyedInstance struct {
	key, each cty.Value
	regionKey bool
}

// expandMeta reads the count or for_each of block (a resource, data source
// or module call at addr) in sc and returns its instances. When they are
// not known, one instance with an unknown key stands for all of them
// (unknown); past maxInstances, the rest are left out with a gap (cut).
func expandMeta(sc *scope, block *hclsyntax.Block, addr string) (mode expansion, keys []keyedInstance, unknown, cut bool) {
	body := block.Body
	l := sc.m.l
	file := block.TypeRange.Filename
	where := rangePos(block.TypeRange)
	add := func(key, each cty.Value) { keys = append(keys, keyedInstance{key: key, each: each}) }
	switch {
	case body.Attributes["count"] != nil:
		if body.Attributes["for_each"] != nil {
			l.note(file, fmt.Sprintf("%s: %s has both count and for_each, which Terraform rejects; it is read with count", where, addr))
		}
		v := sc.eval(body.Attributes["count"].Expr)
		n, ok := countOf(v)
		if !ok {
			l.note(file, fmt.Sprintf("%s: the count of %s (%s) is not known; one instance stands for all", where, addr, sc.m.exprText(body.Attributes["count"].Expr)))
			add(cty.UnknownVal(cty.Number), cty.DynamicVal)
			return expandCount, keys, true, false
		}
		if n > maxInstances {
			l.gap(estate.Gap{Source: file, Pos: where, Code: estate.GapTooComplex, Message: fmt.Sprintf("%s has a count over %d; only the first %d instances are read", addr, maxInstances, maxInstances)})
			n, cut = maxInstances, true
		}
		for i := 0; i < n; i++ {
			add(cty.NumberIntVal(int64(i)), cty.DynamicVal)
		}
		return expandCount, keys, false, cut
	case body.Attributes["for_each"] != nil:
		expr := body.Attributes["for_each"].Expr
		// each.value keeps the marks of its value, and each.key is marked
		// when the keys were built from an assumed region.
		v, marks := sc.evalMarked(expr).Unmark()
		// Terraform needs the keys known: a map's, whatever its values, and
		// every element of a set.
		if !v.IsKnown() || v.Type().IsSetType() && !v.IsWhollyKnown() {
			l.note(file, fmt.Sprintf("%s: the for_each of %s (%s) is not known; one instance stands for all", where, addr, sc.m.exprText(expr)))
			add(cty.UnknownVal(cty.String), cty.DynamicVal)
			return expandForEach, keys, true, false
		}
		// Terraform takes a map, an object or a set of strings, and nothing
		// else: a list's indexes are not keys.
		if why := forEachRejected(v); why != "" {
			l.note(file, fmt.Sprintf("%s: the for_each of %s (%s) %s, which Terraform rejects (it takes a map or a set of strings); one instance stands for all", where, addr, sc.m.exprText(expr), why))
			add(cty.UnknownVal(cty.String), cty.DynamicVal)
			return expandForEach, keys, true, false
		}
		n := 0
		for it := v.ElementIterator(); it.Next(); {
			k, e := it.Element()
			if v.Type().IsSetType() {
				k = e
			}
			if n++; n > maxInstances {
				l.gap(estate.Gap{Source: file, Pos: where, Code: estate.GapTooComplex, Message: fmt.Sprintf("%s has more than %d instances; only the first %d are read", addr, maxInstances, maxInstances)})
				cut = true
				break
			}
			key, byRegion := regionKey(k, marks)
			keys = append(keys, keyedInstance{key, e, byRegion})
		}
		return expandForEach, keys, false, cut
	}
	add(cty.NilVal, cty.DynamicVal)
	return expandNone, keys, false, false
}

// forEachRejected says why Terraform rejects v, a known for_each value, or
// returns "".
func forEachRejected(v cty.Value) string {
	t := v.Type()
	switch {
	case v.IsNull():
		return "is null"
	case t.IsMapType() || t.IsObjectType():
		return ""
	case !t.IsSetType():
		return "is a " + t.FriendlyName()
	case v.LengthInt() == 0:
		return ""
	case t.ElementType() != cty.String:
		return "is a " + t.FriendlyName()
	}
	for it := v.ElementIterator(); it.Next(); {
		if _, e := it.Element(); e.IsNull() {
			return "holds null"
		}
	}
	return ""
}

// countOf reads a count as Terraform does: converted to a number ("2" is 2).
func countOf(v cty.Value) (int, bool) {
	v, err := convert.Convert(v, cty.Number)
	if err != nil || !v.IsKnown() || v.IsNull() {
		return 0, false
	}
	bf := v.AsBigFloat()
	i, _ := bf.Int64()
	if i < 0 || !bf.IsInt() {
		return 0, false
	}
	return int(min(i, int64(maxInstances+1))), true
}

// value is what a reference to the resource evaluates to: an instance's
// object, a tuple of them (count) or an object of them (for_each). attrs
// limits the attributes built (nil: all).
func (r *resource) value(attrs map[string]bool) cty.Value {
	insts := r.instances()
	if r.unknownKeys || r.cut {
		// Which instances there are is not known, or not all were read.
		return cty.DynamicVal
	}
	return keyedValue(r.mode, insts, func(in *instance) (cty.Value, cty.Value) { return in.key, in.object(attrs) })
}

// object builds the instance's value with attrs (nil: every attribute and
// block written, plus the computed attributes ecrguard knows).
func (in *instance) object(attrs map[string]bool) cty.Value {
	obj := map[string]cty.Value{}
	if attrs == nil {
		attrs = map[string]bool{}
		for name := range in.r.block.Body.Attributes {
			if !metaArgs[name] {
				attrs[name] = true
			}
		}
		for _, b := range in.r.block.Body.Blocks {
			name := b.Type
			if name == "dynamic" && len(b.Labels) == 1 {
				name = b.Labels[0]
			}
			if name != "lifecycle" && name != "provisioner" && name != "connection" {
				attrs[name] = true
			}
		}
		for _, name := range computedAttrs(in.r) {
			attrs[name] = true
		}
	}
	for _, name := range slices.Sorted(maps.Keys(attrs)) {
		obj[name] = in.attrMarked(name)
	}
	return cty.ObjectVal(obj)
}

// attr returns an attribute's value: as written, as computed from what is
// written (an ARN from a name), or unknown.
func (in *instance) attr(name string) cty.Value {
	return in.r.m.l.unmarked(in.attrMarked(name))
}

// attrMarked is attr with the marks of the value (see evalMarked).
func (in *instance) attrMarked(name string) cty.Value {
	a := in.attrs[name]
	if a == nil {
		a = &lazy{}
		in.attrs[name] = a
	}
	return a.get(func() cty.Value {
		return in.r.m.l.bounded(in.computeAttr(name), in.addr+"."+name, in.r.block.TypeRange)
	})
}

func (in *instance) computeAttr(name string) cty.Value {
	body := in.r.block.Body
	if a := body.Attributes[name]; a != nil && !metaArgs[name] {
		return in.sc.evalMarked(a.Expr)
	}
	if bl, known := in.sc.blocks(body, name); len(bl) > 0 || !known {
		if !known {
			return cty.DynamicVal
		}
		vals := make([]cty.Value, len(bl))
		for i, b := range bl {
			vals[i] = b.value()
		}
		return cty.TupleVal(vals)
	}
	if v, ok := in.computed(name); ok {
		return v
	}
	return cty.DynamicVal
}

// block is one nested block, with the scope its expressions are evaluated
// in (a dynamic block's iterator included).
type block struct {
	b  *hclsyntax.Block // the block as written (the content block of a dynamic block)
	sc *scope
}

// blocks returns the nested blocks of type typ in body, with dynamic blocks
// expanded. known is false when a dynamic block's for_each is not known.
func (s *scope) blocks(body *hclsyntax.Body, typ string) (out []block, known bool) {
	known = true
	for _, b := range body.Blocks {
		switch {
		case b.Type == typ:
			out = append(out, block{b: b, sc: s})
		case b.Type == "dynamic" && len(b.Labels) == 1 && b.Labels[0] == typ:
			var content *hclsyntax.Block
			for _, c := range b.Body.Blocks {
				if c.Type == "content" {
					content = c
				}
			}
			fe := b.Body.Attributes["for_each"]
			if content == nil || fe == nil {
				continue
			}
			iter := typ
			if a := b.Body.Attributes["iterator"]; a != nil {
				if kw := hcl.ExprAsKeyword(a.Expr); kw != "" {
					iter = kw
				}
			}
			v, marks := s.evalMarked(fe.Expr).Unmark()
			if !v.IsWhollyKnown() || v.IsNull() || !v.CanIterateElements() {
				known = false
				continue
			}
			n := 0
			for it := v.ElementIterator(); it.Next(); {
				if n++; n > maxInstances {
					break
				}
				k, e := it.Element()
				if v.Type().IsSetType() {
					k = e
				}
				k, byRegion := regionKey(k, marks)
				obj := cty.ObjectVal(map[string]cty.Value{"key": regional(k, byRegion), "value": e})
				out = append(out, block{b: content, sc: s.with(iter, obj)})
			}
		}
	}
	return out, known
}

// value is the block's object value: its attributes and nested blocks.
func (b block) value() cty.Value {
	obj := map[string]cty.Value{}
	for name, a := range b.b.Body.Attributes {
		obj[name] = b.sc.evalMarked(a.Expr)
	}
	types := map[string]bool{}
	for _, nb := range b.b.Body.Blocks {
		t := nb.Type
		if t == "dynamic" && len(nb.Labels) == 1 {
			t = nb.Labels[0]
		}
		types[t] = true
	}
	for t := range types {
		bl, known := b.sc.blocks(b.b.Body, t)
		if !known {
			obj[t] = cty.DynamicVal
			continue
		}
		vals := make([]cty.Value, len(bl))
		for i, x := range bl {
			vals[i] = x.value()
		}
		obj[t] = cty.TupleVal(vals)
	}
	return cty.ObjectVal(obj)
}

// Computed attributes that ecrguard derives from what is written.

func computedAttrs(r *resource) []string {
	switch r.kind() {
	case "aws_ecr_repository":
		return []string{"arn", "id", "registry_id", "repository_url", "tags_all"}
	case "data.aws_ecr_repository":
		return []string{"arn", "id", "registry_id", "repository_url"}
	case "aws_ecrpublic_repository":
		return []string{"arn", "id", "registry_id"}
	case "aws_iam_role", "aws_iam_user":
		return []string{"arn", "id", "name", "path", "tags_all"}
	case "aws_iam_group", "aws_iam_policy":
		return []string{"arn", "id", "name", "path"}
	case "data.aws_caller_identity":
		return []string{"account_id", "id"}
	case "data.aws_region":
		return []string{"name", "region", "id"}
	case "data.aws_partition":
		return []string{"partition", "dns_suffix", "reverse_dns_prefix", "id"}
	case "data.aws_iam_policy_document":
		return []string{"json", "minified_json"}
	}
	return nil
}

// kind is the resource type, prefixed "data." for data sources.
func (r *resource) kind() string {
	if r.data {
		return "data." + r.typ
	}
	return r.typ
}

func (in *instance) str(name string) (string, bool) {
	return asString(in.attr(name))
}

// account returns the account the configuration deploys to.
func (in *instance) account() (string, bool) {
	a := in.r.m.l.account
	return a, a != ""
}

func (in *instance) region() string {
	r, _ := in.r.m.regionOf(in.r.block)
	return r
}

// regionValue is the instance's region, marked when it is assumed (see
// assumedRegion).
func (in *instance) regionValue() cty.Value {
	r, assumed := in.r.m.regionOf(in.r.block)
	if assumed {
		in.r.m.l.regionRead = true
	}
	return regional(cty.StringVal(r), assumed)
}

func (in *instance) computed(name string) (cty.Value, bool) {
	acct, acctOK := in.account()
	if name == "tags_all" && slices.Contains(computedAttrs(in.r), name) {
		return in.tagsAll(), true
	}
	switch in.r.kind() {
	case "aws_ecr_repository", "data.aws_ecr_repository":
		repo, ok := in.str("name")
		switch name {
		case "id":
			if ok {
				return cty.StringVal(repo), true
			}
		case "registry_id":
			if acctOK {
				return cty.StringVal(acct), true
			}
		case "arn":
			if ok && acctOK {
				return cty.StringVal(estate.RepositoryARN(in.region(), acct, repo)), true
			}
		case "repository_url":
			if ok && acctOK {
				return cty.StringVal(fmt.Sprintf("%s.dkr.ecr.%s.amazonaws.com/%s", acct, in.region(), repo)), true
			}
		}
	case "aws_iam_role", "aws_iam_user", "aws_iam_group", "aws_iam_policy":
		n, ok := in.iamName()
		p := in.iamPath()
		switch name {
		case "name":
			if ok {
				return cty.StringVal(n), true
			}
		case "path":
			if p != "" {
				return cty.StringVal(p), true
			}
		case "id":
			if in.r.typ == "aws_iam_policy" {
				return in.computed("arn")
			}
			if ok {
				return cty.StringVal(n), true
			}
		case "arn":
			if ok && acctOK && p != "" {
				return cty.StringVal(iamARN(acct, strings.TrimPrefix(in.r.typ, "aws_iam_"), p, n)), true
			}
		}
	case "aws_ecrpublic_repository":
		repo, ok := in.str("repository_name")
		switch {
		case name == "id" && ok:
			return cty.StringVal(repo), true
		case name == "registry_id" && acctOK:
			return cty.StringVal(acct), true
		case name == "arn" && ok && acctOK:
			return cty.StringVal(estate.PublicRepositoryARN(acct, repo)), true
		}
	case "data.aws_caller_identity":
		if (name == "account_id" || name == "id") && acctOK {
			return cty.StringVal(acct), true
		}
	case "data.aws_region":
		if name == "name" || name == "region" || name == "id" {
			return in.regionValue(), true
		}
	case "data.aws_partition":
		switch name {
		case "partition", "id":
			return cty.StringVal("aws"), true
		case "dns_suffix":
			return cty.StringVal("amazonaws.com"), true
		case "reverse_dns_prefix":
			return cty.StringVal("com.amazonaws"), true
		}
	case "data.aws_iam_policy_document":
		if name == "json" || name == "minified_json" {
			v, err := in.policyDocument()
			if err != nil || v == nil || !v.IsWhollyKnown() {
				return cty.UnknownVal(cty.String), true
			}
			return cty.StringVal(renderJSON(v)), true
		}
	}
	return cty.NilVal, false
}

// tagsAll is the tags Terraform gives the resource: its provider's
// default_tags, with its own tags over them (Terraform AWS provider,
// "default_tags": tags set on a resource take precedence); unknown when
// either is.
func (in *instance) tagsAll() cty.Value {
	var own map[string]string
	if in.r.block.Body.Attributes["tags"] != nil {
		tags, ok := stringMap(in.attr("tags"))
		if !ok {
			return cty.DynamicVal
		}
		own = tags
	}
	all := map[string]cty.Value{}
	if p := in.r.m.providerFor(in.r.block); p != nil {
		if !p.tagsKnown {
			return cty.DynamicVal
		}
		for k, v := range p.defTags {
			all[k] = cty.StringVal(v)
		}
	}
	for k, v := range own {
		all[k] = cty.StringVal(v)
	}
	if len(all) == 0 {
		return cty.MapValEmpty(cty.String)
	}
	return cty.MapVal(all)
}

// iamName returns an IAM entity's name: as written, or, when name is not
// written (Terraform generates one), a placeholder: the expression that
// gives it (<aws_iam_role.ci.name>). A name_prefix or an unknown name is
// not known.
func (in *instance) iamName() (string, bool) {
	body := in.r.block.Body
	if body.Attributes["name"] != nil {
		return in.nameAttr("name")
	}
	if body.Attributes["name_prefix"] != nil {
		return "", false
	}
	return policy.Placeholder(in.addr + ".name"), true
}

func (in *instance) nameAttr(attr string) (string, bool) {
	v := in.attr(attr)
	return asString(v)
}

// iamPath returns the entity's path ("/" by default), or "" when unknown.
func (in *instance) iamPath() string {
	if in.r.block.Body.Attributes["path"] == nil {
		return "/"
	}
	p, ok := asString(in.attr("path"))
	if !ok {
		return ""
	}
	return p
}

// iamARN builds arn:aws:iam::ACCOUNT:KIND PATH NAME.
func iamARN(account, kind, path, name string) string {
	if path == "" {
		path = "/"
	}
	return "arn:aws:iam::" + account + ":" + kind + path + name
}
