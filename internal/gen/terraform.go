package gen

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"path"
	"sort"
	"strings"
)

// FilesPerStack is the number of .tf files of each root module
// TerraformFiles writes.
const FilesPerStack = 10

// TerraformFiles returns n Terraform files, keyed by slash-separated path,
// with ECR repositories, their policies (in the corpus's shapes) and IAM
// roles and policies, as a monorepo of root modules holds them: folders
// stacks/stack-NNN of FilesPerStack files each, a main.tf with the
// provider, then files of two repositories each (their policies written
// with jsonencode(), a heredoc or an aws_iam_policy_document data source)
// and, every third file, an IAM role with an inline policy and an attached
// managed policy.
func TerraformFiles(n int, seed uint64) map[string][]byte {
	r := rand.New(rand.NewPCG(seed, 0x7e44))
	out := make(map[string][]byte, n)
	repo, role := 0, 0
	for i := 0; i < n; i++ {
		stack, k := i/FilesPerStack, i%FilesPerStack
		dir := fmt.Sprintf("stacks/stack-%03d", stack)
		var b strings.Builder
		switch {
		case k == 0:
			fmt.Fprintf(&b, "provider \"aws\" {\n  region              = \"us-east-1\"\n  allowed_account_ids = [%q]\n}\n\n", Owner)
			fmt.Fprintf(&b, "locals {\n  team = \"team-%d\"\n}\n\ndata \"aws_caller_identity\" \"current\" {}\n", stack%50)
			out[path.Join(dir, "main.tf")] = []byte(b.String())
			continue
		case k%3 == 0:
			writeRole(&b, r, role)
			out[path.Join(dir, fmt.Sprintf("iam_%d.tf", k))] = []byte(b.String())
			role++
			continue
		}
		for j := 0; j < 2; j++ {
			writeRepository(&b, r, repo)
			repo++
		}
		out[path.Join(dir, fmt.Sprintf("repositories_%d.tf", k))] = []byte(b.String())
	}
	return out
}

// writeRepository writes repository i and its policy, in one of three
// forms.
func writeRepository(b *strings.Builder, r *rand.Rand, i int) {
	stmts := shapes[r.IntN(len(shapes))](r, i)
	doc := obj{"Version": "2012-10-17", "Statement": stmts}
	id := fmt.Sprintf("r%05d", i)
	fmt.Fprintf(b, "resource \"aws_ecr_repository\" %q {\n  name                 = \"${local.team}-svc-%05d\"\n  image_tag_mutability = \"IMMUTABLE\"\n}\n\n", id, i)
	fmt.Fprintf(b, "resource \"aws_ecr_repository_policy\" %q {\n  repository = aws_ecr_repository.%s.name\n", id, id)
	switch i % 3 {
	case 0:
		fmt.Fprintf(b, "  policy     = jsonencode(%s)\n}\n\n", hclJSON(doc, "  "))
	case 1:
		fmt.Fprintf(b, "  policy     = <<-POLICY\n    %s\n  POLICY\n}\n\n", hclJSON(doc, "    "))
	default:
		fmt.Fprintf(b, "  policy     = data.aws_iam_policy_document.%s.json\n}\n\n", id)
		writeDocument(b, id, stmts)
	}
}

// writeRole writes role i, with an inline policy and an attached managed
// policy.
func writeRole(b *strings.Builder, r *rand.Rand, i int) {
	id := fmt.Sprintf("role%04d", i)
	trust := obj{"Version": "2012-10-17", "Statement": []obj{{"Effect": "Allow",
		"Principal": obj{"Service": "codebuild.amazonaws.com"}, "Action": "sts:AssumeRole"}}}
	fmt.Fprintf(b, "resource \"aws_iam_role\" %q {\n  name               = \"ci-%04d\"\n  assume_role_policy = jsonencode(%s)\n", id, i, hclJSON(trust, "  "))
	fmt.Fprintf(b, "\n  inline_policy {\n    name   = \"inline\"\n    policy = jsonencode(%s)\n  }\n}\n\n", hclJSON(managedDoc(r, i), "    "))
	fmt.Fprintf(b, "resource \"aws_iam_policy\" %q {\n  name   = \"ci-%04d\"\n  policy = jsonencode(%s)\n}\n\n", id, i, hclJSON(managedDoc(r, i+1), "  "))
	fmt.Fprintf(b, "resource \"aws_iam_role_policy_attachment\" %q {\n  role       = aws_iam_role.%s.name\n  policy_arn = aws_iam_policy.%s.arn\n}\n\n", id, id, id)
}

// hclJSON writes v as indented JSON, which is also HCL's syntax for an
// object, with template sequences escaped (IAM's ${aws:username} is not a
// Terraform interpolation).
func hclJSON(v any, indent string) string {
	data, _ := json.MarshalIndent(v, indent, "  ")
	s := strings.ReplaceAll(string(data), "${", "$${")
	return strings.ReplaceAll(s, "%{", "%%{")
}

// writeDocument writes an aws_iam_policy_document data source with the
// statements of a generated repository policy.
func writeDocument(b *strings.Builder, id string, stmts []obj) {
	fmt.Fprintf(b, "data \"aws_iam_policy_document\" %q {\n", id)
	for _, s := range stmts {
		b.WriteString("  statement {\n")
		fmt.Fprintf(b, "    sid     = %q\n    effect  = %q\n", s["Sid"], s["Effect"])
		if a, ok := s["Action"]; ok {
			fmt.Fprintf(b, "    actions = %s\n", hclList(a))
		}
		for _, k := range []string{"Principal", "NotPrincipal"} {
			p, ok := s[k]
			if !ok {
				continue
			}
			block := "principals"
			if k == "NotPrincipal" {
				block = "not_principals"
			}
			if p == "*" {
				fmt.Fprintf(b, "    %s {\n      type        = \"*\"\n      identifiers = [\"*\"]\n    }\n", block)
				continue
			}
			po := p.(obj)
			for _, typ := range sortedKeys(po) {
				fmt.Fprintf(b, "    %s {\n      type        = %q\n      identifiers = %s\n    }\n", block, typ, hclList(po[typ]))
			}
		}
		if c, ok := s["Condition"].(obj); ok {
			for _, op := range sortedKeys(c) {
				keys := c[op].(obj)
				for _, key := range sortedKeys(keys) {
					fmt.Fprintf(b, "    condition {\n      test     = %q\n      variable = %q\n      values   = %s\n    }\n", op, key, hclList(keys[key]))
				}
			}
		}
		b.WriteString("  }\n")
	}
	b.WriteString("}\n\n")
}

// hclList writes a string or a list of strings as an HCL list.
func hclList(v any) string {
	var items []string
	switch x := v.(type) {
	case string:
		items = []string{x}
	case []string:
		items = x
	}
	q := make([]string, len(items))
	for i, s := range items {
		q[i] = fmt.Sprintf("%q", s)
	}
	return "[" + strings.Join(q, ", ") + "]"
}

func sortedKeys(m obj) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
