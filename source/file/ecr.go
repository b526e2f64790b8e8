package file

import (
	"errors"
	"fmt"
	"maps"
	"path"
	"strconv"
	"strings"
	"time"

	"github.com/ecrguard/ecrguard/estate"
	"github.com/ecrguard/ecrguard/internal/jsonpos"
	"github.com/ecrguard/ecrguard/policy"
)

const needAccount = "set --account or the config key `account`"

// rawPolicy reads a policy document file: a repository policy when it names
// principals, an identity policy when it does not, an SCP in a scps/ folder
// and an RCP in a rcps/ folder.
func (l *Reader) rawPolicy(in *input) {
	doc, err := policy.DecodeNode(in.root, in.loc)
	if err != nil {
		l.gapFor(in, estate.GapParseError, err, l.opts.Account, "", "")
		return
	}
	l.rawPolicyDoc(in, doc)
}

// encodedPolicy reads a file whose top-level value is a JSON string: a
// policy document written as a string, as `aws ecr get-repository-policy
// --query policyText` (or get-registry-policy, describe-policy --query
// Policy.Content) writes it. Its content is read as the raw policy document
// it is, positioned in the file; content that is not a policy document is a
// Gap, since the file most likely holds one that could not be read.
func (l *Reader) encodedPolicy(in *input) {
	doc, err := policy.ParseEmbedded(in.data, in.root.Off, in.loc, false)
	if err != nil {
		var pe *policy.Error
		if errors.As(err, &pe) {
			err = &policy.Error{Pos: pe.Pos, Msg: "the file holds a JSON string (as aws ecr get-repository-policy --query policyText writes a policy), but its content is not a policy document: " + pe.Msg, Problems: pe.Problems}
		}
		l.gapFor(in, estate.GapParseError, err, l.opts.Account, "", "")
		return
	}
	l.rawPolicyDoc(in, doc)
}

// rawPolicyDoc files doc, the policy document of a raw policy file.
func (l *Reader) rawPolicyDoc(in *input, doc *policy.Document) {
	base := path.Base(in.name)
	if k := orgFolderOf(in.name); k != nil {
		l.addOrgPolicy(in, k, doc, k.label+" "+in.name)
		return
	}
	switch {
	case isRegistryPolicyName(base):
		if l.opts.Account == "" {
			l.gap(estate.Gap{Source: in.name, Pos: doc.Pos, Code: estate.GapNoAccount, Region: l.opts.region(),
				Message: fmt.Sprintf("raw registry policy (%s) names no account: %s (or give the output of aws ecr get-registry-policy, which names it)", base, needAccount)})
			return
		}
		l.setRegistryPolicy(l.opts.Account, l.opts.region(), doc)
	case isPublicPolicyFile(in.name):
		name := publicNameOf(in)
		if l.opts.Account == "" {
			l.gap(estate.Gap{Source: in.name, Pos: doc.Pos, Code: estate.GapNoAccount,
				Message: fmt.Sprintf("raw policy of ECR Public repository %q names no account: %s (or give the output of aws ecr-public get-repository-policy, which names it)", name, needAccount)})
			return
		}
		l.named = append(l.named, namedInput{in: in, path: name, doc: doc, public: true})
	case doc.HasPrincipals():
		name := strings.TrimSuffix(in.rel, path.Ext(in.rel))
		l.notePublicOnly(in, doc)
		if s := registryOnly(doc); s != "" {
			l.note(in.name, fmt.Sprintf("read as a repository policy, but %s makes sense only in a registry policy: if this is the registry policy, name the file registry-policy.json (or NAME.registry-policy.json)", s))
		}
		if l.opts.Account == "" {
			l.gap(estate.Gap{Source: in.name, Pos: doc.Pos, Code: estate.GapNoAccount, Region: l.opts.region(),
				Message: fmt.Sprintf("raw repository policy for repository %q names no account: %s (or give the output of aws ecr get-repository-policy, which names it)", name, needAccount)})
			return
		}
		l.named = append(l.named, namedInput{in: in, path: name, doc: doc})
	default:
		if l.opts.Account == "" {
			l.gap(estate.Gap{Source: in.name, Pos: doc.Pos, Code: estate.GapNoAccount,
				Message: "raw identity policy names no account: " + needAccount})
			return
		}
		acct := l.est.Account(l.opts.Account)
		acct.Detached = append(acct.Detached, &estate.Policy{Name: "identity policy " + in.name, Doc: doc, Source: doc.Pos})
	}
}

