// Package conformance loads the conformance corpus in testdata/conformance
// (cases written from AWS's documentation, in the format its README.md
// describes) for tests.
//
// Cases are decoded strictly: an unknown field is an error, so a change in
// the corpus format cannot pass unnoticed.
package conformance

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"testing"
)

// Dir returns the project's testdata/conformance folder.
func Dir() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(file), "..", "..", "testdata", "conformance")
}

// SharedDir returns ../shared/conformance beside the repository, where the
// corpus is maintained; the project's copy must equal it when it exists.
func SharedDir() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(file), "..", "..", "..", "shared", "conformance")
}

// Context is a request context as the corpus writes it: key to a string or a
// list of strings ([] is present-and-empty).
type Context map[string][]string

// UnmarshalJSON accepts string or list values.
func (c *Context) UnmarshalJSON(b []byte) error {
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(b, &raw); err != nil {
		return err
	}
	*c = Context{}
	for k, v := range raw {
		var s string
		if err := json.Unmarshal(v, &s); err == nil {
			(*c)[k] = []string{s}
			continue
		}
		list := []string{}
		if err := json.Unmarshal(v, &list); err != nil {
			return fmt.Errorf("context key %q: expected a string or a list of strings", k)
		}
		(*c)[k] = list
	}
	return nil
}

// EvalCase is one eval/ case.
type EvalCase struct {
	Name     string `json:"name"`
	About    string `json:"about"`
	Policies struct {
		Identity []json.RawMessage `json:"identity"`
		Resource json.RawMessage   `json:"resource"`
		Boundary json.RawMessage   `json:"boundary"`
		SCPs     []json.RawMessage `json:"scps"`
	} `json:"policies"`
	Request struct {
		Principal string  `json:"principal"`
		Action    string  `json:"action"`
		Resource  string  `json:"resource"`
		Context   Context `json:"context"`
	} `json:"request"`
	Expect string `json:"expect"`
}

// Config is the config section of a case (the README's "Configuration"), kept raw so the
// project's own config decoder reads it.
type Config = json.RawMessage

// ExposureCase is one exposure/ case.
type ExposureCase struct {
	Name             string          `json:"name"`
	About            string          `json:"about"`
	Account          string          `json:"account"`
	Region           string          `json:"region"`
	Repository       *string         `json:"repository"`
	Config           Config          `json:"config"`
	RepositoryPolicy json.RawMessage `json:"repository_policy"`
	RegistryPolicy   json.RawMessage `json:"registry_policy"`
	// RCPs are the resource control policies over the account, one
	// document per level from the root down (optional).
	RCPs   []json.RawMessage `json:"rcps"`
	Expect struct {
		PublicActions     []string            `json:"public_actions"`
		UntrustedAccounts map[string][]string `json:"untrusted_accounts"`
		Rules             []string            `json:"rules"`
	} `json:"expect"`
}

// WhoCan is one who-can query of an identity case.
type WhoCan struct {
	Action     string   `json:"action"`
	Resource   string   `json:"resource"`
	Principals []string `json:"principals"`
}

// IdentityCase is one identity/ case.
type IdentityCase struct {
	Name                 string                     `json:"name"`
	About                string                     `json:"about"`
	Account              string                     `json:"account"`
	Config               Config                     `json:"config"`
	AuthorizationDetails json.RawMessage            `json:"authorization_details"`
	RepositoryPolicies   map[string]json.RawMessage `json:"repository_policies"`
	RepositoryTags       map[string]json.RawMessage `json:"repository_tags"`
	SCPs                 []json.RawMessage          `json:"scps"`
	// RegistryPolicy is the account's registry policy in us-east-1
	// (optional), with unknown scope.
	RegistryPolicy json.RawMessage `json:"registry_policy"`
	Expect         struct {
		WhoCan []WhoCan            `json:"who_can"`
		Rules  map[string][]string `json:"rules"`
	} `json:"expect"`
}

// File is one case file of a folder.
type File struct {
	Name string // file name without .json
	Path string
	Data []byte
}

