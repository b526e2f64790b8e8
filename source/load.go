// Package source reads ecrguard's file inputs, whatever their language,
// into one estate. It walks the roots once and gives each file to the one
// reader it belongs to: Terraform modules (.tf) and plans to
// source/terraform, CloudFormation templates to source/cloudformation,
// and JSON policies, AWS CLI outputs and snapshots to source/file. The
// readers do not import each other: this package is where they meet.
//
// Terraform modules are read first, because a JSON file that a module
// reads with file() or templatefile() is the module's: it is not also a
// raw repository policy named after the file.
package source

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"maps"
	"path"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"

	"github.com/ecrguard/ecrguard/estate"
	"github.com/ecrguard/ecrguard/internal/gitref"
	"github.com/ecrguard/ecrguard/internal/textenc"
	"github.com/ecrguard/ecrguard/policy"
	"github.com/ecrguard/ecrguard/source/cloudformation"
	"github.com/ecrguard/ecrguard/source/file"
	"github.com/ecrguard/ecrguard/source/terraform"
)

// Options say what the files cannot: where the inputs deploy to, and the
// Terraform variables of a deployment.
type Options struct {
	// Account owns the inputs that name no account: raw policy files,
	// Terraform and CloudFormation resources (config `account`,
	// --account). When it is empty, raw policies are gaps and IaC
	// resources belong to "the owner account", noted as unknown.
	Account string
	// Region is the region of inputs that name none; "" means
	// estate.DefaultRegion.
	Region string
	// Terraform and CloudFormation describe the deployment of the
	// infrastructure as code (-var, -var-file and the workspace for every
	// root module; parameters for every template). Their Account and
	// Region are the ones above.
	Terraform      terraform.Options
	CloudFormation cloudformation.Options
	// ParameterFlags are the names --parameter gives, each of which a
	// template among the inputs must declare (a parameters file may hold
	// others, for other stacks).
	ParameterFlags []string
	// Stdin is what the path "-" reads (LoadPaths); nil reads nothing.
	Stdin io.Reader
	// Overlay holds contents that replace those of input files, by the
	// name positions give the file: a fix proven by reading the inputs
	// again with the file it edits (rules.Result.ProveEdits).
	Overlay map[string][]byte
}

// Load walks each root (a file or a folder of fsys, in fs.ValidPath form:
// "." is the whole of fsys) in lexical order, reads every input it finds
// with its reader, and returns what they read, merged. Problems with
// individual files are estate Gaps, and files that are not inputs are
// noted; a root that does not exist is a Gap too. Only a root that is not
// a valid path and a cancelled ctx are returned errors.
func Load(ctx context.Context, fsys fs.FS, roots []string, opts Options) (*estate.Estate, error) {
	return load(ctx, fsys, file.FSRoots(fsys, roots), opts)
}

// LoadPaths is Load for paths of the operating system, as a user types
// them: file names in positions and messages keep the form of the path
// given ("../infra/main.tf:3:5"). Terraform's file() reads only inside the
// paths given.
//
// The path "-" (Stdin) reads one input from opts.Stdin (see stdinRoot).
func LoadPaths(ctx context.Context, paths []string, opts Options) (*estate.Estate, error) {
	var files []string
	stdin := -1
	for i, p := range paths {
		switch {
		case p != Stdin:
			files = append(files, p)
		case stdin >= 0:
			return nil, fmt.Errorf("%q is given twice: standard input holds one input", Stdin)
		default:
			stdin = i
		}
	}
	roots := file.PathRoots(files)
	if stdin >= 0 {
		root, err := stdinRoot(opts.Stdin)
		if err != nil {
			return nil, err
		}
		roots = slices.Insert(roots, stdin, root)
	}
	return load(ctx, newOSNames(files), roots, opts)
}

