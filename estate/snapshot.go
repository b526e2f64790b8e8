package estate

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"sort"
	"strings"
	"time"

	"github.com/ecrguard/ecrguard/internal/jsonpos"
	"github.com/ecrguard/ecrguard/internal/linediff"
	"github.com/ecrguard/ecrguard/policy"
)

// Snapshot format (docs/snapshot.md). A snapshot is one JSON object whose
// SnapshotMarker key holds the format version; readers detect snapshots by
// that key.
const (
	// SnapshotMarker is the top-level key that marks a snapshot.
	SnapshotMarker = "ecrguard_snapshot"
	// SnapshotFormat is the format version this package writes. It reads
	// it and every older version down to 1 (docs/snapshot.md says what
	// each adds).
	SnapshotFormat = 2
)

// SnapshotMeta describes a snapshot: who collected it, when, and with which
// ecrguard.
type SnapshotMeta struct {
	// Version is the ecrguard version that wrote the snapshot.
	Version string
	// CollectedAt is when collection started (written in UTC).
	CollectedAt time.Time
	// Caller is the identity whose credentials read the estate.
	Caller Caller
}

// Caller is an AWS identity, as sts:GetCallerIdentity reports it.
type Caller struct {
	Account string
	ARN     string
}

// Policy states as snapshots spell them.
const (
	snapUnread  = "unread"
	snapNone    = "none"
	snapPresent = "present"
)

type snapFile struct {
	Marker      int           `json:"ecrguard_snapshot"`
	Version     string        `json:"ecrguard_version"`
	CollectedAt string        `json:"collected_at"`
	Caller      snapCaller    `json:"caller"`
	Accounts    []snapAccount `json:"accounts"`
	Gaps        []snapGap     `json:"gaps"`
	Notes       []snapNote    `json:"notes"`
}

type snapCaller struct {
	Account string `json:"account"`
	ARN     string `json:"arn"`
}

type snapAccount struct {
	ID         string        `json:"id"`
	Regions    []snapRegion  `json:"regions"`
	Public     []snapPublic  `json:"public_repositories"`
	IAM        *snapIAM      `json:"iam"`
	SCPs       snapLevels    `json:"scps"`
	RCPs       snapLevels    `json:"rcps"`
	Management bool          `json:"management"`
	Detached   []*snapPolicy `json:"detached_policies"`
}

// snapLevels are the SCPs or the RCPs over an account.
type snapLevels struct {
	Known  bool          `json:"known"`
	Levels []*snapPolicy `json:"levels"`
}

type snapRegion struct {
	Name         string         `json:"name"`
	Registry     snapRegistry   `json:"registry"`
	Repositories []snapRepo     `json:"repositories"`
	Templates    []snapTemplate `json:"templates"`
}

type snapTemplate struct {
	Prefix     string        `json:"prefix"`
	ARN        string        `json:"arn"`
	AppliedFor []string      `json:"applied_for"`
	Policy     snapPolicyRef `json:"policy"`
	Source     *snapPos      `json:"source,omitempty"`
}

type snapRegistry struct {
	Policy      snapPolicyRef `json:"policy"`
	Scope       *string       `json:"scope"`
	Replication []snapDest    `json:"replication"`
}

type snapDest struct {
	Account string `json:"account"`
	Region  string `json:"region"`
}

type snapRepo struct {
	Name      string             `json:"name"`
	ARN       string             `json:"arn"`
	Policy    snapPolicyRef      `json:"policy"`
	Tags      *map[string]string `json:"tags,omitempty"`
	Inventory *snapInventory     `json:"inventory,omitempty"`
	Source    *snapPos           `json:"source,omitempty"`
}

type snapInventory struct {
	ImageTagMutability string `json:"image_tag_mutability"`
	ScanOnPush         *bool  `json:"scan_on_push"`
	EncryptionType     string `json:"encryption_type"`
	CreatedAt          string `json:"created_at"`
}

type snapPublic struct {
	Name   string        `json:"name"`
	ARN    string        `json:"arn"`
	Policy snapPolicyRef `json:"policy"`
	Source *snapPos      `json:"source,omitempty"`
}

// snapPolicyRef is a resource's policy: its state and, when present, the
// policy.
type snapPolicyRef struct {
	State string `json:"state"`
	*snapPolicy
}

type snapPolicy struct {
	Name   string   `json:"name"`
	Source *snapPos `json:"source,omitempty"`
	Text   string   `json:"text"`
}

type snapPos struct {
	File string `json:"file"`
	Line int    `json:"line,omitempty"`
	Col  int    `json:"col,omitempty"`
}

type snapIAM struct {
	Source   string          `json:"source"`
	Users    []snapUser      `json:"users"`
	Groups   []snapIdentity  `json:"groups"`
	Roles    []snapRole      `json:"roles"`
	Policies []snapManagedPo `json:"policies"`
}

// snapIdentity is what users, groups and roles share, the first keys of
// each; a group has no more.
type snapIdentity struct {
	Name     string        `json:"name"`
	ARN      string        `json:"arn"`
	ID       string        `json:"id"`
	Path     string        `json:"path"`
	Inline   []*snapPolicy `json:"inline"`
	Attached []string      `json:"attached"`
}

type snapUser struct {
	snapIdentity
	Groups   []string          `json:"groups"`
	Boundary string            `json:"boundary"`
	Tags     map[string]string `json:"tags"`
}

type snapRole struct {
	snapIdentity
	Boundary      string            `json:"boundary"`
	Tags          map[string]string `json:"tags"`
	Trust         *snapPolicy       `json:"trust"`
	ServiceLinked bool              `json:"service_linked"`
}

type snapManagedPo struct {
	Name      string      `json:"name"`
	ARN       string      `json:"arn"`
	ID        string      `json:"id"`
	VersionID string      `json:"version_id"`
	Default   *snapPolicy `json:"default"`
}

type snapGap struct {
	Source   string   `json:"source"`
	Pos      *snapPos `json:"pos,omitempty"`
	Account  string   `json:"account"`
	Region   string   `json:"region"`
	Resource string   `json:"resource"`
	Code     GapCode  `json:"code"`
	Message  string   `json:"message"`
	// Problems are those of a policy that does not decode (Gap.Problems).
	Problems []snapProblem `json:"problems,omitempty"`
}

type snapProblem struct {
	Pos     *snapPos `json:"pos,omitempty"`
	Code    string   `json:"code"`
	Message string   `json:"message"`
}

type snapNote struct {
	Source  string `json:"source"`
	Message string `json:"message"`
}

