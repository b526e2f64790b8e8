package livetest

import (
	"bytes"
	"context"
	_ "embed"
	"errors"
	"flag"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"regexp"
	"slices"
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

// ErrNoMoto wraps the reasons moto cannot be started.
var ErrNoMoto = errors.New("moto is not available")

// MotoServer is a moto server this process started.
type MotoServer struct {
	URL  string
	cmd  *exec.Cmd
	logs *syncBuffer
	// exited receives cmd.Wait's result: a goroutine waits from the start.
	exited chan error
}

// motoServerPy runs moto.server with some AWS managed policies in the default
// account only (see its doc string); .ci/run starts it too.
//
//go:embed motoserver.py
var motoServerPy string

// StartMoto starts moto's server (motoserver.py) on a free loopback port,
// with some AWS managed policies loaded into the default account, and waits
// until it answers. An error wrapping ErrNoMoto means python3 or moto
// is missing.
func StartMoto() (*MotoServer, error) {
	python, err := exec.LookPath("python3")
	if err != nil {
		return nil, fmt.Errorf("%w: python3 not found", ErrNoMoto)
	}
	port, err := freePort()
	if err != nil {
		return nil, fmt.Errorf("no free port: %w", err)
	}
	s := &MotoServer{URL: fmt.Sprintf("http://127.0.0.1:%d", port), logs: &syncBuffer{}}
	s.cmd = exec.Command(python, "-c", motoServerPy, "-H", "127.0.0.1", "-p", strconv.Itoa(port))
	s.cmd.Stdout, s.cmd.Stderr = s.logs, s.logs
	if err := s.cmd.Start(); err != nil {
		return nil, fmt.Errorf("%w: cannot start moto: %v", ErrNoMoto, err)
	}
	// The server itself tells whether moto can be imported: no second
	// interpreter checks it first (an import of moto.server costs a second).
	s.exited = make(chan error, 1)
	go func() { s.exited <- s.cmd.Wait() }()
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	client := LoopbackClient()
	for {
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, s.URL+"/moto-api/data.json", nil)
		resp, err := client.Do(req)
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return s, nil
			}
		}
		select {
		case err := <-s.exited:
			logs := strings.TrimSpace(s.logs.String())
			if strings.Contains(logs, "No module named") {
				return nil, fmt.Errorf("%w: python3 cannot import moto.server: %s", ErrNoMoto, lastLine(logs))
			}
			return nil, fmt.Errorf("moto exited before answering (%v):\n%s", err, logs)
		case <-ctx.Done():
			s.Stop()
			return nil, fmt.Errorf("moto (pid %d) did not answer on port %d within 90s:\n%s", s.cmd.Process.Pid, port, s.logs.String())
		case <-time.After(50 * time.Millisecond):
		}
	}
}

// lastLine is the last line of s (a Python traceback's error).
func lastLine(s string) string {
	return s[strings.LastIndexByte(s, '\n')+1:]
}

// Stop ends the server this process started (by its process, nothing
// else).
func (s *MotoServer) Stop() {
	if s == nil || s.cmd == nil || s.cmd.Process == nil {
		return
	}
	_ = s.cmd.Process.Kill()
	<-s.exited
}

// Unavailable skips the test because moto is not available, or fails it
// when EnvRequireMoto is 1.
func Unavailable(t testing.TB, err error) {
	t.Helper()
	if os.Getenv(EnvRequireMoto) == "1" {
		t.Fatalf("moto is required (%s=1) but not available: %v", EnvRequireMoto, err)
	}
	t.Skipf("skipping the moto end-to-end test: %v (install moto[server] 5.2.1, or set %s to a running server; CI sets %s=1 so that it fails instead)",
		err, EnvMotoURL, EnvRequireMoto)
}

// SharedMoto is the moto server of one test binary, shared by its tests:
// EnvMotoURL when set (CI starts one server for every package), or else a
// server started by the binary's TestMain, in the background while the
// other tests run (moto takes a second or more to start), and stopped by it:
//
//	var moto livetest.SharedMoto
//
//	func TestMain(m *testing.M) {
//		moto.StartFor("TestWithMoto")
//		code := m.Run()
//		moto.Stop()
//		os.Exit(code)
//	}
//
// Tests never reset the server (POST /moto-api/reset): with EnvMotoURL
// the test binaries of `go test ./...` share it and run in parallel, so a
// reset would wipe the resources another is reading. Each test keeps to
// names of its own instead.
type SharedMoto struct {
	once  sync.Once
	ready chan struct{} // closed once url, srv and err are set
	url   string
	srv   *MotoServer
	err   error
}

// Start starts the server in the background, unless EnvMotoURL names one;
// URL waits for it. Without Start, URL starts it.
func (s *SharedMoto) Start() {
	s.once.Do(func() {
		s.ready = make(chan struct{})
		go func() {
			defer close(s.ready)
			if u := os.Getenv(EnvMotoURL); u != "" {
				s.url = strings.TrimRight(u, "/")
				return
			}
			s.srv, s.err = StartMoto()
			if s.err == nil {
				s.url = s.srv.URL
				warmUp(s.url)
			}
		}()
	})
}

// StartFor is Start when -run selects one of tests (the tests that use
// the server): a binary asked to run others does not wait for moto.
func (s *SharedMoto) StartFor(tests ...string) {
	run := ""
	if f := flag.Lookup("test.run"); f != nil {
		run = f.Value.String()
	}
	top, _, _ := strings.Cut(run, "/")
	re, err := regexp.Compile(top)
	if err != nil || slices.ContainsFunc(tests, re.MatchString) {
		s.Start()
	}
}

// warmUp makes the first IAM call, on which moto loads the AWS managed
// policies into its default account (a quarter of a second), so that the
// tests do not wait for it; .ci/run makes the same call. Its answer does
// not matter.
func warmUp(url string) {
	req, err := http.NewRequest(http.MethodPost, url+"/", strings.NewReader("Action=ListRoles&Version=2010-05-08"))
	if err != nil {
		return
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Authorization", "AWS4-HMAC-SHA256 Credential="+HomeAccessKey+"/20260101/us-east-1/iam/aws4_request, SignedHeaders=host, Signature=0")
	if resp, err := LoopbackClient().Do(req); err == nil {
		resp.Body.Close()
	}
}

// URL returns the server's endpoint, once it answers. Without moto the test
// is skipped, unless EnvRequireMoto is 1.
func (s *SharedMoto) URL(t testing.TB) string {
	t.Helper()
	s.Start()
	<-s.ready
	if s.err != nil {
		Unavailable(t, s.err)
	}
	GuardEndpoint(t, s.url)
	return s.url
}

// Stop stops the server Start started, if it started one, waiting for it
// to answer first.
func (s *SharedMoto) Stop() {
	if s.ready == nil {
		return
	}
	<-s.ready
	s.srv.Stop()
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
