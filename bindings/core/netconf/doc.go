// Package netconf configures links, addresses and routes over netlink inside
// any network namespace, without moving a thread there for the work.
//
// A Conn holds netlink sockets opened inside one namespace (given as an open
// namespace file descriptor); every request on it acts in that namespace,
// whichever thread sends it. Names follow iproute2: LinkAdd is what
// `ip link add` does, AddrAdd `ip addr add`, RouteAdd `ip route add`.
//
// Errors lead with the operation and the object ("link add: veth0: file
// exists") and wrap the kernel's errno, so errors.Is(err, unix.EEXIST) holds;
// *Error gives the parts separately to callers that render their own message.
package netconf
