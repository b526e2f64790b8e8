package exposure

import (
	"regexp"
	"sort"
	"strings"

	"github.com/ecrguard/ecrguard/eval"
	"github.com/ecrguard/ecrguard/policy"
)

// names is everything a policy names: accounts, principal ARNs,
// organizations and OU paths, and services. Named outsiders are ECR003's
// business; an outsider the policy does not name is the public.
type names struct {
	accounts map[string]bool
	arns     map[string]bool
	orgs     map[string]bool
	paths    map[string]bool
	services map[string]bool
}

var orgIDPattern = regexp.MustCompile(`^o-[a-z0-9]{4,32}$`)

func collectNames(doc *policy.Document) *names {
	n := &names{
		accounts: map[string]bool{}, arns: map[string]bool{}, orgs: map[string]bool{},
		paths: map[string]bool{}, services: map[string]bool{},
	}
	for _, s := range doc.Statements {
		for _, pr := range []*policy.Principal{s.Principal, s.NotPrincipal} {
			if pr == nil {
				continue
			}
			if pr.IsEveryone() || s.NotPrincipal != nil {
				n.services[freshService] = true
			}
			for _, e := range pr.Entries {
				if e.Value.Unknown {
					continue
				}
				switch e.Kind {
				case policy.KindAWS:
					n.addPrincipal(e.Value.Text)
				case policy.KindService:
					n.services[strings.ToLower(e.Value.Text)] = true
				}
			}
		}
		for _, c := range s.Conditions {
			key := strings.ToLower(c.Key)
			for _, v := range c.Values {
				if v.Unknown {
					continue
				}
				t := v.Text
				switch key {
				case "aws:principalaccount", "aws:sourceaccount", "aws:sourceowner":
					if policy.IsAccountID(t) {
						n.accounts[t] = true
					}
				case "aws:principalarn":
					n.addPrincipal(t)
				case "aws:sourcearn":
					if a, ok := policy.ParseARN(t); ok && policy.IsAccountID(a.Account) {
						n.accounts[a.Account] = true
					}
				case "aws:principalorgid", "aws:sourceorgid":
					if orgIDPattern.MatchString(t) {
						n.orgs[t] = true
					}
				case "aws:principalorgpaths", "aws:sourceorgpaths":
					org, _, _ := strings.Cut(t, "/")
					if orgIDPattern.MatchString(org) {
						n.orgs[org] = true
						n.paths[t] = true
					}
				case "aws:principalservicename":
					if !policy.HasWildcard(t) {
						n.services[strings.ToLower(t)] = true
					}
				case "aws:principalisawsservice", "aws:principalservicenameslist":
					n.services[freshService] = true
				}
			}
		}
	}
	return n
}

// addPrincipal records an AWS principal as written in a Principal element or
// an aws:PrincipalArn value.
func (n *names) addPrincipal(t string) {
	switch {
	case t == "*":
	case policy.IsAccountID(t):
		n.accounts[t] = true
	default:
		a, ok := policy.ParseARN(t)
		if !ok || !policy.IsAccountID(a.Account) {
			return
		}
		n.accounts[a.Account] = true
		if a.Resource != "root" && !policy.HasWildcard(t) {
			if _, err := eval.ParsePrincipal(t); err == nil {
				n.arns[t] = true
			}
		}
	}
}

func sortedKeys(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

func (n *names) accountList() []string { return sortedKeys(n.accounts) }
func (n *names) arnList() []string     { return sortedKeys(n.arns) }
func (n *names) orgList() []string     { return sortedKeys(n.orgs) }
func (n *names) pathList() []string    { return sortedKeys(n.paths) }
func (n *names) serviceList() []string { return sortedKeys(n.services) }
