// Package config reads .ecrguard.yaml (the README's "Configuration"): the scanned
// account and region, the zone of trust, the principals authorized per
// action class, suppressions and severity overrides.
//
// Reading is strict: an unknown key, a malformed account id, organization
// path or ARN pattern is an error naming file:line:column and what was
// expected, never silently ignored. An expired suppression is a warning, and
// it stops suppressing.
package config

import (
	"bytes"
	"cmp"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/ecrguard/ecrguard/catalog"
	"github.com/ecrguard/ecrguard/estate"
	"github.com/ecrguard/ecrguard/internal/textenc"
	"github.com/ecrguard/ecrguard/policy"
	"github.com/ecrguard/ecrguard/rules"
)

// FileName is the config file Default looks for.
const FileName = ".ecrguard.yaml"

// Config is one .ecrguard.yaml.
type Config struct {
	// Account owns raw policy files that name none; "" when not set.
	Account string
	// Region is the region of inputs that name none; "" when not set.
	Region string
	// Trusted is the zone of trust beyond the scanned account.
	Trusted Trusted
	// Authorized lists, per action class, the principals (IAM ARN patterns)
	// allowed to have that access.
	Authorized Authorized
	// Suppress lists the suppressions, expired ones included (Expired set).
	Suppress []Suppression
	// Severity overrides rules' default severities, by rule id.
	Severity map[string]rules.Severity
	// File is the file read, or "" for an empty default config.
	File string
	// Warnings are problems that do not stop the scan, each as
	// "file:line:col: message": an expired suppression, an account id that
	// lost its leading zeros.
	Warnings []string
}

// Trusted is the config's zone of trust (docs/semantics.md).
type Trusted struct {
	// Accounts are 12-digit account ids.
	Accounts []string
	// OrgIDs are organization ids (o-…).
	OrgIDs []string
	// OrgPaths are organization paths (o-…/r-…/ou-…/), each covering its
	// OU and every OU below it.
	OrgPaths []string
}

// Authorized are the principals allowed each kind of access: IAM ARN
// patterns with * and ? wildcards, or "*".
type Authorized struct {
	// Delete: ecr:DeleteRepository and ecr:BatchDeleteImage (ECR006).
	Delete []string
	// AuthToken: ecr:GetAuthorizationToken (ECR007).
	AuthToken []string
	// PolicyManagement: setting and deleting repository and registry
	// policies (ECR008).
	PolicyManagement []string
	// Write: broad ECR write access (ECR009).
	Write []string
}

// Suppression silences one rule on the resources that match a pattern.
type Suppression struct {
	Rule string
	// Resource is an ARN pattern with IAM wildcards, matched against
	// Finding.Resource.
	Resource string
	Reason   string
	// Expires is the last day the suppression applies; zero means never.
	Expires time.Time
	// Expired is set when Expires is before the day the config was read.
	Expired bool
	// Pos is where the suppression is written.
	Pos policy.Pos
	// Fingerprint, when set, makes this an .ecrguardignore entry: it
	// matches the finding with that fingerprint (Rule and Resource are
	// unused).
	Fingerprint string
	// Inline, when set, makes this an inline ignore: it matches the
	// findings of Rule every statement of which lies in the lines it
	// covers (Resource is unused).
	Inline *estate.Ignore
}

// Matches reports whether s applies to f (expired or not). An inline
// ignore applies when it covers every statement f rests on; Apply also
// lets several inline ignores of f's rule cover them together.
func (s Suppression) Matches(f rules.Finding) bool {
	switch {
	case s.Fingerprint != "":
		return f.Fingerprint() == s.Fingerprint
	case s.Inline != nil:
		for _, p := range restsOn(f) {
			if !s.covers(f, p) {
				return false
			}
		}
		return true
	}
	return s.Rule == f.RuleID && policy.MatchARN(s.Resource, f.Resource)
}

// covers reports whether s is an inline ignore of f's rule whose lines
// hold the position p.
func (s Suppression) covers(f rules.Finding, p policy.Pos) bool {
	in := s.Inline
	return in != nil && s.Rule == f.RuleID && p.File == in.File && p.Line >= in.From && p.Line <= in.To
}

// restsOn are the positions an inline ignore must cover to silence f: its
// statements', or its source.
func restsOn(f rules.Finding) []policy.Pos {
	if len(f.Statements) > 0 {
		return f.Statements
	}
	return []policy.Pos{f.Source}
}

