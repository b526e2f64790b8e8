package live

import (
	"reflect"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/aws/aws-sdk-go-v2/service/ecr"
	"github.com/aws/aws-sdk-go-v2/service/ecrpublic"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/organizations"
	"github.com/aws/aws-sdk-go-v2/service/sts"
)

// retryers returns the retryer of every client of c, by client name.
func retryers(t *testing.T, c *Clients) map[string]aws.Retryer {
	t.Helper()
	return map[string]aws.Retryer{
		"sts":           c.STS.(*sts.Client).Options().Retryer,
		"iam":           c.IAM.(*iam.Client).Options().Retryer,
		"organizations": c.Organizations.(*organizations.Client).Options().Retryer,
		"ecr-public":    c.ECRPublic.(*ecrpublic.Client).Options().Retryer,
		"ecr":           c.ECR("eu-west-1").(*ecr.Client).Options().Retryer,
	}
}

// unwrap returns the retryer that r's wrappers (the SDK's retry.AddWith...,
// which the STS client adds to retry IDPCommunicationError) wrap.
func unwrap(r aws.Retryer) aws.Retryer {
	for {
		v := reflect.ValueOf(r)
		if v.Kind() != reflect.Pointer || v.Elem().Kind() != reflect.Struct {
			return r
		}
		f := v.Elem().FieldByName("RetryerV2")
		if !f.IsValid() || f.IsNil() {
			return r
		}
		r = f.Interface().(aws.Retryer)
	}
}

// TestRetryer: without Options.Retryer every client, the role sessions'
// included, retries in the SDK's adaptive mode bounded by MaxAttempts (the
// production behaviour); Options.Retryer replaces the mode and MaxAttempts
// still bounds it.
func TestRetryer(t *testing.T) {
	cfg := aws.Config{Region: "us-east-1"}
	standard := func() aws.Retryer { return retry.NewStandard() }
	for _, tt := range []struct {
		name     string
		opts     Options
		adaptive bool
		attempts int
	}{
		{"default", Options{}, true, DefaultMaxAttempts},
		{"default with MaxAttempts", Options{MaxAttempts: 3, MaxBackoff: time.Second}, true, 3},
		{"custom", Options{Retryer: standard}, false, DefaultMaxAttempts},
		{"custom with MaxAttempts", Options{Retryer: standard, MaxAttempts: 2}, false, 2},
	} {
		t.Run(tt.name, func(t *testing.T) {
			c := NewClients(cfg, tt.opts, nil)
			for _, cl := range []*Clients{c, c.AssumeRole("arn:aws:iam::111122223333:role/r", "")} {
				for name, r := range retryers(t, cl) {
					if _, ok := unwrap(r).(*retry.AdaptiveMode); ok != tt.adaptive {
						t.Errorf("%s: retryer %T, adaptive mode %v", name, r, tt.adaptive)
					}
					if n := r.MaxAttempts(); n != tt.attempts {
						t.Errorf("%s: %d attempts, want %d", name, n, tt.attempts)
					}
				}
			}
		})
	}
}
