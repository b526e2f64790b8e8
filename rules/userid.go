package rules

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/ecrguard/ecrguard/analysis"
	"github.com/ecrguard/ecrguard/estate"
	"github.com/ecrguard/ecrguard/policy"
)

// uniqueID matches a value of aws:userid that names one IAM role (its
// sessions) or user by its unique id: AROA or AIDA and the id's
// characters, then a colon and a session name or the end (IAM User Guide,
// "IAM identifiers", unique ID prefixes; "AWS global condition context
// keys", aws:userid).
var uniqueID = regexp.MustCompile(`^(A(?:RO|ID)A[A-Z0-9]{8,})(:|$)`)

// uniqueIDNotes says where a policy compares aws:userid with the unique id
// of a role or user the inputs do not hold, or hold without its id (a
// Terraform or CloudFormation role): ecrguard cannot tell whose id it is,
// and no caller it judges has it (outsiders and roles whose id is unknown
// get ids it makes up), so what the statement gives that principal is
// judged for nobody. Without the note that would be a silent "no finding".
func uniqueIDNotes(a *analysis.Analysis) []estate.Note {
	known := map[string]bool{}
	type source struct {
		where string // the note's Source
		name  string // the policy's, when it has one
		doc   *policy.Document
	}
	var docs []source
	for _, acct := range a.Estate.Accounts() {
		if acct.IAM == nil {
			continue
		}
		for _, r := range acct.IAM.Roles {
			known[r.ID] = true
		}
		for _, u := range acct.IAM.Users {
			known[u.ID] = true
		}
		acct.IAM.IdentityPolicies(func(owner string, p *estate.Policy) {
			if p != nil && p.Doc != nil {
				docs = append(docs, source{owner, p.Name, p.Doc})
			}
		})
	}
	for _, x := range a.Exposure {
		if x.Target.Policy != nil {
			docs = append(docs, source{x.Target.ARN, "", x.Target.Policy.Doc})
		}
	}
	var out []estate.Note
	seen := map[string]bool{}
	for _, src := range docs {
		for _, s := range src.doc.Statements {
			for _, c := range s.Conditions {
				if !strings.EqualFold(c.Key, "aws:userid") {
					continue
				}
				for _, v := range c.Values {
					m := uniqueID.FindStringSubmatch(v.Text)
					if v.Unknown || m == nil || known[m[1]] {
						continue
					}
					kind := "role"
					if strings.HasPrefix(m[1], "AIDA") {
						kind = "user"
					}
					where := statementName(s)
					if src.name != "" {
						where += " of " + src.name
					}
					msg := fmt.Sprintf("%s compares aws:userid with %s, the unique id of an IAM %s the inputs do not hold, or hold without its id (Terraform, CloudFormation): ecrguard cannot tell whose it is and judges no caller with that id, so what the statement gives that %s (a grant, or a way past a Deny) is not in this report; check whose it is",
						where, v.Text, kind, kind)
					if k := src.where + "\x00" + msg; !seen[k] {
						seen[k] = true
						out = append(out, estate.Note{Source: src.where, Message: msg})
					}
				}
			}
		}
	}
	return out
}
