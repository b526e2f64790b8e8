package policy_test

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/ecrguard/ecrguard/policy"
)

// marker marks, in a test input, the place an error or element must be
// reported at. at removes it and returns the input with the marker's
// 1-based line and column (in characters), computed here independently of
// the code under test.
const marker = "‸"

func at(t *testing.T, in string) (data []byte, line, col int) {
	t.Helper()
	i := strings.Index(in, marker)
	if i < 0 || strings.Count(in, marker) != 1 {
		t.Fatalf("test input must contain exactly one %s marker: %s", marker, in)
	}
	before := in[:i]
	line = strings.Count(before, "\n") + 1
	col = utf8.RuneCountInString(before[strings.LastIndex(before, "\n")+1:]) + 1
	return []byte(before + in[i+len(marker):]), line, col
}

// IAM User Guide, "IAM JSON policy element reference" and its element pages
// ("Version", "Id", "Statement", "Sid", "Effect", "Principal", "NotPrincipal",
// "Action", "NotAction", "Resource", "NotResource", "Condition") and "Grammar
// of the IAM JSON policy language": a document IAM would reject is an error
// that names file:line:column (the marker) and what was expected there.
func TestParseRejects(t *testing.T) {
	tests := []struct {
		name string
		in   string
		msg  string
	}{
		{"syntax error", `{"Version": "2012-10-17", "Statement": [‸}`, `invalid JSON: unexpected '}', expected a value`},
		{"syntax error on a later line", "{\n  \"Statement\": {\n    \"Effect\": \"Allow\"\n    ‸\"Action\": \"*\"\n  }\n}", `invalid JSON: unexpected '"' in object, expected ',' or '}'`},
		{"empty file", `‸`, "invalid JSON: unexpected end of input, expected a value"},
		{"not an object", `‸["Statement"]`, "policy document: expected an object, got array"},
		{"Version not a string", `{"Version": ‸2012, "Statement": []}`, `Version: expected the string "2012-10-17", got number`},
		{"Version unknown", `{"Version": ‸"2012-10-18", "Statement": []}`, `Version: expected "2012-10-17" or "2008-10-17", got "2012-10-18"`},
		{"Id not a string", `{"Id": ‸["x"], "Statement": []}`, "Id: expected a string, got array"},
		{"unknown top-level element", `{‸"Statements": [], "Statement": []}`, `policy document: unknown element "Statements"; expected Version, Id or Statement`},
		{"top-level element in the wrong case", `{‸"statement": []}`, `unknown element "statement" (did you mean "Statement"? element names are case-sensitive)`},
		{"missing Statement", `‸{"Version": "2012-10-17"}`, "policy document: missing the Statement element"},
		{"Statement a string", `{"Statement": ‸"Allow everything"}`, "Statement: expected an array of statements or one statement object, got string"},
		{"Statement null", `{"Statement": ‸null}`, "Statement: expected an array of statements or one statement object, got null"},
		{"statement not an object", `{"Statement": [{"Effect": "Allow", "Action": "*"}, ‸"x"]}`, "Statement[1]: expected an object, got string"},
		{"Sid not a string", `{"Statement": {"Sid": ‸1, "Effect": "Allow", "Action": "*"}}`, "Sid: expected a string, got number"},
		{"Effect lower case", `{"Statement": {"Effect": ‸"allow", "Action": "*"}}`, `Effect: expected "Allow" or "Deny" (case-sensitive), got "allow"`},
		{"Effect a boolean", `{"Statement": {"Effect": ‸true, "Action": "*"}}`, `Effect: expected "Allow" or "Deny" (case-sensitive), got boolean`},
		{"missing Effect", `{"Statement": [‸{"Action": "*", "Resource": "*"}]}`, `Statement[0]: missing the Effect element ("Allow" or "Deny")`},
		{"unknown statement element", `{"Statement": {"Effect": "Allow", ‸"Actions": "*"}}`, `Statement[0]: unknown element "Actions"; expected one of Sid, Effect, Principal, NotPrincipal, Action, NotAction, Resource, NotResource, Condition`},
		{"statement element in the wrong case", `{"Statement": {"Effect": "Allow", "Action": "*", ‸"resource": "*"}}`, `unknown element "resource" (did you mean "Resource"?`},
		{"missing Action", `{"Statement": [{"Effect": "Allow", "Action": "*"}, ‸{"Effect": "Deny", "Resource": "*"}]}`, "Statement[1]: missing Action or NotAction"},
		{"Action and NotAction", `{"Statement": ‸{"Effect": "Allow", "Action": "*", "NotAction": "ecr:*"}}`, "Statement[0]: has both Action and NotAction; use one"},
		{"Resource and NotResource", `{"Statement": ‸{"Effect": "Allow", "Action": "*", "Resource": "*", "NotResource": "*"}}`, "Statement[0]: has both Resource and NotResource; use one"},
		{"Principal and NotPrincipal", `{"Statement": ‸{"Effect": "Deny", "Action": "*", "Principal": "*", "NotPrincipal": "*"}}`, "Statement[0]: has both Principal and NotPrincipal; use one"},
		{"Action a number", `{"Statement": {"Effect": "Allow", "Action": ‸3}}`, "Action: expected a string or an array of strings, got number"},
		{"Action list with an object", `{"Statement": {"Effect": "Allow", "Action": ["ecr:*", ‸{}]}}`, "Action: expected a string or an array of strings, got object"},
		{"NotAction null", `{"Statement": {"Effect": "Allow", "NotAction": ‸null}}`, "NotAction: expected a string or an array of strings, got null"},
		{"Resource a boolean", `{"Statement": {"Effect": "Allow", "Action": "*", "Resource": ‸false}}`, "Resource: expected a string or an array of strings, got boolean"},
		{"Resource nested list", `{"Statement": {"Effect": "Allow", "Action": "*", "Resource": [‸["*"]]}}`, "Resource: expected a string or an array of strings, got array"},
		{"NotResource a number", `{"Statement": {"Effect": "Allow", "Action": "*", "NotResource": [‸1]}}`, "NotResource: expected a string or an array of strings, got number"},
		{"Principal a string other than *", `{"Statement": {"Effect": "Allow", "Action": "*", "Principal": ‸"arn:aws:iam::111122223333:root"}}`, `Principal: expected "*" or an object such as {"AWS": "arn:aws:iam::111122223333:root"}, got the string "arn:aws:iam::111122223333:root"`},
		{"Principal an array", `{"Statement": {"Effect": "Allow", "Action": "*", "Principal": ‸["*"]}}`, `Principal: expected "*" or an object of principal kinds, got array`},
		{"Principal kind in the wrong case", `{"Statement": {"Effect": "Allow", "Action": "*", "Principal": {‸"aws": "*"}}}`, `Principal: unknown principal kind "aws" (did you mean "AWS"? element names are case-sensitive); expected AWS, Service, Federated or CanonicalUser`},
		{"Principal kind unknown", `{"Statement": {"Effect": "Allow", "Action": "*", "Principal": {‸"User": "*"}}}`, `Principal: unknown principal kind "User"; expected AWS, Service, Federated or CanonicalUser`},
		{"Principal AWS a boolean", `{"Statement": {"Effect": "Allow", "Action": "*", "Principal": {"AWS": ‸true}}}`, "Principal.AWS: expected a string or an array of strings, got boolean"},
		{"Principal Service a number", `{"Statement": {"Effect": "Allow", "Action": "*", "Principal": {"Service": [‸1]}}}`, "Principal.Service: expected a string or an array of strings, got number"},
		{"NotPrincipal a number", `{"Statement": {"Effect": "Deny", "Action": "*", "NotPrincipal": ‸1}}`, `NotPrincipal: expected "*" or an object of principal kinds, got number`},
		{"NotPrincipal AWS null", `{"Statement": {"Effect": "Deny", "Action": "*", "NotPrincipal": {"AWS": ‸null}}}`, "NotPrincipal.AWS: expected a string or an array of strings, got null"},
		{"Condition a list", `{"Statement": {"Effect": "Allow", "Action": "*", "Condition": ‸[]}}`, "Condition: expected an object of operators, got array"},
		{"Condition operator a string", `{"Statement": {"Effect": "Allow", "Action": "*", "Condition": {"Bool": ‸"aws:SecureTransport"}}}`, "Condition.Bool: expected an object of condition keys, got string"},
		{"Condition value null", `{"Statement": {"Effect": "Allow", "Action": "*", "Condition": {"Null": {"aws:TokenIssueTime": ‸null}}}}`, "Condition.Null.aws:TokenIssueTime: expected a string, number or boolean, or an array of them, got null"},
		{"Condition value an object", `{"Statement": {"Effect": "Allow", "Action": "*", "Condition": {"StringEquals": {"aws:x": ‸{}}}}}`, "Condition.StringEquals.aws:x: expected a string, number or boolean, or an array of them, got object"},
		{"Condition value nested list", `{"Statement": {"Effect": "Allow", "Action": "*", "Condition": {"StringEquals": {"aws:x": ["a", ‸["b"]]}}}}`, "Condition.StringEquals.aws:x: expected a string, number or boolean, or an array of them, got array"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			data, line, col := at(t, tt.in)
			doc, err := policy.Parse(data, "p.json")
			if err == nil {
				t.Fatalf("Parse accepted %s: %+v", data, doc)
			}
			var pe *policy.Error
			if !errors.As(err, &pe) {
				t.Fatalf("error %v (%T) is not a *policy.Error", err, err)
			}
			if pe.Pos.File != "p.json" || pe.Pos.Line != line || pe.Pos.Col != col {
				t.Errorf("error at %s, want p.json:%d:%d (%s)", pe.Pos, line, col, pe.Msg)
			}
			if pe.Msg != tt.msg && !strings.Contains(pe.Msg, tt.msg) {
				t.Errorf("message %q, want it to contain %q", pe.Msg, tt.msg)
			}
			if !strings.HasPrefix(err.Error(), pe.Pos.String()+": ") {
				t.Errorf("Error() = %q does not start with the position", err.Error())
			}
		})
	}
}

