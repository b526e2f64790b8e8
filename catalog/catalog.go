// Package catalog is the embedded Amazon ECR action catalog (a snapshot of
// AWS's Service Authorization Reference) and the AWS managed policies that
// grant ECR actions, with the classes ecrguard's rules speak of.
//
// The data files in data/ are copies of ../shared/data/ (see data/SOURCE.md
// for their provenance). The catalog is immutable once loaded.
package catalog

import (
	_ "embed"
	"encoding/json"
	"fmt"
	"slices"
	"sort"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/ecrguard/ecrguard/policy"
)

//go:embed data/iam-actions-ecr.json
var actionsJSON []byte

//go:embed data/aws-managed-policies-ecr.json
var managedJSON []byte

// AccessLevel is an action's access level in the Service Authorization
// Reference.
type AccessLevel string

// Access levels.
const (
	List                  AccessLevel = "List"
	Read                  AccessLevel = "Read"
	Write                 AccessLevel = "Write"
	PermissionsManagement AccessLevel = "Permissions management"
	Tagging               AccessLevel = "Tagging"
)

// Class is the action class rules and messages speak of (docs/semantics.md, "Action classes").
type Class string

// Action classes.
const (
	ClassPull                  Class = "pull"
	ClassPush                  Class = "push"
	ClassDelete                Class = "delete"
	ClassPermissionsManagement Class = "permissions-management"
	ClassList                  Class = "list"
	ClassRead                  Class = "read"
	ClassWrite                 Class = "write"
	ClassTagging               Class = "tagging"
)

// Action is one IAM action of ecr or ecr-public.
type Action struct {
	Service        string
	Name           string
	Access         AccessLevel
	ResourceTypes  []string
	PermissionOnly bool
	ConditionKeys  []string
	Description    string
	// Index is the action's place in Catalog.Actions and its bit in an
	// ActionSet.
	Index int
	full  string
	lower string
}

// FullName is the action as policies write it: "ecr:BatchGetImage".
func (a *Action) FullName() string { return a.full }

// Carries reports whether the action's requests may carry the condition
// key lower (lower case). The keys of tags a request passes,
// aws:RequestTag/* and aws:TagKeys, are carried only by the actions whose
// condition keys list them (CreateRepository, TagResource, UntagResource
// aws:TagKeys alone, ListTagsForResource): IAM User Guide, "AWS global
// condition context keys", aws:RequestTag is present "when tags are passed
// in the request". Any other key is not the action's to withhold.
func (a *Action) Carries(lower string) bool {
	if !RequestTagKey(lower) {
		return true
	}
	want := lower
	if strings.HasPrefix(lower, "aws:requesttag/") {
		want = "aws:requesttag/"
	}
	return slices.ContainsFunc(a.ConditionKeys, func(k string) bool { return strings.HasPrefix(strings.ToLower(k), want) })
}

// RequestTagKey reports whether lower (a condition key in lower case) is a
// key of the tags a request passes, aws:RequestTag/* or aws:TagKeys, which
// only some actions carry (Carries).
func RequestTagKey(lower string) bool {
	return strings.HasPrefix(lower, "aws:requesttag/") || lower == "aws:tagkeys"
}

// OnPublicRepository reports whether this is an ECR Public repository
// action: an ecr-public action whose resource types include repository.
func (a *Action) OnPublicRepository() bool {
	return a.Service == "ecr-public" && slices.Contains(a.ResourceTypes, "repository")
}

// OnRepository reports whether this is a repository action: an ecr (not
// ecr-public) action whose resource types include repository.
func (a *Action) OnRepository() bool {
	if a.Service != "ecr" {
		return false
	}
	for _, t := range a.ResourceTypes {
		if t == "repository" {
			return true
		}
	}
	return false
}

// HasResourceType reports whether the action can be scoped to a resource;
// actions without one work only with Resource "*".
func (a *Action) HasResourceType() bool { return len(a.ResourceTypes) > 0 }

var classByName = map[string]Class{
	"ecr:BatchGetImage":               ClassPull,
	"ecr:GetDownloadUrlForLayer":      ClassPull,
	"ecr:BatchCheckLayerAvailability": ClassPull,
	"ecr:PutImage":                    ClassPush,
	"ecr:InitiateLayerUpload":         ClassPush,
	"ecr:UploadLayerPart":             ClassPush,
	"ecr:CompleteLayerUpload":         ClassPush,
	"ecr:BatchDeleteImage":            ClassDelete,
	"ecr:DeleteRepository":            ClassDelete,
	// ECR Public's push and delete (pull from ECR Public is anonymous and
	// has no action).
	"ecr-public:PutImage":            ClassPush,
	"ecr-public:InitiateLayerUpload": ClassPush,
	"ecr-public:UploadLayerPart":     ClassPush,
	"ecr-public:CompleteLayerUpload": ClassPush,
	"ecr-public:BatchDeleteImage":    ClassDelete,
	"ecr-public:DeleteRepository":    ClassDelete,
}

