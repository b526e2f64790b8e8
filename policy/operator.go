package policy

import "strings"

// Family is the type of comparison an operator makes.
type Family uint8

// Operator families, as in the IAM User Guide's "Condition operators".
const (
	FamilyUnknown Family = iota
	FamilyString
	FamilyNumeric
	FamilyDate
	FamilyBool
	FamilyBinary
	FamilyIP
	FamilyARN
	FamilyNull
)

func (f Family) String() string {
	return [...]string{"unknown", "string", "numeric", "date", "boolean", "binary", "IP address", "ARN", "null"}[f]
}

// Cmp is the comparison of an ordered operator.
type Cmp uint8

// Comparisons.
const (
	CmpEq Cmp = iota
	CmpLt
	CmpLe
	CmpGt
	CmpGe
)

// SetOp is a set-operator prefix.
type SetOp uint8

// Set operators.
const (
	SetNone SetOp = iota
	ForAllValues
	ForAnyValue
)

// Operator is a parsed condition operator such as
// "ForAnyValue:StringNotLikeIfExists".
type Operator struct {
	// Base is the canonical name without prefix and suffix ("StringNotLike").
	Base       string
	Family     Family
	Cmp        Cmp
	Negated    bool
	IgnoreCase bool
	// Like is wildcard matching (StringLike, ArnLike; ArnEquals also
	// honours wildcards, per component).
	Like     bool
	IfExists bool
	Set      SetOp
	// Known is false for an operator IAM does not define.
	Known bool
}

type opInfo struct {
	family     Family
	cmp        Cmp
	negated    bool
	ignoreCase bool
	like       bool
}

var operators = map[string]opInfo{
	"StringEquals":              {family: FamilyString},
	"StringNotEquals":           {family: FamilyString, negated: true},
	"StringEqualsIgnoreCase":    {family: FamilyString, ignoreCase: true},
	"StringNotEqualsIgnoreCase": {family: FamilyString, negated: true, ignoreCase: true},
	"StringLike":                {family: FamilyString, like: true},
	"StringNotLike":             {family: FamilyString, negated: true, like: true},
	"NumericEquals":             {family: FamilyNumeric},
	"NumericNotEquals":          {family: FamilyNumeric, negated: true},
	"NumericLessThan":           {family: FamilyNumeric, cmp: CmpLt},
	"NumericLessThanEquals":     {family: FamilyNumeric, cmp: CmpLe},
	"NumericGreaterThan":        {family: FamilyNumeric, cmp: CmpGt},
	"NumericGreaterThanEquals":  {family: FamilyNumeric, cmp: CmpGe},
	"DateEquals":                {family: FamilyDate},
	"DateNotEquals":             {family: FamilyDate, negated: true},
	"DateLessThan":              {family: FamilyDate, cmp: CmpLt},
	"DateLessThanEquals":        {family: FamilyDate, cmp: CmpLe},
	"DateGreaterThan":           {family: FamilyDate, cmp: CmpGt},
	"DateGreaterThanEquals":     {family: FamilyDate, cmp: CmpGe},
	"Bool":                      {family: FamilyBool},
	"BinaryEquals":              {family: FamilyBinary},
	"IpAddress":                 {family: FamilyIP},
	"NotIpAddress":              {family: FamilyIP, negated: true},
	"ArnEquals":                 {family: FamilyARN, like: true},
	"ArnLike":                   {family: FamilyARN, like: true},
	"ArnNotEquals":              {family: FamilyARN, negated: true, like: true},
	"ArnNotLike":                {family: FamilyARN, negated: true, like: true},
	"Null":                      {family: FamilyNull},
}

// ParseOperator parses an operator name. Names are case-sensitive, as IAM's
// are; an unrecognised name yields Known == false with Base set to the name.
func ParseOperator(name string) Operator {
	op := Operator{Base: name}
	rest := name
	switch {
	case strings.HasPrefix(rest, "ForAllValues:"):
		op.Set = ForAllValues
		rest = strings.TrimPrefix(rest, "ForAllValues:")
	case strings.HasPrefix(rest, "ForAnyValue:"):
		op.Set = ForAnyValue
		rest = strings.TrimPrefix(rest, "ForAnyValue:")
	}
	base := rest
	info, ok := operators[base]
	if !ok && strings.HasSuffix(base, "IfExists") {
		base = strings.TrimSuffix(base, "IfExists")
		info, ok = operators[base]
		// Null has no IfExists form: "NullIfExists" is not an operator.
		ok = ok && base != "Null"
		op.IfExists = ok
	}
	if !ok {
		return Operator{Base: name}
	}
	if op.Set != SetNone && base == "Null" {
		return Operator{Base: name}
	}
	op.Base = base
	op.Family = info.family
	op.Cmp = info.cmp
	op.Negated = info.negated
	op.IgnoreCase = info.ignoreCase
	op.Like = info.like
	op.Known = true
	return op
}

// Spellings returns v and, under an IgnoreCase operator, v in lower case
// when that differs (n is 1 or 2; an array, so that callers allocate
// nothing). Such an operator matches a caller's value in any case, and the
// ids and ARN fields AWS sets are lower case (organization ids; an ARN's
// prefix, partition, service and resource type): a value written in
// capitals (O-ABC123DEFG, ARN:AWS:IAM::…:ROLE/X) names what its lower-case
// spelling does, which a search must try. A value that reads a policy
// variable is left as written: the variable's name is not lowered.
func (op Operator) Spellings(v string) (s [2]string, n int) {
	s[0] = v
	if l := strings.ToLower(v); op.IgnoreCase && l != v && !strings.Contains(v, "${") {
		s[1] = l
		return s, 2
	}
	return s, 1
}

// SuggestOperator returns the canonical spelling of an operator that differs
// only in letter case, or else by one letter added, left out or changed
// (StringEqual, StringLik), when one operator does; or "".
func SuggestOperator(name string) string {
	lower := strings.ToLower(name)
	prefixes := []string{"", "ForAllValues:", "ForAnyValue:"}
	var near []string
	for base := range operators {
		for _, p := range prefixes {
			for _, s := range []string{"", "IfExists"} {
				cand := p + base + s
				if !ParseOperator(cand).Known {
					continue
				}
				if l := strings.ToLower(cand); l == lower {
					return cand
				} else if oneEdit(l, lower) {
					near = append(near, cand)
				}
			}
		}
	}
	if len(near) == 1 {
		return near[0]
	}
	return ""
}

// oneEdit reports whether a and b differ by one character added, left out
// or changed.
func oneEdit(a, b string) bool {
	if len(a) < len(b) {
		a, b = b, a
	}
	if len(a)-len(b) > 1 {
		return false
	}
	i := 0
	for i < len(b) && a[i] == b[i] {
		i++
	}
	if i == len(a) {
		return false // the same
	}
	if len(a) == len(b) {
		return a[i+1:] == b[i+1:]
	}
	return a[i+1:] == b[i:]
}
