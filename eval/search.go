package eval

import (
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/ecrguard/ecrguard/catalog"
	"github.com/ecrguard/ecrguard/policy"
)

// Assignment sets one context key: absent, or present with Values (an empty,
// non-nil Values is present-and-empty).
type Assignment struct {
	Key    string
	Absent bool
	Values []string
}

func (a Assignment) String() string {
	if a.Absent {
		return a.Key + " absent"
	}
	if len(a.Values) == 0 {
		return a.Key + " = []"
	}
	return a.Key + " = " + strings.Join(a.Values, ", ")
}

// Option is one way a request can be along a Dimension: it sets one or more
// keys together (an organization id and its paths, say).
type Option []Assignment

// Dimension is a set of alternative Options; a search tries every
// combination of one Option per Dimension. Every option sets the same keys
// (an option that leaves a key out of the request sets it absent), or the
// first sets them all.
type Dimension []Option

// Witness is a request that a search found allowed: the proof of an access.
type Witness struct {
	Request  Request
	Chosen   []Assignment
	Decision Decision
}

// SearchResult is the outcome of a search.
type SearchResult struct {
	// Witness is an allowed request, or nil when no request is allowed.
	Witness *Witness
	// Tried counts the evaluations.
	Tried int
	// Truncated is true when the search was bounded before it finished
	// (Space.Limit, or a key with more regions than it splits): the
	// answer "not allowed" is then not proven.
	Truncated bool
}

// DefaultLimit bounds the evaluations of one search.
const DefaultLimit = 1 << 17

// Search looks for an allowed request: r, with its context completed by one
// option of every dimension of sp and a value for every key sp frees that
// the policies read. It is exact: when it finds none, no choice of those
// keys is allowed (unless Truncated).
//
// It searches key by key. A key not chosen yet is open: a statement that
// reads it is pending, and an evaluation that lets every pending Allow apply
// and no pending Deny bounds what any choice of the open keys can give (more
// Allow statements and fewer Deny statements never turn an allow into a
// deny, in every part of AWS's evaluation logic). When that bound is not an
// allow, no choice is, and the branch is dropped; when the opposite bound
// (pending Allow statements do not apply, pending Deny statements do) is an
// allow, every choice is, and the search stops. Only statements that can
// apply to the request's action, resource and principal take part.
func Search(ps *PolicySet, r *Request, sp Space) SearchResult {
	// One allocation holds the searcher and its prepared request.
	s := &searcher{full: ps, sp: &sp, limit: sp.Limit}
	s.prv = prepare(ps, r)
	s.pr = &s.prv
	pr := s.pr
	pr.terse = true
	rps := relevantSet(ps, pr)
	s.ps = rps
	ctx := pr.ctx
	base := len(ctx.over)
	s.base = base
	defer ctx.truncate(base)

	if s.limit <= 0 {
		s.limit = DefaultLimit
	}
	s.plan()
	for _, k := range s.forced {
		ctx.push(k, true, nil)
	}
	for _, d := range s.dims {
		for _, k := range d.keys {
			ctx.openKey(k)
		}
	}
	if rps != ps {
		// A copied set: drop the statements whose conditions fail on the
		// keys the search does not choose (the caller's account, the
		// world's keys): no choice makes them apply. Then note what the
		// fixed elements of the rest say, once.
		for _, p := range rps.Policies() {
			if p == nil {
				continue
			}
			p.stmts = slices.DeleteFunc(p.stmts, func(st *cstmt) bool { return st.condsFail(ctx) })
			kind := rps.kindOf(p)
			p.fixed = make([]fixedMatch, len(p.stmts))
			p.conds = make([]condMemo, len(p.stmts))
			for i, st := range p.stmts {
				t, g := st.matchFixed(rps, pr, kind.resourceLike())
				p.fixed[i] = fixedMatch{t, g}
				for _, c := range st.conds {
					for _, k := range append([]string{c.key}, c.vars...) {
						if s.readers == nil {
							s.readers = map[string][]*condMemo{}
						}
						s.readers[k] = append(s.readers[k], &p.conds[i])
					}
				}
			}
		}
	}
	if len(s.dims) > 0 {
		s.set = make([]bool, len(s.dims))
		s.deps = s.dependencies()
	}
	var res SearchResult
	if s.run(len(s.dims)) {
		res.Witness = s.witness
	}
	res.Tried = s.evals
	res.Truncated = s.truncated && res.Witness == nil
	return res
}

// relevantSet returns ps restricted to the statements that can apply to the
// request's action, and for the resource policy to its principal; those
// whose Resource element reads no variable must also match the resource.
func relevantSet(ps *PolicySet, pr *prepared) *PolicySet {
	// Small sets are searched whole (plan skips what cannot apply): the
	// copy would cost more than the statements it saves.
	n := 0
	for _, p := range ps.Policies() {
		if p != nil {
			n += len(p.stmts)
		}
	}
	if n <= smallSet {
		return ps
	}
	out := *ps
	keep := func(p *Policy, kind Kind) *Policy {
		if p == nil {
			return nil
		}
		var kept []*cstmt
		for _, s := range p.stmts {
			if s.relevant(ps, pr, kind) {
				kept = append(kept, s)
			}
		}
		return &Policy{Name: p.Name, Doc: p.Doc, stmts: kept}
	}
	out.Identity = make([]*Policy, len(ps.Identity))
	for i, p := range ps.Identity {
		out.Identity[i] = keep(p, KindIdentity)
	}
	out.SCPs = make([]*Policy, len(ps.SCPs))
	for i, p := range ps.SCPs {
		out.SCPs[i] = keep(p, KindSCP)
	}
	out.RCPs = make([]*Policy, len(ps.RCPs))
	for i, p := range ps.RCPs {
		out.RCPs[i] = keep(p, KindRCP)
	}
	out.Resource = keep(ps.Resource, KindResource)
	out.Registry = keep(ps.Registry, KindResource)
	out.Boundary = keep(ps.Boundary, KindBoundary)
	out.Session = keep(ps.Session, KindSession)
	return &out
}

// smallSet is the number of statements up to which a search does not copy
// the relevant ones out.
const smallSet = 24

// Policies lists the set's policies (nil where absent).
func (ps *PolicySet) Policies() []*Policy {
	all := append([]*Policy{ps.Resource, ps.Registry, ps.Boundary, ps.Session}, ps.Identity...)
	all = append(all, ps.SCPs...)
	return append(all, ps.RCPs...)
}

