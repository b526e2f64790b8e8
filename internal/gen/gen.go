// Package gen generates realistic inputs for benchmarks: repository
// policies in the shapes of the conformance corpus, and authorization
// details of a large account. It is deterministic for a seed, and its output
// is never committed (the README's performance targets: benchmarks on generated inputs).
package gen

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"strings"
)

// Accounts used by generated inputs.
const (
	Owner    = "111122223333"
	Partner  = "444455556666"
	Stranger = "999988887777"
	OrgID    = "o-a1b2c3d4e5"
)

var pull = []string{"ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer", "ecr:BatchCheckLayerAvailability"}
var push = []string{"ecr:PutImage", "ecr:InitiateLayerUpload", "ecr:UploadLayerPart", "ecr:CompleteLayerUpload"}

type obj = map[string]any

func stmt(sid, effect string, principal any, actions []string, cond obj) obj {
	s := obj{"Sid": sid, "Effect": effect, "Principal": principal, "Action": actions}
	if cond != nil {
		s["Condition"] = cond
	}
	return s
}

// shapes are repository-policy templates modelled on the conformance
// corpus: public, conditional, cross-account, org-restricted, services,
// denies and NotAction.
var shapes = []func(r *rand.Rand, i int) []obj{
	func(r *rand.Rand, i int) []obj { // public pull
		return []obj{stmt("PublicPull", "Allow", "*", pull, nil)}
	},
	func(r *rand.Rand, i int) []obj { // partner pull
		return []obj{stmt("PartnerPull", "Allow", obj{"AWS": "arn:aws:iam::" + Partner + ":root"}, pull, nil)}
	},
	func(r *rand.Rand, i int) []obj { // org-restricted pull and push
		return []obj{stmt("OrgPullPush", "Allow", "*", append(append([]string{}, pull...), push...),
			obj{"StringEquals": obj{"aws:PrincipalOrgID": OrgID}})}
	},
	func(r *rand.Rand, i int) []obj { // useless condition
		return []obj{stmt("TlsOnly", "Allow", obj{"AWS": "*"}, pull, obj{"Bool": obj{"aws:SecureTransport": "true"}})}
	},
	func(r *rand.Rand, i int) []obj { // network restricted
		return []obj{stmt("Office", "Allow", "*", pull, obj{"IpAddress": obj{"aws:SourceIp": []string{
			fmt.Sprintf("203.0.%d.0/24", r.IntN(256)), "2001:db8::/32"}}})}
	},
	func(r *rand.Rand, i int) []obj { // stranger push and role in own account
		return []obj{
			stmt("CiPush", "Allow", obj{"AWS": fmt.Sprintf("arn:aws:iam::%s:role/ci-%d", Owner, i)}, push, nil),
			stmt("StrangerPush", "Allow", obj{"AWS": "arn:aws:iam::" + Stranger + ":role/deployer"}, push, nil),
		}
	},
	func(r *rand.Rand, i int) []obj { // allow everything, deny deletes and policy changes unless org
		return []obj{
			stmt("All", "Allow", "*", []string{"ecr:*"}, nil),
			stmt("NoDelete", "Deny", "*", []string{"ecr:Delete*", "ecr:BatchDeleteImage", "ecr:SetRepositoryPolicy"},
				obj{"StringNotEquals": obj{"aws:PrincipalOrgID": OrgID}}),
		}
	},
	func(r *rand.Rand, i int) []obj { // service with and without source condition
		return []obj{
			stmt("CodeBuild", "Allow", obj{"Service": "codebuild.amazonaws.com"}, pull,
				obj{"StringEquals": obj{"aws:SourceAccount": Owner}, "ArnLike": obj{"aws:SourceArn": "arn:aws:codebuild:us-east-1:" + Owner + ":project/*"}}),
			stmt("Lambda", "Allow", obj{"Service": "lambda.amazonaws.com"}, pull, nil),
		}
	},
	func(r *rand.Rand, i int) []obj { // ArnLike principal pattern, multi-key
		return []obj{stmt("CiRoles", "Allow", "*", pull, obj{
			"ArnLike":      obj{"aws:PrincipalArn": "arn:aws:iam::*:role/ci-*"},
			"StringEquals": obj{"aws:PrincipalAccount": []string{Owner, Partner}},
		})}
	},
	func(r *rand.Rand, i int) []obj { // NotPrincipal deny closing a public grant
		return []obj{
			stmt("EveryonePull", "Allow", obj{"AWS": "*"}, pull, nil),
			{"Sid": "OnlyUs", "Effect": "Deny", "NotPrincipal": obj{"AWS": "arn:aws:iam::" + Owner + ":root"}, "Action": "ecr:*"},
		}
	},
	func(r *rand.Rand, i int) []obj { // org paths with ForAnyValue
		return []obj{stmt("OU", "Allow", "*", pull, obj{"ForAnyValue:StringLike": obj{
			"aws:PrincipalOrgPaths": OrgID + "/r-ab12/ou-ab12-11111111/*"}})}
	},
	func(r *rand.Rand, i int) []obj { // typo and dead action
		return []obj{stmt("Typo", "Allow", obj{"AWS": Partner}, []string{"ecr:BatchGetImages", "ecr:GetAuthorizationToken", "ecr:GetDownloadUrlForLayer"}, nil)}
	},
}