// LoadRevision is LoadPaths for paths as they were at the git revision
// ref of the work tree holding dir (ecrguard diff --git), each path
// relative to dir: files are named as LoadPaths names them in dir. Every
// path must stay inside dir. A path the revision does not have held
// nothing then (a note says so, not a gap); symbolic links and submodules
// at the revision are not followed (a note). Errors from opening the revision wrap
// gitref.ErrNoGit, ErrNotRepo or ErrNoCommit when they are the user's to
// correct.
func LoadRevision(ctx context.Context, dir, ref string, paths []string, opts Options) (*estate.Estate, error) {
	tree, err := gitref.Open(ctx, dir, ref)
	if err != nil {
		return nil, err
	}
	defer tree.Close()
	var present, absent []string
	for _, p := range paths {
		if _, err := fs.Stat(tree.FS, path.Clean(filepath.ToSlash(p))); errors.Is(err, fs.ErrNotExist) {
			absent = append(absent, p)
		} else {
			present = append(present, p)
		}
	}
	roots, err := file.TreeRoots(tree.FS, present)
	if err != nil {
		return nil, err
	}
	// Terraform reads inside the paths given, as LoadPaths reads them.
	names := withinFS{withinPaths(present, func(p string) (fs.FileInfo, error) { return fs.Stat(tree.FS, p) }), tree.FS}
	est, err := load(ctx, names, roots, opts)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", ref, err)
	}
	if len(absent) > 0 {
		est.AddNote(estate.Note{Source: ref, Message: "not in the revision, so BASE holds nothing of it: " + strings.Join(absent, ", ")})
	}
	if len(tree.Skipped) > 0 {
		est.AddNote(estate.Note{Source: ref, Message: "symbolic links at the revision are not followed: " + strings.Join(tree.Skipped, ", ")})
	}
	if len(tree.Submodules) > 0 {
		est.AddNote(estate.Note{Source: ref, Message: "submodules at the revision are not read, so BASE holds nothing of them (what HEAD's checkout of them grants is new): " + strings.Join(tree.Submodules, ", ")})
	}
	return est, nil
}

// ownerNote is the note of an estate where some IaC resources deploy to an
// account that is not known.
const ownerNote = "the account some Terraform or CloudFormation resources deploy to is not known (no --account, config `account`, provider allowed_account_ids or plan state): the report calls it \"the owner account\" (<owner account> in ARNs), and an account a policy names by id is another one; set --account to judge them as deployed"

