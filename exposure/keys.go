package exposure

import (
	"net/netip"
	"slices"
	"strings"
	"time"

	"github.com/ecrguard/ecrguard/catalog"
	"github.com/ecrguard/ecrguard/eval"
	"github.com/ecrguard/ecrguard/policy"
)

// Keys fixed by who the caller is (docs/semantics.md): an outsider cannot
// choose them; each kind of caller sets them, and its names (user name,
// role name, session name) are searched as such.
var callerKeys = map[string]bool{
	"aws:principalarn": true, "aws:principalaccount": true, "aws:principalorgid": true,
	"aws:principalorgpaths": true, "aws:userid": true, "aws:username": true,
	"aws:principaltype": true, "aws:principalisawsservice": true,
	"aws:principalservicename": true, "aws:principalservicenameslist": true,
}

// Keys only AWS services acting for a resource owner carry.
var sourceKeys = map[string]bool{
	"aws:sourceaccount": true, "aws:sourcearn": true, "aws:sourceowner": true,
	"aws:sourceorgid": true, "aws:sourceorgpaths": true,
}

// isNetworkKey reports whether a key says where a request comes from.
// aws:VpcSourceIp is not one: alone it restricts nothing, since an outsider
// calls from its own VPC with any private addressing (docs/semantics.md).
func isNetworkKey(lower string) bool {
	switch lower {
	case "aws:vpcsourceip":
		return false
	case "aws:ec2instancesourcevpc":
		// The VPC of the EC2 instance the role's credentials were
		// delivered to: a property of the session to the catalog, but an
		// outsider's instance runs in a VPC of its own (docs/semantics.md,
		// "Where from").
		return true
	}
	if k, ok := catalog.Default().Key(lower); ok && k.Category == "network" {
		return true
	}
	return false
}

// worldKey reports the keys the world fixes for every request to the
// target (docs/semantics.md, "Keys fixed by the world"); the search never
// chooses them freely. The owner's organization, when the inputs do not
// name it, is one of the few the world may set (worldOrgs), tied to the
// callers' organizations.
func (a *analyzer) worldKey(lower string) bool {
	switch lower {
	case "aws:resourceaccount", "aws:requestedregion", "aws:currenttime", "aws:epochtime", "aws:securetransport",
		"aws:resourceorgid", "aws:resourceorgpaths":
		return true
	}
	return false
}

// setWorld adds the world's keys to a request context (nil: only make
// them).
func (a *analyzer) setWorld(ctx *eval.Context) {
	if a.world == nil {
		at := a.t.At
		if at.IsZero() {
			at = time.Now()
		}
		region := a.t.Region
		if region == "" {
			region = "us-east-1"
		}
		w := eval.NewContext()
		if a.t.Account != "" {
			w.Set("aws:ResourceAccount", a.t.Account)
		}
		if a.t.OrgID != "" {
			w.Set("aws:ResourceOrgID", a.t.OrgID)
			if len(a.t.OrgPaths) > 0 {
				w.Set("aws:ResourceOrgPaths", a.t.OrgPaths...)
			}
		}
		w.Set("aws:RequestedRegion", region)
		eval.DeriveWorld(w, at)
		a.world = w
	}
	if ctx != nil {
		ctx.Merge(a.world)
	}
}

// tagsCarried says which keys of tags an action's requests may carry
// (catalog.Action.Carries), as a bit set: 1 for aws:RequestTag/*, 2 for
// aws:TagKeys. Elsewhere a condition on them never holds, and a Deny on
// their absence (Null) always does.
func tagsCarried(action string) int {
	a := catalog.Default().Lookup(action)
	if a == nil {
		return 3
	}
	bits := 0
	if a.Carries("aws:requesttag/") {
		bits |= 1
	}
	if a.Carries("aws:tagkeys") {
		bits |= 2
	}
	return bits
}

