package livetest

import (
	"bytes"
	"context"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// Environment variables of the moto tests.
const (
	// EnvMotoURL names a running moto server to use instead of starting one.
	EnvMotoURL = "ECRGUARD_MOTO_URL"
	// EnvRequireMoto=1 turns "moto is not available" from a skip into a
	// failure; CI sets it.
	EnvRequireMoto = "ECRGUARD_REQUIRE_MOTO"
)

// Moto returns the endpoint of a moto server for the test: EnvMotoURL when
// set, or else a fresh `python3 -m moto.server` on a free loopback port with
// AWS managed policies loaded, stopped when the test ends. Without moto the
// test is skipped with the reason, unless EnvRequireMoto is 1.
func Moto(t testing.TB) string {
	t.Helper()
	if u := os.Getenv(EnvMotoURL); u != "" {
		GuardEndpoint(t, u)
		return strings.TrimRight(u, "/")
	}
	unavailable := func(format string, args ...any) {
		t.Helper()
		msg := fmt.Sprintf(format, args...)
		if os.Getenv(EnvRequireMoto) == "1" {
			t.Fatalf("moto is required (%s=1) but not available: %s", EnvRequireMoto, msg)
		}
		t.Skipf("skipping the moto end-to-end test: %s (install moto[server] 5.2.1, or set %s; CI sets %s=1 so that it fails instead)",
			msg, EnvMotoURL, EnvRequireMoto)
	}
	python, err := exec.LookPath("python3")
	if err != nil {
		unavailable("python3 not found")
	}
	check := exec.Command(python, "-c", "import moto.server")
	if out, err := check.CombinedOutput(); err != nil {
		unavailable("python3 cannot import moto.server: %v %s", err, strings.TrimSpace(string(out)))
	}
	port, err := freePort()
	if err != nil {
		unavailable("no free port: %v", err)
	}
	cmd := exec.Command(python, "-m", "moto.server", "-H", "127.0.0.1", "-p", strconv.Itoa(port))
	cmd.Env = append(os.Environ(), "MOTO_IAM_LOAD_MANAGED_POLICIES=true")
	logs := &syncBuffer{}
	cmd.Stdout, cmd.Stderr = logs, logs
	if err := cmd.Start(); err != nil {
		unavailable("cannot start moto: %v", err)
	}
	pid := cmd.Process.Pid
	t.Cleanup(func() {
		// Stop only the server this test started, by its process.
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
	})
	u := fmt.Sprintf("http://127.0.0.1:%d", port)
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	client := LoopbackClient()
	for {
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, u+"/moto-api/data.json", nil)
		resp, err := client.Do(req)
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return u
			}
		}
		select {
		case <-ctx.Done():
			t.Fatalf("moto (pid %d) did not start on port %d within 60s:\n%s", pid, port, logs.String())
		case <-time.After(200 * time.Millisecond):
		}
	}
}

// syncBuffer collects the server's output, written from exec's goroutines.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}
