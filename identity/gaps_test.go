package identity

import (
	"reflect"
	"strings"
	"testing"

	"github.com/ecrguard/ecrguard/estate"
)

// boxed allows a push only from 10.0.0.0/8 and denies it from there too:
// no request is allowed, but proving it takes a few evaluations, more than
// the lowered limit of limitFixture's models.
const boxed = `{"Version": "2012-10-17", "Statement": [
 {"Effect": "Allow", "Action": "ecr:PutImage", "Resource": "*", "Condition": {"IpAddress": {"aws:SourceIp": "10.0.0.0/8"}}},
 {"Effect": "Deny", "Action": "ecr:PutImage", "Resource": "*", "Condition": {"IpAddress": {"aws:SourceIp": "10.0.0.0/8"}}}]}`

var limitFixture = fixture{
	// Two roles with the same statements share their answers in the memo;
	// "pusher" can push, "idle" cannot and needs no search to know it.
	roles: []who{{name: "boxed", inline: []string{boxed}}, {name: "boxed-too", inline: []string{boxed}},
		{name: "pusher", inline: []string{pushAnywhere}}, {name: "idle"}},
	repos: []repoSpec{{name: "app"}, {name: "web", region: "eu-west-1"}},
}

const pushAnywhere = `{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "ecr:PutImage", "Resource": "*"}]}`

// limited builds limitFixture with a search limit low enough to cut the
// boxed roles' searches.
func limited(t *testing.T) *Model {
	t.Helper()
	m := limitFixture.build(t)
	m.memo.limit = 2
	return m
}

// questionGaps are the gaps each kind of question came back with.
type questionGaps map[string][]estate.Gap

// askAll asks the kinds of questions in order, for every principal, and
// returns their gaps.
func askAll(m *Model, order []string) questionGaps {
	out := questionGaps{}
	app := m.Repository("arn:aws:ecr:us-east-1:" + owner + ":repository/app")
	for _, q := range order {
		switch q {
		case "who-can":
			_, out[q] = m.WhoCan("ecr:PutImage", app)
		case "answer":
			for _, p := range m.Principals {
				out[q] = append(out[q], m.Answer(p, "ecr:PutImage", Free).Gaps...)
			}
		case "every":
			for _, p := range m.Principals {
				_, g := m.CanEvery(p, "ecr:PutImage", NoMFA)
				out[q] = append(out[q], g...)
			}
		case "star":
			for _, p := range m.Principals {
				_, g := m.Can(p, "ecr:PutImage", nil, Free)
				out[q] = append(out[q], g...)
			}
		}
	}
	return out
}

