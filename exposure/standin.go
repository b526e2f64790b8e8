package exposure

import (
	"fmt"
	"slices"
	"strings"

	"github.com/ecrguard/ecrguard/eval"
	"github.com/ecrguard/ecrguard/policy"
)

// A proof is a request ecrguard found allowed. Where the policy leaves a
// choice to the caller (who it is, its organization, the resource a service
// acts for), the request holds a value ecrguard made up: a stand-in for
// every value the policy does not name, any of which would be allowed as
// well. The functions below tell reports which values are stand-ins, so that
// a proof says what they stand for instead of citing them as if they were
// real.

// OutsiderAccount reports whether acct is an account id that stands for an
// account outside the zone of trust that the policy does not name.
func OutsiderAccount(acct string) bool { return slices.Contains(freshAccounts, acct) }

// AnyService reports whether a result's label of services (a key of
// Result.Deputies) stands for any AWS service the policy does not set
// apart (it lets in every service, or names none in particular).
func AnyService(label string) bool { return label == freshService }

// StandInService reports whether svc, the service of a proof's request, is
// a name ecrguard made up to stand for any AWS service.
func StandInService(svc string) bool { return slices.Contains(freshServices, svc) }

// ServicePattern reports whether a result's label of services (a key of
// Result.Deputies) is a pattern of service names, which their names match,
// rather than a service named as itself or any service.
func ServicePattern(label string) bool {
	return policy.HasWildcard(label) && !AnyService(label)
}

// OutsiderOrg reports whether org is the organization id that stands for an
// organization outside the zone of trust that the policy does not name.
func OutsiderOrg(org string) bool { return slices.Contains(freshOrgs, org) }

// UnnamedOUPath reports whether path is the OU path that stands for an
// account in an OU of org that the policy does not name, and returns org.
func UnnamedOUPath(path string) (org string, ok bool) {
	org, ok = strings.CutSuffix(path, freshOrgPath)
	return org, ok && org != ""
}

// standInName is the name of the callers that stand for the principals of
// an account the policy does not name: freshName, or with "-x" added until
// no principal ARN the policy names ends in it (a Deny of
// role/ecrguard-outsider once hid an account's access).
func standInName(n *names) string {
	named := func(name string) bool {
		for arn := range n.arns {
			if strings.HasSuffix(arn, "/"+name) || strings.Contains(arn, "/"+name+"/") {
				return true
			}
		}
		return false
	}
	name := freshName
	for named(name) {
		name += "-x"
	}
	return name
}

// OutsiderName reports whether name (the last part of a principal ARN, or
// a role session's name) stands for any name the caller picks.
func OutsiderName(name string) bool {
	for strings.HasSuffix(name, "-x") { // eval.Unlisted's
		name = strings.TrimSuffix(name, "-x")
	}
	return name == freshName || name == freshSession || name == eval.FreshValue
}

// sourceStandIn is the aws:SourceArn that stands for a resource of acct
// that the policy does not name, on whose behalf a service calls.
func sourceStandIn(acct string) string {
	return "arn:aws:ecrguard:us-east-1:" + acct + ":source/" + eval.FreshValue
}

// bucketStandIns are the aws:SourceArn values that may stand for a
// resource of no account that the policy does not name (an S3 bucket, whose
// ARN names no account): the first that no condition of the policy names
// in particular (freshBucket), so that a Deny of arn:aws:s3:::*e* is not a
// gap. Any two share as little as they can.
var bucketStandIns = []string{"arn:aws:s3:::ecrguard-fresh-bucket", "arn:aws:s3:::q7-data", "arn:aws:s3:::kj.y-logs"}

// freshBucket returns the bucket stand-in for stmts: the first of
// bucketStandIns that none of their conditions names in particular (judged
// against the others), or the first when each is named (standInNamed then
// says so).
func freshBucket(stmts []*policy.Statement) string {
	for _, b := range bucketStandIns {
		if s, _, _ := namedInParticular(stmts, b, otherBuckets(b)); s == nil {
			return b
		}
	}
	return bucketStandIns[0]
}

// otherBuckets are the bucket stand-ins other than b.
func otherBuckets(b string) []string {
	return slices.DeleteFunc(slices.Clone(bucketStandIns), func(o string) bool { return o == b })
}

