package eval_test

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"net/netip"
	"sort"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ecrguard/ecrguard/eval"
	"github.com/ecrguard/ecrguard/policy"
)

// The property tests hold the search to the evaluator (docs/semantics.md,
// "Public, and what an outsider controls"): for generated policies over every
// operator family and key kind, no random request is allowed where the
// search says none is, and every witness the search reports is allowed
// when replayed.

// propKey is a key the generator tests, with the values it draws from.
type propKey struct {
	name   string
	family string // String, Arn, Numeric, Date, Bool, IP, Binary
	multi  bool
	values []string
}

var propKeys = []propKey{
	{"aws:UserAgent", "String", false, []string{"a", "ab", "b", "A", "a*", "*b", "a?", "?", "*", "x-${aws:PrincipalTag/team}", "${aws:PrincipalTag/team}", "", "a${*}b", "${aws:PrincipalTag/team}-${aws:username}"}},
	{"aws:PrincipalTag/team", "String", false, []string{"a", "blue", "bl*", "Blue", "*", "${aws:username}"}},
	{"aws:username", "String", false, []string{"admin", "ad*", "*min", "a", "bob"}},
	{"aws:ResourceTag/env", "String", false, []string{"prod", "p*", "${aws:PrincipalTag/team}", "dev"}},
	{"aws:SourceArn", "Arn", false, []string{"arn:aws:s3:::b", "arn:aws:s3:::*", "arn:aws:*:*:111122223333:*", "arn:aws:iam::*:role/a*", "arn:aws:iam::111122223333:role/ab"}},
	{"aws:MultiFactorAuthAge", "Numeric", false, []string{"0", "1", "1.5", "3600", "-2", "x"}},
	{"aws:TokenIssueTime", "Date", false, []string{"2026-01-01T00:00:00Z", "2026-01-01T00:00:02Z", "2025-06-01T00:00:00Z", "1700000000"}},
	{"aws:MultiFactorAuthPresent", "Bool", false, []string{"true", "false", "TRUE", "maybe"}},
	{"aws:ViaAWSService", "Bool", false, []string{"true", "false"}},
	{"aws:SourceIp", "IP", false, []string{"10.0.0.0/8", "10.0.0.0/9", "10.128.0.0/9", "0.0.0.0/1", "128.0.0.0/1", "203.0.113.7", "2001:db8::/32", "::/0", "not-an-ip"}},
	{"aws:TagKeys", "String", true, []string{"a", "b", "a*", "*", "team"}},
	{"aws:CalledVia", "String", true, []string{"ecr.amazonaws.com", "*.amazonaws.com", "cloudformation.amazonaws.com"}},
	{"aws:Referer", "Binary", false, []string{"YQ==", "Yg==", "!!"}},
}

// propResources are the Resource elements that read variables, one value
// of them reading two at once.
var propResources = []string{"arn:aws:ecr:*:*:repository/${aws:PrincipalTag/team}*", "arn:aws:ecr:*:*:repository/${aws:PrincipalTag/team}${aws:username}"}

var propActions = []string{"ecr:BatchGetImage", "ecr:PutImage", "ecr:Batch*", "ecr:*", "*", "ecr:DeleteRepository"}

// operators returns the operators that apply to a family.
func operators(family string) []string {
	switch family {
	case "String":
		return []string{"StringEquals", "StringNotEquals", "StringEqualsIgnoreCase", "StringNotEqualsIgnoreCase", "StringLike", "StringNotLike", "Null"}
	case "Arn":
		return []string{"ArnEquals", "ArnLike", "ArnNotEquals", "ArnNotLike", "StringLike", "Null"}
	case "Numeric":
		return []string{"NumericEquals", "NumericNotEquals", "NumericLessThan", "NumericLessThanEquals", "NumericGreaterThan", "NumericGreaterThanEquals", "Null"}
	case "Date":
		return []string{"DateEquals", "DateNotEquals", "DateLessThan", "DateLessThanEquals", "DateGreaterThan", "DateGreaterThanEquals"}
	case "Bool":
		return []string{"Bool", "Null"}
	case "IP":
		return []string{"IpAddress", "NotIpAddress"}
	case "Binary":
		return []string{"BinaryEquals"}
	}
	return nil
}

