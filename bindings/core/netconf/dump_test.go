//go:build linux

package netconf_test

import (
	"fmt"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/nsh-lua/nsh/bindings/core/netconf"
	"github.com/nsh-lua/nsh/bindings/core/netns"
	"github.com/nsh-lua/nsh/bindings/core/nsfs"
	"github.com/nsh-lua/nsh/bindings/testutil"
)

// TestDumpsUnderChurn is the reproduction of issue 9: LinkList (and every
// dump) failed with "results may be incomplete or inconsistent" while
// namespaces holding veths were deleted. The lab holds one end of a veth
// to each of 40 namespaces; those are deleted in parallel while links,
// addresses and routes of the lab are listed in a loop: never an error,
// and every list is whole (lo is always there).
func TestDumpsUnderChurn(t *testing.T) {
	const n = 40
	a := newLab(t)
	hs := make([]*nsfs.Handle, n)
	names := make([]string, n)
	t.Cleanup(func() {
		for i, h := range hs {
			if h != nil {
				h.Close()
				netns.Del(names[i])
			}
		}
	})
	for i := range hs {
		names[i] = testutil.Name(t, "churn")
		h, err := netns.Add(names[i])
		if err != nil {
			t.Fatal(err)
		}
		hs[i] = h
		mustAdd(t, a.c, netconf.LinkSpec{Name: fmt.Sprintf("c%d", i), Type: "veth", Peer: "eth0", PeerNS: h.Fd(), Up: true})
		must(t, a.c.AddrAdd(fmt.Sprintf("c%d", i), fmt.Sprintf("10.%d.0.1/24", 100+i)))
	}
	for i := range 100 { // long dumps, read in several parts: more to interrupt
		mustAdd(t, a.c, netconf.LinkSpec{Name: fmt.Sprintf("b%d", i), Type: "bridge"})
	}
	before := netconf.Redumps()
	var wg sync.WaitGroup
	for i := range hs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			hs[i].Close()
			if err := netns.Del(names[i]); err != nil {
				t.Error(err)
			}
			hs[i] = nil
		}()
	}
	stop := make(chan struct{})
	go func() { wg.Wait(); close(stop) }()
	var polls atomic.Int64
	var pollers sync.WaitGroup
	for range 4 {
		pollers.Add(1)
		go func() {
			defer pollers.Done()
			c, err := netconf.Open(a.fd) // a Conn is for one goroutine
			if err != nil {
				t.Error(err)
				return
			}
			defer c.Close()
			if err := poll(c, stop, &polls); err != nil {
				t.Error(err)
			}
		}()
	}
	pollers.Wait()
	t.Logf("%d polls, %d dumps made again after an interruption", polls.Load(), netconf.Redumps()-before)
}

// poll lists links, addresses and routes until stop is closed and the
// lab's veth ends are gone (namespaces die asynchronously), and returns
// the first error or incomplete list (lo and the 100 bridges stay).
func poll(c *netconf.Conn, stop <-chan struct{}, polls *atomic.Int64) error {
	for done := false; ; polls.Add(1) {
		select {
		case <-stop:
			done = true
		default:
		}
		ls, err := c.LinkList()
		if err != nil {
			return fmt.Errorf("poll %d: LinkList: %w", polls.Load(), err)
		}
		if len(ls) == 0 || ls[0].Name != "lo" {
			return fmt.Errorf("poll %d: LinkList without lo: %v", polls.Load(), ls)
		}
		if _, err := c.AddrList(""); err != nil {
			return fmt.Errorf("poll %d: AddrList: %w", polls.Load(), err)
		}
		if _, err := c.RouteList(0, ""); err != nil {
			return fmt.Errorf("poll %d: RouteList: %w", polls.Load(), err)
		}
		if done && len(ls) == 101 {
			return nil
		}
	}
}
