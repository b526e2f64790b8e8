package livetest

import "fmt"

// ScaleRegions are the regions ScaleOrganization fills, in order.
var ScaleRegions = []string{"us-east-1", "us-west-2", "eu-west-1", "ap-southeast-2", "eu-central-1", "ap-northeast-1"}

// ScaleRole is the role ScaleOrganization's member accounts let the
// management account assume.
const ScaleRole = "ecrguard-reader"

// ScaleOrganization builds an organization for benchmarks: a management
// account and accounts-1 members (ids 2000000000NN) under two OUs, each
// with repos repositories (every one with a policy and tags) in each of
// the first regions of ScaleRegions, a creation template per region, two
// ECR Public repositories, a little IAM, and SCPs and RCPs at every level.
// The management account is the home account (its credentials start the
// run); the members are reached through ScaleRole.
func ScaleOrganization(accounts, regions, repos int) (home *Account, members []*Account) {
	if regions > len(ScaleRegions) {
		regions = len(ScaleRegions)
	}
	org := &Org{ID: "o-scale12345", ManagementID: "200000000000", SCPEnabled: true, RCPEnabled: true, RootID: "r-scale",
		OUs: []string{"ou-scale-workloads", "ou-scale-prod"}, AttachedSCPs: map[string][]SCP{}, AttachedRCPs: map[string][]SCP{}}
	full := SCP{ID: "p-FullAWSAccess", Name: "FullAWSAccess", Content: FullAWSAccess}
	rcpFull := SCP{ID: "p-RCPFullAWSAccess", Name: "RCPFullAWSAccess", Content: RCPFullAWSAccess}
	for _, t := range append([]string{org.RootID}, org.OUs...) {
		org.AttachedSCPs[t] = []SCP{full}
		org.AttachedRCPs[t] = []SCP{rcpFull}
	}
	org.AttachedSCPs["ou-scale-prod"] = append(org.AttachedSCPs["ou-scale-prod"], SCP{ID: "p-nodelete", Name: "DenyDelete", Content: DenyDeleteSCP})
	org.AttachedRCPs["ou-scale-prod"] = append(org.AttachedRCPs["ou-scale-prod"], SCP{ID: "p-orgonly", Name: "OrgOnly", Content: DenyOutsideOrgRCP})
	var all []*Account
	for i := range accounts {
		id := fmt.Sprintf("2000000000%02d", i)
		a := &Account{ID: id, Regions: map[string]*Region{},
			Public: []Repo{{Name: "pub-a", Policy: PublicPullPolicy}, {Name: "pub-b"}},
			IAM:    IAM{Roles: []Role{{Name: ScaleRole, Trust: TrustEC2, Inline: map[string]string{"push": InlinePolicy}}}}}
		for _, name := range ScaleRegions[:regions] {
			reg := &Region{Templates: []Template{{Prefix: "team-a", AppliedFor: []string{"PULL_THROUGH_CACHE"}, Policy: TeamTemplatePolicy}}}
			for j := range repos {
				policy := PublicPullPolicy
				if j%2 == 1 {
					policy = OrgPushPolicy
				}
				reg.Repos = append(reg.Repos, Repo{Name: fmt.Sprintf("team-a/app-%03d", j), Policy: policy, Tags: map[string]string{"team": "a"}})
			}
			a.Regions[name] = reg
		}
		org.AttachedSCPs[id] = []SCP{full}
		org.AttachedRCPs[id] = []SCP{rcpFull}
		org.MemberAccounts = append(org.MemberAccounts, id)
		all = append(all, a)
	}
	all[0].Org = org
	return all[0], all[1:]
}