// IAM User Guide, "Grammar of the IAM JSON policy language" (Notes: an
// <action_string>, <resource_string> and <principal_id_string> list may be a
// single string) and "IAM JSON policy elements: Statement" (one statement
// object or an array of them).
func TestParseStringOrList(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want func(s *policy.Statement) []policy.Value
		text []string
	}{
		{"Action string", `{"Statement": {"Effect": "Allow", "Action": "ecr:BatchGetImage"}}`, func(s *policy.Statement) []policy.Value { return s.Action }, []string{"ecr:BatchGetImage"}},
		{"Action list", `{"Statement": {"Effect": "Allow", "Action": ["ecr:BatchGetImage", "ecr:PutImage"]}}`, func(s *policy.Statement) []policy.Value { return s.Action }, []string{"ecr:BatchGetImage", "ecr:PutImage"}},
		{"NotAction string", `{"Statement": {"Effect": "Allow", "NotAction": "ecr:Delete*"}}`, func(s *policy.Statement) []policy.Value { return s.NotAction }, []string{"ecr:Delete*"}},
		{"Resource string", `{"Statement": {"Effect": "Allow", "Action": "*", "Resource": "*"}}`, func(s *policy.Statement) []policy.Value { return s.Resource }, []string{"*"}},
		{"NotResource list", `{"Statement": {"Effect": "Allow", "Action": "*", "NotResource": ["a", "b"]}}`, func(s *policy.Statement) []policy.Value { return s.NotResource }, []string{"a", "b"}},
		{"empty Resource list", `{"Statement": {"Effect": "Allow", "Action": "*", "Resource": []}}`, func(s *policy.Statement) []policy.Value { return s.Resource }, []string{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			doc, err := policy.Parse([]byte(tt.in), "p.json")
			if err != nil {
				t.Fatal(err)
			}
			got := tt.want(doc.Statements[0])
			if got == nil {
				t.Fatal("element decoded as absent (nil)")
			}
			if len(got) != len(tt.text) {
				t.Fatalf("got %d values, want %v", len(got), tt.text)
			}
			for i, v := range got {
				if v.Text != tt.text[i] || !v.Pos.IsValid() || v.Unknown {
					t.Errorf("value %d = %+v, want %q with a position", i, v, tt.text[i])
				}
			}
		})
	}
}

