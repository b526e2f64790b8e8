package rules_test

import (
	"strings"
	"testing"

	"github.com/ecrguard/ecrguard/internal/testgc"
	"github.com/ecrguard/ecrguard/policy"
	"github.com/ecrguard/ecrguard/rules"
)

func init() { testgc.Raise() }

// mustParse parses text as the policy document of file name, failing the
// test when it does not parse.
func mustParse(t testing.TB, text, name string) *policy.Document {
	t.Helper()
	doc, err := policy.Parse([]byte(text), name)
	if err != nil {
		t.Fatal(err)
	}
	return doc
}

// notes returns the messages of res's notes, one a line.
func notes(res *rules.Result) string {
	var b strings.Builder
	for _, n := range res.Notes {
		b.WriteString(n.Message + "\n")
	}
	return b.String()
}