// load reads roots; names is the file system in which the names users see
// (file.File.Name) are paths, for Terraform modules.
func load(ctx context.Context, names fs.FS, roots []file.Root, opts Options) (*estate.Estate, error) {
	names, roots = overlaid(names, roots, opts.Overlay)
	reader := file.NewReader(ctx, file.Options{Account: opts.Account, Region: opts.Region})
	var r router
	jsonFiles, walked, err := reader.WalkAll(roots, r.route)
	if err != nil {
		return nil, err
	}
	modules, tfRead, err := r.loadModules(ctx, names, opts)
	if err != nil {
		return nil, err
	}
	for _, f := range jsonFiles {
		if ctx.Err() != nil {
			break
		}
		if tfRead[f.Name] {
			continue
		}
		switch kind, data := reader.Read(f); kind {
		case file.TerraformPlan, file.CloudFormationJSON:
			// The file reader decoded the file to classify it: it reads.
			text, at, _ := textenc.DecodeAt(data)
			r.jobs = append(r.jobs, job{name: f.Name, data: text, at: at, template: kind == file.CloudFormationJSON})
		}
	}
	if err := r.checkParameters(opts.ParameterFlags); err != nil {
		return nil, err
	}
	r.skip(reader, tfRead)
	reader.Cover(roots, walked)
	est, err := reader.Estate()
	if err != nil {
		return nil, err
	}
	for _, e := range modules {
		est.Merge(e)
	}
	for _, e := range r.readJobs(ctx, opts) {
		est.Merge(e)
	}
	if est.Lookup(policy.OwnerAccount) != nil || est.Lookup("") != nil {
		est.AddNote(estate.Note{Message: ownerNote})
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	return est, nil
}

// maxTemplateSize bounds a YAML file read to see whether it is a
// CloudFormation template (CloudFormation itself takes 1 MB).
const maxTemplateSize = 16 << 20

// router collects, during the walk, the files that are not JSON by their
// name: Terraform modules and variable files, templates, and the rest.
type router struct {
	// modules are the directories holding .tf files, as users name them.
	modules []string
	// varFiles are the Terraform variable files found.
	varFiles []string
	// jobs are plans and templates, in the walk's order (the files that
	// are not JSON first).
	jobs []job
	// others are the files kept in case a Terraform module reads them
	// (with file() or templatefile()); those it does not read are noted
	// as skipped.
	others []string
}

// job is one plan or template to read.
type job struct {
	name string
	// data is the file's text, from byte at of the file (after a
	// byte-order mark); at is -1 when the text is decoded from UTF-16.
	data     []byte
	at       int
	template bool
	// err is a problem found while reading the file to classify it.
	err error
}

// route classifies f, a file that is not JSON by its name.
func (r *router) route(f file.File) {
	base := path.Base(f.Path) // f.Name may be <stdin>
	switch ext := strings.ToLower(path.Ext(base)); {
	case ext == ".tf" || strings.HasSuffix(base, ".tf.json"):
		// A module reads its .tf and .tf.json files.
		r.modules = append(r.modules, path.Dir(f.Name))
		return
	case ext == ".tfvars" || strings.HasSuffix(base, ".tfvars.json"):
		// The root module of the folder reads its variable files itself
		// (those Terraform reads only with -var-file make the variables
		// they set unknown); notes names those no module read.
		r.varFiles = append(r.varFiles, f.Name)
		return
	case ext == ".yaml" || ext == ".yml" || ext == ".template" || ext == ".cfn":
		data, at, err := readBounded(f.FS, f.Path, maxTemplateSize)
		if err != nil {
			r.jobs = append(r.jobs, job{name: f.Name, template: true, err: err})
			return
		}
		if cloudformation.IsTemplate(base, data) {
			r.jobs = append(r.jobs, job{name: f.Name, data: data, at: at, template: true})
			return
		}
	}
	r.others = append(r.others, f.Name)
}

// readBounded reads a file of at most max bytes, decoded to UTF-8
// (textenc.DecodeAt: at is where the text starts in the file). A file it
// cannot read, or one too large, is an unreadable.
func readBounded(fsys fs.FS, p string, max int64) (text []byte, at int, err error) {
	if info, err := fs.Stat(fsys, p); err == nil && info.Size() > max {
		return nil, 0, unreadable(fmt.Sprintf("file of %d bytes is larger than the %d bytes ecrguard reads as a template", info.Size(), max))
	}
	data, err := fs.ReadFile(fsys, p)
	if err != nil {
		var pe *fs.PathError
		if errors.As(err, &pe) {
			err = pe.Err
		}
		return nil, 0, unreadable("cannot read: " + err.Error())
	}
	return textenc.DecodeAt(data)
}

// unreadable is the error of a file that could not be read: its gap is a
// read-error, as the file reader's are.
type unreadable string

func (u unreadable) Error() string { return string(u) }

// loadModules reads the root modules among the directories holding .tf
// files (a module another one calls is read as its child), and returns
// their estates by directory and the names of every file they read.
//
// A -var that no root module declares is an error, as in Terraform.
func (r *router) loadModules(ctx context.Context, names fs.FS, opts Options) ([]*estate.Estate, map[string]bool, error) {
	rec := &recordingFS{fsys: names, opened: map[string]bool{}}
	tfo := terraformOptions(opts)
	roots := terraform.RootModules(names, r.modules)
	if err := terraform.CheckVars(names, roots, tfo.Vars); err != nil {
		return nil, nil, err
	}
	var tasks []func() (*estate.Estate, error)
	var sources []string
	for _, dir := range roots {
		tasks = append(tasks, func() (*estate.Estate, error) { return terraform.LoadModule(rec, dir, tfo) })
		sources = append(sources, dir)
	}
	return runAll(ctx, tasks, sources), rec.opened, nil
}

func terraformOptions(opts Options) terraform.Options {
	tfo := opts.Terraform
	tfo.Account, tfo.Region = opts.Account, opts.Region
	return tfo
}

func cloudformationOptions(opts Options) cloudformation.Options {
	cfo := opts.CloudFormation
	cfo.Account, cfo.Region = opts.Account, opts.Region
	return cfo
}

// checkParameters fails on a --parameter that no template among the inputs
// declares, as CloudFormation rejects one: a misspelt name (Partnr) would
// leave the parameter at its default, unseen.
func (r *router) checkParameters(params []string) error {
	if len(params) == 0 {
		return nil
	}
	declared := map[string]bool{}
	templates := 0
	for _, j := range r.jobs {
		if j.template && j.err == nil {
			templates++
			for _, n := range cloudformation.DeclaredParameters(j.data, j.name) {
				declared[n] = true
			}
		}
	}
	known := slices.Sorted(maps.Keys(declared))
	var errs []error
	for _, name := range slices.Sorted(slices.Values(params)) {
		switch {
		case declared[name]:
		case templates == 0:
			errs = append(errs, fmt.Errorf("--parameter %s: no CloudFormation template is among the inputs", name))
		default:
			errs = append(errs, fmt.Errorf("--parameter %s: no CloudFormation template among the inputs declares it%s", name, terraform.NameSuggestion(name, known)))
		}
	}
	return errors.Join(errs...)
}

// readJobs reads the plans and templates, and returns their estates in
// the walk's order.
func (r *router) readJobs(ctx context.Context, opts Options) []*estate.Estate {
	cfo := cloudformationOptions(opts)
	tfo := terraformOptions(opts)
	var tasks []func() (*estate.Estate, error)
	var sources []string
	for _, j := range r.jobs {
		tasks = append(tasks, func() (*estate.Estate, error) {
			switch {
			case j.err != nil:
				return nil, j.err
			case j.template:
				o := cfo
				o.TextAt = j.at
				return cloudformation.LoadTemplate(j.data, j.name, o)
			}
			return terraform.LoadPlan(j.data, j.name, tfo)
		})
		sources = append(sources, j.name)
	}
	return runAll(ctx, tasks, sources)
}

// skip tells reader the files no reader read, for its note on their
// folder: the files kept in case a module reads them, and the variable
// files outside a root module's folder. tfRead are the files the modules
// read.
func (r *router) skip(reader *file.Reader, tfRead map[string]bool) {
	for _, name := range r.others {
		if !tfRead[name] {
			reader.Skip(name, file.ReasonNotInput)
		}
	}
	for _, name := range r.varFiles {
		if !tfRead[name] {
			reader.Skip(name, "a Terraform variable file outside the folder of a root module, which Terraform does not read: give it with --var-file")
		}
	}
}

// runAll runs tasks concurrently, as many at a time as there are CPUs,
// and returns their estates in order; a task's error becomes a gap of its
// source.
func runAll(ctx context.Context, tasks []func() (*estate.Estate, error), sources []string) []*estate.Estate {
	out := make([]*estate.Estate, len(tasks))
	sem := make(chan struct{}, runtime.GOMAXPROCS(0))
	var wg sync.WaitGroup
	for i, t := range tasks {
		wg.Go(func() {
			sem <- struct{}{}
			defer func() { <-sem }()
			if ctx.Err() != nil {
				out[i] = estate.New()
				return
			}
			est, err := t()
			if err != nil {
				est = estate.New()
				est.AddGap(readError(sources[i], err))
			}
			out[i] = est
		})
	}
	wg.Wait()
	return out
}

// recordingFS remembers the files opened through it: the files a
// Terraform module read.
type recordingFS struct {
	fsys   fs.FS
	mu     sync.Mutex
	opened map[string]bool
}

// Open implements fs.FS.
func (r *recordingFS) Open(name string) (fs.File, error) {
	f, err := r.fsys.Open(name)
	if err == nil {
		r.mu.Lock()
		r.opened[path.Clean(name)] = true
		r.mu.Unlock()
	}
	return f, err
}

// readError is the gap of an input that could not be read: at the error's
// position when it has one.
func readError(source string, err error) estate.Gap {
	g := estate.Gap{Source: source, Code: estate.GapInvalidInput, Message: err.Error()}
	var pe *policy.Error
	var fe *fs.PathError
	var ue unreadable
	switch {
	case errors.As(err, &pe):
		g.Code, g.Pos, g.Message = estate.GapParseError, pe.Pos, pe.Msg
		if pe.Pos.File != "" {
			g.Source = pe.Pos.File
		}
	case errors.As(err, &fe), errors.As(err, &ue):
		g.Code = estate.GapReadError
	}
	return g
}
