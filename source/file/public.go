package file

import (
	"fmt"
	"path"
	"strings"

	"github.com/ecrguard/ecrguard/estate"
	"github.com/ecrguard/ecrguard/internal/jsonpos"
	"github.com/ecrguard/ecrguard/policy"
)

// ECR Public's outputs. `aws ecr-public describe-repositories` is told from
// the private one by its content (ARNs of the ecr-public service, URIs on
// public.ecr.aws). `aws ecr-public get-repository-policy` prints exactly
// the keys of the private `aws ecr get-repository-policy` (registryId,
// repositoryName, policyText; ECR Public API Reference,
// "GetRepositoryPolicy"), and its "no policy" error is the private one's
// (RepositoryPolicyNotFoundException), so only the file can say which
// service it came from: a file named NAME.public-policy.json, or any file
// in a folder named ecr-public, holds ECR Public policies.

// publicPolicySuffix ends the name of a file of an ECR Public repository
// policy.
const publicPolicySuffix = ".public-policy.json"

// publicFolder is the name of a folder whose policy files are ECR Public's.
const publicFolder = "ecr-public"

// isPublicPolicyFile reports whether the file named name holds ECR Public
// policies: NAME.public-policy.json, or a file in a folder ecr-public.
func isPublicPolicyFile(name string) bool {
	if hasPublicSuffix(name) {
		return true
	}
	for _, d := range strings.Split(path.Dir(name), "/") {
		if d == publicFolder {
			return true
		}
	}
	return false
}

// publicNameOf returns the path that names the ECR Public repository of a
// raw policy file, without the extension: for NAME.public-policy.json its
// path below the scanned folder (the one naming rule of finishNamed), for
// another file in a folder ecr-public its path below that folder.
func publicNameOf(in *input) string {
	p := in.rel
	if !hasPublicSuffix(p) {
		dirs := strings.Split(in.name, "/")
		for i := len(dirs) - 2; i >= 0; i-- {
			if dirs[i] == publicFolder {
				p = strings.Join(dirs[i+1:], "/")
				break
			}
		}
	}
	if hasPublicSuffix(p) {
		return p[:len(p)-len(publicPolicySuffix)]
	}
	return strings.TrimSuffix(p, path.Ext(p))
}

func hasPublicSuffix(name string) bool {
	return strings.HasSuffix(strings.ToLower(name), publicPolicySuffix)
}

// isPublicRepositoryElem reports whether an element of describe-repositories
// describes an ECR Public repository: its ARN is of the ecr-public service
// or its URI is on public.ecr.aws.
func isPublicRepositoryElem(e *jsonpos.Node) bool {
	if e.Kind != jsonpos.Object {
		return false
	}
	if v := e.Get("repositoryArn"); v != nil && v.Kind == jsonpos.String {
		if a, ok := policy.ParseARN(v.Text); ok && a.Service == "ecr-public" {
			return true
		}
	}
	v := e.Get("repositoryUri")
	return v != nil && v.Kind == jsonpos.String && strings.HasPrefix(v.Text, "public.ecr.aws/")
}

// publicRepositoryElem reads o, an element of aws ecr-public
// describe-repositories: the repository, its policy unread.
func (l *Reader) publicRepositoryElem(in *input, o *object) {
	name := o.str("repositoryName", true)
	arn := o.str("repositoryArn", false)
	acct := o.account("registryId", false)
	if arn != "" && o.err == nil {
		a, ok := policy.ParseARN(arn)
		rest, isRepo := strings.CutPrefix(a.Resource, "repository/")
		at := o.n.Get("repositoryArn").Off
		switch {
		case !ok || a.Service != "ecr-public" || !isRepo || !policy.IsAccountID(a.Account):
			o.fail(at, "%s.repositoryArn: expected arn:aws:ecr-public::ACCOUNT:repository/NAME, got %q", o.what, arn)
		case rest != name:
			o.fail(at, "%s.repositoryArn: names repository %q, but repositoryName is %q", o.what, rest, name)
		case acct != "" && acct != a.Account:
			o.fail(at, "%s.repositoryArn: names account %s, but registryId is %s", o.what, a.Account, acct)
		default:
			acct = a.Account
		}
	}
	if o.err == nil && acct == "" {
		o.fail(o.n.Off, "%s: names no account: expected repositoryArn or registryId", o.what)
	}
	if o.err != nil {
		l.gapFor(in, estate.GapInvalidInput, o.err, acct, "", "")
		return
	}
	one := estate.New()
	one.Account(acct).PublicRepository(name).Source = in.pos(o.n.Off)
	l.est.Merge(one)
}

// setPublicPolicy records the policy of an ECR Public repository (nil: it
// has none) read at at; one given twice merges as two inputs do.
func (l *Reader) setPublicPolicy(acct, name string, doc *policy.Document, at policy.Pos) {
	one := estate.New()
	p := one.Account(acct).PublicRepository(name)
	if doc == nil {
		p.SetPolicy(nil)
		p.Source = at
	} else {
		p.SetPolicy(&estate.Policy{Name: "repository policy of public " + name, Doc: doc, Source: doc.Pos})
		p.Source = doc.Pos
	}
	l.est.Merge(one)
}

// publicPolicyOutput reads the output of aws ecr-public
// get-repository-policy (a file isPublicPolicyFile names) whose account
// and policyText offset ecrPolicyOutput read; ECR Public has no registry
// policy, so the output must name its repository.
func (l *Reader) publicPolicyOutput(in *input, o *object, acct string, text *jsonpos.Node) {
	name := o.str("repositoryName", true)
	if o.err != nil {
		l.gapFor(in, estate.GapInvalidInput, labelled("aws ecr-public get-repository-policy output ("+in.name+" holds ECR Public policies by its name)", o.err), acct, "", "")
		return
	}
	doc, err := policy.ParseEmbedded(in.data, text.Off, in.loc, false)
	if err != nil {
		l.gapFor(in, estate.GapParseError, err, acct, "", estate.PublicRepositoryARN(acct, name))
		return
	}
	l.setPublicPolicy(acct, name, doc, doc.Pos)
}

// publicOnly describes the first action of doc that only an ECR Public
// repository policy can use, when every action doc names is one
// (ecr-public:*), or returns "".
func publicOnly(doc *policy.Document) string {
	first := ""
	for _, st := range doc.Statements {
		for _, a := range append(append([]policy.Value{}, st.Action...), st.NotAction...) {
			if !strings.HasPrefix(strings.ToLower(a.Text), "ecr-public:") {
				return ""
			}
			if first == "" {
				first = fmt.Sprintf("%s (%s, at %s)", a.Text, st.Label(), a.Pos)
			}
		}
	}
	return first
}

// notePublicOnly notes a private repository policy read from in whose
// actions are all ECR Public's: most likely the policy of an ECR Public
// repository in a file not named as one.
func (l *Reader) notePublicOnly(in *input, doc *policy.Document) {
	if s := publicOnly(doc); s != "" {
		l.note(in.name, fmt.Sprintf("read as the policy of a private repository, but it names only ECR Public actions, such as %s: if it is an ECR Public repository's policy, name the file NAME%s or put it in a folder %s/", s, publicPolicySuffix, publicFolder))
	}
}
