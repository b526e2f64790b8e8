package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/ecrguard/ecrguard/estate"
	"github.com/ecrguard/ecrguard/rules"
	"github.com/ecrguard/ecrguard/source/live/livetest"
)

// partnerPullPolicy lets another account (not trusted: there is no config)
// pull: an ECR003 finding.
const partnerPullPolicy = `{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Sid": "PartnerPull",
      "Effect": "Allow",
      "Principal": {"AWS": "arn:aws:iam::444455556666:root"},
      "Action": ["ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"]
    }
  ]
}`

// fakeAccount is the account the scan tests read: livetest.Sample (public,
// organization-wide and malformed repository policies, tags, a registry
// policy shared with another account, IAM across pages with URL-encoded
// documents, SCPs, ECR Public, paginated inventory with an empty last page)
// with one more repository shared with another account.
func fakeAccount() *livetest.Account {
	a := livetest.Sample()
	us := a.Regions["us-east-1"]
	us.Repos = append(us.Repos, livetest.Repo{Name: "partner", Policy: partnerPullPolicy, Tags: map[string]string{"team": "partners"}})
	return a
}

// exampleServer serves fakeAccount, whose credentials may not list the
// repositories of eu-west-1, and points the SDK at it.
func exampleServer(t *testing.T) *livetest.Server {
	t.Helper()
	srv := livetest.NewServer(t, fakeAccount())
	srv.AddFault(livetest.Fault{API: "ecr:DescribeRepositories", Region: "eu-west-1", Code: "AccessDeniedException",
		Message: "User: arn:aws:iam::111122223333:user/auditor is not authorized to perform: ecr:DescribeRepositories"})
	livetest.SetEnv(t, srv.URL)
	return srv
}

// inTempDir runs the rest of the test in an empty folder, so that no
// .ecrguard.yaml of the developer's changes the reports.
func inTempDir(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	t.Chdir(dir)
	return dir
}

// jsonReport is the part of the JSON report (docs/report-json.md) the tests read.
type jsonReport struct {
	Findings []struct {
		RuleID   string `json:"rule_id"`
		Resource string `json:"resource"`
	} `json:"findings"`
	Errors []struct {
		Source   string `json:"source"`
		Account  string `json:"account"`
		Region   string `json:"region"`
		Resource string `json:"resource"`
		Code     string `json:"code"`
		Message  string `json:"message"`
	} `json:"errors"`
	Notes []struct {
		Source  string `json:"source"`
		Message string `json:"message"`
	} `json:"notes"`
}

func parseReport(t *testing.T, out string) jsonReport {
	t.Helper()
	var r jsonReport
	if err := json.Unmarshal([]byte(out), &r); err != nil {
		t.Fatalf("the report is not JSON: %v\n%s", err, out)
	}
	return r
}

func (r jsonReport) hasFinding(rule, resource string) bool {
	return slices.ContainsFunc(r.Findings, func(f struct {
		RuleID   string `json:"rule_id"`
		Resource string `json:"resource"`
	}) bool {
		return f.RuleID == rule && f.Resource == resource
	})
}

// gap returns the errors entry of api whose resource ends with resource
// (any resource when ""), and whether there is one.
func (r jsonReport) gap(api, resource string) (code, region, message string, ok bool) {
	for _, e := range r.Errors {
		if e.Source == api && strings.HasSuffix(e.Resource, resource) {
			return e.Code, e.Region, e.Message, true
		}
	}
	return "", "", "", false
}

const (
	arnApp     = "arn:aws:ecr:us-east-1:111122223333:repository/app"
	arnPartner = "arn:aws:ecr:us-east-1:111122223333:repository/partner"
)

