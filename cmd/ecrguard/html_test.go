package main

import (
	"bytes"
	"context"
	"fmt"
	"html"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/ecrguard/ecrguard/internal/golden"
)

// The HTML report is checked in a real browser: headless Chromium loads the
// demo's page, runs its script, and dumps the DOM the script left (or takes
// a screenshot). The page's first script writes any error or console.error
// into <pre id="console-errors">, and its last marks <body data-ready="yes">,
// so the DOM says whether the page ran cleanly.

// demoHTML renders the demo as HTML.
func demoHTML(t *testing.T) string {
	t.Helper()
	code, out, errOut := runCLI(t, "demo", "--fail-on", "none", "--format", "html")
	if code != 0 {
		t.Fatalf("demo --format html: exit %d: %s", code, errOut)
	}
	return out
}

// TestExampleReport keeps docs/example-report.html, the HTML report of the
// demo the README shows, current: 'go test ./cmd/ecrguard -run
// TestExampleReport -update' rewrites it (and TestHTMLReportInBrowser's
// -update rewrites its screenshot).
func TestExampleReport(t *testing.T) {
	checkDemoGolden(t, filepath.Join("..", "..", "docs", "example-report.html"), "html", demoHTML(t))
}

// findChromium returns the path of headless Chromium, or "".
func findChromium() string {
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome", "google-chrome-stable"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	return ""
}

// browserWanted reports whether the browser check runs: when
// ECRGUARD_BROWSER=1 or ECRGUARD_REQUIRE_CHROMIUM is set (.ci/run sets the
// latter). It takes a browser's start, seconds of a 2-core machine, so a
// plain `go test ./...` leaves it to CI; TestExampleReport still holds the
// HTML to its golden file.
func browserWanted() bool {
	return os.Getenv("ECRGUARD_BROWSER") == "1" || os.Getenv("ECRGUARD_REQUIRE_CHROMIUM") != ""
}

// chromiumPath finds headless Chromium, or skips the test (fails it when
// ECRGUARD_REQUIRE_CHROMIUM is set, as .ci/run does).
func chromiumPath(t *testing.T) string {
	t.Helper()
	if !browserWanted() {
		t.Skip("the HTML report is checked in Chromium when ECRGUARD_BROWSER=1 (CI sets ECRGUARD_REQUIRE_CHROMIUM=1)")
	}
	if p := findChromium(); p != "" {
		return p
	}
	if os.Getenv("ECRGUARD_REQUIRE_CHROMIUM") != "" {
		t.Fatal("ECRGUARD_REQUIRE_CHROMIUM is set and Chromium is not installed")
	}
	t.Skip("Chromium is not installed (Debian: apt-get install -y chromium): the HTML report is not checked in a browser")
	return ""
}

// chromium runs headless Chromium on url with extra flags, its profile in
// dir, and returns its standard output.
func chromium(bin, dir, url string, flags ...string) (string, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	args := append([]string{
		"--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
		"--disable-extensions", "--user-data-dir=" + filepath.Join(dir, "profile"), "--virtual-time-budget=3000",
	}, flags...)
	cmd := exec.CommandContext(ctx, bin, append(args, url)...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		return "", fmt.Errorf("chromium %s: %v\n%s", strings.Join(flags, " "), err, stderr.String())
	}
	return stdout.String(), nil
}

// writePage writes html to a file named name in dir and returns its
// file: URL.
func writePage(dir, name, html string) (string, error) {
	path := filepath.Join(dir, name)
	if err := os.WriteFile(path, []byte(html), 0o644); err != nil {
		return "", err
	}
	return "file://" + path, nil
}

var (
	consoleErrors = regexp.MustCompile(`(?s)<pre id="console-errors" role="alert">(.*?)</pre>`)
	mapRowRE      = regexp.MustCompile(`(?s)<tr data-row="([^"]+)">(.*?)</tr>`)
	mapCellRE     = regexp.MustCompile(`<td class="cell cell-(\w+)( dim)?" data-column="([^"]+)" data-classes="([^"]*)"`)
	articleRE     = regexp.MustCompile(`<article class="entry[^"]*" id="e(\d+)" [^>]*data-rules="([^"]*)" data-severity="(\w+)"[^>]*>`)
)

// loaded checks that the page's script ran to its end with no error.
func loaded(t *testing.T, dom string) {
	t.Helper()
	if !strings.Contains(dom, `<body data-ready="yes">`) {
		t.Error("the page's script did not run to its end")
	}
	m := consoleErrors.FindStringSubmatch(dom)
	if m == nil {
		t.Fatal("the page has no console-error capture")
	}
	if m[1] != "" {
		t.Errorf("console errors:\n%s", m[1])
	}
}

// mapCells reads the access map's non-empty cells: "row | column" to
// "severity classes", and which of them the filters dimmed.
func mapCells(dom string) (cells map[string]string, dimmed []string) {
	cells = map[string]string{}
	for _, row := range mapRowRE.FindAllStringSubmatch(dom, -1) {
		name := row[1]
		if _, after, ok := strings.Cut(name, ":repository/"); ok {
			name = after
		}
		for _, c := range mapCellRE.FindAllStringSubmatch(row[2], -1) {
			k := name + " | " + c[3]
			cells[k] = c[1] + " " + c[4]
			if c[2] != "" {
				dimmed = append(dimmed, k)
			}
		}
	}
	slices.Sort(dimmed)
	return cells, dimmed
}

