package live

import (
	"strings"
	"testing"
)

func TestProgressLine(t *testing.T) {
	var b strings.Builder
	p := &ProgressLine{W: &b}
	p.Update(Progress{Accounts: 2, AccountsDone: 1, Regions: 4, RegionsDone: 2, Repositories: 10, RepositoriesDone: 3, Calls: 7, Errors: 1})
	// A second update within 100 ms is not drawn.
	p.Update(Progress{Regions: 4, RegionsDone: 3})
	p.Done()
	want := "\r\033[Kecrguard: accounts 1/2 · regions 2/4 · repositories 3/10 · API calls 7 · API errors 1\r\033[K"
	if b.String() != want {
		t.Errorf("got %q, want %q", b.String(), want)
	}
	var quiet strings.Builder
	(&ProgressLine{W: &quiet}).Done()
	(*ProgressLine)(nil).Done()
	if quiet.Len() != 0 {
		t.Errorf("a line never shown is cleared: %q", quiet.String())
	}
}
