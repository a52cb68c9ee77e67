//go:build linux

package netconf

import (
	"math"
	"net"
	"strings"

	"golang.org/x/sys/unix"
)

// ValidLinkName checks a name against the kernel's rules for interface names:
// 1 to 15 bytes, no NUL byte (the kernel would cut the name there and act
// on another link), not "." or "..", no '/', ':' or white space. Every name
// netconf sends to the kernel passes it first.
func ValidLinkName(op, name string) error {
	switch {
	case name == "":
		return invalid(op, name, "empty link name")
	case strings.IndexByte(name, 0) >= 0:
		return invalid(op, name, "link name %q contains a NUL byte", name)
	case len(name) >= unix.IFNAMSIZ:
		return invalid(op, name, "link name longer than %d bytes", unix.IFNAMSIZ-1)
	case name == "." || name == "..":
		return invalid(op, name, "link name %q is reserved", name)
	case strings.ContainsAny(name, "/: \t\n\r\v\f"):
		return invalid(op, name, "link name %q contains '/', ':' or white space", name)
	}
	return nil
}

// checkSpecNames checks every link name a LinkSpec holds (the link, the
// veth peer, the master, the parent) before anything is asked of the
// kernel.
func checkSpecNames(op string, s LinkSpec) error {
	if err := ValidLinkName(op, s.Name); err != nil {
		return err
	}
	if s.Type == "veth" {
		if err := ValidLinkName(op, s.Peer); err != nil {
			return invalid(op, s.Name, "veth needs a valid peer name: %v", err.(*Error).Err)
		}
	}
	for _, o := range [...]struct{ what, name string }{{"master", s.Master}, {"parent", s.Parent}} {
		if o.name == "" {
			continue
		}
		if err := ValidLinkName(op, o.name); err != nil {
			return invalid(op, s.Name, "%s: %v", o.what, err.(*Error).Err)
		}
	}
	return nil
}

// checkMTU refuses an MTU that netlink's 32-bit attribute cannot carry: it
// would be cut to its low bits (2^33 becomes 0) instead of being refused.
func checkMTU(op, name string, mtu int) error {
	if mtu < 0 || mtu > math.MaxUint32 {
		return invalid(op, name, "mtu %d out of range 0-4294967295", mtu)
	}
	return nil
}

// parseMAC reads an Ethernet address, the only kind the link types here
// take: six bytes, unicast (the kernel answers a multicast one with a bare
// "cannot assign requested address").
func parseMAC(op, name, s string) (net.HardwareAddr, error) {
	mac, err := net.ParseMAC(s)
	if err != nil || len(mac) != 6 {
		return nil, invalid(op, name, "invalid MAC address %q: want six bytes such as 02:00:00:00:00:01", s)
	}
	if mac[0]&1 != 0 {
		return nil, invalid(op, name, "MAC address %q is a multicast address", s)
	}
	return mac, nil
}
