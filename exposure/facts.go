package exposure

import (
	"encoding/binary"
	"sync"

	"github.com/ecrguard/ecrguard/eval"
	"github.com/ecrguard/ecrguard/policy"
)

// factsKey names the facts of an analyzer (facts): everything
// newAnalyzerWith reads to make them. Repositories often share a policy
// (one module writes many), and a fix's policy is the repository's with the
// same guards: the facts are worked out once for each.
type factsKey struct {
	// text holds the target's kind, scopes, account and region, the zone and the policy's
	// statements, each string prefixed by its length.
	text     string
	registry *eval.Policy
	rcps     [maxKeyedRCPs]*eval.Policy
}

// maxKeyedRCPs is the most levels of RCPs a factsKey holds; a target under
// more is analysed without the cache's facts.
const maxKeyedRCPs = 8

// newFactsKey returns the key of the facts of t's policies in zone (zone's
// Account filled in), and false when t's are not kept.
func newFactsKey(t Target, zone Zone) (factsKey, bool) {
	var k factsKey
	if len(t.RCPs) > maxKeyedRCPs || t.Policy == nil || t.Policy.Doc == nil {
		return k, false
	}
	copy(k.rcps[:], t.RCPs)
	k.registry = t.Registry
	w := newKeyWriter()
	defer w.free()
	doc := t.Policy.Doc
	w.ints(int(t.Kind), len(t.RCPs))
	// The target's account and region: the source ARNs services act for
	// are split in them (sourceFields).
	w.strs(t.Scope, t.RegistryScope, zone.Account, t.Account, t.Region)
	w.list(zone.Accounts)
	w.list(zone.OrgIDs)
	w.list(zone.OrgPaths)
	w.document(doc)
	k.text = string(w.b)
	return k, true
}

// marshal is policy.Marshal, kept by the document's text: a fix's policy
// is often many repositories' (one policy, the same guards). Callers must
// not change the text.
func (c *Cache) marshal(doc *policy.Document) ([]byte, error) {
	if c == nil {
		return policy.Marshal(doc)
	}
	w := newKeyWriter()
	defer w.free()
	w.document(doc)
	c.mu.Lock()
	text, ok := c.json[string(w.b)]
	c.mu.Unlock()
	if ok {
		return text, nil
	}
	text, err := policy.Marshal(doc)
	if err != nil {
		return nil, err
	}
	c.mu.Lock()
	c.json[string(w.b)] = text
	c.mu.Unlock()
	return text, nil
}

// keyWriter writes the text of a factsKey: numbers as varints, strings
// prefixed by their length.
type keyWriter struct{ b []byte }

// keyWriters keeps the writers' buffers between keys.
var keyWriters = sync.Pool{New: func() any { return &keyWriter{b: make([]byte, 0, 1024)} }}

// newKeyWriter returns an empty writer; free returns it.
func newKeyWriter() *keyWriter {
	w := keyWriters.Get().(*keyWriter)
	w.b = w.b[:0]
	return w
}

func (w *keyWriter) free() { keyWriters.Put(w) }

func (w *keyWriter) ints(ns ...int) {
	for _, n := range ns {
		w.b = binary.AppendVarint(w.b, int64(n))
	}
}

func (w *keyWriter) bools(bs ...bool) {
	for _, b := range bs {
		w.b = append(w.b, bit(b))
	}
}

func (w *keyWriter) strs(ss ...string) {
	for _, s := range ss {
		w.ints(len(s))
		w.b = append(w.b, s...)
	}
}

func (w *keyWriter) list(ss []string) {
	w.ints(len(ss))
	w.strs(ss...)
}

// document writes every element of doc but its positions and problems.
func (w *keyWriter) document(doc *policy.Document) {
	w.strs(doc.Version, doc.ID)
	w.ints(len(doc.Statements))
	for _, s := range doc.Statements {
		w.statement(s)
	}
}

// statement writes every element of s but its positions.
func (w *keyWriter) statement(s *policy.Statement) {
	w.ints(s.Index, int(s.Effect))
	w.strs(s.Sid)
	w.principal(s.Principal)
	w.principal(s.NotPrincipal)
	w.values(s.Action)
	w.values(s.NotAction)
	w.values(s.Resource)
	w.values(s.NotResource)
	w.ints(len(s.Conditions))
	for _, c := range s.Conditions {
		op := c.Op
		w.strs(c.Operator, c.Key, op.Base)
		w.ints(int(op.Family), int(op.Cmp), int(op.Set))
		w.bools(op.Negated, op.IgnoreCase, op.Like, op.IfExists, op.Known)
		w.values(c.Values)
	}
}

func (w *keyWriter) principal(p *policy.Principal) {
	if p == nil {
		w.ints(-1)
		return
	}
	w.ints(len(p.Entries))
	w.bools(p.Wildcard)
	for _, e := range p.Entries {
		w.strs(e.Kind)
		w.value(e.Value)
	}
}

// values writes vs, told apart from an absent element (nil).
func (w *keyWriter) values(vs []policy.Value) {
	if vs == nil {
		w.ints(-1)
		return
	}
	w.ints(len(vs))
	for _, v := range vs {
		w.value(v)
	}
}

func (w *keyWriter) value(v policy.Value) {
	w.strs(v.Text)
	w.bools(v.Unknown, v.AccountUnknown, v.StandIn)
}

// factsOf returns the facts kept under key, or nil.
func (c *Cache) factsOf(key factsKey) *facts {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.facts[key]
}

// setFacts keeps f under key.
func (c *Cache) setFacts(key factsKey, f *facts) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.facts[key] = f
}
