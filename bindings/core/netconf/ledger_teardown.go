//go:build linux

package netconf

import (
	"errors"
	"fmt"
	"time"

	"github.com/nsh-lua/nsh/bindings/core/netns"
	"github.com/nsh-lua/nsh/bindings/core/nsfs"
	"github.com/vishvananda/netlink"
	"golang.org/x/sys/unix"
)

// Teardown removes what the ledger recorded: it closes its handles, deletes
// the namespaces that still are the ones recorded (a name already gone, or
// now naming something else, is left alone), waits for host-side links to
// go with them, and deletes those that remain. It goes on past failures and
// returns the first. A ledger kept on disk loses its file when everything
// is gone, and keeps what is left in it otherwise; a second call does
// nothing.
func (l *Ledger) Teardown() error {
	if l.done {
		return nil
	}
	l.done = true
	var first error
	note := func(err error) {
		if err != nil && first == nil {
			first = err
		}
	}
	l.closeConns()
	for i, h := range l.handles {
		if h != nil {
			h.Close()
			l.handles[i] = nil
		}
	}
	kept := 0
	for i, name := range l.names {
		if err := delRecorded(name, l.ids[i]); err != nil {
			note(err)
			l.names[kept], l.ids[kept] = name, l.ids[i]
			kept++
		}
	}
	l.truncate(kept)
	left, err := l.removeHostLinks()
	note(err)
	l.hostLinks = left
	if l.host != nil {
		l.host.Close()
	}
	note(l.finish())
	return first
}

// delRecorded deletes the named namespace if /run/netns/NAME still is a
// network namespace mount (opened without following a symlink) and, when
// id is known, the very namespace recorded. For a namespace that was being
// made (id unknown) it also removes the empty file netns.Add makes before
// it mounts the namespace there: what a kill at that moment leaves.
func delRecorded(name string, id nsID) error {
	h, err := openRecorded(name, id)
	if errors.Is(err, errNotRecorded) && id == (nsID{}) {
		return removeStub(name)
	}
	if errors.Is(err, unix.ENOENT) || errors.Is(err, errNotRecorded) {
		return nil // gone, or not ours any more
	}
	if err != nil {
		return fmt.Errorf("netns del: %s: %w", name, err)
	}
	h.Close()
	if err := netns.Del(name); err != nil && !errors.Is(err, unix.ENOENT) {
		return err
	}
	return nil
}

// removeStub unlinks /run/netns/NAME if it is an empty regular file on the
// same file system as /run/netns (no mount on it).
func removeStub(name string) error {
	var dir, st unix.Stat_t
	path := netns.Path(name)
	if unix.Stat(netns.Dir, &dir) != nil || unix.Lstat(path, &st) != nil {
		return nil
	}
	if st.Mode&unix.S_IFMT != unix.S_IFREG || st.Size != 0 || st.Dev != dir.Dev {
		return nil
	}
	if err := unix.Unlink(path); err != nil && !errors.Is(err, unix.ENOENT) {
		return fmt.Errorf("netns del: %s: %w", name, err)
	}
	return nil
}

// errNotRecorded marks a /run/netns entry that is not the namespace a
// ledger recorded under that name.
var errNotRecorded = errors.New("not the network namespace recorded")

// openRecorded opens /run/netns/NAME if it is a network namespace and, when
// id is known, the one recorded.
func openRecorded(name string, id nsID) (*nsfs.Handle, error) {
	if err := netns.ValidateName(name); err != nil {
		return nil, err
	}
	path := netns.Path(name)
	fd, err := unix.Open(path, unix.O_RDONLY|unix.O_NOFOLLOW|unix.O_CLOEXEC, 0)
	if errors.Is(err, unix.ELOOP) {
		return nil, fmt.Errorf("%s is a symlink: %w", path, errNotRecorded)
	}
	if err != nil {
		return nil, err
	}
	h, err := nsfs.FromFD(fd, path)
	if err != nil {
		unix.Close(fd)
		return nil, fmt.Errorf("%s: %w", path, errNotRecorded)
	}
	if h.Type() != nsfs.Net || (id != nsID{} && idOf(h) != id) {
		h.Close()
		return nil, fmt.Errorf("%s: %w", path, errNotRecorded)
	}
	return h, nil
}

// removeHostLinks waits for host-side links to vanish with their
// namespaces, then deletes the ones still there (bridges, or veth ends whose
// namespace something else keeps alive). It returns the links it could not
// remove.
func (l *Ledger) removeHostLinks() ([]hostLink, error) {
	if len(l.hostLinks) == 0 {
		return nil, nil
	}
	c, err := l.hostConn()
	if err != nil {
		return l.hostLinks, err
	}
	defer c.Close()
	deadline := time.Now().Add(l.VanishWait)
	left := l.hostLinks
	for {
		var still []hostLink
		waitable := false
		for _, hl := range left {
			if t, ok := c.ours(&hl); ok {
				still = append(still, hl)
				waitable = waitable || t == "veth"
			}
		}
		left = still
		if len(left) == 0 || !waitable || time.Now().After(deadline) {
			break
		}
		time.Sleep(2 * time.Millisecond)
	}
	var first error
	var failed []hostLink
	for _, hl := range left {
		if _, ok := c.ours(&hl); !ok {
			continue
		}
		err := c.h.LinkDel(&netlink.Device{LinkAttrs: netlink.LinkAttrs{Index: hl.index, Name: hl.name}})
		if err != nil && !errors.Is(err, unix.ENODEV) {
			failed = append(failed, hl)
			if first == nil {
				first = fail("link del", hl.name, err)
			}
		}
	}
	return failed, first
}

// hostConn opens a Conn in the host namespace, refusing when a loaded
// ledger's links were made in another namespace than this process's.
func (l *Ledger) hostConn() (*Conn, error) {
	h, err := l.Host()
	if err != nil {
		return nil, err
	}
	if l.hostID != (nsID{}) && idOf(h) != l.hostID {
		return nil, fmt.Errorf("link del: the lab's host links are in net:[%d], this process is in net:[%d]: %w",
			l.hostID.ino, h.Inode(), unix.EXDEV)
	}
	return Open(h.Fd())
}

// ours reports whether the link recorded as hl still exists with its
// recorded name (and index, or type when the index was not recorded yet),
// and its type; it fills in the index.
func (c *Conn) ours(hl *hostLink) (string, bool) {
	var l netlink.Link
	var err error
	if hl.index > 0 {
		l, err = c.h.LinkByIndex(hl.index)
	} else {
		l, err = c.h.LinkByName(hl.name)
	}
	if err != nil || l.Attrs().Name != hl.name || (hl.index == 0 && hl.kind != "" && l.Type() != hl.kind) {
		return "", false
	}
	hl.index = l.Attrs().Index
	return l.Type(), true
}
