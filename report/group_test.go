package report

import (
	"encoding/json"
	"fmt"
	"math/rand"
	"reflect"
	"strings"
	"testing"

	"github.com/ecrguard/ecrguard/policy"
	"github.com/ecrguard/ecrguard/rules"
)

// at is a finding of rule id on resource, from the statement at file:line,
// for principals.
func at(id, resource, file string, line int, principals ...string) rules.Finding {
	f := finding(id)
	f.Resource = resource
	f.Source = policy.Pos{File: file, Line: line, Col: 1}
	f.Principals = principals
	f.Actions = []string{"ecr:BatchGetImage"}
	f.Message = id + " on " + resource
	f.Remediation = "fix " + id
	return f
}

func role(name string) string { return "arn:aws:iam::" + acct + ":role/" + name }

// entrySketch is what an entry is made of, written briefly: kind, rules,
// resource, source line and principals.
func entrySketch(e Entry) string {
	return fmt.Sprintf("%d %s %s %s:%d %s (%d findings)", e.ID, e.Kind, strings.Join(e.Rules, "+"),
		e.Resource, e.Source.Line, strings.Join(e.Principals, ","), len(e.Findings))
}

func TestGroup(t *testing.T) {
	vendor := "arn:aws:iam::999988887777:root"
	many := func(n int) []rules.Finding {
		var out []rules.Finding
		for i := range n {
			name := role(fmt.Sprintf("r%02d", i))
			out = append(out, at("ECR007", name, "iam.json", 100+i, name))
		}
		return out
	}
	tests := []struct {
		name     string
		findings []rules.Finding
		want     []string
	}{
		{name: "empty"},
		{
			name: "rules of one statement are one entry, led by the most severe",
			findings: []rules.Finding{
				at("ECR002", repoARN("legacy"), "legacy.json", 4, "*"),
				at("ECR001", repoARN("legacy"), "legacy.json", 4, "*"),
				at("ECR011", repoARN("legacy"), "legacy.json", 4),
			},
			want: []string{"1 statement ECR001+ECR011+ECR002 " + repoARN("legacy") + ":4 * (3 findings)"},
		},
		{
			name: "two statements of one repository are two entries",
			findings: []rules.Finding{
				at("ECR003", repoARN("tools"), "tools.json", 4, vendor),
				at("ECR004", repoARN("tools"), "tools.json", 4, vendor),
				at("ECR003", repoARN("tools"), "tools.json", 12, "arn:aws:iam::444455556666:root"),
			},
			want: []string{
				"1 statement ECR004+ECR003 " + repoARN("tools") + ":4 " + vendor + " (2 findings)",
				"2 statement ECR003 " + repoARN("tools") + ":12 arn:aws:iam::444455556666:root (1 findings)",
			},
		},
		{
			name: "findings of one rule and statement for several principals are one entry",
			findings: []rules.Finding{
				at("ECR003", repoARN("a"), "a.json", 4, vendor),
				at("ECR003", repoARN("a"), "a.json", 4, "arn:aws:iam::444455556666:root"),
			},
			want: []string{"1 statement ECR003 " + repoARN("a") + ":4 arn:aws:iam::444455556666:root," + vendor + " (2 findings)"},
		},
		{
			name: "identity rules group by principal, whatever the statement",
			findings: []rules.Finding{
				at("ECR009", role("build"), "iam.json", 15, role("build")),
				at("ECR006", role("build"), "iam.json", 15, role("build")),
				at("ECR007", role("build"), "iam.json", 30, role("build")),
				at("ECR009", role("ci"), "iam.json", 336, role("ci")),
			},
			want: []string{
				"1 principal ECR006+ECR007+ECR009 " + role("build") + ":15 " + role("build") + " (3 findings)",
				"2 principal ECR009 " + role("ci") + ":336 " + role("ci") + " (1 findings)",
			},
		},
		{
			name:     "up to ManyPrincipals principals breaking one rule stay apart",
			findings: many(ManyPrincipals),
			want: []string{
				"1 principal ECR007 " + role("r00") + ":100 " + role("r00") + " (1 findings)",
				"2 principal ECR007 " + role("r01") + ":101 " + role("r01") + " (1 findings)",
				"3 principal ECR007 " + role("r02") + ":102 " + role("r02") + " (1 findings)",
				"4 principal ECR007 " + role("r03") + ":103 " + role("r03") + " (1 findings)",
				"5 principal ECR007 " + role("r04") + ":104 " + role("r04") + " (1 findings)",
			},
		},
		{
			name: "more principals breaking only one rule are one entry; one breaking others keeps its own",
			findings: append(many(ManyPrincipals+2),
				at("ECR007", role("build"), "iam.json", 15, role("build")),
				at("ECR006", role("build"), "iam.json", 15, role("build"))),
			want: []string{
				"1 principal ECR006+ECR007 " + role("build") + ":15 " + role("build") + " (2 findings)",
				"2 rule ECR007 :100 " + strings.Join([]string{role("r00"), role("r01"), role("r02"), role("r03"), role("r04"), role("r05"), role("r06")}, ",") + " (7 findings)",
			},
		},
		{
			name: "entries are ordered by severity, then rule",
			findings: []rules.Finding{
				at("ECR010", repoARN("builds"), "builds.json", 4, "service:codebuild.amazonaws.com"),
				at("ECR009", role("ci"), "iam.json", 336, role("ci")),
				at("ECR003", repoARN("z"), "z.json", 4, vendor),
				at("ECR001", repoARN("web"), "web.json", 4, "*"),
			},
			want: []string{
				"1 statement ECR001 " + repoARN("web") + ":4 * (1 findings)",
				"2 statement ECR003 " + repoARN("z") + ":4 " + vendor + " (1 findings)",
				"3 principal ECR009 " + role("ci") + ":336 " + role("ci") + " (1 findings)",
				"4 statement ECR010 " + repoARN("builds") + ":4 service:codebuild.amazonaws.com (1 findings)",
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := fmt.Sprint(tt.findings)
			entries := Group(tt.findings)
			var got []string
			for _, e := range entries {
				got = append(got, entrySketch(e))
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("Group:\n got %q\nwant %q", got, tt.want)
			}
			if fmt.Sprint(tt.findings) != before {
				t.Error("Group modified its input")
			}
			// Every finding is in exactly one entry.
			n := 0
			for _, e := range entries {
				n += len(e.Findings)
			}
			if n != len(tt.findings) {
				t.Errorf("entries hold %d findings, want %d", n, len(tt.findings))
			}
			// The order of the input does not matter.
			for range 5 {
				shuffled := append([]rules.Finding(nil), tt.findings...)
				rand.Shuffle(len(shuffled), func(i, j int) { shuffled[i], shuffled[j] = shuffled[j], shuffled[i] })
				if again := Group(shuffled); !reflect.DeepEqual(again, entries) {
					t.Fatalf("Group depends on the order of findings:\n%v\n%v", again, entries)
				}
			}
		})
	}
}

