// Package testgc sets the garbage collector of ecrguard's test binaries.
package testgc

import (
	"os"
	"runtime/debug"
	"strings"
)

// Raise sets a heap goal of five times the live heap (GOGC=400) for a test
// binary that runs tests only: the property tests allocate in bursts, and
// the collector took about a fifth of their CPU. Nothing tested depends on
// when memory is collected. A binary asked to run benchmarks keeps the
// default, since their figures stand for the command's (README,
// "Development"). Call it from a test file's init.
func Raise() {
	for _, a := range os.Args[1:] {
		if strings.HasPrefix(a, "-test.bench=") && a != "-test.bench=" {
			return
		}
	}
	debug.SetGCPercent(400)
}
