package eval

import (
	"bytes"
	"encoding/base64"
	"net/netip"
	"slices"
	"strings"
	"time"

	"github.com/ecrguard/ecrguard/policy"
)

// tri is a truth value with two kinds of "not known": an element whose
// value is unknown (an IaC value known only after apply, an operator IAM does
// not define) is maybe, and stays so; an element that reads a key a search
// has not chosen yet is pending, and becomes yes or no once it is chosen.
type tri uint8

const (
	no tri = iota
	yes
	maybe
	pending
)

func and(a, b tri) tri {
	switch {
	case a == no || b == no:
		return no
	case a == pending || b == pending:
		return pending
	case a == maybe || b == maybe:
		return maybe
	}
	return yes
}

// or is and's dual (De Morgan): not leaves maybe and pending as they are,
// so yes wins, then pending, then maybe.
func or(a, b tri) tri { return not(and(not(a), not(b))) }

func not(a tri) tri {
	switch a {
	case yes:
		return no
	case no:
		return yes
	}
	return a
}

func of(b bool) tri {
	if b {
		return yes
	}
	return no
}

// ccond is a compiled condition: one key of one operator block.
type ccond struct {
	src  *policy.Condition
	key  string // lower-cased
	op   policy.Operator
	vals []cval
	// vars are the keys its values read as policy variables (lower-cased).
	vars []string
}

// cval is one policy value, pre-parsed for its operator family.
type cval struct {
	t     tmpl
	lower string
	num   float64
	tm    time.Time
	pfx   netip.Prefix
	bin   []byte
	ok    bool // parsed for the family (false: matches nothing)
}

func compileCondition(c *policy.Condition, vars bool) ccond {
	cc := ccond{src: c, key: strings.ToLower(c.Key), op: c.Op}
	// Variables work in string and ARN comparisons only.
	useVars := vars && (c.Op.Family == policy.FamilyString || c.Op.Family == policy.FamilyARN)
	for _, v := range c.Values {
		cv := cval{t: newTmpl(v, useVars)}
		cc.vars = appendNew(cc.vars, cv.t.vars...)
		cv.lower = strings.ToLower(v.Text)
		switch c.Op.Family {
		case policy.FamilyNumeric:
			cv.num, cv.ok = parseNumber(v.Text)
		case policy.FamilyDate:
			cv.tm, cv.ok = parseDate(v.Text)
		case policy.FamilyIP:
			cv.pfx, cv.ok = parsePrefix(v.Text)
		case policy.FamilyBinary:
			cv.bin, cv.ok = parseBinary(v.Text)
		case policy.FamilyBool, policy.FamilyNull:
			cv.ok = cv.lower == "true" || cv.lower == "false"
		default:
			cv.ok = true
		}
		cc.vals = append(cc.vals, cv)
	}
	return cc
}

// eval evaluates the condition against ctx. IAM User Guide, "IAM JSON policy
// elements: Condition operators" and "Single-valued vs. multivalued context
// keys".
func (c *ccond) eval(ctx *Context) tri {
	if !c.op.Known {
		return maybe
	}
	vals, present, open := ctx.lookup(c.key)
	if open || ctx.anyOpen(c.vars) {
		return pending
	}
	if c.op.Family == policy.FamilyNull {
		// Null "true": the key is absent (or null); "false": it is present.
		isNull := !present || len(vals) == 0
		r := no
		for i := range c.vals {
			v := &c.vals[i]
			if v.t.unknown {
				r = or(r, maybe)
				continue
			}
			if v.ok && (v.lower == "true") == isNull {
				return yes
			}
		}
		return r
	}
	if !present || len(vals) == 0 {
		switch {
		case c.op.Set == policy.ForAllValues:
			return yes
		case c.op.Set == policy.ForAnyValue:
			return no
		case c.op.IfExists && !present:
			return yes
		case c.op.Negated:
			return yes
		}
		return no
	}
	switch c.op.Set {
	case policy.ForAllValues:
		return c.overValues(ctx, vals, yes, and, c.op.Negated)
	case policy.ForAnyValue:
		return c.overValues(ctx, vals, no, or, c.op.Negated)
	}
	// No set operator: the positive match over all request values, negated
	// as a whole for the Not operators (several policy values are then a NOR).
	r := c.overValues(ctx, vals, no, or, false)
	if c.op.Negated {
		return not(r)
	}
	return r
}

// overValues combines, from start, the match of each request value of
// vals (negated first when negate is set) with combine: and from yes, or
// from no. It stops once the result cannot change (no for and, yes for
// or).
func (c *ccond) overValues(ctx *Context, vals []string, start tri, combine func(a, b tri) tri, negate bool) tri {
	r, stop := start, not(start)
	for _, s := range vals {
		m := c.matchOne(ctx, s)
		if negate {
			m = not(m)
		}
		if r = combine(r, m); r == stop {
			return r
		}
	}
	return r
}

// matchOne reports whether the request value s matches any policy value
// under the operator's positive form.
func (c *ccond) matchOne(ctx *Context, s string) tri {
	r := no
	for i := range c.vals {
		v := &c.vals[i]
		if v.t.unknown {
			r = maybe
			continue
		}
		if c.cmp(ctx, v, s) {
			return yes
		}
	}
	return r
}

func (c *ccond) cmp(ctx *Context, v *cval, s string) bool {
	switch c.op.Family {
	case policy.FamilyString:
		switch {
		case c.op.Like:
			return v.t.matchLike(ctx, s)
		case c.op.IgnoreCase:
			p, ok := v.t.plain(ctx)
			return ok && strings.EqualFold(p, s)
		default:
			p, ok := v.t.plain(ctx)
			return ok && p == s
		}
	case policy.FamilyARN:
		return v.t.matchARN(ctx, s)
	case policy.FamilyBool:
		return v.ok && v.lower == strings.ToLower(s)
	case policy.FamilyNumeric:
		n, ok := parseNumber(s)
		return v.ok && ok && compare(c.op.Cmp, cmpFloat(n, v.num))
	case policy.FamilyDate:
		t, ok := parseDate(s)
		return v.ok && ok && compare(c.op.Cmp, t.Compare(v.tm))
	case policy.FamilyIP:
		a, err := netip.ParseAddr(s)
		return v.ok && err == nil && v.pfx.Contains(a.Unmap())
	case policy.FamilyBinary:
		b, ok := parseBinary(s)
		return v.ok && ok && bytes.Equal(b, v.bin)
	}
	return false
}

// compare applies an ordered comparison to the sign of request-vs-policy.
func compare(op policy.Cmp, sign int) bool {
	switch op {
	case policy.CmpLt:
		return sign < 0
	case policy.CmpLe:
		return sign <= 0
	case policy.CmpGt:
		return sign > 0
	case policy.CmpGe:
		return sign >= 0
	}
	return sign == 0
}

func cmpFloat(a, b float64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

func parseNumber(s string) (float64, bool) { return policy.ParseNumber(s) }

func parseDate(s string) (time.Time, bool) { return policy.ParseDate(s) }

func parsePrefix(s string) (netip.Prefix, bool) { return policy.ParseCIDR(s) }

func parseBinary(s string) ([]byte, bool) {
	b, err := base64.StdEncoding.DecodeString(strings.TrimSpace(s))
	return b, err == nil
}

// appendNew appends the strings of add that list does not hold yet.
func appendNew(list []string, add ...string) []string {
	for _, a := range add {
		if !slices.Contains(list, a) {
			list = append(list, a)
		}
	}
	return list
}
