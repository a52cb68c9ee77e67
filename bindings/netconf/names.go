//go:build linux

package netconf

import (
	"strings"

	"golang.org/x/sys/unix"
)

// ValidLinkName checks a name against the kernel's rules for interface names:
// 1 to 15 bytes, not "." or "..", no '/', ':' or white space.
func ValidLinkName(op, name string) error {
	switch {
	case name == "":
		return invalid(op, name, "empty link name")
	case len(name) >= unix.IFNAMSIZ:
		return invalid(op, name, "link name longer than %d bytes", unix.IFNAMSIZ-1)
	case name == "." || name == "..":
		return invalid(op, name, "link name %q is reserved", name)
	case strings.ContainsAny(name, "/: \t\n\r\v\f"):
		return invalid(op, name, "link name %q contains '/', ':' or white space", name)
	}
	return nil
}
