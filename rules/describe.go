package rules

import (
	"fmt"
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

// firstSource is the position of the first statement, or the policy's.
func firstSource(stmts []*policy.Statement, p *estate.Policy) policy.Pos {
	for _, s := range stmts {
		if s.Pos.IsValid() || s.Pos.File != "" {
			return s.Pos
		}
	}
	if p != nil {
		if p.Doc != nil && (p.Doc.Pos.IsValid() || p.Doc.Pos.File != "") {
			return p.Doc.Pos
		}
		return p.Source
	}
	return policy.Pos{}
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
		parts = append(parts, l)
	}
	return joinAnd(parts)
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

// proofText explains the proof of an access to want.
func proofText(proofs []exposure.Proof, want catalog.ActionSet) string {
	w, action := proofFor(proofs, want)
	if w == nil {
		return ""
	}
	return " Proof: " + describeProof(w, action) + "."
}

// describeProof explains a witness: who asked what, in which context.
func describeProof(w *eval.Witness, action string) string {
	var ctx []string
	for _, a := range w.Chosen {
		if a.Absent {
			continue
		}
		ctx = append(ctx, a.String())
	}
	who := w.Request.Principal.String()
	if w.Request.Principal.Service == "ecrguard-any-service.amazonaws.com" {
		who = "any AWS service principal"
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

// accountName names an account in prose: "account ID", or "the owner
// account" when the inputs do not say which account owns the resources
// (docs/semantics.md, "The owner account"); never an empty string.
func accountName(id string) string {
	if id == "" {
		return "the owner account"
	}
	return "account " + id
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

// fixFileName is the file a fixed policy of t is written to; "owner"
// stands for an account the inputs do not name.
func fixFileName(t exposure.Target) string {
	acct := t.Account
	if acct == "" {
		acct = "owner"
	}
	if t.Kind == exposure.Registry {
		return fmt.Sprintf("registry-%s-%s-policy.json", acct, t.Region)
	}
	name := t.Repository
	if policy.IsPlaceholder(name) {
		// A name not known at scan time (<aws_ecr_repository.app.name>,
		// <!Ref Repo>): the expression, in characters every file system
		// takes.
		name = strings.Join(strings.FieldsFunc(name, func(r rune) bool {
			return !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '.' || r == '_' || r == '-')
		}), "-")
	}
	return fmt.Sprintf("%s-%s-%s-policy.json", acct, t.Region, strings.ReplaceAll(name, "/", "-"))
}

// applyCommand is the AWS CLI command that installs a fixed policy.
func applyCommand(t exposure.Target) string {
	if t.Kind == exposure.Registry {
		return fmt.Sprintf("aws ecr put-registry-policy --region %s --policy-text file://%s", t.Region, fixFileName(t))
	}
	return fmt.Sprintf("aws ecr set-repository-policy --region %s --repository-name %s --policy-text file://%s", t.Region, t.Repository, fixFileName(t))
}

// provenFix describes the fix ecrguard built and verified for an item.
func provenFix(x *analysis.ExposureItem) string {
	if x.Fix == nil {
		return ""
	}
	if x.Fix.Unproven != "" {
		return fmt.Sprintf(" ecrguard wrote no fix: the guard that closes this (%s) is not proven safe for %s: %s; change the statements by hand.",
			joinAnd(quoteAll(x.Fix.Added)), accountName(x.Target.Account), x.Fix.Unproven)
	}
	if !x.Fix.Closed() {
		return fmt.Sprintf(" ecrguard could not build a guard that closes everything (still open: %s); change the statements by hand.", describeActions(x.Fix.After, catalog.ActionSet{}))
	}
	return fmt.Sprintf(" Proven fix: append %s, a Deny for whoever is outside the zone of trust; ecrguard analysed the fixed policy: nothing is open to outsiders and nothing is taken from %s (`--fix-dir DIR` writes it to DIR/%s).",
		joinAnd(quoteAll(x.Fix.Added)), accountName(x.Target.Account), fixFileName(x.Target))
}

func quoteAll(ss []string) []string {
	out := make([]string, len(ss))
	for i, s := range ss {
		out[i] = fmt.Sprintf("%q", s)
	}
	return out
}

// targetName names the target in messages.
func targetName(t exposure.Target) string {
	if t.Kind == exposure.Registry {
		return fmt.Sprintf("the registry of %s in %s (through its registry policy)", accountName(t.Account), t.Region)
	}
	return "repository " + t.Repository
}