// genPolicy writes a random identity policy of n statements. Its
// conditions test two or three keys, so that statements meet on them.
func genPolicy(r *rand.Rand, n int) string {
	return genPolicyOver(r, n, []propKey{propKeys[r.IntN(len(propKeys))], propKeys[r.IntN(len(propKeys))], propKeys[r.IntN(len(propKeys))]})
}

// genRCP writes a random resource control policy of n statements: a
// generated policy whose statements all name Principal "*", as RCP
// statements must (AWS Organizations User Guide, "RCP syntax").
func genRCP(r *rand.Rand, n int) string {
	var doc map[string]any
	if err := json.Unmarshal([]byte(genPolicy(r, n)), &doc); err != nil {
		panic(err)
	}
	for _, st := range doc["Statement"].([]any) {
		st.(map[string]any)["Principal"] = "*"
	}
	b, _ := json.Marshal(doc)
	return string(b)
}

// genPolicyOver writes a random policy whose conditions test the keys given.
func genPolicyOver(r *rand.Rand, n int, keys []propKey) string {
	var stmts []map[string]any
	for i := 0; i < n; i++ {
		st := map[string]any{"Effect": []string{"Allow", "Allow", "Deny"}[r.IntN(3)], "Resource": "*"}
		act := []string{propActions[r.IntN(len(propActions))]}
		if r.IntN(6) == 0 {
			st["NotAction"] = act
		} else {
			st["Action"] = act
		}
		if r.IntN(8) == 0 {
			st["Resource"] = propResources[r.IntN(len(propResources))]
		}
		conds := map[string]map[string]any{}
		var k propKey
		for c := r.IntN(4); c > 0; c-- {
			// Often a second test on the key just tested: intervals and
			// intersections of patterns.
			if k.name == "" || r.IntN(5) > 1 {
				k = keys[r.IntN(len(keys))]
			}
			ops := operators(k.family)
			op := ops[r.IntN(len(ops))]
			var vals []string
			if op == "Null" {
				vals = []string{[]string{"true", "false"}[r.IntN(2)]}
			} else {
				for m := 1 + r.IntN(3); m > 0; m-- {
					vals = append(vals, k.values[r.IntN(len(k.values))])
				}
				if r.IntN(5) == 0 {
					op += "IfExists"
				}
				if k.multi || r.IntN(10) == 0 {
					switch r.IntN(3) {
					case 1:
						op = "ForAllValues:" + op
					case 2:
						op = "ForAnyValue:" + op
					}
				}
			}
			if conds[op] == nil {
				conds[op] = map[string]any{}
			}
			conds[op][k.name] = vals
		}
		if len(conds) > 0 {
			st["Condition"] = conds
		}
		stmts = append(stmts, st)
	}
	b, _ := json.Marshal(map[string]any{"Version": "2012-10-17", "Statement": stmts})
	return string(b)
}

