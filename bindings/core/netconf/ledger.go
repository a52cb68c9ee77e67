//go:build linux

package netconf

import (
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/nsh-lua/nsh/bindings/core/netns"
	"github.com/nsh-lua/nsh/bindings/core/nsfs"
	"github.com/nsh-lua/nsh/bindings/core/osthread"
	"golang.org/x/sys/unix"
)

// Ledger records what one lab build made — named network namespaces, and
// links in a namespace the lab does not own (the "host" one) — so that
// Teardown removes exactly that, and only once. A ledger made by
// CreateLedger or LoadLedger is also kept on disk (see ledger_disk.go):
// every step is written down before it is made and again after, so a
// process killed mid-build leaves a file that covers everything it made.
//
// Teardown deletes namespaces, not links: the kernel removes every link
// inside a namespace with it, including veth peers whose other end is in the
// host namespace, in one batch. Host-side links that do not go with a
// namespace (a bridge) are deleted by index, and only if the link with that
// index still has the recorded name.
type Ledger struct {
	names     []string
	handles   []*nsfs.Handle // nil for a namespace not open (loaded, or being made)
	ids       []nsID         // the namespaces' identities; zero while being made
	host      *nsfs.Handle
	hostID    nsID // the host namespace of a loaded ledger, checked before deleting links
	hostLinks []hostLink
	done      bool
	disk      *ledgerFile // nil: kept in memory only
	// VanishWait bounds how long Teardown waits for host-side veth ends to
	// go with their namespaces before deleting them itself.
	VanishWait time.Duration
}

type hostLink struct {
	name  string
	index int    // 0 while being made
	kind  string // link type, "" when not known
}

// nsID identifies a namespace: the device and inode of its nsfs file.
type nsID struct{ dev, ino uint64 }

func idOf(h *nsfs.Handle) nsID { return nsID{h.Dev(), h.Inode()} }

// NewLedger returns an empty ledger.
func NewLedger() *Ledger {
	return &Ledger{VanishWait: 3 * time.Second}
}

// Owns reports whether h is one of the ledger's handles.
func (l *Ledger) Owns(h *nsfs.Handle) bool {
	if h == l.host && h != nil {
		return true
	}
	for _, o := range l.handles {
		if o == h && h != nil {
			return true
		}
	}
	return false
}

// Conn returns the netlink connection inside the namespace of h, one of
// the ledger's handles: the one cached on the handle (ConnOf), which the
// glue's ns= calls on the lab's nodes share, closed at Teardown.
func (l *Ledger) Conn(h *nsfs.Handle) (*Conn, error) {
	if l.done || h.Closed() {
		return nil, fmt.Errorf("netlink open: the lab is torn down: %w", unix.EBADF)
	}
	return ConnOf(h)
}

// AddNetnsMany creates the named namespaces with up to workers at a time
// (namespace creation is mostly kernel work that runs in parallel), records
// every one made, and returns their handles in the order of names. On
// failure the ones made stay recorded, for Teardown.
func (l *Ledger) AddNetnsMany(names []string, workers int) ([]*nsfs.Handle, error) {
	if l.done {
		return nil, fmt.Errorf("netns add: the lab is torn down: %w", unix.EINVAL)
	}
	first := len(l.names)
	for _, name := range names {
		l.addEntry(name, nil)
	}
	if err := l.save(); err != nil {
		l.truncate(first)
		return nil, err
	}
	stepHook("netns add " + strings.Join(names, " "))
	// Workers make their names in the caller's mount namespace, which
	// need not be the process's: they join it on throwaway threads.
	var origin netns.Origin
	var err error
	osthread.Pin(func() { origin, err = netns.Here() })
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
	l.truncate(first)
	var firstErr error
	for i, h := range hs {
		if h != nil {
			l.addEntry(names[i], h)
		} else if firstErr == nil {
			firstErr = errs[i]
		}
	}
	if err := l.save(); err != nil && firstErr == nil {
		firstErr = err
	}
	return hs, firstErr
}

