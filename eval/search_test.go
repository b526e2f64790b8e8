package eval_test

import (
	"slices"
	"testing"

	"github.com/ecrguard/ecrguard/eval"
)

// searchPolicy allows pull only from the platform team on the documentation
// network (IAM User Guide, "Condition operators": multiple keys are ANDed).
const searchPolicy = `{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "ecr:BatchGetImage", "Resource": "*",
	"Condition": {"StringEquals": {"aws:PrincipalTag/team": "platform"}, "IpAddress": {"aws:SourceIp": "203.0.113.0/24"}}}}`

func searchDims() []eval.Dimension {
	return []eval.Dimension{
		{{{Key: "aws:PrincipalTag/team", Absent: true}}, {{Key: "aws:PrincipalTag/team", Values: []string{"security"}}}, {{Key: "aws:PrincipalTag/team", Values: []string{"platform"}}}},
		{{{Key: "aws:SourceIp", Absent: true}}, {{Key: "aws:SourceIp", Values: []string{"198.51.100.7"}}}, {{Key: "aws:SourceIp", Values: []string{"203.0.113.7"}}}},
	}
}

// Search tries every combination of one option per dimension, last
// dimension fastest, until a request is allowed; the witness is that
// request with the chosen assignments; the limit bounds the combinations
// and Truncated says the answer "not allowed" is then unproven.
func TestSearch(t *testing.T) {
	ps := &eval.PolicySet{Identity: []*eval.Policy{compile(t, "identity", searchPolicy)}}
	denyAll := &eval.PolicySet{Identity: []*eval.Policy{compile(t, "identity", `{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "ecr:BatchGetImage", "Resource": "*", "Condition": {"Bool": {"aws:SecureTransport": "false"}}}}`)}}
	third := eval.Dimension{{{Key: "aws:SecureTransport", Values: []string{"true"}}}, {{Key: "aws:SecureTransport", Absent: true}}, {{Key: "aws:SecureTransport", Values: []string{}}}}
	tests := []struct {
		name          string
		ps            *eval.PolicySet
		dims          []eval.Dimension
		limit         int
		found         bool
		tried         int
		truncated     bool
		chosen        []string
		nilContext    bool
		emptyAllowed  bool
		checkContexts bool
	}{
		{name: "finds the allowing combination", ps: ps, dims: searchDims(), found: true, tried: 9,
			chosen: []string{"aws:PrincipalTag/team = platform", "aws:SourceIp = 203.0.113.7"}},
		{name: "no combination allows", ps: denyAll, dims: searchDims(), tried: 9},
		{name: "over the limit, nothing found", ps: denyAll, dims: append(searchDims(), third), limit: 10, tried: 10, truncated: true},
		{name: "over the limit, found within it", ps: ps, dims: append(searchDims(), third), limit: 26, found: true, tried: 25, truncated: true,
			chosen: []string{"aws:PrincipalTag/team = platform", "aws:SourceIp = 203.0.113.7", "aws:SecureTransport = true"}},
		{name: "exactly at the limit", ps: denyAll, dims: searchDims(), limit: 9, tried: 9},
		{name: "limit 0 means the default", ps: denyAll, dims: searchDims(), limit: 0, tried: 9},
		{name: "no dimensions: one request", ps: denyAll, tried: 1},
		{name: "empty dimensions are skipped", ps: ps, dims: append([]eval.Dimension{{}}, append(searchDims(), eval.Dimension{})...), found: true, tried: 9,
			chosen: []string{"aws:PrincipalTag/team = platform", "aws:SourceIp = 203.0.113.7"}},
		{name: "nil request context", ps: ps, dims: searchDims(), found: true, tried: 9, nilContext: true,
			chosen: []string{"aws:PrincipalTag/team = platform", "aws:SourceIp = 203.0.113.7"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			base := kv{"aws:SourceIp": v("198.51.100.99"), "aws:UserAgent": v("cli")}.context()
			req := &eval.Request{Principal: principal(t, roleCI), Action: "ecr:BatchGetImage", Resource: repoApp, Context: base}
			if tt.nilContext {
				req.Context = nil
			}
			before := base.Keys()
			res := eval.Search(tt.ps, req, tt.dims, tt.limit)
			if (res.Witness != nil) != tt.found || res.Tried != tt.tried || res.Truncated != tt.truncated {
				t.Fatalf("found=%v tried=%d truncated=%v, want %v %d %v", res.Witness != nil, res.Tried, res.Truncated, tt.found, tt.tried, tt.truncated)
			}
			// The request's context is restored.
			if got := base.Keys(); !slices.Equal(got, before) {
				t.Errorf("context keys after the search = %v, want %v", got, before)
			}
			if ip, _ := base.Get("aws:SourceIp"); !slices.Equal(ip, []string{"198.51.100.99"}) {
				t.Errorf("aws:SourceIp after the search = %v", ip)
			}
			if base.Has("aws:PrincipalTag/team") || base.Has("aws:SecureTransport") {
				t.Error("a searched key is left in the request's context")
			}
			if res.Witness == nil {
				return
			}
			w := res.Witness
			var chosen []string
			for _, a := range w.Chosen {
				chosen = append(chosen, a.String())
			}
			if !slices.Equal(chosen, tt.chosen) {
				t.Errorf("chosen = %q, want %q", chosen, tt.chosen)
			}
			if w.Decision.Result != eval.Allow || len(w.Decision.Matched) != 1 {
				t.Errorf("witness decision = %+v", w.Decision)
			}
			// The witness carries its own context, which replays to Allow.
			if team, _ := w.Request.Context.Get("aws:principaltag/TEAM"); !slices.Equal(team, []string{"platform"}) {
				t.Errorf("witness context team = %v", team)
			}
			if d := eval.Evaluate(tt.ps, &w.Request); d.Result != eval.Allow {
				t.Errorf("replaying the witness = %v", d.Result)
			}
			if !tt.nilContext {
				if ua, _ := w.Request.Context.Get("aws:UserAgent"); !slices.Equal(ua, []string{"cli"}) {
					t.Errorf("witness context lost the request's own keys: %v", w.Request.Context.Keys())
				}
			}
			// A later search does not change a witness already returned.
			eval.Search(tt.ps, req, []eval.Dimension{{{{Key: "aws:PrincipalTag/team", Values: []string{"other"}}}}}, 0)
			if team, _ := w.Request.Context.Get("aws:PrincipalTag/team"); !slices.Equal(team, []string{"platform"}) {
				t.Errorf("witness context changed by a later search: %v", team)
			}
		})
	}
}

