package validate

import (
	"testing"

	"github.com/ecrguard/ecrguard/policy"
)

const repoARN = "arn:aws:ecr:us-east-1:111122223333:repository/app"

func codes(t *testing.T, text string, kind Kind) map[string]int {
	t.Helper()
	doc, err := policy.Parse([]byte(text), "p.json")
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]int{}
	for _, p := range Check(doc, kind, repoARN) {
		out[p.Code]++
	}
	return out
}

// TestDeadElements checks elements that can never grant anything in a
// repository policy. IAM User Guide, "AWS JSON policy elements: Principal"
// (Federated is for web identity and SAML federation, CanonicalUser for
// Amazon S3) and "AWS JSON policy elements: NotResource".
func TestDeadElements(t *testing.T) {
	tests := []struct {
		name, policy, code string
		kind               Kind
		want               int
	}{
		{"federated principal", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Federated":"cognito-identity.amazonaws.com"},"Action":"ecr:BatchGetImage"}]}`, "dead-principal", RepositoryPolicy, 1},
		{"canonical user", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"CanonicalUser":"79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be"},"Action":"ecr:BatchGetImage"}]}`, "dead-principal", RepositoryPolicy, 1},
		{"NotResource excluding the repository", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"ecr:BatchGetImage","NotResource":"arn:aws:ecr:us-east-1:111122223333:repository/*"}]}`, "dead-resource", RepositoryPolicy, 1},
		{"NotResource excluding another repository", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"ecr:BatchGetImage","NotResource":"arn:aws:ecr:us-east-1:111122223333:repository/other"}]}`, "dead-resource", RepositoryPolicy, 0},
		{"Resource naming another repository", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"ecr:BatchGetImage","Resource":"arn:aws:ecr:us-east-1:111122223333:repository/other"}]}`, "dead-resource", RepositoryPolicy, 1},
		{"AWS principal", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:root"},"Action":"ecr:BatchGetImage"}]}`, "dead-principal", RepositoryPolicy, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := codes(t, tt.policy, tt.kind)[tt.code]; got != tt.want {
				t.Errorf("%s problems = %d, want %d", tt.code, got, tt.want)
			}
		})
	}
}