// kindOf says what role p plays in ps.
func (ps *PolicySet) kindOf(p *Policy) Kind {
	switch p {
	case ps.Resource, ps.Registry:
		return KindResource
	case ps.Boundary:
		return KindBoundary
	case ps.Session:
		return KindSession
	}
	for _, q := range ps.SCPs {
		if q == p {
			return KindSCP
		}
	}
	for _, q := range ps.RCPs {
		if q == p {
			return KindRCP
		}
	}
	return KindIdentity
}

// relevant reports whether the statement can apply to the request: its
// action, and in a resource policy its principal, and its resource unless
// that reads a variable (matchFixed).
func (s *cstmt) relevant(ps *PolicySet, pr *prepared, kind Kind) bool {
	if kind == KindRCP && (s.effect != policy.Deny || !rcpGoverns(pr)) {
		return false // see evaluate
	}
	t, _ := s.matchFixed(ps, pr, kind.resourceLike())
	return t != no
}

// condsFail reports whether one of the statement's conditions is false
// whatever the keys the search chooses.
func (st *cstmt) condsFail(ctx *Context) bool {
	for i := range st.conds {
		if st.conds[i].eval(ctx) == no {
			return true
		}
	}
	return false
}

// dim is one choice of the search: a static dimension, a name, or a key.
type dim struct {
	keys []string // lower-cased keys it sets
	// static options, or nil: computed when the search reaches the dim.
	static Dimension
	name   *Name
	key    string // the key as written (key dims)
	conds  []*ccond
	multi  bool
	// dynamic: the options depend on keys chosen before (variables).
	dynamic bool
	cached  Dimension
}

type searcher struct {
	prv prepared
	ps  *PolicySet
	// full is the set before statements that cannot apply were dropped.
	full  *PolicySet
	pr    *prepared
	sp    *Space
	limit int
	base  int

	dims   []*dim
	forced []string // keys AWS does not define: absent
	// keys are the keys the statements read, directly or as variables.
	keys []keyInfo

	// set marks the dims chosen on the current branch; deps lists, per
	// dim, the dims that set the keys its tests read as variables.
	set  []bool
	deps [][]int
	// pending are the statements the last bound left pending.
	pending []*cstmt
	// readers maps a key to the remembered conditions that read it, in a
	// copied set (see Policy.conds).
	readers map[string][]*condMemo

	evals     int
	truncated bool
	chosen    []Option
	witness   *Witness
}

// keyInfo is what the statements read of one key: the conditions on it,
// and the places that read it as a variable.
type keyInfo struct {
	key   string
	conds []*ccond
	users []varUse
	taken bool // a dimension or a name sets it
}

// find returns the key's info, or nil.
func (s *searcher) find(key string) *keyInfo {
	for i := range s.keys {
		if s.keys[i].key == key {
			return &s.keys[i]
		}
	}
	return nil
}

// info returns the key's info, adding it when new.
func (s *searcher) info(key string) *keyInfo {
	if ki := s.find(key); ki != nil {
		return ki
	}
	s.keys = append(s.keys, keyInfo{key: key})
	return &s.keys[len(s.keys)-1]
}

// condsOf returns the conditions on a key.
func (s *searcher) condsOf(key string) []*ccond {
	if ki := s.find(key); ki != nil {
		return ki.conds
	}
	return nil
}

// usersOf returns the places that read a key as a variable.
func (s *searcher) usersOf(key string) []varUse {
	if ki := s.find(key); ki != nil {
		return ki.users
	}
	return nil
}

// varUse is a place that reads a key as a variable: a condition value on
// another key, or a Resource element.
type varUse struct {
	c *ccond // nil for a resource
	t *tmpl
}

func (s *searcher) policies() []*Policy { return s.ps.Policies() }

// statements calls f with every statement of the set that can apply to the
// request.
func (s *searcher) statements(f func(*cstmt)) {
	for _, p := range s.policies() {
		if p == nil {
			continue
		}
		kind := s.ps.kindOf(p)
		for _, st := range p.stmts {
			if st.relevant(s.ps, s.pr, kind) {
				f(st)
			}
		}
	}
}

// plan lists the keys the relevant statements read and builds the dims.
func (s *searcher) plan() {
	// Most statements read no key: then there is nothing to choose.
	any := false
	for _, p := range s.policies() {
		if p == nil {
			continue
		}
		for _, st := range p.stmts {
			if len(st.conds) > 0 || st.resVars {
				any = true
			}
		}
	}
	if !any {
		return
	}
	s.keys = make([]keyInfo, 0, 3)
	s.statements(func(st *cstmt) {
		{
			for i := range st.conds {
				c := &st.conds[i]
				ki := s.info(c.key)
				ki.conds = append(ki.conds, c)
				for j := range c.vals {
					for _, v := range c.vals[j].t.vars {
						u := s.info(v)
						u.users = append(u.users, varUse{c: c, t: &c.vals[j].t})
					}
				}
			}
			for i := range st.res {
				for _, v := range st.res[i].vars {
					u := s.info(v)
					u.users = append(u.users, varUse{t: &st.res[i]})
				}
			}
		}
	})
	read := func(k string) bool {
		for i := range s.keys {
			if s.keys[i].key == k {
				return true
			}
		}
		return false
	}
	taken := func(k string) {
		if ki := s.find(k); ki != nil {
			ki.taken = true
		}
	}
	// The options of a dimension set the same keys (see Dimension): the
	// first and the last say which.
	readsAny := func(opts Dimension) ([]string, bool) {
		if len(opts) == 0 {
			return nil, false
		}
		var keys []string
		any := false
		for _, o := range []Option{opts[0], opts[len(opts)-1]} {
			for _, a := range o {
				k := lowerKey(a.Key)
				keys = appendNew(keys, k)
				any = any || read(k)
			}
		}
		return keys, any
	}
	for _, d := range s.sp.Dimensions {
		if keys, ok := readsAny(d); ok && len(d) > 0 {
			s.dims = append(s.dims, &dim{keys: keys, static: d})
			for _, k := range keys {
				taken(k)
			}
		}
	}
	for i := range s.sp.Names {
		n := &s.sp.Names[i]
		var keys []string
		any := false
		for _, nk := range n.Keys {
			k := lowerKey(nk.Key)
			keys = append(keys, k)
			any = any || read(k)
		}
		if any {
			s.dims = append(s.dims, &dim{keys: keys, name: n, dynamic: true})
			for _, k := range keys {
				taken(k)
			}
		}
	}
	var free []*keyInfo
	for i := range s.keys {
		ki := &s.keys[i]
		k := ki.key
		if ki.taken {
			continue
		}
		if !Defined(k) {
			s.forced = append(s.forced, k)
			continue
		}
		if d, ok := s.sp.Fixed[k]; ok {
			s.dims = append(s.dims, &dim{keys: []string{k}, static: d})
			continue
		}
		if s.sp.Free != nil && s.sp.Free(k) {
			free = append(free, ki)
		}
	}
	if len(s.forced) > 1 {
		sort.Strings(s.forced)
	}
	// Keys other values read as variables first, so that the values that
	// read them are known when their own keys are split; then the keys
	// most statements test.
	sortFree(free)
	s.addFree(free)
}

