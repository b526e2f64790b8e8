package file

import (
	"fmt"
	"io/fs"
	"strings"

	"github.com/ecrguard/ecrguard/estate"
)

// Reasons a file a walk found is not read, as Skip takes them. A reader
// that leaves a file aside for a reason of its own says it in the same
// way: a short phrase, without a capital or a full stop.
const (
	// ReasonNotInput: a file no reader of ecrguard reads.
	ReasonNotInput = "not a .json file, Terraform or a CloudFormation template"
	// ReasonNoShape: a JSON object of none of the shapes the file reader
	// knows.
	ReasonNoShape = "JSON with none of the shapes ecrguard reads: a policy document with Statement, or the output of aws ecr get-repository-policy, get-registry-policy, describe-registry, describe-repositories, describe-repository-creation-templates, get-account-setting, list-tags-for-resource, aws ecr-public describe-repositories, get-repository-policy, aws iam get-account-authorization-details, get-role-policy, get-user-policy, get-group-policy, get-policy-version or aws organizations describe-policy"
)

// Skip records that the file named name (as File.Name) is not an input:
// Cover lists it in the note of its folder, or makes it a gap when it was
// a root itself.
func (l *Reader) Skip(name, reason string) {
	if _, ok := l.skipped[name]; !ok {
		l.skipped[name] = reason
	}
}

// Cover records what the walks of roots left unread, once every file is
// read: walked[i] are the files the walk of roots[i] returned.
//
//   - A root that is a file and not an input is a gap (GapNotAnInput):
//     it was asked for by name, and nothing in it is assessed.
//   - A root that is a folder holding no input is a gap
//     (GapNothingToRead): a scan of it would otherwise pass with nothing
//     assessed.
//   - The files skipped in a folder root are one note on it, each file
//     with its reason.
func (l *Reader) Cover(roots []Root, walked [][]File) {
	var all []File
	for _, files := range walked {
		all = append(all, files...)
	}
	for i, root := range roots {
		if i >= len(walked) {
			break
		}
		rootName := root.name(root.Path)
		info, err := fs.Stat(root.FS, root.Path)
		if err != nil {
			// The walk made it a gap, or an error.
			continue
		}
		if !info.IsDir() {
			if reason, ok := l.skipped[rootName]; ok {
				l.gap(estate.Gap{Source: rootName, Code: estate.GapNotAnInput, Message: "not an input ecrguard reads (" + reason + "), so nothing in it is assessed"})
			}
			continue
		}
		var skipped []File
		for _, f := range walked[i] {
			if _, ok := l.skipped[f.Name]; ok {
				skipped = append(skipped, f)
			}
		}
		if len(skipped) > 0 {
			l.note(rootName, skippedNote(skipped, l.skipped))
		}
		if !holdsInput(rootName, all, l.skipped) {
			msg := "nothing to read: the folder holds no file ecrguard could read (version control folders and the config file are not inputs)"
			if len(skipped) > 0 {
				msg = fmt.Sprintf("nothing to read: none of its %d file(s) is an input ecrguard reads (the note on it lists each with its reason)", len(skipped))
			}
			l.gap(estate.Gap{Source: rootName, Code: estate.GapNothingToRead, Message: msg})
		}
	}
}

// holdsInput reports whether a file below the folder named dir is an
// input: found by a walk and not skipped.
func holdsInput(dir string, files []File, skipped map[string]string) bool {
	for _, f := range files {
		if dir != "." && !strings.HasPrefix(f.Name, dir+"/") {
			continue
		}
		if _, ok := skipped[f.Name]; !ok {
			return true
		}
	}
	return false
}

// maxSkippedNames bounds the names a note lists for one reason: a source
// tree holds many files that are not inputs.
const maxSkippedNames = 10

// skippedNote is the note of the skipped files of one folder root, grouped
// by reason in the order of the walk, each named by its path below the
// folder.
func skippedNote(files []File, reasons map[string]string) string {
	var order []string
	byReason := map[string][]string{}
	for _, f := range files {
		r := reasons[f.Name]
		if byReason[r] == nil {
			order = append(order, r)
		}
		byReason[r] = append(byReason[r], f.Rel)
	}
	parts := make([]string, len(order))
	for i, r := range order {
		parts[i] = listSome(byReason[r], maxSkippedNames) + " (" + r + ")"
	}
	return fmt.Sprintf("skipped %d file(s) that are not ecrguard inputs: %s", len(files), strings.Join(parts, "; "))
}
