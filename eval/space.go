package eval

import (
	"encoding/binary"
	"math"
	"net/netip"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/ecrguard/ecrguard/catalog"
	"github.com/ecrguard/ecrguard/policy"
)

// FreshValue stands for a value a policy does not name: it matches no
// literal, only patterns such as "*".
const FreshValue = "ecrguard-fresh"

// Instance turns an IAM wildcard pattern into one string it matches.
func Instance(p string) string { return fillWildcards.Replace(p) }

// fillWildcards is built once: building a Replacer costs more than the
// replacements it makes. A Replacer is safe for concurrent use.
var fillWildcards = strings.NewReplacer("*", "x", "?", "x")

// Space says which keys of a request a search chooses, and how. The search
// splits the values of every key the policies test into regions, where each
// test on the key has one outcome, and tries one value per region
// (docs/semantics.md: every request, not a sample).
type Space struct {
	// Free reports whether the caller chooses a key (lower-cased). A key
	// that is not free keeps the value of the request's context, or stays
	// absent.
	Free func(lower string) bool
	// Outside reports free keys whose named values the caller cannot take
	// (the network of an outsider): a literal the policies name, an
	// address inside a range they name (unless the ranges cover a whole
	// address family). Wildcard patterns it can match with values of its own.
	Outside func(lower string) bool
	// Covered reports, for an Outside key, whether the ranges the policies
	// name anywhere (not only in the statements at hand) cover the whole
	// address family: then the caller may be anywhere in it.
	Covered func(lower string, v6 bool) bool
	// Fixed replaces the regions of a key with the options given.
	Fixed map[string]Dimension
	// Dimensions are chosen before the keys; each sets keys together (an
	// organization id with its paths, a service's source account with its
	// ARN).
	Dimensions []Dimension
	// Names are strings the caller picks that set keys through templates
	// (its user name sets aws:username and aws:PrincipalArn).
	Names []Name
	// Limit bounds the evaluations of one search (0: DefaultLimit).
	Limit int
	// Cache keeps the regions computed for one set of tests, for the
	// searches of one analysis over the same policies (nil: none).
	Cache *RegionCache
}

// RegionCache keeps the regions searches compute, keyed by the tests they
// split, so that searches over the same statements split each key once.
// It is safe for concurrent use; what it hands out must not be changed.
type RegionCache struct {
	mu  sync.Mutex
	ids map[*ccond]int
	// opts are keys' regions; globs automata walks; names the values a
	// name takes; derived the patterns derived past a prefix.
	opts    memo[cachedRegions]
	globs   memo[cachedGlobs]
	names   memo[cachedGlobs]
	derived memo[[]gpat]
}

// memo is a map safe for concurrent use.
type memo[V any] struct {
	mu sync.Mutex
	m  map[string]V
}

func (m *memo[V]) get(k string) (V, bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	v, ok := m.m[k]
	return v, ok
}

func (m *memo[V]) put(k string, v V) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.m == nil {
		m.m = map[string]V{}
	}
	m.m[k] = v
}

type cachedGlobs struct {
	out []string
	ok  bool
}

// globRegions is globRegions, remembered by the patterns.
func (rc *RegionCache) globRegions(groups [][]gpat) ([]string, bool) {
	return rc.regions(groups, Shape{})
}

// nameRegions is regions for the names of shape, remembered by the
// patterns: a name is never empty.
func (rc *RegionCache) nameRegions(groups [][]gpat, shape Shape) ([]string, bool) {
	shape.Min = max(shape.Min, 1)
	return rc.regions(groups, shape)
}

func (rc *RegionCache) regions(groups [][]gpat, shape Shape) ([]string, bool) {
	if rc == nil {
		return regions(groups, shape)
	}
	var b strings.Builder
	if shape != (Shape{}) {
		b.WriteString("names\x03" + shape.Chars + "\x03" + strconv.Itoa(shape.Min) + "\x03")
	}
	for _, g := range groups {
		for _, p := range g {
			b.WriteString(p.key())
			b.WriteByte(1)
		}
		b.WriteByte(2)
	}
	k := b.String()
	if c, found := rc.globs.get(k); found {
		return c.out, c.ok
	}
	out, ok := regions(groups, shape)
	rc.globs.put(k, cachedGlobs{out, ok})
	return out, ok
}

