package rules

import (
	"fmt"
	"strings"

	"github.com/ecrguard/ecrguard/analysis"
	"github.com/ecrguard/ecrguard/catalog"
	"github.com/ecrguard/ecrguard/exposure"
	"github.com/ecrguard/ecrguard/policy"
)

var ecr002 = Rule{
	ID:          "ECR002",
	Title:       "Wildcard principal behind a condition",
	Severity:    Medium,
	Scope:       ScopeExposure,
	FiresWhen:   `an Allow statement names Principal * or {"AWS": "*"} and has a Condition, whatever the condition does; the message says what the condition really restricts`,
	Description: `A statement that lets in everyone and relies on a condition to narrow it down is one edit away from being public, and many conditions restrict nothing (aws:SecureTransport, IfExists forms, ForAllValues on an absent key).`,
	Frameworks:  map[string][]string{"cloudguard": []string{"D9.AWS.IAM.103"}},
	Remediation: `Name the principals explicitly instead of "*" and keep the condition as a second guard.`,
	Examples: []Example{
		{About: `Principal "*" behind aws:PrincipalOrgID is reported even though the condition holds the organization to the zone of trust`, Fires: true,
			RepositoryPolicy: `{"Version":"2012-10-17","Statement":[{"Sid":"OrgPull","Effect":"Allow","Principal":"*","Action":"ecr:BatchGetImage","Condition":{"StringEquals":{"aws:PrincipalOrgID":"o-a1b2c3d4e5"}}}]}`,
			Settings:         analysis.Settings{TrustedOrgIDs: []string{"o-a1b2c3d4e5"}}},
		{About: `Principal {"AWS": "*"} behind a condition that restricts nothing`, Fires: true, Others: []string{"ECR001"},
			RepositoryPolicy: `{"Version":"2012-10-17","Statement":[{"Sid":"TlsOnly","Effect":"Allow","Principal":{"AWS":"*"},"Action":"ecr:BatchGetImage","Condition":{"Bool":{"aws:SecureTransport":"true"}}}]}`},
		{About: `Principal "*" with no condition at all is ECR001's, not ECR002's`, Others: []string{"ECR001"},
			RepositoryPolicy: `{"Version":"2012-10-17","Statement":[{"Sid":"PublicPull","Effect":"Allow","Principal":"*","Action":"ecr:BatchGetImage"}]}`},
		{About: `a named principal with a condition`,
			RepositoryPolicy: `{"Version":"2012-10-17","Statement":[{"Sid":"Partner","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::444455556666:root"},"Action":"ecr:BatchGetImage","Condition":{"Bool":{"aws:SecureTransport":"true"}}}]}`,
			Settings:         analysis.Settings{TrustedAccounts: []string{"444455556666"}}},
		{About: `a Deny for everyone behind a condition narrows access instead of granting it`,
			RepositoryPolicy: `{"Version":"2012-10-17","Statement":[{"Sid":"Us","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:root"},"Action":"ecr:*"},{"Sid":"NoPlainHttp","Effect":"Deny","Principal":"*","Action":"ecr:*","Condition":{"Bool":{"aws:SecureTransport":"false"}}}]}`},
	},
	check: checkECR002,
}

// ConditionalAnyone reports whether f's principal "*" is the Principal of a
// statement behind conditions (ECR002): not anyone, but whoever the
// conditions let in (its other findings, ECR001 and ECR003, say who).
func ConditionalAnyone(f Finding) bool { return f.RuleID == ecr002.ID }

