//go:build linux

package nsfs

import (
	"errors"
	"fmt"
	"os"
	"testing"

	"github.com/nsh-lua/nsh/bindings/core/osthread"
	"github.com/nsh-lua/nsh/bindings/testutil"
	"golang.org/x/sys/unix"
)

// TestOpenMatchesReadlink checks every type's handle against readlink(1),
// for this thread and for another process in new namespaces.
func TestOpenMatchesReadlink(t *testing.T) {
	testutil.RequireRoot(t)
	s := start(t, "unshare", "--net", "--uts", "--ipc", "--mount", "--cgroup", "sleep", "60")
	pid := descendants(t, s.pid(), 0, "sleep")[0]
	for _, typ := range Types {
		for _, p := range []int{os.Getpid(), pid} {
			path := fmt.Sprintf("/proc/%d/ns/%s", p, typ)
			h := openT(t, path)
			wantT, wantIno := readlinkIno(t, path)
			if h.Type() != wantT || h.Inode() != wantIno || h.String() != fmt.Sprintf("%s:[%d]", wantT, wantIno) {
				t.Errorf("%s: handle %s (%s), readlink says %s:[%d]", path, h, h.Type(), wantT, wantIno)
			}
			byPID, err := OpenPID(p, typ)
			if err != nil {
				t.Fatal(err)
			}
			if !byPID.Same(h) || byPID.Dev() != h.Dev() {
				t.Errorf("OpenPID(%d, %s) = %s, want %s", p, typ, byPID, h)
			}
			closeT(t, byPID)
		}
	}
	mine, theirs := openT(t, "/proc/self/ns/net"), openT(t, fmt.Sprintf("/proc/%d/ns/net", pid))
	if mine.Same(theirs) {
		t.Errorf("unshare --net made no new net namespace: both %s", mine)
	}
}

// TestOpenErrors checks that bad input fails clearly and leaves nothing open.
func TestOpenErrors(t *testing.T) {
	testutil.RequireRoot(t)
	dead := deadPID(t)
	before := fdCount(t)
	tests := []struct {
		name string
		open func() (*Handle, error)
		want error
		text string
	}{
		{"regular file", func() (*Handle, error) { return Open("/etc/hostname") }, ErrNotNamespace, "/etc/hostname: not a namespace file"},
		{"directory", func() (*Handle, error) { return Open("/proc/self/ns") }, ErrNotNamespace, "not a namespace file"},
		{"proc file", func() (*Handle, error) { return Open("/proc/self/stat") }, ErrNotNamespace, "not a namespace file"},
		{"missing", func() (*Handle, error) { return Open("/nonexistent-" + testutil.Prefix) }, unix.ENOENT, "no such file"},
		{"dead pid", func() (*Handle, error) { return OpenPID(dead, Net) }, unix.ESRCH, fmt.Sprintf("pid %d: no such process", dead)},
		{"dead pid link", func() (*Handle, error) { return OpenPIDLink(dead, PIDForChildren) }, unix.ESRCH, "no such process"},
		{"bad link name", func() (*Handle, error) { return OpenPIDLink(os.Getpid(), "nett") }, unix.ENOENT, "no such file"},
	}
	for _, tc := range tests {
		h, err := tc.open()
		if err == nil {
			h.Close()
			t.Errorf("%s: opened %s", tc.name, h)
			continue
		}
		if !errors.Is(err, tc.want) || !contains(err.Error(), tc.text) {
			t.Errorf("%s: got %q, want %v containing %q", tc.name, err, tc.want, tc.text)
		}
	}
	if _, err := OpenAll(dead); !errors.Is(err, unix.ESRCH) {
		t.Errorf("OpenAll(dead) = %v, want ESRCH", err)
	}
	if after := fdCount(t); after != before {
		t.Errorf("failed opens leaked descriptors: %d before, %d after", before, after)
	}
}

// deadPID returns the pid of a process that has exited and been reaped.
func deadPID(t *testing.T) int {
	t.Helper()
	s := start(t, "true")
	s.cmd.Wait()
	return s.pid()
}

