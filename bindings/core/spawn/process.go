//go:build linux

package spawn

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"sync"
	"sync/atomic"
	"syscall"
	"time"
	"unsafe"

	"github.com/nsh-lua/nsh/bindings/core/nsfs"
	"github.com/nsh-lua/nsh/bindings/core/osthread"
	"golang.org/x/sys/unix"
)

// Process is a started child. A goroutine of this package reaps it; Wait
// reports how it ended.
type Process struct {
	// Pid is the child's process ID as this process sees it.
	Pid int
	// Stdin, Stdout and Stderr are the parent's ends of the pipes asked for
	// with Spec.PipeStdin/PipeStdout/PipeStderr, else nil. The caller
	// closes them.
	Stdin          io.WriteCloser
	Stdout, Stderr io.ReadCloser

	proc     *os.Process
	replyR   *os.File      // a child main's reply pipe
	replyDec *json.Decoder // reads replyR
	done     chan struct{}

	// pidfd is the child's pidfd from clone (-1 once reaped); Wait blocks
	// on it directly when direct says no goroutine copies the child's
	// streams, so the result needs no handoff from the reaper. fdMu keeps
	// the reaper from closing it while Wait uses it.
	pidfd  int
	fdMu   sync.RWMutex
	direct bool

	// lazy holds the command of a child whose reaping waits for a Wait
	// (reaping on the waiter's own thread, as a plain exec.Cmd.Run does)
	// or, after reapDelay without one, for a reaper goroutine; claimed
	// says which one took it.
	lazy    *exec.Cmd
	claimed atomic.Bool
	res     Result
	err     error

	// limit says whether p counts against the process limit: counted by
	// countChild, uncounted when reaped, before Wait can return.
	limit atomic.Int32
}

// Start starts the child Spec describes and returns once it runs the
// command (or the child main), or with an error and no child left behind.
// ctx bounds only the start; use Wait's ctx to bound the child's life.
func Start(ctx context.Context, spec Spec) (*Process, error) {
	if err := checkInitialized(); err != nil {
		return nil, err
	}
	pl, err := newPlan(&spec)
	if err != nil {
		return nil, err
	}
	if err := roomFor(3, "start "+commandName(&spec)); err != nil {
		return nil, err // the child, its reaper and a spawner thread
	}
	p, err := start(ctx, pl)
	if err == nil {
		countChild(p)
	}
	return p, err
}

// commandName names the child in errors: its command or child main.
func commandName(spec *Spec) string {
	if len(spec.Argv) > 0 {
		return spec.Argv[0]
	}
	return spec.Main
}

func start(ctx context.Context, pl *plan) (*Process, error) {
	spec := pl.spec
	if h := pl.needsCgo(); h != nil && !constructorLinked() {
		return nil, fmt.Errorf("join %s: %w", h, ErrNeedsCgo)
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	null, err := pl.nullStreams()
	if err != nil {
		return nil, err
	}
	if null != nil {
		defer null.Close()
	}
	p := &Process{done: make(chan struct{}), pidfd: -1}
	started := make(chan error, 1)
	warmClean()
	if spec.Here || pl.fromCaller() {
		cmd, err := launchHere(pl, p)
		if err != nil {
			return nil, err // p is dropped: nobody waits on p.done
		}
		p.reapLater(cmd)
		return p, nil
	}
	if pl.poolable() {
		if err := startPooled(pl, p); err != nil {
			return nil, err
		}
		return p, nil
	}
	osthread.Go(func() { spawner(pl, p, started) })
	if err := <-started; err != nil {
		return nil, err
	}
	return p, nil
}

// Done is closed when the child has ended and been reaped.
func (p *Process) Done() <-chan struct{} { return p.done }

// Wait waits for the child to end. When ctx ends first, Wait kills the
// child (SIGKILL), waits for it, and returns its Result with ctx's error.
func (p *Process) Wait(ctx context.Context) (Result, error) {
	if p.lazy != nil && p.claimed.CompareAndSwap(false, true) {
		stop := context.AfterFunc(ctx, func() { p.Kill(syscall.SIGKILL) })
		reap(p, p.lazy)
		stop()
		if p.err != nil {
			return p.res, errors.Join(p.err, ctx.Err())
		}
		return p.res, ctx.Err()
	}
	if res, ok := p.waitDirect(ctx); ok {
		return res, ctx.Err()
	}
	select {
	case <-p.done:
		return p.res, p.err
	case <-ctx.Done():
		p.Kill(syscall.SIGKILL)
		<-p.done
		return p.res, ctx.Err()
	}
}

// Kill sends sig to the child (through its pidfd, so never to a recycled
// pid). Signalling a child that already ended is not an error.
func (p *Process) Kill(sig syscall.Signal) error {
	err := p.proc.Signal(sig)
	if errors.Is(err, os.ErrProcessDone) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("kill %d: %w", p.Pid, err)
	}
	return nil
}

