// Package policy is the IAM JSON policy language: documents, statements,
// principals and conditions, with the source position of every element.
//
// Decoding is strict where AWS is strict (a document AWS would reject is an
// error naming file:line:column and what was expected) and lenient where AWS
// is lenient: elements that are valid but suspicious, such as a duplicated
// JSON key, are kept and recorded as Problems for validation to report.
//
// The package knows the language, not the services: whether ecr:BatchGetImages
// exists is the catalog's business, and what a statement allows is the
// evaluator's.
package policy

import (
	"cmp"
	"errors"
	"fmt"
	"strings"
)

// Pos is a position in an input file. Line and Col are 1-based; the zero Pos
// means "unknown".
type Pos struct {
	File string
	Line int
	Col  int
}

// IsValid reports whether p names a line.
func (p Pos) IsValid() bool { return p.Line > 0 }

// Compare orders positions by file, then line, then column.
func (p Pos) Compare(o Pos) int {
	return cmp.Or(strings.Compare(p.File, o.File), cmp.Compare(p.Line, o.Line), cmp.Compare(p.Col, o.Col))
}

// String formats p as file:line:col, omitting what is unknown.
func (p Pos) String() string {
	switch {
	case p.File == "" && !p.IsValid():
		return ""
	case !p.IsValid():
		return p.File
	case p.File == "":
		return fmt.Sprintf("%d:%d", p.Line, p.Col)
	}
	return fmt.Sprintf("%s:%d:%d", p.File, p.Line, p.Col)
}

// Language versions of the Version element.
const (
	Version2012 = "2012-10-17"
	Version2008 = "2008-10-17"
)

// Document is one policy document.
type Document struct {
	// Version is the Version element, or "" when absent (which AWS reads as
	// 2008-10-17).
	Version string
	ID      string
	// Statements in document order. A Statement written as a single object
	// rather than a list becomes a one-element list.
	Statements []*Statement
	Pos        Pos
	// Problems are valid-but-suspicious things the decoder kept going past.
	Problems []Problem
}

// VariablesEnabled reports whether ${...} policy variables are substituted:
// only in Version 2012-10-17. Earlier versions treat them as literal text.
func (d *Document) VariablesEnabled() bool { return d.Version == Version2012 }

// Only returns d's statements of effect e, in document order (shared, not
// copied).
func (d *Document) Only(e Effect) []*Statement {
	var out []*Statement
	for _, s := range d.Statements {
		if s.Effect == e {
			out = append(out, s)
		}
	}
	return out
}

// HasPrincipals reports whether any statement has a Principal or
// NotPrincipal element: the mark of a resource-based policy.
func (d *Document) HasPrincipals() bool {
	for _, s := range d.Statements {
		if s.Principal != nil || s.NotPrincipal != nil {
			return true
		}
	}
	return false
}

// Effect is Allow or Deny.
type Effect uint8

// The two effects.
const (
	Allow Effect = iota
	Deny
)

func (e Effect) String() string {
	if e == Deny {
		return "Deny"
	}
	return "Allow"
}

// Value is one string of a policy element with its position. Booleans and
// numbers keep their literal text ("true", "3600").
type Value struct {
	Text string
	Pos  Pos
	// Unknown marks a value that is not known when the policy is read (a
	// Terraform value known only after apply, an unresolved CloudFormation
	// reference). Text then describes where it comes from. The evaluator
	// resolves unknowns to the worst case.
	Unknown bool
	// AccountUnknown marks a principal ARN whose account alone is not
	// known when the policy is read (arn:aws:iam::${var.partner}:root in
	// Terraform): Text holds the ARN with the Placeholder of the expression
	// in the account field. It names one account, which could be any, the
	// owner or a trusted one included.
	AccountUnknown bool
	// StandIn marks a condition value that is not known when the policy is
	// read but can only be specific values of its key: under an exact string
	// operator (StringEquals, StringNotEquals and their IgnoreCase forms,
	// where "*" is a literal character) a value of aws:PrincipalOrgID,
	// aws:PrincipalAccount and the like names one organization or account
	// (a list names some), not everyone. Text holds the Placeholder of the
	// expression that gives it (<var.org_id>): one value, which could be
	// any, the owner's or a trusted one included, and equals no other.
	StandIn bool
}

// Placeholder is how a value not known when an input is read is written
// where an account id or a name goes: the expression that gives it, in
// angle brackets (<var.partner_account>, <aws_ecr_repository.app.name>).
// It is never a 12-digit account id nor a valid repository or IAM name, so
// it names nothing else.
func Placeholder(expr string) string { return "<" + expr + ">" }

// OwnerAccount is the account id of the owner account when the inputs do
// not say which account that is (Terraform or CloudFormation without
// --account): one fixed account, as docs/semantics.md ("The owner
// account") asks, never "every account". Readers build every value that
// depends on it (data.aws_caller_identity's account_id, AWS::AccountId,
// ARNs) with it, so that a principal the template builds from the deploying
// account is the owner's and the reports name it "<owner account>". As a
// Placeholder it is never a 12-digit id: an account a policy names by its id
// is always another account.
const OwnerAccount = "<owner account>"

// IsPlaceholder reports whether s is a Placeholder.
func IsPlaceholder(s string) bool {
	return len(s) > 2 && s[0] == '<' && s[len(s)-1] == '>'
}

