//go:build linux

package spawn_test

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/nsh-lua/nsh/bindings/core/nsfs"
	"github.com/nsh-lua/nsh/bindings/core/spawn"
	"github.com/nsh-lua/nsh/bindings/testutil"
)

// TestNewLinks checks, for each of the eight types, that a child spawned
// with New: {type} reads a namespace link different from ours, as the
// kernel reports it from inside.
func TestNewLinks(t *testing.T) {
	testutil.RequireRoot(t)
	for _, typ := range nsfs.Types {
		t.Run(string(typ), func(t *testing.T) {
			spec := spawn.Spec{Argv: []string{"readlink", "/proc/self/ns/" + string(typ)}, New: types(typ)}
			if typ == nsfs.User {
				spec.MapRoot = true
			}
			inside := strings.TrimSpace(run(t, spec))
			outside := link(t, "/proc/self/ns/"+string(typ))
			if inside == outside || !strings.HasPrefix(inside, string(typ)+":[") {
				t.Fatalf("inside %q, outside %q: want a new %s namespace", inside, outside, typ)
			}
		})
	}
}

func TestNewUTSHostnameNotSeenOutside(t *testing.T) {
	testutil.RequireRoot(t)
	host, _ := os.Hostname()
	name := testutil.Name(t)
	got := strings.TrimSpace(run(t, spawn.Spec{Argv: []string{"hostname"}, Hostname: name}))
	if got != name {
		t.Fatalf("hostname inside %q, want %q", got, name)
	}
	if now, _ := os.Hostname(); now != host {
		t.Fatalf("hostname outside changed to %q", now)
	}
	// Inside a new user namespace the hostname is set by the child.
	got = strings.TrimSpace(run(t, spawn.Spec{Argv: []string{"hostname"}, New: types(nsfs.User), MapRoot: true, Hostname: name}))
	if got != name {
		t.Fatalf("hostname inside user+uts %q, want %q", got, name)
	}
}

func TestNewIPCQueueInvisibleOutside(t *testing.T) {
	testutil.RequireRoot(t)
	out := run(t, spawn.Spec{Argv: sh("ipcmk -Q >/dev/null && tail -n +2 /proc/sysvipc/msg"), New: types(nsfs.IPC)})
	fields := strings.Fields(out)
	if len(fields) < 2 {
		t.Fatalf("no queue inside: %q", out)
	}
	key := fields[0]
	host, _ := os.ReadFile("/proc/sysvipc/msg")
	for _, line := range strings.Split(string(host), "\n")[1:] {
		if f := strings.Fields(line); len(f) > 0 && f[0] == key {
			t.Fatalf("queue with key %s made inside is visible outside", key)
		}
	}
}

func TestNewPIDMountProc(t *testing.T) {
	testutil.RequireRoot(t)
	out := run(t, spawn.Spec{Argv: sh(`echo $$; ls /proc | grep -c '^[0-9]'`), MountProc: true})
	f := strings.Fields(out)
	if len(f) != 2 || f[0] != "1" {
		t.Fatalf("want PID 1 inside, got %q", out)
	}
	// sh, ls and grep: nothing of the host.
	if n, _ := strconv.Atoi(f[1]); n > 3 || n < 1 {
		t.Fatalf("sees %s processes in its /proc, want at most 3", f[1])
	}
}

func TestNewMntMountNotSeenOutside(t *testing.T) {
	testutil.RequireRoot(t)
	dir := testutil.TempDir(t)
	p, line := live(t, spawn.Spec{Argv: sh("mount -t tmpfs " + testutil.Prefix + " " + dir +
		" && grep -c " + dir + " /proc/self/mountinfo && exec sleep 60"), New: types(nsfs.Mnt)})
	if line != "1" {
		t.Fatalf("mount inside not made: %q", line)
	}
	mi, _ := os.ReadFile("/proc/self/mountinfo")
	if strings.Contains(string(mi), dir) {
		t.Fatalf("mount made inside the child's mount namespace shows in the host's mountinfo")
	}
	mi, _ = os.ReadFile(fmt.Sprintf("/proc/%d/mountinfo", p.Pid))
	if !strings.Contains(string(mi), dir) {
		t.Fatalf("the child's mountinfo lacks its mount")
	}
}

