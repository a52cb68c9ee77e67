//go:build linux

package netconf

import (
	"github.com/vishvananda/netlink"
)

// LinkChange lists what LinkSet changes; zero fields are left alone.
type LinkChange struct {
	Up       *bool   // bring up (true) or down (false)
	MTU      int     // new MTU
	Master   string  // bridge or bond to enslave to
	NoMaster bool    // release from its master
	Name     string  // new name
	Address  string  // new MAC address
	Group    *uint32 // new device group
	MoveTo   int     // namespace fd to move the link into; 0: stay
}

// LinkSet changes a link as `ip link set` does. The steps run in an order
// that works for a running link: down first when asked, then master, MTU,
// address and name, then up, and a move to another namespace last.
func (c *Conn) LinkSet(name string, ch LinkChange) error {
	const op = "link set"
	l, err := c.link(op, name)
	if err != nil {
		return err
	}
	steps, err := c.setSteps(l, name, ch)
	if err != nil {
		return err
	}
	for _, step := range steps {
		if err := step(); err != nil {
			return fail(op, name, err)
		}
	}
	return nil
}

func (c *Conn) setSteps(l netlink.Link, name string, ch LinkChange) ([]func() error, error) {
	const op = "link set"
	var steps []func() error
	add := func(f func() error) { steps = append(steps, f) }
	if ch.Up != nil && !*ch.Up {
		add(func() error { return c.h.LinkSetDown(l) })
	}
	if ch.NoMaster && ch.Master != "" {
		return nil, invalid(op, name, "master and nomaster together")
	}
	if ch.NoMaster {
		add(func() error { return c.h.LinkSetNoMaster(l) })
	}
	if ch.Master != "" {
		m, err := c.link(op, ch.Master)
		if err != nil {
			return nil, err
		}
		add(func() error { return c.h.LinkSetMaster(l, m) })
	}
	if err := checkMTU(op, name, ch.MTU); err != nil {
		return nil, err
	}
	if ch.MTU > 0 {
		add(func() error { return c.h.LinkSetMTU(l, ch.MTU) })
	}
	if ch.Address != "" {
		mac, err := parseMAC(op, name, ch.Address)
		if err != nil {
			return nil, err
		}
		add(func() error { return c.h.LinkSetHardwareAddr(l, mac) })
	}
	if ch.Group != nil {
		add(func() error { return c.h.LinkSetGroup(l, int(*ch.Group)) })
	}
	if ch.Name != "" && ch.Name != name {
		if err := ValidLinkName(op, ch.Name); err != nil {
			return nil, err
		}
		add(func() error { return c.h.LinkSetName(l, ch.Name) })
	}
	if ch.Up != nil && *ch.Up {
		add(func() error { return c.h.LinkSetUp(l) })
	}
	if ch.MoveTo > 0 {
		add(func() error { return c.h.LinkSetNsFd(l, ch.MoveTo) })
	}
	return steps, nil
}