// addEntry records a namespace; h is nil while it is being made.
func (l *Ledger) addEntry(name string, h *nsfs.Handle) {
	var id nsID
	if h != nil {
		id = idOf(h)
	}
	l.names = append(l.names, name)
	l.handles = append(l.handles, h)
	l.ids = append(l.ids, id)
}

// truncate forgets the namespaces recorded from index n on.
func (l *Ledger) truncate(n int) {
	l.names, l.handles, l.ids = l.names[:n], l.handles[:n], l.ids[:n]
}

// AddNetns creates the named network namespace, records it, and returns a
// handle the ledger owns (closed by Teardown).
func (l *Ledger) AddNetns(name string) (*nsfs.Handle, error) {
	if l.done {
		return nil, fmt.Errorf("netns add: %s: the lab is torn down: %w", name, unix.EINVAL)
	}
	n := len(l.names)
	l.addEntry(name, nil)
	if err := l.save(); err != nil {
		l.truncate(n)
		return nil, err
	}
	stepHook("netns add " + name)
	h, err := netns.Add(name)
	l.truncate(n)
	if err != nil {
		l.save()
		return nil, err
	}
	l.addEntry(name, h)
	return h, l.save()
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
	l.hostLinks = append(l.hostLinks, hostLink{name: name, index: index})
	return l.save()
}

// AddHostLink creates a link in the host namespace as LinkAdd does and
// records it: by name before the request (so a kill during it leaves the
// name on record) and by name and index after. It returns the index.
func (l *Ledger) AddHostLink(s LinkSpec) (int, error) {
	if l.done {
		return 0, fmt.Errorf("link add: %s: the lab is torn down: %w", s.Name, unix.EINVAL)
	}
	h, err := l.Host()
	if err != nil {
		return 0, err
	}
	c, err := l.Conn(h)
	if err != nil {
		return 0, err
	}
	n := len(l.hostLinks)
	l.hostLinks = append(l.hostLinks, hostLink{name: s.Name, kind: s.Type})
	if err := l.save(); err != nil {
		l.hostLinks = l.hostLinks[:n]
		return 0, err
	}
	stepHook("link add " + s.Name)
	index, err := c.LinkAdd(s)
	if err != nil {
		l.hostLinks = l.hostLinks[:n]
		l.save()
		return 0, err
	}
	stepHook("link made " + s.Name)
	l.hostLinks[n].index = index
	return index, l.save()
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

// Handle returns a handle (owned by the ledger) to the recorded namespace
// name: the one the build opened, or, for a loaded ledger, the one at
// /run/netns/NAME after checking that it still is the namespace recorded.
func (l *Ledger) Handle(name string) (*nsfs.Handle, error) {
	for i, n := range l.names {
		if n != name {
			continue
		}
		if l.handles[i] == nil {
			h, err := openRecorded(name, l.ids[i])
			if err != nil {
				return nil, err
			}
			l.handles[i] = h
		}
		return l.handles[i], nil
	}
	return nil, fmt.Errorf("netns %s: not in the lab's ledger: %w", name, unix.ENOENT)
}

// Done reports whether Teardown ran.
func (l *Ledger) Done() bool { return l.done }

// Release closes the ledger's handles and forgets the lab without tearing
// it down: its namespaces stay, named, for `ip netns` and later scripts. A
// ledger on disk stays there, unlocked, for LoadLedger.
func (l *Ledger) Release() {
	if l.done {
		return
	}
	l.done = true
	l.closeHandles()
	l.disk.unlock(false)
}

// closeHandles closes the cached connections (their sockets would keep the
// namespaces alive) and the handles.
func (l *Ledger) closeHandles() {
	l.closeConns()
	for _, h := range l.handles {
		if h != nil {
			h.Close()
		}
	}
	if l.host != nil {
		l.host.Close()
	}
}

// closeConns closes the connections cached on the ledger's handles: their
// sockets would keep the namespaces alive.
func (l *Ledger) closeConns() {
	for _, h := range l.handles {
		if h != nil {
			DropConn(h)
		}
	}
	if l.host != nil {
		DropConn(l.host)
	}
}