// space is the search space of a caller making a request of act: every key
// but the caller's, the source and the world's is free (those of tags only
// when act takes tags); network keys take only values outside what the
// policy names unless namedCaller (a principal the policy names may well be
// on the network it names).
func (a *analyzer) space(act string, namedCaller bool, dims []eval.Dimension, names []eval.Name, mfa eval.Dimension) eval.Space {
	if a.free == nil {
		a.free = func(l string) bool {
			if a.action != nil && !a.action.Carries(l) {
				return false
			}
			return !callerKeys[l] && !sourceKeys[l] && !a.worldKey(l)
		}
		a.outside = isNetworkKey
		a.outsideNamed = func(string) bool { return false }
	}
	if a.regions == nil {
		a.regions = eval.NewRegionCache()
	}
	// The search runs before the next space is made: free reads the
	// action from the analyzer.
	a.action = catalog.Default().Lookup(act)
	sp := eval.Space{Free: a.free, Outside: a.outside, Covered: a.covered, Dimensions: dims, Names: names, Cache: a.regions}
	if namedCaller {
		sp.Outside = a.outsideNamed
	}
	switch {
	case len(mfa) == len(mfaAny):
		sp.Fixed = fixedMFAAny
	case mfa != nil:
		sp.Fixed = fixedMFATemporary
	}
	return sp
}

// covered reports whether the address ranges the policy names for a key,
// in any statement, cover the whole family: an outsider may then call from
// anywhere in it (docs/semantics.md: values that cover all of IPv4 or all of
// IPv6 restrict nothing).
func (a *analyzer) covered(lower string, v6 bool) bool {
	if a.coverage == nil {
		a.coverage = map[string][2]bool{}
	}
	c, ok := a.coverage[lower]
	if !ok {
		var ranges []netip.Prefix
		for _, st := range append(slices.Clip(a.t.Policy.Doc.Statements), rcpDenies(a.levels)...) {
			for _, cd := range st.Conditions {
				if strings.EqualFold(cd.Key, lower) && cd.Op.Family == policy.FamilyIP {
					for _, v := range cd.Values {
						if p, ok := policy.ParseCIDR(v.Text); ok && !v.Unknown {
							ranges = append(ranges, p)
						}
					}
				}
			}
		}
		for i, fam := range []bool{false, true} {
			out := eval.OutsideAddress(ranges, fam)
			for _, p := range ranges {
				if p.Contains(out) {
					c[i] = true
				}
			}
		}
		a.coverage[lower] = c
	}
	if v6 {
		return c[1]
	}
	return c[0]
}

// MFA: temporary credentials (role and federated sessions) always carry
// aws:MultiFactorAuthPresent; long-term keys (a user's or the root's) do
// not, and their temporary credentials do (docs/semantics.md).
var (
	mfaTemporary = eval.Dimension{
		{{Key: "aws:MultiFactorAuthPresent", Values: []string{"false"}}},
		{{Key: "aws:MultiFactorAuthPresent", Values: []string{"true"}}},
	}
	mfaAny = append(eval.Dimension{{{Key: "aws:MultiFactorAuthPresent", Absent: true}}}, mfaTemporary...)

	// The spaces' fixed keys; read-only.
	fixedMFATemporary = map[string]eval.Dimension{"aws:multifactorauthpresent": mfaTemporary}
	fixedMFAAny       = map[string]eval.Dimension{"aws:multifactorauthpresent": mfaAny}
)

// linkedWorlds returns the fixed keys of each search of a caller whose
// space fixes fixed (eval.LinkedWorlds): the links whose keys the
// resource, registry and RCP policies read. They are worked out once per
// way of fixing the MFA.
func (a *analyzer) linkedWorlds(fixed map[string]eval.Dimension) []map[string]eval.Dimension {
	mfa := len(fixed["aws:multifactorauthpresent"])
	if w, ok := a.worlds[mfa]; ok {
		return w
	}
	if a.linked == nil {
		a.linked = &keys{mentions: eval.Mentions(append([]*eval.Policy{a.ps.Resource, a.ps.Registry}, a.ps.RCPs...), nil)}
	}
	worlds := eval.LinkedWorlds(fixed, a.linked.reads)
	if a.worlds == nil {
		a.worlds = map[int][]map[string]eval.Dimension{}
	}
	a.worlds[mfa] = worlds
	return worlds
}

// caller is one kind of caller in an account, with its context and the
// names it picks.
type caller struct {
	p     eval.Principal
	names []eval.Name
	mfa   eval.Dimension
	// roleID is the unique id of a role caller; its session name follows
	// the colon in aws:userid.
	roleID string
}

// outsiderRoleID is the unique id of an outsider's role: one ecrguard made
// up; an outsider cannot pick it, but picks the session name after the
// colon.
const outsiderRoleID = "AROAECRGUARDOUTSIDER0"

