//go:build linux

package netconf

import (
	"fmt"

	"github.com/nsh-lua/nsh/bindings/core/osthread"
	"github.com/vishvananda/netlink"
	"golang.org/x/sys/unix"
)

// kernelConfig names the kernel option each link type needs, for the
// "not supported by this kernel" error.
var kernelConfig = map[string]string{
	"veth": "CONFIG_VETH", "bridge": "CONFIG_BRIDGE", "dummy": "CONFIG_DUMMY", "ifb": "CONFIG_IFB",
	"vlan": "CONFIG_VLAN_8021Q", "vxlan": "CONFIG_VXLAN", "macvlan": "CONFIG_MACVLAN",
	"ipvlan": "CONFIG_IPVLAN", "bond": "CONFIG_BONDING",
}

// unsupported is the error of a link type the kernel does not provide:
// "not supported by this kernel: dummy (CONFIG_DUMMY)", wrapping
// ErrUnsupported and EOPNOTSUPP.
func unsupported(op, name, typ string) error {
	return &Error{Op: op, Name: name, Err: &detailErr{
		fmt.Sprintf("not supported by this kernel: %s (%s)", typ, kernelConfig[typ]), ErrUnsupported}}
}

// probeSpecs are the least a link of each type needs, with "probe-p" a
// veth to stand on.
var probeSpecs = map[string]LinkSpec{
	"veth":    {Peer: "probe-q"},
	"vlan":    {Parent: "probe-p", ID: 1},
	"macvlan": {Parent: "probe-p"},
	"ipvlan":  {Parent: "probe-p"},
	"vxlan":   {ID: 1},
}

// ProbeLinkType reports whether the running kernel can create links of
// type typ (one of LinkTypes): it creates one, in a network namespace
// made for the probe on a throwaway thread, which both die at once. The
// kernel loads a module it needs on the way, as for a real request. It
// returns nil when the type works, the ErrUnsupported error LinkAdd would
// give when it does not, and another error when the probe itself failed.
func ProbeLinkType(typ string) error {
	if _, ok := linkBuilders[typ]; !ok {
		return invalid("link probe", typ, "unknown link type %q", typ)
	}
	errc := make(chan error, 1)
	osthread.Go(func() { errc <- probeHere(typ) }) // exits locked: thread and namespace die
	return <-errc
}

// probeHere moves the calling throwaway thread into a new network
// namespace and creates a link of type typ there.
func probeHere(typ string) error {
	if err := osthread.Unshare(unix.CLONE_NEWNET); err != nil {
		return fmt.Errorf("link probe: unshare CLONE_NEWNET: %w", err)
	}
	h, err := netlink.NewHandle(unix.NETLINK_ROUTE)
	if err != nil {
		return fmt.Errorf("link probe: netlink socket: %w", err)
	}
	c := &Conn{h: h}
	defer c.Close()
	if _, err := c.LinkAdd(LinkSpec{Name: "probe-p", Type: "veth", Peer: "probe-pp"}); err != nil {
		return err
	}
	s := probeSpecs[typ]
	s.Name, s.Type = "probe0", typ
	_, err = c.LinkAdd(s)
	return err
}
