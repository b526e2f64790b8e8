package exposure

import (
	"strconv"
	"strings"

	"github.com/ecrguard/ecrguard/eval"
	"github.com/ecrguard/ecrguard/policy"
)

// factsKey names the facts of an analyzer (facts): everything
// newAnalyzerWith reads to make them. Repositories often share a policy
// (one module writes many), and a fix's policy is the repository's with the
// same guards: the facts are worked out once for each.
type factsKey struct {
	// text holds the target's kind and scopes, the zone and the policy's
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
	var w keyWriter
	doc := t.Policy.Doc
	w.strs(strconv.Itoa(int(t.Kind)), t.Scope, t.RegistryScope, strconv.Itoa(len(t.RCPs)), doc.Version, doc.ID, zone.Account)
	w.list(zone.Accounts)
	w.list(zone.OrgIDs)
	w.list(zone.OrgPaths)
	for _, s := range doc.Statements {
		w.statement(s)
	}
	k.text = w.b.String()
	return k, true
}

// keyWriter writes the text of a factsKey.
type keyWriter struct{ b strings.Builder }

func (w *keyWriter) strs(ss ...string) {
	for _, s := range ss {
		w.b.WriteString(strconv.Itoa(len(s)))
		w.b.WriteByte(':')
		w.b.WriteString(s)
	}
}

func (w *keyWriter) list(ss []string) {
	w.strs(strconv.Itoa(len(ss)))
	w.strs(ss...)
}

// statement writes every element of s but its positions.
func (w *keyWriter) statement(s *policy.Statement) {
	w.strs("S", strconv.Itoa(s.Index), s.Sid, s.Effect.String())
	w.principal(s.Principal)
	w.principal(s.NotPrincipal)
	for _, vs := range [][]policy.Value{s.Action, s.NotAction, s.Resource, s.NotResource} {
		w.values(vs)
	}
	w.strs(strconv.Itoa(len(s.Conditions)))
	for _, c := range s.Conditions {
		op := c.Op
		w.strs(c.Operator, c.Key, op.Base, strconv.Itoa(int(op.Family)), strconv.Itoa(int(op.Cmp)), strconv.Itoa(int(op.Set)),
			strconv.FormatBool(op.Negated), strconv.FormatBool(op.IgnoreCase), strconv.FormatBool(op.Like),
			strconv.FormatBool(op.IfExists), strconv.FormatBool(op.Known))
		w.values(c.Values)
	}
}

func (w *keyWriter) principal(p *policy.Principal) {
	if p == nil {
		w.strs("-")
		return
	}
	w.strs("P", strconv.FormatBool(p.Wildcard), strconv.Itoa(len(p.Entries)))
	for _, e := range p.Entries {
		w.strs(e.Kind)
		w.value(e.Value)
	}
}

// values writes vs, told apart from an absent element (nil).
func (w *keyWriter) values(vs []policy.Value) {
	if vs == nil {
		w.strs("-")
		return
	}
	w.strs(strconv.Itoa(len(vs)))
	for _, v := range vs {
		w.value(v)
	}
}

func (w *keyWriter) value(v policy.Value) {
	flags := 0
	for i, f := range []bool{v.Unknown, v.AccountUnknown, v.StandIn} {
		if f {
			flags |= 1 << i
		}
	}
	w.strs(v.Text, strconv.Itoa(flags))
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
