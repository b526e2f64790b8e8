//go:build unix

package live_test

import (
	"syscall"
	"time"
)

// cpuTime is the CPU time this process has used (user and system): with
// the fake server in the same process, the cost of a call on both sides.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