// IAM User Guide, "AWS JSON policy elements: Principal": "*" and
// {"AWS": "*"} both name everyone; an account may be given as a 12-digit id
// (here as a JSON number, kept as text and flagged); Service, Federated and
// CanonicalUser are principal kinds.
func TestParsePrincipal(t *testing.T) {
	tests := []struct {
		name     string
		elem     string
		wildcard bool
		everyone bool
		entries  []policy.PrincipalEntry
		problem  string
	}{
		{"bare star", `"*"`, true, true, nil, ""},
		{"AWS star", `{"AWS": "*"}`, false, true, []policy.PrincipalEntry{{Kind: "AWS", Value: policy.Value{Text: "*"}}}, ""},
		{"AWS list containing star", `{"AWS": ["arn:aws:iam::444455556666:root", "*"]}`, false, true, []policy.PrincipalEntry{{Kind: "AWS", Value: policy.Value{Text: "arn:aws:iam::444455556666:root"}}, {Kind: "AWS", Value: policy.Value{Text: "*"}}}, ""},
		{"account id as a string", `{"AWS": "444455556666"}`, false, false, []policy.PrincipalEntry{{Kind: "AWS", Value: policy.Value{Text: "444455556666"}}}, ""},
		{"account id as a number", `{"AWS": 444455556666}`, false, false, []policy.PrincipalEntry{{Kind: "AWS", Value: policy.Value{Text: "444455556666"}}}, "numeric-principal"},
		{"account ids as numbers in a list", `{"AWS": [444455556666, "arn:aws:iam::111122223333:user/alice"]}`, false, false, []policy.PrincipalEntry{{Kind: "AWS", Value: policy.Value{Text: "444455556666"}}, {Kind: "AWS", Value: policy.Value{Text: "arn:aws:iam::111122223333:user/alice"}}}, "numeric-principal"},
		{"service", `{"Service": ["codebuild.amazonaws.com", "lambda.amazonaws.com"]}`, false, false, []policy.PrincipalEntry{{Kind: "Service", Value: policy.Value{Text: "codebuild.amazonaws.com"}}, {Kind: "Service", Value: policy.Value{Text: "lambda.amazonaws.com"}}}, ""},
		{"service star is not everyone", `{"Service": "*"}`, false, false, []policy.PrincipalEntry{{Kind: "Service", Value: policy.Value{Text: "*"}}}, ""},
		{"federated", `{"Federated": "cognito-identity.amazonaws.com"}`, false, false, []policy.PrincipalEntry{{Kind: "Federated", Value: policy.Value{Text: "cognito-identity.amazonaws.com"}}}, ""},
		{"canonical user", `{"CanonicalUser": "79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be"}`, false, false, []policy.PrincipalEntry{{Kind: "CanonicalUser", Value: policy.Value{Text: "79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be"}}}, ""},
		{"several kinds", `{"AWS": "arn:aws:iam::111122223333:role/r", "Service": "ecr.amazonaws.com"}`, false, false, []policy.PrincipalEntry{{Kind: "AWS", Value: policy.Value{Text: "arn:aws:iam::111122223333:role/r"}}, {Kind: "Service", Value: policy.Value{Text: "ecr.amazonaws.com"}}}, ""},
		{"empty object names nobody", `{}`, false, false, nil, "empty-principal"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for _, elem := range []string{"Principal", "NotPrincipal"} {
				in := `{"Version": "2012-10-17", "Statement": {"Effect": "Deny", "Action": "*", "` + elem + `": ` + tt.elem + `}}`
				doc, err := policy.Parse([]byte(in), "p.json")
				if err != nil {
					t.Fatal(err)
				}
				s := doc.Statements[0]
				p := s.Principal
				if elem == "NotPrincipal" {
					p = s.NotPrincipal
					if s.Principal != nil {
						t.Error("NotPrincipal decoded into Principal")
					}
				}
				if p == nil || !p.Pos.IsValid() {
					t.Fatalf("%s = %+v, want an element with a position", elem, p)
				}
				if p.Wildcard != tt.wildcard || p.IsEveryone() != tt.everyone {
					t.Errorf("%s: Wildcard=%v IsEveryone=%v, want %v %v", elem, p.Wildcard, p.IsEveryone(), tt.wildcard, tt.everyone)
				}
				if len(p.Entries) != len(tt.entries) {
					t.Fatalf("%s entries = %+v, want %+v", elem, p.Entries, tt.entries)
				}
				for i, e := range p.Entries {
					if e.Kind != tt.entries[i].Kind || e.Value.Text != tt.entries[i].Value.Text || !e.Value.Pos.IsValid() {
						t.Errorf("%s entry %d = %+v, want %+v", elem, i, e, tt.entries[i])
					}
				}
				if got := problemCodes(doc); (tt.problem == "") != (got == "") || !strings.Contains(got, tt.problem) {
					t.Errorf("%s problems = %q, want %q", elem, got, tt.problem)
				}
				if !doc.HasPrincipals() {
					t.Errorf("%s: HasPrincipals() = false", elem)
				}
			}
		})
	}
	var nilP *policy.Principal
	if nilP.IsEveryone() {
		t.Error("a nil Principal names nobody")
	}
	unknown := &policy.Principal{Entries: []policy.PrincipalEntry{{Kind: "AWS", Value: policy.Value{Text: "*", Unknown: true}}}}
	if unknown.IsEveryone() {
		t.Error("an unknown value is not known to be *")
	}
}

