package rules

import (
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/ecrguard/ecrguard/analysis"
	"github.com/ecrguard/ecrguard/catalog"
	"github.com/ecrguard/ecrguard/estate"
	"github.com/ecrguard/ecrguard/eval"
	"github.com/ecrguard/ecrguard/exposure"
	"github.com/ecrguard/ecrguard/policy"
)

// classOrder is the order classes are listed in messages.
var classOrder = []catalog.Class{
	catalog.ClassPermissionsManagement, catalog.ClassDelete, catalog.ClassPush, catalog.ClassPull,
	catalog.ClassWrite, catalog.ClassTagging, catalog.ClassRead, catalog.ClassList,
}

// describeActions summarises an action set by class: "push (4), pull (3)".
func describeActions(s catalog.ActionSet, universe catalog.ActionSet) string {
	cat := catalog.Default()
	if !universe.Empty() && s == universe {
		return fmt.Sprintf("every one of the %d repository actions", s.Len())
	}
	by := map[catalog.Class][]string{}
	s.Each(func(i int) {
		a := cat.Actions[i]
		by[a.Class()] = append(by[a.Class()], a.Name)
	})
	var parts []string
	for _, c := range classOrder {
		names := by[c]
		if len(names) == 0 {
			continue
		}
		if len(names) <= 2 {
			parts = append(parts, fmt.Sprintf("%s (%s)", c, strings.Join(names, ", ")))
		} else {
			parts = append(parts, fmt.Sprintf("%s (%d actions)", c, len(names)))
		}
	}
	return strings.Join(parts, ", ")
}

// resourceStatements returns the resource-policy statements that allowed
// the proofs' requests, in document order.
func resourceStatements(proofs []exposure.Proof) []*policy.Statement {
	seen := map[*policy.Statement]bool{}
	var out []*policy.Statement
	for _, p := range proofs {
		for _, m := range p.Witness.Decision.Matched {
			if m.Kind == eval.KindResource && !seen[m.Statement] {
				seen[m.Statement] = true
				out = append(out, m.Statement)
			}
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Index < out[j].Index })
	return out
}

// restOn records where f points: Statements, the position of each of
// stmts that has one, once each, in order; and Source, the first of them,
// or the policy p's position when none has one.
func (f *Finding) restOn(stmts []*policy.Statement, p *estate.Policy) {
	f.Statements = nil
	for _, s := range stmts {
		if (s.Pos.IsValid() || s.Pos.File != "") && !slices.Contains(f.Statements, s.Pos) {
			f.Statements = append(f.Statements, s.Pos)
		}
	}
	switch {
	case len(f.Statements) > 0:
		f.Source = f.Statements[0]
	case p == nil:
		f.Source = policy.Pos{}
	case p.Doc != nil && (p.Doc.Pos.IsValid() || p.Doc.Pos.File != ""):
		f.Source = p.Doc.Pos
	default:
		f.Source = p.Source
	}
}

// labels lists statements for a message: `"S1" (file:line)`.
func labels(stmts []*policy.Statement) string {
	var parts []string
	for _, s := range stmts {
		l := fmt.Sprintf("%q", s.Label())
		if s.Sid == "" {
			l = s.Label()
		}
		if s.Pos.IsValid() {
			l += fmt.Sprintf(" (line %d)", s.Pos.Line)
		}
		// One written statement may stand for several (the branches of
		// a CloudFormation Fn::If): it is named once.
		if !slices.Contains(parts, l) {
			parts = append(parts, l)
		}
	}
	return joinAnd(parts)
}

// statementName names one statement in a sentence, with its line:
// statement "Sid" (line N), or statement #I (line N) for one without a Sid.
func statementName(s *policy.Statement) string {
	if s.Pos.IsValid() {
		return fmt.Sprintf("%s (line %d)", s.Name(), s.Pos.Line)
	}
	return s.Name()
}

func joinAnd(parts []string) string {
	switch len(parts) {
	case 0:
		return ""
	case 1:
		return parts[0]
	case 2:
		return parts[0] + " and " + parts[1]
	}
	return strings.Join(parts[:len(parts)-1], ", ") + " and " + parts[len(parts)-1]
}