// derive is gpat.derive, remembered by pattern and prefix.
func (rc *RegionCache) derive(g gpat, prefix string) []gpat {
	if rc == nil {
		return g.derive(prefix)
	}
	k := g.key() + "\x00" + prefix
	if d, ok := rc.derived.get(k); ok {
		return d
	}
	d := g.derive(prefix)
	rc.derived.put(k, d)
	return d
}

type cachedRegions struct {
	opts     Dimension
	complete bool
}

// NewRegionCache returns an empty cache.
func NewRegionCache() *RegionCache {
	return &RegionCache{ids: map[*ccond]int{}}
}

// key identifies a split: what is split (a key, or a name's templates),
// how, and by which tests.
func (rc *RegionCache) key(what string, conds []*ccond, extra []string) string {
	b := make([]byte, 0, len(what)+8*len(conds)+16)
	b = append(b, what...)
	rc.mu.Lock()
	defer rc.mu.Unlock()
	for _, c := range conds {
		id, ok := rc.ids[c]
		if !ok {
			id = len(rc.ids) + 1
			rc.ids[c] = id
		}
		b = append(b, 0, byte(id), byte(id>>8), byte(id>>16), byte(id>>24))
	}
	for _, e := range extra {
		b = append(b, 1)
		b = append(b, e...)
	}
	return string(b)
}

// Name is a string the caller picks, such as a user name, that sets keys
// through fixed templates.
type Name struct {
	// Fresh is the value tried first: one the policies do not name.
	Fresh string
	Keys  []NameKey
	// Except are values the name never takes (a role's session names
	// that are callers of their own): the search tries the other names of
	// every region they share.
	Except []string
	// Shape is what the name may be; a name is never empty.
	Shape Shape
}

// Shape is what a string may be: made of the characters of Chars (any when
// empty), at least Min long.
type Shape struct {
	Chars string
	Min   int
}

