//go:build linux

package nsfs

import (
	"errors"
	"unsafe"

	"golang.org/x/sys/unix"
)

// relater asks the kernel about each namespace once: its id, owner,
// parent and (net) netnsid, through one open descriptor per namespace.
// Owners and parents not seen yet (a user namespace no process is in any
// more but that still owns others) are added and asked about in turn.
type relater struct {
	l       *lister
	noID    bool         // NS_GET_ID is missing: do not ask again
	nsids   *nsidQuerier // for RTM_GETNSID, in the caller's netns
	queue   []pending
	stat    unix.Stat_t
	nlDone  bool
	nsfsDev uint64
}

// nsfsDev returns the device of the nsfs file system.
func nsfsDev() uint64 {
	var st unix.Stat_t
	if unix.Stat("/proc/thread-self/ns/net", &st) != nil {
		return 0
	}
	return st.Dev
}

// is reports whether fd is namespace n's file.
func (r *relater) is(fd int, n *Namespace) bool {
	if _, _, errno := unix.RawSyscall(unix.SYS_FSTAT, uintptr(fd), uintptr(unsafe.Pointer(&r.stat)), 0); errno != 0 {
		return false
	}
	return r.stat.Ino == n.Inode && r.stat.Dev == r.nsfsDev
}

type pending struct {
	n  *Namespace
	fd int
}

func (l *lister) relate() {
	r := &relater{l: l, nsfsDev: nsfsDev()}
	defer r.close()
	s := &procScanner{path: make([]byte, 0, 128)}
	for _, n := range l.byKey {
		if n.src == "" {
			continue
		}
		s.setPath(n.src)
		fd := s.openFile(unix.AT_FDCWD)
		if fd < 0 {
			continue // gone since the scan, or hidden
		}
		if !r.is(fd, n) {
			// The process exited and its pid or fd number was reused, or
			// the pin was removed: the path names something else now.
			rawClose(fd)
			continue
		}
		r.queue = append(r.queue, pending{n, fd})
		for len(r.queue) > 0 {
			p := r.queue[len(r.queue)-1]
			r.queue = r.queue[:len(r.queue)-1]
			r.ask(p.n, p.fd)
			rawClose(p.fd)
		}
	}
}

func (r *relater) close() {
	for _, p := range r.queue {
		rawClose(p.fd)
	}
	if r.nsids != nil {
		r.nsids.close()
	}
}

func (r *relater) ask(n *Namespace, fd int) {
	if !r.noID {
		id, err := ioctlU64(fd, NS_GET_ID)
		if errors.Is(err, unix.ENOTTY) {
			r.noID = true // fd is checked to be nsfs: the kernel lacks it
		} else if err == nil {
			n.ID = id
		}
	}
	n.Owner = r.follow(fd, NS_GET_USERNS, User)
	if n.Type == PID || n.Type == User {
		n.Parent = r.follow(fd, NS_GET_PARENT, n.Type)
	}
	if n.Type == Net {
		n.NetNSID = r.netnsid(fd)
	}
}

// follow runs a request returning a namespace of type t and gives that
// namespace's inode, adding it to the listing when it is new; 0 when the
// kernel refuses (the top of the tree the caller may see).
func (r *relater) follow(fd int, req uint, t Type) uint64 {
	nfd, err := ioctlRet(fd, req, 0)
	if err != nil {
		return 0
	}
	if _, _, errno := unix.RawSyscall(unix.SYS_FSTAT, uintptr(nfd), uintptr(unsafe.Pointer(&r.stat)), 0); errno != 0 {
		rawClose(nfd)
		return 0
	}
	ino := r.stat.Ino
	if !r.l.wanted(t) {
		rawClose(nfd)
		return ino
	}
	n, isNew := r.l.add(t, ino)
	if !isNew {
		rawClose(nfd)
		return ino
	}
	r.queue = append(r.queue, pending{n, nfd})
	return ino
}

// netnsid gives the id the caller's network namespace assigned to the one
// fd refers to (ip netns list-id); -1 when none is assigned.
func (r *relater) netnsid(fd int) int {
	if r.nsids == nil {
		if r.nlDone {
			return -1
		}
		r.nlDone = true
		q, err := newNSIDQuerier()
		if err != nil {
			return -1
		}
		r.nsids = q
	}
	return r.nsids.nsid(fd)
}
