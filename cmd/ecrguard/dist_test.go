package main

// The tests of the distribution files at the repository's root: the
// Dockerfile and its .dockerignore, the composite GitHub Action
// (action.yml), the pre-commit hook (.pre-commit-hooks.yaml), the
// GoReleaser configuration (.goreleaser.yaml) and the README's "Install"
// section. Each runs what it can here without a download: the Dockerfile's
// build command in a copy of its build context (or docker itself, when a
// daemon answers), the action's scan step in bash, the hook's entry, and
// `goreleaser check` when the tool is installed.

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"testing"
	"text/template"

	"go.yaml.in/yaml/v3"

	"github.com/ecrguard/ecrguard/report"
	"github.com/ecrguard/ecrguard/rules"
)

// repoRoot is the repository's root, from this package's folder.
var repoRoot = filepath.Join("..", "..")

// readRoot reads a file at the repository's root.
func readRoot(t *testing.T, name string) []byte {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(repoRoot, name))
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// decodeRootYAML decodes a YAML file at the repository's root into v,
// refusing keys v does not declare.
func decodeRootYAML(t *testing.T, name string, v any) {
	t.Helper()
	dec := yaml.NewDecoder(bytes.NewReader(readRoot(t, name)))
	dec.KnownFields(true)
	if err := dec.Decode(v); err != nil {
		t.Fatalf("%s: %v", name, err)
	}
}

// modulePath is the module path go.mod declares, and goMinor its go
// version as major.minor ("1.26").
func modulePath(t *testing.T) (module, goMinor string) {
	t.Helper()
	for line := range strings.SplitSeq(string(readRoot(t, "go.mod")), "\n") {
		if v, ok := strings.CutPrefix(line, "module "); ok {
			module = strings.TrimSpace(v)
		}
		if v, ok := strings.CutPrefix(line, "go "); ok {
			parts := strings.Split(strings.TrimSpace(v), ".")
			goMinor = strings.Join(parts[:min(2, len(parts))], ".")
		}
	}
	if module == "" || goMinor == "" {
		t.Fatal("go.mod declares no module or go version")
	}
	return module, goMinor
}

// ecrguardPackage is the package the distribution files build: its
// folder from the root, which must hold package main.
const ecrguardPackage = "./cmd/ecrguard"

// ---- Dockerfile ----

// dockerInstruction is one instruction of a Dockerfile: its keyword in
// upper case, its arguments with continuation lines joined, and the line
// it starts on.
type dockerInstruction struct {
	Line int
	Cmd  string
	Args string
}

// keyword is a Dockerfile instruction's keyword.
var keyword = regexp.MustCompile(`^[A-Za-z]+$`)

