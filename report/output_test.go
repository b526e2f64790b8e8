package report

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ecrguard/ecrguard/analysis"
	"github.com/ecrguard/ecrguard/estate"
	"github.com/ecrguard/ecrguard/eval"
	"github.com/ecrguard/ecrguard/policy"
	"github.com/ecrguard/ecrguard/rules"
)

func TestParseAnswerFormat(t *testing.T) {
	for in, want := range map[string]Format{"table": Table, "json": JSON} {
		if f, err := ParseAnswerFormat(in); err != nil || f != want {
			t.Errorf("%q: %q, %v", in, f, err)
		}
	}
	for _, in := range []string{"", "sarif", "JSON", "yaml"} {
		if _, err := ParseAnswerFormat(in); err == nil || err.Error() != `"`+in+`": expected table or json` {
			t.Errorf("%q: %v", in, err)
		}
	}
}

func TestTerminalWidth(t *testing.T) {
	for _, tt := range []struct {
		t    Terminal
		want int
	}{
		{Terminal{}, 80},
		{Terminal{Columns: 200}, 80}, // no terminal: its width does not count
		{Terminal{IsTerminal: true}, 80},
		{Terminal{IsTerminal: true, Columns: 40}, 80},
		{Terminal{IsTerminal: true, Columns: 41}, 41},
		{Terminal{IsTerminal: true, Columns: 200}, 200},
	} {
		if got := tt.t.Width(); got != tt.want {
			t.Errorf("%+v: %d, want %d", tt.t, got, tt.want)
		}
	}
}

// TestDestination: a file is written plain, 80 columns wide, whatever
// standard output is; standard output is coloured on a terminal unless
// NoColor, and laid out to the terminal's width.
func TestDestination(t *testing.T) {
	r := sampleResult()
	plain := write(t, Table, r, Options{Version: "1.0.0", Width: 80})
	path := filepath.Join(t.TempDir(), "report.txt")
	var stdout bytes.Buffer
	d := Destination{Path: path, Stdout: &stdout, Terminal: Terminal{IsTerminal: true, Columns: 200}}
	if err := d.Write(Table, r, Options{Version: "1.0.0", Color: true, Width: 120}); err != nil {
		t.Fatal(err)
	}
	if got, err := os.ReadFile(path); err != nil || !bytes.Equal(got, plain) || stdout.Len() != 0 {
		t.Errorf("file: %v; equal to the plain table: %v; stdout %d bytes", err, bytes.Equal(got, plain), stdout.Len())
	}
	for _, tt := range []struct {
		term    Terminal
		noColor bool
		want    Options
	}{
		{Terminal{}, false, Options{Width: 80}},
		{Terminal{IsTerminal: true, Columns: 160}, false, Options{Color: true, Width: 160}},
		{Terminal{IsTerminal: true, Columns: 160}, true, Options{Width: 160}},
	} {
		stdout.Reset()
		d := Destination{Stdout: &stdout, Terminal: tt.term, NoColor: tt.noColor}
		if err := d.Write(Table, r, Options{Version: "1.0.0"}); err != nil {
			t.Fatal(err)
		}
		tt.want.Version = "1.0.0"
		if want := write(t, Table, r, tt.want); !bytes.Equal(stdout.Bytes(), want) {
			t.Errorf("%+v, no colour %v: not the table with %+v", tt.term, tt.noColor, tt.want)
		}
		if colored := bytes.Contains(stdout.Bytes(), []byte("\x1b[")); colored != tt.want.Color {
			t.Errorf("%+v, no colour %v: coloured %v", tt.term, tt.noColor, colored)
		}
	}
	if err := (Destination{Path: filepath.Join(t.TempDir(), "no", "such", "folder")}).Write(Table, r, Options{}); err == nil {
		t.Error("a file that cannot be created is no error")
	}
}

