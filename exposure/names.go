package exposure

import (
	"maps"
	"slices"
	"strings"

	"github.com/ecrguard/ecrguard/eval"
	"github.com/ecrguard/ecrguard/policy"
)

// names is everything a policy names: accounts, principal ARNs,
// organizations and OU paths, and services. Named outsiders are ECR003's
// business; an outsider the policy does not name is the public.
type names struct {
	accounts map[string]bool
	arns     map[string]bool
	orgs     map[string]bool
	paths    map[string]bool
	services map[string]bool
	// patternOf maps an account id that stands for an account pattern
	// (9999888877?7) to the pattern, which reports name instead.
	patternOf map[string]string
	// accountPatterns are the account patterns the statements name;
	// accountsComplete is false when splitAccountPatterns could not give
	// an account to each region they split the accounts into.
	accountPatterns  []string
	accountsComplete bool
	// orgPatterns are the organization id patterns (o-abc*) the
	// conditions name; orgPatternOf maps an organization id that stands
	// for what one matches to the pattern, which reports name instead.
	orgPatterns  []string
	orgPatternOf map[string]string
	// anyService: the statements let in AWS services they do not name
	// (Principal "*", NotPrincipal, a condition on any service's keys).
	anyService bool
	// servicePatterns are the patterns of service names the conditions
	// test (StringLike aws:PrincipalServiceName *-build*).
	servicePatterns map[string]bool
	// serviceCases are the services to ask about (chooseServices);
	// servicesComplete is false when the patterns split the services into
	// more cases than a search walks.
	serviceCases     []serviceCase
	servicesComplete bool
	// serviceVariable is a value of the service-name keys that reads a
	// policy variable, "" when none does.
	serviceVariable string
	// sessions are the role sessions (arn:aws:sts::A:assumed-role/R/S) a
	// Principal or NotPrincipal names whose role's path a statement tells
	// apart: a condition that reads aws:PrincipalArn, which holds the
	// role's ARN, path and all, or a role of the name the Principal names
	// by its ARN. The session's ARN does not give the path.
	sessions []string
	// orderedAccount is a condition that compares an account id as a
	// number or a date (NumericLessThan aws:PrincipalAccount), "" when none
	// does: the accounts it lets in are not split by it.
	orderedAccount string
	// freshOrg is the organization that stands for an outsider's
	// organization the policy does not name: the first of freshOrgs the
	// policy names neither by id nor by a pattern (the first when it names
	// them all, which the analysis reports as not judged).
	freshOrg string
	// sorted holds the keys of accounts, arns, orgs and paths, sorted
	// (sortedKeys).
	sorted [4][]string
}

// freshOrgs are the organizations an outsider's organization the policy
// does not name may be, tried in order (names.freshOrg).
var freshOrgs = []string{"o-ecrguard0000", "o-zq7x5w2v9k", "o-5k9d2m8p1x", "o-y3b8n6c4h0", "o-0a9b8c7d6e"}

// splitOrgPatterns adds, for each organization id pattern the conditions
// name, an organization in each region into which the organizations the
// policy or the zone name exactly (trusted) split it: o-abc123defg* names
// the trusted o-abc123defg and every longer id after it (ids have 10 to
// 32 characters after "o-"), which its one shortest instance hid. Only
// ids that can exist are kept.
func (n *names) splitOrgPatterns(trusted []string) {
	exact := []string{"o-??????????*"}
	for o := range n.orgs {
		exact = append(exact, o)
	}
	exact = append(exact, trusted...)
	slices.Sort(exact[1:])
	for _, p := range n.orgPatterns {
		insts, _ := eval.Instances(p, nil, exact)
		for _, o := range insts {
			if policy.IsOrgID(o) && !slices.Contains(exact, o) {
				n.orgs[o] = true
				if _, ok := n.orgPatternOf[o]; !ok {
					n.orgPatternOf[o] = p
				}
			}
		}
	}
}

