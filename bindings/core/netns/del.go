//go:build linux

package netns

import (
	"errors"
	"os"
	"strings"

	"github.com/nsh-lua/nsh/bindings/core/nsfs"
	"golang.org/x/sys/unix"
)

// Del removes the named namespace as `ip netns del NAME` does: a lazy
// unmount of /run/netns/NAME, then unlink. The namespace itself lives on
// while a process, an open handle or another mount still holds it.
//
// Before changing anything Del proves that /run/netns/NAME is a regular
// file, not a symlink, with a network namespace bind-mounted on it, and
// that the name can be unlinked afterwards (the directory is writable);
// otherwise it refuses, "not a network namespace" or the errno, and
// nothing changes.
func Del(name string) error {
	return del(name, nil)
}

// DelSame removes the named namespace as Del does, only if it still is
// h's namespace: a name deleted and made again by someone else since is
// refused, and left alone.
func DelSame(name string, h *nsfs.Handle) error {
	return del(name, h)
}

func del(name string, same *nsfs.Handle) error {
	if err := ValidateName(name); err != nil {
		return fail("del", name, err)
	}
	if err := nsfs.RemovePin(Path(name), nsfs.Net, same); err != nil {
		var np *nsfs.NotPinError
		if errors.As(err, &np) && np.Errno == unix.ELOOP {
			np.Hint = SymlinkHint
		}
		return fail("del", name, pathCause(err))
	}
	return nil
}

// DelAll removes every named namespace whose name starts with prefix
// ("": all of them, as `ip -all netns del` does) and returns the names
// removed. Each name is checked as Del checks it: one that is not a
// network namespace (a symlink, a directory, a plain file) is left alone
// and reported. It goes on past a failure; the error joins every failure.
func DelAll(prefix string) ([]string, error) {
	names, err := Names()
	if err != nil {
		return nil, err
	}
	var done []string
	var errs []error
	for _, n := range names {
		if !strings.HasPrefix(n, prefix) {
			continue
		}
		if err := Del(n); err != nil {
			if !errors.Is(err, unix.ENOENT) { // gone meanwhile
				errs = append(errs, err)
			}
			continue
		}
		done = append(done, n)
	}
	return done, errors.Join(errs...)
}

// Names returns the names in /run/netns, sorted; none when the directory
// does not exist.
func Names() ([]string, error) {
	entries, err := os.ReadDir(Dir)
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fail("list", Dir, pathCause(err))
	}
	out := make([]string, 0, len(entries))
	for _, e := range entries {
		out = append(out, e.Name())
	}
	return out, nil
}

// pathCause strips the *os.PathError around a syscall error: the name is
// already said by the caller.
func pathCause(err error) error {
	var pe *os.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}
