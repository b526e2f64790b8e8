// Package cloudformation reads CloudFormation templates (YAML, short-form
// tags included, and JSON) into an estate: ECR repositories and their
// policies, the registry policy, replication, repository creation
// templates, IAM roles, users, groups and policies, and service control
// policies, with the file and line of every policy element.
//
// Intrinsic functions are resolved where their inputs are known (Ref to a
// parameter with a default or a given value, pseudo parameters, Fn::Sub,
// Fn::Join, Fn::GetAtt of ARNs built in the template, Fn::If on a decidable
// condition, Fn::Select, Fn::Split, Fn::FindInMap); what stays unknown until
// deployment is a policy.Value with Unknown set, which the evaluator takes
// at its worst, or, for a whole policy, a coverage gap. docs/iac.md
// describes what is read and the limits.
package cloudformation

import (
	"bytes"
	"cmp"
	"fmt"
	"path"
	"regexp"
	"sort"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/ecrguard/ecrguard/estate"
	"github.com/ecrguard/ecrguard/internal/iacdoc"
	"github.com/ecrguard/ecrguard/internal/jsonpos"
	"github.com/ecrguard/ecrguard/policy"
)

// Options say what the template's deployment context is.
type Options struct {
	// Account is the account the stack deploys to (AWS::AccountId). When
	// empty, it is the owner account the inputs do not name
	// (policy.OwnerAccount): AWS::AccountId and the ARNs built from it hold
	// that stand-in, and the estate holds the resources under it.
	Account string
	// Region is AWS::Region (default us-east-1).
	Region string
	// StackName is AWS::StackName; unknown when empty.
	StackName string
	// Parameters are parameter values, as `aws cloudformation deploy
	// --parameter-overrides` gives them (lists comma-separated).
	Parameters map[string]string
	// TextAt is where the template's text starts in the file's bytes: the
	// length of a byte-order mark the caller dropped (0 when the text is
	// the file's bytes), or -1 when the text was decoded from UTF-16. The
	// places a fix's statements go (estate.Policy.Insert) are offsets in
	// the file: none when the text's offsets are not the file's.
	TextAt int
}

type param struct {
	name string
	node *node
}

type resource struct {
	id    string
	typ   string
	props *node
	pos   policy.Pos
	cond  string
}

// tmpl is one template being read.
type tmpl struct {
	file       string
	data       []byte
	opts       Options
	account    string
	region     string
	est        *estate.Estate
	params     map[string]*param
	mappings   *node
	conditions *node
	condVal    map[string]tri
	condWhy    map[string]string
	// env: the assumptions a condition is being evaluated under (nil
	// outside conditions).
	env       *condEnv
	resources map[string]*resource
	order     []*resource
	noted     map[string]bool
	memo      map[*node]*memoEntry
	sizes     map[*iacdoc.Value]int
	// branches: the branches of the undecided Fn::Ifs resolve made
	// unknown values of; origin: the branches a policy statement comes
	// from (branches.go).
	branches map[*iacdoc.Value]*ifBranches
	origin   map[*iacdoc.Value][]choice
	held     []heldNote
	// dupSeen: the duplicate keys the policy decoder reported (ECR011).
	dupSeen map[policy.Pos]bool
}

func (t *tmpl) note(pos policy.Pos, msg string) {
	k := pos.String() + "\x00" + msg
	if t.noted[k] {
		return
	}
	t.noted[k] = true
	t.est.AddNote(estate.Note{Source: t.file, Message: pos.String() + ": " + msg})
}

func (t *tmpl) gap(pos policy.Pos, resource string, code estate.GapCode, msg string, problems ...policy.Problem) {
	t.est.AddGap(estate.Gap{Source: t.file, Pos: pos, Account: t.account, Region: t.region, Resource: resource, Code: code, Message: msg, Problems: problems})
}

