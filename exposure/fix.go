package exposure

import (
	"fmt"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"

	"github.com/ecrguard/ecrguard/catalog"
	"github.com/ecrguard/ecrguard/eval"
	"github.com/ecrguard/ecrguard/policy"
)

// Fix is a change to a resource policy that closes what principals outside
// the zone of trust can do, proven by analysing the changed policy: for
// outsiders, nothing is left open (Closed); for the owner account's own
// principals, nothing they could do is lost (Unproven is empty).
type Fix struct {
	// Doc is the fixed policy; JSON its text, ready for
	// aws ecr set-repository-policy / put-registry-policy /
	// update-repository-creation-template, or aws ecr-public
	// set-repository-policy.
	Doc  *policy.Document
	JSON []byte
	// Added are the statements the fix appends.
	Added []string
	// Before and After are the actions outsiders (public, untrusted
	// accounts and organizations, and services acting for anyone) can
	// perform without and with the fix.
	Before, After catalog.ActionSet
	// Unproven says why the fix is not proven safe for the owner account
	// (a guard would deny the owner's own principals, or the search could
	// not finish); empty when it is. Such a fix must not be applied.
	Unproven string
}

// Closed reports whether the fix leaves outsiders nothing.
func (f *Fix) Closed() bool { return f.After.Empty() }

// Proven reports whether the fix is ready to apply: it leaves outsiders
// nothing and takes nothing from the owner account.
func (f *Fix) Proven() bool { return f.Closed() && f.Unproven == "" }

// Guard statement ids.
const (
	GuardSid        = "EcrguardDenyOutsideTrustZone"
	ServiceGuardSid = "EcrguardDenyServicesActingForOutsiders"
)

func outsiderActions(r *Result) catalog.ActionSet {
	s := r.Outsiders()
	for _, d := range r.Deputies {
		s = s.Union(d.Actions)
	}
	return s
}

// ProposeFix appends to the policy a Deny statement for every principal
// outside the zone (and, when AWS services act for outsiders, one for
// services acting for accounts outside it), then analyses the result: for
// outsiders, what is left open (After), and for the owner account, whether
// a guard denies any request its own principals or AWS services acting for
// it can make (Unproven says which). It returns nil when outsiders can do
// nothing already.
//
// An owner the inputs do not name is written as OwnerVariable
// (${aws:ResourceAccount}), never as "".
//
// A Deny guard is the change that keeps every intended grant inside the
// zone working whatever the Allow statements say, which is why ecrguard
// proposes it rather than rewriting statements; the finding still names the
// Allow statements to narrow.
func ProposeFix(r *Result, zone Zone) (*Fix, error) {
	return ProposeFixCached(r, zone, nil)
}

// Cache is what the analyses of one scan share: the kinds of caller of
// each account (built once, read-only), and what proving fixes for the
// owner found (the guards a fix appends depend on the zone, not on the
// repository, so one proof serves every repository of an account), and the
// facts of each distinct policy (newAnalyzerWith). It is safe for
// concurrent use.
type Cache struct {
	mu      sync.Mutex
	owner   map[string]ownerMemo
	callers map[string][]caller
	facts   map[factsKey]*facts
	// json holds the text of each fixed policy (marshal).
	json map[string][]byte
	// contexts holds each caller's base context in each world
	// (callerContext), never written.
	contexts map[string]*eval.Context
	// after holds what outsiders can still do under each fixed policy
	// (outsidersAfter).
	after map[afterKey]catalog.ActionSet
	// created holds the repositories a template's groups ask about
	// (instances).
	created map[string]instancesMemo
}

type instancesMemo struct {
	names    []string
	complete bool
}

type ownerMemo struct {
	denial   *ownerDenial
	complete bool
}

// NewCache returns an empty cache.
func NewCache() *Cache {
	return &Cache{owner: map[string]ownerMemo{}, callers: map[string][]caller{}, facts: map[factsKey]*facts{}, json: map[string][]byte{}, contexts: map[string]*eval.Context{}, after: map[afterKey]catalog.ActionSet{}, created: map[string]instancesMemo{}}
}

// callersOf is callers(acct, all, name), built once per account and name.
func (c *Cache) callersOf(acct string, all bool, name string) []caller {
	if c == nil {
		return callers(acct, all, name)
	}
	key := acct + "/" + name
	if all {
		key += "/all"
	}
	c.mu.Lock()
	out, ok := c.callers[key]
	c.mu.Unlock()
	if ok {
		return out
	}
	out = callers(acct, all, name)
	c.mu.Lock()
	c.callers[key] = out
	c.mu.Unlock()
	return out
}

