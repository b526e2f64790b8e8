package cloudformation

import (
	"errors"
	"fmt"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/ecrguard/ecrguard/estate"
	"github.com/ecrguard/ecrguard/internal/iacdoc"
	"github.com/ecrguard/ecrguard/internal/iacdoc/iacdoctest"
	"github.com/ecrguard/ecrguard/policy"
)

const acct = iacdoctest.Account

func loadFile(t *testing.T, file string, opts Options) *estate.Estate {
	t.Helper()
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	if !IsTemplate(file, data) {
		t.Fatalf("%s is not detected as a template", file)
	}
	est, err := LoadTemplate(data, file, opts)
	if err != nil {
		t.Fatal(err)
	}
	return est
}

func load(t *testing.T, src string, opts Options) *estate.Estate {
	t.Helper()
	est, err := LoadTemplate([]byte(src), "t.yaml", opts)
	if err != nil {
		t.Fatal(err)
	}
	return est
}

// appPolicy is a template whose one repository, app, has a policy with
// the given statements: YAML list items indented ten spaces, the first on
// line 9.
func appPolicy(statements string) string {
	return `Resources:
  App:
    Type: AWS::ECR::Repository
    Properties:
      RepositoryName: app
      RepositoryPolicyText:
        Version: "2012-10-17"
        Statement:
` + statements
}

func findRepo(t *testing.T, est *estate.Estate, name string) *estate.Repository {
	t.Helper()
	a := est.Lookup(acct)
	if a == nil {
		t.Fatalf("no account %s (have %v)", acct, est.Accounts())
	}
	for _, r := range a.Regions() {
		for _, repo := range r.Repositories() {
			if repo.Name == name {
				return repo
			}
		}
	}
	t.Fatalf("no repository %q", name)
	return nil
}

// The policies of testdata/iac/raw, written in a YAML template (short-form
// tags, objects, JSON strings in literal blocks, !Sub bodies, !Join,
// !FindInMap, !If) and in a JSON template (long-form intrinsics), read the
// same as their raw JSON form.
func TestEquivalence(t *testing.T) {
	refs := iacdoctest.References(t, "../..")
	for _, f := range []string{"../../testdata/iac/cloudformation/template.yaml", "../../testdata/iac/cloudformation/template.json"} {
		t.Run(f, func(t *testing.T) {
			// Env's Default decides the template's conditions only when
			// it is given: a default can be overridden at deployment.
			est := loadFile(t, f, Options{Account: acct, Parameters: map[string]string{"Env": "prod"}})
			iacdoctest.Equivalent(t, est, refs)
			if len(est.Gaps) != 0 {
				t.Errorf("gaps: %v", est.Gaps)
			}
			if r := findRepo(t, est, "no-policy"); r.PolicyState != estate.NoPolicy {
				t.Errorf("no-policy: state %d", r.PolicyState)
			}
			reg := est.Account(acct).Region("us-east-1").Registry
			if len(reg.Replication) != 1 || reg.Replication[0] != (estate.ReplicationDestination{Account: "999988887777", Region: "us-west-2"}) {
				t.Errorf("replication %v", reg.Replication)
			}
			if st := findRepo(t, est, "secure-transport"); !st.TagsKnown || st.Tags["team"] != "platform" {
				t.Errorf("tags %v", st.Tags)
			}
			if p := findRepo(t, est, "partner"); p.ImageTagMutability != "IMMUTABLE" || p.ScanOnPush == nil || !*p.ScanOnPush {
				t.Errorf("partner settings %+v", p)
			}
		})
	}
}

func TestPositions(t *testing.T) {
	yml := loadFile(t, "../../testdata/iac/cloudformation/template.yaml", Options{Account: acct})
	jsn := loadFile(t, "../../testdata/iac/cloudformation/template.json", Options{Account: acct})
	const y, j = "../../testdata/iac/cloudformation/template.yaml:", "../../testdata/iac/cloudformation/template.json:"
	tests := []struct {
		est       *estate.Estate
		repo, sid string
		what      string
		got       func(*policy.Statement) policy.Pos
		want      string
	}{
		{yml, "public-app", "PublicPull", "statement", func(s *policy.Statement) policy.Pos { return s.Pos }, y + "33:13"},
		{yml, "public-app", "PublicPull", "second action", func(s *policy.Statement) policy.Pos { return s.Action[1].Pos }, y + "38:17"},
		// A JSON string in a literal block: the lines of the block.
		{yml, "secure-transport", "AnyoneOverTLS", "statement", func(s *policy.Statement) policy.Pos { return s.Pos }, y + "52:13"},
		{yml, "secure-transport", "AnyoneOverTLS", "condition key", func(s *policy.Statement) policy.Pos { return s.Conditions[0].Pos }, y + "57:38"},
		{yml, "partner", "PartnerPull", "principal (!Sub)", func(s *policy.Statement) policy.Pos { return iacdoctest.Principals(s)[0].Pos }, y + "75:20"},
		// A !Sub body: the lines of the block, substitutions at theirs.
		{yml, "not-principal", "OnlyAdminDeletes", "statement", func(s *policy.Statement) policy.Pos { return s.Pos }, y + "140:13"},
		{yml, "not-principal", "OnlyAdminDeletes", "second NotPrincipal", func(s *policy.Statement) policy.Pos { return iacdoctest.Principals(s)[1].Pos }, y + "145:17"},
		{yml, "invalid", "Typo", "action", func(s *policy.Statement) policy.Pos { return s.Action[0].Pos }, y + "119:21"},
		{yml, "invalid", "AllowNotPrincipal", "statement", func(s *policy.Statement) policy.Pos { return s.Pos }, y + "120:13"},
		{jsn, "public-app", "PublicPull", "statement", func(s *policy.Statement) policy.Pos { return s.Pos }, j + "49:13"},
		// A JSON string in a JSON template: the characters of the string.
		{jsn, "secure-transport", "AnyoneOverTLS", "statement", func(s *policy.Statement) policy.Pos { return s.Pos }, j + "73:80"},
		{jsn, "not-principal", "AccountUse", "statement (Fn::Sub)", func(s *policy.Statement) policy.Pos { return s.Pos }, j + "208:78"},
	}
	for _, tc := range tests {
		t.Run(tc.repo+"/"+tc.sid+"/"+tc.what, func(t *testing.T) {
			if got := tc.got(iacdoctest.Statement(t, findRepo(t, tc.est, tc.repo), tc.sid)).String(); got != tc.want {
				t.Errorf("%s at %s, want %s", tc.what, got, tc.want)
			}
		})
	}
	if got := findRepo(t, yml, "public-app").Source.String(); got != y+"26:3" {
		t.Errorf("repository defined at %s", got)
	}
}

// A parameter without a default used as a principal is an unknown value,
// described as written.
func TestUnknownParameter(t *testing.T) {
	for _, f := range []string{"../../testdata/iac/cloudformation/template.yaml", "../../testdata/iac/cloudformation/template.json"} {
		est := loadFile(t, f, Options{Account: acct})
		p := iacdoctest.Principals(iacdoctest.Statement(t, findRepo(t, est, "unknown-principal"), "PartnerPull"))
		if len(p) != 1 || !p[0].Unknown || p[0].Text != "!Ref PartnerArn" {
			t.Errorf("%s: principal %+v, want unknown !Ref PartnerArn", f, p)
		}
		// Given a value, it is known.
		est = loadFile(t, f, Options{Account: acct, Parameters: map[string]string{"PartnerArn": "arn:aws:iam::444455556666:root"}})
		p = iacdoctest.Principals(iacdoctest.Statement(t, findRepo(t, est, "unknown-principal"), "PartnerPull"))
		if p[0].Unknown || p[0].Text != "arn:aws:iam::444455556666:root" {
			t.Errorf("%s: principal %+v with the parameter given", f, p)
		}
	}
}

