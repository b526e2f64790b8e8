package diff

import (
	"bytes"
	"fmt"
	"slices"
	"strings"

	"github.com/ecrguard/ecrguard/analysis"
	"github.com/ecrguard/ecrguard/catalog"
	"github.com/ecrguard/ecrguard/estate"
	"github.com/ecrguard/ecrguard/eval"
	"github.com/ecrguard/ecrguard/exposure"
	"github.com/ecrguard/ecrguard/policy"
)

// BeyondBase is the Wider reason (what BASE's grant needed) of a grant
// whose proof is a request no Allow statement of BASE's policy matches.
const BeyondBase = "what one of its Allow statements matches (HEAD's proof is a request none of them matches)"

// DenyLifted is the Wider reason (what BASE's grant needed) of a grant
// whose proof is a request a Deny statement of BASE denied ("%s": the
// statement).
const DenyLifted = "to escape its Deny statement %s (HEAD's proof is a request that statement denied)"

// beyondBase returns outsiders' grants HEAD makes through requests that no
// Allow statement of BASE's policy of the same resource matches, each
// proven by such a request: HEAD's policy with a Deny copy of each of
// BASE's Allow statements, analysed as HEAD's. BASE denies such a request
// (an outsider's needs the resource policy's Allow), so the grant is new
// even where BASE grants the same key to other requests: a second
// statement under another condition, which Widening, comparing one proof
// of each side, cannot see.
//
// The requests BASE denies by a Deny statement (of the resource policy, of
// an RCP over it, or for a repository of its registry's policy) are
// searched too, one statement at a time: for each
// of BASE's Deny statements HEAD does not keep as it is, HEAD's Allow
// statements joined with it (its principals, conditions, actions and
// resources too) find what HEAD allows that the statement denied (Wider:
// DenyLifted). They add what comparing keys cannot see. What
// cannot be joined (a NotPrincipal, a principal not
// known until apply, policy variables under another Version) is a gap of
// HEAD: it is not searched.
//
// Its grants add to those found key by key; they never take one away.
// Settling the key-by-key grants by this search (a grant it does not find
// is not new) was tried and reviewed: the search's documents name more
// than HEAD's (BASE's statements), and what an analysis names decides the
// stand-in outsider, the networks an outsider may use and more, so the
// search missed new access that the key-by-key comparison found. The
// price is an over-report: an account HEAD's policy comes to name, which
// BASE let in as one of an organization's, is new by key.
func beyondBase(base, head *Side) (out []Grant, gaps []estate.Gap) {
	before, after := byARN(base.items), byARN(head.items)
	for _, x := range head.items {
		b := before[x.Target.ARN]
		if b == nil || x.Policy == nil || b.Policy == nil || x.Policy.Doc == nil || b.Policy.Doc == nil {
			continue
		}
		hd, bd := x.Policy.Doc, b.Policy.Doc
		gap := func(msg string) {
			gaps = append(gaps, estate.Gap{Source: x.Policy.Source.File, Pos: x.Policy.Source, Resource: x.Target.ARN, Code: estate.GapUnsupported, Message: msg})
		}
		analyse := func(doc *policy.Document) []Grant {
			t := x.Target
			t.Policy = eval.Compile(x.Target.Policy.Name, doc)
			r := exposure.Analyze(t, x.Zone)
			if r.Truncated {
				// BASE's conditions, joined to HEAD's, combine into more
				// contexts than the search tries: what it did not reach may
				// be new.
				gaps = append(gaps, estate.Gap{Source: x.Policy.Source.File, Pos: x.Policy.Source, Resource: x.Target.ARN, Code: estate.GapTooManyCombinations,
					Message: "BASE's statements joined to HEAD's combine into more request contexts than ecrguard tries: access HEAD gives that BASE did not may be left out of the new access"})
			}
			m := &Access{}
			m.addExposure(r)
			return m.Grants
		}
		if !sameText(hd, bd) {
			if !compatible(hd, bd) {
				gap(fmt.Sprintf("the policy's Version changed (%s in BASE, %s in HEAD) and its statements read policy variables, which the Versions read differently: what HEAD allows that BASE did not under other conditions is not searched", versionOf(bd), versionOf(hd)))
			} else {
				for _, g := range analyse(withDenyCopies(hd, bd)) {
					g.Wider = []string{BeyondBase}
					out = append(out, g)
				}
			}
		}
		kept := map[string]bool{}
		for _, d := range denyStatements(x, registryOf(after, x)) {
			kept[d.key()] = true
		}
		for _, d := range denyStatements(b, registryOf(before, b)) {
			if kept[d.key()] {
				continue
			}
			joined, ok := joinedWith(hd, d.s)
			if !ok || !compatible(hd, d.doc) {
				gap(fmt.Sprintf("BASE's Deny statement %s is changed or gone in HEAD, and diff cannot join it with HEAD's statements (NotPrincipal, a principal not known until apply, or policy variables read under another Version): what HEAD allows that it denied is not searched", d.label))
				continue
			}
			for _, g := range analyse(joined) {
				if d.v1 && !slices.Contains(v1Actions, g.Action) {
					continue // a V1 registry policy governs three actions only
				}
				if deniesAction(d.s, g.Action) && deniesResource(d.s, x.Target) {
					g.Wider = []string{fmt.Sprintf(DenyLifted, d.label)}
					out = append(out, g)
				}
			}
		}
	}
	return out, gaps
}

