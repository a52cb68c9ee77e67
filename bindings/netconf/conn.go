//go:build linux

package netconf

import (
	"fmt"
	"runtime"

	"github.com/nsh-lua/nsh/bindings/osthread"
	"github.com/vishvananda/netlink"
	"github.com/vishvananda/netns"
	"golang.org/x/sys/unix"
)

// Conn is a netlink connection whose sockets live inside one network
// namespace. It is safe for use by one goroutine at a time.
type Conn struct {
	h *netlink.Handle
}

// Open opens a Conn inside the network namespace that nsfd refers to. The
// caller keeps ownership of nsfd; the Conn does not need it after Open.
//
// Creating a socket inside a namespace needs a thread in it for the one
// socket(2) call: Open does that on a throwaway locked goroutine, and lets
// that thread die unless it is verifiably back in its own namespace, so the
// caller's thread is never moved (DESIGN rules 2 and 9).
func Open(nsfd int) (*Conn, error) {
	type result struct {
		h   *netlink.Handle
		err error
	}
	ch := make(chan result, 1)
	osthread.Go(func() { // never the main thread, which must not even visit
		before, err := threadNetns()
		if err != nil {
			ch <- result{err: err}
			return // exits locked: the thread dies
		}
		h, err := netlink.NewHandleAt(netns.NsHandle(nsfd), unix.NETLINK_ROUTE)
		after, aerr := threadNetns()
		ch <- result{h, err}
		if aerr == nil && after == before {
			runtime.UnlockOSThread()
		}
	})
	r := <-ch
	if r.err != nil {
		return nil, fmt.Errorf("netlink open: %w", r.err)
	}
	return &Conn{h: r.h}, nil
}

// threadNetns identifies the network namespace of the calling thread.
func threadNetns() (uint64, error) {
	var st unix.Stat_t
	if err := unix.Stat("/proc/thread-self/ns/net", &st); err != nil {
		return 0, fmt.Errorf("netlink open: %w", err)
	}
	return st.Ino, nil
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
		c.h = nil
	}
}
