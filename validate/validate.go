// Package validate finds the elements of a policy that are invalid, or valid
// but dead: unknown ECR actions (typos), actions that have no effect where
// they are written, malformed principals and ARNs, wildcards inside
// principal ARNs, Allow with NotPrincipal, unknown condition operators,
// ForAllValues on single-valued keys, condition values that can never match.
// Rule ECR011 reports them.
package validate

import (
	"fmt"
	"strings"

	"github.com/ecrguard/ecrguard/catalog"
	"github.com/ecrguard/ecrguard/policy"
)

// Kind is where a policy is used; what is valid depends on it.
type Kind uint8

// Policy kinds.
const (
	RepositoryPolicy Kind = iota
	RegistryPolicy
	IdentityPolicy
	BoundaryPolicy
	SCP
	// PublicRepositoryPolicy is the policy of an ECR Public repository: it
	// governs ecr-public actions.
	PublicRepositoryPolicy
	// RCP is a resource control policy: like a resource-based policy it
	// names Principal "*", and like an SCP it governs many services and
	// needs a Resource; a custom RCP may hold only Deny statements (AWS
	// Organizations User Guide, "RCP syntax").
	RCP
)

func (k Kind) resourceBased() bool {
	return k == RepositoryPolicy || k == RegistryPolicy || k == PublicRepositoryPolicy
}

// onRepository reports whether the policy is attached to one repository,
// private or public.
func (k Kind) onRepository() bool { return k == RepositoryPolicy || k == PublicRepositoryPolicy }

// noun names what a resource-based policy governs.
func (k Kind) noun() string {
	switch k {
	case RegistryPolicy:
		return "registry"
	case PublicRepositoryPolicy:
		return "public repository"
	}
	return "repository"
}

// article names the kind with its article, for messages.
func (k Kind) article() string {
	switch k {
	case SCP:
		return "a service control policy"
	case RCP:
		return "a resource control policy"
	case BoundaryPolicy:
		return "a permissions boundary"
	}
	return "an identity policy"
}

// rcpEffect reports an Allow in an RCP that is not RCPFullAWSAccess's
// Allow of every action on every resource to Principal "*", without
// condition: AWS Organizations User Guide, "RCP syntax" (the effect Allow
// is only supported for the RCPFullAWSAccess policy). ecrguard evaluates it
// as AWS would treat an RCP's Allow: it grants nothing.
func (c *checker) rcpEffect(s *policy.Statement, label string) {
	if s.Effect != policy.Allow || isRCPFullAWSAccess(s) {
		return
	}
	c.add(s.Pos, "rcp-allow", label, "%s is an Allow in a resource control policy: only RCPFullAWSAccess (Allow of \"*\" on \"*\" to Principal \"*\") may allow, a custom RCP may hold only Deny statements (AWS Organizations rejects it), and an RCP's Allow grants nothing", label)
}

// isRCPFullAWSAccess reports whether s is RCPFullAWSAccess's statement:
// Allow, Principal "*", Action "*", Resource "*", nothing else.
func isRCPFullAWSAccess(s *policy.Statement) bool {
	star := func(vs []policy.Value) bool { return len(vs) == 1 && vs[0].Text == "*" && !vs[0].Unknown }
	p := s.Principal
	everyone := p != nil && (p.Wildcard || len(p.Entries) == 1 && p.Entries[0].Kind == policy.KindAWS && star([]policy.Value{p.Entries[0].Value}))
	return s.Effect == policy.Allow && everyone && s.NotPrincipal == nil &&
		star(s.Action) && s.NotAction == nil && star(s.Resource) && s.NotResource == nil && len(s.Conditions) == 0
}

// Problem is one invalid or dead element.
type Problem struct {
	Pos policy.Pos
	// Code is a stable identifier of the check, such as "unknown-action".
	Code string
	// Element names the element as written, such as `Action "ecr:BatchGetImages"`.
	Element string
	Message string
	// Unevaluable marks elements the evaluator cannot evaluate exactly (an
	// unknown condition operator): it assumed the worst, and the result is a
	// coverage gap as well as a finding.
	Unevaluable bool
}

