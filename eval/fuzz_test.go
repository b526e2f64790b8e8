package eval_test

import (
	"encoding/json"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/ecrguard/ecrguard/eval"
	"github.com/ecrguard/ecrguard/policy"
)

// negations pairs each positive operator with its negated form (IAM User
// Guide, "IAM JSON policy elements: Condition operators").
var negations = map[string]string{
	"StringEquals":           "StringNotEquals",
	"StringEqualsIgnoreCase": "StringNotEqualsIgnoreCase",
	"StringLike":             "StringNotLike",
	"NumericEquals":          "NumericNotEquals",
	"DateEquals":             "DateNotEquals",
	"IpAddress":              "NotIpAddress",
	"ArnEquals":              "ArnNotEquals",
	"ArnLike":                "ArnNotLike",
}

// fuzzOperators are the operators FuzzCondition picks from by index, so
// that most inputs exercise a real operator; the raw operator string is
// fuzzed too.
var fuzzOperators = []string{
	"StringEquals", "StringNotEquals", "StringEqualsIgnoreCase", "StringNotEqualsIgnoreCase", "StringLike", "StringNotLike",
	"NumericEquals", "NumericNotEquals", "NumericLessThan", "NumericLessThanEquals", "NumericGreaterThan", "NumericGreaterThanEquals",
	"DateEquals", "DateNotEquals", "DateLessThan", "DateLessThanEquals", "DateGreaterThan", "DateGreaterThanEquals",
	"Bool", "BinaryEquals", "IpAddress", "NotIpAddress", "ArnEquals", "ArnLike", "ArnNotEquals", "ArnNotLike", "Null",
}

// condEval evaluates one condition in an Allow statement and in a Deny
// statement (next to an Allow of everything) and returns whether it held.
// It fails the test if the two disagree: a condition that applies to an
// Allow applies to the same Deny (IAM User Guide, "Policy evaluation
// logic"), unless the operator is unknown, where Allow applies and Deny
// does not.
func condEval(t *testing.T, op, key string, values []string, ctx kv) bool {
	t.Helper()
	cond, err := json.Marshal(map[string]map[string][]string{op: {key: values}})
	if err != nil {
		t.Fatal(err)
	}
	allowDoc := `{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "ecr:BatchGetImage", "Resource": "*", "Condition": ` + string(cond) + `}}`
	denyDoc := `{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}, {"Effect": "Deny", "Action": "ecr:BatchGetImage", "Resource": "*", "Condition": ` + string(cond) + `}]}`
	run := func(doc string) eval.Decision {
		d, err := policy.Parse([]byte(doc), "fuzz.json")
		if err != nil {
			t.Fatalf("the decoder rejected a well-formed policy: %v\n%s", err, doc)
		}
		ps := &eval.PolicySet{Identity: []*eval.Policy{eval.Compile("fuzz", d)}}
		return eval.Evaluate(ps, &eval.Request{Principal: eval.Principal{Type: eval.Role, ARN: roleCI, Account: account}, Action: "ecr:BatchGetImage", Resource: repoApp, Context: ctx.context()})
	}
	a, d := run(allowDoc), run(denyDoc)
	if !policy.ParseOperator(op).Known {
		if a.Result != eval.Allow || d.Result != eval.Allow || len(a.Assumptions) != 1 || len(d.Assumptions) != 1 || a.Assumptions[0].Applied == d.Assumptions[0].Applied {
			t.Fatalf("unknown operator %q: Allow %v %+v, Deny %v %+v; want the Allow applied and the Deny not", op, a.Result, a.Assumptions, d.Result, d.Assumptions)
		}
		return true
	}
	if len(a.Assumptions)+len(d.Assumptions) != 0 {
		t.Fatalf("assumptions without unknowns: %+v %+v", a.Assumptions, d.Assumptions)
	}
	held := a.Result == eval.Allow
	if denied := d.Result == eval.ExplicitDeny; denied != held {
		t.Fatalf("%s: as Allow %v, as Deny %v", cond, a.Result, d.Result)
	}
	return held
}

