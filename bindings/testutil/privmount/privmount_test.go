//go:build linux

package privmount

import (
	"os"
	"reflect"
	"strings"
	"testing"

	"github.com/nsh-lua/nsh/bindings/testutil"
)

// TestLeakCheckIsScopedToTheRun: in a private /run/netns, an entry another
// program made is not a leak of this run; one this run made still is.
func TestLeakCheckIsScopedToTheRun(t *testing.T) {
	ours := testutil.Name(t)
	var leaks []string
	InPrivateMounts(t, func() {
		before := testutil.Snapshot()
		for _, n := range []string{"container-abc123", "nt0000-other-run", ours} {
			if err := os.WriteFile("/run/netns/"+n, nil, 0o444); err != nil {
				t.Error(err)
			}
		}
		for _, l := range testutil.Leaks(before, testutil.Snapshot()) {
			if strings.HasPrefix(l, "named netns ") { // not this very thread
				leaks = append(leaks, l)
			}
		}
	})
	if want := []string{"named netns " + ours}; !reflect.DeepEqual(leaks, want) {
		t.Errorf("leaks = %v, want %v", leaks, want)
	}
}