// sortFree orders the free keys: keys other values read as variables
// first, then the keys most statements test.
func sortFree(free []*keyInfo) {
	if len(free) < 2 {
		return
	}
	sort.Slice(free, func(i, j int) bool {
		a, b := free[i], free[j]
		if ua, ub := len(a.users) > 0, len(b.users) > 0; ua != ub {
			return ua
		}
		if na, nb := len(a.conds), len(b.conds); na != nb {
			return na > nb
		}
		return a.key < b.key
	})
}

// addFree adds a dim per free key.
func (s *searcher) addFree(free []*keyInfo) {
	cat := catalog.Default()
	for _, ki := range free {
		k, conds := ki.key, ki.conds
		d := &dim{keys: []string{k}, key: k, conds: conds}
		if len(conds) > 0 {
			d.key = conds[0].src.Key
		}
		if info, ok := cat.Key(k); ok {
			d.multi = info.MultiValued()
		} else {
			for _, c := range conds {
				if c.op.Set != policy.SetNone {
					d.multi = true
				}
			}
		}
		for _, c := range conds {
			if len(c.vars) > 0 {
				d.dynamic = true
			}
		}
		for _, u := range ki.users {
			if u.c != nil && s.nameKey(u.c.key) {
				// A test on a name's key reads it: its values are
				// solved against the name chosen (coupledAlts).
				d.dynamic = true
			}
			if len(u.t.vars) > 1 {
				// A value that reads other variables too: the values
				// solved for this key depend on theirs (solveVar).
				d.dynamic = true
			}
		}
		s.dims = append(s.dims, d)
	}
}

// options returns the options of a dim in the current context.
func (s *searcher) options(d *dim) Dimension {
	if d.static != nil {
		return d.static
	}
	if d.cached != nil {
		return d.cached
	}
	if d.name != nil {
		opts, complete := s.nameOptions(d.name)
		if !complete {
			s.truncated = true
		}
		return opts
	}
	solved, solvedAll := s.solved(d.keys[0])
	if !solvedAll {
		s.truncated = true
	}
	var ck string
	rc := s.sp.Cache
	if rc != nil && !d.dynamic {
		what := d.key
		if d.multi {
			what += "/multi"
		}
		if s.sp.Outside != nil && s.sp.Outside(d.keys[0]) {
			what += "/outside"
		}
		if s.sp.Covered != nil {
			if s.sp.Covered(d.keys[0], false) {
				what += "/covered4"
			}
			if s.sp.Covered(d.keys[0], true) {
				what += "/covered6"
			}
		}
		ck = rc.key(what, d.conds, solved)
		if c, ok := rc.opts.get(ck); ok {
			if !c.complete {
				s.truncated = true
			}
			d.cached = c.opts
			return c.opts
		}
	}
	opts, complete := s.sp.regions(d.key, d.keys[0], d.conds, solved, d.multi, s.pr.ctx)
	if !complete {
		s.truncated = true
	}
	if ck != "" {
		rc.opts.put(ck, cachedRegions{opts, complete})
	}
	if !d.dynamic {
		d.cached = opts
	}
	return opts
}

// solved returns values of key that make a variable use match the value it
// is compared with, where that value is already known; complete is false
// when some were left out (see solveVar).
func (s *searcher) solved(key string) (vals []string, complete bool) {
	return s.solvedVia(key, nil)
}

// solvedVia is solved; via are the keys whose values are being solved for
// already (a key read as a variable in a test of another key that is
// itself read as a variable: that key's solved values are targets too).
func (s *searcher) solvedVia(key string, via []string) (out []string, complete bool) {
	complete = true
	via = append(slices.Clip(via), key)
	for _, u := range s.usersOf(key) {
		var targets []string
		if u.c == nil {
			targets = []string{s.pr.Resource}
		} else {
			vals, present, open := s.pr.ctx.lookup(u.c.key)
			switch {
			case open:
				// The other key is chosen later: it can take any value
				// its own tests name, so the variable may need to match
				// each of them.
				for _, c := range s.condsOf(u.c.key) {
					for i := range c.vals {
						if t := &c.vals[i].t; !t.unknown && t.segs == nil {
							targets = append(targets, t.raw, Instance(t.raw))
						}
					}
				}
				// A key a name sets (aws:username) takes the values the
				// tests on the name's other keys name (aws:PrincipalArn
				// like arn:aws:iam::*:user/admin).
				targets = append(targets, s.nameValues(u.c.key)...)
				// The other key may be read as a variable itself
				// (ForAnyValue:StringLike aws:PrincipalTag/team
				// ${aws:username}, and the tag in the Resource): the
				// values that make those uses match are targets too.
				if len(via) < 3 && !slices.Contains(via, u.c.key) {
					more, all := s.solvedVia(u.c.key, via)
					targets = append(targets, more...)
					complete = complete && all
				}
			case present:
				targets = vals
			}
		}
		for _, t := range targets {
			vals, all := solveVar(u.t, key, t, s.pr.ctx, u.c != nil && u.c.op.IgnoreCase)
			out = append(out, vals...)
			complete = complete && all
		}
	}
	return out, complete
}

// nameValues returns, for a key a name dimension sets, the key's value for
// an instance of each pattern the tests on the name's keys name.
func (s *searcher) nameValues(key string) []string {
	for _, d := range s.dims {
		if d.name == nil || !slices.Contains(d.keys, key) {
			continue
		}
		var target NameKey
		for _, nk := range d.name.Keys {
			if lowerKey(nk.Key) == key {
				target = nk
			}
		}
		var out []string
		for _, nk := range d.name.Keys {
			for _, c := range s.condsOf(lowerKey(nk.Key)) {
				if c.op.Family != policy.FamilyString && c.op.Family != policy.FamilyARN {
					continue
				}
				for i := range c.vals {
					v := &c.vals[i]
					if v.t.unknown || v.t.segs != nil {
						continue
					}
					g, ok := c.glob(v, s.pr.ctx)
					if !ok {
						continue
					}
					alts := []gpat{g}
					if !nk.Base {
						alts = s.sp.Cache.derive(g, nk.Prefix)
					}
					for _, a := range alts {
						if n := a.instance(); n != "" {
							out = append(out, target.value(n))
						}
					}
				}
			}
		}
		return out
	}
	return nil
}