// chooseFreshOrg sets freshOrg, once the names are collected.
func (n *names) chooseFreshOrg() {
	n.freshOrg = freshOrgs[0]
	for _, o := range freshOrgs {
		if !n.orgs[o] && !n.namesOrg(o) {
			n.freshOrg = o
			return
		}
	}
}

// namesOrg reports whether org is one an organization pattern the
// conditions name matches.
func (n *names) namesOrg(org string) bool {
	return slices.ContainsFunc(n.orgPatterns, func(p string) bool { return policy.Match(p, org) })
}

// holds reports whether label, an account or organization as results
// name it (an id, an account pattern, an org id or OU path), is one the
// names hold.
func (n *names) holds(label string) bool {
	return n.accounts[label] || n.orgs[label] || n.paths[label] || slices.Contains(n.accountPatterns, label)
}

// splitAccountPatterns adds, for each account pattern the statements
// name, an account in each region into which the patterns and the accounts
// the policy or the zone name exactly split it: 4444* beside a Deny of
// 444400000000 and 444477777777 once had only those two for instances, both
// denied, and every other account it lets in went unreported.
func (n *names) splitAccountPatterns(trusted []string) {
	n.accountsComplete = true
	if len(n.accountPatterns) == 0 {
		return
	}
	// Ids have twelve digits: the lengths split too.
	split := []string{strings.Repeat("?", 12), strings.Repeat("?", 13) + "*"}
	for a := range n.accounts {
		split = append(split, a)
	}
	split = append(split, trusted...)
	split = append(split, n.accountPatterns...)
	slices.Sort(split[2:])
	for _, p := range n.accountPatterns {
		insts, ok := eval.Instances(p, nil, split)
		n.accountsComplete = n.accountsComplete && ok
		for _, s := range insts {
			if len(s) != 12 {
				continue // no account has such an id
			}
			acct, ok := digitsIn(s, split)
			if !ok {
				n.accountsComplete = false
				continue
			}
			if !n.accounts[acct] {
				n.accounts[acct] = true
				n.patternOf[acct] = p
			}
		}
	}
}

// digitsIn returns s with every character that is not a digit replaced by
// one digit, the first that leaves s in its region (each of patterns
// matches the result as it matches s), and whether one does.
func digitsIn(s string, patterns []string) (string, bool) {
	for d := byte('0'); d <= '9'; d++ {
		b := []byte(s)
		for i, c := range b {
			if c < '0' || c > '9' {
				b[i] = d
			}
		}
		acct := string(b)
		if !slices.ContainsFunc(patterns, func(p string) bool { return policy.Match(p, acct) != policy.Match(p, s) }) {
			return acct, true
		}
	}
	return "", false
}

// addAccounts records the accounts a value names: the id, or a pattern
// (splitAccountPatterns adds accounts that stand for what it matches).
func (n *names) addAccounts(p string) {
	switch {
	case policy.IsAccountID(p):
		n.accounts[p] = true
	case isAccountPattern(p) && !slices.Contains(n.accountPatterns, p):
		n.accountPatterns = append(n.accountPatterns, p)
	}
}

// addOrgPattern records an organization id pattern: a value with a
// wildcard under a Like operator (under StringEquals "*" is a character),
// unless it matches every organization (o-*), which leaves no organization
// unnamed to stand for.
func (n *names) addOrgPattern(operator, p string) {
	if !strings.Contains(strings.ToLower(operator), "like") || !policy.HasWildcard(p) || strings.Contains(p, "${") || everyOrg(p) {
		return
	}
	n.orgPatterns = append(n.orgPatterns, p)
}

// everyOrg reports whether the pattern p matches every organization id
// (o-*): it names none in particular.
func everyOrg(p string) bool {
	for _, org := range []string{"o-0000000000", "o-zzzzzzzzzz", "o-a1b2c3d4e5f6g7h8i9j0k1l2m3n4o5p6"} {
		if !policy.Match(p, org) {
			return false
		}
	}
	return true
}

