//go:build linux

package nsfs

import (
	"fmt"
	"sort"
)

// Namespace is one namespace as List finds it, with the columns of lsns(8).
type Namespace struct {
	Type  Type
	Inode uint64
	// ID is the 64-bit id from NS_GET_ID; 0 when the kernel lacks it or the
	// namespace could not be opened.
	ID uint64
	// NProcs counts processes with at least one thread in the namespace.
	NProcs int
	// PID is the lowest of those processes; 0 when no process is in it.
	PID, PPID int
	// Command is PID's command line (its name for kernel threads).
	Command string
	// UID and User own PID; UID is -1 when there is no process.
	UID  int
	User string
	// Paths are where the namespace is pinned: nsfs mount points in the
	// caller's mount namespace, then /proc/PID/fd/N of processes holding it
	// open without being in it.
	Paths []string
	// NetNSID is a net namespace's id as seen from the caller's network
	// namespace (ip netns list-id); -1 when none is assigned or not net.
	NetNSID int
	// Parent and Owner are the inodes of the parent namespace (pid, user)
	// and of the owning user namespace; 0 when none is visible.
	Parent, Owner uint64

	src string // a path to open the namespace by, for the ioctls
	tid int    // a task in it, for src
}

// String reads like lsns: "net:[4026531833] 72 procs pid 2".
func (n *Namespace) String() string {
	return fmt.Sprintf("%s:[%d] %d procs pid %d", n.Type, n.Inode, n.NProcs, n.PID)
}

// ListOptions narrows List.
type ListOptions struct {
	// Types limits the listing to these types; nil lists all.
	Types []Type
}

type nsKey struct {
	t   Type
	ino uint64
}

// List finds every namespace on the system, as lsns(8) does and more:
// from /proc/*/task/*/ns/* (threads included), from namespace files that
// processes hold open, from nsfs bind mounts, and from the parents and
// owners the ioctls reach. The result is sorted by type, then inode.
// Processes the caller may not inspect are passed over, as lsns does.
func List(opts ListOptions) ([]*Namespace, error) {
	types := opts.Types
	if len(types) == 0 {
		types = Types
	}
	l := &lister{byKey: map[nsKey]*Namespace{}, types: types}
	if err := l.scanProcs(); err != nil {
		return nil, fmt.Errorf("list namespaces: %w", err)
	}
	if err := l.scanMounts(); err != nil {
		return nil, fmt.Errorf("list namespaces: %w", err)
	}
	l.addFDPaths()
	l.relate()
	l.describeProcs()
	out := make([]*Namespace, 0, len(l.byKey))
	for _, n := range l.byKey {
		if l.wanted(n.Type) {
			out = append(out, n)
		}
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Type != out[j].Type {
			return out[i].Type < out[j].Type
		}
		return out[i].Inode < out[j].Inode
	})
	return out, nil
}

type lister struct {
	byKey  map[nsKey]*Namespace
	types  []Type
	fdRefs []fdRef
}

func (l *lister) wanted(t Type) bool {
	for _, x := range l.types {
		if x == t {
			return true
		}
	}
	return false
}

func (l *lister) add(t Type, ino uint64) (*Namespace, bool) {
	k := nsKey{t, ino}
	if n, ok := l.byKey[k]; ok {
		return n, false
	}
	n := &Namespace{Type: t, Inode: ino, UID: -1, NetNSID: -1}
	l.byKey[k] = n
	return n, true
}

// fdRef is a process holding a namespace file open.
type fdRef struct {
	key     nsKey
	pid, fd int
}

// addFDPaths names /proc/PID/fd/N as the path of namespaces that no
// process is in, once all processes have been seen.
func (l *lister) addFDPaths() {
	for _, r := range l.fdRefs {
		n := l.byKey[r.key]
		if n.NProcs > 0 {
			continue
		}
		p := fmt.Sprintf("/proc/%d/fd/%d", r.pid, r.fd)
		n.Paths = append(n.Paths, p)
		if n.src == "" {
			n.src = p
		}
	}
}

// scanMounts adds the namespaces pinned by nsfs mounts and their paths.
func (l *lister) scanMounts() error {
	mounts, err := Mounts()
	if err != nil {
		return err
	}
	for _, m := range mounts {
		if !l.wanted(m.Type) {
			continue
		}
		n, _ := l.add(m.Type, m.Inode)
		n.Paths = append(n.Paths, m.Path)
		if n.src == "" {
			n.src = m.Path
		}
	}
	return nil
}
