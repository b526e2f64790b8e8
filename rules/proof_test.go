package rules_test

import (
	"regexp"
	"strings"
	"testing"

	"github.com/ecrguard/ecrguard/analysis"
	"github.com/ecrguard/ecrguard/estate"
	"github.com/ecrguard/ecrguard/eval"
	"github.com/ecrguard/ecrguard/internal/conformance"
	"github.com/ecrguard/ecrguard/policy"
	"github.com/ecrguard/ecrguard/rules"
)

// messageWithProof scans one repository policy of account 111122223333 and returns
// the message of the first finding of rule id, which must have a proof.
func messageWithProof(t *testing.T, id, doc string, s analysis.Settings) string {
	t.Helper()
	d, err := policy.Parse([]byte(doc), "app.json")
	if err != nil {
		t.Fatal(err)
	}
	est := estate.New()
	est.Account("111122223333").Region("us-east-1").Repository("app").SetPolicy(&estate.Policy{Name: "repository policy of app", Doc: d})
	for _, f := range rules.Run(est, s).Findings {
		if f.RuleID == id {
			if strings.Contains(f.Message, "Proof: ") {
				return f.Message
			}
			t.Fatalf("%s has no proof: %s", id, f.Message)
		}
	}
	t.Fatalf("%s did not fire", id)
	return ""
}

// TestProofWords checks that a proof says in words whom the callers and
// values ecrguard made up stand for, with the made-up value as the example.
func TestProofWords(t *testing.T) {
	stmt := func(principal, cond string) string {
		if cond != "" {
			cond = `, "Condition": ` + cond
		}
		return `{"Version": "2012-10-17", "Statement": [{"Sid": "S", "Effect": "Allow", "Principal": ` + principal +
			`, "Action": "ecr:BatchGetImage"` + cond + `}]}`
	}
	for _, tc := range []struct {
		name, rule, doc string
		settings        analysis.Settings
		want            string
	}{
		{"public", "ECR001", stmt(`"*"`, ""), analysis.Settings{},
			"any role in an account outside your zone of trust — ecrguard used arn:aws:iam::777766665555:role/… as the example — calling ecr:BatchGetImage is allowed."},
		{"named account", "ECR003", stmt(`{"AWS": "999988887777"}`, ""), analysis.Settings{},
			"any role in account 999988887777 — ecrguard used arn:aws:iam::999988887777:role/… as the example — calling ecr:BatchGetImage is allowed."},
		{"account pattern", "ECR003", stmt(`"*"`, `{"StringLike": {"aws:PrincipalAccount": "99998888*"}}`), analysis.Settings{},
			"any role in an account matching 99998888* — ecrguard used arn:aws:iam::999988880000:role/… as the example — calling ecr:BatchGetImage is allowed."},
		{"named role", "ECR003", stmt(`{"AWS": "arn:aws:iam::999988887777:role/deployer"}`, ""), analysis.Settings{},
			"arn:aws:iam::999988887777:role/deployer calling ecr:BatchGetImage is allowed."},
		{"role name picked by the outsider", "ECR001", stmt(`"*"`, `{"ArnLike": {"aws:PrincipalArn": "arn:aws:iam::*:role/ci-*"}}`), analysis.Settings{},
			"a role named ci-x in an account outside your zone of trust — ecrguard used arn:aws:iam::777766665555:role/ci-x as the example — calling ecr:BatchGetImage is allowed."},
		{"organization outside the zone", "ECR001", stmt(`"*"`, `{"StringLike": {"aws:PrincipalOrgID": "o-*"}}`), analysis.Settings{TrustedOrgIDs: []string{"o-a1b2c3d4e5"}},
			"with aws:PrincipalOrgID = an organization outside your zone of trust (ecrguard used o-ecrguard0000 as the example) is allowed."},
		{"service for any account", "ECR010", stmt(`{"Service": "codebuild.amazonaws.com"}`, ""), analysis.Settings{},
			"the AWS service codebuild.amazonaws.com, acting for any account (the request names none: no aws:SourceAccount or aws:SourceArn), calling ecr:BatchGetImage is allowed."},
		{"service for an outsider", "ECR003", stmt(`{"Service": "codebuild.amazonaws.com"}`, `{"StringEquals": {"aws:SourceOrgID": "o-9z8y7x6w5v"}}`), analysis.Settings{TrustedOrgIDs: []string{"o-a1b2c3d4e5"}},
			"the AWS service codebuild.amazonaws.com, acting for an account outside your zone of trust (ecrguard used 777766665555 as the example), calling ecr:BatchGetImage with aws:SourceOrgID = o-9z8y7x6w5v is allowed."},
		// The organization's own principals cannot: the finding says who can.
		{"service for an organization", "ECR003", stmt(`{"Service": "codebuild.amazonaws.com"}`, `{"StringEquals": {"aws:SourceOrgID": "o-9z8y7x6w5v"}}`), analysis.Settings{},
			"The AWS service codebuild.amazonaws.com, acting for the organization o-9z8y7x6w5v, which is not in the zone of trust, can perform pull (BatchGetImage)"},
		{"service for organizations of a pattern", "ECR003", stmt(`{"Service": "codebuild.amazonaws.com"}`, `{"StringLike": {"aws:SourceOrgID": "o-9z8y*"}}`), analysis.Settings{},
			"The AWS service codebuild.amazonaws.com, acting for some organizations whose id matches o-9z8y*, which are not in the zone of trust, can perform pull (BatchGetImage)"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := messageWithProof(t, tc.rule, tc.doc, tc.settings)
			if !strings.Contains(got, tc.want) {
				t.Errorf("proof\n got %s\nwant %s", got, tc.want)
			}
		})
	}
}

