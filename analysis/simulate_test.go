package analysis

import (
	"strings"
	"testing"

	"github.com/ecrguard/ecrguard/eval"
	"github.com/ecrguard/ecrguard/policy"
)

func TestRequestParse(t *testing.T) {
	ok := Request{Principal: "arn:aws:iam::444455556666:role/puller", Action: "ECR:batchgetimage", Resource: "arn:aws:ecr:us-east-1:111122223333:repository/app"}
	r, p, err := ok.Parse()
	if err != nil {
		t.Fatal(err)
	}
	if r.Action != "ecr:BatchGetImage" || p.Account != "444455556666" {
		t.Errorf("parsed %q, principal account %q", r.Action, p.Account)
	}
	// An action of a service the catalog does not hold is evaluated as
	// given.
	if r, _, err := (Request{Principal: "111122223333", Action: "s3:GetObject", Resource: "*"}).Parse(); err != nil || r.Action != "s3:GetObject" {
		t.Errorf("s3:GetObject: %q, %v", r.Action, err)
	}
	for _, tt := range []struct {
		edit func(*Request)
		want string
	}{
		{func(r *Request) { r.Action, r.Principal = "", "" }, "simulate needs --action, --principal"},
		{func(r *Request) { r.Principal = "nobody" }, "--principal:"},
		{func(r *Request) { r.Resource = "app" }, `--resource "app": expected an ARN`},
		{func(r *Request) { r.Action = "ecr:*" }, "no wildcards"},
		{func(r *Request) { r.Action = "ecr:DeleteRepo" }, "did you mean ecr:DeleteRepository?"},
		{func(r *Request) { r.Context = []string{"aws:SourceIp"} }, "expected KEY=VALUE"},
		// A request's resource is what its action's resource types allow
		// (Service Authorization Reference): a repository policy does not
		// govern ecr:GetAuthorizationToken, whose request is on "*", and
		// a push names its repository.
		{func(r *Request) { r.Action = "ecr:GetAuthorizationToken" }, "ecr:GetAuthorizationToken has no resource type"},
		{func(r *Request) { r.Resource = "*" }, "ecr:BatchGetImage acts on a repository: give its ARN"},
	} {
		r := ok
		tt.edit(&r)
		if _, _, err := r.Parse(); err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%+v: error %v, want %q", r, err, tt.want)
		}
	}
}

// IAM User Guide, "Cross-account policy evaluation logic": the caller's
// account must allow a cross-account request too, so with no identity
// policy given the answer says so.
func TestSimulate(t *testing.T) {
	doc, err := policy.Parse([]byte(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"444455556666"},"Action":"ecr:BatchGetImage","Condition":{"StringEquals":{"aws:SourceVpc":["vpc-1","vpc-2"]}}}]}`), "app.json")
	if err != nil {
		t.Fatal(err)
	}
	ps := &eval.PolicySet{Resource: eval.Compile("app.json", doc)}
	r, p, err := Request{Principal: "arn:aws:iam::444455556666:role/puller", Action: "ecr:BatchGetImage",
		Resource: "arn:aws:ecr:us-east-1:111122223333:repository/app", Context: []string{"aws:SourceVpc=vpc-2", "aws:SourceVpc=vpc-9"},
		ContextJSON: []byte(`{"aws:SecureTransport":"true"}`), ContextFile: "ctx.json"}.Parse()
	if err != nil {
		t.Fatal(err)
	}
	sim, err := Simulate(ps, r, p)
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(sim.Written, ","); got != "aws:SecureTransport,aws:SourceVpc" {
		t.Errorf("written keys %s", got)
	}
	if vs, _ := sim.Request.Context.Get("aws:SourceVpc"); len(vs) != 2 {
		t.Errorf("aws:SourceVpc = %v, want two values", vs)
	}
	if vs, _ := sim.Context.Get("aws:PrincipalAccount"); len(vs) != 1 || vs[0] != "444455556666" {
		t.Errorf("derived aws:PrincipalAccount = %v", vs)
	}
	if len(sim.Notes) != 1 || !strings.Contains(sim.Notes[0], "cross-account request") {
		t.Errorf("notes %q", sim.Notes)
	}
	if _, err := Simulate(ps, Request{ContextJSON: []byte(`{"k":`), ContextFile: "bad.json"}, p); err == nil || !strings.Contains(err.Error(), "bad.json") {
		t.Errorf("a broken context file: %v", err)
	}
}
