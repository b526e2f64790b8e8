package live

import (
	"context"
	"net/http"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/ratelimit"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/aws/aws-sdk-go-v2/credentials/stscreds"
	"github.com/aws/aws-sdk-go-v2/service/ecr"
	"github.com/aws/aws-sdk-go-v2/service/ecrpublic"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/organizations"
	"github.com/aws/aws-sdk-go-v2/service/sts"

	"github.com/ecrguard/ecrguard/policy"
)

// PublicRegion is the only region that serves the ECR Public API.
const PublicRegion = "us-east-1"

// Clients are the AWS clients of one identity. NewClients builds them from
// an aws.Config; tests build them from fakes.
type Clients struct {
	STS           STSAPI
	IAM           IAMAPI
	Organizations OrganizationsAPI
	// ECRPublic serves ECR Public (us-east-1), or is nil where the
	// partition has none.
	ECRPublic ECRPublicAPI
	// ECR returns the ECR client of a region.
	ECR func(region string) ECRAPI
	// AssumeRole returns the clients of a role session of roleARN, assumed
	// with these clients' STS (externalID may be empty). Credentials are
	// fetched on first use, so an error shows at the first call.
	AssumeRole func(roleARN, externalID string) *Clients
}

// NewClients builds the clients of cfg's identity. Every client retries
// with the SDK's adaptive mode (client-side rate limiting after throttles)
// and without a retry quota, so that a long scan waits out throttling
// instead of giving up; opts.MaxAttempts and opts.MaxBackoff bound it.
// opts.Retryer, when set, replaces that mode (opts.MaxAttempts still
// bounds it).
// Credentials are wrapped so that the secrets they hold are known to the
// redactor (rd may be nil).
func NewClients(cfg aws.Config, opts Options, rd *Redactor) *Clients {
	opts = opts.withDefaults()
	cfg = cfg.Copy()
	if cfg.Credentials != nil && rd != nil {
		cfg.Credentials = aws.NewCredentialsCache(recordingProvider{inner: cfg.Credentials, rd: rd})
	}
	cfg.Retryer = opts.retryer()
	if cfg.HTTPClient == nil {
		// The SDK's default client has no overall timeout; the per-call
		// context deadline bounds each call instead.
		cfg.HTTPClient = &http.Client{}
	}
	c := &Clients{
		STS:           sts.NewFromConfig(cfg),
		IAM:           iam.NewFromConfig(cfg),
		Organizations: organizations.NewFromConfig(cfg),
	}
	if policy.PartitionOfRegion(cfg.Region) == "aws" || cfg.Region == "" {
		c.ECRPublic = ecrpublic.NewFromConfig(cfg, func(o *ecrpublic.Options) { o.Region = PublicRegion })
	}
	c.ECR = func(region string) ECRAPI {
		return ecr.NewFromConfig(cfg, func(o *ecr.Options) { o.Region = region })
	}
	c.AssumeRole = func(roleARN, externalID string) *Clients {
		ac := cfg.Copy()
		ac.Credentials = assumeRoleProvider(c.STS, roleARN, externalID)
		return NewClients(ac, opts, rd)
	}
	return c
}

// retryer returns the constructor of the clients' retryers (o has its
// defaults).
func (o Options) retryer() func() aws.Retryer {
	if o.Retryer != nil {
		return func() aws.Retryer { return retry.AddWithMaxAttempts(o.Retryer(), o.MaxAttempts) }
	}
	return func() aws.Retryer {
		return retry.NewAdaptiveMode(func(ao *retry.AdaptiveModeOptions) {
			ao.StandardOptions = append(ao.StandardOptions, func(so *retry.StandardOptions) {
				so.MaxAttempts = o.MaxAttempts
				so.MaxBackoff = o.MaxBackoff
				so.RateLimiter = ratelimit.None
			})
		})
	}
}

// assumeRoleProvider returns cached credentials of a session of roleARN.
func assumeRoleProvider(client STSAPI, roleARN, externalID string) aws.CredentialsProvider {
	return aws.NewCredentialsCache(stscreds.NewAssumeRoleProvider(client, roleARN, func(o *stscreds.AssumeRoleOptions) {
		o.RoleSessionName = "ecrguard"
		if externalID != "" {
			o.ExternalID = aws.String(externalID)
		}
		o.Duration = time.Hour
	}))
}

// recordingProvider hands out credentials and tells the redactor their
// secrets, so that no message ecrguard writes can echo them.
type recordingProvider struct {
	inner aws.CredentialsProvider
	rd    *Redactor
}

func (p recordingProvider) Retrieve(ctx context.Context) (aws.Credentials, error) {
	c, err := p.inner.Retrieve(ctx)
	if err == nil {
		p.rd.Add(c.AccessKeyID, c.SecretAccessKey, c.SessionToken)
	}
	return c, err
}