// Class returns the action's class: pull, push and delete by name, the rest
// by access level.
func (a *Action) Class() Class {
	if c, ok := classByName[a.full]; ok {
		return c
	}
	switch a.Access {
	case PermissionsManagement:
		return ClassPermissionsManagement
	case List:
		return ClassList
	case Read:
		return ClassRead
	case Tagging:
		return ClassTagging
	}
	return ClassWrite
}

// KeyInfo describes a global condition key.
type KeyInfo struct {
	Name     string
	Type     string
	Category string
}

// MultiValued reports whether the key carries a set of values.
func (k KeyInfo) MultiValued() bool { return strings.HasPrefix(k.Type, "ArrayOf") }

// ManagedPolicy is an AWS managed policy's default version.
type ManagedPolicy struct {
	Name      string
	ARN       string
	VersionID string
	Document  json.RawMessage
}

// Catalog holds the actions, global condition keys and managed policies.
type Catalog struct {
	// Actions sorted by full name; Actions[i].Index == i.
	Actions []*Action
	// Source says where the data came from.
	Source  string
	byName  map[string]*Action // by lower-case name
	byFull  map[string]*Action // by name as the catalog spells it
	keys    map[string]KeyInfo
	tagKeys map[string]KeyInfo // prefixes such as "aws:principaltag/"
	// ecrKeys and ecrTagKeys are the condition keys of the ecr service
	// that are not global keys ("ecr:accountsetting", "ecr:resourcetag/").
	ecrKeys    map[string]KeyInfo
	ecrTagKeys map[string]KeyInfo
	// publicKeys and publicTagKeys are those of the ecr-public service.
	publicKeys    map[string]KeyInfo
	publicTagKeys map[string]KeyInfo
	managed       map[string]*ManagedPolicy
	repo          []*Action
	publicRepo    ActionSet
	suggest       sync.Map // name -> suggestion, memoised: typos repeat
	// matched memoises MatchSet for wildcard patterns, which repeat across
	// policies ("ecr:*", "ecr:Batch*"); bounded by matchedCount.
	matched      sync.Map // lower-case pattern -> ActionSet
	matchedCount atomic.Int64
}

// maxMatched bounds the MatchSet memo.
const maxMatched = 1 << 16

// Default returns the embedded catalog.
var Default = sync.OnceValue(func() *Catalog {
	c, err := load(actionsJSON, managedJSON)
	if err != nil {
		// The data is embedded and tested; failing here is a build defect.
		panic(fmt.Sprintf("catalog: embedded data is invalid: %v", err))
	}
	return c
})

type rawAction struct {
	AccessLevel    string   `json:"access_level"`
	ResourceTypes  []string `json:"resource_types"`
	PermissionOnly bool     `json:"permission_only"`
	ConditionKeys  []string `json:"condition_keys"`
	Description    string   `json:"description"`
}