// proofActionOrder puts the actions a reader recognises first.
var proofActionOrder = []string{
	"ecr:SetRepositoryPolicy", "ecr:DeleteRepositoryPolicy", "ecr:DeleteRepository", "ecr:BatchDeleteImage",
	"ecr:PutImage", "ecr:BatchGetImage", "ecr:ReplicateImage", "ecr:CreateRepository",
	"ecr-public:SetRepositoryPolicy", "ecr-public:DeleteRepository", "ecr-public:BatchDeleteImage", "ecr-public:PutImage",
}

// proofFor picks, among proofs, one that covers an action of want, and the
// action to show: the witness holds for every action of its group, since the
// policy cannot tell them apart.
func proofFor(proofs []exposure.Proof, want catalog.ActionSet) (*eval.Witness, string) {
	cat := catalog.Default()
	for _, name := range proofActionOrder {
		a := cat.Lookup(name)
		if a == nil || !want.Has(a.Index) {
			continue
		}
		for _, p := range proofs {
			if p.Actions.Has(a.Index) {
				return p.Witness, name
			}
		}
	}
	for _, p := range proofs {
		if got := p.Actions.Intersect(want); !got.Empty() {
			return p.Witness, cat.Names(got)[0]
		}
	}
	if len(proofs) > 0 {
		return proofs[0].Witness, proofs[0].Witness.Request.Action
	}
	return nil, ""
}

// proofText explains the proof of an access to want, and adds to f's
// Assumes what the proof takes at its worst. patterns are the account
// patterns the finding names accounts by (99998888*): a caller in an
// account that stands for one is said to be in an account matching it.
func proofText(f *Finding, proofs []exposure.Proof, want catalog.ActionSet, patterns ...string) string {
	w, action := proofFor(proofs, want)
	if w == nil {
		return ""
	}
	for _, as := range w.Decision.Assumptions {
		f.Assumes = append(f.Assumes, as.Unknown...)
	}
	slices.Sort(f.Assumes)
	f.Assumes = slices.Compact(f.Assumes)
	return " Proof: " + describeProof(w, action, patterns...) + "."
}

// DescribeProof explains a witness of action in words, as findings do:
// who asked what, in which context (ecrguard diff's proofs).
func DescribeProof(w *eval.Witness, action string) string { return describeProof(w, action) }

// describeProof explains a witness: who asked what, in which context. The
// values ecrguard made up for the request (an outsider's account and name,
// an organization, the resource a service acts for) are said in words, with
// the value as the example, so that a reader never takes them for real ones.
func describeProof(w *eval.Witness, action string, patterns ...string) string {
	p := w.Request.Principal
	if p.Type == eval.Role && p.Session != "" && !exposure.OutsiderName(p.Session) {
		// A session a policy names: the proof is that session's.
		p = p.AsSession()
	}
	chosen := map[string]eval.Assignment{}
	for _, a := range w.Chosen {
		chosen[strings.ToLower(a.Key)] = a
	}
	skip := map[string]bool{}
	who := describeCaller(p, patterns)
	if p.Type == eval.Service {
		if acting := actingFor(w, chosen, skip); acting != "" {
			who += ", " + acting + ","
		}
	}
	var ctx []string
	for _, a := range w.Chosen {
		if a.Absent || skip[strings.ToLower(a.Key)] {
			continue
		}
		if c := describeAssignment(p, a, chosen); c != "" {
			ctx = append(ctx, c)
		}
	}
	s := fmt.Sprintf("%s calling %s", who, action)
	if len(ctx) > 0 {
		s += " with " + strings.Join(ctx, "; ")
	}
	s += " is allowed"
	if len(w.Decision.Assumptions) > 0 {
		var unk []string
		for _, as := range w.Decision.Assumptions {
			unk = append(unk, as.Unknown...)
		}
		s += fmt.Sprintf(" (assuming the worst for values unknown at scan time: %s)", strings.Join(unk, "; "))
	}
	return s
}

// outsideZone is how a proof names an account or organization ecrguard
// made up to stand for any outsider the policy does not name.
const outsideZone = "outside your zone of trust"

