package eval_test

import (
	"encoding/json"
	"testing"

	"github.com/ecrguard/ecrguard/eval"
	"github.com/ecrguard/ecrguard/internal/testgc"
	"github.com/ecrguard/ecrguard/policy"
)

func init() { testgc.Raise() }

// The accounts and names of the conformance corpus (testdata/conformance/README.md).
const (
	account  = "111122223333"
	partner  = "444455556666"
	stranger = "999988887777"
	repoApp  = "arn:aws:ecr:us-east-1:111122223333:repository/app"
	roleCI   = "arn:aws:iam::111122223333:role/ci"
	userDev  = "arn:aws:iam::111122223333:user/alice"
)

// compile parses and compiles a policy document written in a test.
func compile(t testing.TB, name, src string) *eval.Policy {
	t.Helper()
	doc, err := policy.Parse([]byte(src), name+".json")
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return eval.Compile(name, doc)
}

// compileAll compiles several documents; an empty string is no policy.
func compileAll(t testing.TB, name string, srcs []string) []*eval.Policy {
	t.Helper()
	var out []*eval.Policy
	for _, s := range srcs {
		out = append(out, compile(t, name, s))
	}
	return out
}

// maybe compiles src, or returns nil for "".
func maybe(t testing.TB, name, src string) *eval.Policy {
	t.Helper()
	if src == "" {
		return nil
	}
	return compile(t, name, src)
}

// principal parses a caller.
func principal(t testing.TB, s string) eval.Principal {
	t.Helper()
	p, err := eval.ParsePrincipal(s)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// kv is a request context written in a test: a key maps to its values; a
// present key with no values is written with an empty, non-nil slice; a key
// not in the map is absent.
type kv map[string][]string

func (c kv) context() *eval.Context {
	ctx := eval.NewContext()
	for k, v := range c {
		ctx.Set(k, v...)
	}
	return ctx
}

// v is shorthand for a list of values.
func v(values ...string) []string {
	if values == nil {
		return []string{}
	}
	return values
}

// identityWithCondition is an identity policy that allows ecr:BatchGetImage
// on every resource when the condition block (JSON) holds.
func identityWithCondition(version, condition string) string {
	vers := ""
	if version != "" {
		vers = `"Version": "` + version + `", `
	}
	return `{` + vers + `"Statement": [{"Effect": "Allow", "Action": "ecr:BatchGetImage", "Resource": "*", "Condition": ` + condition + `}]}`
}

// condition writes a one-operator, one-key condition block.
func condition(op, key string, values ...any) string {
	b, err := json.Marshal(map[string]map[string]any{op: {key: values}})
	if err != nil {
		panic(err)
	}
	return string(b)
}

// conditionHolds reports whether the condition block allows a same-account
// role's pull when its identity policy is nothing but that condition.
func conditionHolds(t testing.TB, version, cond string, ctx kv) bool {
	t.Helper()
	ps := &eval.PolicySet{Identity: []*eval.Policy{compile(t, "identity", identityWithCondition(version, cond))}}
	d := eval.Evaluate(ps, &eval.Request{Principal: principal(t, roleCI), Action: "ecr:BatchGetImage", Resource: repoApp, Context: ctx.context()})
	if len(d.Assumptions) > 0 {
		t.Fatalf("unexpected assumptions: %+v", d.Assumptions)
	}
	return d.Result == eval.Allow
}

// condCase is one row of a condition operator table: an operator, a key,
// the policy's values and the request context.
type condCase struct {
	name   string
	op     string
	key    string
	values []any
	ctx    kv
	want   bool
}

func runCondCases(t *testing.T, tests []condCase) {
	t.Helper()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cond := condition(tt.op, tt.key, tt.values...)
			if got := conditionHolds(t, policy.Version2012, cond, tt.ctx); got != tt.want {
				t.Errorf("%s with context %v = %v, want %v", cond, tt.ctx, got, tt.want)
			}
		})
	}
}
