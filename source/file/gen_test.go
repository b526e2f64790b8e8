package file

import (
	"context"
	"encoding/json"
	"fmt"
	"testing"
	"testing/fstest"
)

// genAuthorizationDetails generates, deterministically, the output of aws
// iam get-account-authorization-details for an account of the given size,
// formatted as the CLI prints it. Policies have three versions each (only
// the default is read); roles have a trust policy, two inline policies,
// three attachments and tags; users are in groups.
func genAuthorizationDetails(roles, policies, users int) []byte {
	const account = "111122223333"
	arn := func(kind, name string) string { return "arn:aws:iam::" + account + ":" + kind + "/" + name }
	stmt := func(i int, actions ...string) map[string]any {
		return map[string]any{
			"Sid":      fmt.Sprintf("S%d", i),
			"Effect":   "Allow",
			"Action":   actions,
			"Resource": []string{fmt.Sprintf("arn:aws:ecr:us-east-1:%s:repository/team-%d/*", account, i%97), fmt.Sprintf("arn:aws:logs:us-east-1:%s:log-group:/app/%d:*", account, i)},
			"Condition": map[string]any{
				"StringEquals": map[string]any{"aws:RequestedRegion": []string{"us-east-1", "eu-west-1"}},
				"Bool":         map[string]any{"aws:SecureTransport": "true"},
			},
		}
	}
	doc := func(i int) map[string]any {
		return map[string]any{"Version": "2012-10-17", "Statement": []any{
			stmt(i, "ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer", "ecr:BatchCheckLayerAvailability"),
			stmt(i+1, "ecr:PutImage", "ecr:InitiateLayerUpload", "ecr:UploadLayerPart", "ecr:CompleteLayerUpload", "logs:PutLogEvents"),
		}}
	}
	trust := map[string]any{"Version": "2012-10-17", "Statement": []any{map[string]any{
		"Effect": "Allow", "Principal": map[string]any{"Service": "ec2.amazonaws.com", "AWS": "arn:aws:iam::" + account + ":root"},
		"Action": "sts:AssumeRole",
	}}}
	policyName := func(i int) string { return fmt.Sprintf("policy-%04d", i) }
	attached := func(i int) []any {
		out := []any{}
		for k := 0; k < 3; k++ {
			n := policyName((i*7 + k*13) % policies)
			out = append(out, map[string]any{"PolicyName": n, "PolicyArn": arn("policy", n)})
		}
		return out
	}
	inline := func(i int) []any {
		return []any{
			map[string]any{"PolicyName": "inline-a", "PolicyDocument": doc(i)},
			map[string]any{"PolicyName": "inline-b", "PolicyDocument": doc(i + 3)},
		}
	}
	tags := []any{map[string]any{"Key": "team", "Value": "platform"}, map[string]any{"Key": "env", "Value": "prod"}}
	var out struct {
		UserDetailList  []any
		GroupDetailList []any
		RoleDetailList  []any
		Policies        []any
		IsTruncated     bool
	}
	const groups = 20
	for i := 0; i < groups; i++ {
		name := fmt.Sprintf("group-%02d", i)
		out.GroupDetailList = append(out.GroupDetailList, map[string]any{
			"Path": "/", "GroupName": name, "GroupId": fmt.Sprintf("AGPA%017d", i), "Arn": arn("group", name),
			"CreateDate": "2024-01-01T00:00:00Z", "GroupPolicyList": inline(i), "AttachedManagedPolicies": attached(i),
		})
	}
	for i := 0; i < users; i++ {
		name := fmt.Sprintf("user-%04d", i)
		out.UserDetailList = append(out.UserDetailList, map[string]any{
			"Path": "/", "UserName": name, "UserId": fmt.Sprintf("AIDA%017d", i), "Arn": arn("user", name),
			"CreateDate": "2024-01-01T00:00:00Z", "UserPolicyList": inline(i),
			"GroupList":               []string{fmt.Sprintf("group-%02d", i%groups), fmt.Sprintf("group-%02d", (i+1)%groups)},
			"AttachedManagedPolicies": attached(i), "Tags": tags,
		})
	}
	for i := 0; i < roles; i++ {
		name := fmt.Sprintf("role-%04d", i)
		r := map[string]any{
			"Path": "/", "RoleName": name, "RoleId": fmt.Sprintf("AROA%017d", i), "Arn": arn("role", name),
			"CreateDate": "2024-01-01T00:00:00Z", "AssumeRolePolicyDocument": trust, "InstanceProfileList": []any{},
			"RolePolicyList": inline(i), "AttachedManagedPolicies": attached(i), "Tags": tags,
			"RoleLastUsed": map[string]any{"LastUsedDate": "2025-01-01T00:00:00Z", "Region": "us-east-1"},
		}
		if i%10 == 0 {
			r["PermissionsBoundary"] = map[string]any{"PermissionsBoundaryType": "Policy", "PermissionsBoundaryArn": arn("policy", policyName(0))}
		}
		out.RoleDetailList = append(out.RoleDetailList, r)
	}
	for i := 0; i < policies; i++ {
		name := policyName(i)
		var versions []any
		for v := 3; v >= 1; v-- {
			versions = append(versions, map[string]any{
				"Document": doc(i + v), "VersionId": fmt.Sprintf("v%d", v), "IsDefaultVersion": v == 3, "CreateDate": "2024-01-01T00:00:00Z",
			})
		}
		out.Policies = append(out.Policies, map[string]any{
			"PolicyName": name, "PolicyId": fmt.Sprintf("ANPA%017d", i), "Arn": arn("policy", name), "Path": "/",
			"DefaultVersionId": "v3", "AttachmentCount": 3, "PermissionsBoundaryUsageCount": 0, "IsAttachable": true,
			"CreateDate": "2024-01-01T00:00:00Z", "UpdateDate": "2024-06-01T00:00:00Z", "PolicyVersionList": versions,
		})
	}
	data, err := json.MarshalIndent(out, "", "    ")
	if err != nil {
		panic(err)
	}
	return data
}

func TestGeneratedAuthorizationDetails(t *testing.T) {
	data := genAuthorizationDetails(50, 20, 5)
	e, err := Load(context.Background(), fstest.MapFS{"authz.json": {Data: data}}, []string{"."}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(e.Gaps) > 0 {
		t.Fatalf("gaps: %v", e.Gaps)
	}
	m := e.Lookup("111122223333").IAM
	if len(m.Roles) != 50 || len(m.Policies) != 20 || len(m.Users) != 5 || len(m.Groups) != 20 {
		t.Errorf("read %d roles, %d policies, %d users, %d groups", len(m.Roles), len(m.Policies), len(m.Users), len(m.Groups))
	}
}

// BenchmarkLoadAuthorizationDetails reads a generated authorization-details
// file of 5,000 roles, 2,000 managed policies and 500 users (the README's performance targets).
func BenchmarkLoadAuthorizationDetails(b *testing.B) {
	data := genAuthorizationDetails(5000, 2000, 500)
	fsys := fstest.MapFS{"authz.json": {Data: data}}
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		e, err := Load(context.Background(), fsys, []string{"authz.json"}, Options{})
		if err != nil || len(e.Gaps) > 0 {
			b.Fatal(err, e.Gaps)
		}
	}
	b.ReportMetric(float64(len(data))/1e6, "file-MB")
}