// namedRoleID and outsiderUserID are the unique ids of a role the policy
// names and of an outsider's user: ids ecrguard made up.
const (
	namedRoleID    = "AROAECRGUARDNAMEDROLE"
	outsiderUserID = "AIDAECRGUARDOUTSIDER0"
)

// Session names and federated user names an outsider picks.
const freshSession = "ecrguard-session"

// callers returns every kind of caller AWS has in acct (docs/semantics.md):
// a role session, an IAM user, a federated user (GetFederationToken) and
// the root, each with the names it chooses (name where no condition reads
// it: the analyzer's standInName); without all, only the first.
func callers(acct string, all bool, name string) []caller {
	partition := "aws"
	role := "arn:" + partition + ":iam::" + acct + ":role/"
	out := []caller{
		{
			p: eval.Principal{Type: eval.Role, ARN: role + name, Account: acct},
			names: []eval.Name{
				{Fresh: name, Keys: []eval.NameKey{{Key: "aws:PrincipalArn", Prefix: role}}},
				{Fresh: freshSession, Keys: []eval.NameKey{{Key: "aws:userid", Prefix: outsiderRoleID + ":"}}, Shape: eval.SessionNames},
			},
			mfa:    mfaTemporary,
			roleID: outsiderRoleID,
		},
	}
	if !all {
		return out
	}
	user := "arn:" + partition + ":iam::" + acct + ":user/"
	fed := "arn:" + partition + ":sts::" + acct + ":federated-user/"
	return append(out, []caller{
		{
			p: eval.Principal{Type: eval.User, ARN: user + name, Account: acct},
			names: []eval.Name{
				{Fresh: name, Keys: []eval.NameKey{{Key: "aws:PrincipalArn", Prefix: user}, {Key: "aws:username", Base: true}}},
			},
			mfa: mfaAny,
		},
		{
			p: eval.Principal{Type: eval.FederatedUser, ARN: fed + name, Account: acct},
			names: []eval.Name{
				{Fresh: name, Keys: []eval.NameKey{{Key: "aws:PrincipalArn", Prefix: fed}, {Key: "aws:userid", Prefix: acct + ":"}}, Shape: eval.SessionNames},
			},
			mfa: mfaTemporary,
		},
		{p: eval.Principal{Type: eval.Root, ARN: "arn:" + partition + ":iam::" + acct + ":root", Account: acct}, mfa: mfaAny},
	}...)
}

// namedCaller is a principal the policy names: its ARN is fixed; a role's
// sessions still pick their names.
func namedCaller(p eval.Principal) caller {
	c := caller{p: p, mfa: mfaAny}
	switch p.Type {
	case eval.Role:
		c.roleID = namedRoleID
		c.names = []eval.Name{{Fresh: freshSession, Keys: []eval.NameKey{{Key: "aws:userid", Prefix: c.roleID + ":"}}, Shape: eval.SessionNames}}
		c.mfa = mfaTemporary
	case eval.AssumedRole, eval.FederatedUser:
		c.mfa = mfaTemporary
	}
	return c
}

// context is the base context of a caller: who it is, and the world.
func (a *analyzer) callerContext(c caller) *eval.Context {
	a.setWorld(nil)
	ctx := a.world.Layer()
	switch c.p.Type {
	case eval.User:
		ctx.Set("aws:userid", outsiderUserID)
	case eval.Role:
		session := freshSession
		if c.p.Session != "" {
			session = c.p.Session
		}
		ctx.Set("aws:userid", c.roleID+":"+session)
	case eval.AssumedRole:
		// The role's id and the session's name.
		ctx.Set("aws:userid", namedRoleID+":"+c.p.ARN[strings.LastIndexByte(c.p.ARN, '/')+1:])
	case eval.FederatedUser:
		ctx.Set("aws:userid", c.p.Account+":"+c.p.Name())
		ctx.Set("aws:PrincipalArn", c.p.ARN)
	case eval.Root:
		ctx.Set("aws:userid", c.p.Account)
	}
	eval.Derive(ctx, c.p)
	return ctx
}