func load(actions, managed []byte) (*Catalog, error) {
	var raw struct {
		Source   string `json:"source"`
		Services map[string]struct {
			Actions       map[string]rawAction `json:"actions"`
			ConditionKeys map[string]struct {
				Type string `json:"type"`
			} `json:"condition_keys"`
		} `json:"services"`
		GlobalConditionKeys map[string]struct {
			Type     string `json:"type"`
			Category string `json:"category"`
		} `json:"global_condition_keys"`
	}
	if err := json.Unmarshal(actions, &raw); err != nil {
		return nil, err
	}
	c := &Catalog{
		Source:  raw.Source,
		byName:  map[string]*Action{},
		byFull:  map[string]*Action{},
		keys:    map[string]KeyInfo{},
		tagKeys: map[string]KeyInfo{},
		managed: map[string]*ManagedPolicy{},
	}
	for svc, s := range raw.Services {
		for name, a := range s.Actions {
			act := &Action{
				Service: svc, Name: name, Access: AccessLevel(a.AccessLevel),
				ResourceTypes: a.ResourceTypes, PermissionOnly: a.PermissionOnly,
				ConditionKeys: a.ConditionKeys, Description: a.Description,
				full: svc + ":" + name,
			}
			c.Actions = append(c.Actions, act)
		}
	}
	sort.Slice(c.Actions, func(i, j int) bool { return c.Actions[i].full < c.Actions[j].full })
	if len(c.Actions) > setBits {
		return nil, fmt.Errorf("%d actions do not fit an ActionSet of %d bits", len(c.Actions), setBits)
	}
	for i, a := range c.Actions {
		a.Index = i
		a.lower = strings.ToLower(a.full)
		c.byName[a.lower] = a
		c.byFull[a.full] = a
		if a.OnRepository() {
			c.repo = append(c.repo, a)
		}
		if a.OnPublicRepository() {
			c.publicRepo.Add(a.Index)
		}
	}
	for name, k := range raw.GlobalConditionKeys {
		info := KeyInfo{Name: name, Type: k.Type, Category: k.Category}
		if prefix, ok := strings.CutSuffix(name, "/tag-key"); ok {
			c.tagKeys[strings.ToLower(prefix)+"/"] = info
			continue
		}
		c.keys[strings.ToLower(name)] = info
	}
	c.ecrKeys, c.ecrTagKeys = serviceKeys("ecr", raw.Services["ecr"].ConditionKeys)
	c.publicKeys, c.publicTagKeys = serviceKeys("ecr-public", raw.Services["ecr-public"].ConditionKeys)
	var rawManaged struct {
		Policies map[string]struct {
			ARN              string          `json:"arn"`
			DefaultVersionID string          `json:"default_version_id"`
			Document         json.RawMessage `json:"document"`
		} `json:"policies"`
	}
	if err := json.Unmarshal(managed, &rawManaged); err != nil {
		return nil, err
	}
	for name, p := range rawManaged.Policies {
		c.managed[p.ARN] = &ManagedPolicy{Name: name, ARN: p.ARN, VersionID: p.DefaultVersionID, Document: p.Document}
	}
	return c, nil
}

// serviceKeys returns the condition keys of service svc that are not
// global keys ("ecr:accountsetting"), and its tag key families by prefix
// ("ecr:resourcetag/"), from the catalog's condition_keys of svc.
func serviceKeys(svc string, raw map[string]struct {
	Type string `json:"type"`
}) (keys, tagKeys map[string]KeyInfo) {
	keys, tagKeys = map[string]KeyInfo{}, map[string]KeyInfo{}
	for name, k := range raw {
		lower := strings.ToLower(name)
		if !strings.HasPrefix(lower, svc+":") {
			continue // aws:RequestTag/${TagKey} and the like are global keys
		}
		info := KeyInfo{Name: name, Type: k.Type, Category: "service"}
		if prefix, ok := strings.CutSuffix(name, "/${TagKey}"); ok {
			info.Name = prefix + "/tag-key"
			tagKeys[strings.ToLower(prefix)+"/"] = info
			continue
		}
		keys[lower] = info
	}
	return keys, tagKeys
}

// Lookup finds an action by its full name, ignoring case.
func (c *Catalog) Lookup(fullName string) *Action {
	if a := c.byFull[fullName]; a != nil {
		return a // as the catalog spells it: no lower-casing
	}
	return c.byName[strings.ToLower(fullName)]
}

// LookupLower is Lookup for a name already in lower case.
func (c *Catalog) LookupLower(lower string) *Action { return c.byName[lower] }

// Match returns the actions an IAM action pattern ("ecr:Batch*", "*")
// matches, ignoring case, in catalog order.
func (c *Catalog) Match(pattern string) []*Action {
	var out []*Action
	c.MatchSet(pattern).Each(func(i int) { out = append(out, c.Actions[i]) })
	return out
}

// MatchSet is Match as an ActionSet.
func (c *Catalog) MatchSet(pattern string) ActionSet {
	var s ActionSet
	lp := strings.ToLower(pattern)
	if !policy.HasWildcard(lp) {
		if a := c.byName[lp]; a != nil {
			s.Add(a.Index)
		}
		return s
	}
	// Most patterns in an account name other services: skip them cheaply.
	if svc, _, ok := strings.Cut(lp, ":"); ok && !policy.HasWildcard(svc) && svc != "ecr" && svc != "ecr-public" {
		return s
	}
	if v, ok := c.matched.Load(lp); ok {
		return v.(ActionSet)
	}
	for _, a := range c.Actions {
		if policy.Match(lp, a.lower) {
			s.Add(a.Index)
		}
	}
	if c.matchedCount.Load() < maxMatched {
		if _, loaded := c.matched.LoadOrStore(lp, s); !loaded {
			c.matchedCount.Add(1)
		}
	}
	return s
}

