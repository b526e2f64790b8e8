// Package file reads ecrguard's file inputs (raw policy documents and the
// JSON output of the AWS CLI, its error messages included) into an estate.
// Each file's kind is detected by its content (the README's "Scan your
// files"), never by its name, except where the name carries what the
// content cannot: the repository a raw repository policy or a tags file
// describes (one naming rule, finishNamed), a raw registry policy
// (registry-policy.json), the managed policy of a get-policy-version
// output, and the scps/ folder of raw SCPs.
//
// Problems with one file never stop the others from being read: they become
// estate Gaps naming the file, line and column, and the files that are fine
// still produce findings.
//
// Load and LoadPaths walk roots and read every JSON file in them. A Reader
// does the same a step at a time (Walk a root, Read a file) for a caller
// that shares the files among several readers, as package source does:
// Read returns the Terraform plans and CloudFormation templates it finds
// instead of reading them.
package file

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"

	"github.com/ecrguard/ecrguard/estate"
	"github.com/ecrguard/ecrguard/internal/iacdoc"
	"github.com/ecrguard/ecrguard/internal/jsonpos"
	"github.com/ecrguard/ecrguard/internal/textenc"
	"github.com/ecrguard/ecrguard/policy"
)

// Options says what the files themselves cannot.
type Options struct {
	// Account owns the raw policy files, SCPs, tags and account settings that
	// name no account (config `account`, --account). When it is empty those
	// inputs are Gaps: ecrguard does not guess an owner.
	Account string
	// Region is the region of inputs that name none (config `region`,
	// --region); "" means estate.DefaultRegion.
	Region string
}

// Kind says whose a JSON file is, by its content.
type Kind uint8

// Kinds of JSON file.
const (
	// Input: the file reader's (read, or noted or a gap when it is not an
	// ecrguard input).
	Input Kind = iota
	// TerraformPlan: JSON with format_version and planned_values or
	// resource_changes (`terraform show -json`), for the Terraform reader.
	TerraformPlan
	// CloudFormationJSON: JSON with AWSTemplateFormatVersion, or with
	// Resources whose entries have a Type starting with AWS::, for the
	// CloudFormation reader.
	CloudFormationJSON
)

func (o Options) region() string {
	if o.Region == "" {
		return estate.DefaultRegion
	}
	return o.Region
}

// MaxFileSize bounds the size of one input file. A larger file is a Gap: its
// tree would not fit in memory (an authorization-details file of 5,000 roles
// is about 50 MB).
const MaxFileSize = 512 << 20

// Load walks each root (a file or a folder of fsys, in fs.ValidPath form:
// "." is the whole of fsys) in lexical order and returns what it read.
// Problems with individual files never abort the walk: they become estate
// Gaps with the file, line, column and reason, and informational messages
// (a file skipped because it is not an ecrguard input) become Notes; a
// root that does not exist is a Gap too. Only a root that is not a valid
// path and a cancelled ctx are returned errors.
func Load(ctx context.Context, fsys fs.FS, roots []string, opts Options) (*estate.Estate, error) {
	return load(ctx, FSRoots(fsys, roots), opts)
}

// LoadPaths is Load for paths of the operating system, as a user types them:
// file names in positions and messages keep the form of the path given
// ("../policies/app.json:3:5").
func LoadPaths(ctx context.Context, paths []string, opts Options) (*estate.Estate, error) {
	return load(ctx, PathRoots(paths), opts)
}

// load walks roots, reads their JSON files once every root is walked, and
// notes the other files as not the file reader's.
func load(ctx context.Context, roots []Root, opts Options) (*estate.Estate, error) {
	r := NewReader(ctx, opts)
	queue, walked, err := r.WalkAll(roots, r.skipNotJSON)
	if err != nil {
		return nil, err
	}
	for _, f := range queue {
		if ctx.Err() != nil {
			break
		}
		switch kind, _ := r.Read(f); kind {
		case TerraformPlan:
			r.Skip(f.Name, "a Terraform plan, read by the Terraform reader")
		case CloudFormationJSON:
			r.Skip(f.Name, "a CloudFormation template, read by the CloudFormation reader")
		}
	}
	r.Cover(roots, walked)
	return r.Estate()
}

