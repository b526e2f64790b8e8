package report

import (
	"strings"
	"testing"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/text"
)

// TestMarkdownRendersCommandsAsCode parses the Markdown report with a
// CommonMark parser: the commands a fix quotes between backticks must be
// code spans, and no backtick may be left in the text as a literal.
func TestMarkdownRendersCommandsAsCode(t *testing.T) {
	for _, tc := range goldenCases() {
		src := write(t, Markdown, tc.result(), tc.opts)
		doc := goldmark.New().Parser().Parse(text.NewReader(src))
		var code, literal []string
		err := ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
			if !entering {
				return ast.WalkContinue, nil
			}
			switch n := n.(type) {
			case *ast.CodeSpan:
				code = append(code, nodeText(n, src))
				return ast.WalkSkipChildren, nil
			case *ast.Text:
				if s := string(n.Segment.Value(src)); strings.Contains(s, "`") {
					literal = append(literal, s)
				}
			}
			return ast.WalkContinue, nil
		})
		if err != nil {
			t.Fatal(err)
		}
		if len(literal) > 0 {
			t.Errorf("%s: backticks shown as text: %q", tc.name, literal)
		}
		if tc.result().Findings == nil {
			continue
		}
		found := false
		for _, c := range code {
			if strings.HasPrefix(c, "aws ecr set-repository-policy ") {
				found = true
			}
		}
		if tc.name == "sample" && !found {
			t.Errorf("%s: the fix's command is not a code span; code spans: %q", tc.name, code)
		}
	}
}

// nodeText is the text of a node's inline children.
func nodeText(n ast.Node, src []byte) string {
	var b strings.Builder
	for c := n.FirstChild(); c != nil; c = c.NextSibling() {
		if t, ok := c.(*ast.Text); ok {
			b.Write(t.Segment.Value(src))
		}
	}
	return b.String()
}
