//go:build linux

package nsfs

import (
	"errors"
	"fmt"
	"os"
	"strconv"
	"testing"

	"github.com/nsh-lua/nsh/bindings/testutil"
	"golang.org/x/sys/unix"
)

// TestPIDTranslation checks NS_GET_PID_IN_PIDNS and NS_GET_PID_FROM_PIDNS
// against a real nested pid namespace: the pid reported inside equals what
// the process sees as $$ there.
func TestPIDTranslation(t *testing.T) {
	testutil.RequireRoot(t)
	// unshare forks sh (pid 1 inside), which runs a second sh (pid 2 or
	// more) that prints its $$ and becomes sleep.
	s := start(t, "unshare", "-pf", "--mount-proc", "sh", "-c", `sh -c 'echo $$; exec sleep 60'; true`)
	inside, err := strconv.Atoi(s.line(t))
	if err != nil {
		t.Fatal(err)
	}
	chain := descendants(t, s.pid(), 2, "sleep")
	host := chain[2]
	if inside < 2 || inside == host {
		t.Fatalf("$$ inside is %d, host pid %d: not a nested pid namespace", inside, host)
	}
	h := openT(t, fmt.Sprintf("/proc/%d/ns/pid", host))
	tests := []struct {
		name string
		do   func() (int, error)
		want int
	}{
		{"PIDInNS(host sleep)", func() (int, error) { return h.PIDInNS(host) }, inside},
		{"PIDFromNS($$)", func() (int, error) { return h.PIDFromNS(inside) }, host},
		{"PIDFromNS(1)", func() (int, error) { return h.PIDFromNS(1) }, chain[1]},
		{"TGID in", func() (int, error) { v, err := h.Ioctl("NS_GET_TGID_IN_PIDNS", host); return int64ToInt(v), err }, inside},
		{"TGID from", func() (int, error) { v, err := h.Ioctl("NS_GET_TGID_FROM_PIDNS", inside); return int64ToInt(v), err }, host},
	}
	for _, tc := range tests {
		got, err := tc.do()
		if err != nil || got != tc.want {
			t.Errorf("%s = %d, %v; want %d", tc.name, got, err, tc.want)
		}
	}
	// This test process is not in the nested namespace: no pid there.
	if got, err := h.PIDInNS(os.Getpid()); !errors.Is(err, unix.ESRCH) {
		t.Errorf("PIDInNS(self) = %d, %v; want ESRCH", got, err)
	}
	if got, err := h.PIDFromNS(99999); !errors.Is(err, unix.ESRCH) {
		t.Errorf("PIDFromNS(99999) = %d, %v; want ESRCH", got, err)
	}
}

func int64ToInt(v any) int {
	if i, ok := v.(int64); ok {
		return int(i)
	}
	return 0
}

// TestPIDTranslationGo checks the same on a pid namespace Go made.
func TestPIDTranslationGo(t *testing.T) {
	testutil.RequireRoot(t)
	chain, seen := startNested(t, 2)
	h := openT(t, fmt.Sprintf("/proc/%d/ns/pid", chain[1]))
	if got, err := h.PIDInNS(chain[1]); err != nil || got != seen["self"] {
		t.Errorf("PIDInNS(%d) = %d, %v; want %d", chain[1], got, err, seen["self"])
	}
	// In the outer namespace the innermost has the pid its parent got
	// from fork.
	outer := openT(t, fmt.Sprintf("/proc/%d/ns/pid", chain[0]))
	if got, err := outer.PIDInNS(chain[1]); err != nil || got != seen["child1"] {
		t.Errorf("outer PIDInNS(%d) = %d, %v; want %d", chain[1], got, err, seen["child1"])
	}
	if got, err := outer.PIDFromNS(seen["child1"]); err != nil || got != chain[1] {
		t.Errorf("outer PIDFromNS(%d) = %d, %v; want %d", seen["child1"], got, err, chain[1])
	}
}
