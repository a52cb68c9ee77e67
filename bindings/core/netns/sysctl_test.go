//go:build linux

package netns_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/nsh-lua/nsh/bindings/core/netns"
	"github.com/nsh-lua/nsh/bindings/testutil"
	"golang.org/x/sys/unix"
)

const fwd = "net.ipv4.ip_forward"

// TestSysctlIsolated: a write through SetSysctl lands in the target
// namespace only, as `ip netns exec NAME sysctl` sees it, and a write made
// by `ip netns exec … sysctl -w` is what Sysctl reads.
func TestSysctlIsolated(t *testing.T) {
	a, ha := addNS(t)
	b, hb := addNS(t)
	host, err := netns.Sysctl(nil, fwd)
	if err != nil {
		t.Fatal(err)
	}
	old, err := netns.SetSysctl(ha, fwd, "1")
	if err != nil || old != "0" {
		t.Fatalf("SetSysctl(%s, 1) = %q, %v; want old 0", a, old, err)
	}
	if got := ipSysctl(t, a, fwd); got != "1" {
		t.Fatalf("ip netns exec %s sysctl: %s = %q, want 1", a, fwd, got)
	}
	if got := ipSysctl(t, b, fwd); got != "0" {
		t.Fatalf("write leaked into %s: %q", b, got)
	}
	if now, _ := netns.Sysctl(nil, fwd); now != host {
		t.Fatalf("write leaked to the host: %q, was %q", now, host)
	}

	const key = "net.ipv4.conf.lo.forwarding"
	testutil.Cmd(t, "ip", "netns", "exec", b, "sysctl", "-q", "-w", key+"=1")
	if got, err := netns.Sysctl(hb, key); err != nil || got != "1" {
		t.Fatalf("Sysctl(%s, %s) = %q, %v; want 1", b, key, got, err)
	}
	if got, err := netns.Sysctl(ha, "net/ipv4/conf/lo/forwarding"); err != nil || got != ipSysctl(t, a, key) {
		t.Fatalf("Sysctl(%s, slash key) = %q, %v", a, got, err)
	}
}

// TestSysctlErrors: unknown keys, keys outside net and closed handles fail
// clearly.
func TestSysctlErrors(t *testing.T) {
	_, h := addNS(t)
	if _, err := netns.Sysctl(h, "net.ipv4.no_such_key"); !errors.Is(err, unix.ENOENT) {
		t.Errorf("missing key: %v, want ENOENT", err)
	}
	if _, err := netns.SetSysctl(h, "kernel.hostname", "x"); !errors.Is(err, netns.ErrBadKey) {
		t.Errorf("kernel.hostname: %v, want ErrBadKey", err)
	}
	if _, err := netns.SetSysctl(h, fwd, "banana"); !errors.Is(err, unix.EINVAL) {
		t.Errorf("bad value: %v, want EINVAL", err)
	}
}

func ipSysctl(t *testing.T, name, key string) string {
	t.Helper()
	return strings.TrimSpace(testutil.Cmd(t, "ip", "netns", "exec", name, "sysctl", "-n", key))
}

// TestSysctlWriteOnly: a write-only key is written without a read, and
// reading it fails with EACCES as sysctl(8) reports.
func TestSysctlWriteOnly(t *testing.T) {
	_, h := addNS(t)
	const flush = "net.ipv4.route.flush"
	if old, err := netns.SetSysctl(h, flush, "1"); err != nil || old != "" {
		t.Fatalf("SetSysctl(%s) = %q, %v", flush, old, err)
	}
	if _, err := netns.Sysctl(h, flush); !errors.Is(err, unix.EACCES) {
		t.Fatalf("Sysctl(%s) = %v, want EACCES", flush, err)
	}
}
