package terraform

import (
	"strings"
	"testing"

	"github.com/ecrguard/ecrguard/estate"
)

// newResourcesPlan is `terraform show -json` of a plan that creates an RCP
// attached to the account, a repository creation template and an ECR
// Public repository with its policy (shaped as Terraform 1.9 writes it).
const newResourcesPlan = `{
  "format_version": "1.2",
  "terraform_version": "1.9.5",
  "planned_values": {
    "root_module": {
      "resources": [
        {
          "address": "aws_organizations_policy.perimeter",
          "mode": "managed",
          "type": "aws_organizations_policy",
          "name": "perimeter",
          "provider_name": "registry.terraform.io/hashicorp/aws",
          "schema_version": 0,
          "values": {
            "name": "identity-perimeter",
            "type": "RESOURCE_CONTROL_POLICY",
            "content": "{\"Statement\":[{\"Action\":\"ecr:*\",\"Condition\":{\"StringNotEqualsIfExists\":{\"aws:PrincipalOrgID\":\"o-exampleorgid\"}},\"Effect\":\"Deny\",\"Principal\":\"*\",\"Resource\":\"*\"}],\"Version\":\"2012-10-17\"}",
            "skip_destroy": null,
            "tags": null
          }
        },
        {
          "address": "aws_organizations_policy_attachment.account",
          "mode": "managed",
          "type": "aws_organizations_policy_attachment",
          "name": "account",
          "provider_name": "registry.terraform.io/hashicorp/aws",
          "schema_version": 0,
          "values": {
            "target_id": "111122223333",
            "skip_destroy": null
          }
        },
        {
          "address": "aws_ecr_repository_creation_template.hub",
          "mode": "managed",
          "type": "aws_ecr_repository_creation_template",
          "name": "hub",
          "provider_name": "registry.terraform.io/hashicorp/aws",
          "schema_version": 0,
          "values": {
            "prefix": "docker-hub",
            "applied_for": ["PULL_THROUGH_CACHE"],
            "repository_policy": "{\"Statement\":[{\"Action\":\"ecr:BatchGetImage\",\"Effect\":\"Allow\",\"Principal\":\"*\",\"Sid\":\"Pull\"}],\"Version\":\"2012-10-17\"}",
            "image_tag_mutability": "MUTABLE"
          }
        },
        {
          "address": "aws_ecrpublic_repository.tools",
          "mode": "managed",
          "type": "aws_ecrpublic_repository",
          "name": "tools",
          "provider_name": "registry.terraform.io/hashicorp/aws",
          "schema_version": 0,
          "values": {
            "repository_name": "tools",
            "force_destroy": null
          }
        },
        {
          "address": "aws_ecrpublic_repository_policy.tools",
          "mode": "managed",
          "type": "aws_ecrpublic_repository_policy",
          "name": "tools",
          "provider_name": "registry.terraform.io/hashicorp/aws",
          "schema_version": 0,
          "values": {
            "repository_name": "tools",
            "policy": "{\"Statement\":[{\"Action\":\"ecr-public:PutImage\",\"Effect\":\"Allow\",\"Principal\":\"*\",\"Sid\":\"Push\"}],\"Version\":\"2012-10-17\"}"
          }
        }
      ]
    }
  },
  "resource_changes": [
    {
      "address": "aws_organizations_policy_attachment.account",
      "mode": "managed",
      "type": "aws_organizations_policy_attachment",
      "name": "account",
      "change": {"actions": ["create"], "before": null, "after": {"target_id": "111122223333"}, "after_unknown": {"id": true, "policy_id": true}}
    }
  ],
  "configuration": {
    "root_module": {
      "resources": [
        {
          "address": "aws_organizations_policy_attachment.account",
          "mode": "managed",
          "type": "aws_organizations_policy_attachment",
          "name": "account",
          "expressions": {
            "policy_id": {"references": ["aws_organizations_policy.perimeter.id", "aws_organizations_policy.perimeter"]},
            "target_id": {"constant_value": "111122223333"}
          }
        }
      ]
    }
  }
}`