func problemCodes(doc *policy.Document) string {
	var codes []string
	for _, p := range doc.Problems {
		codes = append(codes, p.Code)
	}
	return strings.Join(codes, ",")
}

// IAM User Guide, "IAM JSON policy elements: Condition": a condition value
// is a string or a list of them; booleans and numbers are written as JSON
// literals in AWS's own examples ({"aws:SecureTransport": false},
// {"s3:max-keys": 10}) and keep their literal text.
func TestParseConditionValues(t *testing.T) {
	in := `{"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "*", "Resource": "*", "Condition": {
		"Bool": {"aws:SecureTransport": true, "aws:MultiFactorAuthPresent": "false"},
		"NumericLessThan": {"aws:MultiFactorAuthAge": 3600.5},
		"StringEquals": {"aws:PrincipalTag/team": ["platform", 7, false]},
		"ForAnyValue:StringLike": {"aws:TagKeys": []},
		"NotAnOperator": {"aws:x": "y"}
	}}}`
	doc, err := policy.Parse([]byte(in), "p.json")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		op, key string
		values  []string
		family  policy.Family
		known   bool
	}{
		{"Bool", "aws:SecureTransport", []string{"true"}, policy.FamilyBool, true},
		{"Bool", "aws:MultiFactorAuthPresent", []string{"false"}, policy.FamilyBool, true},
		{"NumericLessThan", "aws:MultiFactorAuthAge", []string{"3600.5"}, policy.FamilyNumeric, true},
		{"StringEquals", "aws:PrincipalTag/team", []string{"platform", "7", "false"}, policy.FamilyString, true},
		{"ForAnyValue:StringLike", "aws:TagKeys", []string{}, policy.FamilyString, true},
		{"NotAnOperator", "aws:x", []string{"y"}, policy.FamilyUnknown, false},
	}
	conds := doc.Statements[0].Conditions
	if len(conds) != len(tests) {
		t.Fatalf("got %d conditions, want %d", len(conds), len(tests))
	}
	for i, tt := range tests {
		t.Run(tt.op+" "+tt.key, func(t *testing.T) {
			c := conds[i]
			if c.Operator != tt.op || c.Key != tt.key || c.Op.Family != tt.family || c.Op.Known != tt.known {
				t.Errorf("condition = %s %s (%v known=%v), want %s %s (%v known=%v)", c.Operator, c.Key, c.Op.Family, c.Op.Known, tt.op, tt.key, tt.family, tt.known)
			}
			if !c.Pos.IsValid() || !c.OpPos.IsValid() || c.OpPos.Line > c.Pos.Line {
				t.Errorf("positions: operator %s key %s", c.OpPos, c.Pos)
			}
			if len(c.Values) != len(tt.values) {
				t.Fatalf("values = %+v, want %q", c.Values, tt.values)
			}
			for j, v := range c.Values {
				if v.Text != tt.values[j] || !v.Pos.IsValid() {
					t.Errorf("value %d = %+v, want %q", j, v, tt.values[j])
				}
			}
		})
	}
	if got := problemCodes(doc); got != "empty-list" {
		t.Errorf("problems = %q, want the empty value list flagged", got)
	}
}