// Without the account, the stack deploys to the owner account the inputs
// do not name (docs/semantics.md, "The owner account"): AWS::AccountId is
// that one account, policy.OwnerAccount, so a principal built from it is
// the owner's, neither anyone nor another account.
func TestUnknownAccount(t *testing.T) {
	est := loadFile(t, "../../testdata/iac/cloudformation/template.yaml", Options{})
	if est.Lookup("") != nil {
		t.Error(`resources under the account ""`)
	}
	owner := est.Lookup(policy.OwnerAccount)
	if owner == nil {
		t.Fatalf("no account %s; accounts %v", policy.OwnerAccount, est.Accounts())
	}
	want := map[string]string{"invalid": "arn:aws:iam::<owner account>:root", "not-principal": "arn:aws:iam::<owner account>:root"}
	for _, r := range owner.Region("us-east-1").Repositories() {
		w, ok := want[r.Name]
		if !ok {
			continue
		}
		delete(want, r.Name)
		if r.ARN != "arn:aws:ecr:us-east-1:<owner account>:repository/"+r.Name {
			t.Errorf("%s: ARN %s", r.Name, r.ARN)
		}
		if p := iacdoctest.Principals(r.Policy.Doc.Statements[0]); p[0].Unknown || p[0].Text != w {
			t.Errorf("%s: principal %+v, want %s", r.Name, p[0], w)
		}
	}
	if len(want) > 0 {
		t.Errorf("repositories not read: %v", want)
	}
}

func TestWhollyUnknownPolicy(t *testing.T) {
	for _, tc := range []struct{ name, policy string }{
		{"parameter", "!Ref PolicyText"},
		{"import", "!ImportValue shared-policy"},
		{"undecidable condition", "!If [Maybe, {Version: '2012-10-17', Statement: []}, !Ref PolicyText]"},
		{"statement list", "{Version: '2012-10-17', Statement: !Ref Statements}"},
		{"statement", "{Version: '2012-10-17', Statement: [!If [Maybe, !Ref PolicyText, !Ref AWS::NoValue]]}"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			est := load(t, `
Parameters:
  PolicyText: {Type: String}
  Statements: {Type: String}
  Flag: {Type: String}
Conditions:
  Maybe: !Equals [!Ref Flag, "yes"]
Resources:
  App:
    Type: AWS::ECR::Repository
    Properties:
      RepositoryName: app
      RepositoryPolicyText: `+tc.policy+`
`, Options{Account: acct})
			r := findRepo(t, est, "app")
			if r.PolicyState != estate.Unread {
				t.Errorf("state %d, want Unread", r.PolicyState)
			}
			if len(est.Gaps) != 1 || est.Gaps[0].Code != estate.GapUnknownUntilDeploy || est.Gaps[0].Resource != r.ARN || est.Gaps[0].Pos.Line != 13 {
				t.Errorf("gaps %v", est.Gaps)
			}
		})
	}
}

func TestIntrinsics(t *testing.T) {
	est := load(t, `
Parameters:
  Names: {Type: CommaDelimitedList, Default: "a,b,c"}
  Env: {Type: String, Default: dev}
  Unset: {Type: String}
Mappings:
  Accounts:
    dev: {Id: "444455556666"}
Conditions:
  IsDev: !Equals [!Ref Env, dev]
  NotDev: !Not [!Condition IsDev]
  Both: !And [!Condition IsDev, !Equals [x, x]]
  Unknown: !Equals [!Ref Unset, x]
  Either: !Or [!Condition Unknown, !Condition IsDev]
Resources:
  R1:
    Type: AWS::ECR::Repository
    Properties:
      RepositoryName: !Select [1, !Ref Names]
  R2:
    Type: AWS::ECR::Repository
    Properties:
      RepositoryName: !Join ["-", !Split [",", "x,y"]]
  R3:
    Type: AWS::ECR::Repository
    Condition: NotDev
    Properties:
      RepositoryName: not-created
  R4:
    Type: AWS::ECR::Repository
    Properties:
      RepositoryName: !If [Either, either, neither]
  R5:
    Type: AWS::ECR::Repository
    Properties:
      RepositoryName: !Sub
        - "${Prefix}-${AWS::Region}-${!Literal}"
        - Prefix: !FindInMap [Accounts, !Ref Env, Id]
  R6:
    Type: AWS::ECR::Repository
    Properties:
      RepositoryName: !If [Unknown, same, same]
  R7:
    Type: AWS::ECR::Repository
    Properties:
      RepositoryName: !If [Unknown, a, b]
  R8:
    Type: AWS::ECR::Repository
  R9:
    Type: AWS::ECR::Repository
    Properties:
      RepositoryName: uri
      RepositoryPolicyText:
        Version: "2012-10-17"
        Statement:
          - Effect: Allow
            Principal: {AWS: !GetAtt Role.Arn}
            Action: ecr:BatchGetImage
            Resource: [!GetAtt R9.Arn, !GetAtt R8.Arn]
  Role:
    Type: AWS::IAM::Role
    Properties:
      Path: /ci/
      AssumeRolePolicyDocument: {Version: "2012-10-17", Statement: []}
`, Options{Account: acct, Region: "eu-west-1", Parameters: map[string]string{"Env": "dev"}})
	for _, n := range []string{"b", "x-y", "either", "444455556666-eu-west-1-${Literal}", "same", "<!Ref R7>", "<!Ref R8>"} {
		findRepo(t, est, n)
	}
	for _, r := range est.Account(acct).Region("eu-west-1").Repositories() {
		if r.Name == "not-created" {
			t.Error("a resource whose condition is false was read")
		}
	}
	s := findRepo(t, est, "uri").Policy.Doc.Statements[0]
	// A role without RoleName: the expression that gives the generated
	// name (!Ref Role) stands for it, as a placeholder no real name equals.
	if p := iacdoctest.Principals(s); p[0].Unknown || p[0].Text != "arn:aws:iam::111122223333:role/ci/<!Ref Role>" {
		t.Errorf("principal %+v", p)
	}
	if s.Resource[0].Text != "arn:aws:ecr:eu-west-1:111122223333:repository/uri" || s.Resource[1].Text != "arn:aws:ecr:eu-west-1:111122223333:repository/<!Ref R8>" {
		t.Errorf("resources %+v", s.Resource)
	}
	msgs := ""
	for _, n := range est.Notes {
		msgs += n.Message + "\n"
	}
	for _, want := range []string{"R8 has no RepositoryName: CloudFormation generates one", "the RepositoryName of R7 is not known", "R3 is not created (condition NotDev is false)"} {
		if !strings.Contains(msgs, want) {
			t.Errorf("no note %q in\n%s", want, msgs)
		}
	}
}

