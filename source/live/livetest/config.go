package livetest

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"path/filepath"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/ratelimit"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/aws/aws-sdk-go-v2/credentials"
)

// Config returns an aws.Config for region whose every client talks to
// endpoint, with the fake home credentials. Its HTTP client refuses any host
// that is not on the loopback interface, so a test can never reach AWS.
func Config(t testing.TB, endpoint, region string) aws.Config {
	t.Helper()
	GuardEndpoint(t, endpoint)
	return aws.Config{
		Region:       region,
		BaseEndpoint: aws.String(endpoint),
		Credentials:  credentials.NewStaticCredentialsProvider(HomeAccessKey, HomeSecretKey, HomeSessionToken),
		HTTPClient:   LoopbackClient(),
	}
}

// SetEnv points the SDK's default chain at endpoint only, for the test's
// duration: the fake home credentials in the environment, config and
// credentials files of its own (none), no region, no profile, no instance
// metadata, and the SDK's own retry settings.
func SetEnv(t testing.TB, endpoint string) {
	t.Helper()
	GuardEndpoint(t, endpoint)
	dir := t.TempDir()
	for k, v := range map[string]string{
		"AWS_ENDPOINT_URL":            endpoint,
		"AWS_ACCESS_KEY_ID":           HomeAccessKey,
		"AWS_SECRET_ACCESS_KEY":       HomeSecretKey,
		"AWS_SESSION_TOKEN":           HomeSessionToken,
		"AWS_REGION":                  "",
		"AWS_DEFAULT_REGION":          "",
		"AWS_PROFILE":                 "",
		"AWS_CONFIG_FILE":             filepath.Join(dir, "config"),
		"AWS_SHARED_CREDENTIALS_FILE": filepath.Join(dir, "credentials"),
		"AWS_EC2_METADATA_DISABLED":   "true",
		"AWS_RETRY_MODE":              "",
		"AWS_MAX_ATTEMPTS":            "",
	} {
		t.Setenv(k, v)
	}
}

// Retryer is the retryer tests give live.Options.Retryer: the SDK's
// standard mode with no delay between attempts and no retry quota, so that
// a throttled call succeeds or fails in milliseconds. (The production
// default, adaptive mode, sleeps for seconds after a throttle in its
// client-side rate limiter.) Which errors are retried is the SDK's, as in
// production.
func Retryer() aws.Retryer {
	return retry.NewStandard(func(o *retry.StandardOptions) {
		o.Backoff = retry.BackoffDelayerFunc(func(int, error) (time.Duration, error) { return 0, nil })
		o.RateLimiter = ratelimit.None
	})
}

// GuardEndpoint fails the test unless endpoint is an http URL on the
// loopback interface.
func GuardEndpoint(t testing.TB, endpoint string) {
	t.Helper()
	if err := checkLoopback(endpoint); err != nil {
		t.Fatalf("refusing to run against %q: %v", endpoint, err)
	}
}

func checkLoopback(endpoint string) error {
	if endpoint == "" {
		return fmt.Errorf("no endpoint: a test must never fall back to the real AWS endpoints")
	}
	u, err := url.Parse(endpoint)
	if err != nil {
		return err
	}
	host := u.Hostname()
	if host == "localhost" {
		return nil
	}
	ip := net.ParseIP(host)
	if ip == nil || !ip.IsLoopback() {
		return fmt.Errorf("host %q is not a loopback address", host)
	}
	return nil
}

// LoopbackClient is an HTTP client that only dials loopback addresses.
func LoopbackClient() *http.Client {
	tr := http.DefaultTransport.(*http.Transport).Clone()
	dial := tr.DialContext
	tr.DialContext = func(ctx context.Context, network, addr string) (net.Conn, error) {
		host, _, err := net.SplitHostPort(addr)
		if err != nil {
			return nil, err
		}
		if ip := net.ParseIP(host); host != "localhost" && (ip == nil || !ip.IsLoopback()) {
			return nil, fmt.Errorf("livetest: refusing to connect to %s: tests reach only the loopback interface", addr)
		}
		return dial(ctx, network, addr)
	}
	tr.Proxy = nil
	// Keep a connection per call in flight (benchmarks run dozens at
	// once), as the SDK's own client does, rather than net/http's two.
	tr.MaxIdleConnsPerHost = 256
	tr.MaxIdleConns = 256
	return &http.Client{Transport: tr}
}
