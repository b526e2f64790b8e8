package file

import (
	"context"
	"strings"
	"testing"
	"testing/fstest"
	"unicode/utf16"
)

// powerShell returns text as Windows PowerShell's `>` writes it: CRLF line
// ends, UTF-16LE with a byte-order mark.
func powerShell(text string) []byte {
	text = strings.ReplaceAll(text, "\n", "\r\n")
	out := []byte{0xFF, 0xFE}
	for _, u := range utf16.Encode([]rune(text)) {
		out = append(out, byte(u), byte(u>>8))
	}
	return out
}

// TestEncodings reads files with a byte-order mark and in UTF-16 as their
// UTF-8 text: the same estate, and gaps at the same lines and columns.
func TestEncodings(t *testing.T) {
	const output = `{
    "registryId": "111122223333",
    "repositoryName": "app",
    "policyText": "{\n  \"Version\" : \"2012-10-17\",\n  \"Statement\" : [ {\n    \"Sid\" : \"Zürich\",\n    \"Effect\" : \"Allow\",\n    \"Principal\" : {\"AWS\" : \"arn:aws:iam::444455556666:root\"},\n    \"Action\" : \"ecr:BatchGetImage\"\n  } ]\n}"
}
`
	const broken = `{
  "Version": "2012-10-17",
  "Statement": [{"Sid": "ü", "Effect": "allow", "Action": "ecr:*", "Resource": "*"}]
}
`
	crlf := func(s string) []byte { return []byte(strings.ReplaceAll(s, "\n", "\r\n")) }
	bom := func(b []byte) []byte { return append([]byte{0xEF, 0xBB, 0xBF}, b...) }
	want := dumpOf(t, fstest.MapFS{"output.json": {Data: crlf(output)}, "broken.json": {Data: crlf(broken)}})
	if !strings.Contains(want, "broken.json:3:") || !strings.Contains(want, "repository/app") {
		t.Fatalf("the UTF-8 files do not read as expected:\n%s", want)
	}
	for name, fsys := range map[string]fstest.MapFS{
		"UTF-8 with BOM": {"output.json": {Data: bom(crlf(output))}, "broken.json": {Data: bom(crlf(broken))}},
		"PowerShell":     {"output.json": {Data: powerShell(output)}, "broken.json": {Data: powerShell(broken)}},
	} {
		if got := dumpOf(t, fsys); got != want {
			t.Errorf("%s: estate differs from the UTF-8 one:\n--- got\n%s\n--- want\n%s", name, got, want)
		}
	}
	// UTF-16 cut short is a gap that says so.
	e, err := Load(context.Background(), fstest.MapFS{"cut.json": {Data: powerShell(output)[:41]}}, []string{"."}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if g := gapsOf(e, "cut.json"); len(g) != 1 || !strings.Contains(g[0], "odd number of bytes") {
		t.Errorf("gaps of UTF-16 cut short = %q", g)
	}
}

func dumpOf(t *testing.T, fsys fstest.MapFS) string {
	t.Helper()
	e, err := Load(context.Background(), fsys, []string{"."}, Options{Account: "111122223333"})
	if err != nil {
		t.Fatal(err)
	}
	return dump(e)
}