// actionConds returns the conditions on a key of every statement that can
// apply to the request's action, whatever its principal: a name is split
// by them, so that callers of every account share the split (more regions
// than one caller's statements tell apart are still exact).
func (s *searcher) actionConds(key string) []*ccond {
	var out []*ccond
	for _, p := range s.full.Policies() {
		if p == nil {
			continue
		}
		for _, st := range p.stmts {
			if st.matchAction(s.pr) == no {
				continue
			}
			for i := range st.conds {
				if st.conds[i].key == key {
					out = append(out, &st.conds[i])
				}
			}
		}
	}
	return out
}

// nameOptions returns one option per region of a name: the values the
// tests on its keys (and the variables that read them) tell apart.
func (s *searcher) nameOptions(n *Name) (Dimension, bool) {
	ctx := s.pr.ctx
	type test struct {
		c  *ccond
		nk NameKey
		k  int // the key's index in n.Keys
		// alts are, per value of a String or Arn test, the patterns a name
		// matches exactly when the value matches the key's template.
		alts [][]gpat
		// opaque: a value is unknown or reads a variable with no value.
		opaque bool
		// self: a value reads a key the name sets; alts decide the test.
		self bool
		// coupled are, per value that reads a free key chosen after the
		// name, and per value that key is split by, the patterns a name
		// matches exactly when some such value of the key makes the
		// value match (coupledAlts).
		coupled [][]gpat
	}
	var tests []test
	complete := true
	// solved are, per key of the name, its values that make a variable use
	// match (see Space.regions): a region of their own, whatever name
	// gives them.
	solved := make([]map[string]bool, len(n.Keys))
	var solvedList []string
	cands := []string{n.Fresh}
	var groups [][]gpat
	for ki, nk := range n.Keys {
		lower := lowerKey(nk.Key)
		for _, c := range s.actionConds(lower) {
			t := test{c: c, nk: nk, k: ki}
			str := c.op.Family == policy.FamilyString || c.op.Family == policy.FamilyARN
			for i := range c.vals {
				v := &c.vals[i]
				if v.t.unknown {
					t.opaque = true
					continue
				}
				if open := s.openVars(n, v.t.vars); len(open) > 0 {
					// A free key chosen after the name (see
					// dependencies): the name is split by what its
					// values make the value match.
					subs, exact := s.coupledAlts(c, v, ki, n, open)
					if !exact {
						t.opaque, complete = true, false
						continue
					}
					t.coupled = append(t.coupled, subs...)
					for _, alts := range subs {
						if len(alts) > 0 {
							groups = append(groups, alts)
						}
					}
					continue
				}
				if c.op.Known && n.reads(v.t.vars) {
					t.self = true
					alts, ok, exact := s.selfAlts(c, v, ki, n)
					if !str || !exact {
						// A shape not split exactly: the search says so.
						t.opaque, complete = true, false
						continue
					}
					t.opaque = t.opaque || !ok
					t.alts = append(t.alts, alts)
					if len(alts) > 0 {
						groups = append(groups, alts)
					}
					continue
				}
				if !str {
					continue
				}
				g, ok := c.glob(v, ctx)
				if !ok {
					t.opaque = true
					continue
				}
				alts := keyAlts(s.sp.Cache, g, nk)
				t.alts = append(t.alts, alts)
				if len(alts) > 0 {
					groups = append(groups, alts)
				}
			}
			tests = append(tests, t)
		}
		// A solved value is a region of the names: those whose key takes
		// it. For a last segment, that is the name and every name with a
		// path that ends in it.
		xs, all := s.solved(lower)
		if !all {
			s.truncated = true
		}
		for _, x := range xs {
			var alts []gpat
			switch {
			case nk.Base:
				if x == "" || strings.IndexByte(x, '/') >= 0 {
					continue // no last segment is
				}
				lit := literalPattern(x)
				alts = []gpat{lit, append(gpat{{kind: '*'}, {kind: 'c', c: '/'}}, lit...)}
				cands = append(cands, x)
			case strings.HasPrefix(x, nk.Prefix):
				alts = []gpat{literalPattern(x[len(nk.Prefix):])}
				cands = append(cands, x[len(nk.Prefix):])
			default:
				continue
			}
			if solved[ki] == nil {
				solved[ki] = map[string]bool{}
			}
			if !solved[ki][x] {
				solved[ki][x] = true
				solvedList = append(solvedList, strconv.Itoa(ki)+":"+x)
				groups = append(groups, alts)
			}
		}
	}
	// The names left out (Except and, for a name read from a path, a
	// user's, those with an empty segment) are regions of their own, so
	// that the others of their regions get a representative.
	var leftOut []gpat
	for _, e := range n.Except {
		leftOut = append(leftOut, globPattern(e, false, false, false))
	}
	if slices.ContainsFunc(n.Keys, func(nk NameKey) bool { return nk.Base }) {
		for _, e := range []string{"/*", "*/", "*//*"} {
			leftOut = append(leftOut, globPattern(e, true, false, false))
		}
	}
	for _, g := range leftOut {
		groups = append(groups, []gpat{g})
	}
	// Without variables other than the name's own keys, what a test says
	// of a name is what its derived patterns say (the key's prefix taken
	// off), so the values chosen depend only on them: callers of every
	// account whose derived patterns agree share the split.
	plain := complete
	for _, t := range tests {
		if t.c.op.Family != policy.FamilyString && t.c.op.Family != policy.FamilyARN || !t.c.op.Known || t.opaque || !n.readsOnly(t.c.vars) {
			plain = false
		}
	}
	rc := s.sp.Cache
	var ck string
	if rc != nil && plain {
		var b strings.Builder
		b.WriteString("name:" + n.Fresh)
		for _, e := range n.Except {
			b.WriteString("\x00except:" + e)
		}
		b.WriteString("\x00shape:" + n.Shape.Chars + "/" + strconv.Itoa(n.Shape.Min))
		for _, nk := range n.Keys {
			b.WriteString("/" + nk.Key)
			if nk.Base {
				b.WriteString("/base")
			}
		}
		for _, t := range tests {
			b.WriteString("|" + strconv.Itoa(t.k))
			if t.self {
				b.WriteString("/self")
			}
			for _, alts := range t.alts {
				b.WriteByte(3)
				for _, a := range alts {
					b.WriteString(a.key())
					b.WriteByte(1)
				}
			}
		}
		sort.Strings(solvedList)
		ck = rc.key(b.String(), nil, solvedList)
		if c, ok := rc.names.get(ck); ok {
			opts := make(Dimension, 0, len(c.out))
			for _, v := range c.out {
				opts = append(opts, n.option(v))
			}
			return opts, c.ok
		}
	}
	for _, g := range groups {
		for _, a := range g {
			cands = append(cands, a.instance())
		}
	}
	more, ok := rc.nameRegions(groups, n.Shape)
	complete = complete && ok
	cands = append(cands, more...)
	var opts Dimension
	var chosen []string
	seen := map[string]bool{}
	var sig strings.Builder
	for _, v := range Dedupe(cands) {
		if v == "" || !n.Shape.fits(v) || slices.ContainsFunc(leftOut, func(g gpat) bool { return g.match(v) }) {
			continue
		}
		sig.Reset()
		last, lastVal := -1, ""
		for _, t := range tests {
			for _, alts := range t.coupled {
				m := byte('0')
				if slices.ContainsFunc(alts, func(a gpat) bool { return a.match(v) }) {
					m = '1'
				}
				sig.WriteByte(m)
			}
			if t.self || plain && !t.nk.Base {
				// The positive match of the test: some value's patterns,
				// derived past the key's prefix, match the name.
				m := byte('0')
				for _, alts := range t.alts {
					for _, a := range alts {
						if a.match(v) {
							m = '1'
							break
						}
					}
					if m == '1' {
						break
					}
				}
				sig.WriteByte(m)
				continue
			}
			if t.k != last {
				last, lastVal = t.k, t.nk.value(v)
			}
			sig.WriteByte(byte('0' + t.c.matchOne(ctx, lastVal)))
		}
		// What each key takes, where a variable use tells it apart (see
		// Space.regions): a user's name with a path gives aws:username
		// its last segment.
		for ki, nk := range n.Keys {
			if x := nk.value(v); solved[ki][x] {
				sig.WriteString("=" + strconv.Itoa(ki) + ":" + x)
			}
		}
		if seen[sig.String()] {
			continue
		}
		seen[sig.String()] = true
		opts = append(opts, n.option(v))
		chosen = append(chosen, v)
	}
	if ck != "" {
		rc.names.put(ck, cachedGlobs{chosen, complete})
	}
	return opts, complete
}

