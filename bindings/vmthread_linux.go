//go:build linux

package bindings

import (
	"fmt"
	"os"

	"golang.org/x/sys/unix"
)

// prepareVMThread gives the locked VM thread its own fs struct, so that a
// later mount-namespace change on it cannot move the root of other threads
// (rule 4).
func prepareVMThread() error {
	if unix.Gettid() == unix.Getpid() {
		return fmt.Errorf("vm thread: running on the main thread")
	}
	if err := unix.Unshare(unix.CLONE_FS); err != nil {
		return fmt.Errorf("vm thread: unshare CLONE_FS: %w", err)
	}
	return nil
}

// threadNamespaces reads the namespace links in dir (a /proc/…/ns
// directory), type → link text ("net:[4026531833]").
func threadNamespaces(dir string) map[string]string {
	out := map[string]string{}
	for _, t := range []string{"cgroup", "ipc", "mnt", "net", "pid", "time", "user", "uts"} {
		if link, err := os.Readlink(dir + "/" + t); err == nil {
			out[t] = link
		}
	}
	return out
}