// An option can set several keys together and can make a key present with
// no values (the "null data set" of "Single-valued vs. multivalued context
// keys"), which ForAllValues accepts and ForAnyValue does not.
func TestSearchOptions(t *testing.T) {
	ps := &eval.PolicySet{Identity: []*eval.Policy{compile(t, "identity", identityWithCondition("2012-10-17",
		`{"ForAnyValue:StringEquals": {"aws:TagKeys": "team"}, "StringEquals": {"aws:PrincipalOrgID": "o-a1b2c3d4e5"}}`))}}
	dims := []eval.Dimension{
		{
			{{Key: "aws:TagKeys", Values: []string{}}},
			{{Key: "aws:TagKeys", Values: []string{"env", "team"}}},
		},
		{
			{{Key: "aws:PrincipalOrgID", Absent: true}, {Key: "aws:PrincipalOrgPaths", Absent: true}},
			{{Key: "aws:PrincipalOrgID", Values: []string{"o-a1b2c3d4e5"}}, {Key: "aws:PrincipalOrgPaths", Values: []string{"o-a1b2c3d4e5/r-ab12/"}}},
		},
	}
	res := eval.Search(ps, &eval.Request{Principal: principal(t, roleCI), Action: "ecr:BatchGetImage", Resource: repoApp, Context: eval.NewContext()}, dims, 0)
	if res.Witness == nil || res.Tried != 4 {
		t.Fatalf("witness %v after %d tries, want one after 4", res.Witness, res.Tried)
	}
	want := []string{"aws:TagKeys = env, team", "aws:PrincipalOrgID = o-a1b2c3d4e5", "aws:PrincipalOrgPaths = o-a1b2c3d4e5/r-ab12/"}
	var got []string
	for _, a := range res.Witness.Chosen {
		got = append(got, a.String())
	}
	if !slices.Equal(got, want) {
		t.Errorf("chosen = %q, want %q", got, want)
	}
	if s := (eval.Assignment{Key: "k", Values: []string{}}).String(); s != "k = []" {
		t.Errorf("present-empty assignment prints %q", s)
	}
	if s := (eval.Assignment{Key: "k", Absent: true}).String(); s != "k absent" {
		t.Errorf("absent assignment prints %q", s)
	}
}

