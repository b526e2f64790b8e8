package rules

import "github.com/ecrguard/ecrguard/analysis"

// The setting every example is placed in: one scanned account with one
// region and one repository, and, for identity policies, one role of the
// account. The rule pages say so above the examples.
const (
	ExampleAccount    = "111122223333"
	ExampleRegion     = "us-east-1"
	ExampleRepository = "app"
	// ExampleIdentity holds an example's identity policy and boundary
	// unless the example names another.
	ExampleIdentity = "role/dev"
	// ExampleTemplatePrefix is the prefix of an example's repository
	// creation template, which serves pull through cache.
	ExampleTemplatePrefix = "team-a"
	// ExamplePublicRepository is the name of an example's ECR Public
	// repository.
	ExamplePublicRepository = "tools"
)

// Example is a small estate on which a rule must fire, or must stay quiet:
// it shows what the rule really decides. The rule's page (docs/rules)
// shows its examples, and TestExamples in rules runs each through Run.
// Policies are JSON text, as `aws ecr get-repository-policy` and `aws iam
// get-account-authorization-details` give them.
type Example struct {
	// About says, in one sentence, what the example shows.
	About string
	// Fires says whether the rule must fire.
	Fires bool
	// Others are the other rules that fire on the example, in id order.
	Others []string
	// RepositoryPolicy is the policy of ExampleRepository ("": none).
	RepositoryPolicy string
	// RegistryPolicy is the registry policy of ExampleRegion ("": none),
	// and RegistryScope its scope, V1 or V2 ("": not given; see
	// estate.Registry.Scope).
	RegistryPolicy string
	RegistryScope  string
	// TemplatePolicy is the repository policy of the creation template
	// ExampleTemplatePrefix ("": no template).
	TemplatePolicy string
	// PublicRepositoryPolicy is the policy of the ECR Public repository
	// ExamplePublicRepository ("": no public repository).
	PublicRepositoryPolicy string
	// IdentityPolicy is an inline policy of Identity.
	IdentityPolicy string
	// Boundary is the permissions boundary of Identity, a managed policy.
	Boundary string
	// SCP is a service control policy over the account.
	SCP string
	// Identity is "role/NAME" or "user/NAME"; "" is ExampleIdentity.
	Identity string
	// Settings are the configuration the example needs: the zone of trust
	// and the authorized sets.
	Settings analysis.Settings
}

// Holder is the identity that holds the example's identity policy and
// boundary.
func (x Example) Holder() string {
	if x.Identity == "" {
		return ExampleIdentity
	}
	return x.Identity
}
