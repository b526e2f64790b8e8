package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ecrguard/ecrguard/estate"
	"github.com/ecrguard/ecrguard/rules"
	"github.com/ecrguard/ecrguard/source/live"
	"github.com/ecrguard/ecrguard/source/live/livetest"
)

// runCLI runs the command line as run does, except that AWS calls retry
// without waiting (livetest.Retryer), and returns the exit code and
// output.
func runCLI(t *testing.T, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errb bytes.Buffer
	code = execute(newRootCommand(&out, &errb, livetest.Retryer), args, &errb)
	return code, out.String(), errb.String()
}

// readSnapshot reads the snapshot data, read from name, or fails the test.
func readSnapshot(t *testing.T, data []byte, name string) (*estate.Estate, estate.SnapshotMeta) {
	t.Helper()
	e, meta, err := estate.ReadSnapshot(data, name)
	if err != nil {
		t.Fatal(err)
	}
	return e, meta
}

func TestCollectWritesSnapshot(t *testing.T) {
	srv := livetest.NewServer(t, livetest.Sample())
	livetest.SetEnv(t, srv.URL)
	file := filepath.Join(t.TempDir(), "snap.json")
	code, stdout, stderr := runCLI(t, "collect", "--region", "us-east-1", "--region", "eu-west-1", "--output", file)
	if code != rules.ExitIncomplete {
		t.Fatalf("exit %d, want 2 (the malformed policy is a gap)\n%s", code, stderr)
	}
	if stdout != "" {
		t.Errorf("stdout = %q", stdout)
	}
	for _, want := range []string{"read 1 account(s), 2 region(s), 5 repositories as arn:aws:iam::111122223333:user/auditor",
		"1 things could not be read", "[111122223333 us-east-1] ecr:GetRepositoryPolicy (arn:aws:ecr:us-east-1:111122223333:repository/broken): parse-error"} {
		if !strings.Contains(stderr, want) {
			t.Errorf("stderr lacks %q:\n%s", want, stderr)
		}
	}
	for _, secret := range []string{livetest.HomeSecretKey, livetest.HomeSessionToken, "\r"} {
		if strings.Contains(stderr, secret) {
			t.Errorf("stderr holds %q", secret)
		}
	}
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	e, meta := readSnapshot(t, data, file)
	if meta.Version != version || meta.Caller.Account != livetest.SampleAccount {
		t.Errorf("meta = %+v", meta)
	}
	if bytes.Contains(data, []byte(livetest.HomeSecretKey)) || bytes.Contains(data, []byte(livetest.HomeAccessKey)) {
		t.Error("the snapshot holds credentials")
	}
	// The CLI's estate is the library's.
	c, err := live.Run(context.Background(), livetest.Config(t, srv.URL, "us-east-1"), live.Options{Regions: []string{"us-east-1", "eu-west-1"}})
	if err != nil {
		t.Fatal(err)
	}
	if d := estate.Diff(c.Estate, e); d != "" {
		t.Error(d)
	}
}

// TestCollectGapsExitCode: --gaps-exit-code changes the code of a
// collection with gaps (the sample's malformed policy), and 0 lets it pass.
func TestCollectGapsExitCode(t *testing.T) {
	srv := livetest.NewServer(t, livetest.Sample())
	livetest.SetEnv(t, srv.URL)
	for _, tt := range []struct {
		code string
		want int
	}{{"0", rules.ExitOK}, {"7", 7}} {
		file := filepath.Join(t.TempDir(), "snap.json")
		code, _, stderr := runCLI(t, "collect", "--region", "us-east-1", "--output", file, "--gaps-exit-code", tt.code)
		if code != tt.want {
			t.Errorf("--gaps-exit-code %s: exit %d, want %d\n%s", tt.code, code, tt.want, stderr)
		}
		if !strings.Contains(stderr, "1 things could not be read") {
			t.Errorf("--gaps-exit-code %s: the gap is not reported:\n%s", tt.code, stderr)
		}
	}
}

func TestCollectToStdoutComplete(t *testing.T) {
	acct := livetest.Sample()
	us := acct.Regions["us-east-1"]
	us.Repos = append(us.Repos[:1], us.Repos[2:]...) // without the malformed policy
	srv := livetest.NewServer(t, acct)
	livetest.SetEnv(t, srv.URL)
	t.Setenv("AWS_REGION", "us-east-1")
	code, stdout, stderr := runCLI(t, "collect")
	if code != rules.ExitOK {
		t.Fatalf("exit %d\n%s", code, stderr)
	}
	e, _ := readSnapshot(t, []byte(stdout), "stdout")
	if n := len(e.Lookup(livetest.SampleAccount).Region("us-east-1").Repositories()); n != 3 || len(e.Gaps) != 0 {
		t.Errorf("%d repositories, gaps %v", n, e.Gaps)
	}
	if !strings.Contains(stderr, "snapshot written to standard output") {
		t.Errorf("stderr = %s", stderr)
	}
	// --quiet: nothing on stderr.
	code, _, stderr = runCLI(t, "collect", "--quiet")
	if code != rules.ExitOK || stderr != "" {
		t.Errorf("--quiet: exit %d, stderr %q", code, stderr)
	}
}