// RepositoryActions returns the repository actions (docs/semantics.md, "Action classes") in
// catalog order.
func (c *Catalog) RepositoryActions() []*Action { return c.repo }

// RepositorySet is RepositoryActions as an ActionSet.
func (c *Catalog) RepositorySet() ActionSet {
	var s ActionSet
	for _, a := range c.repo {
		s.Add(a.Index)
	}
	return s
}

// PublicRepositorySet returns the ECR Public repository actions: what an
// ECR Public repository policy can grant.
func (c *Catalog) PublicRepositorySet() ActionSet { return c.publicRepo }

// ServiceSet returns every action of one service ("ecr").
func (c *Catalog) ServiceSet(service string) ActionSet {
	var s ActionSet
	for _, a := range c.Actions {
		if a.Service == service {
			s.Add(a.Index)
		}
	}
	return s
}

// ClassSet returns the ecr actions of one class.
func (c *Catalog) ClassSet(class Class) ActionSet {
	var s ActionSet
	for _, a := range c.Actions {
		if a.Service == "ecr" && a.Class() == class {
			s.Add(a.Index)
		}
	}
	return s
}

// Names returns the full names of a set's actions, sorted.
func (c *Catalog) Names(s ActionSet) []string {
	out := make([]string, 0, s.Len())
	for _, a := range c.Actions {
		if s.Has(a.Index) {
			out = append(out, a.full)
		}
	}
	return out
}

// Key describes a global condition key (names are case-insensitive; tag keys
// such as aws:PrincipalTag/team resolve to their family).
func (c *Catalog) Key(name string) (KeyInfo, bool) {
	lower := strings.ToLower(name)
	if k, ok := c.keys[lower]; ok {
		return k, true
	}
	if i := strings.IndexByte(lower, '/'); i > 0 {
		if k, ok := c.tagKeys[lower[:i+1]]; ok {
			return k, true
		}
		// Service tag keys (ecr:ResourceTag/x) are single-valued strings.
		if strings.HasSuffix(lower[:i], ":resourcetag") {
			return KeyInfo{Name: name, Type: "String", Category: "resource"}, true
		}
	}
	for _, a := range c.Actions {
		for _, k := range a.ConditionKeys {
			if strings.EqualFold(k, name) {
				return KeyInfo{Name: k, Type: "String", Category: "service"}, true
			}
		}
	}
	return KeyInfo{}, false
}

// ECRKey describes a condition key an Amazon ECR request can carry: a global
// condition key or a key of the ecr service (IAM User Guide, "AWS global
// condition context keys"; Service Authorization Reference, "Condition keys
// for Amazon Elastic Container Registry"). Names are case-insensitive; a tag
// key (aws:PrincipalTag/x, aws:RequestTag/x, aws:ResourceTag/x,
// ecr:ResourceTag/x) is defined for any non-empty tag name. A key it does not
// know is absent from every ECR request.
func (c *Catalog) ECRKey(name string) (KeyInfo, bool) {
	return c.requestKey(name, c.ecrKeys, c.ecrTagKeys)
}

// PublicKey is ECRKey for an Amazon ECR Public request: a global condition
// key or a key of the ecr-public service (Service Authorization Reference,
// "Condition keys for Amazon Elastic Container Registry Public").
func (c *Catalog) PublicKey(name string) (KeyInfo, bool) {
	return c.requestKey(name, c.publicKeys, c.publicTagKeys)
}

// requestKey describes a key a request of one service can carry: a global
// key, or one of the service's keys and tag key families.
func (c *Catalog) requestKey(name string, svcKeys, svcTagKeys map[string]KeyInfo) (KeyInfo, bool) {
	lower := strings.ToLower(name)
	if k, ok := c.keys[lower]; ok {
		return k, true
	}
	if k, ok := svcKeys[lower]; ok {
		return k, true
	}
	if i := strings.IndexByte(lower, '/'); i > 0 && i < len(lower)-1 {
		if k, ok := c.tagKeys[lower[:i+1]]; ok {
			return k, true
		}
		if k, ok := svcTagKeys[lower[:i+1]]; ok {
			return k, true
		}
	}
	return KeyInfo{}, false
}