// shownEntries lists the entries the filters left visible, as "ID rules".
func shownEntries(dom string) (shown []string, total int) {
	for _, m := range articleRE.FindAllStringSubmatch(dom, -1) {
		total++
		if !strings.Contains(m[0], ` hidden=""`) {
			shown = append(shown, m[1]+" "+m[2])
		}
	}
	return shown, total
}

// framed loads each page of urls (name to file: URL) in an iframe of one
// page, in one Chromium, and returns each page's DOM as the browser left
// it: one browser start for many pages (a start costs about a second and a
// half of CPU). Chromium is told to treat files as one origin, so that the
// frame's script can read the pages it framed.
//
// The frame of front fills the window, over the others, so that a
// screenshot (a --screenshot flag) shows that page as a window of its own
// would.
func framed(bin, dir string, urls map[string]string, front string, flags ...string) (map[string]string, error) {
	var b strings.Builder
	b.WriteString(`<!DOCTYPE html><html><head><style>
html, body { margin: 0; overflow: hidden; }
iframe { position: fixed; top: 0; left: 0; width: 100%; height: 100%; border: 0; }
iframe.front { z-index: 1; background: #fff; }
iframe:not(.front) { visibility: hidden; }
pre { display: none; }
</style></head><body>`)
	names := slices.Sorted(maps.Keys(urls))
	for _, name := range names {
		class := ""
		if name == front {
			class = "front"
		}
		fmt.Fprintf(&b, "<iframe id=%q class=%q src=%q></iframe>", name, class, urls[name])
	}
	b.WriteString(`<script>
window.addEventListener("load", () => {
  for (const f of document.querySelectorAll("iframe")) {
    const pre = document.createElement("pre");
    pre.className = "framed";
    pre.dataset.name = f.id;
    pre.textContent = f.contentDocument ? f.contentDocument.documentElement.outerHTML : "";
    document.body.appendChild(pre);
  }
});
</script></body></html>`)
	harness, err := writePage(dir, "frames.html", b.String())
	if err != nil {
		return nil, err
	}
	dom, err := chromium(bin, dir, harness, append(flags, "--allow-file-access-from-files", "--dump-dom")...)
	if err != nil {
		return nil, err
	}
	out := map[string]string{}
	for _, m := range framedRE.FindAllStringSubmatch(dom, -1) {
		out[m[1]] = html.UnescapeString(m[2])
	}
	for _, name := range names {
		if out[name] == "" {
			return nil, fmt.Errorf("the frame of %s was not read (%s):\n%s", name, urls[name], dom)
		}
	}
	return out, nil
}

var framedRE = regexp.MustCompile(`(?s)<pre class="framed" data-name="([^"]+)">(.*?)</pre>`)

// browser is the Chromium run TestHTMLReportInBrowser checks. TestMain
// starts it (startBrowser) before the other tests, for a browser's start is
// most of its cost and they run meanwhile.
var browser struct {
	done chan struct{}
	doms map[string]string
	png  string
	err  error
}

// startBrowser starts Chromium on the demo report, under its filters, and
// on a page whose script fails (the error capture the other checks trust
// must show it), each in a frame of one page (framed); the report's frame
// fills the window, for a screenshot a person can look at:
// testdata/html/demo-report.png (not committed; -update also refreshes
// docs/example-report.png, the README's picture). It does nothing when
// Chromium is not installed or the browser test is not to run; it returns
// a function that removes its files.
func startBrowser(run string) (cleanup func()) {
	bin := findChromium()
	// -run's top-level part decides whether the browser test runs.
	if top, _, _ := strings.Cut(run, "/"); bin == "" || !browserWanted() || top != "" && !regexp.MustCompile(top).MatchString("TestHTMLReportInBrowser") {
		return func() {}
	}
	dir, err := os.MkdirTemp("", "ecrguard-browser-")
	if err != nil {
		browser.err = err
		return func() {}
	}
	// Paths are made absolute here: in-process scripts change the working
	// directory while the browser runs.
	png := filepath.Join("testdata", "html", "demo-report.png")
	if err := os.MkdirAll(filepath.Dir(png), 0o755); err != nil {
		browser.err = err
		return func() {}
	}
	if browser.png, err = filepath.Abs(png); err != nil {
		browser.err = err
		return func() {}
	}
	browser.done = make(chan struct{})
	go func() {
		defer close(browser.done)
		var out, errb bytes.Buffer
		if code := execute(newRootCommand(&out, &errb, nil), []string{"demo", "--fail-on", "none", "--format", "html"}, &errb); code != 0 {
			browser.err = fmt.Errorf("demo --format html: exit %d: %s", code, errb.String())
			return
		}
		page := out.String()
		url, err := writePage(dir, "report.html", page)
		if err != nil {
			browser.err = err
			return
		}
		broken, err := writePage(dir, "broken.html", strings.Replace(page, "</body>", "<script>notAFunction();</script></body>", 1))
		if err != nil {
			browser.err = err
			return
		}
		browser.doms, browser.err = framed(bin, dir, map[string]string{
			"report":   url,
			"rule":     url + "#filter=ECR001",
			"severity": url + "#severity=critical&q=legacy",
			"percent":  url + "#filter=ECR001&q=100%",
			"broken":   broken,
		}, "report", "--hide-scrollbars", "--window-size=1280,1500", "--screenshot="+browser.png)
	}()
	return func() {
		<-browser.done
		os.RemoveAll(dir)
	}
}

