package bindings

import (
	"context"
	"errors"
	"io"
	"os"
	"sync"

	"github.com/nsh-lua/nsh/bindings/compat"
	"github.com/nsh-lua/nsh/bindings/core/osthread"
	"github.com/nsh-lua/nsh/bindings/vocab"

	lua "github.com/yuin/gopher-lua"
)

// Options configure a Runtime.
type Options struct {
	// Stdout receives print and io.write; nil means os.Stdout.
	Stdout io.Writer
	// Stderr receives warnings; nil means os.Stderr.
	Stderr io.Writer
}

// Runtime owns a Lua VM with the nsh modules and the one OS thread it runs
// on. All Lua runs on that thread, locked for the runtime's whole life and
// never the process's main thread; when the runtime closes, the thread exits
// with it, since its namespaces may have changed. A Runtime is safe for use
// by several goroutines: calls are serialized on the VM thread.
type Runtime struct {
	opts    Options
	L       *lua.LState
	modules vocab.Set
	jobs    chan job
	quit    chan struct{} // closed by Close
	stopped chan struct{} // closed when the VM thread is done
	quitter sync.Once

	runMu   sync.Mutex
	running context.CancelCauseFunc // cancels the job running now

	// Owned by the VM thread.
	sources *compat.SourceCache
	closers []io.Closer
	cancel  context.CancelCauseFunc
	trace   string         // traceback of the last error raised
	handler *lua.LFunction // the message handler that records trace
	scope   *replScope     // the prompt's locals; nil until EvalInteractive
	depth   int            // calls of call in progress, nested
}

type job struct {
	ctx  context.Context
	fn   func(L *lua.LState) error
	done chan error
}

// ErrClosed is returned by calls on a closed Runtime.
var ErrClosed = errors.New("nsh runtime is closed")

// New starts a runtime: a VM on its own locked OS thread, with the standard
// Lua libraries and every registered nsh module opened as globals and as
// require-able modules.
func New(opts Options) (*Runtime, error) {
	registerChildMains()
	if opts.Stdout == nil {
		opts.Stdout = os.Stdout
	}
	if opts.Stderr == nil {
		opts.Stderr = os.Stderr
	}
	opts.Stdout, opts.Stderr = compat.Serialized(opts.Stdout), compat.Serialized(opts.Stderr)
	r := &Runtime{
		opts:    opts,
		jobs:    make(chan job),
		quit:    make(chan struct{}),
		stopped: make(chan struct{}),
		sources: compat.NewSourceCache(1024, 32<<20),
		modules: Modules(),
	}
	ready := make(chan error, 1)
	osthread.Go(func() { r.loop(ready) })
	if err := <-ready; err != nil {
		return nil, err
	}
	return r, nil
}

// loop is the VM goroutine: it prepares the thread, builds the state, and
// serves jobs until Close. It returns still locked, so the thread dies.
func (r *Runtime) loop(ready chan<- error) {
	defer close(r.stopped)
	if err := prepareVMThread(); err != nil {
		ready <- err
		return
	}
	r.L = lua.NewState(compat.Options())
	if err := r.open(); err != nil {
		r.L.Close()
		ready <- err
		return
	}
	ready <- nil
	for {
		select {
		case j := <-r.jobs:
			j.done <- r.run(j)
		case <-r.quit:
			r.release()
			return
		}
	}
}

// run executes one job with its context installed in the VM.
func (r *Runtime) run(j job) (err error) {
	ctx, cancel := context.WithCancelCause(j.ctx)
	defer cancel(nil)
	r.cancel = cancel
	r.setRunning(cancel)
	defer r.setRunning(nil)
	r.L.SetContext(ctx)
	defer r.L.RemoveContext()
	defer func() {
		if p := recover(); p != nil {
			err = panicError(p)
		}
	}()
	err = j.fn(r.L)
	if cause, ok := stopCause(ctx); ok {
		return cause
	}
	return err
}

