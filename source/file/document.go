package file

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/ecrguard/ecrguard/estate"
	"github.com/ecrguard/ecrguard/policy"
)

// documentAccount owns the documents ReadDocument reads that name no
// account: only the documents are kept, so any account does.
const documentAccount = "000000000000"

// ReadDocument reads the one policy document of a file, path of the
// operating system, in any shape a scan reads (a raw policy, one written as
// a JSON string, the AWS CLI's outputs that hold one policy), with the
// same decoders: `ecrguard simulate` takes what `scan` takes. A file that
// does not read, holds no policy or holds several (the authorization
// details of an account) is an error that says so, at its position when
// it has one.
func ReadDocument(ctx context.Context, path string) (*policy.Document, error) {
	est, err := LoadPaths(ctx, []string{path}, Options{Account: documentAccount})
	if err != nil {
		return nil, err
	}
	if len(est.Gaps) > 0 {
		g := est.Gaps[0]
		if g.Pos.IsValid() {
			return nil, &policy.Error{Pos: g.Pos, Msg: g.Message}
		}
		return nil, fmt.Errorf("%s: %s", path, g.Message)
	}
	docs := documentsOf(est)
	switch {
	case len(docs) == 1:
		return docs[0].Doc, nil
	case len(docs) > 1:
		names := make([]string, len(docs))
		for i, d := range docs {
			names[i] = d.Name
		}
		return nil, fmt.Errorf("%s: holds %d policy documents (%s): give a file with one", path, len(docs), listSome(names, 3))
	}
	why := "no policy document in it"
	if len(est.Notes) > 0 {
		why = est.Notes[0].Message
	}
	return nil, errors.New(path + ": " + strings.TrimPrefix(why, "skipped: "))
}

// documentsOf lists every policy of est that governs requests: resource
// (creation templates' included), registry, identity, managed and
// organization policies (not trust
// policies, which govern only sts:AssumeRole).
func documentsOf(est *estate.Estate) []*estate.Policy {
	var out []*estate.Policy
	add := func(ps ...*estate.Policy) {
		for _, p := range ps {
			if p != nil && p.Doc != nil {
				out = append(out, p)
			}
		}
	}
	for _, a := range est.Accounts() {
		for _, r := range a.Regions() {
			add(r.Registry.Policy)
			for _, repo := range r.Repositories() {
				add(repo.Policy)
			}
			for _, t := range r.Templates() {
				add(t.Policy)
			}
		}
		for _, p := range a.Public {
			add(p.Policy)
		}
		add(a.SCPs...)
		add(a.RCPs...)
		add(a.Detached...)
		if a.IAM == nil {
			continue
		}
		for _, u := range a.IAM.Users {
			add(u.Inline...)
		}
		for _, g := range a.IAM.Groups {
			add(g.Inline...)
		}
		for _, r := range a.IAM.Roles {
			add(r.Inline...)
		}
		for _, m := range a.IAM.Policies {
			add(m.Default)
		}
	}
	return out
}