// describeCaller names a proof's caller. A caller whose account or name
// ecrguard made up is said as the callers it stands for, with its ARN as the
// example ("any role in an account outside your zone of trust — ecrguard
// used arn:aws:iam::777766665555:role/… as the example —"); a caller the
// policy names is its ARN.
func describeCaller(p eval.Principal, patterns []string) string {
	switch p.Type {
	case eval.Service:
		if exposure.StandInService(p.Service) {
			return "any AWS service"
		}
		for _, label := range patterns {
			if exposure.ServicePattern(label) && policy.Match(label, p.Service) {
				return "an AWS service whose name matches " + label + " (ecrguard used " + p.Service + " as the example)"
			}
		}
		return "the AWS service " + p.Service
	case eval.Anonymous:
		return "an anonymous caller"
	}
	outsider := exposure.OutsiderAccount(p.Account)
	where := "account " + p.Account
	if outsider {
		where = "an account " + outsideZone
	}
	for _, pat := range patterns {
		if policy.HasWildcard(pat) && policy.Match(pat, p.Account) {
			// The account is an instance ecrguard made of the pattern.
			where, outsider = "an account matching "+pat, true
			break
		}
	}
	if p.Type == eval.Root {
		if !outsider {
			return p.ARN
		}
		return "the root user of " + where + " — ecrguard used " + p.ARN + " as the example —"
	}
	a, ok := policy.ParseARN(p.ARN)
	if !ok {
		return p.String()
	}
	// The resource is TYPE/NAME (TYPE/ROLE/SESSION for a session): made-up
	// names become "…" in the example.
	parts := strings.Split(a.Resource, "/")
	madeUp := false
	for i := 1; i < len(parts); i++ {
		if exposure.OutsiderName(parts[i]) {
			parts[i] = "…"
			madeUp = true
		}
	}
	if !madeUp && !outsider {
		return p.ARN
	}
	a.Resource = strings.Join(parts, "/")
	example := a.String()
	name := parts[len(parts)-1]
	var kind string
	switch p.Type {
	case eval.User:
		kind = "IAM user"
	case eval.FederatedUser:
		kind = "federated user"
	case eval.AssumedRole:
		kind = "role session"
		if len(parts) == 3 && parts[1] != "…" {
			name = parts[1]
			kind = "session of the role"
		}
	default:
		kind = "role"
	}
	var who string
	switch {
	case name == "…":
		who = "any " + kind
	case p.Type == eval.AssumedRole:
		who = "any " + kind + " " + name
	case kind == "IAM user":
		who = "an " + kind + " named " + name
	default:
		who = "a " + kind + " named " + name
	}
	return who + " in " + where + " — ecrguard used " + example + " as the example —"
}

// actingFor says whom a service acts for in a proof, from the source keys
// its request carries, and marks in skip the keys it has said.
func actingFor(w *eval.Witness, chosen map[string]eval.Assignment, skip map[string]bool) string {
	acct, ok := chosen["aws:sourceaccount"]
	if !ok {
		// The search did not choose it: the request carries what it was
		// given.
		if w.Request.Context == nil {
			return ""
		}
		acct = eval.Assignment{Key: "aws:SourceAccount", Absent: true}
		if v, has := w.Request.Context.Get("aws:SourceAccount"); has {
			acct = eval.Assignment{Key: "aws:SourceAccount", Values: v}
		}
	}
	skip["aws:sourceaccount"] = true
	if acct.Absent || len(acct.Values) != 1 {
		if arn, ok := chosen["aws:sourcearn"]; ok && !arn.Absent {
			return ""
		}
		return "acting for any account (the request names none: no aws:SourceAccount or aws:SourceArn)"
	}
	id := acct.Values[0]
	if o, ok := chosen["aws:sourceowner"]; ok && !o.Absent && len(o.Values) == 1 && o.Values[0] == id {
		skip["aws:sourceowner"] = true
	}
	if arn, ok := chosen["aws:sourcearn"]; ok && !arn.Absent && len(arn.Values) == 1 && exposure.SourceStandIn(arn.Values[0]) {
		skip["aws:sourcearn"] = true
	}
	if exposure.OutsiderAccount(id) {
		return "acting for an account " + outsideZone + " (ecrguard used " + id + " as the example)"
	}
	return "acting for account " + id
}

