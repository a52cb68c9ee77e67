//go:build linux

package netconf_test

import (
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/nsh-lua/nsh/bindings/core/netconf"
	"github.com/nsh-lua/nsh/bindings/core/netns"
	"github.com/nsh-lua/nsh/bindings/testutil"
)

// leftovers lists /run/netns entries and host links that carry prefix.
func leftovers(prefix string) []string {
	var out []string
	for _, dir := range []string{netns.Dir, "/sys/class/net"} {
		entries, _ := os.ReadDir(dir)
		for _, e := range entries {
			if strings.HasPrefix(e.Name(), prefix) {
				out = append(out, dir+"/"+e.Name())
			}
		}
	}
	return out
}

// TestLedgerTeardown builds a small lab by hand — namespaces, a bridge and
// veth ends in the host namespace — and checks that Teardown removes all of
// it, once.
func TestLedgerTeardown(t *testing.T) {
	testutil.RequireRoot(t)
	prefix := testutil.Name(t)
	l := netconf.NewLedger()
	t.Cleanup(func() { l.Teardown() })
	names := []string{prefix + "a", prefix + "b", prefix + "c"}
	hs, err := l.AddNetnsMany(names, 2)
	must(t, err)
	host, err := l.Host()
	must(t, err)
	hc, err := l.Conn(host)
	must(t, err)
	br := prefix + "br"
	idx, err := hc.LinkAdd(netconf.LinkSpec{Name: br, Type: "bridge", Up: true})
	must(t, err)
	must(t, l.RecordHostLink(br, idx))
	for i, h := range hs {
		end := fmt.Sprintf("%sv%d", prefix, i)
		idx, err := hc.LinkAdd(netconf.LinkSpec{Name: end, Type: "veth", Peer: "eth0", PeerNS: h.Fd(), Master: br, Up: true})
		must(t, err)
		must(t, l.RecordHostLink(end, idx))
		c, err := l.Conn(h)
		must(t, err)
		if again, _ := l.Conn(h); again != c {
			t.Error("Conn did not reuse the connection")
		}
		if shared, _ := netconf.ConnOf(h); shared != c {
			t.Error("the ledger's connection is not the one cached on the handle")
		}
		must(t, c.AddrAdd("eth0", fmt.Sprintf("10.217.0.%d/24", i+1)))
	}
	if got := leftovers(prefix); len(got) != 3+1+3 {
		t.Fatalf("lab while up: %q", got)
	}
	if strings.Join(l.Names(), " ") != strings.Join(names, " ") {
		t.Errorf("Names() = %q", l.Names())
	}
	must(t, l.Teardown())
	if got := leftovers(prefix); len(got) > 0 {
		t.Errorf("left behind: %q", got)
	}
	must(t, l.Teardown())
	if _, err := l.AddNetnsMany([]string{prefix + "late"}, 1); err == nil {
		t.Error("AddNetnsMany after Teardown succeeded")
	}
}

// TestLedgerKeepsOthersLinks checks that Teardown deletes a host link only
// while it still is the one recorded: same index and name.
func TestLedgerKeepsOthersLinks(t *testing.T) {
	testutil.RequireRoot(t)
	prefix := testutil.Name(t)
	l := netconf.NewLedger()
	host, err := l.Host()
	must(t, err)
	hc, err := netconf.Open(host.Fd())
	must(t, err)
	name := prefix + "x"
	idx, err := hc.LinkAdd(netconf.LinkSpec{Name: name, Type: "bridge"})
	must(t, err)
	must(t, l.RecordHostLink(name, idx))
	// Someone replaces the link by one of the same name: not ours any more.
	must(t, hc.LinkDel(name))
	_, err = hc.LinkAdd(netconf.LinkSpec{Name: name, Type: "bridge"})
	must(t, err)
	t.Cleanup(func() { hc.LinkDel(name); hc.Close() })
	must(t, l.Teardown())
	if _, err := hc.LinkGet(name); err != nil {
		t.Errorf("Teardown deleted a link it did not make: %v", err)
	}
}
