package eval

import (
	"strings"

	"github.com/ecrguard/ecrguard/policy"
)

// tmpl is a policy string that may contain policy variables (${aws:username},
// ${aws:PrincipalTag/team, 'default'}, and the escapes ${*}, ${?}, ${$}).
// IAM User Guide, "IAM policy elements: Variables and tags".
type tmpl struct {
	raw     string
	segs    []seg // nil: no variables, raw is the value
	unknown bool
	// vars are the keys the variables read, lower-cased.
	vars []string
	// arn is raw as an ARN pattern, split once (no variables).
	arn *policy.ARNPattern
}

type seg struct {
	lit    string // literal policy text (wildcards active)
	esc    byte   // a literal character from ${*} ${?} ${$}; 0 if none
	key    string // lower-cased variable key; "" if not a variable
	def    string
	hasDef bool
}

// newTmpl parses s; variables only when the document's Version enables them.
func newTmpl(v policy.Value, vars bool) tmpl {
	t := tmpl{raw: v.Text, unknown: v.Unknown}
	if !vars || v.Unknown || !strings.Contains(v.Text, "${") {
		if !v.Unknown {
			p := policy.CompileARN(v.Text)
			t.arn = &p
		}
		return t
	}
	s := v.Text
	var segs []seg
	for {
		i := strings.Index(s, "${")
		if i < 0 {
			break
		}
		j := strings.IndexByte(s[i:], '}')
		if j < 0 {
			break
		}
		inner := s[i+2 : i+j]
		var sg seg
		switch inner {
		case "*", "?", "$":
			sg.esc = inner[0]
		default:
			name, def, hasDef := ParseVariable(inner)
			if name == "" {
				// Not a variable: keep the text literally.
				segs = append(segs, seg{lit: s[:i+j+1]})
				s = s[i+j+1:]
				continue
			}
			sg.key, sg.def, sg.hasDef = strings.ToLower(name), def, hasDef
			t.vars = appendNew(t.vars, sg.key)
		}
		if i > 0 {
			segs = append(segs, seg{lit: s[:i]})
		}
		segs = append(segs, sg)
		s = s[i+j+1:]
	}
	if segs == nil {
		return t
	}
	if s != "" {
		segs = append(segs, seg{lit: s})
	}
	t.segs = segs
	return t
}

// resourceTmpl is newTmpl for a Resource or NotResource value: IAM reads
// policy variables only in the resource part of an ARN, after its fifth
// colon; before it (the service, region or account) "${...}" is text, which
// no ARN holds (IAM User Guide, "IAM policy elements: Variables and tags":
// "You can't use a variable to replace parts of the ARN before the fifth
// colon, such as the service or account").
func resourceTmpl(v policy.Value, vars bool) tmpl {
	if !vars || v.Unknown || !strings.Contains(v.Text, "${") {
		return newTmpl(v, vars)
	}
	cut := policy.ResourcePart(v.Text)
	prefix := v.Text[:cut]
	if !strings.Contains(prefix, "${") {
		return newTmpl(v, vars)
	}
	rest := v
	rest.Text = v.Text[cut:]
	t := newTmpl(rest, vars)
	if t.segs == nil {
		return newTmpl(v, false)
	}
	t.raw = v.Text
	t.segs = append([]seg{{lit: prefix}}, t.segs...)
	return t
}

// ParseVariable reads the inside of a policy variable, "aws:username" or
// "aws:PrincipalTag/team, 'dflt'": its key and default; name is "" when it
// is not a variable (the text stays as written).
func ParseVariable(inner string) (name, def string, hasDef bool) {
	name = inner
	if k := strings.Index(inner, ","); k >= 0 {
		name = strings.TrimSpace(inner[:k])
		rest := strings.TrimSpace(inner[k+1:])
		if len(rest) >= 2 && rest[0] == '\'' && rest[len(rest)-1] == '\'' {
			def, hasDef = rest[1:len(rest)-1], true
		} else {
			return "", "", false
		}
	}
	if !strings.Contains(name, ":") || strings.ContainsAny(name, " \t'\"${") {
		return "", "", false
	}
	return name, def, hasDef
}

