package exposure

import (
	"encoding/json"
	"fmt"
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
// generated RCP, no random request of an
// IAM user, a role session, a federated user or an account root of an
// account the policy does not name is allowed for an action the analysis
// does not call public, and every proof it reports replays to Allow.

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
	{"StringEquals", "aws:PrincipalTag/team"}, {"StringNotEquals", "ecr:ResourceTag/team"},
	{"StringLike", "aws:UserAgent"}, {"IpAddress", "aws:SourceIp"}, {"NotIpAddress", "aws:SourceIp"},
	{"StringEquals", "aws:ResourceAccount"}, {"StringEquals", "aws:RequestedRegion"},
	{"DateLessThan", "aws:CurrentTime"}, {"DateGreaterThan", "aws:CurrentTime"},
	{"Bool", "aws:SecureTransport"},
	// The owner's organization, which the inputs do not name.
	{"StringEquals", "aws:ResourceOrgID"}, {"Null", "aws:ResourceOrgID"}, {"StringLike", "aws:ResourceOrgPaths"},
	{"StringNotEqualsIfExists", "aws:PrincipalOrgID"}, {"StringNotLike", "aws:PrincipalOrgPaths"},
}

var propValues = map[string][]string{
	"aws:username":               {"admin", "ad*", "alice", "ci-*", "${aws:PrincipalTag/team}"},
	"aws:PrincipalType":          {"User", "AssumedRole", "FederatedUser", "Account"},
	"aws:PrincipalArn":           {"arn:aws:iam::*:role/ci-*", "arn:aws:iam::*:user/admin", "arn:aws:sts::*:federated-user/*", "arn:aws:iam::111122223333:role/*", "arn:aws:iam::*:root", "arn:aws:iam::*:user/ops/*"},
	"aws:userid":                 {"*:alice", "AIDA*", "*:ci-*", "111122223333:*"},
	"aws:PrincipalAccount":       {"111122223333", "444455556666"},
	"aws:PrincipalOrgID":         {"o-a1b2c3d4e5", "${aws:ResourceOrgID}"},
	"aws:PrincipalOrgPaths":      {"${aws:ResourceOrgPaths}*", "${aws:ResourceOrgID}/*"},
	"aws:ResourceOrgID":          {"o-a1b2c3d4e5", "${aws:PrincipalOrgID}"},
	"aws:ResourceOrgPaths":       {"o-a1b2c3d4e5/*", "*/ou-x/*"},
	"aws:MultiFactorAuthPresent": {"true", "false"},
	"aws:PrincipalTag/team":      {"blue", "admin"},
	"ecr:ResourceTag/team":       {"${aws:PrincipalTag/team}", "blue"},
	"aws:UserAgent":              {"aws-cli/*", "*terraform*"},
	"aws:SourceIp":               {"0.0.0.0/1", "128.0.0.0/1", "203.0.113.0/24", "::/0"},
	"aws:ResourceAccount":        {"111122223333", "999988887777"},
	"aws:RequestedRegion":        {"us-east-1", "eu-west-1"},
	"aws:CurrentTime":            {"2020-01-01T00:00:00Z", "2030-01-01T00:00:00Z"},
	"aws:SecureTransport":        {"true", "false"},
}

var propPrincipals = []any{"*", "*", "*", map[string]any{"AWS": "*"}, map[string]any{"AWS": "arn:aws:iam::444455556666:root"}}