// IsTemplate reports whether data, read from a file called name, is a
// CloudFormation template: YAML or JSON with AWSTemplateFormatVersion, or
// with Resources whose entries have a Type starting with AWS::. Data that
// does not parse is a template when its text has those marks (a
// top-level AWSTemplateFormatVersion key, or a Type of AWS::), so that a
// broken template is reported where it breaks rather than skipped.
func IsTemplate(name string, data []byte) bool {
	switch strings.ToLower(path.Ext(name)) {
	case ".yaml", ".yml", ".json", ".template", ".cfn", ".txt", "":
	default:
		return false
	}
	if isJSON(data) {
		n, err := jsonpos.Parse(data)
		if err != nil {
			return brokenTemplate.Match(data)
		}
		return iacdoc.IsCloudFormationJSON(n)
	}
	var doc yaml.Node
	if err := yaml.NewDecoder(bytes.NewReader(data)).Decode(&doc); err != nil {
		return brokenTemplate.Match(data)
	}
	if len(doc.Content) == 0 {
		return false
	}
	root := doc.Content[0]
	if root.Kind != yaml.MappingNode {
		return false
	}
	for i := 0; i+1 < len(root.Content); i += 2 {
		k, v := root.Content[i], root.Content[i+1]
		switch k.Value {
		case "AWSTemplateFormatVersion":
			return true
		case "Resources":
			if v.Kind != yaml.MappingNode {
				return false
			}
			for j := 0; j+1 < len(v.Content); j += 2 {
				r := v.Content[j+1]
				if r.Kind != yaml.MappingNode {
					continue
				}
				for x := 0; x+1 < len(r.Content); x += 2 {
					if r.Content[x].Value == "Type" && strings.HasPrefix(r.Content[x+1].Value, "AWS::") {
						return true
					}
				}
			}
		}
	}
	return false
}

// brokenTemplate matches the marks of a template in text that does not
// parse: AWSTemplateFormatVersion as a top-level key, or a resource Type of
// AWS:: (YAML or JSON).
var brokenTemplate = regexp.MustCompile(`(?m)^'?AWSTemplateFormatVersion'?\s*:|"AWSTemplateFormatVersion"\s*:|^\s+["']?Type["']?\s*:\s*["']?AWS::[A-Za-z0-9]+::`)

