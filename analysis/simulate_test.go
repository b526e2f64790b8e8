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

// A role's session and a federated user act with temporary credentials,
// which always carry aws:MultiFactorAuthPresent: false unless MFA
// authenticated them; a user's long-term keys leave it out (IAM User Guide,
// "AWS global condition context keys", aws:MultiFactorAuthPresent: the
// "Deny, Bool, false" combination "denies requests that can be
// authenticated using MFA, but were not" and not those of long-term
// credentials). A session ARN does not carry its role's path (IAM User
// Guide, "IAM identifiers"): the role is the one aws:PrincipalArn gives, or
// the one the policies name, and aws:PrincipalArn is its ARN.
func TestSimulateSession(t *testing.T) {
	const (
		repo    = "arn:aws:ecr:us-east-1:111122223333:repository/app"
		session = "arn:aws:sts::111122223333:assumed-role/puller/s1"
		role    = "arn:aws:iam::111122223333:role/team/puller"
	)
	compile := func(name, text string) *eval.Policy {
		doc, err := policy.Parse([]byte(text), name)
		if err != nil {
			t.Fatal(err)
		}
		return eval.Compile(name, doc)
	}
	mfaDeny := compile("id.json", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"ecr:*","Resource":"*"},
		{"Effect":"Deny","Action":"ecr:DeleteRepository","Resource":"*","Condition":{"Bool":{"aws:MultiFactorAuthPresent":"false"}}}]}`)
	allowAll := compile("id.json", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"ecr:*","Resource":"*"}]}`)
	denyRole := compile("app.json", `{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Principal":{"AWS":"`+role+`"},"Action":"ecr:*"}]}`)
	denyTeam := compile("app.json", `{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Principal":"*","Action":"ecr:*","Condition":{"ArnLike":{"aws:PrincipalArn":"arn:aws:iam::*:role/team/*"}}}]}`)
	mfa := &eval.PolicySet{Identity: []*eval.Policy{mfaDeny}}
	for _, tc := range []struct {
		name, principal, action string
		ps                      *eval.PolicySet
		context                 []string
		want                    eval.Result
		principalARN, note      string
	}{
		{"session without MFA", session, "ecr:DeleteRepository", mfa, nil, eval.ExplicitDeny, "arn:aws:iam::111122223333:role/puller", ""},
		{"role without MFA", role, "ecr:DeleteRepository", mfa, nil, eval.ExplicitDeny, role, ""},
		{"federated user", "arn:aws:sts::111122223333:federated-user/bob", "ecr:DeleteRepository", mfa, nil, eval.ExplicitDeny, "", ""},
		{"session with MFA", session, "ecr:DeleteRepository", mfa, []string{"aws:MultiFactorAuthPresent=true"}, eval.Allow, "", ""},
		{"session with an MFA age", session, "ecr:DeleteRepository", mfa, []string{"aws:MultiFactorAuthAge=300"}, eval.Allow, "", ""},
		{"user's long-term keys", "arn:aws:iam::111122223333:user/bob", "ecr:DeleteRepository", mfa, nil, eval.Allow, "", ""},
		{"role named with its path", session, "ecr:BatchGetImage", &eval.PolicySet{Identity: []*eval.Policy{allowAll}, Resource: denyRole}, nil,
			eval.ExplicitDeny, role, "taken to be " + role + ", as the policies name it"},
		{"role given as aws:PrincipalArn", session, "ecr:BatchGetImage", &eval.PolicySet{Identity: []*eval.Policy{allowAll}, Resource: denyTeam},
			[]string{"aws:PrincipalArn=" + role}, eval.ExplicitDeny, role, ""},
		{"a path no policy names", session, "ecr:BatchGetImage", &eval.PolicySet{Identity: []*eval.Policy{allowAll}, Resource: denyTeam}, nil,
			eval.Allow, "arn:aws:iam::111122223333:role/puller", "a condition reads aws:PrincipalArn"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r, p, err := Request{Principal: tc.principal, Action: tc.action, Resource: repo, Context: tc.context}.Parse()
			if err != nil {
				t.Fatal(err)
			}
			sim, err := Simulate(tc.ps, r, p)
			if err != nil {
				t.Fatal(err)
			}
			if sim.Decision.Result != tc.want {
				t.Errorf("decision %v, want %v", sim.Decision.Result, tc.want)
			}
			if arn, _ := sim.Context.Get("aws:PrincipalArn"); tc.principalARN != "" && (len(arn) != 1 || arn[0] != tc.principalARN) {
				t.Errorf("aws:PrincipalArn = %v, want %s", arn, tc.principalARN)
			}
			if notes := strings.Join(sim.Notes, "\n"); tc.note == "" && notes != "" || !strings.Contains(notes, tc.note) {
				t.Errorf("notes %q, want %q", notes, tc.note)
			}
		})
	}
}
