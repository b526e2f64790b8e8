package exposure

import (
	"encoding/json"
	"fmt"
	"maps"
	"math/rand/v2"
	"net/netip"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/ecrguard/ecrguard/catalog"
	"github.com/ecrguard/ecrguard/eval"
	"github.com/ecrguard/ecrguard/policy"
)

// The exposure property test holds the analysis to the evaluator for
// every kind of outsider (docs/semantics.md: every request, not a
// sample): for generated repository policies, half of them under a
// generated RCP and a quarter in a registry with a generated policy, no
// random request of an IAM user, a role session, a federated user or an
// account root outside the zone is allowed for an action the analysis
// reports neither as public nor for the caller: for its account when the
// policies name it (Result.Accounts), for its organization or OU when they
// name that (Result.Orgs); and every proof it reports replays to Allow.

// propConds are the condition snippets the generator draws from: caller
// keys, keys the caller chooses, keys the world fixes.
var propConds = []struct{ op, key string }{
	{"StringEquals", "aws:username"}, {"StringNotEquals", "aws:username"}, {"StringLike", "aws:username"},
	{"StringEquals", "aws:PrincipalType"}, {"StringNotEquals", "aws:PrincipalType"},
	{"ArnLike", "aws:PrincipalArn"}, {"ArnNotLike", "aws:PrincipalArn"}, {"StringLike", "aws:PrincipalArn"},
	{"StringLike", "aws:userid"}, {"StringNotLike", "aws:userid"},
	{"StringEquals", "aws:PrincipalAccount"}, {"StringNotEquals", "aws:PrincipalAccount"},
	{"StringEquals", "aws:PrincipalOrgID"}, {"StringNotEquals", "aws:PrincipalOrgID"},
	{"Bool", "aws:MultiFactorAuthPresent"}, {"BoolIfExists", "aws:MultiFactorAuthPresent"}, {"Null", "aws:MultiFactorAuthPresent"},
	// Keys a real request sets together (links): the age of the MFA,
	// present only with MFA, and the time of temporary credentials; the
	// internet or a VPC endpoint (aws:SourceIp absent); a chain of
	// services, only where a service calls with the caller's credentials.
	{"NumericLessThan", "aws:MultiFactorAuthAge"}, {"Null", "aws:MultiFactorAuthAge"}, {"Null", "aws:TokenIssueTime"},
	{"StringEquals", "aws:SourceVpce"}, {"Null", "aws:SourceVpce"}, {"Null", "aws:SourceIp"},
	{"Bool", "aws:ViaAWSService"}, {"ForAnyValue:StringEquals", "aws:CalledVia"}, {"Null", "aws:CalledViaFirst"},
	{"StringEquals", "aws:PrincipalTag/team"}, {"StringNotEquals", "ecr:ResourceTag/team"},
	{"StringLike", "aws:UserAgent"}, {"IpAddress", "aws:SourceIp"}, {"NotIpAddress", "aws:SourceIp"},
	{"StringEquals", "aws:ResourceAccount"}, {"StringEquals", "aws:RequestedRegion"},
	{"DateLessThan", "aws:CurrentTime"}, {"DateGreaterThan", "aws:CurrentTime"},
	{"Bool", "aws:SecureTransport"},
	// The owner's organization, which the inputs do not name.
	{"StringEquals", "aws:ResourceOrgID"}, {"Null", "aws:ResourceOrgID"}, {"StringLike", "aws:ResourceOrgPaths"},
	{"StringNotEqualsIfExists", "aws:PrincipalOrgID"}, {"StringNotLike", "aws:PrincipalOrgPaths"},
	// An OU in whichever organization holds it.
	{"ForAnyValue:StringLike", "aws:PrincipalOrgPaths"},
	// Keys only requests that pass tags carry.
	{"StringEquals", "aws:RequestTag/team"}, {"Null", "aws:RequestTag/team"},
	// Values in capitals (O-A1B2C3D4E5) match AWS's lower-case ids only
	// when case is ignored.
	{"StringEqualsIgnoreCase", "aws:PrincipalOrgID"}, {"StringNotEqualsIgnoreCase", "aws:PrincipalOrgID"},
	{"StringEqualsIgnoreCase", "aws:PrincipalArn"}, {"StringNotEqualsIgnoreCase", "aws:PrincipalArn"},
}

// propValues are the values of propConds' keys. A user's ARN holds its
// path, aws:username only its name: the ARN patterns that end in
// ${aws:username} tell the two apart. A pattern of fewer than six parts
// (arn:aws:iam::2109*) is matched whole: it names the accounts 2109…; a
// variable's default names 210987654321 to all but services.
var propValues = map[string][]string{
	"aws:username":               {"admin", "ad*", "alice", "ci-*", "${aws:PrincipalTag/team}"},
	"aws:PrincipalType":          {"User", "AssumedRole", "FederatedUser", "Account"},
	"aws:PrincipalArn":           {"arn:aws:iam::*:role/ci-*", "arn:aws:iam::*:user/admin", "arn:aws:sts::*:federated-user/*", "arn:aws:iam::111122223333:role/*", "arn:aws:iam::*:root", "arn:aws:iam::*:user/ops/*", "ARN:AWS:IAM::444455556666:ROLE/ADMIN", "arn:aws:iam::*:user/${aws:username}", "arn:aws:iam::*:user/*/${aws:username}", "arn:aws:iam::2109*"},
	"aws:userid":                 {"*:alice", "AIDA*", "*:ci-*", "111122223333:*"},
	"aws:PrincipalAccount":       {"111122223333", "444455556666", "${aws:SourceAccount, '210987654321'}"},
	"aws:PrincipalOrgID":         {"o-a1b2c3d4e5", "${aws:ResourceOrgID}", "O-A1B2C3D4E5"},
	"aws:PrincipalOrgPaths":      {"${aws:ResourceOrgPaths}*", "${aws:ResourceOrgID}/*", "*/ou-x/*"},
	"aws:ResourceOrgID":          {"o-a1b2c3d4e5", "${aws:PrincipalOrgID}"},
	"aws:ResourceOrgPaths":       {"o-a1b2c3d4e5/*", "*/ou-x/*"},
	"aws:MultiFactorAuthPresent": {"true", "false"},
	"aws:MultiFactorAuthAge":     {"3600", "600"},
	"aws:SourceVpce":             {"vpce-0123456789abcdef0"},
	"aws:ViaAWSService":          {"true", "false"},
	"aws:CalledVia":              {"cloudformation.amazonaws.com"},
	"aws:CalledViaFirst":         {"cloudformation.amazonaws.com"},
	"aws:TokenIssueTime":         {"2026-01-01T00:00:00Z"},
	"aws:PrincipalTag/team":      {"blue", "admin"},
	"aws:RequestTag/team":        {"blue", "admin"},
	"ecr:ResourceTag/team":       {"${aws:PrincipalTag/team}", "blue", "${aws:username}"},
	"aws:UserAgent":              {"aws-cli/*", "*terraform*"},
	"aws:SourceIp":               {"0.0.0.0/1", "128.0.0.0/1", "203.0.113.0/24", "::/0"},
	"aws:ResourceAccount":        {"111122223333", "999988887777"},
	"aws:RequestedRegion":        {"us-east-1", "eu-west-1"},
	"aws:CurrentTime":            {"2020-01-01T00:00:00Z", "2030-01-01T00:00:00Z"},
	"aws:SecureTransport":        {"true", "false"},
}

