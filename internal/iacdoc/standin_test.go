package iacdoc

import (
	"testing"

	"github.com/ecrguard/ecrguard/policy"
)

// An unknown value of a key that names one organization or account, under
// an operator that compares it literally (StringEquals and the like, where
// "*" is a literal character), is one organization or account nobody
// vetted: a stand-in holding the expression's Placeholder, not everyone.
// Under StringLike and the ARN operators (ArnEquals takes wildcards too) an
// unknown value could be "*", and it stays unknown, taken at its worst; so
// does one of a key the caller chooses (a tag), or under an operator IAM
// does not define (IAM User Guide, "IAM JSON policy elements: Condition
// operators").
func TestConditionStandIns(t *testing.T) {
	for _, tc := range []struct {
		op, key string
		standIn bool
	}{
		{"StringEquals", "aws:PrincipalOrgID", true},
		{"StringEqualsIgnoreCase", "aws:PrincipalOrgID", true},
		{"StringNotEquals", "aws:PrincipalOrgID", true},
		{"StringNotEqualsIgnoreCase", "aws:PrincipalOrgID", true},
		{"StringEqualsIfExists", "aws:PrincipalOrgID", true},
		{"ForAnyValue:StringEquals", "aws:PrincipalOrgID", true},
		{"StringEquals", "aws:principalorgid", true},
		{"StringEquals", "aws:PrincipalAccount", true},
		{"StringEquals", "aws:SourceAccount", true},
		{"StringLike", "aws:PrincipalOrgID", false},
		{"StringNotLike", "aws:PrincipalOrgID", false},
		{"ForAnyValue:StringLike", "aws:PrincipalOrgID", false},
		{"StringLike", "aws:PrincipalAccount", false},
		{"ArnEquals", "aws:SourceArn", false},
		{"ArnLike", "aws:PrincipalArn", false},
		{"StringEquals", "aws:PrincipalArn", false},
		{"StringEquals", "aws:PrincipalTag/team", false},
		{"StringEquals", "aws:PrincipalOrgPaths", false},
		{"StringEqualz", "aws:PrincipalOrgID", false},
	} {
		t.Run(tc.op+" "+tc.key, func(t *testing.T) {
			v := object(
				"Version", Str("2012-10-17", policy.Pos{}),
				"Statement", &Value{Kind: Array, Elems: []*Value{object(
					"Effect", Str("Allow", policy.Pos{}),
					"Principal", Str("*", policy.Pos{}),
					"Action", Str("ecr:BatchGetImage", policy.Pos{}),
					"Condition", object(tc.op, object(tc.key, &Value{Kind: Array, Elems: []*Value{
						Unk("var.org_id", policy.Pos{}), Str("o-a1b2c3d4e5", policy.Pos{}),
					}})),
				)}},
			)
			doc, _, err := Document(v)
			if err != nil {
				t.Fatal(err)
			}
			c := doc.Statements[0].Conditions[0]
			if len(c.Values) != 2 {
				t.Fatalf("values %+v", c.Values)
			}
			got := c.Values[0]
			want := policy.Value{Text: "var.org_id", Unknown: true}
			if tc.standIn {
				want = policy.Value{Text: "<var.org_id>", StandIn: true}
			}
			if got.Text != want.Text || got.Unknown != want.Unknown || got.StandIn != want.StandIn || got.AccountUnknown {
				t.Errorf("unknown value read as %+v, want %+v", got, want)
			}
			if k := c.Values[1]; k.Text != "o-a1b2c3d4e5" || k.Unknown || k.StandIn {
				t.Errorf("known value read as %+v", k)
			}
		})
	}
}

// A wholly unknown list (a variable of type list) is one unknown value: under
// StringEquals it is some specific organizations, not everyone.
func TestConditionStandInList(t *testing.T) {
	v := object(
		"Version", Str("2012-10-17", policy.Pos{}),
		"Statement", &Value{Kind: Array, Elems: []*Value{object(
			"Effect", Str("Allow", policy.Pos{}),
			"Principal", Str("*", policy.Pos{}),
			"Action", Str("ecr:BatchGetImage", policy.Pos{}),
			"Condition", object("StringEquals", object("aws:PrincipalOrgID", Unk("var.org_ids", policy.Pos{}))),
		)}},
	)
	doc, _, err := Document(v)
	if err != nil {
		t.Fatal(err)
	}
	vals := doc.Statements[0].Conditions[0].Values
	if len(vals) != 1 || vals[0].Text != "<var.org_ids>" || !vals[0].StandIn || vals[0].Unknown {
		t.Errorf("unknown list read as %+v, want one stand-in <var.org_ids>", vals)
	}
}

func object(kv ...any) *Value {
	o := &Value{Kind: Object}
	for i := 0; i < len(kv); i += 2 {
		o.Members = append(o.Members, Member{Key: kv[i].(string), Value: kv[i+1].(*Value)})
	}
	return o
}
