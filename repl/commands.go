package repl

import (
	"context"
	"errors"
	"fmt"
	"os/exec"
	"strings"
)

// errNotCommand says a line is Lua, not one of the shell's own commands.
var errNotCommand = errors.New("not a command")

// command runs the shell habits a line typed at a fresh prompt may be:
// `exit` or `quit` alone leave (done is true), `clear` clears the screen,
// `!cmd` runs cmd with /bin/sh in the shell's namespaces. It returns
// errNotCommand for a line of Lua. These words are commands only alone on
// the line: `exit()` or `quit = 1` are still Lua.
func command(cfg Config, line string) (done bool, err error) {
	word := strings.TrimSpace(line)
	switch {
	case word == "exit" || word == "quit":
		cfg.In.AddHistory(word)
		leave(cfg)
		return true, nil
	case word == "clear":
		fmt.Fprint(cfg.Out, "\x1b[H\x1b[2J")
		return false, nil
	case strings.HasPrefix(word, "!"):
		cfg.In.AddHistory(word)
		if err := cfg.History.Append(word); err != nil {
			fmt.Fprintf(cfg.Err, "nsh: history: %v\n", err)
		}
		shell(cfg, strings.TrimSpace(word[1:]))
		return false, nil
	}
	return false, errNotCommand
}

// shell runs !cmd, cancelled by Ctrl-C, and reports a failure.
func shell(cfg Config, line string) {
	if line == "" {
		return
	}
	err := cancellable(cfg, func(ctx context.Context) error { return cfg.Runtime.Shell(ctx, line) })
	var exit *exec.ExitError
	switch {
	case errors.As(err, &exit):
		fmt.Fprintf(cfg.Err, "!%s: %v\n", line, exit)
	case err != nil:
		fmt.Fprintf(cfg.Err, "!%s: %v\n", line, err)
	}
}

// leave tells which labs the runtime tears down when the shell exits:
// those built at the prompt and not kept (keep = true).
func leave(cfg Config) {
	for _, n := range cfg.Runtime.CloseNotices() {
		fmt.Fprintf(cfg.Err, "nsh: tearing down %s\n", n)
	}
}
