package main

import (
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/ecrguard/ecrguard/rules"
	"github.com/ecrguard/ecrguard/source/live/livetest"
)

// TestScanSnapshotsPerAccount is the recipe of docs/scan-your-account.md
// for an organization too large for one run: one 'collect --accounts ID'
// per account (a job of a Kubernetes Job array or of a CI matrix), each
// with the credentials that may read the organization and a role in the
// account, then one 'scan' of every snapshot: the report holds the
// findings of every account, and each account's RCPs were read.
func TestScanSnapshotsPerAccount(t *testing.T) {
	home := livetest.Sample()
	us := home.Regions["us-east-1"]
	us.Repos = slices.DeleteFunc(us.Repos, func(r livetest.Repo) bool { return r.Name == "broken" })
	srv := livetest.NewServer(t, home, livetest.SampleMemberAccount())
	livetest.SetEnv(t, srv.URL)
	dir := inTempDir(t)

	var snaps []string
	for _, id := range []string{livetest.SampleAccount, livetest.SampleMember} {
		snap := filepath.Join(dir, id+".json")
		code, _, stderr := runCLI(t, "collect", "--quiet", "--gaps-exit-code", "0", "--accounts", id, "--role-name", "ecrguard-reader", "--region", "us-east-1", "--output", snap)
		if code != rules.ExitOK {
			t.Fatalf("collect --accounts %s: exit %d\n%s", id, code, stderr)
		}
		data, err := os.ReadFile(snap)
		if err != nil {
			t.Fatal(err)
		}
		e, _ := readSnapshot(t, data, snap)
		if ids := e.Accounts(); len(ids) != 1 || ids[0].ID != id || !ids[0].RCPsKnown || len(ids[0].RCPs) != 3 {
			t.Fatalf("%s holds %d accounts; RCPs of the first known %v", snap, len(ids), len(ids) > 0 && ids[0].RCPsKnown)
		}
		snaps = append(snaps, snap)
	}

	// The snapshots one by one, or their folder.
	for _, args := range [][]string{snaps, {dir}} {
		code, out, stderr := runCLI(t, append([]string{"scan", "--format", "json"}, args...)...)
		if code != rules.ExitFindings {
			t.Fatalf("scan %v: exit %d, want 1 (findings)\n%s", args, code, stderr)
		}
		r := parseReport(t, out)
		for _, arn := range []string{arnApp, "arn:aws:ecr:us-east-1:444455556666:repository/mirror"} {
			if !r.hasFinding("ECR001", arn) {
				t.Errorf("scan %v: no ECR001 on %s; findings %+v", args, arn, r.Findings)
			}
		}
		if len(r.Errors) != 0 {
			t.Errorf("scan %v: errors %+v", args, r.Errors)
		}
	}
}