// TestLiveAndSnapshotReportsAreIdentical is issue 6's acceptance test: over
// the same fake account, 'scan --aws' and 'collect' followed by 'scan FILE'
// give the same report, byte for byte, through the real command code. The
// account has a public and a cross-account repository, tags, a registry
// policy, IAM authorization details, a malformed policy and an API that
// refuses (AccessDenied on the inventory of one region), so both reports
// have findings and gaps, and both exit with 2.
func TestLiveAndSnapshotReportsAreIdentical(t *testing.T) {
	exampleServer(t)
	dir := inTempDir(t)
	regions := []string{"--region", "us-east-1", "--region", "eu-west-1"}

	for _, format := range []string{"json", "table", "sarif"} {
		t.Run(format, func(t *testing.T) {
			code, liveOut, stderr := runCLI(t, append([]string{"scan", "--aws", "--format", format, "--no-color"}, regions...)...)
			if code != rules.ExitIncomplete {
				t.Fatalf("scan --aws: exit %d, want 2 (gaps)\n%s", code, stderr)
			}
			if stderr != "" {
				t.Errorf("scan --aws wrote on stderr (not a terminal, not --verbose): %q", stderr)
			}
			snap := filepath.Join(dir, "snap-"+format+".json")
			code, _, stderr = runCLI(t, append([]string{"collect", "--quiet", "--output", snap}, regions...)...)
			if code != rules.ExitIncomplete {
				t.Fatalf("collect: exit %d, want 2 (gaps)\n%s", code, stderr)
			}
			code, snapOut, stderr := runCLI(t, "scan", "--format", format, "--no-color", snap)
			if code != rules.ExitIncomplete {
				t.Fatalf("scan FILE: exit %d, want 2 (the snapshot's gaps)\n%s", code, stderr)
			}
			// No field is removed before comparing: the report holds no
			// time, and every position, gap and note comes from the estate
			// the snapshot carries.
			if liveOut != snapOut {
				t.Errorf("the live and the snapshot reports differ\n--- scan --aws\n%s\n--- scan %s\n%s", liveOut, filepath.Base(snap), snapOut)
			}
			if format != "json" {
				return
			}
			r := parseReport(t, liveOut)
			// Findings from the parts that were read.
			for _, f := range [][2]string{
				{"ECR001", arnApp},
				{"ECR003", arnPartner},
				{"ECR005", "arn:aws:ecr:us-east-1:111122223333:registry"},
			} {
				if !r.hasFinding(f[0], f[1]) {
					t.Errorf("no %s finding on %s; findings: %+v", f[0], f[1], r.Findings)
				}
			}
			// The gaps: the refused region and the malformed policy, the
			// latter never reported as clean.
			if code, region, _, ok := r.gap("ecr:DescribeRepositories", "registry"); !ok || code != "AccessDeniedException" || region != "eu-west-1" {
				t.Errorf("DescribeRepositories gap: %q %q %v; errors %+v", code, region, ok, r.Errors)
			}
			if code, _, _, ok := r.gap("ecr:GetRepositoryPolicy", "repository/broken"); !ok || code != "parse-error" {
				t.Errorf("malformed policy gap: %q %v; errors %+v", code, ok, r.Errors)
			}
			if len(r.Errors) != 2 {
				t.Errorf("%d errors, want 2: %+v", len(r.Errors), r.Errors)
			}
			// The report says whose credentials read the account.
			if !slices.ContainsFunc(r.Notes, func(n struct {
				Source  string `json:"source"`
				Message string `json:"message"`
			}) bool {
				return n.Source == "sts:GetCallerIdentity" && strings.Contains(n.Message, "arn:aws:iam::111122223333:user/auditor") && strings.Contains(n.Message, "111122223333")
			}) {
				t.Errorf("no note naming the caller: %+v", r.Notes)
			}
		})
	}
}

// TestLiveAndSnapshotReportsAreIdenticalWithGuardrails is the test above
// over what the example account lacks: a restrictive RCP at an OU,
// repository creation templates across pages (one whose policy lets anyone
// pull) and ECR Public repositories.
func TestLiveAndSnapshotReportsAreIdenticalWithGuardrails(t *testing.T) {
	livetest.SetEnv(t, livetest.NewServer(t, livetest.SampleGuardrails()).URL)
	dir := inTempDir(t)
	_, liveOut, stderr := runCLI(t, "scan", "--aws", "--format", "json", "--region", "us-east-1")
	snap := filepath.Join(dir, "snap.json")
	if code, _, stderr := runCLI(t, "collect", "--quiet", "--output", snap, "--region", "us-east-1"); code != rules.ExitIncomplete {
		t.Fatalf("collect: exit %d\n%s", code, stderr)
	}
	_, snapOut, _ := runCLI(t, "scan", "--format", "json", snap)
	if liveOut != snapOut {
		t.Errorf("the live and the snapshot reports differ\n--- scan --aws\n%s\n--- scan snap.json\n%s", liveOut, snapOut)
	}
	for _, s := range []string{"repository-creation-template/team-a", "ecr-public::111122223333:repository/pub-tools", "OrgOnly"} {
		if !strings.Contains(liveOut, s) {
			t.Errorf("the report never names %s:\n%s\n%s", s, liveOut, stderr)
		}
	}
}

