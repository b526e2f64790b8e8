package exposure

import (
	"fmt"
	"sort"
	"strings"
	"testing"

	"github.com/ecrguard/ecrguard/eval"
	"github.com/ecrguard/ecrguard/internal/gen"
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

// TestFixJSONDecodesToTheVerifiedPolicy checks, over the generated policy
// mix and the cases above, that the fix's JSON decodes to a policy whose
// analysis is the one ProposeFix verified on the document itself: what a
// user applies is what ecrguard proved.
func TestFixJSONDecodesToTheVerifiedPolicy(t *testing.T) {
	zone := Zone{Account: gen.Owner, Accounts: []string{gen.Partner}, OrgIDs: []string{gen.OrgID}}
	docs := gen.RepositoryPolicies(200, 7)
	docs["deputy"] = []byte(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"codebuild.amazonaws.com"},"Action":"ecr:BatchGetImage"}]}`)
	names := make([]string, 0, len(docs))
	for n := range docs {
		names = append(names, n)
	}
	sort.Strings(names)
	fixes := 0
	for _, n := range names {
		doc, err := policy.Parse(docs[n], n)
		if err != nil {
			t.Fatal(err)
		}
		tg := Target{Kind: Repository, ARN: "arn:aws:ecr:us-east-1:" + gen.Owner + ":repository/" + n, Account: gen.Owner,
			Region: "us-east-1", Repository: n, Policy: eval.Compile(n, doc)}
		fix, err := ProposeFix(Analyze(tg, zone), zone)
		if err != nil {
			t.Fatal(err)
		}
		if fix == nil {
			continue
		}
		fixes++
		// The zone holds the owner: the guards never deny it.
		if fix.Unproven != "" {
			t.Errorf("%s: fix not proven for the owner: %s\n%s", n, fix.Unproven, fix.JSON)
		}
		decoded, err := policy.Parse(fix.JSON, n+" (fixed)")
		if err != nil {
			t.Fatalf("%s: fix does not decode: %v\n%s", n, err, fix.JSON)
		}
		tg.Policy = eval.Compile(n, decoded)
		if got := outsiderActions(Analyze(tg, zone)); got != fix.After {
			t.Errorf("%s: decoded fix leaves %v to outsiders, the verified one %v\n%s", n, got, fix.After, fix.JSON)
		}
	}
	if fixes < 20 {
		t.Errorf("only %d of %d policies needed a fix; the mix no longer exercises fixes", fixes, len(names))
	}
}

// UnsupportedAllow names the statement once: statement "Sid", or statement
// #N without a Sid (it once read statement "statement #1").
func TestUnsupportedAllowNamesTheStatement(t *testing.T) {
	for sid, want := range map[string]string{"": "statement #1 combines", "Everyone": `statement "Everyone" combines`} {
		s := &policy.Statement{Sid: sid, Effect: policy.Allow, NotPrincipal: &policy.Principal{}}
		if got := UnsupportedAllow([]*policy.Statement{s}); !strings.HasPrefix(got, want) {
			t.Errorf("Sid %q: %q, want it to start %q", sid, got, want)
		}
	}
}

// TestFixOwnerCheckCountsOUPaths: the check that a fix takes nothing from
// the owner tries the owner's requests from every OU path the guards set
// apart; when the trusted paths' patterns split the organization into more
// cases than ecrguard tries, the fix is not called proven.
func TestFixOwnerCheckCountsOUPaths(t *testing.T) {
	for _, tt := range []struct {
		paths    int
		unproven string
	}{
		{4, ""},
		{8, "the owner account's requests combine into more contexts than ecrguard tries"},
	} {
		var paths []string
		for i := range tt.paths {
			paths = append(paths, fmt.Sprintf("o-a1b2c3d4e5/r-ab12/*ou-a1b2-%08d/", i))
		}
		zone := Zone{Account: "111122223333", OrgPaths: paths}
		r := Analyze(target(t, `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"ecr:BatchGetImage"}]}`), zone)
		fix, err := ProposeFix(r, zone)
		if err != nil || fix == nil {
			t.Fatalf("%d paths: fix %v, %v", tt.paths, fix, err)
		}
		if tt.unproven == "" && fix.Unproven != "" || !strings.Contains(fix.Unproven, tt.unproven) {
			t.Errorf("%d trusted paths: unproven = %q, want %q", tt.paths, fix.Unproven, tt.unproven)
		}
	}
}
