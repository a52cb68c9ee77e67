//go:build linux

package netconf

import (
	"errors"
	"fmt"
	"sync"

	"github.com/nsh-lua/nsh/bindings/core/osthread"
	"github.com/vishvananda/netlink"
	"golang.org/x/sys/unix"
)

// qdiscConfig names the kernel option that provides each qdisc kind Shape
// uses, for the "not supported" message.
var qdiscConfig = map[string]string{
	"tbf":   "CONFIG_NET_SCH_TBF",
	"netem": "CONFIG_NET_SCH_NETEM",
	"pfifo": "CONFIG_NET_SCHED",
}

var probes struct {
	sync.Mutex
	done map[string]error
}

// QdiscSupported reports whether the running kernel provides the qdisc kind
// ("tbf", "netem" or "pfifo"): nil, or an error wrapping ErrUnsupported
// that reads "not supported by this kernel: netem (CONFIG_NET_SCH_NETEM)".
// It decides by adding one to the loopback device of a throwaway network
// namespace (made on a thread that dies afterwards) and caches the answer.
func QdiscSupported(kind string) error {
	if _, ok := qdiscConfig[kind]; !ok {
		return &detailErr{fmt.Sprintf("unknown qdisc kind %q", kind), ErrInvalid}
	}
	probes.Lock()
	defer probes.Unlock()
	if err, ok := probes.done[kind]; ok {
		return err
	}
	var err error
	osthread.Run(func() { err = probeQdisc(kind) })
	if err == nil || errors.Is(err, ErrUnsupported) {
		if probes.done == nil {
			probes.done = map[string]error{}
		}
		probes.done[kind] = err // a definite answer; others are retried
	}
	return err
}

// probeQdisc runs on a throwaway locked thread: it moves the thread into a
// new network namespace, which dies with the thread.
func probeQdisc(kind string) error {
	if err := osthread.Unshare(unix.CLONE_NEWNET); err != nil {
		return fmt.Errorf("probe qdisc %s: new network namespace: %w", kind, err)
	}
	c, err := newConn()
	if err != nil {
		return fmt.Errorf("probe qdisc %s: %w", kind, err)
	}
	defer c.Close()
	lo, err := c.h.LinkByName("lo")
	if err != nil {
		return fmt.Errorf("probe qdisc %s: %w", kind, err)
	}
	for try := 0; ; try++ {
		err = c.addProbe(kind, lo.Attrs().Index)
		if !errors.Is(err, unix.EAGAIN) || try == 3 { // EAGAIN: a module was loaded
			break
		}
	}
	if errors.Is(err, unix.ENOENT) || errors.Is(err, unix.EOPNOTSUPP) {
		return unsupportedQdisc(kind)
	}
	if err != nil {
		return fmt.Errorf("probe qdisc %s: %w", kind, err)
	}
	return nil
}

// addProbe adds a small qdisc of kind at the root of link index.
func (c *Conn) addProbe(kind string, index int) error {
	a := netlink.QdiscAttrs{LinkIndex: index, Parent: netlink.HANDLE_ROOT, Handle: netlink.MakeHandle(1, 0)}
	switch kind {
	case "tbf":
		return c.h.QdiscAdd(&netlink.Tbf{QdiscAttrs: a, Rate: 125000, Buffer: 1 << 20, Limit: 10000})
	case "netem":
		return c.h.QdiscAdd(&netlink.Netem{QdiscAttrs: a, Latency: 1000, Limit: 1000})
	}
	return c.fifoReplace(index, a.Parent, a.Handle, 100)
}

// unsupportedQdisc is the error for a qdisc kind the kernel lacks.
func unsupportedQdisc(kind string) error {
	return &detailErr{fmt.Sprintf("not supported by this kernel: %s (%s)", kind, qdiscConfig[kind]), ErrUnsupported}
}
