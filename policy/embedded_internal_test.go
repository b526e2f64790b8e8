package policy

import (
	"math/rand/v2"
	"net/url"
	"strings"
	"testing"
)

// TestUnescape: the offset-keeping decoder decodes as url.PathUnescape
// does, and fails where it fails.
func TestUnescape(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	pieces := []string{"a", "%7B", "%22", "+", "%2B", "%", "%4", "%zz", "é", " ", "%C3%A9", "%e2%82%ac"}
	for n := 0; n < 2000; n++ {
		var b strings.Builder
		for k := r.IntN(8); k >= 0; k-- {
			b.WriteString(pieces[r.IntN(len(pieces))])
		}
		s := b.String()
		raw := make([]int, len(s)+1)
		for i := range raw {
			raw[i] = 100 + i
		}
		got, gotRaw, bad := unescape(s, raw)
		want, err := url.PathUnescape(s)
		if (err != nil) != (bad >= 0) {
			t.Fatalf("%q: bad=%d, url.PathUnescape error %v", s, bad, err)
		}
		if err != nil {
			continue
		}
		if string(got) != want || len(gotRaw) != len(got)+1 || gotRaw[len(got)] != 100+len(s) {
			t.Fatalf("%q: got %q (offsets %v), want %q", s, got, gotRaw, want)
		}
		// Each output byte is placed where its source starts: the byte
		// itself, or the '%' of the escape that gives it.
		for k := range got {
			i := gotRaw[k] - 100
			if k > 0 && i <= gotRaw[k-1]-100 {
				t.Fatalf("%q: offsets %v do not increase", s, gotRaw)
			}
			if s[i] == got[k] && s[i] != '%' {
				continue
			}
			if dec, err := url.PathUnescape(s[i:min(i+3, len(s))]); s[i] != '%' || err != nil || dec != string(got[k:k+1]) {
				t.Fatalf("%q: output byte %d (%q) placed at %d, which is not its source", s, k, got[k], i)
			}
		}
	}
}
