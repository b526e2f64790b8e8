package cloudformation

import (
	"encoding/base64"
	"fmt"
	"strconv"
	"strings"

	"github.com/ecrguard/ecrguard/estate"
	"github.com/ecrguard/ecrguard/internal/iacdoc"
	"github.com/ecrguard/ecrguard/policy"
)

// maxResolveDepth bounds nested intrinsic functions and references.
const maxResolveDepth = 64

// tri is a three-valued truth for conditions.
type tri uint8

const (
	triUnknown tri = iota
	triTrue
	triFalse
)

// resolve evaluates a template value: intrinsic functions are applied
// where their inputs are known and the value is Unknown (described as
// written, "!Ref PartnerArn") where they are not. removed is set for
// AWS::NoValue.
func (t *tmpl) resolve(n *node, depth int) (v *iacdoc.Value, removed bool) {
	if n == nil {
		return &iacdoc.Value{Kind: iacdoc.Null}, false
	}
	// A value depends only on its node: resolve each once, so that
	// references (Ref, FindInMap, GetAtt) that reach the same node many
	// times cost nothing, and a reference cycle is unknown, not a loop.
	if m, ok := t.memo[n]; ok {
		if m.busy {
			return iacdoc.Unk("(a circular reference)", n.pos), false
		}
		return m.v, m.removed
	}
	t.memo[n] = &memoEntry{busy: true}
	v, removed = t.resolveNode(n, depth)
	if v != nil && t.size(v) > maxValueSize {
		v = iacdoc.Unk("(a value too large to read)", n.pos)
	}
	t.memo[n] = &memoEntry{v: v, removed: removed}
	return v, removed
}

// maxValueSize bounds the size of a resolved value counted as a tree.
// References can share one value many times over (a parameter's default
// that lists another parameter twice, and so on), so a small template can
// describe a value of exponential size; such a value is unknown.
const maxValueSize = 20_000

// size counts v as a tree, once per shared part.
func (t *tmpl) size(v *iacdoc.Value) int {
	if n, ok := t.sizes[v]; ok {
		return n
	}
	n := 1
	for _, e := range v.Elems {
		n += t.size(e)
		if n > maxValueSize {
			break
		}
	}
	for _, m := range v.Members {
		n += t.size(m.Value)
		if n > maxValueSize {
			break
		}
	}
	n = min(n, maxValueSize+1)
	t.sizes[v] = n
	return n
}

type memoEntry struct {
	v       *iacdoc.Value
	removed bool
	busy    bool
}

func (t *tmpl) resolveNode(n *node, depth int) (v *iacdoc.Value, removed bool) {
	if n == nil {
		return &iacdoc.Value{Kind: iacdoc.Null}, false
	}
	if depth > maxResolveDepth {
		return iacdoc.Unk("(intrinsic functions nested too deep)", n.pos), false
	}
	switch n.kind {
	case scalarNode:
		switch n.typ {
		case nullScalar:
			return &iacdoc.Value{Kind: iacdoc.Null, Pos: n.pos}, false
		case boolScalar:
			return &iacdoc.Value{Kind: iacdoc.Bool, Pos: n.pos, Text: n.text}, false
		case numScalar:
			return &iacdoc.Value{Kind: iacdoc.Number, Pos: n.pos, Text: n.text}, false
		}
		return iacdoc.Str(n.text, n.pos), false
	case seqNode:
		out := &iacdoc.Value{Kind: iacdoc.Array, Pos: n.pos}
		for _, e := range n.elems {
			v, rm := t.resolve(e, depth+1)
			if !rm {
				out.Elems = append(out.Elems, v)
			}
		}
		return out, false
	}
	if fn, arg, ok := intrinsic(n); ok {
		return t.intrinsic(n, fn, arg, depth)
	}
	out := &iacdoc.Value{Kind: iacdoc.Object, Pos: n.pos}
	for _, m := range n.members {
		v, rm := t.resolve(m.value, depth+1)
		if !rm {
			out.Members = append(out.Members, iacdoc.Member{Key: m.key, KeyPos: m.keyPos, Value: v})
		}
	}
	return out, false
}

