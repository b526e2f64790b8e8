package examples

import (
	"testing"
	"time"
)

// TestLoadConfig: the configuration parses, is named as the demo names it,
// and says whom the estate trusts; its suppressions expire as now says.
func TestLoadConfig(t *testing.T) {
	now := time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC)
	c, err := LoadConfig(now)
	if err != nil {
		t.Fatal(err)
	}
	if c.File != "examples/.ecrguard.yaml" || c.Account != "111122223333" || c.Region != "us-east-1" || len(c.Trusted.Accounts) != 1 || len(c.Suppress) == 0 {
		t.Errorf("config: %+v", c)
	}
	for _, s := range c.Suppress {
		if s.Expired {
			t.Errorf("expired on %s: %+v", now, s)
		}
	}
	later, err := LoadConfig(time.Date(2100, 1, 1, 0, 0, 0, 0, time.UTC))
	if err != nil || !later.Suppress[0].Expired {
		t.Errorf("in 2100 the first suppression (expires 2027-06-30) has not expired: %v", err)
	}
}
