package eval

import (
	"maps"
	"slices"
	"strings"
)

// link is a set of keys a real request sets together: the ways it may
// (parts, each the fixed keys of one search, given the options the
// caller's space gives aws:MultiFactorAuthPresent: nil when it is free),
// searched apart when the policies read one of keys. Chosen apart, the
// keys make requests no caller can make: false findings.
type link struct {
	keys  []string
	parts func(mfa Dimension) []map[string]Dimension
}

// absent is the one option of a key: absent.
func absent(key string) Dimension { return Dimension{{{Key: key, Absent: true}}} }

// withMFA is a request made with credentials MFA validated.
var withMFA = map[string]Dimension{"aws:multifactorauthpresent": {{{Key: "aws:MultiFactorAuthPresent", Values: []string{"true"}}}}}

// links are the links the IAM User Guide states, "AWS global condition
// context keys" (each key's Availability):
//   - aws:MultiFactorAuthAge "is included in the request context only if the
//     principal was authenticated using MFA", where aws:MultiFactorAuthPresent
//     is true ("Sample policies with MFA conditions": "the MultiFactorAuthAge
//     key is never present in the request context for long-term
//     credentials"); aws:MultiFactorAuthPresent and aws:TokenIssueTime are
//     "included in the request context only when the principal uses
//     temporary credentials": long-term keys (a user's or the root's:
//     aws:MultiFactorAuthPresent absent) carry neither. Each option of
//     aws:MultiFactorAuthPresent the caller has is a part. A caller whose
//     space leaves the MFA free (a service) chooses it as a user does, but
//     for aws:TokenIssueTime.
//   - aws:SourceIp "is included in the request context, except when the
//     requester uses a VPC endpoint"; aws:SourceVpc, aws:SourceVpce and
//     aws:VpcSourceIp only when it does: a request comes through an
//     endpoint (aws:SourceIp absent) or from the internet (those three
//     absent). Neither is said to carry its keys always: each may still be
//     absent.
//   - aws:CalledVia, aws:CalledViaFirst and aws:CalledViaLast are present
//     only when a service uses the credentials of an IAM principal, and
//     "not present when the principal makes the call directly" or a service
//     uses a service role: there aws:ViaAWSService is false ("returns true
//     when a service uses the credentials of an IAM principal").
var links = []link{
	{keys: []string{"aws:multifactorauthage", "aws:tokenissuetime"}, parts: func(mfa Dimension) []map[string]Dimension {
		if mfa == nil {
			return []map[string]Dimension{{
				"aws:multifactorauthpresent": {{{Key: "aws:MultiFactorAuthPresent", Absent: true}}, {{Key: "aws:MultiFactorAuthPresent", Values: []string{"false"}}}},
				"aws:multifactorauthage":     absent("aws:MultiFactorAuthAge"),
			}, withMFA}
		}
		var parts []map[string]Dimension
		for _, o := range mfa {
			part := map[string]Dimension{"aws:multifactorauthpresent": {o}}
			switch {
			case len(o) > 0 && o[0].Absent:
				part["aws:multifactorauthage"] = absent("aws:MultiFactorAuthAge")
				part["aws:tokenissuetime"] = absent("aws:TokenIssueTime")
			case len(o) > 0 && !slices.Contains(o[0].Values, "true"):
				part["aws:multifactorauthage"] = absent("aws:MultiFactorAuthAge")
			}
			parts = append(parts, part)
		}
		return parts
	}},
	{keys: []string{"aws:sourceip", "aws:sourcevpc", "aws:sourcevpce", "aws:vpcsourceip"}, parts: func(Dimension) []map[string]Dimension {
		return []map[string]Dimension{
			{"aws:sourceip": absent("aws:SourceIp")},
			{"aws:sourcevpc": absent("aws:SourceVpc"), "aws:sourcevpce": absent("aws:SourceVpce"), "aws:vpcsourceip": absent("aws:VpcSourceIp")},
		}
	}},
	{keys: []string{"aws:calledvia", "aws:calledviafirst", "aws:calledvialast"}, parts: func(Dimension) []map[string]Dimension {
		return []map[string]Dimension{
			{
				"aws:viaawsservice":  {{{Key: "aws:ViaAWSService", Values: []string{"false"}}}},
				"aws:calledvia":      absent("aws:CalledVia"),
				"aws:calledviafirst": absent("aws:CalledViaFirst"),
				"aws:calledvialast":  absent("aws:CalledViaLast"),
			},
			{"aws:viaawsservice": {{{Key: "aws:ViaAWSService", Absent: true}}, {{Key: "aws:ViaAWSService", Values: []string{"true"}}}}},
		}
	}},
}

// LinkedWorlds returns the fixed keys of each search of a caller whose
// space fixes fixed: fixed, completed by one part of each link (links)
// one of whose keys reads reports read (fixed alone when none is). Every
// request the caller can make is in one of them, and no request it cannot
// make with the linked keys.
func LinkedWorlds(fixed map[string]Dimension, reads func(lower string) bool) []map[string]Dimension {
	mfa := fixed["aws:multifactorauthpresent"]
	worlds := []map[string]Dimension{fixed}
	for _, l := range links {
		if !slices.ContainsFunc(l.keys, reads) {
			continue
		}
		var next []map[string]Dimension
		for _, w := range worlds {
			for _, part := range l.parts(mfa) {
				m := maps.Clone(w)
				if m == nil {
					m = map[string]Dimension{}
				}
				maps.Copy(m, part)
				next = append(next, m)
			}
		}
		worlds = next
	}
	return worlds
}

// Reads reports whether mentions test the key lower (lower-cased), or read
// it as a policy variable (${aws:SourceOwner} in an ARN pattern).
func Reads(mentions []Mention, lower string) bool {
	for _, m := range mentions {
		if strings.EqualFold(m.Key, lower) {
			return true
		}
		for _, t := range m.Tests {
			for _, v := range t.Values {
				if strings.Contains(v, "${") && strings.Contains(strings.ToLower(v), "${"+lower) {
					return true
				}
			}
		}
	}
	return false
}