func genRepoPolicy(r *rand.Rand) string {
	var stmts []map[string]any
	for n := 1 + r.IntN(4); n > 0; n-- {
		st := map[string]any{
			"Effect": []string{"Allow", "Allow", "Deny"}[r.IntN(3)],
			"Action": []string{"ecr:BatchGetImage", "ecr:*", "ecr:PutImage", "*"}[r.IntN(4)],
		}
		if r.IntN(8) == 0 && st["Effect"] == "Deny" {
			st["NotPrincipal"] = map[string]any{"AWS": "arn:aws:iam::111122223333:root"}
		} else {
			st["Principal"] = propPrincipals[r.IntN(len(propPrincipals))]
		}
		cond := map[string]map[string]any{}
		for c := r.IntN(3); c > 0; c-- {
			pc := propConds[r.IntN(len(propConds))]
			vals := propValues[pc.key]
			var vs []string
			for m := 1 + r.IntN(2); m > 0; m-- {
				vs = append(vs, vals[r.IntN(len(vals))])
			}
			if pc.op == "Null" {
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
		if len(cond) > 0 {
			st["Condition"] = cond
		}
		stmts = append(stmts, st)
	}
	b, _ := json.Marshal(map[string]any{"Version": "2012-10-17", "Statement": stmts})
	return string(b)
}

// outsiderRequest draws a request some outsider can make: a random kind of
// caller in an account the policies never name, with names and values of
// its choosing, and the world's keys as the analysis fixes them; the
// owner's organization, which the inputs do not name, is none or one at
// random. inOwnerOrg: the caller is a member of it.
func outsiderRequest(r *rand.Rand, at time.Time) (p eval.Principal, ctx *eval.Context, inOwnerOrg bool) {
	acct := []string{"123456789012", "210987654321"}[r.IntN(2)]
	names := []string{"admin", "alice", "ci-deploy", "ops/admin", "x", "blue"}
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
	owner := []string{"", "o-yyyyyyyyyy", "o-zzzzzzzzzz", "o-a1b2c3d4e5"}[r.IntN(4)]
	ownerPath := owner + []string{"/r-zzzz/", "/r-zzzz/ou-x/"}[r.IntN(2)]
	if owner != "" {
		ctx.Set("aws:ResourceOrgID", owner)
		ctx.Set("aws:ResourceOrgPaths", ownerPath)
	}
	if r.IntN(2) == 0 {
		ctx.Set("aws:PrincipalOrgID", "o-zzzzzzzzzz")
		ctx.Set("aws:PrincipalOrgPaths", "o-zzzzzzzzzz/r-zzzz/"+[]string{"", "ou-x/"}[r.IntN(2)])
		inOwnerOrg = owner == "o-zzzzzzzzzz"
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
	ctx.Set("aws:SourceIp", []string{"198.51.100.7", "203.0.113.9", "2001:db8::1", "10.0.0.1"}[r.IntN(4)])
	eval.Derive(ctx, p)
	// The world's keys.
	ctx.Set("aws:ResourceAccount", "111122223333")
	ctx.Set("aws:RequestedRegion", "us-east-1")
	ctx.Set("aws:CurrentTime", at.UTC().Format(time.RFC3339))
	ctx.Set("aws:EpochTime", fmt.Sprint(at.Unix()))
	ctx.Set("aws:SecureTransport", "true")
	return p, ctx, inOwnerOrg
}

// propertyStats counts what checkExposure checked.
type propertyStats struct {
	checked, proofs, truncated, closed int
}

// checkExposure analyzes one repository policy (under rcp when not "")
// and holds the answer to the evaluator: every public proof replays to
// Allow, and none of requests random outsider requests is allowed for an
// action the analysis does not call public. It returns the first
// disagreement.
// checkExposure holds the analysis of a repository policy src, under rcp
// (an RCP, "": none) and in a registry whose policy is registry ("": none)
// of the given scope, to the evaluator. A registry policy's Deny statements
// limit every request (ECR User Guide, "Private registry permissions in
// Amazon ECR"), under V1 only those for ecr:ReplicateImage,
// ecr:BatchImportUpstreamImage and ecr:CreateRepository; its grants are
// judged on the registry, so the evaluator is given its Deny statements
// alone, for the actions its scope governs.
func checkExposure(src, rcp, registry, scope string, r *rand.Rand, at time.Time, requests int, st *propertyStats) error {
	cat := catalog.Default()
	actions := []string{"ecr:BatchGetImage", "ecr:PutImage", "ecr:DeleteRepository", "ecr:ReplicateImage"}
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
	policies := func(act string) *eval.PolicySet {
		ps := &eval.PolicySet{Resource: eval.Compile("generated", doc), ResourceAccount: "111122223333", CallerAllowsAll: true, RCPs: rcps}
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
	for _, p := range proofs {
		st.proofs++
		if d := eval.Evaluate(policies(p.Witness.Request.Action), &p.Witness.Request); d.Result != eval.Allow {
			return fmt.Errorf("the proof %v (%s) replays to %v\npolicy: %s", p.Witness.Chosen, p.Witness.Request.Principal, d.Result, src)
		}
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
		p, ctx, inOwnerOrg := outsiderRequest(r, at)
		ip, _ := ctx.Get("aws:SourceIp")
		a := netip.MustParseAddr(ip[0])
		if inside(a) && !inside(eval.OutsideAddress(ranges, a.Is6())) {
			continue
		}
		act := actions[r.IntN(len(actions))]
		// A member of the owner's organization may do what the analysis
		// reports for an organization too.
		open := res.Public.Actions
		if inOwnerOrg {
			open = open.Union(inOrgs)
		}
		if open.Has(cat.Lookup(act).Index) || len(res.Opens) > 0 {
			continue
		}
		req := &eval.Request{Principal: p, Action: act, Resource: "arn:aws:ecr:us-east-1:111122223333:repository/app", Context: ctx}
		st.checked++
		if d := eval.Evaluate(policies(act), req); d.Result == eval.Allow {
			var kv []string
			for _, k := range ctx.Keys() {
				v, _ := ctx.Get(k)
				kv = append(kv, k+"="+strings.Join(v, "|"))
			}
			return fmt.Errorf("%s by %s is allowed (in the owner's organization: %v), but the analysis says it is not public\ncontext: %s\npolicy: %s", act, p, inOwnerOrg, strings.Join(kv, " "), src)
		}
	}
	return nil
}

func TestExposureProperty(t *testing.T) {
	policies, requests := 1000, 150
	if testing.Short() {
		policies, requests = 60, 40
	}
	r := rand.New(rand.NewPCG(11, 12))
	at := time.Date(2026, 12, 6, 12, 0, 0, 0, time.UTC)
	var st propertyStats
	defer func() {
		t.Logf("%d policies (%d truncated); %d proofs replayed; %d outsider requests evaluated; %d with an RCP that closed something", policies, st.truncated, st.proofs, st.checked, st.closed)
	}()
	for i := 0; i < policies; i++ {
		src := genRepoPolicy(r)
		// Every other policy is judged under a generated RCP; one in four
		// in a registry whose policy is another, of scope V2 or V1.
		rcp, registry, scope := "", "", ""
		if i%2 == 1 {
			rcp = genRCPPolicy(r)
		}
		if i%4 >= 2 {
			registry, scope = genRCPPolicy(r), []string{"V2", "V1"}[i%8/4]
		}
		if err := checkExposure(src, rcp, registry, scope, r, at, requests, &st); err != nil {
			t.Fatal(err)
		}
	}
	// The property is checked only where the analysis answered: it must
	// answer for most policies, and both ways, and RCPs must close
	// something now and then.
	if st.truncated > policies/10 || st.proofs == 0 || st.checked == 0 || st.closed == 0 {
		t.Errorf("%d of %d policies truncated, %d proofs, %d requests checked, %d closed by an RCP: the property was hardly tested", st.truncated, policies, st.proofs, st.checked, st.closed)
	}
}

// FuzzExposure holds the analysis to the evaluator for the fuzzer's
// repository policies and RCPs (an empty RCP text: none); the outsider
// requests come from the seed.
func FuzzExposure(f *testing.F) {
	r := rand.New(rand.NewPCG(13, 14))
	for i := 0; i < 8; i++ {
		rcp := ""
		if i%2 == 1 {
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
