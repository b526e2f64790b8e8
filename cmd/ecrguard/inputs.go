package main

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"

	"github.com/ecrguard/ecrguard/config"
	"github.com/ecrguard/ecrguard/estate"
	"github.com/ecrguard/ecrguard/policy"
	"github.com/ecrguard/ecrguard/source/cloudformation"
	"github.com/ecrguard/ecrguard/source/file"
	"github.com/ecrguard/ecrguard/source/terraform"
)

// Reading inputs. source/file walks the paths once and detects each file's
// kind (SPEC section 4); the files that are not its own it offers to an
// iacReader, which hands Terraform modules and plans to source/terraform
// and CloudFormation templates to source/cloudformation. Every file goes
// to exactly one reader, and the estates they read are merged into one.
// (Sources do not import each other: this package is where they meet.)

// iacOptions is what the IaC readers are told about the deployment.
type iacOptions struct {
	account string
	region  string
	iacInputs
}

// terraformOptions are the Terraform reader's Options: --var and
// --var-file are for every root module.
func (o iacOptions) terraformOptions() terraform.Options {
	tfo := o.terraform
	tfo.Account, tfo.Region = o.account, o.region
	return tfo
}

// cloudformationOptions are the CloudFormation reader's Options:
// --parameter values are for every template.
func (o iacOptions) cloudformationOptions() cloudformation.Options {
	cfo := o.cloudformation
	cfo.Account, cfo.Region = o.account, o.region
	return cfo
}

