//go:build linux

package nsfs

import (
	"errors"
	"fmt"
	"os"

	"golang.org/x/sys/unix"
)

// ProcNamespaces returns the inode of each namespace process pid is in,
// keyed by type, read from the links in /proc/PID/ns as `lsns -p PID`
// reads them; types limits the answer (nil: all). A type the kernel lacks
// is left out; a process that does not exist fails with ESRCH, one the
// caller may not inspect with EACCES.
func ProcNamespaces(pid int, types []Type) (map[Type]uint64, error) {
	if len(types) == 0 {
		types = Types
	}
	out := make(map[Type]uint64, len(types))
	for _, t := range types {
		link, err := os.Readlink(fmt.Sprintf("%s/%s", nsDir(pid), t))
		if errors.Is(err, unix.ENOENT) {
			if pid != 0 && !processExists(pid) {
				return nil, fmt.Errorf("pid %d: %w", pid, unix.ESRCH)
			}
			continue
		}
		if err != nil {
			var pe *os.PathError
			if errors.As(err, &pe) {
				err = pe.Err
			}
			return nil, fmt.Errorf("pid %d: %w", pid, err)
		}
		if typ, ino, ok := ParseLink([]byte(link)); ok && typ == t {
			out[t] = ino
		}
	}
	return out, nil
}
