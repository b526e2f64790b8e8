package rules

import (
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/ecrguard/ecrguard/analysis"
	"github.com/ecrguard/ecrguard/catalog"
	"github.com/ecrguard/ecrguard/exposure"
	"github.com/ecrguard/ecrguard/policy"
)

var ecr003 = Rule{
	ID:          "ECR003",
	Title:       "Access for an untrusted account",
	Severity:    High,
	Scope:       ScopeExposure,
	FiresWhen:   `a named external account (or principal in it), organization or organizational unit that is not in the trusted zone can perform a repository action`,
	Description: `An account outside your zone of trust can use the repository. If that is intended, add it to trusted.accounts in the config; if not, remove the grant.`,
	Frameworks:  map[string][]string{"endgame": []string{"ecr-repository"}, "access-analyzer": []string{"cross-account-access"}},
	Remediation: `Remove the external principal from the policy, or add the account to trusted.accounts (or its organization to trusted.org_ids) if it is a partner you trust.`,
	Examples: []Example{
		{About: `an account outside the zone of trust named in the Principal`, Fires: true,
			RepositoryPolicy: `{"Version":"2012-10-17","Statement":[{"Sid":"Partner","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::444455556666:root"},"Action":"ecr:BatchGetImage"}]}`},
		{About: `Principal "*" limited by aws:PrincipalOrgID to an organization that is not trusted`, Fires: true, Others: []string{"ECR002"},
			RepositoryPolicy: `{"Version":"2012-10-17","Statement":[{"Sid":"OtherOrg","Effect":"Allow","Principal":"*","Action":"ecr:BatchGetImage","Condition":{"StringEquals":{"aws:PrincipalOrgID":"o-9z8y7x6w5v"}}}]}`},
		{About: `a pattern of organization ids that the trusted organization's id begins: o-a1b2c3d4e5* lets in every organization whose id is longer (ids have 10 to 32 characters after "o-")`, Fires: true, Others: []string{"ECR002"},
			RepositoryPolicy: `{"Version":"2012-10-17","Statement":[{"Sid":"OurOrg","Effect":"Allow","Principal":"*","Action":"ecr:BatchGetImage","Condition":{"StringLike":{"aws:PrincipalOrgID":"o-a1b2c3d4e5*"}}}]}`,
			Settings:         analysis.Settings{TrustedOrgIDs: []string{"o-a1b2c3d4e5"}}},
		{About: `a service acting for an account that is not trusted (aws:SourceAccount)`, Fires: true,
			RepositoryPolicy: `{"Version":"2012-10-17","Statement":[{"Sid":"Build","Effect":"Allow","Principal":{"Service":"codebuild.amazonaws.com"},"Action":"ecr:BatchGetImage","Condition":{"StringEquals":{"aws:SourceAccount":"444455556666"}}}]}`},
		{About: `a creation template that lets an untrusted account pull from every repository it creates`, Fires: true,
			TemplatePolicy: `{"Version":"2012-10-17","Statement":[{"Sid":"Partner","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::444455556666:root"},"Action":["ecr:BatchGetImage","ecr:GetDownloadUrlForLayer"]}]}`},
		{About: `the same account once it is in trusted.accounts`,
			RepositoryPolicy: `{"Version":"2012-10-17","Statement":[{"Sid":"Partner","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::444455556666:root"},"Action":"ecr:BatchGetImage"}]}`,
			Settings:         analysis.Settings{TrustedAccounts: []string{"444455556666"}}},
		{About: `a role of the scanned account itself`,
			RepositoryPolicy: `{"Version":"2012-10-17","Statement":[{"Sid":"Ci","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:role/ci"},"Action":["ecr:BatchGetImage","ecr:PutImage"]}]}`},
		{About: `a grant to an untrusted account that a Deny takes back`,
			RepositoryPolicy: `{"Version":"2012-10-17","Statement":[{"Sid":"Partner","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::444455556666:root"},"Action":"ecr:BatchGetImage"},{"Sid":"OnlyUs","Effect":"Deny","Principal":"*","Action":"ecr:*","Condition":{"StringNotEquals":{"aws:PrincipalAccount":"111122223333"}}}]}`},
	},
	check: checkECR003,
}

