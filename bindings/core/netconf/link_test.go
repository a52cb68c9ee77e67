//go:build linux

package netconf_test

import (
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"

	"github.com/nsh-lua/nsh/bindings/core/netconf"
	"golang.org/x/sys/unix"
)

// ipLink is the part of `ip -j link show` a Link record must match.
func ipLink(m map[string]any) netconf.Link {
	l := netconf.Link{
		Name:  m["ifname"].(string),
		Index: int(m["ifindex"].(float64)),
		MTU:   int(m["mtu"].(float64)),
		State: m["operstate"].(string),
	}
	for _, f := range m["flags"].([]any) {
		l.Flags = append(l.Flags, f.(string))
	}
	if a, ok := m["address"].(string); ok && m["link_type"] != "loopback" {
		l.Address = a
	}
	if a, ok := m["master"].(string); ok {
		l.Master = a
	}
	if info, ok := m["linkinfo"].(map[string]any); ok {
		l.Type = info["info_kind"].(string)
	}
	return l
}

// comparable drops what ip spells differently (peer, group, lo's type).
func comparable(l netconf.Link) netconf.Link {
	l.Peer, l.Group = "", 0
	if l.Type == "device" {
		l.Type = ""
	}
	if l.Name == "lo" {
		l.Address = ""
	}
	return l
}

func TestVethPeerBornInPlace(t *testing.T) {
	a, b := newLab(t), newLab(t)
	mustAdd(t, a.c, netconf.LinkSpec{Name: "a0", Type: "veth", Peer: "b0", PeerNS: b.fd,
		MTU: 1400, Address: "02:00:00:00:00:0a", Up: true})
	got, err := a.c.LinkGet("a0")
	must(t, err)
	want := ipLink(ipJSON(t, a.name, "-d", "link", "show", "dev", "a0")[0])
	if !reflect.DeepEqual(comparable(got), want) {
		t.Errorf("LinkGet a0 = %+v\nip says      %+v", comparable(got), want)
	}
	if got.Address != "02:00:00:00:00:0a" || got.MTU != 1400 || !strings.HasPrefix(got.Peer, "if") {
		t.Errorf("a0 = %+v", got)
	}
	if names := linkNames(t, b.name); !reflect.DeepEqual(names, []string{"b0", "lo"}) {
		t.Errorf("links in %s = %v, want lo b0", b.name, names)
	}
	peer, err := b.c.LinkGet("b0")
	must(t, err)
	if peer.MTU != 1400 || peer.Type != "veth" {
		t.Errorf("b0 = %+v", peer)
	}
}

func TestLinkListMatchesIP(t *testing.T) {
	a := newLab(t)
	mustAdd(t, a.c, netconf.LinkSpec{Name: "br0", Type: "bridge", Up: true})
	mustAdd(t, a.c, netconf.LinkSpec{Name: "v0", Type: "veth", Peer: "v1", Master: "br0", Up: true})
	mustAdd(t, a.c, netconf.LinkSpec{Name: "mv0", Type: "macvlan", Parent: "v1", Mode: "bridge", Group: 7})
	mustAdd(t, a.c, netconf.LinkSpec{Name: "vx0", Type: "vxlan", ID: 42, Remote: "10.9.9.9", Port: 4789})
	mustAdd(t, a.c, netconf.LinkSpec{Name: "ifb0", Type: "ifb"})
	got, err := a.c.LinkList()
	must(t, err)
	ip := ipJSON(t, a.name, "-d", "link", "show")
	if len(got) != len(ip) {
		t.Fatalf("LinkList has %d links, ip %d", len(got), len(ip))
	}
	for i := range got {
		if w := ipLink(ip[i]); !reflect.DeepEqual(comparable(got[i]), w) {
			t.Errorf("link %d:\n nsh %+v\n ip  %+v", i, comparable(got[i]), w)
		}
	}
	v0, _ := a.c.LinkGet("v0")
	mv, _ := a.c.LinkGet("mv0")
	if v0.Master != "br0" || v0.Peer != "v1" || mv.Group != 7 {
		t.Errorf("v0 = %+v, mv0 = %+v", v0, mv)
	}
}