// keys is what the statements of one action group test.
type keys struct {
	mentions []eval.Mention
	// kinds: the statements can tell kinds of caller apart, so each kind
	// is tried.
	kinds bool
	// sources caches sourceOptions.
	sources map[sourceKey][]eval.Option
	// bucket stands for a bucket the policy does not name (freshBucket).
	bucket string
	// fields split the fields of the policies' source ARN patterns
	// (analyzer.sourceFields).
	fields *sourceFieldSet
	// worlds are the ways the world may set the owner's organization
	// when the inputs do not name it and the statements read it (nil:
	// as setWorld sets it; see worldOrgs).
	worlds []worldOrg
	// paths returns the OU paths to try in an organization
	// (analyzer.pathsIn).
	paths func(org string) []string
	// read caches reads.
	read map[string]bool
}

// sourceOptions are the ways an AWS service acting for account acct can
// call: its source account, the source ARNs the policy tests instantiated in
// that account (or one it does not name), and the account's organization:
// none, one the policy does not name, and with namedOrgs each it names
// (an account it does not name, in an organization it names, is that
// organization's business: see orgSourceOptions).
func (k *keys) sourceOptions(acct string, n *names, z Zone, trusted, namedOrgs bool) []eval.Option {
	key := sourceKey{acct, trusted, namedOrgs}
	if opts, ok := k.sources[key]; ok {
		return opts
	}
	var opts []eval.Option
	if !k.readsSource() {
		// No statement reads a source key: one option stands for all.
		opts = []eval.Option{{{Key: "aws:SourceAccount", Values: []string{acct}}}}
	} else {
		var orgs []string
		if namedOrgs {
			orgs = n.orgList()
		}
		opts = k.sourceOptionsIn(acct, n, z, trusted, orgs)
	}
	if k.sources == nil {
		k.sources = map[sourceKey][]eval.Option{}
	}
	k.sources[key] = opts
	return opts
}

// readsNetworkOrOrg reports whether the statements test a network key or
// a caller's organization: keys on which a named account's callers are
// searched differently from an unnamed outsider's.
func (k *keys) readsNetworkOrOrg() bool {
	for _, m := range k.mentions {
		l := eval.LowerKey(m.Key)
		if isNetworkKey(l) || strings.HasPrefix(l, "aws:principalorg") || readsVariable(m) {
			return true
		}
	}
	return false
}

// readsVariable reports whether a value the key is tested against holds a
// policy variable.
func readsVariable(m eval.Mention) bool {
	for _, t := range m.Tests {
		for _, v := range t.Values {
			if strings.Contains(v, "${") {
				return true
			}
		}
	}
	return false
}

// readsSource reports whether the statements test a key only services
// carry, or read one as a policy variable.
func (k *keys) readsSource() bool {
	for key := range sourceKeys {
		if k.reads(key) {
			return true
		}
	}
	return false
}

// reads reports whether the statements test the key lower (lower-cased),
// or read it as a policy variable (${aws:SourceOwner} in an ARN pattern).
// The answer is kept: the searches ask it per account, service and world.
func (k *keys) reads(lower string) bool {
	if r, ok := k.read[lower]; ok {
		return r
	}
	r := eval.Reads(k.mentions, lower)
	if k.read == nil {
		k.read = map[string]bool{}
	}
	k.read[lower] = r
	return r
}

// owners are the ways a service acting for acct sets aws:SourceOwner: as
// acct, and, when the statements read it, not at all. The IAM User Guide
// does not list the key among the global ones: aws:SourceAccount is its
// replacement, and a service may send that and aws:SourceArn without it
// (a Null test of aws:SourceOwner once hid every such service).
func (k *keys) owners(acct string) []eval.Assignment {
	out := []eval.Assignment{{Key: "aws:SourceOwner", Values: []string{acct}}}
	if k.reads("aws:sourceowner") {
		out = append(out, eval.Assignment{Key: "aws:SourceOwner", Absent: true})
	}
	return out
}

type sourceKey struct {
	acct               string
	trusted, namedOrgs bool
}

// orgSourceOptions are the ways an AWS service acting for account acct, a
// member of org at path, can call.
func (k *keys) orgSourceOptions(acct, org, path string) []eval.Option {
	var out []eval.Option
	for _, arn := range k.sourceARNs(acct) {
		for _, owner := range k.owners(acct) {
			out = append(out, eval.Option{
				{Key: "aws:SourceAccount", Values: []string{acct}},
				owner,
				{Key: "aws:SourceArn", Values: []string{arn}},
				{Key: "aws:SourceOrgID", Values: []string{org}},
				{Key: "aws:SourceOrgPaths", Values: []string{path}},
			})
		}
	}
	return out
}

