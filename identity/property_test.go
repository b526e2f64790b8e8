package identity

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"net/netip"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/ecrguard/ecrguard/catalog"
	"github.com/ecrguard/ecrguard/estate"
	"github.com/ecrguard/ecrguard/eval"
	"github.com/ecrguard/ecrguard/policy"
)

// The identity property test holds who-can to the evaluator
// (docs/semantics.md, "Who can"): for generated accounts (users and roles
// with inline policies, now and then a permissions boundary, SCP levels,
// RCP levels, repository policies and a registry policy of scope V1, V2 or
// unknown), every proof Can and Answer give replays to Allow under a policy
// set the test builds itself from the account, and when they say a
// principal cannot, no random request by it (the keys it controls varied,
// the keys who it is and the repository fix held) is allowed.
//
// The policy set follows the IAM User Guide, "Policy evaluation logic": an
// explicit Deny in any policy denies; within one account an identity
// policy or the resource policy may allow; a permissions boundary ("Permissions
// boundaries for IAM entities") and each SCP level ("Service control
// policies (SCPs)") must allow what the identity policies grant, and a
// resource-policy grant to the role (not to one of its sessions) is limited
// by the boundary too. The RCPs' Deny statements limit every request to
// the account's repositories, unless it is the management account (AWS
// Organizations User Guide, "Resource control policies (RCPs)"), whose
// principals no SCP restricts either ("Service control policies (SCPs)"). The
// registry policy takes part where its scope covers the action: under V1
// for ReplicateImage, BatchImportUpstreamImage and CreateRepository only,
// under V2 for every repository action, and with the scope unknown its
// grants count for every repository action and its Deny statements only
// for the V1 actions (the reading under which principals can do more).

const propAccount = owner

var (
	propAt      = time.Date(2026, 12, 6, 12, 0, 0, 0, time.UTC)
	propRegions = []string{"us-east-1", "eu-west-1"}
	// propActions are the questions' actions; GetAuthorizationToken is
	// asked on "*"; TagResource's requests carry the keys of tags, which
	// the others' never do.
	propActions = []string{"ecr:DeleteRepository", "ecr:PutImage", "ecr:BatchGetImage", "ecr:SetRepositoryPolicy", "ecr:ReplicateImage", "ecr:GetAuthorizationToken", "ecr:TagResource"}
	// propStmtActions are what statements name.
	propStmtActions = []string{"ecr:*", "*", "ecr:Delete*", "ecr:DeleteRepository", "ecr:PutImage", "ecr:BatchGetImage", "ecr:Batch*",
		"ecr:Get*", "ecr:SetRepositoryPolicy", "ecr:ReplicateImage", "ecr:GetAuthorizationToken", "ecr:*Image"}
	propResources = []string{"*", "*", "arn:aws:ecr:*:111122223333:repository/*", "arn:aws:ecr:us-east-1:111122223333:repository/app",
		"arn:aws:ecr:*:*:repository/app*", "arn:aws:ecr:eu-west-1:111122223333:repository/*", "arn:aws:ecr:us-east-1:111122223333:repository/${aws:PrincipalTag/team}*"}
	propRepoNames = []string{"app", "app-blue", "tools", "blue-svc"}
	propRoles     = []string{"ci-build", "admin"}
	propUsers     = []string{"alice", "ci-bot"}
	propSessions  = []string{"ci", "admin", "x", "ci-x-prod"}
	propTeams     = []string{"blue", "red"}
	propIPs       = []string{"203.0.113.7", "10.1.2.3", "198.51.100.1", "2001:db8::1"}
)

// trueFalse are the values of a Bool or Null condition.
var trueFalse = []string{"true", "false"}

