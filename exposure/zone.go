// Package exposure answers, per resource policy and per action, who outside
// the zone of trust can act: any principal at all (public), named untrusted
// accounts, organizations or OUs, and AWS services acting for anyone (the
// confused deputy). docs/semantics.md.
//
// It does not pattern-match policies. For each repository action it asks
// the evaluator, through eval.Search, whether some request an outsider can
// produce is allowed: every kind of caller (IAM user, role session,
// federated user, account root, AWS service) in an account outside the
// zone, with the names it picks and every value of the keys it chooses,
// split into the regions where the policy's tests have one outcome; the
// keys the world fixes (owner, organization, region, time) set as the
// world sets them. The answer is exact: the first allowed request found is
// kept as the proof of the access, and when none is found none exists.
package exposure

import (
	"strings"

	"github.com/ecrguard/ecrguard/policy"
)

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

// UnknownOwner stands for the account that owns a resource when the inputs
// do not say which (policy.OwnerAccount; a target with no account is
// judged as its): one fixed account, as docs/semantics.md ("The owner
// account") asks, never "every account". It is not a 12-digit account id,
// so no principal a policy names by id and no outsider ecrguard makes up
// can have it: an account named by its id is always another account, and
// an unknown owner never makes a repository public by itself. Fixes never
// write it (they say OwnerVariable).
const UnknownOwner = policy.OwnerAccount

// OwnerVariable is how a fix names an owner account it does not know: the
// policy variable ${aws:ResourceAccount}, which in a request to the
// repository holds the account that owns it.
//
// IAM User Guide, "IAM policy elements: Variables and tags": variables can
// be used in resource-based policies, in the Resource element and in
// condition values, and global condition context keys can be used as
// variables in requests across AWS services; "AWS global condition context
// keys": aws:ResourceAccount is a global key, the account of the resource
// the request is made to. AWS's own policy examples compare
// "aws:PrincipalAccount" with "${aws:ResourceAccount}" in the same way.
// Variables take effect only in policies of Version 2012-10-17: a fix of an
// older policy that needs the variable denies the owner, and the owner check
// (ProposeFix) refuses it.
const OwnerVariable = "${aws:ResourceAccount}"

// withAccount returns arn with an empty account field set to acct.
func withAccount(arn, acct string) string {
	parts := strings.SplitN(arn, ":", 6)
	if len(parts) == 6 && parts[0] == "arn" && parts[4] == "" {
		parts[4] = acct
		return strings.Join(parts, ":")
	}
	return arn
}

// ownerResolved returns a Resource value with the owner variable (which
// every request to the owner's repositories resolves to the owner) replaced
// by owner, so that its instance is a repository ARN of the owner's.
func ownerResolved(v, owner string) string {
	i := strings.Index(strings.ToLower(v), strings.ToLower(OwnerVariable))
	if i < 0 {
		return v
	}
	return v[:i] + owner + ownerResolved(v[i+len(OwnerVariable):], owner)
}
