package file

import (
	"fmt"
	"path"
	"sort"
	"strconv"
	"strings"

	"github.com/ecrguard/ecrguard/estate"
	"github.com/ecrguard/ecrguard/internal/jsonpos"
	"github.com/ecrguard/ecrguard/policy"
)

// orgKind is a kind of organization policy the file reader reads: service
// control policies (SCPs) and resource control policies (RCPs).
type orgKind struct {
	// label names one policy of the kind in messages ("SCP").
	label string
	// typ is the policy type of aws organizations describe-policy.
	typ string
	// folder is the name of the folder of raw policies of the kind.
	folder string
}

var (
	scpKind = &orgKind{label: "SCP", typ: "SERVICE_CONTROL_POLICY", folder: "scps"}
	rcpKind = &orgKind{label: "RCP", typ: "RESOURCE_CONTROL_POLICY", folder: "rcps"}
)

// orgLevel says where in the organization hierarchy a document is
// attached, by its place in the files: a folder scps/ (or rcps/) is one
// level, and numbered folders in it (scps/1-root/, scps/2-ou-prod/) are
// levels from the root down (README, "Scan your files"). A document outside such a folder
// (an aws organizations describe-policy output anywhere else) is a level
// of its own, as `simulate --scp` takes one level per file.
type orgLevel struct {
	// folder is the path of the scps/ or rcps/ folder, "" for a document
	// outside one.
	folder string
	// sub is the numbered folder in it, "" for the folder itself; num is
	// its number.
	sub string
	num int
}

// name names the level in messages ("level scps/2-ou-prod/"), by the
// file of a document outside a folder.
func (lv orgLevel) name(file string) string {
	switch {
	case lv.folder == "":
		return "the level of " + file
	case lv.sub == "":
		return "level " + lv.folder + "/"
	}
	return "level " + lv.folder + "/" + lv.sub + "/"
}

// orgDoc is one organization policy document read, kept until every file
// is read: which level it belongs to depends on the other files.
type orgDoc struct {
	kind  *orgKind
	file  string
	name  string
	doc   *policy.Document
	level orgLevel
}

// orgFolderOf returns the kind whose folder is the nearest folder named
// scps or rcps, in any case (SCPs/), on the way to the file, or nil.
func orgFolderOf(name string) *orgKind {
	dirs := strings.Split(path.Dir(name), "/")
	for i := len(dirs) - 1; i >= 0; i-- {
		switch {
		case scpKind.isFolder(dirs[i]):
			return scpKind
		case rcpKind.isFolder(dirs[i]):
			return rcpKind
		}
	}
	return nil
}

// isFolder reports whether a folder named dir holds policies of kind k. The
// case of its name does not matter: SCPs/ is a folder of SCPs, and read
// otherwise they would be taken for identity or repository policies.
func (k *orgKind) isFolder(dir string) bool { return strings.EqualFold(dir, k.folder) }

// levelOf finds the level of a document of kind k in the file name. A file
// below a numbered folder's own folders, or in a folder that is not
// numbered, has no level: problem says why.
func levelOf(name string, k *orgKind) (lv orgLevel, problem string) {
	dirs := strings.Split(path.Dir(name), "/")
	i := len(dirs) - 1
	for i >= 0 && !k.isFolder(dirs[i]) {
		i--
	}
	if i < 0 {
		return orgLevel{}, ""
	}
	lv.folder = strings.Join(dirs[:i+1], "/")
	rest := dirs[i+1:]
	if len(rest) == 0 {
		return lv, ""
	}
	if n, ok := levelNumber(rest[0]); ok && len(rest) == 1 {
		lv.sub, lv.num = rest[0], n
		return lv, ""
	}
	return orgLevel{}, fmt.Sprintf("%s is in %s below %s/, which is not a level: the %ss of one level are the files of %s/ itself, or of one numbered folder in it for each level from the root down (%s/1-root/, %s/2-ou-prod/, …)",
		name, strings.Join(rest, "/"), lv.folder, k.label, lv.folder, lv.folder, lv.folder)
}

// levelNumber reads the number a level folder starts with ("2-ou-prod",
// "02_prod", "3").
func levelNumber(dir string) (int, bool) {
	end := 0
	for end < len(dir) && dir[end] >= '0' && dir[end] <= '9' {
		end++
	}
	if end == 0 || end > 6 || end < len(dir) && !strings.ContainsRune("-_. ", rune(dir[end])) {
		return 0, false
	}
	n, err := strconv.Atoi(dir[:end])
	return n, err == nil
}

