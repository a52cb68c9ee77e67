//go:build linux

package nsfs

import (
	"fmt"

	"golang.org/x/sys/unix"
)

// Ioctl runs an ioctl_nsfs(2) request on the handle. Requests that return
// a namespace give a *Handle (the caller closes it); the others give an
// int64. arg is the pid for the pid translation requests and ignored
// otherwise. A request this kernel lacks fails with ErrNotSupported.
func (h *Handle) Ioctl(name string, arg int) (any, error) {
	req, ok := Requests[name]
	if !ok {
		return nil, fmt.Errorf("unknown ioctl_nsfs request %q", name)
	}
	if err := h.check(); err != nil {
		return nil, err
	}
	if !req.appliesTo(h.typ) {
		return nil, fmt.Errorf("%s: %s: %w (applies to %s namespaces only)", h, name, unix.EINVAL, typeList(req.Types))
	}
	switch req.Kind {
	case KindHandle:
		return h.related(req)
	case KindInt:
		v, err := ioctlRet(h.fd, req.Num, 0)
		return int64(v), h.wrap(name, err)
	case KindUID:
		v, err := ioctlU32(h.fd, req.Num)
		return int64(v), h.wrap(name, err)
	case KindU64:
		v, err := ioctlU64(h.fd, req.Num)
		return int64(v), h.wrap(name, err)
	default: // KindPID
		v, err := ioctlRet(h.fd, req.Num, uintptr(arg))
		if err == nil && v == 0 {
			err = unix.ESRCH // the kernel returns 0 for a pid not visible there
		}
		return int64(v), h.wrap(name, err)
	}
}

func (r Request) appliesTo(t Type) bool {
	if r.Types == nil {
		return true
	}
	for _, x := range r.Types {
		if x == t {
			return true
		}
	}
	return false
}

func typeList(ts []Type) string {
	s := ""
	for i, t := range ts {
		if i > 0 {
			s += ", "
		}
		s += string(t)
	}
	return s
}

func (h *Handle) check() error {
	if h.fd < 0 {
		return fmt.Errorf("%s: %w", h, ErrClosed)
	}
	return nil
}

func (h *Handle) wrap(name string, err error) error {
	if err == nil {
		return nil
	}
	return fmt.Errorf("%s: %w", h, ioctlErr(name, err))
}

func (h *Handle) related(req Request) (*Handle, error) {
	fd, err := ioctlRet(h.fd, req.Num, 0)
	if err != nil {
		return nil, h.wrap(req.Name, err)
	}
	return FromFD(fd, fmt.Sprintf("%s of %s", req.Name, h))
}

// ID returns the namespace's 64-bit id (NS_GET_ID), unique for the life of
// the system, unlike inode numbers which are reused.
func (h *Handle) ID() (uint64, error) {
	v, err := h.Ioctl("NS_GET_ID", 0)
	if err != nil {
		return 0, err
	}
	return uint64(v.(int64)), nil
}

// Owner returns the user namespace that owns this one (NS_GET_USERNS). It
// fails with EPERM at the top of the tree the caller may see.
func (h *Handle) Owner() (*Handle, error) {
	v, err := h.Ioctl("NS_GET_USERNS", 0)
	if err != nil {
		return nil, err
	}
	return v.(*Handle), nil
}

// Parent returns the parent of a pid or user namespace (NS_GET_PARENT). It
// fails with EPERM at the top of the tree the caller may see, and with
// EINVAL for the non-hierarchical types.
func (h *Handle) Parent() (*Handle, error) {
	v, err := h.Ioctl("NS_GET_PARENT", 0)
	if err != nil {
		return nil, err
	}
	return v.(*Handle), nil
}

// OwnerUID returns the uid, in the caller's user namespace, of the creator
// of a user namespace (NS_GET_OWNER_UID).
func (h *Handle) OwnerUID() (int, error) {
	v, err := h.Ioctl("NS_GET_OWNER_UID", 0)
	if err != nil {
		return -1, err
	}
	return int(v.(int64)), nil
}

// PIDFromNS translates pid, as seen inside this pid namespace, into the
// caller's pid namespace (NS_GET_PID_FROM_PIDNS). ESRCH when no such
// process is visible.
func (h *Handle) PIDFromNS(pid int) (int, error) {
	v, err := h.Ioctl("NS_GET_PID_FROM_PIDNS", pid)
	if err != nil {
		return 0, err
	}
	return int(v.(int64)), nil
}

// PIDInNS translates pid, as the caller sees it, into this pid namespace
// (NS_GET_PID_IN_PIDNS). ESRCH when the process is not in it.
func (h *Handle) PIDInNS(pid int) (int, error) {
	v, err := h.Ioctl("NS_GET_PID_IN_PIDNS", pid)
	if err != nil {
		return 0, err
	}
	return int(v.(int64)), nil
}
