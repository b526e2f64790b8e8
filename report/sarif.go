package report

import (
	"bytes"
	"encoding/json"
	"io"
	"net/url"
	"regexp"
	"strings"
	"unicode"

	"github.com/owenrumney/go-sarif/v3/pkg/report/v210/sarif"

	"github.com/ecrguard/ecrguard/estate"
	"github.com/ecrguard/ecrguard/policy"
	"github.com/ecrguard/ecrguard/rules"
)

// ProjectURL is ecrguard's home page; rule help links are resolved against
// it, because SARIF requires helpUri to be an absolute URI.
const ProjectURL = "https://github.com/ecrguard/ecrguard"

// docsBase is where the repository's files are browsed.
const docsBase = ProjectURL + "/blob/main/"

// fingerprintKey names ecrguard's partial fingerprint, the finding's
// rules.Finding.Fingerprint (what .ecrguardignore lists); the /v2 changes if
// what is hashed ever changes (v1 hashed the file and message).
const fingerprintKey = "ecrguardFinding/v2"

// sarifLevel maps a severity to a SARIF level: critical and high are errors,
// medium a warning, low and info notes.
func sarifLevel(s rules.Severity) string {
	switch {
	case s >= rules.High:
		return sarif.LevelError
	case s == rules.Medium:
		return sarif.LevelWarning
	}
	return sarif.LevelNote
}

// securitySeverity is the CVSS-like score GitHub code scanning reads from a
// rule's properties to label results critical (9.0+), high (7.0-8.9),
// medium (4.0-6.9) or low.
func securitySeverity(s rules.Severity) string {
	switch s {
	case rules.Critical:
		return "9.5"
	case rules.High:
		return "8.0"
	case rules.Medium:
		return "5.5"
	case rules.Low:
		return "3.0"
	}
	return "1.0"
}

func writeSARIF(w io.Writer, v *view, o Options) error {
	raw, err := json.Marshal(buildSARIF(v, o))
	if err != nil {
		return err
	}
	out, err := cleanSARIF(raw)
	if err != nil {
		return err
	}
	_, err = w.Write(out)
	return err
}