// propIdentityConds are the condition snippets of identity policies,
// boundaries, SCPs and resource policies: keys the caller chooses, keys
// fixed by who it is, by the repository and by the world.
var propIdentityConds = []struct {
	op, key string
	vals    []string
}{
	{"Bool", "aws:MultiFactorAuthPresent", trueFalse},
	{"BoolIfExists", "aws:MultiFactorAuthPresent", trueFalse},
	{"Null", "aws:MultiFactorAuthPresent", trueFalse},
	{"NumericLessThan", "aws:MultiFactorAuthAge", []string{"3600"}},
	{"Null", "aws:MultiFactorAuthAge", trueFalse},
	// Keys a real request sets together (eval.LinkedWorlds): the time of
	// temporary credentials; the internet or a VPC endpoint (aws:SourceIp
	// absent); a chain of services only through a service.
	{"Null", "aws:TokenIssueTime", trueFalse},
	{"StringEquals", "aws:SourceVpce", []string{"vpce-1a2b3c4d"}},
	{"Null", "aws:SourceVpce", trueFalse},
	{"Null", "aws:SourceIp", trueFalse},
	{"Bool", "aws:ViaAWSService", trueFalse},
	{"ForAnyValue:StringEquals", "aws:CalledVia", []string{"cloudformation.amazonaws.com"}},
	{"Null", "aws:CalledViaFirst", trueFalse},
	{"IpAddress", "aws:SourceIp", []string{"203.0.113.0/24", "10.0.0.0/8"}},
	{"NotIpAddress", "aws:SourceIp", []string{"203.0.113.0/24", "10.0.0.0/8"}},
	{"StringEquals", "aws:PrincipalTag/team", []string{"blue", "red"}},
	{"StringEquals", "ecr:ResourceTag/team", []string{"blue", "${aws:PrincipalTag/team}"}},
	{"StringNotEquals", "ecr:ResourceTag/team", []string{"blue", "${aws:PrincipalTag/team}"}},
	{"StringEquals", "aws:ResourceTag/team", []string{"blue", "red"}},
	{"Null", "aws:ResourceTag/team", trueFalse},
	{"StringEquals", "aws:RequestedRegion", []string{"us-east-1", "eu-west-1"}},
	{"ArnLike", "aws:PrincipalArn", []string{"arn:aws:iam::111122223333:role/ci-*", "arn:aws:iam::111122223333:user/*"}},
	{"ArnNotLike", "aws:PrincipalArn", []string{"arn:aws:iam::111122223333:role/ci-*", "arn:aws:iam::111122223333:user/*"}},
	{"StringLike", "aws:userid", []string{"AROA*:ci", "*:admin", "AIDA*", "*:ci-*", "*-prod"}},
	{"StringEquals", "aws:RequestTag/team", []string{"blue", "${aws:PrincipalTag/team}"}},
	{"DateLessThan", "aws:CurrentTime", []string{"2030-01-01T00:00:00Z", "2020-01-01T00:00:00Z"}},
	{"StringEquals", "aws:PrincipalOrgID", []string{orgMine}},
	{"StringEquals", "aws:username", []string{"alice", "${aws:PrincipalTag/team}"}},
}

// propSpec is a generated account with the policy sources the oracle
// compiles on its own.
type propSpec struct {
	f fixture
	// identity, boundary: by principal ARN.
	identity map[string][]string
	boundary map[string]string
	tags     map[string]map[string]string
	ids      map[string]string
}

func propStatement(r *rand.Rand, effect string, resourcePolicy bool) map[string]any {
	st := map[string]any{"Effect": effect}
	acts := []string{propStmtActions[r.IntN(len(propStmtActions))]}
	if r.IntN(3) == 0 {
		acts = append(acts, propStmtActions[r.IntN(len(propStmtActions))])
	}
	if r.IntN(8) == 0 {
		st["NotAction"] = acts
	} else {
		st["Action"] = acts
	}
	if resourcePolicy {
		principals := []string{"*", "arn:aws:iam::111122223333:root", roleARN(propRoles[r.IntN(2)]), userARN(propUsers[r.IntN(2)])}
		principals = append(principals, "arn:aws:sts::111122223333:assumed-role/"+propRoles[r.IntN(2)]+"/"+propSessions[r.IntN(len(propSessions))])
		st["Principal"] = map[string]any{"AWS": principals[r.IntN(len(principals))]}
	} else {
		res := propResources[r.IntN(len(propResources))]
		if r.IntN(10) == 0 {
			st["NotResource"] = res
		} else {
			st["Resource"] = res
		}
	}
	if c := propCondition(r); c != nil {
		st["Condition"] = c
	}
	return st
}

func propCondition(r *rand.Rand) map[string]map[string]any {
	cond := map[string]map[string]any{}
	for n := r.IntN(3); n > 0; n-- {
		if r.IntN(2) == 0 {
			continue
		}
		c := propIdentityConds[r.IntN(len(propIdentityConds))]
		v := c.vals[r.IntN(len(c.vals))]
		if cond[c.op] == nil {
			cond[c.op] = map[string]any{}
		}
		cond[c.op][c.key] = v
	}
	if len(cond) == 0 {
		return nil
	}
	return cond
}