func checkECR003(r Rule, a *analysis.Analysis) []Finding {
	var out []Finding
	for _, x := range a.Exposure {
		emit := func(who string, acc *exposure.Access, kind string) {
			stmts := resourceStatements(acc.Proofs)
			f := r.finding()
			f.Resource = x.Target.ARN
			f.restOn(stmts, x.Policy)
			f.Principals = acc.PrincipalNames()
			f.Actions = catalog.Default().Names(acc.Actions)
			f.Conditions = analysis.Conditions(stmts)
			subject, partner, be := "The "+kind+" "+who, who, "is"
			// A pattern's label (1111*, o-abc*): some of the accounts or
			// organizations it matches, not one partner.
			pattern := policy.HasWildcard(who) && who != exposure.OwnerOrgLabel
			what := "id"
			if kind == "organizational unit" {
				what = "path"
			}
			switch {
			case who == exposure.OwnerOrgLabel:
				// The inputs do not say which organization the owner is
				// in: its members are outsiders until trusted by id.
				subject = "The owner's organization (the inputs do not say which it is, and trusted.org_ids names none)"
			case pattern:
				subject, be = fmt.Sprintf("Some %ss whose %s matches %s", kind, what, who), "are"
			}
			if services := servicesOnly(f.Principals); services != "" {
				// AWS services acting for it, not its own principals.
				subject = services + ", acting for " + strings.ToLower(subject[:1]) + subject[1:]
			}
			f.Message = fmt.Sprintf("%s, which %s not in the zone of trust, can perform %s on %s through %s.%s",
				subject, be, describeActions(acc.Actions, x.Universe), targetName(x), labels(stmts), proofText(&f, acc.Proofs, acc.Actions, who))
			f.Message += rcpHoles(x, who, acc.Actions)
			trust := "trusted.accounts"
			if kind != "account" {
				trust = "trusted.org_ids or trusted.org_paths"
			}
			f.Remediation = fmt.Sprintf("If %s is a partner you trust, add it to %s in .ecrguard.yaml; otherwise %s; then %s.",
				partner, trust, removePrincipals(acc), applyPhrase(x, "the policy"))
			if pattern {
				f.Remediation = fmt.Sprintf("Narrow %s to the %ss you trust (a pattern lets in every %s whose %s matches it), and add those to %s in .ecrguard.yaml; otherwise %s; then %s.",
					who, kind, kind, what, trust, removePrincipals(acc), applyPhrase(x, "the policy"))
			}
			if who == exposure.OwnerOrgLabel {
				f.Remediation = fmt.Sprintf("If the owner's organization is one you trust, add its id to trusted.org_ids in .ecrguard.yaml; otherwise narrow %s and %s.",
					labels(stmts), applyPhrase(x, "the policy"))
			}
			if policy.IsPlaceholder(who) {
				// One account or organization, given by a value not known
				// at scan time: it could be any, a trusted one or the
				// owner's included; the worst is one nobody vetted.
				expr := strings.TrimSuffix(strings.TrimPrefix(who, "<"), ">")
				f.Message = fmt.Sprintf("An %s not known at scan time (%s), which could be any %s and is not known to be in the zone of trust, can perform %s on %s through %s.%s",
					kind, expr, kind, describeActions(acc.Actions, x.Universe), targetName(x), labels(stmts), proofText(&f, acc.Proofs, acc.Actions))
				trustKey := "its id to trusted.accounts"
				if kind != "account" {
					trustKey = "its id to trusted.org_ids"
				}
				f.Remediation = fmt.Sprintf("Give %s its value (--var, --parameter) to judge the %s it names; if that %s is a partner you trust, add %s in .ecrguard.yaml; otherwise %s.",
					expr, kind, kind, trustKey, removePrincipals(acc))
			}
			f.Remediation += provenFix(x)
			out = append(out, f)
		}
		for _, acct := range slices.Sorted(maps.Keys(x.Accounts)) {
			emit(acct, x.Accounts[acct], "account")
		}
		for _, org := range slices.Sorted(maps.Keys(x.Orgs)) {
			kind := "organization"
			if strings.Contains(org, "/") {
				kind = "organizational unit"
			}
			emit(org, x.Orgs[org], kind)
		}
	}
	return out
}

// removePrincipals says how to take each principal of acc out of the
// statements that let it in: "remove" it from those whose Principal
// elements name it, else "narrow" them (a grant to "*" behind a condition
// on an organization names neither the organization nor the services
// acting for its members as principals). Principals let in by the same
// statements, the same way, are said together.
func removePrincipals(acc *exposure.Access) string {
	type way struct{ verb, stmts string }
	var order []way
	who := map[way][]string{}
	add := func(w way, p string) {
		if who[w] == nil {
			order = append(order, w)
		}
		who[w] = append(who[w], p)
	}
	for _, p := range acc.PrincipalNames() {
		stmts := resourceStatements(acc.ProofsOf(p))
		if len(stmts) == 0 {
			stmts = resourceStatements(acc.Proofs)
		}
		naming := slices.DeleteFunc(slices.Clone(stmts), func(s *policy.Statement) bool { return !namesPrincipal(s, p) })
		others := slices.DeleteFunc(stmts, func(s *policy.Statement) bool { return namesPrincipal(s, p) })
		if len(naming) > 0 {
			add(way{"remove", labels(naming)}, p)
		}
		if len(others) > 0 {
			add(way{"narrow", labels(others)}, p)
		}
	}
	var parts []string
	for _, w := range order {
		if w.verb == "remove" {
			parts = append(parts, fmt.Sprintf("remove %s from %s", joinAnd(who[w]), w.stmts))
		} else {
			parts = append(parts, fmt.Sprintf("narrow %s so that it no longer lets in %s", w.stmts, joinAnd(who[w])))
		}
	}
	return strings.Join(parts, "; ")
}

// namesPrincipal reports whether s's Principal element names p, a
// principal as results name it (an ARN, or service:NAME).
func namesPrincipal(s *policy.Statement, p string) bool {
	if s.Principal == nil {
		return false
	}
	for _, e := range s.Principal.Entries {
		switch {
		case e.Kind == policy.KindService:
			if p == "service:"+strings.ToLower(e.Value.Text) {
				return true
			}
		case e.Value.Text == p, policy.IsAccountID(e.Value.Text) && p == "arn:aws:iam::"+e.Value.Text+":root":
			return true
		}
	}
	return false
}

// servicesOnly names the AWS services of principals ("the AWS service
// codebuild.amazonaws.com", "the AWS services a and b") when they are all
// services, and is "" otherwise.
func servicesOnly(principals []string) string {
	var names []string
	for _, p := range principals {
		name, ok := strings.CutPrefix(p, "service:")
		if !ok {
			return ""
		}
		names = append(names, name)
	}
	switch len(names) {
	case 0:
		return ""
	case 1:
		return "The AWS service " + names[0]
	}
	return "The AWS services " + joinAnd(names)
}