// staleMessage is the warning of s when it matches no finding. An ignore
// (inline or by fingerprint) is written for a finding seen, so one that
// matches none is out of date. A suppression of the config may also serve
// another scan that uses the same file (other folders, --aws), which the
// warning leaves to the user.
func (s Suppression) staleMessage() string {
	switch {
	case s.Fingerprint != "":
		return "ignore of the finding " + s.Fingerprint + " matches no finding (a stale ignore): remove it"
	case s.Inline != nil:
		return "ignore of " + s.Rule + " matches no finding (a stale ignore): remove it"
	}
	return fmt.Sprintf("suppression of %s for %s matches no finding of this scan (a stale suppression): remove it, unless another scan with this configuration needs it", s.Rule, s.Resource)
}

// Load reads the config file at path, which must exist. now decides which
// suppressions have expired.
func Load(path string, now time.Time) (*Config, error) {
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("configuration file %s: %w (--config names it; without --config ecrguard reads %s where it finds one)", path, fs.ErrNotExist, FileName)
	}
	if err != nil {
		return nil, fmt.Errorf("reading the configuration file: %w", err)
	}
	return Parse(data, path, now)
}

// Default reads dir/.ecrguard.yaml when it exists, and returns an empty
// Config when it does not.
func Default(dir string, now time.Time) (*Config, error) {
	p := filepath.Join(dir, FileName)
	data, err := os.ReadFile(p)
	if errors.Is(err, fs.ErrNotExist) {
		return &Config{}, nil
	}
	if err != nil {
		return nil, err
	}
	return Parse(data, p, now)
}

// Parse reads a config from data (YAML, or JSON, which is YAML), naming it
// file in messages. Every problem found is returned, joined; each is an
// *policy.Error.
func Parse(data []byte, file string, now time.Time) (*Config, error) {
	// A byte-order mark or UTF-16 (what Windows PowerShell writes) is
	// decoded, as every input is.
	data, err := textenc.Decode(data)
	if err != nil {
		return nil, &policy.Error{Pos: policy.Pos{File: file}, Msg: err.Error()}
	}
	p := &parser{file: file, now: now, c: &Config{File: file}}
	doc, err := p.decode(data)
	if err != nil {
		return nil, err
	}
	if doc != nil {
		p.top(doc)
	}
	if len(p.errs) > 0 {
		sort.SliceStable(p.errs, func(i, j int) bool {
			return p.errs[i].Pos.Compare(p.errs[j].Pos) < 0
		})
		errs := make([]error, len(p.errs))
		for i, e := range p.errs {
			errs[i] = e
		}
		return nil, errors.Join(errs...)
	}
	return p.c, nil
}

// Apply applies c to a scan's result: severity overrides first, then
// suppressions (a finding matched by an active suppression gets its reason
// in Suppressed). The findings are sorted again, as severities may change.
// Inline ignores of a finding's rule silence it when together they cover
// every statement it rests on.
//
// It returns, as "file:line:col: message", a warning for each suppression
// that has not expired and matched no finding (a stale suppression of the
// config, a stale inline ignore or .ecrguardignore entry), and one for
// each inline ignore that covers some statements of a finding but not all,
// naming those left.
func (c *Config) Apply(r *rules.Result) []string {
	if c == nil || r == nil {
		return nil
	}
	used := make([]bool, len(c.Suppress))
	var warn []*policy.Error
	for i := range r.Findings {
		f := &r.Findings[i]
		if s, ok := c.Severity[f.RuleID]; ok {
			f.Severity = s
		}
		touched, left := c.inlineCover(*f)
		for j, s := range c.Suppress {
			if !s.Expired && (s.Matches(*f) || touched[j] && len(left) == 0) {
				used[j] = true
				if f.Suppressed == "" {
					f.Suppressed = s.Reason
					f.SuppressedInSource = s.Inline != nil
				}
			}
		}
		for j, t := range touched {
			if t && len(left) > 0 {
				// Not stale: it stands on a statement of the finding,
				// and the warning says which others it needs, unless
				// another suppression (by fingerprint or in the config)
				// silences the finding anyway.
				used[j] = true
				if f.Suppressed == "" {
					warn = append(warn, partialIgnore(c.Suppress[j], *f, left))
				}
			}
		}
	}
	r.Sort()
	for j, s := range c.Suppress {
		if used[j] || s.Expired {
			// An expired suppression was warned of when the config was
			// read.
			continue
		}
		warn = append(warn, &policy.Error{Pos: s.Pos, Msg: s.staleMessage()})
	}
	slices.SortFunc(warn, func(a, b *policy.Error) int {
		return cmp.Or(a.Pos.Compare(b.Pos), strings.Compare(a.Msg, b.Msg))
	})
	var warnings []string
	for _, e := range warn {
		warnings = append(warnings, e.Error())
	}
	// Findings alike (one per account, say) may leave the same statements
	// of one ignore: one warning says it.
	return slices.Compact(warnings)
}

