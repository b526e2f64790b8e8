package analysis

import (
	"reflect"
	"testing"

	"github.com/ecrguard/ecrguard/estate"
)

// The templates under a prefix are found among the region's sorted ones
// by a binary search: names that sort between them ("a/b-c" between "a/b"
// and "a/b/c", "a-b" and "a.b" before "a/") are not theirs, and ROOT's are
// every other one. (BenchmarkScanTemplates: 10,000 templates took 3.9 s,
// each compared with every other.)
func TestClaimedPrefixes(t *testing.T) {
	region := estate.New().Account("111122223333").Region("us-east-1")
	for _, p := range []string{"ROOT", "a", "a-b", "a.b", "a/b", "a/b-c", "a/b/c", "a/b0", "a0", "b/a", "ab/c"} {
		region.Template(p)
	}
	templates := region.Templates()
	for _, c := range []struct {
		prefix string
		want   []string
	}{
		{"ROOT", []string{"a", "a-b", "a.b", "a/b", "a/b-c", "a/b/c", "a/b0", "a0", "ab/c", "b/a"}},
		{"a", []string{"a/b", "a/b-c", "a/b/c", "a/b0"}},
		{"a/b", []string{"a/b/c"}},
		{"a/b/c", nil},
		{"b", []string{"b/a"}},
		{"a0", nil},
	} {
		if got := claimedPrefixes(c.prefix, templates); !reflect.DeepEqual(got, c.want) {
			t.Errorf("claimedPrefixes(%q) = %q, want %q", c.prefix, got, c.want)
		}
	}
}