// intrinsic reports whether n is an intrinsic function call: a mapping with
// one key, Ref or Fn::*. ("Condition" is one only where conditions are
// evaluated: in a policy statement it is the Condition element.)
func intrinsic(n *node) (string, *node, bool) {
	if n.kind != mapNode || len(n.members) != 1 {
		return "", nil, false
	}
	k := n.members[0].key
	if k == "Ref" || strings.HasPrefix(k, "Fn::") || (k == "Condition" && n.fromTag) {
		return k, n.members[0].value, true
	}
	return "", nil, false
}

// describe writes an intrinsic call the way a reader of the template
// recognizes it: !Ref X, !GetAtt A.B, !Sub '...'.
func describe(fn string, arg *node) string {
	short := "!" + strings.TrimPrefix(fn, "Fn::")
	switch fn {
	case "Ref":
		if s, ok := arg.str(); ok {
			return "!Ref " + s
		}
	case "Fn::GetAtt":
		if arg.kind == seqNode && len(arg.elems) == 2 {
			a, _ := arg.elems[0].str()
			b, _ := arg.elems[1].str()
			return "!GetAtt " + a + "." + b
		}
	case "Fn::FindInMap":
		if arg.kind == seqNode {
			parts := make([]string, len(arg.elems))
			for i, e := range arg.elems {
				if s, ok := e.str(); ok {
					parts[i] = s
				} else if f, a, ok := intrinsic(e); ok {
					parts[i] = describe(f, a)
				} else {
					parts[i] = "..."
				}
			}
			return short + " [" + strings.Join(parts, ", ") + "]"
		}
	case "Fn::Sub", "Fn::ImportValue":
		if s, ok := arg.str(); ok {
			return short + " " + strconv.Quote(s)
		}
		if arg.kind == seqNode && len(arg.elems) > 0 {
			if s, ok := arg.elems[0].str(); ok {
				return short + " " + strconv.Quote(s)
			}
		}
	}
	return short + " ..."
}

