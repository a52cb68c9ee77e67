//go:build linux

package testutil

import (
	"os"
	"reflect"
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

// TestLeakCheckIsScopedToTheRun: in a private /run/netns, an entry another
// program made is not a leak of this run; one this run made still is.
func TestLeakCheckIsScopedToTheRun(t *testing.T) {
	ours := Name(t)
	var leaks []string
	InPrivateMounts(t, func() {
		before := snapshot()
		for _, n := range []string{"container-abc123", "nt0000-other-run", ours} {
			if err := os.WriteFile("/run/netns/"+n, nil, 0o444); err != nil {
				t.Error(err)
			}
		}
		for _, l := range before.diff(snapshot()) {
			if strings.HasPrefix(l, "named netns ") { // not this very thread
				leaks = append(leaks, l)
			}
		}
	})
	if want := []string{"named netns " + ours}; !reflect.DeepEqual(leaks, want) {
		t.Errorf("leaks = %v, want %v", leaks, want)
	}
}
