package report

import (
	"encoding/xml"
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"

	"github.com/ecrguard/ecrguard/estate"
	"github.com/ecrguard/ecrguard/rules"
)

// The JUnit XML shape understood by Jenkins, GitLab, GitHub test reporters
// and most CI systems: a testsuites root, one testsuite per rule, one
// testcase per finding (a failure) or a passing testcase when the rule
// found nothing, and a "coverage" testsuite whose errors are the gaps.
type junitSuites struct {
	XMLName  xml.Name     `xml:"testsuites"`
	Name     string       `xml:"name,attr"`
	Tests    int          `xml:"tests,attr"`
	Failures int          `xml:"failures,attr"`
	Errors   int          `xml:"errors,attr"`
	Skipped  int          `xml:"skipped,attr"`
	Suites   []junitSuite `xml:"testsuite"`
}

type junitSuite struct {
	Name       string         `xml:"name,attr"`
	Tests      int            `xml:"tests,attr"`
	Failures   int            `xml:"failures,attr"`
	Errors     int            `xml:"errors,attr"`
	Skipped    int            `xml:"skipped,attr"`
	Properties *junitPropList `xml:"properties,omitempty"`
	Cases      []junitCase    `xml:"testcase"`
	SystemOut  *junitCharData `xml:"system-out,omitempty"`
}

type junitPropList struct {
	Props []junitProp `xml:"property"`
}

type junitProp struct {
	Name  string `xml:"name,attr"`
	Value string `xml:"value,attr"`
}

type junitCase struct {
	Name      string        `xml:"name,attr"`
	Classname string        `xml:"classname,attr"`
	Failure   *junitProblem `xml:"failure,omitempty"`
	Error     *junitProblem `xml:"error,omitempty"`
	Skipped   *junitSkipped `xml:"skipped,omitempty"`
}

type junitProblem struct {
	Message string `xml:"message,attr"`
	Type    string `xml:"type,attr"`
	// Text is CDATA so that its lines stay lines in the file, not &#xA;.
	Text string `xml:",cdata"`
}

type junitSkipped struct {
	Message string `xml:"message,attr"`
}

type junitCharData struct {
	Text string `xml:",cdata"`
}