// inlineCover returns, for each of c's suppressions, whether it is an
// active inline ignore that covers a statement f rests on; and the
// statements that none covers, when some are covered.
func (c *Config) inlineCover(f rules.Finding) (touched []bool, left []policy.Pos) {
	touched = make([]bool, len(c.Suppress))
	var some bool
	for _, p := range restsOn(f) {
		covered := false
		for j, s := range c.Suppress {
			if !s.Expired && s.covers(f, p) {
				touched[j], covered, some = true, true, true
			}
		}
		if !covered {
			left = append(left, p)
		}
	}
	if !some {
		left = nil
	}
	return touched, left
}

// partialIgnore is the warning of the inline ignore s, which covers some
// statements of f but not those left.
func partialIgnore(s Suppression, f rules.Finding, left []policy.Pos) *policy.Error {
	at := make([]string, len(left))
	for i, p := range left {
		at[i] = p.String()
	}
	what, those := "the statement at "+at[0], "that statement"
	if len(left) > 1 {
		what, those = "the statements at "+strings.Join(at, ", "), "those statements"
	}
	return &policy.Error{Pos: s.Pos, Msg: fmt.Sprintf("ignore of %s does not silence the finding on %s, which also rests on %s that no ignore of %s covers: ignore %s too, or the whole resource, or accept the finding by its fingerprint in %s",
		s.Rule, f.Resource, what, s.Rule, those, IgnoreFileName)}
}

type parser struct {
	file string
	now  time.Time
	c    *Config
	errs []*policy.Error
}

var yamlLine = regexp.MustCompile(`^yaml: line (\d+): (.*)$`)

// decode parses data into the document's root node (nil for an empty file).
func (p *parser) decode(data []byte) (root *yaml.Node, err error) {
	defer func() {
		// The YAML library is third-party code on user input: a panic there
		// must still be an error naming the file.
		if r := recover(); r != nil {
			root, err = nil, &policy.Error{Pos: policy.Pos{File: p.file}, Msg: fmt.Sprintf("invalid YAML: %v", r)}
		}
	}()
	dec := yaml.NewDecoder(bytes.NewReader(data))
	var doc yaml.Node
	if err := dec.Decode(&doc); err != nil {
		if errors.Is(err, io.EOF) {
			return nil, nil
		}
		return nil, p.yamlError(data, err)
	}
	var extra yaml.Node
	if err := dec.Decode(&extra); !errors.Is(err, io.EOF) {
		if err != nil {
			return nil, p.yamlError(data, err)
		}
		return nil, &policy.Error{Pos: p.pos(&extra), Msg: "a second YAML document: the config is one document"}
	}
	if doc.Kind == yaml.DocumentNode && len(doc.Content) == 1 {
		return doc.Content[0], nil
	}
	return nil, nil
}

// yamlError is the error of data that yaml.v3 could not read: on the line
// at fault (textenc.FaultLine), not the one where the library's enclosing
// mapping starts.
func (p *parser) yamlError(data []byte, err error) error {
	// One error, one line: the library's messages may quote input.
	msg := strings.Join(strings.Fields(err.Error()), " ")
	if m := yamlLine.FindStringSubmatch(msg); m != nil {
		pos := policy.Pos{File: p.file}
		fmt.Sscan(m[1], &pos.Line)
		if l, col, ok := textenc.FaultLine(data, pos.Line, func(prefix []byte) bool {
			var n yaml.Node
			e := yaml.NewDecoder(bytes.NewReader(prefix)).Decode(&n)
			return e != nil && yamlLine.ReplaceAllString(strings.Join(strings.Fields(e.Error()), " "), "$2") == m[2]
		}); ok {
			pos.Line, pos.Col = l, col
		}
		return &policy.Error{Pos: pos, Msg: "invalid YAML: " + m[2]}
	}
	return &policy.Error{Pos: policy.Pos{File: p.file}, Msg: "invalid YAML: " + strings.TrimPrefix(msg, "yaml: ")}
}