// loadInputs walks roots with the file reader, reads the infrastructure as
// code it finds, and returns everything merged. walk runs the file reader
// with the Options it is given; names is the file system in which the
// names users see (file.OtherFile.Name) are paths.
func loadInputs(ctx context.Context, names fs.FS, cfg *config.Config, in iacInputs, walk func(file.Options) (*estate.Estate, error)) (*estate.Estate, error) {
	o := iacOptions{account: cfg.Account, region: cfg.Region, iacInputs: in}
	r := &iacReader{ctx: ctx, names: names, opts: o}
	est, err := walk(file.Options{Account: o.account, Region: o.region, Other: r.take})
	if err != nil {
		return nil, err
	}
	ests := r.read()
	if r.err != nil {
		return nil, usageError("%v", r.err)
	}
	for _, e := range ests {
		est.Merge(e)
	}
	if est.Lookup("") != nil {
		est.AddNote(estate.Note{Message: "the account some Terraform or CloudFormation resources deploy to is not known (no --account, config `account`, provider allowed_account_ids or plan state): the report calls it \"the owner account\", apart from every account a policy names, and values built from it are taken at their worst; set --account to judge them as deployed"})
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	return est, nil
}

// maxTemplateSize bounds a YAML file read to see whether it is a
// CloudFormation template (CloudFormation itself takes 1 MB).
const maxTemplateSize = 16 << 20

// iacReader collects, during the file reader's walk, the infrastructure
// as code to read, and reads it.
type iacReader struct {
	ctx   context.Context
	names fs.FS
	opts  iacOptions
	// modules are the directories holding .tf files, as users name them.
	modules []string
	// jobs are plans and templates, in the walk's order.
	jobs []iacJob
	// others are the files taken in case a Terraform module reads them
	// (with file() or templatefile()); those it does not read are noted
	// as skipped.
	others []string
	// notes are about files taken but not read.
	notes []estate.Note
	// varFiles are the Terraform variable files taken.
	varFiles []string

	// Set by loadModules: the modules' estates, every file they read, and
	// a -var no root module declares.
	err     error
	loaded  bool
	modEsts []*estate.Estate
	tfRead  map[string]bool
}

// iacJob is one plan or template to read.
type iacJob struct {
	name     string
	data     []byte
	template bool
	// err is a problem found while taking the file.
	err error
}

// take is file.Options.Other: it says whether f is infrastructure as code
// (or a file that a Terraform module may read), and keeps what it takes
// for read. The file reader offers every file that is not JSON before any
// JSON file, so when the first JSON file comes the Terraform modules are
// all known: they are read then, and a JSON file they read is theirs.
func (r *iacReader) take(f file.OtherFile) bool {
	switch f.Kind {
	case file.JSON:
		r.loadModules()
		return r.tfRead[f.Name]
	case file.TerraformPlan:
		r.jobs = append(r.jobs, iacJob{name: f.Name, data: f.Data})
		return true
	case file.CloudFormationJSON:
		r.jobs = append(r.jobs, iacJob{name: f.Name, data: f.Data, template: true})
		return true
	}
	base := path.Base(f.Name)
	switch ext := strings.ToLower(path.Ext(base)); {
	case ext == ".tf" || strings.HasSuffix(base, ".tf.json"):
		// A module reads its .tf and .tf.json files.
		r.modules = append(r.modules, path.Dir(f.Name))
		return true
	case ext == ".tfvars" || strings.HasSuffix(base, ".tfvars.json"):
		// The root module of the folder reads its variable files itself
		// (those Terraform reads only with -var-file make the variables
		// they set unknown); read notes those no module read.
		r.varFiles = append(r.varFiles, f.Name)
		return true
	case ext == ".yaml" || ext == ".yml" || ext == ".template" || ext == ".cfn":
		data, err := readBounded(f.FS, f.Path, maxTemplateSize)
		if err != nil {
			r.jobs = append(r.jobs, iacJob{name: f.Name, template: true, err: err})
			return true
		}
		if cloudformation.IsTemplate(base, data) {
			r.jobs = append(r.jobs, iacJob{name: f.Name, data: data, template: true})
			return true
		}
	}
	r.others = append(r.others, f.Name)
	return true
}

// readBounded reads a file of at most max bytes.
func readBounded(fsys fs.FS, p string, max int64) ([]byte, error) {
	if info, err := fs.Stat(fsys, p); err == nil && info.Size() > max {
		return nil, fmt.Errorf("file of %d bytes is larger than the %d bytes ecrguard reads as a template", info.Size(), max)
	}
	data, err := fs.ReadFile(fsys, p)
	if err != nil {
		var pe *fs.PathError
		if errors.As(err, &pe) {
			err = pe.Err
		}
		return nil, fmt.Errorf("cannot read: %w", err)
	}
	return data, nil
}

// loadModules reads the root modules among the directories holding .tf
// files (a module another one calls is read as its child), once.
func (r *iacReader) loadModules() {
	if r.loaded {
		return
	}
	r.loaded = true
	rec := &recordingFS{fsys: r.names, opened: map[string]bool{}}
	tfo := r.opts.terraformOptions()
	roots := terraform.RootModules(r.names, r.modules)
	r.err = terraform.CheckVars(r.names, roots, tfo.Vars)
	var tasks []func() (*estate.Estate, error)
	var sources []string
	for _, dir := range roots {
		tasks = append(tasks, func() (*estate.Estate, error) { return terraform.LoadModule(rec, dir, tfo) })
		sources = append(sources, dir)
	}
	r.modEsts = runAll(r.ctx, tasks, sources)
	r.tfRead = rec.opened
}

// read reads everything taken and returns the estates in a fixed order:
// the modules by directory, then the plans and templates in the walk's
// order, then the notes on files taken but not read.
func (r *iacReader) read() []*estate.Estate {
	r.loadModules()
	cfo := r.opts.cloudformationOptions()
	tfo := r.opts.terraformOptions()
	var tasks []func() (*estate.Estate, error)
	var sources []string
	for _, j := range r.jobs {
		tasks = append(tasks, func() (*estate.Estate, error) {
			switch {
			case j.err != nil:
				return nil, j.err
			case j.template:
				return cloudformation.LoadTemplate(j.data, j.name, cfo)
			}
			return terraform.LoadPlan(j.data, j.name, tfo)
		})
		sources = append(sources, j.name)
	}
	out := append(r.modEsts, runAll(r.ctx, tasks, sources)...)
	notes := estate.New()
	notes.Notes = append(r.notes, r.skipped()...)
	for _, name := range r.varFiles {
		if !r.tfRead[name] {
			notes.AddNote(estate.Note{Source: name, Message: "not read: Terraform reads variable files only in the folder of a root module, and there is none here"})
		}
	}
	return append(out, notes)
}

// skipped notes, per folder, the files taken in case a module reads them
// that none did.
func (r *iacReader) skipped() []estate.Note {
	byDir := map[string][]string{}
	var dirs []string
	for _, name := range r.others {
		if r.tfRead[name] {
			continue
		}
		dir := path.Dir(name)
		if byDir[dir] == nil {
			dirs = append(dirs, dir)
		}
		byDir[dir] = append(byDir[dir], path.Base(name))
	}
	slices.Sort(dirs)
	var out []estate.Note
	for _, dir := range dirs {
		names := byDir[dir]
		shown := names
		if len(shown) > 5 {
			shown = shown[:5]
		}
		list := strings.Join(shown, ", ")
		if len(names) > len(shown) {
			list += fmt.Sprintf(" and %d more", len(names)-len(shown))
		}
		out = append(out, estate.Note{Source: dir, Message: fmt.Sprintf("skipped %d file(s) that are not inputs ecrguard reads (%s): inputs are JSON policies and AWS CLI outputs, Terraform (.tf and plan JSON) and CloudFormation templates", len(names), list)})
	}
	return out
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
	g := estate.Gap{Source: source, Code: file.CodeInvalid, Message: err.Error()}
	var pe *policy.Error
	var fe *fs.PathError
	switch {
	case errors.As(err, &pe):
		g.Code, g.Pos, g.Message = file.CodeParse, pe.Pos, pe.Msg
		if pe.Pos.File != "" {
			g.Source = pe.Pos.File
		}
	case errors.As(err, &fe):
		g.Code = file.CodeRead
	}
	return g
}

// osNames is the operating system's files named as users typed them
// ("infra/main.tf", "../infra/main.tf", "/src/infra/main.tf"), so that
// positions in Terraform modules read as the file reader's do. It opens
// only what lies inside the folders given on the command line: a module
// that reads ../../secrets through file() gets nothing.
type osNames struct {
	// roots are cleaned slash-separated folders; "." is the current one.
	roots []string
}

// newOSNames returns the file system of the command-line paths: each
// folder, or a file's folder.
func newOSNames(paths []string) osNames {
	var o osNames
	for _, p := range paths {
		dir := p
		if info, err := os.Stat(p); err == nil && !info.IsDir() {
			dir = filepath.Dir(p)
		}
		o.roots = append(o.roots, filepath.ToSlash(filepath.Clean(dir)))
	}
	return o
}

func (o osNames) inside(name string) bool {
	name = path.Clean(name)
	for _, r := range o.roots {
		switch {
		case r == ".":
			if fs.ValidPath(name) {
				return true
			}
		case name == r, strings.HasPrefix(name, strings.TrimSuffix(r, "/")+"/"):
			return true
		}
	}
	return false
}

// Open implements fs.FS.
func (o osNames) Open(name string) (fs.File, error) {
	if !o.inside(name) {
		return nil, &fs.PathError{Op: "open", Path: name, Err: fs.ErrNotExist}
	}
	return os.Open(filepath.FromSlash(path.Clean(name)))
}
