//go:build !unix

package live_test

import "time"

// cpuTime is not measured here (BenchmarkCollect reports 0).
func cpuTime() time.Duration { return 0 }
