package file

import (
	"bytes"
	"context"
	"os"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/ecrguard/ecrguard/estate"
)

// snapshotOf writes e as a snapshot, the way 'ecrguard collect' does.
func snapshotOf(t *testing.T, e *estate.Estate) []byte {
	t.Helper()
	var b bytes.Buffer
	meta := estate.SnapshotMeta{Version: "test", CollectedAt: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC),
		Caller: estate.Caller{Account: "111122223333", ARN: "arn:aws:iam::111122223333:user/auditor"}}
	if err := estate.WriteSnapshot(&b, e, meta); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// TestSnapshot reads a snapshot as one of the inputs: its estate, gaps and
// notes are the ones written, so scanning it gives what the collection saw,
// and what the collection could not read stays not assessed.
func TestSnapshot(t *testing.T) {
	// An estate with repositories, policies, IAM, gaps and notes: the ECR
	// fixtures (two of which are broken, so there are gaps).
	src, err := Load(context.Background(), os.DirFS("testdata"), []string{"ecr", "iam/authorization-details.json"}, Options{Account: "111122223333"})
	if err != nil {
		t.Fatal(err)
	}
	if len(src.Gaps) == 0 || len(src.Notes) == 0 {
		t.Fatalf("the fixture should have gaps and notes: %v %v", src.Gaps, src.Notes)
	}
	data := snapshotOf(t, src)
	want, _, err := estate.ReadSnapshot(data, "snap.json")
	if err != nil {
		t.Fatal(err)
	}

	got, err := Load(context.Background(), fstest.MapFS{"snap.json": {Data: data}}, []string{"."}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if d := estate.Diff(want, got); d != "" {
		t.Errorf("the snapshot read as an input differs from estate.ReadSnapshot: %s", d)
	}
	if d := estate.Diff(src, got); d != "" {
		t.Errorf("the snapshot read as an input differs from the estate written: %s", d)
	}
	if len(got.Gaps) != len(src.Gaps) || len(got.Notes) != len(src.Notes) {
		t.Errorf("gaps %d, notes %d; want %d and %d", len(got.Gaps), len(got.Notes), len(src.Gaps), len(src.Notes))
	}
	repo := got.Lookup("111122223333").Region("us-east-1").Repository("team/app")
	if repo == nil {
		t.Fatalf("repository team/app not read from the snapshot; repositories: %v", got.Lookup("111122223333").Region("us-east-1").Repositories())
	}
}

// TestBrokenSnapshot: a snapshot that does not read is a gap at its file,
// line and column (exit code 2 in the CLI), never a silent pass, and the
// other inputs are still read.
func TestBrokenSnapshot(t *testing.T) {
	src := estate.New()
	src.Account("111122223333").Region("us-east-1").Repository("app")
	good := snapshotOf(t, src)
	// A field of the wrong type on a line of its own, deep in the file.
	broken := bytes.Replace(good, []byte(`"name": "app"`), []byte(`"name": 7`), 1)
	if bytes.Equal(broken, good) {
		t.Fatal("the test did not break the snapshot")
	}
	line := 1 + bytes.Count(broken[:bytes.Index(broken, []byte(`"name": 7`))], []byte("\n"))
	fsys := fstest.MapFS{
		"broken.json": {Data: broken},
		"web.json":    {Data: []byte(`{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": "*", "Action": "ecr:BatchGetImage"}]}`)},
	}
	e, err := Load(context.Background(), fsys, []string{"."}, Options{Account: "444455556666"})
	if err != nil {
		t.Fatal(err)
	}
	gaps := gapsOf(e, "broken.json")
	if len(gaps) != 1 {
		t.Fatalf("gaps = %q", gaps)
	}
	g := e.Gaps[0]
	if g.Pos.File != "broken.json" || g.Pos.Line != line || g.Pos.Col == 0 || g.Code != estate.GapInvalidInput {
		t.Errorf("gap = %+v, want at broken.json:%d", g, line)
	}
	if !strings.Contains(gaps[0], "ecrguard snapshot: ") || !strings.Contains(gaps[0], "expected a string, got number") {
		t.Errorf("gap = %s", gaps[0])
	}
	// Nothing of the broken snapshot is used; the other file is.
	if e.Lookup("111122223333") != nil {
		t.Error("the broken snapshot's account was read")
	}
	if e.Lookup("444455556666").Region("us-east-1").Repository("web") == nil {
		t.Error("the good file beside the broken snapshot was not read")
	}
}

// TestSnapshotAndAuthorizationDetails reads a snapshot beside the
// authorization details of the same account, in either order: each user,
// group, role and managed policy is one. Read after the snapshot, the
// details' identities were added to the snapshot's a second time (and
// their findings reported twice); read before it, they were merged.
func TestSnapshotAndAuthorizationDetails(t *testing.T) {
	details, err := os.ReadFile("testdata/iam/authorization-details.json")
	if err != nil {
		t.Fatal(err)
	}
	src, err := Load(context.Background(), fstest.MapFS{"details.json": {Data: details}}, []string{"."}, Options{Account: "111122223333"})
	if err != nil {
		t.Fatal(err)
	}
	want := src.Lookup("111122223333").IAM
	snap := snapshotOf(t, src)
	for _, names := range [][2]string{{"a-snapshot.json", "z-details.json"}, {"z-snapshot.json", "a-details.json"}} {
		t.Run(names[0], func(t *testing.T) {
			fsys := fstest.MapFS{names[0]: {Data: snap}, names[1]: {Data: details}}
			got, err := Load(context.Background(), fsys, []string{"."}, Options{Account: "111122223333"})
			if err != nil {
				t.Fatal(err)
			}
			m := got.Lookup("111122223333").IAM
			if len(m.Users) != len(want.Users) || len(m.Groups) != len(want.Groups) || len(m.Roles) != len(want.Roles) || len(m.Policies) != len(want.Policies) {
				t.Errorf("%d users, %d groups, %d roles, %d policies; want %d, %d, %d, %d", len(m.Users), len(m.Groups), len(m.Roles), len(m.Policies),
					len(want.Users), len(want.Groups), len(want.Roles), len(want.Policies))
			}
			for _, g := range got.Gaps {
				if g.Code == estate.GapConflictingInputs || g.Code == estate.GapDuplicate {
					t.Errorf("gap %s: the two inputs say the same", g)
				}
			}
		})
	}
}

// TestSnapshotPartition reads a snapshot of an account in the China
// partition: its resources keep the ARNs AWS gave them (arn:aws-cn:…), as
// a live scan has them. They were built again with partition aws, so that
// a statement naming the repository's real ARN as its Resource never
// applied, and a public repository was not reported as public.
func TestSnapshotPartition(t *testing.T) {
	src := estate.New()
	a := src.Account("111122223333")
	repo := a.Region("cn-north-1").Repository("app")
	repo.ARN = "arn:aws-cn:ecr:cn-north-1:111122223333:repository/app"
	repo.SetPolicy(nil)
	tpl := a.Region("cn-north-1").Template("team")
	tpl.ARN = "arn:aws-cn:ecr:cn-north-1:111122223333:repository-creation-template/team"
	tpl.SetPolicy(nil)
	pub := a.PublicRepository("tools")
	pub.ARN = "arn:aws-cn:ecr-public::111122223333:repository/tools"
	pub.SetPolicy(nil)
	got, err := Load(context.Background(), fstest.MapFS{"snap.json": {Data: snapshotOf(t, src)}}, []string{"."}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if d := estate.Diff(src, got); d != "" {
		t.Errorf("the snapshot read as an input differs from the estate written: %s", d)
	}
}