// LoadTemplate reads a CloudFormation template (YAML or JSON) from data,
// read from file. A template that does not parse, or is not a mapping with
// Resources, is an error naming file:line:column; everything else that
// cannot be read is an estate.Gap or estate.Note.
func LoadTemplate(data []byte, file string, opts Options) (est *estate.Estate, err error) {
	defer func() {
		// A last resort: a panic in a library on hostile input becomes an
		// error, never a crash.
		if r := recover(); r != nil {
			est, err = nil, fmt.Errorf("%s: reading the template failed: %v", file, r)
		}
	}()
	root, dups, ignores, err := parseTemplate(data, file)
	if err != nil {
		return nil, err
	}
	if root.kind != mapNode {
		return nil, &policy.Error{Pos: root.pos, Msg: "expected a template (a mapping with Resources)"}
	}
	t := &tmpl{
		file: file, data: data, opts: opts, account: cmp.Or(opts.Account, policy.OwnerAccount), region: opts.Region,
		est: estate.New(), params: map[string]*param{}, condVal: map[string]tri{}, condWhy: map[string]string{},
		resources: map[string]*resource{}, noted: map[string]bool{}, memo: map[*node]*memoEntry{}, sizes: map[*iacdoc.Value]int{},
		dupSeen: map[policy.Pos]bool{}, branches: map[*iacdoc.Value]*ifBranches{}, origin: map[*iacdoc.Value][]choice{},
	}
	if t.region == "" {
		t.region = estate.DefaultRegion
	}
	if ps := root.get("Parameters"); ps != nil && ps.kind == mapNode {
		for _, m := range ps.members {
			t.params[m.key] = &param{name: m.key, node: m.value}
		}
	}
	t.mappings = root.get("Mappings")
	t.conditions = root.get("Conditions")
	rs := root.get("Resources")
	if rs == nil || rs.kind != mapNode {
		return nil, &policy.Error{Pos: root.pos, Msg: "the template has no Resources mapping"}
	}
	if tr := root.get("Transform"); tr != nil {
		t.gap(tr.pos, "", estate.GapTransform, fmt.Sprintf("the template has a Transform (%s): CloudFormation runs it before deploying, and it can add or rewrite resources and policies; the resources are judged as written, and what the transform generates is not assessed", transformNames(tr)))
	}
	for _, m := range rs.members {
		if m.value.kind != mapNode {
			return nil, &policy.Error{Pos: m.value.pos, Msg: fmt.Sprintf("resource %s: expected a mapping with Type and Properties", m.key)}
		}
		typ, ok := m.value.get("Type").str()
		if !ok {
			return nil, &policy.Error{Pos: m.value.pos, Msg: fmt.Sprintf("resource %s: expected a Type such as AWS::ECR::Repository", m.key)}
		}
		r := &resource{id: m.key, typ: typ, props: m.value.get("Properties"), pos: m.keyPos}
		if r.props == nil {
			r.props = &node{kind: mapNode, pos: m.value.pos}
		}
		r.cond, _ = m.value.get("Condition").str()
		if md := m.value.get("Metadata"); md != nil {
			igs, err := metadataIgnores(r, md, nodeLastLine(m.value))
			if err != nil {
				return nil, err
			}
			ignores = append(ignores, igs...)
		}
		t.resources[r.id] = r
	}
	for _, r := range t.resources {
		t.order = append(t.order, r)
	}
	sort.Slice(t.order, func(i, j int) bool { return t.order[i].id < t.order[j].id })
	inPolicy := t.policyMappings()
	if err := duplicateError(dups, inPolicy); err != nil {
		return nil, err
	}
	t.build()
	t.unreportedDuplicates(dups, inPolicy)
	est = t.est
	est.Ignores = ignores
	sort.SliceStable(est.Gaps, func(i, j int) bool {
		if est.Gaps[i].Pos.Line != est.Gaps[j].Pos.Line {
			return est.Gaps[i].Pos.Line < est.Gaps[j].Pos.Line
		}
		return est.Gaps[i].Message < est.Gaps[j].Message
	})
	sort.SliceStable(est.Notes, func(i, j int) bool { return est.Notes[i].Message < est.Notes[j].Message })
	return est, nil
}

// transformNames lists a Transform's macros: AWS::Serverless-2016-10-31, or
// a list of names and {Name, Parameters} mappings.
func transformNames(tr *node) string {
	var names []string
	add := func(n *node) {
		if s, ok := n.str(); ok {
			names = append(names, s)
		} else if s, ok := n.get("Name").str(); ok {
			names = append(names, s)
		}
	}
	if tr.kind == seqNode {
		for _, e := range tr.elems {
			add(e)
		}
	} else {
		add(tr)
	}
	if len(names) == 0 {
		return "a macro"
	}
	return strings.Join(names, ", ")
}

// duplicateError is the error for the first key written twice outside a
// policy document. CloudFormation rejects a template with duplicate keys
// (YAML mapping keys must be unique, and so must a JSON template's), so
// no reading of it is what AWS would deploy: its resources are not judged
// from a guess of which key wins.
func duplicateError(dups []dupKey, inPolicy map[*node]*resource) error {
	var first *dupKey
	for i := range dups {
		d := &dups[i]
		if inPolicy[d.in] != nil {
			continue
		}
		if first == nil || d.pos.Line < first.pos.Line || d.pos.Line == first.pos.Line && d.pos.Col < first.pos.Col {
			first = d
		}
	}
	if first == nil {
		return nil
	}
	return &policy.Error{Pos: first.pos, Msg: fmt.Sprintf("the key %q is written twice in one mapping (also at %s): CloudFormation rejects a template with duplicate keys, so its resources are not judged", first.key, first.first)}
}