// A Root is a file or folder to walk: Path in FS, in fs.ValidPath form
// ("." is the whole of FS).
type Root struct {
	FS   fs.FS
	Path string
	// Dir is the folder FS stands for, as users name it: the names in
	// positions and messages are paths of FS joined to Dir ("." leaves
	// them as they are).
	Dir string
	// Name, when set, is the name users see of the root itself, a file
	// that is not in a folder of theirs ("<stdin>").
	Name string
}

// name returns the name users see of p, a path of r.FS.
func (r Root) name(p string) string {
	switch {
	case r.Name != "" && p == r.Path:
		return r.Name
	case r.Dir == "" || r.Dir == ".":
		return p
	case p == ".":
		return r.Dir
	}
	return path.Join(r.Dir, p)
}

// NameOf returns the name users see of p, a path of r.FS: the name
// positions give the file.
func (r Root) NameOf(p string) string { return r.name(p) }

// FSRoots returns the roots of fsys named by their paths.
func FSRoots(fsys fs.FS, paths []string) []Root {
	roots := make([]Root, len(paths))
	for i, p := range paths {
		roots[i] = Root{FS: fsys, Path: p, Dir: "."}
	}
	return roots
}

// PathRoots returns the roots of paths of the operating system, as a user
// types them ("../infra", "/src/policies/app.json"): each walks the
// folder, or the file in its folder, and names files with the path given.
// A path that does not exist is a root all the same: its walk makes it a
// Gap.
func PathRoots(paths []string) []Root {
	var roots []Root
	for _, p := range paths {
		dir, root := p, "."
		if info, err := os.Stat(p); err != nil || !info.IsDir() {
			dir, root = filepath.Dir(filepath.Clean(p)), filepath.Base(filepath.Clean(p))
		}
		roots = append(roots, Root{FS: os.DirFS(dir), Path: root, Dir: filepath.ToSlash(filepath.Clean(dir))})
	}
	return roots
}

// TreeRoots is PathRoots for paths read from tree, a file system that
// stands for the current folder (another revision of it): each root walks
// tree's copy of the path and names files as PathRoots names the path's
// files in the current folder. A path must be relative and stay inside the
// current folder.
func TreeRoots(tree fs.FS, paths []string) ([]Root, error) {
	var roots []Root
	for _, p := range paths {
		clean := filepath.ToSlash(filepath.Clean(p))
		if !fs.ValidPath(clean) {
			return nil, fmt.Errorf("%s: expected a path inside the current folder", p)
		}
		dir, root := clean, "."
		if info, err := fs.Stat(tree, clean); err != nil || !info.IsDir() {
			dir, root = path.Dir(clean), path.Base(clean)
		}
		sub, err := fs.Sub(tree, dir)
		if err != nil {
			return nil, err
		}
		roots = append(roots, Root{FS: sub, Path: root, Dir: dir})
	}
	return roots, nil
}

// File is a file a walk found.
type File struct {
	// FS and Path locate the file.
	FS   fs.FS
	Path string
	// Name is the file as users know it, for positions and messages.
	Name string
	// Rel is its path below the folder walked, or its base name when it
	// was a root itself: raw repository policies and tags are named after
	// it, and raw SCPs are found by its scps/ folder.
	Rel string
}

// JSON reports whether the file is a candidate for the file reader: its
// name ends in .json, and not in Terraform's .tf.json or .tfvars.json.
func (f File) JSON() bool { return isJSONName(f.Path) }

// A Reader walks folders and reads files into one estate. Its methods are
// called from one goroutine.
type Reader struct {
	ctx  context.Context
	opts Options
	est  *estate.Estate
	// found holds the files walks found, and seen the files read, so that
	// overlapping roots give and read each file once.
	found map[string]bool
	seen  map[string]bool
	// skipped are the files found that are not inputs, with the reason
	// (Skip); Cover reports them.
	skipped map[string]string
	iam     map[string]*iamAccount
	// brokenManaged are AWS managed policies given in a file but unreadable.
	brokenManaged map[string]bool
	// owned are the inline policies of IAM CLI outputs, filed once every
	// file is read.
	owned []ownedPolicy
	// named are the inputs named by their file, filed once every file is
	// read.
	named []namedInput
	// orgs are the SCPs and RCPs read, filed by level once every file is
	// read.
	orgs []orgDoc
}