// IAM User Guide, "IAM JSON policy elements: Version": 2012-10-17 is the
// current version; 2008-10-17 is the older one and, as "IAM policy elements:
// Variables and tags" says, a document without Version is read as it and
// treats ${...} as literal text.
func TestParseVersion(t *testing.T) {
	tests := []struct {
		name, version string
		want          string
		vars          bool
	}{
		{"2012", `"Version": "2012-10-17",`, policy.Version2012, true},
		{"2008", `"Version": "2008-10-17",`, policy.Version2008, false},
		{"absent", ``, "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			doc, err := policy.Parse([]byte(`{`+tt.version+` "Id": "my-policy", "Statement": []}`), "p.json")
			if err != nil {
				t.Fatal(err)
			}
			if doc.Version != tt.want || doc.VariablesEnabled() != tt.vars || doc.ID != "my-policy" {
				t.Errorf("Version=%q VariablesEnabled=%v ID=%q, want %q %v", doc.Version, doc.VariablesEnabled(), doc.ID, tt.want, tt.vars)
			}
			if len(doc.Statements) != 0 || doc.Statements == nil {
				t.Errorf("an empty Statement list decodes to an empty, non-nil list: %#v", doc.Statements)
			}
		})
	}
}

// IAM User Guide, "IAM JSON policy elements: Statement" (a single statement
// object or an array), "IAM JSON policy elements: Sid" (optional; unique
// within the policy).
func TestParseStatements(t *testing.T) {
	data, line, col := at(t, "{\"Version\": \"2012-10-17\",\n \"Statement\": ‸{\"Effect\": \"Deny\", \"Action\": \"ecr:DeleteRepository\", \"Resource\": \"*\"}}")
	doc, err := policy.Parse(data, "p.json")
	if err != nil {
		t.Fatal(err)
	}
	if len(doc.Statements) != 1 {
		t.Fatalf("a statement object decodes to %d statements, want 1", len(doc.Statements))
	}
	s := doc.Statements[0]
	if s.Effect != policy.Deny || s.Index != 0 || s.Sid != "" || s.Label() != "statement #1" {
		t.Errorf("statement = %+v (label %q)", s, s.Label())
	}
	if s.Pos != (policy.Pos{File: "p.json", Line: line, Col: col}) {
		t.Errorf("statement at %s, want p.json:%d:%d", s.Pos, line, col)
	}
	if doc.Pos != (policy.Pos{File: "p.json", Line: 1, Col: 1}) {
		t.Errorf("document at %s, want p.json:1:1", doc.Pos)
	}
	if doc.HasPrincipals() {
		t.Error("an identity policy has no principals")
	}
	if s.Principal != nil || s.NotPrincipal != nil || s.NotAction != nil || s.NotResource != nil || s.Conditions != nil {
		t.Errorf("absent elements must decode as nil: %+v", s)
	}

	doc, err = policy.Parse([]byte(`{"Statement": [
		{"Sid": "A", "Effect": "Allow", "Action": "*"},
		{"Effect": "Allow", "Action": "*"},
		{"Sid": "A", "Effect": "Deny", "Action": "*"}]}`), "p.json")
	if err != nil {
		t.Fatal(err)
	}
	labels := []string{"A", "statement #2", "A"}
	for i, s := range doc.Statements {
		if s.Index != i || s.Label() != labels[i] {
			t.Errorf("statement %d: Index=%d Label=%q, want %d %q", i, s.Index, s.Label(), i, labels[i])
		}
	}
	if len(doc.Problems) != 1 || doc.Problems[0].Code != "duplicate-sid" || doc.Problems[0].Pos != doc.Statements[2].Pos ||
		!strings.Contains(doc.Problems[0].Message, `Sid "A" is used by two statements (also at p.json:2:3)`) {
		t.Errorf("problems = %+v, want one duplicate-sid at the second A", doc.Problems)
	}
	if got := doc.Problems[0].String(); !strings.HasPrefix(got, doc.Statements[2].Pos.String()+": Sid") {
		t.Errorf("Problem.String() = %q", got)
	}
}

