package eval

// Instances returns one string in each region into which patterns split
// the strings that match within and none of without: two strings are in
// one region when each pattern matches both or neither. Patterns use IAM's
// wildcards (* any run of characters, ? one) and match case-sensitively, as
// the resource part of an ARN does. Each string is the shortest of its
// region, and none is empty. ok is false when the patterns split the
// strings into more regions than a search walks: out then holds some of
// them, not all.
//
// The exposure of a repository creation template asks about repositories
// it will create: names under its prefix that no more specific template
// claims, one per way the policy's Resource elements can treat them.
func Instances(within string, without, patterns []string) (out []string, ok bool) {
	in := globPattern(within, true, false, false)
	groups := [][]gpat{{in}}
	var claims []gpat
	for _, w := range without {
		p := globPattern(w, true, false, false)
		claims = append(claims, p)
		groups = append(groups, []gpat{p})
	}
	for _, p := range patterns {
		groups = append(groups, []gpat{globPattern(p, true, false, false)})
	}
	reps, ok := globRegions(groups)
	for _, s := range reps {
		if s == "" || !in.match(s) {
			continue
		}
		claimed := false
		for _, p := range claims {
			if p.match(s) {
				claimed = true
				break
			}
		}
		if !claimed {
			out = append(out, s)
		}
	}
	return out, ok
}