func writeJUnit(w io.Writer, v *view, o Options) error {
	root := junitSuites{Name: "ecrguard"}
	if o.Version != "" {
		root.Name += " " + o.Version
	}
	byRule := map[string][]rules.Finding{}
	for _, f := range v.active {
		byRule[f.RuleID] = append(byRule[f.RuleID], f)
	}
	hidden := map[string]int{}
	suppressed := map[string][]rules.Finding{}
	for _, f := range v.suppressed {
		if o.ShowSuppressed {
			suppressed[f.RuleID] = append(suppressed[f.RuleID], f)
		} else {
			hidden[f.RuleID]++
		}
	}

	known := map[string]bool{}
	all := rules.All()
	catalogued := len(all)
	for _, r := range all {
		known[r.ID] = true
	}
	// A finding of a rule the catalog does not list still gets a suite.
	for _, id := range slices.Sorted(maps.Keys(byRule)) {
		if !known[id] {
			known[id] = true
			all = append(all, rules.Rule{ID: id, Title: byRule[id][0].Title, Severity: byRule[id][0].Severity})
		}
	}
	for _, id := range slices.Sorted(maps.Keys(suppressed)) {
		if !known[id] {
			known[id] = true
			all = append(all, rules.Rule{ID: id, Title: suppressed[id][0].Title, Severity: suppressed[id][0].Severity})
		}
	}

	for i, r := range all {
		s := junitSuite{
			Name: r.ID + " " + r.Title,
			Properties: &junitPropList{Props: []junitProp{
				{Name: "rule", Value: r.ID},
				{Name: "severity", Value: r.Severity.String()},
			}},
		}
		if i < catalogued {
			s.Properties.Props = append(s.Properties.Props, junitProp{Name: "help", Value: helpURI(r.HelpURI())})
		}
		class := "ecrguard." + r.ID
		for _, f := range byRule[r.ID] {
			s.Cases = append(s.Cases, junitCase{
				Name:      caseName(f),
				Classname: class,
				Failure:   &junitProblem{Message: f.Message, Type: f.Severity.String(), Text: xmlText(junitDetails(f))},
			})
			s.Failures++
		}
		for _, f := range suppressed[r.ID] {
			s.Cases = append(s.Cases, junitCase{
				Name:      caseName(f),
				Classname: class,
				Skipped:   &junitSkipped{Message: "suppressed: " + f.Suppressed},
			})
			s.Skipped++
		}
		if len(byRule[r.ID]) == 0 && slices.Contains(v.notRun, r.ID) {
			s.Cases = append(s.Cases, junitCase{
				Name:      r.ID + ": not run",
				Classname: class,
				Skipped:   &junitSkipped{Message: "not run: no IAM users, groups or roles were among the inputs (aws iam get-account-authorization-details)"},
			})
			s.Skipped++
		} else if len(byRule[r.ID]) == 0 {
			name := r.ID + ": no findings"
			if n := hidden[r.ID]; n > 0 {
				name += fmt.Sprintf(" (%s not shown)", plural(n, "suppressed finding", "suppressed findings"))
			}
			s.Cases = append(s.Cases, junitCase{Name: name, Classname: class})
		}
		s.Tests = len(s.Cases)
		root.Suites = append(root.Suites, s)
	}

	cov := junitSuite{Name: "coverage"}
	for _, g := range v.gaps {
		name := gapWhere(g)
		switch {
		case name != "" && g.Resource != "":
			name += " (" + g.Resource + ")"
		case g.Resource != "":
			name = g.Resource
		case name == "":
			name = "input"
		}
		cov.Cases = append(cov.Cases, junitCase{
			Name:      name,
			Classname: "ecrguard.coverage",
			Error:     &junitProblem{Message: "not assessed: " + g.Message, Type: string(g.Code), Text: xmlText(gapDetails(g))},
		})
		cov.Errors++
	}
	if len(v.gaps) == 0 {
		cov.Cases = append(cov.Cases, junitCase{Name: "every input assessed", Classname: "ecrguard.coverage"})
	}
	cov.Tests = len(cov.Cases)
	if len(v.notes) > 0 || v.filter != nil {
		var b strings.Builder
		if f := v.filterText(); f != "" {
			b.WriteString(f + "\n")
		}
		for _, n := range v.notes {
			b.WriteString(noteText(n) + "\n")
		}
		cov.SystemOut = &junitCharData{Text: xmlText(b.String())}
	}
	root.Suites = append(root.Suites, cov)

	for _, s := range root.Suites {
		root.Tests += s.Tests
		root.Failures += s.Failures
		root.Errors += s.Errors
		root.Skipped += s.Skipped
	}
	if _, err := io.WriteString(w, xml.Header); err != nil {
		return err
	}
	enc := xml.NewEncoder(w)
	enc.Indent("", "  ")
	if err := enc.Encode(root); err != nil {
		return err
	}
	if err := enc.Close(); err != nil {
		return err
	}
	_, err := io.WriteString(w, "\n")
	return err
}

// caseName names a finding's test case: its resource and, when known, where
// it is written.
func caseName(f rules.Finding) string {
	name := f.Resource
	if name == "" {
		name = f.RuleID
	}
	if loc := location(f); loc != "" {
		name += " (" + loc + ")"
	}
	return name
}

// junitDetails is a failure's body: everything a reader needs to act.
func junitDetails(f rules.Finding) string {
	var b strings.Builder
	line := func(label, value string) {
		if value != "" {
			fmt.Fprintf(&b, "%-12s %s\n", label+":", value)
		}
	}
	line("Rule", f.RuleID+" "+f.Title)
	line("Severity", f.Severity.String())
	line("Resource", f.Resource)
	line("Source", location(f))
	line("Principals", strings.Join(f.Principals, ", "))
	line("Actions", strings.Join(f.Actions, ", "))
	line("Conditions", strings.Join(f.Conditions, "; "))
	line("Frameworks", strings.Join(frameworkList(f.Frameworks), ", "))
	line("Remediation", f.Remediation)
	return b.String()
}

func gapDetails(g estate.Gap) string {
	var b strings.Builder
	line := func(label, value string) {
		if value != "" {
			fmt.Fprintf(&b, "%-9s %s\n", label+":", value)
		}
	}
	line("Source", g.Source)
	line("Position", g.Pos.String())
	line("Account", g.Account)
	line("Region", g.Region)
	line("Resource", g.Resource)
	line("Code", string(g.Code))
	line("Message", g.Message)
	return b.String()
}

// xmlText replaces the characters XML 1.0 cannot carry (most control
// characters), which encoding/xml writes unchanged inside CDATA.
func xmlText(s string) string {
	return strings.Map(func(r rune) rune {
		switch {
		case r == '\t', r == '\n', r == '\r',
			r >= 0x20 && r <= 0xD7FF,
			r >= 0xE000 && r <= 0xFFFD,
			r >= 0x10000 && r <= 0x10FFFF:
			return r
		}
		return '\uFFFD'
	}, s)
}
