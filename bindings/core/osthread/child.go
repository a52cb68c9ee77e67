//go:build linux

package osthread

import (
	"fmt"

	"golang.org/x/sys/unix"
)

// ChildSetns is Setns for the one thread of a re-executed child that is
// about to exec the command (LockForChild; rule 13): that process ends in
// exec, so its main thread may change. A mount namespace still gets a
// private fs struct first (rule 5).
func ChildSetns(fd, nstype int) error {
	if nstype&unix.CLONE_NEWNS != 0 {
		if err := unix.Unshare(unix.CLONE_FS); err != nil {
			return fmt.Errorf("unshare fs: %w", err)
		}
	}
	if err := unix.Setns(fd, nstype); err != nil {
		return fmt.Errorf("setns %s: %w", FlagNames(nstype), err)
	}
	return nil
}

// ChildUnshare is Unshare for the thread of a re-executed child about to
// exec, as ChildSetns.
func ChildUnshare(flags int) error {
	if err := unix.Unshare(flags | unix.CLONE_FS); err != nil {
		return fmt.Errorf("unshare %s: %w", FlagNames(flags), err)
	}
	return nil
}

// FlagNames spells CLONE_NEW* flags as "net+uts", for messages.
func FlagNames(flags int) string { return flagNames(flags) }