var propPrincipals = []any{"*", "*", "*", map[string]any{"AWS": "*"}, map[string]any{"AWS": "arn:aws:iam::444455556666:root"},
	// A role and some of its sessions (outsiderRequest's names): a caller
	// picks one session name for every statement.
	map[string]any{"AWS": "arn:aws:iam::444455556666:role/admin"},
	map[string]any{"AWS": []string{"arn:aws:sts::444455556666:assumed-role/admin/x", "arn:aws:sts::444455556666:assumed-role/admin/blue"}}}

func genRepoPolicy(r *rand.Rand) string { return repoPool.generate(r) }

// policyPool is what generated repository policies are drawn from.
type policyPool struct {
	// stmts is the most statements a policy has.
	stmts   int
	actions []string
	// notPrincipal is the NotPrincipal of one Deny in eight.
	notPrincipal map[string]any
	principals   []any
	conds        []struct{ op, key string }
	values       map[string][]string
	// oneOf is the operator whose one value is true or false.
	oneOf string
	// resources are the Resource elements of one statement in four (none:
	// no Resource element).
	resources []string
}

var repoPool = policyPool{
	stmts:        4,
	actions:      []string{"ecr:BatchGetImage", "ecr:*", "ecr:PutImage", "*"},
	notPrincipal: map[string]any{"AWS": "arn:aws:iam::111122223333:root"},
	principals:   propPrincipals, conds: propConds, values: propValues, oneOf: "Null",
	// Repositories named after the user: a user called app, with a path
	// or not, meets them.
	resources: []string{"*", "arn:aws:ecr:us-east-1:111122223333:repository/${aws:username}", "arn:aws:ecr:us-east-1:111122223333:repository/*${aws:username}"},
}

// generate writes a random policy of the pool's statements.
func (p policyPool) generate(r *rand.Rand) string {
	var stmts []map[string]any
	for n := 1 + r.IntN(p.stmts); n > 0; n-- {
		st := map[string]any{
			"Effect": []string{"Allow", "Allow", "Deny"}[r.IntN(3)],
			"Action": p.actions[r.IntN(len(p.actions))],
		}
		if r.IntN(8) == 0 && st["Effect"] == "Deny" {
			st["NotPrincipal"] = p.notPrincipal
		} else {
			st["Principal"] = p.principals[r.IntN(len(p.principals))]
		}
		if len(p.resources) > 0 && r.IntN(4) == 0 {
			st["Resource"] = p.resources[r.IntN(len(p.resources))]
		}
		cond := map[string]map[string]any{}
		for c := r.IntN(3); c > 0; c-- {
			pc := p.conds[r.IntN(len(p.conds))]
			vals := p.values[pc.key]
			var vs []string
			for m := 1 + r.IntN(2); m > 0; m-- {
				vs = append(vs, vals[r.IntN(len(vals))])
			}
			if pc.op == p.oneOf {
				vs = []string{[]string{"true", "false"}[r.IntN(2)]}
			}
			if cond[pc.op] == nil {
				cond[pc.op] = map[string]any{}
			}
			cond[pc.op][pc.key] = vs
		}
		if len(cond) > 0 {
			st["Condition"] = cond
		}
		stmts = append(stmts, st)
	}
	b, _ := json.Marshal(map[string]any{"Version": "2012-10-17", "Statement": stmts})
	return string(b)
}

// genRCPPolicy writes a random RCP: RCPFullAWSAccess and one or two Deny
// statements for everyone, with conditions drawn as the repository
// policy's, and the perimeter's aws:PrincipalIsAWSService test.
func genRCPPolicy(r *rand.Rand) string {
	stmts := []map[string]any{{"Sid": "RCPFullAWSAccess", "Effect": "Allow", "Principal": "*", "Action": "*", "Resource": "*"}}
	for n := 1 + r.IntN(2); n > 0; n-- {
		st := map[string]any{
			"Effect": "Deny", "Principal": "*", "Resource": "*",
			"Action": []string{"ecr:BatchGetImage", "ecr:*", "ecr:PutImage", "*"}[r.IntN(4)],
		}
		if cond := genDenyConds(r); len(cond) > 0 {
			st["Condition"] = cond
		}
		stmts = append(stmts, st)
	}
	b, _ := json.Marshal(map[string]any{"Version": "2012-10-17", "Statement": stmts})
	return string(b)
}

// genDenyConds draws the conditions of a guardrail's Deny statement: up to
// two snippets with one value each, and now and then the perimeter's
// aws:PrincipalIsAWSService test.
func genDenyConds(r *rand.Rand) map[string]map[string]any {
	cond := map[string]map[string]any{}
	for c := r.IntN(3); c > 0; c-- {
		pc := propConds[r.IntN(len(propConds))]
		vs := []string{propValues[pc.key][r.IntN(len(propValues[pc.key]))]}
		if pc.op == "Null" {
			vs = []string{[]string{"true", "false"}[r.IntN(2)]}
		}
		if cond[pc.op] == nil {
			cond[pc.op] = map[string]any{}
		}
		cond[pc.op][pc.key] = vs
	}
	if r.IntN(3) == 0 {
		cond["BoolIfExists"] = map[string]any{"aws:PrincipalIsAWSService": "false"}
	}
	return cond
}

// propRoots are the account roots the registry policy generator names:
// the named outsider of the repository policies, one only the registry
// policy names, and the owner.
var propRoots = []string{"arn:aws:iam::444455556666:root", "arn:aws:iam::555566667777:root", "arn:aws:iam::111122223333:root"}

// genRegistryPolicy writes a random registry policy: one or two Deny
// statements for everyone, for a named account (Principal) or for all but
// one (NotPrincipal), by Action or NotAction, over every resource, the
// registry's repositories, those whose names start "ap" (app among them)
// or the registry itself (no repository), with conditions drawn as the
// RCP's; now and then a grant of replication to a named account, which
// counts on the registry, not here.
func genRegistryPolicy(r *rand.Rand) string {
	acts := []string{"ecr:BatchGetImage", "ecr:*", "ecr:PutImage", "*", "ecr:ReplicateImage", "ecr:CreateRepository"}
	resources := []string{"*", "arn:aws:ecr:us-east-1:111122223333:repository/*", "arn:aws:ecr:us-east-1:111122223333:repository/ap*", "arn:aws:ecr:us-east-1:111122223333:registry"}
	var stmts []map[string]any
	if r.IntN(3) == 0 {
		stmts = append(stmts, map[string]any{"Effect": "Allow", "Principal": map[string]any{"AWS": propRoots[r.IntN(2)]},
			"Action": []string{"ecr:ReplicateImage", "ecr:CreateRepository"}, "Resource": resources[r.IntN(len(resources))]})
	}
	for n := 1 + r.IntN(2); n > 0; n-- {
		st := map[string]any{"Effect": "Deny", "Resource": resources[r.IntN(len(resources))]}
		switch r.IntN(6) {
		case 0, 1, 2:
			st["Principal"] = "*"
		case 3, 4:
			st["Principal"] = map[string]any{"AWS": propRoots[r.IntN(len(propRoots))]}
		default:
			st["NotPrincipal"] = map[string]any{"AWS": propRoots[r.IntN(len(propRoots))]}
		}
		if act := acts[r.IntN(len(acts))]; r.IntN(4) == 0 {
			st["NotAction"] = act
		} else {
			st["Action"] = act
		}
		if cond := genDenyConds(r); len(cond) > 0 {
			st["Condition"] = cond
		}
		stmts = append(stmts, st)
	}
	b, _ := json.Marshal(map[string]any{"Version": "2012-10-17", "Statement": stmts})
	return string(b)
}

