// Package examples embeds the example estate that `ecrguard demo` scans: a
// dozen repositories, a registry policy, a repository creation template
// (creation-templates.json), an ECR Public repository
// (public-repositories.json, ecr-public/), IAM authorization details, an SCP
// (scps/) and an RCP (rcps/) of one account, in AWS CLI output shapes, with
// the configuration that goes with them. Every rule fires on it, some
// repositories are clean, and the RCP closes what vendor-sync's policy opens
// to an untrusted account (a note instead of a finding).
package examples

import (
	"embed"
	"time"

	"github.com/ecrguard/ecrguard/config"
)

// FS holds estate/ (the inputs) and .ecrguard.yaml (the configuration).
//
//go:embed estate .ecrguard.yaml
var FS embed.FS

// Root is the folder of FS to scan; Config the configuration file in FS.
const (
	Root   = "estate"
	Config = ".ecrguard.yaml"
)

// LoadConfig parses the configuration that goes with the estate (Config),
// named examples/.ecrguard.yaml in messages; now decides which
// suppressions have expired.
func LoadConfig(now time.Time) (*config.Config, error) {
	data, err := FS.ReadFile(Config)
	if err != nil {
		return nil, err
	}
	return config.Parse(data, "examples/"+Config, now)
}
