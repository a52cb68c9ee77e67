//go:build linux

package testutil

import (
	"strings"
	"testing"
)

// TestNameCarriesPrefix: names are unique, carry Prefix, and take parts.
func TestNameCarriesPrefix(t *testing.T) {
	a, b, c := Name(t), Name(t), Name(t, "lab", "x")
	if a == b || !Owns(a) || !Owns(c) || !strings.HasSuffix(c, "-lab-x") || len(a) > 12 {
		t.Errorf("Name: %q %q %q", a, b, c)
	}
	if Owns("lab") || Owns("container-abc123") {
		t.Error("Owns claims a name without the run's prefix")
	}
}
