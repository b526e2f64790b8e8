package live

import (
	"sort"
	"strings"
)

// ecrRegions are the regions that serve Amazon ECR, per partition, as the
// SDK's endpoint metadata lists them (github.com/aws/aws-sdk-go-v2/service/ecr
// v1.67.4, internal/endpoints; TestRegionsMatchSDK compares the two). The
// approved SDK modules cannot ask an account which regions it has enabled
// (that is ec2:DescribeRegions or account:ListRegions), so --all-regions
// means every region of the caller's partition, and a region that is not
// enabled answers UnrecognizedClientException: a note that names the
// region when it is an opt-in region (it can hold nothing anyone uses),
// and a coverage gap otherwise.
var ecrRegions = map[string][]string{
	"aws": {
		"af-south-1", "ap-east-1", "ap-east-2", "ap-northeast-1", "ap-northeast-2", "ap-northeast-3",
		"ap-south-1", "ap-south-2", "ap-southeast-1", "ap-southeast-2", "ap-southeast-3", "ap-southeast-4",
		"ap-southeast-5", "ap-southeast-6", "ap-southeast-7", "ca-central-1", "ca-west-1", "eu-central-1",
		"eu-central-2", "eu-north-1", "eu-south-1", "eu-south-2", "eu-west-1", "eu-west-2", "eu-west-3",
		"il-central-1", "me-central-1", "me-south-1", "mx-central-1", "sa-east-1", "us-east-1", "us-east-2",
		"us-west-1", "us-west-2",
	},
	"aws-cn":     {"cn-north-1", "cn-northwest-1"},
	"aws-us-gov": {"us-gov-east-1", "us-gov-west-1"},
	"aws-eusc":   {"eusc-de-east-1"},
	"aws-iso":    {"us-iso-east-1", "us-iso-west-1"},
	"aws-iso-b":  {"us-isob-east-1", "us-isob-west-1"},
	"aws-iso-e":  {"eu-isoe-west-1"},
	"aws-iso-f":  {"us-isof-east-1", "us-isof-south-1"},
}

// optInRegions are the aws-partition regions an account must enable before
// use (AWS General Reference, "Enable or disable AWS Regions").
var optInRegions = map[string]bool{
	"af-south-1": true, "ap-east-1": true, "ap-east-2": true, "ap-south-2": true, "ap-southeast-3": true,
	"ap-southeast-4": true, "ap-southeast-5": true, "ap-southeast-6": true, "ap-southeast-7": true,
	"ca-west-1": true, "eu-central-2": true, "eu-south-1": true, "eu-south-2": true, "il-central-1": true,
	"me-central-1": true, "me-south-1": true, "mx-central-1": true,
}

// Regions returns the ECR regions of a partition ("aws", "aws-cn", ...),
// sorted; nil for a partition ecrguard does not know.
func Regions(partition string) []string {
	out := append([]string(nil), ecrRegions[partition]...)
	sort.Strings(out)
	return out
}

// partitionOfARN returns the partition of an ARN ("aws" when it has none).
func partitionOfARN(arn string) string {
	parts := strings.SplitN(arn, ":", 3)
	if len(parts) >= 2 && parts[0] == "arn" && parts[1] != "" {
		return parts[1]
	}
	return "aws"
}
