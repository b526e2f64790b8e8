package identity

import (
	"context"
	"encoding/json"
	"fmt"
	"testing"
	"testing/fstest"
	"time"

	"github.com/ecrguard/ecrguard/estate"
	"github.com/ecrguard/ecrguard/internal/gen"
	"github.com/ecrguard/ecrguard/policy"
	"github.com/ecrguard/ecrguard/source/file"
)

func generated(t testing.TB, roles, repos int) *estate.Account {
	t.Helper()
	fsys := fstest.MapFS{"iam.json": {Data: gen.AuthorizationDetails(gen.Sizes{Roles: roles, Policies: roles / 2, Users: roles / 10, Groups: 10}, 7)}}
	docs := gen.RepositoryPolicies(repos/3, 3)
	for i, name := range gen.RepositoryNames(repos) {
		text := `{"Version":"2012-10-17","Statement":[]}`
		if d, ok := docs[fmt.Sprintf("repo-%05d", i)]; ok {
			text = string(d)
		}
		out, _ := json.Marshal(map[string]string{"registryId": gen.Owner, "repositoryName": name, "policyText": text})
		fsys["p/"+name+".json"] = &fstest.MapFile{Data: out}
		tags, _ := json.Marshal(map[string]any{"tags": []map[string]string{{"Key": "team", "Value": fmt.Sprintf("team-%d", i%7)}}})
		fsys[name+".tags.json"] = &fstest.MapFile{Data: tags}
	}
	est, err := file.Load(context.Background(), fsys, []string{"."}, file.Options{Account: gen.Owner})
	if err != nil {
		t.Fatal(err)
	}
	if len(est.Gaps) > 0 {
		t.Fatalf("gaps: %v", est.Gaps)
	}
	return est.Lookup(gen.Owner)
}

// TestMemoChangesNoAnswer asks every question of the identity rules twice,
// with and without the memo, and requires the same answers: the memo only
// saves work.
func TestMemoChangesNoAnswer(t *testing.T) {
	checkMemo(t, generated(t, 150, 40))
}

// TestMemoChangesNoAnswerUnderRCPs is TestMemoChangesNoAnswer with RCPs
// over the account whose Deny statements read the repository's tags and
// the caller's ARN: they tie the identity side to the resource side.
func TestMemoChangesNoAnswerUnderRCPs(t *testing.T) {
	acct := generated(t, 100, 30)
	doc, err := policy.Parse([]byte(`{"Version":"2012-10-17","Statement":[
		{"Sid":"RCPFullAWSAccess","Effect":"Allow","Principal":"*","Action":"*","Resource":"*"},
		{"Sid":"PullOnlyTeamOne","Effect":"Deny","Principal":"*","Action":"ecr:BatchGetImage","Resource":"*","Condition":{"StringNotEquals":{"ecr:ResourceTag/team":"team-1"}}},
		{"Sid":"DeleteOnlyAdmins","Effect":"Deny","Principal":"*","Action":["ecr:DeleteRepository","ecr:PutImage"],"Resource":"*","Condition":{"ArnNotLike":{"aws:PrincipalArn":"arn:aws:iam::*:role/*1*"}}}]}`), "rcp.json")
	if err != nil {
		t.Fatal(err)
	}
	acct.RCPs, acct.RCPsKnown = []*estate.Policy{{Name: "rcp.json", Doc: doc}}, true
	checkMemo(t, acct)
}

// checkMemo asks every question of the identity rules about acct twice,
// with and without the memo, and requires the same answers.
func checkMemo(t *testing.T, acct *estate.Account) {
	t.Helper()
	with := Build(acct, gen.OrgID, "", time.Time{})
	without := Build(acct, gen.OrgID, "", time.Time{})
	without.memo.off = true
	actions := []string{"ecr:BatchDeleteImage", "ecr:DeleteRepository", "ecr:SetRepositoryPolicy", "ecr:PutImage", "ecr:BatchGetImage"}
	asked, allowed := 0, 0
	for i, p := range with.Principals {
		q := without.Principals[i]
		for _, act := range actions {
			for _, mode := range []Mode{Free, NoMFA} {
				bulk := with.Answer(p, act, mode)
				for ri, repo := range with.Repositories {
					wa, _ := with.Can(p, act, repo, mode)
					wb, _ := without.Can(q, act, without.Repositories[ri], mode)
					a, b := wa != nil, wb != nil
					c := bulk.Repos[ri] != nil
					asked++
					if a {
						allowed++
					}
					if a != b || c != b {
						t.Fatalf("%s %s on %s (mode %d): memo says %v, Answer says %v, evaluation says %v", p.ARN, act, repo.Name, mode, a, c, b)
					}
				}
				we, _ := without.CanEvery(q, act, mode)
				wa, _ := with.CanEvery(p, act, mode)
				if e := we != nil; (wa != nil) != e || (bulk.Every != nil) != e {
					t.Fatalf("%s %s on every repository: memo, Answer and evaluation differ", p.ARN, act)
				}
			}
		}
	}
	if allowed == 0 || allowed == asked {
		t.Fatalf("degenerate estate: %d of %d questions allowed", allowed, asked)
	}
	t.Logf("%d questions, %d allowed; distinct evaluations: %d joint, %d repository-policy side", asked, allowed, len(with.memo.answers), len(with.memo.resources))
}

// A registry policy is shared by the repositories of its region, but its
// statements' Resource need not match them all: answers are shared only
// between repositories its patterns match alike. A grant on repository/app*
// was reported for tools too when asked after app, and not for app when
// asked after tools (or after Answer, whose "every repository" question
// asks about a repository the account does not name).
func TestMemoRegistryResource(t *testing.T) {
	f := fixture{
		roles:    []who{{name: "ci", inline: []string{allowLogin}}},
		repos:    []repoSpec{{name: "app", tagsKnown: true}, {name: "tools", tagsKnown: true}},
		registry: `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"*"},"Action":"ecr:PutImage","Resource":"arn:aws:ecr:us-east-1:111122223333:repository/app*"},{"Effect":"Deny","Principal":{"AWS":"*"},"Action":"ecr:BatchGetImage","Resource":"arn:aws:ecr:us-east-1:111122223333:repository/tools"}]}`,
		scope:    "V2",
	}
	f.roles[0].inline = append(f.roles[0].inline, allowPull)
	for _, order := range [][]string{{"app", "tools"}, {"tools", "app"}} {
		m := f.build(t)
		p := m.principal(t, "role/ci")
		a := m.Answer(p, "ecr:PutImage", Free)
		pull := m.Answer(p, "ecr:BatchGetImage", Free)
		for _, name := range order {
			repo := m.repository(t, name)
			for _, action := range []string{"ecr:PutImage", "ecr:BatchGetImage"} {
				w, _ := m.Can(p, action, repo, Free)
				if got, want := w != nil, name == "app"; got != want {
					t.Errorf("%s on %s (asked %v): %v, want %v", action, name, order, got, want)
				}
			}
			if got := a.Repos[repo.index] != nil; got != (name == "app") {
				t.Errorf("Answer: PutImage on %s: %v", name, got)
			}
			if got := pull.Repos[repo.index] != nil; got != (name == "app") {
				t.Errorf("Answer: BatchGetImage on %s: %v", name, got)
			}
		}
	}
}
