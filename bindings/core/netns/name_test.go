package netns

import (
	"errors"
	"strings"
	"testing"
)

func TestValidateName(t *testing.T) {
	tests := []struct {
		name string
		ok   bool
	}{
		{"ns1", true},
		{"lab-a.b_c", true},
		{"...", true},
		{strings.Repeat("x", MaxNameLen), true},
		{"", false},
		{".", false},
		{"..", false},
		{"a/b", false},
		{"/", false},
		{"../../etc", false},
		{"ns\x00", false},
		{strings.Repeat("x", MaxNameLen+1), false},
	}
	for _, tt := range tests {
		err := ValidateName(tt.name)
		if (err == nil) != tt.ok {
			t.Errorf("ValidateName(%q) = %v, want ok=%v", tt.name, err, tt.ok)
		}
		if err != nil && !errors.Is(err, ErrBadName) {
			t.Errorf("ValidateName(%q) = %v, does not wrap ErrBadName", tt.name, err)
		}
	}
}

func TestPath(t *testing.T) {
	if got := Path("ns1"); got != "/run/netns/ns1" {
		t.Errorf("Path(ns1) = %q", got)
	}
}

func TestSysctlPath(t *testing.T) {
	tests := []struct {
		key, want string
	}{
		{"net.ipv4.ip_forward", "/proc/sys/net/ipv4/ip_forward"},
		{"net/ipv4/conf/eth0.100/forwarding", "/proc/sys/net/ipv4/conf/eth0.100/forwarding"},
		{"net.core.somaxconn", "/proc/sys/net/core/somaxconn"},
		{"kernel.hostname", ""},
		{"net", ""},
		{"", ""},
		{"net..ipv4", ""},
		{"net/../kernel/hostname", ""},
		{"net/ipv4/../../kernel/hostname", ""},
		{"net.ipv4.", ""},
	}
	for _, tt := range tests {
		got, err := SysctlPath(tt.key)
		if tt.want == "" {
			if err == nil || !errors.Is(err, ErrBadKey) {
				t.Errorf("SysctlPath(%q) = %q, %v; want ErrBadKey", tt.key, got, err)
			}
			continue
		}
		if err != nil || got != tt.want {
			t.Errorf("SysctlPath(%q) = %q, %v; want %q", tt.key, got, err, tt.want)
		}
	}
}