// RFC 8259 section 4 leaves duplicate object keys to the reader; IAM reads
// the last one (as encoding/json does). The decoder keeps the last and
// records every duplicate as a Problem at the duplicate key.
func TestParseDuplicateKeys(t *testing.T) {
	tests := []struct {
		name  string
		in    string
		check func(*policy.Document) bool
		where string
	}{
		{"Effect twice: the last wins", `{"Statement": {"Effect": "Allow", "Action": "*", ‸"Effect": "Deny"}}`,
			func(d *policy.Document) bool { return d.Statements[0].Effect == policy.Deny }, `Statement[0] has the key "Effect" twice`},
		{"Statement twice", `{"Statement": [], ‸"Statement": [{"Effect": "Allow", "Action": "*"}]}`,
			func(d *policy.Document) bool { return len(d.Statements) == 1 }, `the policy document has the key "Statement" twice`},
		{"Resource twice", `{"Statement": {"Effect": "Allow", "Action": "*", "Resource": "a", ‸"Resource": "b"}}`,
			func(d *policy.Document) bool { return d.Statements[0].Resource[0].Text == "b" }, `has the key "Resource" twice`},
		{"principal kind twice", `{"Statement": {"Effect": "Allow", "Action": "*", "Principal": {"AWS": "1", ‸"AWS": "2"}}}`,
			func(d *policy.Document) bool {
				e := d.Statements[0].Principal.Entries
				return len(e) == 1 && e[0].Value.Text == "2"
			}, `Principal has the key "AWS" twice`},
		{"operator twice", `{"Statement": {"Effect": "Allow", "Action": "*", "Condition": {"Bool": {"aws:a": "true"}, ‸"Bool": {"aws:b": "true"}}}}`,
			func(d *policy.Document) bool {
				c := d.Statements[0].Conditions
				return len(c) == 1 && c[0].Key == "aws:b"
			}, `Condition has the key "Bool" twice`},
		{"condition key twice", `{"Statement": {"Effect": "Allow", "Action": "*", "Condition": {"StringEquals": {"aws:a": "1", ‸"aws:a": "2"}}}}`,
			func(d *policy.Document) bool {
				c := d.Statements[0].Conditions
				return len(c) == 1 && c[0].Values[0].Text == "2"
			}, `Condition.StringEquals has the key "aws:a" twice`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			data, line, col := at(t, tt.in)
			doc, err := policy.Parse(data, "p.json")
			if err != nil {
				t.Fatal(err)
			}
			if !tt.check(doc) {
				t.Errorf("the last duplicate did not take effect: %+v", doc.Statements[0])
			}
			if len(doc.Problems) != 1 {
				t.Fatalf("problems = %+v, want one", doc.Problems)
			}
			p := doc.Problems[0]
			if p.Code != "duplicate-key" || p.Pos.Line != line || p.Pos.Col != col || !strings.Contains(p.Message, tt.where) || !strings.Contains(p.Message, "only the last one takes effect") {
				t.Errorf("problem = %+v at %s, want duplicate-key at %d:%d mentioning %q", p, p.Pos, line, col, tt.where)
			}
		})
	}
}

func TestPosString(t *testing.T) {
	tests := []struct {
		pos  policy.Pos
		want string
	}{
		{policy.Pos{}, ""},
		{policy.Pos{File: "a.json"}, "a.json"},
		{policy.Pos{Line: 3, Col: 7}, "3:7"},
		{policy.Pos{File: "a.json", Line: 3, Col: 7}, "a.json:3:7"},
	}
	for _, tt := range tests {
		t.Run(tt.want, func(t *testing.T) {
			if got := tt.pos.String(); got != tt.want {
				t.Errorf("String() = %q, want %q", got, tt.want)
			}
		})
	}
	if got := (&policy.Error{Msg: "x"}).Error(); got != "x" {
		t.Errorf("Error without a position = %q", got)
	}
	if got := (policy.Problem{Message: "m"}).String(); got != "m" {
		t.Errorf("Problem without a position = %q", got)
	}
	if policy.Allow.String() != "Allow" || policy.Deny.String() != "Deny" {
		t.Error("Effect.String")
	}
}

