package rules_test

import (
	"testing"

	"github.com/ecrguard/ecrguard/internal/testgc"
	"github.com/ecrguard/ecrguard/policy"
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
