package config

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"

	"github.com/ecrguard/ecrguard/estate"
	"github.com/ecrguard/ecrguard/internal/textenc"
	"github.com/ecrguard/ecrguard/policy"
	"github.com/ecrguard/ecrguard/rules"
)

// IgnoreFileName is the file of accepted findings, by fingerprint, that a
// scan reads from each folder it scans.
const IgnoreFileName = ".ecrguardignore"

var fingerprintRE = regexp.MustCompile(fmt.Sprintf(`^[0-9a-f]{%d}$`, rules.FingerprintLen))

// ParseIgnoreFile reads an .ecrguardignore: one accepted finding a line,
// "FINGERPRINT reason", with blank lines and lines starting with # left
// out. A line without a reason, or whose first word is not a fingerprint,
// is an error naming file:line; every problem is returned, joined.
func ParseIgnoreFile(data []byte, file string) ([]Suppression, error) {
	data, err := textenc.Decode(data)
	if err != nil {
		return nil, &policy.Error{Pos: policy.Pos{File: file}, Msg: err.Error()}
	}
	var out []Suppression
	var errs []error
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(nil, 1<<20)
	for line := 1; sc.Scan(); line++ {
		text := strings.TrimSpace(sc.Text())
		if text == "" || strings.HasPrefix(text, "#") {
			continue
		}
		pos := policy.Pos{File: file, Line: line, Col: 1}
		fp, reason, _ := strings.Cut(text, " ")
		fp, reason = strings.TrimSpace(fp), strings.TrimSpace(reason)
		switch {
		case !fingerprintRE.MatchString(fp):
			errs = append(errs, &policy.Error{Pos: pos, Msg: fmt.Sprintf("%q is not a finding's fingerprint (%d hex digits, as the JSON and SARIF reports show them); expected FINGERPRINT reason", fp, rules.FingerprintLen)})
		case reason == "":
			errs = append(errs, &policy.Error{Pos: pos, Msg: fmt.Sprintf("the ignore of %s has no reason; expected FINGERPRINT reason (why the finding is accepted)", fp)})
		default:
			out = append(out, Suppression{Fingerprint: fp, Reason: reason, Pos: pos})
		}
	}
	if err := sc.Err(); err != nil {
		errs = append(errs, &policy.Error{Pos: policy.Pos{File: file}, Msg: err.Error()})
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	return out, nil
}

// AddIgnores adds to c's suppressions the inline ignores read from the
// inputs and the entries of the scan's ignore file: file when it is given
// (it must exist), else the .ecrguardignore of each folder in paths that
// has one.
func (c *Config) AddIgnores(file string, paths []string, inline []estate.Ignore) error {
	s, err := InlineIgnores(inline)
	if err != nil {
		return err
	}
	f, err := IgnoreFiles(file, paths)
	if err != nil {
		return err
	}
	c.Suppress = append(append(c.Suppress, s...), f...)
	return nil
}

// IgnoreFiles reads the ignore file of a scan: file when it is given
// (it must exist); else the .ecrguardignore of each folder in paths that
// has one.
func IgnoreFiles(file string, paths []string) ([]Suppression, error) {
	if file != "" {
		data, err := os.ReadFile(file)
		if err != nil {
			return nil, err
		}
		return ParseIgnoreFile(data, file)
	}
	var out []Suppression
	for _, p := range paths {
		if st, err := os.Stat(p); err != nil || !st.IsDir() {
			continue
		}
		name := filepath.Join(p, IgnoreFileName)
		data, err := os.ReadFile(name)
		if errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if err != nil {
			return nil, err
		}
		s, err := ParseIgnoreFile(data, filepath.ToSlash(name))
		if err != nil {
			return nil, err
		}
		out = append(out, s...)
	}
	return out, nil
}

// InlineIgnores turns the inline ignores read from the inputs into
// suppressions. One that names no rule of the catalog, or gives no
// reason, is an error naming file:line; every problem is returned,
// joined. An ignore read twice (a module called twice) is kept once.
func InlineIgnores(ignores []estate.Ignore) ([]Suppression, error) {
	var out []Suppression
	var errs []error
	seen := map[policy.Pos]bool{}
	ignores = slices.Clone(ignores)
	slices.SortStableFunc(ignores, func(a, b estate.Ignore) int { return a.Pos.Compare(b.Pos) })
	for _, ig := range ignores {
		key := ig.Pos
		key.File += "\x00" + ig.Rule
		if seen[key] {
			continue
		}
		seen[key] = true
		if ig.Rule == "" {
			errs = append(errs, &policy.Error{Pos: ig.Pos, Msg: "ecrguard:ignore names no rule; expected ecrguard:ignore RULE reason, such as ecrguard:ignore ECR001 public base images"})
			continue
		}
		if err := rules.CheckRuleID(ig.Rule); err != nil {
			errs = append(errs, &policy.Error{Pos: ig.Pos, Msg: "ecrguard:ignore: " + err.Error()})
			continue
		}
		if strings.TrimSpace(ig.Reason) == "" {
			errs = append(errs, &policy.Error{Pos: ig.Pos, Msg: fmt.Sprintf("ecrguard:ignore %s has no reason; write why the finding is accepted after the rule id", ig.Rule)})
			continue
		}
		out = append(out, Suppression{Rule: ig.Rule, Reason: strings.TrimSpace(ig.Reason), Pos: ig.Pos, Inline: &ig})
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	return out, nil
}