// outsider is who makes an outsider request: its account, its
// organization and OU path ("": none), and whether that organization is
// the owner's, which the inputs do not name.
type outsider struct {
	account, org, path string
	inOwnerOrg         bool
}

// outsiderRequest draws a request some outsider can make: a random kind of
// caller in an account the policies never name (123456789012, and
// 210987654321 but by a pattern) or in one they may name (444455556666 in the repository
// policies and RCPs, 555566667777 in the registry policies), in no
// organization, in one they never name (o-zzzzzzzzzz) or in one they may
// name (o-a1b2c3d4e5), with names and values of its choosing, and the
// world's keys as the analysis fixes them; the owner's organization, which
// the inputs do not name, is none or one at random.
func outsiderRequest(r *rand.Rand, at time.Time) (p eval.Principal, ctx *eval.Context, who outsider) {
	acct := []string{"123456789012", "210987654321", "444455556666", "555566667777"}[r.IntN(4)]
	who.account = acct
	names := []string{"admin", "alice", "ci-deploy", "ops/admin", "x", "blue", "app", "ops/app"}
	name := names[r.IntN(len(names))]
	ctx = eval.NewContext()
	mfa := []string{"", "true", "false"}[r.IntN(3)]
	switch r.IntN(4) {
	case 0:
		p = eval.Principal{Type: eval.User, ARN: "arn:aws:iam::" + acct + ":user/" + name, Account: acct}
		ctx.Set("aws:userid", "AIDARANDOMUSER"+fmt.Sprint(r.IntN(9)))
	case 1:
		role := strings.ReplaceAll(name, "/", "-")
		session := names[r.IntN(len(names))]
		session = strings.ReplaceAll(session, "/", "-")
		p = eval.Principal{Type: eval.AssumedRole, ARN: "arn:aws:sts::" + acct + ":assumed-role/" + role + "/" + session,
			RoleARN: "arn:aws:iam::" + acct + ":role/" + role, Account: acct}
		ctx.Set("aws:userid", "AROARANDOMROLE:"+session)
		if mfa == "" {
			mfa = "false"
		}
	case 2:
		fed := strings.ReplaceAll(name, "/", "-")
		p = eval.Principal{Type: eval.FederatedUser, ARN: "arn:aws:sts::" + acct + ":federated-user/" + fed, Account: acct}
		ctx.Set("aws:userid", acct+":"+fed)
		ctx.Set("aws:PrincipalArn", p.ARN)
		if mfa == "" {
			mfa = "true"
		}
	default:
		p = eval.Principal{Type: eval.Root, ARN: "arn:aws:iam::" + acct + ":root", Account: acct}
		ctx.Set("aws:userid", acct)
	}
	if mfa != "" {
		ctx.Set("aws:MultiFactorAuthPresent", mfa)
	}
	if mfa == "true" {
		// The age of the MFA, present only with MFA (IAM User Guide,
		// "AWS global condition context keys").
		ctx.Set("aws:MultiFactorAuthAge", []string{"60", "7200"}[r.IntN(2)])
	}
	if mfa != "" && r.IntN(2) == 0 {
		// Temporary credentials, and when they were issued.
		ctx.Set("aws:TokenIssueTime", "2026-01-01T00:00:00Z")
	}
	// Directly, or through a service with the caller's credentials, and
	// then maybe a chain of services.
	ctx.Set("aws:ViaAWSService", "false")
	if r.IntN(4) == 0 {
		ctx.Set("aws:ViaAWSService", "true")
		if r.IntN(2) == 0 {
			ctx.Set("aws:CalledVia", "cloudformation.amazonaws.com")
			ctx.Set("aws:CalledViaFirst", "cloudformation.amazonaws.com")
			ctx.Set("aws:CalledViaLast", "cloudformation.amazonaws.com")
		}
	}
	owner := []string{"", "o-yyyyyyyyyy", "o-zzzzzzzzzz", "o-a1b2c3d4e5"}[r.IntN(4)]
	ownerPath := owner + []string{"/r-zzzz/", "/r-zzzz/ou-x/"}[r.IntN(2)]
	if owner != "" {
		ctx.Set("aws:ResourceOrgID", owner)
		ctx.Set("aws:ResourceOrgPaths", ownerPath)
	}
	if org := []string{"", "o-zzzzzzzzzz", "o-zzzzzzzzzz", "o-a1b2c3d4e5"}[r.IntN(4)]; org != "" {
		who.org, who.path = org, org+"/r-zzzz/"+[]string{"", "ou-x/"}[r.IntN(2)]
		ctx.Set("aws:PrincipalOrgID", who.org)
		ctx.Set("aws:PrincipalOrgPaths", who.path)
		who.inOwnerOrg = owner == org
	}
	if r.IntN(2) == 0 {
		ctx.Set("aws:PrincipalTag/team", []string{"blue", "admin", "red"}[r.IntN(3)])
	}
	if r.IntN(2) == 0 {
		ctx.Set("ecr:ResourceTag/team", []string{"blue", "admin", "red"}[r.IntN(3)])
	}
	if r.IntN(2) == 0 {
		ctx.Set("aws:UserAgent", []string{"aws-cli/2", "terraform/1", "curl"}[r.IntN(3)])
	}
	if r.IntN(4) == 0 {
		// Through a VPC endpoint of its own: no aws:SourceIp (IAM User
		// Guide, "AWS global condition context keys").
		ctx.Set("aws:SourceVpce", "vpce-0fffffffffffffff0")
		ctx.Set("aws:VpcSourceIp", "10.1.2.3")
	} else {
		ctx.Set("aws:SourceIp", []string{"198.51.100.7", "203.0.113.9", "2001:db8::1", "10.0.0.1"}[r.IntN(4)])
	}
	eval.Derive(ctx, p)
	setWorld(ctx, at)
	return p, ctx, who
}

// setWorld sets the world's keys of a request at time at to the owner's
// repository.
func setWorld(ctx *eval.Context, at time.Time) {
	ctx.Set("aws:ResourceAccount", "111122223333")
	ctx.Set("aws:RequestedRegion", "us-east-1")
	ctx.Set("aws:CurrentTime", at.UTC().Format(time.RFC3339))
	ctx.Set("aws:EpochTime", fmt.Sprint(at.Unix()))
	ctx.Set("aws:SecureTransport", "true")
}

// propertyStats counts what checkExposure checked.
type propertyStats struct {
	checked, proofs, truncated, closed int
	// named counts the requests checked whose caller is in an account
	// the policies name.
	named int
}

