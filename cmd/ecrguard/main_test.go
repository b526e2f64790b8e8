package main

import (
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/ecrguard/ecrguard/internal/testgc"
	"github.com/rogpeppe/go-internal/testscript"
)

// binDir holds "ecrguard", a link to this test binary, for the scripts
// that run the command as a process of its own (exec).
var binDir string

func TestMain(m *testing.M) {
	if filepath.Base(os.Args[0]) == "ecrguard" {
		os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
	}
	os.Exit(testMain(m))
}

func testMain(m *testing.M) int {
	var err error
	if binDir, err = os.MkdirTemp("", "ecrguard-bin-"); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer os.RemoveAll(binDir)
	exe, err := os.Executable()
	if err == nil {
		err = os.Symlink(exe, filepath.Join(binDir, "ecrguard"))
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	flag.Parse()
	defer startBrowser(flag.Lookup("test.run").Value.String())()
	testgc.Raise()
	return m.Run()
}

// TestScripts runs the end-to-end scripts of testdata/script: real command
// lines, their output and their exit codes. `ecrguard ARGS` runs the command
// in this process (inProcess); `exec ecrguard ARGS` runs it as a process of
// its own, for the scripts that give it an environment (env) or a shell.
func TestScripts(t *testing.T) {
	// Absolute: inProcess changes the working directory while other
	// scripts start.
	dir, err := filepath.Abs(filepath.Join("testdata", "script"))
	if err != nil {
		t.Fatal(err)
	}
	testscript.Run(t, testscript.Params{
		Dir:  dir,
		Cmds: map[string]func(*testscript.TestScript, bool, []string){"ecrguard": inProcess},
		Setup: func(env *testscript.Env) error {
			env.Setenv("PATH", binDir+string(os.PathListSeparator)+env.Getenv("PATH"))
			return nil
		},
	})
}

// inProcessMu serialises the commands run in this process: run reads paths
// relative to the process's working directory, which inProcess sets to the
// script's. No other test runs meanwhile: TestScripts is not parallel, so
// the package's parallel tests wait for it, and its scripts use absolute
// paths for everything but the command.
var inProcessMu sync.Mutex

// inProcess runs ecrguard as `exec ecrguard` would, in this process: the
// same run, arguments and output, and a failure when the exit code is not
// what the script expects. A process start costs about 40 ms of CPU, most of
// what the scripts cost.
func inProcess(ts *testscript.TestScript, neg bool, args []string) {
	inProcessMu.Lock()
	defer inProcessMu.Unlock()
	wd, err := os.Getwd()
	ts.Check(err)
	ts.Check(os.Chdir(ts.MkAbs(".")))
	code := run(args, ts.Stdout(), ts.Stderr())
	ts.Check(os.Chdir(wd))
	switch {
	case neg && code == 0:
		ts.Fatalf("ecrguard succeeded, want a failure")
	case !neg && code != 0:
		ts.Fatalf("ecrguard: exit status %d", code)
	}
}

// TestEveryCommandHasExamples holds the README's word that every command's
// --help shows examples: each of ecrguard's own commands has some.
func TestEveryCommandHasExamples(t *testing.T) {
	root := newRootCommand(io.Discard, io.Discard, nil)
	for _, c := range root.Commands() {
		if c.Name() == "help" || c.Name() == "completion" {
			continue // cobra's own
		}
		if !strings.Contains(c.Example, "ecrguard "+c.Name()) {
			t.Errorf("ecrguard %s --help shows no example of the command", c.Name())
		}
	}
}
