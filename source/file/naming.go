package file

import (
	"strings"

	"github.com/ecrguard/ecrguard/policy"
)

// namedInput is a file that names its repository by the file's own name
// (a raw repository policy NAME.json, tags NAME.tags.json), kept until
// every file is read: which repository the name is depends on the names
// the other inputs give.
type namedInput struct {
	in *input
	// path is the file's path below the scanned folder, without its
	// extension ("estate/payments", "alice/tools").
	path string
	// doc is a repository policy; tags are a repository's tags otherwise.
	doc  *policy.Document
	tags map[string]string
	// public: doc is the policy of an ECR Public repository.
	public bool
}

// finishNamed files the inputs named by their files (ECR Public repository
// policies under the names of ECR Public repositories), each under the name
// the one naming rule gives (the README's "Scan your files"): the file's
// path below the scanned folder, folders included (alice/tools.tags.json
// is repository alice/tools), unless the inputs that name their
// repositories themselves (get-repository-policy, describe-repositories,
// snapshots) know it by a shorter name, its path without the first
// folders: then the folders above it are the user's own
// (estate/payments.tags.json is repository payments when another input
// names payments). The longest such name is the repository.
func (l *Reader) finishNamed() {
	region := l.opts.region()
	known, knownPublic := map[string]bool{}, map[string]bool{}
	if a := l.est.Lookup(l.opts.Account); a != nil {
		for _, r := range a.Regions() {
			if r.Name != region {
				continue
			}
			for _, repo := range r.Repositories() {
				known[repo.Name] = true
			}
		}
		for _, p := range a.Public {
			knownPublic[p.Name] = true
		}
	}
	for _, n := range l.named {
		if n.public {
			l.setPublicPolicy(l.opts.Account, repositoryName(n.path, knownPublic), n.doc, n.doc.Pos)
			continue
		}
		name := repositoryName(n.path, known)
		repo := l.est.Account(l.opts.Account).Region(region).Repository(name)
		if n.doc != nil {
			l.setRepositoryPolicy(n.in, repo, n.doc)
		} else {
			l.setTags(n.in, repo, n.tags)
		}
	}
	l.named = nil
}

// repositoryName returns the repository a file's path names: the longest
// tail of p (p itself, then p without its first folder, …) that is a
// known repository, or p when none is.
func repositoryName(p string, known map[string]bool) string {
	for tail := p; ; {
		if known[tail] {
			return tail
		}
		_, rest, ok := strings.Cut(tail, "/")
		if !ok {
			return p
		}
		tail = rest
	}
}