// TestScanAWSFaults checks, at the command line, that each failure of the
// AWS API the issue lists ends in the right gap and exit code, and that
// what could be read is still reported. How the collector classifies each
// failure, and more failures (IAM pages, Organizations, GetAccountSetting),
// are tested in source/live (wire_test.go); this is the exit code. The
// calls retry without waiting (runCLI): the production default, adaptive
// mode, would sleep for seconds after each throttle.
func TestScanAWSFaults(t *testing.T) {
	tests := []struct {
		name string
		// malformed keeps the sample's repository whose policy does not
		// parse; the other cases leave it out.
		malformed bool
		faults    []livetest.Fault
		args      []string
		env       map[string]string
		// exit is the exit code; api, resource and code the gap (none when
		// api is ""); finding a finding that must still be there.
		exit                int
		api, resource, code string
		msg                 string
		finding             [2]string
		// note is in a note of the report, when not "".
		note string
	}{
		{
			name:    "everything read",
			exit:    rules.ExitFindings,
			finding: [2]string{"ECR001", arnApp},
		},
		{
			name:    "AccessDenied in one region",
			faults:  []livetest.Fault{{API: "ecr:DescribeRepositories", Region: "eu-west-1", Code: "AccessDeniedException"}},
			args:    []string{"--region", "eu-west-1"},
			exit:    rules.ExitIncomplete,
			api:     "ecr:DescribeRepositories",
			code:    "AccessDeniedException",
			finding: [2]string{"ECR001", arnApp},
		},
		{
			name:    "throttling that succeeds after retries",
			faults:  []livetest.Fault{{API: "ecr:GetRepositoryPolicy", Resource: "app", Code: "ThrottlingException", Message: "Rate exceeded", Times: 1}},
			env:     map[string]string{"AWS_MAX_ATTEMPTS": "2"},
			exit:    rules.ExitFindings,
			finding: [2]string{"ECR001", arnApp},
		},
		{
			name:     "throttling beyond retries",
			faults:   []livetest.Fault{{API: "ecr:GetRepositoryPolicy", Resource: "app", Code: "ThrottlingException", Message: "Rate exceeded"}},
			env:      map[string]string{"AWS_MAX_ATTEMPTS": "2"},
			exit:     rules.ExitIncomplete,
			api:      "ecr:GetRepositoryPolicy",
			resource: "repository/app",
			code:     "ThrottlingException",
			msg:      "2 attempts",
			finding:  [2]string{"ECR003", arnPartner},
		},
		{
			name:     "inventory fails on its second page",
			faults:   []livetest.Fault{{API: "ecr:DescribeRepositories", Region: "us-east-1", Page: 2, Code: "AccessDeniedException"}},
			exit:     rules.ExitIncomplete,
			api:      "ecr:DescribeRepositories",
			resource: "registry",
			code:     "AccessDeniedException",
			msg:      "only in part",
			finding:  [2]string{"ECR001", arnApp}, // app is on the first page
		},
		{
			name:      "a malformed policyText",
			malformed: true,
			exit:      rules.ExitIncomplete,
			api:       "ecr:GetRepositoryPolicy",
			resource:  "repository/broken",
			code:      "parse-error",
			finding:   [2]string{"ECR001", arnApp},
		},
		{
			name:    "a region that is not enabled",
			faults:  []livetest.Fault{{Region: "ap-east-1", Code: "UnrecognizedClientException", Message: "The security token included in the request is invalid."}},
			args:    []string{"--region", "ap-east-1"},
			exit:    rules.ExitIncomplete,
			code:    "UnrecognizedClientException",
			api:     "ecr:DescribeRepositories",
			msg:     "opt-in region",
			finding: [2]string{"ECR001", arnApp},
		},
		{
			// SecurityAudit cannot read the scope; the account's registry
			// policy judges the same under V1 and V2, so it is a note.
			name:    "the registry policy scope not readable",
			faults:  []livetest.Fault{{API: "ecr:GetAccountSetting", Code: "AccessDeniedException"}},
			exit:    rules.ExitFindings,
			finding: [2]string{"ECR001", arnApp},
			note:    "judged under both V1 and V2 the findings are the same",
		},
		{
			name:     "a call that times out",
			faults:   []livetest.Fault{{API: "ecr:GetRepositoryPolicy", Resource: "partner", Delay: 10 * time.Second}},
			args:     []string{"--call-timeout", "300ms"},
			exit:     rules.ExitIncomplete,
			api:      "ecr:GetRepositoryPolicy",
			resource: "repository/partner",
			code:     string(estate.GapTimeout),
			finding:  [2]string{"ECR001", arnApp},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			acct := fakeAccount()
			if !tt.malformed {
				us := acct.Regions["us-east-1"]
				us.Repos = slices.DeleteFunc(us.Repos, func(r livetest.Repo) bool { return r.Name == "broken" })
			}
			srv := livetest.NewServer(t, acct)
			for _, f := range tt.faults {
				srv.AddFault(f)
			}
			livetest.SetEnv(t, srv.URL)
			for k, v := range tt.env {
				t.Setenv(k, v)
			}
			inTempDir(t)
			args := append([]string{"scan", "--aws", "--format", "json", "--region", "us-east-1"}, tt.args...)
			code, stdout, stderr := runCLI(t, args...)
			if code != tt.exit {
				t.Fatalf("exit %d, want %d\nstderr: %s\nstdout: %s", code, tt.exit, stderr, stdout)
			}
			r := parseReport(t, stdout)
			if tt.api == "" {
				if len(r.Errors) != 0 {
					t.Errorf("errors: %+v", r.Errors)
				}
			} else {
				gc, _, msg, ok := r.gap(tt.api, tt.resource)
				if !ok || gc != tt.code || !strings.Contains(msg, tt.msg) {
					t.Errorf("want a %s gap on %q with code %s and %q; errors: %+v", tt.api, tt.resource, tt.code, tt.msg, r.Errors)
				}
			}
			if !r.hasFinding(tt.finding[0], tt.finding[1]) {
				t.Errorf("no %s finding on %s: what was read must still be reported; findings %+v", tt.finding[0], tt.finding[1], r.Findings)
			}
			if tt.note != "" && !strings.Contains(stdout, tt.note) {
				t.Errorf("no note saying %q; notes %+v", tt.note, r.Notes)
			}
		})
	}
}