// Statements of a policy written on one line (as AWS CLI outputs hold
// them) are told apart by column: an ECR001 of one and an ECR002 of the
// next were one entry whose "who * can" listed the second's actions. A
// validation finding inside a statement joins it.
func TestGroupStatementsOfOneLine(t *testing.T) {
	col := func(f rules.Finding, c int, actions ...string) rules.Finding {
		f.Source.Col = c
		if actions != nil {
			f.Actions = actions
		}
		return f
	}
	repo := repoARN("app")
	entries := Group([]rules.Finding{
		col(at("ECR001", repo, "app.json", 1, "*"), 30, "ecr:BatchGetImage"),
		col(at("ECR002", repo, "app.json", 1, "*"), 30, "ecr:BatchGetImage"),
		col(at("ECR002", repo, "app.json", 1, "*"), 160, "ecr:PutImage"),
		col(at("ECR011", repo, "app.json", 1), 200),
		col(at("ECR011", repo, "app.json", 1), 10),
	})
	var got []string
	for _, e := range entries {
		got = append(got, fmt.Sprintf("%s col %d: %s can %s", strings.Join(e.Rules, "+"), e.Source.Col, strings.Join(e.Principals, ","), strings.Join(e.Actions, ",")))
	}
	want := []string{
		"ECR001+ECR002 col 30: * can ecr:BatchGetImage",
		"ECR011 col 10:  can ecr:BatchGetImage",
		"ECR011+ECR002 col 200: * (anyone its conditions let in) can ecr:BatchGetImage,ecr:PutImage",
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("entries:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// An entry's actions are what its findings prove can be done: ECR002's
// are the statement's grant, which a Deny may cut (here, anyone can only
// ecr:BatchGetImage), so they do not add to what ECR001 proves.
func TestGroupEntryFields(t *testing.T) {
	public := at("ECR001", repoARN("legacy"), "legacy.json", 4, "*")
	public.Conditions = []string{"aws:SecureTransport true"}
	behind := at("ECR002", repoARN("legacy"), "legacy.json", 4, "*")
	behind.Conditions = []string{"aws:SecureTransport true"}
	behind.Actions = []string{"ecr:GetDownloadUrlForLayer", "ecr:BatchGetImage"}
	entries := Group([]rules.Finding{behind, public})
	if len(entries) != 1 {
		t.Fatalf("got %d entries, want 1", len(entries))
	}
	e := entries[0]
	want := Entry{
		ID: 1, Kind: ByStatement, Severity: rules.Critical, Rules: []string{"ECR001", "ECR002"},
		Title: public.Title, Resource: repoARN("legacy"), Source: public.Source,
		Principals: []string{"*"}, Actions: []string{"ecr:BatchGetImage"},
		Conditions: []string{"aws:SecureTransport true"},
		Proof:      public.Message, Fix: public.Remediation,
	}
	e.Findings = nil
	if !reflect.DeepEqual(e, want) {
		t.Errorf("entry:\n got %+v\nwant %+v", e, want)
	}
}

// Many principals breaking one identity rule are one short block in the
// table and Markdown, naming the first few and counting the rest; the JSON
// keeps a finding per principal, all in that group.
func TestManyPrincipalsOneEntry(t *testing.T) {
	var fs []rules.Finding
	for i := range 40 {
		name := role(fmt.Sprintf("app-%02d", i))
		f := at("ECR007", name, "iam.json", 100+i, name)
		f.Actions = []string{"ecr:GetAuthorizationToken"}
		fs = append(fs, f)
	}
	r := &rules.Result{Findings: fs, Resources: 1}
	table := string(write(t, Table, r, Options{}))
	for _, want := range []string{"ECR007  Unrestricted registry login: 40 principals", role("app-00"), "and 37 more", "where iam.json who", "1 problem (1 medium) on 40 principals, from 40 findings"} {
		if !strings.Contains(strings.Join(strings.Fields(table), " "), strings.Join(strings.Fields(want), " ")) {
			t.Errorf("table does not say %q:\n%s", want, table)
		}
	}
	if n := strings.Count(table, "\n"); n > 20 {
		t.Errorf("table of one problem has %d lines:\n%s", n, table)
	}
	md := string(write(t, Markdown, r, Options{}))
	for _, want := range []string{"#### ECR007 Unrestricted registry login: 40 principals", "- **Sources:** `iam.json`\n", "and 35 more (in the JSON report)", "39 more findings of this rule"} {
		if !strings.Contains(md, want) {
			t.Errorf("markdown does not say %q:\n%s", want, md)
		}
	}
	var rep struct {
		Findings []struct {
			Group int `json:"group"`
		} `json:"findings"`
	}
	if err := json.Unmarshal(write(t, JSON, r, Options{}), &rep); err != nil {
		t.Fatal(err)
	}
	if len(rep.Findings) != 40 {
		t.Fatalf("JSON has %d findings, want 40", len(rep.Findings))
	}
	for _, f := range rep.Findings {
		if f.Group != 1 {
			t.Errorf("finding in group %d, want 1", f.Group)
		}
	}
}
