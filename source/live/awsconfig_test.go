package live

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/aws/smithy-go/logging"
)

// isolateAWSConfig points the SDK at empty config and credentials files
// and clears the credential variables, so that the machine's own setup
// plays no part.
func isolateAWSConfig(t *testing.T) {
	dir := t.TempDir()
	empty := filepath.Join(dir, "empty")
	if err := os.WriteFile(empty, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	t.Setenv("AWS_CONFIG_FILE", empty)
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", empty)
	for _, k := range []string{"AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE",
		"AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", "AWS_CONTAINER_CREDENTIALS_FULL_URI", "AWS_WEB_IDENTITY_TOKEN_FILE", "AWS_ROLE_ARN"} {
		t.Setenv(k, "")
		os.Unsetenv(k)
	}
}

// TestLoadConfigQuietSDK: credentials from the environment load, and the
// SDK's logger is silenced (its IMDS warnings are not ecrguard's output).
func TestLoadConfigQuietSDK(t *testing.T) {
	isolateAWSConfig(t)
	t.Setenv("AWS_ACCESS_KEY_ID", "AKIAIOSFODNN7EXAMPLE")
	t.Setenv("AWS_SECRET_ACCESS_KEY", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY")
	cfg, err := LoadConfig(context.Background(), "", "eu-west-1")
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := cfg.Logger.(logging.Nop); !ok {
		t.Errorf("Logger = %T, want logging.Nop", cfg.Logger)
	}
	if cfg.Region != "eu-west-1" {
		t.Errorf("Region = %q", cfg.Region)
	}
}

// TestLoadConfigNoCredentials: with no credentials anywhere and the
// instance metadata service off, the answer is ErrNoCredentials, which
// says where credentials come from.
func TestLoadConfigNoCredentials(t *testing.T) {
	isolateAWSConfig(t)
	t.Setenv("AWS_EC2_METADATA_DISABLED", "true")
	_, err := LoadConfig(context.Background(), "", "us-east-1")
	if !errors.Is(err, ErrNoCredentials) {
		t.Fatalf("err = %v, want ErrNoCredentials", err)
	}
}

// TestLoadConfigNoSuchProfile: a profile in neither file is named, with
// the files looked in, in ecrguard's words rather than the SDK's.
func TestLoadConfigNoSuchProfile(t *testing.T) {
	isolateAWSConfig(t)
	_, err := LoadConfig(context.Background(), "nope", "us-east-1")
	files := os.Getenv("AWS_CONFIG_FILE") + ", " + os.Getenv("AWS_SHARED_CREDENTIALS_FILE")
	if want := `the AWS profile "nope" is in none of the AWS configuration files (` + files + "); `aws configure list-profiles` lists those there are"; err == nil || err.Error() != want {
		t.Fatalf("err = %v, want %s", err, want)
	}
}
