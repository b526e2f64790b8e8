package exposure

import (
	"encoding/binary"
	"net/netip"
	"sort"
	"strconv"
	"strings"
	"time"

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

// keyCands is one condition key the policy tests and how.
type keyCands struct {
	key     string
	lower   string
	multi   bool
	network bool
	tests   []eval.KeyTest
}

// keys builds the request-context dimensions of a search from what the
// policy's statements test.
type keys struct {
	list []*keyCands
}

func newKeys(mentions []eval.Mention, _ *names) *keys {
	k := &keys{}
	cat := catalog.Default()
	for _, m := range mentions {
		lower := strings.ToLower(m.Key)
		kc := &keyCands{key: m.Key, lower: lower, tests: m.Tests, network: isNetworkKey(lower)}
		if info, ok := cat.Key(lower); ok && info.MultiValued() {
			kc.multi = true
		}
		for _, t := range m.Tests {
			if strings.HasPrefix(t.Operator, "ForAllValues:") || strings.HasPrefix(t.Operator, "ForAnyValue:") {
				kc.multi = true
			}
		}
		k.list = append(k.list, kc)
	}
	return k
}

// free returns one Dimension per key the caller chooses: every key but the
// caller and source keys. Network keys take only values outside every range
// and endpoint the policy names, unless namedCaller (a principal the policy
// names may well be on the network the policy names).
func (k *keys) free(namedCaller bool) []eval.Dimension {
	var dims []eval.Dimension
	for _, kc := range k.list {
		if callerKeys[kc.lower] || sourceKeys[kc.lower] {
			continue
		}
		dims = append(dims, kc.options(kc.network && !namedCaller))
	}
	return dims
}

// options lists the ways a key can be: absent, each candidate value, and for
// multivalued keys the empty set and all candidates together.
func (kc *keyCands) options(restrictNetwork bool) eval.Dimension {
	vals := kc.values(restrictNetwork)
	opts := eval.Dimension{{{Key: kc.key, Absent: true}}}
	for _, v := range vals {
		opts = append(opts, eval.Option{{Key: kc.key, Values: []string{v}}})
	}
	if kc.multi {
		opts = append(opts, eval.Option{{Key: kc.key, Values: []string{}}})
		if len(vals) > 1 {
			opts = append(opts, eval.Option{{Key: kc.key, Values: vals}})
		}
	}
	return opts
}

// values returns representative values of the key: for each value the
// policy compares it with, one that matches and its neighbours where order
// matters, plus a fresh value that matches no literal.
func (kc *keyCands) values(restrictNetwork bool) []string {
	var out []string
	var prefixes []netip.Prefix
	isIP := false
	for _, t := range kc.tests {
		op := policy.ParseOperator(t.Operator)
		for _, v := range t.Values {
			switch op.Family {
			case policy.FamilyIP:
				isIP = true
				if p, ok := policy.ParseCIDR(v); ok {
					prefixes = append(prefixes, p)
				}
			case policy.FamilyBool, policy.FamilyNull:
				out = append(out, "true", "false")
			case policy.FamilyNumeric:
				if f, ok := policy.ParseNumber(v); ok {
					for _, d := range []float64{-1, 0, 1} {
						out = append(out, strconv.FormatFloat(f+d, 'f', -1, 64))
					}
				}
			case policy.FamilyDate:
				if t, ok := policy.ParseDate(v); ok {
					for _, d := range []time.Duration{-time.Second, 0, time.Second} {
						out = append(out, t.Add(d).UTC().Format(time.RFC3339))
					}
				}
			default:
				if strings.Contains(v, "${") {
					continue // a variable: the fresh value serves
				}
				if restrictNetwork {
					continue // the caller's network is not the one named
				}
				if op.Like {
					out = append(out, instance(v))
				} else {
					out = append(out, v)
				}
			}
		}
	}
	if isIP || kc.lower == "aws:sourceip" || kc.lower == "aws:vpcsourceip" {
		if !restrictNetwork {
			for _, p := range prefixes {
				out = append(out, p.Addr().String())
			}
		}
		out = append(out, outside(prefixes, false).String(), outside(prefixes, true).String())
	} else {
		out = append(out, freshValue)
	}
	return dedupe(out)
}

// principalARNPatterns returns the aws:PrincipalArn values the policy tests.
func (k *keys) principalARNPatterns() []string {
	var out []string
	for _, kc := range k.list {
		if kc.lower != "aws:principalarn" {
			continue
		}
		for _, t := range kc.tests {
			out = append(out, t.Values...)
		}
	}
	return dedupe(out)
}

// sourceOptions are the ways an AWS service acting for account acct can
// call: its source account, the source ARNs the policy tests instantiated in
// that account (or one it does not name), and the account's organization.
func (k *keys) sourceOptions(acct string, n *names, z Zone, trusted bool) []eval.Option {
	arns := []string{"arn:aws:ecrguard:us-east-1:" + acct + ":source/" + freshValue}
	for _, kc := range k.list {
		if kc.lower != "aws:sourcearn" {
			continue
		}
		for _, t := range kc.tests {
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

// Addresses an outsider is likely to call from, tried first so that proofs
// read naturally.
var (
	preferredV4 = netip.MustParseAddr("198.51.100.7")
	preferredV6 = netip.MustParseAddr("2001:db8:ec9::7")
)

// outside returns an address of the family not covered by any of the
// prefixes. When their union covers the whole address space (0.0.0.0/0, or
// 0.0.0.0/1 with 128.0.0.0/1), no such address exists and any address is
// inside: the ranges restrict nothing, and the preferred address is
// returned.
func outside(prefixes []netip.Prefix, v6 bool) netip.Addr {
	pref := preferredV4
	if v6 {
		pref = preferredV6
	}
	covered := func(a netip.Addr) bool {
		for _, p := range prefixes {
			if p.Contains(a) {
				return true
			}
		}
		return false
	}
	if !covered(pref) {
		return pref
	}
	// Sweep the ranges in order for the lowest uncovered address.
	type span struct{ lo, hi [2]uint64 }
	var spans []span
	for _, p := range prefixes {
		if p.Addr().Is6() != v6 {
			continue
		}
		lo, hi := bounds(p)
		spans = append(spans, span{lo, hi})
	}
	sort.Slice(spans, func(i, j int) bool { return less(spans[i].lo, spans[j].lo) })
	var cur [2]uint64
	if !v6 {
		cur = [2]uint64{0, 0}
	}
	for _, s := range spans {
		if less(cur, s.lo) {
			break
		}
		if !less(s.hi, cur) {
			next, overflow := inc(s.hi)
			if overflow || (!v6 && next[1] > 0xFFFFFFFF) {
				return pref // the whole space is covered
			}
			cur = next
		}
	}
	return fromWords(cur, v6)
}

func bounds(p netip.Prefix) (lo, hi [2]uint64) {
	b := p.Masked().Addr().As16()
	lo = [2]uint64{binary.BigEndian.Uint64(b[:8]), binary.BigEndian.Uint64(b[8:])}
	bits := p.Bits()
	if p.Addr().Is4() {
		// Work in the low 32 bits for IPv4.
		v := uint64(binary.BigEndian.Uint32(b[12:]))
		host := uint64(1)<<(32-bits) - 1
		return [2]uint64{0, v}, [2]uint64{0, v | host}
	}
	hi = lo
	switch {
	case bits == 0:
		hi = [2]uint64{^uint64(0), ^uint64(0)}
	case bits <= 64:
		hi[0] |= ^uint64(0) >> bits
		hi[1] = ^uint64(0)
	default:
		hi[1] |= ^uint64(0) >> (bits - 64)
	}
	return lo, hi
}

func less(a, b [2]uint64) bool { return a[0] < b[0] || a[0] == b[0] && a[1] < b[1] }

func inc(a [2]uint64) ([2]uint64, bool) {
	a[1]++
	if a[1] == 0 {
		a[0]++
		if a[0] == 0 {
			return a, true
		}
	}
	return a, false
}

func fromWords(w [2]uint64, v6 bool) netip.Addr {
	if !v6 {
		var b [4]byte
		binary.BigEndian.PutUint32(b[:], uint32(w[1]))
		return netip.AddrFrom4(b)
	}
	var b [16]byte
	binary.BigEndian.PutUint64(b[:8], w[0])
	binary.BigEndian.PutUint64(b[8:], w[1])
	return netip.AddrFrom16(b)
}
