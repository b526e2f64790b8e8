package report

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/owenrumney/go-sarif/v3/pkg/report/v210/sarif"
	"github.com/xeipuuv/gojsonschema"

	"github.com/ecrguard/ecrguard/policy"
	"github.com/ecrguard/ecrguard/rules"
)

// TestSARIFSchema validates the SARIF output, the bytes written, against
// the official SARIF 2.1.0 JSON schema (testdata/sarif-schema-2.1.0.json,
// the OASIS sarif-schema-2.1.0.json that go-sarif embeds), and checks that
// go-sarif decodes it strictly.
func TestSARIFSchema(t *testing.T) {
	schema := sarifSchema(t)
	for _, tc := range []struct {
		name   string
		result *rules.Result
		opts   Options
	}{
		{"sample", sampleResult(), Options{Version: "1.2.3"}},
		{"sample-show-suppressed", sampleResult(), Options{Version: "1.2.3", ShowSuppressed: true}},
		{"clean", cleanResult(), Options{}},
		{"partial", partialResult(), Options{Version: "1.2.3"}},
		{"empty", &rules.Result{}, Options{}},
		{"filtered", filteredResult(), Options{}},
		{"edit", editResult(), Options{}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out := write(t, SARIF, tc.result, tc.opts)
			if _, err := sarif.FromBytes(out, sarif.WithStrictValidation()); err != nil {
				t.Fatalf("output does not decode as SARIF: %v", err)
			}
			res, err := schema.Validate(gojsonschema.NewBytesLoader(out))
			if err != nil {
				t.Fatal(err)
			}
			if !res.Valid() {
				t.Fatalf("output does not validate against the SARIF 2.1.0 schema: %v", res.Errors())
			}
		})
	}
}

func sarifSchema(t *testing.T) *gojsonschema.Schema {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "sarif-schema-2.1.0.json"))
	if err != nil {
		t.Fatal(err)
	}
	schema, err := gojsonschema.NewSchema(gojsonschema.NewBytesLoader(b))
	if err != nil {
		t.Fatal(err)
	}
	return schema
}

// The schema validator must actually reject invalid documents, or the test
// above proves nothing.
func TestSARIFSchemaRejectsInvalid(t *testing.T) {
	res, err := sarifSchema(t).Validate(gojsonschema.NewStringLoader(`{"version": "2.1.0", "runs": [{"tool": {"driver": {"name": "x"}}, "results": [{"level": "severe", "message": {"text": "m"}}]}]}`))
	if err != nil {
		t.Fatal(err)
	}
	if res.Valid() {
		t.Fatal(`a result with level "severe" validated`)
	}
}

// sarifDoc is the part of a SARIF log the content test reads.
type sarifDoc struct {
	Runs []struct {
		Tool struct {
			Driver struct {
				Name    string `json:"name"`
				Version string `json:"version"`
				Rules   []struct {
					ID               string                 `json:"id"`
					Name             string                 `json:"name"`
					ShortDescription struct{ Text string }  `json:"shortDescription"`
					FullDescription  struct{ Text string }  `json:"fullDescription"`
					Help             struct{ Text string }  `json:"help"`
					HelpURI          string                 `json:"helpUri"`
					Default          struct{ Level string } `json:"defaultConfiguration"`
					Properties       map[string]any         `json:"properties"`
				} `json:"rules"`
			} `json:"driver"`
		} `json:"tool"`
		Results []struct {
			RuleID              string                `json:"ruleId"`
			RuleIndex           int                   `json:"ruleIndex"`
			Level               string                `json:"level"`
			Message             struct{ Text string } `json:"message"`
			PartialFingerprints map[string]string     `json:"partialFingerprints"`
			Suppressions        []struct {
				Justification string `json:"justification"`
			} `json:"suppressions"`
			Locations []struct {
				PhysicalLocation *struct {
					ArtifactLocation struct{ URI string } `json:"artifactLocation"`
					Region           *struct {
						StartLine int `json:"startLine"`
					} `json:"region"`
				} `json:"physicalLocation"`
				LogicalLocations []struct {
					FullyQualifiedName string `json:"fullyQualifiedName"`
				} `json:"logicalLocations"`
			} `json:"locations"`
		} `json:"results"`
		Invocations []struct {
			ExecutionSuccessful bool `json:"executionSuccessful"`
			Notifications       []struct {
				Level   string                `json:"level"`
				Message struct{ Text string } `json:"message"`
			} `json:"toolExecutionNotifications"`
		} `json:"invocations"`
	} `json:"runs"`
}

