//go:build linux

package netconf_test

import (
	"errors"
	"fmt"
	"io"
	"testing"

	"github.com/nsh-lua/nsh/bindings/core/netconf"
)

// linkInfo returns the linkinfo of `ip -j -d link show dev DEV` in ns.
func linkInfo(t *testing.T, ns, dev string) (kind string, data map[string]any) {
	t.Helper()
	m := ipJSON(t, ns, "-d", "link", "show", "dev", dev)[0]
	info, _ := m["linkinfo"].(map[string]any)
	data, _ = info["info_data"].(map[string]any)
	kind, _ = info["info_kind"].(string)
	return kind, data
}

// reach checks that a TCP connection from namespace from reaches addr in
// namespace to, and carries a message.
func reach(t *testing.T, from, to int, addr string) {
	t.Helper()
	l := listenIn(t, to, addr)
	got := make(chan string, 1)
	go func() {
		c, err := l.Accept()
		if err != nil {
			got <- err.Error()
			return
		}
		defer c.Close()
		b, _ := io.ReadAll(c)
		got <- string(b)
	}()
	c := dialIn(t, from, addr)
	fmt.Fprint(c, "hello")
	c.Close()
	if s := <-got; s != "hello" {
		t.Errorf("over %s: got %q", addr, s)
	}
}

// TestMacvlanBridge makes two macvlans in bridge mode on one lower device,
// checks them against ip, moves them into two namespaces and sends traffic
// from one to the other through the lower device's internal bridge.
func TestMacvlanBridge(t *testing.T) {
	p, a, b := newLab(t), newLab(t), newLab(t)
	mustAdd(t, p.c, netconf.LinkSpec{Name: "low0", Type: "veth", Peer: "low1", Up: true})
	up := true
	must(t, p.c.LinkSet("low1", netconf.LinkChange{Up: &up}))
	for i, to := range []*lab{a, b} {
		name := fmt.Sprintf("mv%d", i)
		mustAdd(t, p.c, netconf.LinkSpec{Name: name, Type: "macvlan", Parent: "low0", Mode: "bridge"})
		kind, data := linkInfo(t, p.name, name)
		if m := ipJSON(t, p.name, "link", "show", "dev", name)[0]; kind != "macvlan" || data["mode"] != "bridge" || m["link"] != "low0" {
			t.Errorf("%s: ip says kind %q, data %v, link %v", name, kind, data, m["link"])
		}
		must(t, p.c.LinkSet(name, netconf.LinkChange{MoveTo: to.fd}))
		must(t, to.c.LinkSet(name, netconf.LinkChange{Up: &up}))
		must(t, to.c.AddrAdd(name, fmt.Sprintf("10.204.0.%d/24", i+1)))
	}
	reach(t, a.fd, b.fd, "10.204.0.2:5010")
	reach(t, b.fd, a.fd, "10.204.0.1:5011")
}

// TestVxlanTunnel joins two namespaces by a veth underlay and a VXLAN
// tunnel over it (id, remote, local, dstport, underlay device), checks the
// tunnel against ip, and sends traffic through it.
func TestVxlanTunnel(t *testing.T) {
	a, b := newLab(t), newLab(t)
	mustAdd(t, a.c, netconf.LinkSpec{Name: "u0", Type: "veth", Peer: "u0", PeerNS: b.fd, Up: true})
	up := true
	must(t, b.c.LinkSet("u0", netconf.LinkChange{Up: &up}))
	labs := []*lab{a, b}
	for i, l := range labs {
		must(t, l.c.AddrAdd("u0", fmt.Sprintf("10.205.0.%d/24", i+1)))
		spec := netconf.LinkSpec{Name: "vx0", Type: "vxlan", ID: 4242, Port: 4789, Parent: "u0", Up: true,
			Local: fmt.Sprintf("10.205.0.%d", i+1), Remote: fmt.Sprintf("10.205.0.%d", 2-i)}
		mustAdd(t, l.c, spec)
		kind, data := linkInfo(t, l.name, "vx0")
		want := map[string]any{"id": 4242.0, "remote": spec.Remote, "local": spec.Local, "link": "u0", "port": 4789.0}
		for k, v := range want {
			if data[k] != v {
				t.Errorf("%s vx0: ip says %s = %v, want %v (kind %q)", l.name, k, data[k], v, kind)
			}
		}
		must(t, l.c.AddrAdd("vx0", fmt.Sprintf("10.206.0.%d/24", i+1)))
	}
	reach(t, a.fd, b.fd, "10.206.0.2:5020")
	// 10.206.0.0/24 exists only on vx0: the bytes went through the tunnel.
	mustAdd(t, a.c, netconf.LinkSpec{Name: "vx1", Type: "vxlan", ID: 7, Mcast: "239.1.1.1", Parent: "u0", Port: 4789})
	if _, data := linkInfo(t, a.name, "vx1"); data["group"] != "239.1.1.1" || data["link"] != "u0" || data["id"] != 7.0 {
		t.Errorf("vx1: ip says %v", data)
	}
	for _, c := range []struct {
		spec netconf.LinkSpec
		want string
	}{
		{netconf.LinkSpec{Name: "vx2", Type: "vxlan", ID: 8, Mcast: "239.1.1.1"}, "link add: vx2: vxlan group needs a parent (underlay) device"},
		{netconf.LinkSpec{Name: "vx2", Type: "vxlan", ID: 8, Mcast: "10.0.0.1", Parent: "u0"}, "link add: vx2: vxlan group 10.0.0.1 is not a multicast address"},
		{netconf.LinkSpec{Name: "vx2", Type: "vxlan", ID: 8, Remote: "239.1.1.1"}, "link add: vx2: vxlan remote 239.1.1.1 is a multicast address: use group"},
		{netconf.LinkSpec{Name: "vx2", Type: "vxlan", ID: 8, Remote: "10.0.0.1", Mcast: "239.1.1.1"}, "link add: vx2: vxlan takes remote or group, not both"},
		{netconf.LinkSpec{Name: "vx2", Type: "vxlan", ID: 1 << 24}, "link add: vx2: vxlan id 16777216 out of range 0-16777215"},
		{netconf.LinkSpec{Name: "vx2", Type: "vxlan", ID: 8, Local: "nope"}, `link add: vx2: local: invalid IP address "nope"`},
	} {
		if _, err := a.c.LinkAdd(c.spec); err == nil || err.Error() != c.want || !errors.Is(err, netconf.ErrInvalid) {
			t.Errorf("LinkAdd(%+v) = %v\n want %q", c.spec, err, c.want)
		}
	}
}
