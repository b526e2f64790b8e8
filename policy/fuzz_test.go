package policy_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"regexp"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/ecrguard/ecrguard/policy"
)

// FuzzParse feeds the decoder arbitrary bytes (seeded from the conformance
// corpus's policies, testdata/fuzz/FuzzParse). It must never panic; a
// rejection is a *policy.Error at a real position of the file; an accepted
// document satisfies the grammar's invariants, every element has a
// position, and the same document held in a JSON string (ParseEmbedded)
// decodes to the same result with positions inside the outer file.
func FuzzParse(f *testing.F) {
	f.Add([]byte(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"ecr:*","Condition":{"StringEquals":{"aws:PrincipalOrgID":"o-a1b2c3d4e5"}}}]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		doc, err := policy.Parse(data, "f.json")
		if err != nil {
			checkError(t, data, err)
		} else {
			checkDocument(t, doc)
			if utf8.Valid(data) && !json.Valid(data) {
				t.Fatalf("accepted a document encoding/json rejects: %q", data)
			}
		}
		if !utf8.Valid(data) {
			return // json.Marshal would replace the invalid bytes
		}
		quoted, _ := json.Marshal(string(data))
		outer := append([]byte(`{"policyText": `), quoted...)
		outer = append(outer, '}')
		edoc, eerr := policy.ParseEmbedded(outer, len(`{"policyText": `), policy.FileLocator(outer, "o.json"), false)
		if (err == nil) != (eerr == nil) {
			t.Fatalf("Parse error %v, ParseEmbedded error %v", err, eerr)
		}
		if err != nil {
			var pe, epe *policy.Error
			errors.As(err, &pe)
			// Invalid JSON inside the string says it is the embedded document's.
			want := strings.Replace(pe.Msg, "invalid JSON: ", "invalid JSON in the embedded policy document: ", 1)
			if !errors.As(eerr, &epe) || epe.Msg != want {
				t.Fatalf("ParseEmbedded error %v, Parse error %v", eerr, err)
			}
			checkPos(t, outer, epe.Pos, "o.json")
			return
		}
		if len(edoc.Statements) != len(doc.Statements) || edoc.Version != doc.Version || len(edoc.Problems) != len(doc.Problems) {
			t.Fatalf("ParseEmbedded decoded a different document")
		}
		for i, s := range edoc.Statements {
			checkPos(t, outer, s.Pos, "o.json")
			// json.Marshal does not escape '{', so a statement starts at one.
			if line := textAt(outer, s.Pos); !strings.HasPrefix(line, "{") || s.Sid != doc.Statements[i].Sid || s.Effect != doc.Statements[i].Effect {
				t.Fatalf("embedded statement %d at %s: %.20q", i, s.Pos, line)
			}
		}
	})
}

func checkError(t *testing.T, data []byte, err error) {
	t.Helper()
	var pe *policy.Error
	if !errors.As(err, &pe) {
		t.Fatalf("error %v (%T) is not a *policy.Error", err, err)
	}
	checkPos(t, data, pe.Pos, "f.json")
	if pe.Msg == "" || !strings.HasPrefix(err.Error(), pe.Pos.String()+": ") {
		t.Fatalf("error %q does not start with its position", err)
	}
	// Every problem is named, each at a position in the file; the first
	// is the error's own.
	all := pe.All()
	if len(all) == 0 || all[0].Pos != pe.Pos || all[0].Message != pe.Msg {
		t.Fatalf("problems %+v do not start with the error %s %q", all, pe.Pos, pe.Msg)
	}
	for _, p := range all {
		checkPos(t, data, p.Pos, "f.json")
		if p.Code == "" || p.Message == "" {
			t.Fatalf("problem without code or message: %+v", p)
		}
	}
}

// checkPos verifies that pos names a character of data, or the end of it.
func checkPos(t *testing.T, data []byte, pos policy.Pos, file string) {
	t.Helper()
	lines := bytes.Split(data, []byte("\n"))
	if pos.File != file || pos.Line < 1 || pos.Line > len(lines) || pos.Col < 1 || pos.Col > utf8.RuneCount(lines[pos.Line-1])+1 {
		t.Fatalf("position %s is outside %s (%d lines)", pos, file, len(lines))
	}
}

