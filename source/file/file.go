// Package file reads ecrguard's file inputs (raw policy documents and the
// JSON output of the AWS CLI) into an estate. Each file's kind is detected by
// its content (SPEC section 4), never by its name, except for the two places
// where the name carries what the content cannot: the repository a raw
// repository policy or a tags file describes, and the scps/ folder of raw
// SCPs.
//
// Problems with one file never stop the others from being read: they become
// estate Gaps naming the file, line and column, and the files that are fine
// still produce findings.
package file

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"

	"github.com/ecrguard/ecrguard/estate"
	"github.com/ecrguard/ecrguard/internal/jsonpos"
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
	// Other, when set, is offered the files of the walk before the file
	// reader takes them, and returns whether it takes a file itself. It
	// is offered, in this order: each file that is not JSON by its name,
	// as the walk finds it; once every root is walked, each JSON file
	// before it is read; and each JSON file whose content is a Terraform
	// plan or a CloudFormation template. A file it takes is not read or
	// noted by the file reader; a file that is not JSON and that it does
	// not take is noted as skipped. cmd/ecrguard sets it to hand
	// infrastructure as code to its readers during this one walk (a source
	// package does not import another), so that every file goes to
	// exactly one reader: a JSON policy that a Terraform module reads with
	// file() is the module's, not a raw repository policy.
	Other func(OtherFile) bool
}

// OtherFile is a file the walk found that is not the file reader's.
type OtherFile struct {
	// FS and Path locate the file; Name is the file as users know it,
	// for positions and messages (Path prefixed with the folder given to
	// LoadPaths).
	FS   fs.FS
	Path string
	Name string
	Kind OtherKind
	// Data is the file's content when the file reader read it (the JSON
	// kinds), else nil.
	Data []byte
}

// OtherKind says what the file reader saw of a file that is not its own.
type OtherKind uint8

// Kinds of OtherFile.
const (
	// NotJSON: a file whose name does not end in .json, or ends in
	// .tf.json or .tfvars.json; the file reader did not read it.
	NotJSON OtherKind = iota
	// JSON: a .json file, not read yet.
	JSON
	// TerraformPlan: JSON with format_version and planned_values or
	// resource_changes (`terraform show -json`).
	TerraformPlan
	// CloudFormationJSON: JSON with AWSTemplateFormatVersion, or with
	// Resources whose entries have a Type starting with AWS::.
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
// (a file skipped because it is not an ecrguard input) become Notes. Only a
// root that does not exist (or is not a valid path) and a cancelled ctx are
// returned errors.
func Load(ctx context.Context, fsys fs.FS, roots []string, opts Options) (*estate.Estate, error) {
	l := newLoader(ctx, opts)
	for _, root := range roots {
		if err := l.root(fsys, root, func(p string) string { return p }); err != nil {
			return nil, err
		}
	}
	l.readQueued()
	return l.finish()
}

// LoadPaths is Load for paths of the operating system, as a user types them:
// file names in positions and messages keep the form of the path given
// ("../policies/app.json:3:5").
func LoadPaths(ctx context.Context, paths []string, opts Options) (*estate.Estate, error) {
	l := newLoader(ctx, opts)
	for _, p := range paths {
		info, err := os.Stat(p)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", p, err)
		}
		dir, root := p, "."
		if !info.IsDir() {
			dir, root = filepath.Dir(p), filepath.Base(p)
		}
		prefix := filepath.ToSlash(filepath.Clean(dir))
		display := func(fp string) string {
			if prefix == "." {
				return fp
			}
			if fp == "." {
				return prefix
			}
			return path.Join(prefix, fp)
		}
		if err := l.root(os.DirFS(dir), root, display); err != nil {
			return nil, err
		}
	}
	l.readQueued()
	return l.finish()
}

type loader struct {
	ctx  context.Context
	opts Options
	est  *estate.Estate
	// seen holds the files read, so that overlapping roots read each once.
	seen map[string]bool
	// queue holds the JSON files the walks found, read once every root is
	// walked (Options.Other has then seen every other file).
	queue []queued
	iam   map[string]*iamAccount
	// brokenManaged are AWS managed policies given in a file but unreadable.
	brokenManaged map[string]bool
}

func newLoader(ctx context.Context, opts Options) *loader {
	return &loader{ctx: ctx, opts: opts, est: estate.New(), seen: map[string]bool{}, iam: map[string]*iamAccount{}}
}

func (l *loader) finish() (*estate.Estate, error) {
	if err := l.ctx.Err(); err != nil {
		return nil, err
	}
	l.finishIAM()
	return l.est, nil
}

