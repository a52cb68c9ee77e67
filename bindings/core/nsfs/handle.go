//go:build linux

package nsfs

import (
	"errors"
	"fmt"
	"os"

	"golang.org/x/sys/unix"
)

// Handle is an open namespace file. While it is open the namespace stays
// alive, as namespaces(7) says of any open file descriptor of one.
type Handle struct {
	fd   int
	typ  Type
	dev  uint64
	ino  uint64
	path string
	// onClose holds what must be released with the handle (a netlink
	// connection opened inside the namespace), run before the fd closes.
	onClose []func()
}

// ErrNotNamespace reports a path that is not a namespace file.
var ErrNotNamespace = errors.New("not a namespace file")

// ErrClosed reports use of a closed handle.
var ErrClosed = errors.New("handle is closed")

// Open opens a namespace file: /proc/PID/ns/X, a bind mount of one such as
// /run/netns/NAME, or any file another tool pinned. The type comes from
// NS_GET_NSTYPE.
func Open(path string) (*Handle, error) {
	fd, err := unix.Open(path, unix.O_RDONLY|unix.O_CLOEXEC, 0)
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	h, err := FromFD(fd, path)
	if err != nil {
		unix.Close(fd)
		return nil, err
	}
	return h, nil
}

// FromFD makes a handle that owns fd, an open namespace file; path says
// where it came from (for messages only).
func FromFD(fd int, path string) (*Handle, error) {
	var st unix.Stat_t
	if err := unix.Fstat(fd, &st); err != nil {
		return nil, fmt.Errorf("stat %s: %w", path, err)
	}
	if !isNsfs(fd) {
		return nil, fmt.Errorf("%s: %w", path, ErrNotNamespace)
	}
	flag, err := unix.IoctlRetInt(fd, unix.NS_GET_NSTYPE)
	if err != nil {
		return nil, fmt.Errorf("%s: NS_GET_NSTYPE: %w", path, err)
	}
	typ, ok := TypeOfFlag(flag)
	if !ok {
		return nil, fmt.Errorf("%s: unknown namespace flag %#x", path, flag)
	}
	return &Handle{fd: fd, typ: typ, dev: st.Dev, ino: st.Ino, path: path}, nil
}

// FromKnownFD wraps fd, which the caller just opened from a /proc/…/ns
// link of type t (so it is a namespace of that type), as a handle named
// path, with one fstat where FromFD checks what fd is. The handle owns fd.
func FromKnownFD(fd int, t Type, path string) (*Handle, error) {
	var st unix.Stat_t
	if err := unix.Fstat(fd, &st); err != nil {
		return nil, fmt.Errorf("stat %s: %w", path, err)
	}
	return &Handle{fd: fd, typ: t, dev: st.Dev, ino: st.Ino, path: path}, nil
}

func isNsfs(fd int) bool {
	var fs unix.Statfs_t
	return unix.Fstatfs(fd, &fs) == nil && fs.Type == unix.NSFS_MAGIC
}

// OpenPID opens the namespace of type t of process pid (0: this thread).
// A process that does not exist fails with ESRCH.
func OpenPID(pid int, t Type) (*Handle, error) {
	return OpenPIDLink(pid, string(t))
}

// OpenPIDLink opens the link name of /proc/PID/ns (0: this thread): a type
// name, "pid_for_children" or "time_for_children".
func OpenPIDLink(pid int, name string) (*Handle, error) {
	h, err := Open(nsDir(pid) + "/" + name)
	if pid != 0 && errors.Is(err, unix.ENOENT) && !processExists(pid) {
		return nil, fmt.Errorf("pid %d: %w", pid, unix.ESRCH)
	}
	return h, err
}

// Fd returns the descriptor, or -1 after Close.
func (h *Handle) Fd() int { return h.fd }

// Type returns the namespace type.
func (h *Handle) Type() Type { return h.typ }

// Inode returns the namespace's inode number, its identity within nsfs.
func (h *Handle) Inode() uint64 { return h.ino }

// Dev returns the device of the nsfs file system.
func (h *Handle) Dev() uint64 { return h.dev }

// Path returns the path the handle was opened from.
func (h *Handle) Path() string { return h.path }

// Closed reports whether Close was called.
func (h *Handle) Closed() bool { return h.fd < 0 }

// Same reports whether two handles refer to the same namespace.
func (h *Handle) Same(o *Handle) bool { return h.dev == o.dev && h.ino == o.ino }

// String reads like the kernel's link text: "net:[4026531833]".
func (h *Handle) String() string { return fmt.Sprintf("%s:[%d]", h.typ, h.ino) }

// Close releases the descriptor; the namespace may then be destroyed if
// nothing else holds it. Closing twice is harmless.
func (h *Handle) Close() error {
	if h.fd < 0 {
		return nil
	}
	for i := len(h.onClose) - 1; i >= 0; i-- {
		h.onClose[i]()
	}
	h.onClose = nil
	err := unix.Close(h.fd)
	h.fd = -1
	return err
}

// OnClose registers fn to run when the handle closes, before its
// descriptor does: what was opened through the handle is released with it.
func (h *Handle) OnClose(fn func()) { h.onClose = append(h.onClose, fn) }

// File returns an *os.File duplicating the descriptor, for passing to a
// child; the caller closes it.
func (h *Handle) File() (*os.File, error) {
	if h.fd < 0 {
		return nil, ErrClosed
	}
	fd, err := unix.FcntlInt(uintptr(h.fd), unix.F_DUPFD_CLOEXEC, 0)
	if err != nil {
		return nil, fmt.Errorf("dup %s: %w", h, err)
	}
	return os.NewFile(uintptr(fd), h.path), nil
}