func (p *parser) pos(n *yaml.Node) policy.Pos {
	return policy.Pos{File: p.file, Line: n.Line, Col: n.Column}
}

func (p *parser) errorf(n *yaml.Node, format string, args ...any) {
	p.errs = append(p.errs, &policy.Error{Pos: p.pos(n), Msg: fmt.Sprintf(format, args...)})
}

func (p *parser) warnf(n *yaml.Node, format string, args ...any) {
	p.c.Warnings = append(p.c.Warnings, (&policy.Error{Pos: p.pos(n), Msg: fmt.Sprintf(format, args...)}).Error())
}

// resolve follows aliases (*anchor) to the node they name.
func resolve(n *yaml.Node) *yaml.Node {
	for i := 0; n != nil && n.Kind == yaml.AliasNode && i < 16; i++ {
		n = n.Alias
	}
	return n
}

func isNull(n *yaml.Node) bool {
	return n.Kind == yaml.ScalarNode && n.Tag == "!!null"
}

// kindName says what a node is in messages.
func kindName(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "a mapping"
	case yaml.SequenceNode:
		return "a list"
	case yaml.ScalarNode:
		switch n.Tag {
		case "!!null":
			return "null"
		case "!!str":
			return fmt.Sprintf("the string %q", n.Value)
		case "!!int", "!!float":
			return "the number " + n.Value
		case "!!bool":
			return "the boolean " + n.Value
		}
		return fmt.Sprintf("%q (tagged %q)", n.Value, n.Tag)
	case yaml.AliasNode:
		return "an alias"
	}
	return "an unknown node"
}

// mapping calls f for each key of the mapping n, in order, after checking
// that n is a mapping (null is an empty one) whose keys are known and
// given once. where names the mapping in messages ("trusted").
func (p *parser) mapping(n *yaml.Node, where string, known []string, f func(key string, k, v *yaml.Node)) {
	n = resolve(n)
	if n == nil || isNull(n) {
		return
	}
	if n.Kind != yaml.MappingNode {
		p.errorf(n, "%s: expected a mapping with the keys %s, got %s", whereName(where), strings.Join(known, ", "), kindName(n))
		return
	}
	seen := map[string]*yaml.Node{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := resolve(n.Content[i]), n.Content[i+1]
		if k == nil || k.Kind != yaml.ScalarNode {
			p.errorf(n.Content[i], "%s: expected a key name, got %s", whereName(where), kindName(n.Content[i]))
			continue
		}
		if prev := seen[k.Value]; prev != nil {
			p.errorf(k, "%s: key %q given twice (also at line %d); give it once", whereName(where), k.Value, prev.Line)
			continue
		}
		seen[k.Value] = k
		if known != nil && !contains(known, k.Value) {
			p.errorf(k, "%s: unknown key %q%s; valid keys: %s", whereName(where), k.Value, suggestion(k.Value, known), strings.Join(known, ", "))
			continue
		}
		f(k.Value, k, v)
	}
}

