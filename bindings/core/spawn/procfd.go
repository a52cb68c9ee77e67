//go:build linux

package spawn

import (
	"fmt"
	"sync"

	"github.com/nsh-lua/nsh/bindings/core/nsfs"
	"golang.org/x/sys/unix"
)

// hostProc is a descriptor of the /proc this process started with, opened
// once, by IsChild at the start of main (the main thread never moves). A
// path such as /proc/thread-self resolves in the calling thread's mount
// namespace: inside a container's (ns.with) it names the container's /proc,
// where this thread does not exist, or nothing. Looked up from this
// descriptor it names the thread in the process's own /proc.
var hostProc = sync.OnceValue(func() int {
	fd, err := unix.Open("/proc", unix.O_PATH|unix.O_DIRECTORY|unix.O_CLOEXEC, 0)
	if err != nil {
		return -1
	}
	return fd
})

// procAt returns the directory descriptor and path to reach rel (such as
// "thread-self/ns/net") in the process's own /proc.
func procAt(rel string) (int, string) {
	if fd := hostProc(); fd >= 0 {
		return fd, rel
	}
	return unix.AT_FDCWD, "/proc/" + rel
}

// procStat stats rel in the process's own /proc.
func procStat(rel string, st *unix.Stat_t) error {
	dir, path := procAt(rel)
	return unix.Fstatat(dir, path, st, 0)
}

// procOpenNS opens the namespace file rel in the process's own /proc.
func procOpenNS(rel string) (*nsfs.Handle, error) {
	dir, path := procAt(rel)
	fd, err := unix.Openat(dir, path, unix.O_RDONLY|unix.O_CLOEXEC, 0)
	if err != nil {
		return nil, fmt.Errorf("open /proc/%s: %w", rel, err)
	}
	h, err := nsfs.FromFD(fd, "/proc/"+rel)
	if err != nil {
		unix.Close(fd)
		return nil, err
	}
	return h, nil
}

// procWrite writes data to rel in the process's own /proc.
func procWrite(rel string, data []byte) error {
	dir, path := procAt(rel)
	fd, err := unix.Openat(dir, path, unix.O_WRONLY|unix.O_CLOEXEC, 0)
	if err != nil {
		return err
	}
	defer unix.Close(fd)
	_, err = unix.Write(fd, data)
	return err
}