// RepositoryPolicies returns n repository policy documents as JSON, keyed by
// repository name, in the corpus's shapes.
func RepositoryPolicies(n int, seed uint64) map[string][]byte {
	r := rand.New(rand.NewPCG(seed, 0x5eed))
	out := make(map[string][]byte, n)
	for i := 0; i < n; i++ {
		s := shapes[r.IntN(len(shapes))](r, i)
		if r.IntN(4) == 0 { // some policies combine two shapes
			s = append(s, shapes[r.IntN(len(shapes))](r, i)...)
			for k := range s {
				s[k]["Sid"] = fmt.Sprintf("%s%d", s[k]["Sid"], k)
			}
		}
		doc, _ := json.MarshalIndent(obj{"Version": "2012-10-17", "Statement": s}, "", "  ")
		out[fmt.Sprintf("repo-%05d", i)] = doc
	}
	return out
}

// PublicRepositoryPolicies returns n ECR Public repository policy
// documents as JSON, keyed by repository name: RepositoryPolicies's, their
// actions those of ecr-public.
func PublicRepositoryPolicies(n int, seed uint64) map[string][]byte {
	out := RepositoryPolicies(n, seed)
	for name, doc := range out {
		out[name] = bytes.ReplaceAll(doc, []byte(`"ecr:`), []byte(`"ecr-public:`))
	}
	return out
}

// Sizes of a generated account.
type Sizes struct {
	Roles, Policies, Users, Groups, Repositories int
}

var services = []string{"s3", "ec2", "logs", "dynamodb", "sqs", "sns", "lambda", "kms", "cloudwatch", "ssm"}

// managedDoc returns a managed policy document: most are about other
// services; some grant ECR in the ways accounts do.
func managedDoc(r *rand.Rand, i int) obj {
	var stmts []obj
	for k := 0; k < 3+r.IntN(6); k++ {
		svc := services[r.IntN(len(services))]
		stmts = append(stmts, obj{"Effect": "Allow",
			"Action":   []string{svc + ":Get*", svc + ":List*", svc + ":Describe*"},
			"Resource": fmt.Sprintf("arn:aws:%s:us-east-1:%s:thing/%d-*", svc, Owner, k)})
	}
	switch r.IntN(10) {
	case 0:
		stmts = append(stmts, obj{"Effect": "Allow", "Action": "ecr:*", "Resource": "*"})
	case 1:
		stmts = append(stmts, obj{"Effect": "Allow", "Action": append(append([]string{"ecr:GetAuthorizationToken"}, pull...), push...), "Resource": "*"})
	case 2:
		stmts = append(stmts, obj{"Effect": "Allow", "Action": []string{"ecr:BatchDeleteImage", "ecr:DeleteRepository"},
			"Resource":  fmt.Sprintf("arn:aws:ecr:us-east-1:%s:repository/team-%d-*", Owner, i%50),
			"Condition": obj{"Bool": obj{"aws:MultiFactorAuthPresent": "true"}}})
	case 3:
		stmts = append(stmts, obj{"Effect": "Allow", "Action": []string{"ecr:SetRepositoryPolicy", "ecr:GetRepositoryPolicy"},
			"Resource": fmt.Sprintf("arn:aws:ecr:us-east-1:%s:repository/team-%d-*", Owner, i%50)})
	case 4:
		stmts = append(stmts, obj{"Effect": "Allow", "Action": "ecr:*", "Resource": "*",
			"Condition": obj{"StringEquals": obj{"ecr:ResourceTag/team": "${aws:PrincipalTag/team}"}}})
	case 5:
		stmts = append(stmts, obj{"Effect": "Deny", "Action": []string{"ecr:Delete*", "ecr:BatchDeleteImage"}, "Resource": "*"})
	}
	return obj{"Version": "2012-10-17", "Statement": stmts}
}