// setRepositoryPolicy records a repository policy read from in. A
// repository whose policy another input already gave is merged as
// estate.Estate.Merge merges two inputs: the same policy quietly, a
// different one (or "no policy") as a conflict Gap.
func (l *Reader) setRepositoryPolicy(in *input, repo *estate.Repository, doc *policy.Document) {
	one := estate.New()
	r := one.Account(repo.Account).Region(repo.Region).Repository(repo.Name)
	r.SetPolicy(&estate.Policy{Name: "repository policy of " + repo.Name, Doc: doc, Source: doc.Pos})
	r.Source = doc.Pos
	l.est.Merge(one)
}

// ecrPolicyOutput reads the output of aws ecr get-repository-policy or
// get-registry-policy.
func (l *Reader) ecrPolicyOutput(in *input) {
	o := in.objectAt(in.root, "")
	acct := o.account("registryId", true)
	repoName := ""
	isRepo := o.get("repositoryName", false) != nil
	if isRepo {
		repoName = o.str("repositoryName", true)
	}
	text := o.get("policyText", true)
	if text != nil && text.Kind != jsonpos.String {
		o.fail(text.Off, "policyText: expected the policy document as a JSON string, got %s", text.Kind)
	}
	if isPublicPolicyFile(in.name) && o.err == nil {
		l.publicPolicyOutput(in, o, acct, text)
		return
	}
	region := l.opts.region()
	resource := ""
	if o.err == nil {
		resource = estate.RegistryARN(region, acct)
		if isRepo {
			resource = estate.RepositoryARN(region, acct, repoName)
		}
	}
	if o.err != nil {
		l.gapFor(in, estate.GapInvalidInput, o.err, acct, region, resource)
		return
	}
	doc, err := policy.ParseEmbedded(in.data, text.Off, in.loc, false)
	if err != nil {
		l.gapFor(in, estate.GapParseError, err, acct, region, resource)
		return
	}
	reg := l.est.Account(acct).Region(region)
	if isRepo {
		l.notePublicOnly(in, doc)
		l.setRepositoryPolicy(in, reg.Repository(repoName), doc)
		return
	}
	l.setRegistryPolicy(acct, region, doc)
}

// setRegistryPolicy records the registry policy of an account's region. As
// for a repository, a registry policy given twice merges as two inputs do.
func (l *Reader) setRegistryPolicy(acct, region string, doc *policy.Document) {
	one := estate.New()
	one.Account(acct).Region(region).Registry.SetPolicy(&estate.Policy{Name: fmt.Sprintf("registry policy of %s in %s", acct, region), Doc: doc, Source: doc.Pos})
	l.est.Merge(one)
}

// isRegistryPolicyName reports whether a file's base name says it holds the
// registry policy: registry-policy.json, or NAME.registry-policy.json
// (prod.registry-policy.json) for one of several registries.
func isRegistryPolicyName(base string) bool {
	lower := strings.ToLower(base)
	return lower == "registry-policy.json" || strings.HasSuffix(lower, ".registry-policy.json")
}

// registryActions are actions that a registry policy grants and a
// repository policy cannot use: creating repositories (by replication or
// a pull through cache), replicating into the registry, importing from an
// upstream registry.
var registryActions = map[string]bool{
	"ecr:createrepository":         true,
	"ecr:replicateimage":           true,
	"ecr:batchimportupstreamimage": true,
}

// registryOnly describes the first element of doc that makes sense only
// in a registry policy (an action of registryActions, a Resource of every
// repository), or returns "".
func registryOnly(doc *policy.Document) string {
	for _, st := range doc.Statements {
		for _, a := range st.Action {
			if registryActions[strings.ToLower(a.Text)] {
				return fmt.Sprintf("%s (%s, at %s)", a.Text, st.Label(), a.Pos)
			}
		}
		for _, r := range st.Resource {
			if strings.HasSuffix(r.Text, ":repository/*") {
				return fmt.Sprintf("the Resource %s (%s, at %s)", r.Text, st.Label(), r.Pos)
			}
		}
	}
	return ""
}