// nameKey reports whether a name of the space sets the lower-cased key.
func (s *searcher) nameKey(key string) bool {
	for i := range s.sp.Names {
		if s.sp.Names[i].keyIndex(key) >= 0 {
			return true
		}
	}
	return false
}

// reads reports whether one of vars (lower-cased keys) is a key the name
// sets.
func (n *Name) reads(vars []string) bool {
	return slices.ContainsFunc(vars, func(k string) bool { return n.keyIndex(k) >= 0 })
}

// readsOnly reports whether every one of vars is a key the name sets.
func (n *Name) readsOnly(vars []string) bool {
	for _, k := range vars {
		if n.keyIndex(k) < 0 {
			return false
		}
	}
	return true
}

// keyIndex returns the index in Keys of the lower-cased key, or -1.
func (n *Name) keyIndex(lower string) int {
	return slices.IndexFunc(n.Keys, func(nk NameKey) bool { return lowerKey(nk.Key) == lower })
}

// selfAlts returns the patterns a name matches exactly when the value v of
// the test c on the name's key ki matches, where v reads a key the name
// sets (ArnLike aws:PrincipalArn arn:aws:iam::*:user/${aws:username}).
// exact is false when v reads such a key other than once, at its end: then
// the name is not split exactly. ok is false when another variable of v has
// no value (v matches nothing).
//
// A key the name sets is its fixed part (the prefix, or nothing for a last
// segment) followed by its tail (the name, or its last segment). With the
// key v reads at its end, v is a pattern q (v with that key's fixed part in
// place of the key) followed by that key's tail, literally; a match aligns
// the tail with the end of the tested key's value. When both tails are the
// same, the test is whether q matches the tested key's fixed part: the
// same for every name. When v ends in the last segment and the tested key
// holds the whole name (aws:PrincipalArn), it is whether q matches the
// tested key's fixed part followed by the name's path (empty, or ending in
// '/'). When v ends in the whole name and the tested key holds the last
// segment, the name must have no path, and q match the empty string.
func (s *searcher) selfAlts(c *ccond, v *cval, ki int, n *Name) (alts []gpat, ok, exact bool) {
	segs := v.t.segs
	vi := -1
	for i, sg := range segs {
		if j := n.keyIndex(sg.key); sg.key != "" && j >= 0 {
			if i != len(segs)-1 {
				return nil, true, false
			}
			vi = j
		}
	}
	if vi < 0 {
		return nil, true, false
	}
	nk, nv := n.Keys[ki], n.Keys[vi]
	ctx := s.pr.ctx
	mark := len(ctx.over)
	ctx.push(lowerKey(nv.Key), false, []string{nv.fixed()})
	q, ok := c.glob(v, ctx)
	ctx.truncate(mark)
	if !ok {
		return nil, false, true
	}
	any := gpat{{kind: '*'}}
	segment := gpat{{kind: '*', stop: '/'}}
	switch {
	case nk.Base == nv.Base:
		if q.match(nk.fixed()) {
			alts = []gpat{any}
		}
	case nv.Base:
		for _, d := range s.sp.Cache.derive(q, nk.Prefix) {
			if d.match("") {
				alts = append(alts, segment)
			}
			for _, r := range d.rstep('/') {
				alts = append(alts, append(append(r, gtok{kind: 'c', c: '/'}), segment...))
			}
		}
		alts = dedupePats(alts)
	default:
		if q.match("") {
			alts = []gpat{segment}
		}
	}
	return alts, true, true
}

// openVars returns the keys of vars, other than the name's own, that the
// search has not chosen yet.
func (s *searcher) openVars(n *Name, vars []string) []string {
	var out []string
	for _, k := range vars {
		if _, _, open := s.pr.ctx.lookup(k); open && n.keyIndex(k) < 0 {
			out = append(out, k)
		}
	}
	return out
}