func whereName(where string) string {
	if where == "" {
		return "config"
	}
	return where
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// suggestion returns ` (did you mean "X"?)` for the known name nearest to
// s, when one is near enough (or differs only in case, '-', '_' or spaces).
func suggestion(s string, known []string) string {
	norm := func(x string) string {
		return strings.NewReplacer("-", "", "_", "", " ", "").Replace(strings.ToLower(x))
	}
	for _, k := range known {
		if norm(k) == norm(s) {
			return fmt.Sprintf(" (did you mean %q?)", k)
		}
	}
	if best := catalog.Nearest(s, known); best != "" {
		return fmt.Sprintf(" (did you mean %q?)", best)
	}
	return ""
}

// list calls f for each element of the list n (null is empty; a single
// scalar is a list of one, as in IAM's string-or-list values).
func (p *parser) list(n *yaml.Node, where string, f func(i int, e *yaml.Node)) {
	n = resolve(n)
	switch {
	case n == nil || isNull(n):
	case n.Kind == yaml.SequenceNode:
		for i, e := range n.Content {
			f(i, resolve(e))
		}
	case n.Kind == yaml.ScalarNode:
		f(0, n)
	default:
		p.errorf(n, "%s: expected a list, got %s", where, kindName(n))
	}
}

// str returns the string scalar n, or reports what it is instead.
func (p *parser) str(n *yaml.Node, where string) (string, bool) {
	n = resolve(n)
	if n == nil || n.Kind != yaml.ScalarNode || n.Tag != "!!str" {
		if n == nil {
			return "", false
		}
		p.errorf(n, "%s: expected a string, got %s", where, kindName(n))
		return "", false
	}
	return n.Value, true
}

var topKeys = []string{"account", "region", "trusted", "authorized", "suppress", "severity"}

func (p *parser) top(n *yaml.Node) {
	p.mapping(n, "", topKeys, func(key string, k, v *yaml.Node) {
		switch key {
		case "account":
			if v = resolve(v); v != nil && !isNull(v) {
				p.c.Account, _ = p.account(v, "account")
			}
		case "region":
			if v = resolve(v); v != nil && !isNull(v) {
				if s, ok := p.str(v, "region"); ok {
					if !regionRE.MatchString(s) {
						p.errorf(v, "region: expected an AWS region such as us-east-1, got %q", s)
					} else {
						p.c.Region = s
					}
				}
			}
		case "trusted":
			p.trusted(v)
		case "authorized":
			p.authorized(v)
		case "suppress":
			p.suppress(v)
		case "severity":
			p.severity(v)
		}
	})
}

var (
	regionRE  = regexp.MustCompile(`^[a-z]{2}(-[a-z]+)+-[0-9]{1,2}$`)
	rootIDRE  = regexp.MustCompile(`^r-[0-9a-z]{4,32}$`)
	ouIDRE    = regexp.MustCompile(`^ou-[0-9a-z]{4,32}-[a-z0-9]{8,32}$`)
	digitsRE  = regexp.MustCompile(`^[0-9]+$`)
	accountRE = regexp.MustCompile(`^[0-9*?]+$`)
)

// ValidRegion reports whether s has the shape of an AWS region name
// (us-east-1, eu-central-2, us-gov-west-1).
func ValidRegion(s string) bool { return regionRE.MatchString(s) }

// account reads a 12-digit account id, quoted or as a number. A number
// that lost its leading zeros (JSON 12345678901) is padded, with a warning.
func (p *parser) account(n *yaml.Node, where string) (string, bool) {
	n = resolve(n)
	if n.Kind != yaml.ScalarNode {
		p.errorf(n, "%s: expected a 12-digit account id, got %s", where, kindName(n))
		return "", false
	}
	s := n.Value
	switch n.Tag {
	case "!!str":
		if !policy.IsAccountID(s) {
			p.errorf(n, "%s: expected a 12-digit account id, got %q", where, s)
			return "", false
		}
		return s, true
	case "!!int", "!!float":
		if digitsRE.MatchString(s) && len(s) == 12 {
			return s, true
		}
		if digitsRE.MatchString(s) && len(s) < 12 && s[0] != '0' {
			padded := strings.Repeat("0", 12-len(s)) + s
			p.warnf(n, "%s: %s is a number with %d digits; read as the account id %s (a number loses leading zeros: quote account ids)", where, s, len(s), padded)
			return padded, true
		}
	}
	p.errorf(n, "%s: expected a 12-digit account id, got %s", where, kindName(n))
	return "", false
}

var trustedKeys = []string{"accounts", "org_ids", "org_paths"}

func (p *parser) trusted(n *yaml.Node) {
	p.mapping(n, "trusted", trustedKeys, func(key string, k, v *yaml.Node) {
		where := "trusted." + key
		switch key {
		case "accounts":
			p.list(v, where, func(i int, e *yaml.Node) {
				if a, ok := p.account(e, fmt.Sprintf("%s[%d]", where, i)); ok {
					p.c.Trusted.Accounts = append(p.c.Trusted.Accounts, a)
				}
			})
		case "org_ids":
			p.list(v, where, func(i int, e *yaml.Node) {
				s, ok := p.str(e, fmt.Sprintf("%s[%d]", where, i))
				switch {
				case !ok:
				case !policy.IsOrgID(s):
					p.errorf(e, "%s[%d]: expected an organization id (o- and 10 to 32 lowercase letters or digits, such as o-a1b2c3d4e5), got %q", where, i, s)
				default:
					p.c.Trusted.OrgIDs = append(p.c.Trusted.OrgIDs, s)
				}
			})
		case "org_paths":
			p.checkedList(v, where, &p.c.Trusted.OrgPaths, checkOrgPath,
				"an organization path", "o-ORG/r-ROOT/ou-…/ such as o-a1b2c3d4e5/r-ab12/ou-ab12-11111111/")
		}
	})
}

// checkedList appends to dst each string of the list v that check finds
// right (it returns ""); each other one is an error that says it is not
// what, check's reason, and what was expected.
func (p *parser) checkedList(v *yaml.Node, where string, dst *[]string, check func(string) string, what, expected string) {
	p.list(v, where, func(i int, e *yaml.Node) {
		s, ok := p.str(e, fmt.Sprintf("%s[%d]", where, i))
		if !ok {
			return
		}
		if msg := check(s); msg != "" {
			p.errorf(e, "%s[%d]: %q is not %s: %s; expected %s", where, i, s, what, msg, expected)
			return
		}
		*dst = append(*dst, s)
	})
}

// checkOrgPath says what is wrong with an organization path, or "".
func checkOrgPath(s string) string {
	if strings.ContainsAny(s, "*?") {
		return "wildcards are not allowed (a path already covers every OU below it)"
	}
	if !strings.HasSuffix(s, "/") {
		return "it must end with /"
	}
	parts := strings.Split(strings.TrimSuffix(s, "/"), "/")
	if len(parts) < 2 {
		return "it must name the organization and its root"
	}
	if !policy.IsOrgID(parts[0]) {
		return fmt.Sprintf("%q is not an organization id", parts[0])
	}
	if !rootIDRE.MatchString(parts[1]) {
		return fmt.Sprintf("%q is not a root id (r-…)", parts[1])
	}
	for _, ou := range parts[2:] {
		if !ouIDRE.MatchString(ou) {
			return fmt.Sprintf("%q is not an OU id (ou-…-…)", ou)
		}
	}
	return ""
}

var authorizedKeys = []string{"delete", "auth_token", "policy_management", "write"}

func (p *parser) authorized(n *yaml.Node) {
	p.mapping(n, "authorized", authorizedKeys, func(key string, k, v *yaml.Node) {
		where := "authorized." + key
		var dst *[]string
		switch key {
		case "delete":
			dst = &p.c.Authorized.Delete
		case "auth_token":
			dst = &p.c.Authorized.AuthToken
		case "policy_management":
			dst = &p.c.Authorized.PolicyManagement
		case "write":
			dst = &p.c.Authorized.Write
		}
		p.checkedList(v, where, dst, checkPrincipalPattern, "an IAM principal ARN pattern",
			"arn:aws:iam::ACCOUNT:role/NAME or arn:aws:iam::ACCOUNT:user/NAME (* and ? wildcards allowed), or * for everyone")
	})
}

var partitionRE = regexp.MustCompile(`^aws(-[a-z]+)*$`)

// checkPrincipalPattern says what is wrong with an authorized ARN pattern,
// or "".
func checkPrincipalPattern(s string) string {
	if s == "*" {
		return ""
	}
	parts := strings.SplitN(s, ":", 6)
	if len(parts) != 6 || parts[0] != "arn" {
		return "it is not an ARN"
	}
	partition, service, region, account, resource := parts[1], parts[2], parts[3], parts[4], parts[5]
	switch {
	case !partitionRE.MatchString(partition) && !policy.HasWildcard(partition):
		return fmt.Sprintf("unknown partition %q", partition)
	case service == "sts":
		return "a role session (sts) never appears in findings; name its role, arn:aws:iam::ACCOUNT:role/NAME"
	case service != "iam":
		return fmt.Sprintf("the service is %q, not iam", service)
	case region != "":
		return "IAM ARNs have no region (arn:aws:iam::…)"
	case !accountRE.MatchString(account):
		return fmt.Sprintf("the account %q is neither a 12-digit id nor a wildcard pattern", account)
	case !policy.HasWildcard(account) && len(account) != 12:
		return fmt.Sprintf("the account %q does not have 12 digits", account)
	case resource == "root" || strings.Trim(resource, "*") == "":
		return ""
	case strings.HasPrefix(resource, "group/"):
		return "groups are not principals; list the users or roles"
	case !strings.HasPrefix(resource, "role/") && !strings.HasPrefix(resource, "user/"):
		return fmt.Sprintf("the resource %q names neither a role/ nor a user/", resource)
	case resource == "role/" || resource == "user/":
		return "the name after role/ or user/ is missing"
	}
	return ""
}

var suppressKeys = []string{"rule", "resource", "reason", "expires"}

func (p *parser) suppress(n *yaml.Node) {
	n = resolve(n)
	if n == nil || isNull(n) {
		return
	}
	if n.Kind != yaml.SequenceNode {
		p.errorf(n, "suppress: expected a list of {rule, resource, reason, expires}, got %s", kindName(n))
		return
	}
	today := p.now.UTC().Format(time.DateOnly)
	for i, e := range n.Content {
		e = resolve(e)
		where := fmt.Sprintf("suppress[%d]", i)
		if e.Kind != yaml.MappingNode {
			p.errorf(e, "%s: expected a mapping with the keys %s, got %s", where, strings.Join(suppressKeys, ", "), kindName(e))
			continue
		}
		s := Suppression{Pos: p.pos(e)}
		var have [4]bool
		before := len(p.errs)
		p.mapping(e, where, suppressKeys, func(key string, k, v *yaml.Node) {
			switch key {
			case "rule":
				have[0] = true
				if id, ok := p.str(v, where+".rule"); ok {
					if p.ruleID(v, where+".rule", id) {
						s.Rule = id
					}
				}
			case "resource":
				have[1] = true
				if r, ok := p.str(v, where+".resource"); ok {
					if msg := checkResourcePattern(r); msg != "" {
						p.errorf(v, "%s.resource: %q is not an ARN pattern: %s; expected an ARN with * and ? wildcards, such as arn:aws:ecr:*:111122223333:repository/base-*, or *", where, r, msg)
					}
					s.Resource = r
				}
			case "reason":
				have[2] = true
				v = resolve(v)
				if v.Kind != yaml.ScalarNode || isNull(v) || strings.TrimSpace(v.Value) == "" {
					p.errorf(v, "%s.reason: expected the reason as text, got %s", where, kindName(v))
				}
				s.Reason = strings.TrimSpace(v.Value)
			case "expires":
				have[3] = true
				v = resolve(v)
				if v.Kind != yaml.ScalarNode || (v.Tag != "!!str" && v.Tag != "!!timestamp") {
					p.errorf(v, "%s.expires: expected a date YYYY-MM-DD, got %s", where, kindName(v))
					return
				}
				t, err := time.Parse(time.DateOnly, v.Value)
				if err != nil {
					p.errorf(v, "%s.expires: expected a date YYYY-MM-DD, got %q", where, v.Value)
					return
				}
				s.Expires = t
			}
		})
		for k, name := range suppressKeys[:3] {
			if !have[k] {
				p.errorf(e, "%s: missing %s (every suppression needs a rule, a resource pattern and a reason)", where, name)
			}
		}
		if len(p.errs) > before {
			continue
		}
		if !s.Expires.IsZero() && s.Expires.Format(time.DateOnly) < today {
			s.Expired = true
			p.warnf(e, "suppression of %s for %s expired on %s; it no longer suppresses", s.Rule, s.Resource, s.Expires.Format(time.DateOnly))
		}
		p.c.Suppress = append(p.c.Suppress, s)
	}
}

// checkResourcePattern says what is wrong with a suppression's resource
// pattern, or "".
func checkResourcePattern(s string) string {
	if s == "*" {
		return ""
	}
	parts := strings.SplitN(s, ":", 6)
	switch {
	case len(parts) != 6 || parts[0] != "arn":
		return "it is not an ARN"
	case parts[2] == "":
		return "the service is missing"
	case parts[5] == "":
		return "the resource is missing"
	}
	return ""
}

// ruleID checks that id names a rule.
func (p *parser) ruleID(n *yaml.Node, where, id string) bool {
	if err := rules.CheckRuleID(id); err != nil {
		p.errorf(n, "%s: %v", where, err)
		return false
	}
	return true
}

func (p *parser) severity(n *yaml.Node) {
	p.mapping(n, "severity", nil, func(key string, k, v *yaml.Node) {
		where := "severity." + key
		if !p.ruleID(k, "severity", key) {
			return
		}
		s, ok := p.str(v, where)
		if !ok {
			return
		}
		sev, err := rules.ParseSeverity(s)
		if err != nil {
			p.errorf(v, "%s: %v", where, err)
			return
		}
		if p.c.Severity == nil {
			p.c.Severity = map[string]rules.Severity{}
		}
		p.c.Severity[key] = sev
	})
}
