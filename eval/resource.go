package eval

import "github.com/ecrguard/ecrguard/policy"

// DeriveResource adds to ctx, unless it has it, the key every request to a
// resource carries about it: aws:ResourceAccount, the account that owns the
// resource (ps.ResourceAccount, else the account of the resource's ARN;
// nothing when neither names one). IAM User Guide, "AWS global condition
// context keys": aws:ResourceAccount. A policy that names the owner as
// ${aws:ResourceAccount} (the fix of a resource whose owner the inputs do
// not name) needs it to resolve.
func DeriveResource(ctx *Context, ps *PolicySet, resource string) {
	if ctx.Has("aws:ResourceAccount") {
		return
	}
	acct := ps.ResourceAccount
	if acct == "" {
		if a, ok := policy.ParseARN(resource); ok {
			acct = a.Account
		}
	}
	if acct != "" {
		ctx.Set("aws:ResourceAccount", acct)
	}
}