func TestSARIFContent(t *testing.T) {
	var doc sarifDoc
	if err := json.Unmarshal(write(t, SARIF, sampleResult(), Options{Version: "1.2.3"}), &doc); err != nil {
		t.Fatal(err)
	}
	if len(doc.Runs) != 1 {
		t.Fatalf("%d runs, want 1", len(doc.Runs))
	}
	run := doc.Runs[0]
	if run.Tool.Driver.Name != "ecrguard" || run.Tool.Driver.Version != "1.2.3" {
		t.Errorf("driver = %q %q", run.Tool.Driver.Name, run.Tool.Driver.Version)
	}

	all := rules.All()
	if len(run.Tool.Driver.Rules) != len(all) {
		t.Fatalf("%d rules, want %d", len(run.Tool.Driver.Rules), len(all))
	}
	wantLevel := map[rules.Severity]string{rules.Critical: "error", rules.High: "error", rules.Medium: "warning", rules.Low: "note", rules.Info: "note"}
	wantScore := map[rules.Severity]string{rules.Critical: "9.5", rules.High: "8.0", rules.Medium: "5.5", rules.Low: "3.0", rules.Info: "1.0"}
	for i, r := range all {
		d := run.Tool.Driver.Rules[i]
		if d.ID != r.ID || d.ShortDescription.Text != r.Title || d.FullDescription.Text != r.Description {
			t.Errorf("rule %d = %s %q %q, want %s", i, d.ID, d.ShortDescription.Text, d.FullDescription.Text, r.ID)
		}
		if d.Name == "" || d.HelpURI != ProjectURL+"/blob/main/"+r.HelpURI() {
			t.Errorf("%s: name %q, helpUri %q", r.ID, d.Name, d.HelpURI)
		}
		if !bytes.Contains([]byte(d.Help.Text), []byte(r.Remediation)) || !bytes.Contains([]byte(d.Help.Text), []byte(r.FiresWhen)) {
			t.Errorf("%s: help %q lacks the remediation or FiresWhen", r.ID, d.Help.Text)
		}
		if d.Default.Level != wantLevel[r.Severity] {
			t.Errorf("%s: level %q, want %q", r.ID, d.Default.Level, wantLevel[r.Severity])
		}
		if d.Properties["security-severity"] != wantScore[r.Severity] {
			t.Errorf("%s: security-severity %v, want %s", r.ID, d.Properties["security-severity"], wantScore[r.Severity])
		}
		tags, _ := d.Properties["tags"].([]any)
		if n := len(frameworkList(r.Frameworks)); len(tags) != n+1 {
			t.Errorf("%s: tags %v, want security and %d framework ids", r.ID, tags, n)
		}
	}

	active := 0
	for _, f := range sampleResult().Findings {
		if f.Suppressed == "" {
			active++
		}
	}
	if len(run.Results) != active {
		t.Fatalf("%d results, want %d (suppressed left out)", len(run.Results), active)
	}
	seen := map[string]bool{}
	for _, res := range run.Results {
		if res.RuleIndex < 0 || run.Tool.Driver.Rules[res.RuleIndex].ID != res.RuleID {
			t.Errorf("%s: ruleIndex %d does not point at its rule", res.RuleID, res.RuleIndex)
		}
		fp := res.PartialFingerprints[fingerprintKey]
		if fp == "" || seen[fp] {
			t.Errorf("%s: fingerprint %q missing or repeated", res.RuleID, fp)
		}
		seen[fp] = true
		if len(res.Locations) != 1 {
			t.Errorf("%s: %d locations, want 1", res.RuleID, len(res.Locations))
			continue
		}
		loc := res.Locations[0]
		if res.RuleID == "ECR010" {
			// The sample's ECR010 finding has no source: its resource is
			// its artifact, without a line.
			if loc.PhysicalLocation == nil || loc.PhysicalLocation.Region != nil {
				t.Errorf("ECR010: physical location %+v for a finding without a source, want its resource without a region", loc.PhysicalLocation)
			}
			if res.Level != "note" {
				t.Errorf("ECR010 overridden to low: level %q, want note", res.Level)
			}
		} else if loc.PhysicalLocation == nil || loc.PhysicalLocation.ArtifactLocation.URI == "" || loc.PhysicalLocation.Region == nil || loc.PhysicalLocation.Region.StartLine < 1 {
			t.Errorf("%s: no file and line", res.RuleID)
		}
		if len(loc.LogicalLocations) != 1 || loc.LogicalLocations[0].FullyQualifiedName == "" {
			t.Errorf("%s: no logical location naming the resource", res.RuleID)
		}
	}

	if len(run.Invocations) != 1 || run.Invocations[0].ExecutionSuccessful {
		t.Fatalf("invocations = %+v, want one, unsuccessful (the sample has gaps)", run.Invocations)
	}
	errs := 0
	for _, n := range run.Invocations[0].Notifications {
		if n.Level == "error" {
			errs++
		}
	}
	if errs != len(sampleResult().Gaps) {
		t.Errorf("%d error notifications, want one per gap (%d)", errs, len(sampleResult().Gaps))
	}

	var clean sarifDoc
	if err := json.Unmarshal(write(t, SARIF, cleanResult(), Options{}), &clean); err != nil {
		t.Fatal(err)
	}
	if !clean.Runs[0].Invocations[0].ExecutionSuccessful {
		t.Error("a result without gaps is marked unsuccessful")
	}
}

