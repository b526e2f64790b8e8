package estate

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
)

// WriteSnapshotFile writes e as a snapshot (WriteSnapshot) to a temporary
// file beside path and renames it, so that an interrupted write never
// leaves half a snapshot.
func WriteSnapshotFile(path string, e *Estate, meta SnapshotMeta) error {
	var buf bytes.Buffer
	if err := WriteSnapshot(&buf, e, meta); err != nil {
		return err
	}
	f, err := os.CreateTemp(filepath.Dir(path), ".ecrguard-snapshot-*")
	if err != nil {
		return fmt.Errorf("writing %s: %w", path, err)
	}
	tmp := f.Name()
	_, err = f.Write(buf.Bytes())
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp, path)
	}
	if err != nil {
		os.Remove(tmp)
		return fmt.Errorf("writing %s: %w", path, err)
	}
	return nil
}

// Size counts what e holds: accounts, regions read and repositories.
func (e *Estate) Size() (accounts, regions, repositories int) {
	for _, a := range e.Accounts() {
		for _, r := range a.Regions() {
			regions++
			repositories += len(r.Repositories())
		}
	}
	return len(e.Accounts()), regions, repositories
}

// Placed is the gap with the account and region it is about in front:
// "[111122223333 us-east-1] ecr:GetRepositoryPolicy (…): AccessDenied: …".
func (g Gap) Placed() string {
	where := g.Account
	if g.Region != "" {
		where += " " + g.Region
	}
	if where != "" {
		where = "[" + where + "] "
	}
	return where + g.String()
}