func TestLinkSet(t *testing.T) {
	a, b := newLab(t), newLab(t)
	mustAdd(t, a.c, netconf.LinkSpec{Name: "br0", Type: "bridge"})
	mustAdd(t, a.c, netconf.LinkSpec{Name: "x0", Type: "veth", Peer: "x1"})
	up := true
	must(t, a.c.LinkSet("x0", netconf.LinkChange{MTU: 1280, Master: "br0", Name: "y0", Address: "02:11:22:33:44:55", Up: &up}))
	m := ipJSON(t, a.name, "link", "show", "dev", "y0")[0]
	if m["mtu"].(float64) != 1280 || m["master"] != "br0" || m["address"] != "02:11:22:33:44:55" {
		t.Errorf("after set: %v", m)
	}
	must(t, a.c.LinkSet("y0", netconf.LinkChange{NoMaster: true}))
	if _, ok := ipJSON(t, a.name, "link", "show", "dev", "y0")[0]["master"]; ok {
		t.Error("nomaster left a master")
	}
	must(t, a.c.LinkSet("x1", netconf.LinkChange{MoveTo: b.fd}))
	if names := linkNames(t, b.name); !reflect.DeepEqual(names, []string{"lo", "x1"}) {
		t.Errorf("after move_to: %s has %v", b.name, names)
	}
	// Refused before anything changes: an MTU netlink would cut to 0 (it
	// used to bring lo's IPv4 down silently), master with nomaster.
	for _, ch := range []netconf.LinkChange{{MTU: 1 << 33}, {Master: "br0", NoMaster: true}} {
		if err := a.c.LinkSet("y0", ch); !errors.Is(err, netconf.ErrInvalid) {
			t.Errorf("LinkSet(%+v) = %v, want ErrInvalid", ch, err)
		}
	}
	if m := ipJSON(t, a.name, "link", "show", "dev", "y0")[0]; m["mtu"].(float64) != 1280 {
		t.Errorf("refused change touched y0: %v", m)
	}
	must(t, a.c.LinkDel("y0"))
	if names := linkNames(t, a.name); !reflect.DeepEqual(names, []string{"br0", "lo"}) {
		t.Errorf("after del: %v", names)
	}
}

// TestEveryLinkTypeByProbe tests each link type for what this kernel has,
// decided by ProbeLinkType, never assumed: a type the kernel provides is
// created for real, read back and cross-checked with `ip -j -d link show`,
// then deleted; one it lacks fails with the clear error and leaves nothing.
func TestEveryLinkTypeByProbe(t *testing.T) {
	a := newLab(t)
	mustAdd(t, a.c, netconf.LinkSpec{Name: "p0", Type: "veth", Peer: "p1"})
	specs := map[string]netconf.LinkSpec{
		"veth": {Peer: "t1"}, "vlan": {Parent: "p0", ID: 10}, "macvlan": {Parent: "p0", Mode: "bridge"},
		"ipvlan": {Parent: "p0", Mode: "l2"}, "vxlan": {ID: 7, Port: 4789}, "bond": {Mode: "active-backup"},
	}
	var have, lack []string
	for _, typ := range netconf.LinkTypes() {
		s := specs[typ]
		s.Name, s.Type = "t0", typ
		switch err := netconf.ProbeLinkType(typ); {
		case err == nil:
			have = append(have, typ)
			linkTypeWorks(t, a, s)
		case errors.Is(err, netconf.ErrUnsupported):
			lack = append(lack, typ)
			linkTypeMissing(t, a, s)
		default:
			t.Errorf("probe %s: %v", typ, err)
		}
	}
	t.Logf("this kernel has %v and lacks %v", have, lack)
	if names := linkNames(t, a.name); !reflect.DeepEqual(names, []string{"lo", "p0", "p1"}) {
		t.Errorf("left behind: %v", names)
	}
	if err := netconf.ProbeLinkType("frob"); !errors.Is(err, netconf.ErrInvalid) {
		t.Errorf("probe of an unknown type = %v, want ErrInvalid", err)
	}
}