// accountLabel is how reports name an account the policy names: its id,
// or the pattern it stands for.
func (n *names) accountLabel(acct string) string {
	if p, ok := n.patternOf[acct]; ok {
		return p
	}
	return acct
}

// orgInstance returns the organization id that stands for what an
// organization id or pattern (o-abc*) matches, or "" when it matches no id
// that can exist, or every one (the organization that stands for those the
// policy does not name stands for them). The first "*" is filled to the
// shortest id's length.
func orgInstance(p string) string {
	if everyOrg(p) {
		return ""
	}
	if !policy.HasWildcard(p) {
		if policy.IsOrgID(p) {
			return p
		}
		return ""
	}
	if s := fillPattern(p, 'x', len("o-")+10); policy.IsOrgID(s) {
		return s
	}
	return ""
}

// fillPattern instantiates a pattern with fill: each '?' is one fill
// character, the first '*' as many as make the string width long, any
// other '*' none.
func fillPattern(p string, fill byte, width int) string {
	literal := len(p) - strings.Count(p, "*")
	var b strings.Builder
	starDone := false
	for i := 0; i < len(p); i++ {
		switch c := p[i]; c {
		case '?':
			b.WriteByte(fill)
		case '*':
			if !starDone {
				for range max(0, width-literal) {
					b.WriteByte(fill)
				}
				starDone = true
			}
		default:
			b.WriteByte(c)
		}
	}
	return b.String()
}

// collectNames returns what doc names, and with it what the extra
// statements name (the RCP Deny statements over the target: an outsider an
// RCP exempts is not the public).
func collectNames(doc *policy.Document, extra ...*policy.Statement) *names {
	n := &names{
		accounts: map[string]bool{}, arns: map[string]bool{}, orgs: map[string]bool{},
		paths: map[string]bool{}, services: map[string]bool{}, servicePatterns: map[string]bool{}, patternOf: map[string]string{},
		orgPatternOf: map[string]string{},
	}
	var roles []eval.Principal
	readsARN := false
	for _, s := range append(slices.Clip(doc.Statements), extra...) {
		for _, pr := range []*policy.Principal{s.Principal, s.NotPrincipal} {
			if pr == nil {
				continue
			}
			if pr.IsEveryone() || s.NotPrincipal != nil {
				n.anyService = true
			}
			for _, e := range pr.Entries {
				if e.Value.Unknown {
					continue
				}
				switch {
				case e.Kind == policy.KindAWS && e.Value.AccountUnknown:
					n.addUnknownAccount(e.Value.Text)
				case e.Kind == policy.KindAWS:
					n.addPrincipal(e.Value.Text)
					if p, err := eval.ParsePrincipal(e.Value.Text); err == nil && (p.Type == eval.AssumedRole || p.Type == eval.Role) {
						roles = append(roles, p)
					}
				case e.Kind == policy.KindService:
					n.services[strings.ToLower(e.Value.Text)] = true
				}
			}
		}
		for _, c := range s.Conditions {
			if strings.EqualFold(c.Operator, "Null") {
				continue // its values are true and false, not names
			}
			key := strings.ToLower(c.Key)
			readsARN = readsARN || key == "aws:principalarn"
			for _, v := range c.Values {
				if v.Unknown {
					continue
				}
				readsARN = readsARN || strings.Contains(strings.ToLower(v.Text), "${aws:principalarn")
				for _, text := range withDefaults(v.Text) {
					sp, k := c.Op.Spellings(text)
					for _, t := range sp[:k] {
						n.addConditionValue(c, v, key, t)
					}
				}
			}
		}
	}
	n.sessions = pathTold(roles, readsARN)
	n.chooseFreshOrg()
	n.chooseServices()
	return n
}

