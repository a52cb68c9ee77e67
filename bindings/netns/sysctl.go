//go:build linux

package netns

import (
	"errors"
	"fmt"
	"runtime"
	"strings"

	"github.com/nsh-lua/nsh/bindings/nsfs"
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
	return sysctlIn(ns, key, nil)
}

// SetSysctl writes value to the network sysctl key in network namespace ns
// (nil: the calling thread's) and returns the value it had before. The
// write happens from a thread inside ns, so it changes that namespace only.
func SetSysctl(ns *nsfs.Handle, key, value string) (old string, err error) {
	return sysctlIn(ns, key, &value)
}

func sysctlIn(ns *nsfs.Handle, key string, value *string) (string, error) {
	path, err := SysctlPath(key)
	if err != nil {
		return "", err
	}
	// Stay on one thread while deciding where we are and reading there;
	// the thread's namespaces do not change, so unlocking afterwards is safe.
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	if ns == nil {
		return sysctlHere(path, key, value)
	}
	if ns.Closed() {
		return "", fmt.Errorf("sysctl %s: %w", key, nsfs.ErrClosed)
	}
	if ns.Type() != nsfs.Type("net") {
		return "", fmt.Errorf("sysctl %s: %s is not a network namespace", key, ns)
	}
	if here(ns) {
		return sysctlHere(path, key, value)
	}
	return sysctlThere(ns, path, key, value)
}

// here reports whether the calling thread already is in ns.
func here(ns *nsfs.Handle) bool {
	var st unix.Stat_t
	return unix.Stat("/proc/thread-self/ns/net", &st) == nil &&
		st.Dev == ns.Dev() && st.Ino == ns.Inode()
}

// sysctlThere does the work on a throwaway thread that joins ns.
func sysctlThere(ns *nsfs.Handle, path, key string, value *string) (val string, err error) {
	onThrowawayThread(func() {
		if err = unix.Setns(ns.Fd(), unix.CLONE_NEWNET); err != nil {
			err = fmt.Errorf("sysctl %s: setns %s: %w", key, ns, err)
			return
		}
		val, err = sysctlHere(path, key, value)
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
			return "", fmt.Errorf("sysctl %s: %w", key, err)
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
		return "", fmt.Errorf("sysctl %s: %w", key, err)
	}
	defer unix.Close(fd)
	if _, err := unix.Pwrite(fd, []byte(*value+"\n"), 0); err != nil {
		return old, fmt.Errorf("sysctl %s: write %q: %w", key, *value, err)
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
			return "", fmt.Errorf("sysctl %s: read: %w", key, err)
		}
		if n == 0 {
			return strings.TrimSuffix(string(out), "\n"), nil
		}
		out = append(out, buf[:n]...)
	}
}