// instances is eval.Instances(within, without, patterns), worked out once
// for the scan: each group of a template's policy asks again, and so does
// each analysis of its fix, and the ROOT template's without names every
// other template (10,000 made each call take seconds). Callers must not
// change the names.
func (c *Cache) instances(within string, without, patterns []string) ([]string, bool) {
	if c == nil {
		return eval.Instances(within, without, patterns)
	}
	w := newKeyWriter()
	defer w.free()
	w.strs(within)
	w.list(without)
	w.list(patterns)
	c.mu.Lock()
	m, ok := c.created[string(w.b)]
	c.mu.Unlock()
	if !ok {
		m.names, m.complete = eval.Instances(within, without, patterns)
		c.mu.Lock()
		c.created[string(w.b)] = m
		c.mu.Unlock()
	}
	return m.names, m.complete
}

// callerContext returns a's callerContext(cl) (key names cl), made once
// per world and caller: a layer over the context the cache keeps, which
// every analysis of the scan in that world shares and none writes (a
// search sets keys in its own layer). The world's time must be fixed
// (Target.At); without it each analysis makes its own.
func (c *Cache) callerContext(a *analyzer, cl caller, key string) *eval.Context {
	if c == nil || a.t.At.IsZero() {
		return a.callerContext(cl)
	}
	w := newKeyWriter()
	defer w.free()
	w.strs(a.t.Account, a.t.Region, a.t.OrgID, key, cl.roleID, cl.p.Account, cl.p.RoleARN, cl.p.Service)
	w.ints(int(cl.p.Type))
	w.list(a.t.OrgPaths)
	w.ints(int(a.t.At.Unix()), a.t.At.Nanosecond())
	c.mu.Lock()
	shared := c.contexts[string(w.b)]
	c.mu.Unlock()
	if shared == nil {
		shared = a.callerContext(cl).Clone()
		c.mu.Lock()
		c.contexts[string(w.b)] = shared
		c.mu.Unlock()
	}
	return shared.Layer()
}

// ownerDenied is the package's ownerDenied, remembered: the answer depends
// on the target's kind, owner, region, organization and time, the
// services its policy names, the policy version and the guards.
func (c *Cache) ownerDenied(t Target, zone Zone, doc *policy.Document, guards []*policy.Statement, services []string) (*ownerDenial, bool) {
	if c == nil {
		return ownerDenied(t, zone, doc, guards, services)
	}
	var b strings.Builder
	w := func(ss ...string) {
		for _, s := range ss {
			b.WriteString(s)
			b.WriteByte(0)
		}
	}
	w(strconv.Itoa(int(t.Kind)), t.Account, t.Region, t.OrgID, strconv.FormatInt(t.At.UnixNano(), 10), doc.Version)
	w(t.OrgPaths...)
	w(services...)
	w(zone.OrgIDs...)
	w(zone.OrgPaths...)
	for _, g := range guards {
		w("|", g.Effect.String(), strconv.FormatBool(g.Principal != nil && g.Principal.Wildcard))
		for _, v := range g.Action {
			w(v.Text)
		}
		for _, v := range g.Resource {
			w(v.Text)
		}
		for _, c := range g.Conditions {
			w(c.Operator, c.Key)
			for _, v := range c.Values {
				w(v.Text)
			}
		}
	}
	key := b.String()
	if t.Kind == Registry {
		key += "|" + t.ARN
	}
	c.mu.Lock()
	m, ok := c.owner[key]
	c.mu.Unlock()
	if ok {
		return m.denial, m.complete
	}
	d, complete := ownerDenied(t, zone, doc, guards, services)
	c.mu.Lock()
	c.owner[key] = ownerMemo{d, complete}
	c.mu.Unlock()
	return d, complete
}

// afterKey names what outsidersAfter reads: the facts' inputs, the rest
// of the target but its ARN (and a template's prefixes) when no Resource
// element can tell one repository from another (resourceBlind), and the
// actions asked about.
type afterKey struct {
	facts factsKey
	rest  string
	only  catalog.ActionSet
}

