package rules_test

import (
	"strings"
	"testing"

	"github.com/ecrguard/ecrguard/analysis"
	"github.com/ecrguard/ecrguard/estate"
	"github.com/ecrguard/ecrguard/rules"
)

// TestReplicationToUntrustedAccountIsNoted follows the Amazon ECR User
// Guide, "Configuring private image replication": a replication rule copies the
// images of the registry's repositories into the destination account's
// registry, where that account's policies govern them. A destination
// outside the zone of trust is named in a note; one in this account or in
// trusted.accounts is not.
func TestReplicationToUntrustedAccountIsNoted(t *testing.T) {
	const account, region = "111122223333", "us-east-1"
	tests := []struct {
		name    string
		dests   []estate.ReplicationDestination
		trusted []string
		orgs    []string
		want    string // in the note, "" for none
	}{
		{"another region of this account", []estate.ReplicationDestination{{Account: account, Region: "eu-west-1"}}, nil, nil, ""},
		{"an untrusted account", []estate.ReplicationDestination{{Account: "999988887777", Region: "eu-west-1"}, {Account: account, Region: "us-west-2"}}, nil, nil, "to account 999988887777 in eu-west-1, outside the zone of trust"},
		{"a trusted account", []estate.ReplicationDestination{{Account: "999988887777", Region: "eu-west-1"}}, []string{"999988887777"}, nil, ""},
		{"an account that may be in a trusted organization", []estate.ReplicationDestination{{Account: "999988887777", Region: "eu-west-1"}}, nil, []string{"o-a1b2c3d4e5"}, "the inputs do not say whether it is in a trusted organization"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			est := estate.New()
			reg := est.Account(account).Region(region)
			reg.Repository("app").SetPolicy(nil)
			reg.Registry.SetPolicy(nil)
			reg.Registry.Scope = estate.ScopeV2
			reg.Registry.Replication = tt.dests
			res := rules.Run(est, analysis.Settings{TrustedAccounts: tt.trusted, TrustedOrgIDs: tt.orgs})
			var got []string
			for _, n := range res.Notes {
				if n.Source == estate.RegistryARN(region, account) && strings.Contains(n.Message, "replication") {
					got = append(got, n.Message)
				}
			}
			switch {
			case tt.want == "" && len(got) != 0:
				t.Errorf("notes %q, want none", got)
			case tt.want != "" && (len(got) != 1 || !strings.Contains(got[0], tt.want)):
				t.Errorf("notes %q, want one saying %q", got, tt.want)
			}
		})
	}
}