// TestClosedHandle checks every query on a closed handle reports ErrClosed.
func TestClosedHandle(t *testing.T) {
	h, err := Open("/proc/self/ns/pid")
	if err != nil {
		t.Fatal(err)
	}
	closeT(t, h)
	closeT(t, h) // twice is harmless
	if !h.Closed() || h.Fd() != -1 {
		t.Fatalf("closed handle: Closed %v, Fd %d", h.Closed(), h.Fd())
	}
	calls := map[string]func() error{
		"ID":     func() error { _, err := h.ID(); return err },
		"Owner":  func() error { _, err := h.Owner(); return err },
		"Parent": func() error { _, err := h.Parent(); return err },
		"PIDs":   func() error { _, err := h.PIDs(); return err },
		"Ioctl":  func() error { _, err := h.Ioctl("NS_GET_NSTYPE", 0); return err },
		"Pin":    func() error { return h.Pin("/nonexistent-" + testutil.Prefix) },
		"File":   func() error { _, err := h.File(); return err },
	}
	for name, call := range calls {
		if err := call(); !errors.Is(err, ErrClosed) {
			t.Errorf("%s on a closed handle: %v, want ErrClosed", name, err)
		}
	}
	if h.String() == "" || h.Inode() == 0 {
		t.Errorf("a closed handle still names its namespace: %q %d", h, h.Inode())
	}
}

// TestIoctls checks the ioctl_nsfs requests on this process's namespaces.
func TestIoctls(t *testing.T) {
	testutil.RequireRoot(t)
	user := openT(t, "/proc/self/ns/user")
	ids := map[uint64]Type{}
	for _, typ := range Types {
		h := openT(t, "/proc/self/ns/"+string(typ))
		v, err := h.Ioctl("NS_GET_NSTYPE", 0)
		if err != nil || int(v.(int64)) != typ.Flag() {
			t.Errorf("%s: NS_GET_NSTYPE = %v, %v; want %#x", typ, v, err, typ.Flag())
		}
		id, err := h.ID()
		if err != nil || id == 0 {
			t.Errorf("%s: NS_GET_ID = %d, %v", typ, id, err)
		}
		if other, dup := ids[id]; dup {
			t.Errorf("%s and %s share id %d", typ, other, id)
		}
		ids[id] = typ
		if typ == User {
			continue
		}
		owner, err := h.Owner()
		if err != nil {
			t.Fatalf("%s: owner: %v", typ, err)
		}
		if !owner.Same(user) || owner.Type() != User {
			t.Errorf("%s: owner %s, want %s", typ, owner, user)
		}
		closeT(t, owner)
	}
	if _, err := user.Parent(); !errors.Is(err, unix.EPERM) {
		t.Errorf("parent of the initial user namespace: %v, want EPERM", err)
	}
	if _, err := user.Owner(); !errors.Is(err, unix.EPERM) {
		t.Errorf("owner of the initial user namespace: %v, want EPERM", err)
	}
	if uid, err := user.OwnerUID(); err != nil || uid != 0 {
		t.Errorf("owner uid of the initial user namespace: %d, %v", uid, err)
	}
	mnt := openT(t, "/proc/self/ns/mnt")
	mntID, err := mnt.Ioctl("NS_GET_MNTNS_ID", 0)
	if id, _ := mnt.ID(); err != nil || uint64(mntID.(int64)) != id {
		t.Errorf("NS_GET_MNTNS_ID = %v, %v; NS_GET_ID = %d", mntID, err, id)
	}
	net := openT(t, "/proc/self/ns/net")
	misuse := []struct {
		name string
		h    *Handle
		want error
	}{
		{"NS_GET_PARENT", net, unix.EINVAL},
		{"NS_GET_OWNER_UID", net, unix.EINVAL},
		{"NS_GET_PID_IN_PIDNS", net, unix.EINVAL},
		{"NS_GET_MNTNS_ID", net, unix.EINVAL},
		{"NS_GET_NOTHING", net, nil},
	}
	for _, m := range misuse {
		_, err := m.h.Ioctl(m.name, 1)
		if err == nil || (m.want != nil && !errors.Is(err, m.want)) {
			t.Errorf("%s on %s: %v, want %v", m.name, m.h, err, m.want)
		}
	}
}