// ParseEmbedded reads the policyText of `aws ecr get-repository-policy`
// output (ECR User Guide, "Private repository policies"; AWS CLI
// get-repository-policy output), a policy held as a JSON string with escaped
// quotes and new lines, and reports positions in the outer file: the line
// and column of the escape sequence or character inside the string literal.
func TestParseEmbedded(t *testing.T) {
	outer, err := os.ReadFile(filepath.Join("testdata", "get-repository-policy.json"))
	if err != nil {
		t.Fatal(err)
	}
	off := strings.Index(string(outer), `"{\n`)
	if off < 0 {
		t.Fatal("fixture has no policyText")
	}
	doc, err := policy.ParseEmbedded(outer, off, policy.FileLocator(outer, "repo.json"), false)
	if err != nil {
		t.Fatal(err)
	}
	// The fixture's policyText is on line 4; each inner element is found at
	// the escaped text that produced it. Columns count characters: the ü of
	// the first Sid is two bytes and one column, the é of the second is a
	// six-character \u00e9 escape.
	tests := []struct {
		what string
		got  policy.Pos
		want string // the outer text starting at the reported position
	}{
		{"document", doc.Pos, `{\n  \"Version\"`},
		{"statement 0", doc.Statements[0].Pos, `{\n      \"Sid\": \"PullFromCI-ü\"`},
		{"statement 1", doc.Statements[1].Pos, `{\n      \"Sid\": \"DenyDelete\u00e9\"`},
		{"principal", doc.Statements[0].Principal.Pos, `{\"AWS\": \"arn:aws:iam::111122223333:role/ci\"}`},
		{"principal value", doc.Statements[0].Principal.Entries[0].Value.Pos, `\"arn:aws:iam::111122223333:role/ci\"`},
		{"action after a unicode escape", doc.Statements[1].Action[0].Pos, `\"ecr:DeleteRepository\"`},
		{"condition key", doc.Statements[0].Conditions[0].Pos, `\"aws:SourceIp\"`},
	}
	for _, tt := range tests {
		t.Run(tt.what, func(t *testing.T) {
			if tt.got.File != "repo.json" || tt.got.Line != 4 {
				t.Fatalf("%s at %s, want repo.json line 4", tt.what, tt.got)
			}
			if got := textAt(outer, tt.got); !strings.HasPrefix(got, tt.want) {
				t.Errorf("%s at %s, which is %.40q…, want %q", tt.what, tt.got, got, tt.want)
			}
		})
	}
	if doc.Statements[1].Sid != "DenyDeleteé" {
		t.Errorf("Sid = %q: escapes must be decoded", doc.Statements[1].Sid)
	}
}

// An error inside an embedded document is reported where the user sees it
// in the outer file, with the same message a plain file would get.
func TestParseEmbeddedErrors(t *testing.T) {
	tests := []struct {
		name string
		in   string
		msg  string
	}{
		{"bad Effect after escapes", `{"registryId": "111122223333", "policyText": "{\"Version\":\"2012-10-17\",\n\"Statement\":[{\"Sid\":\"\u00e9\",\"Effect\":‸\"allow\",\"Action\":\"*\"}]}"}`, `Effect: expected "Allow" or "Deny" (case-sensitive), got "allow"`},
		{"syntax error inside", `{"policyText": "{\"Statement\": [‸}"}`, "invalid JSON in the embedded policy document: unexpected '}', expected a value"},
		{"end of the inner text is the closing quote", `{"policyText": "{\"Statement\": ‸"}`, "invalid JSON in the embedded policy document: unexpected end of input, expected a value"},
		{"unknown element on a later outer line", "{\n  \"policyText\": \"{\\\"Statement\\\": [],\\n ‸\\\"Versionn\\\": 1}\"\n}", `unknown element "Versionn"`},
		{"empty inner text", `{"policyText": "‸"}`, "invalid JSON in the embedded policy document: unexpected end of input"},
		{"not a string literal", `{"policyText": ‸{}}`, "expected a string literal"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			data, line, col := at(t, tt.in)
			off := strings.Index(string(data), `"policyText": `) + len(`"policyText": `)
			_, err := policy.ParseEmbedded(data, off, policy.FileLocator(data, "repo.json"), false)
			var pe *policy.Error
			if !errors.As(err, &pe) {
				t.Fatalf("err = %v, want a *policy.Error", err)
			}
			if pe.Pos.File != "repo.json" || pe.Pos.Line != line || pe.Pos.Col != col {
				t.Errorf("error at %s, want repo.json:%d:%d (%s)", pe.Pos, line, col, pe.Msg)
			}
			if !strings.Contains(pe.Msg, tt.msg) {
				t.Errorf("message %q, want it to contain %q", pe.Msg, tt.msg)
			}
			// A syntax error has the code a plain file's gets.
			if strings.Contains(tt.msg, "JSON") || strings.Contains(tt.msg, "string literal") {
				if all := pe.All(); len(all) != 1 || all[0].Code != policy.CodeInvalidJSON {
					t.Errorf("problems %+v, want one %s", all, policy.CodeInvalidJSON)
				}
			}
		})
	}
}

// textAt returns data from the 1-based line and character column of pos.
func textAt(data []byte, pos policy.Pos) string {
	lines := strings.Split(string(data), "\n")
	if pos.Line < 1 || pos.Line > len(lines) {
		return ""
	}
	l := lines[pos.Line-1]
	for i := 1; i < pos.Col && l != ""; i++ {
		_, size := utf8.DecodeRuneInString(l)
		l = l[size:]
	}
	return l
}

