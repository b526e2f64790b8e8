package cloudformation

import (
	"errors"
	"maps"
	"testing"

	"github.com/ecrguard/ecrguard/policy"
)

// The shapes follow the AWS CLI Command Reference: "create-stack"
// (--parameters, a list of ParameterKey/ParameterValue/UsePreviousValue)
// and "deploy" (--parameter-overrides: Key=Value pairs, a JSON file of the
// same list, or a CodePipeline template configuration file).
func TestParseParameters(t *testing.T) {
	want := map[string]string{"Env": "prod", "PartnerAccount": "444455556666"}
	for _, tc := range []struct{ name, src string }{
		{"create-stack", `[
  {"ParameterKey": "Env", "ParameterValue": "prod"},
  {"ParameterKey": "PartnerAccount", "ParameterValue": "444455556666"},
  {"ParameterKey": "Old", "UsePreviousValue": true}
]`},
		{"deploy list", `["Env=prod", "PartnerAccount=444455556666"]`},
		{"codepipeline", `{"Parameters": {"Env": "prod", "PartnerAccount": "444455556666"}}`},
		{"words", "# prod\nEnv=prod PartnerAccount=1\n\nPartnerAccount=444455556666\n"},
		{"bom", "\xef\xbb\xbf[\"Env=prod\", \"PartnerAccount=444455556666\"]"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := ParseParameters([]byte(tc.src), "params.json")
			if err != nil {
				t.Fatal(err)
			}
			if !maps.Equal(got, want) {
				t.Errorf("got %v, want %v", got, want)
			}
		})
	}
}

func TestParseParametersErrors(t *testing.T) {
	for _, tc := range []struct{ name, src, want string }{
		{"syntax", "[\n  \"Env=prod\",\n]", "params.json:3:1"},
		{"not key=value", `["Env=prod", "prod"]`, "params.json:1:14"},
		{"no key", "[\n {\"ParameterValue\": \"x\"}]", "params.json:2:2"},
		{"object", `{"Env": "prod"}`, "params.json:1:1"},
		{"value", `{"Parameters": {"Env": ["a"]}}`, "params.json:1:24"},
		{"word", "Env=prod\n  prod", "params.json:2:3"},
		{"empty", "\n", "params.json:1:1"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ParseParameters([]byte(tc.src), "params.json")
			var pe *policy.Error
			if !errors.As(err, &pe) || pe.Pos.String() != tc.want {
				t.Errorf("err = %v, want a *policy.Error at %s", err, tc.want)
			}
		})
	}
}
