// Package depcheck enforces the layering of ecrguard's packages: arrows only
// point down, the sources stand apart from the analysis, and each package
// links only the outside modules its row of the table allows. It follows
// every import, direct or not (`go list -deps`), and names the chain of
// imports that breaks a rule.
package depcheck

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os/exec"
	"slices"
	"sort"
	"strings"
	"testing"
)

const module = "github.com/ecrguard/ecrguard"

// A row places packages of the module (paths below the module; "x/..." is x
// and every package below it) in a layer.
type row struct {
	path  string
	layer int
	// outside lists the outside modules the row's packages may link, each a
	// module path or an owner ending in "/" ("github.com/aws/"): the modules
	// of the outside packages they reach through outside packages alone.
	// What they reach through another package of ours is that package's
	// row's business.
	outside []string
	// router marks the rows that may reach the sources (source/...): the
	// command, and a router that reads every kind of input. Analyses, rules
	// and reports never do.
	router bool
}

// The layers: 0 the policy language; 1 the engine and what was read; 2 the
// analyses and the sources, each standing alone (no package of layer 2
// reaches another row of layer 2); 3 what combines them (the analysis of an
// estate, the rules, the router of the sources); 4 reports, configuration
// and test helpers; 5 the command. A package reaches only its own layer and
// the layers below.
var table = []row{
	{path: "internal/jsonpos", layer: 0},
	{path: "internal/textenc", layer: 0},
	{path: "internal/linediff", layer: 0},
	{path: "internal/buildinfo", layer: 0},
	{path: "internal/gitref", layer: 0},
	{path: "policy", layer: 0},
	{path: "catalog", layer: 1},
	{path: "eval", layer: 1},
	{path: "estate", layer: 1},
	{path: "internal/iacdoc", layer: 1},
	{path: "exposure", layer: 2},
	{path: "identity", layer: 2},
	{path: "validate", layer: 2},
	{path: "source/file", layer: 2},
	// source routes inputs to the readers below it: the one package besides
	// the command that reaches them together.
	{path: "source", layer: 3, router: true},
	{path: "source/live/...", layer: 2, outside: []string{"github.com/aws/"}},
	{path: "source/terraform", layer: 2, outside: []string{"github.com/hashicorp/", "github.com/zclconf/go-cty",
		"github.com/apparentlymart/go-textseg/v15", "github.com/agext/levenshtein", "github.com/mitchellh/go-wordwrap", "golang.org/x/text"}},
	{path: "source/cloudformation", layer: 2, outside: []string{"go.yaml.in/yaml/v3"}},
	{path: "analysis", layer: 3},
	{path: "rules", layer: 3},
	{path: "diff", layer: 3},
	{path: "report", layer: 4, outside: []string{"github.com/owenrumney/go-sarif/v3", "github.com/xeipuuv/"}},
	{path: "config", layer: 4, outside: []string{"go.yaml.in/yaml/v3"}},
	{path: "examples", layer: 4},
	{path: "internal/gen", layer: 4},
	{path: "internal/conformance", layer: 4},
	{path: "internal/golden", layer: 4},
	{path: "internal/testgc", layer: 4},
	{path: "internal/gittest", layer: 4},
	{path: "internal/iacdoc/iacdoctest", layer: 4},
	{path: "cmd/ecrguard", layer: 5, router: true, outside: []string{"github.com/spf13/", "golang.org/x/term", "golang.org/x/sys", "github.com/aws/"}},
	{path: "internal/depcheck", layer: 5},
}

// listed is one package of `go list -deps -json`.
type listed struct {
	ImportPath string
	Imports    []string
	Standard   bool
	Module     *struct{ Path string }
}

// graph is the import graph of the module's packages and of what they
// link, by import path.
type graph map[string]*listed

// TestLayering lists every package the module's packages link and checks
// the table against them.
func TestLayering(t *testing.T) {
	cmd := exec.Command("go", "list", "-deps", "-json=ImportPath,Imports,Standard,Module", "./...")
	cmd.Dir = "../.."
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	if err := cmd.Run(); err != nil {
		t.Fatalf("go list: %v\n%s", err, errb.String())
	}
	g := graph{}
	for dec := json.NewDecoder(&out); dec.More(); {
		p := new(listed)
		if err := dec.Decode(p); err != nil {
			t.Fatal(err)
		}
		g[p.ImportPath] = p
	}
	if len(g) < 50 {
		t.Fatalf("go list returned %d packages: not the module's graph", len(g))
	}
	for _, pr := range check(g, table) {
		t.Error(pr)
	}
}

