//go:build linux

package netns_test

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/nsh-lua/nsh/bindings/core/netns"
	"github.com/nsh-lua/nsh/bindings/core/osthread"
	"github.com/nsh-lua/nsh/bindings/testutil"
	"golang.org/x/sys/unix"
)

// TestAddSeenByIP: a namespace made by Add is listed by `ip netns list`,
// usable by `ip netns exec`, and removed by `ip netns del` without leaving
// a mount behind.
func TestAddSeenByIP(t *testing.T) {
	name, h := addNS(t)
	if _, ok := ipNetnsList(t)[name]; !ok {
		t.Fatalf("ip netns list does not show %s", name)
	}
	links := testutil.Cmd(t, "ip", "netns", "exec", name, "ip", "-o", "link")
	if !strings.Contains(links, "lo:") || strings.Count(strings.TrimSpace(links), "\n") != 0 {
		t.Fatalf("ip netns exec %s ip link: want only lo, got:\n%s", name, links)
	}
	inode := testutil.Cmd(t, "stat", "-L", "-c", "%i", netns.Path(name))
	if strings.TrimSpace(inode) != fmt.Sprint(h.Inode()) {
		t.Fatalf("handle %s and %s (inode %s) differ", h, netns.Path(name), inode)
	}
	testutil.Cmd(t, "ip", "netns", "del", name)
	if _, ok := ipNetnsList(t)[name]; ok {
		t.Fatalf("ip netns del left %s listed", name)
	}
	if m := mountsOf(t, name); len(m) > 0 {
		t.Fatalf("mounts left after ip netns del: %v", m)
	}
}

// TestIPAddSeenByList: a namespace made by `ip netns add` shows in List and
// Del removes it and its mount.
func TestIPAddSeenByList(t *testing.T) {
	testutil.RequireRoot(t)
	name := testutil.Name(t)
	testutil.Cmd(t, "ip", "netns", "add", name)
	t.Cleanup(func() { cleanupName(name) })
	list, err := netns.List()
	if err != nil {
		t.Fatal(err)
	}
	if !hasEntry(list, name) {
		t.Fatalf("List() = %v, missing %s", list, name)
	}
	if err := netns.Del(name); err != nil {
		t.Fatal(err)
	}
	if exists(netns.Path(name)) {
		t.Fatalf("%s still exists", netns.Path(name))
	}
	if m := mountsOf(t, name); len(m) > 0 {
		t.Fatalf("mounts left after Del: %v", m)
	}
	if _, ok := ipNetnsList(t)[name]; ok {
		t.Fatalf("ip netns list still shows %s", name)
	}
}

func hasEntry(list []netns.Entry, name string) bool {
	for _, e := range list {
		if e.Name == name {
			return true
		}
	}
	return false
}

// TestRunNetnsShared: after Add, /run/netns is a shared mount point, as
// iproute2 leaves it.
func TestRunNetnsShared(t *testing.T) {
	addNS(t)
	out := testutil.Cmd(t, "findmnt", "-n", "-o", "PROPAGATION", "--target", netns.Dir)
	if !strings.Contains(out, "shared") {
		t.Fatalf("findmnt %s: propagation %q, want shared", netns.Dir, out)
	}
	if strings.TrimSpace(testutil.Cmd(t, "findmnt", "-n", "-o", "TARGET", "--target", netns.Dir)) != netns.Dir {
		t.Fatalf("%s is not a mount point", netns.Dir)
	}
}

// TestAddExisting: adding a name that exists fails with EEXIST and leaves
// the existing namespace as it was.
func TestAddExisting(t *testing.T) {
	name, h := addNS(t)
	_, err := netns.Add(name)
	if !errors.Is(err, unix.EEXIST) {
		t.Fatalf("second Add(%s) = %v, want EEXIST", name, err)
	}
	if got := err.Error(); got != "netns add: "+name+": file exists" {
		t.Errorf("error text %q", got)
	}
	again, err := netns.Get(name)
	if err != nil {
		t.Fatal(err)
	}
	defer again.Close()
	if !again.Same(h) {
		t.Fatalf("%s now is %s, was %s", name, again, h)
	}
}

// TestDelMissing: deleting a name that does not exist says so.
func TestDelMissing(t *testing.T) {
	testutil.RequireRoot(t)
	err := netns.Del(testutil.Name(t))
	if !errors.Is(err, unix.ENOENT) {
		t.Fatalf("Del(missing) = %v, want ENOENT", err)
	}
}

// TestGetMissing: Get of a missing name fails with ENOENT and names it.
func TestGetMissing(t *testing.T) {
	testutil.RequireRoot(t)
	name := testutil.Name(t)
	_, err := netns.Get(name)
	if !errors.Is(err, unix.ENOENT) || err.Error() != "netns get: "+name+": no such file or directory" {
		t.Fatalf("Get(missing) = %v", err)
	}
}

// TestCallerThreadUnmoved: Add does not move the calling thread.
func TestCallerThreadUnmoved(t *testing.T) {
	testutil.RequireRoot(t)
	var st0, st1 unix.Stat_t
	// Pinned, so that "the calling thread" is one thread throughout.
	osthread.Pin(func() {
		if err := unix.Stat("/proc/thread-self/ns/net", &st0); err != nil {
			t.Fatal(err)
		}
		addNS(t)
		if err := unix.Stat("/proc/thread-self/ns/net", &st1); err != nil {
			t.Fatal(err)
		}
	})
	if st0.Ino != st1.Ino {
		t.Fatalf("calling thread moved from net inode %d to %d", st0.Ino, st1.Ino)
	}
}

// TestAddPropagates: because /run/netns is a shared mount point, a name
// added after another process made its own (slave) mount namespace is
// visible there, and deleting it unmounts it there too, so the namespace
// is not kept alive by a stale mount.
func TestAddPropagates(t *testing.T) {
	addNS(t) // makes /run/netns a shared mount point
	cmd := exec.Command("unshare", "--mount", "--propagation", "slave", "sleep", "30")
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	pid := strconv.Itoa(cmd.Process.Pid)
	waitMountNS(t, cmd.Process.Pid)
	name, h := addNS(t)
	fsType := testutil.Cmd(t, "nsenter", "-t", pid, "-m", "stat", "-f", "-c", "%T", netns.Path(name))
	if strings.TrimSpace(fsType) != "nsfs" {
		t.Fatalf("in the other mount namespace %s is %q, want nsfs", netns.Path(name), fsType)
	}
	h.Close()
	if err := netns.Del(name); err != nil {
		t.Fatal(err)
	}
	mi := testutil.Cmd(t, "nsenter", "-t", pid, "-m", "cat", "/proc/self/mountinfo")
	if strings.Contains(mi, name) {
		t.Fatalf("the bind of %s stayed in the other mount namespace", name)
	}
}

// waitMountNS waits until pid has left this process's mount namespace.
func waitMountNS(t *testing.T, pid int) {
	t.Helper()
	self, _ := os.Readlink("/proc/self/ns/mnt")
	for i := 0; i < 200; i++ {
		if l, err := os.Readlink(fmt.Sprintf("/proc/%d/ns/mnt", pid)); err == nil && l != self {
			return
		}
		time.Sleep(5 * time.Millisecond)
	}
	t.Fatalf("pid %d never unshared its mount namespace", pid)
}
