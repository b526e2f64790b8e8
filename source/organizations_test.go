package source

import (
	"context"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/ecrguard/ecrguard/estate"
)

// orgInputs is a scanned folder with every input of organization
// guardrails, creation templates and ECR Public: AWS CLI outputs, raw
// policies, Terraform and CloudFormation. The template "hub" and the ECR
// Public repository "tools" are given twice, with the same policy.
var orgInputs = fstest.MapFS{
	"exports/scps/1-root/deny-leave.json": {Data: []byte(`{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"organizations:LeaveOrganization","Resource":"*"}]}`)},
	"exports/rcps/1-root/perimeter.json": {Data: []byte(`{"Policy":{"PolicySummary":{"Id":"p-rcp1","Name":"Perimeter","Type":"RESOURCE_CONTROL_POLICY","AwsManaged":false},
"Content":"{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Deny\",\"Principal\":\"*\",\"Action\":\"ecr:*\",\"Resource\":\"*\",\"Condition\":{\"StringNotEqualsIfExists\":{\"aws:PrincipalOrgID\":\"o-exampleorgid\"}}}]}"}}`)},
	"exports/templates.json": {Data: []byte(`{"registryId":"111122223333","repositoryCreationTemplates":[{"prefix":"hub","appliedFor":["PULL_THROUGH_CACHE"],
"repositoryPolicy":"{\"Version\":\"2012-10-17\",\"Statement\":[{\"Sid\":\"Pull\",\"Effect\":\"Allow\",\"Principal\":\"*\",\"Action\":\"ecr:BatchGetImage\"}]}"}]}`)},
	"exports/ecr-public/repositories.json": {Data: []byte(`{"repositories":[{"repositoryArn":"arn:aws:ecr-public::111122223333:repository/tools","registryId":"111122223333","repositoryName":"tools","repositoryUri":"public.ecr.aws/a1b2c3d4/tools"}]}`)},
	"exports/ecr-public/tools.json": {Data: []byte(`{"registryId":"111122223333","repositoryName":"tools",
"policyText":"{\"Version\":\"2012-10-17\",\"Statement\":[{\"Sid\":\"Push\",\"Effect\":\"Allow\",\"Principal\":{\"AWS\":\"arn:aws:iam::444455556666:role/ci\"},\"Action\":\"ecr-public:PutImage\"}]}"}`)},
	"infra/main.tf": {Data: []byte(`
resource "aws_organizations_policy" "deny_delete" {
  type    = "RESOURCE_CONTROL_POLICY"
  content = jsonencode({ Version = "2012-10-17", Statement = [{ Effect = "Deny", Principal = "*", Action = "ecr:DeleteRepository", Resource = "*" }] })
}
resource "aws_organizations_policy_attachment" "account" {
  policy_id = aws_organizations_policy.deny_delete.id
  target_id = "111122223333"
}
resource "aws_ecr_repository_creation_template" "hub" {
  prefix            = "hub"
  applied_for       = ["CREATE_ON_PUSH"]
  repository_policy = jsonencode({ Version = "2012-10-17", Statement = [{ Sid = "Pull", Effect = "Allow", Principal = "*", Action = "ecr:BatchGetImage" }] })
}
resource "aws_ecrpublic_repository" "tools" {
  repository_name = "tools"
}
resource "aws_ecrpublic_repository_policy" "tools" {
  repository_name = aws_ecrpublic_repository.tools.repository_name
  policy          = jsonencode({ Version = "2012-10-17", Statement = [{ Sid = "Push", Effect = "Allow", Principal = { AWS = "arn:aws:iam::444455556666:role/ci" }, Action = "ecr-public:PutImage" }] })
}
`)},
	"cfn/public.yaml": {Data: []byte(`
Resources:
  Site:
    Type: AWS::ECR::PublicRepository
    Properties:
      RepositoryName: site
      RepositoryPolicyText: {Version: "2012-10-17", Statement: [{Effect: Allow, Principal: "*", Action: "ecr-public:*"}]}
`)},
}

// TestOrgTemplatesPublicInputs: a scanned folder of every reader's
// organization policies, creation templates and ECR Public repositories
// reaches the estate whole, the inputs that say the same thing merged.
func TestOrgTemplatesPublicInputs(t *testing.T) {
	est, err := Load(context.Background(), orgInputs, []string{"."}, iacOptions)
	if err != nil {
		t.Fatal(err)
	}
	if len(est.Gaps) != 0 {
		t.Fatalf("gaps %v", est.Gaps)
	}
	a := est.Lookup(iacAccount)
	if !a.SCPsKnown || len(a.SCPs) != 1 || !a.RCPsKnown || len(a.RCPs) != 2 {
		t.Errorf("SCP levels %d, RCP levels %d (known %v %v): want the file's SCP level, the file's and the module's RCP levels", len(a.SCPs), len(a.RCPs), a.SCPsKnown, a.RCPsKnown)
	}
	tmpls := a.Region("us-east-1").Templates()
	if len(tmpls) != 1 || tmpls[0].PolicyState != estate.HasPolicy || strings.Join(tmpls[0].AppliedFor, ",") != "CREATE_ON_PUSH,PULL_THROUGH_CACHE" {
		t.Errorf("templates %+v: want hub, its uses joined", tmpls)
	}
	public := map[string]*estate.PublicRepository{}
	for _, p := range a.Public {
		public[p.Name] = p
	}
	if len(public) != 2 || public["tools"].PolicyState != estate.HasPolicy || public["site"].PolicyState != estate.HasPolicy {
		t.Errorf("public repositories %+v: want tools and site, with their policies", a.Public)
	}
	if src := public["tools"].Source.File; src != "exports/ecr-public/repositories.json" {
		t.Errorf("tools defined at %s, want the first input that names it", src)
	}

	// A module that gives the template another policy disagrees with the
	// CLI output: a conflict, not a silent choice.
	other := fstest.MapFS{}
	for k, v := range orgInputs {
		other[k] = v
	}
	other["infra/main.tf"] = &fstest.MapFile{Data: []byte(strings.Replace(string(orgInputs["infra/main.tf"].Data), `Action = "ecr:BatchGetImage"`, `Action = "ecr:*"`, 1))}
	est, err = Load(context.Background(), other, []string{"."}, iacOptions)
	if err != nil {
		t.Fatal(err)
	}
	if len(est.Gaps) != 1 || est.Gaps[0].Code != estate.GapConflictingInputs || !strings.Contains(est.Gaps[0].Message, "repository creation template hub") {
		t.Errorf("gaps %v, want one conflict about template hub", est.Gaps)
	}
}