// cleanSARIF rewrites the SARIF library's JSON without its placeholders
// (pruneSARIF), indented, keys sorted, ending with a newline. The SARIF
// library writes every property of its structs: -1 for unset indexes and
// offsets, [] for unset lists; both mean "absent" in SARIF.
func cleanSARIF(raw []byte) ([]byte, error) {
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var doc any
	if err := dec.Decode(&doc); err != nil {
		return nil, err
	}
	var b bytes.Buffer
	if err := encodeJSON(&b, pruneSARIF(doc)); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// pruneSARIF removes, recursively, the placeholders the SARIF library
// writes for unset properties: the number -1 (SARIF's default for indexes,
// offsets and rank), null, and empty lists and objects. A run's results list is
// kept even when empty: it says the run found nothing, where an absent
// list would say results were not computed.
func pruneSARIF(v any) any {
	switch v := v.(type) {
	case map[string]any:
		for k, x := range v {
			x = pruneSARIF(x)
			if k != "results" && isPlaceholder(x) {
				delete(v, k)
				continue
			}
			v[k] = x
		}
		return v
	case []any:
		for i, x := range v {
			v[i] = pruneSARIF(x)
		}
		return v
	}
	return v
}

func isPlaceholder(v any) bool {
	switch v := v.(type) {
	case nil:
		return true
	case json.Number:
		return v.String() == "-1"
	case []any:
		return len(v) == 0
	case map[string]any:
		return len(v) == 0
	}
	return false
}

// semverPattern is a semantic version (semver.org 2.0.0), without a
// leading "v".
var semverPattern = regexp.MustCompile(`^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(-[0-9A-Za-z-]+(\.[0-9A-Za-z-]+)*)?(\+[0-9A-Za-z-]+(\.[0-9A-Za-z-]+)*)?$`)

// UnknownVersion is the semantic version reports give a build whose
// version is not known (built from a checkout rather than a release).
const UnknownVersion = "0.0.0-dev"

// SemanticVersion is version as a semantic version: "v1.2.3" becomes
// "1.2.3" (a Go module pseudo-version stays what it is, without the v);
// anything else ("dev", "") is UnknownVersion.
func SemanticVersion(version string) string {
	v := strings.TrimPrefix(strings.TrimSpace(version), "v")
	if semverPattern.MatchString(v) {
		return v
	}
	return UnknownVersion
}

func buildSARIF(v *view, o Options) *sarif.Report {
	rep := sarif.NewReport()
	run := sarif.NewRunWithInformationURI("ecrguard", ProjectURL)
	version := SemanticVersion(o.Version)
	run.Tool.Driver.WithVersion(version).WithSemanticVersion(version)
	for _, r := range rules.All() {
		addSARIFRule(run, r)
	}
	for _, f := range v.active {
		addSARIFFix(addSARIFResult(run, f), v.edits[f.Resource])
	}
	if o.ShowSuppressed {
		for _, f := range v.suppressed {
			res := addSARIFResult(run, f)
			addSARIFFix(res, v.edits[f.Resource])
			// SARIF's kinds: inSource for an ignore written in the input,
			// external for the config and .ecrguardignore.
			kind := "external"
			if f.SuppressedInSource {
				kind = "inSource"
			}
			res.WithSuppressions([]*sarif.Suppression{
				sarif.NewSuppression().WithKind(kind).WithStatus("accepted").WithJustification(f.Suppressed),
			})
		}
	}

	inv := sarif.NewInvocation().WithExecutionSuccessful(len(v.gaps) == 0)
	for _, g := range v.gaps {
		inv.ToolExecutionNotifications = append(inv.ToolExecutionNotifications, gapNotification(g))
	}
	for _, n := range v.notes {
		text := noteText(n)
		inv.ToolExecutionNotifications = append(inv.ToolExecutionNotifications,
			sarif.NewNotification().WithLevel(sarif.LevelNote).WithMessage(sarif.NewTextMessage(text)))
	}
	if n := len(v.suppressed); n > 0 && !o.ShowSuppressed {
		// The results leave them out: say that something was silenced.
		inv.ToolExecutionNotifications = append(inv.ToolExecutionNotifications,
			sarif.NewNotification().WithLevel(sarif.LevelNote).WithMessage(sarif.NewTextMessage(
				plural(n, "suppressed finding", "suppressed findings")+" not shown (--show-suppressed lists them, each with its suppression's reason).")))
	}
	if f := v.filterText(); f != "" {
		inv.ToolExecutionNotifications = append(inv.ToolExecutionNotifications,
			sarif.NewNotification().WithLevel(sarif.LevelNote).WithMessage(sarif.NewTextMessage(f)))
		run.WithProperties(filterProperties(v.filter))
	}
	run.AddInvocation(inv)
	rep.AddRun(run)
	return rep
}

func addSARIFRule(run *sarif.Run, r rules.Rule) {
	fires := strings.TrimSuffix(r.FiresWhen, ".") + "."
	help := r.Remediation + "\n\nFires when: " + fires
	helpMD := "**Fix:** " + r.Remediation + "\n\n**Fires when:** " + fires
	tags := []string{"security"}
	for _, fw := range frameworkList(r.Frameworks) {
		tags = append(tags, strings.Replace(fw, " ", ":", 1))
	}
	props := sarif.NewPropertyBag().WithTags(tags)
	props.Add("security-severity", securitySeverity(r.Severity))
	props.Add("severity", r.Severity.String())
	run.AddRule(r.ID).
		WithName(ruleName(r.Title)).
		WithDescription(r.Title).
		WithFullDescription(sarif.NewMultiformatMessageString().WithText(r.Description)).
		WithHelp(sarif.NewMultiformatMessageString().WithText(help).WithMarkdown(helpMD)).
		WithHelpURI(helpURI(r.HelpURI())).
		WithDefaultConfiguration(sarif.NewReportingConfiguration().WithLevel(sarifLevel(r.Severity))).
		WithProperties(props)
}

// ruleName turns a title into the PascalCase identifier SARIF suggests for
// reportingDescriptor.name: "Repository is public" becomes
// "RepositoryIsPublic".
func ruleName(title string) string {
	var b strings.Builder
	for _, word := range strings.FieldsFunc(title, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) }) {
		rs := []rune(word)
		b.WriteRune(unicode.ToUpper(rs[0]))
		b.WriteString(string(rs[1:]))
	}
	return b.String()
}

// helpURI resolves a rule's documentation path against the project's
// repository; absolute URIs are kept.
func helpURI(p string) string {
	if u, err := url.Parse(p); err == nil && u.IsAbs() {
		return p
	}
	return docsBase + strings.TrimPrefix(p, "/")
}

// addSARIFFix gives res the edit that fixes its resource (none when e is
// nil): one replacement that deletes nothing and inserts the statements at
// their place.
func addSARIFFix(res *sarif.Result, e *rules.Edit) {
	if e == nil {
		return
	}
	at := sarif.NewRegion().WithStartLine(e.Line).WithStartColumn(e.Column).WithEndLine(e.Line).WithEndColumn(e.Column)
	change := sarif.NewArtifactChange().
		WithArtifactLocation(sarif.NewSimpleArtifactLocation(fileURI(e.File))).
		AddReplacement(sarif.NewReplacement().WithDeletedRegion(at).WithInsertedContent(sarif.NewArtifactContent().WithText(e.Text)))
	res.AddFixe(sarif.NewFix().WithDescription(sarif.NewTextMessage("Add ecrguard's guard statements to the policy (proven by scanning the edited file again).")).AddArtifactChange(change))
}

