package exposure

import (
	"strings"

	"github.com/ecrguard/ecrguard/catalog"
	"github.com/ecrguard/ecrguard/eval"
	"github.com/ecrguard/ecrguard/policy"
)

// Keys fixed by who the caller is (SPEC section 3): an outsider cannot
// choose them; each scenario sets them.
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
func isNetworkKey(lower string) bool {
	if k, ok := catalog.Default().Key(lower); ok && k.Category == "network" {
		return true
	}
	return false
}

// keys builds the request-context dimensions of a search from what the
// policy's statements test.
type keys struct {
	mentions []eval.Mention
}

func newKeys(mentions []eval.Mention, _ *names) *keys { return &keys{mentions: mentions} }

// free returns one Dimension per key the caller chooses: every key but the
// caller and source keys. Network keys take only values outside every range
// and endpoint the policy names, unless namedCaller (a principal the policy
// names may well be on the network the policy names).
func (k *keys) free(namedCaller bool) []eval.Dimension {
	dims := eval.Space{
		Skip:    func(l string) bool { return callerKeys[l] || sourceKeys[l] },
		Outside: func(l string) bool { return !namedCaller && isNetworkKey(l) },
	}.Dimensions(k.mentions)
	if d := k.userIDs(); d != nil {
		dims = append(dims, d)
	}
	return dims
}

// outsiderUserID is the aws:userid of an outsider's role session: a role id
// ecrguard made up, and a session name of the outsider's choosing.
const outsiderUserID = "AROAECRGUARDOUTSIDER0:" + freshName

// userIDs is the aws:userid dimension when the policy tests the key. Every
// IAM caller has one; the outsider's is its own (never an id the policy
// names), but it chooses the session name after the colon, so a pattern
// whose id part is a wildcard ("*:alice") matches an outsider's session.
func (k *keys) userIDs() eval.Dimension {
	var d eval.Dimension
	for _, m := range k.mentions {
		if !strings.EqualFold(m.Key, "aws:userid") {
			continue
		}
		if d == nil {
			d = eval.Dimension{{{Key: "aws:userid", Values: []string{outsiderUserID}}}}
		}
		for _, t := range m.Tests {
			for _, v := range t.Values {
				id, _, _ := strings.Cut(v, ":")
				if policy.HasWildcard(id) && !strings.Contains(v, "${") {
					d = append(d, eval.Option{{Key: "aws:userid", Values: []string{instance(v)}}})
				}
			}
		}
	}
	return d
}

// principalARNPatterns returns the aws:PrincipalArn values the policy tests.
func (k *keys) principalARNPatterns() []string {
	var out []string
	for _, m := range k.mentions {
		if strings.EqualFold(m.Key, "aws:principalarn") {
			for _, t := range m.Tests {
				out = append(out, t.Values...)
			}
		}
	}
	return dedupe(out)
}

// sourceOptions are the ways an AWS service acting for account acct can
// call: its source account, the source ARNs the policy tests instantiated in
// that account (or one it does not name), and the account's organization.
func (k *keys) sourceOptions(acct string, n *names, z Zone, trusted bool) []eval.Option {
	arns := []string{"arn:aws:ecrguard:us-east-1:" + acct + ":source/" + eval.FreshValue}
	for _, m := range k.mentions {
		if !strings.EqualFold(m.Key, "aws:sourcearn") {
			continue
		}
		for _, t := range m.Tests {
			for _, v := range t.Values {
				if a, ok := policy.ParseARN(v); ok && policy.Match(a.Account, acct) {
					a.Account = acct
					arns = append(arns, instance(a.String()))
				}
			}
		}
	}
	arns = dedupe(arns)
	type org struct{ id, path string }
	orgs := []org{{}}
	for _, o := range append([]string{freshOrg}, n.orgList()...) {
		path := o + freshOrgPath
		if trusted || !z.TrustsOrg(o, []string{path}) {
			orgs = append(orgs, org{o, path})
		}
		for _, p := range n.pathList() {
			inst := instanceTrim(p)
			if strings.HasPrefix(inst, o+"/") && (trusted || !z.TrustsOrg(o, []string{inst})) {
				orgs = append(orgs, org{o, inst})
			}
		}
	}
	var out []eval.Option
	for _, arn := range arns {
		for _, o := range orgs {
			opt := eval.Option{
				{Key: "aws:SourceAccount", Values: []string{acct}},
				{Key: "aws:SourceOwner", Values: []string{acct}},
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
	return out
}