// denyStatement is a Deny statement over an exposure target: of its
// resource policy, of an RCP or of its registry's policy, with the
// document it is in and its label for messages; v1 marks one of a registry
// policy of scope V1, which governs three actions only.
type denyStatement struct {
	s     *policy.Statement
	doc   *policy.Document
	label string
	kind  string // "registry", "resource" or "rcp"
	v1    bool
}

// key is what HEAD must keep of a Deny statement of BASE for it to deny
// what it did: its text, read under its document's Version, in the same
// kind of policy (an RCP does not govern a service-linked role; a V1
// registry policy governs three actions only).
func (d denyStatement) key() string {
	return fmt.Sprintf("%s\x00%s\x00%s\x00%t", statementText(d.s), versionOf(d.doc), d.kind, d.v1)
}

// byARN indexes exposure items by their target's ARN.
func byARN(items []*analysis.ExposureItem) map[string]*analysis.ExposureItem {
	m := make(map[string]*analysis.ExposureItem, len(items))
	for _, x := range items {
		m[x.Target.ARN] = x
	}
	return m
}

// registryOf returns the exposure of the registry policy over repository
// or creation template x (of its account and region) among items, or nil:
// the exposure of both counts the registry policy's Denies.
func registryOf(items map[string]*analysis.ExposureItem, x *analysis.ExposureItem) *analysis.ExposureItem {
	if x.Target.Kind != exposure.Repository && x.Target.Kind != exposure.Template {
		return nil
	}
	r := items[estate.RegistryARN(x.Target.Region, x.Target.Account)]
	if r == nil || r.Target.Kind != exposure.Registry || r.Policy == nil || r.Policy.Doc == nil {
		return nil
	}
	return r
}

