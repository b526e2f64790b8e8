package eval

import (
	"fmt"

	"github.com/ecrguard/ecrguard/internal/jsonpos"
)

// SetJSON sets keys of c from data, read from file: a JSON object of
// context keys to a string or a list of strings (the --context-file of
// `ecrguard simulate`). A list makes a multi-valued key, [] a key present
// with no values; numbers and booleans are taken as their text, and
// binary values are written in base-64. Errors name file:line:column.
func (c *Context) SetJSON(data []byte, file string) error {
	n, err := jsonpos.Parse(data)
	if err != nil {
		return fmt.Errorf("%s:%v", file, err)
	}
	lines := jsonpos.NewLines(data)
	at := func(off int) string {
		line, col := lines.Position(off)
		return fmt.Sprintf("%s:%d:%d", file, line, col)
	}
	if n.Kind != jsonpos.Object {
		return fmt.Errorf("%s: expected a JSON object of context keys, got %s", at(n.Off), n.Kind)
	}
	for _, m := range n.Members {
		switch m.Value.Kind {
		case jsonpos.String, jsonpos.Number, jsonpos.Bool:
			c.Set(m.Key, m.Value.Text)
		case jsonpos.Array:
			vals := []string{}
			for _, e := range m.Value.Elems {
				if e.Kind != jsonpos.String && e.Kind != jsonpos.Number && e.Kind != jsonpos.Bool {
					return fmt.Errorf("%s: context key %q: expected strings in the list, got %s", at(e.Off), m.Key, e.Kind)
				}
				vals = append(vals, e.Text)
			}
			c.Set(m.Key, vals...)
		default:
			return fmt.Errorf("%s: context key %q: expected a string or a list of strings, got %s", at(m.Value.Off), m.Key, m.Value.Kind)
		}
	}
	return nil
}