// unreportedDuplicates makes a gap of each duplicate key in a policy
// document that the policy decoder did not report as ECR011 (a duplicate
// inside an intrinsic function's arguments, or in a document not read).
func (t *tmpl) unreportedDuplicates(dups []dupKey, inPolicy map[*node]*resource) {
	done := map[policy.Pos]bool{}
	for _, d := range dups {
		r := inPolicy[d.in]
		if r == nil || t.dupSeen[d.pos] || done[d.pos] {
			continue
		}
		done[d.pos] = true
		t.gap(d.pos, "", estate.GapParseError, fmt.Sprintf("a policy of %s has the key %q twice in one mapping (also at %s): CloudFormation rejects the template, and which one would take effect is not known", r.id, d.key, d.first))
	}
}

// policyMappings returns the mappings inside the policy documents of the
// template's resources, each with its resource: a duplicate key there is
// a policy problem (ECR011, as in a JSON policy), not a template error.
func (t *tmpl) policyMappings() map[*node]*resource {
	out := map[*node]*resource{}
	var walk func(n *node, r *resource, depth int)
	walk = func(n *node, r *resource, depth int) {
		if n == nil || depth > 512 {
			return
		}
		switch n.kind {
		case mapNode:
			if out[n] != nil {
				return
			}
			out[n] = r
			for _, m := range n.members {
				walk(m.value, r, depth+1)
			}
		case seqNode:
			for _, e := range n.elems {
				walk(e, r, depth+1)
			}
		}
	}
	for _, r := range t.order {
		for _, p := range policyProps(r) {
			walk(p, r, 0)
		}
	}
	return out
}

// policyProps returns the policy document properties of r that build reads.
func policyProps(r *resource) []*node {
	var out []*node
	switch r.typ {
	case "AWS::ECR::Repository":
		out = append(out, r.props.get("RepositoryPolicyText"))
	case "AWS::ECR::RegistryPolicy":
		out = append(out, r.props.get("PolicyText"))
	case "AWS::ECR::RepositoryCreationTemplate":
		out = append(out, r.props.get("RepositoryPolicy"))
	case "AWS::IAM::ManagedPolicy", "AWS::IAM::Policy", "AWS::IAM::RolePolicy", "AWS::IAM::UserPolicy", "AWS::IAM::GroupPolicy":
		out = append(out, r.props.get("PolicyDocument"))
	case "AWS::Organizations::Policy":
		out = append(out, r.props.get("Content"))
	case "AWS::IAM::Role", "AWS::IAM::User", "AWS::IAM::Group":
		out = append(out, r.props.get("AssumeRolePolicyDocument"))
		if ps := r.props.get("Policies"); ps != nil && ps.kind == seqNode {
			for _, e := range ps.elems {
				out = append(out, e.get("PolicyDocument"))
			}
		}
	}
	return out
}