// TestScanAWSUsage: --aws and files do not mix, AWS flags need --aws, and
// without --aws --region is one region.
func TestScanAWSUsage(t *testing.T) {
	srv := livetest.NewServer(t, livetest.Sample())
	livetest.SetEnv(t, srv.URL)
	dir := inTempDir(t)
	if err := os.WriteFile(filepath.Join(dir, "web.json"), []byte(`{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": "*", "Action": "ecr:BatchGetImage"}]}`), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		args []string
		want string
	}{
		{[]string{"scan", "--aws", "--region", "us-east-1", "web.json"}, "--aws reads the AWS account and takes no PATH (got web.json)"},
		{[]string{"scan", "--aws", "--region", "us-east-1", "--account", "111122223333"}, "--account names the owner of raw policy files"},
		{[]string{"scan", "--aws"}, "no region"},
		{[]string{"scan", "--aws", "--region", "us-east-1", "--quiet", "--verbose"}, "contradict"},
		{[]string{"scan", "--aws", "--accounts", "all"}, "--accounts needs --role-name"},
		{[]string{"scan", "--aws", "--region", "us-east-1", "--format", "yaml"}, "--format"},
		{[]string{"scan", "--profile", "prod", "--account", "111122223333", "web.json"}, "--profile only applies to --aws"},
		{[]string{"scan", "--all-regions", "--role-arn", "arn:aws:iam::111122223333:role/r", "web.json"}, "--all-regions, --role-arn only apply to --aws"},
		{[]string{"scan", "--region", "us-east-1", "--region", "eu-west-1", "web.json"}, "--region given 2 times"},
	} {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			code, stdout, stderr := runCLI(t, tt.args...)
			if code != rules.ExitIncomplete || !strings.Contains(stderr, tt.want) || stdout != "" {
				t.Errorf("exit %d, stdout %q, stderr %q; want 2 and %q", code, stdout, stderr, tt.want)
			}
		})
	}
	if n := srv.Calls()["sts:GetCallerIdentity"]; n != 0 {
		t.Errorf("a usage error called AWS %d times", n)
	}
	// Without --aws, one --region is the region of raw files.
	code, stdout, stderr := runCLI(t, "scan", "--account", "111122223333", "--region", "eu-west-1", "--format", "json", "web.json")
	if code != rules.ExitFindings || !parseReport(t, stdout).hasFinding("ECR001", "arn:aws:ecr:eu-west-1:111122223333:repository/web") {
		t.Errorf("exit %d, stderr %q, report %s", code, stderr, stdout)
	}
}

