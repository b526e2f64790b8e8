package live_test

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ecrguard/ecrguard/estate"
	"github.com/ecrguard/ecrguard/source/live"
	"github.com/ecrguard/ecrguard/source/live/livetest"
)

// valid are options that Validate accepts; each case below breaks one.
func valid() live.Options {
	return live.Options{Regions: []string{"us-east-1"}, Concurrency: 1, CallTimeout: time.Second}
}

func TestValidate(t *testing.T) {
	if err := valid().Validate(); err != nil {
		t.Fatalf("valid options: %v", err)
	}
	for _, tt := range []struct {
		name string
		edit func(*live.Options)
		want string
	}{
		{"regions and all regions", func(o *live.Options) { o.AllRegions = true }, "--region and --all-regions cannot be combined"},
		{"accounts without role", func(o *live.Options) { o.Accounts = []string{"111122223333"} }, "--accounts needs --role-name"},
		{"all accounts without role", func(o *live.Options) { o.AllAccounts = true }, "--accounts needs --role-name"},
		{"role without accounts", func(o *live.Options) { o.RoleName = "r" }, "--role-name is for --accounts"},
		{"no concurrency", func(o *live.Options) { o.Concurrency = 0 }, "--concurrency 0: expected 1 or more"},
		{"no call timeout", func(o *live.Options) { o.CallTimeout = -time.Second }, "--call-timeout -1s"},
		{"empty region", func(o *live.Options) { o.Regions = []string{""} }, `--region "": expected a region`},
		{"region with a slash", func(o *live.Options) { o.Regions = []string{"us/east"} }, `--region "us/east"`},
		{"user ARN for a role", func(o *live.Options) { o.RoleARN = "arn:aws:iam::111122223333:user/x" }, "expected a role ARN"},
		{"role ARN of another service", func(o *live.Options) { o.RoleARN = "arn:aws:sts::111122223333:role/x" }, "expected a role ARN"},
		{"short account id", func(o *live.Options) { o.RoleName, o.Accounts = "r", []string{"12"} }, `--accounts: "12" is not a 12-digit account id`},
		{"all among ids", func(o *live.Options) { o.RoleName = "r"; o.SetAccounts([]string{"111122223333", "all"}) }, "--accounts all lists every account; give it alone"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			o := valid()
			tt.edit(&o)
			if err := o.Validate(); err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("Validate() = %v, want %q", err, tt.want)
			}
		})
	}
}

func TestSetAccounts(t *testing.T) {
	var o live.Options
	o.SetAccounts([]string{"all"})
	if !o.AllAccounts || o.Accounts != nil {
		t.Errorf("all: %+v", o)
	}
	o.SetAccounts([]string{"111122223333", "444455556666"})
	if o.AllAccounts || len(o.Accounts) != 2 {
		t.Errorf("ids: %+v", o)
	}
	o.SetAccounts(nil)
	if o.AllAccounts || o.Accounts != nil {
		t.Errorf("none: %+v", o)
	}
}

// TestConsole: the level of the log follows Quiet and Verbose, and a
// progress line is drawn on a terminal only, when neither is set.
func TestConsole(t *testing.T) {
	for _, tt := range []struct {
		c                  live.Console
		debug, warn, error bool
		progress           bool
	}{
		{live.Console{}, false, true, true, false},
		{live.Console{Terminal: true}, false, true, true, true},
		{live.Console{Terminal: true, Quiet: true}, false, false, true, false},
		{live.Console{Terminal: true, Verbose: true}, true, true, true, false},
	} {
		var b bytes.Buffer
		tt.c.W = &b
		var opts live.Options
		bar := tt.c.Attach(&opts)
		if (bar != nil) != tt.progress || (opts.Progress != nil) != tt.progress {
			t.Errorf("%+v: progress line %v, Progress set %v", tt.c, bar != nil, opts.Progress != nil)
		}
		opts.Logger.Debug("d")
		opts.Logger.Warn("w")
		opts.Logger.Error("e")
		for level, want := range map[string]bool{"level=DEBUG": tt.debug, "level=WARN": tt.warn, "level=ERROR": tt.error} {
			if strings.Contains(b.String(), level) != want {
				t.Errorf("%+v: %s logged = %v, want %v:\n%s", tt.c, level, !want, want, b.String())
			}
		}
	}
}

