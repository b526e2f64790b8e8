package policy_test

import (
	"testing"

	"github.com/ecrguard/ecrguard/policy"
)

// IAM User Guide, "IAM JSON policy elements: Condition operators" (the
// operator families, "...IfExists condition operators": IfExists may be
// added to any operator except Null) and "Single-valued vs. multivalued
// context keys" (the ForAllValues: and ForAnyValue: set operators).
func TestParseOperator(t *testing.T) {
	tests := []struct {
		name string
		want policy.Operator
	}{
		{"StringEquals", policy.Operator{Base: "StringEquals", Family: policy.FamilyString, Known: true}},
		{"StringNotEquals", policy.Operator{Base: "StringNotEquals", Family: policy.FamilyString, Negated: true, Known: true}},
		{"StringEqualsIgnoreCase", policy.Operator{Base: "StringEqualsIgnoreCase", Family: policy.FamilyString, IgnoreCase: true, Known: true}},
		{"StringNotEqualsIgnoreCase", policy.Operator{Base: "StringNotEqualsIgnoreCase", Family: policy.FamilyString, Negated: true, IgnoreCase: true, Known: true}},
		{"StringLike", policy.Operator{Base: "StringLike", Family: policy.FamilyString, Like: true, Known: true}},
		{"StringNotLike", policy.Operator{Base: "StringNotLike", Family: policy.FamilyString, Negated: true, Like: true, Known: true}},
		{"NumericEquals", policy.Operator{Base: "NumericEquals", Family: policy.FamilyNumeric, Known: true}},
		{"NumericNotEquals", policy.Operator{Base: "NumericNotEquals", Family: policy.FamilyNumeric, Negated: true, Known: true}},
		{"NumericLessThan", policy.Operator{Base: "NumericLessThan", Family: policy.FamilyNumeric, Cmp: policy.CmpLt, Known: true}},
		{"NumericLessThanEquals", policy.Operator{Base: "NumericLessThanEquals", Family: policy.FamilyNumeric, Cmp: policy.CmpLe, Known: true}},
		{"NumericGreaterThan", policy.Operator{Base: "NumericGreaterThan", Family: policy.FamilyNumeric, Cmp: policy.CmpGt, Known: true}},
		{"NumericGreaterThanEquals", policy.Operator{Base: "NumericGreaterThanEquals", Family: policy.FamilyNumeric, Cmp: policy.CmpGe, Known: true}},
		{"DateEquals", policy.Operator{Base: "DateEquals", Family: policy.FamilyDate, Known: true}},
		{"DateNotEquals", policy.Operator{Base: "DateNotEquals", Family: policy.FamilyDate, Negated: true, Known: true}},
		{"DateLessThan", policy.Operator{Base: "DateLessThan", Family: policy.FamilyDate, Cmp: policy.CmpLt, Known: true}},
		{"DateLessThanEquals", policy.Operator{Base: "DateLessThanEquals", Family: policy.FamilyDate, Cmp: policy.CmpLe, Known: true}},
		{"DateGreaterThan", policy.Operator{Base: "DateGreaterThan", Family: policy.FamilyDate, Cmp: policy.CmpGt, Known: true}},
		{"DateGreaterThanEquals", policy.Operator{Base: "DateGreaterThanEquals", Family: policy.FamilyDate, Cmp: policy.CmpGe, Known: true}},
		{"Bool", policy.Operator{Base: "Bool", Family: policy.FamilyBool, Known: true}},
		{"BinaryEquals", policy.Operator{Base: "BinaryEquals", Family: policy.FamilyBinary, Known: true}},
		{"IpAddress", policy.Operator{Base: "IpAddress", Family: policy.FamilyIP, Known: true}},
		{"NotIpAddress", policy.Operator{Base: "NotIpAddress", Family: policy.FamilyIP, Negated: true, Known: true}},
		// "The ArnEquals and ArnLike condition operators behave identically."
		{"ArnEquals", policy.Operator{Base: "ArnEquals", Family: policy.FamilyARN, Like: true, Known: true}},
		{"ArnLike", policy.Operator{Base: "ArnLike", Family: policy.FamilyARN, Like: true, Known: true}},
		{"ArnNotEquals", policy.Operator{Base: "ArnNotEquals", Family: policy.FamilyARN, Negated: true, Like: true, Known: true}},
		{"ArnNotLike", policy.Operator{Base: "ArnNotLike", Family: policy.FamilyARN, Negated: true, Like: true, Known: true}},
		{"Null", policy.Operator{Base: "Null", Family: policy.FamilyNull, Known: true}},
		{"StringLikeIfExists", policy.Operator{Base: "StringLike", Family: policy.FamilyString, Like: true, IfExists: true, Known: true}},
		{"BoolIfExists", policy.Operator{Base: "Bool", Family: policy.FamilyBool, IfExists: true, Known: true}},
		{"NotIpAddressIfExists", policy.Operator{Base: "NotIpAddress", Family: policy.FamilyIP, Negated: true, IfExists: true, Known: true}},
		{"ForAllValues:StringEquals", policy.Operator{Base: "StringEquals", Family: policy.FamilyString, Set: policy.ForAllValues, Known: true}},
		{"ForAnyValue:StringNotLikeIfExists", policy.Operator{Base: "StringNotLike", Family: policy.FamilyString, Negated: true, Like: true, IfExists: true, Set: policy.ForAnyValue, Known: true}},
		{"ForAnyValue:ArnLike", policy.Operator{Base: "ArnLike", Family: policy.FamilyARN, Like: true, Set: policy.ForAnyValue, Known: true}},
		// Not operators: Null has no IfExists form and no set form; names
		// and prefixes are spelt exactly.
		{"NullIfExists", policy.Operator{Base: "NullIfExists"}},
		{"ForAllValues:Null", policy.Operator{Base: "ForAllValues:Null"}},
		{"StringEqualsIfExistsIfExists", policy.Operator{Base: "StringEqualsIfExistsIfExists"}},
		{"IfExists", policy.Operator{Base: "IfExists"}},
		{"ForAllValues:", policy.Operator{Base: "ForAllValues:"}},
		{"ForAllValues:ForAnyValue:StringEquals", policy.Operator{Base: "ForAllValues:ForAnyValue:StringEquals"}},
		{"stringEquals", policy.Operator{Base: "stringEquals"}},
		{"forallvalues:StringEquals", policy.Operator{Base: "forallvalues:StringEquals"}},
		{"StringEqual", policy.Operator{Base: "StringEqual"}},
		{"", policy.Operator{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := policy.ParseOperator(tt.name); got != tt.want {
				t.Errorf("ParseOperator(%q) = %+v, want %+v", tt.name, got, tt.want)
			}
		})
	}
}