// NewReader returns a reader of files into an empty estate.
func NewReader(ctx context.Context, opts Options) *Reader {
	return &Reader{ctx: ctx, opts: opts, est: estate.New(), found: map[string]bool{}, seen: map[string]bool{}, skipped: map[string]string{}, iam: map[string]*iamAccount{}}
}

// Estate returns what was read, or ctx's error when it was cancelled.
// The reader is done with then.
func (l *Reader) Estate() (*estate.Estate, error) {
	if err := l.ctx.Err(); err != nil {
		return nil, err
	}
	l.finishNamed()
	l.finishOrgs()
	l.finishIAM()
	l.finishOwned()
	return l.est, nil
}

// WalkAll walks each of roots in turn (see Walk) and returns the JSON files
// of all of them, in order; it hands every other file to other as the walk
// finds it. walked[i] are the files of roots[i], for Cover.
func (l *Reader) WalkAll(roots []Root, other func(File)) (jsonFiles []File, walked [][]File, err error) {
	walked = make([][]File, len(roots))
	for i, root := range roots {
		files, err := l.Walk(root)
		if err != nil {
			return nil, nil, err
		}
		walked[i] = files
		for _, f := range files {
			if f.JSON() {
				jsonFiles = append(jsonFiles, f)
			} else {
				other(f)
			}
		}
	}
	return jsonFiles, walked, nil
}

// Walk walks root in lexical order and returns the regular files (and
// links to files) it holds that no earlier walk found. It skips version
// control folders quietly, and tools' folders, links to folders and
// ecrguard's config file with a note; a folder or file it cannot read is a
// Gap, and so is a root that does not exist. Only a root that is not a
// valid path and a cancelled ctx are errors.
func (l *Reader) Walk(root Root) ([]File, error) {
	if !fs.ValidPath(root.Path) {
		return nil, fmt.Errorf("%s: not a valid path (want a slash-separated path relative to the scanned file system)", root.Path)
	}
	fsys := root.FS
	info, err := fs.Stat(fsys, root.Path)
	if err != nil {
		l.unreadableRoot(root, err)
		return nil, nil
	}
	var files []File
	add := func(p, rel string) {
		name := root.name(p)
		if !l.found[name] {
			l.found[name] = true
			files = append(files, File{FS: fsys, Path: p, Name: name, Rel: rel})
		}
	}
	if !info.IsDir() {
		add(root.Path, path.Base(root.Path))
		return files, nil
	}
	err = fs.WalkDir(fsys, root.Path, func(p string, d fs.DirEntry, err error) error {
		if ctxErr := l.ctx.Err(); ctxErr != nil {
			return ctxErr
		}
		if err != nil {
			l.gap(estate.Gap{Source: root.name(p), Code: estate.GapReadError, Message: "cannot read: " + unwrapPath(err)})
			if d != nil && d.IsDir() {
				return fs.SkipDir
			}
			return nil
		}
		name := d.Name()
		if d.IsDir() {
			if p == root.Path {
				return nil
			}
			if vcsDirs[name] {
				return fs.SkipDir
			}
			if what, ok := toolDirs[name]; ok {
				l.note(root.name(p), "skipped: "+name+" holds "+what+", not ecrguard inputs (scan it as a root to read it)")
				return fs.SkipDir
			}
			return nil
		}
		if p != root.Path && configFiles[name] {
			// The config (cmd/ecrguard reads it, and notes the one at
			// the top of a scanned folder when it does not), not an
			// input. One in a folder below is never read.
			if path.Dir(p) != root.Path && name == ".ecrguardignore" {
				l.note(root.name(p), "ignore file not used: ecrguard reads --ignore-file, or the .ecrguardignore of each folder scanned, never one in a folder below")
			} else if path.Dir(p) != root.Path {
				l.note(root.name(p), "configuration not used: ecrguard reads --config, or the .ecrguard.yaml of the folder scanned (or above it) when it is the only PATH, never one in a folder below; scan its folder, or give it with --config, to use it")
			}
			return nil
		}
		if d.Type()&fs.ModeSymlink != 0 {
			if st, err := fs.Stat(fsys, p); err == nil && st.IsDir() {
				l.note(root.name(p), "symbolic link to a folder, not followed; scan its target to read it")
				return nil
			}
		}
		if !d.Type().IsRegular() && d.Type()&fs.ModeSymlink == 0 {
			return nil
		}
		rel := p
		if root.Path != "." {
			rel = strings.TrimPrefix(p, root.Path+"/")
		}
		add(p, rel)
		return nil
	})
	if err != nil && l.ctx.Err() != nil {
		return nil, l.ctx.Err()
	}
	return files, nil
}