// WriteSnapshot writes e and meta to w in the snapshot format
// (docs/snapshot.md). The output is deterministic: every list is sorted, so
// the same estate gives the same bytes whatever order it was collected in.
// Policies are written as their original text (Policy.Text); a policy read
// without its text is written as canonical JSON of its document, which
// fails for documents holding values not known until apply.
func WriteSnapshot(w io.Writer, e *Estate, meta SnapshotMeta) error {
	f, err := snapshotOf(e, meta)
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	if err := enc.Encode(f); err != nil {
		return fmt.Errorf("snapshot: %w", err)
	}
	_, err = w.Write(buf.Bytes())
	return err
}

func snapshotOf(e *Estate, meta SnapshotMeta) (*snapFile, error) {
	f := &snapFile{
		Marker:      SnapshotFormat,
		Version:     meta.Version,
		CollectedAt: meta.CollectedAt.UTC().Format(time.RFC3339),
		Caller:      snapCaller{Account: meta.Caller.Account, ARN: meta.Caller.ARN},
		Accounts:    []snapAccount{},
		Gaps:        []snapGap{},
		Notes:       []snapNote{},
	}
	for _, a := range e.Accounts() {
		sa, err := snapAccountOf(a)
		if err != nil {
			return nil, err
		}
		f.Accounts = append(f.Accounts, sa)
	}
	gaps := append([]Gap(nil), e.Gaps...)
	sortGaps(gaps)
	for _, g := range gaps {
		sg := snapGap{Source: g.Source, Pos: snapPosOf(g.Pos), Account: g.Account, Region: g.Region,
			Resource: g.Resource, Code: g.Code, Message: g.Message}
		for _, p := range g.Problems {
			sg.Problems = append(sg.Problems, snapProblem{Pos: snapPosOf(p.Pos), Code: p.Code, Message: p.Message})
		}
		f.Gaps = append(f.Gaps, sg)
	}
	notes := append([]Note(nil), e.Notes...)
	sortNotes(notes)
	for _, n := range notes {
		f.Notes = append(f.Notes, snapNote(n))
	}
	return f, nil
}

func snapAccountOf(a *Account) (snapAccount, error) {
	sa := snapAccount{ID: a.ID, Regions: []snapRegion{}, Public: []snapPublic{}, Detached: []*snapPolicy{}, Management: a.Management}
	var err error
	// Levels keep their order: the organization hierarchy, root first.
	if sa.SCPs, err = snapLevelsOf(a.SCPsKnown, a.SCPs); err != nil {
		return sa, err
	}
	if sa.RCPs, err = snapLevelsOf(a.RCPsKnown, a.RCPs); err != nil {
		return sa, err
	}
	for _, r := range a.Regions() {
		sr := snapRegion{Name: r.Name, Repositories: []snapRepo{}, Templates: []snapTemplate{}}
		ref, err := snapRefOf(r.Registry.PolicyState, r.Registry.Policy, "registry policy of "+RegistryARN(r.Name, a.ID))
		if err != nil {
			return sa, err
		}
		sr.Registry.Policy = ref
		if r.Registry.Scope != "" {
			scope := r.Registry.Scope
			sr.Registry.Scope = &scope
		}
		sr.Registry.Replication = []snapDest{}
		for _, d := range r.Registry.Replication {
			sr.Registry.Replication = append(sr.Registry.Replication, snapDest(d))
		}
		for _, repo := range r.Repositories() {
			ref, err := snapRefOf(repo.PolicyState, repo.Policy, "repository policy of "+repo.ARN)
			if err != nil {
				return sa, err
			}
			sp := snapRepo{Name: repo.Name, ARN: repo.ARN, Policy: ref, Source: snapPosOf(repo.Source)}
			if repo.TagsKnown {
				tags := map[string]string{}
				for k, v := range repo.Tags {
					tags[k] = v
				}
				sp.Tags = &tags
			}
			if repo.InInventory {
				sp.Inventory = &snapInventory{ImageTagMutability: repo.ImageTagMutability, ScanOnPush: repo.ScanOnPush,
					EncryptionType: repo.EncryptionType, CreatedAt: repo.CreatedAt}
			}
			sr.Repositories = append(sr.Repositories, sp)
		}
		for _, t := range r.Templates() {
			ref, err := snapRefOf(t.PolicyState, t.Policy, "repository policy of "+t.ARN)
			if err != nil {
				return sa, err
			}
			sr.Templates = append(sr.Templates, snapTemplate{Prefix: t.Prefix, ARN: t.ARN, AppliedFor: sortedStrings(t.AppliedFor),
				Policy: ref, Source: snapPosOf(t.Source)})
		}
		sa.Regions = append(sa.Regions, sr)
	}
	public := append([]*PublicRepository(nil), a.Public...)
	sort.SliceStable(public, func(i, j int) bool { return public[i].Name < public[j].Name })
	for _, p := range public {
		ref, err := snapRefOf(p.PolicyState, p.Policy, "repository policy of "+p.ARN)
		if err != nil {
			return sa, err
		}
		sa.Public = append(sa.Public, snapPublic{Name: p.Name, ARN: p.ARN, Policy: ref, Source: snapPosOf(p.Source)})
	}
	if a.IAM != nil {
		si, err := snapIAMOf(a.IAM)
		if err != nil {
			return sa, err
		}
		sa.IAM = si
	}
	if sa.Detached, err = snapPoliciesOf(a.Detached); err != nil {
		return sa, err
	}
	return sa, nil
}

// snapLevelsOf writes the SCP or RCP levels over an account, in their
// order.
func snapLevelsOf(known bool, levels []*Policy) (snapLevels, error) {
	sl, err := snapListOf(levels)
	return snapLevels{Known: known, Levels: sl}, err
}