func propDoc(stmts ...map[string]any) string {
	b, _ := json.Marshal(map[string]any{"Version": "2012-10-17", "Statement": stmts})
	return string(b)
}

func propIdentityPolicy(r *rand.Rand) string {
	var stmts []map[string]any
	for n := 1 + r.IntN(3); n > 0; n-- {
		stmts = append(stmts, propStatement(r, []string{"Allow", "Allow", "Allow", "Deny"}[r.IntN(4)], false))
	}
	return propDoc(stmts...)
}

// genAccount draws one account.
func genAccount(r *rand.Rand) propSpec {
	s := propSpec{identity: map[string][]string{}, boundary: map[string]string{}, tags: map[string]map[string]string{}, ids: map[string]string{}}
	s.f.at = propAt
	if r.IntN(2) == 0 {
		s.f.orgID = orgMine
	}
	n := 1 + r.IntN(3)
	for _, k := range r.Perm(4)[:n] {
		w := who{}
		for j := 1 + r.IntN(2); j > 0; j-- {
			w.inline = append(w.inline, propIdentityPolicy(r))
		}
		if r.IntN(3) == 0 {
			st := []map[string]any{propStatement(r, "Allow", false)}
			if r.IntN(2) == 0 {
				st = append(st, map[string]any{"Effect": "Allow", "Action": "ecr:BatchGetImage", "Resource": "*"})
			}
			if r.IntN(3) == 0 {
				st = append(st, propStatement(r, "Deny", false))
			}
			w.boundary = propDoc(st...)
		}
		if r.IntN(3) > 0 {
			w.tags = map[string]string{"team": propTeams[r.IntN(2)]}
		}
		var arn, id string
		if k < 2 {
			w.name = propRoles[k]
			// One role in four has no unique id among the inputs.
			w.noID = r.IntN(4) == 0
			s.f.roles = append(s.f.roles, w)
			arn, id = roleARN(w.name), "AROA"+strings.ToUpper(w.name)
			if w.noID {
				id = ""
			}
		} else {
			w.name = propUsers[k-2]
			s.f.users = append(s.f.users, w)
			arn, id = userARN(w.name), "AIDA"+strings.ToUpper(w.name)
		}
		s.identity[arn], s.boundary[arn], s.tags[arn], s.ids[arn] = w.inline, w.boundary, w.tags, id
	}
	if r.IntN(2) == 0 {
		for l := 1 + r.IntN(2); l > 0; l-- {
			allow := map[string]any{"Effect": "Allow", "Action": "*", "Resource": "*"}
			if r.IntN(4) == 0 {
				allow["Action"] = []string{"ecr:Get*", "ecr:Batch*", "ecr:PutImage"}
			}
			st := []map[string]any{allow}
			if r.IntN(3) > 0 {
				st = append(st, propStatement(r, "Deny", false))
			}
			s.f.scps = append(s.f.scps, propDoc(st...))
		}
	}
	if r.IntN(3) == 0 {
		for l := 1 + r.IntN(2); l > 0; l-- {
			st := propStatement(r, "Deny", true)
			st["Principal"], st["Resource"] = "*", "*"
			s.f.rcps = append(s.f.rcps, propDoc(map[string]any{"Effect": "Allow", "Principal": "*", "Action": "*", "Resource": "*"}, st))
		}
		s.f.management = r.IntN(4) == 0
	}
	for i, k := range r.Perm(len(propRepoNames))[:1+r.IntN(3)] {
		rs := repoSpec{name: propRepoNames[k], region: propRegions[r.IntN(2)], tagsKnown: true}
		if i < 2 {
			rs.region = "us-east-1"
		}
		if r.IntN(3) > 0 {
			rs.tags = map[string]string{"team": propTeams[r.IntN(2)]}
		}
		if r.IntN(2) == 0 {
			var st []map[string]any
			for n := 1 + r.IntN(2); n > 0; n-- {
				st = append(st, propStatement(r, []string{"Allow", "Allow", "Deny"}[r.IntN(3)], true))
			}
			rs.policy = propDoc(st...)
		}
		s.f.repos = append(s.f.repos, rs)
	}
	if r.IntN(2) == 0 {
		var st []map[string]any
		for n := 1 + r.IntN(2); n > 0; n-- {
			x := propStatement(r, []string{"Allow", "Allow", "Deny"}[r.IntN(3)], true)
			x["Resource"] = []string{"*", "arn:aws:ecr:us-east-1:111122223333:repository/*", "arn:aws:ecr:us-east-1:111122223333:repository/app*",
				"arn:aws:ecr:us-east-1:111122223333:repository/tools", "arn:aws:ecr:*:111122223333:repository/*-*"}[r.IntN(5)]
			st = append(st, x)
		}
		s.f.registry, s.f.scope = propDoc(st...), []string{"V1", "V2", ""}[r.IntN(3)]
	}
	return s
}