// coupledAlts splits a name by the value v of the test c on its key ki,
// where v reads a free key the search chooses after the name (open, see
// dependencies) and none of the name's keys (ArnLike aws:PrincipalArn
// arn:aws:iam::*:user/${aws:PrincipalTag/team}). The key is then solved
// against the name's value (Space.regions, solveVar): the request can make
// the test match with any of its values that do. It returns, per value
// the key is split by (any, its default, each value its own String tests
// name, each value a variable use solves), the patterns of the names for
// which some such value makes v match.
//
// That is exact when the value of the key that makes v match a name's
// value is unique (v reads it once, with no run wildcard after it, nor
// one before it that can end in the name): then which of the key's
// regions the name puts it in is what those patterns say. exact is false
// for every other shape (a run wildcard around the variable, two free
// keys, the key read in two values of the name's tests or with other
// chosen keys, IgnoreCase, tests of the key that read variables or are
// not String tests): the search says it is truncated.
func (s *searcher) coupledAlts(c *ccond, v *cval, ki int, n *Name, open []string) (subs [][]gpat, exact bool) {
	if len(open) != 1 || !c.op.Known || c.op.IgnoreCase ||
		c.op.Family != policy.FamilyString && c.op.Family != policy.FamilyARN {
		return nil, false
	}
	tk := open[0]
	var kd *dim
	for _, d := range s.dims {
		if d.name == nil && d.static == nil && slices.Contains(d.keys, tk) {
			kd = d
		}
	}
	ti := s.find(tk)
	if kd == nil || kd.multi || ti == nil {
		return nil, false
	}
	pre, post, at, ok, exact := s.coupledParts(c, v, tk)
	if !exact || !ok {
		return nil, exact
	}
	arn := c.op.Family == policy.FamilyARN
	nk := n.Keys[ki]
	// The variable's value is unique when nothing around it can take a
	// run of characters of the name.
	const mark = 0x01
	whole := globPattern(pre+string([]byte{policy.Escape, mark})+post, true, false, arn)
	idx := slices.IndexFunc(whole, func(t gtok) bool { return t.kind == 'c' && t.c == mark })
	if idx < 0 {
		return nil, false
	}
	run := func(g gpat) bool { return slices.ContainsFunc(g, func(t gtok) bool { return t.kind == '*' }) }
	preG, postG := whole[:idx], whole[idx+1:]
	if run(postG) {
		return nil, false
	}
	if run(preG) {
		if nk.Base {
			return nil, false
		}
		starts := 0
		for i := 0; i <= len(nk.Prefix); i++ {
			if preG.match(nk.Prefix[:i]) {
				starts++
			}
		}
		for _, d := range s.sp.Cache.derive(preG, nk.Prefix) {
			if len(d) > 0 {
				return nil, false // it can end in the name
			}
		}
		if starts > 1 {
			return nil, false
		}
	}
	// The key's other readers: one value of a name's tests, and values
	// that read no other key the search chooses.
	distinct := map[string]bool{}
	for _, u := range ti.users {
		for _, k := range u.t.vars {
			if k != tk && s.setByDim(k) {
				return nil, false
			}
		}
		if u.c == nil || !s.nameKey(u.c.key) {
			continue
		}
		if j := n.keyIndex(u.c.key); j >= 0 {
			var uv *cval
			for i := range u.c.vals {
				if &u.c.vals[i].t == u.t {
					uv = &u.c.vals[i]
				}
			}
			if uv == nil {
				return nil, false
			}
			up, upost, _, uok, uexact := s.coupledParts(u.c, uv, tk)
			if !uexact {
				return nil, false
			}
			if !uok || len(keyAlts(s.sp.Cache, globPattern(up+"*"+upost, true, false, u.c.op.Family == policy.FamilyARN), n.Keys[j])) == 0 {
				continue // it matches no name
			}
		}
		distinct[u.c.key+"\x00"+u.t.raw+"\x00"+u.c.op.Family.String()+strconv.FormatBool(u.c.op.Like)] = true
	}
	if len(distinct) > 1 {
		return nil, false
	}
	texts := []string{"*"}
	if sg := v.t.segs[at]; sg.hasDef {
		texts = append(texts, escapeAll(sg.def))
	}
	ctx := s.pr.ctx
	for _, tc := range ti.conds {
		if tc.op.Known && tc.op.Family == policy.FamilyNull {
			continue
		}
		if !tc.op.Known || tc.op.IgnoreCase || tc.op.Family != policy.FamilyString {
			return nil, false
		}
		for i := range tc.vals {
			tv := &tc.vals[i]
			if tv.t.unknown || len(tv.t.vars) > 0 {
				return nil, false
			}
			if tc.op.Like {
				p, _ := tv.t.pattern(ctx)
				texts = append(texts, p)
			} else {
				p, _ := tv.t.plain(ctx)
				texts = append(texts, escapeAll(p))
			}
		}
	}
	xs, all := s.solved(tk)
	if !all {
		return nil, false
	}
	for _, x := range xs {
		texts = append(texts, escapeAll(x))
	}
	for _, text := range Dedupe(texts) {
		subs = append(subs, keyAlts(s.sp.Cache, globPattern(pre+text+post, true, false, arn), nk))
	}
	return subs, true
}

// coupledParts returns, for the value v of the test c that reads the key
// tk once, the patterns before and after it (wildcards active only where
// the operator has them), and its segment's index. ok is false when
// another variable has no value (v matches nothing); exact is false when
// tk is read more than once.
func (s *searcher) coupledParts(c *ccond, v *cval, tk string) (pre, post string, at int, ok, exact bool) {
	at = -1
	for i, sg := range v.t.segs {
		if sg.key == tk {
			if at >= 0 {
				return "", "", 0, false, false
			}
			at = i
		}
	}
	if at < 0 {
		return "", "", 0, false, false
	}
	ctx := s.pr.ctx
	like := c.op.Like || c.op.Family == policy.FamilyARN
	part := func(segs []seg) (string, bool) {
		if like {
			return segsPattern(segs, ctx)
		}
		x, ok := segsPlain(segs, ctx)
		return escapeAll(x), ok
	}
	pre, ok1 := part(v.t.segs[:at])
	post, ok2 := part(v.t.segs[at+1:])
	return pre, post, at, ok1 && ok2, true
}

// setByDim reports whether a dim of the search sets the key.
func (s *searcher) setByDim(k string) bool {
	return slices.ContainsFunc(s.dims, func(d *dim) bool { return slices.Contains(d.keys, k) })
}

// keyAlts returns the patterns of the names whose key nk a value matching
// g matches: past the key's prefix, or for a last segment the name or any
// name with a path ending in it.
func keyAlts(rc *RegionCache, g gpat, nk NameKey) []gpat {
	if !nk.Base {
		return rc.derive(g, nk.Prefix)
	}
	if g = g.stoppedAt('/'); slices.ContainsFunc(g, func(t gtok) bool { return t.kind == 'c' && t.c == '/' }) {
		return nil
	}
	return []gpat{g, append(gpat{{kind: '*'}, {kind: 'c', c: '/'}}, g...)}
}

