//go:build linux

package netconf

import (
	"net"
	"sort"

	"github.com/vishvananda/netlink"
)

// LinkSpec describes a link to create, with iproute2's vocabulary. Fields a
// type does not use must be left zero.
type LinkSpec struct {
	Name    string // the link's name (required)
	Type    string // one of LinkTypes
	MTU     int    // 0: the kernel's default
	Address string // MAC address; "" lets the kernel choose
	Master  string // bridge or bond to enslave the link to
	Up      bool   // bring the link up in the create request
	Group   uint32 // device group; 0 is the default group

	// veth
	Peer   string // the peer's name (required for veth)
	PeerNS int    // namespace fd the peer is born in; -1 or 0 for this one

	// vlan, macvlan, ipvlan: the lower device; vxlan: the underlay device.
	Parent string
	ID     int    // vlan id, vxlan VNI
	Mode   string // macvlan: bridge|vepa|private|passthru|source; ipvlan: l2|l3|l3s; bond: balance-rr|active-backup|…

	// vxlan
	Remote string // unicast remote VTEP
	Local  string // local VTEP address
	Mcast  string // multicast group (`group` in iproute2)
	Port   int    // UDP destination port; 0: the kernel default (8472), iproute2 uses 4789
}

// linkBuilders makes the netlink object for each supported type.
var linkBuilders = map[string]func(c *Conn, s LinkSpec, a netlink.LinkAttrs) (netlink.Link, error){
	"veth": buildVeth,
	"bridge": func(_ *Conn, _ LinkSpec, a netlink.LinkAttrs) (netlink.Link, error) {
		return &netlink.Bridge{LinkAttrs: a}, nil
	},
	"dummy": func(_ *Conn, _ LinkSpec, a netlink.LinkAttrs) (netlink.Link, error) {
		return &netlink.Dummy{LinkAttrs: a}, nil
	},
	"ifb": func(_ *Conn, _ LinkSpec, a netlink.LinkAttrs) (netlink.Link, error) {
		return &netlink.Ifb{LinkAttrs: a}, nil
	},
	"vlan":    buildVlan,
	"vxlan":   buildVxlan,
	"macvlan": buildMacvlan,
	"ipvlan":  buildIPVlan,
	"bond":    buildBond,
}

// LinkTypes lists the link types LinkAdd knows, sorted. Whether the running
// kernel provides each is another matter: LinkAdd reports ErrUnsupported,
// and ProbeLinkType tells beforehand.
func LinkTypes() []string {
	out := make([]string, 0, len(linkBuilders))
	for t := range linkBuilders {
		out = append(out, t)
	}
	sort.Strings(out)
	return out
}

// buildVeth makes a veth; LinkAdd has checked the peer's name.
func buildVeth(_ *Conn, s LinkSpec, a netlink.LinkAttrs) (netlink.Link, error) {
	v := &netlink.Veth{LinkAttrs: a, PeerName: s.Peer, PeerTxQLen: -1}
	if s.PeerNS > 0 {
		v.PeerNamespace = netlink.NsFd(s.PeerNS)
	}
	return v, nil
}

func buildVlan(c *Conn, s LinkSpec, a netlink.LinkAttrs) (netlink.Link, error) {
	if s.ID < 1 || s.ID > 4094 {
		return nil, invalid("link add", s.Name, "vlan id %d out of range 1-4094", s.ID)
	}
	if err := c.setParent(s, &a); err != nil {
		return nil, err
	}
	return &netlink.Vlan{LinkAttrs: a, VlanId: s.ID}, nil
}

