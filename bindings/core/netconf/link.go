//go:build linux

package netconf

import (
	"errors"
	"fmt"
	"net"

	"github.com/vishvananda/netlink"
	"golang.org/x/sys/unix"
)

// LinkAdd creates a link as `ip link add` does and returns its index. A
// veth peer is created directly inside the namespace s.PeerNS in the same
// request, never created here and moved. When a step after the create fails
// (enslaving to a master), the new link is deleted again, so a failed
// LinkAdd leaves nothing.
func (c *Conn) LinkAdd(s LinkSpec) (int, error) {
	if err := c.check("link add", s.Name); err != nil {
		return 0, err
	}
	const op = "link add"
	if err := checkSpecNames(op, s); err != nil {
		return 0, err
	}
	build, ok := linkBuilders[s.Type]
	if !ok {
		return 0, invalid(op, s.Name, "unknown link type %q", s.Type)
	}
	attrs, master, err := c.linkAttrs(s)
	if err != nil {
		return 0, err
	}
	l, err := build(c, s, attrs)
	if err != nil {
		return 0, err
	}
	if err := c.h.LinkAdd(l); err != nil {
		if errors.Is(err, unix.EOPNOTSUPP) {
			return 0, unsupported(op, s.Name, s.Type)
		}
		return 0, fail(op, s.Name, err)
	}
	if master != nil {
		if err := c.h.LinkSetMaster(l, master); err != nil {
			c.h.LinkDel(l)
			return 0, fail(op, s.Name, fmt.Errorf("master %s: %w", s.Master, cause(err)))
		}
	}
	return l.Attrs().Index, nil
}

// linkAttrs turns the options every type shares into netlink attributes;
// it also resolves the master, which is set after the create.
func (c *Conn) linkAttrs(s LinkSpec) (netlink.LinkAttrs, netlink.Link, error) {
	const op = "link add"
	a := netlink.NewLinkAttrs()
	a.Name = s.Name
	if err := checkMTU(op, s.Name, s.MTU); err != nil {
		return a, nil, err
	}
	a.MTU = s.MTU
	a.Group = s.Group
	if s.Up {
		a.Flags = net.FlagUp
	}
	if s.Address != "" {
		mac, err := parseMAC(op, s.Name, s.Address)
		if err != nil {
			return a, nil, err
		}
		a.HardwareAddr = mac
	}
	if s.Master == "" {
		return a, nil, nil
	}
	m, err := c.h.LinkByName(s.Master)
	if err != nil {
		return a, nil, fail(op, s.Master, err)
	}
	return a, m, nil
}

// LinkDel deletes a link as `ip link del` does; deleting one end of a veth
// pair deletes both.
func (c *Conn) LinkDel(name string) error {
	l, err := c.link("link del", name)
	if err != nil {
		return err
	}
	if err := c.h.LinkDel(l); err != nil {
		return fail("link del", name, err)
	}
	return nil
}

// link looks a link up by name for op.
func (c *Conn) link(op, name string) (netlink.Link, error) {
	if err := c.check(op, name); err != nil {
		return nil, err
	}
	if err := ValidLinkName(op, name); err != nil {
		return nil, err
	}
	l, err := c.h.LinkByName(name)
	if err != nil {
		return nil, fail(op, name, err)
	}
	return l, nil
}