// check returns what breaks a rule of the table in the graph: a package in
// no row; an import chain that reaches above its layer, sideways in layer 2,
// into a source from outside a router, or into an outside module its row
// does not allow; and every entry of the table nothing uses.
func check(g graph, table []row) []string {
	var problems []string
	used := map[string]bool{} // "row", "row router" and "row outside-entry"
	var ours []string
	for path, p := range g {
		if rel, ok := below(path); ok && !p.Standard {
			ours = append(ours, rel)
		}
	}
	sort.Strings(ours)
	for _, rel := range ours {
		r := rowOf(table, rel)
		if r == nil {
			problems = append(problems, rel+": in no row of internal/depcheck's table (add one)")
			continue
		}
		used[r.path] = true
		from := module + "/" + rel

		inside := reach(g, from, func(q string) bool { _, ok := below(q); return ok })
		// Past a package it must not reach, a chain says nothing new: a
		// breach is named once, at its first step.
		beyond := map[string]bool{}
		for _, q := range inside.order {
			if beyond[inside.parent[q]] {
				beyond[q] = true
				continue
			}
			qrel, _ := below(q)
			qr := rowOf(table, qrel)
			if qr == nil {
				continue // named as a package of its own
			}
			var why []string
			if isSource(qrel) && qr.path != r.path {
				if r.router {
					used[r.path+" router"] = true
				} else {
					why = append(why, "a source, reached from outside a router")
				}
			}
			switch {
			case qr.layer > r.layer:
				why = append(why, fmt.Sprintf("layer %d, above %d", qr.layer, r.layer))
			case qr.layer == 2 && r.layer == 2 && qr.path != r.path:
				why = append(why, "another row of layer 2 (each stands alone)")
			}
			if len(why) > 0 {
				beyond[q] = true
				problems = append(problems, fmt.Sprintf("%s reaches %s: %s: %s", rel, qrel, strings.Join(why, "; "), inside.chain(q)))
			}
		}

		outside := reach(g, from, func(q string) bool { _, ok := below(q); return !ok })
		for _, q := range outside.order {
			mod := q
			if m := g[q].Module; m != nil {
				mod = m.Path
			}
			entry, ok := allows(r.outside, mod)
			if !ok {
				problems = append(problems, fmt.Sprintf("%s links the outside module %s, which its row does not allow: %s", rel, mod, outside.chain(q)))
				continue
			}
			used[r.path+" "+entry] = true
		}
	}
	for _, r := range table {
		if !used[r.path] {
			problems = append(problems, fmt.Sprintf("the row %q matches no package: remove it", r.path))
			continue
		}
		if r.router && !used[r.path+" router"] {
			problems = append(problems, fmt.Sprintf("the row %q is a router but reaches no source: drop router", r.path))
		}
		for _, o := range r.outside {
			if !used[r.path+" "+o] {
				problems = append(problems, fmt.Sprintf("the row %q allows %s, which it does not link: remove it", r.path, o))
			}
		}
	}
	sort.Strings(problems)
	return problems
}

// below returns path below the module ("eval"), or false for a package of
// another module.
func below(path string) (string, bool) {
	return strings.CutPrefix(path, module+"/")
}

// isSource reports whether rel is a source, or the router of the sources.
func isSource(rel string) bool { return rel == "source" || strings.HasPrefix(rel, "source/") }

// rowOf returns the row that places rel: its own row, or else the row of
// the nearest subtree ("x/...") that holds it.
func rowOf(table []row, rel string) *row {
	var best *row
	for i, r := range table {
		if r.path == rel {
			return &table[i]
		}
		if tree, ok := strings.CutSuffix(r.path, "/..."); ok && (rel == tree || strings.HasPrefix(rel, tree+"/")) {
			if best == nil || len(r.path) > len(best.path) {
				best = &table[i]
			}
		}
	}
	return best
}

// allows returns the entry of outside that covers the module mod.
func allows(outside []string, mod string) (string, bool) {
	for _, o := range outside {
		if mod == o || strings.HasPrefix(mod, strings.TrimSuffix(o, "/")+"/") {
			return o, true
		}
	}
	return "", false
}