// skipNotJSON records f, a file that is not JSON by its name, as not the
// file reader's.
func (l *Reader) skipNotJSON(f File) {
	if kind := iacKind(f.Path); kind != "" {
		l.Skip(f.Name, "a "+kind+" file, read by the IaC readers and not the file reader")
	} else {
		l.Skip(f.Name, "not a .json file: the file reader reads JSON")
	}
}

// unreadableRoot records a root that could not be read, a path that does
// not exist included, as a Gap: one mistyped path does not stop the other
// inputs from being read, and the gap keeps the scan from counting as
// complete.
func (l *Reader) unreadableRoot(root Root, err error) {
	msg := "cannot read: " + unwrapPath(err)
	if errors.Is(err, fs.ErrNotExist) {
		msg = "no such file or folder: nothing was read from this path"
	}
	l.gap(estate.Gap{Source: root.name(root.Path), Code: estate.GapReadError, Message: msg})
}

// vcsDirs are version control folders: a walk skips them without a word.
var vcsDirs = map[string]bool{".git": true, ".hg": true, ".svn": true, ".bzr": true, ".jj": true}

// toolDirs are folders of tools' downloads and caches, which hold no
// inputs but may hold files that look like them (a downloaded Terraform
// module's .tf files): a walk skips them with a note. Other folders,
// hidden ones (.ecr) included, are read.
var toolDirs = map[string]string{
	"node_modules":      "JavaScript packages",
	".terraform":        "Terraform's downloaded modules and providers",
	".terragrunt-cache": "Terragrunt's copies of modules",
	".venv":             "a Python environment",
	".idea":             "editor settings",
	".vscode":           "editor settings",
}

// configFiles are the names of ecrguard's config file (config.FileName)
// and ignore file (config.IgnoreFileName).
var configFiles = map[string]bool{".ecrguard.yaml": true, ".ecrguardignore": true}

func unwrapPath(err error) string {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err.Error()
	}
	return err.Error()
}

// isJSONName reports whether a file's name makes it a candidate for the
// file reader: it ends in .json, and not in Terraform's .tf.json or
// .tfvars.json.
func isJSONName(name string) bool {
	return strings.EqualFold(path.Ext(name), ".json") && iacKind(name) == ""
}

// iacKind names the infrastructure-as-code language of a file name, or "".
func iacKind(name string) string {
	lower := strings.ToLower(name)
	if strings.HasSuffix(lower, ".tf.json") || strings.HasSuffix(lower, ".tfvars.json") {
		return "Terraform/HCL"
	}
	switch path.Ext(lower) {
	case ".tf", ".tfvars", ".hcl":
		return "Terraform/HCL"
	case ".yaml", ".yml", ".template":
		return "YAML and CloudFormation template"
	}
	return ""
}

// listSome joins up to n names and says how many more there are.
func listSome(names []string, n int) string {
	if len(names) <= n {
		return strings.Join(names, ", ")
	}
	return strings.Join(names[:n], ", ") + fmt.Sprintf(" and %d more", len(names)-n)
}

// input is one file being read.
type input struct {
	// name is the file as users know it; rel its path below the scanned root.
	name string
	rel  string
	data []byte
	root *jsonpos.Node
	li   *lineIndex
	loc  policy.Locator
}

