//go:build linux

package spawn

import (
	"errors"
	"fmt"
	"os"
	"runtime"
	"sync/atomic"
	"time"

	"github.com/nsh-lua/nsh/bindings/core/nsenter"
	"golang.org/x/sys/unix"
)

// MinFiles is the lowest open file limit (ulimit -n) nsh runs under: the
// standard streams, the runtime's poller (epoll and eventfd), and what one
// spawn holds at once (request, reply and stream pipes, a pidfd).
const MinFiles = 16

// MinTasks is how many processes and threads of its user the process limit
// (ulimit -u) must leave room for: the Go runtime's threads, the shell's
// thread, a spawner thread and a child with its reaper.
const MinTasks = nsenter.MinTasks

// threadReserve is how many threads and processes Start and With keep
// free under a process limit for what the runtime may start on its own
// (an M for a goroutine whose thread blocks in a system call).
const threadReserve = 3

// ErrCannotRun reports a resource limit under which nsh cannot run
// without the Go runtime crashing.
var ErrCannotRun = errors.New("cannot run")

// nproc is the process limit Prepare found, when it binds this process.
var nproc struct {
	limited atomic.Bool
	limit   int          // RLIMIT_NPROC
	others  int          // the user's tasks outside this process at start-up
	kids    atomic.Int64 // children started and not yet reaped
}

// Prepare readies the Go runtime of a program that starts children for
// low resource limits; bindings.Init calls it at the start of main. It
// starts the runtime's network poller now, while descriptors are free: the
// runtime sets it up on first use of a pipe and dies ("netpollinit
// failed") when the open file limit is reached at that moment. It returns
// an error wrapping ErrCannotRun for an open file or process limit under
// which the runtime could not be kept from crashing, and under a process
// limit it caps GOMAXPROCS so the runtime's threads leave room for
// children, and makes Start and With refuse (EAGAIN) to go past it.
func Prepare() error {
	if err := checkFiles(); err != nil {
		return err
	}
	r, w, err := os.Pipe() // the first pollable file starts the poller
	if err != nil {
		return fmt.Errorf("%w: start the runtime's poller: %w", ErrCannotRun, err)
	}
	r.Close()
	w.Close()
	return checkTasks()
}

func checkFiles() error {
	var lim unix.Rlimit
	if err := unix.Getrlimit(unix.RLIMIT_NOFILE, &lim); err != nil {
		return nil
	}
	if lim.Cur < MinFiles {
		return fmt.Errorf("%w: the open file limit (ulimit -n) is %d; nsh needs at least %d", ErrCannotRun, lim.Cur, MinFiles)
	}
	ents, err := os.ReadDir("/proc/self/fd")
	if err != nil {
		if errors.Is(err, unix.EMFILE) {
			return fmt.Errorf("%w: no file descriptor is free (ulimit -n %d)", ErrCannotRun, lim.Cur)
		}
		return nil // no /proc: nothing to go by
	}
	// Starting the poller takes a pipe and the poller's epoll and eventfd
	// at once; after that, running out is an ordinary error.
	const needFree = 4
	if free := int(lim.Cur) - len(ents); free < needFree {
		return fmt.Errorf("%w: %d of the %d open files allowed (ulimit -n) are in use; nsh needs %d free",
			ErrCannotRun, len(ents), lim.Cur, needFree)
	}
	return nil
}

// checkTasks refuses a process limit that leaves less than MinTasks, and
// otherwise records it for roomFor.
func checkTasks() error {
	var lim unix.Rlimit
	if err := unix.Getrlimit(unix.RLIMIT_NPROC, &lim); err != nil || lim.Cur == unix.RLIM_INFINITY || nprocExempt() {
		return nil
	}
	if all := systemThreads(); all >= 0 && int(lim.Cur)-all >= MinTasks*4 {
		return nil // room whatever the user runs: no scan, no guard
	}
	others := userTasks(unix.Getuid())
	room := int(lim.Cur) - others
	if room < MinTasks {
		return fmt.Errorf("%w: the process limit (ulimit -u %d) leaves room for %d more processes and threads of this user; nsh needs %d",
			ErrCannotRun, lim.Cur, max(room, 0), MinTasks)
	}
	nproc.limit, nproc.others = int(lim.Cur), others
	nproc.limited.Store(true)
	// The runtime runs up to GOMAXPROCS threads at once, on top of its
	// own (sysmon, the template thread) and the shell's locked thread.
	if procs := (room - MinTasks) / 2; procs < runtime.GOMAXPROCS(0) {
		runtime.GOMAXPROCS(max(procs, 1))
	}
	return nil
}

// roomFor returns an EAGAIN error when starting n more threads or
// processes would take this process past the room the process limit
// leaves it (keeping threadReserve free); the Go runtime dies when it
// cannot create a thread, so Start and With ask first.
func roomFor(n int, what string) error {
	if !nproc.limited.Load() {
		return nil
	}
	// A live child counts twice: the process and the thread its reaper
	// blocks in waitid on (counted in threads once it does). A thread
	// that just ended may still count: give it a moment.
	var threads, kids int
	for pause := time.Millisecond; ; pause *= 2 { // 1+2+4+8 ms at most
		threads, kids = ownThreads(), int(nproc.kids.Load())
		if nproc.others+threads+2*kids+n+threadReserve <= nproc.limit {
			return nil
		}
		if pause > 8*time.Millisecond {
			break
		}
		time.Sleep(pause)
	}
	return fmt.Errorf("%s: the process limit (ulimit -u %d) is reached (nsh: %d threads, %d children; the user's other tasks: %d): %w",
		what, nproc.limit, threads, kids, nproc.others, unix.EAGAIN)
}

// The states of Process.limit.
const (
	limitNone     = iota // not counted (yet)
	limitCounted         // counted in nproc.kids
	limitReleased        // reaped: never counted again
)

// countChild counts p against the process limit until it is reaped.
func countChild(p *Process) {
	if nproc.limited.Load() && p.limit.CompareAndSwap(limitNone, limitCounted) {
		nproc.kids.Add(1)
	}
}

// uncountChild ends p's count, as its reaping does before anyone waiting
// for it wakes up: a script that waited for its children has the room
// back at once. A child reaped before it was counted is never counted.
func uncountChild(p *Process) {
	if p.limit.Swap(limitReleased) == limitCounted {
		nproc.kids.Add(-1)
	}
}