// Statement is one element of the Statement list.
type Statement struct {
	Sid    string
	Effect Effect
	// Principal and NotPrincipal are nil when absent.
	Principal    *Principal
	NotPrincipal *Principal
	// Action, NotAction, Resource and NotResource are nil when absent and a
	// non-nil (possibly empty) slice when present.
	Action      []Value
	NotAction   []Value
	Resource    []Value
	NotResource []Value
	Conditions  []Condition
	Pos         Pos
	// Index is the statement's 0-based place in its document.
	Index int
}

// Label names the statement for messages: its Sid, or its ordinal.
func (s *Statement) Label() string {
	if s.Sid != "" {
		return s.Sid
	}
	return fmt.Sprintf("statement #%d", s.Index+1)
}

// Name names the statement in a sentence: statement "Sid", or statement #N
// for one without a Sid.
func (s *Statement) Name() string {
	if s.Sid != "" {
		return fmt.Sprintf("statement %q", s.Sid)
	}
	return s.Label()
}

// Principal kinds, the keys of a principal object.
const (
	KindAWS           = "AWS"
	KindService       = "Service"
	KindFederated     = "Federated"
	KindCanonicalUser = "CanonicalUser"
)

// Principal is a Principal or NotPrincipal element.
type Principal struct {
	Pos Pos
	// Wildcard is the bare string form "Principal": "*".
	Wildcard bool
	Entries  []PrincipalEntry
}

// PrincipalEntry is one principal of a kind: {"AWS": "arn:..."}.
type PrincipalEntry struct {
	Kind  string
	Value Value
}

// IsEveryone reports whether the element names all principals: "*" or
// {"AWS": "*"} (alone or within a list).
func (p *Principal) IsEveryone() bool {
	if p == nil {
		return false
	}
	if p.Wildcard {
		return true
	}
	for _, e := range p.Entries {
		if e.Kind == KindAWS && e.Value.Text == "*" && !e.Value.Unknown {
			return true
		}
	}
	return false
}

// Condition is one key of one operator block: "StringEquals": {"aws:x": [..]}.
type Condition struct {
	// Operator is the operator as written, parsed; Op.Known is false for
	// an operator IAM does not define.
	Operator string
	Op       Operator
	OpPos    Pos
	// Key is the condition key as written; key names are case-insensitive.
	Key    string
	Pos    Pos
	Values []Value
}

// Problem is a valid-but-suspicious element the decoder accepted.
type Problem struct {
	Pos     Pos
	Code    string
	Message string
}

func (p Problem) String() string {
	if s := p.Pos.String(); s != "" {
		return s + ": " + p.Message
	}
	return p.Message
}

// Error is a problem at a position in an input: a policy document AWS
// would not accept, and every other input ecrguard reads with positions (an
// AWS CLI output, a snapshot, a Terraform or CloudFormation file, the
// config). Match it with errors.As, and read Pos rather than the message.
//
// For a policy document, Pos and Msg are the first problem and Problems names
// every one the decoder found, in document order (a missing Effect, an
// unknown Version and a misspelled element of one document are three).
type Error struct {
	Pos Pos
	Msg string
	// Problems are the document's problems, the first of which is Pos and
	// Msg; nil when the error is not about a policy document's content.
	Problems []Problem
}

// Codes of the problems that make a document invalid (Error.Problems).
const (
	CodeInvalidJSON    = "invalid-json"
	CodeUnknownVersion = "unknown-version"
	CodeUnknownElement = "unknown-element"
	CodeMissingElement = "missing-element"
	CodeInvalidEffect  = "invalid-effect"
	CodeInvalidValue   = "invalid-value"
)

func newError(pos Pos, code, msg string) *Error {
	return &Error{Pos: pos, Msg: msg, Problems: []Problem{{Pos: pos, Code: code, Message: msg}}}
}

// All returns every problem of the error: Problems, or the one problem Pos
// and Msg describe.
func (e *Error) All() []Problem {
	if len(e.Problems) > 0 {
		return e.Problems
	}
	return []Problem{{Pos: e.Pos, Code: "invalid-policy", Message: e.Msg}}
}

// Prefixed returns e with prefix before its message and every problem's,
// keeping positions: for readers that say which policy of a file it is.
func (e *Error) Prefixed(prefix string) *Error {
	out := &Error{Pos: e.Pos, Msg: prefix + e.Msg}
	for _, p := range e.Problems {
		p.Message = prefix + p.Message
		out.Problems = append(out.Problems, p)
	}
	return out
}

// ProblemsOf returns the problems of a decoding error (see Error.All), or
// nil when err is not one.
func ProblemsOf(err error) []Problem {
	var pe *Error
	if errors.As(err, &pe) {
		return pe.All()
	}
	return nil
}

// Error formats the problem as file:line:col: message, leaving out what is
// unknown (file:line when only the line is, as in YAML syntax errors).
func (e *Error) Error() string {
	where := e.Pos.String()
	if e.Pos.IsValid() && e.Pos.Col == 0 {
		where = strings.TrimSuffix(where, ":0")
	}
	if where == "" {
		return e.Msg
	}
	return where + ": " + e.Msg
}

// HasWildcard reports whether s contains an IAM wildcard (* or ?).
func HasWildcard(s string) bool { return strings.ContainsAny(s, "*?") }
