//go:build linux

package netconf_test

import (
	"errors"
	"testing"

	"github.com/nsh-lua/nsh/bindings/core/netconf"
	"github.com/nsh-lua/nsh/bindings/core/netns"
	"github.com/nsh-lua/nsh/bindings/testutil"
)

// TestConnOfIsTheHandles: ConnOf opens one connection per handle and gives
// it to every caller; DropConn closes it and leaves the handle open (the
// next ConnOf opens a new one); closing the handle closes its connection.
func TestConnOfIsTheHandles(t *testing.T) {
	testutil.RequireRoot(t)
	name := testutil.Name(t)
	h, err := netns.Add(name)
	must(t, err)
	t.Cleanup(func() {
		h.Close()
		must(t, netns.Del(name))
	})
	c, err := netconf.ConnOf(h)
	must(t, err)
	if again, _ := netconf.ConnOf(h); again != c {
		t.Fatal("a second ConnOf opened another connection")
	}
	if _, err := c.LinkGet("lo"); err != nil {
		t.Fatalf("the cached connection does not work: %v", err)
	}
	netconf.DropConn(h)
	if _, err := c.LinkGet("lo"); !errors.Is(err, netconf.ErrClosed) {
		t.Fatalf("after DropConn: %v, want ErrClosed", err)
	}
	fresh, err := netconf.ConnOf(h)
	must(t, err)
	if fresh == c {
		t.Fatal("ConnOf returned the dropped connection")
	}
	h.Close()
	if _, err := fresh.LinkGet("lo"); !errors.Is(err, netconf.ErrClosed) {
		t.Fatalf("after the handle closed: %v, want ErrClosed", err)
	}
}
