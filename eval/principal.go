package eval

import (
	"fmt"
	"strings"

	"github.com/ecrguard/ecrguard/policy"
)

// PrincipalType is what kind of caller makes a request.
type PrincipalType uint8

// Principal types.
const (
	Anonymous PrincipalType = iota
	// Root is an account's root user (arn:aws:iam::ACCOUNT:root).
	Root
	User
	// Role stands for the sessions of an IAM role: the caller is some
	// session of it, whose name it chooses.
	Role
	// AssumedRole is one role session (arn:aws:sts::A:assumed-role/R/S).
	AssumedRole
	FederatedUser
	// Service is an AWS service principal such as codebuild.amazonaws.com.
	Service
)

func (t PrincipalType) String() string {
	return [...]string{"anonymous", "root", "user", "role", "assumed-role", "federated-user", "service"}[t]
}

// Principal is the caller of a request.
type Principal struct {
	Type PrincipalType
	// ARN is the user, role, session, federated user or root ARN.
	ARN     string
	Account string
	// RoleARN is the role of an AssumedRole session.
	RoleARN string
	// Session is, for a Role caller, the session name it chose for the
	// request; a Principal element listing that session of the role names
	// it, one listing another session does not. Empty, the name is left
	// open: a statement listing any session of the role may name the
	// caller, each statement on its own (which answers more than any one
	// session can).
	Session string
	// Service is a service principal's name.
	Service string
}

func (p Principal) String() string {
	switch p.Type {
	case Service:
		return "service:" + p.Service
	case Anonymous:
		return "anonymous"
	}
	return p.ARN
}

// ParsePrincipal reads a caller: a user, role, assumed-role session,
// federated user or root ARN, a bare 12-digit account id (its root), or
// "service:NAME" / a name ending in ".amazonaws.com" for a service.
func ParsePrincipal(s string) (Principal, error) {
	if name, ok := strings.CutPrefix(s, "service:"); ok {
		if name == "" {
			return Principal{}, fmt.Errorf("principal %q: expected a service name after \"service:\"", s)
		}
		return Principal{Type: Service, Service: name}, nil
	}
	if strings.HasSuffix(s, ".amazonaws.com") && !strings.HasPrefix(s, "arn:") {
		return Principal{Type: Service, Service: s}, nil
	}
	if policy.IsAccountID(s) {
		return Principal{Type: Root, Account: s, ARN: "arn:aws:iam::" + s + ":root"}, nil
	}
	a, ok := policy.ParseARN(s)
	if !ok {
		return Principal{}, fmt.Errorf("principal %q: expected an IAM user or role ARN such as arn:aws:iam::111122223333:role/name, an account id, or service:NAME", s)
	}
	if !policy.IsAccountID(a.Account) && !policy.IsPlaceholder(a.Account) {
		return Principal{}, fmt.Errorf("principal %q: the account field %q is not a 12-digit account id", s, a.Account)
	}
	p := Principal{ARN: s, Account: a.Account}
	switch {
	case a.Service == "iam" && a.Resource == "root":
		p.Type = Root
	case a.Service == "iam" && strings.HasPrefix(a.Resource, "user/"):
		p.Type = User
	case a.Service == "iam" && strings.HasPrefix(a.Resource, "role/"):
		p.Type = Role
	case a.Service == "sts" && strings.HasPrefix(a.Resource, "assumed-role/"):
		parts := strings.Split(a.Resource, "/")
		if len(parts) != 3 || parts[1] == "" || parts[2] == "" {
			return Principal{}, fmt.Errorf("principal %q: expected arn:aws:sts::ACCOUNT:assumed-role/ROLE/SESSION", s)
		}
		p.Type = AssumedRole
		// The role's path is not in the session ARN; assume none.
		p.RoleARN = "arn:" + a.Partition + ":iam::" + a.Account + ":role/" + parts[1]
	case a.Service == "sts" && strings.HasPrefix(a.Resource, "federated-user/"):
		p.Type = FederatedUser
	default:
		return Principal{}, fmt.Errorf("principal %q: expected an iam user/role/root ARN or an sts assumed-role/federated-user ARN", s)
	}
	return p, nil
}

// AsSession returns a Role caller that chose its Session as that session
// (arn:PARTITION:sts::ACCOUNT:assumed-role/NAME/SESSION); any other p as it is.
func (p Principal) AsSession() Principal {
	a, ok := policy.ParseARN(p.ARN)
	if p.Type != Role || p.Session == "" || !ok {
		return p
	}
	return Principal{Type: AssumedRole, Account: p.Account, RoleARN: p.ARN,
		ARN: "arn:" + a.Partition + ":sts::" + a.Account + ":assumed-role/" + p.Name() + "/" + p.Session}
}

// Name is the friendly name of a user or role (the last path element).
func (p Principal) Name() string {
	a, ok := policy.ParseARN(p.ARN)
	if !ok {
		return ""
	}
	r := a.Resource
	if p.Type == AssumedRole {
		parts := strings.Split(r, "/")
		if len(parts) >= 2 {
			return parts[1]
		}
	}
	return r[strings.LastIndexByte(r, '/')+1:]
}

// Derive adds to ctx the keys every request by p carries, unless ctx already
// has them: aws:PrincipalArn, aws:PrincipalAccount, aws:PrincipalType,
// aws:username for IAM users, aws:PrincipalIsAWSService and, for services,
// aws:PrincipalServiceName. (IAM User Guide, "AWS global condition context
// keys".)
func Derive(ctx *Context, p Principal) {
	// Keys are written in lower case: Derive runs for every caller of a
	// search.
	setIfAbsent := func(lower string, v ...string) {
		if _, ok := ctx.get(lower); !ok {
			ctx.setLower(lower, v)
		}
	}
	switch p.Type {
	case Service:
		setIfAbsent("aws:principalisawsservice", "true")
		setIfAbsent("aws:principalservicename", p.Service)
		setIfAbsent("aws:principalservicenameslist", p.Service)
		return
	case Anonymous:
		return
	}
	setIfAbsent("aws:principalisawsservice", "false")
	arn := p.ARN
	if p.Type == AssumedRole {
		arn = p.RoleARN
	}
	setIfAbsent("aws:principalarn", arn)
	setIfAbsent("aws:principalaccount", p.Account)
	switch p.Type {
	case User:
		setIfAbsent("aws:principaltype", "User")
		setIfAbsent("aws:username", p.Name())
	case Role, AssumedRole:
		setIfAbsent("aws:principaltype", "AssumedRole")
	case Root:
		setIfAbsent("aws:principaltype", "Account")
	case FederatedUser:
		setIfAbsent("aws:principaltype", "FederatedUser")
	}
}
