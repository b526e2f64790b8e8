package report

import (
	"bytes"
	"testing"

	"github.com/ecrguard/ecrguard/analysis"
	"github.com/ecrguard/ecrguard/eval"
	"github.com/ecrguard/ecrguard/policy"
)

// The answers of who-can, in both formats: principals with and without
// conditions, policies and unread tags; nobody; and an incomplete answer,
// which says the list may miss principals.
func TestWhoCanGolden(t *testing.T) {
	const repo = "arn:aws:ecr:us-east-1:111122223333:repository/app"
	entries := []analysis.WhoCanEntry{
		{Principal: "*", Via: []string{"repository policy of app <&>"}, Conditions: []string{"aws:SourceIp = 10.0.0.0/8", "aws:PrincipalOrgID = o-abc"}},
		{Principal: "arn:aws:iam::111122223333:role/ci", Via: []string{"role ci", "group devs"}, UnreadTags: []string{"ecr:ResourceTag/team = platform"}},
		{Principal: "arn:aws:iam::444455556666:root", Conditions: []string{"x"}, UnreadTags: []string{"a = b", "c = d"}},
		{Principal: "service:ecr.amazonaws.com"},
	}
	for _, tc := range []struct {
		golden string
		write  func(*bytes.Buffer) error
	}{
		// JSON escapes no HTML, and lists are never null.
		{"whocan.json", func(b *bytes.Buffer) error { return WriteWhoCanJSON(b, "ecr:BatchGetImage", repo, entries) }},
		{"whocan-empty.json", func(b *bytes.Buffer) error { return WriteWhoCanJSON(b, "ecr:GetAuthorizationToken", "*", nil) }},
		{"whocan.txt", func(b *bytes.Buffer) error { return WriteWhoCanTable(b, "ecr:BatchGetImage", repo, entries, false) }},
		{"whocan-incomplete.txt", func(b *bytes.Buffer) error { return WriteWhoCanTable(b, "ecr:BatchGetImage", repo, entries, true) }},
		{"whocan-nobody.txt", func(b *bytes.Buffer) error { return WriteWhoCanTable(b, "ecr:DeleteRepository", repo, nil, false) }},
		{"whocan-nobody-incomplete.txt", func(b *bytes.Buffer) error { return WriteWhoCanTable(b, "ecr:DeleteRepository", repo, nil, true) }},
	} {
		t.Run(tc.golden, func(t *testing.T) {
			var b bytes.Buffer
			if err := tc.write(&b); err != nil {
				t.Fatal(err)
			}
			checkGolden(t, tc.golden, b.Bytes())
		})
	}
}

// The decisions of simulate, in both formats: an allow across accounts
// (with a multi-valued and an empty context key), an explicit deny by an
// SCP, an implicit deny, and an allow that rests on a statement assumed
// not to apply.
func TestDecisionGolden(t *testing.T) {
	compile := func(name, text string) *eval.Policy {
		doc, err := policy.Parse([]byte(text), name)
		if err != nil {
			t.Fatal(err)
		}
		return eval.Compile(name, doc)
	}
	const repo = "arn:aws:ecr:us-east-1:111122223333:repository/app"
	for _, tc := range []struct {
		name, principal, action string
		ps                      *eval.PolicySet
		context                 map[string][]string
	}{
		{"allow", "arn:aws:iam::444455556666:role/puller", "ecr:BatchGetImage", &eval.PolicySet{
			Identity: []*eval.Policy{compile("puller.json", `{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "ecr:BatchGetImage", "Resource": "*"}]}`)},
			Resource: compile("app.json", `{"Version": "2012-10-17", "Statement": [{"Sid": "PartnerPull", "Effect": "Allow", "Principal": {"AWS": "444455556666"}, "Action": ["ecr:BatchGetImage"]}]}`),
		}, map[string][]string{"aws:TagKeys": {}, "aws:SourceIp": {"10.0.0.1", "10.0.0.2"}, "aws:requesttag/Team": {"x"}, "my:OwnKey": {"1"}}},
		{"deny", "arn:aws:iam::111122223333:role/admin", "ecr:DeleteRepository", &eval.PolicySet{
			Identity: []*eval.Policy{compile("admin.json", `{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "ecr:*", "Resource": "*"}]}`)},
			SCPs:     []*eval.Policy{compile("scp.json", `{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}, {"Sid": "NoDelete", "Effect": "Deny", "Action": "ecr:DeleteRepository", "Resource": "*"}]}`)},
		}, nil},
		{"implicit", "arn:aws:iam::444455556666:role/puller", "ecr:BatchGetImage", &eval.PolicySet{}, nil},
		{"unknown", "arn:aws:iam::111122223333:role/x", "ecr:BatchGetImage", &eval.PolicySet{
			Resource: compile("deny.json", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"ecr:BatchGetImage"},{"Effect":"Deny","Principal":"*","Action":"ecr:BatchGetImage","Condition":{"StringEqualz":{"aws:PrincipalOrgID":"o-abc"}}}]}`),
		}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p, err := eval.ParsePrincipal(tc.principal)
			if err != nil {
				t.Fatal(err)
			}
			ctx := eval.NewContext()
			var written []string
			for k, v := range tc.context {
				ctx.Set(k, v...)
				written = append(written, k)
			}
			req := &eval.Request{Principal: p, Action: tc.action, Resource: repo, Context: ctx}
			d := eval.Simulate(tc.ps, req)
			full := ctx.Clone()
			eval.Derive(full, p)
			eval.DeriveResource(full, tc.ps, repo)
			var b bytes.Buffer
			if err := WriteDecisionJSON(&b, d); err != nil {
				t.Fatal(err)
			}
			checkGolden(t, "decision-"+tc.name+".json", b.Bytes())
			b.Reset()
			if err := WriteDecisionTable(&b, req, full, d, written); err != nil {
				t.Fatal(err)
			}
			checkGolden(t, "decision-"+tc.name+".txt", b.Bytes())
		})
	}
}