// checkExposure holds the analysis of a repository policy src, under rcp
// (an RCP, "": none) and in a registry whose policy is registry ("": none)
// of the given scope, to the evaluator. A registry policy's Deny statements
// limit every request (ECR User Guide, "Private registry permissions in
// Amazon ECR"), under V1 only those for ecr:ReplicateImage,
// ecr:BatchImportUpstreamImage and ecr:CreateRepository; its grants are
// judged on the registry, so the evaluator is given its Deny statements
// alone, for the actions its scope governs. Every proof of the public, an
// organization or an account replays to Allow, and none of requests random
// outsider requests is allowed for an action the analysis reports neither
// as public nor for the caller's account or organization. It returns the
// first disagreement.
func checkExposure(src, rcp, registry, scope string, r *rand.Rand, at time.Time, requests int, st *propertyStats) error {
	cat := catalog.Default()
	actions := []string{"ecr:BatchGetImage", "ecr:PutImage", "ecr:DeleteRepository", "ecr:ReplicateImage", "ecr:TagResource"}
	doc, err := policy.Parse([]byte(src), "generated.json")
	if err != nil {
		return nil // not a policy; the parser's fuzz test's business
	}
	var rcps []*eval.Policy
	var reg, regDenies *eval.Policy
	stmts := doc.Statements
	if rcp != "" {
		rcpDoc, err := policy.Parse([]byte(rcp), "rcp.json")
		if err != nil {
			return nil
		}
		stmts = append(append([]*policy.Statement(nil), stmts...), rcpDoc.Statements...)
		rcps = []*eval.Policy{eval.Compile("rcp", rcpDoc)}
		src += "\nrcp: " + rcp
	}
	if registry != "" {
		regDoc, err := policy.Parse([]byte(registry), "registry.json")
		if err != nil {
			return nil
		}
		reg = eval.Compile("registry policy", regDoc)
		denies := &policy.Document{Version: regDoc.Version}
		for i, s := range regDoc.Statements {
			if s.Effect == policy.Deny {
				denies.Statements = append(denies.Statements, s)
				// The networks the policies name are those of the
				// statements that apply (docs/semantics.md, "Where
				// from"): under V1, those that deny a V1 action.
				if scope == "V2" || !reg.StatementActions(i).Intersect(cat.MatchSet("ecr:ReplicateImage").Union(cat.MatchSet("ecr:CreateRepository")).Union(cat.MatchSet("ecr:BatchImportUpstreamImage"))).Empty() {
					stmts = append(slices.Clip(stmts), s)
				}
			}
		}
		regDenies = eval.Compile("registry policy", denies)
		src += "\nregistry policy (" + scope + "): " + registry
	}
	// policies is the evaluator's policy set for a request for act.
	resource := eval.Compile("generated", doc)
	policies := func(act string) *eval.PolicySet {
		ps := &eval.PolicySet{Resource: resource, ResourceAccount: "111122223333", CallerAllowsAll: true, RCPs: rcps}
		if scope == "V2" || act == "ecr:ReplicateImage" || act == "ecr:BatchImportUpstreamImage" || act == "ecr:CreateRepository" {
			ps.Registry = regDenies
		}
		return ps
	}
	res := Analyze(Target{Kind: Repository, ARN: "arn:aws:ecr:us-east-1:111122223333:repository/app", Account: "111122223333",
		Region: "us-east-1", Repository: "app", Policy: eval.Compile("repository policy of app", doc), RCPs: rcps, Registry: reg, RegistryScope: scope, At: at}, Zone{Account: "111122223333"})
	if res.Truncated {
		st.truncated++
		return nil
	}
	for _, g := range res.Guardrails {
		if g.Closed {
			st.closed++
			break
		}
	}
	// The proofs replay with the world's keys as they set them (the
	// owner's organization among them).
	proofs := res.Public.Proofs
	var inOrgs catalog.ActionSet
	for _, acc := range res.Orgs {
		proofs = append(slices.Clip(proofs), acc.Proofs...)
		inOrgs = inOrgs.Union(acc.Actions)
	}
	for _, acc := range res.Accounts {
		proofs = append(slices.Clip(proofs), acc.Proofs...)
	}
	for _, p := range proofs {
		st.proofs++
		// A session's aws:userid ends in its name: a role's proof replays
		// as the session its aws:userid names.
		req := p.Witness.Request
		uid, _ := req.Context.Get("aws:userid")
		switch pr := &req.Principal; pr.Type {
		case eval.AssumedRole:
			if session := pr.ARN[strings.LastIndexByte(pr.ARN, '/')+1:]; len(uid) != 1 || !strings.HasSuffix(uid[0], ":"+session) {
				return fmt.Errorf("the proof's caller %s has aws:userid %v\npolicy: %s", pr, uid, src)
			}
		case eval.Role:
			if len(uid) != 1 || !strings.Contains(uid[0], ":") {
				return fmt.Errorf("the proof's caller %s has aws:userid %v\npolicy: %s", pr, uid, src)
			}
			pr.Session = uid[0][strings.IndexByte(uid[0], ':')+1:]
		}
		if d := eval.Evaluate(policies(req.Action), &req); d.Result != eval.Allow {
			return fmt.Errorf("the proof %v (%s) replays to %v\npolicy: %s", p.Witness.Chosen, p.Witness.Request.Principal, d.Result, src)
		}
		// A request that can be made: an MFA age only with MFA.
		if _, ok := req.Context.Get("aws:MultiFactorAuthAge"); ok {
			if mfa, _ := req.Context.Get("aws:MultiFactorAuthPresent"); !slices.Equal(mfa, []string{"true"}) {
				return fmt.Errorf("the proof %v has an MFA age without MFA (%s)\npolicy: %s", p.Witness.Chosen, req.Principal, src)
			}
		}
		// A request that can be made: a token's time only with temporary
		// credentials, a chain of services only through a service.
		if _, ok := req.Context.Get("aws:TokenIssueTime"); ok && (req.Principal.Type == eval.User || req.Principal.Type == eval.Root) {
			if _, temporary := req.Context.Get("aws:MultiFactorAuthPresent"); !temporary {
				return fmt.Errorf("the proof %v has aws:TokenIssueTime with long-term keys (%s)\npolicy: %s", p.Witness.Chosen, req.Principal, src)
			}
		}
		if via, _ := req.Context.Get("aws:ViaAWSService"); slices.Equal(via, []string{"false"}) {
			for _, k := range []string{"aws:CalledVia", "aws:CalledViaFirst", "aws:CalledViaLast"} {
				if _, chain := req.Context.Get(k); chain {
					return fmt.Errorf("the proof %v has %s on a direct call (%s)\npolicy: %s", p.Witness.Chosen, k, req.Principal, src)
				}
			}
		}
		// A request that can be made: from the internet or through an
		// endpoint, not both.
		if _, ok := req.Context.Get("aws:SourceIp"); ok {
			for _, k := range []string{"aws:SourceVpce", "aws:SourceVpc", "aws:VpcSourceIp"} {
				if _, vpc := req.Context.Get(k); vpc {
					return fmt.Errorf("the proof %v has aws:SourceIp and %s (%s)\npolicy: %s", p.Witness.Chosen, k, req.Principal, src)
				}
			}
		}
		// A request that can be made: tags only where the action takes them.
		if _, ok := req.Context.Get("aws:RequestTag/team"); ok && tagsCarried(req.Action)&1 == 0 {
			return fmt.Errorf("the proof %v of %s passes tags, which %s takes none of\npolicy: %s", p.Witness.Chosen, req.Action, req.Action, src)
		}
	}
	// An account the statements that apply name (in a Principal or
	// NotPrincipal, an account root or an ARN in it, or a condition value)
	// is a named outsider; the rest are the public.
	named := map[string]bool{}
	for _, st := range stmts {
		var vals []policy.Value
		for _, pr := range []*policy.Principal{st.Principal, st.NotPrincipal} {
			if pr != nil {
				for _, e := range pr.Entries {
					vals = append(vals, e.Value)
				}
			}
		}
		for _, c := range st.Conditions {
			for _, v := range c.Values {
				// An ARN in capitals matches only when case is ignored:
				// under another operator it names nobody.
				if c.Op.IgnoreCase || !strings.HasPrefix(v.Text, "ARN:") {
					vals = append(vals, v)
				}
			}
		}
		for _, v := range vals {
			for _, acct := range []string{"123456789012", "210987654321", "444455556666", "555566667777"} {
				// A pattern names the accounts whose id it begins
				// (2109*).
				if strings.Contains(v.Text, acct) || strings.Contains(v.Text, acct[:4]+"*") {
					named[acct] = true
				}
			}
		}
	}
	// covered is what the analysis reports for an outsider: what is
	// public; for an account the policies name, what the result reports
	// for it (Result.Accounts, by its id or a pattern that matches it);
	// for an account they do not name in an organization,
	// what it reports for the organization (Result.Orgs: its id, or an OU
	// path pattern the caller's path matches); for a member of the
	// owner's organization, anything reported for an organization (the
	// owner's, under the label of the organization the world chose).
	covered := func(who outsider) catalog.ActionSet {
		open := res.Public.Actions
		if named[who.account] {
			for label, acc := range res.Accounts {
				if label == who.account || policy.Match(label, who.account) {
					open = open.Union(acc.Actions)
				}
			}
		} else if who.org != "" {
			for label, acc := range res.Orgs {
				if label == who.org || strings.Contains(label, "/") && policy.Match(label, who.path) {
					open = open.Union(acc.Actions)
				}
			}
		}
		if who.inOwnerOrg {
			open = open.Union(inOrgs)
		}
		return open
	}
	// docs/semantics.md: an outsider is not on a network the policies
	// name, unless the ranges cover a whole address family.
	var ranges []netip.Prefix
	for _, st := range stmts {
		for _, c := range st.Conditions {
			if strings.EqualFold(c.Key, "aws:SourceIp") {
				for _, v := range c.Values {
					if pfx, ok := policy.ParseCIDR(v.Text); ok {
						ranges = append(ranges, pfx)
					}
				}
			}
		}
	}
	inside := func(a netip.Addr) bool {
		for _, pfx := range ranges {
			if pfx.Contains(a) {
				return true
			}
		}
		return false
	}
	for j := 0; j < requests; j++ {
		p, ctx, who := outsiderRequest(r, at)
		// A principal the policies name may be on the networks they
		// name; any other outsider is not.
		if ip, ok := ctx.Get("aws:SourceIp"); ok {
			a := netip.MustParseAddr(ip[0])
			if !named[who.account] && inside(a) && !inside(eval.OutsideAddress(ranges, a.Is6())) {
				continue
			}
		}
		act := actions[r.IntN(len(actions))]
		if tagsCarried(act)&1 != 0 && r.IntN(2) == 0 {
			// Only requests that pass tags carry them.
			ctx.Set("aws:RequestTag/team", []string{"blue", "red"}[r.IntN(2)])
		}
		if covered(who).Has(cat.Lookup(act).Index) || len(res.Opens) > 0 {
			continue
		}
		req := &eval.Request{Principal: p, Action: act, Resource: "arn:aws:ecr:us-east-1:111122223333:repository/app", Context: ctx}
		st.checked++
		if named[who.account] {
			st.named++
		}
		if d := eval.Evaluate(policies(act), req); d.Result == eval.Allow {
			var kv []string
			for _, k := range ctx.Keys() {
				v, _ := ctx.Get(k)
				kv = append(kv, k+"="+strings.Join(v, "|"))
			}
			return fmt.Errorf("%s by %s (named: %v, in the owner's organization: %v) is allowed, but the analysis reports it neither as public nor for its account or organization\ncontext: %s\npolicy: %s", act, p, named[who.account], who.inOwnerOrg, strings.Join(kv, " "), src)
		}
	}
	return nil
}