func buildVxlan(c *Conn, s LinkSpec, a netlink.LinkAttrs) (netlink.Link, error) {
	if s.ID < 0 || s.ID >= 1<<24 {
		return nil, invalid("link add", s.Name, "vxlan id %d out of range 0-16777215", s.ID)
	}
	if s.Port < 0 || s.Port > 65535 {
		return nil, invalid("link add", s.Name, "vxlan port %d out of range 0-65535", s.Port)
	}
	v := &netlink.Vxlan{LinkAttrs: a, VxlanId: s.ID, Port: s.Port, Learning: true}
	var err error
	if v.Group, err = optIP(s.Name, "remote", s.Remote); err != nil {
		return nil, err
	}
	if v.Group != nil && v.Group.IsMulticast() {
		return nil, invalid("link add", s.Name, "vxlan remote %s is a multicast address: use group", s.Remote)
	}
	if s.Mcast != "" {
		if v.Group != nil {
			return nil, invalid("link add", s.Name, "vxlan takes remote or group, not both")
		}
		if v.Group, err = optIP(s.Name, "group", s.Mcast); err != nil {
			return nil, err
		}
		if !v.Group.IsMulticast() {
			return nil, invalid("link add", s.Name, "vxlan group %s is not a multicast address", s.Mcast)
		}
		if s.Parent == "" {
			return nil, invalid("link add", s.Name, "vxlan group needs a parent (underlay) device")
		}
	}
	if v.SrcAddr, err = optIP(s.Name, "local", s.Local); err != nil {
		return nil, err
	}
	if s.Parent != "" {
		l, err := c.h.LinkByName(s.Parent)
		if err != nil {
			return nil, fail("link add", s.Parent, err)
		}
		v.VtepDevIndex = l.Attrs().Index
	}
	return v, nil
}

var macvlanModes = map[string]netlink.MacvlanMode{
	"": netlink.MACVLAN_MODE_DEFAULT, "private": netlink.MACVLAN_MODE_PRIVATE, "vepa": netlink.MACVLAN_MODE_VEPA,
	"bridge": netlink.MACVLAN_MODE_BRIDGE, "passthru": netlink.MACVLAN_MODE_PASSTHRU, "source": netlink.MACVLAN_MODE_SOURCE,
}

func buildMacvlan(c *Conn, s LinkSpec, a netlink.LinkAttrs) (netlink.Link, error) {
	mode, ok := macvlanModes[s.Mode]
	if !ok {
		return nil, invalid("link add", s.Name, "macvlan mode %q: must be one of bridge, passthru, private, source, vepa", s.Mode)
	}
	if err := c.setParent(s, &a); err != nil {
		return nil, err
	}
	return &netlink.Macvlan{LinkAttrs: a, Mode: mode}, nil
}

var ipvlanModes = map[string]netlink.IPVlanMode{
	"": netlink.IPVLAN_MODE_L3, "l2": netlink.IPVLAN_MODE_L2, "l3": netlink.IPVLAN_MODE_L3, "l3s": netlink.IPVLAN_MODE_L3S,
}

func buildIPVlan(c *Conn, s LinkSpec, a netlink.LinkAttrs) (netlink.Link, error) {
	mode, ok := ipvlanModes[s.Mode]
	if !ok {
		return nil, invalid("link add", s.Name, "ipvlan mode %q: must be one of l2, l3, l3s", s.Mode)
	}
	if err := c.setParent(s, &a); err != nil {
		return nil, err
	}
	return &netlink.IPVlan{LinkAttrs: a, Mode: mode}, nil
}

func buildBond(_ *Conn, s LinkSpec, a netlink.LinkAttrs) (netlink.Link, error) {
	b := netlink.NewLinkBond(a)
	if s.Mode != "" {
		mode := netlink.StringToBondMode(s.Mode)
		if mode == netlink.BOND_MODE_UNKNOWN {
			return nil, invalid("link add", s.Name, "bond mode %q unknown", s.Mode)
		}
		b.Mode = mode
	}
	return b, nil
}

// setParent resolves the lower device of a stacked link.
func (c *Conn) setParent(s LinkSpec, a *netlink.LinkAttrs) error {
	if s.Parent == "" {
		return invalid("link add", s.Name, "%s needs a parent device", s.Type)
	}
	l, err := c.h.LinkByName(s.Parent)
	if err != nil {
		return fail("link add", s.Parent, err)
	}
	a.ParentIndex = l.Attrs().Index
	return nil
}

func optIP(name, what, s string) (net.IP, error) {
	if s == "" {
		return nil, nil
	}
	ip := net.ParseIP(s)
	if ip == nil {
		return nil, invalid("link add", name, "%s: invalid IP address %q", what, s)
	}
	return ip, nil
}