// linkTypeWorks creates s, checks it as ip sees it, and deletes it.
func linkTypeWorks(t *testing.T, a *lab, s netconf.LinkSpec) {
	t.Helper()
	if _, err := a.c.LinkAdd(s); err != nil {
		t.Errorf("%s: the probe says the kernel has it, but LinkAdd: %v", s.Type, err)
		return
	}
	got, err := a.c.LinkGet(s.Name)
	must(t, err)
	ip := ipLink(ipJSON(t, a.name, "-d", "link", "show", "dev", s.Name)[0])
	if ip.Type != s.Type || !reflect.DeepEqual(comparable(got), ip) {
		t.Errorf("%s: LinkGet = %+v\nip says %+v", s.Type, comparable(got), ip)
	}
	must(t, a.c.LinkDel(s.Name))
	if _, err := a.c.LinkGet(s.Name); !errors.Is(err, unix.ENODEV) {
		t.Errorf("%s: after LinkDel, LinkGet = %v", s.Type, err)
	}
}

// linkTypeMissing checks LinkAdd's error for a type the kernel lacks.
func linkTypeMissing(t *testing.T, a *lab, s netconf.LinkSpec) {
	t.Helper()
	_, err := a.c.LinkAdd(s)
	want := fmt.Sprintf("link add: t0: not supported by this kernel: %s (CONFIG_", s.Type)
	if err == nil || !strings.HasPrefix(err.Error(), want) || !strings.HasSuffix(err.Error(), ")") ||
		!errors.Is(err, netconf.ErrUnsupported) || !errors.Is(err, unix.EOPNOTSUPP) {
		t.Errorf("%s: err = %v, want %q…", s.Type, err, want)
	}
}