func TestExposureProperty(t *testing.T) {
	policies, requests := 1000, 130
	if testing.Short() {
		policies, requests = 60, 40
	}
	st := exposureProperty(t, 11, policies, requests)
	// The property is checked only where the analysis answered: it must
	// answer for most policies, and both ways, for named outsiders too,
	// and RCPs must close something now and then.
	if st.truncated > policies/10 || st.proofs == 0 || st.checked == 0 || st.named == 0 || st.closed == 0 {
		t.Errorf("%d of %d policies truncated, %d proofs, %d requests checked (%d by named outsiders), %d closed by an RCP: the property was hardly tested", st.truncated, policies, st.proofs, st.checked, st.named, st.closed)
	}
}

// exposureProperty checks policies generated repository policies from seed
// with requests outsider requests each: every other one under a generated
// RCP, one in four in a registry whose policy is generated too, of scope
// V2 or V1.
func exposureProperty(t *testing.T, seed uint64, policies, requests int) propertyStats {
	t.Helper()
	r := rand.New(rand.NewPCG(seed, seed+1))
	at := time.Date(2026, 12, 6, 12, 0, 0, 0, time.UTC)
	var st propertyStats
	defer func() {
		t.Logf("seed %d: %d policies (%d truncated); %d proofs replayed; %d outsider requests evaluated (%d by named outsiders); %d with an RCP that closed something", seed, policies, st.truncated, st.proofs, st.checked, st.named, st.closed)
	}()
	for i := 0; i < policies; i++ {
		src := genRepoPolicy(r)
		rcp, registry, scope := "", "", ""
		if i%2 == 1 {
			rcp = genRCPPolicy(r)
		}
		if i%4 >= 2 {
			registry, scope = genRegistryPolicy(r), []string{"V2", "V1"}[i%8/4]
		}
		if err := checkExposure(src, rcp, registry, scope, r, at, requests, &st); err != nil {
			t.Fatalf("seed %d, policy %d: %v", seed, i, err)
		}
	}
	return st
}

// FuzzExposure holds the analysis to the evaluator for the fuzzer's
// repository policies and RCPs (an empty RCP text: none); the outsider
// requests come from the seed.
func FuzzExposure(f *testing.F) {
	r := rand.New(rand.NewPCG(13, 14))
	for i := 0; i < 8; i++ {
		rcp := ""
		switch {
		case i%4 >= 2:
			rcp = genRegistryPolicy(r) // the registry's (see below)
		case i%2 == 1:
			rcp = genRCPPolicy(r)
		}
		f.Add(genRepoPolicy(r), rcp, uint64(i))
	}
	at := time.Date(2026, 12, 6, 12, 0, 0, 0, time.UTC)
	f.Fuzz(func(t *testing.T, src, rcp string, seed uint64) {
		if len(src)+len(rcp) > 4096 {
			return
		}
		var st propertyStats
		// The seed's low bits say whether the second policy is the
		// registry's (scope V2 or V1) rather than an RCP.
		var registry, scope string
		if seed%4 >= 2 {
			rcp, registry, scope = "", rcp, []string{"V2", "V1"}[seed%8/4]
		}
		if err := checkExposure(src, rcp, registry, scope, rand.New(rand.NewPCG(seed, 15)), at, 64, &st); err != nil {
			t.Fatal(err)
		}
	})
}

// propServices are the services whose requests the service property
// test makes.
var propServices = []string{"codebuild.amazonaws.com", "code-build.amazonaws.com", "x-any.amazonaws.com", "ecs.amazonaws.com", "q7.amazonaws.com", "lambda.amazonaws.com"}