// policyValue reads a policy document property: an object, or a JSON
// string (Fn::Sub bodies included, with unknown variables kept as unknown
// values inside the document).
func (t *tmpl) policyValue(n *node, depth int) (*iacdoc.Value, error) {
	if n == nil {
		return nil, nil
	}
	if depth > maxResolveDepth {
		return iacdoc.Unk("(nested too deep)", n.pos), nil
	}
	if n.kind == scalarNode {
		switch {
		case n.typ == nullScalar:
			return nil, nil
		case n.jsonOff >= 0:
			return iacdoc.ParseEmbedded(t.data, n.jsonOff, t.file)
		}
		jt := &iacdoc.JSONText{}
		t.appendScalar(jt, n, n.text, 0)
		return jt.Parse()
	}
	if fn, arg, ok := intrinsic(n); ok {
		switch fn {
		case "Fn::Sub":
			sn, vars, ok := subArgs(arg)
			if !ok {
				break
			}
			jt := &iacdoc.JSONText{}
			for _, p := range splitSub(sn.text) {
				if !p.v {
					t.appendScalar(jt, sn, p.text, p.off)
					continue
				}
				pos := sn.pos
				if sn.loc != nil {
					pos = sn.loc(p.off)
				}
				v := t.subVar(p.text, vars, pos, depth)
				switch v.Kind {
				case iacdoc.String, iacdoc.Number, iacdoc.Bool:
					jt.Fixed(v.Text, pos)
				default:
					jt.Unknown("${"+p.text+"}", pos)
				}
			}
			return jt.Parse()
		case "Fn::Join":
			if jt, ok := t.joinText(arg, depth); ok {
				return jt.Parse()
			}
		case "Fn::ToJsonString":
			v, _ := t.resolve(arg, depth+1)
			return t.worstCase(v), nil
		case "Fn::If":
			if arg.kind == seqNode && len(arg.elems) == 3 {
				cond, taken := t.ifBranch(arg, depth)
				if taken != nil {
					return t.policyValue(taken, depth+1)
				}
				return t.eitherPolicy(n, cond, arg.elems[1], arg.elems[2], depth)
			}
		}
		v, rm := t.resolve(n, depth+1)
		if rm {
			return nil, nil
		}
		if v.Kind == iacdoc.String {
			jt := &iacdoc.JSONText{}
			jt.Fixed(v.Text, n.pos)
			return jt.Parse()
		}
		return t.worstCase(v), nil
	}
	v, _ := t.resolve(n, depth+1)
	return t.worstCase(v), nil
}

// eitherPolicy reads !If [cond, a, b] as a policy document when cond is
// not known: both branches are judged at once, the worst case of both.
// The document holds the statements of both branches, except a Deny that
// only one branch has (it would take away what the other branch grants);
// a branch that is AWS::NoValue has no statements. A branch whose
// statements are not known makes the whole document unknown.
func (t *tmpl) eitherPolicy(n *node, cond string, an, bn *node, depth int) (*iacdoc.Value, error) {
	a, err := t.policyValue(an, depth+1)
	if err != nil {
		return nil, err
	}
	b, err := t.policyValue(bn, depth+1)
	if err != nil {
		return nil, err
	}
	if a == nil && b == nil {
		return nil, nil
	}
	unk := iacdoc.Unk("!If ["+cond+", ...] ("+t.whyUnknown(cond)+")", n.pos)
	sa, okA := statementsOf(a)
	sb, okB := statementsOf(b)
	if !okA || !okB {
		return unk, nil
	}
	out := &iacdoc.Value{Kind: iacdoc.Object, Pos: n.pos}
	base := a
	if base == nil {
		base = b
	}
	for _, m := range base.Members {
		if m.Key != "Statement" {
			out.Members = append(out.Members, m)
		}
	}
	stmts := t.eitherStatements(n.pos, cond, "the policy is", [2][]*iacdoc.Value{sa, sb})
	out.Members = append(out.Members, iacdoc.Member{Key: "Statement", KeyPos: n.pos, Value: &iacdoc.Value{Kind: iacdoc.Array, Pos: n.pos, Elems: stmts}})
	return out, nil
}

// statementsOf returns a document's statements (none for no document);
// ok is false when they are not known or the document is not an object.
func statementsOf(v *iacdoc.Value) ([]*iacdoc.Value, bool) {
	if v == nil {
		return nil, true
	}
	if v.Kind != iacdoc.Object {
		return nil, false
	}
	s := v.Get("Statement")
	switch {
	case s == nil:
		return nil, true
	case s.Kind == iacdoc.Array:
		for _, e := range s.Elems {
			if e.Kind != iacdoc.Object {
				return nil, false
			}
		}
		return s.Elems, true
	case s.Kind == iacdoc.Object:
		return []*iacdoc.Value{s}, true
	}
	return nil, false
}