// Resolve returns text, a policy value, with the policy variables ctx holds
// one value for replaced (IAM User Guide, "IAM policy elements: Variables
// and tags"): ${*}, ${?} and ${$} are the characters, and a variable ctx
// does not hold takes its default (${key, 'default'}) when it has one. ok
// is false when one has neither: the value then matches nothing.
func Resolve(text string, ctx *Context) (string, bool) {
	t := newTmpl(policy.Value{Text: text}, true)
	return t.plain(ctx)
}

// Variables returns the keys the policy variables of text read,
// lower-cased, and whether it holds ${*} or ${?}, which stand for the
// characters, not wildcards.
func Variables(text string) (keys []string, escapes bool) {
	t := newTmpl(policy.Value{Text: text}, true)
	for _, sg := range t.segs {
		escapes = escapes || sg.esc == '*' || sg.esc == '?'
	}
	return t.vars, escapes
}

// plain returns the value with variables substituted, for exact comparison.
// ok is false when a variable has no value (and no default): then the value
// matches nothing ("Policy variables with no value").
func (t *tmpl) plain(ctx *Context) (string, bool) {
	if t.segs == nil {
		return t.raw, true
	}
	return segsPlain(t.segs, ctx)
}

// segsPlain is the text of segs with their variables replaced from ctx; ok
// is false when a variable has no value (and no default).
func segsPlain(segs []seg, ctx *Context) (string, bool) {
	var b strings.Builder
	for _, sg := range segs {
		switch {
		case sg.esc != 0:
			b.WriteByte(sg.esc)
		case sg.key != "":
			v, ok := lookupVar(ctx, sg)
			if !ok {
				return "", false
			}
			b.WriteString(v)
		default:
			b.WriteString(sg.lit)
		}
	}
	return b.String(), true
}

// pattern returns the value as a wildcard pattern for policy.MatchEscaped:
// literal text keeps its wildcards; substituted values and ${*}-style escapes
// are literal.
func (t *tmpl) pattern(ctx *Context) (string, bool) {
	if t.segs == nil {
		return t.raw, true
	}
	return segsPattern(t.segs, ctx)
}

func segsPattern(segs []seg, ctx *Context) (string, bool) {
	return segsPatternAs(segs, ctx, false, "", "")
}

// segsPatternAs is segsPattern for solving: with open, a variable whose key
// the search has not chosen yet stands for any value (a '*'); with key set,
// that key's variables read val.
func segsPatternAs(segs []seg, ctx *Context, open bool, key, val string) (string, bool) {
	var b strings.Builder
	escape := func(s string, all bool) {
		for i := 0; i < len(s); i++ {
			c := s[i]
			if c == policy.Escape || (all && (c == '*' || c == '?')) {
				b.WriteByte(policy.Escape)
			}
			b.WriteByte(c)
		}
	}
	for _, sg := range segs {
		switch {
		case sg.esc != 0:
			b.WriteByte(policy.Escape)
			b.WriteByte(sg.esc)
		case sg.key != "" && key != "" && sg.key == key:
			escape(val, true)
		case sg.key != "":
			if open {
				if _, _, isOpen := ctx.lookup(sg.key); isOpen {
					b.WriteByte('*')
					continue
				}
			}
			v, ok := lookupVar(ctx, sg)
			if !ok {
				return "", false
			}
			escape(v, true)
		default:
			escape(sg.lit, false)
		}
	}
	return b.String(), true
}

// maxSolutions bounds the values solveVar returns; beyond it the answer is
// incomplete, and the search says so (Truncated).
const maxSolutions = 32

