package repl

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/nsh-lua/nsh/bindings"
	lua "github.com/yuin/gopher-lua"
)

// Config is what the loop runs with.
type Config struct {
	// Runtime evaluates the chunks.
	Runtime *bindings.Runtime
	// In reads lines.
	In LineReader
	// Out receives results; Err receives errors.
	Out, Err io.Writer
	// Interrupts delivers Ctrl-C while a chunk runs (os.Interrupt from
	// signal.Notify on a terminal); each one cancels the running chunk.
	Interrupts <-chan os.Signal
	// History saves entries; nil keeps none.
	History *History
}

const (
	prompt     = "nsh> "
	contPrompt = ">> "
)

// Run reads and evaluates chunks until end of input, and returns nil then.
// An error inside a chunk is printed and the loop goes on; os.exit ends
// the loop with the *bindings.ExitError.
func Run(cfg Config) error {
	for _, e := range cfg.History.Load() {
		cfg.In.AddHistory(e)
	}
	var pending []string
	chunks := 0
	for {
		cfg.In.SetPrompt(promptFor(cfg.Runtime, len(pending) > 0))
		line, err := cfg.In.Readline()
		switch {
		case errors.Is(err, ErrInterrupt):
			pending = nil
			continue
		case errors.Is(err, io.EOF):
			leave(cfg)
			return nil
		case err != nil:
			return err
		}
		if len(pending) == 0 {
			if done, err := command(cfg, line); done {
				return err
			} else if err == nil {
				continue
			}
		}
		pending = append(pending, line)
		chunk := strings.Join(pending, "\n")
		if strings.TrimSpace(chunk) == "" {
			pending = nil
			continue
		}
		if incomplete(cfg.Runtime, chunk) {
			continue
		}
		pending = nil
		cfg.In.AddHistory(chunk)
		if err := cfg.History.Append(chunk); err != nil {
			fmt.Fprintf(cfg.Err, "nsh: history: %v\n", err)
		}
		chunks++
		if err := evalAndPrint(cfg, fmt.Sprintf("stdin#%d", chunks), chunk); err != nil {
			return err
		}
	}
}

// promptFor shows the namespaces the shell has left, if any:
// "nsh[net:4026532283]> ".
func promptFor(rt *bindings.Runtime, continuing bool) string {
	if continuing {
		return contPrompt
	}
	if moved := rt.Moved(); len(moved) > 0 {
		return "nsh[" + strings.Join(moved, " ") + "]> "
	}
	return prompt
}

// incomplete reports whether chunk only needs more lines to compile.
func incomplete(rt *bindings.Runtime, chunk string) bool {
	err := rt.Check(chunk)
	var se *bindings.SyntaxError
	return errors.As(err, &se) && se.Incomplete
}

// evalAndPrint runs one chunk, cancelled by Ctrl-C, and prints its values
// or its error. Only os.exit stops the loop.
func evalAndPrint(cfg Config, name, chunk string) error {
	var text string
	interrupted := false
	err := cancellable(cfg, func(ctx context.Context) error {
		var err error
		text, err = cfg.Runtime.EvalInteractive(ctx, name, chunk)
		interrupted = ctx.Err() != nil
		return err
	})
	var exit *bindings.ExitError
	switch {
	case errors.As(err, &exit):
		leave(cfg)
		return exit
	case interrupted:
		fmt.Fprintln(cfg.Err, "interrupted")
	case err != nil:
		printError(cfg.Err, err)
	case text != "":
		fmt.Fprintln(cfg.Out, text)
	}
	return nil
}

// cancellable runs fn with a context that Ctrl-C cancels.
func cancellable(cfg Config, fn func(ctx context.Context) error) error {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	drain(cfg.Interrupts)
	stop := make(chan struct{})
	defer close(stop)
	go func() {
		select {
		case <-cfg.Interrupts:
			cancel()
		case <-stop:
		}
	}()
	return fn(ctx)
}

func drain(ch <-chan os.Signal) {
	for {
		select {
		case <-ch:
		default:
			return
		}
	}
}

// printError writes an error and, for Lua errors, its traceback.
func printError(w io.Writer, err error) {
	var le *bindings.LuaError
	if errors.As(err, &le) && le.Value == lua.LNil {
		return // error(nil): lua(1) shows nothing
	}
	fmt.Fprintln(w, err.Error())
	if errors.As(err, &le) && le.Traceback != "" {
		fmt.Fprintln(w, le.Traceback)
	}
}