// joinText assembles the text a Fn::Join (its argument arg) gives as JSON
// text, as a Fn::Sub's is: written parts at their source positions, known
// values at theirs, and a value not known until deployment as an unknown
// value inside the document, so that only the string holding it is
// unknown (its delimiter and the rest of the document are read). ok is
// false for a Fn::Join that CloudFormation rejects or whose list is not
// known.
func (t *tmpl) joinText(arg *node, depth int) (*iacdoc.JSONText, bool) {
	if arg.kind != seqNode || len(arg.elems) != 2 {
		return nil, false
	}
	dn := arg.elems[0]
	delim, ok := dn.str()
	if !ok {
		return nil, false
	}
	// The parts, with the node each is written as when the list is.
	type part struct {
		n *node
		v *iacdoc.Value
	}
	var parts []part
	if list := arg.elems[1]; list.kind == seqNode {
		for _, e := range list.elems {
			if v, rm := t.resolve(e, depth+1); !rm {
				parts = append(parts, part{e, v})
			}
		}
	} else {
		lv, _ := t.resolve(list, depth+1)
		if lv.Kind != iacdoc.Array {
			return nil, false
		}
		for _, v := range lv.Elems {
			parts = append(parts, part{nil, v})
		}
	}
	jt := &iacdoc.JSONText{}
	for i, p := range parts {
		if i > 0 {
			t.appendScalar(jt, dn, delim, 0)
		}
		switch {
		case p.v.Kind == iacdoc.Unknown:
			jt.Unknown("${"+p.v.Text+"}", p.v.Pos)
		case p.v.Kind != iacdoc.String && p.v.Kind != iacdoc.Number && p.v.Kind != iacdoc.Bool:
			return nil, false
		case p.n != nil && p.n.kind == scalarNode:
			t.appendScalar(jt, p.n, p.n.text, 0)
		default:
			jt.Fixed(p.v.Text, p.v.Pos)
		}
	}
	return jt, true
}

// appendScalar appends text, the part of scalar n's text starting at off,
// line by line at the lines' source positions.
func (t *tmpl) appendScalar(jt *iacdoc.JSONText, n *node, text string, off int) {
	if n.loc == nil {
		jt.Literal(text, n.pos)
		return
	}
	for len(text) > 0 {
		i := strings.IndexByte(text, '\n')
		line := text
		if i >= 0 {
			line = text[:i+1]
		}
		jt.Literal(line, n.loc(off))
		off += len(line)
		text = text[len(line):]
	}
}

// document reads a policy property into an estate policy; an unknown or
// invalid document is a gap (and nil, false). name says which policy of
// which resource it is.
func (t *tmpl) document(r *resource, n *node, name, resource string) (*estate.Policy, bool) {
	t.held = nil
	v, err := t.policyValue(n, 0)
	doc, issues, err := iacdoc.Read(v, err)
	held := t.held
	t.held = nil
	if err == nil && doc == nil {
		return nil, true
	}
	switch e := err.(type) {
	case nil:
	case *iacdoc.UnknownError:
		t.gap(e.Pos, resource, estate.GapUnknownUntilDeploy, fmt.Sprintf("%s is not known until deployment (unknown: %s); it is not assessed", name, e.What))
		return nil, false
	case *policy.Error:
		// ECR011 names each of the document's problems.
		t.gap(e.Pos, resource, estate.GapParseError, fmt.Sprintf("%s is not a valid policy document: %s", name, e.Msg), e.All()...)
		return nil, false
	default:
		t.gap(n.pos, resource, estate.GapParseError, fmt.Sprintf("%s: %v", name, err))
		return nil, false
	}
	t.exclusiveSids(v, doc)
	for _, h := range held {
		t.note(h.pos, h.msg)
	}
	for _, is := range issues {
		t.note(is.Pos, fmt.Sprintf("%s: %s", name, is.Message))
	}
	for _, p := range doc.Problems {
		if p.Code == "duplicate-key" {
			t.dupSeen[p.Pos] = true
		}
	}
	src := doc.Pos
	if !src.IsValid() {
		src = n.pos
	}
	return &estate.Policy{Name: name, Doc: doc, Source: src}, true
}
