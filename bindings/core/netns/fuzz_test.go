package netns

import (
	"path/filepath"
	"strings"
	"testing"
)

// FuzzValidateName: every accepted name is exactly one entry of /run/netns,
// so no accepted name can reach outside it.
func FuzzValidateName(f *testing.F) {
	for _, s := range []string{"ns1", "", ".", "..", "../../etc", "a/b", "x\x00", "...", " "} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, name string) {
		if ValidateName(name) != nil {
			return
		}
		p := Path(name)
		if filepath.Clean(p) != p || filepath.Dir(p) != Dir || filepath.Base(p) != name {
			t.Fatalf("accepted %q reaches %q", name, filepath.Clean(p))
		}
	})
}

// FuzzSysctlPath: every accepted key maps to a file under /proc/sys/net
// that needs no cleaning, so it cannot reach another sysctl.
func FuzzSysctlPath(f *testing.F) {
	for _, s := range []string{"net.ipv4.ip_forward", "net/ipv4/conf/eth0.1/forwarding", "net/../kernel", "kernel.x", "net..a", "net.a."} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, key string) {
		p, err := SysctlPath(key)
		if err != nil {
			return
		}
		if filepath.Clean(p) != p || !strings.HasPrefix(p, "/proc/sys/net/") {
			t.Fatalf("accepted %q maps to %q", key, p)
		}
	})
}
