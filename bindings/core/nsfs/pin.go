//go:build linux

package nsfs

import (
	"errors"
	"fmt"
	"os"

	"github.com/nsh-lua/nsh/bindings/core/osthread"
	"golang.org/x/sys/unix"
)

// ErrNotPinned reports a path that is not an nsfs bind mount.
var ErrNotPinned = errors.New("not a pinned namespace (no nsfs bind mount there)")

// Pin keeps the handle's namespace alive without any process by bind
// mounting it on path, as `mount --bind /proc/PID/ns/net PATH` and
// `ip netns add` do. path is created as an empty file when missing; an
// existing empty regular file is used as it is, one holding data is
// refused with EEXIST (Unpin removes the file). A path that already pins a
// namespace is refused with EEXIST. The mount is made in the calling
// thread's mount namespace.
func (h *Handle) Pin(path string) error {
	if err := h.check(); err != nil {
		return err
	}
	if ok, _ := isPin(path); ok {
		return fmt.Errorf("pin %s: %s: %w (already a pinned namespace)", h, path, unix.EEXIST)
	}
	created, err := makeTarget(path)
	if err != nil {
		return fmt.Errorf("pin %s: %w", h, err)
	}
	src := fmt.Sprintf("/proc/thread-self/fd/%d", h.fd)
	if err := unix.Mount(src, path, "", unix.MS_BIND, ""); err != nil {
		if created {
			os.Remove(path)
		}
		return fmt.Errorf("pin %s: mount --bind on %s: %w", h, path, err)
	}
	return nil
}

func makeTarget(path string) (created bool, err error) {
	fd, err := unix.Open(path, unix.O_RDONLY|unix.O_CREAT|unix.O_EXCL|unix.O_CLOEXEC|unix.O_NOFOLLOW, 0o444)
	if err == nil {
		unix.Close(fd)
		return true, nil
	}
	if !errors.Is(err, unix.EEXIST) {
		return false, fmt.Errorf("create %s: %w", path, err)
	}
	var st unix.Stat_t
	if err := unix.Lstat(path, &st); err != nil {
		return false, fmt.Errorf("stat %s: %w", path, err)
	}
	if st.Mode&unix.S_IFMT != unix.S_IFREG {
		return false, fmt.Errorf("%s: %w (the target must be a regular file)", path, unix.EEXIST)
	}
	if st.Size != 0 { // Unpin removes the file: never one that holds data
		return false, fmt.Errorf("%s: %w (the target file is not empty, and unpinning removes it)", path, unix.EEXIST)
	}
	return false, nil
}

// isPin reports whether path itself (not a symlink to it, such as
// /proc/PID/ns/net) is the root of a mount of an nsfs file: a pin.
func isPin(path string) (bool, error) {
	var stx unix.Statx_t
	err := unix.Statx(unix.AT_FDCWD, path, unix.AT_SYMLINK_NOFOLLOW|unix.AT_NO_AUTOMOUNT, unix.STATX_TYPE, &stx)
	if err != nil {
		return false, err
	}
	if stx.Attributes_mask&unix.STATX_ATTR_MOUNT_ROOT == 0 || stx.Attributes&unix.STATX_ATTR_MOUNT_ROOT == 0 {
		return false, nil
	}
	var fs unix.Statfs_t
	if err := unix.Statfs(path, &fs); err != nil {
		return false, err
	}
	return fs.Type == unix.NSFS_MAGIC, nil
}

// Unpin releases a namespace pinned at path: a lazy unmount, then the
// file is removed. It first proves that path is a regular file (never a
// symlink) with a namespace bind-mounted on it, and that both steps will
// work; otherwise it refuses with a *NotPinError or the errno, changing
// nothing.
func Unpin(path string) error {
	if err := RemovePin(path, "", nil); err != nil {
		return fmt.Errorf("unpin: %w", err)
	}
	return nil
}

// RemovePin is Unpin for callers that name the operation themselves, with
// two more conditions: the namespace pinned must be of type want ("" for
// any) and, when same is not nil, same's namespace. The mount is removed
// from the calling thread's mount namespace.
func RemovePin(path string, want Type, same *Handle) (err error) {
	osthread.Pin(func() { // every step in one mount namespace
		var s *pinSite
		if s, err = openPinSite(path, want, same); err != nil {
			return
		}
		defer s.close()
		err = s.remove()
	})
	return err
}

// PinPID pins the namespace of type t of process pid at path.
func PinPID(pid int, t Type, path string) error {
	h, err := OpenPID(pid, t)
	if err != nil {
		return err
	}
	defer h.Close()
	return h.Pin(path)
}