// outsidersAfter is outsiderActions(analyzeOutsiders(t, zone, only, c))
// for t with doc, its policy's statements and the guards, as its policy:
// remembered, as repositories that share a policy share its fix, and what
// outsiders can do under it is an action set, which names no repository.
// The ARN, and a template's prefix and the prefixes it leaves to others,
// are the only inputs the key can leave out, and only when no statement of
// the policies reads the resource (resourceBlind); with no fixed time
// (Target.At) each analysis reads the clock, and nothing is kept. The
// fixed policy is compiled only when it is analysed.
func (c *Cache) outsidersAfter(t Target, doc *policy.Document, zone Zone, only catalog.ActionSet) catalog.ActionSet {
	analyze := func() catalog.ActionSet {
		// The statements before the guards are the policy's own, already
		// compiled.
		t.Policy = eval.Extend(t.Policy, t.Policy.Name+" (fixed)", doc)
		return outsiderActions(analyzeOutsiders(t, zone, only, c))
	}
	if c == nil || t.At.IsZero() {
		return analyze()
	}
	// newFactsKey reads the policy's document alone.
	keyed := t
	keyed.Policy = &eval.Policy{Doc: doc}
	fk, ok := newFactsKey(keyed, zone)
	if !ok {
		return analyze()
	}
	w := newKeyWriter()
	defer w.free()
	arn, prefix, claimed := t.ARN, t.Prefix, t.Claimed
	if t.Kind != Registry && resourceBlind(keyed) {
		// A template's requests are to repositories it creates, under its
		// prefix and not another's: no statement tells them apart either,
		// and there is always one (a name of one character under the
		// prefix, which no other template's prefix/ takes).
		arn, prefix, claimed = "", "", nil
	}
	w.ints(int(t.Kind), t.At.Nanosecond(), int(t.At.Unix()))
	w.strs(arn, t.Account, t.Region, prefix, t.Scope, t.OrgID, t.RegistryScope)
	w.list(claimed)
	w.list(t.OrgPaths)
	key := afterKey{facts: fk, rest: string(w.b), only: only}
	c.mu.Lock()
	out, ok := c.after[key]
	c.mu.Unlock()
	if ok {
		return out
	}
	out = analyze()
	c.mu.Lock()
	c.after[key] = out
	c.mu.Unlock()
	return out
}

// resourceBlind reports whether no statement of t's policies (its own,
// the RCPs', the registry's) can tell one resource from another: each has
// no Resource element, or one of "*" alone, and no NotResource. The
// requests a search makes then differ only in their resource, which no
// statement reads.
func resourceBlind(t Target) bool {
	blind := func(p *eval.Policy) bool {
		if p == nil {
			return true
		}
		if p.Doc == nil {
			return false
		}
		for _, s := range p.Doc.Statements {
			if s.NotResource != nil {
				return false
			}
			for _, v := range s.Resource {
				if v.Text != "*" || v.Unknown || v.AccountUnknown || v.StandIn {
					return false
				}
			}
		}
		return true
	}
	return blind(t.Policy) && blind(t.Registry) && !slices.ContainsFunc(t.RCPs, func(p *eval.Policy) bool { return !blind(p) })
}