// TestPlanNewResources: a plan's RCP, creation template and ECR Public
// repository read as a module's do, positioned in the plan file.
func TestPlanNewResources(t *testing.T) {
	est, err := LoadPlan([]byte(newResourcesPlan), "plan.json", Options{Account: acct})
	if err != nil {
		t.Fatal(err)
	}
	if len(est.Gaps) != 0 {
		t.Fatalf("gaps %v", est.Gaps)
	}
	a := est.Account(acct)
	if !a.RCPsKnown || len(a.RCPs) != 1 || a.RCPs[0].Source.File != "plan.json" {
		t.Errorf("RCPs %+v (known %v)", a.RCPs, a.RCPsKnown)
	}
	tp := a.Region("us-east-1").Template("docker-hub")
	if tp.PolicyState != estate.HasPolicy || strings.Join(tp.AppliedFor, ",") != "PULL_THROUGH_CACHE" || tp.Policy.Doc.Statements[0].Sid != "Pull" || tp.Policy.Doc.Statements[0].Pos.File != "plan.json" {
		t.Errorf("template docker-hub: %+v", tp)
	}
	if len(a.Public) != 1 || a.Public[0].Name != "tools" || a.Public[0].PolicyState != estate.HasPolicy || a.Public[0].Policy.Doc.Statements[0].Sid != "Push" {
		t.Errorf("public repositories %+v", a.Public)
	}
}

// TestTerraformJSONNewResources: the same resources in Terraform's JSON
// syntax (CDK for Terraform), positioned in the .tf.json file.
func TestTerraformJSONNewResources(t *testing.T) {
	est := load(t, map[string]string{"cdk.tf.json": `{
  "resource": {
    "aws_ecr_repository_creation_template": {
      "hub": {
        "prefix": "docker-hub",
        "applied_for": ["PULL_THROUGH_CACHE"],
        "encryption_configuration": {"encryption_type": "AES256"},
        "repository_policy": "${jsonencode({Version = \"2012-10-17\", Statement = [{Sid = \"Pull\", Effect = \"Allow\", Principal = \"*\", Action = \"ecr:BatchGetImage\"}]})}"
      }
    },
    "aws_ecrpublic_repository": {
      "tools": {"repository_name": "tools"}
    },
    "aws_ecrpublic_repository_policy": {
      "tools": {
        "repository_name": "${aws_ecrpublic_repository.tools.repository_name}",
        "policy": "${jsonencode({Version = \"2012-10-17\", Statement = [{Sid = \"Push\", Effect = \"Allow\", Principal = \"*\", Action = \"ecr-public:PutImage\"}]})}"
      }
    }
  }
}`}, Options{Account: acct})
	if len(est.Gaps) != 0 {
		t.Fatalf("gaps %v", est.Gaps)
	}
	a := est.Account(acct)
	tp := a.Region("us-east-1").Template("docker-hub")
	if tp.PolicyState != estate.HasPolicy || tp.Source.String() != "cdk.tf.json:4:14" {
		t.Errorf("template docker-hub: state %d at %s", tp.PolicyState, tp.Source)
	}
	if len(a.Public) != 1 || a.Public[0].PolicyState != estate.HasPolicy || a.Public[0].Policy.Doc.Statements[0].Pos.File != "cdk.tf.json" {
		t.Errorf("public repositories %+v", a.Public)
	}
}

