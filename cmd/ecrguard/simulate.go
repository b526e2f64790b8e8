package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/spf13/cobra"

	"github.com/ecrguard/ecrguard/catalog"
	"github.com/ecrguard/ecrguard/eval"
	"github.com/ecrguard/ecrguard/policy"
	"github.com/ecrguard/ecrguard/report"
	"github.com/ecrguard/ecrguard/source/file"
)

type simulateOptions struct {
	action, resource, principal string
	identity                    []string
	resourcePolicy, boundary    string
	session                     string
	scps, rcps                  []string
	context                     []string
	contextFile                 string
	format                      string
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
organizations describe-policy for --scp, ...). --action is checked against
the ECR actions, as who-can checks it. A cross-account request with no
--identity-policy gets a note: the caller's own identity policies must allow
it too.

The principal's own keys (aws:PrincipalArn, aws:PrincipalAccount,
aws:PrincipalType, aws:username for users) are added to the context unless
given. A --context key given twice is multi-valued. --context-file takes a JSON
object of keys to a string or a list of strings ([] is present with no values;
binary values are base-64).

--rcp gives the resource control policies over the resource's account, one
file per level of the organization (root first, the account last). A Deny
statement of any level that matches the request denies it, whoever makes it
(the account's own principals, other accounts', AWS services), except a
service-linked role; RCP Allow statements grant nothing and none is required
(RCPFullAWSAccess sits at every level). A request for --resource '*' is to
no resource and is not governed. Leave --rcp out for a resource of the
organization's management account: RCPs do not govern it.