// fixed is the part of the key's value that does not depend on the name.
func (nk NameKey) fixed() string {
	if nk.Base {
		return ""
	}
	return nk.Prefix
}

// literalPattern is the pattern that matches s alone.
func literalPattern(s string) gpat {
	return globPattern(escapeAll(s), false, false, false)
}

// run searches the dims not chosen yet (left of them); true when a witness
// was found.
func (s *searcher) run(left int) bool {
	if s.evals >= s.limit {
		s.truncated = true
		return false
	}
	pr := s.pr
	pr.pessimistic, pr.sawPending = false, false
	s.pending = s.pending[:0]
	pr.pend = &s.pending
	s.evals++
	res := evaluate(s.ps, pr).Result
	pr.pend = nil
	if res != Allow {
		return false
	}
	if !pr.sawPending {
		return s.complete()
	}
	// The opposite bound applies the pending Deny statements: with one, it
	// is an explicit deny, and no evaluation is needed to know it.
	pendingDeny := false
	for _, st := range s.pending {
		if st.effect == policy.Deny {
			pendingDeny = true
			break
		}
	}
	if pendingDeny {
		return s.branch(left)
	}
	pr.pessimistic, pr.sawPending = true, false
	s.evals++
	d := evaluate(s.ps, pr)
	pr.pessimistic = false
	if d.Result == Allow {
		return s.complete()
	}
	return s.branch(left)
}

// branch splits the dim pick chooses and searches each of its options.
func (s *searcher) branch(left int) bool {
	if left == 0 {
		return false
	}
	pr := s.pr
	di := s.pick()
	s.set[di] = true
	defer func() { s.set[di] = false }()
	ctx := pr.ctx
	for _, opt := range s.options(s.dims[di]) {
		mark := len(ctx.over)
		for _, a := range opt {
			ctx.push(lowerKey(a.Key), a.Absent, a.Values)
		}
		s.forget(s.dims[di].keys)
		s.chosen = append(s.chosen, opt)
		if s.run(left - 1) {
			return true
		}
		s.chosen = s.chosen[:len(s.chosen)-1]
		ctx.truncate(mark)
		s.forget(s.dims[di].keys)
		if s.evals >= s.limit {
			s.truncated = true
			return false
		}
	}
	return false
}

// dependencies lists, per dim, the other dims that set a key its tests
// read as a variable.
func (s *searcher) dependencies() [][]int {
	setter := map[string]int{}
	for di, d := range s.dims {
		for _, k := range d.keys {
			setter[k] = di
		}
	}
	deps := make([][]int, len(s.dims))
	for di, d := range s.dims {
		var conds []*ccond
		if d.name != nil {
			for _, k := range d.keys {
				conds = append(conds, s.condsOf(k)...)
			}
		} else {
			conds = d.conds
		}
		for _, c := range conds {
			for _, v := range c.vars {
				dep, ok := setter[v]
				if !ok || dep == di {
					continue
				}
				if d.name != nil && s.coupledVar(d.name, c, v, s.dims[dep]) {
					// A test on the name's key whose value reads a free
					// key and none of the name's: the name is chosen
					// first, split by what the value can match
					// (coupledAlts), and the free key solved against
					// the name's value.
					deps[dep] = append(deps[dep], di)
					continue
				}
				deps[di] = append(deps[di], dep)
			}
		}
	}
	return deps
}

// coupledVar reports whether the test c on a key of the name reads the
// free key v (set by the dim kd) only in values that read none of the
// name's keys: then the name is chosen before v.
func (s *searcher) coupledVar(n *Name, c *ccond, v string, kd *dim) bool {
	if kd.static != nil || kd.name != nil {
		return false
	}
	for i := range c.vals {
		t := &c.vals[i].t
		if slices.Contains(t.vars, v) && n.reads(t.vars) {
			return false
		}
	}
	return true
}

// forget drops the remembered conditions that read the keys: their
// values changed.
func (s *searcher) forget(keys []string) {
	if s.readers == nil {
		return
	}
	for _, k := range keys {
		for _, m := range s.readers[k] {
			m.valid = false
		}
	}
}

// pick chooses the dim to split next: of those whose variables are known,
// the one the pending statements read most (the most constrained first),
// the earliest on a tie.
func (s *searcher) pick() int {
	best, bestScore := -1, -1
	for di, d := range s.dims {
		if s.set[di] || !s.ready(di) {
			continue
		}
		score := 0
		for _, st := range s.pending {
			if st.reads(d.keys) {
				score++
			}
		}
		if score > bestScore {
			best, bestScore = di, score
		}
	}
	if best < 0 {
		// Only dims waiting on variables are left: take the first.
		for di := range s.dims {
			if !s.set[di] {
				return di
			}
		}
	}
	return best
}

// ready reports whether the keys a dim's tests read as variables are
// chosen (or not chosen by any dim).
func (s *searcher) ready(di int) bool {
	for _, dep := range s.deps[di] {
		if !s.set[dep] {
			return false
		}
	}
	return true
}

// reads reports whether the statement reads one of the keys, directly or
// as a variable.
func (st *cstmt) reads(keys []string) bool {
	for i := range st.conds {
		c := &st.conds[i]
		for _, k := range keys {
			if c.key == k {
				return true
			}
			for _, v := range c.vars {
				if v == k {
					return true
				}
			}
		}
	}
	return false
}

// complete chooses the first option of every dim from i on (the decision
// no longer depends on them) and records the witness.
func (s *searcher) complete() bool {
	ctx := s.pr.ctx
	mark, nchosen := len(ctx.over), len(s.chosen)
	undo := func() bool {
		ctx.truncate(mark)
		s.chosen = s.chosen[:nchosen]
		for i := range s.dims {
			if !s.set[i] {
				s.forget(s.dims[i].keys)
			}
		}
		return false
	}
	for i := range s.dims {
		if s.set[i] {
			continue
		}
		opts := s.options(s.dims[i])
		if len(opts) == 0 {
			return undo()
		}
		for _, a := range opts[0] {
			ctx.push(lowerKey(a.Key), a.Absent, a.Values)
		}
		s.forget(s.dims[i].keys)
		s.chosen = append(s.chosen, opts[0])
	}
	s.pr.terse = false
	s.evals++
	d := evaluate(s.ps, s.pr)
	s.pr.terse = true
	if d.Result != Allow {
		return undo() // cannot happen: the bound said every choice allows
	}
	var chosen []Assignment
	for _, o := range s.chosen {
		chosen = append(chosen, o...)
	}
	w := &Witness{Request: s.pr.Request, Chosen: chosen, Decision: d}
	w.Request.Context = ctx.snapshot()
	s.witness = w
	return true
}