// pathTold returns the role sessions of roles (the roles and sessions the
// Principal elements name) whose role's path the statements tell apart:
// all when they read aws:PrincipalArn, else those of a role of the
// account and name they name by its ARN.
func pathTold(roles []eval.Principal, readsARN bool) []string {
	var out []string
	for _, s := range roles {
		if s.Type == eval.AssumedRole && (readsARN || slices.ContainsFunc(roles, func(r eval.Principal) bool {
			return r.Type == eval.Role && r.Account == s.Account && r.Name() == s.Name()
		})) {
			out = append(out, s.ARN)
		}
	}
	return out
}

// withDefaults returns a condition value as written and, when its policy
// variables all have defaults (${aws:SourceAccount, '999988887777'}), as
// it reads in a request that holds none of them: an outsider's request
// has no aws:SourceAccount, so the value names account 999988887777 to it,
// which was never tried (IAM User Guide, "IAM policy elements: Variables
// and tags", "Specifying default values").
func withDefaults(text string) []string {
	if d, ok := eval.Resolve(text, eval.NewContext()); ok && d != text {
		return []string{text, d}
	}
	return []string{text}
}

// conditionTexts returns the values of c that read no policy variable,
// and those whose variables all have defaults as they read without them
// (withDefaults).
func conditionTexts(c policy.Condition) []string {
	var out []string
	for _, v := range c.Values {
		if v.Unknown {
			continue
		}
		for _, t := range withDefaults(v.Text) {
			if !strings.Contains(t, "${") {
				out = append(out, t)
			}
		}
	}
	return out
}

// addConditionValue records what the value t of condition c on key (lower
// case) names; v is the value as written (t, or its lower-case spelling
// under an IgnoreCase operator).
func (n *names) addConditionValue(c policy.Condition, v policy.Value, key, t string) {
	if v.StandIn {
		// An organization or account not known at scan time
		// (policy.Value.StandIn): one nobody vetted, tried as
		// one the policy names.
		switch key {
		case "aws:principalorgid":
			n.orgs[t] = true
		case "aws:principalaccount", "aws:sourceaccount":
			n.accounts[t] = true
		}
		return
	}
	if accountKeys[key] && (c.Op.Family == policy.FamilyNumeric || c.Op.Family == policy.FamilyDate) {
		n.orderedAccount = c.Operator + " " + c.Key
	}
	switch key {
	case "aws:principalaccount", "aws:sourceaccount", "aws:sourceowner":
		n.addAccounts(t)
	case "aws:principalarn":
		n.addPrincipal(t)
		n.addAccountRuns(c, t)
	case "aws:userid":
		// A federated user's aws:userid is ACCOUNT:NAME and the
		// root user's the account id (IAM User Guide, "AWS
		// global condition context keys", aws:userid).
		acct, _, _ := strings.Cut(t, ":")
		n.addAccounts(acct)
	case "aws:sourcearn":
		if a, ok := policy.ParseARN(t); ok {
			n.addAccounts(a.Account)
		}
		n.addAccountRuns(c, t)
	case "aws:principalorgid", "aws:sourceorgid":
		// A pattern (o-abc*) names the organizations it matches:
		// one instance stands for them, and reports name it by the
		// pattern (its id is made up).
		if org := orgInstance(t); org != "" {
			n.orgs[org] = true
			if _, ok := n.orgPatternOf[org]; !ok && org != t && policy.HasWildcard(t) && strings.Contains(strings.ToLower(c.Operator), "like") {
				n.orgPatternOf[org] = t
			}
		}
		n.addOrgPattern(c.Operator, t)
	case "aws:principalorgpaths", "aws:sourceorgpaths":
		org, rest, _ := strings.Cut(t, "/")
		switch {
		case policy.IsOrgID(org):
			n.orgs[org] = true
			n.paths[t] = true
		case policy.HasWildcard(org) && strings.Contains(strings.ToLower(c.Operator), "like") && ouUnderPattern(org, rest) && !strings.Contains(t, "${"):
			// An OU under an organization pattern (*/ou-ab12-34567890/*):
			// no outsider picks its OU's id, so the path names the
			// members of that OU in whichever organization holds it
			// (pathsIn).
			n.paths[t] = true
			fallthrough
		default:
			if inst := orgInstance(org); inst != "" {
				n.orgs[inst] = true
			}
		}
		n.addOrgPattern(c.Operator, org)
	case "aws:principalservicename", "aws:principalservicenameslist":
		if key == "aws:principalservicenameslist" {
			n.anyService = true
		}
		switch {
		case strings.Contains(t, "${"):
			// Services are not split by what a variable
			// holds: those it could name are not all asked
			// about, and the result says so.
			n.serviceVariable = t
		case policy.HasWildcard(t):
			n.servicePatterns[t] = true
		default:
			n.services[strings.ToLower(t)] = true
		}
	case "aws:principalisawsservice":
		n.anyService = true
	}
}