func snapIAMOf(m *IAM) (*snapIAM, error) {
	c := *m
	c.Users = append([]*User(nil), m.Users...)
	c.Groups = append([]*Group(nil), m.Groups...)
	c.Roles = append([]*Role(nil), m.Roles...)
	c.Policies = append([]*ManagedPolicy(nil), m.Policies...)
	c.Sort()
	si := &snapIAM{Source: m.Source, Users: []snapUser{}, Groups: []snapIdentity{}, Roles: []snapRole{}, Policies: []snapManagedPo{}}
	for _, u := range c.Users {
		id, err := snapIdentityOf(&u.Identity)
		if err != nil {
			return nil, err
		}
		si.Users = append(si.Users, snapUser{snapIdentity: id, Groups: sortedStrings(u.Groups), Boundary: u.Boundary, Tags: copyTags(u.Tags)})
	}
	for _, g := range c.Groups {
		id, err := snapIdentityOf(&g.Identity)
		if err != nil {
			return nil, err
		}
		si.Groups = append(si.Groups, id)
	}
	var err error
	for _, r := range c.Roles {
		sr := snapRole{Boundary: r.Boundary, Tags: copyTags(r.Tags), ServiceLinked: r.ServiceLinked}
		if sr.snapIdentity, err = snapIdentityOf(&r.Identity); err != nil {
			return nil, err
		}
		if r.Trust != nil {
			if sr.Trust, err = snapPolicyOf(r.Trust); err != nil {
				return nil, err
			}
		}
		si.Roles = append(si.Roles, sr)
	}
	for _, p := range c.Policies {
		sp := snapManagedPo{Name: p.Name, ARN: p.ARN, ID: p.ID, VersionID: p.VersionID}
		if p.Default != nil {
			if sp.Default, err = snapPolicyOf(p.Default); err != nil {
				return nil, err
			}
		}
		si.Policies = append(si.Policies, sp)
	}
	return si, nil
}

// snapIdentityOf writes what users, groups and roles share: inline
// policies and attached ARNs sorted.
func snapIdentityOf(i *Identity) (snapIdentity, error) {
	sp, err := snapPoliciesOf(i.Inline)
	return snapIdentity{Name: i.Name, ARN: i.ARN, ID: i.ID, Path: i.Path, Inline: sp, Attached: sortedStrings(i.Attached)}, err
}

func snapPoliciesOf(ps []*Policy) ([]*snapPolicy, error) {
	sorted := append([]*Policy(nil), ps...)
	sortPolicies(sorted)
	return snapListOf(sorted)
}

// snapListOf writes policies in their order; none is an empty list.
func snapListOf(ps []*Policy) ([]*snapPolicy, error) {
	out := []*snapPolicy{}
	for _, p := range ps {
		sp, err := snapPolicyOf(p)
		if err != nil {
			return nil, err
		}
		out = append(out, sp)
	}
	return out, nil
}

func snapRefOf(state PolicyState, p *Policy, what string) (snapPolicyRef, error) {
	switch state {
	case Unread:
		return snapPolicyRef{State: snapUnread}, nil
	case NoPolicy:
		return snapPolicyRef{State: snapNone}, nil
	case HasPolicy:
		if p == nil {
			return snapPolicyRef{}, fmt.Errorf("snapshot: %s: state says it has a policy, but none is recorded", what)
		}
		sp, err := snapPolicyOf(p)
		if err != nil {
			return snapPolicyRef{}, err
		}
		return snapPolicyRef{State: snapPresent, snapPolicy: sp}, nil
	}
	return snapPolicyRef{}, fmt.Errorf("snapshot: %s: unknown policy state %d", what, state)
}

func snapPolicyOf(p *Policy) (*snapPolicy, error) {
	if p == nil {
		return nil, fmt.Errorf("snapshot: a policy list holds nil")
	}
	text := p.Text
	if text == "" {
		if p.Doc == nil {
			return nil, fmt.Errorf("snapshot: policy %q has neither text nor a document", p.Name)
		}
		b, err := policy.Encode(p.Doc, policy.EncodeOptions{Exact: true})
		if err != nil {
			return nil, fmt.Errorf("snapshot: policy %q: %w", p.Name, err)
		}
		text = string(b)
	}
	return &snapPolicy{Name: p.Name, Source: snapPosOf(p.Source), Text: text}, nil
}

func snapPosOf(p policy.Pos) *snapPos {
	if p == (policy.Pos{}) {
		return nil
	}
	return &snapPos{File: p.File, Line: p.Line, Col: p.Col}
}

func sortedStrings(s []string) []string {
	out := append([]string{}, s...)
	sort.Strings(out)
	return out
}