// servicePool draws repository policies over what services are and whom
// they act for: each key with the operators and values its conditions
// take.
var servicePool = serviceKeys([]serviceKey{
	{"aws:PrincipalServiceName", []string{"StringEquals", "StringLike", "StringNotLike"},
		[]string{"codebuild.amazonaws.com", "*-build*", "*-any*", "ec*", "*.amazonaws.com", "q*", "lambda.amazonaws.com"}},
	{"aws:PrincipalServiceNamesList", []string{"ForAnyValue:StringLike", "ForAllValues:StringLike"}, []string{"*-build*", "codebuild.amazonaws.com", "*"}},
	{"aws:SourceAccount", []string{"StringEquals", "StringNotLike", "StringLike"}, []string{"444455556666", "999988887777", "4444*"}},
	{"aws:SourceArn", []string{"ArnLike", "ArnNotLike", "ArnEquals", "StringEqualsIgnoreCase"}, []string{"ARN:AWS:LAMBDA:US-EAST-1:999988887777:FUNCTION:AE", "arn:aws:*:*:444455556666:*", "arn:aws:codebuild:*", "arn:aws:codebuild*", "arn:aws:lambda:us-east-1:999988887777:function:*", "arn:aws:s3:::my-bucket*", "arn:aws:s3:::my-bucket-x", "arn:aws:*:*:*:*", "arn:aws:codebuild:us-east-1:9999*", "arn:aws:s3:*:*:my-*", "arn:aws:s3:::*e*", "arn:aws:*:eu-*:*:thing/*", "arn:aws:lambda:*:*:function:*e*", "arn:aws:sns*"}},
	{"aws:SourceOrgID", []string{"StringEquals", "StringNotEqualsIfExists", "StringEqualsIgnoreCase", "StringNotEqualsIgnoreCase"}, []string{"o-a1b2c3d4e5", "O-A1B2C3D4E5"}},
	{"aws:SourceOwner", []string{"StringEquals", "StringNotEqualsIfExists"}, []string{"999988887777", "4444*"}},
	{"aws:PrincipalIsAWSService", []string{"Bool"}, []string{"true", "false"}},
})

// serviceKey is a key of service requests, with the operators and values
// of its conditions.
type serviceKey struct {
	key         string
	ops, values []string
}

// serviceKeys is the pool of service policies over keys.
func serviceKeys(keys []serviceKey) policyPool {
	p := policyPool{
		stmts:        3,
		actions:      []string{"ecr:BatchGetImage", "ecr:*"},
		notPrincipal: map[string]any{"Service": "codebuild.amazonaws.com"},
		principals:   []any{"*", "*", map[string]any{"Service": "codebuild.amazonaws.com"}, map[string]any{"Service": []string{"ecs.amazonaws.com", "q7.amazonaws.com"}}},
		values:       map[string][]string{}, oneOf: "Bool",
	}
	for _, k := range keys {
		for _, op := range k.ops {
			p.conds = append(p.conds, struct{ op, key string }{op, k.key})
		}
		p.values[k.key] = k.values
	}
	return p
}

// TestServiceExposureProperty holds the analysis to the evaluator for the
// requests AWS services make: every service of a pool, acting for no
// account or for an outsider's account (named by the policy or not, in an
// organization or not, sending aws:SourceOwner or not), is allowed only what the analysis reports as
// public, for a service it covers (Result.Deputies: by name, by a pattern
// that matches it, or any service), for the account it acts for when the
// policy names it (Result.Accounts), or for its organization
// (Result.Orgs). A Deny of services like the stand-in (*-any*) once hid
// every service acting for an outsider, and an Allow of *-build* the
// services it names.
func TestServiceExposureProperty(t *testing.T) {
	policies := 400
	if testing.Short() {
		policies = 60
	}
	r := rand.New(rand.NewPCG(21, 22))
	at := time.Date(2026, 12, 6, 12, 0, 0, 0, time.UTC)
	checked, unjudged := 0, 0
	for i := 0; i < policies; i++ {
		src := servicePool.generate(r)
		n, err := checkServiceExposure(src, at)
		if err != nil {
			t.Fatal(err)
		}
		if n < 0 {
			unjudged++
		} else {
			checked += n
		}
	}
	if checked == 0 || unjudged > policies/10 {
		t.Fatalf("%d allowed service requests checked, %d of %d policies not judged: the property was hardly tested", checked, unjudged, policies)
	}
	t.Logf("%d allowed service requests checked against the analysis (%d policies not judged)", checked, unjudged)
}

// checkServiceExposure analyses src and checks every service request of
// the pools that the evaluator allows; it returns how many it checked, or
// -1 when the analysis says it did not judge them all (a coverage gap).
func checkServiceExposure(src string, at time.Time) (int, error) {
	doc, err := policy.Parse([]byte(src), "generated.json")
	if err != nil {
		return 0, nil
	}
	compiled := eval.Compile("repository policy of app", doc)
	res := Analyze(Target{Kind: Repository, ARN: "arn:aws:ecr:us-east-1:111122223333:repository/app", Account: "111122223333",
		Region: "us-east-1", Repository: "app", Policy: compiled, At: at}, Zone{Account: "111122223333"})
	if res.Truncated || res.Unjudged != "" {
		return -1, nil
	}
	pull := catalog.Default().Lookup("ecr:BatchGetImage").Index
	checked := 0
	for _, svc := range propServices {
		for _, acct := range []string{"", "123456789012", "444455556666", "999988887777"} {
			for _, source := range []string{"", "arn:aws:" + strings.TrimSuffix(svc, ".amazonaws.com") + ":us-east-1:" + acct + ":thing/x", "arn:aws:s3:::my-bucket-x", "arn:aws:s3:::zz-log",
				// Sources that two patterns must both match (a field of one
				// and a field of another, or a whole-string pattern and a
				// field), which instances of each pattern alone missed.
				"arn:aws:s3:::my-e", "arn:aws:codebuild:eu-west-1:" + acct + ":thing/e", "arn:aws:lambda:us-east-1:" + acct + ":function:ae", "arn:aws:sns:eu-west-1:" + acct + ":thing/x"} {
				for i, org := range []string{"", "o-a1b2c3d4e5", "o-zzzzzzzzzz", "", "o-a1b2c3d4e5"} {
					if (acct == "") != (source == "") || acct == "" && i > 0 {
						continue
					}
					ctx := eval.NewContext()
					if acct != "" {
						ctx.Set("aws:SourceAccount", acct)
						ctx.Set("aws:SourceArn", source)
						// Some services send aws:SourceOwner too.
						if i < 3 {
							ctx.Set("aws:SourceOwner", acct)
						}
					}
					if org != "" {
						ctx.Set("aws:SourceOrgID", org)
						ctx.Set("aws:SourceOrgPaths", org+"/r-zzzz/")
					}
					p := eval.Principal{Type: eval.Service, Service: svc}
					eval.Derive(ctx, p)
					setWorld(ctx, at)
					req := &eval.Request{Principal: p, Action: "ecr:BatchGetImage", Resource: "arn:aws:ecr:us-east-1:111122223333:repository/app", Context: ctx}
					ps := &eval.PolicySet{Resource: compiled, ResourceAccount: "111122223333", CallerAllowsAll: true}
					if eval.Evaluate(ps, req).Result != eval.Allow {
						continue
					}
					checked++
					if !serviceCovered(res, src, svc, acct, org).Has(pull) {
						return checked, fmt.Errorf("%s acting for account %q (organization %q) can pull, but the analysis reports it nowhere (deputies %v, accounts %v, orgs %v)\npolicy: %s",
							svc, acct, org, slices.Sorted(maps.Keys(res.Deputies)), slices.Sorted(maps.Keys(res.Accounts)), slices.Sorted(maps.Keys(res.Orgs)), src)
					}
				}
			}
		}
	}
	return checked, nil
}

