package file

import (
	"bytes"
	"fmt"
	"regexp"

	"github.com/ecrguard/ecrguard/estate"
	"github.com/ecrguard/ecrguard/policy"
)

// cliErrorLine is the message the AWS CLI prints when a call fails (on
// stderr, which `2>&1` saves in the file): "An error occurred (CODE) when
// calling the OPERATION operation: MESSAGE", after "aws: [ERROR]: " in the
// CLI's newer error output, with " (reached max retries: N)" after the
// operation when it retried.
var cliErrorLine = regexp.MustCompile(`^(?:aws: \[ERROR\]: )?An error occurred \(([A-Za-z0-9_.]+)\) when calling the ([A-Za-z0-9]*) ?operation(?: \([^)]*\))?: ?(.*)$`)

var (
	// cliRepositoryName and cliRegistryID find the repository and the
	// registry in ECR's messages ("… for the repository with name 'app' in
	// the registry with id '111122223333'").
	cliRepositoryName = regexp.MustCompile(`repository with name '([^']+)'`)
	cliRegistryID     = regexp.MustCompile(`registry with id '(\d{12})'`)
	// cliARN finds the resource of an access denied message ("… on
	// resource: arn:aws:ecr:us-east-1:111122223333:repository/app …").
	cliARN = regexp.MustCompile(`arn:aws[a-z-]*:ecr:[a-z0-9-]+:\d{12}:[A-Za-z0-9._/-]+`)
)

// cliError reads a file that holds what the AWS CLI printed when a call
// failed, and reports whether it was one. "No policy" answers of
// get-repository-policy and get-registry-policy are what they say: the
// repository or registry was read, and has no policy (as `ecrguard
// collect` records them). Any other error is a Gap naming the AWS error
// code: what the call would have read was not. In a file of ECR Public
// policies (isPublicPolicyFile) "no policy" is an ECR Public repository's.
func (l *Reader) cliError(in *input) bool {
	text := bytes.TrimSpace(in.data)
	if len(text) == 0 || bytes.ContainsAny(text, "\r\n") {
		return false
	}
	m := cliErrorLine.FindSubmatchIndex(text)
	if m == nil {
		return false
	}
	start := len(in.data) - len(bytes.TrimLeft(in.data, " \t\r\n"))
	code, op, msg := string(text[m[2]:m[3]]), string(text[m[4]:m[5]]), string(text[m[6]:m[7]])
	at := func(sub []int) policy.Pos {
		if sub == nil {
			return in.pos(start)
		}
		return in.pos(start + m[6] + sub[2])
	}
	account, acctAt := l.opts.Account, []int(nil)
	if sub := cliRegistryID.FindStringSubmatchIndex(msg); sub != nil {
		account, acctAt = msg[sub[2]:sub[3]], sub
	}
	region := l.opts.region()
	switch {
	case code == "RepositoryPolicyNotFoundException" && isPublicPolicyFile(in.name):
		// aws ecr-public get-repository-policy says it in the same words;
		// the file's name says which repository when the message does not.
		name, nameAt := publicNameOf(in), at(nil)
		if sub := cliRepositoryName.FindStringSubmatchIndex(msg); sub != nil {
			name, nameAt = msg[sub[2]:sub[3]], at(sub)
		}
		if account == "" {
			l.gap(estate.Gap{Source: in.name, Pos: nameAt, Code: estate.GapNoAccount,
				Message: fmt.Sprintf("the AWS CLI's answer that ECR Public repository %q has no policy names no account: %s", name, needAccount)})
			return true
		}
		l.setPublicPolicy(account, name, nil, nameAt)
	case code == "RepositoryPolicyNotFoundException":
		sub := cliRepositoryName.FindStringSubmatchIndex(msg)
		if sub == nil {
			l.gap(estate.Gap{Source: in.name, Pos: at(nil), Code: estate.GapInvalidInput, Account: account, Region: region,
				Message: "the AWS CLI's answer that a repository has no policy (RepositoryPolicyNotFoundException) does not name the repository: save the whole of what aws ecr get-repository-policy prints (2>&1)"})
			return true
		}
		name := msg[sub[2]:sub[3]]
		if account == "" {
			l.gap(estate.Gap{Source: in.name, Pos: at(sub), Code: estate.GapNoAccount, Region: region,
				Message: fmt.Sprintf("the AWS CLI's answer that repository %q has no policy names no account: %s", name, needAccount)})
			return true
		}
		one := estate.New()
		r := one.Account(account).Region(region).Repository(name)
		r.SetPolicy(nil)
		r.Source = at(sub)
		l.est.Merge(one)
	case code == "RegistryPolicyNotFoundException":
		if account == "" {
			l.gap(estate.Gap{Source: in.name, Pos: at(nil), Code: estate.GapNoAccount, Region: region,
				Message: "the AWS CLI's answer that the registry has no policy names no account: " + needAccount})
			return true
		}
		one := estate.New()
		one.Account(account).Region(region).Registry.SetPolicy(nil)
		l.est.Merge(one)
	default:
		g := estate.Gap{Source: in.name, Pos: at(acctAt), Code: estate.GapCode(code), Account: account, Region: region,
			Message: fmt.Sprintf("the AWS CLI's %s call failed with %s: %s; what it would have read is not assessed", opName(op), code, msg)}
		if arn := cliARN.FindString(msg); arn != "" {
			if a, ok := policy.ParseARN(arn); ok {
				g.Account, g.Region, g.Resource = a.Account, a.Region, arn
			}
		} else if sub := cliRepositoryName.FindStringSubmatch(msg); sub != nil && account != "" {
			g.Resource = estate.RepositoryARN(region, account, sub[1])
			if isPublicPolicyFile(in.name) {
				g.Region, g.Resource = "", estate.PublicRepositoryARN(account, sub[1])
			}
		}
		l.gap(g)
	}
	return true
}

func opName(op string) string {
	if op == "" {
		return "AWS"
	}
	return op
}