func TestHTMLReportInBrowser(t *testing.T) {
	t.Parallel()
	chromiumPath(t)
	if browser.done == nil {
		t.Fatalf("TestMain did not start the browser: %v", browser.err)
	}
	<-browser.done
	if browser.err != nil {
		t.Fatal(browser.err)
	}
	doms, png := browser.doms, browser.png
	dom := doms["report"]

	t.Run("map", func(t *testing.T) {
		loaded(t, dom)
		cells, dimmed := mapCells(dom)
		want := map[string]string{
			"analytics | anyone":           "critical pull",
			"legacy | anyone":              "critical pull",
			"web | anyone":                 "critical pull",
			"tools | account:999988887777": "critical permissions other",
			"agent | account:999988887777": "critical push",
			"arn:aws:ecr:us-east-1:111122223333:repository-creation-template/quay | anyone": "critical pull",
			"arn:aws:ecr:us-east-1:111122223333:registry | account:999988887777":            "high other",
			"builds | service":            "medium pull",
			"identity:111122223333 | own": "high push delete permissions other",
		}
		for k, v := range want {
			if cells[k] != v {
				t.Errorf("cell %s = %q, want %q", k, cells[k], v)
			}
		}
		for k, v := range cells {
			if _, ok := want[k]; !ok {
				t.Errorf("unexpected cell %s = %q", k, v)
			}
		}
		if len(dimmed) > 0 {
			t.Errorf("with no filter, cells are dimmed: %q", dimmed)
		}
		if shown, total := shownEntries(dom); len(shown) != total || total == 0 {
			t.Errorf("with no filter, %d of %d entries shown", len(shown), total)
		}
	})

	t.Run("screenshot", func(t *testing.T) {
		data, err := os.ReadFile(png)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.HasPrefix(data, []byte("\x89PNG\r\n\x1a\n")) || len(data) < 10_000 {
			t.Fatalf("%s is not a screenshot (%d bytes)", png, len(data))
		}
		t.Logf("screenshot of the demo report: %s", png)
		if golden.Update() {
			if err := os.WriteFile(filepath.Join("..", "..", "docs", "example-report.png"), data, 0o644); err != nil {
				t.Fatal(err)
			}
		}
	})

	t.Run("filter by rule", func(t *testing.T) {
		dom := doms["rule"]
		loaded(t, dom)
		shown, total := shownEntries(dom)
		if len(shown) != 4 || total < 10 {
			t.Fatalf("#filter=ECR001 shows %q of %d entries, want the 4 ECR001 entries", shown, total)
		}
		for _, s := range shown {
			if !strings.Contains(s, "ECR001") {
				t.Errorf("#filter=ECR001 shows entry %s", s)
			}
		}
		_, dimmed := mapCells(dom)
		wantDimmed := []string{
			"agent | account:999988887777", "arn:aws:ecr:us-east-1:111122223333:registry | account:999988887777",
			"builds | service", "identity:111122223333 | own", "tools | account:999988887777",
		}
		if !slices.Equal(dimmed, wantDimmed) {
			t.Errorf("#filter=ECR001 dims %q, want %q", dimmed, wantDimmed)
		}
		if !strings.Contains(dom, "Showing 4 of ") {
			t.Error("the page does not say how many entries the filter shows")
		}
	})

	t.Run("filter by severity and text", func(t *testing.T) {
		dom := doms["severity"]
		loaded(t, dom)
		if shown, _ := shownEntries(dom); len(shown) != 1 || shown[0] != "3 ECR001 ECR002" {
			t.Errorf("#severity=critical&q=legacy shows %q, want the one entry of legacy's statement", shown)
		}
	})

	// An address typed by hand may hold a bare "%", which
	// decodeURIComponent rejects: the filters read it as it is, and the
	// page still works.
	t.Run("a bare percent sign in the address", func(t *testing.T) {
		dom := doms["percent"]
		loaded(t, dom)
		if !strings.Contains(dom, "Showing 0 of ") {
			t.Error(`#filter=ECR001&q=100% does not filter the entries by the text "100%"`)
		}
	})

	t.Run("errors are caught", func(t *testing.T) {
		if m := consoleErrors.FindStringSubmatch(doms["broken"]); m == nil || !strings.Contains(m[1], "notAFunction") {
			t.Errorf("a script error is not written into the page: %q", m)
		}
	})
}