// sourceARNs are the source ARNs to try for a service acting for acct: one
// the policy does not name, and an instance of each it tests that can be
// in acct: of its account, or of no account (an S3 bucket's, whose name
// any account may hold: arn:aws:s3:::my-bucket* once let in every bucket
// of that name, unseen). A pattern that is not an ARN of six parts is
// matched against the whole ARN (policy.MatchARN): its first "*" then
// takes the fields up to the resource, the account acct (arn:aws:codebuild:*
// and arn:aws:codebuild* once let in every project).
func (k *keys) sourceARNs(acct string) []string {
	arns := []string{sourceStandIn(acct), k.bucket}
	for _, m := range k.mentions {
		if !strings.EqualFold(m.Key, "aws:sourcearn") {
			continue
		}
		for _, t := range m.Tests {
			for _, v := range k.fields.spellings(t.Values, acct) {
				a, ok := policy.ParseARN(v)
				if ok {
					if a.Account == "" || policy.Match(a.Account, acct) {
						in := a
						if in.Account != "" {
							in.Account = acct
						}
						arns = append(arns, instance(in.String()))
					}
					if a.Account != "" && policy.Match(a.Account, "") && policy.Match(a.Region, "") {
						// arn:aws:s3:*:*:my-bucket* names buckets too.
						a.Region, a.Account = "", ""
						arns = append(arns, instance(a.String()))
					}
				}
				if (!ok || !matchedByFields(t.Family, v)) && strings.ContainsAny(v, "*?") {
					if arn := sourceInAccount(v, acct); arn != "" {
						arns = append(arns, arn)
					}
					// The pattern as a whole (arn:aws:sns:us-east-1:9999*,
					// *:my-bucket*), whatever account it holds.
					arns = append(arns, instance(strings.Replace(v, "*", "us-east-1:"+acct+":x", 1)), instance(v))
				}
			}
		}
	}
	parts := k.fields
	for _, svc := range parts.services {
		for _, region := range parts.regions {
			for _, account := range []string{acct, ""} {
				for _, res := range parts.resources {
					arns = append(arns, "arn:aws:"+svc+":"+region+":"+account+":"+res)
				}
			}
		}
	}
	return k.distinctSources(acct, eval.Dedupe(arns))
}

// sourceFieldSet holds, for each field of a source ARN that varies (its
// service, region and resource), one value in each region into which the
// fields of the policy's ARN patterns of six parts split it (eval.Instances;
// the region may be empty too). An ARN of each combination, in the account
// or in none, matches each set of those patterns that any source ARN can
// match: a pattern matches an ARN when each of its fields matches the
// ARN's, and the combinations hold a field of every kind. Instances of
// each pattern alone missed ARNs that two patterns must both match
// (arn:aws:s3:*:*:my-* and arn:aws:s3:::*e*).
type sourceFieldSet struct {
	services, regions, resources []string
	// complete is false when the patterns split a field into more
	// regions than a search walks, or the combinations are more than
	// maxSourceARNs: then some are missing.
	complete bool
	// world holds what the world fixes of the keys whose values a source
	// ARN pattern may read as policy variables (sourceVariables), by
	// lower-cased key.
	world map[string]string
}

// sourceVariables are the keys a source ARN pattern may read as policy
// variables (arn:aws:*:*:${aws:SourceAccount}:*) that one request of a
// service acting for an account fixes: the source keys of its account,
// and what the world fixes. A pattern that reads any other is a gap
// (sourceVariableGap).
var sourceVariables = map[string]bool{
	"aws:sourceaccount": true, "aws:sourceowner": true, "aws:resourceaccount": true, "aws:requestedregion": true,
}

// spellings returns the values as the requests of a service acting for
// acct read them: a value that holds no policy variable as it is, one
// that does as written (a document of no Version reads no variable) and
// with its variables replaced (eval.Resolve), aws:SourceOwner's once by
// acct and once by its default, the key being absent (keys.owners; with no
// default the value matches nothing, and has no such spelling). A value
// that reads a variable the search cannot fix has no other spelling:
// sourceVariableGap says so.
func (f *sourceFieldSet) spellings(values []string, acct string) []string {
	var out []string
	for _, v := range values {
		out = append(out, v)
		if !strings.Contains(v, "${") || !fixedBySource(v) {
			continue
		}
		for _, owner := range []bool{true, false} {
			ctx := eval.NewContext()
			for k, val := range f.world {
				ctx.Set(k, val)
			}
			ctx.Set("aws:SourceAccount", acct)
			if owner {
				ctx.Set("aws:SourceOwner", acct)
			}
			if sp, ok := eval.Resolve(v, ctx); ok {
				out = append(out, sp)
			}
		}
	}
	return eval.Dedupe(out)
}