func (t *tmpl) intrinsic(n *node, fn string, arg *node, depth int) (*iacdoc.Value, bool) {
	unk := func() (*iacdoc.Value, bool) { return iacdoc.Unk(describe(fn, arg), n.pos), false }
	switch fn {
	case "Ref":
		name, ok := arg.str()
		if !ok {
			return unk()
		}
		return t.ref(name, n.pos, depth)
	case "Fn::GetAtt":
		var id, attr string
		switch {
		case arg.kind == seqNode && len(arg.elems) == 2:
			id, _ = arg.elems[0].str()
			av, _ := t.resolve(arg.elems[1], depth+1)
			if av.Kind == iacdoc.String {
				attr = av.Text
			}
		case arg.kind == scalarNode:
			id, attr, _ = strings.Cut(arg.text, ".")
		}
		if id == "" || attr == "" {
			return unk()
		}
		if v := t.getAtt(id, attr, n.pos); v != nil {
			return v, false
		}
		return iacdoc.Unk("!GetAtt "+id+"."+attr, n.pos), false
	case "Fn::Sub":
		s, known, ok := t.sub(arg, depth)
		switch {
		case !ok:
			return unk()
		case !known:
			// Described with what is known substituted, so that an ARN
			// whose account alone is unknown reads as one
			// (!Sub "arn:${AWS::Partition}:iam::${Partner}:root").
			return iacdoc.Unk("!Sub "+strconv.Quote(s), n.pos), false
		}
		return iacdoc.Str(s, n.pos), false
	case "Fn::Join":
		if arg.kind != seqNode || len(arg.elems) != 2 {
			return unk()
		}
		delim, ok := arg.elems[0].str()
		if !ok {
			return unk()
		}
		lv, _ := t.resolve(arg.elems[1], depth+1)
		if lv.Kind != iacdoc.Array {
			return unk()
		}
		parts := make([]string, 0, len(lv.Elems))
		known := true
		for _, e := range lv.Elems {
			switch e.Kind {
			case iacdoc.String, iacdoc.Number, iacdoc.Bool:
				parts = append(parts, e.Text)
			case iacdoc.Unknown:
				known = false
				parts = append(parts, "${"+e.Text+"}")
			default:
				return unk()
			}
		}
		if !known {
			return iacdoc.Unk(strings.Join(parts, delim), n.pos), false
		}
		return iacdoc.Str(strings.Join(parts, delim), n.pos), false
	case "Fn::Select":
		if arg.kind != seqNode || len(arg.elems) != 2 {
			return unk()
		}
		iv, _ := t.resolve(arg.elems[0], depth+1)
		lv, _ := t.resolve(arg.elems[1], depth+1)
		i, err := strconv.Atoi(iv.Text)
		if (iv.Kind != iacdoc.String && iv.Kind != iacdoc.Number) || err != nil || lv.Kind != iacdoc.Array || i < 0 || i >= len(lv.Elems) {
			return unk()
		}
		return lv.Elems[i], false
	case "Fn::Split":
		if arg.kind != seqNode || len(arg.elems) != 2 {
			return unk()
		}
		delim, ok := arg.elems[0].str()
		sv, _ := t.resolve(arg.elems[1], depth+1)
		if !ok || delim == "" || sv.Kind != iacdoc.String {
			return unk()
		}
		out := &iacdoc.Value{Kind: iacdoc.Array, Pos: n.pos}
		for _, p := range strings.Split(sv.Text, delim) {
			out.Elems = append(out.Elems, iacdoc.Str(p, sv.Pos))
		}
		return out, false
	case "Fn::If":
		if arg.kind != seqNode || len(arg.elems) != 3 {
			return unk()
		}
		cond, taken := t.ifBranch(arg, depth)
		if taken != nil {
			return t.resolve(taken, depth+1)
		}
		// Both branches are possible: known only if they agree.
		a, ra := t.resolve(arg.elems[1], depth+1)
		b, rb := t.resolve(arg.elems[2], depth+1)
		if ra == rb && (ra || a.IsWhollyKnown() && b.IsWhollyKnown() && a.JSON() == b.JSON()) {
			return a, ra
		}
		u := iacdoc.Unk("!If ["+cond+", ...] ("+t.whyUnknown(cond)+")", n.pos)
		br := &ifBranches{cond: cond, vals: [2]*iacdoc.Value{a, b}}
		for i, rm := range []bool{ra, rb} {
			if rm {
				br.vals[i] = nil
			}
		}
		t.branches[u] = br
		return u, false
	case "Fn::FindInMap":
		if arg.kind != seqNode || len(arg.elems) < 3 {
			return unk()
		}
		// A key that a pseudo parameter the scan does not fix gives (the
		// region or the account, not given) picks the entry of whatever
		// the deployment is: any entry. The value is unknown, as a
		// condition on that parameter is, never the entry of the region
		// a scan assumes.
		for _, f := range t.freeInputs(&node{kind: seqNode, elems: arg.elems[:3]}) {
			if strings.HasPrefix(f.name, "AWS::") {
				d := describe(fn, arg)
				t.note(n.pos, d+" is not known: it depends on "+f.why+"; what it gives is taken at its worst")
				return iacdoc.Unk(d, n.pos), false
			}
		}
		keys := make([]string, 3)
		for i := 0; i < 3; i++ {
			v, _ := t.resolve(arg.elems[i], depth+1)
			if v.Kind != iacdoc.String && v.Kind != iacdoc.Number {
				return unk()
			}
			keys[i] = v.Text
		}
		if x := t.mappings.get(keys[0]).get(keys[1]).get(keys[2]); x != nil {
			return t.resolve(x, depth+1)
		}
		if len(arg.elems) == 4 {
			if d := arg.elems[3].get("DefaultValue"); d != nil {
				return t.resolve(d, depth+1)
			}
		}
		return unk()
	case "Fn::Base64":
		v, _ := t.resolve(arg, depth+1)
		if v.Kind != iacdoc.String {
			return unk()
		}
		return iacdoc.Str(base64.StdEncoding.EncodeToString([]byte(v.Text)), n.pos), false
	case "Fn::ToJsonString":
		v, _ := t.resolve(arg, depth+1)
		if !v.IsWhollyKnown() {
			return unk()
		}
		return iacdoc.Str(v.JSON(), n.pos), false
	case "Fn::Length":
		v, _ := t.resolve(arg, depth+1)
		if v.Kind != iacdoc.Array || !v.IsWhollyKnown() {
			return unk()
		}
		return &iacdoc.Value{Kind: iacdoc.Number, Pos: n.pos, Text: strconv.Itoa(len(v.Elems))}, false
	}
	// Fn::ImportValue, Fn::GetAZs, Fn::Cidr, Fn::Transform and the rest
	// are known only at deployment.
	return unk()
}

