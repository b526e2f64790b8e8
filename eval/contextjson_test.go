package eval

import (
	"slices"
	"strings"
	"testing"
)

func TestContextSetJSON(t *testing.T) {
	for _, tc := range []struct {
		name, data string
		// want maps keys to their values; err is a substring of the error.
		want map[string][]string
		err  string
	}{
		{name: "values", data: `{"aws:SourceIp": "10.0.0.1", "aws:MultiFactorAuthAge": 30, "aws:SecureTransport": true}`,
			want: map[string][]string{"aws:sourceip": {"10.0.0.1"}, "aws:multifactorauthage": {"30"}, "aws:securetransport": {"true"}}},
		{name: "lists", data: `{"aws:TagKeys": ["team", "env"], "aws:CalledVia": []}`,
			want: map[string][]string{"aws:tagkeys": {"team", "env"}, "aws:calledvia": {}}},
		{name: "not an object", data: "\n  [1]", err: "ctx.json:2:3: expected a JSON object of context keys, got array"},
		{name: "object value", data: `{"k": {}}`, err: `ctx.json:1:7: context key "k": expected a string or a list of strings, got object`},
		{name: "null in a list", data: `{"k": ["a", null]}`, err: `ctx.json:1:13: context key "k": expected strings in the list, got null`},
		{name: "broken", data: `{"k": `, err: "ctx.json:1:"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ctx := NewContext()
			err := ctx.SetJSON([]byte(tc.data), "ctx.json")
			if tc.err != "" {
				if err == nil || !strings.Contains(err.Error(), tc.err) {
					t.Fatalf("error %v, want one containing %q", err, tc.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if keys := ctx.Keys(); len(keys) != len(tc.want) {
				t.Errorf("keys %q, want %d", keys, len(tc.want))
			}
			for k, want := range tc.want {
				got, ok := ctx.Get(k)
				if !ok || !slices.Equal(got, want) {
					t.Errorf("%s = %q (present %v), want %q", k, got, ok, want)
				}
			}
		})
	}
}
