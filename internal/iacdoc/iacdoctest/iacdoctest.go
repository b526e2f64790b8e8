// Package iacdoctest holds test helpers shared by the IaC readers' tests:
// loading the raw-JSON reference policies of testdata/iac/raw and finding
// the corresponding documents in an estate read from Terraform or
// CloudFormation.
package iacdoctest

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/ecrguard/ecrguard/estate"
	"github.com/ecrguard/ecrguard/internal/iacdoc"
	"github.com/ecrguard/ecrguard/policy"
)

// Account and Region are those of the reference estate.
const (
	Account = "111122223333"
	Region  = "us-east-1"
)

// Reference is one raw policy and where its IaC form lives in an estate.
type Reference struct {
	// Name is the file below testdata/iac/raw.
	Name string
	Doc  *policy.Document
	// Kind is "repository", "registry", "identity", "public" (an ECR
	// Public repository's policy), "template" (a repository creation
	// template's repository policy) or "rcp"; Target names the
	// repository, role, public repository or template prefix.
	Kind, Target string
}

// References loads testdata/iac/raw; root is the path to the repository's
// top from the test's package.
func References(t testing.TB, root string) []Reference {
	t.Helper()
	dir := filepath.Join(root, "testdata", "iac", "raw")
	var out []Reference
	err := filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(p, ".json") {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		rel = filepath.ToSlash(rel)
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		doc, err := policy.Parse(data, rel)
		if err != nil {
			return err
		}
		r := Reference{Name: rel, Doc: doc}
		base := strings.TrimSuffix(filepath.Base(rel), ".json")
		switch {
		case strings.HasPrefix(rel, "repositories/"):
			r.Kind, r.Target = "repository", base
		case strings.HasPrefix(rel, "identity/"):
			r.Kind, r.Target = "identity", base
		case strings.HasPrefix(rel, "public-repositories/"):
			r.Kind, r.Target = "public", base
		case strings.HasPrefix(rel, "creation-templates/"):
			r.Kind, r.Target = "template", base
		case strings.HasPrefix(rel, "rcps/"):
			r.Kind = "rcp"
		default:
			r.Kind = "registry"
		}
		out = append(out, r)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	if len(out) < 10 {
		t.Fatalf("found %d reference policies in %s, expected at least 10", len(out), dir)
	}
	return out
}

// Find returns the document of est that corresponds to r: a repository's
// policy, the registry policy, an ECR Public repository's policy, a
// creation template's repository policy, the RCP level or the one identity
// policy of role r.Target (inline or attached managed) whose first
// statement has r's first Sid.
func Find(est *estate.Estate, r Reference) (*policy.Document, string) {
	a := est.Lookup(Account)
	if a == nil {
		return nil, "no account " + Account
	}
	reg := a.Region(Region)
	switch r.Kind {
	case "public":
		for _, p := range a.Public {
			if p.Name == r.Target {
				return slotDoc(p.PolicySlot, "ECR Public repository "+r.Target)
			}
		}
		return nil, "no ECR Public repository " + r.Target
	case "template":
		for _, t := range reg.Templates() {
			if t.Prefix == r.Target {
				return slotDoc(t.PolicySlot, "creation template "+r.Target)
			}
		}
		return nil, "no creation template " + r.Target
	case "rcp":
		var docs []*policy.Document
		for _, p := range a.RCPs {
			docs = append(docs, p.Doc)
		}
		if d := withFirstSid(docs, r.Doc); d != nil {
			return d, ""
		}
		return nil, fmt.Sprintf("no RCP level with Sid %s among %d (known %v)", r.Doc.Statements[0].Sid, len(a.RCPs), a.RCPsKnown)
	case "repository":
		for _, repo := range reg.Repositories() {
			if repo.Name == r.Target {
				if repo.Policy == nil {
					return nil, "repository " + r.Target + " has no policy"
				}
				return repo.Policy.Doc, ""
			}
		}
		return nil, "no repository " + r.Target
	case "registry":
		if reg.Registry.Policy == nil {
			return nil, "no registry policy"
		}
		return reg.Registry.Policy.Doc, ""
	}
	if a.IAM == nil {
		return nil, "no IAM data"
	}
	_, policies := a.IAM.Index()
	for _, role := range a.IAM.Roles {
		if role.Name != r.Target {
			continue
		}
		var docs []*policy.Document
		for _, p := range role.Inline {
			docs = append(docs, p.Doc)
		}
		for _, arn := range role.Attached {
			if mp := policies[arn]; mp != nil && mp.Default != nil {
				docs = append(docs, mp.Default.Doc)
			}
		}
		if d := withFirstSid(docs, r.Doc); d != nil {
			return d, ""
		}
		return nil, "role " + r.Target + " has no policy with Sid " + r.Doc.Statements[0].Sid
	}
	return nil, "no role " + r.Target
}

// slotDoc returns the document of a policy slot, or why there is none.
func slotDoc(s estate.PolicySlot, what string) (*policy.Document, string) {
	if s.Policy == nil {
		return nil, fmt.Sprintf("%s has no policy (state %d)", what, s.PolicyState)
	}
	return s.Policy.Doc, ""
}

// withFirstSid returns the document of docs whose first statement has the
// Sid of want's first statement, or nil.
func withFirstSid(docs []*policy.Document, want *policy.Document) *policy.Document {
	for _, d := range docs {
		if len(d.Statements) > 0 && len(want.Statements) > 0 && d.Statements[0].Sid == want.Statements[0].Sid {
			return d
		}
	}
	return nil
}

// Equivalent checks that est holds every reference policy, saying the same.
func Equivalent(t *testing.T, est *estate.Estate, refs []Reference) {
	t.Helper()
	for _, r := range refs {
		t.Run(r.Name, func(t *testing.T) {
			doc, why := Find(est, r)
			if doc == nil {
				t.Fatal(why)
			}
			if got, want := iacdoc.Canonical(doc), iacdoc.Canonical(r.Doc); got != want {
				t.Errorf("the IaC form says\n%s\nthe raw JSON says\n%s", got, want)
			}
		})
	}
}

// Statement returns the statement of r's policy with the given Sid, and
// fails the test when r has no policy or no such statement.
func Statement(t testing.TB, r *estate.Repository, sid string) *policy.Statement {
	t.Helper()
	if r.Policy == nil {
		t.Fatalf("repository %s has no policy (state %d)", r.Name, r.PolicyState)
	}
	for _, s := range r.Policy.Doc.Statements {
		if s.Sid == sid {
			return s
		}
	}
	t.Fatalf("repository %s: no statement %q", r.Name, sid)
	return nil
}

// Principals returns the values of s's Principal, or of its NotPrincipal
// when it has none.
func Principals(s *policy.Statement) []policy.Value {
	p := s.Principal
	if p == nil {
		p = s.NotPrincipal
	}
	var out []policy.Value
	for _, e := range p.Entries {
		out = append(out, e.Value)
	}
	return out
}

// Gaps returns est's gaps as "LINE: MESSAGE" lines, in their order,
// failing t for a gap whose code is not one of codes.
func Gaps(t testing.TB, est *estate.Estate, codes ...estate.GapCode) []string {
	t.Helper()
	var lines []string
	for _, g := range est.Gaps {
		if !slices.Contains(codes, g.Code) {
			t.Errorf("gap %v, want one of %v", g, codes)
		}
		lines = append(lines, fmt.Sprintf("%d: %s", g.Pos.Line, g.Message))
	}
	return lines
}
