//go:build linux

package nsfs

import (
	"errors"

	"github.com/vishvananda/netlink"
	"golang.org/x/sys/unix"
)

// relater asks the kernel about each namespace once: its id, owner,
// parent and (net) netnsid, through one open descriptor per namespace.
// Owners and parents not seen yet (a user namespace no process is in any
// more but that still owns others) are added and asked about in turn.
type relater struct {
	l      *lister
	noID   bool            // NS_GET_ID is missing: do not ask again
	nl     *netlink.Handle // for RTM_GETNSID, in the caller's netns
	queue  []pending
	stat   unix.Stat_t
	nlDone bool
}

type pending struct {
	n  *Namespace
	fd int
}

func (l *lister) relate() {
	r := &relater{l: l}
	defer r.close()
	for _, n := range l.byKey {
		if n.src == "" {
			continue
		}
		fd, err := unix.Open(n.src, unix.O_RDONLY|unix.O_CLOEXEC, 0)
		if err != nil {
			continue // gone since the scan, or hidden
		}
		r.queue = append(r.queue, pending{n, fd})
	}
	for len(r.queue) > 0 {
		p := r.queue[len(r.queue)-1]
		r.queue = r.queue[:len(r.queue)-1]
		r.ask(p.n, p.fd)
		unix.Close(p.fd)
	}
}

func (r *relater) close() {
	for _, p := range r.queue {
		unix.Close(p.fd)
	}
	if r.nl != nil {
		r.nl.Close()
	}
}

func (r *relater) ask(n *Namespace, fd int) {
	if !r.noID {
		id, err := ioctlU64(fd, NS_GET_ID)
		if errors.Is(err, unix.ENOTTY) {
			r.noID = true
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
	if unix.Fstat(nfd, &r.stat) != nil {
		unix.Close(nfd)
		return 0
	}
	ino := r.stat.Ino
	if !r.l.wanted(t) {
		unix.Close(nfd)
		return ino
	}
	n, isNew := r.l.add(t, ino)
	if !isNew {
		unix.Close(nfd)
		return ino
	}
	r.queue = append(r.queue, pending{n, nfd})
	return ino
}

// netnsid asks rtnetlink for the id the caller's network namespace gives
// this one (RTM_GETNSID with NETNSA_FD); -1 when none is assigned.
func (r *relater) netnsid(fd int) int {
	if r.nl == nil {
		if r.nlDone {
			return -1
		}
		r.nlDone = true
		h, err := netlink.NewHandle(unix.NETLINK_ROUTE)
		if err != nil {
			return -1
		}
		r.nl = h
	}
	id, err := r.nl.GetNetNsIdByFd(fd)
	if err != nil || id < 0 {
		return -1
	}
	return id
}
