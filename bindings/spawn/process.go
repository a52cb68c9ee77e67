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
	"syscall"

	"github.com/nsh-lua/nsh/bindings/nsfs"
	"golang.org/x/sys/unix"
)

// Process is a started child. Its spawner goroutine reaps it; Wait reports
// how it ended.
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
	res      Result
	err      error
}

// Start starts the child Spec describes and returns once it runs the
// command (or the child main), or with an error and no child left behind.
// ctx bounds only the start; use Wait's ctx to bound the child's life.
func Start(ctx context.Context, spec Spec) (*Process, error) {
	pl, err := newPlan(&spec)
	if err != nil {
		return nil, err
	}
	if len(pl.childJoins) > 0 && !constructorLinked() {
		return nil, fmt.Errorf("join %s: %w", pl.childJoins[0], ErrNeedsCgo)
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	p := &Process{done: make(chan struct{})}
	started := make(chan error, 1)
	if pl.poolable() {
		if err := startPooled(pl, p); err != nil {
			return nil, err
		}
		return p, nil
	}
	goLocked(func() { spawner(pl, p, started) })
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