// ref resolves Ref: a pseudo parameter, a parameter, or a resource's
// physical id.
func (t *tmpl) ref(name string, pos policy.Pos, depth int) (*iacdoc.Value, bool) {
	if t.env != nil && t.env.unknown[name] {
		// In a condition: a parameter's Default is only what deployment
		// uses when no value is given, and the region was not given.
		return iacdoc.Unk("!Ref "+name, pos), false
	}
	switch name {
	case "AWS::NoValue":
		return nil, true
	case "AWS::AccountId":
		if t.account != "" {
			return iacdoc.Str(t.account, pos), false
		}
	case "AWS::Region":
		return iacdoc.Str(t.region, pos), false
	case "AWS::Partition":
		return iacdoc.Str("aws", pos), false
	case "AWS::URLSuffix":
		return iacdoc.Str("amazonaws.com", pos), false
	case "AWS::StackName":
		if t.opts.StackName != "" {
			return iacdoc.Str(t.opts.StackName, pos), false
		}
	}
	if strings.HasPrefix(name, "AWS::") {
		return iacdoc.Unk("!Ref "+name, pos), false
	}
	if p := t.params[name]; p != nil {
		return t.param(p, pos, depth)
	}
	if r := t.resources[name]; r != nil {
		if v := t.physicalID(r, pos); v != nil {
			return v, false
		}
		return iacdoc.Unk("!Ref "+name, pos), false
	}
	t.note(pos, fmt.Sprintf("!Ref %s names no parameter or resource of the template; read as unknown", name))
	return iacdoc.Unk("!Ref "+name, pos), false
}

// param is a parameter's value: given in Options.Parameters, or its
// Default; unknown otherwise.
func (t *tmpl) param(p *param, pos policy.Pos, depth int) (*iacdoc.Value, bool) {
	typ, _ := p.node.get("Type").str()
	list := strings.HasPrefix(typ, "List<") || typ == "CommaDelimitedList"
	if strings.HasPrefix(typ, "AWS::SSM::Parameter::Value<") {
		return iacdoc.Unk("!Ref "+p.name+" (an SSM parameter's value)", pos), false
	}
	mk := func(s string, at policy.Pos) *iacdoc.Value {
		if !list {
			return iacdoc.Str(s, at)
		}
		out := &iacdoc.Value{Kind: iacdoc.Array, Pos: at}
		for _, e := range strings.Split(s, ",") {
			out.Elems = append(out.Elems, iacdoc.Str(strings.TrimSpace(e), at))
		}
		return out
	}
	if s, ok := t.opts.Parameters[p.name]; ok {
		return mk(s, pos), false
	}
	if t.env != nil {
		if s, ok := t.env.values[p.name]; ok {
			return mk(s, pos), false
		}
	}
	if d := p.node.get("Default"); d != nil {
		if s, ok := d.str(); ok {
			return mk(s, d.pos), false
		}
		v, _ := t.resolve(d, depth+1)
		return v, false
	}
	return iacdoc.Unk("!Ref "+p.name, pos), false
}

// nameOf returns a resource's name property, or a placeholder for the name
// CloudFormation generates or that is not known (<!Ref LogicalId>, the
// expression that gives it), which no real name can equal. known is false
// when the property is written but not known.
func (t *tmpl) nameOf(r *resource, prop string) (name string, known bool) {
	n := r.props.get(prop)
	if n == nil {
		return policy.Placeholder("!Ref " + r.id), true
	}
	v, _ := t.resolve(n, 1)
	if v.Kind == iacdoc.String && v.Text != "" {
		return v.Text, true
	}
	return policy.Placeholder("!Ref " + r.id), false
}

func (t *tmpl) pathOf(r *resource) string {
	n := r.props.get("Path")
	if n == nil {
		return "/"
	}
	v, _ := t.resolve(n, 1)
	if v.Kind == iacdoc.String && v.Text != "" {
		return v.Text
	}
	return ""
}

// ifBranch returns the condition of an Fn::If's [condition, then, else]
// and the branch it takes, or nil when either is possible.
func (t *tmpl) ifBranch(arg *node, depth int) (cond string, taken *node) {
	cond, _ = arg.elems[0].str()
	switch t.condition(cond, depth+1) {
	case triTrue:
		return cond, arg.elems[1]
	case triFalse:
		return cond, arg.elems[2]
	}
	return cond, nil
}

