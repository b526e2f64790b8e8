package rules

import (
	"fmt"
	"slices"

	"github.com/ecrguard/ecrguard/analysis"
	"github.com/ecrguard/ecrguard/estate"
)

// replicationNotes name, for each registry whose replication rules copy
// images to an account outside the zone of trust, those destinations. No
// policy ecrguard reads governs the copies (the destination account's own
// policies do), so no rule judges them; the note makes them visible
// (Amazon ECR User Guide, "Configuring private image replication",
// registry-settings-configure.html).
func replicationNotes(a *analysis.Analysis) []estate.Note {
	var out []estate.Note
	for _, acct := range a.Estate.Accounts() {
		zone := a.Settings.Zone(acct.ID)
		for _, region := range acct.Regions() {
			var dests []string
			for _, d := range region.Registry.Replication {
				if d.Account == acct.ID || zone.TrustsAccount(d.Account) {
					continue
				}
				if s := fmt.Sprintf("account %s in %s", d.Account, d.Region); !slices.Contains(dests, s) {
					dests = append(dests, s)
				}
			}
			if len(dests) == 0 {
				continue
			}
			slices.Sort(dests)
			outside := "outside the zone of trust (not this account, nor in trusted.accounts)"
			if len(zone.OrgIDs) > 0 || len(zone.OrgPaths) > 0 {
				outside = "not this account nor in trusted.accounts (the inputs do not say whether it is in a trusted organization)"
			}
			out = append(out, estate.Note{Source: estate.RegistryARN(region.Name, acct.ID), Message: fmt.Sprintf(
				"the registry's replication rules copy the images of its repositories (those their filters match) to %s, %s: whoever that account's policies let pull can read the copies, which no policy ecrguard read governs. Add a partner account to trusted.accounts, or remove the destination (aws ecr put-replication-configuration)",
				joinAnd(dests), outside)})
		}
	}
	return out
}