// TestWriteWhoCan: each format is its writer's, the table says when gaps
// leave the answer incomplete, and notes and gaps go to their own writers.
func TestWriteWhoCan(t *testing.T) {
	const repo = "arn:aws:ecr:us-east-1:111122223333:repository/app"
	ans := analysis.WhoCanAnswer{
		Entries: []analysis.WhoCanEntry{{Principal: "*", Via: []string{"repository policy of app"}}},
		Gaps:    []estate.Gap{{Source: "iam.json", Code: estate.GapParseError, Message: "bad"}},
		Notes:   []estate.Note{{Message: "scope settled"}},
	}
	var tableWant, jsonWant bytes.Buffer
	if err := WriteWhoCanTable(&tableWant, "ecr:BatchGetImage", repo, ans.Entries, true, 100); err != nil {
		t.Fatal(err)
	}
	if err := WriteWhoCanJSON(&jsonWant, "ecr:BatchGetImage", repo, ans.Entries); err != nil {
		t.Fatal(err)
	}
	for f, want := range map[Format][]byte{Table: tableWant.Bytes(), JSON: jsonWant.Bytes()} {
		var w, diag, errs bytes.Buffer
		if err := WriteWhoCan(&w, &diag, &errs, f, "ecr:BatchGetImage", repo, ans, 100); err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(w.Bytes(), want) {
			t.Errorf("%s:\n%s\nwant\n%s", f, w.String(), want)
		}
		if diag.String() != "ecrguard: note: scope settled\n" || errs.String() != "ecrguard: not assessed: "+ans.Gaps[0].String()+"\n" {
			t.Errorf("%s: diag %q, errs %q", f, diag.String(), errs.String())
		}
	}
	var w bytes.Buffer
	if err := WriteWhoCan(&w, &w, &w, Table, "ecr:BatchGetImage", repo, analysis.WhoCanAnswer{}, 80); err != nil || strings.Contains(w.String(), "INCOMPLETE") {
		t.Errorf("an answer without gaps is incomplete (%v):\n%s", err, w.String())
	}
}

// TestWriteSimulation: each format is its writer's, JSON carries the
// notes, and the notes also go to diag.
func TestWriteSimulation(t *testing.T) {
	doc, err := policy.Parse([]byte(`{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "ecr:BatchGetImage", "Resource": "*"}]}`), "id.json")
	if err != nil {
		t.Fatal(err)
	}
	ps := &eval.PolicySet{Identity: []*eval.Policy{eval.Compile("id.json", doc)}}
	req, p, err := analysis.Request{Principal: "arn:aws:iam::444455556666:role/r", Action: "ecr:BatchGetImage",
		Resource: "arn:aws:ecr:us-east-1:111122223333:repository/app", Context: []string{"aws:SourceIp=10.0.0.1"}}.Parse()
	if err != nil {
		t.Fatal(err)
	}
	sim, err := analysis.Simulate(ps, req, p)
	if err != nil {
		t.Fatal(err)
	}
	sim.Notes = append(sim.Notes, "a note")
	var tableWant, jsonWant bytes.Buffer
	if err := WriteDecisionTable(&tableWant, sim.Request, sim.Context, sim.Decision, sim.Written, 90); err != nil {
		t.Fatal(err)
	}
	if err := WriteDecisionJSON(&jsonWant, sim.Decision, sim.Notes...); err != nil {
		t.Fatal(err)
	}
	var notes strings.Builder
	for _, n := range sim.Notes {
		notes.WriteString("ecrguard: note: " + n + "\n")
	}
	for f, want := range map[Format][]byte{Table: tableWant.Bytes(), JSON: jsonWant.Bytes()} {
		var w, diag bytes.Buffer
		if err := WriteSimulation(&w, &diag, f, sim, 90); err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(w.Bytes(), want) || diag.String() != notes.String() {
			t.Errorf("%s:\n%s\nwant\n%s\ndiag %q", f, w.String(), want, diag.String())
		}
	}
	if !strings.Contains(jsonWant.String(), "a note") {
		t.Errorf("the JSON decision lacks its notes:\n%s", jsonWant.String())
	}
}

func TestWriteRulesFormats(t *testing.T) {
	var tableWant, jsonWant, w bytes.Buffer
	if err := WriteRulesTable(&tableWant, rules.All(), 120); err != nil {
		t.Fatal(err)
	}
	if err := WriteRulesJSON(&jsonWant, rules.All()); err != nil {
		t.Fatal(err)
	}
	for f, want := range map[Format][]byte{Table: tableWant.Bytes(), JSON: jsonWant.Bytes()} {
		w.Reset()
		if err := WriteRules(&w, f, rules.All(), 120); err != nil || !bytes.Equal(w.Bytes(), want) {
			t.Errorf("%s (%v):\n%s", f, err, w.String())
		}
	}
}