// root walks one root. display turns a path of fsys into the name users see.
func (l *loader) root(fsys fs.FS, root string, display func(string) string) error {
	if !fs.ValidPath(root) {
		return fmt.Errorf("%s: not a valid path (want a slash-separated path relative to the scanned file system)", root)
	}
	info, err := fs.Stat(fsys, root)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return fmt.Errorf("%s: %w", display(root), fs.ErrNotExist)
		}
		l.gap(estate.Gap{Source: display(root), Code: estate.GapReadError, Message: err.Error()})
		return nil
	}
	if !info.IsDir() {
		if isJSONName(root) {
			l.queue = append(l.queue, queued{fsys, root, display(root), path.Base(root)})
		} else {
			l.file(fsys, root, display(root), path.Base(root))
		}
		return nil
	}
	// Skipped files are summed up per folder and kind: a source tree holds
	// many. The kind "" is "not JSON".
	type skip struct{ dir, kind string }
	skipped := map[skip][]string{}
	err = fs.WalkDir(fsys, root, func(p string, d fs.DirEntry, err error) error {
		if ctxErr := l.ctx.Err(); ctxErr != nil {
			return ctxErr
		}
		if err != nil {
			l.gap(estate.Gap{Source: display(p), Code: estate.GapReadError, Message: "cannot read: " + unwrapPath(err)})
			if d != nil && d.IsDir() {
				return fs.SkipDir
			}
			return nil
		}
		name := d.Name()
		if d.IsDir() {
			if p == root {
				return nil
			}
			if vcsDirs[name] {
				return fs.SkipDir
			}
			if what, ok := toolDirs[name]; ok {
				l.note(display(p), "skipped: "+name+" holds "+what+", not ecrguard inputs (scan it as a root to read it)")
				return fs.SkipDir
			}
			return nil
		}
		if p != root && configFiles[name] {
			// The config (cmd/ecrguard reads it), not an input.
			return nil
		}
		if d.Type()&fs.ModeSymlink != 0 {
			if st, err := fs.Stat(fsys, p); err == nil && st.IsDir() {
				l.note(display(p), "symbolic link to a folder, not followed; scan its target to read it")
				return nil
			}
		}
		if !d.Type().IsRegular() && d.Type()&fs.ModeSymlink == 0 {
			return nil
		}
		rel := p
		if root != "." {
			rel = strings.TrimPrefix(p, root+"/")
		}
		if !isJSONName(name) {
			if l.seen[display(p)] {
				return nil
			}
			if l.offer(OtherFile{FS: fsys, Path: p, Name: display(p), Kind: NotJSON}) {
				return nil
			}
			k := skip{path.Dir(p), iacKind(name)}
			if l.opts.Other != nil {
				// Other saw the file and did not want it: one note.
				k.kind = ""
			}
			skipped[k] = append(skipped[k], name)
			return nil
		}
		l.queue = append(l.queue, queued{fsys, p, display(p), rel})
		return nil
	})
	keys := make([]skip, 0, len(skipped))
	for k := range skipped {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool {
		if keys[i].dir != keys[j].dir {
			return keys[i].dir < keys[j].dir
		}
		return keys[i].kind < keys[j].kind
	})
	for _, k := range keys {
		names := skipped[k]
		if l.opts.Other != nil {
			l.note(display(k.dir), fmt.Sprintf("skipped %d file(s) that are not inputs ecrguard reads (%s): inputs are JSON policies and AWS CLI outputs, Terraform and CloudFormation", len(names), listSome(names, 5)))
		} else if k.kind == "" {
			l.note(display(k.dir), fmt.Sprintf("skipped %d file(s) that are not JSON (%s): only .json files are inputs", len(names), listSome(names, 5)))
		} else {
			l.note(display(k.dir), fmt.Sprintf("skipped %d %s file(s) (%s): the IaC readers read them, not the file reader", len(names), k.kind, listSome(names, 5)))
		}
	}
	if err != nil && l.ctx.Err() != nil {
		return l.ctx.Err()
	}
	return nil
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

// configFiles are the names of ecrguard's config file (config.FileName).
var configFiles = map[string]bool{".ecrguard.yaml": true}

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
	// fsys and path locate the file, for Options.Other.
	fsys fs.FS
	path string
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

// queued is a JSON file found by a walk: its path in fsys, its name as
// users know it, and its path below the walk's root.
type queued struct {
	fsys            fs.FS
	path, name, rel string
}

// readQueued reads the JSON files the walks found.
func (l *loader) readQueued() {
	for _, q := range l.queue {
		if l.ctx.Err() != nil {
			return
		}
		l.file(q.fsys, q.path, q.name, q.rel)
	}
	l.queue = nil
}

