//go:build linux

package spawn

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/nsh-lua/nsh/bindings/core/nsfs"
)

// Spec describes one child process. The zero value of every field means
// "as the parent has it", except Stdin/Stdout/Stderr (nil: /dev/null, as
// os/exec does) and Propagation (empty: "private", as unshare(1) does).
type Spec struct {
	// Argv is the command and its arguments; Argv[0] is looked up in PATH
	// (of Env when given) unless it contains a slash. Empty when Main is set.
	Argv []string
	// New lists the namespace types to create for the child.
	New []nsfs.Type
	// Join lists namespaces to enter, any order: they are entered user
	// first, then cgroup, ipc, uts, net, pid, mnt, time (nsenter's order).
	Join []*nsfs.Handle
	// Base is the namespace set the child starts from before Join and New:
	// the caller's current set where it differs from the process's (see
	// ThreadSet). Entries of a type also in Join or New are ignored.
	Base []*nsfs.Handle

	// UIDMap and GIDMap are written for a new user namespace.
	UIDMap, GIDMap []IDMap
	// MapRoot maps root inside to the caller's euid/egid outside, like
	// unshare --map-root-user; it implies Setgroups "deny".
	MapRoot bool
	// Setgroups is "deny", "allow" or "" (deny when a GID map is written by
	// an unprivileged map, else allow).
	Setgroups string

	// Hostname is set in the child's UTS namespace (needs New uts).
	Hostname string
	// MountProc mounts a fresh /proc for the new pid namespace, like
	// unshare --mount-proc; it implies New pid and mnt.
	MountProc bool
	// Propagation is applied recursively to / in a new mount namespace:
	// "private" (default), "slave", "shared" or "unchanged".
	Propagation string
	// Time holds offsets for a new time namespace (implies New time).
	Time *TimeOffsets
	// Cgroup is a cgroup v2 directory (absolute, or relative to the cgroup2
	// mount) the child starts in.
	Cgroup string

	// Root is chrooted into, then Dir (relative to Root) is the working
	// directory. Env replaces the environment when non-nil.
	Root, Dir string
	Env       []string

	// Stdin, Stdout and Stderr connect the child's standard streams; an
	// *os.File is passed as it is, other values are copied by a goroutine.
	Stdin          io.Reader
	Stdout, Stderr io.Writer
	// PipeStdin, PipeStdout and PipeStderr make Process.Stdin, .Stdout and
	// .Stderr pipes instead (the matching field above must be nil).
	PipeStdin, PipeStdout, PipeStderr bool

	// Here starts the child from the calling goroutine's thread, which
	// must be locked and outlive the child, instead of a fresh thread.
	// It is needed when that thread unshared pid or time and no process is
	// in the new namespace yet: such a namespace cannot be opened, only
	// inherited (see ThreadSet.Pending). Base is ignored; joins happen in
	// the re-executed child; pid joins and new time namespaces are refused.
	Here bool
	// FromCaller says the calling goroutine holds its OS thread locked
	// for good (a shell's thread): when the child needs nothing of a
	// thread but joining net, uts, ipc or cgroup namespaces or a new mnt
	// or uts namespace (propagation, hostname), and this thread is in the
	// process's own namespaces, Start does that on this thread for the
	// fork and returns to the process's namespaces at once, instead of
	// handing the work to another thread (two thread switches and a thread
	// creation, 10-15% of a spawn). Pdeathsig is then tied to this thread.
	FromCaller bool

	// KillOnExit sends SIGKILL to the child when this process dies.
	KillOnExit bool
	// Setpgid puts the child in a process group of its own.
	Setpgid bool

	// Steps are registered setup steps (RegisterStep) run inside the
	// child's namespaces after the joins and before the command starts.
	Steps []Step
	// Main names a registered child main (RegisterMain) the re-executed
	// child runs instead of Argv; MainArg is passed to it as JSON.
	Main    string
	MainArg any
}

// IDMap is one line of a uid_map or gid_map: Count IDs starting at Inside
// in the new user namespace are Outside..Outside+Count-1 in the parent's.
type IDMap struct {
	Inside, Outside, Count int
}

// TimeOffsets shift CLOCK_MONOTONIC and CLOCK_BOOTTIME in a new time
// namespace (time_namespaces(7)).
type TimeOffsets struct {
	Monotonic, Boottime time.Duration
}

// Step is one named setup step (see RegisterStep) with its argument, which
// travels as JSON when the step runs in a re-executed child.
type Step struct {
	Name string
	Arg  any
}

// Result is how a child ended.
type Result struct {
	// Code is the exit status, or -1 when a signal killed the child.
	Code int
	// Signal is the signal that killed the child, or 0.
	Signal int
	// Stdout and Stderr hold captured output (Run with nil writers).
	Stdout, Stderr []byte
	// Reply is what a child Main returned (JSON), nil otherwise.
	Reply json.RawMessage
}

// ErrBadSpec wraps every error about a Spec that is wrong on its face,
// found before anything is started.
var ErrBadSpec = errors.New("bad spec")

// ErrNeedsCgo reports a join that only the cgo constructor can do.
var ErrNeedsCgo = errors.New("needs nsh built with cgo")

func badSpec(format string, a ...any) error {
	return fmt.Errorf("%w: %s", ErrBadSpec, fmt.Sprintf(format, a...))
}
