//go:build linux

package netconf

import (
	"fmt"

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
// socket(2) call: Open has the package's kept worker thread join the
// namespace, open the socket and go back (osthread rules 10 and 12), so
// the caller's thread is never moved. When the worker already is in the
// target namespace no setns is needed at all, so an unprivileged user can
// read its own namespace's links.
func Open(nsfd int) (*Conn, error) {
	var c *Conn
	err := worker.Do(func() (err error) {
		c, err = openIn(nsfd)
		return err
	})
	if err != nil {
		if c != nil { // opened, but the worker could not go back
			c.Close()
		}
		return nil, fmt.Errorf("netlink open: %w", err)
	}
	return c, nil
}

// worker is the kept thread that opens sockets in other namespaces.
var worker = osthread.NewWorker(unix.CLONE_NEWNET)

// openIn opens a Conn whose sockets live in the namespace of nsfd, from
// the calling worker thread.
func openIn(nsfd int) (*Conn, error) {
	var own, target unix.Stat_t
	if err := unix.Stat("/proc/thread-self/ns/net", &own); err != nil {
		return nil, fmt.Errorf("stat own namespace: %w", err)
	}
	if err := unix.Fstat(nsfd, &target); err != nil {
		return nil, fmt.Errorf("stat namespace: %w", err)
	}
	if own.Ino != target.Ino || own.Dev != target.Dev {
		if err := osthread.Setns(nsfd, unix.CLONE_NEWNET); err != nil {
			return nil, fmt.Errorf("enter network namespace: %w", err)
		}
	}
	return newConn()
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
		c.h = nil
	}
	if c.raw != nil {
		c.raw.Close()
		c.raw = nil
	}
}