func TestIAM(t *testing.T) {
	est := load(t, `
Parameters:
  Who: {Type: String}
Resources:
  Devs:
    Type: AWS::IAM::Group
    Properties:
      GroupName: devs
      ManagedPolicyArns: [arn:aws:iam::aws:policy/AmazonEC2ContainerRegistryReadOnly]
  Dev:
    Type: AWS::IAM::User
    Properties:
      UserName: dev
      Groups: [!Ref Devs]
      PermissionsBoundary: !Ref Boundary
  Boundary:
    Type: AWS::IAM::ManagedPolicy
    Properties:
      ManagedPolicyName: boundary
      PolicyDocument: {Version: "2012-10-17", Statement: [{Effect: Allow, Action: "ecr:*", Resource: "*"}]}
      Users: [!Ref Dev]
  Add:
    Type: AWS::IAM::UserToGroupAddition
    Properties:
      GroupName: admins
      Users: [dev]
  Push:
    Type: AWS::IAM::RolePolicy
    Properties:
      RoleName: existing
      PolicyName: push
      PolicyDocument: {Version: "2012-10-17", Statement: [{Effect: Allow, Action: "ecr:PutImage", Resource: "*"}]}
  Anywhere:
    Type: AWS::IAM::Policy
    Properties:
      PolicyName: anywhere
      Users: [!Ref Who]
      PolicyDocument: {Version: "2012-10-17", Statement: [{Effect: Allow, Action: "ecr:*", Resource: "*"}]}
  Scp:
    Type: AWS::Organizations::Policy
    Properties:
      Name: deny-delete
      Type: SERVICE_CONTROL_POLICY
      TargetIds: [r-ab12]
      Content: {Version: "2012-10-17", Statement: [{Effect: Deny, Action: "ecr:DeleteRepository", Resource: "*"}]}
`, Options{Account: acct})
	a := est.Account(acct)
	groups, policies := a.IAM.Index()
	if groups["devs"] == nil || groups["admins"] == nil || len(groups["devs"].Attached) != 1 {
		t.Errorf("groups %+v", a.IAM.Groups)
	}
	u := a.IAM.Users[0]
	if u.Name != "dev" || u.Boundary != "arn:aws:iam::111122223333:policy/boundary" || strings.Join(u.Groups, ",") != "devs,admins" || len(u.Attached) != 1 {
		t.Errorf("user %+v", u)
	}
	if policies["arn:aws:iam::111122223333:policy/boundary"] == nil {
		t.Errorf("policies %v", policies)
	}
	if len(a.IAM.Roles) != 1 || a.IAM.Roles[0].Name != "existing" || len(a.IAM.Roles[0].Inline) != 1 {
		t.Errorf("roles %+v", a.IAM.Roles)
	}
	if len(a.Detached) != 1 {
		t.Errorf("detached %v", a.Detached)
	}
	if !a.SCPsKnown || len(a.SCPs) != 1 || len(a.SCPs[0].Doc.Statements) != 2 {
		t.Errorf("SCPs %+v", a.SCPs)
	}
}

// A role's Policies list, or one policy of it, may be written inside an
// Fn::If, as any property value may (CloudFormation User Guide, "Fn::If":
// "AWS::NoValue ... removes the corresponding resource property",
// https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/intrinsic-function-reference-conditions.html#intrinsic-function-reference-conditions-if).
// A decided Fn::If is its branch; one whose condition is not known gives
// the policy of either branch, judged as a policy in an Fn::If is. The
// Fn::If was read as a list without policies, and its grants were lost.
func TestInlinePoliciesInIf(t *testing.T) {
	est := load(t, `
Parameters:
  Env: {Type: String, Default: prod, AllowedValues: [prod]}
  Free: {Type: String}
Conditions:
  IsProd: !Equals [!Ref Env, prod]
  Unknown: !Equals [!Ref Free, x]
Resources:
  List:
    Type: AWS::IAM::Role
    Properties:
      RoleName: list
      Policies: !If
        - IsProd
        - - PolicyName: push
            PolicyDocument: {Version: "2012-10-17", Statement: [{Effect: Allow, Action: "ecr:*", Resource: "*"}]}
        - !Ref AWS::NoValue
  Elem:
    Type: AWS::IAM::Role
    Properties:
      RoleName: elem
      Policies:
        - !If
          - IsProd
          - PolicyName: push
            PolicyDocument: {Version: "2012-10-17", Statement: [{Effect: Allow, Action: "ecr:*", Resource: "*"}]}
          - !Ref AWS::NoValue
        - !If [IsProd, !Ref AWS::NoValue, {PolicyName: never, PolicyDocument: {Statement: [{Effect: Allow, Action: "*", Resource: "*"}]}}]
  Either:
    Type: AWS::IAM::Role
    Properties:
      RoleName: either
      Policies:
        - !If
          - Unknown
          - PolicyName: push
            PolicyDocument:
              Version: "2012-10-17"
              Statement:
                - {Effect: Allow, Action: "ecr:PutImage", Resource: "*"}
                - {Effect: Deny, Action: "ecr:DeleteRepository", Resource: "*"}
          - !Ref AWS::NoValue
`, Options{Account: acct})
	for _, r := range est.Account(acct).IAM.Roles {
		var stmts []string
		for _, p := range r.Inline {
			for _, s := range p.Doc.Statements {
				stmts = append(stmts, fmt.Sprintf("%s %s", s.Effect, s.Action[0].Text))
			}
		}
		want := map[string]string{"list": "[Allow ecr:*]", "elem": "[Allow ecr:*]", "either": "[Allow ecr:PutImage]"}[r.Name]
		if got := fmt.Sprint(stmts); got != want {
			t.Errorf("role %s: inline statements %s, want %s", r.Name, got, want)
		}
	}
	if !hasNote(est, "!If [Unknown, ...]: condition Unknown is not known") {
		t.Errorf("no note on the !If of Either in %v", est.Notes)
	}
	if len(est.Gaps) != 0 {
		t.Errorf("gaps %v", est.Gaps)
	}
}

// TestCreationTemplate reads AWS::ECR::RepositoryCreationTemplate into the
// template of its Prefix (CloudFormation Template Reference,
// "AWS::ECR::RepositoryCreationTemplate": RepositoryPolicy is a string).
func TestCreationTemplate(t *testing.T) {
	est := load(t, `
Parameters:
  Use: {Type: String}
Resources:
  Tmpl:
    Type: AWS::ECR::RepositoryCreationTemplate
    Properties:
      Prefix: prod
      AppliedFor: [PULL_THROUGH_CACHE, !Ref Use, CREATE_ON_PUSH]
      RepositoryPolicy: '{"Version": "2012-10-17", "Statement": [{"Sid": "Public", "Effect": "Allow", "Principal": "*", "Action": "ecr:BatchGetImage"}]}'
  Root:
    Type: AWS::ECR::RepositoryCreationTemplate
    Properties:
      Prefix: ROOT
      AppliedFor: [REPLICATION]
`, Options{Account: acct, Region: "eu-west-1"})
	reg := est.Account(acct).Region("eu-west-1")
	if len(reg.Repositories()) != 0 {
		t.Errorf("templates read as repositories: %v", reg.Repositories())
	}
	tp := reg.Template("prod")
	if tp.PolicyState != estate.HasPolicy || tp.Policy.Doc.Statements[0].Pos.String() != "t.yaml:10:66" || tp.Source.String() != "t.yaml:5:3" {
		t.Fatalf("template prod: state %d at %s, policy %+v", tp.PolicyState, tp.Source, tp.Policy)
	}
	if strings.Join(tp.AppliedFor, ",") != "CREATE_ON_PUSH,PULL_THROUGH_CACHE" || tp.ARN != "arn:aws:ecr:eu-west-1:111122223333:repository-creation-template/prod" {
		t.Errorf("template prod: appliedFor %v, %s", tp.AppliedFor, tp.ARN)
	}
	if !hasNote(est, "a use of Tmpl in AppliedFor") {
		t.Errorf("notes %v", est.Notes)
	}
	if st := reg.Template(estate.RootPrefix).PolicyState; st != estate.NoPolicy {
		t.Errorf("ROOT: state %d, want no policy", st)
	}
}