// describeAssignment says one key of a proof's request: "" for a key that
// only restates the caller, the key and its value otherwise, a made-up value
// said for what it stands for.
func describeAssignment(p eval.Principal, a eval.Assignment, chosen map[string]eval.Assignment) string {
	one := ""
	if len(a.Values) == 1 {
		one = a.Values[0]
	}
	switch strings.ToLower(a.Key) {
	case "aws:principalarn":
		if one != "" && (one == p.ARN || one == p.RoleARN) {
			return ""
		}
	case "aws:username":
		if one != "" && one == p.Name() {
			return ""
		}
	case "aws:principalorgid", "aws:sourceorgid", "aws:resourceorgid":
		if exposure.OutsiderOrg(one) {
			return a.Key + " = an organization " + outsideZone + " (ecrguard used " + one + " as the example)"
		}
		if exposure.OwnerOrg(one) {
			return a.Key + " = the owner's organization"
		}
	case "aws:principalorgpaths", "aws:sourceorgpaths", "aws:resourceorgpaths":
		if exposure.OwnerOrgPath(one) {
			if rp, ok := chosen["aws:resourceorgpaths"]; ok && len(rp.Values) == 1 && rp.Values[0] == one && !strings.EqualFold(a.Key, rp.Key) {
				return a.Key + " = the owner's OU path"
			}
			return a.Key + " = an OU path in the owner's organization"
		}
		// A path the policy does not name, in the organization the proof
		// names: the organization says it all.
		org, ok := exposure.UnnamedOUPath(one)
		idKey := "aws:principalorgid"
		if strings.HasPrefix(strings.ToLower(a.Key), "aws:source") {
			idKey = "aws:sourceorgid"
		}
		if id, has := chosen[idKey]; ok && has && len(id.Values) == 1 && id.Values[0] == org {
			return ""
		}
	}
	if one == eval.FreshValue {
		return a.Key + " = any value the policy does not name"
	}
	s := a.String()
	for _, v := range a.Values {
		if exposure.MadeUp(v) {
			return s + " (an example ecrguard made up)"
		}
	}
	return s
}

// accountName names an account in prose: "account ID", or "the owner
// account" when the inputs do not say which account owns the resources
// (docs/semantics.md, "The owner account"); never an empty string.
func accountName(id string) string {
	if id == "" || id == policy.OwnerAccount {
		return "the owner account"
	}
	return "account " + id
}

// orgName names an organization or organizational unit as a result labels
// it, in prose: "the organization ID", "the organizational unit PATH", or
// "the owner's organization" when the inputs do not say which organization
// the owner is in (exposure.OwnerOrgLabel).
func orgName(label string) string {
	switch {
	case label == exposure.OwnerOrgLabel:
		return label
	case strings.Contains(label, "/"):
		return "the organizational unit " + label
	}
	return "the organization " + label
}

// ownerValue is the owner's account as a policy value: its id, or when
// unknown the policy variable that holds it in every request to its
// resources.
func ownerValue(id string) string {
	if id == "" {
		return exposure.OwnerVariable
	}
	return id
}

// applyCommand is the AWS CLI command that installs a fixed policy from
// fixFile, each argument quoted for a POSIX shell where it needs to be.
func applyCommand(t exposure.Target, fixFile string) string {
	q := ShellQuote
	file := q("file://" + fixFile)
	switch t.Kind {
	case exposure.Registry:
		return fmt.Sprintf("aws ecr put-registry-policy --region %s --policy-text %s", q(t.Region), file)
	case exposure.Template:
		return fmt.Sprintf("aws ecr update-repository-creation-template --region %s --prefix %s --repository-policy %s", q(t.Region), q(t.Prefix), file)
	case exposure.Public:
		return fmt.Sprintf("aws ecr-public set-repository-policy --region %s --repository-name %s --policy-text %s", q(t.Region), q(t.Repository), file)
	}
	return fmt.Sprintf("aws ecr set-repository-policy --region %s --repository-name %s --policy-text %s", q(t.Region), q(t.Repository), file)
}

