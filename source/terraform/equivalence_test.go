package terraform

import (
	"os"
	"testing"

	"github.com/ecrguard/ecrguard/estate"
	"github.com/ecrguard/ecrguard/internal/iacdoc/iacdoctest"
	"github.com/ecrguard/ecrguard/policy"
)

func loadEquivalence(t *testing.T) *estate.Estate {
	t.Helper()
	est, err := LoadModule(os.DirFS("../../testdata/iac"), "terraform", Options{Account: iacdoctest.Account})
	if err != nil {
		t.Fatal(err)
	}
	return est
}

func loadPlan(t *testing.T, opts Options) *estate.Estate {
	t.Helper()
	data, err := os.ReadFile("../../testdata/iac/plan/plan.json")
	if err != nil {
		t.Fatal(err)
	}
	est, err := LoadPlan(data, "../../testdata/iac/plan/plan.json", opts)
	if err != nil {
		t.Fatal(err)
	}
	return est
}

// The policies of testdata/iac/raw, written in a module's .tf files
// (jsonencode, aws_iam_policy_document with a source document, a heredoc,
// file(), templatefile(), locals and references), read the same as their
// raw JSON form.
func TestModuleEquivalence(t *testing.T) {
	iacdoctest.Equivalent(t, loadEquivalence(t), iacdoctest.References(t, "../.."))
}

// The same policies in a plan's JSON (the account found in the plan's
// prior state: no Options needed).
func TestPlanEquivalence(t *testing.T) {
	iacdoctest.Equivalent(t, loadPlan(t, Options{}), iacdoctest.References(t, "../.."))
}

func repo(t *testing.T, est *estate.Estate, name string) *estate.Repository {
	t.Helper()
	for _, r := range est.Account(iacdoctest.Account).Region(iacdoctest.Region).Repositories() {
		if r.Name == name {
			return r
		}
	}
	t.Fatalf("no repository %q", name)
	return nil
}

// Positions point at the HCL a developer must change: the statement object
// (or block), and each element's own line, whatever form the policy is
// written in.
func TestModulePositions(t *testing.T) {
	est := loadEquivalence(t)
	tests := []struct {
		repo, sid string
		what      string
		got       func(*policy.Statement) policy.Pos
		want      string
	}{
		// jsonencode: the statement object's line.
		{"public-app", "PublicPull", "statement", func(s *policy.Statement) policy.Pos { return s.Pos }, "terraform/policies.tf:7:7"},
		// aws_iam_policy_document: the statement block and its attributes.
		{"secure-transport", "AnyoneOverTLS", "statement", func(s *policy.Statement) policy.Pos { return s.Pos }, "terraform/policies.tf:19:3"},
		{"secure-transport", "AnyoneOverTLS", "principal", func(s *policy.Statement) policy.Pos { return s.Principal.Entries[0].Value.Pos }, "terraform/policies.tf:24:22"},
		{"secure-transport", "AnyoneOverTLS", "condition key", func(s *policy.Statement) policy.Pos { return s.Conditions[0].Pos }, "terraform/policies.tf:28:18"},
		// A flush heredoc: lines and columns of the source.
		{"partner", "PartnerPull", "statement", func(s *policy.Statement) policy.Pos { return s.Pos }, "terraform/policies.tf:46:9"},
		{"partner", "PartnerPull", "principal", func(s *policy.Statement) policy.Pos { return s.Principal.Entries[0].Value.Pos }, "terraform/policies.tf:49:32"},
		{"partner", "PartnerPull", "third action", func(s *policy.Statement) policy.Pos { return s.Action[2].Pos }, "terraform/policies.tf:53:13"},
		// file() and templatefile(): positions in the file read.
		{"policy-admin", "PartnerManagesPolicy", "statement", func(s *policy.Statement) policy.Pos { return s.Pos }, "terraform/policies/policy-admin.json:4:5"},
		{"service", "CodeBuildPull", "principal", func(s *policy.Statement) policy.Pos { return s.Principal.Entries[0].Value.Pos }, "terraform/policies/service.json.tpl:7:32"},
		// A statement merged from a source_policy_documents document keeps
		// the position of its own block.
		{"not-principal", "AccountUse", "statement", func(s *policy.Statement) policy.Pos { return s.Pos }, "terraform/policies.tf:102:3"},
		{"not-principal", "OnlyAdminDeletes", "second NotPrincipal", func(s *policy.Statement) policy.Pos { return s.NotPrincipal.Entries[1].Value.Pos }, "terraform/policies.tf:122:9"},
		{"invalid", "AllowNotPrincipal", "statement", func(s *policy.Statement) policy.Pos { return s.Pos }, "terraform/policies.tf:85:3"},
		{"invalid", "Typo", "action", func(s *policy.Statement) policy.Pos { return s.Action[0].Pos }, "terraform/policies.tf:79:16"},
	}
	for _, tc := range tests {
		t.Run(tc.repo+"/"+tc.sid+"/"+tc.what, func(t *testing.T) {
			if got := tc.got(iacdoctest.Statement(t, repo(t, est, tc.repo), tc.sid)).String(); got != tc.want {
				t.Errorf("%s at %s, want %s", tc.what, got, tc.want)
			}
		})
	}
	if got := repo(t, est, "partner").Source.String(); got != "terraform/repositories.tf:12:1" {
		t.Errorf("repository partner defined at %s, want terraform/repositories.tf:12:1", got)
	}
}