// TestPublicRepository reads AWS::ECR::PublicRepository and its
// RepositoryPolicyText (an object or a JSON string).
func TestPublicRepository(t *testing.T) {
	est := load(t, `{
  "Resources": {
    "Tools": {
      "Type": "AWS::ECR::PublicRepository",
      "Properties": {
        "RepositoryName": "tools",
        "RepositoryPolicyText": {
          "Version": "2012-10-17",
          "Statement": [
            {"Sid": "Push", "Effect": "Allow", "Principal": {"AWS": {"Fn::Sub": "arn:aws:iam::${AWS::AccountId}:role/ci"}}, "Action": ["ecr-public:PutImage"]}
          ]
        }
      }
    },
    "Site": {"Type": "AWS::ECR::PublicRepository"}
  }
}`, Options{Account: acct})
	a := est.Account(acct)
	if len(a.Public) != 2 || len(est.Gaps) != 0 {
		t.Fatalf("public %+v, gaps %v", a.Public, est.Gaps)
	}
	tools, site := a.Public[0], a.Public[1]
	if tools.Name != "tools" {
		tools, site = site, tools
	}
	if tools.Name != "tools" || tools.PolicyState != estate.HasPolicy || tools.Source.String() != "t.yaml:3:5" || tools.Policy.Doc.Statements[0].Pos.String() != "t.yaml:10:13" {
		t.Errorf("tools: %+v at %s", tools, tools.Source)
	}
	if p := iacdoctest.Principals(tools.Policy.Doc.Statements[0]); len(p) != 1 || p[0].Text != "arn:aws:iam::111122223333:role/ci" {
		t.Errorf("principals %+v", p)
	}
	if site.PolicyState != estate.NoPolicy || !strings.HasPrefix(site.Name, "<") || !hasNote(est, "Site has no RepositoryName") {
		t.Errorf("site: %+v, notes %v", site, est.Notes)
	}
}

// TestRCP: an AWS::Organizations::Policy of type RESOURCE_CONTROL_POLICY on
// the account or the root is one level, as written (Organizations User
// Guide, "RCP syntax": only RCPFullAWSAccess allows); one on an OU only
// is not applied.
func TestRCP(t *testing.T) {
	est := load(t, `
Resources:
  Perimeter:
    Type: AWS::Organizations::Policy
    Properties:
      Name: identity-perimeter
      Type: RESOURCE_CONTROL_POLICY
      TargetIds: [r-ab12, "111122223333"]
      Content:
        Version: "2012-10-17"
        Statement:
          - Sid: EnforceOrgIdentities
            Effect: Deny
            Principal: "*"
            Action: "ecr:*"
            Resource: "*"
            Condition: {StringNotEqualsIfExists: {"aws:PrincipalOrgID": o-exampleorgid}}
  OnlyOU:
    Type: AWS::Organizations::Policy
    Properties:
      Name: ou-only
      Type: RESOURCE_CONTROL_POLICY
      TargetIds: [ou-ab12-11111111]
      Content: {Version: "2012-10-17", Statement: [{Effect: Deny, Principal: "*", Action: "ecr:*", Resource: "*"}]}
`, Options{Account: acct})
	a := est.Account(acct)
	if !a.RCPsKnown || len(a.RCPs) != 1 || a.SCPsKnown {
		t.Fatalf("RCPs %+v (known %v), SCPs known %v", a.RCPs, a.RCPsKnown, a.SCPsKnown)
	}
	if d := a.RCPs[0].Doc; len(d.Statements) != 1 || d.Statements[0].Sid != "EnforceOrgIdentities" || d.Statements[0].Pos.String() != "t.yaml:12:13" {
		t.Errorf("RCP %s at %s", a.RCPs[0].Name, d.Statements[0].Pos)
	}
	if !hasNote(est, "OnlyOU (RCP) is not attached to the scanned account or the organization root; not applied") {
		t.Errorf("notes %v", est.Notes)
	}
}

func TestInvalidPolicyIsAGap(t *testing.T) {
	est := load(t, appPolicy(`          - Effect: allow
            Principal: "*"
            Action: ecr:*
`), Options{Account: acct})
	if r := findRepo(t, est, "app"); r.PolicyState != estate.Unread {
		t.Errorf("state %d", r.PolicyState)
	}
	if len(est.Gaps) != 1 || est.Gaps[0].Code != estate.GapParseError || est.Gaps[0].Pos.Line != 9 {
		t.Errorf("gaps %v", est.Gaps)
	}
	// docs/rules: ECR011 names each problem of the policy.
	if len(est.Gaps) == 1 && (len(est.Gaps[0].Problems) != 1 || est.Gaps[0].Problems[0].Code != "invalid-effect") {
		t.Errorf("problems %v, want the invalid Effect", est.Gaps[0].Problems)
	}
}