// Mention is a condition key a set of policies tests, with the operators and
// values used.
type Mention struct {
	// Key is the key as first written; compare keys lower-cased.
	Key    string
	Tests  []KeyTest
	InDeny bool
}

// KeyTest is one condition on a key. Values are those written, each
// followed under an IgnoreCase operator by its lower-case spelling
// (policy.Operator.Spellings).
type KeyTest struct {
	Operator string
	Family   string
	Values   []string
}

// Mentions lists the condition keys the policies' statements test, sorted
// by lower-cased key, optionally only statements for which keep is true.
func Mentions(ps []*Policy, keep func(*Policy, int) bool) []Mention {
	byKey := map[string]*Mention{}
	for _, p := range ps {
		if p == nil {
			continue
		}
		for si, s := range p.stmts {
			if keep != nil && !keep(p, si) {
				continue
			}
			for _, c := range s.conds {
				m := byKey[c.key]
				if m == nil {
					m = &Mention{Key: c.src.Key}
					byKey[c.key] = m
				}
				t := KeyTest{Operator: c.src.Operator, Family: c.op.Family.String()}
				for _, v := range c.src.Values {
					if !v.Unknown {
						sp, n := c.op.Spellings(v.Text)
						t.Values = append(t.Values, sp[:n]...)
					}
				}
				m.Tests = append(m.Tests, t)
				if s.effect == policy.Deny {
					m.InDeny = true
				}
			}
		}
	}
	keys := make([]string, 0, len(byKey))
	for k := range byKey {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	out := make([]Mention, 0, len(keys))
	for _, k := range keys {
		out = append(out, *byKey[k])
	}
	return out
}

// Statements returns the number of statements of the compiled policy.
func (p *Policy) Statements() int { return len(p.stmts) }

// Unlisted returns name, or name followed by "-x" as often as it takes to
// be none of listed: the stand-in for every session name listed leaves out.
func Unlisted(name string, listed []string) string {
	for slices.Contains(listed, name) {
		name += "-x"
	}
	return name
}

// ListedSessions returns, sorted, the names of the sessions of the role
// roleARN that the Principal and NotPrincipal elements of pols list (nil
// policies are skipped): the session names under which a caller of the role
// meets these policies differently.
func ListedSessions(pols []*Policy, roleARN string) []string {
	key := sessionRole(roleARN)
	var out []string
	for _, p := range pols {
		if p == nil {
			continue
		}
		for _, s := range p.stmts {
			if s.principal != nil {
				for name := range s.principal.sessions[key] {
					out = append(out, name)
				}
			}
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// ActionApplies reports whether the Action/NotAction element of the
// statement at index i can apply to action. Two actions that agree on every
// statement of a policy set are indistinguishable to it, so an analysis
// evaluates one of them for both.
func (p *Policy) ActionApplies(i int, action string) bool {
	pr := prepared{actIndex: -1, actLower: strings.ToLower(action)}
	if a := catalog.Default().Lookup(action); a != nil {
		pr.actIndex = a.Index
	}
	return p.stmts[i].matchAction(&pr) != no
}

// StatementActions returns the catalog actions the Action/NotAction element
// of the statement at index i can apply to (all of them when an element is
// unknown). Actions outside the catalog are not in the set.
func (p *Policy) StatementActions(i int) catalog.ActionSet {
	s := p.stmts[i]
	if s.actUnknown {
		return allActions()
	}
	if s.notAction {
		return allActions().Minus(s.actSet)
	}
	return s.actSet
}

// AllowActions returns the catalog actions some Allow statement of the
// policy can apply to: a quick filter before full evaluations.
func (p *Policy) AllowActions() catalog.ActionSet {
	if p == nil {
		return catalog.ActionSet{}
	}
	var out catalog.ActionSet
	for i, s := range p.stmts {
		if s.effect == policy.Allow {
			out = out.Union(p.StatementActions(i))
		}
	}
	return out
}

func allActions() catalog.ActionSet {
	var s catalog.ActionSet
	for _, a := range catalog.Default().Actions {
		s.Add(a.Index)
	}
	return s
}

// StatementAt returns the source statement at index i.
func (p *Policy) StatementAt(i int) *policy.Statement { return p.stmts[i].src }

// MayAllow reports whether some Allow statement of the policy can apply to
// action: a quick test before a full evaluation.
func (p *Policy) MayAllow(action string) bool {
	if p == nil {
		return false
	}
	pr := prepared{actIndex: -1, actLower: strings.ToLower(action)}
	if a := catalog.Default().Lookup(action); a != nil {
		pr.actIndex = a.Index
	}
	for _, s := range p.stmts {
		if s.effect == policy.Allow && s.matchAction(&pr) != no {
			return true
		}
	}
	return false
}

// lowered memoises lower-cased condition keys: searches push the same few
// keys millions of times. Bounded by maxLowered.
var (
	lowered      sync.Map
	loweredCount atomic.Int64
)

const maxLowered = 1 << 14

// LowerKey returns strings.ToLower(k), without allocating for a key it
// has lowered before: the names of condition keys are few.
func LowerKey(k string) string { return lowerKey(k) }

// lowerKey lower-cases a condition key without allocating for keys seen
// before.
func lowerKey(k string) string {
	upper := false
	for i := 0; i < len(k); i++ {
		if c := k[i]; c >= 'A' && c <= 'Z' || c >= 0x80 {
			upper = true
			break
		}
	}
	if !upper {
		return k
	}
	if v, ok := lowered.Load(k); ok {
		return v.(string)
	}
	lo := strings.ToLower(k)
	if loweredCount.Load() < maxLowered {
		if _, loaded := lowered.LoadOrStore(k, lo); !loaded {
			loweredCount.Add(1)
		}
	}
	return lo
}

// Unmet says whether the Action, Resource and Principal elements of the
// statement at index i (of a policy of the given kind) match the request
// without doubt, and which of its conditions the request's context does not
// satisfy: why the statement does or does not apply to it.
func (p *Policy) Unmet(i int, kind Kind, r *Request) (matches bool, unmet []*policy.Condition) {
	pr := prepare(&PolicySet{}, r)
	s := p.stmts[i]
	t, _ := s.matchFixed(&PolicySet{}, &pr, kind.resourceLike())
	if s.resVars {
		t = and(t, s.matchResource(&pr, kind.resourceLike()))
	}
	for j := range s.conds {
		if s.conds[j].eval(pr.ctx) == no {
			unmet = append(unmet, s.conds[j].src)
		}
	}
	return t == yes, unmet
}
