//go:build linux

package netconf_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/nsh-lua/nsh/bindings/core/netconf"
)

// FuzzParseCIDR checks that ParseCIDR never panics, refuses with
// ErrInvalid, and that what it accepts prints back to an equal value.
func FuzzParseCIDR(f *testing.F) {
	for _, s := range []string{"10.0.0.1/24", "10.0.0.1", "fd00::1/64", "::", "10.0.0.300/24", "1.2.3.4/33", "/", "a/b", "::ffff:1.2.3.4/120"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		n, err := netconf.ParseCIDR("addr add", s)
		if err != nil {
			if !errors.Is(err, netconf.ErrInvalid) {
				t.Fatalf("ParseCIDR(%q) = %v, not ErrInvalid", s, err)
			}
			return
		}
		ones, bits := n.Mask.Size()
		if bits != 8*len(n.IP) || ones > bits {
			t.Fatalf("ParseCIDR(%q) = %v: mask %d/%d for a %d-byte address", s, n, ones, bits, len(n.IP))
		}
		again, err := netconf.ParseCIDR("addr add", n.String())
		if err != nil || again.String() != n.String() {
			t.Fatalf("ParseCIDR(%q) = %v, which reads back as %v, %v", s, n, again, err)
		}
	})
}

// FuzzValidLinkName checks ValidLinkName against the kernel's rules.
func FuzzValidLinkName(f *testing.F) {
	for _, s := range []string{"eth0", "", ".", "..", "a/b", "a:b", "a b", "abcdefghijklmnop", "veth-0.1"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		err := netconf.ValidLinkName("link add", s)
		bad := s == "" || len(s) > 15 || s == "." || s == ".." || strings.ContainsAny(s, "/: \t\n\r\v\f")
		if (err != nil) != bad {
			t.Fatalf("ValidLinkName(%q) = %v, want bad=%v", s, err, bad)
		}
		if err != nil && !errors.Is(err, netconf.ErrInvalid) {
			t.Fatalf("ValidLinkName(%q) = %v, not ErrInvalid", s, err)
		}
	})
}