// pos returns the position of byte off.
func (in *input) pos(off int) policy.Pos { return in.loc(off) }

// errorf returns an error at byte off of the file.
func (in *input) errorf(off int, format string, args ...any) error {
	return &policy.Error{Pos: in.pos(off), Msg: fmt.Sprintf(format, args...)}
}

// Read reads one file into the estate, once. Its problems become Gaps, and
// a file that is not an ecrguard input a Note. A file whose content is a
// Terraform plan or a CloudFormation template is not read: Read returns
// its kind and bytes (not decoded: a fix's edit goes into those), for the
// reader of that kind.
func (l *Reader) Read(f File) (Kind, []byte) {
	name := f.Name
	if l.seen[name] {
		return Input, nil
	}
	l.seen[name] = true
	if !f.JSON() {
		l.skipNotJSON(f)
		return Input, nil
	}
	if info, err := fs.Stat(f.FS, f.Path); err == nil && info.Size() > MaxFileSize {
		l.gap(estate.Gap{Source: name, Code: estate.GapReadError, Message: fmt.Sprintf("file of %d bytes is larger than the %d bytes ecrguard reads", info.Size(), MaxFileSize)})
		return Input, nil
	}
	data, err := fs.ReadFile(f.FS, f.Path)
	if err != nil {
		l.gap(estate.Gap{Source: name, Code: estate.GapReadError, Message: "cannot read: " + unwrapPath(err)})
		return Input, nil
	}
	// A byte-order mark or UTF-16 (PowerShell's `>`) is decoded: positions
	// are those of the decoded text.
	raw := data
	if data, err = textenc.Decode(data); err != nil {
		l.gap(estate.Gap{Source: name, Code: estate.GapParseError, Message: err.Error()})
		return Input, nil
	}
	in := &input{name: name, rel: f.Rel, data: data}
	in.li = newLineIndex(data)
	in.loc = in.li.locator(name)
	if l.cliError(in) {
		return Input, nil
	}
	root, err := jsonpos.Parse(data)
	if err != nil {
		var se *jsonpos.SyntaxError
		if errors.As(err, &se) {
			l.gap(estate.Gap{Source: name, Pos: policy.Pos{File: name, Line: se.Line, Col: se.Col}, Code: estate.GapParseError, Message: "invalid JSON: " + se.Msg})
		} else {
			l.gap(estate.Gap{Source: name, Code: estate.GapParseError, Message: "invalid JSON: " + err.Error()})
		}
		return Input, nil
	}
	in.root = root
	if kind := l.classify(in); kind != Input {
		return kind, raw
	}
	return Input, nil
}

// classify detects the file's kind by its content and reads it, unless it
// is another reader's: then it returns the kind.
func (l *Reader) classify(in *input) Kind {
	obj := in.root
	if obj.Kind == jsonpos.String {
		l.encodedPolicy(in)
		return Input
	}
	if obj.Kind != jsonpos.Object {
		l.Skip(in.name, fmt.Sprintf("JSON whose top-level value is %s %s: every input is a JSON object, or a policy document written as a JSON string", article(obj.Kind), obj.Kind))
		return Input
	}
	has := func(key string) bool { return obj.Get(key) != nil }
	switch {
	case has("ecrguard_snapshot"):
		l.snapshot(in)
	case has("format_version") && (has("planned_values") || has("resource_changes")):
		return TerraformPlan
	case iacdoc.IsCloudFormationJSON(obj):
		return CloudFormationJSON
	case has("policyText"):
		l.ecrPolicyOutput(in)
	case isDescribePolicy(obj):
		l.describePolicy(in)
	case has("repositoryCreationTemplates"):
		l.creationTemplates(in)
	case has("replicationConfiguration"):
		l.describeRegistry(in)
	case has("repositories"):
		l.describeRepositories(in)
	case isAuthorizationDetails(obj):
		l.authorizationDetails(in)
	case isInlinePolicyOutput(obj):
		l.inlinePolicy(in)
	case isPolicyVersionOutput(obj):
		l.policyVersion(in)
	case isAccountSetting(obj):
		l.accountSetting(in)
	case has("tags"):
		l.tags(in)
	case has("Statement") || isPolicyVersion(obj.Get("Version")) || isMiscasedPolicy(obj):
		l.rawPolicy(in)
	default:
		l.Skip(in.name, ReasonNoShape)
	}
	return Input
}

