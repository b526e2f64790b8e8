package main

import (
	"bytes"
	"testing"
)

// `ecrguard version`, --version and -v print the build of this binary
// (internal/buildinfo tests what it reads).
func TestVersionCommand(t *testing.T) {
	for _, args := range [][]string{{"version"}, {"--version"}, {"-v"}} {
		var out, errOut bytes.Buffer
		if code := run(args, &out, &errOut); code != 0 || out.String() != build.String() || errOut.Len() > 0 {
			t.Errorf("ecrguard %v: exit %d, stdout %q (want %q), stderr %q", args, code, out.String(), build.String(), errOut.String())
		}
	}
}