// String is the problem as the decoder's problems read: its position, then
// its message.
func (p Problem) String() string {
	return policy.Problem{Pos: p.Pos, Code: p.Code, Message: p.Message}.String()
}

// Check validates doc as a policy of kind. resource is the ARN of the
// repository a repository policy is attached to, of the creation template
// whose repository policy it is, or of the registry a registry policy
// governs ("" when unknown).
func Check(doc *policy.Document, kind Kind, resource string) []Problem {
	c := checker{cat: catalog.Default(), kind: kind, resource: resource, partition: "aws"}
	if a, ok := policy.ParseARN(resource); ok {
		c.partition = a.Partition
		prefix, template := strings.CutPrefix(a.Resource, "repository-creation-template/")
		switch {
		case kind == RegistryPolicy, template && prefix == rootPrefix:
			c.governs, c.names = resource, "repository/"
		case template:
			c.governs, c.names = resource, "repository/"+prefix+"/"
		}
		if template {
			c.resource = "" // a template's repositories are many
		}
	}
	for _, p := range doc.Problems {
		if p.Code == "numeric-principal" {
			continue // valid; the decoder's note is advice, not a defect
		}
		c.add(p.Pos, p.Code, "", "%s", p.Message)
	}
	vars := doc.VariablesEnabled()
	for _, s := range doc.Statements {
		c.statement(s, vars)
	}
	return c.out
}

type checker struct {
	cat      *catalog.Catalog
	kind     Kind
	resource string
	// governs, when set, is the ARN of the registry or creation template
	// whose policy this is: it governs requests on repositories whose
	// resource part starts with names (repository/, or repository/PREFIX/
	// for a template's).
	governs, names string
	// partition is the resource's partition ("aws" when unknown).
	partition string
	out       []Problem
}

func (c *checker) add(pos policy.Pos, code, element, format string, args ...any) {
	c.out = append(c.out, Problem{Pos: pos, Code: code, Element: element, Message: fmt.Sprintf(format, args...)})
}

func (c *checker) statement(s *policy.Statement, vars bool) {
	label := s.Label()
	if c.kind == RCP {
		c.rcpEffect(s, label)
	} else if c.kind.resourceBased() {
		if s.Principal == nil && s.NotPrincipal == nil {
			c.add(s.Pos, "missing-principal", label, "%s has no Principal: a statement of a resource-based policy must name who it applies to, so this one matches nobody", label)
		}
	} else if s.Principal != nil || s.NotPrincipal != nil {
		pos := s.Pos
		if s.Principal != nil {
			pos = s.Principal.Pos
		} else if s.NotPrincipal != nil {
			pos = s.NotPrincipal.Pos
		}
		c.add(pos, "principal-in-identity-policy", label, "%s has a Principal element, which an identity policy, boundary or SCP cannot have (IAM rejects it)", label)
	}
	if s.NotPrincipal != nil && s.Effect == policy.Allow {
		c.add(s.NotPrincipal.Pos, "allow-notprincipal", label, "%s combines Allow with NotPrincipal: it grants everyone except the principals listed, and IAM no longer supports it; name the principals in Principal instead", label)
	}
	for _, p := range []*policy.Principal{s.Principal, s.NotPrincipal} {
		if p != nil {
			c.principals(p)
		}
	}
	isNot := s.NotAction != nil
	acts := s.Action
	if isNot {
		acts = s.NotAction
	}
	for _, a := range acts {
		c.action(a, isNot)
	}
	res := s.Resource
	if s.NotResource != nil {
		res = s.NotResource
	}
	if res == nil && !c.kind.resourceBased() {
		c.add(s.Pos, "missing-resource", label, "%s has no Resource or NotResource, which %s requires (AWS rejects it); ecrguard assumed it applies to every resource", label, c.kind.article())
	}
	for _, r := range res {
		c.resourceValue(s, r, s.NotResource != nil)
	}
	for i := range s.Conditions {
		c.condition(&s.Conditions[i], vars)
	}
	for _, v := range append(append([]policy.Value(nil), s.Resource...), s.NotResource...) {
		switch {
		case v.Unknown || !strings.Contains(v.Text, "${"):
		case !vars:
			c.add(v.Pos, "variable-in-old-version", fmt.Sprintf("Resource %q", v.Text), "%q contains a policy variable, but the policy's Version is not 2012-10-17, so it is literal text and matches no real resource", v.Text)
		case strings.Contains(v.Text[:policy.ResourcePart(v.Text)], "${"):
			// IAM User Guide, "IAM policy elements: Variables and tags".
			c.add(v.Pos, "variable-in-arn-prefix", fmt.Sprintf("Resource %q", v.Text), "%q has a policy variable before the ARN's fifth colon (in its service, region or account), where IAM does not replace variables: it is literal text there and matches no real resource", v.Text)
		}
	}
}

