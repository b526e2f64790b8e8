package exposure

import "testing"

// TestStandIns checks that the values the analysis makes up for its
// requests are known as such, and real values are not.
func TestStandIns(t *testing.T) {
	for _, tc := range []struct {
		name string
		got  bool
		want bool
	}{
		{"outsider account", OutsiderAccount(freshAccounts[0]), true},
		{"real account", OutsiderAccount("111122223333"), false},
		{"any service", AnyService(freshService), true},
		{"named service", AnyService("codebuild.amazonaws.com"), false},
		// A service a policy names is named as itself, even one ecrguard
		// may use as a stand-in name where the policy does not name it.
		{"a stand-in name the policy names", AnyService(freshServices[1]), false},
		{"a stand-in name in a proof", StandInService(freshServices[1]), true},
		{"a bucket stand-in", SourceStandIn(bucketStandIns[0]), true},
		{"outsider org", OutsiderOrg(freshOrgs[0]) && OutsiderOrg(freshOrgs[len(freshOrgs)-1]), true},
		{"named org", OutsiderOrg("o-a1b2c3d4e5"), false},
		{"outsider name", OutsiderName(freshName), true},
		{"session name", OutsiderName(freshSession), true},
		{"named role", OutsiderName("deployer"), false},
		{"source stand-in", SourceStandIn(sourceStandIn("999988887777")), true},
		{"named source", SourceStandIn("arn:aws:codebuild:us-east-1:999988887777:project/app"), false},
		{"made-up OU path", MadeUp("o-a1b2c3d4e5" + freshOrgPath), true},
		{"made-up VPC", MadeUp("vpc-0ec9a4d0000000000"), true},
		{"real address", MadeUp("198.51.100.7"), false},
	} {
		if tc.got != tc.want {
			t.Errorf("%s: got %v, want %v", tc.name, tc.got, tc.want)
		}
	}
	if org, ok := UnnamedOUPath("o-a1b2c3d4e5" + freshOrgPath); !ok || org != "o-a1b2c3d4e5" {
		t.Errorf("UnnamedOUPath = %q, %v", org, ok)
	}
	if _, ok := UnnamedOUPath("o-a1b2c3d4e5/r-ab12/ou-ab12-11111111/"); ok {
		t.Error("a named OU path is taken for a made-up one")
	}
}
