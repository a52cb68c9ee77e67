//go:build linux

package nsfs

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strconv"

	"golang.org/x/sys/unix"
)

// NotPinError says why a path does not hold a pinned namespace (of the
// wanted type). errors.Is(err, ErrNotPinned) holds for it, and so does
// errors.Is(err, Errno) for the errno it carries (ELOOP for a symlink,
// EISDIR for a directory, EINVAL otherwise).
type NotPinError struct {
	Path  string
	Want  Type   // the type asked for; "" for any
	Why   string // "it is a symlink", "nothing is mounted on it", …
	Hint  string // optional advice, shown in parentheses
	Errno unix.Errno
}

// Error renders "PATH: not a network namespace: it is a symlink (hint)".
func (e *NotPinError) Error() string {
	what := "not a pinned namespace"
	if e.Want != "" {
		what = "not a " + Describe(e.Want)
	}
	msg := e.Path + ": " + what + ": " + e.Why
	if e.Hint != "" {
		msg += " (" + e.Hint + ")"
	}
	return msg
}

// Is makes errors.Is(err, ErrNotPinned) hold.
func (e *NotPinError) Is(target error) bool { return target == ErrNotPinned }

// Unwrap returns the errno.
func (e *NotPinError) Unwrap() error { return e.Errno }

// Describe names a namespace type in prose: "network namespace".
func Describe(t Type) string {
	if t == Net {
		return "network namespace"
	}
	return string(t) + " namespace"
}

// pinSite is a path proven to hold a pin: dir is its directory and fd the
// nsfs file mounted on it, both opened O_PATH, so that what was checked is
// what gets unmounted.
type pinSite struct {
	path string
	dir  int
	base string
	fd   int
	typ  Type
}

func (s *pinSite) close() {
	unix.Close(s.fd)
	unix.Close(s.dir)
}

// openPinSite proves that path is a regular file, not a symlink, on which a
// namespace of type want ("" for any) is bind-mounted, as the only mount
// on it, in the calling thread's mount namespace, and that the directory
// holding it is writable, so that unmounting and unlinking will both work.
// It changes nothing. The caller keeps its thread locked until it closes
// the site: every step acts in the thread's mount namespace.
//
// same, when not nil, must be the namespace mounted there: a name reused
// for another namespace since is refused.
func openPinSite(path string, want Type, same *Handle) (*pinSite, error) {
	clean := filepath.Clean(path)
	d, base := filepath.Split(clean)
	if base == "" || base == "/" || base == "." || base == ".." {
		return nil, &NotPinError{Path: path, Want: want, Why: "it is not a file", Errno: unix.EINVAL}
	}
	if d == "" {
		d = "."
	}
	dir, err := unix.Open(d, unix.O_PATH|unix.O_DIRECTORY|unix.O_CLOEXEC, 0)
	if err != nil {
		return nil, &os.PathError{Op: "open", Path: d, Err: err}
	}
	fd, err := unix.Openat(dir, base, unix.O_PATH|unix.O_NOFOLLOW|unix.O_CLOEXEC, 0)
	if err != nil {
		unix.Close(dir)
		return nil, &os.PathError{Op: "open", Path: path, Err: err}
	}
	s := &pinSite{path: path, dir: dir, base: base, fd: fd}
	if err := s.verify(want, same); err != nil {
		s.close()
		return nil, err
	}
	return s, nil
}

// verify runs openPinSite's checks on the opened site.
func (s *pinSite) verify(want Type, same *Handle) error {
	refuse := func(errno unix.Errno, format string, args ...any) error {
		return &NotPinError{Path: s.path, Want: want, Why: fmt.Sprintf(format, args...), Errno: errno}
	}
	var stx unix.Statx_t
	if err := unix.Statx(s.fd, "", unix.AT_EMPTY_PATH|unix.AT_SYMLINK_NOFOLLOW, unix.STATX_TYPE, &stx); err != nil {
		return fmt.Errorf("stat %s: %w", s.path, err)
	}
	switch uint32(stx.Mode) & unix.S_IFMT {
	case unix.S_IFREG:
	case unix.S_IFLNK:
		e := refuse(unix.ELOOP, "it is a symlink").(*NotPinError)
		e.Hint = "symlinks are never followed"
		return e
	case unix.S_IFDIR:
		return refuse(unix.EISDIR, "it is a directory")
	default:
		return refuse(unix.EINVAL, "it is not a regular file")
	}
	mountRoot := stx.Attributes_mask&unix.STATX_ATTR_MOUNT_ROOT != 0 && stx.Attributes&unix.STATX_ATTR_MOUNT_ROOT != 0
	if !mountRoot {
		return refuse(unix.EINVAL, "nothing is mounted on it")
	}
	if !isNsfs(s.fd) {
		return refuse(unix.EINVAL, "the file mounted on it is not a namespace")
	}
	typ, err := s.nsType()
	if err != nil {
		return err
	}
	s.typ = typ
	if want != "" && typ != want {
		return refuse(unix.EINVAL, "it holds a %s", Describe(typ))
	}
	if same != nil && !s.holds(same) {
		return refuse(unix.EINVAL, "it holds another %s than %s", Describe(typ), same)
	}
	if err := s.singleMount(); err != nil {
		return err
	}
	return s.writableDir()
}