// parseDockerfile splits a Dockerfile into its instructions: comment
// lines (parser directives included) are skipped, and a line ending in a
// backslash continues on the next. It fails on a line that starts no
// instruction and on a continuation at the end of the file.
func parseDockerfile(data string) ([]dockerInstruction, error) {
	var out []dockerInstruction
	var cur *dockerInstruction
	for i, line := range strings.Split(data, "\n") {
		trimmed := strings.TrimSpace(line)
		if cur == nil && (trimmed == "" || strings.HasPrefix(trimmed, "#")) {
			continue
		}
		if cur != nil && strings.HasPrefix(trimmed, "#") {
			continue // a comment inside a continued instruction
		}
		more := strings.HasSuffix(trimmed, `\`)
		trimmed = strings.TrimSpace(strings.TrimSuffix(trimmed, `\`))
		if cur == nil {
			cmd, args, _ := strings.Cut(trimmed, " ")
			if !keyword.MatchString(cmd) {
				return nil, fmt.Errorf("line %d: not an instruction: %s", i+1, trimmed)
			}
			cur = &dockerInstruction{Line: i + 1, Cmd: strings.ToUpper(cmd), Args: strings.TrimSpace(args)}
		} else if trimmed != "" {
			cur.Args += " " + trimmed
		}
		if !more {
			out = append(out, *cur)
			cur = nil
		}
	}
	if cur != nil {
		return nil, fmt.Errorf("line %d: the instruction continues past the end of the file", cur.Line)
	}
	return out, nil
}

// exitCode is the exit code of a finished command's error.
func exitCode(t *testing.T, err error) int {
	t.Helper()
	var ee *exec.ExitError
	if err == nil {
		return 0
	}
	if !errors.As(err, &ee) {
		t.Fatal(err)
	}
	return ee.ExitCode()
}

func TestParseDockerfile(t *testing.T) {
	got, err := parseDockerfile("# syntax=docker/dockerfile:1\n\nFROM a AS b\nRUN x \\\n  # note\n  y\nentrypoint [\"e\"]\n")
	if err != nil {
		t.Fatal(err)
	}
	want := []dockerInstruction{{3, "FROM", "a AS b"}, {4, "RUN", "x y"}, {7, "ENTRYPOINT", `["e"]`}}
	if !slices.Equal(got, want) {
		t.Errorf("got %+v, want %+v", got, want)
	}
	for _, bad := range []string{"FROM a\n-x\n", "FROM a\nRUN b \\"} {
		if _, err := parseDockerfile(bad); err == nil {
			t.Errorf("%q parses", bad)
		}
	}
}

// FuzzParseDockerfile holds parseDockerfile to its contract on any text:
// no panic, and instructions with a keyword of letters, in order of line.
func FuzzParseDockerfile(f *testing.F) {
	if data, err := os.ReadFile(filepath.Join(repoRoot, "Dockerfile")); err == nil {
		f.Add(string(data))
	}
	f.Add("FROM a AS b\nRUN x \\\n  # c\n  y\n")
	f.Add("RUN \\")
	f.Fuzz(func(t *testing.T, data string) {
		insts, err := parseDockerfile(data)
		if err != nil {
			return
		}
		for i, in := range insts {
			if !regexp.MustCompile(`^[A-Z]+$`).MatchString(in.Cmd) || (i > 0 && in.Line <= insts[i-1].Line) {
				t.Fatalf("instruction %d: %+v", i, in)
			}
		}
	})
}

// dockerStage is one stage of a Dockerfile: its FROM and what follows.
type dockerStage struct {
	Image, Name string
	Insts       []dockerInstruction
}

// stages splits instructions at each FROM ("FROM [--platform=P] IMAGE [AS NAME]").
func stages(t *testing.T, insts []dockerInstruction) []dockerStage {
	t.Helper()
	var out []dockerStage
	for _, in := range insts {
		if in.Cmd != "FROM" {
			if len(out) == 0 {
				t.Fatalf("Dockerfile:%d: %s before the first FROM", in.Line, in.Cmd)
			}
			out[len(out)-1].Insts = append(out[len(out)-1].Insts, in)
			continue
		}
		f := slices.DeleteFunc(strings.Fields(in.Args), func(s string) bool { return strings.HasPrefix(s, "--platform=") })
		st := dockerStage{Image: f[0]}
		if len(f) == 3 && strings.EqualFold(f[1], "AS") {
			st.Name = f[2]
		} else if len(f) != 1 {
			t.Fatalf("Dockerfile:%d: FROM %s: want IMAGE [AS NAME]", in.Line, in.Args)
		}
		out = append(out, st)
	}
	return out
}

// find returns the stage's instructions with keyword cmd.
func (s dockerStage) find(cmd string) []dockerInstruction {
	var out []dockerInstruction
	for _, in := range s.Insts {
		if in.Cmd == cmd {
			out = append(out, in)
		}
	}
	return out
}

// dockerBuild is what TestDockerfile reads of the Dockerfile: the builder's
// go build command, its output, its ARG defaults and ENV, and the final
// image's path of the binary.
type dockerBuild struct {
	Run     string            // the RUN that builds ecrguard
	Out     string            // its -o
	Env     map[string]string // the builder's ARG defaults and ENV
	Binary  string            // where the final stage has it
	Images  []string          // the stages' base images
	Workdir string            // the final stage's, where to mount the files to scan
}

// checkDockerfile checks the Dockerfile's shape: a golang builder at
// go.mod's Go version building ecrguard statically (CGO_ENABLED=0,
// -trimpath), and a final stage on scratch or distroless/static that
// copies the binary alone, runs as a non-root user in a WORKDIR for a
// mounted folder, with ecrguard as its ENTRYPOINT.
func checkDockerfile(t *testing.T) dockerBuild {
	t.Helper()
	insts, err := parseDockerfile(string(readRoot(t, "Dockerfile")))
	if err != nil {
		t.Fatalf("Dockerfile: %v", err)
	}
	st := stages(t, insts)
	if len(st) < 2 {
		t.Fatalf("Dockerfile has %d stage(s), want a builder and a final stage", len(st))
	}
	_, goMinor := modulePath(t)
	builder, final := st[0], st[len(st)-1]
	if builder.Image != "golang:"+goMinor || builder.Name == "" {
		t.Errorf("builder: FROM %s AS %q, want golang:%s (go.mod's version) with a name", builder.Image, builder.Name, goMinor)
	}
	if final.Image != "scratch" && !strings.HasPrefix(final.Image, "gcr.io/distroless/static") {
		t.Errorf("final stage FROM %s, want scratch or gcr.io/distroless/static*", final.Image)
	}

	b := dockerBuild{Env: map[string]string{}}
	for _, s := range st {
		if s.Image != "scratch" { // no image: nothing to pull
			b.Images = append(b.Images, s.Image)
		}
	}
	for _, in := range builder.Insts {
		switch in.Cmd {
		case "ARG":
			name, def, _ := strings.Cut(in.Args, "=")
			b.Env[name] = def
		case "ENV":
			for _, kv := range strings.Fields(in.Args) {
				k, v, ok := strings.Cut(kv, "=")
				if !ok {
					t.Fatalf("Dockerfile:%d: ENV %s: want KEY=VALUE", in.Line, in.Args)
				}
				b.Env[k] = v
			}
		case "RUN":
			if strings.Contains(in.Args, "go build") {
				b.Run = in.Args
			}
		}
	}
	for _, want := range []string{"CGO_ENABLED=0", "-trimpath", " " + ecrguardPackage} {
		if !strings.Contains(b.Run, want) {
			t.Errorf("the builder's go build (%q) lacks %q", b.Run, want)
		}
	}
	if m := regexp.MustCompile(`-o\s+(\S+)`).FindStringSubmatch(b.Run); m != nil {
		b.Out = m[1]
	} else {
		t.Fatalf("the builder's go build (%q) has no -o", b.Run)
	}

	copies := final.find("COPY")
	if len(copies) != 1 {
		t.Fatalf("final stage: %d COPY, want 1 (the binary alone)", len(copies))
	}
	if f := strings.Fields(copies[0].Args); len(f) != 3 || f[0] != "--from="+builder.Name || f[1] != b.Out {
		t.Errorf("Dockerfile:%d: COPY %s, want COPY --from=%s %s DEST", copies[0].Line, copies[0].Args, builder.Name, b.Out)
	} else {
		b.Binary = f[2]
	}
	users := final.find("USER")
	if len(users) == 0 {
		t.Error("final stage: no USER (it would run as root)")
	} else if u, _, _ := strings.Cut(users[len(users)-1].Args, ":"); u == "root" || u == "0" {
		t.Errorf("Dockerfile:%d: USER %s, want a non-root user", users[len(users)-1].Line, users[len(users)-1].Args)
	}
	if wd := final.find("WORKDIR"); len(wd) == 0 {
		t.Error("final stage: no WORKDIR for the mounted folder")
	} else {
		b.Workdir = wd[len(wd)-1].Args
	}
	var entry []string
	if eps := final.find("ENTRYPOINT"); len(eps) != 1 {
		t.Errorf("final stage: %d ENTRYPOINT, want 1", len(eps))
	} else if err := json.Unmarshal([]byte(eps[0].Args), &entry); err != nil || !slices.Equal(entry, []string{b.Binary}) {
		t.Errorf("Dockerfile:%d: ENTRYPOINT %s, want the exec form [%q]", eps[0].Line, eps[0].Args, b.Binary)
	}
	return b
}

// ldflagsVersion is the -X of the version in a -ldflags value, with
// VALUE for the value: both the Dockerfile and GoReleaser set it.
var ldflagsVersion = regexp.MustCompile(`-X[= ]main\.version=(\S+?)["']?(\s|$)`)

// TestDockerfile checks the Dockerfile and builds it: it runs the
// builder's go build command, with the Dockerfile's ARG defaults and ENV,
// for linux/amd64 in a copy of the build context that .dockerignore leaves,
// then the binary it built; and, when a docker daemon answers and already
// has the base images (the test downloads nothing), docker builds the
// image and runs it on the examples. The build (mostly a link, 1 to 3 s of
// a 2-core machine) runs when ECRGUARD_DIST=1, as .ci/run sets it, or where
// a docker daemon answers; otherwise, and under -short, the static checks
// stand alone.
func TestDockerfile(t *testing.T) {
	t.Parallel()
	b := checkDockerfile(t)
	if t.Failed() || testing.Short() {
		return
	}
	if !ldflagsVersion.MatchString(b.Run) {
		t.Errorf("the builder's go build (%q) does not set main.version", b.Run)
	}
	const version = "v9.8.7-disttest"
	docker, err := exec.LookPath("docker")
	dockerUp := err == nil && exec.Command(docker, "info").Run() == nil
	if dockerUp && exec.Command(docker, append([]string{"image", "inspect"}, b.Images...)...).Run() == nil {
		dockerBuildAndRun(t, docker, version)
	}
	if !dockerUp && !distRuns(t) {
		return
	}

	ctx := copyBuildContext(t)
	env := os.Environ()
	for k, v := range b.Env {
		env = append(env, k+"="+v)
	}
	out := filepath.Join(t.TempDir(), "ecrguard")
	env = append(env, "TARGETOS=linux", "TARGETARCH=amd64", "VERSION="+version, "GOPROXY=off")
	script := strings.Replace(b.Run, "-o "+b.Out, "-o "+out, 1)
	cmd := exec.Command("sh", "-c", script)
	cmd.Dir, cmd.Env = ctx, env
	if msg, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("the Dockerfile's build in its context: %v\n%s", err, msg)
	}
	if runtime.GOOS != "linux" || runtime.GOARCH != "amd64" {
		return // built, but this machine cannot run it
	}
	got, err := exec.Command(out, "--version").CombinedOutput()
	if err != nil || !strings.Contains(string(got), version) {
		t.Errorf("the built ecrguard --version: %v\n%s\nwant %s", err, got, version)
	}
}

// dockerBuildAndRun builds the image, without pulling, and runs it: its
// version, and a scan of the examples mounted at its WORKDIR.
func dockerBuildAndRun(t *testing.T, docker, version string) {
	t.Helper()
	image := "ecrguard-disttest:" + strconv.Itoa(os.Getpid())
	build := exec.Command(docker, "build", "--pull=false", "--build-arg", "VERSION="+version, "-t", image, ".")
	build.Dir = repoRoot
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("docker build: %v\n%s", err, out)
	}
	t.Cleanup(func() { _ = exec.Command(docker, "rmi", "-f", image).Run() })
	out, err := exec.Command(docker, "run", "--rm", image, "--version").CombinedOutput()
	if err != nil || !strings.Contains(string(out), version) {
		t.Errorf("docker run %s --version: %v\n%s", image, err, out)
	}
	examples, err := filepath.Abs(filepath.Join(repoRoot, "examples"))
	if err != nil {
		t.Fatal(err)
	}
	run := exec.Command(docker, "run", "--rm", "-v", examples+":/work:ro", image, "scan", ".")
	out, err = run.CombinedOutput()
	if exitCode(t, err) != rules.ExitFindings || !strings.Contains(string(out), "ECR001") {
		t.Errorf("docker run scan on the examples: %v, want exit 1 with ECR001\n%s", err, out)
	}
}

// dockerignore is a .dockerignore's patterns in order; a pattern starting
// with "!" lets back in what an earlier one left out.
type dockerignore []string

// excluded reports whether the context leaves out name (slash-separated,
// relative): the last pattern that matches it or a folder above it decides.
func (d dockerignore) excluded(name string) bool {
	out := false
	for _, p := range d {
		neg := strings.HasPrefix(p, "!")
		p = strings.TrimPrefix(p, "!")
		if matchesOrUnder(strings.Split(path.Clean(p), "/"), strings.Split(name, "/")) {
			out = !neg
		}
	}
	return out
}

// matchesOrUnder matches path segments against pattern segments, "**"
// standing for any number of segments; a pattern that matches a folder
// above name matches name.
func matchesOrUnder(pat, name []string) bool {
	if len(pat) == 0 {
		return true
	}
	if pat[0] == "**" {
		for i := 0; i <= len(name); i++ {
			if matchesOrUnder(pat[1:], name[i:]) {
				return true
			}
		}
		return false
	}
	if len(name) == 0 {
		return false
	}
	ok, err := path.Match(pat[0], name[0])
	return err == nil && ok && matchesOrUnder(pat[1:], name[1:])
}

func TestDockerignoreMatch(t *testing.T) {
	d := dockerignore{".git", "**/testdata", "**/*_test.go", "docs", "**/*.md", "!docs/keep.md"}
	for name, want := range map[string]bool{
		".git/HEAD": true, "policy/testdata/a.json": true, "testdata/x": true, "cmd/ecrguard/main_test.go": true,
		"README.md": true, "rules/README.md": true, "docs/rules/ECR001.md": true, "docs/keep.md": false,
		"cmd/ecrguard/main.go": false, "go.mod": false, "examples/estate/web.json": false, "gitx": false,
	} {
		if got := d.excluded(name); got != want {
			t.Errorf("excluded(%q) = %v, want %v", name, got, want)
		}
	}
}

// copyBuildContext copies the repository's files that .dockerignore keeps
// into a temporary folder, and checks the context is small and holds what
// the build needs and no tests.
func copyBuildContext(t *testing.T) string {
	t.Helper()
	var ignore dockerignore
	for line := range strings.SplitSeq(string(readRoot(t, ".dockerignore")), "\n") {
		if line = strings.TrimSpace(line); line != "" && !strings.HasPrefix(line, "#") {
			ignore = append(ignore, line)
		}
	}
	dst := t.TempDir()
	var size int64
	var kept []string
	err := filepath.WalkDir(repoRoot, func(p string, d fs.DirEntry, err error) error {
		if err != nil || p == repoRoot {
			return err
		}
		rel, err := filepath.Rel(repoRoot, p)
		if err != nil {
			return err
		}
		rel = filepath.ToSlash(rel)
		if ignore.excluded(rel) {
			if d.IsDir() {
				return filepath.SkipDir
			}
			return nil
		}
		if d.IsDir() {
			return os.MkdirAll(filepath.Join(dst, rel), 0o755)
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		size += int64(len(data))
		kept = append(kept, rel)
		return os.WriteFile(filepath.Join(dst, rel), data, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"go.mod", "go.sum", "cmd/ecrguard/main.go", "examples/.ecrguard.yaml", "catalog/data/iam-actions-ecr.json"} {
		if !slices.Contains(kept, want) {
			t.Errorf("the build context lacks %s", want)
		}
	}
	for _, f := range kept {
		if strings.HasSuffix(f, "_test.go") || strings.Contains("/"+f, "/testdata/") || strings.HasPrefix(f, ".git/") {
			t.Errorf("the build context holds %s", f)
		}
	}
	const limit = 4 << 20
	if size > limit {
		t.Errorf("the build context is %d bytes, want at most %d (.dockerignore)", size, limit)
	}
	return dst
}

// ---- GoReleaser ----

// goreleaserConfig is the part of .goreleaser.yaml the test reads.
type goreleaserConfig struct {
	Version     int    `yaml:"version"`
	ProjectName string `yaml:"project_name"`
	Builds      []struct {
		ID           string   `yaml:"id"`
		Main         string   `yaml:"main"`
		Binary       string   `yaml:"binary"`
		Env          []string `yaml:"env"`
		Flags        []string `yaml:"flags"`
		Ldflags      []string `yaml:"ldflags"`
		Goos         []string `yaml:"goos"`
		Goarch       []string `yaml:"goarch"`
		ModTimestamp string   `yaml:"mod_timestamp"`
	} `yaml:"builds"`
	Archives []struct {
		ID              string   `yaml:"id"`
		IDs             []string `yaml:"ids"`
		Formats         []string `yaml:"formats"`
		FormatOverrides []struct {
			Goos    string   `yaml:"goos"`
			Formats []string `yaml:"formats"`
		} `yaml:"format_overrides"`
		NameTemplate string   `yaml:"name_template"`
		Files        []string `yaml:"files"`
	} `yaml:"archives"`
	Checksum struct {
		NameTemplate string `yaml:"name_template"`
		Algorithm    string `yaml:"algorithm"`
	} `yaml:"checksum"`
	Changelog struct {
		Disable bool `yaml:"disable"`
	} `yaml:"changelog"`
}

// archiveName renders the archive's name template with placeholders.
func archiveName(t *testing.T, cfg goreleaserConfig, os, arch string) string {
	t.Helper()
	tmpl, err := template.New("name").Parse(cfg.Archives[0].NameTemplate)
	if err != nil {
		t.Fatalf(".goreleaser.yaml: name_template: %v", err)
	}
	var b strings.Builder
	data := map[string]string{"ProjectName": cfg.ProjectName, "Version": "VERSION", "Os": os, "Arch": arch}
	if err := tmpl.Option("missingkey=error").Execute(&b, data); err != nil {
		t.Fatalf(".goreleaser.yaml: name_template: %v", err)
	}
	return b.String()
}

// TestGoReleaser runs `goreleaser check` when GoReleaser is installed, and
// checks the build and archive layout in any case: ecrguard built
// statically with its version for linux, darwin and windows on amd64 and
// arm64, one archive per target named by it (zip for windows) with files
// that exist, and checksums.
func TestGoReleaser(t *testing.T) {
	t.Parallel()
	if tool, err := exec.LookPath("goreleaser"); err == nil {
		cmd := exec.Command(tool, "check")
		cmd.Dir = repoRoot
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Errorf("goreleaser check: %v\n%s", err, out)
		}
	}
	var cfg goreleaserConfig
	decodeRootYAML(t, ".goreleaser.yaml", &cfg)
	if cfg.Version != 2 || cfg.ProjectName != "ecrguard" || len(cfg.Builds) != 1 || len(cfg.Archives) != 1 {
		t.Fatalf("version %d, project %q, %d builds, %d archives; want version 2, ecrguard, 1 and 1", cfg.Version, cfg.ProjectName, len(cfg.Builds), len(cfg.Archives))
	}
	b, a := cfg.Builds[0], cfg.Archives[0]
	if b.Main != ecrguardPackage || b.Binary != "ecrguard" {
		t.Errorf("build main %q binary %q, want %s and ecrguard", b.Main, b.Binary, ecrguardPackage)
	}
	if !slices.Contains(b.Env, "CGO_ENABLED=0") || !slices.Contains(b.Flags, "-trimpath") {
		t.Errorf("build env %v flags %v, want CGO_ENABLED=0 and -trimpath (a static, reproducible binary)", b.Env, b.Flags)
	}
	if m := ldflagsVersion.FindStringSubmatch(strings.Join(b.Ldflags, " ")); m == nil || m[1] != "{{.Version}}" {
		t.Errorf("ldflags %q do not set main.version to {{.Version}} (TestDockerfile checks that -X main.version sets --version)", b.Ldflags)
	}
	slices.Sort(b.Goos)
	slices.Sort(b.Goarch)
	if !slices.Equal(b.Goos, []string{"darwin", "linux", "windows"}) || !slices.Equal(b.Goarch, []string{"amd64", "arm64"}) {
		t.Errorf("targets %v × %v, want darwin, linux, windows × amd64, arm64", b.Goos, b.Goarch)
	}
	if !slices.Equal(a.IDs, []string{b.ID}) || !slices.Equal(a.Formats, []string{"tar.gz"}) {
		t.Errorf("archive ids %v formats %v, want [%s] and [tar.gz]", a.IDs, a.Formats, b.ID)
	}
	if len(a.FormatOverrides) != 1 || a.FormatOverrides[0].Goos != "windows" || !slices.Equal(a.FormatOverrides[0].Formats, []string{"zip"}) {
		t.Errorf("format overrides %+v, want zip for windows", a.FormatOverrides)
	}
	names := map[string]bool{}
	for _, goos := range b.Goos {
		for _, arch := range b.Goarch {
			name := archiveName(t, cfg, goos, arch)
			if !strings.Contains(name, goos) || !strings.Contains(name, arch) || !strings.Contains(name, "VERSION") {
				t.Errorf("archive name %q does not name the version, OS and architecture", name)
			}
			names[name] = true
		}
	}
	if len(names) != len(b.Goos)*len(b.Goarch) {
		t.Errorf("archive names are not one per target: %v", names)
	}
	for _, pattern := range a.Files {
		if m, err := filepath.Glob(filepath.Join(repoRoot, pattern)); err != nil || len(m) == 0 {
			t.Errorf("archive file %q matches nothing", pattern)
		}
	}
	if cfg.Checksum.NameTemplate == "" || cfg.Checksum.Algorithm != "sha256" {
		t.Errorf("checksum %+v, want a file of sha256 sums", cfg.Checksum)
	}
}

// ---- GitHub Action ----

// actionStep is one step of action.yml's composite run.
type actionStep struct {
	Name  string            `yaml:"name"`
	ID    string            `yaml:"id"`
	If    string            `yaml:"if"`
	Uses  string            `yaml:"uses"`
	With  map[string]string `yaml:"with"`
	Shell string            `yaml:"shell"`
	Env   map[string]string `yaml:"env"`
	Run   string            `yaml:"run"`
}

// actionFile is action.yml.
type actionFile struct {
	Name        string `yaml:"name"`
	Description string `yaml:"description"`
	Author      string `yaml:"author"`
	Branding    struct {
		Icon  string `yaml:"icon"`
		Color string `yaml:"color"`
	} `yaml:"branding"`
	Inputs map[string]struct {
		Description string `yaml:"description"`
		Required    bool   `yaml:"required"`
		Default     string `yaml:"default"`
	} `yaml:"inputs"`
	Outputs map[string]struct {
		Description string `yaml:"description"`
		Value       string `yaml:"value"`
	} `yaml:"outputs"`
	Runs struct {
		Using string       `yaml:"using"`
		Steps []actionStep `yaml:"steps"`
	} `yaml:"runs"`
}

// actionExpr finds the ${{ ... }} expressions' references to inputs and
// step outputs.
var (
	inputRef  = regexp.MustCompile(`inputs\.([A-Za-z0-9_-]+)`)
	outputRef = regexp.MustCompile(`steps\.([A-Za-z0-9_-]+)\.outputs\.([A-Za-z0-9_-]+)`)
	exprRef   = regexp.MustCompile(`\$\{\{\s*([^}]*?)\s*\}\}`)
)

// TestActionConsistent checks action.yml: a composite action whose every
// input is used and every reference names a declared input or an output a
// step writes, whose run steps name their shell, whose input defaults
// are values ecrguard accepts, and which uploads the SARIF file its scan
// step writes.
func TestActionConsistent(t *testing.T) {
	t.Parallel()
	var a actionFile
	decodeRootYAML(t, "action.yml", &a)
	if a.Runs.Using != "composite" || a.Name == "" || a.Description == "" {
		t.Fatalf("runs.using %q, name %q: want a composite action with a name and description", a.Runs.Using, a.Name)
	}
	text := string(readRoot(t, "action.yml"))
	used := map[string]bool{}
	for _, m := range inputRef.FindAllStringSubmatch(text, -1) {
		used[m[1]] = true
		if _, ok := a.Inputs[m[1]]; !ok {
			t.Errorf("action.yml refers to inputs.%s, which it does not declare", m[1])
		}
	}
	for name, in := range a.Inputs {
		if !used[name] {
			t.Errorf("input %s is never used", name)
		}
		if in.Description == "" {
			t.Errorf("input %s has no description", name)
		}
	}
	for _, want := range []string{"paths", "fail-on", "format", "version"} {
		if _, ok := a.Inputs[want]; !ok {
			t.Errorf("no input %s", want)
		}
	}
	if in := a.Inputs["fail-on"]; in.Default != "none" {
		if _, err := rules.ParseSeverity(in.Default); err != nil {
			t.Errorf("fail-on defaults to %q: %v", in.Default, err)
		}
	}
	if _, err := report.ParseFormat(a.Inputs["format"].Default); err != nil {
		t.Errorf("format defaults to %q: %v", a.Inputs["format"].Default, err)
	}

	steps := map[string]actionStep{}
	for i, s := range a.Runs.Steps {
		if s.Name == "" {
			t.Errorf("step %d has no name", i)
		}
		if s.ID != "" {
			steps[s.ID] = s
		}
		if (s.Run == "") == (s.Uses == "") {
			t.Errorf("step %q: want exactly one of run and uses", s.Name)
		}
		if s.Run != "" && s.Shell != "bash" {
			t.Errorf("step %q: shell %q, want bash (a composite action's run steps name their shell)", s.Name, s.Shell)
		}
		if s.Run != "" && exprRef.MatchString(s.Run) {
			t.Errorf("step %q: an expression in run (pass values through env, never into the script)", s.Name)
		}
	}
	for _, m := range outputRef.FindAllStringSubmatch(text, -1) {
		s, ok := steps[m[1]]
		if !ok || !strings.Contains(s.Run, m[2]+"=") || !strings.Contains(s.Run, "$GITHUB_OUTPUT") {
			t.Errorf("action.yml refers to steps.%s.outputs.%s, which no step writes", m[1], m[2])
		}
	}
	module, _ := modulePath(t)
	install := findStep(t, a, func(s actionStep) bool { return strings.Contains(s.Run, "go install") })
	if !strings.Contains(install.Run, module+strings.TrimPrefix(ecrguardPackage, ".")+"@") {
		t.Errorf("the install step (%q) does not install %s%s@VERSION", install.Run, module, strings.TrimPrefix(ecrguardPackage, "."))
	}
	upload := findStep(t, a, func(s actionStep) bool { return strings.HasPrefix(s.Uses, "github/codeql-action/upload-sarif@") })
	if upload.With["sarif_file"] != "${{ steps.scan.outputs.sarif-file }}" {
		t.Errorf("the upload step uploads %q, want the scan step's sarif-file", upload.With["sarif_file"])
	}
}

// findStep returns the one step of a that match picks.
func findStep(t *testing.T, a actionFile, match func(actionStep) bool) actionStep {
	t.Helper()
	var found []actionStep
	for _, s := range a.Runs.Steps {
		if match(s) {
			found = append(found, s)
		}
	}
	if len(found) != 1 {
		t.Fatalf("action.yml: %d matching steps, want 1", len(found))
	}
	return found[0]
}

// stepEnv is a run step's environment as GitHub Actions gives it: the
// step's env with each ${{ EXPR }} replaced by values[EXPR] ("inputs.paths",
// "steps.scan.outputs.exit-code"), ecrguard on the PATH, and extra.
func stepEnv(t *testing.T, s actionStep, values map[string]string, extra ...string) []string {
	t.Helper()
	env := append(os.Environ(), "PATH="+binDir+string(os.PathListSeparator)+os.Getenv("PATH"))
	for k, v := range s.Env {
		v = exprRef.ReplaceAllStringFunc(v, func(expr string) string {
			val, ok := values[exprRef.FindStringSubmatch(expr)[1]]
			if !ok {
				t.Fatalf("step %q: env %s = %s: no value for it", s.Name, k, v)
			}
			return val
		})
		env = append(env, k+"="+v)
	}
	return append(env, extra...)
}

// distRuns reports whether the distribution tests run what they check
// (the action's steps, the hook, the Dockerfile's build): when
// ECRGUARD_DIST=1, as .ci/run sets it. Each run starts processes of the
// test binary, seconds of a 2-core machine that a plain `go test ./...`
// leaves to CI; the static checks run everywhere.
func distRuns(t *testing.T) bool {
	t.Helper()
	if os.Getenv("ECRGUARD_DIST") != "1" {
		t.Log("run with ECRGUARD_DIST=1 (CI sets it) to run it as well as check it")
		return false
	}
	return true
}

// actionSteps is the bash that runs the action's steps (the test skips
// without one) and action.yml.
func actionSteps(t *testing.T) (bash string, a actionFile) {
	t.Helper()
	bash, err := exec.LookPath("bash")
	if err != nil {
		t.Skip("no bash")
	}
	decodeRootYAML(t, "action.yml", &a)
	return bash, a
}

// TestActionRuns runs the action's scan step in bash as GitHub Actions
// would, with ecrguard on the PATH, on two files of the examples (given on
// two lines), then its last step with the exit code the scan step wrote:
// the log gets the report in the format asked, the SARIF file is written
// where the upload step reads it, and the job fails by ecrguard's exit
// code.
func TestActionRuns(t *testing.T) {
	t.Parallel()
	if !distRuns(t) {
		t.Skip("the action's scan step runs when ECRGUARD_DIST=1 (CI sets it); TestActionConsistent checks it everywhere")
	}
	bash, a := actionSteps(t)
	examples, err := filepath.Abs(filepath.Join(repoRoot, "examples"))
	if err != nil {
		t.Fatal(err)
	}
	scan := findStep(t, a, func(s actionStep) bool { return s.ID == "scan" })
	last := a.Runs.Steps[len(a.Runs.Steps)-1]
	for _, tc := range []struct {
		name, failOn, format string
		code                 int
		log                  string
		noTemp               bool // RUNNER_TEMP does not exist: the SARIF report cannot be written
		// base is the pull request's base commit ("": a push), results
		// whether the SARIF report holds results.
		base    string
		results bool
	}{
		{"findings", "high", "table", rules.ExitFindings, "ECR001", false, "", true},
		{"pass", "none", "markdown", rules.ExitOK, "#### ECR001", false, "", true},
		{"bad-flag", "severe", "table", rules.ExitIncomplete, "--fail-on", false, "", true},
		{"sarif-unwritable", "none", "table", rules.ExitIncomplete, "ecrguard.sarif", true, "", true},
		// A pull request against the commit the examples are at: nothing
		// is new, the findings of the examples are not the change's; the
		// SARIF report still holds them all, since code scanning takes an
		// upload as every alert of the commit and would close the rest as
		// fixed by the pull request ("Triaging code scanning alerts in pull
		// requests", docs.github.com).
		{"pull-request", "high", "markdown", rules.ExitOK, "## ecrguard diff", false, gitHead(t), true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			temp := t.TempDir()
			outputs := filepath.Join(temp, "github-output")
			if tc.noTemp {
				temp = filepath.Join(temp, "missing")
			}
			inputs := map[string]string{"inputs.paths": "estate/legacy.json\n  estate/web.json", "inputs.fail-on": tc.failOn, "inputs.format": tc.format,
				"github.event.pull_request.base.sha": tc.base}
			cmd := exec.Command(bash, "-e", "-c", scan.Run)
			cmd.Dir = examples
			cmd.Env = stepEnv(t, scan, inputs, "RUNNER_TEMP="+temp, "GITHUB_OUTPUT="+outputs)
			var stdout, stderr bytes.Buffer
			cmd.Stdout, cmd.Stderr = &stdout, &stderr
			if err := cmd.Run(); err != nil {
				t.Fatalf("the scan step failed (it records the exit code instead): %v\n%s", err, stderr.String())
			}
			if !strings.Contains(stdout.String()+stderr.String(), tc.log) {
				t.Errorf("the log lacks %q:\n%s\n%s", tc.log, stdout.String(), stderr.String())
			}
			data, err := os.ReadFile(outputs)
			if err != nil {
				t.Fatal(err)
			}
			out := map[string]string{}
			for line := range strings.SplitSeq(strings.TrimSpace(string(data)), "\n") {
				k, v, _ := strings.Cut(line, "=")
				out[k] = v
			}
			if out["exit-code"] != strconv.Itoa(tc.code) {
				t.Errorf("exit-code=%s, want %d", out["exit-code"], tc.code)
			}
			if tc.code != rules.ExitIncomplete {
				sarif, err := os.ReadFile(out["sarif-file"])
				if err != nil {
					t.Fatalf("the SARIF file the upload step reads: %v", err)
				}
				var doc struct {
					Runs []struct {
						Results []json.RawMessage `json:"results"`
					} `json:"runs"`
				}
				if err := json.Unmarshal(sarif, &doc); err != nil || len(doc.Runs) != 1 || (len(doc.Runs[0].Results) > 0) != tc.results {
					t.Errorf("the SARIF file: %v, results %v, want results %v", err, doc.Runs, tc.results)
				}
			}
			exit := exec.Command(bash, "-e", "-c", last.Run)
			exit.Env = stepEnv(t, last, map[string]string{"steps.scan.outputs.exit-code": out["exit-code"]})
			if got := exitCode(t, exit.Run()); got != tc.code {
				t.Errorf("the last step exits %d, want %d", got, tc.code)
			}
		})
	}
}

// TestActionInstall runs the action's install step with the version input
// left at its default, as a workflow that pins the action (uses:
// ecrguard/ecrguard@REF) runs it: it builds the action's own source, which
// GitHub Actions unpacks at GITHUB_ACTION_PATH ("Contexts reference",
// github.action_path, only supported in composite actions,
// docs.github.com), so the binary is
// the ref's and needs no release. It installed @latest, whatever ref the
// workflow pinned.
func TestActionInstall(t *testing.T) {
	t.Parallel()
	if !distRuns(t) {
		t.Skip("the action's install step runs when ECRGUARD_DIST=1 (CI sets it)")
	}
	bash, a := actionSteps(t)
	root, err := filepath.Abs(repoRoot)
	if err != nil {
		t.Fatal(err)
	}
	install := findStep(t, a, func(s actionStep) bool { return strings.Contains(s.Run, "go install") })
	gobin := t.TempDir()
	cmd := exec.Command(bash, "-e", "-c", install.Run)
	cmd.Dir = t.TempDir() // the workspace, not the action's folder
	cmd.Env = stepEnv(t, install, map[string]string{"inputs.version": a.Inputs["version"].Default},
		"GITHUB_ACTION_PATH="+root, "GOBIN="+gobin, "GOFLAGS=-buildvcs=false", "GOPROXY=off")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("the install step with version %q: %v\n%s", a.Inputs["version"].Default, err, out)
	}
	if _, err := os.Stat(filepath.Join(gobin, "ecrguard")); err != nil {
		t.Errorf("the install step built no ecrguard: %v", err)
	}
}

// gitHead is the commit this repository's checkout is at, for the
// action's pull-request mode; the test skips without git or a repository.
func gitHead(t *testing.T) string {
	t.Helper()
	out, err := exec.Command("git", "-C", repoRoot, "rev-parse", "HEAD").Output()
	if err != nil {
		t.Skipf("the pull-request mode compares with a commit of this repository: %v", err)
	}
	return strings.TrimSpace(string(out))
}

// ---- pre-commit ----

// preCommitHook is one hook of .pre-commit-hooks.yaml.
type preCommitHook struct {
	ID            string   `yaml:"id"`
	Name          string   `yaml:"name"`
	Description   string   `yaml:"description"`
	Entry         string   `yaml:"entry"`
	Args          []string `yaml:"args"`
	Language      string   `yaml:"language"`
	PassFilenames *bool    `yaml:"pass_filenames"`
	Files         string   `yaml:"files"`
}

// TestPreCommitHook checks .pre-commit-hooks.yaml: a golang hook whose
// entry is the binary `go install` builds from this repository, whose
// files pattern picks the inputs ecrguard reads and not the rest, and
// whose entry, run in the examples' folder as pre-commit runs it there,
// reports the examples' findings.
func TestPreCommitHook(t *testing.T) {
	t.Parallel()
	var hooks []preCommitHook
	decodeRootYAML(t, ".pre-commit-hooks.yaml", &hooks)
	if len(hooks) != 1 {
		t.Fatalf("%d hooks, want 1", len(hooks))
	}
	h := hooks[0]
	if h.ID != "ecrguard" || h.Name == "" || h.Language != "golang" {
		t.Errorf("hook id %q name %q language %q, want ecrguard, a name and golang", h.ID, h.Name, h.Language)
	}
	entry := strings.Fields(h.Entry)
	if len(entry) < 2 || entry[0] != path.Base(ecrguardPackage) || entry[1] != "scan" {
		t.Fatalf("entry %q, want %s scan ... (the binary go install builds from %s)", h.Entry, path.Base(ecrguardPackage), ecrguardPackage)
	}
	if h.PassFilenames == nil || *h.PassFilenames {
		t.Error("pass_filenames is not false: ecrguard judges a file with the files around it, so the hook scans the repository")
	}
	files, err := regexp.Compile(h.Files)
	if err != nil {
		t.Fatalf("files: %v", err)
	}
	for name, want := range map[string]bool{
		"main.tf": true, "infra/ecr.tf.json": true, "prod.tfvars": true, "stack.yaml": true, "cfn/stack.yml": true,
		"stack.template": true, "stack.cfn": true, "policies/repo.json": true, ".ecrguard.yaml": true, ".ecrguardignore": true, "infra/.ecrguardignore": true,
		// ecrguard reads a file by its extension in any case: Repo.JSON is a policy.
		"policies/Repo.JSON": true, "stack.YAML": true,
		"main.go": false, "README.md": false, "Dockerfile": false, "x.ecrguardignore.bak": false,
	} {
		if got := files.MatchString(name); got != want {
			t.Errorf("files %q matches %s: %v, want %v", h.Files, name, got, want)
		}
	}

	if !distRuns(t) {
		return
	}
	cmd := exec.Command(filepath.Join(binDir, entry[0]), append(entry[1:], h.Args...)...)
	cmd.Dir = filepath.Join(repoRoot, "examples")
	out, err := cmd.CombinedOutput()
	if exitCode(t, err) != rules.ExitFindings || !strings.Contains(string(out), "ECR001") {
		t.Errorf("%s in examples/: %v, want exit 1 with ECR001\n%s", h.Entry, err, out)
	}
}

// ---- README ----

// TestReadmeInstall checks the README's "Install" section against the
// files it names: `go install` of this module's command, the release
// archives' names as GoReleaser writes them, the image built from the
// Dockerfile with the folder to scan mounted at its WORKDIR, the action's
// owner, repository and inputs with their defaults, and the pre-commit hook's
// repository and id.
func TestReadmeInstall(t *testing.T) {
	t.Parallel()
	_, section, ok := strings.Cut(string(readRoot(t, "README.md")), "\n## Install\n")
	if !ok {
		t.Fatal("README.md has no Install section")
	}
	section, _, _ = strings.Cut(section, "\n## ")
	module, _ := modulePath(t)
	repo := strings.TrimPrefix(module, "github.com/")

	installs := regexp.MustCompile(`go install (\S+)@(\S+)`).FindAllStringSubmatch(section, -1)
	if len(installs) == 0 {
		t.Error("the Install section has no go install")
	}
	for _, m := range installs {
		if m[1] != module+strings.TrimPrefix(ecrguardPackage, ".") {
			t.Errorf("go install %s: want %s%s", m[1], module, strings.TrimPrefix(ecrguardPackage, "."))
		}
	}
	var cfg goreleaserConfig
	decodeRootYAML(t, ".goreleaser.yaml", &cfg)
	for _, want := range []string{
		archiveName(t, cfg, "OS", "ARCH") + ".tar.gz",
		cfg.Checksum.NameTemplate,
		"docker build -t ecrguard .",
		`docker run --rm -v "$PWD:` + checkDockerfile(t).Workdir + `" ecrguard scan .`,
		"uses: " + repo + "@",
		"repo: https://" + module,
	} {
		if !strings.Contains(section, want) {
			t.Errorf("the Install section lacks %q", want)
		}
	}
	var action actionFile
	decodeRootYAML(t, "action.yml", &action)
	for name, in := range action.Inputs {
		if !strings.Contains(section, "`"+name+"`") || (in.Default != "" && in.Default != "." && !strings.Contains(section, "default `"+in.Default+"`")) {
			t.Errorf("the Install section does not name the action's input `%s` with its default `%s`", name, in.Default)
		}
	}
	var hooks []preCommitHook
	decodeRootYAML(t, ".pre-commit-hooks.yaml", &hooks)
	if m := regexp.MustCompile(`- id: (\S+)`).FindStringSubmatch(section); m == nil || m[1] != hooks[0].ID {
		t.Errorf("the Install section's pre-commit hook id %v, want %s", m, hooks[0].ID)
	}
	// Every file the section names in backquotes exists.
	for _, m := range regexp.MustCompile("`([A-Za-z0-9_./-]*(?:Dockerfile|\\.ya?ml|\\.md|\\.dockerignore))`").FindAllStringSubmatch(section, -1) {
		if _, err := os.Stat(filepath.Join(repoRoot, m[1])); err != nil {
			t.Errorf("the Install section names %s: %v", m[1], err)
		}
	}
}
