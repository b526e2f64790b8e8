package config

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/ecrguard/ecrguard/internal/conformance"
	"github.com/ecrguard/ecrguard/policy"
	"github.com/ecrguard/ecrguard/rules"
)

var now = time.Date(2026, 11, 23, 15, 0, 0, 0, time.UTC)

func TestParseFull(t *testing.T) {
	data, err := os.ReadFile(filepath.Join("testdata", "full.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	c, err := Parse(data, "full.yaml", now)
	if err != nil {
		t.Fatal(err)
	}
	want := &Config{
		Account: "111122223333",
		Region:  "eu-west-1",
		Trusted: Trusted{
			Accounts: []string{"444455556666", "012345678901"},
			OrgIDs:   []string{"o-abc123defg"},
			OrgPaths: []string{"o-abc123defg/r-ab12/ou-ab12-11111111/"},
		},
		Authorized: Authorized{
			Delete:    []string{"arn:aws:iam::111122223333:role/ecr-admin"},
			AuthToken: []string{"arn:aws:iam::111122223333:role/ci-*", "arn:aws:iam::*:user/bot?"},
			Write:     []string{"*"},
		},
		Suppress: []Suppression{
			{Rule: "ECR002", Resource: "arn:aws:ecr:*:111122223333:repository/public-base-*", Reason: "published base images",
				Expires: time.Date(2027, 6, 30, 0, 0, 0, 0, time.UTC), Pos: policy.Pos{File: "full.yaml", Line: 21, Col: 5}},
			{Rule: "ECR010", Resource: "*", Reason: "reviewed", Pos: policy.Pos{File: "full.yaml", Line: 25, Col: 5}},
			{Rule: "ECR001", Resource: "arn:aws:ecr:us-east-1:111122223333:repository/old", Reason: "migration",
				Expires: time.Date(2026, 6, 30, 0, 0, 0, 0, time.UTC), Expired: true, Pos: policy.Pos{File: "full.yaml", Line: 28, Col: 5}},
			{Rule: "ECR003", Resource: "arn:aws:ecr:us-east-1:111122223333:repository/today", Reason: "ends today",
				Expires: time.Date(2026, 11, 23, 0, 0, 0, 0, time.UTC), Pos: policy.Pos{File: "full.yaml", Line: 32, Col: 5}},
		},
		Severity: map[string]rules.Severity{"ECR010": rules.Low, "ECR002": rules.High},
		File:     "full.yaml",
		Warnings: []string{
			"full.yaml:28:5: suppression of ECR001 for arn:aws:ecr:us-east-1:111122223333:repository/old expired on 2026-06-30; it no longer suppresses",
		},
	}
	if !reflect.DeepEqual(c, want) {
		gotJSON, _ := json.MarshalIndent(c, "", "  ")
		wantJSON, _ := json.MarshalIndent(want, "", "  ")
		t.Errorf("got\n%s\nwant\n%s", gotJSON, wantJSON)
	}
}

func TestParseJSON(t *testing.T) {
	data := "{\n\t\"account\": \"111122223333\",\n\t\"trusted\": {\"accounts\": [444455556666]},\n\t\"authorized\": {\"delete\": [], \"auth_token\": [\"arn:aws:iam::111122223333:role/ci-*\"]},\n\t\"severity\": {\"ECR007\": \"info\"}\n}\n"
	c, err := Parse([]byte(data), "c.json", now)
	if err != nil {
		t.Fatal(err)
	}
	if c.Account != "111122223333" || !reflect.DeepEqual(c.Trusted.Accounts, []string{"444455556666"}) ||
		len(c.Authorized.AuthToken) != 1 || c.Severity["ECR007"] != rules.Info || len(c.Warnings) != 0 {
		t.Errorf("config = %+v", c)
	}
	// A JSON number that lost its leading zero is read, with a warning.
	c, err = Parse([]byte(`{"account": 12345678901}`), "c.json", now)
	if err != nil {
		t.Fatal(err)
	}
	if c.Account != "012345678901" || len(c.Warnings) != 1 || !strings.HasPrefix(c.Warnings[0], "c.json:1:13: account: 12345678901 is a number with 11 digits; read as the account id 012345678901") {
		t.Errorf("account %q, warnings %q", c.Account, c.Warnings)
	}
}

func TestParseEmpty(t *testing.T) {
	for _, data := range []string{"", "\n# only a comment\n", "---\n", "{}", "null"} {
		c, err := Parse([]byte(data), "e.yaml", now)
		if err != nil {
			t.Errorf("%q: %v", data, err)
			continue
		}
		if c.Account != "" || len(c.Suppress) != 0 || c.Severity != nil {
			t.Errorf("%q: %+v", data, c)
		}
	}
}

func TestParseErrors(t *testing.T) {
	tests := []struct {
		name, data string
		want       []string // each error, in order
	}{
		{"unknown top-level key", "acount: \"111122223333\"\n",
			[]string{`c.yaml:1:1: config: unknown key "acount" (did you mean "account"?); valid keys: account, region, trusted, authorized, suppress, severity`}},
		{"unknown nested key", "trusted:\n  org-ids: [o-abc123defg]\n",
			[]string{`c.yaml:2:3: trusted: unknown key "org-ids" (did you mean "org_ids"?); valid keys: accounts, org_ids, org_paths`}},
		{"unknown key without suggestion", "authorized:\n  everything: []\n",
			[]string{`c.yaml:2:3: authorized: unknown key "everything"; valid keys: delete, auth_token, policy_management, write`}},
		{"unknown suppress key", "suppress:\n  - rule: ECR001\n    resource: '*'\n    reason: x\n    expiry: 2027-01-01\n",
			[]string{`c.yaml:5:5: suppress[0]: unknown key "expiry" (did you mean "expires"?); valid keys: rule, resource, reason, expires`}},
		{"duplicate key", "account: \"111122223333\"\naccount: \"444455556666\"\n",
			[]string{`c.yaml:2:1: config: key "account" given twice (also at line 1); give it once`}},
		{"bad account", "account: \"1111-2222-3333\"\n",
			[]string{`c.yaml:1:10: account: expected a 12-digit account id, got "1111-2222-3333"`}},
		{"account too long", "account: 1111222233334\n",
			[]string{`c.yaml:1:10: account: expected a 12-digit account id, got the number 1111222233334`}},
		{"account as a list", "account: [1]\n",
			[]string{`c.yaml:1:10: account: expected a 12-digit account id, got a list`}},
		{"bad trusted account", "trusted:\n  accounts: [\"444455556666\", abc]\n",
			[]string{`c.yaml:2:30: trusted.accounts[1]: expected a 12-digit account id, got "abc"`}},
		{"bad region", "region: us-east\n",
			[]string{`c.yaml:1:9: region: expected an AWS region such as us-east-1, got "us-east"`}},
		{"bad org id", "trusted:\n  org_ids: [o-ABC]\n",
			[]string{`c.yaml:2:13: trusted.org_ids[0]: expected an organization id (o- and 10 to 32 lowercase letters or digits, such as o-a1b2c3d4e5), got "o-ABC"`}},
		{"org path without slash", "trusted:\n  org_paths: [o-abc123defg/r-ab12/ou-ab12-11111111]\n",
			[]string{`c.yaml:2:15: trusted.org_paths[0]: "o-abc123defg/r-ab12/ou-ab12-11111111" is not an organization path: it must end with /; expected o-ORG/r-ROOT/ou-…/ such as o-a1b2c3d4e5/r-ab12/ou-ab12-11111111/`}},
		{"org path with a bad OU", "trusted:\n  org_paths: [\"o-abc123defg/r-ab12/ou-x/\"]\n",
			[]string{`c.yaml:2:15: trusted.org_paths[0]: "o-abc123defg/r-ab12/ou-x/" is not an organization path: "ou-x" is not an OU id (ou-…-…); expected o-ORG/r-ROOT/ou-…/ such as o-a1b2c3d4e5/r-ab12/ou-ab12-11111111/`}},
		{"org path with a wildcard", "trusted:\n  org_paths: [\"o-abc123defg/*\"]\n",
			[]string{`c.yaml:2:15: trusted.org_paths[0]: "o-abc123defg/*" is not an organization path: wildcards are not allowed (a path already covers every OU below it); expected o-ORG/r-ROOT/ou-…/ such as o-a1b2c3d4e5/r-ab12/ou-ab12-11111111/`}},
		{"authorized not an ARN", "authorized:\n  delete: [ecr-admin]\n",
			[]string{`c.yaml:2:12: authorized.delete[0]: "ecr-admin" is not an IAM principal ARN pattern: it is not an ARN; expected arn:aws:iam::ACCOUNT:role/NAME or arn:aws:iam::ACCOUNT:user/NAME (* and ? wildcards allowed), or * for everyone`}},
		{"authorized short account", "authorized:\n  write: [\"arn:aws:iam::1111:role/x\"]\n",
			[]string{`c.yaml:2:11: authorized.write[0]: "arn:aws:iam::1111:role/x" is not an IAM principal ARN pattern: the account "1111" does not have 12 digits; expected arn:aws:iam::ACCOUNT:role/NAME or arn:aws:iam::ACCOUNT:user/NAME (* and ? wildcards allowed), or * for everyone`}},
		{"authorized session", "authorized:\n  auth_token: [\"arn:aws:sts::111122223333:assumed-role/ci/x\"]\n",
			[]string{`c.yaml:2:16: authorized.auth_token[0]: "arn:aws:sts::111122223333:assumed-role/ci/x" is not an IAM principal ARN pattern: a role session (sts) never appears in findings; name its role, arn:aws:iam::ACCOUNT:role/NAME; expected arn:aws:iam::ACCOUNT:role/NAME or arn:aws:iam::ACCOUNT:user/NAME (* and ? wildcards allowed), or * for everyone`}},
		{"authorized group", "authorized:\n  policy_management: [\"arn:aws:iam::111122223333:group/admins\"]\n",
			[]string{`c.yaml:2:23: authorized.policy_management[0]: "arn:aws:iam::111122223333:group/admins" is not an IAM principal ARN pattern: groups are not principals; list the users or roles; expected arn:aws:iam::ACCOUNT:role/NAME or arn:aws:iam::ACCOUNT:user/NAME (* and ? wildcards allowed), or * for everyone`}},
		{"authorized with region", "authorized:\n  delete: [\"arn:aws:iam:us-east-1:111122223333:role/x\"]\n",
			[]string{`c.yaml:2:12: authorized.delete[0]: "arn:aws:iam:us-east-1:111122223333:role/x" is not an IAM principal ARN pattern: IAM ARNs have no region (arn:aws:iam::…); expected arn:aws:iam::ACCOUNT:role/NAME or arn:aws:iam::ACCOUNT:user/NAME (* and ? wildcards allowed), or * for everyone`}},
		{"authorized number", "authorized:\n  delete: [12]\n",
			[]string{`c.yaml:2:12: authorized.delete[0]: expected a string, got the number 12`}},
		{"unknown rule", "suppress:\n  - rule: ECR013\n    resource: '*'\n    reason: x\n",
			[]string{`c.yaml:2:11: suppress[0].rule: unknown rule "ECR013" (did you mean "ECR003"?); expected one of ECR001 to ECR012 ('ecrguard rules' lists them)`}},
		{"lower-case rule", "suppress:\n  - rule: ecr001\n    resource: '*'\n    reason: x\n",
			[]string{`c.yaml:2:11: suppress[0].rule: unknown rule "ecr001" (did you mean "ECR001"?); expected one of ECR001 to ECR012 ('ecrguard rules' lists them)`}},
		{"suppression missing reason", "suppress:\n  - rule: ECR001\n    resource: '*'\n",
			[]string{`c.yaml:2:5: suppress[0]: missing reason (every suppression needs a rule, a resource pattern and a reason)`}},
		{"suppression with an empty reason", "suppress:\n  - rule: ECR001\n    resource: '*'\n    reason: \"  \"\n",
			[]string{`c.yaml:4:13: suppress[0].reason: expected the reason as text, got the string "  "`}},
		{"suppression resource not an ARN", "suppress:\n  - rule: ECR001\n    resource: repository/app\n    reason: x\n",
			[]string{`c.yaml:3:15: suppress[0].resource: "repository/app" is not an ARN pattern: it is not an ARN; expected an ARN with * and ? wildcards, such as arn:aws:ecr:*:111122223333:repository/base-*, or *`}},
		{"bad expiry", "suppress:\n  - rule: ECR001\n    resource: '*'\n    reason: x\n    expires: 30/06/2027\n",
			[]string{`c.yaml:5:14: suppress[0].expires: expected a date YYYY-MM-DD, got "30/06/2027"`}},
		{"suppression not a mapping", "suppress:\n  - ECR001\n  -\n",
			[]string{`c.yaml:2:5: suppress[0]: expected a mapping with the keys rule, resource, reason, expires, got the string "ECR001"`,
				`c.yaml:3:4: suppress[1]: expected a mapping with the keys rule, resource, reason, expires, got null`}},
		{"suppress not a list", "suppress: {rule: ECR001}\n",
			[]string{`c.yaml:1:11: suppress: expected a list of {rule, resource, reason, expires}, got a mapping`}},
		{"bad severity", "severity:\n  ECR010: urgent\n",
			[]string{`c.yaml:2:11: severity.ECR010: unknown severity "urgent": expected critical, high, medium, low or info`}},
		{"severity of an unknown rule", "severity:\n  ECR100: low\n",
			[]string{`c.yaml:2:3: severity: unknown rule "ECR100" (did you mean "ECR001"?); expected one of ECR001 to ECR012 ('ecrguard rules' lists them)`}},
		{"top level not a mapping", "- account\n",
			[]string{`c.yaml:1:1: config: expected a mapping with the keys account, region, trusted, authorized, suppress, severity, got a list`}},
		{"YAML syntax error", "trusted:\n  accounts: [\"444455556666\"\n",
			[]string{`c.yaml:2:3: invalid YAML: did not find expected ',' or ']'`}},
		// yaml.v3 names line 1, where the mapping starts.
		{"YAML indentation", "trusted:\n  accounts:\n    - \"444455556666\"\n   org_ids: []\n",
			[]string{`c.yaml:4:4: invalid YAML: did not find expected key`}},
		{"two documents", "account: \"111122223333\"\n---\nregion: us-east-1\n",
			[]string{`c.yaml:2:1: a second YAML document: the config is one document`}},
		{"several errors at once", "region: x\naccount: y\n",
			[]string{`c.yaml:1:9: region: expected an AWS region such as us-east-1, got "x"`, `c.yaml:2:10: account: expected a 12-digit account id, got "y"`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := Parse([]byte(tt.data), "c.yaml", now)
			if err == nil {
				t.Fatalf("no error; config %+v", c)
			}
			got := strings.Split(err.Error(), "\n")
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("errors:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(tt.want, "\n"))
			}
			var ce *policy.Error
			if !errors.As(err, &ce) {
				t.Errorf("error %T is not a *policy.Error", err)
			}
		})
	}
}

func TestApply(t *testing.T) {
	c, err := Parse([]byte(`
suppress:
  - rule: ECR002
    resource: "arn:aws:ecr:*:111122223333:repository/public-base-*"
    reason: published base images
  - rule: ECR001
    resource: "arn:aws:ecr:*:111122223333:repository/gone"
    reason: the repository was deleted since
  - rule: ECR001
    resource: "arn:aws:ecr:*:111122223333:repository/*"
    reason: expired one
    expires: 2026-01-01
severity:
  ECR010: low
`), "c.yaml", now)
	if err != nil {
		t.Fatal(err)
	}
	r := &rules.Result{Findings: []rules.Finding{
		{RuleID: "ECR002", Severity: rules.Medium, Resource: "arn:aws:ecr:us-east-1:111122223333:repository/public-base-alpine"},
		{RuleID: "ECR002", Severity: rules.Medium, Resource: "arn:aws:ecr:us-east-1:111122223333:repository/app"},
		{RuleID: "ECR002", Severity: rules.Medium, Resource: "arn:aws:ecr:us-east-1:444455556666:repository/public-base-alpine"},
		{RuleID: "ECR001", Severity: rules.Critical, Resource: "arn:aws:ecr:us-east-1:111122223333:repository/app"},
		{RuleID: "ECR010", Severity: rules.Medium, Resource: "arn:aws:ecr:us-east-1:111122223333:repository/app"},
	}}
	// A suppression that matches no finding is stale: its rule or its
	// resource no longer fire, and a warning at its line says so. One that
	// matches, and one that expired (warned of already), say nothing.
	stale := []string{"c.yaml:6:5: suppression of ECR001 for arn:aws:ecr:*:111122223333:repository/gone matches no finding of this scan (a stale suppression): remove it, unless another scan with this configuration needs it"}
	if got := c.Apply(r); !reflect.DeepEqual(got, stale) {
		t.Errorf("Apply's warnings = %q, want %q", got, stale)
	}
	got := map[string]string{}
	sev := map[string]rules.Severity{}
	for _, f := range r.Findings {
		key := f.RuleID + " " + f.Resource
		got[key] = f.Suppressed
		sev[key] = f.Severity
	}
	want := map[string]string{
		"ECR002 arn:aws:ecr:us-east-1:111122223333:repository/public-base-alpine": "published base images",
		"ECR002 arn:aws:ecr:us-east-1:111122223333:repository/app":                "",
		"ECR002 arn:aws:ecr:us-east-1:444455556666:repository/public-base-alpine": "",
		"ECR001 arn:aws:ecr:us-east-1:111122223333:repository/app":                "", // expired: no longer suppresses
		"ECR010 arn:aws:ecr:us-east-1:111122223333:repository/app":                "",
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("suppressed = %v, want %v", got, want)
	}
	if s := sev["ECR010 arn:aws:ecr:us-east-1:111122223333:repository/app"]; s != rules.Low {
		t.Errorf("ECR010 severity = %s, want low", s)
	}
	if len(c.Warnings) != 1 {
		t.Errorf("warnings = %q, want the expired suppression", c.Warnings)
	}
	var nilConfig *Config
	nilConfig.Apply(r) // no config: nothing to do, no panic
}

func TestDefaultAndLoad(t *testing.T) {
	dir := t.TempDir()
	c, err := Default(dir, now)
	if err != nil || c.File != "" || c.Account != "" {
		t.Fatalf("Default without a file = %+v, %v", c, err)
	}
	if _, err := Load(filepath.Join(dir, FileName), now); !errors.Is(err, os.ErrNotExist) ||
		!strings.HasPrefix(err.Error(), "configuration file "+filepath.Join(dir, FileName)+": ") || !strings.Contains(err.Error(), "--config") {
		t.Errorf("Load of a missing file = %v, want not-exist, naming the file and --config", err)
	}
	p := filepath.Join(dir, FileName)
	if err := os.WriteFile(p, []byte("account: \"111122223333\"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, load := range []func() (*Config, error){
		func() (*Config, error) { return Default(dir, now) },
		func() (*Config, error) { return Load(p, now) },
	} {
		c, err := load()
		if err != nil || c.Account != "111122223333" || c.File != p {
			t.Errorf("config = %+v, %v", c, err)
		}
	}
	if err := os.WriteFile(p, []byte("acount: 1\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := Default(dir, now); err == nil || !strings.HasPrefix(err.Error(), p+":1:1: ") {
		t.Errorf("Default of a bad file = %v, want an error at %s:1:1", err, p)
	}
}

// TestConformanceConfigs reads the config of every conformance case: they
// are JSON, and must all be valid.
func TestConformanceConfigs(t *testing.T) {
	for _, folder := range []string{"exposure", "identity"} {
		conformance.Run(t, folder, func(t *testing.T, f conformance.File) {
			var c struct {
				Config json.RawMessage `json:"config"`
			}
			if err := json.Unmarshal(f.Data, &c); err != nil {
				t.Fatal(err)
			}
			if len(c.Config) == 0 {
				return
			}
			cfg, err := Parse(c.Config, f.Name+".config", now)
			if err != nil {
				t.Fatal(err)
			}
			if len(cfg.Warnings) > 0 {
				t.Errorf("warnings: %q", cfg.Warnings)
			}
		})
	}
}

func TestCheckPrincipalPattern(t *testing.T) {
	for _, ok := range []string{
		"*", "arn:aws:iam::111122223333:role/ci-*", "arn:aws:iam::111122223333:user/alice", "arn:aws:iam::*:role/x",
		"arn:aws:iam::111122223333:root", "arn:aws:iam::111122223333:*", "arn:aws-cn:iam::111122223333:role/a/b/c",
		"arn:aws:iam::11112222333?:role/x", "arn:*:iam::111122223333:role/x",
	} {
		if msg := checkPrincipalPattern(ok); msg != "" {
			t.Errorf("%s: %s", ok, msg)
		}
	}
	for _, bad := range []string{
		"", "role/x", "arn:aws:iam::111122223333", "arn:aws:s3::111122223333:role/x", "arn:aws:iam::abc:role/x",
		"arn:aws:iam::111122223333:policy/x", "arn:aws:iam::111122223333:role/", "arn:gcp:iam::111122223333:role/x",
	} {
		if msg := checkPrincipalPattern(bad); msg == "" {
			t.Errorf("%q accepted", bad)
		}
	}
}

// TestParseEncodings: a config that Windows PowerShell wrote (UTF-16LE
// with a byte-order mark), or one with a UTF-8 byte-order mark, reads as
// its text; UTF-16 cut in the middle of a character is an error naming the
// file.
func TestParseEncodings(t *testing.T) {
	text := "account: \"111122223333\"\n"
	utf16le := []byte{0xFF, 0xFE}
	for _, r := range text {
		utf16le = append(utf16le, byte(r), byte(r>>8))
	}
	for name, data := range map[string][]byte{
		"utf-16le":  utf16le,
		"utf-8 bom": append([]byte("\uFEFF"), text...),
	} {
		c, err := Parse(data, ".ecrguard.yaml", time.Now())
		if err != nil {
			t.Errorf("%s: %v", name, err)
		} else if c.Account != "111122223333" {
			t.Errorf("%s: account %q, want 111122223333", name, c.Account)
		}
	}
	if _, err := Parse(utf16le[:len(utf16le)-1], ".ecrguard.yaml", time.Now()); err == nil || !strings.Contains(err.Error(), ".ecrguard.yaml") {
		t.Errorf("odd UTF-16: error %v, want one naming the file", err)
	}
}