// holds reports whether the namespace mounted at the site is h's.
func (s *pinSite) holds(h *Handle) bool {
	var st unix.Stat_t
	return unix.Fstat(s.fd, &st) == nil && st.Dev == h.Dev() && st.Ino == h.Inode()
}

// nsType asks the kernel the type of the namespace mounted at the site,
// through a descriptor reopened from the O_PATH one (ioctl needs a real
// open file; reopening follows no path, only the descriptor).
func (s *pinSite) nsType() (Type, error) {
	fd, err := unix.Open("/proc/self/fd/"+strconv.Itoa(s.fd), unix.O_RDONLY|unix.O_CLOEXEC, 0)
	if err != nil {
		return "", fmt.Errorf("open %s: %w", s.path, err)
	}
	defer unix.Close(fd)
	flag, err := ioctlRet(fd, NS_GET_NSTYPE, 0)
	if err != nil {
		return "", fmt.Errorf("%s: NS_GET_NSTYPE: %w", s.path, err)
	}
	typ, ok := TypeOfFlag(flag)
	if !ok {
		return "", fmt.Errorf("%s: unknown namespace flag %#x", s.path, flag)
	}
	return typ, nil
}

// singleMount checks that the pin's mount belongs to the calling thread's
// mount namespace and sits directly on the directory's file system: once
// it is gone, the name below is a plain file that unlink removes, not
// another mount that makes unlink fail with EBUSY.
func (s *pinSite) singleMount() error {
	_, parent, unique, found, err := mountIDs(s.fd)
	if err != nil {
		return fmt.Errorf("%s: mount id: %w", s.path, err)
	}
	dir, err := dirMountID(s.dir, unique)
	if err != nil {
		return fmt.Errorf("stat %s: %w", filepath.Dir(s.path), err)
	}
	switch {
	case !found:
		return &NotPinError{Path: s.path, Why: "it is mounted in another mount namespace", Errno: unix.EINVAL}
	case parent != dir:
		return &NotPinError{Path: s.path, Why: "more than one mount is stacked on it", Errno: unix.EBUSY}
	}
	return nil
}

// parentMount finds mount id in mountinfo text and returns its parent's id.
func parentMount(data []byte, id uint64) (uint64, bool) {
	want := []byte(strconv.FormatUint(id, 10) + " ")
	for len(data) > 0 {
		line := data
		if i := bytes.IndexByte(data, '\n'); i >= 0 {
			line, data = data[:i], data[i+1:]
		} else {
			data = nil
		}
		if !bytes.HasPrefix(line, want) {
			continue
		}
		f := bytes.Fields(line)
		if len(f) < 2 {
			return 0, false
		}
		p, err := strconv.ParseUint(string(f[1]), 10, 64)
		return p, err == nil
	}
	return 0, false
}

// writableDir checks that the name can be unlinked once unmounted: the
// directory is writable (EROFS on a read-only mount, EACCES or EPERM
// otherwise), checked with the caller's effective ids.
func (s *pinSite) writableDir() error {
	dir := "/proc/self/fd/" + strconv.Itoa(s.dir)
	if err := unix.Faccessat(unix.AT_FDCWD, dir, unix.W_OK|unix.X_OK, unix.AT_EACCESS); err != nil {
		return fmt.Errorf("%s: cannot remove it from %s: %w", s.path, filepath.Dir(s.path), err)
	}
	return nil
}

// remove unmounts the verified pin, through its descriptor so that no
// path is looked up again, then unlinks the name it was mounted on, if
// that name is still a regular file.
func (s *pinSite) remove() error {
	if err := unix.Unmount("/proc/self/fd/"+strconv.Itoa(s.fd), unix.MNT_DETACH); err != nil {
		return fmt.Errorf("umount %s: %w", s.path, err)
	}
	var st unix.Stat_t
	if err := unix.Fstatat(s.dir, s.base, &st, unix.AT_SYMLINK_NOFOLLOW); err != nil {
		if err == unix.ENOENT {
			return nil // removed by someone else meanwhile
		}
		return fmt.Errorf("stat %s: %w", s.path, err)
	}
	if st.Mode&unix.S_IFMT != unix.S_IFREG {
		return fmt.Errorf("unlink %s: %w (no longer a regular file)", s.path, unix.EINVAL)
	}
	if err := unix.Unlinkat(s.dir, s.base, 0); err != nil {
		return fmt.Errorf("unlink %s: %w", s.path, err)
	}
	return nil
}