func compileSrc(t *testing.T, name, src string) *eval.Policy {
	t.Helper()
	if src == "" {
		return nil
	}
	return eval.Compile(name, parsed(t, name, src).Doc)
}

// oracle is the account as the test reads it, apart from identity's code.
type oracle struct {
	spec     propSpec
	identity map[string][]*eval.Policy
	boundary map[string]*eval.Policy
	scps     []*eval.Policy
	rcps     []*eval.Policy
	repo     map[string]*eval.Policy // by repository ARN
	reg      *eval.Policy
	regAllow *eval.Policy // its Allow statements alone
	ranges   []netip.Prefix
}

func newOracle(t *testing.T, s propSpec) *oracle {
	o := &oracle{spec: s, identity: map[string][]*eval.Policy{}, boundary: map[string]*eval.Policy{}, repo: map[string]*eval.Policy{}}
	var srcs []string
	for arn, ps := range s.identity {
		for i, src := range ps {
			o.identity[arn] = append(o.identity[arn], compileSrc(t, fmt.Sprintf("%s/%d", arn, i), src))
		}
		srcs = append(srcs, ps...)
		o.boundary[arn] = compileSrc(t, arn+"/boundary", s.boundary[arn])
		srcs = append(srcs, s.boundary[arn])
	}
	for i, src := range s.f.scps {
		o.scps = append(o.scps, compileSrc(t, fmt.Sprint("scp ", i), src))
	}
	if !s.f.management {
		for i, src := range s.f.rcps {
			o.rcps = append(o.rcps, compileSrc(t, fmt.Sprint("rcp ", i), src))
		}
	}
	for _, rs := range s.f.repos {
		o.repo[estate.RepositoryARN(rs.region, propAccount, rs.name)] = compileSrc(t, "repo "+rs.name, rs.policy)
	}
	if s.f.registry != "" {
		doc := parsed(t, "registry", s.f.registry).Doc
		o.reg = eval.Compile("registry", doc)
		allows := &policy.Document{Version: doc.Version}
		for _, st := range doc.Statements {
			if st.Effect == policy.Allow {
				allows.Statements = append(allows.Statements, st)
			}
		}
		o.regAllow = eval.Compile("registry allows", allows)
	}
	srcs = append(append(append(srcs, s.f.scps...), s.f.rcps...), s.f.registry)
	for _, rs := range s.f.repos {
		srcs = append(srcs, rs.policy)
	}
	for _, src := range srcs {
		for _, c := range []string{"203.0.113.0/24", "10.0.0.0/8"} {
			if strings.Contains(src, c) {
				o.ranges = append(o.ranges, netip.MustParsePrefix(c))
			}
		}
	}
	return o
}

// set is the policy set of arn's request for action on repoARN ("*": no
// resource).
func (o *oracle) set(arn, action, repoARN string) *eval.PolicySet {
	ps := &eval.PolicySet{Identity: o.identity[arn], Boundary: o.boundary[arn], ResourceAccount: propAccount}
	if !o.spec.f.management {
		ps.SCPs = o.scps
	}
	if repoARN == "*" {
		return ps
	}
	ps.RCPs = o.rcps
	ps.Resource = o.repo[repoARN]
	if o.reg != nil && strings.Contains(repoARN, ":"+registryRegion(o.spec.f)+":") {
		v1 := action == "ecr:ReplicateImage" || action == "ecr:BatchImportUpstreamImage" || action == "ecr:CreateRepository"
		switch o.spec.f.scope {
		case "V1":
			if v1 {
				ps.Registry = o.reg
			}
		case "V2":
			ps.Registry = o.reg
		default:
			ps.Registry = o.regAllow
			if v1 {
				ps.Registry = o.reg
			}
		}
	}
	return ps
}

func registryRegion(f fixture) string {
	if f.registryRegion == "" {
		return estate.DefaultRegion
	}
	return f.registryRegion
}