// fixedBySource reports whether every policy variable of v reads one of
// sourceVariables, and v holds no ${*} or ${?}, which would stand for the
// characters where the spelling is read as a pattern.
func fixedBySource(v string) bool {
	keys, escapes := eval.Variables(v)
	return !escapes && !slices.ContainsFunc(keys, func(k string) bool { return !sourceVariables[k] })
}

// sourceVariableGap returns a value of stmts' aws:SourceArn conditions that
// reads a policy variable the search does not fix (fixedBySource), or "":
// the resources services act for are not split by what it holds.
func sourceVariableGap(stmts []*policy.Statement) string {
	for _, s := range stmts {
		for _, c := range s.Conditions {
			if !strings.EqualFold(c.Key, "aws:SourceArn") {
				continue
			}
			for _, v := range c.Values {
				if !v.Unknown && !fixedBySource(v.Text) {
					return v.Text
				}
			}
		}
	}
	return ""
}

// maxSourceARNs bounds the combinations of sourceFields for one account.
const maxSourceARNs = 4096

// splitSourceFields splits the fields of the ARN patterns of six parts
// that the mentions compare aws:SourceArn with, a pattern that reads a
// policy variable as a request of a service acting for each of accounts
// reads it (sourceFieldSet.spellings), world fixing the world's.
func splitSourceFields(mentions []eval.Mention, accounts []string, world map[string]string) *sourceFieldSet {
	f := &sourceFieldSet{complete: true, world: world}
	var svcs, regions, resources []string
	for _, m := range mentions {
		if !strings.EqualFold(m.Key, "aws:sourcearn") {
			continue
		}
		for _, t := range m.Tests {
			var values []string
			for _, acct := range accounts {
				values = append(values, f.spellings(t.Values, acct)...)
			}
			for _, v := range eval.Dedupe(values) {
				if strings.Contains(v, "${") || !canMatchARN(v) {
					continue
				}
				if a, ok := policy.ParseARN(v); ok {
					svcs, regions, resources = append(svcs, a.Service), append(regions, a.Region), append(resources, a.Resource)
					if matchedByFields(t.Family, v) {
						continue
					}
				}
				// A pattern that is not an ARN of six parts, or that a
				// string operator compares, is matched whole: each run of
				// its text between wildcards may begin, end or fill a
				// field, and the fields split by each.
				for _, lit := range strings.FieldsFunc(v, func(r rune) bool { return r == '*' || r == '?' }) {
					pieces := strings.Split(lit, ":")
					for i, piece := range pieces {
						var pats []string
						switch {
						case len(pieces) == 1:
							pats = []string{"*" + piece + "*"}
						case i == 0:
							pats = []string{"*" + piece}
						case i == len(pieces)-1:
							pats = []string{piece + "*"}
						default:
							pats = []string{piece}
						}
						svcs, regions, resources = append(svcs, pats...), append(regions, pats...), append(resources, pats...)
					}
				}
			}
		}
	}
	if len(svcs) == 0 {
		return f
	}
	var ok [3]bool
	f.services, ok[0] = eval.Instances("*", nil, svcs)
	f.regions, ok[1] = eval.Instances("*", nil, regions)
	f.regions = append(f.regions, "")
	f.resources, ok[2] = eval.Instances("*", nil, resources)
	f.complete = ok[0] && ok[1] && ok[2]
	if n := len(f.services) * len(f.regions) * 2 * len(f.resources); n > maxSourceARNs {
		f.services, f.regions, f.resources, f.complete = nil, nil, nil, false
	}
	return f
}

// matchedByFields reports whether a test of family compares v, an ARN of
// six parts, field by field: an ARN operator does (IAM User Guide, "IAM
// JSON policy elements: Condition operators"); a string operator matches
// the whole text, where a wildcard takes colons too, and does alike only
// when no wildcard comes before the resource. StringLike
// arn:aws:*:*:9999*:* lets in arn:aws:s3:us-east-1:444400001111:9999:z,
// of an account it does not name.
func matchedByFields(family, v string) bool {
	return family == policy.FamilyARN.String() || !strings.ContainsAny(v[:policy.ResourcePart(v)], "*?")
}

