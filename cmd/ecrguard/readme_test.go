package main

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/ecrguard/ecrguard/internal/gittest"
	"github.com/ecrguard/ecrguard/rules"
)

// TestReadmeExample runs the command of the README's example report against
// the example account and checks that the example is an excerpt of the
// real output: its runs of lines between "…" lines appear, whole and in
// order.
func TestReadmeExample(t *testing.T) {
	data, err := os.ReadFile(filepath.Join("..", "..", "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	_, after, ok := strings.Cut(string(data), "<!-- Checked by TestReadmeExample")
	if !ok {
		t.Fatal("README.md has no example checked by TestReadmeExample")
	}
	_, after, _ = strings.Cut(after, "```text\n")
	block, _, ok := strings.Cut(after, "\n```")
	if !ok {
		t.Fatal("the README's example block does not end")
	}
	lines := strings.Split(block, "\n")
	cmd, ok := strings.CutPrefix(lines[0], "$ ecrguard ")
	if !ok {
		t.Fatalf("the example starts with %q, want the command: $ ecrguard ...", lines[0])
	}
	exampleServer(t)
	inTempDir(t)
	code, out, stderr := runCLI(t, strings.Fields(cmd)...)
	if code != rules.ExitIncomplete {
		t.Fatalf("exit %d, want 2\n%s", code, stderr)
	}
	checkExcerpt(t, cmd, lines[1:], out)
}

// TestReadmeDemoExcerpts checks the README's excerpts of the demo: every
// fenced block that starts with "$ ecrguard demo" is an excerpt of that
// command's real output, as TestReadmeExample checks its own block.
func TestReadmeDemoExcerpts(t *testing.T) {
	data, err := os.ReadFile(filepath.Join("..", "..", "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	fences := strings.Split(string(data), "```")
	for i := 1; i < len(fences); i += 2 {
		_, block, _ := strings.Cut(fences[i], "\n") // after the info string
		lines := strings.Split(strings.TrimSuffix(block, "\n"), "\n")
		cmd, ok := strings.CutPrefix(lines[0], "$ ecrguard ")
		if !ok || !strings.HasPrefix(cmd, "demo") {
			continue
		}
		n++
		code, out, stderr := runCLI(t, strings.Fields(cmd)...)
		if code != 1 {
			t.Fatalf("%s: exit %d, want 1 (the demo has findings)\n%s", cmd, code, stderr)
		}
		checkExcerpt(t, cmd, lines[1:], out)
	}
	if n < 2 {
		t.Errorf("README.md has %d excerpts of the demo, want 2 (the proof of legacy, the demo's issue-11 inputs)", n)
	}
}

// checkExcerpt fails t unless excerpt, lines of the output of cmd with "…"
// lines for what is left out, is an excerpt of out: its runs of lines
// between "…" lines appear, whole and in order.
func checkExcerpt(t *testing.T, cmd string, excerpt []string, out string) {
	t.Helper()
	got := strings.Split(out, "\n")
	var runs [][]string
	run := []string{}
	for _, l := range excerpt {
		if strings.TrimSpace(l) == "…" {
			runs = append(runs, run)
			run = []string{}
			continue
		}
		run = append(run, l)
	}
	runs = append(runs, run)
	at := 0
	for _, r := range runs {
		i := indexRun(got[at:], r)
		if i < 0 {
			t.Fatalf("README.md's excerpt is not in the output of %q (from line %d on):\n%s\n--- output:\n%s", cmd, at+1, strings.Join(r, "\n"), out)
		}
		at += i + len(r)
	}
}

// indexRun returns where run starts in lines, or -1.
func indexRun(lines, run []string) int {
	for i := 0; i+len(run) <= len(lines); i++ {
		if slices.Equal(lines[i:i+len(run)], run) {
			return i
		}
	}
	return -1
}

// TestReadmeGate runs the README's second code block, the pull-request
// gate, in a repository whose origin's main holds a private repository
// policy and whose working tree makes it public: the gate fails (exit 1)
// and the comment names the new access.
func TestReadmeGate(t *testing.T) {
	data, err := os.ReadFile(filepath.Join("..", "..", "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	fences := strings.Split(string(data), "```")
	if len(fences) < 4 {
		t.Fatal("README.md has no second code block")
	}
	_, block, _ := strings.Cut(fences[3], "\n")
	lines := strings.Split(strings.TrimSpace(block), "\n")
	if len(lines) != 3 {
		t.Fatalf("the gate is %d lines, want 3:\n%s", len(lines), block)
	}
	dir := inTempDir(t)
	git := gittest.Git(t, dir)
	t.Setenv("GIT_CEILING_DIRECTORIES", filepath.Dir(dir))
	private := `{"Version":"2012-10-17","Statement":[{"Sid":"Team","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:root"},"Action":"ecr:BatchGetImage"}]}`
	public := strings.Replace(private, `{"AWS":"arn:aws:iam::111122223333:root"}`, `"*"`, 1)
	if err := os.WriteFile("app.json", []byte(private), 0o644); err != nil {
		t.Fatal(err)
	}
	git("init", "-q", "-b", "main")
	git("add", "app.json")
	git("commit", "-q", "-m", "base")
	git("remote", "add", "origin", dir)
	if err := os.WriteFile("app.json", []byte(public), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, l := range lines {
		args := strings.Fields(l)
		switch args[0] {
		case "git":
			git(args[1:]...)
		case "ecrguard":
			if code, _, stderr := runCLI(t, args[1:]...); code != rules.ExitFindings {
				t.Fatalf("%s: exit %d, want 1 (the change makes app public)\n%s", l, code, stderr)
			}
		default:
			t.Fatalf("%q: the gate runs git and ecrguard only", l)
		}
	}
	comment, err := os.ReadFile("comment.md")
	if err != nil || !strings.Contains(string(comment), "| repository app | anyone | `ecr:BatchGetImage` |") {
		t.Errorf("comment.md: %v\n%s", err, comment)
	}
}