// file reads one file. Its problems become Gaps.
func (l *loader) file(fsys fs.FS, p, name, rel string) {
	if l.seen[name] {
		return
	}
	kind := JSON
	if !isJSONName(p) {
		kind = NotJSON
	}
	if l.offer(OtherFile{FS: fsys, Path: p, Name: name, Kind: kind}) {
		return
	}
	l.seen[name] = true
	if info, err := fs.Stat(fsys, p); err == nil && info.Size() > MaxFileSize {
		l.gap(estate.Gap{Source: name, Code: estate.GapReadError, Message: fmt.Sprintf("file of %d bytes is larger than the %d bytes ecrguard reads", info.Size(), MaxFileSize)})
		return
	}
	data, err := fs.ReadFile(fsys, p)
	if err != nil {
		l.gap(estate.Gap{Source: name, Code: estate.GapReadError, Message: "cannot read: " + unwrapPath(err)})
		return
	}
	if !isJSONName(p) {
		if l.opts.Other != nil {
			l.note(name, "skipped: not an input ecrguard reads (inputs are JSON policies and AWS CLI outputs, Terraform and CloudFormation)")
		} else if kind := iacKind(p); kind != "" {
			l.note(name, "skipped: "+kind+" files are read by the IaC readers, not the file reader")
		} else {
			l.note(name, "skipped: not a .json file; ecrguard's file inputs are JSON")
		}
		return
	}
	in := &input{name: name, rel: rel, data: data, fsys: fsys, path: p}
	in.li = newLineIndex(data)
	in.loc = in.li.locator(name)
	root, err := jsonpos.Parse(data)
	if err != nil {
		var se *jsonpos.SyntaxError
		if errors.As(err, &se) {
			l.gap(estate.Gap{Source: name, Pos: policy.Pos{File: name, Line: se.Line, Col: se.Col}, Code: estate.GapParseError, Message: "invalid JSON: " + se.Msg})
		} else {
			l.gap(estate.Gap{Source: name, Code: estate.GapParseError, Message: "invalid JSON: " + err.Error()})
		}
		return
	}
	in.root = root
	l.classify(in)
}

// classify detects the file's kind by its content and reads it.
func (l *loader) classify(in *input) {
	obj := in.root
	if obj.Kind == jsonpos.String {
		l.encodedPolicy(in)
		return
	}
	if obj.Kind != jsonpos.Object {
		l.note(in.name, fmt.Sprintf("not an ecrguard input: the top-level value is %s %s, and every input is a JSON object (or a policy document written as a JSON string)", article(obj.Kind), obj.Kind))
		return
	}
	has := func(key string) bool { return obj.Get(key) != nil }
	switch {
	case has("ecrguard_snapshot"):
		l.snapshot(in)
	case has("format_version") && (has("planned_values") || has("resource_changes")):
		if !l.offer(OtherFile{FS: in.fsys, Path: in.path, Name: in.name, Kind: TerraformPlan, Data: in.data}) {
			l.note(in.name, "skipped: a Terraform plan (format_version, planned_values/resource_changes) is read by the Terraform reader")
		}
	case isCloudFormation(obj):
		if !l.offer(OtherFile{FS: in.fsys, Path: in.path, Name: in.name, Kind: CloudFormationJSON, Data: in.data}) {
			l.note(in.name, "skipped: a CloudFormation template (Resources of type AWS::…) is read by the CloudFormation reader")
		}
	case has("policyText"):
		l.ecrPolicyOutput(in)
	case isDescribePolicy(obj):
		l.describePolicy(in)
	case has("repositories"):
		l.describeRepositories(in)
	case isAuthorizationDetails(obj):
		l.authorizationDetails(in)
	case isAccountSetting(obj):
		l.accountSetting(in)
	case has("tags"):
		l.tags(in)
	case has("Statement") || isPolicyVersion(obj.Get("Version")):
		l.rawPolicy(in)
	default:
		l.note(in.name, "not an ecrguard input: a JSON object with none of the shapes ecrguard reads (a policy document with Statement, or the output of aws ecr get-repository-policy, get-registry-policy, describe-repositories, get-account-setting, list-tags-for-resource, aws iam get-account-authorization-details or aws organizations describe-policy)")
	}
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

func isCloudFormation(obj *jsonpos.Node) bool {
	if obj.Get("AWSTemplateFormatVersion") != nil {
		return true
	}
	res := obj.Get("Resources")
	if res == nil || res.Kind != jsonpos.Object {
		return false
	}
	for _, m := range res.Members {
		if t := m.Value.Get("Type"); t != nil && t.Kind == jsonpos.String && strings.HasPrefix(t.Text, "AWS::") {
			return true
		}
	}
	return false
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
func (l *loader) snapshot(in *input) {
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

func (l *loader) gap(g estate.Gap) { l.est.AddGap(g) }

// offer gives f to Options.Other and reports whether it took it. A file
// taken is marked read, so that overlapping roots offer it once.
func (l *loader) offer(f OtherFile) bool {
	if l.opts.Other == nil || !l.opts.Other(f) {
		return false
	}
	l.seen[f.Name] = true
	return true
}

func (l *loader) note(source, msg string) {
	l.est.AddNote(estate.Note{Source: source, Message: msg})
}

// gapFor records err, an error about in, as a Gap.
func (l *loader) gapFor(in *input, code estate.GapCode, err error, account, region, resource string) {
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
