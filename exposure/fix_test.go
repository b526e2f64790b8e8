package exposure

import (
	"strings"
	"testing"

	"github.com/ecrguard/ecrguard/eval"
	"github.com/ecrguard/ecrguard/policy"
)

func target(t *testing.T, text string) Target {
	t.Helper()
	doc, err := policy.Parse([]byte(text), "app.json")
	if err != nil {
		t.Fatal(err)
	}
	return Target{Kind: Repository, ARN: "arn:aws:ecr:us-east-1:111122223333:repository/app", Account: "111122223333",
		Region: "us-east-1", Repository: "app", Policy: eval.Compile("app", doc)}
}

// TestProposeFixCloses checks that the proposed guard closes public,
// cross-account and confused-deputy access, and that ecrguard proves it by
// analysing the fixed policy.
func TestProposeFixCloses(t *testing.T) {
	zone := Zone{Account: "111122223333", Accounts: []string{"444455556666"}, OrgIDs: []string{"o-a1b2c3d4e5"}}
	tests := []struct {
		name, policy string
	}{
		{"public", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"ecr:*"}]}`},
		{"untrusted account", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"999988887777"},"Action":["ecr:BatchGetImage","ecr:SetRepositoryPolicy"]}]}`},
		{"service deputy", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"codebuild.amazonaws.com"},"Action":"ecr:BatchGetImage"}]}`},
		{"useless condition", `{"Version":"2012-10-17","Statement":[{"Sid":"Tls","Effect":"Allow","Principal":"*","Action":"ecr:BatchGetImage","Condition":{"Bool":{"aws:SecureTransport":"true"}}}]}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tg := target(t, tt.policy)
			r := Analyze(tg, zone)
			fix, err := ProposeFix(r, zone)
			if err != nil {
				t.Fatal(err)
			}
			if fix == nil || fix.Before.Empty() {
				t.Fatal("expected outsiders to have access before the fix")
			}
			if !fix.Closed() {
				t.Errorf("fix leaves %v open:\n%s", fix.After, fix.JSON)
			}
			if !strings.Contains(string(fix.JSON), GuardSid) {
				t.Errorf("fixed policy lacks the guard:\n%s", fix.JSON)
			}
			// Access inside the zone survives: the partner and the org.
			inside := Analyze(Target{Kind: tg.Kind, ARN: tg.ARN, Account: tg.Account, Region: tg.Region, Repository: tg.Repository,
				Policy: eval.Compile("fixed", fix.Doc)}, Zone{Account: "111122223333"})
			// Judged with a zone that no longer trusts them, the partner and
			// the organization show up as outsiders: the guard let them in.
			if tt.name == "public" && (inside.Accounts["444455556666"] == nil || inside.Orgs["o-a1b2c3d4e5"] == nil) {
				t.Errorf("the guard shut out the trusted partner or organization: accounts=%v orgs=%v", inside.Accounts, inside.Orgs)
			}
		})
	}
}

func TestProposeFixNothingOpen(t *testing.T) {
	r := Analyze(target(t, `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"111122223333"},"Action":"ecr:*"}]}`), Zone{Account: "111122223333"})
	fix, err := ProposeFix(r, Zone{Account: "111122223333"})
	if err != nil || fix != nil {
		t.Fatalf("nothing is open, want no fix; got %v, %v", fix, err)
	}
}