// TestRunProfile: the configuration is loaded as the AWS CLI loads it, in
// the first region asked for, and AWS_MAX_ATTEMPTS bounds the attempts
// when the options leave them to it.
func TestRunProfile(t *testing.T) {
	srv := livetest.NewServer(t, livetest.Sample())
	livetest.SetEnv(t, srv.URL)
	opts := live.Options{Retryer: livetest.Retryer}
	if _, err := live.RunProfile(context.Background(), "", opts); err == nil || !strings.Contains(err.Error(), "no region") {
		t.Errorf("no region anywhere: %v", err)
	}
	if _, err := live.RunProfile(context.Background(), "nosuchprofile", opts); err == nil || !strings.Contains(err.Error(), "nosuchprofile") {
		t.Errorf("unknown profile: %v", err)
	}

	// One throttle: with one attempt allowed it is a gap, with the default
	// attempts it is retried away.
	opts.Regions = []string{"us-east-1"}
	throttle := livetest.Fault{API: "ecr:DescribeRepositories", Code: "ThrottlingException", Times: 1}
	t.Setenv("AWS_MAX_ATTEMPTS", "1")
	srv.AddFault(throttle)
	c, err := live.RunProfile(context.Background(), "", opts)
	if err != nil {
		t.Fatal(err)
	}
	if !hasGap(c.Estate, "ecr:DescribeRepositories") {
		t.Errorf("AWS_MAX_ATTEMPTS=1: the throttled call is no gap: %v", c.Estate.Gaps)
	}
	if c.Caller.ARN != livetest.Sample().CallerARN {
		t.Errorf("caller %q", c.Caller.ARN)
	}
	t.Setenv("AWS_MAX_ATTEMPTS", "")
	srv.AddFault(throttle)
	if c, err = live.RunProfile(context.Background(), "", opts); err != nil || hasGap(c.Estate, "ecr:DescribeRepositories") {
		t.Errorf("default attempts: err %v, gaps %v", err, c.Estate.Gaps)
	}
}

func hasGap(e *estate.Estate, api string) bool {
	for _, g := range e.Gaps {
		if strings.HasPrefix(g.Source, api) {
			return true
		}
	}
	return false
}

// TestCollectionWrite: the snapshot goes to the file or to standard
// output, and the summary names what was read and lists every gap, even
// when quiet.
func TestCollectionWrite(t *testing.T) {
	c := &live.Collection{Estate: estate.New(), Caller: estate.Caller{Account: "111122223333", ARN: "arn:aws:iam::111122223333:user/a"}}
	c.Estate.Account("111122223333").Region("us-east-1").Repository("app")
	c.Estate.AddGap(estate.Gap{Source: "ecr:GetRepositoryPolicy", Account: "111122223333", Region: "us-east-1", Resource: "app", Code: "AccessDeniedException", Message: "denied"})

	var out bytes.Buffer
	where, err := c.WriteSnapshot("", &out, "1.2.3")
	if err != nil || where != "standard output" {
		t.Fatalf("stdout: %q, %v", where, err)
	}
	e, meta, err := estate.ReadSnapshot(out.Bytes(), "stdout")
	if err != nil || meta.Version != "1.2.3" || meta.Caller != c.Caller || len(e.Gaps) != 1 {
		t.Fatalf("snapshot read back: %v, %+v, %d gaps", err, meta, len(e.Gaps))
	}
	path := filepath.Join(t.TempDir(), "s.json")
	if where, err = c.WriteSnapshot(path, &out, "1.2.3"); err != nil || where != path {
		t.Fatalf("file: %q, %v", where, err)
	}
	if data, err := os.ReadFile(path); err != nil || !bytes.Equal(data, out.Bytes()) {
		t.Errorf("the file differs from standard output's snapshot (%v)", err)
	}

	var loud, quiet bytes.Buffer
	c.WriteSummary(&loud, path, false)
	c.WriteSummary(&quiet, path, true)
	if !strings.Contains(loud.String(), "read 1 account(s), 1 region(s), 1 repositories as arn:aws:iam::111122223333:user/a; snapshot written to "+path) {
		t.Errorf("summary:\n%s", loud.String())
	}
	gaps := "ecrguard: 1 things could not be read; the scan of this snapshot is incomplete:\n  " + c.Estate.Gaps[0].Placed() + "\n"
	if !strings.HasSuffix(loud.String(), gaps) || quiet.String() != gaps {
		t.Errorf("gaps, loud:\n%s\nquiet:\n%s", loud.String(), quiet.String())
	}
}