// A resource type one or two edits (or letter case) from one ecrguard
// reads is a gap at the resource, whatever its Condition: CloudFormation
// refuses the template, and a scan must not say "no findings" for the
// policy it holds. Types ecrguard does not read are not gaps.
func TestMisspeltResourceTypeIsAGap(t *testing.T) {
	est := load(t, `Conditions:
  Never: !Equals [a, b]
Resources:
  Repo:
    Type: AWS::ECR::Repositry
    Condition: Never
    Properties:
      RepositoryName: app
  Role:
    Type: aws::iam::role
  Bucket:
    Type: AWS::S3::Bucket
  Lifecycle:
    Type: AWS::ECR::PullThroughCacheRule
`, Options{Account: acct})
	got := iacdoctest.Gaps(t, est, estate.GapInvalidInput)
	want := []string{
		`4: Repo is of type "AWS::ECR::Repositry", which CloudFormation does not define (it refuses the template), so it is not assessed; did you mean "AWS::ECR::Repository"?`,
		`9: Role is of type "aws::iam::role", which CloudFormation does not define (it refuses the template), so it is not assessed; did you mean "AWS::IAM::Role"?`,
	}
	if !slices.Equal(got, want) {
		t.Errorf("gaps:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

func TestErrors(t *testing.T) {
	for _, tc := range []struct{ name, src, want string }{
		{"yaml syntax", "Resources:\n  A: [\n", "t.yaml:2:3:"},
		// yaml.v3 names the line where the mapping starts (3); the
		// indentation that breaks it is on line 6.
		{"yaml indentation", "Resources:\n  Repo:\n    Type: AWS::ECR::Repository\n    Properties:\n      RepositoryName: app\n     Bad: x\n", "t.yaml:6:6: did not find expected key"},
		{"json syntax", "{\"Resources\": {\n  \"A\": }\n}", "t.yaml:2:8:"},
		{"no resources", "AWSTemplateFormatVersion: 2010-09-09\n", "has no Resources"},
		{"no type", "Resources:\n  A:\n    Properties: {}\n", "t.yaml:3:5: resource A: expected a Type"},
		{"empty", "", "empty template"},
		// A template is one YAML document; the resources of a second one
		// were left out without a word.
		{"second document", "Resources:\n  A: {Type: AWS::ECR::Repository}\n---\nResources:\n  B: {Type: AWS::ECR::Repository}\n", "t.yaml:4:1: a second YAML document"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := LoadTemplate([]byte(tc.src), "t.yaml", Options{})
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %v, want %q", err, tc.want)
			}
			// The position is data, not only text: callers report it as such.
			var pe *policy.Error
			if !errors.As(err, &pe) || pe.Pos.File != "t.yaml" || pe.Pos.Line == 0 {
				t.Errorf("error %#v, want a *policy.Error in t.yaml", err)
			}
		})
	}
	// An empty document after the template (a --- that ends the file) is
	// no second template.
	if _, err := LoadTemplate([]byte("Resources:\n  A: {Type: AWS::ECR::Repository}\n---\n"), "t.yaml", Options{}); err != nil {
		t.Errorf("a --- at the end: %v", err)
	}
}

func TestIsTemplate(t *testing.T) {
	for _, tc := range []struct {
		name, src string
		want      bool
	}{
		{"t.yaml", "AWSTemplateFormatVersion: '2010-09-09'\nResources: {}\n", true},
		{"t.yml", "Resources:\n  R:\n    Type: AWS::ECR::Repository\n", true},
		{"t.json", `{"Resources": {"R": {"Type": "AWS::IAM::Role"}}}`, true},
		{"t.json", `{"Version": "2012-10-17", "Statement": []}`, false},
		{"t.yaml", "apiVersion: v1\nkind: Pod\n", false},
		{"t.yaml", "Resources:\n  R:\n    Type: Custom::Thing\n", false},
		{"main.tf", "AWSTemplateFormatVersion: '2010-09-09'\n", false},
		{"t.yaml", ": : :", false},
		// Broken, but with a template's marks: its reader says where.
		{"t.yaml", "AWSTemplateFormatVersion: 2010-09-09\nResources:\n  A: [\n", true},
		{"t.yaml", "Resources:\n  A:\n    Type: AWS::ECR::Repository\n    Properties: [\n", true},
		{"t.json", "{\"AWSTemplateFormatVersion\": \"2010-09-09\",\n \"Resources\": {\n", true},
		{"t.yaml", "kind: Pod\nspec: [\n", false},
		{"t.yaml", "# AWSTemplateFormatVersion: is not a key here\nspec: [\n", false},
	} {
		if got := IsTemplate(tc.name, []byte(tc.src)); got != tc.want {
			t.Errorf("IsTemplate(%s, %q) = %v", tc.name, tc.src, got)
		}
	}
}

// Aliases cannot make a template explode.
func TestAliasBomb(t *testing.T) {
	src := "a: &a [x, x, x, x, x, x, x, x, x, x]\n"
	prev := "a"
	for i := 0; i < 9; i++ {
		name := string(rune('b' + i))
		src += name + ": &" + name + " [*" + prev + ", *" + prev + ", *" + prev + ", *" + prev + ", *" + prev + ", *" + prev + ", *" + prev + ", *" + prev + ", *" + prev + ", *" + prev + "]\n"
		prev = name
	}
	src += "Resources: {R: {Type: AWS::ECR::Repository, Properties: {Tags: *" + prev + "}}}\n"
	if _, err := LoadTemplate([]byte(src), "t.yaml", Options{}); err == nil || !strings.Contains(err.Error(), "too large") {
		t.Errorf("error %v, want too large", err)
	}
}

// CloudFormation rejects a template with duplicate keys: outside a policy
// document the template is an error at the later key; inside one the
// policy decoder reports it (ECR011), as for a JSON policy.
func TestDuplicateKeys(t *testing.T) {
	const policy1 = `      RepositoryPolicyText:
        Version: "2012-10-17"
        Statement:
          - Effect: Allow
            Principal: "*"
            Action: ecr:BatchGetImage
`
	for _, tc := range []struct{ name, src, want string }{
		{"property", "Resources:\n  Repo:\n    Type: AWS::ECR::Repository\n    Properties:\n" + policy1 +
			"      RepositoryPolicyText: {Version: \"2012-10-17\", Statement: []}\n",
			`t.yaml:11:7: the key "RepositoryPolicyText" is written twice in one mapping (also at t.yaml:5:7)`},
		{"resource", "Resources:\n  Repo:\n    Type: AWS::ECR::Repository\n  Repo:\n    Type: AWS::ECR::Repository\n",
			`t.yaml:4:3: the key "Repo" is written twice`},
		{"json", `{"Resources": {"Repo": {"Type": "AWS::ECR::Repository",
"Properties": {"RepositoryName": "a", "RepositoryName": "b"}}}}`,
			`t.yaml:2:39: the key "RepositoryName" is written twice in one mapping (also at t.yaml:2:16)`},
		{"top level", "Resources: {}\nResources:\n  R: {Type: AWS::ECR::Repository}\n", `t.yaml:2:1: the key "Resources"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := LoadTemplate([]byte(tc.src), "t.yaml", Options{Account: acct})
			var pe *policy.Error
			if !errors.As(err, &pe) || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %v, want a *policy.Error with %q", err, tc.want)
			}
		})
	}

	// Inside a policy document: ECR011 from the decoder, no template error.
	est := load(t, "Resources:\n  Repo:\n    Type: AWS::ECR::Repository\n    Properties:\n      RepositoryName: app\n"+policy1+
		"        Statement: []\n", Options{Account: acct})
	r := findRepo(t, est, "app")
	if r.Policy == nil || len(r.Policy.Doc.Problems) != 1 || r.Policy.Doc.Problems[0].Code != "duplicate-key" || r.Policy.Doc.Problems[0].Pos.Line != 12 {
		t.Errorf("policy %+v", r.Policy)
	}
	if len(est.Gaps) != 0 {
		t.Errorf("gaps %v", est.Gaps)
	}

	// Inside an intrinsic function's arguments in a policy, the decoder
	// does not see it: a gap.
	est = load(t, `
Resources:
  Repo:
    Type: AWS::ECR::Repository
    Properties:
      RepositoryName: app
      RepositoryPolicyText: !Sub
        - '{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"AWS": "${P}"}, "Action": "ecr:BatchGetImage"}]}'
        - P: "*"
          P: "arn:aws:iam::111122223333:root"
`, Options{Account: acct})
	if len(est.Gaps) != 1 || est.Gaps[0].Pos.Line != 10 || !strings.Contains(est.Gaps[0].Message, `has the key "P" twice`) {
		t.Errorf("gaps %v", est.Gaps)
	}
}

// YAML merge keys are not duplicates: an explicit key wins over a merged
// one wherever the merge key stands.
func TestMergeKeyIsNotADuplicate(t *testing.T) {
	est := load(t, `
x: &base {RepositoryName: base, ImageTagMutability: IMMUTABLE}
Resources:
  Repo:
    Type: AWS::ECR::Repository
    Properties:
      RepositoryName: mine
      <<: *base
  Repo2:
    Type: AWS::ECR::Repository
    Properties:
      <<: *base
      RepositoryName: second
`, Options{Account: acct})
	for _, name := range []string{"mine", "second"} {
		if r := findRepo(t, est, name); r.ImageTagMutability != "IMMUTABLE" {
			t.Errorf("repository %+v", r)
		}
	}
}

// What CloudFormation adds at deployment is not read: a nested stack's
// template and a Transform's output are gaps, so the exit code says the
// scan is incomplete.
func TestNestedStackAndTransformAreGaps(t *testing.T) {
	est := load(t, `
Transform: [AWS::Serverless-2016-10-31, {Name: AWS::Include, Parameters: {Location: s3://b/k}}]
Resources:
  Nested:
    Type: AWS::CloudFormation::Stack
    Properties:
      TemplateURL: https://s3.amazonaws.com/bucket/ecr.yaml
  App:
    Type: AWS::Serverless::Application
    Properties:
      Location: {ApplicationId: arn:aws:serverlessrepo:us-east-1:123456789012:applications/x, SemanticVersion: 1.0.0}
  Repo:
    Type: AWS::ECR::Repository
    Properties:
      RepositoryName: app
`, Options{Account: acct})
	findRepo(t, est, "app") // still judged as written
	want := []struct {
		code estate.GapCode
		text string
		line int
	}{
		{estate.GapTransform, "Transform (AWS::Serverless-2016-10-31, AWS::Include)", 2},
		{estate.GapNestedStack, "Nested is a nested stack (AWS::CloudFormation::Stack) whose template (https://s3.amazonaws.com/bucket/ecr.yaml) is not read", 4},
		{estate.GapNestedStack, "App is a nested stack (AWS::Serverless::Application) whose template (arn:aws:serverlessrepo:us-east-1:123456789012:applications/x) is not read", 8},
	}
	if len(est.Gaps) != len(want) {
		t.Fatalf("gaps %v", est.Gaps)
	}
	for i, w := range want {
		g := est.Gaps[i]
		if g.Code != w.code || g.Pos.Line != w.line || !strings.Contains(g.Message, w.text) {
			t.Errorf("gap %d: %+v, want %s at line %d with %q", i, g, w.code, w.line, w.text)
		}
	}
}

// A condition is decided only by what the scan fixes: a parameter's
// Default is only what deployment uses when no value is given, and
// AWS::Region is the scan's default region unless one was given. An
// undecided Condition creates the resource (the worst case) and an
// undecided !If judges a policy with the statements of both branches.
// https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/conditions-section-structure.html
func TestConditionsOnDeployTimeInputs(t *testing.T) {
	const src = `
Parameters:
  Env: {Type: String, Default: dev, AllowedValues: [dev, prod]}
  Only: {Type: String, Default: prod, AllowedValues: [prod]}
  Free: {Type: String, Default: dev}
Conditions:
  InEU: !Equals [!Ref "AWS::Region", eu-west-1]
  IsProd: !Equals [!Ref Env, prod]
  AnyEnv: !Or [!Equals [!Ref Env, dev], !Equals [!Ref Env, prod]]
  OnlyProd: !Equals [!Ref Only, prod]
  FreeDev: !Equals [!Sub "${Free}", dev]
Resources:
  InEURepo:
    Type: AWS::ECR::Repository
    Condition: InEU
    Properties:
      RepositoryName: in-eu
  AnyEnvRepo:
    Type: AWS::ECR::Repository
    Condition: AnyEnv
    Properties: {RepositoryName: any-env}
  FreeRepo:
    Type: AWS::ECR::Repository
    Properties:
      RepositoryName: !If [FreeDev, free-dev, free-other]
  Repo:
    Type: AWS::ECR::Repository
    Properties:
      RepositoryName: app
      RepositoryPolicyText: !If
        - IsProd
        - Version: "2012-10-17"
          Statement:
            - Sid: Public
              Effect: Allow
              Principal: "*"
              Action: ecr:BatchGetImage
            - Sid: Guard
              Effect: Deny
              Principal: "*"
              Action: ecr:*
              Condition: {Bool: {aws:SecureTransport: "false"}}
        - Version: "2012-10-17"
          Statement:
            - Sid: Guard
              Effect: Deny
              Principal: "*"
              Action: ecr:*
              Condition: {Bool: {aws:SecureTransport: "false"}}
            - Sid: OnlyDev
              Effect: Deny
              Principal: "*"
              Action: ecr:DeleteRepository
  Repo2:
    Type: AWS::ECR::Repository
    Properties:
      RepositoryName: app2
      RepositoryPolicyText: !If
        - OnlyProd
        - !Ref AWS::NoValue
        - Version: "2012-10-17"
          Statement: [{Sid: Public, Effect: Allow, Principal: "*", Action: ecr:BatchGetImage}]
`
	est := load(t, src, Options{Account: acct})
	findRepo(t, est, "in-eu")   // AWS::Region not given: judged as created
	findRepo(t, est, "any-env") // true for every allowed value
	findRepo(t, est, "<!Ref FreeRepo>")
	repo := findRepo(t, est, "app")
	iacdoctest.Statement(t, repo, "Public")
	iacdoctest.Statement(t, repo, "Guard")
	if len(repo.Policy.Doc.Statements) != 2 {
		t.Errorf("statements %d, want Public and Guard (OnlyDev is a Deny of one branch only)", len(repo.Policy.Doc.Statements))
	}
	// OnlyProd is true for the one allowed value: the NoValue branch.
	if r := findRepo(t, est, "app2"); r.PolicyState != estate.NoPolicy {
		t.Errorf("app2: state %d, want NoPolicy", r.PolicyState)
	}
	msgs := ""
	for _, n := range est.Notes {
		msgs += n.Message + "\n"
	}
	for _, want := range []string{
		"whether InEURepo is created is not known (condition InEU is not known: it depends on AWS::Region, and no region was given",
		"!If [IsProd, ...]: condition IsProd is not known: it depends on parameter Env (default dev, allowed dev, prod), which can be set at deployment; the policy is judged with the statements of both branches, the worst case (1 Deny statement(s) that only one branch has are left out)",
		"the RepositoryName of FreeRepo is not known",
	} {
		if !strings.Contains(msgs, want) {
			t.Errorf("no note %q in\n%s", want, msgs)
		}
	}
	if len(est.Gaps) != 0 {
		t.Errorf("gaps %v", est.Gaps)
	}

	// Given the region and the parameters, the conditions are decided.
	est = load(t, src, Options{Account: acct, Region: "us-east-1", Parameters: map[string]string{"Env": "dev", "Free": "dev"}})
	for _, r := range est.Account(acct).Region("us-east-1").Repositories() {
		if r.Name == "in-eu" {
			t.Error("in-eu is created outside eu-west-1")
		}
	}
	findRepo(t, est, "free-dev")
	if r := findRepo(t, est, "app"); len(r.Policy.Doc.Statements) != 2 || r.Policy.Doc.Statements[1].Sid != "OnlyDev" {
		t.Errorf("app: %+v", r.Policy.Doc.Statements)
	}
}

// A condition on AWS::AccountId is decided only when the account is given:
// without --account the stack may deploy to any account, the one the
// condition names included ("Returns the AWS account ID of the account in
// which the stack is being created", CloudFormation User Guide, "Get AWS
// values using pseudo parameters",
// https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/pseudo-parameter-reference.html).
// The stand-in owner account is no 12-digit id, so comparing it decided
// every such condition false: the public branch below was never judged.
func TestConditionOnAccountId(t *testing.T) {
	const src = `
Conditions:
  InProd: !Equals [!Ref "AWS::AccountId", "999988887777"]
Resources:
  Repo:
    Type: AWS::ECR::Repository
    Properties:
      RepositoryName: app
      RepositoryPolicyText: !If
        - InProd
        - Version: "2012-10-17"
          Statement: [{Sid: Public, Effect: Allow, Principal: "*", Action: ecr:BatchGetImage}]
        - !Ref AWS::NoValue
`
	est := load(t, src, Options{})
	a := est.Lookup(policy.OwnerAccount)
	if a == nil || len(a.Regions()) == 0 || len(a.Regions()[0].Repositories()) != 1 {
		t.Fatalf("no repository app in the owner account")
	}
	if r := a.Regions()[0].Repositories()[0]; r.Policy == nil || len(r.Policy.Doc.Statements) != 1 {
		t.Fatalf("app: policy %+v, want Public (InProd is not known without the account)", r.Policy)
	}
	if !hasNote(est, "condition InProd is not known: it depends on AWS::AccountId, and no account was given") {
		t.Errorf("no note on InProd in %v", est.Notes)
	}
	// Given the account, the condition is decided.
	if r := findRepo(t, load(t, src, Options{Account: acct}), "app"); r.PolicyState != estate.NoPolicy {
		t.Errorf("app in %s: state %d, want NoPolicy", acct, r.PolicyState)
	}
}

// A Mappings lookup keyed by a pseudo parameter the scan does not fix
// (AWS::Region without --region, AWS::AccountId without --account) picks
// the entry of whatever region or account the stack deploys to: any
// entry. It is unknown, as a condition on that parameter is, and a note
// says why; it was the entry of us-east-1, the region the scan assumes,
// so a reader granted only in eu-west-1 went unreported ("no findings").
// Given the region or the account, the lookup is that entry. AWS::Region
// outside a lookup or condition stays the region the resources are
// reported in, and AWS::Partition aws, the partition of every ARN ecrguard
// gives them: an ARN built from them names the stack's own resources.
func TestFindInMapOnDeployTimeInputs(t *testing.T) {
	src := `Mappings:
  Readers:
    us-east-1: {Id: "111122223333"}
    eu-west-1: {Id: "999988887777"}
  Builders:
    "111122223333": {Id: "111122223333"}
    Default: {Id: "444455556666"}
` + appPolicy(`          - Sid: Read
            Effect: Allow
            Principal: {AWS: !FindInMap [Readers, !Ref "AWS::Region", Id]}
            Action: ecr:BatchGetImage
          - Sid: Build
            Effect: Allow
            Principal: {AWS: !FindInMap [Builders, !Ref "AWS::AccountId", Id, {DefaultValue: "111122223333"}]}
            Action: ecr:PutImage
          - Sid: Own
            Effect: Allow
            Principal: {AWS: !Sub "arn:${AWS::Partition}:iam::${AWS::AccountId}:role/ci"}
            Action: ecr:*
            Resource: !Sub "arn:${AWS::Partition}:ecr:${AWS::Region}:${AWS::AccountId}:repository/app"
`)
	principal := func(est *estate.Estate, account, sid string) policy.Value {
		t.Helper()
		for _, a := range est.Accounts() {
			if a.ID != account {
				continue
			}
			for _, r := range a.Regions() {
				for _, repo := range r.Repositories() {
					return iacdoctest.Principals(iacdoctest.Statement(t, repo, sid))[0]
				}
			}
		}
		t.Fatalf("no repository in account %s", account)
		return policy.Value{}
	}
	est := load(t, src, Options{})
	for _, sid := range []string{"Read", "Build"} {
		if p := principal(est, policy.OwnerAccount, sid); !p.Unknown {
			t.Errorf("%s without region or account: principal %+v, want unknown", sid, p)
		}
	}
	if !hasNote(est, "!FindInMap [Readers, !Ref AWS::Region, Id] is not known: it depends on AWS::Region, and no region was given") ||
		!hasNote(est, "!FindInMap [Builders, !Ref AWS::AccountId, Id, ...] is not known: it depends on AWS::AccountId, and no account was given") {
		t.Errorf("notes %v", est.Notes)
	}
	est = load(t, src, Options{Account: acct, Region: "eu-west-1"})
	r := findRepo(t, est, "app")
	for sid, want := range map[string]string{"Read": "999988887777", "Build": "111122223333", "Own": "arn:aws:iam::111122223333:role/ci"} {
		if p := iacdoctest.Principals(iacdoctest.Statement(t, r, sid))[0]; p.Unknown || p.Text != want {
			t.Errorf("%s in eu-west-1 of %s: principal %+v, want %s", sid, acct, p, want)
		}
	}
	if res := iacdoctest.Statement(t, r, "Own").Resource[0].Text; res != r.ARN {
		t.Errorf("Own's Resource %s, want the repository's ARN %s", res, r.ARN)
	}
}

// A policy written as a JSON string that Fn::Join builds is read as
// Fn::Sub's is (and as Terraform reads a template with a value not known
// until apply): a part not known until deployment makes only the string
// holding it unknown, and the rest of the document is judged. One unknown
// part made the whole policy an unknown-until-deploy gap, and its public
// statement went unjudged. A part that stands for a whole statement
// still leaves the document unknown.
func TestJoinedPolicyText(t *testing.T) {
	head := `Parameters:
  Partner: {Type: String}
  Extra: {Type: String}
Resources:
  App:
    Type: AWS::ECR::Repository
    Properties:
      RepositoryName: app
      RepositoryPolicyText: !Join
`
	for _, tc := range []struct {
		name, file, src string
		gap             string
	}{
		{"yaml", "t.yaml", head + `        - ""
        - - '{"Version": "2012-10-17", "Statement": ['
          - '{"Sid": "Public", "Effect": "Allow", "Principal": "*", "Action": "ecr:BatchGetImage"},'
          - '{"Sid": "Partner", "Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::'
          - !Ref Partner
          - ':root"}, "Action": "ecr:BatchGetImage"}]}'
`, ""},
		{"json", "t.json", `{"Parameters": {"Partner": {"Type": "String"}}, "Resources": {"App": {"Type": "AWS::ECR::Repository", "Properties": {"RepositoryName": "app",
  "RepositoryPolicyText": {"Fn::Join": [":", [
    "{\"Version\": \"2012-10-17\", \"Statement\": [{\"Sid\": \"Public\", \"Effect\": \"Allow\", \"Principal\": \"*\", \"Action\": \"ecr",
    "BatchGetImage\"}, {\"Sid\": \"Partner\", \"Effect\": \"Allow\", \"Principal\": {\"AWS\": \"arn:aws:iam:",
    {"Ref": "Partner"},
    "root\"}, \"Action\": \"ecr:BatchGetImage\"}]}"]]}}}}}
`, ""},
		{"statement", "t.yaml", head + `        - ""
        - - '{"Version": "2012-10-17", "Statement": ['
          - '{"Sid": "Public", "Effect": "Allow", "Principal": "*", "Action": "ecr:BatchGetImage"},'
          - !Ref Extra
          - ']}'
`, `unknown: a statement (${!Ref Extra})`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			est, err := LoadTemplate([]byte(tc.src), tc.file, Options{Account: acct})
			if err != nil {
				t.Fatal(err)
			}
			r := findRepo(t, est, "app")
			if tc.gap != "" {
				if len(est.Gaps) != 1 || est.Gaps[0].Code != estate.GapUnknownUntilDeploy || !strings.Contains(est.Gaps[0].Message, tc.gap) {
					t.Errorf("gaps %v, want one naming %s", est.Gaps, tc.gap)
				}
				return
			}
			if len(est.Gaps) != 0 || r.Policy == nil {
				t.Fatalf("gaps %v", est.Gaps)
			}
			if s := iacdoctest.Statement(t, r, "Public"); s.Pos.Line != 12 && tc.file == "t.yaml" || s.Action[0].Text != "ecr:BatchGetImage" {
				t.Errorf("Public at %s, action %v", s.Pos, s.Action)
			}
			if p := iacdoctest.Principals(iacdoctest.Statement(t, r, "Partner"))[0]; !p.AccountUnknown || p.Text != "arn:aws:iam::<!Ref Partner>:root" {
				t.Errorf("Partner's principal %+v, want one account not known until deployment", p)
			}
		})
	}
}

// ifHead is a template of repository app up to its policy's statements,
// with the conditions IsProd (on a parameter) and InEU (on the region).
const ifHead = `Parameters:
  Env: {Type: String}
Conditions:
  IsProd: !Equals [!Ref Env, prod]
  InEU: !Equals [!Ref "AWS::Region", eu-west-1]
Resources:
  App:
    Type: "AWS::ECR::Repository"
    Properties:
      RepositoryName: app
      RepositoryPolicyText:
        Version: "2012-10-17"
        Statement:
`

// An undecided !If inside a policy follows the rule of one around the
// whole policy: around the Statement list or one statement of it, the
// statements of both branches, a Deny only when both have it (AWS::NoValue
// has none); inside an Allow statement, the statement once with each
// branch; inside a Deny, an unknown value (a Deny does not apply where a
// value is unknown). A decided !If is its branch.
func TestIfInsideAPolicy(t *testing.T) {
	// orgPull (line 14) lets in one organization or the other; guard (line
	// 19) is a Deny in production only.
	const orgPull = `          - Sid: OrgPull
            Effect: Allow
            Principal: "*"
            Action: ecr:BatchGetImage
            Condition: {StringEquals: {aws:PrincipalOrgID: !If [IsProd, o-abc123defg, o-zzzzzzzzzz]}}
`
	const guard = `          - !If
            - IsProd
            - {Effect: Deny, Principal: "*", Action: "*", Condition: {StringNotEquals: {aws:PrincipalAccount: "111122223333"}}}
            - !Ref AWS::NoValue
`
	const (
		pullABC  = "Statement \"OrgPull\" Allow\n  Principal *\n  Action [ecr:BatchGetImage]\n  Condition StringEquals aws:principalorgid [o-abc123defg]\n"
		pullZZZ  = "Statement \"OrgPull\" Allow\n  Principal *\n  Action [ecr:BatchGetImage]\n  Condition StringEquals aws:principalorgid [o-zzzzzzzzzz]\n"
		denyProd = "Statement \"\" Deny\n  Principal *\n  Action [*]\n  Condition StringNotEquals aws:principalaccount [111122223333]\n"
		pull     = "Statement \"\" Allow\n  Principal *\n  Action [ecr:BatchGetImage]\n"
	)
	for _, tc := range []struct {
		name, statements string
		opts             Options
		// want: each statement (iacdoc.Canonical's form) after the line
		// it is read at.
		want []string
		note string
	}{
		{name: "the newcomer's template: the Deny of one branch is left out, both organizations are judged",
			statements: orgPull + guard,
			want:       []string{"14 " + pullABC, "14 " + pullZZZ},
			note:       "this statement is judged with the statements of both branches, the worst case (1 Deny statement(s) that only one branch has are left out)"},
		{name: "decided true: the Deny is there, one organization",
			statements: orgPull + guard, opts: Options{Parameters: map[string]string{"Env": "prod"}},
			want: []string{"14 " + pullABC, "21 " + denyProd}},
		{name: "decided false: AWS::NoValue removes the statement",
			statements: orgPull + guard, opts: Options{Parameters: map[string]string{"Env": "dev"}},
			want: []string{"14 " + pullZZZ}},
		{name: "a Deny in both branches is kept (its Sid aside)",
			statements: `          - !If
            - IsProd
            - {Sid: ProdGuard, Effect: Deny, Principal: "*", Action: "*", Condition: {StringNotEquals: {aws:PrincipalAccount: "111122223333"}}}
            - {Sid: DevGuard, Effect: Deny, Principal: "*", Action: "*", Condition: {StringNotEquals: {aws:PrincipalAccount: "111122223333"}}}
`,
			want: []string{"16 " + strings.Replace(denyProd, `""`, `"ProdGuard"`, 1)}},
		{name: "the Statement list: the Allows of each branch (one Sid is no duplicate), the Deny both have",
			statements: `            !If
              - IsProd
              - [{Sid: Pull, Effect: Allow, Principal: "*", Action: ecr:BatchGetImage}, {Effect: Deny, Principal: "*", Action: "*", Condition: {StringNotEquals: {aws:PrincipalAccount: "111122223333"}}}]
              - [{Effect: Deny, Principal: "*", Action: "*", Condition: {StringNotEquals: {aws:PrincipalAccount: "111122223333"}}}, {Sid: Pull, Effect: Allow, Principal: "*", Action: ecr:ListImages}]
`,
			want: []string{"16 " + strings.Replace(pull, `""`, `"Pull"`, 1), "16 " + denyProd,
				"17 " + strings.NewReplacer(`""`, `"Pull"`, "BatchGetImage", "ListImages").Replace(pull)}},
		{name: "AWS::Region without a region: an Allow of one branch is judged",
			statements: "          - !If [InEU, {Effect: Allow, Principal: \"*\", Action: ecr:BatchGetImage}, !Ref AWS::NoValue]\n",
			want:       []string{"14 " + pull},
			note:       "condition InEU is not known: it depends on AWS::Region, and no region was given"},
		{name: "AWS::Region without a region: a Deny of one branch is left out",
			statements: "          - !If [InEU, {Effect: Deny, Principal: \"*\", Action: ecr:BatchGetImage}, !Ref AWS::NoValue]\n",
			want:       nil},
		{name: "AWS::Region given",
			statements: "          - !If [InEU, {Effect: Allow, Principal: \"*\", Action: ecr:BatchGetImage}, !Ref AWS::NoValue]\n",
			opts:       Options{Region: "us-east-1"},
			want:       nil},
		{name: "in an Allow's Action and Principal: once with each branch",
			statements: "          - {Effect: Allow, Principal: !If [IsProd, {AWS: \"arn:aws:iam::444455556666:root\"}, \"*\"], Action: !If [IsProd, ecr:BatchGetImage, ecr:PutImage]}\n",
			want: []string{
				"14 Statement \"\" Allow\n  Principal AWS:[arn:aws:iam::444455556666:root]\n  Action [ecr:BatchGetImage]\n",
				"14 Statement \"\" Allow\n  Principal AWS:[arn:aws:iam::444455556666:root]\n  Action [ecr:PutImage]\n",
				"14 Statement \"\" Allow\n  Principal *\n  Action [ecr:BatchGetImage]\n",
				"14 Statement \"\" Allow\n  Principal *\n  Action [ecr:PutImage]\n",
			},
			note: "t.yaml:14:40: !If [IsProd, ...]: condition IsProd is not known: its inputs are not known until deployment; the statement is judged once with each branch (and 1 more !If on IsProd in it), the worst case"},
		{name: "in a Deny's Action: an unknown value, which the Deny does not apply to",
			statements: "          - {Effect: Deny, Principal: \"*\", Action: !If [IsProd, \"ecr:*\", ecr:PutImage]}\n",
			want:       []string{"14 Statement \"\" Deny\n  Principal *\n  Action [<unknown !If [IsProd, ...] (condition IsProd is not known: its inputs are not known until deployment)>]\n"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			opts := tc.opts
			opts.Account = acct
			est := load(t, ifHead+tc.statements, opts)
			if len(est.Gaps) != 0 {
				t.Fatalf("gaps %v", est.Gaps)
			}
			r := findRepo(t, est, "app")
			var got []string
			for _, s := range r.Policy.Doc.Statements {
				c := iacdoc.Canonical(&policy.Document{Version: policy.Version2012, Statements: []*policy.Statement{s}})
				got = append(got, fmt.Sprint(s.Pos.Line, " ", strings.TrimPrefix(c, "Version 2012-10-17\n")))
			}
			if !slices.Equal(got, tc.want) {
				t.Errorf("statements\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(tc.want, "\n"))
			}
			// Statements of different branches never stand in one policy:
			// OrgPull twice is no duplicate Sid.
			if len(r.Policy.Doc.Problems) != 0 {
				t.Errorf("problems %v", r.Policy.Doc.Problems)
			}
			if tc.note != "" && !hasNote(est, tc.note) {
				t.Errorf("no note %q in %v", tc.note, est.Notes)
			}
		})
	}
}

// Statements that one undecided !If gives in both its branches, or that
// are written twice, may be in one policy: a Sid they share is a
// duplicate.
func TestIfDuplicateSid(t *testing.T) {
	est := load(t, ifHead+`          - {Sid: Pull, Effect: Allow, Principal: "*", Action: !If [IsProd, ecr:BatchGetImage, ecr:PutImage]}
          - {Sid: Pull, Effect: Allow, Principal: "*", Action: ecr:ListImages}
`, Options{Account: acct})
	r := findRepo(t, est, "app")
	if n := len(r.Policy.Doc.Statements); n != 3 {
		t.Fatalf("%d statements, want 3", n)
	}
	if p := r.Policy.Doc.Problems; len(p) != 1 || p[0].Code != "duplicate-sid" || p[0].Pos.Line != 15 {
		t.Errorf("problems %v, want the Sid of line 15 a duplicate", p)
	}
}

// hasNote reports whether a note of est contains substr.
func hasNote(est *estate.Estate, substr string) bool {
	for _, n := range est.Notes {
		if strings.Contains(n.Message, substr) {
			return true
		}
	}
	return false
}

// A role's or user's Tags that the template does not settle (a parameter
// with no value) are unknown, not absent: a grant on aws:PrincipalTag may
// hold for them (docs/semantics.md, "Who can").
func TestIAMTagsUnknown(t *testing.T) {
	est := load(t, `Parameters:
  Team: {Type: String}
Resources:
  Known:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument: {Version: "2012-10-17", Statement: []}
      Tags: [{Key: team, Value: platform}]
  Later:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument: {Version: "2012-10-17", Statement: []}
      Tags: [{Key: team, Value: !Ref Team}]
  Erin:
    Type: AWS::IAM::User
    Properties:
      Tags: !Ref Team
`, Options{Account: "111122223333"})
	iam := est.Lookup("111122223333").IAM
	got := map[string]bool{}
	for _, r := range iam.Roles {
		got["role "+r.Identity.Name] = r.TagsUnknown
	}
	for _, u := range iam.Users {
		got["user "+u.Identity.Name] = u.TagsUnknown
	}
	want := map[string]bool{"role <!Ref Known>": false, "role <!Ref Later>": true, "user <!Ref Erin>": true}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s: tags unknown %v, want %v (all: %v)", k, got[k], v, got)
		}
	}
}
