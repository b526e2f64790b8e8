package file

import (
	"slices"
	"testing"

	"github.com/ecrguard/ecrguard/estate"
)

// TestDescribeRegistryShapes reads aws ecr describe-registry outputs (ECR
// API Reference, "DescribeRegistry": registryId and
// replicationConfiguration.rules[].destinations[] of region and registryId)
// as the replication destinations of the --region registry, and places
// each malformed variant. The output was skipped as JSON of no known
// shape, so a scan of files never saw where the registry replicates.
func TestDescribeRegistryShapes(t *testing.T) {
	const out = `{"registryId": "111122223333", "replicationConfiguration": {"rules": [{"destinations": [{"region": "eu-west-1", "registryId": "999988887777"}, {"region": "us-west-2", "registryId": "111122223333"}], "repositoryFilters": [{"filter": "prod", "filterType": "PREFIX_MATCH"}]}]}}`
	tests := []struct {
		name string
		data string
		opts Options
		gap  string
		want []estate.ReplicationDestination
	}{
		{name: "destinations", data: out, opts: Options{Region: "us-east-1"},
			want: []estate.ReplicationDestination{{Account: "999988887777", Region: "eu-west-1"}, {Account: "111122223333", Region: "us-west-2"}}},
		{name: "no rules", data: `{"registryId": "111122223333", "replicationConfiguration": {"rules": []}}`, opts: Options{Region: "us-east-1"}},
		{name: "no registry id: the account given", data: `{"replicationConfiguration": {"rules": [{"destinations": [{"region": "eu-west-1", "registryId": "999988887777"}]}]}}`,
			opts: Options{Account: "111122223333", Region: "us-east-1"}, want: []estate.ReplicationDestination{{Account: "999988887777", Region: "eu-west-1"}}},
		{name: "no registry id and no account", data: `{"replicationConfiguration": {"rules": []}}`, gap: "t.json:1:1: no-account: describe-registry output names no account"},
		{name: "destination account as a number", data: "{\"registryId\": \"111122223333\", \"replicationConfiguration\": {\"rules\": [{\"destinations\": [\n  {\"region\": \"eu-west-1\", \"registryId\": 999988887777}]}]}}",
			gap: "t.json:2:41: invalid-input: replicationConfiguration.rules[0].destinations[0].registryId: expected a 12-digit account id as a string, got the number 999988887777"},
		{name: "rules missing", data: `{"registryId": "111122223333", "replicationConfiguration": {}}`, gap: "t.json:1:60: invalid-input: replicationConfiguration: missing rules"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := loadMap(t, map[string]string{"t.json": tt.data}, tt.opts)
			if !checkGaps(t, e, "t.json", tt.gap) || tt.gap != "" {
				return
			}
			var got []estate.ReplicationDestination
			if a := e.Lookup("111122223333"); a != nil {
				got = a.Region(tt.opts.Region).Registry.Replication
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("replication %v, want %v", got, tt.want)
			}
		})
	}
}
