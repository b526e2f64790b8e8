package rules_test

import (
	"runtime/debug"
	"testing"

	"github.com/ecrguard/ecrguard/policy"
)

// The tests allocate in bursts: a heap goal of five times the live heap
// (GOGC=400) saves about a fifth of their CPU (README, "Development").
func init() { debug.SetGCPercent(400) }

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
