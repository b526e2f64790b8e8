package live_test

import (
	"context"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/ratelimit"
	"github.com/aws/aws-sdk-go-v2/aws/retry"

	"github.com/ecrguard/ecrguard/estate"
	"github.com/ecrguard/ecrguard/source/live"
	"github.com/ecrguard/ecrguard/source/live/livetest"
)

// Scale of BenchmarkCollect (issue 11): an organization of 50 accounts ×
// 4 regions × 50 repositories, every API call answered after 50 ms.
const (
	benchAccounts    = 50
	benchRegions     = 4
	benchRepos       = 50
	benchLatency     = 50 * time.Millisecond
	benchConcurrency = 64
)

// collectOrg reads the whole organization of srv (--accounts all) and
// checks that nothing is lost: every account, region, repository (with its
// policy and tags), template and RCP level, and no gap.
func collectOrg(tb testing.TB, srv *livetest.Server, opts live.Options, accounts, regions, repos int) *estate.Estate {
	tb.Helper()
	opts.Regions = livetest.ScaleRegions[:regions]
	opts.AllAccounts, opts.RoleName = true, livetest.ScaleRole
	cfg := livetest.Config(tb, srv.URL, "us-east-1")
	c, err := live.Run(context.Background(), cfg, opts)
	if err != nil {
		tb.Fatal(err)
	}
	e := c.Estate
	if len(e.Gaps) > 0 {
		tb.Fatalf("%d gaps, the first: %s", len(e.Gaps), e.Gaps[0])
	}
	if n := len(e.Accounts()); n != accounts {
		tb.Fatalf("%d accounts read, want %d", n, accounts)
	}
	for _, a := range e.Accounts() {
		member := !a.Management
		if !a.RCPsKnown || member && len(a.RCPs) != 4 || !member && len(a.RCPs) != 0 || !a.SCPsKnown || a.IAM == nil || len(a.Public) != 2 {
			tb.Fatalf("account %s: RCPs known %v (%d levels), management %v, SCPs known %v, IAM %v, %d public", a.ID, a.RCPsKnown, len(a.RCPs), a.Management, a.SCPsKnown, a.IAM != nil, len(a.Public))
		}
		if len(a.Regions()) != regions {
			tb.Fatalf("account %s: %d regions", a.ID, len(a.Regions()))
		}
		for _, r := range a.Regions() {
			rs := r.Repositories()
			if len(rs) != repos || len(r.Templates()) != 1 || r.Templates()[0].PolicyState != estate.HasPolicy {
				tb.Fatalf("%s %s: %d repositories, %d templates", a.ID, r.Name, len(rs), len(r.Templates()))
			}
			for _, repo := range rs {
				if repo.PolicyState != estate.HasPolicy || !repo.TagsKnown {
					tb.Fatalf("%s: policy %v, tags known %v", repo.ARN, repo.PolicyState, repo.TagsKnown)
				}
			}
		}
	}
	return e
}

// calls is the number of API calls srv answered.
func calls(srv *livetest.Server) int {
	n := 0
	for _, c := range srv.Calls() {
		n += c
	}
	return n
}

// BenchmarkCollect reads an organization of 50 accounts × 4 regions × 50
// repositories through the fake AWS API, each call answered after 50 ms,
// and reports the wall time against the bound calls × 50 ms / concurrency
// (bound-s; ratio = wall / bound, the goal ≤ 1.5). "throttled" answers
// every distinct request ThrottlingException once first, and the SDK's
// standard retryer backs off (exponential with jitter, at most 200 ms
// here) while the call keeps its place among those in flight: nothing may
// be lost. (The production default, adaptive mode, also slows its client
// down for seconds after throttles, which at this scale makes a run of
// minutes.)
// It runs only under -bench:
//
//	go test ./source/live -run '^$' -bench BenchmarkCollect -benchtime 1x
func BenchmarkCollect(b *testing.B) {
	for _, tc := range []struct {
		name     string
		throttle int
		retryer  func() aws.Retryer
	}{
		{"latency", 0, nil},
		{"throttled", 1, func() aws.Retryer {
			return retry.NewStandard(func(o *retry.StandardOptions) {
				o.MaxBackoff, o.RateLimiter = 200*time.Millisecond, ratelimit.None
			})
		}},
	} {
		b.Run(tc.name, func(b *testing.B) {
			for b.Loop() {
				b.StopTimer()
				home, members := livetest.ScaleOrganization(benchAccounts, benchRegions, benchRepos)
				srv := livetest.NewServer(b, home, members...)
				srv.Latency, srv.ThrottleFirst = benchLatency, tc.throttle
				opts := live.Options{Concurrency: benchConcurrency, Retryer: tc.retryer}
				b.StartTimer()
				start, cpu0 := time.Now(), cpuTime()
				collectOrg(b, srv, opts, benchAccounts, benchRegions, benchRepos)
				wall, cpu := time.Since(start), cpuTime()-cpu0
				b.StopTimer()
				n := calls(srv)
				bound := time.Duration(n) * benchLatency / benchConcurrency
				b.ReportMetric(float64(n), "calls")
				b.ReportMetric(float64(srv.MaxInFlight()), "max-in-flight")
				b.ReportMetric(cpu.Seconds(), "cpu-s")
				b.ReportMetric(bound.Seconds(), "bound-s")
				b.ReportMetric(wall.Seconds()/bound.Seconds(), "ratio")
				b.Logf("%s: %d calls in %s (%d at most in flight; %s of CPU, client and fake server together); bound %d × %s / %d = %s; ratio %.2f",
					tc.name, n, wall.Round(time.Millisecond), srv.MaxInFlight(), cpu.Round(time.Millisecond), n, benchLatency, benchConcurrency, bound.Round(time.Millisecond), wall.Seconds()/bound.Seconds())
				b.StartTimer()
			}
		})
	}
}

// TestCollectThrottledOrganization: with every request throttled twice
// before it is answered, retries absorb it all and nothing is lost.
func TestCollectThrottledOrganization(t *testing.T) {
	t.Parallel()
	home, members := livetest.ScaleOrganization(3, 2, 20)
	srv := livetest.NewServer(t, home, members...)
	srv.ThrottleFirst = 2
	opts := fastOptions()
	opts.Concurrency = 16
	collectOrg(t, srv, opts, 3, 2, 20)
	if n := srv.Calls()["ecr:GetRepositoryPolicy"]; n != 3*3*2*20 {
		t.Errorf("GetRepositoryPolicy answered %d times, want %d (each throttled twice, then answered)", n, 3*3*2*20)
	}
}