func checkECR002(r Rule, a *analysis.Analysis) []Finding {
	var out []Finding
	for _, x := range a.Exposure {
		doc := x.Target.Policy.Doc
		for i, s := range doc.Statements {
			// Judged alone: what does its condition leave open? Alone holds
			// the statements that allow everyone behind a condition.
			res, behindCondition := x.Alone[i]
			if !behindCondition {
				continue
			}

			f := r.finding()
			f.Resource = x.Target.ARN
			f.Source = s.Pos
			f.Principals = []string{"*"}
			f.Conditions = analysis.Conditions([]*policy.Statement{s})
			granted := catalog.ActionSet{}
			for _, act := range s.Action {
				granted = granted.Union(catalog.Default().MatchSet(act.Text))
			}
			if s.NotAction != nil {
				granted = x.Universe
				for _, act := range s.NotAction {
					granted = granted.Minus(catalog.Default().MatchSet(act.Text))
				}
			}
			f.Actions = catalog.Default().Names(granted.Intersect(x.Universe))
			var restricts string
			switch {
			case !res.Public.Actions.Empty() && x.Public.Actions.Intersect(res.Public.Actions).Empty() && hasDeny(doc):
				// A fix's guards, or Deny statements of the owner's own.
				restricts = "nothing an outsider cannot satisfy; only the policy's Deny statements (and any resource control policies of the organization) keep outsiders out"
			case !res.Public.Actions.Empty() && x.Public.Actions.Intersect(res.Public.Actions).Empty():
				restricts = "nothing an outsider cannot satisfy; only " + guards(x) + " keep outsiders out (see the notes)"
			case !res.Public.Actions.Empty():
				restricts = "nothing an outsider cannot satisfy, so the statement is public (see ECR001)"
			default:
				restricts = conditionScope(s, res)
			}
			name := statementName(s)
			f.Message = fmt.Sprintf("%s of %s allows Principal \"*\" behind a condition (%s). The condition restricts %s.",
				strings.ToUpper(name[:1])+name[1:], targetName(x), strings.Join(f.Conditions, "; "), restricts)
			f.Remediation = fmt.Sprintf("Name the principals that need access in the Principal element instead of \"*\" and keep the condition as a second guard; then %s.", applyPhrase(x, "the policy"))
			out = append(out, f)
		}
	}
	return out
}

// guards names what, besides the resource policy, closed anyone's access
// to x (its guardrails): the organization's RCPs, the registry policy's
// Deny statements, or both.
func guards(x *analysis.ExposureItem) string {
	var rcp, registry bool
	for _, g := range x.Guardrails {
		if g.Closed && g.Class == exposure.PublicClass {
			rcp, registry = rcp || !g.Registry, registry || g.Registry
		}
	}
	var out []string
	if rcp || !registry {
		out = append(out, "the organization's resource control policies")
	}
	if registry {
		out = append(out, "the registry policy's Deny statements")
	}
	return joinAnd(out)
}

// conditionScope says whom a non-public statement's condition lets in.
func conditionScope(s *policy.Statement, res *exposure.Result) string {
	var who []string
	var orgs, accts, nets, named, svcs []string
	for _, c := range s.Conditions {
		k := strings.ToLower(c.Key)
		var vals []string
		for _, v := range c.Values {
			vals = append(vals, v.Text)
		}
		switch {
		case strings.HasPrefix(k, "aws:principalorg"):
			orgs = append(orgs, vals...)
		case k == "aws:principalaccount" || k == "aws:principalarn" || k == "aws:userid":
			accts = append(accts, vals...)
		case k == "aws:sourceip" || k == "aws:vpcsourceip" || strings.HasPrefix(k, "aws:sourcevpc") || strings.HasPrefix(k, "aws:vpce"):
			nets = append(nets, vals...)
		case strings.HasPrefix(k, "aws:principalservicename"):
			named = append(named, vals...)
		case strings.HasPrefix(k, "aws:source") || k == "aws:principalisawsservice":
			svcs = append(svcs, vals...)
		}
	}
	if len(orgs) > 0 {
		who = append(who, "members of the organization or OUs "+strings.Join(orgs, ", "))
	}
	if len(accts) > 0 {
		who = append(who, "the principals "+strings.Join(accts, ", "))
	}
	if len(nets) > 0 {
		who = append(who, "callers from the network "+strings.Join(nets, ", "))
	}
	if len(named) > 0 {
		who = append(who, "the AWS services "+strings.Join(named, ", "))
	}
	if len(svcs) > 0 {
		if len(svcs) == 1 && (svcs[0] == "true" || svcs[0] == "false") {
			who = append(who, "AWS service principals")
		} else {
			who = append(who, "AWS services acting for "+strings.Join(svcs, ", "))
		}
	}
	if len(who) == 0 {
		return "access to callers that satisfy it; no principal outside the zone of trust can"
	}
	s2 := "access to " + joinAnd(who)
	if len(res.Accounts) > 0 || len(res.Orgs) > 0 {
		s2 += ", some of which are outside the zone of trust (see ECR003)"
	}
	return s2
}

// hasDeny reports whether the policy has a Deny statement.
func hasDeny(doc *policy.Document) bool {
	for _, s := range doc.Statements {
		if s.Effect == policy.Deny {
			return true
		}
	}
	return false
}