func TestNewNetOnlyLoopbackDown(t *testing.T) {
	testutil.RequireRoot(t)
	out := run(t, spawn.Spec{Argv: []string{"ip", "-o", "link"}, New: types(nsfs.Net)})
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) != 1 || !strings.Contains(lines[0], "1: lo:") || !strings.Contains(lines[0], "state DOWN") {
		t.Fatalf("want only lo, down; got:\n%s", out)
	}
}

func TestNewUserRootInsideMappedOutside(t *testing.T) {
	testutil.RequireRoot(t)
	p, line := live(t, spawn.Spec{Argv: sh("id -u; exec sleep 60"), New: types(nsfs.User),
		UIDMap: []spawn.IDMap{{0, 100000, 65536}}, GIDMap: []spawn.IDMap{{0, 100000, 65536}}})
	if line != "0" {
		t.Fatalf("id -u inside = %q, want 0", line)
	}
	status, _ := os.ReadFile(fmt.Sprintf("/proc/%d/status", p.Pid))
	if !strings.Contains(string(status), "Uid:\t100000\t") {
		t.Fatalf("outside, the child should be uid 100000:\n%s", status)
	}
	// map_root: root inside is our own uid outside.
	if got := strings.TrimSpace(run(t, spawn.Spec{Argv: []string{"id", "-u"}, New: types(nsfs.User), MapRoot: true})); got != "0" {
		t.Fatalf("map_root: id -u = %q", got)
	}
	// Unmapped: the overflow uid.
	if got := strings.TrimSpace(run(t, spawn.Spec{Argv: []string{"id", "-u"}, New: types(nsfs.User)})); got != "65534" {
		t.Fatalf("no map: id -u = %q, want 65534", got)
	}
}

func TestNewTimeBoottimeOffset(t *testing.T) {
	testutil.RequireRoot(t)
	const shift = 1000 * time.Hour
	out := run(t, spawn.Spec{Argv: []string{"cat", "/proc/uptime"},
		Time: &spawn.TimeOffsets{Boottime: shift, Monotonic: time.Hour}})
	inside, _ := strconv.ParseFloat(strings.Fields(out)[0], 64)
	host := uptime(t)
	if d := inside - host - shift.Seconds(); d < -5 || d > 5 {
		t.Fatalf("uptime inside %.0f, outside %.0f: want shifted by %.0f s", inside, host, shift.Seconds())
	}
}

func uptime(t *testing.T) float64 {
	b, err := os.ReadFile("/proc/uptime")
	if err != nil {
		t.Fatal(err)
	}
	f, _ := strconv.ParseFloat(strings.Fields(string(b))[0], 64)
	return f
}

func TestNewCgroupRootIsSlash(t *testing.T) {
	testutil.RequireRoot(t)
	out := run(t, spawn.Spec{Argv: []string{"cat", "/proc/self/cgroup"}, New: types(nsfs.Cgroup)})
	for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
		if !strings.HasSuffix(line, ":/") {
			t.Fatalf("inside a new cgroup namespace every line ends in ':/', got:\n%s", out)
		}
	}
}

// TestCgroupOption starts a child inside a cgroup made for the test, with
// a new cgroup namespace rooted there.
func TestCgroupOption(t *testing.T) {
	testutil.RequireRoot(t)
	mnt := cgroup2Mount(t)
	dir := filepath.Join(mnt, testutil.Name(t))
	if err := os.Mkdir(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		for i := 0; i < 50 && os.Remove(dir) != nil; i++ {
			time.Sleep(20 * time.Millisecond) // the child leaves it as it is reaped
		}
	})
	out := run(t, spawn.Spec{Argv: []string{"cat", "/proc/self/cgroup"}, Cgroup: filepath.Base(dir)})
	if !strings.Contains(out, "0::/"+filepath.Base(dir)+"\n") {
		t.Fatalf("child not in the cgroup:\n%s", out)
	}
	out = run(t, spawn.Spec{Argv: []string{"cat", "/proc/self/cgroup"}, Cgroup: dir, New: types(nsfs.Cgroup)})
	if !strings.Contains(out, "0::/\n") {
		t.Fatalf("new cgroup namespace not rooted at the cgroup:\n%s", out)
	}
}

func cgroup2Mount(t *testing.T) string {
	mi, _ := os.ReadFile("/proc/self/mountinfo")
	for _, line := range strings.Split(string(mi), "\n") {
		if strings.Contains(line, " - cgroup2 ") {
			return strings.Fields(line)[4]
		}
	}
	t.Fatal("no cgroup2 mount")
	return ""
}
