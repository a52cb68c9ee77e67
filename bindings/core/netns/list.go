//go:build linux

package netns

import (
	"errors"
	"os"
	"sort"
	"strconv"

	"github.com/nsh-lua/nsh/bindings/core/nsfs"
	"github.com/vishvananda/netlink"
	"golang.org/x/sys/unix"
)

// Entry is one named network namespace.
type Entry struct {
	Name string
	// ID is the namespace's nsid as seen from the caller's network
	// namespace (what `ip netns list` shows as "(id: N)"), or -1 when none
	// is assigned.
	ID int
}

// List returns every named namespace with its nsid, as `ip netns list`
// shows them. The ids are those of the calling thread's network namespace:
// they are asked for over a netlink socket opened on the calling thread.
func List() ([]Entry, error) {
	names, err := Names()
	if err != nil || len(names) == 0 {
		return nil, err
	}
	nl, err := netlink.NewHandle(unix.NETLINK_ROUTE)
	if err != nil {
		return nil, fail("list", Dir, step("netlink socket", err))
	}
	defer nl.Close()
	out := make([]Entry, 0, len(names))
	for _, n := range names {
		id, err := nsid(nl, n)
		if errors.Is(err, unix.ENOENT) {
			continue // deleted meanwhile
		}
		if err != nil {
			id = -1 // not a namespace (yet): `ip netns list` shows no id
		}
		out = append(out, Entry{Name: n, ID: id})
	}
	return out, nil
}

func nsid(nl *netlink.Handle, name string) (int, error) {
	fd, err := openFile(name)
	if err != nil {
		return -1, err
	}
	defer unix.Close(fd)
	return nl.GetNetNsIdByFd(fd)
}

// ID returns the nsid of the named namespace as seen from the calling
// thread's network namespace, or -1 when none is assigned.
func ID(name string) (int, error) {
	if err := ValidateName(name); err != nil {
		return -1, fail("id", name, err)
	}
	nl, err := netlink.NewHandle(unix.NETLINK_ROUTE)
	if err != nil {
		return -1, fail("id", name, step("netlink socket", err))
	}
	defer nl.Close()
	id, err := nsid(nl, name)
	if err != nil {
		return -1, fail("id", name, err)
	}
	return id, nil
}

// SetID assigns nsid id to the named namespace in the calling thread's
// network namespace, as `ip netns set NAME ID` does; a negative id asks the
// kernel to pick one (`ip netns set NAME auto`). It returns the id that
// holds afterwards. An id can be set only once per pair of namespaces.
func SetID(name string, id int) (int, error) {
	if err := ValidateName(name); err != nil {
		return -1, fail("set_id", name, err)
	}
	fd, err := openFile(name)
	if err != nil {
		return -1, fail("set_id", name, err)
	}
	defer unix.Close(fd)
	nl, err := netlink.NewHandle(unix.NETLINK_ROUTE)
	if err != nil {
		return -1, fail("set_id", name, step("netlink socket", err))
	}
	defer nl.Close()
	if id < 0 {
		id = -1
	}
	if err := nl.SetNetNsIdByFd(fd, id); err != nil {
		return -1, fail("set_id", name, err)
	}
	got, err := nl.GetNetNsIdByFd(fd)
	if err != nil {
		return -1, fail("set_id", name, err)
	}
	return got, nil
}

// Get opens the named network namespace, as Open does; the caller closes
// the handle.
func Get(name string) (*nsfs.Handle, error) {
	h, err := Open(name)
	if err != nil {
		return nil, fail("get", name, err)
	}
	return h, nil
}

// Identify returns the names whose namespace is the network namespace of
// process pid (0: the calling thread), as `ip netns identify PID` does.
func Identify(pid int) ([]string, error) {
	src := "/proc/thread-self/ns/net"
	if pid != 0 {
		src = "/proc/" + strconv.Itoa(pid) + "/ns/net"
	}
	var want unix.Stat_t
	if err := unix.Stat(src, &want); err != nil {
		if errors.Is(err, unix.ENOENT) {
			err = unix.ESRCH
		}
		return nil, fail("identify", "pid "+strconv.Itoa(pid), err)
	}
	names, err := Names()
	if err != nil {
		return nil, err
	}
	var out []string
	for _, n := range names {
		if sameFile(n, &want) {
			out = append(out, n)
		}
	}
	return out, nil
}

// Pids returns the processes whose network namespace is the named one, in
// ascending order, as `ip netns pids NAME` does.
func Pids(name string) ([]int, error) {
	if err := ValidateName(name); err != nil {
		return nil, fail("pids", name, err)
	}
	h, err := Open(name)
	if err != nil {
		return nil, fail("pids", name, err)
	}
	want := unix.Stat_t{Dev: h.Dev(), Ino: h.Inode()}
	h.Close()
	entries, err := os.ReadDir("/proc")
	if err != nil {
		return nil, fail("pids", name, pathCause(err))
	}
	var out []int
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		var st unix.Stat_t
		if unix.Stat("/proc/"+e.Name()+"/ns/net", &st) == nil && st.Dev == want.Dev && st.Ino == want.Ino {
			out = append(out, pid)
		}
	}
	sort.Ints(out)
	return out, nil
}
