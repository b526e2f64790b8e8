package cloudformation

import (
	"errors"
	"maps"
	"testing"

	"github.com/ecrguard/ecrguard/internal/iacdoc/iacdoctest"
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
		// A word that also occurs earlier on its line is found where it
		// is, and columns count characters (é is two bytes).
		{"repeated word", "Team=é prod=1 prod", "params.json:1:15"},
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

// A principal ARN whose account alone comes from a parameter without a
// value names one account (AccountUnknown), not everyone, whatever known
// values (AWS::Partition, as CDK writes every ARN) build the rest of it; a
// given value makes it known. (With ${AWS::Partition} it was taken as
// anyone.)
func TestUnknownAccountPrincipal(t *testing.T) {
	src := "Parameters:\n  PartnerAccount: {Type: String}\n  Role: {Type: String}\n" + appPolicy(`          - Sid: Partner
            Effect: Allow
            Principal:
              AWS:
                - !Sub arn:aws:iam::${PartnerAccount}:role/puller
                - !Sub "arn:aws:iam::${PartnerAccount}:root"
                - !Sub arn:aws:iam::${PartnerAccount}:role/${Role}
                - !Sub arn:${AWS::Partition}:iam::${PartnerAccount}:role/puller-${AWS::Region}
            Action: ecr:BatchGetImage
`)
	s := iacdoctest.Statement(t, findRepo(t, load(t, src, Options{Account: acct}), "app"), "Partner")
	var got []policy.Value
	for _, e := range s.Principal.Entries {
		got = append(got, policy.Value{Text: e.Value.Text, Unknown: e.Value.Unknown, AccountUnknown: e.Value.AccountUnknown})
	}
	want := []policy.Value{
		{Text: "arn:aws:iam::<PartnerAccount>:role/puller", AccountUnknown: true},
		{Text: "arn:aws:iam::<PartnerAccount>:root", AccountUnknown: true},
		// More than the account is unknown: taken at its worst.
		{Text: `!Sub "arn:aws:iam::${PartnerAccount}:role/${Role}"`, Unknown: true},
		{Text: "arn:aws:iam::<PartnerAccount>:role/puller-us-east-1", AccountUnknown: true},
	}
	if len(got) != len(want) {
		t.Fatalf("principals %+v, want %+v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("principal %d: %+v, want %+v", i, got[i], want[i])
		}
	}
	s = iacdoctest.Statement(t, findRepo(t, load(t, src, Options{Account: acct, Region: "us-east-1", Parameters: map[string]string{"PartnerAccount": "444455556666"}}), "app"), "Partner")
	if e := s.Principal.Entries[1].Value; e.Text != "arn:aws:iam::444455556666:root" || e.Unknown || e.AccountUnknown {
		t.Errorf("with the parameter: %+v", e)
	}
}