// madeUpCited matches a made-up value cited bare: an outsider's name,
// ecrguard's stand-in for any value, any service or a service's source.
var madeUpCited = regexp.MustCompile(`ecrguard-outsider|ecrguard-fresh|ecrguard-any-service|arn:aws:ecrguard:|ecrguard-session`)

// TestProofsExplainStandIns checks, over the exposure conformance corpus,
// that no message cites a made-up value bare, and that every made-up
// outsider account is said to be an example.
func TestProofsExplainStandIns(t *testing.T) {
	standIn := regexp.MustCompile(`77776666555[5-8]`)
	conformance.Run(t, "exposure", func(t *testing.T, f conformance.File) {
		c, est, _ := exposureCase(t, f)
		for _, fd := range rules.Check(analysis.Analyze(est, caseSettings(t, c.Config))).Findings {
			if m := madeUpCited.FindString(fd.Message); m != "" {
				t.Errorf("%s cites %s: %s", fd.RuleID, m, fd.Message)
			}
			for _, loc := range standIn.FindAllStringIndex(fd.Message, -1) {
				if rest := fd.Message[loc[1]:]; !regexp.MustCompile(`^\S* as the example`).MatchString(rest) {
					t.Errorf("%s cites %s without saying it is an example: %s", fd.RuleID, fd.Message[loc[0]:loc[1]], fd.Message)
				}
			}
		}
	})
}

// TestDetachedPolicyWords checks that an identity policy read from a raw
// file, attached to nobody ecrguard knows, is named as the file, and that
// its fix does not ask to authorize the policy's own name (no ARN matches
// it).
func TestDetachedPolicyWords(t *testing.T) {
	doc, err := policy.Parse([]byte(`{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "ecr:BatchDeleteImage", "Resource": "*"}]}`), "policies/idp.json")
	if err != nil {
		t.Fatal(err)
	}
	est := estate.New()
	acct := est.Account("111122223333")
	acct.Detached = append(acct.Detached, &estate.Policy{Name: "identity policy policies/idp.json", Doc: doc, Source: doc.Pos})
	var got *rules.Finding
	for _, f := range rules.Run(est, analysis.Settings{}).Findings {
		if f.RuleID == "ECR006" {
			got = &f
		}
	}
	if got == nil {
		t.Fatal("ECR006 did not fire")
	}
	if name, ok := rules.DetachedPolicy(got.Resource); !ok || name != "identity policy policies/idp.json" {
		t.Errorf("DetachedPolicy(%q) = %q, %v", got.Resource, name, ok)
	}
	for _, want := range []string{"Any principal that the identity policy file policies/idp.json is attached to can delete"} {
		if !strings.Contains(got.Message, want) {
			t.Errorf("message %q\nlacks %q", got.Message, want)
		}
	}
	for _, want := range []string{"from the identity policy file policies/idp.json", "if the principals it is attached to should delete, add their ARNs to authorized.delete"} {
		if !strings.Contains(got.Remediation, want) {
			t.Errorf("fix %q\nlacks %q", got.Remediation, want)
		}
	}
	if strings.Contains(got.Remediation, "policy:") {
		t.Errorf("fix names the policy as a principal: %s", got.Remediation)
	}
}

// A role's proof made as one of its sessions a policy names is that
// session's; one made as a session of another name is the role's.
func TestProofOfASession(t *testing.T) {
	role := eval.Principal{Type: eval.Role, ARN: "arn:aws:iam::999988887777:role/build/deployer", Account: "999988887777"}
	for session, want := range map[string]string{
		"ci": "arn:aws:sts::999988887777:assumed-role/deployer/ci calling ecr:BatchGetImage is allowed",
		"":   "arn:aws:iam::999988887777:role/build/deployer calling ecr:BatchGetImage is allowed",
		// The name that stands for every name no policy lists.
		eval.FreshValue: "arn:aws:iam::999988887777:role/build/deployer calling ecr:BatchGetImage is allowed",
	} {
		p := role
		p.Session = session
		w := &eval.Witness{Request: eval.Request{Principal: p, Action: "ecr:BatchGetImage", Resource: "arn:aws:ecr:us-east-1:111122223333:repository/app"}}
		if got := rules.DescribeProof(w, "ecr:BatchGetImage"); got != want {
			t.Errorf("session %q:\n got %s\nwant %s", session, got, want)
		}
	}
}