// SourceStandIn reports whether arn is the aws:SourceArn that stands for a
// resource the policy does not name, of the account a service acts for.
func SourceStandIn(arn string) bool {
	a, ok := policy.ParseARN(arn)
	return slices.Contains(bucketStandIns, arn) || ok && arn == sourceStandIn(a.Account)
}

// MadeUp reports whether a value of a proof's request holds anything
// ecrguard made up (an outsider's account, name, id, organization or
// network, or a value the policy does not name).
func MadeUp(v string) bool {
	if strings.Contains(strings.ToLower(v), "ecrg") || strings.Contains(v, eval.OutsiderVPCSuffix) {
		return true
	}
	for _, a := range slices.Concat(freshAccounts, freshOrgs) {
		if strings.Contains(v, a) {
			return true
		}
	}
	return false
}

// standIns are the values that stand for what an outsider the policy does
// not name is or chooses and that the analysis does not choose away from
// the policy's names, each with others of its kind that share as little
// with it and with each other as they can: a condition value that matches
// a stand-in but not every one of its others names the stand-in in
// particular (AROA*E*:* once passed for every role, since the one other
// had an E too), and the outsiders it stands for are not judged
// (standInNamed). A value that matches them all (AROA*:*, o-x/r-*) is one
// every value of the kind matches.
var standIns = []standIn{
	{"the unique id of an outsider's role", outsiderRoleID + ":" + freshSession, sessionsOf(otherRoleIDs)},
	{"the unique id of a role the policy names", namedRoleID + ":" + freshSession, sessionsOf(otherRoleIDs)},
	{"the unique id of an outsider's user", outsiderUserID, []string{"AIDA3XFRBF23ZEXAMPLE2", "AIDA7Q9W2K4M6N8P1R3T5"}},
	{"the resource a service acts for", sourceStandIn(freshAccounts[0]), []string{
		"arn:aws:sns:eu-west-3:" + freshAccounts[0] + ":q7",
		"arn:aws:lambda:ap-south-1:" + freshAccounts[0] + ":function:kj_y",
	}},
	{"the OU path of an outsider's organization", freshOrgs[0] + freshOrgPath, []string{
		freshOrgs[0] + "/r-zq7x/ou-zq7x-11111111/",
		freshOrgs[0] + "/r-a1b2c3/ou-a1b2c3-kl9y5w7v/",
	}},
}

// standIn is a value that stands for what an outsider is or chooses: what
// it stands for, the value, and others of its kind (standIns).
type standIn struct {
	what, value string
	others      []string
}

// otherRoleIDs are unique ids of roles that share little with the
// stand-ins' and with each other.
var otherRoleIDs = []string{"AROA3XFRBF23ZEXAMPLE1", "AROA7Q9W2K4M6N8P1R3T5"}

// sessionsOf is ids, each with the stand-in session's name.
func sessionsOf(ids []string) []string {
	out := make([]string, len(ids))
	for i, id := range ids {
		out[i] = id + ":" + freshSession
	}
	return out
}

// standInNamed says which stand-in a condition value of stmts names in
// particular (a Deny of aws:userid AROAECRG* once hid the sessions of a
// role the policy let in), or "" when none does; bucket is the bucket
// stand-in chosen for them (freshBucket).
func standInNamed(stmts []*policy.Statement, bucket string) string {
	all := append(slices.Clip(standIns), standIn{"the bucket a service acts for", bucket, otherBuckets(bucket)})
	for _, si := range all {
		if s, key, v := namedInParticular(stmts, si.value, si.others); s != nil {
			return fmt.Sprintf("%s compares %s with %s, which matches %s, a value ecrguard made up to stand for every outsider the policy does not name: such outsiders were not judged", s.Name(), key, v, si.what)
		}
	}
	return ""
}

// namedInParticular returns the statement, condition key and value of
// stmts that match value but not every one of others, if any does.
func namedInParticular(stmts []*policy.Statement, value string, others []string) (*policy.Statement, string, string) {
	value = strings.ToLower(value)
	for _, s := range stmts {
		for _, c := range s.Conditions {
			for _, v := range c.Values {
				pattern := strings.ToLower(v.Text)
				if v.Unknown || pattern != value && !policy.HasWildcard(pattern) {
					continue // only a pattern, or the value itself, matches it
				}
				if policy.Match(pattern, value) && slices.ContainsFunc(others, func(o string) bool { return !policy.Match(pattern, strings.ToLower(o)) }) {
					return s, c.Key, v.Text
				}
			}
		}
	}
	return nil, "", ""
}
