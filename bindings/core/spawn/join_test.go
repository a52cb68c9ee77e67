//go:build linux

package spawn_test

import (
	"errors"
	"fmt"
	"os/exec"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/nsh-lua/nsh/bindings/core/nsenter"
	"github.com/nsh-lua/nsh/bindings/core/nsfs"
	"github.com/nsh-lua/nsh/bindings/core/spawn"
	"github.com/nsh-lua/nsh/bindings/testutil"
)

// joinCase makes a target in a new namespace of one type and checks what a
// child that joined it observes.
type joinCase struct {
	target spawn.Spec // prints "ready" when set up, then sleeps
	check  []string   // argv run inside the joined namespace
	want   func(string) bool
}

func joinCases(t *testing.T) map[nsfs.Type]joinCase {
	name, dir := testutil.Name(t), testutil.TempDir(t)
	ready := "echo ready; exec sleep 60"
	return map[nsfs.Type]joinCase{
		nsfs.UTS: {spawn.Spec{Argv: sh(ready), Hostname: name}, []string{"hostname"},
			func(s string) bool { return strings.TrimSpace(s) == name }},
		nsfs.Net: {spawn.Spec{Argv: sh(ready), New: types(nsfs.Net)}, []string{"ip", "-o", "link"},
			func(s string) bool { return strings.Count(s, "\n") == 1 && strings.Contains(s, "lo:") }},
		nsfs.IPC: {spawn.Spec{Argv: sh("ipcmk -Q >/dev/null; " + ready), New: types(nsfs.IPC)},
			[]string{"cat", "/proc/sysvipc/msg"},
			func(s string) bool { return strings.Count(s, "\n") == 2 }},
		nsfs.PID: {spawn.Spec{Argv: sh(ready), New: types(nsfs.PID)}, []string{"grep", "NSpid", "/proc/self/status"},
			func(s string) bool { f := strings.Fields(s); return len(f) == 3 && f[2] != "1" }},
		nsfs.Mnt: {spawn.Spec{Argv: sh("mount -t tmpfs " + testutil.Prefix + " " + dir + "; " + ready), New: types(nsfs.Mnt)},
			[]string{"grep", "-c", dir, "/proc/self/mountinfo"},
			func(s string) bool { return strings.TrimSpace(s) == "1" }},
		nsfs.User: {spawn.Spec{Argv: sh(ready), New: types(nsfs.User), MapRoot: true}, []string{"id", "-u"},
			func(s string) bool { return strings.TrimSpace(s) == "0" }},
		nsfs.Time: {spawn.Spec{Argv: sh(ready), Time: &spawn.TimeOffsets{Boottime: 1000 * time.Hour}},
			[]string{"cat", "/proc/uptime"},
			func(s string) bool { f, _ := strconv.ParseFloat(strings.Fields(s)[0], 64); return f > 3600000 }},
		nsfs.Cgroup: {spawn.Spec{Argv: sh(ready), New: types(nsfs.Cgroup)}, []string{"cat", "/proc/self/cgroup"},
			func(s string) bool { return strings.Contains(s, "0::/\n") }},
	}
}

// TestJoinEachType joins each of the eight types of a live target: the
// child's namespace link equals the target's and the type's effect shows.
func TestJoinEachType(t *testing.T) {
	testutil.RequireRoot(t)
	for typ, c := range joinCases(t) {
		t.Run(string(typ), func(t *testing.T) {
			target, line := live(t, c.target)
			if line != "ready" {
				t.Fatalf("target: %q", line)
			}
			h, err := target.NS(typ)
			if err != nil {
				t.Fatal(err)
			}
			defer h.Close()
			if (typ == nsfs.User || typ == nsfs.Time) && !nsenter.Linked() {
				_, err := spawn.Run(ctx(t), spawn.Spec{Argv: []string{"true"}, Join: []*nsfs.Handle{h}})
				if !errors.Is(err, spawn.ErrNeedsCgo) {
					t.Fatalf("without cgo, joining %s: %v, want ErrNeedsCgo", typ, err)
				}
				return
			}
			want := link(t, fmt.Sprintf("/proc/%d/ns/%s", target.Pid, typ))
			got := strings.TrimSpace(run(t, spawn.Spec{Argv: []string{"readlink", "/proc/self/ns/" + string(typ)}, Join: []*nsfs.Handle{h}}))
			if got != want {
				t.Fatalf("joined %s: inside %q, target %q", typ, got, want)
			}
			if out := run(t, spawn.Spec{Argv: c.check, Join: []*nsfs.Handle{h}}); !c.want(out) {
				t.Fatalf("%v inside the joined %s namespace printed %q", c.check, typ, out)
			}
		})
	}
}

// TestNsenterParity: for a target that unshare(1) started in new user,
// mnt, pid, net, uts and ipc namespaces, joining by pid reports the same
// namespace links as nsenter -a -t PID.
func TestNsenterParity(t *testing.T) {
	testutil.RequireRoot(t)
	cmd := exec.Command("unshare", "-Urmpnui", "--fork", "--kill-child", "sh", "-c", "echo ready; exec sleep 60")
	out, _ := cmd.StdoutPipe()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	buf := make([]byte, 6)
	if _, err := out.Read(buf); err != nil {
		t.Fatal(err)
	}
	pid := childOf(t, cmd.Process.Pid)
	links := make([]string, len(nsfs.Types))
	for i, typ := range nsfs.Types {
		links[i] = "/proc/self/ns/" + string(typ)
	}
	argv := append([]string{"readlink"}, links...)
	want := testutil.Cmd(t, "nsenter", append([]string{"-a", "-t", strconv.Itoa(pid)}, argv...)...)
	hs, err := spawn.OpenPID(pid, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer func() {
		for _, h := range hs {
			h.Close()
		}
	}()
	if !nsenter.Linked() {
		if _, err := spawn.Run(ctx(t), spawn.Spec{Argv: argv, Join: hs}); !errors.Is(err, spawn.ErrNeedsCgo) {
			t.Fatalf("without cgo, joining a user namespace: %v, want ErrNeedsCgo", err)
		}
		return
	}
	got := run(t, spawn.Spec{Argv: argv, Join: hs})
	if got != want {
		t.Fatalf("spawn{join=pid}:\n%s\nnsenter -a -t %d:\n%s", got, pid, want)
	}
	for _, typ := range []string{"user", "mnt", "pid", "net", "uts", "ipc"} {
		if !strings.Contains(got, link(t, fmt.Sprintf("/proc/%d/ns/%s", pid, typ))) {
			t.Fatalf("the %s link of the target is missing from:\n%s", typ, got)
		}
	}
}

// childOf returns the only child of pid.
func childOf(t *testing.T, pid int) int {
	t.Helper()
	out := testutil.Cmd(t, "cat", fmt.Sprintf("/proc/%d/task/%d/children", pid, pid))
	f := strings.Fields(out)
	if len(f) != 1 {
		t.Fatalf("pid %d has children %q", pid, out)
	}
	n, _ := strconv.Atoi(f[0])
	return n
}