// reached is what one package reaches, in breadth-first order, with the
// importer each was first reached from: the shortest chains.
type reached struct {
	from   string
	order  []string
	parent map[string]string
}

// reach walks from the imports of from into the packages follow accepts,
// never into the standard library (which links nothing of ours nor any
// module).
func reach(g graph, from string, follow func(string) bool) *reached {
	r := &reached{from: from, parent: map[string]string{}}
	seen := map[string]bool{from: true}
	for queue := []string{from}; len(queue) > 0; queue = queue[1:] {
		for _, q := range g[queue[0]].Imports {
			if lq, ok := g[q]; !ok || lq.Standard || seen[q] || !follow(q) {
				continue
			}
			seen[q] = true
			r.parent[q] = queue[0]
			r.order = append(r.order, q)
			queue = append(queue, q)
		}
	}
	return r
}

// chain names the imports from the package to q, "a -> b -> q", paths of
// the module without its prefix.
func (r *reached) chain(q string) string {
	var path []string
	for p := q; ; p = r.parent[p] {
		rel, ok := below(p)
		if !ok {
			rel = p
		}
		path = append(path, rel)
		if p == r.from {
			break
		}
	}
	slices.Reverse(path)
	return strings.Join(path, " -> ")
}

// TestCheck holds check to each rule on a small graph: it must name every
// breach once, with its chain, and every entry of the table nothing uses.
func TestCheck(t *testing.T) {
	ours := func(rel string, imports ...string) *listed {
		p := &listed{ImportPath: module + "/" + rel, Module: &struct{ Path string }{module}}
		for _, i := range imports {
			if !strings.Contains(i, ".") {
				i = module + "/" + i
			}
			p.Imports = append(p.Imports, i)
		}
		return p
	}
	dep := func(path, mod string, imports ...string) *listed {
		return &listed{ImportPath: path, Imports: imports, Module: &struct{ Path string }{mod}}
	}
	g := graph{}
	for _, p := range []*listed{
		ours("policy"),
		ours("eval", "policy", "fmt"),
		ours("exposure", "eval", "rules"),                // up: exposure -> rules, and nothing beyond it
		ours("rules", "exposure", "identity"),            // a cycle through exposure, and a source through identity
		ours("identity", "source/file"),                  // sideways in layer 2, and a source outside a router
		ours("source/file", "policy", "example.com/a/x"), // example.com/a allowed, example.com/b through it not
		ours("source/yaml", "go.yaml.in/yaml/v3"),
		ours("source", "source/file", "source/yaml"), // the router
		ours("cmd/ecrguard", "source", "rules", "example.com/cli"),
		ours("stray"),
		dep("example.com/a/x", "example.com/a", "example.com/b/y"),
		dep("example.com/b/y", "example.com/b"),
		dep("go.yaml.in/yaml/v3", "go.yaml.in/yaml/v3"),
		dep("example.com/cli", "example.com/cli", "fmt"),
		{ImportPath: "fmt", Standard: true},
	} {
		g[p.ImportPath] = p
	}
	table := []row{
		{path: "policy", layer: 0, router: true},
		{path: "eval", layer: 1, outside: []string{"example.com/never"}},
		{path: "exposure", layer: 2},
		{path: "identity", layer: 2},
		{path: "source/file", layer: 2, outside: []string{"example.com/a"}},
		{path: "source/yaml", layer: 2, outside: []string{"go.yaml.in/yaml/v3"}},
		{path: "source", layer: 3, router: true},
		{path: "rules", layer: 3},
		{path: "cmd/...", layer: 5, router: true, outside: []string{"example.com/"}},
		{path: "gone", layer: 4},
	}
	want := []string{
		"exposure reaches rules: layer 3, above 2: exposure -> rules",
		"identity reaches source/file: a source, reached from outside a router; another row of layer 2 (each stands alone): identity -> source/file",
		"rules reaches source/file: a source, reached from outside a router: rules -> identity -> source/file",
		"source/file links the outside module example.com/b, which its row does not allow: source/file -> example.com/a/x -> example.com/b/y",
		"stray: in no row of internal/depcheck's table (add one)",
		`the row "eval" allows example.com/never, which it does not link: remove it`,
		`the row "gone" matches no package: remove it`,
		`the row "policy" is a router but reaches no source: drop router`,
	}
	if got := check(g, table); strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("check found:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}