func checkDocument(t *testing.T, doc *policy.Document) {
	t.Helper()
	if !doc.Pos.IsValid() {
		t.Fatal("document without a position")
	}
	if doc.Version != "" && doc.Version != policy.Version2012 && doc.Version != policy.Version2008 {
		t.Fatalf("Version %q", doc.Version)
	}
	values := func(what string, vs []policy.Value) {
		for _, v := range vs {
			if !v.Pos.IsValid() || v.Unknown {
				t.Fatalf("%s value %+v", what, v)
			}
		}
	}
	for i, s := range doc.Statements {
		if s == nil || !s.Pos.IsValid() || s.Index != i {
			t.Fatalf("statement %d: %+v", i, s)
		}
		if s.Effect != policy.Allow && s.Effect != policy.Deny {
			t.Fatalf("statement %d: Effect %d", i, s.Effect)
		}
		if (s.Action == nil) == (s.NotAction == nil) || s.Resource != nil && s.NotResource != nil || s.Principal != nil && s.NotPrincipal != nil {
			t.Fatalf("statement %d breaks the grammar: %+v", i, s)
		}
		values("Action", s.Action)
		values("NotAction", s.NotAction)
		values("Resource", s.Resource)
		values("NotResource", s.NotResource)
		for _, p := range []*policy.Principal{s.Principal, s.NotPrincipal} {
			if p == nil {
				continue
			}
			if !p.Pos.IsValid() {
				t.Fatalf("statement %d: principal without a position", i)
			}
			for _, e := range p.Entries {
				if e.Kind != policy.KindAWS && e.Kind != policy.KindService && e.Kind != policy.KindFederated && e.Kind != policy.KindCanonicalUser {
					t.Fatalf("principal kind %q", e.Kind)
				}
				values("principal", []policy.Value{e.Value})
			}
		}
		for _, c := range s.Conditions {
			if !c.Pos.IsValid() || !c.OpPos.IsValid() || c.Op != policy.ParseOperator(c.Operator) {
				t.Fatalf("condition %+v", c)
			}
			values("condition", c.Values)
		}
	}
	for _, p := range doc.Problems {
		if !p.Pos.IsValid() || p.Code == "" || p.Message == "" {
			t.Fatalf("problem %+v", p)
		}
	}
}

// FuzzMatch checks the IAM wildcard matcher against a reference built from
// the documented rule (IAM User Guide, "IAM JSON policy elements: Condition
// operators", StringLike: '*' is any run of characters, '?' one character,
// nothing else is special) with regexp and QuoteMeta; the escaped form used
// for ${*} and ${?}; and the ARN form, whose wildcards stay inside one of
// the six colon-delimited components ("ARN condition operators").
func FuzzMatch(f *testing.F) {
	f.Add("ecr:Batch?et*", "ecr:BatchGetImage")
	f.Add("arn:aws:ecr:*:111122223333:repository/base-*", "arn:aws:ecr:us-east-1:111122223333:repository/base-images")
	f.Fuzz(func(t *testing.T, pattern, s string) {
		if !utf8.ValidString(pattern) || !utf8.ValidString(s) || len(pattern) > 512 {
			return
		}
		if got, want := policy.Match(pattern, s), globRef(pattern, false).MatchString(s); got != want {
			t.Fatalf("Match(%q, %q) = %v, reference %v", pattern, s, got, want)
		}
		if got, want := policy.MatchEscaped(pattern, s), globRef(pattern, true).MatchString(s); got != want {
			t.Fatalf("MatchEscaped(%q, %q) = %v, reference %v", pattern, s, got, want)
		}
		if got, want := policy.MatchFold(pattern, s), globRef(strings.ToLower(pattern), false).MatchString(strings.ToLower(s)); got != want {
			t.Fatalf("MatchFold(%q, %q) = %v, reference %v", pattern, s, got, want)
		}
		got := policy.MatchARN(pattern, s)
		if want := arnRef(pattern, s); got != want {
			t.Fatalf("MatchARN(%q, %q) = %v, reference %v", pattern, s, got, want)
		}
		// ArnLike is stricter than StringLike: a per-component match is a
		// whole-string match.
		if got && !policy.Match(pattern, s) {
			t.Fatalf("MatchARN(%q, %q) but not Match", pattern, s)
		}
	})
}

// globRef compiles an IAM wildcard pattern to an anchored regexp. With
// escapes, policy.Escape makes the following character literal (and is a
// literal NUL at the very end).
func globRef(pattern string, escapes bool) *regexp.Regexp {
	var b strings.Builder
	b.WriteString(`^`)
	rs := []rune(pattern)
	for i := 0; i < len(rs); i++ {
		switch r := rs[i]; {
		case escapes && r == policy.Escape && i+1 < len(rs):
			i++
			b.WriteString(regexp.QuoteMeta(string(rs[i])))
		case r == '*':
			b.WriteString(`(?s:.*)`)
		case r == '?':
			b.WriteString(`(?s:.)`)
		default:
			b.WriteString(regexp.QuoteMeta(string(r)))
		}
	}
	b.WriteString(`$`)
	return regexp.MustCompile(b.String())
}

// arnRef matches an ARN pattern component by component: the first five
// colons delimit components, the sixth takes the rest; "*" matches
// anything; a pattern that is not an ARN is a plain wildcard pattern.
func arnRef(pattern, s string) bool {
	if pattern == "*" {
		return true
	}
	pp := strings.SplitN(pattern, ":", 6)
	if len(pp) < 6 {
		return globRef(pattern, false).MatchString(s)
	}
	sp := strings.SplitN(s, ":", 6)
	if len(sp) < 6 {
		return false
	}
	for i := range pp {
		if !globRef(pp[i], false).MatchString(sp[i]) {
			return false
		}
	}
	return true
}
