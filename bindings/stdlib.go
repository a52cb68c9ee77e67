package bindings

import (
	"context"
	"errors"
	"fmt"

	"github.com/nsh-lua/nsh/bindings/compat"
)

// installStdlib applies compat's library mends, with print and io.write on
// the runtime's writer and os.exit ending the script instead of the process.
func (r *Runtime) installStdlib() {
	compat.Install(r.L, compat.Hooks{Stdout: runtimeStdout{r}, Exit: r.exit, Source: r.sources.Put})
}

// runtimeStdout writes to the runtime's Stdout as it is at each write.
type runtimeStdout struct{ r *Runtime }

func (w runtimeStdout) Write(p []byte) (int, error) { return w.r.opts.Stdout.Write(p) }

// ExitError is returned when a script called os.exit: the runtime stopped
// the script, and a command-line host exits with Code after closing it.
type ExitError struct{ Code int }

func (e *ExitError) Error() string { return fmt.Sprintf("os.exit(%d)", e.Code) }

// exit is os.exit's hook: it records the code and cancels the running
// evaluation, so the script ends (pcall cannot keep it alive: the VM raises
// again at every instruction once cancelled) and the runtime can release
// what it holds. It never exits the host process.
func (r *Runtime) exit(code int) {
	if r.cancel != nil {
		r.cancel(&ExitError{Code: code})
	}
}

// stopCause returns why ctx was cancelled when the canceller said why: an
// ExitError from os.exit, ErrClosed from Close, or a cause the host gave
// (a signal). A plain cancel or a deadline gives none, and the script's
// own error stands.
func stopCause(ctx context.Context) (error, bool) {
	cause := context.Cause(ctx)
	if ctx.Err() == nil || cause == nil || errors.Is(cause, context.Canceled) || errors.Is(cause, context.DeadlineExceeded) {
		return nil, false
	}
	return cause, true
}