// accountKeys are the keys whose values are, or may be, account ids: a
// root user's aws:userid is its account's.
var accountKeys = map[string]bool{"aws:principalaccount": true, "aws:sourceaccount": true, "aws:sourceowner": true, "aws:userid": true}

// ouUnderPattern reports whether a path pattern whose organization part org
// holds a wildcard names more than organizations: an OU or root after it
// (*/ou-ab12-34567890/*), or in it, past a "*" that may take the
// organization and more (*ou-ab12-34567890/*).
func ouUnderPattern(org, rest string) bool {
	return strings.Trim(rest, "*/") != "" || strings.Contains(org, "*") && !strings.HasPrefix(org, "o-") && strings.Trim(org, "*?") != ""
}

// addAccountRuns records the accounts an ARN pattern t of condition c
// names where it is matched whole, not field by field (a pattern of fewer
// than six parts, or one a string operator compares): its runs of digits
// and wildcards (accountRuns). arn:aws:iam::9999* in aws:PrincipalArn let
// in the callers of every account 9999…, and none of them was tried.
func (n *names) addAccountRuns(c policy.Condition, t string) {
	if _, ok := policy.ParseARN(t); ok && matchedByFields(c.Op.Family.String(), t) {
		return
	}
	for _, p := range accountRuns(t) {
		n.addAccounts(p)
	}
}

// accountRuns returns what the account field of an ARN may hold where a
// pattern that is not an ARN of six parts, matched whole, meets it: each
// run of the pattern's digits and wildcards from a place a field can begin
// (after a colon, or at or after a wildcard, which may take a colon) to
// one it can end. An account that stands for each region these split the
// accounts into (splitAccountPatterns) is tried: arn:aws:sns:us-east-1:9999*
// let in the accounts 9999…, of which none ecrguard tried was one.
func accountRuns(p string) []string {
	run := func(c byte) bool { return c >= '0' && c <= '9' || c == '*' || c == '?' }
	wild := func(i int) bool { return i >= 0 && i < len(p) && (p[i] == '*' || p[i] == '?') }
	var out []string
	for i := 0; i < len(p); i++ {
		if !run(p[i]) || i > 0 && p[i-1] != ':' && !wild(i-1) && !wild(i) {
			continue
		}
		for j := i + 1; j <= len(p) && run(p[j-1]); j++ {
			if j == len(p) || p[j] == ':' || wild(j) || wild(j-1) {
				out = append(out, p[i:j])
			}
		}
	}
	return out
}

// addPrincipal records an AWS principal as written in a Principal element or
// an aws:PrincipalArn value.
func (n *names) addPrincipal(t string) {
	switch {
	case t == "*":
	case policy.IsAccountID(t):
		n.accounts[t] = true
	default:
		a, ok := policy.ParseARN(t)
		if !ok {
			return
		}
		if !policy.IsAccountID(a.Account) {
			// A pattern over accounts (arn:aws:iam::9999*:role/x) names
			// the accounts it matches: instances stand for them.
			n.addAccounts(a.Account)
			return
		}
		n.accounts[a.Account] = true
		if a.Resource != "root" && !policy.HasWildcard(t) {
			if _, err := eval.ParsePrincipal(t); err == nil {
				n.arns[t] = true
			}
		}
	}
}