func (c *checker) principals(p *policy.Principal) {
	for _, e := range p.Entries {
		v := e.Value
		if v.Unknown {
			continue
		}
		el := fmt.Sprintf("Principal %s %q", e.Kind, v.Text)
		switch e.Kind {
		case policy.KindAWS:
			c.awsPrincipal(v, el)
		case policy.KindFederated, policy.KindCanonicalUser:
			if c.kind.resourceBased() {
				c.add(v.Pos, "dead-principal", el, "a %s principal never calls Amazon ECR (federated identities act through the roles they assume; canonical users are Amazon S3's): it gets nothing from this policy", e.Kind)
			}
		case policy.KindService:
			if strings.ContainsAny(v.Text, "*?") {
				c.add(v.Pos, "wildcard-principal", el, "service principal %q contains a wildcard, which IAM does not allow in principals", v.Text)
			} else if !strings.Contains(v.Text, ".amazonaws.com") && !strings.HasSuffix(v.Text, ".amazonaws.com.cn") {
				c.add(v.Pos, "malformed-principal", el, "service principal %q is malformed: expected a name such as codebuild.amazonaws.com", v.Text)
			}
		}
	}
}

func (c *checker) awsPrincipal(v policy.Value, el string) {
	t := v.Text
	switch {
	case t == "*":
		return
	case policy.IsAccountID(t):
		return
	case strings.ContainsAny(t, "*?"):
		c.add(v.Pos, "wildcard-principal", el, "principal %q contains a wildcard: IAM allows only \"*\" alone, never a wildcard inside a principal ARN; use Principal \"*\" with an aws:PrincipalArn condition if a pattern is meant", t)
		return
	}
	a, ok := policy.ParseARN(t)
	if !ok {
		c.add(v.Pos, "malformed-principal", el, "principal %q is malformed: expected \"*\", a 12-digit account id or an IAM ARN such as arn:aws:iam::111122223333:role/name", t)
		return
	}
	valid := false
	switch a.Service {
	case "iam":
		valid = a.Resource == "root" || strings.HasPrefix(a.Resource, "user/") || strings.HasPrefix(a.Resource, "role/")
	case "sts":
		valid = strings.HasPrefix(a.Resource, "assumed-role/") || strings.HasPrefix(a.Resource, "federated-user/")
	}
	switch {
	case !policy.IsAccountID(a.Account) && a.Account != policy.OwnerAccount && !(v.AccountUnknown && policy.IsPlaceholder(a.Account)):
		c.add(v.Pos, "malformed-principal", el, "principal %q is malformed: the account field %q is not a 12-digit account id", t, a.Account)
	case !valid:
		c.add(v.Pos, "malformed-principal", el, "principal %q is malformed: expected an IAM root, user or role ARN, or an STS assumed-role or federated-user ARN", t)
	case a.Region != "":
		c.add(v.Pos, "malformed-principal", el, "principal %q is malformed: IAM ARNs have no region", t)
	case c.kind.resourceBased() && a.Partition != c.partition:
		c.add(v.Pos, "other-partition", el, "principal %q is in partition %s, but the %s is in partition %s: each account is scoped to one partition, so this names another account, which can never call the %s: naming it has no effect", t, a.Partition, c.kind.noun(), c.partition, c.kind.noun())
	}
}

