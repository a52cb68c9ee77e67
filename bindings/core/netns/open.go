//go:build linux

package netns

import (
	"errors"

	"github.com/nsh-lua/nsh/bindings/core/nsfs"
	"golang.org/x/sys/unix"
)

// ErrSymlink is wrapped by the error of every read of a name whose file in
// /run/netns is a symlink: nsh never follows one there, since it could
// point anywhere. errors.Is(err, unix.ELOOP) holds too.
var ErrSymlink = errors.New("is a symlink")

// SymlinkHint is said wherever a symlink in /run/netns is refused.
const SymlinkHint = "nsh never follows symlinks in " + Dir

// ErrNotNetns is wrapped when /run/netns/NAME holds something other than
// a network namespace.
var ErrNotNetns = errors.New("not a network namespace")

type symlinkErr struct{ path string }

func (e symlinkErr) Error() string { return e.path + " is a symlink: " + SymlinkHint }

func (e symlinkErr) Is(target error) bool { return target == ErrSymlink }

func (e symlinkErr) Unwrap() error { return unix.ELOOP }

// notNetns renders "not a network namespace: WHY" and wraps ErrNotNetns
// and EINVAL.
type notNetns struct{ why string }

func (e notNetns) Error() string { return ErrNotNetns.Error() + ": " + e.why }

func (e notNetns) Is(target error) bool { return target == ErrNotNetns }

func (e notNetns) Unwrap() error { return unix.EINVAL }

// openFile opens /run/netns/NAME read-only without following a symlink,
// and returns the descriptor; the caller closes it.
func openFile(name string) (int, error) {
	path := Path(name)
	fd, err := unix.Open(path, unix.O_RDONLY|unix.O_NOFOLLOW|unix.O_CLOEXEC, 0)
	if errors.Is(err, unix.ELOOP) && isSymlink(path) {
		return -1, symlinkErr{path}
	}
	return fd, err
}

func isSymlink(path string) bool {
	var st unix.Stat_t
	return unix.Lstat(path, &st) == nil && st.Mode&unix.S_IFMT == unix.S_IFLNK
}

// Open opens the named network namespace as a handle, never following a
// symlink in /run/netns, and refusing a file that holds no network
// namespace. Errors name no operation (Get does), and wrap the errno
// (ENOENT for a missing name), ErrSymlink or ErrNotNetns.
func Open(name string) (*nsfs.Handle, error) {
	if err := ValidateName(name); err != nil {
		return nil, err
	}
	fd, err := openFile(name)
	if err != nil {
		return nil, err
	}
	h, err := nsfs.FromFD(fd, Path(name))
	if err != nil {
		unix.Close(fd)
		if errors.Is(err, nsfs.ErrNotNamespace) {
			return nil, notNetns{Path(name) + " holds no namespace"}
		}
		return nil, err
	}
	if h.Type() != nsfs.Net {
		h.Close()
		return nil, notNetns{Path(name) + " holds a " + nsfs.Describe(h.Type())}
	}
	return h, nil
}

// sameFile reports whether the file at /run/netns/NAME, not following a
// symlink, is the namespace want.
func sameFile(name string, want *unix.Stat_t) bool {
	var st unix.Stat_t
	return unix.Lstat(Path(name), &st) == nil && st.Dev == want.Dev && st.Ino == want.Ino
}