// taken returns what property value n stands for once the Fn::Ifs around
// it are decided: the branch each takes, nil for AWS::NoValue (or no n).
// When the condition of one is not known, that Fn::If is returned with
// its condition.
func (t *tmpl) taken(n *node) (out *node, undecided string) {
	for depth := 0; n != nil && depth <= maxResolveDepth; depth++ {
		fn, arg, ok := intrinsic(n)
		switch {
		case !ok:
			return n, ""
		case fn == "Ref":
			if s, _ := arg.str(); s == "AWS::NoValue" {
				return nil, ""
			}
			return n, ""
		case fn != "Fn::If" || arg.kind != seqNode || len(arg.elems) != 3:
			return n, ""
		}
		cond, br := t.ifBranch(arg, depth)
		if br == nil {
			return n, cond
		}
		n = br
	}
	return n, ""
}

// physicalID is what Ref of a resource returns, where ecrguard knows it.
func (t *tmpl) physicalID(r *resource, pos policy.Pos) *iacdoc.Value {
	var prop string
	switch r.typ {
	case "AWS::ECR::Repository":
		prop = "RepositoryName"
	case "AWS::IAM::Role", "AWS::IAM::User", "AWS::IAM::Group":
		_, prop = iamKind(r.typ)
	case "AWS::IAM::ManagedPolicy":
		return t.getAtt(r.id, "PolicyArn", pos)
	default:
		return nil
	}
	if name, ok := t.nameOf(r, prop); ok {
		return iacdoc.Str(name, pos)
	}
	return nil
}

// getAtt returns the attributes ecrguard can construct: ARNs (and a
// repository's URI) from names, when the account is known.
func (t *tmpl) getAtt(id, attr string, pos policy.Pos) *iacdoc.Value {
	r := t.resources[id]
	if r == nil || t.account == "" {
		return nil
	}
	switch {
	case r.typ == "AWS::ECR::Repository" && (attr == "Arn" || attr == "RepositoryUri"):
		name, ok := t.nameOf(r, "RepositoryName")
		if !ok {
			return nil
		}
		if attr == "Arn" {
			return iacdoc.Str(estate.RepositoryARN(t.region, t.account, name), pos)
		}
		return iacdoc.Str(fmt.Sprintf("%s.dkr.ecr.%s.amazonaws.com/%s", t.account, t.region, name), pos)
	case r.typ == "AWS::IAM::Role" && attr == "Arn",
		r.typ == "AWS::IAM::User" && attr == "Arn",
		r.typ == "AWS::IAM::Group" && attr == "Arn",
		r.typ == "AWS::IAM::ManagedPolicy" && attr == "PolicyArn":
		kind, prop := iamKind(r.typ)
		name, ok := t.nameOf(r, prop)
		path := t.pathOf(r)
		if !ok || path == "" {
			return nil
		}
		return iacdoc.Str(iamARN(t.account, kind, path, name), pos)
	}
	return nil
}

func iamKind(typ string) (kind, nameProp string) {
	switch typ {
	case "AWS::IAM::User":
		return "user", "UserName"
	case "AWS::IAM::Group":
		return "group", "GroupName"
	case "AWS::IAM::ManagedPolicy":
		return "policy", "ManagedPolicyName"
	}
	return "role", "RoleName"
}

// iamARN builds arn:aws:iam::ACCOUNT:KIND PATH NAME.
func iamARN(account, kind, path, name string) string {
	if path == "" {
		path = "/"
	}
	return "arn:aws:iam::" + account + ":" + kind + path + name
}

// subPart is one piece of a Fn::Sub string: literal text, or a variable.
type subPart struct {
	text string
	off  int // offset in the Sub string
	v    bool
}

// splitSub splits a Fn::Sub string into literal text and ${Var} variables;
// ${!Literal} is the literal ${Literal}. Each part keeps its offset in s.
func splitSub(s string) []subPart {
	var out []subPart
	for i := 0; i < len(s); {
		if strings.HasPrefix(s[i:], "${") {
			end := strings.IndexByte(s[i:], '}')
			if end < 0 {
				out = append(out, subPart{text: s[i:], off: i})
				break
			}
			name := s[i+2 : i+end]
			if strings.HasPrefix(name, "!") {
				out = append(out, subPart{text: "${" + name[1:] + "}", off: i})
			} else {
				out = append(out, subPart{text: strings.TrimSpace(name), off: i, v: true})
			}
			i += end + 1
			continue
		}
		j := strings.Index(s[i:], "${")
		if j < 0 {
			j = len(s) - i
		}
		out = append(out, subPart{text: s[i : i+j], off: i})
		i += j
	}
	return out
}