// Space builds, for each key the policies test, the key absent, values that
// match and miss each policy value, and a fresh value; SPEC section 3
// (Guidance: "every literal and pattern instance the policy mentions for
// each key, a fresh value matching none of them, and the key absent").
func TestSpaceDimensions(t *testing.T) {
	p := compile(t, "identity", `{"Version": "2012-10-17", "Statement": [
		{"Effect": "Allow", "Action": "ecr:*", "Resource": "*", "Condition": {
			"StringLike": {"aws:PrincipalTag/team": "plat*"},
			"NumericLessThan": {"aws:MultiFactorAuthAge": "3600"},
			"IpAddress": {"aws:SourceIp": "203.0.113.0/24"}}},
		{"Effect": "Deny", "Action": "ecr:Delete*", "Resource": "*", "Condition": {"ForAnyValue:StringEquals": {"aws:TagKeys": ["a", "b"]}}}]}`)
	mentions := eval.Mentions([]*eval.Policy{p}, nil)
	var keys []string
	for _, m := range mentions {
		keys = append(keys, m.Key)
	}
	if want := []string{"aws:MultiFactorAuthAge", "aws:PrincipalTag/team", "aws:SourceIp", "aws:TagKeys"}; !slices.Equal(keys, want) {
		t.Fatalf("mentions = %v, want %v", keys, want)
	}
	if !mentions[3].InDeny || mentions[0].InDeny {
		t.Error("InDeny marks keys tested by Deny statements")
	}
	dims := eval.Space{Skip: func(k string) bool { return k == "aws:multifactorauthage" }}.Dimensions(mentions)
	if len(dims) != 3 {
		t.Fatalf("%d dimensions, want 3 (one key skipped)", len(dims))
	}
	opts := func(d eval.Dimension) []string {
		var out []string
		for _, o := range d {
			out = append(out, o[0].String())
		}
		return out
	}
	tests := []struct {
		dim  eval.Dimension
		want []string
	}{
		{dims[0], []string{"aws:PrincipalTag/team absent", "aws:PrincipalTag/team = platx", "aws:PrincipalTag/team = " + eval.FreshValue}},
		{dims[1], []string{"aws:SourceIp absent", "aws:SourceIp = 203.0.113.0", "aws:SourceIp = 198.51.100.7", "aws:SourceIp = 2001:db8:ec9::7"}},
		{dims[2], []string{"aws:TagKeys absent", "aws:TagKeys = a", "aws:TagKeys = b", "aws:TagKeys = " + eval.FreshValue, "aws:TagKeys = []", "aws:TagKeys = a, b, " + eval.FreshValue}},
	}
	for i, tt := range tests {
		if got := opts(tt.dim); !slices.Equal(got, tt.want) {
			t.Errorf("dimension %d = %q, want %q", i, got, tt.want)
		}
	}
	if got := eval.Mentions([]*eval.Policy{p, nil}, func(_ *eval.Policy, i int) bool { return i == 1 }); len(got) != 1 || got[0].Key != "aws:TagKeys" {
		t.Errorf("Mentions with keep = %+v", got)
	}
}