// genValue draws one request value for a key: a policy value, an instance
// or a mutation of one, or something else of the key's kind.
func genValue(r *rand.Rand, k propKey) string {
	v := k.values[r.IntN(len(k.values))]
	w := k.values[r.IntN(len(k.values))]
	switch k.family {
	case "Numeric":
		f, _ := strconv.ParseFloat(v, 64)
		g, _ := strconv.ParseFloat(w, 64)
		return strconv.FormatFloat([]float64{f, f + 0.25, f - 0.25, f + 1, f - 1, (f + g) / 2}[r.IntN(6)], 'f', -1, 64)
	case "Date":
		return []string{"2026-01-01T00:00:01Z", "2026-01-01T00:00:00Z", "2026-01-01T00:00:02Z", "2024-01-01T00:00:00Z", "2027-01-01T00:00:00Z", "1700000000", "2023-11-14T22:13:20Z", "2023-11-14T22:13:21Z"}[r.IntN(8)]
	case "Bool":
		return []string{"true", "false"}[r.IntN(2)]
	case "IP":
		return []string{"10.0.0.1", "10.127.255.255", "10.128.0.0", "11.0.0.1", "127.0.0.1", "128.0.0.1", "203.0.113.7", "2001:db8::1", "2001:db9::1", "::1", "9.255.255.255", "0.0.0.0", "255.255.255.255"}[r.IntN(13)]
	case "Binary":
		return []string{"YQ==", "Yg==", "Yw=="}[r.IntN(3)]
	}
	v = valueFillers[r.IntN(len(valueFillers))].Replace(v)
	var b strings.Builder
	for i := 0; i < len(v); i++ {
		switch c := v[i]; {
		case c == '*':
			b.WriteString([]string{"", "x", "ab", "/", ":"}[r.IntN(5)])
		case c == '?':
			b.WriteString([]string{"x", "a", "b"}[r.IntN(3)])
		default:
			b.WriteByte(c)
		}
	}
	s := b.String()
	switch r.IntN(8) {
	case 0:
		s = strings.ToUpper(s)
	case 1:
		s += "b"
	case 2:
		s = "a" + s
	case 3:
		s += dropWildcardsQ.Replace(w)
	}
	return s
}

// genContext draws a random request context over the generator's keys.
func genContext(r *rand.Rand) *eval.Context {
	ctx := eval.NewContext()
	for _, k := range propKeys {
		if r.IntN(3) == 0 {
			continue // absent
		}
		if k.multi {
			vals := []string{}
			for m := r.IntN(4); m > 0; m-- {
				vals = append(vals, genValue(r, k))
			}
			ctx.Set(k.name, vals...)
			continue
		}
		ctx.Set(k.name, genValue(r, k))
	}
	return ctx
}

// checkedRequests counts the requests the property tests evaluated against
// a search's answer "none".
var checkedRequests atomic.Int64

// checkProperty searches one policy and tries requests against the
// answer; it returns the first disagreement.
func checkProperty(t testing.TB, src string, r *rand.Rand, requests int) error {
	return checkPropertyRCP(t, src, "", r, requests)
}

// checkPropertyRCP is checkProperty with rcp, when not "", as the one
// level of resource control policy over the repository: its Deny
// statements take part in the search and the evaluations.
func checkPropertyRCP(t testing.TB, src, rcp string, r *rand.Rand, requests int) error {
	doc, err := policy.Parse([]byte(src), "generated.json")
	if err != nil {
		return nil // not a policy; the fuzzer's business elsewhere
	}
	ps := &eval.PolicySet{Identity: []*eval.Policy{eval.Compile("generated", doc)}}
	if rcp != "" {
		rdoc, err := policy.Parse([]byte(rcp), "rcp.json")
		if err != nil {
			return nil
		}
		ps.RCPs = []*eval.Policy{eval.Compile("rcp", rdoc)}
		// The grid draws its values from both documents.
		both := *doc
		both.Statements = append(append([]*policy.Statement(nil), doc.Statements...), rdoc.Statements...)
		doc = &both
		src += "\nrcp: " + rcp
	}
	p := eval.Principal{Type: eval.Role, ARN: roleCI, Account: account}
	for _, action := range []string{"ecr:BatchGetImage", "ecr:PutImage", "ecr:DeleteRepository"} {
		req := &eval.Request{Principal: p, Action: action, Resource: repoApp, Context: eval.NewContext()}
		res := eval.Search(ps, req, eval.Space{Free: func(string) bool { return true }})
		if res.Truncated {
			continue // not decided: a gap, never a wrong answer
		}
		if w := res.Witness; w != nil {
			if d := eval.Evaluate(ps, &w.Request); d.Result != eval.Allow {
				return fmt.Errorf("%s: the witness %v replays to %v\npolicy: %s", action, w.Chosen, d.Result, src)
			}
			continue
		}
		if err := grid(ps, p, action, doc); err != nil {
			return fmt.Errorf("%w\npolicy: %s", err, src)
		}
		for i := 0; i < requests; i++ {
			ctx := genContext(r)
			rq := &eval.Request{Principal: p, Action: action, Resource: repoApp, Context: ctx}
			checkedRequests.Add(1)
			if d := eval.Evaluate(ps, rq); d.Result == eval.Allow {
				return fmt.Errorf("%s: the search found nothing, but this request is allowed: %v\npolicy: %s", action, describe(ctx), src)
			}
		}
	}
	return nil
}