func TestSARIFSuppressed(t *testing.T) {
	var doc sarifDoc
	if err := json.Unmarshal(write(t, SARIF, sampleResult(), Options{ShowSuppressed: true}), &doc); err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, res := range doc.Runs[0].Results {
		if len(res.Suppressions) > 0 {
			n++
			if res.Suppressions[0].Justification == "" {
				t.Error("suppression without its reason")
			}
		}
	}
	if n != 1 {
		t.Errorf("%d suppressed results, want 1", n)
	}
}

// Without --show-suppressed the SARIF lists no suppressed finding, but
// says how many a suppression silenced, as every other format does: a
// code-scanning upload must not read as if nothing had been hidden.
func TestSARIFSuppressedCounted(t *testing.T) {
	notes := func(r *rules.Result) []string {
		var doc sarifDoc
		if err := json.Unmarshal(write(t, SARIF, r, Options{}), &doc); err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, n := range doc.Runs[0].Invocations[0].Notifications {
			out = append(out, n.Level+" "+n.Message.Text)
		}
		return out
	}
	found := false
	for _, n := range notes(sampleResult()) {
		found = found || strings.HasPrefix(n, "note ") && strings.Contains(n, "1 suppressed finding not shown")
	}
	if !found {
		t.Errorf("no notification counts the suppressed finding: %q", notes(sampleResult()))
	}
	for _, n := range notes(cleanResult()) {
		if strings.Contains(n, "suppressed") {
			t.Errorf("a result without suppressed findings says %q", n)
		}
	}
}

// The fingerprint must not move when only the line does.
func TestFingerprintIgnoresLine(t *testing.T) {
	f := sampleResult().Findings[0]
	g := f
	g.Source.Line += 10
	if f.Fingerprint() != g.Fingerprint() {
		t.Error("fingerprint changes with the line")
	}
	g.Resource += "-other"
	if f.Fingerprint() == g.Fingerprint() {
		t.Error("fingerprint ignores the resource")
	}
}

