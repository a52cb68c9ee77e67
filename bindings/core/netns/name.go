package netns

import (
	"errors"
	"fmt"
	"strings"
)

// Dir is where named network namespaces live, as iproute2 keeps them
// (NETNS_RUN_DIR).
const Dir = "/run/netns"

// EtcDir holds per-namespace configuration that `ip netns exec` binds over
// /etc (NETNS_ETC_DIR).
const EtcDir = "/etc/netns"

// MaxNameLen bounds a name: it is one path component (NAME_MAX).
const MaxNameLen = 255

// ErrBadName is wrapped by every error ValidateName returns.
var ErrBadName = errors.New("invalid netns name")

// ValidateName checks name against iproute2's rules for a netns name: not
// empty, no '/', not "." or "..", at most MaxNameLen bytes, and no NUL byte.
// It touches nothing.
func ValidateName(name string) error {
	switch {
	case name == "":
		return fmt.Errorf("%w: empty", ErrBadName)
	case name == "." || name == "..":
		return fmt.Errorf("%w: %q is not allowed", ErrBadName, name)
	case strings.ContainsRune(name, '/'):
		return fmt.Errorf("%w: %q contains '/'", ErrBadName, name)
	case strings.ContainsRune(name, 0):
		return fmt.Errorf("%w: %q contains a NUL byte", ErrBadName, name)
	case len(name) > MaxNameLen:
		return fmt.Errorf("%w: longer than %d bytes", ErrBadName, MaxNameLen)
	}
	return nil
}

// Path returns the file that pins the named namespace, /run/netns/NAME. It
// does not validate name: call ValidateName first.
func Path(name string) string {
	return Dir + "/" + name
}
