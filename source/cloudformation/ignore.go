package cloudformation

import (
	"bytes"
	"fmt"
	"slices"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/ecrguard/ecrguard/estate"
	"github.com/ecrguard/ecrguard/policy"
)

// yamlIgnores finds the "# ecrguard:ignore RULE reason" comments of a YAML
// template (yaml.v3 keeps them as a node's HeadComment, the lines above
// it, or LineComment, the end of its line). A comment on or above a key
// covers the key and its value; one on or above a list item covers the
// item (a policy statement, say).
//
// yaml.v3 keeps some comments elsewhere: one after a blank line, or
// indented as the lines above it, as the FootComment of a node before it;
// one above the first key of the file, after a blank line, as the
// document's; one after "[" as the list's. Like any comment alone on its
// line, each covers the key or list item that starts on the next line of
// code; one at the end of a line of code, the key or list item that
// starts on that line; and only its own line (a stale ignore) when there
// is none.
func yamlIgnores(root *yaml.Node, lines [][]byte, file string) []estate.Ignore {
	var out []estate.Ignore
	each := func(comment string, f func(text, rule, reason string)) {
		for _, l := range strings.Split(comment, "\n") {
			if rule, reason, ok := estate.ParseIgnoreComment(strings.TrimPrefix(strings.TrimSpace(l), "#")); ok {
				f(strings.TrimSpace(l), rule, reason)
			}
		}
	}
	ignore := func(rule, reason string, line, from, to int) {
		out = append(out, estate.Ignore{Rule: rule, Reason: reason, Pos: policy.Pos{File: file, Line: line, Col: 1}, File: file, From: from, To: to})
	}
	// done are the nodes whose head and line comments add read.
	done := map[*yaml.Node]bool{}
	add := func(n *yaml.Node, from, to int) {
		done[n] = true
		each(n.HeadComment, func(text, rule, reason string) {
			ignore(rule, reason, commentLine(lines, n.Line, text), from, to)
		})
		each(n.LineComment, func(_, rule, reason string) {
			ignore(rule, reason, n.Line, from, to)
		})
	}
	// starts are the lines each key or list item covers, by the line it
	// starts on (the outermost one of a line).
	starts := map[int][2]int{}
	start := func(from, to int) {
		if _, ok := starts[from]; !ok {
			starts[from] = [2]int{from, to}
		}
	}
	var nodes []*yaml.Node
	seen := map[*yaml.Node]bool{}
	var walk func(n *yaml.Node)
	walk = func(n *yaml.Node) {
		if n == nil || seen[n] {
			return
		}
		seen[n] = true
		nodes = append(nodes, n)
		switch n.Kind {
		case yaml.DocumentNode:
			for _, c := range n.Content {
				walk(c)
			}
		case yaml.SequenceNode:
			for _, e := range n.Content {
				add(e, e.Line, lastLine(e))
				start(e.Line, lastLine(e))
				walk(e)
			}
		case yaml.MappingNode:
			for i := 0; i+1 < len(n.Content); i += 2 {
				k, v := n.Content[i], n.Content[i+1]
				to := max(k.Line, lastLine(v))
				add(k, k.Line, to)
				start(k.Line, to)
				nodes = append(nodes, k)
				if v.Kind == yaml.ScalarNode || v.Kind == yaml.AliasNode {
					// "Key: value # ecrguard:ignore …" is the value's comment.
					add(v, k.Line, to)
				}
				walk(v)
			}
		}
	}
	walk(root)
	// covering is the ignore of a comment on line own that covers the key
	// or list item starting on line start, else only its own line.
	covering := func(start, own int, rule, reason string) {
		cover, ok := starts[start]
		if !ok {
			cover = [2]int{own, own}
		}
		ignore(rule, reason, own, cover[0], cover[1])
	}
	// alone is the ignore of a comment alone on its line.
	alone := func(line int, rule, reason string) { covering(nextCodeLine(lines, line), line, rule, reason) }
	for _, n := range nodes {
		if !done[n] {
			each(n.HeadComment, func(text, rule, reason string) {
				alone(commentLine(lines, n.Line, text), rule, reason)
			})
			each(n.LineComment, func(_, rule, reason string) { covering(n.Line, n.Line, rule, reason) })
		}
		each(n.FootComment, func(text, rule, reason string) {
			alone(footLine(lines, n.Line, text), rule, reason)
		})
	}
	slices.SortStableFunc(out, func(a, b estate.Ignore) int { return a.Pos.Compare(b.Pos) })
	return out
}