// addUnknownAccount records a principal ARN whose account is not known
// (policy.Value.AccountUnknown): one account, which could be any and is
// not in the zone of trust by its stand-in id; its callers are tried as
// any named account's.
func (n *names) addUnknownAccount(t string) {
	a, ok := policy.ParseARN(t)
	if !ok {
		return
	}
	n.accounts[a.Account] = true
	if a.Resource != "root" {
		n.arns[t] = true
	}
}

// isAccountPattern reports whether p is a pattern of account ids that
// names some in particular (9999888877?7, 99998888*): not "*", not a
// variable, and filled to twelve digits it is an id.
func isAccountPattern(p string) bool {
	if p == "*" || !policy.HasWildcard(p) || strings.Contains(p, "${") {
		return false
	}
	return policy.IsAccountID(fillPattern(p, '0', 12))
}

func (n *names) accountList() []string { return sortedKeys(n.accounts, &n.sorted[0]) }

// names reports whether an account pattern the statements name matches
// acct.
func (n *names) names(acct string) bool {
	return slices.ContainsFunc(n.accountPatterns, func(p string) bool { return policy.Match(p, acct) })
}
func (n *names) arnList() []string  { return sortedKeys(n.arns, &n.sorted[1]) }
func (n *names) orgList() []string  { return sortedKeys(n.orgs, &n.sorted[2]) }
func (n *names) pathList() []string { return sortedKeys(n.paths, &n.sorted[3]) }

// sortLists makes the lists of accounts, ARNs, organizations and paths,
// once the names are complete: names shared between goroutines are then
// only read.
func (n *names) sortLists() {
	n.accountList()
	n.arnList()
	n.orgList()
	n.pathList()
}

// sortedKeys returns m's keys sorted, kept in *memo: the lists are read
// for every group and caller, and the maps only grow (while the names are
// collected and split), so a memo as long as m is current. Callers must
// not change the list.
func sortedKeys(m map[string]bool, memo *[]string) []string {
	if len(*memo) != len(m) {
		*memo = slices.Sorted(maps.Keys(m))
	}
	return *memo
}

// pathsIn returns an OU path in org for each region into which the OU
// paths the statements name there, and the zone's trusted paths, split its
// paths, the region none of them matches included (freshOrgPath may not
// stand for it: */ou-* matches it): o-abc/r-1/ou-1/* names o-abc/r-1/ou-1/,
// and a path under an organization pattern (*/ou-1/*, o-a*/r-1/ou-1/*) the
// OU in org when org matches it. One path for each pattern alone would
// miss the paths two of them must both match (o-*/r-1/* and */ou-1/*).
// complete is false when the patterns split them into more
// regions than a search walks. It changes nothing in n (facts are shared):
// the analyzer keeps what it returns (analyzer.pathsIn).
func (n *names) pathsIn(org string, trusted []string) (paths []string, complete bool) {
	var pats []string
	for _, p := range n.pathList() {
		// A "*" before the first "/" may take the organization and more
		// (*ou-ab12-34567890/*).
		orgPart, _, _ := strings.Cut(p, "/")
		if orgPart == org || policy.HasWildcard(orgPart) && (policy.Match(orgPart, org) || strings.Contains(orgPart, "*")) {
			pats = append(pats, p)
		}
	}
	if len(pats) == 0 {
		return nil, true
	}
	split := slices.Clip(pats)
	for _, tp := range trusted {
		split = append(split, tp+"*")
	}
	insts, complete := eval.Instances(org+"/r-?*/", nil, split)
	for _, inst := range insts {
		paths = append(paths, tidyPath(org, inst, split))
	}
	return paths, complete
}