// fixed returns the keys fixed for arn's request on repo (nil: "*") in
// region, by who arn is (IAM User Guide, "AWS global condition context
// keys"), by the repository and by the world; mode NoMFA takes the
// repository's tags as absent.
func (o *oracle) fixed(arn string, repo *repoSpec, region string, mode Mode) map[string][]string {
	k := map[string][]string{
		"aws:principalarn": {arn}, "aws:principalaccount": {propAccount}, "aws:principalisawsservice": {"false"},
		"aws:currenttime": {propAt.Format(time.RFC3339)}, "aws:epochtime": {strconv.FormatInt(propAt.Unix(), 10)},
		"aws:requestedregion": {region},
	}
	if strings.Contains(arn, ":user/") {
		k["aws:principaltype"], k["aws:username"] = []string{"User"}, []string{arn[strings.LastIndexByte(arn, '/')+1:]}
	} else {
		k["aws:principaltype"] = []string{"AssumedRole"}
	}
	for t, v := range o.spec.tags[arn] {
		k["aws:principaltag/"+t] = []string{v}
	}
	if o.spec.f.orgID != "" {
		k["aws:principalorgid"] = []string{o.spec.f.orgID}
	}
	if repo != nil {
		k["aws:resourceaccount"] = []string{propAccount}
		if o.spec.f.orgID != "" {
			k["aws:resourceorgid"] = []string{o.spec.f.orgID}
		}
		if mode == Free {
			for t, v := range repo.tags {
				k["ecr:resourcetag/"+t], k["aws:resourcetag/"+t] = []string{v}, []string{v}
			}
		}
	}
	return k
}

// request draws a request by arn (a role's: one of its sessions) with the
// fixed keys held and the free ones varied; mode NoMFA holds MFA absent
// or false.
func (o *oracle) request(r *rand.Rand, arn, action string, repo *repoSpec, region string, mode Mode) *eval.Request {
	ctx := eval.NewContext()
	for k, v := range o.fixed(arn, repo, region, mode) {
		ctx.Set(k, v...)
	}
	caller := eval.Principal{Type: eval.User, ARN: arn, Account: propAccount}
	if strings.Contains(arn, ":role/") {
		// The caller is a session of the role: eval.Role with the session
		// name it chose, which aws:userid ends in too.
		session := propSessions[r.IntN(len(propSessions))]
		caller = eval.Principal{Type: eval.Role, ARN: arn, Account: propAccount, Session: session}
		id := o.spec.ids[arn]
		if id == "" {
			// Its id, unknown to the model, is any.
			id = []string{"AROAREALID1", "AROAREALID2"}[r.IntN(2)]
		}
		ctx.Set("aws:userid", id+":"+session)
	} else {
		ctx.Set("aws:userid", o.spec.ids[arn])
	}
	// A role's sessions hold temporary credentials, which always carry
	// aws:MultiFactorAuthPresent; a user's long-term keys leave it out.
	mfa := []string{"", "true", "false"}[r.IntN(3)]
	if mfa == "" && strings.Contains(arn, ":role/") {
		mfa = "false"
	}
	if mode == NoMFA && mfa == "true" {
		mfa = "false"
	}
	if mfa != "" {
		ctx.Set("aws:MultiFactorAuthPresent", mfa)
		if mfa == "true" {
			ctx.Set("aws:MultiFactorAuthAge", "60")
		}
	}
	if mfa != "" && r.IntN(2) == 0 {
		// Temporary credentials, and when they were issued.
		ctx.Set("aws:TokenIssueTime", "2026-01-01T00:00:00Z")
	}
	// From the internet, or through a VPC endpoint (aws:SourceIp absent).
	if r.IntN(4) == 0 {
		ctx.Set("aws:SourceVpce", "vpce-1a2b3c4d")
	} else {
		ctx.Set("aws:SourceIp", propIPs[r.IntN(len(propIPs))])
	}
	// Directly, or through a service with the caller's credentials, and
	// then maybe a chain of services.
	ctx.Set("aws:ViaAWSService", "false")
	if r.IntN(4) == 0 {
		ctx.Set("aws:ViaAWSService", "true")
		if r.IntN(2) == 0 {
			for _, k := range []string{"aws:CalledVia", "aws:CalledViaFirst", "aws:CalledViaLast"} {
				ctx.Set(k, "cloudformation.amazonaws.com")
			}
		}
	}
	// Only the requests of actions that take tags carry them
	// (catalog.Action.Carries).
	if t := r.IntN(3); t > 0 {
		if a := catalog.Default().Lookup(action); a == nil || a.Carries("aws:requesttag/team") {
			ctx.Set("aws:RequestTag/team", propTeams[t-1])
		}
		if a := catalog.Default().Lookup(action); a == nil || a.Carries("aws:tagkeys") {
			ctx.Set("aws:TagKeys", "team")
		}
	}
	r.IntN(2)                              // the draw of aws:SecureTransport, kept so that the seeds keep their accounts
	ctx.Set("aws:SecureTransport", "true") // ECR takes HTTPS only
	res := "*"
	if repo != nil {
		res = estate.RepositoryARN(repo.region, propAccount, repo.name)
	}
	return &eval.Request{Principal: caller, Action: action, Resource: res, Context: ctx}
}