func TestCollectVerboseLogsCalls(t *testing.T) {
	srv := livetest.NewServer(t, livetest.Sample())
	livetest.SetEnv(t, srv.URL)
	code, _, stderr := runCLI(t, "collect", "--region", "us-east-1", "--verbose", "-o", filepath.Join(t.TempDir(), "s.json"))
	if code != rules.ExitIncomplete {
		t.Fatalf("exit %d", code)
	}
	for _, want := range []string{"level=DEBUG msg=\"aws call\" api=ecr:DescribeRepositories", "level=INFO msg=\"not assessed\" api=ecr:GetRepositoryPolicy"} {
		if !strings.Contains(stderr, want) {
			t.Errorf("stderr lacks %q", want)
		}
	}
	if strings.Contains(stderr, livetest.HomeSecretKey) || strings.Contains(stderr, livetest.HomeSessionToken) {
		t.Error("verbose logs hold credentials")
	}
}

func TestCollectRoleAndAccounts(t *testing.T) {
	srv := livetest.NewServer(t, livetest.Sample(), livetest.SampleMemberAccount())
	livetest.SetEnv(t, srv.URL)
	code, stdout, stderr := runCLI(t, "collect", "--region", "us-east-1", "--accounts", "all", "--role-name", "ecrguard-reader",
		"--role-arn", "arn:aws:iam::111122223333:role/auditor", "--external-id", "xyz")
	if code != rules.ExitIncomplete {
		t.Fatalf("exit %d\n%s", code, stderr)
	}
	e, _ := readSnapshot(t, []byte(stdout), "stdout")
	if len(e.Accounts()) != 2 || srv.Calls()["sts:AssumeRole"] != 2 { // --role-arn, then the member's role
		t.Errorf("%d accounts, %d AssumeRole calls", len(e.Accounts()), srv.Calls()["sts:AssumeRole"])
	}
}

func TestCollectUsageErrors(t *testing.T) {
	srv := livetest.NewServer(t, livetest.Sample())
	livetest.SetEnv(t, srv.URL)
	for _, tt := range []struct {
		args []string
		want string
	}{
		{[]string{"collect"}, "no region"},
		{[]string{"collect", "--region", "us-east-1", "--quiet", "--verbose"}, "contradict"},
		{[]string{"collect", "--region", "us-east-1", "--all-regions"}, "cannot be combined"},
		{[]string{"collect", "--region", "us-east-1", "--accounts", "111122223333"}, "--accounts needs --role-name"},
		{[]string{"collect", "--region", "us-east-1", "--accounts", "12", "--role-name", "r"}, "not a 12-digit account id"},
		{[]string{"collect", "--region", "us-east-1", "--role-arn", "arn:aws:iam::111122223333:user/x"}, "expected a role ARN"},
		{[]string{"collect", "--region", "us-east-1", "--concurrency", "0"}, "--concurrency 0"},
		{[]string{"collect", "--region", "us-east-1", "--profile", "nosuchprofile"}, "nosuchprofile"},
		{[]string{"collect", "extra"}, "unknown command"},
		{[]string{"collect", "--region", "us-east-1", "--gaps-exit-code", "-1"}, "--gaps-exit-code -1"},
		// Said before the account is read, not after.
		{[]string{"collect", "--region", "us-east-1", "--verbose", "-o", filepath.Join(t.TempDir(), "missing", "x.json")}, "missing does not exist"},
	} {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			code, stdout, stderr := runCLI(t, tt.args...)
			if code != rules.ExitIncomplete || !strings.Contains(stderr, tt.want) || stdout != "" {
				t.Errorf("exit %d, stdout %q, stderr %q; want 2 and %q", code, stdout, stderr, tt.want)
			}
		})
	}
}

func TestCollectCredentialsRefused(t *testing.T) {
	srv := livetest.NewServer(t, livetest.Sample())
	livetest.SetEnv(t, srv.URL)
	srv.AddFault(livetest.Fault{API: "sts:GetCallerIdentity", Code: "ExpiredToken", Status: 403, Message: "token " + livetest.HomeSessionToken + " expired"})
	code, stdout, stderr := runCLI(t, "collect", "--region", "us-east-1")
	if code != rules.ExitIncomplete || stdout != "" || !strings.Contains(stderr, "sts:GetCallerIdentity: ExpiredToken") {
		t.Fatalf("exit %d, stdout %q, stderr %q", code, stdout, stderr)
	}
	if strings.Contains(stderr, livetest.HomeSessionToken) {
		t.Errorf("stderr echoes the session token: %s", stderr)
	}
}
