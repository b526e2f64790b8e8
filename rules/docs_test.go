package rules_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/ecrguard/ecrguard/internal/golden"
	"github.com/ecrguard/ecrguard/rules"
)

// TestGeneratedDocs keeps docs/rules/*.md and docs/exit-codes.md equal to
// what the catalog generates; `go test ./rules -update` rewrites them.
func TestGeneratedDocs(t *testing.T) {
	want := map[string]string{
		filepath.Join("..", "docs", "rules", "README.md"): rules.CatalogMarkdown(),
		filepath.Join("..", "docs", "exit-codes.md"):      rules.ExitCodesMarkdown(),
	}
	for _, r := range rules.All() {
		want[filepath.Join("..", "docs", "rules", r.ID+".md")] = r.Markdown()
	}
	for path, content := range want {
		if golden.Update() {
			golden.Write(t, path, []byte(content))
			continue
		}
		got, err := os.ReadFile(path)
		if err != nil || string(got) != content {
			t.Errorf("%s is not up to date with the rule catalog: run go test ./rules -update", path)
		}
	}
}

func TestCatalog(t *testing.T) {
	seen := map[string]bool{}
	for _, r := range rules.All() {
		if seen[r.ID] {
			t.Errorf("duplicate rule %s", r.ID)
		}
		seen[r.ID] = true
		if r.Title == "" || r.FiresWhen == "" || r.Description == "" || r.Remediation == "" || len(r.Frameworks) == 0 {
			t.Errorf("%s: incomplete metadata", r.ID)
		}
		if !r.HasCheck() {
			t.Errorf("%s has no check", r.ID)
		}
	}
	// docs/rules (contract): ids and default severities.
	want := map[string]rules.Severity{
		"ECR001": rules.Critical, "ECR002": rules.Medium, "ECR003": rules.High, "ECR004": rules.Critical,
		"ECR005": rules.High, "ECR006": rules.High, "ECR007": rules.Medium, "ECR008": rules.High,
		"ECR009": rules.Medium, "ECR010": rules.Medium, "ECR011": rules.High, "ECR012": rules.Critical,
	}
	for id, sev := range want {
		r, ok := rules.Lookup(id)
		if !ok || r.Severity != sev {
			t.Errorf("%s: severity %v, want %v (docs/rules)", id, r.Severity, sev)
		}
	}
	if len(rules.All()) != len(want) {
		t.Errorf("catalog has %d rules, want %d", len(rules.All()), len(want))
	}
}