// SuggestKey returns the global or ecr condition key nearest to name by edit
// distance (ignoring case), or "" when none is close: aws:PrincipleOrgID
// gives aws:PrincipalOrgID, aws:PrincipleTag/team gives aws:PrincipalTag/team.
func (c *Catalog) SuggestKey(name string) string {
	lower := strings.ToLower(name)
	best, bestD := "", 1<<30
	consider := func(cand string, d int) {
		if d < bestD || d == bestD && cand < best {
			best, bestD = cand, d
		}
	}
	if prefix, tag, ok := strings.Cut(name, "/"); ok {
		// A tag key: compare the family, keep the tag name as written.
		lp := strings.ToLower(prefix)
		for _, m := range []map[string]KeyInfo{c.tagKeys, c.ecrTagKeys} {
			for _, k := range m {
				fam, _, _ := strings.Cut(k.Name, "/")
				consider(fam+"/"+tag, EditDistance(lp, strings.ToLower(fam)))
			}
		}
	} else {
		for _, m := range []map[string]KeyInfo{c.keys, c.ecrKeys} {
			for l, k := range m {
				consider(k.Name, EditDistance(lower, l))
			}
		}
	}
	if best == "" || bestD == 0 || bestD > max(2, len(name)/5) {
		return ""
	}
	return best
}

// ManagedPolicy returns an AWS managed policy known to the catalog by ARN.
func (c *Catalog) ManagedPolicy(arn string) (*ManagedPolicy, bool) {
	p, ok := c.managed[arn]
	return p, ok
}

// Suggest returns the known action of the same service nearest to name by
// edit distance (ignoring case), or "" when none is close.
func (c *Catalog) Suggest(name string) string {
	if v, ok := c.suggest.Load(name); ok {
		return v.(string)
	}
	s := c.suggestUncached(name)
	c.suggest.Store(name, s)
	return s
}

func (c *Catalog) suggestUncached(name string) string {
	svc, _, ok := strings.Cut(name, ":")
	if !ok {
		return ""
	}
	best, bestD := "", 1<<30
	ln := strings.ToLower(name)
	for _, a := range c.Actions {
		if !strings.EqualFold(a.Service, svc) {
			continue
		}
		d := EditDistance(ln, strings.ToLower(a.full))
		if d < bestD {
			best, bestD = a.full, d
		}
	}
	if bestD > max(3, len(name)/4) {
		return c.completion(ln)
	}
	return best
}

// completion returns the shortest known action whose name starts with
// lower, a lower-case action name cut short ("ecr:deleterepo" is
// ecr:DeleteRepository), or "".
func (c *Catalog) completion(lower string) string {
	if _, op, _ := strings.Cut(lower, ":"); len(op) < 4 {
		return ""
	}
	best := ""
	for _, a := range c.Actions {
		if strings.HasPrefix(strings.ToLower(a.full), lower) && (best == "" || len(a.full) < len(best)) {
			best = a.full
		}
	}
	return best
}

// EditDistance is the Levenshtein distance of a and b, the measure of
// ecrguard's "did you mean" suggestions.
func EditDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}

// Nearest returns the name of known nearest to name, letter case aside,
// when it is at most two edits away, and otherwise "": the "did you mean" of
// a misspelt name. Of equally near names the first wins.
func Nearest(name string, known []string) string {
	best, bestD := "", 3
	lower := strings.ToLower(name)
	for _, k := range known {
		// Names whose lengths differ by more than two are farther apart
		// than that (and a long name costs nothing).
		if len(k) < len(name)-2 || len(k) > len(name)+2 {
			continue
		}
		if d := EditDistance(lower, strings.ToLower(k)); d < bestD {
			best, bestD = k, d
		}
	}
	return best
}

// Check looks up an action named on the command line. It returns the
// action when its service is one the catalog knows (ecr, ecr-public), nil
// for an action of another service, and an error naming the nearest known
// action when name is not one of its service's actions.
func (c *Catalog) Check(name string) (*Action, error) {
	if a := c.Lookup(name); a != nil {
		return a, nil
	}
	svc, _, _ := strings.Cut(name, ":")
	if c.ServiceSet(strings.ToLower(svc)).Empty() {
		return nil, nil
	}
	if s := c.Suggest(name); s != "" {
		return nil, fmt.Errorf("unknown action %q (did you mean %s?)", name, s)
	}
	return nil, fmt.Errorf("unknown action %q: expected an ECR action such as ecr:BatchGetImage", name)
}
