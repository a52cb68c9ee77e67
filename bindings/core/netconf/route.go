//go:build linux

package netconf

import (
	"math"
	"net"

	"github.com/vishvananda/netlink"
	"golang.org/x/sys/unix"
)

// RouteSpec describes a route with iproute2's vocabulary.
type RouteSpec struct {
	Dst    string // "10.1.0.0/24", a bare address (a host route), or "default"
	Via    string // gateway address
	Dev    string // output device
	Src    string // preferred source address
	Table  int    // 0: main
	Metric int    // metric (priority)
}

// Route is a route as `ip -j route show` reports it.
type Route struct {
	Dst      string // "default" or a prefix ("10.1.0.0/24"; a host route without "/32")
	Via      string // gateway, "" when none
	Dev      string // output device's name
	Src      string // preferred source, "" when none
	Table    int    // 254 is main
	Metric   int    // 0 when none
	Protocol string // "kernel", "boot", "static", …
	Scope    string // "global", "link", "host"
	Family   string // "inet" or "inet6"
}

// RouteAdd adds a route as `ip route add` does: a route without a gateway
// gets scope link, and the protocol is "boot", as iproute2 sets them.
func (c *Conn) RouteAdd(s RouteSpec) error {
	r, err := c.routeOf("route add", s)
	if err != nil {
		return err
	}
	if err := c.h.RouteAdd(r); err != nil {
		return fail("route add", s.Dst, err)
	}
	return nil
}

// RouteDel deletes a route as `ip route del` does.
func (c *Conn) RouteDel(s RouteSpec) error {
	r, err := c.routeOf("route del", s)
	if err != nil {
		return err
	}
	r.Protocol, r.Scope = 0, netlink.SCOPE_NOWHERE
	if err := c.h.RouteDel(r); err != nil {
		return fail("route del", s.Dst, err)
	}
	return nil
}

func (c *Conn) routeOf(op string, s RouteSpec) (*netlink.Route, error) {
	if err := c.check(op, s.Dst); err != nil {
		return nil, err
	}
	r := &netlink.Route{Table: s.Table, Priority: s.Metric, Protocol: unix.RTPROT_BOOT}
	if s.Metric < 0 || s.Table < 0 || s.Metric > math.MaxUint32 || s.Table > math.MaxUint32 {
		return nil, invalid(op, s.Dst, "metric and table must be from 0 to 4294967295")
	}
	var err error
	if r.Gw, err = routeIP(op, s.Dst, "via", s.Via); err != nil {
		return nil, err
	}
	if r.Src, err = routeIP(op, s.Dst, "src", s.Src); err != nil {
		return nil, err
	}
	if r.Dst, err = routeDst(op, s.Dst, r.Gw); err != nil {
		return nil, err
	}
	if s.Dev != "" {
		l, err := c.link(op, s.Dev)
		if err != nil {
			return nil, err
		}
		r.LinkIndex = l.Attrs().Index
	}
	if r.Gw == nil {
		r.Scope = netlink.SCOPE_LINK
	}
	return r, nil
}

// routeDst parses a destination; "default" is 0.0.0.0/0, or ::/0 when the
// gateway is an IPv6 address.
func routeDst(op, dst string, gw net.IP) (*net.IPNet, error) {
	switch dst {
	case "":
		return nil, invalid(op, dst, "route needs dst (a prefix or \"default\")")
	case "default":
		if gw != nil && gw.To4() == nil {
			return &net.IPNet{IP: net.IPv6zero, Mask: net.CIDRMask(0, 128)}, nil
		}
		return &net.IPNet{IP: net.IPv4zero.To4(), Mask: net.CIDRMask(0, 32)}, nil
	}
	n, err := ParseCIDR(op, dst)
	if err != nil {
		return nil, err
	}
	n.IP = n.IP.Mask(n.Mask)
	return n, nil
}

func routeIP(op, dst, what, s string) (net.IP, error) {
	if s == "" {
		return nil, nil
	}
	ip := net.ParseIP(s)
	if ip == nil {
		return nil, invalid(op, dst, "%s: invalid IP address %q", what, s)
	}
	if ip4 := ip.To4(); ip4 != nil {
		ip = ip4
	}
	return ip, nil
}

// RouteList reports the routes of a table (0: main) in both families,
// limited to those leaving through dev when dev is not "", as
// `ip route show [table T] [dev DEV]` does.
func (c *Conn) RouteList(table int, dev string) ([]Route, error) {
	if err := c.check("route show", dev); err != nil {
		return nil, err
	}
	if table == 0 {
		table = unix.RT_TABLE_MAIN
	}
	filter := &netlink.Route{Table: table}
	mask := netlink.RT_FILTER_TABLE
	if dev != "" {
		l, err := c.link("route show", dev)
		if err != nil {
			return nil, err
		}
		filter.LinkIndex = l.Attrs().Index
		mask |= netlink.RT_FILTER_OIF
	}
	rs, err := dump(func() ([]netlink.Route, error) { return c.h.RouteListFiltered(unix.AF_UNSPEC, filter, mask) })
	if err != nil {
		return nil, fail("route show", dev, err)
	}
	return c.routeRecords(rs)
}

// RouteGet asks the kernel which route it would use to reach dst, as
// `ip route get DST` does.
func (c *Conn) RouteGet(dst string) ([]Route, error) {
	if err := c.check("route get", dst); err != nil {
		return nil, err
	}
	ip := net.ParseIP(dst)
	if ip == nil {
		return nil, invalid("route get", dst, "invalid IP address %q", dst)
	}
	rs, err := c.h.RouteGet(ip)
	if err != nil {
		return nil, fail("route get", dst, err)
	}
	return c.routeRecords(rs)
}

func (c *Conn) routeRecords(rs []netlink.Route) ([]Route, error) {
	names, err := c.linkNames()
	if err != nil {
		return nil, err
	}
	out := make([]Route, 0, len(rs))
	for _, r := range rs {
		if r.Family == unix.AF_INET6 && r.Type != unix.RTN_UNICAST {
			continue // ip route show -6 hides multicast/local entries of main too
		}
		out = append(out, routeRecord(r, names))
	}
	return out, nil
}

func routeRecord(r netlink.Route, names map[int]string) Route {
	rec := Route{
		Dst: "default", Dev: names[r.LinkIndex], Table: r.Table, Metric: r.Priority,
		Protocol: r.Protocol.String(), Scope: scopeName(r.Scope), Family: "inet",
	}
	if r.Family == unix.AF_INET6 {
		rec.Family = "inet6"
	}
	if r.Dst != nil {
		if ones, bits := r.Dst.Mask.Size(); ones == bits {
			rec.Dst = r.Dst.IP.String()
		} else if ones > 0 || !r.Dst.IP.IsUnspecified() {
			rec.Dst = r.Dst.String()
		}
	}
	if r.Gw != nil {
		rec.Via = r.Gw.String()
	}
	if r.Src != nil {
		rec.Src = r.Src.String()
	}
	return rec
}
