// Package depcheck enforces the layering of STYLE.md: arrows only point
// down, and each package uses only the outside modules its layer allows.
package depcheck

import (
	"bytes"
	"encoding/json"
	"os/exec"
	"sort"
	"strings"
	"testing"
)

const module = "github.com/ecrguard/ecrguard"

// layer of each of our packages (prefix match on the path below the module).
var layers = []struct {
	prefix string
	layer  int
	// outside lists the non-standard-library module prefixes allowed.
	outside []string
}{
	{"internal/jsonpos", 0, nil},
	{"internal/textenc", 0, nil},
	{"policy", 0, nil},
	{"catalog", 1, nil},
	{"eval", 1, nil},
	{"estate", 1, nil},
	{"internal/iacdoc", 1, nil},
	{"internal/iacdoc/iacdoctest", 4, nil},
	{"exposure", 2, nil},
	{"identity", 2, nil},
	{"validate", 2, nil},
	// source routes files to the readers below it: the one package that
	// imports them together.
	{"source", 2, nil},
	{"source/file", 2, nil},
	{"source/live", 2, []string{"github.com/aws/"}},
	{"source/terraform", 2, []string{"github.com/hashicorp/", "github.com/zclconf/", "github.com/apparentlymart/", "github.com/agext/", "github.com/mitchellh/", "golang.org/x/text", "github.com/google/go-cmp"}},
	{"source/cloudformation", 2, []string{"go.yaml.in/yaml/v3"}},
	{"analysis", 3, nil},
	{"rules", 3, nil},
	{"report", 4, []string{"github.com/owenrumney/go-sarif", "github.com/xeipuuv/"}},
	{"config", 4, []string{"go.yaml.in/yaml/v3"}},
	{"examples", 4, nil},
	{"internal/gen", 4, nil},
	{"internal/conformance", 4, nil},
	{"cmd/ecrguard", 5, []string{"*"}},
	{"internal/depcheck", 5, nil},
}

type pkg struct {
	ImportPath string
	Imports    []string
	Standard   bool
	Module     *struct{ Path string }
}

func layerOf(path string) (int, []string, bool) {
	rel := strings.TrimPrefix(strings.TrimPrefix(path, module), "/")
	best := -1
	for i, l := range layers {
		if rel == l.prefix || strings.HasPrefix(rel, l.prefix+"/") {
			if best < 0 || len(l.prefix) > len(layers[best].prefix) {
				best = i
			}
		}
	}
	if best < 0 {
		return 0, nil, false
	}
	return layers[best].layer, layers[best].outside, true
}

// TestLayering lists every package's direct imports and fails when one
// reaches above its layer, sideways into a source, or outside its
// allow-list of modules.
func TestLayering(t *testing.T) {
	cmd := exec.Command("go", "list", "-json", module+"/...")
	cmd.Dir = "../.."
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	if err := cmd.Run(); err != nil {
		t.Fatalf("go list: %v\n%s", err, errb.String())
	}
	std := stdlib(t)
	dec := json.NewDecoder(&out)
	var problems []string
	for dec.More() {
		var p pkg
		if err := dec.Decode(&p); err != nil {
			t.Fatal(err)
		}
		if strings.HasSuffix(p.ImportPath, "_test") {
			continue
		}
		layer, allowed, ok := layerOf(p.ImportPath)
		if !ok {
			problems = append(problems, p.ImportPath+": not in the layer table of internal/depcheck (add it)")
			continue
		}
		for _, imp := range p.Imports {
			switch {
			case std[imp]:
			case strings.HasPrefix(imp, module):
				il, _, known := layerOf(imp)
				if !known {
					continue
				}
				sameSource := strings.Contains(imp, "/source/") && strings.Contains(p.ImportPath, "/source/") && !strings.HasPrefix(imp, p.ImportPath)
				if il > layer || (il == layer && layer == 2 && imp != p.ImportPath && !strings.HasPrefix(imp, p.ImportPath+"/")) || sameSource {
					problems = append(problems, p.ImportPath+" (layer "+itoa(layer)+") imports "+imp+" (layer "+itoa(il)+")")
				}
			default:
				if !allowedOutside(imp, allowed) {
					problems = append(problems, p.ImportPath+" imports the outside module "+imp+", which its layer does not allow")
				}
			}
		}
	}
	sort.Strings(problems)
	for _, pr := range problems {
		t.Error(pr)
	}
}

func allowedOutside(imp string, allowed []string) bool {
	for _, a := range allowed {
		if a == "*" || strings.HasPrefix(imp, a) {
			return true
		}
	}
	return false
}

func stdlib(t *testing.T) map[string]bool {
	out, err := exec.Command("go", "list", "std").Output()
	if err != nil {
		t.Fatal(err)
	}
	m := map[string]bool{"C": true}
	for _, l := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		m[l] = true
	}
	return m
}

func itoa(i int) string { return string(rune('0' + i)) }
