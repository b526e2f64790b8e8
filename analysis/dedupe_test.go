package analysis

import (
	"reflect"
	"testing"
)

// A principal let in twice (by the repository policy and by the registry
// policy, say) keeps every way in: grants under the same conditions join
// their Via, grants under different conditions stay apart.
func TestDedupeEntries(t *testing.T) {
	in := []WhoCanEntry{
		{Principal: "arn:aws:iam::444455556666:root", Via: []string{"repository policy of app"}},
		{Principal: "arn:aws:iam::444455556666:root", Via: []string{"registry policy"}},
		{Principal: "arn:aws:iam::444455556666:root", Via: []string{"registry policy"}, Conditions: []string{"aws:SourceVpc = vpc-1"}},
		{Principal: "arn:aws:iam::444455556666:root", Via: []string{"repository policy of app"}},
		{Principal: "arn:aws:iam::777766665555:root", Via: []string{"repository policy of app"}},
	}
	got := dedupeEntries(in)
	want := []WhoCanEntry{
		{Principal: "arn:aws:iam::444455556666:root", Via: []string{"repository policy of app", "registry policy"}},
		{Principal: "arn:aws:iam::444455556666:root", Via: []string{"registry policy"}, Conditions: []string{"aws:SourceVpc = vpc-1"}},
		{Principal: "arn:aws:iam::777766665555:root", Via: []string{"repository policy of app"}},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %+v\nwant %+v", got, want)
	}
}