func article(k jsonpos.Kind) string {
	if k == jsonpos.Array {
		return "an"
	}
	return "a"
}

func isPolicyVersion(n *jsonpos.Node) bool {
	return n != nil && n.Kind == jsonpos.String && (n.Text == policy.Version2012 || n.Text == policy.Version2008)
}

// isMiscasedPolicy reports whether obj is a policy document whose element
// names are in another case ({"version": …, "statement": […]}): every key
// is Version, Id or Statement but for case, and one is Statement. AWS
// rejects it, as it rejects a policy with one misspelt element, so it is
// read as the invalid policy it is (a gap and ECR011 naming the element),
// not skipped as JSON of no known shape.
func isMiscasedPolicy(obj *jsonpos.Node) bool {
	statement := false
	for _, m := range obj.Members {
		switch {
		case strings.EqualFold(m.Key, "Statement"):
			statement = true
		case strings.EqualFold(m.Key, "Version"), strings.EqualFold(m.Key, "Id"):
		default:
			return false
		}
	}
	return statement
}

// isAccountSetting matches the {"name": …, "value": …} of aws ecr
// get-account-setting.
func isAccountSetting(obj *jsonpos.Node) bool {
	for _, m := range obj.Members {
		if m.Key != "name" && m.Key != "value" {
			return false
		}
	}
	return obj.Get("name") != nil && obj.Get("value") != nil
}

func isDescribePolicy(obj *jsonpos.Node) bool {
	p := obj.Get("Policy")
	return p != nil && p.Kind == jsonpos.Object && (p.Get("Content") != nil || p.Get("PolicySummary") != nil)
}

func isAuthorizationDetails(obj *jsonpos.Node) bool {
	for _, k := range []string{"UserDetailList", "GroupDetailList", "RoleDetailList"} {
		if obj.Get(k) != nil {
			return true
		}
	}
	pols := obj.Get("Policies")
	if pols == nil {
		return false
	}
	if obj.Get("IsTruncated") != nil || obj.Get("Marker") != nil || obj.Get("NextToken") != nil {
		return true
	}
	if pols.Kind == jsonpos.Array && len(pols.Elems) > 0 && pols.Elems[0].Get("PolicyVersionList") != nil {
		return true
	}
	return false
}

// snapshot reads an ecrguard snapshot (docs/snapshot.md) and merges its
// estate, gaps and notes included: what the collection could not read stays
// not assessed. A snapshot that does not read is one gap at its position;
// nothing of it is used, since a half-read snapshot could hide what it
// holds.
func (l *Reader) snapshot(in *input) {
	e, _, err := estate.ReadSnapshot(in.data, in.name)
	if err != nil {
		g := estate.Gap{Source: in.name, Code: estate.GapInvalidInput, Message: "ecrguard snapshot: " + err.Error()}
		var pe *policy.Error
		if errors.As(err, &pe) {
			g.Pos, g.Message = pe.Pos, "ecrguard snapshot: "+pe.Msg
		}
		l.gap(g)
		return
	}
	l.est.Merge(e)
}

func (l *Reader) gap(g estate.Gap) { l.est.AddGap(g) }

func (l *Reader) note(source, msg string) {
	l.est.AddNote(estate.Note{Source: source, Message: msg})
}

// gapFor records err, an error about in, as a Gap.
func (l *Reader) gapFor(in *input, code estate.GapCode, err error, account, region, resource string) {
	g := estate.Gap{Source: in.name, Code: code, Account: account, Region: region, Resource: resource}
	if code == estate.GapParseError {
		// A policy that does not decode: ECR011 names each of its problems.
		g.Problems = policy.ProblemsOf(err)
	}
	var pe *policy.Error
	if errors.As(err, &pe) {
		g.Pos, g.Message = pe.Pos, pe.Msg
	} else {
		g.Message = err.Error()
	}
	l.gap(g)
}
