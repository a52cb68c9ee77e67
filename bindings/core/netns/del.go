//go:build linux

package netns

import (
	"errors"
	"os"
	"strings"

	"golang.org/x/sys/unix"
)

// Del removes the named namespace as `ip netns del NAME` does: a lazy
// unmount of /run/netns/NAME, then unlink. The namespace itself lives on
// while a process, an open handle or another mount still holds it.
func Del(name string) error {
	if err := ValidateName(name); err != nil {
		return fail("del", name, err)
	}
	path := Path(name)
	unix.Unmount(path, unix.MNT_DETACH) // not mounted is fine: unlink decides
	if err := unix.Unlink(path); err != nil {
		return fail("del", name, err)
	}
	return nil
}

// DelAll removes every named namespace whose name starts with prefix
// ("": all of them, as `ip -all netns del` does) and returns the names
// removed. It goes on past a failure and returns the first error.
func DelAll(prefix string) ([]string, error) {
	names, err := Names()
	if err != nil {
		return nil, err
	}
	var done []string
	var first error
	for _, n := range names {
		if !strings.HasPrefix(n, prefix) {
			continue
		}
		if err := Del(n); err != nil {
			if first == nil {
				first = err
			}
			continue
		}
		done = append(done, n)
	}
	return done, first
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
