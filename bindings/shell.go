package bindings

import (
	"context"
	"os"
	"os/exec"

	lua "github.com/yuin/gopher-lua"
)

// Shell runs a command line with /bin/sh -c from the VM thread, so the
// command starts in the namespaces the shell is in now (after ns.setns or
// inside a prompt that moved), with the terminal as its stdin and the
// runtime's writers as its output; cancelling ctx kills it. It returns
// the error of exec.Cmd.Run: an *exec.ExitError when the command failed.
func (r *Runtime) Shell(ctx context.Context, line string) error {
	return r.Do(ctx, func(L *lua.LState) error {
		cmd := exec.CommandContext(ctx, "/bin/sh", "-c", line)
		cmd.Stdin, cmd.Stdout, cmd.Stderr = os.Stdin, r.opts.Stdout, r.opts.Stderr
		return cmd.Run()
	})
}
