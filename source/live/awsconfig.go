package live

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/credentials/ec2rolecreds"
	"github.com/aws/smithy-go/logging"
)

// ErrNoCredentials says where credentials can come from.
var ErrNoCredentials = errors.New("no AWS credentials found: give them as environment variables " +
	"(AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, with AWS_SESSION_TOKEN for temporary ones), " +
	"as a profile of ~/.aws/config or ~/.aws/credentials (AWS_PROFILE or --profile; `aws configure` writes one), " +
	"or through SSO (`aws configure sso`, then `aws sso login`) or an instance or container role where ecrguard runs in AWS")

// instanceRoleWait bounds the wait for the instance metadata service when
// it is the only place left to find credentials: off EC2 nothing answers,
// and the SDK's own retries would take the first AWS call's time.
const instanceRoleWait = 5 * time.Second

// LoadConfig loads the AWS configuration as the AWS CLI would: profile
// ("" for AWS_PROFILE or the default one) and region ("" for the
// profile's). When neither the environment nor the profile gives
// credentials, the SDK falls back on an instance or container role: then
// it asks for that role's credentials at once and returns ErrNoCredentials
// when none come in time, rather than on the first AWS call, after the
// SDK's retries.
//
// The SDK's own log lines are dropped ("WARN falling back to IMDSv1" off
// EC2, say): what a failed call means reaches the user as ecrguard's
// error or coverage gap, in ecrguard's words.
func LoadConfig(ctx context.Context, profile, region string) (aws.Config, error) {
	opts := []func(*config.LoadOptions) error{config.WithLogger(logging.Nop{})}
	if profile != "" {
		opts = append(opts, config.WithSharedConfigProfile(profile))
	}
	if region != "" {
		opts = append(opts, config.WithRegion(region))
	}
	instanceRoleOnly := false
	opts = append(opts, config.WithEC2RoleCredentialOptions(func(*ec2rolecreds.Options) { instanceRoleOnly = true }))
	cfg, err := config.LoadDefaultConfig(ctx, opts...)
	var noProfile config.SharedConfigProfileNotExistError
	if errors.As(err, &noProfile) {
		files := noProfile.Filename
		if len(files) == 0 {
			files = []string{cmp.Or(os.Getenv("AWS_CONFIG_FILE"), config.DefaultSharedConfigFilename()),
				cmp.Or(os.Getenv("AWS_SHARED_CREDENTIALS_FILE"), config.DefaultSharedCredentialsFilename())}
		}
		return cfg, fmt.Errorf("the AWS profile %q is in none of the AWS configuration files (%s); `aws configure list-profiles` lists those there are", noProfile.Profile, strings.Join(files, ", "))
	}
	if err != nil {
		return cfg, fmt.Errorf("loading the AWS configuration: %w", err)
	}
	if !instanceRoleOnly {
		return cfg, nil
	}
	if cfg.Credentials == nil {
		return cfg, ErrNoCredentials
	}
	// The SDK caches what it got for the calls that follow.
	wait, cancel := context.WithTimeout(ctx, instanceRoleWait)
	defer cancel()
	if _, err := cfg.Credentials.Retrieve(wait); err != nil {
		if ctx.Err() != nil {
			return cfg, ctx.Err()
		}
		return cfg, ErrNoCredentials
	}
	return cfg, nil
}
