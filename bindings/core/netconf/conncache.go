//go:build linux

package netconf

import (
	"sync"

	"github.com/nsh-lua/nsh/bindings/core/nsfs"
)

// conns caches one Conn per handle of a network namespace: opened at the
// first request through the handle, closed with it. Every user of a handle
// shares it: link, addr and route calls with ns=h, and a lab's ledger,
// which sends many requests to each of its namespaces. Repeated requests
// cost no thread switch and no socket.
var conns sync.Map // *nsfs.Handle → *Conn

// ConnOf returns the Conn cached on h, a network namespace handle, opening
// it at the first call. It is closed when h closes, or by DropConn. A Conn
// is for one goroutine at a time: callers sharing a handle take turns.
func ConnOf(h *nsfs.Handle) (*Conn, error) {
	if c, ok := conns.Load(h); ok {
		return c.(*Conn), nil
	}
	c, err := Open(h.Fd())
	if err != nil {
		return nil, err
	}
	if old, loaded := conns.LoadOrStore(h, c); loaded {
		c.Close()
		return old.(*Conn), nil
	}
	h.OnClose(func() { DropConn(h) })
	return c, nil
}

// DropConn closes the Conn cached on h, if any, and leaves h open: a
// socket inside a namespace keeps the namespace alive, so whoever deletes
// one drops its connections first.
func DropConn(h *nsfs.Handle) {
	if c, ok := conns.LoadAndDelete(h); ok {
		c.(*Conn).Close()
	}
}
