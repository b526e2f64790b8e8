package terraform

import (
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"

	"github.com/ecrguard/ecrguard/estate"
)

// inlineIgnores finds the "# ecrguard:ignore RULE reason" comments (# or
// //) of a native-syntax file. A comment after code on its line covers the
// construct that starts on that line; a comment alone on its line covers
// the construct that starts on the next line of code. A construct runs
// from its first line to the line where the brackets opened on it close:
// a whole block, an attribute, or one statement of a jsonencode list.
func inlineIgnores(data []byte, file string) []estate.Ignore {
	toks, _ := hclsyntax.LexConfig(data, file, hcl.InitialPos)
	var out []estate.Ignore
	for i, t := range toks {
		if t.Type != hclsyntax.TokenComment {
			continue
		}
		rule, reason, ok := estate.ParseIgnoreComment(commentText(t.Bytes))
		if !ok {
			continue
		}
		line := t.Range.Start.Line
		start := i + 1
		if i > 0 && toks[i-1].Range.End.Line == line && toks[i-1].Type != hclsyntax.TokenNewline && !endsLine(toks[i-1]) {
			// After code: the construct of this line.
			start = firstOnLine(toks, i)
		} else {
			for start < len(toks) && (toks[start].Type == hclsyntax.TokenComment || toks[start].Type == hclsyntax.TokenNewline) {
				start++
			}
		}
		if start >= len(toks) || toks[start].Type == hclsyntax.TokenEOF {
			out = append(out, estate.Ignore{Rule: rule, Reason: reason, Pos: rangePos(t.Range), File: file, From: line, To: line})
			continue
		}
		from := toks[start].Range.Start.Line
		out = append(out, estate.Ignore{Rule: rule, Reason: reason, Pos: rangePos(t.Range), File: file, From: from, To: constructEnd(toks, start)})
	}
	return out
}

// commentText strips a comment's markers: #, // or /* */.
func commentText(b []byte) string {
	s := strings.TrimSpace(string(b))
	switch {
	case strings.HasPrefix(s, "#"):
		return s[1:]
	case strings.HasPrefix(s, "//"):
		return s[2:]
	case strings.HasPrefix(s, "/*"):
		return strings.TrimSuffix(s[2:], "*/")
	}
	return s
}

// endsLine reports whether t ends its line: a newline, or a line comment
// (which holds its newline).
func endsLine(t hclsyntax.Token) bool {
	return t.Type == hclsyntax.TokenNewline || (t.Type == hclsyntax.TokenComment && strings.HasSuffix(string(t.Bytes), "\n"))
}

// firstOnLine returns the index of the first token on the line of toks[i].
func firstOnLine(toks hclsyntax.Tokens, i int) int {
	line := toks[i].Range.Start.Line
	for i > 0 && toks[i-1].Range.End.Line == line && !endsLine(toks[i-1]) {
		i--
	}
	return i
}

// constructEnd returns the last line of the construct that starts at
// toks[start]: the line where the brackets opened from there are all
// closed again, or where a bracket opened before it closes.
func constructEnd(toks hclsyntax.Tokens, start int) int {
	depth := 0
	for j := start; j < len(toks); j++ {
		t := toks[j]
		switch t.Type {
		case hclsyntax.TokenOBrace, hclsyntax.TokenOBrack, hclsyntax.TokenOParen,
			hclsyntax.TokenOHeredoc, hclsyntax.TokenTemplateInterp, hclsyntax.TokenTemplateControl:
			depth++
		case hclsyntax.TokenCBrace, hclsyntax.TokenCBrack, hclsyntax.TokenCParen,
			hclsyntax.TokenCHeredoc, hclsyntax.TokenTemplateSeqEnd:
			depth--
			if depth < 0 {
				return t.Range.Start.Line
			}
		case hclsyntax.TokenEOF:
			return t.Range.Start.Line
		}
		if depth == 0 && endsLine(t) {
			return t.Range.Start.Line
		}
	}
	return toks[start].Range.Start.Line
}
