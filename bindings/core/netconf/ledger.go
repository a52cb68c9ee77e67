//go:build linux

package netconf

import (
	"errors"
	"fmt"
	"runtime"
	"sync"
	"time"

	"github.com/nsh-lua/nsh/bindings/core/netns"
	"github.com/nsh-lua/nsh/bindings/core/nsfs"
	"github.com/nsh-lua/nsh/bindings/core/osthread"
	"github.com/vishvananda/netlink"
	"golang.org/x/sys/unix"
)

// Ledger records what one lab build made — named network namespaces, and
// links in a namespace the lab does not own (the "host" one) — so that
// Teardown removes exactly that, and only once.
//
// Teardown deletes namespaces, not links: the kernel removes every link
// inside a namespace with it, including veth peers whose other end is in the
// host namespace, in one batch. Host-side links that do not go with a
// namespace (a bridge) are deleted by index, and only if the link with that
// index still has the recorded name.
type Ledger struct {
	names     []string
	handles   []*nsfs.Handle
	host      *nsfs.Handle
	hostLinks []hostLink
	conns     map[*nsfs.Handle]*Conn
	done      bool
	// VanishWait bounds how long Teardown waits for host-side veth ends to
	// go with their namespaces before deleting them itself.
	VanishWait time.Duration
}

type hostLink struct {
	name  string
	index int
}

// NewLedger returns an empty ledger.
func NewLedger() *Ledger {
	return &Ledger{VanishWait: 3 * time.Second, conns: map[*nsfs.Handle]*Conn{}}
}

// Owns reports whether h is one of the ledger's handles.
func (l *Ledger) Owns(h *nsfs.Handle) bool {
	if h == l.host && h != nil {
		return true
	}
	for _, o := range l.handles {
		if o == h {
			return true
		}
	}
	return false
}

// Conn returns a netlink connection inside the namespace of h, one of the
// ledger's handles, opened at the first call and kept until Teardown: a lab
// build sends many requests to each of its namespaces.
func (l *Ledger) Conn(h *nsfs.Handle) (*Conn, error) {
	if c, ok := l.conns[h]; ok {
		return c, nil
	}
	if l.done || h.Closed() {
		return nil, fmt.Errorf("netlink open: the lab is torn down: %w", unix.EBADF)
	}
	c, err := Open(h.Fd())
	if err != nil {
		return nil, err
	}
	l.conns[h] = c
	return c, nil
}

// AddNetnsMany creates the named namespaces with up to workers at a time
// (namespace creation is mostly kernel work that runs in parallel), records
// every one made, and returns their handles in the order of names. On
// failure the ones made stay recorded, for Teardown.
func (l *Ledger) AddNetnsMany(names []string, workers int) ([]*nsfs.Handle, error) {
	if l.done {
		return nil, fmt.Errorf("netns add: the lab is torn down: %w", unix.EINVAL)
	}
	// Workers make their names in the caller's mount namespace, which
	// need not be the process's: they join it on throwaway threads.
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	origin, err := netns.Here()
	if err != nil {
		return nil, err
	}
	hs := make([]*nsfs.Handle, len(names))
	errs := make([]error, len(names))
	next := make(chan int)
	var wg sync.WaitGroup
	for w := 0; w < max(1, min(workers, len(names))); w++ {
		wg.Add(1)
		osthread.Go(func() { // exits locked: the thread dies
			defer wg.Done()
			joined := origin.Join()
			for i := range next {
				if errs[i] = joined; joined == nil {
					hs[i], errs[i] = netns.Add(names[i])
				}
			}
		})
	}
	for i := range names {
		next <- i
	}
	close(next)
	wg.Wait()
	var first error
	for i, h := range hs {
		if h != nil {
			l.names = append(l.names, names[i])
			l.handles = append(l.handles, h)
		} else if first == nil {
			first = errs[i]
		}
	}
	return hs, first
}

// AddNetns creates the named network namespace, records it, and returns a
// handle the ledger owns (closed by Teardown).
func (l *Ledger) AddNetns(name string) (*nsfs.Handle, error) {
	if l.done {
		return nil, fmt.Errorf("netns add: %s: the lab is torn down: %w", name, unix.EINVAL)
	}
	h, err := netns.Add(name)
	if err != nil {
		return nil, err
	}
	l.names = append(l.names, name)
	l.handles = append(l.handles, h)
	return h, nil
}