type identityStats struct {
	accounts, questions, proofs, noes, requests, cut int
}

// checkProof replays a proof of p's access to repo (nil: "*"). Proofs are
// shared between repositories alike to the statements (and Explain
// re-derives only the principal), so the proof's request may name another
// repository: what it proves is that the keys it chose (w.Chosen) make an
// allowed request. The request replayed is the question's: p, the action,
// the repository, the keys who p is and the repository fix, and the
// proof's choices, which may not contradict a fixed key.
func (o *oracle) checkProof(w *eval.Witness, p *Principal, action string, repo *repoSpec, mode Mode) error {
	if w.Request.Principal.ARN != p.ARN || w.Request.Action != action {
		return fmt.Errorf("the proof is another request: %v %s", w.Request.Principal, w.Request.Action)
	}
	region, resource := propRegions[0], "*"
	if repo != nil {
		region, resource = repo.region, estate.RepositoryARN(repo.region, propAccount, repo.name)
	} else if v, ok := w.Request.Context.Get("aws:RequestedRegion"); ok && len(v) == 1 {
		region = v[0]
	}
	fixed := o.fixed(p.ARN, repo, region, mode)
	ctx := eval.NewContext()
	for k, v := range fixed {
		ctx.Set(k, v...)
	}
	// aws:userid: a user's id; a role's id and a session name.
	uid, _ := w.Request.Context.Get("aws:userid")
	id := o.spec.ids[p.ARN]
	unknownID := p.Kind == Role && id == ""
	if unknownID && len(uid) == 1 && strings.Contains(uid[0], ":") {
		id = uid[0][:strings.IndexByte(uid[0], ':')] // the model's choice
	}
	switch {
	case unknownID && len(uid) == 0:
		// No policy reads it: the model sets none where the id is unknown.
	case len(uid) != 1 || uid[0] != id && !strings.HasPrefix(uid[0], id+":") || p.Kind == Role && uid[0] == id:
		return fmt.Errorf("the proof's aws:userid is %v", uid)
	default:
		ctx.Set("aws:userid", uid[0])
	}
	if pr := w.Request.Principal; pr.ARN != p.ARN {
		return fmt.Errorf("the proof's caller is %s, not %s", pr.ARN, p.ARN)
	}
	for _, a := range w.Chosen {
		lower := strings.ToLower(a.Key)
		if want, ok := fixed[lower]; ok || isResourceTag(lower) || strings.HasPrefix(lower, "aws:principaltag/") {
			if a.Absent != !ok || strings.Join(a.Values, "|") != strings.Join(want, "|") {
				return fmt.Errorf("the proof chooses %v, fixed at %v", a, want)
			}
			continue
		}
		if a.Absent {
			ctx.Delete(a.Key)
		} else {
			if act := catalog.Default().Lookup(action); act != nil && !act.Carries(lower) {
				return fmt.Errorf("the proof chooses %v, which requests of %s never carry", a, action)
			}
			ctx.Set(a.Key, a.Values...)
		}
	}
	if mode == NoMFA {
		if v, _ := ctx.Get("aws:MultiFactorAuthPresent"); len(v) > 0 && v[0] == "true" {
			return fmt.Errorf("a NoMFA proof with MFA")
		}
	}
	if err := realizable(ctx, w.Chosen); err != nil {
		return fmt.Errorf("the proof %v %v", w.Chosen, err)
	}
	// The proof replays as the session its aws:userid names.
	caller := w.Request.Principal
	if p.Kind == Role && len(uid) == 1 {
		caller.Session = strings.TrimPrefix(uid[0], id+":")
	}
	req := eval.Request{Principal: caller, Action: action, Resource: resource, Context: ctx}
	if d := eval.Evaluate(o.set(p.ARN, action, resource), &req); d.Result != eval.Allow {
		return fmt.Errorf("the proof %v (a request on %s) replays on %s to %v: %s", w.Chosen, w.Request.Resource, resource, d.Result, d.Reason)
	}
	return nil
}

