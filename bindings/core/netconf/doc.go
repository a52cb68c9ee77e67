// Package netconf configures links, addresses and routes over netlink inside
// any network namespace, without moving a thread there for the work.
//
// A Conn holds netlink sockets opened inside one namespace (given as an open
// namespace file descriptor); every request on it acts in that namespace,
// whichever thread sends it. Names follow iproute2: LinkAdd is what
// `ip link add` does, AddrAdd `ip addr add`, RouteAdd `ip route add`.
//
// Shaped links: ShapeSet, ShapeGet and ShapeDel set, read back and remove a
// link's egress shaping (rate, burst, delay, jitter, loss, duplication,
// reordering, queue limit) with the tbf, netem and pfifo qdiscs, as
// `tc qdisc replace` would; ParseRate, ParseTime, ParseSize and
// ParsePercent read values as tc writes them. QdiscSupported probes the
// kernel for a qdisc kind.
//
// Lab ledgers: a Ledger records what a lab build made so that Teardown
// removes exactly that. CreateLedger keeps it on disk as well (LedgerDir,
// one JSON file per lab, written atomically before and after every step),
// ListLedgers lists the labs on disk, and LoadLedger reads one back to tear
// it down from another process, after a kill -9 of the one that built it.
//
// Errors lead with the operation and the object ("link add: veth0: file
// exists") and wrap the kernel's errno, so errors.Is(err, unix.EEXIST) holds;
// *Error gives the parts separately to callers that render their own message.
package netconf
