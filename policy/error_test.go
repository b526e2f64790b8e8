package policy_test

import (
	"testing"

	"github.com/ecrguard/ecrguard/policy"
)

// An Error says where as precisely as its position is known.
func TestErrorText(t *testing.T) {
	for _, tt := range []struct {
		pos  policy.Pos
		want string
	}{
		{policy.Pos{File: "p.json", Line: 12, Col: 7}, "p.json:12:7: bad"},
		{policy.Pos{File: ".ecrguard.yaml", Line: 3}, ".ecrguard.yaml:3: bad"},
		{policy.Pos{Line: 3}, "3: bad"},
		{policy.Pos{Line: 3, Col: 2}, "3:2: bad"},
		{policy.Pos{File: "p.json"}, "p.json: bad"},
		{policy.Pos{}, "bad"},
	} {
		if got := (&policy.Error{Pos: tt.pos, Msg: "bad"}).Error(); got != tt.want {
			t.Errorf("Error at %#v = %q, want %q", tt.pos, got, tt.want)
		}
	}
}
