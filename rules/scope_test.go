package rules_test

import (
	"strings"
	"testing"

	"github.com/ecrguard/ecrguard/analysis"
	"github.com/ecrguard/ecrguard/estate"
	"github.com/ecrguard/ecrguard/rules"
)

// TestUnknownScopeJudgedBothWays follows the Amazon ECR User Guide,
// "Private registry permissions" (REGISTRY_POLICY_SCOPE): under V1 the
// registry policy governs only ReplicateImage, BatchImportUpstreamImage
// and CreateRepository; under V2 every ECR action. A scope that could not
// be read is judged under both: a gap only when the findings differ.
func TestUnknownScopeJudgedBothWays(t *testing.T) {
	const account, region = "111122223333", "us-east-1"
	scopeGap := estate.Gap{Source: estate.ScopeAPI, Account: account, Region: region, Resource: estate.RegistryARN(region, account),
		Code: "AccessDeniedException", Message: "registry policy scope not read (judged under both V1 and V2: a gap only if they differ): not authorized"}
	tests := []struct {
		name     string
		registry string // the registry policy, "" for none
		wantGap  bool
	}{
		{"no registry policy", "", false},
		{"a grant of replication only, governed under both", `{"Version":"2012-10-17","Statement":[{"Sid":"Replicate","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::444455556666:root"},"Action":["ecr:ReplicateImage","ecr:CreateRepository"],"Resource":"*"}]}`, false},
		{"a grant of pulls, governed only under V2", `{"Version":"2012-10-17","Statement":[{"Sid":"PartnerPull","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::444455556666:root"},"Action":["ecr:BatchGetImage","ecr:GetDownloadUrlForLayer"],"Resource":"*"}]}`, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			est := estate.New()
			reg := est.Account(account).Region(region)
			reg.Repository("app").SetPolicy(nil)
			if tt.registry != "" {
				doc := mustParse(t, tt.registry, "registry.json")
				reg.Registry.SetPolicy(&estate.Policy{Name: "registry policy", Doc: doc, Source: doc.Pos})
			}
			est.AddGap(scopeGap)
			res := rules.Run(est, analysis.Settings{})
			if tt.registry != "" && len(res.Findings) == 0 {
				t.Error("no finding on the registry policy's grant to another account")
			}
			if reg.Registry.Scope != "" {
				t.Errorf("the estate's scope is %q after the scan, want it unknown as read", reg.Registry.Scope)
			}
			var gaps, notes []string
			for _, g := range res.Gaps {
				gaps = append(gaps, g.Message)
			}
			for _, n := range res.Notes {
				if n.Source == estate.ScopeAPI {
					notes = append(notes, n.Message)
				}
			}
			if tt.wantGap {
				if len(gaps) != 1 || !strings.Contains(gaps[0], "the findings differ under V1 and V2") || len(notes) != 0 {
					t.Errorf("gaps %q, notes %q; want the scope gap, saying the findings differ", gaps, notes)
				}
				return
			}
			if len(gaps) != 0 || len(notes) != 1 || !strings.Contains(notes[0], "judged under both V1 and V2 the findings are the same") ||
				!strings.Contains(notes[0], "AccessDeniedException") {
				t.Errorf("gaps %q, notes %q; want no gap and one note on the scope", gaps, notes)
			}
			if res.ExitCode(rules.High, false) == rules.ExitIncomplete {
				t.Error("exit code 2 for a scope that cannot change the answer")
			}
		})
	}
}

// A statement that treats one IAM principal apart by its unique id, whose
// account ecrguard cannot tell, gets a note: no outsider ecrguard judges
// has that id, so its access is not in the report.
func TestUniqueIDNote(t *testing.T) {
	const grant = `{"Version": "2012-10-17", "Statement": [{"Sid": "Partner", "Effect": "Allow", "Principal": "*", "Action": "ecr:BatchGetImage",
		"Condition": {"StringLike": {"aws:userid": "%s"}}}]}`
	for _, tc := range []struct {
		name, value string
		ownRole     bool // the inputs hold the role with that id
		want        bool
	}{
		{"a role's id", "AROAPARTNERROLE12345:*", false, true},
		{"a user's id", "AIDAPARTNERUSER12345", false, true},
		{"one of the inputs' roles", "AROAPARTNERROLE12345:*", true, false},
		{"a pattern over ids", "AROA*:ci", false, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			doc := mustParse(t, strings.Replace(grant, "%s", tc.value, 1), "app.json")
			est := estate.New()
			acct := est.Account("111122223333")
			acct.Region("us-east-1").Repository("app").SetPolicy(&estate.Policy{Name: "repository policy of app", Doc: doc})
			if tc.ownRole {
				acct.IAM = &estate.IAM{Roles: []*estate.Role{{Identity: estate.Identity{Name: "partner", ARN: "arn:aws:iam::111122223333:role/partner", ID: "AROAPARTNERROLE12345"}}}}
			}
			var got []string
			for _, n := range rules.Run(est, analysis.Settings{}).Notes {
				if strings.Contains(n.Message, "compares aws:userid with") {
					got = append(got, n.Source+": "+n.Message)
				}
			}
			if (len(got) > 0) != tc.want {
				t.Fatalf("notes %q, want one: %v", got, tc.want)
			}
			if tc.want && (!strings.Contains(got[0], tc.value) || !strings.Contains(got[0], `"Partner" (line 1)`) || !strings.HasPrefix(got[0], "arn:aws:ecr:us-east-1:111122223333:repository/app: ")) {
				t.Errorf("the note does not name the repository, the statement and the id: %s", got[0])
			}
		})
	}
}

// The same for an identity policy of a role whose id the inputs do not
// give (Terraform): the id may be the role's own.
func TestUniqueIDNoteIdentityPolicy(t *testing.T) {
	doc := mustParse(t, `{"Version": "2012-10-17", "Statement": [{"Sid": "Self", "Effect": "Deny", "Action": "ecr:*", "Resource": "*",
		"Condition": {"StringNotLike": {"aws:userid": "AROAABCDEFGHIJKLMN:*"}}}]}`, "main.tf")
	est := estate.New()
	acct := est.Account("111122223333")
	acct.Region("us-east-1").Repository("app")
	acct.IAM = &estate.IAM{Roles: []*estate.Role{{Identity: estate.Identity{Name: "ci", ARN: "arn:aws:iam::111122223333:role/ci",
		Inline: []*estate.Policy{{Name: "inline policy Self of role/ci", Doc: doc}}}}}}
	var got []string
	for _, n := range rules.Run(est, analysis.Settings{}).Notes {
		if strings.Contains(n.Message, "compares aws:userid with") {
			got = append(got, n.Source+": "+n.Message)
		}
	}
	if len(got) != 1 || !strings.HasPrefix(got[0], `arn:aws:iam::111122223333:role/ci: statement "Self" (line 1) of inline policy Self of role/ci compares aws:userid with AROAABCDEFGHIJKLMN:*`) {
		t.Errorf("notes %q, want one on role/ci naming its statement", got)
	}
}