// topArray reads the file's top-level object and the elements of its
// array member key. When either is missing or malformed, the file is a gap
// and the object nil.
func (l *Reader) topArray(in *input, key string) (*object, []*jsonpos.Node) {
	o := in.objectAt(in.root, "")
	elems := o.array(key, true)
	if o.err != nil {
		l.gapFor(in, estate.GapInvalidInput, o.err, "", "", "")
		return nil, nil
	}
	return o, elems
}

// describeRepositories reads the output of aws ecr describe-repositories
// and of aws ecr-public describe-repositories (publicRepositoryElem).
// Repositories whose policy is not given stay Unread: the analysis reports
// them as not assessed, never as clean.
func (l *Reader) describeRepositories(in *input) {
	top, elems := l.topArray(in, "repositories")
	if top == nil {
		return
	}
	if m, ok := pageMarker(in.root); ok {
		l.gap(estate.Gap{Source: in.name, Pos: in.pos(m.KeyOff), Code: estate.GapTruncated, Region: l.opts.region(),
			Message: fmt.Sprintf("describe-repositories output is truncated (%s): the file holds only the first page, and the repositories on the other pages were not assessed; run aws ecr describe-repositories without --max-items", describeMarker(m))})
	}
	for i, e := range elems {
		o := in.objectAt(e, fmt.Sprintf("repositories[%d]", i))
		if isPublicRepositoryElem(e) {
			l.publicRepositoryElem(in, o)
			continue
		}
		name := o.str("repositoryName", true)
		arn := o.str("repositoryArn", false)
		acct := o.account("registryId", false)
		region := l.opts.region()
		if arn != "" && o.err == nil {
			a, ok := policy.ParseARN(arn)
			rest, isRepo := strings.CutPrefix(a.Resource, "repository/")
			switch {
			case !ok || a.Service != "ecr" || !isRepo || !policy.IsAccountID(a.Account) || a.Region == "":
				o.fail(o.n.Get("repositoryArn").Off, "%s.repositoryArn: expected arn:aws:ecr:REGION:ACCOUNT:repository/NAME, got %q", o.what, arn)
			case rest != name:
				o.fail(o.n.Get("repositoryArn").Off, "%s.repositoryArn: names repository %q, but repositoryName is %q", o.what, rest, name)
			case acct != "" && acct != a.Account:
				o.fail(o.n.Get("repositoryArn").Off, "%s.repositoryArn: names account %s, but registryId is %s", o.what, a.Account, acct)
			default:
				acct, region = a.Account, a.Region
			}
		}
		if o.err == nil && acct == "" {
			o.fail(e.Off, "%s: names no account: expected repositoryArn or registryId", o.what)
		}
		mutability := o.str("imageTagMutability", false)
		var scanOnPush *bool
		if sc := o.sub("imageScanningConfiguration", false); sc != nil {
			if v, ok := sc.boolean("scanOnPush"); ok {
				scanOnPush = &v
			}
			o.take(sc)
		}
		encryption := ""
		if ec := o.sub("encryptionConfiguration", false); ec != nil {
			encryption = ec.str("encryptionType", false)
			o.take(ec)
		}
		created := ""
		if c := o.get("createdAt", false); c != nil {
			switch c.Kind {
			case jsonpos.String:
				created = c.Text
			case jsonpos.Number:
				// The API's JSON gives seconds since the epoch.
				if f, err := strconv.ParseFloat(c.Text, 64); err == nil && f >= 0 && f < 1e11 {
					created = time.Unix(int64(f), 0).UTC().Format(time.RFC3339)
				} else {
					o.fail(c.Off, "%s.createdAt: expected a time, got the number %s", o.what, c.Text)
				}
			default:
				o.fail(c.Off, "%s.createdAt: expected a time, got %s", o.what, c.Kind)
			}
		}
		if o.err != nil {
			l.gapFor(in, estate.GapInvalidInput, o.err, acct, region, "")
			continue
		}
		repo := l.est.Account(acct).Region(region).Repository(name)
		repo.InInventory = true
		repo.ImageTagMutability = mutability
		repo.ScanOnPush = scanOnPush
		repo.EncryptionType = encryption
		repo.CreatedAt = created
		if !repo.Source.IsValid() {
			repo.Source = in.pos(e.Off)
		}
	}
}

