package rules

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// Every problem the validator reports has a fix of its own: the table
// shows only the fix, and "Fix the element named in the message" sent the
// reader to a message it does not show. The codes are read from the
// validator's source, so that a new one without a fix fails here.
func TestECR011FixPerProblem(t *testing.T) {
	files, err := filepath.Glob("../validate/*.go")
	if err != nil {
		t.Fatal(err)
	}
	add := regexp.MustCompile(`c\.add\([^,]*, "([a-z-]+)"`)
	codes := map[string]bool{}
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range add.FindAllStringSubmatch(string(src), -1) {
			codes[m[1]] = true
		}
	}
	if len(codes) < 10 {
		t.Fatalf("found %d problem codes in ../validate: the pattern no longer reads its c.add calls", len(codes))
	}
	generic := remediationFor("")
	for code := range codes {
		if remediationFor(code) == generic {
			t.Errorf("problem %q has no fix of its own", code)
		}
	}
}
