package main

import (
	"runtime/debug"
	"testing"
)

func TestBuildVersion(t *testing.T) {
	info := func(v string, ok bool) func() (*debug.BuildInfo, bool) {
		return func() (*debug.BuildInfo, bool) {
			return &debug.BuildInfo{Main: debug.Module{Path: "github.com/ecrguard/ecrguard/cmd/ecrguard", Version: v}}, ok
		}
	}
	tests := []struct {
		set, module string
		ok          bool
		want        string
	}{
		{"1.4.0", "v1.3.0", true, "1.4.0"}, // -ldflags wins
		{"dev", "v1.3.0", true, "v1.3.0"},  // go install ...@v1.3.0
		{"dev", "(devel)", true, "dev"},    // a local build
		{"dev", "", true, "dev"},           // no module version
		{"dev", "v1.3.0", false, "dev"},    // no build info
		{"dev", "v0.0.0-20261206094400-abcdef012345", true, "v0.0.0-20261206094400-abcdef012345"}, // a pseudo-version
	}
	for _, tt := range tests {
		if got := buildVersion(tt.set, info(tt.module, tt.ok)); got != tt.want {
			t.Errorf("buildVersion(%q, %q, %v) = %q, want %q", tt.set, tt.module, tt.ok, got, tt.want)
		}
	}
}
