package terraform

import (
	"testing"

	"github.com/ecrguard/ecrguard/internal/iacdoc"
	"github.com/ecrguard/ecrguard/policy"
)

// The tests of iacdoc's reading of unknown condition values live with a
// reader of it: iacdoc has no test binary of its own (the suite's time is
// mostly the linking of test binaries).

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
			doc := standInDoc(t, tc.op, tc.key, &iacdoc.Value{Kind: iacdoc.Array, Elems: []*iacdoc.Value{
				iacdoc.Unk("var.org_id", policy.Pos{}), iacdoc.Str("o-a1b2c3d4e5", policy.Pos{}),
			}})
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
	doc := standInDoc(t, "StringEquals", "aws:PrincipalOrgID", iacdoc.Unk("var.org_ids", policy.Pos{}))
	vals := doc.Statements[0].Conditions[0].Values
	if len(vals) != 1 || vals[0].Text != "<var.org_ids>" || !vals[0].StandIn || vals[0].Unknown {
		t.Errorf("unknown list read as %+v, want one stand-in <var.org_ids>", vals)
	}
}

// standInDoc reads, as iacdoc does for every reader, a policy whose one
// statement lets anyone pull under the condition op on key with value.
func standInDoc(t *testing.T, op, key string, value *iacdoc.Value) *policy.Document {
	t.Helper()
	obj := func(kv ...any) *iacdoc.Value {
		o := &iacdoc.Value{Kind: iacdoc.Object}
		for i := 0; i < len(kv); i += 2 {
			o.Members = append(o.Members, iacdoc.Member{Key: kv[i].(string), Value: kv[i+1].(*iacdoc.Value)})
		}
		return o
	}
	str := func(s string) *iacdoc.Value { return iacdoc.Str(s, policy.Pos{}) }
	doc, _, err := iacdoc.Document(obj(
		"Version", str("2012-10-17"),
		"Statement", &iacdoc.Value{Kind: iacdoc.Array, Elems: []*iacdoc.Value{obj(
			"Effect", str("Allow"), "Principal", str("*"), "Action", str("ecr:BatchGetImage"),
			"Condition", obj(op, obj(key, value)),
		)}},
	))
	if err != nil {
		t.Fatal(err)
	}
	return doc
}