// canMatchARN reports whether the pattern p can match an ARN, as a whole
// or field by field: whether the text before its first wildcard and
// "arn:" begin alike. ARN:AWS:S3:::X (a value in capitals, which an
// IgnoreCase operator compares in its lower-case spelling too) matches
// none.
func canMatchARN(p string) bool {
	lit := p
	if i := strings.IndexAny(p, "*?"); i >= 0 {
		lit = p[:i]
	}
	return strings.HasPrefix(lit, "arn:") || strings.HasPrefix("arn:", lit)
}

// distinctSources keeps the first of arns of each set of the statements'
// aws:SourceArn values it matches, under every way a condition operator
// compares them (as ARNs, as patterns of strings, equal, equal in another
// case), a value that reads a policy variable in each spelling a request
// for acct gives it: two ARNs that no condition tells apart are one option.
// Taken as written, arn:aws:*:*:${aws:SourceAccount}:* told none apart.
func (k *keys) distinctSources(acct string, arns []string) []string {
	var values []string
	for _, m := range k.mentions {
		if strings.EqualFold(m.Key, "aws:sourcearn") {
			for _, t := range m.Tests {
				values = append(values, k.fields.spellings(t.Values, acct)...)
			}
		}
	}
	seen := map[string]bool{}
	out := arns[:0:0]
	sig := make([]byte, 0, 4*len(values))
	for _, arn := range arns {
		sig = sig[:0]
		for _, v := range values {
			sig = append(sig, bit(policy.MatchARN(v, arn)), bit(policy.Match(v, arn)), bit(v == arn), bit(strings.EqualFold(v, arn)))
		}
		if !seen[string(sig)] {
			seen[string(sig)] = true
			out = append(out, arn)
		}
	}
	return out
}

func bit(b bool) byte {
	if b {
		return 1
	}
	return 0
}

// sourceInAccount returns an ARN of six parts in acct that the pattern p,
// which is not one, matches, or "": p's first "*" is filled with the rest
// of its field and the fields after it up to the resource (the region
// us-east-1, the account acct).
func sourceInAccount(p, acct string) string {
	star := strings.IndexByte(p, '*')
	if star < 0 {
		return ""
	}
	field := strings.Count(p[:star], ":")
	if field > 5 {
		return ""
	}
	fill := []string{"x", "x", "x", "us-east-1", acct, "x"}
	arn := instance(p[:star] + fill[field] + strings.Join(append([]string{""}, fill[field+1:]...), ":") + p[star+1:])
	a, ok := policy.ParseARN(arn)
	if !ok || a.Account != acct || !policy.MatchARN(p, arn) {
		return ""
	}
	return arn
}

func (k *keys) sourceOptionsIn(acct string, n *names, z Zone, trusted bool, named []string) []eval.Option {
	arns := k.sourceARNs(acct)
	type org struct{ id, path string }
	orgs := []org{{}}
	for _, o := range append([]string{n.freshOrg}, named...) {
		path := o + freshOrgPath
		if trusted || !z.TrustsOrg(o, []string{path}) {
			orgs = append(orgs, org{o, path})
		}
		for _, inst := range k.paths(o) {
			if trusted || !z.TrustsOrg(o, []string{inst}) {
				orgs = append(orgs, org{o, inst})
			}
		}
	}
	var out []eval.Option
	for _, arn := range arns {
		for _, owner := range k.owners(acct) {
			for _, o := range orgs {
				opt := eval.Option{
					{Key: "aws:SourceAccount", Values: []string{acct}},
					owner,
					{Key: "aws:SourceArn", Values: []string{arn}},
				}
				if o.id == "" {
					opt = append(opt, eval.Assignment{Key: "aws:SourceOrgID", Absent: true}, eval.Assignment{Key: "aws:SourceOrgPaths", Absent: true})
				} else {
					opt = append(opt, eval.Assignment{Key: "aws:SourceOrgID", Values: []string{o.id}}, eval.Assignment{Key: "aws:SourceOrgPaths", Values: []string{o.path}})
				}
				out = append(out, opt)
			}
		}
	}
	return out
}