// ouPlan is a plan of an existing organization: account 111122223333 in
// OU ou-ab12-prod, below OU ou-ab12-work, below the root; an RCP attached
// to ou-ab12-work (above the account) and one to ou-ab12-dev (not above).
const ouPlan = `{
  "format_version": "1.2",
  "planned_values": {"root_module": {"resources": [
    {"address": "aws_organizations_account.app", "mode": "managed", "type": "aws_organizations_account", "name": "app",
     "values": {"id": "111122223333", "name": "app", "email": "aws+app@example.com", "parent_id": "ou-ab12-prod"}},
    {"address": "aws_organizations_organizational_unit.prod", "mode": "managed", "type": "aws_organizations_organizational_unit", "name": "prod",
     "values": {"id": "ou-ab12-prod", "name": "prod", "parent_id": "ou-ab12-work"}},
    {"address": "aws_organizations_organizational_unit.work", "mode": "managed", "type": "aws_organizations_organizational_unit", "name": "work",
     "values": {"id": "ou-ab12-work", "name": "workloads", "parent_id": "r-ab12"}},
    {"address": "aws_organizations_organizational_unit.dev", "mode": "managed", "type": "aws_organizations_organizational_unit", "name": "dev",
     "values": {"id": "ou-ab12-dev", "name": "dev", "parent_id": "ou-ab12-work"}},
    {"address": "aws_organizations_policy.deny", "mode": "managed", "type": "aws_organizations_policy", "name": "deny",
     "values": {"id": "p-deny1", "name": "deny", "type": "RESOURCE_CONTROL_POLICY",
       "content": "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Deny\",\"Principal\":\"*\",\"Action\":\"ecr:DeleteRepository\",\"Resource\":\"*\"}]}"}},
    {"address": "aws_organizations_policy_attachment.work", "mode": "managed", "type": "aws_organizations_policy_attachment", "name": "work",
     "values": {"id": "ou-ab12-work:p-deny1", "policy_id": "p-deny1", "target_id": "ou-ab12-work"}},
    {"address": "aws_organizations_policy_attachment.dev", "mode": "managed", "type": "aws_organizations_policy_attachment", "name": "dev",
     "values": {"id": "ou-ab12-dev:p-deny1", "policy_id": "p-deny1", "target_id": "ou-ab12-dev"}}
  ]}},
  "configuration": {"root_module": {"resources": [
    {"address": "aws_organizations_policy_attachment.work", "mode": "managed", "type": "aws_organizations_policy_attachment", "name": "work",
     "expressions": {"policy_id": {"references": ["aws_organizations_policy.deny.id", "aws_organizations_policy.deny"]}, "target_id": {"references": ["aws_organizations_organizational_unit.work.id", "aws_organizations_organizational_unit.work"]}}},
    {"address": "aws_organizations_policy_attachment.dev", "mode": "managed", "type": "aws_organizations_policy_attachment", "name": "dev",
     "expressions": {"policy_id": {"references": ["aws_organizations_policy.deny.id", "aws_organizations_policy.deny"]}, "target_id": {"references": ["aws_organizations_organizational_unit.dev.id", "aws_organizations_organizational_unit.dev"]}}}
  ]}}
}`

// TestPlanOUAboveTheAccount: a plan that knows the account's place in the
// organization applies a policy attached to an OU above it, and only that
// one (Organizations User Guide, "RCP evaluation": any RCP from the root
// through each OU in the direct path to the account can deny).
func TestPlanOUAboveTheAccount(t *testing.T) {
	est, err := LoadPlan([]byte(ouPlan), "plan.json", Options{Account: acct})
	if err != nil {
		t.Fatal(err)
	}
	a := est.Account(acct)
	if len(a.RCPs) != 1 || !strings.Contains(a.RCPs[0].Name, "aws_organizations_policy_attachment.work") {
		t.Fatalf("RCP levels %+v, want the one on ou-ab12-work", a.RCPs)
	}
	found := false
	for _, n := range est.Notes {
		found = found || strings.Contains(n.Message, "aws_organizations_policy_attachment.dev attaches RCP aws_organizations_policy.deny to ou-ab12-dev, an organizational unit, which the configuration does not show to be above the scanned account")
	}
	if !found {
		t.Errorf("notes %v", est.Notes)
	}
}