// SuggestOperator proposes the canonical spelling of a misspelt operator
// (the decoder keeps unknown operators; validation reports them).
func TestSuggestOperator(t *testing.T) {
	tests := []struct{ in, want string }{
		{"stringequals", "StringEquals"},
		{"STRINGLIKEIFEXISTS", "StringLikeIfExists"},
		{"forallvalues:stringequals", "ForAllValues:StringEquals"},
		{"foranyvalue:arnlike", "ForAnyValue:ArnLike"},
		{"arnEquals", "ArnEquals"},
		{"nullifexists", ""},
		{"StringEqualz", "StringEquals"},
		{"StringEqual", "StringEquals"},
		{"StringNotEqual", "StringNotEquals"},
		{"StringLik", "StringLike"},
		{"StringSame", ""},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			if got := policy.SuggestOperator(tt.in); got != tt.want {
				t.Errorf("SuggestOperator(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestFamilyString(t *testing.T) {
	want := map[policy.Family]string{
		policy.FamilyUnknown: "unknown", policy.FamilyString: "string", policy.FamilyNumeric: "numeric",
		policy.FamilyDate: "date", policy.FamilyBool: "boolean", policy.FamilyBinary: "binary",
		policy.FamilyIP: "IP address", policy.FamilyARN: "ARN", policy.FamilyNull: "null",
	}
	for f, s := range want {
		if got := f.String(); got != s {
			t.Errorf("Family(%d).String() = %q, want %q", f, got, s)
		}
	}
}
