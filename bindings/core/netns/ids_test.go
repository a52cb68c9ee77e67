//go:build linux

package netns_test

import (
	"fmt"
	"math/rand/v2"
	"os/exec"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/nsh-lua/nsh/bindings/core/netns"
	"github.com/nsh-lua/nsh/bindings/testutil"
)

// TestIDsMatchIP: ids set by SetID are the ones `ip netns list` shows, and
// ids set by `ip netns set` are the ones List returns.
func TestIDsMatchIP(t *testing.T) {
	a, _ := addNS(t)
	b, _ := addNS(t)
	c, _ := addNS(t)
	if id, err := netns.ID(a); err != nil || id != -1 {
		t.Fatalf("ID(%s) of a fresh namespace = %d, %v; want -1", a, id, err)
	}
	// Random ids: other test processes may be setting ids in this
	// namespace at the same time.
	idA, idC := 100000+rand.IntN(1<<30), 100000+rand.IntN(1<<30)
	got, err := netns.SetID(a, idA)
	if err != nil || got != idA {
		t.Fatalf("SetID(%s, %d) = %d, %v", a, idA, got, err)
	}
	auto, err := netns.SetID(b, -1)
	if err != nil || auto < 0 {
		t.Fatalf("SetID(%s, auto) = %d, %v", b, auto, err)
	}
	testutil.Cmd(t, "ip", "netns", "set", c, strconv.Itoa(idC))

	ip := ipNetnsList(t)
	want := map[string]int{a: idA, b: auto, c: idC}
	list, err := netns.List()
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range list {
		w, ok := want[e.Name]
		if !ok {
			continue
		}
		if e.ID != w {
			t.Errorf("List: %s id %d, want %d", e.Name, e.ID, w)
		}
		if ip[e.Name] != fmt.Sprintf("(id: %d)", e.ID) {
			t.Errorf("ip netns list: %s %q, List says id %d", e.Name, ip[e.Name], e.ID)
		}
		delete(want, e.Name)
	}
	if len(want) > 0 {
		t.Errorf("List misses %v", want)
	}
}

// TestIdentifyAndPids compares Identify and Pids with `ip netns identify`
// and `ip netns pids` for a process running inside a named namespace.
func TestIdentifyAndPids(t *testing.T) {
	name, _ := addNS(t)
	cmd := exec.Command("ip", "netns", "exec", name, "sleep", "30")
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	pid := cmd.Process.Pid
	waitIn(t, name, pid)

	names, err := netns.Identify(pid)
	if err != nil || !slices.Equal(names, []string{name}) {
		t.Fatalf("Identify(%d) = %v, %v; want [%s]", pid, names, err, name)
	}
	if ip := strings.TrimSpace(testutil.Cmd(t, "ip", "netns", "identify", strconv.Itoa(pid))); ip != name {
		t.Fatalf("ip netns identify %d = %q", pid, ip)
	}
	pids, err := netns.Pids(name)
	if err != nil || !slices.Equal(pids, []int{pid}) {
		t.Fatalf("Pids(%s) = %v, %v; want [%d]", name, pids, err, pid)
	}
	if ip := strings.Fields(testutil.Cmd(t, "ip", "netns", "pids", name)); !slices.Equal(ip, []string{strconv.Itoa(pid)}) {
		t.Fatalf("ip netns pids %s = %v", name, ip)
	}
	self, err := netns.Identify(0)
	if err != nil || slices.Contains(self, name) {
		t.Fatalf("Identify(self) = %v, %v; must not name %s", self, err, name)
	}
}

// waitIn waits until pid has entered the named namespace (ip netns exec
// switches before it execs sleep).
func waitIn(t *testing.T, name string, pid int) {
	t.Helper()
	for i := 0; i < 200; i++ {
		if p, _ := netns.Pids(name); slices.Contains(p, pid) {
			return
		}
		exec.Command("sleep", "0.01").Run()
	}
	t.Fatalf("pid %d never entered %s", pid, name)
}
