package eval

import (
	"sort"
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
// combination of one Option per Dimension.
type Dimension []Option

// Witness is a request that a search found allowed: the proof of an access.
type Witness struct {
	Request  Request
	Chosen   []Assignment
	Decision Decision
}

// SearchResult is the outcome of a search.
type SearchResult struct {
	// Witness is the first allowed request found, or nil.
	Witness *Witness
	// Tried counts the requests evaluated.
	Tried int
	// Truncated is true when the combinations exceeded the limit and not all
	// were tried: the answer "not allowed" is then not proven.
	Truncated bool
}

// DefaultLimit bounds the combinations one search tries.
const DefaultLimit = 1 << 14

// Search evaluates r under every combination of dims (one Option of each,
// applied over r.Context) until one is allowed. limit bounds the
// combinations (0: DefaultLimit).
func Search(ps *PolicySet, r *Request, dims []Dimension, limit int) SearchResult {
	if limit <= 0 {
		limit = DefaultLimit
	}
	pr := prepare(ps, r)
	ctx := pr.ctx
	base := len(ctx.over)
	defer ctx.truncate(base)

	pr.terse = true
	need := len(ctx.over)
	for _, d := range dims {
		most := 0
		for _, opt := range d {
			most = max(most, len(opt))
		}
		need += most
	}
	ctx.reserve(need)

	var res SearchResult
	total := 1
	for _, d := range dims {
		if len(d) == 0 {
			continue
		}
		total *= len(d)
		if total > limit {
			res.Truncated = true
			break
		}
	}
	idx := make([]int, len(dims))
	for {
		ctx.truncate(base)
		for di, d := range dims {
			if len(d) == 0 {
				continue
			}
			for _, a := range d[idx[di]] {
				ctx.push(lowerKey(a.Key), a.Absent, a.Values)
			}
		}
		res.Tried++
		d := evaluate(ps, &pr)
		if d.Result == Allow {
			pr.terse = false
			d = evaluate(ps, &pr) // again, with its reasons
			var chosen []Assignment
			for di, dim := range dims {
				if len(dim) > 0 {
					chosen = append(chosen, dim[idx[di]]...)
				}
			}
			w := &Witness{Request: *r, Chosen: chosen, Decision: d}
			w.Request.Context = ctx.Clone()
			res.Witness = w
			return res
		}
		if res.Tried >= limit {
			return res
		}
		// Advance the odometer.
		k := len(dims) - 1
		for ; k >= 0; k-- {
			if len(dims[k]) == 0 {
				continue
			}
			idx[k]++
			if idx[k] < len(dims[k]) {
				break
			}
			idx[k] = 0
		}
		if k < 0 {
			return res
		}
	}
}

// Mention is a condition key a set of policies tests, with the operators and
// values used.
type Mention struct {
	// Key is the key as first written; compare keys lower-cased.
	Key    string
	Tests  []KeyTest
	InDeny bool
}

// KeyTest is one condition on a key.
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
						t.Values = append(t.Values, v.Text)
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