// TestIoctlNotSupported checks that an ioctl the file does not know reads
// "not supported by this kernel" and still matches ENOTTY.
func TestIoctlNotSupported(t *testing.T) {
	h := openT(t, "/proc/self/ns/net")
	_, err := ioctlRet(h.Fd(), 0xb7ff, 0)
	err = h.wrap("NS_GET_FUTURE", err)
	if !errors.Is(err, ErrNotSupported) || !errors.Is(err, unix.ENOTTY) || !contains(err.Error(), "NS_GET_FUTURE: not supported by this kernel") {
		t.Errorf("unknown request: %v", err)
	}
}

// TestSelfForChildren checks that OpenAll shows pid_for_children and
// time_for_children only once they differ from the own namespaces: for a
// shell that ran `unshare --pid` and forked, and for a throwaway thread
// after unshare(CLONE_NEWTIME).
func TestSelfForChildren(t *testing.T) {
	testutil.RequireRoot(t)
	all, err := OpenAll(0)
	if err != nil {
		t.Fatal(err)
	}
	for name, h := range all {
		if name == PIDForChildren || name == TimeForChildren {
			t.Errorf("%s listed though it equals the own namespace", name)
		}
		h.Close()
	}
	if len(all) != len(Types) {
		t.Errorf("OpenAll(0) gave %d namespaces, want %d", len(all), len(Types))
	}

	s := start(t, "unshare", "--pid", "sh", "-c", "sleep 60 & echo ready; wait")
	s.line(t)
	sleeper := descendants(t, s.pid(), 1, "sleep")[1]
	shell, err := OpenAll(s.pid())
	if err != nil {
		t.Fatal(err)
	}
	defer closeAll(shell)
	_, want := readlinkIno(t, fmt.Sprintf("/proc/%d/ns/pid", sleeper))
	if fc, ok := shell[PIDForChildren]; !ok || fc.Inode() != want || fc.Same(shell["pid"]) {
		t.Errorf("pid_for_children of `unshare --pid sh`: %v, want pid:[%d]", shell[PIDForChildren], want)
	}

	own, forChildren, err := onThrowawayThread(func() (uint64, uint64, error) {
		if err := osthread.Unshare(unix.CLONE_NEWTIME); err != nil {
			return 0, 0, err
		}
		all, err := OpenAll(0)
		if err != nil {
			return 0, 0, err
		}
		defer closeAll(all)
		if fc, ok := all[TimeForChildren]; ok {
			return all["time"].Inode(), fc.Inode(), nil
		}
		return all["time"].Inode(), 0, nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if forChildren == 0 || forChildren == own {
		t.Errorf("after unshare(CLONE_NEWTIME): time %d, time_for_children %d; want a new one", own, forChildren)
	}
}

func closeAll(m map[string]*Handle) {
	for _, h := range m {
		h.Close()
	}
}

// onThrowawayThread runs fn on a locked thread that then dies, since fn
// changes its namespaces.
func onThrowawayThread(fn func() (uint64, uint64, error)) (uint64, uint64, error) {
	type result struct {
		a, b uint64
		err  error
	}
	done := make(chan result)
	osthread.Go(func() { // never unlocked: the thread dies with its changes
		a, b, err := fn()
		done <- result{a, b, err}
	})
	r := <-done
	return r.a, r.b, r.err
}

// TestOpenCloseNoLeak opens and closes 10,000 handles and checks the
// descriptor count is flat.
func TestOpenCloseNoLeak(t *testing.T) {
	before := fdCount(t)
	for i := 0; i < 10000; i++ {
		h, err := Open("/proc/self/ns/" + string(Types[i%len(Types)]))
		if err != nil {
			t.Fatal(err)
		}
		if i%1000 == 0 {
			o, err := h.Owner()
			if err == nil {
				o.Close()
			}
		}
		if err := h.Close(); err != nil {
			t.Fatal(err)
		}
	}
	if after := fdCount(t); after != before {
		t.Errorf("10000 open/close: %d descriptors before, %d after", before, after)
	}
}
