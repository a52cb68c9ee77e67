//go:build linux

package bindings

import (
	"fmt"
	"os"
	"runtime"

	"golang.org/x/sys/unix"
)

// goLockedOffMain runs fn on a new goroutine locked to an OS thread that is
// not the process's main thread (DESIGN rule 1). If the first goroutine
// lands on the main thread, it holds that thread while a second goroutine
// locks another, then lets go: the main thread never changed namespaces, so
// releasing it is safe. fn's goroutine never unlocks (rule 2).
func goLockedOffMain(fn func()) {
	go func() {
		runtime.LockOSThread()
		if unix.Gettid() != unix.Getpid() {
			fn()
			return
		}
		locked := make(chan struct{})
		go func() {
			runtime.LockOSThread()
			close(locked)
			fn()
		}()
		<-locked
		runtime.UnlockOSThread()
	}()
}

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

// threadNamespaces reads the calling thread's namespace links, type → link
// text ("net:[4026531833]").
func threadNamespaces() map[string]string {
	out := map[string]string{}
	for _, t := range []string{"cgroup", "ipc", "mnt", "net", "pid", "time", "user", "uts"} {
		if link, err := os.Readlink("/proc/thread-self/ns/" + t); err == nil {
			out[t] = link
		}
	}
	return out
}