// literal returns the text of an action or resource value and how messages
// name it (element, then the text quoted), or false when there is nothing to
// check: the value is unknown until apply, or "*".
func literal(v policy.Value, element string) (t, el string, ok bool) {
	if v.Unknown || v.Text == "*" {
		return "", "", false
	}
	return v.Text, fmt.Sprintf("%s %q", element, v.Text), true
}

func (c *checker) action(v policy.Value, not bool) {
	t, el, ok := literal(v, "Action")
	if !ok {
		return
	}
	svc, name, ok := strings.Cut(t, ":")
	if !ok || svc == "" || name == "" {
		c.add(v.Pos, "malformed-action", el, "action %q is malformed: expected service:Action, such as ecr:BatchGetImage, or \"*\"", t)
		return
	}
	lsvc := strings.ToLower(svc)
	ours := lsvc == "ecr" || lsvc == "ecr-public"
	if ours {
		set := c.cat.MatchSet(t)
		if set.Empty() {
			if policy.HasWildcard(t) {
				c.add(v.Pos, "unknown-action", el, "action pattern %q matches no %s action in the catalog", t, lsvc)
			} else if s := c.cat.Suggest(t); s != "" {
				c.add(v.Pos, "unknown-action", el, "unknown action %q: it grants nothing (did you mean %s?)", t, s)
			} else {
				c.add(v.Pos, "unknown-action", el, "unknown action %q: it is not in the ECR action catalog, so it grants nothing", t)
			}
			return
		}
		if c.kind.onRepository() && !not && !policy.HasWildcard(t) {
			c.deadAction(v, el, c.cat.Lookup(t))
		}
		return
	}
	if c.kind.onRepository() && !not && !policy.HasWildcard(svc) {
		c.add(v.Pos, "dead-action", el, "%s is not an ECR action: it has no effect in a repository policy", t)
	}
}

// deadAction reports a, named in a repository policy without a wildcard,
// when it has no effect there: an action of the other ECR service, or one
// that does not act on a repository.
func (c *checker) deadAction(v policy.Value, el string, a *catalog.Action) {
	switch {
	case c.kind == RepositoryPolicy && a.Service != "ecr":
		c.add(v.Pos, "other-ecr-service", el, "%s is an ECR Public action: it has no effect in a private repository policy", a.FullName())
	case c.kind == PublicRepositoryPolicy && a.Service != "ecr-public":
		c.add(v.Pos, "other-ecr-service", el, "%s is an action of private Amazon ECR: it has no effect in an ECR Public repository policy (ECR Public's actions are ecr-public:)", a.FullName())
	case !a.HasResourceType():
		c.add(v.Pos, "dead-action", el, "%s has no resource type, so a repository policy cannot grant it: it has no effect here (grant it in an identity policy)", a.FullName())
	case c.kind == PublicRepositoryPolicy && !a.OnPublicRepository():
		c.add(v.Pos, "dead-action", el, "%s acts on the public registry, not on a repository, so a repository policy cannot grant it: it has no effect here (grant it in an identity policy)", a.FullName())
	}
}