// addOrgPolicy keeps doc, an organization policy of kind k read from in
// and named name, for finishOrgs. An SCP with Principal or NotPrincipal,
// which AWS Organizations rejects, is a gap, and so is a document with no
// account to apply to.
func (l *Reader) addOrgPolicy(in *input, k *orgKind, doc *policy.Document, name string) {
	if k == scpKind && !l.scpPrincipalsOK(in, doc, name) {
		return
	}
	if l.opts.Account == "" {
		l.gap(estate.Gap{Source: in.name, Pos: doc.Pos, Code: estate.GapNoAccount,
			Message: name + " applies to no known account: " + needAccount})
		return
	}
	lv, problem := levelOf(in.name, k)
	if problem != "" {
		l.gap(estate.Gap{Source: in.name, Pos: doc.Pos, Code: estate.GapInvalidInput, Account: l.opts.Account,
			Message: problem + "; " + name + " is not applied"})
		return
	}
	l.orgs = append(l.orgs, orgDoc{kind: k, file: in.name, name: name, doc: doc, level: lv})
}

// scpPrincipalsOK reports whether an SCP has no Principal or NotPrincipal;
// when it has, it is one gap, and ECR011 names each statement.
func (l *Reader) scpPrincipalsOK(in *input, doc *policy.Document, name string) bool {
	var problems []policy.Problem
	for _, s := range doc.Statements {
		p := s.Principal
		if p == nil {
			p = s.NotPrincipal
		}
		if p != nil {
			problems = append(problems, policy.Problem{Pos: p.Pos, Code: "principal-in-scp",
				Message: fmt.Sprintf("%s: Statement[%d]: an SCP cannot have Principal or NotPrincipal (AWS Organizations rejects it)", name, s.Index)})
		}
	}
	if len(problems) == 0 {
		return true
	}
	l.gap(estate.Gap{Source: in.name, Pos: problems[0].Pos, Code: estate.GapParseError, Account: l.opts.Account,
		Message: problems[0].Message, Problems: problems})
	return false
}

// finishOrgs files the organization policies read, one estate.Policy per
// level, in the order of the hierarchy: the levels of each folder by their
// number (root first), then the documents outside a folder in the order
// read. The documents of one level are one policy: a request passes a
// level when one of them allows it and none denies it, which is what one
// document holding all their statements says. An SCP level with no Allow
// statement gets AWS's FullAWSAccess, which AWS attaches by default,
// with a note (README, "Scan your files"); RCPFullAWSAccess sits at every level and cannot
// be detached, so RCP levels are kept as written (only their Deny
// statements change an answer).
func (l *Reader) finishOrgs() {
	levels := l.orgLevels()
	for _, docs := range levels {
		k, lv := docs[0].kind, docs[0].level
		where := lv.name(docs[0].file)
		p, gap := levelPolicy(docs, where)
		if gap != nil {
			gap.Account = l.opts.Account
			l.gap(*gap)
			continue
		}
		acct := l.est.Account(l.opts.Account)
		if k == rcpKind {
			acct.AddRCPLevel(p)
			continue
		}
		if !hasAllow(p.Doc) {
			p = estate.WithFullAWSAccess(p, p.Source)
			l.note(docs[0].file, fmt.Sprintf("no SCP at %s allows anything: ecrguard assumes AWS's FullAWSAccess is attached there, as AWS attaches it by default (without an Allow at a level every request is denied); give the level's Allow SCPs to judge it as it is", where))
		}
		acct.AddSCPLevel(p)
	}
	l.orgs = nil
}

// orgLevels groups the documents read by kind and level, in hierarchy
// order, after setting aside (as gaps) the documents whose folder is laid
// out two ways: files directly in scps/ beside numbered level folders, or
// two level folders of one number.
func (l *Reader) orgLevels() [][]orgDoc {
	type key struct {
		kind   *orgKind
		folder string
		sub    string
		file   string
	}
	numbered := map[key]string{} // (kind, folder, number) → the first sub with it
	hasSub := map[key]bool{}     // (kind, folder) → it has numbered folders
	for _, d := range l.orgs {
		if d.level.sub != "" {
			hasSub[key{kind: d.kind, folder: d.level.folder}] = true
		}
	}
	groups := map[key][]orgDoc{}
	var order []key
	for _, d := range l.orgs {
		lv := d.level
		k := key{kind: d.kind, folder: lv.folder, sub: lv.sub}
		switch {
		case lv.folder == "":
			k.file = d.file
		case lv.sub == "":
			if hasSub[key{kind: d.kind, folder: lv.folder}] {
				l.gap(estate.Gap{Source: d.file, Pos: d.doc.Pos, Code: estate.GapInvalidInput, Account: l.opts.Account,
					Message: fmt.Sprintf("%s is directly in %s/, beside numbered level folders: put it in the folder of the level it is attached at; %s is not applied", d.file, lv.folder, d.name)})
				continue
			}
		default:
			nk := key{kind: d.kind, folder: lv.folder, sub: strconv.Itoa(lv.num)}
			if first, ok := numbered[nk]; ok && first != lv.sub {
				l.gap(estate.Gap{Source: d.file, Pos: d.doc.Pos, Code: estate.GapInvalidInput, Account: l.opts.Account,
					Message: fmt.Sprintf("level folders %s/%s and %s/%s have the same number %d: number each level once, from the root down; %s is not applied", lv.folder, first, lv.folder, lv.sub, lv.num, d.name)})
				continue
			}
			numbered[nk] = lv.sub
		}
		if _, ok := groups[k]; !ok {
			order = append(order, k)
		}
		groups[k] = append(groups[k], d)
	}
	sort.SliceStable(order, func(i, j int) bool {
		a, b := order[i], order[j]
		if (a.folder == "") != (b.folder == "") {
			return a.folder != ""
		}
		if a.folder != b.folder {
			return a.folder < b.folder
		}
		return groups[a][0].level.num < groups[b][0].level.num
	})
	out := make([][]orgDoc, len(order))
	for i, k := range order {
		out[i] = groups[k]
	}
	return out
}