func describe(ctx *eval.Context) string {
	var parts []string
	for _, k := range ctx.Keys() {
		v, _ := ctx.Get(k)
		parts = append(parts, k+"="+strings.Join(v, "|"))
	}
	return strings.Join(parts, " ")
}

// TestSearchProperty runs 800 generated policies (60 with -short), every
// other one under a generated RCP; for each action the search answers
// "none" for, it evaluates the boundary grid and
// 30 random requests (50 with -short).
func TestSearchProperty(t *testing.T) {
	policies, requests := 800, 30
	if testing.Short() {
		policies, requests = 60, 50
	}
	r := rand.New(rand.NewPCG(1, 2))
	before := checkedRequests.Load()
	checkGenerated(t, r, policies, 1, 6, 3, requests)
	t.Logf("%d policies; %d requests evaluated against the answer \"none\" (random and boundary grid)", policies, checkedRequests.Load()-before)
	requireChecked(t, before)
}

// checkGenerated runs checkProperty on policies generated policies of
// minStmts to minStmts+spread-1 statements, every other one under a
// generated RCP of 1 to rcpStmts statements, with requests random requests
// for each action the search answers "none" for.
func checkGenerated(t *testing.T, r *rand.Rand, policies, minStmts, spread, rcpStmts, requests int) {
	t.Helper()
	for i := 0; i < policies; i++ {
		src := genPolicy(r, minStmts+r.IntN(spread))
		rcp := ""
		if i%2 == 1 {
			rcp = genRCP(r, 1+r.IntN(rcpStmts))
		}
		if err := checkPropertyRCP(t, src, rcp, r, requests); err != nil {
			t.Fatal(err)
		}
	}
}

// TestSearchPropertyOneKey generates policies whose conditions all test one
// ordered key (numbers, dates, addresses) and checks the answer against
// every boundary the values draw: intervals between values are where a
// sampled search goes wrong.
func TestSearchPropertyOneKey(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	var ordered []propKey
	for _, k := range propKeys {
		if k.family == "Numeric" || k.family == "Date" || k.family == "IP" {
			ordered = append(ordered, k)
		}
	}
	policies := 600
	if testing.Short() {
		policies = 100
	}
	before := checkedRequests.Load()
	for i := 0; i < policies; i++ {
		k := ordered[i%len(ordered)]
		if err := checkProperty(t, genPolicyOver(r, 2+r.IntN(4), []propKey{k}), r, 10); err != nil {
			t.Fatal(err)
		}
	}
	t.Logf("%d policies; %d requests evaluated against the answer \"none\"", policies, checkedRequests.Load()-before)
	requireChecked(t, before)
}

// TestSearchPropertyLarge runs the property on policies of more statements
// than a search searches whole (smallSet): those it copies, prunes and
// remembers the conditions of.
func TestSearchPropertyLarge(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 8))
	policies := 60
	if testing.Short() {
		policies = 15
	}
	before := checkedRequests.Load()
	checkGenerated(t, r, policies, 25, 30, 4, 40)
	t.Logf("%d policies of 25 to 54 statements; %d requests evaluated against the answer \"none\"", policies, checkedRequests.Load()-before)
	requireChecked(t, before)
}

// requireChecked fails a property test that evaluated no request against
// an answer "none" since checkedRequests was before: checkProperty skips
// truncated searches, so a search that gave up every time would pass.
func requireChecked(t *testing.T, before int64) {
	t.Helper()
	if checkedRequests.Load() == before {
		t.Error("no request was checked against an answer \"none\": the property was not tested")
	}
}