func addSARIFResult(run *sarif.Run, f rules.Finding) *sarif.Result {
	text := f.Message
	if f.Remediation != "" {
		text += "\n\nRemediation: " + f.Remediation
	}
	res := run.CreateResultForRule(f.RuleID).
		WithLevel(sarifLevel(f.Severity)).
		WithMessage(sarif.NewTextMessage(text))

	loc := sarif.NewLocation()
	if phys := physicalLocation(f.Source); phys != nil {
		loc.WithPhysicalLocation(phys)
	} else if phys := labelLocation(f); phys != nil {
		loc.WithPhysicalLocation(phys)
	}
	if f.Resource != "" {
		loc.WithLogicalLocations([]*sarif.LogicalLocation{
			sarif.NewLogicalLocation().WithFullyQualifiedName(f.Resource).WithKind("resource"),
		})
	}
	if loc.PhysicalLocation != nil || len(loc.LogicalLocations) > 0 {
		res.AddLocation(loc)
	}

	res.WithPartialFingerprints(map[string]string{fingerprintKey: f.Fingerprint()})
	props := sarif.NewPropertyBag()
	props.Add("severity", f.Severity.String())
	props.Add("resource", f.Resource)
	props.Add("principals", nonNil(f.Principals))
	props.Add("actions", nonNil(f.Actions))
	props.Add("conditions", nonNil(f.Conditions))
	res.WithProperties(props)
	return res
}

// labelLocation is the physical location of a finding that is not in a
// file (a live scan's or a snapshot's, located at the label of the document
// AWS returned: docs/snapshot.md), or has no source at all (then its
// resource): code scanning rejects the whole upload when a result has no
// artifact location. The label is written as a relative reference, its
// colons escaped, so that it is not read as an absolute URI of scheme
// "arn"; it names no file of the repository. nil when there is neither.
func labelLocation(f rules.Finding) *sarif.PhysicalLocation {
	label, pos := f.Source.File, f.Source
	if label == "" {
		label, pos = f.Resource, policy.Pos{}
	}
	if label == "" {
		return nil
	}
	return locationAt(strings.ReplaceAll((&url.URL{Path: label}).EscapedPath(), ":", "%3A"), pos)
}

// locationAt is the physical location of uri, with pos's line and column
// when it has them.
func locationAt(uri string, pos policy.Pos) *sarif.PhysicalLocation {
	phys := sarif.NewPhysicalLocation().WithArtifactLocation(sarif.NewSimpleArtifactLocation(uri))
	if pos.Line > 0 {
		region := sarif.NewRegion().WithStartLine(pos.Line)
		if pos.Col > 0 {
			region.WithStartColumn(pos.Col)
		}
		phys.WithRegion(region)
	}
	return phys
}

// isFile reports whether a source names a file. Findings from a live scan
// or a snapshot are located at the resource's ARN (and managed policies at
// their ARN and version): those are not files code scanning could open,
// so they go in the logical location only.
func isFile(source string) bool {
	return source != "" && !strings.HasPrefix(source, "arn:") && !strings.Contains(source, "://")
}

// physicalLocation is the file, line and column of pos, or nil when pos is
// not in a file.
func physicalLocation(pos policy.Pos) *sarif.PhysicalLocation {
	if !isFile(pos.File) {
		return nil
	}
	return locationAt(fileURI(pos.File), pos)
}

// fileURI writes a file path as a URI reference, slashes for separators,
// reserved characters escaped: a relative path as a relative reference
// (code scanning reads it from the repository's root), an absolute path
// (/x, C:\x) as an absolute file: URI (code scanning makes it relative to
// the checkout; "/x" alone would be a path in the repository).
func fileURI(file string) string {
	p := strings.ReplaceAll(file, `\`, "/")
	u := url.URL{Path: p}
	if len(p) >= 3 && p[1] == ':' && p[2] == '/' && unicode.IsLetter(rune(p[0])) {
		u.Path = "/" + p
	}
	if strings.HasPrefix(u.Path, "/") {
		u.Scheme = "file"
	}
	return u.String()
}

func gapNotification(g estate.Gap) *sarif.Notification {
	text := g.String()
	n := sarif.NewNotification().WithLevel(sarif.LevelError).WithMessage(sarif.NewTextMessage(text))
	if g.Code != "" {
		n.WithDescriptor(sarif.NewReportingDescriptorReference().WithID(string(g.Code)))
	}
	if phys := physicalLocation(g.Pos); phys != nil {
		n.WithLocations([]*sarif.Location{sarif.NewLocation().WithPhysicalLocation(phys)})
	}
	return n
}

// filterProperties are the run's properties of a filtered result: "filter"
// holds the selection as the JSON report's summary.filter does.
func filterProperties(f *rules.Filter) *sarif.PropertyBag {
	props := sarif.NewPropertyBag()
	props.Add("filter", newJSONFilter(f))
	return props
}
