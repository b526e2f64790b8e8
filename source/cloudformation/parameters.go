package cloudformation

import (
	"bytes"
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/ecrguard/ecrguard/internal/jsonpos"
	"github.com/ecrguard/ecrguard/policy"
)

// DeclaredParameters returns the names of the parameters a template
// declares in its Parameters section; none when it does not parse (reading
// it says why).
func DeclaredParameters(data []byte, file string) (names []string) {
	defer func() {
		if recover() != nil {
			names = nil
		}
	}()
	root, _, _, err := parseTemplate(data, file)
	if err != nil || root == nil || root.kind != mapNode {
		return nil
	}
	if ps := root.get("Parameters"); ps != nil && ps.kind == mapNode {
		for _, m := range ps.members {
			names = append(names, m.key)
		}
	}
	return names
}

// ParseParameters reads a file of parameter values in the shapes the AWS
// CLI takes them:
//
//   - `aws cloudformation create-stack --parameters file://FILE`: a JSON
//     list of {"ParameterKey": K, "ParameterValue": V} (an entry with
//     "UsePreviousValue": true gives no value: the deployed one is not
//     known);
//   - `aws cloudformation deploy --parameter-overrides file://FILE`: a JSON
//     list of "K=V" strings, the same list of objects, or a CodePipeline
//     template configuration {"Parameters": {K: V}};
//   - text of K=V words, one or more a line, as the values of
//     --parameter-overrides are written in a shell script (a value
//     cannot hold a blank; lines starting with # are comments).
//
// A later value of the same key wins. Errors name file:line:column.
func ParseParameters(data []byte, file string) (map[string]string, error) {
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	trimmed := bytes.TrimSpace(data)
	if len(trimmed) == 0 || trimmed[0] != '[' && trimmed[0] != '{' {
		return parseParameterWords(data, file)
	}
	n, err := jsonpos.Parse(data)
	if err != nil {
		var se *jsonpos.SyntaxError
		if errors.As(err, &se) {
			return nil, &policy.Error{Pos: policy.Pos{File: file, Line: se.Line, Col: se.Col}, Msg: se.Msg}
		}
		return nil, fmt.Errorf("%s: %w", file, err)
	}
	loc := policy.FileLocator(data, file)
	fail := func(at *jsonpos.Node, format string, args ...any) error {
		return &policy.Error{Pos: loc(at.Off), Msg: fmt.Sprintf(format, args...)}
	}
	out := map[string]string{}
	if n.Kind == jsonpos.Object {
		ps := n.Get("Parameters")
		if ps == nil || ps.Kind != jsonpos.Object {
			return nil, fail(n, `expected a list of parameters or {"Parameters": {"Key": "Value", ...}} (a CodePipeline template configuration)`)
		}
		for _, m := range ps.Members {
			if m.Key == "" {
				return nil, &policy.Error{Pos: loc(m.KeyOff), Msg: "Parameters: a parameter without a name"}
			}
			v, ok := scalar(m.Value)
			if !ok {
				return nil, fail(m.Value, "Parameters.%s: expected a string, got %s", m.Key, m.Value.Kind)
			}
			out[m.Key] = v
		}
		return out, nil
	}
	for i, e := range n.Elems {
		switch e.Kind {
		case jsonpos.String:
			k, v, ok := strings.Cut(e.Text, "=")
			if !ok || k == "" {
				return nil, fail(e, "[%d]: expected Key=Value, got %q", i, e.Text)
			}
			out[k] = v
		case jsonpos.Object:
			k := e.Get("ParameterKey")
			if k == nil || k.Kind != jsonpos.String || k.Text == "" {
				return nil, fail(e, `[%d]: expected {"ParameterKey": "Key", "ParameterValue": "Value"}`, i)
			}
			if u := e.Get("UsePreviousValue"); u != nil && u.Text == "true" {
				delete(out, k.Text)
				continue
			}
			pv := e.Get("ParameterValue")
			v, ok := scalar(pv)
			if !ok {
				return nil, fail(e, "[%d]: ParameterKey %s: expected a string ParameterValue", i, k.Text)
			}
			out[k.Text] = v
		default:
			return nil, fail(e, `[%d]: expected "Key=Value" or {"ParameterKey": "Key", "ParameterValue": "Value"}, got %s`, i, e.Kind)
		}
	}
	return out, nil
}

// scalar is a JSON string, number or boolean as its text.
func scalar(n *jsonpos.Node) (string, bool) {
	if n == nil {
		return "", false
	}
	switch n.Kind {
	case jsonpos.String, jsonpos.Number, jsonpos.Bool:
		return n.Text, true
	}
	return "", false
}

// parseParameterWords reads K=V words.
func parseParameterWords(data []byte, file string) (map[string]string, error) {
	out := map[string]string{}
	for i, line := range strings.Split(string(data), "\n") {
		if t := strings.TrimSpace(line); t == "" || strings.HasPrefix(t, "#") {
			continue
		}
		at := 0 // the byte offset in line after the words read
		for _, w := range strings.Fields(line) {
			start := at + strings.Index(line[at:], w)
			at = start + len(w)
			k, v, ok := strings.Cut(w, "=")
			if !ok || k == "" {
				// Columns count characters.
				col := utf8.RuneCountInString(line[:start]) + 1
				return nil, &policy.Error{Pos: policy.Pos{File: file, Line: i + 1, Col: col}, Msg: fmt.Sprintf("expected Key=Value, got %q (a JSON list, or Key=Value words)", w)}
			}
			out[k] = v
		}
	}
	if len(out) == 0 {
		return nil, &policy.Error{Pos: policy.Pos{File: file, Line: 1, Col: 1}, Msg: "no parameter values: expected a JSON list of parameters, or Key=Value words"}
	}
	return out, nil
}
