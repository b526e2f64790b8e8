package file

import (
	"errors"
	"fmt"
	"strings"

	"github.com/ecrguard/ecrguard/internal/jsonpos"
	"github.com/ecrguard/ecrguard/policy"
)

// object reads the members of one JSON object of a known shape. The first
// problem is kept in err, with its position and what was expected, and
// later reads return zero values, so a reader can take every field and check
// once.
type object struct {
	in   *input
	n    *jsonpos.Node
	what string // "RoleDetailList[3]", "repositories[0]"
	err  error
}

// objectAt starts reading n, which must be an object.
func (in *input) objectAt(n *jsonpos.Node, what string) *object {
	o := &object{in: in, n: n, what: what}
	if n.Kind != jsonpos.Object {
		o.err = in.errorf(n.Off, "%s: expected an object, got %s", what, n.Kind)
	}
	return o
}

func (o *object) field(key string) string {
	if o.what == "" {
		return key
	}
	return o.what + "." + key
}

func (o *object) fail(off int, format string, args ...any) {
	if o.err == nil {
		o.err = o.in.errorf(off, format, args...)
	}
}

// get returns the member key, or nil (recording an error when required).
func (o *object) get(key string, required bool) *jsonpos.Node {
	if o.err != nil {
		return nil
	}
	v := o.n.Get(key)
	if v == nil && required {
		where := o.what
		if where == "" {
			where = "the top-level object"
		}
		o.fail(o.n.Off, "%s: missing %s", where, key)
	}
	return v
}

// typed returns the member key when it is of kind, or nil: when absent, or
// of another kind (an error that says it expected want).
func (o *object) typed(key string, required bool, kind jsonpos.Kind, want string) *jsonpos.Node {
	v := o.get(key, required)
	if v == nil {
		return nil
	}
	if v.Kind != kind {
		o.fail(v.Off, "%s: expected %s, got %s", o.field(key), want, v.Kind)
		return nil
	}
	return v
}

// str returns the string member key ("" when absent and not required).
func (o *object) str(key string, required bool) string {
	v := o.typed(key, required, jsonpos.String, "a string")
	if v == nil {
		return ""
	}
	if required && v.Text == "" {
		o.fail(v.Off, "%s: expected a non-empty string", o.field(key))
	}
	return v.Text
}

// account returns the member key, which must be a 12-digit account id.
func (o *object) account(key string, required bool) string {
	v := o.get(key, required)
	if v == nil {
		return ""
	}
	if v.Kind != jsonpos.String || !policy.IsAccountID(v.Text) {
		o.fail(v.Off, "%s: expected a 12-digit account id as a string, got %s", o.field(key), describe(v))
		return ""
	}
	return v.Text
}

// boolean returns the boolean member key and whether it is present.
func (o *object) boolean(key string) (value, ok bool) {
	v := o.get(key, false)
	if v == nil {
		return false, false
	}
	if v.Kind != jsonpos.Bool {
		o.fail(v.Off, "%s: expected true or false, got %s", o.field(key), describe(v))
		return false, false
	}
	return v.Text == "true", true
}

// array returns the elements of the array member key (nil when absent).
func (o *object) array(key string, required bool) []*jsonpos.Node {
	if v := o.typed(key, required, jsonpos.Array, "an array"); v != nil {
		return v.Elems
	}
	return nil
}

// sub returns the object member key (nil when absent or not an object).
func (o *object) sub(key string, required bool) *object {
	v := o.typed(key, required, jsonpos.Object, "an object")
	if v == nil {
		return nil
	}
	return &object{in: o.in, n: v, what: o.field(key)}
}

// take moves a nested reader's error into o.
func (o *object) take(sub *object) {
	if sub != nil && sub.err != nil && o.err == nil {
		o.err = sub.err
	}
}

// describe shows a value in an error message: a string quoted, a number
// with its text, anything else by its kind.
func describe(n *jsonpos.Node) string {
	switch n.Kind {
	case jsonpos.String:
		s := n.Text
		if len(s) > 80 {
			s = s[:77] + "..."
		}
		return fmt.Sprintf("the string %q", s)
	case jsonpos.Number:
		return "the number " + n.Text
	}
	return n.Kind.String()
}

// tagList reads a list of {"Key": …, "Value": …} (IAM and ECR tags).
func (o *object) tagList(key string) map[string]string {
	elems := o.array(key, false)
	if elems == nil {
		return nil
	}
	tags := make(map[string]string, len(elems))
	for i, e := range elems {
		t := o.in.objectAt(e, fmt.Sprintf("%s[%d]", o.field(key), i))
		k := t.str("Key", true)
		v := t.str("Value", false)
		if t.err != nil {
			o.take(t)
			return nil
		}
		tags[k] = v
	}
	return tags
}

// document decodes the policy document n: an object, or a JSON string that
// holds the document as JSON text, URL-encoded or not (the IAM API returns
// documents URL-encoded; the CLI decodes them).
func (in *input) document(n *jsonpos.Node, what string) (*policy.Document, error) {
	switch n.Kind {
	case jsonpos.Object:
		return policy.DecodeNode(n, in.loc)
	case jsonpos.String:
		text := strings.TrimLeft(n.Text, " \t\r\n")
		return policy.ParseEmbedded(in.data, n.Off, in.loc, !strings.HasPrefix(text, "{"))
	}
	return nil, in.errorf(n.Off, "%s: expected a policy document (an object, or a string holding it as JSON, possibly URL-encoded), got %s", what, describe(n))
}

// labelled prefixes err's message with label, keeping its position.
func labelled(label string, err error) error {
	var pe *policy.Error
	if errors.As(err, &pe) {
		return pe.Prefixed(label + ": ")
	}
	return fmt.Errorf("%s: %w", label, err)
}

// pageMarker returns the member of obj, the top-level object of an AWS CLI
// output, that says the output is one page of several: IsTruncated true (the
// API's marker), or a non-empty Marker, NextToken or nextToken (what the
// AWS CLI writes with --max-items, where it drops IsTruncated). ok is false
// when the output says it is complete.
func pageMarker(obj *jsonpos.Node) (m jsonpos.Member, ok bool) {
	for _, m := range obj.Members {
		v := m.Value
		switch m.Key {
		case "IsTruncated":
			if v.Kind == jsonpos.Bool && v.Text == "true" {
				return m, true
			}
		case "Marker", "NextToken", "nextToken":
			if v.Kind != jsonpos.Null && !(v.Kind == jsonpos.String && v.Text == "") {
				return m, true
			}
		}
	}
	return jsonpos.Member{}, false
}

// describeMarker says what m, a pageMarker, holds, for messages.
func describeMarker(m jsonpos.Member) string {
	if m.Key == "IsTruncated" {
		return "IsTruncated is true"
	}
	return "it has a " + m.Key
}