// levelPolicy makes the one policy of a level from its documents, where
// names the level. Policy variables are read by each document's Version,
// so documents that read them differently cannot be one document: that is
// a gap, and the level is not applied.
func levelPolicy(docs []orgDoc, where string) (*estate.Policy, *estate.Gap) {
	first := docs[0]
	if len(docs) == 1 {
		return &estate.Policy{Name: first.name, Doc: first.doc, Source: first.doc.Pos}, nil
	}
	doc := &policy.Document{Version: first.doc.Version, Pos: first.doc.Pos}
	names := make([]string, len(docs))
	for i, d := range docs {
		if d.doc.VariablesEnabled() != first.doc.VariablesEnabled() {
			return nil, &estate.Gap{Source: d.file, Pos: d.doc.Pos, Code: estate.GapUnsupported, Message: fmt.Sprintf("the %ss of %s have different Versions (%s in %s, %s in %s), which read policy variables differently: give them one Version (2012-10-17); the level is not applied",
				first.kind.label, where, versionText(first.doc), first.file, versionText(d.doc), d.file)}
		}
		doc.Statements = append(doc.Statements, d.doc.Statements...)
		doc.Problems = append(doc.Problems, d.doc.Problems...)
		names[i] = path.Base(d.file)
	}
	return &estate.Policy{Name: fmt.Sprintf("%ss at %s (%s)", first.kind.label, where, strings.Join(names, ", ")), Doc: doc, Source: doc.Pos}, nil
}

func versionText(d *policy.Document) string {
	if d.Version == "" {
		return "no Version"
	}
	return "Version " + d.Version
}

func hasAllow(doc *policy.Document) bool {
	for _, s := range doc.Statements {
		if s.Effect == policy.Allow {
			return true
		}
	}
	return false
}

// describePolicy reads the output of aws organizations describe-policy:
// an SCP or an RCP (its level by its folder, levelOf); another type of
// organization policy is noted.
func (l *Reader) describePolicy(in *input) {
	top := in.objectAt(in.root, "")
	p := top.sub("Policy", true)
	var sum *object
	typ, id, pname := "", "", ""
	var content *jsonpos.Node
	if p != nil {
		sum = p.sub("PolicySummary", true)
		if sum != nil {
			typ = sum.str("Type", true)
			id = sum.str("Id", false)
			pname = sum.str("Name", false)
			p.take(sum)
		}
		content = p.get("Content", true)
		if content != nil && content.Kind != jsonpos.String {
			p.fail(content.Off, "Policy.Content: expected the policy document as a JSON string, got %s", content.Kind)
		}
		top.take(p)
	}
	if top.err != nil {
		l.gapFor(in, estate.GapInvalidInput, top.err, l.opts.Account, "", "")
		return
	}
	var k *orgKind
	switch typ {
	case scpKind.typ:
		k = scpKind
	case rcpKind.typ:
		k = rcpKind
	default:
		l.note(in.name, fmt.Sprintf("organizations policy of type %s skipped: only %s and %s limit ECR access", typ, scpKind.typ, rcpKind.typ))
		return
	}
	doc, err := policy.ParseEmbedded(in.data, content.Off, in.loc, false)
	if err != nil {
		l.gapFor(in, estate.GapParseError, err, l.opts.Account, "", "")
		return
	}
	name := k.label
	if id != "" {
		name += " " + id
	}
	if pname != "" {
		name += " (" + pname + ")"
	}
	if name == k.label {
		name += " " + in.name
	}
	l.addOrgPolicy(in, k, doc, name)
}
