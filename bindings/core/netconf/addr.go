//go:build linux

package netconf

import (
	"net"
	"strings"

	"github.com/vishvananda/netlink"
	"golang.org/x/sys/unix"
)

// Addr is an address of a link, as `ip -j addr show` reports it.
type Addr struct {
	Dev     string // the link's name
	Index   int    // the link's ifindex
	Family  string // "inet" or "inet6"
	Address string // "10.0.0.1/24"
	Scope   string // "global", "link", "host", …
}

// ParseCIDR parses "10.0.0.1/24" or "fd00::1/64", keeping the host part; a
// bare address means a host prefix (/32 or /128), as `ip addr add` takes it.
func ParseCIDR(op, s string) (*net.IPNet, error) {
	if !strings.Contains(s, "/") {
		ip := net.ParseIP(s)
		if ip == nil {
			return nil, invalid(op, s, "invalid address %q", s)
		}
		bits := 128
		if !strings.Contains(s, ":") {
			ip, bits = ip.To4(), 32
		}
		return &net.IPNet{IP: ip, Mask: net.CIDRMask(bits, bits)}, nil
	}
	ip, n, err := net.ParseCIDR(s)
	if err != nil {
		return nil, invalid(op, s, "invalid address %q: want ADDRESS/PREFIX such as 10.0.0.1/24", s)
	}
	if len(n.Mask) == net.IPv4len {
		ip = ip.To4() // an IPv4 prefix; "::ffff:a.b.c.d/n" stays IPv6
	}
	return &net.IPNet{IP: ip, Mask: n.Mask}, nil
}

// AddrAdd adds an address to a link as `ip addr add CIDR dev DEV` does.
func (c *Conn) AddrAdd(dev, cidr string) error {
	return c.addrChange("addr add", dev, cidr, c.h.AddrAdd)
}

// AddrDel removes an address from a link as `ip addr del CIDR dev DEV` does.
func (c *Conn) AddrDel(dev, cidr string) error {
	return c.addrChange("addr del", dev, cidr, c.h.AddrDel)
}

func (c *Conn) addrChange(op, dev, cidr string, do func(netlink.Link, *netlink.Addr) error) error {
	ipnet, err := ParseCIDR(op, cidr)
	if err != nil {
		return err
	}
	l, err := c.link(op, dev)
	if err != nil {
		return err
	}
	if err := do(l, &netlink.Addr{IPNet: ipnet}); err != nil {
		return fail(op, dev, err)
	}
	return nil
}

// AddrList reports the IPv4 and IPv6 addresses of dev, or of every link
// when dev is "", as `ip addr show [dev DEV]` does.
func (c *Conn) AddrList(dev string) ([]Addr, error) {
	if err := c.check("addr show", dev); err != nil {
		return nil, err
	}
	var filter netlink.Link
	if dev != "" {
		l, err := c.link("addr show", dev)
		if err != nil {
			return nil, err
		}
		filter = l
	}
	as, err := dump(func() ([]netlink.Addr, error) { return c.h.AddrList(filter, unix.AF_UNSPEC) })
	if err != nil {
		return nil, fail("addr show", dev, err)
	}
	names, err := c.linkNames()
	if err != nil {
		return nil, err
	}
	out := make([]Addr, 0, len(as))
	for _, a := range as {
		out = append(out, addrRecord(a, names))
	}
	return out, nil
}

func addrRecord(a netlink.Addr, names map[int]string) Addr {
	fam := "inet"
	if a.IP.To4() == nil {
		fam = "inet6"
	}
	return Addr{
		Dev:     names[a.LinkIndex],
		Index:   a.LinkIndex,
		Family:  fam,
		Address: a.IPNet.String(),
		Scope:   scopeName(netlink.Scope(a.Scope)),
	}
}

// linkNames maps ifindex to name for the whole namespace.
func (c *Conn) linkNames() (map[int]string, error) {
	ls, err := dump(c.h.LinkList)
	if err != nil {
		return nil, fail("link show", "", err)
	}
	names := make(map[int]string, len(ls))
	for _, l := range ls {
		names[l.Attrs().Index] = l.Attrs().Name
	}
	return names, nil
}

func scopeName(s netlink.Scope) string {
	switch s {
	case netlink.SCOPE_UNIVERSE:
		return "global"
	case netlink.SCOPE_SITE:
		return "site"
	case netlink.SCOPE_LINK:
		return "link"
	case netlink.SCOPE_HOST:
		return "host"
	case netlink.SCOPE_NOWHERE:
		return "nowhere"
	}
	return "unknown"
}