// FuzzCondition evaluates fuzzed conditions (operator, key, policy values,
// request values, presence) and checks metamorphic properties the IAM User
// Guide states ("IAM JSON policy elements: Condition operators", "Creating
// a condition with multiple context keys or values", "Single-valued vs.
// multivalued context keys"):
//
//   - it never panics, and an Allow and a Deny with the same condition agree;
//   - an absent key: positive operators false, negated true, IfExists true,
//     ForAllValues true, ForAnyValue false;
//   - a present single value: IfExists is the base operator; ForAllValues
//     and ForAnyValue are the base operator; a negated operator is the
//     complement of its positive form;
//   - two policy values are ORed, and NORed under a negated operator;
//   - two request values without a set operator: positive operators match
//     if either value matches; ForAnyValue likewise; ForAllValues if both do.
//
// The seed corpus is testdata/fuzz/FuzzCondition.
func FuzzCondition(f *testing.F) {
	f.Add(uint8(0), "", "aws:PrincipalTag/team", "platform", "security", "platform", "dev", uint8(0))
	f.Fuzz(func(t *testing.T, opIndex uint8, rawOp, key, p1, p2, r1, r2 string, flags uint8) {
		for _, s := range []string{rawOp, key, p1, p2, r1, r2} {
			if !utf8.ValidString(s) || len(s) > 256 {
				return
			}
		}
		// Any operator string at all must evaluate without panicking.
		condEval(t, rawOp, key, []string{p1}, kv{key: v(r1)})

		op := fuzzOperators[int(opIndex)%len(fuzzOperators)]
		vals := []string{p1}
		if flags&1 != 0 {
			vals = append(vals, p2)
		}
		parsed := policy.ParseOperator(op)
		absent := kv{"aws:Other": v(r1)}
		if strings.EqualFold(key, "aws:Other") {
			return
		}

		// Absent key.
		if parsed.Family != policy.FamilyNull {
			for _, form := range []string{op, op + "IfExists", "ForAllValues:" + op, "ForAnyValue:" + op} {
				want := strings.HasSuffix(form, "IfExists") || strings.HasPrefix(form, "ForAllValues:") || parsed.Negated && !strings.HasPrefix(form, "ForAnyValue:")
				if got := condEval(t, form, key, vals, absent); got != want {
					t.Fatalf("%s %s %q on an absent key = %v, want %v", form, key, vals, got, want)
				}
			}
		}

		single := kv{key: v(r1)}
		base := condEval(t, op, key, vals, single)
		if parsed.Family != policy.FamilyNull {
			for _, form := range []string{op + "IfExists", "ForAllValues:" + op, "ForAnyValue:" + op} {
				if got := condEval(t, form, key, vals, single); got != base {
					t.Fatalf("%s %s %q with %q = %v, but %s = %v", form, key, vals, r1, got, op, base)
				}
			}
		}
		if neg, ok := negations[op]; ok {
			if got := condEval(t, neg, key, vals, single); got == base {
				t.Fatalf("%s and %s agree (%v) on %s %q with %q", op, neg, got, key, vals, r1)
			}
		}

		// Variables make a value depend on the context, which the
		// remaining properties change.
		if strings.Contains(p1+p2, "${") {
			return
		}
		if len(vals) == 2 && parsed.Family != policy.FamilyNull {
			one := condEval(t, op, key, []string{p1}, single)
			two := condEval(t, op, key, []string{p2}, single)
			want := one || two
			if parsed.Negated {
				want = one && two // NOR of the positive matches
			}
			if base != want {
				t.Fatalf("%s %s %q with %q = %v, but the values alone give %v and %v", op, key, vals, r1, base, one, two)
			}
		}
		if flags&2 != 0 && parsed.Family != policy.FamilyNull {
			both := kv{key: v(r1, r2)}
			m1 := condEval(t, op, key, vals, single)
			m2 := condEval(t, op, key, vals, kv{key: v(r2)})
			got := condEval(t, op, key, vals, both)
			want := m1 || m2
			if parsed.Negated {
				want = m1 && m2
			}
			if got != want {
				t.Fatalf("%s %s %q with [%q %q] = %v, alone %v and %v", op, key, vals, r1, r2, got, m1, m2)
			}
			if got := condEval(t, "ForAnyValue:"+op, key, vals, both); got != (m1 || m2) {
				t.Fatalf("ForAnyValue:%s with [%q %q] = %v, alone %v and %v", op, r1, r2, got, m1, m2)
			}
			if got := condEval(t, "ForAllValues:"+op, key, vals, both); got != (m1 && m2) {
				t.Fatalf("ForAllValues:%s with [%q %q] = %v, alone %v and %v", op, r1, r2, got, m1, m2)
			}
		}
	})
}
