//go:build linux

package osthread

import (
	"errors"
	"fmt"

	"golang.org/x/sys/unix"
)

// ErrUserThread is returned for a user namespace asked of a thread (rule 6).
var ErrUserThread = errors.New("a running multithreaded process cannot enter a user namespace: start a child in it with ns.spawn{join=…}, or ns.clone")

// ErrTimeThread is returned for joining an existing time namespace (rule 6).
var ErrTimeThread = errors.New("a running Go process cannot join an existing time namespace: start a child with ns.spawn{join=…}")

// ErrMainThread is returned for a namespace change asked of the main
// thread (rule 1).
var ErrMainThread = errors.New("the main thread never changes namespaces")

// The functions in this file act on the calling OS thread, whose goroutine
// must be locked (started with Go or Run, or the VM thread) and, once the
// thread moved, never unlocked (rule 2). They record the change before
// making it (rule 14).

// Unshare moves the calling thread into new namespaces of the CLONE_NEW*
// types in flags, like unshare(2); for pid and time that is the namespace
// of the children it starts next. A new mount namespace comes with a
// private fs struct (rule 5). A user namespace is refused (rule 6). The
// error is the kernel's, wrapped as "unshare TYPES: errno".
func Unshare(flags int) error {
	tid := unix.Gettid()
	if err := changeable(tid, flags); err != nil {
		return fmt.Errorf("unshare %s: %w", flagNames(flags), err)
	}
	if flags&unix.CLONE_NEWUSER != 0 {
		return fmt.Errorf("unshare user: %w", ErrUserThread)
	}
	mark(tid, flags)
	if flags&unix.CLONE_NEWNS != 0 {
		flags |= unix.CLONE_FS
	}
	if err := unix.Unshare(flags); err != nil {
		return fmt.Errorf("unshare %s: %w", flagNames(flags), err)
	}
	return nil
}

// Setns moves the calling thread into the namespace open as fd, of the
// CLONE_NEW* type nstype, like setns(2). A mount namespace gets a private
// fs struct first (rule 5); user and time are refused (rule 6). The error
// is the kernel's errno, for the caller to name the namespace, or
// "unshare fs: errno".
func Setns(fd, nstype int) error {
	tid := unix.Gettid()
	if err := changeable(tid, nstype); err != nil {
		return err
	}
	switch {
	case nstype&unix.CLONE_NEWUSER != 0:
		return ErrUserThread
	case nstype&unix.CLONE_NEWTIME != 0:
		return ErrTimeThread
	}
	mark(tid, nstype)
	if nstype&unix.CLONE_NEWNS != 0 {
		if err := unix.Unshare(unix.CLONE_FS); err != nil {
			return fmt.Errorf("unshare fs: %w", err)
		}
	}
	return unix.Setns(fd, nstype)
}

// changeable refuses a change on the main thread (rule 1), and flags
// that are not namespace types, for thread tid.
func changeable(tid, flags int) error {
	if tid == pid {
		return ErrMainThread
	}
	if flags&^allTypes != 0 {
		return fmt.Errorf("%#x is not a set of namespace types: %w", flags, unix.EINVAL)
	}
	return nil
}

// PrepareVM readies the calling thread to be the VM thread (rule 3): it
// must not be the main thread, and it gets a private fs struct, so that a
// later mount-namespace change on it cannot move other threads' root.
func PrepareVM() error {
	if OnMain() {
		return fmt.Errorf("vm thread: %w", ErrMainThread)
	}
	if err := privateFS(); err != nil {
		return fmt.Errorf("vm thread: %w", err)
	}
	return nil
}

// privateFS gives the calling thread an fs struct (root, cwd, umask) of
// its own.
func privateFS() error {
	if err := unix.Unshare(unix.CLONE_FS); err != nil {
		return fmt.Errorf("unshare fs: %w", err)
	}
	return nil
}
