package main

import (
	"context"
	"fmt"
	"io"

	"github.com/spf13/cobra"

	"github.com/ecrguard/ecrguard/analysis"
	"github.com/ecrguard/ecrguard/eval"
	"github.com/ecrguard/ecrguard/internal/textenc"
	"github.com/ecrguard/ecrguard/report"
	"github.com/ecrguard/ecrguard/source/file"
)

type simulateOptions struct {
	action, resource, principal string
	policies                    file.PolicyFiles
	context                     []string
	contextFile                 string
	format                      string
	at                          string
}

func newSimulateCommand() *cobra.Command {
	var o simulateOptions
	c := &cobra.Command{
		Use:   "simulate --action A --resource ARN --principal ARN [policy flags]",
		Short: "Evaluate one request against policies, as AWS would",
		Long: `simulate evaluates one request (principal, action, resource, context) against
identity policies, a resource policy, a permissions boundary, SCPs, RCPs and
a session policy, with AWS's documented evaluation logic, and prints the
decision and the statements that decided it.

Each policy flag takes a file in any shape scan reads that holds one policy:
a raw document, one written as a JSON string (--query policyText), or the
AWS CLI's output (aws ecr get-repository-policy for --resource-policy, aws
iam get-role-policy or get-policy-version for --identity-policy, aws
organizations describe-policy for --scp, ...). An --action of ecr or
ecr-public must be one of their actions (a misspelt one is an error, with
the action meant); an action of another service is evaluated as written. A
cross-account request with no --identity-policy gets a note: the caller's
own identity policies must allow it too.

The principal's own keys (aws:PrincipalArn, aws:PrincipalAccount,
aws:PrincipalType, aws:username for users; for a role, its session or a
federated user, whose temporary credentials always carry it,
aws:MultiFactorAuthPresent false, or true with aws:MultiFactorAuthAge) and
those of every request (aws:SecureTransport true, aws:CurrentTime and
aws:EpochTime of --at, default now, aws:RequestedRegion the resource's
region) are added to the context unless given. An assumed-role ARN does not
carry its role's path: the role is the one --context aws:PrincipalArn
names, or the one a Principal element of the policies names (a note says
so); else its path is /. A --context key given twice is multi-valued. --context-file takes a JSON
object of keys to a string or a list of strings ([] is present with no values;
binary values are base-64).

A role ARN as --principal stands for its sessions: it is allowed when one of
them is, one the policies name (assumed-role/ROLE/SESSION) or one of another
name, with the context given (aws:userid too: absent unless given). To ask
for one session, give --principal its assumed-role ARN, or --context
aws:userid=ROLEID:SESSION.

--rcp gives the resource control policies over the resource's account, one
file per level of the organization (root first, the account last). A Deny
statement of any level that matches the request denies it, whoever makes it
(the account's own principals, other accounts', AWS services), except a
service-linked role; RCP Allow statements grant nothing and none is required
(RCPFullAWSAccess sits at every level). A request for --resource '*' is to
no resource and is not governed. Leave --rcp out for a resource of the
organization's management account: RCPs do not govern it.

Exit codes: 0 allow, 1 deny (implicit or explicit), 2 usage or input error,
or an allow that depends on a statement ecrguard cannot evaluate (an unknown
condition operator, a value unknown at scan time), which it takes at its
worst: an Allow applies, a Deny does not. A deny under that worst case holds.`,
		Example: `  # Can a partner role pull from our repository?
  ecrguard simulate --principal arn:aws:iam::444455556666:role/puller \
    --action ecr:BatchGetImage \
    --resource arn:aws:ecr:us-east-1:111122223333:repository/app \
    --identity-policy puller.json --resource-policy app-policy.json

  # Does a delete need MFA?
  ecrguard simulate --principal arn:aws:iam::111122223333:role/admin \
    --action ecr:DeleteRepository \
    --resource arn:aws:ecr:us-east-1:111122223333:repository/app \
    --identity-policy admin.json --context aws:MultiFactorAuthPresent=true`,
		Args: cobra.NoArgs,
		RunE: func(c *cobra.Command, _ []string) error {
			return runSimulate(contextOrBackground(c.Context()), c.OutOrStdout(), diagnostics(c), &o)
		},
	}
	f := c.Flags()
	f.StringVar(&o.action, "action", "", "the action, such as ecr:BatchGetImage (required)")
	f.StringVar(&o.resource, "resource", "", "the resource ARN, or * for actions without a resource type (required)")
	f.StringVar(&o.principal, "principal", "", "the caller: an IAM user, role or assumed-role ARN, an account id, or service:NAME (required)")
	f.StringArrayVar(&o.policies.Identity, "identity-policy", nil, "an identity policy file of the caller (repeatable)")
	f.StringVar(&o.policies.Resource, "resource-policy", "", "the resource's policy file (a repository policy)")
	f.StringVar(&o.policies.Boundary, "boundary", "", "the caller's permissions boundary file")
	f.StringVar(&o.policies.Session, "session-policy", "", "a session policy file of the caller's role session")
	f.StringArrayVar(&o.policies.SCPs, "scp", nil, "an SCP file over the caller's account, one per level of the hierarchy (repeatable; each must allow; a service-linked role is not governed)")
	f.StringArrayVar(&o.policies.RCPs, "rcp", nil, "an RCP file over the resource's account, one per level of the hierarchy, root first (repeatable; a Deny in any denies)")
	f.StringArrayVar(&o.context, "context", nil, "a context key and value, KEY=VALUE (repeatable; a key given twice is multi-valued)")
	f.StringVar(&o.contextFile, "context-file", "", "a JSON object of context keys to a string or a list of strings")
	f.StringVar(&o.format, "format", "table", "output format: table or json")
	f.StringVar(&o.at, "at", "", atUsage(""))
	return c
}

func runSimulate(ctx context.Context, w, stderr io.Writer, o *simulateOptions) error {
	req, p, err := analysis.Request{Principal: o.principal, Action: o.action, Resource: o.resource, Context: o.context}.Parse()
	if err != nil {
		return usageError("%v", err)
	}
	if req.At, err = parseAt(o.at); err != nil {
		return err
	}
	f, err := report.ParseAnswerFormat(o.format)
	if err != nil {
		return usageError("--format %v", err)
	}
	// The policy files are read as scan reads them (file.ReadDocument).
	ps, err := file.ReadPolicySet(ctx, o.policies)
	if err != nil {
		return inputError(err)
	}
	if o.contextFile != "" {
		if req.ContextJSON, err = textenc.ReadFile(o.contextFile); err != nil {
			return inputError(err)
		}
		req.ContextFile = o.contextFile
	}
	sim, err := analysis.Simulate(ps, req, p)
	if err != nil {
		return inputError(err)
	}
	if err := report.WriteSimulation(w, stderr, f, sim, terminalWidth(w)); err != nil {
		return err
	}
	if !sim.Decision.Assessed() {
		// The allow rests on statements ecrguard could not evaluate (an
		// unknown condition operator, a value unknown at scan time), taken
		// at their worst: it is not an answer to rely on
		// (docs/exit-codes.md). A deny holds whatever they are.
		return inputError(fmt.Errorf("the allow depends on %d statement(s) that could not be evaluated, taken at their worst (see the notes); it is not assessed", len(sim.Decision.Assumptions)))
	}
	if sim.Decision.Result != eval.Allow {
		return exitWith(1)
	}
	return nil
}
