// Package examples embeds the example estate that `ecrguard demo` scans: a
// dozen repositories, a registry policy, IAM authorization details and an
// SCP of one account, in AWS CLI output shapes, with the configuration that
// goes with them. Every rule fires on it and some repositories are clean.
package examples

import "embed"

// FS holds estate/ (the inputs) and .ecrguard.yaml (the configuration).
//
//go:embed estate .ecrguard.yaml
var FS embed.FS

// Root is the folder of FS to scan; Config the configuration file in FS.
const (
	Root   = "estate"
	Config = ".ecrguard.yaml"
)