// AuthorizationDetails returns `aws iam get-account-authorization-details`
// output for an account of the given sizes (about 10 KB per role).
func AuthorizationDetails(s Sizes, seed uint64) []byte {
	r := rand.New(rand.NewPCG(seed, 0xacc7))
	arn := func(kind, name string) string { return fmt.Sprintf("arn:aws:iam::%s:%s/%s", Owner, kind, name) }
	var policies []obj
	for i := 0; i < s.Policies; i++ {
		name := fmt.Sprintf("policy-%04d", i)
		policies = append(policies, obj{
			"PolicyName": name, "PolicyId": fmt.Sprintf("ANPA%016d", i), "Arn": arn("policy", name), "Path": "/",
			"DefaultVersionId": "v2", "AttachmentCount": 1, "PermissionsBoundaryUsageCount": 0, "IsAttachable": true,
			"CreateDate": "2024-01-01T00:00:00Z", "UpdateDate": "2025-01-01T00:00:00Z",
			"PolicyVersionList": []obj{
				{"Document": managedDoc(r, i), "VersionId": "v2", "IsDefaultVersion": true, "CreateDate": "2025-01-01T00:00:00Z"},
				{"Document": managedDoc(r, i+1), "VersionId": "v1", "IsDefaultVersion": false, "CreateDate": "2024-01-01T00:00:00Z"},
			},
		})
	}
	attached := func() []obj {
		var out []obj
		for k := 0; k < 1+r.IntN(4); k++ {
			n := fmt.Sprintf("policy-%04d", r.IntN(max(1, s.Policies)))
			out = append(out, obj{"PolicyName": n, "PolicyArn": arn("policy", n)})
		}
		return out
	}
	tags := func(i int) []obj { return []obj{{"Key": "team", "Value": fmt.Sprintf("team-%d", i%50)}} }
	var groups []obj
	for i := 0; i < s.Groups; i++ {
		name := fmt.Sprintf("group-%03d", i)
		groups = append(groups, obj{"Path": "/", "GroupName": name, "GroupId": fmt.Sprintf("AGPA%016d", i), "Arn": arn("group", name),
			"CreateDate": "2024-01-01T00:00:00Z", "GroupPolicyList": []obj{}, "AttachedManagedPolicies": attached()})
	}
	var users []obj
	for i := 0; i < s.Users; i++ {
		name := fmt.Sprintf("user-%04d", i)
		var gl []string
		if s.Groups > 0 {
			gl = []string{fmt.Sprintf("group-%03d", r.IntN(s.Groups))}
		}
		users = append(users, obj{"Path": "/", "UserName": name, "UserId": fmt.Sprintf("AIDA%016d", i), "Arn": arn("user", name),
			"CreateDate": "2024-01-01T00:00:00Z", "GroupList": gl, "AttachedManagedPolicies": attached(), "Tags": tags(i),
			"UserPolicyList": []obj{{"PolicyName": "inline", "PolicyDocument": managedDoc(r, i)}}})
	}
	var roles []obj
	for i := 0; i < s.Roles; i++ {
		name := fmt.Sprintf("role-%04d", i)
		role := obj{"Path": "/", "RoleName": name, "RoleId": fmt.Sprintf("AROA%016d", i), "Arn": arn("role", name),
			"CreateDate": "2024-01-01T00:00:00Z",
			"AssumeRolePolicyDocument": obj{"Version": "2012-10-17", "Statement": []obj{{"Effect": "Allow",
				"Principal": obj{"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"}}},
			"InstanceProfileList": []obj{}, "AttachedManagedPolicies": attached(), "Tags": tags(i), "RoleLastUsed": obj{},
			"RolePolicyList": []obj{{"PolicyName": "inline", "PolicyDocument": managedDoc(r, i)}}}
		if i%10 == 0 && s.Policies > 0 {
			role["PermissionsBoundary"] = obj{"PermissionsBoundaryType": "Policy", "PermissionsBoundaryArn": arn("policy", "policy-0000")}
		}
		roles = append(roles, role)
	}
	b, _ := json.MarshalIndent(obj{"UserDetailList": users, "GroupDetailList": groups, "RoleDetailList": roles,
		"Policies": policies, "IsTruncated": false}, "", "  ")
	return b
}

// RepositoryNames returns n repository names, some matching the team-N-*
// patterns the generated policies use.
func RepositoryNames(n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = fmt.Sprintf("team-%d-%s", i%50, strings.Repeat("x", 1+i%3)) + fmt.Sprintf("-%03d", i)
	}
	return out
}