// realizable reports a request a caller cannot make, its keys set apart
// where a real request sets them together (eval.LinkedWorlds; IAM User
// Guide, "AWS global condition context keys", each key's Availability).
// The MFA keys are checked where the proof chose aws:MultiFactorAuthPresent
// (it does where a statement reads it).
func realizable(ctx *eval.Context, chosen []eval.Assignment) error {
	has := func(k string) bool { _, ok := ctx.Get(k); return ok }
	mfa, _ := ctx.Get("aws:MultiFactorAuthPresent")
	read := false
	for _, a := range chosen {
		read = read || strings.EqualFold(a.Key, "aws:MultiFactorAuthPresent")
	}
	switch {
	case read && has("aws:MultiFactorAuthAge") && (len(mfa) != 1 || mfa[0] != "true"):
		return fmt.Errorf("has an MFA age without MFA")
	case read && has("aws:TokenIssueTime") && len(mfa) == 0:
		return fmt.Errorf("has aws:TokenIssueTime with long-term keys")
	case has("aws:SourceIp") && (has("aws:SourceVpce") || has("aws:SourceVpc") || has("aws:VpcSourceIp")):
		return fmt.Errorf("comes from the internet and through a VPC endpoint")
	}
	if via, _ := ctx.Get("aws:ViaAWSService"); len(via) == 1 && via[0] == "false" {
		for _, k := range []string{"aws:CalledVia", "aws:CalledViaFirst", "aws:CalledViaLast"} {
			if has(k) {
				return fmt.Errorf("has %s on a direct call", k)
			}
		}
	}
	return nil
}

// checkAccount asks every question of one account.
func checkAccount(t *testing.T, r *rand.Rand, s propSpec, requests int, st *identityStats) error {
	t.Helper()
	m := s.f.build(t)
	o := newOracle(t, s)
	st.accounts++
	// The answers may not depend on the order of the questions (the memo
	// shares them between alike questions): a second model is asked Can
	// alone, the repositories last to first, and must answer alike.
	rev := s.f.build(t)
	for i, p := range rev.Principals {
		for _, mode := range []Mode{Free, NoMFA} {
			for _, action := range propActions[:len(propActions)-1] {
				for ri := len(rev.Repositories) - 1; ri >= 0; ri-- {
					w, _ := rev.Can(p, action, rev.Repositories[ri], mode)
					if w2, _ := m.Fork().Can(m.Principals[i], action, m.Repositories[ri], mode); (w != nil) != (w2 != nil) {
						return fmt.Errorf("%s %s on %s (mode %d): %v asked after the repositories that follow it, %v alone", p.Label(), action, rev.Repositories[ri].ARN, mode, w != nil, w2 != nil)
					}
				}
			}
		}
	}
	for _, p := range m.Principals {
		for _, mode := range []Mode{Free, NoMFA} {
			for _, action := range propActions {
				var ans Answers
				if action != "ecr:GetAuthorizationToken" {
					ans = m.Answer(p, action, mode)
				}
				for ri := -1; ri < len(m.Repositories); ri++ {
					var repo *Repository
					var rs *repoSpec
					if ri >= 0 {
						if action == "ecr:GetAuthorizationToken" {
							continue
						}
						repo = m.Repositories[ri]
						for i := range s.f.repos {
							if estate.RepositoryARN(s.f.repos[i].region, propAccount, s.f.repos[i].name) == repo.ARN {
								rs = &s.f.repos[i]
							}
						}
					} else if action != "ecr:GetAuthorizationToken" {
						continue
					}
					st.questions++
					w, gaps := m.Can(p, action, repo, mode)
					where := "*"
					if repo != nil {
						where = repo.ARN
						if (ans.Repos[ri] != nil) != (w != nil) {
							return fmt.Errorf("%s %s on %s (mode %d): Answer says %v, Can says %v", p.Label(), action, where, mode, ans.Repos[ri] != nil, w != nil)
						}
					}
					if w != nil {
						st.proofs++
						ws := []*eval.Witness{w}
						if repo != nil {
							ws = append(ws, ans.Repos[ri])
						}
						for _, pw := range ws {
							if err := o.checkProof(m.Explain(p, pw), p, action, rs, mode); err != nil {
								return fmt.Errorf("%s %s on %s (mode %d): %v", p.Label(), action, where, mode, err)
							}
						}
						continue
					}
					if len(gaps) > 0 {
						st.cut++
						continue
					}
					st.noes++
					for j := 0; j < requests; j++ {
						var region string
						if rs != nil {
							region = rs.region
						} else {
							region = m.Regions[r.IntN(len(m.Regions))]
						}
						req := o.request(r, p.ARN, action, rs, region, mode)
						st.requests++
						if d := eval.Evaluate(o.set(p.ARN, action, req.Resource), req); d.Result == eval.Allow {
							var kv []string
							for _, k := range req.Context.Keys() {
								v, _ := req.Context.Get(k)
								kv = append(kv, k+"="+strings.Join(v, "|"))
							}
							return fmt.Errorf("%s %s on %s (mode %d): the model says no, but %s is allowed (%v)\ncontext: %s", p.Label(), action, where, mode, req.Principal, d.Matched, strings.Join(kv, " "))
						}
					}
				}
			}
		}
	}
	return nil
}

