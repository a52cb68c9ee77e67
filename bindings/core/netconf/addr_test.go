//go:build linux

package netconf_test

import (
	"errors"
	"fmt"
	"reflect"
	"sort"
	"testing"
	"time"

	"github.com/nsh-lua/nsh/bindings/core/netconf"
	"golang.org/x/sys/unix"
)

// ipAddrs flattens `ip -j addr show` into "dev family local/prefixlen scope".
func ipAddrs(t *testing.T, ns string) []string {
	var out []string
	for _, l := range ipJSON(t, ns, "addr", "show") {
		for _, ai := range l["addr_info"].([]any) {
			a := ai.(map[string]any)
			out = append(out, fmt.Sprintf("%s %s %s/%v %s", l["ifname"], a["family"], a["local"], a["prefixlen"], a["scope"]))
		}
	}
	sort.Strings(out)
	return out
}

func nshAddrs(t *testing.T, c *netconf.Conn, dev string) []string {
	as, err := c.AddrList(dev)
	must(t, err)
	var out []string
	for _, a := range as {
		out = append(out, fmt.Sprintf("%s %s %s %s", a.Dev, a.Family, a.Address, a.Scope))
	}
	sort.Strings(out)
	return out
}

func TestAddrsMatchIP(t *testing.T) {
	a := newLab(t)
	mustAdd(t, a.c, netconf.LinkSpec{Name: "e0", Type: "veth", Peer: "e1", Up: true})
	for _, cidr := range []string{"10.0.0.1/24", "10.0.1.1", "fd00::1/64", "fd00:1::1"} {
		must(t, a.c.AddrAdd("e0", cidr))
	}
	must(t, a.c.AddrAdd("lo", "127.0.0.2/8"))
	// Link-local IPv6 addresses appear asynchronously: compare once both
	// readers agree, or show the difference after 3s.
	var got, want []string
	for try := 0; try < 60; try++ {
		if got, want = nshAddrs(t, a.c, ""), ipAddrs(t, a.name); reflect.DeepEqual(got, want) {
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("AddrList:\n nsh %q\n ip  %q", got, want)
	}
	must(t, a.c.AddrDel("e0", "10.0.1.1/32"))
	must(t, a.c.AddrDel("e0", "fd00::1/64"))
	got = nshAddrs(t, a.c, "e0")
	for _, s := range got {
		if s == "e0 inet 10.0.1.1/32 global" || s == "e0 inet6 fd00::1/64 global" {
			t.Errorf("deleted address still there: %q", got)
		}
	}
	if !contains(got, "e0 inet 10.0.0.1/24 global") || !contains(got, "e0 inet6 fd00:1::1/128 global") {
		t.Errorf("AddrList(e0) = %q", got)
	}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func TestAddrErrors(t *testing.T) {
	a := newLab(t)
	mustAdd(t, a.c, netconf.LinkSpec{Name: "e0", Type: "bridge"})
	must(t, a.c.AddrAdd("e0", "10.0.0.1/24"))
	cases := []struct {
		dev, cidr, want string
		is              error
	}{
		{"eth9", "10.0.0.1/24", "addr add: eth9: no such device", unix.ENODEV},
		{"e0", "10.0.0.1/24", "addr add: e0: file exists", unix.EEXIST},
		{"e0", "10.0.0.300/24", `addr add: 10.0.0.300/24: invalid address "10.0.0.300/24": want ADDRESS/PREFIX such as 10.0.0.1/24`, netconf.ErrInvalid},
		{"e0", "10.0.0.1/33", `addr add: 10.0.0.1/33: invalid address "10.0.0.1/33": want ADDRESS/PREFIX such as 10.0.0.1/24`, netconf.ErrInvalid},
		{"e0", "bogus", `addr add: bogus: invalid address "bogus"`, netconf.ErrInvalid},
	}
	for _, c := range cases {
		err := a.c.AddrAdd(c.dev, c.cidr)
		if err == nil || err.Error() != c.want || !errors.Is(err, c.is) {
			t.Errorf("AddrAdd(%s, %s) = %v, want %q", c.dev, c.cidr, err, c.want)
		}
	}
	if err := a.c.AddrDel("e0", "10.0.0.9/24"); !errors.Is(err, unix.EADDRNOTAVAIL) {
		t.Errorf("AddrDel(missing) = %v", err)
	}
	if got := nshAddrs(t, a.c, "e0"); !reflect.DeepEqual(got, []string{"e0 inet 10.0.0.1/24 global"}) {
		t.Errorf("after errors: %q", got)
	}
}