// ShellQuote quotes s as one word of a POSIX shell: as it is when every
// character is one no shell treats specially, else in single quotes, a
// single quote in it written '\”.
func ShellQuote(s string) string {
	if s != "" && strings.Trim(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-./:=@%+,") == "" {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// applyPhrase says how to put the changed policy of x (what: "it", "the
// policy") in place: "apply it with `aws ecr ...`", or, for a policy an
// input file defines in a place ecrguard can edit (Terraform,
// CloudFormation), "change it in FILE and deploy it".
func applyPhrase(x *analysis.ExposureItem, what string) string {
	if x.Policy != nil && x.Policy.Insert != nil {
		return "change " + what + " in " + x.Policy.Insert.File + " and deploy it"
	}
	return "apply " + what + " with `" + applyCommand(x.Target, x.FixName) + "`"
}

// provenFix describes the fix ecrguard built and verified for an item.
func provenFix(x *analysis.ExposureItem) string {
	if x.Fix == nil {
		return ""
	}
	if u := x.Fix.Unproven; u != "" && u == exposure.UnsupportedAllow(x.Fix.Doc.Statements) {
		return " ecrguard wrote no fix: " + u + "."
	}
	if x.Fix.Unproven != "" {
		return fmt.Sprintf(" ecrguard wrote no fix: the guard that closes this (%s) is not proven safe for %s: %s; change the statements by hand.",
			joinAnd(quoteAll(x.Fix.Added)), accountName(x.Target.Account), x.Fix.Unproven)
	}
	if !x.Fix.Closed() {
		return fmt.Sprintf(" ecrguard could not build a guard that closes everything (still open: %s); change the statements by hand.", describeActions(x.Fix.After, catalog.ActionSet{}))
	}
	if x.Policy != nil && x.Policy.Insert != nil {
		return fmt.Sprintf(provenMark+"%s, a Deny for whoever is outside the zone of trust, to the policy in %s; ecrguard analysed the fixed policy: nothing is open to outsiders and nothing is taken from %s.",
			joinAnd(quoteAll(x.Fix.Added)), x.Policy.Insert.File, accountName(x.Target.Account))
	}
	return fmt.Sprintf(provenMark+"%s, a Deny for whoever is outside the zone of trust; ecrguard analysed the fixed policy: nothing is open to outsiders and nothing is taken from %s (`--fix-dir DIR` writes it to DIR/%s).",
		joinAnd(quoteAll(x.Fix.Added)), accountName(x.Target.Account), x.FixName)
}

func quoteAll(ss []string) []string {
	out := make([]string, len(ss))
	for i, s := range ss {
		out[i] = fmt.Sprintf("%q", s)
	}
	return out
}

// targetName names the target in messages.
func targetName(x *analysis.ExposureItem) string {
	t := x.Target
	switch t.Kind {
	case exposure.Registry:
		return fmt.Sprintf("the registry of %s in %s (through its registry policy)", accountName(t.Account), t.Region)
	case exposure.Template:
		var appliedFor []string
		if x.Template != nil {
			appliedFor = x.Template.AppliedFor
		}
		return fmt.Sprintf("every repository the creation template %s will create (%s)", t.Prefix, createdBy(t.Prefix, appliedFor))
	case exposure.Public:
		return "ECR Public repository " + t.Repository
	}
	return "repository " + t.Repository
}

// createdBy says which repositories a creation template of prefix creates,
// and how (appliedFor): "repositories created under prefix team-a/ by pull
// through cache and replication".
func createdBy(prefix string, appliedFor []string) string {
	s := "repositories created under prefix " + prefix + "/"
	if prefix == estate.RootPrefix {
		s = "repositories created under a name no other template's prefix matches"
	}
	var how []string
	for _, u := range appliedFor {
		switch u {
		case estate.ForPullThroughCache:
			how = append(how, "pull through cache")
		case estate.ForReplication:
			how = append(how, "replication")
		case estate.ForCreateOnPush:
			how = append(how, "create on push")
		default:
			how = append(how, u)
		}
	}
	if len(how) > 0 {
		s += " by " + joinAnd(how)
	}
	return s
}