func (c *checker) resourceValue(s *policy.Statement, v policy.Value, not bool) {
	t, el, ok := literal(v, "Resource")
	if !ok {
		return
	}
	if _, ok := policy.ParseARN(t); !ok && !strings.HasPrefix(t, "${") {
		c.add(v.Pos, "malformed-resource", el, "resource %q is malformed: expected \"*\" or an ARN such as arn:aws:ecr:us-east-1:111122223333:repository/name", t)
		return
	}
	if c.kind.onRepository() && not && c.resource != "" && !strings.Contains(t, "${") && policy.MatchARN(t, c.resource) {
		c.add(v.Pos, "dead-resource", "Not"+el, "NotResource %q matches the repository this policy is attached to (%s): the statement never applies", t, c.resource)
		return
	}
	if c.kind.onRepository() && !not && c.resource != "" && !strings.Contains(t, "${") && !policy.MatchARN(t, c.resource) {
		// Only dead if no value of the statement matches.
		for _, r := range s.Resource {
			if r.Unknown || policy.MatchARN(r.Text, c.resource) {
				return
			}
		}
		c.add(v.Pos, "dead-resource", el, "resource %q does not match the repository this policy is attached to (%s): the statement never applies", t, c.resource)
	}
	if c.governs != "" && !not && !c.matchesGoverned(t) {
		for _, r := range s.Resource {
			if r.Unknown || c.matchesGoverned(r.Text) {
				return
			}
		}
		if c.kind == RegistryPolicy {
			c.add(v.Pos, "dead-registry-resource", el, "resource %q matches no repository of this registry (%s): a registry policy governs requests on its own repositories, so the statement never applies", t, c.governs)
			return
		}
		c.add(v.Pos, "dead-template-resource", el, "resource %q matches no repository the creation template %s will create (its resource part starts %s): the statement never applies to them", t, c.governs, c.names)
	}
}

// rootPrefix is the prefix of the default creation template
// (estate.RootPrefix), which creates repositories of any name.
const rootPrefix = "ROOT"

// matchesGoverned reports whether the Resource pattern t matches the ARN
// of some repository that c.governs, a registry
// (arn:PARTITION:ecr:REGION:ACCOUNT:registry) or a creation template, has
// its policy govern: every ECR action with a resource type acts on a
// repository (the Service Authorization Reference), so the policy's
// statement applies to no request on any other resource. It is true when
// the region, account or template prefix is not known, and for a pattern
// with a policy variable.
func (c *checker) matchesGoverned(t string) bool {
	reg, ok := policy.ParseARN(c.governs)
	if t == "*" || strings.Contains(t, "${") || !ok || reg.Region == "" || !policy.IsAccountID(reg.Account) || strings.Contains(c.names, "${") {
		return true
	}
	a, ok := policy.ParseARN(t)
	if !ok {
		return true // malformed: reported as such
	}
	if !policy.Match(a.Partition, reg.Partition) || !policy.Match(a.Service, reg.Service) || !policy.Match(a.Region, reg.Region) || !policy.Match(a.Account, reg.Account) {
		return false
	}
	// The resource part must match c.names followed by one character at
	// least.
	i := 0
	for j := 0; j < len(c.names); j, i = j+1, i+1 {
		switch {
		case i == len(a.Resource):
			return false
		case a.Resource[i] == '*':
			return true
		case a.Resource[i] != '?' && a.Resource[i] != c.names[j]:
			return false
		}
	}
	return i < len(a.Resource)
}

func (c *checker) condition(cd *policy.Condition, vars bool) {
	el := fmt.Sprintf("Condition %s %s", cd.Operator, cd.Key)
	if !cd.Op.Known {
		msg := fmt.Sprintf("unknown condition operator %q", cd.Operator)
		if s := policy.SuggestOperator(cd.Operator); s != "" {
			msg += fmt.Sprintf(" (did you mean %s?)", s)
		}
		c.out = append(c.out, Problem{Pos: cd.OpPos, Code: "unknown-operator", Element: el, Unevaluable: true,
			Message: msg + ": IAM rejects it; ecrguard could not evaluate the condition and assumed the worst case"})
		return
	}
	c.conditionKey(cd, el)
	if cd.Op.Set == policy.ForAllValues {
		if k, ok := c.cat.Key(cd.Key); ok && !k.MultiValued() {
			c.add(cd.Pos, "forallvalues-single-valued-key", el, "ForAllValues with the single-valued key %s is true when the key is absent, so the condition lets in callers that do not carry it; use %s without ForAllValues", cd.Key, cd.Op.Base)
		}
	}
	for _, v := range cd.Values {
		if v.Unknown || v.StandIn {
			// Not known at scan time: a stand-in's placeholder is no value
			// the policy holds once deployed.
			continue
		}
		if msg := badValue(cd.Op, v.Text, vars); msg != "" {
			c.add(v.Pos, "invalid-condition-value", el, "%s %s value %q %s", cd.Operator, cd.Key, v.Text, msg)
			continue
		}
		if msg := impossibleOrg(cd, v.Text); msg != "" {
			c.add(v.Pos, "impossible-org-id", el, "%s %s value %q %s", cd.Operator, cd.Key, v.Text, msg)
		}
	}
}

