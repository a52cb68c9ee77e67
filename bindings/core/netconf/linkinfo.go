//go:build linux

package netconf

import (
	"fmt"

	"github.com/vishvananda/netlink"
	"golang.org/x/sys/unix"
)

// Link is what LinkGet and LinkList report about a link, in the words of
// `ip -j link show`.
type Link struct {
	Name    string   // ifname
	Index   int      // ifindex
	Type    string   // veth, bridge, … ("device" for plain devices such as lo)
	MTU     int      // mtu
	State   string   // operstate: UP, DOWN, UNKNOWN, LOWERLAYERDOWN, …
	Flags   []string // flags in ip's order: BROADCAST, MULTICAST, UP, LOWER_UP, …
	Address string   // MAC address, "" when the link has none
	Master  string   // the master's name, "" when none
	Peer    string   // veth: the peer's name here, or "ifN" when it lives in another namespace
	Group   uint32   // device group
}

// LinkGet reports one link, as `ip link show dev NAME` does.
func (c *Conn) LinkGet(name string) (Link, error) {
	l, err := c.link("link show", name)
	if err != nil {
		return Link{}, err
	}
	byIndex := func(i int) *netlink.LinkAttrs {
		if o, err := c.h.LinkByIndex(i); err == nil {
			return o.Attrs()
		}
		return nil
	}
	return record(l, byIndex), nil
}

// LinkList reports every link of the namespace, ordered by index.
func (c *Conn) LinkList() ([]Link, error) {
	if err := c.check("link show", ""); err != nil {
		return nil, err
	}
	ls, err := dump(c.h.LinkList)
	if err != nil {
		return nil, fail("link show", "", err)
	}
	attrs := map[int]*netlink.LinkAttrs{}
	for _, l := range ls {
		attrs[l.Attrs().Index] = l.Attrs()
	}
	byIndex := func(i int) *netlink.LinkAttrs { return attrs[i] }
	out := make([]Link, 0, len(ls))
	for _, l := range ls {
		out = append(out, record(l, byIndex))
	}
	return out, nil
}

// record builds a Link; byIndex finds another link of the namespace (nil
// when there is none), for the master's and the peer's names.
func record(l netlink.Link, byIndex func(int) *netlink.LinkAttrs) Link {
	a := l.Attrs()
	r := Link{
		Name:  a.Name,
		Index: a.Index,
		Type:  l.Type(),
		MTU:   a.MTU,
		State: operState(a.OperState),
		Flags: FlagNames(a.RawFlags),
		Group: a.Group,
	}
	if len(a.HardwareAddr) > 0 {
		r.Address = a.HardwareAddr.String()
	}
	if a.MasterIndex > 0 {
		if m := byIndex(a.MasterIndex); m != nil {
			r.Master = m.Name
		}
	}
	var lower *netlink.LinkAttrs
	if a.ParentIndex > 0 && a.NetNsID < 0 {
		lower = byIndex(a.ParentIndex)
	}
	if lower != nil && lower.RawFlags&unix.IFF_UP == 0 {
		r.Flags = append(r.Flags, "M-DOWN") // as ip: the lower link is down
	}
	if _, ok := l.(*netlink.Veth); ok && a.ParentIndex > 0 {
		r.Peer = fmt.Sprintf("if%d", a.ParentIndex)
		if lower != nil {
			r.Peer = lower.Name
		}
	}
	return r
}

var operStates = map[netlink.LinkOperState]string{
	netlink.OperUnknown: "UNKNOWN", netlink.OperNotPresent: "NOTPRESENT", netlink.OperDown: "DOWN",
	netlink.OperLowerLayerDown: "LOWERLAYERDOWN", netlink.OperTesting: "TESTING",
	netlink.OperDormant: "DORMANT", netlink.OperUp: "UP",
}

func operState(s netlink.LinkOperState) string {
	if n, ok := operStates[s]; ok {
		return n
	}
	return "UNKNOWN"
}

// flagOrder is the order in which iproute2 prints interface flags.
var flagOrder = []struct {
	bit  uint32
	name string
}{
	{unix.IFF_LOOPBACK, "LOOPBACK"}, {unix.IFF_BROADCAST, "BROADCAST"}, {unix.IFF_POINTOPOINT, "POINTOPOINT"},
	{unix.IFF_MULTICAST, "MULTICAST"}, {unix.IFF_NOARP, "NOARP"}, {unix.IFF_ALLMULTI, "ALLMULTI"},
	{unix.IFF_PROMISC, "PROMISC"}, {unix.IFF_MASTER, "MASTER"}, {unix.IFF_SLAVE, "SLAVE"},
	{unix.IFF_DEBUG, "DEBUG"}, {unix.IFF_DYNAMIC, "DYNAMIC"}, {unix.IFF_AUTOMEDIA, "AUTOMEDIA"},
	{unix.IFF_PORTSEL, "PORTSEL"}, {unix.IFF_NOTRAILERS, "NOTRAILERS"}, {unix.IFF_UP, "UP"},
	{unix.IFF_LOWER_UP, "LOWER_UP"}, {unix.IFF_DORMANT, "DORMANT"}, {unix.IFF_ECHO, "ECHO"},
}

// FlagNames renders interface flags as `ip link` does, NO-CARRIER included
// (M-DOWN, which depends on another link, is added by the records).
func FlagNames(raw uint32) []string {
	out := []string{}
	if raw&unix.IFF_UP != 0 && raw&unix.IFF_RUNNING == 0 {
		out = append(out, "NO-CARRIER")
	}
	for _, f := range flagOrder {
		if raw&f.bit != 0 {
			out = append(out, f.name)
		}
	}
	return out
}
