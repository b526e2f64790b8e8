package estate

// GapCode is the machine-readable reason of a Gap: one of the constants
// below, or an error code AWS returned (AccessDeniedException,
// ThrottlingException), or HTTP followed by the status of an answer that
// carried no AWS error code (HTTP502). Reports print it as `code`, the value
// users match on; docs/report-json.md lists the constants, generated from
// their comments here.
type GapCode string

// Gap codes written by ecrguard. Each comment says when the code is used;
// the values are a contract of the reports and never change.
const (
	// GapReadError: a file or folder could not be read (permissions, too large, a path given that does not exist).
	GapReadError GapCode = "read-error"
	// GapNotAnInput: a file given as a PATH to scan is not an input ecrguard reads (not JSON, Terraform or CloudFormation, or JSON of no known shape).
	GapNotAnInput GapCode = "not-an-input"
	// GapNothingToRead: a folder given as a PATH to scan holds no input ecrguard reads.
	GapNothingToRead GapCode = "nothing-to-read"
	// GapParseError: a file is not valid JSON, YAML or HCL, or a policy in it does not decode as a document AWS would accept.
	GapParseError GapCode = "parse-error"
	// GapInvalidInput: an input has a known shape but a field is missing or of the wrong type.
	GapInvalidInput GapCode = "invalid-input"
	// GapNoAccount: an input names no account and none was given (--account).
	GapNoAccount GapCode = "no-account"
	// GapMissing: something an input file refers to is not in it (an attached managed policy, a group).
	GapMissing GapCode = "missing"
	// GapDuplicate: authorization details describe one user, group, role or managed policy twice; the first is used.
	GapDuplicate GapCode = "duplicate"
	// GapTruncated: a paginated AWS CLI output holds only some of its pages.
	GapTruncated GapCode = "truncated"
	// GapConflictingInputs: two inputs say different things about one resource (its policy, its tags, a registry policy's scope).
	GapConflictingInputs GapCode = "conflicting-inputs"
	// GapUnknownUntilApply: a Terraform value that decides what is assessed is not known until apply.
	GapUnknownUntilApply GapCode = "unknown-until-apply"
	// GapUnknownUntilDeploy: a CloudFormation value that decides what is assessed is not known until deployment.
	GapUnknownUntilDeploy GapCode = "unknown-until-deploy"
	// GapUnsupported: a construct ecrguard does not read (a Terraform module whose source is not a local path).
	GapUnsupported GapCode = "unsupported"
	// GapTooComplex: a Terraform configuration exceeds a limit of evaluation (steps, depth, value size, module nesting, instances); the rest is read as unknown.
	GapTooComplex GapCode = "too-complex"
	// GapInternalError: reading a Terraform module or plan failed inside ecrguard; what it held is not assessed.
	GapInternalError GapCode = "internal-error"
	// GapNestedStack: a CloudFormation nested stack's template is not read.
	GapNestedStack GapCode = "nested-stack"
	// GapTransform: a CloudFormation template has a Transform, whose output is not assessed.
	GapTransform GapCode = "transform"
	// GapTimeout: an AWS call did not finish within the call timeout.
	GapTimeout GapCode = "Timeout"
	// GapNetworkError: an AWS request could not be sent (DNS, connection refused).
	GapNetworkError GapCode = "NetworkError"
	// GapCanceled: the scan was interrupted before an AWS call finished.
	GapCanceled GapCode = "Canceled"
	// GapError: an AWS call failed with an error that carries no AWS error code.
	GapError GapCode = "Error"
	// GapMissingDocument: a document the analysis needs was not in an AWS answer and could not be fetched.
	GapMissingDocument GapCode = "missing-document"
	// GapPaginationLoop: a paginated AWS answer handed back a token it had handed out before, or a new one on each of 1,000 pages (a listing that does not end); what was listed until then is kept.
	GapPaginationLoop GapCode = "pagination-loop"
	// GapPolicyNotRead: the inputs name a repository but not its policy, so its exposure is not assessed.
	GapPolicyNotRead GapCode = "policy-not-read"
	// GapPolicyNotFound: a managed policy attached to a principal is neither in the inputs nor one ecrguard embeds.
	GapPolicyNotFound GapCode = "policy-not-found"
	// GapGroupNotFound: a user is in a group the inputs do not describe.
	GapGroupNotFound GapCode = "group-not-found"
	// GapTooManyCombinations: a policy's conditions combine into more request contexts than ecrguard tries, or in a way its search does not split exactly.
	GapTooManyCombinations GapCode = "too-many-combinations"
	// GapUnknownOperator: a condition uses an operator AWS does not define, so its statement cannot be evaluated.
	GapUnknownOperator GapCode = "unknown-operator"
	// GapNotInInputs: who-can was asked about a repository whose policy the inputs do not give.
	GapNotInInputs GapCode = "not-in-inputs"
	// GapNoIdentities: who-can was asked about an account whose IAM users and roles the inputs do not hold.
	GapNoIdentities GapCode = "no-identities"
)