// accountSetting reads the output of aws ecr get-account-setting.
func (l *Reader) accountSetting(in *input) {
	o := in.objectAt(in.root, "")
	name := o.str("name", true)
	value := o.str("value", true)
	if o.err != nil {
		l.gapFor(in, estate.GapInvalidInput, o.err, l.opts.Account, l.opts.region(), "")
		return
	}
	if name != "REGISTRY_POLICY_SCOPE" {
		l.note(in.name, fmt.Sprintf("account setting %s is not one ecrguard uses (it reads REGISTRY_POLICY_SCOPE)", name))
		return
	}
	if value != estate.ScopeV1 && value != estate.ScopeV2 {
		l.gapFor(in, estate.GapInvalidInput, in.errorf(in.root.Get("value").Off, "value: expected %q or %q for REGISTRY_POLICY_SCOPE, got %q", estate.ScopeV1, estate.ScopeV2, value), l.opts.Account, l.opts.region(), "")
		return
	}
	if l.opts.Account == "" {
		l.gap(estate.Gap{Source: in.name, Pos: in.pos(in.root.Off), Code: estate.GapNoAccount, Region: l.opts.region(),
			Message: "REGISTRY_POLICY_SCOPE setting names no account: " + needAccount})
		return
	}
	l.est.Account(l.opts.Account).Region(l.opts.region()).Registry.Scope = value
}

// tags reads the output of aws ecr list-tags-for-resource in a file named
// NAME.tags.json, NAME naming the repository by the one naming rule of
// finishNamed.
func (l *Reader) tags(in *input) {
	o, elems := l.topArray(in, "tags")
	if o == nil {
		return
	}
	// {"tags": [...]} is a common shape; only Key/Value lists are tag lists.
	for _, e := range elems {
		if e.Kind != jsonpos.Object || e.Get("Key") == nil {
			if !strings.HasSuffix(in.rel, ".tags.json") {
				l.Skip(in.name, "JSON with tags that are not a list of {\"Key\", \"Value\"}, so not the output of list-tags-for-resource")
				return
			}
			break
		}
	}
	name, ok := strings.CutSuffix(in.rel, ".tags.json")
	if !ok || name == "" {
		l.gap(estate.Gap{Source: in.name, Pos: in.pos(in.root.Off), Code: estate.GapInvalidInput,
			Message: "list-tags-for-resource output must be in a file named REPOSITORY.tags.json (alice/tools.tags.json for repository alice/tools): the output does not name its repository"})
		return
	}
	tags := o.tagList("tags")
	if o.err != nil {
		l.gapFor(in, estate.GapInvalidInput, o.err, l.opts.Account, l.opts.region(), "")
		return
	}
	if l.opts.Account == "" {
		l.gap(estate.Gap{Source: in.name, Pos: in.pos(in.root.Off), Code: estate.GapNoAccount, Region: l.opts.region(),
			Message: fmt.Sprintf("tags of repository %q name no account: %s", name, needAccount)})
		return
	}
	if tags == nil {
		tags = map[string]string{}
	}
	l.named = append(l.named, namedInput{in: in, path: name, tags: tags})
}

// setTags records the tags of a repository read from in.
func (l *Reader) setTags(in *input, repo *estate.Repository, tags map[string]string) {
	name := repo.Name
	if repo.TagsKnown {
		// As estate.Estate.Merge does with two inputs: the same tags
		// quietly, different ones as a conflict (the first read is used).
		if !maps.Equal(repo.Tags, tags) {
			l.gap(estate.Gap{Source: in.name, Pos: in.pos(in.root.Off), Code: estate.GapConflictingInputs, Account: repo.Account, Region: repo.Region, Resource: repo.ARN,
				Message: fmt.Sprintf("inputs disagree about the tags of repository %s: %v here, but %v read before; the analysis uses the first and not these; make the inputs agree to assess it", name, tags, repo.Tags)})
		}
		return
	}
	repo.Tags, repo.TagsKnown = tags, true
}