// Files lists a folder's case files in name order.
func Files(t testing.TB, folder string) []File {
	t.Helper()
	dir := filepath.Join(Dir(), folder)
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatalf("conformance folder %s: %v", dir, err)
	}
	var out []File
	for _, e := range entries {
		if e.IsDir() {
			continue
		}
		if !strings.HasSuffix(e.Name(), ".json") {
			t.Errorf("conformance folder %s holds %s, which no test runs", folder, e.Name())
			continue
		}
		p := filepath.Join(dir, e.Name())
		data, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, File{Name: strings.TrimSuffix(e.Name(), ".json"), Path: p, Data: data})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	if len(out) == 0 {
		t.Fatalf("conformance folder %s has no cases", folder)
	}
	return out
}

// Decode decodes a case strictly into v.
func Decode(f File, v any) error {
	dec := json.NewDecoder(bytes.NewReader(f.Data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return fmt.Errorf("%s: %w", f.Path, err)
	}
	return nil
}

// Disputed returns the cases listed in testdata/conformance/DISPUTED.md as
// "folder/name" -> reason. A case is listed by a line "- `folder/name`: reason".
func Disputed(t testing.TB) map[string]string {
	t.Helper()
	return listed(t, "DISPUTED.md")
}

// Pending returns the cases listed in testdata/conformance/PENDING.md, in the
// same form as DISPUTED.md: cases that wait for an open issue's capability,
// the reason naming the issue.
func Pending(t testing.TB) map[string]string {
	t.Helper()
	return listed(t, "PENDING.md")
}

// listed reads a list of cases ("- `folder/name`: reason") from a file of
// testdata/conformance; a missing file lists none.
func listed(t testing.TB, name string) map[string]string {
	t.Helper()
	out := map[string]string{}
	f, err := os.Open(filepath.Join(Dir(), name))
	if os.IsNotExist(err) {
		return out
	}
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		rest, ok := strings.CutPrefix(line, "- `")
		if !ok {
			continue
		}
		name, reason, ok := strings.Cut(rest, "`")
		if !ok {
			continue
		}
		out[name] = strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(reason), ":"))
	}
	return out
}

// Run runs f as a subtest per case of folder, skipping disputed cases (and
// saying so) and printing the case's about text when it fails.
func Run(t *testing.T, folder string, f func(t *testing.T, file File)) {
	disputed, pending := Disputed(t), Pending(t)
	for _, file := range Files(t, folder) {
		t.Run(file.Name, func(t *testing.T) {
			if reason, ok := disputed[folder+"/"+file.Name]; ok {
				t.Skipf("disputed (testdata/conformance/DISPUTED.md): %s", reason)
			}
			if reason, ok := pending[folder+"/"+file.Name]; ok {
				t.Skipf("pending (testdata/conformance/PENDING.md): %s", reason)
			}
			f(t, file)
		})
	}
}

// CheckCopy fails t when testdata/conformance differs from
// ../shared/conformance, where the corpus is maintained: the copy must
// follow every update. It skips t where no shared folder exists. One test
// calls it (eval's TestConformanceCopy); this package has no test binary of
// its own.
func CheckCopy(t *testing.T) {
	t.Helper()
	shared := SharedDir()
	if _, err := os.Stat(shared); err != nil {
		t.Skipf("no shared conformance folder at %s; the copy is authoritative here", shared)
	}
	seen := map[string]bool{}
	err := filepath.WalkDir(shared, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(shared, p)
		seen[rel] = true
		want, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		got, err := os.ReadFile(filepath.Join(Dir(), rel))
		if err != nil {
			t.Errorf("testdata/conformance/%s is missing: copy shared/conformance again", rel)
			return nil
		}
		if !bytes.Equal(got, want) {
			t.Errorf("testdata/conformance/%s differs from shared/conformance: copy it again (never edit cases)", rel)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	_ = filepath.WalkDir(Dir(), func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(Dir(), p)
		if !seen[rel] && rel != "DISPUTED.md" && rel != "PENDING.md" {
			t.Errorf("testdata/conformance/%s is not in shared/conformance: remove it", rel)
		}
		return nil
	})
}