func (s propSpec) String() string {
	var b strings.Builder
	for _, w := range append(append([]who(nil), s.f.roles...), s.f.users...) {
		fmt.Fprintf(&b, "%s tags %v\n", w.name, w.tags)
		for _, src := range w.inline {
			fmt.Fprintf(&b, "  inline: %s\n", src)
		}
		if w.boundary != "" {
			fmt.Fprintf(&b, "  boundary: %s\n", w.boundary)
		}
	}
	for _, src := range s.f.scps {
		fmt.Fprintf(&b, "scp: %s\n", src)
	}
	for _, src := range s.f.rcps {
		fmt.Fprintf(&b, "rcp (management account: %v): %s\n", s.f.management, src)
	}
	for _, rs := range s.f.repos {
		fmt.Fprintf(&b, "repository %s/%s tags %v policy %s\n", rs.region, rs.name, rs.tags, rs.policy)
	}
	if s.f.registry != "" {
		fmt.Fprintf(&b, "registry policy (scope %q): %s\n", s.f.scope, s.f.registry)
	}
	fmt.Fprintf(&b, "org %q", s.f.orgID)
	return b.String()
}

// identityProperty checks accounts generated accounts from seed.
func identityProperty(t *testing.T, seed uint64, accounts, requests int) identityStats {
	t.Helper()
	r := rand.New(rand.NewPCG(seed, seed+7))
	var st identityStats
	for i := 0; i < accounts; i++ {
		s := genAccount(r)
		if err := checkAccount(t, r, s, requests, &st); err != nil {
			t.Fatalf("seed %d, account %d: %v\n%s", seed, i, err, s)
		}
	}
	t.Logf("seed %d: %d accounts, %d questions, %d proofs replayed, %d noes checked with %d requests, %d cut", seed, st.accounts, st.questions, st.proofs, st.noes, st.requests, st.cut)
	return st
}

func TestIdentityProperty(t *testing.T) {
	// Seed 13's accounts ask TagResource of statements that need a request
	// tag: a model that never lets a request carry tags fails it (seed 1's
	// do not). They and seed 53's first ask for keys a real request sets
	// together (the internet and a VPC endpoint, a chain of services on a
	// direct call; a token's time with a user's long-term keys): a model
	// that chooses them apart fails them (realizable).
	st := identityProperty(t, 13, 40, 16)
	identityProperty(t, 53, 1, 16)
	if st.proofs == 0 || st.noes == 0 || st.cut > st.questions/10 {
		t.Errorf("%d proofs, %d noes, %d of %d questions cut: the property was hardly tested", st.proofs, st.noes, st.cut, st.questions)
	}
}

// FuzzIdentity holds the model to the evaluator for the fuzzer's accounts:
// one generated from seed, its first repository's policy replaced by src
// when src is a policy.
func FuzzIdentity(f *testing.F) {
	r := rand.New(rand.NewPCG(21, 22))
	for i := 0; i < 8; i++ {
		src := propDoc(propStatement(r, "Allow", true), propStatement(r, "Deny", true))
		f.Add(uint64(i), src)
	}
	f.Fuzz(func(t *testing.T, seed uint64, src string) {
		if len(src) > 4096 {
			return
		}
		r := rand.New(rand.NewPCG(seed, seed+7))
		s := genAccount(r)
		if _, err := policy.Parse([]byte(src), "fuzz.json"); err == nil && len(s.f.repos) > 0 {
			s.f.repos[0].policy = src
		}
		var st identityStats
		if err := checkAccount(t, r, s, 8, &st); err != nil {
			t.Fatalf("%v\n%s", err, s)
		}
	})
}