// FuzzSearch holds the search to the evaluator for the fuzzer's policies:
// the policy text is the fuzzer's, the random requests come from the seed.
func FuzzSearch(f *testing.F) {
	r := rand.New(rand.NewPCG(3, 4))
	for i := 0; i < 8; i++ {
		f.Add(genPolicy(r, 1+i%4), uint64(i))
	}
	f.Fuzz(func(t *testing.T, src string, seed uint64) {
		if len(src) > 4096 {
			return
		}
		r := rand.New(rand.NewPCG(seed, 7))
		// Odd seeds put a generated RCP over the repository.
		rcp := ""
		if seed%2 == 1 {
			rcp = genRCP(r, 1+r.IntN(3))
		}
		if err := checkPropertyRCP(t, src, rcp, r, 64); err != nil {
			t.Fatal(err)
		}
	})
}

// The replacers of the generators, built once: building one costs more
// than the replacements it makes.
var (
	valueFillers = []*strings.Replacer{
		strings.NewReplacer("${aws:PrincipalTag/team}", "blue", "${aws:username}", "admin", "${*}", "*"),
		strings.NewReplacer("${aws:PrincipalTag/team}", "a", "${aws:username}", "admin", "${*}", "*"),
		strings.NewReplacer("${aws:PrincipalTag/team}", "x", "${aws:username}", "admin", "${*}", "*"),
	}
	boundaryVariables = valueFillers[0]
	dropWildcardsQ    = strings.NewReplacer("*", "", "?", "q")
	dropWildcardsX    = strings.NewReplacer("*", "", "?", "x")
	wildcardFillers   = func() []*strings.Replacer {
		var out []*strings.Replacer
		for _, f := range []string{"", "x", "ab", "/", ":", "A"} {
			out = append(out, strings.NewReplacer("*", f, "?", "x"))
		}
		return out
	}()
)

// boundaryValues derives, from the values a policy compares a key with,
// values on and around every boundary they draw: each value, instances of
// patterns with their wildcards filled in several ways, concatenations,
// numbers and dates between and beside each two, addresses at and beside
// the ends of each range. The test writes them independently of the
// search's own region code.
func boundaryValues(family string, vals []string) []string {
	var out []string
	switch family {
	case "Numeric":
		var ns []float64
		for _, v := range vals {
			if f, err := strconv.ParseFloat(v, 64); err == nil {
				ns = append(ns, f)
			}
		}
		for _, a := range ns {
			for _, b := range ns {
				out = append(out, strconv.FormatFloat((a+b)/2, 'f', -1, 64))
			}
			out = append(out, strconv.FormatFloat(a-1, 'f', -1, 64), strconv.FormatFloat(a+1, 'f', -1, 64))
		}
	case "Date":
		var ts []time.Time
		for _, v := range vals {
			if t, ok := policy.ParseDate(v); ok {
				ts = append(ts, t)
			}
		}
		for _, a := range ts {
			for _, b := range ts {
				out = append(out, a.Add(b.Sub(a)/2).UTC().Format(time.RFC3339Nano))
			}
			out = append(out, a.Add(-time.Second).UTC().Format(time.RFC3339), a.Add(time.Second).UTC().Format(time.RFC3339))
		}
	case "IP":
		out = append(out, "0.0.0.0", "255.255.255.255", "::", "ffff::1")
		for _, v := range vals {
			p, ok := policy.ParseCIDR(v)
			if !ok {
				continue
			}
			lo, hi := p.Masked().Addr(), lastAddr(p)
			out = append(out, lo.String(), hi.String())
			if prev := lo.Prev(); prev.IsValid() {
				out = append(out, prev.String())
			}
			if next := hi.Next(); next.IsValid() {
				out = append(out, next.String())
			}
		}
	case "Bool":
		out = append(out, "true", "false")
	default:
		bare := make([]string, len(vals))
		for i, w := range vals {
			bare[i] = dropWildcardsX.Replace(w)
		}
		for _, v := range vals {
			v = boundaryVariables.Replace(v)
			for _, f := range wildcardFillers {
				out = append(out, f.Replace(v))
			}
			out = append(out, strings.ToUpper(v), strings.ToLower(v))
			for _, w := range bare {
				out = append(out, dropWildcardsX.Replace(v)+w)
			}
		}
		out = append(out, "blue", "admin", "zzz")
	}
	return out
}

