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

// uniqueIDNotes says where a resource policy compares aws:userid with the
// unique id of a role or user the inputs do not hold: ecrguard cannot tell
// that principal's account, and no caller it makes up has that id, so what
// the statement grants (or, in a Deny, exempts) that principal is judged
// for nobody. Without the note that would be a silent "no finding".
func uniqueIDNotes(a *analysis.Analysis) []estate.Note {
	known := map[string]bool{}
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
	}
	var out []estate.Note
	seen := map[string]bool{}
	for _, x := range a.Exposure {
		if x.Target.Policy == nil {
			continue
		}
		for _, s := range x.Target.Policy.Doc.Statements {
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
					msg := fmt.Sprintf("statement %s compares aws:userid with %s, the unique id of an IAM %s the inputs do not hold: ecrguard cannot tell its account, and no outsider it judges has that id, so what the statement gives that %s (a grant, or a way past a Deny) is not in this report; check that it is yours",
						labels([]*policy.Statement{s}), v.Text, kind, kind)
					if k := x.Target.ARN + "\x00" + msg; !seen[k] {
						seen[k] = true
						out = append(out, estate.Note{Source: x.Target.ARN, Message: msg})
					}
				}
			}
		}
	}
	return out
}
