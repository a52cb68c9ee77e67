//go:build linux

package osthread

import (
	"errors"
	"fmt"

	"golang.org/x/sys/unix"
)

// ErrStranded is wrapped by the error of a Visit whose thread could not go
// back: the thread stays marked moved, and what fn started there must be
// undone by the caller.
var ErrStranded = errors.New("thread could not return to the process's namespaces")

// Visit is switch-and-return for a fork (rule 11): on the calling thread it
// runs enter (Setns and Unshare calls that change only the types in flags:
// net, uts, ipc, cgroup, a new mnt or uts), then fn (the fork), then brings
// the thread back to the process's namespaces of those types with one
// setns through a pidfd of the process, and to its working directory.
// enter's or fn's error is returned; if the way back fails the error wraps
// ErrStranded (and the other error, if any) and the thread stays moved.
// Never call it on the main thread (refused) or inside With; callers check
// Moved first to keep a moved thread where it is.
func Visit(flags int, enter, fn func() error) error {
	if flags == 0 {
		if err := enter(); err != nil {
			return err
		}
		return fn()
	}
	tid := unix.Gettid()
	if err := changeable(tid, flags); err != nil {
		return err
	}
	before := typesOf(tid)
	self, err := unix.PidfdOpen(pid, 0)
	if err != nil {
		return fmt.Errorf("pidfd_open self: %w", err)
	}
	defer unix.Close(self)
	cwd := -1
	if flags&unix.CLONE_NEWNS != 0 {
		// Rule 5: setns with CLONE_NEWNS among other flags needs a private
		// fs struct; leaving the mount namespace resets root and cwd.
		if err := privateFS(); err != nil {
			return err
		}
		if cwd, err = unix.Open(".", unix.O_PATH|unix.O_DIRECTORY|unix.O_CLOEXEC, 0); err != nil {
			return fmt.Errorf("open working directory: %w", err)
		}
		defer unix.Close(cwd)
	}
	err = enter()
	if err == nil {
		err = fn()
	}
	back := unix.Setns(self, flags)
	if back == nil && cwd >= 0 {
		back = unix.Fchdir(cwd)
	}
	if back != nil {
		mark(tid, flags)
		return errors.Join(err, fmt.Errorf("%w: %w", ErrStranded, back))
	}
	setTypes(tid, before&^flags)
	return err
}
