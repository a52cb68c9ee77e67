//go:build linux

package spawn

import (
	"errors"
	"fmt"
	"os/exec"

	"github.com/nsh-lua/nsh/bindings/core/nsfs"
	"github.com/nsh-lua/nsh/bindings/core/osthread"
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
	// Never from the main thread (osthread rule 1) or a moved one (rule 11).
	return !osthread.OnMain() && !osthread.Moved()
}

// launchHere starts the child from the calling thread. What the plan
// changes on the thread (joins, a new mnt or uts namespace) lasts for the
// fork only: the thread goes back to the process's namespaces (and its
// working directory) before it returns (osthread.Visit, rule 11), and if
// it cannot, the child is killed, the thread stays marked moved (so
// children follow where it really is) and an error says so.
func launchHere(pl *plan, p *Process) (*exec.Cmd, error) {
	flags := pl.threadNew
	for _, h := range pl.threadJoins {
		flags |= h.Type().Flag()
	}
	var cmd *exec.Cmd
	err := osthread.Visit(flags, func() error { return enterThread(pl.threadJoins) }, func() (err error) {
		cmd, err = launch(pl, p)
		return err
	})
	if errors.Is(err, osthread.ErrStranded) {
		if cmd != nil {
			cmd.Process.Kill()
			go reap(p, cmd)
		}
		return nil, fmt.Errorf("after starting a child: %w", err)
	}
	return cmd, err
}
