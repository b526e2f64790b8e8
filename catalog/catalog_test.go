package catalog

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestEmbeddedCopiesMatchShared(t *testing.T) {
	shared := filepath.Join("..", "..", "shared", "data")
	if _, err := os.Stat(shared); err != nil {
		t.Skipf("no shared data folder at %s; nothing to compare", shared)
	}
	for _, name := range []string{"iam-actions-ecr.json", "aws-managed-policies-ecr.json"} {
		want, err := os.ReadFile(filepath.Join(shared, name))
		if err != nil {
			t.Fatal(err)
		}
		got, err := os.ReadFile(filepath.Join("data", name))
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, want) {
			t.Errorf("catalog/data/%s differs from %s: copy the shared file again", name, filepath.Join(shared, name))
		}
	}
}

func TestCatalogShape(t *testing.T) {
	c := Default()
	if got := len(c.RepositoryActions()); got != 35 {
		t.Errorf("repository actions = %d, want 35 (conformance README)", got)
	}
	for i, a := range c.Actions {
		if a.Index != i {
			t.Fatalf("action %s has index %d at position %d", a.FullName(), a.Index, i)
		}
	}
	if a := c.Lookup("ECR:batchgetimage"); a == nil || a.FullName() != "ecr:BatchGetImage" || a.Class() != ClassPull {
		t.Errorf("Lookup is not case-insensitive or class is wrong: %+v", a)
	}
	if a := c.Lookup("ecr:GetAuthorizationToken"); a == nil || a.HasResourceType() {
		t.Errorf("GetAuthorizationToken should have no resource type: %+v", a)
	}
	if got := c.ClassSet(ClassPermissionsManagement); got.Len() != 4 {
		t.Errorf("ecr permissions-management actions = %v", c.Names(got))
	}
	if got := c.Names(c.MatchSet("ecr:Delete*").Intersect(c.RepositorySet())); len(got) != 3 {
		t.Errorf("ecr:Delete* on repositories = %v, want DeleteLifecyclePolicy, DeleteRepository, DeleteRepositoryPolicy", got)
	}
}

func TestSuggest(t *testing.T) {
	c := Default()
	for in, want := range map[string]string{
		"ecr:BatchGetImages":         "ecr:BatchGetImage",
		"ecr:PutImages":              "ecr:PutImage",
		"ecr:GetAuthorisationToken":  "ecr:GetAuthorizationToken",
		"ecr:Zzzzzzzzzzzzzzzzzzzzzz": "",
		// A name cut short is completed, to the shortest action.
		"ecr:DeleteRepo": "ecr:DeleteRepository",
		"ecr:Del":        "",
	} {
		if got := c.Suggest(in); got != want {
			t.Errorf("Suggest(%q) = %q, want %q", in, got, want)
		}
	}
}

// Nearest suggests a name at most two edits away, letter case aside, the
// nearest first; nothing farther, and a long name costs no work.
func TestNearest(t *testing.T) {
	known := []string{"AWS::ECR::Repository", "AWS::ECR::RegistryPolicy", "ECR001", "ECR010"}
	for name, want := range map[string]string{
		"AWS::ECR::Repositry":        "AWS::ECR::Repository",
		"AWS::ECR::repository":       "AWS::ECR::Repository",
		"AWS::ECR::RegistryPolicyy":  "AWS::ECR::RegistryPolicy",
		"ecr01":                      "ECR001",
		"ECR011":                     "ECR001",
		"AWS::ECR::RepositoryPolicy": "",
		strings.Repeat("x", 1<<20):   "",
		"AWS::ECR::PublicRepository": "",
	} {
		if got := Nearest(name, known); got != want {
			t.Errorf("Nearest(%.40q) = %q, want %q", name, got, want)
		}
	}
}

func TestKeys(t *testing.T) {
	c := Default()
	for name, multi := range map[string]bool{
		"aws:PrincipalOrgPaths": true, "aws:principalorgid": false, "aws:TagKeys": true,
		"aws:PrincipalTag/team": false, "ecr:ResourceTag/team": false, "aws:SourceIp": false,
	} {
		k, ok := c.Key(name)
		if !ok {
			t.Errorf("Key(%q) unknown", name)
			continue
		}
		if k.MultiValued() != multi {
			t.Errorf("Key(%q).MultiValued() = %v", name, k.MultiValued())
		}
	}
	if p, ok := c.ManagedPolicy("arn:aws:iam::aws:policy/AmazonEC2ContainerRegistryPowerUser"); !ok || p.VersionID != "v3" {
		t.Errorf("managed policy PowerUser missing: %+v", p)
	}
}

// TestECRKey follows the IAM User Guide, "AWS global condition context
// keys" (global keys; aws:PrincipalTag/, aws:RequestTag/ and
// aws:ResourceTag/ take any tag name; names are case-insensitive) and the
// Service Authorization Reference, "Condition keys for Amazon Elastic
// Container Registry" (ecr:AccountSetting, ecr:ResourceTag/${TagKey}).
func TestECRKey(t *testing.T) {
	c := Default()
	tests := []struct {
		key     string
		known   bool
		suggest string
	}{
		{"aws:PrincipalOrgID", true, ""},
		{"AWS:PRINCIPALORGID", true, ""},
		{"aws:PrincipalTag/team", true, ""},
		{"aws:RequestTag/x", true, ""},
		{"aws:ResourceTag/x", true, ""},
		{"ecr:ResourceTag/x", true, ""},
		{"ecr:AccountSetting", true, ""},
		{"aws:TagKeys", true, ""},
		{"ec2:SourceInstanceArn", true, ""},
		{"aws:PrincipleOrgID", false, "aws:PrincipalOrgID"},
		{"aws:PrincipleTag/team", false, "aws:PrincipalTag/team"},
		{"aws:PrincipalTag/", false, ""},
		{"ecr:ResourceTags/team", false, "ecr:ResourceTag/team"},
		{"ecr-public:ResourceTag/x", false, ""},
		{"s3:prefix", false, ""},
		{"ecr:RepositoryName", false, ""},
	}
	for _, tt := range tests {
		t.Run(tt.key, func(t *testing.T) {
			if _, ok := c.ECRKey(tt.key); ok != tt.known {
				t.Errorf("ECRKey(%q) known = %v, want %v", tt.key, ok, tt.known)
			}
			if !tt.known {
				if got := c.SuggestKey(tt.key); got != tt.suggest {
					t.Errorf("SuggestKey(%q) = %q, want %q", tt.key, got, tt.suggest)
				}
			}
		})
	}
}

// Only the actions whose condition keys list them carry the keys of the
// tags a request passes (Service Authorization Reference, Amazon ECR:
// CreateRepository and TagResource list aws:RequestTag/${TagKey} and
// aws:TagKeys, UntagResource aws:TagKeys alone); other keys are not an
// action's to withhold.
func TestCarries(t *testing.T) {
	carried := map[string]bool{
		"ecr:TagResource aws:requesttag/team":    true,
		"ecr:CreateRepository aws:tagkeys":       true,
		"ecr:UntagResource aws:tagkeys":          true,
		"ecr:UntagResource aws:requesttag/team":  false,
		"ecr:BatchGetImage aws:requesttag/team":  false,
		"ecr:DeleteRepository aws:tagkeys":       false,
		"ecr:BatchGetImage aws:sourceip":         true,
		"ecr:BatchGetImage ecr:resourcetag/team": true,
	}
	for q, want := range carried {
		action, key, _ := strings.Cut(q, " ")
		if got := Default().Lookup(action).Carries(key); got != want {
			t.Errorf("%s carries %s = %v, want %v", action, key, got, want)
		}
	}
}