// denyStatements are the Deny statements of x's resource policy and RCPs,
// and of reg's policy, its registry's, when not nil: ECR enforces the
// registry policy in every ECR request (ECR User Guide, "Private registry
// permissions in Amazon ECR"), and the exposure of a repository counts
// its Deny statements (exposure.Target.Registry).
func denyStatements(x, reg *analysis.ExposureItem) []denyStatement {
	var out []denyStatement
	add := func(kind string, doc *policy.Document, label func(*policy.Statement) string) {
		for _, s := range doc.Statements {
			if s.Effect == policy.Deny {
				out = append(out, denyStatement{s: s, doc: doc, label: label(s), kind: kind})
			}
		}
	}
	if reg != nil {
		add("registry", reg.Policy.Doc, func(s *policy.Statement) string {
			return fmt.Sprintf("%s of the registry policy (line %d)", s.Label(), s.Pos.Line)
		})
		for i := range out {
			out[i].v1 = reg.Target.Scope == "V1"
		}
	}
	add("resource", x.Policy.Doc, func(s *policy.Statement) string { return fmt.Sprintf("%s (line %d)", s.Label(), s.Pos.Line) })
	for _, r := range x.Target.RCPs {
		if r != nil && r.Doc != nil {
			add("rcp", r.Doc, func(s *policy.Statement) string { return eval.RCPStatementLabel(r.Name, s) })
		}
	}
	return out
}

// compatible reports whether statements of b read the same in a's
// Version: the Versions are alike, or b reads no policy variable.
func compatible(a, b *policy.Document) bool {
	if versionOf(a) == versionOf(b) {
		return true
	}
	text, err := policy.Marshal(b)
	return err == nil && !bytes.Contains(text, []byte("${"))
}

// versionOf is a document's Version, "" read as AWS reads it.
func versionOf(d *policy.Document) string {
	if d.Version == "" {
		return "2008-10-17"
	}
	return d.Version
}

// statementText is a statement's text, its position aside.
func statementText(s *policy.Statement) string {
	c := *s
	c.Index = 0
	b, err := policy.EncodeStatement(&c, "")
	if err != nil {
		return fmt.Sprintf("%p", s)
	}
	return string(b)
}

// joinedWith returns head with each Allow statement joined with d: the
// requests both match (the principals both name, both conditions); head's
// Deny statements stay. A request it allows is one head allows and d
// matches, as far as principals and conditions go: the caller checks d's
// actions and resources (deniesAction, deniesResource). ok is false when
// the principals cannot be joined.
func joinedWith(head *policy.Document, d *policy.Statement) (*policy.Document, bool) {
	if d.NotPrincipal != nil {
		return nil, false
	}
	doc := *head
	doc.Statements = nil
	for _, s := range head.Statements {
		if s.Effect != policy.Allow {
			doc.Statements = append(doc.Statements, s)
			continue
		}
		j := *s
		switch {
		case d.Principal.IsEveryone():
		case s.Principal.IsEveryone():
			j.Principal = d.Principal
		case s.NotPrincipal != nil:
			return nil, false
		default:
			p, ok := commonPrincipals(s.Principal, d.Principal)
			if !ok {
				return nil, false
			}
			if p == nil {
				continue
			}
			j.Principal = p
		}
		j.Conditions = append(append([]policy.Condition(nil), s.Conditions...), d.Conditions...)
		j.Index = len(doc.Statements)
		doc.Statements = append(doc.Statements, &j)
	}
	return &doc, true
}

// commonPrincipals returns the principals a and b both name (nil when
// none): an entry of each alike, or a principal of an account the other
// names by its root. ok is false for a principal not known until apply. A
// statement without a Principal names nobody (nil).
func commonPrincipals(a, b *policy.Principal) (*policy.Principal, bool) {
	if a == nil || b == nil {
		return nil, true
	}
	var out []policy.PrincipalEntry
	for _, x := range a.Entries {
		for _, y := range b.Entries {
			if x.Value.Unknown || y.Value.Unknown || x.Value.AccountUnknown || y.Value.AccountUnknown {
				return nil, false
			}
			if x.Kind != y.Kind {
				continue
			}
			xt, yt := x.Value.Text, y.Value.Text
			if x.Kind == policy.KindService {
				// IAM reads a service principal in any case.
				xt, yt = strings.ToLower(xt), strings.ToLower(yt)
			}
			switch {
			case within(xt, yt):
				out = append(out, x)
			case within(yt, xt):
				out = append(out, y)
			}
		}
	}
	if len(out) == 0 {
		return nil, true
	}
	return &policy.Principal{Pos: a.Pos, Entries: out}, true
}

