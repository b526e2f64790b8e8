package analysis

import (
	"fmt"
	"slices"
	"strings"

	"github.com/ecrguard/ecrguard/exposure"
	"github.com/ecrguard/ecrguard/policy"
)

// nameFixes gives every item the file --fix-dir writes its fix to
// (FixName): fixFileName's, unless an item before it took that name
// (repositories team/app and team-app both make …-team-app-policy.json; a
// file system may not tell case apart) or a scan of the folder would read
// it as another kind of policy (a repository app.public's would end in
// .public-policy.json): then with -2, -3… before its ending.
func (a *Analysis) nameFixes() {
	taken := map[string]bool{}
	for _, x := range slices.Concat(a.Exposure, a.Public) {
		name := fixFileName(x.Target)
		ending := "-policy.json"
		switch x.Target.Kind {
		case exposure.Registry:
			ending = ".registry-policy.json"
		case exposure.Public:
			ending = ".public-policy.json"
		}
		stem := strings.TrimSuffix(name, ending)
		for n := 2; taken[strings.ToLower(name)] || readAsOther(name, x.Target.Kind); n++ {
			name = fmt.Sprintf("%s-%d%s", stem, n, ending)
		}
		taken[strings.ToLower(name)] = true
		x.FixName = name
	}
}

// readAsOther reports whether a scan reads a file called name as a policy
// of another kind than kind's: as a registry's or an ECR Public
// repository's, by its ending (README, "Scan your files").
func readAsOther(name string, kind exposure.Kind) bool {
	if kind == exposure.Registry || kind == exposure.Public {
		return false
	}
	lower := strings.ToLower(name)
	return strings.HasSuffix(lower, ".registry-policy.json") || strings.HasSuffix(lower, ".public-policy.json")
}

// fixFileName is the file a fixed policy of t is written to; "owner"
// stands for an account the inputs do not name. A scan of the folder
// reads each file as the kind of policy it fixes: a registry's ends in
// .registry-policy.json and an ECR Public repository's in
// .public-policy.json, as a raw policy file of that kind is named
// (README, "Scan your files"); a creation template's is read as the
// repository policy it gives.
func fixFileName(t exposure.Target) string {
	acct := t.Account
	if acct == "" {
		acct = "owner"
	}
	acct, region := fileSafe(acct), fileSafe(t.Region)
	switch t.Kind {
	case exposure.Registry:
		return fmt.Sprintf("%s-%s.registry-policy.json", acct, region)
	case exposure.Template:
		return fmt.Sprintf("template-%s-%s-%s-policy.json", acct, region, fileSafe(t.Prefix))
	case exposure.Public:
		return fmt.Sprintf("%s-%s.public-policy.json", acct, fileSafe(t.Repository))
	}
	return fmt.Sprintf("%s-%s-%s-policy.json", acct, region, fileSafe(t.Repository))
}

// fileSafe is a part of a file name that the inputs give (an account,
// region, repository name or template prefix): "/" and "\" become "-", so
// that the name stays in --fix-dir's folder whatever a Terraform provider's
// region says, and a name not known at scan time
// (<aws_ecr_repository.app.name>, <!Ref Repo>) its expression, in
// characters every file system takes.
func fileSafe(name string) string {
	if policy.IsPlaceholder(name) {
		name = strings.Join(strings.FieldsFunc(name, func(r rune) bool {
			return !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '.' || r == '_' || r == '-')
		}), "-")
	}
	if !strings.ContainsAny(name, `/\`) {
		return name
	}
	return separators.Replace(name)
}

// separators turns the path separators of a file name part into "-".
var separators = strings.NewReplacer("/", "-", `\`, "-")