// TestGapsComeWithAnswers: a search cut at its limit is a gap of the answer
// that relied on it, named for the principal asked; the model is not
// changed, so a question gives the same gaps asked alone, twice, after
// others or in another order, on the model or on a fork.
func TestGapsComeWithAnswers(t *testing.T) {
	m := limited(t)
	built := append([]estate.Gap(nil), m.Gaps...)
	app := m.Repository("arn:aws:ecr:us-east-1:" + owner + ":repository/app")
	w, gaps := m.Can(m.principal(t, "role/boxed"), "ecr:PutImage", app, Free)
	if w != nil || len(gaps) != 1 || gaps[0].Code != estate.GapTooManyCombinations || gaps[0].Resource != roleARN("boxed") ||
		!strings.Contains(gaps[0].Message, "role/boxed's policies") || !strings.Contains(gaps[0].Message, "ecr:PutImage on "+app.ARN) {
		t.Fatalf("Can = %v, %v; want no proof and one too-many-combinations gap for role/boxed", w, gaps)
	}
	// The second role shares the first one's memoised answer, cut or not:
	// its gap names it.
	if _, gaps := m.Can(m.principal(t, "role/boxed-too"), "ecr:PutImage", app, Free); len(gaps) != 1 || gaps[0].Resource != roleARN("boxed-too") {
		t.Errorf("the role sharing the answer: gaps %v, want one of its own", gaps)
	}
	for _, label := range []string{"role/pusher", "role/idle"} {
		if _, gaps := m.Can(m.principal(t, label), "ecr:PutImage", app, Free); gaps != nil {
			t.Errorf("%s: gaps %v, want none (a proof, or a proven no)", label, gaps)
		}
	}

	order := []string{"who-can", "answer", "every", "star"}
	first := askAll(m, order)
	// One gap per boxed role and question; Answer's two questions (every
	// repository, the known ones) have one each.
	for q, n := range map[string]int{"who-can": 2, "answer": 4, "every": 2, "star": 2} {
		if len(first[q]) != n {
			t.Errorf("%s: %d gaps, want %d: %v", q, len(first[q]), n, first[q])
		}
	}
	if !reflect.DeepEqual(m.Gaps, built) {
		t.Errorf("questions changed the model's gaps: %v, built with %v", m.Gaps, built)
	}
	if again := askAll(m, order); !reflect.DeepEqual(again, first) {
		t.Errorf("asked twice:\n%v\nfirst:\n%v", again, first)
	}
	reversed := []string{"star", "every", "answer", "who-can"}
	if other := askAll(limited(t), reversed); !reflect.DeepEqual(other, first) {
		t.Errorf("asked in reverse order on a fresh model:\n%v\nfirst:\n%v", other, first)
	}
	if fork := askAll(m.Fork(), reversed); !reflect.DeepEqual(fork, first) {
		t.Errorf("asked on a fork:\n%v\nfirst:\n%v", fork, first)
	}
	for _, q := range order {
		if alone := askAll(limited(t), []string{q}); !reflect.DeepEqual(alone[q], first[q]) {
			t.Errorf("%s asked alone: %v, among the others: %v", q, alone[q], first[q])
		}
	}
}

// TestAnswerGapsNameRepositories: Answer says in one gap per action which
// repositories' noes are not proven, and apart the "every repository" one.
func TestAnswerGapsNameRepositories(t *testing.T) {
	m := limited(t)
	ans := m.Answer(m.principal(t, "role/boxed"), "ecr:PutImage", Free)
	if ans.Every != nil || ans.Repos[0] != nil || ans.Repos[1] != nil {
		t.Fatalf("Answer = %+v, want no proofs", ans)
	}
	var got []string
	for _, g := range ans.Gaps {
		got = append(got, g.Message[strings.LastIndex(g.Message, " on ")+4:])
	}
	want := []string{everyRepository, "2 repositories (arn:aws:ecr:eu-west-1:" + owner + ":repository/web, arn:aws:ecr:us-east-1:" + owner + ":repository/app)"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("gaps are about %q, want %q", got, want)
	}
	// With the default limit the same question is settled: no gap.
	if ans := limitFixture.build(t).Answer(m.principal(t, "role/boxed"), "ecr:PutImage", Free); ans.Gaps != nil {
		t.Errorf("default limit: gaps %v", ans.Gaps)
	}
}

// TestFoundCombinations: a proof settles a question whatever its other
// parts say; a proven no settles "every"; otherwise a cut part leaves the
// no unproven.
func TestFoundCombinations(t *testing.T) {
	m := limitFixture.build(t)
	app := m.Repository("arn:aws:ecr:us-east-1:" + owner + ":repository/app")
	yes, _ := m.Can(m.principal(t, "role/pusher"), "ecr:PutImage", app, Free)
	if yes == nil {
		t.Fatal("role/pusher cannot push")
	}
	y, no, cut := found{w: yes}, found{}, found{cut: true}
	for _, c := range []struct {
		name      string
		got, want found
	}{
		{"either yes cut", either(y, cut), y},
		{"either cut yes", either(cut, y), y},
		{"either cut no", either(cut, no), cut},
		{"either no no", either(no, no), no},
		{"both yes yes", both(y, y), y},
		{"both yes cut", both(y, cut), cut},
		{"both cut no", both(cut, no), no},
		{"both no cut", both(no, cut), no},
	} {
		if c.got != c.want {
			t.Errorf("%s = %+v, want %+v", c.name, c.got, c.want)
		}
	}
}