Exit codes: 0 allow, 1 deny (implicit or explicit), 2 usage or input error,
or a decision that depends on a statement ecrguard cannot evaluate (an
unknown condition operator, a value unknown at scan time).`,
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
			return runSimulate(contextOrBackground(c.Context()), c.OutOrStdout(), c.ErrOrStderr(), &o)
		},
	}
	f := c.Flags()
	f.StringVar(&o.action, "action", "", "the action, such as ecr:BatchGetImage (required)")
	f.StringVar(&o.resource, "resource", "", "the resource ARN, or * for actions without a resource type (required)")
	f.StringVar(&o.principal, "principal", "", "the caller: an IAM user, role or assumed-role ARN, an account id, or service:NAME (required)")
	f.StringArrayVar(&o.identity, "identity-policy", nil, "an identity policy file of the caller (repeatable)")
	f.StringVar(&o.resourcePolicy, "resource-policy", "", "the resource's policy file (a repository policy)")
	f.StringVar(&o.boundary, "boundary", "", "the caller's permissions boundary file")
	f.StringVar(&o.session, "session-policy", "", "a session policy file of the caller's role session")
	f.StringArrayVar(&o.scps, "scp", nil, "an SCP file over the caller's account, one per level of the hierarchy (repeatable; each must allow)")
	f.StringArrayVar(&o.rcps, "rcp", nil, "an RCP file over the resource's account, one per level of the hierarchy, root first (repeatable; a Deny in any denies)")
	f.StringArrayVar(&o.context, "context", nil, "a context key and value, KEY=VALUE (repeatable; a key given twice is multi-valued)")
	f.StringVar(&o.contextFile, "context-file", "", "a JSON object of context keys to a string or a list of strings")
	f.StringVar(&o.format, "format", "table", "output format: table or json")
	return c
}

func runSimulate(ctx context.Context, w, stderr io.Writer, o *simulateOptions) error {
	var missing []string
	for name, v := range map[string]string{"--action": o.action, "--resource": o.resource, "--principal": o.principal} {
		if v == "" {
			missing = append(missing, name)
		}
	}
	if len(missing) > 0 {
		sort.Strings(missing)
		return usageError("simulate needs %s; see 'ecrguard simulate --help'", strings.Join(missing, ", "))
	}
	if o.format != "table" && o.format != "json" {
		return usageError("--format %q: expected table or json", o.format)
	}
	p, err := eval.ParsePrincipal(o.principal)
	if err != nil {
		return usageError("--principal: %v", err)
	}
	if o.resource != "*" {
		if _, ok := policy.ParseARN(o.resource); !ok {
			return usageError("--resource %q: expected an ARN such as arn:aws:ecr:us-east-1:111122223333:repository/app, or *", o.resource)
		}
	}
	if !strings.Contains(o.action, ":") || policy.HasWildcard(o.action) {
		return usageError("--action %q: expected one action such as ecr:BatchGetImage (no wildcards)", o.action)
	}
	action, err := checkAction(o.action)
	if err != nil {
		return err
	}
	o.action = action

	// The policy files are read as scan reads them (file.ReadDocument).
	load := func(name string) (*eval.Policy, error) {
		doc, err := file.ReadDocument(ctx, name)
		if err != nil {
			return nil, inputError(err)
		}
		return eval.Compile(name, doc), nil
	}
	var ps eval.PolicySet
	for _, list := range []struct {
		files []string
		dst   *[]*eval.Policy
	}{{o.identity, &ps.Identity}, {o.scps, &ps.SCPs}, {o.rcps, &ps.RCPs}} {
		for _, f := range list.files {
			pol, err := load(f)
			if err != nil {
				return err
			}
			*list.dst = append(*list.dst, pol)
		}
	}
	for _, slot := range []struct {
		file string
		dst  **eval.Policy
	}{{o.resourcePolicy, &ps.Resource}, {o.boundary, &ps.Boundary}, {o.session, &ps.Session}} {
		if slot.file == "" {
			continue
		}
		pol, err := load(slot.file)
		if err != nil {
			return err
		}
		*slot.dst = pol
	}

	reqCtx := eval.NewContext()
	// The keys as the user wrote them, so that the answer names them so.
	var written []string
	if o.contextFile != "" {
		data, err := readText(o.contextFile)
		if err != nil {
			return inputError(err)
		}
		if err := reqCtx.SetJSON(data, o.contextFile); err != nil {
			return inputError(err)
		}
		var keys map[string]json.RawMessage
		if json.Unmarshal(data, &keys) == nil {
			for k := range keys {
				written = append(written, k)
			}
		}
	}
	multi := map[string][]string{}
	var order []string
	for _, kv := range o.context {
		k, v, ok := strings.Cut(kv, "=")
		if !ok || k == "" {
			return usageError("--context %q: expected KEY=VALUE", kv)
		}
		lk := strings.ToLower(k)
		if _, seen := multi[lk]; !seen {
			order = append(order, k)
		}
		multi[lk] = append(multi[lk], v)
	}
	for _, k := range order {
		reqCtx.Set(k, multi[strings.ToLower(k)]...)
	}
	written = append(written, order...)

	req := &eval.Request{Principal: p, Action: o.action, Resource: o.resource, Context: reqCtx}
	d := eval.Simulate(&ps, req)
	full := reqCtx.Clone()
	eval.Derive(full, p)
	eval.DeriveResource(full, &ps, o.resource)

	notes := simulateNotes(o, p)
	for _, n := range notes {
		fmt.Fprintf(stderr, "ecrguard: note: %s\n", n)
	}
	if o.format == "json" {
		err = report.WriteDecisionJSON(w, d, notes...)
	} else {
		err = report.WriteDecisionTable(w, req, full, d, written, terminalWidth(w))
	}
	if err != nil {
		return err
	}
	if len(d.Assumptions) > 0 {
		// The decision rests on statements ecrguard could not evaluate
		// (an unknown condition operator, a value unknown at scan time): it
		// is not an answer to rely on (docs/exit-codes.md).
		return inputError(fmt.Errorf("the decision depends on %d statement(s) that could not be evaluated (see the notes); it is not assessed", len(d.Assumptions)))
	}
	if d.Result != eval.Allow {
		return exitWith(1)
	}
	return nil
}

// checkAction returns action as the catalog spells it when its service is
// one the catalog knows (ecr, ecr-public), and a usage error with the
// nearest action when it is not one of them, as who-can does. Actions of
// other services are evaluated as given.
func checkAction(action string) (string, error) {
	cat := catalog.Default()
	svc, _, _ := strings.Cut(action, ":")
	if cat.ServiceSet(strings.ToLower(svc)).Empty() {
		return action, nil
	}
	if act := cat.Lookup(action); act != nil {
		return act.FullName(), nil
	}
	if s := cat.Suggest(action); s != "" {
		return "", usageError("--action: unknown action %q (did you mean %s?)", action, s)
	}
	return "", usageError("--action: unknown action %q: expected an ECR action such as ecr:BatchGetImage", action)
}

// simulateNotes are what the request's inputs leave out: a cross-account
// request needs the caller's own identity policies to allow it too, and
// without --identity-policy none allows it.
func simulateNotes(o *simulateOptions, p eval.Principal) []string {
	res, ok := policy.ParseARN(o.resource)
	if !ok || res.Account == "" || p.Account == "" || res.Account == p.Account || len(o.identity) > 0 {
		return nil
	}
	switch p.Type {
	case eval.User, eval.Role, eval.AssumedRole, eval.FederatedUser:
	default:
		return nil
	}
	return []string{fmt.Sprintf("cross-account request (%s in account %s, the resource in account %s) and no --identity-policy: "+
		"the caller's own identity policies must allow it too, and none was given, so no identity policy allows it; "+
		"give the caller's policies with --identity-policy to judge both sides", p, p.Account, res.Account)}
}