// serviceCovered is what the analysis reports that covers service svc
// acting for acct in org: what is public, what a deputy that is svc, a
// pattern svc matches or any service can do, what the account can do when
// the policy names it, and what its organization's members can.
func serviceCovered(res *Result, src, svc, acct, org string) catalog.ActionSet {
	open := res.Public.Actions
	for key, acc := range res.Deputies {
		if key == svc || AnyService(key) || ServicePattern(key) && policy.Match(key, svc) {
			open = open.Union(acc.Actions)
		}
	}
	// The pools name 444455556666 by id and by a pattern (4444*), and
	// 999988887777 by id; 123456789012 never.
	if acct != "" && strings.Contains(src, acct[:4]) {
		for label, acc := range res.Accounts {
			if label == acct || policy.Match(label, acct) {
				open = open.Union(acc.Actions)
			}
		}
	}
	if org != "" {
		for label, acc := range res.Orgs {
			if label == org || strings.HasPrefix(label, org+"/") {
				open = open.Union(acc.Actions)
			}
		}
	}
	return open
}

// TestServicesNamedByPatterns: services a policy names by a pattern, and
// those it does not name beside a Deny of a pattern the first stand-in
// matches, and services acting on resources the policy names by a pattern
// of aws:SourceArn. A Deny of *-any* once hid every service acting for
// 999988887777, an Allow of *-build* the services it names, and a pattern
// of S3 buckets or of fewer than six parts the resources it names; a Deny
// of buckets the bucket stand-in's name matches was a gap.
func TestServicesNamedByPatterns(t *testing.T) {
	pull := catalog.Default().Lookup("ecr:BatchGetImage").Index
	for _, tc := range []struct{ name, policy, who, deputy string }{
		{"a Deny of services like the stand-in", pullPolicy(`{"Effect": "Allow", "Principal": "*", "Action": "ecr:BatchGetImage", "Condition": {"StringEquals": {"aws:SourceAccount": "999988887777"}}},
			{"Effect": "Deny", "Principal": "*", "Action": "ecr:*", "Condition": {"StringLike": {"aws:PrincipalServiceName": "*-any*"}}}`), "999988887777", ""},
		{"an Allow of services by a pattern", allowPull(`{"StringLike": {"aws:PrincipalServiceName": "*-build*"}}`), "", "*-build*"},
		// A bucket's ARN names no account: any account may hold one of the
		// name (a confused deputy that was missed).
		{"a source bucket by a pattern", pullPolicy(`{"Effect": "Allow", "Principal": {"Service": "s3.amazonaws.com"}, "Action": "ecr:BatchGetImage", "Condition": {"ArnLike": {"aws:SourceArn": "arn:aws:s3:::my-bucket*"}}}`), "", "s3.amazonaws.com"},
		// A pattern that is not an ARN of six parts is matched whole.
		{"a source pattern of fewer parts in the account field", pullPolicy(`{"Effect": "Allow", "Principal": {"Service": "sns.amazonaws.com"}, "Action": "ecr:BatchGetImage", "Condition": {"ArnLike": {"aws:SourceArn": "arn:aws:sns:us-east-1:9999*"}}}`), "", "sns.amazonaws.com"},
		// Its account field names accounts: those of 9999… were let in,
		// and none of them was tried.
		{"accounts a source pattern of fewer parts names", pullPolicy(`{"Effect": "Allow", "Principal": {"Service": "sns.amazonaws.com"}, "Action": "ecr:BatchGetImage", "Condition": {"ArnLike": {"aws:SourceArn": "arn:aws:sns:us-east-1:9999*"}}},
			{"Effect": "Deny", "Principal": "*", "Action": "ecr:*", "Condition": {"StringNotLike": {"aws:SourceArn": "*:9999????????:*"}}}`), "9999*", ""},
		// A string operator matches an ARN whole, its wildcards taking
		// colons: the resource of any account may hold the 9999.
		{"a source ARN a string operator compares", pullPolicy(`{"Effect": "Allow", "Principal": {"Service": "codebuild.amazonaws.com"}, "Action": "ecr:BatchGetImage", "Condition": {"StringLike": {"aws:SourceArn": "arn:aws:*:*:9999*:*"}}}`), "", "codebuild.amazonaws.com"},
		{"a bucket through an account field of *", pullPolicy(`{"Effect": "Allow", "Principal": {"Service": "s3.amazonaws.com"}, "Action": "ecr:BatchGetImage", "Condition": {"ArnLike": {"aws:SourceArn": "arn:aws:s3:*:*:my-bucket*"}}},
			{"Effect": "Deny", "Principal": "*", "Action": "ecr:*", "Condition": {"ArnNotLike": {"aws:SourceArn": "arn:aws:s3:::*"}}}`), "", "s3.amazonaws.com"},
		// The bucket stand-in is chosen away from the policy's patterns:
		// a Deny of buckets with an e in their name was a gap.
		{"a Deny of buckets like the stand-in", pullPolicy(`{"Effect": "Allow", "Principal": {"Service": "s3.amazonaws.com"}, "Action": "ecr:BatchGetImage", "Condition": {"ArnLike": {"aws:SourceArn": "arn:aws:s3:::*"}}},
			{"Effect": "Deny", "Principal": "*", "Action": "ecr:*", "Condition": {"ArnLike": {"aws:SourceArn": "arn:aws:s3:::*e*"}}}`), "", "s3.amazonaws.com"},
		// IAM User Guide, "IAM JSON policy elements: Condition operators":
		// StringEqualsIgnoreCase matches ignoring case, so a value in
		// capitals names the project AWS writes in lower case.
		{"a source ARN in capitals", pullPolicy(`{"Effect": "Allow", "Principal": {"Service": "codebuild.amazonaws.com"}, "Action": "ecr:BatchGetImage", "Condition": {"StringEqualsIgnoreCase": {"aws:SourceArn": "ARN:AWS:CODEBUILD:us-east-1:999988887777:project/x"}}}`), "999988887777", ""},
		// aws:SourceOwner is no global key of the IAM User Guide's:
		// aws:SourceAccount replaces it, and a service may send that
		// alone. Taking it as always sent hid such services.
		{"a service that sends no aws:SourceOwner", pullPolicy(`{"Effect": "Allow", "Principal": {"Service": "codebuild.amazonaws.com"}, "Action": "ecr:BatchGetImage", "Condition": {"StringEquals": {"aws:SourceAccount": "999988887777"}, "Null": {"aws:SourceOwner": "true"}}}`), "999988887777", ""},
		// A source ARN pattern that reads the source account as a
		// variable is matched as the request spells it: the stand-in
		// source, in us-east-1 and of the account, once stood for every
		// source, and a bucket's or another region's went unseen.
		{"a source outside the account it acts for", pullPolicy(`{"Effect": "Allow", "Principal": {"Service": "codebuild.amazonaws.com"}, "Action": "ecr:BatchGetImage", "Condition": {"ArnNotLike": {"aws:SourceArn": "arn:aws:*:*:${aws:SourceAccount}:*"}, "Null": {"aws:SourceArn": "false"}}}`), "", "codebuild.amazonaws.com"},
		{"a source of the account in one region", pullPolicy(`{"Effect": "Allow", "Principal": {"Service": "codebuild.amazonaws.com"}, "Action": "ecr:BatchGetImage", "Condition": {"ArnLike": {"aws:SourceArn": "arn:aws:*:eu-west-1:${aws:SourceAccount}:*"}}}`), "", "codebuild.amazonaws.com"},
		{"a source pattern of fewer parts", pullPolicy(`{"Effect": "Allow", "Principal": {"Service": "codebuild.amazonaws.com"}, "Action": "ecr:BatchGetImage", "Condition": {"ArnLike": {"aws:SourceArn": "arn:aws:codebuild*"}}},
			{"Effect": "Deny", "Principal": "*", "Action": "ecr:*", "Condition": {"ArnNotLike": {"aws:SourceArn": "arn:aws:*:*:*:*"}}}`), "", "codebuild.amazonaws.com"},
	} {
		res := analyzeDoc(t, tc.policy, Zone{}, time.Time{})
		if tc.who != "" && (res.Accounts[tc.who] == nil || !res.Accounts[tc.who].Actions.Has(pull)) {
			t.Errorf("%s: services acting for %s can pull, but the account is not reported", tc.name, tc.who)
		}
		if tc.deputy != "" && (res.Deputies[tc.deputy] == nil || !res.Deputies[tc.deputy].Actions.Has(pull)) {
			t.Errorf("%s: services named like %s can pull for anyone, but no deputy is reported: %v", tc.name, tc.deputy, slices.Sorted(maps.Keys(res.Deputies)))
		}
		if res.Unjudged != "" {
			t.Errorf("%s: unjudged %q", tc.name, res.Unjudged)
		}
	}
	// Ten patterns split the services into a thousand regions, all asked
	// about, and reported by pattern: one record each, not one a region
	// (a thousand ECR010 findings for one statement).
	pats := `"*a*", "*b*", "*c*", "*d*", "*e*", "*f*", "*g*", "*h*", "*i*", "*j*"`
	res := analyzeDoc(t, allowPull(`{"ForAnyValue:StringLike": {"aws:PrincipalServiceNamesList": [`+pats+`]}}`), Zone{}, time.Time{})
	if len(res.Deputies) > 11 || res.Deputies["*a*"] == nil || !res.Deputies["*a*"].Actions.Has(pull) {
		t.Errorf("%d deputies %v, want at most one a pattern and *a* among them", len(res.Deputies), slices.Sorted(maps.Keys(res.Deputies)))
	}
}

