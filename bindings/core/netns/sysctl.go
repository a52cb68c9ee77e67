//go:build linux

package netns

import (
	"errors"
	"fmt"
	"strings"

	"github.com/nsh-lua/nsh/bindings/core/nsfs"
	"github.com/nsh-lua/nsh/bindings/core/osthread"
	"golang.org/x/sys/unix"
)

// ErrBadKey is wrapped by the errors SysctlPath returns.
var ErrBadKey = errors.New("invalid sysctl key")

// SysctlPath turns a network sysctl key into its file under /proc/sys, the
// way sysctl(8) reads keys: "net.ipv4.ip_forward" (dots), or
// "net/ipv4/conf/eth0.100/forwarding" (slashes, for names with dots). Only
// keys under net are accepted, since only those are per network namespace;
// empty, "." and ".." components are refused.
func SysctlPath(key string) (string, error) {
	sep := "."
	if strings.Contains(key, "/") {
		sep = "/"
	}
	parts := strings.Split(key, sep)
	if len(parts) < 2 || parts[0] != "net" {
		return "", fmt.Errorf("%w: %q is not a net.* key", ErrBadKey, key)
	}
	for _, p := range parts {
		if p == "" || p == "." || p == ".." || strings.ContainsRune(p, 0) {
			return "", fmt.Errorf("%w: %q", ErrBadKey, key)
		}
	}
	return "/proc/sys/" + strings.Join(parts, "/"), nil
}

// Sysctl reads the network sysctl key in network namespace ns (nil: the
// calling thread's) and returns its value without the trailing newline.
func Sysctl(ns *nsfs.Handle, key string) (string, error) {
	fd, err := handleFD(ns, key)
	if err != nil {
		return "", err
	}
	return SysctlAt(fd, key, nil)
}

// SetSysctl writes value to the network sysctl key in network namespace ns
// (nil: the calling thread's) and returns the value it had before. The
// write happens from a thread inside ns, so it changes that namespace only.
func SetSysctl(ns *nsfs.Handle, key, value string) (old string, err error) {
	fd, err := handleFD(ns, key)
	if err != nil {
		return "", err
	}
	return SysctlAt(fd, key, &value)
}

func handleFD(ns *nsfs.Handle, key string) (int, error) {
	switch {
	case ns == nil:
		return -1, nil
	case ns.Closed():
		return -1, fail("sysctl", key, nsfs.ErrClosed)
	case ns.Type() != nsfs.Net:
		return -1, fail("sysctl", key, fmt.Errorf("%s is not a network namespace: %w", ns, unix.EINVAL))
	}
	return ns.Fd(), nil
}

// SysctlAt reads the network sysctl key in the network namespace open as
// nsFD (-1: the calling thread's), and when value is not nil writes it; it
// returns the value read before any write. When nsFD is not the calling
// thread's namespace, the work is done on the kept worker thread, which
// joins it and goes back (osthread rule 12), since /proc/sys/net shows the
// namespace of the thread that opens it.
func SysctlAt(nsFD int, key string, value *string) (string, error) {
	path, err := SysctlPath(key)
	if err != nil {
		return "", err
	}
	// No need to lock the thread while deciding where we are and reading
	// there: a goroutine that is not locked runs only on threads in the
	// process's namespaces, and a locked one stays on its thread.
	if nsFD < 0 || here(nsFD) {
		return sysctlHere(path, key, value)
	}
	return sysctlThere(nsFD, path, key, value)
}

// here reports whether the calling thread already is in the namespace
// open as fd.
func here(fd int) bool {
	var self, ns unix.Stat_t
	return unix.Fstat(fd, &ns) == nil && unix.Stat("/proc/thread-self/ns/net", &self) == nil &&
		self.Dev == ns.Dev && self.Ino == ns.Ino
}

// sysctlThere does the work on the worker thread, in ns.
func sysctlThere(nsFD int, path, key string, value *string) (val string, err error) {
	err = worker.Do(func() error {
		if err := osthread.Setns(nsFD, unix.CLONE_NEWNET); err != nil {
			return fail("sysctl", key, step("setns", err))
		}
		val, err = sysctlHere(path, key, value)
		return err
	})
	return val, err
}

// sysctlHere reads, and optionally writes, path from the calling thread,
// whose network namespace decides which values /proc/sys/net shows. A
// write-only key (such as net.ipv4.route.flush) is written without a read.
func sysctlHere(path, key string, value *string) (string, error) {
	if value == nil {
		fd, err := unix.Open(path, unix.O_RDONLY|unix.O_CLOEXEC, 0)
		if err != nil {
			return "", fail("sysctl", key, err)
		}
		defer unix.Close(fd)
		return readAll(fd, key)
	}
	old := ""
	fd, err := unix.Open(path, unix.O_RDWR|unix.O_CLOEXEC, 0)
	if errors.Is(err, unix.EACCES) {
		fd, err = unix.Open(path, unix.O_WRONLY|unix.O_CLOEXEC, 0)
	} else if err == nil {
		if old, err = readAll(fd, key); err != nil {
			unix.Close(fd)
			return "", err
		}
	}
	if err != nil {
		return "", fail("sysctl", key, err)
	}
	defer unix.Close(fd)
	if _, err := unix.Pwrite(fd, []byte(*value+"\n"), 0); err != nil {
		return old, fail("sysctl", key, step(fmt.Sprintf("write %q", *value), err))
	}
	return old, nil
}

func readAll(fd int, key string) (string, error) {
	var out []byte
	buf := make([]byte, 512)
	for {
		n, err := unix.Read(fd, buf)
		if errors.Is(err, unix.EINTR) {
			continue
		}
		if err != nil {
			return "", fail("sysctl", key, step("read", err))
		}
		if n == 0 {
			return strings.TrimSuffix(string(out), "\n"), nil
		}
		out = append(out, buf[:n]...)
	}
}
