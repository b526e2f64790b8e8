package exposure

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/ecrguard/ecrguard/eval"
	"github.com/ecrguard/ecrguard/policy"
)

// benchKeys are the ten keys the generated policies test, each with a
// function that makes its i-th value.
var benchKeys = []struct {
	key, op string
	value   func(i int) string
}{
	{"aws:SourceIp", "IpAddress", func(i int) string { return fmt.Sprintf("10.%d.0.0/16", i) }},
	{"aws:PrincipalOrgID", "StringEquals", func(i int) string { return fmt.Sprintf("o-bench%05dxyz", i) }},
	{"aws:PrincipalAccount", "StringEquals", func(i int) string { return fmt.Sprintf("5555%08d", i) }},
	{"aws:PrincipalTag/team", "StringLike", func(i int) string { return fmt.Sprintf("team-%d*", i) }},
	{"aws:UserAgent", "StringNotLike", func(i int) string { return fmt.Sprintf("*tool-%d*", i) }},
	{"aws:SourceVpce", "StringEquals", func(i int) string { return fmt.Sprintf("vpce-%017d", i) }},
	{"aws:username", "StringNotEquals", func(i int) string { return fmt.Sprintf("user-%d", i) }},
	{"aws:PrincipalArn", "ArnLike", func(i int) string { return fmt.Sprintf("arn:aws:iam::*:role/ci-%d-*", i) }},
	{"aws:CalledVia", "ForAnyValue:StringEquals", func(i int) string { return fmt.Sprintf("svc%d.amazonaws.com", i) }},
	{"aws:MultiFactorAuthAge", "NumericLessThan", func(i int) string { return fmt.Sprint(60 * (i + 1)) }},
}

var benchActions = []string{"ecr:BatchGetImage", "ecr:PutImage", "ecr:DeleteRepository", "ecr:Describe*", "ecr:*", "ecr:SetRepositoryPolicy", "ecr:List*", "ecr:Get*"}

// benchPolicy writes a repository policy of n statements over the ten keys,
// each drawing from values distinct values.
func benchPolicy(n, values int, seed uint64) []byte {
	r := rand.New(rand.NewPCG(seed, 9))
	var stmts []map[string]any
	for i := 0; i < n; i++ {
		st := map[string]any{
			"Sid":    fmt.Sprintf("S%d", i),
			"Effect": []string{"Allow", "Allow", "Deny"}[r.IntN(3)],
			"Action": benchActions[r.IntN(len(benchActions))],
		}
		switch r.IntN(4) {
		case 0:
			st["Principal"] = map[string]any{"AWS": fmt.Sprintf("arn:aws:iam::4444%08d:root", r.IntN(values))}
		default:
			st["Principal"] = "*"
		}
		cond := map[string]map[string]any{}
		for c := 1 + r.IntN(2); c > 0; c-- {
			k := benchKeys[r.IntN(len(benchKeys))]
			if cond[k.op] == nil {
				cond[k.op] = map[string]any{}
			}
			var vals []string
			for v := 1 + r.IntN(3); v > 0; v-- {
				vals = append(vals, k.value(r.IntN(values)))
			}
			cond[k.op][k.key] = vals
		}
		st["Condition"] = cond
		stmts = append(stmts, st)
	}
	b, _ := json.Marshal(map[string]any{"Version": "2012-10-17", "Statement": stmts})
	return b
}

// benchTarget compiles a generated policy as the policy of repository app.
func benchTarget(tb testing.TB, data []byte) Target {
	doc, err := policy.Parse(data, "bench.json")
	if err != nil {
		tb.Fatal(err)
	}
	return Target{Kind: Repository, ARN: "arn:aws:ecr:us-east-1:111122223333:repository/app", Account: "111122223333",
		Region: "us-east-1", Repository: "app", Policy: eval.Compile("bench", doc)}
}

// BenchmarkLargePolicy decides one repository policy of 1,000 statements
// over 10 keys with 50 values each (target: under 1 s).
func BenchmarkLargePolicy(b *testing.B) {
	res := benchAnalyze(b, benchPolicy(1000, 50, 1))
	b.ReportMetric(float64(res.Public.Actions.Len()), "public-actions")
}

// benchAnalyze times the analysis of a policy of repository app.
func benchAnalyze(b *testing.B, data []byte) *Result {
	t := benchTarget(b, data)
	zone := Zone{Account: "111122223333"}
	b.ResetTimer()
	var res *Result
	for i := 0; i < b.N; i++ {
		res = Analyze(t, zone)
	}
	b.StopTimer()
	if res.Truncated {
		b.Fatal("the analysis was truncated")
	}
	return res
}

// BenchmarkMaxSizePolicy decides a policy of 10,240 characters, the largest
// repository policy AWS accepts (target: under 50 ms).
func BenchmarkMaxSizePolicy(b *testing.B) {
	n := 1
	for len(benchPolicy(n+1, 50, 2)) <= 10240 {
		n++
	}
	data := benchPolicy(n, 50, 2)
	benchAnalyze(b, data)
	b.ReportMetric(float64(len(data)), "bytes")
	b.ReportMetric(float64(n), "statements")
}