func TestRuleNameAndHelpURI(t *testing.T) {
	if got := ruleName("Wildcard principal behind a condition"); got != "WildcardPrincipalBehindACondition" {
		t.Errorf("ruleName = %q", got)
	}
	if got := helpURI("docs/rules/ECR001.md"); got != ProjectURL+"/blob/main/docs/rules/ECR001.md" {
		t.Errorf("helpURI = %q", got)
	}
	if got := helpURI("https://example.com/x"); got != "https://example.com/x" {
		t.Errorf("helpURI kept absolute URI as %q", got)
	}
	if got := fileURI(`policies\my app.json`); got != "policies/my%20app.json" {
		t.Errorf("fileURI = %q", got)
	}
}

// TestSARIFLiveSourcesAreNotFiles checks that a finding located at an ARN
// (a live scan or a snapshot has no files) or at no source at all still
// gets a physical location, and keeps its logical location. GitHub code
// scanning rejects the whole upload when a result has no
// physicalLocation.artifactLocation.uri ("locationFromSarifResult: expected
// artifact location", "expected at least one location":
// https://github.com/github/codeql-action/issues/1738,
// https://github.com/github/codeql-action/issues/2459, the "GitHub ingestion
// rules" GH1001 of https://github.com/microsoft/sarif-sdk/issues/2694; the
// result object's locations in
// https://docs.github.com/en/code-security/reference/code-scanning/sarif-files/sarif-support-for-code-scanning).
// The ARN is written as a relative reference whose colons are escaped, never
// as an absolute URI of scheme "arn", which code scanning would reject as a
// scheme other than the checkout's file: (same page, "Specifying the root
// for source files").
func TestSARIFLiveSourcesAreNotFiles(t *testing.T) {
	r := sampleResult()
	r.Findings[0].Source = policy.Pos{File: "arn:aws:ecr:us-east-1:111122223333:repository/app", Line: 4, Col: 5}
	r.Findings[1].Source = policy.Pos{File: "arn:aws:iam::111122223333:role/ci#inline/Push", Line: 6, Col: 3}
	out := string(write(t, SARIF, r, Options{Version: "1.2.3"}))
	if bytes.Contains([]byte(out), []byte(`"uri": "arn:`)) || bytes.Contains([]byte(out), []byte(`"uri": "./arn:`)) {
		t.Errorf("an ARN was written as an absolute URI:\n%s", out)
	}
	var doc sarif.Report
	if err := json.Unmarshal([]byte(out), &doc); err != nil {
		t.Fatal(err)
	}
	for _, res := range doc.Runs[0].Results {
		if len(res.Locations) == 0 || res.Locations[0].PhysicalLocation == nil || res.Locations[0].PhysicalLocation.ArtifactLocation == nil ||
			res.Locations[0].PhysicalLocation.ArtifactLocation.URI == nil || *res.Locations[0].PhysicalLocation.ArtifactLocation.URI == "" {
			t.Errorf("%s: a result without an artifact location (GitHub rejects the upload): %+v", *res.RuleID, res.Locations)
			continue
		}
		uri := *res.Locations[0].PhysicalLocation.ArtifactLocation.URI
		if first, _, _ := strings.Cut(uri, "/"); strings.Contains(first, ":") {
			t.Errorf("%s: uri %q is not a relative reference", *res.RuleID, uri)
		}
	}
	for _, want := range []string{
		`"uri": "arn%3Aaws%3Aecr%3Aus-east-1%3A111122223333%3Arepository/app"`,
		`"uri": "arn%3Aaws%3Aiam%3A%3A111122223333%3Arole/ci%23inline/Push"`,
		// The sample's ECR010 finding has no source: its resource stands for it.
		`"uri": "arn%3Aaws%3Aecr%3Aus-east-1%3A111122223333%3Arepository/builder-cache"`,
		`"fullyQualifiedName": "arn:aws:ecr:us-east-1:111122223333:repository/app"`,
	} {
		if !strings.Contains(out, want) {
			t.Errorf("no %s in\n%s", want, out)
		}
	}
}

