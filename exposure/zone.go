// Package exposure answers, per resource policy and per action, who outside
// the zone of trust can act: any principal at all (public), named untrusted
// accounts, organizations or OUs, and AWS services acting for anyone (the
// confused deputy). SPEC section 3.
//
// It does not pattern-match policies. For each repository action it asks the
// evaluator whether some request an outsider can produce is allowed, trying
// a finite set of representative request contexts built from what the policy
// mentions (every literal and pattern instance per key, a fresh value, the
// key absent) and from what the outsider controls and what it cannot choose
// (who it is, where it calls from, which service it is). The first allowed
// request found is kept as the proof of the access.
package exposure

import "strings"

// Zone is the zone of trust: the scanned account plus trusted accounts,
// organizations and organizational-unit paths (a path covers its OU and
// every OU below it).
type Zone struct {
	Account  string
	Accounts []string
	OrgIDs   []string
	OrgPaths []string
}

// TrustsAccount reports whether an account is inside the zone by itself.
func (z *Zone) TrustsAccount(account string) bool {
	if account == z.Account {
		return true
	}
	for _, a := range z.Accounts {
		if a == account {
			return true
		}
	}
	return false
}

// TrustsOrg reports whether membership of org (with the given OU paths)
// puts a principal inside the zone.
func (z *Zone) TrustsOrg(org string, paths []string) bool {
	if org != "" {
		for _, o := range z.OrgIDs {
			if o == org {
				return true
			}
		}
	}
	for _, p := range paths {
		for _, tp := range z.OrgPaths {
			if strings.HasPrefix(p, tp) {
				return true
			}
		}
	}
	return false
}

// Contains reports whether a principal of account, in org with paths, is
// inside the zone.
func (z *Zone) Contains(account, org string, paths []string) bool {
	return z.TrustsAccount(account) || z.TrustsOrg(org, paths)
}