// setRunning records the cancel function of the job starting (nil: it
// ended), so Close can stop it; a job that starts once Close was called is
// cancelled at once.
func (r *Runtime) setRunning(cancel context.CancelCauseFunc) {
	r.runMu.Lock()
	defer r.runMu.Unlock()
	r.running = cancel
	select {
	case <-r.quit:
		if cancel != nil {
			cancel(ErrClosed)
		}
	default:
	}
}

// release closes what scripts left open and the VM, on the VM thread.
func (r *Runtime) release() {
	for i := len(r.closers) - 1; i >= 0; i-- {
		r.closers[i].Close()
	}
	r.closers = nil
	releaseHandles(r.L)
	compat.Release(r.L) // files and io.popen children scripts left open
	r.L.Close()
}

// Do runs fn on the VM thread with ctx as the VM's context and returns its
// error. Lua code fn runs watches ctx: cancelling it raises an error in the
// running chunk. fn must not keep L past its return.
func (r *Runtime) Do(ctx context.Context, fn func(L *lua.LState) error) error {
	done := make(chan error, 1)
	select {
	case <-r.quit:
		return ErrClosed
	default:
	}
	select {
	case r.jobs <- job{ctx: ctx, fn: fn, done: done}:
		return <-done
	case <-r.quit:
		return ErrClosed
	}
}

// Close releases everything the runtime holds: handles and children scripts
// left open, the VM, and its thread. A script running at the time is
// cancelled (its Do returns ErrClosed), and calls waiting to run return
// ErrClosed. Closing twice is harmless.
func (r *Runtime) Close() error {
	r.quitter.Do(func() { close(r.quit) })
	r.runMu.Lock()
	if r.running != nil {
		r.running(ErrClosed)
	}
	r.runMu.Unlock()
	<-r.stopped
	return nil
}

// Track registers c to be closed when the runtime closes; objects that hold
// kernel resources (handles, child processes) track themselves.
func (r *Runtime) Track(c io.Closer) { r.closers = append(r.closers, c) }

// Untrack forgets c, once the script closed it itself.
func (r *Runtime) Untrack(c io.Closer) {
	for i, x := range r.closers {
		if x == c {
			r.closers = append(r.closers[:i], r.closers[i+1:]...)
			return
		}
	}
}

// CloseNotices says what Close will undo that the user made and did not
// ask to keep, one line per object, oldest first: "lab tut- (tut-a,
// tut-b)". The REPL shows them when the user leaves.
func (r *Runtime) CloseNotices() []string {
	var out []string
	r.Do(context.Background(), func(L *lua.LState) error {
		for _, c := range r.closers {
			if n, ok := c.(vocab.Notifier); ok {
				if s := n.CloseNotice(); s != "" {
					out = append(out, s)
				}
			}
		}
		return nil
	})
	return out
}

// Source returns the text of a chunk the runtime loaded, by chunk name.
func (r *Runtime) Source(chunk string) (string, bool) {
	return r.sources.Get(chunk)
}

// Stdout returns the writer print and io.write go to.
func (r *Runtime) Stdout() io.Writer { return r.opts.Stdout }

// Stderr returns the writer for diagnostics.
func (r *Runtime) Stderr() io.Writer { return r.opts.Stderr }

// Modules returns the module set the runtime opened.
func (r *Runtime) Modules() vocab.Set { return r.modules }

// Compile compiles src as a chunk named name, with every mend, and keeps
// its source; it must run on the VM thread (inside Do or a Lua call).
func (r *Runtime) Compile(src, name string) (*lua.LFunction, error) {
	return r.compile(src, name)
}

// RuntimeOf returns the Runtime that owns L, or nil when L is a state nsh
// was attached to by Attach.
func RuntimeOf(L *lua.LState) *Runtime {
	r, _ := vocab.HostOf(L).(*Runtime)
	return r
}
