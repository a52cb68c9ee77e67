package bindings

import (
	"context"
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

// exitCause returns the ExitError a cancelled context carries, if any.
func exitCause(ctx context.Context) (*ExitError, bool) {
	e, ok := context.Cause(ctx).(*ExitError)
	return e, ok
}
