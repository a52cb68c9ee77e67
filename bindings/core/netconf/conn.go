//go:build linux

package netconf

import (
	"fmt"
	"runtime"

	"github.com/nsh-lua/nsh/bindings/core/osthread"
	"github.com/vishvananda/netlink"
	"github.com/vishvananda/netlink/nl"
	vnetns "github.com/vishvananda/netns"
	"golang.org/x/sys/unix"
)

// Conn is a netlink connection whose sockets live inside one network
// namespace. It is safe for use by one goroutine at a time.
type Conn struct {
	h   *netlink.Handle
	raw *nl.SocketHandle // for requests netlink.Handle cannot build (fifo qdiscs)
}

// Open opens a Conn inside the network namespace that nsfd refers to. The
// caller keeps ownership of nsfd; the Conn does not need it after Open.
//
// Creating a socket inside a namespace needs a thread in it for the one
// socket(2) call: Open does that on a throwaway locked goroutine, and lets
// that thread die unless it is verifiably back in its own namespace, so the
// caller's thread is never moved (DESIGN rules 2 and 9). When the thread
// already is in the target namespace no setns is needed at all, so an
// unprivileged user can read its own namespace's links.
func Open(nsfd int) (*Conn, error) {
	type result struct {
		c   *Conn
		err error
	}
	ch := make(chan result, 1)
	osthread.Go(func() { // never the main thread, which must not even visit
		c, back, err := openIn(nsfd)
		ch <- result{c, err}
		if back {
			runtime.UnlockOSThread() // in its own namespace again: reusable
		}
	})
	r := <-ch
	if r.err != nil {
		return nil, fmt.Errorf("netlink open: %w", r.err)
	}
	return r.c, nil
}

// openIn opens a Conn whose sockets live in the namespace of nsfd, from the
// calling locked thread, and reports whether the thread ended in its own
// namespace again.
func openIn(nsfd int) (c *Conn, back bool, err error) {
	self, err := unix.Open("/proc/thread-self/ns/net", unix.O_RDONLY|unix.O_CLOEXEC, 0)
	if err != nil {
		return nil, false, fmt.Errorf("open own namespace: %w", err)
	}
	defer unix.Close(self)
	var own, target unix.Stat_t
	if err := unix.Fstat(self, &own); err != nil {
		return nil, false, fmt.Errorf("stat own namespace: %w", err)
	}
	if err := unix.Fstat(nsfd, &target); err != nil {
		return nil, true, fmt.Errorf("stat namespace: %w", err)
	}
	if own.Ino == target.Ino && own.Dev == target.Dev {
		c, err = newConn()
		return c, true, err
	}
	if err := unix.Setns(nsfd, unix.CLONE_NEWNET); err != nil {
		return nil, true, fmt.Errorf("enter network namespace: %w", err)
	}
	c, err = newConn()
	return c, unix.Setns(self, unix.CLONE_NEWNET) == nil, err
}

// newConn opens a Conn's sockets in the calling thread's namespace.
func newConn() (*Conn, error) {
	h, err := netlink.NewHandle(unix.NETLINK_ROUTE)
	if err != nil {
		return nil, err
	}
	s, err := nl.GetNetlinkSocketAt(vnetns.None(), vnetns.None(), unix.NETLINK_ROUTE)
	if err != nil {
		h.Close()
		return nil, err
	}
	return &Conn{h: h, raw: &nl.SocketHandle{Socket: s}}, nil
}

// ErrClosed is returned by every call on a closed Conn.
var ErrClosed = fmt.Errorf("netlink connection is closed: %w", unix.EBADF)

// check refuses a closed Conn: netlink's handle would otherwise open a
// fresh socket in whatever namespace the calling thread is in.
func (c *Conn) check(op, name string) error {
	if c == nil || c.h == nil {
		return &Error{Op: op, Name: name, Err: ErrClosed}
	}
	return nil
}

// Close releases the Conn's sockets.
func (c *Conn) Close() {
	if c.h != nil {
		c.h.Close()
		c.raw.Close()
		c.h, c.raw = nil, nil
	}
}