// The scan's cache keeps what an analysis works out of a policy before any
// search (facts) for the next target of the same policy: only where
// nothing else it reads differs. Here the source ARNs services act for are
// split in the target's region and account, so targets of one policy in
// two regions and two accounts, judged with one cache (and one zone),
// must be judged as each is alone.
func TestCacheChangesNoAnswer(t *testing.T) {
	doc, err := policy.Parse([]byte(pullPolicy(`{"Effect": "Allow", "Principal": {"Service": "codebuild.amazonaws.com"}, "Action": "ecr:BatchGetImage",
		"Condition": {"ArnLike": {"aws:SourceArn": "arn:aws:codebuild:${aws:RequestedRegion}:*:project/*"}}},
		{"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "ecr:BatchGetImage",
		"Condition": {"ArnLike": {"aws:SourceArn": "arn:aws:lambda:*:*:function:${aws:ResourceAccount}-*"}}}`)), "policy.json")
	if err != nil {
		t.Fatal(err)
	}
	summary := func(r *Result) string {
		var b strings.Builder
		fmt.Fprintf(&b, "public %v; unjudged %q", catalog.Default().Names(r.Public.Actions), r.Unjudged)
		for _, m := range []map[string]*Access{r.Accounts, r.Orgs, r.Trusted, r.Deputies} {
			for _, k := range slices.Sorted(maps.Keys(m)) {
				fmt.Fprintf(&b, "; %s %v", k, catalog.Default().Names(m[k].Actions))
			}
			b.WriteString(" |")
		}
		return b.String()
	}
	cache := NewCache()
	for _, target := range []struct{ account, region string }{{"111122223333", "us-east-1"}, {"111122223333", "eu-west-1"}, {"999900001111", "eu-west-1"}} {
		tg := Target{Kind: Repository, ARN: "arn:aws:ecr:" + target.region + ":" + target.account + ":repository/app", Account: target.account,
			Region: target.region, Repository: "app", Policy: eval.Compile("repository policy of app", doc)}
		zone := Zone{Account: "111122223333"}
		alone, cached := summary(Analyze(tg, zone)), summary(AnalyzeCached(tg, zone, cache))
		if alone != cached {
			t.Errorf("%s %s: with the cache %s\nalone %s", target.account, target.region, cached, alone)
		}
	}
}

// The names a template's groups ask about are worked out once per scan
// (Cache.instances): the ROOT template's leave out every other template's
// prefix, and each group, each analysis of the fix, asked again (ROOT among
// 10,000 templates took a minute). The answers are the uncached ones.
func TestTemplateNamesCached(t *testing.T) {
	const base = "arn:aws:ecr:us-east-1:111122223333:repository/"
	doc, err := policy.Parse([]byte(pullPolicy(`{"Effect": "Allow", "Principal": "*", "Action": "ecr:*"},
		{"Effect": "Deny", "Principal": "*", "Action": "ecr:Put*", "Resource": "`+base+`*/x*"}`)), "p.json")
	if err != nil {
		t.Fatal(err)
	}
	var claimed []string
	for i := range 300 {
		claimed = append(claimed, fmt.Sprintf("team-%03d", i))
	}
	zone := Zone{Account: "111122223333"}
	tg := Target{Kind: Template, ARN: "arn:aws:ecr:us-east-1:111122223333:repository-creation-template/ROOT",
		Account: "111122223333", Region: "us-east-1", Prefix: RootPrefix, Claimed: claimed, Policy: eval.Compile("p", doc)}
	c := NewCache()
	got := AnalyzeCached(tg, zone, c)
	if _, err := ProposeFixCached(got, zone, c); err != nil {
		t.Fatal(err)
	}
	n := len(c.created)
	if again := AnalyzeCached(tg, zone, c); len(c.created) != n || n == 0 || n > 2 {
		t.Errorf("%d sets of names kept, %d after a second analysis", n, len(c.created))
	} else if want := Analyze(tg, zone); again.Outsiders() != want.Outsiders() || again.Truncated != want.Truncated {
		t.Errorf("cached: %v (truncated %v), uncached: %v (truncated %v)", again.Outsiders(), again.Truncated, want.Outsiders(), want.Truncated)
	}
}

// Templates whose policies no Resource element tells apart share what
// outsiders can do under their fix, as repositories do: 10,000 templates
// of one policy proved it 10,000 times. The answers are the uncached ones.
func TestTemplateFixesShared(t *testing.T) {
	doc, err := policy.Parse([]byte(pullPolicy(`{"Effect": "Allow", "Principal": "*", "Action": "ecr:*"}`)), "p.json")
	if err != nil {
		t.Fatal(err)
	}
	zone := Zone{Account: "111122223333"}
	c := NewCache()
	first := 0
	for i, tpl := range []struct {
		prefix  string
		claimed []string
	}{{RootPrefix, []string{"team-a", "team-a/b"}}, {"team-a", []string{"team-a/b"}}, {"team-a/b", nil}} {
		tg := Target{Kind: Template, ARN: "arn:aws:ecr:us-east-1:111122223333:repository-creation-template/" + tpl.prefix,
			Account: "111122223333", Region: "us-east-1", Prefix: tpl.prefix, Claimed: tpl.claimed, Policy: eval.Compile("p", doc), At: time.Unix(1700000000, 0)}
		cached, err := ProposeFixCached(AnalyzeCached(tg, zone, c), zone, c)
		if err != nil {
			t.Fatal(err)
		}
		want, err := ProposeFix(Analyze(tg, zone), zone)
		if err != nil {
			t.Fatal(err)
		}
		if cached.After != want.After || cached.Before != want.Before || cached.Unproven != want.Unproven || string(cached.JSON) != string(want.JSON) {
			t.Errorf("template %s: cached fix %+v, uncached %+v", tpl.prefix, cached, want)
		}
		if i == 0 {
			first = len(c.after)
		}
	}
	if len(c.after) != first {
		t.Errorf("%d fixed policies' answers kept, %d for the first template", len(c.after), first)
	}
}
