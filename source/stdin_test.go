package source

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"
	"testing/iotest"

	"github.com/ecrguard/ecrguard/estate"
)

func TestLoadPathsStdin(t *testing.T) {
	const policy = `{"Version": "2012-10-17", "Statement": [
  {"Sid": "Public", "Effect": "Allow", "Principal": "*", "Action": "ecr:BatchGetImage"}]}`
	est, err := LoadPaths(context.Background(), []string{Stdin}, Options{Account: "111122223333", Stdin: strings.NewReader(policy)})
	if err != nil {
		t.Fatal(err)
	}
	repo := est.Lookup("111122223333").Region(estate.DefaultRegion).Repository("stdin")
	if repo == nil || repo.Policy == nil {
		t.Fatalf("no repository stdin with a policy read from standard input")
	}
	if got := repo.Policy.Source.File; got != StdinName {
		t.Errorf("policy source = %q, want %q", got, StdinName)
	}

	// A broken document is a gap at <stdin>:line:col, as a file's is.
	est, err = LoadPaths(context.Background(), []string{Stdin}, Options{Account: "111122223333", Stdin: strings.NewReader("{\n  \"Version\": \"2012-10-17\" \"Statement\": []}")})
	if err != nil {
		t.Fatal(err)
	}
	if len(est.Gaps) != 1 || !strings.HasPrefix(est.Gaps[0].Placed(), "<stdin>:2:") {
		t.Errorf("gaps = %v, want one at <stdin>:2:COL", est.Gaps)
	}
}

func TestStdinRootErrors(t *testing.T) {
	for _, tt := range []struct {
		name string
		in   func() (string, []string)
		want string
	}{
		{"empty", func() (string, []string) { return " \n", []string{Stdin} }, "standard input is empty"},
		{"terraform", func() (string, []string) { return "resource \"aws_ecr_repository\" \"a\" {}\n", []string{Stdin} }, "Terraform is read from its module's folder"},
		{"twice", func() (string, []string) { return "{}", []string{Stdin, ".", Stdin} }, `"-" is given twice`},
		{"too large", func() (string, []string) { return "{" + strings.Repeat(" ", maxStdin), []string{Stdin} }, "more than the"},
	} {
		in, paths := tt.in()
		_, err := LoadPaths(context.Background(), paths, Options{Stdin: strings.NewReader(in)})
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: err = %v, want %q", tt.name, err, tt.want)
		}
	}
	if _, err := stdinRoot(iotest.ErrReader(errors.New("broken pipe"))); err == nil || !strings.Contains(err.Error(), "<stdin>: cannot read: broken pipe") {
		t.Errorf("read error: %v", err)
	}
	if _, err := stdinRoot(nil); err == nil {
		t.Error("no reader: no error")
	}
}

// FuzzStdinRoot: whatever comes on standard input, stdinRoot returns a
// root named <stdin> holding it, or an error; never a panic.
func FuzzStdinRoot(f *testing.F) {
	f.Add([]byte(`{"Version": "2012-10-17", "Statement": []}`))
	f.Add([]byte("AWSTemplateFormatVersion: '2010-09-09'\nResources: {}\n"))
	f.Add([]byte("\ufeff[1]"))
	f.Add([]byte("\xff\xfe{\x00}\x00"))
	f.Add([]byte("resource \"a\" \"b\" {}"))
	f.Fuzz(func(t *testing.T, data []byte) {
		root, err := stdinRoot(bytes.NewReader(data))
		if err != nil {
			return
		}
		if root.Name != StdinName || (root.Path != "stdin.json" && root.Path != "stdin.yaml") {
			t.Fatalf("root = %+v", root)
		}
	})
}
