//go:build linux

package netconf

import (
	"errors"
	"fmt"

	"github.com/vishvananda/netlink"
	"golang.org/x/sys/unix"
)

// Error is a failed netconf operation: Op is the iproute2-style verb ("link
// add"), Name the object acted on (a link name, an address, a route), Err the
// cause, usually wrapping a unix.Errno.
type Error struct {
	Op   string
	Name string
	Err  error
}

// Error renders "op: name: cause".
func (e *Error) Error() string {
	if e.Name == "" {
		return e.Op + ": " + e.Err.Error()
	}
	return e.Op + ": " + e.Name + ": " + e.Err.Error()
}

// Unwrap returns the cause.
func (e *Error) Unwrap() error { return e.Err }

// ErrInvalid marks input that netconf refuses before asking the kernel
// (a malformed name, address or option); it wraps unix.EINVAL.
var ErrInvalid = fmt.Errorf("invalid argument: %w", unix.EINVAL)

// ErrUnsupported marks a link type the running kernel does not provide; it
// wraps unix.EOPNOTSUPP.
var ErrUnsupported = fmt.Errorf("not supported by this kernel: %w", unix.EOPNOTSUPP)

func fail(op, name string, err error) error {
	return &Error{Op: op, Name: name, Err: cause(err)}
}

func invalid(op, name, format string, args ...any) error {
	return &Error{Op: op, Name: name, Err: &detailErr{fmt.Sprintf(format, args...), ErrInvalid}}
}

// detailErr is a message that wraps a sentinel without repeating its text.
type detailErr struct {
	msg string
	err error
}

func (d *detailErr) Error() string { return d.msg }
func (d *detailErr) Unwrap() error { return d.err }

// cause turns netlink's own error values into the errnos they stand for.
func cause(err error) error {
	var nf netlink.LinkNotFoundError
	if errors.As(err, &nf) {
		return unix.ENODEV
	}
	return err
}