// Host returns a handle (owned by the ledger) to the network namespace the
// calling thread was in at the first call: the lab's "host" namespace.
func (l *Ledger) Host() (*nsfs.Handle, error) {
	if l.host == nil {
		h, err := nsfs.Open("/proc/thread-self/ns/net")
		if err != nil {
			return nil, err
		}
		l.host = h
	}
	return l.host, nil
}

// RecordHostLink records a link the lab made in the host namespace, by name
// and index (0: look the index up now).
func (l *Ledger) RecordHostLink(name string, index int) error {
	if index == 0 {
		h, err := l.Host()
		if err != nil {
			return err
		}
		c, err := l.Conn(h)
		if err != nil {
			return err
		}
		link, err := c.LinkGet(name)
		if err != nil {
			return err
		}
		index = link.Index
	}
	l.hostLinks = append(l.hostLinks, hostLink{name, index})
	return nil
}

// NameOf returns the name of the namespace h, one of the ledger's handles,
// or "" (the host namespace, or not the ledger's).
func (l *Ledger) NameOf(h *nsfs.Handle) string {
	for i, o := range l.handles {
		if o == h {
			return l.names[i]
		}
	}
	return ""
}

// Names returns the namespaces recorded, in creation order.
func (l *Ledger) Names() []string { return append([]string(nil), l.names...) }

// Done reports whether Teardown ran.
func (l *Ledger) Done() bool { return l.done }

// Release closes the ledger's handles and forgets the lab without tearing
// it down: its namespaces stay, named, for `ip netns` and later scripts.
func (l *Ledger) Release() {
	if l.done {
		return
	}
	l.done = true
	l.closeConns()
	for _, h := range l.handles {
		h.Close()
	}
	if l.host != nil {
		l.host.Close()
	}
}

// closeConns closes the cached connections: their sockets would keep the
// namespaces alive.
func (l *Ledger) closeConns() {
	for h, c := range l.conns {
		c.Close()
		delete(l.conns, h)
	}
}

// Teardown removes what the ledger recorded: it deletes the namespaces it
// made (a name already gone is fine; one that holds another namespace by
// now, or is no namespace at all, is left alone), closes its handles, waits for host-side links to
// go with them, and deletes those that remain. It goes on past failures and
// returns the first; a second call does nothing.
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
	for i, name := range l.names {
		// Only the namespace the lab made: a name deleted and made again by
		// someone else since is left alone (and reported).
		if err := netns.DelSame(name, l.handles[i]); err != nil && !errors.Is(err, unix.ENOENT) {
			note(err)
		}
		l.handles[i].Close()
	}
	note(l.removeHostLinks())
	if l.host != nil {
		l.host.Close()
	}
	return first
}

// removeHostLinks waits for host-side links to vanish with their
// namespaces, then deletes the ones still there (bridges, or veth ends whose
// namespace something else keeps alive).
func (l *Ledger) removeHostLinks() error {
	if len(l.hostLinks) == 0 {
		return nil
	}
	c, err := Open(l.host.Fd())
	if err != nil {
		return err
	}
	defer c.Close()
	deadline := time.Now().Add(l.VanishWait)
	left := l.hostLinks
	for {
		var still []hostLink
		waitable := false
		for _, hl := range left {
			if t, ok := c.ours(hl); ok {
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
	for _, hl := range left {
		if _, ok := c.ours(hl); !ok {
			continue
		}
		if err := c.h.LinkDel(&netlink.Device{LinkAttrs: netlink.LinkAttrs{Index: hl.index, Name: hl.name}}); err != nil && !errors.Is(err, unix.ENODEV) && first == nil {
			first = fail("link del", hl.name, err)
		}
	}
	return first
}

// ours reports whether the link recorded as hl still exists with its
// recorded name, and its type.
func (c *Conn) ours(hl hostLink) (string, bool) {
	l, err := c.h.LinkByIndex(hl.index)
	if err != nil || l.Attrs().Name != hl.name {
		return "", false
	}
	return l.Type(), true
}
