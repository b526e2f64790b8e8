package eval

import (
	"fmt"
	"runtime"
	"slices"
	"testing"
)

// TestInstances checks that Instances finds a name in every region the
// patterns split the names within its bounds into, and none outside them.
func TestInstances(t *testing.T) {
	tests := []struct {
		name     string
		within   string
		without  []string
		patterns []string
		// want is the number of regions: of sets of patterns that match.
		want int
	}{
		{"no patterns", "team-a/?*", nil, nil, 1},
		{"a pattern under the prefix", "team-a/?*", nil, []string{"team-a/public-*"}, 2},
		{"a pattern from the end", "team-a/?*", nil, []string{"*-public"}, 2},
		{"a pattern outside the prefix", "team-a/?*", nil, []string{"team-b/*"}, 1},
		{"a claimed subtree", "team-a/?*", []string{"team-a/internal/*"}, []string{"team-a/internal/*"}, 1},
		{"ROOT beside other prefixes", "?*", []string{"team-a/*", "team-b/*"}, []string{"*"}, 1},
		{"two overlapping patterns", "?*", nil, []string{"a*", "*b"}, 4},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := Instances(tt.within, tt.without, tt.patterns)
			if !ok {
				t.Fatal("not complete")
			}
			seen := map[string]bool{}
			for _, s := range got {
				if s == "" || !matchCase(tt.within, s) {
					t.Errorf("%q is not within %s", s, tt.within)
				}
				if slices.ContainsFunc(tt.without, func(w string) bool { return matchCase(w, s) }) {
					t.Errorf("%q is claimed", s)
				}
				sig := ""
				for _, p := range tt.patterns {
					if matchCase(p, s) {
						sig += "1"
					} else {
						sig += "0"
					}
				}
				if seen[sig] {
					t.Errorf("two strings of region %s: %v", sig, got)
				}
				seen[sig] = true
			}
			if len(seen) != tt.want {
				t.Errorf("%d regions (%v), want %d", len(seen), got, tt.want)
			}
		})
	}
}

func matchCase(pattern, s string) bool { return globPattern(pattern, true, false, false).match(s) }

// The ROOT creation template asks for the names no other template claims:
// a walk over one pattern per template, most of which die within a few
// characters. A state keeps the positions of its live patterns alone, so a
// walk over 2,000 allocates in proportion to those (it kept every
// pattern's positions in every state: 160 MB here, and each step visited
// every pattern, 1.4 s; a region of 10,000 templates took 20 s a call).
func TestInstancesManyPatterns(t *testing.T) {
	var claimed []string
	for i := range 2000 {
		claimed = append(claimed, fmt.Sprintf("repo-%05d/*", i))
	}
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	names, complete := Instances("?*", claimed, nil)
	runtime.ReadMemStats(&after)
	if complete || len(names) != 1 || names[0] != "x" {
		t.Errorf("Instances = %q, %v; want [x] and incomplete (the walk passes its bound)", names, complete)
	}
	if mb := (after.TotalAlloc - before.TotalAlloc) >> 20; mb > 40 {
		t.Errorf("the walk allocated %d MB", mb)
	}
	// Within bounds, one name per region, as before.
	names, complete = Instances("?*", claimed[:40], []string{"repo-0000?/a*"})
	if !complete || !slices.Equal(names, []string{"x", "repo-0000x/a"}) {
		t.Errorf("Instances = %q, %v", names, complete)
	}
}