// Exited reports whether the child has ended.
func (p *Process) Exited() bool {
	select {
	case <-p.done:
		return true
	default:
		return false
	}
}

// NS opens the child's namespace of type t. It fails with ESRCH once the
// child has ended.
func (p *Process) NS(t nsfs.Type) (*nsfs.Handle, error) {
	if p.Exited() {
		return nil, fmt.Errorf("pid %d: %w", p.Pid, unix.ESRCH)
	}
	h, err := nsfs.OpenPID(p.Pid, t)
	if err != nil {
		return nil, err
	}
	if p.Exited() { // the pid may have been reused meanwhile
		h.Close()
		return nil, fmt.Errorf("pid %d: %w", p.Pid, unix.ESRCH)
	}
	return h, nil
}

// Run starts the child, waits for it and returns its Result. Output goes to
// Result.Stdout/Stderr when the matching Spec writer is nil and not piped.
// When ctx ends the child is killed and Run returns ctx's error.
func Run(ctx context.Context, spec Spec) (Result, error) {
	var out, errb bytes.Buffer
	if spec.Stdout == nil && !spec.PipeStdout {
		spec.Stdout = &out
	}
	if spec.Stderr == nil && !spec.PipeStderr {
		spec.Stderr = &errb
	}
	p, err := Start(ctx, spec)
	if err != nil {
		return Result{}, err
	}
	res, err := p.Wait(ctx)
	if spec.Stdout == &out {
		res.Stdout = out.Bytes()
	}
	if spec.Stderr == &errb {
		res.Stderr = errb.Bytes()
	}
	return res, err
}

func resultOf(state *os.ProcessState) Result {
	ws, ok := state.Sys().(syscall.WaitStatus)
	if ok && ws.Signaled() {
		return Result{Code: -1, Signal: int(ws.Signal())}
	}
	return Result{Code: state.ExitCode()}
}

// waitDirect waits on the pidfd without reaping (WNOWAIT) and reads the
// result from the siginfo: the reaper goroutine reaps at the same moment,
// and the caller need not wait for it to be scheduled. It reports false
// when it cannot be used (streams being copied, a child main's reply, or
// the child already reaped).
func (p *Process) waitDirect(ctx context.Context) (Result, bool) {
	if !p.direct {
		return Result{}, false
	}
	p.fdMu.RLock()
	defer p.fdMu.RUnlock()
	if p.pidfd < 0 {
		return Result{}, false
	}
	stop := context.AfterFunc(ctx, func() { p.Kill(syscall.SIGKILL) })
	defer stop()
	var info unix.Siginfo
	for {
		err := unix.Waitid(unix.P_PIDFD, p.pidfd, &info, unix.WEXITED|unix.WNOWAIT, nil)
		if err == unix.EINTR {
			continue
		}
		if err != nil {
			return Result{}, false
		}
		break
	}
	return resultOfSiginfo(&info), true
}

// resultOfSiginfo reads how a child ended from waitid's siginfo.
func resultOfSiginfo(info *unix.Siginfo) Result {
	// siginfo_t for SIGCHLD: si_signo, si_errno, si_code, (pad), si_pid,
	// si_uid, si_status.
	code := *(*int32)(unsafe.Pointer(uintptr(unsafe.Pointer(info)) + 8))
	status := *(*int32)(unsafe.Pointer(uintptr(unsafe.Pointer(info)) + 24))
	switch code {
	case cldExited:
		return Result{Code: int(status)}
	default: // CLD_KILLED, CLD_DUMPED
		return Result{Code: -1, Signal: int(status)}
	}
}

const cldExited = 1 // CLD_EXITED

// reapDelay is how long a child whose streams nobody copies may stay
// unreaped waiting for a Wait to reap it.
const reapDelay = 50 * time.Millisecond

// reapLater lets Wait reap the child on its own thread when it comes soon;
// otherwise a reaper goroutine does.
func (p *Process) reapLater(cmd *exec.Cmd) {
	if !p.direct {
		go reap(p, cmd)
		return
	}
	p.lazy = cmd
	time.AfterFunc(reapDelay, func() {
		if p.claimed.CompareAndSwap(false, true) {
			reap(p, cmd)
		}
	})
}