// conditionKey names a condition key AWS does not define for the requests
// the policy judges (IAM User Guide, "AWS global condition context keys";
// Service Authorization Reference for Amazon ECR). A resource policy sees
// only ECR requests, which carry the global keys and the ecr keys: any
// other key is absent from all of them. Identity policies, boundaries and
// SCPs also govern other services, so only aws: and ecr: keys are judged
// there.
func (c *checker) conditionKey(cd *policy.Condition, el string) {
	key := cd.Key
	if strings.Contains(key, "${") {
		return // not known when the policy is read
	}
	defined, service := c.cat.ECRKey, "ecr"
	if c.kind == PublicRepositoryPolicy {
		defined, service = c.cat.PublicKey, "ecr-public"
	}
	if _, ok := defined(key); ok {
		return
	}
	prefix, _, _ := strings.Cut(strings.ToLower(key), ":")
	if !c.kind.resourceBased() && prefix != "aws" && prefix != "ecr" {
		return
	}
	hint := ""
	if s := c.cat.SuggestKey(key); s != "" {
		hint = fmt.Sprintf(" (did you mean %s?)", s)
	} else if _, ok := defined("aws:" + key); ok && !strings.Contains(key, ":") {
		hint = fmt.Sprintf(" (did you mean aws:%s?)", key)
	}
	where := "request"
	switch {
	case c.kind == PublicRepositoryPolicy:
		where = "ECR Public request"
	case c.kind.resourceBased():
		where = "ECR request"
	}
	var msg string
	switch prefix {
	case "aws":
		msg = "is not a global condition key%s: AWS does not define it, so it is absent from every %s"
	case service:
		msg = "is not a key of the " + service + " service%s: AWS does not define it, so it is absent from every %s"
	default:
		msg = "is not a global condition key and not a key of the " + service + " service%s: it is absent from every %s"
	}
	c.add(cd.Pos, "unknown-condition-key", el, "condition key %q "+msg+", and %s", key, hint, where, absentOutcome(cd.Op))
}

// absentOutcome says what a condition evaluates to when its key is absent
// (IAM User Guide, "IAM JSON policy elements: Condition operators" and
// "Single-valued vs. multivalued context keys").
func absentOutcome(op policy.Operator) string {
	switch {
	case op.Set == policy.ForAnyValue:
		return "the ForAnyValue condition is always false"
	case op.Set == policy.ForAllValues:
		return "the ForAllValues condition is always true"
	case op.IfExists:
		return "the ...IfExists condition is always true"
	case op.Family == policy.FamilyNull:
		return "the Null condition is true for the value \"true\" and false for \"false\""
	case op.Negated:
		return "the negated condition is always true"
	}
	return "the condition is always false"
}

// orgKeys are the condition keys whose values are organization ids, and
// those whose values are organization paths (o-id/r-root/ou-.../).
var (
	orgIDKeys   = map[string]bool{"aws:principalorgid": true, "aws:resourceorgid": true, "aws:sourceorgid": true, "aws:vpceorgid": true}
	orgPathKeys = map[string]bool{"aws:principalorgpaths": true, "aws:resourceorgpaths": true, "aws:sourceorgpaths": true, "aws:vpceorgpaths": true}
)