// subVar resolves one ${Var} of a Fn::Sub: a variable of its map, a
// parameter, pseudo parameter or resource (Ref), or Logical.Attribute
// (GetAtt).
func (t *tmpl) subVar(name string, vars *node, pos policy.Pos, depth int) *iacdoc.Value {
	if v := vars.get(name); v != nil {
		r, _ := t.resolve(v, depth+1)
		return r
	}
	if id, attr, ok := strings.Cut(name, "."); ok && !strings.HasPrefix(name, "AWS::") {
		if v := t.getAtt(id, attr, pos); v != nil {
			return v
		}
		return iacdoc.Unk("${"+name+"}", pos)
	}
	v, rm := t.ref(name, pos, depth+1)
	if rm || v == nil {
		return iacdoc.Str("", pos)
	}
	if v.Kind == iacdoc.Unknown {
		return iacdoc.Unk("${"+name+"}", pos)
	}
	return v
}

// subArgs returns a Fn::Sub's string node and variable map.
func subArgs(arg *node) (*node, *node, bool) {
	switch {
	case arg.kind == scalarNode && arg.typ == strScalar:
		return arg, nil, true
	case arg.kind == seqNode && len(arg.elems) == 2 && arg.elems[0].kind == scalarNode:
		return arg.elems[0], arg.elems[1], true
	}
	return nil, nil, false
}

// sub evaluates a Fn::Sub to a string: known when every variable is, and
// otherwise the string with the known variables substituted and the
// others written ${Name}. ok is false for a Fn::Sub CloudFormation rejects.
func (t *tmpl) sub(arg *node, depth int) (s string, known, ok bool) {
	sn, vars, ok := subArgs(arg)
	if !ok {
		return "", false, false
	}
	var b strings.Builder
	known = true
	for _, p := range splitSub(sn.text) {
		if !p.v {
			b.WriteString(p.text)
			continue
		}
		v := t.subVar(p.text, vars, sn.pos, depth)
		switch v.Kind {
		case iacdoc.String, iacdoc.Number, iacdoc.Bool:
			b.WriteString(v.Text)
		case iacdoc.Unknown:
			b.WriteString("${" + p.text + "}")
			known = false
		default:
			return "", false, false
		}
	}
	return b.String(), known, true
}

func (t *tmpl) evalCond(n *node, depth int) tri {
	if n == nil || depth > maxResolveDepth || n.kind != mapNode || len(n.members) != 1 {
		return triUnknown
	}
	fn, arg := n.members[0].key, n.members[0].value
	switch fn {
	case "Condition":
		name, _ := arg.str()
		return t.condition(name, depth+1)
	case "Fn::Equals":
		if arg.kind != seqNode || len(arg.elems) != 2 {
			return triUnknown
		}
		a, _ := t.resolve(arg.elems[0], depth+1)
		b, _ := t.resolve(arg.elems[1], depth+1)
		if !a.IsWhollyKnown() || !b.IsWhollyKnown() {
			return triUnknown
		}
		if scalarText(a) == scalarText(b) {
			return triTrue
		}
		return triFalse
	case "Fn::Not":
		if arg.kind != seqNode || len(arg.elems) != 1 {
			return triUnknown
		}
		switch t.evalCond(arg.elems[0], depth+1) {
		case triTrue:
			return triFalse
		case triFalse:
			return triTrue
		}
		return triUnknown
	case "Fn::And", "Fn::Or":
		if arg.kind != seqNode {
			return triUnknown
		}
		and := fn == "Fn::And"
		out := triTrue
		if !and {
			out = triFalse
		}
		for _, e := range arg.elems {
			switch t.evalCond(e, depth+1) {
			case triUnknown:
				out = triUnknown
			case triFalse:
				if and {
					return triFalse
				}
			case triTrue:
				if !and {
					return triTrue
				}
			}
		}
		return out
	}
	return triUnknown
}

func scalarText(v *iacdoc.Value) string {
	switch v.Kind {
	case iacdoc.String, iacdoc.Number, iacdoc.Bool:
		return v.Text
	}
	return v.JSON()
}
