package source

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"testing/fstest"

	"github.com/ecrguard/ecrguard/internal/textenc"
	"github.com/ecrguard/ecrguard/source/cloudformation"
	"github.com/ecrguard/ecrguard/source/file"
)

const (
	// Stdin is the path that reads one input from standard input.
	Stdin = "-"
	// StdinName is how positions and messages name that input:
	// "<stdin>:3:5".
	StdinName = "<stdin>"
	// maxStdin bounds what is read from standard input, as
	// maxTemplateSize bounds a template.
	maxStdin = maxTemplateSize
)

// stdinRoot reads r whole and returns it as a root of one file, named
// StdinName. Its kind is found by content, as for files: JSON (any input
// the file reader reads, a Terraform plan, a CloudFormation JSON template,
// a snapshot) is read as a .json file, and a CloudFormation YAML template
// as a .yaml one. A raw repository policy read this way names the
// repository "stdin", as a file stdin.json would. Terraform HCL is not
// read from standard input: a module is a folder (its variables, its
// files), so it is an error, and so are nothing and too much.
func stdinRoot(r io.Reader) (file.Root, error) {
	if r == nil {
		return file.Root{}, errors.New("standard input (-): nothing to read it from")
	}
	data, err := io.ReadAll(io.LimitReader(r, maxStdin+1))
	if err != nil {
		return file.Root{}, fmt.Errorf("%s: cannot read: %w", StdinName, err)
	}
	if len(data) > maxStdin {
		return file.Root{}, fmt.Errorf("%s: more than the %d bytes ecrguard reads from standard input; save it to a file", StdinName, maxStdin)
	}
	text, err := textenc.Decode(data)
	if err != nil {
		return file.Root{}, fmt.Errorf("%s: %v", StdinName, err)
	}
	var name string
	switch trimmed := bytes.TrimLeft(text, " \t\r\n\ufeff"); {
	case len(trimmed) == 0:
		return file.Root{}, fmt.Errorf("%s: standard input is empty; pipe an input into it (ecrguard scan - < policy.json)", StdinName)
	case trimmed[0] == '{' || trimmed[0] == '[':
		name = "stdin.json"
	case cloudformation.IsTemplate("stdin.yaml", text):
		name = "stdin.yaml"
	default:
		return file.Root{}, fmt.Errorf("%s: neither JSON (a policy, an AWS CLI output, a plan, a template or a snapshot) nor a CloudFormation YAML template; Terraform is read from its module's folder (ecrguard scan DIR)", StdinName)
	}
	return file.Root{FS: fstest.MapFS{name: {Data: data, Mode: 0o444}}, Path: name, Dir: ".", Name: StdinName}, nil
}
