package live

import (
	"fmt"
	"io"
	"sync"
	"time"
)

// ProgressLine keeps one status line of a collection up to date on a
// terminal: its Update is Options.Progress, Done clears the line.
type ProgressLine struct {
	W     io.Writer
	mu    sync.Mutex
	last  time.Time
	shown bool
}

// Update redraws the line, at most ten times a second.
func (p *ProgressLine) Update(pr Progress) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if now := time.Now(); now.Sub(p.last) >= 100*time.Millisecond {
		p.last = now
		p.shown = true
		acct := ""
		if pr.Accounts > 1 {
			acct = fmt.Sprintf("accounts %d/%d · ", pr.AccountsDone, pr.Accounts)
		}
		fmt.Fprintf(p.W, "\r\033[Kecrguard: %sregions %d/%d · repositories %d/%d · API calls %d · API errors %d",
			acct, pr.RegionsDone, pr.Regions, pr.RepositoriesDone, pr.Repositories, pr.Calls, pr.Errors)
	}
}

// Done clears the line, if it was shown. A nil ProgressLine does nothing.
func (p *ProgressLine) Done() {
	if p == nil {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.shown {
		fmt.Fprint(p.W, "\r\033[K")
	}
}
