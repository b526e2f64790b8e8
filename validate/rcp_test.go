package validate

import "testing"

// AWS Organizations User Guide, "RCP syntax": the effect Allow is only
// supported for the RCPFullAWSAccess policy (Allow of "*" on "*" to
// Principal "*"); a custom RCP holds Deny statements.
func TestRCPAllow(t *testing.T) {
	tests := []struct {
		name, policy string
		want         int
	}{
		{"RCPFullAWSAccess", `{"Version":"2012-10-17","Statement":[{"Sid":"RCPFullAWSAccess","Effect":"Allow","Principal":"*","Action":"*","Resource":"*"}]}`, 0},
		{"RCPFullAWSAccess as a list", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"*"},"Action":["*"],"Resource":["*"]}]}`, 0},
		{"a Deny", `{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Principal":"*","Action":"ecr:*","Resource":"*","Condition":{"Bool":{"aws:SecureTransport":"false"}}}]}`, 0},
		{"an Allow of some actions", `{"Version":"2012-10-17","Statement":[{"Sid":"AllowEcr","Effect":"Allow","Principal":"*","Action":"ecr:*","Resource":"*"}]}`, 1},
		{"an Allow with a condition", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"*","Resource":"*","Condition":{"Bool":{"aws:SecureTransport":"true"}}}]}`, 1},
		{"an Allow of some resources", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"*","Resource":"arn:aws:ecr:*:*:repository/*"}]}`, 1},
		{"an Allow with NotAction", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","NotAction":"iam:*","Resource":"*"}]}`, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := withCode(problems(t, tt.policy, RCP, ""), "rcp-allow")
			if len(got) != tt.want {
				t.Errorf("rcp-allow problems %v, want %d", got, tt.want)
			}
			if n := len(problems(t, tt.policy, RCP, "")); n != tt.want {
				t.Errorf("all problems %v, want %d", problems(t, tt.policy, RCP, ""), tt.want)
			}
		})
	}
}
