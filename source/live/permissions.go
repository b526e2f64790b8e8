package live

import (
	"encoding/json"
	"fmt"
	"sort"
	"strings"
)

// actionsFor returns the sorted, distinct IAM actions of the calls whose
// Who is one of who.
func actionsFor(who ...string) []string {
	seen := map[string]bool{}
	var out []string
	for _, c := range calls {
		if c.Action == "" || seen[c.Action] {
			continue
		}
		for _, w := range who {
			if c.Who == w {
				seen[c.Action] = true
				out = append(out, c.Action)
			}
		}
	}
	sort.Strings(out)
	return out
}

type docStatement struct {
	Sid      string   `json:"Sid"`
	Effect   string   `json:"Effect"`
	Action   []string `json:"Action"`
	Resource string   `json:"Resource"`
}

type docPolicy struct {
	Version   string         `json:"Version"`
	Statement []docStatement `json:"Statement"`
}

func policyJSON(p docPolicy) string {
	b, _ := json.MarshalIndent(p, "", "  ") // plain strings always marshal
	return string(b)
}

// ReadPolicy returns the read-only IAM policy the identity that reads an
// account needs: every action of the calls table for that identity. The
// Organizations actions matter only where that identity may read the
// organization (its management account, or a delegated administrator);
// elsewhere they are refused and the SCPs are reported as not read.
func ReadPolicy() string {
	var stmts []docStatement
	group := func(sid, prefix string) {
		var acts []string
		for _, a := range actionsFor("scanned", "organization") {
			if strings.HasPrefix(a, prefix) && a != "organizations:ListAccounts" {
				acts = append(acts, a)
			}
		}
		if len(acts) > 0 {
			stmts = append(stmts, docStatement{Sid: sid, Effect: "Allow", Action: acts, Resource: "*"})
		}
	}
	group("EcrguardReadECR", "ecr:")
	group("EcrguardReadECRPublic", "ecr-public:")
	group("EcrguardReadIAM", "iam:")
	group("EcrguardReadOrganization", "organizations:")
	return policyJSON(docPolicy{Version: "2012-10-17", Statement: stmts})
}

// CallerPolicy returns the policy the starting identity needs to read
// several accounts (--accounts, --role-name) or to assume --role-arn.
func CallerPolicy() string {
	return policyJSON(docPolicy{Version: "2012-10-17", Statement: []docStatement{
		{Sid: "EcrguardAssumeReadRoles", Effect: "Allow", Action: actionsFor("caller"), Resource: "arn:aws:iam::*:role/ROLE-NAME"},
		{Sid: "EcrguardReadOrganization", Effect: "Allow", Action: actionsFor("organization"), Resource: "*"},
	}})
}

// PermissionsDoc returns docs/PERMISSIONS.md, generated from the calls
// table (go test ./source/live -run TestPermissionsDoc -update rewrites it).
func PermissionsDoc() string {
	var b strings.Builder
	b.WriteString(`# Permissions ecrguard needs

<!-- Generated from source/live/calls.go by
     go test ./source/live -run TestPermissionsDoc -update
     Do not edit by hand: a test fails when this file and the table differ. -->

ecrguard only reads. It never calls an API that changes anything, and it needs no permission on
images (no pull, no push). The table below lists every AWS operation the collector invokes; a test
proves that the collector's AWS clients can call nothing else.

## The policy for the identity that reads an account

Attach this policy to the user or role whose credentials ` + "`ecrguard scan --aws`" + ` or
` + "`ecrguard collect`" + ` uses (with ` + "`--accounts`" + `, to the role named by ` + "`--role-name`" + ` in every
account). Of the AWS managed policies, ` + "`ReadOnlyAccess`" + ` grants every ECR action below (and much
more); ` + "`SecurityAudit`" + ` lacks ` + "`ecr:GetAccountSetting`" + `, so with it the registry policy scope is not
known: the scan judges each registry under both scopes (V1 and V2), and the scope is a gap only where
they give different findings, a note otherwise.

` + "```json\n" + ReadPolicy() + "\n```" + `

The Organizations actions read the guardrails over each account: the service control policies (SCPs)
and resource control policies (RCPs) attached to the root, each OU above the account and the account.
Only the organization's management account (or a delegated administrator) may read them. Where they
are refused, the analysis assumes no SCP and no RCP restricts the account — which can show more access
than there is, never less. SCPs not read are a note; RCPs not read are a coverage gap whose message
says so, and the report names the findings that rest on it. The management account's resources are
not governed by RCPs, so its RCPs are not read.

## The policy for the starting identity (only with --role-arn or --accounts)

` + "`--role-arn`" + ` makes ecrguard assume that role first; ` + "`--accounts`" + ` with ` + "`--role-name`" + ` makes it assume
the role ` + "`arn:aws:iam::ACCOUNT:role/ROLE-NAME`" + ` in each account (and ` + "`--accounts all`" + ` lists the
organization's accounts first). The identity ecrguard starts with then needs:

` + "```json\n" + CallerPolicy() + "\n```" + `

and each role's trust policy must let that identity assume it (with ` + "`sts:ExternalId`" + ` when
you pass ` + "`--external-id`" + `).

## Every call

| API | IAM action | whose permission | if refused | what for |
| --- | --- | --- | --- | --- |
`)
	for _, c := range calls {
		action := "`" + c.Action + "`"
		if c.Action == "" {
			action = "none"
		}
		refused := "coverage gap (exit code 2)"
		switch {
		case c.BestEffort:
			refused = "SCPs: note, taken as none; RCPs: coverage gap, taken as none (the report names the findings that rest on it)"
		case c.API == apiGetCallerIdentity || c.API == apiListAccounts:
			refused = "error: nothing is read"
		case c.API == apiAssumeRole:
			refused = "--role-arn: error, nothing is read; --accounts: coverage gap for that account"
		case c.API == apiGetPolicy || c.API == apiGetPolicyVersion:
			refused = "coverage gap, unless ecrguard's embedded copy of an AWS managed policy stands in (a note)"
		}
		fmt.Fprintf(&b, "| `%s` | %s | %s | %s | %s |\n", c.API, action, c.Who, refused, c.Purpose)
	}
	b.WriteString(`
"Not found" answers are not failures: a repository or registry without a policy
(RepositoryPolicyNotFoundException, RegistryPolicyNotFoundException) is recorded as having none.
`)
	return b.String()
}