// solveVar returns the values of the variable key that make the template
// match s. A variable's value is literal text in the pattern, so each such
// value is a substring of s and there are finitely many: all of them are
// returned, and complete is false only when there were more than
// maxSolutions.
//
// Variables of other keys that the search has not chosen yet stand for any
// value: the values returned are those for which some value of the others
// makes the template match (a value that needs two variables at once, as
// "${aws:PrincipalTag/team}/${aws:PrincipalTag/project}" against
// "platform/api", is split at every place it can be), and each other key is
// solved in turn against s once key is chosen. An open key may also be
// absent or hold several values, when the template matches nothing (IAM
// User Guide, "IAM policy elements: Variables and tags": a variable with no
// value, and no default, makes the value match nothing), so '*' is a bound
// from above: the values are a superset of those some choice completes,
// which is safe, every request the search tries being evaluated whole.
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_variables.html
//
// With fold (the IgnoreCase operators) the template and s are compared in
// lower case, and the values are lower-case.
func solveVar(t *tmpl, key, s string, ctx *Context, fold bool) ([]string, bool) {
	pattern := func(segs []seg, key, val string) (string, bool) {
		p, ok := segsPatternAs(segs, ctx, true, key, val)
		if fold {
			p = strings.ToLower(p)
		}
		return p, ok
	}
	if fold {
		s = strings.ToLower(s)
	}
	at, reads := -1, 0
	for i, sg := range t.segs {
		if sg.key == key {
			if at < 0 {
				at = i
			}
			reads++
		}
	}
	if at < 0 {
		return nil, true
	}
	pre, ok := pattern(t.segs[:at], "", "")
	if !ok {
		return nil, true
	}
	var starts []int
	for i := 0; i <= len(s); i++ {
		if policy.MatchEscaped(pre, s[:i]) {
			starts = append(starts, i)
		}
	}
	var out []string
	seen := map[string]bool{}
	add := func(v string) bool {
		if seen[v] {
			return true
		}
		if len(out) == maxSolutions {
			return false
		}
		seen[v] = true
		out = append(out, v)
		return true
	}
	if reads > 1 {
		// The key is read more than once: every read holds the same
		// value, the one the first read cuts out of s.
		for _, i := range starts {
			for j := len(s); j >= i; j-- {
				v := s[i:j]
				if seen[v] {
					continue
				}
				if p, ok := pattern(t.segs, key, v); ok && policy.MatchEscaped(p, s) {
					if !add(v) {
						return out, false
					}
				}
			}
		}
		return out, true
	}
	post, ok := pattern(t.segs[at+1:], "", "")
	if !ok {
		return nil, true
	}
	var ends []int
	for j := len(s); j >= 0; j-- {
		if policy.MatchEscaped(post, s[j:]) {
			ends = append(ends, j)
		}
	}
	for _, i := range starts {
		for _, j := range ends {
			if j >= i && !add(s[i:j]) {
				return out, false
			}
		}
	}
	return out, true
}

func lookupVar(ctx *Context, sg seg) (string, bool) {
	vals, ok := ctx.get(sg.key)
	if ok && len(vals) == 1 {
		return vals[0], true
	}
	if sg.hasDef {
		return sg.def, true
	}
	return "", false
}

// matchLike matches s against the template as a wildcard pattern.
func (t *tmpl) matchLike(ctx *Context, s string) bool {
	if t.segs == nil {
		return policy.Match(t.raw, s)
	}
	p, ok := t.pattern(ctx)
	return ok && policy.MatchEscaped(p, s)
}

// matchARN matches s against the template as an ARN pattern.
func (t *tmpl) matchARN(ctx *Context, s string) bool {
	if t.segs == nil {
		if t.arn != nil {
			return t.arn.Match(s)
		}
		return policy.MatchARN(t.raw, s)
	}
	p, ok := t.pattern(ctx)
	return ok && policy.MatchARNEscaped(p, s)
}
