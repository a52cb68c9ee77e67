//go:build linux

package netns

import (
	"os"
	"strings"

	"github.com/nsh-lua/nsh/bindings/core/netns"
	"github.com/nsh-lua/nsh/bindings/vocab"
	"golang.org/x/sys/unix"
)

// deletedReason is what later use of a handle closed by netns.del reports:
// "handle closed: namespace deleted".
const deletedReason = "namespace deleted"

// namedID returns the namespace mounted on /run/netns/NAME without
// following a symlink there and without opening the namespace (O_PATH):
// only nsfs files count.
func namedID(name string) (vocab.NSID, bool) {
	fd, err := unix.Open(netns.Path(name), unix.O_PATH|unix.O_NOFOLLOW|unix.O_CLOEXEC, 0)
	if err != nil {
		return vocab.NSID{}, false
	}
	defer unix.Close(fd)
	var st unix.Stat_t
	var fs unix.Statfs_t
	if unix.Fstat(fd, &st) != nil || unix.Fstatfs(fd, &fs) != nil || fs.Type != unix.NSFS_MAGIC {
		return vocab.NSID{}, false
	}
	return vocab.NSID{Dev: st.Dev, Ino: st.Ino}, true
}

// namedIDs maps every name in /run/netns that starts with prefix to its
// namespace.
func namedIDs(prefix string) map[string]vocab.NSID {
	out := map[string]vocab.NSID{}
	entries, _ := os.ReadDir(netns.Dir)
	for _, e := range entries {
		if !strings.HasPrefix(e.Name(), prefix) {
			continue
		}
		if id, ok := namedID(e.Name()); ok {
			out[e.Name()] = id
		}
	}
	return out
}
