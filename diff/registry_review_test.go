package diff

import (
	"testing"
)

// TestRegistryDenyNarrowedTemplate: a registry Deny of the partner that
// spares one VPC endpoint in BASE spares a second one in HEAD. Through the
// second endpoint the partner's pull is new in HEAD, for a repository and
// equally for the repositories a creation template will create (the
// template's exposure counts its registry's Denies too). denyStatements
// gets the registry's Deny statements only for repositories (registryOf),
// so for the template the lifted Deny is never searched, and Widening,
// comparing one proof of each side (both through the first endpoint),
// sees nothing wider.
func TestRegistryDenyNarrowedTemplate(t *testing.T) {
	const allow = `{\"Version\":\"2012-10-17\",\"Statement\":[{\"Sid\":\"Partner\",\"Effect\":\"Allow\",\"Principal\":{\"AWS\":\"arn:aws:iam::444455556666:root\"},\"Action\":\"ecr:BatchGetImage\"}]}`
	tpl := `{"registryId":"111122223333","repositoryCreationTemplates":[{"prefix":"ROOT","appliedFor":["REPLICATION"],"repositoryPolicy":"` + allow + `"}]}`
	app := `{"Version":"2012-10-17","Statement":[{"Sid":"Partner","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::444455556666:root"},"Action":"ecr:BatchGetImage"}]}`
	registry := func(endpoints string) string {
		return `{"registryId":"111122223333","policyText":"{\"Version\":\"2012-10-17\",\"Statement\":[{\"Sid\":\"NoPartner\",\"Effect\":\"Deny\",\"Principal\":{\"AWS\":\"arn:aws:iam::444455556666:root\"},\"Action\":\"ecr:*\",\"Resource\":\"arn:aws:ecr:us-east-1:111122223333:repository/*\",\"Condition\":{\"StringNotEquals\":{\"aws:SourceVpce\":` + endpoints + `}}}]}"}`
	}
	base := registry(`\"vpce-1a2b3c4d\"`)
	head := registry(`[\"vpce-1a2b3c4d\",\"vpce-5e6f7a8b\"]`)
	for _, tc := range []struct{ name, file, content, subject string }{
		{"repository", "app.json", app, appARN},
		{"creation template", "templates.json", tpl, "arn:aws:ecr:us-east-1:111122223333:repository-creation-template/ROOT"},
	} {
		res := compare(t, map[string]string{tc.file: tc.content, "registry-policy.json": base}, map[string]string{tc.file: tc.content, "registry-policy.json": head})
		found := false
		for _, g := range res.New {
			t.Logf("%s: new %s %s %s wider %v", tc.name, g.Key.Subject, g.Key.Principal, g.Key.Action, g.Wider)
			if g.Key.Subject == tc.subject && g.Key.Principal == "arn:aws:iam::444455556666:root" && g.Key.Action == "ecr:BatchGetImage" {
				found = true
			}
		}
		if !found {
			t.Errorf("%s: new %v, want the partner's pull through vpce-5e6f7a8b new in HEAD", tc.name, keys(res.New))
		}
	}
}