// Positions in a plan point into the plan file.
func TestPlanPositions(t *testing.T) {
	est := loadPlan(t, Options{})
	s := iacdoctest.Statement(t, repo(t, est, "partner"), "PartnerPull")
	if s.Pos.File != "../../testdata/iac/plan/plan.json" || s.Pos.Line != 222 || s.Pos.Col != 83 {
		t.Errorf("statement at %s, want ../../testdata/iac/plan/plan.json:222:83 (the statement inside the policy string)", s.Pos)
	}
	if got := repo(t, est, "partner").Policy.Name; got != "aws_ecr_repository_policy.partner" {
		t.Errorf("policy named %q, want the resource address", got)
	}
}

func TestModuleEstate(t *testing.T) {
	est := loadEquivalence(t)
	if len(est.Gaps) != 0 {
		t.Errorf("gaps: %v", est.Gaps)
	}
	r := repo(t, est, "no-policy")
	if r.PolicyState != estate.NoPolicy {
		t.Errorf("no-policy: state %d, want NoPolicy", r.PolicyState)
	}
	if p := repo(t, est, "partner"); p.ImageTagMutability != "IMMUTABLE" || p.ScanOnPush == nil || !*p.ScanOnPush {
		t.Errorf("partner settings: %+v", p)
	}
	if st := repo(t, est, "secure-transport"); !st.TagsKnown || st.Tags["team"] != "platform" {
		t.Errorf("secure-transport tags %v (known %v)", st.Tags, st.TagsKnown)
	}
	reg := est.Account(iacdoctest.Account).Region(iacdoctest.Region).Registry
	if len(reg.Replication) != 1 || reg.Replication[0] != (estate.ReplicationDestination{Account: "999988887777", Region: "us-west-2"}) {
		t.Errorf("replication %v", reg.Replication)
	}
	iam := est.Account(iacdoctest.Account).IAM
	if iam == nil || len(iam.Roles) != 2 || len(iam.Policies) != 1 {
		t.Fatalf("IAM %+v", iam)
	}
	for _, role := range iam.Roles {
		if role.Trust == nil {
			t.Errorf("role %s has no trust policy", role.Name)
		}
	}
	if got := iam.Roles[1].ARN; got != "arn:aws:iam::111122223333:role/cleanup" {
		t.Errorf("role ARN %s", got)
	}
	if got := iam.Roles[1].Attached; len(got) != 1 || got[0] != "arn:aws:iam::111122223333:policy/cleanup" {
		t.Errorf("cleanup attached %v", got)
	}
}
