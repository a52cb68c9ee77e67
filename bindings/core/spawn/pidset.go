//go:build linux

package spawn

import (
	"fmt"

	"github.com/nsh-lua/nsh/bindings/core/nsfs"
	"golang.org/x/sys/unix"
)

// OpenPID opens the namespaces of process pid, what nsenter -t PID enters:
// the given types, or when types is empty every type whose namespace
// differs from the calling thread's (pid and time compared with its
// …_for_children). A pidfd held across the opens makes sure every handle
// belongs to that very process and not to a recycled pid.
func OpenPID(pid int, types []nsfs.Type) ([]*nsfs.Handle, error) {
	if len(types) == 0 {
		return openPID(pid, nsfs.Types, true)
	}
	return openPID(pid, types, false)
}

// OpenPIDDiffering opens those of the given types of process pid whose
// namespace differs from the calling thread's, as OpenPID does.
func OpenPIDDiffering(pid int, types []nsfs.Type) ([]*nsfs.Handle, error) {
	return openPID(pid, types, true)
}

func openPID(pid int, types []nsfs.Type, differing bool) ([]*nsfs.Handle, error) {
	pidfd, err := unix.PidfdOpen(pid, 0)
	if err != nil {
		return nil, fmt.Errorf("pid %d: %w", pid, err)
	}
	defer unix.Close(pidfd)
	var out []*nsfs.Handle
	fail := func(err error) ([]*nsfs.Handle, error) {
		for _, h := range out {
			h.Close()
		}
		return nil, err
	}
	for _, t := range types {
		h, err := nsfs.OpenPID(pid, t)
		if err != nil {
			return fail(err)
		}
		if differing && sameAsThread(h) {
			h.Close()
			continue
		}
		out = append(out, h)
	}
	if err := unix.PidfdSendSignal(pidfd, 0, nil, 0); err != nil {
		return fail(fmt.Errorf("pid %d: %w", pid, err))
	}
	return out, nil
}

func sameAsThread(h *nsfs.Handle) bool {
	var st unix.Stat_t
	if procStat(nsLink("thread-self", h.Type()), &st) != nil {
		return false
	}
	return st.Ino == h.Inode() && st.Dev == h.Dev()
}