func TestLinkAddErrors(t *testing.T) {
	a, b := newLab(t), newLab(t)
	mustAdd(t, b.c, netconf.LinkSpec{Name: "taken", Type: "bridge"})
	mustAdd(t, a.c, netconf.LinkSpec{Name: "veth0", Type: "bridge"})
	cases := []struct {
		spec netconf.LinkSpec
		want string
		is   error
	}{
		{netconf.LinkSpec{Name: "veth0", Type: "bridge"}, "link add: veth0: file exists", unix.EEXIST},
		{netconf.LinkSpec{Name: "e0", Type: "veth", Peer: "taken", PeerNS: b.fd}, "link add: e0: file exists", unix.EEXIST},
		{netconf.LinkSpec{Name: "e1", Type: "frob"}, `link add: e1: unknown link type "frob"`, netconf.ErrInvalid},
		{netconf.LinkSpec{Name: "a/b", Type: "bridge"}, `link add: a/b: link name "a/b" contains '/', ':' or white space`, netconf.ErrInvalid},
		{netconf.LinkSpec{Name: "abcdefghijklmnop", Type: "bridge"}, "link add: abcdefghijklmnop: link name longer than 15 bytes", netconf.ErrInvalid},
		{netconf.LinkSpec{Name: "e2", Type: "veth"}, "link add: e2: veth needs a valid peer name: empty link name", netconf.ErrInvalid},
		{netconf.LinkSpec{Name: "e3", Type: "bridge", Master: "nope"}, "link add: nope: no such device", unix.ENODEV},
		{netconf.LinkSpec{Name: "e4", Type: "macvlan", Parent: "nope"}, "link add: nope: no such device", unix.ENODEV},
		{netconf.LinkSpec{Name: "e5", Type: "bridge", Address: "zz"}, `link add: e5: invalid MAC address "zz": want six bytes such as 02:00:00:00:00:01`, netconf.ErrInvalid},
		{netconf.LinkSpec{Name: "e5", Type: "bridge", Address: "02:00:00:00:00:00:00:01"}, `link add: e5: invalid MAC address "02:00:00:00:00:00:00:01": want six bytes such as 02:00:00:00:00:01`, netconf.ErrInvalid},
		{netconf.LinkSpec{Name: "e5", Type: "bridge", Address: "01:00:5e:00:00:01"}, `link add: e5: MAC address "01:00:5e:00:00:01" is a multicast address`, netconf.ErrInvalid},
		// netlink's MTU attribute is 32 bits: 2^33 would become 0, not an error.
		{netconf.LinkSpec{Name: "e5", Type: "bridge", MTU: 1 << 33}, "link add: e5: mtu 8589934592 out of range 0-4294967295", netconf.ErrInvalid},
		{netconf.LinkSpec{Name: "e5", Type: "vxlan", ID: 5, Port: 70000}, "link add: e5: vxlan port 70000 out of range 0-65535", netconf.ErrInvalid},
		{netconf.LinkSpec{Name: "e6", Type: "veth", Peer: "e7", Master: "veth0x"}, "link add: veth0x: no such device", unix.ENODEV},
	}
	for _, c := range cases {
		_, err := a.c.LinkAdd(c.spec)
		if err == nil || err.Error() != c.want || !errors.Is(err, c.is) {
			t.Errorf("LinkAdd(%+v) = %v, want %q", c.spec, err, c.want)
		}
	}
	if names := linkNames(t, a.name); !reflect.DeepEqual(names, []string{"lo", "veth0"}) {
		t.Errorf("left behind in %s: %v", a.name, names)
	}
	if names := linkNames(t, b.name); !reflect.DeepEqual(names, []string{"lo", "taken"}) {
		t.Errorf("left behind in %s: %v", b.name, names)
	}
	if err := a.c.LinkDel("ghost"); err == nil || err.Error() != "link del: ghost: no such device" {
		t.Errorf("LinkDel(ghost) = %v", err)
	}
}

func TestMasterFailureLeavesNothing(t *testing.T) {
	a := newLab(t)
	mustAdd(t, a.c, netconf.LinkSpec{Name: "m0", Type: "veth", Peer: "m1"})
	// A veth cannot be a master: the create succeeds, enslaving fails,
	// and the new link must be deleted again.
	_, err := a.c.LinkAdd(netconf.LinkSpec{Name: "s0", Type: "veth", Peer: "s1", Master: "m0"})
	if err == nil {
		t.Fatal("enslaving to a veth succeeded")
	}
	if names := linkNames(t, a.name); !reflect.DeepEqual(names, []string{"lo", "m0", "m1"}) {
		t.Errorf("left behind: %v (err %v)", names, err)
	}
}

// TestClosedConnRefuses checks that a closed Conn fails instead of acting in
// whatever namespace the calling thread is in.
func TestClosedConnRefuses(t *testing.T) {
	a := newLab(t)
	c, err := netconf.Open(a.fd)
	must(t, err)
	c.Close()
	if _, err := c.LinkList(); !errors.Is(err, netconf.ErrClosed) {
		t.Errorf("LinkList on a closed Conn = %v", err)
	}
	if err := c.LinkDel("lo"); !errors.Is(err, netconf.ErrClosed) {
		t.Errorf("LinkDel on a closed Conn = %v", err)
	}
	if _, err := c.LinkAdd(netconf.LinkSpec{Name: "b0", Type: "bridge"}); !errors.Is(err, netconf.ErrClosed) {
		t.Errorf("LinkAdd on a closed Conn = %v", err)
	}
	if err := c.RouteAdd(netconf.RouteSpec{Dst: "default", Dev: "lo"}); !errors.Is(err, netconf.ErrClosed) {
		t.Errorf("RouteAdd on a closed Conn = %v", err)
	}
}