// TestScanAWSInterrupted: an interrupted live scan (Ctrl-C cancels the
// context) writes no report, which would read like a finished scan of
// part of the account, and exits with 2.
func TestScanAWSInterrupted(t *testing.T) {
	srv := livetest.NewServer(t, fakeAccount())
	srv.AddFault(livetest.Fault{API: "ecr:GetRepositoryPolicy", Resource: "partner", Delay: 10 * time.Second})
	livetest.SetEnv(t, srv.URL)
	inTempDir(t)
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	var stdout, stderr bytes.Buffer
	root := newRootCommand(&stdout, &stderr, livetest.Retryer)
	root.SetArgs([]string{"scan", "--aws", "--region", "us-east-1", "--format", "json"})
	err := root.ExecuteContext(ctx)
	var ee *exitError
	if !errors.As(err, &ee) || ee.code != rules.ExitIncomplete || !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("err = %v, want exit 2 for the interruption", err)
	}
	if stdout.Len() != 0 {
		t.Errorf("an interrupted scan wrote a report:\n%s", stdout.String())
	}
	if !strings.Contains(err.Error(), "interrupted") || !strings.Contains(err.Error(), "no report written") {
		t.Errorf("err = %v", err)
	}
}

// TestScanAWSIgnoreFile: scan --aws reads the .ecrguardignore of the
// current folder, where it reads .ecrguard.yaml (docs/iac.md: "the current
// folder when none is named"), so a finding of the live account accepted
// there by its fingerprint is suppressed, not reported again.
func TestScanAWSIgnoreFile(t *testing.T) {
	livetest.SetEnv(t, livetest.NewServer(t, fakeAccount()).URL)
	dir := inTempDir(t)
	scan := func() (code int, fingerprints map[string]string, stderr string) {
		code, stdout, stderr := runCLI(t, "scan", "--aws", "--region", "us-east-1", "--format", "json")
		var r struct {
			Findings []struct {
				RuleID      string `json:"rule_id"`
				Resource    string `json:"resource"`
				Fingerprint string `json:"fingerprint"`
			}
		}
		if err := json.Unmarshal([]byte(stdout), &r); err != nil {
			t.Fatalf("%v\n%s", err, stderr)
		}
		fingerprints = map[string]string{}
		for _, f := range r.Findings {
			fingerprints[f.RuleID+" "+f.Resource] = f.Fingerprint
		}
		return code, fingerprints, stderr
	}
	_, before, _ := scan()
	fp := before["ECR003 "+arnPartner]
	if fp == "" {
		t.Fatalf("no ECR003 finding on %s: %v", arnPartner, before)
	}
	if err := os.WriteFile(filepath.Join(dir, ".ecrguardignore"), []byte(fp+" partner pulls releases, contract 42\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	_, after, stderr := scan()
	if _, ok := after["ECR003 "+arnPartner]; ok {
		t.Errorf("the finding accepted in ./.ecrguardignore is still reported; stderr %q", stderr)
	}
	if len(after) != len(before)-1 {
		t.Errorf("%d findings, want %d (all but the accepted one)", len(after), len(before)-1)
	}
}
