package analysis

import (
	"fmt"
	"strings"

	"github.com/ecrguard/ecrguard/eval"
	"github.com/ecrguard/ecrguard/policy"
)

// The words of an answer: which policies grant it and under which
// conditions, for who-can's entries and the rules' findings alike.

// Granting returns the statements the witnesses' decisions matched (the
// Allow statements they relied on), once each, with their policies.
func Granting(ws []*eval.Witness) ([]eval.Match, []*policy.Statement) {
	seen := map[*policy.Statement]bool{}
	var ms []eval.Match
	var stmts []*policy.Statement
	for _, w := range ws {
		for _, m := range w.Decision.Matched {
			if !seen[m.Statement] {
				seen[m.Statement] = true
				ms = append(ms, m)
				stmts = append(stmts, m.Statement)
			}
		}
	}
	return ms, stmts
}

// Via names the policies of matches, in order, once each.
func Via(ms []eval.Match) []string {
	seen := map[string]bool{}
	var out []string
	for _, m := range ms {
		name := m.Policy
		if !seen[name] {
			seen[name] = true
			out = append(out, name)
		}
	}
	return out
}

// positiveOps read naturally as "key value".
var positiveOps = map[string]bool{
	"StringEquals": true, "StringLike": true, "ArnEquals": true, "ArnLike": true,
	"IpAddress": true, "Bool": true, "NumericEquals": true, "DateEquals": true, "BinaryEquals": true,
}

// Conditions formats the conditions of statements, once each: "aws:SourceIp
// 203.0.113.0/24", or with the operator when it is not a plain match.
func Conditions(stmts []*policy.Statement) []string {
	var out []string
	seen := map[string]bool{}
	for _, s := range stmts {
		for _, c := range s.Conditions {
			vals := make([]string, 0, len(c.Values))
			for _, v := range c.Values {
				vals = append(vals, v.Text)
			}
			var line string
			if positiveOps[c.Operator] {
				line = fmt.Sprintf("%s %s", c.Key, strings.Join(vals, ", "))
			} else {
				line = fmt.Sprintf("%s (%s) %s", c.Key, c.Operator, strings.Join(vals, ", "))
			}
			if !seen[line] {
				seen[line] = true
				out = append(out, line)
			}
		}
	}
	return out
}