// footLine finds the line (1-based) whose text is the foot comment line
// text of a node on line: the first below it, else the nearest above.
func footLine(lines [][]byte, line int, text string) int {
	for l := line + 1; l <= len(lines); l++ {
		if string(bytes.TrimSpace(lines[l-1])) == text {
			return l
		}
	}
	return commentLine(lines, line, text)
}

// nextCodeLine is the first line after line that is neither blank nor a
// comment, or 0.
func nextCodeLine(lines [][]byte, line int) int {
	for l := line + 1; l <= len(lines); l++ {
		if t := bytes.TrimSpace(lines[l-1]); len(t) > 0 && t[0] != '#' {
			return l
		}
	}
	return 0
}

// lastLine is the last line a node's subtree starts a value on.
func lastLine(n *yaml.Node) int {
	line := n.Line
	if n.Kind == yaml.AliasNode {
		return line
	}
	for _, c := range n.Content {
		line = max(line, lastLine(c))
	}
	return line
}

// commentLine finds the line above line (1-based) whose text is the head
// comment line text; line - 1 when it is not found.
func commentLine(lines [][]byte, line int, text string) int {
	for l := line - 1; l >= 1 && l <= len(lines); l-- {
		if string(bytes.TrimSpace(lines[l-1])) == text {
			return l
		}
	}
	return max(line-1, 1)
}

// metadataIgnores reads a resource's Metadata ecrguard ignore list:
//
//	Metadata:
//	  ecrguard:
//	    ignore:
//	      - rule: ECR001
//	        reason: public base images
//
// Each entry covers the whole resource, from its logical id to lastLine.
// Anything else under Metadata ecrguard is an error naming file:line.
func metadataIgnores(r *resource, md *node, lastLine int) ([]estate.Ignore, error) {
	eg := md.get("ecrguard")
	if eg == nil {
		return nil, nil
	}
	if eg.kind != mapNode {
		return nil, &policy.Error{Pos: eg.pos, Msg: fmt.Sprintf("resource %s: Metadata ecrguard: expected a mapping with ignore", r.id)}
	}
	for _, m := range eg.members {
		if m.key != "ignore" {
			return nil, &policy.Error{Pos: m.keyPos, Msg: fmt.Sprintf("resource %s: Metadata ecrguard: unknown key %q; expected ignore", r.id, m.key)}
		}
	}
	list := eg.get("ignore")
	if list == nil {
		return nil, nil
	}
	if list.kind != seqNode {
		return nil, &policy.Error{Pos: list.pos, Msg: fmt.Sprintf("resource %s: Metadata ecrguard ignore: expected a list of {rule, reason}", r.id)}
	}
	var out []estate.Ignore
	for i, e := range list.elems {
		where := fmt.Sprintf("resource %s: Metadata ecrguard ignore[%d]", r.id, i)
		if e.kind != mapNode {
			return nil, &policy.Error{Pos: e.pos, Msg: where + ": expected a mapping with rule and reason"}
		}
		for _, m := range e.members {
			if m.key != "rule" && m.key != "reason" {
				return nil, &policy.Error{Pos: m.keyPos, Msg: fmt.Sprintf("%s: unknown key %q; expected rule and reason", where, m.key)}
			}
		}
		rule, _ := e.get("rule").str()
		reason, _ := e.get("reason").str()
		out = append(out, estate.Ignore{Rule: rule, Reason: reason, Pos: e.pos, File: e.pos.File, From: r.pos.Line, To: lastLine})
	}
	return out, nil
}

// nodeLastLine is the last line a value of n's subtree starts on.
func nodeLastLine(n *node) int {
	line := n.pos.Line
	for _, e := range n.elems {
		line = max(line, nodeLastLine(e))
	}
	for _, m := range n.members {
		line = max(line, m.keyPos.Line, nodeLastLine(m.value))
	}
	return line
}
