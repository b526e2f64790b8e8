// Package livetest serves fake AWS accounts over HTTP in AWS's own wire
// formats, for tests that drive the real SDK clients: ECR, ECR Public and
// Organizations speak JSON 1.1 (X-Amz-Target), IAM and STS the query
// protocol with XML answers. It also starts moto, the AWS emulator, for
// end-to-end tests, and builds an aws.Config that can reach nothing but the
// loopback interface.
//
// It is a test helper: only _test.go files import it.
package livetest

import (
	"time"
)

// Account is one fake AWS account.
type Account struct {
	ID string
	// CallerARN is what sts:GetCallerIdentity answers for the account's own
	// credentials (default arn:aws:iam::ID:user/tester).
	CallerARN string
	Regions   map[string]*Region
	// Public are ECR Public repositories (served in us-east-1).
	Public []Repo
	IAM    IAM
	// Org, when set, makes Organizations answer; nil answers
	// AWSOrganizationsNotInUseException.
	Org *Org
}

// Region is one account's ECR registry in a region.
type Region struct {
	Repos []Repo
	// RegistryPolicy is the registry policy text ("" answers
	// RegistryPolicyNotFoundException).
	RegistryPolicy string
	// Scope is REGISTRY_POLICY_SCOPE (default V2).
	Scope       string
	Replication []Destination
	// PageSize splits DescribeRepositories into pages (default 1000).
	PageSize int
	// EmptyLastPage adds a last page with no repositories and no token,
	// reached through a token on the last real page.
	EmptyLastPage bool
	// Templates are the repository creation templates;
	// TemplatePageSize splits DescribeRepositoryCreationTemplates into
	// pages (default 50).
	Templates        []Template
	TemplatePageSize int
}

// Template is a repository creation template.
type Template struct {
	Prefix     string
	AppliedFor []string
	// Policy is the repository policy it gives ("": none).
	Policy string
}

// Repo is a repository.
type Repo struct {
	Name string
	// Policy is the policy text ("" answers
	// RepositoryPolicyNotFoundException).
	Policy  string
	Tags    map[string]string
	Created time.Time
}

// Destination is a replication destination.
type Destination struct{ Account, Region string }

// IAM is an account's identities and policies. Documents are plain JSON;
// the server URL-encodes them as IAM does.
type IAM struct {
	Users    []User
	Groups   []Group
	Roles    []Role
	Policies []ManagedPolicy
	// Hidden are managed policies GetAccountAuthorizationDetails leaves
	// out but iam:GetPolicy and iam:GetPolicyVersion serve.
	Hidden []ManagedPolicy
	// PageSize is the number of entities (users, groups, roles, policies)
	// per GetAccountAuthorizationDetails page (default: all in one).
	PageSize int
}

// User is an IAM user.
type User struct {
	Name     string
	Inline   map[string]string
	Attached []string
	Groups   []string
	Boundary string
	Tags     map[string]string
}

// Group is an IAM group.
type Group struct {
	Name     string
	Inline   map[string]string
	Attached []string
}

// Role is an IAM role.
type Role struct {
	Name     string
	Path     string
	Trust    string
	Inline   map[string]string
	Attached []string
	Boundary string
	Tags     map[string]string
}

// ManagedPolicy is a managed policy; an ARN under arn:aws:iam::aws: is an
// AWS managed policy.
type ManagedPolicy struct {
	Name     string
	ARN      string
	Version  string
	Document string
	// Attachments is the AttachmentCount the answer reports.
	Attachments int
}

// Org is the organization around an account.
type Org struct {
	ID           string
	ManagementID string
	SCPEnabled   bool
	RCPEnabled   bool
	RootID       string
	OUs          []string // from the root down to the account's parent
	AttachedSCPs map[string][]SCP
	// AttachedRCPs are the resource control policies by target.
	AttachedRCPs    map[string][]SCP
	MemberAccounts  []string
	SuspendedMember []string
}

// SCP is an organization policy: a service control policy, or in
// Org.AttachedRCPs a resource control policy.
type SCP struct {
	ID, Name, Content string
}

// Fault makes calls fail. Empty fields match anything.
type Fault struct {
	// API is "ecr:GetRepositoryPolicy", "iam:GetAccountAuthorizationDetails", ...
	API     string
	Account string
	Region  string
	// Resource is a repository name, a policy ARN or a target id.
	Resource string
	// Code is the AWS error code; Status its HTTP status (default 400, or
	// 403 for AccessDenied in the query protocol).
	Code    string
	Message string
	Status  int
	// Times is how many matching calls fail (0: all).
	Times int
	// Delay holds the answer back (for timeouts).
	Delay time.Duration
	// Page, when > 0, fails only that page (1-based) of a paginated call.
	Page int

	hits int
}