// within reports whether the callers principal p names are among those q
// names: p is q; q is the root of p's account, or the account by its id
// alone, which IAM reads in every partition; or p is a session of the role
// q (arn:aws:sts::ACCOUNT:assumed-role/ROLE/SESSION of
// arn:aws:iam::ACCOUNT:role/PATH/ROLE).
func within(p, q string) bool {
	switch {
	case p == q:
		return true
	case policy.IsAccountID(q):
		a, ok := policy.ParseARN(p)
		return ok && (a.Service == "iam" || a.Service == "sts") && a.Account == q
	case policy.IsAccountID(p):
		return false
	case accountRoot(p) == q:
		return true
	}
	sa, ok1 := policy.ParseARN(p)
	ra, ok2 := policy.ParseARN(q)
	if !ok1 || !ok2 || sa.Service != "sts" || ra.Service != "iam" || sa.Partition != ra.Partition || sa.Account != ra.Account {
		return false
	}
	role, isSession := strings.CutPrefix(sa.Resource, "assumed-role/")
	role, _, _ = strings.Cut(role, "/")
	path, isRole := strings.CutPrefix(ra.Resource, "role/")
	return isSession && isRole && path[strings.LastIndexByte(path, '/')+1:] == role
}

// deniesAction reports whether d's Action (or NotAction) covers action,
// matched as IAM matches action patterns (catalog.MatchSet); an action
// pattern not known until apply is taken to cover it.
func deniesAction(d *policy.Statement, action string) bool {
	cat := catalog.Default()
	a := cat.Lookup(action)
	in := func(vs []policy.Value) bool {
		return slices.ContainsFunc(vs, func(v policy.Value) bool {
			return v.Unknown || a != nil && cat.MatchSet(v.Text).Has(a.Index)
		})
	}
	if d.NotAction != nil {
		return !in(d.NotAction)
	}
	return in(d.Action)
}

// deniesResource reports whether d's Resource (or NotResource) covers the
// target's requests. Where that is not certain it is taken to (the grant
// is then reported, never hidden): a pattern not known until apply or
// reading a policy variable, and the requests of a registry's or creation
// template's policy, whose resources are repositories other than the
// subject.
func deniesResource(d *policy.Statement, t exposure.Target) bool {
	if t.Kind == exposure.Registry || t.Kind == exposure.Template {
		return true
	}
	matches := func(vs []policy.Value) (match, unsure bool) {
		for _, v := range vs {
			if v.Unknown || strings.Contains(v.Text, "${") {
				unsure = true
			} else if policy.MatchARN(v.Text, t.ARN) {
				match = true
			}
		}
		return match, unsure
	}
	switch {
	case d.NotResource != nil:
		match, unsure := matches(d.NotResource)
		return !match || unsure
	case d.Resource != nil:
		match, unsure := matches(d.Resource)
		return match || unsure
	}
	return true
}

// withDenyCopies returns head's statements followed by a Deny copy of each
// Allow statement of base: a Deny matches exactly the requests its Allow
// would (principal, action, resource and conditions alike), so the result
// allows what head allows to requests no Allow of base matches.
func withDenyCopies(head, base *policy.Document) *policy.Document {
	doc := *head
	doc.Statements = append([]*policy.Statement(nil), head.Statements...)
	for _, s := range base.Statements {
		if s.Effect != policy.Allow {
			continue
		}
		deny := *s
		deny.Effect = policy.Deny
		deny.Index = len(doc.Statements)
		doc.Statements = append(doc.Statements, &deny)
	}
	return &doc
}

// sameText reports whether two documents encode alike (positions and
// formatting aside).
func sameText(a, b *policy.Document) bool {
	ea, errA := policy.Marshal(a)
	eb, errB := policy.Marshal(b)
	return errA == nil && errB == nil && bytes.Equal(ea, eb)
}
