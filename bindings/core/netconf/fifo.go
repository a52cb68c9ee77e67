//go:build linux

package netconf

import (
	"encoding/binary"
	"errors"
	"syscall"

	"github.com/vishvananda/netlink/nl"
	"golang.org/x/sys/unix"
)

// netlink.Handle sends no options for a pfifo qdisc and reads none back,
// so these two requests are built here, on the Conn's own socket.

// fifoReplace replaces (or creates) the pfifo qdisc handle under parent
// of link index with a queue of limit packets, as
// `tc qdisc replace dev X parent P handle H pfifo limit N` does.
func (c *Conn) fifoReplace(index int, parent, handle, limit uint32) error {
	req := nl.NewNetlinkRequest(unix.RTM_NEWQDISC, unix.NLM_F_CREATE|unix.NLM_F_REPLACE|unix.NLM_F_ACK)
	req.Sockets = map[int]*nl.SocketHandle{unix.NETLINK_ROUTE: c.raw}
	req.AddData(&nl.TcMsg{Family: nl.FAMILY_ALL, Ifindex: int32(index), Handle: handle, Parent: parent})
	req.AddData(nl.NewRtAttr(nl.TCA_KIND, nl.ZeroTerminated("pfifo")))
	req.AddData(nl.NewRtAttr(nl.TCA_OPTIONS, nl.Uint32Attr(limit)))
	_, err := req.Execute(unix.NETLINK_ROUTE, 0)
	return err
}

// errNoFifo reports that fifoLimit found no such pfifo qdisc.
var errNoFifo = errors.New("no such pfifo qdisc")

// fifoLimit reads the limit of the pfifo qdisc handle on link index.
func (c *Conn) fifoLimit(index int, handle uint32) (uint32, error) {
	req := nl.NewNetlinkRequest(unix.RTM_GETQDISC, unix.NLM_F_DUMP)
	req.Sockets = map[int]*nl.SocketHandle{unix.NETLINK_ROUTE: c.raw}
	req.AddData(&nl.TcMsg{Family: nl.FAMILY_ALL, Ifindex: int32(index)})
	msgs, err := req.Execute(unix.NETLINK_ROUTE, unix.RTM_NEWQDISC)
	if err != nil {
		return 0, err
	}
	for _, m := range msgs {
		msg := nl.DeserializeTcMsg(m)
		if int(msg.Ifindex) != index || msg.Handle != handle {
			continue
		}
		attrs, err := nl.ParseRouteAttr(m[msg.Len():])
		if err != nil {
			return 0, err
		}
		if limit, ok := fifoOptions(attrs); ok {
			return limit, nil
		}
	}
	return 0, errNoFifo
}

// fifoOptions returns the limit of a pfifo qdisc's attributes.
func fifoOptions(attrs []syscall.NetlinkRouteAttr) (uint32, bool) {
	kind, limit, found := "", uint32(0), false
	for _, a := range attrs {
		switch a.Attr.Type {
		case nl.TCA_KIND:
			kind = string(a.Value[:max(0, len(a.Value)-1)])
		case nl.TCA_OPTIONS:
			if len(a.Value) >= 4 {
				limit, found = binary.NativeEndian.Uint32(a.Value), true
			}
		}
	}
	return limit, found && kind == "pfifo"
}