func lastAddr(p netip.Prefix) netip.Addr {
	b := p.Masked().Addr().AsSlice()
	for i := p.Bits(); i < len(b)*8; i++ {
		b[i/8] |= 1 << (7 - uint(i%8))
	}
	a, _ := netip.AddrFromSlice(b)
	return a
}

// grid evaluates every combination of boundary values (or absence) of the
// keys the policy tests, when there are at most 1,500: a dense oracle for
// the search's answer "none".
func grid(ps *eval.PolicySet, p eval.Principal, action string, doc *policy.Document) error {
	byKey := map[string][]string{}
	family := map[string]string{}
	multi := map[string]bool{}
	var keys []string
	for _, st := range doc.Statements {
		for _, c := range st.Conditions {
			k := c.Key
			if !eval.Defined(strings.ToLower(k)) {
				continue // absent from every request (docs/semantics.md)
			}
			if _, ok := byKey[k]; !ok {
				keys = append(keys, k)
			}
			for _, v := range c.Values {
				byKey[k] = append(byKey[k], v.Text)
			}
			for _, pk := range propKeys {
				if pk.name == k {
					family[k], multi[k] = pk.family, pk.multi
				}
			}
		}
		for _, r := range st.Resource {
			// The variables' values that split the name app.
			for _, kv := range []struct {
				k    string
				vals []string
			}{{"aws:PrincipalTag/team", []string{"app", "ap", "a", ""}}, {"aws:username", []string{"app", "pp", "p", ""}}} {
				if k, vals := kv.k, kv.vals; strings.Contains(r.Text, "${"+k+"}") {
					if _, ok := byKey[k]; !ok {
						keys = append(keys, k)
					}
					byKey[k] = append(byKey[k], vals...)
					family[k] = "String"
				}
			}
		}
	}
	sort.Strings(keys)
	type choice struct {
		absent bool
		vals   []string
	}
	var axes [][]choice
	total := 1
	for _, k := range keys {
		vals := dedupeTest(boundaryValues(family[k], byKey[k]))
		axis := []choice{{absent: true}}
		for _, v := range vals {
			axis = append(axis, choice{vals: []string{v}})
		}
		if multi[k] {
			axis = append(axis, choice{vals: []string{}})
			for i := 0; i+1 < len(vals) && i < 6; i++ {
				axis = append(axis, choice{vals: []string{vals[i], vals[len(vals)-1-i]}})
			}
		}
		axes = append(axes, axis)
		total *= len(axis)
		if total > 1500 {
			return nil
		}
	}
	idx := make([]int, len(axes))
	for {
		ctx := eval.NewContext()
		for i, k := range keys {
			if c := axes[i][idx[i]]; !c.absent {
				ctx.Set(k, c.vals...)
			}
		}
		checkedRequests.Add(1)
		if d := eval.Evaluate(ps, &eval.Request{Principal: p, Action: action, Resource: repoApp, Context: ctx}); d.Result == eval.Allow {
			return fmt.Errorf("%s: the search found nothing, but this request is allowed: %v", action, describe(ctx))
		}
		k := len(idx) - 1
		for ; k >= 0; k-- {
			idx[k]++
			if idx[k] < len(axes[k]) {
				break
			}
			idx[k] = 0
		}
		if k < 0 {
			return nil
		}
	}
}

func dedupeTest(in []string) []string {
	seen := map[string]bool{}
	var out []string
	for _, s := range in {
		if !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	return out
}
