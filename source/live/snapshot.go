package live

import (
	"fmt"
	"io"

	"github.com/ecrguard/ecrguard/estate"
)

// WriteSnapshot writes the collection as a snapshot by ecrguard version to
// the file path, or to stdout when path is "". It names where it went:
// path, or "standard output".
func (c *Collection) WriteSnapshot(path string, stdout io.Writer, version string) (where string, err error) {
	meta := estate.SnapshotMeta{Version: version, CollectedAt: c.Started, Caller: c.Caller}
	if path == "" {
		return "standard output", estate.WriteSnapshot(stdout, c.Estate, meta)
	}
	return path, estate.WriteSnapshotFile(path, c.Estate, meta)
}

// WriteSummary tells a person on w what was read, as whom, and where it
// was written (unless quiet), then lists every gap: what could not be read
// leaves the snapshot incomplete, which is said even when quiet.
func (c *Collection) WriteSummary(w io.Writer, where string, quiet bool) {
	e := c.Estate
	if !quiet {
		accounts, regions, repos := e.Size()
		fmt.Fprintf(w, "ecrguard: read %d account(s), %d region(s), %d repositories as %s; snapshot written to %s\n",
			accounts, regions, repos, c.Caller.ARN, where)
	}
	if len(e.Gaps) > 0 {
		fmt.Fprintf(w, "ecrguard: %d things could not be read; the scan of this snapshot is incomplete:\n", len(e.Gaps))
		for _, g := range e.Gaps {
			fmt.Fprintf(w, "  %s\n", g.Placed())
		}
	}
}