// tidyPath returns path, a shortest OU path of its region (o-abc/r-/ou-1/,
// o-abc/r-1//ou-1/), with the root id and each empty OU that none of
// patterns sets apart made up as ecrguard makes them up (r-ecrg,
// ou-ecrg-00000000), so that a proof reads as a path and says it is made
// up.
func tidyPath(org, path string, patterns []string) string {
	same := func(p string) bool {
		return !slices.ContainsFunc(patterns, func(q string) bool { return policy.Match(q, p) != policy.Match(q, path) })
	}
	parts := strings.Split(strings.TrimPrefix(path, org+"/"), "/")
	for i, made := range parts[:len(parts)-1] {
		if i == 0 {
			made = "r-ecrg"
		} else if made == "" {
			made = "ou-ecrg-00000000"
		}
		was := parts[i]
		parts[i] = made
		if !same(org + "/" + strings.Join(parts, "/")) {
			parts[i] = was
		}
	}
	return org + "/" + strings.Join(parts, "/")
}

// serviceList lists the names of the services to ask about.
func (n *names) serviceList() []string {
	out := make([]string, len(n.serviceCases))
	for i, c := range n.serviceCases {
		out[i] = c.name
	}
	return out
}

// serviceCase is one AWS service the analysis asks about: label is how
// results name it (Result.Deputies' keys: its name, a pattern of the
// statements that sets its region apart, or freshService for any service
// none does), name the service name its requests carry.
type serviceCase struct{ label, name string }

// chooseServices sets serviceCases: each service the statements name, and
// when they let in services they do not name (anyService) one for each
// region into which the statements' patterns of service names split those
// others (two services are in one region when each pattern matches both or
// neither: a Deny of *-any* beside an Allow of ec* leaves four), labelled
// by the first pattern that sets its region apart, or as any service where
// none does, with a name of freshServices when one is in the region.
func (n *names) chooseServices() {
	named := slices.Sorted(maps.Keys(n.services))
	for _, s := range named {
		n.serviceCases = append(n.serviceCases, serviceCase{s, s})
	}
	n.servicesComplete = true
	if !n.anyService {
		return
	}
	patterns := slices.Sorted(maps.Keys(n.servicePatterns))
	if len(patterns) == 0 {
		// One region: every service the statements do not name.
		for _, f := range freshServices {
			if !n.services[f] {
				n.serviceCases = append(n.serviceCases, serviceCase{freshService, f})
				return
			}
		}
	}
	reps, ok := eval.Instances("?*", named, patterns)
	n.servicesComplete = ok
	sig := func(s string) string {
		b := make([]byte, len(patterns))
		for i, p := range patterns {
			b[i] = '0'
			if policy.Match(p, s) {
				b[i] = '1'
			}
		}
		return string(b)
	}
	// A pattern every region matches (*.amazonaws.com) sets none apart.
	apart := make([]bool, len(patterns))
	for i, p := range patterns {
		apart[i] = slices.ContainsFunc(reps, func(s string) bool { return !policy.Match(p, s) })
	}
	for _, rep := range reps {
		// Labelled by the first pattern that sets it apart: the regions of
		// one pattern are one record (ten patterns make a thousand
		// regions, not a thousand findings).
		label := ""
		for i, p := range patterns {
			if apart[i] && policy.Match(p, rep) {
				label = p
				break
			}
		}
		// The region's name: one that reads as a service's (a stand-in's
		// where no pattern sets the region apart), when one is in it.
		names := freshServices
		if label != "" {
			names = []string{instance(label) + ".amazonaws.com", instance(label)}
		} else {
			label = freshService
		}
		name := rep
		for _, c := range names {
			if sig(c) == sig(rep) && !n.services[c] {
				name = c
				break
			}
		}
		n.serviceCases = append(n.serviceCases, serviceCase{label, name})
	}
}
