//go:build linux

package spawn

import (
	"fmt"
	"os/exec"

	"github.com/nsh-lua/nsh/bindings/core/nsfs"
	"golang.org/x/sys/unix"
)

// switchable are the types a thread can enter and leave again at will:
// leaving mnt would reset its root and cwd, pid and time cannot go back,
// user cannot be entered at all.
var switchable = map[nsfs.Type]bool{nsfs.Net: true, nsfs.UTS: true, nsfs.IPC: true, nsfs.Cgroup: true}

// fromCaller reports whether the child may start from the caller's thread
// (Spec.FromCaller): no steps to run on the thread, only switchable joins,
// only mnt and uts to unshare (the way back is setns to the process's),
// and the thread is where the process is.
func (p *plan) fromCaller() bool {
	if !p.spec.FromCaller || p.threadNew&^(unix.CLONE_NEWNS|unix.CLONE_NEWUTS) != 0 ||
		(!p.reexec && len(p.spec.Steps) > 0) {
		return false
	}
	for _, h := range p.threadJoins {
		if !switchable[h.Type()] {
			return false
		}
	}
	tid := unix.Gettid()
	if tid == unix.Getpid() {
		return false // the main thread never changes namespaces (rule 1)
	}
	_, moved := moved.Load(tid)
	return !moved
}

// launchHere starts the child from the calling thread. What the plan
// changes on the thread (joins, a new mnt or uts namespace) lasts for the
// fork only: the thread goes back to the process's namespaces (and its
// working directory) before it returns, and if it cannot, the child is
// killed, the thread is marked moved (so children follow where it really
// is) and an error says so.
func launchHere(pl *plan, p *Process) (*exec.Cmd, error) {
	flags := pl.threadNew
	for _, h := range pl.threadJoins {
		flags |= h.Type().Flag()
	}
	if flags == 0 {
		return launch(pl, p)
	}
	// The way back: our own process (its main thread never moves, rule 1)
	// through a pidfd, all types in one setns.
	self, err := unix.PidfdOpen(unix.Getpid(), 0)
	if err != nil {
		return nil, fmt.Errorf("pidfd_open self: %w", err)
	}
	defer unix.Close(self)
	cwd := -1
	if flags&unix.CLONE_NEWNS != 0 {
		// Rule 4: setns with CLONE_NEWNS and other flags needs a private
		// fs struct; leaving the mount namespace resets root and cwd.
		if err := unix.Unshare(unix.CLONE_FS); err != nil {
			return nil, fmt.Errorf("unshare fs: %w", err)
		}
		if cwd, err = unix.Open(".", unix.O_PATH|unix.O_DIRECTORY|unix.O_CLOEXEC, 0); err != nil {
			return nil, fmt.Errorf("open working directory: %w", err)
		}
		defer unix.Close(cwd)
	}
	err = enterThread(pl.threadJoins)
	var cmd *exec.Cmd
	if err == nil {
		cmd, err = launch(pl, p)
	}
	berr := unix.Setns(self, flags)
	if berr == nil && cwd >= 0 {
		berr = unix.Fchdir(cwd)
	}
	if berr != nil {
		markMoved()
		if cmd != nil {
			cmd.Process.Kill()
			go reap(p, cmd)
		}
		return nil, fmt.Errorf("return to the process's namespaces after starting a child: %w", berr)
	}
	return cmd, err
}