// FixedLocator places every element at one position (documents translated
// from HCL or YAML); DecodeNode decodes an already parsed value.
func TestFixedLocator(t *testing.T) {
	pos := policy.Pos{File: "main.tf", Line: 12, Col: 3}
	doc, err := policy.ParseWith([]byte(`{"Statement": {"Effect": "Allow", "Action": "*"}}`), policy.FixedLocator(pos))
	if err != nil {
		t.Fatal(err)
	}
	if doc.Pos != pos || doc.Statements[0].Pos != pos || doc.Statements[0].Action[0].Pos != pos {
		t.Errorf("positions %s %s, want all %s", doc.Pos, doc.Statements[0].Pos, pos)
	}
	_, err = policy.ParseWith([]byte(`{"Statement": {"Effect": "allow", "Action": "*"}}`), policy.FixedLocator(pos))
	var pe *policy.Error
	if !errors.As(err, &pe) || pe.Pos != pos {
		t.Errorf("err = %v, want an error at %s", err, pos)
	}
}

// IAM User Guide, "IAM JSON policy element reference" ("Version",
// "Effect", "Statement") and docs/rules: a document with several
// problems names every one, each at its position, not only the first (the
// first stays the error's Pos and Msg).
func TestParseNamesEveryProblem(t *testing.T) {
	tests := []struct {
		name string
		in   string
		// want are the codes and line:col of the problems, in order.
		want []string
	}{
		{"unknown Version, missing Effect, misspelled elements",
			"{\n \"Version\": \"2012-10-18\",\n \"Statement\": [\n  {\"Actions\": \"ecr:*\", \"Princpal\": \"*\"},\n  {\"Effect\": \"allow\", \"Action\": \"ecr:*\"}\n ]\n}",
			[]string{"unknown-version 2:13", "unknown-element 4:4", "unknown-element 4:24", "missing-element 4:3", "missing-element 4:3", "invalid-effect 5:14"}},
		{"an invalid Action is not also a missing one", `{"Statement": {"Effect": "Allow", "Action": 3}}`, []string{"invalid-value 1:45"}},
		{"bad values in lists, the rest kept", `{"Statement": {"Effect": "Allow", "Action": ["ecr:*", 1, 2]}}`, []string{"invalid-value 1:55", "invalid-value 1:58"}},
		{"bad principal kind and condition", `{"Statement": {"Effect": "Allow", "Action": "*", "Principal": {"User": "*"}, "Condition": {"Bool": "x"}}}`, []string{"unknown-element 1:64", "invalid-value 1:100"}},
		{"one statement not an object", `{"Statement": ["x", {"Effect": "Deny"}]}`, []string{"invalid-value 1:16", "missing-element 1:21"}},
		{"invalid JSON is one problem", `{"Statement": [}`, []string{"invalid-json 1:16"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := policy.Parse([]byte(tt.in), "p.json")
			var pe *policy.Error
			if !errors.As(err, &pe) {
				t.Fatalf("error %v, want a *policy.Error", err)
			}
			var got []string
			for _, p := range pe.All() {
				got = append(got, fmt.Sprintf("%s %d:%d", p.Code, p.Pos.Line, p.Pos.Col))
				if p.Pos.File != "p.json" || p.Message == "" {
					t.Errorf("problem %+v has no file or message", p)
				}
			}
			if strings.Join(got, ", ") != strings.Join(tt.want, ", ") {
				t.Errorf("problems\n got %v\nwant %v", got, tt.want)
			}
			if first := pe.All()[0]; first.Pos != pe.Pos || first.Message != pe.Msg {
				t.Errorf("the first problem %+v is not the error's %s %q", first, pe.Pos, pe.Msg)
			}
			if ps := policy.ProblemsOf(fmt.Errorf("wrapped: %w", err)); len(ps) != len(tt.want) {
				t.Errorf("ProblemsOf a wrapped error = %d problems, want %d", len(ps), len(tt.want))
			}
		})
	}
}

// Only keeps the statements of one effect, in document order.
func TestOnly(t *testing.T) {
	doc, err := policy.Parse([]byte(`{"Version":"2012-10-17","Statement":[
		{"Sid":"A","Effect":"Allow","Action":"*","Resource":"*"},
		{"Sid":"D","Effect":"Deny","Action":"*","Resource":"*"},
		{"Sid":"B","Effect":"Allow","Action":"*","Resource":"*"}]}`), "p.json")
	if err != nil {
		t.Fatal(err)
	}
	var sids []string
	for _, s := range doc.Only(policy.Allow) {
		sids = append(sids, s.Sid)
	}
	if strings.Join(sids, ",") != "A,B" || len(doc.Only(policy.Deny)) != 1 || doc.Only(policy.Deny)[0] != doc.Statements[1] {
		t.Errorf("Only(Allow) = %v, Only(Deny) = %v", sids, doc.Only(policy.Deny))
	}
}
