package config_test

import (
	"fmt"
	"time"

	"github.com/ecrguard/ecrguard/config"
)

func ExampleParse() {
	data := []byte(`account: "111122223333"
trusted:
  org_id: [o-abc123defg]
`)
	_, err := config.Parse(data, ".ecrguard.yaml", time.Now())
	fmt.Println(err)
	// Output:
	// .ecrguard.yaml:3:3: trusted: unknown key "org_id" (did you mean "org_ids"?); valid keys: accounts, org_ids, org_paths
}