// TestSARIFFileURIs checks artifact locations as code scanning reads them: a
// relative path is relative to the repository root, and an absolute path
// must be an absolute file: URI, which code scanning makes relative to the
// checkout ("Specifying the root for source files",
// https://docs.github.com/en/code-security/reference/code-scanning/sarif-files/sarif-support-for-code-scanning);
// written as "/home/runner/..." it would be read as a path in the
// repository. Reserved characters are percent-encoded (SARIF 2.1.0 §3.4.3,
// https://docs.oasis-open.org/sarif/sarif/v2.1.0/sarif-v2.1.0.html).
func TestSARIFFileURIs(t *testing.T) {
	// Each pair is a file as ecrguard names it and its URI.
	pairs := [][2]string{
		{"policies/app.json", "policies/app.json"},
		{"../infra/main.tf", "../infra/main.tf"},
		{"infra/my dir#1/100%.json", "infra/my%20dir%231/100%25.json"},
		{"/home/runner/work/repo/repo/infra/main.tf", "file:///home/runner/work/repo/repo/infra/main.tf"},
		{"/tmp/my dir/a#b.json", "file:///tmp/my%20dir/a%23b.json"},
		{`C:\infra\main.tf`, "file:///C:/infra/main.tf"},
		{`..\infra\main.tf`, "../infra/main.tf"},
	}
	for _, p := range pairs {
		if got := fileURI(p[0]); got != p[1] {
			t.Errorf("fileURI(%q) = %q, want %q", p[0], got, p[1])
		}
	}
}

// TestSARIFHasNoPlaceholders: no -1 for an unset index or offset, no empty
// list but a clean run's results, and a semantic version for the tool.
func TestSARIFHasNoPlaceholders(t *testing.T) {
	for _, tc := range append(goldenCases(), goldenCase{name: "empty", result: func() *rules.Result { return &rules.Result{} }}) {
		out := write(t, SARIF, tc.result(), tc.opts)
		dec := json.NewDecoder(bytes.NewReader(out))
		dec.UseNumber()
		var doc any
		if err := dec.Decode(&doc); err != nil {
			t.Fatal(err)
		}
		var walk func(path string, v any)
		walk = func(path string, v any) {
			switch v := v.(type) {
			case json.Number:
				if v.String() == "-1" {
					t.Errorf("%s: %s is the placeholder -1", tc.name, path)
				}
			case []any:
				if len(v) == 0 && !strings.HasSuffix(path, ".results") {
					t.Errorf("%s: %s is an empty list", tc.name, path)
				}
				for i, x := range v {
					walk(fmt.Sprintf("%s[%d]", path, i), x)
				}
			case map[string]any:
				if len(v) == 0 {
					t.Errorf("%s: %s is an empty object", tc.name, path)
				}
				for k, x := range v {
					walk(path+"."+k, x)
				}
			}
		}
		walk("$", doc)

		var d sarifDoc
		if err := json.Unmarshal(out, &d); err != nil {
			t.Fatal(err)
		}
		want := SemanticVersion(tc.opts.Version)
		if got := d.Runs[0].Tool.Driver.Version; got != want || !semverPattern.MatchString(got) {
			t.Errorf("%s: tool.driver.version = %q, want the semantic version %q", tc.name, got, want)
		}
	}
}

func TestSemanticVersion(t *testing.T) {
	for in, want := range map[string]string{
		"1.2.3":                              "1.2.3",
		"v1.2.3":                             "1.2.3",
		"v1.2.3-rc.1":                        "1.2.3-rc.1",
		"v0.0.0-20261206094400-abcdef012345": "0.0.0-20261206094400-abcdef012345",
		"dev":                                UnknownVersion,
		"":                                   UnknownVersion,
		"1.2":                                UnknownVersion,
		"(devel)":                            UnknownVersion,
	} {
		if got := SemanticVersion(in); got != want {
			t.Errorf("SemanticVersion(%q) = %q, want %q", in, got, want)
		}
	}
}

// filteredResult is the sample after --severity critical: a filtered
// result, whose SARIF carries the filter as a run property.
func filteredResult() *rules.Result {
	r := sampleResult()
	r.Select(rules.Selection{Severities: []rules.Severity{rules.Critical}})
	return r
}
