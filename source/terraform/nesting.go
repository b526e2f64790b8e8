package terraform

import (
	"bytes"
	"fmt"

	"github.com/ecrguard/ecrguard/policy"
)

// Bounds on what is handed to the HCL parsers. The parsers recurse once per
// level of nesting, and a file nested 100,000 deep overflows the goroutine
// stack: a fatal error that no recover catches, which would lose every
// other input's findings. So a file's nesting is measured first, by a scan
// that needs no stack.
const (
	// maxSourceSize bounds a Terraform file, variable file or template
	// that is parsed: 10 MiB, far above any hand-written configuration.
	maxSourceSize = 10 << 20
	// maxNesting bounds how deep brackets, braces, parentheses, quoted
	// strings, heredocs and template interpolations nest in one file.
	maxNesting = 256
)

// syntax is the language a source is scanned as.
type syntax uint8

const (
	syntaxHCL      syntax = iota // a .tf or .tfvars file, a -var expression
	syntaxJSON                   // a .tfvars.json file
	syntaxTemplate               // a templatefile() template
)

// checkSource returns a *policy.Error at file:line:col when data is too
// large or nests deeper than maxNesting. The scan follows HCL's lexical
// structure well enough (strings, escapes, comments, heredocs,
// interpolations) that text in a string or comment is not counted, and
// errs on the side of counting: it never lets a nesting the parser would
// see go unmeasured by mistaking code for text, except where the input
// does not lex (which the parser rejects).
func checkSource(data []byte, file string, kind syntax) error {
	if len(data) > maxSourceSize {
		return &policy.Error{Pos: policy.Pos{File: file, Line: 1, Col: 1}, Msg: fmt.Sprintf("the file is %d bytes, more than the %d bytes ecrguard parses; not read", len(data), maxSourceSize)}
	}
	const (
		frameBracket  = iota // ( [ {
		frameInterp          // ${ or %{, closed by }
		frameString          // "..."
		frameHeredoc         // <<EOF ... EOF
		frameTemplate        // the whole of a template file
	)
	type frame struct {
		kind int
		term []byte // a heredoc's terminator
	}
	var stack []frame
	if kind == syntaxTemplate {
		stack = append(stack, frame{kind: frameTemplate})
	}
	line, lineStart := 1, 0
	push := func(f frame, at int) error {
		stack = append(stack, f)
		if len(stack) > maxNesting {
			return &policy.Error{Pos: policy.Pos{File: file, Line: line, Col: at - lineStart + 1}, Msg: fmt.Sprintf("brackets, braces, strings or interpolations nest more than %d deep here; the file is not parsed", maxNesting)}
		}
		return nil
	}
	top := func() int {
		if len(stack) == 0 {
			return frameBracket // code at the top level
		}
		return stack[len(stack)-1].kind
	}
	// interp handles ${ and %{ (and their escapes $${ and %%{) in text:
	// it returns the index of the last byte it took (i when there is none).
	interp := func(i int) (int, error) {
		c := data[i]
		if c != '$' && c != '%' || i+1 >= len(data) {
			return i, nil
		}
		if data[i+1] == c && i+2 < len(data) && data[i+2] == '{' {
			return i + 2, nil // escaped: literal text
		}
		if data[i+1] == '{' {
			return i + 1, push(frame{kind: frameInterp}, i)
		}
		return i, nil
	}
	for i := 0; i < len(data); i++ {
		c := data[i]
		if c == '\n' {
			line, lineStart = line+1, i+1
			if top() == frameHeredoc {
				// A line that is only the terminator ends the heredoc.
				end := bytes.IndexByte(data[i+1:], '\n')
				if end < 0 {
					end = len(data) - i - 1
				}
				if bytes.Equal(bytes.TrimSpace(data[i+1:i+1+end]), stack[len(stack)-1].term) {
					stack = stack[:len(stack)-1]
				}
			}
			continue
		}
		switch top() {
		case frameString:
			switch {
			case c == '\\':
				i++ // the escaped byte (never a newline in a valid string)
			case c == '"':
				stack = stack[:len(stack)-1]
			case kind != syntaxJSON:
				var err error
				if i, err = interp(i); err != nil {
					return err
				}
			}
			continue
		case frameHeredoc, frameTemplate:
			var err error
			if i, err = interp(i); err != nil {
				return err
			}
			continue
		}
		// Code: at the top level, in brackets or in an interpolation.
		switch c {
		case '"':
			if err := push(frame{kind: frameString}, i); err != nil {
				return err
			}
		case '(', '[', '{':
			if err := push(frame{kind: frameBracket}, i); err != nil {
				return err
			}
		case ')', ']', '}':
			if len(stack) > 0 && (top() == frameBracket || c == '}' && top() == frameInterp) {
				stack = stack[:len(stack)-1]
			}
		case '#':
			if kind != syntaxJSON {
				i = skipTo(data, i, "\n") - 1 // the newline counts the line
			}
		case '/':
			if kind != syntaxJSON && i+1 < len(data) {
				switch data[i+1] {
				case '/':
					i = skipTo(data, i, "\n") - 1
				case '*':
					end := skipTo(data, i+2, "*/")
					for _, b := range data[i:end] {
						if b == '\n' {
							line++
						}
					}
					if k := bytes.LastIndexByte(data[i:end], '\n'); k >= 0 {
						lineStart = i + k + 1
					}
					i = end + 1
				}
			}
		case '<':
			if kind == syntaxJSON || i+1 >= len(data) || data[i+1] != '<' {
				continue
			}
			j := i + 2
			if j < len(data) && data[j] == '-' {
				j++
			}
			k := j
			for k < len(data) && (isIdentByte(data[k])) {
				k++
			}
			nl := k
			if nl < len(data) && data[nl] == '\r' {
				nl++
			}
			if k == j || nl >= len(data) || data[nl] != '\n' {
				continue
			}
			if err := push(frame{kind: frameHeredoc, term: data[j:k]}, i); err != nil {
				return err
			}
			i = nl - 1 // the newline is handled next, with the terminator check
		}
	}
	return nil
}

// skipTo returns the index of the first occurrence of s in data at or
// after i, or len(data).
func skipTo(data []byte, i int, s string) int {
	if k := bytes.Index(data[i:], []byte(s)); k >= 0 {
		return i + k
	}
	return len(data)
}

func isIdentByte(b byte) bool {
	return b == '_' || b == '-' || b >= 'a' && b <= 'z' || b >= 'A' && b <= 'Z' || b >= '0' && b <= '9'
}
