//go:build linux

package vocab

import (
	"errors"
	"fmt"
	"strings"

	"github.com/nsh-lua/nsh/bindings/core/netconf"
	"github.com/nsh-lua/nsh/bindings/core/netns"
	"golang.org/x/sys/unix"
)

// maxScan bounds how many named network namespaces a "no such device"
// hint looks into, so a host with thousands stays quick to fail.
const maxScan = 256

// netnsHaving returns the named network namespaces (as `ip netns list`
// names them) that hold a link called dev, in name order.
func netnsHaving(dev string) []string {
	names, err := netns.Names()
	if err != nil {
		return nil
	}
	var out []string
	for i, name := range names {
		if i == maxScan {
			break
		}
		if linkIn(name, dev) {
			out = append(out, name)
		}
	}
	return out
}

func linkIn(name, dev string) bool {
	h, err := netns.Get(name)
	if err != nil {
		return false
	}
	defer h.Close()
	c, err := netconf.Open(h.Fd())
	if err != nil {
		return false
	}
	defer c.Close()
	_, err = c.LinkGet(dev)
	return err == nil
}

// noDeviceHint explains a link not found in the shell's own network
// namespace: where nsh looked, and which named namespaces have it (or that
// the name is a namespace's, passed where a device belongs).
func noDeviceHint(dev string) string {
	looked := "looked in the shell's own network namespace"
	if dev == "" {
		return looked + "; pass {ns = …} to act in another"
	}
	if have := netnsHaving(dev); len(have) > 0 {
		return fmt.Sprintf("%s; netns %s %s %s: pass {ns = %s}", looked, strings.Join(have, ", "),
			map[bool]string{true: "has", false: "have"}[len(have) == 1], dev, Quote(have[0]))
	}
	if h, err := netns.Get(dev); err == nil {
		h.Close()
		return fmt.Sprintf("%s; %s is a network namespace: to act in it, pass {ns = %s}", looked, dev, Quote(dev))
	}
	return looked + "; pass {ns = …} to act in another"
}

// isNoDevice reports whether err means the link does not exist.
func isNoDevice(err error) bool {
	return errors.Is(err, unix.ENODEV)
}