// ProposeFixCached is ProposeFix with a cache shared by the analyses of
// one scan (nil: none).
func ProposeFixCached(r *Result, zone Zone, cache *Cache) (*Fix, error) {
	before := outsiderActions(r)
	if before.Empty() {
		return nil, nil
	}
	doc := *r.Target.Policy.Doc
	doc.Statements = append([]*policy.Statement(nil), doc.Statements...)
	if doc.Version == "" {
		doc.Version = policy.Version2012
	}
	used := map[string]bool{}
	for _, s := range doc.Statements {
		used[s.Sid] = true
	}
	sid := func(base string) string {
		s := base
		for i := 2; used[s]; i++ {
			s = base + string(rune('0'+i))
		}
		used[s] = true
		return s
	}
	owner := zone.Account
	if owner == "" {
		owner = r.Target.Account
	}
	if owner == "" {
		owner = OwnerVariable
	}
	accounts := append([]string{owner}, zone.Accounts...)
	sort.Strings(accounts[1:])
	// An ECR Public repository's policy governs the ecr-public actions.
	actions := values("ecr:*")
	if r.Target.Kind == Public {
		actions = values("ecr-public:*")
	}
	var resource []policy.Value
	if r.Target.Kind == Registry {
		// An owner the inputs do not name is "*" here: IAM replaces no
		// variable before an ARN's fifth colon (IAM User Guide, "IAM policy
		// elements: Variables and tags"), and the registry's policy governs
		// its own account's repositories alone.
		acct := r.Target.Account
		if acct == "" {
			acct = "*"
		}
		resource = values("arn:aws:ecr:" + r.Target.Region + ":" + acct + ":repository/*")
	}
	guard := &policy.Statement{
		Sid: sid(GuardSid), Effect: policy.Deny, Principal: &policy.Principal{Wildcard: true},
		Action: actions, Resource: resource,
		Conditions: []policy.Condition{
			cond("StringNotEquals", "aws:PrincipalAccount", accounts...),
			cond("BoolIfExists", "aws:PrincipalIsAWSService", "false"),
		},
	}
	if len(zone.OrgIDs) > 0 {
		guard.Conditions = append(guard.Conditions, cond("StringNotEquals", "aws:PrincipalOrgID", zone.OrgIDs...))
	}
	if len(zone.OrgPaths) > 0 {
		var pats []string
		for _, p := range zone.OrgPaths {
			pats = append(pats, p+"*")
		}
		guard.Conditions = append(guard.Conditions, cond("ForAllValues:StringNotLike", "aws:PrincipalOrgPaths", pats...))
	}
	doc.Statements = append(doc.Statements, guard)
	added := []string{guard.Sid}
	guards := []*policy.Statement{guard}
	serviceGuard := &policy.Statement{
		Sid: sid(ServiceGuardSid), Effect: policy.Deny, Principal: &policy.Principal{Wildcard: true},
		Action: actions, Resource: resource,
		Conditions: []policy.Condition{
			cond("Bool", "aws:PrincipalIsAWSService", "true"),
			cond("StringNotEqualsIfExists", "aws:SourceAccount", accounts...),
		},
	}
	// The first guard spares AWS services, which carry no principal
	// account; when services acting for outsiders (or for no one in
	// particular) still get in, deny them too.
	var after catalog.ActionSet
	serviceAdded := false
	if servicesActForOutsiders(r) {
		// The first guard alone cannot close this: add both at once.
		doc.Statements = append(doc.Statements, serviceGuard)
		added = append(added, serviceGuard.Sid)
		guards = append(guards, serviceGuard)
		serviceAdded = true
	}
	for {
		for i, st := range doc.Statements {
			c := *st
			c.Index = i
			doc.Statements[i] = &c
		}
		after = cache.outsidersAfter(r.Target, &doc, zone, before)
		if after.Empty() || serviceAdded {
			break
		}
		doc.Statements = append(doc.Statements, serviceGuard)
		added = append(added, serviceGuard.Sid)
		guards = append(guards, serviceGuard)
		serviceAdded = true
	}
	unproven := ""
	// The services the policy names: AWS services acting for the owner
	// that the owner check tries, and part of its cache key.
	var services []string
	if r.named != nil {
		services = r.named.serviceList()
	} else {
		services = collectNames(r.Target.Policy.Doc).serviceList()
	}
	if d, complete := cache.ownerDenied(r.Target, zone, &doc, guards, services); d != nil {
		unproven = d.describe(r.Target)
		if owner == OwnerVariable && !doc.VariablesEnabled() {
			unproven += fmt.Sprintf(" (the fix names the unknown owner as %s, a policy variable, which takes effect only in a policy of Version %s; this policy's is %s)",
				OwnerVariable, policy.Version2012, versionName(doc.Version))
		}
	} else if !complete {
		unproven = "the owner account's requests combine into more contexts than ecrguard tries, so it could not prove that the guards deny none of them"
	}
	if unproven == "" {
		unproven = UnsupportedAllow(doc.Statements)
	}
	// The analysis ran on the document itself; its encoding decodes to the
	// same document (TestFixJSONDecodesToTheVerifiedPolicy).
	text, err := cache.marshal(&doc)
	if err != nil {
		return nil, err
	}
	return &Fix{Doc: &doc, JSON: text, Added: added, Before: before, After: after, Unproven: unproven}, nil
}

// UnsupportedAllow says why a fix that keeps the statements cannot be
// applied when one of them combines Allow with NotPrincipal (IAM User
// Guide, "AWS JSON policy elements: NotPrincipal": "NotPrincipal must be
// used with "Effect":"Deny". Using it with "Effect":"Allow" is not
// supported"): the fixed policy would be reported again, as ECR011. Its
// rewrite, the Principal "*" with an aws:PrincipalArn condition the same
// page recommends, is a wildcard behind a condition (ECR002), and naming
// the principals it should allow is the owner's choice: ecrguard leaves it
// to them. "" when no statement does.
func UnsupportedAllow(stmts []*policy.Statement) string {
	for _, s := range stmts {
		if s.Effect == policy.Allow && s.NotPrincipal != nil {
			return fmt.Sprintf("%s combines Allow with NotPrincipal, which IAM does not support, and a fix that keeps it would be reported again (ECR011); replace NotPrincipal with a Principal naming who should have access, then scan again", s.Name())
		}
	}
	return ""
}

func versionName(v string) string {
	if v == "" {
		return "absent (" + policy.Version2008 + ")"
	}
	return v
}

func servicesActForOutsiders(r *Result) bool {
	if len(r.Deputies) > 0 {
		return true
	}
	for _, acc := range r.Accounts {
		for p := range acc.Principals {
			if strings.HasPrefix(p, "service:") {
				return true
			}
		}
	}
	return false
}

func values(ss ...string) []policy.Value {
	out := make([]policy.Value, len(ss))
	for i, s := range ss {
		out[i] = policy.Value{Text: s}
	}
	return out
}

func cond(op, key string, vals ...string) policy.Condition {
	return policy.Condition{Operator: op, Op: policy.ParseOperator(op), Key: key, Values: values(vals...)}
}