// impossibleOrg says why a value of an organization key names an
// organization that cannot exist, or "". AWS Organizations API Reference,
// "Organization": Id matches ^o-[a-z0-9]{10,32}$. A pattern (o-*) is judged
// by whether it can match such an id.
func impossibleOrg(cd *policy.Condition, v string) string {
	if cd.Op.Family != policy.FamilyString || strings.Contains(v, "${") {
		return ""
	}
	key := strings.ToLower(cd.Key)
	org := v
	switch {
	case orgIDKeys[key]:
	case orgPathKeys[key]:
		org, _, _ = strings.Cut(v, "/")
	default:
		return ""
	}
	if cd.Op.IgnoreCase {
		org = strings.ToLower(org)
	}
	// A value with * or ? is read as a pattern under every operator: under
	// StringEquals it is a literal no caller carries, but that is another
	// mistake than an impossible id; only its literal text is judged.
	wild := policy.HasWildcard(org)
	if wild && strings.Contains(org, "*") && org != v {
		// A "*" may reach past the first "/": judge what comes before it.
		org = org[:strings.IndexByte(org, '*')+1]
	}
	if orgIDCanMatch(org, wild) {
		return ""
	}
	const rule = "(organization ids match ^o-[a-z0-9]{10,32}$)"
	switch {
	case wild && orgPathKeys[key]:
		return fmt.Sprintf("starts with %q, a pattern that matches no organization id that can exist %s, so the value never matches", org, rule)
	case wild:
		return "is a pattern that matches no organization id that can exist " + rule + ", so the value never matches"
	case orgPathKeys[key]:
		return fmt.Sprintf("starts with %q, which is not an organization id that can exist %s: no organization has it, so the value never matches", org, rule)
	}
	return "is not an organization id that can exist " + rule + ": no organization has it, so the value never matches"
}

// orgIDCanMatch reports whether some id matching ^o-[a-z0-9]{10,32}$ is s
// (glob false) or matches the IAM pattern s (glob true: * and ?). It runs
// the pattern over the id's automaton: state 0 expects "o", 1 expects "-",
// 2+k has read k of the id's characters.
func orgIDCanMatch(s string, glob bool) bool {
	const states = 2 + 33
	step := func(st int, ch byte) int {
		switch {
		case st == 0 && ch == 'o':
			return 1
		case st == 1 && ch == '-':
			return 2
		case st >= 2 && st < states-1 && (ch >= 'a' && ch <= 'z' || ch >= '0' && ch <= '9'):
			return st + 1
		}
		return -1
	}
	var cur [states]bool
	cur[0] = true
	for i := 0; i < len(s); i++ {
		var next [states]bool
		ch := s[i]
		for st, on := range cur {
			if !on {
				continue
			}
			switch {
			case glob && ch == '*':
				// Any run of characters: every state reachable from st.
				for r := st; r < states; r++ {
					next[r] = true
				}
			case glob && ch == '?':
				if st < states-1 {
					next[st+1] = true
				}
			default:
				if n := step(st, ch); n >= 0 {
					next[n] = true
				}
			}
		}
		cur = next
	}
	for st := 2 + 10; st < states; st++ {
		if cur[st] {
			return true
		}
	}
	return false
}

// badValue says why a value can never match under its operator, or "".
func badValue(op policy.Operator, v string, vars bool) string {
	switch op.Family {
	case policy.FamilyBool, policy.FamilyNull:
		if l := strings.ToLower(v); l != "true" && l != "false" {
			return "is not true or false, so the condition never matches"
		}
	case policy.FamilyNumeric:
		if _, ok := policy.ParseNumber(v); !ok {
			return "is not a number, so the condition never matches"
		}
	case policy.FamilyDate:
		if _, ok := policy.ParseDate(v); !ok {
			return "is not an ISO 8601 date or epoch time, so the condition never matches"
		}
	case policy.FamilyIP:
		if _, ok := policy.ParseCIDR(v); !ok {
			return "is not an IP address or CIDR range, so the condition never matches"
		}
	case policy.FamilyARN:
		if v != "*" && !strings.HasPrefix(v, "arn:") && !(vars && strings.HasPrefix(v, "${")) {
			return "is not an ARN, so the ARN operator never matches it"
		}
	}
	return ""
}
