package eval_test

import (
	"testing"

	"github.com/ecrguard/ecrguard/eval"
	"github.com/ecrguard/ecrguard/internal/conformance"
	"github.com/ecrguard/ecrguard/policy"
)

// TestConformanceCopy: testdata/conformance is the corpus as it is
// maintained, to the byte.
func TestConformanceCopy(t *testing.T) { conformance.CheckCopy(t) }

// TestConformanceEval runs every case of testdata/conformance/eval through
// the engine `ecrguard simulate` uses (eval.Simulate).
func TestConformanceEval(t *testing.T) {
	conformance.Run(t, "eval", func(t *testing.T, f conformance.File) {
		var c conformance.EvalCase
		if err := conformance.Decode(f, &c); err != nil {
			t.Fatal(err)
		}
		parse := func(what string, raw []byte) *eval.Policy {
			doc, err := policy.Parse(raw, f.Path+"#"+what)
			if err != nil {
				t.Fatalf("%s: %v", what, err)
			}
			return eval.Compile(what, doc)
		}
		var ps eval.PolicySet
		for _, raw := range c.Policies.Identity {
			ps.Identity = append(ps.Identity, parse("identity", raw))
		}
		if !isNull(c.Policies.Resource) {
			ps.Resource = parse("resource", c.Policies.Resource)
		}
		if !isNull(c.Policies.Boundary) {
			ps.Boundary = parse("boundary", c.Policies.Boundary)
		}
		for _, raw := range c.Policies.SCPs {
			ps.SCPs = append(ps.SCPs, parse("scp", raw))
		}
		p, err := eval.ParsePrincipal(c.Request.Principal)
		if err != nil {
			t.Fatal(err)
		}
		ctx := eval.NewContext()
		for k, v := range c.Request.Context {
			ctx.Set(k, v...)
		}
		d := eval.Simulate(&ps, &eval.Request{Principal: p, Action: c.Request.Action, Resource: c.Request.Resource, Context: ctx})
		if got := d.Result.String(); got != c.Expect {
			t.Errorf("decision = %s (%s), want %s\ncase: %s", got, d.Reason, c.Expect, c.About)
		}
	})
}

func isNull(raw []byte) bool { return len(raw) == 0 || string(raw) == "null" }