// SessionNames is the shape of role session names and federated user
// names: letters, digits and _+=,.@-, at least two (AWS STS API Reference,
// AssumeRole RoleSessionName and GetFederationToken Name).
var SessionNames = Shape{Chars: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_+=,.@-", Min: 2}

// fits says whether name has the shape.
func (s Shape) fits(name string) bool {
	if len(name) < s.Min {
		return false
	}
	for i := 0; i < len(name) && s.Chars != ""; i++ {
		if strings.IndexByte(s.Chars, name[i]) < 0 {
			return false
		}
	}
	return true
}

// NameKey is one key a Name sets: Prefix followed by the name, or with Base
// only its last "/"-separated segment (a user's aws:username, when the
// name carries a path).
type NameKey struct {
	Key    string
	Prefix string
	Base   bool
}

func (nk NameKey) value(n string) string {
	if nk.Base {
		return n[strings.LastIndexByte(n, '/')+1:]
	}
	return nk.Prefix + n
}

// option is the assignments the name n makes.
func (n *Name) option(v string) Option {
	opt := make(Option, len(n.Keys))
	for i, k := range n.Keys {
		opt[i] = Assignment{Key: k.Key, Values: []string{k.value(v)}}
	}
	return opt
}

// Defined reports whether AWS defines a condition key for ECR requests: a
// global key or a key of the ecr service. A key it does not define (a typo
// such as aws:PrincipleOrgID, a key of another service) is absent from
// every ECR request (docs/semantics.md).
func Defined(lower string) bool {
	_, ok := catalog.Default().Key(lower)
	return ok
}

// OutsiderVPCSuffix ends the ids of the VPC and VPC endpoint that stand for
// an outsider's own (outsiderNetwork): a value holding it is made up.
const OutsiderVPCSuffix = "0ec9a4d0000000000"

// outsiderNetwork are network values an outsider has of its own: the ids
// of a VPC and endpoint it creates, its account and organization. A
// pattern that matches them ("vpce-*") restricts nothing.
var outsiderNetwork = map[string]string{
	"aws:sourcevpce":           "vpce-" + OutsiderVPCSuffix,
	"aws:sourcevpc":            "vpc-" + OutsiderVPCSuffix,
	"aws:ec2instancesourcevpc": "vpc-" + OutsiderVPCSuffix,
	"aws:sourcevpcarn":         "arn:aws:ec2:us-east-1:777766665555:vpc/vpc-" + OutsiderVPCSuffix,
	"aws:vpceaccount":          "777766665555",
	"aws:vpceorgid":            "o-ecrguard0000",
	"aws:vpceorgpaths":         "o-ecrguard0000/r-ecrg/ou-ecrg-00000000/",
}

// Addresses an outsider is likely to call from, tried first so that proofs
// read naturally.
var (
	preferredV4 = netip.MustParseAddr("198.51.100.7")
	preferredV6 = netip.MustParseAddr("2001:db8:ec9::7")
)

// KeyOptions returns, for each mention, the options of its key as a search
// splits it: absent, and one value (or set of values) per region of the
// tests. Variables in the tests are taken literally.
func (sp Space) KeyOptions(mentions []Mention) []Dimension {
	cat := catalog.Default()
	ctx := NewContext()
	var out []Dimension
	for _, m := range mentions {
		lower := strings.ToLower(m.Key)
		var conds []*ccond
		multi := false
		if info, ok := cat.Key(lower); ok {
			multi = info.MultiValued()
		}
		for _, t := range m.Tests {
			c := &policy.Condition{Operator: t.Operator, Op: policy.ParseOperator(t.Operator), Key: m.Key}
			for _, v := range t.Values {
				c.Values = append(c.Values, policy.Value{Text: v})
			}
			cc := compileCondition(c, false)
			conds = append(conds, &cc)
		}
		opts, _ := sp.regions(m.Key, lower, conds, nil, multi, ctx)
		out = append(out, opts)
	}
	return out
}

// region is one value of a key and the outcome of each test on it.
type region struct {
	v   string
	sig []tri
}

// regions computes the options of one key in the context ctx: absent, one
// value per region of the single values, and for a multivalued key the
// empty set and one set per combination of regions that the tests can tell
// apart. complete is false when the work was bounded and some region may
// be missing.
func (sp *Space) regions(key string, lower string, conds []*ccond, solved []string, multi bool, ctx *Context) (opts Dimension, complete bool) {
	outside := sp.Outside != nil && sp.Outside(lower)
	cands, complete := candidates(lower, conds, solved, outside, ctx, sp.Cache)
	// One value per signature: the outcome of every test on the value.
	var regs []region
	seen := map[string]bool{}
	var sigKey strings.Builder
	for _, v := range cands {
		sig := make([]tri, len(conds))
		sigKey.Reset()
		for i, c := range conds {
			sig[i] = c.matchOne(ctx, v)
			sigKey.WriteByte(byte('0' + sig[i]))
		}
		if slices.Contains(solved, v) {
			// A value that makes a variable use match is a region of its
			// own: the tests on the key do not see the uses.
			sigKey.WriteString("=" + v)
		}
		if outside && strings.Contains(v, ":") {
			// Address families are told apart: a range may cover one
			// whole family and not the other.
			sigKey.WriteString("/6")
		}
		if seen[sigKey.String()] {
			continue
		}
		seen[sigKey.String()] = true
		regs = append(regs, region{v, sig})
	}
	if outside {
		regs = outsideRegions(lower, regs, conds, sp.Covered)
	}
	opts = append(opts, Option{{Key: key, Absent: true}})
	if !multi {
		for _, r := range regs {
			opts = append(opts, Option{{Key: key, Values: []string{r.v}}})
		}
		return opts, complete
	}
	// A set of values is told apart by which tests some value matches and
	// which some value does not match.
	opts = append(opts, Option{{Key: key, Values: []string{}}})
	type class struct {
		in, out uint64
		vals    []string
	}
	if len(conds) > 32 {
		complete = false
	}
	feat := func(sig []tri) (in, out uint64) {
		for i := 0; i < len(sig) && i < 32; i++ {
			if sig[i] == yes || sig[i] == maybe {
				in |= 1 << uint(i)
			}
			if sig[i] == no || sig[i] == maybe {
				out |= 1 << uint(i)
			}
		}
		return
	}
	classes := map[[2]uint64]*class{}
	var order [][2]uint64
	for _, r := range regs {
		in, out := feat(r.sig)
		var add []*class
		add = append(add, &class{in: in, out: out, vals: []string{r.v}})
		for _, k := range order {
			c := classes[k]
			add = append(add, &class{in: c.in | in, out: c.out | out, vals: append(append([]string(nil), c.vals...), r.v)})
		}
		for _, c := range add {
			k := [2]uint64{c.in, c.out}
			if classes[k] == nil {
				if len(order) >= maxSetClasses {
					complete = false
					continue
				}
				classes[k] = c
				order = append(order, k)
			}
		}
	}
	for _, k := range order {
		opts = append(opts, Option{{Key: key, Values: classes[k].vals}})
	}
	return opts, complete
}

// maxSetClasses bounds the sets of values tried for a multivalued key.
const maxSetClasses = 256

// outsideRegions keeps the regions a caller outside the named network can
// be in: for addresses, those inside no named range of their family unless
// the ranges cover the family; for other values, those equal to no literal.
func outsideRegions(lower string, regs []region, conds []*ccond, covered func(string, bool) bool) []region {
	isIP := false
	for _, c := range conds {
		if c.op.Family == policy.FamilyIP {
			isIP = true
		}
	}
	type reg = region
	var out []reg
	if isIP || lower == "aws:sourceip" {
		for _, v6 := range []bool{false, true} {
			var fam, free []reg
			for _, r := range regs {
				a, err := netip.ParseAddr(r.v)
				if err != nil || a.Is6() != v6 {
					continue
				}
				fam = append(fam, r)
				inside := false
				for i, c := range conds {
					if c.op.Family == policy.FamilyIP && r.sig[i] == yes {
						inside = true
					}
				}
				if !inside {
					free = append(free, r)
				}
			}
			if len(free) == 0 || covered != nil && covered(lower, v6) {
				free = fam // the ranges cover the whole family
			}
			out = append(out, free...)
		}
		return out
	}
	for _, r := range regs {
		named := false
		for i, c := range conds {
			if r.sig[i] != yes {
				continue
			}
			for _, v := range c.vals {
				if !v.t.unknown && v.t.segs == nil && !policy.HasWildcard(v.t.raw) && (v.t.raw == r.v || c.op.IgnoreCase && strings.EqualFold(v.t.raw, r.v)) {
					named = true
				}
			}
		}
		if !named {
			out = append(out, r)
		}
	}
	return out
}

// candidates lists values of a key, at least one in every region of the
// tests on it: for strings and ARNs the regions of their patterns, numbers
// and dates below, at and between and above the values named, addresses
// in every interval the ranges cut, booleans, binary values.
func candidates(lower string, conds []*ccond, solved []string, outside bool, ctx *Context, rc *RegionCache) ([]string, bool) {
	complete := true
	var out []string
	var nums []float64
	var dates []time.Time
	var prefixes []netip.Prefix
	var globs, lits [][]gpat
	var strLits []string
	var strGlobs []gpat
	isIP := lower == "aws:sourceip" || lower == "aws:vpcsourceip"
	info, known := catalog.Default().Key(lower)
	boolKey := known && strings.Contains(info.Type, "Bool")
	if v, ok := outsiderNetwork[lower]; ok && outside {
		out = append(out, v)
	}
	for _, c := range conds {
		for i := range c.vals {
			v := &c.vals[i]
			if v.t.unknown {
				continue
			}
			switch c.op.Family {
			case policy.FamilyNumeric:
				if v.ok {
					nums = append(nums, v.num)
				}
			case policy.FamilyDate:
				if v.ok {
					dates = append(dates, v.tm)
				}
			case policy.FamilyIP:
				isIP = true
				if v.ok {
					prefixes = append(prefixes, v.pfx)
				}
			case policy.FamilyBool, policy.FamilyNull:
				out = append(out, "true", "false")
			case policy.FamilyBinary:
				out = append(out, v.t.raw)
			case policy.FamilyString, policy.FamilyARN:
				g, ok := c.glob(v, ctx)
				if !ok {
					continue
				}
				if lit, isLit := g.literal(); isLit {
					if !outside {
						out = append(out, lit)
					}
					lits = append(lits, []gpat{g})
					strLits = append(strLits, lit)
					continue
				}
				if !outside {
					out = append(out, g.instance())
				}
				globs = append(globs, []gpat{g})
				strGlobs = append(strGlobs, g)
			}
		}
	}
	out = append(out, solved...)
	if len(nums) > 0 || len(dates) > 0 {
		// String tests on a key that Numeric or Date tests compare too
		// cut their intervals: a literal at its value (a Deny of "15"
		// beside 10 < x < 20 left only 15 to try), a pattern of a date at
		// the span its literal prefix names ("2026-01-02*": that day).
		// Any other pattern is not split exactly.
		for _, l := range strLits {
			if n, ok := policy.ParseNumber(l); ok {
				nums = append(nums, n)
			}
			if t, ok := policy.ParseDate(l); ok {
				dates = append(dates, t)
			}
		}
		for _, g := range strGlobs {
			from, to, ok := dateSpan(g.prefix())
			if !ok || len(dates) == 0 {
				complete = false
				continue
			}
			dates = append(dates, from, to)
		}
	}
	if isIP {
		out = append(out, addresses(prefixes)...)
	} else if boolKey {
		out = append(out, "true", "false")
	} else {
		out = append([]string{FreshValue}, out...)
		if !outside && len(globs) > 0 {
			// The literals take part: a region of the patterns may hold
			// only strings a literal names, or strings besides them.
			more, ok := rc.globRegions(append(globs, lits...))
			out = append(out, more...)
			complete = complete && ok
		}
		out = append(out, numbers(nums)...)
		out = append(out, dateValues(dates)...)
	}
	return Dedupe(out), complete
}

// glob compiles a value of a String or Arn condition, its variables
// substituted from ctx, as the pattern the operator matches it as. ok is
// false when a variable has no value.
func (c *ccond) glob(v *cval, ctx *Context) (gpat, bool) {
	arn := c.op.Family == policy.FamilyARN
	like := c.op.Like || arn
	var p string
	var ok bool
	if like {
		p, ok = v.t.pattern(ctx)
	} else {
		p, ok = v.t.plain(ctx)
		p = escapeAll(p)
	}
	if !ok {
		return nil, false
	}
	return globPattern(p, like, c.op.IgnoreCase, arn), true
}

// escapeAll marks every byte of s literal for a gpat.
func escapeAll(s string) string {
	if !strings.ContainsAny(s, "*?\x00") {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if c := s[i]; c == '*' || c == '?' || c == policy.Escape {
			b.WriteByte(policy.Escape)
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

// numbers returns a number in every interval the values cut: below the
// least, each value, between each two, above the greatest.
func numbers(ns []float64) []string {
	if len(ns) == 0 {
		return nil
	}
	sort.Float64s(ns)
	ns = slices.Compact(ns)
	f := func(x float64) string { return strconv.FormatFloat(x, 'f', -1, 64) }
	out := []string{f(ns[0] - 1)}
	for i, n := range ns {
		out = append(out, f(n))
		if i+1 < len(ns) && ns[i+1] > n {
			mid := n + (ns[i+1]-n)/2
			if mid > n && mid < ns[i+1] {
				out = append(out, f(mid))
			}
		}
	}
	last := ns[len(ns)-1]
	if !math.IsInf(last+1, 0) {
		out = append(out, f(last+1))
	}
	return out
}

// dateSpan returns the span of time that the dates written with prefix
// cover, when prefix is a whole year, month, day, hour, minute or second
// of an ISO 8601 date (2026, 2026-01-02, 2026-01-02T15:04): [from, to).
func dateSpan(prefix string) (from, to time.Time, ok bool) {
	for _, l := range []struct {
		layout string
		next   func(time.Time) time.Time
	}{
		{"2006", func(t time.Time) time.Time { return t.AddDate(1, 0, 0) }},
		{"2006-01", func(t time.Time) time.Time { return t.AddDate(0, 1, 0) }},
		{"2006-01-02", func(t time.Time) time.Time { return t.AddDate(0, 0, 1) }},
		{"2006-01-02T15", func(t time.Time) time.Time { return t.Add(time.Hour) }},
		{"2006-01-02T15:04", func(t time.Time) time.Time { return t.Add(time.Minute) }},
		{"2006-01-02T15:04:05", func(t time.Time) time.Time { return t.Add(time.Second) }},
	} {
		if t, err := time.Parse(l.layout, prefix); err == nil && len(prefix) == len(l.layout) {
			return t, l.next(t), true
		}
	}
	return time.Time{}, time.Time{}, false
}

// dateValues is numbers for dates.
func dateValues(ts []time.Time) []string {
	if len(ts) == 0 {
		return nil
	}
	sort.Slice(ts, func(i, j int) bool { return ts[i].Before(ts[j]) })
	ts = slices.CompactFunc(ts, time.Time.Equal)
	f := func(t time.Time) string { return t.UTC().Format(time.RFC3339Nano) }
	out := []string{f(ts[0].Add(-time.Second))}
	for i, t := range ts {
		out = append(out, f(t))
		if i+1 < len(ts) && ts[i+1].After(t) {
			mid := t.Add(ts[i+1].Sub(t) / 2)
			if mid.After(t) && mid.Before(ts[i+1]) {
				out = append(out, f(mid))
			}
		}
	}
	return append(out, f(ts[len(ts)-1].Add(time.Second)))
}

// addresses returns an address in every interval the ranges cut the two
// address spaces into, the preferred ones first.
func addresses(prefixes []netip.Prefix) []string {
	out := []string{preferredV4.String(), preferredV6.String()}
	for _, v6 := range []bool{false, true} {
		var cuts [][2]uint64
		cuts = append(cuts, [2]uint64{0, 0})
		for _, p := range prefixes {
			if p.Addr().Is6() != v6 {
				continue
			}
			lo, hi := bounds(p)
			cuts = append(cuts, lo)
			if next, overflow := inc(hi); !overflow && (v6 || next[1] <= 0xFFFFFFFF) {
				cuts = append(cuts, next)
			}
		}
		sort.Slice(cuts, func(i, j int) bool { return less(cuts[i], cuts[j]) })
		for i, c := range cuts {
			if i > 0 && c == cuts[i-1] {
				continue
			}
			out = append(out, fromWords(c, v6).String())
		}
	}
	return out
}

// OutsideAddress returns an address of the family not covered by any of the
// prefixes. When their union covers the whole address space (0.0.0.0/0, or
// 0.0.0.0/1 with 128.0.0.0/1), no such address exists and any address is
// inside: the ranges restrict nothing, and the preferred address is
// returned.
func OutsideAddress(prefixes []netip.Prefix, v6 bool) netip.Addr {
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
	for _, s := range addresses(prefixes) {
		a := netip.MustParseAddr(s)
		if a.Is6() == v6 && !covered(a) {
			return a
		}
	}
	return pref
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

// Dedupe returns in without repeats, the first of each kept in order. It
// reuses in's array.
func Dedupe(in []string) []string {
	seen := map[string]bool{}
	out := in[:0]
	for _, s := range in {
		if !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	return out
}