func copyTags(m map[string]string) map[string]string {
	out := make(map[string]string, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}

func sortPolicies(ps []*Policy) {
	sort.SliceStable(ps, func(i, j int) bool {
		a, b := ps[i], ps[j]
		switch {
		case a.Name != b.Name:
			return a.Name < b.Name
		case a.Source != b.Source:
			return a.Source.Compare(b.Source) < 0
		}
		return a.Text < b.Text
	})
}

func sortGaps(gs []Gap) {
	sort.SliceStable(gs, func(i, j int) bool {
		a, b := gs[i], gs[j]
		for _, c := range [...][2]string{{a.Account, b.Account}, {a.Region, b.Region}, {a.Source, b.Source},
			{a.Resource, b.Resource}, {string(a.Code), string(b.Code)}, {a.Message, b.Message}, {a.Pos.File, b.Pos.File}} {
			if c[0] != c[1] {
				return c[0] < c[1]
			}
		}
		if a.Pos.Line != b.Pos.Line {
			return a.Pos.Line < b.Pos.Line
		}
		return a.Pos.Col < b.Pos.Col
	})
}

func sortNotes(ns []Note) {
	sort.SliceStable(ns, func(i, j int) bool {
		if ns[i].Source != ns[j].Source {
			return ns[i].Source < ns[j].Source
		}
		return ns[i].Message < ns[j].Message
	})
}

// Normalize sorts e's lists into the order snapshots use (IAM entities by
// ARN, inline policies by name, attachments, public repositories by name,
// gaps and notes), so that an estate compares equal to the same estate read
// back from its snapshot. SCP levels keep their order.
func (e *Estate) Normalize() {
	for _, a := range e.Accounts() {
		if a.IAM != nil {
			a.IAM.Sort()
			for _, u := range a.IAM.Users {
				sortPolicies(u.Inline)
				sort.Strings(u.Attached)
				sort.Strings(u.Groups)
			}
			for _, g := range a.IAM.Groups {
				sortPolicies(g.Inline)
				sort.Strings(g.Attached)
			}
			for _, r := range a.IAM.Roles {
				sortPolicies(r.Inline)
				sort.Strings(r.Attached)
			}
		}
		sort.SliceStable(a.Public, func(i, j int) bool { return a.Public[i].Name < a.Public[j].Name })
		sortPolicies(a.Detached)
	}
	sortGaps(e.Gaps)
	sortNotes(e.Notes)
}

// Diff compares two estates by their snapshot encodings and describes the
// first difference, or returns "" when they are the same. Tests use it to
// prove that two ways of reading an account (live and from a snapshot) give
// the same estate.
func Diff(a, b *Estate) string {
	var ba, bb bytes.Buffer
	if err := WriteSnapshot(&ba, a, SnapshotMeta{}); err != nil {
		return "first estate: " + err.Error()
	}
	if err := WriteSnapshot(&bb, b, SnapshotMeta{}); err != nil {
		return "second estate: " + err.Error()
	}
	if bytes.Equal(ba.Bytes(), bb.Bytes()) {
		return ""
	}
	if d, ok := linediff.First(ba.String(), bb.String()); ok {
		return fmt.Sprintf("snapshots differ at line %d:\n  context: %s\n  first:  %s\n  second: %s",
			d.Line, strings.Join(d.Before[max(0, len(d.Before)-3):], "\n           "), d.A, d.B)
	}
	return "snapshots differ"
}

// ReadSnapshot reads a snapshot written by WriteSnapshot, of this format
// or an older one (a note says what an older format lacks). file names the
// input in errors, which say file:line:col and what was expected; an error
// about a place in the data is a *policy.Error carrying that position. Policies
// are parsed from their text, positioned as Policy.Source says, so they are
// the documents that were written.
func ReadSnapshot(data []byte, file string) (*Estate, SnapshotMeta, error) {
	root, err := jsonpos.Parse(data)
	if err != nil {
		var se *jsonpos.SyntaxError
		if errors.As(err, &se) {
			return nil, SnapshotMeta{}, &policy.Error{Pos: policy.Pos{File: file, Line: se.Line, Col: se.Col}, Msg: "invalid JSON: " + se.Msg}
		}
		return nil, SnapshotMeta{}, fmt.Errorf("%s: %w", file, err)
	}
	r := &snapReader{file: file, lines: jsonpos.NewLines(data)}
	e, meta, err := r.read(root)
	if err != nil {
		return nil, SnapshotMeta{}, err
	}
	return e, meta, nil
}

type snapReader struct {
	file  string
	lines *jsonpos.Lines
	// version is the format of the snapshot being read (1 or 2).
	version int
}

// Format 2 added the RCPs and management flag of accounts, the creation
// templates of regions and the source of ECR Public repositories.
const snapRCPsFormat = 2

// identity reads what a user, group or role shares into id, and the string
// fields of more (a boundary) beside them.
func (r *snapReader) identity(m map[string]*jsonpos.Node, what string, id *Identity, more map[string]*string) error {
	fields := map[string]*string{"name": &id.Name, "arn": &id.ARN, "id": &id.ID, "path": &id.Path}
	maps.Copy(fields, more)
	if err := r.strFields(m, what, fields); err != nil {
		return err
	}
	var err error
	if id.Inline, err = r.policies(m["inline"], "inline policies of "+id.ARN); err != nil {
		return err
	}
	id.Attached, err = r.strings(m["attached"], "attached policies of "+id.ARN)
	return err
}

// errorf is a problem at a place in the snapshot: a *policy.Error, so that
// readers of many files can keep its position apart from its message.
func (r *snapReader) errorf(off int, format string, args ...any) error {
	l, c := r.lines.Position(off)
	return &policy.Error{Pos: policy.Pos{File: r.file, Line: l, Col: c}, Msg: fmt.Sprintf(format, args...)}
}

// object checks that n is an object with only the keys allowed, each at most
// once, and every key of required present; it returns the members by key.
func (r *snapReader) object(n *jsonpos.Node, what string, required []string, optional ...string) (map[string]*jsonpos.Node, error) {
	if n.Kind != jsonpos.Object {
		return nil, r.errorf(n.Off, "%s: expected an object, got %s", what, n.Kind)
	}
	allowed := map[string]bool{}
	for _, k := range required {
		allowed[k] = true
	}
	for _, k := range optional {
		allowed[k] = true
	}
	out := make(map[string]*jsonpos.Node, len(n.Members))
	for _, m := range n.Members {
		if !allowed[m.Key] {
			keys := append(append([]string{}, required...), optional...)
			sort.Strings(keys)
			return nil, r.errorf(m.KeyOff, "%s: unknown key %q (expected %s)", what, m.Key, strings.Join(keys, ", "))
		}
		if _, dup := out[m.Key]; dup {
			return nil, r.errorf(m.KeyOff, "%s: key %q given twice", what, m.Key)
		}
		out[m.Key] = m.Value
	}
	for _, k := range required {
		if out[k] == nil {
			return nil, r.errorf(n.Off, "%s: missing key %q", what, k)
		}
	}
	return out, nil
}

func (r *snapReader) str(n *jsonpos.Node, what string) (string, error) {
	if n == nil {
		return "", nil
	}
	if n.Kind != jsonpos.String {
		return "", r.errorf(n.Off, "%s: expected a string, got %s", what, n.Kind)
	}
	return n.Text, nil
}

// arn reads the ARN of a resource (what), which must be built, the ARN
// its names give it, in any partition (arn:aws-cn:…): the analysis judges
// the resource by this ARN, and one of another resource would make the
// statements that name it seem never to apply.
func (r *snapReader) arn(n *jsonpos.Node, what, built string) (string, error) {
	s, err := r.str(n, what)
	if err != nil {
		return "", err
	}
	got, ok := policy.ParseARN(s)
	want, _ := policy.ParseARN(built)
	if got.Partition = want.Partition; !ok || got != want {
		return "", r.errorf(n.Off, "%s: expected %s (or its partition's arn:aws-cn:…, arn:aws-us-gov:…), got %q", what, built, s)
	}
	return s, nil
}

func (r *snapReader) boolean(n *jsonpos.Node, what string) (bool, error) {
	if n.Kind != jsonpos.Bool {
		return false, r.errorf(n.Off, "%s: expected true or false, got %s", what, n.Kind)
	}
	return n.Text == "true", nil
}

func (r *snapReader) integer(n *jsonpos.Node, what string) (int, error) {
	if n == nil {
		return 0, nil
	}
	if n.Kind != jsonpos.Number {
		return 0, r.errorf(n.Off, "%s: expected a whole number, got %s", what, n.Kind)
	}
	var v int
	if _, err := fmt.Sscan(n.Text, &v); err != nil || fmt.Sprint(v) != n.Text || v < 0 {
		return 0, r.errorf(n.Off, "%s: expected a whole number ≥ 0, got %s", what, n.Text)
	}
	return v, nil
}

// nonEmpty reads the string n (what), which must not be empty; example
// says what one looks like ("a region such as us-east-1").
func (r *snapReader) nonEmpty(n *jsonpos.Node, what, example string) (string, error) {
	s, err := r.str(n, what)
	if err == nil && s == "" {
		err = r.errorf(n.Off, "%s: expected %s, got an empty string", what, example)
	}
	return s, err
}

func (r *snapReader) array(n *jsonpos.Node, what string) ([]*jsonpos.Node, error) {
	if n.Kind != jsonpos.Array {
		return nil, r.errorf(n.Off, "%s: expected a list, got %s", what, n.Kind)
	}
	return n.Elems, nil
}

// objects reads the array n (named list), each element an object what
// with the fields required (and those optional), and gives each to fn in
// order.
func (r *snapReader) objects(n *jsonpos.Node, list, what string, required []string, fn func(map[string]*jsonpos.Node) error, optional ...string) error {
	return r.each(n, list, func(e *jsonpos.Node) error {
		m, err := r.object(e, what, required, optional...)
		if err != nil {
			return err
		}
		return fn(m)
	})
}

// each gives each element of the array n (what) to fn, in order, and stops
// at the first error.
func (r *snapReader) each(n *jsonpos.Node, what string, fn func(*jsonpos.Node) error) error {
	elems, err := r.array(n, what)
	if err != nil {
		return err
	}
	for _, el := range elems {
		if err := fn(el); err != nil {
			return err
		}
	}
	return nil
}

// listOf reads the array n (what), each element with read, appending to
// out (which says what an empty array gives: nil or an empty list).
func listOf[T any](r *snapReader, n *jsonpos.Node, what string, out []T, read func(*jsonpos.Node, string) (T, error)) ([]T, error) {
	err := r.each(n, what, func(el *jsonpos.Node) error {
		v, err := read(el, what)
		out = append(out, v)
		return err
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

func (r *snapReader) strings(n *jsonpos.Node, what string) ([]string, error) {
	return listOf(r, n, what, []string{}, r.str)
}

func (r *snapReader) strMap(n *jsonpos.Node, what string) (map[string]string, error) {
	if n.Kind != jsonpos.Object {
		return nil, r.errorf(n.Off, "%s: expected an object of strings, got %s", what, n.Kind)
	}
	out := make(map[string]string, len(n.Members))
	for _, m := range n.Members {
		if _, dup := out[m.Key]; dup {
			return nil, r.errorf(m.KeyOff, "%s: key %q given twice", what, m.Key)
		}
		s, err := r.str(m.Value, what+" "+m.Key)
		if err != nil {
			return nil, err
		}
		out[m.Key] = s
	}
	return out, nil
}

func (r *snapReader) read(root *jsonpos.Node) (*Estate, SnapshotMeta, error) {
	var meta SnapshotMeta
	if root.Kind != jsonpos.Object {
		return nil, meta, r.errorf(root.Off, "snapshot: expected an object, got %s", root.Kind)
	}
	mk := root.Get(SnapshotMarker)
	if mk == nil {
		return nil, meta, r.errorf(root.Off, "not an ecrguard snapshot: no %q key", SnapshotMarker)
	}
	v, err := r.integer(mk, SnapshotMarker)
	switch {
	case err == nil && v > SnapshotFormat:
		return nil, meta, r.errorf(mk.Off, "snapshot format %d is newer than this ecrguard reads (%d); upgrade ecrguard", v, SnapshotFormat)
	case err != nil || v < 1:
		return nil, meta, r.errorf(mk.Off, "%s: expected a format version from 1 to %d, got %s", SnapshotMarker, SnapshotFormat, versionText(mk))
	}
	r.version = v
	m, err := r.object(root, "snapshot", []string{SnapshotMarker, "ecrguard_version", "collected_at", "caller", "accounts", "gaps", "notes"})
	if err != nil {
		return nil, meta, err
	}
	if meta.Version, err = r.str(m["ecrguard_version"], "ecrguard_version"); err != nil {
		return nil, meta, err
	}
	at, err := r.str(m["collected_at"], "collected_at")
	if err != nil {
		return nil, meta, err
	}
	if meta.CollectedAt, err = time.Parse(time.RFC3339, at); err != nil {
		return nil, meta, r.errorf(m["collected_at"].Off, "collected_at: expected an RFC 3339 time such as 2026-11-23T10:00:00Z, got %q", at)
	}
	meta.CollectedAt = meta.CollectedAt.UTC()
	cm, err := r.object(m["caller"], "caller", []string{"account", "arn"})
	if err != nil {
		return nil, meta, err
	}
	if meta.Caller.Account, err = r.str(cm["account"], "caller account"); err != nil {
		return nil, meta, err
	}
	if meta.Caller.ARN, err = r.str(cm["arn"], "caller arn"); err != nil {
		return nil, meta, err
	}

	e := New()
	accounts, err := r.array(m["accounts"], "accounts")
	if err != nil {
		return nil, meta, err
	}
	for _, an := range accounts {
		if err := r.account(e, an); err != nil {
			return nil, meta, err
		}
	}
	gaps, err := r.array(m["gaps"], "gaps")
	if err != nil {
		return nil, meta, err
	}
	for _, gn := range gaps {
		g, err := r.gap(gn)
		if err != nil {
			return nil, meta, err
		}
		e.Gaps = append(e.Gaps, g)
	}
	err = r.objects(m["notes"], "notes", "note", []string{"source", "message"}, func(nm map[string]*jsonpos.Node) error {
		var n Note
		if err := r.strFields(nm, "note", map[string]*string{"source": &n.Source, "message": &n.Message}); err != nil {
			return err
		}
		e.Notes = append(e.Notes, n)
		return nil
	})
	if err != nil {
		return nil, meta, err
	}
	if r.version < snapRCPsFormat {
		e.Notes = append(e.Notes, Note{Source: r.file, Message: fmt.Sprintf(
			"snapshot format %d holds no resource control policies nor repository creation templates: the analysis assumes no RCP restricts its accounts, and judges no template (collect again with this ecrguard to read them)", r.version)})
	}
	return e, meta, nil
}

// versionText says what a snapshot's format version is: the number, or
// the string or other value that is not one.
func versionText(n *jsonpos.Node) string {
	switch n.Kind {
	case jsonpos.Number:
		return n.Text
	case jsonpos.String:
		return fmt.Sprintf("the string %q", n.Text)
	}
	return strings.TrimSpace(n.Text + " " + n.Kind.String())
}

func (r *snapReader) gap(n *jsonpos.Node) (Gap, error) {
	var g Gap
	m, err := r.object(n, "gap", []string{"source", "account", "region", "resource", "code", "message"}, "pos", "problems")
	if err != nil {
		return g, err
	}
	var code string
	for _, f := range []struct {
		key string
		dst *string
	}{{"source", &g.Source}, {"account", &g.Account}, {"region", &g.Region}, {"resource", &g.Resource}, {"code", &code}, {"message", &g.Message}} {
		if *f.dst, err = r.str(m[f.key], "gap "+f.key); err != nil {
			return g, err
		}
	}
	g.Code = GapCode(code)
	if g.Pos, err = r.optPos(m["pos"], "gap pos"); err != nil {
		return g, err
	}
	if pn := m["problems"]; pn != nil {
		if g.Problems, err = objectList(r, pn, "gap problems", "gap problem", []string{"code", "message"}, r.problem, "pos"); err != nil {
			return g, err
		}
	}
	return g, nil
}

// problem reads one problem of a gap's policy (Gap.Problems).
func (r *snapReader) problem(m map[string]*jsonpos.Node) (policy.Problem, error) {
	var p policy.Problem
	if err := r.strFields(m, "gap problem", map[string]*string{"code": &p.Code, "message": &p.Message}); err != nil {
		return p, err
	}
	var err error
	p.Pos, err = r.optPos(m["pos"], "gap problem pos")
	return p, err
}

// optPos reads the position n when there is one (nil is the zero
// position).
func (r *snapReader) optPos(n *jsonpos.Node, what string) (policy.Pos, error) {
	if n == nil {
		return policy.Pos{}, nil
	}
	return r.pos(n, what)
}

func (r *snapReader) pos(n *jsonpos.Node, what string) (policy.Pos, error) {
	var p policy.Pos
	m, err := r.object(n, what, []string{"file"}, "line", "col")
	if err != nil {
		return p, err
	}
	if p.File, err = r.str(m["file"], what+" file"); err != nil {
		return p, err
	}
	if p.Line, err = r.integer(m["line"], what+" line"); err != nil {
		return p, err
	}
	if p.Col, err = r.integer(m["col"], what+" col"); err != nil {
		return p, err
	}
	if p == (policy.Pos{}) {
		return p, r.errorf(n.Off, "%s: empty position (leave the key out instead)", what)
	}
	return p, nil
}

func (r *snapReader) account(e *Estate, n *jsonpos.Node) error {
	keys := []string{"id", "regions", "public_repositories", "iam", "scps", "detached_policies"}
	if r.version >= snapRCPsFormat {
		keys = append(keys, "rcps", "management")
	}
	m, err := r.object(n, "account", keys)
	if err != nil {
		return err
	}
	id, err := r.str(m["id"], "account id")
	if err != nil {
		return err
	}
	// Every ARN of the account is built from its id: with another one the
	// account's own policies would not match its resources.
	if !policy.IsAccountID(id) {
		return r.errorf(m["id"].Off, "account id: expected 12 digits such as 111122223333, got %q", id)
	}
	if e.Lookup(id) != nil {
		return r.errorf(m["id"].Off, "account %q listed twice", id)
	}
	a := e.Account(id)
	err = r.each(m["regions"], "regions", func(rn *jsonpos.Node) error { return r.region(a, rn) })
	if err != nil {
		return err
	}
	public, err := r.array(m["public_repositories"], "public_repositories")
	if err != nil {
		return err
	}
	seen := map[string]bool{}
	for _, pn := range public {
		pm, err := r.object(pn, "public repository", []string{"name", "arn", "policy"}, r.since(snapRCPsFormat, "source")...)
		if err != nil {
			return err
		}
		p := &PublicRepository{Account: id}
		if p.Name, err = r.nonEmpty(pm["name"], "public repository name", "a repository name such as base"); err != nil {
			return err
		}
		if seen[p.Name] {
			return r.errorf(pm["name"].Off, "public repository %q listed twice", p.Name)
		}
		seen[p.Name] = true
		if p.ARN, err = r.arn(pm["arn"], "public repository arn", PublicRepositoryARN(id, p.Name)); err != nil {
			return err
		}
		if p.PolicyState, p.Policy, err = r.policyRef(pm["policy"], "policy of public repository "+p.Name); err != nil {
			return err
		}
		if p.Source, err = r.optPos(pm["source"], "public repository source"); err != nil {
			return err
		}
		a.Public = append(a.Public, p)
	}
	if in := m["iam"]; in.Kind != jsonpos.Null {
		if a.IAM, err = r.iam(in); err != nil {
			return err
		}
	}
	if a.SCPsKnown, a.SCPs, err = r.levels(m["scps"], "scps"); err != nil {
		return err
	}
	if r.version >= snapRCPsFormat {
		if a.RCPsKnown, a.RCPs, err = r.levels(m["rcps"], "rcps"); err != nil {
			return err
		}
		if a.Management, err = r.boolean(m["management"], "management"); err != nil {
			return err
		}
	}
	if a.Detached, err = r.policies(m["detached_policies"], "detached_policies"); err != nil {
		return err
	}
	return nil
}

// since returns keys when the snapshot is of format version or later.
func (r *snapReader) since(version int, keys ...string) []string {
	if r.version >= version {
		return keys
	}
	return nil
}

// levels reads the SCPs or RCPs over an account (what names them).
func (r *snapReader) levels(n *jsonpos.Node, what string) (bool, []*Policy, error) {
	m, err := r.object(n, what, []string{"known", "levels"})
	if err != nil {
		return false, nil, err
	}
	known, err := r.boolean(m["known"], what+" known")
	if err != nil {
		return false, nil, err
	}
	levels, err := r.policies(m["levels"], what+" levels")
	if err != nil {
		return false, nil, err
	}
	if !known && len(levels) > 0 {
		return false, nil, r.errorf(m["levels"].Off, "%s levels: expected none when known is false, got %d", what, len(levels))
	}
	return known, levels, nil
}

func (r *snapReader) region(a *Account, n *jsonpos.Node) error {
	m, err := r.object(n, "region", append([]string{"name", "registry", "repositories"}, r.since(snapRCPsFormat, "templates")...))
	if err != nil {
		return err
	}
	name, err := r.nonEmpty(m["name"], "region name", "a region such as us-east-1")
	if err != nil {
		return err
	}
	if _, dup := a.regions[name]; dup {
		return r.errorf(m["name"].Off, "region %q of account %s listed twice", name, a.ID)
	}
	reg := a.Region(name)
	rm, err := r.object(m["registry"], "registry", []string{"policy", "scope", "replication"})
	if err != nil {
		return err
	}
	if reg.Registry.PolicyState, reg.Registry.Policy, err = r.policyRef(rm["policy"], "registry policy"); err != nil {
		return err
	}
	if sn := rm["scope"]; sn.Kind != jsonpos.Null {
		if reg.Registry.Scope, err = r.str(sn, "registry scope"); err != nil {
			return err
		}
		// Any other value would be judged under neither scope: V2's
		// allows with V1's denies (Registry.EffectiveScope, DenyScope).
		if reg.Registry.Scope != ScopeV1 && reg.Registry.Scope != ScopeV2 {
			return r.errorf(sn.Off, "registry scope: expected %q, %q or null (unknown), got %q", ScopeV1, ScopeV2, reg.Registry.Scope)
		}
	}
	err = r.objects(rm["replication"], "replication", "replication destination", []string{"account", "region"}, func(dm map[string]*jsonpos.Node) error {
		var d ReplicationDestination
		if err := r.strFields(dm, "replication", map[string]*string{"account": &d.Account, "region": &d.Region}); err != nil {
			return err
		}
		reg.Registry.Replication = append(reg.Registry.Replication, d)
		return nil
	})
	if err != nil {
		return err
	}
	err = r.each(m["repositories"], "repositories", func(pn *jsonpos.Node) error { return r.repository(reg, pn) })
	if err != nil {
		return err
	}
	if tn := m["templates"]; tn != nil {
		return r.objects(tn, "templates", "creation template", []string{"prefix", "arn", "applied_for", "policy"}, func(tm map[string]*jsonpos.Node) error {
			return r.template(reg, tm)
		}, "source")
	}
	return nil
}

// template reads one repository creation template of reg.
func (r *snapReader) template(reg *Region, m map[string]*jsonpos.Node) error {
	prefix, err := r.nonEmpty(m["prefix"], "creation template prefix", "a prefix such as team-a or ROOT")
	if err != nil {
		return err
	}
	if _, dup := reg.templates[prefix]; dup {
		return r.errorf(m["prefix"].Off, "creation template %q of %s listed twice", prefix, reg.Name)
	}
	t := reg.Template(prefix)
	if t.ARN, err = r.arn(m["arn"], "creation template arn", t.ARN); err != nil {
		return err
	}
	if t.AppliedFor, err = r.strings(m["applied_for"], "applied_for of creation template "+prefix); err != nil {
		return err
	}
	if t.PolicyState, t.Policy, err = r.policyRef(m["policy"], "policy of creation template "+prefix); err != nil {
		return err
	}
	if t.Source, err = r.optPos(m["source"], "creation template source"); err != nil {
		return err
	}
	return nil
}

func (r *snapReader) repository(reg *Region, n *jsonpos.Node) error {
	m, err := r.object(n, "repository", []string{"name", "arn", "policy"}, "tags", "inventory", "source")
	if err != nil {
		return err
	}
	name, err := r.nonEmpty(m["name"], "repository name", "a repository name such as team/app")
	if err != nil {
		return err
	}
	if _, dup := reg.repos[name]; dup {
		return r.errorf(m["name"].Off, "repository %q of %s listed twice", name, reg.Name)
	}
	repo := reg.Repository(name)
	if repo.ARN, err = r.arn(m["arn"], "repository arn", repo.ARN); err != nil {
		return err
	}
	if repo.PolicyState, repo.Policy, err = r.policyRef(m["policy"], "policy of repository "+name); err != nil {
		return err
	}
	if tn := m["tags"]; tn != nil {
		if repo.Tags, err = r.strMap(tn, "repository tags"); err != nil {
			return err
		}
		repo.TagsKnown = true
	}
	if in := m["inventory"]; in != nil {
		im, err := r.object(in, "inventory", []string{"image_tag_mutability", "scan_on_push", "encryption_type", "created_at"})
		if err != nil {
			return err
		}
		repo.InInventory = true
		if repo.ImageTagMutability, err = r.str(im["image_tag_mutability"], "image_tag_mutability"); err != nil {
			return err
		}
		if sn := im["scan_on_push"]; sn.Kind != jsonpos.Null {
			b, err := r.boolean(sn, "scan_on_push")
			if err != nil {
				return err
			}
			repo.ScanOnPush = &b
		}
		if repo.EncryptionType, err = r.str(im["encryption_type"], "encryption_type"); err != nil {
			return err
		}
		if repo.CreatedAt, err = r.str(im["created_at"], "created_at"); err != nil {
			return err
		}
	}
	if repo.Source, err = r.optPos(m["source"], "repository source"); err != nil {
		return err
	}
	return nil
}

func (r *snapReader) policyRef(n *jsonpos.Node, what string) (PolicyState, *Policy, error) {
	if n.Kind != jsonpos.Object {
		return Unread, nil, r.errorf(n.Off, "%s: expected an object, got %s", what, n.Kind)
	}
	sn := n.Get("state")
	if sn == nil {
		return Unread, nil, r.errorf(n.Off, "%s: missing key \"state\"", what)
	}
	state, err := r.str(sn, what+" state")
	if err != nil {
		return Unread, nil, err
	}
	switch state {
	case snapUnread, snapNone:
		if _, err := r.object(n, what, []string{"state"}); err != nil {
			return Unread, nil, err
		}
		if state == snapNone {
			return NoPolicy, nil, nil
		}
		return Unread, nil, nil
	case snapPresent:
		p, err := r.policyWith(n, what, "state")
		if err != nil {
			return Unread, nil, err
		}
		return HasPolicy, p, nil
	}
	return Unread, nil, r.errorf(sn.Off, "%s state: expected %q, %q or %q, got %q", what, snapUnread, snapNone, snapPresent, state)
}

func (r *snapReader) policies(n *jsonpos.Node, what string) ([]*Policy, error) {
	return listOf[*Policy](r, n, what, nil, r.policy)
}

func (r *snapReader) policy(n *jsonpos.Node, what string) (*Policy, error) {
	return r.policyWith(n, what)
}

func (r *snapReader) policyWith(n *jsonpos.Node, what string, extra ...string) (*Policy, error) {
	m, err := r.object(n, what, []string{"name", "text"}, append([]string{"source"}, extra...)...)
	if err != nil {
		return nil, err
	}
	p := &Policy{}
	if p.Name, err = r.str(m["name"], what+" name"); err != nil {
		return nil, err
	}
	if p.Text, err = r.str(m["text"], what+" text"); err != nil {
		return nil, err
	}
	if p.Source, err = r.optPos(m["source"], what+" source"); err != nil {
		return nil, err
	}
	doc, err := policy.ParseWith([]byte(p.Text), TextLocator([]byte(p.Text), p.Source))
	if err != nil {
		return nil, r.errorf(m["text"].Off, "%s %q: the policy text does not parse: %v", what, p.Name, err)
	}
	p.Doc = doc
	return p, nil
}

// TextLocator locates offsets of a policy's text for a text that starts at
// at: the first line is shifted by at's column, every line by at's line, and
// positions name at.File. A zero at places the text at 1:1 of no file.
// Sources that keep Policy.Text parse it with TextLocator(text, Source) so
// that the document read back from a snapshot is the same.
func TextLocator(text []byte, at policy.Pos) policy.Locator {
	lines := jsonpos.NewLines(text)
	return func(off int) policy.Pos {
		l, c := lines.Position(off)
		if at.Line > 0 {
			if l == 1 && at.Col > 1 {
				c += at.Col - 1
			}
			l += at.Line - 1
		}
		return policy.Pos{File: at.File, Line: l, Col: c}
	}
}

func (r *snapReader) iam(n *jsonpos.Node) (*IAM, error) {
	m, err := r.object(n, "iam", []string{"source", "users", "groups", "roles", "policies"})
	if err != nil {
		return nil, err
	}
	out := &IAM{}
	if out.Source, err = r.str(m["source"], "iam source"); err != nil {
		return nil, err
	}
	// An entity listed twice would be judged twice, its findings reported
	// twice.
	seen := map[string]bool{}
	if out.Users, err = objectList(r, m["users"], "users", "user", []string{"name", "arn", "id", "path", "inline", "attached", "groups", "boundary", "tags"},
		once(r, seen, "user", func(u *User) string { return u.ARN }, r.user)); err != nil {
		return nil, err
	}
	if out.Groups, err = objectList(r, m["groups"], "groups", "group", []string{"name", "arn", "id", "path", "inline", "attached"},
		once(r, seen, "group", func(g *Group) string { return g.ARN }, r.group)); err != nil {
		return nil, err
	}
	if out.Roles, err = objectList(r, m["roles"], "roles", "role", []string{"name", "arn", "id", "path", "inline", "attached", "boundary", "tags", "trust", "service_linked"},
		once(r, seen, "role", func(ro *Role) string { return ro.ARN }, r.role)); err != nil {
		return nil, err
	}
	if out.Policies, err = objectList(r, m["policies"], "policies", "managed policy", []string{"name", "arn", "id", "version_id", "default"},
		once(r, seen, "managed policy", func(p *ManagedPolicy) string { return p.ARN }, r.managedPolicy)); err != nil {
		return nil, err
	}
	return out, nil
}

// once is read, and an error at its "arn" when an entity of that ARN (in
// seen) was read before.
func once[T any](r *snapReader, seen map[string]bool, kind string, arn func(T) string, read func(map[string]*jsonpos.Node) (T, error)) func(map[string]*jsonpos.Node) (T, error) {
	return func(m map[string]*jsonpos.Node) (T, error) {
		v, err := read(m)
		if err == nil {
			if a := arn(v); seen[a] {
				err = r.errorf(m["arn"].Off, "%s %q listed twice", kind, a)
			} else {
				seen[a] = true
			}
		}
		return v, err
	}
}

// objectList reads the array n (named list) of objects what with the
// fields required (and those optional), each with read; an empty array is
// nil.
func objectList[T any](r *snapReader, n *jsonpos.Node, list, what string, required []string, read func(map[string]*jsonpos.Node) (T, error), optional ...string) ([]T, error) {
	var out []T
	err := r.objects(n, list, what, required, func(m map[string]*jsonpos.Node) error {
		v, err := read(m)
		if err != nil {
			return err
		}
		out = append(out, v)
		return nil
	}, optional...)
	if err != nil {
		return nil, err
	}
	return out, nil
}

func (r *snapReader) user(m map[string]*jsonpos.Node) (*User, error) {
	u := &User{}
	if err := r.identity(m, "user", &u.Identity, map[string]*string{"boundary": &u.Boundary}); err != nil {
		return nil, err
	}
	var err error
	if u.Groups, err = r.strings(m["groups"], "groups of "+u.ARN); err != nil {
		return nil, err
	}
	if u.Tags, err = r.strMap(m["tags"], "tags of "+u.ARN); err != nil {
		return nil, err
	}
	return u, nil
}

func (r *snapReader) group(m map[string]*jsonpos.Node) (*Group, error) {
	g := &Group{}
	if err := r.identity(m, "group", &g.Identity, nil); err != nil {
		return nil, err
	}
	return g, nil
}

func (r *snapReader) role(m map[string]*jsonpos.Node) (*Role, error) {
	ro := &Role{}
	if err := r.identity(m, "role", &ro.Identity, map[string]*string{"boundary": &ro.Boundary}); err != nil {
		return nil, err
	}
	var err error
	if ro.Tags, err = r.strMap(m["tags"], "tags of "+ro.ARN); err != nil {
		return nil, err
	}
	if tn := m["trust"]; tn.Kind != jsonpos.Null {
		if ro.Trust, err = r.policy(tn, "trust policy of "+ro.ARN); err != nil {
			return nil, err
		}
	}
	if ro.ServiceLinked, err = r.boolean(m["service_linked"], "service_linked"); err != nil {
		return nil, err
	}
	return ro, nil
}

func (r *snapReader) managedPolicy(m map[string]*jsonpos.Node) (*ManagedPolicy, error) {
	p := &ManagedPolicy{}
	if err := r.strFields(m, "managed policy", map[string]*string{"name": &p.Name, "arn": &p.ARN, "id": &p.ID, "version_id": &p.VersionID}); err != nil {
		return nil, err
	}
	if dn := m["default"]; dn.Kind != jsonpos.Null {
		var err error
		if p.Default, err = r.policy(dn, "default version of "+p.ARN); err != nil {
			return nil, err
		}
	}
	return p, nil
}

// strFields reads string members into fields, in a fixed order so that the
// first error reported does not depend on map iteration.
func (r *snapReader) strFields(m map[string]*jsonpos.Node, what string, fields map[string]*string) error {
	keys := make([]string, 0, len(fields))
	for k := range fields {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool { return m[keys[i]].Off < m[keys[j]].Off })
	for _, k := range keys {
		s, err := r.str(m[k], what+" "+k)
		if err != nil {
			return err
		}
		*fields[k] = s
	}
	return nil
}
